//! What an official can do from a direct message: the actions offered for each SOP step, what
//! their buttons say, and the GraphQL mutation each press runs as the person who pressed.
//!
//! Only what needs nothing more than a press (or a typed reason) is offered. Choosing the
//! channels (step 2) and archiving with a classification code (step 7) need the form in the
//! PWA, which the message links to. Step 3's checklist is confirmed whole with one press, its
//! items spelt out in the message; a request that fails any of them is returned instead.

use serde_json::{Value, json};

use crate::workflow::Step;

/// Step 3's checklist: each item's field in `ChecklistInput` and what it says, as the PWA
/// words it. The verifying press confirms all of them.
pub const CHECKLIST: [(&str, &str); 5] = [
    (
        "letterAttached",
        "Surat permohonan bertanda tangan terlampir",
    ),
    ("requesterIdentified", "Unit dan pemohon jelas"),
    ("scheduleClear", "Tanggal, waktu dan tempat jelas"),
    ("contactClear", "Ada narahubung"),
    ("mediaSuitable", "Media layak tayang"),
];

/// One action a button stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Send the request to the next step's role with the step's standard instruction.
    Forward,
    /// Step 3: every item of the checklist holds; on to the Deputy Humas Coordinator.
    Verify,
    /// Step 4: the narrative is fit to publish.
    Approve,
    /// Step 6: publish to the chosen channels now.
    Publish,
    /// Back to the requester for revision; the reason is asked for.
    Return,
    /// Reject; the reason is asked for.
    Reject,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Forward,
        Action::Verify,
        Action::Approve,
        Action::Publish,
        Action::Return,
        Action::Reject,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Forward => "forward",
            Action::Verify => "verify",
            Action::Approve => "approve",
            Action::Publish => "publish",
            Action::Return => "return",
            Action::Reject => "reject",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// The actions offered for a step, in the order their buttons appear. Return and reject
    /// are offered where the SOP lets the holder decide (steps 1–5).
    pub fn offered_at(step: Step) -> Vec<Action> {
        let mut actions = match step {
            Step::Disposition | Step::Assignment => vec![Action::Forward],
            Step::Verification => vec![Action::Verify],
            Step::Review => vec![Action::Approve],
            Step::Publication => vec![Action::Publish],
            Step::Instruction | Step::Archiving => Vec::new(),
        };
        if step <= Step::Assignment {
            actions.extend([Action::Return, Action::Reject]);
        }
        actions
    }

    /// Whether the press asks for a reason before anything is done.
    pub fn needs_reason(self) -> bool {
        matches!(self, Action::Return | Action::Reject)
    }

    /// The button's text.
    pub fn label(self, step: Step) -> &'static str {
        match (self, step) {
            (Action::Forward, Step::Disposition) => "Disposisi ke Kepala BPKH",
            (Action::Forward, _) => "Tugaskan ke Petugas Humas",
            (Action::Verify, _) => "Data lengkap, teruskan",
            (Action::Approve, _) => "Naskah layak terbit",
            (Action::Publish, _) => "Terbitkan sekarang",
            (Action::Return, _) => "Kembalikan",
            (Action::Reject, _) => "Tolak",
        }
    }

    /// What was done, for the message once it is: "Didisposisikan ke Kepala BPKH".
    pub fn done(self, step: Step) -> &'static str {
        match (self, step) {
            (Action::Forward, Step::Disposition) => {
                "Didisposisikan ke Kepala BPKH (untuk ditindaklanjuti)"
            }
            (Action::Forward, _) => "Ditugaskan ke Petugas Humas (siapkan publikasi)",
            (Action::Verify, _) => "Data dinyatakan lengkap, diteruskan ke Wakil Koordinator Humas",
            (Action::Approve, _) => "Naskah dinyatakan layak",
            (Action::Publish, _) => "Diterbitkan ke kanal",
            (Action::Return, _) => "Dikembalikan ke pemohon",
            (Action::Reject, _) => "Ditolak",
        }
    }

    /// The mutation a press (with its reason, for a return or rejection) runs.
    pub fn mutation(
        self,
        step: Step,
        request_id: i64,
        version: i32,
        reason: &str,
    ) -> (&'static str, Value) {
        let id = request_id.to_string();
        match self {
            Action::Forward => {
                let instruction = if step == Step::Disposition {
                    "TINDAK_LANJUTI"
                } else {
                    "SIAPKAN_PUBLIKASI"
                };
                (
                    "mutation($input: ForwardRequestInput!) { forwardRequest(input: $input) { id version } }",
                    json!({ "input": {
                        "requestId": id,
                        "expectedVersion": version,
                        "instruction": instruction,
                    } }),
                )
            }
            Action::Verify => {
                let checklist: serde_json::Map<String, Value> = CHECKLIST
                    .iter()
                    .map(|(field, _)| ((*field).to_owned(), Value::Bool(true)))
                    .collect();
                (
                    "mutation($input: ForwardRequestInput!) { forwardRequest(input: $input) { id version } }",
                    json!({ "input": {
                        "requestId": id,
                        "expectedVersion": version,
                        "checklist": checklist,
                    } }),
                )
            }
            Action::Approve => (
                "mutation($input: ReviewRequestInput!) { reviewRequest(input: $input) { id version } }",
                json!({ "input": { "requestId": id, "expectedVersion": version, "verdict": "FIT" } }),
            ),
            Action::Publish => (
                "mutation($input: PublishRequestInput!) { publishRequest(input: $input) { id version } }",
                json!({ "input": { "requestId": id, "expectedVersion": version } }),
            ),
            Action::Return => (
                "mutation($input: ReasonInput!) { returnForRevision(input: $input) { id version } }",
                json!({ "input": { "requestId": id, "expectedVersion": version, "reason": reason } }),
            ),
            Action::Reject => (
                "mutation($input: ReasonInput!) { rejectRequest(input: $input) { id version } }",
                json!({ "input": { "requestId": id, "expectedVersion": version, "reason": reason } }),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_offers_what_a_press_can_finish() {
        assert_eq!(
            Action::offered_at(Step::Disposition),
            [Action::Forward, Action::Return, Action::Reject]
        );
        assert_eq!(
            Action::offered_at(Step::Instruction),
            [Action::Return, Action::Reject]
        );
        assert_eq!(
            Action::offered_at(Step::Verification),
            [Action::Verify, Action::Return, Action::Reject]
        );
        assert_eq!(
            Action::offered_at(Step::Review),
            [Action::Approve, Action::Return, Action::Reject]
        );
        assert_eq!(Action::offered_at(Step::Publication), [Action::Publish]);
        assert!(Action::offered_at(Step::Archiving).is_empty());
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
    }
}
