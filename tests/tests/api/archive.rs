//! The step-7 archive as records: the classification list admins keep, archiving under a code
//! of that list, access classes, retention reviews, and everything an entry keeps.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use warta_tests::{
    Role, Stage, TestApp, error_code, spawn_app,
    walk::{CLAIM, PUBLISH, Walked},
};

const LIST: &str = "query($all: Boolean) { classifications(includeInactive: $all) { id code title defaultRetentionYears active } }";
const CREATE: &str = "mutation($input: CreateClassificationInput!) { createClassification(input: $input) { id code title description defaultRetentionYears active } }";
const UPDATE: &str = "mutation($input: UpdateClassificationInput!) { updateClassification(input: $input) { id code title description defaultRetentionYears active } }";
const DELETE: &str = "mutation($id: ID!) { deleteClassification(id: $id) }";
const ARCHIVE: &str = "mutation($input: ArchiveRequestInput!) { archiveRequest(input: $input) { id status archiveEntry { classificationCode retentionYears accessClass } } }";
const ENTRY: &str = "query($id: ID!) { archiveEntry(requestId: $id) { requestId accessClass } }";
const VIA_REQUEST: &str = "query($id: ID!) { request(id: $id) { archiveEntry { accessClass } } }";
const DUE: &str = "query($asOf: NaiveDate) { archiveDueForReview(asOf: $asOf) { requestId retainUntil retentionDecision } }";
const REVIEW: &str = "mutation($input: ReviewRetentionInput!) { reviewRetention(input: $input) { requestId retainUntil retentionDecision retentionNote retentionReviewedAt retentionReviewedBy { username } } }";

/// The codes of a classification list as returned.
fn codes(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|c| c["code"].as_str().expect("a code").to_owned())
        .collect()
}

/// How many events of `kind` the log holds.
async fn events_of_kind(app: &TestApp, kind: &str) -> i64 {
    let db = &app.services.db.conn;
    let row = db
        .query_one(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM event WHERE kind = $1",
            [kind.into()],
        ))
        .await
        .expect("a count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}

/// Moves an entry's end of retention, as the passing years would.
async fn set_retain_until(app: &TestApp, request_id: &str, date: &str) {
    let db = &app.services.db.conn;
    let id: i64 = request_id.parse().expect("numeric id");
    db.execute(Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE archive_entry SET retain_until = $1 WHERE request_id = $2",
        [
            chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .expect("a date")
                .into(),
            id.into(),
        ],
    ))
    .await
    .expect("the update");
}

/// A request walked to step 7 and archived by staff under `code` with `class`.
async fn archived(app: &TestApp, code: &str, class: &str) -> Walked {
    let walked = app.request_at(Stage::Archiving).await;
    let staff = app.user(Role::Staff).await;
    app.gql_ok(
        Some(&staff.token),
        ARCHIVE,
        json!({ "input": { "requestId": walked.id, "classificationCode": code, "accessClass": class } }),
    )
    .await;
    walked
}

#[tokio::test]
async fn admins_keep_the_classification_list_and_every_change_is_audited() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let staff = app.user(Role::Staff).await;

    // The starting list is there for everyone who archives.
    let d = app.gql_ok(Some(&staff.token), LIST, json!({})).await;
    let seeded = codes(&d["classifications"]);
    assert!(seeded.contains(&"HM.01.02".to_owned()), "{seeded:?}");
    let mut sorted = seeded.clone();
    sorted.sort();
    assert_eq!(seeded, sorted, "the list comes by code");

    // A new code is stored upper case; a second one with the same code is refused.
    let d = app
        .gql_ok(
            Some(&admin),
            CREATE,
            json!({ "input": { "code": " hm.06 ", "title": "Penghargaan dan prestasi sivitas", "description": "Berita prestasi", "defaultRetentionYears": 4 } }),
        )
        .await;
    let created = &d["createClassification"];
    assert_eq!(created["code"], "HM.06");
    assert_eq!(created["defaultRetentionYears"], 4);
    assert_eq!(created["active"], true);
    let id = created["id"].as_str().expect("id").to_owned();
    for (input, why) in [
        (
            json!({ "code": "HM.06", "title": "Lagi", "defaultRetentionYears": 4 }),
            "a duplicate code",
        ),
        (
            json!({ "code": "HM..07", "title": "Rusak", "defaultRetentionYears": 4 }),
            "a malformed code",
        ),
        (
            json!({ "code": "HM.07", "title": "   ", "defaultRetentionYears": 4 }),
            "a blank title",
        ),
        (
            json!({ "code": "HM.07", "title": "Lama", "defaultRetentionYears": 0 }),
            "no retention",
        ),
    ] {
        let r = app
            .gql(Some(&admin), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(
            error_code(&r).as_deref(),
            Some("BAD_USER_INPUT"),
            "{why}: {r}"
        );
    }
    assert_eq!(events_of_kind(&app, "classification_created").await, 1);

    // Edit, then deactivate: staff no longer see it, admins still do.
    let d = app
        .gql_ok(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": id, "title": "Prestasi sivitas akademika", "description": "", "defaultRetentionYears": 6 } }),
        )
        .await;
    assert_eq!(
        d["updateClassification"],
        json!({ "id": id, "code": "HM.06", "title": "Prestasi sivitas akademika", "description": null, "defaultRetentionYears": 6, "active": true })
    );
    app.gql_ok(
        Some(&admin),
        UPDATE,
        json!({ "input": { "id": id, "active": false } }),
    )
    .await;
    let d = app.gql_ok(Some(&staff.token), LIST, json!({})).await;
    assert!(!codes(&d["classifications"]).contains(&"HM.06".to_owned()));
    let refused = app
        .gql(Some(&staff.token), LIST, json!({ "all": true }))
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));
    let d = app.gql_ok(Some(&admin), LIST, json!({ "all": true })).await;
    assert!(codes(&d["classifications"]).contains(&"HM.06".to_owned()));
    assert_eq!(events_of_kind(&app, "classification_updated").await, 2);

    // Unused, it may go; then it is gone.
    let d = app.gql_ok(Some(&admin), DELETE, json!({ "id": id })).await;
    assert_eq!(d["deleteClassification"], true);
    assert_eq!(events_of_kind(&app, "classification_deleted").await, 1);
    let d = app.gql_ok(Some(&admin), LIST, json!({ "all": true })).await;
    assert!(!codes(&d["classifications"]).contains(&"HM.06".to_owned()));
    let again = app.gql(Some(&admin), DELETE, json!({ "id": id })).await;
    assert_eq!(error_code(&again).as_deref(), Some("NOT_FOUND"));
}

#[tokio::test]
async fn archiving_takes_a_code_from_the_active_list_and_its_default_retention() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let staff = app.user(Role::Staff).await;
    let walked = app.request_at(Stage::Archiving).await;

    // Not in the list, or deactivated: refused with a clear message, nothing archived.
    let r = app
        .gql(
            Some(&staff.token),
            ARCHIVE,
            json!({ "input": { "requestId": walked.id, "classificationCode": "HM.99.99" } }),
        )
        .await;
    assert_eq!(error_code(&r).as_deref(), Some("BAD_USER_INPUT"), "{r}");
    let message = r["errors"][0]["message"].as_str().expect("a message");
    assert!(
        message.contains("HM.99.99") && message.contains("classification list"),
        "{message}"
    );
    let d = app.gql_ok(Some(&admin), LIST, json!({ "all": true })).await;
    let hm05 = d["classifications"]
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["code"] == "HM.05")
        .expect("HM.05 is seeded")["id"]
        .clone();
    app.gql_ok(
        Some(&admin),
        UPDATE,
        json!({ "input": { "id": hm05, "active": false } }),
    )
    .await;
    let r = app
        .gql(
            Some(&staff.token),
            ARCHIVE,
            json!({ "input": { "requestId": walked.id, "classificationCode": "HM.05" } }),
        )
        .await;
    assert_eq!(error_code(&r).as_deref(), Some("BAD_USER_INPUT"), "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("deactivated")),
        "{r}"
    );
    let d = app
        .gql_ok(
            Some(&staff.token),
            "query($id: ID!) { request(id: $id) { status archiveEntry { id } } }",
            json!({ "id": walked.id }),
        )
        .await;
    assert_eq!(
        d["request"]["status"], "ARCHIVING",
        "still waiting at step 7"
    );
    assert!(d["request"]["archiveEntry"].is_null());

    // A listed code in any case, no retention given: the code's default (HM.01.03: 3 years),
    // public unless said otherwise.
    let d = app
        .gql_ok(
            Some(&staff.token),
            ARCHIVE,
            json!({ "input": { "requestId": walked.id, "classificationCode": "hm.01.03" } }),
        )
        .await;
    assert_eq!(d["archiveRequest"]["status"], "ARCHIVED");
    assert_eq!(
        d["archiveRequest"]["archiveEntry"],
        json!({ "classificationCode": "HM.01.03", "retentionYears": 3, "accessClass": "PUBLIC" })
    );

    // A code in use cannot be deleted, only deactivated.
    let d = app.gql_ok(Some(&admin), LIST, json!({})).await;
    let used = d["classifications"]
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["code"] == "HM.01.03")
        .expect("HM.01.03")["id"]
        .clone();
    let r = app.gql(Some(&admin), DELETE, json!({ "id": used })).await;
    assert_eq!(error_code(&r).as_deref(), Some("BAD_USER_INPUT"), "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("deactivate")),
        "{r}"
    );
    let d = app
        .gql_ok(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": used, "active": false } }),
        )
        .await;
    assert_eq!(d["updateClassification"]["active"], false);
    // The entry keeps its (now inactive) classification.
    let d = app
        .gql_ok(
            Some(&staff.token),
            "query($id: ID!) { archiveEntry(requestId: $id) { classification { code title active } } }",
            json!({ "id": walked.id }),
        )
        .await;
    assert_eq!(
        d["archiveEntry"]["classification"],
        json!({ "code": "HM.01.03", "title": "Publikasi media sosial dan kanal Telegram", "active": false })
    );
}

#[tokio::test]
async fn each_access_class_admits_only_its_readers() {
    let app = spawn_app().await;
    let public = archived(&app, "HM.01.02", "PUBLIC").await;
    let internal = archived(&app, "HM.02.01", "INTERNAL").await;
    let restricted = archived(&app, "HM.00.02", "RESTRICTED").await;
    let ids = [&public.id, &internal.id, &restricted.id];

    // Who sees which entry: public, internal, restricted.
    let people = [
        (Role::ViceRector, [true, true, true]),
        (Role::BureauHead, [true, true, true]),
        (Role::PkihCoordinator, [true, true, false]),
        (Role::HumasDeputy, [true, true, false]),
        (Role::Staff, [true, true, true]),
    ];
    for (role, expected) in people {
        let token = app.user(role).await.token;
        for (id, sees) in ids.into_iter().zip(expected) {
            for query in [ENTRY, VIA_REQUEST] {
                let d = app.gql_ok(Some(&token), query, json!({ "id": id })).await;
                let entry = if query == ENTRY {
                    &d["archiveEntry"]
                } else {
                    &d["request"]["archiveEntry"]
                };
                assert_eq!(!entry.is_null(), sees, "{role:?} on {id} via {query}: {d}");
            }
        }
    }
    let admin = app.admin_token().await;
    for id in ids {
        let d = app.gql_ok(Some(&admin), ENTRY, json!({ "id": id })).await;
        assert!(!d["archiveEntry"].is_null(), "admin on {id}");
    }

    // The requester of each sees only a public entry of their own request.
    for (walked, sees) in [(&public, true), (&internal, false), (&restricted, false)] {
        let d = app
            .gql_ok(
                Some(&walked.requester.token),
                VIA_REQUEST,
                json!({ "id": walked.id }),
            )
            .await;
        assert_eq!(
            !d["request"]["archiveEntry"].is_null(),
            sees,
            "requester on {}",
            walked.id
        );
    }
    // Someone else's request stays hidden whatever its class.
    let stranger = app.new_user(&[Role::Requester]).await;
    let r = app
        .gql(Some(&stranger.token), ENTRY, json!({ "id": public.id }))
        .await;
    assert_eq!(error_code(&r).as_deref(), Some("NOT_FOUND"));

    // A client reading published material sees the public entry only.
    let reader = app.client(&["read:published"]).await;
    let d = app
        .gql_ok(Some(&reader), ENTRY, json!({ "id": public.id }))
        .await;
    assert_eq!(
        d["archiveEntry"],
        json!({ "requestId": public.id, "accessClass": "PUBLIC" })
    );
    for id in [&internal.id, &restricted.id] {
        let d = app.gql_ok(Some(&reader), ENTRY, json!({ "id": id })).await;
        assert!(d["archiveEntry"].is_null(), "reader on {id}: {d}");
    }
}

#[tokio::test]
async fn entries_past_retention_are_listed_and_reviewed_but_never_deleted() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff).await;
    let admin = app.admin_token().await;
    let kept = archived(&app, "HM.01.02", "PUBLIC").await.id;
    let handed_over = archived(&app, "HM.02.01", "RESTRICTED").await.id;
    let not_due = archived(&app, "HM.00.01", "INTERNAL").await.id;
    set_retain_until(&app, &kept, "2020-06-30").await;
    set_retain_until(&app, &handed_over, "2019-01-15").await;

    // As of a fixed day: due means the last day of retention is behind it.
    let d = app
        .gql_ok(Some(&staff.token), DUE, json!({ "asOf": "2020-06-30" }))
        .await;
    assert_eq!(
        d["archiveDueForReview"],
        json!([{ "requestId": handed_over, "retainUntil": "2019-01-15", "retentionDecision": null }])
    );
    let d = app
        .gql_ok(Some(&admin), DUE, json!({ "asOf": "2020-07-01" }))
        .await;
    let due: Vec<&str> = d["archiveDueForReview"]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["requestId"].as_str().expect("id"))
        .collect();
    assert_eq!(due, [handed_over.as_str(), kept.as_str()], "oldest first");
    // Without a date, today: both are long due, the fresh entry is not.
    let d = app.gql_ok(Some(&staff.token), DUE, json!({})).await;
    assert_eq!(d["archiveDueForReview"].as_array().map(Vec::len), Some(2));

    // Bad decisions are refused and change nothing.
    let next_year = (chrono::Utc::now() + chrono::Duration::days(400))
        .date_naive()
        .to_string();
    for (input, why) in [
        (
            json!({ "requestId": kept, "decision": "KEEP" }),
            "keep without a date",
        ),
        (
            json!({ "requestId": kept, "decision": "KEEP", "keepUntil": "2021-01-01" }),
            "keep until a past day",
        ),
        (
            json!({ "requestId": kept, "decision": "TRANSFER", "keepUntil": next_year }),
            "a date with a transfer",
        ),
        (
            json!({ "requestId": kept, "decision": "DESTROY_APPROVED" }),
            "destruction without its basis",
        ),
        (
            json!({ "requestId": not_due, "decision": "TRANSFER" }),
            "an entry not due yet",
        ),
    ] {
        let r = app
            .gql(Some(&staff.token), REVIEW, json!({ "input": input }))
            .await;
        assert_eq!(
            error_code(&r).as_deref(),
            Some("BAD_USER_INPUT"),
            "{why}: {r}"
        );
    }
    assert_eq!(events_of_kind(&app, "retention_reviewed").await, 0);

    // Keep longer: a new date, off the list until then.
    let d = app
        .gql_ok(
            Some(&staff.token),
            REVIEW,
            json!({ "input": { "requestId": kept, "decision": "KEEP", "keepUntil": next_year, "note": "Masih dirujuk untuk profil" } }),
        )
        .await;
    let review = &d["reviewRetention"];
    assert_eq!(review["retainUntil"], next_year.as_str());
    assert_eq!(review["retentionDecision"], "KEEP");
    assert_eq!(review["retentionNote"], "Masih dirujuk untuk profil");
    assert_eq!(
        review["retentionReviewedBy"]["username"],
        staff.username.as_str()
    );
    assert!(!review["retentionReviewedAt"].is_null());

    // Hand over to the records office: final.
    let d = app
        .gql_ok(
            Some(&admin),
            REVIEW,
            json!({ "input": { "requestId": handed_over, "decision": "TRANSFER" } }),
        )
        .await;
    assert_eq!(d["reviewRetention"]["retentionDecision"], "TRANSFER");
    let again = app
        .gql(
            Some(&staff.token),
            REVIEW,
            json!({ "input": { "requestId": handed_over, "decision": "DESTROY_APPROVED", "note": "SK 12/2026" } }),
        )
        .await;
    assert_eq!(
        error_code(&again).as_deref(),
        Some("BAD_USER_INPUT"),
        "{again}"
    );

    let d = app
        .gql_ok(Some(&staff.token), DUE, json!({ "asOf": "2020-07-01" }))
        .await;
    assert_eq!(d["archiveDueForReview"], json!([]));
    assert_eq!(events_of_kind(&app, "retention_reviewed").await, 2);
    let kinds = app.event_kinds(&staff.token, &kept).await;
    assert_eq!(kinds.last().map(String::as_str), Some("retention_reviewed"));

    // Nothing was deleted: every entry is still there.
    for id in [&kept, &handed_over, &not_due] {
        let d = app.gql_ok(Some(&admin), ENTRY, json!({ "id": id })).await;
        assert!(!d["archiveEntry"].is_null(), "{id}");
    }
}

#[tokio::test]
async fn an_archive_entry_keeps_content_chain_verdicts_and_delivery_proofs() {
    let app = spawn_app().await;
    let walked = app.request_at(Stage::Publication).await;
    let staff = app.user(Role::Staff).await;
    app.gql_ok(
        Some(&staff.token),
        PUBLISH,
        json!({ "input": { "requestId": walked.id } }),
    )
    .await;
    // The worker reports each post with the hash of what it sent.
    let worker = app.client(&["worker"]).await;
    let d = app
        .gql_ok(Some(&worker), CLAIM, json!({ "worker": "archive-test" }))
        .await;
    let mut sent = Vec::new();
    for (i, job) in d["claimPublicationJobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .enumerate()
    {
        let sha = format!("{:064x}", 0xa11ce + i);
        let link = format!("https://t.me/humas_unej/{}", 500 + i);
        app.gql_ok(
            Some(&worker),
            "mutation($input: ReportPublicationInput!) { reportPublication(input: $input) { id } }",
            json!({ "input": {
                "publicationId": job["publication"]["id"],
                "outcome": "SENT",
                "messageIds": [500 + i],
                "link": link,
                "sentSha256": sha,
            } }),
        )
        .await;
        sent.push((
            job["channel"]["id"].as_str().expect("id").to_owned(),
            link,
            sha,
        ));
    }
    assert_eq!(sent.len(), 2, "one job per chosen channel");
    app.gql_ok(
        Some(&staff.token),
        ARCHIVE,
        json!({ "input": { "requestId": walked.id, "classificationCode": "HM.01.02", "retentionYears": 7, "accessClass": "INTERNAL" } }),
    )
    .await;

    let d = app
        .gql_ok(
            Some(&staff.token),
            "query($id: ID!) { archiveEntry(requestId: $id) {
                classification { code title defaultRetentionYears }
                accessClass retentionYears contentVersion title finalText archivedBy { username }
                attachments { id }
                dispositions { stepNumber outcome }
                reviews { verdict contentVersion }
                deliveryProofs { channel { id } messageLink messageIds sentAt sha256 }
            } }",
            json!({ "id": walked.id }),
        )
        .await;
    let entry = &d["archiveEntry"];
    assert_eq!(
        entry["classification"],
        json!({ "code": "HM.01.02", "title": "Pengumuman resmi universitas", "defaultRetentionYears": 5 })
    );
    assert_eq!(entry["accessClass"], "INTERNAL");
    assert_eq!(entry["retentionYears"], 7);
    assert_eq!(entry["contentVersion"], 1);
    assert!(
        entry["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Pengumuman wisuda periode"))
    );
    assert!(
        entry["finalText"]
            .as_str()
            .is_some_and(|t| t.starts_with("Diumumkan kepada seluruh sivitas akademika"))
    );
    assert_eq!(entry["archivedBy"]["username"], staff.username.as_str());
    assert_eq!(entry["attachments"], json!([]));
    let steps: Vec<(i64, &str)> = entry["dispositions"]
        .as_array()
        .expect("chain")
        .iter()
        .map(|d| {
            (
                d["stepNumber"].as_i64().expect("step"),
                d["outcome"].as_str().expect("done"),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (1, "forwarded"),
            (2, "forwarded"),
            (3, "forwarded"),
            (4, "forwarded"),
            (5, "forwarded"),
            (6, "published"),
            (7, "archived")
        ]
    );
    assert_eq!(
        entry["reviews"],
        json!([{ "verdict": "FIT", "contentVersion": 1 }])
    );
    let mut proofs: Vec<(String, String, String)> = entry["deliveryProofs"]
        .as_array()
        .expect("proofs")
        .iter()
        .map(|p| {
            assert!(!p["sentAt"].is_null() && p["messageIds"].as_array().map(Vec::len) == Some(1));
            (
                p["channel"]["id"].as_str().expect("channel").to_owned(),
                p["messageLink"].as_str().expect("link").to_owned(),
                p["sha256"].as_str().expect("hash").to_owned(),
            )
        })
        .collect();
    proofs.sort();
    sent.sort();
    assert_eq!(proofs, sent);
}

#[tokio::test]
async fn a_list_of_archive_entries_with_their_nested_records_costs_a_fixed_number_of_statements() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff).await;
    for _ in 0..6 {
        let walked = archived(&app, "HM.01.02", "PUBLIC").await;
        set_retain_until(&app, &walked.id, "2020-01-31").await;
    }
    let query = "query($asOf: NaiveDate) { archiveDueForReview(asOf: $asOf) {
        classification { title }
        archivedBy { fullName }
        attachments { id }
        dispositions { from { fullName } to { fullName } }
        reviews { reviewer { fullName } }
        deliveryProofs { channel { name } messageLink }
    } }";
    let before = app.statements_run();
    let d = app
        .gql_ok(Some(&staff.token), query, json!({ "asOf": "2020-02-01" }))
        .await;
    let cost = app.statements_run() - before;
    let entries = d["archiveDueForReview"].as_array().expect("entries");
    assert_eq!(entries.len(), 6);
    for entry in entries {
        assert_eq!(entry["dispositions"].as_array().map(Vec::len), Some(7));
        assert_eq!(entry["deliveryProofs"].as_array().map(Vec::len), Some(2));
        assert!(!entry["classification"]["title"].is_null());
    }
    eprintln!("6 archive entries with nested records: {cost} statements");
    assert!(
        cost <= 14,
        "6 archive entries with their nested records ran {cost} statements; a DataLoader batch \
         per field should keep it near a dozen"
    );
}
