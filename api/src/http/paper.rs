//! `GET /requests/{id}/disposition-sheet.pdf` and `GET /requests/{id}/publication-record.pdf`:
//! the printed records of a request, for a caller who may see it (bearer token).

use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use super::attachments::bearer_principal;
use crate::{
    paper::Printed,
    service::{ServiceError, ServiceResult},
    state::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/requests/{id}/disposition-sheet.pdf",
            get(disposition_sheet),
        )
        .route(
            "/requests/{id}/publication-record.pdf",
            get(publication_record),
        )
}

/// Which document a route serves.
#[derive(Debug, Clone, Copy)]
enum Document {
    DispositionSheet,
    PublicationRecord,
}

async fn disposition_sheet(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    download(state, id, headers, Document::DispositionSheet).await
}

async fn publication_record(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    download(state, id, headers, Document::PublicationRecord).await
}

#[tracing::instrument(name = "paper", skip_all, fields(request_id = %id, document = ?document))]
async fn download(state: AppState, id: String, headers: HeaderMap, document: Document) -> Response {
    let Some(principal) = bearer_principal(&state, &headers) else {
        return unauthenticated();
    };
    let Ok(id) = id.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, "no such request\n").into_response();
    };
    let printed: ServiceResult<Printed> = match document {
        Document::DispositionSheet => state.services.disposition_sheet(&principal, id).await,
        Document::PublicationRecord => state.services.publication_record(&principal, id).await,
    };
    match printed {
        Ok(printed) => pdf(printed),
        Err(ServiceError::Unauthenticated) => unauthenticated(),
        Err(ServiceError::Forbidden(_)) => {
            (StatusCode::FORBIDDEN, "you may not see this request\n").into_response()
        }
        Err(ServiceError::NotFound(_)) => {
            (StatusCode::NOT_FOUND, "no such request\n").into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, source = ?std::error::Error::source(&err), "printing failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
        }
    }
}

fn pdf(printed: Printed) -> Response {
    let mut response = printed.bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    // The file name is built from the agenda number with only ASCII letters, digits and dashes.
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{}\"", printed.filename)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The sheet changes with every step, and it names people: never from a shared cache.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
}

fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "sign in first\n",
    )
        .into_response()
}
