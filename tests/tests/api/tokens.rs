//! Attacks on access tokens (forged, altered, expired) and on refresh tokens (reuse), plus
//! logout, password change and the throttling of password guessing.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};
use warta_tests::{JWT_SECRET, Role, TestApp, USER_PASSWORD, error_code, spawn_app};

const ME: &str = "{ me { id username } }";
const REFRESH: &str =
    "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }";
const LOGIN: &str = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken refreshToken } }";

/// Valid claims for a user, as the server would issue them.
fn claims(app: &TestApp, user_id: i64, roles: &[&str]) -> Value {
    let public_url = &app.services.settings.public_url;
    let now = chrono::Utc::now().timestamp();
    json!({
        "sub": user_id.to_string(),
        "roles": roles,
        "scope": [],
        "kind": "user",
        "iat": now,
        "exp": now + 600,
        "jti": uuid::Uuid::new_v4().simple().to_string(),
        "iss": public_url,
        "aud": format!("{public_url}/graphql"),
    })
}

fn sign(alg: Algorithm, secret: &[u8], claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret))
        .expect("sign")
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// Asserts the server refuses the token at the door: 401 and `UNAUTHENTICATED`.
async fn assert_refused(app: &TestApp, token: &str, what: &str) {
    let response = app.gql_full(Some(token), ME, json!({})).await;
    assert_eq!(
        response.status,
        StatusCode::UNAUTHORIZED,
        "{what}: {:?}",
        response.body
    );
    assert_eq!(
        response.code().as_deref(),
        Some("UNAUTHENTICATED"),
        "{what}: {}",
        response.body
    );
    assert!(
        response.body["data"].is_null() || response.body["data"]["me"].is_null(),
        "{what}"
    );
}

#[tokio::test]
async fn forged_altered_and_expired_access_tokens_are_refused() {
    let app = spawn_app().await;
    let user = app.user(Role::Requester).await;
    let good = claims(&app, user.id, &["requester"]);

    // The control: a token made exactly as the server makes them is accepted.
    let genuine = sign(Algorithm::HS256, JWT_SECRET.as_bytes(), &good);
    let d = app.gql_ok(Some(&genuine), ME, json!({})).await;
    assert_eq!(d["me"]["username"], user.username.as_str());

    let header = json!({ "alg": "none", "typ": "JWT" });
    assert_refused(
        &app,
        &format!("{}.{}.", b64(&header), b64(&good)),
        "alg none",
    )
    .await;
    assert_refused(
        &app,
        &format!("{}.{}", b64(&header), b64(&good)),
        "alg none, no signature part",
    )
    .await;
    assert_refused(
        &app,
        &sign(Algorithm::HS384, JWT_SECRET.as_bytes(), &good),
        "HS384 with the right secret",
    )
    .await;
    assert_refused(
        &app,
        &sign(Algorithm::HS512, JWT_SECRET.as_bytes(), &good),
        "HS512 with the right secret",
    )
    .await;
    assert_refused(
        &app,
        &sign(
            Algorithm::HS256,
            b"another-secret-of-thirty-two-bytes!!",
            &good,
        ),
        "wrong signature",
    )
    .await;

    let mut wrong_iss = good.clone();
    wrong_iss["iss"] = json!("https://evil.example");
    assert_refused(
        &app,
        &sign(Algorithm::HS256, JWT_SECRET.as_bytes(), &wrong_iss),
        "wrong iss",
    )
    .await;
    let mut wrong_aud = good.clone();
    wrong_aud["aud"] = json!("someone-else");
    assert_refused(
        &app,
        &sign(Algorithm::HS256, JWT_SECRET.as_bytes(), &wrong_aud),
        "wrong aud",
    )
    .await;
    let mut expired = good.clone();
    let now = chrono::Utc::now().timestamp();
    expired["iat"] = json!(now - 1000);
    expired["exp"] = json!(now - 5);
    assert_refused(
        &app,
        &sign(Algorithm::HS256, JWT_SECRET.as_bytes(), &expired),
        "expired",
    )
    .await;
    let mut no_exp = good.clone();
    no_exp.as_object_mut().expect("object").remove("exp");
    assert_refused(
        &app,
        &sign(Algorithm::HS256, JWT_SECRET.as_bytes(), &no_exp),
        "no exp",
    )
    .await;

    // A genuine token whose payload was changed to claim admin keeps its old signature.
    let parts: Vec<&str> = user.token.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64")).expect("JSON");
    payload["roles"] = json!(["admin"]);
    assert_refused(
        &app,
        &format!("{}.{}.{}", parts[0], b64(&payload), parts[2]),
        "altered payload",
    )
    .await;
    assert_refused(&app, "not-a-jwt", "garbage").await;

    // A malformed Authorization header is refused too, not taken as anonymous.
    let res = app
        .http
        .post(app.url("/graphql"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("an answer");
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // None of this got anyone in: the admin-claiming token changed nothing.
    let d = app.gql_ok(Some(&user.token), ME, json!({})).await;
    assert_eq!(d["me"]["username"], user.username.as_str());
}

#[tokio::test]
async fn a_refresh_token_works_once_and_reusing_it_revokes_the_whole_family() {
    let app = spawn_app().await;
    let user = app.user(Role::Requester).await;

    let d = app
        .gql_ok(None, REFRESH, json!({ "t": user.refresh_token }))
        .await;
    let second = d["refreshSession"]["refreshToken"]
        .as_str()
        .expect("a new refresh token")
        .to_owned();
    let access = d["refreshSession"]["accessToken"]
        .as_str()
        .expect("an access token")
        .to_owned();
    assert_ne!(second, user.refresh_token, "refresh tokens rotate");
    assert_eq!(
        app.gql_ok(Some(&access), ME, json!({})).await["me"]["username"],
        user.username.as_str()
    );

    // Presenting the first one again means it leaked: refused, and the family is revoked.
    let reused = app
        .gql(None, REFRESH, json!({ "t": user.refresh_token }))
        .await;
    assert_eq!(
        error_code(&reused).as_deref(),
        Some("UNAUTHENTICATED"),
        "{reused}"
    );
    let after = app.gql(None, REFRESH, json!({ "t": second })).await;
    assert_eq!(
        error_code(&after).as_deref(),
        Some("UNAUTHENTICATED"),
        "the newer token dies with its family: {after}"
    );

    // Another sign-in is another family and is unaffected.
    let (_, other) = app.login_full(&user.username, USER_PASSWORD).await;
    app.gql_ok(None, REFRESH, json!({ "t": other })).await;

    let bogus = app
        .gql(None, REFRESH, json!({ "t": "made-up-refresh-token" }))
        .await;
    assert_eq!(error_code(&bogus).as_deref(), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let app = spawn_app().await;
    let user = app.user(Role::Staff).await;
    let (access, refresh) = app.login_full(&user.username, USER_PASSWORD).await;
    let d = app
        .gql_ok(
            Some(&access),
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({ "t": refresh }),
        )
        .await;
    assert_eq!(d["logout"], true);
    let refused = app.gql(None, REFRESH, json!({ "t": refresh })).await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("UNAUTHENTICATED"),
        "{refused}"
    );
    // Someone else's refresh token cannot be used to sign them out.
    let other = app.user(Role::Requester).await;
    let d = app
        .gql_ok(
            Some(&access),
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({ "t": other.refresh_token }),
        )
        .await;
    assert_eq!(d["logout"], false);
    app.gql_ok(None, REFRESH, json!({ "t": other.refresh_token }))
        .await;
}

#[tokio::test]
async fn changing_the_password_signs_out_other_sessions() {
    let app = spawn_app().await;
    let user = app.user(Role::Requester).await;
    const CHANGE: &str = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }";

    let wrong = app
        .gql(
            Some(&user.token),
            CHANGE,
            json!({ "c": "not-my-password", "n": "a-brand-new-password" }),
        )
        .await;
    assert_eq!(
        error_code(&wrong).as_deref(),
        Some("BAD_USER_INPUT"),
        "{wrong}"
    );
    let weak = app
        .gql(
            Some(&user.token),
            CHANGE,
            json!({ "c": USER_PASSWORD, "n": "short" }),
        )
        .await;
    assert_eq!(
        error_code(&weak).as_deref(),
        Some("BAD_USER_INPUT"),
        "{weak}"
    );

    let d = app
        .gql_ok(
            Some(&user.token),
            CHANGE,
            json!({ "c": USER_PASSWORD, "n": "a-brand-new-password" }),
        )
        .await;
    assert_eq!(d["changePassword"], true);
    let old = app
        .gql(
            None,
            LOGIN,
            json!({ "u": user.username, "p": USER_PASSWORD }),
        )
        .await;
    assert_eq!(error_code(&old).as_deref(), Some("UNAUTHENTICATED"));
    app.gql_ok(
        None,
        LOGIN,
        json!({ "u": user.username, "p": "a-brand-new-password" }),
    )
    .await;
    let refresh = app
        .gql(None, REFRESH, json!({ "t": user.refresh_token }))
        .await;
    assert_eq!(
        error_code(&refresh).as_deref(),
        Some("UNAUTHENTICATED"),
        "old sessions end: {refresh}"
    );
}

#[tokio::test]
async fn repeated_failed_logins_are_rate_limited() {
    let app = spawn_app().await;
    let user = app.user(Role::Requester).await;
    let mut codes = Vec::new();
    for _ in 0..10 {
        let response = app
            .gql(
                None,
                LOGIN,
                json!({ "u": user.username, "p": "guessing-the-password" }),
            )
            .await;
        let code = error_code(&response).expect("a failed login has a code");
        let limited = code == "RATE_LIMITED";
        if limited {
            let retry = &response["errors"][0]["extensions"]["retryAfter"];
            assert!(
                retry.as_u64().is_some_and(|s| s >= 1),
                "RATE_LIMITED says when to retry: {response}"
            );
        }
        codes.push(code);
        if limited {
            break;
        }
    }
    assert_eq!(
        codes[..5],
        ["UNAUTHENTICATED"; 5],
        "the first failures are free: {codes:?}"
    );
    assert_eq!(
        codes.last().map(String::as_str),
        Some("RATE_LIMITED"),
        "{codes:?}"
    );
    assert!(
        codes.len() <= 8,
        "slowed down after a handful of failures: {codes:?}"
    );
    // While the account waits, even the right password is turned away.
    let right = app
        .gql(
            None,
            LOGIN,
            json!({ "u": user.username, "p": USER_PASSWORD }),
        )
        .await;
    assert_eq!(
        error_code(&right).as_deref(),
        Some("RATE_LIMITED"),
        "{right}"
    );
    // Usernames differ only in case: still the same account.
    let upper = app
        .gql(
            None,
            LOGIN,
            json!({ "u": user.username.to_uppercase(), "p": USER_PASSWORD }),
        )
        .await;
    assert_eq!(
        error_code(&upper).as_deref(),
        Some("RATE_LIMITED"),
        "{upper}"
    );
    // Another account is not affected.
    let other = app.new_user(&[Role::Requester]).await;
    app.gql_ok(
        None,
        LOGIN,
        json!({ "u": other.username, "p": USER_PASSWORD }),
    )
    .await;
}

#[tokio::test]
async fn a_client_token_carries_only_its_scopes_and_a_bad_secret_is_refused() {
    let app = spawn_app().await;
    let client = app.new_client(&["worker"]).await;
    const TOKEN: &str = "mutation($id: String!, $s: String!) { clientToken(clientId: $id, clientSecret: $s) { accessToken scopes } }";
    let bad = app
        .gql(
            None,
            TOKEN,
            json!({ "id": client.client_id, "s": "wrong-secret" }),
        )
        .await;
    assert_eq!(
        error_code(&bad).as_deref(),
        Some("UNAUTHENTICATED"),
        "{bad}"
    );
    let d = app
        .gql_ok(
            None,
            TOKEN,
            json!({ "id": client.client_id, "s": client.secret }),
        )
        .await;
    assert_eq!(d["clientToken"]["scopes"], json!(["WORKER"]));
    let me = app.gql_ok(Some(&client.token), ME, json!({})).await;
    assert!(me["me"].is_null(), "a client is nobody's `me`");

    // A revoked client's secret stops working.
    let admin = app.admin_token().await;
    app.gql_ok(
        Some(&admin),
        "mutation($id: String!) { revokeApiClient(clientId: $id) { revokedAt } }",
        json!({ "id": client.client_id }),
    )
    .await;
    let revoked = app
        .gql(
            None,
            TOKEN,
            json!({ "id": client.client_id, "s": client.secret }),
        )
        .await;
    assert_eq!(
        error_code(&revoked).as_deref(),
        Some("UNAUTHENTICATED"),
        "{revoked}"
    );
}
