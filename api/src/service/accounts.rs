//! Accounts: people (users and their roles), API clients, and the tokens both get.

use std::{collections::BTreeSet, net::IpAddr, time::Instant};

use chrono::{DateTime, Utc};
use entity::{api_client, refresh_token, user, user_role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::Expr,
};
use serde_json::json;

use crate::{
    auth::{
        AuthError, Principal, Scope,
        jwt::IssuedToken,
        password::{
            burn_verification_time, generate_password, generate_secret, hash_password, sha256_hex,
            validate_new_password, verify_password,
        },
    },
    service::{
        Audit, ServiceError, ServiceResult, Services, audit::append_admin_event,
        error::check_required,
    },
    workflow::Role,
};

/// What a successful sign-in or refresh hands out.
#[derive(Debug, Clone)]
pub struct SessionTokens {
    pub access: IssuedToken,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub user: user::Model,
    pub roles: BTreeSet<Role>,
}

/// A new user and, when none was given, the password generated for them (shown once).
#[derive(Debug, Clone)]
pub struct CreatedUser {
    pub user: user::Model,
    pub roles: BTreeSet<Role>,
    pub generated_password: Option<String>,
}

/// Input for creating a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub unit: Option<String>,
    pub roles: BTreeSet<Role>,
    pub password: Option<String>,
}

/// A new API client and its secret (shown once).
#[derive(Debug, Clone)]
pub struct CreatedClient {
    pub client: api_client::Model,
    pub secret: String,
}

/// The password of the accounts `warta serve --sandbox` seeds. It is refused whenever the
/// server runs outside sandbox mode, so a database once used for a demo is not left open.
pub const SANDBOX_PASSWORD: &str = "sandbox";

/// Usernames are compared case-insensitively and stored in lower case.
fn normalise_username(username: &str) -> String {
    username.trim().to_lowercase()
}

fn check_username(username: &str) -> ServiceResult<()> {
    let ok = (3..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::BadInput(
            "username must be 3 to 64 characters: lower-case letters, digits, '.', '_' or '-'"
                .into(),
        ))
    }
}

/// The roles a user holds now.
pub async fn roles_of(db: &impl ConnectionTrait, user_id: i64) -> ServiceResult<BTreeSet<Role>> {
    let rows = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    Ok(rows.iter().filter_map(|r| r.role.parse().ok()).collect())
}

impl Services {
    /// Signs a person in with username and password.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        addr: Option<IpAddr>,
    ) -> ServiceResult<SessionTokens> {
        let username = normalise_username(username);
        self.throttle.check(&username, addr, Instant::now())?;
        let found = user::Entity::find()
            .filter(user::Column::Username.eq(&username))
            .one(&self.db.conn)
            .await?;
        let sandbox_password_refused = !self.settings.sandbox && password == SANDBOX_PASSWORD;
        let user = match found {
            Some(u)
                if u.active
                    && !sandbox_password_refused
                    && verify_password(&u.password_hash, password) =>
            {
                u
            }
            Some(_) => {
                self.throttle
                    .record_failure(&username, addr, Instant::now());
                return Err(AuthError::BadCredentials.into());
            }
            None => {
                // Same work as a wrong password, so timing does not reveal who exists.
                burn_verification_time();
                self.throttle
                    .record_failure(&username, addr, Instant::now());
                return Err(AuthError::BadCredentials.into());
            }
        };
        self.throttle.record_success(&username, addr);
        let tx = self.db.begin_write().await?;
        let tokens = self.open_session(&*tx, user, None).await?;
        append_admin_event(
            &*tx,
            &Audit::user(tokens.user.id, &tokens.user.username),
            "signed_in",
            json!({ "address": addr.map(|a| a.to_string()) }),
        )
        .await?;
        tx.commit().await?;
        Ok(tokens)
    }

    /// Issues an access token and a refresh token in `family` (a new family when `None`).
    async fn open_session(
        &self,
        db: &impl ConnectionTrait,
        user: user::Model,
        family: Option<String>,
    ) -> ServiceResult<SessionTokens> {
        let roles = roles_of(db, user.id).await?;
        let access = self.jwt.issue_user(user.id, &roles);
        let refresh_token = generate_secret(32);
        let now = Utc::now();
        let refresh_expires_at = now
            + chrono::Duration::from_std(self.settings.refresh_token_ttl)
                .unwrap_or(chrono::Duration::days(30));
        refresh_token::ActiveModel {
            user_id: Set(user.id),
            family_id: Set(family.unwrap_or_else(|| uuid::Uuid::new_v4().to_string())),
            token_hash: Set(sha256_hex(&refresh_token)),
            created_at: Set(now),
            expires_at: Set(refresh_expires_at),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(SessionTokens {
            access,
            refresh_token,
            refresh_expires_at,
            user,
            roles,
        })
    }

    /// Trades a refresh token for new tokens. Each refresh token works once: presenting one
    /// that was already used means it leaked, so its whole family is revoked.
    pub async fn refresh_session(&self, presented: &str) -> ServiceResult<SessionTokens> {
        let tx = self.db.begin_write().await?;
        let now = Utc::now();
        let Some(row) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(sha256_hex(presented)))
            .one(&*tx)
            .await?
        else {
            return Err(AuthError::InvalidRefreshToken.into());
        };
        if row.used_at.is_some() || row.revoked_at.is_some() {
            revoke_family(&*tx, &row.family_id, now).await?;
            append_admin_event(
                &*tx,
                &Audit::system(),
                "refresh_token_reused",
                json!({ "user_id": row.user_id, "family": row.family_id }),
            )
            .await?;
            tx.commit().await?;
            return Err(AuthError::InvalidRefreshToken.into());
        }
        if row.expires_at <= now {
            return Err(AuthError::InvalidRefreshToken.into());
        }
        // Marking it used only if nobody else did guards against two concurrent refreshes.
        let marked = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
            .filter(refresh_token::Column::Id.eq(row.id))
            .filter(refresh_token::Column::UsedAt.is_null())
            .exec(&*tx)
            .await?;
        if marked.rows_affected != 1 {
            return Err(AuthError::InvalidRefreshToken.into());
        }
        let user = user::Entity::find_by_id(row.user_id)
            .one(&*tx)
            .await?
            .filter(|u| u.active)
            .ok_or(AuthError::InvalidRefreshToken)?;
        let tokens = self.open_session(&*tx, user, Some(row.family_id)).await?;
        tx.commit().await?;
        Ok(tokens)
    }

    /// Signs out the session a refresh token belongs to.
    pub async fn logout(&self, principal: &Principal, presented: &str) -> ServiceResult<bool> {
        let user_id = principal.user_id().ok_or(ServiceError::Unauthenticated)?;
        let tx = self.db.begin_write().await?;
        let row = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(sha256_hex(presented)))
            .filter(refresh_token::Column::UserId.eq(user_id))
            .one(&*tx)
            .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        revoke_family(&*tx, &row.family_id, Utc::now()).await?;
        let username = user::Entity::find_by_id(user_id)
            .one(&*tx)
            .await?
            .map(|u| u.username);
        append_admin_event(
            &*tx,
            &Audit::user(user_id, username.as_deref().unwrap_or("user")),
            "signed_out",
            json!({ "family": row.family_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Changes one's own password; every other session is signed out.
    pub async fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
    ) -> ServiceResult<()> {
        let user_id = principal.user_id().ok_or(ServiceError::Unauthenticated)?;
        let user = self.user_by_id(user_id).await?;
        if !verify_password(&user.password_hash, current) {
            return Err(ServiceError::BadInput(
                "the current password is wrong".into(),
            ));
        }
        validate_new_password(new)?;
        self.store_password(&user, new, &Audit::user(user.id, &user.username))
            .await
    }

    async fn store_password(
        &self,
        user: &user::Model,
        new: &str,
        audit: &Audit,
    ) -> ServiceResult<()> {
        let hash = hash_password(new)?;
        let tx = self.db.begin_write().await?;
        let mut active: user::ActiveModel = user.clone().into();
        active.password_hash = Set(hash);
        active.updated_at = Set(Utc::now());
        active.update(&*tx).await?;
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
            .filter(refresh_token::Column::UserId.eq(user.id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&*tx)
            .await?;
        append_admin_event(
            &*tx,
            audit,
            "password_changed",
            json!({ "user_id": user.id }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a user's password (admin or CLI); generates one when none is given.
    pub async fn set_password(
        &self,
        username: &str,
        password: Option<String>,
        audit: &Audit,
    ) -> ServiceResult<Option<String>> {
        let user = self.user_by_username(username).await?;
        let (password, generated) = match password {
            Some(p) => {
                validate_new_password(&p)?;
                (p, None)
            }
            None => {
                let p = generate_password();
                (p.clone(), Some(p))
            }
        };
        self.store_password(&user, &password, audit).await?;
        Ok(generated)
    }

    /// Client credentials: an API client trades its id and secret for an access token.
    pub async fn client_token(
        &self,
        client_id: &str,
        secret: &str,
        addr: Option<IpAddr>,
    ) -> ServiceResult<(IssuedToken, BTreeSet<Scope>)> {
        let account = format!("client:{client_id}");
        self.throttle.check(&account, addr, Instant::now())?;
        let client = api_client::Entity::find()
            .filter(api_client::Column::ClientId.eq(client_id))
            .one(&self.db.conn)
            .await?;
        let client = match client {
            Some(c) if c.revoked_at.is_none() && verify_password(&c.secret_hash, secret) => c,
            found => {
                if found.is_none() {
                    burn_verification_time();
                }
                self.throttle.record_failure(&account, addr, Instant::now());
                return Err(AuthError::BadClientCredentials.into());
            }
        };
        self.throttle.record_success(&account, addr);
        let scopes = parse_scopes(&client.scopes)?;
        Ok((
            self.jwt.issue_client(client.id, &client.client_id, &scopes),
            scopes,
        ))
    }

    pub async fn user_by_id(&self, id: i64) -> ServiceResult<user::Model> {
        user::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(ServiceError::NotFound("user"))
    }

    pub async fn user_by_username(&self, username: &str) -> ServiceResult<user::Model> {
        user::Entity::find()
            .filter(user::Column::Username.eq(normalise_username(username)))
            .one(&self.db.conn)
            .await?
            .ok_or(ServiceError::NotFound("user"))
    }

    /// Creates a user with roles. Without a password one is generated and returned once.
    pub async fn create_user(&self, input: NewUser, audit: &Audit) -> ServiceResult<CreatedUser> {
        let username = normalise_username(&input.username);
        check_username(&username)?;
        check_required("full name", &input.full_name, 200)?;
        if let Some(unit) = &input.unit {
            check_required("unit", unit, 200)?;
        }
        if input.roles.is_empty() {
            return Err(ServiceError::BadInput(
                "a user needs at least one role".into(),
            ));
        }
        let (password, generated_password) = match input.password {
            Some(p) => {
                validate_new_password(&p)?;
                (p, None)
            }
            None => {
                let p = generate_password();
                (p.clone(), Some(p))
            }
        };
        let hash = hash_password(&password)?;
        let tx = self.db.begin_write().await?;
        let taken = user::Entity::find()
            .filter(user::Column::Username.eq(&username))
            .count(&*tx)
            .await?;
        if taken > 0 {
            return Err(ServiceError::BadInput(format!(
                "username {username:?} is taken"
            )));
        }
        let now = Utc::now();
        let user = user::ActiveModel {
            username: Set(username),
            full_name: Set(input.full_name.trim().to_owned()),
            unit: Set(input.unit.map(|u| u.trim().to_owned())),
            password_hash: Set(hash),
            active: Set(true),
            locale: Set("id".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
        for role in &input.roles {
            insert_role(&*tx, user.id, *role).await?;
        }
        append_admin_event(
            &*tx,
            audit,
            "user_created",
            json!({
                "user_id": user.id,
                "username": user.username,
                "roles": input.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedUser {
            user,
            roles: input.roles,
            generated_password,
        })
    }

    /// Updates a user's name, unit or whether they may sign in. Deactivating signs them out.
    pub async fn update_user(
        &self,
        user_id: i64,
        full_name: Option<String>,
        unit: Option<Option<String>>,
        active: Option<bool>,
        audit: &Audit,
    ) -> ServiceResult<user::Model> {
        let user = self.user_by_id(user_id).await?;
        if let Some(name) = &full_name {
            check_required("full name", name, 200)?;
        }
        if let Some(Some(unit)) = &unit {
            check_required("unit", unit, 200)?;
        }
        let tx = self.db.begin_write().await?;
        let mut active_model: user::ActiveModel = user.clone().into();
        if let Some(name) = full_name.clone() {
            active_model.full_name = Set(name.trim().to_owned());
        }
        if let Some(unit) = unit.clone() {
            active_model.unit = Set(unit.map(|u| u.trim().to_owned()));
        }
        if let Some(a) = active {
            active_model.active = Set(a);
            if !a {
                refresh_token::Entity::update_many()
                    .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
                    .filter(refresh_token::Column::UserId.eq(user.id))
                    .filter(refresh_token::Column::RevokedAt.is_null())
                    .exec(&*tx)
                    .await?;
            }
        }
        active_model.updated_at = Set(Utc::now());
        let updated = active_model.update(&*tx).await?;
        append_admin_event(
            &*tx,
            audit,
            "user_updated",
            json!({
                "user_id": user.id,
                "full_name": full_name,
                "unit": unit,
                "active": active,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Gives (`grant = true`) or takes away roles. Taking away the last admin role is refused,
    /// so the system always has someone who can administer it.
    pub async fn change_roles(
        &self,
        user_id: i64,
        roles: &BTreeSet<Role>,
        grant: bool,
        audit: &Audit,
    ) -> ServiceResult<BTreeSet<Role>> {
        let user = self.user_by_id(user_id).await?;
        let tx = self.db.begin_write().await?;
        let current = roles_of(&*tx, user.id).await?;
        for role in roles {
            match (grant, current.contains(role)) {
                (true, false) => insert_role(&*tx, user.id, *role).await?,
                (false, true) => {
                    if *role == Role::Admin {
                        let admins = user_role::Entity::find()
                            .filter(user_role::Column::Role.eq(Role::Admin.as_str()))
                            .count(&*tx)
                            .await?;
                        if admins <= 1 {
                            return Err(ServiceError::BadInput(
                                "cannot take away the last admin role".into(),
                            ));
                        }
                    }
                    user_role::Entity::delete_many()
                        .filter(user_role::Column::UserId.eq(user.id))
                        .filter(user_role::Column::Role.eq(role.as_str()))
                        .exec(&*tx)
                        .await?;
                }
                _ => {}
            }
        }
        let after = roles_of(&*tx, user.id).await?;
        if after.is_empty() {
            return Err(ServiceError::BadInput(
                "a user needs at least one role".into(),
            ));
        }
        append_admin_event(
            &*tx,
            audit,
            if grant {
                "roles_granted"
            } else {
                "roles_revoked"
            },
            json!({
                "user_id": user.id,
                "roles": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Users ordered by username, with their roles.
    pub async fn list_users(&self) -> ServiceResult<Vec<(user::Model, BTreeSet<Role>)>> {
        let users = user::Entity::find()
            .order_by_asc(user::Column::Username)
            .all(&self.db.conn)
            .await?;
        let roles = user_role::Entity::find().all(&self.db.conn).await?;
        Ok(users
            .into_iter()
            .map(|u| {
                let r = roles
                    .iter()
                    .filter(|r| r.user_id == u.id)
                    .filter_map(|r| r.role.parse().ok())
                    .collect();
                (u, r)
            })
            .collect())
    }

    /// Active users holding a role, for choosing whom to send a disposition to.
    pub async fn users_with_role(&self, role: Role) -> ServiceResult<Vec<user::Model>> {
        let ids: Vec<i64> = user_role::Entity::find()
            .select_only()
            .column(user_role::Column::UserId)
            .filter(user_role::Column::Role.eq(role.as_str()))
            .into_tuple()
            .all(&self.db.conn)
            .await?;
        Ok(user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::FullName)
            .all(&self.db.conn)
            .await?)
    }

    /// Creates the `admin` account when nobody holds the admin role; returns the password
    /// generated for it (None when an admin exists or a password was configured).
    pub async fn ensure_first_admin(
        &self,
        configured_password: Option<String>,
    ) -> ServiceResult<Option<(String, Option<String>)>> {
        // Users added from the command line before the first start must not leave the
        // system without anyone who can administer it.
        let admins = user_role::Entity::find()
            .filter(user_role::Column::Role.eq(Role::Admin.as_str()))
            .count(&self.db.conn)
            .await?;
        let admin_name_taken = user::Entity::find()
            .filter(user::Column::Username.eq("admin"))
            .count(&self.db.conn)
            .await?
            > 0;
        if admins > 0 || admin_name_taken {
            return Ok(None);
        }
        let created = self
            .create_user(
                NewUser {
                    username: "admin".into(),
                    full_name: "Administrator Warta".into(),
                    unit: Some("Humas Universitas Jember".into()),
                    roles: BTreeSet::from([Role::Admin]),
                    password: configured_password,
                },
                &Audit::system(),
            )
            .await?;
        Ok(Some((created.user.username, created.generated_password)))
    }

    /// Sandbox mode: one account per role, named after the role, with [`SANDBOX_PASSWORD`].
    /// Existing accounts are left as they are. Returns the usernames created.
    pub async fn seed_sandbox_accounts(&self) -> ServiceResult<Vec<String>> {
        let mut created = Vec::new();
        for role in Role::ALL {
            let username = role.as_str();
            let exists = user::Entity::find()
                .filter(user::Column::Username.eq(username))
                .count(&self.db.conn)
                .await?
                > 0;
            if exists {
                continue;
            }
            let hash = hash_password(SANDBOX_PASSWORD)?;
            let tx = self.db.begin_write().await?;
            let now = Utc::now();
            let row = user::ActiveModel {
                username: Set(username.to_owned()),
                full_name: Set(sandbox_full_name(role).to_owned()),
                unit: Set(Some(
                    if role == Role::Requester {
                        "Fakultas Teknik"
                    } else {
                        "BPKH Universitas Jember"
                    }
                    .to_owned(),
                )),
                password_hash: Set(hash),
                active: Set(true),
                locale: Set("id".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&*tx)
            .await?;
            insert_role(&*tx, row.id, role).await?;
            append_admin_event(
                &*tx,
                &Audit::system(),
                "sandbox_account_created",
                json!({ "user_id": row.id, "username": username }),
            )
            .await?;
            tx.commit().await?;
            created.push(username.to_owned());
        }
        Ok(created)
    }

    /// The client the embedded worker acts as (created on first use; its secret is never
    /// used, as the embedded worker does not sign in).
    pub async fn embedded_worker_principal(&self) -> ServiceResult<Principal> {
        const NAME: &str = "embedded-worker";
        let existing = api_client::Entity::find()
            .filter(api_client::Column::Name.eq(NAME))
            .filter(api_client::Column::RevokedAt.is_null())
            .one(&self.db.conn)
            .await?;
        let client = match existing {
            Some(c) => c,
            None => {
                self.create_client(NAME, &BTreeSet::from([Scope::Worker]), &Audit::system())
                    .await?
                    .client
            }
        };
        Ok(Principal::Client {
            id: client.id,
            client_id: client.client_id,
            scopes: BTreeSet::from([Scope::Worker]),
        })
    }

    /// Registers an API client with scopes; returns its secret once.
    pub async fn create_client(
        &self,
        name: &str,
        scopes: &BTreeSet<Scope>,
        audit: &Audit,
    ) -> ServiceResult<CreatedClient> {
        check_required("client name", name, 200)?;
        if scopes.is_empty() {
            return Err(ServiceError::BadInput(
                "a client needs at least one scope".into(),
            ));
        }
        // The prefix makes a leaked secret recognisable to secret scanners and keeps it from
        // starting with `-`, which a command line would take for a flag (`--client-secret -Zx…`).
        let secret = format!("wcs_{}", generate_secret(32));
        let hash = hash_password(&secret)?;
        let client_id = format!("wc_{}", &generate_secret(12));
        let tx = self.db.begin_write().await?;
        let client = api_client::ActiveModel {
            client_id: Set(client_id),
            name: Set(name.trim().to_owned()),
            secret_hash: Set(hash),
            scopes: Set(scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
        append_admin_event(
            &*tx,
            audit,
            "client_created",
            json!({ "client_id": client.client_id, "scopes": client.scopes }),
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedClient { client, secret })
    }

    pub async fn list_clients(&self) -> ServiceResult<Vec<api_client::Model>> {
        Ok(api_client::Entity::find()
            .order_by_asc(api_client::Column::Id)
            .all(&self.db.conn)
            .await?)
    }

    /// Revokes a client: its secret stops working (tokens already issued expire on their own).
    pub async fn revoke_client(
        &self,
        client_id: &str,
        audit: &Audit,
    ) -> ServiceResult<api_client::Model> {
        let tx = self.db.begin_write().await?;
        let client = api_client::Entity::find()
            .filter(api_client::Column::ClientId.eq(client_id))
            .one(&*tx)
            .await?
            .ok_or(ServiceError::NotFound("client"))?;
        let mut active: api_client::ActiveModel = client.clone().into();
        active.revoked_at = Set(Some(Utc::now()));
        let client = active.update(&*tx).await?;
        append_admin_event(
            &*tx,
            audit,
            "client_revoked",
            json!({ "client_id": client.client_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(client)
    }
}

/// Display names of the sandbox's accounts, after the SOP's offices.
fn sandbox_full_name(role: Role) -> &'static str {
    match role {
        Role::Requester => "Pemohon (Sandbox)",
        Role::ViceRector => "Wakil Rektor III (Sandbox)",
        Role::BureauHead => "Kepala BPKH (Sandbox)",
        Role::PkihCoordinator => "Koordinator PKIH (Sandbox)",
        Role::HumasDeputy => "Wakil Koordinator Humas (Sandbox)",
        Role::Staff => "Petugas Humas (Sandbox)",
        Role::Admin => "Administrator (Sandbox)",
    }
}

/// Parses a space-separated scope list as stored.
pub fn parse_scopes(stored: &str) -> ServiceResult<BTreeSet<Scope>> {
    stored
        .split_whitespace()
        .map(|s| s.parse::<Scope>().map_err(ServiceError::from))
        .collect()
}

async fn insert_role(db: &impl ConnectionTrait, user_id: i64, role: Role) -> ServiceResult<()> {
    user_role::ActiveModel {
        user_id: Set(user_id),
        role: Set(role.as_str().to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn revoke_family(
    db: &impl ConnectionTrait,
    family: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
