//! Reports: every figure of `slaReport`, `volumeReport` and `publisherReport` against values
//! computed by hand from a small data set, and the CSV downloads with their authorization.
//!
//! The data set is written straight into the test database through the entities: the reports
//! read timestamps (when a step opened, its deadline, when it was done) that a test cannot wait
//! for, and the server has no clock to move. Times are chosen around the WIB boundaries that
//! differ from UTC (a month and a week that start at 17:00 UTC the day before).

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::{disposition, publication, request, request_channel};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde_json::{Value, json};
use warta_tests::{Role, TestApp, error_code, spawn_app};

/// An instant written in WIB (UTC+7).
fn wib(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(7 * 3600)
        .and_then(|tz| tz.with_ymd_and_hms(y, m, d, h, min, 0).single())
        .map(|t| t.with_timezone(&Utc))
        .expect("a valid WIB time")
}

async fn add_request(
    db: &DatabaseConnection,
    requester: i64,
    seq: i32,
    unit: &str,
    status: &str,
    submitted: DateTime<Utc>,
) -> i64 {
    request::ActiveModel {
        agenda_number: Set(format!("{seq:04}/HM/2026")),
        agenda_year: Set(2026),
        agenda_seq: Set(seq),
        title: Set(format!("Request {seq}")),
        unit: Set(unit.to_owned()),
        audience: Set("Civitas academica".to_owned()),
        priority: Set("biasa".to_owned()),
        status: Set(status.to_owned()),
        requester_id: Set(requester),
        current_content_version: Set(1),
        version: Set(1),
        submitted_at: Set(submitted),
        created_at: Set(submitted),
        updated_at: Set(submitted),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert a request")
    .id
}

async fn choose(db: &DatabaseConnection, request_id: i64, channel_id: i64) {
    request_channel::ActiveModel {
        request_id: Set(request_id),
        channel_id: Set(channel_id),
        chosen_by: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .expect("choose a channel");
}

/// One step: opened at `opened`, its deadline `standard` minutes later on the wall clock
/// unless `deadline` says otherwise, done after `took` minutes (open when `None`).
struct Step {
    step: i16,
    opened: DateTime<Utc>,
    standard: i32,
    deadline: Option<DateTime<Utc>>,
    took: Option<i64>,
    outcome: &'static str,
}

impl Step {
    fn done(step: i16, opened: DateTime<Utc>, standard: i32, took: i64) -> Self {
        Step {
            step,
            opened,
            standard,
            deadline: None,
            took: Some(took),
            outcome: "forwarded",
        }
    }
}

async fn add_step(db: &DatabaseConnection, request_id: i64, s: Step) {
    let deadline = s
        .deadline
        .unwrap_or(s.opened + Duration::minutes(i64::from(s.standard)));
    disposition::ActiveModel {
        request_id: Set(request_id),
        step: Set(s.step),
        to_role: Set("vice_rector".to_owned()),
        priority: Set("biasa".to_owned()),
        sla_deadline: Set(deadline),
        sla_minutes: Set(s.standard),
        sla_working_hours_only: Set(s.deadline.is_some()),
        created_at: Set(s.opened),
        done_at: Set(s.took.map(|m| s.opened + Duration::minutes(m))),
        outcome: Set(s.took.map(|_| s.outcome.to_owned())),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert a disposition");
}

async fn add_publication(
    db: &DatabaseConnection,
    request_id: i64,
    channel_id: i64,
    status: &str,
    attempts: i32,
    created: DateTime<Utc>,
) {
    publication::ActiveModel {
        request_id: Set(request_id),
        channel_id: Set(channel_id),
        content_version: Set(1),
        status: Set(status.to_owned()),
        attempts: Set(attempts),
        version: Set(1),
        created_at: Set(created),
        updated_at: Set(created),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert a publication");
}

/// The data set; returns the ids of the channels "Info UNEJ" and "Humas UNEJ".
async fn seed(app: &TestApp) -> (i64, i64) {
    let db = &app.services.db.conn;
    let requester = app.user(Role::Requester).await.id;
    let info: i64 = app.channel("Info UNEJ").await.parse().expect("an id");
    let humas: i64 = app.channel("Humas UNEJ").await.parse().expect("an id");

    // Requests, the range being 2026-01-01 to 2026-02-28 (WIB).
    let r0 = add_request(
        db,
        requester,
        1,
        "LPPM",
        "archived",
        wib(2025, 12, 31, 23, 59),
    )
    .await;
    // 06:00 WIB on 1 January is still 31 December in UTC.
    let r1 = add_request(
        db,
        requester,
        2,
        "Fakultas Hukum",
        "archived",
        wib(2026, 1, 1, 6, 0),
    )
    .await;
    let r2 = add_request(
        db,
        requester,
        3,
        "Fakultas Hukum",
        "rejected",
        wib(2026, 1, 20, 10, 0),
    )
    .await;
    let r5 = add_request(
        db,
        requester,
        4,
        "Bagian Protokol",
        "archived",
        wib(2026, 1, 31, 20, 0),
    )
    .await;
    let r3 = add_request(db, requester, 5, "LPPM", "withdrawn", wib(2026, 2, 3, 9, 0)).await;
    let r4 = add_request(db, requester, 6, "LPPM", "review", wib(2026, 2, 10, 9, 0)).await;
    let r6 = add_request(
        db,
        requester,
        7,
        "Fakultas Hukum",
        "publication",
        wib(2026, 2, 28, 23, 30),
    )
    .await;
    // 00:30 WIB on 1 March is still 28 February in UTC: outside the range.
    let r7 = add_request(db, requester, 8, "LPPM", "archived", wib(2026, 3, 1, 0, 30)).await;
    for (r, c) in [
        (r0, info),
        (r1, info),
        (r1, humas),
        (r2, info),
        (r5, info),
        (r4, humas),
        (r6, info),
        (r7, info),
    ] {
        choose(db, r, c).await;
    }

    // Step 1 (1 day) in January: 60 and 120 minutes on time, 1500 and 3000 late.
    for (day, took) in [(5, 60), (6, 120), (7, 1500), (12, 3000)] {
        add_step(db, r1, Step::done(1, wib(2026, 1, day, 8, 0), 1440, took)).await;
    }
    // Step 1 done at 03:00 WIB on 1 February (still January in UTC): 30 minutes, on time.
    add_step(db, r5, Step::done(1, wib(2026, 2, 1, 2, 30), 1440, 30)).await;
    // Step 2 (2 hours) in February: 100 minutes, exactly 120 (on time: done at the deadline),
    // 121 (late). The last is done at 06:00 WIB on Monday 9 February, Sunday in UTC.
    add_step(db, r4, Step::done(2, wib(2026, 2, 2, 8, 0), 120, 100)).await;
    add_step(db, r4, Step::done(2, wib(2026, 2, 8, 21, 0), 120, 120)).await;
    add_step(db, r4, Step::done(2, wib(2026, 2, 9, 3, 59), 120, 121)).await;
    // Step 5 on working hours: opened Friday 15:58 WIB, its deadline Monday 07:33 WIB, done
    // Monday 07:32 WIB: on time, after 3814 wall-clock minutes.
    add_step(
        db,
        r1,
        Step {
            step: 5,
            opened: wib(2026, 1, 9, 15, 58),
            standard: 5,
            deadline: Some(wib(2026, 1, 12, 7, 33)),
            took: Some(3814),
            outcome: "forwarded",
        },
    )
    .await;
    // Not counted: closed by a withdrawal, done after the range, done before it.
    add_step(
        db,
        r3,
        Step {
            outcome: "withdrawn",
            ..Step::done(3, wib(2026, 2, 3, 9, 0), 60, 5)
        },
    )
    .await;
    add_step(db, r7, Step::done(3, wib(2026, 3, 1, 0, 0), 60, 30)).await;
    add_step(db, r0, Step::done(3, wib(2025, 12, 31, 23, 0), 60, 30)).await;
    // Open now: step 3 long overdue, step 4 with time left.
    add_step(
        db,
        r6,
        Step {
            took: None,
            ..Step::done(3, wib(2026, 2, 20, 9, 0), 60, 0)
        },
    )
    .await;
    add_step(
        db,
        r2,
        Step {
            took: None,
            ..Step::done(4, Utc::now() - Duration::minutes(1), 60, 0)
        },
    )
    .await;

    // Publications created in the range: Info UNEJ sent twice, failed once (3 attempts),
    // uncertain once; Humas UNEJ sent once (2 attempts), queued once. One outside the range.
    for (r, c, status, attempts) in [
        (r1, info, "sent", 1),
        (r5, info, "sent", 1),
        (r2, info, "failed", 3),
        (r6, info, "uncertain", 1),
        (r1, humas, "sent", 2),
        (r4, humas, "queued", 0),
    ] {
        add_publication(db, r, c, status, attempts, wib(2026, 2, 14, 12, 0)).await;
    }
    add_publication(db, r7, info, "sent", 1, wib(2026, 3, 5, 9, 0)).await;
    (info, humas)
}

const SLA: &str = "query($period: ReportPeriod) {
  slaReport(from: \"2026-01-01\", until: \"2026-02-28\", period: $period) {
    from until period csvUrl
    steps {
      standardMinutes workingHoursOnly openNow overdueNow
      figures { step stepNumber periodStart finished onTime onTimeShare medianSeconds p90Seconds medianMinutes p90Minutes }
    }
    periods { stepNumber periodStart finished onTime medianSeconds p90Seconds }
  }
}";

/// One step's figures over the whole range: (finished, on time, median s, p90 s).
fn step_figures(report: &Value, step: usize) -> (i64, i64, Option<i64>, Option<i64>) {
    let f = &report["steps"][step - 1]["figures"];
    assert_eq!(f["stepNumber"], json!(step));
    (
        f["finished"].as_i64().expect("finished"),
        f["onTime"].as_i64().expect("onTime"),
        f["medianSeconds"].as_i64(),
        f["p90Seconds"].as_i64(),
    )
}

#[tokio::test]
async fn sla_figures_match_the_hand_computed_ones() {
    let app = spawn_app().await;
    seed(&app).await;
    let token = app.user(Role::ViceRector).await.token;
    let d = app
        .gql_ok(Some(&token), SLA, json!({ "period": "MONTH" }))
        .await;
    let r = &d["slaReport"];
    assert_eq!(
        r["csvUrl"],
        "/reports/sla.csv?from=2026-01-01&until=2026-02-28&period=month"
    );
    assert_eq!(r["steps"].as_array().map(Vec::len), Some(7));

    // Step 1: [30, 60, 120, 1500, 3000] minutes; median rank ceil(5/2) = 3, p90 rank
    // ceil(4.5) = 5; on time 30, 60, 120.
    assert_eq!(step_figures(r, 1), (5, 3, Some(120 * 60), Some(3000 * 60)));
    let one = &r["steps"][0];
    assert_eq!(one["figures"]["step"], "DISPOSITION");
    assert_eq!(one["figures"]["onTimeShare"], json!(0.6));
    assert_eq!(one["figures"]["medianMinutes"], json!(120.0));
    assert_eq!(one["figures"]["periodStart"], Value::Null);
    assert_eq!(one["standardMinutes"], 1440);
    assert_eq!(one["workingHoursOnly"], false);
    // Step 2: [100, 120, 121]; median rank 2, p90 rank ceil(2.7) = 3; done at the deadline
    // counts as on time.
    assert_eq!(step_figures(r, 2), (3, 2, Some(120 * 60), Some(121 * 60)));
    // Step 3: withdrawn, before and after the range: nothing; one open and overdue.
    assert_eq!(step_figures(r, 3), (0, 0, None, None));
    assert_eq!(r["steps"][2]["figures"]["onTimeShare"], Value::Null);
    assert_eq!(
        (
            r["steps"][2]["openNow"].as_i64(),
            r["steps"][2]["overdueNow"].as_i64()
        ),
        (Some(1), Some(1))
    );
    // Step 4: open with time left.
    assert_eq!(
        (
            r["steps"][3]["openNow"].as_i64(),
            r["steps"][3]["overdueNow"].as_i64()
        ),
        (Some(1), Some(0))
    );
    // Step 5: on time by its working-hours deadline, 3814 wall-clock minutes.
    assert_eq!(step_figures(r, 5), (1, 1, Some(3814 * 60), Some(3814 * 60)));
    for step in [6, 7] {
        assert_eq!(step_figures(r, step), (0, 0, None, None));
    }
    for s in r["steps"].as_array().expect("steps").iter().skip(4) {
        assert_eq!(
            (s["openNow"].as_i64(), s["overdueNow"].as_i64()),
            (Some(0), Some(0))
        );
    }

    // Per WIB month: step 1's 03:00 WIB on 1 February counts for February.
    assert_eq!(
        r["periods"],
        json!([
            { "stepNumber": 1, "periodStart": "2026-01-01", "finished": 4, "onTime": 2, "medianSeconds": 7200, "p90Seconds": 180000 },
            { "stepNumber": 5, "periodStart": "2026-01-01", "finished": 1, "onTime": 1, "medianSeconds": 228840, "p90Seconds": 228840 },
            { "stepNumber": 1, "periodStart": "2026-02-01", "finished": 1, "onTime": 1, "medianSeconds": 1800, "p90Seconds": 1800 },
            { "stepNumber": 2, "periodStart": "2026-02-01", "finished": 3, "onTime": 2, "medianSeconds": 7200, "p90Seconds": 7260 },
        ])
    );

    // Per ISO week from Monday in WIB: step 2's last is done on Monday 9 February in WIB.
    let d = app
        .gql_ok(Some(&token), SLA, json!({ "period": "WEEK" }))
        .await;
    let step2: Vec<&Value> = d["slaReport"]["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .filter(|p| p["stepNumber"] == 2)
        .collect();
    assert_eq!(
        step2,
        vec![
            &json!({ "stepNumber": 2, "periodStart": "2026-02-02", "finished": 2, "onTime": 2, "medianSeconds": 6000, "p90Seconds": 7200 }),
            &json!({ "stepNumber": 2, "periodStart": "2026-02-09", "finished": 1, "onTime": 0, "medianSeconds": 7260, "p90Seconds": 7260 }),
        ]
    );
    let step1_weeks: Vec<&Value> = d["slaReport"]["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .filter(|p| p["stepNumber"] == 1)
        .map(|p| &p["periodStart"])
        .collect();
    // 5, 6, 7 January fall in the week of Monday 5 January, 12 January in the next, Sunday
    // 1 February in the week of Monday 26 January.
    assert_eq!(
        step1_weeks,
        vec![
            &json!("2026-01-05"),
            &json!("2026-01-12"),
            &json!("2026-01-26")
        ]
    );
}

const VOLUME: &str = "{
  volumeReport(from: \"2026-01-01\", until: \"2026-02-28\") {
    period csvUrl
    total { submitted archived rejected withdrawn inProgress }
    periods { periodStart figures { submitted archived rejected withdrawn inProgress } }
    units { unit figures { submitted archived rejected withdrawn inProgress } }
    channels { channelId name figures { submitted archived rejected withdrawn inProgress } }
  }
}";

fn volume(submitted: i64, archived: i64, rejected: i64, withdrawn: i64, in_progress: i64) -> Value {
    json!({ "submitted": submitted, "archived": archived, "rejected": rejected, "withdrawn": withdrawn, "inProgress": in_progress })
}

#[tokio::test]
async fn volume_and_publisher_figures_match_the_hand_computed_ones() {
    let app = spawn_app().await;
    let (info, humas) = seed(&app).await;
    let token = app.user(Role::Staff).await.token;
    let d = app.gql_ok(Some(&token), VOLUME, json!({})).await;
    let r = &d["volumeReport"];
    assert_eq!(r["period"], "MONTH");
    assert_eq!(
        r["csvUrl"],
        "/reports/volume.csv?from=2026-01-01&until=2026-02-28&period=month"
    );
    assert_eq!(r["total"], volume(6, 2, 1, 1, 2));
    assert_eq!(
        r["periods"],
        json!([
            { "periodStart": "2026-01-01", "figures": volume(3, 2, 1, 0, 0) },
            { "periodStart": "2026-02-01", "figures": volume(3, 0, 0, 1, 2) },
        ])
    );
    assert_eq!(
        r["units"],
        json!([
            { "unit": "Fakultas Hukum", "figures": volume(3, 1, 1, 0, 1) },
            { "unit": "LPPM", "figures": volume(2, 0, 0, 1, 1) },
            { "unit": "Bagian Protokol", "figures": volume(1, 1, 0, 0, 0) },
        ])
    );
    assert_eq!(
        r["channels"],
        json!([
            { "channelId": info.to_string(), "name": "Info UNEJ", "figures": volume(4, 2, 1, 0, 1) },
            { "channelId": humas.to_string(), "name": "Humas UNEJ", "figures": volume(2, 1, 0, 0, 1) },
        ])
    );

    let d = app
        .gql_ok(
            Some(&token),
            "{ publisherReport(from: \"2026-01-01\", until: \"2026-02-28\") {
                csvUrl
                total { pending queued sending sent failed uncertain retracted total attempts }
                channels { channelId name figures { queued sent failed uncertain total attempts } }
            } }",
            json!({}),
        )
        .await;
    let r = &d["publisherReport"];
    assert_eq!(
        r["csvUrl"],
        "/reports/publisher.csv?from=2026-01-01&until=2026-02-28"
    );
    assert_eq!(
        r["total"],
        json!({ "pending": 0, "queued": 1, "sending": 0, "sent": 3, "failed": 1, "uncertain": 1, "retracted": 0, "total": 6, "attempts": 8 })
    );
    assert_eq!(
        r["channels"],
        json!([
            { "channelId": humas.to_string(), "name": "Humas UNEJ", "figures": { "queued": 1, "sent": 1, "failed": 0, "uncertain": 0, "total": 2, "attempts": 2 } },
            { "channelId": info.to_string(), "name": "Info UNEJ", "figures": { "queued": 0, "sent": 2, "failed": 1, "uncertain": 1, "total": 4, "attempts": 6 } },
        ])
    );
}

#[tokio::test]
async fn csv_downloads_carry_the_same_figures_for_officials_only() {
    let app = spawn_app().await;
    seed(&app).await;
    let official = app.user(Role::BureauHead).await.token;
    let requester = app.user(Role::Requester).await.token;
    let range = "from=2026-01-01&until=2026-02-28";

    let res = app
        .get(
            &format!("/reports/sla.csv?{range}&period=month"),
            Some(&official),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"warta-sla-2026-01-01_2026-02-28.csv\""
    );
    let body = res.text().await.expect("a body");
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "scope,period_start,step,step_name,finished,on_time,on_time_share,median_seconds,p90_seconds,median_minutes,p90_minutes,standard_minutes,working_hours_only,open_now,overdue_now"
    );
    assert_eq!(
        lines[1],
        "range,,1,disposition,5,3,0.6000,7200,180000,120.00,3000.00,1440,false,0,0"
    );
    assert_eq!(lines[3], "range,,3,verification,0,0,,,,,,60,false,1,1");
    assert_eq!(
        lines[8],
        "month,2026-01-01,1,disposition,4,2,0.5000,7200,180000,120.00,3000.00,,,,"
    );
    assert_eq!(lines.len(), 1 + 7 + 4 + 1, "{body}");
    assert_eq!(lines.last(), Some(&""), "records end in CRLF");

    let body = app
        .get(&format!("/reports/volume.csv?{range}"), Some(&official))
        .await
        .text()
        .await
        .expect("a body");
    assert_eq!(
        body,
        "dimension,value,submitted,archived,rejected,withdrawn,in_progress\r\n\
         total,,6,2,1,1,2\r\n\
         month,2026-01-01,3,2,1,0,0\r\n\
         month,2026-02-01,3,0,0,1,2\r\n\
         unit,Fakultas Hukum,3,1,1,0,1\r\n\
         unit,LPPM,2,0,0,1,1\r\n\
         unit,Bagian Protokol,1,1,0,0,0\r\n\
         channel,Info UNEJ,4,2,1,0,1\r\n\
         channel,Humas UNEJ,2,1,0,0,1\r\n"
    );
    let body = app
        .get(&format!("/reports/publisher.csv?{range}"), Some(&official))
        .await
        .text()
        .await
        .expect("a body");
    assert_eq!(
        body,
        "channel,pending,queued,sending,sent,failed,uncertain,retracted,total,attempts\r\n\
         Humas UNEJ,0,1,0,1,0,0,0,2,2\r\n\
         Info UNEJ,0,0,0,2,1,1,0,4,6\r\n\
         (all),0,1,0,3,1,1,0,6,8\r\n"
    );

    for report in ["sla", "volume", "publisher"] {
        let path = format!("/reports/{report}.csv?{range}");
        let res = app.get(&path, None).await;
        assert_eq!(res.status(), 401, "{path}");
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
        assert_eq!(
            app.get(&path, Some("not-a-token")).await.status(),
            401,
            "{path}"
        );
        assert_eq!(
            app.get(&path, Some(&requester)).await.status(),
            403,
            "{path}"
        );
        let client = app.client(&["read:published"]).await;
        assert_eq!(app.get(&path, Some(&client)).await.status(), 403, "{path}");
    }
    for bad in [
        "/reports/sla.csv",
        "/reports/sla.csv?from=2026-01-01",
        "/reports/volume.csv?from=2026-02-01&until=2026-01-01",
        "/reports/sla.csv?from=2026-01-01&until=2026-02-30",
        "/reports/volume.csv?from=2026-01-01&until=2026-02-28&period=year",
    ] {
        let res = app.get(bad, Some(&official)).await;
        assert_eq!(res.status(), 400, "{bad}");
    }
}

#[tokio::test]
async fn reports_refuse_bad_ranges_with_a_code() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    for (from, until) in [("2026-02-01", "2026-01-31"), ("2000-01-01", "2026-01-01")] {
        for query in [
            "query($f: NaiveDate!, $u: NaiveDate!) { slaReport(from: $f, until: $u) { from } }",
            "query($f: NaiveDate!, $u: NaiveDate!) { volumeReport(from: $f, until: $u) { from } }",
            "query($f: NaiveDate!, $u: NaiveDate!) { publisherReport(from: $f, until: $u) { from } }",
        ] {
            let response = app
                .gql(Some(&token), query, json!({ "f": from, "u": until }))
                .await;
            assert_eq!(
                error_code(&response).as_deref(),
                Some("BAD_USER_INPUT"),
                "{query} {from}..{until}"
            );
        }
    }
    // An empty database gives zeros, not errors.
    let d = app
        .gql_ok(
            Some(&token),
            "{ slaReport(from: \"2026-01-01\", until: \"2026-01-31\") { steps { figures { finished onTime onTimeShare medianSeconds } openNow } periods { finished } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["slaReport"]["periods"], json!([]));
    for s in d["slaReport"]["steps"].as_array().expect("steps") {
        assert_eq!(
            s,
            &json!({ "figures": { "finished": 0, "onTime": 0, "onTimeShare": null, "medianSeconds": null }, "openNow": 0 })
        );
    }
}
