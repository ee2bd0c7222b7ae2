//! The bot: what people write and press in their private chat with it — requesters making
//! and following requests, officials acting on the step that landed on them. Updates are read
//! by long polling (or a webhook) and confirmed only after what they carry is stored.
//!
//! Like the publisher, the bot reaches the data only through GraphQL operations executed
//! in-process, as the person who wrote or pressed (or as the worker principal for what no
//! person does), so every rule the API enforces holds for Telegram too.

pub mod actions;
mod intake;
mod linking;
pub mod officials;
pub mod poller;
mod status;
mod texts;
pub mod updates;
pub mod webhook;

use serde_json::Value;
use teloxide::Bot;

use crate::{
    auth::Principal,
    graphql::WartaSchema,
    service::{ServiceError, Services},
};

/// What every handler of an update needs: the schema to act through, the services for what
/// is not an API operation (the update log), and the bot to answer with.
#[derive(Clone)]
pub struct BotContext {
    pub schema: WartaSchema,
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
    /// The operation was refused; `code` is its `extensions.code` (e.g. `FORBIDDEN`,
    /// `CONFLICT`), so a handler can word the answer for the person.
    #[error("{message} ({code})")]
    Api { code: String, message: String },
    /// A file could not be fetched from Telegram.
    #[error("cannot download the file: {0}")]
    Download(String),
    /// A stored update that is not a Bot API update.
    #[error("not an update: {0}")]
    Malformed(String),
}

impl BotContext {
    /// Runs one GraphQL operation with a file, as `uploadAttachment` receives one from the
    /// PWA; `var_path` names the variable (e.g. `variables.file`).
    pub async fn execute_with_upload(
        &self,
        principal: &Principal,
        query: &str,
        variables: Value,
        var_path: &str,
        upload: async_graphql::UploadValue,
    ) -> Result<Value, BotError> {
        let mut request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(principal.clone());
        request.set_upload(var_path, upload);
        self.run(request).await
    }

    /// Runs one GraphQL operation as `principal` and returns its `data`, or the first error
    /// with its code.
    pub async fn execute(
        &self,
        principal: &Principal,
        query: &str,
        variables: Value,
    ) -> Result<Value, BotError> {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(principal.clone());
        self.run(request).await
    }

    async fn run(&self, request: async_graphql::Request) -> Result<Value, BotError> {
        let response = self.schema.execute(request).await;
        if let Some(error) = response.errors.first() {
            let code = error
                .extensions
                .as_ref()
                .and_then(|e| e.get("code"))
                .and_then(|c| match c {
                    async_graphql::Value::String(s) => Some(s.clone()),
                    async_graphql::Value::Enum(e) => Some(e.to_string()),
                    _ => None,
                })
                .unwrap_or_else(|| "INTERNAL".to_owned());
            return Err(BotError::Api {
                code,
                message: error.message.clone(),
            });
        }
        response.data.into_json().map_err(|e| BotError::Api {
            code: "INTERNAL".to_owned(),
            message: e.to_string(),
        })
    }
}

/// Sends a plain text message to a chat.
async fn say(ctx: &BotContext, chat_id: i64, text: &str) -> Result<(), BotError> {
    use teloxide::prelude::Requester;
    paced(|| ctx.bot.send_message(teloxide::types::ChatId(chat_id), text)).await?;
    Ok(())
}

/// Sends a request, waiting out Telegram's flood control (about one message a second per
/// chat) a few times: an answer to a person is worth a short wait, never a lost reply.
async fn paced<R>(
    request: impl Fn() -> R,
) -> Result<<R::Payload as teloxide::requests::Payload>::Output, BotError>
where
    R: teloxide::requests::Request<Err = teloxide::RequestError>,
{
    let mut attempts = 0;
    loop {
        match request().send().await {
            Err(teloxide::RequestError::RetryAfter(after)) if attempts < 5 => {
                attempts += 1;
                tokio::time::sleep(after.duration()).await;
            }
            other => return Ok(other?),
        }
    }
}

/// The bot running inside `warta serve`: its tasks, and the webhook route in webhook mode.
pub struct BotRuntime {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// `POST /telegram/webhook`, to be served when the bot runs by webhook.
    pub webhook: Option<axum::Router<crate::state::AppState>>,
}

impl BotRuntime {
    /// Waits for the tasks, which end once told to stop (the update in hand is finished).
    pub async fn finish(self) {
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Starts the bot when this server runs it (see `WARTA_NO_BOT`) and has a bot: the update
/// handler (which first handles what was stored and not handled before a stop), and the
/// receiver, which learns the bot's username (for deep links) and takes updates by long
/// polling (removing a webhook left from webhook mode) or by webhook
/// (`WARTA_TELEGRAM_WEBHOOK_URL`). Calls to Telegram happen in the tasks, as the sandbox may
/// be served by this very server, which is not serving yet.
pub fn start(
    state: &crate::state::AppState,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Option<BotRuntime> {
    let settings = &state.settings;
    if !settings.bot {
        return None;
    }
    let endpoint = state.services.bot()?.clone();
    let bot = match endpoint.client() {
        Ok(bot) => bot,
        Err(err) => {
            tracing::error!(error = %err, "cannot start the Telegram bot");
            return None;
        }
    };
    let ctx = BotContext {
        schema: state.schema.clone(),
        services: state.services.clone(),
        bot,
    };
    let wake = std::sync::Arc::new(tokio::sync::Notify::new());
    // By webhook, Telegram pushes what waits as soon as it can; nothing to catch up on here.
    let caught_up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(
        settings.telegram_webhook_url.is_some(),
    ));
    let webhook_secret = settings.telegram_webhook_url.as_ref().map(|_| {
        settings
            .telegram_webhook_secret
            .as_ref()
            .map(|s| secrecy::ExposeSecret::expose_secret(s).to_owned())
            .unwrap_or_else(|| webhook::derived_secret(&endpoint.token))
    });
    let webhook = webhook_secret
        .clone()
        .map(|secret| webhook::routes(ctx.services.clone(), secret, wake.clone()));
    let receiver = receive(
        ctx.clone(),
        endpoint,
        settings.telegram_webhook_url.clone().zip(webhook_secret),
        wake.clone(),
        caught_up.clone(),
        stop.clone(),
    );
    let tasks = vec![
        tokio::spawn(receiver),
        tokio::spawn(updates::run(ctx, wake, caught_up, stop)),
    ];
    Some(BotRuntime { tasks, webhook })
}

/// Sets up how updates arrive, then polls (or, by webhook, leaves it to the route).
async fn receive(
    ctx: BotContext,
    endpoint: crate::service::BotEndpoint,
    webhook: Option<(String, String)>,
    wake: std::sync::Arc<tokio::sync::Notify>,
    caught_up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    use teloxide::{payloads::SetWebhookSetters, prelude::Requester, types::AllowedUpdate};
    match ctx.bot.get_me().await {
        Ok(me) => {
            if let Err(error) = ctx.services.remember_bot_username(me.username()).await {
                tracing::warn!(%error, "cannot remember the bot's username");
            }
        }
        Err(error) => tracing::warn!(%error, "getMe failed; link codes come without a deep link"),
    }
    match webhook {
        Some((url, secret)) => {
            let set = match url::Url::parse(&url) {
                Ok(parsed) => ctx
                    .bot
                    .set_webhook(parsed)
                    .secret_token(secret)
                    .allowed_updates(vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery])
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match set {
                Ok(_) => tracing::info!(%url, "Telegram delivers the bot's updates by webhook"),
                Err(error) => {
                    tracing::error!(%url, %error, "setWebhook failed; updates wait at Telegram")
                }
            }
        }
        None => {
            // Going back to polling: a webhook left set would make every getUpdates a 409.
            if let Err(error) = ctx.bot.delete_webhook().await {
                tracing::warn!(%error, "deleteWebhook failed");
            }
            poller::Poller::new(
                ctx.services.clone(),
                &endpoint.api_url,
                &endpoint.token,
                wake,
                caught_up,
            )
            .run(stop)
            .await;
        }
    }
}
