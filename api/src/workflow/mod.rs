//! The workflow core: the SOP's seven steps (disposition, instruction, verification, review,
//! assignment, publication, archiving) and their side paths (return for revision, reject,
//! withdraw, reassign) as a pure state machine.
//!
//! It follows the decider pattern: [`decide`] checks a [`Command`] from an [`Actor`] against a
//! [`RequestState`] and answers with the [`Event`]s it produces or the [`WorkflowError`] naming
//! the broken rule; [`evolve`] applies one event to a state and never fails, so the event log can
//! always be replayed ([`replay`]). Nothing here touches the database, the network or the clock:
//! the service loads the state, asks this module, and writes the state, the events and the outbox
//! in one transaction.
//!
//! `decide` checks the rules in a fixed order, so a command broken in several ways always gets
//! the same answer: a closed request first, then machine actors, then whether the command fits the
//! request's status and step, then whether this person may act, then the command's own content.
#![warn(missing_docs)]

pub mod sla;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The id of a Warta user (an official, a staff member or a requester).
pub type UserId = i64;
/// The id of a push-info channel (a Telegram channel the office publishes to).
pub type ChannelId = i64;

/// The longest reason or review comment, in characters.
pub const MAX_REASON_CHARS: usize = 4000;
/// The longest free-text instruction or note on a disposition, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;
/// The longest archive classification code, in characters.
pub const MAX_CLASSIFICATION_CODE_CHARS: usize = 32;
/// How many years an archived request may be kept.
pub const RETENTION_YEARS: RangeInclusive<u16> = 1..=100;

/// A string that names none of the values of a vocabulary type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind}: {value:?}")]
pub struct UnknownValue {
    /// Which vocabulary was asked for, e.g. "role".
    pub kind: &'static str,
    /// The string that was given.
    pub value: String,
}

/// Gives a vocabulary type with `ALL` and `as_str` its `Display` and `FromStr`, so the two
/// spellings can never drift apart.
macro_rules! string_conversions {
    ($ty:ty, $kind:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == s)
                    .ok_or_else(|| UnknownValue {
                        kind: $kind,
                        value: s.to_owned(),
                    })
            }
        }
    };
}

// Declared after `string_conversions!`, which its vocabularies use.
pub mod records;

pub use records::AccessClass;

/// A role a user may hold; one user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Someone who asks the office to publish something.
    Requester,
    /// Vice Rector III (*Wakil Rektor III*), who receives the request letter (step 1).
    ViceRector,
    /// Head of the bureau (*Kepala BPKH*), who instructs the PKIH coordinator (step 2).
    BureauHead,
    /// PKIH coordinator (*Koordinator PKIH*), who checks the details (step 3).
    PkihCoordinator,
    /// Deputy Humas coordinator (*Wakil Koordinator Humas*), who reviews and assigns (steps 4–5).
    HumasDeputy,
    /// Humas staff (*Petugas*), who publish and archive (steps 6–7).
    Staff,
    /// An administrator: manages users and settings and may reassign, but acts on no step.
    Admin,
}

impl Role {
    /// Every role, in the order of the chain.
    pub const ALL: [Role; 7] = [
        Role::Requester,
        Role::ViceRector,
        Role::BureauHead,
        Role::PkihCoordinator,
        Role::HumasDeputy,
        Role::Staff,
        Role::Admin,
    ];

    /// The role's stored spelling, e.g. `"vice_rector"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Requester => "requester",
            Role::ViceRector => "vice_rector",
            Role::BureauHead => "bureau_head",
            Role::PkihCoordinator => "pkih_coordinator",
            Role::HumasDeputy => "humas_deputy",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }
}

string_conversions!(Role, "role");

/// One of the SOP's seven steps, numbered as in the SOP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(i16)]
pub enum Step {
    /// Step 1: the Vice Rector receives the request letter and dispositions it to the bureau head.
    Disposition = 1,
    /// Step 2: the bureau head instructs the PKIH coordinator and chooses the channels.
    Instruction = 2,
    /// Step 3: the PKIH coordinator checks the request's details.
    Verification = 3,
    /// Step 4: the Humas deputy decides whether the narrative is fit to publish.
    Review = 4,
    /// Step 5: the Humas deputy assigns the publication to staff.
    Assignment = 5,
    /// Step 6: staff push the information to the chosen channels.
    Publication = 6,
    /// Step 7: staff keep the material as an archive.
    Archiving = 7,
}

impl Step {
    /// Every step, in the SOP's order.
    pub const ALL: [Step; 7] = [
        Step::Disposition,
        Step::Instruction,
        Step::Verification,
        Step::Review,
        Step::Assignment,
        Step::Publication,
        Step::Archiving,
    ];

    /// The step's number in the SOP, 1 to 7.
    pub fn number(self) -> i16 {
        self as i16
    }

    /// The step with this SOP number, if there is one.
    pub fn from_number(n: i16) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.number() == n)
    }

    /// The role that carries the step out.
    pub fn holder_role(self) -> Role {
        match self {
            Step::Disposition => Role::ViceRector,
            Step::Instruction => Role::BureauHead,
            Step::Verification => Role::PkihCoordinator,
            Step::Review | Step::Assignment => Role::HumasDeputy,
            Step::Publication | Step::Archiving => Role::Staff,
        }
    }

    /// The SOP's time standard for the step, in minutes (1 day, 2 hours, 1 hour, 10 minutes and
    /// 5 minutes for each of the last three).
    pub fn default_sla_minutes(self) -> u32 {
        match self {
            Step::Disposition => 24 * 60,
            Step::Instruction => 2 * 60,
            Step::Verification => 60,
            Step::Review => 10,
            Step::Assignment | Step::Publication | Step::Archiving => 5,
        }
    }

    /// The step that follows this one; none after archiving.
    pub fn next(self) -> Option<Step> {
        Step::from_number(self.number() + 1)
    }

    /// The step's stored spelling, e.g. `"verification"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Disposition => "disposition",
            Step::Instruction => "instruction",
            Step::Verification => "verification",
            Step::Review => "review",
            Step::Assignment => "assignment",
            Step::Publication => "publication",
            Step::Archiving => "archiving",
        }
    }
}

string_conversions!(Step, "step");

/// Where a request stands. Stored as a string: the step's name while it is in a step, else
/// `"returned"`, `"archived"`, `"rejected"` or `"withdrawn"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// In one of the seven steps, with that step's role holding it.
    InStep(Step),
    /// Back with the requester for revision.
    Returned,
    /// Published and archived (the end of the SOP).
    Archived,
    /// Refused by an official.
    Rejected,
    /// Withdrawn by the requester.
    Withdrawn,
}

impl Status {
    /// Every status: the seven steps, then the others.
    pub const ALL: [Status; 11] = [
        Status::InStep(Step::Disposition),
        Status::InStep(Step::Instruction),
        Status::InStep(Step::Verification),
        Status::InStep(Step::Review),
        Status::InStep(Step::Assignment),
        Status::InStep(Step::Publication),
        Status::InStep(Step::Archiving),
        Status::Returned,
        Status::Archived,
        Status::Rejected,
        Status::Withdrawn,
    ];

    /// Whether the request is closed for good: archived, rejected or withdrawn.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Status::Archived | Status::Rejected | Status::Withdrawn
        )
    }

    /// The step the request is in, if it is in one.
    pub fn step(&self) -> Option<Step> {
        match self {
            Status::InStep(step) => Some(*step),
            _ => None,
        }
    }

    /// The status's stored spelling, e.g. `"review"` or `"returned"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::InStep(step) => step.as_str(),
            Status::Returned => "returned",
            Status::Archived => "archived",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
        }
    }
}

string_conversions!(Status, "status");

// Status goes into events as its stored string, the same spelling as the database column.
impl Serialize for Status {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// How urgent a disposition is, as on the *lembar disposisi*.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Ordinary (*biasa*).
    #[default]
    Biasa,
    /// Urgent (*segera*).
    Segera,
    /// Very urgent (*sangat segera*).
    SangatSegera,
}

impl Priority {
    /// Every priority, least urgent first.
    pub const ALL: [Priority; 3] = [Priority::Biasa, Priority::Segera, Priority::SangatSegera];

    /// The priority's stored spelling, e.g. `"sangat_segera"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Priority::Biasa => "biasa",
            Priority::Segera => "segera",
            Priority::SangatSegera => "sangat_segera",
        }
    }
}

string_conversions!(Priority, "priority");

/// Standard disposition instructions (the *lembar disposisi*'s tick boxes); free text travels
/// beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instruction {
    /// Follow up (*untuk ditindaklanjuti*).
    TindakLanjuti,
    /// For your information (*untuk diketahui*).
    UntukDiketahui,
    /// Urgent (*segera*).
    Segera,
    /// Coordinate (*koordinasikan*).
    Koordinasikan,
    /// Study it (*pelajari*).
    Pelajari,
    /// Prepare the publication (*siapkan publikasi*).
    SiapkanPublikasi,
    /// File it (*arsipkan*).
    Arsipkan,
}

impl Instruction {
    /// Every standard instruction, in the order of the sheet.
    pub const ALL: [Instruction; 7] = [
        Instruction::TindakLanjuti,
        Instruction::UntukDiketahui,
        Instruction::Segera,
        Instruction::Koordinasikan,
        Instruction::Pelajari,
        Instruction::SiapkanPublikasi,
        Instruction::Arsipkan,
    ];

    /// The instruction's stored spelling, e.g. `"tindak_lanjuti"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Instruction::TindakLanjuti => "tindak_lanjuti",
            Instruction::UntukDiketahui => "untuk_diketahui",
            Instruction::Segera => "segera",
            Instruction::Koordinasikan => "koordinasikan",
            Instruction::Pelajari => "pelajari",
            Instruction::SiapkanPublikasi => "siapkan_publikasi",
            Instruction::Arsipkan => "arsipkan",
        }
    }
}

string_conversions!(Instruction, "instruction");

/// The Humas deputy's verdict on a request's narrative in step 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Fit to publish: the request moves on to assignment.
    Fit,
    /// Needs revision: the request goes back to the requester.
    Revise,
    /// Not to be published: the request is rejected.
    Reject,
}

impl Verdict {
    /// Every verdict.
    pub const ALL: [Verdict; 3] = [Verdict::Fit, Verdict::Revise, Verdict::Reject];

    /// The verdict's stored spelling, e.g. `"revise"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Fit => "fit",
            Verdict::Revise => "revise",
            Verdict::Reject => "reject",
        }
    }
}

string_conversions!(Verdict, "verdict");

/// Where the publication to one chosen channel stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicationStatus {
    /// The channel was chosen but nothing has been queued for it yet.
    Pending,
    /// Waiting for the worker to send it (now or at its scheduled time).
    Queued,
    /// A worker has claimed it and is sending it.
    Sending,
    /// Posted to the channel.
    Sent,
    /// Telegram refused it for good; staff may queue it again.
    Failed,
    /// It may or may not have been posted; a person must decide, never a silent resend.
    Uncertain,
    /// Posted and later taken down.
    Retracted,
}

impl PublicationStatus {
    /// Every publication status.
    pub const ALL: [PublicationStatus; 7] = [
        PublicationStatus::Pending,
        PublicationStatus::Queued,
        PublicationStatus::Sending,
        PublicationStatus::Sent,
        PublicationStatus::Failed,
        PublicationStatus::Uncertain,
        PublicationStatus::Retracted,
    ];

    /// The publication status's stored spelling, e.g. `"uncertain"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            PublicationStatus::Pending => "pending",
            PublicationStatus::Queued => "queued",
            PublicationStatus::Sending => "sending",
            PublicationStatus::Sent => "sent",
            PublicationStatus::Failed => "failed",
            PublicationStatus::Uncertain => "uncertain",
            PublicationStatus::Retracted => "retracted",
        }
    }

    /// Whether sending has begun or happened: once any channel is here, the requester can no
    /// longer withdraw the request.
    pub fn has_started(&self) -> bool {
        matches!(
            self,
            PublicationStatus::Queued
                | PublicationStatus::Sending
                | PublicationStatus::Sent
                | PublicationStatus::Uncertain
        )
    }
}

string_conversions!(PublicationStatus, "publication status");

/// The outcome a sender reports for one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// Telegram confirmed the post.
    Sent,
    /// Telegram refused the post for good.
    Failed,
    /// The sender cannot tell whether the post went out (e.g. a timeout after sending).
    Uncertain,
}

impl DeliveryOutcome {
    /// Every outcome.
    pub const ALL: [DeliveryOutcome; 3] = [
        DeliveryOutcome::Sent,
        DeliveryOutcome::Failed,
        DeliveryOutcome::Uncertain,
    ];

    /// The outcome's stored spelling, e.g. `"sent"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            DeliveryOutcome::Sent => "sent",
            DeliveryOutcome::Failed => "failed",
            DeliveryOutcome::Uncertain => "uncertain",
        }
    }

    /// The publication status this outcome leaves the channel in.
    pub fn publication_status(self) -> PublicationStatus {
        match self {
            DeliveryOutcome::Sent => PublicationStatus::Sent,
            DeliveryOutcome::Failed => PublicationStatus::Failed,
            DeliveryOutcome::Uncertain => PublicationStatus::Uncertain,
        }
    }
}

string_conversions!(DeliveryOutcome, "delivery outcome");

/// The step-3 checklist: the PKIH coordinator confirms each detail before instructing the deputy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Checklist {
    /// The request letter (*surat permohonan*) is attached.
    pub letter_attached: bool,
    /// The requester and their unit are identified.
    pub requester_identified: bool,
    /// The schedule (event date, when to publish) is clear.
    pub schedule_clear: bool,
    /// A contact person is given.
    pub contact_clear: bool,
    /// The chosen media suit the information.
    pub media_suitable: bool,
}

impl Checklist {
    /// A checklist with every detail confirmed.
    pub const COMPLETE: Checklist = Checklist {
        letter_attached: true,
        requester_identified: true,
        schedule_clear: true,
        contact_clear: true,
        media_suitable: true,
    };

    /// Whether every detail is confirmed, as step 3 requires before the request moves on.
    pub fn is_complete(&self) -> bool {
        self.letter_attached
            && self.requester_identified
            && self.schedule_clear
            && self.contact_clear
            && self.media_suitable
    }
}

/// Who currently holds the request: always a role, and a person once one is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Holder {
    /// The role that holds the step.
    pub role: Role,
    /// The named person, if any; while none is named, anyone with the role may act.
    pub user: Option<UserId>,
}

/// What a disposition carries down the chain (besides its target).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct DispositionNote {
    /// A standard instruction ticked on the sheet.
    pub instruction: Option<Instruction>,
    /// Free-text instruction beside the ticked box (at most [`MAX_NOTE_CHARS`] characters).
    pub instruction_text: Option<String>,
    /// How urgent the disposition is.
    pub priority: Priority,
    /// When the next holder should be done.
    pub due_at: Option<DateTime<Utc>>,
    /// Further notes (at most [`MAX_NOTE_CHARS`] characters).
    pub note: Option<String>,
}

/// Who acts on a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Actor {
    /// A signed-in person with their roles.
    User {
        /// The person's id.
        id: UserId,
        /// Every role the person holds.
        roles: BTreeSet<Role>,
    },
    /// The Telegram worker, which reports delivery outcomes and nothing else.
    Worker,
    /// Warta itself (timers, maintenance); it may not act on requests for now.
    System,
}

impl Actor {
    /// A person with the given roles.
    pub fn user(id: UserId, roles: impl IntoIterator<Item = Role>) -> Actor {
        Actor::User {
            id,
            roles: roles.into_iter().collect(),
        }
    }

    /// The person's id, if the actor is a person.
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::User { id, .. } => Some(*id),
            Actor::Worker | Actor::System => None,
        }
    }

    /// Whether the actor is a person holding this role.
    pub fn has_role(&self, role: Role) -> bool {
        match self {
            Actor::User { roles, .. } => roles.contains(&role),
            Actor::Worker | Actor::System => false,
        }
    }
}

/// The whole state of one request as the rules see it (the service rebuilds it from the
/// request's row, its chosen channels and its publications).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestState {
    /// Where the request stands.
    pub status: Status,
    /// The person who submitted the request.
    pub requester: UserId,
    /// Who holds the current step; none when the request is closed or back with the requester.
    pub holder: Option<Holder>,
    /// The step that sent the request back, while it is with the requester.
    pub returned_from: Option<Step>,
    /// The channels chosen in step 2.
    pub channels: BTreeSet<ChannelId>,
    /// Where each chosen channel's publication stands; a chosen channel missing here is pending.
    pub publications: BTreeMap<ChannelId, PublicationStatus>,
    /// The narrative's version: 1 on submission, one more per revision.
    pub content_version: i32,
    /// The step-3 checklist, once the PKIH coordinator has filled it in.
    pub checklist: Option<Checklist>,
}

impl RequestState {
    /// The state right after submission: step 1, held by the Vice Rector role, version 1.
    pub fn submitted(requester: UserId) -> Self {
        RequestState {
            status: Status::InStep(Step::Disposition),
            requester,
            holder: Some(Holder {
                role: Role::ViceRector,
                user: None,
            }),
            returned_from: None,
            channels: BTreeSet::new(),
            publications: BTreeMap::new(),
            content_version: 1,
            checklist: None,
        }
    }

    /// The step the request is in, if it is in one.
    pub fn step(&self) -> Option<Step> {
        self.status.step()
    }

    /// Whether this actor may act on the current step: a person holding the step's role who is
    /// the named holder, or anyone with the role while no one is named.
    pub fn holder_may_act(&self, actor: &Actor) -> bool {
        self.step()
            .is_some_and(|step| check_holder(self, actor, step).is_ok())
    }

    /// Whether this actor is the person who submitted the request.
    pub fn is_requester(&self, actor: &Actor) -> bool {
        actor.user_id() == Some(self.requester)
    }

    /// Where the publication to a chosen channel stands (pending until something is queued), or
    /// none if the channel was not chosen.
    pub fn publication_status(&self, channel: ChannelId) -> Option<PublicationStatus> {
        self.channels.contains(&channel).then(|| {
            self.publications
                .get(&channel)
                .copied()
                .unwrap_or(PublicationStatus::Pending)
        })
    }

    /// Whether channels were chosen and every one of them has been posted.
    pub fn all_channels_sent(&self) -> bool {
        !self.channels.is_empty()
            && self
                .channels
                .iter()
                .all(|&channel| self.publication_status(channel) == Some(PublicationStatus::Sent))
    }

    /// Whether any publication has been queued, is being sent, was sent or may have been sent.
    pub fn publication_started(&self) -> bool {
        self.channels.iter().any(|&channel| {
            self.publication_status(channel)
                .is_some_and(|status| status.has_started())
        })
    }

    /// The first rule a consistent state breaks, if any. `decide` and `evolve` never produce
    /// such a state; the service can use this to check a state it rebuilt from rows.
    pub fn invariant_violation(&self) -> Option<&'static str> {
        let step_reached = |step: Step| match self.status {
            Status::InStep(current) => current >= step,
            Status::Returned => self.returned_from.is_some_and(|from| from >= step),
            Status::Archived => true,
            Status::Rejected | Status::Withdrawn => false,
        };
        if self.content_version < 1 {
            return Some("the content version starts at 1");
        }
        if self.status.is_terminal() && self.holder.is_some() {
            return Some("a closed request has no holder");
        }
        if let Status::InStep(step) = self.status {
            match self.holder {
                Some(holder) if holder.role == step.holder_role() => {}
                _ => return Some("a request in a step is held by that step's role"),
            }
        }
        if self.status == Status::Returned
            && (self.returned_from.is_none() || self.holder.is_some())
        {
            return Some("a returned request remembers its step and has no holder");
        }
        if self.status != Status::Returned && self.returned_from.is_some() {
            return Some("only a returned request remembers where it came from");
        }
        if step_reached(Step::Verification) && self.channels.is_empty() {
            return Some("channels are chosen before verification");
        }
        if step_reached(Step::Review) && !self.checklist.is_some_and(|c| c.is_complete()) {
            return Some("the checklist is complete before review");
        }
        if !self
            .publications
            .keys()
            .all(|channel| self.channels.contains(channel))
        {
            return Some("publications exist only for chosen channels");
        }
        if !step_reached(Step::Publication)
            && !matches!(self.status, Status::Rejected | Status::Withdrawn)
            && self.publication_started()
        {
            return Some("nothing is published before step 6");
        }
        if matches!(
            self.status,
            Status::InStep(Step::Archiving) | Status::Archived
        ) && !self.all_channels_sent()
        {
            return Some("every chosen channel is sent before archiving");
        }
        None
    }
}

/// What an actor asks to do with a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Steps 1, 2, 3, 5: the holder forwards the request to the next step's role (optionally to
    /// a named person).
    Forward {
        /// The person who should hold the next step, if one is named.
        to_user: Option<UserId>,
        /// The disposition's instruction, priority, due time and notes.
        note: DispositionNote,
        /// The channels to publish to: required (non-empty) at step 2, refused elsewhere.
        channels: Option<BTreeSet<ChannelId>>,
        /// The verification checklist: required and complete at step 3, refused elsewhere.
        checklist: Option<Checklist>,
    },
    /// Step 4: the deputy's verdict on the narrative. Fit moves on to step 5, held by the same
    /// deputy; Revise returns the request with the comment as reason; Reject rejects it.
    Review {
        /// The verdict.
        verdict: Verdict,
        /// Why; required for Revise and Reject.
        comment: String,
    },
    /// The deputy (step 4) or the requester (while returned) saves an edited narrative as a new
    /// version.
    ReviseContent,
    /// Step 6: staff queue every chosen channel not yet sent (pending or failed) for sending,
    /// now or at a given time.
    Publish {
        /// When to send; now if none.
        schedule_at: Option<DateTime<Utc>>,
    },
    /// Step 6: the worker or staff report a channel's delivery outcome.
    RecordDelivery {
        /// The channel the outcome is for.
        channel: ChannelId,
        /// What happened.
        outcome: DeliveryOutcome,
    },
    /// Step 6: staff resolve an uncertain publication: it was posted after all (sent), or it
    /// should be sent again (queued).
    ResolveUncertain {
        /// The uncertain channel.
        channel: ChannelId,
        /// Whether the post is on the channel.
        posted: bool,
    },
    /// Step 7: staff archive the request with a classification code, a retention period and
    /// an access class.
    Archive {
        /// The archive classification code (non-empty, at most 32 characters).
        classification_code: String,
        /// How many years to keep it (1 to 100).
        retention_years: u16,
        /// Who may read the archive entry.
        access_class: AccessClass,
    },
    /// The holder of steps 1–5 sends the request back to the requester with a reason.
    ReturnForRevision {
        /// Why (non-empty).
        reason: String,
    },
    /// The requester sends a returned request back to the step that returned it.
    Resubmit,
    /// The holder of steps 1–5 rejects the request with a reason. Final.
    Reject {
        /// Why (non-empty).
        reason: String,
    },
    /// The requester withdraws the request, at any time before publishing has begun. Final.
    Withdraw {
        /// Why, if the requester says.
        reason: Option<String>,
    },
    /// The holder, or an admin, hands the current step to another person who holds its role.
    Reassign {
        /// The new holder.
        to_user: UserId,
        /// Every role the new holder holds (the service loads them).
        to_user_roles: BTreeSet<Role>,
    },
}

/// Something that happened to a request; the append-only log these make is the request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The request was submitted and waits at step 1.
    Submitted {
        /// Who submitted it.
        requester: UserId,
    },
    /// A step was finished and the next one opened, held by `to`.
    Forwarded {
        /// The finished step; the request is now in the one after it.
        from: Step,
        /// Who holds the next step.
        to: Holder,
        /// What the disposition carries.
        note: DispositionNote,
    },
    /// The channels to publish to were chosen (at step 2, beside its `Forwarded`).
    ChannelsChosen {
        /// The chosen channels.
        channels: BTreeSet<ChannelId>,
    },
    /// The request's details were checked (at step 3, beside its `Forwarded`).
    DetailsVerified {
        /// The completed checklist.
        checklist: Checklist,
    },
    /// The deputy gave a verdict on the narrative.
    Reviewed {
        /// The verdict.
        verdict: Verdict,
        /// The deputy's comment.
        comment: String,
    },
    /// A new version of the narrative was saved.
    ContentRevised {
        /// The new version number.
        version: i32,
    },
    /// Channels were queued for sending.
    PublicationQueued {
        /// The queued channels.
        channels: BTreeSet<ChannelId>,
        /// When to send; now if none.
        schedule_at: Option<DateTime<Utc>>,
    },
    /// A sender reported a channel's delivery outcome.
    DeliveryRecorded {
        /// The channel.
        channel: ChannelId,
        /// What happened.
        outcome: DeliveryOutcome,
    },
    /// Staff resolved an uncertain publication.
    UncertainResolved {
        /// The channel.
        channel: ChannelId,
        /// Whether it was posted after all; if not, it is queued again.
        posted: bool,
    },
    /// Every chosen channel was posted; the request moves to step 7 with the same staff holder.
    PublicationCompleted,
    /// The request was archived; the SOP is done.
    Archived {
        /// The archive classification code.
        classification_code: String,
        /// How many years to keep it.
        retention_years: u16,
        /// Who may read the archive entry (public in events recorded before it existed).
        #[serde(default)]
        access_class: AccessClass,
    },
    /// The request was sent back to the requester for revision.
    ReturnedForRevision {
        /// The step that returned it.
        from: Step,
        /// Why.
        reason: String,
    },
    /// The requester sent the revised request back to the step that returned it.
    Resubmitted {
        /// Who holds that step now.
        to: Holder,
    },
    /// The request was rejected.
    Rejected {
        /// Where it stood when it was rejected.
        at: Status,
        /// Why.
        reason: String,
    },
    /// The requester withdrew the request.
    Withdrawn {
        /// Why, if the requester said.
        reason: Option<String>,
    },
    /// The current step was handed to another person.
    Reassigned {
        /// The step handed over.
        step: Step,
        /// The previous named holder, if there was one.
        from: Option<UserId>,
        /// The new holder.
        to: UserId,
    },
}

impl Event {
    /// The event's snake_case name, as stored in the event table (and as its serde `type` tag).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Submitted { .. } => "submitted",
            Event::Forwarded { .. } => "forwarded",
            Event::ChannelsChosen { .. } => "channels_chosen",
            Event::DetailsVerified { .. } => "details_verified",
            Event::Reviewed { .. } => "reviewed",
            Event::ContentRevised { .. } => "content_revised",
            Event::PublicationQueued { .. } => "publication_queued",
            Event::DeliveryRecorded { .. } => "delivery_recorded",
            Event::UncertainResolved { .. } => "uncertain_resolved",
            Event::PublicationCompleted => "publication_completed",
            Event::Archived { .. } => "archived",
            Event::ReturnedForRevision { .. } => "returned_for_revision",
            Event::Resubmitted { .. } => "resubmitted",
            Event::Rejected { .. } => "rejected",
            Event::Withdrawn { .. } => "withdrawn",
            Event::Reassigned { .. } => "reassigned",
        }
    }
}

/// How the API should treat a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkflowErrorKind {
    /// The actor may not do this (the API answers `FORBIDDEN`).
    Forbidden,
    /// The command does not fit the request or is malformed (the API answers `BAD_USER_INPUT`).
    InvalidTransition,
}

/// Why the workflow refuses a command; each variant names the broken rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The request is archived, rejected or withdrawn; nothing more can happen to it.
    #[error("the request is closed ({status}); nothing more can be done with it")]
    RequestClosed {
        /// The final status.
        status: Status,
    },
    /// The Telegram worker may only report delivery outcomes.
    #[error("the worker may only record delivery outcomes")]
    WorkerMayOnlyRecordDelivery,
    /// Warta itself may not act on requests.
    #[error("the system may not act on requests")]
    SystemMayNotAct,
    /// The person does not hold the role the step needs.
    #[error("step {} ({step}) is carried out by the {role} role, which you do not hold", step.number())]
    ActorLacksRole {
        /// The step.
        step: Step,
        /// The role it needs.
        role: Role,
    },
    /// The step is held by another named person (or the actor is a machine).
    #[error("step {} ({step}) is held by someone else", step.number())]
    NotTheHolder {
        /// The step.
        step: Step,
    },
    /// Only the person who submitted the request may do this.
    #[error("only the requester may do this")]
    NotTheRequester,
    /// The command belongs to another step.
    #[error("this can only be done at step {} ({expected}); the request is at {actual}", expected.number())]
    NotAtStep {
        /// The step the command belongs to.
        expected: Step,
        /// Where the request is.
        actual: Status,
    },
    /// The request is back with its requester, so no official may act on it until it is
    /// resubmitted.
    #[error("the request is back with its requester for revision")]
    RequestIsReturned,
    /// Only a returned request can be resubmitted.
    #[error("only a returned request can be resubmitted; the request is at {actual}")]
    NotReturned {
        /// Where the request is.
        actual: Status,
    },
    /// Step 4 ends with a verdict, steps 6 and 7 with publication and archiving, not a forward.
    #[error("step {} ({step}) cannot be forwarded; {}", step.number(), forward_hint(*step))]
    CannotForwardAtStep {
        /// The step.
        step: Step,
    },
    /// Only steps 1–5 can send a request back to its requester.
    #[error("step {} ({step}) cannot return the request; only steps 1 to 5 can", step.number())]
    CannotReturnAtStep {
        /// The step.
        step: Step,
    },
    /// Only steps 1–5 can reject a request.
    #[error("step {} ({step}) cannot reject the request; only steps 1 to 5 can", step.number())]
    CannotRejectAtStep {
        /// The step.
        step: Step,
    },
    /// Step 2 must choose at least one channel.
    #[error("step 2 must choose at least one channel to publish to")]
    ChannelsRequired,
    /// Channels are chosen at step 2 only.
    #[error("channels are chosen at step 2 only, not at step {} ({step})", step.number())]
    ChannelsOnlyAtInstruction {
        /// The step the channels were given at.
        step: Step,
    },
    /// Step 3 must fill in the checklist.
    #[error("step 3 must fill in the verification checklist")]
    ChecklistRequired,
    /// Step 3 may only move on once every detail is confirmed.
    #[error("every item of the verification checklist must be confirmed")]
    ChecklistIncomplete,
    /// The checklist is filled in at step 3 only.
    #[error("the checklist is filled in at step 3 only, not at step {} ({step})", step.number())]
    ChecklistOnlyAtVerification {
        /// The step the checklist was given at.
        step: Step,
    },
    /// Asking for revision or rejecting needs a comment saying why.
    #[error("a {verdict} verdict needs a comment")]
    CommentRequired {
        /// The verdict given.
        verdict: Verdict,
    },
    /// Returning or rejecting needs a reason.
    #[error("a reason is required")]
    ReasonRequired,
    /// A text is longer than allowed.
    #[error("{field} is longer than {max} characters")]
    TextTooLong {
        /// Which text.
        field: &'static str,
        /// The limit, in characters.
        max: usize,
    },
    /// Every chosen channel is already queued, being sent, sent or uncertain.
    #[error("there is nothing to publish: no chosen channel is pending or failed")]
    NothingToPublish,
    /// The channel was not chosen for this request.
    #[error("channel {channel} was not chosen for this request")]
    UnknownChannel {
        /// The channel.
        channel: ChannelId,
    },
    /// A delivery outcome can only be recorded for a queued or sending publication.
    #[error("channel {channel} is not awaiting delivery (it is {status})")]
    NotAwaitingDelivery {
        /// The channel.
        channel: ChannelId,
        /// Where its publication stands.
        status: PublicationStatus,
    },
    /// Only an uncertain publication can be resolved.
    #[error("channel {channel} is not uncertain (it is {status})")]
    NotUncertain {
        /// The channel.
        channel: ChannelId,
        /// Where its publication stands.
        status: PublicationStatus,
    },
    /// Archiving needs a classification code.
    #[error("a classification code is required")]
    ClassificationCodeRequired,
    /// The retention period is outside 1 to 100 years.
    #[error("retention must be between 1 and 100 years, not {years}")]
    RetentionOutOfRange {
        /// The years given.
        years: u16,
    },
    /// The requester can no longer withdraw: publishing has begun or the request is done.
    #[error("the request can no longer be withdrawn: publishing has begun")]
    WithdrawalTooLate,
    /// The new holder must hold the step's role.
    #[error("the new holder must hold the {role} role")]
    AssigneeLacksRole {
        /// The role the step needs.
        role: Role,
    },
    /// The step is already held by that person.
    #[error("the step is already held by user {user}")]
    AlreadyHeldBy {
        /// The current holder.
        user: UserId,
    },
}

fn forward_hint(step: Step) -> &'static str {
    match step {
        Step::Review => "give a review verdict instead",
        Step::Publication => "it ends when every channel is sent",
        Step::Archiving => "archive the request instead",
        _ => "",
    }
}

impl WorkflowError {
    /// Whether the actor lacks the right to act (forbidden) or the command does not fit
    /// (an invalid transition).
    pub fn code(&self) -> WorkflowErrorKind {
        match self {
            WorkflowError::WorkerMayOnlyRecordDelivery
            | WorkflowError::SystemMayNotAct
            | WorkflowError::ActorLacksRole { .. }
            | WorkflowError::NotTheHolder { .. }
            | WorkflowError::NotTheRequester => WorkflowErrorKind::Forbidden,
            _ => WorkflowErrorKind::InvalidTransition,
        }
    }

    /// The broken rule's name (the variant's name, e.g. `"ChecklistIncomplete"`), for the API's
    /// error extensions.
    pub fn rule(&self) -> &'static str {
        match self {
            WorkflowError::RequestClosed { .. } => "RequestClosed",
            WorkflowError::WorkerMayOnlyRecordDelivery => "WorkerMayOnlyRecordDelivery",
            WorkflowError::SystemMayNotAct => "SystemMayNotAct",
            WorkflowError::ActorLacksRole { .. } => "ActorLacksRole",
            WorkflowError::NotTheHolder { .. } => "NotTheHolder",
            WorkflowError::NotTheRequester => "NotTheRequester",
            WorkflowError::NotAtStep { .. } => "NotAtStep",
            WorkflowError::RequestIsReturned => "RequestIsReturned",
            WorkflowError::NotReturned { .. } => "NotReturned",
            WorkflowError::CannotForwardAtStep { .. } => "CannotForwardAtStep",
            WorkflowError::CannotReturnAtStep { .. } => "CannotReturnAtStep",
            WorkflowError::CannotRejectAtStep { .. } => "CannotRejectAtStep",
            WorkflowError::ChannelsRequired => "ChannelsRequired",
            WorkflowError::ChannelsOnlyAtInstruction { .. } => "ChannelsOnlyAtInstruction",
            WorkflowError::ChecklistRequired => "ChecklistRequired",
            WorkflowError::ChecklistIncomplete => "ChecklistIncomplete",
            WorkflowError::ChecklistOnlyAtVerification { .. } => "ChecklistOnlyAtVerification",
            WorkflowError::CommentRequired { .. } => "CommentRequired",
            WorkflowError::ReasonRequired => "ReasonRequired",
            WorkflowError::TextTooLong { .. } => "TextTooLong",
            WorkflowError::NothingToPublish => "NothingToPublish",
            WorkflowError::UnknownChannel { .. } => "UnknownChannel",
            WorkflowError::NotAwaitingDelivery { .. } => "NotAwaitingDelivery",
            WorkflowError::NotUncertain { .. } => "NotUncertain",
            WorkflowError::ClassificationCodeRequired => "ClassificationCodeRequired",
            WorkflowError::RetentionOutOfRange { .. } => "RetentionOutOfRange",
            WorkflowError::WithdrawalTooLate => "WithdrawalTooLate",
            WorkflowError::AssigneeLacksRole { .. } => "AssigneeLacksRole",
            WorkflowError::AlreadyHeldBy { .. } => "AlreadyHeldBy",
        }
    }
}

/// A decided command: the events it produced and the state after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The request's state after the events.
    pub state: RequestState,
    /// The events to append to the request's log, in order.
    pub events: Vec<Event>,
}

/// Decides a command and applies its events: what the service writes back in one transaction.
pub fn transition(
    state: &RequestState,
    actor: &Actor,
    command: &Command,
) -> Result<Transition, WorkflowError> {
    let events = decide(state, actor, command)?;
    let state = events.iter().fold(state.clone(), evolve);
    Ok(Transition { state, events })
}

/// Decide: validate the command for this state and actor, and return the events it produces
/// (at least one), or the rule it breaks.
pub fn decide(
    state: &RequestState,
    actor: &Actor,
    command: &Command,
) -> Result<Vec<Event>, WorkflowError> {
    if state.status.is_terminal() {
        return Err(WorkflowError::RequestClosed {
            status: state.status,
        });
    }
    match actor {
        Actor::System => return Err(WorkflowError::SystemMayNotAct),
        Actor::Worker if !matches!(command, Command::RecordDelivery { .. }) => {
            return Err(WorkflowError::WorkerMayOnlyRecordDelivery);
        }
        Actor::Worker | Actor::User { .. } => {}
    }

    match command {
        Command::Forward {
            to_user,
            note,
            channels,
            checklist,
        } => decide_forward(state, actor, *to_user, note, channels.as_ref(), *checklist),
        Command::Review { verdict, comment } => decide_review(state, actor, *verdict, comment),
        Command::ReviseContent => {
            match state.status {
                Status::Returned => require_requester(state, actor)?,
                Status::InStep(Step::Review) => check_holder(state, actor, Step::Review)?,
                actual => {
                    return Err(WorkflowError::NotAtStep {
                        expected: Step::Review,
                        actual,
                    });
                }
            }
            Ok(vec![Event::ContentRevised {
                version: state.content_version + 1,
            }])
        }
        Command::Publish { schedule_at } => {
            require_step(state, Step::Publication)?;
            check_holder(state, actor, Step::Publication)?;
            let channels: BTreeSet<ChannelId> = state
                .channels
                .iter()
                .copied()
                .filter(|&channel| {
                    matches!(
                        state.publication_status(channel),
                        Some(PublicationStatus::Pending | PublicationStatus::Failed)
                    )
                })
                .collect();
            if channels.is_empty() {
                return Err(WorkflowError::NothingToPublish);
            }
            Ok(vec![Event::PublicationQueued {
                channels,
                schedule_at: *schedule_at,
            }])
        }
        Command::RecordDelivery { channel, outcome } => {
            require_step(state, Step::Publication)?;
            // The worker reports for whichever staff member holds the step.
            if !matches!(actor, Actor::Worker) {
                check_holder(state, actor, Step::Publication)?;
            }
            let status = known_channel(state, *channel)?;
            if !matches!(
                status,
                PublicationStatus::Queued | PublicationStatus::Sending
            ) {
                return Err(WorkflowError::NotAwaitingDelivery {
                    channel: *channel,
                    status,
                });
            }
            Ok(with_completion(
                state,
                Event::DeliveryRecorded {
                    channel: *channel,
                    outcome: *outcome,
                },
            ))
        }
        Command::ResolveUncertain { channel, posted } => {
            require_step(state, Step::Publication)?;
            check_holder(state, actor, Step::Publication)?;
            let status = known_channel(state, *channel)?;
            if status != PublicationStatus::Uncertain {
                return Err(WorkflowError::NotUncertain {
                    channel: *channel,
                    status,
                });
            }
            Ok(with_completion(
                state,
                Event::UncertainResolved {
                    channel: *channel,
                    posted: *posted,
                },
            ))
        }
        Command::Archive {
            classification_code,
            retention_years,
            access_class,
        } => {
            require_step(state, Step::Archiving)?;
            check_holder(state, actor, Step::Archiving)?;
            let code = classification_code.trim();
            if code.is_empty() {
                return Err(WorkflowError::ClassificationCodeRequired);
            }
            check_len("classification_code", code, MAX_CLASSIFICATION_CODE_CHARS)?;
            if !RETENTION_YEARS.contains(retention_years) {
                return Err(WorkflowError::RetentionOutOfRange {
                    years: *retention_years,
                });
            }
            Ok(vec![Event::Archived {
                classification_code: code.to_owned(),
                retention_years: *retention_years,
                access_class: *access_class,
            }])
        }
        Command::ReturnForRevision { reason } => {
            let step = current_step(state)?;
            if step > Step::Assignment {
                return Err(WorkflowError::CannotReturnAtStep { step });
            }
            check_holder(state, actor, step)?;
            check_reason(reason)?;
            Ok(vec![Event::ReturnedForRevision {
                from: step,
                reason: reason.clone(),
            }])
        }
        Command::Resubmit => {
            // A returned request always remembers its step (see `invariant_violation`).
            let (Status::Returned, Some(step)) = (state.status, state.returned_from) else {
                return Err(WorkflowError::NotReturned {
                    actual: state.status,
                });
            };
            require_requester(state, actor)?;
            // The step goes back to its role, not to the person who returned it: whoever of
            // that role is free picks it up (or it is reassigned), which needs no memory of
            // past holders in the request's state.
            Ok(vec![Event::Resubmitted {
                to: Holder {
                    role: step.holder_role(),
                    user: None,
                },
            }])
        }
        Command::Reject { reason } => {
            let step = current_step(state)?;
            if step > Step::Assignment {
                return Err(WorkflowError::CannotRejectAtStep { step });
            }
            check_holder(state, actor, step)?;
            check_reason(reason)?;
            Ok(vec![Event::Rejected {
                at: state.status,
                reason: reason.clone(),
            }])
        }
        Command::Withdraw { reason } => {
            // Once anything may have reached a channel, withdrawing would leave a post with no
            // request behind it; from then on only staff can finish (or retract) it.
            let allowed = match state.status {
                Status::Returned => true,
                Status::InStep(step) if step < Step::Publication => true,
                Status::InStep(Step::Publication) => !state.publication_started(),
                _ => false,
            };
            if !allowed {
                return Err(WorkflowError::WithdrawalTooLate);
            }
            require_requester(state, actor)?;
            if let Some(reason) = reason {
                check_len("reason", reason, MAX_REASON_CHARS)?;
            }
            Ok(vec![Event::Withdrawn {
                reason: reason.clone(),
            }])
        }
        Command::Reassign {
            to_user,
            to_user_roles,
        } => {
            let step = current_step(state)?;
            if !actor.has_role(Role::Admin) {
                check_holder(state, actor, step)?;
            }
            let role = step.holder_role();
            if !to_user_roles.contains(&role) {
                return Err(WorkflowError::AssigneeLacksRole { role });
            }
            let from = state.holder.and_then(|holder| holder.user);
            if from == Some(*to_user) {
                return Err(WorkflowError::AlreadyHeldBy { user: *to_user });
            }
            Ok(vec![Event::Reassigned {
                step,
                from,
                to: *to_user,
            }])
        }
    }
}

fn decide_forward(
    state: &RequestState,
    actor: &Actor,
    to_user: Option<UserId>,
    note: &DispositionNote,
    channels: Option<&BTreeSet<ChannelId>>,
    checklist: Option<Checklist>,
) -> Result<Vec<Event>, WorkflowError> {
    let step = current_step(state)?;
    let next = match (step, step.next()) {
        (Step::Review | Step::Publication | Step::Archiving, _) | (_, None) => {
            return Err(WorkflowError::CannotForwardAtStep { step });
        }
        (_, Some(next)) => next,
    };
    check_holder(state, actor, step)?;
    check_note(note)?;

    let mut events = Vec::with_capacity(2);
    match (step, channels) {
        (Step::Instruction, Some(channels)) if !channels.is_empty() => {
            events.push(Event::ChannelsChosen {
                channels: channels.clone(),
            });
        }
        (Step::Instruction, _) => return Err(WorkflowError::ChannelsRequired),
        (_, Some(_)) => return Err(WorkflowError::ChannelsOnlyAtInstruction { step }),
        (_, None) => {}
    }
    match (step, checklist) {
        (Step::Verification, Some(checklist)) if checklist.is_complete() => {
            events.push(Event::DetailsVerified { checklist });
        }
        (Step::Verification, Some(_)) => return Err(WorkflowError::ChecklistIncomplete),
        (Step::Verification, None) => return Err(WorkflowError::ChecklistRequired),
        (_, Some(_)) => return Err(WorkflowError::ChecklistOnlyAtVerification { step }),
        (_, None) => {}
    }
    events.push(Event::Forwarded {
        from: step,
        to: Holder {
            role: next.holder_role(),
            user: to_user,
        },
        note: note.clone(),
    });
    Ok(events)
}

fn decide_review(
    state: &RequestState,
    actor: &Actor,
    verdict: Verdict,
    comment: &str,
) -> Result<Vec<Event>, WorkflowError> {
    require_step(state, Step::Review)?;
    check_holder(state, actor, Step::Review)?;
    if verdict != Verdict::Fit && comment.trim().is_empty() {
        return Err(WorkflowError::CommentRequired { verdict });
    }
    check_len("comment", comment, MAX_REASON_CHARS)?;

    let reviewed = Event::Reviewed {
        verdict,
        comment: comment.to_owned(),
    };
    let outcome = match verdict {
        // The deputy who found the narrative fit also holds step 5 (the SOP gives both to the
        // same role), so the request stays with them rather than going back to the pool.
        Verdict::Fit => Event::Forwarded {
            from: Step::Review,
            to: Holder {
                role: Role::HumasDeputy,
                user: actor.user_id(),
            },
            note: DispositionNote::default(),
        },
        Verdict::Revise => Event::ReturnedForRevision {
            from: Step::Review,
            reason: comment.to_owned(),
        },
        Verdict::Reject => Event::Rejected {
            at: state.status,
            reason: comment.to_owned(),
        },
    };
    Ok(vec![reviewed, outcome])
}

/// The step the request is in, or why officials cannot act on it now.
fn current_step(state: &RequestState) -> Result<Step, WorkflowError> {
    match state.status {
        Status::InStep(step) => Ok(step),
        Status::Returned => Err(WorkflowError::RequestIsReturned),
        status => Err(WorkflowError::RequestClosed { status }),
    }
}

fn require_step(state: &RequestState, expected: Step) -> Result<(), WorkflowError> {
    if state.status == Status::InStep(expected) {
        Ok(())
    } else {
        Err(WorkflowError::NotAtStep {
            expected,
            actual: state.status,
        })
    }
}

/// A person acts on a step only if they hold its role and are the named holder (or no one is
/// named). Admin rights do not count: admins may only reassign.
fn check_holder(state: &RequestState, actor: &Actor, step: Step) -> Result<(), WorkflowError> {
    let Actor::User { id, roles } = actor else {
        return Err(WorkflowError::NotTheHolder { step });
    };
    let role = step.holder_role();
    if !roles.contains(&role) {
        return Err(WorkflowError::ActorLacksRole { step, role });
    }
    match state.holder.and_then(|holder| holder.user) {
        Some(holder) if holder != *id => Err(WorkflowError::NotTheHolder { step }),
        _ => Ok(()),
    }
}

fn require_requester(state: &RequestState, actor: &Actor) -> Result<(), WorkflowError> {
    if state.is_requester(actor) {
        Ok(())
    } else {
        Err(WorkflowError::NotTheRequester)
    }
}

fn known_channel(
    state: &RequestState,
    channel: ChannelId,
) -> Result<PublicationStatus, WorkflowError> {
    state
        .publication_status(channel)
        .ok_or(WorkflowError::UnknownChannel { channel })
}

/// The event, followed by `PublicationCompleted` if it leaves every chosen channel sent.
fn with_completion(state: &RequestState, event: Event) -> Vec<Event> {
    let completes = evolve(state.clone(), &event).all_channels_sent();
    let mut events = vec![event];
    if completes {
        events.push(Event::PublicationCompleted);
    }
    events
}

fn check_len(field: &'static str, text: &str, max: usize) -> Result<(), WorkflowError> {
    if text.chars().count() > max {
        Err(WorkflowError::TextTooLong { field, max })
    } else {
        Ok(())
    }
}

fn check_reason(reason: &str) -> Result<(), WorkflowError> {
    if reason.trim().is_empty() {
        return Err(WorkflowError::ReasonRequired);
    }
    check_len("reason", reason, MAX_REASON_CHARS)
}

fn check_note(note: &DispositionNote) -> Result<(), WorkflowError> {
    if let Some(text) = &note.instruction_text {
        check_len("instruction_text", text, MAX_NOTE_CHARS)?;
    }
    if let Some(text) = &note.note {
        check_len("note", text, MAX_NOTE_CHARS)?;
    }
    Ok(())
}

/// Evolve: apply one event to a state. It never fails, because it replays the log: an event
/// that does not fit the state (which `decide` never produces) changes as little as it can.
pub fn evolve(mut state: RequestState, event: &Event) -> RequestState {
    match event {
        Event::Submitted { requester } => return RequestState::submitted(*requester),
        Event::Forwarded { from, to, .. } => {
            if let Some(next) = from.next() {
                state.status = Status::InStep(next);
                state.holder = Some(*to);
                state.returned_from = None;
            }
        }
        Event::ChannelsChosen { channels } => {
            // Channels are chosen before anything is queued, so a new choice starts every
            // channel afresh.
            state.channels = channels.clone();
            state.publications = channels
                .iter()
                .map(|&channel| (channel, PublicationStatus::Pending))
                .collect();
        }
        Event::DetailsVerified { checklist } => state.checklist = Some(*checklist),
        Event::Reviewed { .. } => {}
        Event::ContentRevised { version } => state.content_version = *version,
        Event::PublicationQueued { channels, .. } => {
            for channel in channels {
                set_publication(&mut state, *channel, PublicationStatus::Queued);
            }
        }
        Event::DeliveryRecorded { channel, outcome } => {
            set_publication(&mut state, *channel, outcome.publication_status());
        }
        Event::UncertainResolved { channel, posted } => {
            let status = if *posted {
                PublicationStatus::Sent
            } else {
                PublicationStatus::Queued
            };
            set_publication(&mut state, *channel, status);
        }
        Event::PublicationCompleted => {
            state.status = Status::InStep(Step::Archiving);
            state.holder = Some(Holder {
                role: Role::Staff,
                user: state.holder.and_then(|holder| holder.user),
            });
        }
        Event::Archived { .. } => close(&mut state, Status::Archived),
        Event::ReturnedForRevision { from, .. } => {
            state.status = Status::Returned;
            state.returned_from = Some(*from);
            state.holder = None;
        }
        Event::Resubmitted { to } => {
            if let Some(step) = state.returned_from.take() {
                state.status = Status::InStep(step);
                state.holder = Some(*to);
            }
        }
        Event::Rejected { .. } => close(&mut state, Status::Rejected),
        Event::Withdrawn { .. } => close(&mut state, Status::Withdrawn),
        Event::Reassigned { to, .. } => {
            if let Some(holder) = &mut state.holder {
                holder.user = Some(*to);
            }
        }
    }
    state
}

fn set_publication(state: &mut RequestState, channel: ChannelId, status: PublicationStatus) {
    // Publications exist only for chosen channels; a stray channel in the log is ignored.
    if state.channels.contains(&channel) {
        state.publications.insert(channel, status);
    }
}

fn close(state: &mut RequestState, status: Status) {
    state.status = status;
    state.holder = None;
    state.returned_from = None;
}

/// Replays a request's events from its submission: `None` unless the first event is
/// `Submitted`.
pub fn replay(events: &[Event]) -> Option<RequestState> {
    let (first, rest) = events.split_first()?;
    let Event::Submitted { requester } = first else {
        return None;
    };
    Some(
        rest.iter()
            .fold(RequestState::submitted(*requester), evolve),
    )
}
