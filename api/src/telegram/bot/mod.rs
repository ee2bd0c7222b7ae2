//! The bot: what people write and press in their private chat with it — requesters making
//! and following requests, officials acting on the step that landed on them. Updates are read
//! by long polling (or a webhook) and confirmed only after what they carry is stored.

pub mod actions;

use teloxide::Bot;

use crate::service::{ServiceError, Services};

/// What every handler of an update needs: the use cases and the bot to answer with.
#[derive(Clone)]
pub struct BotContext {
    pub services: Services,
    pub bot: Bot,
}

/// Why handling an update failed.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error("Telegram refused the call: {0}")]
    Telegram(#[from] teloxide::RequestError),
    #[error(transparent)]
    Service(#[from] ServiceError),
}
