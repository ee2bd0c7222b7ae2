//! The bot's own state: `telegram_update` stores every update before its offset is confirmed
//! to Telegram, so a crash loses none and each is handled once; `telegram_link_code` holds the
//! one-time codes that link a Telegram chat to a Warta account (hashed, short-lived);
//! `intake_session` keeps a requester's dialogue with the bot, so it survives a restart.

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
                    .table(TelegramUpdate::Table)
                    .col(pk_id(TelegramUpdate::Id))
                    .col(big(TelegramUpdate::UpdateId))
                    .col(ts(TelegramUpdate::ReceivedAt))
                    .col(json(TelegramUpdate::Payload))
                    .col(ts_null(TelegramUpdate::ProcessedAt))
                    .col(text_null(TelegramUpdate::Error))
                    .to_owned(),
            )
            .await?;
        // Unique: the same update delivered twice (a poll repeated after a crash, a webhook
        // retried) is stored once.
        index(
            manager,
            "idx_telegram_update_update_id",
            TelegramUpdate::Table,
            vec![TelegramUpdate::UpdateId],
            true,
        )
        .await?;
        index(
            manager,
            "idx_telegram_update_processed_at",
            TelegramUpdate::Table,
            vec![TelegramUpdate::ProcessedAt],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(TelegramLinkCode::Table)
                    .col(pk_id(TelegramLinkCode::Id))
                    // SHA-256 of the code, hex.
                    .col(string(TelegramLinkCode::CodeHash, 64))
                    .col(big(TelegramLinkCode::UserId))
                    .col(ts(TelegramLinkCode::CreatedAt))
                    .col(ts(TelegramLinkCode::ExpiresAt))
                    .col(ts_null(TelegramLinkCode::UsedAt))
                    .foreign_key(&mut fk(
                        "fk_telegram_link_code_user_id",
                        TelegramLinkCode::Table,
                        TelegramLinkCode::UserId,
                        User::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_telegram_link_code_code_hash",
            TelegramLinkCode::Table,
            vec![TelegramLinkCode::CodeHash],
            true,
        )
        .await?;
        index(
            manager,
            "idx_telegram_link_code_user_id",
            TelegramLinkCode::Table,
            vec![TelegramLinkCode::UserId],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(IntakeSession::Table)
                    .col(pk_id(IntakeSession::Id))
                    // The private chat the dialogue runs in: one dialogue per chat.
                    .col(big(IntakeSession::ChatId))
                    .col(string(IntakeSession::Language, 8))
                    .col(string(IntakeSession::Step, 32))
                    .col(json(IntakeSession::Answers))
                    .col(json(IntakeSession::AttachmentIds))
                    // The album being received: its media_group_id, what it is for, how many
                    // items arrived; acknowledged once it has been quiet for a moment.
                    .col(json_null(IntakeSession::PendingMediaGroup))
                    .col(ts(IntakeSession::CreatedAt))
                    .col(ts(IntakeSession::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_intake_session_chat_id",
            IntakeSession::Table,
            vec![IntakeSession::ChatId],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                IntakeSession::Table.into_iden(),
                TelegramLinkCode::Table.into_iden(),
                TelegramUpdate::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
enum TelegramUpdate {
    Table,
    Id,
    UpdateId,
    ReceivedAt,
    Payload,
    ProcessedAt,
    Error,
}

#[derive(DeriveIden)]
enum TelegramLinkCode {
    Table,
    Id,
    CodeHash,
    UserId,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum IntakeSession {
    Table,
    Id,
    ChatId,
    Language,
    Step,
    Answers,
    AttachmentIds,
    PendingMediaGroup,
    CreatedAt,
    UpdatedAt,
}
