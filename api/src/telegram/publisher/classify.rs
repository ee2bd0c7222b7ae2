//! What a Bot API answer means for a publication. The Bot API has no idempotency key, so the
//! one rule that matters most: retry automatically only when non-delivery is certain, and
//! call anything ambiguous *uncertain* for a person to resolve.

use std::time::Duration;

/// How one call ended, as the transport saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallResult {
    /// `{"ok": false, …}` with the HTTP status, description and parameters.
    ApiError {
        error_code: u16,
        description: String,
        retry_after: Option<u64>,
        migrate_to_chat_id: Option<i64>,
    },
    /// The connection could not be made (refused, DNS, connect timeout): nothing was sent.
    NotConnected,
    /// The request went out but no answer came (read timeout, reset, closed connection).
    NoAnswer,
    /// An answer that is not the Bot API's JSON (an HTML 502 from a gateway, garbage).
    Unreadable { http_status: u16 },
}

/// What the publisher does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not delivered, for sure; send the same request again after the wait.
    RetryAfter(Duration),
    /// Not delivered, for sure; send again after the usual backoff.
    Retry,
    /// The chat moved (a group became a supergroup): store the new id and send there.
    Migrated { new_chat_id: i64 },
    /// Will not work without a person changing something; the reason says what.
    Failed { reason: String },
    /// It may have been posted. Never resend automatically.
    Uncertain { reason: String },
}

/// Classifies by code *and* description, as teloxide's variants alone are not reliable.
pub fn classify(result: &CallResult) -> Verdict {
    match result {
        CallResult::NotConnected => Verdict::Retry,
        CallResult::NoAnswer => Verdict::Uncertain {
            reason: "no answer from Telegram after the message was sent; check the channel".into(),
        },
        CallResult::Unreadable { http_status } => Verdict::Uncertain {
            reason: format!(
                "Telegram answered HTTP {http_status} without a readable result; check the channel"
            ),
        },
        CallResult::ApiError {
            error_code,
            description,
            retry_after,
            migrate_to_chat_id,
        } => {
            if let Some(new_chat_id) = migrate_to_chat_id {
                return Verdict::Migrated {
                    new_chat_id: *new_chat_id,
                };
            }
            let text = description.to_lowercase();
            match error_code {
                429 => Verdict::RetryAfter(Duration::from_secs(retry_after.unwrap_or(5).max(1))),
                // Errors of the request itself: it was refused, so nothing was posted.
                400 | 403 | 404 => Verdict::Failed {
                    reason: failure_reason(*error_code, &text, description),
                },
                401 => Verdict::Failed {
                    reason: "the bot token is not accepted by Telegram (401)".into(),
                },
                409 => Verdict::Failed {
                    reason: format!("Telegram refused the call: {description}"),
                },
                // A server error after the request reached Telegram: it may have been posted.
                500..=599 => Verdict::Uncertain {
                    reason: format!(
                        "Telegram failed with {error_code} ({description}); check the channel"
                    ),
                },
                _ => Verdict::Uncertain {
                    reason: format!("unexpected answer {error_code}: {description}"),
                },
            }
        }
    }
}

/// A reason a person can act on.
fn failure_reason(code: u16, lower: &str, description: &str) -> String {
    let hint = if lower.contains("chat not found") {
        "the channel does not exist or the bot cannot see it: check the chat id or @username"
    } else if lower.contains("not a member") {
        "the bot is not a member of the channel: add it as an administrator"
    } else if lower.contains("kicked") {
        "the bot was removed from the channel: add it back as an administrator"
    } else if lower.contains("not enough rights") || lower.contains("have no rights") {
        "the bot may not post there: give it the right to post messages"
    } else if lower.contains("too long") {
        "the text is too long for Telegram: shorten it"
    } else if lower.contains("can't parse entities") {
        "the formatting could not be read by Telegram"
    } else if lower.contains("file is too big") {
        "a file is too big for Telegram (photos 10 MB, other files 50 MB)"
    } else if lower.contains("blocked by the user") || lower.contains("can't initiate conversation")
    {
        "the person has not started a conversation with the bot or blocked it"
    } else {
        "Telegram refused the message"
    };
    format!("{hint} ({code}: {description})")
}

/// Exponential backoff for certain non-delivery: 1 s, 2 s, 4 s … capped at 5 minutes.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.min(9)).min(Duration::from_secs(300))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, description: &str) -> CallResult {
        CallResult::ApiError {
            error_code: code,
            description: description.into(),
            retry_after: None,
            migrate_to_chat_id: None,
        }
    }

    #[test]
    fn too_many_requests_waits_as_told() {
        let r = CallResult::ApiError {
            error_code: 429,
            description: "Too Many Requests: retry after 7".into(),
            retry_after: Some(7),
            migrate_to_chat_id: None,
        };
        assert_eq!(classify(&r), Verdict::RetryAfter(Duration::from_secs(7)));
    }

    #[test]
    fn permanent_errors_say_what_to_fix() {
        for (code, text, hint) in [
            (400, "Bad Request: chat not found", "does not exist"),
            (
                403,
                "Forbidden: bot is not a member of the channel chat",
                "add it as an administrator",
            ),
            (
                403,
                "Forbidden: bot was kicked from the channel chat",
                "add it back",
            ),
            (400, "Bad Request: message caption is too long", "shorten"),
        ] {
            let Verdict::Failed { reason } = classify(&api(code, text)) else {
                panic!("{text} must fail")
            };
            assert!(reason.contains(hint), "{reason}");
            assert!(reason.contains(text), "{reason}");
        }
    }

    #[test]
    fn ambiguous_outcomes_are_uncertain_never_retried() {
        assert!(matches!(
            classify(&CallResult::NoAnswer),
            Verdict::Uncertain { .. }
        ));
        assert!(matches!(
            classify(&CallResult::Unreadable { http_status: 502 }),
            Verdict::Uncertain { .. }
        ));
        assert!(matches!(
            classify(&api(500, "Internal Server Error")),
            Verdict::Uncertain { .. }
        ));
    }

    #[test]
    fn a_connection_never_made_is_retried_and_a_migration_followed() {
        assert_eq!(classify(&CallResult::NotConnected), Verdict::Retry);
        let r = CallResult::ApiError {
            error_code: 400,
            description: "Bad Request: group chat was upgraded to a supergroup chat".into(),
            retry_after: None,
            migrate_to_chat_id: Some(-1_009_876_543_210),
        };
        assert_eq!(
            classify(&r),
            Verdict::Migrated {
                new_chat_id: -1_009_876_543_210
            }
        );
    }

    #[test]
    fn backoff_doubles_up_to_a_cap() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(30), Duration::from_secs(300));
    }
}
