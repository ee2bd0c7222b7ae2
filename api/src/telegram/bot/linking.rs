//! `/start CODE` and `/link CODE`: links the chat to the Warta account that asked for the
//! code in the PWA, through `linkTelegramAccount` as the worker (no person is signed in yet).

use serde_json::json;
use teloxide::types::Message;

use super::{
    BotContext, BotError,
    texts::{self, Lang},
};

pub async fn link(
    ctx: &BotContext,
    message: &Message,
    code: &str,
    lang: Lang,
) -> Result<(), BotError> {
    let chat_id = message.chat.id.0;
    if code.trim().is_empty() {
        return super::say(ctx, chat_id, texts::link_usage(lang)).await;
    }
    let worker = ctx.services.embedded_worker_principal().await?;
    let username = message.from.as_ref().and_then(|u| u.username.clone());
    let result = ctx
        .execute(
            &worker,
            "mutation($code: String!, $chat: ID!, $username: String) { linkTelegramAccount(code: $code, chatId: $chat, username: $username) { user { fullName } } }",
            json!({ "code": code.trim(), "chat": chat_id.to_string(), "username": username }),
        )
        .await;
    match result {
        Ok(data) => {
            let name = data["linkTelegramAccount"]["user"]["fullName"]
                .as_str()
                .unwrap_or_default();
            super::say(ctx, chat_id, &texts::linked(lang, name)).await
        }
        Err(BotError::Api { code, message }) if code == "BAD_USER_INPUT" => {
            super::say(ctx, chat_id, &texts::link_refused(lang, &message)).await
        }
        Err(e) => Err(e),
    }
}
