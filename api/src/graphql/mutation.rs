//! Write operations: sign-in, every workflow transition, uploads and administration.
//! Each resolver parses its input, checks who may call it, and calls one service function.

use std::collections::BTreeSet;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject, Upload};
use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    graphql::{
        archive,
        error::{code, coded, parse_id},
        guard::*,
        principal, request_meta, services,
        types::*,
    },
    service::{
        Audit,
        accounts::{NewUser, SessionTokens},
        archive::{ArchiveInput, ClassificationEdit, NewClassification, RetentionReview},
        channels::ChannelInput,
        push::NewPushSubscription,
        requests::{ActDetails, ContentEdit, DeliveryDetails, SubmitInput},
        sla::CalendarSettings,
    },
    workflow::{self, Command, DispositionNote},
};

pub struct Mutation;

/// Tokens handed out at sign-in and refresh.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Bearer token for `Authorization: Bearer …`, valid until `expiresAt`.
    pub access_token: String,
    pub expires_at: DateTime<Utc>,
    /// Trade it for new tokens with `refreshSession`; it works once.
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub user: User,
}

impl From<SessionTokens> for AuthPayload {
    fn from(t: SessionTokens) -> Self {
        Self {
            access_token: t.access.token,
            expires_at: t.access.expires_at,
            refresh_token: t.refresh_token,
            refresh_expires_at: t.refresh_expires_at,
            user: User(t.user),
        }
    }
}

#[derive(SimpleObject)]
pub struct ClientTokenPayload {
    pub access_token: String,
    pub expires_at: DateTime<Utc>,
    pub scopes: Vec<ClientScope>,
}

#[derive(InputObject)]
pub struct SubmitRequestInput {
    pub title: String,
    /// The requesting unit; defaults to the requester's unit.
    pub unit: Option<String>,
    pub audience: String,
    pub desired_date: Option<NaiveDate>,
    pub narrative: String,
    pub priority: Option<Priority>,
    /// Files uploaded before with `uploadAttachment`.
    pub attachment_ids: Option<Vec<ID>>,
    /// API clients only: the requester on whose behalf the request is made.
    pub requester_username: Option<String>,
}

/// A disposition down the chain (steps 1, 2, 3 and 5).
#[derive(InputObject)]
pub struct ForwardRequestInput {
    pub request_id: ID,
    /// The version you saw; a different current version is a `CONFLICT`.
    pub expected_version: Option<i32>,
    /// A named person of the next step's role (otherwise anyone holding the role).
    pub to_user_id: Option<ID>,
    pub instruction: Option<Instruction>,
    pub instruction_text: Option<String>,
    pub priority: Option<Priority>,
    pub due_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    /// Step 2 only, required: the channels to publish to.
    pub channel_ids: Option<Vec<ID>>,
    /// Step 3 only, required and complete.
    pub checklist: Option<Checklist>,
}

/// Step 4: the verdict on the narrative, optionally with the edited content saved first.
#[derive(InputObject)]
pub struct ReviewRequestInput {
    pub request_id: ID,
    pub expected_version: Option<i32>,
    pub verdict: Verdict,
    /// Required for `REVISE` and `REJECT`.
    pub comment: Option<String>,
    /// An edited title, saved as a new content version before the verdict.
    pub title: Option<String>,
    /// An edited narrative, saved as a new content version before the verdict.
    pub narrative: Option<String>,
}

#[derive(InputObject)]
pub struct ReviseContentInput {
    pub request_id: ID,
    pub expected_version: Option<i32>,
    pub title: Option<String>,
    pub narrative: String,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct PublishRequestInput {
    pub request_id: ID,
    pub expected_version: Option<i32>,
    /// Send at this time instead of now.
    pub schedule_at: Option<DateTime<Utc>>,
}

#[derive(InputObject)]
pub struct ArchiveRequestInput {
    pub request_id: ID,
    pub expected_version: Option<i32>,
    /// A code of the active classification list (`classifications`), e.g. `HM.01.02`.
    pub classification_code: String,
    /// Years to keep it; the classification's default when left out.
    pub retention_years: Option<i32>,
    /// Who may read the entry; `PUBLIC` when left out (what was published anyway).
    pub access_class: Option<crate::graphql::archive::AccessClass>,
}

#[derive(InputObject)]
pub struct ReasonInput {
    pub request_id: ID,
    pub expected_version: Option<i32>,
    pub reason: String,
}

#[derive(InputObject)]
pub struct WithdrawRequestInput {
    pub request_id: ID,
    pub expected_version: Option<i32>,
    pub reason: Option<String>,
}

#[derive(InputObject)]
pub struct ResubmitRequestInput {
    pub request_id: ID,
    pub expected_version: Option<i32>,
    /// Revised content, saved as a new version before resubmitting.
    pub title: Option<String>,
    pub narrative: Option<String>,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct ReassignRequestInput {
    pub request_id: ID,
    pub expected_version: Option<i32>,
    pub to_user_id: ID,
}

#[derive(InputObject)]
pub struct ReportPublicationInput {
    pub publication_id: ID,
    pub outcome: DeliveryOutcome,
    pub message_ids: Option<Vec<i64>>,
    pub link: Option<String>,
    pub error: Option<String>,
    /// Hex SHA-256 of exactly what was sent, in the publisher's canonical form.
    pub sent_sha256: Option<String>,
}

#[derive(InputObject)]
pub struct ResolvePublicationInput {
    pub publication_id: ID,
    /// True: it did appear (give its link); false: send it again.
    pub posted: bool,
    pub link: Option<String>,
}

#[derive(InputObject)]
pub struct CorrectPublicationInput {
    pub publication_id: ID,
    /// The corrected narrative (plain text; the title stays as approved).
    pub text: String,
    /// Why, for the log (required, up to 500 characters).
    pub reason: String,
}

#[derive(InputObject)]
pub struct RetractPublicationInput {
    pub publication_id: ID,
    /// Why, for the log (required, up to 500 characters).
    pub reason: String,
}

#[derive(InputObject)]
pub struct CreateUserInput {
    pub username: String,
    pub full_name: String,
    pub unit: Option<String>,
    pub roles: Vec<Role>,
    /// Leave out to have one generated (returned once).
    pub password: Option<String>,
}

#[derive(SimpleObject)]
pub struct CreateUserPayload {
    pub user: User,
    /// The generated password, shown this once.
    pub generated_password: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateUserInput {
    pub user_id: ID,
    pub full_name: Option<String>,
    pub unit: Option<String>,
    pub active: Option<bool>,
}

#[derive(InputObject)]
pub struct ChannelFields {
    pub name: Option<String>,
    /// Numeric chat id or `@username`.
    pub chat_ref: Option<String>,
    pub description: Option<String>,
    pub link_preview: Option<bool>,
    pub silent: Option<bool>,
    pub active: Option<bool>,
}

impl From<ChannelFields> for ChannelInput {
    fn from(f: ChannelFields) -> Self {
        ChannelInput {
            name: f.name,
            chat_ref: f.chat_ref,
            description: f.description.map(Some),
            link_preview: f.link_preview,
            silent: f.silent,
            active: f.active,
        }
    }
}

#[derive(InputObject)]
pub struct WorkCalendarInput {
    /// ISO weekday numbers, Monday = 1.
    pub working_days: Vec<i32>,
    /// `HH:MM`, WIB.
    pub work_start: String,
    pub work_end: String,
}

/// What Telegram says about a channel.
#[derive(SimpleObject)]
pub struct ChannelCheck {
    /// The bot can see the chat.
    pub reachable: bool,
    pub title: Option<String>,
    /// The bot's status there: administrator, member, left, banned, …
    pub bot_status: Option<String>,
    /// The bot may post there.
    pub can_post: bool,
    /// What to fix; null when all is well.
    pub problem: Option<String>,
}

#[derive(SimpleObject)]
pub struct CreateApiClientPayload {
    pub client: ApiClient,
    /// Shown this once.
    pub client_secret: String,
}

fn parse_ids(ids: &[ID], what: &str) -> Result<Vec<i64>> {
    ids.iter().map(|id| parse_id(id, what)).collect()
}

async fn audit(ctx: &Context<'_>) -> Result<Audit> {
    Ok(services(ctx)?.audit_of(&principal(ctx)).await?)
}

/// Runs workflow commands on a request and returns it as it is afterwards.
async fn act(
    ctx: &Context<'_>,
    request_id: &ID,
    expected_version: Option<i32>,
    commands: &[Command],
    details: ActDetails,
) -> Result<Request> {
    let id = parse_id(request_id, "request")?;
    let row = services(ctx)?
        .act(&principal(ctx), id, expected_version, commands, details)
        .await?;
    Ok(Request(row))
}

/// Runs one workflow command that carries nothing beyond the rules.
async fn act_one(
    ctx: &Context<'_>,
    request_id: &ID,
    expected_version: Option<i32>,
    command: Command,
) -> Result<Request> {
    act(
        ctx,
        request_id,
        expected_version,
        &[command],
        ActDetails::default(),
    )
    .await
}

/// An edited narrative (and title) saved as a new version before `then`.
fn with_content_edit(
    title: Option<String>,
    narrative: Option<String>,
    note: Option<String>,
    then: Command,
) -> Result<(Vec<Command>, ActDetails)> {
    match narrative {
        Some(narrative) => Ok((
            vec![Command::ReviseContent, then],
            ActDetails {
                content: Some(ContentEdit {
                    title,
                    narrative,
                    note,
                }),
                ..Default::default()
            },
        )),
        None if title.is_some() => Err(coded(
            code::BAD_USER_INPUT,
            "an edited title needs the narrative too",
        )),
        None => Ok((vec![then], ActDetails::default())),
    }
}

#[Object]
impl Mutation {
    /// Signs in with username and password.
    async fn login(
        &self,
        ctx: &Context<'_>,
        username: String,
        password: String,
    ) -> Result<AuthPayload> {
        let addr = request_meta(ctx).client_addr;
        Ok(services(ctx)?
            .login(&username, &password, addr)
            .await?
            .into())
    }

    /// Trades a refresh token for new tokens (the old one stops working).
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> Result<AuthPayload> {
        Ok(services(ctx)?.refresh_session(&refresh_token).await?.into())
    }

    /// Signs out the session of this refresh token.
    #[graphql(guard = "SignedIn")]
    async fn logout(&self, ctx: &Context<'_>, refresh_token: String) -> Result<bool> {
        Ok(services(ctx)?
            .logout(&principal(ctx), &refresh_token)
            .await?)
    }

    /// Changes my password; my other sessions are signed out.
    #[graphql(guard = "SignedIn")]
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> Result<bool> {
        services(ctx)?
            .change_password(&principal(ctx), &current_password, &new_password)
            .await?;
        Ok(true)
    }

    /// Client credentials: an API client's id and secret for an access token.
    async fn client_token(
        &self,
        ctx: &Context<'_>,
        client_id: String,
        client_secret: String,
    ) -> Result<ClientTokenPayload> {
        let addr = request_meta(ctx).client_addr;
        let (token, scopes) = services(ctx)?
            .client_token(&client_id, &client_secret, addr)
            .await?;
        Ok(ClientTokenPayload {
            access_token: token.token,
            expires_at: token.expires_at,
            scopes: scopes.into_iter().map(Into::into).collect(),
        })
    }

    /// Submits a publication request (requesters; clients with `submit:requests`).
    #[graphql(guard = "Allow::roles_or_scopes(SUBMITTERS, &[crate::auth::Scope::SubmitRequests])")]
    async fn submit_request(
        &self,
        ctx: &Context<'_>,
        input: SubmitRequestInput,
    ) -> Result<Request> {
        let input = SubmitInput {
            title: input.title,
            unit: input.unit,
            audience: input.audience,
            desired_date: input.desired_date,
            narrative: input.narrative,
            priority: input.priority.map(Into::into).unwrap_or_default(),
            attachment_ids: parse_ids(&input.attachment_ids.unwrap_or_default(), "attachment")?,
            requester_username: input.requester_username,
        };
        Ok(Request(
            services(ctx)?
                .submit_request(&principal(ctx), input)
                .await?,
        ))
    }

    /// Sends the request down the chain: step 1 → 2 → 3 → 4, and 5 → 6.
    #[graphql(guard = "Allow::roles(FORWARDERS)")]
    async fn forward_request(
        &self,
        ctx: &Context<'_>,
        input: ForwardRequestInput,
    ) -> Result<Request> {
        let channels = match &input.channel_ids {
            Some(ids) => Some(
                parse_ids(ids, "channel")?
                    .into_iter()
                    .collect::<BTreeSet<_>>(),
            ),
            None => None,
        };
        let command = Command::Forward {
            to_user: input
                .to_user_id
                .as_ref()
                .map(|id| parse_id(id, "user"))
                .transpose()?,
            note: DispositionNote {
                instruction: input.instruction.map(Into::into),
                instruction_text: input.instruction_text,
                priority: input.priority.map(Into::into).unwrap_or_default(),
                due_at: input.due_at,
                note: input.note,
            },
            channels,
            checklist: input.checklist.map(Into::into),
        };
        act_one(ctx, &input.request_id, input.expected_version, command).await
    }

    /// Step 4: fit, revise (back to the requester) or reject; edits become a new version.
    #[graphql(guard = "Allow::roles(DEPUTY)")]
    async fn review_request(
        &self,
        ctx: &Context<'_>,
        input: ReviewRequestInput,
    ) -> Result<Request> {
        let review = Command::Review {
            verdict: input.verdict.into(),
            comment: input.comment.unwrap_or_default(),
        };
        let (commands, details) = with_content_edit(input.title, input.narrative, None, review)?;
        act(
            ctx,
            &input.request_id,
            input.expected_version,
            &commands,
            details,
        )
        .await
    }

    /// Saves an edited narrative as a new version (the deputy at step 4, or the requester of a
    /// returned request).
    #[graphql(guard = "Allow::roles(DEPUTY_OR_REQUESTER)")]
    async fn revise_content(
        &self,
        ctx: &Context<'_>,
        input: ReviseContentInput,
    ) -> Result<Request> {
        let details = ActDetails {
            content: Some(ContentEdit {
                title: input.title,
                narrative: input.narrative,
                note: input.note,
            }),
            ..Default::default()
        };
        act(
            ctx,
            &input.request_id,
            input.expected_version,
            &[Command::ReviseContent],
            details,
        )
        .await
    }

    /// Step 6: queue one publication per chosen channel, now or at a time.
    #[graphql(guard = "Allow::roles(STAFF)")]
    async fn publish_request(
        &self,
        ctx: &Context<'_>,
        input: PublishRequestInput,
    ) -> Result<Request> {
        if input
            .schedule_at
            .is_some_and(|t| t > Utc::now() + chrono::Duration::days(366))
        {
            return Err(coded(
                code::BAD_USER_INPUT,
                "scheduleAt is more than a year ahead",
            ));
        }
        let command = Command::Publish {
            schedule_at: input.schedule_at.filter(|t| *t > Utc::now()),
        };
        act_one(ctx, &input.request_id, input.expected_version, command).await
    }

    /// Step 7: archive under a code of the classification list, with a retention and an
    /// access class.
    #[graphql(guard = "Allow::roles(STAFF)")]
    async fn archive_request(
        &self,
        ctx: &Context<'_>,
        input: ArchiveRequestInput,
    ) -> Result<Request> {
        let id = parse_id(&input.request_id, "request")?;
        let archive = ArchiveInput {
            classification_code: input.classification_code,
            retention_years: input.retention_years,
            access_class: input.access_class.map(Into::into).unwrap_or_default(),
        };
        Ok(Request(
            services(ctx)?
                .archive_request(&principal(ctx), id, input.expected_version, archive)
                .await?,
        ))
    }

    /// Sends the request back to its requester for revision (holders of steps 1–5).
    #[graphql(guard = "Allow::roles(DECIDERS)")]
    async fn return_for_revision(&self, ctx: &Context<'_>, input: ReasonInput) -> Result<Request> {
        let command = Command::ReturnForRevision {
            reason: input.reason,
        };
        act_one(ctx, &input.request_id, input.expected_version, command).await
    }

    /// The requester sends a returned request back, optionally with revised content.
    #[graphql(guard = "Allow::roles(REQUESTER)")]
    async fn resubmit_request(
        &self,
        ctx: &Context<'_>,
        input: ResubmitRequestInput,
    ) -> Result<Request> {
        let (commands, details) =
            with_content_edit(input.title, input.narrative, input.note, Command::Resubmit)?;
        act(
            ctx,
            &input.request_id,
            input.expected_version,
            &commands,
            details,
        )
        .await
    }

    /// Rejects the request with a reason (holders of steps 1–5).
    #[graphql(guard = "Allow::roles(DECIDERS)")]
    async fn reject_request(&self, ctx: &Context<'_>, input: ReasonInput) -> Result<Request> {
        let command = Command::Reject {
            reason: input.reason,
        };
        act_one(ctx, &input.request_id, input.expected_version, command).await
    }

    /// The requester withdraws their request.
    #[graphql(guard = "Allow::roles(REQUESTER)")]
    async fn withdraw_request(
        &self,
        ctx: &Context<'_>,
        input: WithdrawRequestInput,
    ) -> Result<Request> {
        let command = Command::Withdraw {
            reason: input.reason,
        };
        act_one(ctx, &input.request_id, input.expected_version, command).await
    }

    /// Hands the current step to another holder of its role (the holder, or an admin).
    #[graphql(guard = "Allow::roles(OFFICIALS_AND_ADMIN)")]
    async fn reassign_request(
        &self,
        ctx: &Context<'_>,
        input: ReassignRequestInput,
    ) -> Result<Request> {
        let to_user = parse_id(&input.to_user_id, "user")?;
        let s = services(ctx)?;
        let target = s.user_by_id(to_user).await?;
        if !target.active {
            return Err(coded(code::BAD_USER_INPUT, "that user is deactivated"));
        }
        let roles = crate::service::accounts::roles_of(&s.db.conn, to_user).await?;
        let command = Command::Reassign {
            to_user,
            to_user_roles: roles,
        };
        act_one(ctx, &input.request_id, input.expected_version, command).await
    }

    /// Marks a disposition addressed to me as read.
    #[graphql(guard = "Allow::roles(OFFICIALS)")]
    async fn mark_disposition_read(
        &self,
        ctx: &Context<'_>,
        disposition_id: ID,
    ) -> Result<Disposition> {
        let id = parse_id(&disposition_id, "disposition")?;
        Ok(Disposition(
            services(ctx)?
                .mark_disposition_read(&principal(ctx), id)
                .await?,
        ))
    }

    /// Uploads a file (GraphQL multipart request). Images, PDF and video; the type is sniffed.
    #[graphql(
        guard = "Allow::roles_or_scopes(&[workflow::Role::Requester, workflow::Role::HumasDeputy, workflow::Role::Staff, workflow::Role::Admin], &[crate::auth::Scope::SubmitRequests])"
    )]
    async fn upload_attachment(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        kind: AttachmentKind,
        request_id: Option<ID>,
    ) -> Result<Attachment> {
        let upload = file
            .value(ctx)
            .map_err(|_| coded(code::BAD_USER_INPUT, "the file could not be read"))?;
        let request_id = request_id
            .as_ref()
            .map(|id| parse_id(id, "request"))
            .transpose()?;
        let row = services(ctx)?
            .upload_attachment(
                &principal(ctx),
                &upload.filename,
                upload.content,
                kind.into(),
                request_id,
            )
            .await?;
        Ok(Attachment(row))
    }

    /// The worker takes due publication jobs under a lease.
    #[graphql(guard = "Allow::scopes(&[crate::auth::Scope::Worker])")]
    async fn claim_publication_jobs(
        &self,
        ctx: &Context<'_>,
        worker: String,
        #[graphql(default = 10)] limit: i32,
        #[graphql(default = 60)] lease_seconds: i32,
    ) -> Result<Vec<PublicationJob>> {
        let limit = u64::try_from(limit)
            .map_err(|_| coded(code::BAD_USER_INPUT, "limit must be positive"))?;
        let jobs = services(ctx)?
            .claim_publication_jobs(&principal(ctx), &worker, limit, i64::from(lease_seconds))
            .await?;
        Ok(jobs.into_iter().map(PublicationJob).collect())
    }

    /// The worker reports how a publication went.
    #[graphql(guard = "Allow::scopes(&[crate::auth::Scope::Worker])")]
    async fn report_publication(
        &self,
        ctx: &Context<'_>,
        input: ReportPublicationInput,
    ) -> Result<Publication> {
        let id = parse_id(&input.publication_id, "publication")?;
        let details = DeliveryDetails {
            message_ids: input.message_ids.unwrap_or_default(),
            link: input.link,
            error: input.error,
            sent_sha256: input.sent_sha256,
        };
        Ok(Publication(
            services(ctx)?
                .report_publication(&principal(ctx), id, input.outcome.into(), details)
                .await?,
        ))
    }

    /// The worker could not send, for certain (e.g. rate limited): queue it again later.
    /// Only the worker holding the job's lease may (CONFLICT otherwise).
    #[graphql(guard = "Allow::scopes(&[crate::auth::Scope::Worker])")]
    async fn retry_publication_later(
        &self,
        ctx: &Context<'_>,
        publication_id: ID,
        worker: String,
        after_seconds: i32,
        error: String,
    ) -> Result<Publication> {
        let id = parse_id(&publication_id, "publication")?;
        Ok(Publication(
            services(ctx)?
                .retry_publication_later(
                    &principal(ctx),
                    id,
                    &worker,
                    i64::from(after_seconds),
                    &error,
                )
                .await?,
        ))
    }

    /// The worker records an attempt right before its first Bot API call for a publication
    /// whose job it holds: from then on a crash leaves it uncertain, never resent.
    #[graphql(guard = "Allow::scopes(&[crate::auth::Scope::Worker])")]
    async fn start_sending_publication(
        &self,
        ctx: &Context<'_>,
        publication_id: ID,
        worker: String,
    ) -> Result<Publication> {
        let id = parse_id(&publication_id, "publication")?;
        Ok(Publication(
            services(ctx)?
                .start_sending_publication(&principal(ctx), id, &worker)
                .await?,
        ))
    }

    /// The worker reports that a group became a supergroup with a new chat id.
    #[graphql(guard = "Allow::scopes(&[crate::auth::Scope::Worker])")]
    async fn record_channel_migration(
        &self,
        ctx: &Context<'_>,
        channel_id: ID,
        new_chat_id: String,
    ) -> Result<Channel> {
        let id = parse_id(&channel_id, "channel")?;
        let new_chat_id = new_chat_id
            .parse::<i64>()
            .map_err(|_| coded(code::BAD_USER_INPUT, "newChatId must be a numeric chat id"))?;
        Ok(Channel(
            services(ctx)?
                .record_channel_migration(&principal(ctx), id, new_chat_id)
                .await?,
        ))
    }

    /// Staff settle an uncertain publication.
    #[graphql(guard = "Allow::roles(STAFF)")]
    async fn resolve_uncertain_publication(
        &self,
        ctx: &Context<'_>,
        input: ResolvePublicationInput,
    ) -> Result<Publication> {
        let id = parse_id(&input.publication_id, "publication")?;
        Ok(Publication(
            services(ctx)?
                .resolve_uncertain_publication(&principal(ctx), id, input.posted, input.link)
                .await?,
        ))
    }

    /// Staff correct a sent post on Telegram (edit its text or caption), with a reason.
    #[graphql(guard = "Allow::roles(STAFF)")]
    async fn correct_publication(
        &self,
        ctx: &Context<'_>,
        input: CorrectPublicationInput,
    ) -> Result<Publication> {
        let id = parse_id(&input.publication_id, "publication")?;
        Ok(Publication(
            services(ctx)?
                .correct_publication(&principal(ctx), id, &input.text, &input.reason)
                .await?,
        ))
    }

    /// Staff take a sent post down from Telegram (within 48 hours of sending), with a reason.
    #[graphql(guard = "Allow::roles(STAFF)")]
    async fn retract_publication(
        &self,
        ctx: &Context<'_>,
        input: RetractPublicationInput,
    ) -> Result<Publication> {
        let id = parse_id(&input.publication_id, "publication")?;
        Ok(Publication(
            services(ctx)?
                .retract_publication(&principal(ctx), id, &input.reason)
                .await?,
        ))
    }

    /// Creates a user (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> Result<CreateUserPayload> {
        let created = services(ctx)?
            .create_user(
                NewUser {
                    username: input.username,
                    full_name: input.full_name,
                    unit: input.unit,
                    roles: input.roles.into_iter().map(Into::into).collect(),
                    password: input.password,
                },
                &audit(ctx).await?,
            )
            .await?;
        Ok(CreateUserPayload {
            user: User(created.user),
            generated_password: created.generated_password,
        })
    }

    /// Updates a user's name, unit or whether they may sign in (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn update_user(&self, ctx: &Context<'_>, input: UpdateUserInput) -> Result<User> {
        let id = parse_id(&input.user_id, "user")?;
        let unit = input.unit.map(|u| Some(u).filter(|u| !u.trim().is_empty()));
        let row = services(ctx)?
            .update_user(id, input.full_name, unit, input.active, &audit(ctx).await?)
            .await?;
        Ok(User(row))
    }

    /// Gives a user roles (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn grant_roles(&self, ctx: &Context<'_>, user_id: ID, roles: Vec<Role>) -> Result<User> {
        let id = parse_id(&user_id, "user")?;
        let roles = roles.into_iter().map(Into::into).collect();
        services(ctx)?
            .change_roles(id, &roles, true, &audit(ctx).await?)
            .await?;
        Ok(User(services(ctx)?.user_by_id(id).await?))
    }

    /// Takes roles away from a user (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn revoke_roles(&self, ctx: &Context<'_>, user_id: ID, roles: Vec<Role>) -> Result<User> {
        let id = parse_id(&user_id, "user")?;
        let roles = roles.into_iter().map(Into::into).collect();
        services(ctx)?
            .change_roles(id, &roles, false, &audit(ctx).await?)
            .await?;
        Ok(User(services(ctx)?.user_by_id(id).await?))
    }

    /// Sets a generated password for a user and returns it once (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn reset_password(&self, ctx: &Context<'_>, user_id: ID) -> Result<String> {
        let id = parse_id(&user_id, "user")?;
        let user = services(ctx)?.user_by_id(id).await?;
        let generated = services(ctx)?
            .set_password(&user.username, None, &audit(ctx).await?)
            .await?;
        generated.ok_or_else(|| coded(code::INTERNAL, "no password was generated"))
    }

    /// Registers a Telegram channel (admins); checked with Telegram at once when a bot is
    /// configured (see `Channel.checkStatus`).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn create_channel(&self, ctx: &Context<'_>, input: ChannelFields) -> Result<Channel> {
        Ok(Channel(
            services(ctx)?
                .create_channel_checked(input.into(), &audit(ctx).await?)
                .await?,
        ))
    }

    /// Changes a channel (admins); `active: false` retires it.
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn update_channel(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ChannelFields,
    ) -> Result<Channel> {
        let id = parse_id(&id, "channel")?;
        Ok(Channel(
            services(ctx)?
                .update_channel_checked(id, input.into(), &audit(ctx).await?)
                .await?,
        ))
    }

    /// Asks Telegram whether the bot sees a channel and may post there (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn check_channel(&self, ctx: &Context<'_>, id: ID) -> Result<ChannelCheck> {
        let id = parse_id(&id, "channel")?;
        let check = services(ctx)?.check_channel(id, &audit(ctx).await?).await?;
        Ok(ChannelCheck {
            reachable: check.reachable,
            title: check.title,
            bot_status: check.bot_status,
            can_post: check.can_post,
            problem: check.problem,
        })
    }

    /// Changes a step's time standard (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn update_sla_standard(
        &self,
        ctx: &Context<'_>,
        step: SopStep,
        minutes: i32,
        working_hours_only: bool,
    ) -> Result<SlaStandard> {
        let minutes = u32::try_from(minutes)
            .map_err(|_| coded(code::BAD_USER_INPUT, "minutes must be positive"))?;
        let row = services(ctx)?
            .update_sla_standard(step.into(), minutes, working_hours_only, &audit(ctx).await?)
            .await?;
        Ok(SlaStandard(row))
    }

    /// Changes the working days and hours (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn update_work_calendar(
        &self,
        ctx: &Context<'_>,
        input: WorkCalendarInput,
    ) -> Result<bool> {
        let days = input
            .working_days
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        services(ctx)?
            .update_calendar(
                CalendarSettings {
                    working_days: days,
                    work_start: input.work_start,
                    work_end: input.work_end,
                },
                &audit(ctx).await?,
            )
            .await?;
        Ok(true)
    }

    /// Adds or renames a holiday (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn set_holiday(
        &self,
        ctx: &Context<'_>,
        date: NaiveDate,
        name: String,
    ) -> Result<Holiday> {
        let row = services(ctx)?
            .set_holiday(date, &name, &audit(ctx).await?)
            .await?;
        Ok(Holiday {
            date: row.date,
            name: row.name,
        })
    }

    /// Removes a holiday (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn remove_holiday(&self, ctx: &Context<'_>, date: NaiveDate) -> Result<bool> {
        Ok(services(ctx)?
            .remove_holiday(date, &audit(ctx).await?)
            .await?)
    }

    /// Registers an API client; the secret is shown once (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn create_api_client(
        &self,
        ctx: &Context<'_>,
        name: String,
        scopes: Vec<ClientScope>,
    ) -> Result<CreateApiClientPayload> {
        let scopes = scopes.into_iter().map(Into::into).collect();
        let created = services(ctx)?
            .create_client(&name, &scopes, &audit(ctx).await?)
            .await?;
        Ok(CreateApiClientPayload {
            client: ApiClient(created.client),
            client_secret: created.secret,
        })
    }

    /// Revokes an API client (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn revoke_api_client(&self, ctx: &Context<'_>, client_id: String) -> Result<ApiClient> {
        Ok(ApiClient(
            services(ctx)?
                .revoke_client(&client_id, &audit(ctx).await?)
                .await?,
        ))
    }

    /// Registers this device for Web Push notifications to me (the fields of the browser's
    /// `PushSubscription.toJSON()`); registering it again renews it.
    #[graphql(guard = "SignedIn")]
    async fn register_push_subscription(
        &self,
        ctx: &Context<'_>,
        endpoint: String,
        #[graphql(name = "p256dh")] p256dh: String,
        auth: String,
    ) -> Result<bool> {
        let input = NewPushSubscription {
            endpoint,
            p256dh,
            auth,
            user_agent: request_meta(ctx).user_agent,
        };
        services(ctx)?
            .register_push_subscription(&principal(ctx), input)
            .await?;
        Ok(true)
    }

    /// Stops Web Push to this device; false when it was not registered to me.
    #[graphql(guard = "SignedIn")]
    async fn unregister_push_subscription(
        &self,
        ctx: &Context<'_>,
        endpoint: String,
    ) -> Result<bool> {
        Ok(services(ctx)?
            .unregister_push_subscription(&principal(ctx), &endpoint)
            .await?)
    }

    /// A one-time code (10 minutes, single use) to link my Telegram chat: send it to the bot
    /// as `/start CODE` or `/link CODE`, or open `deepLink`.
    #[graphql(guard = "SignedIn")]
    async fn create_telegram_link_code(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::graphql::bot::TelegramLinkCode> {
        let s = services(ctx)?;
        let created = s.create_telegram_link_code(&principal(ctx)).await?;
        let deep_link = s.bot_username().await?.map(|bot| {
            format!(
                "https://t.me/{bot}?start={}",
                crate::service::bot::normalize_link_code(&created.code)
            )
        });
        Ok(crate::graphql::bot::TelegramLinkCode {
            code: created.code,
            expires_at: created.expires_at,
            deep_link,
        })
    }

    /// Links the private chat `chatId` to the account that asked for `code` (the bot, as the
    /// worker, when someone sends it a code).
    #[graphql(guard = "Allow::scopes(&[crate::auth::Scope::Worker])")]
    async fn link_telegram_account(
        &self,
        ctx: &Context<'_>,
        code: String,
        chat_id: ID,
        username: Option<String>,
    ) -> Result<crate::graphql::bot::TelegramLink> {
        let chat_id = chat_id
            .parse::<i64>()
            .map_err(|_| coded(code::BAD_USER_INPUT, "chatId must be a Telegram chat id"))?;
        let linked = services(ctx)?
            .link_telegram_account(&principal(ctx), &code, chat_id, username)
            .await?;
        Ok(crate::graphql::bot::TelegramLink(linked))
    }

    /// Unlinks my Telegram chat; false when none was linked.
    #[graphql(guard = "SignedIn")]
    async fn unlink_telegram(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(services(ctx)?.unlink_telegram(&principal(ctx)).await?)
    }
    /// Adds a code to the records classification list (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn create_classification(
        &self,
        ctx: &Context<'_>,
        input: archive::CreateClassificationInput,
    ) -> Result<archive::Classification> {
        let new = NewClassification {
            code: input.code,
            title: input.title,
            description: input.description,
            default_retention_years: input.default_retention_years,
        };
        Ok(archive::Classification(
            services(ctx)?
                .create_classification(new, &audit(ctx).await?)
                .await?,
        ))
    }

    /// Changes a classification; `active: false` deactivates it (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn update_classification(
        &self,
        ctx: &Context<'_>,
        input: archive::UpdateClassificationInput,
    ) -> Result<archive::Classification> {
        let id = parse_id(&input.id, "classification")?;
        let edit = ClassificationEdit {
            title: input.title,
            description: input.description.map(Some),
            default_retention_years: input.default_retention_years,
            active: input.active,
        };
        Ok(archive::Classification(
            services(ctx)?
                .update_classification(id, edit, &audit(ctx).await?)
                .await?,
        ))
    }

    /// Removes a classification no entry uses (admins); one in use can only be deactivated.
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn delete_classification(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let id = parse_id(&id, "classification")?;
        services(ctx)?
            .delete_classification(id, &audit(ctx).await?)
            .await?;
        Ok(true)
    }

    /// Records the decision on an archive entry past its retention (staff, admins). Nothing
    /// is deleted: the entry is marked.
    #[graphql(guard = "Allow::roles(RECORDS)")]
    async fn review_retention(
        &self,
        ctx: &Context<'_>,
        input: archive::ReviewRetentionInput,
    ) -> Result<ArchiveEntry> {
        let id = parse_id(&input.request_id, "request")?;
        let review = RetentionReview {
            decision: input.decision.into(),
            keep_until: input.keep_until,
            note: input.note,
        };
        Ok(ArchiveEntry(
            services(ctx)?
                .review_retention(&principal(ctx), id, review)
                .await?,
        ))
    }
}
