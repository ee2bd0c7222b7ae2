//! `/status`: the linked person's requests, latest first, with the step each is at and its
//! deadline in WIB — read through `requests` as that person, so they see exactly what the
//! PWA shows them.

use chrono::{DateTime, Utc};
use serde_json::json;
use teloxide::types::Message;

use super::{
    BotContext, BotError,
    texts::{self, Lang},
};
use crate::{notify::message::format_wib, service::bot::ChatOwner};

/// How many requests one answer lists.
const SHOWN: i32 = 10;

const QUERY: &str = "query($first: Int!) { requests(filter: {mine: true}, first: $first) { nodes { agendaNumber title status currentStepNumber rejectionReason openDisposition { slaDeadline } } } }";

pub async fn show(
    ctx: &BotContext,
    message: &Message,
    owner: &ChatOwner,
    lang: Lang,
) -> Result<(), BotError> {
    let chat_id = message.chat.id.0;
    let data = ctx
        .execute(&owner.principal, QUERY, json!({ "first": SHOWN }))
        .await?;
    let nodes = data["requests"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if nodes.is_empty() {
        return super::say(ctx, chat_id, texts::no_requests(lang)).await;
    }
    let mut text = texts::status_header(lang).to_owned();
    for node in &nodes {
        let status = node["status"].as_str().unwrap_or_default();
        let mut line = format!(
            "\n\n{} — {}\n",
            node["agendaNumber"].as_str().unwrap_or_default(),
            node["title"].as_str().unwrap_or_default()
        );
        if let Some(step) = node["currentStepNumber"].as_i64() {
            line.push_str(&format!("{step}. "));
        }
        line.push_str(texts::status_name(lang, status));
        if let Some(deadline) = node["openDisposition"]["slaDeadline"]
            .as_str()
            .and_then(|d| d.parse::<DateTime<Utc>>().ok())
        {
            line.push_str(&format!(
                ", {} {}",
                texts::deadline_label(lang),
                format_wib(deadline)
            ));
        }
        if let Some(reason) = node["rejectionReason"].as_str() {
            line.push_str(&format!(": {reason}"));
        }
        text.push_str(&line);
    }
    super::say(ctx, chat_id, &text).await
}
