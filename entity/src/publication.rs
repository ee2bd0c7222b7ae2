//! One request on one channel: its status, schedule, sent message ids, link and send attempts.
//! `version` is for optimistic locking; `sent_sha256` proves what was posted.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "publication")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    pub channel_id: i64,
    pub content_version: i32,
    #[sea_orm(column_type = "String(StringLen::N(16))")]
    pub status: String,
    pub scheduled_at: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub message_ids: Option<Json>,
    #[sea_orm(column_type = "String(StringLen::N(300))", nullable)]
    pub link: Option<String>,
    pub attempts: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Hex SHA-256 of exactly what the worker sent (canonical form in the publisher's `proof`).
    #[sea_orm(column_type = "String(StringLen::N(64))", nullable)]
    pub sent_sha256: Option<String>,
    /// When the post was last corrected on Telegram.
    pub edited_at: Option<DateTimeUtc>,
    /// When the post was taken down from Telegram.
    pub retracted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::request::Entity",
        from = "Column::RequestId",
        to = "super::request::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Request,
    #[sea_orm(
        belongs_to = "super::channel::Entity",
        from = "Column::ChannelId",
        to = "super::channel::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Channel,
    #[sea_orm(has_many = "super::outbox::Entity")]
    Outbox,
}

impl Related<super::request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Request.def()
    }
}

impl Related<super::channel::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Channel.def()
    }
}

impl Related<super::outbox::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Outbox.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
