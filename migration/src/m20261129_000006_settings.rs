//! Calendar and SLA configuration: the time standard of each SOP step (`sla_standard`),
//! non-working days (`holiday`) and key/value settings (`setting`), with their seed rows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::m20261129_000001_accounts::User;
use crate::util::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The SOP's time standard per step, in minutes: (step, minutes).
const SLA_SEED: &[(i16, i32)] = &[
    (1, 1440),
    (2, 120),
    (3, 60),
    (4, 10),
    (5, 5),
    (6, 5),
    (7, 5),
];

/// Working days are ISO weekday numbers (Monday = 1); times are WIB wall-clock.
const SETTING_SEED: &[(&str, &str)] = &[
    ("calendar.working_days", "1,2,3,4,5"),
    ("calendar.work_start", "07:30"),
    ("calendar.work_end", "16:00"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SlaStandard::Table)
                    .col(
                        ColumnDef::new(SlaStandard::Step)
                            .small_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(int(SlaStandard::Minutes))
                    .col(boolean(SlaStandard::WorkingHoursOnly, false))
                    .col(ts(SlaStandard::UpdatedAt))
                    .col(big_null(SlaStandard::UpdatedBy))
                    .foreign_key(&mut fk(
                        "fk_sla_standard_updated_by",
                        SlaStandard::Table,
                        SlaStandard::UpdatedBy,
                        User::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Holiday::Table)
                    .col(
                        ColumnDef::new(Holiday::Date)
                            .date()
                            .not_null()
                            .primary_key(),
                    )
                    .col(string(Holiday::Name, 200))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Setting::Table)
                    .col(
                        ColumnDef::new(Setting::Key)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(text(Setting::Value))
                    .to_owned(),
            )
            .await?;

        // "Now" in the format sqlx writes a `DateTime<Utc>` on SQLite (RFC 3339, +00:00),
        // so the seeded rows read back like rows written by the application.
        let now = match manager.get_database_backend() {
            DatabaseBackend::Sqlite => Expr::cust("strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"),
            _ => Expr::current_timestamp().into(),
        };
        let mut sla = Query::insert();
        sla.into_table(SlaStandard::Table).columns([
            SlaStandard::Step,
            SlaStandard::Minutes,
            SlaStandard::WorkingHoursOnly,
            SlaStandard::UpdatedAt,
        ]);
        for &(step, minutes) in SLA_SEED {
            sla.values_panic([step.into(), minutes.into(), false.into(), now.clone()]);
        }
        manager.exec_stmt(sla).await?;

        let mut setting = Query::insert();
        setting
            .into_table(Setting::Table)
            .columns([Setting::Key, Setting::Value]);
        for &(key, value) in SETTING_SEED {
            setting.values_panic([key.into(), value.into()]);
        }
        manager.exec_stmt(setting).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Setting::Table.into_iden(),
                Holiday::Table.into_iden(),
                SlaStandard::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden)]
enum SlaStandard {
    Table,
    Step,
    Minutes,
    WorkingHoursOnly,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Holiday {
    Table,
    Date,
    Name,
}

#[derive(DeriveIden)]
enum Setting {
    Table,
    Key,
    Value,
}
