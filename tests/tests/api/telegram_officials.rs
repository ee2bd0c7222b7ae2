//! Officials acting from Telegram, end to end, against the sandbox through the real server: a
//! step lands and the official's linked chat gets a direct message with the step's buttons
//! (step 3's checklist confirmed with one press);
//! presses act through the API's rules as that official (and are refused when pressed by
//! someone else, twice, too late, or after the step moved on); a return asks for its reason
//! with a force-reply; requesters hear of the outcome; reminders and the escalation of a
//! missed deadline are sent once; a 429 is waited out and the message sent once.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};
use serde_json::{Value, json};
use warta::telegram::sandbox::{ButtonPress, Fault, MessageView, NewFault, NewUser, UserMessage};
use warta_tests::{Role, Stage, TestApp, TestUser, spawn_sandbox_app_with};

const PATIENCE: Duration = Duration::from_secs(20);

const REQUEST: &str = "query($id: ID!) {
  request(id: $id) { id status currentStepNumber version holderRole }
}";

const EVENTS: &str = "query($id: ID!) { events(requestId: $id) { kind actor { id } } }";

/// A sandbox server whose bot and notifier run, the notifier checking often; the embedded
/// publisher is off, so the walk reports publications itself.
async fn spawn_bot_app() -> TestApp {
    spawn_sandbox_app_with(|s| {
        s.push_notifier = true;
        s.bot = true;
        s.push_check_interval = Duration::from_millis(200);
        s.embedded_worker = false;
    })
    .await
}

/// Links `user` to a new sandbox account that started the bot; returns the chat id.
pub(crate) async fn link(app: &TestApp, user: &TestUser) -> i64 {
    let sandbox = &app.sandbox.as_ref().expect("sandbox mode").sandbox;
    let chat_id = 900_000_000 + user.id;
    sandbox
        .create_user(NewUser {
            id: Some(chat_id),
            first_name: user.username.clone(),
            last_name: None,
            username: None,
            language_code: Some("id".into()),
            started: true,
        })
        .expect("a sandbox user");
    entity::telegram_account::ActiveModel {
        user_id: Set(user.id),
        chat_id: Set(chat_id),
        username: Set(None),
        linked_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.services.db.conn)
    .await
    .expect("a linked chat");
    chat_id
}

pub(crate) fn bot_messages(app: &TestApp, chat_id: i64) -> Vec<MessageView> {
    app.sandbox
        .as_ref()
        .expect("sandbox mode")
        .sandbox
        .messages(&chat_id.to_string())
        .expect("the chat")
        .into_iter()
        .filter(|m| m.from_bot)
        .collect()
}

/// Waits for the `n`-th message (counting from 1) the bot sent to the chat.
pub(crate) async fn wait_for_message(app: &TestApp, chat_id: i64, n: usize) -> MessageView {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let messages = bot_messages(app, chat_id);
        if messages.len() >= n {
            return messages[n - 1].clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "chat {chat_id} got {} messages, not {n}: {messages:#?}",
            messages.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until `check` holds for the chat's bot messages.
pub(crate) async fn wait_until(
    app: &TestApp,
    chat_id: i64,
    what: &str,
    check: impl Fn(&[MessageView]) -> bool,
) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let messages = bot_messages(app, chat_id);
        if check(&messages) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "chat {chat_id}: {what}: {messages:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The callback buttons of a message: (text, callback_data).
fn buttons(message: &MessageView) -> Vec<(String, String)> {
    message.reply_markup.as_ref().map_or_else(Vec::new, |m| {
        m["inline_keyboard"]
            .as_array()
            .expect("rows")
            .iter()
            .flat_map(|row| row.as_array().expect("a row").iter())
            .filter_map(|b| {
                Some((
                    b["text"].as_str()?.to_owned(),
                    b["callback_data"].as_str()?.to_owned(),
                ))
            })
            .collect()
    })
}

/// The texts of a message's callback buttons, in order.
fn labels(message: &MessageView) -> Vec<String> {
    buttons(message).into_iter().map(|(text, _)| text).collect()
}

pub(crate) fn button(message: &MessageView, text: &str) -> String {
    buttons(message)
        .into_iter()
        .find(|(t, _)| t == text)
        .unwrap_or_else(|| panic!("no button {text:?}: {:?}", message.reply_markup))
        .1
}

/// Presses a button on a message of the user's own chat and waits for the bot's answer text.
pub(crate) async fn press(app: &TestApp, chat_id: i64, message_id: i32, data: &str) -> String {
    let sandbox = &app.sandbox.as_ref().expect("sandbox mode").sandbox;
    let pressed = sandbox
        .press_button(
            chat_id,
            ButtonPress {
                chat_id: None,
                message_id,
                data: data.to_owned(),
            },
        )
        .expect("a press");
    let id = pressed["callback_query_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let answered = sandbox
            .callbacks()
            .into_iter()
            .find(|c| c.id == id)
            .and_then(|c| c.answer);
        if let Some(answer) = answered {
            return answer["text"].as_str().unwrap_or_default().to_owned();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "press {id} not answered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses the button labelled `label` on a message and waits for the bot's answer text.
pub(crate) async fn press_button(
    app: &TestApp,
    chat_id: i64,
    message: &MessageView,
    label: &str,
) -> String {
    press(app, chat_id, message.message_id, &button(message, label)).await
}

/// Presses a step-1 message's forward button and checks the answer the official reads.
pub(crate) async fn forward_to_bureau_head(app: &TestApp, chat_id: i64, message: &MessageView) {
    let answer = press_button(app, chat_id, message, "Disposisi ke Kepala BPKH").await;
    assert_eq!(
        answer,
        "Didisposisikan ke Kepala BPKH (untuk ditindaklanjuti)."
    );
}

fn write(app: &TestApp, chat_id: i64, text: &str) {
    app.sandbox
        .as_ref()
        .expect("sandbox mode")
        .sandbox
        .user_message(
            chat_id,
            UserMessage {
                chat_id: None,
                text: Some(text.into()),
                photo: None,
                video: None,
                document: None,
                caption: None,
                media_group_id: None,
                reply_to_message_id: None,
            },
        )
        .expect("a message to the bot");
}

/// The message as last edited: its text and buttons.
fn current(message: &MessageView) -> (String, Option<Value>) {
    match message.edits.last() {
        Some(edit) => (
            edit.text.clone().unwrap_or_default(),
            edit.reply_markup.clone(),
        ),
        None => (
            message.text.clone().unwrap_or_default(),
            message.reply_markup.clone(),
        ),
    }
}

async fn request(app: &TestApp, token: &str, id: &str) -> Value {
    app.gql_ok(Some(token), REQUEST, json!({ "id": id })).await["request"].clone()
}

#[tokio::test]
async fn a_step_lands_as_a_direct_message_and_its_button_forwards_as_the_official() {
    let app = spawn_bot_app().await;
    let vr = app.user(Role::ViceRector).await;
    let bh = app.user(Role::BureauHead).await;
    let vr_chat = link(&app, &vr).await;
    let bh_chat = link(&app, &bh).await;
    let requester = app.new_user(&[Role::Requester]).await;
    let (id, agenda) = app.submit(&requester, "Pameran <buku> & seni").await;

    let dm = wait_for_message(&app, vr_chat, 1).await;
    let text = dm.text.clone().expect("a text");
    assert!(
        text.starts_with(&format!(
            "Disposisi baru: {agenda}\nPameran <buku> & seni\nLangkah 1. Disposisi, batas waktu "
        )),
        "{text}"
    );
    assert!(text.contains(" WIB."), "{text}");
    assert!(
        text.contains("\nSasaran: Sivitas akademika Universitas Jember"),
        "{text}"
    );
    let html = dm
        .sent_as
        .as_ref()
        .and_then(|s| s.raw.clone())
        .expect("sent as HTML");
    assert!(html.contains("Pameran &lt;buku&gt; &amp; seni"), "{html}");
    assert!(
        html.contains(&format!(
            "<a href=\"{}/request/{id}\">",
            app.services.settings.public_url
        )),
        "{html}"
    );
    let offered = buttons(&dm);
    assert_eq!(
        labels(&dm),
        ["Disposisi ke Kepala BPKH", "Kembalikan", "Tolak"]
    );
    assert!(offered.iter().all(|(_, data)| data.len() <= 64));

    forward_to_bureau_head(&app, vr_chat, &dm).await;
    let r = request(&app, &vr.token, &id).await;
    assert_eq!(r["currentStepNumber"], 2);
    assert_eq!(r["holderRole"], "BUREAU_HEAD");
    let events = app
        .gql_ok(Some(&vr.token), EVENTS, json!({ "id": id }))
        .await;
    let forwarded = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "forwarded")
        .expect("a forwarded event")
        .clone();
    assert_eq!(forwarded["actor"]["id"], vr.gid);

    // The message now says what was done, by whom and when, and has no buttons left.
    wait_until(&app, vr_chat, "the message shows the action", |m| {
        !m[0].edits.is_empty()
    })
    .await;
    let (text, markup) = current(&bot_messages(&app, vr_chat)[0]);
    assert!(
        text.contains(&format!(
            "Didisposisikan ke Kepala BPKH (untuk ditindaklanjuti) oleh {}",
            vr_full_name(&app, &vr).await
        )),
        "{text}"
    );
    assert!(text.contains(" WIB."), "{text}");
    assert!(markup.is_none(), "{markup:?}");

    // The step landed on the bureau head, who chooses the channels before forwarding.
    let next = wait_for_message(&app, bh_chat, 1).await;
    assert!(
        next.text
            .as_deref()
            .unwrap_or_default()
            .contains("Langkah 2. Instruksi")
    );
    assert_eq!(
        labels(&next),
        [
            "☐ Humas UNEJ",
            "☐ Info Universitas Jember",
            "☐ Kabar Mahasiswa UNEJ",
            "Teruskan ke Koordinator PKIH",
            "Kembalikan",
            "Tolak"
        ]
    );
}

/// The texts of the buttons a message shows now, after any edits.
fn current_labels(message: &MessageView) -> Vec<String> {
    let (text, markup) = current(message);
    labels(&MessageView {
        text: Some(text),
        reply_markup: markup,
        edits: Vec::new(),
        ..message.clone()
    })
}

#[tokio::test]
async fn the_bureau_head_ticks_the_channels_and_forwards_from_the_message() {
    let app = spawn_bot_app().await;
    let bh = app.user(Role::BureauHead).await;
    let bh_chat = link(&app, &bh).await;
    let walked = app.request_at(Stage::Instruction).await;
    let dm = wait_for_message(&app, bh_chat, 1).await;
    let text = dm.text.clone().expect("a text");
    assert!(
        text.contains("Pilih kanal publikasi (☐ → ☑), lalu tekan «Teruskan ke Koordinator PKIH»."),
        "{text}"
    );

    // Forwarding with nothing ticked is refused and changes nothing.
    let answer = press_button(&app, bh_chat, &dm, "Teruskan ke Koordinator PKIH").await;
    assert_eq!(answer, "Pilih dulu minimal satu kanal (☐ → ☑).");
    assert_eq!(
        request(&app, &bh.token, &walked.id).await["currentStepNumber"],
        2
    );

    // Two ticks and one untick: the message shows the choice.
    for label in ["☐ Info Universitas Jember", "☐ Humas UNEJ", "☐ Humas UNEJ"] {
        let ticks = bot_messages(&app, bh_chat)[0].edits.len();
        let answer = press_button(&app, bh_chat, &dm, label).await;
        assert!(answer.ends_with(" dipilih."), "{answer}");
        wait_until(&app, bh_chat, "the box flips", |m| m[0].edits.len() > ticks).await;
    }
    assert_eq!(
        current_labels(&bot_messages(&app, bh_chat)[0])[..3],
        [
            "☐ Humas UNEJ",
            "☑ Info Universitas Jember",
            "☐ Kabar Mahasiswa UNEJ"
        ]
    );

    let answer = press_button(&app, bh_chat, &dm, "Teruskan ke Koordinator PKIH").await;
    assert_eq!(
        answer,
        "Diteruskan ke Koordinator PKIH dengan kanal terpilih."
    );
    let d = app
        .gql_ok(
            Some(&bh.token),
            "query($id: ID!) { request(id: $id) { currentStepNumber holderRole channels { name } } }",
            json!({ "id": walked.id }),
        )
        .await;
    assert_eq!(d["request"]["currentStepNumber"], 3);
    assert_eq!(d["request"]["holderRole"], "PKIH_COORDINATOR");
    assert_eq!(
        d["request"]["channels"],
        json!([{ "name": "Info Universitas Jember" }])
    );
}

#[tokio::test]
async fn the_pkih_coordinator_confirms_the_checklist_with_one_press() {
    let app = spawn_bot_app().await;
    let pkih = app.user(Role::PkihCoordinator).await;
    let pkih_chat = link(&app, &pkih).await;
    let walked = app.request_at(Stage::Verification).await;

    let dm = wait_for_message(&app, pkih_chat, 1).await;
    let text = dm.text.clone().expect("a text");
    assert!(text.contains("Langkah 3."), "{text}");
    assert!(
        text.contains("Anda menyatakan:\n• Surat permohonan bertanda tangan terlampir"),
        "{text}"
    );
    assert_eq!(
        labels(&dm),
        ["Data lengkap, teruskan", "Kembalikan", "Tolak"]
    );
    let answer = press_button(&app, pkih_chat, &dm, "Data lengkap, teruskan").await;
    assert_eq!(
        answer,
        "Data dinyatakan lengkap, diteruskan ke Wakil Koordinator Humas."
    );
    let d = app
        .gql_ok(
            Some(&pkih.token),
            "query($id: ID!) { request(id: $id) { currentStepNumber holderRole checklist {
                letterAttached requesterIdentified scheduleClear contactClear mediaSuitable
            } } }",
            json!({ "id": walked.id }),
        )
        .await;
    assert_eq!(d["request"]["currentStepNumber"], 4);
    assert_eq!(d["request"]["holderRole"], "HUMAS_DEPUTY");
    assert_eq!(
        d["request"]["checklist"],
        json!({
            "letterAttached": true, "requesterIdentified": true, "scheduleClear": true,
            "contactClear": true, "mediaSuitable": true,
        })
    );
}

async fn vr_full_name(app: &TestApp, user: &TestUser) -> String {
    app.services
        .user_by_id(user.id)
        .await
        .expect("the user")
        .full_name
}

#[tokio::test]
async fn presses_by_someone_else_twice_or_after_the_step_moved_on_change_nothing() {
    let app = spawn_bot_app().await;
    let vr = app.user(Role::ViceRector).await;
    let other_vr = app.new_user(&[Role::ViceRector]).await;
    let vr_chat = link(&app, &vr).await;
    let other_chat = link(&app, &other_vr).await;
    let requester = app.new_user(&[Role::Requester]).await;
    let (id, _) = app.submit(&requester, "Seminar nasional").await;
    let mine = wait_for_message(&app, vr_chat, 1).await;
    let theirs = wait_for_message(&app, other_chat, 1).await;
    let forward = button(&mine, "Disposisi ke Kepala BPKH");

    // Someone else sends my button's data from their own chat.
    let answer = press(&app, other_chat, theirs.message_id, &forward).await;
    assert_eq!(answer, "Tombol ini bukan untuk Anda.");
    let version = request(&app, &vr.token, &id).await["version"].clone();
    assert_eq!(request(&app, &vr.token, &id).await["currentStepNumber"], 1);

    // Mine works once; the second press is told so.
    let answer = press(&app, vr_chat, mine.message_id, &forward).await;
    assert!(answer.starts_with("Didisposisikan"), "{answer}");
    let answer = press(&app, vr_chat, mine.message_id, &forward).await;
    assert_eq!(answer, "Tombol ini sudah dipakai.");
    let after = request(&app, &vr.token, &id).await;
    assert_eq!(after["currentStepNumber"], 2);
    assert_eq!(after["version"].as_i64(), version.as_i64().map(|v| v + 1));

    // The other vice rector's own button is stale now: the step moved on.
    let answer = press_button(&app, other_chat, &theirs, "Tolak").await;
    assert!(
        answer.starts_with("Permohonan ini sudah berubah"),
        "{answer}"
    );
    let answer = press_button(&app, other_chat, &theirs, "Disposisi ke Kepala BPKH").await;
    assert!(
        answer.starts_with("Permohonan ini sudah berubah"),
        "{answer}"
    );
    wait_until(&app, other_chat, "the stale buttons are taken off", |m| {
        current(&m[0]).1.is_none()
    })
    .await;
    assert_eq!(request(&app, &vr.token, &id).await["currentStepNumber"], 2);
    assert_eq!(
        app.event_kinds(&vr.token, &id).await,
        ["submitted", "forwarded"]
    );
}

#[tokio::test]
async fn a_step_changed_in_the_pwa_or_an_expired_button_is_refused_clearly() {
    let app = spawn_bot_app().await;
    let vr = app.user(Role::ViceRector).await;
    let vr_chat = link(&app, &vr).await;
    let requester = app.new_user(&[Role::Requester]).await;

    // Expired: the token's time is up.
    let (first, _) = app.submit(&requester, "Lomba debat").await;
    let dm = wait_for_message(&app, vr_chat, 1).await;
    entity::telegram_action::Entity::update_many()
        .col_expr(
            entity::telegram_action::Column::ExpiresAt,
            Expr::value(Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&app.services.db.conn)
        .await
        .expect("expire the buttons");
    let answer = press_button(&app, vr_chat, &dm, "Disposisi ke Kepala BPKH").await;
    assert!(
        answer.starts_with("Tombol ini sudah kedaluwarsa"),
        "{answer}"
    );
    assert_eq!(
        request(&app, &vr.token, &first).await["currentStepNumber"],
        1
    );

    // Changed in the PWA: the vice rector forwards there, then presses the old button.
    let (second, _) = app.submit(&requester, "Bazar UMKM").await;
    let dm = wait_for_message(&app, vr_chat, 2).await;
    app.gql_ok(
        Some(&vr.token),
        warta_tests::walk::FORWARD,
        json!({ "input": { "requestId": second, "instruction": "UNTUK_DIKETAHUI" } }),
    )
    .await;
    let answer = press_button(&app, vr_chat, &dm, "Disposisi ke Kepala BPKH").await;
    assert!(
        answer.starts_with("Permohonan ini sudah berubah"),
        "{answer}"
    );
    let kinds = app.event_kinds(&vr.token, &second).await;
    assert_eq!(kinds, ["submitted", "forwarded"]);
}

#[tokio::test]
async fn a_return_asks_for_the_reason_and_the_requester_reads_it() {
    let app = spawn_bot_app().await;
    let vr = app.user(Role::ViceRector).await;
    let vr_chat = link(&app, &vr).await;
    let requester = app.new_user(&[Role::Requester]).await;
    let requester_chat = link(&app, &requester).await;
    let (id, agenda) = app.submit(&requester, "Donor darah").await;
    let dm = wait_for_message(&app, vr_chat, 1).await;

    // A rejection started and cancelled changes nothing.
    let answer = press_button(&app, vr_chat, &dm, "Tolak").await;
    assert_eq!(answer, "Tulis alasannya sebagai balasan.");
    let prompt = wait_for_message(&app, vr_chat, 2).await;
    assert!(
        prompt
            .text
            .as_deref()
            .unwrap_or_default()
            .starts_with("Tulis alasan penolakan")
    );
    write(&app, vr_chat, "/batal");
    let reply = wait_for_message(&app, vr_chat, 3).await;
    assert_eq!(
        reply.text.as_deref(),
        Some("Dibatalkan; permohonan tidak diubah.")
    );
    assert_eq!(request(&app, &vr.token, &id).await["status"], "DISPOSITION");

    // A return: the prompt forces a reply, and the next message is the reason.
    let answer = press_button(&app, vr_chat, &dm, "Kembalikan").await;
    assert_eq!(answer, "Tulis alasannya sebagai balasan.");
    let prompt = wait_for_message(&app, vr_chat, 4).await;
    assert!(
        prompt
            .text
            .as_deref()
            .unwrap_or_default()
            .starts_with("Tulis alasan pengembalian")
    );
    assert_eq!(
        prompt
            .reply_markup
            .as_ref()
            .map(|m| m["force_reply"].clone()),
        Some(json!(true))
    );
    write(
        &app,
        vr_chat,
        "Lampirkan surat permohonan resmi dari fakultas",
    );
    let done = wait_for_message(&app, vr_chat, 5).await;
    assert_eq!(done.text.as_deref(), Some("Dikembalikan ke pemohon."));
    assert_eq!(request(&app, &vr.token, &id).await["status"], "RETURNED");
    let (text, markup) = current(&bot_messages(&app, vr_chat)[0]);
    assert!(text.contains("Dikembalikan ke pemohon oleh"), "{text}");
    assert!(markup.is_none());

    // The requester is told, with the reason.
    let told = wait_for_message(&app, requester_chat, 1).await;
    let text = told.text.clone().expect("a text");
    assert!(
        text.starts_with(&format!("Dikembalikan untuk revisi: {agenda}")),
        "{text}"
    );
    assert!(
        text.contains("Alasan: Lampirkan surat permohonan resmi dari fakultas"),
        "{text}"
    );
    assert!(buttons(&told).is_empty());
}

#[tokio::test]
async fn the_requester_is_told_of_the_publication_with_its_links() {
    let app = spawn_bot_app().await;
    let requester = app.new_user(&[Role::Requester]).await;
    let chat = link(&app, &requester).await;
    let walked = app.request_at_by(Stage::Archiving, requester).await;
    wait_until(&app, chat, "the publication is announced", |m| {
        m.iter().any(|m| {
            m.text
                .as_deref()
                .unwrap_or_default()
                .starts_with("Sudah terbit")
        })
    })
    .await;
    let told = bot_messages(&app, chat)
        .into_iter()
        .find(|m| {
            m.text
                .as_deref()
                .unwrap_or_default()
                .starts_with("Sudah terbit")
        })
        .expect("the news");
    let text = told.text.expect("a text");
    assert!(
        text.starts_with(&format!("Sudah terbit: {}", walked.agenda_number)),
        "{text}"
    );
    assert!(text.contains("https://t.me/c/1234567/100"), "{text}");
    assert!(text.contains("https://t.me/c/1234567/101"), "{text}");
}

#[tokio::test]
async fn a_reminder_and_the_escalation_of_a_missed_deadline_are_sent_once() {
    let app = spawn_bot_app().await;
    let vr = app.user(Role::ViceRector).await;
    let vr_chat = link(&app, &vr).await;
    let admin = app.new_user(&[Role::Admin]).await;
    let admin_chat = link(&app, &admin).await;
    let requester = app.new_user(&[Role::Requester]).await;
    let (id, agenda) = app.submit(&requester, "Kuliah umum").await;
    wait_for_message(&app, vr_chat, 1).await;
    let request_id: i64 = id.parse().expect("an id");
    let age = |created: chrono::DateTime<Utc>, deadline: chrono::DateTime<Utc>| {
        entity::disposition::Entity::update_many()
            .col_expr(entity::disposition::Column::CreatedAt, Expr::value(created))
            .col_expr(
                entity::disposition::Column::SlaDeadline,
                Expr::value(deadline),
            )
            .filter(entity::disposition::Column::RequestId.eq(request_id))
            .exec(&app.services.db.conn)
    };

    // Most of the day has passed: a reminder.
    let now = Utc::now();
    age(
        now - chrono::Duration::hours(23),
        now + chrono::Duration::hours(1),
    )
    .await
    .expect("age the step");
    let reminder = wait_for_message(&app, vr_chat, 2).await;
    let text = reminder.text.clone().expect("a text");
    assert!(
        text.starts_with(&format!("Pengingat batas waktu: {agenda}")),
        "{text}"
    );
    assert!(text.contains("(sisa 59 menit)"), "{text}");
    assert_eq!(
        labels(&reminder),
        ["Disposisi ke Kepala BPKH", "Kembalikan", "Tolak"]
    );

    // The deadline passed: the administrator (above the vice rector) hears of it.
    age(
        now - chrono::Duration::hours(25),
        now - chrono::Duration::minutes(1),
    )
    .await
    .expect("miss the deadline");
    let escalated = wait_for_message(&app, admin_chat, 1).await;
    let text = escalated.text.expect("a text");
    assert!(
        text.starts_with(&format!("Batas waktu terlewati: {agenda}")),
        "{text}"
    );
    assert!(
        text.contains("Langkah 1. Disposisi pada Wakil Rektor III belum selesai"),
        "{text}"
    );

    // Several checks later, each was sent once and is on record.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(bot_messages(&app, vr_chat).len(), 2);
    assert_eq!(bot_messages(&app, admin_chat).len(), 1);
    let escalations = entity::step_escalation::Entity::find()
        .all(&app.services.db.conn)
        .await
        .expect("escalations");
    assert_eq!(escalations.len(), 1);
    assert_eq!(escalations[0].to_role, "admin");
    let events = app.admin_events("step_escalated").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["request_id"], request_id);
    assert_eq!(events[0]["holder_role"], "vice_rector");

    // Late, the vice rector still acts from the reminder: its buttons outlive the deadline.
    forward_to_bureau_head(&app, vr_chat, &reminder).await;
    let r = request(&app, &vr.token, &id).await;
    assert_eq!(r["currentStepNumber"], 2);
}

#[tokio::test]
async fn a_direct_message_refused_with_429_is_sent_once_after_the_wait() {
    let app = spawn_bot_app().await;
    let vr = app.user(Role::ViceRector).await;
    let vr_chat = link(&app, &vr).await;
    let sandbox = &app.sandbox.as_ref().expect("sandbox mode").sandbox;
    sandbox
        .inject_fault(NewFault {
            method: "sendMessage".into(),
            times: 1,
            chat_id: Some(json!(vr_chat)),
            fault: Fault::Error {
                error_code: 429,
                description: "Too Many Requests: retry after 1".into(),
                parameters: Some(json!({ "retry_after": 1 })),
            },
        })
        .expect("a fault");
    let requester = app.new_user(&[Role::Requester]).await;
    let (_, agenda) = app.submit(&requester, "Dies natalis").await;

    let dm = wait_for_message(&app, vr_chat, 1).await;
    let text = dm.text.clone().expect("a text");
    assert!(
        text.starts_with(&format!("Disposisi baru: {agenda}")),
        "{text}"
    );
    let sends: Vec<_> = crate::telegram::calls_of(sandbox, "sendMessage")
        .into_iter()
        .filter(|c| c.chat_id.as_deref() == Some(vr_chat.to_string().as_str()))
        .collect();
    assert_eq!(
        sends.iter().map(|c| c.status).collect::<Vec<_>>(),
        [429, 200],
        "{sends:#?}"
    );
    // Telegram's wait was honoured, not guessed at.
    assert!(sends[1].at_ms - sends[0].at_ms >= 1000, "{sends:#?}");
    // The notifier's next checks find nothing left to send.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(bot_messages(&app, vr_chat).len(), 1);
}

#[tokio::test]
async fn a_chat_that_blocked_the_bot_is_marked_and_left_alone() {
    let app = spawn_bot_app().await;
    let vr = app.user(Role::ViceRector).await;
    let vr_chat = link(&app, &vr).await;
    let sandbox = &app.sandbox.as_ref().expect("sandbox mode").sandbox;
    sandbox
        .set_user_blocked(vr_chat, true)
        .expect("block the bot");
    let requester = app.new_user(&[Role::Requester]).await;
    app.submit(&requester, "Pentas seni").await;

    let deadline = tokio::time::Instant::now() + PATIENCE;
    let blocked = loop {
        let row = entity::telegram_dm::Entity::find_by_id(vr.id)
            .one(&app.services.db.conn)
            .await
            .expect("the record");
        if let Some(row) = row.filter(|r| r.blocked_at.is_some()) {
            break row;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the blocked chat is not marked"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(blocked.chat_id, vr_chat);
    assert_eq!(app.admin_events("telegram_chat_blocked").await.len(), 1);
    let sends = || {
        sandbox
            .calls()
            .into_iter()
            .filter(|c| {
                c.method == "sendMessage" && c.chat_id.as_deref() == Some(&vr_chat.to_string())
            })
            .count()
    };
    assert_eq!(sends(), 1);

    // The next step for the vice rector does not try the blocked chat again.
    app.submit(&requester, "Pentas musik").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let notified = app.admin_events("notification_pushed").await;
    assert_eq!(notified.len(), 2, "{notified:?}");
    assert_eq!(sends(), 1);
}
