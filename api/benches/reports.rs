//! How long each report takes over 100,000 requests, on SQLite and on PostgreSQL.
//!
//! ```sh
//! cargo bench -p warta --bench reports                      # 100,000 requests
//! WARTA_BENCH_REQUESTS=20000 cargo bench -p warta --bench reports
//! WARTA_BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres   # the default
//! WARTA_BENCH_SKIP_PG=1                                       # SQLite only
//! ```
//!
//! Each engine gets a throw-away database (a temporary SQLite file; a PostgreSQL database
//! created and dropped through the admin URL), migrated as `warta migrate` does, then filled
//! by multi-row inserts in one transaction: the requests over two years (WIB), their SOP steps
//! with varied durations (most archived; some rejected, withdrawn or still open), chosen
//! channels and publications. Each report is then run a few times and its median printed, in
//! milliseconds and as a multiple of a baseline measured in the same run: `SELECT COUNT(*)`
//! over the requests.

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, TimeZone, Utc};
use sea_orm::{ConnectionTrait, Database, Statement, TransactionTrait};
use warta::{
    db::Db,
    service::reports::{self, Period, ReportRange},
};

const RUNS: usize = 7;
const BATCH: usize = 500;
const UNITS: &[&str] = &[
    "Fakultas Hukum",
    "Fakultas Teknik",
    "Fakultas Kedokteran",
    "LPPM",
    "LP3M",
    "Bagian Protokol",
    "UPT Perpustakaan",
    "Pascasarjana",
];
const STANDARDS: [i64; 7] = [1440, 120, 60, 10, 5, 5, 5];
const CHANNELS: i64 = 3;

/// xorshift64*: the same data every run, without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn ts(t: DateTime<Utc>) -> String {
    // The spelling sqlx gives a `DateTime<Utc>` on SQLite; PostgreSQL reads it as well.
    format!("'{}'", t.to_rfc3339_opts(SecondsFormat::AutoSi, false))
}

/// Multi-row `INSERT`s of `rows`, `BATCH` at a time.
async fn insert(
    db: &impl ConnectionTrait,
    table: &str,
    columns: &str,
    rows: &[String],
) -> Result<(), sea_orm::DbErr> {
    for chunk in rows.chunks(BATCH) {
        let sql = format!("INSERT INTO {table} ({columns}) VALUES {}", chunk.join(","));
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

#[derive(Default)]
struct Counts {
    requests: usize,
    dispositions: usize,
    choices: usize,
    publications: usize,
}

async fn fill(db: &Db, n: usize) -> Result<Counts, sea_orm::DbErr> {
    let tx = db.conn.begin().await?;
    let now = Utc::now();
    insert(
        &tx,
        "\"user\"",
        "id, username, full_name, password_hash, active, locale, created_at, updated_at",
        &[format!(
            "(900000, 'bench', 'Bench Requester', 'x', TRUE, 'id', {t}, {t})",
            t = ts(now)
        )],
    )
    .await?;
    let channels: Vec<String> = (1..=CHANNELS)
        .map(|c| {
            format!(
                "({id}, 'Channel {c}', '@bench_{c}', FALSE, FALSE, TRUE, {t}, {t})",
                id = 900000 + c,
                t = ts(now)
            )
        })
        .collect();
    insert(
        &tx,
        "channel",
        "id, name, chat_ref, link_preview, silent, active, created_at, updated_at",
        &channels,
    )
    .await?;

    let mut rng = Rng(0x5eed_1234_abcd_0042);
    let start = Utc
        .with_ymd_and_hms(2024, 12, 31, 17, 0, 0)
        .single()
        .expect("a valid instant");
    let span_minutes = 2 * 365 * 24 * 60;
    let (mut requests, mut steps, mut choices, mut publications) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut counts = Counts::default();
    for i in 0..n {
        let id = i as i64 + 1;
        let submitted = start + TimeDelta::minutes(rng.below(span_minutes) as i64);
        // 80% archived, 5% rejected (at step 1–5), 5% withdrawn (at step 1–6), 10% open.
        let fate = rng.below(100);
        let (status, last_step, closing) = match fate {
            0..80 => ("archived", 7, None),
            80..85 => ("rejected", 1 + rng.below(5) as usize, Some("rejected")),
            85..90 => ("withdrawn", 1 + rng.below(6) as usize, Some("withdrawn")),
            _ => {
                let at = 1 + rng.below(7) as usize;
                (
                    [
                        "disposition",
                        "instruction",
                        "verification",
                        "review",
                        "assignment",
                        "publication",
                        "archiving",
                    ][at - 1],
                    at,
                    Some("open"),
                )
            }
        };
        requests.push(format!(
            "({id}, '{seq:06}/HM/B', 2026, {id}, 'Bench request {id}', '{unit}', 'Civitas', 'biasa', '{status}', 900000, 1, 1, {t}, {t}, {t})",
            seq = id,
            unit = UNITS[rng.below(UNITS.len() as u64) as usize],
            t = ts(submitted)
        ));
        let mut opened = submitted;
        for step in 1..=last_step {
            let standard = STANDARDS[step - 1];
            // Between a tenth of the standard and twice it, now and then far over.
            let mut took = standard * (10 + rng.below(190) as i64) / 100 + 1;
            if rng.below(20) == 0 {
                took *= 5;
            }
            let deadline = opened + TimeDelta::minutes(standard);
            let is_last = step == last_step;
            let (done, outcome) = match (is_last, closing) {
                (true, Some("open")) => ("NULL".to_owned(), "NULL".to_owned()),
                (true, Some(kind)) => (ts(opened + TimeDelta::minutes(took)), format!("'{kind}'")),
                _ => (
                    ts(opened + TimeDelta::minutes(took)),
                    if step == 7 {
                        "'archived'"
                    } else {
                        "'forwarded'"
                    }
                    .to_owned(),
                ),
            };
            steps.push(format!(
                "({id}, {step}, 'staff', 'biasa', {deadline}, {standard}, FALSE, {opened}, {done}, {outcome})",
                deadline = ts(deadline),
                opened = ts(opened),
            ));
            opened += TimeDelta::minutes(took);
        }
        if last_step >= 2 {
            let first = 1 + rng.below(CHANNELS as u64) as i64;
            let chosen: Vec<i64> = if rng.below(3) == 0 {
                vec![first, 1 + first % CHANNELS]
            } else {
                vec![first]
            };
            for channel in &chosen {
                choices.push(format!(
                    "({id}, {channel}, {t})",
                    channel = 900000 + channel,
                    t = ts(submitted)
                ));
                if status == "archived" {
                    let outcome = match rng.below(100) {
                        0..94 => "sent",
                        94..97 => "failed",
                        _ => "uncertain",
                    };
                    publications.push(format!(
                        "({id}, {channel}, 1, '{outcome}', {attempts}, 1, {t}, {t})",
                        channel = 900000 + channel,
                        attempts = 1 + rng.below(2),
                        t = ts(opened)
                    ));
                }
            }
        }
        if requests.len() >= BATCH * 4 || i + 1 == n {
            counts.requests += requests.len();
            counts.dispositions += steps.len();
            counts.choices += choices.len();
            counts.publications += publications.len();
            insert(
                &tx,
                "request",
                "id, agenda_number, agenda_year, agenda_seq, title, unit, audience, priority, status, requester_id, current_content_version, version, submitted_at, created_at, updated_at",
                &requests,
            )
            .await?;
            insert(
                &tx,
                "disposition",
                "request_id, step, to_role, priority, sla_deadline, sla_minutes, sla_working_hours_only, created_at, done_at, outcome",
                &steps,
            )
            .await?;
            insert(
                &tx,
                "request_channel",
                "request_id, channel_id, created_at",
                &choices,
            )
            .await?;
            insert(
                &tx,
                "publication",
                "request_id, channel_id, content_version, status, attempts, version, created_at, updated_at",
                &publications,
            )
            .await?;
            requests.clear();
            steps.clear();
            choices.clear();
            publications.clear();
        }
    }
    tx.commit().await?;
    // Fresh statistics, as a database that has lived a while would have.
    db.conn.execute_unprepared("ANALYZE").await?;
    Ok(counts)
}

/// The median of `RUNS` timings of `f`.
async fn time<F, Fut, T>(mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = T>,
{
    let mut runs = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        std::hint::black_box(f().await);
        runs.push(started.elapsed());
    }
    runs.sort();
    runs[RUNS / 2]
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// The timings of one engine: (name, median) with the baseline first.
async fn measure(db: &Db) -> Vec<(&'static str, Duration)> {
    let conn = &db.conn;
    let all = ReportRange::new(date(2025, 1, 1), date(2026, 12, 31)).expect("a range");
    let month = ReportRange::new(date(2026, 3, 1), date(2026, 3, 31)).expect("a range");
    let now = Utc::now();
    let count = Statement::from_string(
        conn.get_database_backend(),
        "SELECT COUNT(*) AS n FROM request",
    );
    let mut out = vec![(
        "baseline: SELECT COUNT(*) FROM request",
        time(|| conn.query_one(count.clone())).await,
    )];
    out.push((
        "slaReport, 2 years by month",
        time(|| reports::sla_report(conn, &all, Period::Month, now)).await,
    ));
    out.push((
        "slaReport, 2 years by week",
        time(|| reports::sla_report(conn, &all, Period::Week, now)).await,
    ));
    out.push((
        "slaReport, 1 month",
        time(|| reports::sla_report(conn, &month, Period::Week, now)).await,
    ));
    out.push((
        "volumeReport, 2 years by month",
        time(|| reports::volume_report(conn, &all, Period::Month)).await,
    ));
    out.push((
        "volumeReport, 1 month",
        time(|| reports::volume_report(conn, &month, Period::Month)).await,
    ));
    out.push((
        "publisherReport, 2 years",
        time(|| reports::publisher_report(conn, &all)).await,
    ));
    out.push((
        "publisherReport, 1 month",
        time(|| reports::publisher_report(conn, &month)).await,
    ));
    // The figures must be real: a report that failed would time nothing useful.
    let sla = reports::sla_report(conn, &all, Period::Month, now)
        .await
        .expect("the SLA report runs");
    let finished: i64 = sla.steps.iter().map(|s| s.figures.finished).sum();
    let first = &sla.steps[0].figures;
    println!(
        "  check: {finished} steps finished; step 1 median {} min, p90 {} min, {:.1}% on time",
        first.median_seconds.unwrap_or_default() / 60,
        first.p90_seconds.unwrap_or_default() / 60,
        first.on_time_share().unwrap_or_default() * 100.0
    );
    out
}

async fn run_engine(name: &str, url: &str, n: usize) -> Vec<(&'static str, Duration)> {
    let db = Db::connect(url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let started = Instant::now();
    let counts = fill(&db, n).await.expect("fill the database");
    println!(
        "{name}: {} requests, {} steps, {} channel choices, {} publications inserted in {:.1} s",
        counts.requests,
        counts.dispositions,
        counts.choices,
        counts.publications,
        started.elapsed().as_secs_f64()
    );
    let timings = measure(&db).await;
    db.conn.close().await.expect("close");
    timings
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("WARTA_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut columns = Vec::new();

    let dir = std::env::temp_dir().join(format!("warta-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let sqlite_url = format!("sqlite://{}", dir.join("bench.db").display());
    columns.push(("SQLite", run_engine("SQLite", &sqlite_url, n).await));
    let _ = std::fs::remove_dir_all(&dir);

    if std::env::var_os("WARTA_BENCH_SKIP_PG").is_none() {
        let admin_url = std::env::var("WARTA_BENCH_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("warta_bench_{}", std::process::id());
        let admin = Database::connect(&admin_url)
            .await
            .expect("PostgreSQL answers");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the bench database");
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("WARTA_BENCH_PG_URL must name a database"),
        };
        columns.push(("PostgreSQL", run_engine("PostgreSQL", &url, n).await));
        admin
            .execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .await
            .expect("drop the bench database");
    }

    println!();
    print!("| report ({n} requests, median of {RUNS}) |");
    for (engine, _) in &columns {
        print!(" {engine} ms | × baseline |");
    }
    println!();
    print!("|---|");
    for _ in &columns {
        print!("---:|---:|");
    }
    println!();
    let rows = columns.first().map_or(0, |(_, t)| t.len());
    for row in 0..rows {
        print!("| {} |", columns[0].1[row].0);
        for (_, timings) in &columns {
            let baseline = timings[0].1.as_secs_f64().max(1e-9);
            let d = timings[row].1;
            print!(" {} | {:.1} |", ms(d), d.as_secs_f64() / baseline);
        }
        println!();
    }
}
