//! The Bot API's error envelope and the exact descriptions the real server answers with.
//!
//! teloxide classifies errors by their description text and parses `parameters` only when it
//! holds exactly one key, so both are reproduced verbatim here and nowhere else.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

/// `429`: the flood-control answer; `N` follows as `retry_after`.
pub const TOO_MANY_REQUESTS_PREFIX: &str = "Too Many Requests: retry after ";
pub const UNAUTHORIZED: &str = "Unauthorized";
pub const INVALID_TOKEN: &str = "Unauthorized: invalid token specified";
pub const METHOD_NOT_FOUND: &str = "Not Found: method not found";
pub const NOT_FOUND: &str = "Not Found";
pub const CHAT_ID_EMPTY: &str = "Bad Request: chat_id is empty";
pub const CHAT_NOT_FOUND: &str = "Bad Request: chat not found";
pub const USER_NOT_FOUND: &str = "Bad Request: user not found";
pub const GROUP_UPGRADED: &str = "Bad Request: group chat was upgraded to a supergroup chat";
pub const BOT_BLOCKED: &str = "Forbidden: bot was blocked by the user";
pub const CANT_INITIATE: &str = "Forbidden: bot can't initiate conversation with a user";
pub const NEED_CHANNEL_ADMIN: &str = "Bad Request: need administrator rights in the channel chat";
pub const MESSAGE_TEXT_EMPTY: &str = "Bad Request: message text is empty";
pub const MESSAGE_MUST_BE_NON_EMPTY: &str = "Bad Request: message must be non-empty";
pub const MESSAGE_TOO_LONG: &str = "Bad Request: message is too long";
pub const CAPTION_TOO_LONG: &str = "Bad Request: message caption is too long";
pub const CANT_PARSE_ENTITIES_PREFIX: &str = "Bad Request: can't parse entities: ";
pub const UNSUPPORTED_PARSE_MODE: &str = "Bad Request: unsupported parse_mode";
pub const TOO_MANY_ALBUM_MESSAGES: &str = "Bad Request: too many messages to send as an album";
pub const NO_MESSAGES_TO_SEND: &str = "Bad Request: there are no messages to send";
pub const MEDIA_REQUIRED: &str = "Bad Request: parameter \"media\" is required";
pub const MEDIA_JSON: &str = "Bad Request: can't parse media JSON object";
pub const MEDIA_NOT_ARRAY: &str = "Bad Request: expected an Array of InputMedia";
pub const INPUT_MEDIA_PREFIX: &str = "Bad Request: can't parse InputMedia: ";
pub const CAPTION_ABOVE_MEDIA_MIXED: &str =
    "Bad Request: parameter show_caption_above_media must be the same for all messages";
pub const WRONG_FILE_ID: &str = "Bad Request: wrong file identifier/HTTP URL specified";
pub const INVALID_FILE_ID: &str = "Bad Request: invalid file_id";
pub const FILE_TOO_BIG: &str = "Bad Request: file is too big";
pub const FILE_EMPTY: &str = "Bad Request: file must be non-empty";
pub const URL_CONTENT: &str = "Bad Request: failed to get HTTP URL content";
pub const IMAGE_PROCESS_FAILED: &str = "Bad Request: IMAGE_PROCESS_FAILED";
pub const PHOTO_INVALID_DIMENSIONS: &str = "Bad Request: PHOTO_INVALID_DIMENSIONS";
pub const ENTITY_TOO_LARGE: &str = "Request Entity Too Large";
pub const MESSAGE_TO_EDIT_NOT_FOUND: &str = "Bad Request: message to edit not found";
pub const MESSAGE_TO_DELETE_NOT_FOUND: &str = "Bad Request: message to delete not found";
pub const MESSAGE_CANT_BE_EDITED: &str = "Bad Request: message can't be edited";
pub const MESSAGE_CANT_BE_DELETED: &str = "Bad Request: message can't be deleted";
pub const NO_TEXT_TO_EDIT: &str = "Bad Request: there is no text in the message to edit";
pub const NO_CAPTION_TO_EDIT: &str = "Bad Request: there is no caption in the message to edit";
pub const MESSAGE_NOT_MODIFIED: &str = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
pub const MESSAGE_ID_INVALID: &str = "Bad Request: message identifier is not specified";
pub const QUERY_TOO_OLD: &str =
    "Bad Request: query is too old and response timeout expired or query ID is invalid";
pub const BUTTON_DATA_INVALID: &str = "Bad Request: BUTTON_DATA_INVALID";
pub const REPLY_MARKUP_JSON: &str = "Bad Request: can't parse reply keyboard markup JSON object";
pub const TEXT_BUTTONS_UNALLOWED: &str = "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard";
pub const ENTITIES_JSON: &str = "Bad Request: can't parse entities JSON object";
pub const CALLBACK_ANSWER_TOO_LONG: &str = "Bad Request: MESSAGE_TOO_LONG";
pub const TERMINATED_BY_OTHER_GET_UPDATES: &str = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
pub const WEBHOOK_ACTIVE: &str = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
pub const BAD_WEBHOOK_URL: &str =
    "Bad Request: bad webhook: An HTTPS URL must be provided for webhook";

/// The one key the real server puts in `parameters` when it sends any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseParameters {
    RetryAfter(u64),
    MigrateToChatId(i64),
}

/// An error answer of the Bot API: the HTTP status equals `code`.
#[derive(Clone, Debug, PartialEq)]
pub struct BotError {
    pub code: u16,
    pub description: String,
    /// Kept as JSON so that injected faults can send exactly what a test asks for.
    pub parameters: Option<Value>,
}

impl BotError {
    pub fn new(code: u16, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            parameters: None,
        }
    }

    pub fn with_parameters(mut self, parameters: ResponseParameters) -> Self {
        self.parameters = Some(match parameters {
            ResponseParameters::RetryAfter(secs) => json!({ "retry_after": secs }),
            ResponseParameters::MigrateToChatId(id) => json!({ "migrate_to_chat_id": id }),
        });
        self
    }

    /// A `400` whose description is already complete (one of the constants above).
    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(400, description)
    }

    pub fn forbidden(description: impl Into<String>) -> Self {
        Self::new(403, description)
    }

    pub fn too_many_requests(retry_after: u64) -> Self {
        Self::new(429, format!("{TOO_MANY_REQUESTS_PREFIX}{retry_after}"))
            .with_parameters(ResponseParameters::RetryAfter(retry_after))
    }

    pub fn cant_parse_entities(reason: &str) -> Self {
        Self::bad_request(format!("{CANT_PARSE_ENTITIES_PREFIX}{reason}"))
    }

    pub fn group_upgraded(to: i64) -> Self {
        Self::bad_request(GROUP_UPGRADED).with_parameters(ResponseParameters::MigrateToChatId(to))
    }

    pub fn conflict(description: &str) -> Self {
        Self::new(409, description)
    }

    /// `Forbidden: bot is not a member of the <kind> chat`.
    pub fn not_a_member(kind: &str) -> Self {
        Self::forbidden(format!("Forbidden: bot is not a member of the {kind} chat"))
    }

    /// `Forbidden: bot was kicked from the <kind> chat`.
    pub fn kicked(kind: &str) -> Self {
        Self::forbidden(format!("Forbidden: bot was kicked from the {kind} chat"))
    }

    /// `Bad Request: can't parse InputMedia: <reason>`.
    pub fn input_media(reason: &str) -> Self {
        Self::bad_request(format!("{INPUT_MEDIA_PREFIX}{reason}"))
    }

    /// The seconds a 429 asks to wait, whether built here or injected by a test.
    pub fn retry_after(&self) -> Option<u64> {
        self.parameters
            .as_ref()
            .and_then(|p| p.get("retry_after"))
            .and_then(Value::as_u64)
    }

    /// The envelope body: `ok`, `error_code`, `description` and `parameters` only when set.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "ok": false,
            "error_code": self.code,
            "description": self.description,
        });
        if let Some(parameters) = &self.parameters {
            body["parameters"] = parameters.clone();
        }
        body
    }
}

impl IntoResponse for BotError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::BAD_REQUEST);
        let retry_after = if self.code == 429 {
            self.retry_after()
        } else {
            None
        };
        let mut response = (status, Json(self.body())).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// The success envelope: HTTP 200, `{"ok":true,"result":…}`.
pub fn ok_response(result: Value) -> Response {
    Json(json!({ "ok": true, "result": result })).into_response()
}

/// nginx's own page when the Bot API server behind it is down: HTML, not JSON.
pub const BAD_GATEWAY_HTML: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n";

pub fn bad_gateway_page() -> Response {
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, "text/html")],
        BAD_GATEWAY_HTML,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_carry_exactly_one_key() {
        let body = BotError::too_many_requests(7).body();
        assert_eq!(body["description"], "Too Many Requests: retry after 7");
        assert_eq!(body["parameters"], json!({ "retry_after": 7 }));

        let body = BotError::group_upgraded(-1_001_234_567_890).body();
        assert_eq!(
            body["parameters"],
            json!({ "migrate_to_chat_id": -1_001_234_567_890_i64 })
        );
    }

    #[test]
    fn parameters_are_absent_unless_needed() {
        let body = BotError::bad_request(CHAT_NOT_FOUND).body();
        assert_eq!(
            body,
            json!({ "ok": false, "error_code": 400, "description": "Bad Request: chat not found" })
        );
    }

    #[test]
    fn a_429_sends_the_retry_after_header() {
        let response = BotError::too_many_requests(3).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "3");
    }

    #[test]
    fn membership_errors_name_the_kind_of_chat() {
        assert_eq!(
            BotError::not_a_member("channel").description,
            "Forbidden: bot is not a member of the channel chat"
        );
        assert_eq!(
            BotError::kicked("channel").description,
            "Forbidden: bot was kicked from the channel chat"
        );
    }
}
