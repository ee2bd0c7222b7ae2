//! Web Push, end to end: a device registers the way the PWA does, a step lands, and a local
//! push endpoint (standing in for the browser's push service) receives the push. The test
//! plays the browser: it holds the subscription's private key and authentication secret,
//! decrypts the `aes128gcm` body (RFC 8291) itself and checks the VAPID token (RFC 8292).

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use aes_gcm::{Aes128Gcm, KeyInit as _, aead::Aead as _};
use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::post,
};
use base64::Engine as _;
use chrono::Utc;
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use sha2::Sha256;
use warta_tests::{Role, TestApp, TestUser, data, error_code, spawn_app, spawn_app_with};

const REGISTER: &str = "mutation($endpoint: String!, $p256dh: String!, $auth: String!) {
  registerPushSubscription(endpoint: $endpoint, p256dh: $p256dh, auth: $auth)
}";

const UNREGISTER: &str =
    "mutation($endpoint: String!) { unregisterPushSubscription(endpoint: $endpoint) }";

/// A server whose notifier runs, checks for reminders often, and may post to 127.0.0.1.
async fn spawn_pushing_app() -> TestApp {
    spawn_app_with(|s| {
        s.push_notifier = true;
        s.push_allow_http = true;
        s.push_check_interval = Duration::from_millis(200);
    })
    .await
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap_or_else(|e| panic!("not base64url ({e}): {text}"))
}

/// One push as the push service received it.
#[derive(Debug, Clone)]
struct Received {
    device: String,
    headers: HeaderMap,
    body: Bytes,
}

/// What the fake push service answers, per device.
#[derive(Default)]
struct Inbox {
    received: Vec<Received>,
    status: BTreeMap<String, StatusCode>,
}

/// A push service on 127.0.0.1 that records every push and answers 201 Created, or what a
/// device was told to answer.
struct PushService {
    addr: SocketAddr,
    inbox: Arc<Mutex<Inbox>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for PushService {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn receive(
    State(inbox): State<Arc<Mutex<Inbox>>>,
    Path(device): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut inbox = inbox.lock().expect("the inbox");
    let status = inbox
        .status
        .get(&device)
        .copied()
        .unwrap_or(StatusCode::CREATED);
    inbox.received.push(Received {
        device,
        headers,
        body,
    });
    status
}

impl PushService {
    async fn start() -> Self {
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let router = Router::new()
            .route("/push/{device}", post(receive))
            .with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the push service");
        let addr = listener.local_addr().expect("an address");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            addr,
            inbox,
            server,
        }
    }

    /// The origin push tokens must name.
    fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A new browser subscription at this service.
    fn device(&self, name: &str) -> Device {
        Device::new(format!("{}/push/{name}", self.origin()), name)
    }

    fn answer(&self, device: &Device, status: StatusCode) {
        self.inbox
            .lock()
            .expect("the inbox")
            .status
            .insert(device.name.clone(), status);
    }

    fn received(&self, device: &Device) -> Vec<Received> {
        self.inbox
            .lock()
            .expect("the inbox")
            .received
            .iter()
            .filter(|r| r.device == device.name)
            .cloned()
            .collect()
    }

    fn total(&self) -> usize {
        self.inbox.lock().expect("the inbox").received.len()
    }

    /// Waits until `device` has received `n` pushes and returns them.
    async fn wait_for(&self, device: &Device, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.received(device);
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} received {} pushes, not {n}",
                device.name,
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A browser's push subscription: its P-256 key pair and authentication secret, made here as
/// a browser makes them, so the test can read what only this device can read.
struct Device {
    name: String,
    endpoint: String,
    secret: p256::SecretKey,
    auth: [u8; 16],
}

impl Device {
    fn new(endpoint: String, name: &str) -> Self {
        let mut auth = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut auth);
        Self {
            name: name.to_owned(),
            endpoint,
            secret: p256::SecretKey::random(&mut rand::rngs::OsRng),
            auth,
        }
    }

    fn public_key(&self) -> Vec<u8> {
        self.secret
            .public_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }

    fn p256dh(&self) -> String {
        b64(&self.public_key())
    }

    /// Registers this device for `user` through GraphQL, as the PWA does.
    async fn register(&self, app: &TestApp, user: &TestUser) {
        let d = app
            .gql_ok(
                Some(&user.token),
                REGISTER,
                json!({ "endpoint": self.endpoint, "p256dh": self.p256dh(), "auth": b64(&self.auth) }),
            )
            .await;
        assert_eq!(d["registerPushSubscription"], json!(true));
    }

    /// Decrypts a push body (RFC 8291 on RFC 8188's `aes128gcm`): the header carries the salt,
    /// the record size and the server's ephemeral public key; the key and nonce come from the
    /// ECDH secret, this device's auth secret and the salt through HKDF-SHA-256.
    fn decrypt(&self, body: &[u8]) -> Value {
        assert!(body.len() > 21 + 65 + 16, "too short for aes128gcm");
        let salt = &body[..16];
        let record_size = u32::from_be_bytes(body[16..20].try_into().expect("4 bytes")) as usize;
        let id_len = body[20] as usize;
        assert_eq!(
            id_len, 65,
            "the key id is the server's uncompressed public key"
        );
        let server_public = &body[21..21 + id_len];
        let ciphertext = &body[21 + id_len..];
        assert!(ciphertext.len() <= record_size, "a push is a single record");

        let server_key = p256::PublicKey::from_sec1_bytes(server_public).expect("a P-256 point");
        let shared =
            p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), server_key.as_affine());
        let mut key_info = b"WebPush: info\0".to_vec();
        key_info.extend_from_slice(&self.public_key());
        key_info.extend_from_slice(server_public);
        let mut ikm = [0u8; 32];
        Hkdf::<Sha256>::new(Some(&self.auth), shared.raw_secret_bytes().as_slice())
            .expand(&key_info, &mut ikm)
            .expect("32 bytes");
        let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
        let mut cek = [0u8; 16];
        prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
            .expect("16 bytes");
        let mut nonce = [0u8; 12];
        prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
            .expect("12 bytes");
        let cipher = Aes128Gcm::new_from_slice(&cek).expect("a 16-byte key");
        let mut plain = cipher
            .decrypt((&nonce).into(), ciphertext)
            .expect("the push decrypts with this device's keys");
        // The last record ends with the delimiter 0x02, then any padding zeros.
        while plain.last() == Some(&0) {
            plain.pop();
        }
        assert_eq!(plain.pop(), Some(2), "the last-record delimiter");
        serde_json::from_slice(&plain).expect("the payload is JSON")
    }
}

/// The claims of a verified VAPID token, after checking its ES256 signature against the
/// server's public key and its audience against the push service's origin.
fn verify_vapid(received: &Received, server_key: &str, origin: &str) -> Value {
    let header = received
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .expect("an Authorization header");
    let rest = header.strip_prefix("vapid ").expect("the vapid scheme");
    let mut token = None;
    let mut key = None;
    for part in rest.split(',').map(str::trim) {
        if let Some(t) = part.strip_prefix("t=") {
            token = Some(t);
        } else if let Some(k) = part.strip_prefix("k=") {
            key = Some(k);
        }
    }
    let (token, key) = (token.expect("t="), key.expect("k="));
    assert_eq!(key, server_key, "k= is the key the device subscribed with");
    let point = unb64(key);
    assert_eq!((point.len(), point[0]), (65, 4));
    let decoding =
        jsonwebtoken::DecodingKey::from_ec_components(&b64(&point[1..33]), &b64(&point[33..65]))
            .expect("an EC key");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&[origin]);
    validation.set_required_spec_claims(&["exp", "aud", "sub"]);
    validation.leeway = 0;
    let claims = jsonwebtoken::decode::<Value>(token, &decoding, &validation)
        .unwrap_or_else(|e| panic!("the VAPID token does not verify: {e}"))
        .claims;
    let exp = claims["exp"].as_i64().expect("exp");
    assert!(
        exp <= Utc::now().timestamp() + 24 * 3600,
        "RFC 8292 allows 24 hours at most"
    );
    claims
}

async fn vapid_public_key(app: &TestApp, user: &TestUser) -> String {
    app.gql_ok(Some(&user.token), "{ vapidPublicKey }", json!({}))
        .await["vapidPublicKey"]
        .as_str()
        .expect("a key")
        .to_owned()
}

/// Waits until the notifier has handled every notification queued so far.
async fn notifications_settled(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let pending = entity::outbox::Entity::find()
            .filter(entity::outbox::Column::Topic.eq("notification"))
            .filter(entity::outbox::Column::DoneAt.is_null())
            .all(&app.services.db.conn)
            .await
            .expect("outbox rows");
        if pending.is_empty() {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "notifications still pending: {pending:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn subscriptions(app: &TestApp) -> Vec<entity::push_subscription::Model> {
    entity::push_subscription::Entity::find()
        .all(&app.services.db.conn)
        .await
        .expect("subscriptions")
}

#[tokio::test]
async fn a_step_landing_on_an_official_is_pushed_encrypted_to_their_phone() {
    let app = spawn_pushing_app().await;
    let push = PushService::start().await;
    let vice_rector = app.user(Role::ViceRector).await;
    let phone = push.device("vr-phone");
    phone.register(&app, &vice_rector).await;

    let requester = app.new_user(&[Role::Requester]).await;
    let (id, agenda) = app
        .submit(&requester, "Pengumuman jadwal wisuda Desember")
        .await;

    let got = push.wait_for(&phone, 1).await;
    let received = &got[0];
    let message = phone.decrypt(&received.body);
    assert_eq!(message["title"], format!("Disposisi baru: {agenda}"));
    let body = message["body"].as_str().expect("a body");
    assert!(
        body.starts_with("Pengumuman jadwal wisuda Desember\nLangkah 1. Disposisi, batas waktu "),
        "{body}"
    );
    assert!(body.ends_with(" WIB."), "the deadline in WIB: {body}");
    assert_eq!(message["requestId"], id);
    assert_eq!(message["url"], format!("/request/{id}"));
    assert_eq!(message["tag"], format!("request-{id}"));

    let header = |name: &str| {
        received
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-encoding"), "aes128gcm");
    assert_eq!(header("urgency"), "high");
    assert!(header("ttl").parse::<u64>().is_ok_and(|t| t > 0));

    let key = vapid_public_key(&app, &vice_rector).await;
    let claims = verify_vapid(received, &key, &push.origin());
    assert_eq!(claims["aud"], push.origin());
    assert_eq!(claims["sub"], "mailto:humas@unej.ac.id");

    // The device's record shows the delivery, and the notification is done with its event.
    notifications_settled(&app).await;
    let device = &subscriptions(&app).await[0];
    assert!(device.last_success_at.is_some());
    assert_eq!(device.failure_count, 0);
    let pushed = app.admin_events("notification_pushed").await;
    assert!(
        pushed.iter().any(
            |p| p["request_id"] == json!(id.parse::<i64>().expect("an id"))
                && p["delivered"] == json!(1)
        ),
        "{pushed:?}"
    );
    // Exactly one push: nothing is sent twice.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(push.received(&phone).len(), 1);
}

#[tokio::test]
async fn a_step_for_a_role_is_pushed_to_every_holder_of_the_role_and_no_one_else() {
    let app = spawn_pushing_app().await;
    let push = PushService::start().await;
    let first = app.user(Role::ViceRector).await;
    let second = app.new_user(&[Role::ViceRector]).await;
    let bureau_head = app.user(Role::BureauHead).await;
    let (first_phone, first_laptop, second_phone, bureau_phone) = (
        push.device("vr1-phone"),
        push.device("vr1-laptop"),
        push.device("vr2-phone"),
        push.device("bh-phone"),
    );
    first_phone.register(&app, &first).await;
    first_laptop.register(&app, &first).await;
    second_phone.register(&app, &second).await;
    bureau_phone.register(&app, &bureau_head).await;

    let requester = app.new_user(&[Role::Requester]).await;
    let (id, agenda) = app.submit(&requester, "Seminar nasional").await;
    for device in [&first_phone, &first_laptop, &second_phone] {
        let got = push.wait_for(device, 1).await;
        let message = device.decrypt(&got[0].body);
        assert_eq!(message["title"], format!("Disposisi baru: {agenda}"));
        assert_eq!(message["requestId"], id);
    }
    notifications_settled(&app).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(push.received(&bureau_phone).is_empty());
    assert_eq!(push.total(), 3);

    // A step addressed to one person goes to that person only.
    app.gql_ok(
        Some(&first.token),
        warta_tests::walk::FORWARD,
        json!({ "input": { "requestId": id, "toUserId": bureau_head.gid, "instruction": "TINDAK_LANJUTI" } }),
    )
    .await;
    let got = push.wait_for(&bureau_phone, 1).await;
    assert_eq!(
        bureau_phone.decrypt(&got[0].body)["body"]
            .as_str()
            .map(|b| b.contains("Langkah 2. Instruksi")),
        Some(true)
    );
    notifications_settled(&app).await;
    assert_eq!(push.total(), 4);
}

#[tokio::test]
async fn nothing_is_pushed_for_people_without_devices() {
    let app = spawn_pushing_app().await;
    let push = PushService::start().await;
    // Only the bureau head has a device; the step goes to the vice rector.
    let bureau_head = app.user(Role::BureauHead).await;
    let phone = push.device("bh-phone");
    phone.register(&app, &bureau_head).await;
    let _vice_rector = app.user(Role::ViceRector).await;

    let requester = app.new_user(&[Role::Requester]).await;
    let (id, _) = app.submit(&requester, "Lomba karya tulis").await;
    notifications_settled(&app).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(push.total(), 0);
    let pushed = app.admin_events("notification_pushed").await;
    let request_id = json!(id.parse::<i64>().expect("an id"));
    assert!(
        pushed
            .iter()
            .any(|p| p["request_id"] == request_id && p["skipped"] == "no devices"),
        "{pushed:?}"
    );
}

#[tokio::test]
async fn a_gone_subscription_is_forgotten() {
    let app = spawn_pushing_app().await;
    let push = PushService::start().await;
    let vice_rector = app.user(Role::ViceRector).await;
    let old_phone = push.device("old-phone");
    let new_phone = push.device("new-phone");
    old_phone.register(&app, &vice_rector).await;
    new_phone.register(&app, &vice_rector).await;
    push.answer(&old_phone, StatusCode::GONE);
    assert_eq!(subscriptions(&app).await.len(), 2);

    let requester = app.new_user(&[Role::Requester]).await;
    app.submit(&requester, "Pengumuman beasiswa").await;
    push.wait_for(&old_phone, 1).await;
    push.wait_for(&new_phone, 1).await;
    notifications_settled(&app).await;

    let left = subscriptions(&app).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].endpoint, new_phone.endpoint);
    let removed = app.admin_events("push_subscription_removed").await;
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["reason"], "gone");

    // The next notification goes to the remaining device only.
    app.submit(&requester, "Pengumuman beasiswa kedua").await;
    push.wait_for(&new_phone, 2).await;
    notifications_settled(&app).await;
    assert_eq!(push.received(&old_phone).len(), 1);
}

#[tokio::test]
async fn a_push_service_failure_is_counted_and_tried_again_later() {
    let app = spawn_pushing_app().await;
    let push = PushService::start().await;
    let vice_rector = app.user(Role::ViceRector).await;
    let phone = push.device("flaky-phone");
    phone.register(&app, &vice_rector).await;
    push.answer(&phone, StatusCode::SERVICE_UNAVAILABLE);

    let requester = app.new_user(&[Role::Requester]).await;
    app.submit(&requester, "Pengumuman libur").await;
    push.wait_for(&phone, 1).await;
    // Nothing arrived, so the notification waits to be tried again and the device's failure
    // is on record.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let rows = entity::outbox::Entity::find()
            .filter(entity::outbox::Column::Topic.eq("notification"))
            .all(&app.services.db.conn)
            .await
            .expect("outbox");
        let row = &rows[0];
        if row.lease_until.is_none() && row.last_error.is_some() {
            assert!(row.done_at.is_none());
            assert!(row.available_at > Utc::now());
            assert_eq!(row.attempts, 1);
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{row:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let device = &subscriptions(&app).await[0];
    assert_eq!(device.failure_count, 1);
    assert!(
        device
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("503"))
    );

    // When the push service is back and the retry is due, the push arrives once.
    push.answer(&phone, StatusCode::CREATED);
    entity::outbox::Entity::update_many()
        .col_expr(entity::outbox::Column::AvailableAt, Expr::value(Utc::now()))
        .filter(entity::outbox::Column::Topic.eq("notification"))
        .exec(&app.services.db.conn)
        .await
        .expect("make the retry due");
    push.wait_for(&phone, 2).await;
    notifications_settled(&app).await;
    let device = &subscriptions(&app).await[0];
    assert_eq!(device.failure_count, 0);
    assert!(device.last_success_at.is_some());
}

#[tokio::test]
async fn requesters_hear_when_their_request_is_returned() {
    let app = spawn_pushing_app().await;
    let push = PushService::start().await;
    let requester = app.new_user(&[Role::Requester]).await;
    let phone = push.device("requester-phone");
    phone.register(&app, &requester).await;
    let (id, agenda) = app.submit(&requester, "Kuliah umum").await;
    let vice_rector = app.user(Role::ViceRector).await;
    app.gql_ok(
        Some(&vice_rector.token),
        "mutation($input: ReasonInput!) { returnForRevision(input: $input) { id status } }",
        json!({ "input": { "requestId": id, "reason": "Lampirkan surat permohonan resmi." } }),
    )
    .await;
    let got = push.wait_for(&phone, 1).await;
    let message = phone.decrypt(&got[0].body);
    assert_eq!(
        message["title"],
        format!("Dikembalikan untuk revisi: {agenda}")
    );
    assert_eq!(message["requestId"], id);
    assert_eq!(
        got[0].headers.get("urgency").map(|v| v.as_bytes()),
        Some(&b"normal"[..])
    );
}

#[tokio::test]
async fn the_holder_of_an_open_step_is_reminded_once_before_the_deadline() {
    let app = spawn_pushing_app().await;
    let push = PushService::start().await;
    let vice_rector = app.user(Role::ViceRector).await;
    let phone = push.device("vr-phone");
    phone.register(&app, &vice_rector).await;
    let requester = app.new_user(&[Role::Requester]).await;
    let (id, agenda) = app.submit(&requester, "Pameran buku").await;
    push.wait_for(&phone, 1).await;
    notifications_settled(&app).await;

    // Make most of the day's standard have passed: opened 23 hours ago, due in one hour.
    let request_id: i64 = id.parse().expect("an id");
    let now = Utc::now();
    entity::disposition::Entity::update_many()
        .col_expr(
            entity::disposition::Column::CreatedAt,
            Expr::value(now - chrono::Duration::hours(23)),
        )
        .col_expr(
            entity::disposition::Column::SlaDeadline,
            Expr::value(now + chrono::Duration::hours(1)),
        )
        .filter(entity::disposition::Column::RequestId.eq(request_id))
        .exec(&app.services.db.conn)
        .await
        .expect("age the step");

    let got = push.wait_for(&phone, 2).await;
    let reminder = phone.decrypt(&got[1].body);
    assert_eq!(
        reminder["title"],
        format!("Pengingat batas waktu: {agenda}")
    );
    let body = reminder["body"].as_str().expect("a body");
    assert!(
        body.contains("Langkah 1. Disposisi belum selesai; batas waktu ")
            && body.contains("(sisa 59 menit)"),
        "{body}"
    );
    let ttl: u64 = got[1].headers["ttl"]
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("a number");
    assert!(ttl <= 3600, "the reminder expires with the deadline: {ttl}");

    // Several checks later there is still one reminder, and it is on record.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    notifications_settled(&app).await;
    assert_eq!(push.received(&phone).len(), 2);
    let reminders = entity::step_reminder::Entity::find()
        .all(&app.services.db.conn)
        .await
        .expect("reminders");
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].request_id, request_id);
    assert_eq!(app.admin_events("step_reminder_queued").await.len(), 1);
}

#[tokio::test]
async fn registering_a_device_again_updates_it_and_unregistering_forgets_it() {
    let app = spawn_pushing_app().await;
    let push = PushService::start().await;
    let first = app.user(Role::Staff).await;
    let second = app.new_user(&[Role::Staff]).await;
    let phone = push.device("shared-phone");
    phone.register(&app, &first).await;
    let before = subscriptions(&app).await;
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].user_id, first.id);

    // The same browser, new keys, someone else signed in: one row, moved and updated.
    let renewed = Device {
        name: phone.name.clone(),
        endpoint: phone.endpoint.clone(),
        ..push.device("ignored")
    };
    renewed.register(&app, &second).await;
    let after = subscriptions(&app).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].id, before[0].id);
    assert_eq!(after[0].user_id, second.id);
    assert_eq!(after[0].p256dh, renewed.p256dh());
    assert!(after[0].updated_at >= before[0].updated_at);

    // Only its owner can unregister it; a second time there is nothing to forget.
    for (user, forgotten) in [(&first, false), (&second, true), (&second, false)] {
        let d = app
            .gql_ok(
                Some(&user.token),
                UNREGISTER,
                json!({ "endpoint": phone.endpoint }),
            )
            .await;
        assert_eq!(d["unregisterPushSubscription"], json!(forgotten));
    }
    assert!(subscriptions(&app).await.is_empty());
    let kinds: Vec<String> = app
        .admin_events("push_subscription_removed")
        .await
        .iter()
        .map(|p| p["reason"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(kinds, ["unregistered"]);
}

#[tokio::test]
async fn bad_subscriptions_and_callers_are_refused() {
    let app = spawn_app().await;
    let user = app.user(Role::Requester).await;
    let device = Device::new("https://fcm.googleapis.com/fcm/send/abc".into(), "phone");
    let register = |endpoint: &str, p256dh: String, auth: String| json!({ "endpoint": endpoint, "p256dh": p256dh, "auth": auth });
    let good_auth = b64(&device.auth);
    for variables in [
        // Plain http, and addresses rather than a push service, unless the server allows it.
        register(
            "http://fcm.googleapis.com/x",
            device.p256dh(),
            good_auth.clone(),
        ),
        register(
            "https://127.0.0.1:8443/x",
            device.p256dh(),
            good_auth.clone(),
        ),
        register("not a url", device.p256dh(), good_auth.clone()),
        register(&device.endpoint, "AAAA".into(), good_auth.clone()),
        register(&device.endpoint, device.p256dh(), b64(&[1u8; 8])),
    ] {
        let response = app
            .gql(Some(&user.token), REGISTER, variables.clone())
            .await;
        assert_eq!(
            error_code(&response).as_deref(),
            Some("BAD_USER_INPUT"),
            "{variables}: {response}"
        );
    }
    assert!(subscriptions(&app).await.is_empty());

    let ok = register(&device.endpoint, device.p256dh(), good_auth);
    let response = app.gql(None, REGISTER, ok.clone()).await;
    assert_eq!(error_code(&response).as_deref(), Some("UNAUTHENTICATED"));
    let client = app.client(&["submit:requests"]).await;
    let response = app.gql(Some(&client), REGISTER, ok.clone()).await;
    assert_eq!(error_code(&response).as_deref(), Some("FORBIDDEN"));
    let response = app.gql(None, "{ vapidPublicKey }", json!({})).await;
    assert_eq!(error_code(&response).as_deref(), Some("UNAUTHENTICATED"));
    let response = app
        .gql(
            Some(&client),
            UNREGISTER,
            json!({ "endpoint": device.endpoint }),
        )
        .await;
    assert_eq!(error_code(&response).as_deref(), Some("FORBIDDEN"));

    // A real push service's https endpoint is fine.
    let d = app.gql(Some(&user.token), REGISTER, ok).await;
    assert_eq!(data(&d)["registerPushSubscription"], json!(true));
}

#[tokio::test]
async fn the_vapid_key_is_generated_once_and_kept_private_in_the_data_directory() {
    use std::os::unix::fs::PermissionsExt as _;

    let app = spawn_app().await;
    let user = app.user(Role::Requester).await;
    let key = vapid_public_key(&app, &user).await;
    let point = unb64(&key);
    assert_eq!(
        (point.len(), point[0]),
        (65, 4),
        "an uncompressed P-256 point"
    );

    let path = app.data_dir.join("vapid-private-key");
    let mode = std::fs::metadata(&path)
        .expect("the key file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let private = unb64(std::fs::read_to_string(&path).expect("readable").trim());
    let secret = p256::SecretKey::from_slice(&private).expect("a P-256 scalar");
    assert_eq!(
        b64(secret.public_key().to_encoded_point(false).as_bytes()),
        key
    );
    // Asked again, the same key.
    assert_eq!(vapid_public_key(&app, &user).await, key);
}

#[tokio::test]
async fn two_notifiers_never_take_the_same_notification() {
    // The notifier is off here: the test plays two servers taking from one outbox at once.
    let app = spawn_app().await;
    let requester = app.new_user(&[Role::Requester]).await;
    for i in 0..12 {
        app.submit(&requester, &format!("Pengumuman {i}")).await;
    }
    let lease = chrono::Duration::minutes(1);
    let (a, b) = tokio::join!(
        app.services.claim_notifications(10, lease),
        app.services.claim_notifications(10, lease),
    );
    let (a, b) = (a.expect("first claim"), b.expect("second claim"));
    let mut taken: Vec<i64> = a.iter().chain(&b).map(|n| n.job_id).collect();
    let total = taken.len();
    taken.sort_unstable();
    taken.dedup();
    assert_eq!(taken.len(), total, "a notification was taken twice");
    assert_eq!(total, 12, "together they took every notification");
    // Leased rows are not due again until the lease runs out.
    let again = app
        .services
        .claim_notifications(10, lease)
        .await
        .expect("third claim");
    assert!(again.is_empty());
}
