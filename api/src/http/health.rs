//! Probes for orchestrators and Prometheus: `/healthz` (the process answers), `/readyz` (the
//! database answers too) and `/metrics` (Prometheus text format).

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use futures::future::BoxFuture;

/// Answers whether the database can be reached; `Db::ping` in production.
pub type ReadinessCheck = Arc<dyn Fn() -> BoxFuture<'static, bool> + Send + Sync>;

/// Renders the metrics in the Prometheus text format; `PrometheusHandle::render` in production.
pub type MetricsRender = Arc<dyn Fn() -> String + Send + Sync>;

/// How long `/readyz` waits for the database before calling it unavailable, so a hung
/// connection pool fails the probe instead of stalling it.
pub const READINESS_TIMEOUT: Duration = Duration::from_secs(3);

/// The routes `/healthz`, `/readyz` and `/metrics`.
pub fn health_routes<St>(ready: ReadinessCheck, metrics: MetricsRender) -> Router<St>
where
    St: Clone + Send + Sync + 'static,
{
    Router::new()
        .route(
            "/healthz",
            get(|| async { plain_text(StatusCode::OK, "ok") }),
        )
        .route(
            "/readyz",
            get(move || readyz(ready.clone(), READINESS_TIMEOUT)),
        )
        .route(
            "/metrics",
            get(move || {
                let metrics = metrics.clone();
                async move {
                    let mut http_res = plain_text(StatusCode::OK, metrics());
                    http_res.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                    );
                    http_res
                }
            }),
        )
}

async fn readyz(ready: ReadinessCheck, timeout: Duration) -> Response {
    match tokio::time::timeout(timeout, ready()).await {
        Ok(true) => plain_text(StatusCode::OK, "ready"),
        Ok(false) | Err(_) => {
            tracing::warn!("readiness probe: the database does not answer");
            plain_text(StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

fn plain_text(status: StatusCode, body: impl Into<String>) -> Response {
    let mut http_res = (status, body.into()).into_response();
    let headers = http_res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    // A cached "ready" would hide an outage from the next probe.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    http_res
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::{
        Router,
        body::{Body, to_bytes},
        http::{Request, StatusCode, header},
    };
    use tower::ServiceExt;

    use super::*;

    fn routes(db_answers: bool) -> Router {
        let ready: ReadinessCheck = Arc::new(move || Box::pin(async move { db_answers }));
        let metrics: MetricsRender = Arc::new(|| "warta_up 1\n".to_owned());
        health_routes(ready, metrics)
    }

    async fn get(app: Router, path: &str) -> (StatusCode, String, String) {
        let http_res = app
            .oneshot(Request::get(path).body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        let status = http_res.status();
        let content_type = http_res.headers()[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .to_owned();
        let body = to_bytes(http_res.into_body(), usize::MAX)
            .await
            .expect("body");
        (
            status,
            content_type,
            String::from_utf8(body.to_vec()).expect("utf-8"),
        )
    }

    #[tokio::test]
    async fn healthz_answers_ok_even_without_a_database() {
        let (status, _, body) = get(routes(false), "/healthz").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    }

    #[tokio::test]
    async fn readyz_is_ready_when_the_database_answers() {
        let (status, _, body) = get(routes(true), "/readyz").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ready"));
    }

    #[tokio::test]
    async fn readyz_is_503_when_the_database_does_not_answer() {
        let (status, _, body) = get(routes(false), "/readyz").await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        );
    }

    #[tokio::test]
    async fn readyz_is_503_when_the_database_hangs() {
        let ready: ReadinessCheck = Arc::new(|| Box::pin(futures::future::pending()));
        let http_res = readyz(ready, Duration::from_millis(20)).await;
        assert_eq!(http_res.status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[tokio::test]
    async fn metrics_renders_the_prometheus_text() {
        let (status, content_type, body) = get(routes(true), "/metrics").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            content_type.starts_with("text/plain; version=0.0.4"),
            "{content_type}"
        );
        assert_eq!(body, "warta_up 1\n");
    }
}
