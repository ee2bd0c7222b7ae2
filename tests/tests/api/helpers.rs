//! Queries and assertions shared by the tests of this binary.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use warta_tests::TestApp;

/// Everything a test may want to see of one request.
pub const REQUEST_VIEW: &str = "query($id: ID!) {
  request(id: $id) {
    id agendaNumber title unit priority status currentStep currentStepNumber holderRole
    holder { id username } requester { id username } version returnedFromStep
    rejectionReason submittedAt closedAt
    content { version title narrative }
    contentVersions { version title narrative author { username } }
    dispositions {
      id stepNumber from { id username } toRole to { id username } instruction
      instructionText priority note dueAt slaDeadline createdAt readAt doneAt outcome
    }
    openDisposition { id stepNumber toRole }
    sla {
      allMet overdue totalSeconds
      steps { stepNumber startedAt deadline completedAt timeTakenSeconds standardMinutes met overdue }
    }
    channels { id name }
    publications { id status link sentAt messageIds channel { id } }
    reviews { verdict comment contentVersion reviewer { username } }
    checklist { letterAttached requesterIdentified scheduleClear contactClear mediaSuitable }
    archiveEntry { classificationCode retentionYears retainUntil title finalText archivedBy { username } }
  }
}";

/// The request as `token` sees it (panics on any error).
pub async fn view(app: &TestApp, token: &str, id: &str) -> Value {
    app.gql_ok(Some(token), REQUEST_VIEW, json!({ "id": id }))
        .await["request"]
        .clone()
}

/// The SOP's time standard of a step, in minutes.
pub fn sop_minutes(step: i64) -> i64 {
    match step {
        1 => 24 * 60,
        2 => 120,
        3 => 60,
        4 => 10,
        5..=7 => 5,
        _ => panic!("no step {step}"),
    }
}

#[track_caller]
pub fn time(value: &Value) -> DateTime<Utc> {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("not RFC 3339 ({e}): {text}"))
        .with_timezone(&Utc)
}

/// Checks the SLA figures of a request whose steps so far are `steps` (in order): each
/// deadline lies exactly the SOP's standard after the step started, finished steps met it and
/// took a plausible time, and the open step (the last, unless the request is closed) is
/// neither met nor missed yet.
#[track_caller]
pub fn assert_sla(request: &Value, steps: &[i64], closed: bool) {
    let sla = &request["sla"]["steps"];
    let got: Vec<i64> = sla
        .as_array()
        .expect("sla steps")
        .iter()
        .map(|s| s["stepNumber"].as_i64().expect("a step number"))
        .collect();
    assert_eq!(got, steps, "SLA steps of {}", request["agendaNumber"]);
    for (i, step) in sla.as_array().expect("steps").iter().enumerate() {
        let n = step["stepNumber"].as_i64().expect("number");
        let started = time(&step["startedAt"]);
        let deadline = time(&step["deadline"]);
        assert_eq!(
            (deadline - started).num_milliseconds(),
            sop_minutes(n) * 60_000,
            "step {n}: deadline {deadline} - start {started} must be the SOP's {} min",
            sop_minutes(n)
        );
        assert_eq!(
            step["standardMinutes"].as_i64(),
            Some(sop_minutes(n)),
            "step {n}"
        );
        let taken = step["timeTakenSeconds"].as_i64().expect("time taken");
        assert!((0..120).contains(&taken), "step {n} took {taken} s");
        let open = i + 1 == steps.len() && !closed;
        if open {
            assert!(step["completedAt"].is_null(), "step {n} is still open");
            assert!(
                step["met"].is_null(),
                "step {n}: open and not overdue, so met is null"
            );
            assert_eq!(step["overdue"], json!(false));
        } else {
            assert!(!step["completedAt"].is_null(), "step {n} is done");
            assert_eq!(
                step["met"],
                json!(true),
                "step {n} was done within its standard"
            );
        }
    }
    assert_eq!(request["sla"]["overdue"], json!(false));
    assert_eq!(request["sla"]["allMet"], json!(true));
}

/// The dispositions chain as (step, from username, to role, to username) tuples.
pub fn chain(request: &Value) -> Vec<(i64, Option<String>, String, Option<String>)> {
    request["dispositions"]
        .as_array()
        .expect("dispositions")
        .iter()
        .map(|d| {
            (
                d["stepNumber"].as_i64().expect("a step"),
                d["from"]["username"].as_str().map(str::to_owned),
                d["toRole"].as_str().expect("a role").to_owned(),
                d["to"]["username"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// Owned strings from string literals, for comparing lists.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}
