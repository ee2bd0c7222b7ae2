//! Full-text search over requests and their archive entries: one search document per request
//! (agenda number, title, narrative, unit), kept in step by triggers, so every writer —
//! service, CLI or a later migration — keeps the index right without knowing of it.
//!
//! - SQLite: `request_search`, an FTS5 table (rowid = request id) with the `unicode61`
//!   tokenizer and `remove_diacritics 2`, so "kafe" finds "Kafé".
//! - PostgreSQL: `request_search`, a table whose `document` is a generated `tsvector` with a
//!   GIN index. PostgreSQL ships no Indonesian stemmer, and an English or `simple`-with-stems
//!   configuration would mangle Indonesian words, so the configuration `warta_search` is
//!   `simple` (lowercase, no stemming) plus `unaccent` for diacritics. Weights: A for the
//!   agenda number and title, B for the narrative, C for the unit.
//!
//! Both read the document from the view `request_search_source`: the archived title and text
//! once a request is archived (the record of what was kept), before that the current content
//! version. The agenda column carries the number as written plus its parts and the bare
//! sequence number, so `0042/HM/2026`, `0042` and `42` all find it on both engines.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Re-reads one request's document into the index (`{id}` is the trigger's row reference).
fn sqlite_refresh(id: &str) -> String {
    format!(
        r#"DELETE FROM "request_search" WHERE rowid = {id};
    INSERT INTO "request_search" (rowid, "agenda", "title", "narrative", "unit")
        SELECT "request_id", "agenda", "title", "narrative", "unit"
        FROM "request_search_source" WHERE "request_id" = {id};"#
    )
}

fn sqlite_up() -> Vec<String> {
    let mut sql = vec![
        r#"CREATE VIEW "request_search_source" AS
SELECT r."id" AS "request_id",
       r."agenda_number" || ' ' || r."agenda_seq" AS "agenda",
       COALESCE(a."title", r."title") AS "title",
       COALESCE(a."final_text", cv."narrative", '') AS "narrative",
       r."unit" AS "unit"
FROM "request" r
LEFT JOIN "content_version" cv
       ON cv."request_id" = r."id" AND cv."version_no" = r."current_content_version"
LEFT JOIN "archive_entry" a ON a."request_id" = r."id""#
            .to_owned(),
        r#"CREATE VIRTUAL TABLE "request_search" USING fts5(
    "agenda", "title", "narrative", "unit",
    tokenize = 'unicode61 remove_diacritics 2'
)"#
        .to_owned(),
        r#"INSERT INTO "request_search" (rowid, "agenda", "title", "narrative", "unit")
SELECT "request_id", "agenda", "title", "narrative", "unit" FROM "request_search_source""#
            .to_owned(),
    ];
    sql.push(format!(
        r#"CREATE TRIGGER "request_search_request_insert" AFTER INSERT ON "request"
BEGIN
    {}
END"#,
        sqlite_refresh("NEW.\"id\"")
    ));
    // Every workflow step rewrites `current_content_version`; re-index only on a real change.
    sql.push(format!(
        r#"CREATE TRIGGER "request_search_request_update"
AFTER UPDATE OF "agenda_number", "agenda_seq", "title", "unit", "current_content_version" ON "request"
WHEN OLD."agenda_number" IS NOT NEW."agenda_number" OR OLD."agenda_seq" IS NOT NEW."agenda_seq"
  OR OLD."title" IS NOT NEW."title" OR OLD."unit" IS NOT NEW."unit"
  OR OLD."current_content_version" IS NOT NEW."current_content_version"
BEGIN
    {}
END"#,
        sqlite_refresh("NEW.\"id\"")
    ));
    sql.push(
        r#"CREATE TRIGGER "request_search_request_delete" AFTER DELETE ON "request"
BEGIN
    DELETE FROM "request_search" WHERE rowid = OLD."id";
END"#
            .to_owned(),
    );
    for (table, event, row) in [
        ("content_version", "INSERT", "NEW"),
        ("content_version", "UPDATE", "NEW"),
        ("archive_entry", "INSERT", "NEW"),
        ("archive_entry", "UPDATE", "NEW"),
        ("archive_entry", "DELETE", "OLD"),
    ] {
        sql.push(format!(
            r#"CREATE TRIGGER "request_search_{table}_{event}" AFTER {event} ON "{table}"
BEGIN
    {}
END"#,
            sqlite_refresh(&format!("{row}.\"request_id\"")),
            event = event.to_lowercase(),
        ));
    }
    sql
}

const SQLITE_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "request_search_archive_entry_delete""#,
    r#"DROP TRIGGER IF EXISTS "request_search_archive_entry_update""#,
    r#"DROP TRIGGER IF EXISTS "request_search_archive_entry_insert""#,
    r#"DROP TRIGGER IF EXISTS "request_search_content_version_update""#,
    r#"DROP TRIGGER IF EXISTS "request_search_content_version_insert""#,
    r#"DROP TRIGGER IF EXISTS "request_search_request_delete""#,
    r#"DROP TRIGGER IF EXISTS "request_search_request_update""#,
    r#"DROP TRIGGER IF EXISTS "request_search_request_insert""#,
    r#"DROP TABLE IF EXISTS "request_search""#,
    r#"DROP VIEW IF EXISTS "request_search_source""#,
];

const POSTGRES_UP: &[&str] = &[
    // A trusted extension since PostgreSQL 13: the database owner may create it.
    r#"CREATE EXTENSION IF NOT EXISTS unaccent"#,
    r#"CREATE TEXT SEARCH CONFIGURATION "warta_search" (COPY = pg_catalog.simple)"#,
    r#"ALTER TEXT SEARCH CONFIGURATION "warta_search"
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"#,
    // The parser reads `0042/HM/2026` as one file-path token; the agenda column adds the
    // number split at slashes (`UN25.1.3` stays a token), split at every non-alphanumeric
    // character, and the bare sequence number.
    r#"CREATE VIEW "request_search_source" AS
SELECT r."id" AS "request_id",
       concat_ws(' ', r."agenda_number", replace(r."agenda_number", '/', ' '),
                 regexp_replace(r."agenda_number", '[^[:alnum:]]+', ' ', 'g'),
                 r."agenda_seq"::text) AS "agenda",
       COALESCE(a."title", r."title") AS "title",
       COALESCE(a."final_text", cv."narrative", '') AS "narrative",
       r."unit" AS "unit"
FROM "request" r
LEFT JOIN "content_version" cv
       ON cv."request_id" = r."id" AND cv."version_no" = r."current_content_version"
LEFT JOIN "archive_entry" a ON a."request_id" = r."id""#,
    r#"CREATE TABLE "request_search" (
    "request_id" bigint PRIMARY KEY REFERENCES "request" ("id") ON DELETE CASCADE,
    "agenda" text NOT NULL,
    "title" text NOT NULL,
    "narrative" text NOT NULL,
    "unit" text NOT NULL,
    "document" tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('warta_search'::regconfig, "agenda"), 'A') ||
        setweight(to_tsvector('warta_search'::regconfig, "title"), 'A') ||
        setweight(to_tsvector('warta_search'::regconfig, "narrative"), 'B') ||
        setweight(to_tsvector('warta_search'::regconfig, "unit"), 'C')
    ) STORED
)"#,
    r#"CREATE INDEX "idx_request_search_document" ON "request_search" USING GIN ("document")"#,
    r#"CREATE FUNCTION "request_search_refresh"(rid bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO "request_search" ("request_id", "agenda", "title", "narrative", "unit")
    SELECT "request_id", "agenda", "title", "narrative", "unit"
    FROM "request_search_source" WHERE "request_id" = rid
    ON CONFLICT ("request_id") DO UPDATE SET
        "agenda" = EXCLUDED."agenda", "title" = EXCLUDED."title",
        "narrative" = EXCLUDED."narrative", "unit" = EXCLUDED."unit"
$$"#,
    r#"INSERT INTO "request_search" ("request_id", "agenda", "title", "narrative", "unit")
SELECT "request_id", "agenda", "title", "narrative", "unit" FROM "request_search_source""#,
    r#"CREATE FUNCTION "request_search_on_request"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM "request_search_refresh"(NEW."id");
    RETURN NULL;
END
$$"#,
    r#"CREATE FUNCTION "request_search_on_child"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM "request_search_refresh"(OLD."request_id");
    ELSE
        PERFORM "request_search_refresh"(NEW."request_id");
    END IF;
    RETURN NULL;
END
$$"#,
    r#"CREATE TRIGGER "request_search_request_insert" AFTER INSERT ON "request"
FOR EACH ROW EXECUTE FUNCTION "request_search_on_request"()"#,
    // Every workflow step rewrites `current_content_version`; re-index only on a real change.
    r#"CREATE TRIGGER "request_search_request_update"
AFTER UPDATE OF "agenda_number", "agenda_seq", "title", "unit", "current_content_version" ON "request"
FOR EACH ROW WHEN (OLD."agenda_number" IS DISTINCT FROM NEW."agenda_number"
    OR OLD."agenda_seq" IS DISTINCT FROM NEW."agenda_seq"
    OR OLD."title" IS DISTINCT FROM NEW."title" OR OLD."unit" IS DISTINCT FROM NEW."unit"
    OR OLD."current_content_version" IS DISTINCT FROM NEW."current_content_version")
EXECUTE FUNCTION "request_search_on_request"()"#,
    r#"CREATE TRIGGER "request_search_content_version" AFTER INSERT OR UPDATE ON "content_version"
FOR EACH ROW EXECUTE FUNCTION "request_search_on_child"()"#,
    r#"CREATE TRIGGER "request_search_archive_entry"
AFTER INSERT OR UPDATE OR DELETE ON "archive_entry"
FOR EACH ROW EXECUTE FUNCTION "request_search_on_child"()"#,
];

// The extension stays: it may have been there before, and dropping it is the DBA's call.
const POSTGRES_DOWN: &[&str] = &[
    r#"DROP TRIGGER IF EXISTS "request_search_archive_entry" ON "archive_entry""#,
    r#"DROP TRIGGER IF EXISTS "request_search_content_version" ON "content_version""#,
    r#"DROP TRIGGER IF EXISTS "request_search_request_update" ON "request""#,
    r#"DROP TRIGGER IF EXISTS "request_search_request_insert" ON "request""#,
    r#"DROP FUNCTION IF EXISTS "request_search_on_child"()"#,
    r#"DROP FUNCTION IF EXISTS "request_search_on_request"()"#,
    r#"DROP FUNCTION IF EXISTS "request_search_refresh"(bigint)"#,
    r#"DROP TABLE IF EXISTS "request_search""#,
    r#"DROP VIEW IF EXISTS "request_search_source""#,
    r#"DROP TEXT SEARCH CONFIGURATION IF EXISTS "warta_search""#,
];

async fn run_all<S: AsRef<str>>(manager: &SchemaManager<'_>, sql: &[S]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for stmt in sql {
        db.execute_unprepared(stmt.as_ref()).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => run_all(manager, &sqlite_up()).await,
            DatabaseBackend::Postgres => run_all(manager, POSTGRES_UP).await,
            DatabaseBackend::MySql => Err(DbErr::Migration(
                "Warta supports SQLite and PostgreSQL only".to_owned(),
            )),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => run_all(manager, SQLITE_DOWN).await,
            DatabaseBackend::Postgres => run_all(manager, POSTGRES_DOWN).await,
            DatabaseBackend::MySql => Ok(()),
        }
    }
}
