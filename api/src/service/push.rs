//! Web Push: the server's VAPID key pair, the devices people subscribe, and the notifier's
//! side of the `notification` outbox (taking rows under a lease, resolving who they are for,
//! recording how delivery went) plus the reminders queued before a step's SLA deadline.
//!
//! The sending itself (encryption, VAPID tokens, HTTP) lives in `notify`; this module only
//! reads and writes the database, one transaction and one event per change.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
    fs::{self, File, OpenOptions, Permissions},
    io::{self, Read as _, Write as _},
    net::IpAddr,
    os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _},
    path::Path,
    sync::Arc,
};

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use entity::{
    disposition, event, outbox, publication, push_subscription, request, step_escalation,
    step_reminder, telegram_account, telegram_dm, user, user_role,
};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseBackend, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
    sea_query::{Expr, LockBehavior, LockType, OnConflict, Query},
};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    auth::Principal,
    service::{
        Audit, ServiceError, ServiceResult, Services,
        audit::{append_admin_event, push_outbox, topic},
        sla::load_sla_context,
    },
    workflow::{
        Role, Status,
        sla::{self, SlaStandard},
    },
};

/// The key file's name inside the data directory.
pub const VAPID_KEY_FILE: &str = "vapid-private-key";

/// Most devices one person keeps subscribed; registering another drops the least recently
/// registered, so a phone reinstalled a dozen times does not collect dead subscriptions.
pub const MAX_DEVICES_PER_USER: u64 = 10;

/// Longest endpoint accepted (real push services use a few hundred characters).
pub const MAX_ENDPOINT_LEN: usize = 1024;

/// Attempts at one notification before it is given up on.
pub const MAX_NOTIFICATION_ATTEMPTS: i32 = 5;

/// A notification not sent within this long after it was queued is dropped as stale.
pub const MAX_NOTIFICATION_AGE: Duration = Duration::hours(24);

/// The server's VAPID key pair (RFC 8292): push services check that pushes to a device come
/// from the server the device subscribed with, by this public key.
#[derive(Clone)]
pub struct VapidKeys {
    secret: p256::SecretKey,
    public_key: String,
}

impl VapidKeys {
    /// A new random key pair.
    pub fn generate() -> Self {
        Self::from_secret(p256::SecretKey::random(&mut rand::rngs::OsRng))
    }

    /// The key pair of a private key given as its 32 bytes in base64url.
    pub fn from_base64url(text: &str) -> Option<Self> {
        let bytes = decode_base64url(text)?;
        if bytes.len() != 32 {
            return None;
        }
        p256::SecretKey::from_slice(&bytes)
            .ok()
            .map(Self::from_secret)
    }

    fn from_secret(secret: p256::SecretKey) -> Self {
        let point = secret.public_key().to_encoded_point(false);
        let public_key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(point.as_bytes());
        Self { secret, public_key }
    }

    /// The public key as browsers take it for `applicationServerKey`: the uncompressed point
    /// (65 bytes) in base64url without padding.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The private key, for signing VAPID tokens.
    pub fn secret(&self) -> &p256::SecretKey {
        &self.secret
    }

    fn private_base64url(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.secret.to_bytes())
    }
}

impl fmt::Debug for VapidKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VapidKeys")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

/// Why the VAPID keys could not be had.
#[derive(Debug, thiserror::Error)]
pub enum VapidKeyError {
    #[error("WARTA_VAPID_PRIVATE_KEY must be a P-256 private key: 32 bytes as base64url")]
    BadConfiguredKey,
    #[error(
        "{0} must hold a P-256 private key as base64url; delete it to generate a new one (every device then has to subscribe again)"
    )]
    BadKeyFile(String),
    #[error("{path}: {source}")]
    KeyFile { path: String, source: io::Error },
}

/// Returns the VAPID key pair: the configured private key, or the one kept in
/// `<data_dir>/vapid-private-key`, generated there on first start with owner-only permissions.
///
/// Like the JWT secret (`auth::secret`), the file is written under a temporary name and then
/// hard-linked into place, so two servers starting at once agree on one key, and a bad file
/// is reported, never replaced: a new key would silently cut off every subscribed device.
///
/// # Errors
///
/// [`VapidKeyError::BadConfiguredKey`] for a configured key that is not a P-256 scalar;
/// [`VapidKeyError::BadKeyFile`] for a file that does not hold one; [`VapidKeyError::KeyFile`]
/// when the file cannot be read, written or tightened.
pub fn load_or_create_vapid_keys(
    data_dir: &Path,
    configured: Option<&SecretString>,
) -> Result<VapidKeys, VapidKeyError> {
    if let Some(key) = configured {
        return VapidKeys::from_base64url(key.expose_secret())
            .ok_or(VapidKeyError::BadConfiguredKey);
    }
    let path = data_dir.join(VAPID_KEY_FILE);
    let file_error = |source: io::Error| VapidKeyError::KeyFile {
        path: path.display().to_string(),
        source,
    };
    match File::open(&path) {
        Ok(file) => return read_key_file(file, &path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(file_error(e)),
    }
    fs::create_dir_all(data_dir).map_err(file_error)?;
    let keys = VapidKeys::generate();
    let tmp = data_dir.join(format!(".{VAPID_KEY_FILE}.{}.tmp", Uuid::new_v4().simple()));
    let published = write_new_file(&tmp, format!("{}\n", keys.private_base64url()).as_bytes())
        .and_then(|()| fs::hard_link(&tmp, &path));
    let _ = fs::remove_file(&tmp);
    match published {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated a new VAPID key pair for Web Push");
            Ok(keys)
        }
        // Another process published its key first; everybody uses that one.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            read_key_file(File::open(&path).map_err(file_error)?, &path)
        }
        Err(e) => Err(file_error(e)),
    }
}

fn write_new_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

fn read_key_file(mut file: File, path: &Path) -> Result<VapidKeys, VapidKeyError> {
    let file_error = |source: io::Error| VapidKeyError::KeyFile {
        path: path.display().to_string(),
        source,
    };
    let metadata = file.metadata().map_err(file_error)?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & !0o600 != 0 {
        tracing::warn!(
            path = %path.display(),
            mode = format_args!("{mode:o}"),
            "the VAPID key file was readable by others; restricting it to 0600"
        );
        file.set_permissions(Permissions::from_mode(0o600))
            .map_err(file_error)?;
    }
    let bad = || VapidKeyError::BadKeyFile(path.display().to_string());
    if metadata.len() > 1024 {
        return Err(bad());
    }
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(|_| bad())?;
    VapidKeys::from_base64url(text.trim()).ok_or_else(bad)
}

/// Decodes base64url with or without padding; standard base64 is accepted too, since some
/// clients send the keys that way.
pub fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let normalized: String = text
        .trim()
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(normalized)
        .ok()
}

/// A device's subscription as the browser's `PushSubscription.toJSON()` gives it.
#[derive(Debug, Clone)]
pub struct NewPushSubscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub user_agent: Option<String>,
}

/// What a notification is about, as the `kind` of its outbox payload says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationKind {
    /// A step landed on someone (a role, or a named person).
    StepAssigned,
    /// The request went back to its requester for revision.
    Returned,
    /// The request was rejected.
    Rejected,
    /// Every channel got the post.
    Published,
    /// The request was archived.
    Archived,
    /// A publication failed or is uncertain; staff must look.
    PublicationNeedsAttention,
    /// Most of a step's time has passed and it is still open.
    StepReminder,
    /// A step's deadline passed with the step still open; told to the role above.
    StepEscalated,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 8] = [
        NotificationKind::StepAssigned,
        NotificationKind::Returned,
        NotificationKind::Rejected,
        NotificationKind::Published,
        NotificationKind::Archived,
        NotificationKind::PublicationNeedsAttention,
        NotificationKind::StepReminder,
        NotificationKind::StepEscalated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::StepAssigned => "step_assigned",
            NotificationKind::Returned => "returned",
            NotificationKind::Rejected => "rejected",
            NotificationKind::Published => "published",
            NotificationKind::Archived => "archived",
            NotificationKind::PublicationNeedsAttention => "publication_needs_attention",
            NotificationKind::StepReminder => "step_reminder",
            NotificationKind::StepEscalated => "step_escalated",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One `notification` outbox row taken by the notifier, with everything needed to word it
/// and the devices to send it to.
#[derive(Debug, Clone)]
pub struct Notification {
    pub job_id: i64,
    /// Earlier attempts included, this one too.
    pub attempts: i32,
    pub kind: Option<NotificationKind>,
    pub request: Option<request::Model>,
    /// The step it concerns: the request's open step, or the step being reminded about.
    pub disposition: Option<disposition::Model>,
    /// Why nothing is to be sent, when nothing is.
    pub skip: Option<&'static str>,
    pub recipients: Vec<i64>,
    pub devices: Vec<push_subscription::Model>,
    /// The recipients' linked Telegram chats that still take direct messages.
    pub chats: Vec<telegram_account::Model>,
    /// Why the request went back (a return): the reason given with it.
    pub reason: Option<String>,
    /// Where the request was published (`t.me` links), for the news that it was.
    pub links: Vec<String>,
}

/// How sending to one device went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceOutcome {
    Delivered,
    /// The push service no longer knows the subscription (404 or 410): forget the device.
    Gone,
    /// It did not arrive; `transient` when trying again later may help.
    Failed {
        error: String,
        transient: bool,
    },
}

/// How one notification went, over all its devices.
#[derive(Debug, Clone, Default)]
pub struct NotificationReport {
    pub job_id: i64,
    /// Per device: subscription id and outcome.
    pub devices: Vec<(i64, DeviceOutcome)>,
    /// Per Telegram chat: the user whose linked chat it is, and the outcome (`Gone` when the
    /// chat no longer takes messages from the bot).
    pub chats: Vec<(i64, DeviceOutcome)>,
}

impl Services {
    /// The services with Web Push switched on, answering with these keys' public half.
    pub fn with_push_keys(mut self, keys: Arc<VapidKeys>) -> Self {
        self.push_keys = Some(keys);
        self
    }

    /// The VAPID key pair, when this server has one.
    pub fn push_keys(&self) -> Option<&Arc<VapidKeys>> {
        self.push_keys.as_ref()
    }

    /// The server's VAPID public key, base64url, for `PushManager.subscribe`.
    pub fn vapid_public_key(&self) -> ServiceResult<&str> {
        self.push_keys
            .as_deref()
            .map(VapidKeys::public_key)
            .ok_or_else(|| ServiceError::Internal("Web Push has no VAPID keys".into()))
    }

    /// Registers (or renews) this device for the signed-in person. The endpoint identifies the
    /// device: registering it again updates its keys and moves it to whoever registered it
    /// last (a shared phone someone else signed in on).
    pub async fn register_push_subscription(
        &self,
        principal: &Principal,
        input: NewPushSubscription,
    ) -> ServiceResult<push_subscription::Model> {
        let Principal::User { id: user_id, .. } = principal else {
            return Err(match principal {
                Principal::Anonymous => ServiceError::Unauthenticated,
                _ => ServiceError::Forbidden("only people receive push notifications".into()),
            });
        };
        let endpoint = input.endpoint.trim().to_owned();
        let push_service = check_endpoint(&endpoint, self.settings.push_allow_http)?;
        let p256dh = input.p256dh.trim().to_owned();
        let auth = input.auth.trim().to_owned();
        check_device_keys(&p256dh, &auth)?;
        let user_agent = input
            .user_agent
            .map(|ua| ua.chars().take(300).collect::<String>());
        let audit = self.audit_of(principal).await?;
        let now = Utc::now();
        let tx = self.db.begin_write().await?;
        let existing = push_subscription::Entity::find()
            .filter(push_subscription::Column::Endpoint.eq(endpoint.as_str()))
            .one(&*tx)
            .await?;
        let renewed = existing.is_some();
        let row = match existing {
            Some(row) => {
                let previous_user = row.user_id;
                let mut active: push_subscription::ActiveModel = row.into();
                active.user_id = Set(*user_id);
                active.p256dh = Set(p256dh);
                active.auth = Set(auth);
                active.user_agent = Set(user_agent);
                active.updated_at = Set(now);
                active.failure_count = Set(0);
                active.last_error = Set(None);
                let row = active.update(&*tx).await?;
                (row, Some(previous_user))
            }
            None => {
                let inserted = push_subscription::ActiveModel {
                    user_id: Set(*user_id),
                    endpoint: Set(endpoint),
                    p256dh: Set(p256dh),
                    auth: Set(auth),
                    user_agent: Set(user_agent),
                    created_at: Set(now),
                    updated_at: Set(now),
                    failure_count: Set(0),
                    ..Default::default()
                }
                .insert(&*tx)
                .await;
                match inserted {
                    Ok(row) => (row, None),
                    // Two registrations of one new device at once; the other one won.
                    Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                        return Err(ServiceError::Conflict(
                            "this device was registered at the same time; try again".into(),
                        ));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };
        let (row, previous_user) = row;
        append_admin_event(
            &*tx,
            &audit,
            "push_subscription_registered",
            json!({
                "subscription_id": row.id,
                "user_id": row.user_id,
                "push_service": push_service,
                "renewed": renewed,
                "previous_user_id": previous_user.filter(|p| *p != row.user_id),
            }),
        )
        .await?;
        // Keep the newest devices only.
        let count = push_subscription::Entity::find()
            .filter(push_subscription::Column::UserId.eq(*user_id))
            .count(&*tx)
            .await?;
        if count > MAX_DEVICES_PER_USER {
            let oldest = push_subscription::Entity::find()
                .filter(push_subscription::Column::UserId.eq(*user_id))
                .filter(push_subscription::Column::Id.ne(row.id))
                .order_by_asc(push_subscription::Column::UpdatedAt)
                .order_by_asc(push_subscription::Column::Id)
                .limit(count - MAX_DEVICES_PER_USER)
                .all(&*tx)
                .await?;
            for old in oldest {
                remove_subscription(&*tx, &audit, &old, "replaced").await?;
            }
        }
        tx.commit().await?;
        tracing::info!(
            subscription_id = row.id,
            user_id = row.user_id,
            renewed,
            "push subscription registered"
        );
        Ok(row)
    }

    /// Forgets one of my devices (signing out on it, or turning notifications off). Returns
    /// whether there was such a device of mine.
    pub async fn unregister_push_subscription(
        &self,
        principal: &Principal,
        endpoint: &str,
    ) -> ServiceResult<bool> {
        let Principal::User { id: user_id, .. } = principal else {
            return Err(match principal {
                Principal::Anonymous => ServiceError::Unauthenticated,
                _ => ServiceError::Forbidden("only people receive push notifications".into()),
            });
        };
        if endpoint.len() > MAX_ENDPOINT_LEN {
            return Ok(false);
        }
        let audit = self.audit_of(principal).await?;
        let tx = self.db.begin_write().await?;
        let Some(row) = push_subscription::Entity::find()
            .filter(push_subscription::Column::Endpoint.eq(endpoint.trim()))
            .filter(push_subscription::Column::UserId.eq(*user_id))
            .one(&*tx)
            .await?
        else {
            return Ok(false);
        };
        remove_subscription(&*tx, &audit, &row, "unregistered").await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The devices subscribed by a person, newest first.
    pub async fn push_subscriptions_of(
        &self,
        user_id: i64,
    ) -> ServiceResult<Vec<push_subscription::Model>> {
        Ok(push_subscription::Entity::find()
            .filter(push_subscription::Column::UserId.eq(user_id))
            .order_by_desc(push_subscription::Column::UpdatedAt)
            .all(&self.db.conn)
            .await?)
    }

    /// Takes up to `limit` due notifications for `lease` and resolves each: its request, the
    /// step it concerns, the people it is for and their devices. A row whose lease ran out
    /// (its server stopped) is due again.
    ///
    /// Two servers never take the same row: the rows are chosen and leased in one write
    /// transaction (serialised on SQLite; on PostgreSQL the chosen rows are locked and a
    /// concurrent claim skips them and takes the next ones), and the lease is a conditional
    /// update under a token of this call, so what this call reads back is only what it won.
    pub async fn claim_notifications(
        &self,
        limit: u64,
        lease: Duration,
    ) -> ServiceResult<Vec<Notification>> {
        let now = Utc::now();
        let token = format!("push:{}", Uuid::new_v4().simple());
        let due = || {
            Condition::all()
                .add(outbox::Column::Topic.eq(topic::NOTIFICATION))
                .add(outbox::Column::DoneAt.is_null())
                .add(outbox::Column::AvailableAt.lte(now))
                .add(
                    Condition::any()
                        .add(outbox::Column::LeaseUntil.is_null())
                        .add(outbox::Column::LeaseUntil.lt(now)),
                )
        };
        let tx = self.db.begin_write().await?;
        let mut due_rows = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Id)
            .filter(due())
            .order_by_asc(outbox::Column::AvailableAt)
            .order_by_asc(outbox::Column::Id)
            .limit(limit);
        if self.db.backend() == DatabaseBackend::Postgres {
            due_rows = due_rows.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let ids: Vec<i64> = due_rows.into_tuple().all(&*tx).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        outbox::Entity::update_many()
            .col_expr(outbox::Column::LeaseOwner, Expr::value(Some(token.clone())))
            .col_expr(outbox::Column::LeaseUntil, Expr::value(Some(now + lease)))
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            )
            .filter(outbox::Column::Id.is_in(ids))
            .filter(due())
            .exec(&*tx)
            .await?;
        let rows = outbox::Entity::find()
            .filter(outbox::Column::LeaseOwner.eq(token.as_str()))
            .filter(outbox::Column::DoneAt.is_null())
            .order_by_asc(outbox::Column::Id)
            .all(&*tx)
            .await?;
        tx.commit().await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        self.resolve_notifications(rows).await
    }

    /// Loads what the claimed rows need, a handful of queries for the whole batch.
    async fn resolve_notifications(
        &self,
        rows: Vec<outbox::Model>,
    ) -> ServiceResult<Vec<Notification>> {
        let db = &self.db.conn;
        let parsed: Vec<(outbox::Model, Target)> = rows
            .into_iter()
            .map(|row| {
                let target = Target::of(&row.payload);
                (row, target)
            })
            .collect();
        let request_ids: BTreeSet<i64> = parsed.iter().filter_map(|(r, _)| r.request_id).collect();
        let requests: BTreeMap<i64, request::Model> = request::Entity::find()
            .filter(request::Column::Id.is_in(request_ids.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        // The open step of each request, and the steps named by reminders.
        let named: BTreeSet<i64> = parsed
            .iter()
            .filter_map(|(_, t)| t.disposition_id)
            .collect();
        let dispositions = disposition::Entity::find()
            .filter(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(disposition::Column::RequestId.is_in(request_ids.iter().copied()))
                            .add(disposition::Column::DoneAt.is_null()),
                    )
                    .add(disposition::Column::Id.is_in(named.iter().copied())),
            )
            .order_by_asc(disposition::Column::Id)
            .all(db)
            .await?;
        let roles: BTreeSet<&'static str> = parsed
            .iter()
            .filter(|(_, t)| t.user_id.is_none())
            .filter_map(|(_, t)| t.role.map(|r| r.as_str()))
            .collect();
        let holders: Vec<(i64, String)> = if roles.is_empty() {
            Vec::new()
        } else {
            user_role::Entity::find()
                .select_only()
                .column(user_role::Column::UserId)
                .column(user_role::Column::Role)
                .filter(user_role::Column::Role.is_in(roles))
                .into_tuple()
                .all(db)
                .await?
        };
        let mut candidates: BTreeSet<i64> = holders.iter().map(|(u, _)| *u).collect();
        candidates.extend(parsed.iter().filter_map(|(_, t)| t.user_id));
        let active: BTreeSet<i64> = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::Id.is_in(candidates.iter().copied()))
            .filter(user::Column::Active.eq(true))
            .into_tuple::<i64>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let devices = push_subscription::Entity::find()
            .filter(push_subscription::Column::UserId.is_in(active.iter().copied()))
            .order_by_asc(push_subscription::Column::Id)
            .all(db)
            .await?;
        let chats = usable_chats(db, &active).await?;
        let reasons = return_reasons(db, &parsed).await?;
        let links = publication_links(db, &parsed).await?;

        let mut out = Vec::with_capacity(parsed.len());
        for (row, target) in parsed {
            let request = row.request_id.and_then(|id| requests.get(&id)).cloned();
            let disposition = match target.disposition_id {
                Some(id) => dispositions.iter().find(|d| d.id == id).cloned(),
                None => request.as_ref().and_then(|r| {
                    dispositions
                        .iter()
                        .rev()
                        .find(|d| d.request_id == r.id && d.done_at.is_none())
                        .cloned()
                }),
            };
            let recipients: Vec<i64> = match (target.user_id, target.role) {
                (Some(user), _) => vec![user],
                (None, Some(role)) => holders
                    .iter()
                    .filter(|(_, r)| r == role.as_str())
                    .map(|(u, _)| *u)
                    .collect(),
                (None, None) => Vec::new(),
            }
            .into_iter()
            .filter(|u| active.contains(u))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
            // News older than a day (a server that was down) is no longer worth a buzz; the
            // inbox shows what still matters.
            let stale = Utc::now() - row.created_at > MAX_NOTIFICATION_AGE;
            let skip = stale
                .then_some("stale")
                .or_else(|| {
                    skip_reason(target.kind, &target, request.as_ref(), disposition.as_ref())
                })
                .or_else(|| recipients.is_empty().then_some("no recipients"));
            let (devices, chats): (Vec<push_subscription::Model>, Vec<telegram_account::Model>) =
                if skip.is_some() {
                    (Vec::new(), Vec::new())
                } else {
                    (
                        devices
                            .iter()
                            .filter(|d| recipients.contains(&d.user_id))
                            .cloned()
                            .collect(),
                        chats
                            .iter()
                            .filter(|c| recipients.contains(&c.user_id))
                            .cloned()
                            .collect(),
                    )
                };
            let reason = row.request_id.and_then(|id| reasons.get(&id)).cloned();
            let links = row
                .request_id
                .and_then(|id| links.get(&id))
                .cloned()
                .unwrap_or_default();
            out.push(Notification {
                job_id: row.id,
                attempts: row.attempts,
                kind: target.kind,
                request,
                disposition,
                skip: skip
                    .or_else(|| (devices.is_empty() && chats.is_empty()).then_some("no devices")),
                recipients,
                devices,
                chats,
                reason,
                links,
            });
        }
        Ok(out)
    }

    /// Records how the notifications taken by [`Services::claim_notifications`] went, in one
    /// transaction: each device's record (a gone one is deleted), and each notification done
    /// (or, when nothing arrived and trying again may help, due again after `retry_after`),
    /// with an event for each.
    pub async fn finish_notifications(
        &self,
        notifications: &[Notification],
        reports: &[NotificationReport],
        retry_after: Duration,
    ) -> ServiceResult<()> {
        let now = Utc::now();
        let audit = Audit::system();
        let tx = self.db.begin_write().await?;
        // A device may have had several notifications in the batch: the last outcome counts
        // for its record, and a device gone once is gone.
        let mut by_device: BTreeMap<i64, &DeviceOutcome> = BTreeMap::new();
        for report in reports {
            for (id, outcome) in &report.devices {
                let keep = by_device
                    .get(id)
                    .is_some_and(|o| matches!(o, DeviceOutcome::Gone));
                if !keep {
                    by_device.insert(*id, outcome);
                }
            }
        }
        for (id, outcome) in &by_device {
            let Some(device) = push_subscription::Entity::find_by_id(*id).one(&*tx).await? else {
                continue;
            };
            match outcome {
                DeviceOutcome::Delivered => {
                    push_subscription::Entity::update_many()
                        .col_expr(
                            push_subscription::Column::LastSuccessAt,
                            Expr::value(Some(now)),
                        )
                        .col_expr(push_subscription::Column::FailureCount, Expr::value(0))
                        .col_expr(
                            push_subscription::Column::LastError,
                            Expr::value(Option::<String>::None),
                        )
                        .filter(push_subscription::Column::Id.eq(device.id))
                        .exec(&*tx)
                        .await?;
                }
                DeviceOutcome::Gone => {
                    remove_subscription(&*tx, &audit, &device, "gone").await?;
                }
                DeviceOutcome::Failed { error, .. } => {
                    push_subscription::Entity::update_many()
                        .col_expr(
                            push_subscription::Column::LastFailureAt,
                            Expr::value(Some(now)),
                        )
                        .col_expr(
                            push_subscription::Column::FailureCount,
                            Expr::col(push_subscription::Column::FailureCount).add(1),
                        )
                        .col_expr(
                            push_subscription::Column::LastError,
                            Expr::value(Some(error.chars().take(500).collect::<String>())),
                        )
                        .filter(push_subscription::Column::Id.eq(device.id))
                        .exec(&*tx)
                        .await?;
                }
            }
        }
        let mut by_chat: BTreeMap<i64, &DeviceOutcome> = BTreeMap::new();
        for report in reports {
            for (user_id, outcome) in &report.chats {
                let keep = by_chat
                    .get(user_id)
                    .is_some_and(|o| matches!(o, DeviceOutcome::Gone));
                if !keep {
                    by_chat.insert(*user_id, outcome);
                }
            }
        }
        for (user_id, outcome) in &by_chat {
            let chat = notifications
                .iter()
                .flat_map(|n| &n.chats)
                .find(|c| c.user_id == *user_id);
            if let Some(chat) = chat {
                record_dm_outcome(&*tx, &audit, chat, outcome, now).await?;
            }
        }
        for n in notifications {
            let report = reports.iter().find(|r| r.job_id == n.job_id);
            let device_outcomes: Vec<&DeviceOutcome> = report
                .map(|r| r.devices.iter().map(|(_, o)| o).collect())
                .unwrap_or_default();
            let chat_outcomes: Vec<&DeviceOutcome> = report
                .map(|r| r.chats.iter().map(|(_, o)| o).collect())
                .unwrap_or_default();
            let chats_delivered = chat_outcomes
                .iter()
                .filter(|o| matches!(o, DeviceOutcome::Delivered))
                .count();
            let outcomes: Vec<&DeviceOutcome> = device_outcomes
                .iter()
                .chain(&chat_outcomes)
                .copied()
                .collect();
            let delivered = outcomes
                .iter()
                .filter(|o| matches!(o, DeviceOutcome::Delivered))
                .count();
            let gone = outcomes
                .iter()
                .filter(|o| matches!(o, DeviceOutcome::Gone))
                .count();
            let failed: Vec<&str> = outcomes
                .iter()
                .filter_map(|o| match o {
                    DeviceOutcome::Failed { error, .. } => Some(error.as_str()),
                    _ => None,
                })
                .collect();
            let transient = outcomes.iter().any(|o| {
                matches!(
                    o,
                    DeviceOutcome::Failed {
                        transient: true,
                        ..
                    }
                )
            });
            // Sending again to every device would repeat the push on those that got it, so
            // only a notification that reached no device is tried again.
            let retry = delivered == 0 && transient && n.attempts < MAX_NOTIFICATION_ATTEMPTS;
            let kind = n.kind.map(NotificationKind::as_str);
            let request_id = n.request.as_ref().map(|r| r.id);
            if retry {
                let error = failed
                    .first()
                    .copied()
                    .unwrap_or("push service unavailable");
                let available_at = now + retry_after * n.attempts.max(1);
                outbox::Entity::update_many()
                    .col_expr(
                        outbox::Column::LeaseOwner,
                        Expr::value(Option::<String>::None),
                    )
                    .col_expr(
                        outbox::Column::LeaseUntil,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .col_expr(outbox::Column::AvailableAt, Expr::value(available_at))
                    .col_expr(
                        outbox::Column::LastError,
                        Expr::value(Some(error.chars().take(500).collect::<String>())),
                    )
                    .filter(outbox::Column::Id.eq(n.job_id))
                    .filter(outbox::Column::DoneAt.is_null())
                    .exec(&*tx)
                    .await?;
                append_admin_event(
                    &*tx,
                    &audit,
                    "notification_retry_scheduled",
                    json!({
                        "outbox_id": n.job_id,
                        "request_id": request_id,
                        "kind": kind,
                        "attempts": n.attempts,
                        "available_at": available_at,
                    }),
                )
                .await?;
                continue;
            }
            outbox::Entity::update_many()
                .col_expr(outbox::Column::DoneAt, Expr::value(Some(now)))
                .col_expr(
                    outbox::Column::LastError,
                    Expr::value(
                        failed
                            .first()
                            .map(|e| e.chars().take(500).collect::<String>()),
                    ),
                )
                .filter(outbox::Column::Id.eq(n.job_id))
                .filter(outbox::Column::DoneAt.is_null())
                .exec(&*tx)
                .await?;
            let payload = match n.skip {
                Some(reason) => json!({
                    "outbox_id": n.job_id,
                    "request_id": request_id,
                    "kind": kind,
                    "skipped": reason,
                    "recipients": n.recipients,
                }),
                None => json!({
                    "outbox_id": n.job_id,
                    "request_id": request_id,
                    "kind": kind,
                    "recipients": n.recipients,
                    "devices": device_outcomes.len(),
                    "delivered": delivered - chats_delivered,
                    "chats": chat_outcomes.len(),
                    "chats_delivered": chats_delivered,
                    "failed": failed.len(),
                    "gone": gone,
                }),
            };
            append_admin_event(&*tx, &audit, "notification_pushed", payload).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Queues a reminder for each open step whose holder has used `percent` of its time (and
    /// whose deadline is still ahead), once per step: the `step_reminder` row is inserted only
    /// if there is none, so of two servers only one queues it. Returns how many were queued.
    pub async fn queue_step_reminders(&self, percent: u8) -> ServiceResult<usize> {
        if percent == 0 {
            return Ok(0);
        }
        let now = Utc::now();
        let open = disposition::Entity::find()
            .filter(disposition::Column::DoneAt.is_null())
            .filter(disposition::Column::SlaDeadline.gt(now))
            .filter(
                disposition::Column::Id.not_in_subquery(
                    Query::select()
                        .column(step_reminder::Column::DispositionId)
                        .from(step_reminder::Entity)
                        .to_owned(),
                ),
            )
            .all(&self.db.conn)
            .await?;
        if open.is_empty() {
            return Ok(0);
        }
        let calendar = load_sla_context(&self.db.conn).await?.calendar;
        let due: Vec<disposition::Model> = open
            .into_iter()
            .filter(|d| remind_at(d, percent, &calendar) <= now)
            .collect();
        let mut queued = 0;
        for d in due {
            let marker = step_reminder::Entity::insert(step_reminder::ActiveModel {
                disposition_id: Set(d.id),
                request_id: Set(d.request_id),
                reminded_at: Set(now),
            })
            .on_conflict(
                OnConflict::column(step_reminder::Column::DispositionId)
                    .do_nothing()
                    .to_owned(),
            );
            let notification = json!({
                "kind": NotificationKind::StepReminder.as_str(),
                "role": d.to_role,
                "user_id": d.to_user_id,
                "disposition_id": d.id,
            });
            let event = json!({
                "request_id": d.request_id,
                "disposition_id": d.id,
                "step": d.step,
                "deadline": d.sla_deadline,
            });
            if self
                .queue_once_for_open_step(
                    &d,
                    marker,
                    notification,
                    "step_reminder_queued",
                    event,
                    now,
                )
                .await?
            {
                queued += 1;
            }
        }
        Ok(queued)
    }
}

impl Services {
    /// Escalates each open step whose deadline has passed to the role above its holder
    /// ([`escalation_role`]), once per step: the `step_escalation` row is inserted only if
    /// there is none, so of two servers only one queues it. Returns how many were escalated.
    pub async fn queue_step_escalations(&self) -> ServiceResult<usize> {
        let now = Utc::now();
        let overdue = disposition::Entity::find()
            .filter(disposition::Column::DoneAt.is_null())
            .filter(disposition::Column::SlaDeadline.lte(now))
            .filter(
                disposition::Column::Id.not_in_subquery(
                    Query::select()
                        .column(step_escalation::Column::DispositionId)
                        .from(step_escalation::Entity)
                        .to_owned(),
                ),
            )
            .all(&self.db.conn)
            .await?;
        let mut queued = 0;
        for d in overdue {
            let Some(to) = d.to_role.parse::<Role>().ok().and_then(escalation_role) else {
                continue;
            };
            let marker = step_escalation::Entity::insert(step_escalation::ActiveModel {
                disposition_id: Set(d.id),
                request_id: Set(d.request_id),
                to_role: Set(to.as_str().to_owned()),
                escalated_at: Set(now),
            })
            .on_conflict(
                OnConflict::column(step_escalation::Column::DispositionId)
                    .do_nothing()
                    .to_owned(),
            );
            let notification = json!({
                "kind": NotificationKind::StepEscalated.as_str(),
                "role": to.as_str(),
                "disposition_id": d.id,
            });
            let event = json!({
                "request_id": d.request_id,
                "disposition_id": d.id,
                "step": d.step,
                "holder_role": d.to_role,
                "holder_user_id": d.to_user_id,
                "to_role": to.as_str(),
                "deadline": d.sla_deadline,
            });
            if self
                .queue_once_for_open_step(&d, marker, notification, "step_escalated", event, now)
                .await?
            {
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// Queues one notification about an open step, in one transaction with its event, at
    /// most once: `marker` inserts the step's row in `step_reminder` or `step_escalation`
    /// (a conflict means another server already queued it), and a step done since it was
    /// read gets nothing. Returns whether it was queued.
    async fn queue_once_for_open_step<A>(
        &self,
        d: &disposition::Model,
        marker: sea_orm::Insert<A>,
        notification: Value,
        event_kind: &str,
        event: Value,
        now: DateTime<Utc>,
    ) -> ServiceResult<bool>
    where
        A: ActiveModelTrait,
        <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    {
        let tx = self.db.begin_write().await?;
        if marker.exec_without_returning(&*tx).await? != 1 {
            return Ok(false);
        }
        let still_open = disposition::Entity::find_by_id(d.id)
            .filter(disposition::Column::DoneAt.is_null())
            .one(&*tx)
            .await?
            .is_some();
        if !still_open {
            return Ok(false);
        }
        push_outbox(
            &*tx,
            topic::NOTIFICATION,
            Some(d.request_id),
            None,
            notification,
            now,
        )
        .await?;
        append_admin_event(&*tx, &Audit::system(), event_kind, event).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// When the holder of a step is reminded: once `percent` of its time has passed, counted the
/// way its deadline is (only working time for a working-hours step, so a reminder does not
/// fall in the night).
pub fn remind_at(
    d: &disposition::Model,
    percent: u8,
    calendar: &sla::WorkCalendar,
) -> DateTime<Utc> {
    if d.sla_working_hours_only && calendar.has_working_time() {
        let minutes =
            (u64::try_from(d.sla_minutes).unwrap_or(0) * u64::from(percent)).div_ceil(100);
        let standard = SlaStandard {
            minutes: u32::try_from(minutes).unwrap_or(u32::MAX),
            working_hours_only: true,
        };
        return sla::deadline(d.created_at, &standard, calendar);
    }
    let span = d.sla_deadline - d.created_at;
    d.created_at + span * i32::from(percent) / 100
}

/// Who a notification's payload names.
#[derive(Debug, Clone, Copy)]
struct Target {
    kind: Option<NotificationKind>,
    role: Option<Role>,
    user_id: Option<i64>,
    disposition_id: Option<i64>,
}

impl Target {
    fn of(payload: &Value) -> Self {
        Self {
            kind: payload["kind"].as_str().and_then(NotificationKind::parse),
            role: payload["role"].as_str().and_then(|r| r.parse().ok()),
            user_id: payload["user_id"].as_i64(),
            disposition_id: payload["disposition_id"].as_i64(),
        }
    }
}

/// Why a notification is no longer worth sending: a step it announces was already done (the
/// server was down, or someone acted within seconds), or it is not one we can word.
fn skip_reason(
    kind: Option<NotificationKind>,
    target: &Target,
    request: Option<&request::Model>,
    disposition: Option<&disposition::Model>,
) -> Option<&'static str> {
    let Some(kind) = kind else {
        return Some("unknown kind");
    };
    let Some(request) = request else {
        return Some("request gone");
    };
    match kind {
        NotificationKind::StepAssigned => {
            let active = request
                .status
                .parse::<Status>()
                .is_ok_and(|s| !s.is_terminal());
            let same_holder = request.holder_role.as_deref() == target.role.map(|r| r.as_str())
                && (target.user_id.is_none() || request.holder_user_id == target.user_id);
            (!active || !same_holder || disposition.is_none()).then_some("step already done")
        }
        NotificationKind::StepReminder | NotificationKind::StepEscalated => disposition
            .is_none_or(|d| d.done_at.is_some())
            .then_some("step already done"),
        _ => None,
    }
}

/// The linked chats of these people that still take direct messages: not one that blocked the
/// bot since it was linked.
async fn usable_chats(
    db: &impl sea_orm::ConnectionTrait,
    users: &BTreeSet<i64>,
) -> ServiceResult<Vec<telegram_account::Model>> {
    let accounts = telegram_account::Entity::find()
        .filter(telegram_account::Column::UserId.is_in(users.iter().copied()))
        .all(db)
        .await?;
    if accounts.is_empty() {
        return Ok(accounts);
    }
    let blocked: Vec<telegram_dm::Model> = telegram_dm::Entity::find()
        .filter(telegram_dm::Column::UserId.is_in(accounts.iter().map(|a| a.user_id)))
        .filter(telegram_dm::Column::BlockedAt.is_not_null())
        .all(db)
        .await?;
    Ok(accounts
        .into_iter()
        .filter(|a| {
            !blocked.iter().any(|b| {
                b.user_id == a.user_id
                    && b.chat_id == a.chat_id
                    && b.blocked_at.is_some_and(|at| at >= a.linked_at)
            })
        })
        .collect())
}

/// The reason of each returned request's latest return, for the news of it.
async fn return_reasons(
    db: &impl sea_orm::ConnectionTrait,
    rows: &[(outbox::Model, Target)],
) -> ServiceResult<BTreeMap<i64, String>> {
    let ids: BTreeSet<i64> = rows
        .iter()
        .filter(|(_, t)| t.kind == Some(NotificationKind::Returned))
        .filter_map(|(r, _)| r.request_id)
        .collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let events = event::Entity::find()
        .filter(event::Column::RequestId.is_in(ids))
        .filter(event::Column::Kind.eq("returned_for_revision"))
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?;
    // Oldest first, so each request keeps its latest.
    Ok(events
        .into_iter()
        .filter_map(|e| Some((e.request_id?, e.payload["reason"].as_str()?.to_owned())))
        .collect())
}

/// The links of each published request's posts, for the news that it is out.
async fn publication_links(
    db: &impl sea_orm::ConnectionTrait,
    rows: &[(outbox::Model, Target)],
) -> ServiceResult<BTreeMap<i64, Vec<String>>> {
    let ids: BTreeSet<i64> = rows
        .iter()
        .filter(|(_, t)| t.kind == Some(NotificationKind::Published))
        .filter_map(|(r, _)| r.request_id)
        .collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let publications = publication::Entity::find()
        .filter(publication::Column::RequestId.is_in(ids))
        .filter(publication::Column::Link.is_not_null())
        .order_by_asc(publication::Column::Id)
        .all(db)
        .await?;
    let mut links: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for p in publications {
        if let Some(link) = p.link {
            links.entry(p.request_id).or_default().push(link);
        }
    }
    Ok(links)
}

/// Records how a direct message to a linked chat went, as a device's record is kept; a chat
/// that no longer takes messages is marked blocked (with an event), so it is not tried again
/// until it is linked anew.
async fn record_dm_outcome(
    db: &impl sea_orm::ConnectionTrait,
    audit: &Audit,
    chat: &telegram_account::Model,
    outcome: &DeviceOutcome,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let existing = telegram_dm::Entity::find_by_id(chat.user_id)
        .one(db)
        .await?;
    let mut row = match existing {
        Some(row) => row,
        None => telegram_dm::Model {
            user_id: chat.user_id,
            chat_id: chat.chat_id,
            blocked_at: None,
            last_success_at: None,
            last_failure_at: None,
            failure_count: 0,
            last_error: None,
        },
    };
    row.chat_id = chat.chat_id;
    match outcome {
        DeviceOutcome::Delivered => {
            row.blocked_at = None;
            row.last_success_at = Some(now);
            row.failure_count = 0;
            row.last_error = None;
        }
        DeviceOutcome::Gone => {
            row.blocked_at = Some(now);
            row.last_failure_at = Some(now);
            row.failure_count += 1;
            append_admin_event(
                db,
                audit,
                "telegram_chat_blocked",
                json!({ "user_id": chat.user_id, "chat_id": chat.chat_id }),
            )
            .await?;
        }
        DeviceOutcome::Failed { error, .. } => {
            row.last_failure_at = Some(now);
            row.failure_count += 1;
            row.last_error = Some(error.chars().take(500).collect());
        }
    }
    telegram_dm::Entity::insert(telegram_dm::ActiveModel::from(row))
        .on_conflict(
            OnConflict::column(telegram_dm::Column::UserId)
                .update_columns([
                    telegram_dm::Column::ChatId,
                    telegram_dm::Column::BlockedAt,
                    telegram_dm::Column::LastSuccessAt,
                    telegram_dm::Column::LastFailureAt,
                    telegram_dm::Column::FailureCount,
                    telegram_dm::Column::LastError,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Who hears of a step whose deadline was missed: the role above its holder in the SOP's
/// chain (staff → Humas deputy → PKIH coordinator → bureau head → vice rector). Nobody in
/// Warta stands above the vice rector; the administrator is told, who can hand the step to
/// another holder of the role (`reassignRequest`) when the vice rector is away.
pub fn escalation_role(holder: Role) -> Option<Role> {
    match holder {
        Role::Staff => Some(Role::HumasDeputy),
        Role::HumasDeputy => Some(Role::PkihCoordinator),
        Role::PkihCoordinator => Some(Role::BureauHead),
        Role::BureauHead => Some(Role::ViceRector),
        Role::ViceRector => Some(Role::Admin),
        Role::Requester | Role::Admin => None,
    }
}

/// Deletes a device with an event saying why.
async fn remove_subscription(
    db: &impl sea_orm::ConnectionTrait,
    audit: &Audit,
    row: &push_subscription::Model,
    reason: &str,
) -> ServiceResult<()> {
    push_subscription::Entity::delete_by_id(row.id)
        .exec(db)
        .await?;
    append_admin_event(
        db,
        audit,
        "push_subscription_removed",
        json!({
            "subscription_id": row.id,
            "user_id": row.user_id,
            "reason": reason,
        }),
    )
    .await?;
    Ok(())
}

/// Checks an endpoint and returns its host (the push service), for the record.
///
/// The server posts to whatever URL a browser registered, so only https URLs to named hosts
/// are taken: no plain http, no credentials, no IP literals or `localhost` that would point
/// the server at itself or the local network. `allow_http` lifts that for development and
/// tests.
fn check_endpoint(endpoint: &str, allow_http: bool) -> ServiceResult<String> {
    let bad = |why: &str| ServiceError::BadInput(format!("endpoint {why}"));
    if endpoint.is_empty() {
        return Err(bad("must not be empty"));
    }
    if endpoint.len() > MAX_ENDPOINT_LEN {
        return Err(bad(&format!(
            "is longer than {MAX_ENDPOINT_LEN} characters"
        )));
    }
    let url = url::Url::parse(endpoint).map_err(|_| bad("is not a URL"))?;
    let host = url.host_str().ok_or_else(|| bad("has no host"))?.to_owned();
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials"));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        _ => return Err(bad("must be an https URL")),
    }
    if !allow_http {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let local = bare.parse::<IpAddr>().is_ok()
            || bare.eq_ignore_ascii_case("localhost")
            || bare.to_ascii_lowercase().ends_with(".localhost")
            || !bare.contains('.');
        if local {
            return Err(bad("must name a push service, not an address"));
        }
    }
    Ok(host)
}

/// Checks that the keys are what RFC 8291 needs: a P-256 point and a 16-byte secret.
fn check_device_keys(p256dh: &str, auth: &str) -> ServiceResult<()> {
    let key = decode_base64url(p256dh)
        .filter(|k| k.len() == 65)
        .ok_or_else(|| {
            ServiceError::BadInput("p256dh must be a P-256 public key (65 bytes, base64url)".into())
        })?;
    p256::PublicKey::from_sec1_bytes(&key)
        .map_err(|_| ServiceError::BadInput("p256dh is not a point on the P-256 curve".into()))?;
    decode_base64url(auth)
        .filter(|a| a.len() == 16)
        .ok_or_else(|| ServiceError::BadInput("auth must be 16 bytes, base64url".into()))?;
    if p256dh.len() > 128 || auth.len() > 64 {
        return Err(ServiceError::BadInput("the keys are too long".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            let path = std::env::temp_dir().join(format!("warta-vapid-test-{}", Uuid::new_v4()));
            fs::create_dir_all(&path).expect("create temp dir");
            Self(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn keys_are_generated_once_with_mode_0600_and_then_reused() {
        let dir = TempDir::new();
        let first = load_or_create_vapid_keys(&dir.0, None).expect("generates");
        let path = dir.0.join(VAPID_KEY_FILE);
        let mode = fs::metadata(&path).expect("file").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let second = load_or_create_vapid_keys(&dir.0, None).expect("reads");
        assert_eq!(first.public_key(), second.public_key());
        // 65 bytes uncompressed, starting with 0x04.
        let raw = decode_base64url(first.public_key()).expect("base64url");
        assert_eq!((raw.len(), raw[0]), (65, 4));
        assert_eq!(fs::read_dir(&dir.0).expect("list").count(), 1);
    }

    #[test]
    fn a_configured_key_wins_and_a_bad_one_is_refused() {
        let dir = TempDir::new();
        let keys = VapidKeys::generate();
        let configured = SecretString::from(keys.private_base64url());
        let loaded = load_or_create_vapid_keys(&dir.0, Some(&configured)).expect("loads");
        assert_eq!(loaded.public_key(), keys.public_key());
        assert!(!dir.0.join(VAPID_KEY_FILE).exists());
        for bad in ["", "not base64!", "AAAA", &"A".repeat(43)] {
            assert!(matches!(
                load_or_create_vapid_keys(&dir.0, Some(&SecretString::from(bad.to_owned()))),
                Err(VapidKeyError::BadConfiguredKey)
            ));
        }
    }

    #[test]
    fn a_bad_key_file_is_reported_not_replaced() {
        let dir = TempDir::new();
        let path = dir.0.join(VAPID_KEY_FILE);
        fs::write(&path, "garbage").expect("write");
        assert!(matches!(
            load_or_create_vapid_keys(&dir.0, None),
            Err(VapidKeyError::BadKeyFile(_))
        ));
        assert_eq!(fs::read_to_string(&path).expect("kept"), "garbage");
    }

    #[test]
    fn endpoints_must_be_https_push_services_unless_allowed() {
        assert_eq!(
            check_endpoint("https://fcm.googleapis.com/fcm/send/abc", false).expect("ok"),
            "fcm.googleapis.com"
        );
        for bad in [
            "",
            "not a url",
            "http://fcm.googleapis.com/x",
            "https://127.0.0.1/x",
            "https://[::1]/x",
            "https://localhost/x",
            "https://intranet/x",
            "https://user:pw@push.example.com/x",
            "ftp://push.example.com/x",
        ] {
            assert!(check_endpoint(bad, false).is_err(), "{bad:?} accepted");
        }
        assert!(check_endpoint("http://127.0.0.1:9/push", true).is_ok());
        assert!(check_endpoint(&format!("https://a.b/{}", "x".repeat(1100)), true).is_err());
    }

    #[test]
    fn device_keys_must_be_a_curve_point_and_a_16_byte_secret() {
        let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
        let point = secret.public_key().to_encoded_point(false);
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let p256dh = b64(point.as_bytes());
        let auth = b64(&[7u8; 16]);
        assert!(check_device_keys(&p256dh, &auth).is_ok());
        // Padded standard base64 is fine too.
        let padded = base64::engine::general_purpose::STANDARD.encode(point.as_bytes());
        assert!(check_device_keys(&padded, &auth).is_ok());
        let mut off_curve = point.as_bytes().to_vec();
        off_curve[64] ^= 1;
        assert!(check_device_keys(&b64(&off_curve), &auth).is_err());
        assert!(check_device_keys(&p256dh, &b64(&[7u8; 15])).is_err());
        assert!(check_device_keys("", &auth).is_err());
    }

    fn step(minutes: i32, working_hours_only: bool) -> disposition::Model {
        let created = "2026-11-30T01:00:00Z"
            .parse::<DateTime<Utc>>()
            .expect("time");
        disposition::Model {
            id: 1,
            request_id: 1,
            step: 1,
            from_user_id: None,
            to_role: "vice_rector".into(),
            to_user_id: None,
            instruction: None,
            instruction_text: None,
            priority: "biasa".into(),
            note: None,
            due_at: None,
            sla_deadline: created + Duration::minutes(i64::from(minutes)),
            sla_minutes: minutes,
            sla_working_hours_only: working_hours_only,
            created_at: created,
            read_at: None,
            done_at: None,
            outcome: None,
        }
    }

    #[test]
    fn reminders_fall_when_the_share_of_the_time_has_passed() {
        let calendar = sla::WorkCalendar::default();
        let d = step(10, false);
        assert_eq!(
            remind_at(&d, 80, &calendar),
            d.created_at + Duration::minutes(8)
        );
        let d = step(5, false);
        assert_eq!(
            remind_at(&d, 80, &calendar),
            d.created_at + Duration::minutes(4)
        );
        let d = step(1, false);
        assert_eq!(
            remind_at(&d, 50, &calendar),
            d.created_at + Duration::seconds(30)
        );
    }

    #[test]
    fn working_hours_reminders_count_working_time_only() {
        // Monday 30 November 2026, 15:00 WIB: an hour before closing, so two working hours
        // at 80% end at 08:06 WIB on Tuesday (one hour today, 36 minutes tomorrow, from 07:30).
        let calendar = sla::WorkCalendar::default();
        let mut d = step(120, true);
        d.created_at = "2026-11-30T08:00:00Z".parse().expect("time");
        d.sla_deadline = sla::deadline(
            d.created_at,
            &SlaStandard {
                minutes: 120,
                working_hours_only: true,
            },
            &calendar,
        );
        let at = remind_at(&d, 80, &calendar);
        assert!(at < d.sla_deadline);
        assert!(
            calendar.is_working_time(at),
            "{at} is outside working hours"
        );
        assert_eq!(
            at,
            "2026-12-01T01:06:00Z"
                .parse::<DateTime<Utc>>()
                .expect("time")
        );
    }

    #[test]
    fn notification_kinds_round_trip() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NotificationKind::parse("nope"), None);
    }
}
