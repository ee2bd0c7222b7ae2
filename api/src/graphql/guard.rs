//! Field guards: who may use a query, field or mutation at all. Row-level rules (which
//! request) are the services' business.

use async_graphql::{Context, Guard, Result};

use crate::{
    auth::{Principal, Scope},
    graphql::{
        error::{code, coded},
        principal,
    },
    workflow::Role,
};

/// Allows a signed-in person holding any of the roles, or a client with any of the scopes.
pub struct Allow {
    roles: &'static [Role],
    scopes: &'static [Scope],
}

impl Allow {
    pub const fn roles(roles: &'static [Role]) -> Self {
        Self { roles, scopes: &[] }
    }

    pub const fn roles_or_scopes(roles: &'static [Role], scopes: &'static [Scope]) -> Self {
        Self { roles, scopes }
    }

    pub const fn scopes(scopes: &'static [Scope]) -> Self {
        Self { roles: &[], scopes }
    }
}

impl Guard for Allow {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        match principal(ctx) {
            Principal::Anonymous => Err(coded(code::UNAUTHENTICATED, "sign in first")),
            Principal::User { roles, .. } if self.roles.iter().any(|r| roles.contains(r)) => Ok(()),
            Principal::Client { scopes, .. } if self.scopes.iter().any(|s| scopes.contains(s)) => {
                Ok(())
            }
            _ => Err(coded(code::FORBIDDEN, "you are not allowed to do this")),
        }
    }
}

/// Allows any signed-in person (not clients).
pub struct SignedIn;

impl Guard for SignedIn {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        match principal(ctx) {
            Principal::Anonymous => Err(coded(code::UNAUTHENTICATED, "sign in first")),
            Principal::User { .. } => Ok(()),
            Principal::Client { .. } => Err(coded(code::FORBIDDEN, "only people may do this")),
        }
    }
}

/// Allows anyone authenticated: people and clients.
pub struct Authenticated;

impl Guard for Authenticated {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        match principal(ctx) {
            Principal::Anonymous => Err(coded(code::UNAUTHENTICATED, "sign in first")),
            _ => Ok(()),
        }
    }
}

/// Roles that hold a step of the SOP.
pub const OFFICIALS: &[Role] = &[
    Role::ViceRector,
    Role::BureauHead,
    Role::PkihCoordinator,
    Role::HumasDeputy,
    Role::Staff,
];
/// Roles that forward a disposition (steps 1, 2, 3 and 5).
pub const FORWARDERS: &[Role] = &[
    Role::ViceRector,
    Role::BureauHead,
    Role::PkihCoordinator,
    Role::HumasDeputy,
];
/// Roles that may return or reject (holders of steps 1–5).
pub const DECIDERS: &[Role] = FORWARDERS;
/// Everyone who may act on some step, plus admins (who may reassign).
pub const OFFICIALS_AND_ADMIN: &[Role] = &[
    Role::ViceRector,
    Role::BureauHead,
    Role::PkihCoordinator,
    Role::HumasDeputy,
    Role::Staff,
    Role::Admin,
];
pub const ADMIN: &[Role] = &[Role::Admin];
pub const DEPUTY: &[Role] = &[Role::HumasDeputy];
pub const DEPUTY_OR_REQUESTER: &[Role] = &[Role::HumasDeputy, Role::Requester];
pub const STAFF: &[Role] = &[Role::Staff];
pub const REQUESTER: &[Role] = &[Role::Requester];
pub const SUBMITTERS: &[Role] = &[Role::Requester, Role::Admin];
/// Roles that keep the records: staff archive, admins manage the list.
pub const RECORDS: &[Role] = &[Role::Staff, Role::Admin];
