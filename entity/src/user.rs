//! A person who signs in: requester, officer or administrator (their roles are `user_role` rows).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(column_type = "String(StringLen::N(64))", unique)]
    pub username: String,
    #[sea_orm(column_type = "String(StringLen::N(200))")]
    pub full_name: String,
    #[sea_orm(column_type = "String(StringLen::N(200))", nullable)]
    pub unit: Option<String>,
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub password_hash: String,
    pub active: bool,
    #[sea_orm(unique)]
    pub telegram_user_id: Option<i64>,
    #[sea_orm(column_type = "String(StringLen::N(8))")]
    pub locale: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user_role::Entity")]
    UserRole,
    #[sea_orm(has_many = "super::refresh_token::Entity")]
    RefreshToken,
}

impl Related<super::user_role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserRole.def()
    }
}

impl Related<super::refresh_token::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RefreshToken.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
