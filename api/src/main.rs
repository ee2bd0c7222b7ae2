//! The `warta` binary: parse the command line and run it.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    match warta::cli::run(warta::config::Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // The cause chain on one line; a person at a terminal needs no backtrace.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
