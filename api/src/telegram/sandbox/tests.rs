//! The sandbox over HTTP, as a Bot API client (teloxide or any other) meets it: envelopes,
//! status codes, error texts, encodings, ids, limits, flood control, long polling, faults,
//! and the control API that sets the scene and reads back what each chat received.

use std::time::Duration;

use axum::{
    Router,
    body::{Body, to_bytes},
    http::{Request, StatusCode, header},
    response::Response,
};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::{media::fixtures, *};

const TOKEN: &str = "123456789:AAH-sandbox-test-token_0123456789abc";

fn sandbox() -> Sandbox {
    Sandbox::new(TOKEN.to_owned(), "warta_test_bot".to_owned())
}

async fn send(router: &Router, http_req: Request<Body>) -> Response {
    router
        .clone()
        .oneshot(http_req)
        .await
        .expect("the router always answers")
}

async fn json_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, value)
}

/// A Bot API call with a JSON body, as teloxide sends non-file methods.
async fn call(router: &Router, method: &str, body: Value) -> (StatusCode, Value) {
    let http_req = Request::post(format!("/bot{TOKEN}/{method}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    json_of(send(router, http_req).await).await
}

/// A control API call.
async fn control(router: &Router, method: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let http_req = Request::builder()
        .method(method)
        .uri(format!("/control{path}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    json_of(send(router, http_req).await).await
}

/// A multipart body as teloxide builds it: text parts, and file parts named by `attach://`.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "sandbox-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn call_multipart(
    router: &Router,
    method: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> (StatusCode, Value) {
    let (content_type, body) = multipart(fields, files);
    let http_req = Request::post(format!("/bot{TOKEN}/{method}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    json_of(send(router, http_req).await).await
}

fn channel(sb: &Sandbox, username: &str) -> i64 {
    sb.create_chat(NewChat {
        kind: ChatType::Channel,
        id: None,
        title: format!("Channel {username}"),
        username: Some(username.to_owned()),
        description: None,
        bot: None,
    })
    .expect("channel")
    .id
}

fn user(sb: &Sandbox, started: bool) -> i64 {
    sb.create_user(NewUser {
        id: None,
        first_name: "Sari".to_owned(),
        last_name: None,
        username: None,
        language_code: Some("id".to_owned()),
        started,
    })
    .expect("user")
    .id
}

fn no_limits(sb: &Sandbox) {
    sb.set_rate_limits(RateLimits {
        enabled: false,
        ..RateLimits::default()
    });
}

fn error_of(value: &Value) -> (i64, &str) {
    assert_eq!(value["ok"], false, "{value}");
    (
        value["error_code"].as_i64().unwrap_or_default(),
        value["description"].as_str().unwrap_or_default(),
    )
}

#[tokio::test]
async fn tokens_and_methods_are_checked_like_the_real_server() {
    let sb = sandbox();
    let router = sb.router();

    let other = Request::post("/bot123:another-token/getMe")
        .body(Body::empty())
        .expect("request");
    let (status, body) = json_of(send(&router, other).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({ "ok": false, "error_code": 401, "description": "Unauthorized" })
    );

    let malformed = Request::get("/botnot-a-token/getMe")
        .body(Body::empty())
        .expect("request");
    let (status, body) = json_of(send(&router, malformed).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["description"], "Unauthorized: invalid token specified");

    let (status, body) = call(&router, "sendCarrierPigeon", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({ "ok": false, "error_code": 404, "description": "Not Found: method not found" })
    );

    // Method names are case-insensitive, and GET with a query string works too.
    let get = Request::get(format!("/bot{TOKEN}/GETME"))
        .body(Body::empty())
        .expect("request");
    let (status, body) = json_of(send(&router, get).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ok"], true);
    assert_eq!(body["result"]["id"], 123_456_789);
    assert_eq!(body["result"]["is_bot"], true);
    assert_eq!(body["result"]["username"], "warta_test_bot");
    assert_eq!(body["result"]["can_join_groups"], true);
}

#[tokio::test]
async fn channel_posts_are_numbered_per_channel_and_private_chats_share_a_counter() {
    let sb = sandbox();
    no_limits(&sb);
    let router = sb.router();
    let a = channel(&sb, "humas_unej");
    let b = channel(&sb, "unej_official");
    let sari = user(&sb, true);
    let budi = user(&sb, true);

    // In a channel, message 1 is its creation: the first post is 2.
    let (_, first) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": "@humas_unej", "text": "satu" }),
    )
    .await;
    assert_eq!(first["result"]["message_id"], 2);
    let (_, second) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": a, "text": "dua" }),
    )
    .await;
    assert_eq!(second["result"]["message_id"], 3);
    let (_, other) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": b, "text": "satu" }),
    )
    .await;
    assert_eq!(other["result"]["message_id"], 2);

    // Private chats draw from one counter per bot: ids are not consecutive per chat.
    let (_, to_sari) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": sari, "text": "a" }),
    )
    .await;
    let (_, to_budi) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": budi, "text": "b" }),
    )
    .await;
    let (_, to_sari_again) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": sari, "text": "c" }),
    )
    .await;
    assert_eq!(to_sari["result"]["message_id"], 1);
    assert_eq!(to_budi["result"]["message_id"], 2);
    assert_eq!(to_sari_again["result"]["message_id"], 3);

    // A channel post is signed by the channel, not by the bot.
    let post = &first["result"];
    assert_eq!(post["chat"]["id"], a);
    assert_eq!(post["chat"]["type"], "channel");
    assert_eq!(post["chat"]["username"], "humas_unej");
    assert_eq!(post["sender_chat"]["id"], a);
    assert!(post.get("from").is_none());
    assert!(post["date"].is_i64());
    assert_eq!(to_sari["result"]["from"]["id"], 123_456_789);
    assert_eq!(to_sari["result"]["chat"]["type"], "private");
}

#[tokio::test]
async fn html_is_parsed_into_entities_and_bad_html_gets_the_real_error() {
    let sb = sandbox();
    let router = sb.router();
    let id = channel(&sb, "humas_unej");

    let (status, body) = call(
        &router,
        "sendMessage",
        json!({
            "chat_id": id,
            "text": "<b>Wisuda</b> 2025 &amp; <a href=\"https://unej.ac.id/wisuda\">info</a> 😀",
            "parse_mode": "HTML",
            "link_preview_options": { "is_disabled": true },
            "disable_notification": true,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let message = &body["result"];
    assert_eq!(message["text"], "Wisuda 2025 & info 😀");
    assert_eq!(
        message["entities"],
        json!([
            { "type": "bold", "offset": 0, "length": 6 },
            { "type": "text_link", "offset": 14, "length": 4, "url": "https://unej.ac.id/wisuda" }
        ])
    );
    assert_eq!(
        message["link_preview_options"],
        json!({ "is_disabled": true })
    );

    let (status, body) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "Nilai <A+> untuk mahasiswa", "parse_mode": "HTML" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error_of(&body),
        (
            400,
            "Bad Request: can't parse entities: Unsupported start tag \"a+\" at byte offset 6"
        )
    );

    let (_, body) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "<b>tebal", "parse_mode": "html" }),
    )
    .await;
    assert_eq!(
        error_of(&body).1,
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag b"
    );

    let (_, body) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "Rp10.000", "parse_mode": "MarkdownV2" }),
    )
    .await;
    assert_eq!(
        error_of(&body).1,
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"
    );

    let (_, body) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "x", "parse_mode": "BBCode" }),
    )
    .await;
    assert_eq!(error_of(&body).1, "Bad Request: unsupported parse_mode");

    // What the chat received, and how it was sent.
    let messages = sb.messages("@humas_unej").expect("messages");
    assert_eq!(messages.len(), 1, "failed sends store nothing");
    let sent = messages[0].sent_as.as_ref().expect("sent by the bot");
    assert_eq!(sent.parse_mode.as_deref(), Some("HTML"));
    assert!(
        sent.raw
            .as_deref()
            .is_some_and(|r| r.starts_with("<b>Wisuda</b>"))
    );
    assert!(sent.disable_notification);
    assert_eq!(
        messages[0].html.as_deref(),
        Some("<b>Wisuda</b> 2025 &amp; <a href=\"https://unej.ac.id/wisuda\">info</a> 😀")
    );
}

#[tokio::test]
async fn text_and_caption_limits_count_code_points_after_parsing() {
    let sb = sandbox();
    no_limits(&sb);
    let router = sb.router();
    let id = channel(&sb, "humas_unej");

    // 4096 emoji are 8192 UTF-16 units and pass; markup does not count.
    let emoji = "😀".repeat(4096);
    let (status, _) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": emoji }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let tagged = format!("<b>{}</b>", "a".repeat(4096));
    let (status, _) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": tagged, "parse_mode": "HTML" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (_, body) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "a".repeat(4097) }),
    )
    .await;
    assert_eq!(error_of(&body), (400, "Bad Request: message is too long"));
    let (_, body) = call(&router, "sendMessage", json!({ "chat_id": id, "text": "" })).await;
    assert_eq!(error_of(&body), (400, "Bad Request: message text is empty"));
    let (_, body) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": " \n " }),
    )
    .await;
    assert_eq!(
        error_of(&body),
        (400, "Bad Request: message must be non-empty")
    );

    let photo = fixtures::png(800, 600);
    let caption = "é".repeat(1025);
    let (_, body) = call_multipart(
        &router,
        "sendPhoto",
        &[
            ("chat_id", &id.to_string()),
            ("photo", "attach://p"),
            ("caption", &caption),
        ],
        &[("p", "p.png", &photo)],
    )
    .await;
    assert_eq!(
        error_of(&body),
        (400, "Bad Request: message caption is too long")
    );
}

#[tokio::test]
async fn membership_and_rights_decide_who_may_post() {
    let sb = sandbox();
    let router = sb.router();
    let id = channel(&sb, "humas_unej");
    let send = |chat: Value| {
        let router = router.clone();
        async move {
            call(
                &router,
                "sendMessage",
                json!({ "chat_id": chat, "text": "x" }),
            )
            .await
        }
    };

    sb.set_bot_membership("@humas_unej", BotMembership::Member)
        .expect("set");
    let (_, body) = send(json!(id)).await;
    assert_eq!(
        error_of(&body),
        (
            400,
            "Bad Request: need administrator rights in the channel chat"
        )
    );

    sb.set_bot_membership(
        "@humas_unej",
        BotMembership::Administrator(AdminRights {
            can_post_messages: false,
            ..AdminRights::default()
        }),
    )
    .expect("set");
    let (_, body) = send(json!(id)).await;
    assert_eq!(error_of(&body).0, 400);

    sb.set_bot_membership("@humas_unej", BotMembership::Left)
        .expect("set");
    let (status, body) = send(json!(id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        error_of(&body),
        (403, "Forbidden: bot is not a member of the channel chat")
    );

    sb.set_bot_membership("@humas_unej", BotMembership::Kicked)
        .expect("set");
    let (_, body) = send(json!("@humas_unej")).await;
    assert_eq!(
        error_of(&body),
        (403, "Forbidden: bot was kicked from the channel chat")
    );

    // A private channel the bot never joined is invisible to it.
    let hidden = sb
        .create_chat(NewChat {
            kind: ChatType::Channel,
            id: None,
            title: "Rahasia".to_owned(),
            username: None,
            description: None,
            bot: Some(BotMembership::None),
        })
        .expect("channel")
        .id;
    let (_, body) = send(json!(hidden)).await;
    assert_eq!(error_of(&body), (400, "Bad Request: chat not found"));
    let (_, body) = send(json!("@nobody_here")).await;
    assert_eq!(error_of(&body), (400, "Bad Request: chat not found"));
    let (_, body) = call(&router, "sendMessage", json!({ "text": "x" })).await;
    assert_eq!(error_of(&body), (400, "Bad Request: chat_id is empty"));

    let stranger = user(&sb, false);
    let (_, body) = send(json!(stranger)).await;
    assert_eq!(
        error_of(&body),
        (
            403,
            "Forbidden: bot can't initiate conversation with a user"
        )
    );
    sb.set_user_blocked(stranger, true).expect("block");
    let (_, body) = send(json!(stranger)).await;
    assert_eq!(
        error_of(&body),
        (403, "Forbidden: bot was blocked by the user")
    );

    // getChat and getChatMember show what Warta checks when a channel is registered.
    sb.set_bot_membership("@humas_unej", BotMembership::admin())
        .expect("set");
    let (_, chat) = call(&router, "getChat", json!({ "chat_id": "@humas_unej" })).await;
    assert_eq!(chat["result"]["id"], id);
    assert_eq!(chat["result"]["type"], "channel");
    assert!(chat["result"]["max_reaction_count"].is_u64());
    let (_, member) = call(
        &router,
        "getChatMember",
        json!({ "chat_id": id, "user_id": sb.bot_id() }),
    )
    .await;
    assert_eq!(member["result"]["status"], "administrator");
    assert_eq!(member["result"]["can_post_messages"], true);
    assert_eq!(member["result"]["user"]["is_bot"], true);
}

#[tokio::test]
async fn a_migrated_group_answers_with_its_new_id() {
    let sb = sandbox();
    let router = sb.router();
    let group = sb
        .create_chat(NewChat {
            kind: ChatType::Group,
            id: None,
            title: "Panitia".to_owned(),
            username: None,
            description: None,
            bot: None,
        })
        .expect("group")
        .id;
    assert!(group < 0 && group > -1_000_000_000_000);
    let supergroup = sb.migrate_group(&group.to_string()).expect("migrate").id;
    assert!(supergroup < -1_000_000_000_000, "beyond 32 bits");

    let (status, body) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": group, "text": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({
            "ok": false,
            "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": { "migrate_to_chat_id": supergroup }
        })
    );
    let (_, body) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": supergroup, "text": "x" }),
    )
    .await;
    assert_eq!(body["result"]["chat"]["type"], "supergroup");
    // Message 1 of the supergroup is the migration.
    assert_eq!(body["result"]["message_id"], 2);
    // The bot, a member, saw both service messages.
    let updates = sb.pending_updates();
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[0]["message"]["migrate_to_chat_id"], supergroup);
    assert_eq!(updates[1]["message"]["migrate_from_chat_id"], group);
}

#[tokio::test]
async fn photos_upload_by_multipart_and_are_reused_by_file_id() {
    let sb = sandbox();
    no_limits(&sb);
    let router = sb.router();
    let a = channel(&sb, "humas_unej");
    let b = channel(&sb, "unej_official");
    let photo = fixtures::jpeg(1920, 1080);

    let (status, body) = call_multipart(
        &router,
        "sendPhoto",
        &[
            ("chat_id", &a.to_string()),
            ("photo", "attach://3f2a9c"),
            ("caption", "<i>Dies Natalis</i>"),
            ("parse_mode", "HTML"),
            (
                "reply_markup",
                r#"{"inline_keyboard":[[{"text":"Baca","url":"https://unej.ac.id"}]]}"#,
            ),
        ],
        &[("3f2a9c", "", &photo)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sizes = body["result"]["photo"].as_array().expect("photo sizes");
    assert_eq!(sizes.len(), 4);
    let largest = sizes.last().expect("largest");
    assert_eq!(
        (largest["width"].as_u64(), largest["height"].as_u64()),
        (Some(1280), Some(720))
    );
    assert_eq!(body["result"]["caption"], "Dies Natalis");
    assert_eq!(body["result"]["caption_entities"][0]["type"], "italic");
    assert_eq!(
        body["result"]["reply_markup"]["inline_keyboard"][0][0]["url"],
        "https://unej.ac.id"
    );
    let file_id = largest["file_id"].as_str().expect("file_id").to_owned();
    let unique = largest["file_unique_id"].clone();

    // The second channel gets the same file by id (teloxide sends it as a plain part).
    let (status, again) = call_multipart(
        &router,
        "sendPhoto",
        &[("chat_id", &b.to_string()), ("photo", &file_id)],
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    let reused = again["result"]["photo"].as_array().expect("sizes");
    assert_eq!(reused.last().expect("largest")["file_unique_id"], unique);

    // getFile, then the download.
    let (_, file) = call(&router, "getFile", json!({ "file_id": file_id })).await;
    let path = file["result"]["file_path"]
        .as_str()
        .expect("path")
        .to_owned();
    assert!(path.starts_with("photos/"));
    let download = Request::get(format!("/file/bot{TOKEN}/{path}"))
        .body(Body::empty())
        .expect("request");
    let response = send(&router, download).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("bytes");
    assert_eq!(&bytes[..], &photo[..]);
    let (_, body) = call(&router, "getFile", json!({ "file_id": "nope" })).await;
    assert_eq!(error_of(&body), (400, "Bad Request: invalid file_id"));

    // Wrong ids, wrong kinds, missing parts and non-images.
    let (_, body) = call_multipart(
        &router,
        "sendPhoto",
        &[("chat_id", &a.to_string()), ("photo", "AgACAgUAAxkBAAIBZ2")],
        &[],
    )
    .await;
    assert_eq!(
        error_of(&body).1,
        "Bad Request: wrong file identifier/HTTP URL specified"
    );
    let (_, body) = call_multipart(
        &router,
        "sendDocument",
        &[("chat_id", &a.to_string()), ("document", &file_id)],
        &[],
    )
    .await;
    assert_eq!(
        error_of(&body).1,
        "Bad Request: can't use file of type Photo as Document"
    );
    let (_, body) = call_multipart(
        &router,
        "sendPhoto",
        &[("chat_id", &a.to_string()), ("photo", "attach://gone")],
        &[],
    )
    .await;
    assert_eq!(
        error_of(&body).1,
        "Bad Request: there is no photo in the request"
    );
    let (_, body) = call_multipart(
        &router,
        "sendPhoto",
        &[("chat_id", &a.to_string()), ("photo", "attach://p")],
        &[("p", "fake.jpg", b"not really a jpeg")],
    )
    .await;
    assert_eq!(error_of(&body).1, "Bad Request: IMAGE_PROCESS_FAILED");

    // A document keeps its name and type.
    let (_, body) = call_multipart(
        &router,
        "sendDocument",
        &[("chat_id", &a.to_string()), ("document", "attach://d")],
        &[("d", "Surat Permohonan.pdf", b"%PDF-1.4 surat")],
    )
    .await;
    assert_eq!(
        body["result"]["document"]["file_name"],
        "Surat Permohonan.pdf"
    );
    assert_eq!(body["result"]["document"]["mime_type"], "application/pdf");
}

#[tokio::test]
async fn albums_share_a_media_group_id_and_follow_the_album_rules() {
    let sb = sandbox();
    no_limits(&sb);
    let router = sb.router();
    let id = channel(&sb, "humas_unej");
    let photo = fixtures::png(1200, 800);

    let media = json!([
        { "type": "photo", "media": "attach://a", "caption": "<b>Album</b>", "parse_mode": "HTML" },
        { "type": "photo", "media": "attach://b" },
        { "type": "video", "media": "attach://c", "width": 640, "height": 360, "duration": 5 }
    ])
    .to_string();
    let (status, body) = call_multipart(
        &router,
        "sendMediaGroup",
        &[("chat_id", &id.to_string()), ("media", &media)],
        &[
            ("a", "a.png", &photo),
            ("b", "b.png", &photo),
            ("c", "c.mp4", b"\0\0\0\x18ftypmp42"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let messages = body["result"].as_array().expect("messages");
    assert_eq!(messages.len(), 3);
    let group = messages[0]["media_group_id"].clone();
    assert!(group.is_string());
    assert!(messages.iter().all(|m| m["media_group_id"] == group));
    let ids: Vec<_> = messages.iter().map(|m| m["message_id"].as_i64()).collect();
    assert_eq!(ids, vec![Some(2), Some(3), Some(4)]);
    assert_eq!(messages[0]["caption_entities"][0]["type"], "bold");
    assert_eq!(messages[2]["video"]["width"], 640);

    // One item is posted as a plain message.
    let file_id = messages[0]["photo"]
        .as_array()
        .and_then(|s| s.last())
        .expect("photo")["file_id"]
        .clone();
    let one = json!([{ "type": "photo", "media": file_id }]).to_string();
    let (_, body) = call(
        &router,
        "sendMediaGroup",
        json!({ "chat_id": id, "media": one }),
    )
    .await;
    assert_eq!(body["result"].as_array().map(Vec::len), Some(1));
    assert!(body["result"][0].get("media_group_id").is_none());

    let eleven = Value::Array(vec![json!({ "type": "photo", "media": file_id }); 11]).to_string();
    let (_, body) = call(
        &router,
        "sendMediaGroup",
        json!({ "chat_id": id, "media": eleven }),
    )
    .await;
    assert_eq!(
        error_of(&body),
        (400, "Bad Request: too many messages to send as an album")
    );
    let (_, body) = call(
        &router,
        "sendMediaGroup",
        json!({ "chat_id": id, "media": "[]" }),
    )
    .await;
    assert_eq!(
        error_of(&body),
        (400, "Bad Request: there are no messages to send")
    );
    let (_, body) = call_multipart(
        &router,
        "sendMediaGroup",
        &[
            ("chat_id", &id.to_string()),
            ("media", &json!([{ "type": "photo", "media": file_id }, { "type": "document", "media": "attach://d" }]).to_string()),
        ],
        &[("d", "a.pdf", b"%PDF")],
    )
    .await;
    assert_eq!(
        error_of(&body).1,
        "Bad Request: document can't be mixed with other media types"
    );
    let (_, body) = call(
        &router,
        "sendMediaGroup",
        json!({ "chat_id": id, "media": json!([{ "type": "photo", "media": "attach://x" }, { "type": "photo", "media": "attach://y" }]).to_string() }),
    )
    .await;
    assert_eq!(
        error_of(&body).1,
        "Bad Request: can't parse InputMedia: media not found"
    );
}

#[tokio::test]
async fn edits_are_checked_recorded_and_drop_an_omitted_keyboard() {
    let sb = sandbox();
    no_limits(&sb);
    let router = sb.router();
    let id = channel(&sb, "humas_unej");
    let keyboard =
        json!({ "inline_keyboard": [[{ "text": "Setuju", "callback_data": "approve:42" }]] });
    let (_, sent) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "Pengumuman", "reply_markup": keyboard }),
    )
    .await;
    let message_id = sent["result"]["message_id"].clone();

    let (_, body) = call(
        &router,
        "editMessageText",
        json!({ "chat_id": id, "message_id": message_id, "text": "Pengumuman", "reply_markup": keyboard }),
    )
    .await;
    assert!(
        error_of(&body)
            .1
            .starts_with("Bad Request: message is not modified: ")
    );

    let (status, body) = call(
        &router,
        "editMessageText",
        json!({ "chat_id": id, "message_id": message_id, "text": "<b>Ralat</b>: pengumuman", "parse_mode": "HTML" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"]["text"], "Ralat: pengumuman");
    assert!(body["result"]["edit_date"].is_i64());
    assert!(
        body["result"].get("reply_markup").is_none(),
        "an edit without markup removes it"
    );

    let (_, body) = call(
        &router,
        "editMessageCaption",
        json!({ "chat_id": id, "message_id": message_id, "caption": "x" }),
    )
    .await;
    assert_eq!(
        error_of(&body).1,
        "Bad Request: there is no caption in the message to edit"
    );
    let (_, body) = call(
        &router,
        "editMessageText",
        json!({ "chat_id": id, "message_id": 999, "text": "x" }),
    )
    .await;
    assert_eq!(error_of(&body).1, "Bad Request: message to edit not found");

    let view = &sb.messages("@humas_unej").expect("messages")[0];
    assert_eq!(view.edits.len(), 1);
    assert_eq!(
        view.edits[0].raw.as_deref(),
        Some("<b>Ralat</b>: pengumuman")
    );
    assert_eq!(view.reply_markup, None);
}

#[tokio::test]
async fn deleting_is_allowed_only_within_48_hours() {
    let sb = sandbox();
    no_limits(&sb);
    let router = sb.router();
    let id = channel(&sb, "humas_unej");
    let (_, first) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "a" }),
    )
    .await;
    let (_, second) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "b" }),
    )
    .await;

    let (status, body) = call(
        &router,
        "deleteMessage",
        json!({ "chat_id": id, "message_id": first["result"]["message_id"] }),
    )
    .await;
    assert_eq!(
        (status, body["result"].clone()),
        (StatusCode::OK, json!(true))
    );
    let (_, body) = call(
        &router,
        "deleteMessage",
        json!({ "chat_id": id, "message_id": first["result"]["message_id"] }),
    )
    .await;
    assert_eq!(
        error_of(&body).1,
        "Bad Request: message to delete not found"
    );

    // Through the control API, as a test would age a post.
    let (status, _) = control(
        &router,
        "POST",
        "/clock",
        json!({ "advance_seconds": 48 * 3600 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = call(
        &router,
        "deleteMessage",
        json!({ "chat_id": id, "message_id": second["result"]["message_id"] }),
    )
    .await;
    assert_eq!(
        error_of(&body),
        (400, "Bad Request: message can't be deleted")
    );

    let (_, messages) = control(&router, "GET", "/chats/@humas_unej/messages", Value::Null).await;
    assert_eq!(messages[0]["deleted"], true);
    assert_eq!(messages[1]["deleted"], false);
    // Editing has no time limit.
    let (status, _) = call(
        &router,
        "editMessageText",
        json!({ "chat_id": id, "message_id": second["result"]["message_id"], "text": "b2" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn flood_control_answers_429_with_retry_after_and_counts_album_items() {
    let sb = sandbox();
    sb.freeze_clock(true);
    let router = sb.router();
    let id = channel(&sb, "humas_unej");

    for _ in 0..3 {
        let (status, _) = call(
            &router,
            "sendMessage",
            json!({ "chat_id": id, "text": "x" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let http_req = Request::post(format!("/bot{TOKEN}/sendMessage"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "chat_id": id, "text": "x" }).to_string(),
        ))
        .expect("request");
    let response = send(&router, http_req).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    let (_, body) = json_of(response).await;
    assert_eq!(
        body,
        json!({
            "ok": false,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": { "retry_after": 1 }
        })
    );
    assert_eq!(
        sb.messages(&id.to_string()).expect("messages").len(),
        3,
        "a 429 stores nothing"
    );

    // A frozen clock means the limit holds until the test moves time on.
    sb.advance_clock(Duration::from_secs(1));
    let (status, _) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // An album's items count one each: a ten-item album leaves the chat in debt.
    sb.advance_clock(Duration::from_secs(60));
    let photo = fixtures::png(100, 100);
    let (_, first) = call_multipart(
        &router,
        "sendPhoto",
        &[("chat_id", &id.to_string()), ("photo", "attach://p")],
        &[("p", "p.png", &photo)],
    )
    .await;
    let file_id = first["result"]["photo"][0]["file_id"].clone();
    sb.advance_clock(Duration::from_secs(60));
    let album = Value::Array(vec![json!({ "type": "photo", "media": file_id }); 10]).to_string();
    let (status, _) = call(
        &router,
        "sendMediaGroup",
        json!({ "chat_id": id, "media": album }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "x" }),
    )
    .await;
    assert_eq!(error_of(&body).0, 429);
    assert_eq!(body["parameters"]["retry_after"], 8);

    // The limits are configurable over the control API.
    let (status, limits) = control(
        &router,
        "PUT",
        "/rate-limits",
        json!({ "enabled": true, "per_chat": { "burst": 1, "per_minute": 6 } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{limits}");
    let (status, _) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "x" }),
    )
    .await;
    assert_eq!(body["parameters"]["retry_after"], 10);
}

#[tokio::test]
async fn updates_are_confirmed_by_offset_and_long_polls_wake_up() {
    let sb = sandbox();
    let router = sb.router();
    let sari = user(&sb, false);
    sb.user_message(
        sari,
        UserMessage {
            text: Some("/start".to_owned()),
            ..UserMessage::default()
        },
    )
    .expect("message");
    let (_, body) = call(&router, "getUpdates", json!({})).await;
    let updates = body["result"].as_array().expect("updates").clone();
    assert_eq!(updates.len(), 1);
    let message = &updates[0]["message"];
    assert_eq!(message["text"], "/start");
    assert_eq!(
        message["entities"],
        json!([{ "type": "bot_command", "offset": 0, "length": 6 }])
    );
    assert_eq!(message["from"]["id"], sari);
    assert_eq!(message["chat"]["type"], "private");
    let first_id = updates[0]["update_id"].as_i64().expect("id");

    // Unconfirmed updates come again; a higher offset confirms them.
    let (_, body) = call(&router, "getUpdates", json!({ "offset": first_id })).await;
    assert_eq!(body["result"].as_array().map(Vec::len), Some(1));
    let (_, body) = call(&router, "getUpdates", json!({ "offset": first_id + 1 })).await;
    assert_eq!(body["result"], json!([]));

    // A long poll waits for the next update.
    let poll = tokio::spawn({
        let router = router.clone();
        async move {
            call(
                &router,
                "getUpdates",
                json!({ "offset": first_id + 1, "timeout": 20 }),
            )
            .await
        }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!poll.is_finished());
    sb.user_album(
        sari,
        UserAlbum {
            chat_id: None,
            media_group_id: None,
            items: vec![
                AlbumItem {
                    kind: media::FileKind::Photo,
                    file: FileSpec::default(),
                    caption: Some("surat".to_owned()),
                },
                AlbumItem {
                    kind: media::FileKind::Photo,
                    file: FileSpec::default(),
                    caption: None,
                },
            ],
        },
    )
    .expect("album");
    let (status, body) = tokio::time::timeout(Duration::from_secs(5), poll)
        .await
        .expect("woken")
        .expect("joined");
    assert_eq!(status, StatusCode::OK);
    let updates = body["result"].as_array().expect("updates");
    assert!(!updates.is_empty());
    assert!(updates[0]["message"]["media_group_id"].is_string());
    assert_eq!(updates[0]["message"]["caption"], "surat");

    // `limit` caps the batch.
    let (_, body) = call(
        &router,
        "getUpdates",
        json!({ "offset": first_id + 1, "limit": 1 }),
    )
    .await;
    assert_eq!(body["result"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_second_poller_ends_the_first_with_409_and_a_webhook_forbids_polling() {
    let sb = sandbox();
    let router = sb.router();
    let first = tokio::spawn({
        let router = router.clone();
        async move { call(&router, "getUpdates", json!({ "timeout": 30 })).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, body) = call(&router, "getUpdates", json!({ "offset": 1, "timeout": 0 })).await;
    assert_eq!(
        (status, body["result"].clone()),
        (StatusCode::OK, json!([]))
    );
    let (status, body) = tokio::time::timeout(Duration::from_secs(5), first)
        .await
        .expect("ended")
        .expect("joined");
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["description"],
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    );

    let (_, body) = call(
        &router,
        "setWebhook",
        json!({ "url": "http://example.org/hook" }),
    )
    .await;
    assert_eq!(
        error_of(&body).1,
        "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
    );
    let (_, body) = call(
        &router,
        "setWebhook",
        json!({ "url": "https://example.org/hook" }),
    )
    .await;
    assert_eq!(
        body,
        json!({ "ok": true, "result": true, "description": "Webhook was set" })
    );
    let (status, body) = call(&router, "getUpdates", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["description"],
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
    );
    let (_, body) = call(&router, "deleteWebhook", json!({})).await;
    assert_eq!(body["result"], true);
    let (status, _) = call(&router, "getUpdates", json!({ "offset": 5 })).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn button_presses_arrive_as_callback_queries_that_expire() {
    let sb = sandbox();
    sb.freeze_clock(true);
    let router = sb.router();
    let sari = user(&sb, true);
    let (_, body) = call(
        &router,
        "sendMessage",
        json!({
            "chat_id": sari,
            "text": "Setujui permohonan?",
            "reply_markup": { "inline_keyboard": [[{ "text": "Ya", "callback_data": "approve:7" }]] }
        }),
    )
    .await;
    let message_id = body["result"]["message_id"].as_i64().expect("id") as i32;

    let (status, pressed) = control(
        &router,
        "POST",
        &format!("/users/{sari}/callback"),
        json!({ "message_id": message_id, "data": "approve:7" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{pressed}");
    let query_id = pressed["callback_query_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (_, body) = call(&router, "getUpdates", json!({})).await;
    let query = &body["result"][0]["callback_query"];
    assert_eq!(query["id"], query_id.as_str());
    assert_eq!(query["data"], "approve:7");
    assert_eq!(query["from"]["id"], sari);
    assert_eq!(query["message"]["message_id"], message_id);
    assert!(query["chat_instance"].is_string());

    let (status, _) = call(
        &router,
        "answerCallbackQuery",
        json!({ "callback_query_id": query_id, "text": "Disetujui" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = call(
        &router,
        "answerCallbackQuery",
        json!({ "callback_query_id": query_id }),
    )
    .await;
    assert_eq!(
        error_of(&body).1,
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    );
    assert_eq!(
        sb.callbacks()[0].answer.as_ref().map(|a| a["text"].clone()),
        Some(json!("Disetujui"))
    );

    let late = sb
        .press_button(
            sari,
            ButtonPress {
                chat_id: None,
                message_id,
                data: "approve:7".to_owned(),
            },
        )
        .expect("press");
    sb.advance_clock(Duration::from_secs(60));
    let (_, body) = call(
        &router,
        "answerCallbackQuery",
        json!({ "callback_query_id": late["callback_query_id"] }),
    )
    .await;
    assert_eq!(error_of(&body).0, 400);

    // callback_data is 1-64 bytes.
    let (_, body) = call(
        &router,
        "sendMessage",
        json!({
            "chat_id": sari,
            "text": "x",
            "reply_markup": { "inline_keyboard": [[{ "text": "Ya", "callback_data": "x".repeat(65) }]] }
        }),
    )
    .await;
    assert_eq!(error_of(&body).1, "Bad Request: BUTTON_DATA_INVALID");
}

#[tokio::test]
async fn injected_errors_and_gateway_pages_answer_instead_of_the_call() {
    let sb = sandbox();
    let router = sb.router();
    let id = channel(&sb, "humas_unej");
    let (status, body) = control(
        &router,
        "POST",
        "/faults",
        json!({
            "method": "sendMessage",
            "times": 2,
            "fault": {
                "kind": "error",
                "error_code": 429,
                "description": "Too Many Requests: retry after 5",
                "parameters": { "retry_after": 5 }
            }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for _ in 0..2 {
        let http_req = Request::post(format!("/bot{TOKEN}/sendMessage"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({ "chat_id": id, "text": "x" }).to_string(),
            ))
            .expect("request");
        let response = send(&router, http_req).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "5");
    }
    let (status, _) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "x" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    sb.inject_fault(NewFault {
        method: "sendMessage".to_owned(),
        times: 1,
        chat_id: None,
        fault: Fault::BadGateway { accept: false },
    })
    .expect("fault");
    let http_req = Request::post(format!("/bot{TOKEN}/sendMessage"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "chat_id": id, "text": "y" }).to_string(),
        ))
        .expect("request");
    let response = send(&router, http_req).await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/html");
    let (_, page) = json_of(response).await;
    assert!(
        page.as_str()
            .is_some_and(|p| p.contains("<h1>502 Bad Gateway</h1>"))
    );
    assert_eq!(sb.messages("@humas_unej").expect("messages").len(), 1);

    // A fault can target one chat only, leaving the others alone.
    let other = channel(&sb, "unej_official");
    sb.inject_fault(NewFault {
        method: "sendmessage".to_owned(),
        times: 1,
        chat_id: Some(json!("@unej_official")),
        fault: Fault::Error {
            error_code: 403,
            description: "Forbidden: bot was kicked from the channel chat".to_owned(),
            parameters: None,
        },
    })
    .expect("fault");
    let (status, _) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "z" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &router,
        "sendMessage",
        json!({ "chat_id": "@unej_official", "text": "z" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        sb.messages(&other.to_string())
            .expect("messages")
            .is_empty()
    );

    let calls = sb.calls();
    assert_eq!(calls.iter().filter(|c| c.fault.is_some()).count(), 4);
}

/// Serves the router on a loopback port, for faults that only show on a real connection.
async fn serve(router: Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// Sends one raw HTTP/1.1 request and reads until the server closes or `wait` passes.
async fn raw_exchange(addr: std::net::SocketAddr, body: &str, wait: Duration) -> Option<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "POST /bot{TOKEN}/sendMessage HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut received = Vec::new();
    match tokio::time::timeout(wait, stream.read_to_end(&mut received)).await {
        Ok(_) => Some(received),
        Err(_) => None,
    }
}

#[tokio::test]
async fn accepted_calls_can_hang_or_lose_their_answer() {
    let sb = sandbox();
    no_limits(&sb);
    let id = channel(&sb, "humas_unej");
    let addr = serve(sb.router()).await;
    let body = json!({ "chat_id": id, "text": "terkirim" }).to_string();

    // Dropped after storing: the client gets no status line at all.
    sb.inject_fault(NewFault {
        method: "sendMessage".to_owned(),
        times: 1,
        chat_id: None,
        fault: Fault::Drop { accept: true },
    })
    .expect("fault");
    let received = raw_exchange(addr, &body, Duration::from_secs(5))
        .await
        .expect("closed");
    assert!(
        received.is_empty(),
        "not even a status line may reach the client: {}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(
        sb.messages("@humas_unej").expect("messages").len(),
        1,
        "but the post is stored"
    );

    // Hanging past the client's timeout: stored, no answer within the client's patience.
    sb.inject_fault(NewFault {
        method: "sendMessage".to_owned(),
        times: 1,
        chat_id: None,
        fault: Fault::Hang {
            accept: true,
            delay_ms: None,
        },
    })
    .expect("fault");
    let received = raw_exchange(addr, &body, Duration::from_millis(300)).await;
    assert!(received.is_none(), "still hanging");
    assert_eq!(sb.messages("@humas_unej").expect("messages").len(), 2);

    // A delayed answer does come, late.
    sb.inject_fault(NewFault {
        method: "sendMessage".to_owned(),
        times: 1,
        chat_id: None,
        fault: Fault::Hang {
            accept: true,
            delay_ms: Some(200),
        },
    })
    .expect("fault");
    let started = std::time::Instant::now();
    let received = raw_exchange(addr, &body, Duration::from_secs(5))
        .await
        .expect("answered");
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(String::from_utf8_lossy(&received).starts_with("HTTP/1.1 200"));
    sb.reset();
}

#[tokio::test]
async fn urlencoded_and_query_string_parameters_work() {
    let sb = sandbox();
    let router = sb.router();
    channel(&sb, "humas_unej");
    let http_req = Request::post(format!("/bot{TOKEN}/sendMessage"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("chat_id=%40humas_unej&text=Halo+%26+selamat"))
        .expect("request");
    let (status, body) = json_of(send(&router, http_req).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"]["text"], "Halo & selamat");

    let http_req = Request::get(format!("/bot{TOKEN}/getChat?chat_id=%40humas_unej"))
        .body(Body::empty())
        .expect("request");
    let (status, body) = json_of(send(&router, http_req).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["result"]["username"], "humas_unej");
}

#[tokio::test]
async fn the_control_api_sets_up_chats_and_users_and_reads_back() {
    let sb = sandbox();
    let router = sb.router();
    let (status, chat) = control(
        &router,
        "POST",
        "/chats",
        json!({
            "type": "channel",
            "title": "Humas Universitas Jember",
            "username": "@humas_unej",
            "bot": { "status": "administrator", "can_post_messages": true }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{chat}");
    assert_eq!(chat["username"], "humas_unej");
    assert_eq!(chat["bot"]["status"], "administrator");
    assert!(
        chat["id"]
            .as_i64()
            .is_some_and(|id| id < -1_000_000_000_000)
    );

    let (status, body) = control(
        &router,
        "POST",
        "/chats",
        json!({ "type": "channel", "title": "x", "username": "humas_unej" }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().is_some_and(|e| e.contains("taken")));

    let (status, body) = control(
        &router,
        "PUT",
        "/chats/@humas_unej/bot",
        json!({ "status": "kicked" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["bot"]["status"], "kicked");

    let (status, created) = control(
        &router,
        "POST",
        "/users",
        json!({ "first_name": "Sari", "username": "sari_w" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let uid = created["id"].as_i64().expect("id");
    let (status, sent) = control(
        &router,
        "POST",
        &format!("/users/{uid}/messages"),
        json!({ "document": { "file_name": "surat.pdf", "size": 1000 }, "caption": "Surat permohonan" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(sent["message"]["document"]["file_name"], "surat.pdf");
    assert_eq!(sent["message"]["document"]["mime_type"], "application/pdf");
    let (_, user_view) = control(&router, "GET", &format!("/users/{uid}"), Value::Null).await;
    assert_eq!(user_view["started"], true, "writing to the bot starts it");

    // The bot can fetch what the user sent.
    let file_id = sent["message"]["document"]["file_id"].clone();
    let (_, file) = call(&router, "getFile", json!({ "file_id": file_id })).await;
    assert_eq!(file["result"]["file_size"], 1000);

    let (status, calls) = control(&router, "GET", "/calls?method=getFile", Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(calls.as_array().map(Vec::len), Some(1));

    let (status, _) = control(&router, "POST", "/reset", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, chats) = control(&router, "GET", "/chats", Value::Null).await;
    assert_eq!(chats, json!([]));
}

#[tokio::test]
async fn the_page_lists_channel_posts() {
    let sb = sandbox();
    let router = sb.router();
    let id = channel(&sb, "humas_unej");
    call(
        &router,
        "sendMessage",
        json!({ "chat_id": id, "text": "<b>Wisuda</b> &lt;script&gt;", "parse_mode": "HTML" }),
    )
    .await;
    let response = send(
        &router,
        Request::get("/").body(Body::empty()).expect("request"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let (_, page) = json_of(response).await;
    let page = page.as_str().expect("html").to_owned();
    assert!(page.contains("@humas_unej"));
    assert!(page.contains("<b>Wisuda</b> &lt;script&gt;"));
    assert!(!page.contains("<script>"));
}
