//! Who did something, as written into the event log, and the log and outbox writers that every
//! state-changing use case calls inside its transaction.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde_json::Value;

use crate::{
    auth::Principal,
    service::{ServiceError, ServiceResult},
};

/// The actor of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    pub kind: &'static str,
    pub user_id: Option<i64>,
    pub client_id: Option<i64>,
    pub label: String,
}

impl Audit {
    /// The command line, run by whoever has the server's shell.
    pub fn cli() -> Self {
        let who = std::env::var("USER").unwrap_or_else(|_| "operator".into());
        Self {
            kind: "cli",
            user_id: None,
            client_id: None,
            label: format!("cli:{who}"),
        }
    }

    /// The server itself (first-run set-up, scheduled work).
    pub fn system() -> Self {
        Self {
            kind: "system",
            user_id: None,
            client_id: None,
            label: "system".into(),
        }
    }

    pub fn user(id: i64, username: &str) -> Self {
        Self {
            kind: "user",
            user_id: Some(id),
            client_id: None,
            label: username.to_owned(),
        }
    }

    /// The actor for a principal; anonymous callers cannot change anything.
    pub fn of(principal: &Principal, username: Option<&str>) -> ServiceResult<Self> {
        match principal {
            Principal::Anonymous => Err(ServiceError::Unauthenticated),
            Principal::User { id, .. } => Ok(Self::user(*id, username.unwrap_or("user"))),
            Principal::Client { id, client_id, .. } => Ok(Self {
                kind: "client",
                user_id: None,
                client_id: Some(*id),
                label: format!("client:{client_id}"),
            }),
        }
    }
}

impl crate::service::Services {
    /// The actor of a principal's changes, with the person's username as its label.
    pub async fn audit_of(&self, principal: &Principal) -> ServiceResult<Audit> {
        match principal {
            Principal::User { id, .. } => {
                let user = entity::user::Entity::find_by_id(*id)
                    .one(&self.db.conn)
                    .await?
                    .ok_or(ServiceError::Unauthenticated)?;
                Ok(Audit::user(user.id, &user.username))
            }
            other => Audit::of(other, None),
        }
    }
}

/// One entry for the append-only event log.
pub struct NewEvent<'a> {
    pub request_id: Option<i64>,
    pub kind: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub payload: Value,
}

/// Appends an event; call it inside the transaction that makes the change it records.
pub async fn append_event(
    db: &impl ConnectionTrait,
    audit: &Audit,
    event: NewEvent<'_>,
) -> ServiceResult<entity::event::Model> {
    let row = entity::event::ActiveModel {
        request_id: Set(event.request_id),
        actor_kind: Set(audit.kind.to_owned()),
        actor_user_id: Set(audit.user_id),
        actor_client_id: Set(audit.client_id),
        actor_label: Set(audit.label.clone()),
        kind: Set(event.kind.to_owned()),
        from_status: Set(event.from_status.map(str::to_owned)),
        to_status: Set(event.to_status.map(str::to_owned)),
        payload: Set(event.payload),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row)
}

/// Appends an event that concerns no request (accounts, channels, settings).
pub async fn append_admin_event(
    db: &impl ConnectionTrait,
    audit: &Audit,
    kind: &str,
    payload: Value,
) -> ServiceResult<entity::event::Model> {
    append_event(
        db,
        audit,
        NewEvent {
            request_id: None,
            kind,
            from_status: None,
            to_status: None,
            payload,
        },
    )
    .await
}

/// Topics of outbox rows: what another part of the system must act on.
pub mod topic {
    /// Tell someone something (Telegram, web push).
    pub const NOTIFICATION: &str = "notification";
    /// Send one publication to its channel.
    pub const PUBLICATION: &str = "publication";
}

/// Queues work for another part of the system, inside the caller's transaction, so the work
/// exists exactly when the change that caused it was committed.
pub async fn push_outbox(
    db: &impl ConnectionTrait,
    topic: &str,
    request_id: Option<i64>,
    publication_id: Option<i64>,
    payload: Value,
    available_at: chrono::DateTime<Utc>,
) -> ServiceResult<()> {
    entity::outbox::ActiveModel {
        topic: Set(topic.to_owned()),
        request_id: Set(request_id),
        publication_id: Set(publication_id),
        payload: Set(payload),
        created_at: Set(Utc::now()),
        available_at: Set(available_at),
        attempts: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
