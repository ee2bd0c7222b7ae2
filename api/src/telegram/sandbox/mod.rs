//! A faithful local emulation of the Telegram Bot API server, for `warta serve --sandbox`
//! and the tests: the publisher, the worker and the bot talk to it exactly as they would to
//! `api.telegram.org` (teloxide with `Bot::set_api_url`), so it reproduces the real envelope,
//! status codes, error descriptions, limits, message id numbering, parse modes and flood
//! control (see `shared/docs/telegram.md`), and adds a control API for what tests need:
//! setting up chats, simulating people, injecting faults, moving the clock and reading back
//! exactly what each chat received.
//!
//! Routes, relative to where the router is mounted (`/telegram-sandbox`):
//! - `POST|GET /bot{token}/{method}`: the Bot API ([`bot_api::METHODS`]);
//! - `GET /file/bot{token}/{file_path}`: downloads of files `getFile` handed out;
//! - `/control/…`: the control API (JSON; see `control`);
//! - `GET /`: a read-only page with every channel's posts.
//!
//! State is kept in memory behind one mutex: this is a test double, faithful on the wire.

pub mod bot_api;
pub mod clock;
pub mod control;
pub mod entities;
pub mod errors;
pub mod limits;
pub mod media;
pub mod model;
pub mod page;
pub mod params;
pub mod rate;
mod world;

#[cfg(test)]
mod tests;

use std::{
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{any, get},
};
use serde_json::Value;
use tokio::sync::watch;

use self::world::{PollEnd, World};
pub use self::{
    errors::BotError,
    model::*,
    rate::{BucketConfig, RateLimits},
    world::ControlError,
};

/// The sandbox: one bot, its chats and its update queue. Cheap to clone.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    world: Mutex<World>,
    /// Bumped by `reset`, which ends every hanging answer.
    reset_signal: watch::Sender<u64>,
}

impl Sandbox {
    /// A sandbox whose bot answers to `bot_token` (its id is the number before the colon)
    /// and is called `@bot_username`. Telegram's flood limits are on; see
    /// [`Sandbox::set_rate_limits`].
    pub fn new(bot_token: String, bot_username: String) -> Self {
        let username = bot_username.trim_start_matches('@').to_owned();
        let (reset_signal, _) = watch::channel(0);
        Self {
            inner: Arc::new(Inner {
                world: Mutex::new(World::new(bot_token, username, RateLimits::default())),
                reset_signal,
            }),
        }
    }

    /// The routes, to be mounted under `/telegram-sandbox` (for example with
    /// `Router::nest_service`). Request bodies up to the Bot API's 50 MB upload limit are
    /// accepted here.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", get(page::page))
            .route("/{bot}/{method}", any(bot_api::bot_method))
            .route("/file/{bot}/{*path}", get(bot_api::download))
            .nest("/control", control::routes())
            .layer(DefaultBodyLimit::max(params::MAX_BODY_BYTES))
            .with_state(self.clone())
    }

    fn world(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.inner
            .world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The token the Bot API answers to.
    pub fn token(&self) -> String {
        self.world().bot.token.clone()
    }

    /// The bot's user id (the number before the colon of its token).
    pub fn bot_id(&self) -> i64 {
        self.world().bot.id
    }

    pub fn bot_username(&self) -> String {
        self.world().bot.username.clone()
    }

    /// Forgets every chat, user, message, file, update, fault and call, restores the
    /// default rate limits and the wall clock, and ends waiting polls and hanging answers.
    pub fn reset(&self) {
        let mut w = self.world();
        if let Some(poller) = w.poller.take() {
            let _ = poller.cancel.send(PollEnd::Reset);
        }
        w.reset();
        drop(w);
        self.inner.reset_signal.send_modify(|n| *n += 1);
    }

    pub fn create_chat(&self, spec: NewChat) -> Result<ChatView, ControlError> {
        self.world().create_chat(spec)
    }

    pub fn create_user(&self, spec: NewUser) -> Result<UserView, ControlError> {
        self.world().create_user(spec)
    }

    /// The chats, private ones included.
    pub fn chats(&self) -> Vec<ChatView> {
        self.world().chats()
    }

    /// Sets the bot's standing in a chat named by id or `@username`.
    pub fn set_bot_membership(
        &self,
        chat: &str,
        membership: BotMembership,
    ) -> Result<ChatView, ControlError> {
        let mut w = self.world();
        let id = w.find_chat(chat)?;
        w.set_bot_membership(id, membership)
    }

    /// Upgrades a basic group to a supergroup; returns the supergroup.
    pub fn migrate_group(&self, chat: &str) -> Result<ChatView, ControlError> {
        let mut w = self.world();
        let id = w.find_chat(chat)?;
        w.migrate(id, None)
    }

    pub fn set_user_blocked(&self, user_id: i64, blocked: bool) -> Result<UserView, ControlError> {
        self.world().set_user_blocked(user_id, blocked)
    }

    /// Everything a chat (by id or `@username`) received, in message id order.
    pub fn messages(&self, chat: &str) -> Result<Vec<MessageView>, ControlError> {
        let w = self.world();
        let id = w.find_chat(chat)?;
        w.messages(id)
    }

    /// A user writes to the bot; returns `{update_id, message}`.
    pub fn user_message(&self, user_id: i64, message: UserMessage) -> Result<Value, ControlError> {
        self.world().user_message(user_id, message)
    }

    /// A user sends an album: one message and one update per item.
    pub fn user_album(&self, user_id: i64, album: UserAlbum) -> Result<Value, ControlError> {
        self.world().user_album(user_id, album)
    }

    /// A user presses an inline button; returns `{callback_query_id, update_id}`.
    pub fn press_button(&self, user_id: i64, press: ButtonPress) -> Result<Value, ControlError> {
        self.world().button_press(user_id, press)
    }

    pub fn callbacks(&self) -> Vec<CallbackView> {
        self.world().callbacks()
    }

    /// Makes the next calls of a method misbehave; returns the fault's id.
    pub fn inject_fault(&self, fault: NewFault) -> Result<u64, ControlError> {
        self.world().add_fault(fault)
    }

    pub fn clear_faults(&self) {
        self.world().clear_faults();
    }

    /// Every Bot API call answered so far (the last 20 000).
    pub fn calls(&self) -> Vec<CallView> {
        self.world().calls().to_vec()
    }

    /// Moves the sandbox clock forward (message ages, callback expiry, rate buckets).
    pub fn advance_clock(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.world().clock.advance_ms(ms);
    }

    /// Stops the sandbox clock (it then moves only with `advance_clock`), or restarts it.
    pub fn freeze_clock(&self, frozen: bool) {
        self.world().clock.set_frozen(frozen);
    }

    /// The sandbox clock, in Unix seconds.
    pub fn now(&self) -> i64 {
        self.world().clock.now_secs()
    }

    pub fn set_rate_limits(&self, limits: RateLimits) {
        self.world().limiter.configure(limits);
    }

    pub fn rate_limits(&self) -> RateLimits {
        self.world().limiter.limits
    }

    /// Updates not yet confirmed by `getUpdates`.
    pub fn pending_updates(&self) -> Vec<Value> {
        self.world().pending_updates()
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the token.
        f.debug_struct("Sandbox")
            .field("bot_username", &self.bot_username())
            .finish_non_exhaustive()
    }
}
