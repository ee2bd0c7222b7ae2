//! A publication request: a unit's ask to publish something, carried down the SOP's chain of
//! dispositions from submission to archive. `version` is for optimistic locking.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "request")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(column_type = "String(StringLen::N(32))", unique)]
    pub agenda_number: String,
    pub agenda_year: i32,
    pub agenda_seq: i32,
    #[sea_orm(column_type = "String(StringLen::N(300))")]
    pub title: String,
    #[sea_orm(column_type = "String(StringLen::N(200))")]
    pub unit: String,
    #[sea_orm(column_type = "String(StringLen::N(300))")]
    pub audience: String,
    pub desired_date: Option<Date>,
    #[sea_orm(column_type = "String(StringLen::N(16))")]
    pub priority: String,
    #[sea_orm(column_type = "String(StringLen::N(32))")]
    pub status: String,
    pub current_step: Option<i16>,
    pub returned_from_step: Option<i16>,
    #[sea_orm(column_type = "String(StringLen::N(32))", nullable)]
    pub holder_role: Option<String>,
    pub holder_user_id: Option<i64>,
    pub requester_id: i64,
    pub current_content_version: i32,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub checklist: Option<Json>,
    #[sea_orm(column_type = "Text", nullable)]
    pub rejection_reason: Option<String>,
    pub version: i32,
    pub submitted_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::HolderUserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    HolderUser,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::RequesterId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Requester,
    #[sea_orm(has_many = "super::request_channel::Entity")]
    RequestChannel,
    #[sea_orm(has_many = "super::content_version::Entity")]
    ContentVersion,
    #[sea_orm(has_many = "super::attachment::Entity")]
    Attachment,
    #[sea_orm(has_many = "super::disposition::Entity")]
    Disposition,
    #[sea_orm(has_many = "super::review::Entity")]
    Review,
    #[sea_orm(has_many = "super::publication::Entity")]
    Publication,
    #[sea_orm(has_one = "super::archive_entry::Entity")]
    ArchiveEntry,
    #[sea_orm(has_many = "super::event::Entity")]
    Event,
    #[sea_orm(has_many = "super::outbox::Entity")]
    Outbox,
}

impl Related<super::request_channel::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RequestChannel.def()
    }
}

impl Related<super::content_version::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ContentVersion.def()
    }
}

impl Related<super::attachment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Attachment.def()
    }
}

impl Related<super::disposition::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Disposition.def()
    }
}

impl Related<super::review::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Review.def()
    }
}

impl Related<super::publication::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Publication.def()
    }
}

impl Related<super::archive_entry::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ArchiveEntry.def()
    }
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl Related<super::outbox::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Outbox.def()
    }
}

/// The channels chosen for the request in step 2, through `request_channel`.
impl Related<super::channel::Entity> for Entity {
    fn to() -> RelationDef {
        super::request_channel::Relation::Channel.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::request_channel::Relation::Request.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
