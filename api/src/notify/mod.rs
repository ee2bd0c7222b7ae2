//! Outbound notifications: the notifier consumes the `notification` outbox and sends each
//! notification as a Web Push to the devices of the people it is for and as a Telegram direct
//! message to their linked chats (`telegram`), queues the reminders before a step's SLA
//! deadline, and escalates a missed deadline to the role above.
//!
//! It wakes when a request changes (the rows are committed by then) and every
//! `WARTA_PUSH_CHECK_SECS`, for reminders and for rows another server queued. Rows are taken
//! under a lease (`Services::claim_notifications`), so several servers may run a notifier
//! against one database and each notification is sent by one of them. Pushes go through
//! [`PushSender`], direct messages through [`TelegramDms`]; either may be missing (no VAPID
//! keys, no bot), and the notifier runs with whichever there is.

pub mod message;
pub mod telegram;
pub mod webpush;

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use entity::push_subscription;
use futures::StreamExt as _;
use tokio::sync::{broadcast::error::RecvError, broadcast::error::TryRecvError, watch};
use tracing::Instrument as _;

use crate::{
    config::Settings,
    service::{
        Services,
        push::{DeviceOutcome, Notification, NotificationReport},
    },
};

pub use message::{Push, PushMessage, Urgency};
pub use telegram::TelegramDms;
pub use webpush::WebPush;

/// Notifications taken at once.
const BATCH: u64 = 50;
/// How long a batch is ours; far longer than sending it takes (15 s per push at worst, eight
/// at a time).
const LEASE: chrono::TimeDelta = chrono::TimeDelta::minutes(5);
/// The first wait before a notification that reached nobody is tried again; it grows with
/// each attempt.
const RETRY_AFTER: chrono::TimeDelta = chrono::TimeDelta::seconds(30);
/// Pushes in flight at once.
const PARALLEL_SENDS: usize = 8;
/// Direct messages in flight at once; Telegram takes about 30 a second from one bot.
const PARALLEL_DMS: usize = 4;

/// Why one push did not arrive.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("the push service no longer knows this subscription ({status})")]
    SubscriptionGone { status: u16 },
    #[error("the push service refused the message ({status}): {detail}")]
    PushRefused { status: u16, detail: String },
    #[error("the push service is unavailable ({status})")]
    PushServiceUnavailable {
        status: u16,
        retry_after: Option<u64>,
    },
    #[error("cannot reach the push service: {0}")]
    Unreachable(#[source] reqwest::Error),
    #[error("the subscription is unusable: {0}")]
    BadSubscription(&'static str),
    #[error("cannot encrypt the message: {0}")]
    Encryption(String),
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}

impl NotifyError {
    /// What this means for the device's record.
    pub fn outcome(&self) -> DeviceOutcome {
        match self {
            NotifyError::SubscriptionGone { .. } => DeviceOutcome::Gone,
            NotifyError::PushServiceUnavailable { .. } | NotifyError::Unreachable(_) => {
                DeviceOutcome::Failed {
                    error: self.to_string(),
                    transient: true,
                }
            }
            _ => DeviceOutcome::Failed {
                error: self.to_string(),
                transient: false,
            },
        }
    }
}

/// Delivers one push to one device.
#[async_trait::async_trait]
pub trait PushSender: Send + Sync {
    async fn send(&self, device: &push_subscription::Model, push: &Push)
    -> Result<(), NotifyError>;
}

/// The loop that turns `notification` outbox rows into pushes and direct messages.
pub struct Notifier {
    services: Services,
    sender: Option<Arc<dyn PushSender>>,
    telegram: Option<Arc<TelegramDms>>,
    check_every: Duration,
    reminder_percent: u8,
}

impl Notifier {
    pub fn new(
        services: Services,
        sender: Option<Arc<dyn PushSender>>,
        telegram: Option<TelegramDms>,
        settings: &Settings,
    ) -> Self {
        Self {
            services,
            sender,
            telegram: telegram.map(Arc::new),
            check_every: settings.push_check_interval,
            reminder_percent: settings.push_reminder_percent,
        }
    }

    /// Runs until `stop` turns true, finishing the batch in hand first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut changes = self.services.subscribe();
        let mut changes_open = true;
        let mut tick = tokio::time::interval(self.check_every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tracing::info!(
            web_push = self.sender.is_some(),
            telegram = self.telegram.is_some(),
            "notifier started"
        );
        loop {
            let check = tokio::select! {
                changed = stop.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    false
                }
                received = changes.recv(), if changes_open => {
                    changes_open = !matches!(received, Err(RecvError::Closed));
                    false
                }
                _ = tick.tick() => true,
            };
            if *stop.borrow() {
                break;
            }
            // A burst of changes is one wake-up.
            while let Ok(_) | Err(TryRecvError::Lagged(_)) = changes.try_recv() {}
            if check {
                match self
                    .services
                    .queue_step_reminders(self.reminder_percent)
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(reminders = n, "queued SLA reminders"),
                    Err(err) => tracing::error!(error = %err, "cannot queue SLA reminders"),
                }
                match self.services.queue_step_escalations().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(escalations = n, "escalated missed deadlines"),
                    Err(err) => tracing::error!(error = %err, "cannot escalate missed deadlines"),
                }
            }
            self.drain().await;
        }
        tracing::info!("notifier stopped");
    }

    /// Sends every due notification, a batch at a time; returns how many were handled.
    pub async fn drain(&self) -> usize {
        let mut handled = 0;
        loop {
            let batch = match self.services.claim_notifications(BATCH, LEASE).await {
                Ok(batch) => batch,
                Err(err) => {
                    tracing::error!(error = %err, "cannot take notifications");
                    return handled;
                }
            };
            if batch.is_empty() {
                return handled;
            }
            let reports = self.deliver(&batch).await;
            if let Err(err) = self
                .services
                .finish_notifications(&batch, &reports, RETRY_AFTER)
                .await
            {
                // The lease runs out and the batch is taken again.
                tracing::error!(error = %err, "cannot record how notifications went");
                return handled;
            }
            handled += batch.len();
            if (batch.len() as u64) < BATCH {
                return handled;
            }
        }
    }

    /// Sends each notification to each of its devices, a few at a time.
    async fn deliver(&self, batch: &[Notification]) -> Vec<NotificationReport> {
        let now = Utc::now();
        let mut sends = Vec::new();
        let mut reports = Vec::new();
        for n in batch {
            reports.push(NotificationReport {
                job_id: n.job_id,
                devices: Vec::new(),
                chats: Vec::new(),
            });
            if n.skip.is_some() || self.sender.is_none() {
                continue;
            }
            let Some(push) = message::compose(n, now) else {
                continue;
            };
            let push = Arc::new(push);
            for device in &n.devices {
                let span = tracing::info_span!(
                    "push",
                    request_id = n.request.as_ref().map(|r| r.id),
                    kind = n.kind.map(|k| k.as_str()),
                    subscription_id = device.id,
                    user_id = device.user_id,
                );
                sends.push((n.job_id, device.clone(), push.clone(), span));
            }
        }
        // Each send owns what it needs, so the stream of them is `Send` for any lifetime.
        let Some(push_sender) = &self.sender else {
            return self.deliver_dms(batch, reports, now).await;
        };
        let results: Vec<(i64, i64, DeviceOutcome)> = futures::stream::iter(sends)
            .map(|(job_id, device, push, span)| {
                let sender = push_sender.clone();
                async move {
                    let outcome = match sender.send(&device, &push).await {
                        Ok(()) => DeviceOutcome::Delivered,
                        Err(err) => {
                            tracing::warn!(error = %err, "push not delivered");
                            err.outcome()
                        }
                    };
                    metrics::counter!("warta_push_sent_total", "outcome" => outcome_label(&outcome))
                        .increment(1);
                    (job_id, device.id, outcome)
                }
                .instrument(span)
            })
            .buffer_unordered(PARALLEL_SENDS)
            .collect()
            .await;
        for (job_id, device_id, outcome) in results {
            if let Some(report) = reports.iter_mut().find(|r| r.job_id == job_id) {
                report.devices.push((device_id, outcome));
            }
        }
        self.deliver_dms(batch, reports, now).await
    }

    /// Sends each notification to its recipients' linked Telegram chats, a few at a time, and
    /// logs how each notification went over both channels.
    async fn deliver_dms(
        &self,
        batch: &[Notification],
        mut reports: Vec<NotificationReport>,
        now: chrono::DateTime<Utc>,
    ) -> Vec<NotificationReport> {
        if let Some(telegram) = &self.telegram {
            // As for pushes, each send owns what it needs.
            let mut sends = Vec::new();
            for n in batch
                .iter()
                .filter(|n| n.skip.is_none() && !n.chats.is_empty())
            {
                let n = Arc::new(n.clone());
                for chat in &n.chats {
                    sends.push((n.clone(), chat.clone()));
                }
            }
            let results: Vec<(i64, i64, DeviceOutcome)> = futures::stream::iter(sends)
                .map(|(n, chat)| {
                    let span = tracing::info_span!(
                        "telegram_dm",
                        request_id = n.request.as_ref().map(|r| r.id),
                        kind = n.kind.map(|k| k.as_str()),
                        user_id = chat.user_id,
                    );
                    let telegram = telegram.clone();
                    async move {
                        let outcome = telegram.send(&n, &chat, now).await;
                        if outcome != DeviceOutcome::Delivered {
                            tracing::warn!(?outcome, "direct message not delivered");
                        }
                        metrics::counter!("warta_telegram_dm_sent_total", "outcome" => outcome_label(&outcome))
                            .increment(1);
                        (n.job_id, chat.user_id, outcome)
                    }
                    .instrument(span)
                })
                .buffer_unordered(PARALLEL_DMS)
                .collect()
                .await;
            for (job_id, user_id, outcome) in results {
                if let Some(report) = reports.iter_mut().find(|r| r.job_id == job_id) {
                    report.chats.push((user_id, outcome));
                }
            }
        }
        for (n, report) in batch.iter().zip(&reports) {
            let delivered = |sent: &[(i64, DeviceOutcome)]| {
                sent.iter()
                    .filter(|(_, o)| *o == DeviceOutcome::Delivered)
                    .count()
            };
            tracing::info!(
                request_id = n.request.as_ref().map(|r| r.id),
                kind = n.kind.map(|k| k.as_str()),
                skipped = n.skip,
                devices = report.devices.len(),
                delivered = delivered(&report.devices),
                chats = report.chats.len(),
                chats_delivered = delivered(&report.chats),
                "notification handled"
            );
        }
        reports
    }
}

fn outcome_label(outcome: &DeviceOutcome) -> &'static str {
    match outcome {
        DeviceOutcome::Delivered => "delivered",
        DeviceOutcome::Gone => "gone",
        DeviceOutcome::Failed {
            transient: true, ..
        } => "retry",
        DeviceOutcome::Failed { .. } => "failed",
    }
}
