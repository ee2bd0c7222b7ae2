//! The `warta` binary.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    warta::cli::main().await
}
