//! The Telegram targets a request can be published to (`channel`).

use sea_orm_migration::prelude::*;

use crate::util::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Channel::Table)
                    .col(pk_id(Channel::Id))
                    .col(string(Channel::Name, 100))
                    .col(string(Channel::ChatRef, 100))
                    .col(text_null(Channel::Description))
                    .col(boolean(Channel::LinkPreview, false))
                    .col(boolean(Channel::Silent, false))
                    .col(boolean(Channel::Active, true))
                    .col(ts(Channel::CreatedAt))
                    .col(ts(Channel::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_channel_chat_ref",
            Channel::Table,
            vec![Channel::ChatRef],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![Channel::Table]).await
    }
}

#[derive(DeriveIden)]
pub enum Channel {
    Table,
    Id,
    Name,
    ChatRef,
    Description,
    LinkPreview,
    Silent,
    Active,
    CreatedAt,
    UpdatedAt,
}
