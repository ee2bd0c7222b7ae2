// Every GraphQL operation the PWA sends, typed by @graphql-codegen from the committed SDL
// (`npm run codegen` regenerates ./gen after the schema changes).
import { graphql } from './gen';

export const UserFields = graphql(`
  fragment UserFields on User {
    id
    username
    fullName
    unit
    active
    locale
    roles
  }
`);

export const LoginMutation = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      accessToken
      expiresAt
      refreshToken
      refreshExpiresAt
      user { ...UserFields }
    }
  }
`);

export const RefreshSessionMutation = graphql(`
  mutation RefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      accessToken
      expiresAt
      refreshToken
      refreshExpiresAt
      user { ...UserFields }
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout($refreshToken: String!) {
    logout(refreshToken: $refreshToken)
  }
`);

export const MeQuery = graphql(`
  query Me {
    me { ...UserFields }
  }
`);

export const DispositionFields = graphql(`
  fragment DispositionFields on Disposition {
    id
    step
    stepNumber
    from { id fullName }
    toRole
    to { id fullName }
    instruction
    instructionText
    priority
    note
    dueAt
    slaDeadline
    createdAt
    readAt
    doneAt
    outcome
    sla { met overdue timeTakenSeconds standardMinutes completedAt deadline }
  }
`);

export const InboxQuery = graphql(`
  query Inbox {
    inbox {
      deadline
      overdue
      request {
        id
        agendaNumber
        title
        unit
        priority
        status
        currentStepNumber
        version
      }
      disposition { id step stepNumber priority instruction readAt from { fullName } }
    }
  }
`);

export const RequestFields = graphql(`
  fragment RequestFields on Request {
    id
    agendaNumber
    title
    unit
    audience
    desiredDate
    priority
    status
    currentStep
    currentStepNumber
    returnedFromStep
    holderRole
    holder { id fullName }
    requester { id fullName username }
    version
    content { version title narrative }
    contentVersions { version title narrative note author { fullName } createdAt }
    attachments { id kind filename contentType sizeBytes url }
    dispositions { ...DispositionFields }
    openDisposition { ...DispositionFields }
    reviews { id verdict comment contentVersion reviewer { fullName } createdAt }
    channels { id name chatRef }
    publications {
      id
      status
      channel { id name chatRef }
      scheduledAt
      sentAt
      link
      attempts
      lastError
      editedAt
      retractedAt
    }
    archiveEntry {
      classificationCode
      classification { code title }
      accessClass
      retentionYears
      retainUntil
      archivedAt
      archivedBy { fullName }
      retentionDecision
      retentionNote
      deliveryProofs { channel { id name } messageLink sentAt sha256 }
    }
    checklist { letterAttached requesterIdentified scheduleClear contactClear mediaSuitable }
    rejectionReason
    submittedAt
    updatedAt
    closedAt
    sla { allMet overdue totalSeconds }
  }
`);

export const RequestQuery = graphql(`
  query Request($id: ID!) {
    request(id: $id) { ...RequestFields }
  }
`);

export const MyRequestsQuery = graphql(`
  query MyRequests($first: Int) {
    requests(filter: { mine: true }, first: $first) {
      nodes { id agendaNumber title status currentStepNumber submittedAt updatedAt version }
    }
  }
`);

export const SearchRequestsQuery = graphql(`
  query SearchRequests($query: String!, $filter: SearchFilter, $first: Int, $after: String) {
    search(query: $query, filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          requestId agendaNumber unit status submittedAt titleHtml snippetHtml matchedFields
        }
      }
    }
  }
`);

export const ChannelsQuery = graphql(`
  query Channels($includeInactive: Boolean) {
    channels(includeInactive: $includeInactive) {
      id
      name
      chatRef
      description
      linkPreview
      silent
      active
      checkedAt
      checkStatus
      checkProblem
    }
  }
`);

export const UsersWithRoleQuery = graphql(`
  query UsersWithRole($role: Role!) {
    usersWithRole(role: $role) { id fullName username }
  }
`);

export const ForwardRequestMutation = graphql(`
  mutation ForwardRequest($input: ForwardRequestInput!) {
    forwardRequest(input: $input) { ...RequestFields }
  }
`);

export const ReviewRequestMutation = graphql(`
  mutation ReviewRequest($input: ReviewRequestInput!) {
    reviewRequest(input: $input) { ...RequestFields }
  }
`);

export const PublishRequestMutation = graphql(`
  mutation PublishRequest($input: PublishRequestInput!) {
    publishRequest(input: $input) { ...RequestFields }
  }
`);

export const ArchiveRequestMutation = graphql(`
  mutation ArchiveRequest($input: ArchiveRequestInput!) {
    archiveRequest(input: $input) { ...RequestFields }
  }
`);

export const ReturnForRevisionMutation = graphql(`
  mutation ReturnForRevision($input: ReasonInput!) {
    returnForRevision(input: $input) { ...RequestFields }
  }
`);

export const RejectRequestMutation = graphql(`
  mutation RejectRequest($input: ReasonInput!) {
    rejectRequest(input: $input) { ...RequestFields }
  }
`);

export const ResubmitRequestMutation = graphql(`
  mutation ResubmitRequest($input: ResubmitRequestInput!) {
    resubmitRequest(input: $input) { ...RequestFields }
  }
`);

export const WithdrawRequestMutation = graphql(`
  mutation WithdrawRequest($input: WithdrawRequestInput!) {
    withdrawRequest(input: $input) { ...RequestFields }
  }
`);

export const ReassignRequestMutation = graphql(`
  mutation ReassignRequest($input: ReassignRequestInput!) {
    reassignRequest(input: $input) { ...RequestFields }
  }
`);

export const MarkDispositionReadMutation = graphql(`
  mutation MarkDispositionRead($id: ID!) {
    markDispositionRead(dispositionId: $id) { id readAt }
  }
`);

export const ResolvePublicationMutation = graphql(`
  mutation ResolveUncertainPublication($input: ResolvePublicationInput!) {
    resolveUncertainPublication(input: $input) { id status link }
  }
`);

export const CorrectPublicationMutation = graphql(`
  mutation CorrectPublication($input: CorrectPublicationInput!) {
    correctPublication(input: $input) { id status editedAt }
  }
`);

export const RetractPublicationMutation = graphql(`
  mutation RetractPublication($input: RetractPublicationInput!) {
    retractPublication(input: $input) { id status retractedAt }
  }
`);

export const SubmitRequestMutation = graphql(`
  mutation SubmitRequest($input: SubmitRequestInput!) {
    submitRequest(input: $input) { id agendaNumber }
  }
`);

export const UploadAttachmentMutation = graphql(`
  mutation UploadAttachment($file: Upload!, $kind: AttachmentKind!) {
    uploadAttachment(file: $file, kind: $kind) { id filename contentType }
  }
`);

export const UsersQuery = graphql(`
  query Users {
    users { ...UserFields }
  }
`);

export const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      user { ...UserFields }
      generatedPassword
    }
  }
`);

export const UpdateUserMutation = graphql(`
  mutation UpdateUser($input: UpdateUserInput!) {
    updateUser(input: $input) { ...UserFields }
  }
`);

export const GrantRolesMutation = graphql(`
  mutation GrantRoles($userId: ID!, $roles: [Role!]!) {
    grantRoles(userId: $userId, roles: $roles) { ...UserFields }
  }
`);

export const RevokeRolesMutation = graphql(`
  mutation RevokeRoles($userId: ID!, $roles: [Role!]!) {
    revokeRoles(userId: $userId, roles: $roles) { ...UserFields }
  }
`);

export const CreateChannelMutation = graphql(`
  mutation CreateChannel($input: ChannelFields!) {
    createChannel(input: $input) { id }
  }
`);

export const UpdateChannelMutation = graphql(`
  mutation UpdateChannel($id: ID!, $input: ChannelFields!) {
    updateChannel(id: $id, input: $input) { id }
  }
`);

export const CheckChannelMutation = graphql(`
  mutation CheckChannel($id: ID!) {
    checkChannel(id: $id) { canPost problem }
  }
`);

export const SlaStandardsQuery = graphql(`
  query SlaStandards {
    slaStandards { step stepNumber minutes workingHoursOnly updatedAt }
  }
`);

export const UpdateSlaStandardMutation = graphql(`
  mutation UpdateSlaStandard($step: SopStep!, $minutes: Int!, $workingHoursOnly: Boolean!) {
    updateSlaStandard(step: $step, minutes: $minutes, workingHoursOnly: $workingHoursOnly) {
      step
      minutes
      workingHoursOnly
    }
  }
`);

export const InboxChangedSubscription = graphql(`
  subscription InboxChanged {
    inboxChanged { requestId }
  }
`);

export const RequestUpdatedSubscription = graphql(`
  subscription RequestUpdated($id: ID!) {
    requestUpdated(id: $id) { id version }
  }
`);

export const VapidPublicKeyQuery = graphql(`
  query VapidPublicKey {
    vapidPublicKey
  }
`);

export const RegisterPushSubscriptionMutation = graphql(`
  mutation RegisterPushSubscription($endpoint: String!, $p256dh: String!, $auth: String!) {
    registerPushSubscription(endpoint: $endpoint, p256dh: $p256dh, auth: $auth)
  }
`);

export const UnregisterPushSubscriptionMutation = graphql(`
  mutation UnregisterPushSubscription($endpoint: String!) {
    unregisterPushSubscription(endpoint: $endpoint)
  }
`);

export const DashboardQuery = graphql(`
  query Dashboard($from: NaiveDate!, $until: NaiveDate!) {
    slaReport(from: $from, until: $until, period: MONTH) {
      from
      until
      generatedAt
      csvUrl
      steps {
        standardMinutes
        workingHoursOnly
        openNow
        overdueNow
        figures { step stepNumber finished onTime onTimeShare medianMinutes p90Minutes }
      }
      periods { periodStart stepNumber finished onTime }
    }
    volumeReport(from: $from, until: $until, period: MONTH) {
      csvUrl
      total { submitted archived rejected withdrawn inProgress }
      periods { periodStart figures { submitted } }
    }
    publisherReport(from: $from, until: $until) {
      csvUrl
      channels { channelId name figures { sent failed uncertain total } }
    }
  }
`);

export const ClassificationFields = graphql(`
  fragment ClassificationFields on Classification {
    id
    code
    title
    description
    defaultRetentionYears
    active
  }
`);

export const ClassificationsQuery = graphql(`
  query Classifications($includeInactive: Boolean) {
    classifications(includeInactive: $includeInactive) { ...ClassificationFields }
  }
`);

export const CreateClassificationMutation = graphql(`
  mutation CreateClassification($input: CreateClassificationInput!) {
    createClassification(input: $input) { ...ClassificationFields }
  }
`);

export const UpdateClassificationMutation = graphql(`
  mutation UpdateClassification($input: UpdateClassificationInput!) {
    updateClassification(input: $input) { ...ClassificationFields }
  }
`);

export const DeleteClassificationMutation = graphql(`
  mutation DeleteClassification($id: ID!) {
    deleteClassification(id: $id)
  }
`);

export const ArchiveDueForReviewQuery = graphql(`
  query ArchiveDueForReview($asOf: NaiveDate) {
    archiveDueForReview(asOf: $asOf) {
      id
      requestId
      title
      classificationCode
      accessClass
      retainUntil
      retentionDecision
      archivedAt
    }
  }
`);

export const ReviewRetentionMutation = graphql(`
  mutation ReviewRetention($input: ReviewRetentionInput!) {
    reviewRetention(input: $input) { id requestId retainUntil retentionDecision }
  }
`);

export const TelegramLinkQuery = graphql(`
  query TelegramLink {
    telegramLink { username linkedAt chatId }
  }
`);

export const CreateTelegramLinkCodeMutation = graphql(`
  mutation CreateTelegramLinkCode {
    createTelegramLinkCode { code expiresAt deepLink }
  }
`);

export const UnlinkTelegramMutation = graphql(`
  mutation UnlinkTelegram {
    unlinkTelegram
  }
`);
