//! An uploaded file's metadata; the bytes live on disk under `attachments/<sha256[0..2]>/<sha256>`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "attachment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: Option<i64>,
    pub uploader_user_id: Option<i64>,
    pub uploader_client_id: Option<i64>,
    #[sea_orm(column_type = "String(StringLen::N(16))")]
    pub kind: String,
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub filename: String,
    #[sea_orm(column_type = "String(StringLen::N(100))")]
    pub content_type: String,
    pub size_bytes: i64,
    #[sea_orm(column_type = "String(StringLen::N(64))")]
    pub sha256: String,
    pub created_at: DateTimeUtc,
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
        from = "Column::UploaderUserId",
        to = "super::user::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    UploaderUser,
    #[sea_orm(
        belongs_to = "super::api_client::Entity",
        from = "Column::UploaderClientId",
        to = "super::api_client::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    UploaderClient,
}

impl Related<super::request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Request.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UploaderUser.def()
    }
}

impl Related<super::api_client::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UploaderClient.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
