//! Telegram journeys the other modules leave out: publications scheduled for later (also
//! across a restart), the faults and limits of telegram.md a person has to act on, and the
//! whole SOP from the bot's intake dialogue to the channel post and the archive.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use warta::telegram::sandbox::{Fault, NewFault};
use warta_tests::{
    Role, TestApp, error_code, spawn_app, spawn_sandbox_app, spawn_sandbox_app_with,
    walk::{ARCHIVE, PUBLISH, REVIEW, Stage},
};

use crate::telegram::{
    Officials, calls_of, channel_id, from_instruction_to_publication, jpeg, no_caption, officials,
    posts, publication_for, request, sandbox, shown_text, submission, to_publication,
    unthrottled_sandbox_app, upload_media, wait_for, wait_settled,
};
use crate::telegram_bot::{answer_up_to_letter, linked_requester, my_requests, pdf, say, send};
use crate::telegram_officials::{
    bot_messages, forward_to_bureau_head, link, wait_for_message, wait_until,
};

/// How far ahead the scheduled publications are set: long enough to look at them queued.
const AHEAD: Duration = Duration::from_secs(5);

/// Staff publish the request at `at` instead of now.
async fn publish_at(app: &TestApp, o: &Officials, id: &str, at: DateTime<Utc>) -> Value {
    app.gql_ok(
        Some(&o.staff),
        PUBLISH,
        json!({ "input": { "requestId": id, "scheduleAt": at.to_rfc3339() } }),
    )
    .await["publishRequest"]
        .clone()
}

/// A request at step 6 for `chat`, published for `AHEAD` from now; returns its id and time.
async fn scheduled(app: &TestApp, o: &Officials, chat: &str) -> (String, DateTime<Utc>) {
    let channels = vec![channel_id(app, chat).await];
    let id = to_publication(
        app,
        o,
        submission("Wisuda Periode I", "Wisuda dimulai pukul 08.00 WIB.", &[]),
        &channels,
    )
    .await;
    let at = Utc::now() + AHEAD;
    let published = publish_at(app, o, &id, at).await;
    assert_eq!(published["publications"][0]["status"], "QUEUED");
    (id, at)
}

/// Asserts that nothing reached `chat` yet and the publication still waits in the queue.
async fn still_queued(app: &TestApp, o: &Officials, id: &str, chat: &str) {
    let r = request(app, &o.staff, id).await;
    assert_eq!(publication_for(&r, chat)["status"], "QUEUED", "{r:#}");
    assert!(posts(&sandbox(app).sandbox, chat).is_empty());
    assert!(calls_of(&sandbox(app).sandbox, "sendMessage").is_empty());
}

/// Waits for the publication to be sent and asserts it went out once, not before `at`.
async fn sent_once_at(app: &TestApp, o: &Officials, id: &str, chat: &str, at: DateTime<Utc>) {
    wait_for(
        app,
        &o.staff,
        id,
        "the scheduled publication to be sent",
        |r| publication_for(r, chat)["status"] == "SENT",
    )
    .await;
    let sends = calls_of(&sandbox(app).sandbox, "sendMessage");
    assert_eq!(sends.len(), 1, "{sends:?}");
    assert!(
        sends[0].at_ms >= at.timestamp_millis(),
        "sent at {} ms, scheduled for {} ms",
        sends[0].at_ms,
        at.timestamp_millis()
    );
    assert_eq!(posts(&sandbox(app).sandbox, chat).len(), 1);
}

#[tokio::test]
async fn a_scheduled_publication_waits_for_its_time_and_is_then_sent() {
    let app = spawn_sandbox_app().await;
    let o = officials(&app).await;
    let chat = "@info_unej";
    let (id, at) = scheduled(&app, &o, chat).await;

    // Shortly before its time it is still queued (the only fixed sleep: to show it waits).
    let early = (at - Utc::now() - chrono::Duration::seconds(1))
        .to_std()
        .expect("the schedule is still ahead");
    tokio::time::sleep(early).await;
    still_queued(&app, &o, &id, chat).await;

    sent_once_at(&app, &o, &id, chat, at).await;
}

#[tokio::test]
async fn a_scheduled_publication_is_sent_at_its_time_after_a_restart_in_between() {
    let mut app = spawn_sandbox_app().await;
    let o = officials(&app).await;
    let chat = "@humas_unej";
    let (id, at) = scheduled(&app, &o, chat).await;

    app.restart().await;
    assert!(Utc::now() < at, "the restart took longer than the schedule");
    still_queued(&app, &o, &id, chat).await;

    sent_once_at(&app, &o, &id, chat, at).await;
}

#[tokio::test]
async fn an_html_parse_error_fails_that_channel_with_a_reason_and_the_others_are_sent() {
    let (app, sb, o) = unthrottled_sandbox_app().await;
    let refusal = "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'";
    sb.inject_fault(NewFault {
        method: "sendMessage".into(),
        times: 1,
        chat_id: None,
        fault: Fault::Error {
            error_code: 400,
            description: refusal.into(),
            parameters: None,
        },
    })
    .expect("a fault");
    let chats = ["@info_unej", "@humas_unej", "@kabar_mahasiswa_unej"];
    let mut channels = Vec::new();
    for chat in chats {
        channels.push(channel_id(&app, chat).await);
    }
    let id = to_publication(
        &app,
        &o,
        submission(
            "Seminar Nasional",
            "Pendaftaran dibuka s.d. 5 Desember.",
            &[],
        ),
        &channels,
    )
    .await;
    crate::telegram::publish(&app, &o, &id).await;

    let r = wait_settled(&app, &o.staff, &id).await;
    let (failed, sent): (Vec<&str>, Vec<&str>) = chats
        .iter()
        .partition(|chat| publication_for(&r, chat)["status"] == "FAILED");
    assert_eq!(failed.len(), 1, "one channel met the refusal: {r:#}");
    assert_eq!(sent.len(), 2, "{r:#}");
    for chat in &sent {
        assert_eq!(publication_for(&r, chat)["status"], "SENT");
        assert_eq!(posts(&sb, chat).len(), 1, "{chat} has its post");
    }
    let p = publication_for(&r, failed[0]);
    let reason = p["lastError"].as_str().expect("a reason");
    assert!(
        reason.contains("the formatting could not be read by Telegram") && reason.contains(refusal),
        "{reason}"
    );
    assert_eq!(p["attempts"], 1, "a refusal is not retried: {p:#}");
    assert!(p["link"].is_null());
    assert!(posts(&sb, failed[0]).is_empty());
    assert_eq!(
        r["status"], "PUBLICATION",
        "staff still have work at step 6"
    );
}

#[tokio::test]
async fn twelve_photos_go_as_an_album_of_ten_and_one_of_two_with_the_caption_on_the_first() {
    let (app, sb, o) = unthrottled_sandbox_app().await;
    let mut photos = Vec::new();
    for i in 0..12u16 {
        photos.push(
            upload_media(
                &app,
                &o.requester,
                &format!("foto-{i}.jpg"),
                jpeg(640 + i, 480),
            )
            .await,
        );
    }
    let chat = "@kabar_mahasiswa_unej";
    let channels = vec![channel_id(&app, chat).await];
    let (title, narrative) = ("Pekan Olahraga Mahasiswa", "Dua belas foto pertandingan.");
    let id = to_publication(&app, &o, submission(title, narrative, &photos), &channels).await;
    crate::telegram::publish(&app, &o, &id).await;

    let r = wait_settled(&app, &o.staff, &id).await;
    let p = publication_for(&r, chat);
    assert_eq!(p["status"], "SENT", "{p:#}");
    let received = posts(&sb, chat);
    assert_eq!(received.len(), 12, "every photo is posted, none dropped");
    assert!(received.iter().all(|m| m.kind == "photo"));
    let (first, second) = received.split_at(10);
    let group = first[0].media_group_id.clone();
    assert!(group.is_some() && first.iter().all(|m| m.media_group_id == group));
    let rest = second[0].media_group_id.clone();
    assert!(
        rest.is_some() && rest != group,
        "the last two are an album of their own"
    );
    assert!(second.iter().all(|m| m.media_group_id == rest));
    assert_eq!(
        first[0].caption.as_deref(),
        Some(shown_text(title, narrative).as_str())
    );
    assert!(received[1..].iter().all(no_caption), "one caption in all");
    let groups = calls_of(&sb, "sendMediaGroup");
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(
        groups.iter().all(|c| c.status == 200),
        "Telegram refused none: {groups:?}"
    );
    let ids: Vec<i64> = received.iter().map(|m| i64::from(m.message_id)).collect();
    assert_eq!(p["messageIds"], json!(ids));
}

#[tokio::test]
async fn a_text_over_4096_code_points_is_refused_at_review_with_a_reason_and_never_cut() {
    let app = spawn_app().await;
    let requester = app.new_user(&[Role::Requester]).await;
    // 4100 emoji are 4100 code points (8200 UTF-16 units): over Telegram's 4096.
    let narrative = "😀".repeat(4100);
    let input = submission("Terlalu panjang", &narrative, &[]);
    let walked = app.submitted_at(Stage::Review, requester, input).await;
    let deputy = app.user(Role::HumasDeputy).await;
    let fit = json!({ "input": { "requestId": walked.id, "verdict": "FIT" } });

    let refused = app.gql(Some(&deputy.token), REVIEW, fit.clone()).await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("BAD_USER_INPUT"),
        "{refused:#}"
    );
    let message = refused["errors"][0]["message"].as_str().expect("a message");
    assert!(
        message.contains("Telegram allows 4096") && message.contains("shorten the narrative"),
        "{message}"
    );
    let r = app
        .gql_ok(
            Some(&deputy.token),
            "query($id: ID!) { request(id: $id) { status content { narrative } } }",
            json!({ "id": walked.id }),
        )
        .await;
    assert_eq!(
        r["request"]["status"], "REVIEW",
        "the request stays with the deputy"
    );
    assert_eq!(
        r["request"]["content"]["narrative"], narrative,
        "the text is kept whole, not cut"
    );

    // Shortened to exactly 4096 code points with the title, it passes.
    let title_and_gap = "Terlalu panjang\n\n".chars().count();
    let shortened = "😀".repeat(4096 - title_and_gap);
    app.gql_ok(
        Some(&deputy.token),
        "mutation($input: ReviseContentInput!) { reviseContent(input: $input) { id } }",
        json!({ "input": { "requestId": walked.id, "narrative": shortened } }),
    )
    .await;
    let d = app.gql_ok(Some(&deputy.token), REVIEW, fit).await;
    assert_eq!(d["reviewRequest"]["status"], "ASSIGNMENT");
}

#[tokio::test]
async fn a_request_made_in_telegram_walks_the_sop_into_the_channel_and_the_requester_hears_of_it() {
    let app = spawn_sandbox_app_with(|s| {
        s.bot = true;
        s.push_notifier = true;
        s.push_check_interval = Duration::from_millis(200);
    })
    .await;
    let sb = sandbox(&app).sandbox.clone();
    let o = officials(&app).await;
    let vr = app.user(Role::ViceRector).await;
    let vr_chat = link(&app, &vr).await;

    // The requester makes the request in the bot's dialogue.
    let (requester, chat) = linked_requester(&app, "id").await;
    let title = "Beasiswa Prestasi 2027";
    answer_up_to_letter(&app, chat, title).await;
    let asked = send(&app, chat, pdf("surat-permohonan.pdf"), 1).await;
    assert!(asked[0].contains("6/6"), "{asked:?}");
    assert!(say(&app, chat, "selesai").await.contains("1 surat"));
    let done = say(&app, chat, "✅ Kirim").await;
    assert!(done.contains("nomor agenda"), "{done}");
    let mine = my_requests(&app, &requester).await;
    assert_eq!(mine.len(), 1);
    let id = mine[0]["id"].as_str().expect("an id").to_owned();
    assert_eq!(mine[0]["status"], "DISPOSITION");

    // Step 1: the vice rector forwards it with the button of the direct message.
    let dm = wait_for_message(&app, vr_chat, 1).await;
    assert!(
        dm.text.as_deref().unwrap_or_default().contains(title),
        "{dm:#?}"
    );
    forward_to_bureau_head(&app, vr_chat, &dm).await;
    assert_eq!(request(&app, &vr.token, &id).await["status"], "INSTRUCTION");

    // Steps 2–5 through the API, then staff publish to the sandbox channel.
    let channel = "@info_unej";
    from_instruction_to_publication(&app, &o, &id, &[channel_id(&app, channel).await]).await;
    crate::telegram::publish(&app, &o, &id).await;
    let r = wait_for(&app, &o.staff, &id, "the request to reach ARCHIVING", |r| {
        r["status"] == "ARCHIVING"
    })
    .await;
    let p = publication_for(&r, channel);
    assert_eq!(p["status"], "SENT", "{p:#}");
    let received = posts(&sb, channel);
    assert_eq!(received.len(), 1, "{received:#?}");
    assert_eq!(
        received[0].text.as_deref(),
        Some(
            shown_text(
                title,
                "Universitas Jember membuka pendaftaran beasiswa prestasi."
            )
            .as_str()
        )
    );
    let post_link = p["link"].as_str().expect("a link").to_owned();
    assert_eq!(
        post_link,
        format!("https://t.me/info_unej/{}", received[0].message_id)
    );

    // The requester's chat is told, with the post's link.
    wait_until(&app, chat, "the requester hears of the publication", |m| {
        m.iter()
            .any(|m| m.text.as_deref().unwrap_or_default().contains(&post_link))
    })
    .await;
    let told = bot_messages(&app, chat)
        .into_iter()
        .filter_map(|m| m.text)
        .find(|t| t.contains(&post_link))
        .expect("the news");
    assert!(told.starts_with("Sudah terbit"), "{told}");

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
