//! The Bot API over HTTP: `/bot<token>/<method>` and `/file/bot<token>/<path>`, with the
//! real server's token and method checks, long polling, and the faults a test injected
//! (an error instead of the call, or an answer that is late, missing or an HTML 502 after
//! the call went through).

use std::time::{Duration, Instant};

use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::{
    Sandbox,
    errors::{
        BotError, INVALID_TOKEN, METHOD_NOT_FOUND, NOT_FOUND, TERMINATED_BY_OTHER_GET_UPDATES,
        UNAUTHORIZED, WEBHOOK_ACTIVE, bad_gateway_page, ok_response,
    },
    limits::{MAX_POLL_TIMEOUT_SECS, MAX_UPDATES_LIMIT},
    media::FileKind,
    model::Fault,
    params::Params,
    world::{PollEnd, Poller, token_well_formed},
};

/// The methods the sandbox answers; any other is `404 Not Found: method not found`.
pub const METHODS: &[&str] = &[
    "getMe",
    "getChat",
    "getChatMember",
    "sendMessage",
    "sendPhoto",
    "sendVideo",
    "sendDocument",
    "sendMediaGroup",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "deleteMessage",
    "sendChatAction",
    "getUpdates",
    "getFile",
    "answerCallbackQuery",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "logOut",
    "close",
];

/// How long a hang without a delay lasts at most (a reset ends it sooner).
const HANG_CAP: Duration = Duration::from_secs(600);
/// Two `getUpdates` with the same offset within this time: the second waits at least this
/// long for updates, as the real server makes tight short-polling loops wait.
const SHORT_POLL_GUARD: Duration = Duration::from_secs(3);

/// `/{bot<token>}/{method}`.
pub async fn bot_method(
    State(sandbox): State<Sandbox>,
    Path((bot, method)): Path<(String, String)>,
    http_req: Request,
) -> Response {
    let Some(token) = bot.strip_prefix("bot") else {
        return BotError::new(404, NOT_FOUND).into_response();
    };
    if token != sandbox.token() {
        let description = if token_well_formed(token) {
            UNAUTHORIZED
        } else {
            INVALID_TOKEN
        };
        return BotError::new(401, description).into_response();
    }
    let Some(method) = METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(&method))
        .copied()
    else {
        return BotError::new(404, METHOD_NOT_FOUND).into_response();
    };
    let params = match Params::from_request(http_req).await {
        Ok(params) => params,
        Err(e) => {
            sandbox.world().record_call(
                method,
                &Params::default(),
                e.code,
                Some(e.description.clone()),
                None,
            );
            return e.into_response();
        }
    };
    let key = method.to_ascii_lowercase();
    let fault = sandbox.world().take_fault(&key, &params);
    let fault_name = fault.as_ref().map(fault_label);

    // Faults that answer instead of the call.
    match &fault {
        Some(Fault::Error {
            error_code,
            description,
            parameters,
        }) => {
            let error = BotError {
                code: *error_code,
                description: description.clone(),
                parameters: parameters.clone(),
            };
            sandbox.world().record_call(
                method,
                &params,
                error.code,
                Some(error.description.clone()),
                fault_name,
            );
            return error.into_response();
        }
        Some(Fault::BadGateway { accept: false }) => {
            sandbox
                .world()
                .record_call(method, &params, 502, None, fault_name);
            return bad_gateway_page();
        }
        Some(Fault::Drop { accept: false }) => {
            sandbox
                .world()
                .record_call(method, &params, 0, None, fault_name);
            return dropped_connection();
        }
        _ => {}
    }
    if let Some(Fault::Hang {
        accept: false,
        delay_ms,
    }) = &fault
        && !sandbox.hang(*delay_ms).await
    {
        sandbox
            .world()
            .record_call(method, &params, 0, None, fault_name);
        return dropped_connection();
    }

    let outcome = run(&sandbox, method, &params).await;
    let (status, description) = match &outcome {
        Ok(_) => (200, None),
        Err(e) => (e.code, Some(e.description.clone())),
    };
    sandbox
        .world()
        .record_call(method, &params, status, description, fault_name);
    let response = match outcome {
        Ok((result, None)) => ok_response(result),
        Ok((result, Some(description))) => {
            axum::Json(json!({ "ok": true, "result": result, "description": description }))
                .into_response()
        }
        Err(e) => e.into_response(),
    };

    // Faults that strike after the call went through.
    match fault {
        Some(Fault::Hang {
            accept: true,
            delay_ms,
        }) => {
            if sandbox.hang(delay_ms).await {
                response
            } else {
                dropped_connection()
            }
        }
        Some(Fault::Drop { accept: true }) => dropped_connection(),
        Some(Fault::BadGateway { accept: true }) => bad_gateway_page(),
        _ => response,
    }
}

fn fault_label(fault: &Fault) -> String {
    match fault {
        Fault::Error { error_code, .. } => format!("error {error_code}"),
        Fault::Hang { accept, .. } => format!("hang (accept: {accept})"),
        Fault::Drop { accept } => format!("drop (accept: {accept})"),
        Fault::BadGateway { accept } => format!("bad_gateway (accept: {accept})"),
    }
}

/// A response whose body fails before its first byte: the server closes the connection
/// without writing an answer, so the client sees a reset, not a status.
fn dropped_connection() -> Response {
    let failing = futures::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "sandbox fault: connection dropped",
        ))
    });
    Response::new(Body::from_stream(failing))
}

type Outcome = Result<(Value, Option<&'static str>), BotError>;

async fn run(sandbox: &Sandbox, method: &str, p: &Params) -> Outcome {
    if method == "getUpdates" {
        return get_updates(sandbox, p).await.map(|v| (v, None));
    }
    let mut w = sandbox.world();
    let plain = |r: Result<Value, BotError>| r.map(|v| (v, None));
    match method {
        "getMe" => Ok((w.get_me(), None)),
        "getChat" => plain(w.get_chat(p)),
        "getChatMember" => plain(w.get_chat_member(p)),
        "sendMessage" => plain(w.send_message(p)),
        "sendPhoto" => plain(w.send_media(FileKind::Photo, p)),
        "sendVideo" => plain(w.send_media(FileKind::Video, p)),
        "sendDocument" => plain(w.send_media(FileKind::Document, p)),
        "sendMediaGroup" => plain(w.send_media_group(p)),
        "editMessageText" => plain(w.edit_message_text(p)),
        "editMessageCaption" => plain(w.edit_message_caption(p)),
        "editMessageReplyMarkup" => plain(w.edit_message_reply_markup(p)),
        "deleteMessage" => plain(w.delete_message(p)),
        "sendChatAction" => plain(w.send_chat_action(p)),
        "getFile" => plain(w.get_file(p)),
        "answerCallbackQuery" => plain(w.answer_callback_query(p)),
        "setWebhook" => w.set_webhook(p).map(|(v, d)| (v, Some(d))),
        "deleteWebhook" => {
            let (v, d) = w.delete_webhook(p);
            Ok((v, Some(d)))
        }
        "getWebhookInfo" => Ok((w.get_webhook_info(), None)),
        "setMyCommands" => plain(w.set_my_commands(p)),
        "getMyCommands" => Ok((w.get_my_commands(), None)),
        "deleteMyCommands" => Ok((w.delete_my_commands(), None)),
        "logOut" | "close" => Ok((json!(true), None)),
        _ => Err(BotError::new(404, METHOD_NOT_FOUND)),
    }
}

/// `getUpdates`: confirms by `offset`, answers at once when updates wait (or `timeout` is
/// 0), else waits for one; a newer `getUpdates` ends a waiting one with 409.
async fn get_updates(sandbox: &Sandbox, p: &Params) -> Result<Value, BotError> {
    let (my_id, mut cancel, mut signal, timeout, limit) = {
        let mut w = sandbox.world();
        if w.webhook_active() {
            return Err(BotError::conflict(WEBHOOK_ACTIVE));
        }
        let offset = p.int("offset").unwrap_or(0);
        let limit = p
            .int("limit")
            .unwrap_or(MAX_UPDATES_LIMIT)
            .clamp(1, MAX_UPDATES_LIMIT) as usize;
        let mut timeout = p
            .int("timeout")
            .unwrap_or(0)
            .clamp(0, MAX_POLL_TIMEOUT_SECS) as u64;
        w.set_allowed_updates(p);
        let now = Instant::now();
        if let Some((previous, at)) = w.last_poll
            && previous == offset
            && timeout < 3
            && now.duration_since(at) < SHORT_POLL_GUARD
        {
            timeout = 3;
        }
        w.last_poll = Some((offset, now));
        w.confirm(offset);
        if let Some(older) = w.poller.take() {
            let _ = older.cancel.send(PollEnd::Conflict);
        }
        let batch = w.collect(limit);
        if !batch.is_empty() || timeout == 0 {
            return Ok(Value::Array(batch));
        }
        w.poll_serial += 1;
        let (tx, rx) = oneshot::channel();
        let id = w.poll_serial;
        w.poller = Some(Poller { id, cancel: tx });
        (id, rx, w.update_signal.subscribe(), timeout, limit)
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        tokio::select! {
            end = &mut cancel => {
                return match end {
                    Ok(PollEnd::Conflict) => Err(BotError::conflict(TERMINATED_BY_OTHER_GET_UPDATES)),
                    Ok(PollEnd::Reset) | Err(_) => Ok(json!([])),
                };
            }
            () = tokio::time::sleep_until(deadline) => {
                let mut w = sandbox.world();
                if w.poller.as_ref().is_some_and(|p| p.id == my_id) {
                    w.poller = None;
                }
                return Ok(Value::Array(w.collect(limit)));
            }
            changed = signal.changed() => {
                if changed.is_err() {
                    return Ok(json!([]));
                }
                let mut w = sandbox.world();
                let batch = w.collect(limit);
                if !batch.is_empty() {
                    if w.poller.as_ref().is_some_and(|p| p.id == my_id) {
                        w.poller = None;
                    }
                    return Ok(Value::Array(batch));
                }
            }
        }
    }
}

/// `/file/{bot<token>}/{*path}`: the bytes behind a path `getFile` handed out.
pub async fn download(
    State(sandbox): State<Sandbox>,
    Path((bot, path)): Path<(String, String)>,
) -> Response {
    let authorized = bot
        .strip_prefix("bot")
        .is_some_and(|token| token == sandbox.token());
    if !authorized {
        return BotError::new(404, NOT_FOUND).into_response();
    }
    match sandbox.world().download(&path) {
        Some((bytes, mime)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, mime)],
            Body::from(bytes),
        )
            .into_response(),
        None => BotError::new(404, NOT_FOUND).into_response(),
    }
}

impl Sandbox {
    /// Waits out a hang: `delay_ms`, or until reset (at most [`HANG_CAP`]) without one.
    /// `false` when a reset or the cap ended it (the answer is then dropped).
    async fn hang(&self, delay_ms: Option<u64>) -> bool {
        let mut reset = self.inner.reset_signal.subscribe();
        let (limit, completes) = match delay_ms {
            Some(ms) => (Duration::from_millis(ms), true),
            None => (HANG_CAP, false),
        };
        tokio::select! {
            () = tokio::time::sleep(limit) => completes,
            _ = reset.changed() => false,
        }
    }
}
