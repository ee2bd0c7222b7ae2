//! Indexes for the reports (`api/src/service/reports.rs`): volume counts requests by
//! `submitted_at` and the publisher's outcomes count publications by `created_at`, both over a
//! date range. The SLA report's range on `disposition.done_at` already has
//! `idx_disposition_done_at_sla_deadline`.

use sea_orm_migration::prelude::*;

use crate::util::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(
            manager,
            "idx_request_submitted_at",
            Alias::new("request"),
            vec![Alias::new("submitted_at")],
            false,
        )
        .await?;
        index(
            manager,
            "idx_publication_created_at",
            Alias::new("publication"),
            vec![Alias::new("created_at")],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_publication_created_at", "publication"),
            ("idx_request_submitted_at", "request"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
