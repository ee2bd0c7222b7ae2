//! Reads a Bot API request's parameters the way the real server does: from the query string
//! and a JSON, urlencoded or multipart body alike, every value kept as text (JSON numbers,
//! booleans and objects are turned into their JSON text), uploaded files kept by part name.

use std::collections::HashMap;

use axum::{
    body::Bytes,
    extract::{FromRequest, Multipart, Request},
    http::header,
};
use serde_json::Value;

use super::{
    errors::{BotError, ENTITY_TOO_LARGE},
    limits::MAX_UPLOAD_BYTES,
};

/// Room for the other parts of a request next to a file of the largest allowed size.
pub const MAX_BODY_BYTES: usize = (MAX_UPLOAD_BYTES as usize) + 1024 * 1024;

/// A file part of a multipart request.
#[derive(Clone, Debug)]
pub struct UploadedFile {
    pub file_name: String,
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

#[derive(Clone, Debug, Default)]
pub struct Params {
    values: HashMap<String, String>,
    files: HashMap<String, UploadedFile>,
}

impl Params {
    /// Parameters from a JSON object (what tests and teloxide's JSON requests send).
    pub fn from_json(object: &serde_json::Map<String, Value>) -> Self {
        let mut params = Self::default();
        for (key, value) in object {
            params.insert_json(key, value);
        }
        params
    }

    fn insert(&mut self, key: &str, value: String) {
        // The first occurrence wins, as the real server's `arg()` finds it.
        self.values.entry(key.to_owned()).or_insert(value);
    }

    fn insert_json(&mut self, key: &str, value: &Value) {
        let text = match value {
            Value::Null => return,
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.insert(key, text);
    }

    pub async fn from_request(http_req: Request) -> Result<Self, BotError> {
        let mut params = Self::default();
        if let Some(query) = http_req.uri().query() {
            for (key, value) in form_urlencoded::parse(query.as_bytes()) {
                params.insert(&key, value.into_owned());
            }
        }
        let content_type = http_req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            let mut multipart = Multipart::from_request(http_req, &()).await.map_err(|_| {
                BotError::bad_request("Bad Request: can't parse multipart/form-data")
            })?;
            loop {
                let field = match multipart.next_field().await {
                    Ok(Some(field)) => field,
                    Ok(None) => break,
                    Err(e) => return Err(multipart_error(e.status().as_u16())),
                };
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().map(str::to_owned);
                let part_type = field.content_type().map(str::to_owned);
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| multipart_error(e.status().as_u16()))?;
                match file_name {
                    Some(file_name) => {
                        params.files.entry(name).or_insert(UploadedFile {
                            file_name,
                            content_type: part_type,
                            bytes,
                        });
                    }
                    None => params.insert(&name, String::from_utf8_lossy(&bytes).into_owned()),
                }
            }
            return Ok(params);
        }
        let body = axum::body::to_bytes(http_req.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| BotError::new(413, ENTITY_TOO_LARGE))?;
        if body.is_empty() {
            return Ok(params);
        }
        if content_type.starts_with("application/json") {
            let value: Value = serde_json::from_slice(&body)
                .map_err(|_| BotError::bad_request("Bad Request: can't parse JSON object"))?;
            if let Value::Object(object) = value {
                for (key, value) in &object {
                    params.insert_json(key, value);
                }
            }
        } else if content_type.starts_with("application/x-www-form-urlencoded")
            || content_type.is_empty()
        {
            for (key, value) in form_urlencoded::parse(&body) {
                params.insert(&key, value.into_owned());
            }
        }
        Ok(params)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// A value that is present and not empty.
    pub fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.is_empty())
    }

    /// An integer parameter; `None` when absent or unparsable, as the server then uses the
    /// default.
    pub fn int(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(|v| v.trim().parse::<i64>().ok())
    }

    /// `true` for `true` (any case) or a non-zero number, as the server reads booleans.
    pub fn flag(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case("true") || v.parse::<i64>().is_ok_and(|n| n != 0)
        })
    }

    /// A JSON-valued parameter (an object or array, sent as JSON text in any encoding).
    pub fn json(&self, key: &str) -> Option<Result<Value, serde_json::Error>> {
        self.non_empty(key).map(serde_json::from_str)
    }

    pub fn file(&self, part: &str) -> Option<&UploadedFile> {
        self.files.get(part)
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

fn multipart_error(status: u16) -> BotError {
    if status == 413 {
        BotError::new(413, ENTITY_TOO_LARGE)
    } else {
        BotError::bad_request("Bad Request: can't parse multipart/form-data")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(content_type: &str, body: impl Into<Body>) -> Request {
        axum::http::Request::builder()
            .method("POST")
            .uri("/bot1:x/sendMessage?disable_notification=true")
            .header(header::CONTENT_TYPE, content_type)
            .body(body.into())
            .expect("request")
    }

    #[tokio::test]
    async fn json_values_become_text() {
        let http_req = request(
            "application/json",
            r#"{"chat_id":-1001234567890,"text":"hi","reply_markup":{"inline_keyboard":[]},"protect_content":true,"x":null}"#,
        );
        let p = Params::from_request(http_req).await.expect("params");
        assert_eq!(p.get("chat_id"), Some("-1001234567890"));
        assert_eq!(p.int("chat_id"), Some(-1_001_234_567_890));
        assert_eq!(p.get("text"), Some("hi"));
        assert_eq!(p.get("reply_markup"), Some(r#"{"inline_keyboard":[]}"#));
        assert!(p.flag("protect_content"));
        assert!(p.flag("disable_notification"));
        assert_eq!(p.get("x"), None);
    }

    #[tokio::test]
    async fn urlencoded_bodies() {
        let p = Params::from_request(request(
            "application/x-www-form-urlencoded",
            "chat_id=%40humas_unej&text=a%26b+c",
        ))
        .await
        .expect("params");
        assert_eq!(p.get("chat_id"), Some("@humas_unej"));
        assert_eq!(p.get("text"), Some("a&b c"));
    }

    #[tokio::test]
    async fn multipart_text_and_file_parts() {
        let body = "--XYZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n\
                    --XYZ\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nattach://f1\r\n\
                    --XYZ\r\nContent-Disposition: form-data; name=\"f1\"; filename=\"\"\r\n\r\nBYTES\r\n\
                    --XYZ--\r\n";
        let p = Params::from_request(request("multipart/form-data; boundary=XYZ", body))
            .await
            .expect("params");
        assert_eq!(p.get("chat_id"), Some("42"));
        assert_eq!(p.get("photo"), Some("attach://f1"));
        let file = p.file("f1").expect("file part");
        assert_eq!(&file.bytes[..], b"BYTES");
        assert_eq!(file.file_name, "");
    }
}
