//! A list costs a handful of database statements however long it is: every field that loads
//! rows per parent goes through a DataLoader. Counted with the server's own statement counter,
//! `warta_db_statements_total` on `/metrics`.

use serde_json::json;
use warta::service::requests::SubmitInput;
use warta_tests::{Role, TestApp, spawn_app};

/// The statement counter as `/metrics` shows it.
async fn statements(app: &TestApp) -> u64 {
    let text = app
        .get("/metrics", None)
        .await
        .text()
        .await
        .expect("metrics");
    let line = text
        .lines()
        .find(|l| l.starts_with("warta_db_statements_total"))
        .unwrap_or_else(|| panic!("/metrics has no warta_db_statements_total line:\n{text}"));
    let value = line.split_whitespace().last().expect("a value");
    value
        .parse::<f64>()
        .unwrap_or_else(|_| panic!("not a number: {line}")) as u64
}

const INBOX: &str = "{
  inbox {
    deadline overdue
    disposition { id stepNumber }
    request {
      agendaNumber title
      requester { fullName roles }
      content { title }
      dispositions { from { fullName } }
      sla { overdue }
    }
  }
}";

#[tokio::test]
async fn an_inbox_of_fifty_requests_costs_a_constant_number_of_statements() {
    let app = spawn_app().await;
    let vice_rector = app.user(Role::ViceRector).await;
    let requesters = [
        app.user(Role::Requester).await,
        app.new_user(&[Role::Requester]).await,
    ];
    for i in 0..50 {
        let requester = &requesters[i % 2];
        app.services
            .submit_request(
                &requester.principal(),
                SubmitInput {
                    title: format!("Pengumuman {i}"),
                    unit: None,
                    audience: "Mahasiswa".into(),
                    desired_date: None,
                    narrative: format!("Isi pengumuman {i}"),
                    priority: Default::default(),
                    attachment_ids: Vec::new(),
                    requester_username: None,
                },
            )
            .await
            .expect("a submission");
    }

    // One item first, to know what the fixed part costs.
    let before = statements(&app).await;
    let one = app
        .gql_ok(
            Some(&vice_rector.token),
            "{ inbox { request { agendaNumber } } }",
            json!({}),
        )
        .await;
    let bare = statements(&app).await - before;
    assert_eq!(one["inbox"].as_array().map(Vec::len), Some(50));

    let before = statements(&app).await;
    let d = app.gql_ok(Some(&vice_rector.token), INBOX, json!({})).await;
    let after = statements(&app).await;
    let items = d["inbox"].as_array().expect("inbox");
    assert_eq!(items.len(), 50);
    for item in items {
        let request = &item["request"];
        assert!(
            request["requester"]["fullName"]
                .as_str()
                .is_some_and(|n| n.starts_with("Test"))
        );
        assert_eq!(request["requester"]["roles"], json!(["REQUESTER"]));
        assert_eq!(request["content"]["title"], request["title"]);
        assert_eq!(request["dispositions"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            request["dispositions"][0]["from"]["fullName"],
            request["requester"]["fullName"]
        );
        assert_eq!(request["sla"]["overdue"], false);
    }
    let cost = after - before;
    eprintln!("inbox of 50: bare {bare} statements, nested {cost}");
    assert!(
        cost <= 20,
        "the 50-item inbox with its nested fields ran {cost} statements (the bare inbox ran {bare}); \
         a DataLoader batch per field should keep it near a dozen"
    );
    // The inbox is ordered most urgent first: earliest deadline first.
    let deadlines: Vec<_> = items
        .iter()
        .map(|i| crate::helpers::time(&i["deadline"]))
        .collect();
    let mut sorted = deadlines.clone();
    sorted.sort();
    assert_eq!(deadlines, sorted);
}
