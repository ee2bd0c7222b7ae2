//! Publishing to Telegram, end to end: requests walk the SOP on a server in sandbox mode and
//! the real publisher (embedded in the server, run here in-process, or as `warta worker`
//! over HTTP) posts them into the sandbox's channels. What each channel received is read
//! back from the sandbox, and what Warta recorded from the API.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use tokio::{sync::watch, task::JoinHandle};
use warta::{
    config::{Cli, Command},
    telegram::{
        publisher::{
            embedded::InProcess,
            over_http::OverHttp,
            pacing::Limits,
            worker::{Publisher, WorkerApi, WorkerSettings},
        },
        sandbox::{
            BotMembership, ChatType, Fault, MessageView, NewChat, NewFault, RateLimits, Sandbox,
        },
    },
};
use warta_tests::{
    Role, TelegramSandbox, TestApp, data, id_of, spawn_sandbox_app, spawn_sandbox_app_with,
    walk::{ARCHIVE, FORWARD, PUBLISH, REVIEW, SUBMIT, complete_checklist},
};

/// The password of every account `--sandbox` seeds.
const SANDBOX_PASSWORD: &str = "sandbox";
/// The channels `--sandbox` creates and registers.
pub(crate) const SANDBOX_CHANNELS: [&str; 3] =
    ["@info_unej", "@humas_unej", "@kabar_mahasiswa_unej"];
/// How long any wait for the publisher may last before the test fails.
const PATIENCE: Duration = Duration::from_secs(30);

const PUBLICATIONS: &str = "query($id: ID!) {
  request(id: $id) {
    id status
    publications { id status link messageIds lastError attempts channel { id chatRef } }
  }
}";

const RESOLVE: &str = "mutation($input: ResolvePublicationInput!) {
  resolveUncertainPublication(input: $input) { id status link lastError }
}";

pub(crate) const START: &str = "mutation($id: ID!, $worker: String!) {
  startSendingPublication(publicationId: $id, worker: $worker) { id status attempts }
}";

pub(crate) const CLAIM_WITH_LEASE: &str = "mutation($worker: String!, $lease: Int!) {
  claimPublicationJobs(worker: $worker, limit: 10, leaseSeconds: $lease) {
    jobId publication { id status }
  }
}";

/// The seeded officials of a sandbox server, signed in.
pub(crate) struct Officials {
    pub(crate) requester: String,
    vice_rector: String,
    bureau_head: String,
    pkih: String,
    pub(crate) deputy: String,
    pub(crate) staff: String,
}

pub(crate) async fn officials(app: &TestApp) -> Officials {
    let login = |role: Role| app.login(role.as_str(), SANDBOX_PASSWORD);
    Officials {
        requester: login(Role::Requester).await,
        vice_rector: login(Role::ViceRector).await,
        bureau_head: login(Role::BureauHead).await,
        pkih: login(Role::PkihCoordinator).await,
        deputy: login(Role::HumasDeputy).await,
        staff: login(Role::Staff).await,
    }
}

pub(crate) fn sandbox(app: &TestApp) -> &TelegramSandbox {
    app.sandbox
        .as_ref()
        .expect("the server runs in sandbox mode")
}

/// Switches the sandbox's flood control off, where pacing is not what a test is about.
pub(crate) fn without_rate_limits(sandbox: &Sandbox) {
    sandbox.set_rate_limits(RateLimits {
        enabled: false,
        ..RateLimits::default()
    });
}

/// A sandbox server without Telegram's rate limits (for tests about what is sent, not how
/// fast), its sandbox, and its officials.
pub(crate) async fn unthrottled_sandbox_app() -> (TestApp, Sandbox, Officials) {
    let app = spawn_sandbox_app().await;
    let sb = sandbox(&app).sandbox.clone();
    without_rate_limits(&sb);
    let o = officials(&app).await;
    (app, sb, o)
}

/// The Warta id of the channel registered with `chat_ref`.
pub(crate) async fn channel_id(app: &TestApp, chat_ref: &str) -> String {
    app.services
        .channels(true)
        .await
        .expect("channels")
        .into_iter()
        .find(|c| c.chat_ref == chat_ref)
        .unwrap_or_else(|| panic!("no channel {chat_ref} is registered"))
        .id
        .to_string()
}

/// Registers a Warta channel for `chat_ref` (which the sandbox may or may not know).
async fn register_channel(app: &TestApp, chat_ref: &str) -> String {
    app.services
        .create_channel(
            warta::service::channels::ChannelInput {
                name: Some(format!("Kanal {chat_ref}")),
                chat_ref: Some(chat_ref.to_owned()),
                ..Default::default()
            },
            &warta::service::Audit::system(),
        )
        .await
        .expect("register a channel")
        .id
        .to_string()
}

/// A new channel in the sandbox, with the bot as administrator, registered in Warta.
async fn new_sandbox_channel(app: &TestApp, username: &str) -> String {
    sandbox(app)
        .sandbox
        .create_chat(new_channel(username))
        .expect("create a sandbox channel");
    register_channel(app, &format!("@{username}")).await
}

fn new_channel(username: &str) -> NewChat {
    NewChat {
        kind: ChatType::Channel,
        id: None,
        title: format!("Kanal {username}"),
        username: Some(username.to_owned()),
        description: None,
        bot: None,
    }
}

pub(crate) fn submission(title: &str, narrative: &str, attachment_ids: &[String]) -> Value {
    json!({
        "title": title,
        "audience": "Sivitas akademika Universitas Jember",
        "narrative": narrative,
        "desiredDate": "2026-12-01",
        "priority": "BIASA",
        "attachmentIds": attachment_ids,
    })
}

/// Submits a request and walks it through steps 1–5 to staff, with `channels` chosen at
/// step 2; returns its id.
pub(crate) async fn to_publication(
    app: &TestApp,
    o: &Officials,
    input: Value,
    channels: &[String],
) -> String {
    let d = app
        .gql_ok(Some(&o.requester), SUBMIT, json!({ "input": input }))
        .await;
    let id = d["submitRequest"]["id"].as_str().expect("an id").to_owned();
    app.gql_ok(
        Some(&o.vice_rector),
        FORWARD,
        json!({ "input": { "requestId": id, "instruction": "TINDAK_LANJUTI" } }),
    )
    .await;
    from_instruction_to_publication(app, o, &id, channels).await;
    id
}

/// Walks a request at step 2 through steps 2–5 to staff, with `channels` chosen at step 2.
pub(crate) async fn from_instruction_to_publication(
    app: &TestApp,
    o: &Officials,
    id: &str,
    channels: &[String],
) {
    let steps = [
        (
            &o.bureau_head,
            FORWARD,
            json!({ "requestId": id, "channelIds": channels }),
        ),
        (
            &o.pkih,
            FORWARD,
            json!({ "requestId": id, "checklist": complete_checklist() }),
        ),
        (
            &o.deputy,
            REVIEW,
            json!({ "requestId": id, "verdict": "FIT" }),
        ),
        (
            &o.deputy,
            FORWARD,
            json!({ "requestId": id, "instruction": "SIAPKAN_PUBLIKASI" }),
        ),
    ];
    for (token, operation, input) in steps {
        app.gql_ok(Some(token), operation, json!({ "input": input }))
            .await;
    }
}

/// Staff publish the request (step 6): its channels are queued for the worker.
pub(crate) async fn publish(app: &TestApp, o: &Officials, id: &str) -> Value {
    app.gql_ok(
        Some(&o.staff),
        PUBLISH,
        json!({ "input": { "requestId": id } }),
    )
    .await["publishRequest"]
        .clone()
}

pub(crate) async fn request(app: &TestApp, token: &str, id: &str) -> Value {
    app.gql_ok(Some(token), PUBLICATIONS, json!({ "id": id }))
        .await["request"]
        .clone()
}

fn publications(request: &Value) -> &Vec<Value> {
    request["publications"].as_array().expect("publications")
}

/// The publication of `request` for the channel `chat_ref`.
#[track_caller]
pub(crate) fn publication_for<'a>(request: &'a Value, chat_ref: &str) -> &'a Value {
    publications(request)
        .iter()
        .find(|p| p["channel"]["chatRef"] == chat_ref)
        .unwrap_or_else(|| panic!("no publication for {chat_ref}: {request:#}"))
}

fn settled(status: &Value) -> bool {
    matches!(
        status.as_str(),
        Some("SENT" | "FAILED" | "UNCERTAIN" | "RETRACTED")
    )
}

/// Polls the request until `done` holds for it, or fails after [`PATIENCE`].
pub(crate) async fn wait_for(
    app: &TestApp,
    token: &str,
    id: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let r = request(app, token, id).await;
        if done(&r) {
            return r;
        }
        assert!(
            Instant::now() < deadline,
            "waited {PATIENCE:?} for {what}; the request is now {r:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until every publication of the request is settled.
pub(crate) async fn wait_settled(app: &TestApp, token: &str, id: &str) -> Value {
    wait_for(app, token, id, "every publication to settle", |r| {
        publications(r).iter().all(|p| settled(&p["status"]))
    })
    .await
}

/// What the bot posted in a sandbox chat.
#[track_caller]
pub(crate) fn posts(sandbox: &Sandbox, chat: &str) -> Vec<MessageView> {
    sandbox
        .messages(chat)
        .unwrap_or_else(|e| panic!("messages of {chat}: {e:?}"))
        .into_iter()
        .filter(|m| m.from_bot)
        .collect()
}

/// A media message without a caption (the sandbox shows an empty one).
pub(crate) fn no_caption(message: &MessageView) -> bool {
    message.caption.as_deref().unwrap_or_default().is_empty()
}

/// The calls of `method` the sandbox answered, oldest first.
pub(crate) fn calls_of(sandbox: &Sandbox, method: &str) -> Vec<warta::telegram::sandbox::CallView> {
    sandbox
        .calls()
        .into_iter()
        .filter(|c| c.method == method)
        .collect()
}

/// The announcement as Telegram shows it: the title, a blank line, the narrative.
pub(crate) fn shown_text(title: &str, narrative: &str) -> String {
    format!("{}\n\n{}", title.trim(), narrative.trim())
}

/// A JPEG header with its dimensions: enough for Warta's sniffing and the sandbox, which
/// never decode pixels.
pub(crate) fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    b.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    b.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    b.extend_from_slice(&height.to_be_bytes());
    b.extend_from_slice(&width.to_be_bytes());
    b.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
    b
}

/// Uploads a media file by the GraphQL multipart request spec; returns the attachment id.
pub(crate) async fn upload_media(
    app: &TestApp,
    token: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> String {
    let operations = json!({
        "query": "mutation($file: Upload!) { uploadAttachment(file: $file, kind: MEDIA) { id contentType } }",
        "variables": { "file": null },
    });
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(filename.to_owned())
        .mime_str("image/jpeg")
        .expect("a MIME type");
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part("0", part);
    let body: Value = app
        .http
        .post(app.url("/graphql"))
        .header("apollo-require-preflight", "true")
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("JSON");
    let attachment = &data(&body)["uploadAttachment"];
    assert_eq!(attachment["contentType"], "image/jpeg");
    attachment["id"].as_str().expect("an id").to_owned()
}

/// Settings for a publisher run by a test: quick to poll, pacing out of the way.
fn worker_settings(sandbox: &TelegramSandbox, name: &str) -> WorkerSettings {
    let mut settings = WorkerSettings::new(
        name.to_owned(),
        sandbox.bot_token.clone(),
        sandbox.api_url.clone(),
    );
    settings.idle = Duration::from_millis(50);
    settings.call_timeout = Duration::from_secs(10);
    settings.limits = Limits {
        per_chat_gap: Duration::ZERO,
        per_chat_per_minute: 10_000,
        global_per_second: 10_000,
    };
    settings
}

/// The worker API of the embedded worker: GraphQL in-process, as the worker principal.
async fn in_process(app: &TestApp) -> Arc<InProcess> {
    let principal = app
        .services
        .embedded_worker_principal()
        .await
        .expect("the worker principal");
    Arc::new(InProcess::new(
        app.schema.clone(),
        app.services.clone(),
        principal,
    ))
}

/// The worker API of `warta worker`: GraphQL over HTTP as a new client with the worker scope.
async fn over_http(app: &TestApp) -> Arc<OverHttp> {
    let client = app.new_client(&["worker"]).await;
    Arc::new(
        OverHttp::new(&app.address, client.client_id, client.secret.into())
            .expect("an HTTP worker API"),
    )
}

/// A publisher running in the background until the returned sender says stop.
fn start<A: WorkerApi>(publisher: Publisher<A>) -> (watch::Sender<bool>, JoinHandle<()>) {
    let (stop, stopped) = watch::channel(false);
    (stop, tokio::spawn(publisher.run(stopped)))
}

async fn stop(running: (watch::Sender<bool>, JoinHandle<()>)) {
    let (stop, task) = running;
    stop.send(true).expect("the publisher listens");
    tokio::time::timeout(PATIENCE, task)
        .await
        .expect("the publisher stops")
        .expect("the publisher ran without panicking");
}

#[tokio::test]
async fn a_request_walks_the_whole_sop_into_the_sandbox_channels() {
    let app = spawn_sandbox_app().await;
    let sb = sandbox(&app).sandbox.clone();
    let o = officials(&app).await;
    let mut channels = Vec::new();
    for chat in SANDBOX_CHANNELS {
        channels.push(channel_id(&app, chat).await);
    }
    // Characters HTML gives a meaning to must reach the channel as they were written.
    let title = "Seminar R&D <AI> untuk Mahasiswa";
    let narrative =
        "Seminar \"AI & Etika\" <b>bukan tebal</b> di Aula FASILKOM, pukul 08.00 WIB. 1 < 2 > 0.";
    let id = to_publication(&app, &o, submission(title, narrative, &[]), &channels).await;

    let published = publish(&app, &o, &id).await;
    assert_eq!(published["status"], "PUBLICATION");

    // The embedded worker sends every channel; the request moves to archiving.
    let r = wait_for(&app, &o.staff, &id, "the request to reach ARCHIVING", |r| {
        r["status"] == "ARCHIVING"
    })
    .await;
    let expected = shown_text(title, narrative);
    for chat in SANDBOX_CHANNELS {
        let received = posts(&sb, chat);
        assert_eq!(received.len(), 1, "{chat} received one post: {received:#?}");
        let post = &received[0];
        assert_eq!(post.kind, "text");
        assert_eq!(post.text.as_deref(), Some(expected.as_str()), "{chat}");
        let sent = post.sent_as.as_ref().expect("sent by the Bot API");
        assert_eq!(sent.method, "sendMessage");
        assert_eq!(sent.parse_mode.as_deref(), Some("HTML"));
        let raw = sent.raw.as_deref().expect("the HTML sent");
        assert!(
            raw.starts_with("<b>Seminar R&amp;D &lt;AI&gt; untuk Mahasiswa</b>\n\n")
                && raw.contains("&lt;b&gt;bukan tebal&lt;/b&gt;")
                && raw.contains("1 &lt; 2 &gt; 0."),
            "escaped HTML: {raw}"
        );
        assert_eq!(post.entities.len(), 1, "only the title is bold");
        assert_eq!(post.entities[0].kind, "bold");
        assert_eq!(
            (post.entities[0].offset, post.entities[0].length),
            (0, title.encode_utf16().count())
        );

        let p = publication_for(&r, chat);
        assert_eq!(p["status"], "SENT", "{chat}");
        assert_eq!(p["messageIds"], json!([post.message_id]));
        let username = chat.trim_start_matches('@');
        assert_eq!(
            p["link"],
            format!("https://t.me/{username}/{}", post.message_id),
            "{chat}"
        );
        assert!(p["lastError"].is_null());
    }

    // Staff archive it: the SOP is complete.
    let d = app
        .gql_ok(
            Some(&o.staff),
            ARCHIVE,
            json!({ "input": { "requestId": id, "classificationCode": "HM.00.01", "retentionYears": 5 } }),
        )
        .await;
    assert_eq!(d["archiveRequest"]["status"], "ARCHIVED");
}

#[tokio::test]
async fn three_photos_go_as_one_album_and_the_second_channel_reuses_their_file_ids() {
    let (app, sb, o) = unthrottled_sandbox_app().await;
    let mut photos = Vec::new();
    for (i, (w, h)) in [(1280u16, 720u16), (800, 600), (640, 640)]
        .into_iter()
        .enumerate()
    {
        photos.push(upload_media(&app, &o.requester, &format!("foto-{i}.jpg"), jpeg(w, h)).await);
    }
    let chats = ["@info_unej", "@humas_unej"];
    let channels = vec![
        channel_id(&app, chats[0]).await,
        channel_id(&app, chats[1]).await,
    ];
    let title = "Dies Natalis ke-61";
    let narrative = "Foto-foto upacara Dies Natalis Universitas Jember.";
    let id = to_publication(&app, &o, submission(title, narrative, &photos), &channels).await;
    publish(&app, &o, &id).await;

    let r = wait_settled(&app, &o.staff, &id).await;
    let mut file_ids: Vec<Vec<String>> = Vec::new();
    for chat in chats {
        let p = publication_for(&r, chat);
        assert_eq!(p["status"], "SENT", "{chat}: {p:#}");
        let received = posts(&sb, chat);
        assert_eq!(received.len(), 3, "{chat}: one album of three photos");
        let group = received[0].media_group_id.clone();
        assert!(group.is_some(), "{chat}: the photos are one album");
        assert!(
            received
                .iter()
                .all(|m| m.kind == "photo" && m.media_group_id == group)
        );
        assert_eq!(
            received[0].caption.as_deref(),
            Some(shown_text(title, narrative).as_str()),
            "the caption rides on the first photo"
        );
        assert!(received[1..].iter().all(no_caption));
        let ids: Vec<i64> = received.iter().map(|m| i64::from(m.message_id)).collect();
        assert_eq!(p["messageIds"], json!(ids));
        assert_eq!(p["link"], format!("https://t.me/{}/{}", &chat[1..], ids[0]));
        file_ids.push(
            received
                .iter()
                .map(|m| m.media.as_ref().expect("a photo").file_id.clone())
                .collect(),
        );
    }
    assert_eq!(
        file_ids[0], file_ids[1],
        "the second channel gets the photos by the file_ids of the first upload"
    );
    assert_eq!(calls_of(&sb, "sendMediaGroup").len(), 2);
    assert_eq!(
        app.gql_ok(Some(&o.staff), PUBLICATIONS, json!({ "id": id }))
            .await["request"]["status"],
        "ARCHIVING"
    );
}

#[tokio::test]
async fn a_narrative_too_long_for_a_caption_follows_the_photo_as_its_own_message() {
    let (app, sb, o) = unthrottled_sandbox_app().await;
    let photo = upload_media(&app, &o.requester, "poster.jpg", jpeg(1080, 1350)).await;
    let chat = "@kabar_mahasiswa_unej";
    let channels = vec![channel_id(&app, chat).await];
    let title = "Pendaftaran Beasiswa";
    let narrative = "Syarat & ketentuan beasiswa berlaku. ".repeat(40);
    assert!(narrative.chars().count() > 1024);
    let id = to_publication(&app, &o, submission(title, &narrative, &[photo]), &channels).await;
    publish(&app, &o, &id).await;

    let r = wait_settled(&app, &o.staff, &id).await;
    let p = publication_for(&r, chat);
    assert_eq!(p["status"], "SENT", "{p:#}");
    let received = posts(&sb, chat);
    assert_eq!(received.len(), 2, "the photo, then the text: {received:#?}");
    assert_eq!(received[0].kind, "photo");
    assert!(no_caption(&received[0]), "no caption is cut short");
    assert_eq!(received[1].kind, "text");
    assert_eq!(
        received[1].text.as_deref(),
        Some(shown_text(title, &narrative).as_str()),
        "the whole text, uncut"
    );
    let ids: Vec<i64> = received.iter().map(|m| i64::from(m.message_id)).collect();
    assert_eq!(p["messageIds"], json!(ids));
    assert_eq!(
        p["link"],
        format!("https://t.me/kabar_mahasiswa_unej/{}", ids[0])
    );
}

#[tokio::test]
async fn a_429_on_the_first_send_is_retried_after_retry_after_and_then_sent() {
    let app = spawn_sandbox_app().await;
    let sb = sandbox(&app).sandbox.clone();
    let o = officials(&app).await;
    let chat = "@info_unej";
    sb.inject_fault(NewFault {
        method: "sendMessage".into(),
        times: 1,
        chat_id: None,
        fault: Fault::Error {
            error_code: 429,
            description: "Too Many Requests: retry after 1".into(),
            parameters: Some(json!({ "retry_after": 1 })),
        },
    })
    .expect("a fault");
    let channels = vec![channel_id(&app, chat).await];
    let id = to_publication(
        &app,
        &o,
        submission("Libur Nasional", "Kampus libur pada 25 Desember.", &[]),
        &channels,
    )
    .await;
    publish(&app, &o, &id).await;

    let r = wait_for(&app, &o.staff, &id, "the publication to be sent", |r| {
        publication_for(r, chat)["status"] == "SENT"
    })
    .await;
    let p = publication_for(&r, chat);
    assert_eq!(p["attempts"], 2, "refused once, then sent: {p:#}");
    assert!(
        p["lastError"].is_null(),
        "a sent publication carries no error"
    );
    let statuses: Vec<u16> = calls_of(&sb, "sendMessage")
        .iter()
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, vec![429, 200]);
    let sent: Vec<i64> = calls_of(&sb, "sendMessage")
        .iter()
        .map(|c| c.at_ms)
        .collect();
    assert!(
        sent[1] - sent[0] >= 1_000,
        "the second try waited retry_after: {sent:?}"
    );
    assert_eq!(posts(&sb, chat).len(), 1);
    let kinds = app.event_kinds(&o.staff, &id).await;
    assert!(
        kinds.iter().any(|k| k == "publication_retry_scheduled"),
        "{kinds:?}"
    );
    // Read again: the publications above may have been loaded after the request itself.
    assert_eq!(request(&app, &o.staff, &id).await["status"], "ARCHIVING");
}

#[tokio::test]
async fn a_channel_the_bot_cannot_post_in_fails_with_a_reason_and_the_others_are_sent() {
    let (app, sb, o) = unthrottled_sandbox_app().await;
    // A channel Telegram does not know, and one that removed the bot.
    let missing = "@pengumuman_fmipa_unej";
    let missing_id = register_channel(&app, missing).await;
    sb.set_bot_membership("@humas_unej", BotMembership::Kicked)
        .expect("kick the bot");
    let channels = vec![
        channel_id(&app, "@info_unej").await,
        channel_id(&app, "@humas_unej").await,
        missing_id,
    ];
    let id = to_publication(
        &app,
        &o,
        submission("Jadwal UAS", "Jadwal ujian akhir semester gasal.", &[]),
        &channels,
    )
    .await;
    publish(&app, &o, &id).await;

    let r = wait_settled(&app, &o.staff, &id).await;
    assert_eq!(publication_for(&r, "@info_unej")["status"], "SENT");
    assert_eq!(posts(&sb, "@info_unej").len(), 1);

    let kicked = publication_for(&r, "@humas_unej");
    assert_eq!(kicked["status"], "FAILED");
    let reason = kicked["lastError"].as_str().expect("a reason");
    assert!(
        reason.contains("add it back as an administrator")
            && reason.contains("Forbidden: bot was kicked from the channel chat"),
        "{reason}"
    );
    let unknown = publication_for(&r, missing);
    assert_eq!(unknown["status"], "FAILED");
    let reason = unknown["lastError"].as_str().expect("a reason");
    assert!(
        reason.contains("check the chat id or @username")
            && reason.contains("Bad Request: chat not found"),
        "{reason}"
    );
    assert!(unknown["link"].is_null() && kicked["link"].is_null());
    assert_eq!(
        r["status"], "PUBLICATION",
        "staff still have work at step 6"
    );

    // Doing what the reasons say and publishing again sends the failed channels only.
    sb.set_bot_membership("@humas_unej", BotMembership::admin())
        .expect("add the bot back");
    sb.create_chat(new_channel(&missing[1..]))
        .expect("create the channel");
    publish(&app, &o, &id).await;
    let r = wait_for(&app, &o.staff, &id, "the request to reach ARCHIVING", |r| {
        r["status"] == "ARCHIVING"
    })
    .await;
    assert!(publications(&r).iter().all(|p| p["status"] == "SENT"));
    for chat in ["@info_unej", "@humas_unej", missing] {
        assert_eq!(posts(&sb, chat).len(), 1, "{chat} has exactly one post");
    }
}

#[tokio::test]
async fn an_accepted_send_that_hangs_becomes_uncertain_is_never_resent_and_staff_settle_it() {
    let app = spawn_sandbox_app_with(|s| s.embedded_worker = false).await;
    let tg = sandbox(&app).clone();
    let sb = tg.sandbox.clone();
    without_rate_limits(&sb);
    let o = officials(&app).await;
    let chat = "@info_unej";
    // Telegram posts the message, but its answer never arrives in time.
    sb.inject_fault(NewFault {
        method: "sendMessage".into(),
        times: 1,
        chat_id: None,
        fault: Fault::Hang {
            accept: true,
            delay_ms: Some(5_000),
        },
    })
    .expect("a fault");
    let channels = vec![channel_id(&app, chat).await];
    let id = to_publication(
        &app,
        &o,
        submission("Wisuda", "Wisuda periode Desember.", &[]),
        &channels,
    )
    .await;
    publish(&app, &o, &id).await;

    let mut settings = worker_settings(&tg, "hang-test");
    settings.call_timeout = Duration::from_millis(700);
    let mut publisher = Publisher::new(in_process(&app).await, settings).expect("a publisher");
    assert_eq!(publisher.run_once().await.expect("a batch"), 1);

    let r = request(&app, &o.staff, &id).await;
    let p = publication_for(&r, chat);
    assert_eq!(p["status"], "UNCERTAIN", "{p:#}");
    assert!(
        p["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("check the channel")),
        "{p:#}"
    );
    assert_eq!(
        posts(&sb, chat).len(),
        1,
        "the message did reach the channel"
    );

    // Nothing sends it again on its own.
    assert_eq!(publisher.run_once().await.expect("a batch"), 0);
    assert_eq!(calls_of(&sb, "sendMessage").len(), 1);
    assert_eq!(posts(&sb, chat).len(), 1);

    // Staff look at the channel and record the post with its link.
    let message_id = posts(&sb, chat)[0].message_id;
    let link = format!("https://t.me/info_unej/{message_id}");
    let d = app
        .gql_ok(
            Some(&o.staff),
            RESOLVE,
            json!({ "input": { "publicationId": p["id"], "posted": true, "link": link } }),
        )
        .await;
    assert_eq!(d["resolveUncertainPublication"]["status"], "SENT");
    assert_eq!(d["resolveUncertainPublication"]["link"], link.as_str());
    let r = request(&app, &o.staff, &id).await;
    assert_eq!(r["status"], "ARCHIVING");
    assert_eq!(publication_for(&r, chat)["link"], link.as_str());
}

#[tokio::test]
async fn an_html_502_from_a_gateway_makes_the_publication_uncertain() {
    let app = spawn_sandbox_app().await;
    let sb = sandbox(&app).sandbox.clone();
    let o = officials(&app).await;
    let chat = "@humas_unej";
    // The message went through; the gateway in front answered with its own error page.
    sb.inject_fault(NewFault {
        method: "sendMessage".into(),
        times: 1,
        chat_id: None,
        fault: Fault::BadGateway { accept: true },
    })
    .expect("a fault");
    let channels = vec![channel_id(&app, chat).await];
    let id = to_publication(
        &app,
        &o,
        submission("Donor Darah", "Donor darah di Gedung Rektorat.", &[]),
        &channels,
    )
    .await;
    publish(&app, &o, &id).await;

    // teloxide waits 10 s before it reads the body of a 5xx answer.
    let r = wait_settled(&app, &o.staff, &id).await;
    let p = publication_for(&r, chat);
    assert_eq!(p["status"], "UNCERTAIN", "{p:#}");
    assert!(
        p["lastError"].as_str().is_some_and(|e| e.contains("502")),
        "{p:#}"
    );
    assert_eq!(r["status"], "PUBLICATION");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(calls_of(&sb, "sendMessage").len(), 1, "never resent");
    assert_eq!(posts(&sb, chat).len(), 1);
}

#[tokio::test]
async fn a_job_abandoned_while_sending_becomes_uncertain_and_is_not_posted_twice() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

    let app = spawn_sandbox_app_with(|s| s.embedded_worker = false).await;
    let tg = sandbox(&app).clone();
    let sb = tg.sandbox.clone();
    without_rate_limits(&sb);
    let o = officials(&app).await;
    let chat = "@kabar_mahasiswa_unej";
    let channels = vec![channel_id(&app, chat).await];
    let id = to_publication(
        &app,
        &o,
        submission("Lomba Esai", "Lomba esai nasional dibuka.", &[]),
        &channels,
    )
    .await;
    publish(&app, &o, &id).await;

    // A worker takes the job, posts, and dies before it reports.
    let crashed = app.client(&["worker"]).await;
    let d = app
        .gql_ok(
            Some(&crashed),
            CLAIM_WITH_LEASE,
            json!({ "worker": "crashed-worker", "lease": 30 }),
        )
        .await;
    let jobs = d["claimPublicationJobs"].as_array().expect("jobs");
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        jobs[0]["publication"]["status"], "QUEUED",
        "claimed, not started"
    );
    let started = app
        .gql_ok(
            Some(&crashed),
            START,
            json!({ "id": jobs[0]["publication"]["id"], "worker": "crashed-worker" }),
        )
        .await;
    assert_eq!(started["startSendingPublication"]["status"], "SENDING");
    assert_eq!(started["startSendingPublication"]["attempts"], 1);
    let answer: Value = app
        .http
        .post(format!("{}/bot{}/sendMessage", tg.api_url, tg.bot_token))
        .json(&json!({ "chat_id": chat, "text": "Lomba esai nasional dibuka." }))
        .send()
        .await
        .expect("the sandbox answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(answer["ok"], true);

    // While the lease lasts, nobody else takes the job.
    let mut publisher = Publisher::new(over_http(&app).await, worker_settings(&tg, "survivor"))
        .expect("a publisher");
    assert_eq!(publisher.run_once().await.expect("a batch"), 0);
    assert_eq!(
        request(&app, &o.staff, &id).await["publications"][0]["status"],
        "SENDING"
    );

    // The lease runs out (moved back rather than waited for).
    let job_id = id_of(&jobs[0]["jobId"]);
    entity::outbox::Entity::update_many()
        .col_expr(
            entity::outbox::Column::LeaseUntil,
            Expr::value(Some(chrono::Utc::now() - chrono::Duration::seconds(1))),
        )
        .filter(entity::outbox::Column::Id.eq(job_id))
        .exec(&app.services.db.conn)
        .await
        .expect("expire the lease");

    // The next claim settles it as uncertain instead of sending it again.
    assert_eq!(publisher.run_once().await.expect("a batch"), 0);
    let r = request(&app, &o.staff, &id).await;
    let p = publication_for(&r, chat);
    assert_eq!(p["status"], "UNCERTAIN", "{p:#}");
    assert!(
        p["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("a worker stopped while sending")),
        "{p:#}"
    );
    assert_eq!(publisher.run_once().await.expect("a batch"), 0);
    assert_eq!(
        posts(&sb, chat).len(),
        1,
        "posted once, by the worker that died"
    );
    assert_eq!(calls_of(&sb, "sendMessage").len(), 1);

    // The dead worker's late report changes nothing.
    let late = app
        .gql(
            Some(&crashed),
            "mutation($input: ReportPublicationInput!) { reportPublication(input: $input) { id status } }",
            json!({ "input": { "publicationId": p["id"], "outcome": "SENT", "messageIds": [1] } }),
        )
        .await;
    assert!(late["errors"].is_array(), "{late:#}");
    let r = request(&app, &o.staff, &id).await;
    assert_eq!(publication_for(&r, chat)["status"], "UNCERTAIN");
}

#[tokio::test]
async fn two_publishers_sharing_one_queue_send_every_publication_exactly_once() {
    let app = spawn_sandbox_app_with(|s| s.embedded_worker = false).await;
    let tg = sandbox(&app).clone();
    let sb = tg.sandbox.clone();
    without_rate_limits(&sb);
    let o = officials(&app).await;
    let mut chats: Vec<String> = SANDBOX_CHANNELS.iter().map(|c| (*c).to_owned()).collect();
    let mut channels = Vec::new();
    for chat in SANDBOX_CHANNELS {
        channels.push(channel_id(&app, chat).await);
    }
    for username in ["fakultas_hukum_unej", "fakultas_teknik_unej"] {
        channels.push(new_sandbox_channel(&app, username).await);
        chats.push(format!("@{username}"));
    }
    let mut requests = Vec::new();
    for n in 1..=4 {
        let narrative = format!("Pengumuman nomor {n} untuk sivitas akademika.");
        let id = to_publication(
            &app,
            &o,
            submission(&format!("Pengumuman {n}"), &narrative, &[]),
            &channels,
        )
        .await;
        publish(&app, &o, &id).await;
        requests.push((id, shown_text(&format!("Pengumuman {n}"), &narrative)));
    }

    // Two workers, one in-process and one over HTTP, take small batches from one queue.
    let mut first = worker_settings(&tg, "worker-a");
    first.batch = 2;
    let mut second = worker_settings(&tg, "worker-b");
    second.batch = 2;
    let a = start(Publisher::new(in_process(&app).await, first).expect("a publisher"));
    let b = start(Publisher::new(over_http(&app).await, second).expect("a publisher"));

    let mut recorded = Vec::new();
    for (id, _) in &requests {
        let r = wait_for(&app, &o.staff, id, "every channel to be sent", |r| {
            publications(r).iter().all(|p| p["status"] == "SENT")
        })
        .await;
        assert_eq!(publications(&r).len(), chats.len());
        recorded.push(r);
    }
    stop(a).await;
    stop(b).await;

    assert_eq!(
        calls_of(&sb, "sendMessage").len(),
        requests.len() * chats.len()
    );
    for chat in &chats {
        let received = posts(&sb, chat);
        assert_eq!(received.len(), requests.len(), "{chat}: {received:#?}");
        for ((_, text), r) in requests.iter().zip(&recorded) {
            let matching: Vec<&MessageView> = received
                .iter()
                .filter(|m| m.text.as_deref() == Some(text.as_str()))
                .collect();
            assert_eq!(matching.len(), 1, "{chat} got {text:?} exactly once");
            assert_eq!(
                publication_for(r, chat)["messageIds"],
                json!([matching[0].message_id])
            );
        }
    }
}

#[tokio::test]
async fn the_standalone_worker_publishes_a_request_and_stops_when_told() {
    let app = spawn_sandbox_app_with(|s| s.embedded_worker = false).await;
    let tg = sandbox(&app).clone();
    let sb = tg.sandbox.clone();
    let o = officials(&app).await;
    let client = app.new_client(&["worker"]).await;
    let cli = <Cli as clap::Parser>::try_parse_from([
        "warta",
        "worker",
        "--api",
        &app.address,
        "--client-id",
        &client.client_id,
        "--client-secret",
        &client.secret,
        "--telegram-bot-token",
        &tg.bot_token,
        "--telegram-api-url",
        &tg.api_url,
        "--name",
        "standalone-test",
    ])
    .expect("the command line parses");
    let Command::Worker(args) = cli.command else {
        panic!("`warta worker` is the worker command");
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(warta::cli::run_worker(args, async move {
        let _ = stopped.await;
    }));

    let chat = "@info_unej";
    let channels = vec![channel_id(&app, chat).await];
    let id = to_publication(
        &app,
        &o,
        submission("Kuliah Umum", "Kuliah umum oleh Menteri & Rektor.", &[]),
        &channels,
    )
    .await;
    publish(&app, &o, &id).await;
    let r = wait_for(&app, &o.staff, &id, "the worker to send it", |r| {
        r["status"] == "ARCHIVING"
    })
    .await;
    let post = &posts(&sb, chat)[0];
    assert_eq!(
        publication_for(&r, chat)["link"],
        format!("https://t.me/info_unej/{}", post.message_id)
    );
    let claimed = app.event_kinds(&o.staff, &id).await;
    assert!(claimed.iter().any(|k| k == "publication_claimed"));

    // Told to stop (SIGTERM in the real process), it finishes and returns cleanly.
    stop.send(()).expect("the worker listens");
    tokio::time::timeout(PATIENCE, worker)
        .await
        .expect("the worker stops")
        .expect("no panic")
        .expect("a clean exit");
}

#[tokio::test]
async fn the_standalone_worker_refuses_to_start_with_credentials_or_a_token_that_do_not_work() {
    let app = spawn_sandbox_app_with(|s| s.embedded_worker = false).await;
    let tg = sandbox(&app).clone();
    let client = app.new_client(&["worker"]).await;
    let run = |secret: &str, token: &str| {
        let cli = <Cli as clap::Parser>::try_parse_from([
            "warta",
            "worker",
            "--api",
            &app.address,
            "--client-id",
            &client.client_id,
            "--client-secret",
            secret,
            "--telegram-bot-token",
            token,
            "--telegram-api-url",
            &tg.api_url,
        ])
        .expect("the command line parses");
        let Command::Worker(args) = cli.command else {
            panic!("`warta worker` is the worker command");
        };
        // It must return by itself; it is never told to stop.
        tokio::time::timeout(
            PATIENCE,
            warta::cli::run_worker(args, std::future::pending()),
        )
    };
    let err = run("not-the-secret", &tg.bot_token)
        .await
        .expect("it returns")
        .expect_err("wrong credentials are refused");
    assert!(format!("{err:#}").contains("refused"), "{err:#}");
    let err = run(&client.secret, "123456:not-the-token")
        .await
        .expect("it returns")
        .expect_err("a bot token Telegram refuses is refused");
    assert!(format!("{err:#}").contains("bot token"), "{err:#}");
}

#[tokio::test]
async fn the_http_worker_keeps_working_after_its_first_token_expired() {
    let app = spawn_sandbox_app_with(|s| {
        s.embedded_worker = false;
        s.access_token_ttl = Duration::from_secs(1);
    })
    .await;
    let tg = sandbox(&app).clone();
    let mut publisher = Publisher::new(over_http(&app).await, worker_settings(&tg, "renewing"))
        .expect("a publisher");
    let same_age = app.client(&["worker"]).await;
    assert_eq!(publisher.run_once().await.expect("a first batch"), 0);

    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let stale = app
        .gql_full(
            Some(&same_age),
            CLAIM_WITH_LEASE,
            json!({ "worker": "w", "lease": 30 }),
        )
        .await;
    assert_eq!(
        stale.code().as_deref(),
        Some("UNAUTHENTICATED"),
        "tokens of that age have expired"
    );
    assert_eq!(
        publisher
            .run_once()
            .await
            .expect("a batch with a new token"),
        0
    );
}

#[tokio::test]
async fn a_stopping_worker_finishes_the_job_in_hand_and_gives_back_the_rest() {
    let app = spawn_sandbox_app_with(|s| s.embedded_worker = false).await;
    let tg = sandbox(&app).clone();
    let sb = tg.sandbox.clone();
    without_rate_limits(&sb);
    let o = officials(&app).await;
    let mut channels = Vec::new();
    for chat in SANDBOX_CHANNELS {
        channels.push(channel_id(&app, chat).await);
    }
    let id = to_publication(
        &app,
        &o,
        submission(
            "Upacara Bendera",
            "Upacara 17 Agustus di halaman Rektorat.",
            &[],
        ),
        &channels,
    )
    .await;
    publish(&app, &o, &id).await;
    // The first send takes a while to be answered, so the stop arrives while it is in hand.
    sb.inject_fault(NewFault {
        method: "sendMessage".into(),
        times: 1,
        chat_id: None,
        fault: Fault::Hang {
            accept: true,
            delay_ms: Some(1_500),
        },
    })
    .expect("a fault");

    let running = start(
        Publisher::new(over_http(&app).await, worker_settings(&tg, "stopping"))
            .expect("a publisher"),
    );
    let deadline = Instant::now() + PATIENCE;
    while calls_of(&sb, "sendMessage").is_empty() {
        assert!(Instant::now() < deadline, "the worker never sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop(running).await;

    // One job was finished and reported; the two not started went back to the queue.
    let r = request(&app, &o.staff, &id).await;
    let mut statuses: Vec<&str> = publications(&r)
        .iter()
        .map(|p| p["status"].as_str().expect("a status"))
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, vec!["QUEUED", "QUEUED", "SENT"], "{r:#}");
    assert_eq!(calls_of(&sb, "sendMessage").len(), 1);

    // The next worker sends them, and nothing twice.
    let mut next =
        Publisher::new(in_process(&app).await, worker_settings(&tg, "next")).expect("a publisher");
    assert_eq!(next.run_once().await.expect("a batch"), 2);
    assert_eq!(request(&app, &o.staff, &id).await["status"], "ARCHIVING");
    for chat in SANDBOX_CHANNELS {
        assert_eq!(posts(&sb, chat).len(), 1, "{chat}");
    }
}

#[tokio::test]
async fn a_group_that_became_a_supergroup_is_followed_to_its_new_id() {
    let (app, sb, o) = unthrottled_sandbox_app().await;
    let group = sb
        .create_chat(NewChat {
            kind: ChatType::Group,
            id: None,
            title: "Grup Dosen UNEJ".into(),
            username: None,
            description: None,
            bot: None,
        })
        .expect("create a group");
    let channel = register_channel(&app, &group.id.to_string()).await;
    let supergroup = sb
        .migrate_group(&group.id.to_string())
        .expect("migrate the group")
        .id;
    assert_ne!(supergroup, group.id);

    let id = to_publication(
        &app,
        &o,
        submission("Rapat Dosen", "Rapat dosen Senin pukul 09.00 WIB.", &[]),
        std::slice::from_ref(&channel),
    )
    .await;
    publish(&app, &o, &id).await;
    let r = wait_for(&app, &o.staff, &id, "the request to reach ARCHIVING", |r| {
        r["status"] == "ARCHIVING"
    })
    .await;

    assert_eq!(publications(&r)[0]["status"], "SENT");
    assert_eq!(
        posts(&sb, &supergroup.to_string()).len(),
        1,
        "posted in the supergroup"
    );
    let stored = app.services.channels(true).await.expect("channels");
    let stored = stored
        .iter()
        .find(|c| c.id.to_string() == channel)
        .expect("the channel");
    assert_eq!(
        stored.chat_ref,
        supergroup.to_string(),
        "the new id is kept"
    );
}

#[tokio::test]
async fn an_admin_checks_whether_the_bot_may_post_in_each_channel() {
    let app = spawn_sandbox_app().await;
    let sb = sandbox(&app).sandbox.clone();
    let admin = app.login("admin", SANDBOX_PASSWORD).await;
    sb.set_bot_membership("@humas_unej", BotMembership::Kicked)
        .expect("kick the bot");
    let unknown = register_channel(&app, "@pengumuman_fmipa_unej").await;
    let check = |id: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let data = app
                .gql(
                    Some(&admin),
                    "mutation($id: ID!) { checkChannel(id: $id) { reachable title botStatus canPost problem } }",
                    json!({ "id": id }),
                )
                .await;
            data["data"]["checkChannel"].clone()
        }
    };

    let fine = check(channel_id(&app, "@info_unej").await).await;
    assert_eq!(fine["reachable"], true, "{fine}");
    assert_eq!(fine["canPost"], true, "{fine}");
    assert!(fine["problem"].is_null());
    assert_eq!(fine["title"], "Info Universitas Jember");

    let kicked = check(channel_id(&app, "@humas_unej").await).await;
    assert_eq!(kicked["canPost"], false, "{kicked}");
    assert!(
        kicked["problem"]
            .as_str()
            .is_some_and(|p| p.contains("administrator")),
        "{kicked}"
    );

    let missing = check(unknown).await;
    assert_eq!(missing["reachable"], false, "{missing}");
    assert!(
        missing["problem"]
            .as_str()
            .is_some_and(|p| p.contains("@username")),
        "{missing}"
    );

    let staff = app.login("staff", SANDBOX_PASSWORD).await;
    let refused = app
        .gql(
            Some(&staff),
            "mutation { checkChannel(id: \"1\") { canPost } }",
            json!({}),
        )
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
}

#[tokio::test]
async fn a_channel_is_checked_when_registered_or_edited_and_the_answer_is_kept() {
    let app = spawn_sandbox_app().await;
    let sb = sandbox(&app).sandbox.clone();
    let admin = app.login("admin", SANDBOX_PASSWORD).await;
    sb.create_chat(new_channel("pengumuman_fisip_unej"))
        .expect("a sandbox channel");
    const FIELDS: &str = "id checkedAt checkStatus checkProblem";
    let created = app
        .gql_ok(
            Some(&admin),
            &format!(
                "mutation($input: ChannelFields!) {{ createChannel(input: $input) {{ {FIELDS} }} }}"
            ),
            json!({ "input": { "name": "FISIP", "chatRef": "@pengumuman_fisip_unej" } }),
        )
        .await["createChannel"]
        .clone();
    assert_eq!(created["checkStatus"], "OK", "{created}");
    assert!(created["checkedAt"].is_string() && created["checkProblem"].is_null());

    // Edited to a chat the bot cannot see: the new answer replaces the old one.
    let edited = app
        .gql_ok(
            Some(&admin),
            &format!("mutation($id: ID!, $input: ChannelFields!) {{ updateChannel(id: $id, input: $input) {{ {FIELDS} }} }}"),
            json!({ "id": created["id"], "input": { "chatRef": "@tidak_ada_unej" } }),
        )
        .await["updateChannel"]
        .clone();
    assert_eq!(edited["checkStatus"], "PROBLEM", "{edited}");
    assert!(
        edited["checkProblem"]
            .as_str()
            .is_some_and(|p| p.contains("@username")),
        "{edited}"
    );

    // "Check again" after the bot lost its rights there; the channel list shows it.
    let info = channel_id(&app, "@info_unej").await;
    sb.set_bot_membership("@info_unej", BotMembership::Kicked)
        .expect("kick the bot");
    app.gql_ok(
        Some(&admin),
        "mutation($id: ID!) { checkChannel(id: $id) { canPost } }",
        json!({ "id": info }),
    )
    .await;
    let listed = app
        .gql_ok(
            Some(&admin),
            &format!("{{ channels(includeInactive: true) {{ {FIELDS} }} }}"),
            json!({}),
        )
        .await;
    let info = listed["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .find(|c| c["id"] == info.as_str())
        .expect("the channel")
        .clone();
    assert_eq!(info["checkStatus"], "PROBLEM", "{info}");
    assert!(
        info["checkProblem"]
            .as_str()
            .is_some_and(|p| p.contains("administrator")),
        "{info}"
    );
    let checks = app.admin_events("channel_checked").await;
    assert_eq!(checks.len(), 3, "each check is logged");
}

/// Starts `warta worker` as its own process: batches of 20 under a 5-second lease.
fn spawn_worker_process(
    binary: &std::path::Path,
    app: &TestApp,
    tg: &TelegramSandbox,
    client: &warta_tests::TestClient,
    name: &str,
) -> std::process::Child {
    std::process::Command::new(binary)
        .args(["worker", "--api", &app.address])
        .args(["--client-id", &client.client_id])
        .args(["--client-secret", &client.secret])
        .args(["--telegram-bot-token", &tg.bot_token])
        .args(["--telegram-api-url", &tg.api_url])
        .args(["--name", name, "--batch", "20", "--lease-secs", "5"])
        .args(["--call-timeout-secs", "2"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the worker starts")
}

/// Every publication row, as the database has it.
async fn all_publications(app: &TestApp) -> Vec<entity::publication::Model> {
    use sea_orm::EntityTrait;
    entity::publication::Entity::find()
        .all(&app.services.db.conn)
        .await
        .expect("publications")
}

#[tokio::test]
async fn a_worker_killed_mid_batch_and_restarted_posts_nothing_twice_and_loses_nothing() {
    const REQUESTS: usize = 10;
    const EXTRA_CHANNELS: usize = 17;
    let patience = Duration::from_secs(120);
    let app = spawn_sandbox_app_with(|s| s.embedded_worker = false).await;
    let tg = sandbox(&app).clone();
    let sb = tg.sandbox.clone();
    let o = officials(&app).await;
    // 20 channels, the sandbox's flood control and the worker's pacing both at Telegram's
    // real limits.
    let mut chats: Vec<String> = SANDBOX_CHANNELS.iter().map(|c| (*c).to_owned()).collect();
    let mut channels = Vec::new();
    for chat in SANDBOX_CHANNELS {
        channels.push(channel_id(&app, chat).await);
    }
    for n in 1..=EXTRA_CHANNELS {
        let username = format!("fakultas_{n}_unej");
        channels.push(new_sandbox_channel(&app, &username).await);
        chats.push(format!("@{username}"));
    }
    let mut texts = Vec::new();
    for n in 1..=REQUESTS {
        let title = format!("Pengumuman {n}");
        let narrative = format!("Pengumuman nomor {n} untuk sivitas akademika.");
        let id = to_publication(&app, &o, submission(&title, &narrative, &[]), &channels).await;
        publish(&app, &o, &id).await;
        texts.push(shown_text(&title, &narrative));
    }
    let total = REQUESTS * chats.len();
    assert_eq!(all_publications(&app).await.len(), total);
    let posted = |sb: &Sandbox| chats.iter().map(|c| posts(sb, c).len()).sum::<usize>();

    // The first worker is killed outright once it is well into its work.
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_warta-e2e"));
    let client = app.new_client(&["worker"]).await;
    let mut first = spawn_worker_process(binary, &app, &tg, &client, "crash-1");
    let deadline = Instant::now() + patience;
    while posted(&sb) < 30 {
        assert!(Instant::now() < deadline, "the first worker posts nothing");
        assert!(first.try_wait().expect("the worker").is_none(), "it runs");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    first.kill().expect("SIGKILL");
    first.wait().expect("reaped");
    let at_kill = posted(&sb);
    assert!(
        at_kill < total,
        "killed mid-way ({at_kill} of {total} posted)"
    );

    // A second worker takes over once the leases end, and everything settles.
    let mut second = spawn_worker_process(binary, &app, &tg, &client, "crash-2");
    let deadline = Instant::now() + patience;
    let rows = loop {
        let rows = all_publications(&app).await;
        if rows
            .iter()
            .all(|p| matches!(p.status.as_str(), "sent" | "uncertain"))
        {
            break rows;
        }
        let stuck: Vec<(i64, &str)> = rows
            .iter()
            .filter(|p| !matches!(p.status.as_str(), "sent" | "uncertain"))
            .map(|p| (p.id, p.status.as_str()))
            .collect();
        assert!(
            Instant::now() < deadline,
            "not settled after {patience:?}: {stuck:?}"
        );
        assert!(second.try_wait().expect("the worker").is_none(), "it runs");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    second.kill().expect("stop the second worker");
    second.wait().expect("reaped");

    // Read back every chat: no text twice, and each sent publication is the post it names.
    let chat_of: std::collections::HashMap<i64, String> = app
        .services
        .channels(true)
        .await
        .expect("channels")
        .into_iter()
        .map(|c| (c.id, c.chat_ref))
        .collect();
    let mut uncertain = 0;
    for chat in &chats {
        let received = posts(&sb, chat);
        for text in &texts {
            let copies = received
                .iter()
                .filter(|m| m.text.as_deref() == Some(text.as_str()))
                .count();
            assert!(copies <= 1, "{chat} got {text:?} {copies} times");
        }
    }
    for p in &rows {
        let chat = &chat_of[&p.channel_id];
        let ids: Vec<i64> = p
            .message_ids
            .as_ref()
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        match p.status.as_str() {
            "sent" => {
                assert_eq!(ids.len(), 1, "{p:?}");
                assert!(
                    posts(&sb, chat)
                        .iter()
                        .any(|m| i64::from(m.message_id) == ids[0]),
                    "{chat} lacks the post {p:?} names"
                );
                assert!(p.sent_sha256.as_ref().is_some_and(|s| s.len() == 64));
            }
            _ => uncertain += 1,
        }
    }
    // Only a job whose first call had started may be uncertain: at most one batch's worth.
    assert!(uncertain <= 20, "{uncertain} uncertain");
    let sent = rows.len() - uncertain;
    let on_telegram = posted(&sb);
    assert!(
        on_telegram >= sent && on_telegram <= sent + uncertain,
        "{on_telegram} posts for {sent} sent and {uncertain} uncertain"
    );
    let throttled = sb.calls().into_iter().filter(|c| c.status == 429).count();
    assert_eq!(throttled, 0, "paced under Telegram's limits");
}
