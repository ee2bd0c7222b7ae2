//! Web Push: `push_subscription`, one row per device (browser) a person allowed to notify
//! them, and `step_reminder`, which records that the holder of an open step was reminded
//! before its SLA deadline, so the reminder goes out once.

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
                    .table(PushSubscription::Table)
                    .col(pk_id(PushSubscription::Id))
                    .col(big(PushSubscription::UserId))
                    // The push service's URL for this device; a capability, unique per device.
                    .col(string(PushSubscription::Endpoint, 1024))
                    .col(string(PushSubscription::P256dh, 128))
                    .col(string(PushSubscription::Auth, 64))
                    .col(string_null(PushSubscription::UserAgent, 300))
                    .col(ts(PushSubscription::CreatedAt))
                    .col(ts(PushSubscription::UpdatedAt))
                    .col(ts_null(PushSubscription::LastSuccessAt))
                    .col(ts_null(PushSubscription::LastFailureAt))
                    .col(int_default(PushSubscription::FailureCount, 0))
                    .col(text_null(PushSubscription::LastError))
                    .foreign_key(&mut fk(
                        "fk_push_subscription_user_id",
                        PushSubscription::Table,
                        PushSubscription::UserId,
                        User::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_push_subscription_endpoint",
            PushSubscription::Table,
            vec![PushSubscription::Endpoint],
            true,
        )
        .await?;
        index(
            manager,
            "idx_push_subscription_user_id",
            PushSubscription::Table,
            vec![PushSubscription::UserId],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(StepReminder::Table)
                    // One reminder per step: the key is the disposition itself.
                    .col(
                        ColumnDef::new(StepReminder::DispositionId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(big(StepReminder::RequestId))
                    .col(ts(StepReminder::RemindedAt))
                    .foreign_key(&mut fk(
                        "fk_step_reminder_disposition_id",
                        StepReminder::Table,
                        StepReminder::DispositionId,
                        Disposition::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_step_reminder_request_id",
                        StepReminder::Table,
                        StepReminder::RequestId,
                        Request::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![StepReminder::Table]).await?;
        drop_tables(manager, vec![PushSubscription::Table]).await
    }
}

#[derive(DeriveIden)]
enum PushSubscription {
    Table,
    Id,
    UserId,
    Endpoint,
    #[sea_orm(iden = "p256dh")]
    P256dh,
    Auth,
    UserAgent,
    CreatedAt,
    UpdatedAt,
    LastSuccessAt,
    LastFailureAt,
    FailureCount,
    LastError,
}

#[derive(DeriveIden)]
enum StepReminder {
    Table,
    DispositionId,
    RequestId,
    RemindedAt,
}

/// The table of migration 3, named here for the foreign key.
#[derive(DeriveIden)]
enum Disposition {
    Table,
}
