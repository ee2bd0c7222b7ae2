//! The harness of Warta's end-to-end tests: [`spawn_app`] starts a real `warta` server on a
//! random port with a fresh database (SQLite in a temporary data directory, or a uniquely
//! named PostgreSQL database), and [`TestApp`] drives it over HTTP the way a client would.
//!
//! Choose the engine with `WARTA_TEST_DB=sqlite` (the default) or `WARTA_TEST_DB=postgres`;
//! PostgreSQL is reached at `postgres://postgres@127.0.0.1:5432/postgres` unless
//! `WARTA_TEST_PG_URL` says otherwise. Each test creates its database and drops it (with
//! `WITH (FORCE)`) when its `TestApp` is dropped, so nothing is left behind.
//!
//! `TEST_LOG=1` shows the server's logs.

pub mod walk;

use std::{
    collections::{BTreeSet, HashMap},
    net::SocketAddr,
    path::PathBuf,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use reqwest::{StatusCode, header::HeaderMap};
use sea_orm::{ConnectOptions, ConnectionTrait, Database};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::sync::{Mutex, oneshot};
use uuid::Uuid;
use warta::{
    auth::{Principal, Scope},
    config::Settings,
    graphql::WartaSchema,
    service::{Audit, Services, accounts::NewUser, channels::ChannelInput},
    startup::Application,
    telegram::sandbox::Sandbox,
};

pub use walk::{Stage, Walked};
pub use warta::workflow::Role;

/// The password of the first `admin` account of every test server.
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
/// The password of every user the harness creates.
pub const USER_PASSWORD: &str = "user-password-for-tests";
/// The HS256 secret every test server signs access tokens with, so tests can forge tokens.
pub const JWT_SECRET: &str = "warta-test-jwt-secret-0123456789abcdef-0123456789";

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The database engine the suite runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The engine chosen by `WARTA_TEST_DB`.
pub fn engine() -> Engine {
    match std::env::var("WARTA_TEST_DB").unwrap_or_default().trim() {
        "" | "sqlite" => Engine::Sqlite,
        "postgres" | "postgresql" | "pg" => Engine::Postgres,
        other => panic!("WARTA_TEST_DB must be `sqlite` or `postgres`, not {other:?}"),
    }
}

/// A person the harness created and signed in.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// The database id.
    pub id: i64,
    /// The id as GraphQL shows it.
    pub gid: String,
    pub username: String,
    pub password: String,
    pub roles: BTreeSet<Role>,
    /// A fresh access token.
    pub token: String,
    /// The refresh token of the same sign-in.
    pub refresh_token: String,
}

impl TestUser {
    pub fn principal(&self) -> Principal {
        Principal::User {
            id: self.id,
            roles: self.roles.clone(),
        }
    }
}

/// An API client the harness registered, with a token from `clientToken`.
#[derive(Debug, Clone)]
pub struct TestClient {
    pub id: i64,
    pub client_id: String,
    pub secret: String,
    pub token: String,
}

/// What came back from `/graphql`, whatever its status.
#[derive(Debug, Clone)]
pub struct GqlResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl GqlResponse {
    pub fn content_type(&self) -> String {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    pub fn code(&self) -> Option<String> {
        error_code(&self.body)
    }
}

/// A running server and everything a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    /// The server's own services, for seeding data without going through HTTP.
    pub services: Services,
    /// The server's GraphQL schema, for running operations in-process (as the embedded
    /// worker does).
    pub schema: WartaSchema,
    /// With `settings.sandbox`, the Telegram Bot API sandbox the server mounts at
    /// `/telegram-sandbox` and the token its bot answers to.
    pub sandbox: Option<TelegramSandbox>,
    pub data_dir: PathBuf,
    pub engine: Engine,
    /// What the server was started with, for [`TestApp::restart`].
    settings: Settings,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    users: Mutex<HashMap<Role, TestUser>>,
    admin: Mutex<Option<String>>,
    counter: AtomicU64,
    /// Dropped last: removes the database and the data directory.
    _cleanup: Cleanup,
}

/// What a test leaves behind and must remove, even when the server failed to start.
struct Cleanup {
    postgres: Option<PgDatabase>,
    data_dir: PathBuf,
}

/// A per-test PostgreSQL database and the admin URL to drop it through.
struct PgDatabase {
    admin_url: String,
    name: String,
}

/// The Telegram sandbox of a server started in sandbox mode.
#[derive(Clone)]
pub struct TelegramSandbox {
    pub sandbox: Sandbox,
    pub bot_token: String,
    /// The Bot API base URL, `http://127.0.0.1:PORT/telegram-sandbox`.
    pub api_url: String,
}

/// Starts a server with the test defaults.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server in sandbox mode (`warta serve --sandbox`): the Telegram Bot API sandbox
/// with the channels `@info_unej`, `@humas_unej` and `@kabar_mahasiswa_unej`, one account
/// per role with the password `sandbox`, and the embedded publisher.
pub async fn spawn_sandbox_app() -> TestApp {
    spawn_sandbox_app_with(|_| {}).await
}

/// Like [`spawn_sandbox_app`], after `configure` has adjusted the settings.
pub async fn spawn_sandbox_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|settings| {
        settings.sandbox = true;
        configure(settings);
    })
    .await
}

/// Starts a server after `configure` has adjusted the test defaults.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    init_logs();
    let engine = engine();
    let data_dir = std::env::temp_dir().join(format!("warta-test-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&data_dir).expect("create the test data directory");

    let mut settings = Settings::for_data_dir(data_dir.clone());
    settings.admin_password = Some(SecretString::from(ADMIN_PASSWORD.to_owned()));
    settings.jwt_secret = Some(SecretString::from(JWT_SECRET.to_owned()));
    let mut cleanup = Cleanup {
        postgres: None,
        data_dir,
    };
    cleanup.postgres = match engine {
        Engine::Sqlite => None,
        Engine::Postgres => {
            let admin_url =
                std::env::var("WARTA_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned());
            let name = format!("warta_test_{}", Uuid::new_v4().simple());
            let admin = admin_connection(&admin_url).await;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
            let _ = admin.close().await;
            settings.database_url = with_database(&admin_url, &name);
            Some(PgDatabase { admin_url, name })
        }
    };
    configure(&mut settings);

    let application = Application::build(settings.clone())
        .await
        .expect("the server starts");
    let addr = application.local_addr();
    let services = application.state.services.clone();
    let schema = application.state.schema.clone();
    let sandbox = application.sandbox.as_ref().map(|mode| TelegramSandbox {
        sandbox: mode.sandbox.clone(),
        bot_token: mode.bot_token.clone(),
        api_url: format!("http://{addr}/telegram-sandbox"),
    });
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until(async move {
        let _ = rx.await;
    }));
    TestApp {
        address: format!("http://{addr}"),
        addr,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("an HTTP client"),
        services,
        schema,
        sandbox,
        data_dir: cleanup.data_dir.clone(),
        engine,
        settings,
        shutdown: Some(tx),
        server: Some(server),
        users: Mutex::new(HashMap::new()),
        admin: Mutex::new(None),
        counter: AtomicU64::new(0),
        _cleanup: cleanup,
    }
}

fn init_logs() {
    if std::env::var_os("TEST_LOG").is_some() {
        warta::telemetry::init("pretty");
    }
}

async fn admin_connection(admin_url: &str) -> sea_orm::DatabaseConnection {
    let mut options = ConnectOptions::new(admin_url.to_owned());
    options
        .max_connections(1)
        .min_connections(0)
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10));
    Database::connect(options)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin_url}: {e}"))
}

/// The same server URL with another database name (query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let server = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(pg) = self.postgres.take() {
            // Drop may run inside the test's runtime, which cannot be blocked on; a thread
            // with its own small runtime can.
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(async {
                    let admin = admin_connection(&pg.admin_url).await;
                    let result = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                            pg.name
                        ))
                        .await;
                    let _ = admin.close().await;
                    result
                        .map(|_| ())
                        .map_err(|e| format!("DROP DATABASE {}: {e}", pg.name))
                })
            })
            .join();
            match dropped {
                Ok(Ok(())) => {}
                Ok(Err(e)) => eprintln!("warning: {e}"),
                Err(_) => eprintln!("warning: dropping the test database panicked"),
            }
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// `errors[0].extensions.code`, if the response has an error.
pub fn error_code(response: &Value) -> Option<String> {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_owned)
}

/// `errors[0].extensions.rule` (the workflow rule a refused transition broke), if any.
pub fn error_rule(response: &Value) -> Option<String> {
    response["errors"][0]["extensions"]["rule"]
        .as_str()
        .map(str::to_owned)
}

/// Every error code in a response, in order.
pub fn error_codes(response: &Value) -> Vec<String> {
    response["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The `data` of a response that must have no errors.
#[track_caller]
pub fn data(response: &Value) -> &Value {
    assert!(
        response.get("errors").is_none_or(|e| e.is_null()),
        "unexpected GraphQL errors: {response:#}"
    );
    &response["data"]
}

/// Parses an id as GraphQL shows it.
#[track_caller]
pub fn id_of(value: &Value) -> i64 {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a numeric ID: {value}"))
}

impl TestApp {
    /// Stops the server, waiting until it has finished, and starts a new one on the same
    /// database and data directory (and, in sandbox mode, the same Telegram sandbox, as a
    /// restarted server meets the same Telegram). The address changes; tokens stay valid.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start_again().await;
    }

    /// Stops the server and waits until it has finished (see [`TestApp::start_again`]).
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    /// Starts a stopped server again, as [`TestApp::restart`] does.
    pub async fn start_again(&mut self) {
        let existing = self.sandbox.as_ref().map(|s| s.sandbox.clone());
        let application = Application::build_with_sandbox(self.settings.clone(), existing)
            .await
            .expect("the server starts again");
        let addr = application.local_addr();
        self.addr = addr;
        self.address = format!("http://{addr}");
        self.services = application.state.services.clone();
        self.schema = application.state.schema.clone();
        self.sandbox = application.sandbox.as_ref().map(|mode| TelegramSandbox {
            sandbox: mode.sandbox.clone(),
            bot_token: mode.bot_token.clone(),
            api_url: format!("http://{addr}/telegram-sandbox"),
        });
        let (tx, rx) = oneshot::channel::<()>();
        self.server = Some(tokio::spawn(application.run_until(async move {
            let _ = rx.await;
        })));
        self.shutdown = Some(tx);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/graphql", self.addr)
    }

    /// A number unique within this test, for names.
    pub fn next_seq(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Posts a GraphQL operation as JSON and returns status, headers and body.
    pub async fn gql_full(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> GqlResponse {
        let mut req = self
            .http
            .post(self.url("/graphql"))
            .header(
                "accept",
                "application/graphql-response+json, application/json;q=0.9",
            )
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.expect("the server answers");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("a body");
        let body =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
        GqlResponse {
            status,
            headers,
            body,
        }
    }

    /// Posts a GraphQL operation and returns the JSON body (data and errors).
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.gql_full(token, query, variables).await.body
    }

    /// Posts a GraphQL operation that must succeed and returns its `data`.
    #[track_caller]
    pub fn gql_ok<'a>(
        &'a self,
        token: Option<&'a str>,
        query: &'a str,
        variables: Value,
    ) -> impl Future<Output = Value> + 'a {
        let caller = std::panic::Location::caller();
        async move {
            let response = self.gql(token, query, variables).await;
            if response.get("errors").is_some_and(|e| !e.is_null()) {
                panic!("{caller}: unexpected GraphQL errors: {response:#}");
            }
            response["data"].clone()
        }
    }

    /// Signs in and returns the access token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        self.login_full(username, password).await.0
    }

    /// Signs in and returns the access and refresh tokens.
    pub async fn login_full(&self, username: &str, password: &str) -> (String, String) {
        let response = self
            .gql(
                None,
                "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken refreshToken } }",
                json!({ "u": username, "p": password }),
            )
            .await;
        let d = data(&response);
        (
            d["login"]["accessToken"]
                .as_str()
                .expect("an access token")
                .to_owned(),
            d["login"]["refreshToken"]
                .as_str()
                .expect("a refresh token")
                .to_owned(),
        )
    }

    /// The `admin` account's access token (signed in once per test).
    pub async fn admin_token(&self) -> String {
        let mut admin = self.admin.lock().await;
        if let Some(token) = admin.as_ref() {
            return token.clone();
        }
        let token = self.login("admin", ADMIN_PASSWORD).await;
        *admin = Some(token.clone());
        token
    }

    /// A signed-in user holding `role`, the same one each time within a test.
    pub async fn user(&self, role: Role) -> TestUser {
        let mut users = self.users.lock().await;
        if let Some(user) = users.get(&role) {
            return user.clone();
        }
        let user = self.new_user(&[role]).await;
        users.insert(role, user.clone());
        user
    }

    /// A new signed-in user holding `roles`.
    pub async fn new_user(&self, roles: &[Role]) -> TestUser {
        let seq = self.next_seq();
        let first = roles.first().map_or("user", |r| r.as_str());
        let username = format!("{}{seq}", first.replace('_', "-"));
        let roles: BTreeSet<Role> = roles.iter().copied().collect();
        let created = self
            .services
            .create_user(
                NewUser {
                    username: username.clone(),
                    full_name: format!("Test {first} {seq}"),
                    unit: Some("Fakultas Ilmu Komputer".into()),
                    roles: roles.clone(),
                    password: Some(USER_PASSWORD.into()),
                },
                &Audit::system(),
            )
            .await
            .expect("create a user");
        let (token, refresh_token) = self.login_full(&username, USER_PASSWORD).await;
        TestUser {
            id: created.user.id,
            gid: created.user.id.to_string(),
            username,
            password: USER_PASSWORD.into(),
            roles,
            token,
            refresh_token,
        }
    }

    /// A new API client with `scopes` (e.g. `["worker"]`) and a token from `clientToken`.
    pub async fn new_client(&self, scopes: &[&str]) -> TestClient {
        let scopes: BTreeSet<Scope> = scopes
            .iter()
            .map(|s| s.parse().expect("a known scope"))
            .collect();
        let name = format!("test client {}", self.next_seq());
        let created = self
            .services
            .create_client(&name, &scopes, &Audit::system())
            .await
            .expect("create a client");
        let response = self
            .gql(
                None,
                "mutation($id: String!, $secret: String!) { clientToken(clientId: $id, clientSecret: $secret) { accessToken scopes } }",
                json!({ "id": created.client.client_id, "secret": created.secret }),
            )
            .await;
        let token = data(&response)["clientToken"]["accessToken"]
            .as_str()
            .expect("a client token")
            .to_owned();
        TestClient {
            id: created.client.id,
            client_id: created.client.client_id,
            secret: created.secret,
            token,
        }
    }

    /// A client token with `scopes`.
    pub async fn client(&self, scopes: &[&str]) -> String {
        self.new_client(scopes).await.token
    }

    /// Registers an active Telegram channel and returns its GraphQL id.
    pub async fn channel(&self, name: &str) -> String {
        let seq = self.next_seq();
        let row = self
            .services
            .create_channel(
                ChannelInput {
                    name: Some(name.to_owned()),
                    chat_ref: Some(format!("-100{:010}", 1_000_000 + seq)),
                    description: None,
                    link_preview: None,
                    silent: None,
                    active: None,
                },
                &Audit::system(),
            )
            .await
            .expect("create a channel");
        row.id.to_string()
    }

    /// Uploads one file by the GraphQL multipart request spec (`operations`, `map`, then the
    /// file part), with `Apollo-Require-Preflight: true` and the bearer token if any.
    pub async fn upload(
        &self,
        token: Option<&str>,
        filename: &str,
        mime: &str,
        bytes: Vec<u8>,
        request_id: Option<&str>,
    ) -> GqlResponse {
        let operations = json!({
            "query": "mutation($file: Upload!, $requestId: ID) { uploadAttachment(file: $file, kind: LETTER, requestId: $requestId) { id filename contentType sizeBytes sha256 url } }",
            "variables": { "file": null, "requestId": request_id },
        });
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(filename.to_owned())
            .mime_str(mime)
            .expect("a MIME type");
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.file"] }).to_string())
            .part("0", part);
        let mut req = self
            .http
            .post(self.url("/graphql"))
            .header("apollo-require-preflight", "true")
            .header(
                "accept",
                "application/graphql-response+json, application/json;q=0.9",
            )
            .multipart(form);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.expect("the server answers");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("a body");
        let body =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
        GqlResponse {
            status,
            headers,
            body,
        }
    }

    /// A plain GET with an optional bearer token.
    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("the server answers")
    }

    /// The kinds of a request's events, oldest first, as `token` sees them.
    pub async fn event_kinds(&self, token: &str, request_id: &str) -> Vec<String> {
        let d = self
            .gql_ok(
                Some(token),
                "query($id: ID!) { events(requestId: $id) { kind } }",
                json!({ "id": request_id }),
            )
            .await;
        d["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["kind"].as_str().expect("a kind").to_owned())
            .collect()
    }

    /// The payloads of the events of `kind` (request or administrative), oldest first, read
    /// from the database: administrative events have no query of their own.
    pub async fn admin_events(&self, kind: &str) -> Vec<serde_json::Value> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        entity::event::Entity::find()
            .filter(entity::event::Column::Kind.eq(kind))
            .order_by_asc(entity::event::Column::Id)
            .all(&self.services.db.conn)
            .await
            .expect("events")
            .into_iter()
            .map(|e| e.payload)
            .collect()
    }

    /// The ids of the requests in someone's inbox.
    pub async fn inbox_ids(&self, token: &str) -> Vec<String> {
        let d = self
            .gql_ok(Some(token), "{ inbox { request { id } } }", json!({}))
            .await;
        d["inbox"]
            .as_array()
            .expect("inbox")
            .iter()
            .map(|i| i["request"]["id"].as_str().expect("an id").to_owned())
            .collect()
    }

    /// Statements the server has run against its database so far.
    pub fn statements_run(&self) -> u64 {
        self.services.db.statements_run()
    }
}
