//! Read operations.

use async_graphql::{
    Context, ID, InputObject, Object, Result,
    connection::{Connection, Edge, EmptyFields},
};
use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    auth::Principal,
    graphql::{
        error::{code, coded, parse_id},
        guard::{ADMIN, Allow, Authenticated, OFFICIALS_AND_ADMIN, SignedIn},
        principal,
        search::{SearchFilter, SearchHit, SearchTotals},
        services,
        types::*,
    },
    service::{requests::RequestFilter, search::SearchQuery},
};
use crate::{
    graphql::reports::{PublisherReport, ReportPeriod, SlaReport, VolumeReport},
    service::reports::{REPORT_ROLES, ReportRange},
};

pub struct Query;

/// Filters for `requests`.
#[derive(InputObject, Default)]
pub struct RequestFilterInput {
    /// Only these statuses.
    pub statuses: Option<Vec<RequestStatus>>,
    /// Words in the title, agenda number or unit.
    pub search: Option<String>,
    /// Only requests I submitted.
    pub mine: Option<bool>,
    pub submitted_from: Option<DateTime<Utc>>,
    pub submitted_until: Option<DateTime<Utc>>,
}

/// Page size: 20 unless asked, at most 100.
fn page_size(first: Option<i32>) -> Result<u64> {
    match first {
        None => Ok(20),
        Some(n) if (1..=100).contains(&n) => Ok(n as u64),
        Some(_) => Err(coded(
            code::BAD_USER_INPUT,
            "first must be between 1 and 100",
        )),
    }
}

fn parse_cursor(after: Option<String>) -> Result<Option<i64>> {
    after
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| coded(code::BAD_USER_INPUT, "invalid cursor"))
        })
        .transpose()
}

#[Object]
impl Query {
    /// The signed-in person (null when anonymous or a client).
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        match principal(ctx) {
            Principal::User { id, .. } => Ok(Some(User(services(ctx)?.user_by_id(id).await?))),
            _ => Ok(None),
        }
    }

    /// One request, if the caller may see it.
    #[graphql(guard = "Authenticated")]
    async fn request(&self, ctx: &Context<'_>, id: ID) -> Result<Request> {
        let id = parse_id(&id, "request")?;
        Ok(Request(
            services(ctx)?.visible_request(&principal(ctx), id).await?,
        ))
    }

    /// Requests the caller may see, newest first.
    #[graphql(guard = "Authenticated")]
    async fn requests(
        &self,
        ctx: &Context<'_>,
        filter: Option<RequestFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Request, EmptyFields, EmptyFields>> {
        let filter = filter.unwrap_or_default();
        let filter = RequestFilter {
            statuses: filter
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            search: filter.search,
            mine: filter.mine.unwrap_or(false),
            submitted_from: filter.submitted_from,
            submitted_until: filter.submitted_until,
        };
        let page = services(ctx)?
            .list_requests(
                &principal(ctx),
                &filter,
                page_size(first)?,
                parse_cursor(after.clone())?,
            )
            .await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|r| Edge::new(r.id.to_string(), Request(r))),
        );
        Ok(connection)
    }

    /// Full-text search over requests and archive entries (agenda number, title, narrative,
    /// unit), best match first, among what the caller may see. Words must all occur;
    /// `"a phrase"`, `prefix*` and `-excluded` work too; case and diacritics do not matter.
    /// Pass an edge's cursor as `after` for the next page.
    #[graphql(guard = "Authenticated")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        filter: Option<SearchFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, SearchHit, SearchTotals, EmptyFields>> {
        let offset = u64::try_from(parse_cursor(after)?.unwrap_or(0))
            .map_err(|_| coded(code::BAD_USER_INPUT, "invalid cursor"))?;
        let query = SearchQuery {
            text: query,
            filter: filter.unwrap_or_default().into_service()?,
            first: page_size(first)?,
            offset,
        };
        let page = services(ctx)?.search(&principal(ctx), query).await?;
        let mut connection = Connection::with_additional_fields(
            offset > 0,
            page.has_next,
            SearchTotals {
                total_count: page.total,
            },
        );
        connection.edges.extend(
            page.hits
                .into_iter()
                .zip(offset + 1..)
                .map(|(hit, position)| Edge::new(position.to_string(), SearchHit(hit))),
        );
        Ok(connection)
    }

    /// What waits on me, most urgent first.
    #[graphql(guard = "SignedIn")]
    async fn inbox(&self, ctx: &Context<'_>) -> Result<Vec<InboxItem>> {
        Ok(services(ctx)?
            .inbox(&principal(ctx))
            .await?
            .into_iter()
            .map(InboxItem)
            .collect())
    }

    /// Telegram channels (inactive ones only for admins).
    #[graphql(guard = "SignedIn")]
    async fn channels(
        &self,
        ctx: &Context<'_>,
        include_inactive: Option<bool>,
    ) -> Result<Vec<Channel>> {
        let include = include_inactive.unwrap_or(false);
        if include && !principal(ctx).has_role(crate::workflow::Role::Admin) {
            return Err(coded(code::FORBIDDEN, "only admins see inactive channels"));
        }
        Ok(services(ctx)?
            .channels(include)
            .await?
            .into_iter()
            .map(Channel)
            .collect())
    }

    /// The event log of a request.
    #[graphql(guard = "Authenticated")]
    async fn events(&self, ctx: &Context<'_>, request_id: ID) -> Result<Vec<Event>> {
        let id = parse_id(&request_id, "request")?;
        Ok(services(ctx)?
            .request_events(&principal(ctx), id)
            .await?
            .into_iter()
            .map(Event)
            .collect())
    }

    /// Everyone who can sign in (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn users(&self, ctx: &Context<'_>) -> Result<Vec<User>> {
        Ok(services(ctx)?
            .list_users()
            .await?
            .into_iter()
            .map(|(u, _)| User(u))
            .collect())
    }

    /// Active holders of a role, to choose whom a disposition goes to.
    #[graphql(guard = "Allow::roles(OFFICIALS_AND_ADMIN)")]
    async fn users_with_role(&self, ctx: &Context<'_>, role: Role) -> Result<Vec<User>> {
        Ok(services(ctx)?
            .users_with_role(role.into())
            .await?
            .into_iter()
            .map(User)
            .collect())
    }

    /// API clients (admins).
    #[graphql(guard = "Allow::roles(ADMIN)")]
    async fn api_clients(&self, ctx: &Context<'_>) -> Result<Vec<ApiClient>> {
        Ok(services(ctx)?
            .list_clients()
            .await?
            .into_iter()
            .map(ApiClient)
            .collect())
    }

    /// What has been published, newest first: for people and for clients with `read:published`.
    #[graphql(guard = "Authenticated")]
    async fn published_announcements(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Announcement, EmptyFields, EmptyFields>> {
        let page = services(ctx)?
            .published_announcements(
                &principal(ctx),
                page_size(first)?,
                parse_cursor(after.clone())?,
            )
            .await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|a| Edge::new(a.request.id.to_string(), Announcement(a))),
        );
        Ok(connection)
    }

    /// The time standard of every step.
    #[graphql(guard = "SignedIn")]
    async fn sla_standards(&self, ctx: &Context<'_>) -> Result<Vec<SlaStandard>> {
        Ok(services(ctx)?
            .sla_standards()
            .await?
            .into_iter()
            .map(SlaStandard)
            .collect())
    }

    /// The WIB working calendar used by steps that count working hours only.
    #[graphql(guard = "SignedIn")]
    async fn work_calendar(&self, ctx: &Context<'_>) -> Result<WorkCalendar> {
        let s = services(ctx)?;
        let settings = s.calendar_settings().await?;
        let holidays = s.holidays().await?;
        Ok(WorkCalendar {
            working_days: settings
                .working_days
                .split(',')
                .filter_map(|d| d.trim().parse().ok())
                .collect(),
            work_start: settings.work_start,
            work_end: settings.work_end,
            holidays: holidays
                .into_iter()
                .map(|h| Holiday {
                    date: h.date,
                    name: h.name,
                })
                .collect(),
        })
    }

    /// The server's VAPID public key (base64url), the `applicationServerKey` a device
    /// subscribes to Web Push with.
    #[graphql(guard = "SignedIn")]
    async fn vapid_public_key(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(services(ctx)?.vapid_public_key()?.to_owned())
    }

    /// SLA compliance per SOP step over a range of WIB days (both included) and per period:
    /// finished, on time, median and p90 durations, and what is open and overdue now.
    #[graphql(guard = "Allow::roles(REPORT_ROLES)")]
    async fn sla_report(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        until: NaiveDate,
        #[graphql(default)] period: ReportPeriod,
    ) -> Result<SlaReport> {
        let range = ReportRange::new(from, until)?;
        let report = services(ctx)?
            .sla_report(&principal(ctx), &range, period.into())
            .await?;
        Ok(report.into())
    }

    /// Requests submitted over a range of WIB days: per period, per unit, per channel.
    #[graphql(guard = "Allow::roles(REPORT_ROLES)")]
    async fn volume_report(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        until: NaiveDate,
        #[graphql(default)] period: ReportPeriod,
    ) -> Result<VolumeReport> {
        let range = ReportRange::new(from, until)?;
        let report = services(ctx)?
            .volume_report(&principal(ctx), &range, period.into())
            .await?;
        Ok(report.into())
    }

    /// The publisher's outcomes (sent, failed, uncertain…) per channel, for publications
    /// created over a range of WIB days.
    #[graphql(guard = "Allow::roles(REPORT_ROLES)")]
    async fn publisher_report(
        &self,
        ctx: &Context<'_>,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<PublisherReport> {
        let range = ReportRange::new(from, until)?;
        let report = services(ctx)?
            .publisher_report(&principal(ctx), &range)
            .await?;
        Ok(report.into())
    }

    /// The Telegram chat linked to my account (null when none).
    #[graphql(guard = "SignedIn")]
    async fn telegram_link(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::bot::TelegramLink>> {
        let Some(user_id) = principal(ctx).user_id() else {
            return Ok(None);
        };
        Ok(services(ctx)?
            .telegram_account_of(user_id)
            .await?
            .map(crate::graphql::bot::TelegramLink))
    }
    /// The records classification list, by code (inactive codes for admins only).
    #[graphql(guard = "SignedIn")]
    async fn classifications(
        &self,
        ctx: &Context<'_>,
        include_inactive: Option<bool>,
    ) -> Result<Vec<crate::graphql::archive::Classification>> {
        let include = include_inactive.unwrap_or(false);
        if include && !principal(ctx).has_role(crate::workflow::Role::Admin) {
            return Err(coded(
                code::FORBIDDEN,
                "only admins see inactive classifications",
            ));
        }
        Ok(services(ctx)?
            .classifications(include)
            .await?
            .into_iter()
            .map(crate::graphql::archive::Classification)
            .collect())
    }

    /// The archive entry of a request, if the caller may read it (its access class decides);
    /// clients with `read:published` read public entries.
    #[graphql(guard = "Authenticated")]
    async fn archive_entry(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
    ) -> Result<Option<ArchiveEntry>> {
        let id = parse_id(&request_id, "request")?;
        Ok(services(ctx)?
            .readable_archive_entry(&principal(ctx), id)
            .await?
            .map(ArchiveEntry))
    }

    /// Archive entries whose retention ended before `asOf` (a WIB date, today when not given)
    /// and that wait for a review decision, oldest first (staff, admins).
    #[graphql(guard = "Allow::roles(crate::graphql::guard::RECORDS)")]
    async fn archive_due_for_review(
        &self,
        ctx: &Context<'_>,
        as_of: Option<chrono::NaiveDate>,
    ) -> Result<Vec<ArchiveEntry>> {
        let as_of = as_of.unwrap_or_else(|| crate::service::archive::today_wib(Utc::now()));
        Ok(services(ctx)?
            .archive_due_for_review(&principal(ctx), as_of)
            .await?
            .into_iter()
            .map(ArchiveEntry)
            .collect())
    }
}
