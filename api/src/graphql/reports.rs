//! The reports' GraphQL types (`slaReport`, `volumeReport`, `publisherReport`). The figures
//! and their definitions are the service's (`service::reports`).

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    graphql::types::SopStep,
    http::reports::{CsvReport, csv_path},
    service::reports as report,
};

/// How report figures are grouped over time (WIB calendar).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
#[graphql(remote = "report::Period")]
pub enum ReportPeriod {
    /// Calendar months.
    #[default]
    Month,
    /// ISO weeks, Monday to Sunday.
    Week,
}

/// SLA figures of one step over a period or the whole range. Finished means the step was done
/// in the range (not closed by a withdrawal); on time means done by its stored deadline;
/// durations run on the wall clock from the step's opening to its completion; median and
/// p90 are nearest-rank (the duration at rank ceil(p/100 · n)).
#[derive(SimpleObject, Debug, Clone)]
pub struct SlaFigures {
    pub step: SopStep,
    pub step_number: i16,
    /// The period's first day (WIB); null for the whole range.
    pub period_start: Option<NaiveDate>,
    pub finished: i64,
    pub on_time: i64,
    /// `onTime / finished`, 0 to 1; null when nothing finished.
    pub on_time_share: Option<f64>,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

impl From<report::SlaFigures> for SlaFigures {
    fn from(f: report::SlaFigures) -> Self {
        let minutes = |seconds: Option<i64>| seconds.map(|s| s as f64 / 60.0);
        SlaFigures {
            step: f.step.into(),
            step_number: f.step.number(),
            period_start: f.period_start,
            finished: f.finished,
            on_time: f.on_time,
            on_time_share: f.on_time_share(),
            median_seconds: f.median_seconds,
            p90_seconds: f.p90_seconds,
            median_minutes: minutes(f.median_seconds),
            p90_minutes: minutes(f.p90_seconds),
        }
    }
}

/// One step over the whole range, against today's standard, and what is open now.
#[derive(SimpleObject, Debug, Clone)]
pub struct SlaStepReport {
    pub figures: SlaFigures,
    pub standard_minutes: i32,
    pub working_hours_only: bool,
    /// Steps open right now, whatever the range.
    pub open_now: i64,
    /// Open steps past their deadline right now.
    pub overdue_now: i64,
}

/// SLA compliance per SOP step, over a range of WIB days and per period.
#[derive(SimpleObject, Debug, Clone)]
pub struct SlaReport {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub period: ReportPeriod,
    pub generated_at: DateTime<Utc>,
    /// The seven steps over the whole range.
    pub steps: Vec<SlaStepReport>,
    /// Per period and step, oldest first; pairs with nothing finished are left out.
    pub periods: Vec<SlaFigures>,
    /// The same report as CSV (GET with the bearer token).
    pub csv_url: String,
}

impl From<report::SlaReport> for SlaReport {
    fn from(r: report::SlaReport) -> Self {
        SlaReport {
            from: r.range.from,
            until: r.range.until,
            period: r.period.into(),
            generated_at: r.generated_at,
            steps: r
                .steps
                .into_iter()
                .map(|s| SlaStepReport {
                    figures: s.figures.into(),
                    standard_minutes: s.standard_minutes,
                    working_hours_only: s.working_hours_only,
                    open_now: s.open_now,
                    overdue_now: s.overdue_now,
                })
                .collect(),
            periods: r.periods.into_iter().map(Into::into).collect(),
            csv_url: csv_path(CsvReport::Sla, &r.range, Some(r.period)),
        }
    }
}

/// Requests submitted, by where they stand now.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct VolumeFigures {
    pub submitted: i64,
    pub archived: i64,
    pub rejected: i64,
    pub withdrawn: i64,
    /// Still on their way (or returned to the requester).
    pub in_progress: i64,
}

impl From<report::VolumeFigures> for VolumeFigures {
    fn from(f: report::VolumeFigures) -> Self {
        VolumeFigures {
            submitted: f.submitted,
            archived: f.archived,
            rejected: f.rejected,
            withdrawn: f.withdrawn,
            in_progress: f.in_progress(),
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct VolumePeriod {
    /// The period's first day (WIB).
    pub period_start: NaiveDate,
    pub figures: VolumeFigures,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct VolumeUnit {
    pub unit: String,
    pub figures: VolumeFigures,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct VolumeChannel {
    pub channel_id: ID,
    pub name: String,
    pub figures: VolumeFigures,
}

/// Requests submitted in a range of WIB days: per period, per unit, per chosen channel.
#[derive(SimpleObject, Debug, Clone)]
pub struct VolumeReport {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub period: ReportPeriod,
    pub total: VolumeFigures,
    pub periods: Vec<VolumePeriod>,
    /// Most requests first.
    pub units: Vec<VolumeUnit>,
    /// Most requests first.
    pub channels: Vec<VolumeChannel>,
    /// The same report as CSV (GET with the bearer token).
    pub csv_url: String,
}

impl From<report::VolumeReport> for VolumeReport {
    fn from(r: report::VolumeReport) -> Self {
        VolumeReport {
            from: r.range.from,
            until: r.range.until,
            period: r.period.into(),
            total: r.total.into(),
            periods: r
                .periods
                .into_iter()
                .map(|(period_start, f)| VolumePeriod {
                    period_start,
                    figures: f.into(),
                })
                .collect(),
            units: r
                .units
                .into_iter()
                .map(|(unit, f)| VolumeUnit {
                    unit,
                    figures: f.into(),
                })
                .collect(),
            channels: r
                .channels
                .into_iter()
                .map(|(c, f)| VolumeChannel {
                    channel_id: ID(c.id.to_string()),
                    name: c.name,
                    figures: f.into(),
                })
                .collect(),
            csv_url: csv_path(CsvReport::Volume, &r.range, Some(r.period)),
        }
    }
}

/// Publications by status: what the publisher achieved.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct PublisherFigures {
    pub pending: i64,
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub uncertain: i64,
    pub retracted: i64,
    pub total: i64,
    /// Send attempts made.
    pub attempts: i64,
}

impl From<report::PublisherFigures> for PublisherFigures {
    fn from(f: report::PublisherFigures) -> Self {
        PublisherFigures {
            pending: f.pending,
            queued: f.queued,
            sending: f.sending,
            sent: f.sent,
            failed: f.failed,
            uncertain: f.uncertain,
            retracted: f.retracted,
            total: f.total(),
            attempts: f.attempts,
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct PublisherChannel {
    pub channel_id: ID,
    pub name: String,
    pub figures: PublisherFigures,
}

/// The publisher's outcomes for publications created in a range of WIB days, per channel.
#[derive(SimpleObject, Debug, Clone)]
pub struct PublisherReport {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub total: PublisherFigures,
    /// By channel name.
    pub channels: Vec<PublisherChannel>,
    /// The same report as CSV (GET with the bearer token).
    pub csv_url: String,
}

impl From<report::PublisherReport> for PublisherReport {
    fn from(r: report::PublisherReport) -> Self {
        PublisherReport {
            from: r.range.from,
            until: r.range.until,
            total: r.total.into(),
            channels: r
                .channels
                .into_iter()
                .map(|(c, f)| PublisherChannel {
                    channel_id: ID(c.id.to_string()),
                    name: c.name,
                    figures: f.into(),
                })
                .collect(),
            csv_url: csv_path(CsvReport::Publisher, &r.range, None),
        }
    }
}
