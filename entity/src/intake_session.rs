//! A requester's dialogue with the bot in progress: which question comes next, the answers and
//! files so far, and the album being received.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "intake_session")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub chat_id: i64,
    #[sea_orm(column_type = "String(StringLen::N(8))")]
    pub language: String,
    #[sea_orm(column_type = "String(StringLen::N(32))")]
    pub step: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub answers: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub attachment_ids: Json,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub pending_media_group: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
