//! One device (browser) a person allowed to receive Web Push on: the push service's endpoint
//! and the keys its messages are encrypted to (RFC 8291), with how delivery has gone lately.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "push_subscription")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    #[sea_orm(column_type = "String(StringLen::N(1024))", unique)]
    pub endpoint: String,
    /// The device's P-256 public key, base64url (65 bytes uncompressed).
    #[sea_orm(column_type = "String(StringLen::N(128))")]
    pub p256dh: String,
    /// The device's authentication secret, base64url (16 bytes).
    #[sea_orm(column_type = "String(StringLen::N(64))")]
    pub auth: String,
    #[sea_orm(column_type = "String(StringLen::N(300))", nullable)]
    pub user_agent: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub last_success_at: Option<DateTimeUtc>,
    pub last_failure_at: Option<DateTimeUtc>,
    /// Failed deliveries since the last success.
    pub failure_count: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
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
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
