//! A Telegram target a request can be published to; `chat_ref` is a numeric chat id or `@username`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "channel")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(column_type = "String(StringLen::N(100))")]
    pub name: String,
    #[sea_orm(column_type = "String(StringLen::N(100))", unique)]
    pub chat_ref: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub link_preview: bool,
    pub silent: bool,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When Telegram was last asked whether the bot may post here.
    pub checked_at: Option<DateTimeUtc>,
    /// That answer: `ok` or `problem`.
    #[sea_orm(column_type = "String(StringLen::N(16))", nullable)]
    pub check_status: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub check_problem: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::request_channel::Entity")]
    RequestChannel,
    #[sea_orm(has_many = "super::publication::Entity")]
    Publication,
}

impl Related<super::request_channel::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RequestChannel.def()
    }
}

impl Related<super::publication::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Publication.def()
    }
}

/// The requests that chose this channel, through `request_channel`.
impl Related<super::request::Entity> for Entity {
    fn to() -> RelationDef {
        super::request_channel::Relation::Request.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::request_channel::Relation::Channel.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
