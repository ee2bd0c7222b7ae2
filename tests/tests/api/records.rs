//! What the database keeps: an append-only event log, and the time standards an admin sets.

use sea_orm::ConnectionTrait;
use serde_json::json;
use warta_tests::{Role, Stage, spawn_app, walk::FORWARD};

use crate::helpers::{time, view};

#[tokio::test]
async fn the_event_log_refuses_updates_and_deletes() {
    let app = spawn_app().await;
    let walked = app.request_at(Stage::Instruction).await;
    let before = app.event_kinds(&walked.requester.token, &walked.id).await;
    let db = &app.services.db.conn;
    let update = db
        .execute_unprepared("UPDATE event SET kind = 'tampered'")
        .await;
    assert!(update.is_err(), "UPDATE on the event log must fail");
    let delete = db.execute_unprepared("DELETE FROM event").await;
    assert!(delete.is_err(), "DELETE on the event log must fail");
    assert_eq!(
        app.event_kinds(&walked.requester.token, &walked.id).await,
        before
    );
}

#[tokio::test]
async fn a_new_time_standard_applies_to_steps_opened_after_the_change() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let before = app.request_at(Stage::Disposition).await;
    let d = app
        .gql_ok(
            Some(&admin),
            "mutation { updateSlaStandard(step: INSTRUCTION, minutes: 30, workingHoursOnly: false) { stepNumber minutes workingHoursOnly } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["updateSlaStandard"],
        json!({ "stepNumber": 2, "minutes": 30, "workingHoursOnly": false })
    );
    let d = app
        .gql_ok(
            Some(&admin),
            "{ slaStandards { stepNumber minutes } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["slaStandards"][1],
        json!({ "stepNumber": 2, "minutes": 30 })
    );

    let vice_rector = app.user(Role::ViceRector).await;
    app.gql_ok(
        Some(&vice_rector.token),
        FORWARD,
        json!({ "input": { "requestId": before.id } }),
    )
    .await;
    let r = view(&app, &before.requester.token, &before.id).await;
    let step = &r["sla"]["steps"][1];
    assert_eq!(step["stepNumber"], 2);
    assert_eq!(step["standardMinutes"], 30);
    assert_eq!(
        (time(&step["deadline"]) - time(&step["startedAt"])).num_minutes(),
        30
    );
    // Step 1, opened before the change, keeps its day.
    let first = &r["sla"]["steps"][0];
    assert_eq!(
        (time(&first["deadline"]) - time(&first["startedAt"])).num_minutes(),
        24 * 60
    );
}

#[tokio::test]
async fn a_step_opened_before_a_standard_change_keeps_its_standard() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let walked = app.request_at(Stage::Instruction).await;
    app.gql_ok(
        Some(&admin),
        "mutation { updateSlaStandard(step: INSTRUCTION, minutes: 30, workingHoursOnly: false) { minutes } }",
        json!({}),
    )
    .await;
    // The open step 2 keeps its 2-hour deadline, and its figures say so.
    let r = view(&app, &walked.requester.token, &walked.id).await;
    let step = &r["sla"]["steps"][1];
    assert_eq!(
        (time(&step["deadline"]) - time(&step["startedAt"])).num_minutes(),
        120
    );
    assert_eq!(
        step["standardMinutes"], 120,
        "the standard shown for a step must be the one its deadline was set with: {step}"
    );
}
