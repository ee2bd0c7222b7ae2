//! Records that leave the server: `warta archive export` (a self-describing bundle of the
//! archived requests for the university's records office), `warta archive verify` (checks
//! such a bundle against its manifest) and `warta backup` (a consistent snapshot of an SQLite
//! deployment while it serves).
//!
//! Both kinds of bundle are zip files written by [`bundle::BundleWriter`]: streamed to a
//! temporary file beside the destination, every file hashed as it goes in, a manifest last,
//! then renamed into place.

pub mod backup;
pub mod bundle;
pub mod export;
pub mod verify;

use crate::service::ServiceError;

/// Why an export, a verification or a backup could not be done.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    /// Something the operator asked for that cannot be done; the message says why.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Zip(#[from] zip::result::ZipError),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Sqlite(#[from] sea_orm::sqlx::Error),
}
