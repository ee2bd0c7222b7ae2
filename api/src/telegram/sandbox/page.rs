//! The read-only page at the sandbox's root: every channel with the posts it received, so a
//! person can see what a publication looked like. Every piece of text is escaped; message
//! formatting is rendered from the stored entities, never from the HTML a client sent.

use axum::{
    extract::{OriginalUri, State},
    response::Html,
};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    Sandbox,
    entities::escape_html,
    model::{ChatType, ChatView, MessageView},
};

pub async fn page(State(sandbox): State<Sandbox>, OriginalUri(uri): OriginalUri) -> Html<String> {
    let base = uri.path().trim_end_matches('/').to_owned();
    let (bot, chats): (Value, Vec<(ChatView, Vec<MessageView>)>) = {
        let w = sandbox.world();
        let chats = w
            .chats()
            .into_iter()
            .filter(|c| c.kind != ChatType::Private)
            .map(|c| {
                let messages = w.messages(c.id).unwrap_or_default();
                (c, messages)
            })
            .collect();
        (w.get_me(), chats)
    };
    Html(render(&base, &bot, &chats))
}

fn render(base: &str, bot: &Value, chats: &[(ChatView, Vec<MessageView>)]) -> String {
    let mut out = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Telegram sandbox</title><style>\
         body{font-family:system-ui,sans-serif;margin:0 auto;max-width:46rem;padding:1rem;background:#eef2f5;color:#111}\
         h1{font-size:1.3rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}\
         .post{background:#fff;border-radius:.6rem;padding:.7rem .9rem;margin:.6rem 0;box-shadow:0 1px 2px #0002}\
         .meta{color:#667;font-size:.8rem;margin-bottom:.3rem}.deleted{opacity:.5}.deleted .body{text-decoration:line-through}\
         .body{white-space:pre-wrap;overflow-wrap:anywhere}img{max-width:100%;border-radius:.4rem;display:block;margin:.3rem 0}\
         .buttons span{display:inline-block;border:1px solid #9ab;border-radius:.4rem;padding:.1rem .5rem;margin:.2rem .2rem 0 0;font-size:.85rem}\
         .tg-spoiler{background:#999;color:#999}blockquote{border-left:3px solid #5a8;margin:.3rem 0;padding-left:.6rem}\
         .empty{color:#667}</style></head><body>\n",
    );
    out.push_str(&format!(
        "<h1>Telegram sandbox · @{}</h1>\n",
        escape_html(bot["username"].as_str().unwrap_or(""))
    ));
    if chats.is_empty() {
        out.push_str("<p class=\"empty\">No channels or groups yet.</p>\n");
    }
    let mut ordered: Vec<&(ChatView, Vec<MessageView>)> = chats.iter().collect();
    ordered.sort_by_key(|(c, _)| (c.kind != ChatType::Channel, c.id));
    for (chat, messages) in ordered {
        out.push_str(&format!(
            "<section><h2>{}{} <small>({}, {})</small></h2>\n",
            escape_html(chat.title.as_deref().unwrap_or("")),
            chat.username
                .as_deref()
                .map(|u| format!(" · @{}", escape_html(u)))
                .unwrap_or_default(),
            kind_name(chat.kind),
            chat.id
        ));
        let shown: Vec<&MessageView> = messages.iter().filter(|m| m.kind != "service").collect();
        if shown.is_empty() {
            out.push_str("<p class=\"empty\">No posts yet.</p>\n");
        }
        for m in shown.into_iter().rev() {
            render_message(&mut out, base, m);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body></html>\n");
    out
}

fn kind_name(kind: ChatType) -> &'static str {
    match kind {
        ChatType::Private => "private",
        ChatType::Group => "group",
        ChatType::Supergroup => "supergroup",
        ChatType::Channel => "channel",
    }
}

fn date(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

fn render_message(out: &mut String, base: &str, m: &MessageView) {
    let class = if m.deleted { "post deleted" } else { "post" };
    out.push_str(&format!(
        "<article class=\"{class}\"><div class=\"meta\">#{} · {}",
        m.message_id,
        date(m.date)
    ));
    if !m.from_bot {
        out.push_str(" · not by the bot");
    }
    if let Some(group) = &m.media_group_id {
        out.push_str(&format!(" · album {}", escape_html(group)));
    }
    if let Some(edited) = m.edit_date {
        out.push_str(&format!(" · edited {}", date(edited)));
    }
    if let Some(deleted) = m.deleted_at {
        out.push_str(&format!(" · deleted {}", date(deleted)));
    }
    if m.sent_as.as_ref().is_some_and(|s| s.disable_notification) {
        out.push_str(" · silent");
    }
    out.push_str("</div>\n");
    if let Some(media) = &m.media {
        let url = format!("{base}/control/files/{}", escape_html(&media.file_id));
        match m.kind.as_str() {
            "photo" => out.push_str(&format!("<img src=\"{url}\" alt=\"photo\">\n")),
            _ => out.push_str(&format!(
                "<div><a href=\"{url}\">{} {}</a> ({} bytes)</div>\n",
                escape_html(&m.kind),
                escape_html(media.file_name.as_deref().unwrap_or("")),
                media.file_size
            )),
        }
    }
    if let Some(html) = m.html.as_deref().filter(|h| !h.is_empty()) {
        // `html` is built from stored entities by `entities::to_html`, which escapes all text.
        out.push_str(&format!("<div class=\"body\">{html}</div>\n"));
    }
    if let Some(rows) = m
        .reply_markup
        .as_ref()
        .and_then(|r| r.get("inline_keyboard"))
        .and_then(Value::as_array)
    {
        out.push_str("<div class=\"buttons\">");
        for button in rows.iter().filter_map(Value::as_array).flatten() {
            out.push_str(&format!(
                "<span>{}</span>",
                escape_html(button["text"].as_str().unwrap_or(""))
            ));
        }
        out.push_str("</div>\n");
    }
    out.push_str("</article>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::sandbox::{
        entities::MessageEntity,
        model::{BotMembership, ChatType},
    };
    use serde_json::json;

    fn message(text: &str, entities: Vec<MessageEntity>) -> MessageView {
        MessageView {
            message_id: 2,
            chat_id: -1,
            date: 0,
            from_bot: true,
            from_user_id: None,
            kind: "text".to_owned(),
            html: Some(super::super::entities::to_html(text, &entities)),
            text: Some(text.to_owned()),
            caption: None,
            entities,
            sent_as: None,
            media: None,
            media_group_id: None,
            reply_markup: Some(
                json!({ "inline_keyboard": [[{ "text": "<b>x</b>", "url": "https://a.b/" }]] }),
            ),
            reply_to_message_id: None,
            has_spoiler: false,
            show_caption_above_media: false,
            edit_date: None,
            edits: Vec::new(),
            deleted: false,
            deleted_at: None,
            service: None,
        }
    }

    #[test]
    fn everything_a_post_or_chat_says_is_escaped() {
        let chat = ChatView {
            id: -1_001,
            kind: ChatType::Channel,
            title: Some("<script>alert(1)</script>".to_owned()),
            username: Some("humas".to_owned()),
            bot: BotMembership::admin(),
            migrated_to_chat_id: None,
            migrated_from_chat_id: None,
            message_count: 1,
        };
        let post = message(
            "<img src=x onerror=alert(1)> & bold",
            vec![MessageEntity::new("bold", 31, 4)],
        );
        let html = render(
            "/telegram-sandbox",
            &json!({ "username": "warta_bot" }),
            &[(chat, vec![post])],
        );
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img src=x"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; <b>bold</b>"));
        assert!(html.contains("<span>&lt;b&gt;x&lt;/b&gt;</span>"));
    }
}
