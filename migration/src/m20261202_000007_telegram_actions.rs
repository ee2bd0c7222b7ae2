//! Officials acting from Telegram: `telegram_action` holds the buttons offered in a direct
//! message (a random token stands for user, request, step and action, since `callback_data`
//! carries at most 64 bytes), `telegram_dm` how direct messages to a person's linked chat went
//! (a chat that blocked the bot is not tried again until it is linked anew), and
//! `step_escalation` that a step's missed deadline was escalated to the role above, once.

use sea_orm_migration::prelude::*;

use crate::m20261129_000001_accounts::User;
use crate::m20261129_000003_requests::Request;
use crate::util::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TelegramAction::Table)
                    .col(pk_id(TelegramAction::Id))
                    .col(string(TelegramAction::Token, 32))
                    .col(big(TelegramAction::UserId))
                    .col(big(TelegramAction::ChatId))
                    .col(big(TelegramAction::RequestId))
                    .col(big(TelegramAction::DispositionId))
                    .col(string(TelegramAction::Action, 32))
                    // The request's version when the button was offered: a press after any
                    // change is refused as stale.
                    .col(int(TelegramAction::RequestVersion))
                    .col(ts(TelegramAction::ExpiresAt))
                    .col(ts(TelegramAction::CreatedAt))
                    .col(ts_null(TelegramAction::PressedAt))
                    // The direct message the button sat on, known once it is pressed.
                    .col(ColumnDef::new(TelegramAction::MessageId).integer().null())
                    // A return or rejection waits for the reason as the next message.
                    .col(ts_null(TelegramAction::ReasonAskedAt))
                    .col(ts_null(TelegramAction::DoneAt))
                    .col(string_null(TelegramAction::Outcome, 32))
                    .foreign_key(&mut fk(
                        "fk_telegram_action_user_id",
                        TelegramAction::Table,
                        TelegramAction::UserId,
                        User::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_telegram_action_request_id",
                        TelegramAction::Table,
                        TelegramAction::RequestId,
                        Request::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_telegram_action_disposition_id",
                        TelegramAction::Table,
                        TelegramAction::DispositionId,
                        Disposition::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_telegram_action_token",
            TelegramAction::Table,
            vec![TelegramAction::Token],
            true,
        )
        .await?;
        index(
            manager,
            "idx_telegram_action_chat_id",
            TelegramAction::Table,
            vec![TelegramAction::ChatId],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(TelegramDm::Table)
                    .col(
                        ColumnDef::new(TelegramDm::UserId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(big(TelegramDm::ChatId))
                    .col(ts_null(TelegramDm::BlockedAt))
                    .col(ts_null(TelegramDm::LastSuccessAt))
                    .col(ts_null(TelegramDm::LastFailureAt))
                    .col(int_default(TelegramDm::FailureCount, 0))
                    .col(text_null(TelegramDm::LastError))
                    .foreign_key(&mut fk(
                        "fk_telegram_dm_user_id",
                        TelegramDm::Table,
                        TelegramDm::UserId,
                        User::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StepEscalation::Table)
                    // One escalation per step: the key is the disposition itself.
                    .col(
                        ColumnDef::new(StepEscalation::DispositionId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(big(StepEscalation::RequestId))
                    .col(string(StepEscalation::ToRole, 32))
                    .col(ts(StepEscalation::EscalatedAt))
                    .foreign_key(&mut fk(
                        "fk_step_escalation_disposition_id",
                        StepEscalation::Table,
                        StepEscalation::DispositionId,
                        Disposition::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_step_escalation_request_id",
                        StepEscalation::Table,
                        StepEscalation::RequestId,
                        Request::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![StepEscalation::Table]).await?;
        drop_tables(manager, vec![TelegramDm::Table]).await?;
        drop_tables(manager, vec![TelegramAction::Table]).await
    }
}

#[derive(DeriveIden)]
enum TelegramAction {
    Table,
    Id,
    Token,
    UserId,
    ChatId,
    RequestId,
    DispositionId,
    Action,
    RequestVersion,
    ExpiresAt,
    CreatedAt,
    PressedAt,
    MessageId,
    ReasonAskedAt,
    DoneAt,
    Outcome,
}

#[derive(DeriveIden)]
enum TelegramDm {
    Table,
    UserId,
    ChatId,
    BlockedAt,
    LastSuccessAt,
    LastFailureAt,
    FailureCount,
    LastError,
}

#[derive(DeriveIden)]
enum StepEscalation {
    Table,
    DispositionId,
    RequestId,
    ToRole,
    EscalatedAt,
}

/// The table of migration 3, named here for the foreign keys.
#[derive(DeriveIden)]
enum Disposition {
    Table,
}
