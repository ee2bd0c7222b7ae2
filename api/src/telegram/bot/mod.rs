//! The bot: what people write and press in their private chat with it — requesters making
//! and following requests, officials acting on the step that landed on them. Updates are read
//! by long polling (or a webhook) and confirmed only after what they carry is stored.
//!
//! Like the publisher, the bot reaches the data only through GraphQL operations executed
//! in-process, as the person who wrote or pressed (or as the worker principal for what no
//! person does), so every rule the API enforces holds for Telegram too.

pub mod actions;

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
}

impl BotContext {
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
