//! The shared state every request handler and background task sees.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;

use crate::{
    auth::jwt::JwtKeys, config::Settings, db::Db, graphql::WartaSchema, service::Services,
};

/// Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub jwt: Arc<JwtKeys>,
    pub services: Services,
    pub schema: WartaSchema,
    pub metrics: PrometheusHandle,
}
