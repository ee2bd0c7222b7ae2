//! The HTTP edge: the GraphQL endpoint, health probes, the PWA and the routes other modules
//! add, under one tracing span and one request id per request.

pub mod attachments;
pub mod graphql;
pub mod health;
pub mod paper;
pub mod reports;

use std::{path::Path, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::Request,
    http::{self, HeaderValue, Method, StatusCode, header},
    middleware,
    response::{IntoResponse, Response},
    routing::get,
};
use tower::{ServiceBuilder, ServiceExt};
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::{ServeDir, ServeFile},
    trace::{MakeSpan, OnResponse, TraceLayer},
};
use tracing::Span;

pub use self::{
    graphql::{
        Authenticate, GRAPHQL_PATH, RequestMeta, TransportLimits, TransportProbe, graphql_routes,
    },
    health::{MetricsRender, ReadinessCheck, health_routes},
};
use crate::state::AppState;

/// Most files one GraphQL request may upload: a ten-photo album and the request letter fit.
pub const MAX_FILES_PER_REQUEST: usize = 12;

/// Paths owned by the API. The PWA's fallback to `index.html` never answers under them, so a
/// mistyped API URL is a 404 rather than an HTML page with status 200.
pub const API_PREFIXES: &[&str] = &[
    "/graphql",
    "/healthz",
    "/readyz",
    "/metrics",
    "/attachments",
    "/requests",
    "/reports",
    "/telegram-sandbox",
];

const REQUEST_ID: &str = "x-request-id";

const PWA_NOT_BUILT: &str = "Warta is running, but the PWA has not been built.

Build it from the repository root with

    npm --prefix pwa ci && npm --prefix pwa run build

and restart `warta serve` (or point WARTA_PWA_DIR at the built directory).
The API answers at /graphql (GraphiQL in a browser), /healthz and /readyz.
";

/// The whole HTTP application of `warta serve`.
pub fn router(state: AppState) -> Router {
    router_with(state, attachments::routes())
}

/// [`router`] plus `extra` routes (attachment downloads, webhooks, the Telegram sandbox),
/// which share the state, the tracing and the request ids, and win over the PWA fallback.
pub fn router_with(state: AppState, extra: Router<AppState>) -> Router {
    let authenticate: Authenticate = {
        let jwt = state.jwt.clone();
        Arc::new(move |token: &str| jwt.verify(token))
    };
    let limits = TransportLimits {
        max_body_bytes: state.settings.max_body_bytes,
        max_upload_bytes: state.settings.max_upload_bytes,
        max_files: MAX_FILES_PER_REQUEST,
    };
    let ready: ReadinessCheck = {
        let db = state.db.clone();
        Arc::new(move || {
            let db = db.clone();
            Box::pin(async move { db.ping().await })
        })
    };
    let metrics: MetricsRender = {
        let handle = state.metrics.clone();
        let db = state.db.clone();
        // The statement count is this server's own (the recorder is process-wide).
        Arc::new(move || {
            format!(
                "{}# TYPE warta_db_statements_total counter\nwarta_db_statements_total {}\n",
                handle.render(),
                db.statements_run()
            )
        })
    };
    let routes = Router::new()
        .merge(graphql_routes(state.schema.clone(), authenticate, limits))
        .merge(health_routes(ready, metrics))
        .merge(extra);
    let routes = with_pwa(routes, state.settings.pwa_dir.as_deref());
    with_layers(routes.with_state(state))
}

/// Serves the built PWA at `/` (falling back to `index.html` for client-side routes), or a
/// page saying how to build it.
fn with_pwa<St>(routes: Router<St>, pwa_dir: Option<&Path>) -> Router<St>
where
    St: Clone + Send + Sync + 'static,
{
    let Some(dir) = pwa_dir.filter(|dir| dir.join("index.html").is_file()) else {
        if let Some(dir) = pwa_dir {
            tracing::warn!(dir = %dir.display(), "no built PWA; `/` explains how to build it");
        }
        return routes
            .route(
                "/",
                get(|| async { plain_text(StatusCode::OK, PWA_NOT_BUILT) }),
            )
            .fallback(|| async { plain_text(StatusCode::NOT_FOUND, "not found") });
    };
    let files = ServeDir::new(dir);
    let spa = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
    routes.fallback(move |http_req: Request| serve_pwa(files.clone(), spa.clone(), http_req))
}

async fn serve_pwa(files: ServeDir, spa: ServeDir<ServeFile>, http_req: Request) -> Response {
    let path = http_req.uri().path().to_owned();
    if is_api_path(&path) {
        return plain_text(StatusCode::NOT_FOUND, "not found");
    }
    // A missing file (a stale hashed asset) is a 404, not index.html served as JavaScript.
    let names_a_file = path
        .rsplit('/')
        .next()
        .is_some_and(|segment| segment.contains('.'));
    let is_read = matches!(*http_req.method(), Method::GET | Method::HEAD);
    let mut http_res = if names_a_file || !is_read {
        files.oneshot(http_req).await.into_response()
    } else {
        spa.oneshot(http_req).await.into_response()
    };
    if http_res.status().is_success() {
        // Vite fingerprints everything under /assets; the rest (index.html, the service
        // worker, the manifest) must be revalidated or an update never reaches the phone.
        let cache = if path.starts_with("/assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        http_res
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    http_res
}

fn is_api_path(path: &str) -> bool {
    API_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Request ids (`x-request-id`: kept when sane, else a new UUID, echoed in the response) and
/// a tracing span per request with its method, path and status. Headers are never recorded:
/// they carry bearer tokens.
fn with_layers(app: Router) -> Router {
    app.layer(
        ServiceBuilder::new()
            .layer(middleware::map_request(drop_unusable_request_id))
            .layer(SetRequestIdLayer::new(
                http::HeaderName::from_static(REQUEST_ID),
                MakeRequestUuid,
            ))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(HttpSpan)
                    .on_response(HttpResponseLog),
            )
            .layer(PropagateRequestIdLayer::new(http::HeaderName::from_static(
                REQUEST_ID,
            )))
            // Phones on slow connections: the PWA's assets and GraphQL JSON compress well
            // (images, small bodies and event streams are left alone by the default rules).
            .layer(tower_http::compression::CompressionLayer::new()),
    )
}

/// A client-chosen request id ends up in logs; one that is long or holds odd bytes is
/// replaced rather than trusted.
async fn drop_unusable_request_id(mut http_req: Request) -> Request {
    let usable = |value: &HeaderValue| {
        let bytes = value.as_bytes();
        !bytes.is_empty()
            && bytes.len() <= 128
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
    };
    if http_req
        .headers()
        .get(REQUEST_ID)
        .is_some_and(|value| !usable(value))
    {
        http_req.headers_mut().remove(REQUEST_ID);
    }
    http_req
}

#[derive(Debug, Clone, Copy)]
struct HttpSpan;

impl<B> MakeSpan<B> for HttpSpan {
    fn make_span(&mut self, http_req: &http::Request<B>) -> Span {
        let request_id = http_req
            .headers()
            .get(REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        tracing::info_span!(
            "http",
            method = %http_req.method(),
            path = %redact_bot_token(http_req.uri().path()),
            request_id,
            status = tracing::field::Empty,
        )
    }
}

/// Bot API paths carry the bot token (`/bot<token>/<method>`); logs get `/bot<redacted>/…`.
fn redact_bot_token(path: &str) -> std::borrow::Cow<'_, str> {
    match path.find("/bot") {
        Some(start) if path[start + 4..].contains(':') => {
            let rest = &path[start + 4..];
            let end = rest.find('/').unwrap_or(rest.len());
            format!("{}/bot<redacted>{}", &path[..start], &rest[end..]).into()
        }
        _ => path.into(),
    }
}

#[derive(Debug, Clone, Copy)]
struct HttpResponseLog;

impl<B> OnResponse<B> for HttpResponseLog {
    fn on_response(self, http_res: &http::Response<B>, latency: Duration, span: &Span) {
        let status = http_res.status().as_u16();
        span.record("status", status);
        tracing::info!(status, latency_ms = latency.as_millis() as u64, "answered");
    }
}

fn plain_text(status: StatusCode, body: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use axum::{
        body::{Body, to_bytes},
        http::{Request, StatusCode, header},
    };
    use tower::ServiceExt;

    use super::*;

    async fn send(app: Router, http_req: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
        let http_res = app.oneshot(http_req).await.expect("infallible");
        let (parts, body) = http_res.into_parts();
        let body = to_bytes(body, usize::MAX).await.expect("body");
        (
            parts.status,
            parts.headers,
            String::from_utf8_lossy(&body).into_owned(),
        )
    }

    fn get(path: &str) -> Request<Body> {
        Request::get(path).body(Body::empty()).expect("request")
    }

    /// A built PWA in a fresh directory, removed when dropped.
    struct BuiltPwa(PathBuf);

    impl BuiltPwa {
        fn new() -> Self {
            let dir = std::env::temp_dir().join(format!("warta-pwa-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(dir.join("assets")).expect("create PWA dir");
            std::fs::write(
                dir.join("index.html"),
                "<!doctype html><title>Warta</title>",
            )
            .expect("write");
            std::fs::write(dir.join("assets/app-1a2b.js"), "console.info(1)").expect("write");
            std::fs::write(dir.join("sw.js"), "self.skipWaiting()").expect("write");
            BuiltPwa(dir)
        }
    }

    impl Drop for BuiltPwa {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn api() -> Router {
        Router::new().route("/healthz", axum::routing::get(|| async { "ok" }))
    }

    #[tokio::test]
    async fn without_a_built_pwa_the_root_says_how_to_build_it() {
        for dir in [None, Some(Path::new("/nonexistent/warta/pwa/dist"))] {
            let app = with_pwa(api(), dir);
            let (status, headers, body) = send(app.clone(), get("/")).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                headers[header::CONTENT_TYPE]
                    .to_str()
                    .expect("ascii")
                    .starts_with("text/plain")
            );
            assert!(
                body.contains("npm --prefix pwa ci && npm --prefix pwa run build"),
                "{body}"
            );
            let (status, _, _) = send(app, get("/somewhere")).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
    }

    #[tokio::test]
    async fn a_built_pwa_is_served_with_a_fallback_to_index_html() {
        let pwa = BuiltPwa::new();
        let app = with_pwa(api(), Some(&pwa.0));

        for path in ["/", "/index.html", "/requests-new", "/inbox/42"] {
            let (status, headers, body) = send(app.clone(), get(path)).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(body.contains("<title>Warta</title>"), "{path}: {body}");
            assert_eq!(headers[header::CACHE_CONTROL], "no-cache", "{path}");
        }
        let (status, headers, body) = send(app.clone(), get("/assets/app-1a2b.js")).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "console.info(1)"));
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let (_, headers, _) = send(app.clone(), get("/sw.js")).await;
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");

        let (status, _, body) = send(app.clone(), get("/healthz")).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, "ok"),
            "routes win over the PWA"
        );
        for path in [
            "/assets/gone-9z.js",
            "/graphql/extra",
            "/healthz/x",
            "/readyz",
            "/metrics",
            "/attachments/12",
            "/requests",
            "/requests/12",
            "/telegram-sandbox/bot1/getMe",
        ] {
            let (status, _, body) = send(app.clone(), get(path)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(!body.contains("<title>"), "{path} fell back to the PWA");
        }
    }

    #[tokio::test]
    async fn request_ids_are_made_kept_or_replaced() {
        let app = with_layers(api());
        let (_, headers, _) = send(app.clone(), get("/healthz")).await;
        let made = headers[REQUEST_ID].to_str().expect("ascii");
        assert!(uuid::Uuid::parse_str(made).is_ok(), "{made}");

        let http_req = Request::get("/healthz")
            .header(REQUEST_ID, "abc-123")
            .body(Body::empty());
        let (_, headers, _) = send(app.clone(), http_req.expect("request")).await;
        assert_eq!(headers[REQUEST_ID], "abc-123");

        let junk = format!("a b{}", "x".repeat(200));
        let http_req = Request::get("/healthz")
            .header(REQUEST_ID, junk)
            .body(Body::empty());
        let (_, headers, _) = send(app, http_req.expect("request")).await;
        let replaced = headers[REQUEST_ID].to_str().expect("ascii");
        assert!(uuid::Uuid::parse_str(replaced).is_ok(), "{replaced}");
    }

    #[test]
    fn api_paths_match_whole_segments() {
        assert!(is_api_path("/graphql"));
        assert!(is_api_path("/attachments/1/file.pdf"));
        assert!(!is_api_path("/graphqlx"));
        assert!(!is_api_path("/"));
    }
}
