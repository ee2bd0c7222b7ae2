//! Web Push over HTTP (RFC 8030): the message is encrypted to the device's keys (RFC 8291,
//! `aes128gcm`, by `web-push-native`) and the request carries a VAPID token signed with the
//! server's key (RFC 8292), so the push service knows it comes from the server the device
//! subscribed with.

use std::{sync::Arc, time::Duration};

use base64::Engine as _;
use chrono::{DateTime, Utc};
use entity::push_subscription;
use p256::ecdsa::{Signature, SigningKey, signature::Signer as _};
use reqwest::{StatusCode, header};
use serde_json::json;

use crate::{
    notify::{NotifyError, PushSender, message::Push},
    service::push::{VapidKeys, decode_base64url},
};

/// How long a VAPID token is valid; RFC 8292 allows at most 24 hours.
const TOKEN_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::hours(12);

/// Sends pushes to browsers' push services.
pub struct WebPush {
    http: reqwest::Client,
    keys: Arc<VapidKeys>,
    subject: String,
}

impl WebPush {
    /// A sender signing with `keys` and naming `subject` (a `mailto:` or `https:` contact).
    ///
    /// # Errors
    ///
    /// [`NotifyError::Client`] when the HTTP client cannot be built (no TLS roots).
    pub fn new(keys: Arc<VapidKeys>, subject: String) -> Result<Self, NotifyError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("warta/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            // A push service answers where it is asked; following a redirect would post the
            // message somewhere the device never subscribed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(NotifyError::Client)?;
        Ok(Self {
            http,
            keys,
            subject,
        })
    }
}

#[async_trait::async_trait]
impl PushSender for WebPush {
    async fn send(
        &self,
        device: &push_subscription::Model,
        push: &Push,
    ) -> Result<(), NotifyError> {
        let endpoint = url::Url::parse(&device.endpoint)
            .map_err(|_| NotifyError::BadSubscription("the endpoint is not a URL"))?;
        let ua_public = decode_base64url(&device.p256dh)
            .and_then(|k| p256::PublicKey::from_sec1_bytes(&k).ok())
            .ok_or(NotifyError::BadSubscription("p256dh is not a P-256 key"))?;
        let auth = decode_base64url(&device.auth)
            .filter(|a| a.len() == 16)
            .ok_or(NotifyError::BadSubscription("auth is not 16 bytes"))?;
        let body = web_push_native::encrypt(
            push.payload(),
            &ua_public,
            web_push_native::Auth::from_slice(&auth),
        )
        .map_err(|e| NotifyError::Encryption(e.to_string()))?;
        let authorization = vapid_authorization(&self.keys, &self.subject, &endpoint, Utc::now())?;
        let response = self
            .http
            .post(endpoint)
            .header("TTL", push.ttl.as_secs().to_string())
            .header("Urgency", push.urgency.as_str())
            .header("Topic", &push.topic)
            .header(header::CONTENT_ENCODING, "aes128gcm")
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(header::AUTHORIZATION, authorization)
            .body(body)
            .send()
            .await
            // The URL is the device's capability; keep it out of errors and logs.
            .map_err(|e| NotifyError::Unreachable(e.without_url()))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let detail: String = response
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        Err(classify(status, retry_after, detail))
    }
}

/// What a push service's answer means for the device and the message.
fn classify(status: StatusCode, retry_after: Option<u64>, detail: String) -> NotifyError {
    match status {
        StatusCode::NOT_FOUND | StatusCode::GONE => NotifyError::SubscriptionGone {
            status: status.as_u16(),
        },
        StatusCode::TOO_MANY_REQUESTS => NotifyError::PushServiceUnavailable {
            status: status.as_u16(),
            retry_after,
        },
        s if s.is_server_error() => NotifyError::PushServiceUnavailable {
            status: s.as_u16(),
            retry_after,
        },
        s => NotifyError::PushRefused {
            status: s.as_u16(),
            detail,
        },
    }
}

/// The `Authorization` header of RFC 8292: `vapid t=<JWT>, k=<public key>`, the JWT signed
/// with ES256 for the push service's origin (`aud`, with its port when it is not the default
/// one), expiring within 24 hours, naming the server's contact (`sub`).
///
/// # Errors
///
/// [`NotifyError::BadSubscription`] when the endpoint has no origin to name.
pub fn vapid_authorization(
    keys: &VapidKeys,
    subject: &str,
    endpoint: &url::Url,
    now: DateTime<Utc>,
) -> Result<String, NotifyError> {
    let origin = endpoint.origin();
    if !origin.is_tuple() {
        return Err(NotifyError::BadSubscription("the endpoint has no origin"));
    }
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let header = json!({ "typ": "JWT", "alg": "ES256" });
    let claims = json!({
        "aud": origin.ascii_serialization(),
        "exp": (now + TOKEN_LIFETIME).timestamp(),
        "sub": subject,
    });
    let signing_input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    // ES256 is the 64-byte r || s form (RFC 7518 section 3.4), which `Signature` is.
    let signature: Signature = SigningKey::from(keys.secret()).sign(signing_input.as_bytes());
    Ok(format!(
        "vapid t={signing_input}.{}, k={}",
        b64(&signature.to_bytes()),
        keys.public_key()
    ))
}

#[cfg(test)]
mod tests {
    use p256::ecdsa::{VerifyingKey, signature::Verifier as _};

    use super::*;

    fn parse_header(header: &str) -> (String, String) {
        let rest = header.strip_prefix("vapid ").expect("the vapid scheme");
        let mut t = None;
        let mut k = None;
        for part in rest.split(", ") {
            if let Some(v) = part.strip_prefix("t=") {
                t = Some(v.to_owned());
            } else if let Some(v) = part.strip_prefix("k=") {
                k = Some(v.to_owned());
            }
        }
        (t.expect("t="), k.expect("k="))
    }

    #[test]
    fn the_vapid_token_is_an_es256_jwt_for_the_endpoint_origin() {
        let keys = VapidKeys::generate();
        let now = Utc::now();
        for (endpoint, aud) in [
            (
                "https://fcm.googleapis.com/fcm/send/abc:def",
                "https://fcm.googleapis.com",
            ),
            (
                "https://updates.push.services.mozilla.com:443/wpush/v2/x",
                "https://updates.push.services.mozilla.com",
            ),
            ("http://127.0.0.1:4567/push/1", "http://127.0.0.1:4567"),
        ] {
            let url = url::Url::parse(endpoint).expect("a URL");
            let header =
                vapid_authorization(&keys, "mailto:humas@unej.ac.id", &url, now).expect("signs");
            let (token, k) = parse_header(&header);
            assert_eq!(k, keys.public_key());
            let parts: Vec<&str> = token.split('.').collect();
            assert_eq!(parts.len(), 3);
            let decode = |s: &str| decode_base64url(s).expect("base64url");
            let head: serde_json::Value =
                serde_json::from_slice(&decode(parts[0])).expect("JSON header");
            assert_eq!(head["alg"], "ES256");
            let claims: serde_json::Value =
                serde_json::from_slice(&decode(parts[1])).expect("JSON claims");
            assert_eq!(claims["aud"], aud);
            assert_eq!(claims["sub"], "mailto:humas@unej.ac.id");
            let exp = claims["exp"].as_i64().expect("exp");
            assert!(exp > now.timestamp() && exp <= now.timestamp() + 24 * 3600);
            let public = VerifyingKey::from_sec1_bytes(&decode(&k)).expect("a key");
            let signature = Signature::from_slice(&decode(parts[2])).expect("64 bytes");
            public
                .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
                .expect("a valid signature");
        }
    }

    #[test]
    fn answers_are_classified_for_the_device_and_the_message() {
        assert!(matches!(
            classify(StatusCode::GONE, None, String::new()),
            NotifyError::SubscriptionGone { status: 410 }
        ));
        assert!(matches!(
            classify(StatusCode::NOT_FOUND, None, String::new()),
            NotifyError::SubscriptionGone { status: 404 }
        ));
        assert!(matches!(
            classify(StatusCode::TOO_MANY_REQUESTS, Some(30), String::new()),
            NotifyError::PushServiceUnavailable {
                status: 429,
                retry_after: Some(30)
            }
        ));
        assert!(matches!(
            classify(StatusCode::BAD_GATEWAY, None, String::new()),
            NotifyError::PushServiceUnavailable { status: 502, .. }
        ));
        assert!(matches!(
            classify(StatusCode::PAYLOAD_TOO_LARGE, None, "too big".into()),
            NotifyError::PushRefused { status: 413, .. }
        ));
    }
}
