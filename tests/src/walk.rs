//! Walking a fresh publication request down the SOP to a given step, through HTTP, as the
//! officials of each step. Many tests start from "a request waiting at step N"; this is it.

use serde_json::{Value, json};

use crate::{Role, TestApp, TestUser};

/// Where a walked request should stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Step 1: submitted, waiting on the Vice Rector.
    Disposition = 1,
    /// Step 2: with the Head of Bureau.
    Instruction = 2,
    /// Step 3: with the PKIH Coordinator.
    Verification = 3,
    /// Step 4: with the Deputy for review.
    Review = 4,
    /// Step 5: found fit, with the same Deputy to instruct staff.
    Assignment = 5,
    /// Step 6: with staff, nothing queued yet.
    Publication = 6,
    /// Step 7: every channel sent, with staff to archive.
    Archiving = 7,
    /// Done.
    Archived = 8,
}

/// A request walked to a stage.
#[derive(Debug, Clone)]
pub struct Walked {
    pub id: String,
    pub agenda_number: String,
    pub requester: TestUser,
    /// The channels chosen at step 2 (empty before).
    pub channels: Vec<String>,
}

/// Submits a request as `requester`.
pub const SUBMIT: &str = "mutation($input: SubmitRequestInput!) {
  submitRequest(input: $input) { id agendaNumber status currentStep holderRole version }
}";

pub const FORWARD: &str = "mutation($input: ForwardRequestInput!) {
  forwardRequest(input: $input) { id status currentStep holderRole holder { id } version }
}";

pub const REVIEW: &str = "mutation($input: ReviewRequestInput!) {
  reviewRequest(input: $input) { id status currentStep holderRole holder { id } version returnedFromStep }
}";

pub const PUBLISH: &str = "mutation($input: PublishRequestInput!) {
  publishRequest(input: $input) { id status currentStep holderRole publications { id status channel { id } } }
}";

pub const ARCHIVE: &str = "mutation($input: ArchiveRequestInput!) {
  archiveRequest(input: $input) { id status currentStep holderRole closedAt archiveEntry { classificationCode retentionYears finalText } }
}";

pub const CLAIM: &str = "mutation($worker: String!) {
  claimPublicationJobs(worker: $worker, limit: 100) {
    jobId leaseUntil agendaNumber title text
    publication { id requestId status channel { id } }
    channel { id name chatRef }
  }
}";

pub const REPORT: &str = "mutation($input: ReportPublicationInput!) {
  reportPublication(input: $input) { id requestId status link sentAt messageIds }
}";

/// A complete step-3 checklist.
pub fn complete_checklist() -> Value {
    json!({
        "letterAttached": true,
        "requesterIdentified": true,
        "scheduleClear": true,
        "contactClear": true,
        "mediaSuitable": true,
    })
}

/// A valid submission.
pub fn submission(title: &str) -> Value {
    json!({
        "title": title,
        "audience": "Sivitas akademika Universitas Jember",
        "narrative": format!("Diumumkan kepada seluruh sivitas akademika: {title}."),
        "desiredDate": "2026-12-01",
        "priority": "BIASA",
    })
}

impl TestApp {
    /// Submits a request as `requester` and returns its id and agenda number.
    pub async fn submit(&self, requester: &TestUser, title: &str) -> (String, String) {
        let d = self
            .gql_ok(
                Some(&requester.token),
                SUBMIT,
                json!({ "input": submission(title) }),
            )
            .await;
        let r = &d["submitRequest"];
        (
            r["id"].as_str().expect("an id").to_owned(),
            r["agendaNumber"]
                .as_str()
                .expect("an agenda number")
                .to_owned(),
        )
    }

    /// A fresh request by a fresh requester, walked to `stage` by the harness's officials
    /// (one per role, see [`TestApp::user`]). Two channels are chosen at step 2 when the walk
    /// gets that far.
    pub async fn request_at(&self, stage: Stage) -> Walked {
        let requester = self.new_user(&[Role::Requester]).await;
        self.request_at_by(stage, requester).await
    }

    /// Like [`TestApp::request_at`], submitted by `requester`.
    pub async fn request_at_by(&self, stage: Stage, requester: TestUser) -> Walked {
        let seq = self.next_seq();
        let input = submission(&format!("Pengumuman wisuda periode {seq}"));
        self.submitted_at(stage, requester, input).await
    }

    /// Submits `input` (a `SubmitRequestInput`) as `requester` and walks it to `stage`.
    pub async fn submitted_at(&self, stage: Stage, requester: TestUser, input: Value) -> Walked {
        let d = self
            .gql_ok(Some(&requester.token), SUBMIT, json!({ "input": input }))
            .await;
        let r = &d["submitRequest"];
        let mut walked = Walked {
            id: r["id"].as_str().expect("an id").to_owned(),
            agenda_number: r["agendaNumber"]
                .as_str()
                .expect("an agenda number")
                .to_owned(),
            requester,
            channels: Vec::new(),
        };
        let mut at = Stage::Disposition;
        while at < stage {
            at = self.advance(&mut walked, at).await;
        }
        walked
    }

    /// Moves a walked request one stage on.
    async fn advance(&self, walked: &mut Walked, at: Stage) -> Stage {
        let id = walked.id.clone();
        match at {
            Stage::Disposition => {
                let vr = self.user(Role::ViceRector).await;
                self.gql_ok(
                    Some(&vr.token),
                    FORWARD,
                    json!({ "input": { "requestId": id, "instruction": "TINDAK_LANJUTI" } }),
                )
                .await;
                Stage::Instruction
            }
            Stage::Instruction => {
                let seq = self.next_seq();
                walked.channels = vec![
                    self.channel(&format!("Info UNEJ {seq}")).await,
                    self.channel(&format!("Humas UNEJ {seq}")).await,
                ];
                let bh = self.user(Role::BureauHead).await;
                self.gql_ok(
                    Some(&bh.token),
                    FORWARD,
                    json!({ "input": { "requestId": id, "channelIds": walked.channels } }),
                )
                .await;
                Stage::Verification
            }
            Stage::Verification => {
                let pkih = self.user(Role::PkihCoordinator).await;
                self.gql_ok(
                    Some(&pkih.token),
                    FORWARD,
                    json!({ "input": { "requestId": id, "checklist": complete_checklist() } }),
                )
                .await;
                Stage::Review
            }
            Stage::Review => {
                let deputy = self.user(Role::HumasDeputy).await;
                self.gql_ok(
                    Some(&deputy.token),
                    REVIEW,
                    json!({ "input": { "requestId": id, "verdict": "FIT" } }),
                )
                .await;
                Stage::Assignment
            }
            Stage::Assignment => {
                let deputy = self.user(Role::HumasDeputy).await;
                self.gql_ok(
                    Some(&deputy.token),
                    FORWARD,
                    json!({ "input": { "requestId": id, "instruction": "SIAPKAN_PUBLIKASI" } }),
                )
                .await;
                Stage::Publication
            }
            Stage::Publication => {
                let staff = self.user(Role::Staff).await;
                self.gql_ok(
                    Some(&staff.token),
                    PUBLISH,
                    json!({ "input": { "requestId": id } }),
                )
                .await;
                let worker = self.client(&["worker"]).await;
                self.send_publications(&worker, &id).await;
                Stage::Archiving
            }
            Stage::Archiving => {
                let staff = self.user(Role::Staff).await;
                self.gql_ok(
                    Some(&staff.token),
                    ARCHIVE,
                    json!({ "input": { "requestId": id, "classificationCode": "HM.00.01", "retentionYears": 5 } }),
                )
                .await;
                Stage::Archived
            }
            Stage::Archived => Stage::Archived,
        }
    }

    /// As the worker: claims the due jobs and reports the ones of `request_id` as sent. Jobs
    /// of other requests are left under their lease.
    pub async fn send_publications(&self, worker_token: &str, request_id: &str) -> Vec<Value> {
        let d = self
            .gql_ok(
                Some(worker_token),
                CLAIM,
                json!({ "worker": "test-worker" }),
            )
            .await;
        let mut reported = Vec::new();
        for job in d["claimPublicationJobs"].as_array().expect("jobs") {
            if job["publication"]["requestId"].as_str() != Some(request_id) {
                continue;
            }
            let publication = job["publication"]["id"].as_str().expect("an id");
            let d = self
                .gql_ok(
                    Some(worker_token),
                    REPORT,
                    json!({ "input": {
                        "publicationId": publication,
                        "outcome": "SENT",
                        "messageIds": [100 + reported.len() as i64],
                        "link": format!("https://t.me/c/1234567/{}", 100 + reported.len()),
                    } }),
                )
                .await;
            reported.push(d["reportPublication"].clone());
        }
        reported
    }
}
