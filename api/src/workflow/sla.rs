//! The SOP's time standards (*mutu baku*): when a step's time runs out and how much of its time a
//! step has used, either by the wall clock or counting only the office's working hours.
//!
//! All arithmetic is on UTC instants; the working calendar is read in WIB (Asia/Jakarta, UTC+7,
//! no daylight saving), because that is where the office's days and hours are.
//!
//! The SOP asks for readiness "inside and outside working hours", so the standards run on the
//! wall clock unless an admin opts a step into working hours only.

use std::collections::{BTreeSet, HashSet};

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc,
    Weekday,
};
use serde::{Deserialize, Serialize};

use super::Step;

const WIB_OFFSET_SECONDS: i32 = 7 * 3600;

// Checked at compile time: a constant that failed here would not build.
const WIB: FixedOffset = match FixedOffset::east_opt(WIB_OFFSET_SECONDS) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

const OPENING: NaiveTime = match NaiveTime::from_hms_opt(7, 30, 0) {
    Some(time) => time,
    None => panic!("07:30 is a valid time"),
};

const CLOSING: NaiveTime = match NaiveTime::from_hms_opt(16, 0, 0) {
    Some(time) => time,
    None => panic!("16:00 is a valid time"),
};

/// The WIB offset (Asia/Jakarta, UTC+7, no daylight saving), used wherever times are shown.
pub fn wib() -> FixedOffset {
    WIB
}

/// The time standard of one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SlaStandard {
    /// How long the step may take, in minutes.
    pub minutes: u32,
    /// Whether only working time counts (otherwise the wall clock does).
    pub working_hours_only: bool,
}

impl SlaStandard {
    /// The SOP's standard for a step, on the wall clock (the SOP asks for readiness outside
    /// working hours too).
    pub fn for_step(step: Step) -> SlaStandard {
        SlaStandard {
            minutes: step.default_sla_minutes(),
            working_hours_only: false,
        }
    }
}

/// The WIB working calendar: which days the office works, its opening hours and its holidays.
///
/// The working days are a `HashSet` because `chrono::Weekday` has no ordering (weeks start on
/// different days in different places), so it cannot live in a `BTreeSet`.
///
/// A calendar with no working time at all (no working days, or `start >= end`) would make a
/// working-hours clock stand still for ever; such a calendar counts wall-clock time instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    /// The days of the week the office works.
    pub working_days: HashSet<Weekday>,
    /// When a working day starts (WIB).
    pub start: NaiveTime,
    /// When a working day ends (WIB).
    pub end: NaiveTime,
    /// Dates the office is closed although they fall on a working day.
    pub holidays: BTreeSet<NaiveDate>,
}

impl Default for WorkCalendar {
    /// Monday to Friday, 07:30 to 16:00 WIB, no holidays.
    fn default() -> Self {
        WorkCalendar {
            working_days: [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ]
            .into_iter()
            .collect(),
            start: OPENING,
            end: CLOSING,
            holidays: BTreeSet::new(),
        }
    }
}

/// Why calendar settings could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A working day is not a number from 1 (Monday) to 7 (Sunday).
    #[error("working day {value:?} is not a number from 1 (Monday) to 7 (Sunday)")]
    InvalidWorkingDay {
        /// The text given.
        value: String,
    },
    /// No working day was given.
    #[error("at least one working day is needed")]
    NoWorkingDays,
    /// A time is not written as HH:MM or HH:MM:SS.
    #[error("time {value:?} is not written as HH:MM")]
    InvalidTime {
        /// The text given.
        value: String,
    },
    /// The working day ends before it starts.
    #[error("the working day must end after it starts ({start} to {end})")]
    WorkingHoursEmpty {
        /// The start given.
        start: NaiveTime,
        /// The end given.
        end: NaiveTime,
    },
    /// A holiday is not a date written as YYYY-MM-DD.
    #[error("holiday {value:?} is not a date written as YYYY-MM-DD")]
    InvalidHoliday {
        /// The text given.
        value: String,
    },
}

impl WorkCalendar {
    /// Reads the calendar from its settings: working days as ISO numbers (`"1,2,3,4,5"`, 1 is
    /// Monday), start and end as `"07:30"`, and the holidays. Settings that leave no working time
    /// are refused here, since they are almost certainly a typo.
    pub fn from_settings(
        working_days: &str,
        start: &str,
        end: &str,
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<WorkCalendar, CalendarError> {
        let working_days = working_days
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(parse_weekday)
            .collect::<Result<HashSet<_>, _>>()?;
        if working_days.is_empty() {
            return Err(CalendarError::NoWorkingDays);
        }
        let start = parse_time(start)?;
        let end = parse_time(end)?;
        if start >= end {
            return Err(CalendarError::WorkingHoursEmpty { start, end });
        }
        Ok(WorkCalendar {
            working_days,
            start,
            end,
            holidays: holidays.into_iter().collect(),
        })
    }

    /// The working days as their settings string, e.g. `"1,2,3,4,5"`.
    pub fn working_days_setting(&self) -> String {
        let mut days: Vec<u32> = self
            .working_days
            .iter()
            .map(Weekday::number_from_monday)
            .collect();
        days.sort_unstable();
        days.iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Whether the calendar has any working time at all; without it, time counts on the wall
    /// clock.
    pub fn has_working_time(&self) -> bool {
        !self.working_days.is_empty() && self.start < self.end
    }

    /// Whether the office works on this (WIB) date.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.working_days.contains(&date.weekday()) && !self.holidays.contains(&date)
    }

    /// Whether the office is open at this instant.
    pub fn is_working_time(&self, at: DateTime<Utc>) -> bool {
        to_local(at).is_some_and(|local| {
            self.is_working_day(local.date())
                && self.start <= local.time()
                && local.time() < self.end
        })
    }

    /// The working time in one full week, if skipping whole weeks at a time is exact (no
    /// sub-second hours, which nobody configures but the type allows).
    fn working_week(&self) -> Option<TimeDelta> {
        let day = self.end - self.start;
        let week = day.checked_mul(i32::try_from(self.working_days.len()).ok()?)?;
        (week.subsec_nanos() == 0 && week > TimeDelta::zero()).then_some(week)
    }

    /// Whether `date` is past every holiday, so each week from it holds exactly one
    /// `working_week`.
    fn past_holidays(&self, date: NaiveDate) -> bool {
        self.holidays.last().is_none_or(|last| *last < date)
    }
}

/// Parses holidays written as `YYYY-MM-DD`, separated by commas, spaces or new lines.
pub fn parse_holidays(text: &str) -> Result<BTreeSet<NaiveDate>, CalendarError> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(|part| {
            NaiveDate::parse_from_str(part, "%Y-%m-%d").map_err(|_| CalendarError::InvalidHoliday {
                value: part.to_owned(),
            })
        })
        .collect()
}

fn parse_weekday(text: &str) -> Result<Weekday, CalendarError> {
    let invalid = || CalendarError::InvalidWorkingDay {
        value: text.to_owned(),
    };
    let number: u8 = text.parse().map_err(|_| invalid())?;
    match number {
        1..=7 => Weekday::try_from(number - 1).map_err(|_| invalid()),
        _ => Err(invalid()),
    }
}

fn parse_time(text: &str) -> Result<NaiveTime, CalendarError> {
    let text = text.trim();
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .map_err(|_| CalendarError::InvalidTime {
            value: text.to_owned(),
        })
}

/// The moment the step's time runs out when it started at `start`.
///
/// On working hours the clock runs only inside working days and hours: a start outside them
/// begins counting at the next opening, and time left at closing carries over to the next
/// opening. A deadline beyond the calendar's range (some 260,000 years) is the last instant
/// there is.
pub fn deadline(
    start: DateTime<Utc>,
    standard: &SlaStandard,
    calendar: &WorkCalendar,
) -> DateTime<Utc> {
    let allowed = TimeDelta::minutes(i64::from(standard.minutes));
    let deadline = if standard.working_hours_only && calendar.has_working_time() {
        working_deadline(start, allowed, calendar)
    } else {
        start.checked_add_signed(allowed)
    };
    deadline.unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Time that counts against the standard between two moments: all of it on the wall clock, or
/// only the working time in between. An `end` before `start` counts as no time.
pub fn time_taken(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    standard: &SlaStandard,
    calendar: &WorkCalendar,
) -> TimeDelta {
    if end <= start {
        return TimeDelta::zero();
    }
    let wall_clock = end - start;
    if !(standard.working_hours_only && calendar.has_working_time()) {
        return wall_clock;
    }
    working_time_between(start, end, calendar).unwrap_or(wall_clock)
}

fn to_local(at: DateTime<Utc>) -> Option<NaiveDateTime> {
    at.naive_utc()
        .checked_add_signed(TimeDelta::seconds(i64::from(WIB_OFFSET_SECONDS)))
}

fn from_local(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    local
        .checked_sub_signed(TimeDelta::seconds(i64::from(WIB_OFFSET_SECONDS)))
        .map(|utc| utc.and_utc())
}

/// Walks the calendar day by day, spending the allowed time inside each day's opening hours.
/// `None` when the deadline falls outside chrono's range.
fn working_deadline(
    start: DateTime<Utc>,
    allowed: TimeDelta,
    calendar: &WorkCalendar,
) -> Option<DateTime<Utc>> {
    let mut remaining = allowed;
    let mut cursor = to_local(start)?;
    let week = calendar.working_week();
    loop {
        let date = cursor.date();
        // Past the last holiday every week holds the same working time, so whole weeks can be
        // skipped at once; without this a long standard on a sparse calendar would walk for
        // millions of days. At least a little time is always left for the walk to spend.
        if let Some(week) = week
            && cursor.time() == NaiveTime::MIN
            && calendar.past_holidays(date)
            && remaining > week
        {
            let weeks = (remaining.num_seconds() - 1) / week.num_seconds();
            cursor =
                cursor.checked_add_days(Days::new(u64::try_from(weeks).ok()?.checked_mul(7)?))?;
            remaining -= TimeDelta::try_seconds(week.num_seconds().checked_mul(weeks)?)?;
            continue;
        }
        if calendar.is_working_day(date) {
            let open = date.and_time(calendar.start);
            let close = date.and_time(calendar.end);
            let from = cursor.max(open);
            if from < close {
                let available = close - from;
                if remaining <= available {
                    return from_local(from.checked_add_signed(remaining)?);
                }
                remaining -= available;
            }
        }
        cursor = date.succ_opt()?.and_time(NaiveTime::MIN);
    }
}

/// Adds up the overlap of `[start, end)` with every day's opening hours. `None` when an instant
/// falls outside chrono's range.
fn working_time_between(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    calendar: &WorkCalendar,
) -> Option<TimeDelta> {
    let (start, end) = (to_local(start)?, to_local(end)?);
    let week = calendar.working_week();
    let mut total = TimeDelta::zero();
    let mut date = start.date();
    while date <= end.date() {
        // As in `working_deadline`: whole weeks strictly between the first and last day, past
        // the last holiday, each add one working week.
        let full_weeks = (end.date() - date).num_days() / 7 - 1;
        if let Some(week) = week
            && date > start.date()
            && calendar.past_holidays(date)
            && full_weeks > 0
        {
            total += TimeDelta::try_seconds(week.num_seconds().checked_mul(full_weeks)?)?;
            date = date.checked_add_days(Days::new(u64::try_from(full_weeks).ok()? * 7))?;
            continue;
        }
        if calendar.is_working_day(date) {
            let open = date.and_time(calendar.start).max(start);
            let close = date.and_time(calendar.end).min(end);
            if open < close {
                total += close - open;
            }
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    /// An instant written in WIB.
    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        wib()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .expect("a valid WIB time")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
    }

    fn working(minutes: u32) -> SlaStandard {
        SlaStandard {
            minutes,
            working_hours_only: true,
        }
    }

    fn wall(minutes: u32) -> SlaStandard {
        SlaStandard {
            minutes,
            working_hours_only: false,
        }
    }

    // 2025-01-06 is a Monday.

    #[test]
    fn wib_is_utc_plus_seven() {
        assert_eq!(wib().local_minus_utc(), 7 * 3600);
        assert_eq!(
            at(2025, 1, 6, 7, 0),
            Utc.with_ymd_and_hms(2025, 1, 6, 0, 0, 0).unwrap()
        );
    }

    #[test]
    fn sop_defaults_run_on_the_wall_clock() {
        let standard = SlaStandard::for_step(Step::Disposition);
        assert_eq!(standard, wall(1440));
        // Friday evening plus one day is Saturday evening, weekend or not.
        let start = at(2025, 1, 10, 18, 0);
        let cal = WorkCalendar::default();
        assert_eq!(deadline(start, &standard, &cal), at(2025, 1, 11, 18, 0));
        assert_eq!(
            time_taken(start, at(2025, 1, 11, 20, 0), &standard, &cal),
            TimeDelta::hours(26)
        );
    }

    #[test]
    fn working_hours_within_one_day() {
        let cal = WorkCalendar::default();
        assert_eq!(
            deadline(at(2025, 1, 6, 9, 0), &working(120), &cal),
            at(2025, 1, 6, 11, 0)
        );
    }

    #[test]
    fn working_hours_carry_over_the_night() {
        let cal = WorkCalendar::default();
        // 15:00 Monday + 2 h: one hour on Monday, one from 07:30 on Tuesday.
        let start = at(2025, 1, 6, 15, 0);
        let end = deadline(start, &working(120), &cal);
        assert_eq!(end, at(2025, 1, 7, 8, 30));
        assert_eq!(
            time_taken(start, end, &working(120), &cal),
            TimeDelta::hours(2)
        );
    }

    #[test]
    fn working_hours_skip_the_weekend() {
        let cal = WorkCalendar::default();
        // Friday 15:30 + 1 h: 30 minutes on Friday, 30 on Monday.
        let start = at(2025, 1, 10, 15, 30);
        assert_eq!(deadline(start, &working(60), &cal), at(2025, 1, 13, 8, 0));
        // A full working day (8.5 h) from Friday 07:30 ends at Friday 16:00 exactly.
        assert_eq!(
            deadline(at(2025, 1, 10, 7, 30), &working(510), &cal),
            at(2025, 1, 10, 16, 0)
        );
    }

    #[test]
    fn working_hours_skip_a_holiday() {
        let cal = WorkCalendar::from_settings("1,2,3,4,5", "07:30", "16:00", [date(2025, 1, 7)])
            .expect("valid settings");
        // Monday 15:00 + 2 h with Tuesday a holiday: the second hour is on Wednesday.
        let start = at(2025, 1, 6, 15, 0);
        let end = deadline(start, &working(120), &cal);
        assert_eq!(end, at(2025, 1, 8, 8, 30));
        assert_eq!(
            time_taken(start, end, &working(120), &cal),
            TimeDelta::hours(2)
        );
    }

    #[test]
    fn start_outside_working_hours_counts_from_the_next_opening() {
        let cal = WorkCalendar::default();
        // Before opening on Monday.
        assert_eq!(
            deadline(at(2025, 1, 6, 5, 0), &working(10), &cal),
            at(2025, 1, 6, 7, 40)
        );
        // After closing on Monday.
        assert_eq!(
            deadline(at(2025, 1, 6, 20, 0), &working(10), &cal),
            at(2025, 1, 7, 7, 40)
        );
        // On Saturday.
        assert_eq!(
            deadline(at(2025, 1, 11, 10, 0), &working(5), &cal),
            at(2025, 1, 13, 7, 35)
        );
        // Nothing counts over a weekend.
        assert_eq!(
            time_taken(
                at(2025, 1, 11, 10, 0),
                at(2025, 1, 13, 7, 30),
                &working(5),
                &cal
            ),
            TimeDelta::zero()
        );
    }

    #[test]
    fn long_standards_skip_whole_weeks_exactly() {
        let cal = WorkCalendar::default();
        // 10 working weeks of 42.5 h from Monday opening end on the tenth Friday's closing.
        let minutes = 10 * 5 * 510;
        let start = at(2025, 1, 6, 7, 30);
        let end = deadline(start, &working(minutes), &cal);
        assert_eq!(end, at(2025, 3, 14, 16, 0));
        assert_eq!(
            time_taken(start, end, &working(minutes), &cal),
            TimeDelta::minutes(minutes.into())
        );
        // The largest standard still answers, and quickly.
        let far = deadline(start, &working(u32::MAX), &cal);
        assert!(far > start);
    }

    #[test]
    fn a_calendar_without_working_time_counts_the_wall_clock() {
        let start = at(2025, 1, 6, 9, 0);
        let no_days = WorkCalendar {
            working_days: HashSet::new(),
            ..WorkCalendar::default()
        };
        let backwards = WorkCalendar {
            start: CLOSING,
            end: OPENING,
            ..WorkCalendar::default()
        };
        for cal in [no_days, backwards] {
            assert!(!cal.has_working_time());
            assert_eq!(deadline(start, &working(60), &cal), at(2025, 1, 6, 10, 0));
            assert_eq!(
                time_taken(start, at(2025, 1, 7, 9, 0), &working(60), &cal),
                TimeDelta::hours(24)
            );
        }
    }

    #[test]
    fn time_taken_is_zero_when_end_is_not_after_start() {
        let cal = WorkCalendar::default();
        let start = at(2025, 1, 6, 9, 0);
        assert_eq!(time_taken(start, start, &wall(5), &cal), TimeDelta::zero());
        assert_eq!(
            time_taken(start, at(2025, 1, 6, 8, 0), &working(5), &cal),
            TimeDelta::zero()
        );
    }

    #[test]
    fn is_working_time_reads_wib() {
        let cal = WorkCalendar::default();
        assert!(cal.is_working_time(at(2025, 1, 6, 7, 30)));
        assert!(!cal.is_working_time(at(2025, 1, 6, 16, 0)));
        assert!(!cal.is_working_time(at(2025, 1, 11, 10, 0)));
    }

    #[test]
    fn settings_are_parsed_and_checked() {
        let cal = WorkCalendar::from_settings(" 1, 2,3 ,4,5 ", "07:30", "16:00:00", [])
            .expect("valid settings");
        assert_eq!(cal, WorkCalendar::default());
        assert_eq!(cal.working_days_setting(), "1,2,3,4,5");
        let six_days = WorkCalendar::from_settings("6,1,2,3,4,5", "08:00", "14:00", [])
            .expect("valid settings");
        assert!(six_days.working_days.contains(&Weekday::Sat));
        assert_eq!(six_days.working_days_setting(), "1,2,3,4,5,6");

        assert_eq!(
            WorkCalendar::from_settings("1,8", "07:30", "16:00", []),
            Err(CalendarError::InvalidWorkingDay { value: "8".into() })
        );
        assert_eq!(
            WorkCalendar::from_settings("0", "07:30", "16:00", []),
            Err(CalendarError::InvalidWorkingDay { value: "0".into() })
        );
        assert_eq!(
            WorkCalendar::from_settings("", "07:30", "16:00", []),
            Err(CalendarError::NoWorkingDays)
        );
        assert_eq!(
            WorkCalendar::from_settings("1", "7.30", "16:00", []),
            Err(CalendarError::InvalidTime {
                value: "7.30".into()
            })
        );
        assert!(matches!(
            WorkCalendar::from_settings("1", "16:00", "07:30", []),
            Err(CalendarError::WorkingHoursEmpty { .. })
        ));

        assert_eq!(
            parse_holidays("2025-08-17, 2025-12-25\n2025-01-01"),
            Ok([date(2025, 1, 1), date(2025, 8, 17), date(2025, 12, 25)].into())
        );
        assert_eq!(parse_holidays(""), Ok(BTreeSet::new()));
        assert_eq!(
            parse_holidays("2025-02-30"),
            Err(CalendarError::InvalidHoliday {
                value: "2025-02-30".into()
            })
        );
    }

    fn arb_instant() -> impl Strategy<Value = DateTime<Utc>> {
        // 2020 to about 2040, to the second.
        (1_577_836_800i64..2_208_988_800)
            .prop_map(|secs| DateTime::from_timestamp(secs, 0).expect("in range"))
    }

    fn arb_calendar() -> impl Strategy<Value = WorkCalendar> {
        let days = proptest::collection::hash_set(0u8..7, 0..=7).prop_map(|days| {
            days.into_iter()
                .filter_map(|day| Weekday::try_from(day).ok())
                .collect::<HashSet<_>>()
        });
        let time =
            (0u32..24, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap());
        let holidays = proptest::collection::btree_set(
            (0i64..7300).prop_map(|offset| date(2020, 1, 1) + TimeDelta::days(offset)),
            0..20,
        );
        prop_oneof![
            Just(WorkCalendar::default()),
            (days, time.clone(), time, holidays).prop_map(
                |(working_days, start, end, holidays)| {
                    WorkCalendar {
                        working_days,
                        start,
                        end,
                        holidays,
                    }
                }
            ),
        ]
    }

    proptest! {
        #[test]
        fn the_deadline_spends_exactly_the_standard(
            start in arb_instant(),
            minutes in prop_oneof![0u32..600, 0u32..200_000],
            working_hours_only in any::<bool>(),
            calendar in arb_calendar(),
        ) {
            let standard = SlaStandard { minutes, working_hours_only };
            let end = deadline(start, &standard, &calendar);
            prop_assert!(end >= start);
            let taken = time_taken(start, end, &standard, &calendar);
            let expected = TimeDelta::minutes(minutes.into());
            prop_assert!((taken - expected).abs() <= TimeDelta::seconds(1),
                "took {taken} for a standard of {expected} (deadline {end})");
        }

        #[test]
        fn a_longer_standard_never_ends_earlier(
            start in arb_instant(),
            a in 0u32..50_000,
            b in 0u32..50_000,
            calendar in arb_calendar(),
        ) {
            let (short, long) = (a.min(b), a.max(b));
            prop_assert!(deadline(start, &working(short), &calendar) <= deadline(start, &working(long), &calendar));
        }
    }
}
