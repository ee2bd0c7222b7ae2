//! Telegram accounts: `telegram_account` links a Warta user to the private chat they have with
//! the bot, so the bot knows whom it speaks to (intake, `/status`, officials' buttons) and
//! where to send a person's direct messages. One chat per user and one user per chat.

use sea_orm_migration::prelude::*;

use crate::m20261129_000001_accounts::User;
use crate::util::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TelegramAccount::Table)
                    .col(pk_id(TelegramAccount::Id))
                    .col(big(TelegramAccount::UserId))
                    // The private chat with the bot; in Telegram it equals the user's id.
                    .col(big(TelegramAccount::ChatId))
                    .col(string_null(TelegramAccount::Username, 64))
                    .col(ts(TelegramAccount::LinkedAt))
                    .foreign_key(&mut fk(
                        "fk_telegram_account_user_id",
                        TelegramAccount::Table,
                        TelegramAccount::UserId,
                        User::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_telegram_account_user_id",
            TelegramAccount::Table,
            vec![TelegramAccount::UserId],
            true,
        )
        .await?;
        index(
            manager,
            "idx_telegram_account_chat_id",
            TelegramAccount::Table,
            vec![TelegramAccount::ChatId],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![TelegramAccount::Table]).await
    }
}

#[derive(DeriveIden)]
enum TelegramAccount {
    Table,
    Id,
    UserId,
    ChatId,
    Username,
    LinkedAt,
}
