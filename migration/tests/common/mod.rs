//! What the migration tests share: a throw-away PostgreSQL database per test.

use std::future::Future;

use migration::sea_orm::{ConnectionTrait, Database, DatabaseConnection};

/// Runs `check` against a fresh PostgreSQL database (`WARTA_TEST_PG_URL`'s server, default the
/// local one) named after `prefix`, and drops it afterwards, also when `check` panics.
pub async fn on_throwaway_postgres<F, Fut>(prefix: &str, check: F)
where
    F: FnOnce(DatabaseConnection) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let admin_url = std::env::var("WARTA_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let admin = Database::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url}: {e}"));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("{prefix}_{}_{nanos:x}", std::process::id());
    admin
        .execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#))
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').expect("URL ends in /<database>");
    let url = format!("{base}/{name}");
    // Run in a task so the database is dropped even when an assertion fails.
    let outcome = tokio::spawn(async move {
        let db = Database::connect(&url).await.unwrap();
        check(db.clone()).await;
        db.close().await.unwrap();
    })
    .await;
    admin
        .execute_unprepared(&format!(r#"DROP DATABASE "{name}" WITH (FORCE)"#))
        .await
        .unwrap();
    admin.close().await.unwrap();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
