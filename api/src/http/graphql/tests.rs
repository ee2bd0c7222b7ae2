//! The transport rules of `/graphql`, against a toy schema with a query, a mutation and a
//! subscription.

use std::{collections::BTreeSet, net::SocketAddr};

use async_graphql::{Context, Object, Subscription, Upload};
use axum::{
    Router,
    body::{Body, to_bytes},
    extract::ConnectInfo,
    http::{self, HeaderMap, StatusCode, header},
};
use futures::Stream;
use serde_json::{Value as JsonValue, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tower::ServiceExt;

use super::*;

struct Query;

#[Object]
impl Query {
    async fn hello(&self) -> &str {
        "world"
    }

    async fn add(&self, a: i32, b: i32) -> i32 {
        a + b
    }

    async fn whoami(&self, ctx: &Context<'_>) -> String {
        describe(ctx.data_opt::<Principal>())
    }

    async fn client_addr(&self, ctx: &Context<'_>) -> Option<String> {
        ctx.data_opt::<RequestMeta>()?
            .client_addr
            .map(|addr| addr.to_string())
    }

    async fn user_agent(&self, ctx: &Context<'_>) -> Option<String> {
        ctx.data_opt::<RequestMeta>()?.user_agent.clone()
    }

    async fn broken(&self) -> async_graphql::Result<i32> {
        Err("boom".into())
    }

    async fn nested(&self) -> Nested {
        Nested
    }
}

struct Nested;

#[Object]
impl Nested {
    async fn child(&self) -> Nested {
        Nested
    }

    async fn leaf(&self) -> i32 {
        1
    }
}

struct Mutation;

#[Object]
impl Mutation {
    async fn bump(&self) -> i32 {
        1
    }

    async fn upload_size(&self, ctx: &Context<'_>, file: Upload) -> async_graphql::Result<u64> {
        Ok(file.value(ctx)?.size()?)
    }

    async fn upload_count(&self, files: Vec<Upload>) -> usize {
        files.len()
    }
}

struct Subscription;

#[Subscription]
impl Subscription {
    async fn whoami(&self, ctx: &Context<'_>) -> impl Stream<Item = String> {
        futures::stream::iter([describe(ctx.data_opt::<Principal>())])
    }
}

fn describe(principal: Option<&Principal>) -> String {
    match principal {
        None => "nobody".into(),
        Some(Principal::Anonymous) => "anonymous".into(),
        Some(Principal::User { id, .. }) => format!("user:{id}"),
        Some(Principal::Client { client_id, .. }) => format!("client:{client_id}"),
    }
}

const LIMITS: TransportLimits = TransportLimits {
    max_body_bytes: 1024,
    max_upload_bytes: 512,
    max_files: 2,
};

fn authenticate() -> Authenticate {
    Arc::new(|token: &str| match token {
        "good" => Ok(Principal::User {
            id: 7,
            roles: BTreeSet::new(),
        }),
        _ => Err(AuthError::InvalidToken),
    })
}

fn app() -> Router {
    let schema = Schema::build(Query, Mutation, Subscription)
        .extension(TransportProbe)
        .limit_depth(4)
        .finish();
    graphql_routes(schema, authenticate(), LIMITS)
}

/// The same schema without the probe: request errors are still told apart.
fn app_without_probe() -> Router {
    let schema = Schema::build(Query, Mutation, Subscription)
        .limit_depth(4)
        .finish();
    graphql_routes(schema, authenticate(), LIMITS)
}

const GQL: &str = "application/graphql-response+json";
const GQL_UTF8: &str = "application/graphql-response+json; charset=utf-8";
const JSON_UTF8: &str = "application/json; charset=utf-8";

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> JsonValue {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }

    fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .map_or("", |value| value.to_str().expect("ascii"))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("ascii"))
    }

    fn first_code(&self) -> JsonValue {
        self.json()["errors"][0]["extensions"]["code"].clone()
    }
}

async fn send(app: Router, http_req: http::Request<Body>) -> Answer {
    let http_res = app.oneshot(http_req).await.expect("infallible");
    let status = http_res.status();
    let headers = http_res.headers().clone();
    let body = to_bytes(http_res.into_body(), usize::MAX)
        .await
        .expect("body");
    Answer {
        status,
        headers,
        body: String::from_utf8(body.to_vec()).expect("utf-8"),
    }
}

fn post(
    body: impl Into<Body>,
    content_type: Option<&str>,
    accept: Option<&str>,
) -> http::Request<Body> {
    let mut builder = http::Request::post("/graphql");
    if let Some(content_type) = content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    if let Some(accept) = accept {
        builder = builder.header(header::ACCEPT, accept);
    }
    builder.body(body.into()).expect("request")
}

fn post_json(body: JsonValue, accept: Option<&str>) -> http::Request<Body> {
    post(body.to_string(), Some("application/json"), accept)
}

fn get(params: &[(&str, &str)], accept: Option<&str>) -> http::Request<Body> {
    let query: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("{name}={}", percent_encode(value)))
        .collect();
    let mut builder = http::Request::get(format!("/graphql?{}", query.join("&")));
    if let Some(accept) = accept {
        builder = builder.header(header::ACCEPT, accept);
    }
    builder.body(Body::empty()).expect("request")
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

// --- POST with JSON -------------------------------------------------------------------------

#[tokio::test]
async fn post_query_answers_200_in_the_requested_media_type() {
    let answer = send(app(), post_json(json!({"query": "{ hello }"}), Some(GQL))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type(), GQL_UTF8);
    assert_eq!(answer.json(), json!({"data": {"hello": "world"}}));
}

#[tokio::test]
async fn json_with_a_charset_and_variables_and_operation_name_is_accepted() {
    let body = json!({
        "query": "query A { hello } query B($a: Int!) { add(a: $a, b: 2) }",
        "operationName": "B",
        "variables": {"a": 40},
        "extensions": {"trace": true},
    });
    let http_req = post(
        body.to_string(),
        Some("application/json; charset=UTF-8"),
        Some(GQL),
    );
    let answer = send(app(), http_req).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["data"]["add"], 42);
}

#[tokio::test]
async fn null_optional_fields_are_accepted() {
    let body =
        json!({"query": "{ hello }", "variables": null, "operationName": null, "extensions": null});
    let answer = send(app(), post_json(body, Some(GQL))).await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn accept_negotiation_picks_the_media_type() {
    let cases = [
        (None, JSON_UTF8),
        (Some("*/*"), JSON_UTF8),
        (Some("application/*"), JSON_UTF8),
        (Some("application/json"), JSON_UTF8),
        (Some(GQL), GQL_UTF8),
        (
            Some("application/json, application/graphql-response+json"),
            GQL_UTF8,
        ),
        (
            Some("application/graphql-response+json, */*;q=0.8"),
            GQL_UTF8,
        ),
        (
            Some("application/graphql-response+json;q=0.5, application/json"),
            JSON_UTF8,
        ),
        (
            Some("application/graphql-response+json;q=0.9, application/json;q=0.8"),
            GQL_UTF8,
        ),
        (Some("application/json; charset=utf-8"), JSON_UTF8),
        (Some("text/html, */*;q=0.1"), JSON_UTF8),
    ];
    for (accept, expected) in cases {
        let answer = send(app(), post_json(json!({"query": "{ hello }"}), accept)).await;
        assert_eq!(answer.status, StatusCode::OK, "{accept:?}");
        assert_eq!(answer.content_type(), expected, "{accept:?}");
    }
}

#[tokio::test]
async fn an_unacceptable_accept_header_is_406() {
    for accept in [
        "text/html",
        "application/xml",
        "application/json;q=0, application/graphql-response+json;q=0",
    ] {
        let answer = send(
            app(),
            post_json(json!({"query": "{ hello }"}), Some(accept)),
        )
        .await;
        assert_eq!(answer.status, StatusCode::NOT_ACCEPTABLE, "{accept}");
        assert_eq!(answer.first_code(), "BAD_USER_INPUT");
        assert!(
            answer.content_type().starts_with("application/json"),
            "{accept}"
        );
    }
}

#[tokio::test]
async fn a_document_that_does_not_parse_is_400_with_graphql_response_json() {
    let answer = send(app(), post_json(json!({"query": "{ hello"}), Some(GQL))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.content_type(), GQL_UTF8);
    let body = answer.json();
    assert!(
        body.get("data").is_none(),
        "a request error has no data entry: {body}"
    );
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");
    assert!(body["errors"][0]["locations"].is_array(), "{body}");
}

#[tokio::test]
async fn a_document_that_does_not_parse_is_200_with_application_json() {
    let answer = send(
        app(),
        post_json(json!({"query": "{ hello"}), Some("application/json")),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type(), JSON_UTF8);
    assert!(answer.json().get("data").is_none());
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn validation_failures_are_400_with_graphql_response_json_and_200_with_json() {
    let documents = [
        json!({"query": "{ nope }"}),
        json!({"query": "query($a: Int!) { add(a: $a, b: 1) }", "variables": {"a": "forty"}}),
        json!({"query": "{ nested { child { child { child { child { leaf } } } } } }"}),
        json!({"query": "query A { hello }", "operationName": "B"}),
        json!({"query": "query A { hello } query B { hello }"}),
        json!({"query": "{ hello }", "operationName": "A"}),
    ];
    for make_app in [app, app_without_probe] {
        for document in &documents {
            let answer = send(make_app(), post_json(document.clone(), Some(GQL))).await;
            assert_eq!(
                answer.status,
                StatusCode::BAD_REQUEST,
                "{document}: {}",
                answer.body
            );
            assert!(answer.json().get("data").is_none(), "{}", answer.body);
            assert_eq!(answer.first_code(), "BAD_USER_INPUT", "{}", answer.body);

            let answer = send(
                make_app(),
                post_json(document.clone(), Some("application/json")),
            )
            .await;
            assert_eq!(answer.status, StatusCode::OK, "{document}: {}", answer.body);
            assert_eq!(answer.first_code(), "BAD_USER_INPUT", "{}", answer.body);
        }
    }
}

#[tokio::test]
async fn field_errors_are_200_with_data() {
    let answer = send(
        app(),
        post_json(json!({"query": "{ hello broken }"}), Some(GQL)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    assert_eq!(body["data"]["hello"], "world");
    assert_eq!(body["errors"][0]["path"], json!(["broken"]));
    // An execution error keeps whatever code its resolver gave it (here none).
    assert!(body["errors"][0].get("extensions").is_none(), "{body}");
}

#[tokio::test]
async fn a_mutation_over_post_runs() {
    let answer = send(
        app(),
        post_json(json!({"query": "mutation { bump }"}), Some(GQL)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), json!({"data": {"bump": 1}}));
}

#[tokio::test]
async fn a_subscription_over_post_is_a_request_error() {
    let answer = send(
        app(),
        post_json(json!({"query": "subscription { whoami }"}), Some(GQL)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let padding = "x".repeat(LIMITS.max_body_bytes);
    let body = json!({"query": format!("{{ hello }} # {padding}")});
    let answer = send(app(), post_json(body.clone(), Some(GQL))).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");

    // Without a Content-Length (chunked), the limit trips while reading.
    let stream = futures::stream::iter([Ok::<_, std::io::Error>(body.to_string())]);
    let http_req = post(
        Body::from_stream(stream),
        Some("application/json"),
        Some(GQL),
    );
    let answer = send(app(), http_req).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    let cases = [
        ("{ not json", "the request body is not valid JSON"),
        ("", "the request body is not valid JSON"),
        (r#"{"variables": {}}"#, "the query is missing"),
        (r#"{"query": 42}"#, "query must be a string"),
        (
            r#"{"query": "{ hello }", "operationName": 1}"#,
            "operationName must be a string",
        ),
        (
            r#"{"query": "{ hello }", "variables": "{}"}"#,
            "variables must be a JSON object",
        ),
        (
            r#"{"query": "{ hello }", "extensions": []}"#,
            "extensions must be a JSON object",
        ),
        (r#""{ hello }""#, "the request body must be a JSON object"),
        (
            r#"[{"query": "{ hello }"}]"#,
            "batched requests are not supported",
        ),
    ];
    for accept in [GQL, "application/json"] {
        for (body, message) in cases {
            let answer = send(app(), post(body, Some("application/json"), Some(accept))).await;
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(answer.json()["errors"][0]["message"], message, "{body}");
            assert_eq!(answer.first_code(), "BAD_USER_INPUT");
        }
    }
}

#[tokio::test]
async fn other_content_types_are_415() {
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/graphql"),
        Some("application/json; charset=latin1"),
        Some("nonsense"),
        None,
    ] {
        let answer = send(
            app(),
            post(r#"{"query": "{ hello }"}"#, content_type, Some(GQL)),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert_eq!(answer.first_code(), "BAD_USER_INPUT");
        assert_eq!(answer.content_type(), GQL_UTF8);
    }
}

#[tokio::test]
async fn other_methods_are_405() {
    let http_req = http::Request::put("/graphql")
        .body(Body::empty())
        .expect("request");
    let answer = send(app(), http_req).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.header("allow"), Some("GET, POST"));
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");
}

// --- GET ------------------------------------------------------------------------------------

#[tokio::test]
async fn get_runs_a_query() {
    let params = [
        ("query", "query($a: Int!) { add(a: $a, b: 1) }"),
        ("variables", r#"{"a": 1}"#),
    ];
    let answer = send(app(), get(&params, Some(GQL))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type(), GQL_UTF8);
    assert_eq!(answer.json(), json!({"data": {"add": 2}}));
    assert_eq!(answer.header("vary"), Some("accept"));
}

#[tokio::test]
async fn get_refuses_a_mutation_with_405() {
    let answer = send(app(), get(&[("query", "mutation { bump }")], Some(GQL))).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.header("allow"), Some("POST"));
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn get_picks_the_operation_by_name_before_refusing() {
    let document = "query Q { hello } mutation M { bump }";
    let answer = send(
        app(),
        get(&[("query", document), ("operationName", "M")], None),
    )
    .await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    let answer = send(
        app(),
        get(&[("query", document), ("operationName", "Q")], None),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), json!({"data": {"hello": "world"}}));
}

#[tokio::test]
async fn get_refuses_a_subscription_with_405() {
    let answer = send(
        app(),
        get(&[("query", "subscription { whoami }")], Some(GQL)),
    )
    .await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(answer.header("allow").is_some());
}

#[tokio::test]
async fn get_without_a_query_is_400_for_programs_and_graphiql_for_browsers() {
    let answer = send(app(), get(&[], Some(GQL))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");

    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let http_req = http::Request::get("/graphql")
        .header(header::ACCEPT, browser)
        .body(Body::empty());
    let answer = send(app(), http_req.expect("request")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.content_type().starts_with("text/html"),
        "{}",
        answer.content_type()
    );
    assert!(answer.body.contains("graphiql"), "not GraphiQL");
    assert!(answer.body.contains("/graphql"));
}

#[tokio::test]
async fn get_with_bad_variables_is_400() {
    for variables in ["{nope", "[1]", "3"] {
        let params = [("query", "{ hello }"), ("variables", variables)];
        let answer = send(app(), get(&params, Some("application/json"))).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{variables}");
        assert_eq!(
            answer.json()["errors"][0]["message"],
            "variables must be a JSON object"
        );
    }
}

#[tokio::test]
async fn get_request_errors_follow_the_media_type() {
    let answer = send(app(), get(&[("query", "{ nope }")], Some(GQL))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = send(app(), get(&[("query", "{ nope }")], None)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_websocket_upgrade_without_a_graphql_subprotocol_is_refused() {
    let http_req = http::Request::get("/graphql")
        .header(header::UPGRADE, "websocket")
        .header(header::CONNECTION, "upgrade")
        .body(Body::empty())
        .expect("request");
    let answer = send(app(), http_req).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");
}

// --- Authentication and request metadata ----------------------------------------------------

fn with_header(
    mut http_req: http::Request<Body>,
    name: &'static str,
    value: &str,
) -> http::Request<Body> {
    http_req
        .headers_mut()
        .insert(name, value.parse().expect("header value"));
    http_req
}

#[tokio::test]
async fn no_authorization_header_is_the_anonymous_caller() {
    let answer = send(app(), post_json(json!({"query": "{ whoami }"}), Some(GQL))).await;
    assert_eq!(answer.json()["data"]["whoami"], "anonymous");
}

#[tokio::test]
async fn a_valid_bearer_token_names_the_caller() {
    for value in ["Bearer good", "bearer good"] {
        let http_req = with_header(
            post_json(json!({"query": "{ whoami }"}), Some(GQL)),
            "authorization",
            value,
        );
        let answer = send(app(), http_req).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.json()["data"]["whoami"], "user:7");
    }
}

#[tokio::test]
async fn a_bad_or_foreign_authorization_is_401() {
    for value in ["Bearer bad", "Basic dXNlcjpwYXNz", "Bearer", "good"] {
        for http_req in [
            post_json(json!({"query": "{ whoami }"}), Some(GQL)),
            get(&[("query", "{ whoami }")], Some(GQL)),
        ] {
            let answer = send(app(), with_header(http_req, "authorization", value)).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{value}");
            assert_eq!(answer.header("www-authenticate"), Some("Bearer"));
            assert_eq!(answer.first_code(), "UNAUTHENTICATED");
            assert!(answer.json().get("data").is_none());
        }
    }
}

#[tokio::test]
async fn request_meta_carries_the_peer_address_and_user_agent() {
    let mut http_req = post_json(json!({"query": "{ clientAddr userAgent }"}), Some(GQL));
    let peer: SocketAddr = "203.0.113.9:50000".parse().expect("address");
    http_req.extensions_mut().insert(ConnectInfo(peer));
    let http_req = with_header(http_req, "user-agent", "warta-test/1");
    let http_req = with_header(http_req, "x-forwarded-for", "198.51.100.1");
    let answer = send(app(), http_req).await;
    assert_eq!(
        answer.json()["data"],
        json!({"clientAddr": "203.0.113.9", "userAgent": "warta-test/1"})
    );
}

// --- Multipart uploads ----------------------------------------------------------------------

const BOUNDARY: &str = "warta-boundary-1234";

fn multipart_body(operations: &JsonValue, map: &JsonValue, files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut part = |headers: String, content: &[u8]| {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part(
        "Content-Disposition: form-data; name=\"operations\"".into(),
        operations.to_string().as_bytes(),
    );
    part(
        "Content-Disposition: form-data; name=\"map\"".into(),
        map.to_string().as_bytes(),
    );
    for (name, content) in files {
        part(
            format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}.bin\"\r\n\
                 Content-Type: application/octet-stream"
            ),
            content,
        );
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn multipart(body: Vec<u8>, preflight: Option<(&'static str, &str)>) -> http::Request<Body> {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let http_req = post(body, Some(&content_type), Some(GQL));
    match preflight {
        Some((name, value)) => with_header(http_req, name, value),
        None => http_req,
    }
}

fn one_file(size: usize) -> Vec<u8> {
    multipart_body(
        &json!({"query": "mutation($f: Upload!) { uploadSize(file: $f) }", "variables": {"f": null}}),
        &json!({"0": ["variables.f"]}),
        &[("0", vec![b'a'; size])],
    )
}

fn files(count: usize) -> Vec<u8> {
    let names: Vec<String> = (0..count).map(|i| i.to_string()).collect();
    let map: serde_json::Map<String, JsonValue> = names
        .iter()
        .map(|name| (name.clone(), json!([format!("variables.fs.{name}")])))
        .collect();
    let parts: Vec<(&str, Vec<u8>)> = names
        .iter()
        .map(|name| (name.as_str(), b"x".to_vec()))
        .collect();
    multipart_body(
        &json!({"query": "mutation($fs: [Upload!]!) { uploadCount(files: $fs) }", "variables": {"fs": vec![JsonValue::Null; count]}}),
        &JsonValue::Object(map),
        &parts,
    )
}

#[tokio::test]
async fn a_multipart_upload_with_a_preflight_header_runs() {
    for preflight in [
        ("apollo-require-preflight", "true"),
        ("x-requested-with", "XMLHttpRequest"),
        ("authorization", "Bearer good"),
    ] {
        let answer = send(app(), multipart(one_file(100), Some(preflight))).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{preflight:?}: {}",
            answer.body
        );
        assert_eq!(answer.json(), json!({"data": {"uploadSize": 100}}));
    }
}

#[tokio::test]
async fn a_multipart_request_without_a_preflight_header_is_400() {
    let answer = send(app(), multipart(one_file(10), None)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn an_oversized_file_is_413() {
    let answer = send(
        app(),
        multipart(
            one_file(LIMITS.max_upload_bytes as usize + 1),
            Some(("apollo-require-preflight", "1")),
        ),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.body
    );
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");
    assert!(
        answer.json()["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("512 bytes"))
    );
}

#[tokio::test]
async fn too_many_files_are_413() {
    let answer = send(
        app(),
        multipart(files(2), Some(("apollo-require-preflight", "1"))),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.json(), json!({"data": {"uploadCount": 2}}));

    let answer = send(
        app(),
        multipart(files(3), Some(("apollo-require-preflight", "1"))),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_broken_multipart_request_is_400() {
    let body = b"--warta-boundary-1234\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{}\r\n--warta-boundary-1234--\r\n".to_vec();
    let answer = send(
        app(),
        multipart(body, Some(("apollo-require-preflight", "1"))),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.first_code(), "BAD_USER_INPUT");
}

#[test]
fn the_multipart_budget_counts_delimiters_split_across_chunks() {
    let limits = TransportLimits {
        max_body_bytes: 1_000,
        max_upload_bytes: 1_000,
        max_files: 1,
    };
    let body = files(2);
    // Feed the body a few bytes at a time so delimiters straddle chunks.
    for chunk_size in [1, 2, 3, 7, 64, body.len()] {
        let mut budget = MultipartBudget::new(BOUNDARY, 1_000, limits);
        let admitted = body.chunks(chunk_size).all(|chunk| budget.admit(chunk));
        assert_eq!(budget.delimiters, 5, "chunk size {chunk_size}");
        assert!(!admitted, "two files over a one-file budget");
    }
    let mut budget = MultipartBudget::new(BOUNDARY, 1_000, limits);
    assert!(files(1).chunks(5).all(|chunk| budget.admit(chunk)));
}

// --- Metrics --------------------------------------------------------------------------------

#[test]
fn requests_are_counted_by_status() {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            send(app(), post_json(json!({"query": "{ hello }"}), Some(GQL))).await;
            send(app(), post("x", Some("text/plain"), None)).await;
        });
    });
    let text = handle.render();
    assert!(
        text.contains(r#"warta_graphql_requests_total{status="200"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"warta_graphql_requests_total{status="415"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("warta_graphql_request_duration_seconds"),
        "{text}"
    );
}

// --- WebSocket ------------------------------------------------------------------------------

/// A bare WebSocket client: enough of RFC 6455 to speak graphql-transport-ws in a test.
struct WsClient {
    stream: TcpStream,
}

impl WsClient {
    async fn connect(addr: SocketAddr, protocol: &str) -> WsClient {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let handshake = format!(
            "GET /graphql HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Protocol: {protocol}\r\n\r\n"
        );
        stream
            .write_all(handshake.as_bytes())
            .await
            .expect("handshake");
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            head.push(stream.read_u8().await.expect("handshake answer"));
        }
        let head = String::from_utf8(head).expect("ascii");
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains(&format!("sec-websocket-protocol: {protocol}")),
            "{head}"
        );
        WsClient { stream }
    }

    async fn send_text(&mut self, text: &str) {
        let payload = text.as_bytes();
        let mask = [0x12, 0x34, 0x56, 0x78];
        let mut frame = vec![0x81];
        match payload.len() {
            len @ 0..=125 => frame.push(0x80 | len as u8),
            len => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(len as u16).to_be_bytes());
            }
        }
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&frame).await.expect("send");
    }

    /// The next frame as (opcode, payload).
    async fn next_frame(&mut self) -> (u8, Vec<u8>) {
        let first = self.stream.read_u8().await.expect("frame");
        let len = match self.stream.read_u8().await.expect("frame") & 0x7f {
            126 => self.stream.read_u16().await.expect("length") as usize,
            127 => self.stream.read_u64().await.expect("length") as usize,
            len => len as usize,
        };
        let mut payload = vec![0; len];
        self.stream.read_exact(&mut payload).await.expect("payload");
        (first & 0x0f, payload)
    }

    async fn next_json(&mut self) -> JsonValue {
        let (opcode, payload) = self.next_frame().await;
        assert_eq!(
            opcode, 1,
            "expected a text frame, got {opcode}: {payload:?}"
        );
        serde_json::from_slice(&payload).expect("JSON")
    }
}

async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let service = app().into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.expect("serve") });
    addr
}

#[tokio::test]
async fn a_websocket_subscription_runs_as_the_caller_named_in_connection_init() {
    let addr = serve().await;
    for (payload, expected) in [
        (json!({"authorization": "Bearer good"}), "user:7"),
        (json!({"Authorization": "Bearer good"}), "user:7"),
        (json!({"token": "good"}), "user:7"),
        (json!({}), "anonymous"),
        (JsonValue::Null, "anonymous"),
    ] {
        let mut client = WsClient::connect(addr, "graphql-transport-ws").await;
        client
            .send_text(&json!({"type": "connection_init", "payload": payload}).to_string())
            .await;
        assert_eq!(client.next_json().await["type"], "connection_ack");
        let subscribe = json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { whoami }"}});
        client.send_text(&subscribe.to_string()).await;
        let next = client.next_json().await;
        assert_eq!(next["type"], "next", "{next}");
        assert_eq!(next["payload"]["data"]["whoami"], expected, "{payload}");
        assert_eq!(client.next_json().await["type"], "complete");
    }
}

#[tokio::test]
async fn a_websocket_with_a_bad_token_is_closed_with_4403() {
    let addr = serve().await;
    for payload in [
        json!({"authorization": "Bearer bad"}),
        json!({"authorization": "Basic x"}),
        json!({"token": 5}),
    ] {
        let mut client = WsClient::connect(addr, "graphql-transport-ws").await;
        client
            .send_text(&json!({"type": "connection_init", "payload": payload}).to_string())
            .await;
        let (opcode, frame) = client.next_frame().await;
        assert_eq!(opcode, 8, "expected a close frame");
        assert_eq!(u16::from_be_bytes([frame[0], frame[1]]), 4403);
        assert_eq!(&frame[2..], b"Forbidden");
    }
}

#[tokio::test]
async fn the_legacy_graphql_ws_subprotocol_is_spoken_too() {
    let addr = serve().await;
    let mut client = WsClient::connect(addr, "graphql-ws").await;
    client
        .send_text(&json!({"type": "connection_init", "payload": {"token": "good"}}).to_string())
        .await;
    assert_eq!(client.next_json().await["type"], "connection_ack");
    client
        .send_text(
            &json!({"id": "1", "type": "start", "payload": {"query": "subscription { whoami }"}})
                .to_string(),
        )
        .await;
    let data = client.next_json().await;
    assert_eq!(data["type"], "data", "{data}");
    assert_eq!(data["payload"]["data"]["whoami"], "user:7");
}

#[tokio::test]
async fn the_probe_marks_how_far_a_request_got() {
    let schema = Schema::build(Query, Mutation, Subscription)
        .extension(TransportProbe)
        .finish();
    let run = |query: &'static str| {
        let schema = schema.clone();
        async move {
            let probe = RequestProbe::default();
            let response = schema
                .execute(async_graphql::Request::new(query).data(probe.clone()))
                .await;
            let marks = (
                probe.0.prepared.load(Ordering::Relaxed),
                probe.0.executed.load(Ordering::Relaxed),
            );
            (marks, probe.saw_request_error(&response))
        }
    };
    assert_eq!(run("{ hello }").await, ((true, true), false));
    assert_eq!(run("{ broken }").await, ((true, true), false));
    assert_eq!(run("{ nope }").await, ((true, false), true));
    assert_eq!(run("{ hello").await, ((true, false), true));
}

// --- Pure helpers ---------------------------------------------------------------------------

#[test]
fn init_tokens_are_read_from_the_documented_keys() {
    assert_eq!(
        init_token(&json!({"authorization": "Bearer t"})),
        Ok(Some("t"))
    );
    assert_eq!(
        init_token(&json!({"Authorization": "bearer t"})),
        Ok(Some("t"))
    );
    assert_eq!(init_token(&json!({"token": "t"})), Ok(Some("t")));
    assert_eq!(init_token(&json!({"token": "Bearer t"})), Ok(Some("t")));
    assert_eq!(init_token(&json!({"other": 1})), Ok(None));
    assert_eq!(init_token(&json!("text")), Ok(None));
    assert_eq!(init_token(&json!({"authorization": "Basic t"})), Err(()));
    assert_eq!(init_token(&json!({"token": ""})), Err(()));
}

#[test]
fn user_agents_are_cut_on_a_character_boundary() {
    let text = "é".repeat(200);
    let cut = truncate_at_char_boundary(&text, MAX_USER_AGENT_BYTES);
    assert!(cut.len() <= MAX_USER_AGENT_BYTES && cut.chars().all(|c| c == 'é'));
}
