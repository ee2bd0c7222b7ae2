//! What an official can do from a direct message: the actions offered for each SOP step, what
//! their buttons say, and the GraphQL mutation each press runs as the person who pressed.
//!
//! Only what needs nothing more than a press (or a typed reason) is offered. Step 2's channels
//! are chosen with a toggle button each (the message's keyboard shows the choice), then
//! forwarded. Step 3's checklist is confirmed whole with one press, its items spelt out in the
//! message; a request that fails any of them is returned instead. Archiving with a
//! classification code (step 7) needs the form in the PWA, which the message links to.

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

/// What comes with a press besides the button: the reason of a return or rejection, the
/// channels ticked at step 2.
#[derive(Debug, Clone, Copy, Default)]
pub struct PressInput<'a> {
    pub reason: &'a str,
    pub channel_ids: &'a [i64],
}

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
            Step::Disposition | Step::Instruction | Step::Assignment => vec![Action::Forward],
            Step::Verification => vec![Action::Verify],
            Step::Review => vec![Action::Approve],
            Step::Publication => vec![Action::Publish],
            Step::Archiving => Vec::new(),
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
            (Action::Forward, Step::Instruction) => "Teruskan ke Koordinator PKIH",
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
            (Action::Forward, Step::Instruction) => {
                "Diteruskan ke Koordinator PKIH dengan kanal terpilih"
            }
            (Action::Forward, _) => "Ditugaskan ke Petugas Humas (siapkan publikasi)",
            (Action::Verify, _) => "Data dinyatakan lengkap, diteruskan ke Wakil Koordinator Humas",
            (Action::Approve, _) => "Naskah dinyatakan layak",
            (Action::Publish, _) => "Diterbitkan ke kanal",
            (Action::Return, _) => "Dikembalikan ke pemohon",
            (Action::Reject, _) => "Ditolak",
        }
    }

    /// The mutation a press runs, with what came with it.
    pub fn mutation(
        self,
        step: Step,
        request_id: i64,
        version: i32,
        input: PressInput,
    ) -> (&'static str, Value) {
        let PressInput {
            reason,
            channel_ids,
        } = input;
        let id = request_id.to_string();
        match self {
            Action::Forward => {
                let instruction = match step {
                    Step::Disposition | Step::Instruction => "TINDAK_LANJUTI",
                    _ => "SIAPKAN_PUBLIKASI",
                };
                let mut input = json!({
                    "requestId": id,
                    "expectedVersion": version,
                    "instruction": instruction,
                });
                if step == Step::Instruction {
                    input["channelIds"] =
                        channel_ids.iter().map(|c| c.to_string()).collect::<Value>();
                }
                (
                    "mutation($input: ForwardRequestInput!) { forwardRequest(input: $input) { id version } }",
                    json!({ "input": input }),
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

/// The stored action of a step-2 channel toggle: `channel:<id>`.
pub fn channel_toggle(channel_id: i64) -> String {
    format!("{CHANNEL_TOGGLE}{channel_id}")
}

/// The channel a stored action toggles, if it is a toggle.
pub fn toggled_channel(action: &str) -> Option<i64> {
    action.strip_prefix(CHANNEL_TOGGLE)?.parse().ok()
}

const CHANNEL_TOGGLE: &str = "channel:";
const CHOSEN: &str = "☑ ";
const NOT_CHOSEN: &str = "☐ ";

/// A toggle's text: the channel's name after a ticked or an empty box.
pub fn toggle_label(name: &str, chosen: bool) -> String {
    format!("{}{name}", if chosen { CHOSEN } else { NOT_CHOSEN })
}

/// Reads a toggle's text back: the channel's name and whether it is chosen; `None` for a
/// button that is no toggle.
pub fn read_toggle(label: &str) -> Option<(&str, bool)> {
    label
        .strip_prefix(CHOSEN)
        .map(|name| (name, true))
        .or_else(|| label.strip_prefix(NOT_CHOSEN).map(|name| (name, false)))
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
            [Action::Forward, Action::Return, Action::Reject]
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

    #[test]
    fn a_channel_toggle_reads_back_as_written() {
        assert_eq!(toggled_channel(&channel_toggle(42)), Some(42));
        assert_eq!(toggled_channel("forward"), None);
        assert_eq!(Action::parse(&channel_toggle(42)), None);
        for chosen in [false, true] {
            let label = toggle_label("Info <UNEJ>", chosen);
            assert_eq!(read_toggle(&label), Some(("Info <UNEJ>", chosen)));
        }
        assert_eq!(read_toggle("Teruskan ke Koordinator PKIH"), None);
    }
}
