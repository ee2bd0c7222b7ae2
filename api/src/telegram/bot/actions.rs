//! Officials' buttons: a press on a step's action button (disposition, approve, publish,
//! return, reject) is carried out through the GraphQL schema as the person who pressed, so the
//! same service and rules decide as for the API.
//!
//! A press counts only from the chat the button was sent to, while that chat is still linked
//! to the person it was for; only once (the token is taken with a conditional update); only
//! before the token expires; and only while the request is as it was when the button was
//! offered (the mutation carries that version, so a step that moved on is a `CONFLICT`). Every
//! press is answered, and a button that can no longer act is taken off the message.
//!
//! A return or rejection asks for the reason with a force-reply; the chat's next message is
//! the reason (`/batal` cancels).
//!
//! Step 2's channel toggles are the exception: pressed any number of times, each flips its
//! box on the message, and the forward press reads the choice back from the message's
//! keyboard, so what the official sees is what is sent.

use chrono::Utc;
use entity::telegram_action;
use serde_json::json;
use teloxide::{
    RequestError,
    payloads::{
        AnswerCallbackQuerySetters as _, EditMessageReplyMarkupSetters as _,
        EditMessageTextSetters as _, SendMessageSetters as _,
    },
    requests::{Request as _, Requester},
    types::{
        CallbackQuery, ChatId, ForceReply, InlineKeyboardButtonKind, LinkPreviewOptions, Message,
        MessageId, ParseMode, ReplyParameters,
    },
};

use super::{
    BotContext, BotError,
    officials::{Action, PressInput, read_toggle, toggle_label, toggled_channel},
};
use crate::{
    auth::Principal,
    notify::message::format_wib,
    service::telegram_actions::{CALLBACK_PREFIX, outcome},
    telegram::publisher::render::escape_html,
    workflow::Step,
};

/// Sends of one message when Telegram keeps answering 429.
const MAX_SENDS: u32 = 3;

/// The command that cancels a pending return or rejection.
const CANCEL: &str = "/batal";

const NOT_YOURS: &str = "Tombol ini bukan untuk Anda.";
const USED: &str = "Tombol ini sudah dipakai.";
const EXPIRED: &str = "Tombol ini sudah kedaluwarsa. Buka permohonan di aplikasi Warta.";
const STALE: &str =
    "Permohonan ini sudah berubah; langkah ini tidak lagi menunggu Anda. Lihat di aplikasi Warta.";
const UNKNOWN: &str = "Tombol ini tidak dikenal.";
const NONE_CHOSEN: &str = "Pilih dulu minimal satu kanal (☐ → ☑).";

/// Handles one button press.
pub async fn handle_callback(ctx: &BotContext, query: &CallbackQuery) -> Result<(), BotError> {
    let data = query.data.as_deref().unwrap_or_default();
    let token = if data.starts_with(CALLBACK_PREFIX) {
        ctx.services.telegram_action(data).await?
    } else {
        None
    };
    let Some(token) = token else {
        return answer(ctx, query, UNKNOWN).await;
    };
    let presser = i64::try_from(query.from.id.0).unwrap_or(-1);
    let owner = ctx.services.telegram_chat_owner(presser).await?;
    let Some(owner) = owner.filter(|o| o.user.id == token.user_id && token.chat_id == presser)
    else {
        tracing::warn!(
            action_id = token.id,
            presser,
            "a button pressed by someone else"
        );
        return answer(ctx, query, NOT_YOURS).await;
    };
    if let Some(channel_id) = toggled_channel(&token.action) {
        return toggle_channel(ctx, query, &token, channel_id).await;
    }
    if token.pressed_at.is_some() {
        remove_buttons(ctx, query).await;
        return answer(ctx, query, USED).await;
    }
    if token.expires_at <= Utc::now() {
        if ctx.services.press_telegram_action(token.id, None).await? {
            ctx.services
                .finish_telegram_action(token.id, outcome::EXPIRED)
                .await?;
        }
        remove_buttons(ctx, query).await;
        return answer(ctx, query, EXPIRED).await;
    }
    // Only a forward from a message with toggles carries a choice of channels.
    let channels = if Action::parse(&token.action) == Some(Action::Forward) {
        chosen_channels(ctx, query, &token).await?
    } else {
        None
    };
    if channels.as_ref().is_some_and(Vec::is_empty) {
        return answer(ctx, query, NONE_CHOSEN).await;
    }
    let message_id = query.regular_message().map(|m| m.id.0);
    if !ctx
        .services
        .press_telegram_action(token.id, message_id)
        .await?
    {
        remove_buttons(ctx, query).await;
        return answer(ctx, query, USED).await;
    }
    let token = telegram_action::Model {
        message_id,
        ..token
    };
    let (Some(action), Some(step)) = (
        Action::parse(&token.action),
        current_step_of(ctx, &owner.principal, &token).await?,
    ) else {
        ctx.services
            .finish_telegram_action(token.id, outcome::STALE)
            .await?;
        remove_buttons(ctx, query).await;
        return answer(ctx, query, STALE).await;
    };
    if action.needs_reason() {
        ctx.services.ask_telegram_reason(token.id).await?;
        answer(ctx, query, "Tulis alasannya sebagai balasan.").await?;
        let what = if action == Action::Return {
            "pengembalian"
        } else {
            "penolakan"
        };
        let prompt = ctx
            .bot
            .send_message(
                ChatId(token.chat_id),
                format!(
                    "Tulis alasan {what} sebagai balasan pesan ini. Ketik {CANCEL} untuk membatalkan."
                ),
            )
            .reply_markup(ForceReply::new().input_field_placeholder(Some("Alasan".into())));
        paced(|| prompt.clone().send()).await?;
        return Ok(());
    }
    let done = run(
        ctx,
        &owner.principal,
        &owner.user.full_name,
        &token,
        action,
        step,
        PressInput {
            reason: "",
            channel_ids: channels.as_deref().unwrap_or_default(),
        },
    )
    .await?;
    answer(ctx, query, &done).await
}

/// Reads the choice back from the pressed message's keyboard: the ticked toggles that were
/// offered with this button (same person, same step); `None` when the message has no toggles.
async fn chosen_channels(
    ctx: &BotContext,
    query: &CallbackQuery,
    token: &telegram_action::Model,
) -> Result<Option<Vec<i64>>, BotError> {
    let toggles: Vec<(bool, String)> = callback_buttons(query)
        .into_iter()
        .filter_map(|(label, data)| read_toggle(&label).map(|(_, ticked)| (ticked, data)))
        .collect();
    if toggles.is_empty() {
        return Ok(None);
    }
    let mut chosen = Vec::new();
    for (_, data) in toggles.iter().filter(|(ticked, _)| *ticked) {
        let toggle = ctx.services.telegram_action(data).await?;
        if let Some(channel) = toggle
            .filter(|t| t.user_id == token.user_id && t.disposition_id == token.disposition_id)
            .and_then(|t| toggled_channel(&t.action))
        {
            chosen.push(channel);
        }
    }
    Ok(Some(chosen))
}

/// The callback buttons of the pressed message: (text, callback data).
fn callback_buttons(query: &CallbackQuery) -> Vec<(String, String)> {
    query
        .regular_message()
        .and_then(Message::reply_markup)
        .map(|markup| {
            markup
                .inline_keyboard
                .iter()
                .flatten()
                .filter_map(|button| match &button.kind {
                    InlineKeyboardButtonKind::CallbackData(data) => {
                        Some((button.text.clone(), data.clone()))
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Flips one channel's box on the message; nothing is stored until the forward press.
async fn toggle_channel(
    ctx: &BotContext,
    query: &CallbackQuery,
    token: &telegram_action::Model,
    channel_id: i64,
) -> Result<(), BotError> {
    if token.expires_at <= Utc::now() {
        remove_buttons(ctx, query).await;
        return answer(ctx, query, EXPIRED).await;
    }
    let Some(message) = query.regular_message() else {
        return answer(ctx, query, EXPIRED).await;
    };
    let Some(mut markup) = message.reply_markup().cloned() else {
        return answer(ctx, query, STALE).await;
    };
    let pressed = query.data.as_deref().unwrap_or_default();
    let mut flipped = None;
    for button in markup.inline_keyboard.iter_mut().flatten() {
        let is_pressed =
            matches!(&button.kind, InlineKeyboardButtonKind::CallbackData(d) if d == pressed);
        if let (true, Some((name, chosen))) = (is_pressed, read_toggle(&button.text)) {
            flipped = Some((name.to_owned(), !chosen));
            button.text = toggle_label(name, !chosen);
        }
    }
    let Some((name, chosen)) = flipped else {
        return answer(ctx, query, STALE).await;
    };
    let edit = ctx
        .bot
        .edit_message_reply_markup(message.chat.id, message.id)
        .reply_markup(markup);
    paced(|| edit.clone().send()).await?;
    tracing::debug!(
        action_id = token.id,
        channel_id,
        chosen,
        "a channel toggled"
    );
    let what = if chosen { "dipilih" } else { "tidak dipilih" };
    answer(ctx, query, &format!("{name} {what}.")).await
}

/// Offers a private message to the officials' flow first (the reason asked for after a
/// "return" or "reject" press); `true` when it was theirs and is handled, so intake leaves it
/// alone.
pub async fn handle_message(ctx: &BotContext, message: &Message) -> Result<bool, BotError> {
    if !message.chat.is_private() {
        return Ok(false);
    }
    let chat_id = message.chat.id.0;
    let Some(token) = ctx.services.pending_telegram_reason(chat_id).await? else {
        return Ok(false);
    };
    let text = message.text().map(str::trim).unwrap_or_default();
    // Another command is not a reason; it goes where commands go, and the question stays.
    if text.starts_with('/') && !text.eq_ignore_ascii_case(CANCEL) {
        return Ok(false);
    }
    let Some(owner) = ctx
        .services
        .telegram_chat_owner(chat_id)
        .await?
        .filter(|o| o.user.id == token.user_id)
    else {
        ctx.services
            .finish_telegram_action(token.id, outcome::REFUSED)
            .await?;
        reply(ctx, message, NOT_YOURS).await?;
        return Ok(true);
    };
    if text.eq_ignore_ascii_case(CANCEL) {
        ctx.services
            .finish_telegram_action(token.id, outcome::CANCELLED)
            .await?;
        reply(ctx, message, "Dibatalkan; permohonan tidak diubah.").await?;
        return Ok(true);
    }
    if text.is_empty() {
        reply(
            ctx,
            message,
            &format!("Tulis alasannya sebagai teks, atau {CANCEL} untuk membatalkan."),
        )
        .await?;
        return Ok(true);
    }
    let (Some(action), Some(step)) = (
        Action::parse(&token.action),
        current_step_of(ctx, &owner.principal, &token).await?,
    ) else {
        ctx.services
            .finish_telegram_action(token.id, outcome::STALE)
            .await?;
        reply(ctx, message, STALE).await?;
        return Ok(true);
    };
    let done = run(
        ctx,
        &owner.principal,
        &owner.user.full_name,
        &token,
        action,
        step,
        PressInput {
            reason: text,
            channel_ids: &[],
        },
    )
    .await?;
    reply(ctx, message, &done).await?;
    Ok(true)
}

/// The step the token was offered for, if the request still waits there at the same version.
async fn current_step_of(
    ctx: &BotContext,
    principal: &Principal,
    token: &telegram_action::Model,
) -> Result<Option<Step>, BotError> {
    let data = match ctx
        .execute(
            principal,
            "query($id: ID!) { request(id: $id) { version currentStepNumber } }",
            json!({ "id": token.request_id.to_string() }),
        )
        .await
    {
        Ok(data) => data,
        // No longer visible to this person: the step has left them.
        Err(BotError::Api { code, .. }) if code == "NOT_FOUND" || code == "FORBIDDEN" => {
            return Ok(None);
        }
        Err(err) => return Err(err),
    };
    let request = &data["request"];
    let same = request["version"].as_i64() == Some(i64::from(token.request_version));
    Ok(request["currentStepNumber"]
        .as_i64()
        .and_then(|n| i16::try_from(n).ok())
        .and_then(Step::from_number)
        .filter(|_| same))
}

/// Runs the action's mutation as the official, records how it ended, and shows on the direct
/// message what was done, by whom and when; returns the answer for the person.
async fn run(
    ctx: &BotContext,
    principal: &Principal,
    name: &str,
    token: &telegram_action::Model,
    action: Action,
    step: Step,
    input: PressInput<'_>,
) -> Result<String, BotError> {
    let (query, variables) = action.mutation(step, token.request_id, token.request_version, input);
    match ctx.execute(principal, query, variables).await {
        Ok(_) => {
            ctx.services
                .finish_telegram_action(token.id, outcome::DONE)
                .await?;
            let done = action.done(step);
            let note = format!(
                "✅ <b>{}</b> oleh {} pada {}.",
                escape_html(done),
                escape_html(name),
                format_wib(Utc::now())
            );
            show_on_message(ctx, principal, token, &note).await;
            tracing::info!(
                action_id = token.id,
                request_id = token.request_id,
                action = action.as_str(),
                "an official acted from Telegram"
            );
            Ok(format!("{done}."))
        }
        // A reason that breaks a rule (empty, too long): the question stays open.
        Err(BotError::Api { code, message })
            if code == "BAD_USER_INPUT" && action.needs_reason() =>
        {
            Ok(format!("{message}. Tulis alasan lain, atau {CANCEL}."))
        }
        Err(BotError::Api { code, message }) => {
            let (how, text) = match code.as_str() {
                "CONFLICT" | "NOT_FOUND" => (outcome::STALE, STALE.to_owned()),
                "FORBIDDEN" => (
                    outcome::REFUSED,
                    "Anda tidak berwenang untuk langkah ini.".to_owned(),
                ),
                _ => (
                    outcome::REFUSED,
                    format!("Tidak dapat dilakukan: {message}"),
                ),
            };
            ctx.services.finish_telegram_action(token.id, how).await?;
            show_on_message(ctx, principal, token, &escape_html(&text)).await;
            Ok(text)
        }
        Err(err) => Err(err),
    }
}

/// Replaces the direct message the button sat on with the request's heading and `note`, with
/// no buttons left on it. Best effort: the action stands whether or not the edit works.
async fn show_on_message(
    ctx: &BotContext,
    principal: &Principal,
    token: &telegram_action::Model,
    note: &str,
) {
    let Some(message_id) = token.message_id else {
        return;
    };
    let heading = ctx
        .execute(
            principal,
            "query($id: ID!) { request(id: $id) { agendaNumber title } }",
            json!({ "id": token.request_id.to_string() }),
        )
        .await
        .ok()
        .map(|data| {
            format!(
                "<b>{}</b>\n{}\n\n",
                escape_html(data["request"]["agendaNumber"].as_str().unwrap_or_default()),
                escape_html(data["request"]["title"].as_str().unwrap_or_default())
            )
        })
        .unwrap_or_default();
    let url = format!(
        "{}/request/{}",
        ctx.services.settings.public_url, token.request_id
    );
    let text = format!(
        "{heading}{note}\n\n<a href=\"{}\">Buka di aplikasi Warta</a>",
        escape_html(&url)
    );
    let edit = ctx
        .bot
        .edit_message_text(ChatId(token.chat_id), MessageId(message_id), text)
        .parse_mode(ParseMode::Html)
        .link_preview_options(LinkPreviewOptions {
            is_disabled: true,
            url: None,
            prefer_small_media: false,
            prefer_large_media: false,
            show_above_text: false,
        });
    if let Err(err) = paced(|| edit.clone().send()).await {
        tracing::warn!(error = %err, action_id = token.id, "cannot update the direct message");
    }
}

/// Takes the buttons off the pressed message. Best effort, as above.
async fn remove_buttons(ctx: &BotContext, query: &CallbackQuery) {
    let Some(message) = query.regular_message() else {
        return;
    };
    let edit = ctx
        .bot
        .edit_message_reply_markup(message.chat.id, message.id);
    if let Err(err) = paced(|| edit.clone().send()).await {
        tracing::warn!(error = %err, "cannot take the buttons off a message");
    }
}

async fn answer(ctx: &BotContext, query: &CallbackQuery, text: &str) -> Result<(), BotError> {
    ctx.bot
        .answer_callback_query(query.id.clone())
        .text(text.chars().take(200).collect::<String>())
        .await?;
    Ok(())
}

async fn reply(ctx: &BotContext, message: &Message, text: &str) -> Result<(), BotError> {
    let send = ctx
        .bot
        .send_message(message.chat.id, text)
        .reply_parameters(ReplyParameters::new(message.id));
    paced(|| send.clone().send()).await?;
    Ok(())
}

/// Sends a call, and again after the wait when Telegram answers 429 (about one message a
/// second per chat: a reply right after an edit can meet it). Nothing was delivered on a 429,
/// so sending again is safe.
async fn paced<T, F, Fut>(call: F) -> Result<T, RequestError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut sends = 0;
    loop {
        sends += 1;
        match call().await {
            Err(RequestError::RetryAfter(wait)) if sends < MAX_SENDS => {
                tokio::time::sleep(wait.duration()).await;
            }
            result => return result,
        }
    }
}
