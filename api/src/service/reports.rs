//! Reports for the leadership: SLA compliance per SOP step and period, request volume, and the
//! publisher's outcomes. Every figure is an aggregate computed by the database (window
//! functions and `GROUP BY`); no query loads the rows it counts, so the reports stay fast at
//! 100,000 requests (`api/benches/reports.rs`).
//!
//! Definitions, identical on SQLite and PostgreSQL so both engines give the same figures:
//! - The range is WIB calendar days: `from` 00:00 WIB up to (not including) the day after
//!   `until`, 00:00 WIB. Periods are WIB calendar months and ISO weeks (from Monday).
//! - A step is *finished* in the range when its disposition's `done_at` falls in it. A step
//!   closed because the requester withdrew does not count: its holder did not act.
//! - *On time* is `done_at <= sla_deadline`, the deadline stored when the step opened (on the
//!   working calendar for working-hours steps), as the request's own SLA view decides it.
//! - A step's *duration* is the wall-clock time from its opening (`created_at`) to `done_at`,
//!   in whole seconds (rounded).
//! - Median and p90 are nearest-rank percentiles: of the n durations in ascending order, the
//!   one at rank ceil(p/100 · n) (rank ceil(n/2) for the median). No interpolation, so every
//!   figure is a duration some step really took.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use entity::sla_standard;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, EntityTrait, QueryResult, Statement, TryGetable, Value,
};

use crate::{
    auth::Principal,
    service::{ServiceError, ServiceResult, Services},
    workflow::{PublicationStatus, Role, Step, sla::wib},
};

/// Who may see the reports: the officials of the SOP (the leadership among them) and admins;
/// not requesters, not API clients.
pub const REPORT_ROLES: &[Role] = &[
    Role::ViceRector,
    Role::BureauHead,
    Role::PkihCoordinator,
    Role::HumasDeputy,
    Role::Staff,
    Role::Admin,
];

/// The longest range a report covers, in days (ten years).
pub const MAX_RANGE_DAYS: i64 = 3653;

/// A range of WIB calendar days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportRange {
    pub from: NaiveDate,
    pub until: NaiveDate,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl ReportRange {
    pub fn new(from: NaiveDate, until: NaiveDate) -> ServiceResult<Self> {
        if until < from {
            return Err(ServiceError::BadInput(format!(
                "until ({until}) must not be before from ({from})"
            )));
        }
        if (until - from).num_days() >= MAX_RANGE_DAYS {
            return Err(ServiceError::BadInput(format!(
                "a report covers at most {MAX_RANGE_DAYS} days"
            )));
        }
        let day_after = until
            .succ_opt()
            .ok_or_else(|| ServiceError::BadInput("until is too far in the future".into()))?;
        Ok(ReportRange {
            from,
            until,
            start: wib_midnight(from),
            end: wib_midnight(day_after),
        })
    }

    /// The first instant of the range.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The first instant after the range.
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }
}

fn wib_midnight(date: NaiveDate) -> DateTime<Utc> {
    let offset = TimeDelta::seconds(i64::from(wib().local_minus_utc()));
    (date.and_time(NaiveTime::MIN) - offset).and_utc()
}

/// How figures are grouped over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    /// WIB calendar months.
    #[default]
    Month,
    /// ISO weeks, Monday to Sunday, in WIB.
    Week,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Week => "week",
        }
    }
}

impl std::str::FromStr for Period {
    type Err = ServiceError;

    fn from_str(text: &str) -> ServiceResult<Self> {
        match text {
            "month" => Ok(Period::Month),
            "week" => Ok(Period::Week),
            _ => Err(ServiceError::BadInput(format!(
                "period {text:?} is neither \"month\" nor \"week\""
            ))),
        }
    }
}

/// SLA figures of one step, over a period or the whole range.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaFigures {
    pub step: Step,
    /// The period's first day; `None` for the whole range.
    pub period_start: Option<NaiveDate>,
    pub finished: i64,
    pub on_time: i64,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
}

impl SlaFigures {
    fn empty(step: Step, period_start: Option<NaiveDate>) -> Self {
        SlaFigures {
            step,
            period_start,
            finished: 0,
            on_time: 0,
            median_seconds: None,
            p90_seconds: None,
        }
    }

    /// The share of finished steps that were on time, 0 to 1; `None` when none finished.
    pub fn on_time_share(&self) -> Option<f64> {
        (self.finished > 0).then(|| self.on_time as f64 / self.finished as f64)
    }
}

/// One step over the whole range, with its standard and what is open right now.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaStepReport {
    pub figures: SlaFigures,
    /// Today's standard for the step.
    pub standard_minutes: i32,
    pub working_hours_only: bool,
    /// Steps open now (whatever the range).
    pub open_now: i64,
    /// Open steps past their deadline now.
    pub overdue_now: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SlaReport {
    pub range: ReportRange,
    pub period: Period,
    /// The seven steps over the whole range, in the SOP's order.
    pub steps: Vec<SlaStepReport>,
    /// Per period and step, oldest period first; periods and steps with nothing finished are
    /// left out.
    pub periods: Vec<SlaFigures>,
    /// When "now" was for `open_now` and `overdue_now`.
    pub generated_at: DateTime<Utc>,
}

/// Requests submitted in a period or from a unit or for a channel, by how they stand now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VolumeFigures {
    pub submitted: i64,
    pub archived: i64,
    pub rejected: i64,
    pub withdrawn: i64,
}

impl VolumeFigures {
    /// Neither archived nor rejected nor withdrawn: still on its way.
    pub fn in_progress(&self) -> i64 {
        self.submitted - self.archived - self.rejected - self.withdrawn
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct VolumeReport {
    pub range: ReportRange,
    pub period: Period,
    pub total: VolumeFigures,
    /// Per period (first day), oldest first; empty periods left out.
    pub periods: Vec<(NaiveDate, VolumeFigures)>,
    /// Per requesting unit, most requests first.
    pub units: Vec<(String, VolumeFigures)>,
    /// Per channel chosen in step 2, most requests first.
    pub channels: Vec<(ChannelRef, VolumeFigures)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRef {
    pub id: i64,
    pub name: String,
}

/// Publications created in the range, by status, for one channel or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PublisherFigures {
    pub pending: i64,
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub uncertain: i64,
    pub retracted: i64,
    /// Send attempts made for them.
    pub attempts: i64,
}

impl PublisherFigures {
    pub fn total(&self) -> i64 {
        self.pending
            + self.queued
            + self.sending
            + self.sent
            + self.failed
            + self.uncertain
            + self.retracted
    }

    fn add(&mut self, status: PublicationStatus, count: i64, attempts: i64) {
        let slot = match status {
            PublicationStatus::Pending => &mut self.pending,
            PublicationStatus::Queued => &mut self.queued,
            PublicationStatus::Sending => &mut self.sending,
            PublicationStatus::Sent => &mut self.sent,
            PublicationStatus::Failed => &mut self.failed,
            PublicationStatus::Uncertain => &mut self.uncertain,
            PublicationStatus::Retracted => &mut self.retracted,
        };
        *slot += count;
        self.attempts += attempts;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PublisherReport {
    pub range: ReportRange,
    pub total: PublisherFigures,
    /// Per channel, by name.
    pub channels: Vec<(ChannelRef, PublisherFigures)>,
}

/// The SQL that differs between the engines: placeholders, WIB periods, durations.
#[derive(Debug, Clone, Copy)]
struct Dialect(DatabaseBackend);

impl Dialect {
    /// `sql` is written with `$1`, `$2`…; SQLite gets its own numbered `?1`, `?2`….
    fn statement(self, sql: &str, values: Vec<Value>) -> Statement {
        let sql = match self.0 {
            DatabaseBackend::Sqlite => sql.replace('$', "?"),
            _ => sql.to_owned(),
        };
        Statement::from_sql_and_values(self.0, sql, values)
    }

    /// The WIB period that timestamp column `col` falls in, as its first day `YYYY-MM-DD`.
    fn period_start(self, period: Period, col: &str) -> String {
        match (self.0, period) {
            (DatabaseBackend::Sqlite, Period::Month) => {
                format!("strftime('%Y-%m-01', {col}, '+7 hours')")
            }
            (DatabaseBackend::Sqlite, Period::Week) => {
                // The coming Sunday (or today, on a Sunday), less six days: this week's Monday.
                format!("date({col}, '+7 hours', 'weekday 0', '-6 days')")
            }
            (_, Period::Month) => {
                format!("to_char(({col} AT TIME ZONE 'UTC') + INTERVAL '7 hours', 'YYYY-MM-01')")
            }
            (_, Period::Week) => format!(
                "to_char(date_trunc('week', ({col} AT TIME ZONE 'UTC') + INTERVAL '7 hours'), 'YYYY-MM-DD')"
            ),
        }
    }

    /// Whole seconds from `start` to `end`, rounded.
    fn seconds_between(self, start: &str, end: &str) -> String {
        match self.0 {
            DatabaseBackend::Sqlite => {
                format!("CAST(ROUND((julianday({end}) - julianday({start})) * 86400.0) AS INTEGER)")
            }
            _ => format!("CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start}))) AS BIGINT)"),
        }
    }
}

fn get<T: TryGetable>(row: &QueryResult, col: &str) -> ServiceResult<T> {
    Ok(row.try_get::<T>("", col)?)
}

/// A period's first day as the queries spell it; `None` for `''` (the whole range).
fn period_date(text: &str) -> ServiceResult<Option<NaiveDate>> {
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|e| {
            ServiceError::Internal(format!("period {text:?} from the database: {e}").into())
        })
}

/// Finished steps per step over the whole range (`period_start` `None`) and per period, in
/// one pass: both rankings come from the same rows, so each row's timestamps are read once.
async fn sla_figures(
    db: &impl ConnectionTrait,
    range: &ReportRange,
    period: Period,
) -> ServiceResult<Vec<SlaFigures>> {
    let dialect = Dialect(db.get_database_backend());
    // Nearest rank ceil(p·n/100) in integer arithmetic: (n·p + 99) / 100.
    let sql = format!(
        "WITH finished AS (
            SELECT step, {bucket} AS bucket, {secs} AS secs,
                   CASE WHEN done_at <= sla_deadline THEN 1 ELSE 0 END AS on_time
            FROM disposition
            WHERE done_at >= $1 AND done_at < $2
              AND (outcome IS NULL OR outcome <> 'withdrawn')
        ), ranked AS (
            SELECT step, bucket, secs, on_time,
                   ROW_NUMBER() OVER (PARTITION BY bucket, step ORDER BY secs) AS rn,
                   COUNT(*) OVER (PARTITION BY bucket, step) AS n,
                   ROW_NUMBER() OVER (PARTITION BY step ORDER BY secs) AS rn_all,
                   COUNT(*) OVER (PARTITION BY step) AS n_all
            FROM finished
        )
        SELECT bucket, step, COUNT(*) AS finished, SUM(on_time) AS on_time,
               MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN secs END) AS median_secs,
               MAX(CASE WHEN rn = (n * 90 + 99) / 100 THEN secs END) AS p90_secs
        FROM ranked
        GROUP BY bucket, step
        UNION ALL
        SELECT '' AS bucket, step, COUNT(*) AS finished, SUM(on_time) AS on_time,
               MAX(CASE WHEN rn_all = (n_all * 50 + 99) / 100 THEN secs END) AS median_secs,
               MAX(CASE WHEN rn_all = (n_all * 90 + 99) / 100 THEN secs END) AS p90_secs
        FROM ranked
        GROUP BY step
        ORDER BY bucket, step",
        bucket = dialect.period_start(period, "done_at"),
        secs = dialect.seconds_between("created_at", "done_at"),
    );
    let rows = db
        .query_all(dialect.statement(&sql, vec![range.start.into(), range.end.into()]))
        .await?;
    rows.iter()
        .filter_map(|row| {
            let step = match get::<i16>(row, "step") {
                Ok(n) => Step::from_number(n)?,
                Err(e) => return Some(Err(e)),
            };
            Some((|| {
                Ok(SlaFigures {
                    step,
                    period_start: period_date(&get::<String>(row, "bucket")?)?,
                    finished: get(row, "finished")?,
                    on_time: get(row, "on_time")?,
                    median_seconds: get(row, "median_secs")?,
                    p90_seconds: get(row, "p90_secs")?,
                })
            })())
        })
        .collect()
}

/// Open steps and overdue open steps per step, now.
async fn open_now(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> ServiceResult<BTreeMap<i16, (i64, i64)>> {
    let dialect = Dialect(db.get_database_backend());
    let sql = "SELECT step, COUNT(*) AS open_steps,
                      SUM(CASE WHEN sla_deadline < $1 THEN 1 ELSE 0 END) AS overdue
               FROM disposition WHERE done_at IS NULL GROUP BY step";
    let rows = db
        .query_all(dialect.statement(sql, vec![now.into()]))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                get(row, "step")?,
                (get(row, "open_steps")?, get(row, "overdue")?),
            ))
        })
        .collect()
}

/// The SLA report over `range`, with per-`period` figures.
pub async fn sla_report(
    db: &impl ConnectionTrait,
    range: &ReportRange,
    period: Period,
    now: DateTime<Utc>,
) -> ServiceResult<SlaReport> {
    let (totals, periods): (Vec<_>, Vec<_>) = sla_figures(db, range, period)
        .await?
        .into_iter()
        .partition(|f| f.period_start.is_none());
    let open = open_now(db, now).await?;
    let standards: BTreeMap<i16, sla_standard::Model> = sla_standard::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.step, s))
        .collect();
    let steps = Step::ALL
        .into_iter()
        .map(|step| {
            let figures = totals
                .iter()
                .find(|f| f.step == step)
                .cloned()
                .unwrap_or_else(|| SlaFigures::empty(step, None));
            let standard = standards.get(&step.number());
            let (open_now, overdue_now) = open.get(&step.number()).copied().unwrap_or_default();
            SlaStepReport {
                figures,
                standard_minutes: standard.map_or(step.default_sla_minutes() as i32, |s| s.minutes),
                working_hours_only: standard.is_some_and(|s| s.working_hours_only),
                open_now,
                overdue_now,
            }
        })
        .collect();
    Ok(SlaReport {
        range: *range,
        period,
        steps,
        periods,
        generated_at: now,
    })
}

fn volume_figures(row: &QueryResult) -> ServiceResult<VolumeFigures> {
    Ok(VolumeFigures {
        submitted: get(row, "submitted")?,
        archived: get(row, "archived")?,
        rejected: get(row, "rejected")?,
        withdrawn: get(row, "withdrawn")?,
    })
}

/// `COUNT` and status sums over the requests of alias `r`.
const VOLUME_COLUMNS: &str = "COUNT(*) AS submitted,
    SUM(CASE WHEN r.status = 'archived' THEN 1 ELSE 0 END) AS archived,
    SUM(CASE WHEN r.status = 'rejected' THEN 1 ELSE 0 END) AS rejected,
    SUM(CASE WHEN r.status = 'withdrawn' THEN 1 ELSE 0 END) AS withdrawn";

/// Most first, then by name, in Rust: the engines' collations would order ties differently.
fn by_count_then_name<K: Ord>(rows: &mut [(K, VolumeFigures)]) {
    rows.sort_by(|a, b| b.1.submitted.cmp(&a.1.submitted).then(a.0.cmp(&b.0)));
}

/// Requests submitted in `range`: per period, per unit and per chosen channel.
pub async fn volume_report(
    db: &impl ConnectionTrait,
    range: &ReportRange,
    period: Period,
) -> ServiceResult<VolumeReport> {
    let dialect = Dialect(db.get_database_backend());
    let bounds = || vec![range.start.into(), range.end.into()];
    let in_range = "r.submitted_at >= $1 AND r.submitted_at < $2";

    let sql = format!(
        "SELECT {bucket} AS bucket, {VOLUME_COLUMNS} FROM request r WHERE {in_range}
         GROUP BY bucket ORDER BY bucket",
        bucket = dialect.period_start(period, "r.submitted_at"),
    );
    let mut periods = Vec::new();
    for row in db.query_all(dialect.statement(&sql, bounds())).await? {
        if let Some(start) = period_date(&get::<String>(&row, "bucket")?)? {
            periods.push((start, volume_figures(&row)?));
        }
    }
    let total = periods
        .iter()
        .fold(VolumeFigures::default(), |sum, (_, f)| VolumeFigures {
            submitted: sum.submitted + f.submitted,
            archived: sum.archived + f.archived,
            rejected: sum.rejected + f.rejected,
            withdrawn: sum.withdrawn + f.withdrawn,
        });

    let sql = format!(
        "SELECT r.unit AS unit, {VOLUME_COLUMNS} FROM request r WHERE {in_range} GROUP BY r.unit"
    );
    let mut units = db
        .query_all(dialect.statement(&sql, bounds()))
        .await?
        .iter()
        .map(|row| Ok((get::<String>(row, "unit")?, volume_figures(row)?)))
        .collect::<ServiceResult<Vec<_>>>()?;
    by_count_then_name(&mut units);

    let sql = format!(
        "SELECT c.id AS channel_id, c.name AS channel_name, {VOLUME_COLUMNS}
         FROM request_channel rc
         JOIN request r ON r.id = rc.request_id
         JOIN channel c ON c.id = rc.channel_id
         WHERE {in_range} GROUP BY c.id, c.name"
    );
    let mut channels = db
        .query_all(dialect.statement(&sql, bounds()))
        .await?
        .iter()
        .map(|row| {
            let channel = ChannelRef {
                id: get(row, "channel_id")?,
                name: get(row, "channel_name")?,
            };
            Ok((channel, volume_figures(row)?))
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    channels.sort_by(|a, b| {
        b.1.submitted
            .cmp(&a.1.submitted)
            .then(a.0.name.cmp(&b.0.name))
            .then(a.0.id.cmp(&b.0.id))
    });

    Ok(VolumeReport {
        range: *range,
        period,
        total,
        periods,
        units,
        channels,
    })
}

/// Publications created in `range` (queued for sending, or drafted), per channel and status.
pub async fn publisher_report(
    db: &impl ConnectionTrait,
    range: &ReportRange,
) -> ServiceResult<PublisherReport> {
    let dialect = Dialect(db.get_database_backend());
    let sql = "SELECT c.id AS channel_id, c.name AS channel_name, p.status AS status,
                      COUNT(*) AS n, SUM(p.attempts) AS attempts
               FROM publication p JOIN channel c ON c.id = p.channel_id
               WHERE p.created_at >= $1 AND p.created_at < $2
               GROUP BY c.id, c.name, p.status";
    let rows = db
        .query_all(dialect.statement(sql, vec![range.start.into(), range.end.into()]))
        .await?;
    let mut channels: BTreeMap<(String, i64), PublisherFigures> = BTreeMap::new();
    let mut total = PublisherFigures::default();
    for row in &rows {
        let status: String = get(row, "status")?;
        let status: PublicationStatus = status
            .parse()
            .map_err(|e: crate::workflow::UnknownValue| ServiceError::Internal(Box::new(e)))?;
        let (count, attempts): (i64, i64) = (get(row, "n")?, get(row, "attempts")?);
        total.add(status, count, attempts);
        channels
            .entry((get(row, "channel_name")?, get(row, "channel_id")?))
            .or_default()
            .add(status, count, attempts);
    }
    Ok(PublisherReport {
        range: *range,
        total,
        channels: channels
            .into_iter()
            .map(|((name, id), figures)| (ChannelRef { id, name }, figures))
            .collect(),
    })
}

impl Services {
    /// Refuses anyone who may not see the reports.
    pub fn may_see_reports(&self, principal: &Principal) -> ServiceResult<()> {
        match principal {
            Principal::Anonymous => Err(ServiceError::Unauthenticated),
            p if REPORT_ROLES.iter().any(|role| p.has_role(*role)) => Ok(()),
            _ => Err(ServiceError::Forbidden(
                "only officials and admins may see the reports".into(),
            )),
        }
    }

    pub async fn sla_report(
        &self,
        principal: &Principal,
        range: &ReportRange,
        period: Period,
    ) -> ServiceResult<SlaReport> {
        self.may_see_reports(principal)?;
        sla_report(&self.db.conn, range, period, Utc::now()).await
    }

    pub async fn volume_report(
        &self,
        principal: &Principal,
        range: &ReportRange,
        period: Period,
    ) -> ServiceResult<VolumeReport> {
        self.may_see_reports(principal)?;
        volume_report(&self.db.conn, range, period).await
    }

    pub async fn publisher_report(
        &self,
        principal: &Principal,
        range: &ReportRange,
    ) -> ServiceResult<PublisherReport> {
        self.may_see_reports(principal)?;
        publisher_report(&self.db.conn, range).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
    }

    #[test]
    fn a_range_runs_from_wib_midnight_to_the_next_midnight_after_until() {
        let range = ReportRange::new(date(2026, 1, 1), date(2026, 1, 31)).expect("valid");
        assert_eq!(range.start().to_rfc3339(), "2025-12-31T17:00:00+00:00");
        assert_eq!(range.end().to_rfc3339(), "2026-01-31T17:00:00+00:00");
        let day = ReportRange::new(date(2026, 3, 4), date(2026, 3, 4)).expect("one day");
        assert_eq!(day.end() - day.start(), TimeDelta::days(1));
    }

    #[test]
    fn a_backwards_or_huge_range_is_bad_input() {
        for (from, until) in [
            (date(2026, 2, 1), date(2026, 1, 31)),
            (date(2000, 1, 1), date(2026, 1, 1)),
            (date(2026, 1, 1), NaiveDate::MAX),
        ] {
            assert!(
                matches!(
                    ReportRange::new(from, until),
                    Err(ServiceError::BadInput(_))
                ),
                "{from}..{until}"
            );
        }
    }

    #[test]
    fn periods_parse_from_their_names() {
        assert_eq!("month".parse::<Period>().ok(), Some(Period::Month));
        assert_eq!("week".parse::<Period>().ok(), Some(Period::Week));
        assert!("year".parse::<Period>().is_err());
    }

    #[test]
    fn sqlite_gets_numbered_question_marks() {
        let s = Dialect(DatabaseBackend::Sqlite).statement("a = $1 AND b < $2", vec![]);
        assert_eq!(s.sql, "a = ?1 AND b < ?2");
        let p = Dialect(DatabaseBackend::Postgres).statement("a = $1", vec![]);
        assert_eq!(p.sql, "a = $1");
    }
}
