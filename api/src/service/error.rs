//! The one error type of the service layer. `graphql::error` alone turns it into a GraphQL
//! error with an `extensions.code`.

use crate::{auth::AuthError, workflow::WorkflowError};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("sign in first")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    BadInput(String),
    /// Someone else changed the same thing first; reload and try again.
    #[error("{0}")]
    Conflict(String),
    /// Telegram could not be reached or gave no clear answer; nothing was recorded, so the
    /// same action may simply be tried again.
    #[error("{0}")]
    TelegramUnavailable(String),
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// Anything the caller cannot fix; logged once where it is mapped, never shown.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(err: sea_orm::DbErr) -> Self {
        ServiceError::Internal(Box::new(err))
    }
}

impl From<sea_orm::TransactionError<ServiceError>> for ServiceError {
    fn from(err: sea_orm::TransactionError<ServiceError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(e) => e.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

impl From<std::io::Error> for ServiceError {
    fn from(err: std::io::Error) -> Self {
        ServiceError::Internal(Box::new(err))
    }
}

impl From<serde_json::Error> for ServiceError {
    fn from(err: serde_json::Error) -> Self {
        ServiceError::Internal(Box::new(err))
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// Refuses a text longer than `max` characters (code points, as people count them).
pub fn check_len(field: &str, value: &str, max: usize) -> ServiceResult<()> {
    if value.chars().count() > max {
        return Err(ServiceError::BadInput(format!(
            "{field} is longer than {max} characters"
        )));
    }
    Ok(())
}

/// Refuses an empty (or blank) required text and one longer than `max`.
pub fn check_required(field: &str, value: &str, max: usize) -> ServiceResult<()> {
    if value.trim().is_empty() {
        return Err(ServiceError::BadInput(format!("{field} must not be empty")));
    }
    check_len(field, value, max)
}
