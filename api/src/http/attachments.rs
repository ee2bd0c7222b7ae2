//! `GET /attachments/{id}`: an attachment's bytes for a caller who may see it (bearer token).

use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{auth::Principal, service::ServiceError, state::AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/attachments/{id}", get(download))
}

/// The principal of a valid bearer token, if the request has one.
pub(crate) fn bearer_principal(state: &AppState, headers: &HeaderMap) -> Option<Principal> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    state.jwt.verify(token.trim()).ok()
}

fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "sign in first\n",
    )
        .into_response()
}

async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(principal) = bearer_principal(&state, &headers) else {
        return unauthenticated();
    };
    let Ok(id) = id.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, "no such attachment\n").into_response();
    };
    match state.services.attachment_for(&principal, id).await {
        Ok((row, bytes)) => {
            let disposition = format!(
                "inline; filename=\"{}\"",
                row.filename
                    .replace(['"', '\\'], "_")
                    .chars()
                    .filter(|c| c.is_ascii() && !c.is_ascii_control())
                    .collect::<String>()
            );
            let mut response = bytes.into_response();
            let h = response.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&row.content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=3600"),
            );
            response
        }
        Err(ServiceError::NotFound(_)) => {
            (StatusCode::NOT_FOUND, "no such attachment\n").into_response()
        }
        Err(ServiceError::Unauthenticated) => unauthenticated(),
        Err(err) => {
            tracing::error!(error = %err, attachment_id = id, "attachment download failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
        }
    }
}
