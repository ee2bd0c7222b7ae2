//! The buttons offered to officials in Telegram direct messages: each is a random token in
//! `callback_data` (at most 64 bytes) standing for who may press it, on which request and step,
//! what it does, and the request's version when it was offered. A press is taken once (a
//! conditional update), so a double press or two presses at once act once.
//!
//! What a press *does* goes through the GraphQL schema as the person who pressed (see
//! `telegram::bot::officials`); this module only keeps the tokens.

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use entity::telegram_action;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, sea_query::Expr,
};

use crate::service::{ServiceResult, Services};

/// What every action token's `callback_data` starts with, so other buttons are told apart.
pub const CALLBACK_PREFIX: &str = "wa:";

/// How long after it was asked for a reason is still taken as the answer.
pub const REASON_WINDOW: Duration = Duration::hours(1);

/// How a pressed action ended.
pub mod outcome {
    pub const DONE: &str = "done";
    pub const STALE: &str = "stale";
    pub const EXPIRED: &str = "expired";
    pub const REFUSED: &str = "refused";
    pub const CANCELLED: &str = "cancelled";
}

/// Whom a direct message's buttons are for and what they concern.
#[derive(Debug, Clone)]
pub struct ActionOffer {
    pub user_id: i64,
    pub chat_id: i64,
    pub request_id: i64,
    pub disposition_id: i64,
    pub request_version: i32,
    pub expires_at: DateTime<Utc>,
}

impl Services {
    /// Stores one token per action for one person's direct message; returns the
    /// `callback_data` of each, in the order given.
    pub async fn offer_telegram_actions(
        &self,
        offer: &ActionOffer,
        actions: &[&str],
    ) -> ServiceResult<Vec<String>> {
        let now = Utc::now();
        let tx = self.db.begin_write().await?;
        let mut data = Vec::with_capacity(actions.len());
        for action in actions {
            let token = new_token();
            telegram_action::ActiveModel {
                token: Set(token.clone()),
                user_id: Set(offer.user_id),
                chat_id: Set(offer.chat_id),
                request_id: Set(offer.request_id),
                disposition_id: Set(offer.disposition_id),
                action: Set((*action).to_owned()),
                request_version: Set(offer.request_version),
                expires_at: Set(offer.expires_at),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&*tx)
            .await?;
            data.push(format!("{CALLBACK_PREFIX}{token}"));
        }
        tx.commit().await?;
        Ok(data)
    }

    /// The action a button's `callback_data` stands for, if any.
    pub async fn telegram_action(
        &self,
        callback_data: &str,
    ) -> ServiceResult<Option<telegram_action::Model>> {
        let Some(token) = callback_data.strip_prefix(CALLBACK_PREFIX) else {
            return Ok(None);
        };
        Ok(telegram_action::Entity::find()
            .filter(telegram_action::Column::Token.eq(token))
            .one(&self.db.conn)
            .await?)
    }

    /// Takes a press: `true` for the first press, `false` when it was already pressed.
    pub async fn press_telegram_action(
        &self,
        id: i64,
        message_id: Option<i32>,
    ) -> ServiceResult<bool> {
        let taken = telegram_action::Entity::update_many()
            .col_expr(telegram_action::Column::PressedAt, Expr::value(Utc::now()))
            .col_expr(telegram_action::Column::MessageId, Expr::value(message_id))
            .filter(telegram_action::Column::Id.eq(id))
            .filter(telegram_action::Column::PressedAt.is_null())
            .exec(&self.db.conn)
            .await?;
        Ok(taken.rows_affected == 1)
    }

    /// Records that the reason for a pressed return or rejection was asked for; the chat's next
    /// message is taken as it.
    pub async fn ask_telegram_reason(&self, id: i64) -> ServiceResult<()> {
        telegram_action::Entity::update_many()
            .col_expr(
                telegram_action::Column::ReasonAskedAt,
                Expr::value(Utc::now()),
            )
            .filter(telegram_action::Column::Id.eq(id))
            .filter(telegram_action::Column::DoneAt.is_null())
            .exec(&self.db.conn)
            .await?;
        Ok(())
    }

    /// The return or rejection in this chat still waiting for its reason, asked for within
    /// [`REASON_WINDOW`]; the latest one when there are several.
    pub async fn pending_telegram_reason(
        &self,
        chat_id: i64,
    ) -> ServiceResult<Option<telegram_action::Model>> {
        Ok(telegram_action::Entity::find()
            .filter(telegram_action::Column::ChatId.eq(chat_id))
            .filter(telegram_action::Column::ReasonAskedAt.gt(Utc::now() - REASON_WINDOW))
            .filter(telegram_action::Column::DoneAt.is_null())
            .order_by_desc(telegram_action::Column::ReasonAskedAt)
            .order_by_desc(telegram_action::Column::Id)
            .one(&self.db.conn)
            .await?)
    }

    /// Records how a pressed action ended (see [`outcome`]).
    pub async fn finish_telegram_action(&self, id: i64, how: &str) -> ServiceResult<()> {
        telegram_action::Entity::update_many()
            .col_expr(telegram_action::Column::DoneAt, Expr::value(Utc::now()))
            .col_expr(telegram_action::Column::Outcome, Expr::value(how))
            .filter(telegram_action::Column::Id.eq(id))
            .filter(telegram_action::Column::DoneAt.is_null())
            .exec(&self.db.conn)
            .await?;
        Ok(())
    }
}

/// 16 random bytes, base64url: 22 characters, well inside `callback_data`'s 64 bytes.
fn new_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_data_fits_telegrams_64_bytes_and_is_not_guessable() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert!(format!("{CALLBACK_PREFIX}{a}").len() <= 64);
    }
}
