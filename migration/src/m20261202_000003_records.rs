//! Records management for the step-7 archive:
//! - `classification`: the office's list of records classification codes for public relations
//!   (`HM` = *Hubungan Masyarakat*), each with a title and a default retention. The seed below is
//!   a starting list; the records office edits it in the app (codes in use are never deleted,
//!   only deactivated).
//! - `archive_entry` gains its access class (`public`, `internal`, `restricted`), the content
//!   version it keeps, and the retention review: when, by whom, what was decided and why.
//!   Warta never deletes an entry; a review only records the decision.
//!
//! Codes already used by existing entries are added to the list as inactive rows titled with
//! the code itself, so every entry resolves to a classification. SQLite takes one column per
//! `ALTER TABLE`, hence one statement each.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

use crate::util::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The starting list: code, title, default retention in years.
const CLASSIFICATION_SEED: &[(&str, &str, i32)] = &[
    ("HM.00", "Keprotokolan", 10),
    ("HM.00.01", "Upacara dan acara resmi pimpinan", 10),
    (
        "HM.00.02",
        "Kunjungan dinas dan penerimaan tamu universitas",
        5,
    ),
    ("HM.01", "Publikasi dan pemberitaan", 5),
    ("HM.01.01", "Siaran pers", 5),
    ("HM.01.02", "Pengumuman resmi universitas", 5),
    ("HM.01.03", "Publikasi media sosial dan kanal Telegram", 3),
    ("HM.02", "Dokumentasi dan informasi kelembagaan", 10),
    ("HM.02.01", "Dokumentasi foto dan video kegiatan", 10),
    ("HM.02.02", "Kliping dan pemantauan media", 2),
    (
        "HM.02.03",
        "Penerbitan majalah, buletin dan profil universitas",
        10,
    ),
    ("HM.03", "Hubungan antarlembaga dan kemitraan media", 5),
    (
        "HM.04",
        "Layanan informasi publik dan pengaduan masyarakat",
        5,
    ),
    ("HM.05", "Pameran dan promosi universitas", 3),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Classification::Table)
                    .col(pk_id(Classification::Id))
                    .col(string(Classification::Code, 32))
                    .col(string(Classification::Title, 200))
                    .col(text_null(Classification::Description))
                    .col(int(Classification::DefaultRetentionYears))
                    .col(boolean(Classification::Active, true))
                    .col(ts(Classification::CreatedAt))
                    .col(ts(Classification::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_classification_code",
            Classification::Table,
            vec![Classification::Code],
            true,
        )
        .await?;

        // "Now" as sqlx writes a `DateTime<Utc>` on SQLite, as in the settings seed.
        let backend = manager.get_database_backend();
        let now = match backend {
            DatabaseBackend::Sqlite => "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')",
            _ => "CURRENT_TIMESTAMP",
        };
        let mut seed = Query::insert();
        seed.into_table(Classification::Table).columns([
            Classification::Code,
            Classification::Title,
            Classification::DefaultRetentionYears,
            Classification::Active,
            Classification::CreatedAt,
            Classification::UpdatedAt,
        ]);
        for &(code, title, years) in CLASSIFICATION_SEED {
            seed.values_panic([
                code.into(),
                title.into(),
                years.into(),
                true.into(),
                Expr::cust(now),
                Expr::cust(now),
            ]);
        }
        manager.exec_stmt(seed).await?;
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO classification \
                 (code, title, default_retention_years, active, created_at, updated_at) \
                 SELECT classification_code, classification_code, MAX(retention_years), FALSE, \
                 {now}, {now} FROM archive_entry \
                 WHERE classification_code NOT IN (SELECT code FROM classification) \
                 GROUP BY classification_code"
            ))
            .await?;

        for column in [
            string_default(ArchiveEntry::AccessClass, 16, "public"),
            int_default(ArchiveEntry::ContentVersion, 1),
            ts_null(ArchiveEntry::RetentionReviewedAt),
            big_null(ArchiveEntry::RetentionReviewedBy),
            string_null(ArchiveEntry::RetentionDecision, 16),
            text_null(ArchiveEntry::RetentionNote),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ArchiveEntry::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // The version archived is the request's last one (a closed request changes no more).
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE archive_entry SET content_version = \
                 (SELECT current_content_version FROM request \
                  WHERE request.id = archive_entry.request_id)",
            )
            .await?;
        index(
            manager,
            "idx_archive_entry_retain_until",
            ArchiveEntry::Table,
            vec![ArchiveEntry::RetainUntil],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_archive_entry_retain_until")
                    .table(ArchiveEntry::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            ArchiveEntry::AccessClass,
            ArchiveEntry::ContentVersion,
            ArchiveEntry::RetentionReviewedAt,
            ArchiveEntry::RetentionReviewedBy,
            ArchiveEntry::RetentionDecision,
            ArchiveEntry::RetentionNote,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ArchiveEntry::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        drop_tables(manager, vec![Classification::Table]).await
    }
}

/// `VARCHAR(len) NOT NULL DEFAULT value`.
fn string_default<T: IntoIden>(col: T, len: u32, value: &str) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    c.string_len(len).not_null().default(value);
    c
}

#[derive(DeriveIden)]
enum Classification {
    Table,
    Id,
    Code,
    Title,
    Description,
    DefaultRetentionYears,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ArchiveEntry {
    Table,
    RetainUntil,
    AccessClass,
    ContentVersion,
    RetentionReviewedAt,
    RetentionReviewedBy,
    RetentionDecision,
    RetentionNote,
}
