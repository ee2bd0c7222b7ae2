//! The database connection: SQLite (embedded default) or PostgreSQL, and the one way to open
//! a write transaction.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// A pool of connections plus the writer lock SQLite needs.
#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    /// SQLite allows one writer at a time, and a deferred transaction that reads and then
    /// writes fails at once with SQLITE_BUSY when another writer got in first (busy_timeout
    /// does not cover that upgrade). Serialising our own write transactions in-process avoids
    /// it; PostgreSQL needs no such lock and never takes it.
    writer: Option<Arc<Mutex<()>>>,
    /// Statements run through this connection, for `/metrics` (and the test that proves a
    /// list of 50 requests costs a handful of queries, not 50 more).
    statements: Arc<AtomicU64>,
}

/// A write transaction; on SQLite it also holds the writer lock until it ends.
pub struct WriteTx {
    tx: DatabaseTransaction,
    _writer: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.tx.commit().await
    }
}

impl Db {
    /// Connects; for SQLite, creates the file if needed and sets WAL mode, a busy timeout and
    /// foreign keys on every connection.
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        let is_sqlite = url.starts_with("sqlite:");
        if is_sqlite {
            options
                .max_connections(8)
                .min_connections(1)
                .map_sqlx_sqlite_opts(|o| {
                    o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                        .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                        .busy_timeout(Duration::from_secs(10))
                        .foreign_keys(true)
                        .create_if_missing(true)
                });
        } else {
            options.max_connections(16).min_connections(1);
        }
        let mut conn = Database::connect(options).await?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        conn.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let writer = is_sqlite.then(|| Arc::new(Mutex::new(())));
        Ok(Self {
            conn,
            writer,
            statements,
        })
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.conn.get_database_backend()
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    /// How many statements this pool has run since it was opened.
    pub fn statements_run(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.conn.ping().await.is_ok()
    }

    /// Begins a transaction for a state change.
    pub async fn begin_write(&self) -> Result<WriteTx, DbErr> {
        let guard = match &self.writer {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        let tx = self.conn.begin().await?;
        Ok(WriteTx { tx, _writer: guard })
    }
}
