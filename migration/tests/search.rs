//! The search migration indexes the requests already there when it runs, on both engines.
//!
//! The PostgreSQL half needs a server: `WARTA_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) must reach a role allowed to create databases.

mod common;

use migration::sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use migration::{Migrator, MigratorTrait};

/// The migrations before `m20261202_000002_search`.
const BEFORE_SEARCH: u32 = 8;

async fn exercise(db: &DatabaseConnection) {
    Migrator::up(db, Some(BEFORE_SEARCH)).await.unwrap();
    let now = "2026-11-29 10:00:00+00:00";
    for sql in [
        format!(
            r#"INSERT INTO "user" ("username", "full_name", "password_hash", "active", "locale", "created_at", "updated_at")
               VALUES ('siti', 'Dra. Siti Rahmawati', 'x', TRUE, 'id', '{now}', '{now}')"#
        ),
        format!(
            r#"INSERT INTO "request" ("agenda_number", "agenda_year", "agenda_seq", "title", "unit", "audience",
                 "priority", "status", "requester_id", "submitted_at", "created_at", "updated_at")
               VALUES ('0007/HM/2026', 2026, 7, 'Dies Natalis ke-62 Universitas Jember',
                 'Bagian Protokol dan Rumah Tangga', 'sivitas akademika', 'biasa', 'disposition',
                 (SELECT "id" FROM "user"), '{now}', '{now}', '{now}')"#
        ),
        format!(
            r#"INSERT INTO "content_version" ("request_id", "version_no", "title", "narrative", "created_at")
               VALUES ((SELECT "id" FROM "request"), 1, 'Dies Natalis ke-62 Universitas Jember',
                 'Upacara di Gedung Soetardjo dengan pakaian batik khas Jember.', '{now}')"#
        ),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    Migrator::up(db, None).await.unwrap();

    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            r#"SELECT rowid AS "id" FROM "request_search" WHERE "request_search" MATCH $1"#
        }
        _ => {
            r#"SELECT "request_id" AS "id" FROM "request_search"
               WHERE "document" @@ phraseto_tsquery('warta_search', $1)"#
        }
    };
    for (term, found) in [
        ("batik", true),
        ("0007", true),
        ("7", true),
        ("wisuda", false),
    ] {
        let rows = db
            .query_all(Statement::from_sql_and_values(backend, sql, [term.into()]))
            .await
            .unwrap();
        assert_eq!(rows.len(), usize::from(found), "{term}");
    }
}

#[tokio::test]
async fn existing_requests_are_indexed_on_sqlite() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    exercise(&db).await;
    db.close().await.unwrap();
}

#[tokio::test]
async fn existing_requests_are_indexed_on_postgres() {
    common::on_throwaway_postgres("warta_search", |db| async move { exercise(&db).await }).await;
}
