//! Publication requests: submission, every workflow transition, and the views of them each
//! principal may have.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    attachment, content_version, disposition, event, publication, request, request_channel, review,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TryGetable,
    sea_query::{Expr, Func, OnConflict, Query},
};
use serde_json::json;

use crate::{
    auth::{Principal, Scope},
    service::{
        Audit, Change, ServiceError, ServiceResult, Services,
        accounts::roles_of,
        audit::{NewEvent, append_event, push_outbox, topic},
        error::{check_len, check_required},
    },
    telegram::publisher::render,
    workflow::{
        self, Actor, Checklist, Command, DeliveryOutcome, Event, Holder, Priority,
        PublicationStatus, RequestState, Role, Status, Step,
    },
};

/// Longest title, narrative and other texts a request may carry.
pub const MAX_TITLE: usize = 300;
pub const MAX_NARRATIVE: usize = 20_000;
pub const MAX_SHORT_TEXT: usize = 300;

/// A new publication request.
#[derive(Debug, Clone)]
pub struct SubmitInput {
    pub title: String,
    pub unit: Option<String>,
    pub audience: String,
    pub desired_date: Option<NaiveDate>,
    pub narrative: String,
    pub priority: Priority,
    pub attachment_ids: Vec<i64>,
    /// For API clients submitting on behalf of a person: that person's username.
    pub requester_username: Option<String>,
}

/// An edited title and narrative, saved as a new content version.
#[derive(Debug, Clone)]
pub struct ContentEdit {
    pub title: Option<String>,
    pub narrative: String,
    pub note: Option<String>,
}

/// What a sender knows about one delivery, stored beside the outcome.
#[derive(Debug, Clone, Default)]
pub struct DeliveryDetails {
    pub message_ids: Vec<i64>,
    pub link: Option<String>,
    pub error: Option<String>,
    /// Hex SHA-256 of what the worker sent (`publication.sent_sha256`).
    pub sent_sha256: Option<String>,
}

/// Which version of a request an action is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActingOn {
    /// The version the caller names (`expectedVersion`: a phone that read it a while ago).
    Version(i32),
    /// The version current as the call arrives, read before waiting for the writer lock: of
    /// two officials acting at once, the second is told that the first changed the request.
    Arrival,
    /// Whatever is current once the request is locked: for reports of facts, such as a
    /// delivery, that no other change to the request makes wrong.
    Latest,
}

/// Data that travels with workflow commands but is not part of the rules.
#[derive(Debug, Clone, Default)]
pub struct ActDetails {
    pub content: Option<ContentEdit>,
    pub delivery: Option<DeliveryDetails>,
}

/// Filters for listing requests.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub statuses: Vec<Status>,
    pub search: Option<String>,
    pub mine: bool,
    pub submitted_from: Option<DateTime<Utc>>,
    pub submitted_until: Option<DateTime<Utc>>,
}

/// One page of a list ordered newest first.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
}

/// A request waiting on someone, with the step that waits.
#[derive(Debug, Clone)]
pub struct InboxItem {
    pub request: request::Model,
    pub disposition: Option<disposition::Model>,
}

impl Services {
    /// The workflow actor for a principal, with the roles it holds *now* (a role revoked a
    /// minute ago must not still act through an unexpired token).
    pub(crate) async fn actor_of(
        &self,
        db: &impl ConnectionTrait,
        principal: &Principal,
    ) -> ServiceResult<(Actor, Audit)> {
        match principal {
            Principal::Anonymous => Err(ServiceError::Unauthenticated),
            Principal::User { id, .. } => {
                let user = entity::user::Entity::find_by_id(*id)
                    .one(db)
                    .await?
                    .filter(|u| u.active)
                    .ok_or(ServiceError::Unauthenticated)?;
                let roles = roles_of(db, user.id).await?;
                Ok((
                    Actor::User { id: user.id, roles },
                    Audit::user(user.id, &user.username),
                ))
            }
            Principal::Client { scopes, .. } if scopes.contains(&Scope::Worker) => {
                Ok((Actor::Worker, Audit::of(principal, None)?))
            }
            Principal::Client { .. } => Err(ServiceError::Forbidden(
                "this client may not act on requests".into(),
            )),
        }
    }

    /// Submits a publication request: step 1 opens for the Vice Rector III.
    pub async fn submit_request(
        &self,
        principal: &Principal,
        input: SubmitInput,
    ) -> ServiceResult<request::Model> {
        check_required("title", &input.title, MAX_TITLE)?;
        check_required("narrative", &input.narrative, MAX_NARRATIVE)?;
        check_required("audience", &input.audience, MAX_SHORT_TEXT)?;
        if let Some(unit) = &input.unit {
            check_len("unit", unit, 200)?;
        }
        if input.attachment_ids.len() > 20 {
            return Err(ServiceError::BadInput(
                "at most 20 attachments per request".into(),
            ));
        }
        let tx = self.db.begin_write().await?;
        // Who the requester is: the person signed in, or the person a submitting client names.
        let (requester, audit) = match principal {
            Principal::User { id, .. } => {
                let (actor, audit) = self.actor_of(&*tx, principal).await?;
                let Actor::User { roles, .. } = actor else {
                    unreachable!("a user is a user")
                };
                if !roles.contains(&Role::Requester) && !roles.contains(&Role::Admin) {
                    return Err(ServiceError::Forbidden(
                        "only requesters can submit publication requests".into(),
                    ));
                }
                if input.requester_username.is_some() {
                    return Err(ServiceError::BadInput(
                        "requesterUsername is only for API clients".into(),
                    ));
                }
                (
                    entity::user::Entity::find_by_id(*id)
                        .one(&*tx)
                        .await?
                        .ok_or(ServiceError::Unauthenticated)?,
                    audit,
                )
            }
            Principal::Client { .. } if principal.has_scope(Scope::SubmitRequests) => {
                let username = input.requester_username.as_deref().ok_or_else(|| {
                    ServiceError::BadInput("requesterUsername is required for API clients".into())
                })?;
                let user = entity::user::Entity::find()
                    .filter(entity::user::Column::Username.eq(username.trim().to_lowercase()))
                    .filter(entity::user::Column::Active.eq(true))
                    .one(&*tx)
                    .await?
                    .ok_or(ServiceError::NotFound("requester"))?;
                if !roles_of(&*tx, user.id).await?.contains(&Role::Requester) {
                    return Err(ServiceError::BadInput(format!(
                        "{username} is not a requester"
                    )));
                }
                (user, Audit::of(principal, None)?)
            }
            Principal::Client { .. } => {
                return Err(ServiceError::Forbidden(
                    "this client lacks the submit:requests scope".into(),
                ));
            }
            Principal::Anonymous => return Err(ServiceError::Unauthenticated),
        };
        let now = Utc::now();
        let (year, seq) = next_agenda_number(&*tx, now).await?;
        let agenda_number = format_agenda_number(&self.settings.agenda_pattern, year, seq);
        let unit = input
            .unit
            .filter(|u| !u.trim().is_empty())
            .or(requester.unit.clone())
            .unwrap_or_else(|| "-".into());
        let state = RequestState::submitted(requester.id);
        let status = state.status.as_str();
        let req = request::ActiveModel {
            agenda_number: Set(agenda_number),
            agenda_year: Set(year),
            agenda_seq: Set(seq),
            title: Set(input.title.trim().to_owned()),
            unit: Set(unit.trim().to_owned()),
            audience: Set(input.audience.trim().to_owned()),
            desired_date: Set(input.desired_date),
            priority: Set(input.priority.as_str().to_owned()),
            status: Set(status.to_owned()),
            current_step: Set(Some(Step::Disposition.number())),
            holder_role: Set(Some(Role::ViceRector.as_str().to_owned())),
            requester_id: Set(requester.id),
            current_content_version: Set(1),
            version: Set(0),
            submitted_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
        content_version::ActiveModel {
            request_id: Set(req.id),
            version_no: Set(1),
            title: Set(req.title.clone()),
            narrative: Set(input.narrative.trim().to_owned()),
            author_id: Set(Some(requester.id)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
        self.link_attachments(&*tx, principal, req.id, &input.attachment_ids)
            .await?;
        let standards = self.sla_context(&*tx).await?;
        open_disposition(
            &*tx,
            &standards,
            req.id,
            Step::Disposition,
            Some(requester.id),
            &Holder {
                role: Role::ViceRector,
                user: None,
            },
            &workflow::DispositionNote {
                priority: input.priority,
                ..Default::default()
            },
            now,
        )
        .await?;
        let event = Event::Submitted {
            requester: requester.id,
        };
        append_event(
            &*tx,
            &audit,
            NewEvent {
                request_id: Some(req.id),
                kind: event.kind(),
                from_status: None,
                to_status: Some(status),
                payload: serde_json::to_value(&event)?,
            },
        )
        .await?;
        notify_holder(
            &*tx,
            req.id,
            &Holder {
                role: Role::ViceRector,
                user: None,
            },
            "step_assigned",
        )
        .await?;
        tx.commit().await?;
        self.announce(Change {
            request_id: req.id,
            users: vec![requester.id],
            roles: vec![Role::ViceRector],
        });
        Ok(req)
    }

    /// Attaches files the same principal uploaded earlier (and that belong to no request yet).
    async fn link_attachments(
        &self,
        db: &impl ConnectionTrait,
        principal: &Principal,
        request_id: i64,
        ids: &[i64],
    ) -> ServiceResult<()> {
        for id in ids {
            let found = attachment::Entity::find_by_id(*id).one(db).await?;
            let owned = match (&found, principal) {
                (Some(a), Principal::User { id, .. }) => a.uploader_user_id == Some(*id),
                (Some(a), Principal::Client { id, .. }) => a.uploader_client_id == Some(*id),
                _ => false,
            };
            let Some(a) = found.filter(|_| owned) else {
                return Err(ServiceError::BadInput(format!(
                    "attachment {id} is not one of your uploads"
                )));
            };
            if a.request_id.is_some_and(|r| r != request_id) {
                return Err(ServiceError::BadInput(format!(
                    "attachment {id} belongs to another request"
                )));
            }
            let mut active: attachment::ActiveModel = a.into();
            active.request_id = Set(Some(request_id));
            active.update(db).await?;
        }
        Ok(())
    }

    /// Runs workflow commands on a request, in order, in one transaction: the new state, an
    /// event per change and the outbox rows are written together or not at all.
    ///
    /// `expected_version` lets a client say which version it acted on (an offline phone);
    /// a mismatch, or another writer winning the race, is a `Conflict`.
    pub async fn act(
        &self,
        principal: &Principal,
        request_id: i64,
        expected_version: Option<i32>,
        commands: &[Command],
        details: ActDetails,
    ) -> ServiceResult<request::Model> {
        let acting_on = expected_version.map_or(ActingOn::Arrival, ActingOn::Version);
        self.act_on(principal, request_id, acting_on, commands, details)
            .await
    }

    /// [`Self::act`], saying which version of the request the commands are meant for.
    pub(crate) async fn act_on(
        &self,
        principal: &Principal,
        request_id: i64,
        acting_on: ActingOn,
        commands: &[Command],
        details: ActDetails,
    ) -> ServiceResult<request::Model> {
        let arrival_version = match acting_on {
            ActingOn::Version(v) => Some(v),
            ActingOn::Arrival => Some(
                request::Entity::find_by_id(request_id)
                    .one(&self.db.conn)
                    .await?
                    .ok_or(ServiceError::NotFound("request"))?
                    .version,
            ),
            ActingOn::Latest => None,
        };
        let tx = self.db.begin_write().await?;
        let (actor, audit) = self.actor_of(&*tx, principal).await?;
        // The row stays locked to the end of the transaction (`FOR UPDATE` on PostgreSQL; on
        // SQLite the writer lock already serialises writers), so the version read here is the
        // one the update below replaces.
        let row = request::Entity::find_by_id(request_id)
            .lock_exclusive()
            .one(&*tx)
            .await?
            .ok_or(ServiceError::NotFound("request"))?;
        if let Actor::User { id, roles } = &actor
            && !self.can_see(&*tx, *id, roles, &row).await?
            && !roles.contains(&Role::Admin)
        {
            return Err(ServiceError::NotFound("request"));
        }
        let seen_version = arrival_version.unwrap_or(row.version);
        if seen_version != row.version {
            return Err(ServiceError::Conflict(format!(
                "request {} was changed by someone else (version {} now, you acted on {seen_version}); reload and try again",
                row.agenda_number, row.version
            )));
        }
        let mut state = load_state(&*tx, &row).await?;
        check_forward_targets(&*tx, &state, commands, Utc::now()).await?;
        let standards = self.sla_context(&*tx).await?;
        let now = Utc::now();
        let mut change = Change {
            request_id,
            users: vec![row.requester_id],
            roles: vec![],
        };
        if let Some(h) = holder_of(&row) {
            change.roles.push(h.role);
            change.users.extend(h.user);
        }
        let mut applied = Vec::new();
        for command in commands {
            check_fits_telegram(&*tx, request_id, &state, command).await?;
            let events = workflow::decide(&state, &actor, command)?;
            for event in events {
                let before = state.clone();
                state = workflow::evolve(state, &event);
                self.persist_event(
                    &*tx, &row, &before, &state, &event, &actor, &details, &standards, now,
                )
                .await?;
                append_event(
                    &*tx,
                    &audit,
                    NewEvent {
                        request_id: Some(request_id),
                        kind: event.kind(),
                        from_status: Some(before.status.as_str()),
                        to_status: Some(state.status.as_str()),
                        payload: serde_json::to_value(&event)?,
                    },
                )
                .await?;
                applied.push(event);
            }
        }
        // The optimistic lock: exactly one of two concurrent writers gets its update through.
        let mut update = request::Entity::update_many()
            .col_expr(request::Column::Status, Expr::value(state.status.as_str()))
            .col_expr(
                request::Column::CurrentStep,
                Expr::value(state.status.step().map(Step::number)),
            )
            .col_expr(
                request::Column::ReturnedFromStep,
                Expr::value(state.returned_from.map(Step::number)),
            )
            .col_expr(
                request::Column::HolderRole,
                Expr::value(state.holder.as_ref().map(|h| h.role.as_str())),
            )
            .col_expr(
                request::Column::HolderUserId,
                Expr::value(state.holder.as_ref().and_then(|h| h.user)),
            )
            .col_expr(
                request::Column::CurrentContentVersion,
                Expr::value(state.content_version),
            )
            .col_expr(request::Column::Version, Expr::value(row.version + 1))
            .col_expr(request::Column::UpdatedAt, Expr::value(now));
        if state.status.is_terminal() && !row_is_terminal(&row) {
            update = update.col_expr(request::Column::ClosedAt, Expr::value(Some(now)));
        }
        if let Some(checklist) = &state.checklist {
            update = update.col_expr(
                request::Column::Checklist,
                Expr::value(Some(serde_json::to_value(checklist)?)),
            );
        }
        let updated = update
            .filter(request::Column::Id.eq(request_id))
            .filter(request::Column::Version.eq(row.version))
            .exec(&*tx)
            .await?;
        if updated.rows_affected != 1 {
            return Err(ServiceError::Conflict(format!(
                "request {} was changed by someone else at the same time; reload and try again",
                row.agenda_number
            )));
        }
        if let Some(h) = &state.holder {
            change.roles.push(h.role);
            change.users.extend(h.user);
        }
        let fresh = request::Entity::find_by_id(request_id)
            .one(&*tx)
            .await?
            .ok_or(ServiceError::NotFound("request"))?;
        tx.commit().await?;
        tracing::info!(
            request_id,
            events = applied.len(),
            status = state.status.as_str(),
            "request changed"
        );
        self.announce(change);
        Ok(fresh)
    }

    /// Writes what one event means for the tables besides `request` itself.
    #[allow(clippy::too_many_arguments)]
    async fn persist_event(
        &self,
        db: &impl ConnectionTrait,
        row: &request::Model,
        before: &RequestState,
        after: &RequestState,
        event: &Event,
        actor: &Actor,
        details: &ActDetails,
        standards: &SlaContext,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let actor_user = match actor {
            Actor::User { id, .. } => Some(*id),
            _ => None,
        };
        let request_id = row.id;
        match event {
            Event::Submitted { .. } => {}
            Event::Forwarded { from, to, note } => {
                close_open_disposition(db, request_id, "forwarded", now).await?;
                let next = from
                    .next()
                    .ok_or_else(|| ServiceError::Internal("forwarded past the last step".into()))?;
                open_disposition(db, standards, request_id, next, actor_user, to, note, now)
                    .await?;
                if note.priority != Priority::default() {
                    request::Entity::update_many()
                        .col_expr(
                            request::Column::Priority,
                            Expr::value(note.priority.as_str()),
                        )
                        .filter(request::Column::Id.eq(request_id))
                        .exec(db)
                        .await?;
                }
                notify_holder(db, request_id, to, "step_assigned").await?;
            }
            Event::ChannelsChosen { channels } => {
                let known = entity::channel::Entity::find()
                    .filter(entity::channel::Column::Id.is_in(channels.iter().copied()))
                    .filter(entity::channel::Column::Active.eq(true))
                    .all(db)
                    .await?;
                if known.len() != channels.len() {
                    return Err(ServiceError::BadInput("unknown or inactive channel".into()));
                }
                request_channel::Entity::delete_many()
                    .filter(request_channel::Column::RequestId.eq(request_id))
                    .exec(db)
                    .await?;
                for channel in channels {
                    request_channel::ActiveModel {
                        request_id: Set(request_id),
                        channel_id: Set(*channel),
                        chosen_by: Set(actor_user),
                        created_at: Set(now),
                    }
                    .insert(db)
                    .await?;
                }
            }
            Event::DetailsVerified { .. } => {}
            Event::Reviewed { verdict, comment } => {
                review::ActiveModel {
                    request_id: Set(request_id),
                    reviewer_id: Set(actor_user),
                    verdict: Set(verdict.as_str().to_owned()),
                    comment: Set(comment.clone()),
                    content_version: Set(after.content_version),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }
            Event::ContentRevised { version } => {
                let edit = details.content.as_ref().ok_or_else(|| {
                    ServiceError::BadInput("a content revision needs the new narrative".into())
                })?;
                check_required("narrative", &edit.narrative, MAX_NARRATIVE)?;
                if let Some(t) = &edit.title {
                    check_required("title", t, MAX_TITLE)?;
                }
                if let Some(n) = &edit.note {
                    check_len("note", n, 2000)?;
                }
                let previous = content_version::Entity::find()
                    .filter(content_version::Column::RequestId.eq(request_id))
                    .filter(content_version::Column::VersionNo.eq(before.content_version))
                    .one(db)
                    .await?;
                let title = edit
                    .title
                    .clone()
                    .or_else(|| previous.map(|p| p.title))
                    .unwrap_or_else(|| row.title.clone());
                content_version::ActiveModel {
                    request_id: Set(request_id),
                    version_no: Set(*version),
                    title: Set(title.trim().to_owned()),
                    narrative: Set(edit.narrative.trim().to_owned()),
                    author_id: Set(actor_user),
                    note: Set(edit.note.clone()),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                request::Entity::update_many()
                    .col_expr(request::Column::Title, Expr::value(title.trim()))
                    .filter(request::Column::Id.eq(request_id))
                    .exec(db)
                    .await?;
            }
            Event::PublicationQueued {
                channels,
                schedule_at,
            } => {
                for channel in channels {
                    let publication_id = upsert_publication(
                        db,
                        request_id,
                        *channel,
                        after.content_version,
                        PublicationStatus::Queued,
                        *schedule_at,
                        now,
                    )
                    .await?;
                    push_outbox(
                        db,
                        topic::PUBLICATION,
                        Some(request_id),
                        Some(publication_id),
                        json!({ "publication_id": publication_id, "channel_id": channel }),
                        schedule_at.unwrap_or(now),
                    )
                    .await?;
                }
            }
            Event::DeliveryRecorded { channel, outcome } => {
                let status = match outcome {
                    DeliveryOutcome::Sent => PublicationStatus::Sent,
                    DeliveryOutcome::Failed => PublicationStatus::Failed,
                    DeliveryOutcome::Uncertain => PublicationStatus::Uncertain,
                };
                let d = details.delivery.clone().unwrap_or_default();
                record_delivery(db, request_id, *channel, status, &d, now).await?;
                if *outcome != DeliveryOutcome::Sent
                    && let Some(h) = &after.holder
                {
                    notify_holder(db, request_id, h, "publication_needs_attention").await?;
                }
            }
            Event::UncertainResolved { channel, posted } => {
                let d = details.delivery.clone().unwrap_or_default();
                if *posted {
                    record_delivery(db, request_id, *channel, PublicationStatus::Sent, &d, now)
                        .await?;
                } else {
                    let publication_id = upsert_publication(
                        db,
                        request_id,
                        *channel,
                        after.content_version,
                        PublicationStatus::Queued,
                        None,
                        now,
                    )
                    .await?;
                    push_outbox(
                        db,
                        topic::PUBLICATION,
                        Some(request_id),
                        Some(publication_id),
                        json!({ "publication_id": publication_id, "channel_id": channel }),
                        now,
                    )
                    .await?;
                }
            }
            Event::PublicationCompleted => {
                close_open_disposition(db, request_id, "published", now).await?;
                if let Some(h) = &after.holder {
                    let note = workflow::DispositionNote {
                        instruction: Some(workflow::Instruction::Arsipkan),
                        ..Default::default()
                    };
                    open_disposition(
                        db,
                        standards,
                        request_id,
                        Step::Archiving,
                        before.holder.as_ref().and_then(|h| h.user),
                        h,
                        &note,
                        now,
                    )
                    .await?;
                    notify_holder(db, request_id, h, "step_assigned").await?;
                }
                notify_requester(db, request_id, row.requester_id, "published").await?;
            }
            Event::Archived {
                classification_code,
                retention_years,
                access_class,
            } => {
                close_open_disposition(db, request_id, "archived", now).await?;
                crate::service::archive::write_entry(
                    db,
                    request_id,
                    after.content_version,
                    classification_code,
                    *retention_years,
                    *access_class,
                    actor_user,
                    now,
                )
                .await?;
                notify_requester(db, request_id, row.requester_id, "archived").await?;
            }
            Event::ReturnedForRevision { reason, .. } => {
                close_open_disposition(db, request_id, "returned", now).await?;
                notify_requester(db, request_id, row.requester_id, "returned").await?;
                tracing::debug!(
                    request_id,
                    reason_len = reason.len(),
                    "returned for revision"
                );
            }
            Event::Resubmitted { to } => {
                let step = after
                    .status
                    .step()
                    .ok_or_else(|| ServiceError::Internal("resubmitted to no step".into()))?;
                open_disposition(
                    db,
                    standards,
                    request_id,
                    step,
                    actor_user,
                    to,
                    &Default::default(),
                    now,
                )
                .await?;
                notify_holder(db, request_id, to, "step_assigned").await?;
            }
            Event::Rejected { reason, .. } => {
                close_open_disposition(db, request_id, "rejected", now).await?;
                request::Entity::update_many()
                    .col_expr(
                        request::Column::RejectionReason,
                        Expr::value(Some(reason.clone())),
                    )
                    .filter(request::Column::Id.eq(request_id))
                    .exec(db)
                    .await?;
                notify_requester(db, request_id, row.requester_id, "rejected").await?;
            }
            Event::Withdrawn { .. } => {
                close_open_disposition(db, request_id, "withdrawn", now).await?;
            }
            Event::Reassigned { to, .. } => {
                // The step's clock keeps running: reassigning does not buy time.
                disposition::Entity::update_many()
                    .col_expr(disposition::Column::ToUserId, Expr::value(Some(*to)))
                    .col_expr(
                        disposition::Column::ReadAt,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .filter(disposition::Column::RequestId.eq(request_id))
                    .filter(disposition::Column::DoneAt.is_null())
                    .exec(db)
                    .await?;
                if let Some(h) = &after.holder {
                    notify_holder(db, request_id, h, "step_assigned").await?;
                }
            }
        }
        Ok(())
    }

    /// Whether a person may see a request: their own, or one that is or was assigned to them
    /// or to one of their official roles.
    pub(crate) async fn can_see(
        &self,
        db: &impl ConnectionTrait,
        user_id: i64,
        roles: &BTreeSet<Role>,
        row: &request::Model,
    ) -> ServiceResult<bool> {
        if row.requester_id == user_id || roles.contains(&Role::Admin) {
            return Ok(true);
        }
        let official: Vec<&str> = roles
            .iter()
            .filter(|r| !matches!(r, Role::Requester | Role::Admin))
            .map(|r| r.as_str())
            .collect();
        let assigned = disposition::Entity::find()
            .filter(disposition::Column::RequestId.eq(row.id))
            .filter(
                Condition::any()
                    .add(disposition::Column::ToUserId.eq(user_id))
                    .add(disposition::Column::ToRole.is_in(official)),
            )
            .one(db)
            .await?;
        Ok(assigned.is_some())
    }

    /// A request the principal may see, or `NotFound` (not `Forbidden`, so ids cannot be probed).
    pub async fn visible_request(
        &self,
        principal: &Principal,
        id: i64,
    ) -> ServiceResult<request::Model> {
        let row = request::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(ServiceError::NotFound("request"))?;
        let visible = match principal {
            Principal::Anonymous => return Err(ServiceError::Unauthenticated),
            Principal::User { id, .. } => {
                let roles = roles_of(&self.db.conn, *id).await?;
                self.can_see(&self.db.conn, *id, &roles, &row).await?
            }
            Principal::Client {
                id: client, scopes, ..
            } => {
                (scopes.contains(&Scope::SubmitRequests)
                    && submitted_by_client(&self.db.conn, row.id, *client).await?)
                    || scopes.contains(&Scope::Worker)
            }
        };
        if visible {
            Ok(row)
        } else {
            Err(ServiceError::NotFound("request"))
        }
    }

    /// Requests the principal may see, newest first, `first` at a time after the cursor id.
    pub async fn list_requests(
        &self,
        principal: &Principal,
        filter: &RequestFilter,
        first: u64,
        after: Option<i64>,
    ) -> ServiceResult<Page<request::Model>> {
        let mut query = request::Entity::find();
        match principal {
            Principal::Anonymous => return Err(ServiceError::Unauthenticated),
            Principal::User { id, .. } => {
                let roles = roles_of(&self.db.conn, *id).await?;
                if filter.mine {
                    query = query.filter(request::Column::RequesterId.eq(*id));
                } else if !roles.contains(&Role::Admin) {
                    query = query.filter(visible_to(*id, &roles));
                }
            }
            Principal::Client {
                id: client, scopes, ..
            } => {
                if !scopes.contains(&Scope::SubmitRequests) {
                    return Err(ServiceError::Forbidden(
                        "this client may not list requests".into(),
                    ));
                }
                query = query.filter(
                    request::Column::Id.in_subquery(
                        Query::select()
                            .column(event::Column::RequestId)
                            .from(event::Entity)
                            .and_where(event::Column::ActorClientId.eq(*client))
                            .and_where(event::Column::Kind.eq("submitted"))
                            .to_owned(),
                    ),
                );
            }
        }
        if !filter.statuses.is_empty() {
            query = query
                .filter(request::Column::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
        }
        if let Some(text) = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            check_len("search", text, 200)?;
            let pattern = format!("%{}%", text.to_lowercase().replace(['%', '_'], ""));
            query = query.filter(
                Condition::any()
                    .add(
                        Expr::expr(Func::lower(Expr::col(request::Column::Title)))
                            .like(pattern.clone()),
                    )
                    .add(
                        Expr::expr(Func::lower(Expr::col(request::Column::AgendaNumber)))
                            .like(pattern.clone()),
                    )
                    .add(Expr::expr(Func::lower(Expr::col(request::Column::Unit))).like(pattern)),
            );
        }
        if let Some(from) = filter.submitted_from {
            query = query.filter(request::Column::SubmittedAt.gte(from));
        }
        if let Some(until) = filter.submitted_until {
            query = query.filter(request::Column::SubmittedAt.lt(until));
        }
        if let Some(cursor) = after {
            query = query.filter(request::Column::Id.lt(cursor));
        }
        let mut items = query
            .order_by_desc(request::Column::Id)
            .limit(first + 1)
            .all(&self.db.conn)
            .await?;
        let has_next = items.len() as u64 > first;
        items.truncate(first as usize);
        Ok(Page { items, has_next })
    }

    /// What waits on the principal, most urgent (earliest deadline) first: steps held by them
    /// or by one of their roles with nobody named, and their own requests returned for revision.
    pub async fn inbox(&self, principal: &Principal) -> ServiceResult<Vec<InboxItem>> {
        let user_id = match principal {
            Principal::User { id, .. } => *id,
            Principal::Anonymous => return Err(ServiceError::Unauthenticated),
            Principal::Client { .. } => {
                return Err(ServiceError::Forbidden("clients have no inbox".into()));
            }
        };
        let roles = roles_of(&self.db.conn, user_id).await?;
        let official: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        let open = disposition::Entity::find()
            .filter(disposition::Column::DoneAt.is_null())
            .filter(
                Condition::any()
                    .add(disposition::Column::ToUserId.eq(user_id))
                    .add(
                        Condition::all()
                            .add(disposition::Column::ToUserId.is_null())
                            .add(disposition::Column::ToRole.is_in(official)),
                    ),
            )
            .order_by_asc(disposition::Column::SlaDeadline)
            .order_by_asc(disposition::Column::Id)
            .limit(500)
            .all(&self.db.conn)
            .await?;
        let ids: Vec<i64> = open.iter().map(|d| d.request_id).collect();
        let mut requests: BTreeMap<i64, request::Model> = request::Entity::find()
            .filter(request::Column::Id.is_in(ids))
            .all(&self.db.conn)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut items: Vec<InboxItem> = open
            .into_iter()
            .filter_map(|d| {
                requests.remove(&d.request_id).map(|r| InboxItem {
                    request: r,
                    disposition: Some(d),
                })
            })
            .collect();
        let returned = request::Entity::find()
            .filter(request::Column::RequesterId.eq(user_id))
            .filter(request::Column::Status.eq(Status::Returned.as_str()))
            .order_by_asc(request::Column::UpdatedAt)
            .all(&self.db.conn)
            .await?;
        items.extend(returned.into_iter().map(|r| InboxItem {
            request: r,
            disposition: None,
        }));
        Ok(items)
    }

    /// The event log of a request the principal may see, oldest first.
    pub async fn request_events(
        &self,
        principal: &Principal,
        id: i64,
    ) -> ServiceResult<Vec<event::Model>> {
        self.visible_request(principal, id).await?;
        Ok(event::Entity::find()
            .filter(event::Column::RequestId.eq(id))
            .order_by_asc(event::Column::Id)
            .all(&self.db.conn)
            .await?)
    }

    /// The holder marks the disposition addressed to them as read (the sheet's "diterima" time).
    pub async fn mark_disposition_read(
        &self,
        principal: &Principal,
        disposition_id: i64,
    ) -> ServiceResult<disposition::Model> {
        let tx = self.db.begin_write().await?;
        let (actor, audit) = self.actor_of(&*tx, principal).await?;
        let Actor::User { id, roles } = actor else {
            return Err(ServiceError::Forbidden(
                "only people read dispositions".into(),
            ));
        };
        let d = disposition::Entity::find_by_id(disposition_id)
            .one(&*tx)
            .await?
            .ok_or(ServiceError::NotFound("disposition"))?;
        let addressed = d.to_user_id == Some(id)
            || (d.to_user_id.is_none()
                && d.to_role.parse::<Role>().is_ok_and(|r| roles.contains(&r)));
        if !addressed {
            return Err(ServiceError::Forbidden(
                "this disposition is not addressed to you".into(),
            ));
        }
        if d.read_at.is_some() {
            return Ok(d);
        }
        let mut active: disposition::ActiveModel = d.clone().into();
        active.read_at = Set(Some(Utc::now()));
        let d = active.update(&*tx).await?;
        append_event(
            &*tx,
            &audit,
            NewEvent {
                request_id: Some(d.request_id),
                kind: "disposition_read",
                from_status: None,
                to_status: None,
                payload: json!({ "disposition_id": d.id, "step": d.step }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }
}

/// What the pure rules cannot know: a named recipient must be an active holder of the next
/// step's role, and a due time must lie ahead.
/// Refuses to pass as fit, or to publish, a text Telegram would refuse: it is never cut, so
/// the deputy has to shorten it (checked here rather than failing later in the worker).
async fn check_fits_telegram(
    db: &impl ConnectionTrait,
    request_id: i64,
    state: &RequestState,
    command: &Command,
) -> ServiceResult<()> {
    if !matches!(
        command,
        Command::Review {
            verdict: workflow::Verdict::Fit,
            ..
        } | Command::Publish { .. }
    ) {
        return Ok(());
    }
    let content = content_version::Entity::find()
        .filter(content_version::Column::RequestId.eq(request_id))
        .filter(content_version::Column::VersionNo.eq(state.content_version))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("content version"))?;
    render::check_text(&content.title, &content.narrative)
        .map(|_| ())
        .map_err(|e| {
            ServiceError::BadInput(format!(
                "cannot be published on Telegram as it stands: {e}; shorten the narrative"
            ))
        })
}

async fn check_forward_targets(
    db: &impl ConnectionTrait,
    state: &RequestState,
    commands: &[Command],
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    for command in commands {
        let Command::Forward { to_user, note, .. } = command else {
            continue;
        };
        if note.due_at.is_some_and(|due| due <= now) {
            return Err(ServiceError::BadInput("dueAt must be in the future".into()));
        }
        let (Some(user_id), Some(next)) = (to_user, state.status.step().and_then(Step::next))
        else {
            continue;
        };
        let active = entity::user::Entity::find_by_id(*user_id)
            .one(db)
            .await?
            .is_some_and(|u| u.active);
        let role = next.holder_role();
        if !active || !roles_of(db, *user_id).await?.contains(&role) {
            return Err(ServiceError::BadInput(format!(
                "the recipient must be an active {} (step {})",
                role.as_str(),
                next.number()
            )));
        }
    }
    Ok(())
}

fn row_is_terminal(row: &request::Model) -> bool {
    row.status.parse::<Status>().is_ok_and(|s| s.is_terminal())
}

fn holder_of(row: &request::Model) -> Option<Holder> {
    let role = row.holder_role.as_deref()?.parse().ok()?;
    Some(Holder {
        role,
        user: row.holder_user_id,
    })
}

/// Rebuilds the rules' view of a request from its rows.
pub(crate) async fn load_state(
    db: &impl ConnectionTrait,
    row: &request::Model,
) -> ServiceResult<RequestState> {
    let status: Status = row
        .status
        .parse()
        .map_err(|_| ServiceError::Internal(format!("unknown status {:?}", row.status).into()))?;
    let channels: BTreeSet<i64> = request_channel::Entity::find()
        .filter(request_channel::Column::RequestId.eq(row.id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.channel_id)
        .collect();
    let stored: BTreeMap<i64, PublicationStatus> = publication::Entity::find()
        .filter(publication::Column::RequestId.eq(row.id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| p.status.parse().ok().map(|s| (p.channel_id, s)))
        .collect();
    let publications = channels
        .iter()
        .map(|c| {
            (
                *c,
                stored.get(c).copied().unwrap_or(PublicationStatus::Pending),
            )
        })
        .collect();
    let checklist: Option<Checklist> = match &row.checklist {
        Some(v) => Some(serde_json::from_value(v.clone())?),
        None => None,
    };
    Ok(RequestState {
        status,
        requester: row.requester_id,
        holder: holder_of(row),
        returned_from: row.returned_from_step.and_then(Step::from_number),
        channels,
        publications,
        content_version: row.current_content_version,
        checklist,
    })
}

/// The condition "requested by, or at some point assigned to, this person or their roles".
pub(crate) fn visible_to(user_id: i64, roles: &BTreeSet<Role>) -> Condition {
    let official: Vec<&str> = roles
        .iter()
        .filter(|r| !matches!(r, Role::Requester | Role::Admin))
        .map(|r| r.as_str())
        .collect();
    Condition::any()
        .add(request::Column::RequesterId.eq(user_id))
        .add(
            request::Column::Id.in_subquery(
                Query::select()
                    .column(disposition::Column::RequestId)
                    .from(disposition::Entity)
                    .cond_where(
                        Condition::any()
                            .add(disposition::Column::ToUserId.eq(user_id))
                            .add(disposition::Column::ToRole.is_in(official)),
                    )
                    .to_owned(),
            ),
        )
}

async fn submitted_by_client(
    db: &impl ConnectionTrait,
    request_id: i64,
    client: i64,
) -> ServiceResult<bool> {
    Ok(event::Entity::find()
        .filter(event::Column::RequestId.eq(request_id))
        .filter(event::Column::ActorClientId.eq(client))
        .filter(event::Column::Kind.eq("submitted"))
        .one(db)
        .await?
        .is_some())
}

/// Takes the next agenda number of the year. The counter row is incremented inside the
/// submitting transaction (`INSERT … ON CONFLICT DO UPDATE … RETURNING`), which stays unique
/// and gap-free under concurrency on both engines, unlike `MAX(n) + 1`.
async fn next_agenda_number(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> ServiceResult<(i32, i32)> {
    use entity::agenda_counter::{Column, Entity};
    // The agenda year is the year in WIB, as the office counts it.
    let year = chrono::Datelike::year(&now.with_timezone(&workflow::sla::wib()));
    let insert = Query::insert()
        .into_table(Entity)
        .columns([Column::Year, Column::LastNumber])
        .values_panic([year.into(), 1.into()])
        .on_conflict(
            OnConflict::column(Column::Year)
                .value(
                    Column::LastNumber,
                    Expr::col((Entity, Column::LastNumber)).add(1),
                )
                .to_owned(),
        )
        .returning_col(Column::LastNumber)
        .to_owned();
    let backend = db.get_database_backend();
    let row = db
        .query_one(backend.build(&insert))
        .await?
        .ok_or_else(|| ServiceError::Internal("agenda counter returned no row".into()))?;
    let seq: i32 = i32::try_get(&row, "", "last_number")
        .map_err(|e| ServiceError::Internal(format!("agenda counter: {e:?}").into()))?;
    Ok((year, seq))
}

/// Renders an agenda number from the configured pattern, e.g. `{seq:4}/HM/{year}` → `0042/HM/2026`.
pub fn format_agenda_number(pattern: &str, year: i32, seq: i32) -> String {
    let mut out = pattern.replace("{year}", &year.to_string());
    while let Some(start) = out.find("{seq") {
        let Some(len) = out[start..].find('}') else {
            break;
        };
        let spec = &out[start + 4..start + len];
        let width: usize = spec
            .strip_prefix(':')
            .and_then(|w| w.parse().ok())
            .unwrap_or(4);
        out.replace_range(start..=start + len, &format!("{seq:0width$}"));
    }
    out
}

/// The time standards and calendar in force, read once per transaction.
pub(crate) struct SlaContext {
    pub standards: BTreeMap<Step, workflow::sla::SlaStandard>,
    pub calendar: workflow::sla::WorkCalendar,
}

impl SlaContext {
    pub fn deadline(&self, step: Step, start: DateTime<Utc>) -> DateTime<Utc> {
        let standard = self.standard(step);
        workflow::sla::deadline(start, &standard, &self.calendar)
    }

    pub fn standard(&self, step: Step) -> workflow::sla::SlaStandard {
        self.standards
            .get(&step)
            .cloned()
            .unwrap_or(workflow::sla::SlaStandard {
                minutes: step.default_sla_minutes(),
                working_hours_only: false,
            })
    }
}

/// Opens a step for its holder: the disposition row, with the SLA deadline fixed now.
#[allow(clippy::too_many_arguments)]
async fn open_disposition(
    db: &impl ConnectionTrait,
    sla: &SlaContext,
    request_id: i64,
    step: Step,
    from_user: Option<i64>,
    to: &Holder,
    note: &workflow::DispositionNote,
    now: DateTime<Utc>,
) -> ServiceResult<disposition::Model> {
    let standard = sla.standard(step);
    Ok(disposition::ActiveModel {
        request_id: Set(request_id),
        step: Set(step.number()),
        from_user_id: Set(from_user),
        to_role: Set(to.role.as_str().to_owned()),
        to_user_id: Set(to.user),
        instruction: Set(note.instruction.map(|i| i.as_str().to_owned())),
        instruction_text: Set(note.instruction_text.clone()),
        priority: Set(note.priority.as_str().to_owned()),
        note: Set(note.note.clone()),
        due_at: Set(note.due_at),
        sla_deadline: Set(sla.deadline(step, now)),
        sla_minutes: Set(i32::try_from(standard.minutes).unwrap_or(i32::MAX)),
        sla_working_hours_only: Set(standard.working_hours_only),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

async fn close_open_disposition(
    db: &impl ConnectionTrait,
    request_id: i64,
    outcome: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    disposition::Entity::update_many()
        .col_expr(disposition::Column::DoneAt, Expr::value(Some(now)))
        .col_expr(disposition::Column::Outcome, Expr::value(Some(outcome)))
        .filter(disposition::Column::RequestId.eq(request_id))
        .filter(disposition::Column::DoneAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn upsert_publication(
    db: &impl ConnectionTrait,
    request_id: i64,
    channel_id: i64,
    content_version: i32,
    status: PublicationStatus,
    scheduled_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ServiceResult<i64> {
    let existing = publication::Entity::find()
        .filter(publication::Column::RequestId.eq(request_id))
        .filter(publication::Column::ChannelId.eq(channel_id))
        .one(db)
        .await?;
    let row = match existing {
        Some(p) => {
            let mut active: publication::ActiveModel = p.clone().into();
            active.status = Set(status.as_str().to_owned());
            active.content_version = Set(content_version);
            active.scheduled_at = Set(scheduled_at);
            active.version = Set(p.version + 1);
            active.updated_at = Set(now);
            active.update(db).await?
        }
        None => {
            publication::ActiveModel {
                request_id: Set(request_id),
                channel_id: Set(channel_id),
                content_version: Set(content_version),
                status: Set(status.as_str().to_owned()),
                scheduled_at: Set(scheduled_at),
                attempts: Set(0),
                version: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    Ok(row.id)
}

async fn record_delivery(
    db: &impl ConnectionTrait,
    request_id: i64,
    channel_id: i64,
    status: PublicationStatus,
    details: &DeliveryDetails,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let p = publication::Entity::find()
        .filter(publication::Column::RequestId.eq(request_id))
        .filter(publication::Column::ChannelId.eq(channel_id))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("publication"))?;
    if let Some(link) = &details.link {
        check_len("link", link, 300)?;
    }
    let mut active: publication::ActiveModel = p.clone().into();
    active.status = Set(status.as_str().to_owned());
    if status == PublicationStatus::Sent {
        active.sent_at = Set(Some(now));
        active.last_error = Set(None);
    }
    if !details.message_ids.is_empty() {
        active.message_ids = Set(Some(json!(details.message_ids)));
    }
    if details.link.is_some() {
        active.link = Set(details.link.clone());
    }
    if let Some(sha) = &details.sent_sha256 {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ServiceError::BadInput(
                "sentSha256 must be 64 hexadecimal digits".into(),
            ));
        }
        active.sent_sha256 = Set(Some(sha.to_ascii_lowercase()));
    }
    if let Some(error) = &details.error {
        active.last_error = Set(Some(error.chars().take(2000).collect()));
    }
    active.version = Set(p.version + 1);
    active.updated_at = Set(now);
    active.update(db).await?;
    // The sending job is finished, whatever the outcome: a retry is a new job.
    entity::outbox::Entity::update_many()
        .col_expr(entity::outbox::Column::DoneAt, Expr::value(Some(now)))
        .filter(entity::outbox::Column::PublicationId.eq(p.id))
        .filter(entity::outbox::Column::DoneAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn notify_holder(
    db: &impl ConnectionTrait,
    request_id: i64,
    holder: &Holder,
    kind: &str,
) -> ServiceResult<()> {
    push_outbox(
        db,
        topic::NOTIFICATION,
        Some(request_id),
        None,
        json!({ "kind": kind, "role": holder.role.as_str(), "user_id": holder.user }),
        Utc::now(),
    )
    .await
}

async fn notify_requester(
    db: &impl ConnectionTrait,
    request_id: i64,
    requester: i64,
    kind: &str,
) -> ServiceResult<()> {
    push_outbox(
        db,
        topic::NOTIFICATION,
        Some(request_id),
        None,
        json!({ "kind": kind, "user_id": requester }),
        Utc::now(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::format_agenda_number;

    #[test]
    fn agenda_numbers_follow_the_pattern() {
        assert_eq!(
            format_agenda_number("{seq:4}/HM/{year}", 2026, 42),
            "0042/HM/2026"
        );
        assert_eq!(
            format_agenda_number("{seq}/UN25/HM/{year}", 2026, 7),
            "0007/UN25/HM/2026"
        );
        assert_eq!(
            format_agenda_number("HM-{year}-{seq:6}", 2027, 12345),
            "HM-2027-012345"
        );
    }
}
