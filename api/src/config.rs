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
    /// Directory of the built PWA served at `/`.
    #[arg(long, env = "WARTA_PWA_DIR", default_value = "pwa/dist")]
    pub pwa_dir: PathBuf,
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
            telegram_bot_token: None,
            telegram_api_url: "https://api.telegram.org".into(),
            pwa_dir: PathBuf::from("pwa/dist"),
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
            },
        }
    }
}
