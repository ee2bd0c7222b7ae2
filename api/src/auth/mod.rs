//! Authentication: who is calling. Passwords (argon2id), access tokens (HS256 JWTs),
//! refresh tokens, API client credentials and the throttling of failed logins.
//! Authorization (what a principal may do) lives with each use case in `service`.

pub mod jwt;
pub mod password;
pub mod secret;
pub mod throttle;

use std::collections::BTreeSet;

use crate::workflow::Role;

/// A scope granted to an API client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Read what has been published (third parties).
    ReadPublished,
    /// Submit publication requests on behalf of a unit's system.
    SubmitRequests,
    /// The Telegram worker: take publication jobs and report their outcome.
    Worker,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::ReadPublished, Scope::SubmitRequests, Scope::Worker];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReadPublished => "read:published",
            Scope::SubmitRequests => "submit:requests",
            Scope::Worker => "worker",
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = AuthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
            .ok_or_else(|| AuthError::UnknownScope(s.to_owned()))
    }
}

/// Who is making a call, as established from its bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// No token.
    Anonymous,
    /// A person signed in with a password.
    User { id: i64, roles: BTreeSet<Role> },
    /// A machine client with client credentials.
    Client {
        id: i64,
        client_id: String,
        scopes: BTreeSet<Scope>,
    },
}

impl Principal {
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Principal::User { id, .. } => Some(*id),
            _ => None,
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        matches!(self, Principal::User { roles, .. } if roles.contains(&role))
    }

    pub fn has_scope(&self, scope: Scope) -> bool {
        matches!(self, Principal::Client { scopes, .. } if scopes.contains(&scope))
    }
}

/// Why a caller could not be authenticated.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("missing or malformed bearer token")]
    MissingToken,
    #[error("the access token is invalid or expired")]
    InvalidToken,
    #[error("wrong username or password")]
    BadCredentials,
    #[error("wrong client id or secret")]
    BadClientCredentials,
    #[error("the refresh token is invalid, expired or already used")]
    InvalidRefreshToken,
    #[error("too many failed attempts; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error("unknown scope {0:?}")]
    UnknownScope(String),
    #[error("password must be 10 to 256 characters")]
    WeakPassword,
    #[error("could not read or write the secret file: {0}")]
    SecretFile(#[from] std::io::Error),
    #[error("the JWT secret must be at least 32 bytes")]
    ShortSecret,
    #[error("password hashing failed")]
    Hashing,
}
