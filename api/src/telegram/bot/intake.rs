//! The intake dialogue: a linked requester answers title → narrative → audience → desired
//! date → request letter → extra media → confirmation, and the bot submits the request as
//! them through `submitRequest`. Every answer is saved in `intake_session` before the next
//! question, and each file is stored (through `uploadAttachment`, as the PWA does) as it
//! arrives, so a restart loses nothing. Albums arrive as one message per item, possibly in
//! different `getUpdates` batches; items are kept as they come and acknowledged once, when
//! the album has been quiet for a moment.

use std::collections::BTreeMap;

use async_graphql::UploadValue;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use entity::intake_session;
use serde::{Deserialize, Serialize};
use serde_json::json;
use teloxide::{
    net::Download,
    payloads::SendMessageSetters,
    prelude::Requester,
    types::{FileId, KeyboardButton, KeyboardMarkup, KeyboardRemove, Message},
};

use super::{
    BotContext, BotError,
    texts::{self, Lang},
};
use crate::{
    service::{
        bot::ChatOwner,
        requests::{MAX_NARRATIVE, MAX_SHORT_TEXT, MAX_TITLE},
    },
    workflow::{Role, sla::wib},
};

/// How long an album must be quiet before it is acknowledged.
pub const ALBUM_QUIET: Duration = Duration::milliseconds(1500);
/// `submitRequest` takes at most this many files.
const MAX_FILES: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Step {
    Title,
    Narrative,
    Audience,
    Date,
    Letter,
    Media,
    Confirm,
}

impl Step {
    fn as_str(self) -> &'static str {
        match self {
            Step::Title => "title",
            Step::Narrative => "narrative",
            Step::Audience => "audience",
            Step::Date => "date",
            Step::Letter => "letter",
            Step::Media => "media",
            Step::Confirm => "confirm",
        }
    }

    fn parse(stored: &str) -> Self {
        match stored {
            "narrative" => Step::Narrative,
            "audience" => Step::Audience,
            "date" => Step::Date,
            "letter" => Step::Letter,
            "media" => Step::Media,
            "confirm" => Step::Confirm,
            _ => Step::Title,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FileRole {
    Letter,
    Media,
}

impl FileRole {
    fn graphql_kind(self) -> &'static str {
        match self {
            FileRole::Letter => "LETTER",
            FileRole::Media => "MEDIA",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Answers {
    title: Option<String>,
    narrative: Option<String>,
    audience: Option<String>,
    desired_date: Option<NaiveDate>,
    /// What each album seen so far was for, so a late item joins its album's role.
    #[serde(default)]
    albums: BTreeMap<String, FileRole>,
    /// The last message whose answer was saved: the same message handled again after a
    /// crash is not taken for the next answer.
    #[serde(default)]
    last_message: Option<i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredFile {
    id: String,
    role: FileRole,
}

/// The album being received, not yet acknowledged.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingAlbum {
    id: String,
    count: usize,
}

/// A dialogue as the bot works with it.
struct Session {
    chat_id: i64,
    lang: Lang,
    step: Step,
    answers: Answers,
    files: Vec<StoredFile>,
    pending: Option<PendingAlbum>,
}

impl Session {
    fn new(chat_id: i64, lang: Lang) -> Self {
        Self {
            chat_id,
            lang,
            step: Step::Title,
            answers: Answers::default(),
            files: Vec::new(),
            pending: None,
        }
    }

    fn from_row(row: intake_session::Model) -> Self {
        Self {
            chat_id: row.chat_id,
            lang: Lang::parse(&row.language),
            step: Step::parse(&row.step),
            answers: serde_json::from_value(row.answers).unwrap_or_default(),
            files: serde_json::from_value(row.attachment_ids).unwrap_or_default(),
            pending: row
                .pending_media_group
                .and_then(|p| serde_json::from_value(p).ok()),
        }
    }

    async fn save(&self, ctx: &BotContext) -> Result<(), BotError> {
        let now = Utc::now();
        ctx.services
            .save_intake_session(intake_session::Model {
                id: 0,
                chat_id: self.chat_id,
                language: self.lang.as_str().to_owned(),
                step: self.step.as_str().to_owned(),
                answers: serde_json::to_value(&self.answers)
                    .map_err(crate::service::ServiceError::from)?,
                attachment_ids: serde_json::to_value(&self.files)
                    .map_err(crate::service::ServiceError::from)?,
                pending_media_group: self
                    .pending
                    .as_ref()
                    .map(serde_json::to_value)
                    .transpose()
                    .map_err(crate::service::ServiceError::from)?,
                created_at: now,
                updated_at: now,
            })
            .await?;
        Ok(())
    }

    fn letters(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.role == FileRole::Letter)
            .count()
    }
}

/// `/baru`: starts (or restarts) the dialogue for a linked requester.
pub async fn start(
    ctx: &BotContext,
    message: &Message,
    owner: &ChatOwner,
    lang: Lang,
) -> Result<(), BotError> {
    let chat_id = message.chat.id.0;
    if !owner.principal.has_role(Role::Requester) {
        super::say(ctx, chat_id, texts::not_a_requester(lang)).await?;
        return Ok(());
    }
    Session::new(chat_id, lang).save(ctx).await?;
    super::say(ctx, chat_id, texts::ask_title(lang)).await?;
    Ok(())
}

/// `/batal`: ends the dialogue, keeping nothing.
pub async fn cancel(ctx: &BotContext, chat_id: i64, lang: Lang) -> Result<(), BotError> {
    let had = ctx.services.intake_session(chat_id).await?.is_some();
    ctx.services.end_intake_session(chat_id).await?;
    let text = if had {
        texts::cancelled(lang)
    } else {
        texts::nothing_to_cancel(lang)
    };
    super::paced(|| {
        ctx.bot
            .send_message(teloxide::types::ChatId(chat_id), text)
            .reply_markup(KeyboardRemove::new())
    })
    .await?;
    Ok(())
}

/// A message in a chat with a dialogue in progress; `false` when there is none.
pub async fn answer(
    ctx: &BotContext,
    message: &Message,
    owner: &ChatOwner,
) -> Result<bool, BotError> {
    let chat_id = message.chat.id.0;
    let Some(row) = ctx.services.intake_session(chat_id).await? else {
        return Ok(false);
    };
    let mut session = Session::from_row(row);
    if session
        .answers
        .last_message
        .is_some_and(|m| message.id.0 <= m)
    {
        // Saved already, the crash came before the update was marked processed: only the
        // question that follows is asked again (it may have been lost with the crash).
        ask_again(ctx, &session).await?;
        return Ok(true);
    }
    // Every save below records the message along with its answer, in the same write.
    session.answers.last_message = Some(message.id.0);
    let lang = session.lang;
    let text = message.text().map(str::trim).unwrap_or_default();
    match session.step {
        Step::Title | Step::Narrative | Step::Audience => {
            let max = match session.step {
                Step::Title => MAX_TITLE,
                Step::Narrative => MAX_NARRATIVE,
                _ => MAX_SHORT_TEXT,
            };
            if text.is_empty() {
                super::say(ctx, chat_id, texts::empty_answer(lang)).await?;
                return Ok(true);
            }
            if text.chars().count() > max {
                super::say(ctx, chat_id, &texts::too_long(lang, max)).await?;
                return Ok(true);
            }
            let (next, question) = match session.step {
                Step::Title => {
                    session.answers.title = Some(text.to_owned());
                    (Step::Narrative, texts::ask_narrative(lang))
                }
                Step::Narrative => {
                    session.answers.narrative = Some(text.to_owned());
                    (Step::Audience, texts::ask_audience(lang))
                }
                _ => {
                    session.answers.audience = Some(text.to_owned());
                    (Step::Date, texts::ask_date(lang))
                }
            };
            session.step = next;
            session.save(ctx).await?;
            super::say(ctx, chat_id, question).await?;
        }
        Step::Date => {
            let today = Utc::now().with_timezone(&wib()).date_naive();
            match parse_desired_date(text, today) {
                Some(date) => {
                    session.answers.desired_date = date;
                    session.step = Step::Letter;
                    session.save(ctx).await?;
                    super::say(ctx, chat_id, texts::ask_letter(lang)).await?;
                }
                None => super::say(ctx, chat_id, texts::bad_date(lang)).await?,
            }
        }
        Step::Letter => {
            let Some(file) = incoming_file(message) else {
                super::say(ctx, chat_id, texts::bad_letter(lang)).await?;
                return Ok(true);
            };
            // An item of an album that began as the letter (several pages) is a letter too.
            let role = file
                .album
                .as_ref()
                .and_then(|a| session.answers.albums.get(a).copied())
                .unwrap_or(FileRole::Letter);
            if role == FileRole::Letter && !file.letter_ok {
                super::say(ctx, chat_id, texts::bad_letter(lang)).await?;
                return Ok(true);
            }
            if !keep_file(ctx, &mut session, owner, &file, role).await? {
                return Ok(true);
            }
            session.step = Step::Media;
            if file.album.is_some() {
                // Asked once the album is complete.
                session.save(ctx).await?;
            } else {
                session.save(ctx).await?;
                super::say(ctx, chat_id, texts::ask_media(lang)).await?;
            }
        }
        Step::Media => {
            if let Some(file) = incoming_file(message) {
                let role = file
                    .album
                    .as_ref()
                    .and_then(|a| session.answers.albums.get(a).copied())
                    .unwrap_or(FileRole::Media);
                if session.files.len() >= MAX_FILES {
                    super::say(ctx, chat_id, texts::too_many_files(lang)).await?;
                    return Ok(true);
                }
                // Another album begins while one is unacknowledged: acknowledge that one.
                if let (Some(pending), Some(album)) = (&session.pending, &file.album)
                    && pending.id != *album
                {
                    acknowledge(ctx, &mut session).await?;
                }
                if !keep_file(ctx, &mut session, owner, &file, role).await? {
                    return Ok(true);
                }
                session.save(ctx).await?;
                if file.album.is_none() {
                    let total = session.files.len() - session.letters();
                    super::say(ctx, chat_id, &texts::media_received(lang, 1, total)).await?;
                }
            } else if is_one_of(
                text,
                &["selesai", "done", "lewati", "skip", "cukup", "finish"],
            ) {
                session.pending = None;
                session.step = Step::Confirm;
                session.save(ctx).await?;
                send_summary(ctx, &session).await?;
            } else {
                super::say(ctx, chat_id, texts::bad_media(lang)).await?;
            }
        }
        Step::Confirm => {
            let (submit_label, cancel_label) = texts::confirm_buttons(lang);
            if text == submit_label || is_one_of(text, &["kirim", "submit", "ya", "yes"]) {
                submit(ctx, &session, owner).await?;
            } else if text == cancel_label || is_one_of(text, &["batal", "cancel", "tidak", "no"]) {
                cancel(ctx, chat_id, lang).await?;
            } else {
                send_summary(ctx, &session).await?;
            }
        }
    }
    Ok(true)
}

/// The question the dialogue waits on.
async fn ask_again(ctx: &BotContext, session: &Session) -> Result<(), BotError> {
    let question = match session.step {
        Step::Title => texts::ask_title(session.lang),
        Step::Narrative => texts::ask_narrative(session.lang),
        Step::Audience => texts::ask_audience(session.lang),
        Step::Date => texts::ask_date(session.lang),
        Step::Letter => texts::ask_letter(session.lang),
        Step::Media => texts::ask_media(session.lang),
        Step::Confirm => return send_summary(ctx, session).await,
    };
    super::say(ctx, session.chat_id, question).await
}

fn is_one_of(text: &str, words: &[&str]) -> bool {
    let t = text.trim().trim_start_matches('/').to_lowercase();
    words.iter().any(|w| *w == t)
}

/// A desired date as people write it; `Some(None)` for "no date", `None` when unreadable
/// or past.
pub fn parse_desired_date(text: &str, today: NaiveDate) -> Option<Option<NaiveDate>> {
    let t = text.trim().to_lowercase();
    let date = match t.as_str() {
        "-" | "tidak ada" | "tidak" | "none" | "no" => return Some(None),
        "hari ini" | "today" | "sekarang" => today,
        "besok" | "tomorrow" => today + Duration::days(1),
        "lusa" => today + Duration::days(2),
        _ => {
            let parts: Vec<&str> = t.split(['-', '/', '.']).map(str::trim).collect();
            let [d, m, y] = parts.as_slice() else {
                return None;
            };
            let (d, m, y): (u32, u32, i32) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
            let y = if (0..100).contains(&y) { 2000 + y } else { y };
            NaiveDate::from_ymd_opt(y, m, d)?
        }
    };
    (date >= today && date.year() <= today.year() + 2).then_some(Some(date))
}

/// A file in a message: what to fetch, what to call it, whether it may be the letter.
struct IncomingFile {
    file_id: String,
    filename: String,
    content_type: Option<String>,
    /// A PDF or a photo.
    letter_ok: bool,
    album: Option<String>,
}

fn incoming_file(message: &Message) -> Option<IncomingFile> {
    let album = message.media_group_id().map(|g| g.0.clone());
    let stem = format!("telegram-{}", message.id.0);
    if let Some(sizes) = message.photo() {
        let largest = sizes
            .iter()
            .max_by_key(|p| u64::from(p.width) * u64::from(p.height))?;
        return Some(IncomingFile {
            file_id: largest.file.id.0.clone(),
            filename: format!("{stem}.jpg"),
            content_type: Some("image/jpeg".into()),
            letter_ok: true,
            album,
        });
    }
    if let Some(doc) = message.document() {
        let mime = doc.mime_type.as_ref().map(|m| m.essence_str().to_owned());
        let name = doc
            .file_name
            .clone()
            .unwrap_or_else(|| format!("{stem}.bin"));
        let letter_ok = mime.as_deref() == Some("application/pdf")
            || name.to_lowercase().ends_with(".pdf")
            || mime.as_deref().is_some_and(|m| m.starts_with("image/"));
        return Some(IncomingFile {
            file_id: doc.file.id.0.clone(),
            filename: name,
            content_type: mime,
            letter_ok,
            album,
        });
    }
    if let Some(video) = message.video() {
        return Some(IncomingFile {
            file_id: video.file.id.0.clone(),
            filename: video
                .file_name
                .clone()
                .unwrap_or_else(|| format!("{stem}.mp4")),
            content_type: video.mime_type.as_ref().map(|m| m.essence_str().to_owned()),
            letter_ok: false,
            album,
        });
    }
    None
}

/// Downloads a file and stores it as the requester through `uploadAttachment`; `false`
/// (with the reason told) when it was refused.
async fn keep_file(
    ctx: &BotContext,
    session: &mut Session,
    owner: &ChatOwner,
    file: &IncomingFile,
    role: FileRole,
) -> Result<bool, BotError> {
    let lang = session.lang;
    let chat_id = session.chat_id;
    let telegram_file = match ctx.bot.get_file(FileId(file.file_id.clone())).await {
        Ok(f) => f,
        Err(e) => {
            super::say(ctx, chat_id, &texts::file_refused(lang, &e.to_string())).await?;
            return Ok(false);
        }
    };
    let temp = tempfile::tempfile().map_err(crate::service::ServiceError::from)?;
    let mut dst = tokio::fs::File::from_std(
        temp.try_clone()
            .map_err(crate::service::ServiceError::from)?,
    );
    ctx.bot
        .download_file(&telegram_file.path, &mut dst)
        .await
        .map_err(|e| BotError::Download(e.to_string()))?;
    // tokio's file writes in the background: flushed, the bytes are in the file.
    tokio::io::AsyncWriteExt::flush(&mut dst)
        .await
        .map_err(crate::service::ServiceError::from)?;
    use std::io::Seek;
    let mut content = temp;
    content
        .rewind()
        .map_err(crate::service::ServiceError::from)?;
    let upload = UploadValue {
        filename: file.filename.clone(),
        content_type: file.content_type.clone(),
        content,
    };
    let uploaded = ctx
        .execute_with_upload(
            &owner.principal,
            "mutation($file: Upload!, $kind: AttachmentKind!) { uploadAttachment(file: $file, kind: $kind) { id } }",
            json!({ "file": null, "kind": role.graphql_kind() }),
            "variables.file",
            upload,
        )
        .await;
    let id = match uploaded {
        Ok(data) => data["uploadAttachment"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        Err(BotError::Api { code, message }) if code == "BAD_USER_INPUT" => {
            super::say(ctx, chat_id, &texts::file_refused(lang, &message)).await?;
            return Ok(false);
        }
        Err(e) => return Err(e),
    };
    session.files.push(StoredFile { id, role });
    if let Some(album) = &file.album {
        session.answers.albums.insert(album.clone(), role);
        match &mut session.pending {
            Some(p) if p.id == *album => p.count += 1,
            _ => {
                session.pending = Some(PendingAlbum {
                    id: album.clone(),
                    count: 1,
                })
            }
        }
    }
    Ok(true)
}

/// Tells the requester an album arrived, and asks what comes next.
async fn acknowledge(ctx: &BotContext, session: &mut Session) -> Result<(), BotError> {
    let Some(pending) = session.pending.take() else {
        return Ok(());
    };
    let lang = session.lang;
    let role = session.answers.albums.get(&pending.id).copied();
    if role == Some(FileRole::Letter) {
        super::say(ctx, session.chat_id, texts::ask_media(lang)).await?;
    } else {
        let total = session.files.len() - session.letters();
        super::say(
            ctx,
            session.chat_id,
            &texts::media_received(lang, pending.count, total),
        )
        .await?;
    }
    Ok(())
}

/// Acknowledges every album that has been quiet for [`ALBUM_QUIET`] (also those received
/// before a restart).
pub async fn acknowledge_quiet_albums(ctx: &BotContext) -> Result<(), BotError> {
    let quiet_since = Utc::now() - ALBUM_QUIET;
    for row in ctx.services.intake_sessions_with_album().await? {
        if row.updated_at > quiet_since {
            continue;
        }
        let mut session = Session::from_row(row);
        acknowledge(ctx, &mut session).await?;
        session.save(ctx).await?;
    }
    Ok(())
}

async fn send_summary(ctx: &BotContext, session: &Session) -> Result<(), BotError> {
    let lang = session.lang;
    let a = &session.answers;
    let (heading, title, audience, date, files, narrative) = texts::summary_labels(lang);
    let date_text = a
        .desired_date
        .map(|d| d.format("%d-%m-%Y").to_string())
        .unwrap_or_else(|| "-".into());
    let letters = session.letters();
    let media = session.files.len() - letters;
    let files_text = match lang {
        Lang::Id => format!("{letters} surat, {media} media"),
        Lang::En => format!("{letters} letter, {media} media"),
    };
    let mut narrative_text: String = a.narrative.clone().unwrap_or_default();
    if narrative_text.chars().count() > 1500 {
        narrative_text = narrative_text.chars().take(1500).collect::<String>() + "…";
    }
    let text = format!(
        "{heading}\n\n{title}: {}\n{audience}: {}\n{date}: {date_text}\n{files}: {files_text}\n\n{narrative}:\n{narrative_text}\n\n{}",
        a.title.as_deref().unwrap_or_default(),
        a.audience.as_deref().unwrap_or_default(),
        texts::confirm_hint(lang),
    );
    let (submit_label, cancel_label) = texts::confirm_buttons(lang);
    let keyboard = KeyboardMarkup::new(vec![vec![
        KeyboardButton::new(submit_label),
        KeyboardButton::new(cancel_label),
    ]])
    .resize_keyboard()
    .one_time_keyboard();
    super::paced(|| {
        ctx.bot
            .send_message(teloxide::types::ChatId(session.chat_id), text.clone())
            .reply_markup(keyboard.clone())
    })
    .await?;
    Ok(())
}

async fn submit(ctx: &BotContext, session: &Session, owner: &ChatOwner) -> Result<(), BotError> {
    let lang = session.lang;
    let chat_id = session.chat_id;
    // A confirmation handled again after a crash between `submitRequest` and the end of the
    // dialogue: the letter already belongs to the request, so only the answer is sent again.
    let letter = session.files.first().and_then(|f| f.id.parse().ok());
    let earlier = match letter {
        Some(id) => {
            ctx.services
                .request_with_attachment(id, owner.user.id)
                .await?
        }
        None => None,
    };
    let (id, agenda_number) = match earlier {
        Some(request) => (request.id.to_string(), request.agenda_number),
        None => {
            let a = &session.answers;
            let input = json!({
                "title": a.title,
                "narrative": a.narrative,
                "audience": a.audience,
                "desiredDate": a.desired_date.map(|d| d.to_string()),
                "attachmentIds": session.files.iter().map(|f| f.id.clone()).collect::<Vec<_>>(),
            });
            let result = ctx
                .execute(
                    &owner.principal,
                    "mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { id agendaNumber } }",
                    json!({ "input": input }),
                )
                .await;
            match result {
                Ok(data) => {
                    let request = &data["submitRequest"];
                    (
                        request["id"].as_str().unwrap_or_default().to_owned(),
                        request["agendaNumber"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    )
                }
                Err(BotError::Api { code, message }) if code != "INTERNAL" => {
                    return super::say(ctx, chat_id, &texts::submit_failed(lang, &message)).await;
                }
                Err(e) => return Err(e),
            }
        }
    };
    ctx.services.end_intake_session(chat_id).await?;
    let link = format!("{}/requests/{id}", ctx.services.settings.public_url);
    let text = texts::submitted(lang, &agenda_number, &link);
    super::paced(|| {
        ctx.bot
            .send_message(teloxide::types::ChatId(chat_id), text.clone())
            .reply_markup(KeyboardRemove::new())
    })
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desired_dates_are_read_as_people_write_them() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let d = |y, m, d| Some(Some(NaiveDate::from_ymd_opt(y, m, d).unwrap()));
        assert_eq!(parse_desired_date("24-12-2026", today), d(2026, 12, 24));
        assert_eq!(parse_desired_date("24/12/2026", today), d(2026, 12, 24));
        assert_eq!(parse_desired_date("1.1.27", today), d(2027, 1, 1));
        assert_eq!(parse_desired_date("Besok", today), d(2026, 12, 1));
        assert_eq!(parse_desired_date("lusa", today), d(2026, 12, 2));
        assert_eq!(parse_desired_date("hari ini", today), d(2026, 11, 30));
        assert_eq!(parse_desired_date("-", today), Some(None));
        // Past, impossible, far away or unreadable: asked again.
        assert_eq!(parse_desired_date("29-11-2026", today), None);
        assert_eq!(parse_desired_date("31-02-2027", today), None);
        assert_eq!(parse_desired_date("1-1-2035", today), None);
        assert_eq!(parse_desired_date("minggu depan", today), None);
    }
}
