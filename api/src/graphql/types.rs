//! The API's own types: wrappers around rows with the fields clients see. Entities know
//! nothing of GraphQL; these do.

use async_graphql::{
    Context, Enum, ID, InputObject, Object, Result, SimpleObject, dataloader::DataLoader,
};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    api_client, attachment, channel, content_version, disposition, event, publication, request,
    review, sla_standard, user,
};

pub use crate::graphql::archive::ArchiveEntry;
use crate::{
    graphql::{
        error::{code, coded},
        loaders::*,
    },
    workflow::{self, Step, sla},
};

pub(crate) fn loader<'a>(ctx: &'a Context<'_>) -> Result<&'a DataLoader<DbLoader>> {
    ctx.data::<DataLoader<DbLoader>>()
}

pub(crate) fn load_failed(e: LoadError) -> async_graphql::Error {
    tracing::error!(error = %e, "loading related rows failed");
    coded(code::INTERNAL, "internal error; it has been logged")
}

pub(crate) fn parse_enum<T: std::str::FromStr>(value: &str) -> Result<T> {
    value.parse().map_err(|_| {
        tracing::error!(value, "stored value is not a known enumeration member");
        coded(code::INTERNAL, "internal error; it has been logged")
    })
}

/// A role a person holds.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "workflow::Role")]
pub enum Role {
    Requester,
    ViceRector,
    BureauHead,
    PkihCoordinator,
    HumasDeputy,
    Staff,
    Admin,
}

/// The SOP's seven steps.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "workflow::Step")]
pub enum SopStep {
    /// 1. Vice Rector III dispositions the request to the Head of Bureau (1 day).
    Disposition,
    /// 2. Head of Bureau instructs the PKIH Coordinator and chooses the channels (2 hours).
    Instruction,
    /// 3. PKIH Coordinator checks the details and instructs the Deputy (1 hour).
    Verification,
    /// 4. Deputy Humas Coordinator reviews the narrative (10 minutes).
    Review,
    /// 5. Deputy instructs staff with the final content (5 minutes).
    Assignment,
    /// 6. Staff publish to the chosen channels (5 minutes).
    Publication,
    /// 7. Staff archive (5 minutes).
    Archiving,
}

/// Where a request stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum RequestStatus {
    Disposition,
    Instruction,
    Verification,
    Review,
    Assignment,
    Publication,
    Archiving,
    Returned,
    Archived,
    Rejected,
    Withdrawn,
}

impl From<workflow::Status> for RequestStatus {
    fn from(s: workflow::Status) -> Self {
        use workflow::Status as S;
        match s {
            S::InStep(Step::Disposition) => Self::Disposition,
            S::InStep(Step::Instruction) => Self::Instruction,
            S::InStep(Step::Verification) => Self::Verification,
            S::InStep(Step::Review) => Self::Review,
            S::InStep(Step::Assignment) => Self::Assignment,
            S::InStep(Step::Publication) => Self::Publication,
            S::InStep(Step::Archiving) => Self::Archiving,
            S::Returned => Self::Returned,
            S::Archived => Self::Archived,
            S::Rejected => Self::Rejected,
            S::Withdrawn => Self::Withdrawn,
        }
    }
}

impl From<RequestStatus> for workflow::Status {
    fn from(s: RequestStatus) -> Self {
        use workflow::Status as S;
        match s {
            RequestStatus::Disposition => S::InStep(Step::Disposition),
            RequestStatus::Instruction => S::InStep(Step::Instruction),
            RequestStatus::Verification => S::InStep(Step::Verification),
            RequestStatus::Review => S::InStep(Step::Review),
            RequestStatus::Assignment => S::InStep(Step::Assignment),
            RequestStatus::Publication => S::InStep(Step::Publication),
            RequestStatus::Archiving => S::InStep(Step::Archiving),
            RequestStatus::Returned => S::Returned,
            RequestStatus::Archived => S::Archived,
            RequestStatus::Rejected => S::Rejected,
            RequestStatus::Withdrawn => S::Withdrawn,
        }
    }
}

/// How urgent (*sifat*): biasa, segera, sangat segera.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "workflow::Priority")]
pub enum Priority {
    Biasa,
    Segera,
    SangatSegera,
}

/// The standard instructions of a disposition sheet.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "workflow::Instruction")]
pub enum Instruction {
    /// *Untuk ditindaklanjuti*: follow up.
    TindakLanjuti,
    /// *Untuk diketahui*: for your information.
    UntukDiketahui,
    /// *Segera*: urgent.
    Segera,
    /// *Koordinasikan*: coordinate.
    Koordinasikan,
    /// *Pelajari*: study it.
    Pelajari,
    /// *Siapkan publikasi*: prepare the publication.
    SiapkanPublikasi,
    /// *Arsipkan*: file it.
    Arsipkan,
}

/// The step-4 verdict on the narrative.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "workflow::Verdict")]
pub enum Verdict {
    Fit,
    Revise,
    Reject,
}

/// Where one publication stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "workflow::PublicationStatus")]
pub enum PublicationStatus {
    Pending,
    Queued,
    Sending,
    Sent,
    Failed,
    Uncertain,
    Retracted,
}

/// How a delivery attempt ended.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "workflow::DeliveryOutcome")]
pub enum DeliveryOutcome {
    Sent,
    Failed,
    /// The outcome is unknown (timeout after sending, reset, 5xx): a person must check.
    Uncertain,
}

/// A scope of an API client.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::auth::Scope")]
pub enum ClientScope {
    ReadPublished,
    SubmitRequests,
    Worker,
}

/// What an attachment is for.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::service::attachments::AttachmentKind")]
pub enum AttachmentKind {
    Letter,
    Media,
}

/// A person who signs in.
pub struct User(pub user::Model);

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn username(&self) -> &str {
        &self.0.username
    }
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }
    async fn active(&self) -> bool {
        self.0.active
    }
    async fn locale(&self) -> &str {
        &self.0.locale
    }
    async fn roles(&self, ctx: &Context<'_>) -> Result<Vec<Role>> {
        let roles = loader(ctx)?
            .load_one(RolesOf(self.0.id))
            .await
            .map_err(load_failed)?
            .unwrap_or_default();
        roles
            .iter()
            .map(|r| parse_enum::<workflow::Role>(r).map(Role::from))
            .collect()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

pub(crate) async fn load_user(ctx: &Context<'_>, id: Option<i64>) -> Result<Option<User>> {
    match id {
        Some(id) => Ok(loader(ctx)?
            .load_one(UserKey(id))
            .await
            .map_err(load_failed)?
            .map(User)),
        None => Ok(None),
    }
}

/// A publication request.
pub struct Request(pub request::Model);

#[Object]
impl Request {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The agenda number, e.g. `0042/HM/2026`.
    async fn agenda_number(&self) -> &str {
        &self.0.agenda_number
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The requesting unit.
    async fn unit(&self) -> &str {
        &self.0.unit
    }
    async fn audience(&self) -> &str {
        &self.0.audience
    }
    async fn desired_date(&self) -> Option<NaiveDate> {
        self.0.desired_date
    }
    async fn priority(&self) -> Result<Priority> {
        Ok(parse_enum::<workflow::Priority>(&self.0.priority)?.into())
    }
    async fn status(&self) -> Result<RequestStatus> {
        Ok(parse_enum::<workflow::Status>(&self.0.status)?.into())
    }
    /// The SOP step the request is at (none when returned or closed).
    async fn current_step(&self) -> Option<SopStep> {
        self.0
            .current_step
            .and_then(Step::from_number)
            .map(Into::into)
    }
    /// The step number, 1–7.
    async fn current_step_number(&self) -> Option<i16> {
        self.0.current_step
    }
    /// The step a returned request goes back to when resubmitted.
    async fn returned_from_step(&self) -> Option<SopStep> {
        self.0
            .returned_from_step
            .and_then(Step::from_number)
            .map(Into::into)
    }
    /// The role that holds the request now.
    async fn holder_role(&self) -> Result<Option<Role>> {
        self.0
            .holder_role
            .as_deref()
            .map(|r| parse_enum::<workflow::Role>(r).map(Role::from))
            .transpose()
    }
    /// The person who holds it now, when one is named.
    async fn holder(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.0.holder_user_id).await
    }
    async fn requester(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, Some(self.0.requester_id)).await
    }
    /// Increases with every change; pass it back as `expectedVersion` to detect a stale view.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The current content (title and narrative).
    async fn content(&self, ctx: &Context<'_>) -> Result<Option<ContentVersion>> {
        let key = ContentKey {
            request_id: self.0.id,
            version: self.0.current_content_version,
        };
        Ok(loader(ctx)?
            .load_one(key)
            .await
            .map_err(load_failed)?
            .map(ContentVersion))
    }
    /// Every version of the content, oldest first.
    async fn content_versions(&self, ctx: &Context<'_>) -> Result<Vec<ContentVersion>> {
        let rows = loader(ctx)?
            .load_one(ContentVersionsOf(self.0.id))
            .await
            .map_err(load_failed)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(ContentVersion)
            .collect())
    }
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<Attachment>> {
        let rows = loader(ctx)?
            .load_one(AttachmentsOf(self.0.id))
            .await
            .map_err(load_failed)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(Attachment)
            .collect())
    }
    /// The chain of dispositions (the electronic *lembar disposisi*), oldest first.
    async fn dispositions(&self, ctx: &Context<'_>) -> Result<Vec<Disposition>> {
        let rows = loader(ctx)?
            .load_one(DispositionsOf(self.0.id))
            .await
            .map_err(load_failed)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(Disposition)
            .collect())
    }
    /// The step now open, if any.
    async fn open_disposition(&self, ctx: &Context<'_>) -> Result<Option<Disposition>> {
        let rows = loader(ctx)?
            .load_one(DispositionsOf(self.0.id))
            .await
            .map_err(load_failed)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .find(|d| d.done_at.is_none())
            .map(Disposition))
    }
    async fn reviews(&self, ctx: &Context<'_>) -> Result<Vec<Review>> {
        let rows = loader(ctx)?
            .load_one(ReviewsOf(self.0.id))
            .await
            .map_err(load_failed)?;
        Ok(rows.unwrap_or_default().into_iter().map(Review).collect())
    }
    /// Channels chosen in step 2.
    async fn channels(&self, ctx: &Context<'_>) -> Result<Vec<Channel>> {
        let rows = loader(ctx)?
            .load_one(ChannelsOf(self.0.id))
            .await
            .map_err(load_failed)?;
        Ok(rows.unwrap_or_default().into_iter().map(Channel).collect())
    }
    async fn publications(&self, ctx: &Context<'_>) -> Result<Vec<Publication>> {
        let rows = loader(ctx)?
            .load_one(PublicationsOf(self.0.id))
            .await
            .map_err(load_failed)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(Publication)
            .collect())
    }
    /// The step-7 archive entry, when the caller's roles admit its access class.
    async fn archive_entry(&self, ctx: &Context<'_>) -> Result<Option<ArchiveEntry>> {
        let principal = crate::graphql::principal(ctx);
        Ok(loader(ctx)?
            .load_one(ArchiveOf(self.0.id))
            .await
            .map_err(load_failed)?
            .filter(|e| crate::service::archive::may_read(&principal, &e.access_class))
            .map(ArchiveEntry))
    }
    /// The step-3 checklist as the coordinator confirmed it.
    async fn checklist(&self) -> Option<Checklist> {
        let value = self.0.checklist.clone()?;
        serde_json::from_value::<workflow::Checklist>(value)
            .ok()
            .map(Checklist::from)
    }
    async fn rejection_reason(&self) -> Option<&str> {
        self.0.rejection_reason.as_deref()
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }
    /// Download path of the printable disposition sheet, a PDF (send the bearer token).
    async fn disposition_sheet_url(&self) -> String {
        crate::paper::disposition_sheet_path(self.0.id)
    }
    /// Download path of the printable publication record, a PDF (send the bearer token).
    async fn publication_record_url(&self) -> String {
        crate::paper::publication_record_path(self.0.id)
    }
    /// Time standards per step: deadline, time taken and whether each step met its standard.
    async fn sla(&self, ctx: &Context<'_>) -> Result<RequestSla> {
        let rows = loader(ctx)?
            .load_one(DispositionsOf(self.0.id))
            .await
            .map_err(load_failed)?
            .unwrap_or_default();
        let calendar = loader(ctx)?
            .load_one(CalendarKey)
            .await
            .map_err(load_failed)?;
        let steps: Vec<StepSla> = rows
            .iter()
            .map(|d| step_sla(d, calendar.as_ref(), Utc::now()))
            .collect();
        Ok(RequestSla {
            all_met: steps.iter().all(|s| s.met != Some(false)),
            overdue: steps.iter().any(|s| s.overdue),
            total_seconds: steps.iter().map(|s| s.time_taken_seconds).sum(),
            steps,
        })
    }
}

/// The SLA of one step instance (one disposition).
#[derive(SimpleObject, Debug, Clone)]
pub struct StepSla {
    pub step: SopStep,
    pub step_number: i16,
    pub started_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The time that counts against the standard (working time only, where so configured),
    /// up to completion or up to now while open.
    pub time_taken_seconds: i64,
    /// The standard in minutes.
    pub standard_minutes: i32,
    pub working_hours_only: bool,
    /// Completed within the deadline; null while open and not yet overdue.
    pub met: Option<bool>,
    /// Still open past its deadline.
    pub overdue: bool,
}

fn step_sla(
    d: &disposition::Model,
    calendar: Option<&sla::WorkCalendar>,
    now: DateTime<Utc>,
) -> StepSla {
    let step = Step::from_number(d.step).unwrap_or(Step::Disposition);
    // The standard the step opened under, not today's: a later change must not rewrite history.
    let standard = sla::SlaStandard {
        minutes: u32::try_from(d.sla_minutes).unwrap_or_default(),
        working_hours_only: d.sla_working_hours_only,
    };
    let calendar = calendar.cloned().unwrap_or_default();
    let end = d.done_at.unwrap_or(now);
    let taken = sla::time_taken(d.created_at, end, &standard, &calendar);
    let met = match d.done_at {
        Some(done) => Some(done <= d.sla_deadline),
        None if now > d.sla_deadline => Some(false),
        None => None,
    };
    StepSla {
        step: step.into(),
        step_number: d.step,
        started_at: d.created_at,
        deadline: d.sla_deadline,
        completed_at: d.done_at,
        time_taken_seconds: taken.num_seconds(),
        standard_minutes: d.sla_minutes,
        working_hours_only: d.sla_working_hours_only,
        met,
        overdue: d.done_at.is_none() && now > d.sla_deadline,
    }
}

/// SLA figures of a whole request.
#[derive(SimpleObject, Debug, Clone)]
pub struct RequestSla {
    pub steps: Vec<StepSla>,
    /// No step missed its deadline (so far).
    pub all_met: bool,
    /// The open step is past its deadline.
    pub overdue: bool,
    pub total_seconds: i64,
}

/// One version of a request's title and narrative.
pub struct ContentVersion(pub content_version::Model);

#[Object]
impl ContentVersion {
    async fn version(&self) -> i32 {
        self.0.version_no
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn narrative(&self) -> &str {
        &self.0.narrative
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.0.author_id).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// An uploaded file.
pub struct Attachment(pub attachment::Model);

#[Object]
impl Attachment {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    async fn filename(&self) -> &str {
        &self.0.filename
    }
    /// Sniffed from the bytes, not taken from the upload.
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }
    /// Download path (send the bearer token).
    async fn url(&self) -> String {
        format!("/attachments/{}", self.0.id)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// One step opened for its holder: who sent what to whom, with which instruction, when.
pub struct Disposition(pub disposition::Model);

#[Object]
impl Disposition {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn step(&self) -> SopStep {
        Step::from_number(self.0.step)
            .unwrap_or(Step::Disposition)
            .into()
    }
    async fn step_number(&self) -> i16 {
        self.0.step
    }
    async fn from(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.0.from_user_id).await
    }
    async fn to_role(&self) -> Result<Role> {
        Ok(parse_enum::<workflow::Role>(&self.0.to_role)?.into())
    }
    async fn to(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.0.to_user_id).await
    }
    async fn instruction(&self) -> Result<Option<Instruction>> {
        self.0
            .instruction
            .as_deref()
            .map(|i| parse_enum::<workflow::Instruction>(i).map(Into::into))
            .transpose()
    }
    async fn instruction_text(&self) -> Option<&str> {
        self.0.instruction_text.as_deref()
    }
    async fn priority(&self) -> Result<Priority> {
        Ok(parse_enum::<workflow::Priority>(&self.0.priority)?.into())
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The due time the sender asked for, if any.
    async fn due_at(&self) -> Option<DateTime<Utc>> {
        self.0.due_at
    }
    /// The deadline from the step's time standard.
    async fn sla_deadline(&self) -> DateTime<Utc> {
        self.0.sla_deadline
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn read_at(&self) -> Option<DateTime<Utc>> {
        self.0.read_at
    }
    async fn done_at(&self) -> Option<DateTime<Utc>> {
        self.0.done_at
    }
    /// How the step ended: forwarded, returned, rejected, withdrawn, published, archived.
    async fn outcome(&self) -> Option<&str> {
        self.0.outcome.as_deref()
    }
    async fn sla(&self, ctx: &Context<'_>) -> Result<StepSla> {
        let calendar = loader(ctx)?
            .load_one(CalendarKey)
            .await
            .map_err(load_failed)?;
        Ok(step_sla(&self.0, calendar.as_ref(), Utc::now()))
    }
}

/// The step-4 verdict.
pub struct Review(pub review::Model);

#[Object]
impl Review {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn verdict(&self) -> Result<Verdict> {
        Ok(parse_enum::<workflow::Verdict>(&self.0.verdict)?.into())
    }
    async fn comment(&self) -> &str {
        &self.0.comment
    }
    async fn content_version(&self) -> i32 {
        self.0.content_version
    }
    async fn reviewer(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.0.reviewer_id).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A Telegram target.
pub struct Channel(pub channel::Model);

#[Object]
impl Channel {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Numeric chat id or `@username`.
    async fn chat_ref(&self) -> &str {
        &self.0.chat_ref
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn link_preview(&self) -> bool {
        self.0.link_preview
    }
    async fn silent(&self) -> bool {
        self.0.silent
    }
    async fn active(&self) -> bool {
        self.0.active
    }
    /// When Telegram was last asked whether the bot may post here (on registration, on
    /// each edit, and by `checkChannel`).
    async fn checked_at(&self) -> Option<DateTime<Utc>> {
        self.0.checked_at
    }
    /// What that check found; null before the first check.
    async fn check_status(&self) -> Option<ChannelCheckStatus> {
        self.0
            .check_status
            .as_deref()
            .and_then(crate::service::channel_check::CheckStatus::parse)
            .map(Into::into)
    }
    /// What to fix, in words; null when all was well.
    async fn check_problem(&self) -> Option<&str> {
        self.0.check_problem.as_deref()
    }
}

/// What the last check of a channel with Telegram found.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ChannelCheckStatus {
    /// The bot may post.
    Ok,
    /// Telegram answered, and something must be fixed (see `checkProblem`).
    Problem,
    /// Telegram could not be asked.
    Error,
}

impl From<crate::service::channel_check::CheckStatus> for ChannelCheckStatus {
    fn from(s: crate::service::channel_check::CheckStatus) -> Self {
        use crate::service::channel_check::CheckStatus as S;
        match s {
            S::Ok => ChannelCheckStatus::Ok,
            S::Problem => ChannelCheckStatus::Problem,
            S::Error => ChannelCheckStatus::Error,
        }
    }
}

/// One request on one channel.
pub struct Publication(pub publication::Model);

#[Object]
impl Publication {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn status(&self) -> Result<PublicationStatus> {
        Ok(parse_enum::<workflow::PublicationStatus>(&self.0.status)?.into())
    }
    async fn channel(&self, ctx: &Context<'_>) -> Result<Option<Channel>> {
        Ok(loader(ctx)?
            .load_one(ChannelKey(self.0.channel_id))
            .await
            .map_err(load_failed)?
            .map(Channel))
    }
    async fn request_id(&self) -> ID {
        ID(self.0.request_id.to_string())
    }
    async fn content_version(&self) -> i32 {
        self.0.content_version
    }
    async fn scheduled_at(&self) -> Option<DateTime<Utc>> {
        self.0.scheduled_at
    }
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.sent_at
    }
    async fn message_ids(&self) -> Vec<i64> {
        self.0
            .message_ids
            .as_ref()
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }
    /// Public link, e.g. `https://t.me/humas_unej/123`.
    async fn link(&self) -> Option<&str> {
        self.0.link.as_deref()
    }
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Hex SHA-256 of exactly what the worker sent (canonical form: `api/src/telegram/publisher/proof.rs`).
    async fn sent_sha256(&self) -> Option<&str> {
        self.0.sent_sha256.as_deref()
    }
    /// When the post was last corrected on Telegram.
    async fn edited_at(&self) -> Option<DateTime<Utc>> {
        self.0.edited_at
    }
    /// When the post was taken down from Telegram.
    async fn retracted_at(&self) -> Option<DateTime<Utc>> {
        self.0.retracted_at
    }
}

/// One entry of the append-only event log.
pub struct Event(pub event::Model);

#[Object]
impl Event {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn request_id(&self) -> Option<ID> {
        self.0.request_id.map(|r| ID(r.to_string()))
    }
    /// What happened, e.g. `submitted`, `forwarded`, `reviewed`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// `user`, `client`, `cli` or `system`.
    async fn actor_kind(&self) -> &str {
        &self.0.actor_kind
    }
    async fn actor_label(&self) -> &str {
        &self.0.actor_label
    }
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.0.actor_user_id).await
    }
    async fn from_status(&self) -> Option<&str> {
        self.0.from_status.as_deref()
    }
    async fn to_status(&self) -> Option<&str> {
        self.0.to_status.as_deref()
    }
    async fn payload(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(self.0.payload.clone())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// The step-3 checklist.
#[derive(SimpleObject, InputObject, Debug, Clone, Copy)]
#[graphql(input_name = "ChecklistInput")]
pub struct Checklist {
    /// The signed request letter is attached.
    pub letter_attached: bool,
    /// The requesting unit and person are identified.
    pub requester_identified: bool,
    /// Date, time and place are clear.
    pub schedule_clear: bool,
    /// A contact person is given.
    pub contact_clear: bool,
    /// The media are fit to publish.
    pub media_suitable: bool,
}

impl From<workflow::Checklist> for Checklist {
    fn from(c: workflow::Checklist) -> Self {
        Self {
            letter_attached: c.letter_attached,
            requester_identified: c.requester_identified,
            schedule_clear: c.schedule_clear,
            contact_clear: c.contact_clear,
            media_suitable: c.media_suitable,
        }
    }
}

impl From<Checklist> for workflow::Checklist {
    fn from(c: Checklist) -> Self {
        Self {
            letter_attached: c.letter_attached,
            requester_identified: c.requester_identified,
            schedule_clear: c.schedule_clear,
            contact_clear: c.contact_clear,
            media_suitable: c.media_suitable,
        }
    }
}

/// A time standard of one step.
pub struct SlaStandard(pub sla_standard::Model);

#[Object]
impl SlaStandard {
    async fn step(&self) -> SopStep {
        Step::from_number(self.0.step)
            .unwrap_or(Step::Disposition)
            .into()
    }
    async fn step_number(&self) -> i16 {
        self.0.step
    }
    async fn minutes(&self) -> i32 {
        self.0.minutes
    }
    /// Count only working hours of the WIB calendar (otherwise wall-clock time).
    async fn working_hours_only(&self) -> bool {
        self.0.working_hours_only
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// The WIB working calendar.
#[derive(SimpleObject, Debug, Clone)]
pub struct WorkCalendar {
    /// ISO weekday numbers, Monday = 1.
    pub working_days: Vec<i32>,
    /// `HH:MM`, WIB.
    pub work_start: String,
    pub work_end: String,
    pub holidays: Vec<Holiday>,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

/// An API client (its secret is never shown again).
pub struct ApiClient(pub api_client::Model);

#[Object]
impl ApiClient {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn client_id(&self) -> &str {
        &self.0.client_id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn scopes(&self) -> Vec<ClientScope> {
        self.0
            .scopes
            .split_whitespace()
            .filter_map(|s| s.parse::<crate::auth::Scope>().ok())
            .map(Into::into)
            .collect()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A request waiting on the viewer.
pub struct InboxItem(pub crate::service::requests::InboxItem);

#[Object]
impl InboxItem {
    async fn request(&self) -> Request {
        Request(self.0.request.clone())
    }
    /// The open step; none for a request returned to its requester.
    async fn disposition(&self) -> Option<Disposition> {
        self.0.disposition.clone().map(Disposition)
    }
    async fn deadline(&self) -> Option<DateTime<Utc>> {
        self.0.disposition.as_ref().map(|d| d.sla_deadline)
    }
    async fn overdue(&self) -> bool {
        self.0
            .disposition
            .as_ref()
            .is_some_and(|d| Utc::now() > d.sla_deadline)
    }
}

/// A published request as third parties see it.
pub struct Announcement(pub crate::service::publications::Announcement);

#[Object]
impl Announcement {
    async fn request_id(&self) -> ID {
        ID(self.0.request.id.to_string())
    }
    async fn agenda_number(&self) -> &str {
        &self.0.request.agenda_number
    }
    async fn unit(&self) -> &str {
        &self.0.request.unit
    }
    async fn title(&self) -> &str {
        &self.0.content.title
    }
    /// The text as approved for publication.
    async fn text(&self) -> &str {
        &self.0.content.narrative
    }
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0
            .publications
            .iter()
            .filter_map(|(p, _)| p.sent_at)
            .min()
    }
    async fn posts(&self) -> Vec<AnnouncementPost> {
        self.0
            .publications
            .iter()
            .map(|(p, c)| AnnouncementPost {
                channel: c.name.clone(),
                link: p.link.clone(),
                sent_at: p.sent_at,
            })
            .collect()
    }
}

/// Where an announcement was posted.
#[derive(SimpleObject, Debug, Clone)]
pub struct AnnouncementPost {
    pub channel: String,
    pub link: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A publication job leased to a worker.
pub struct PublicationJob(pub crate::service::publications::PublicationJob);

#[Object]
impl PublicationJob {
    async fn job_id(&self) -> ID {
        ID(self.0.job_id.to_string())
    }
    async fn lease_until(&self) -> DateTime<Utc> {
        self.0.lease_until
    }
    async fn publication(&self) -> Publication {
        Publication(self.0.publication.clone())
    }
    async fn channel(&self) -> Channel {
        Channel(self.0.channel.clone())
    }
    async fn agenda_number(&self) -> &str {
        &self.0.request.agenda_number
    }
    async fn title(&self) -> &str {
        &self.0.content.title
    }
    async fn text(&self) -> &str {
        &self.0.content.narrative
    }
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<Attachment>> {
        let rows = loader(ctx)?
            .load_one(AttachmentsOf(self.0.request.id))
            .await
            .map_err(load_failed)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.kind == "media")
            .map(Attachment)
            .collect())
    }
}
