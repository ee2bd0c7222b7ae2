//! GraphQL over HTTP as its specification asks: GET for queries only, JSON bodies only,
//! `Accept` negotiation, GraphiQL for browsers; and the health probes.

use reqwest::StatusCode;
use serde_json::{Value, json};
use warta_tests::{Role, spawn_app};

fn content_type(res: &reqwest::Response) -> String {
    res.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_query_works_over_get() {
    let app = spawn_app().await;
    let user = app.user(Role::Staff).await;
    let res = app
        .http
        .get(app.url("/graphql"))
        .query(&[
            ("query", "query Me($x: Boolean!) { me { username } slaStandards @include(if: $x) { stepNumber } }"),
            ("variables", r#"{"x": true}"#),
            ("operationName", "Me"),
        ])
        .bearer_auth(&user.token)
        .header("accept", "application/graphql-response+json")
        .send()
        .await
        .expect("an answer");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(content_type(&res).starts_with("application/graphql-response+json"));
    let body: Value = res.json().await.expect("JSON");
    assert_eq!(body["data"]["me"]["username"], user.username.as_str());
    assert_eq!(
        body["data"]["slaStandards"].as_array().map(Vec::len),
        Some(7)
    );
}

#[tokio::test]
async fn a_mutation_over_get_is_405() {
    let app = spawn_app().await;
    let user = app.user(Role::Requester).await;
    let res = app
        .http
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { logout(refreshToken: \"x\") }")])
        .bearer_auth(&user.token)
        .header("accept", "application/json")
        .send()
        .await
        .expect("an answer");
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = res
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(allow.contains("POST"), "Allow: {allow}");
    // The refresh token was not touched: the mutation never ran.
    let refresh = app
        .gql(
            None,
            "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
            json!({ "t": user.refresh_token }),
        )
        .await;
    warta_tests::data(&refresh);

    let res = app
        .http
        .put(app.url("/graphql"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn a_post_that_is_not_json_is_415() {
    let app = spawn_app().await;
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
    ] {
        let res = app
            .http
            .post(app.url("/graphql"))
            .header("content-type", content_type)
            .body(r#"{"query":"{ me { id } }"}"#)
            .send()
            .await
            .expect("an answer");
        assert_eq!(
            res.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
    }
    let res = app
        .http
        .post(app.url("/graphql"))
        .body(r#"{"query":"{ me { id } }"}"#)
        .send()
        .await
        .expect("an answer");
    assert_eq!(
        res.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "no content type at all"
    );
}

#[tokio::test]
async fn the_response_media_type_follows_accept() {
    let app = spawn_app().await;
    let post = |accept: Option<&'static str>| {
        let mut req = app
            .http
            .post(app.url("/graphql"))
            .json(&json!({ "query": "{ me { id } }" }));
        if let Some(accept) = accept {
            req = req.header("accept", accept);
        }
        req.send()
    };
    for (accept, expected) in [
        (None, "application/json"),
        (Some("application/json"), "application/json"),
        (Some("*/*"), "application/json"),
        (
            Some("application/graphql-response+json"),
            "application/graphql-response+json",
        ),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            "application/graphql-response+json",
        ),
        (
            Some("application/json, application/graphql-response+json;q=0.5"),
            "application/json",
        ),
    ] {
        let res = post(accept).await.expect("an answer");
        assert_eq!(res.status(), StatusCode::OK, "{accept:?}");
        assert!(
            content_type(&res).starts_with(expected),
            "{accept:?}: {}",
            content_type(&res)
        );
        let body: Value = res.json().await.expect("JSON");
        assert_eq!(body["data"]["me"], Value::Null, "{accept:?}");
    }
    let res = post(Some("text/csv")).await.expect("an answer");
    assert_eq!(res.status(), StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn a_browser_gets_graphiql() {
    let app = spawn_app().await;
    let res = app
        .http
        .get(app.url("/graphql"))
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .expect("an answer");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(content_type(&res).starts_with("text/html"));
    assert!(
        res.text()
            .await
            .expect("text")
            .to_lowercase()
            .contains("graphiql")
    );
}

#[tokio::test]
async fn health_and_readiness_probes_answer() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let res = app.get(path, None).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let res = app.get("/metrics", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(content_type(&res).starts_with("text/plain"));
    let res = app.get("/no-such-thing", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn batched_requests_are_refused() {
    let app = spawn_app().await;
    let res = app
        .http
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&json!([{ "query": "{ me { id } }" }, { "query": "{ me { id } }" }]))
        .send()
        .await
        .expect("an answer");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn errors_never_leak_internals() {
    let app = spawn_app().await;
    let user = app.user(Role::Requester).await;
    // A search with SQL in it is just text.
    let d = app
        .gql_ok(
            Some(&user.token),
            "query($s: String!) { requests(filter: { search: $s }) { edges { node { id } } } }",
            json!({ "s": "'; DROP TABLE request; --" }),
        )
        .await;
    assert_eq!(d["requests"]["edges"], json!([]));
    let response = app
        .gql(
            Some(&user.token),
            "query($id: ID!) { request(id: $id) { id } }",
            json!({ "id": "987654" }),
        )
        .await;
    let message = response["errors"][0]["message"]
        .as_str()
        .expect("a message")
        .to_lowercase();
    for leak in [
        "select", "sqlx", "sqlite", "postgres", "/tmp", "src/", "panicked",
    ] {
        assert!(!message.contains(leak), "{message}");
    }
}
