//! The migrations run up, down and up again on SQLite and PostgreSQL; the event log refuses
//! UPDATE and DELETE on both; and rows written through the entities read back unchanged, which
//! proves the entity field types match the columns the migrations create.
//!
//! The PostgreSQL half needs a server: `WARTA_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) must reach a role allowed to create databases.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use migration::sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, Database,
    DatabaseConnection, DbBackend, DbErr, EntityTrait, ModelTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, Statement,
};
use migration::{Migrator, MigratorTrait};
use serde_json::json;

const TABLES: &[&str] = &[
    "user",
    "user_role",
    "refresh_token",
    "api_client",
    "agenda_counter",
    "request",
    "request_channel",
    "content_version",
    "attachment",
    "disposition",
    "review",
    "channel",
    "publication",
    "archive_entry",
    "classification",
    "event",
    "outbox",
    "sla_standard",
    "holiday",
    "setting",
];

async fn table_exists(db: &DatabaseConnection, table: &str) -> bool {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = $1"
        }
        _ => {
            "SELECT COUNT(*) AS n FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = $1"
        }
    };
    let row = db
        .query_one(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [table.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap() == 1
}

async fn assert_all_tables(db: &DatabaseConnection, present: bool) {
    for table in TABLES {
        assert_eq!(
            table_exists(db, table).await,
            present,
            "table {table} should {}exist",
            if present { "" } else { "not " }
        );
    }
}

fn assert_append_only(result: Result<impl std::fmt::Debug, DbErr>, what: &str) {
    match result {
        Ok(v) => panic!("{what} on event should fail, got {v:?}"),
        Err(e) => assert!(
            e.to_string().contains("event log is append-only"),
            "{what} on event failed for the wrong reason: {e}"
        ),
    }
}

/// Up, down, up; then the seeds, the append-only triggers and an entity round trip.
async fn exercise(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("first up");
    assert_all_tables(db, true).await;
    Migrator::down(db, None).await.expect("down");
    assert_all_tables(db, false).await;
    Migrator::up(db, None).await.expect("second up");
    assert_all_tables(db, true).await;
    assert!(
        Migrator::get_pending_migrations(db)
            .await
            .unwrap()
            .is_empty()
    );

    check_seeds(db).await;
    round_trip(db).await;
}

async fn check_seeds(db: &DatabaseConnection) {
    use entity::{setting, sla_standard};

    let sla: Vec<(i16, i32, bool)> = sla_standard::Entity::find()
        .order_by_asc(sla_standard::Column::Step)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.step, m.minutes, m.working_hours_only))
        .collect();
    assert_eq!(
        sla,
        vec![
            (1, 1440, false),
            (2, 120, false),
            (3, 60, false),
            (4, 10, false),
            (5, 5, false),
            (6, 5, false),
            (7, 5, false),
        ]
    );
    let step1 = sla_standard::Entity::find_by_id(1i16)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!((Utc::now() - step1.updated_at).num_minutes().abs() < 5);
    assert_eq!(step1.updated_by, None);

    let settings: Vec<(String, String)> = setting::Entity::find()
        .order_by_asc(setting::Column::Key)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.key, m.value))
        .collect();
    assert_eq!(
        settings,
        vec![
            ("calendar.work_end".to_owned(), "16:00".to_owned()),
            ("calendar.work_start".to_owned(), "07:30".to_owned()),
            ("calendar.working_days".to_owned(), "1,2,3,4,5".to_owned()),
        ]
    );

    // The starting classification list reads back through the entity, timestamps included.
    let hm = entity::classification::Entity::find()
        .filter(entity::classification::Column::Code.eq("HM.01.02"))
        .one(db)
        .await
        .unwrap()
        .expect("HM.01.02 is seeded");
    assert!(hm.active);
    assert_eq!(hm.default_retention_years, 5);
    assert!((Utc::now() - hm.created_at).num_minutes().abs() < 5);
}

async fn round_trip(db: &DatabaseConnection) {
    use entity::*;

    // Whole microseconds: PostgreSQL keeps no more.
    let t0 = Utc.with_ymd_and_hms(2026, 11, 29, 2, 30, 0).unwrap()
        + chrono::Duration::microseconds(123_456);
    let t1 = t0 + chrono::Duration::hours(2);

    let requester = user::ActiveModel {
        id: NotSet,
        username: Set("siti".to_owned()),
        full_name: Set("Siti Aminah".to_owned()),
        unit: Set(Some("Fakultas Teknik".to_owned())),
        password_hash: Set("$argon2id$v=19$m=19456,t=2,p=1$x$y".to_owned()),
        active: Set(true),
        telegram_user_id: Set(Some(9_000_000_001)),
        locale: Set("id".to_owned()),
        created_at: Set(t0),
        updated_at: Set(t0),
    }
    .insert(db)
    .await
    .unwrap();
    assert!(requester.id > 0);

    // Column defaults from the migration (active, locale) apply when the entity leaves them unset.
    let officer = user::ActiveModel {
        username: Set("budi".to_owned()),
        full_name: Set("Budi".to_owned()),
        password_hash: Set("h".to_owned()),
        created_at: Set(t0),
        updated_at: Set(t0),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert!(officer.active);
    assert_eq!(officer.locale, "id");
    assert_eq!(officer.unit, None);
    assert_eq!(officer.telegram_user_id, None);

    user_role::ActiveModel {
        user_id: Set(requester.id),
        role: Set("requester".to_owned()),
        created_at: Set(t0),
    }
    .insert(db)
    .await
    .unwrap();
    let roles = requester
        .find_related(user_role::Entity)
        .all(db)
        .await
        .unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].role, "requester");

    let counter = agenda_counter::ActiveModel {
        year: Set(2026),
        last_number: Set(1),
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(counter.year, 2026);

    let checklist = json!({"logo": true, "caption": "ok", "items": [1, 2, 3]});
    let req = request::ActiveModel {
        agenda_number: Set("HMS/2026/0001".to_owned()),
        agenda_year: Set(2026),
        agenda_seq: Set(1),
        title: Set("Wisuda periode IV".to_owned()),
        unit: Set("Fakultas Teknik".to_owned()),
        audience: Set("mahasiswa".to_owned()),
        desired_date: Set(Some(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap())),
        priority: Set("normal".to_owned()),
        status: Set("submitted".to_owned()),
        current_step: Set(Some(1)),
        returned_from_step: Set(None),
        holder_role: Set(Some("kasubag".to_owned())),
        holder_user_id: Set(Some(officer.id)),
        requester_id: Set(requester.id),
        current_content_version: Set(1),
        checklist: Set(Some(checklist.clone())),
        rejection_reason: Set(None),
        version: Set(0),
        submitted_at: Set(t0),
        created_at: Set(t0),
        updated_at: Set(t0),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let read = request::Entity::find_by_id(req.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, req);
    assert_eq!(read.checklist, Some(checklist));
    assert_eq!(read.submitted_at, t0);

    let chan = channel::ActiveModel {
        name: Set("Humas UNEJ".to_owned()),
        chat_ref: Set("@humasunej".to_owned()),
        description: Set(None),
        link_preview: Set(false),
        silent: Set(true),
        active: Set(true),
        created_at: Set(t0),
        updated_at: Set(t0),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    request_channel::ActiveModel {
        request_id: Set(req.id),
        channel_id: Set(chan.id),
        chosen_by: Set(Some(officer.id)),
        created_at: Set(t0),
    }
    .insert(db)
    .await
    .unwrap();
    let chosen = req.find_related(channel::Entity).all(db).await.unwrap();
    assert_eq!(chosen, vec![chan.clone()]);

    let cv = content_version::ActiveModel {
        request_id: Set(req.id),
        version_no: Set(1),
        title: Set(req.title.clone()),
        narrative: Set("Narasi panjang ...".to_owned()),
        author_id: Set(Some(requester.id)),
        note: Set(None),
        created_at: Set(t0),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        req.find_related(content_version::Entity)
            .all(db)
            .await
            .unwrap(),
        vec![cv]
    );

    let att = attachment::ActiveModel {
        request_id: Set(Some(req.id)),
        uploader_user_id: Set(Some(requester.id)),
        uploader_client_id: Set(None),
        kind: Set("image".to_owned()),
        filename: Set("poster.png".to_owned()),
        content_type: Set("image/png".to_owned()),
        size_bytes: Set(5_000_000_000),
        sha256: Set("ab".repeat(32)),
        created_at: Set(t0),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        attachment::Entity::find_by_id(att.id)
            .one(db)
            .await
            .unwrap(),
        Some(att)
    );

    let disp = disposition::ActiveModel {
        request_id: Set(req.id),
        step: Set(2),
        from_user_id: Set(Some(requester.id)),
        to_role: Set("kasubag".to_owned()),
        to_user_id: Set(None),
        instruction: Set(Some("process".to_owned())),
        instruction_text: Set(None),
        priority: Set("normal".to_owned()),
        note: Set(Some("catatan".to_owned())),
        due_at: Set(None),
        sla_deadline: Set(t1),
        sla_minutes: Set(120),
        sla_working_hours_only: Set(false),
        created_at: Set(t0),
        read_at: Set(None),
        done_at: Set(None),
        outcome: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let overdue = disposition::Entity::find()
        .filter(disposition::Column::DoneAt.is_null())
        .filter(disposition::Column::SlaDeadline.lt(t1 + chrono::Duration::seconds(1)))
        .all(db)
        .await
        .unwrap();
    assert_eq!(overdue, vec![disp]);

    let rev = review::ActiveModel {
        request_id: Set(req.id),
        reviewer_id: Set(Some(officer.id)),
        verdict: Set("fit".to_owned()),
        comment: Set("Layak".to_owned()),
        content_version: Set(1),
        created_at: Set(t0),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        req.find_related(review::Entity).all(db).await.unwrap(),
        vec![rev]
    );

    let publ = publication::ActiveModel {
        request_id: Set(req.id),
        channel_id: Set(chan.id),
        content_version: Set(1),
        status: Set("scheduled".to_owned()),
        scheduled_at: Set(Some(t1)),
        sent_at: Set(None),
        message_ids: Set(Some(json!([101, 102]))),
        link: Set(None),
        created_at: Set(t0),
        updated_at: Set(t0),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(publ.attempts, 0);
    assert_eq!(publ.version, 0);
    assert_eq!(publ.message_ids, Some(json!([101, 102])));

    let job = outbox::ActiveModel {
        topic: Set("publish".to_owned()),
        request_id: Set(Some(req.id)),
        publication_id: Set(Some(publ.id)),
        payload: Set(json!({"publication_id": publ.id})),
        created_at: Set(t0),
        available_at: Set(t1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(job.attempts, 0);
    assert_eq!(job.lease_owner, None);

    let arch = archive_entry::ActiveModel {
        request_id: Set(req.id),
        classification_code: Set("HM.02".to_owned()),
        retention_years: Set(5),
        retain_until: Set(NaiveDate::from_ymd_opt(2031, 12, 31).unwrap()),
        title: Set(req.title.clone()),
        final_text: Set("Teks akhir".to_owned()),
        archived_by: Set(Some(officer.id)),
        archived_at: Set(t1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        archive_entry::Entity::find_by_id(arch.id)
            .one(db)
            .await
            .unwrap(),
        Some(arch.clone())
    );
    // Columns the entry did not set take the records migration's defaults.
    assert_eq!(
        (arch.access_class.as_str(), arch.retention_decision),
        ("public", None)
    );

    let day = holiday::ActiveModel {
        date: Set(NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()),
        name: Set("Natal".to_owned()),
    }
    .insert(db)
    .await
    .unwrap();
    assert_eq!(
        holiday::Entity::find_by_id(day.date).one(db).await.unwrap(),
        Some(day)
    );

    let client = api_client::ActiveModel {
        client_id: Set("worker-1".to_owned()),
        name: Set("Publisher".to_owned()),
        secret_hash: Set("h".to_owned()),
        scopes: Set("publish:write events:read".to_owned()),
        created_at: Set(t0),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    refresh_token::ActiveModel {
        user_id: Set(requester.id),
        family_id: Set("3f2a0c1e-0000-4000-8000-000000000000".to_owned()),
        token_hash: Set("cd".repeat(32)),
        created_at: Set(t0),
        expires_at: Set(t1),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();

    // The event log: inserts work and read back; updates and deletes are refused.
    let payload = json!({"note": "diajukan", "nested": {"a": [1, "b", null]}});
    let ev = event::ActiveModel {
        request_id: Set(Some(req.id)),
        actor_kind: Set("client".to_owned()),
        actor_user_id: Set(None),
        actor_client_id: Set(Some(client.id)),
        actor_label: Set("Publisher".to_owned()),
        kind: Set("request.submitted".to_owned()),
        from_status: Set(None),
        to_status: Set(Some("submitted".to_owned())),
        payload: Set(payload.clone()),
        created_at: Set(t0),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let events = req.find_related(event::Entity).all(db).await.unwrap();
    assert_eq!(events, vec![ev.clone()]);
    assert_eq!(events[0].payload, payload);

    let mut change: event::ActiveModel = ev.clone().into();
    change.kind = Set("tampered".to_owned());
    assert_append_only(change.update(db).await, "entity UPDATE");
    assert_append_only(
        event::Entity::delete_by_id(ev.id).exec(db).await,
        "entity DELETE",
    );
    assert_append_only(
        db.execute_unprepared(r#"UPDATE "event" SET "kind" = 'x'"#)
            .await,
        "raw UPDATE",
    );
    assert_append_only(
        db.execute_unprepared(r#"DELETE FROM "event""#).await,
        "raw DELETE",
    );
    assert_eq!(
        event::Entity::find().one(db).await.unwrap(),
        Some(ev),
        "the event is unchanged"
    );

    // Foreign keys are enforced: a request's requester is RESTRICT; a holder is SET NULL.
    assert!(
        user::Entity::delete_by_id(requester.id)
            .exec(db)
            .await
            .is_err()
    );
    user::Entity::delete_by_id(officer.id)
        .exec(db)
        .await
        .unwrap();
    let read = request::Entity::find_by_id(req.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.holder_user_id, None);
    assert_eq!(user_role::Entity::find().count(db).await.unwrap(), 1);
}

#[tokio::test]
async fn migrations_and_entities_on_sqlite() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    exercise(&db).await;
    db.close().await.unwrap();
}

#[tokio::test]
async fn migrations_and_entities_on_postgres() {
    common::on_throwaway_postgres("warta_mig", |db| async move { exercise(&db).await }).await;
}
