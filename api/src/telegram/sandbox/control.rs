//! The control API under `/control/`: JSON in and out, for tests and for `warta serve
//! --sandbox` to set the world up, simulate people, inject faults, move the clock and read
//! back what every chat received. It is a test double's back door, not part of Telegram.

use axum::{
    Json, Router,
    body::{Body, Bytes},
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::{
    Sandbox,
    model::{
        BotMembership, ButtonPress, ChannelPost, NewChat, NewFault, NewUser, UserAlbum, UserMessage,
    },
    rate::RateLimits,
    world::ControlError,
};

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        (status, Json(json!({ "error": self.message }))).into_response()
    }
}

type Answer = Result<Json<Value>, ControlError>;

fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ControlError> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        bytes
    };
    serde_json::from_slice(bytes)
        .map_err(|e| ControlError::bad_request(format!("invalid body: {e}")))
}

fn to_json(value: impl serde::Serialize) -> Answer {
    serde_json::to_value(value)
        .map(Json)
        .map_err(|e| ControlError::bad_request(e.to_string()))
}

pub fn routes() -> Router<Sandbox> {
    Router::new()
        .route("/", get(index))
        .route("/reset", post(reset))
        .route("/bot", get(bot))
        .route("/clock", get(clock).post(set_clock))
        .route("/rate-limits", get(rate_limits).put(set_rate_limits))
        .route("/faults", get(faults).post(add_fault).delete(clear_faults))
        .route("/chats", get(chats).post(create_chat))
        .route("/chats/{chat}", get(chat))
        .route("/chats/{chat}/bot", put(set_bot))
        .route("/chats/{chat}/migrate", post(migrate))
        .route("/chats/{chat}/messages", get(messages))
        .route("/chats/{chat}/posts", post(channel_post))
        .route("/users", get(users).post(create_user))
        .route("/users/{id}", get(user))
        .route("/users/{id}/blocked", put(set_blocked))
        .route("/users/{id}/messages", post(user_message))
        .route("/users/{id}/album", post(user_album))
        .route("/users/{id}/callback", post(button_press))
        .route("/updates", get(updates))
        .route("/callbacks", get(callbacks))
        .route("/calls", get(calls))
        .route("/webhook", get(webhook))
        .route("/files/{file_id}", get(file))
}

async fn index() -> Json<Value> {
    Json(json!({
        "routes": [
            "POST /control/reset",
            "GET /control/bot",
            "GET|POST /control/clock  {advance_seconds | set (unix) | frozen}",
            "GET|PUT /control/rate-limits",
            "GET|POST|DELETE /control/faults",
            "GET|POST /control/chats",
            "GET /control/chats/{chat}",
            "PUT /control/chats/{chat}/bot",
            "POST /control/chats/{chat}/migrate",
            "GET /control/chats/{chat}/messages",
            "POST /control/chats/{chat}/posts",
            "GET|POST /control/users",
            "GET /control/users/{id}",
            "PUT /control/users/{id}/blocked",
            "POST /control/users/{id}/messages",
            "POST /control/users/{id}/album",
            "POST /control/users/{id}/callback",
            "GET /control/updates",
            "GET /control/callbacks",
            "GET /control/calls?method=",
            "GET /control/webhook",
            "GET /control/files/{file_id}",
        ]
    }))
}

async fn reset(State(sandbox): State<Sandbox>) -> Json<Value> {
    sandbox.reset();
    Json(json!({ "ok": true }))
}

async fn bot(State(sandbox): State<Sandbox>) -> Json<Value> {
    let w = sandbox.world();
    Json(w.get_me())
}

async fn clock(State(sandbox): State<Sandbox>) -> Answer {
    to_json(sandbox.world().clock.view())
}

#[derive(Deserialize)]
struct ClockChange {
    #[serde(default)]
    advance_seconds: Option<f64>,
    /// Unix seconds.
    #[serde(default)]
    set: Option<f64>,
    #[serde(default)]
    frozen: Option<bool>,
}

async fn set_clock(State(sandbox): State<Sandbox>, bytes: Bytes) -> Answer {
    let change: ClockChange = body(&bytes)?;
    let mut w = sandbox.world();
    if let Some(frozen) = change.frozen {
        w.clock.set_frozen(frozen);
    }
    if let Some(to) = change.set {
        w.clock.set_ms((to * 1000.0) as i64);
    }
    if let Some(by) = change.advance_seconds {
        w.clock.advance_ms((by * 1000.0) as i64);
    }
    to_json(w.clock.view())
}

async fn rate_limits(State(sandbox): State<Sandbox>) -> Answer {
    to_json(sandbox.world().limiter.limits)
}

async fn set_rate_limits(State(sandbox): State<Sandbox>, bytes: Bytes) -> Answer {
    let limits: RateLimits = body(&bytes)?;
    sandbox.world().limiter.configure(limits);
    to_json(limits)
}

async fn faults(State(sandbox): State<Sandbox>) -> Answer {
    to_json(sandbox.world().faults())
}

async fn add_fault(State(sandbox): State<Sandbox>, bytes: Bytes) -> Answer {
    let rule: NewFault = body(&bytes)?;
    let id = sandbox.world().add_fault(rule)?;
    Ok(Json(json!({ "id": id })))
}

async fn clear_faults(State(sandbox): State<Sandbox>) -> Json<Value> {
    sandbox.world().clear_faults();
    Json(json!({ "ok": true }))
}

async fn chats(State(sandbox): State<Sandbox>) -> Answer {
    to_json(sandbox.world().chats())
}

async fn create_chat(State(sandbox): State<Sandbox>, bytes: Bytes) -> Answer {
    let spec: NewChat = body(&bytes)?;
    to_json(sandbox.world().create_chat(spec)?)
}

async fn chat(State(sandbox): State<Sandbox>, Path(chat): Path<String>) -> Answer {
    let w = sandbox.world();
    let id = w.find_chat(&chat)?;
    to_json(w.chat_view(id)?)
}

async fn set_bot(State(sandbox): State<Sandbox>, Path(chat): Path<String>, bytes: Bytes) -> Answer {
    let membership: BotMembership = body(&bytes)?;
    let mut w = sandbox.world();
    let id = w.find_chat(&chat)?;
    to_json(w.set_bot_membership(id, membership)?)
}

#[derive(Deserialize, Default)]
struct Migration {
    #[serde(default)]
    supergroup_id: Option<i64>,
}

async fn migrate(State(sandbox): State<Sandbox>, Path(chat): Path<String>, bytes: Bytes) -> Answer {
    let migration: Migration = body(&bytes)?;
    let mut w = sandbox.world();
    let id = w.find_chat(&chat)?;
    to_json(w.migrate(id, migration.supergroup_id)?)
}

async fn messages(State(sandbox): State<Sandbox>, Path(chat): Path<String>) -> Answer {
    let w = sandbox.world();
    let id = w.find_chat(&chat)?;
    to_json(w.messages(id)?)
}

async fn channel_post(
    State(sandbox): State<Sandbox>,
    Path(chat): Path<String>,
    bytes: Bytes,
) -> Answer {
    let post: ChannelPost = body(&bytes)?;
    let mut w = sandbox.world();
    let id = w.find_chat(&chat)?;
    Ok(Json(w.channel_post(id, post)?))
}

async fn users(State(sandbox): State<Sandbox>) -> Answer {
    to_json(sandbox.world().users())
}

async fn create_user(State(sandbox): State<Sandbox>, bytes: Bytes) -> Answer {
    let spec: NewUser = body(&bytes)?;
    to_json(sandbox.world().create_user(spec)?)
}

async fn user(State(sandbox): State<Sandbox>, Path(id): Path<i64>) -> Answer {
    to_json(sandbox.world().user_view(id)?)
}

#[derive(Deserialize)]
struct Blocked {
    blocked: bool,
}

async fn set_blocked(State(sandbox): State<Sandbox>, Path(id): Path<i64>, bytes: Bytes) -> Answer {
    let blocked: Blocked = body(&bytes)?;
    to_json(sandbox.world().set_user_blocked(id, blocked.blocked)?)
}

async fn user_message(State(sandbox): State<Sandbox>, Path(id): Path<i64>, bytes: Bytes) -> Answer {
    let spec: UserMessage = body(&bytes)?;
    Ok(Json(sandbox.world().user_message(id, spec)?))
}

async fn user_album(State(sandbox): State<Sandbox>, Path(id): Path<i64>, bytes: Bytes) -> Answer {
    let album: UserAlbum = body(&bytes)?;
    Ok(Json(sandbox.world().user_album(id, album)?))
}

async fn button_press(State(sandbox): State<Sandbox>, Path(id): Path<i64>, bytes: Bytes) -> Answer {
    let press: ButtonPress = body(&bytes)?;
    Ok(Json(sandbox.world().button_press(id, press)?))
}

async fn updates(State(sandbox): State<Sandbox>) -> Json<Value> {
    Json(Value::Array(sandbox.world().pending_updates()))
}

async fn callbacks(State(sandbox): State<Sandbox>) -> Answer {
    to_json(sandbox.world().callbacks())
}

#[derive(Deserialize)]
struct CallFilter {
    #[serde(default)]
    method: Option<String>,
}

async fn calls(State(sandbox): State<Sandbox>, Query(filter): Query<CallFilter>) -> Answer {
    let w = sandbox.world();
    let calls: Vec<_> = w
        .calls()
        .iter()
        .filter(|c| {
            filter
                .method
                .as_deref()
                .is_none_or(|m| c.method.eq_ignore_ascii_case(m))
        })
        .collect();
    to_json(calls)
}

async fn webhook(State(sandbox): State<Sandbox>) -> Json<Value> {
    Json(sandbox.world().webhook_view())
}

async fn file(State(sandbox): State<Sandbox>, Path(file_id): Path<String>) -> Response {
    match sandbox.world().file_bytes(&file_id) {
        Some((bytes, mime)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, mime)],
            Body::from(bytes),
        )
            .into_response(),
        None => ControlError::not_found("no such file").into_response(),
    }
}
