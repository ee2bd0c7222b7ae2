//! The `warta` subcommands other than `serve`'s server loop: migrations, users, API clients,
//! the schema and the standalone publishing worker. An edge of the program, so errors are
//! `anyhow` with context.

use std::{collections::BTreeSet, future::Future, io::Read, sync::Arc, time::Duration};

use crate::{
    auth::Scope,
    config::{Cli, ClientCommand, Command, ServeArgs, Settings, UserCommand, WorkerArgs},
    graphql, records,
    service::{Audit, Services, accounts::NewUser},
    startup,
    telegram::publisher::{
        over_http::OverHttp,
        worker::{Publisher, WorkerError, WorkerSettings},
    },
    telemetry,
};
use anyhow::{Context, bail};

/// Runs the parsed command line.
/// The whole program: parse the command line, run it, and report a failure on one line (a
/// person at a terminal needs the cause chain, not a backtrace). The `warta` binary is this,
/// and so is the end-to-end suite's copy of it.
pub async fn main() -> std::process::ExitCode {
    use clap::Parser as _;
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(serve) => serve_command(&cli.storage, serve).await,
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Migrate => {
            telemetry::init("pretty");
            let settings = offline_settings(&cli.storage);
            startup::open_database(&settings)
                .await
                .context("migrating the database")?;
            println!("database is up to date");
            Ok(())
        }
        Command::User(cmd) => user_command(&offline_services(&cli.storage).await?, cmd).await,
        Command::Client(cmd) => client_command(&offline_services(&cli.storage).await?, cmd).await,
        Command::Worker(args) => {
            telemetry::init(&args.log_format);
            run_worker(args, startup::shutdown_signal()).await
        }
        Command::Archive(cmd) => archive_command(&cli.storage, cmd).await,
        Command::Backup(args) => {
            let summary = records::backup::backup_database(
                &cli.storage.resolved_database_url(),
                &cli.storage.data_dir,
                &args.out,
            )
            .await
            .context("backing up")?;
            let m = &summary.manifest;
            println!(
                "backed up {} requests and {} attachments ({} bytes, schema {}) to {}",
                m.requests,
                m.attachments,
                summary.bytes,
                m.migrations.last().map_or("-", String::as_str),
                args.out.display()
            );
            Ok(())
        }
    }
}

/// `warta archive`: the records office's bundle.
#[derive(Debug, clap::Subcommand)]
pub enum ArchiveCommand {
    /// Write the requests archived between two days (WIB, both included) to a zip: JSON per
    /// request, its attachments, both printed records and a manifest with every file's SHA-256.
    Export {
        /// First day of archiving to include, YYYY-MM-DD (default: from the first).
        #[arg(long, value_name = "DATE")]
        since: Option<chrono::NaiveDate>,
        /// Last day of archiving to include, YYYY-MM-DD (default: up to now).
        #[arg(long, value_name = "DATE")]
        until: Option<chrono::NaiveDate>,
        /// The zip to write; replaced only once the export is complete.
        #[arg(long, value_name = "FILE.zip")]
        out: std::path::PathBuf,
    },
    /// Check an export against its manifest; exits non-zero on any problem.
    Verify {
        #[arg(value_name = "FILE.zip")]
        file: std::path::PathBuf,
    },
}

/// `warta backup`.
#[derive(Debug, Clone, clap::Args)]
pub struct BackupArgs {
    /// The zip to write (database, attachments, generated secrets, `backup-manifest.json`).
    #[arg(long, value_name = "FILE")]
    pub out: std::path::PathBuf,
}

async fn archive_command(
    storage: &crate::config::StorageArgs,
    cmd: ArchiveCommand,
) -> anyhow::Result<()> {
    match cmd {
        ArchiveCommand::Export { since, until, out } => {
            // Migrated first, as for the other offline commands: the entities read the
            // current schema.
            let services = offline_services(storage).await?;
            let options = records::export::ExportOptions { since, until, out };
            let summary = records::export::export(&services, &options)
                .await
                .context("exporting")?;
            println!(
                "exported {} entries ({} files, {} bytes) to {}",
                summary.entries,
                summary.files,
                summary.bytes,
                options.out.display()
            );
            Ok(())
        }
        ArchiveCommand::Verify { file } => {
            let report = tokio::task::spawn_blocking(move || records::verify::verify(&file))
                .await?
                .context("reading the bundle")?;
            if report.is_ok() {
                println!("{report}");
                Ok(())
            } else {
                print!("{report}");
                bail!("the bundle does not match its manifest")
            }
        }
    }
}

/// `warta worker`: the same publisher as the one embedded in `warta serve`, reaching Warta
/// over HTTP. Runs until `shutdown` completes (SIGTERM or Ctrl-C), then finishes the job in
/// hand, gives back the jobs it has not started, and returns.
pub async fn run_worker(
    args: WorkerArgs,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    args.validate().context("invalid configuration")?;
    let api = OverHttp::new(
        &args.api_url,
        args.client_id.trim().to_owned(),
        args.client_secret.clone(),
    )?;
    api.sign_in()
        .await
        .with_context(|| format!("signing in to {}", args.api_url))?;
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("worker-{}", std::process::id()));
    let mut settings = WorkerSettings::new(
        name.clone(),
        secrecy::ExposeSecret::expose_secret(&args.telegram_bot_token).to_owned(),
        args.telegram_api_url.trim_end_matches('/').to_owned(),
    );
    settings.call_timeout = Duration::from_secs(args.call_timeout_secs);
    settings.batch = args.batch;
    settings.lease_secs = args.lease_secs;
    let publisher = Publisher::new(Arc::new(api), settings)?;
    match publisher.check_bot().await {
        Ok(bot) => tracing::info!(worker = %name, %bot, "publishing as the bot"),
        // A token Telegram refuses will not start working: refuse to run with it.
        Err(err @ WorkerError::Api(_)) => return Err(err).context("checking the bot token"),
        // Telegram out of reach may come back; the publisher keeps trying.
        Err(err) => tracing::warn!(error = %err, "cannot check the bot yet"),
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut task = tokio::spawn(publisher.run(stopped));
    tokio::select! {
        () = shutdown => {
            let _ = stop.send(true);
            (&mut task).await.context("the publisher failed")?;
        }
        ended = &mut task => ended.context("the publisher failed")?,
    }
    Ok(())
}

async fn serve_command(
    storage: &crate::config::StorageArgs,
    serve: ServeArgs,
) -> anyhow::Result<()> {
    telemetry::init(&serve.tuning.log_format);
    let settings = Settings::from_args(storage, &serve).context("invalid configuration")?;
    let app = startup::Application::build(settings)
        .await
        .context("starting warta")?;
    if let Some(password) = &app.first_admin_password {
        // Printed once, on the terminal only: it is not kept anywhere in clear.
        println!(
            "\nFirst start: created the account `admin` with password: {password}\nChange it after signing in.\n"
        );
    }
    if let Some(mode) = &app.sandbox {
        let base = format!("http://{}", app.local_addr());
        println!("Sandbox mode: the Telegram Bot API sandbox is at {base}/telegram-sandbox/");
        println!("  bot token: {}", mode.bot_token);
        println!("  Bot API:   {base}/telegram-sandbox/bot<token>/<method>");
        println!(
            "  accounts (password `sandbox`): requester, vice_rector, bureau_head, pkih_coordinator, humas_deputy, staff, admin"
        );
        if !mode.seeded_accounts.is_empty() {
            println!("  created now: {}", mode.seeded_accounts.join(", "));
        }
        println!();
    }
    tracing::info!(address = %app.local_addr(), "warta is listening");
    app.run_until(startup::shutdown_signal())
        .await
        .context("serving")?;
    Ok(())
}

/// Settings for commands that only need the database (migrations applied as for serve).
fn offline_settings(storage: &crate::config::StorageArgs) -> Settings {
    let mut settings = Settings::for_data_dir(storage.data_dir.clone());
    settings.database_url = storage.resolved_database_url();
    settings
}

async fn offline_services(storage: &crate::config::StorageArgs) -> anyhow::Result<Services> {
    let settings = Arc::new(offline_settings(storage));
    let db = startup::open_database(&settings)
        .await
        .context("opening the database")?;
    Ok(startup::services(db, settings)?)
}

/// Reads a password from standard input (first line, without its newline).
fn password_from_stdin() -> anyhow::Result<String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the password from stdin")?;
    let password = input.lines().next().unwrap_or("").to_owned();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

async fn user_command(services: &Services, cmd: UserCommand) -> anyhow::Result<()> {
    let audit = Audit::cli();
    match cmd {
        UserCommand::Add {
            username,
            name,
            roles,
            unit,
            password_stdin,
        } => {
            let password = if password_stdin {
                Some(password_from_stdin()?)
            } else {
                None
            };
            let created = services
                .create_user(
                    NewUser {
                        username,
                        full_name: name,
                        unit,
                        roles: roles.into_iter().collect(),
                        password,
                    },
                    &audit,
                )
                .await?;
            println!(
                "created user {} (id {})",
                created.user.username, created.user.id
            );
            if let Some(p) = created.generated_password {
                println!("password (shown once): {p}");
            }
        }
        UserCommand::Grant { username, roles } => {
            let user = services.user_by_username(&username).await?;
            let now = services
                .change_roles(user.id, &roles.into_iter().collect(), true, &audit)
                .await?;
            println!("{}: {}", user.username, join_roles(&now));
        }
        UserCommand::Revoke { username, roles } => {
            let user = services.user_by_username(&username).await?;
            let now = services
                .change_roles(user.id, &roles.into_iter().collect(), false, &audit)
                .await?;
            println!("{}: {}", user.username, join_roles(&now));
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let password = if password_stdin {
                Some(password_from_stdin()?)
            } else {
                None
            };
            let generated = services.set_password(&username, password, &audit).await?;
            println!("password changed for {username}; their sessions are signed out");
            if let Some(p) = generated {
                println!("password (shown once): {p}");
            }
        }
        UserCommand::List => {
            println!("{:<20} {:<32} {:<7} roles", "username", "name", "active");
            for (user, roles) in services.list_users().await? {
                println!(
                    "{:<20} {:<32} {:<7} {}",
                    user.username,
                    user.full_name,
                    user.active,
                    join_roles(&roles)
                );
            }
        }
    }
    Ok(())
}

async fn client_command(services: &Services, cmd: ClientCommand) -> anyhow::Result<()> {
    let audit = Audit::cli();
    match cmd {
        ClientCommand::Add { name, scopes } => {
            let scopes: BTreeSet<Scope> = scopes
                .iter()
                .map(|s| s.parse())
                .collect::<Result<_, _>>()
                .context("scopes are: read:published, submit:requests, worker")?;
            let created = services.create_client(&name, &scopes, &audit).await?;
            println!("client id:     {}", created.client.client_id);
            println!("client secret: {} (shown once)", created.secret);
        }
        ClientCommand::List => {
            println!(
                "{:<24} {:<28} {:<36} revoked",
                "client id", "name", "scopes"
            );
            for c in services.list_clients().await? {
                println!(
                    "{:<24} {:<28} {:<36} {}",
                    c.client_id,
                    c.name,
                    c.scopes,
                    c.revoked_at
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_else(|| "-".into())
                );
            }
        }
        ClientCommand::Revoke { client_id } => {
            services.revoke_client(&client_id, &audit).await?;
            println!("revoked {client_id}");
        }
    }
    Ok(())
}

fn join_roles(roles: &BTreeSet<crate::workflow::Role>) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
