//! The database schema of Warta, as sea-orm migrations that run unchanged on SQLite and
//! PostgreSQL. The tables are described in `docs/data-model.md`.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_accounts;
mod m20261129_000002_channels;
mod m20261129_000003_requests;
mod m20261129_000004_publishing;
mod m20261129_000005_events;
mod m20261129_000006_settings;
mod m20261201_000001_push;
mod m20261202_000001_telegram_accounts;
mod m20261202_000002_search;
mod m20261202_000003_records;
mod m20261202_000004_report_indexes;
mod m20261202_000005_publication_proof;
mod m20261202_000006_telegram_bot;
mod m20261202_000007_telegram_actions;
mod util;

/// Runs the migrations in order; `Migrator::up(&db, None)` brings a database to the current schema.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_accounts::Migration),
            Box::new(m20261129_000002_channels::Migration),
            Box::new(m20261129_000003_requests::Migration),
            Box::new(m20261129_000004_publishing::Migration),
            Box::new(m20261129_000005_events::Migration),
            Box::new(m20261129_000006_settings::Migration),
            Box::new(m20261201_000001_push::Migration),
            Box::new(m20261202_000001_telegram_accounts::Migration),
            Box::new(m20261202_000002_search::Migration),
            Box::new(m20261202_000003_records::Migration),
            Box::new(m20261202_000004_report_indexes::Migration),
            Box::new(m20261202_000005_publication_proof::Migration),
            Box::new(m20261202_000006_telegram_bot::Migration),
            Box::new(m20261202_000007_telegram_actions::Migration),
        ]
    }
}
