//! What happens after approval: one `publication` per request and channel, the step-7
//! `archive_entry`, and the `outbox` of work for notifiers and publishers.

use sea_orm_migration::prelude::*;

use crate::m20261129_000001_accounts::User;
use crate::m20261129_000002_channels::Channel;
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
                    .table(Publication::Table)
                    .col(pk_id(Publication::Id))
                    .col(big(Publication::RequestId))
                    .col(big(Publication::ChannelId))
                    .col(int(Publication::ContentVersion))
                    .col(string(Publication::Status, 16))
                    .col(ts_null(Publication::ScheduledAt))
                    .col(ts_null(Publication::SentAt))
                    .col(json_null(Publication::MessageIds))
                    .col(string_null(Publication::Link, 300))
                    .col(int_default(Publication::Attempts, 0))
                    .col(text_null(Publication::LastError))
                    .col(int_default(Publication::Version, 0))
                    .col(ts(Publication::CreatedAt))
                    .col(ts(Publication::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_publication_request_id",
                        Publication::Table,
                        Publication::RequestId,
                        Request::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_publication_channel_id",
                        Publication::Table,
                        Publication::ChannelId,
                        Channel::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_publication_request_id_channel_id",
            Publication::Table,
            vec![Publication::RequestId, Publication::ChannelId],
            true,
        )
        .await?;
        index(
            manager,
            "idx_publication_status_scheduled_at",
            Publication::Table,
            vec![Publication::Status, Publication::ScheduledAt],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArchiveEntry::Table)
                    .col(pk_id(ArchiveEntry::Id))
                    .col(big(ArchiveEntry::RequestId))
                    .col(string(ArchiveEntry::ClassificationCode, 32))
                    .col(int(ArchiveEntry::RetentionYears))
                    .col(date(ArchiveEntry::RetainUntil))
                    .col(string(ArchiveEntry::Title, 300))
                    .col(text(ArchiveEntry::FinalText))
                    .col(big_null(ArchiveEntry::ArchivedBy))
                    .col(ts(ArchiveEntry::ArchivedAt))
                    .foreign_key(&mut fk(
                        "fk_archive_entry_request_id",
                        ArchiveEntry::Table,
                        ArchiveEntry::RequestId,
                        Request::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_archive_entry_archived_by",
                        ArchiveEntry::Table,
                        ArchiveEntry::ArchivedBy,
                        User::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_archive_entry_request_id",
            ArchiveEntry::Table,
            vec![ArchiveEntry::RequestId],
            true,
        )
        .await?;
        index(
            manager,
            "idx_archive_entry_archived_at",
            ArchiveEntry::Table,
            vec![ArchiveEntry::ArchivedAt],
            false,
        )
        .await?;
        index(
            manager,
            "idx_archive_entry_classification_code",
            ArchiveEntry::Table,
            vec![ArchiveEntry::ClassificationCode],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(pk_id(Outbox::Id))
                    .col(string(Outbox::Topic, 32))
                    .col(big_null(Outbox::RequestId))
                    .col(big_null(Outbox::PublicationId))
                    .col(json(Outbox::Payload))
                    .col(ts(Outbox::CreatedAt))
                    .col(ts(Outbox::AvailableAt))
                    .col(string_null(Outbox::LeaseOwner, 64))
                    .col(ts_null(Outbox::LeaseUntil))
                    .col(int_default(Outbox::Attempts, 0))
                    .col(text_null(Outbox::LastError))
                    .col(ts_null(Outbox::DoneAt))
                    .foreign_key(&mut fk(
                        "fk_outbox_request_id",
                        Outbox::Table,
                        Outbox::RequestId,
                        Request::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_outbox_publication_id",
                        Outbox::Table,
                        Outbox::PublicationId,
                        Publication::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_outbox_topic_done_at_available_at",
            Outbox::Table,
            vec![Outbox::Topic, Outbox::DoneAt, Outbox::AvailableAt],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Outbox::Table.into_iden(),
                ArchiveEntry::Table.into_iden(),
                Publication::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Publication {
    Table,
    Id,
    RequestId,
    ChannelId,
    ContentVersion,
    Status,
    ScheduledAt,
    SentAt,
    MessageIds,
    Link,
    Attempts,
    LastError,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ArchiveEntry {
    Table,
    Id,
    RequestId,
    ClassificationCode,
    RetentionYears,
    RetainUntil,
    Title,
    FinalText,
    ArchivedBy,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Topic,
    RequestId,
    PublicationId,
    Payload,
    CreatedAt,
    AvailableAt,
    LeaseOwner,
    LeaseUntil,
    Attempts,
    LastError,
    DoneAt,
}
