//! Publications: the worker's job queue (taken with a lease), delivery reports, staff
//! resolving uncertain sends, and what third parties may read once it is published.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use entity::{channel, content_version, outbox, publication, request};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde_json::json;

use crate::{
    auth::{Principal, Scope},
    service::{
        Audit, ServiceError, ServiceResult, Services,
        audit::{NewEvent, append_event, topic},
        error::check_len,
        requests::{ActDetails, ActingOn, DeliveryDetails, Page},
    },
    workflow::{Command, DeliveryOutcome, PublicationStatus},
};

/// A publication job handed to a worker under a lease.
#[derive(Debug, Clone)]
pub struct PublicationJob {
    pub job_id: i64,
    pub lease_until: DateTime<Utc>,
    pub publication: publication::Model,
    pub channel: channel::Model,
    pub request: request::Model,
    pub content: content_version::Model,
}

/// A request as third parties see it once published: the approved text and where it went.
#[derive(Debug, Clone)]
pub struct Announcement {
    pub request: request::Model,
    pub content: content_version::Model,
    pub publications: Vec<(publication::Model, channel::Model)>,
}

/// Attempts at one publication before it fails for a person to look at.
pub const MAX_ATTEMPTS: i32 = 8;

fn require_worker(principal: &Principal) -> ServiceResult<()> {
    match principal {
        Principal::Anonymous => Err(ServiceError::Unauthenticated),
        p if p.has_scope(Scope::Worker) => Ok(()),
        _ => Err(ServiceError::Forbidden(
            "only the publishing worker may do this".into(),
        )),
    }
}

/// Refuses unless `worker` holds the live lease on the publication's job: after the lease
/// another worker may hold the job, and two workers acting on it could post it twice.
async fn require_lease(
    conn: &impl ConnectionTrait,
    publication_id: i64,
    worker: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let held = outbox::Entity::find()
        .filter(outbox::Column::PublicationId.eq(publication_id))
        .filter(outbox::Column::DoneAt.is_null())
        .filter(outbox::Column::LeaseOwner.eq(worker))
        .filter(outbox::Column::LeaseUntil.gt(now))
        .one(conn)
        .await?;
    match held {
        Some(_) => Ok(()),
        None => Err(ServiceError::Conflict(
            "this worker does not hold the job's lease (it ran out or was never taken)".into(),
        )),
    }
}

impl Services {
    /// Takes up to `limit` due publication jobs for `worker` for `lease` seconds. A job whose
    /// lease ran out (its worker crashed) is due again. Two workers never hold the same job:
    /// the lease is taken with a conditional update that only one of them can win.
    pub async fn claim_publication_jobs(
        &self,
        principal: &Principal,
        worker: &str,
        limit: u64,
        lease_secs: i64,
    ) -> ServiceResult<Vec<PublicationJob>> {
        require_worker(principal)?;
        check_len("worker", worker, 64)?;
        if !(1..=100).contains(&limit) || !(5..=3600).contains(&lease_secs) {
            return Err(ServiceError::BadInput(
                "limit must be 1..100 and lease 5..3600 seconds".into(),
            ));
        }
        let audit = Audit::of(principal, None)?;
        let now = Utc::now();
        let lease_until = now + Duration::seconds(lease_secs);
        let tx = self.db.begin_write().await?;
        let due = outbox::Entity::find()
            .filter(outbox::Column::Topic.eq(topic::PUBLICATION))
            .filter(outbox::Column::DoneAt.is_null())
            .filter(outbox::Column::AvailableAt.lte(now))
            .filter(
                Condition::any()
                    .add(outbox::Column::LeaseUntil.is_null())
                    .add(outbox::Column::LeaseUntil.lt(now)),
            )
            .order_by_asc(outbox::Column::AvailableAt)
            .order_by_asc(outbox::Column::Id)
            .limit(limit)
            .all(&*tx)
            .await?;
        let mut jobs = Vec::new();
        let mut abandoned = Vec::new();
        for job in due {
            let won = outbox::Entity::update_many()
                .col_expr(outbox::Column::LeaseOwner, Expr::value(Some(worker)))
                .col_expr(outbox::Column::LeaseUntil, Expr::value(Some(lease_until)))
                .col_expr(
                    outbox::Column::Attempts,
                    Expr::col(outbox::Column::Attempts).add(1),
                )
                .filter(outbox::Column::Id.eq(job.id))
                .filter(outbox::Column::DoneAt.is_null())
                .filter(
                    Condition::any()
                        .add(outbox::Column::LeaseUntil.is_null())
                        .add(outbox::Column::LeaseUntil.lt(now)),
                )
                .exec(&*tx)
                .await?;
            if won.rows_affected != 1 {
                continue;
            }
            let Some(publication_id) = job.publication_id else {
                continue;
            };
            let Some(p) = publication::Entity::find_by_id(publication_id)
                .one(&*tx)
                .await?
            else {
                continue;
            };
            // A job whose publication is still `sending` was leased before and never
            // reported: that worker may have posted before it stopped. Sending again could
            // post twice, so a person decides (see `settle_abandoned`).
            if p.status.parse() == Ok(PublicationStatus::Sending) {
                abandoned.push(p.id);
                outbox::Entity::update_many()
                    .col_expr(outbox::Column::DoneAt, Expr::value(Some(now)))
                    .filter(outbox::Column::Id.eq(job.id))
                    .exec(&*tx)
                    .await?;
                continue;
            }
            // A publication resolved meanwhile (sent, retracted) needs no sending. One still
            // `queued` stays so while claimed: only `start_sending_publication` makes it
            // `sending`, so a worker that dies before its first call leaves nothing uncertain.
            if p.status.parse() != Ok(PublicationStatus::Queued) {
                outbox::Entity::update_many()
                    .col_expr(outbox::Column::DoneAt, Expr::value(Some(now)))
                    .filter(outbox::Column::Id.eq(job.id))
                    .exec(&*tx)
                    .await?;
                continue;
            }
            append_event(
                &*tx,
                &audit,
                NewEvent {
                    request_id: Some(p.request_id),
                    kind: "publication_claimed",
                    from_status: None,
                    to_status: None,
                    payload: json!({
                        "publication_id": p.id,
                        "channel_id": p.channel_id,
                        "worker": worker,
                        "lease_until": lease_until,
                    }),
                },
            )
            .await?;
            let channel = channel::Entity::find_by_id(p.channel_id)
                .one(&*tx)
                .await?
                .ok_or(ServiceError::NotFound("channel"))?;
            let request = request::Entity::find_by_id(p.request_id)
                .one(&*tx)
                .await?
                .ok_or(ServiceError::NotFound("request"))?;
            let content = content_version::Entity::find()
                .filter(content_version::Column::RequestId.eq(p.request_id))
                .filter(content_version::Column::VersionNo.eq(p.content_version))
                .one(&*tx)
                .await?
                .ok_or(ServiceError::NotFound("content version"))?;
            jobs.push(PublicationJob {
                job_id: job.id,
                lease_until,
                publication: p,
                channel,
                request,
                content,
            });
        }
        tx.commit().await?;
        for publication_id in abandoned {
            self.settle_abandoned(principal, publication_id).await?;
        }
        Ok(jobs)
    }

    /// The worker is about to make its first Bot API call for a publication it holds: the
    /// attempt is recorded (`sending`, one more attempt, an audit event) before the call, so
    /// that a worker dying from here on leaves the publication `uncertain`, never resent.
    /// Refused unless `worker` still holds the job's lease: after the lease another worker
    /// may hold the job, and two senders could post it twice.
    pub async fn start_sending_publication(
        &self,
        principal: &Principal,
        publication_id: i64,
        worker: &str,
    ) -> ServiceResult<publication::Model> {
        require_worker(principal)?;
        let audit = Audit::of(principal, None)?;
        let now = Utc::now();
        let tx = self.db.begin_write().await?;
        let p = publication::Entity::find_by_id(publication_id)
            .one(&*tx)
            .await?
            .ok_or(ServiceError::NotFound("publication"))?;
        require_lease(&*tx, p.id, worker, now).await?;
        // Conditional on `queued`, so that of two racing calls only one starts it.
        let started = publication::Entity::update_many()
            .col_expr(
                publication::Column::Status,
                Expr::value(PublicationStatus::Sending.as_str()),
            )
            .col_expr(
                publication::Column::Attempts,
                Expr::col(publication::Column::Attempts).add(1),
            )
            .col_expr(
                publication::Column::Version,
                Expr::col(publication::Column::Version).add(1),
            )
            .col_expr(publication::Column::UpdatedAt, Expr::value(now))
            .filter(publication::Column::Id.eq(p.id))
            .filter(publication::Column::Status.eq(PublicationStatus::Queued.as_str()))
            .exec(&*tx)
            .await?;
        if started.rows_affected != 1 {
            return Err(ServiceError::Conflict(format!(
                "this publication is {}, not queued: it cannot be started",
                p.status
            )));
        }
        append_event(
            &*tx,
            &audit,
            NewEvent {
                request_id: Some(p.request_id),
                kind: "publication_send_started",
                from_status: None,
                to_status: None,
                payload: json!({
                    "publication_id": p.id,
                    "channel_id": p.channel_id,
                    "worker": worker,
                    "attempt": p.attempts + 1,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.publication(publication_id).await
    }

    /// Marks a publication whose worker vanished mid-send as uncertain.
    async fn settle_abandoned(
        &self,
        principal: &Principal,
        publication_id: i64,
    ) -> ServiceResult<()> {
        let details = DeliveryDetails {
            error: Some("a worker stopped while sending this post; check the channel, then mark it posted or send it again".into()),
            ..Default::default()
        };
        self.report_publication(
            principal,
            publication_id,
            DeliveryOutcome::Uncertain,
            details,
        )
        .await
        .map(|_| ())
    }

    /// The worker could not send, for certain (rate limit, connection refused): the job goes
    /// back to the queue to be taken again after `delay_secs`, as a new recorded attempt.
    /// After `MAX_ATTEMPTS` it fails for a person to look at. Only the worker holding the
    /// job's lease may give it back: a late call from a worker whose lease ran out would
    /// otherwise requeue a job another worker is sending.
    pub async fn retry_publication_later(
        &self,
        principal: &Principal,
        publication_id: i64,
        worker: &str,
        delay_secs: i64,
        error: &str,
    ) -> ServiceResult<publication::Model> {
        require_worker(principal)?;
        let p = self.publication(publication_id).await?;
        require_lease(&self.db.conn, p.id, worker, Utc::now()).await?;
        if p.attempts >= MAX_ATTEMPTS {
            let details = DeliveryDetails {
                error: Some(format!("gave up after {} attempts: {error}", p.attempts)),
                ..Default::default()
            };
            return self
                .report_publication(principal, publication_id, DeliveryOutcome::Failed, details)
                .await;
        }
        // `queued`: claimed and given back before its first call; `sending`: nothing posted.
        if !matches!(
            p.status.parse(),
            Ok(PublicationStatus::Queued | PublicationStatus::Sending)
        ) {
            return Err(ServiceError::Conflict(
                "this publication is not being sent".into(),
            ));
        }
        let audit = Audit::of(principal, None)?;
        let now = Utc::now();
        let available_at = now + Duration::seconds(delay_secs.clamp(0, 3600));
        let error: String = error.chars().take(2000).collect();
        let tx = self.db.begin_write().await?;
        publication::Entity::update_many()
            .col_expr(
                publication::Column::Status,
                Expr::value(PublicationStatus::Queued.as_str()),
            )
            .col_expr(
                publication::Column::LastError,
                Expr::value(Some(error.clone())),
            )
            .col_expr(
                publication::Column::Version,
                Expr::col(publication::Column::Version).add(1),
            )
            .col_expr(publication::Column::UpdatedAt, Expr::value(now))
            .filter(publication::Column::Id.eq(p.id))
            .exec(&*tx)
            .await?;
        outbox::Entity::update_many()
            .col_expr(
                outbox::Column::LeaseOwner,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                outbox::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(outbox::Column::AvailableAt, Expr::value(available_at))
            .col_expr(outbox::Column::LastError, Expr::value(Some(error.clone())))
            .filter(outbox::Column::PublicationId.eq(p.id))
            .filter(outbox::Column::DoneAt.is_null())
            .exec(&*tx)
            .await?;
        append_event(
            &*tx,
            &audit,
            NewEvent {
                request_id: Some(p.request_id),
                kind: "publication_retry_scheduled",
                from_status: None,
                to_status: None,
                payload: json!({ "publication_id": p.id, "available_at": available_at, "error": error }),
            },
        )
        .await?;
        tx.commit().await?;
        self.publication(publication_id).await
    }

    /// The worker reports how sending one publication ended.
    pub async fn report_publication(
        &self,
        principal: &Principal,
        publication_id: i64,
        outcome: DeliveryOutcome,
        details: DeliveryDetails,
    ) -> ServiceResult<publication::Model> {
        require_worker(principal)?;
        let p = self.publication(publication_id).await?;
        let command = Command::RecordDelivery {
            channel: p.channel_id,
            outcome,
        };
        let details = ActDetails {
            delivery: Some(details),
            ..Default::default()
        };
        // The channels of one request are sent by whichever workers took them, and their
        // outcomes can arrive at the same moment. A report states a fact rather than a
        // decision taken on a view of the request, so it applies to the request as it is once
        // locked; refusing it for another report's change would strand a sent post as
        // `sending`.
        self.act_on(
            principal,
            p.request_id,
            ActingOn::Latest,
            &[command],
            details,
        )
        .await?;
        self.publication(publication_id).await
    }

    /// Staff settle an uncertain publication: it did appear (with its link), or send it again.
    pub async fn resolve_uncertain_publication(
        &self,
        principal: &Principal,
        publication_id: i64,
        posted: bool,
        link: Option<String>,
    ) -> ServiceResult<publication::Model> {
        let p = self.publication(publication_id).await?;
        self.visible_request(principal, p.request_id).await?;
        let command = Command::ResolveUncertain {
            channel: p.channel_id,
            posted,
        };
        let details = ActDetails {
            delivery: Some(DeliveryDetails {
                link,
                ..Default::default()
            }),
            ..Default::default()
        };
        self.act(principal, p.request_id, None, &[command], details)
            .await?;
        self.publication(publication_id).await
    }

    pub async fn publication(&self, id: i64) -> ServiceResult<publication::Model> {
        publication::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(ServiceError::NotFound("publication"))
    }

    /// Published requests, newest first: for everyone signed in and for clients with
    /// `read:published`. Only what went out is shown; nothing of the internal chain.
    pub async fn published_announcements(
        &self,
        principal: &Principal,
        first: u64,
        after: Option<i64>,
    ) -> ServiceResult<Page<Announcement>> {
        match principal {
            Principal::Anonymous => return Err(ServiceError::Unauthenticated),
            Principal::Client { .. } if !principal.has_scope(Scope::ReadPublished) => {
                return Err(ServiceError::Forbidden(
                    "this client lacks the read:published scope".into(),
                ));
            }
            _ => {}
        }
        let sent = PublicationStatus::Sent.as_str();
        let mut q = request::Entity::find().filter(
            request::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(publication::Column::RequestId)
                    .from(publication::Entity)
                    .and_where(publication::Column::Status.eq(sent))
                    .to_owned(),
            ),
        );
        if let Some(cursor) = after {
            q = q.filter(request::Column::Id.lt(cursor));
        }
        let mut requests = q
            .order_by_desc(request::Column::Id)
            .limit(first + 1)
            .all(&self.db.conn)
            .await?;
        let has_next = requests.len() as u64 > first;
        requests.truncate(first as usize);
        let ids: Vec<i64> = requests.iter().map(|r| r.id).collect();
        let publications = publication::Entity::find()
            .filter(publication::Column::RequestId.is_in(ids.clone()))
            .filter(publication::Column::Status.eq(sent))
            .order_by_asc(publication::Column::SentAt)
            .all(&self.db.conn)
            .await?;
        let channels: BTreeMap<i64, channel::Model> = channel::Entity::find()
            .all(&self.db.conn)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let contents = content_version::Entity::find()
            .filter(content_version::Column::RequestId.is_in(ids))
            .all(&self.db.conn)
            .await?;
        let items = requests
            .into_iter()
            .filter_map(|r| {
                let mine: Vec<_> = publications
                    .iter()
                    .filter(|p| p.request_id == r.id)
                    .filter_map(|p| channels.get(&p.channel_id).map(|c| (p.clone(), c.clone())))
                    .collect();
                let version = mine.first().map(|(p, _)| p.content_version)?;
                let content = contents
                    .iter()
                    .find(|c| c.request_id == r.id && c.version_no == version)?
                    .clone();
                Some(Announcement {
                    request: r,
                    content,
                    publications: mine,
                })
            })
            .collect();
        Ok(Page { items, has_next })
    }
}
