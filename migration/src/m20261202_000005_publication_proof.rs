//! Proof of what went out, and what happened to it after:
//! - `publication.sent_sha256`: the SHA-256 the worker computed over the exact message(s) it
//!   sent (see `api/src/telegram/publisher/proof.rs` for the canonical form), so a record or
//!   an archive entry can show what was posted, not what was approved;
//! - `publication.edited_at` / `retracted_at`: a post corrected or taken down afterwards (the
//!   reasons are audit events);
//! - `channel.checked_at` / `check_status` / `check_problem`: the last time Telegram was asked
//!   whether the bot may post there, and what it said.
//!
//! SQLite takes one column per `ALTER TABLE`, hence one statement each.

use sea_orm_migration::prelude::*;

use crate::util::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            string_null(Publication::SentSha256, 64),
            ts_null(Publication::EditedAt),
            ts_null(Publication::RetractedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Publication::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            ts_null(Channel::CheckedAt),
            string_null(Channel::CheckStatus, 16),
            text_null(Channel::CheckProblem),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Channel::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Publication::SentSha256,
            Publication::EditedAt,
            Publication::RetractedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Publication::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Channel::CheckedAt,
            Channel::CheckStatus,
            Channel::CheckProblem,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Channel::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Publication {
    Table,
    SentSha256,
    EditedAt,
    RetractedAt,
}

#[derive(DeriveIden)]
enum Channel {
    Table,
    CheckedAt,
    CheckStatus,
    CheckProblem,
}
