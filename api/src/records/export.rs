//! `warta archive export`: the archived requests, selected by the day they were archived (WIB),
//! as one zip for the university's records office. Each request gets a folder
//! `entries/<agenda number>/` with `entry.json` (the request, its final content, the chain of
//! dispositions, reviews, publications, the archive entry), its attachments under
//! `attachments/`, and the two printed records; `manifest.json` describes the bundle and
//! lists every file with its size and SHA-256.
//!
//! The database is read on the async side and the zip written on a blocking thread, an entry
//! at a time through a short queue, so the bundle streams to disk.

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    io::IsTerminal,
    path::{Path, PathBuf},
};

use chrono::{DateTime, Days, FixedOffset, NaiveDate, Utc};
use entity::{archive_entry, attachment, content_version, user};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{RecordsError, bundle::BundleWriter, bundle::FileEntry};
use crate::{
    paper::{self, RecordData, SheetData, labels, record::sha256_hex},
    service::Services,
    workflow::sla::wib,
};

/// The `format` of an export's manifest.
pub const FORMAT: &str = "warta-archive-export";
/// The manifest layout this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The manifest's name inside the bundle.
pub const MANIFEST: &str = "manifest.json";

/// What to export and where.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The first day (WIB) of archiving to include.
    pub since: Option<NaiveDate>,
    /// The last day (WIB) of archiving to include.
    pub until: Option<NaiveDate>,
    pub out: PathBuf,
}

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// The program that wrote the bundle, e.g. `warta 0.1.0`.
    pub generator: String,
    pub created_at: DateTime<FixedOffset>,
    pub selection: Selection,
    pub entries: Vec<ManifestEntry>,
    /// Every file of the bundle except the manifest itself.
    pub files: Vec<FileEntry>,
}

/// Which archive entries a bundle holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// What the dates select on.
    pub by: String,
    pub time_zone: String,
    /// First day included; none: from the first entry.
    pub since: Option<NaiveDate>,
    /// Last day included; none: up to the export.
    pub until: Option<NaiveDate>,
}

/// One archived request in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub agenda_number: String,
    pub title: String,
    pub archived_at: DateTime<FixedOffset>,
    /// Its folder, `entries/<agenda number made safe>`.
    pub folder: String,
    /// Paths of its files, each listed in the manifest's `files`.
    pub files: Vec<String>,
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportSummary {
    pub entries: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Writes the archive entries archived between `options.since` and `options.until` (both
/// inclusive, WIB days; either may be open) to `options.out`. Progress goes to standard
/// error: a bar on a terminal, plain lines otherwise.
///
/// # Errors
/// `Refused` for a `since` after `until` or an attachment missing from the store; database
/// and file errors as they come. The destination is then left as it was.
pub async fn export(
    services: &Services,
    options: &ExportOptions,
) -> Result<ExportSummary, RecordsError> {
    if let (Some(since), Some(until)) = (options.since, options.until)
        && since > until
    {
        return Err(RecordsError::Refused(format!(
            "--since {since} is after --until {until}"
        )));
    }
    let selection = Selection {
        by: "archived_at".into(),
        time_zone: "Asia/Jakarta (WIB, UTC+07:00)".into(),
        since: options.since,
        until: options.until,
    };
    let ids = selected(services, &selection).await?;
    let created_at = Utc::now();
    let header = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        generator: format!("warta {}", env!("CARGO_PKG_VERSION")),
        created_at: created_at.with_timezone(&wib()),
        selection,
        entries: Vec::with_capacity(ids.len()),
        files: Vec::new(),
    };
    // Two entries in flight: one being written, one loaded and printed.
    let (tx, rx) = mpsc::channel(2);
    let out = options.out.clone();
    let total = ids.len();
    let writer = tokio::task::spawn_blocking(move || write_bundle(&out, header, total, rx));
    let loaded = load_entries(services, ids, tx).await;
    let written = writer
        .await
        .map_err(|e| RecordsError::Io(std::io::Error::other(e)))?;
    // A loading failure stops the writer too; its own complaint says less.
    loaded?;
    written
}

/// The ids of the selected entries, oldest archived first.
async fn selected(services: &Services, selection: &Selection) -> Result<Vec<i64>, RecordsError> {
    let mut query = archive_entry::Entity::find()
        .select_only()
        .column(archive_entry::Column::Id);
    if let Some(since) = selection.since {
        query = query.filter(archive_entry::Column::ArchivedAt.gte(start_of_day(since)));
    }
    if let Some(until) = selection.until {
        let next = until.checked_add_days(Days::new(1)).unwrap_or(until);
        query = query.filter(archive_entry::Column::ArchivedAt.lt(start_of_day(next)));
    }
    Ok(query
        .order_by_asc(archive_entry::Column::ArchivedAt)
        .order_by_asc(archive_entry::Column::Id)
        .into_tuple::<i64>()
        .all(&services.db.conn)
        .await?)
}

/// Midnight WIB of `day`, in UTC.
fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(wib())
        .single()
        .expect("WIB has no daylight saving")
        .with_timezone(&Utc)
}

/// A file's bytes, in memory or in the attachment store.
enum Part {
    Bytes(Vec<u8>),
    Disk(PathBuf),
}

/// What the loading side hands the writer.
enum ToWriter {
    Entry {
        meta: ManifestEntry,
        files: Vec<(String, Part)>,
    },
    /// Everything was loaded: the bundle may be finished.
    Done,
}

async fn load_entries(
    services: &Services,
    ids: Vec<i64>,
    tx: mpsc::Sender<ToWriter>,
) -> Result<(), RecordsError> {
    let mut folders = HashSet::new();
    for id in ids {
        let entry = load_entry(services, id, &mut folders).await?;
        if tx.send(entry).await.is_err() {
            // The writer stopped; it reports why.
            return Ok(());
        }
    }
    let _ = tx.send(ToWriter::Done).await;
    Ok(())
}

async fn load_entry(
    services: &Services,
    id: i64,
    folders: &mut HashSet<String>,
) -> Result<ToWriter, RecordsError> {
    let db = &services.db.conn;
    let missing = || RecordsError::Refused(format!("archive entry {id} disappeared during export"));
    let archive = archive_entry::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(missing)?;
    let request = entity::request::Entity::find_by_id(archive.request_id)
        .one(db)
        .await?
        .ok_or_else(missing)?;
    let mut folder = format!("entries/{}", paper::safe_agenda(&request.agenda_number));
    if !folders.insert(folder.clone()) {
        // Two agenda numbers that differ only in characters made safe.
        folder = format!("{folder}-{}", request.id);
        folders.insert(folder.clone());
    }
    let sheet = services.sheet_data(request.clone()).await?;
    let record = services.record_data(request).await?;
    let versions = content_version::Entity::find()
        .filter(content_version::Column::RequestId.eq(archive.request_id))
        .all(db)
        .await?;
    let mut users = sheet.users.clone();
    users.extend(record.users.clone());
    let authors: BTreeSet<i64> = versions
        .iter()
        .filter_map(|v| v.author_id)
        .filter(|id| !users.contains_key(id))
        .collect();
    if !authors.is_empty() {
        users.extend(
            user::Entity::find()
                .filter(user::Column::Id.is_in(authors))
                .all(db)
                .await?
                .into_iter()
                .map(|u| (u.id, u)),
        );
    }

    let mut files: Vec<(String, Part)> = Vec::new();
    let mut attachments = Vec::new();
    for a in &record.attachments {
        let path = format!(
            "{folder}/attachments/{}-{}",
            a.id,
            safe_file_name(&a.filename)
        );
        let source = services.attachments.path_of(&a.sha256);
        if !tokio::fs::try_exists(&source).await? {
            return Err(RecordsError::Refused(format!(
                "attachment {} ({}) of {} is missing from the store at {}",
                a.id,
                a.filename,
                record.request.agenda_number,
                source.display()
            )));
        }
        attachments.push(attachment_json(a, &path));
        files.push((path, Part::Disk(source)));
    }
    let sheet_name = paper::filename("lembar-disposisi", &record.request.agenda_number);
    let record_name = paper::filename("rekam-publikasi", &record.request.agenda_number);
    let documents = json!({
        "disposition_sheet": format!("{folder}/{sheet_name}"),
        "publication_record": format!("{folder}/{record_name}"),
    });
    let document = entry_json(
        &archive,
        &sheet,
        &record,
        &versions,
        &users,
        attachments,
        documents,
    )?;
    let meta = ManifestEntry {
        agenda_number: record.request.agenda_number.clone(),
        title: archive.title.clone(),
        archived_at: archive.archived_at.with_timezone(&wib()),
        folder: folder.clone(),
        files: Vec::new(),
    };
    files.insert(
        0,
        (
            format!("{folder}/entry.json"),
            Part::Bytes(serde_json::to_vec_pretty(&document)?),
        ),
    );
    let printed_sheet = paper::print_sheet(sheet).await?;
    let printed_record = paper::print_record(record).await?;
    files.insert(
        1,
        (
            format!("{folder}/{}", printed_sheet.filename),
            Part::Bytes(printed_sheet.bytes),
        ),
    );
    files.insert(
        2,
        (
            format!("{folder}/{}", printed_record.filename),
            Part::Bytes(printed_record.bytes),
        ),
    );
    Ok(ToWriter::Entry { meta, files })
}

/// The blocking side: the zip, the progress, the manifest.
fn write_bundle(
    out: &Path,
    mut manifest: Manifest,
    total: usize,
    mut rx: mpsc::Receiver<ToWriter>,
) -> Result<ExportSummary, RecordsError> {
    let mut bundle = BundleWriter::create(out, manifest.created_at.with_timezone(&Utc))?;
    let mut progress = Progress::start(total);
    loop {
        match rx.blocking_recv() {
            Some(ToWriter::Entry { mut meta, files }) => {
                for (path, part) in files {
                    match part {
                        Part::Bytes(bytes) => bundle.add_bytes(&path, &bytes)?,
                        Part::Disk(source) => bundle.add_file(&path, &source)?,
                    };
                    meta.files.push(path);
                }
                progress.advance(&meta.agenda_number);
                manifest.entries.push(meta);
            }
            Some(ToWriter::Done) => break,
            // Dropping the bundle removes the temporary file.
            None => return Err(RecordsError::Refused("the export stopped early".into())),
        }
    }
    progress.finish();
    manifest.files = bundle.files().to_vec();
    let summary = ExportSummary {
        entries: manifest.entries.len(),
        files: manifest.files.len(),
        bytes: manifest.files.iter().map(|f| f.size).sum(),
    };
    bundle.finish(MANIFEST, &manifest)?;
    Ok(summary)
}

/// A bar on a terminal; plain lines ("exported 12/40 entries") into a log or a pipe.
struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    done: usize,
}

impl Progress {
    fn start(total: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} entries {msg}")
                    .expect("a valid template"),
            );
            bar
        });
        Self {
            bar,
            total,
            done: 0,
        }
    }

    fn advance(&mut self, agenda_number: &str) {
        self.done += 1;
        match &self.bar {
            Some(bar) => {
                bar.set_message(agenda_number.to_owned());
                bar.inc(1);
            }
            None => eprintln!("exported {}/{} entries", self.done, self.total),
        }
    }

    fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

/// An attachment's original name reduced to letters, digits, dots, dashes and underscores.
fn safe_file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    // No hidden files and no `..`.
    safe.trim_start_matches('.').to_owned()
}

/// A time as people in the office read it: ISO 8601 in WIB.
fn time(at: DateTime<Utc>) -> Value {
    json!(at.with_timezone(&wib()).to_rfc3339())
}

fn time_opt(at: Option<DateTime<Utc>>) -> Value {
    at.map_or(Value::Null, time)
}

/// A person named in the record: id, username and full name (just the id when the account
/// is gone).
fn person(users: &HashMap<i64, user::Model>, id: Option<i64>) -> Value {
    match id {
        None => Value::Null,
        Some(id) => match users.get(&id) {
            Some(u) => json!({ "id": u.id, "username": u.username, "name": u.full_name }),
            None => json!({ "id": id }),
        },
    }
}

fn attachment_json(a: &attachment::Model, path: &str) -> Value {
    json!({
        "path": path,
        "kind": a.kind,
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size_bytes,
        "sha256": a.sha256,
        "uploaded_at": time(a.created_at),
    })
}

/// `entry.json`: everything the records office needs to know about one archived request.
fn entry_json(
    archive: &archive_entry::Model,
    sheet: &SheetData,
    record: &RecordData,
    versions: &[content_version::Model],
    users: &HashMap<i64, user::Model>,
    attachments: Vec<Value>,
    documents: Value,
) -> Result<Value, serde_json::Error> {
    let r = &record.request;
    let text_hash = |version: i32| {
        versions
            .iter()
            .find(|v| v.version_no == version)
            .map(|v| sha256_hex(&v.narrative))
    };
    let dispositions: Vec<Value> = sheet
        .dispositions
        .iter()
        .map(|d| {
            json!({
                "step": d.step,
                "step_name": labels::step(d.step),
                "from": person(users, d.from_user_id),
                "to_role": d.to_role,
                "to": person(users, d.to_user_id),
                "instruction": d.instruction,
                "instruction_text": d.instruction_text,
                "priority": d.priority,
                "note": d.note,
                "opened_at": time(d.created_at),
                "due_at": time_opt(d.due_at),
                "sla_minutes": d.sla_minutes,
                "sla_working_hours_only": d.sla_working_hours_only,
                "sla_deadline": time(d.sla_deadline),
                "read_at": time_opt(d.read_at),
                "done_at": time_opt(d.done_at),
                "outcome": d.outcome,
            })
        })
        .collect();
    let reviews: Vec<Value> = record
        .reviews
        .iter()
        .map(|v| {
            json!({
                "reviewer": person(users, v.reviewer_id),
                "verdict": v.verdict,
                "comment": v.comment,
                "content_version": v.content_version,
                "at": time(v.created_at),
            })
        })
        .collect();
    let publications: Vec<Value> = record
        .publications
        .iter()
        .map(|(p, channel)| {
            json!({
                "channel": channel.as_ref().map(|c| json!({ "name": c.name, "chat_ref": c.chat_ref })),
                "status": p.status,
                "content_version": p.content_version,
                "text_sha256": text_hash(p.content_version),
                "scheduled_at": time_opt(p.scheduled_at),
                "sent_at": time_opt(p.sent_at),
                "link": p.link,
                "message_ids": p.message_ids,
                "attempts": p.attempts,
            })
        })
        .collect();
    let content = record.content.as_ref().map(|c| {
        json!({
            "version": c.version_no,
            "title": c.title,
            "narrative": c.narrative,
            "narrative_sha256": sha256_hex(&c.narrative),
            "author": person(users, c.author_id),
            "note": c.note,
            "created_at": time(c.created_at),
        })
    });
    // Every column of the archive entry as stored, so classification, access class and
    // retention reach the records office however the entry grows.
    let mut archive_json = serde_json::to_value(archive)?;
    if let Value::Object(fields) = &mut archive_json {
        fields.insert("archived_at".into(), time(archive.archived_at));
        fields.insert("archived_by".into(), person(users, archive.archived_by));
        fields.insert(
            "final_text_sha256".into(),
            json!(sha256_hex(&archive.final_text)),
        );
    }
    Ok(json!({
        "format": "warta-archive-entry",
        "format_version": FORMAT_VERSION,
        "agenda_number": r.agenda_number,
        "request": {
            "id": r.id,
            "agenda_number": r.agenda_number,
            "title": r.title,
            "unit": r.unit,
            "audience": r.audience,
            "desired_date": r.desired_date,
            "priority": r.priority,
            "status": r.status,
            "requester": person(users, Some(r.requester_id)),
            "checklist": r.checklist,
            "rejection_reason": r.rejection_reason,
            "submitted_at": time(r.submitted_at),
            "closed_at": time_opt(r.closed_at),
        },
        "final_content": content,
        "dispositions": dispositions,
        "reviews": reviews,
        "publications": publications,
        "archive": archive_json,
        "attachments": attachments,
        "documents": documents,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_names_stay_inside_their_folder() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name(".hidden"), "hidden");
        assert_eq!(
            safe_file_name("Surat Rektor (1).pdf"),
            "Surat_Rektor__1_.pdf"
        );
    }

    #[test]
    fn days_are_wib_days() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
        assert_eq!(start_of_day(day).to_rfc3339(), "2026-11-30T17:00:00+00:00");
    }
}
