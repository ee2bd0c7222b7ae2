//! What a push says: the Indonesian wording of each notification, with the request's agenda
//! number, its title and the step's deadline in WIB, as the PWA's service worker shows it.

use std::time::Duration;

use chrono::{DateTime, Datelike as _, Timelike as _, Utc};
use serde::Serialize;

use crate::{
    service::push::{Notification, NotificationKind},
    workflow::{Step, sla::wib},
};

/// The JSON the service worker (`pwa/public/sw-push.js`) reads from a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushMessage {
    pub title: String,
    pub body: String,
    /// The request's id as GraphQL shows it.
    pub request_id: String,
    /// Notifications with the same tag replace each other on the device: one per request.
    pub tag: String,
    /// Where tapping the notification leads.
    pub url: String,
}

/// How urgently the push service should deliver (RFC 8030 section 5.3): `high` wakes a phone
/// that saves battery, for what an official must act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Normal,
    High,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::High => "high",
        }
    }
}

/// A message and how the push service should treat it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    pub message: PushMessage,
    /// How long the push service keeps it for a device that is offline.
    pub ttl: Duration,
    pub urgency: Urgency,
    /// A newer push with the same topic replaces one still waiting (RFC 8030 section 5.4).
    pub topic: String,
}

impl Push {
    /// The JSON body, before encryption.
    pub fn payload(&self) -> Vec<u8> {
        serde_json::to_vec(&self.message).unwrap_or_default()
    }
}

/// How long a push waits for an offline device unless its news expires sooner.
const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// Longest request title quoted, so a push stays well inside the 4 KB a push service takes.
const MAX_TITLE_CHARS: usize = 200;
const MAX_REASON_CHARS: usize = 300;

/// Words the push for a notification; none when there is nothing to say (no request).
pub fn compose(n: &Notification, now: DateTime<Utc>) -> Option<Push> {
    let kind = n.kind?;
    let request = n.request.as_ref()?;
    let agenda = &request.agenda_number;
    let title = shorten(&request.title, MAX_TITLE_CHARS);
    let step = n
        .disposition
        .as_ref()
        .and_then(|d| Step::from_number(d.step).map(|s| (s, d)));
    let mut ttl = DEFAULT_TTL;
    let (heading, body, urgency) = match kind {
        NotificationKind::StepAssigned => {
            let mut body = title.clone();
            if let Some((s, d)) = step {
                body.push_str(&format!(
                    "\nLangkah {}. {}, batas waktu {}.",
                    s.number(),
                    step_name(s),
                    format_wib(d.sla_deadline)
                ));
                if let Some(p) = priority_label(&d.priority) {
                    body.push_str(&format!(" Prioritas: {p}."));
                }
            }
            (format!("Disposisi baru: {agenda}"), body, Urgency::High)
        }
        NotificationKind::StepReminder => {
            let (s, d) = step?;
            let left = d.sla_deadline - now;
            // News of a deadline is worthless once it has passed.
            ttl = left
                .to_std()
                .unwrap_or_default()
                .max(Duration::from_secs(60));
            (
                format!("Pengingat batas waktu: {agenda}"),
                format!(
                    "{title}\nLangkah {}. {} belum selesai; batas waktu {} (sisa {}).",
                    s.number(),
                    step_name(s),
                    format_wib(d.sla_deadline),
                    format_left(left)
                ),
                Urgency::High,
            )
        }
        NotificationKind::StepEscalated => {
            let (s, d) = step?;
            (
                format!("Batas waktu terlewati: {agenda}"),
                format!(
                    "{title}\nLangkah {}. {} pada {} belum selesai; batas waktu {} terlewati.",
                    s.number(),
                    step_name(s),
                    crate::paper::labels::role(&d.to_role),
                    format_wib(d.sla_deadline),
                ),
                Urgency::High,
            )
        }
        NotificationKind::Returned => (
            format!("Dikembalikan untuk revisi: {agenda}"),
            format!("{title}\nPerbaiki permohonan sesuai catatan, lalu ajukan kembali."),
            Urgency::Normal,
        ),
        NotificationKind::Rejected => {
            let body = match request.rejection_reason.as_deref() {
                Some(reason) if !reason.trim().is_empty() => {
                    format!("{title}\nAlasan: {}", shorten(reason, MAX_REASON_CHARS))
                }
                _ => title.clone(),
            };
            (
                format!("Permohonan ditolak: {agenda}"),
                body,
                Urgency::Normal,
            )
        }
        NotificationKind::Published => (
            format!("Sudah terbit: {agenda}"),
            format!("{title}\nInformasi Anda telah dipublikasikan di kanal Humas UNEJ."),
            Urgency::Normal,
        ),
        NotificationKind::Archived => (
            format!("Selesai dan diarsipkan: {agenda}"),
            format!("{title}\nPermohonan telah selesai diproses dan diarsipkan."),
            Urgency::Normal,
        ),
        NotificationKind::PublicationNeedsAttention => (
            format!("Publikasi perlu dicek: {agenda}"),
            format!(
                "{title}\nPengiriman ke kanal gagal atau belum pasti; periksa lalu tindak lanjuti."
            ),
            Urgency::High,
        ),
    };
    let id = request.id.to_string();
    Some(Push {
        message: PushMessage {
            title: heading,
            body,
            tag: format!("request-{id}"),
            url: format!("/request/{id}"),
            request_id: id.clone(),
        },
        ttl,
        urgency,
        topic: format!("request-{id}"),
    })
}

/// The step's name as the PWA shows it.
pub fn step_name(step: Step) -> &'static str {
    match step {
        Step::Disposition => "Disposisi",
        Step::Instruction => "Instruksi",
        Step::Verification => "Verifikasi",
        Step::Review => "Telaah naskah",
        Step::Assignment => "Penugasan",
        Step::Publication => "Publikasi",
        Step::Archiving => "Pengarsipan",
    }
}

pub(crate) fn priority_label(priority: &str) -> Option<&'static str> {
    match priority {
        "segera" => Some("segera"),
        "sangat_segera" => Some("sangat segera"),
        _ => None,
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];

/// `29 Nov 2026 14.05 WIB`, as the PWA writes times (Indonesian puts a dot in the time).
pub fn format_wib(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&wib());
    format!(
        "{} {} {} {:02}.{:02} WIB",
        local.day(),
        MONTHS[local.month0() as usize],
        local.year(),
        local.hour(),
        local.minute()
    )
}

/// Time left, rounded down to minutes: `45 menit`, `3 jam 20 menit`, `2 hari 1 jam`.
pub(crate) fn format_left(left: chrono::TimeDelta) -> String {
    let minutes = left.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} menit"),
        (0, h, 0) => format!("{h} jam"),
        (0, h, m) => format!("{h} jam {m} menit"),
        (d, 0, _) => format!("{d} hari"),
        (d, h, _) => format!("{d} hari {h} jam"),
    }
}

pub(crate) fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use entity::{disposition, request};

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("a time")
    }

    fn request() -> request::Model {
        request::Model {
            id: 42,
            agenda_number: "0042/HM/2026".into(),
            agenda_year: 2026,
            agenda_seq: 42,
            title: "Pengumuman wisuda periode Desember".into(),
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
            version: 0,
            submitted_at: at("2026-11-29T07:05:00Z"),
            created_at: at("2026-11-29T07:05:00Z"),
            updated_at: at("2026-11-29T07:05:00Z"),
            closed_at: None,
        }
    }

    fn disposition(step: i16, deadline: &str, priority: &str) -> disposition::Model {
        disposition::Model {
            id: 3,
            request_id: 42,
            step,
            from_user_id: None,
            to_role: "vice_rector".into(),
            to_user_id: None,
            instruction: None,
            instruction_text: None,
            priority: priority.into(),
            note: None,
            due_at: None,
            sla_deadline: at(deadline),
            sla_minutes: 1440,
            sla_working_hours_only: false,
            created_at: at("2026-11-29T07:05:00Z"),
            read_at: None,
            done_at: None,
            outcome: None,
        }
    }

    fn notification(kind: NotificationKind, d: Option<disposition::Model>) -> Notification {
        Notification {
            job_id: 1,
            attempts: 1,
            kind: Some(kind),
            request: Some(request()),
            disposition: d,
            skip: None,
            recipients: vec![7],
            devices: Vec::new(),
            chats: Vec::new(),
            reason: None,
            links: Vec::new(),
        }
    }

    #[test]
    fn a_new_step_names_the_agenda_number_title_step_and_deadline_in_wib() {
        let d = disposition(1, "2026-11-30T07:05:00Z", "sangat_segera");
        let push = compose(
            &notification(NotificationKind::StepAssigned, Some(d)),
            at("2026-11-29T07:05:00Z"),
        )
        .expect("a push");
        assert_eq!(push.message.title, "Disposisi baru: 0042/HM/2026");
        assert_eq!(
            push.message.body,
            "Pengumuman wisuda periode Desember\nLangkah 1. Disposisi, batas waktu 30 Nov 2026 14.05 WIB. Prioritas: sangat segera."
        );
        assert_eq!(push.message.request_id, "42");
        assert_eq!(push.message.url, "/request/42");
        assert_eq!(push.message.tag, "request-42");
        assert_eq!(push.urgency, Urgency::High);
        let json: serde_json::Value = serde_json::from_slice(&push.payload()).expect("JSON");
        assert_eq!(json["requestId"], "42");
        assert_eq!(json["title"], "Disposisi baru: 0042/HM/2026");
    }

    #[test]
    fn a_reminder_says_how_long_is_left_and_expires_with_the_deadline() {
        let d = disposition(4, "2026-11-29T08:00:00Z", "biasa");
        let now = at("2026-11-29T07:58:00Z");
        let push =
            compose(&notification(NotificationKind::StepReminder, Some(d)), now).expect("a push");
        assert_eq!(push.message.title, "Pengingat batas waktu: 0042/HM/2026");
        assert!(
            push.message
                .body
                .ends_with("Langkah 4. Telaah naskah belum selesai; batas waktu 29 Nov 2026 15.00 WIB (sisa 2 menit)."),
            "{}",
            push.message.body
        );
        assert_eq!(push.ttl, Duration::from_secs(120));
        // No step, no reminder.
        assert!(compose(&notification(NotificationKind::StepReminder, None), now).is_none());
    }

    #[test]
    fn requesters_hear_the_outcome_with_the_reason() {
        let mut n = notification(NotificationKind::Rejected, None);
        if let Some(r) = n.request.as_mut() {
            r.rejection_reason = Some("Tidak sesuai kebijakan publikasi".into());
        }
        let push = compose(&n, Utc::now()).expect("a push");
        assert_eq!(push.message.title, "Permohonan ditolak: 0042/HM/2026");
        assert!(
            push.message
                .body
                .ends_with("Alasan: Tidak sesuai kebijakan publikasi")
        );
        for (kind, title) in [
            (
                NotificationKind::Returned,
                "Dikembalikan untuk revisi: 0042/HM/2026",
            ),
            (NotificationKind::Published, "Sudah terbit: 0042/HM/2026"),
            (
                NotificationKind::Archived,
                "Selesai dan diarsipkan: 0042/HM/2026",
            ),
        ] {
            let push = compose(&notification(kind, None), Utc::now()).expect("a push");
            assert_eq!(push.message.title, title);
            assert_eq!(push.urgency, Urgency::Normal);
        }
    }

    #[test]
    fn long_titles_are_shortened_so_the_push_stays_small() {
        let mut n = notification(NotificationKind::Returned, None);
        if let Some(r) = n.request.as_mut() {
            r.title = "x".repeat(300);
        }
        let push = compose(&n, Utc::now()).expect("a push");
        assert!(push.payload().len() < 1000);
        assert!(
            push.message
                .body
                .starts_with(&format!("{}…", "x".repeat(199)))
        );
    }

    #[test]
    fn wib_times_and_time_left_read_as_people_say_them() {
        assert_eq!(
            format_wib(at("2026-12-31T17:30:00Z")),
            "1 Jan 2027 00.30 WIB"
        );
        assert_eq!(
            format_wib(at("2026-08-01T16:59:00Z")),
            "1 Agu 2026 23.59 WIB"
        );
        assert_eq!(format_left(TimeDelta::seconds(59)), "0 menit");
        assert_eq!(format_left(TimeDelta::minutes(45)), "45 menit");
        assert_eq!(format_left(TimeDelta::minutes(120)), "2 jam");
        assert_eq!(format_left(TimeDelta::minutes(200)), "3 jam 20 menit");
        assert_eq!(format_left(TimeDelta::minutes(1440 + 61)), "1 hari 1 jam");
        assert_eq!(format_left(TimeDelta::minutes(-5)), "0 menit");
    }
}
