//! Webhook mode: Telegram posts each update to `POST /telegram/webhook` with the secret token
//! given to `setWebhook`; the update is stored before the answer, so a failure to store makes
//! Telegram deliver it again, and a repeat is stored once.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use serde_json::Value;
use tokio::sync::Notify;

use crate::service::Services;

pub const PATH: &str = "/telegram/webhook";
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

#[derive(Clone)]
struct Hook {
    services: Services,
    secret: Arc<str>,
    wake: Arc<Notify>,
}

/// The webhook route, for any router state.
pub fn routes<S: Clone + Send + Sync + 'static>(
    services: Services,
    secret: String,
    wake: Arc<Notify>,
) -> Router<S> {
    Router::new().route(PATH, post(receive)).with_state(Hook {
        services,
        secret: secret.into(),
        wake,
    })
}

async fn receive(
    State(hook): State<Hook>,
    headers: HeaderMap,
    Json(update): Json<Value>,
) -> StatusCode {
    let presented = headers
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !constant_time_eq(presented, hook.secret.as_bytes()) {
        return StatusCode::UNAUTHORIZED;
    }
    if !update["update_id"].is_i64() {
        return StatusCode::BAD_REQUEST;
    }
    match hook.services.store_telegram_updates(&[update]).await {
        Ok(_) => {
            hook.wake.notify_one();
            StatusCode::OK
        }
        Err(err) => {
            tracing::error!(error = %err, "cannot store a Telegram update");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The secret token when none is configured: derived from the bot token, so every server of
/// the same bot agrees on it and nobody without the token can guess it.
pub fn derived_secret(bot_token: &str) -> String {
    crate::auth::password::sha256_hex(&format!("warta-telegram-webhook:{bot_token}"))
}
