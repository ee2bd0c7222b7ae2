//! Configuration: the only code that reads the environment. Every setting is both a flag
//! and an environment variable (clap's `env`), so a deployment can use either.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;

use crate::workflow::{Role, Step};

/// The `warta` command line.
#[derive(Debug, Parser)]
#[command(
    name = "warta",
    version,
    about = "Publication requests for Humas Universitas Jember, down the SOP's chain of dispositions"
)]
pub struct Cli {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Where Warta keeps its data; shared by every subcommand that touches the database.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST/DB`. Default: SQLite `warta.db`
    /// in the data directory, created on first run.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Directory for the SQLite database, attachments and generated secrets.
    #[arg(long, env = "WARTA_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
}

impl StorageArgs {
    /// The database URL to use: the configured one, or the SQLite file in the data directory.
    pub fn resolved_database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.clone(),
            _ => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("warta.db").display()
            ),
        }
    }
}

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the API (GraphQL over HTTP and WebSocket), the PWA and the background jobs.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage people who sign in.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API clients (third parties, standalone workers).
    #[command(subcommand)]
    Client(ClientCommand),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Publish to Telegram from a separate process: take publication jobs from a Warta
    /// server over HTTP, as an API client with the `worker` scope.
    Worker(WorkerArgs),
    /// The archived records: export a bundle for the records office, verify one.
    #[command(subcommand)]
    Archive(crate::cli::ArchiveCommand),
    /// Snapshot the SQLite database and the attachments into one file, while serving.
    Backup(crate::cli::BackupArgs),
}

/// `warta worker`: the publisher of `warta serve`, as its own process talking to a Warta
/// server over HTTP (it needs no database).
#[derive(Debug, Clone, Args)]
pub struct WorkerArgs {
    /// The Warta server's base URL, e.g. `https://warta.unej.ac.id`.
    #[arg(long = "api", env = "WARTA_API_URL")]
    pub api_url: String,
    /// The id of an API client with the `worker` scope (`warta client add NAME --scope worker`).
    #[arg(long, env = "WARTA_CLIENT_ID")]
    pub client_id: String,
    /// That client's secret.
    #[arg(long, env = "WARTA_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: SecretString,
    /// The bot's token.
    #[arg(long, env = "TELEGRAM_BOT_TOKEN", hide_env_values = true)]
    pub telegram_bot_token: SecretString,
    /// Base URL of the Bot API: Telegram itself, a self-hosted `telegram-bot-api` server, or
    /// any server speaking the Bot API.
    #[arg(
        long,
        env = "TELEGRAM_API_URL",
        default_value = "https://api.telegram.org"
    )]
    pub telegram_api_url: String,
    /// Names this worker in leases and logs (default: `worker-<process id>`).
    #[arg(long, env = "WARTA_WORKER_NAME")]
    pub name: Option<String>,
    /// Seconds one Bot API call may take before its outcome counts as unknown.
    #[arg(long, env = "WARTA_WORKER_CALL_TIMEOUT", default_value_t = 30)]
    pub call_timeout_secs: u64,
    /// Publications taken per claim.
    #[arg(long, env = "WARTA_WORKER_BATCH", default_value_t = 10, value_parser = clap::value_parser!(i32).range(1..=100))]
    pub batch: i32,
    /// Seconds a claimed job stays this worker's: after it, a job not started goes back to the
    /// queue and one started becomes uncertain.
    #[arg(long = "lease-secs", env = "WARTA_WORKER_LEASE", default_value_t = 120, value_parser = clap::value_parser!(i32).range(5..=3600))]
    pub lease_secs: i32,
    /// Log format: `pretty` or `json`.
    #[arg(long, env = "WARTA_LOG_FORMAT", default_value = "pretty")]
    pub log_format: String,
}

impl WorkerArgs {
    /// Refuses values the worker cannot run with.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (name, url) in [
            ("WARTA_API_URL", &self.api_url),
            ("TELEGRAM_API_URL", &self.telegram_api_url),
        ] {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::Url {
                    name,
                    value: url.clone(),
                });
            }
        }
        if self.client_id.trim().is_empty() {
            return Err(ConfigError::Empty("WARTA_CLIENT_ID"));
        }
        if secrecy::ExposeSecret::expose_secret(&self.telegram_bot_token)
            .trim()
            .is_empty()
        {
            return Err(ConfigError::Empty("TELEGRAM_BOT_TOKEN"));
        }
        if let Some(name) = &self.name
            && (name.trim().is_empty() || name.chars().count() > 64)
        {
            return Err(ConfigError::WorkerName(name.clone()));
        }
        if self.call_timeout_secs == 0 {
            return Err(ConfigError::Zero("WARTA_WORKER_CALL_TIMEOUT"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "WARTA_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// HMAC secret for access tokens (at least 32 bytes). Default: generated on first run and
    /// kept in `<data dir>/jwt-secret` with owner-only permissions.
    #[arg(long, env = "WARTA_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<SecretString>,
    /// The URL people and bots use to reach this server (links in notifications, token issuer).
    #[arg(
        long,
        env = "WARTA_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Password for the `admin` account created on first start (default: generated and printed once).
    #[arg(long, env = "WARTA_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<SecretString>,
    /// Do not apply migrations on start.
    #[arg(long, env = "WARTA_NO_MIGRATE")]
    pub no_migrate: bool,
    /// Run with the built-in Telegram sandbox at `/telegram-sandbox/` and one account per
    /// role (password `sandbox`), so the whole SOP can be walked with no Telegram at all.
    #[arg(long, env = "WARTA_SANDBOX")]
    pub sandbox: bool,
    /// The bot's token. With --sandbox, the sandbox's bot answers to it (default: generated).
    #[arg(long, env = "TELEGRAM_BOT_TOKEN", hide_env_values = true)]
    pub telegram_bot_token: Option<SecretString>,
    /// Base URL of the Bot API: Telegram itself, a self-hosted `telegram-bot-api` server, or
    /// any server speaking the Bot API. With --sandbox, the built-in sandbox.
    #[arg(
        long,
        env = "TELEGRAM_API_URL",
        default_value = "https://api.telegram.org"
    )]
    pub telegram_api_url: String,
    /// Do not run the Telegram publisher inside this server (run `warta worker` instead).
    #[arg(long, env = "WARTA_NO_WORKER")]
    pub no_worker: bool,
    /// Do not run the Telegram bot (intake, linking, /status, officials' buttons) in this
    /// server: only one server may receive a bot's updates.
    #[arg(long, env = "WARTA_NO_BOT")]
    pub no_bot: bool,
    /// Receive the bot's updates by webhook at this public HTTPS URL (which must reach this
    /// server's `/telegram/webhook`) instead of long polling.
    #[arg(long, env = "WARTA_TELEGRAM_WEBHOOK_URL")]
    pub telegram_webhook_url: Option<String>,
    /// The secret Telegram sends with each webhook call (`X-Telegram-Bot-Api-Secret-Token`;
    /// 1–256 of A-Z, a-z, 0-9, `_`, `-`). Default: derived from the bot token.
    #[arg(long, env = "WARTA_TELEGRAM_WEBHOOK_SECRET", hide_env_values = true)]
    pub telegram_webhook_secret: Option<SecretString>,
    /// Directory of the built PWA served at `/`.
    #[arg(long, env = "WARTA_PWA_DIR", default_value = "pwa/dist")]
    pub pwa_dir: PathBuf,
    /// The VAPID private key for Web Push: a P-256 scalar, 32 bytes as base64url (the format
    /// `web-push generate-vapid-keys` prints). Default: generated on first run and kept in
    /// `<data dir>/vapid-private-key` with owner-only permissions.
    #[arg(long, env = "WARTA_VAPID_PRIVATE_KEY", hide_env_values = true)]
    pub vapid_private_key: Option<SecretString>,
    /// The contact push services see in the VAPID token: a `mailto:` or `https:` URL.
    #[arg(
        long,
        env = "WARTA_VAPID_SUBJECT",
        default_value = "mailto:humas@unej.ac.id"
    )]
    pub vapid_subject: String,
    /// Do not send Web Push notifications from this server (another server sends them).
    #[arg(long, env = "WARTA_NO_PUSH")]
    pub no_push: bool,
    #[command(flatten)]
    pub tuning: Tuning,
}

/// Settings with sensible defaults that deployments rarely change.
#[derive(Debug, Clone, Args)]
pub struct Tuning {
    /// Agenda number pattern: `{seq}` (zero-padded to 4 digits; `{seq:N}` pads to N) and `{year}`.
    #[arg(
        long,
        env = "WARTA_AGENDA_PATTERN",
        default_value = "{seq:4}/HM/{year}"
    )]
    pub agenda_pattern: String,
    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "WARTA_ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl_secs: u64,
    /// Lifetime of a refresh token, in days.
    #[arg(long, env = "WARTA_REFRESH_TOKEN_TTL_DAYS", default_value_t = 30)]
    pub refresh_token_ttl_days: u64,
    /// Largest attachment accepted, in bytes.
    #[arg(long, env = "WARTA_MAX_UPLOAD_BYTES", default_value_t = 50 * 1024 * 1024)]
    pub max_upload_bytes: u64,
    /// Largest GraphQL request body without files, in bytes.
    #[arg(long, env = "WARTA_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Deepest GraphQL query accepted.
    #[arg(long, env = "WARTA_GRAPHQL_DEPTH_LIMIT", default_value_t = 12)]
    pub graphql_depth_limit: usize,
    /// Most complex GraphQL query accepted.
    #[arg(long, env = "WARTA_GRAPHQL_COMPLEXITY_LIMIT", default_value_t = 2000)]
    pub graphql_complexity_limit: usize,
    /// Time standards (minutes) written for steps 1–7 when the database is first created,
    /// overriding the SOP's 1 day, 2 h, 1 h, 10, 5, 5 and 5 min. An admin edits them later.
    #[arg(long, env = "WARTA_SLA_MINUTES", value_delimiter = ',', num_args = 7)]
    pub sla_minutes: Option<Vec<u32>>,
    /// Log format: `pretty` or `json`.
    #[arg(long, env = "WARTA_LOG_FORMAT", default_value = "pretty")]
    pub log_format: String,
    /// Remind the holder of an open step by Web Push once this share of the step's time has
    /// passed, in percent (1–99; 0 sends no reminders).
    #[arg(long, env = "WARTA_PUSH_REMINDER_PERCENT", default_value_t = 80)]
    pub push_reminder_percent: u8,
    /// How often, in seconds, the notifier looks for steps to remind about and for
    /// notifications it was not woken for (those queued by another server).
    #[arg(long, env = "WARTA_PUSH_CHECK_SECS", default_value_t = 30)]
    pub push_check_secs: u64,
    /// Accept push endpoints over plain http and on private addresses. For development and
    /// tests only: real push services are https, and the server posts to whatever URL a
    /// browser registered.
    #[arg(long, env = "WARTA_PUSH_ALLOW_HTTP")]
    pub push_allow_http: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. Without --password-stdin a random password is generated and printed once.
    Add {
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give a user more roles.
    Grant {
        username: String,
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
    },
    /// Take roles away from a user.
    Revoke {
        username: String,
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
    },
    /// Set a new password (from stdin, or generated and printed once); signs the user out everywhere.
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users and their roles.
    List,
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register an API client; prints its id and secret once.
    Add {
        name: String,
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
    /// List API clients.
    List,
    /// Revoke an API client by its client id.
    Revoke { client_id: String },
}

/// Everything `warta serve` runs with, resolved and validated. Tests build it in code.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub jwt_secret: Option<SecretString>,
    pub public_url: String,
    pub admin_password: Option<SecretString>,
    pub migrate: bool,
    pub pwa_dir: Option<PathBuf>,
    pub agenda_pattern: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub max_upload_bytes: u64,
    pub max_body_bytes: usize,
    pub graphql_depth_limit: usize,
    pub graphql_complexity_limit: usize,
    pub sla_minutes: Option<[u32; 7]>,
    pub sandbox: bool,
    pub telegram_bot_token: Option<SecretString>,
    pub telegram_api_url: String,
    pub embedded_worker: bool,
    /// Whether this server runs the Telegram bot.
    pub bot: bool,
    pub telegram_webhook_url: Option<String>,
    pub telegram_webhook_secret: Option<SecretString>,
    pub vapid_private_key: Option<SecretString>,
    pub vapid_subject: String,
    /// Whether this server runs the Web Push notifier.
    pub push_notifier: bool,
    pub push_reminder_percent: u8,
    pub push_check_interval: Duration,
    pub push_allow_http: bool,
}

/// A setting that cannot be used; `warta` refuses to start with it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("WARTA_AGENDA_PATTERN must contain {{seq}} (or {{seq:N}}) and {{year}}: {0:?}")]
    AgendaPattern(String),
    #[error("WARTA_SLA_MINUTES needs 7 values between 1 and 43200 (30 days)")]
    SlaMinutes,
    #[error("WARTA_PUBLIC_URL must start with http:// or https://: {0:?}")]
    PublicUrl(String),
    #[error("{0} must be greater than zero")]
    Zero(&'static str),
    #[error("{name} must start with http:// or https://: {value:?}")]
    Url { name: &'static str, value: String },
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("WARTA_WORKER_NAME must be 1 to 64 characters: {0:?}")]
    WorkerName(String),
    #[error("WARTA_VAPID_SUBJECT must be a mailto: or https: URL: {0:?}")]
    VapidSubject(String),
    #[error(
        "WARTA_TELEGRAM_WEBHOOK_URL must start with https:// (Telegram calls only HTTPS webhooks): {0:?}"
    )]
    WebhookUrl(String),
    #[error("WARTA_TELEGRAM_WEBHOOK_SECRET must be 1 to 256 of A-Z, a-z, 0-9, '_' and '-'")]
    WebhookSecret,
    #[error("WARTA_PUSH_REMINDER_PERCENT must be between 0 and 99: {0}")]
    ReminderPercent(u8),
}

impl Settings {
    /// Validates the command line and environment of `warta serve`.
    pub fn from_args(storage: &StorageArgs, serve: &ServeArgs) -> Result<Self, ConfigError> {
        let t = &serve.tuning;
        let sla_minutes = match &t.sla_minutes {
            None => None,
            Some(v) => {
                let arr: [u32; 7] = v.clone().try_into().map_err(|_| ConfigError::SlaMinutes)?;
                Some(arr)
            }
        };
        let settings = Settings {
            database_url: storage.resolved_database_url(),
            data_dir: storage.data_dir.clone(),
            listen: serve.listen,
            jwt_secret: serve.jwt_secret.clone(),
            public_url: serve.public_url.trim_end_matches('/').to_owned(),
            admin_password: serve.admin_password.clone(),
            migrate: !serve.no_migrate,
            pwa_dir: Some(serve.pwa_dir.clone()),
            agenda_pattern: t.agenda_pattern.clone(),
            access_token_ttl: Duration::from_secs(t.access_token_ttl_secs),
            refresh_token_ttl: Duration::from_secs(t.refresh_token_ttl_days * 86_400),
            max_upload_bytes: t.max_upload_bytes,
            max_body_bytes: t.max_body_bytes,
            graphql_depth_limit: t.graphql_depth_limit,
            graphql_complexity_limit: t.graphql_complexity_limit,
            sla_minutes,
            sandbox: serve.sandbox,
            telegram_bot_token: serve.telegram_bot_token.clone(),
            telegram_api_url: serve.telegram_api_url.trim_end_matches('/').to_owned(),
            embedded_worker: !serve.no_worker,
            bot: !serve.no_bot,
            telegram_webhook_url: serve
                .telegram_webhook_url
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_owned),
            telegram_webhook_secret: serve.telegram_webhook_secret.clone(),
            vapid_private_key: serve.vapid_private_key.clone(),
            vapid_subject: serve.vapid_subject.trim().to_owned(),
            push_notifier: !serve.no_push,
            push_reminder_percent: t.push_reminder_percent,
            push_check_interval: Duration::from_secs(t.push_check_secs),
            push_allow_http: t.push_allow_http,
        };
        settings.validate()?;
        Ok(settings)
    }

    /// Settings for tests and embedding: SQLite in `data_dir`, a random port, defaults elsewhere.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        let storage = StorageArgs {
            database_url: None,
            data_dir,
        };
        let serve = ServeArgs::parse_from_defaults();
        let mut settings = Settings::from_args(&storage, &serve).expect("defaults are valid");
        settings.listen = "127.0.0.1:0".parse().expect("valid address");
        settings.pwa_dir = None;
        // Background senders run only where asked for (the Telegram publisher needs a token;
        // the push notifier is switched on), so a test that counts statements or events sees
        // only its own work.
        settings.push_notifier = false;
        settings.bot = false;
        settings
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let p = &self.agenda_pattern;
        if !p.contains("{year}") || !(p.contains("{seq}") || p.contains("{seq:")) {
            return Err(ConfigError::AgendaPattern(p.clone()));
        }
        if let Some(m) = &self.sla_minutes
            && m.iter().any(|&x| x == 0 || x > 43_200)
        {
            return Err(ConfigError::SlaMinutes);
        }
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return Err(ConfigError::PublicUrl(self.public_url.clone()));
        }
        if self.access_token_ttl.is_zero() {
            return Err(ConfigError::Zero("WARTA_ACCESS_TOKEN_TTL"));
        }
        if self.refresh_token_ttl.is_zero() {
            return Err(ConfigError::Zero("WARTA_REFRESH_TOKEN_TTL_DAYS"));
        }
        if self.max_upload_bytes == 0 {
            return Err(ConfigError::Zero("WARTA_MAX_UPLOAD_BYTES"));
        }
        // RFC 8292 section 2.1: the `sub` claim is a mailto: or https: URL.
        let subject = &self.vapid_subject;
        if !(subject.starts_with("mailto:") && subject.len() > 7 || subject.starts_with("https://"))
        {
            return Err(ConfigError::VapidSubject(subject.clone()));
        }
        if self.push_reminder_percent > 99 {
            return Err(ConfigError::ReminderPercent(self.push_reminder_percent));
        }
        if let Some(url) = &self.telegram_webhook_url
            && !url.starts_with("https://")
        {
            return Err(ConfigError::WebhookUrl(url.clone()));
        }
        if let Some(secret) = &self.telegram_webhook_secret {
            let secret = secrecy::ExposeSecret::expose_secret(secret);
            if secret.is_empty()
                || secret.len() > 256
                || !secret
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(ConfigError::WebhookSecret);
            }
        }
        if self.push_check_interval.is_zero() {
            return Err(ConfigError::Zero("WARTA_PUSH_CHECK_SECS"));
        }
        Ok(())
    }

    /// The SLA minutes to seed for a step: the override, or the SOP's standard.
    pub fn seed_sla_minutes(&self, step: Step) -> u32 {
        match &self.sla_minutes {
            Some(m) => m[(step.number() - 1) as usize],
            None => step.default_sla_minutes(),
        }
    }
}

impl ServeArgs {
    /// The serve arguments with every default and nothing from the environment.
    fn parse_from_defaults() -> Self {
        // Parsing an empty command line would still read the environment through `env = …`;
        // tests must not depend on the developer's shell, so the defaults are spelled out here.
        ServeArgs {
            listen: "127.0.0.1:8080".parse().expect("valid address"),
            jwt_secret: None,
            public_url: "http://127.0.0.1:8080".into(),
            admin_password: None,
            no_migrate: false,
            sandbox: false,
            no_worker: false,
            no_bot: false,
            telegram_webhook_url: None,
            telegram_webhook_secret: None,
            telegram_bot_token: None,
            telegram_api_url: "https://api.telegram.org".into(),
            pwa_dir: PathBuf::from("pwa/dist"),
            vapid_private_key: None,
            vapid_subject: "mailto:humas@unej.ac.id".into(),
            no_push: false,
            tuning: Tuning {
                agenda_pattern: "{seq:4}/HM/{year}".into(),
                access_token_ttl_secs: 900,
                refresh_token_ttl_days: 30,
                max_upload_bytes: 50 * 1024 * 1024,
                max_body_bytes: 1024 * 1024,
                graphql_depth_limit: 12,
                graphql_complexity_limit: 2000,
                sla_minutes: None,
                log_format: "pretty".into(),
                push_reminder_percent: 80,
                push_check_secs: 30,
                push_allow_http: false,
            },
        }
    }
}
