//! Structured logs with `tracing`: pretty on a terminal, JSON in production; `RUST_LOG` filters.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global subscriber. Safe to call more than once (later calls do nothing).
pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if format == "json" {
        registry
            .with(fmt::layer().json().with_current_span(false))
            .try_init()
    } else {
        registry
            .with(fmt::layer().with_writer(std::io::stderr))
            .try_init()
    };
    // A second initialisation (tests, embedding) keeps the first subscriber.
    drop(result);
}
