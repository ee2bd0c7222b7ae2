//! Bad input gets a clear error with its code, and changes nothing: unknown and malformed
//! ids, oversized texts, documents that do not parse or are too deep or complex, oversized
//! bodies, and uploads of the wrong type or size.

use reqwest::StatusCode;
use serde_json::json;
use warta_tests::{
    Role, Stage, error_code, error_rule, spawn_app, spawn_app_with,
    walk::{FORWARD, SUBMIT, submission},
};

const REQUEST: &str = "query($id: ID!) { request(id: $id) { id } }";

/// The smallest PDF the sniffer recognises as one, plus some body.
fn pdf_bytes() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 2000));
    bytes.extend(b"\n%%EOF\n");
    bytes
}

#[tokio::test]
async fn unknown_ids_are_not_found_and_malformed_ids_are_bad_input() {
    let app = spawn_app().await;
    let requester = app.user(Role::Requester).await;
    let vice_rector = app.user(Role::ViceRector).await;

    let unknown = app
        .gql(Some(&requester.token), REQUEST, json!({ "id": "987654" }))
        .await;
    assert_eq!(
        error_code(&unknown).as_deref(),
        Some("NOT_FOUND"),
        "{unknown}"
    );
    let forward = app
        .gql(
            Some(&vice_rector.token),
            FORWARD,
            json!({ "input": { "requestId": "987654" } }),
        )
        .await;
    assert_eq!(
        error_code(&forward).as_deref(),
        Some("NOT_FOUND"),
        "{forward}"
    );
    let read = app
        .gql(
            Some(&vice_rector.token),
            "mutation { markDispositionRead(dispositionId: \"987654\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&read).as_deref(), Some("NOT_FOUND"), "{read}");

    for bad in [
        "abc",
        "-1",
        "0",
        "1.5",
        "99999999999999999999999",
        "",
        " 7",
        "0x10",
    ] {
        let response = app
            .gql(Some(&requester.token), REQUEST, json!({ "id": bad }))
            .await;
        assert_eq!(
            error_code(&response).as_deref(),
            Some("BAD_USER_INPUT"),
            "id {bad:?}: {response}"
        );
        let response = app
            .gql(
                Some(&vice_rector.token),
                FORWARD,
                json!({ "input": { "requestId": bad } }),
            )
            .await;
        assert_eq!(
            error_code(&response).as_deref(),
            Some("BAD_USER_INPUT"),
            "id {bad:?}: {response}"
        );
    }
    // A cursor that is not one of ours.
    let cursor = app
        .gql(
            Some(&requester.token),
            "{ requests(after: \"nonsense\") { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_code(&cursor).as_deref(),
        Some("BAD_USER_INPUT"),
        "{cursor}"
    );
    let page = app
        .gql(
            Some(&requester.token),
            "{ requests(first: 1000) { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_code(&page).as_deref(),
        Some("BAD_USER_INPUT"),
        "{page}"
    );
}

#[tokio::test]
async fn oversized_and_empty_texts_are_refused_and_nothing_is_created() {
    let app = spawn_app().await;
    let requester = app.user(Role::Requester).await;
    let cases = [
        ("title", json!("t".repeat(301))),
        ("title", json!("   ")),
        ("narrative", json!("n".repeat(20_001))),
        ("narrative", json!("")),
        ("audience", json!("a".repeat(301))),
        ("unit", json!("u".repeat(201))),
    ];
    for (field, value) in cases {
        let mut input = submission("Judul");
        input[field] = value;
        let response = app
            .gql(Some(&requester.token), SUBMIT, json!({ "input": input }))
            .await;
        assert_eq!(
            error_code(&response).as_deref(),
            Some("BAD_USER_INPUT"),
            "{field}: {response}"
        );
        let message = response["errors"][0]["message"]
            .as_str()
            .expect("a message");
        assert!(
            message.contains(field),
            "the message names the field: {message}"
        );
    }
    let d = app
        .gql_ok(
            Some(&requester.token),
            "{ requests { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["requests"]["edges"], json!([]), "nothing was created");

    // Exactly at the limit is fine, and takes agenda number 1: the refusals used none.
    let mut input = submission("Judul");
    input["title"] = json!("t".repeat(300));
    let d = app
        .gql_ok(Some(&requester.token), SUBMIT, json!({ "input": input }))
        .await;
    assert!(
        d["submitRequest"]["agendaNumber"]
            .as_str()
            .expect("a number")
            .starts_with("0001/")
    );

    // Workflow texts have limits too.
    let walked = app.request_at(Stage::Instruction).await;
    let bureau_head = app.user(Role::BureauHead).await;
    let response = app
        .gql(
            Some(&bureau_head.token),
            "mutation($input: ReasonInput!) { rejectRequest(input: $input) { id } }",
            json!({ "input": { "requestId": walked.id, "reason": "r".repeat(4001) } }),
        )
        .await;
    assert_eq!(error_code(&response).as_deref(), Some("BAD_USER_INPUT"));
    assert_eq!(error_rule(&response).as_deref(), Some("TextTooLong"));
    let response = app
        .gql(
            Some(&bureau_head.token),
            FORWARD,
            json!({ "input": { "requestId": walked.id, "channelIds": [], "note": "n".repeat(2001) } }),
        )
        .await;
    assert_eq!(
        error_code(&response).as_deref(),
        Some("BAD_USER_INPUT"),
        "{response}"
    );
    let response = app
        .gql(
            Some(&bureau_head.token),
            FORWARD,
            json!({ "input": { "requestId": walked.id, "channelIds": ["987654"] } }),
        )
        .await;
    assert_eq!(
        error_code(&response).as_deref(),
        Some("BAD_USER_INPUT"),
        "unknown channel: {response}"
    );
    let d = app
        .gql_ok(
            Some(&bureau_head.token),
            "query($id: ID!) { request(id: $id) { status version } }",
            json!({ "id": walked.id }),
        )
        .await;
    assert_eq!(
        d["request"],
        json!({ "status": "INSTRUCTION", "version": 1 }),
        "refusals change nothing"
    );
}

#[tokio::test]
async fn malformed_graphql_is_a_400_under_graphql_response_json() {
    let app = spawn_app().await;
    let token = app.user(Role::Requester).await.token;
    for (what, body) in [
        ("does not parse", json!({ "query": "{ me { id " })),
        (
            "unknown field",
            json!({ "query": "{ me { id shoeSize } }" }),
        ),
        (
            "wrong argument type",
            json!({ "query": "{ request(id: {a: 1}) { id } }" }),
        ),
        ("no query", json!({ "variables": {} })),
        ("query not a string", json!({ "query": 42 })),
    ] {
        let res = app
            .http
            .post(app.url("/graphql"))
            .bearer_auth(&token)
            .header("accept", "application/graphql-response+json")
            .json(&body)
            .send()
            .await
            .expect("an answer");
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{what}");
        let content_type = res.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(
            content_type.starts_with("application/graphql-response+json"),
            "{what}: {content_type}"
        );
        let body: serde_json::Value = res.json().await.expect("JSON");
        assert!(
            !body["errors"].as_array().expect("errors").is_empty(),
            "{what}"
        );
        assert!(
            body.get("data").is_none(),
            "{what}: a request error has no data entry: {body}"
        );
        assert_eq!(
            error_code(&body).as_deref(),
            Some("BAD_USER_INPUT"),
            "{what}: {body}"
        );
    }
    // Under application/json the same document is a 200 with errors, as the spec asks.
    let res = app
        .http
        .post(app.url("/graphql"))
        .header("accept", "application/json")
        .json(&json!({ "query": "{ me { id " }))
        .send()
        .await
        .expect("an answer");
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.expect("JSON");
    assert!(body["errors"].as_array().is_some_and(|e| !e.is_empty()));
    // A body that is not JSON at all.
    let res = app
        .http
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body("{ this is not json")
        .send()
        .await
        .expect("an answer");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_missing_or_mistyped_variable_is_a_request_error_not_an_internal_one() {
    let app = spawn_app().await;
    let token = app.user(Role::Requester).await.token;
    let mut wrong = Vec::new();
    for (what, variables) in [
        ("missing variable", json!({})),
        ("variable of the wrong type", json!({ "id": { "a": 1 } })),
        ("null for a non-null variable", json!({ "id": null })),
    ] {
        // Coercing variables happens before execution (GraphQL spec 6.1.2), so a failure is a
        // request error: 400 under graphql-response+json, no `data`, a client error code.
        let response = app.gql_full(Some(&token), REQUEST, variables).await;
        if error_code(&response.body).as_deref() != Some("BAD_USER_INPUT")
            || response.status != StatusCode::BAD_REQUEST
            || response.body.get("data").is_some()
        {
            wrong.push(format!("{what}: {} {}", response.status, response.body));
        }
    }
    assert!(
        wrong.is_empty(),
        "expected 400, BAD_USER_INPUT and no data:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn too_deep_and_too_complex_queries_are_refused() {
    let app = spawn_app().await;
    let token = app.user(Role::Requester).await.token;
    let mut deep = String::from("name");
    for _ in 0..16 {
        deep = format!("ofType {{ {deep} }}");
    }
    let deep = format!("{{ __schema {{ types {{ fields {{ type {{ {deep} }} }} }} }} }}");
    let response = app.gql_full(Some(&token), &deep, json!({})).await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "{}",
        response.body
    );
    let message = response.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(
        message.contains("deep") || message.contains("depth"),
        "{message}"
    );

    let wide: String = (0..2100).map(|i| format!("a{i}: me {{ id }} ")).collect();
    let response = app
        .gql_full(Some(&token), &format!("{{ {wide} }}"), json!({}))
        .await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "{}",
        response.body
    );
    let message = response.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(message.contains("complex"), "{message}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413() {
    let app = spawn_app().await;
    let token = app.user(Role::Requester).await.token;
    let padding = "x".repeat(1024 * 1024 + 10);
    let res = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ me { id } }", "variables": { "padding": padding } }))
        .send()
        .await
        .expect("an answer");
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn an_upload_of_the_wrong_type_is_refused_and_a_pdf_is_stored_and_downloadable() {
    let app = spawn_app().await;
    let requester = app.user(Role::Requester).await;

    let text = app
        .upload(
            Some(&requester.token),
            "surat.pdf",
            "application/pdf",
            b"just some text, not a PDF".to_vec(),
            None,
        )
        .await;
    assert_eq!(
        text.code().as_deref(),
        Some("BAD_USER_INPUT"),
        "the declared type is not trusted: {}",
        text.body
    );
    let exe = app
        .upload(
            Some(&requester.token),
            "surat.pdf",
            "application/pdf",
            b"MZ\x90\x00\x03\x00\x00\x00".to_vec(),
            None,
        )
        .await;
    assert_eq!(
        exe.code().as_deref(),
        Some("BAD_USER_INPUT"),
        "{}",
        exe.body
    );
    let empty = app
        .upload(
            Some(&requester.token),
            "kosong.pdf",
            "application/pdf",
            Vec::new(),
            None,
        )
        .await;
    assert_eq!(
        empty.code().as_deref(),
        Some("BAD_USER_INPUT"),
        "{}",
        empty.body
    );

    let bytes = pdf_bytes();
    let response = app
        .upload(
            Some(&requester.token),
            "../../surat permohonan.pdf",
            "text/plain",
            bytes.clone(),
            None,
        )
        .await;
    let d = warta_tests::data(&response.body);
    let attachment = &d["uploadAttachment"];
    assert_eq!(
        attachment["contentType"], "application/pdf",
        "sniffed from the bytes"
    );
    assert_eq!(
        attachment["filename"], "surat permohonan.pdf",
        "no path in the stored name"
    );
    assert_eq!(attachment["sizeBytes"], bytes.len());
    let id = attachment["id"].as_str().expect("an id").to_owned();
    let url = attachment["url"].as_str().expect("a url").to_owned();
    assert_eq!(url, format!("/attachments/{id}"));

    // The upload joins a request when submitted, and can be downloaded by those who may see it.
    let mut input = submission("Dengan surat");
    input["attachmentIds"] = json!([id]);
    let d = app
        .gql_ok(Some(&requester.token), SUBMIT, json!({ "input": input }))
        .await;
    let request_id = d["submitRequest"]["id"].as_str().expect("an id").to_owned();
    let d = app
        .gql_ok(
            Some(&requester.token),
            "query($id: ID!) { request(id: $id) { attachments { id contentType } } }",
            json!({ "id": request_id }),
        )
        .await;
    assert_eq!(
        d["request"]["attachments"],
        json!([{ "id": id, "contentType": "application/pdf" }])
    );

    let res = app.get(&url, Some(&requester.token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.bytes().await.expect("bytes").to_vec(), bytes);
    let vice_rector = app.user(Role::ViceRector).await;
    let res = app.get(&url, Some(&vice_rector.token)).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "the holder of the request's step may read it"
    );
    let stranger = app.new_user(&[Role::Requester]).await;
    assert_eq!(
        app.get(&url, Some(&stranger.token)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&url, None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get("/attachments/987654", Some(&requester.token))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Someone else cannot attach my upload to their request.
    let response = app
        .upload(
            Some(&requester.token),
            "foto.pdf",
            "application/pdf",
            pdf_bytes(),
            None,
        )
        .await;
    let mine = warta_tests::data(&response.body)["uploadAttachment"]["id"].clone();
    let mut input = submission("Curian");
    input["attachmentIds"] = json!([mine]);
    let stolen = app
        .gql(Some(&stranger.token), SUBMIT, json!({ "input": input }))
        .await;
    assert_eq!(
        error_code(&stolen).as_deref(),
        Some("BAD_USER_INPUT"),
        "{stolen}"
    );
}

#[tokio::test]
async fn an_upload_over_the_size_limit_is_refused() {
    let app = spawn_app_with(|settings| settings.max_upload_bytes = 4096).await;
    let requester = app.user(Role::Requester).await;
    let mut big = pdf_bytes();
    big.extend(std::iter::repeat_n(b'x', 8192));
    let response = app
        .upload(
            Some(&requester.token),
            "besar.pdf",
            "application/pdf",
            big,
            None,
        )
        .await;
    assert!(
        response.status == StatusCode::PAYLOAD_TOO_LARGE
            || response.code().as_deref() == Some("BAD_USER_INPUT"),
        "{}: {}",
        response.status,
        response.body
    );
    assert_eq!(
        response.code().as_deref(),
        Some("BAD_USER_INPUT"),
        "{}",
        response.body
    );
    let small = app
        .upload(
            Some(&requester.token),
            "kecil.pdf",
            "application/pdf",
            pdf_bytes(),
            None,
        )
        .await;
    warta_tests::data(&small.body);
}

#[tokio::test]
async fn a_multipart_request_without_a_preflight_header_is_refused() {
    let app = spawn_app().await;
    let form = reqwest::multipart::Form::new()
        .text("operations", json!({ "query": "mutation($file: Upload!) { uploadAttachment(file: $file, kind: LETTER) { id } }", "variables": { "file": null } }).to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part("0", reqwest::multipart::Part::bytes(pdf_bytes()).file_name("a.pdf"));
    let res = app
        .http
        .post(app.url("/graphql"))
        .multipart(form)
        .send()
        .await
        .expect("an answer");
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "a plain cross-site form cannot upload"
    );
}
