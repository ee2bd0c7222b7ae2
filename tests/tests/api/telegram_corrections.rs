//! Correcting and retracting posts already on Telegram: staff edit or delete them through the
//! server's bot, with a logged reason, and what the sandbox's channel shows is checked
//! against what Warta recorded. Also: the worker may give a job back only while it holds it.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use warta_tests::{TestApp, error_code, spawn_sandbox_app, spawn_sandbox_app_with};

use crate::telegram::{
    CLAIM_WITH_LEASE, Officials, START, channel_id, jpeg, officials, posts, publication_for,
    publish, sandbox, shown_text, submission, to_publication, upload_media, wait_settled,
    without_rate_limits,
};

const CHAT: &str = "@info_unej";

const PUBLICATION: &str = "query($id: ID!) {
  request(id: $id) {
    publications { id status messageIds sentSha256 editedAt retractedAt channel { chatRef } }
  }
}";

const CORRECT: &str = "mutation($input: CorrectPublicationInput!) {
  correctPublication(input: $input) { id status sentSha256 editedAt retractedAt }
}";

const RETRACT: &str = "mutation($input: RetractPublicationInput!) {
  retractPublication(input: $input) { id status sentSha256 editedAt retractedAt }
}";

const EVENTS: &str = "query($id: ID!) { events(requestId: $id) { kind actorLabel payload } }";

const RETRY_LATER: &str = "mutation($id: ID!, $worker: String!) {
  retryPublicationLater(publicationId: $id, worker: $worker, afterSeconds: 0, error: \"429\") { id status }
}";

/// A request published to [`CHAT`] and sent by the embedded worker; returns the request id
/// and its publication there.
async fn sent_post(app: &TestApp, o: &Officials, input: Value) -> (String, Value) {
    without_rate_limits(&sandbox(app).sandbox);
    let channels = vec![channel_id(app, CHAT).await];
    let id = to_publication(app, o, input, &channels).await;
    publish(app, o, &id).await;
    wait_settled(app, &o.staff, &id).await;
    let p = publication(app, &o.staff, &id).await;
    assert_eq!(p["status"], "SENT", "{p:#}");
    (id, p)
}

async fn publication(app: &TestApp, token: &str, request_id: &str) -> Value {
    let r = app
        .gql_ok(Some(token), PUBLICATION, json!({ "id": request_id }))
        .await["request"]
        .clone();
    publication_for(&r, CHAT).clone()
}

async fn events_of(app: &TestApp, token: &str, request_id: &str, kind: &str) -> Vec<Value> {
    app.gql_ok(Some(token), EVENTS, json!({ "id": request_id }))
        .await["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == kind)
        .cloned()
        .collect()
}

#[tokio::test]
async fn staff_correct_a_sent_text_post_and_the_channel_shows_the_new_text() {
    let app = spawn_sandbox_app().await;
    let sb = sandbox(&app).sandbox.clone();
    let o = officials(&app).await;
    let title = "Kuliah Umum <AI>";
    let (id, p) = sent_post(&app, &o, submission(title, "Pukul 08.00 WIB di Aula.", &[])).await;
    let old_sha = p["sentSha256"].as_str().expect("a hash").to_owned();

    let corrected = "Pukul 09.00 WIB di Aula & Gedung B.";
    let d = app
        .gql_ok(
            Some(&o.staff),
            CORRECT,
            json!({ "input": { "publicationId": p["id"], "text": corrected, "reason": "Jam salah" } }),
        )
        .await["correctPublication"]
        .clone();
    assert_eq!(d["status"], "SENT");
    assert!(d["editedAt"].is_string());
    let new_sha = d["sentSha256"].as_str().expect("a hash");
    assert_eq!(new_sha.len(), 64);
    assert_ne!(new_sha, old_sha, "the hash follows what the channel shows");

    let shown = posts(&sb, CHAT);
    assert_eq!(shown.len(), 1);
    assert_eq!(
        shown[0].text.as_deref(),
        Some(shown_text(title, corrected).as_str())
    );
    assert!(shown[0].edit_date.is_some());
    let edit = shown[0].edits.last().expect("an edit");
    assert_eq!(edit.method, "editMessageText");
    assert_eq!(edit.parse_mode.as_deref(), Some("HTML"));

    let events = events_of(&app, &o.staff, &id, "publication_corrected").await;
    assert_eq!(events.len(), 1);
    let payload = &events[0]["payload"];
    assert_eq!(payload["reason"], "Jam salah");
    assert_eq!(payload["old_sha256"], old_sha.as_str());
    assert_eq!(payload["new_sha256"], new_sha);
    assert_eq!(events[0]["actorLabel"], "staff");

    // The same correction again: Telegram says "not modified", which is done, with a note.
    let again = app
        .gql_ok(
            Some(&o.staff),
            CORRECT,
            json!({ "input": { "publicationId": p["id"], "text": corrected, "reason": "Ulang" } }),
        )
        .await["correctPublication"]
        .clone();
    assert_eq!(again["sentSha256"], new_sha);
    let events = events_of(&app, &o.staff, &id, "publication_corrected").await;
    assert!(
        events[1]["payload"]["note"]
            .as_str()
            .is_some_and(|n| n.contains("not modified")),
        "{events:#?}"
    );
}

#[tokio::test]
async fn the_caption_of_a_photo_is_corrected_and_one_too_long_for_a_caption_is_refused() {
    let app = spawn_sandbox_app().await;
    let sb = sandbox(&app).sandbox.clone();
    let o = officials(&app).await;
    let photo = upload_media(&app, &o.requester, "foto.jpg", jpeg(800, 600)).await;
    let title = "Wisuda";
    let (_, p) = sent_post(&app, &o, submission(title, "Wisuda periode I.", &[photo])).await;

    let d = app
        .gql_ok(
            Some(&o.staff),
            CORRECT,
            json!({ "input": { "publicationId": p["id"], "text": "Wisuda periode II.", "reason": "Periode salah" } }),
        )
        .await;
    assert!(d["correctPublication"]["editedAt"].is_string());
    let shown = posts(&sb, CHAT);
    assert_eq!(
        shown[0].caption.as_deref(),
        Some(shown_text(title, "Wisuda periode II.").as_str())
    );
    assert_eq!(
        shown[0].edits.last().expect("an edit").method,
        "editMessageCaption"
    );

    let long = "kata ".repeat(300);
    let refused = app
        .gql(
            Some(&o.staff),
            CORRECT,
            json!({ "input": { "publicationId": p["id"], "text": long, "reason": "Tambah" } }),
        )
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("BAD_USER_INPUT"));
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("1024"))
    );
    assert_eq!(
        posts(&sb, CHAT)[0].caption.as_deref(),
        Some(shown_text(title, "Wisuda periode II.").as_str()),
        "the refused correction changed nothing"
    );
}

#[tokio::test]
async fn staff_retract_a_sent_post_and_it_is_gone_from_the_channel() {
    let app = spawn_sandbox_app().await;
    let sb = sandbox(&app).sandbox.clone();
    let o = officials(&app).await;
    let (id, p) = sent_post(
        &app,
        &o,
        submission("Salah kirim", "Pengumuman ini salah.", &[]),
    )
    .await;

    let d = app
        .gql_ok(
            Some(&o.staff),
            RETRACT,
            json!({ "input": { "publicationId": p["id"], "reason": "Bukan untuk kanal ini" } }),
        )
        .await["retractPublication"]
        .clone();
    assert_eq!(d["status"], "RETRACTED");
    assert!(d["retractedAt"].is_string());
    let message_id = p["messageIds"][0].as_i64().expect("a message id");
    let gone = sb
        .messages(CHAT)
        .expect("messages")
        .into_iter()
        .find(|m| i64::from(m.message_id) == message_id)
        .expect("the sandbox keeps deleted messages");
    assert!(gone.deleted, "deleted from the channel");

    let events = events_of(&app, &o.staff, &id, "publication_retracted").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["payload"]["reason"], "Bukan untuk kanal ini");

    // Retracted is final: neither again nor a correction.
    for (query, input) in [
        (
            RETRACT,
            json!({ "publicationId": p["id"], "reason": "Lagi" }),
        ),
        (
            CORRECT,
            json!({ "publicationId": p["id"], "text": "Baru", "reason": "Lagi" }),
        ),
    ] {
        let refused = app
            .gql(Some(&o.staff), query, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&refused).as_deref(), Some("BAD_USER_INPUT"));
    }
}

#[tokio::test]
async fn a_post_older_than_48_hours_is_not_retracted() {
    let app = spawn_sandbox_app().await;
    let sb = sandbox(&app).sandbox.clone();
    let o = officials(&app).await;
    let (id, p) = sent_post(&app, &o, submission("Lama", "Pengumuman lama.", &[])).await;
    let pid: i64 = p["id"].as_str().expect("an id").parse().expect("numeric");

    // Telegram's clock is past 48 hours while Warta's record is not: Telegram refuses, and
    // its answer is told in words, with nothing recorded.
    sb.advance_clock(Duration::from_secs(49 * 3600));
    let refused = app
        .gql(
            Some(&o.staff),
            RETRACT,
            json!({ "input": { "publicationId": p["id"], "reason": "Kedaluwarsa" } }),
        )
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("BAD_USER_INPUT"));
    let message = refused["errors"][0]["message"].as_str().expect("a message");
    assert!(message.contains("48 hours"), "{message}");
    assert!(!posts(&sb, CHAT)[0].deleted);

    // Warta knows the post is old: refused before Telegram is asked.
    entity::publication::Entity::update_many()
        .col_expr(
            entity::publication::Column::SentAt,
            Expr::value(Some(Utc::now() - chrono::Duration::hours(49))),
        )
        .filter(entity::publication::Column::Id.eq(pid))
        .exec(&app.services.db.conn)
        .await
        .expect("age the post");
    let deletions = || {
        sb.calls()
            .into_iter()
            .filter(|c| c.method == "deleteMessage")
            .count()
    };
    let before = deletions();
    let refused = app
        .gql(
            Some(&o.staff),
            RETRACT,
            json!({ "input": { "publicationId": p["id"], "reason": "Kedaluwarsa" } }),
        )
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("BAD_USER_INPUT"));
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("more than 48 hours ago"))
    );
    assert_eq!(deletions(), before, "Telegram was not asked");
    let kept = publication(&app, &o.staff, &id).await;
    assert_eq!(kept["status"], "SENT");
    assert!(kept["retractedAt"].is_null());
}

#[tokio::test]
async fn a_blank_reason_a_wrong_role_and_an_unsent_publication_are_refused() {
    let app = spawn_sandbox_app_with(|s| s.embedded_worker = false).await;
    let o = officials(&app).await;
    let channels = vec![channel_id(&app, CHAT).await];
    let id = to_publication(
        &app,
        &o,
        submission("Belum", "Belum terkirim.", &[]),
        &channels,
    )
    .await;
    publish(&app, &o, &id).await;
    let p = publication(&app, &o.staff, &id).await;
    assert_eq!(p["status"], "QUEUED");

    let cases = [
        (
            &o.staff,
            RETRACT,
            json!({ "publicationId": p["id"], "reason": "  " }),
            "BAD_USER_INPUT",
        ),
        (
            &o.staff,
            CORRECT,
            json!({ "publicationId": p["id"], "text": "x", "reason": "" }),
            "BAD_USER_INPUT",
        ),
        (
            &o.staff,
            CORRECT,
            json!({ "publicationId": p["id"], "text": "x", "reason": "r".repeat(501) }),
            "BAD_USER_INPUT",
        ),
        (
            &o.staff,
            CORRECT,
            json!({ "publicationId": p["id"], "text": " \n ", "reason": "Kosong" }),
            "BAD_USER_INPUT",
        ),
        (
            &o.requester,
            RETRACT,
            json!({ "publicationId": p["id"], "reason": "Salah" }),
            "FORBIDDEN",
        ),
        (
            &o.deputy,
            CORRECT,
            json!({ "publicationId": p["id"], "text": "x", "reason": "Salah" }),
            "FORBIDDEN",
        ),
        // Not sent yet: nothing on Telegram to change.
        (
            &o.staff,
            RETRACT,
            json!({ "publicationId": p["id"], "reason": "Salah" }),
            "BAD_USER_INPUT",
        ),
        (
            &o.staff,
            CORRECT,
            json!({ "publicationId": p["id"], "text": "x", "reason": "Salah" }),
            "BAD_USER_INPUT",
        ),
    ];
    for (token, query, input, code) in cases {
        let answer = app.gql(Some(token), query, json!({ "input": input })).await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some(code),
            "{input}: {answer}"
        );
    }
    let unsent = publication(&app, &o.staff, &id).await;
    assert_eq!(unsent["status"], "QUEUED");
    assert!(
        events_of(&app, &o.staff, &id, "publication_retracted")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn only_the_worker_holding_the_lease_gives_a_job_back() {
    let app = spawn_sandbox_app_with(|s| s.embedded_worker = false).await;
    let o = officials(&app).await;
    let channels = vec![channel_id(&app, CHAT).await];
    let id = to_publication(
        &app,
        &o,
        submission("Sewa", "Tentang sewa.", &[]),
        &channels,
    )
    .await;
    publish(&app, &o, &id).await;
    let worker = app.client(&["worker"]).await;
    let d = app
        .gql_ok(
            Some(&worker),
            CLAIM_WITH_LEASE,
            json!({ "worker": "holder", "lease": 60 }),
        )
        .await;
    let pid = d["claimPublicationJobs"][0]["publication"]["id"].clone();
    app.gql_ok(
        Some(&worker),
        START,
        json!({ "id": pid, "worker": "holder" }),
    )
    .await;

    let other = app
        .gql(
            Some(&worker),
            RETRY_LATER,
            json!({ "id": pid, "worker": "stranger" }),
        )
        .await;
    assert_eq!(error_code(&other).as_deref(), Some("CONFLICT"), "{other}");
    assert_eq!(publication(&app, &o.staff, &id).await["status"], "SENDING");

    let given_back = app
        .gql_ok(
            Some(&worker),
            RETRY_LATER,
            json!({ "id": pid, "worker": "holder" }),
        )
        .await;
    assert_eq!(given_back["retryPublicationLater"]["status"], "QUEUED");
    // Given back, the lease is gone: a second call from the same worker is refused too.
    let late = app
        .gql(
            Some(&worker),
            RETRY_LATER,
            json!({ "id": pid, "worker": "holder" }),
        )
        .await;
    assert_eq!(error_code(&late).as_deref(), Some("CONFLICT"), "{late}");
}
