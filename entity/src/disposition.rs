//! One SOP step opened for its holder: the electronic *lembar disposisi*, with the
//! instruction, the SLA deadline, and when it was read and done.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "disposition")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    pub step: i16,
    pub from_user_id: Option<i64>,
    #[sea_orm(column_type = "String(StringLen::N(32))")]
    pub to_role: String,
    pub to_user_id: Option<i64>,
    #[sea_orm(column_type = "String(StringLen::N(64))", nullable)]
    pub instruction: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub instruction_text: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(16))")]
    pub priority: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub due_at: Option<DateTimeUtc>,
    pub sla_deadline: DateTimeUtc,
    /// The time standard in force when the step opened (later changes do not rewrite it).
    pub sla_minutes: i32,
    pub sla_working_hours_only: bool,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    pub done_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "String(StringLen::N(32))", nullable)]
    pub outcome: Option<String>,
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
        from = "Column::FromUserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    FromUser,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::ToUserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    ToUser,
}

impl Related<super::request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Request.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
