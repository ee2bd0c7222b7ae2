//! `GET /reports/sla.csv`, `/reports/volume.csv` and `/reports/publisher.csv`
//! (`?from=YYYY-MM-DD&until=YYYY-MM-DD[&period=month|week]`, WIB days, both included): the
//! reports as CSV (RFC 4180, UTF-8, a header row) for officials and admins (bearer token).

use axum::{
    Router,
    extract::{RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::NaiveDate;

use super::attachments::bearer_principal;
use crate::{
    service::{
        ServiceError, ServiceResult,
        reports::{
            Period, PublisherFigures, PublisherReport, ReportRange, SlaFigures, SlaReport,
            VolumeFigures, VolumeReport,
        },
    },
    state::AppState,
};

/// Which report a route serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvReport {
    Sla,
    Volume,
    Publisher,
}

impl CsvReport {
    fn name(self) -> &'static str {
        match self {
            CsvReport::Sla => "sla",
            CsvReport::Volume => "volume",
            CsvReport::Publisher => "publisher",
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/reports/sla.csv",
            get(|s: State<AppState>, q: RawQuery, h: HeaderMap| download(s, q, h, CsvReport::Sla)),
        )
        .route(
            "/reports/volume.csv",
            get(|s: State<AppState>, q: RawQuery, h: HeaderMap| {
                download(s, q, h, CsvReport::Volume)
            }),
        )
        .route(
            "/reports/publisher.csv",
            get(|s: State<AppState>, q: RawQuery, h: HeaderMap| {
                download(s, q, h, CsvReport::Publisher)
            }),
        )
}

/// Download path of a report as CSV (send the bearer token).
pub fn csv_path(report: CsvReport, range: &ReportRange, period: Option<Period>) -> String {
    let mut path = format!(
        "/reports/{}.csv?from={}&until={}",
        report.name(),
        range.from,
        range.until
    );
    if let Some(period) = period {
        path.push_str("&period=");
        path.push_str(period.as_str());
    }
    path
}

/// The range and period a query string asks for.
fn parse_query(query: Option<&str>) -> ServiceResult<(ReportRange, Period)> {
    let (mut from, mut until, mut period) = (None, None, Period::default());
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let date = || {
            NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| {
                ServiceError::BadInput(format!("{key} must be a date written YYYY-MM-DD"))
            })
        };
        match key.as_ref() {
            "from" => from = Some(date()?),
            "until" => until = Some(date()?),
            "period" => period = value.parse()?,
            _ => {}
        }
    }
    let (Some(from), Some(until)) = (from, until) else {
        return Err(ServiceError::BadInput(
            "give the range as ?from=YYYY-MM-DD&until=YYYY-MM-DD".into(),
        ));
    };
    Ok((ReportRange::new(from, until)?, period))
}

#[tracing::instrument(name = "report_csv", skip_all, fields(report = ?report))]
async fn download(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    report: CsvReport,
) -> Response {
    let Some(principal) = bearer_principal(&state, &headers) else {
        return unauthenticated();
    };
    let services = &state.services;
    let csv = async {
        services.may_see_reports(&principal)?;
        let (range, period) = parse_query(query.as_deref())?;
        Ok::<_, ServiceError>(match report {
            CsvReport::Sla => sla_csv(&services.sla_report(&principal, &range, period).await?),
            CsvReport::Volume => {
                volume_csv(&services.volume_report(&principal, &range, period).await?)
            }
            CsvReport::Publisher => {
                publisher_csv(&services.publisher_report(&principal, &range).await?)
            }
        })
    }
    .await;
    match csv {
        Ok(body) => csv_response(body, report, &query),
        Err(ServiceError::Unauthenticated) => unauthenticated(),
        Err(ServiceError::Forbidden(message)) => {
            (StatusCode::FORBIDDEN, format!("{message}\n")).into_response()
        }
        Err(ServiceError::BadInput(message)) => {
            (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, source = ?std::error::Error::source(&err), "report failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
        }
    }
}

fn csv_response(body: String, report: CsvReport, query: &Option<String>) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    // The range is in the name so downloads of different ranges do not overwrite each other;
    // it was parsed as dates, so only digits and dashes get here.
    let range: String = query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.strip_prefix("from=").or(pair.strip_prefix("until=")))
        .filter(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
        .collect::<Vec<_>>()
        .join("_");
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"warta-{}-{range}.csv\"",
        report.name()
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
}

fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "sign in first\n",
    )
        .into_response()
}

/// RFC 4180 text: fields with a comma, quote or line break are quoted (quotes doubled), and
/// records end in CRLF.
#[derive(Default)]
struct Csv(String);

impl Csv {
    fn record<S: AsRef<str>>(&mut self, fields: impl IntoIterator<Item = S>) {
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            let field = field.as_ref();
            if field.contains([',', '"', '\r', '\n']) {
                self.0.push('"');
                self.0.push_str(&field.replace('"', "\"\""));
                self.0.push('"');
            } else {
                self.0.push_str(field);
            }
        }
        self.0.push_str("\r\n");
    }
}

/// Free text from people (unit and channel names): a leading `=`, `+`, `-` or `@` would make a
/// spreadsheet run it as a formula, so such a value gets a leading apostrophe.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn minutes(seconds: Option<i64>) -> String {
    opt(seconds.map(|s| format!("{:.2}", s as f64 / 60.0)))
}

fn sla_csv(report: &SlaReport) -> String {
    let mut csv = Csv::default();
    csv.record([
        "scope",
        "period_start",
        "step",
        "step_name",
        "finished",
        "on_time",
        "on_time_share",
        "median_seconds",
        "p90_seconds",
        "median_minutes",
        "p90_minutes",
        "standard_minutes",
        "working_hours_only",
        "open_now",
        "overdue_now",
    ]);
    let figures = |f: &SlaFigures| {
        vec![
            f.step.number().to_string(),
            f.step.as_str().to_owned(),
            f.finished.to_string(),
            f.on_time.to_string(),
            opt(f.on_time_share().map(|s| format!("{s:.4}"))),
            opt(f.median_seconds),
            opt(f.p90_seconds),
            minutes(f.median_seconds),
            minutes(f.p90_seconds),
        ]
    };
    for s in &report.steps {
        let mut row = vec!["range".to_owned(), String::new()];
        row.extend(figures(&s.figures));
        row.extend([
            s.standard_minutes.to_string(),
            s.working_hours_only.to_string(),
            s.open_now.to_string(),
            s.overdue_now.to_string(),
        ]);
        csv.record(row);
    }
    for f in &report.periods {
        let mut row = vec![report.period.as_str().to_owned(), opt(f.period_start)];
        row.extend(figures(f));
        row.extend([String::new(), String::new(), String::new(), String::new()]);
        csv.record(row);
    }
    csv.0
}

fn volume_csv(report: &VolumeReport) -> String {
    let mut csv = Csv::default();
    csv.record([
        "dimension",
        "value",
        "submitted",
        "archived",
        "rejected",
        "withdrawn",
        "in_progress",
    ]);
    let mut record = |dimension: &str, value: String, f: &VolumeFigures| {
        csv.record([
            dimension.to_owned(),
            value,
            f.submitted.to_string(),
            f.archived.to_string(),
            f.rejected.to_string(),
            f.withdrawn.to_string(),
            f.in_progress().to_string(),
        ]);
    };
    record("total", String::new(), &report.total);
    for (start, f) in &report.periods {
        record(report.period.as_str(), start.to_string(), f);
    }
    for (unit, f) in &report.units {
        record("unit", text(unit), f);
    }
    for (channel, f) in &report.channels {
        record("channel", text(&channel.name), f);
    }
    csv.0
}

fn publisher_csv(report: &PublisherReport) -> String {
    let mut csv = Csv::default();
    csv.record([
        "channel",
        "pending",
        "queued",
        "sending",
        "sent",
        "failed",
        "uncertain",
        "retracted",
        "total",
        "attempts",
    ]);
    let mut record = |channel: String, f: &PublisherFigures| {
        csv.record([
            channel,
            f.pending.to_string(),
            f.queued.to_string(),
            f.sending.to_string(),
            f.sent.to_string(),
            f.failed.to_string(),
            f.uncertain.to_string(),
            f.retracted.to_string(),
            f.total().to_string(),
            f.attempts.to_string(),
        ]);
    };
    for (channel, f) in &report.channels {
        record(text(&channel.name), f);
    }
    record("(all)".to_owned(), &report.total);
    csv.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_as_rfc_4180_asks() {
        let mut csv = Csv::default();
        csv.record(["plain", "a,b", "say \"hi\"", "two\nlines", ""]);
        csv.record(["x"]);
        assert_eq!(
            csv.0,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\nx\r\n"
        );
    }

    #[test]
    fn formulas_in_names_are_defused() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("-1"), "'-1");
        assert_eq!(text("Fakultas Hukum"), "Fakultas Hukum");
    }

    #[test]
    fn the_query_needs_both_dates_and_a_known_period() {
        let (range, period) =
            parse_query(Some("from=2026-01-01&until=2026-03-31&period=week")).expect("valid");
        assert_eq!(
            (range.from.to_string(), range.until.to_string(), period),
            ("2026-01-01".into(), "2026-03-31".into(), Period::Week)
        );
        assert_eq!(
            csv_path(CsvReport::Sla, &range, Some(period)),
            "/reports/sla.csv?from=2026-01-01&until=2026-03-31&period=week"
        );
        for bad in [
            None,
            Some("from=2026-01-01"),
            Some("from=2026-13-01&until=2026-12-31"),
            Some("from=2026-02-01&until=2026-01-01"),
            Some("from=2026-01-01&until=2026-01-31&period=year"),
        ] {
            assert!(
                matches!(parse_query(bad), Err(ServiceError::BadInput(_))),
                "{bad:?}"
            );
        }
    }
}
