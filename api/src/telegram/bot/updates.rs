//! Handling stored updates: each update the poller or the webhook stored is handled once, in
//! the order Telegram numbered them, and marked processed; what was stored but not handled
//! when the server stopped is handled when it starts again.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use serde_json::Value;
use teloxide::types::{Message, Update, UpdateKind};
use tokio::sync::{Notify, watch};

use super::{
    BotContext, BotError, actions, intake, linking, status,
    texts::{self, Lang},
};

/// How often the handler looks for albums gone quiet when nothing wakes it.
const TICK: Duration = Duration::from_millis(500);

/// Handles stored updates until `stop`; `wake` tells it new ones were stored. Albums are
/// acknowledged only once `caught_up` says the updates waiting at Telegram since the start
/// were taken: an album's rest may be among them.
pub async fn run(
    ctx: BotContext,
    wake: Arc<Notify>,
    caught_up: Arc<AtomicBool>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        // Read first: what the first poll brought is stored before the flag is set, so it is
        // handled below before any album is judged complete.
        let ready = caught_up.load(Ordering::Acquire);
        if let Err(err) = handle_stored(&ctx).await {
            tracing::error!(error = %err, "cannot read the stored Telegram updates");
        }
        if ready && let Err(err) = intake::acknowledge_quiet_albums(&ctx).await {
            tracing::warn!(error = %err, "cannot acknowledge received albums");
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(TICK) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// Handles every stored update not handled yet, oldest first.
pub async fn handle_stored(ctx: &BotContext) -> Result<(), BotError> {
    loop {
        let batch = ctx.services.unprocessed_telegram_updates(100).await?;
        if batch.is_empty() {
            return Ok(());
        }
        for row in batch {
            tracing::debug!(update_id = row.update_id, "handling a Telegram update");
            let error = match handle(ctx, &row.payload).await {
                Ok(()) => None,
                Err(err) => {
                    tracing::warn!(update_id = row.update_id, error = %err, "a Telegram update failed");
                    Some(err.to_string())
                }
            };
            // Marked after handling: a crash in between hands the update over again on the
            // next start (the only window in which an update is handled twice), so the
            // effects are made safe to repeat rather than bound to this mark:
            // - exactly once: a dialogue's answer (the session records the message it saved
            //   and skips it when it comes again), the submitted request (`submitRequest` is
            //   not called again once the dialogue's letter belongs to a request), a link (the
            //   repeat finds its code used and is refused, so its reply says so), an
            //   official's button (its mutation carries the request's version: a repeat is a
            //   `CONFLICT`, not a second step);
            // - at least once: the bot's replies (Telegram has no idempotency key, a reply
            //   may be sent twice), and a file uploaded just before the crash (uploaded again;
            //   the first copy stays unattached).
            ctx.services.finish_telegram_update(row.id, error).await?;
        }
    }
}

/// Handles one update: button presses go to the officials' flow, private messages to it
/// first and then to linking, intake and `/status`. Groups and channels are not the bot's
/// business.
pub async fn handle(ctx: &BotContext, payload: &Value) -> Result<(), BotError> {
    let update: Update = serde_json::from_str(&payload.to_string())
        .map_err(|e| BotError::Malformed(e.to_string()))?;
    match &update.kind {
        UpdateKind::CallbackQuery(query) => actions::handle_callback(ctx, query).await,
        UpdateKind::Message(message) if message.chat.is_private() => {
            handle_private(ctx, message).await
        }
        _ => Ok(()),
    }
}

/// `/cmd@bot arg…` as (`cmd`, `arg…`), lower-cased command; `None` for plain text.
fn command(text: &str) -> Option<(String, &str)> {
    let rest = text.trim().strip_prefix('/')?;
    let (head, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let name = head.split('@').next().unwrap_or(head).to_lowercase();
    Some((name, arg.trim()))
}

async fn handle_private(ctx: &BotContext, message: &Message) -> Result<(), BotError> {
    if actions::handle_message(ctx, message).await? {
        return Ok(());
    }
    let chat_id = message.chat.id.0;
    let client_lang = Lang::from_code(
        message
            .from
            .as_ref()
            .and_then(|u| u.language_code.as_deref()),
    );
    // A dialogue keeps the language it started in.
    let lang = match ctx.services.intake_session(chat_id).await? {
        Some(session) => Lang::parse(&session.language),
        None => client_lang,
    };
    let command = message.text().and_then(command);
    match command.as_ref().map(|(c, a)| (c.as_str(), *a)) {
        Some(("start" | "link", code)) if !code.is_empty() => {
            return linking::link(ctx, message, code, client_lang).await;
        }
        Some(("link", _)) => return super::say(ctx, chat_id, texts::link_usage(lang)).await,
        Some(("batal" | "cancel", _)) => return intake::cancel(ctx, chat_id, lang).await,
        _ => {}
    }
    let Some(owner) = ctx.services.telegram_chat_owner(chat_id).await? else {
        if matches!(
            command.as_ref().map(|(c, _)| c.as_str()),
            Some("start" | "help" | "bantuan")
        ) {
            super::say(ctx, chat_id, texts::welcome(client_lang)).await?;
        }
        return super::say(ctx, chat_id, texts::not_linked(client_lang)).await;
    };
    match command.as_ref().map(|(c, _)| c.as_str()) {
        Some("start" | "help" | "bantuan") => super::say(ctx, chat_id, texts::welcome(lang)).await,
        Some("baru" | "new") => intake::start(ctx, message, &owner, client_lang).await,
        Some("status") => status::show(ctx, message, &owner, lang).await,
        Some(_) => super::say(ctx, chat_id, texts::unknown(lang)).await,
        None => {
            if !intake::answer(ctx, message, &owner).await? {
                super::say(ctx, chat_id, texts::welcome(lang)).await?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::command;

    #[test]
    fn commands_are_read_with_or_without_the_bot_name() {
        assert_eq!(
            command("/start ABCD-EFGH"),
            Some(("start".into(), "ABCD-EFGH"))
        );
        assert_eq!(command("/Status@warta_bot"), Some(("status".into(), "")));
        assert_eq!(
            command(" /link  abcd efgh "),
            Some(("link".into(), "abcd efgh"))
        );
        assert_eq!(command("judul"), None);
    }
}
