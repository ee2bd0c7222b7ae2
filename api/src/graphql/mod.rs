//! The GraphQL API: schema, context helpers, and one module per kind of operation.
//! Resolvers stay thin: parse, authorize (guards), call a service, map the result.

pub mod archive;
pub mod bot;
pub mod error;
pub mod guard;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod reports;
pub mod search;
pub mod subscription;
pub mod types;

use async_graphql::{Context, Schema, dataloader::DataLoader};

use crate::{auth::Principal, config::Settings, http::graphql::RequestMeta, service::Services};

pub type WartaSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// Builds the schema with its limits and shared data.
pub fn build_schema(services: Services, settings: &Settings) -> WartaSchema {
    let loader = DataLoader::new(
        loaders::DbLoader {
            db: services.db.conn.clone(),
        },
        tokio::spawn,
    );
    Schema::build(query::Query, mutation::Mutation, subscription::Subscription)
        .data(services)
        .data(loader)
        .limit_depth(settings.graphql_depth_limit)
        .limit_complexity(settings.graphql_complexity_limit)
        .limit_recursive_depth(32)
        .extension(error::ErrorCodes)
        .extension(crate::http::TransportProbe)
        .finish()
}

/// The schema in SDL, as committed in `api/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(query::Query, mutation::Mutation, subscription::Subscription)
        .finish()
        .sdl()
}

/// The caller, as the transport established it (anonymous when absent).
pub fn principal(ctx: &Context<'_>) -> Principal {
    ctx.data_opt::<Principal>()
        .cloned()
        .unwrap_or(Principal::Anonymous)
}

/// Where the call came from, as far as the transport knows.
pub fn request_meta(ctx: &Context<'_>) -> RequestMeta {
    ctx.data_opt::<RequestMeta>().cloned().unwrap_or_default()
}

/// The use cases; the schema is always built with them.
pub fn services<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Services> {
    ctx.data::<Services>()
}
