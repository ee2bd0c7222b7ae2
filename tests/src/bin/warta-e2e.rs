//! The `warta` program built as part of this crate, so the end-to-end tests that need a
//! separate process (a worker killed with SIGKILL) get it, via `CARGO_BIN_EXE_warta-e2e`, from
//! the same build and with the same features as the tests themselves; building `warta` from
//! a test would rebuild it with other features and take minutes.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    warta::cli::main().await
}
