//! The Telegram bot against the sandbox, through the real server: linking a chat with a
//! one-time code, the intake dialogue ending in a request at step 1 with its letter and media,
//! an album split across `getUpdates` batches with a restart in between, `/status`, updates
//! neither lost nor handled twice across a restart, an answer and a confirmation handled again
//! after a crash taking effect once, a second poller (409), and webhook mode.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};
use warta::telegram::sandbox::{
    AlbumItem, FileSpec, MessageView, NewUser, UserAlbum, UserMessage, media::FileKind,
};
use warta_tests::{Role, TestApp, TestUser, error_code, spawn_sandbox_app_with};

async fn bot_app() -> TestApp {
    spawn_sandbox_app_with(|s| s.bot = true).await
}

/// A Telegram user who has opened the chat with the bot.
fn telegram_user(app: &TestApp, username: &str, language: &str) -> i64 {
    sandbox(app)
        .create_user(NewUser {
            id: None,
            first_name: username.to_owned(),
            last_name: None,
            username: Some(username.to_owned()),
            language_code: Some(language.to_owned()),
            started: true,
        })
        .expect("a sandbox user")
        .id
}

fn sandbox(app: &TestApp) -> &warta::telegram::sandbox::Sandbox {
    &app.sandbox.as_ref().expect("sandbox mode").sandbox
}

/// What the bot sent to a private chat so far, oldest first.
fn bot_messages(app: &TestApp, chat: i64) -> Vec<MessageView> {
    sandbox(app)
        .messages(&chat.to_string())
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.from_bot)
        .collect()
}

fn text_of(m: &MessageView) -> String {
    m.text.clone().unwrap_or_default()
}

/// Sends a message as the user and returns the bot's answers to it (waiting for `answers`
/// messages).
pub(crate) async fn send(
    app: &TestApp,
    user: i64,
    message: UserMessage,
    answers: usize,
) -> Vec<String> {
    let before = bot_messages(app, user).len();
    sandbox(app)
        .user_message(user, message)
        .expect("the user writes");
    replies(app, user, before, answers).await
}

pub(crate) async fn say(app: &TestApp, user: i64, text: &str) -> String {
    send(
        app,
        user,
        UserMessage {
            text: Some(text.to_owned()),
            ..UserMessage::default()
        },
        1,
    )
    .await
    .remove(0)
}

/// Waits until the bot has sent `count` messages after the first `before`.
async fn replies(app: &TestApp, chat: i64, before: usize, count: usize) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let all = bot_messages(app, chat);
        if all.len() >= before + count {
            return all[before..].iter().map(text_of).collect();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the bot sent {} of {count} answers; it sent {:?}",
            all.len() - before,
            all.iter().map(text_of).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn link_code(app: &TestApp, user: &TestUser) -> Value {
    app.gql_ok(
        Some(&user.token),
        "mutation { createTelegramLinkCode { code expiresAt deepLink } }",
        json!({}),
    )
    .await["createTelegramLinkCode"]
        .clone()
}

/// A requester whose Telegram chat is linked.
pub(crate) async fn linked_requester(app: &TestApp, language: &str) -> (TestUser, i64) {
    let user = app.new_user(&[Role::Requester]).await;
    let chat = telegram_user(
        app,
        &format!("tg_{}", user.username.replace('-', "_")),
        language,
    );
    let code = link_code(app, &user).await;
    let answer = say(
        app,
        chat,
        &format!("/link {}", code["code"].as_str().unwrap()),
    )
    .await;
    assert!(answer.contains("Test requester"), "{answer}");
    (user, chat)
}

pub(crate) fn pdf(name: &str) -> UserMessage {
    UserMessage {
        document: Some(FileSpec {
            file_name: Some(name.to_owned()),
            mime_type: Some("application/pdf".into()),
            size: Some(4096),
            ..FileSpec::default()
        }),
        ..UserMessage::default()
    }
}

fn photo(album: Option<&str>) -> UserMessage {
    UserMessage {
        photo: Some(FileSpec {
            size: Some(3000),
            ..FileSpec::default()
        }),
        media_group_id: album.map(str::to_owned),
        ..UserMessage::default()
    }
}

/// Answers the questions up to the request letter.
pub(crate) async fn answer_up_to_letter(app: &TestApp, chat: i64, title: &str) {
    assert!(say(app, chat, "/baru").await.contains("judul"));
    assert!(say(app, chat, title).await.contains("narasi"));
    assert!(
        say(
            app,
            chat,
            "Universitas Jember membuka pendaftaran beasiswa prestasi."
        )
        .await
        .contains("sasaran")
    );
    assert!(say(app, chat, "mahasiswa").await.contains("dd-mm-yyyy"));
    assert!(say(app, chat, "besok").await.contains("surat permohonan"));
}

/// My requests as GraphQL shows them, newest first.
pub(crate) async fn my_requests(app: &TestApp, user: &TestUser) -> Vec<Value> {
    app.gql_ok(
        Some(&user.token),
        "{ requests(filter: {mine: true}) { nodes { id agendaNumber title audience desiredDate status currentStepNumber narrative: content { narrative } attachments { kind filename contentType } } } }",
        json!({}),
    )
    .await["requests"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn kinds(request: &Value) -> (usize, usize) {
    let attachments = request["attachments"].as_array().unwrap();
    let letters = attachments.iter().filter(|a| a["kind"] == "letter").count();
    (letters, attachments.len() - letters)
}

/// Waits until every update the sandbox holds was taken and the bot handled what it stored.
async fn settled(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let waiting = sandbox(app).pending_updates().len();
        let unhandled = app
            .services
            .unprocessed_telegram_updates(10)
            .await
            .unwrap()
            .len();
        if waiting == 0 && unhandled == 0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "updates stay unhandled"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn linking_takes_a_fresh_code_once_and_refuses_wrong_expired_and_used_ones() {
    let app = bot_app().await;
    let user = app.new_user(&[Role::Requester]).await;
    let chat = telegram_user(&app, "siti_r", "id");

    // Before linking, the bot says how to link.
    assert!(say(&app, chat, "/status").await.contains("/link KODE"));
    let wrong = say(&app, chat, "/link ZZZZ-ZZZZ").await;
    assert!(wrong.contains("kode tidak dikenal"), "{wrong}");

    let code = link_code(&app, &user).await;
    let text = code["code"].as_str().unwrap();
    assert_eq!(text.len(), 9, "{text}");
    let expires: chrono::DateTime<Utc> = code["expiresAt"].as_str().unwrap().parse().unwrap();
    let ttl = expires - Utc::now();
    assert!(ttl > chrono::Duration::minutes(9) && ttl <= chrono::Duration::minutes(10));
    let deep_link = code["deepLink"].as_str().unwrap();
    assert_eq!(
        deep_link,
        format!(
            "https://t.me/warta_sandbox_bot?start={}",
            text.replace('-', "")
        )
    );
    // The deep link's `/start CODE`, as Telegram sends it.
    let linked = say(&app, chat, &format!("/start {}", text.replace('-', ""))).await;
    assert!(
        linked.contains("Terhubung sebagai Test requester"),
        "{linked}"
    );
    let shown = app
        .gql_ok(
            Some(&user.token),
            "{ telegramLink { username chatId user { username } } }",
            json!({}),
        )
        .await;
    assert_eq!(shown["telegramLink"]["username"], "siti_r");
    assert_eq!(shown["telegramLink"]["chatId"], chat.to_string());
    assert_eq!(
        shown["telegramLink"]["user"]["username"],
        user.username.as_str()
    );
    // Only the hash is kept.
    let rows = entity::telegram_link_code::Entity::find()
        .all(&app.services.db.conn)
        .await
        .unwrap();
    assert!(
        rows.iter()
            .all(|r| r.code_hash.len() == 64 && !r.code_hash.contains(text))
    );

    // The same code again from the same chat (a repeated update, a second tap) gets the same
    // answer and changes nothing.
    let again = say(&app, chat, &format!("/link {text}")).await;
    assert!(
        again.contains("Terhubung sebagai Test requester"),
        "{again}"
    );
    let links = entity::telegram_account::Entity::find()
        .filter(entity::telegram_account::Column::UserId.eq(user.id))
        .all(&app.services.db.conn)
        .await
        .unwrap();
    assert_eq!(links.len(), 1);

    // The same code again, from another chat: used.
    let other = telegram_user(&app, "someone_else", "en");
    let reused = say(&app, other, &format!("/link {text}")).await;
    assert!(reused.contains("the code was used already"), "{reused}");

    // An expired code.
    let second = app.new_user(&[Role::Requester]).await;
    let late = link_code(&app, &second).await;
    let late_code = late["code"].as_str().unwrap();
    let row = entity::telegram_link_code::Entity::find()
        .filter(entity::telegram_link_code::Column::UserId.eq(second.id))
        .one(&app.services.db.conn)
        .await
        .unwrap()
        .unwrap();
    let mut expired: entity::telegram_link_code::ActiveModel = row.into();
    expired.expires_at = Set(Utc::now() - chrono::Duration::seconds(1));
    expired.update(&app.services.db.conn).await.unwrap();
    let refused = say(&app, other, &format!("/link {late_code}")).await;
    assert!(refused.contains("the code has expired"), "{refused}");
    assert!(
        app.services
            .telegram_chat_owner(other)
            .await
            .unwrap()
            .is_none()
    );

    // The bot alone links: a person calling the mutation is refused.
    let direct = app
        .gql(
            Some(&second.token),
            "mutation { linkTelegramAccount(code: \"ABCD-EFGH\", chatId: \"1\") { linkedAt } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&direct).as_deref(), Some("FORBIDDEN"));

    // Unlinking: the chat speaks for nobody again.
    let unlinked = app
        .gql_ok(Some(&user.token), "mutation { unlinkTelegram }", json!({}))
        .await;
    assert_eq!(unlinked["unlinkTelegram"], true);
    let shown = app
        .gql_ok(
            Some(&user.token),
            "{ telegramLink { username } }",
            json!({}),
        )
        .await;
    assert!(shown["telegramLink"].is_null());
    assert!(say(&app, chat, "/status").await.contains("belum terhubung"));
}

#[tokio::test]
async fn the_intake_dialogue_ends_in_a_request_at_step_one_with_its_letter_and_media() {
    let app = bot_app().await;
    let (user, chat) = linked_requester(&app, "id").await;

    assert!(say(&app, chat, "/baru").await.contains("1/6"));
    // An empty answer (a sticker-like photo) is asked again.
    let again = send(&app, chat, photo(None), 1).await;
    assert!(again[0].contains("tidak boleh kosong"), "{again:?}");
    assert!(
        say(&app, chat, "Pendaftaran Beasiswa Prestasi 2027")
            .await
            .contains("2/6")
    );
    assert!(
        say(
            &app,
            chat,
            "Universitas Jember membuka pendaftaran beasiswa prestasi."
        )
        .await
        .contains("3/6")
    );
    assert!(say(&app, chat, "mahasiswa").await.contains("4/6"));
    assert!(
        say(&app, chat, "32-13-2026")
            .await
            .contains("tidak dapat dibaca")
    );
    let tomorrow = (Utc::now().with_timezone(&warta::workflow::sla::wib())
        + chrono::Duration::days(1))
    .date_naive();
    let written = tomorrow.format("%d/%m/%Y").to_string();
    assert!(say(&app, chat, &written).await.contains("5/6"));
    // The letter must be a file.
    assert!(say(&app, chat, "nanti saja").await.contains("PDF"));
    let asked = send(&app, chat, pdf("surat-permohonan.pdf"), 1).await;
    assert!(asked[0].contains("6/6"), "{asked:?}");
    let one = send(&app, chat, photo(None), 1).await;
    assert!(
        one[0].contains("Diterima 1 berkas (seluruhnya 1)"),
        "{one:?}"
    );
    // An album: one acknowledgement for its items.
    let before = bot_messages(&app, chat).len();
    sandbox(&app)
        .user_album(
            chat,
            UserAlbum {
                chat_id: None,
                media_group_id: None,
                items: vec![
                    AlbumItem {
                        kind: FileKind::Photo,
                        file: FileSpec::default(),
                        caption: None,
                    },
                    AlbumItem {
                        kind: FileKind::Photo,
                        file: FileSpec::default(),
                        caption: None,
                    },
                ],
            },
        )
        .unwrap();
    let album = replies(&app, chat, before, 1).await;
    assert!(
        album[0].contains("Diterima 2 berkas (seluruhnya 3)"),
        "{album:?}"
    );
    let summary = say(&app, chat, "selesai").await;
    assert!(
        summary.contains("Pendaftaran Beasiswa Prestasi 2027"),
        "{summary}"
    );
    assert!(summary.contains("1 surat, 3 media"), "{summary}");
    assert!(
        summary.contains(&tomorrow.format("%d-%m-%Y").to_string()),
        "{summary}"
    );
    let done = say(&app, chat, "✅ Kirim").await;
    assert!(done.contains("nomor agenda"), "{done}");

    let requests = my_requests(&app, &user).await;
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert!(done.contains(r["agendaNumber"].as_str().unwrap()), "{done}");
    assert!(done.contains(&format!("/requests/{}", r["id"].as_str().unwrap())));
    assert_eq!(r["status"], "DISPOSITION");
    assert_eq!(r["currentStepNumber"], 1);
    assert_eq!(r["title"], "Pendaftaran Beasiswa Prestasi 2027");
    assert_eq!(r["audience"], "mahasiswa");
    assert_eq!(r["desiredDate"], tomorrow.to_string());
    assert_eq!(kinds(r), (1, 3));
    let letter = r["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "letter")
        .unwrap();
    assert_eq!(letter["filename"], "surat-permohonan.pdf");
    assert_eq!(letter["contentType"], "application/pdf");
    // The step-1 holder sees it like one made in the PWA.
    let vice_rector = app.user(Role::ViceRector).await;
    assert!(
        app.inbox_ids(&vice_rector.token)
            .await
            .contains(&r["id"].as_str().unwrap().to_owned())
    );
    // The dialogue is over.
    assert!(app.services.intake_session(chat).await.unwrap().is_none());

    // /status lists it with its step and deadline in WIB.
    let status = say(&app, chat, "/status").await;
    assert!(
        status.contains(r["agendaNumber"].as_str().unwrap()),
        "{status}"
    );
    assert!(
        status.contains("1. Disposisi Wakil Rektor III, batas"),
        "{status}"
    );
    assert!(status.contains("WIB"), "{status}");
}

#[tokio::test]
async fn the_dialogue_speaks_english_to_an_english_client_and_can_be_cancelled() {
    let app = bot_app().await;
    let (user, chat) = linked_requester(&app, "en").await;
    assert!(say(&app, chat, "/new").await.contains("What is the title"));
    assert!(say(&app, chat, "A title").await.contains("narrative"));
    assert!(say(&app, chat, "/cancel").await.contains("cancelled"));
    assert!(app.services.intake_session(chat).await.unwrap().is_none());
    assert!(say(&app, chat, "/status").await.contains("no requests"));
    assert!(my_requests(&app, &user).await.is_empty());
    // Someone without the requester role cannot start one.
    let official = app.new_user(&[Role::Staff]).await;
    let staff_chat = telegram_user(&app, "staff_tg", "id");
    let code = link_code(&app, &official).await;
    say(
        &app,
        staff_chat,
        &format!("/link {}", code["code"].as_str().unwrap()),
    )
    .await;
    assert!(
        say(&app, staff_chat, "/baru")
            .await
            .contains("peran pemohon")
    );
}

#[tokio::test]
async fn an_album_split_across_two_batches_with_a_restart_in_between_is_kept_whole() {
    let mut app = bot_app().await;
    let (user, chat) = linked_requester(&app, "id").await;
    answer_up_to_letter(&app, chat, "Album lintas restart").await;
    send(&app, chat, pdf("surat.pdf"), 1).await;

    // The first item comes in one batch and is stored and handled.
    let before = bot_messages(&app, chat).len();
    sandbox(&app)
        .user_message(chat, photo(Some("album-77")))
        .unwrap();
    settled(&app).await;
    let session = app.services.intake_session(chat).await.unwrap().unwrap();
    assert_eq!(session.pending_media_group.unwrap()["id"], "album-77");

    // The server stops before the album is complete; the second item arrives meanwhile.
    app.stop().await;
    sandbox(&app)
        .user_message(chat, photo(Some("album-77")))
        .unwrap();
    app.start_again().await;

    // One acknowledgement, for both items, after the restart.
    replies(&app, chat, before, 1).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let all = bot_messages(&app, chat)[before..]
        .iter()
        .map(text_of)
        .collect::<Vec<_>>();
    assert_eq!(
        all,
        ["Diterima 2 berkas (seluruhnya 2). Kirim lagi, atau ketik \"selesai\"."]
    );
    assert!(
        say(&app, chat, "selesai")
            .await
            .contains("1 surat, 2 media")
    );
    assert!(say(&app, chat, "kirim").await.contains("nomor agenda"));
    let requests = my_requests(&app, &user).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(kinds(&requests[0]), (1, 2));
    assert_eq!(requests[0]["status"], "DISPOSITION");
}

#[tokio::test]
async fn an_update_is_neither_lost_nor_handled_twice_across_a_restart() {
    let mut app = bot_app().await;
    let (_user, chat) = linked_requester(&app, "id").await;
    settled(&app).await;

    // Stored, but the server stopped before handling it (and before confirming it).
    app.stop().await;
    let stored = sandbox(&app)
        .user_message(
            chat,
            UserMessage {
                text: Some("/status".into()),
                ..UserMessage::default()
            },
        )
        .unwrap();
    let update = json!({ "update_id": stored["update_id"], "message": stored["message"] });
    app.services
        .store_telegram_updates(std::slice::from_ref(&update))
        .await
        .unwrap();
    // And one that only Telegram holds.
    let before = bot_messages(&app, chat).len();
    sandbox(&app)
        .user_message(
            chat,
            UserMessage {
                text: Some("/bantuan".into()),
                ..UserMessage::default()
            },
        )
        .unwrap();
    app.start_again().await;

    let answers = replies(&app, chat, before, 2).await;
    settled(&app).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let all: Vec<String> = bot_messages(&app, chat)[before..]
        .iter()
        .map(text_of)
        .collect();
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(
        answers[0].contains("belum memiliki permohonan"),
        "{answers:?}"
    );
    assert!(answers[1].contains("Selamat datang"), "{answers:?}");
    let rows = entity::telegram_update::Entity::find()
        .all(&app.services.db.conn)
        .await
        .unwrap();
    assert!(
        rows.iter()
            .all(|r| r.processed_at.is_some() && r.error.is_none())
    );
    let ids: std::collections::BTreeSet<i64> = rows.iter().map(|r| r.update_id).collect();
    assert_eq!(ids.len(), rows.len());
}

/// Hands the newest handled update to the handler again, as a crash right after handling it
/// and before marking it processed does on the next start.
async fn replay_last_update(app: &TestApp) {
    let row = entity::telegram_update::Entity::find()
        .order_by_desc(entity::telegram_update::Column::UpdateId)
        .one(&app.services.db.conn)
        .await
        .unwrap()
        .expect("a stored update");
    assert!(row.processed_at.is_some());
    let mut again: entity::telegram_update::ActiveModel = row.into();
    again.processed_at = Set(None);
    again.error = Set(None);
    again.update(&app.services.db.conn).await.unwrap();
}

#[tokio::test]
async fn a_replayed_answer_or_confirmation_takes_effect_once_and_is_answered_again() {
    let app = bot_app().await;
    let (user, chat) = linked_requester(&app, "id").await;
    answer_up_to_letter(&app, chat, "Lomba Debat Mahasiswa").await;

    // The date answer again: not taken for the letter, the letter is asked for again.
    let before = bot_messages(&app, chat).len();
    replay_last_update(&app).await;
    let again = replies(&app, chat, before, 1).await;
    assert!(again[0].starts_with("5/6"), "{again:?}");
    settled(&app).await;
    let session = app.services.intake_session(chat).await.unwrap().unwrap();
    assert_eq!(session.step, "letter");

    assert!(send(&app, chat, pdf("surat.pdf"), 1).await[0].starts_with("6/6"));
    assert!(
        say(&app, chat, "lewati")
            .await
            .contains("Lomba Debat Mahasiswa")
    );
    let confirming = app.services.intake_session(chat).await.unwrap().unwrap();
    let done = say(&app, chat, "kirim").await;
    assert!(done.contains("nomor agenda"), "{done}");
    settled(&app).await;

    // The confirmation again, as if the crash came after `submitRequest` and before the
    // dialogue ended: no second request, the same answer is sent again.
    app.services.save_intake_session(confirming).await.unwrap();
    let before = bot_messages(&app, chat).len();
    replay_last_update(&app).await;
    let again = replies(&app, chat, before, 1).await;
    assert_eq!(again[0], done);
    settled(&app).await;
    let requests = my_requests(&app, &user).await;
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(done.contains(requests[0]["agendaNumber"].as_str().unwrap()));
    assert!(app.services.intake_session(chat).await.unwrap().is_none());
}

/// Telegram's answer to a `getUpdates` that another `getUpdates` for the same bot ended.
const TERMINATED_BY_OTHER: &str = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

#[tokio::test]
async fn a_second_poller_meets_the_409_and_the_bot_backs_off_then_carries_on() {
    let app = bot_app().await;
    let chat = telegram_user(&app, "later_user", "id");
    // The bot's first poll only asks what waits; once it returned, the bot long-polls.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !sandbox(&app)
        .calls()
        .iter()
        .any(|c| c.method == "getUpdates" && c.status == 200)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the bot never polled"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = sandbox(&app).calls().len();
    let tg = app.sandbox.as_ref().unwrap();
    // Someone else long-polls the same bot (a second server, a stray script). Its request
    // takes over from the bot's waiting one, and is itself ended when the bot, after its
    // back-off, polls again: each side of the conflict sees Telegram's real 409.
    let started = tokio::time::Instant::now();
    let intruder = reqwest::Client::new()
        .post(format!("{}/bot{}/getUpdates", tg.api_url, tg.bot_token))
        .json(&json!({ "timeout": 50 }))
        .timeout(Duration::from_secs(40))
        .send()
        .await
        .expect("the sandbox answers the second poller");
    assert_eq!(intruder.status(), 409);
    let envelope: Value = intruder.json().await.unwrap();
    assert_eq!(
        envelope,
        json!({ "ok": false, "error_code": 409, "description": TERMINATED_BY_OTHER })
    );
    // Ended by the bot's next poll: not at once (the bot backed off instead of fighting over
    // the updates), and well before the 50 s asked for (the bot did not give up).
    let took = started.elapsed();
    assert!(
        took > Duration::from_secs(5) && took < Duration::from_secs(30),
        "{took:?}"
    );
    // The bot's own waiting poll got the 409 first (it logs a warning and backs off).
    let conflicts: Vec<_> = sandbox(&app).calls()[before..]
        .iter()
        .filter(|c| c.method == "getUpdates" && c.status == 409)
        .map(|c| c.description.clone().unwrap_or_default())
        .collect();
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    assert!(
        conflicts.iter().all(|d| d == TERMINATED_BY_OTHER),
        "{conflicts:?}"
    );
    // The other poller is gone: the bot takes the updates again and answers.
    assert!(say(&app, chat, "/status").await.contains("/link KODE"));
}

#[tokio::test]
async fn in_webhook_mode_updates_come_by_post_with_the_secret_token() {
    let app = spawn_sandbox_app_with(|s| {
        s.bot = true;
        s.telegram_webhook_url = Some("https://warta.example.ac.id/telegram/webhook".into());
        s.telegram_webhook_secret = Some("rahasia-webhook_123".to_owned().into());
    })
    .await;
    let tg = app.sandbox.as_ref().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let webhook = loop {
        let view: Value = app
            .http
            .get(format!("{}/control/webhook", tg.api_url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if !view.is_null() {
            break view;
        }
        assert!(tokio::time::Instant::now() < deadline, "no setWebhook");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        webhook["url"],
        "https://warta.example.ac.id/telegram/webhook"
    );
    assert_eq!(webhook["secret_token"], "rahasia-webhook_123");

    let chat = telegram_user(&app, "hook_user", "id");
    let sent = sandbox(&app)
        .user_message(
            chat,
            UserMessage {
                text: Some("/start".into()),
                ..UserMessage::default()
            },
        )
        .unwrap();
    let update = json!({ "update_id": sent["update_id"], "message": sent["message"] });
    let refused = app
        .http
        .post(app.url("/telegram/webhook"))
        .header("x-telegram-bot-api-secret-token", "wrong")
        .json(&update)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    for _ in 0..2 {
        // Telegram may deliver the same update twice; it is handled once.
        let accepted = app
            .http
            .post(app.url("/telegram/webhook"))
            .header("x-telegram-bot-api-secret-token", "rahasia-webhook_123")
            .json(&update)
            .send()
            .await
            .unwrap();
        assert_eq!(accepted.status(), 200);
    }
    let answers = replies(&app, chat, 0, 2).await;
    assert!(answers[0].contains("Selamat datang"), "{answers:?}");
    assert!(answers[1].contains("belum terhubung"), "{answers:?}");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(bot_messages(&app, chat).len(), 2);
}
