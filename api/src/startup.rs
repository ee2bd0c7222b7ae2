//! Builds a running server from `Settings`: database, migrations, first admin, secrets,
//! schema and router; then serves until told to stop, finishing requests in flight.

use std::{future::Future, net::SocketAddr, sync::Arc};

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use crate::{
    auth::{AuthError, jwt::JwtKeys, secret::load_or_create_jwt_secret},
    config::Settings,
    db::Db,
    graphql, http,
    service::{ServiceError, Services},
    state::AppState,
};

/// How long a stop waits for requests in flight.
pub const DRAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("secrets: {0}")]
    Secret(#[from] AuthError),
    #[error("web push keys: {0}")]
    PushKeys(#[from] crate::service::push::VapidKeyError),
    #[error("first-run set-up failed: {0}")]
    Setup(#[from] ServiceError),
    #[error("sandbox: {0}")]
    Sandbox(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A server bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    pub state: AppState,
    /// The `admin` account's generated password when this start created it (shown once).
    pub first_admin_password: Option<String>,
    /// In sandbox mode, the built-in Bot API and what was seeded for it.
    pub sandbox: Option<SandboxMode>,
}

/// What `--sandbox` set up.
#[derive(Clone)]
pub struct SandboxMode {
    pub sandbox: crate::telegram::sandbox::Sandbox,
    /// The token the sandbox's bot answers to.
    pub bot_token: String,
    /// Accounts created at this start (all have the password `sandbox`).
    pub seeded_accounts: Vec<String>,
}

/// The channels a sandbox starts with: (title, @username).
const SANDBOX_CHANNELS: [(&str, &str); 3] = [
    ("Info Universitas Jember", "info_unej"),
    ("Humas UNEJ", "humas_unej"),
    ("Kabar Mahasiswa UNEJ", "kabar_mahasiswa_unej"),
];

/// The Prometheus recorder is process-wide; several servers in one process (tests) share it.
fn metrics_handle() -> PrometheusHandle {
    static HANDLE: std::sync::OnceLock<PrometheusHandle> = std::sync::OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder installed first (embedding) only means our figures go there.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Opens the database and applies migrations when configured to.
pub async fn open_database(settings: &Settings) -> Result<Db, StartupError> {
    std::fs::create_dir_all(&settings.data_dir).map_err(|source| StartupError::DataDir {
        path: settings.data_dir.display().to_string(),
        source,
    })?;
    let db = Db::connect(&settings.database_url).await?;
    if settings.migrate {
        db.migrate().await?;
    }
    Ok(db)
}

/// The services over an open database, with the token keys loaded or created.
pub fn services(db: Db, settings: Arc<Settings>) -> Result<Services, StartupError> {
    let secret = load_or_create_jwt_secret(&settings.data_dir, settings.jwt_secret.as_ref())?;
    let jwt = JwtKeys::new(
        &secret,
        settings.public_url.clone(),
        format!("{}/graphql", settings.public_url),
        settings.access_token_ttl,
    )?;
    let vapid = crate::service::push::load_or_create_vapid_keys(
        &settings.data_dir,
        settings.vapid_private_key.as_ref(),
    )?;
    Ok(Services::new(db, settings, Arc::new(jwt)).with_push_keys(Arc::new(vapid)))
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        Self::build_with_sandbox(settings, None).await
    }

    /// Like [`Self::build`]; in sandbox mode with `existing`, that sandbox (already set up by
    /// an earlier start) instead of a new one, as a restarted server meets the same Telegram.
    pub async fn build_with_sandbox(
        settings: Settings,
        existing: Option<crate::telegram::sandbox::Sandbox>,
    ) -> Result<Self, StartupError> {
        let settings = Arc::new(settings);
        let db = open_database(&settings).await?;
        let services = services(db.clone(), settings.clone())?;
        services.seed_sla_overrides().await?;
        // Sandbox accounts first, so the sandbox's `admin` has the password `sandbox` too.
        let sandbox = if settings.sandbox {
            Some(prepare_sandbox(&services, existing).await?)
        } else {
            None
        };
        let configured = settings
            .admin_password
            .as_ref()
            .map(|p| secrecy::ExposeSecret::expose_secret(p).to_owned());
        let first_admin_password = services
            .ensure_first_admin(configured)
            .await?
            .and_then(|(_, p)| p);
        let schema = graphql::build_schema(services.clone(), &settings);
        let state = AppState {
            db,
            jwt: services.jwt.clone(),
            settings: settings.clone(),
            services,
            schema,
            metrics: metrics_handle(),
        };
        let listener =
            TcpListener::bind(settings.listen)
                .await
                .map_err(|source| StartupError::Listen {
                    addr: settings.listen,
                    source,
                })?;
        Ok(Self {
            listener,
            state,
            first_admin_password,
            sandbox,
        })
    }

    /// The address actually bound (port 0 becomes a real port).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, then stops accepting and lets requests in flight
    /// finish. Connections still open after [`DRAIN_TIMEOUT`] (an idle WebSocket, a client
    /// that never reads) are dropped, so a stop always ends.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop_worker, worker_stopped) = tokio::sync::watch::channel(false);
        let worker = self.spawn_worker(worker_stopped).await;
        let notifier = self.spawn_notifier(stop_worker.subscribe());
        // The bot needs the bot endpoint `spawn_worker` makes known.
        let bot = crate::telegram::bot::start(&self.state, stop_worker.subscribe());
        let mut extra = http::attachments::routes()
            .merge(http::paper::routes())
            .merge(http::reports::routes());
        if let Some(mode) = &self.sandbox {
            extra = extra.nest_service("/telegram-sandbox", mode.sandbox.router());
        }
        if let Some(webhook) = bot.as_ref().and_then(|b| b.webhook.clone()) {
            extra = extra.merge(webhook);
        }
        let router = http::router_with(self.state, extra);
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let signal = async move {
            shutdown.await;
            let _ = stop_worker.send(true);
            let _ = stopping_tx.send(());
        };
        let serve = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal);
        let deadline = async move {
            if stopping_rx.await.is_ok() {
                tokio::time::sleep(DRAIN_TIMEOUT).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        let result = tokio::select! {
            result = serve => result,
            () = deadline => {
                tracing::warn!("connections still open after {DRAIN_TIMEOUT:?}; stopping anyway");
                Ok(())
            }
        };
        if let Some(worker) = worker {
            // The job in hand is finished and reported before the process ends.
            let _ = tokio::time::timeout(DRAIN_TIMEOUT, worker).await;
        }
        if let Some(notifier) = notifier {
            // Likewise the batch of pushes in hand.
            let _ = tokio::time::timeout(DRAIN_TIMEOUT, notifier).await;
        }
        if let Some(bot) = bot {
            // And the update in hand.
            let _ = tokio::time::timeout(DRAIN_TIMEOUT, bot.finish()).await;
        }
        result
    }

    /// Starts the notifier unless this server is told not to (`--no-push`): Web Push when it
    /// has VAPID keys, Telegram direct messages when it has a bot, either alone if need be.
    /// Call after [`Self::spawn_worker`], which makes the bot known.
    fn spawn_notifier(
        &self,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        use crate::notify::{Notifier, PushSender, TelegramDms, WebPush};
        let settings = &self.state.settings;
        if !settings.push_notifier {
            return None;
        }
        let services = self.state.services.clone();
        let push = services.push_keys().and_then(|keys| {
            match WebPush::new(keys.clone(), settings.vapid_subject.clone()) {
                Ok(sender) => Some(Arc::new(sender) as Arc<dyn PushSender>),
                Err(err) => {
                    tracing::error!(error = %err, "cannot send Web Push");
                    None
                }
            }
        });
        let telegram = services.bot().and_then(|bot| match bot.client() {
            Ok(client) => Some(TelegramDms::new(services.clone(), client)),
            Err(err) => {
                tracing::error!(error = %err, "cannot send Telegram direct messages");
                None
            }
        });
        if push.is_none() && telegram.is_none() {
            return None;
        }
        let notifier = Notifier::new(services, push, telegram, settings);
        Some(tokio::spawn(notifier.run(stop)))
    }

    /// Starts the embedded publisher when there is a bot to publish with: the sandbox's, or
    /// the configured `TELEGRAM_BOT_TOKEN`.
    async fn spawn_worker(
        &self,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        use crate::telegram::publisher::{
            embedded::InProcess,
            worker::{Publisher, WorkerSettings},
        };
        let settings = &self.state.settings;
        let bot = match (&self.sandbox, &settings.telegram_bot_token) {
            (Some(mode), _) => crate::service::BotEndpoint {
                token: mode.bot_token.clone(),
                api_url: format!("http://{}/telegram-sandbox", self.local_addr()),
            },
            (None, Some(token)) => crate::service::BotEndpoint {
                token: secrecy::ExposeSecret::expose_secret(token).to_owned(),
                api_url: settings.telegram_api_url.clone(),
            },
            (None, None) => {
                tracing::info!("no TELEGRAM_BOT_TOKEN: publications wait for a worker");
                return None;
            }
        };
        self.state.services.set_bot(bot.clone());
        if !settings.embedded_worker {
            return None;
        }
        let (token, api_url) = (bot.token, bot.api_url);
        let services = self.state.services.clone();
        let principal = match services.embedded_worker_principal().await {
            Ok(p) => p,
            Err(err) => {
                tracing::error!(error = %err, "cannot set up the embedded worker");
                return None;
            }
        };
        let api = std::sync::Arc::new(InProcess::new(
            self.state.schema.clone(),
            services,
            principal,
        ));
        let name = format!("embedded-{}", std::process::id());
        match Publisher::new(api, WorkerSettings::new(name, token, api_url)) {
            Ok(publisher) => Some(tokio::spawn(publisher.run(stop))),
            Err(err) => {
                tracing::error!(error = %err, "cannot start the embedded worker");
                None
            }
        }
    }
}

/// Sets up sandbox mode: the Bot API sandbox with a few channels where the bot is an
/// administrator, those channels registered in Warta, and one account per role.
async fn prepare_sandbox(
    services: &Services,
    existing: Option<crate::telegram::sandbox::Sandbox>,
) -> Result<SandboxMode, StartupError> {
    use crate::telegram::sandbox::{
        Sandbox,
        model::{ChatType, NewChat},
    };
    if let Some(sandbox) = existing {
        let seeded_accounts = services.seed_sandbox_accounts().await?;
        return Ok(SandboxMode {
            bot_token: sandbox.token(),
            sandbox,
            seeded_accounts,
        });
    }
    let bot_token = match &services.settings.telegram_bot_token {
        Some(token) => secrecy::ExposeSecret::expose_secret(token).to_owned(),
        None => format!(
            "{}:{}",
            7_000_000_000u64 + u64::from(rand::random::<u32>()),
            crate::auth::password::generate_secret(26)
        ),
    };
    let sandbox = Sandbox::new(bot_token.clone(), "warta_sandbox_bot".into());
    let existing = services.channels(true).await?;
    for (title, username) in SANDBOX_CHANNELS {
        let chat = sandbox
            .create_chat(NewChat {
                kind: ChatType::Channel,
                id: None,
                title: title.into(),
                username: Some(username.into()),
                description: None,
                bot: None,
            })
            .map_err(|e| StartupError::Sandbox(format!("{e:?}")))?;
        let chat_ref = format!("@{username}");
        if !existing.iter().any(|c| c.chat_ref == chat_ref) {
            services
                .create_channel(
                    crate::service::channels::ChannelInput {
                        name: Some(title.into()),
                        chat_ref: Some(chat_ref),
                        ..Default::default()
                    },
                    &crate::service::Audit::system(),
                )
                .await?;
        }
        tracing::debug!(chat_id = chat.id, "sandbox channel ready");
    }
    let seeded_accounts = services.seed_sandbox_accounts().await?;
    Ok(SandboxMode {
        sandbox,
        bot_token,
        seeded_accounts,
    })
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
