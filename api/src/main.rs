//! The `warta` binary: parse the command line and run it.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    warta::cli::run(warta::config::Cli::parse()).await
}
