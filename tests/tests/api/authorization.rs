//! Who may do what: every query and mutation × every role, anonymous and each client scope
//! (a table: operation, variables, the principals allowed), then the row-level rules.
//!
//! "Allowed" means the call got past the guards: no `FORBIDDEN` or `UNAUTHENTICATED`. The
//! tables use dummy ids and invalid inputs, so an allowed call ends in `NOT_FOUND` or
//! `BAD_USER_INPUT` (or succeeds harmlessly) and changes nothing. A refused call must say
//! `UNAUTHENTICATED` to the anonymous and `FORBIDDEN` to everyone else.

use std::collections::HashMap;

use serde_json::{Value, json};
use warta_tests::{
    Role, Stage, TestApp, TestClient, TestUser, USER_PASSWORD, error_code, error_codes, spawn_app,
    walk::FORWARD,
};

use crate::helpers::view;

/// A caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Requester,
    ViceRector,
    BureauHead,
    PkihCoordinator,
    HumasDeputy,
    Staff,
    Admin,
    ReadPublished,
    SubmitRequests,
    Worker,
}

use Who::*;

const EVERYONE: &[Who] = &[
    Anonymous,
    Requester,
    ViceRector,
    BureauHead,
    PkihCoordinator,
    HumasDeputy,
    Staff,
    Admin,
    ReadPublished,
    SubmitRequests,
    Worker,
];
const PEOPLE: &[Who] = &[
    Requester,
    ViceRector,
    BureauHead,
    PkihCoordinator,
    HumasDeputy,
    Staff,
    Admin,
];
const AUTHENTICATED: &[Who] = &[
    Requester,
    ViceRector,
    BureauHead,
    PkihCoordinator,
    HumasDeputy,
    Staff,
    Admin,
    ReadPublished,
    SubmitRequests,
    Worker,
];
const OFFICIALS: &[Who] = &[ViceRector, BureauHead, PkihCoordinator, HumasDeputy, Staff];
const OFFICIALS_AND_ADMIN: &[Who] = &[
    ViceRector,
    BureauHead,
    PkihCoordinator,
    HumasDeputy,
    Staff,
    Admin,
];
const FORWARDERS: &[Who] = &[ViceRector, BureauHead, PkihCoordinator, HumasDeputy];
const ADMIN: &[Who] = &[Admin];

/// Every caller, signed in, plus what the variables need.
struct Callers {
    tokens: HashMap<Who, String>,
    /// A spare account whose password every caller may use to sign in.
    spare: TestUser,
    /// A spare client whose secret every caller may use.
    spare_client: TestClient,
    /// A fresh refresh token of the spare account per caller (each works once).
    refresh: HashMap<Who, String>,
}

impl Callers {
    async fn sign_in(app: &TestApp) -> Self {
        let mut tokens = HashMap::new();
        for (who, role) in [
            (Requester, Role::Requester),
            (ViceRector, Role::ViceRector),
            (BureauHead, Role::BureauHead),
            (PkihCoordinator, Role::PkihCoordinator),
            (HumasDeputy, Role::HumasDeputy),
            (Staff, Role::Staff),
        ] {
            tokens.insert(who, app.user(role).await.token);
        }
        tokens.insert(Admin, app.admin_token().await);
        tokens.insert(ReadPublished, app.client(&["read:published"]).await);
        tokens.insert(SubmitRequests, app.client(&["submit:requests"]).await);
        tokens.insert(Worker, app.client(&["worker"]).await);
        let spare = app.new_user(&[Role::Requester]).await;
        let spare_client = app.new_client(&["read:published"]).await;
        Callers {
            tokens,
            spare,
            spare_client,
            refresh: HashMap::new(),
        }
    }

    async fn with_refresh_tokens(mut self, app: &TestApp) -> Self {
        for who in EVERYONE {
            let (_, refresh) = app.login_full(&self.spare.username, USER_PASSWORD).await;
            self.refresh.insert(*who, refresh);
        }
        self
    }

    fn token(&self, who: Who) -> Option<&str> {
        self.tokens.get(&who).map(String::as_str)
    }
}

/// One row of the table.
struct Case {
    name: &'static str,
    query: &'static str,
    variables: fn(&Callers, Who) -> Value,
    allowed: &'static [Who],
}

const DUMMY: &str = "987654";

fn none(_: &Callers, _: Who) -> Value {
    json!({})
}

fn dummy_id(_: &Callers, _: Who) -> Value {
    json!({ "id": DUMMY })
}

fn dummy_request(_: &Callers, _: Who) -> Value {
    json!({ "input": { "requestId": DUMMY } })
}

fn dummy_reason(_: &Callers, _: Who) -> Value {
    json!({ "input": { "requestId": DUMMY, "reason": "alasan" } })
}

/// Runs the cases for every caller and fails with a table of every cell that disagreed.
async fn check(app: &TestApp, callers: &Callers, cases: &[Case]) {
    let mut wrong = Vec::new();
    for case in cases {
        for &who in EVERYONE {
            let response = app
                .gql(
                    callers.token(who),
                    case.query,
                    (case.variables)(callers, who),
                )
                .await;
            let codes = error_codes(&response);
            let refused = codes
                .iter()
                .any(|c| c == "FORBIDDEN" || c == "UNAUTHENTICATED");
            let allowed = case.allowed.contains(&who);
            if allowed && (refused || codes.iter().any(|c| c == "INTERNAL")) {
                wrong.push(format!(
                    "{:<28} {who:?}: should be allowed, got {codes:?}",
                    case.name
                ));
            } else if !allowed && !refused {
                wrong.push(format!(
                    "{:<28} {who:?}: should be refused, got {response}",
                    case.name
                ));
            } else if !allowed {
                let expected = if who == Anonymous {
                    "UNAUTHENTICATED"
                } else {
                    "FORBIDDEN"
                };
                if error_code(&response).as_deref() != Some(expected) {
                    wrong.push(format!(
                        "{:<28} {who:?}: refused with {codes:?}, expected {expected}",
                        case.name
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "authorization matrix disagrees in {} cells:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn every_query_admits_exactly_the_principals_allowed_to_use_it() {
    let app = spawn_app().await;
    let callers = Callers::sign_in(&app).await;
    let cases = [
        Case {
            name: "me",
            query: "{ me { id } }",
            variables: none,
            allowed: EVERYONE,
        },
        Case {
            name: "telegramLink",
            query: "{ telegramLink { username } }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "request",
            query: "query($id: ID!) { request(id: $id) { id } }",
            variables: dummy_id,
            allowed: AUTHENTICATED,
        },
        Case {
            name: "requests",
            query: "{ requests { edges { node { id } } pageInfo { hasNextPage } } }",
            variables: none,
            allowed: &[
                Requester,
                ViceRector,
                BureauHead,
                PkihCoordinator,
                HumasDeputy,
                Staff,
                Admin,
                SubmitRequests,
            ],
        },
        Case {
            name: "inbox",
            query: "{ inbox { request { id } } }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "channels",
            query: "{ channels { id } }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "channels(includeInactive)",
            query: "{ channels(includeInactive: true) { id } }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "events",
            query: "query($id: ID!) { events(requestId: $id) { kind } }",
            variables: dummy_id,
            allowed: AUTHENTICATED,
        },
        Case {
            name: "users",
            query: "{ users { id } }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "usersWithRole",
            query: "{ usersWithRole(role: STAFF) { id } }",
            variables: none,
            allowed: OFFICIALS_AND_ADMIN,
        },
        Case {
            name: "apiClients",
            query: "{ apiClients { id } }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "publishedAnnouncements",
            query: "{ publishedAnnouncements { edges { node { requestId } } } }",
            variables: none,
            allowed: &[
                Requester,
                ViceRector,
                BureauHead,
                PkihCoordinator,
                HumasDeputy,
                Staff,
                Admin,
                ReadPublished,
            ],
        },
        Case {
            name: "search",
            query: "{ search(query: \"rapat\") { totalCount edges { node { requestId } } } }",
            variables: none,
            allowed: &[
                Requester,
                ViceRector,
                BureauHead,
                PkihCoordinator,
                HumasDeputy,
                Staff,
                Admin,
                ReadPublished,
            ],
        },
        Case {
            name: "slaStandards",
            query: "{ slaStandards { stepNumber minutes } }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "classifications",
            query: "{ classifications { code } }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "classifications(includeInactive)",
            query: "{ classifications(includeInactive: true) { code } }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "archiveEntry",
            query: "query($id: ID!) { archiveEntry(requestId: $id) { id } }",
            variables: dummy_id,
            allowed: AUTHENTICATED,
        },
        Case {
            name: "archiveDueForReview",
            query: "{ archiveDueForReview(asOf: \"2030-01-01\") { id } }",
            variables: none,
            allowed: &[Staff, Admin],
        },
        Case {
            name: "workCalendar",
            query: "{ workCalendar { workingDays } }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "slaReport",
            query: "{ slaReport(from: \"2026-01-01\", until: \"2026-01-31\") { csvUrl } }",
            variables: none,
            allowed: OFFICIALS_AND_ADMIN,
        },
        Case {
            name: "volumeReport",
            query: "{ volumeReport(from: \"2026-01-01\", until: \"2026-01-31\") { csvUrl } }",
            variables: none,
            allowed: OFFICIALS_AND_ADMIN,
        },
        Case {
            name: "publisherReport",
            query: "{ publisherReport(from: \"2026-01-01\", until: \"2026-01-31\") { csvUrl } }",
            variables: none,
            allowed: OFFICIALS_AND_ADMIN,
        },
    ];
    check(&app, &callers, &cases).await;
}

#[tokio::test]
async fn every_workflow_mutation_admits_exactly_the_roles_of_its_steps() {
    let app = spawn_app().await;
    let callers = Callers::sign_in(&app).await;
    let cases = [
        Case {
            name: "submitRequest",
            query: "mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { id } }",
            // A title over the limit: refused as input once past the guard, so nothing is created.
            variables: |_, _| json!({ "input": { "title": "x".repeat(301), "audience": "semua", "narrative": "isi" } }),
            allowed: &[Requester, Admin, SubmitRequests],
        },
        Case {
            name: "forwardRequest",
            query: "mutation($input: ForwardRequestInput!) { forwardRequest(input: $input) { id } }",
            variables: dummy_request,
            allowed: FORWARDERS,
        },
        Case {
            name: "reviewRequest",
            query: "mutation($input: ReviewRequestInput!) { reviewRequest(input: $input) { id } }",
            variables: |_, _| json!({ "input": { "requestId": DUMMY, "verdict": "FIT" } }),
            allowed: &[HumasDeputy],
        },
        Case {
            name: "reviseContent",
            query: "mutation($input: ReviseContentInput!) { reviseContent(input: $input) { id } }",
            variables: |_, _| json!({ "input": { "requestId": DUMMY, "narrative": "isi baru" } }),
            allowed: &[HumasDeputy, Requester],
        },
        Case {
            name: "publishRequest",
            query: "mutation($input: PublishRequestInput!) { publishRequest(input: $input) { id } }",
            variables: dummy_request,
            allowed: &[Staff],
        },
        Case {
            name: "archiveRequest",
            query: "mutation($input: ArchiveRequestInput!) { archiveRequest(input: $input) { id } }",
            variables: |_, _| json!({ "input": { "requestId": DUMMY, "classificationCode": "HM.00.01", "retentionYears": 5 } }),
            allowed: &[Staff],
        },
        Case {
            name: "returnForRevision",
            query: "mutation($input: ReasonInput!) { returnForRevision(input: $input) { id } }",
            variables: dummy_reason,
            allowed: FORWARDERS,
        },
        Case {
            name: "rejectRequest",
            query: "mutation($input: ReasonInput!) { rejectRequest(input: $input) { id } }",
            variables: dummy_reason,
            allowed: FORWARDERS,
        },
        Case {
            name: "resubmitRequest",
            query: "mutation($input: ResubmitRequestInput!) { resubmitRequest(input: $input) { id } }",
            variables: dummy_request,
            allowed: &[Requester],
        },
        Case {
            name: "withdrawRequest",
            query: "mutation($input: WithdrawRequestInput!) { withdrawRequest(input: $input) { id } }",
            variables: dummy_request,
            allowed: &[Requester],
        },
        Case {
            name: "reassignRequest",
            query: "mutation($input: ReassignRequestInput!) { reassignRequest(input: $input) { id } }",
            variables: |_, _| json!({ "input": { "requestId": DUMMY, "toUserId": DUMMY } }),
            allowed: OFFICIALS_AND_ADMIN,
        },
        Case {
            name: "markDispositionRead",
            query: "mutation($id: ID!) { markDispositionRead(dispositionId: $id) { id } }",
            variables: dummy_id,
            allowed: OFFICIALS,
        },
        Case {
            name: "correctPublication",
            query: "mutation($input: CorrectPublicationInput!) { correctPublication(input: $input) { id } }",
            variables: |_, _| json!({ "input": { "publicationId": DUMMY, "text": "Teks", "reason": "Salah ketik" } }),
            allowed: &[Staff],
        },
        Case {
            name: "retractPublication",
            query: "mutation($input: RetractPublicationInput!) { retractPublication(input: $input) { id } }",
            variables: |_, _| json!({ "input": { "publicationId": DUMMY, "reason": "Salah kirim" } }),
            allowed: &[Staff],
        },
        Case {
            name: "claimPublicationJobs",
            query: "mutation { claimPublicationJobs(worker: \"w\") { jobId } }",
            variables: none,
            allowed: &[Worker],
        },
        Case {
            name: "reportPublication",
            query: "mutation($input: ReportPublicationInput!) { reportPublication(input: $input) { id } }",
            variables: |_, _| json!({ "input": { "publicationId": DUMMY, "outcome": "SENT" } }),
            allowed: &[Worker],
        },
        Case {
            name: "startSendingPublication",
            query: "mutation($id: ID!) { startSendingPublication(publicationId: $id, worker: \"w\") { id } }",
            variables: dummy_id,
            allowed: &[Worker],
        },
        Case {
            name: "retryPublicationLater",
            query: "mutation($id: ID!) { retryPublicationLater(publicationId: $id, worker: \"w\", afterSeconds: 5, error: \"429\") { id } }",
            variables: dummy_id,
            allowed: &[Worker],
        },
        Case {
            name: "recordChannelMigration",
            query: "mutation($id: ID!) { recordChannelMigration(channelId: $id, newChatId: \"-1001234567890\") { id } }",
            variables: dummy_id,
            allowed: &[Worker],
        },
        Case {
            name: "checkChannel",
            query: "mutation($id: ID!) { checkChannel(id: $id) { canPost } }",
            variables: dummy_id,
            allowed: ADMIN,
        },
        Case {
            name: "registerPushSubscription",
            query: "mutation { registerPushSubscription(endpoint: \"https://push.example.org/x\", p256dh: \"bad\", auth: \"bad\") }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "unregisterPushSubscription",
            query: "mutation { unregisterPushSubscription(endpoint: \"https://push.example.org/x\") }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "createTelegramLinkCode",
            query: "mutation { createTelegramLinkCode { code } }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "linkTelegramAccount",
            query: "mutation { linkTelegramAccount(code: \"ABCD-EFGH\", chatId: \"424242\") { linkedAt } }",
            variables: none,
            allowed: &[Worker],
        },
        Case {
            name: "unlinkTelegram",
            query: "mutation { unlinkTelegram }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "resolveUncertainPublication",
            query: "mutation($input: ResolvePublicationInput!) { resolveUncertainPublication(input: $input) { id } }",
            variables: |_, _| json!({ "input": { "publicationId": DUMMY, "posted": true } }),
            allowed: &[Staff],
        },
    ];
    check(&app, &callers, &cases).await;

    // Uploads go through the multipart transport; a text file is refused as input, after the guard.
    let mut wrong = Vec::new();
    for &who in EVERYONE {
        let response = app
            .upload(
                callers.token(who),
                "surat.txt",
                "text/plain",
                b"bukan PDF".to_vec(),
                None,
            )
            .await;
        let code = response.code();
        let allowed = [Requester, HumasDeputy, Staff, Admin, SubmitRequests].contains(&who);
        let expected = match (allowed, who) {
            (true, _) => "BAD_USER_INPUT",
            (false, Anonymous) => "UNAUTHENTICATED",
            (false, _) => "FORBIDDEN",
        };
        if code.as_deref() != Some(expected) {
            wrong.push(format!(
                "uploadAttachment {who:?}: expected {expected}, got {}",
                response.body
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn every_account_and_administration_mutation_admits_exactly_its_principals() {
    let app = spawn_app().await;
    let callers = Callers::sign_in(&app).await.with_refresh_tokens(&app).await;
    let cases = [
        Case {
            name: "login",
            query: "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }",
            variables: |c, _| json!({ "u": c.spare.username, "p": USER_PASSWORD }),
            allowed: EVERYONE,
        },
        Case {
            name: "refreshSession",
            query: "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
            variables: |c, who| json!({ "t": c.refresh[&who] }),
            allowed: EVERYONE,
        },
        Case {
            name: "clientToken",
            query: "mutation($id: String!, $s: String!) { clientToken(clientId: $id, clientSecret: $s) { accessToken } }",
            variables: |c, _| json!({ "id": c.spare_client.client_id, "s": c.spare_client.secret }),
            allowed: EVERYONE,
        },
        Case {
            name: "logout",
            query: "mutation { logout(refreshToken: \"not-a-refresh-token\") }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "changePassword",
            query: "mutation { changePassword(currentPassword: \"not the password\", newPassword: \"a-new-password-123\") }",
            variables: none,
            allowed: PEOPLE,
        },
        Case {
            name: "createUser",
            query: "mutation { createUser(input: { username: \"x\", fullName: \"X\", roles: [REQUESTER] }) { user { id } } }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "updateUser",
            query: "mutation($id: ID!) { updateUser(input: { userId: $id, fullName: \"Nama\" }) { id } }",
            variables: dummy_id,
            allowed: ADMIN,
        },
        Case {
            name: "grantRoles",
            query: "mutation($id: ID!) { grantRoles(userId: $id, roles: [STAFF]) { id } }",
            variables: dummy_id,
            allowed: ADMIN,
        },
        Case {
            name: "revokeRoles",
            query: "mutation($id: ID!) { revokeRoles(userId: $id, roles: [STAFF]) { id } }",
            variables: dummy_id,
            allowed: ADMIN,
        },
        Case {
            name: "resetPassword",
            query: "mutation($id: ID!) { resetPassword(userId: $id) }",
            variables: dummy_id,
            allowed: ADMIN,
        },
        Case {
            name: "createChannel",
            query: "mutation { createChannel(input: { name: \"Kanal\", chatRef: \"not a chat\" }) { id } }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "updateChannel",
            query: "mutation($id: ID!) { updateChannel(id: $id, input: { name: \"Kanal\" }) { id } }",
            variables: dummy_id,
            allowed: ADMIN,
        },
        Case {
            name: "updateSlaStandard",
            query: "mutation { updateSlaStandard(step: REVIEW, minutes: -5, workingHoursOnly: false) { minutes } }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "updateWorkCalendar",
            query: "mutation { updateWorkCalendar(input: { workingDays: [9], workStart: \"25:00\", workEnd: \"later\" }) }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "setHoliday",
            query: "mutation { setHoliday(date: \"2026-08-17\", name: \"   \") { date } }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "removeHoliday",
            query: "mutation { removeHoliday(date: \"1999-01-01\") }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "createApiClient",
            query: "mutation { createApiClient(name: \"  \", scopes: [WORKER]) { clientSecret } }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "createClassification",
            query: "mutation { createClassification(input: { code: \"  \", title: \"x\", defaultRetentionYears: 5 }) { id } }",
            variables: none,
            allowed: ADMIN,
        },
        Case {
            name: "updateClassification",
            query: "mutation($id: ID!) { updateClassification(input: { id: $id, title: \"x\" }) { id } }",
            variables: dummy_id,
            allowed: ADMIN,
        },
        Case {
            name: "deleteClassification",
            query: "mutation($id: ID!) { deleteClassification(id: $id) }",
            variables: dummy_id,
            allowed: ADMIN,
        },
        Case {
            name: "reviewRetention",
            query: "mutation($id: ID!) { reviewRetention(input: { requestId: $id, decision: TRANSFER }) { id } }",
            variables: dummy_id,
            allowed: &[Staff, Admin],
        },
        Case {
            name: "revokeApiClient",
            query: "mutation { revokeApiClient(clientId: \"wc_does_not_exist\") { id } }",
            variables: none,
            allowed: ADMIN,
        },
    ];
    check(&app, &callers, &cases).await;

    // None of the refused or invalid calls changed anything an admin can see.
    let admin = callers.token(Admin).expect("admin");
    let d = app
        .gql_ok(
            Some(admin),
            "{ users { username } apiClients { name } channels(includeInactive: true) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["users"].as_array().expect("users").len(),
        8,
        "the six role users, admin and the spare: {d}"
    );
    assert_eq!(d["channels"], json!([]));
    let sla = app
        .gql_ok(
            Some(admin),
            "{ slaStandards { stepNumber minutes workingHoursOnly } }",
            json!({}),
        )
        .await;
    assert_eq!(
        sla["slaStandards"],
        json!(
            [1440, 120, 60, 10, 5, 5, 5]
                .iter()
                .enumerate()
                .map(
                    |(i, m)| json!({ "stepNumber": i + 1, "minutes": m, "workingHoursOnly": false })
                )
                .collect::<Vec<_>>()
        )
    );
}

#[tokio::test]
async fn a_requester_sees_only_their_own_requests() {
    let app = spawn_app().await;
    let mine = app.request_at(Stage::Disposition).await;
    let theirs = app.request_at(Stage::Disposition).await;

    let d = app
        .gql_ok(
            Some(&mine.requester.token),
            "{ requests { edges { node { id agendaNumber } } } }",
            json!({}),
        )
        .await;
    let ids: Vec<&str> = d["requests"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [mine.id.as_str()]);

    for query in [
        "query($id: ID!) { request(id: $id) { id } }",
        "query($id: ID!) { events(requestId: $id) { kind } }",
    ] {
        let hidden = app
            .gql(
                Some(&mine.requester.token),
                query,
                json!({ "id": theirs.id }),
            )
            .await;
        assert_eq!(
            error_code(&hidden).as_deref(),
            Some("NOT_FOUND"),
            "{query}: {hidden}"
        );
        assert!(hidden["data"].is_null() || hidden["data"]["request"].is_null());
    }
    // Not found looks the same as a request that does not exist, so ids cannot be probed.
    let missing = app
        .gql(
            Some(&mine.requester.token),
            "query($id: ID!) { request(id: $id) { id } }",
            json!({ "id": "987654" }),
        )
        .await;
    assert_eq!(
        missing["errors"][0]["message"],
        app.gql(
            Some(&mine.requester.token),
            "query($id: ID!) { request(id: $id) { id } }",
            json!({ "id": theirs.id })
        )
        .await["errors"][0]["message"]
    );
}

#[tokio::test]
async fn an_official_sees_a_request_only_once_it_reaches_their_role() {
    let app = spawn_app().await;
    let bureau_head = app.user(Role::BureauHead).await;
    let staff = app.user(Role::Staff).await;
    let walked = app.request_at(Stage::Disposition).await;

    let hidden = app
        .gql(
            Some(&bureau_head.token),
            "query($id: ID!) { request(id: $id) { id } }",
            json!({ "id": walked.id }),
        )
        .await;
    assert_eq!(
        error_code(&hidden).as_deref(),
        Some("NOT_FOUND"),
        "{hidden}"
    );
    let d = app
        .gql_ok(
            Some(&bureau_head.token),
            "{ requests { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["requests"]["edges"], json!([]));

    let vice_rector = app.user(Role::ViceRector).await;
    app.gql_ok(
        Some(&vice_rector.token),
        FORWARD,
        json!({ "input": { "requestId": walked.id } }),
    )
    .await;
    let r = view(&app, &bureau_head.token, &walked.id).await;
    assert_eq!(r["status"], "INSTRUCTION");
    let d = app
        .gql_ok(
            Some(&bureau_head.token),
            "{ requests { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["requests"]["edges"][0]["node"]["id"], walked.id.as_str());
    // The Vice Rector still sees what passed through their hands; staff do not, yet.
    view(&app, &vice_rector.token, &walked.id).await;
    let hidden = app
        .gql(
            Some(&staff.token),
            "query($id: ID!) { request(id: $id) { id } }",
            json!({ "id": walked.id }),
        )
        .await;
    assert_eq!(error_code(&hidden).as_deref(), Some("NOT_FOUND"));
}

#[tokio::test]
async fn a_read_published_client_sees_published_announcements_and_nothing_else() {
    let app = spawn_app().await;
    let reader = app.client(&["read:published"]).await;
    let published = app.request_at(Stage::Archiving).await;
    let pending = app.request_at(Stage::Verification).await;

    let refused = app
        .gql(
            Some(&reader),
            "{ requests { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("FORBIDDEN"),
        "{refused}"
    );
    for id in [&published.id, &pending.id] {
        let hidden = app
            .gql(
                Some(&reader),
                "query($id: ID!) { request(id: $id) { id title } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            error_code(&hidden).as_deref(),
            Some("NOT_FOUND"),
            "{hidden}"
        );
        let hidden = app
            .gql(
                Some(&reader),
                "query($id: ID!) { events(requestId: $id) { kind } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            error_code(&hidden).as_deref(),
            Some("NOT_FOUND"),
            "{hidden}"
        );
    }
    let refused = app
        .gql(Some(&reader), "{ inbox { request { id } } }", json!({}))
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));

    let d = app
        .gql_ok(
            Some(&reader),
            "{ publishedAnnouncements { edges { node { requestId agendaNumber text } } } }",
            json!({}),
        )
        .await;
    let edges = d["publishedAnnouncements"]["edges"]
        .as_array()
        .expect("edges");
    assert_eq!(edges.len(), 1, "{d}");
    assert_eq!(edges[0]["node"]["requestId"], published.id.as_str());
    assert_eq!(
        edges[0]["node"]["agendaNumber"],
        published.agenda_number.as_str()
    );
}

#[tokio::test]
async fn a_submitting_client_sees_only_what_it_submitted() {
    let app = spawn_app().await;
    let client = app.client(&["submit:requests"]).await;
    let requester = app.user(Role::Requester).await;
    let other = app.request_at(Stage::Disposition).await;

    let mut input = warta_tests::walk::submission("Seminar nasional");
    input["requesterUsername"] = json!(requester.username);
    let d = app
        .gql_ok(
            Some(&client),
            warta_tests::walk::SUBMIT,
            json!({ "input": input }),
        )
        .await;
    let id = d["submitRequest"]["id"].as_str().expect("an id").to_owned();
    let r = app
        .gql_ok(
            Some(&requester.token),
            "query($id: ID!) { request(id: $id) { requester { username } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        r["request"]["requester"]["username"],
        requester.username.as_str(),
        "submitted on the requester's behalf"
    );

    let d = app
        .gql_ok(
            Some(&client),
            "{ requests { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["requests"]["edges"], json!([{ "node": { "id": id } }]));
    let hidden = app
        .gql(
            Some(&client),
            "query($id: ID!) { request(id: $id) { id } }",
            json!({ "id": other.id }),
        )
        .await;
    assert_eq!(error_code(&hidden).as_deref(), Some("NOT_FOUND"));
    let e = app.event_kinds(&client, &id).await;
    assert_eq!(e, ["submitted"]);
}

#[tokio::test]
async fn a_revoked_role_stops_working_before_the_access_token_expires() {
    let app = spawn_app().await;
    let vice_rector = app.user(Role::ViceRector).await;
    let walked = app.request_at(Stage::Disposition).await;
    let admin = app.admin_token().await;
    app.gql_ok(
        Some(&admin),
        "mutation($id: ID!) { grantRoles(userId: $id, roles: [STAFF]) { id } revokeRoles(userId: $id, roles: [VICE_RECTOR]) { id roles } }",
        json!({ "id": vice_rector.gid }),
    )
    .await;
    // The old token still names vice_rector; the server must go by the roles held now.
    let refused = app
        .gql(
            Some(&vice_rector.token),
            FORWARD,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
    assert!(
        matches!(
            error_code(&refused).as_deref(),
            Some("FORBIDDEN" | "NOT_FOUND")
        ),
        "{refused}"
    );
    let r = view(&app, &walked.requester.token, &walked.id).await;
    assert_eq!(r["status"], "DISPOSITION");
}

#[tokio::test]
async fn a_deactivated_user_can_no_longer_act() {
    let app = spawn_app().await;
    let vice_rector = app.user(Role::ViceRector).await;
    let walked = app.request_at(Stage::Disposition).await;
    let admin = app.admin_token().await;
    app.gql_ok(
        Some(&admin),
        "mutation($id: ID!) { updateUser(input: { userId: $id, active: false }) { active } }",
        json!({ "id": vice_rector.gid }),
    )
    .await;
    let refused = app
        .gql(
            Some(&vice_rector.token),
            FORWARD,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("UNAUTHENTICATED"),
        "{refused}"
    );
    let refresh = app
        .gql(
            None,
            "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
            json!({ "t": vice_rector.refresh_token }),
        )
        .await;
    assert_eq!(error_code(&refresh).as_deref(), Some("UNAUTHENTICATED"));
    let login = app
        .gql(None, "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }", json!({ "u": vice_rector.username, "p": USER_PASSWORD }))
        .await;
    assert_eq!(error_code(&login).as_deref(), Some("UNAUTHENTICATED"));
}
