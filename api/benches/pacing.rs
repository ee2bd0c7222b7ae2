//! `cargo bench -p warta --bench pacing`: the real publisher (worker, pacer, teloxide) sends
//! to many channels of the Bot API sandbox, both at Telegram's real limits, and the figures
//! are read back from the sandbox's call log: achieved messages per second globally and per
//! chat, each as a ratio of Telegram's limit (1.0 = at the limit, above = over it), and the
//! number of 429 answers (should be 0). Jobs come from an in-memory queue speaking the
//! worker's GraphQL operations, so only the publisher and the Bot API are measured.

use std::{
    collections::{BTreeMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use tokio::sync::watch;
use warta::telegram::{
    publisher::worker::{Publisher, WorkerApi, WorkerError, WorkerSettings},
    sandbox::{ChatType, NewChat, Sandbox},
};

const CHANNELS: usize = 40;
const PER_CHANNEL: usize = 10;
const TOKEN: &str = "123456789:bench-token";

/// The queue: jobs to hand out, and how many publications were reported sent.
struct MemoryApi {
    jobs: Mutex<VecDeque<Value>>,
    sent: Mutex<usize>,
}

impl WorkerApi for MemoryApi {
    async fn execute(&self, query: &'static str, variables: Value) -> Result<Value, WorkerError> {
        if query.contains("claimPublicationJobs") {
            let limit = variables["limit"].as_u64().unwrap_or(10) as usize;
            let mut jobs = self.jobs.lock().expect("jobs");
            let n = limit.min(jobs.len());
            let batch: Vec<Value> = jobs.drain(..n).collect();
            return Ok(json!({ "claimPublicationJobs": batch }));
        }
        if query.contains("reportPublication") {
            let outcome = &variables["input"]["outcome"];
            assert_eq!(outcome, "SENT", "every post goes out: {variables}");
            *self.sent.lock().expect("sent") += 1;
            return Ok(json!({ "reportPublication": { "id": "1", "status": "SENT" } }));
        }
        if query.contains("startSendingPublication") {
            return Ok(json!({ "startSendingPublication": { "id": "1", "status": "SENDING" } }));
        }
        Err(WorkerError::Api(format!(
            "the bench does not expect {query}: {variables}"
        )))
    }

    async fn download(&self, _: i64) -> Result<Vec<u8>, WorkerError> {
        Err(WorkerError::Api("the bench sends text only".into()))
    }
}

#[tokio::main]
async fn main() {
    let sandbox = Sandbox::new(TOKEN.to_owned(), "warta_bench_bot".to_owned());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("an address");
    let app = axum::Router::new().nest_service("/telegram-sandbox", sandbox.router());
    tokio::spawn(async move { axum::serve(listener, app).await });

    // Publications interleaved the way requests queue them: every channel of one request,
    // then the next request.
    let mut chats = Vec::new();
    for n in 0..CHANNELS {
        let username = format!("bench_kanal_{n}");
        sandbox
            .create_chat(NewChat {
                kind: ChatType::Channel,
                id: None,
                title: format!("Kanal {n}"),
                username: Some(username.clone()),
                description: None,
                bot: None,
            })
            .expect("a sandbox channel");
        chats.push(format!("@{username}"));
    }
    let mut jobs = VecDeque::new();
    for round in 0..PER_CHANNEL {
        for (c, chat) in chats.iter().enumerate() {
            let id = round * CHANNELS + c + 1;
            jobs.push_back(json!({
                "jobId": id.to_string(),
                "title": format!("Pengumuman {round}"),
                "text": format!("Pengumuman nomor {round} untuk kanal {c}."),
                "publication": { "id": id.to_string() },
                "channel": { "id": (c + 1).to_string(), "chatRef": chat, "linkPreview": false, "silent": true },
                "attachments": [],
            }));
        }
    }
    let total = jobs.len();
    let api = Arc::new(MemoryApi {
        jobs: Mutex::new(jobs),
        sent: Mutex::new(0),
    });
    let mut settings = WorkerSettings::new(
        "bench".into(),
        TOKEN.into(),
        format!("http://{address}/telegram-sandbox"),
    );
    settings.batch = 100;
    settings.lease_secs = 3600;
    settings.idle = Duration::from_millis(20);
    let limits = settings.limits;
    let publisher = Publisher::new(api.clone(), settings).expect("a publisher");
    let (stop, stopped) = watch::channel(false);
    let started = Instant::now();
    let task = tokio::spawn(publisher.run(stopped));
    while *api.sent.lock().expect("sent") < total {
        assert!(started.elapsed() < Duration::from_secs(600), "too slow");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    stop.send(true).expect("stop");
    task.await.expect("the publisher ends");

    let calls = sandbox.calls();
    let sends: Vec<_> = calls.iter().filter(|c| c.method == "sendMessage").collect();
    let ok: Vec<_> = sends.iter().filter(|c| c.status == 200).collect();
    let throttled = calls.iter().filter(|c| c.status == 429).count();
    let mut per_chat: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for c in &ok {
        per_chat
            .entry(c.chat_id.as_deref().unwrap_or("?"))
            .or_default()
            .push(c.at_ms);
    }
    let first = ok.iter().map(|c| c.at_ms).min().unwrap_or(0);
    let last = ok.iter().map(|c| c.at_ms).max().unwrap_or(0);
    let span = ((last - first) as f64 / 1000.0).max(0.001);
    // Busiest one-second window over all chats, and per chat the busiest minute and the
    // shortest gap between two posts.
    let all: Vec<i64> = {
        let mut v: Vec<i64> = ok.iter().map(|c| c.at_ms).collect();
        v.sort_unstable();
        v
    };
    let busiest = |times: &[i64], window: i64| -> usize {
        let mut best = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end] - times[start] >= window {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    };
    let peak_second = busiest(&all, 1000);
    let mut min_gap_ms = i64::MAX;
    let mut peak_minute = 0;
    let mut chat_rates = Vec::new();
    for times in per_chat.values_mut() {
        times.sort_unstable();
        for pair in times.windows(2) {
            min_gap_ms = min_gap_ms.min(pair[1] - pair[0]);
        }
        peak_minute = peak_minute.max(busiest(times, 60_000));
        let chat_span = ((times[times.len() - 1] - times[0]) as f64 / 1000.0).max(0.001);
        chat_rates.push((times.len() - 1) as f64 / chat_span);
    }
    let mean_chat_rate = chat_rates.iter().sum::<f64>() / chat_rates.len().max(1) as f64;
    // Telegram's limit, not the pacer's (which keeps a margin under it).
    let global_limit = 30.0;
    let chat_limit = 1.0 / limits.per_chat_gap.as_secs_f64();

    println!("pacing bench: {CHANNELS} channels x {PER_CHANNEL} posts = {total} messages");
    println!(
        "  sent                      {} in {:.1} s",
        ok.len(),
        elapsed.as_secs_f64()
    );
    println!(
        "  global mean rate          {:.2} msg/s = {:.2} of 30/s",
        (ok.len() - 1) as f64 / span,
        (ok.len() - 1) as f64 / span / global_limit
    );
    println!(
        "  global busiest second     {peak_second} msg = {:.2} of 30/s",
        peak_second as f64 / global_limit
    );
    println!(
        "  per chat mean rate        {:.2} msg/s = {:.2} of 1/s",
        mean_chat_rate,
        mean_chat_rate / chat_limit
    );
    println!(
        "  per chat shortest gap     {min_gap_ms} ms = {:.2} of the 1 s gap (rate ratio {:.2})",
        min_gap_ms as f64 / 1000.0,
        1000.0 / min_gap_ms.max(1) as f64 / chat_limit
    );
    println!(
        "  per chat busiest minute   {peak_minute} msg = {:.2} of 20/min",
        peak_minute as f64 / limits.per_chat_per_minute as f64
    );
    println!("  429 answers               {throttled}");
}
