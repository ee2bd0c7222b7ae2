//! A button offered to an official in a Telegram direct message: the random token in its
//! `callback_data` stands for who may press it, on which request and step, and what it does.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "telegram_action")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique, column_type = "String(StringLen::N(32))")]
    pub token: String,
    pub user_id: i64,
    /// The chat the button was sent to; only a press from it counts.
    pub chat_id: i64,
    pub request_id: i64,
    pub disposition_id: i64,
    /// `forward`, `approve`, `publish`, `return` or `reject`.
    #[sea_orm(column_type = "String(StringLen::N(32))")]
    pub action: String,
    /// The request's version when the button was offered.
    pub request_version: i32,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub pressed_at: Option<DateTimeUtc>,
    /// The direct message the button sat on, known once pressed.
    pub message_id: Option<i32>,
    /// When the reason for a return or rejection was asked for.
    pub reason_asked_at: Option<DateTimeUtc>,
    pub done_at: Option<DateTimeUtc>,
    /// How it ended: `done`, `stale`, `refused`, `cancelled`.
    #[sea_orm(column_type = "String(StringLen::N(32))", nullable)]
    pub outcome: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    User,
    #[sea_orm(
        belongs_to = "super::request::Entity",
        from = "Column::RequestId",
        to = "super::request::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Request,
    #[sea_orm(
        belongs_to = "super::disposition::Entity",
        from = "Column::DispositionId",
        to = "super::disposition::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Disposition,
}

impl ActiveModelBehavior for ActiveModel {}
