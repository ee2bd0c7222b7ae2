//! The publishing worker: takes due publication jobs under a lease, sends each to its channel
//! through the Bot API, paced under Telegram's limits, and reports the outcome. It reaches
//! Warta only through GraphQL operations (in-process when embedded in `warta serve`, over
//! HTTP as `warta worker`), acting as the worker principal, so the API's rules hold here too.

use std::{collections::HashMap, future::Future, sync::Arc, time::Duration};

use serde::Deserialize;
use serde_json::{Value, json};
use teloxide::{
    Bot, RequestError,
    payloads::setters::*,
    requests::Requester,
    types::{
        ChatId, FileId, InputFile, InputMedia, InputMediaDocument, InputMediaPhoto,
        InputMediaVideo, LinkPreviewOptions, Message, ParseMode, Recipient,
    },
};
use tokio::{sync::watch, time::Instant};

use super::{
    classify::{CallResult, Verdict, backoff, classify},
    pacing::{Limits, Pacer},
    proof,
    render::{Media, MediaKind, Outgoing, plan},
};

/// Why the worker could not talk to Warta.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("the API refused: {0}")]
    Api(String),
    #[error("cannot reach the API: {0}")]
    Transport(String),
}

/// How the worker reaches Warta: the same GraphQL operations either way.
pub trait WorkerApi: Send + Sync + 'static {
    /// Runs one GraphQL operation and returns its `data`.
    fn execute(
        &self,
        query: &'static str,
        variables: Value,
    ) -> impl Future<Output = Result<Value, WorkerError>> + Send;
    /// The bytes of an attachment.
    fn download(
        &self,
        attachment_id: i64,
    ) -> impl Future<Output = Result<Vec<u8>, WorkerError>> + Send;
}

const CLAIM: &str = "mutation Claim($worker: String!, $limit: Int!, $lease: Int!) {
  claimPublicationJobs(worker: $worker, limit: $limit, leaseSeconds: $lease) {
    jobId title text
    publication { id }
    channel { id chatRef linkPreview silent }
    attachments { id contentType filename }
  }
}";

const REPORT: &str = "mutation Report($input: ReportPublicationInput!) {
  reportPublication(input: $input) { id status }
}";

const RECORD_MIGRATION: &str = "mutation Migrated($channel: ID!, $chat: String!) {
  recordChannelMigration(channelId: $channel, newChatId: $chat) { id chatRef }
}";

const START: &str = "mutation Start($id: ID!, $worker: String!) {
  startSendingPublication(publicationId: $id, worker: $worker) { id status attempts }
}";

const RETRY_LATER: &str = "mutation RetryLater($id: ID!, $worker: String!, $after: Int!, $error: String!) {
  retryPublicationLater(publicationId: $id, worker: $worker, afterSeconds: $after, error: $error) { id status }
}";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Job {
    title: String,
    text: String,
    publication: IdOnly,
    channel: JobChannel,
    attachments: Vec<JobAttachment>,
}

#[derive(Debug, Clone, Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JobChannel {
    id: String,
    chat_ref: String,
    link_preview: bool,
    silent: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JobAttachment {
    id: String,
    content_type: String,
    filename: String,
}

/// Settings of one worker.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Names this worker in leases and logs.
    pub name: String,
    pub bot_token: String,
    /// Base URL of the Bot API (Telegram, a self-hosted server, or the sandbox).
    pub api_url: String,
    pub batch: i32,
    pub lease_secs: i32,
    /// How long to wait when no job is due.
    pub idle: Duration,
    /// How long one Bot API call may take before its outcome counts as unknown.
    pub call_timeout: Duration,
    pub limits: Limits,
}

impl WorkerSettings {
    pub fn new(name: String, bot_token: String, api_url: String) -> Self {
        Self {
            name,
            bot_token,
            api_url,
            batch: 10,
            lease_secs: 120,
            idle: Duration::from_secs(1),
            call_timeout: Duration::from_secs(30),
            limits: Limits::default(),
        }
    }
}

/// What happened to one publication, to report.
enum Outcome {
    Sent {
        message_ids: Vec<i64>,
        link: Option<String>,
        /// See [`super::proof`].
        sha256: String,
    },
    Failed(String),
    Uncertain(String),
    RetryLater {
        after: Duration,
        error: String,
    },
    /// Nothing was posted: the group moved to a new id, to be stored before sending again.
    Migrated {
        new_chat_id: i64,
    },
    /// Warta refused to record the attempt (the lease is gone): nothing was sent and nothing
    /// is to be reported; whoever holds the job now settles it.
    NotStarted(String),
}

/// The worker: one loop, sending jobs one after another (pacing keeps it under the limits).
pub struct Publisher<A: WorkerApi> {
    api: Arc<A>,
    settings: WorkerSettings,
    bot: Bot,
    pacer: Pacer,
    /// A file uploaded once is sent to the other channels by its `file_id`.
    uploaded: HashMap<i64, FileId>,
    /// The SHA-256 of each file's bytes, for the proof of what was sent.
    file_sha256: HashMap<i64, String>,
    /// Set while `run` runs: turns true when the worker is asked to stop.
    stop: Option<watch::Receiver<bool>>,
}

impl<A: WorkerApi> Publisher<A> {
    pub fn new(api: Arc<A>, settings: WorkerSettings) -> Result<Self, WorkerError> {
        let url = reqwest_url(&settings.api_url)?;
        let client = teloxide::net::default_reqwest_settings()
            .timeout(settings.call_timeout)
            .build()
            .map_err(|e| WorkerError::Transport(e.to_string()))?;
        let bot = Bot::with_client(settings.bot_token.clone(), client).set_api_url(url);
        let pacer = Pacer::new(settings.limits);
        Ok(Self {
            api,
            settings,
            bot,
            pacer,
            uploaded: HashMap::new(),
            file_sha256: HashMap::new(),
            stop: None,
        })
    }

    /// Asks the Bot API who the bot is (`getMe`), so that a wrong token or URL shows at
    /// start; returns the bot's `@username`.
    pub async fn check_bot(&self) -> Result<String, WorkerError> {
        match self.bot.get_me().await {
            Ok(me) => Ok(format!("@{}", me.username())),
            Err(RequestError::Api(e)) => Err(WorkerError::Api(format!(
                "the Bot API refused the bot token: {e}"
            ))),
            Err(e) => Err(WorkerError::Transport(format!(
                "cannot reach the Bot API: {e}"
            ))),
        }
    }

    /// Runs until `stop` turns true; a job in hand is finished first.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        tracing::info!(worker = %self.settings.name, "publisher started");
        self.stop = Some(stop.clone());
        while !*stop.borrow() {
            let idle = match self.run_once().await {
                Ok(0) => self.settings.idle,
                Ok(_) => Duration::ZERO,
                Err(err) => {
                    tracing::warn!(error = %err, "publisher could not take jobs");
                    self.settings.idle * 5
                }
            };
            if !idle.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(idle) => {}
                    _ = stop.changed() => {}
                }
            }
        }
        tracing::info!(worker = %self.settings.name, "publisher stopped");
    }

    /// Takes one batch of due jobs and publishes them; returns how many there were.
    ///
    /// The lease is measured on this machine's clock from the moment of the claim, not read
    /// from the server's `leaseUntil`: a worker whose clock is off must neither send after
    /// its lease ended nor give up on every job before it.
    ///
    /// Asked to stop, the worker finishes the job in hand and gives the ones it has not
    /// started back to the queue (nothing of them was sent, so they are certain to be safe
    /// to send). A report the API refuses is logged and the batch goes on; an API that
    /// cannot be reached ends the batch, as sending more could not be recorded.
    pub async fn run_once(&mut self) -> Result<usize, WorkerError> {
        let claimed_at = Instant::now();
        let lease = Duration::from_secs(u64::try_from(self.settings.lease_secs).unwrap_or(0));
        let deadline = claimed_at + lease;
        let data = self
            .api
            .execute(
                CLAIM,
                json!({ "worker": self.settings.name, "limit": self.settings.batch, "lease": self.settings.lease_secs }),
            )
            .await?;
        let jobs: Vec<Job> = serde_json::from_value(data["claimPublicationJobs"].clone())
            .map_err(|e| WorkerError::Api(format!("unexpected claim answer: {e}")))?;
        let count = jobs.len();
        let mut jobs = jobs.into_iter();
        while let Some(job) = jobs.next() {
            if self.stopping() {
                tracing::info!(
                    worker = %self.settings.name,
                    "stopping: giving back the jobs not started"
                );
                self.release(std::iter::once(job).chain(jobs)).await;
                break;
            }
            let outcome = self.publish(&job, deadline).await;
            match self.report(&job, outcome, deadline).await {
                Ok(()) => {}
                Err(WorkerError::Api(reason)) => {
                    tracing::error!(
                        publication_id = %job.publication.id,
                        %reason,
                        "the API refused the outcome of a publication"
                    );
                }
                Err(err) => {
                    self.release(jobs).await;
                    return Err(err);
                }
            }
        }
        Ok(count)
    }

    fn stopping(&self) -> bool {
        self.stop.as_ref().is_some_and(|stop| *stop.borrow())
    }

    /// Gives claimed jobs that were not started back to the queue, due at once.
    async fn release(&self, jobs: impl Iterator<Item = Job>) {
        for job in jobs {
            let id = &job.publication.id;
            let released = self
                .api
                .execute(
                    RETRY_LATER,
                    json!({ "id": id, "worker": self.settings.name, "after": 0, "error": "the worker stopped before sending it" }),
                )
                .await;
            if let Err(err) = released {
                // Its lease runs out and the claim that follows settles it.
                tracing::warn!(publication_id = %id, error = %err, "could not give a job back");
            }
        }
    }

    /// Reports an outcome; a report that cannot reach the API is tried again while the
    /// lease lasts, because a sent post that is not recorded ends up uncertain.
    async fn report(
        &self,
        job: &Job,
        outcome: Outcome,
        deadline: Instant,
    ) -> Result<(), WorkerError> {
        let mut attempt = 0;
        loop {
            match self.report_once(job, &outcome).await {
                Err(WorkerError::Transport(reason)) => {
                    attempt += 1;
                    let wait = backoff(attempt);
                    if attempt > 5 || Instant::now() + wait >= deadline {
                        return Err(WorkerError::Transport(reason));
                    }
                    tracing::warn!(
                        publication_id = %job.publication.id,
                        %reason,
                        "cannot report yet; trying again"
                    );
                    tokio::time::sleep(wait).await;
                }
                result => return result,
            }
        }
    }

    async fn report_once(&self, job: &Job, outcome: &Outcome) -> Result<(), WorkerError> {
        let id = &job.publication.id;
        let result = match outcome {
            Outcome::Migrated { new_chat_id } => {
                tracing::info!(publication_id = %id, new_chat_id, "group migrated; sending there");
                self.api
                    .execute(
                        RECORD_MIGRATION,
                        json!({ "channel": job.channel.id, "chat": new_chat_id.to_string() }),
                    )
                    .await?;
                let error = format!("the group became a supergroup with id {new_chat_id}");
                self.api
                    .execute(RETRY_LATER, json!({ "id": id, "worker": self.settings.name, "after": 0, "error": error }))
                    .await
            }
            Outcome::RetryLater { after, error } => {
                tracing::info!(publication_id = %id, after_secs = after.as_secs(), "not sent; will retry");
                let after = i32::try_from(after.as_secs()).unwrap_or(3600);
                let error = error.as_str();
                self.api
                    .execute(
                        RETRY_LATER,
                        json!({ "id": id, "worker": self.settings.name, "after": after, "error": error }),
                    )
                    .await
            }
            Outcome::NotStarted(reason) => {
                tracing::warn!(publication_id = %id, %reason, "not started");
                return Ok(());
            }
            Outcome::Sent {
                message_ids,
                link,
                sha256,
            } => {
                tracing::info!(publication_id = %id, "sent");
                let input = json!({ "publicationId": id, "outcome": "SENT", "messageIds": message_ids, "link": link, "sentSha256": sha256 });
                self.api.execute(REPORT, json!({ "input": input })).await
            }
            Outcome::Failed(reason) => {
                tracing::warn!(publication_id = %id, %reason, "failed");
                let input = json!({ "publicationId": id, "outcome": "FAILED", "error": reason });
                self.api.execute(REPORT, json!({ "input": input })).await
            }
            Outcome::Uncertain(reason) => {
                tracing::warn!(publication_id = %id, %reason, "uncertain");
                let input = json!({ "publicationId": id, "outcome": "UNCERTAIN", "error": reason });
                self.api.execute(REPORT, json!({ "input": input })).await
            }
        };
        result.map(|_| ())
    }

    /// Sends one publication: every planned call in order. Right before the first call the
    /// attempt is recorded with Warta (`startSendingPublication`); a job that never got there
    /// goes back to the queue when its lease ends. Once a call has posted something, a later
    /// failure can no longer be retried blindly: the publication becomes uncertain for a
    /// person to settle.
    async fn publish(&mut self, job: &Job, lease_deadline: Instant) -> Outcome {
        let media: Vec<(Media, &JobAttachment)> = job
            .attachments
            .iter()
            .filter_map(|a| {
                let id = a.id.parse().ok()?;
                Some((
                    Media {
                        attachment_id: id,
                        kind: MediaKind::of_content_type(&a.content_type),
                    },
                    a,
                ))
            })
            .collect();
        let plain: Vec<Media> = media.iter().map(|(m, _)| m.clone()).collect();
        let calls = match plan(&job.title, &job.text, &plain) {
            Ok(calls) => calls,
            Err(err) => return Outcome::Failed(format!("cannot be published as it stands: {err}")),
        };
        let chat = job.channel.chat_ref.clone();
        let recipient = match recipient(&chat) {
            Some(r) => r,
            None => {
                return Outcome::Failed(format!(
                    "the channel's chat reference {chat:?} is not valid"
                ));
            }
        };
        let names: HashMap<i64, String> = media
            .iter()
            .map(|(m, a)| (m.attachment_id, a.filename.clone()))
            .collect();
        let mut message_ids: Vec<i64> = Vec::new();
        let mut started = false;
        for call in &calls {
            let mut attempt = 0;
            loop {
                let slot =
                    self.pacer
                        .next_slot(&chat, call.message_count(), Instant::now().into_std());
                let wait = slot.saturating_duration_since(std::time::Instant::now());
                if Instant::now() + wait + self.settings.call_timeout > lease_deadline {
                    let error = "the lease ran out while waiting to send".to_owned();
                    return if message_ids.is_empty() {
                        Outcome::RetryLater { after: wait, error }
                    } else {
                        Outcome::Uncertain(partly(&message_ids, &error))
                    };
                }
                tokio::time::sleep(wait).await;
                if !started {
                    if let Err(err) = self.start(job).await {
                        return Outcome::NotStarted(err.to_string());
                    }
                    started = true;
                }
                self.pacer
                    .record(&chat, call.message_count(), std::time::Instant::now());
                let result = self.send(&recipient, &job.channel, call, &names).await;
                match result {
                    Ok(ids) => {
                        message_ids.extend(ids);
                        break;
                    }
                    Err(call_result) => match classify(&call_result) {
                        Verdict::RetryAfter(after) => {
                            self.pacer.freeze(&chat, std::time::Instant::now() + after);
                            if message_ids.is_empty() {
                                return Outcome::RetryLater {
                                    after,
                                    error: "Telegram asked to slow down (429)".into(),
                                };
                            }
                            // Part is posted: wait here (within the lease) rather than start over.
                            attempt += 1;
                            if attempt > 5 {
                                return Outcome::Uncertain(partly(
                                    &message_ids,
                                    "still rate limited",
                                ));
                            }
                        }
                        Verdict::Retry => {
                            attempt += 1;
                            if message_ids.is_empty() {
                                return Outcome::RetryLater {
                                    after: backoff(attempt),
                                    error: "Telegram could not be reached".into(),
                                };
                            }
                            if attempt > 5 {
                                return Outcome::Uncertain(partly(
                                    &message_ids,
                                    "Telegram could not be reached",
                                ));
                            }
                            tokio::time::sleep(backoff(attempt)).await;
                        }
                        Verdict::Migrated { new_chat_id } => {
                            return if message_ids.is_empty() {
                                Outcome::Migrated { new_chat_id }
                            } else {
                                let reason =
                                    format!("the group became a supergroup with id {new_chat_id}");
                                Outcome::Uncertain(partly(&message_ids, &reason))
                            };
                        }
                        Verdict::Failed { reason } => {
                            return if message_ids.is_empty() {
                                Outcome::Failed(reason)
                            } else {
                                Outcome::Uncertain(partly(&message_ids, &reason))
                            };
                        }
                        Verdict::Uncertain { reason } => {
                            return Outcome::Uncertain(partly(&message_ids, &reason));
                        }
                    },
                }
            }
        }
        let link = message_ids.first().and_then(|id| public_link(&chat, *id));
        let sha256 = proof::sent_sha256(&calls, &self.file_sha256);
        Outcome::Sent {
            message_ids,
            link,
            sha256,
        }
    }

    /// Records the attempt before the first Bot API call of a publication.
    async fn start(&self, job: &Job) -> Result<(), WorkerError> {
        self.api
            .execute(
                START,
                json!({ "id": job.publication.id, "worker": self.settings.name }),
            )
            .await
            .map(|_| ())
    }

    /// Makes one Bot API call; returns the ids of the messages it posted.
    async fn send(
        &mut self,
        to: &Recipient,
        channel: &JobChannel,
        call: &Outgoing,
        names: &HashMap<i64, String>,
    ) -> Result<Vec<i64>, CallResult> {
        let bot = self.bot.clone();
        let messages: Vec<Message> = match call {
            Outgoing::Text { html } => {
                let preview = LinkPreviewOptions {
                    is_disabled: !channel.link_preview,
                    url: None,
                    prefer_small_media: false,
                    prefer_large_media: false,
                    show_above_text: false,
                };
                let sent = bot
                    .send_message(to.clone(), html)
                    .parse_mode(ParseMode::Html)
                    .disable_notification(channel.silent)
                    .link_preview_options(preview)
                    .await;
                vec![sent.map_err(|e| call_result(&e))?]
            }
            Outgoing::Single { media, caption } => {
                let file = self.input_file(media, names).await?;
                let sent = match media.kind {
                    MediaKind::Photo => {
                        let mut req = bot
                            .send_photo(to.clone(), file)
                            .disable_notification(channel.silent);
                        if let Some(c) = caption {
                            req = req.caption(c).parse_mode(ParseMode::Html);
                        }
                        req.await
                    }
                    MediaKind::Video => {
                        let mut req = bot
                            .send_video(to.clone(), file)
                            .disable_notification(channel.silent);
                        if let Some(c) = caption {
                            req = req.caption(c).parse_mode(ParseMode::Html);
                        }
                        req.await
                    }
                    MediaKind::Document => {
                        let mut req = bot
                            .send_document(to.clone(), file)
                            .disable_notification(channel.silent);
                        if let Some(c) = caption {
                            req = req.caption(c).parse_mode(ParseMode::Html);
                        }
                        req.await
                    }
                };
                vec![sent.map_err(|e| call_result(&e))?]
            }
            Outgoing::Album { items, caption } => {
                let mut group = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let file = self.input_file(item, names).await?;
                    let caption = if i == 0 { caption.clone() } else { None };
                    group.push(match item.kind {
                        MediaKind::Photo => {
                            let mut m = InputMediaPhoto::new(file);
                            if let Some(c) = caption {
                                m = m.caption(c).parse_mode(ParseMode::Html);
                            }
                            InputMedia::Photo(m)
                        }
                        MediaKind::Video => {
                            let mut m = InputMediaVideo::new(file);
                            if let Some(c) = caption {
                                m = m.caption(c).parse_mode(ParseMode::Html);
                            }
                            InputMedia::Video(m)
                        }
                        MediaKind::Document => {
                            let mut m = InputMediaDocument::new(file);
                            if let Some(c) = caption {
                                m = m.caption(c).parse_mode(ParseMode::Html);
                            }
                            InputMedia::Document(m)
                        }
                    });
                }
                bot.send_media_group(to.clone(), group)
                    .disable_notification(channel.silent)
                    .await
                    .map_err(|e| call_result(&e))?
            }
        };
        self.remember_files(call, &messages);
        Ok(messages.iter().map(|m| i64::from(m.id.0)).collect())
    }

    /// The file to send: its `file_id` when Telegram already has it, else its bytes.
    async fn input_file(
        &mut self,
        media: &Media,
        names: &HashMap<i64, String>,
    ) -> Result<InputFile, CallResult> {
        if let Some(file_id) = self.uploaded.get(&media.attachment_id) {
            return Ok(InputFile::file_id(file_id.clone()));
        }
        // The attachment could not be read from Warta: nothing was sent, so retry later.
        let bytes = self
            .api
            .download(media.attachment_id)
            .await
            .map_err(|_| CallResult::NotConnected)?;
        let sha = proof::sha256_hex(&bytes);
        self.file_sha256.insert(media.attachment_id, sha);
        let name = names
            .get(&media.attachment_id)
            .cloned()
            .unwrap_or_else(|| "lampiran".into());
        Ok(InputFile::memory(bytes).file_name(name))
    }

    fn remember_files(&mut self, call: &Outgoing, messages: &[Message]) {
        let items: Vec<&Media> = match call {
            Outgoing::Text { .. } => return,
            Outgoing::Single { media, .. } => vec![media],
            Outgoing::Album { items, .. } => items.iter().collect(),
        };
        for (media, message) in items.into_iter().zip(messages) {
            let file_id = message
                .photo()
                .and_then(|sizes| sizes.last())
                .map(|p| p.file.id.clone())
                .or_else(|| message.video().map(|v| v.file.id.clone()))
                .or_else(|| message.document().map(|d| d.file.id.clone()));
            if let Some(id) = file_id {
                self.uploaded.insert(media.attachment_id, id);
            }
        }
    }
}

fn partly(message_ids: &[i64], reason: &str) -> String {
    if message_ids.is_empty() {
        reason.to_owned()
    } else {
        format!("partly posted (message ids {message_ids:?}), then: {reason}")
    }
}

fn reqwest_url(url: &str) -> Result<url::Url, WorkerError> {
    url::Url::parse(url)
        .map_err(|e| WorkerError::Transport(format!("bad Bot API URL {url:?}: {e}")))
}

/// A channel reference as a Bot API recipient.
pub(crate) fn recipient(chat_ref: &str) -> Option<Recipient> {
    if chat_ref.starts_with('@') {
        return Some(Recipient::ChannelUsername(chat_ref.to_owned()));
    }
    chat_ref
        .parse::<i64>()
        .ok()
        .map(|id| Recipient::Id(ChatId(id)))
}

/// The public link of a post: `t.me/<username>/<id>`, or `t.me/c/<id>/<id>` for a private
/// channel or supergroup (`-100…` ids); basic groups have none.
pub fn public_link(chat_ref: &str, message_id: i64) -> Option<String> {
    if let Some(username) = chat_ref.strip_prefix('@') {
        return Some(format!("https://t.me/{username}/{message_id}"));
    }
    let internal = chat_ref.strip_prefix("-100")?;
    Some(format!("https://t.me/c/{internal}/{message_id}"))
}

/// Translates teloxide's error into what the transport saw. teloxide keeps the description
/// but not the HTTP code, so the code is read back from the description's prefix.
pub(crate) fn call_result(err: &RequestError) -> CallResult {
    match err {
        RequestError::RetryAfter(seconds) => CallResult::ApiError {
            error_code: 429,
            description: format!("Too Many Requests: retry after {}", seconds.seconds()),
            retry_after: Some(u64::from(seconds.seconds())),
            migrate_to_chat_id: None,
        },
        RequestError::MigrateToChatId(id) => CallResult::ApiError {
            error_code: 400,
            description: "Bad Request: group chat was upgraded to a supergroup chat".into(),
            retry_after: None,
            migrate_to_chat_id: Some(id.0),
        },
        RequestError::Api(api) => {
            let description = api.to_string();
            CallResult::ApiError {
                error_code: code_of(&description),
                description,
                retry_after: None,
                migrate_to_chat_id: None,
            }
        }
        RequestError::Network(e) if e.is_connect() => CallResult::NotConnected,
        RequestError::Network(_) | RequestError::Io(_) => CallResult::NoAnswer,
        RequestError::InvalidJson { .. } => CallResult::Unreadable { http_status: 502 },
    }
}

fn code_of(description: &str) -> u16 {
    let prefixes: [(&str, u16); 6] = [
        ("Bad Request", 400),
        ("Unauthorized", 401),
        ("Forbidden", 403),
        ("Not Found", 404),
        ("Conflict", 409),
        ("Too Many Requests", 429),
    ];
    prefixes
        .iter()
        .find(|(p, _)| description.starts_with(p))
        .map(|(_, c)| *c)
        .unwrap_or(500)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_point_at_the_post() {
        assert_eq!(
            public_link("@info_unej", 42).as_deref(),
            Some("https://t.me/info_unej/42")
        );
        assert_eq!(
            public_link("-1001234567890", 7).as_deref(),
            Some("https://t.me/c/1234567890/7")
        );
        assert_eq!(public_link("-4567", 7), None);
    }

    #[test]
    fn descriptions_give_back_their_codes() {
        assert_eq!(code_of("Bad Request: chat not found"), 400);
        assert_eq!(
            code_of("Forbidden: bot is not a member of the channel chat"),
            403
        );
        assert_eq!(code_of("Internal Server Error"), 500);
    }
}
