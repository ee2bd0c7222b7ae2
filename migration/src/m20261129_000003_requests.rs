//! Publication requests and everything that hangs off one before publishing: the yearly
//! agenda counter, the chosen channels, content versions, attachments, dispositions (the
//! SOP steps) and review verdicts.

use sea_orm_migration::prelude::*;

use crate::m20261129_000001_accounts::{ApiClient, User};
use crate::m20261129_000002_channels::Channel;
use crate::util::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AgendaCounter::Table)
                    .col(
                        ColumnDef::new(AgendaCounter::Year)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(int(AgendaCounter::LastNumber))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Request::Table)
                    .col(pk_id(Request::Id))
                    .col(string(Request::AgendaNumber, 32))
                    .col(int(Request::AgendaYear))
                    .col(int(Request::AgendaSeq))
                    .col(string(Request::Title, 300))
                    .col(string(Request::Unit, 200))
                    .col(string(Request::Audience, 300))
                    .col(date_null(Request::DesiredDate))
                    .col(string(Request::Priority, 16))
                    .col(string(Request::Status, 32))
                    .col(small_null(Request::CurrentStep))
                    .col(small_null(Request::ReturnedFromStep))
                    .col(string_null(Request::HolderRole, 32))
                    .col(big_null(Request::HolderUserId))
                    .col(big(Request::RequesterId))
                    .col(int_default(Request::CurrentContentVersion, 1))
                    .col(json_null(Request::Checklist))
                    .col(text_null(Request::RejectionReason))
                    .col(int_default(Request::Version, 0))
                    .col(ts(Request::SubmittedAt))
                    .col(ts(Request::CreatedAt))
                    .col(ts(Request::UpdatedAt))
                    .col(ts_null(Request::ClosedAt))
                    .foreign_key(&mut fk(
                        "fk_request_holder_user_id",
                        Request::Table,
                        Request::HolderUserId,
                        User::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_request_requester_id",
                        Request::Table,
                        Request::RequesterId,
                        User::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_request_agenda_number",
            Request::Table,
            vec![Request::AgendaNumber],
            true,
        )
        .await?;
        index(
            manager,
            "idx_request_status_updated_at",
            Request::Table,
            vec![Request::Status, Request::UpdatedAt],
            false,
        )
        .await?;
        index(
            manager,
            "idx_request_requester_id_created_at",
            Request::Table,
            vec![Request::RequesterId, Request::CreatedAt],
            false,
        )
        .await?;
        index(
            manager,
            "idx_request_holder_role_status",
            Request::Table,
            vec![Request::HolderRole, Request::Status],
            false,
        )
        .await?;
        index(
            manager,
            "idx_request_holder_user_id_status",
            Request::Table,
            vec![Request::HolderUserId, Request::Status],
            false,
        )
        .await?;
        index(
            manager,
            "idx_request_created_at",
            Request::Table,
            vec![Request::CreatedAt],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RequestChannel::Table)
                    .col(big(RequestChannel::RequestId))
                    .col(big(RequestChannel::ChannelId))
                    .col(big_null(RequestChannel::ChosenBy))
                    .col(ts(RequestChannel::CreatedAt))
                    .primary_key(
                        Index::create()
                            .name("pk_request_channel")
                            .col(RequestChannel::RequestId)
                            .col(RequestChannel::ChannelId),
                    )
                    .foreign_key(&mut fk(
                        "fk_request_channel_request_id",
                        RequestChannel::Table,
                        RequestChannel::RequestId,
                        Request::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_request_channel_channel_id",
                        RequestChannel::Table,
                        RequestChannel::ChannelId,
                        Channel::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_request_channel_chosen_by",
                        RequestChannel::Table,
                        RequestChannel::ChosenBy,
                        User::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_request_channel_channel_id",
            RequestChannel::Table,
            vec![RequestChannel::ChannelId],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ContentVersion::Table)
                    .col(pk_id(ContentVersion::Id))
                    .col(big(ContentVersion::RequestId))
                    .col(int(ContentVersion::VersionNo))
                    .col(string(ContentVersion::Title, 300))
                    .col(text(ContentVersion::Narrative))
                    .col(big_null(ContentVersion::AuthorId))
                    .col(text_null(ContentVersion::Note))
                    .col(ts(ContentVersion::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_content_version_request_id",
                        ContentVersion::Table,
                        ContentVersion::RequestId,
                        Request::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_content_version_author_id",
                        ContentVersion::Table,
                        ContentVersion::AuthorId,
                        User::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_content_version_request_id_version_no",
            ContentVersion::Table,
            vec![ContentVersion::RequestId, ContentVersion::VersionNo],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Attachment::Table)
                    .col(pk_id(Attachment::Id))
                    .col(big_null(Attachment::RequestId))
                    .col(big_null(Attachment::UploaderUserId))
                    .col(big_null(Attachment::UploaderClientId))
                    .col(string(Attachment::Kind, 16))
                    .col(string(Attachment::Filename, 255))
                    .col(string(Attachment::ContentType, 100))
                    .col(big(Attachment::SizeBytes))
                    .col(string(Attachment::Sha256, 64))
                    .col(ts(Attachment::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_attachment_request_id",
                        Attachment::Table,
                        Attachment::RequestId,
                        Request::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_attachment_uploader_user_id",
                        Attachment::Table,
                        Attachment::UploaderUserId,
                        User::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_attachment_uploader_client_id",
                        Attachment::Table,
                        Attachment::UploaderClientId,
                        ApiClient::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_attachment_request_id",
            Attachment::Table,
            vec![Attachment::RequestId],
            false,
        )
        .await?;
        index(
            manager,
            "idx_attachment_sha256",
            Attachment::Table,
            vec![Attachment::Sha256],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Disposition::Table)
                    .col(pk_id(Disposition::Id))
                    .col(big(Disposition::RequestId))
                    .col(small(Disposition::Step))
                    .col(big_null(Disposition::FromUserId))
                    .col(string(Disposition::ToRole, 32))
                    .col(big_null(Disposition::ToUserId))
                    .col(string_null(Disposition::Instruction, 64))
                    .col(text_null(Disposition::InstructionText))
                    .col(string(Disposition::Priority, 16))
                    .col(text_null(Disposition::Note))
                    .col(ts_null(Disposition::DueAt))
                    .col(ts(Disposition::SlaDeadline))
                    .col(int(Disposition::SlaMinutes))
                    .col(boolean(Disposition::SlaWorkingHoursOnly, false))
                    .col(ts(Disposition::CreatedAt))
                    .col(ts_null(Disposition::ReadAt))
                    .col(ts_null(Disposition::DoneAt))
                    .col(string_null(Disposition::Outcome, 32))
                    .foreign_key(&mut fk(
                        "fk_disposition_request_id",
                        Disposition::Table,
                        Disposition::RequestId,
                        Request::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_disposition_from_user_id",
                        Disposition::Table,
                        Disposition::FromUserId,
                        User::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_disposition_to_user_id",
                        Disposition::Table,
                        Disposition::ToUserId,
                        User::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_disposition_request_id_step",
            Disposition::Table,
            vec![Disposition::RequestId, Disposition::Step],
            false,
        )
        .await?;
        index(
            manager,
            "idx_disposition_to_user_id_done_at",
            Disposition::Table,
            vec![Disposition::ToUserId, Disposition::DoneAt],
            false,
        )
        .await?;
        index(
            manager,
            "idx_disposition_to_role_done_at",
            Disposition::Table,
            vec![Disposition::ToRole, Disposition::DoneAt],
            false,
        )
        .await?;
        index(
            manager,
            "idx_disposition_done_at_sla_deadline",
            Disposition::Table,
            vec![Disposition::DoneAt, Disposition::SlaDeadline],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Review::Table)
                    .col(pk_id(Review::Id))
                    .col(big(Review::RequestId))
                    .col(big_null(Review::ReviewerId))
                    .col(string(Review::Verdict, 16))
                    .col(text(Review::Comment))
                    .col(int(Review::ContentVersion))
                    .col(ts(Review::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_review_request_id",
                        Review::Table,
                        Review::RequestId,
                        Request::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_review_reviewer_id",
                        Review::Table,
                        Review::ReviewerId,
                        User::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_review_request_id",
            Review::Table,
            vec![Review::RequestId],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Review::Table.into_iden(),
                Disposition::Table.into_iden(),
                Attachment::Table.into_iden(),
                ContentVersion::Table.into_iden(),
                RequestChannel::Table.into_iden(),
                Request::Table.into_iden(),
                AgendaCounter::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
enum AgendaCounter {
    Table,
    Year,
    LastNumber,
}

#[derive(DeriveIden)]
pub enum Request {
    Table,
    Id,
    AgendaNumber,
    AgendaYear,
    AgendaSeq,
    Title,
    Unit,
    Audience,
    DesiredDate,
    Priority,
    Status,
    CurrentStep,
    ReturnedFromStep,
    HolderRole,
    HolderUserId,
    RequesterId,
    CurrentContentVersion,
    Checklist,
    RejectionReason,
    Version,
    SubmittedAt,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum RequestChannel {
    Table,
    RequestId,
    ChannelId,
    ChosenBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ContentVersion {
    Table,
    Id,
    RequestId,
    VersionNo,
    Title,
    Narrative,
    AuthorId,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attachment {
    Table,
    Id,
    RequestId,
    UploaderUserId,
    UploaderClientId,
    Kind,
    Filename,
    ContentType,
    SizeBytes,
    Sha256,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Disposition {
    Table,
    Id,
    RequestId,
    Step,
    FromUserId,
    ToRole,
    ToUserId,
    Instruction,
    InstructionText,
    Priority,
    Note,
    DueAt,
    SlaDeadline,
    SlaMinutes,
    SlaWorkingHoursOnly,
    CreatedAt,
    ReadAt,
    DoneAt,
    Outcome,
}

#[derive(DeriveIden)]
enum Review {
    Table,
    Id,
    RequestId,
    ReviewerId,
    Verdict,
    Comment,
    ContentVersion,
    CreatedAt,
}
