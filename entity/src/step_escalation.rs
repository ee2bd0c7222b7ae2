//! That an open step's missed deadline was escalated to the role above; the disposition is the
//! key, so each step is escalated once however many servers look.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "step_escalation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub disposition_id: i64,
    pub request_id: i64,
    #[sea_orm(column_type = "String(StringLen::N(32))")]
    pub to_role: String,
    pub escalated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::disposition::Entity",
        from = "Column::DispositionId",
        to = "super::disposition::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Disposition,
    #[sea_orm(
        belongs_to = "super::request::Entity",
        from = "Column::RequestId",
        to = "super::request::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Request,
}

impl ActiveModelBehavior for ActiveModel {}
