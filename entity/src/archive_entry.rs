//! A request archived in step 7 (one per request): its classification code (a row of
//! `classification`), retention, access class, the content version and text it keeps, and the
//! retention review once one was made.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "archive_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub request_id: i64,
    #[sea_orm(column_type = "String(StringLen::N(32))")]
    pub classification_code: String,
    pub retention_years: i32,
    pub retain_until: Date,
    #[sea_orm(column_type = "String(StringLen::N(300))")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub final_text: String,
    pub archived_by: Option<i64>,
    pub archived_at: DateTimeUtc,
    /// Who may see the entry: `public`, `internal` or `restricted` (see `docs/data-model.md`).
    #[sea_orm(column_type = "String(StringLen::N(16))")]
    pub access_class: String,
    /// The content version archived (the request's last).
    pub content_version: i32,
    pub retention_reviewed_at: Option<DateTimeUtc>,
    pub retention_reviewed_by: Option<i64>,
    /// `keep`, `transfer` or `destroy_approved`; nothing is ever deleted by Warta.
    #[sea_orm(column_type = "String(StringLen::N(16))", nullable)]
    pub retention_decision: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub retention_note: Option<String>,
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
        belongs_to = "super::user::Entity",
        from = "Column::ArchivedBy",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    ArchivedBy,
}

impl Related<super::request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Request.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ArchivedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
