//! Use cases, one function each: load, ask `workflow`, write state + event + outbox in one
//! transaction through `store`. Resolvers, the CLI and the Telegram edges all come here.

pub mod accounts;
pub mod archive;
pub mod attachments;
pub mod audit;
pub mod bot;
pub mod channel_check;
pub mod channels;
pub mod corrections;
pub mod error;
pub mod publications;
pub mod push;
pub mod reports;
pub mod requests;
pub mod search;
pub mod sla;
pub mod telegram_actions;

use std::sync::Arc;

use tokio::sync::broadcast;

pub use audit::Audit;
pub use error::{ServiceError, ServiceResult};

use crate::{
    auth::{jwt::JwtKeys, throttle::LoginThrottle},
    config::Settings,
    db::Db,
    storage::AttachmentStore,
    workflow::Role,
};

/// A change to a request that live views (subscriptions) may want to show.
#[derive(Debug, Clone)]
pub struct Change {
    pub request_id: i64,
    /// People whose inbox gained or lost the request.
    pub users: Vec<i64>,
    /// Roles whose shared inbox gained or lost the request.
    pub roles: Vec<Role>,
}

/// Everything the use cases need, cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub jwt: Arc<JwtKeys>,
    pub throttle: Arc<LoginThrottle>,
    pub attachments: AttachmentStore,
    changes: broadcast::Sender<Change>,
    /// The VAPID key pair for Web Push, when the server has one (see `push`).
    push_keys: Option<Arc<push::VapidKeys>>,
    /// The bot this server speaks as, once known (the sandbox's address is known only after
    /// the listener is bound).
    telegram: Arc<std::sync::OnceLock<BotEndpoint>>,
}

/// A bot and the Bot API server it talks to.
#[derive(Debug, Clone)]
pub struct BotEndpoint {
    pub token: String,
    pub api_url: String,
}

impl BotEndpoint {
    /// A teloxide client for this bot and server.
    pub fn client(&self) -> ServiceResult<teloxide::Bot> {
        let url = url::Url::parse(&self.api_url)
            .map_err(|e| ServiceError::Internal(format!("bad Bot API URL: {e}").into()))?;
        Ok(teloxide::Bot::new(self.token.clone()).set_api_url(url))
    }
}

impl Services {
    pub fn new(db: Db, settings: Arc<Settings>, jwt: Arc<JwtKeys>) -> Self {
        let (changes, _) = broadcast::channel(1024);
        Self {
            attachments: AttachmentStore::new(&settings.data_dir),
            db,
            settings,
            jwt,
            throttle: Arc::new(LoginThrottle::default()),
            changes,
            push_keys: None,
            telegram: Arc::new(std::sync::OnceLock::new()),
        }
    }

    /// Sets the bot this server speaks as (once; later calls are ignored).
    pub fn set_bot(&self, bot: BotEndpoint) {
        let _ = self.telegram.set(bot);
    }

    /// The bot this server speaks as, if it has one.
    pub fn bot(&self) -> Option<&BotEndpoint> {
        self.telegram.get()
    }

    /// Live changes, for subscriptions. A slow subscriber that lags simply misses changes and
    /// re-reads its view, so the channel stays bounded.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    pub(crate) fn announce(&self, change: Change) {
        // No subscriber is not an error.
        let _ = self.changes.send(change);
    }
}
