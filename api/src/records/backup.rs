//! `warta backup`: a consistent snapshot of the embedded SQLite database, taken while
//! `warta serve` keeps writing, bundled with the attachment files it refers to.
//!
//! `VACUUM INTO` copies the database as one read transaction sees it (every committed
//! request in, nothing half-written; the search tables too, as they are ordinary tables),
//! without stopping writers for long. Attachments are content-addressed and written before
//! the row that names them commits, so every file the snapshot refers to is on disk when
//! the snapshot is taken.
//!
//! The bundle is a zip, like an export: one format and one writer for both, every file
//! checked by CRC on the way out (`unzip -t`), and `unzip` is on every machine an operator
//! restores from. Its manifest is `backup-manifest.json`; see the README for restoring.

use std::{
    path::{Path, PathBuf},
    str::FromStr,
};

use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, Statement,
    sqlx::{
        ConnectOptions, Connection,
        sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode},
    },
};
use serde::{Deserialize, Serialize};

use super::{
    RecordsError,
    bundle::{BundleWriter, FileEntry},
};
use crate::{
    auth::secret::JWT_SECRET_FILE, db::Db, service::push::VAPID_KEY_FILE, storage::AttachmentStore,
    workflow::sla::wib,
};

/// The `format` of a backup's manifest.
pub const FORMAT: &str = "warta-backup";
pub const FORMAT_VERSION: u32 = 1;
/// The manifest's name inside the bundle (not `manifest.json`, so it cannot be mistaken for
/// an export's, and stands out once unpacked into a data directory).
pub const MANIFEST: &str = "backup-manifest.json";
/// The database's name inside the bundle: the default name in a data directory.
pub const DATABASE: &str = "warta.db";

/// `backup-manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: String,
    pub format_version: u32,
    pub generator: String,
    /// When the snapshot was taken (it holds what was committed by then).
    pub created_at: DateTime<FixedOffset>,
    pub sqlite_version: String,
    /// The migrations applied to the snapshot, oldest first: the schema version.
    pub migrations: Vec<String>,
    /// `PRAGMA integrity_check` on the snapshot.
    pub integrity_check: String,
    pub requests: i64,
    pub attachments: usize,
    /// Every file of the bundle except the manifest.
    pub files: Vec<FileEntry>,
}

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    pub manifest: BackupManifest,
    pub bytes: u64,
}

/// `warta backup` from its settings: refuses PostgreSQL and a database that does not exist,
/// connects and calls [`backup`].
///
/// # Errors
/// As [`backup`].
pub async fn backup_database(
    database_url: &str,
    data_dir: &Path,
    out: &Path,
) -> Result<BackupSummary, RecordsError> {
    if !database_url.starts_with("sqlite:") {
        return Err(postgres_refusal());
    }
    let options = SqliteConnectOptions::from_str(database_url)
        .map_err(|e| RecordsError::Refused(format!("not an SQLite database URL: {e}")))?;
    let file = options.get_filename();
    if !file.is_file() {
        // Connecting would create an empty database and back that up.
        return Err(RecordsError::Refused(format!(
            "no database at {} (check --data-dir or DATABASE_URL)",
            file.display()
        )));
    }
    let db = Db::connect(database_url).await?;
    let summary = backup(&db, data_dir, out).await;
    db.conn.close().await?;
    summary
}

fn postgres_refusal() -> RecordsError {
    RecordsError::Refused(
        "warta backup snapshots the embedded SQLite database; back up PostgreSQL with \
         `pg_dump --format=custom` (restore with `pg_restore`) and copy the attachments \
         directory of the data directory, as the README's \"Backup and restore\" says"
            .into(),
    )
}

/// Snapshots the database behind `db` (SQLite only) and the attachments it refers to from
/// the store in `data_dir`, with the generated secrets found there, into the zip `out`.
///
/// # Errors
/// `Refused` on PostgreSQL, for a snapshot that fails its integrity check or refers to an
/// attachment missing from the store; database and file errors as they come. The
/// destination is then left as it was.
pub async fn backup(db: &Db, data_dir: &Path, out: &Path) -> Result<BackupSummary, RecordsError> {
    if db.backend() != DatabaseBackend::Sqlite {
        return Err(postgres_refusal());
    }
    let dir = match out.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let work = tempfile::Builder::new()
        .prefix(".warta-backup-")
        .tempdir_in(dir)?;
    let snapshot = work.path().join(DATABASE);
    let created_at = Utc::now();
    let target = snapshot
        .to_str()
        .ok_or_else(|| RecordsError::Refused(format!("{} is not UTF-8", snapshot.display())))?;
    db.conn
        .execute(Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            "VACUUM INTO ?",
            [target.into()],
        ))
        .await?;
    let facts = inspect(&snapshot).await?;
    if facts.integrity_check != "ok" {
        return Err(RecordsError::Refused(format!(
            "the snapshot failed its integrity check: {}",
            facts.integrity_check
        )));
    }

    let store = AttachmentStore::new(data_dir);
    let mut files: Vec<(String, PathBuf)> = vec![(DATABASE.into(), snapshot.clone())];
    for sha256 in &facts.attachments {
        let source = store.path_of(sha256);
        if !source.is_file() {
            return Err(RecordsError::Refused(format!(
                "attachment {sha256} is in the database but missing from the store at {}",
                source.display()
            )));
        }
        files.push((relative(data_dir, &source)?, source));
    }
    for secret in [JWT_SECRET_FILE, VAPID_KEY_FILE] {
        let source = data_dir.join(secret);
        if source.is_file() {
            files.push((secret.into(), source));
        }
    }

    let manifest = BackupManifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        generator: format!("warta {}", env!("CARGO_PKG_VERSION")),
        created_at: created_at.with_timezone(&wib()),
        sqlite_version: facts.sqlite_version,
        migrations: facts.migrations,
        integrity_check: facts.integrity_check,
        requests: facts.requests,
        attachments: facts.attachments.len(),
        files: Vec::new(),
    };
    let out = out.to_owned();
    let summary = tokio::task::spawn_blocking(move || {
        let mut bundle = BundleWriter::create(&out, created_at)?;
        for (path, source) in &files {
            bundle.add_file(path, source)?;
        }
        let mut manifest = manifest;
        manifest.files = bundle.files().to_vec();
        let bytes = manifest.files.iter().map(|f| f.size).sum();
        bundle.finish(MANIFEST, &manifest)?;
        Ok::<_, RecordsError>(BackupSummary { manifest, bytes })
    })
    .await
    .map_err(|e| RecordsError::Io(std::io::Error::other(e)))??;
    drop(work);
    Ok(summary)
}

/// What the snapshot holds, read from the snapshot itself.
struct Facts {
    sqlite_version: String,
    migrations: Vec<String>,
    integrity_check: String,
    requests: i64,
    attachments: Vec<String>,
}

async fn inspect(snapshot: &Path) -> Result<Facts, RecordsError> {
    // A rollback journal, so the restored database is this one file.
    let mut conn: SqliteConnection = SqliteConnectOptions::new()
        .filename(snapshot)
        .journal_mode(SqliteJournalMode::Delete)
        .connect()
        .await?;
    let facts = async {
        let integrity: Vec<String> = sea_orm::sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await?;
        Ok::<_, sea_orm::sqlx::Error>(Facts {
            sqlite_version: sea_orm::sqlx::query_scalar("SELECT sqlite_version()")
                .fetch_one(&mut conn)
                .await?,
            migrations: sea_orm::sqlx::query_scalar(
                "SELECT version FROM seaql_migrations ORDER BY version",
            )
            .fetch_all(&mut conn)
            .await?,
            integrity_check: integrity.join("; "),
            requests: sea_orm::sqlx::query_scalar("SELECT COUNT(*) FROM request")
                .fetch_one(&mut conn)
                .await?,
            attachments: sea_orm::sqlx::query_scalar(
                "SELECT DISTINCT sha256 FROM attachment ORDER BY sha256",
            )
            .fetch_all(&mut conn)
            .await?,
        })
    }
    .await;
    conn.close().await?;
    Ok(facts?)
}

/// `source`'s path under the data directory, with `/` separators as zip wants them.
fn relative(data_dir: &Path, source: &Path) -> Result<String, RecordsError> {
    let rel = source.strip_prefix(data_dir).map_err(|_| {
        RecordsError::Refused(format!(
            "{} is outside the data directory",
            source.display()
        ))
    })?;
    Ok(rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/"))
}
