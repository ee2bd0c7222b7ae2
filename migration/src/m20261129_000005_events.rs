//! The append-only `event` log: one row per thing that happened. Triggers refuse UPDATE
//! and DELETE on both engines.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::m20261129_000003_requests::Request;
use crate::util::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    r#"CREATE TRIGGER "event_no_update" BEFORE UPDATE ON "event"
BEGIN
    SELECT RAISE(ABORT, 'event log is append-only');
END"#,
    r#"CREATE TRIGGER "event_no_delete" BEFORE DELETE ON "event"
BEGIN
    SELECT RAISE(ABORT, 'event log is append-only');
END"#,
];

const SQLITE_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "event_no_delete""#,
    r#"DROP TRIGGER IF EXISTS "event_no_update""#,
];

const POSTGRES_UP: &[&str] = &[
    r#"CREATE OR REPLACE FUNCTION "event_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'event log is append-only';
END
$$"#,
    r#"CREATE TRIGGER "event_append_only" BEFORE UPDATE OR DELETE ON "event"
FOR EACH ROW EXECUTE FUNCTION "event_append_only"()"#,
];

const POSTGRES_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "event_append_only" ON "event""#,
    r#"DROP FUNCTION IF EXISTS "event_append_only"()"#,
];

async fn run_all(manager: &SchemaManager<'_>, sql: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for stmt in sql {
        db.execute_unprepared(stmt).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Event::Table)
                    .col(pk_id(Event::Id))
                    .col(big_null(Event::RequestId))
                    .col(string(Event::ActorKind, 16))
                    .col(big_null(Event::ActorUserId))
                    .col(big_null(Event::ActorClientId))
                    .col(string(Event::ActorLabel, 200))
                    .col(string(Event::Kind, 48))
                    .col(string_null(Event::FromStatus, 32))
                    .col(string_null(Event::ToStatus, 32))
                    .col(json(Event::Payload))
                    .col(ts(Event::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_event_request_id",
                        Event::Table,
                        Event::RequestId,
                        Request::Table,
                        ForeignKeyAction::NoAction,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_event_request_id_id",
            Event::Table,
            vec![Event::RequestId, Event::Id],
            false,
        )
        .await?;
        index(
            manager,
            "idx_event_created_at",
            Event::Table,
            vec![Event::CreatedAt],
            false,
        )
        .await?;

        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => run_all(manager, SQLITE_UP).await,
            DatabaseBackend::Postgres => run_all(manager, POSTGRES_UP).await,
            DatabaseBackend::MySql => Err(DbErr::Migration(
                "Warta supports SQLite and PostgreSQL only".to_owned(),
            )),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => run_all(manager, SQLITE_DOWN).await?,
            DatabaseBackend::Postgres => run_all(manager, POSTGRES_DOWN).await?,
            DatabaseBackend::MySql => {}
        }
        drop_tables(manager, vec![Event::Table]).await
    }
}

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
    RequestId,
    ActorKind,
    ActorUserId,
    ActorClientId,
    ActorLabel,
    Kind,
    FromStatus,
    ToStatus,
    Payload,
    CreatedAt,
}
