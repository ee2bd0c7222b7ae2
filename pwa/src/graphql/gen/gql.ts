/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment UserFields on User {\n    id\n    username\n    fullName\n    unit\n    active\n    locale\n    roles\n  }\n": typeof types.UserFieldsFragmentDoc,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      expiresAt\n      refreshToken\n      refreshExpiresAt\n      user { ...UserFields }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      accessToken\n      expiresAt\n      refreshToken\n      refreshExpiresAt\n      user { ...UserFields }\n    }\n  }\n": typeof types.RefreshSessionDocument,
    "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n": typeof types.LogoutDocument,
    "\n  query Me {\n    me { ...UserFields }\n  }\n": typeof types.MeDocument,
    "\n  fragment DispositionFields on Disposition {\n    id\n    step\n    stepNumber\n    from { id fullName }\n    toRole\n    to { id fullName }\n    instruction\n    instructionText\n    priority\n    note\n    dueAt\n    slaDeadline\n    createdAt\n    readAt\n    doneAt\n    outcome\n    sla { met overdue timeTakenSeconds standardMinutes completedAt deadline }\n  }\n": typeof types.DispositionFieldsFragmentDoc,
    "\n  query Inbox {\n    inbox {\n      deadline\n      overdue\n      request {\n        id\n        agendaNumber\n        title\n        unit\n        priority\n        status\n        currentStepNumber\n        version\n      }\n      disposition { id step stepNumber priority instruction readAt from { fullName } }\n    }\n  }\n": typeof types.InboxDocument,
    "\n  fragment RequestFields on Request {\n    id\n    agendaNumber\n    title\n    unit\n    audience\n    desiredDate\n    priority\n    status\n    currentStep\n    currentStepNumber\n    returnedFromStep\n    holderRole\n    holder { id fullName }\n    requester { id fullName username }\n    version\n    content { version title narrative }\n    contentVersions { version title narrative note author { fullName } createdAt }\n    attachments { id kind filename contentType sizeBytes url }\n    dispositions { ...DispositionFields }\n    openDisposition { ...DispositionFields }\n    reviews { id verdict comment contentVersion reviewer { fullName } createdAt }\n    channels { id name chatRef }\n    publications {\n      id\n      status\n      channel { id name chatRef }\n      scheduledAt\n      sentAt\n      link\n      attempts\n      lastError\n      editedAt\n      retractedAt\n    }\n    archiveEntry {\n      classificationCode\n      classification { code title }\n      accessClass\n      retentionYears\n      retainUntil\n      archivedAt\n      archivedBy { fullName }\n      retentionDecision\n      retentionNote\n      deliveryProofs { channel { id name } messageLink sentAt sha256 }\n    }\n    checklist { letterAttached requesterIdentified scheduleClear contactClear mediaSuitable }\n    rejectionReason\n    submittedAt\n    updatedAt\n    closedAt\n    sla { allMet overdue totalSeconds }\n  }\n": typeof types.RequestFieldsFragmentDoc,
    "\n  query Request($id: ID!) {\n    request(id: $id) { ...RequestFields }\n  }\n": typeof types.RequestDocument,
    "\n  query MyRequests($first: Int) {\n    requests(filter: { mine: true }, first: $first) {\n      nodes { id agendaNumber title status currentStepNumber submittedAt updatedAt version }\n    }\n  }\n": typeof types.MyRequestsDocument,
    "\n  query SearchRequests($query: String!, $filter: SearchFilter, $first: Int, $after: String) {\n    search(query: $query, filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          requestId agendaNumber unit status submittedAt titleHtml snippetHtml matchedFields\n        }\n      }\n    }\n  }\n": typeof types.SearchRequestsDocument,
    "\n  query Channels($includeInactive: Boolean) {\n    channels(includeInactive: $includeInactive) {\n      id\n      name\n      chatRef\n      description\n      linkPreview\n      silent\n      active\n      checkedAt\n      checkStatus\n      checkProblem\n    }\n  }\n": typeof types.ChannelsDocument,
    "\n  query UsersWithRole($role: Role!) {\n    usersWithRole(role: $role) { id fullName username }\n  }\n": typeof types.UsersWithRoleDocument,
    "\n  mutation ForwardRequest($input: ForwardRequestInput!) {\n    forwardRequest(input: $input) { ...RequestFields }\n  }\n": typeof types.ForwardRequestDocument,
    "\n  mutation ReviewRequest($input: ReviewRequestInput!) {\n    reviewRequest(input: $input) { ...RequestFields }\n  }\n": typeof types.ReviewRequestDocument,
    "\n  mutation PublishRequest($input: PublishRequestInput!) {\n    publishRequest(input: $input) { ...RequestFields }\n  }\n": typeof types.PublishRequestDocument,
    "\n  mutation ArchiveRequest($input: ArchiveRequestInput!) {\n    archiveRequest(input: $input) { ...RequestFields }\n  }\n": typeof types.ArchiveRequestDocument,
    "\n  mutation ReturnForRevision($input: ReasonInput!) {\n    returnForRevision(input: $input) { ...RequestFields }\n  }\n": typeof types.ReturnForRevisionDocument,
    "\n  mutation RejectRequest($input: ReasonInput!) {\n    rejectRequest(input: $input) { ...RequestFields }\n  }\n": typeof types.RejectRequestDocument,
    "\n  mutation ResubmitRequest($input: ResubmitRequestInput!) {\n    resubmitRequest(input: $input) { ...RequestFields }\n  }\n": typeof types.ResubmitRequestDocument,
    "\n  mutation WithdrawRequest($input: WithdrawRequestInput!) {\n    withdrawRequest(input: $input) { ...RequestFields }\n  }\n": typeof types.WithdrawRequestDocument,
    "\n  mutation ReassignRequest($input: ReassignRequestInput!) {\n    reassignRequest(input: $input) { ...RequestFields }\n  }\n": typeof types.ReassignRequestDocument,
    "\n  mutation MarkDispositionRead($id: ID!) {\n    markDispositionRead(dispositionId: $id) { id readAt }\n  }\n": typeof types.MarkDispositionReadDocument,
    "\n  mutation ResolveUncertainPublication($input: ResolvePublicationInput!) {\n    resolveUncertainPublication(input: $input) { id status link }\n  }\n": typeof types.ResolveUncertainPublicationDocument,
    "\n  mutation CorrectPublication($input: CorrectPublicationInput!) {\n    correctPublication(input: $input) { id status editedAt }\n  }\n": typeof types.CorrectPublicationDocument,
    "\n  mutation RetractPublication($input: RetractPublicationInput!) {\n    retractPublication(input: $input) { id status retractedAt }\n  }\n": typeof types.RetractPublicationDocument,
    "\n  mutation SubmitRequest($input: SubmitRequestInput!) {\n    submitRequest(input: $input) { id agendaNumber }\n  }\n": typeof types.SubmitRequestDocument,
    "\n  mutation UploadAttachment($file: Upload!, $kind: AttachmentKind!) {\n    uploadAttachment(file: $file, kind: $kind) { id filename contentType }\n  }\n": typeof types.UploadAttachmentDocument,
    "\n  query Users {\n    users { ...UserFields }\n  }\n": typeof types.UsersDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      user { ...UserFields }\n      generatedPassword\n    }\n  }\n": typeof types.CreateUserDocument,
    "\n  mutation UpdateUser($input: UpdateUserInput!) {\n    updateUser(input: $input) { ...UserFields }\n  }\n": typeof types.UpdateUserDocument,
    "\n  mutation GrantRoles($userId: ID!, $roles: [Role!]!) {\n    grantRoles(userId: $userId, roles: $roles) { ...UserFields }\n  }\n": typeof types.GrantRolesDocument,
    "\n  mutation RevokeRoles($userId: ID!, $roles: [Role!]!) {\n    revokeRoles(userId: $userId, roles: $roles) { ...UserFields }\n  }\n": typeof types.RevokeRolesDocument,
    "\n  mutation CreateChannel($input: ChannelFields!) {\n    createChannel(input: $input) { id }\n  }\n": typeof types.CreateChannelDocument,
    "\n  mutation UpdateChannel($id: ID!, $input: ChannelFields!) {\n    updateChannel(id: $id, input: $input) { id }\n  }\n": typeof types.UpdateChannelDocument,
    "\n  mutation CheckChannel($id: ID!) {\n    checkChannel(id: $id) { canPost problem }\n  }\n": typeof types.CheckChannelDocument,
    "\n  query SlaStandards {\n    slaStandards { step stepNumber minutes workingHoursOnly updatedAt }\n  }\n": typeof types.SlaStandardsDocument,
    "\n  mutation UpdateSlaStandard($step: SopStep!, $minutes: Int!, $workingHoursOnly: Boolean!) {\n    updateSlaStandard(step: $step, minutes: $minutes, workingHoursOnly: $workingHoursOnly) {\n      step\n      minutes\n      workingHoursOnly\n    }\n  }\n": typeof types.UpdateSlaStandardDocument,
    "\n  subscription InboxChanged {\n    inboxChanged { requestId }\n  }\n": typeof types.InboxChangedDocument,
    "\n  subscription RequestUpdated($id: ID!) {\n    requestUpdated(id: $id) { id version }\n  }\n": typeof types.RequestUpdatedDocument,
    "\n  query VapidPublicKey {\n    vapidPublicKey\n  }\n": typeof types.VapidPublicKeyDocument,
    "\n  mutation RegisterPushSubscription($endpoint: String!, $p256dh: String!, $auth: String!) {\n    registerPushSubscription(endpoint: $endpoint, p256dh: $p256dh, auth: $auth)\n  }\n": typeof types.RegisterPushSubscriptionDocument,
    "\n  mutation UnregisterPushSubscription($endpoint: String!) {\n    unregisterPushSubscription(endpoint: $endpoint)\n  }\n": typeof types.UnregisterPushSubscriptionDocument,
    "\n  query Dashboard($from: NaiveDate!, $until: NaiveDate!) {\n    slaReport(from: $from, until: $until, period: MONTH) {\n      from\n      until\n      generatedAt\n      csvUrl\n      steps {\n        standardMinutes\n        workingHoursOnly\n        openNow\n        overdueNow\n        figures { step stepNumber finished onTime onTimeShare medianMinutes p90Minutes }\n      }\n      periods { periodStart stepNumber finished onTime }\n    }\n    volumeReport(from: $from, until: $until, period: MONTH) {\n      csvUrl\n      total { submitted archived rejected withdrawn inProgress }\n      periods { periodStart figures { submitted } }\n    }\n    publisherReport(from: $from, until: $until) {\n      csvUrl\n      channels { channelId name figures { sent failed uncertain total } }\n    }\n  }\n": typeof types.DashboardDocument,
    "\n  fragment ClassificationFields on Classification {\n    id\n    code\n    title\n    description\n    defaultRetentionYears\n    active\n  }\n": typeof types.ClassificationFieldsFragmentDoc,
    "\n  query Classifications($includeInactive: Boolean) {\n    classifications(includeInactive: $includeInactive) { ...ClassificationFields }\n  }\n": typeof types.ClassificationsDocument,
    "\n  mutation CreateClassification($input: CreateClassificationInput!) {\n    createClassification(input: $input) { ...ClassificationFields }\n  }\n": typeof types.CreateClassificationDocument,
    "\n  mutation UpdateClassification($input: UpdateClassificationInput!) {\n    updateClassification(input: $input) { ...ClassificationFields }\n  }\n": typeof types.UpdateClassificationDocument,
    "\n  mutation DeleteClassification($id: ID!) {\n    deleteClassification(id: $id)\n  }\n": typeof types.DeleteClassificationDocument,
    "\n  query ArchiveDueForReview($asOf: NaiveDate) {\n    archiveDueForReview(asOf: $asOf) {\n      id\n      requestId\n      title\n      classificationCode\n      accessClass\n      retainUntil\n      retentionDecision\n      archivedAt\n    }\n  }\n": typeof types.ArchiveDueForReviewDocument,
    "\n  mutation ReviewRetention($input: ReviewRetentionInput!) {\n    reviewRetention(input: $input) { id requestId retainUntil retentionDecision }\n  }\n": typeof types.ReviewRetentionDocument,
    "\n  query TelegramLink {\n    telegramLink { username linkedAt chatId }\n  }\n": typeof types.TelegramLinkDocument,
    "\n  mutation CreateTelegramLinkCode {\n    createTelegramLinkCode { code expiresAt deepLink }\n  }\n": typeof types.CreateTelegramLinkCodeDocument,
    "\n  mutation UnlinkTelegram {\n    unlinkTelegram\n  }\n": typeof types.UnlinkTelegramDocument,
};
const documents: Documents = {
    "\n  fragment UserFields on User {\n    id\n    username\n    fullName\n    unit\n    active\n    locale\n    roles\n  }\n": types.UserFieldsFragmentDoc,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      expiresAt\n      refreshToken\n      refreshExpiresAt\n      user { ...UserFields }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      accessToken\n      expiresAt\n      refreshToken\n      refreshExpiresAt\n      user { ...UserFields }\n    }\n  }\n": types.RefreshSessionDocument,
    "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n": types.LogoutDocument,
    "\n  query Me {\n    me { ...UserFields }\n  }\n": types.MeDocument,
    "\n  fragment DispositionFields on Disposition {\n    id\n    step\n    stepNumber\n    from { id fullName }\n    toRole\n    to { id fullName }\n    instruction\n    instructionText\n    priority\n    note\n    dueAt\n    slaDeadline\n    createdAt\n    readAt\n    doneAt\n    outcome\n    sla { met overdue timeTakenSeconds standardMinutes completedAt deadline }\n  }\n": types.DispositionFieldsFragmentDoc,
    "\n  query Inbox {\n    inbox {\n      deadline\n      overdue\n      request {\n        id\n        agendaNumber\n        title\n        unit\n        priority\n        status\n        currentStepNumber\n        version\n      }\n      disposition { id step stepNumber priority instruction readAt from { fullName } }\n    }\n  }\n": types.InboxDocument,
    "\n  fragment RequestFields on Request {\n    id\n    agendaNumber\n    title\n    unit\n    audience\n    desiredDate\n    priority\n    status\n    currentStep\n    currentStepNumber\n    returnedFromStep\n    holderRole\n    holder { id fullName }\n    requester { id fullName username }\n    version\n    content { version title narrative }\n    contentVersions { version title narrative note author { fullName } createdAt }\n    attachments { id kind filename contentType sizeBytes url }\n    dispositions { ...DispositionFields }\n    openDisposition { ...DispositionFields }\n    reviews { id verdict comment contentVersion reviewer { fullName } createdAt }\n    channels { id name chatRef }\n    publications {\n      id\n      status\n      channel { id name chatRef }\n      scheduledAt\n      sentAt\n      link\n      attempts\n      lastError\n      editedAt\n      retractedAt\n    }\n    archiveEntry {\n      classificationCode\n      classification { code title }\n      accessClass\n      retentionYears\n      retainUntil\n      archivedAt\n      archivedBy { fullName }\n      retentionDecision\n      retentionNote\n      deliveryProofs { channel { id name } messageLink sentAt sha256 }\n    }\n    checklist { letterAttached requesterIdentified scheduleClear contactClear mediaSuitable }\n    rejectionReason\n    submittedAt\n    updatedAt\n    closedAt\n    sla { allMet overdue totalSeconds }\n  }\n": types.RequestFieldsFragmentDoc,
    "\n  query Request($id: ID!) {\n    request(id: $id) { ...RequestFields }\n  }\n": types.RequestDocument,
    "\n  query MyRequests($first: Int) {\n    requests(filter: { mine: true }, first: $first) {\n      nodes { id agendaNumber title status currentStepNumber submittedAt updatedAt version }\n    }\n  }\n": types.MyRequestsDocument,
    "\n  query SearchRequests($query: String!, $filter: SearchFilter, $first: Int, $after: String) {\n    search(query: $query, filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          requestId agendaNumber unit status submittedAt titleHtml snippetHtml matchedFields\n        }\n      }\n    }\n  }\n": types.SearchRequestsDocument,
    "\n  query Channels($includeInactive: Boolean) {\n    channels(includeInactive: $includeInactive) {\n      id\n      name\n      chatRef\n      description\n      linkPreview\n      silent\n      active\n      checkedAt\n      checkStatus\n      checkProblem\n    }\n  }\n": types.ChannelsDocument,
    "\n  query UsersWithRole($role: Role!) {\n    usersWithRole(role: $role) { id fullName username }\n  }\n": types.UsersWithRoleDocument,
    "\n  mutation ForwardRequest($input: ForwardRequestInput!) {\n    forwardRequest(input: $input) { ...RequestFields }\n  }\n": types.ForwardRequestDocument,
    "\n  mutation ReviewRequest($input: ReviewRequestInput!) {\n    reviewRequest(input: $input) { ...RequestFields }\n  }\n": types.ReviewRequestDocument,
    "\n  mutation PublishRequest($input: PublishRequestInput!) {\n    publishRequest(input: $input) { ...RequestFields }\n  }\n": types.PublishRequestDocument,
    "\n  mutation ArchiveRequest($input: ArchiveRequestInput!) {\n    archiveRequest(input: $input) { ...RequestFields }\n  }\n": types.ArchiveRequestDocument,
    "\n  mutation ReturnForRevision($input: ReasonInput!) {\n    returnForRevision(input: $input) { ...RequestFields }\n  }\n": types.ReturnForRevisionDocument,
    "\n  mutation RejectRequest($input: ReasonInput!) {\n    rejectRequest(input: $input) { ...RequestFields }\n  }\n": types.RejectRequestDocument,
    "\n  mutation ResubmitRequest($input: ResubmitRequestInput!) {\n    resubmitRequest(input: $input) { ...RequestFields }\n  }\n": types.ResubmitRequestDocument,
    "\n  mutation WithdrawRequest($input: WithdrawRequestInput!) {\n    withdrawRequest(input: $input) { ...RequestFields }\n  }\n": types.WithdrawRequestDocument,
    "\n  mutation ReassignRequest($input: ReassignRequestInput!) {\n    reassignRequest(input: $input) { ...RequestFields }\n  }\n": types.ReassignRequestDocument,
    "\n  mutation MarkDispositionRead($id: ID!) {\n    markDispositionRead(dispositionId: $id) { id readAt }\n  }\n": types.MarkDispositionReadDocument,
    "\n  mutation ResolveUncertainPublication($input: ResolvePublicationInput!) {\n    resolveUncertainPublication(input: $input) { id status link }\n  }\n": types.ResolveUncertainPublicationDocument,
    "\n  mutation CorrectPublication($input: CorrectPublicationInput!) {\n    correctPublication(input: $input) { id status editedAt }\n  }\n": types.CorrectPublicationDocument,
    "\n  mutation RetractPublication($input: RetractPublicationInput!) {\n    retractPublication(input: $input) { id status retractedAt }\n  }\n": types.RetractPublicationDocument,
    "\n  mutation SubmitRequest($input: SubmitRequestInput!) {\n    submitRequest(input: $input) { id agendaNumber }\n  }\n": types.SubmitRequestDocument,
    "\n  mutation UploadAttachment($file: Upload!, $kind: AttachmentKind!) {\n    uploadAttachment(file: $file, kind: $kind) { id filename contentType }\n  }\n": types.UploadAttachmentDocument,
    "\n  query Users {\n    users { ...UserFields }\n  }\n": types.UsersDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      user { ...UserFields }\n      generatedPassword\n    }\n  }\n": types.CreateUserDocument,
    "\n  mutation UpdateUser($input: UpdateUserInput!) {\n    updateUser(input: $input) { ...UserFields }\n  }\n": types.UpdateUserDocument,
    "\n  mutation GrantRoles($userId: ID!, $roles: [Role!]!) {\n    grantRoles(userId: $userId, roles: $roles) { ...UserFields }\n  }\n": types.GrantRolesDocument,
    "\n  mutation RevokeRoles($userId: ID!, $roles: [Role!]!) {\n    revokeRoles(userId: $userId, roles: $roles) { ...UserFields }\n  }\n": types.RevokeRolesDocument,
    "\n  mutation CreateChannel($input: ChannelFields!) {\n    createChannel(input: $input) { id }\n  }\n": types.CreateChannelDocument,
    "\n  mutation UpdateChannel($id: ID!, $input: ChannelFields!) {\n    updateChannel(id: $id, input: $input) { id }\n  }\n": types.UpdateChannelDocument,
    "\n  mutation CheckChannel($id: ID!) {\n    checkChannel(id: $id) { canPost problem }\n  }\n": types.CheckChannelDocument,
    "\n  query SlaStandards {\n    slaStandards { step stepNumber minutes workingHoursOnly updatedAt }\n  }\n": types.SlaStandardsDocument,
    "\n  mutation UpdateSlaStandard($step: SopStep!, $minutes: Int!, $workingHoursOnly: Boolean!) {\n    updateSlaStandard(step: $step, minutes: $minutes, workingHoursOnly: $workingHoursOnly) {\n      step\n      minutes\n      workingHoursOnly\n    }\n  }\n": types.UpdateSlaStandardDocument,
    "\n  subscription InboxChanged {\n    inboxChanged { requestId }\n  }\n": types.InboxChangedDocument,
    "\n  subscription RequestUpdated($id: ID!) {\n    requestUpdated(id: $id) { id version }\n  }\n": types.RequestUpdatedDocument,
    "\n  query VapidPublicKey {\n    vapidPublicKey\n  }\n": types.VapidPublicKeyDocument,
    "\n  mutation RegisterPushSubscription($endpoint: String!, $p256dh: String!, $auth: String!) {\n    registerPushSubscription(endpoint: $endpoint, p256dh: $p256dh, auth: $auth)\n  }\n": types.RegisterPushSubscriptionDocument,
    "\n  mutation UnregisterPushSubscription($endpoint: String!) {\n    unregisterPushSubscription(endpoint: $endpoint)\n  }\n": types.UnregisterPushSubscriptionDocument,
    "\n  query Dashboard($from: NaiveDate!, $until: NaiveDate!) {\n    slaReport(from: $from, until: $until, period: MONTH) {\n      from\n      until\n      generatedAt\n      csvUrl\n      steps {\n        standardMinutes\n        workingHoursOnly\n        openNow\n        overdueNow\n        figures { step stepNumber finished onTime onTimeShare medianMinutes p90Minutes }\n      }\n      periods { periodStart stepNumber finished onTime }\n    }\n    volumeReport(from: $from, until: $until, period: MONTH) {\n      csvUrl\n      total { submitted archived rejected withdrawn inProgress }\n      periods { periodStart figures { submitted } }\n    }\n    publisherReport(from: $from, until: $until) {\n      csvUrl\n      channels { channelId name figures { sent failed uncertain total } }\n    }\n  }\n": types.DashboardDocument,
    "\n  fragment ClassificationFields on Classification {\n    id\n    code\n    title\n    description\n    defaultRetentionYears\n    active\n  }\n": types.ClassificationFieldsFragmentDoc,
    "\n  query Classifications($includeInactive: Boolean) {\n    classifications(includeInactive: $includeInactive) { ...ClassificationFields }\n  }\n": types.ClassificationsDocument,
    "\n  mutation CreateClassification($input: CreateClassificationInput!) {\n    createClassification(input: $input) { ...ClassificationFields }\n  }\n": types.CreateClassificationDocument,
    "\n  mutation UpdateClassification($input: UpdateClassificationInput!) {\n    updateClassification(input: $input) { ...ClassificationFields }\n  }\n": types.UpdateClassificationDocument,
    "\n  mutation DeleteClassification($id: ID!) {\n    deleteClassification(id: $id)\n  }\n": types.DeleteClassificationDocument,
    "\n  query ArchiveDueForReview($asOf: NaiveDate) {\n    archiveDueForReview(asOf: $asOf) {\n      id\n      requestId\n      title\n      classificationCode\n      accessClass\n      retainUntil\n      retentionDecision\n      archivedAt\n    }\n  }\n": types.ArchiveDueForReviewDocument,
    "\n  mutation ReviewRetention($input: ReviewRetentionInput!) {\n    reviewRetention(input: $input) { id requestId retainUntil retentionDecision }\n  }\n": types.ReviewRetentionDocument,
    "\n  query TelegramLink {\n    telegramLink { username linkedAt chatId }\n  }\n": types.TelegramLinkDocument,
    "\n  mutation CreateTelegramLinkCode {\n    createTelegramLinkCode { code expiresAt deepLink }\n  }\n": types.CreateTelegramLinkCodeDocument,
    "\n  mutation UnlinkTelegram {\n    unlinkTelegram\n  }\n": types.UnlinkTelegramDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserFields on User {\n    id\n    username\n    fullName\n    unit\n    active\n    locale\n    roles\n  }\n"): (typeof documents)["\n  fragment UserFields on User {\n    id\n    username\n    fullName\n    unit\n    active\n    locale\n    roles\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      expiresAt\n      refreshToken\n      refreshExpiresAt\n      user { ...UserFields }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      expiresAt\n      refreshToken\n      refreshExpiresAt\n      user { ...UserFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      accessToken\n      expiresAt\n      refreshToken\n      refreshExpiresAt\n      user { ...UserFields }\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      accessToken\n      expiresAt\n      refreshToken\n      refreshExpiresAt\n      user { ...UserFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n"): (typeof documents)["\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { ...UserFields }\n  }\n"): (typeof documents)["\n  query Me {\n    me { ...UserFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DispositionFields on Disposition {\n    id\n    step\n    stepNumber\n    from { id fullName }\n    toRole\n    to { id fullName }\n    instruction\n    instructionText\n    priority\n    note\n    dueAt\n    slaDeadline\n    createdAt\n    readAt\n    doneAt\n    outcome\n    sla { met overdue timeTakenSeconds standardMinutes completedAt deadline }\n  }\n"): (typeof documents)["\n  fragment DispositionFields on Disposition {\n    id\n    step\n    stepNumber\n    from { id fullName }\n    toRole\n    to { id fullName }\n    instruction\n    instructionText\n    priority\n    note\n    dueAt\n    slaDeadline\n    createdAt\n    readAt\n    doneAt\n    outcome\n    sla { met overdue timeTakenSeconds standardMinutes completedAt deadline }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Inbox {\n    inbox {\n      deadline\n      overdue\n      request {\n        id\n        agendaNumber\n        title\n        unit\n        priority\n        status\n        currentStepNumber\n        version\n      }\n      disposition { id step stepNumber priority instruction readAt from { fullName } }\n    }\n  }\n"): (typeof documents)["\n  query Inbox {\n    inbox {\n      deadline\n      overdue\n      request {\n        id\n        agendaNumber\n        title\n        unit\n        priority\n        status\n        currentStepNumber\n        version\n      }\n      disposition { id step stepNumber priority instruction readAt from { fullName } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RequestFields on Request {\n    id\n    agendaNumber\n    title\n    unit\n    audience\n    desiredDate\n    priority\n    status\n    currentStep\n    currentStepNumber\n    returnedFromStep\n    holderRole\n    holder { id fullName }\n    requester { id fullName username }\n    version\n    content { version title narrative }\n    contentVersions { version title narrative note author { fullName } createdAt }\n    attachments { id kind filename contentType sizeBytes url }\n    dispositions { ...DispositionFields }\n    openDisposition { ...DispositionFields }\n    reviews { id verdict comment contentVersion reviewer { fullName } createdAt }\n    channels { id name chatRef }\n    publications {\n      id\n      status\n      channel { id name chatRef }\n      scheduledAt\n      sentAt\n      link\n      attempts\n      lastError\n      editedAt\n      retractedAt\n    }\n    archiveEntry {\n      classificationCode\n      classification { code title }\n      accessClass\n      retentionYears\n      retainUntil\n      archivedAt\n      archivedBy { fullName }\n      retentionDecision\n      retentionNote\n      deliveryProofs { channel { id name } messageLink sentAt sha256 }\n    }\n    checklist { letterAttached requesterIdentified scheduleClear contactClear mediaSuitable }\n    rejectionReason\n    submittedAt\n    updatedAt\n    closedAt\n    sla { allMet overdue totalSeconds }\n  }\n"): (typeof documents)["\n  fragment RequestFields on Request {\n    id\n    agendaNumber\n    title\n    unit\n    audience\n    desiredDate\n    priority\n    status\n    currentStep\n    currentStepNumber\n    returnedFromStep\n    holderRole\n    holder { id fullName }\n    requester { id fullName username }\n    version\n    content { version title narrative }\n    contentVersions { version title narrative note author { fullName } createdAt }\n    attachments { id kind filename contentType sizeBytes url }\n    dispositions { ...DispositionFields }\n    openDisposition { ...DispositionFields }\n    reviews { id verdict comment contentVersion reviewer { fullName } createdAt }\n    channels { id name chatRef }\n    publications {\n      id\n      status\n      channel { id name chatRef }\n      scheduledAt\n      sentAt\n      link\n      attempts\n      lastError\n      editedAt\n      retractedAt\n    }\n    archiveEntry {\n      classificationCode\n      classification { code title }\n      accessClass\n      retentionYears\n      retainUntil\n      archivedAt\n      archivedBy { fullName }\n      retentionDecision\n      retentionNote\n      deliveryProofs { channel { id name } messageLink sentAt sha256 }\n    }\n    checklist { letterAttached requesterIdentified scheduleClear contactClear mediaSuitable }\n    rejectionReason\n    submittedAt\n    updatedAt\n    closedAt\n    sla { allMet overdue totalSeconds }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Request($id: ID!) {\n    request(id: $id) { ...RequestFields }\n  }\n"): (typeof documents)["\n  query Request($id: ID!) {\n    request(id: $id) { ...RequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyRequests($first: Int) {\n    requests(filter: { mine: true }, first: $first) {\n      nodes { id agendaNumber title status currentStepNumber submittedAt updatedAt version }\n    }\n  }\n"): (typeof documents)["\n  query MyRequests($first: Int) {\n    requests(filter: { mine: true }, first: $first) {\n      nodes { id agendaNumber title status currentStepNumber submittedAt updatedAt version }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchRequests($query: String!, $filter: SearchFilter, $first: Int, $after: String) {\n    search(query: $query, filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          requestId agendaNumber unit status submittedAt titleHtml snippetHtml matchedFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SearchRequests($query: String!, $filter: SearchFilter, $first: Int, $after: String) {\n    search(query: $query, filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          requestId agendaNumber unit status submittedAt titleHtml snippetHtml matchedFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Channels($includeInactive: Boolean) {\n    channels(includeInactive: $includeInactive) {\n      id\n      name\n      chatRef\n      description\n      linkPreview\n      silent\n      active\n      checkedAt\n      checkStatus\n      checkProblem\n    }\n  }\n"): (typeof documents)["\n  query Channels($includeInactive: Boolean) {\n    channels(includeInactive: $includeInactive) {\n      id\n      name\n      chatRef\n      description\n      linkPreview\n      silent\n      active\n      checkedAt\n      checkStatus\n      checkProblem\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsersWithRole($role: Role!) {\n    usersWithRole(role: $role) { id fullName username }\n  }\n"): (typeof documents)["\n  query UsersWithRole($role: Role!) {\n    usersWithRole(role: $role) { id fullName username }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ForwardRequest($input: ForwardRequestInput!) {\n    forwardRequest(input: $input) { ...RequestFields }\n  }\n"): (typeof documents)["\n  mutation ForwardRequest($input: ForwardRequestInput!) {\n    forwardRequest(input: $input) { ...RequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReviewRequest($input: ReviewRequestInput!) {\n    reviewRequest(input: $input) { ...RequestFields }\n  }\n"): (typeof documents)["\n  mutation ReviewRequest($input: ReviewRequestInput!) {\n    reviewRequest(input: $input) { ...RequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PublishRequest($input: PublishRequestInput!) {\n    publishRequest(input: $input) { ...RequestFields }\n  }\n"): (typeof documents)["\n  mutation PublishRequest($input: PublishRequestInput!) {\n    publishRequest(input: $input) { ...RequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchiveRequest($input: ArchiveRequestInput!) {\n    archiveRequest(input: $input) { ...RequestFields }\n  }\n"): (typeof documents)["\n  mutation ArchiveRequest($input: ArchiveRequestInput!) {\n    archiveRequest(input: $input) { ...RequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReturnForRevision($input: ReasonInput!) {\n    returnForRevision(input: $input) { ...RequestFields }\n  }\n"): (typeof documents)["\n  mutation ReturnForRevision($input: ReasonInput!) {\n    returnForRevision(input: $input) { ...RequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectRequest($input: ReasonInput!) {\n    rejectRequest(input: $input) { ...RequestFields }\n  }\n"): (typeof documents)["\n  mutation RejectRequest($input: ReasonInput!) {\n    rejectRequest(input: $input) { ...RequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResubmitRequest($input: ResubmitRequestInput!) {\n    resubmitRequest(input: $input) { ...RequestFields }\n  }\n"): (typeof documents)["\n  mutation ResubmitRequest($input: ResubmitRequestInput!) {\n    resubmitRequest(input: $input) { ...RequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WithdrawRequest($input: WithdrawRequestInput!) {\n    withdrawRequest(input: $input) { ...RequestFields }\n  }\n"): (typeof documents)["\n  mutation WithdrawRequest($input: WithdrawRequestInput!) {\n    withdrawRequest(input: $input) { ...RequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReassignRequest($input: ReassignRequestInput!) {\n    reassignRequest(input: $input) { ...RequestFields }\n  }\n"): (typeof documents)["\n  mutation ReassignRequest($input: ReassignRequestInput!) {\n    reassignRequest(input: $input) { ...RequestFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkDispositionRead($id: ID!) {\n    markDispositionRead(dispositionId: $id) { id readAt }\n  }\n"): (typeof documents)["\n  mutation MarkDispositionRead($id: ID!) {\n    markDispositionRead(dispositionId: $id) { id readAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveUncertainPublication($input: ResolvePublicationInput!) {\n    resolveUncertainPublication(input: $input) { id status link }\n  }\n"): (typeof documents)["\n  mutation ResolveUncertainPublication($input: ResolvePublicationInput!) {\n    resolveUncertainPublication(input: $input) { id status link }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CorrectPublication($input: CorrectPublicationInput!) {\n    correctPublication(input: $input) { id status editedAt }\n  }\n"): (typeof documents)["\n  mutation CorrectPublication($input: CorrectPublicationInput!) {\n    correctPublication(input: $input) { id status editedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetractPublication($input: RetractPublicationInput!) {\n    retractPublication(input: $input) { id status retractedAt }\n  }\n"): (typeof documents)["\n  mutation RetractPublication($input: RetractPublicationInput!) {\n    retractPublication(input: $input) { id status retractedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitRequest($input: SubmitRequestInput!) {\n    submitRequest(input: $input) { id agendaNumber }\n  }\n"): (typeof documents)["\n  mutation SubmitRequest($input: SubmitRequestInput!) {\n    submitRequest(input: $input) { id agendaNumber }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadAttachment($file: Upload!, $kind: AttachmentKind!) {\n    uploadAttachment(file: $file, kind: $kind) { id filename contentType }\n  }\n"): (typeof documents)["\n  mutation UploadAttachment($file: Upload!, $kind: AttachmentKind!) {\n    uploadAttachment(file: $file, kind: $kind) { id filename contentType }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users {\n    users { ...UserFields }\n  }\n"): (typeof documents)["\n  query Users {\n    users { ...UserFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      user { ...UserFields }\n      generatedPassword\n    }\n  }\n"): (typeof documents)["\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      user { ...UserFields }\n      generatedPassword\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateUser($input: UpdateUserInput!) {\n    updateUser(input: $input) { ...UserFields }\n  }\n"): (typeof documents)["\n  mutation UpdateUser($input: UpdateUserInput!) {\n    updateUser(input: $input) { ...UserFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GrantRoles($userId: ID!, $roles: [Role!]!) {\n    grantRoles(userId: $userId, roles: $roles) { ...UserFields }\n  }\n"): (typeof documents)["\n  mutation GrantRoles($userId: ID!, $roles: [Role!]!) {\n    grantRoles(userId: $userId, roles: $roles) { ...UserFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeRoles($userId: ID!, $roles: [Role!]!) {\n    revokeRoles(userId: $userId, roles: $roles) { ...UserFields }\n  }\n"): (typeof documents)["\n  mutation RevokeRoles($userId: ID!, $roles: [Role!]!) {\n    revokeRoles(userId: $userId, roles: $roles) { ...UserFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateChannel($input: ChannelFields!) {\n    createChannel(input: $input) { id }\n  }\n"): (typeof documents)["\n  mutation CreateChannel($input: ChannelFields!) {\n    createChannel(input: $input) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateChannel($id: ID!, $input: ChannelFields!) {\n    updateChannel(id: $id, input: $input) { id }\n  }\n"): (typeof documents)["\n  mutation UpdateChannel($id: ID!, $input: ChannelFields!) {\n    updateChannel(id: $id, input: $input) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CheckChannel($id: ID!) {\n    checkChannel(id: $id) { canPost problem }\n  }\n"): (typeof documents)["\n  mutation CheckChannel($id: ID!) {\n    checkChannel(id: $id) { canPost problem }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SlaStandards {\n    slaStandards { step stepNumber minutes workingHoursOnly updatedAt }\n  }\n"): (typeof documents)["\n  query SlaStandards {\n    slaStandards { step stepNumber minutes workingHoursOnly updatedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSlaStandard($step: SopStep!, $minutes: Int!, $workingHoursOnly: Boolean!) {\n    updateSlaStandard(step: $step, minutes: $minutes, workingHoursOnly: $workingHoursOnly) {\n      step\n      minutes\n      workingHoursOnly\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateSlaStandard($step: SopStep!, $minutes: Int!, $workingHoursOnly: Boolean!) {\n    updateSlaStandard(step: $step, minutes: $minutes, workingHoursOnly: $workingHoursOnly) {\n      step\n      minutes\n      workingHoursOnly\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription InboxChanged {\n    inboxChanged { requestId }\n  }\n"): (typeof documents)["\n  subscription InboxChanged {\n    inboxChanged { requestId }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RequestUpdated($id: ID!) {\n    requestUpdated(id: $id) { id version }\n  }\n"): (typeof documents)["\n  subscription RequestUpdated($id: ID!) {\n    requestUpdated(id: $id) { id version }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VapidPublicKey {\n    vapidPublicKey\n  }\n"): (typeof documents)["\n  query VapidPublicKey {\n    vapidPublicKey\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterPushSubscription($endpoint: String!, $p256dh: String!, $auth: String!) {\n    registerPushSubscription(endpoint: $endpoint, p256dh: $p256dh, auth: $auth)\n  }\n"): (typeof documents)["\n  mutation RegisterPushSubscription($endpoint: String!, $p256dh: String!, $auth: String!) {\n    registerPushSubscription(endpoint: $endpoint, p256dh: $p256dh, auth: $auth)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnregisterPushSubscription($endpoint: String!) {\n    unregisterPushSubscription(endpoint: $endpoint)\n  }\n"): (typeof documents)["\n  mutation UnregisterPushSubscription($endpoint: String!) {\n    unregisterPushSubscription(endpoint: $endpoint)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dashboard($from: NaiveDate!, $until: NaiveDate!) {\n    slaReport(from: $from, until: $until, period: MONTH) {\n      from\n      until\n      generatedAt\n      csvUrl\n      steps {\n        standardMinutes\n        workingHoursOnly\n        openNow\n        overdueNow\n        figures { step stepNumber finished onTime onTimeShare medianMinutes p90Minutes }\n      }\n      periods { periodStart stepNumber finished onTime }\n    }\n    volumeReport(from: $from, until: $until, period: MONTH) {\n      csvUrl\n      total { submitted archived rejected withdrawn inProgress }\n      periods { periodStart figures { submitted } }\n    }\n    publisherReport(from: $from, until: $until) {\n      csvUrl\n      channels { channelId name figures { sent failed uncertain total } }\n    }\n  }\n"): (typeof documents)["\n  query Dashboard($from: NaiveDate!, $until: NaiveDate!) {\n    slaReport(from: $from, until: $until, period: MONTH) {\n      from\n      until\n      generatedAt\n      csvUrl\n      steps {\n        standardMinutes\n        workingHoursOnly\n        openNow\n        overdueNow\n        figures { step stepNumber finished onTime onTimeShare medianMinutes p90Minutes }\n      }\n      periods { periodStart stepNumber finished onTime }\n    }\n    volumeReport(from: $from, until: $until, period: MONTH) {\n      csvUrl\n      total { submitted archived rejected withdrawn inProgress }\n      periods { periodStart figures { submitted } }\n    }\n    publisherReport(from: $from, until: $until) {\n      csvUrl\n      channels { channelId name figures { sent failed uncertain total } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ClassificationFields on Classification {\n    id\n    code\n    title\n    description\n    defaultRetentionYears\n    active\n  }\n"): (typeof documents)["\n  fragment ClassificationFields on Classification {\n    id\n    code\n    title\n    description\n    defaultRetentionYears\n    active\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Classifications($includeInactive: Boolean) {\n    classifications(includeInactive: $includeInactive) { ...ClassificationFields }\n  }\n"): (typeof documents)["\n  query Classifications($includeInactive: Boolean) {\n    classifications(includeInactive: $includeInactive) { ...ClassificationFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateClassification($input: CreateClassificationInput!) {\n    createClassification(input: $input) { ...ClassificationFields }\n  }\n"): (typeof documents)["\n  mutation CreateClassification($input: CreateClassificationInput!) {\n    createClassification(input: $input) { ...ClassificationFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateClassification($input: UpdateClassificationInput!) {\n    updateClassification(input: $input) { ...ClassificationFields }\n  }\n"): (typeof documents)["\n  mutation UpdateClassification($input: UpdateClassificationInput!) {\n    updateClassification(input: $input) { ...ClassificationFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteClassification($id: ID!) {\n    deleteClassification(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteClassification($id: ID!) {\n    deleteClassification(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ArchiveDueForReview($asOf: NaiveDate) {\n    archiveDueForReview(asOf: $asOf) {\n      id\n      requestId\n      title\n      classificationCode\n      accessClass\n      retainUntil\n      retentionDecision\n      archivedAt\n    }\n  }\n"): (typeof documents)["\n  query ArchiveDueForReview($asOf: NaiveDate) {\n    archiveDueForReview(asOf: $asOf) {\n      id\n      requestId\n      title\n      classificationCode\n      accessClass\n      retainUntil\n      retentionDecision\n      archivedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReviewRetention($input: ReviewRetentionInput!) {\n    reviewRetention(input: $input) { id requestId retainUntil retentionDecision }\n  }\n"): (typeof documents)["\n  mutation ReviewRetention($input: ReviewRetentionInput!) {\n    reviewRetention(input: $input) { id requestId retainUntil retentionDecision }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TelegramLink {\n    telegramLink { username linkedAt chatId }\n  }\n"): (typeof documents)["\n  query TelegramLink {\n    telegramLink { username linkedAt chatId }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTelegramLinkCode {\n    createTelegramLinkCode { code expiresAt deepLink }\n  }\n"): (typeof documents)["\n  mutation CreateTelegramLinkCode {\n    createTelegramLinkCode { code expiresAt deepLink }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnlinkTelegram {\n    unlinkTelegram\n  }\n"): (typeof documents)["\n  mutation UnlinkTelegram {\n    unlinkTelegram\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;