//! Telegram direct messages: the notifier's second way of reaching people, beside Web Push.
//! Each recipient with a linked chat gets the news as an HTML message in Indonesian, with the
//! deadline in WIB and a link to the request in the PWA; an official whose step it is also
//! gets buttons for the step's next actions, with the step and again with its reminder (tokens kept by `service::telegram_actions`,
//! pressed in `telegram::bot::actions`).
//!
//! A 429 is waited out (`retry_after`) and the same message sent again, a few times at most;
//! a chat that blocked the bot (403) or is gone comes back as [`DeviceOutcome::Gone`], so it
//! is marked and not written to again until it is linked anew. Nothing is resent after an
//! ambiguous failure: a message sent twice is worse than the push that went anyway.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use entity::telegram_account;
use teloxide::{
    Bot, RequestError,
    payloads::SendMessageSetters as _,
    requests::Requester as _,
    types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, ParseMode},
};

use crate::{
    notify::message::{self, shorten},
    service::{
        Services,
        push::{DeviceOutcome, Notification, NotificationKind},
        telegram_actions::ActionOffer,
    },
    telegram::{
        bot::officials::{Action, CHECKLIST, channel_toggle, toggle_label},
        publisher::{
            classify::{CallResult, Verdict, classify},
            render::escape_html,
            worker::call_result,
        },
    },
    workflow::Step,
};

/// Sends of one message, the first included, when Telegram keeps answering 429.
const MAX_SENDS: u32 = 3;
/// Longest 429 wait honoured in the notifier; past it the notification is tried again later.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// How long a step's buttons stay valid past its deadline (or past now, for a late message).
const BUTTONS_OUTLIVE_DEADLINE: TimeDelta = TimeDelta::hours(24);
const MAX_SUMMARY_CHARS: usize = 300;
const MAX_REASON_CHARS: usize = 1000;

/// A direct message: HTML text and, for a step's holder, the actions to offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dm {
    pub html: String,
    /// The request's page in the PWA.
    pub url: String,
    pub step: Option<Step>,
    pub actions: Vec<Action>,
}

/// Words the direct message for a notification; none when there is nothing to say.
pub fn compose(n: &Notification, now: DateTime<Utc>, public_url: &str) -> Option<Dm> {
    let push = message::compose(n, now)?;
    let request = n.request.as_ref()?;
    let url = format!("{public_url}{}", push.message.url);
    let mut html = format!(
        "<b>{}</b>\n{}",
        escape_html(&push.message.title),
        escape_html(&push.message.body)
    );
    let kind = n.kind?;
    // The step's holder can act from its message and from its reminder; others only read.
    let step = matches!(
        kind,
        NotificationKind::StepAssigned | NotificationKind::StepReminder
    )
    .then(|| {
        n.disposition
            .as_ref()
            .and_then(|d| Step::from_number(d.step))
    })
    .flatten();
    let actions = step.map(Action::offered_at).unwrap_or_default();
    match kind {
        NotificationKind::StepAssigned => {
            html.push_str(&format!(
                "\n\nUnit: {}\nSasaran: {}",
                escape_html(&shorten(&request.unit, MAX_SUMMARY_CHARS)),
                escape_html(&shorten(&request.audience, MAX_SUMMARY_CHARS)),
            ));
            if let Some(text) = n
                .disposition
                .as_ref()
                .and_then(|d| d.instruction_text.as_deref().or(d.note.as_deref()))
            {
                html.push_str(&format!(
                    "\nCatatan: {}",
                    escape_html(&shorten(text, MAX_SUMMARY_CHARS))
                ));
            }
        }
        NotificationKind::Returned => {
            if let Some(reason) = n.reason.as_deref().filter(|r| !r.trim().is_empty()) {
                html.push_str(&format!(
                    "\nAlasan: {}",
                    escape_html(&shorten(reason, MAX_REASON_CHARS))
                ));
            }
        }
        NotificationKind::Published => {
            for link in &n.links {
                html.push_str(&format!("\n{}", link_html(link, link)));
            }
        }
        _ => {}
    }
    if actions.contains(&Action::Verify) {
        html.push_str(&checklist_html());
    }
    if step.is_some_and(|s| chooses_channels(s, &actions)) {
        html.push_str(&format!(
            "\n\nPilih kanal publikasi (☐ → ☑), lalu tekan «{}».",
            Action::Forward.label(Step::Instruction)
        ));
    }
    html.push_str(&format!(
        "\n\n{}",
        link_html(&url, "Buka di aplikasi Warta")
    ));
    Some(Dm {
        html,
        url,
        step,
        actions,
    })
}

/// What the verifying press confirms, so the coordinator reads it before pressing.
fn checklist_html() -> String {
    let mut html = format!(
        "\n\nDengan «{}» Anda menyatakan:",
        Action::Verify.label(Step::Verification)
    );
    for (_, item) in CHECKLIST {
        html.push_str(&format!("\n• {}", escape_html(item)));
    }
    html.push_str("\nBila ada yang kurang, kembalikan ke pemohon.");
    html
}

fn link_html(url: &str, text: &str) -> String {
    format!(
        "<a href=\"{}\">{}</a>",
        escape_html(url).replace('"', "&quot;"),
        escape_html(text)
    )
}

/// Sends direct messages through the bot.
pub struct TelegramDms {
    services: Services,
    bot: Bot,
}

impl TelegramDms {
    pub fn new(services: Services, bot: Bot) -> Self {
        Self { services, bot }
    }

    /// Sends one notification to one linked chat.
    pub async fn send(
        &self,
        n: &Notification,
        chat: &telegram_account::Model,
        now: DateTime<Utc>,
    ) -> DeviceOutcome {
        let Some(dm) = compose(n, now, &self.services.settings.public_url) else {
            return DeviceOutcome::Delivered;
        };
        let keyboard = match self.keyboard(n, chat, &dm, now).await {
            Ok(keyboard) => keyboard,
            Err(err) => {
                return DeviceOutcome::Failed {
                    error: format!("cannot offer the step's buttons: {err}"),
                    transient: true,
                };
            }
        };
        let mut sends = 0;
        loop {
            sends += 1;
            let mut request = self
                .bot
                .send_message(ChatId(chat.chat_id), dm.html.clone())
                .parse_mode(ParseMode::Html)
                .link_preview_options(LinkPreviewOptions {
                    is_disabled: true,
                    url: None,
                    prefer_small_media: false,
                    prefer_large_media: false,
                    show_above_text: false,
                });
            if let Some(keyboard) = &keyboard {
                request = request.reply_markup(keyboard.clone());
            }
            let err = match request.await {
                Ok(_) => return DeviceOutcome::Delivered,
                Err(err) => err,
            };
            match outcome_of(&err) {
                Sent::Again(wait) if sends < MAX_SENDS && wait <= MAX_RETRY_AFTER => {
                    tracing::info!(wait_secs = wait.as_secs(), "Telegram asks to wait");
                    tokio::time::sleep(wait).await;
                }
                Sent::Again(_) => {
                    return DeviceOutcome::Failed {
                        error: err.to_string(),
                        transient: true,
                    };
                }
                Sent::Done(outcome) => return outcome,
            }
        }
    }

    /// The buttons of a step's direct message: one per action (a stored token each) and one
    /// to the PWA where Telegram accepts its URL.
    async fn keyboard(
        &self,
        n: &Notification,
        chat: &telegram_account::Model,
        dm: &Dm,
        now: DateTime<Utc>,
    ) -> crate::service::ServiceResult<Option<InlineKeyboardMarkup>> {
        let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
        if let (Some(step), Some(request), Some(d)) = (dm.step, &n.request, &n.disposition)
            && !dm.actions.is_empty()
        {
            let offer = ActionOffer {
                user_id: chat.user_id,
                chat_id: chat.chat_id,
                request_id: request.id,
                disposition_id: d.id,
                request_version: request.version,
                expires_at: d.sla_deadline.max(now) + BUTTONS_OUTLIVE_DEADLINE,
            };
            if chooses_channels(step, &dm.actions) {
                rows.extend(self.channel_toggles(&offer).await?);
            }
            let names: Vec<&str> = dm.actions.iter().map(|a| a.as_str()).collect();
            let data = self.services.offer_telegram_actions(&offer, &names).await?;
            for (action, data) in dm.actions.iter().zip(data) {
                rows.push(vec![InlineKeyboardButton::callback(
                    action.label(step),
                    data,
                )]);
            }
        }
        // Telegram refuses button URLs that are not public (an IP address, localhost); the
        // link in the text serves there.
        if let Ok(url) = reqwest::Url::parse(&dm.url)
            && url.scheme() == "https"
            && url.domain().is_some_and(|d| d.contains('.'))
        {
            rows.push(vec![InlineKeyboardButton::url("Buka di aplikasi", url)]);
        }
        Ok((!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows)))
    }
}

impl TelegramDms {
    /// Step 2's toggles, one per active channel, two to a row, none chosen yet.
    async fn channel_toggles(
        &self,
        offer: &ActionOffer,
    ) -> crate::service::ServiceResult<Vec<Vec<InlineKeyboardButton>>> {
        let channels = self.services.channels(false).await?;
        let toggles: Vec<String> = channels.iter().map(|c| channel_toggle(c.id)).collect();
        let names: Vec<&str> = toggles.iter().map(String::as_str).collect();
        let data = self.services.offer_telegram_actions(offer, &names).await?;
        let buttons: Vec<InlineKeyboardButton> = channels
            .iter()
            .zip(data)
            .map(|(c, data)| InlineKeyboardButton::callback(toggle_label(&c.name, false), data))
            .collect();
        Ok(buttons.chunks(2).map(<[_]>::to_vec).collect())
    }
}

/// Whether the message lets its reader choose step 2's channels before forwarding.
fn chooses_channels(step: Step, actions: &[Action]) -> bool {
    step == Step::Instruction && actions.contains(&Action::Forward)
}

/// What one send's failure means.
enum Sent {
    /// Not delivered, for sure: send again after the wait.
    Again(Duration),
    Done(DeviceOutcome),
}

fn outcome_of(err: &RequestError) -> Sent {
    let result = call_result(err);
    if let CallResult::ApiError {
        error_code,
        description,
        ..
    } = &result
    {
        let text = description.to_lowercase();
        // Blocked, never started, deactivated, or no such chat: the link no longer works.
        if *error_code == 403 || (*error_code == 400 && text.contains("chat not found")) {
            return Sent::Done(DeviceOutcome::Gone);
        }
    }
    match classify(&result) {
        Verdict::RetryAfter(wait) => Sent::Again(wait),
        Verdict::Retry => Sent::Done(DeviceOutcome::Failed {
            error: err.to_string(),
            transient: true,
        }),
        Verdict::Failed { reason } | Verdict::Uncertain { reason } => {
            Sent::Done(DeviceOutcome::Failed {
                error: reason,
                transient: false,
            })
        }
        Verdict::Migrated { .. } => Sent::Done(DeviceOutcome::Gone),
    }
}

#[cfg(test)]
mod tests {
    use entity::{disposition, request};

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("a time")
    }

    fn notification(kind: NotificationKind) -> Notification {
        let request = request::Model {
            id: 42,
            agenda_number: "0042/HM/2026".into(),
            agenda_year: 2026,
            agenda_seq: 42,
            title: "Wisuda <Desember> & yudisium".into(),
            unit: "Fakultas Ilmu Komputer".into(),
            audience: "Mahasiswa".into(),
            desired_date: None,
            priority: "biasa".into(),
            status: "awaiting_disposition".into(),
            current_step: Some(1),
            returned_from_step: None,
            holder_role: Some("vice_rector".into()),
            holder_user_id: None,
            requester_id: 7,
            current_content_version: 1,
            checklist: None,
            rejection_reason: None,
            version: 3,
            submitted_at: at("2026-11-29T07:05:00Z"),
            created_at: at("2026-11-29T07:05:00Z"),
            updated_at: at("2026-11-29T07:05:00Z"),
            closed_at: None,
        };
        let disposition = disposition::Model {
            id: 3,
            request_id: 42,
            step: 1,
            from_user_id: None,
            to_role: "vice_rector".into(),
            to_user_id: None,
            instruction: None,
            instruction_text: None,
            priority: "segera".into(),
            note: None,
            due_at: None,
            sla_deadline: at("2026-11-30T07:05:00Z"),
            sla_minutes: 1440,
            sla_working_hours_only: false,
            created_at: at("2026-11-29T07:05:00Z"),
            read_at: None,
            done_at: None,
            outcome: None,
        };
        Notification {
            job_id: 1,
            attempts: 1,
            kind: Some(kind),
            request: Some(request),
            disposition: Some(disposition),
            skip: None,
            recipients: vec![7],
            devices: Vec::new(),
            chats: Vec::new(),
            reason: None,
            links: Vec::new(),
        }
    }

    #[test]
    fn a_step_message_summarises_escapes_and_offers_the_steps_actions() {
        let dm = compose(
            &notification(NotificationKind::StepAssigned),
            at("2026-11-29T07:05:00Z"),
            "https://warta.unej.ac.id",
        )
        .expect("a message");
        assert!(
            dm.html.starts_with(
                "<b>Disposisi baru: 0042/HM/2026</b>\nWisuda &lt;Desember&gt; &amp; yudisium\nLangkah 1. Disposisi, batas waktu 30 Nov 2026 14.05 WIB. Prioritas: segera."
            ),
            "{}",
            dm.html
        );
        assert!(
            dm.html
                .contains("\nUnit: Fakultas Ilmu Komputer\nSasaran: Mahasiswa")
        );
        assert!(dm.html.ends_with(
            "<a href=\"https://warta.unej.ac.id/request/42\">Buka di aplikasi Warta</a>"
        ));
        assert_eq!(dm.step, Some(Step::Disposition));
        assert_eq!(
            dm.actions,
            [Action::Forward, Action::Return, Action::Reject]
        );
    }

    #[test]
    fn a_reminder_offers_the_steps_actions_and_an_escalation_only_the_link() {
        let now = at("2026-11-30T06:05:00Z");
        let public = "https://warta.unej.ac.id";
        let reminder =
            compose(&notification(NotificationKind::StepReminder), now, public).expect("a message");
        assert_eq!(reminder.step, Some(Step::Disposition));
        assert_eq!(
            reminder.actions,
            [Action::Forward, Action::Return, Action::Reject]
        );
        // The role above is told, but the step is not theirs to act on.
        let escalation = compose(&notification(NotificationKind::StepEscalated), now, public)
            .expect("a message");
        assert!(escalation.actions.is_empty());
        assert!(escalation.html.ends_with("Buka di aplikasi Warta</a>"));
    }

    #[test]
    fn the_verification_step_spells_out_what_its_press_confirms() {
        let mut n = notification(NotificationKind::StepAssigned);
        if let Some(d) = n.disposition.as_mut() {
            d.step = 3;
        }
        let dm =
            compose(&n, at("2026-11-29T07:05:00Z"), "https://warta.unej.ac.id").expect("a message");
        assert_eq!(dm.actions, [Action::Verify, Action::Return, Action::Reject]);
        assert!(
            dm.html.contains(
                "\n\nDengan «Data lengkap, teruskan» Anda menyatakan:\n• Surat permohonan bertanda tangan terlampir\n• Unit dan pemohon jelas\n• Tanggal, waktu dan tempat jelas\n• Ada narahubung\n• Media layak tayang\nBila ada yang kurang, kembalikan ke pemohon.\n\n<a href="
            ),
            "{}",
            dm.html
        );
        // Other steps say nothing of the checklist.
        let first = compose(
            &notification(NotificationKind::StepAssigned),
            at("2026-11-29T07:05:00Z"),
            "https://warta.unej.ac.id",
        )
        .expect("a message");
        assert!(!first.html.contains("Anda menyatakan"));
    }

    #[test]
    fn requesters_read_the_reason_and_the_links() {
        let mut n = notification(NotificationKind::Returned);
        n.reason = Some("Lampirkan surat <resmi>".into());
        let dm = compose(&n, Utc::now(), "http://127.0.0.1:8080").expect("a message");
        assert!(dm.html.contains("\nAlasan: Lampirkan surat &lt;resmi&gt;"));
        assert!(dm.actions.is_empty());

        let mut n = notification(NotificationKind::Published);
        n.links = vec![
            "https://t.me/info_unej/5".into(),
            "https://t.me/humas_unej/9".into(),
        ];
        let dm = compose(&n, Utc::now(), "http://127.0.0.1:8080").expect("a message");
        assert!(dm.html.contains(
            "\n<a href=\"https://t.me/info_unej/5\">https://t.me/info_unej/5</a>\n<a href=\"https://t.me/humas_unej/9\">https://t.me/humas_unej/9</a>"
        ));
    }
}
