//! The Telegram bot's use cases: one-time link codes and linked chats, the log of updates
//! (stored before their offset is confirmed, handled once), and the intake dialogues in
//! progress.

use chrono::{DateTime, Duration, Utc};
use entity::{
    attachment, intake_session, request, setting, telegram_account, telegram_link_code,
    telegram_update, user,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::OnConflict,
};
use serde_json::{Value, json};

use crate::{
    auth::{Principal, Scope, password::sha256_hex},
    service::{
        ServiceError, ServiceResult, Services, accounts::roles_of, audit::append_admin_event,
    },
};

/// The `setting` key of the bot's username.
const BOT_USERNAME_KEY: &str = "telegram.bot_username";
/// How long a link code may be used.
pub const LINK_CODE_TTL_MINUTES: i64 = 10;
/// Letters and digits nobody confuses when copying by hand (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// 8 characters of 31: about 40 bits, for a code that lives 10 minutes and is used once.
const CODE_LEN: usize = 8;

/// A fresh link code, shown once.
#[derive(Debug, Clone)]
pub struct LinkCode {
    /// As people read it: `ABCD-EFGH`.
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// A code as typed, reduced to the characters that count: `abcd efgh`, `ABCD-EFGH` and
/// `ABCDEFGH` are the same code.
pub fn normalize_link_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn generate_link_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let raw: String = (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &raw[..CODE_LEN / 2], &raw[CODE_LEN / 2..])
}

fn person(principal: &Principal) -> ServiceResult<i64> {
    match principal {
        Principal::Anonymous => Err(ServiceError::Unauthenticated),
        Principal::User { id, .. } => Ok(*id),
        Principal::Client { .. } => Err(ServiceError::Forbidden("only people may do this".into())),
    }
}

fn require_worker(principal: &Principal) -> ServiceResult<()> {
    match principal {
        Principal::Anonymous => Err(ServiceError::Unauthenticated),
        p if p.has_scope(Scope::Worker) => Ok(()),
        _ => Err(ServiceError::Forbidden("only the bot links chats".into())),
    }
}

/// Who writes from a linked chat.
#[derive(Debug, Clone)]
pub struct ChatOwner {
    pub principal: Principal,
    pub user: user::Model,
}

impl Services {
    /// A new one-time code for the signed-in person to send to the bot. Earlier unused codes
    /// of theirs stop working, so only the last one shown is valid.
    pub async fn create_telegram_link_code(
        &self,
        principal: &Principal,
    ) -> ServiceResult<LinkCode> {
        let user_id = person(principal)?;
        let audit = self.audit_of(principal).await?;
        let code = generate_link_code();
        let now = Utc::now();
        let expires_at = now + Duration::minutes(LINK_CODE_TTL_MINUTES);
        let tx = self.db.begin_write().await?;
        telegram_link_code::Entity::delete_many()
            .filter(telegram_link_code::Column::UserId.eq(user_id))
            .filter(telegram_link_code::Column::UsedAt.is_null())
            .exec(&*tx)
            .await?;
        telegram_link_code::ActiveModel {
            code_hash: Set(sha256_hex(&normalize_link_code(&code))),
            user_id: Set(user_id),
            created_at: Set(now),
            expires_at: Set(expires_at),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
        append_admin_event(
            &*tx,
            &audit,
            "telegram_link_code_created",
            json!({ "user_id": user_id, "expires_at": expires_at }),
        )
        .await?;
        tx.commit().await?;
        Ok(LinkCode { code, expires_at })
    }

    /// Links the private chat `chat_id` to the person who asked for `code` (the bot calls
    /// this as the worker). A chat speaks for one person and a person has one chat: an earlier
    /// link of either is replaced.
    pub async fn link_telegram_account(
        &self,
        principal: &Principal,
        code: &str,
        chat_id: i64,
        username: Option<String>,
    ) -> ServiceResult<telegram_account::Model> {
        require_worker(principal)?;
        let normalized = normalize_link_code(code);
        if normalized.len() != CODE_LEN {
            return Err(ServiceError::BadInput(format!(
                "a link code has {CODE_LEN} letters and digits"
            )));
        }
        if chat_id <= 0 {
            return Err(ServiceError::BadInput(
                "only a private chat (a positive chat id) can be linked".into(),
            ));
        }
        let username = username
            .map(|u| u.trim().trim_start_matches('@').to_owned())
            .filter(|u| !u.is_empty() && u.len() <= 64);
        let audit = self.audit_of(principal).await?;
        let now = Utc::now();
        let tx = self.db.begin_write().await?;
        let row = telegram_link_code::Entity::find()
            .filter(telegram_link_code::Column::CodeHash.eq(sha256_hex(&normalized)))
            .one(&*tx)
            .await?
            .ok_or_else(|| {
                ServiceError::BadInput("unknown link code: ask for a new one in Settings".into())
            })?;
        if let Some(used_at) = row.used_at {
            // The same chat sending the same code again (an update handled again after a
            // crash, or a second tap on the deep link) gets the link that code made, not a
            // refusal that would read as if linking had failed.
            let made = telegram_account::Entity::find()
                .filter(telegram_account::Column::UserId.eq(row.user_id))
                .filter(telegram_account::Column::ChatId.eq(chat_id))
                .filter(telegram_account::Column::LinkedAt.eq(used_at))
                .one(&*tx)
                .await?;
            if let Some(account) = made {
                return Ok(account);
            }
            return Err(ServiceError::BadInput(
                "this link code was used already: ask for a new one in Settings".into(),
            ));
        }
        if row.expires_at <= now {
            return Err(ServiceError::BadInput(
                "this link code has expired: ask for a new one in Settings".into(),
            ));
        }
        let owner = user::Entity::find_by_id(row.user_id)
            .one(&*tx)
            .await?
            .filter(|u| u.active)
            .ok_or_else(|| ServiceError::BadInput("the account of this code is inactive".into()))?;
        let mut used: telegram_link_code::ActiveModel = row.into();
        used.used_at = Set(Some(now));
        used.update(&*tx).await?;
        let replaced = telegram_account::Entity::find()
            .filter(
                telegram_account::Column::UserId
                    .eq(owner.id)
                    .or(telegram_account::Column::ChatId.eq(chat_id)),
            )
            .all(&*tx)
            .await?;
        telegram_account::Entity::delete_many()
            .filter(
                telegram_account::Column::UserId
                    .eq(owner.id)
                    .or(telegram_account::Column::ChatId.eq(chat_id)),
            )
            .exec(&*tx)
            .await?;
        let account = telegram_account::ActiveModel {
            user_id: Set(owner.id),
            chat_id: Set(chat_id),
            username: Set(username.clone()),
            linked_at: Set(now),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
        append_admin_event(
            &*tx,
            &audit,
            "telegram_linked",
            json!({
                "user_id": owner.id,
                "chat_id": chat_id,
                "username": username,
                "replaced": replaced
                    .iter()
                    .map(|r| json!({ "user_id": r.user_id, "chat_id": r.chat_id }))
                    .collect::<Vec<_>>(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(account)
    }

    /// Unlinks the signed-in person's chat; `false` when none was linked.
    pub async fn unlink_telegram(&self, principal: &Principal) -> ServiceResult<bool> {
        let user_id = person(principal)?;
        let audit = self.audit_of(principal).await?;
        let tx = self.db.begin_write().await?;
        let Some(row) = telegram_account::Entity::find()
            .filter(telegram_account::Column::UserId.eq(user_id))
            .one(&*tx)
            .await?
        else {
            return Ok(false);
        };
        telegram_account::Entity::delete_by_id(row.id)
            .exec(&*tx)
            .await?;
        append_admin_event(
            &*tx,
            &audit,
            "telegram_unlinked",
            json!({ "user_id": user_id, "chat_id": row.chat_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The chat a person linked, if any.
    pub async fn telegram_account_of(
        &self,
        user_id: i64,
    ) -> ServiceResult<Option<telegram_account::Model>> {
        Ok(telegram_account::Entity::find()
            .filter(telegram_account::Column::UserId.eq(user_id))
            .one(&self.db.conn)
            .await?)
    }

    /// The active person a private chat is linked to, as the principal the bot acts as for
    /// what they write (what a sign-in would establish).
    pub async fn telegram_chat_owner(&self, chat_id: i64) -> ServiceResult<Option<ChatOwner>> {
        let Some(account) = telegram_account::Entity::find()
            .filter(telegram_account::Column::ChatId.eq(chat_id))
            .one(&self.db.conn)
            .await?
        else {
            return Ok(None);
        };
        let Some(user) = user::Entity::find_by_id(account.user_id)
            .one(&self.db.conn)
            .await?
            .filter(|u| u.active)
        else {
            return Ok(None);
        };
        let roles = roles_of(&self.db.conn, user.id).await?;
        Ok(Some(ChatOwner {
            principal: Principal::User { id: user.id, roles },
            user,
        }))
    }

    /// Remembers the bot's `@username` (from `getMe`), for deep links; kept in the database
    /// so every server against it knows it.
    pub async fn remember_bot_username(&self, username: &str) -> ServiceResult<()> {
        let tx = self.db.begin_write().await?;
        setting::Entity::insert(setting::ActiveModel {
            key: Set(BOT_USERNAME_KEY.to_owned()),
            value: Set(username.to_owned()),
        })
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_column(setting::Column::Value)
                .to_owned(),
        )
        .exec_without_returning(&*tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The bot's `@username` (without the `@`), once a bot has started.
    pub async fn bot_username(&self) -> ServiceResult<Option<String>> {
        Ok(setting::Entity::find_by_id(BOT_USERNAME_KEY.to_owned())
            .one(&self.db.conn)
            .await?
            .map(|s| s.value))
    }

    // ----- the update log -----

    /// Stores updates as they came from `getUpdates` or the webhook; one already stored (a
    /// repeated delivery) is left as it is. Returns how many were new.
    pub async fn store_telegram_updates(&self, updates: &[Value]) -> ServiceResult<usize> {
        let now = Utc::now();
        let mut rows = Vec::with_capacity(updates.len());
        for update in updates {
            let update_id = update["update_id"].as_i64().ok_or_else(|| {
                ServiceError::BadInput("an update without a numeric update_id".into())
            })?;
            rows.push(telegram_update::ActiveModel {
                update_id: Set(update_id),
                received_at: Set(now),
                payload: Set(update.clone()),
                ..Default::default()
            });
        }
        if rows.is_empty() {
            return Ok(0);
        }
        let tx = self.db.begin_write().await?;
        let mut stored = 0;
        for row in rows {
            stored += telegram_update::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(telegram_update::Column::UpdateId)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&*tx)
                .await? as usize;
        }
        tx.commit().await?;
        Ok(stored)
    }

    /// The offset that confirms every stored update: one past the highest stored id.
    pub async fn telegram_update_offset(&self) -> ServiceResult<Option<i64>> {
        let highest: Option<Option<i64>> = telegram_update::Entity::find()
            .select_only()
            .column_as(telegram_update::Column::UpdateId.max(), "max")
            .into_tuple()
            .one(&self.db.conn)
            .await?;
        Ok(highest.flatten().map(|id| id + 1))
    }

    /// Stored updates not handled yet, oldest first.
    pub async fn unprocessed_telegram_updates(
        &self,
        limit: u64,
    ) -> ServiceResult<Vec<telegram_update::Model>> {
        Ok(telegram_update::Entity::find()
            .filter(telegram_update::Column::ProcessedAt.is_null())
            .order_by_asc(telegram_update::Column::UpdateId)
            .limit(limit)
            .all(&self.db.conn)
            .await?)
    }

    /// Marks an update handled, with what went wrong if it failed (it is not retried: a
    /// person who got no answer writes again, which is better than answering twice).
    pub async fn finish_telegram_update(
        &self,
        id: i64,
        error: Option<String>,
    ) -> ServiceResult<()> {
        let tx = self.db.begin_write().await?;
        telegram_update::Entity::update_many()
            .col_expr(
                telegram_update::Column::ProcessedAt,
                sea_orm::sea_query::Expr::value(Utc::now()),
            )
            .col_expr(
                telegram_update::Column::Error,
                sea_orm::sea_query::Expr::value(error),
            )
            .filter(telegram_update::Column::Id.eq(id))
            .exec(&*tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    // ----- intake dialogues -----

    pub async fn intake_session(
        &self,
        chat_id: i64,
    ) -> ServiceResult<Option<intake_session::Model>> {
        Ok(intake_session::Entity::find()
            .filter(intake_session::Column::ChatId.eq(chat_id))
            .one(&self.db.conn)
            .await?)
    }

    /// Dialogues waiting for an album to go quiet.
    pub async fn intake_sessions_with_album(&self) -> ServiceResult<Vec<intake_session::Model>> {
        Ok(intake_session::Entity::find()
            .filter(intake_session::Column::PendingMediaGroup.is_not_null())
            .all(&self.db.conn)
            .await?)
    }

    /// Writes a dialogue's state (creating it on its first answer).
    pub async fn save_intake_session(
        &self,
        session: intake_session::Model,
    ) -> ServiceResult<intake_session::Model> {
        let now = Utc::now();
        let tx = self.db.begin_write().await?;
        let existing = intake_session::Entity::find()
            .filter(intake_session::Column::ChatId.eq(session.chat_id))
            .one(&*tx)
            .await?;
        let saved = match existing {
            Some(row) => {
                let mut active: intake_session::ActiveModel = row.into();
                active.language = Set(session.language);
                active.step = Set(session.step);
                active.answers = Set(session.answers);
                active.attachment_ids = Set(session.attachment_ids);
                active.pending_media_group = Set(session.pending_media_group);
                active.updated_at = Set(now);
                active.update(&*tx).await?
            }
            None => {
                intake_session::ActiveModel {
                    chat_id: Set(session.chat_id),
                    language: Set(session.language),
                    step: Set(session.step),
                    answers: Set(session.answers),
                    attachment_ids: Set(session.attachment_ids),
                    pending_media_group: Set(session.pending_media_group),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&*tx)
                .await?
            }
        };
        tx.commit().await?;
        Ok(saved)
    }

    /// The request a dialogue's file went into, when `submitRequest` already took it: the
    /// bot's idempotency key for a confirmation handled again after a crash.
    pub async fn request_with_attachment(
        &self,
        attachment_id: i64,
        user_id: i64,
    ) -> ServiceResult<Option<request::Model>> {
        let Some(attachment) = attachment::Entity::find_by_id(attachment_id)
            .filter(attachment::Column::UploaderUserId.eq(user_id))
            .one(&self.db.conn)
            .await?
        else {
            return Ok(None);
        };
        let Some(request_id) = attachment.request_id else {
            return Ok(None);
        };
        Ok(request::Entity::find_by_id(request_id)
            .one(&self.db.conn)
            .await?)
    }

    /// Ends a dialogue (submitted or cancelled).
    pub async fn end_intake_session(&self, chat_id: i64) -> ServiceResult<()> {
        let tx = self.db.begin_write().await?;
        intake_session::Entity::delete_many()
            .filter(intake_session::Column::ChatId.eq(chat_id))
            .exec(&*tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_readable_and_normalize_to_their_characters() {
        let code = generate_link_code();
        assert_eq!(code.len(), CODE_LEN + 1);
        assert_eq!(&code[4..5], "-");
        let normalized = normalize_link_code(&code);
        assert_eq!(normalized.len(), CODE_LEN);
        assert!(normalized.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert_eq!(normalize_link_code(" abcd efgh "), "ABCDEFGH");
        assert_eq!(normalize_link_code("ABCD-EFGH"), "ABCDEFGH");
    }
}
