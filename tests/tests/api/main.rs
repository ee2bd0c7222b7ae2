//! Warta's end-to-end tests: one binary, one module per area. Every test starts its own
//! server with its own database (see `warta_tests::spawn_app`).
//!
//! ```sh
//! cargo nextest run -p warta-tests                            # SQLite
//! WARTA_TEST_DB=postgres cargo nextest run -p warta-tests     # PostgreSQL on 127.0.0.1:5432
//! ```

mod archive;
mod authorization;
mod bad_input;
mod concurrency;
mod export;
mod graphql_http;
mod helpers;
mod n_plus_one;
mod paper;
mod push;
mod records;
mod reports;
mod schema_drift;
mod search;
mod side_paths;
mod sop_walk;
mod subscriptions;
mod telegram;
mod telegram_bot;
mod telegram_corrections;
mod telegram_journeys;
mod telegram_officials;
mod tokens;
