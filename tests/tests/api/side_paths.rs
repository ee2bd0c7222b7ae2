//! The SOP's side paths: return for revision and resubmission, rejection, withdrawal and
//! reassignment.

use serde_json::json;
use warta_tests::{
    Role, Stage, error_code, error_rule, spawn_app,
    walk::{FORWARD, REVIEW},
};

use crate::helpers::{strings, view};

const RESUBMIT: &str = "mutation($input: ResubmitRequestInput!) {
  resubmitRequest(input: $input) { id status currentStep holderRole holder { id } returnedFromStep }
}";

const REJECT: &str = "mutation($input: ReasonInput!) {
  rejectRequest(input: $input) { id status currentStep holderRole rejectionReason closedAt }
}";

const RETURN: &str = "mutation($input: ReasonInput!) {
  returnForRevision(input: $input) { id status currentStep holderRole returnedFromStep }
}";

const WITHDRAW: &str = "mutation($input: WithdrawRequestInput!) {
  withdrawRequest(input: $input) { id status currentStep holderRole closedAt }
}";

const REASSIGN: &str = "mutation($input: ReassignRequestInput!) {
  reassignRequest(input: $input) { id status holderRole holder { id username } }
}";

#[tokio::test]
async fn a_revise_verdict_returns_the_request_and_resubmission_brings_it_back_to_review() {
    let app = spawn_app().await;
    let walked = app.request_at(Stage::Review).await;
    let requester = &walked.requester;
    let deputy = app.user(Role::HumasDeputy).await;

    let refused = app
        .gql(
            Some(&deputy.token),
            REVIEW,
            json!({ "input": { "requestId": walked.id, "verdict": "REVISE" } }),
        )
        .await;
    assert_eq!(
        error_rule(&refused).as_deref(),
        Some("CommentRequired"),
        "{refused}"
    );

    let d = app
        .gql_ok(
            Some(&deputy.token),
            REVIEW,
            json!({ "input": { "requestId": walked.id, "verdict": "REVISE", "comment": "Cantumkan jam dan tempat" } }),
        )
        .await;
    assert_eq!(d["reviewRequest"]["status"], "RETURNED");
    assert!(d["reviewRequest"]["currentStep"].is_null());
    assert!(d["reviewRequest"]["holderRole"].is_null());
    assert_eq!(d["reviewRequest"]["returnedFromStep"], "REVIEW");

    // The requester finds it in their inbox, with the reason on the review and the event.
    let inbox = app
        .gql_ok(
            Some(&requester.token),
            "{ inbox { request { id status } disposition { id } deadline } }",
            json!({}),
        )
        .await;
    assert_eq!(
        inbox["inbox"],
        json!([{ "request": { "id": walked.id, "status": "RETURNED" }, "disposition": null, "deadline": null }])
    );
    assert!(
        app.inbox_ids(&deputy.token).await.is_empty(),
        "it no longer waits on the deputy"
    );
    let r = view(&app, &requester.token, &walked.id).await;
    assert_eq!(r["reviews"][0]["verdict"], "REVISE");
    assert_eq!(r["reviews"][0]["comment"], "Cantumkan jam dan tempat");
    assert_eq!(r["dispositions"][3]["outcome"], "returned");
    let e = app
        .gql_ok(
            Some(&requester.token),
            "query($id: ID!) { events(requestId: $id) { kind payload } }",
            json!({ "id": walked.id }),
        )
        .await;
    let returned = e["events"]
        .as_array()
        .expect("events")
        .last()
        .expect("an event")
        .clone();
    assert_eq!(returned["kind"], "returned_for_revision");
    assert_eq!(returned["payload"]["reason"], "Cantumkan jam dan tempat");

    // Officials cannot act on it while it is with the requester.
    let blocked = app
        .gql(
            Some(&deputy.token),
            REVIEW,
            json!({ "input": { "requestId": walked.id, "verdict": "FIT" } }),
        )
        .await;
    assert_eq!(error_code(&blocked).as_deref(), Some("BAD_USER_INPUT"));

    // Someone else's resubmission is refused; the requester's brings it back to step 4.
    let stranger = app.new_user(&[Role::Requester]).await;
    let refused = app
        .gql(
            Some(&stranger.token),
            RESUBMIT,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
    assert!(
        matches!(
            error_code(&refused).as_deref(),
            Some("NOT_FOUND" | "FORBIDDEN")
        ),
        "{refused}"
    );
    let revised = "Wisuda dilaksanakan pukul 08.00 WIB di Gedung Soetardjo.";
    let d = app
        .gql_ok(
            Some(&requester.token),
            RESUBMIT,
            json!({ "input": { "requestId": walked.id, "narrative": revised, "note": "Jam dan tempat ditambahkan" } }),
        )
        .await;
    assert_eq!(d["resubmitRequest"]["status"], "REVIEW");
    assert_eq!(d["resubmitRequest"]["holderRole"], "HUMAS_DEPUTY");
    assert!(d["resubmitRequest"]["returnedFromStep"].is_null());
    let r = view(&app, &deputy.token, &walked.id).await;
    assert_eq!(r["contentVersions"].as_array().expect("versions").len(), 2);
    assert_eq!(r["content"]["narrative"], revised);
    assert_eq!(
        r["contentVersions"][1]["author"]["username"],
        requester.username.as_str()
    );
    assert_eq!(r["openDisposition"]["stepNumber"], 4);
    assert_eq!(app.inbox_ids(&deputy.token).await, vec![walked.id.clone()]);
    assert!(app.inbox_ids(&requester.token).await.is_empty());
    let kinds = app.event_kinds(&requester.token, &walked.id).await;
    assert_eq!(
        kinds[kinds.len() - 5..],
        strings(&[
            "forwarded",
            "reviewed",
            "returned_for_revision",
            "content_revised",
            "resubmitted"
        ])
    );

    // And now it can be found fit.
    let d = app
        .gql_ok(
            Some(&deputy.token),
            REVIEW,
            json!({ "input": { "requestId": walked.id, "verdict": "FIT" } }),
        )
        .await;
    assert_eq!(d["reviewRequest"]["status"], "ASSIGNMENT");
}

#[tokio::test]
async fn an_official_can_return_a_request_from_an_earlier_step() {
    let app = spawn_app().await;
    let walked = app.request_at(Stage::Instruction).await;
    let bureau_head = app.user(Role::BureauHead).await;
    let d = app
        .gql_ok(
            Some(&bureau_head.token),
            RETURN,
            json!({ "input": { "requestId": walked.id, "reason": "Lampirkan surat permohonan" } }),
        )
        .await;
    assert_eq!(d["returnForRevision"]["status"], "RETURNED");
    assert_eq!(d["returnForRevision"]["returnedFromStep"], "INSTRUCTION");
    assert_eq!(
        app.inbox_ids(&walked.requester.token).await,
        vec![walked.id.clone()]
    );
    let d = app
        .gql_ok(
            Some(&walked.requester.token),
            RESUBMIT,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
    assert_eq!(d["resubmitRequest"]["status"], "INSTRUCTION");
    assert_eq!(d["resubmitRequest"]["holderRole"], "BUREAU_HEAD");
    assert_eq!(
        app.inbox_ids(&bureau_head.token).await,
        vec![walked.id.clone()]
    );
}

#[tokio::test]
async fn rejecting_at_step_two_closes_the_request_for_good() {
    let app = spawn_app().await;
    let walked = app.request_at(Stage::Instruction).await;
    let bureau_head = app.user(Role::BureauHead).await;

    let refused = app
        .gql(
            Some(&bureau_head.token),
            REJECT,
            json!({ "input": { "requestId": walked.id, "reason": "  " } }),
        )
        .await;
    assert_eq!(
        error_rule(&refused).as_deref(),
        Some("ReasonRequired"),
        "{refused}"
    );

    let d = app
        .gql_ok(
            Some(&bureau_head.token),
            REJECT,
            json!({ "input": { "requestId": walked.id, "reason": "Bukan wewenang Humas" } }),
        )
        .await;
    let rejected = &d["rejectRequest"];
    assert_eq!(rejected["status"], "REJECTED");
    assert!(rejected["currentStep"].is_null() && rejected["holderRole"].is_null());
    assert_eq!(rejected["rejectionReason"], "Bukan wewenang Humas");
    assert!(!rejected["closedAt"].is_null());

    let r = view(&app, &walked.requester.token, &walked.id).await;
    assert_eq!(r["status"], "REJECTED");
    assert_eq!(r["dispositions"][1]["outcome"], "rejected");
    assert!(r["openDisposition"].is_null());
    assert!(app.inbox_ids(&bureau_head.token).await.is_empty());
    assert!(app.inbox_ids(&walked.requester.token).await.is_empty());
    assert_eq!(
        app.event_kinds(&walked.requester.token, &walked.id).await,
        strings(&["submitted", "forwarded", "rejected"])
    );

    // Closed: no forward, no withdrawal, no resubmission.
    let channel = app.channel("Info UNEJ").await;
    let forward = app
        .gql(
            Some(&bureau_head.token),
            FORWARD,
            json!({ "input": { "requestId": walked.id, "channelIds": [channel] } }),
        )
        .await;
    assert_eq!(error_code(&forward).as_deref(), Some("BAD_USER_INPUT"));
    assert_eq!(error_rule(&forward).as_deref(), Some("RequestClosed"));
    let withdraw = app
        .gql(
            Some(&walked.requester.token),
            WITHDRAW,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
    assert_eq!(
        error_rule(&withdraw).as_deref(),
        Some("RequestClosed"),
        "{withdraw}"
    );
}

#[tokio::test]
async fn the_requester_can_withdraw_but_another_requester_cannot() {
    let app = spawn_app().await;
    let walked = app.request_at(Stage::Verification).await;
    let other = app.new_user(&[Role::Requester]).await;

    let refused = app
        .gql(
            Some(&other.token),
            WITHDRAW,
            json!({ "input": { "requestId": walked.id, "reason": "iseng" } }),
        )
        .await;
    assert!(
        matches!(
            error_code(&refused).as_deref(),
            Some("NOT_FOUND" | "FORBIDDEN")
        ),
        "{refused}"
    );
    let still = view(&app, &walked.requester.token, &walked.id).await;
    assert_eq!(
        still["status"], "VERIFICATION",
        "a refused withdrawal changes nothing"
    );

    let d = app
        .gql_ok(
            Some(&walked.requester.token),
            WITHDRAW,
            json!({ "input": { "requestId": walked.id, "reason": "Acara dibatalkan" } }),
        )
        .await;
    assert_eq!(d["withdrawRequest"]["status"], "WITHDRAWN");
    assert!(d["withdrawRequest"]["holderRole"].is_null());
    assert!(!d["withdrawRequest"]["closedAt"].is_null());
    let pkih = app.user(Role::PkihCoordinator).await;
    assert!(app.inbox_ids(&pkih.token).await.is_empty());
    let kinds = app.event_kinds(&walked.requester.token, &walked.id).await;
    assert_eq!(kinds.last().map(String::as_str), Some("withdrawn"));
    assert_eq!(kinds.iter().filter(|k| *k == "withdrawn").count(), 1);
}

#[tokio::test]
async fn a_request_cannot_be_withdrawn_once_publishing_has_begun() {
    let app = spawn_app().await;
    let walked = app.request_at(Stage::Archiving).await;
    let refused = app
        .gql(
            Some(&walked.requester.token),
            WITHDRAW,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("BAD_USER_INPUT"));
    assert_eq!(error_rule(&refused).as_deref(), Some("WithdrawalTooLate"));
}

#[tokio::test]
async fn the_holder_reassigns_a_step_to_another_holder_of_the_role() {
    let app = spawn_app().await;
    let first = app.user(Role::ViceRector).await;
    let second = app.new_user(&[Role::ViceRector]).await;
    let walked = app.request_at(Stage::Disposition).await;
    assert!(app.inbox_ids(&first.token).await.contains(&walked.id));
    assert!(
        app.inbox_ids(&second.token).await.contains(&walked.id),
        "the role's shared inbox"
    );

    let d = app
        .gql_ok(
            Some(&first.token),
            REASSIGN,
            json!({ "input": { "requestId": walked.id, "toUserId": second.gid } }),
        )
        .await;
    assert_eq!(d["reassignRequest"]["holder"]["id"], second.gid.as_str());
    assert_eq!(d["reassignRequest"]["holderRole"], "VICE_RECTOR");
    assert_eq!(d["reassignRequest"]["status"], "DISPOSITION");

    assert_eq!(app.inbox_ids(&second.token).await, vec![walked.id.clone()]);
    assert!(
        !app.inbox_ids(&first.token).await.contains(&walked.id),
        "the old holder's inbox drops it"
    );
    let r = view(&app, &second.token, &walked.id).await;
    assert_eq!(
        r["dispositions"][0]["to"]["username"],
        second.username.as_str()
    );
    let e = app
        .gql_ok(
            Some(&second.token),
            "query($id: ID!) { events(requestId: $id) { kind payload } }",
            json!({ "id": walked.id }),
        )
        .await;
    let last = e["events"]
        .as_array()
        .expect("events")
        .last()
        .expect("one")
        .clone();
    assert_eq!(last["kind"], "reassigned");
    assert_eq!(last["payload"]["to"], second.id);

    // Only the named holder acts now.
    let refused = app
        .gql(
            Some(&first.token),
            FORWARD,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("FORBIDDEN"),
        "{refused}"
    );
    assert_eq!(error_rule(&refused).as_deref(), Some("NotTheHolder"));
    let d = app
        .gql_ok(
            Some(&second.token),
            FORWARD,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
    assert_eq!(d["forwardRequest"]["status"], "INSTRUCTION");
}

#[tokio::test]
async fn reassigning_to_someone_without_the_role_is_refused() {
    let app = spawn_app().await;
    let holder = app.user(Role::ViceRector).await;
    let outsider = app.user(Role::BureauHead).await;
    let walked = app.request_at(Stage::Disposition).await;
    let refused = app
        .gql(
            Some(&holder.token),
            REASSIGN,
            json!({ "input": { "requestId": walked.id, "toUserId": outsider.gid } }),
        )
        .await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("BAD_USER_INPUT"),
        "{refused}"
    );
    assert_eq!(error_rule(&refused).as_deref(), Some("AssigneeLacksRole"));
    let unknown = app
        .gql(
            Some(&holder.token),
            REASSIGN,
            json!({ "input": { "requestId": walked.id, "toUserId": "987654" } }),
        )
        .await;
    assert_eq!(
        error_code(&unknown).as_deref(),
        Some("NOT_FOUND"),
        "{unknown}"
    );
    let r = view(&app, &holder.token, &walked.id).await;
    assert!(r["holder"].is_null(), "nothing changed");
    assert_eq!(
        app.event_kinds(&holder.token, &walked.id).await,
        strings(&["submitted"]),
        "a refused reassignment writes no event"
    );
}

const RESOLVE: &str = "mutation($input: ResolvePublicationInput!) {
  resolveUncertainPublication(input: $input) { id status link }
}";

/// A request at step 6 with its two publications queued and claimed by the worker; returns
/// the walked request, the worker's token and the claimed publication ids.
async fn claimed_publications(
    app: &warta_tests::TestApp,
) -> (warta_tests::Walked, String, Vec<String>) {
    let walked = app.request_at(Stage::Publication).await;
    let staff = app.user(Role::Staff).await;
    app.gql_ok(
        Some(&staff.token),
        warta_tests::walk::PUBLISH,
        json!({ "input": { "requestId": walked.id } }),
    )
    .await;
    let worker = app.client(&["worker"]).await;
    let d = app
        .gql_ok(
            Some(&worker),
            warta_tests::walk::CLAIM,
            json!({ "worker": "w1" }),
        )
        .await;
    let ids: Vec<String> = d["claimPublicationJobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .map(|j| j["publication"]["id"].as_str().expect("an id").to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    (walked, worker, ids)
}

async fn report(
    app: &warta_tests::TestApp,
    worker: &str,
    publication: &str,
    outcome: &str,
) -> serde_json::Value {
    app.gql_ok(
        Some(worker),
        warta_tests::walk::REPORT,
        json!({ "input": { "publicationId": publication, "outcome": outcome, "error": format!("{outcome} in test") } }),
    )
    .await
}

#[tokio::test]
async fn a_failed_publication_is_queued_again_by_staff_and_the_step_completes_when_all_are_sent() {
    let app = spawn_app().await;
    let (walked, worker, ids) = claimed_publications(&app).await;
    let staff = app.user(Role::Staff).await;
    report(&app, &worker, &ids[0], "SENT").await;
    let failed = report(&app, &worker, &ids[1], "FAILED").await;
    assert_eq!(failed["reportPublication"]["status"], "FAILED");
    let r = view(&app, &staff.token, &walked.id).await;
    assert_eq!(r["status"], "PUBLICATION", "not every channel is sent");

    // Staff publish again: only the failed channel is queued, and the worker sends it.
    let d = app
        .gql_ok(
            Some(&staff.token),
            warta_tests::walk::PUBLISH,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
    let mut statuses: Vec<&str> = d["publishRequest"]["publications"]
        .as_array()
        .expect("publications")
        .iter()
        .map(|p| p["status"].as_str().expect("a status"))
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["QUEUED", "SENT"]);
    let sent = app.send_publications(&worker, &walked.id).await;
    assert_eq!(sent.len(), 1, "only the failed one is sent again");
    let r = view(&app, &staff.token, &walked.id).await;
    assert_eq!(r["status"], "ARCHIVING");
    let kinds = app.event_kinds(&staff.token, &walked.id).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "publication_queued").count(),
        2
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| *k == "publication_completed")
            .count(),
        1
    );

    // Nothing is left to publish now.
    let again = app
        .gql(
            Some(&staff.token),
            warta_tests::walk::PUBLISH,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
    assert_eq!(
        error_code(&again).as_deref(),
        Some("BAD_USER_INPUT"),
        "{again}"
    );
}

#[tokio::test]
async fn an_uncertain_publication_is_never_resent_silently() {
    let app = spawn_app().await;
    let (walked, worker, ids) = claimed_publications(&app).await;
    let staff = app.user(Role::Staff).await;
    report(&app, &worker, &ids[0], "SENT").await;
    let uncertain = report(&app, &worker, &ids[1], "UNCERTAIN").await;
    assert_eq!(uncertain["reportPublication"]["status"], "UNCERTAIN");

    // The worker finds nothing to send, and staff cannot simply publish it again.
    let d = app
        .gql_ok(
            Some(&worker),
            warta_tests::walk::CLAIM,
            json!({ "worker": "w2" }),
        )
        .await;
    assert_eq!(d["claimPublicationJobs"], json!([]));
    let again = app
        .gql(
            Some(&staff.token),
            warta_tests::walk::PUBLISH,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
    assert_eq!(
        error_rule(&again).as_deref(),
        Some("NothingToPublish"),
        "{again}"
    );
    // A person who checked the channel says it did appear, with its link.
    let d = app
        .gql_ok(
            Some(&staff.token),
            RESOLVE,
            json!({ "input": { "publicationId": ids[1], "posted": true, "link": "https://t.me/c/1/9" } }),
        )
        .await;
    assert_eq!(d["resolveUncertainPublication"]["status"], "SENT");
    assert_eq!(
        d["resolveUncertainPublication"]["link"],
        "https://t.me/c/1/9"
    );
    let r = view(&app, &staff.token, &walked.id).await;
    assert_eq!(r["status"], "ARCHIVING");
    // A second report on a settled publication is refused.
    let late = app
        .gql(
            Some(&worker),
            warta_tests::walk::REPORT,
            json!({ "input": { "publicationId": ids[1], "outcome": "SENT" } }),
        )
        .await;
    assert_eq!(
        error_code(&late).as_deref(),
        Some("BAD_USER_INPUT"),
        "{late}"
    );
}

#[tokio::test]
async fn an_admin_may_reassign_a_step_but_not_act_on_it() {
    let app = spawn_app().await;
    let walked = app.request_at(Stage::Instruction).await;
    let admin = app.admin_token().await;
    let bureau_head = app.new_user(&[Role::BureauHead]).await;
    let d = app
        .gql_ok(
            Some(&admin),
            REASSIGN,
            json!({ "input": { "requestId": walked.id, "toUserId": bureau_head.gid } }),
        )
        .await;
    assert_eq!(
        d["reassignRequest"]["holder"]["id"],
        bureau_head.gid.as_str()
    );
    let refused = app
        .gql(
            Some(&admin),
            REJECT,
            json!({ "input": { "requestId": walked.id, "reason": "admin" } }),
        )
        .await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("FORBIDDEN"),
        "{refused}"
    );
}
