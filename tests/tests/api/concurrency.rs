//! Two officials acting on the same request at once, many submissions at once, and the
//! delivery reports of one request's channels arriving together.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use warta_tests::{
    Role, Stage, TestApp, TestUser, error_code, error_rule, spawn_app,
    walk::{CLAIM, FORWARD, PUBLISH, REPORT, SUBMIT, submission},
};

/// How one of two racing forwards ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Won,
    Lost { code: String, rule: Option<String> },
}

fn outcome(response: &Value) -> Outcome {
    match error_code(response) {
        None => Outcome::Won,
        Some(code) => Outcome::Lost {
            code,
            rule: error_rule(response),
        },
    }
}

/// Two vice rectors forward the same fresh request at the same moment, `rounds` times. Returns
/// how each loser lost, after checking that exactly one won and exactly one forward was logged.
async fn race(app: &TestApp, rounds: usize, expected_version: bool) -> Vec<Outcome> {
    let first = app.user(Role::ViceRector).await;
    let second = app.new_user(&[Role::ViceRector]).await;
    let requester = app.user(Role::Requester).await;
    let mut losers = Vec::new();
    for round in 0..rounds {
        let (id, _) = app.submit(&requester, &format!("Perlombaan {round}")).await;
        let input = |who: &TestUser| {
            let mut input = json!({ "requestId": id, "note": format!("oleh {}", who.username) });
            if expected_version {
                input["expectedVersion"] = json!(0);
            }
            json!({ "input": input })
        };
        let (a, b) = tokio::join!(
            app.gql(Some(&first.token), FORWARD, input(&first)),
            app.gql(Some(&second.token), FORWARD, input(&second)),
        );
        let outcomes = [outcome(&a), outcome(&b)];
        let winners = outcomes.iter().filter(|o| **o == Outcome::Won).count();
        assert_eq!(
            winners, 1,
            "round {round}: exactly one forward wins: {a} / {b}"
        );
        losers.extend(outcomes.into_iter().filter(|o| *o != Outcome::Won));

        let kinds = app.event_kinds(&requester.token, &id).await;
        assert_eq!(
            kinds,
            ["submitted", "forwarded"],
            "round {round}: one forward is logged"
        );
        let r = app
            .gql_ok(
                Some(&requester.token),
                "query($id: ID!) { request(id: $id) { status version dispositions { stepNumber note doneAt } } }",
                json!({ "id": id }),
            )
            .await;
        let r = &r["request"];
        assert_eq!(r["status"], "INSTRUCTION");
        assert_eq!(r["version"], 1, "one change, one version");
        let sheet = r["dispositions"].as_array().expect("dispositions");
        assert_eq!(
            sheet.len(),
            2,
            "round {round}: one step 2 sheet, not two: {r}"
        );
        let winner = if outcome(&a) == Outcome::Won {
            &first
        } else {
            &second
        };
        assert_eq!(
            sheet[1]["note"],
            format!("oleh {}", winner.username),
            "the winner's sheet"
        );
    }
    losers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_officials_forwarding_the_same_version_at_once_one_wins_the_other_gets_conflict() {
    let app = spawn_app().await;
    let losers = race(&app, 10, true).await;
    for loser in &losers {
        assert_eq!(
            *loser,
            Outcome::Lost {
                code: "CONFLICT".into(),
                rule: None
            },
            "with expectedVersion the loser is told of the conflict"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_officials_forwarding_at_once_without_a_version_one_wins_the_other_gets_conflict() {
    let app = spawn_app().await;
    let losers = race(&app, 10, false).await;
    // The loser either lost the race inside the transaction (CONFLICT) or arrived after the
    // winner had committed, when the request had already moved to step 2 and the workflow
    // refuses (the state moved on). The issue asks for CONFLICT; it must show at least once.
    for loser in &losers {
        let fine = match loser {
            Outcome::Lost { code, rule } => {
                code == "CONFLICT"
                    || (code == "BAD_USER_INPUT" && rule.as_deref() == Some("NotAtStep"))
                    || (code == "FORBIDDEN" && rule.as_deref() == Some("ActorLacksRole"))
            }
            Outcome::Won => false,
        };
        assert!(fine, "unexpected loss: {loser:?}");
    }
    assert!(
        losers
            .iter()
            .any(|l| matches!(l, Outcome::Lost { code, .. } if code == "CONFLICT")),
        "in 10 simultaneous races the loser never got CONFLICT, only: {losers:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_submissions_get_twenty_consecutive_agenda_numbers() {
    let app = spawn_app().await;
    let requester = app.user(Role::Requester).await;
    let calls = (0..20).map(|i| {
        let token = requester.token.clone();
        let app = &app;
        async move {
            app.gql(
                Some(&token),
                SUBMIT,
                json!({ "input": submission(&format!("Serentak {i}")) }),
            )
            .await
        }
    });
    let responses = futures::future::join_all(calls).await;
    let mut numbers = Vec::new();
    for response in &responses {
        let d = warta_tests::data(response);
        numbers.push(
            d["submitRequest"]["agendaNumber"]
                .as_str()
                .expect("an agenda number")
                .to_owned(),
        );
    }
    let distinct: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!(distinct.len(), 20, "no duplicates: {numbers:?}");
    let years: BTreeSet<&str> = numbers.iter().map(|n| &n[8..]).collect();
    assert_eq!(years.len(), 1, "{numbers:?}");
    let mut seqs: Vec<u32> = numbers
        .iter()
        .map(|n| n[..4].parse().expect("digits"))
        .collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (1..=20).collect::<Vec<_>>(),
        "gap-free from 1 on a fresh database"
    );

    // Every request is really there, once.
    let d = app
        .gql_ok(
            Some(&requester.token),
            "{ requests(first: 100) { edges { node { agendaNumber } } } }",
            json!({}),
        )
        .await;
    let stored: BTreeSet<String> = d["requests"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            e["node"]["agendaNumber"]
                .as_str()
                .expect("a number")
                .to_owned()
        })
        .collect();
    assert_eq!(stored, numbers.iter().cloned().collect::<BTreeSet<_>>());
}

/// The channels of one request are sent by whichever workers took them, and each reports its
/// delivery the moment it has it: two reports of one request arriving together must both be
/// recorded. A report states a fact, so losing a race to the other is no reason to refuse it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn delivery_reports_of_one_request_arriving_together_are_all_recorded() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff).await;
    let worker = app.client(&["worker"]).await;
    for round in 0..10 {
        let walked = app.request_at(Stage::Publication).await;
        app.gql_ok(
            Some(&staff.token),
            PUBLISH,
            json!({ "input": { "requestId": walked.id } }),
        )
        .await;
        let d = app
            .gql_ok(Some(&worker), CLAIM, json!({ "worker": "racing-worker" }))
            .await;
        let jobs = d["claimPublicationJobs"].as_array().expect("jobs").clone();
        assert_eq!(jobs.len(), 2, "round {round}: one job per channel");
        let report = |n: usize| {
            app.gql(
                Some(&worker),
                REPORT,
                json!({ "input": {
                    "publicationId": jobs[n]["publication"]["id"],
                    "outcome": "SENT",
                    "messageIds": [round * 10 + n],
                    "link": format!("https://t.me/c/1234567/{}", round * 10 + n),
                } }),
            )
        };
        let (a, b) = tokio::join!(report(0), report(1));
        for response in [&a, &b] {
            assert_eq!(
                error_code(response),
                None,
                "round {round}: a report is refused: {response}"
            );
            assert_eq!(response["data"]["reportPublication"]["status"], "SENT");
        }
        let kinds = app.event_kinds(&staff.token, &walked.id).await;
        assert_eq!(
            kinds.iter().filter(|k| *k == "delivery_recorded").count(),
            2,
            "round {round}: {kinds:?}"
        );
        let status = app
            .gql_ok(
                Some(&staff.token),
                "query($id: ID!) { request(id: $id) { status } }",
                json!({ "id": walked.id }),
            )
            .await;
        assert_eq!(
            status["request"]["status"], "ARCHIVING",
            "round {round}: every channel sent ends step 6"
        );
    }
}
