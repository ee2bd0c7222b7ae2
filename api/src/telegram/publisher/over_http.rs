//! The worker as a separate process (`warta worker`): the same GraphQL operations as the
//! embedded worker, sent over HTTP to a Warta server as an API client with the `worker`
//! scope, and attachments read from `GET /attachments/{id}`.
//!
//! The client's access token comes from the `clientToken` mutation. It is renewed a little
//! before it expires and, should the server still refuse it (a restart with a new signing
//! key, a clock running late), once more on `UNAUTHENTICATED` before giving up on the call.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use tokio::{sync::Mutex, time::Instant};

use super::worker::{WorkerApi, WorkerError};

const CLIENT_TOKEN: &str = "mutation ClientToken($id: String!, $secret: String!) {
  clientToken(clientId: $id, clientSecret: $secret) { accessToken expiresAt }
}";

/// How long before its expiry a token is replaced, at most.
const RENEW_AHEAD: Duration = Duration::from_secs(60);

/// Reaches a Warta server over HTTP as an API client.
pub struct OverHttp {
    http: reqwest::Client,
    /// The server's base URL, without a trailing slash (`https://warta.unej.ac.id`).
    base: String,
    client_id: String,
    client_secret: SecretString,
    token: Mutex<Option<AccessToken>>,
}

struct AccessToken {
    value: String,
    /// On this machine's monotonic clock, so that a clock set differently from the
    /// server's neither keeps an expired token nor renews on every call.
    renew_at: Instant,
}

impl std::fmt::Debug for OverHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret or the token.
        f.debug_struct("OverHttp")
            .field("base", &self.base)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl OverHttp {
    /// A client of the Warta server at `base_url` (its root, e.g. `http://127.0.0.1:8080`).
    pub fn new(
        base_url: &str,
        client_id: String,
        client_secret: SecretString,
    ) -> Result<Self, WorkerError> {
        let base = base_url.trim().trim_end_matches('/');
        let parsed = url::Url::parse(base)
            .map_err(|e| WorkerError::Transport(format!("bad API URL {base:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(WorkerError::Transport(format!(
                "the API URL must start with http:// or https://: {base:?}"
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("warta-worker/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| WorkerError::Transport(e.to_string()))?;
        Ok(Self {
            http,
            base: base.to_owned(),
            client_id,
            client_secret,
            token: Mutex::new(None),
        })
    }

    /// Obtains a token now, so that wrong credentials or a wrong URL show at start.
    pub async fn sign_in(&self) -> Result<(), WorkerError> {
        self.token(None).await.map(|_| ())
    }

    /// A valid access token: the one in hand, or a new one when it is due for renewal or
    /// `stale` (the server refused it).
    async fn token(&self, stale: Option<&str>) -> Result<String, WorkerError> {
        let mut held = self.token.lock().await;
        if let Some(token) = held.as_ref() {
            let refused = stale.is_some_and(|s| s == token.value);
            if !refused && Instant::now() < token.renew_at {
                return Ok(token.value.clone());
            }
        }
        let fresh = self.fetch_token().await?;
        let value = fresh.value.clone();
        *held = Some(fresh);
        Ok(value)
    }

    async fn fetch_token(&self) -> Result<AccessToken, WorkerError> {
        let variables = json!({
            "id": self.client_id,
            "secret": self.client_secret.expose_secret(),
        });
        let asked_at = Instant::now();
        let (answer, server_now) = self.post(None, CLIENT_TOKEN, &variables).await?;
        let data = match answer {
            Answer::Data(data) => data,
            Answer::Unauthenticated(message) | Answer::Refused(message) => {
                return Err(WorkerError::Api(format!(
                    "the client credentials were refused: {message}"
                )));
            }
        };
        let value = data["clientToken"]["accessToken"]
            .as_str()
            .ok_or_else(|| WorkerError::Api("clientToken gave no access token".into()))?
            .to_owned();
        let expires_at = data["clientToken"]["expiresAt"]
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| WorkerError::Api("clientToken gave no expiry".into()))?;
        // The lifetime as the server counts it (its `Date` header against the expiry); the
        // token is renewed a minute ahead, or after four fifths of a short lifetime.
        let lifetime = (expires_at - server_now.unwrap_or_else(Utc::now))
            .to_std()
            .unwrap_or_default();
        let renew_at = asked_at + lifetime - RENEW_AHEAD.min(lifetime / 5);
        tracing::debug!(%expires_at, "worker token obtained");
        Ok(AccessToken { value, renew_at })
    }

    /// Posts one operation; returns the answer and the server's time (its `Date` header).
    /// Transport failures, server errors and answers that are not GraphQL are `Transport`
    /// errors (the server may be restarting); other GraphQL errors are `Refused`.
    async fn post(
        &self,
        token: Option<&str>,
        query: &str,
        variables: &Value,
    ) -> Result<(Answer, Option<DateTime<Utc>>), WorkerError> {
        let mut req = self
            .http
            .post(format!("{}/graphql", self.base))
            .header(
                header::ACCEPT,
                "application/graphql-response+json, application/json;q=0.9",
            )
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req
            .send()
            .await
            .map_err(|e| WorkerError::Transport(without_url(e)))?;
        let status = res.status();
        let server_now = res
            .headers()
            .get(header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
            .map(|t| t.with_timezone(&Utc));
        let body: Value = match res.json().await {
            Ok(body) => body,
            Err(_) => {
                return Err(WorkerError::Transport(format!(
                    "the API answered HTTP {status} without GraphQL"
                )));
            }
        };
        let errors = body["errors"].as_array().filter(|e| !e.is_empty());
        let answer = match errors {
            None if status.is_success() => Answer::Data(body["data"].clone()),
            None => {
                return Err(WorkerError::Transport(format!(
                    "the API answered HTTP {status}"
                )));
            }
            Some(errors) => {
                let message = errors
                    .iter()
                    .filter_map(|e| e["message"].as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                let unauthenticated = status == StatusCode::UNAUTHORIZED
                    || errors
                        .iter()
                        .any(|e| e["extensions"]["code"] == "UNAUTHENTICATED");
                let internal = errors.iter().any(|e| e["extensions"]["code"] == "INTERNAL");
                if unauthenticated {
                    Answer::Unauthenticated(message)
                } else if status.is_server_error() || internal {
                    return Err(WorkerError::Transport(format!(
                        "the API failed with HTTP {status}: {message}"
                    )));
                } else {
                    Answer::Refused(message)
                }
            }
        };
        Ok((answer, server_now))
    }
}

/// A GraphQL answer, sorted by what the worker does with it.
enum Answer {
    Data(Value),
    /// The token was not accepted: renew it and try once more.
    Unauthenticated(String),
    /// The operation was refused (a rule, a conflict, bad input).
    Refused(String),
}

/// reqwest's error without the URL it carries (it would be the same on every line).
fn without_url(err: reqwest::Error) -> String {
    let kind = if err.is_connect() {
        "cannot connect"
    } else if err.is_timeout() {
        "timed out"
    } else {
        "request failed"
    };
    format!("{kind}: {}", err.without_url())
}

impl WorkerApi for OverHttp {
    async fn execute(&self, query: &'static str, variables: Value) -> Result<Value, WorkerError> {
        let token = self.token(None).await?;
        let answer = match self.post(Some(&token), query, &variables).await?.0 {
            Answer::Unauthenticated(_) => {
                let fresh = self.token(Some(&token)).await?;
                self.post(Some(&fresh), query, &variables).await?.0
            }
            answer => answer,
        };
        match answer {
            Answer::Data(data) => Ok(data),
            Answer::Unauthenticated(message) => Err(WorkerError::Api(format!(
                "the API does not accept the worker's token: {message}"
            ))),
            Answer::Refused(message) => Err(WorkerError::Api(message)),
        }
    }

    async fn download(&self, attachment_id: i64) -> Result<Vec<u8>, WorkerError> {
        let url = format!("{}/attachments/{attachment_id}", self.base);
        let mut token = self.token(None).await?;
        let mut renewed = false;
        loop {
            let res = self
                .http
                .get(&url)
                .bearer_auth(&token)
                .send()
                .await
                .map_err(|e| WorkerError::Transport(without_url(e)))?;
            match res.status() {
                StatusCode::OK => {
                    return res
                        .bytes()
                        .await
                        .map(|b| b.to_vec())
                        .map_err(|e| WorkerError::Transport(without_url(e)));
                }
                StatusCode::UNAUTHORIZED if !renewed => {
                    token = self.token(Some(&token)).await?;
                    renewed = true;
                }
                StatusCode::UNAUTHORIZED => {
                    return Err(WorkerError::Api(
                        "the API does not accept the worker's token for downloads".into(),
                    ));
                }
                StatusCode::NOT_FOUND => {
                    return Err(WorkerError::Api(format!(
                        "attachment {attachment_id} is not there"
                    )));
                }
                status => {
                    return Err(WorkerError::Transport(format!(
                        "downloading attachment {attachment_id}: HTTP {status}"
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_taken() {
        let secret = || SecretString::from("s".to_owned());
        assert!(OverHttp::new("http://127.0.0.1:8080/", "c".into(), secret()).is_ok());
        assert!(OverHttp::new("ftp://example.org", "c".into(), secret()).is_err());
        assert!(OverHttp::new("not a url", "c".into(), secret()).is_err());
    }

    #[test]
    fn the_secret_is_never_printed() {
        let api = OverHttp::new(
            "http://127.0.0.1:8080",
            "client-1".into(),
            SecretString::from("hunter2".to_owned()),
        )
        .expect("a client");
        let shown = format!("{api:?}");
        assert!(shown.contains("client-1"));
        assert!(!shown.contains("hunter2"));
    }
}
