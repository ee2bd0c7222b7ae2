//! Live updates over WebSocket: my inbox, and one request.

use async_graphql::{Context, ID, Result, SimpleObject, Subscription};
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

use crate::{
    auth::Principal,
    graphql::{
        error::parse_id,
        guard::{Authenticated, SignedIn},
        principal, services,
        types::Request,
    },
    service::accounts::roles_of,
};

pub struct Subscription;

/// Something in my inbox changed; re-read it.
#[derive(SimpleObject, Clone)]
pub struct InboxChange {
    pub request_id: ID,
}

#[Subscription]
impl Subscription {
    /// Fires when a request enters, leaves or changes in my inbox.
    #[graphql(guard = "SignedIn")]
    async fn inbox_changed(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = InboxChange>> {
        let Principal::User { id, .. } = principal(ctx) else {
            return Err(crate::service::ServiceError::Unauthenticated.into());
        };
        let s = services(ctx)?.clone();
        // Roles are read once per subscription; a role change shows after reconnecting.
        let roles = roles_of(&s.db.conn, id).await?;
        let changes = BroadcastStream::new(s.subscribe()).filter_map(move |change| {
            let roles = roles.clone();
            async move {
                let change = change.ok()?;
                let mine =
                    change.users.contains(&id) || change.roles.iter().any(|r| roles.contains(r));
                mine.then(|| InboxChange {
                    request_id: ID(change.request_id.to_string()),
                })
            }
        });
        Ok(changes)
    }

    /// The request as it is after each change (only if the subscriber may see it).
    #[graphql(guard = "Authenticated")]
    async fn request_updated(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<impl Stream<Item = Request>> {
        let request_id = parse_id(&id, "request")?;
        let who = principal(ctx);
        let s = services(ctx)?.clone();
        s.visible_request(&who, request_id).await?;
        let changes = BroadcastStream::new(s.subscribe()).filter_map(move |change| {
            let s = s.clone();
            let who = who.clone();
            async move {
                let change = change.ok()?;
                if change.request_id != request_id {
                    return None;
                }
                s.visible_request(&who, request_id).await.ok().map(Request)
            }
        });
        Ok(changes)
    }
}
