//! The API's types for linking a Telegram chat to an account.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::telegram_account;

use crate::graphql::{services, types::User};

/// A one-time code to send to the bot (`/start CODE` or `/link CODE`), shown once.
#[derive(SimpleObject)]
pub struct TelegramLinkCode {
    /// As people read it, e.g. `K7QM-4XPA`.
    pub code: String,
    /// Ten minutes from now; the code works once.
    pub expires_at: DateTime<Utc>,
    /// `https://t.me/<bot>?start=<code>`: opens the bot with the code filled in (null until a
    /// bot has started and its username is known).
    pub deep_link: Option<String>,
}

/// A Telegram chat linked to an account.
pub struct TelegramLink(pub telegram_account::Model);

#[Object]
impl TelegramLink {
    /// The Telegram `@username` (without `@`) when the person has one.
    async fn username(&self) -> Option<&str> {
        self.0.username.as_deref()
    }
    async fn linked_at(&self) -> DateTime<Utc> {
        self.0.linked_at
    }
    /// The private chat with the bot, as a string (Telegram ids exceed 32 bits).
    async fn chat_id(&self) -> String {
        self.0.chat_id.to_string()
    }
    /// The account the chat speaks for.
    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        Ok(User(services(ctx)?.user_by_id(self.0.user_id).await?))
    }
}
