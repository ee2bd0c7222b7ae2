//! The one place where service errors become GraphQL errors with an `extensions.code`.

use std::sync::Arc;

use futures::{StreamExt, stream::BoxStream};

use async_graphql::{
    ErrorExtensions, Response, ServerError,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextSubscribe},
};

use crate::{auth::AuthError, service::ServiceError, workflow::WorkflowErrorKind};

/// The fixed list of error codes clients can rely on.
pub mod code {
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const CONFLICT: &str = "CONFLICT";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    /// Telegram gave no clear answer; nothing changed, try again.
    pub const TELEGRAM_UNAVAILABLE: &str = "TELEGRAM_UNAVAILABLE";
    pub const INTERNAL: &str = "INTERNAL";
}

/// An error with a code and a message fit to show.
pub fn coded(code: &'static str, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message.into()).extend_with(|_, e| e.set("code", code))
}

/// Resolvers return service errors with `?`; async-graphql keeps the original error as the
/// source of its `ServerError`. This extension gives each such error its code and a message
/// fit to show, after execution, in one place.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

#[async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        for error in &mut response.errors {
            apply_code(error);
        }
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream)
            .map(|mut response| {
                for error in &mut response.errors {
                    apply_code(error);
                }
                response
            })
            .boxed()
    }
}

/// Rewrites one error from its service source; errors that already carry a code stay.
pub fn apply_code(error: &mut ServerError) {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some());
    let mapped = match error.source::<ServiceError>() {
        Some(service_error) => to_graphql(service_error),
        None if has_code => return,
        // Our resolvers code every error they make; what is left comes from async-graphql
        // checking the caller's input (an argument or variable that does not fit), and its
        // message says what was wrong.
        None => coded(code::BAD_USER_INPUT, error.message.clone()),
    };
    error.message = mapped.message;
    error.extensions = mapped.extensions;
}

fn to_graphql(err: &ServiceError) -> async_graphql::Error {
    match err {
        ServiceError::Unauthenticated => coded(code::UNAUTHENTICATED, "sign in first"),
        ServiceError::Forbidden(m) => coded(code::FORBIDDEN, m.clone()),
        ServiceError::NotFound(what) => coded(code::NOT_FOUND, format!("{what} not found")),
        ServiceError::BadInput(m) => coded(code::BAD_USER_INPUT, m.clone()),
        ServiceError::Conflict(m) => coded(code::CONFLICT, m.clone()),
        ServiceError::TelegramUnavailable(m) => coded(code::TELEGRAM_UNAVAILABLE, m.clone()),
        ServiceError::Workflow(e) => {
            let c = match e.code() {
                WorkflowErrorKind::Forbidden => code::FORBIDDEN,
                WorkflowErrorKind::InvalidTransition => code::BAD_USER_INPUT,
            };
            let rule = e.rule();
            async_graphql::Error::new(e.to_string()).extend_with(|_, ext| {
                ext.set("code", c);
                ext.set("rule", rule);
            })
        }
        ServiceError::Auth(e) => match e {
            AuthError::Throttled { retry_after_secs } => {
                let retry_after = *retry_after_secs;
                async_graphql::Error::new(e.to_string()).extend_with(|_, ext| {
                    ext.set("code", code::RATE_LIMITED);
                    ext.set("retryAfter", retry_after);
                })
            }
            AuthError::MissingToken
            | AuthError::InvalidToken
            | AuthError::BadCredentials
            | AuthError::BadClientCredentials
            | AuthError::InvalidRefreshToken => coded(code::UNAUTHENTICATED, e.to_string()),
            AuthError::UnknownScope(_) | AuthError::WeakPassword => {
                coded(code::BAD_USER_INPUT, e.to_string())
            }
            other => internal(other),
        },
        ServiceError::Internal(source) => internal(source.as_ref()),
    }
}

/// Logs the whole cause chain once, and tells the caller nothing about it.
fn internal(err: &(dyn std::error::Error + 'static)) -> async_graphql::Error {
    let mut chain = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    tracing::error!(error = %chain, "internal error");
    coded(code::INTERNAL, "internal error; it has been logged")
}

/// Parses a GraphQL `ID` that must be one of our numeric ids.
pub fn parse_id(id: &async_graphql::ID, what: &str) -> async_graphql::Result<i64> {
    id.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        coded(
            code::BAD_USER_INPUT,
            format!("{what} id {:?} is not valid", id.as_str()),
        )
    })
}
