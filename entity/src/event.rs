//! One thing that happened, with who did it and the status it moved a request from and to.
//! The log is append-only: triggers refuse UPDATE and DELETE on both engines.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: Option<i64>,
    #[sea_orm(column_type = "String(StringLen::N(16))")]
    pub actor_kind: String,
    pub actor_user_id: Option<i64>,
    pub actor_client_id: Option<i64>,
    #[sea_orm(column_type = "String(StringLen::N(200))")]
    pub actor_label: String,
    #[sea_orm(column_type = "String(StringLen::N(48))")]
    pub kind: String,
    #[sea_orm(column_type = "String(StringLen::N(32))", nullable)]
    pub from_status: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(32))", nullable)]
    pub to_status: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub payload: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::request::Entity",
        from = "Column::RequestId",
        to = "super::request::Column::Id",
        on_update = "NoAction",
        on_delete = "NoAction"
    )]
    Request,
}

impl Related<super::request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Request.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
