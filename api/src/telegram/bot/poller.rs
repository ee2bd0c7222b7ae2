//! Long polling: `getUpdates` with the offset of the last stored update, so an update is
//! confirmed to Telegram only by the call after the one that brought it, once it is stored.
//! A 409 means another poller (or a webhook) takes this bot's updates: it is logged plainly
//! and the poller backs off rather than fighting over them.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use serde_json::{Value, json};
use tokio::sync::{Notify, watch};

use crate::service::Services;

/// Seconds Telegram holds a `getUpdates` open when there is nothing to deliver.
const POLL_TIMEOUT_SECS: u64 = 25;
/// The updates the bot handles.
pub const ALLOWED_UPDATES: [&str; 2] = ["message", "callback_query"];
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// After a 409: whoever else polls keeps the updates for a while before we try again.
const CONFLICT_BACKOFF: Duration = Duration::from_secs(10);

/// Why a `getUpdates` brought nothing.
#[derive(Debug)]
enum PollError {
    /// 409: another `getUpdates` or a webhook.
    Conflict(String),
    /// 429: wait this long.
    RetryAfter(Duration),
    /// Anything else: the network, a 5xx, a refused token.
    Other(String),
}

pub struct Poller {
    services: Services,
    http: reqwest::Client,
    /// `{api_url}/bot{token}`.
    base: String,
    wake: Arc<Notify>,
    /// Set once the first poll since start has been stored (see `updates::run`).
    caught_up: Arc<AtomicBool>,
}

impl Poller {
    pub fn new(
        services: Services,
        api_url: &str,
        token: &str,
        wake: Arc<Notify>,
        caught_up: Arc<AtomicBool>,
    ) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(POLL_TIMEOUT_SECS + 15))
            .build()
            .unwrap_or_default();
        Self {
            services,
            http,
            base: format!("{}/bot{token}", api_url.trim_end_matches('/')),
            wake,
            caught_up,
        }
    }

    /// Polls until `stop`; what it receives is stored, then handled by the update handler.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut backoff = Duration::from_secs(1);
        let mut offset = loop {
            match self.services.telegram_update_offset().await {
                Ok(offset) => break offset,
                Err(err) => {
                    tracing::error!(error = %err, "cannot read the last stored Telegram update");
                    if sleep_or_stop(backoff, &mut stop).await {
                        return;
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        };
        // The first poll only asks what waits, so the handler soon knows it has caught up.
        let mut timeout = 0;
        loop {
            let polled = tokio::select! {
                polled = self.get_updates(offset, timeout) => polled,
                _ = stop.changed() => return,
            };
            let wait = match polled {
                Ok(updates) if updates.is_empty() => {
                    self.caught_up(&mut timeout);
                    None
                }
                Ok(updates) => match self.services.store_telegram_updates(&updates).await {
                    Ok(_) => {
                        let highest = updates.iter().filter_map(|u| u["update_id"].as_i64()).max();
                        offset = highest.map(|h| h + 1).or(offset);
                        self.caught_up(&mut timeout);
                        self.wake.notify_one();
                        None
                    }
                    Err(err) => {
                        // Not stored, so not confirmed: the next poll brings them again.
                        tracing::error!(error = %err, "cannot store Telegram updates");
                        Some(backoff)
                    }
                },
                Err(PollError::Conflict(description)) => {
                    tracing::warn!(
                        %description,
                        "Telegram refused getUpdates: another server polls this bot or a webhook is set; run the bot in one server only (WARTA_NO_BOT on the others)"
                    );
                    Some(CONFLICT_BACKOFF.max(backoff))
                }
                Err(PollError::RetryAfter(after)) => Some(after),
                Err(PollError::Other(error)) => {
                    tracing::warn!(%error, retry_in = ?backoff, "getUpdates failed");
                    Some(backoff)
                }
            };
            match wait {
                None => backoff = Duration::from_secs(1),
                Some(wait) => {
                    if sleep_or_stop(wait, &mut stop).await {
                        return;
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    fn caught_up(&self, timeout: &mut u64) {
        self.caught_up.store(true, Ordering::Release);
        *timeout = POLL_TIMEOUT_SECS;
    }

    async fn get_updates(
        &self,
        offset: Option<i64>,
        timeout: u64,
    ) -> Result<Vec<Value>, PollError> {
        let mut body = json!({
            "timeout": timeout,
            "allowed_updates": ALLOWED_UPDATES,
        });
        if let Some(offset) = offset {
            body["offset"] = json!(offset);
        }
        let response = self
            .http
            .post(format!("{}/getUpdates", self.base))
            .json(&body)
            .send()
            .await
            .map_err(|e| PollError::Other(e.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| PollError::Other(e.to_string()))?;
        let answer: Value = serde_json::from_str(&text)
            .map_err(|_| PollError::Other(format!("HTTP {status}: not a Bot API answer")))?;
        if answer["ok"].as_bool() == Some(true) {
            return Ok(answer["result"].as_array().cloned().unwrap_or_default());
        }
        let description = answer["description"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match answer["error_code"]
            .as_i64()
            .unwrap_or(i64::from(status.as_u16()))
        {
            409 => Err(PollError::Conflict(description)),
            429 => Err(PollError::RetryAfter(Duration::from_secs(
                answer["parameters"]["retry_after"].as_u64().unwrap_or(5),
            ))),
            code => Err(PollError::Other(format!("{code} {description}"))),
        }
    }
}

/// Sleeps, or returns `true` at once when told to stop.
async fn sleep_or_stop(wait: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        () = tokio::time::sleep(wait) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}
