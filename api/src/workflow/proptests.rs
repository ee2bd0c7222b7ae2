//! Property tests: random actors issuing random commands from submission onwards never bring a
//! request into a state the rules forbid, and replaying the log always rebuilds the same state.

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use super::*;

const CHANNELS: [ChannelId; 3] = [100, 200, 300];
/// Stands for "one of the channels chosen so far", filled in when the command runs, so that
/// deliveries often name a channel that is actually awaiting one.
const A_CHOSEN_CHANNEL: ChannelId = 0;
const REQUESTER: UserId = 1;

/// The people in the office: several per role, one who holds every step's role, and outsiders.
static POOL: LazyLock<Vec<Actor>> = LazyLock::new(|| {
    use Role::*;
    let people: [(UserId, &[Role]); 12] = [
        (REQUESTER, &[Requester]),
        (2, &[ViceRector]),
        (3, &[BureauHead]),
        (4, &[PkihCoordinator]),
        (5, &[HumasDeputy]),
        (6, &[HumasDeputy]),
        (7, &[Staff]),
        (8, &[Staff]),
        (9, &[Admin]),
        (
            10,
            &[ViceRector, BureauHead, PkihCoordinator, HumasDeputy, Staff],
        ),
        (11, &[Requester]),
        (12, &[PkihCoordinator, Admin]),
    ];
    people
        .into_iter()
        .map(|(id, roles)| Actor::user(id, roles.iter().copied()))
        .collect()
});

/// The roles of a person in the pool (none for a stranger).
fn roles_of(user: UserId) -> BTreeSet<Role> {
    POOL.iter()
        .find_map(|actor| match actor {
            Actor::User { id, roles } if *id == user => Some(roles.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Who issues a command: someone picked at random, or (so that sequences get somewhere) the
/// person the rules expect, looked up when the command runs.
#[derive(Debug, Clone)]
enum Who {
    Anyone(usize),
    Holder(usize),
    Requester,
    Worker,
    System,
}

fn resolve_actor(who: &Who, state: &RequestState) -> Actor {
    let person = |index: usize| POOL[index % POOL.len()].clone();
    match who {
        Who::Anyone(index) => person(*index),
        Who::Holder(index) => {
            let holders: Vec<&Actor> = POOL
                .iter()
                .filter(|actor| state.holder_may_act(actor))
                .collect();
            match holders.len() {
                0 => person(*index),
                len => holders[index % len].clone(),
            }
        }
        Who::Requester => person(0),
        Who::Worker => Actor::Worker,
        Who::System => Actor::System,
    }
}

fn arb_who() -> impl Strategy<Value = Who> {
    prop_oneof![
        4 => any::<usize>().prop_map(Who::Anyone),
        6 => any::<usize>().prop_map(Who::Holder),
        2 => Just(Who::Requester),
        2 => Just(Who::Worker),
        1 => Just(Who::System),
    ]
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        6 => Just("alasan yang jelas".to_owned()),
        1 => Just("x".repeat(MAX_REASON_CHARS + 1)),
    ]
}

fn arb_channel() -> impl Strategy<Value = ChannelId> + Clone {
    prop_oneof![
        8 => proptest::sample::select(CHANNELS.to_vec()),
        1 => Just(999),
    ]
}

/// A delivery's channel: mostly one actually chosen, sometimes any, sometimes none chosen at all.
fn arb_delivery_channel() -> impl Strategy<Value = ChannelId> {
    prop_oneof![
        6 => Just(A_CHOSEN_CHANNEL),
        2 => arb_channel(),
    ]
}

fn arb_user() -> impl Strategy<Value = UserId> + Clone {
    1i64..=12
}

fn arb_command() -> impl Strategy<Value = Command> {
    let checklist = prop_oneof![
        4 => Just(Checklist::COMPLETE),
        1 => any::<[bool; 5]>().prop_map(|b| Checklist {
            letter_attached: b[0],
            requester_identified: b[1],
            schedule_clear: b[2],
            contact_clear: b[3],
            media_suitable: b[4],
        }),
    ];
    // Most forwards carry what their step needs (nothing, channels, or a checklist), so that
    // scripts get down the chain; some carry a random mix, which the rules must refuse.
    let to_user = proptest::option::weighted(0.15, arb_user());
    let channels = proptest::collection::btree_set(arb_channel(), 0..=3);
    let forward = prop_oneof![
        4 => to_user.clone().prop_map(|to_user| (to_user, None, None, None)),
        3 => (to_user.clone(), channels.clone())
            .prop_map(|(to_user, channels)| (to_user, Some(channels), None, None)),
        3 => (to_user.clone(), checklist.clone())
            .prop_map(|(to_user, checklist)| (to_user, None, Some(checklist), None)),
        2 => (
            to_user,
            proptest::option::of(channels),
            proptest::option::of(checklist),
            proptest::option::of(Just("y".repeat(MAX_NOTE_CHARS + 1))),
        ),
    ]
    .prop_map(
        |(to_user, channels, checklist, long_note)| Command::Forward {
            to_user,
            note: DispositionNote {
                note: long_note,
                ..DispositionNote::default()
            },
            channels,
            checklist,
        },
    );
    let verdict = prop_oneof![
        6 => Just(Verdict::Fit),
        2 => Just(Verdict::Revise),
        1 => Just(Verdict::Reject),
    ];
    let outcome = prop_oneof![
        6 => Just(DeliveryOutcome::Sent),
        1 => Just(DeliveryOutcome::Failed),
        1 => Just(DeliveryOutcome::Uncertain),
    ];
    let code = prop_oneof![
        4 => Just("HM.01".to_owned()),
        1 => Just(" ".to_owned()),
        1 => Just("K".repeat(MAX_CLASSIFICATION_CODE_CHARS + 1)),
    ];
    let years = prop_oneof![4 => 1u16..=100, 1 => Just(0u16), 1 => 101u16..];
    prop_oneof![
        12 => forward,
        6 => (verdict, arb_text()).prop_map(|(verdict, comment)| Command::Review { verdict, comment }),
        2 => Just(Command::ReviseContent),
        6 => proptest::option::of(Just(DateTime::<Utc>::UNIX_EPOCH))
            .prop_map(|schedule_at| Command::Publish { schedule_at }),
        10 => (arb_delivery_channel(), outcome)
            .prop_map(|(channel, outcome)| Command::RecordDelivery { channel, outcome }),
        3 => (arb_delivery_channel(), any::<bool>())
            .prop_map(|(channel, posted)| Command::ResolveUncertain { channel, posted }),
        3 => (code, years, proptest::sample::select(AccessClass::ALL.to_vec())).prop_map(
            |(classification_code, retention_years, access_class)| Command::Archive {
                classification_code,
                retention_years,
                access_class,
            }
        ),
        1 => arb_text().prop_map(|reason| Command::ReturnForRevision { reason }),
        2 => Just(Command::Resubmit),
        1 => arb_text().prop_map(|reason| Command::Reject { reason }),
        1 => proptest::option::of(arb_text()).prop_map(|reason| Command::Withdraw { reason }),
        2 => (arb_user(), proptest::option::weighted(0.2, Just(BTreeSet::new())))
            .prop_map(|(to_user, no_roles)| Command::Reassign {
                to_user,
                to_user_roles: no_roles.unwrap_or_else(|| roles_of(to_user)),
            }),
    ]
}

/// What a script line asks for: a command as generated, or a forward shaped, when it runs, the
/// way the current step needs (channels at step 2, a complete checklist at step 3), so that
/// scripts often get down the whole chain.
#[derive(Debug, Clone)]
enum Intent {
    Exactly(Command),
    ForwardAsNeeded {
        to_user: Option<UserId>,
        channels: BTreeSet<ChannelId>,
    },
}

fn arb_intent() -> impl Strategy<Value = Intent> {
    let fitting_forward = (
        proptest::option::weighted(0.1, arb_user()),
        proptest::collection::btree_set(proptest::sample::select(CHANNELS.to_vec()), 1..=3),
    )
        .prop_map(|(to_user, channels)| Intent::ForwardAsNeeded { to_user, channels });
    prop_oneof![
        1 => fitting_forward,
        4 => arb_command().prop_map(Intent::Exactly),
    ]
}

/// One line of a script: who acts, what they ask for, and which chosen channel
/// `A_CHOSEN_CHANNEL` stands for.
type Line = (Who, Intent, usize);

fn arb_script() -> impl Strategy<Value = Vec<Line>> {
    proptest::collection::vec((arb_who(), arb_intent(), any::<usize>()), 0..250)
}

/// The actor and command a script line stands for in this state.
fn resolve((who, intent, pick): &Line, state: &RequestState) -> (Actor, Command) {
    let chosen: Vec<ChannelId> = state.channels.iter().copied().collect();
    let channel_for = |channel: ChannelId| match (channel, chosen.len()) {
        (A_CHOSEN_CHANNEL, len) if len > 0 => chosen[pick % len],
        _ => channel,
    };
    let step = state.step();
    let command = match intent.clone() {
        Intent::ForwardAsNeeded { to_user, channels } => Command::Forward {
            to_user,
            note: DispositionNote::default(),
            channels: (step == Some(Step::Instruction)).then_some(channels),
            checklist: (step == Some(Step::Verification)).then_some(Checklist::COMPLETE),
        },
        Intent::Exactly(command) => command,
    };
    let command = match command {
        Command::RecordDelivery { channel, outcome } => Command::RecordDelivery {
            channel: channel_for(channel),
            outcome,
        },
        Command::ResolveUncertain { channel, posted } => Command::ResolveUncertain {
            channel: channel_for(channel),
            posted,
        },
        other => other,
    };
    (resolve_actor(who, state), command)
}

/// Whether the actor was entitled to what succeeded: the holder, the requester for their own
/// commands, the worker for deliveries, or an admin reassigning.
fn entitled(state: &RequestState, actor: &Actor, command: &Command) -> bool {
    match command {
        Command::Resubmit | Command::Withdraw { .. } => state.is_requester(actor),
        Command::ReviseContent if state.status == Status::Returned => state.is_requester(actor),
        Command::RecordDelivery { .. } if *actor == Actor::Worker => true,
        Command::Reassign { .. } if actor.has_role(Role::Admin) => true,
        _ => state.holder_may_act(actor),
    }
}

/// Runs a script from submission, checking every step; returns the statuses it went through.
fn run_script(script: &[Line]) -> Result<Vec<Status>, TestCaseError> {
    let mut state = RequestState::submitted(REQUESTER);
    let mut log = vec![Event::Submitted {
        requester: REQUESTER,
    }];
    let mut seen = vec![state.status];
    for line in script {
        let (actor, command) = resolve(line, &state);
        let command = &command;
        let Ok(events) = decide(&state, &actor, command) else {
            continue;
        };
        prop_assert!(!events.is_empty(), "{command:?} succeeded with no event");
        prop_assert!(
            entitled(&state, &actor, command),
            "{actor:?} was not entitled to {command:?} at {:?}",
            state.status
        );
        for event in &events {
            let json =
                serde_json::to_string(event).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back: Event =
                serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&back, event);
        }
        let before = state.status;
        state = events.iter().fold(state, evolve);
        log.extend(events);
        if let Some(rule) = state.invariant_violation() {
            return Err(TestCaseError::fail(format!(
                "{command:?} by {actor:?} at {before:?} broke \"{rule}\": {state:?}"
            )));
        }
        prop_assert!(state.content_version >= 1);
        let replayed = replay(&log);
        prop_assert_eq!(replayed.as_ref(), Some(&state));
        seen.push(state.status);
    }
    Ok(seen)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_commands_keep_every_request_consistent(script in arb_script()) {
        run_script(&script)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_closed_request_refuses_everything(
        script in arb_script(),
        who in arb_who(),
        intent in arb_intent(),
        pick in any::<usize>(),
    ) {
        let mut state = RequestState::submitted(REQUESTER);
        for line in &script {
            let (actor, command) = resolve(line, &state);
            if let Ok(events) = decide(&state, &actor, &command) {
                state = events.iter().fold(state, evolve);
            }
        }
        if state.status.is_terminal() {
            let (actor, command) = resolve(&(who, intent, pick), &state);
            prop_assert_eq!(
                decide(&state, &actor, &command),
                Err(WorkflowError::RequestClosed { status: state.status })
            );
        }
    }
}

/// Guards the property test itself: the random scripts must actually reach every status, or
/// the invariants would only ever be checked near the start of the chain.
#[test]
fn random_scripts_reach_every_status() {
    let mut runner = TestRunner::deterministic();
    let strategy = arb_script();
    let mut seen = BTreeSet::new();
    for _ in 0..300 {
        let script = strategy
            .new_tree(&mut runner)
            .expect("the strategy generates")
            .current();
        for status in run_script(&script).expect("the property holds") {
            seen.insert(status.as_str());
        }
    }
    let missing: Vec<_> = Status::ALL
        .iter()
        .map(Status::as_str)
        .filter(|status| !seen.contains(status))
        .collect();
    assert!(missing.is_empty(), "never reached: {missing:?}");
}
