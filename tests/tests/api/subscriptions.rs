//! Live updates over WebSocket (`graphql-transport-ws`), authenticated in `connection_init`.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, protocol::frame::coding::CloseCode},
};
use warta_tests::{Role, TestApp, walk::FORWARD};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens a `graphql-transport-ws` connection and sends `connection_init` with `payload`.
async fn open(app: &TestApp, payload: Value) -> Socket {
    let mut request = app
        .ws_url()
        .into_client_request()
        .expect("a WebSocket request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("a header"),
    );
    let (mut socket, response) = connect_async(request).await.expect("the upgrade succeeds");
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some("graphql-transport-ws")
    );
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("sent");
}

/// The next protocol message (answering pings), or `None` when `wait` passes first.
async fn next(socket: &mut Socket, wait: Duration) -> Option<Result<Value, Option<u16>>> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()?;
        match message {
            Some(Ok(Message::Text(text))) => {
                let value: Value = serde_json::from_str(&text).expect("JSON");
                if value["type"] == "ping" {
                    send(socket, json!({ "type": "pong" })).await;
                    continue;
                }
                return Some(Ok(value));
            }
            Some(Ok(Message::Close(frame))) => return Some(Err(frame.map(|f| u16::from(f.code)))),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return Some(Err(None)),
        }
    }
}

async fn expect_ack(socket: &mut Socket) {
    let ack = next(socket, Duration::from_secs(10))
        .await
        .expect("an answer in time");
    assert_eq!(ack.expect("not closed")["type"], "connection_ack");
}

/// A ping answered by a pong: the server has read everything sent before it, which usually
/// means a subscription sent before has started.
async fn ping_pong(socket: &mut Socket) {
    send(socket, json!({ "type": "ping" })).await;
    let pong = next(socket, Duration::from_secs(10))
        .await
        .expect("a pong in time")
        .expect("open");
    assert_eq!(pong["type"], "pong", "{pong}");
}

/// The first error code of an `error` message, or of a `next` message carrying errors (how
/// async-graphql reports a resolver that refused to start the stream).
fn refusal_code(message: &Value) -> Option<String> {
    let error = match message["type"].as_str() {
        Some("error") => &message["payload"][0],
        Some("next") => &message["payload"]["errors"][0],
        _ => return None,
    };
    error["extensions"]["code"].as_str().map(str::to_owned)
}

async fn subscribe(socket: &mut Socket, id: &str, query: &str, variables: Value) {
    send(socket, json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bureau_head_is_told_when_a_request_reaches_their_inbox() {
    let app = warta_tests::spawn_app().await;
    let bureau_head = app.user(Role::BureauHead).await;
    let vice_rector = app.user(Role::ViceRector).await;
    let requester = app.user(Role::Requester).await;

    let mut socket = open(
        &app,
        json!({ "authorization": format!("Bearer {}", bureau_head.token) }),
    )
    .await;
    expect_ack(&mut socket).await;
    subscribe(
        &mut socket,
        "inbox",
        "subscription { inboxChanged { requestId } }",
        json!({}),
    )
    .await;
    ping_pong(&mut socket).await;

    // The protocol does not confirm a subscription, so forward requests until one is seen
    // (normally the first), within a deadline.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut forwarded = Vec::new();
    let seen = loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no inboxChanged after forwarding {forwarded:?}"
        );
        let (id, _) = app.submit(&requester, "Langsung").await;
        app.gql_ok(
            Some(&vice_rector.token),
            FORWARD,
            json!({ "input": { "requestId": id } }),
        )
        .await;
        forwarded.push(id);
        if let Some(message) = next(&mut socket, Duration::from_millis(500)).await {
            break message.expect("the connection stays open");
        }
    };
    assert_eq!(seen["type"], "next", "{seen}");
    assert_eq!(seen["id"], "inbox");
    let request_id = seen["payload"]["data"]["inboxChanged"]["requestId"]
        .as_str()
        .expect("a request id");
    assert!(
        forwarded.iter().any(|f| f == request_id),
        "{request_id} is one of {forwarded:?}"
    );
    assert!(
        app.inbox_ids(&bureau_head.token)
            .await
            .iter()
            .any(|i| i == request_id)
    );

    // Changes elsewhere are not sent: a submission waits on the vice rector, not the bureau.
    while next(&mut socket, Duration::from_millis(200))
        .await
        .is_some()
    {}
    app.submit(&requester, "Bukan untuk biro").await;
    assert!(
        next(&mut socket, Duration::from_millis(300))
            .await
            .is_none(),
        "not the bureau's business"
    );

    send(&mut socket, json!({ "id": "inbox", "type": "complete" })).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requester_follows_their_request_as_it_moves() {
    let app = warta_tests::spawn_app().await;
    let requester = app.user(Role::Requester).await;
    let vice_rector = app.user(Role::ViceRector).await;
    let (id, _) = app.submit(&requester, "Diikuti").await;

    let mut socket = open(
        &app,
        json!({ "authorization": format!("Bearer {}", requester.token) }),
    )
    .await;
    expect_ack(&mut socket).await;
    subscribe(
        &mut socket,
        "r",
        "subscription($id: ID!) { requestUpdated(id: $id) { id status holderRole } }",
        json!({ "id": id }),
    )
    .await;
    ping_pong(&mut socket).await;

    app.gql_ok(
        Some(&vice_rector.token),
        FORWARD,
        json!({ "input": { "requestId": id } }),
    )
    .await;
    let update = next(&mut socket, Duration::from_secs(10))
        .await
        .expect("an update in time")
        .expect("open");
    assert_eq!(update["type"], "next", "{update}");
    assert_eq!(
        update["payload"]["data"]["requestUpdated"],
        json!({ "id": id, "status": "INSTRUCTION", "holderRole": "BUREAU_HEAD" })
    );
}

#[tokio::test]
async fn someone_else_cannot_follow_a_request() {
    let app = warta_tests::spawn_app().await;
    let requester = app.user(Role::Requester).await;
    let other = app.new_user(&[Role::Requester]).await;
    let (id, _) = app.submit(&requester, "Rahasia").await;
    let mut socket = open(
        &app,
        json!({ "authorization": format!("Bearer {}", other.token) }),
    )
    .await;
    expect_ack(&mut socket).await;
    subscribe(
        &mut socket,
        "r",
        "subscription($id: ID!) { requestUpdated(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    let answer = next(&mut socket, Duration::from_secs(10))
        .await
        .expect("an answer")
        .expect("open");
    assert_eq!(
        refusal_code(&answer).as_deref(),
        Some("NOT_FOUND"),
        "{answer}"
    );
}

#[tokio::test]
async fn a_bad_token_in_connection_init_closes_the_connection_with_4403() {
    let app = warta_tests::spawn_app().await;
    let mut socket = open(&app, json!({ "authorization": "Bearer not-a-token" })).await;
    let answer = next(&mut socket, Duration::from_secs(10))
        .await
        .expect("an answer");
    assert_eq!(
        answer,
        Err(Some(u16::from(CloseCode::Library(4403)))),
        "refused with 4403 Forbidden"
    );
}

#[tokio::test]
async fn an_anonymous_subscription_to_an_inbox_is_unauthenticated() {
    let app = warta_tests::spawn_app().await;
    let mut socket = open(&app, json!({})).await;
    expect_ack(&mut socket).await;
    subscribe(
        &mut socket,
        "x",
        "subscription { inboxChanged { requestId } }",
        json!({}),
    )
    .await;
    let answer = next(&mut socket, Duration::from_secs(10))
        .await
        .expect("an answer")
        .expect("open");
    assert_eq!(
        refusal_code(&answer).as_deref(),
        Some("UNAUTHENTICATED"),
        "{answer}"
    );
}
