//! Table tests (state × actor × command → outcome) and the SOP's paths walked end to end.

use super::*;

pub(super) const REQUESTER: UserId = 1;
pub(super) const VICE_RECTOR: UserId = 2;
pub(super) const BUREAU_HEAD: UserId = 3;
pub(super) const PKIH: UserId = 4;
pub(super) const DEPUTY: UserId = 5;
pub(super) const DEPUTY_2: UserId = 6;
pub(super) const STAFF: UserId = 7;
pub(super) const STAFF_2: UserId = 8;
pub(super) const ADMIN: UserId = 9;
pub(super) const VICE_RECTOR_2: UserId = 11;
pub(super) const PKIH_2: UserId = 12;
pub(super) const OTHER_REQUESTER: UserId = 10;

const A: ChannelId = 100;
const B: ChannelId = 200;

fn requester() -> Actor {
    Actor::user(REQUESTER, [Role::Requester])
}
fn other_requester() -> Actor {
    Actor::user(OTHER_REQUESTER, [Role::Requester])
}
fn vice_rector() -> Actor {
    Actor::user(VICE_RECTOR, [Role::ViceRector])
}
fn vice_rector_2() -> Actor {
    Actor::user(VICE_RECTOR_2, [Role::ViceRector])
}
fn bureau_head() -> Actor {
    Actor::user(BUREAU_HEAD, [Role::BureauHead])
}
fn pkih() -> Actor {
    Actor::user(PKIH, [Role::PkihCoordinator])
}
fn pkih_2() -> Actor {
    Actor::user(PKIH_2, [Role::PkihCoordinator])
}
fn deputy() -> Actor {
    Actor::user(DEPUTY, [Role::HumasDeputy])
}
fn deputy_2() -> Actor {
    Actor::user(DEPUTY_2, [Role::HumasDeputy])
}
fn staff() -> Actor {
    Actor::user(STAFF, [Role::Staff])
}
fn staff_2() -> Actor {
    Actor::user(STAFF_2, [Role::Staff])
}
fn admin() -> Actor {
    Actor::user(ADMIN, [Role::Admin])
}
fn admin_vice_rector() -> Actor {
    Actor::user(ADMIN, [Role::Admin, Role::ViceRector])
}

/// The person who holds each step on the happy path.
fn holder_of(step: Step) -> Actor {
    match step {
        Step::Disposition => vice_rector(),
        Step::Instruction => bureau_head(),
        Step::Verification => pkih(),
        Step::Review | Step::Assignment => deputy(),
        Step::Publication | Step::Archiving => staff(),
    }
}

fn forward() -> Command {
    Command::Forward {
        to_user: None,
        note: DispositionNote::default(),
        channels: None,
        checklist: None,
    }
}
fn forward_to(user: UserId) -> Command {
    Command::Forward {
        to_user: Some(user),
        note: DispositionNote::default(),
        channels: None,
        checklist: None,
    }
}
fn forward_with_channels(channels: &[ChannelId]) -> Command {
    Command::Forward {
        to_user: None,
        note: DispositionNote::default(),
        channels: Some(channels.iter().copied().collect()),
        checklist: None,
    }
}
fn forward_with_checklist(checklist: Checklist) -> Command {
    Command::Forward {
        to_user: None,
        note: DispositionNote::default(),
        channels: None,
        checklist: Some(checklist),
    }
}
fn forward_with_note(note: DispositionNote) -> Command {
    Command::Forward {
        to_user: None,
        note,
        channels: None,
        checklist: None,
    }
}
fn review(verdict: Verdict, comment: &str) -> Command {
    Command::Review {
        verdict,
        comment: comment.into(),
    }
}
fn publish() -> Command {
    Command::Publish { schedule_at: None }
}
fn record(channel: ChannelId, outcome: DeliveryOutcome) -> Command {
    Command::RecordDelivery { channel, outcome }
}
fn resolve(channel: ChannelId, posted: bool) -> Command {
    Command::ResolveUncertain { channel, posted }
}
fn archive(code: &str, years: u16) -> Command {
    Command::Archive {
        classification_code: code.into(),
        retention_years: years,
        access_class: AccessClass::Public,
    }
}
fn return_for_revision(reason: &str) -> Command {
    Command::ReturnForRevision {
        reason: reason.into(),
    }
}
fn reject(reason: &str) -> Command {
    Command::Reject {
        reason: reason.into(),
    }
}
fn withdraw() -> Command {
    Command::Withdraw { reason: None }
}
fn reassign(to_user: UserId, roles: &[Role]) -> Command {
    Command::Reassign {
        to_user,
        to_user_roles: roles.iter().copied().collect(),
    }
}

/// Runs a command that must succeed.
#[track_caller]
fn run(state: &RequestState, actor: &Actor, command: &Command) -> RequestState {
    match transition(state, actor, command) {
        Ok(transition) => transition.state,
        Err(error) => panic!(
            "{command:?} by {actor:?} at {:?} was refused: {error}",
            state.status
        ),
    }
}

/// The happy path up to the start of `step`, with nobody named as holder after step 4.
fn at(step: Step) -> RequestState {
    let mut state = RequestState::submitted(REQUESTER);
    while state.status != Status::InStep(step) {
        let current = state.step().expect("the happy path stays in steps");
        state = match current {
            Step::Disposition | Step::Assignment => run(&state, &holder_of(current), &forward()),
            Step::Instruction => run(&state, &bureau_head(), &forward_with_channels(&[A, B])),
            Step::Verification => run(
                &state,
                &pkih(),
                &forward_with_checklist(Checklist::COMPLETE),
            ),
            Step::Review => run(&state, &deputy(), &review(Verdict::Fit, "")),
            Step::Publication => {
                let queued = run(&state, &staff(), &publish());
                let one_sent = run(&queued, &Actor::Worker, &record(A, DeliveryOutcome::Sent));
                run(&one_sent, &Actor::Worker, &record(B, DeliveryOutcome::Sent))
            }
            Step::Archiving => unreachable!("the loop stops at archiving at the latest"),
        };
    }
    state
}

/// Step 6 with both channels queued.
fn queued() -> RequestState {
    run(&at(Step::Publication), &staff(), &publish())
}

/// Step 6 with channel A set to `a` and B to `b` (as the service would rebuild it).
fn publishing(a: PublicationStatus, b: PublicationStatus) -> RequestState {
    let mut state = at(Step::Publication);
    state.publications.insert(A, a);
    state.publications.insert(B, b);
    state
}

/// `state` with a named holder.
fn held_by(mut state: RequestState, user: UserId) -> RequestState {
    if let Some(holder) = &mut state.holder {
        holder.user = Some(user);
    }
    state
}

fn returned_from(step: Step) -> RequestState {
    run(
        &at(step),
        &holder_of(step),
        &return_for_revision("lengkapi surat"),
    )
}

fn archived() -> RequestState {
    run(&at(Step::Archiving), &staff(), &archive("HM.01", 5))
}
fn rejected() -> RequestState {
    run(
        &at(Step::Disposition),
        &vice_rector(),
        &reject("bukan ranah humas"),
    )
}
fn withdrawn() -> RequestState {
    run(&at(Step::Disposition), &requester(), &withdraw())
}

enum Expect {
    Events(&'static [&'static str]),
    Refused(WorkflowError),
}
use Expect::{Events, Refused};

struct Case {
    name: String,
    state: RequestState,
    actor: Actor,
    command: Command,
    expect: Expect,
}

fn case(
    name: impl Into<String>,
    state: RequestState,
    actor: Actor,
    command: Command,
    expect: Expect,
) -> Case {
    Case {
        name: name.into(),
        state,
        actor,
        command,
        expect,
    }
}

fn run_table(cases: Vec<Case>) {
    let total = cases.len();
    let failures: Vec<String> = cases
        .into_iter()
        .filter_map(|case| {
            let got = decide(&case.state, &case.actor, &case.command);
            let ok = match (&case.expect, &got) {
                (Events(kinds), Ok(events)) => {
                    events.iter().map(Event::kind).collect::<Vec<_>>() == *kinds
                }
                (Refused(expected), Err(error)) => expected == error,
                _ => false,
            };
            if let Ok(events) = &got {
                // Whatever succeeds leaves a consistent state.
                let after = events.iter().fold(case.state.clone(), evolve);
                if let Some(rule) = after.invariant_violation() {
                    return Some(format!("{}: broke \"{rule}\"", case.name));
                }
            }
            (!ok).then(|| format!("{}: got {got:?}", case.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn long(chars: usize) -> String {
    // A multi-byte letter, so limits are seen to count characters, not bytes.
    "é".repeat(chars)
}

#[test]
fn closed_requests_and_machine_actors() {
    run_table(vec![
        case(
            "archive an archived request",
            archived(),
            staff(),
            archive("HM.01", 5),
            Refused(WorkflowError::RequestClosed {
                status: Status::Archived,
            }),
        ),
        case(
            "withdraw a rejected request",
            rejected(),
            requester(),
            withdraw(),
            Refused(WorkflowError::RequestClosed {
                status: Status::Rejected,
            }),
        ),
        case(
            "worker reports on a withdrawn request",
            withdrawn(),
            Actor::Worker,
            record(A, DeliveryOutcome::Sent),
            Refused(WorkflowError::RequestClosed {
                status: Status::Withdrawn,
            }),
        ),
        case(
            "reassign a closed request",
            archived(),
            admin(),
            reassign(STAFF_2, &[Role::Staff]),
            Refused(WorkflowError::RequestClosed {
                status: Status::Archived,
            }),
        ),
        case(
            "the system forwards",
            at(Step::Disposition),
            Actor::System,
            forward(),
            Refused(WorkflowError::SystemMayNotAct),
        ),
        case(
            "the system records a delivery",
            queued(),
            Actor::System,
            record(A, DeliveryOutcome::Sent),
            Refused(WorkflowError::SystemMayNotAct),
        ),
        case(
            "the worker forwards",
            at(Step::Disposition),
            Actor::Worker,
            forward(),
            Refused(WorkflowError::WorkerMayOnlyRecordDelivery),
        ),
        case(
            "the worker publishes",
            at(Step::Publication),
            Actor::Worker,
            publish(),
            Refused(WorkflowError::WorkerMayOnlyRecordDelivery),
        ),
        case(
            "the worker reassigns",
            at(Step::Publication),
            Actor::Worker,
            reassign(STAFF_2, &[Role::Staff]),
            Refused(WorkflowError::WorkerMayOnlyRecordDelivery),
        ),
        case(
            "the worker records a delivery",
            queued(),
            Actor::Worker,
            record(A, DeliveryOutcome::Sent),
            Events(&["delivery_recorded"]),
        ),
    ]);
}

#[test]
fn who_may_act_on_a_step() {
    run_table(vec![
        case(
            "an admin without the role forwards",
            at(Step::Disposition),
            admin(),
            forward(),
            Refused(WorkflowError::ActorLacksRole {
                step: Step::Disposition,
                role: Role::ViceRector,
            }),
        ),
        case(
            "an admin who is also vice rector forwards",
            at(Step::Disposition),
            admin_vice_rector(),
            forward(),
            Events(&["forwarded"]),
        ),
        case(
            "the requester forwards",
            at(Step::Disposition),
            requester(),
            forward(),
            Refused(WorkflowError::ActorLacksRole {
                step: Step::Disposition,
                role: Role::ViceRector,
            }),
        ),
        case(
            "any vice rector acts while nobody is named",
            at(Step::Disposition),
            vice_rector_2(),
            forward(),
            Events(&["forwarded"]),
        ),
        case(
            "another vice rector acts on a named holder's step",
            held_by(at(Step::Disposition), VICE_RECTOR),
            vice_rector_2(),
            forward(),
            Refused(WorkflowError::NotTheHolder {
                step: Step::Disposition,
            }),
        ),
        case(
            "the named holder acts",
            held_by(at(Step::Disposition), VICE_RECTOR),
            vice_rector(),
            forward(),
            Events(&["forwarded"]),
        ),
        case(
            "a person named holder who lost the role acts",
            held_by(at(Step::Instruction), PKIH),
            pkih(),
            forward_with_channels(&[A]),
            Refused(WorkflowError::ActorLacksRole {
                step: Step::Instruction,
                role: Role::BureauHead,
            }),
        ),
    ]);
}

#[test]
fn forwarding_down_the_chain() {
    let incomplete = Checklist {
        media_suitable: false,
        ..Checklist::COMPLETE
    };
    run_table(vec![
        case(
            "step 1 forwards",
            at(Step::Disposition),
            vice_rector(),
            forward_to(BUREAU_HEAD),
            Events(&["forwarded"]),
        ),
        case(
            "step 2 forwards without channels",
            at(Step::Instruction),
            bureau_head(),
            forward(),
            Refused(WorkflowError::ChannelsRequired),
        ),
        case(
            "step 2 forwards with no channel chosen",
            at(Step::Instruction),
            bureau_head(),
            forward_with_channels(&[]),
            Refused(WorkflowError::ChannelsRequired),
        ),
        case(
            "step 2 forwards with channels",
            at(Step::Instruction),
            bureau_head(),
            forward_with_channels(&[A]),
            Events(&["channels_chosen", "forwarded"]),
        ),
        case(
            "step 1 chooses channels",
            at(Step::Disposition),
            vice_rector(),
            forward_with_channels(&[A]),
            Refused(WorkflowError::ChannelsOnlyAtInstruction {
                step: Step::Disposition,
            }),
        ),
        case(
            "step 3 chooses channels",
            at(Step::Verification),
            pkih(),
            Command::Forward {
                to_user: None,
                note: DispositionNote::default(),
                channels: Some([A].into()),
                checklist: Some(Checklist::COMPLETE),
            },
            Refused(WorkflowError::ChannelsOnlyAtInstruction {
                step: Step::Verification,
            }),
        ),
        case(
            "step 3 forwards without a checklist",
            at(Step::Verification),
            pkih(),
            forward(),
            Refused(WorkflowError::ChecklistRequired),
        ),
        case(
            "step 3 forwards with an incomplete checklist",
            at(Step::Verification),
            pkih(),
            forward_with_checklist(incomplete),
            Refused(WorkflowError::ChecklistIncomplete),
        ),
        case(
            "step 3 forwards with the checklist complete",
            at(Step::Verification),
            pkih(),
            forward_with_checklist(Checklist::COMPLETE),
            Events(&["details_verified", "forwarded"]),
        ),
        case(
            "step 2 fills in the checklist",
            at(Step::Instruction),
            bureau_head(),
            Command::Forward {
                to_user: None,
                note: DispositionNote::default(),
                channels: Some([A].into()),
                checklist: Some(Checklist::COMPLETE),
            },
            Refused(WorkflowError::ChecklistOnlyAtVerification {
                step: Step::Instruction,
            }),
        ),
        case(
            "step 5 fills in the checklist",
            at(Step::Assignment),
            deputy(),
            forward_with_checklist(Checklist::COMPLETE),
            Refused(WorkflowError::ChecklistOnlyAtVerification {
                step: Step::Assignment,
            }),
        ),
        case(
            "step 5 assigns staff",
            at(Step::Assignment),
            deputy(),
            forward_to(STAFF),
            Events(&["forwarded"]),
        ),
        case(
            "step 4 forwards instead of reviewing",
            at(Step::Review),
            deputy(),
            forward(),
            Refused(WorkflowError::CannotForwardAtStep { step: Step::Review }),
        ),
        case(
            "step 6 forwards",
            at(Step::Publication),
            staff(),
            forward(),
            Refused(WorkflowError::CannotForwardAtStep {
                step: Step::Publication,
            }),
        ),
        case(
            "step 7 forwards",
            at(Step::Archiving),
            staff(),
            forward(),
            Refused(WorkflowError::CannotForwardAtStep {
                step: Step::Archiving,
            }),
        ),
        case(
            "an official forwards a returned request",
            returned_from(Step::Disposition),
            vice_rector(),
            forward(),
            Refused(WorkflowError::RequestIsReturned),
        ),
        case(
            "a free-text instruction at the limit",
            at(Step::Disposition),
            vice_rector(),
            forward_with_note(DispositionNote {
                instruction_text: Some(long(MAX_NOTE_CHARS)),
                note: Some(long(MAX_NOTE_CHARS)),
                ..DispositionNote::default()
            }),
            Events(&["forwarded"]),
        ),
        case(
            "a free-text instruction over the limit",
            at(Step::Disposition),
            vice_rector(),
            forward_with_note(DispositionNote {
                instruction_text: Some(long(MAX_NOTE_CHARS + 1)),
                ..DispositionNote::default()
            }),
            Refused(WorkflowError::TextTooLong {
                field: "instruction_text",
                max: MAX_NOTE_CHARS,
            }),
        ),
        case(
            "a note over the limit",
            at(Step::Disposition),
            vice_rector(),
            forward_with_note(DispositionNote {
                note: Some(long(MAX_NOTE_CHARS + 1)),
                ..DispositionNote::default()
            }),
            Refused(WorkflowError::TextTooLong {
                field: "note",
                max: MAX_NOTE_CHARS,
            }),
        ),
    ]);
}

#[test]
fn reviewing_and_revising_the_narrative() {
    run_table(vec![
        case(
            "fit needs no comment",
            at(Step::Review),
            deputy(),
            review(Verdict::Fit, ""),
            Events(&["reviewed", "forwarded"]),
        ),
        case(
            "revise without a comment",
            at(Step::Review),
            deputy(),
            review(Verdict::Revise, ""),
            Refused(WorkflowError::CommentRequired {
                verdict: Verdict::Revise,
            }),
        ),
        case(
            "reject with a blank comment",
            at(Step::Review),
            deputy(),
            review(Verdict::Reject, "  \n"),
            Refused(WorkflowError::CommentRequired {
                verdict: Verdict::Reject,
            }),
        ),
        case(
            "revise with a comment",
            at(Step::Review),
            deputy(),
            review(Verdict::Revise, "perbaiki judul"),
            Events(&["reviewed", "returned_for_revision"]),
        ),
        case(
            "reject with a comment",
            at(Step::Review),
            deputy(),
            review(Verdict::Reject, "tidak layak"),
            Events(&["reviewed", "rejected"]),
        ),
        case(
            "a comment over the limit",
            at(Step::Review),
            deputy(),
            review(Verdict::Fit, &long(MAX_REASON_CHARS + 1)),
            Refused(WorkflowError::TextTooLong {
                field: "comment",
                max: MAX_REASON_CHARS,
            }),
        ),
        case(
            "review at step 3",
            at(Step::Verification),
            pkih(),
            review(Verdict::Fit, ""),
            Refused(WorkflowError::NotAtStep {
                expected: Step::Review,
                actual: Status::InStep(Step::Verification),
            }),
        ),
        case(
            "staff review",
            at(Step::Review),
            staff(),
            review(Verdict::Fit, ""),
            Refused(WorkflowError::ActorLacksRole {
                step: Step::Review,
                role: Role::HumasDeputy,
            }),
        ),
        case(
            "another deputy reviews a named deputy's step",
            held_by(at(Step::Review), DEPUTY),
            deputy_2(),
            review(Verdict::Fit, ""),
            Refused(WorkflowError::NotTheHolder { step: Step::Review }),
        ),
        case(
            "the deputy revises the content at step 4",
            at(Step::Review),
            deputy(),
            Command::ReviseContent,
            Events(&["content_revised"]),
        ),
        case(
            "the requester revises a returned request",
            returned_from(Step::Review),
            requester(),
            Command::ReviseContent,
            Events(&["content_revised"]),
        ),
        case(
            "the deputy revises a returned request",
            returned_from(Step::Review),
            deputy(),
            Command::ReviseContent,
            Refused(WorkflowError::NotTheRequester),
        ),
        case(
            "the requester revises at step 2",
            at(Step::Instruction),
            requester(),
            Command::ReviseContent,
            Refused(WorkflowError::NotAtStep {
                expected: Step::Review,
                actual: Status::InStep(Step::Instruction),
            }),
        ),
        case(
            "the requester revises at step 4",
            at(Step::Review),
            requester(),
            Command::ReviseContent,
            Refused(WorkflowError::ActorLacksRole {
                step: Step::Review,
                role: Role::HumasDeputy,
            }),
        ),
    ]);
}

#[test]
fn publishing_to_the_channels() {
    use PublicationStatus as P;
    run_table(vec![
        case(
            "staff publish",
            at(Step::Publication),
            staff(),
            publish(),
            Events(&["publication_queued"]),
        ),
        case(
            "staff publish with everything queued",
            queued(),
            staff(),
            publish(),
            Refused(WorkflowError::NothingToPublish),
        ),
        case(
            "staff publish again after a failure",
            publishing(P::Sent, P::Failed),
            staff(),
            publish(),
            Events(&["publication_queued"]),
        ),
        case(
            "staff publish at step 5",
            at(Step::Assignment),
            staff(),
            publish(),
            Refused(WorkflowError::NotAtStep {
                expected: Step::Publication,
                actual: Status::InStep(Step::Assignment),
            }),
        ),
        case(
            "the deputy publishes",
            at(Step::Publication),
            deputy(),
            publish(),
            Refused(WorkflowError::ActorLacksRole {
                step: Step::Publication,
                role: Role::Staff,
            }),
        ),
        case(
            "one of two channels sent",
            queued(),
            Actor::Worker,
            record(A, DeliveryOutcome::Sent),
            Events(&["delivery_recorded"]),
        ),
        case(
            "the last channel sent",
            publishing(P::Sent, P::Sending),
            Actor::Worker,
            record(B, DeliveryOutcome::Sent),
            Events(&["delivery_recorded", "publication_completed"]),
        ),
        case(
            "a channel sent twice",
            publishing(P::Sent, P::Queued),
            Actor::Worker,
            record(A, DeliveryOutcome::Sent),
            Refused(WorkflowError::NotAwaitingDelivery {
                channel: A,
                status: P::Sent,
            }),
        ),
        case(
            "a delivery before anything is queued",
            at(Step::Publication),
            Actor::Worker,
            record(A, DeliveryOutcome::Sent),
            Refused(WorkflowError::NotAwaitingDelivery {
                channel: A,
                status: P::Pending,
            }),
        ),
        case(
            "a delivery on a channel not chosen",
            queued(),
            Actor::Worker,
            record(999, DeliveryOutcome::Sent),
            Refused(WorkflowError::UnknownChannel { channel: 999 }),
        ),
        case(
            "staff record a failure",
            queued(),
            staff(),
            record(A, DeliveryOutcome::Failed),
            Events(&["delivery_recorded"]),
        ),
        case(
            "the worker records an uncertain outcome",
            queued(),
            Actor::Worker,
            record(A, DeliveryOutcome::Uncertain),
            Events(&["delivery_recorded"]),
        ),
        case(
            "other staff record on a named holder's step",
            held_by(queued(), STAFF),
            staff_2(),
            record(A, DeliveryOutcome::Sent),
            Refused(WorkflowError::NotTheHolder {
                step: Step::Publication,
            }),
        ),
        case(
            "the worker records at step 5",
            at(Step::Assignment),
            Actor::Worker,
            record(A, DeliveryOutcome::Sent),
            Refused(WorkflowError::NotAtStep {
                expected: Step::Publication,
                actual: Status::InStep(Step::Assignment),
            }),
        ),
        case(
            "an uncertain post was posted after all, completing",
            publishing(P::Uncertain, P::Sent),
            staff(),
            resolve(A, true),
            Events(&["uncertain_resolved", "publication_completed"]),
        ),
        case(
            "an uncertain post was posted after all, others pending",
            publishing(P::Uncertain, P::Queued),
            staff(),
            resolve(A, true),
            Events(&["uncertain_resolved"]),
        ),
        case(
            "an uncertain post is sent again",
            publishing(P::Uncertain, P::Sent),
            staff(),
            resolve(A, false),
            Events(&["uncertain_resolved"]),
        ),
        case(
            "resolve a post that is not uncertain",
            queued(),
            staff(),
            resolve(A, true),
            Refused(WorkflowError::NotUncertain {
                channel: A,
                status: P::Queued,
            }),
        ),
        case(
            "resolve a channel not chosen",
            queued(),
            staff(),
            resolve(999, true),
            Refused(WorkflowError::UnknownChannel { channel: 999 }),
        ),
        case(
            "the worker resolves",
            publishing(P::Uncertain, P::Sent),
            Actor::Worker,
            resolve(A, true),
            Refused(WorkflowError::WorkerMayOnlyRecordDelivery),
        ),
    ]);
}

#[test]
fn archiving() {
    run_table(vec![
        case(
            "staff archive",
            at(Step::Archiving),
            staff(),
            archive("HM.01.02", 5),
            Events(&["archived"]),
        ),
        case(
            "the shortest retention",
            at(Step::Archiving),
            staff(),
            archive("HM", 1),
            Events(&["archived"]),
        ),
        case(
            "the longest retention",
            at(Step::Archiving),
            staff(),
            archive(&"K".repeat(MAX_CLASSIFICATION_CODE_CHARS), 100),
            Events(&["archived"]),
        ),
        case(
            "a blank classification code",
            at(Step::Archiving),
            staff(),
            archive("   ", 5),
            Refused(WorkflowError::ClassificationCodeRequired),
        ),
        case(
            "a classification code over the limit",
            at(Step::Archiving),
            staff(),
            archive(&"K".repeat(MAX_CLASSIFICATION_CODE_CHARS + 1), 5),
            Refused(WorkflowError::TextTooLong {
                field: "classification_code",
                max: MAX_CLASSIFICATION_CODE_CHARS,
            }),
        ),
        case(
            "no retention",
            at(Step::Archiving),
            staff(),
            archive("HM", 0),
            Refused(WorkflowError::RetentionOutOfRange { years: 0 }),
        ),
        case(
            "retention over a century",
            at(Step::Archiving),
            staff(),
            archive("HM", 101),
            Refused(WorkflowError::RetentionOutOfRange { years: 101 }),
        ),
        case(
            "archive during publication",
            queued(),
            staff(),
            archive("HM", 5),
            Refused(WorkflowError::NotAtStep {
                expected: Step::Archiving,
                actual: Status::InStep(Step::Publication),
            }),
        ),
        case(
            "the deputy archives",
            at(Step::Archiving),
            deputy(),
            archive("HM", 5),
            Refused(WorkflowError::ActorLacksRole {
                step: Step::Archiving,
                role: Role::Staff,
            }),
        ),
    ]);
}

#[test]
fn returning_resubmitting_and_rejecting() {
    let mut cases = Vec::new();
    for step in [
        Step::Disposition,
        Step::Instruction,
        Step::Verification,
        Step::Review,
        Step::Assignment,
    ] {
        cases.push(case(
            format!("step {} returns", step.number()),
            at(step),
            holder_of(step),
            return_for_revision("lengkapi"),
            Events(&["returned_for_revision"]),
        ));
        cases.push(case(
            format!("step {} rejects", step.number()),
            at(step),
            holder_of(step),
            reject("tidak sesuai"),
            Events(&["rejected"]),
        ));
        cases.push(case(
            format!("the requester resubmits to step {}", step.number()),
            returned_from(step),
            requester(),
            Command::Resubmit,
            Events(&["resubmitted"]),
        ));
    }
    for step in [Step::Publication, Step::Archiving] {
        cases.push(case(
            format!("step {} returns", step.number()),
            at(step),
            staff(),
            return_for_revision("lengkapi"),
            Refused(WorkflowError::CannotReturnAtStep { step }),
        ));
        cases.push(case(
            format!("step {} rejects", step.number()),
            at(step),
            staff(),
            reject("tidak sesuai"),
            Refused(WorkflowError::CannotRejectAtStep { step }),
        ));
    }
    cases.extend([
        case(
            "return without a reason",
            at(Step::Instruction),
            bureau_head(),
            return_for_revision(" "),
            Refused(WorkflowError::ReasonRequired),
        ),
        case(
            "return with a reason over the limit",
            at(Step::Instruction),
            bureau_head(),
            return_for_revision(&long(MAX_REASON_CHARS + 1)),
            Refused(WorkflowError::TextTooLong {
                field: "reason",
                max: MAX_REASON_CHARS,
            }),
        ),
        case(
            "return a returned request",
            returned_from(Step::Instruction),
            bureau_head(),
            return_for_revision("lagi"),
            Refused(WorkflowError::RequestIsReturned),
        ),
        case(
            "someone else returns",
            at(Step::Instruction),
            pkih(),
            return_for_revision("lengkapi"),
            Refused(WorkflowError::ActorLacksRole {
                step: Step::Instruction,
                role: Role::BureauHead,
            }),
        ),
        case(
            "another requester resubmits",
            returned_from(Step::Review),
            other_requester(),
            Command::Resubmit,
            Refused(WorkflowError::NotTheRequester),
        ),
        case(
            "the official who returned it resubmits",
            returned_from(Step::Review),
            deputy(),
            Command::Resubmit,
            Refused(WorkflowError::NotTheRequester),
        ),
        case(
            "resubmit a request that was not returned",
            at(Step::Disposition),
            requester(),
            Command::Resubmit,
            Refused(WorkflowError::NotReturned {
                actual: Status::InStep(Step::Disposition),
            }),
        ),
        case(
            "reject without a reason",
            at(Step::Disposition),
            vice_rector(),
            reject(""),
            Refused(WorkflowError::ReasonRequired),
        ),
        case(
            "reject with a reason over the limit",
            at(Step::Disposition),
            vice_rector(),
            reject(&long(MAX_REASON_CHARS + 1)),
            Refused(WorkflowError::TextTooLong {
                field: "reason",
                max: MAX_REASON_CHARS,
            }),
        ),
        case(
            "a reason at the limit",
            at(Step::Disposition),
            vice_rector(),
            reject(&long(MAX_REASON_CHARS)),
            Events(&["rejected"]),
        ),
        case(
            "the requester rejects",
            at(Step::Disposition),
            requester(),
            reject("batal"),
            Refused(WorkflowError::ActorLacksRole {
                step: Step::Disposition,
                role: Role::ViceRector,
            }),
        ),
        case(
            "reject a returned request",
            returned_from(Step::Disposition),
            vice_rector(),
            reject("tidak sesuai"),
            Refused(WorkflowError::RequestIsReturned),
        ),
    ]);
    run_table(cases);
}

#[test]
fn withdrawing() {
    use PublicationStatus as P;
    let mut cases = Vec::new();
    for step in [
        Step::Disposition,
        Step::Instruction,
        Step::Verification,
        Step::Review,
        Step::Assignment,
        Step::Publication,
    ] {
        cases.push(case(
            format!("withdraw at step {}", step.number()),
            at(step),
            requester(),
            withdraw(),
            Events(&["withdrawn"]),
        ));
    }
    for (a, b) in [
        (P::Queued, P::Pending),
        (P::Sending, P::Pending),
        (P::Sent, P::Failed),
        (P::Uncertain, P::Pending),
    ] {
        cases.push(case(
            format!("withdraw with channels {a} and {b}"),
            publishing(a, b),
            requester(),
            withdraw(),
            Refused(WorkflowError::WithdrawalTooLate),
        ));
    }
    cases.extend([
        case(
            "withdraw after every channel failed",
            publishing(P::Failed, P::Failed),
            requester(),
            withdraw(),
            Events(&["withdrawn"]),
        ),
        case(
            "withdraw a returned request",
            returned_from(Step::Review),
            requester(),
            Command::Withdraw {
                reason: Some("acara batal".into()),
            },
            Events(&["withdrawn"]),
        ),
        case(
            "withdraw at step 7",
            at(Step::Archiving),
            requester(),
            withdraw(),
            Refused(WorkflowError::WithdrawalTooLate),
        ),
        case(
            "someone else withdraws",
            at(Step::Disposition),
            other_requester(),
            withdraw(),
            Refused(WorkflowError::NotTheRequester),
        ),
        case(
            "the holder withdraws",
            at(Step::Disposition),
            vice_rector(),
            withdraw(),
            Refused(WorkflowError::NotTheRequester),
        ),
        case(
            "withdraw with a reason over the limit",
            at(Step::Disposition),
            requester(),
            Command::Withdraw {
                reason: Some(long(MAX_REASON_CHARS + 1)),
            },
            Refused(WorkflowError::TextTooLong {
                field: "reason",
                max: MAX_REASON_CHARS,
            }),
        ),
    ]);
    run_table(cases);
}

#[test]
fn reassigning() {
    run_table(vec![
        case(
            "a holder of the role hands an unnamed step over",
            at(Step::Disposition),
            vice_rector(),
            reassign(VICE_RECTOR_2, &[Role::ViceRector]),
            Events(&["reassigned"]),
        ),
        case(
            "the named holder hands the step over",
            held_by(at(Step::Verification), PKIH),
            pkih(),
            reassign(PKIH_2, &[Role::PkihCoordinator]),
            Events(&["reassigned"]),
        ),
        case(
            "an admin hands a step over",
            held_by(at(Step::Verification), PKIH),
            admin(),
            reassign(PKIH_2, &[Role::PkihCoordinator]),
            Events(&["reassigned"]),
        ),
        case(
            "someone else with the role takes a named step",
            held_by(at(Step::Verification), PKIH),
            pkih_2(),
            reassign(PKIH_2, &[Role::PkihCoordinator]),
            Refused(WorkflowError::NotTheHolder {
                step: Step::Verification,
            }),
        ),
        case(
            "the requester reassigns",
            at(Step::Disposition),
            requester(),
            reassign(VICE_RECTOR_2, &[Role::ViceRector]),
            Refused(WorkflowError::ActorLacksRole {
                step: Step::Disposition,
                role: Role::ViceRector,
            }),
        ),
        case(
            "hand a step to someone without its role",
            at(Step::Publication),
            admin(),
            reassign(DEPUTY, &[Role::HumasDeputy, Role::Admin]),
            Refused(WorkflowError::AssigneeLacksRole { role: Role::Staff }),
        ),
        case(
            "hand a step to its holder",
            held_by(at(Step::Publication), STAFF),
            admin(),
            reassign(STAFF, &[Role::Staff]),
            Refused(WorkflowError::AlreadyHeldBy { user: STAFF }),
        ),
        case(
            "reassign a returned request",
            returned_from(Step::Review),
            admin(),
            reassign(DEPUTY_2, &[Role::HumasDeputy]),
            Refused(WorkflowError::RequestIsReturned),
        ),
        case(
            "reassign step 7",
            at(Step::Archiving),
            staff(),
            reassign(STAFF_2, &[Role::Staff]),
            Events(&["reassigned"]),
        ),
    ]);
}

/// The holder of the request at each step of the happy path, and the final state.
#[test]
fn the_happy_path_from_submission_to_archive() {
    let mut log = vec![Event::Submitted {
        requester: REQUESTER,
    }];
    let mut state = replay(&log).expect("starts with Submitted");
    assert_eq!(state, RequestState::submitted(REQUESTER));
    assert_eq!(
        state.holder,
        Some(Holder {
            role: Role::ViceRector,
            user: None
        })
    );

    let mut act = |state: &RequestState, actor: Actor, command: Command| -> RequestState {
        let transition = transition(state, &actor, &command).expect("the happy path is allowed");
        log.extend(transition.events);
        transition.state
    };

    let note = DispositionNote {
        instruction: Some(Instruction::TindakLanjuti),
        instruction_text: Some("Mohon segera ditindaklanjuti".into()),
        priority: Priority::Segera,
        due_at: None,
        note: None,
    };
    state = act(
        &state,
        vice_rector(),
        Command::Forward {
            to_user: Some(BUREAU_HEAD),
            note: note.clone(),
            channels: None,
            checklist: None,
        },
    );
    assert_eq!(state.status, Status::InStep(Step::Instruction));
    assert_eq!(
        state.holder,
        Some(Holder {
            role: Role::BureauHead,
            user: Some(BUREAU_HEAD)
        })
    );

    state = act(&state, bureau_head(), forward_with_channels(&[A, B]));
    assert_eq!(state.status, Status::InStep(Step::Verification));
    assert_eq!(
        state.holder,
        Some(Holder {
            role: Role::PkihCoordinator,
            user: None
        })
    );
    assert_eq!(state.channels, [A, B].into());
    assert_eq!(
        state.publication_status(A),
        Some(PublicationStatus::Pending)
    );

    state = act(&state, pkih(), forward_with_checklist(Checklist::COMPLETE));
    assert_eq!(state.status, Status::InStep(Step::Review));
    assert_eq!(state.checklist, Some(Checklist::COMPLETE));

    state = act(&state, deputy(), review(Verdict::Fit, "layak"));
    assert_eq!(state.status, Status::InStep(Step::Assignment));
    assert_eq!(
        state.holder,
        Some(Holder {
            role: Role::HumasDeputy,
            user: Some(DEPUTY)
        }),
        "the deputy who found it fit keeps it for step 5"
    );

    state = act(&state, deputy(), forward_to(STAFF));
    assert_eq!(state.status, Status::InStep(Step::Publication));
    assert_eq!(
        state.holder,
        Some(Holder {
            role: Role::Staff,
            user: Some(STAFF)
        })
    );

    state = act(&state, staff(), publish());
    assert_eq!(state.publication_status(A), Some(PublicationStatus::Queued));
    assert_eq!(state.publication_status(B), Some(PublicationStatus::Queued));
    state = act(&state, Actor::Worker, record(A, DeliveryOutcome::Sent));
    assert_eq!(state.status, Status::InStep(Step::Publication));
    state = act(&state, Actor::Worker, record(B, DeliveryOutcome::Sent));
    assert_eq!(state.status, Status::InStep(Step::Archiving));
    assert_eq!(
        state.holder,
        Some(Holder {
            role: Role::Staff,
            user: Some(STAFF)
        }),
        "the staff member who published archives"
    );

    state = act(&state, staff(), archive(" HM.01.02 ", 10));
    assert_eq!(state.status, Status::Archived);
    assert_eq!(state.holder, None);
    assert!(state.all_channels_sent());
    assert_eq!(state.invariant_violation(), None);

    let kinds: Vec<_> = log.iter().map(Event::kind).collect();
    assert_eq!(
        kinds,
        [
            "submitted",
            "forwarded",
            "channels_chosen",
            "forwarded",
            "details_verified",
            "forwarded",
            "reviewed",
            "forwarded",
            "forwarded",
            "publication_queued",
            "delivery_recorded",
            "delivery_recorded",
            "publication_completed",
            "archived",
        ]
    );
    assert_eq!(
        log[1],
        Event::Forwarded {
            from: Step::Disposition,
            to: Holder {
                role: Role::BureauHead,
                user: Some(BUREAU_HEAD)
            },
            note,
        }
    );
    assert_eq!(
        log.last(),
        Some(&Event::Archived {
            classification_code: "HM.01.02".into(),
            retention_years: 10,
            access_class: AccessClass::Public,
        })
    );
    assert_eq!(replay(&log), Some(state));
}

#[test]
fn a_narrative_sent_back_for_revision_returns_to_its_step() {
    let state = at(Step::Review);
    let events = decide(
        &state,
        &deputy(),
        &review(Verdict::Revise, "perbaiki judul"),
    )
    .expect("revise is allowed");
    assert_eq!(
        events,
        [
            Event::Reviewed {
                verdict: Verdict::Revise,
                comment: "perbaiki judul".into()
            },
            Event::ReturnedForRevision {
                from: Step::Review,
                reason: "perbaiki judul".into()
            },
        ]
    );
    let state = events.iter().fold(state, evolve);
    assert_eq!(state.status, Status::Returned);
    assert_eq!(state.returned_from, Some(Step::Review));
    assert_eq!(state.holder, None);

    let state = run(&state, &requester(), &Command::ReviseContent);
    assert_eq!(state.content_version, 2);
    let events = decide(&state, &requester(), &Command::Resubmit).expect("resubmit is allowed");
    assert_eq!(
        events,
        [Event::Resubmitted {
            to: Holder {
                role: Role::HumasDeputy,
                user: None
            }
        }]
    );
    let state = events.iter().fold(state, evolve);
    assert_eq!(state.status, Status::InStep(Step::Review));
    assert_eq!(state.returned_from, None);
    // Channels and checklist from before the return still stand.
    assert_eq!(state.channels, [A, B].into());
    assert!(state.checklist.is_some_and(|c| c.is_complete()));

    // The deputy edits once more and finds it fit; the rest of the path is unchanged.
    let state = run(&state, &deputy_2(), &Command::ReviseContent);
    assert_eq!(state.content_version, 3);
    let state = run(&state, &deputy_2(), &review(Verdict::Fit, ""));
    assert_eq!(state.status, Status::InStep(Step::Assignment));
    assert_eq!(state.holder.and_then(|h| h.user), Some(DEPUTY_2));
}

#[test]
fn a_return_at_step_two_lets_the_channels_be_chosen_again() {
    let state = returned_from(Step::Instruction);
    let state = run(&state, &requester(), &Command::Resubmit);
    assert_eq!(state.status, Status::InStep(Step::Instruction));
    let state = run(&state, &bureau_head(), &forward_with_channels(&[B]));
    assert_eq!(state.channels, [B].into());
    assert_eq!(state.publications, [(B, PublicationStatus::Pending)].into());
}

#[test]
fn rejection_closes_the_request() {
    let state = at(Step::Review);
    let events = decide(
        &state,
        &deputy(),
        &review(Verdict::Reject, "bukan informasi publik"),
    )
    .expect("reject is allowed");
    assert_eq!(
        events[1],
        Event::Rejected {
            at: Status::InStep(Step::Review),
            reason: "bukan informasi publik".into()
        }
    );
    let state = events.iter().fold(state, evolve);
    assert_eq!(state.status, Status::Rejected);
    assert_eq!(state.holder, None);

    let state = run(&at(Step::Verification), &pkih(), &reject("duplikat"));
    assert_eq!(state.status, Status::Rejected);
    for (actor, command) in [
        (requester(), Command::Resubmit),
        (requester(), withdraw()),
        (pkih(), forward_with_checklist(Checklist::COMPLETE)),
        (admin(), reassign(PKIH_2, &[Role::PkihCoordinator])),
    ] {
        assert_eq!(
            decide(&state, &actor, &command),
            Err(WorkflowError::RequestClosed {
                status: Status::Rejected
            })
        );
    }
}

#[test]
fn withdrawal_closes_the_request() {
    let state = returned_from(Step::Verification);
    let state = run(
        &state,
        &requester(),
        &Command::Withdraw {
            reason: Some("acara dibatalkan".into()),
        },
    );
    assert_eq!(state.status, Status::Withdrawn);
    assert_eq!(state.holder, None);
    assert_eq!(state.returned_from, None);
    assert_eq!(
        decide(&state, &requester(), &Command::ReviseContent),
        Err(WorkflowError::RequestClosed {
            status: Status::Withdrawn
        })
    );
}

#[test]
fn reassignment_moves_the_right_to_act() {
    let state = run(&at(Step::Disposition), &vice_rector(), &forward());
    let state = run(&state, &bureau_head(), &forward_with_channels(&[A]));
    let state = held_by(state, PKIH);
    let events = decide(
        &state,
        &admin(),
        &reassign(PKIH_2, &[Role::PkihCoordinator, Role::Staff]),
    )
    .expect("an admin may reassign");
    assert_eq!(
        events,
        [Event::Reassigned {
            step: Step::Verification,
            from: Some(PKIH),
            to: PKIH_2
        }]
    );
    let state = events.iter().fold(state, evolve);
    assert_eq!(
        state.holder,
        Some(Holder {
            role: Role::PkihCoordinator,
            user: Some(PKIH_2)
        })
    );
    assert!(!state.holder_may_act(&pkih()));
    assert!(state.holder_may_act(&pkih_2()));
    assert_eq!(
        decide(
            &state,
            &pkih(),
            &forward_with_checklist(Checklist::COMPLETE)
        ),
        Err(WorkflowError::NotTheHolder {
            step: Step::Verification
        })
    );
    let state = run(
        &state,
        &pkih_2(),
        &forward_with_checklist(Checklist::COMPLETE),
    );
    assert_eq!(state.status, Status::InStep(Step::Review));
}

#[test]
fn failed_and_uncertain_posts_are_resent_only_when_staff_say_so() {
    let state = queued();
    let state = run(&state, &Actor::Worker, &record(A, DeliveryOutcome::Sent));
    let state = run(&state, &Actor::Worker, &record(B, DeliveryOutcome::Failed));
    assert_eq!(state.publication_status(B), Some(PublicationStatus::Failed));
    assert_eq!(
        decide(&state, &requester(), &withdraw()),
        Err(WorkflowError::WithdrawalTooLate)
    );

    let events =
        decide(&state, &staff(), &publish()).expect("a failed channel can be queued again");
    assert_eq!(
        events,
        [Event::PublicationQueued {
            channels: [B].into(),
            schedule_at: None
        }],
        "only the failed channel is queued again"
    );
    let state = events.iter().fold(state, evolve);
    let state = run(
        &state,
        &Actor::Worker,
        &record(B, DeliveryOutcome::Uncertain),
    );
    assert_eq!(
        decide(&state, &Actor::Worker, &record(B, DeliveryOutcome::Sent)),
        Err(WorkflowError::NotAwaitingDelivery {
            channel: B,
            status: PublicationStatus::Uncertain
        }),
        "an uncertain post is never silently resent"
    );
    assert_eq!(
        decide(&state, &staff(), &publish()),
        Err(WorkflowError::NothingToPublish)
    );
    let state = run(&state, &staff(), &resolve(B, false));
    assert_eq!(state.publication_status(B), Some(PublicationStatus::Queued));
    let state = run(&state, &Actor::Worker, &record(B, DeliveryOutcome::Sent));
    assert_eq!(state.status, Status::InStep(Step::Archiving));
}

#[test]
fn errors_map_to_forbidden_or_invalid_transition() {
    use WorkflowErrorKind::{Forbidden, InvalidTransition};
    for (error, kind) in [
        (WorkflowError::NotTheRequester, Forbidden),
        (
            WorkflowError::NotTheHolder { step: Step::Review },
            Forbidden,
        ),
        (
            WorkflowError::ActorLacksRole {
                step: Step::Review,
                role: Role::HumasDeputy,
            },
            Forbidden,
        ),
        (WorkflowError::WorkerMayOnlyRecordDelivery, Forbidden),
        (WorkflowError::SystemMayNotAct, Forbidden),
        (
            WorkflowError::RequestClosed {
                status: Status::Archived,
            },
            InvalidTransition,
        ),
        (WorkflowError::ChecklistIncomplete, InvalidTransition),
        (
            WorkflowError::AssigneeLacksRole { role: Role::Staff },
            InvalidTransition,
        ),
    ] {
        assert_eq!(error.code(), kind, "{error:?}");
    }
    assert_eq!(
        WorkflowError::ChecklistIncomplete.rule(),
        "ChecklistIncomplete"
    );
    assert_eq!(
        WorkflowError::NotAtStep {
            expected: Step::Review,
            actual: Status::Returned
        }
        .to_string(),
        "this can only be done at step 4 (review); the request is at returned"
    );
    assert_eq!(
        WorkflowError::CannotForwardAtStep { step: Step::Review }.to_string(),
        "step 4 (review) cannot be forwarded; give a review verdict instead"
    );
}

#[test]
fn vocabulary_spellings_round_trip() {
    fn check<T>(all: &[T])
    where
        T: Copy + fmt::Debug + PartialEq + fmt::Display + FromStr + Serialize,
        T::Err: fmt::Debug,
    {
        for value in all {
            let text = value.to_string();
            assert_eq!(text.parse::<T>().ok(), Some(*value), "{text}");
            assert_eq!(
                serde_json::to_value(value).ok(),
                Some(serde_json::Value::String(text.clone())),
                "serde spells {value:?} as its stored string"
            );
        }
    }
    check(&Role::ALL);
    check(&Step::ALL);
    check(&Status::ALL);
    check(&Priority::ALL);
    check(&Instruction::ALL);
    check(&Verdict::ALL);
    check(&PublicationStatus::ALL);
    check(&DeliveryOutcome::ALL);

    let role_strings: Vec<_> = Role::ALL.iter().map(Role::as_str).collect();
    assert_eq!(
        role_strings,
        [
            "requester",
            "vice_rector",
            "bureau_head",
            "pkih_coordinator",
            "humas_deputy",
            "staff",
            "admin"
        ]
    );
    assert_eq!(
        "kepala".parse::<Role>(),
        Err(UnknownValue {
            kind: "role",
            value: "kepala".into()
        })
    );
    assert_eq!(Priority::default(), Priority::Biasa);
    assert_eq!(Priority::SangatSegera.as_str(), "sangat_segera");
    assert_eq!(Instruction::SiapkanPublikasi.as_str(), "siapkan_publikasi");
    assert_eq!("returned".parse::<Status>(), Ok(Status::Returned));
    assert_eq!(
        "publication".parse::<Status>(),
        Ok(Status::InStep(Step::Publication))
    );
    assert!("sending".parse::<Status>().is_err());
}

#[test]
fn steps_follow_the_sop() {
    let table: Vec<_> = Step::ALL
        .iter()
        .map(|s| {
            (
                s.number(),
                s.holder_role(),
                s.default_sla_minutes(),
                s.next(),
            )
        })
        .collect();
    assert_eq!(
        table,
        [
            (1, Role::ViceRector, 1440, Some(Step::Instruction)),
            (2, Role::BureauHead, 120, Some(Step::Verification)),
            (3, Role::PkihCoordinator, 60, Some(Step::Review)),
            (4, Role::HumasDeputy, 10, Some(Step::Assignment)),
            (5, Role::HumasDeputy, 5, Some(Step::Publication)),
            (6, Role::Staff, 5, Some(Step::Archiving)),
            (7, Role::Staff, 5, None),
        ]
    );
    for step in Step::ALL {
        assert_eq!(Step::from_number(step.number()), Some(step));
    }
    assert_eq!(Step::from_number(0), None);
    assert_eq!(Step::from_number(8), None);
    assert!(Status::Archived.is_terminal() && Status::Rejected.is_terminal());
    assert!(Status::Withdrawn.is_terminal());
    assert!(!Status::Returned.is_terminal());
    assert!(!Status::InStep(Step::Archiving).is_terminal());
    assert_eq!(Status::InStep(Step::Review).step(), Some(Step::Review));
    assert_eq!(Status::Returned.step(), None);
    assert!(Checklist::COMPLETE.is_complete());
    assert!(!Checklist::default().is_complete());
}

#[test]
fn events_serialize_with_their_kind_as_tag() {
    let events = vec![
        Event::Submitted {
            requester: REQUESTER,
        },
        Event::Forwarded {
            from: Step::Disposition,
            to: Holder {
                role: Role::BureauHead,
                user: Some(BUREAU_HEAD),
            },
            note: DispositionNote {
                instruction: Some(Instruction::UntukDiketahui),
                instruction_text: Some("harap diketahui".into()),
                priority: Priority::SangatSegera,
                due_at: chrono::DateTime::from_timestamp(1_735_700_000, 0),
                note: Some("catatan".into()),
            },
        },
        Event::ChannelsChosen {
            channels: [A, B].into(),
        },
        Event::DetailsVerified {
            checklist: Checklist::COMPLETE,
        },
        Event::Reviewed {
            verdict: Verdict::Fit,
            comment: String::new(),
        },
        Event::ContentRevised { version: 2 },
        Event::PublicationQueued {
            channels: [A].into(),
            schedule_at: chrono::DateTime::from_timestamp(1_735_800_000, 0),
        },
        Event::DeliveryRecorded {
            channel: A,
            outcome: DeliveryOutcome::Uncertain,
        },
        Event::UncertainResolved {
            channel: A,
            posted: true,
        },
        Event::PublicationCompleted,
        Event::Archived {
            classification_code: "HM.01".into(),
            retention_years: 5,
            access_class: AccessClass::Restricted,
        },
        Event::ReturnedForRevision {
            from: Step::Review,
            reason: "perbaiki".into(),
        },
        Event::Resubmitted {
            to: Holder {
                role: Role::HumasDeputy,
                user: None,
            },
        },
        Event::Rejected {
            at: Status::InStep(Step::Review),
            reason: "tidak layak".into(),
        },
        Event::Withdrawn { reason: None },
        Event::Reassigned {
            step: Step::Publication,
            from: None,
            to: STAFF_2,
        },
    ];
    for event in &events {
        let json = serde_json::to_value(event).expect("events serialize");
        assert_eq!(json["type"], event.kind());
        let back: Event = serde_json::from_value(json).expect("events deserialize");
        assert_eq!(&back, event);
    }
    assert_eq!(
        serde_json::to_value(&events[1]).expect("serializes"),
        serde_json::json!({
            "type": "forwarded",
            "from": "disposition",
            "to": { "role": "bureau_head", "user": BUREAU_HEAD },
            "note": {
                "instruction": "untuk_diketahui",
                "instruction_text": "harap diketahui",
                "priority": "sangat_segera",
                "due_at": "2025-01-01T02:53:20Z",
                "note": "catatan"
            }
        })
    );
    assert_eq!(
        serde_json::to_value(&events[13]).expect("serializes"),
        serde_json::json!({ "type": "rejected", "at": "review", "reason": "tidak layak" })
    );
    // A note with only some fields still reads.
    let note: DispositionNote =
        serde_json::from_str(r#"{"priority":"segera"}"#).expect("partial notes deserialize");
    assert_eq!(note.priority, Priority::Segera);
}

#[test]
fn replay_needs_a_submission_first() {
    assert_eq!(replay(&[]), None);
    assert_eq!(replay(&[Event::PublicationCompleted]), None);
    assert_eq!(
        replay(&[Event::Submitted { requester: 42 }]),
        Some(RequestState::submitted(42))
    );
}

#[test]
fn evolve_ignores_events_that_do_not_fit() {
    // Replay must never fail, so a stray event changes as little as it can.
    let state = at(Step::Disposition);
    assert_eq!(
        evolve(
            state.clone(),
            &Event::Forwarded {
                from: Step::Archiving,
                to: Holder {
                    role: Role::Staff,
                    user: None
                },
                note: DispositionNote::default()
            }
        ),
        state
    );
    assert_eq!(
        evolve(
            state.clone(),
            &Event::Resubmitted {
                to: Holder {
                    role: Role::Staff,
                    user: None
                }
            }
        ),
        state
    );
    assert_eq!(
        evolve(
            state.clone(),
            &Event::DeliveryRecorded {
                channel: 999,
                outcome: DeliveryOutcome::Sent
            }
        ),
        state
    );
}
