//! Correcting (editing) and retracting (deleting) a post already on Telegram, each with a
//! logged reason.
//!
//! Both are synchronous admin actions done with the server's bot, not jobs for the worker:
//! the person needs an immediate answer (done, or why not), there is nothing to pace (one
//! edit, or a few deletions), and nothing to retry blindly, since Telegram's answer decides
//! what is recorded. Telegram is called first and the result recorded after, so a post is
//! never marked corrected or retracted while it is not; an ambiguous answer records nothing
//! and asks the person to try again, which is safe because Telegram treats a repeated edit
//! ("message is not modified") and a repeated deletion ("message to delete not found") as
//! no-ops, which count as done here.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use entity::{attachment, channel, content_version, publication};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, UpdateMany, sea_query::Expr};
use serde_json::json;
use teloxide::{
    RequestError,
    payloads::{EditMessageCaptionSetters, EditMessageTextSetters},
    requests::Requester,
    types::{LinkPreviewOptions, MessageId, ParseMode, Recipient},
};

use crate::{
    auth::Principal,
    service::{
        ServiceError, ServiceResult, Services,
        audit::{NewEvent, append_event},
        error::check_required,
    },
    telegram::publisher::{
        classify::{CallResult, Verdict, classify},
        proof,
        render::{self, MAX_CAPTION, Media, MediaKind, Outgoing},
        worker::{call_result, recipient},
    },
    workflow::PublicationStatus,
};

/// Longest reason for a correction or retraction, in characters.
pub const MAX_REASON: usize = 500;

/// Telegram lets a bot delete its messages only while they are younger than this.
pub const DELETE_WINDOW: Duration = Duration::hours(48);

/// How a publication's messages carry its text: the calls that sent it and which message
/// holds the text.
struct Sent {
    publication: publication::Model,
    chat: Recipient,
    link_preview: bool,
    calls: Vec<Outgoing>,
    /// Message ids in sending order, one per message (album items each have one).
    message_ids: Vec<i64>,
    file_sha256: HashMap<i64, String>,
}

impl Services {
    /// Replaces the narrative of a sent post on Telegram (`editMessageText`, or
    /// `editMessageCaption` when the text is a media caption), under the same rules the
    /// publisher applies; records `edited_at`, the new `sent_sha256` and an event with the
    /// reason and both hashes. The title stays as approved.
    pub async fn correct_publication(
        &self,
        principal: &Principal,
        publication_id: i64,
        text: &str,
        reason: &str,
    ) -> ServiceResult<publication::Model> {
        check_required("reason", reason, MAX_REASON)?;
        if text.trim().is_empty() {
            return Err(ServiceError::BadInput(
                "the corrected text must not be empty; to take the post down, retract it".into(),
            ));
        }
        let sent = self.sent_publication(principal, publication_id).await?;
        let content = content_version::Entity::find()
            .filter(content_version::Column::RequestId.eq(sent.publication.request_id))
            .filter(content_version::Column::VersionNo.eq(sent.publication.content_version))
            .one(&self.db.conn)
            .await?
            .ok_or(ServiceError::NotFound("content version"))?;
        let html = render::check_text(&content.title, text)
            .map_err(|e| ServiceError::BadInput(format!("the corrected text: {e}")))?;
        let (index, call) = text_call(&sent.calls)?;
        let message_id = sent.message_ids[index];
        let bot = self.correction_bot()?;
        let target = MessageId(i32::try_from(message_id).map_err(|_| bad_message_id())?);
        let answer = match &sent.calls[call] {
            Outgoing::Text { .. } => bot
                .edit_message_text(sent.chat.clone(), target, html.clone())
                .parse_mode(ParseMode::Html)
                .link_preview_options(LinkPreviewOptions {
                    is_disabled: !sent.link_preview,
                    url: None,
                    prefer_small_media: false,
                    prefer_large_media: false,
                    show_above_text: false,
                })
                .await
                .map(|_| ()),
            Outgoing::Single { .. } | Outgoing::Album { .. } => {
                if render::visible_len(&html) > MAX_CAPTION {
                    return Err(ServiceError::BadInput(format!(
                        "the text of this post is a media caption, which Telegram limits to {MAX_CAPTION} characters; shorten the correction, or retract the post and publish it again"
                    )));
                }
                bot.edit_message_caption(sent.chat.clone(), target)
                    .caption(html.clone())
                    .parse_mode(ParseMode::Html)
                    .await
                    .map(|_| ())
            }
        };
        let note = match answer {
            Ok(()) => None,
            Err(err) => Some(telegram_refusal(&err, "message is not modified", "edit")?),
        };
        let mut calls = sent.calls.clone();
        match &mut calls[call] {
            Outgoing::Text { html: t } => *t = html.clone(),
            Outgoing::Single { caption, .. } | Outgoing::Album { caption, .. } => {
                *caption = Some(html.clone());
            }
        }
        let new_sha256 = proof::sent_sha256(&calls, &sent.file_sha256);
        let p = &sent.publication;
        let change = publication::Entity::update_many()
            .col_expr(publication::Column::EditedAt, Expr::value(Some(Utc::now())))
            .col_expr(
                publication::Column::SentSha256,
                Expr::value(Some(new_sha256.clone())),
            );
        let event = NewEvent {
            request_id: Some(p.request_id),
            kind: "publication_corrected",
            from_status: None,
            to_status: None,
            payload: json!({
                "publication_id": p.id,
                "channel_id": p.channel_id,
                "message_id": message_id,
                "reason": reason.trim(),
                "text": text,
                "old_sha256": p.sent_sha256,
                "new_sha256": new_sha256,
                "note": note,
            }),
        };
        self.record_publication_change(principal, p, change, event)
            .await
    }

    /// Deletes every message of a sent post from Telegram (`deleteMessage`), refused before
    /// any call once the post is older than Telegram's 48 hours; records `retracted_at`, the
    /// status `retracted` and an event with the reason.
    pub async fn retract_publication(
        &self,
        principal: &Principal,
        publication_id: i64,
        reason: &str,
    ) -> ServiceResult<publication::Model> {
        check_required("reason", reason, MAX_REASON)?;
        let sent = self.sent_publication(principal, publication_id).await?;
        let p = &sent.publication;
        let sent_at = p.sent_at.unwrap_or(p.updated_at);
        if Utc::now() - sent_at >= DELETE_WINDOW {
            return Err(ServiceError::BadInput(format!(
                "this post was sent on {} UTC, more than 48 hours ago: Telegram no longer lets the bot delete it; correct it instead, or ask a channel administrator to delete it by hand",
                sent_at.format("%Y-%m-%d %H:%M")
            )));
        }
        let bot = self.correction_bot()?;
        let mut notes = Vec::new();
        for (done, &message_id) in sent.message_ids.iter().enumerate() {
            let target = MessageId(i32::try_from(message_id).map_err(|_| bad_message_id())?);
            if let Err(err) = bot.delete_message(sent.chat.clone(), target).await {
                let refusal = telegram_refusal(&err, "message to delete not found", "delete");
                match refusal {
                    Ok(note) => notes.push(json!({ "message_id": message_id, "note": note })),
                    // Earlier messages are gone already; trying again skips them as not found.
                    Err(ServiceError::BadInput(m)) if done > 0 => {
                        return Err(ServiceError::BadInput(format!(
                            "{m} ({done} of {} messages were deleted; nothing is recorded yet)",
                            sent.message_ids.len()
                        )));
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        let retracted = PublicationStatus::Retracted.as_str();
        let change = publication::Entity::update_many()
            .col_expr(publication::Column::Status, Expr::value(retracted))
            .col_expr(
                publication::Column::RetractedAt,
                Expr::value(Some(Utc::now())),
            );
        let event = NewEvent {
            request_id: Some(p.request_id),
            kind: "publication_retracted",
            from_status: Some(PublicationStatus::Sent.as_str()),
            to_status: Some(retracted),
            payload: json!({
                "publication_id": p.id,
                "channel_id": p.channel_id,
                "message_ids": sent.message_ids,
                "reason": reason.trim(),
                "sent_sha256": p.sent_sha256,
                "notes": notes,
            }),
        };
        self.record_publication_change(principal, p, change, event)
            .await
    }

    /// Records what Telegram did to a sent publication: `change` (the columns it sets), the
    /// version bump and `event`, in one transaction; CONFLICT when the publication changed
    /// since it was read (Telegram has been called by then: trying again is safe).
    async fn record_publication_change(
        &self,
        principal: &Principal,
        p: &publication::Model,
        change: UpdateMany<publication::Entity>,
        event: NewEvent<'_>,
    ) -> ServiceResult<publication::Model> {
        let audit = self.audit_of(principal).await?;
        let tx = self.db.begin_write().await?;
        let updated = change
            .col_expr(
                publication::Column::Version,
                Expr::col(publication::Column::Version).add(1),
            )
            .col_expr(publication::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(publication::Column::Id.eq(p.id))
            .filter(publication::Column::Version.eq(p.version))
            .exec(&*tx)
            .await?;
        if updated.rows_affected != 1 {
            return Err(changed_meanwhile());
        }
        append_event(&*tx, &audit, event).await?;
        tx.commit().await?;
        self.publication(p.id).await
    }

    /// A publication the caller may see, sent, with the calls that sent it re-planned from its
    /// content so that its message ids can be matched to them.
    async fn sent_publication(
        &self,
        principal: &Principal,
        publication_id: i64,
    ) -> ServiceResult<Sent> {
        let p = self.publication(publication_id).await?;
        self.visible_request(principal, p.request_id).await?;
        if p.status.parse() != Ok(PublicationStatus::Sent) {
            return Err(ServiceError::BadInput(format!(
                "this publication is {}: only a sent post can be corrected or retracted",
                p.status
            )));
        }
        let message_ids: Vec<i64> = p
            .message_ids
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let channel = channel::Entity::find_by_id(p.channel_id)
            .one(&self.db.conn)
            .await?
            .ok_or(ServiceError::NotFound("channel"))?;
        let chat = recipient(&channel.chat_ref).ok_or_else(|| {
            ServiceError::BadInput("the channel's chat reference is not one Telegram knows".into())
        })?;
        let content = content_version::Entity::find()
            .filter(content_version::Column::RequestId.eq(p.request_id))
            .filter(content_version::Column::VersionNo.eq(p.content_version))
            .one(&self.db.conn)
            .await?
            .ok_or(ServiceError::NotFound("content version"))?;
        // The worker sends the request's media attachments in upload order (see its job).
        let files = attachment::Entity::find()
            .filter(attachment::Column::RequestId.eq(p.request_id))
            .filter(attachment::Column::Kind.eq("media"))
            .order_by_asc(attachment::Column::Id)
            .all(&self.db.conn)
            .await?;
        let media: Vec<Media> = files
            .iter()
            .map(|a| Media {
                attachment_id: a.id,
                kind: MediaKind::of_content_type(&a.content_type),
            })
            .collect();
        let file_sha256 = files.iter().map(|a| (a.id, a.sha256.clone())).collect();
        let calls = render::plan(&content.title, &content.narrative, &media)
            .map_err(|e| ServiceError::BadInput(format!("the published content: {e}")))?;
        let expected: usize = calls.iter().map(Outgoing::message_count).sum();
        if message_ids.is_empty() || message_ids.len() != expected {
            return Err(ServiceError::BadInput(format!(
                "Warta recorded {} message ids for this post where its content makes {expected} messages (was it settled by hand?); correct or delete it in the channel directly",
                message_ids.len()
            )));
        }
        Ok(Sent {
            publication: p,
            chat,
            link_preview: channel.link_preview,
            calls,
            message_ids,
            file_sha256,
        })
    }

    fn correction_bot(&self) -> ServiceResult<teloxide::Bot> {
        self.bot()
            .ok_or_else(|| {
                ServiceError::BadInput(
                    "no bot is configured (TELEGRAM_BOT_TOKEN), so Telegram cannot be asked".into(),
                )
            })?
            .client()
    }
}

/// The call whose message carries the text, and that message's position among the
/// publication's messages: a caption on the first call, or the text message sent last.
fn text_call(calls: &[Outgoing]) -> ServiceResult<(usize, usize)> {
    let mut first_message = 0;
    for (i, call) in calls.iter().enumerate() {
        let carries = match call {
            Outgoing::Text { .. } => true,
            Outgoing::Single { caption, .. } | Outgoing::Album { caption, .. } => caption.is_some(),
        };
        if carries {
            return Ok((first_message, i));
        }
        first_message += call.message_count();
    }
    Err(ServiceError::BadInput(
        "no message of this post carries its text (album items without a caption cannot be edited)"
            .into(),
    ))
}

/// What a refused edit or deletion means. Telegram's answer that the change is already
/// there (`already`) is success, returned as a note for the log; an ambiguous answer is
/// `TelegramUnavailable` (nothing changed for sure, try again); a refusal says why.
fn telegram_refusal(err: &RequestError, already: &str, action: &str) -> ServiceResult<String> {
    let result = call_result(err);
    if let CallResult::ApiError { description, .. } = &result
        && description.to_lowercase().contains(already)
    {
        return Ok(format!("Telegram answered: {description}"));
    }
    match classify(&result) {
        Verdict::Failed { reason } => Err(ServiceError::BadInput(refusal_reason(&reason, action))),
        Verdict::RetryAfter(wait) => Err(ServiceError::TelegramUnavailable(format!(
            "Telegram asks to wait {} seconds; try again then",
            wait.as_secs()
        ))),
        Verdict::Retry | Verdict::Uncertain { .. } | Verdict::Migrated { .. } => {
            Err(ServiceError::TelegramUnavailable(format!(
                "Telegram gave no clear answer, so nothing was recorded: try the {action} again ({})",
                error_text(&result)
            )))
        }
    }
}

/// Telegram's refusals of an edit or deletion in words a person can act on.
fn refusal_reason(reason: &str, action: &str) -> String {
    let lower = reason.to_lowercase();
    let hint = if lower.contains("message can't be deleted") {
        "Telegram no longer lets the bot delete this post (older than 48 hours, or the bot lost the right to delete)"
    } else if lower.contains("message can't be edited") {
        "Telegram does not let the bot edit this post"
    } else if lower.contains("message to edit not found") || lower.contains("message_id_invalid") {
        "the post is no longer in the channel"
    } else {
        return format!("Telegram refused the {action}: {reason}");
    };
    format!("{hint} ({reason})")
}

fn error_text(result: &CallResult) -> String {
    match result {
        CallResult::ApiError { description, .. } => description.clone(),
        CallResult::NotConnected => "not connected".into(),
        CallResult::NoAnswer => "no answer".into(),
        CallResult::Unreadable { http_status } => format!("HTTP {http_status}"),
    }
}

fn bad_message_id() -> ServiceError {
    ServiceError::BadInput("a recorded message id is not a Telegram message id".into())
}

fn changed_meanwhile() -> ServiceError {
    ServiceError::Conflict(
        "the publication changed meanwhile; reload it (Telegram was already updated, so doing it again is safe)".into(),
    )
}

#[cfg(test)]
mod tests {
    use teloxide::ApiError;

    use super::*;
    use crate::telegram::publisher::render::tests::photo;

    #[test]
    fn the_text_is_found_as_a_caption_or_as_the_last_message() {
        let text_only = render::plan("J", "I", &[]).unwrap();
        assert_eq!(text_call(&text_only).unwrap(), (0, 0));
        let album = render::plan("J", "I", &[photo(1), photo(2), photo(3)]).unwrap();
        assert_eq!(text_call(&album).unwrap(), (0, 0));
        let long = render::plan("J", &"kata ".repeat(400), &[photo(1), photo(2)]).unwrap();
        assert_eq!(
            text_call(&long).unwrap(),
            (2, 1),
            "after the album's two messages"
        );
        let captionless = vec![Outgoing::Album {
            items: vec![photo(1), photo(2)],
            caption: None,
        }];
        assert!(matches!(
            text_call(&captionless),
            Err(ServiceError::BadInput(_))
        ));
    }

    #[test]
    fn telegram_answers_become_done_a_reason_or_try_again() {
        let not_modified = RequestError::Api(ApiError::MessageNotModified);
        assert!(telegram_refusal(&not_modified, "message is not modified", "edit").is_ok());
        let gone = RequestError::Api(ApiError::MessageToDeleteNotFound);
        assert!(telegram_refusal(&gone, "message to delete not found", "delete").is_ok());
        let old = RequestError::Api(ApiError::MessageCantBeDeleted);
        let Err(ServiceError::BadInput(m)) =
            telegram_refusal(&old, "message to delete not found", "delete")
        else {
            panic!("a refusal")
        };
        assert!(m.contains("48 hours"), "{m}");
        let down = RequestError::Io(std::io::Error::other("reset").into());
        assert!(matches!(
            telegram_refusal(&down, "message is not modified", "edit"),
            Err(ServiceError::TelegramUnavailable(_))
        ));
    }
}
