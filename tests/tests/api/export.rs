//! Records leaving the server: `warta archive export` and `verify`, and `warta backup`.
//!
//! These call the library functions the `warta` subcommands call (`warta::records`), in the
//! test's process against the test's server: the binary of another package is not built
//! for this one, so a path to `target/debug/warta` could be stale or missing. The binary
//! itself is exercised by `api/tests/records_cli.rs`, where Cargo builds it.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::{Cursor, Read, Write},
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{archive_entry, request};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use warta::records::{
    RecordsError,
    backup::{self, BackupManifest},
    export::{self, ExportOptions, Manifest},
    verify::{self, Problem},
};
use warta_tests::{
    ADMIN_PASSWORD, Engine, Role, Stage, TestApp, USER_PASSWORD, Walked, spawn_app, spawn_app_with,
    walk::{SUBMIT, submission},
};

const LETTER: &[u8] = b"%PDF-1.4\n% surat permohonan publikasi untuk arsip\n%%EOF\n";

fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every file of a zip by name.
fn unzip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(path).expect("the bundle exists")).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).expect("an entry");
            let name = file.name().expect("a name").into_owned();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).expect("readable");
            (name, bytes)
        })
        .collect()
}

/// Writes `files` as a zip, as someone repacking or tampering with a bundle would.
fn rezip(path: &Path, files: &BTreeMap<String, Vec<u8>>) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    for (name, bytes) in files {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .expect("start a file");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("finish");
}

async fn export_to(
    app: &TestApp,
    name: &str,
    since: Option<&str>,
    until: Option<&str>,
) -> Result<PathBuf, RecordsError> {
    let out = app.data_dir.join(name);
    let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("a date");
    let options = ExportOptions {
        since: since.map(day),
        until: until.map(day),
        out: out.clone(),
    };
    export::export(&app.services, &options).await?;
    Ok(out)
}

fn manifest_of(files: &BTreeMap<String, Vec<u8>>) -> Manifest {
    serde_json::from_slice(&files["manifest.json"]).expect("a manifest")
}

/// An archived request whose requester then added their letter to it.
async fn archived_with_letter(app: &TestApp) -> Walked {
    let walked = app.request_at(Stage::Archived).await;
    let letter = app
        .upload(
            Some(&walked.requester.token),
            "Surat Permohonan (final).pdf",
            "application/pdf",
            LETTER.to_vec(),
            Some(&walked.id),
        )
        .await;
    assert!(
        letter.body["data"]["uploadAttachment"]["id"].is_string(),
        "the letter is uploaded: {}",
        letter.body
    );
    walked
}

#[tokio::test]
async fn an_export_holds_each_archived_request_with_its_files_and_verifies() {
    let app = spawn_app().await;
    let with_letter = archived_with_letter(&app).await;
    let plain = app.request_at(Stage::Archived).await;
    let unfinished = app.request_at(Stage::Review).await;

    let out = export_to(&app, "records.zip", None, None)
        .await
        .expect("the export");
    let files = unzip(&out);
    let manifest = manifest_of(&files);
    assert_eq!(manifest.format, "warta-archive-export");
    assert_eq!(manifest.format_version, 1);
    assert!(manifest.generator.starts_with("warta "));
    assert_eq!(
        (manifest.selection.since, manifest.selection.until),
        (None, None)
    );
    let agendas: Vec<&str> = manifest
        .entries
        .iter()
        .map(|e| e.agenda_number.as_str())
        .collect();
    assert_eq!(
        agendas,
        [
            with_letter.agenda_number.as_str(),
            plain.agenda_number.as_str()
        ],
        "archived requests only, oldest first"
    );
    assert!(!agendas.contains(&unfinished.agenda_number.as_str()));

    // The manifest lists every file but itself, each with its true size and hash.
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    let present: BTreeSet<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|n| *n != "manifest.json")
        .collect();
    assert_eq!(listed, present);
    for file in &manifest.files {
        let bytes = &files[&file.path];
        assert_eq!(file.size, bytes.len() as u64, "{}", file.path);
        assert_eq!(file.sha256, sha256(bytes), "{}", file.path);
    }

    let first = &manifest.entries[0];
    let folder = format!("entries/{}", with_letter.agenda_number.replace('/', "-"));
    assert_eq!(first.folder, folder);
    let sheet = format!(
        "{folder}/lembar-disposisi-{}.pdf",
        with_letter.agenda_number.replace('/', "-")
    );
    let record = format!(
        "{folder}/rekam-publikasi-{}.pdf",
        with_letter.agenda_number.replace('/', "-")
    );
    for pdf in [&sheet, &record] {
        assert!(first.files.contains(pdf), "{pdf} in {:?}", first.files);
        assert!(files[pdf].starts_with(b"%PDF-"), "{pdf} is a PDF");
    }
    assert_eq!(
        manifest.entries[1].files.len(),
        3,
        "entry.json and two PDFs"
    );

    let entry: Value = serde_json::from_slice(&files[&format!("{folder}/entry.json")])
        .expect("entry.json is JSON");
    assert_eq!(entry["agenda_number"], json!(with_letter.agenda_number));
    assert_eq!(
        entry["request"]["requester"]["username"],
        json!(with_letter.requester.username)
    );
    assert_eq!(entry["request"]["status"], "archived");
    let content = &entry["final_content"];
    let text = content["narrative"].as_str().expect("the final text");
    assert!(text.starts_with("Diumumkan kepada seluruh sivitas akademika"));
    assert_eq!(content["narrative_sha256"], json!(sha256(text.as_bytes())));

    let steps: Vec<i64> = entry["dispositions"]
        .as_array()
        .expect("the chain of dispositions")
        .iter()
        .map(|d| d["step"].as_i64().expect("a step"))
        .collect();
    assert_eq!(steps, [1, 2, 3, 4, 5, 6, 7]);
    let vice_rector = app.user(Role::ViceRector).await;
    let step1 = &entry["dispositions"][0];
    assert_eq!(step1["to_role"], "vice_rector");
    assert_eq!(step1["step_name"], "Disposisi");
    let step2 = &entry["dispositions"][1];
    assert_eq!(step2["from"]["username"], json!(vice_rector.username));
    assert_eq!(step2["instruction"], "tindak_lanjuti");
    for d in entry["dispositions"].as_array().expect("dispositions") {
        let opened = time(&d["opened_at"]);
        let done = time(&d["done_at"]);
        assert!(opened <= done, "{d}");
        assert!(
            d["opened_at"].as_str().expect("a time").ends_with("+07:00"),
            "times are WIB: {d}"
        );
    }

    assert_eq!(entry["reviews"][0]["verdict"], "fit");
    let deputy = app.user(Role::HumasDeputy).await;
    assert_eq!(
        entry["reviews"][0]["reviewer"]["username"],
        json!(deputy.username)
    );

    let publications = entry["publications"].as_array().expect("publications");
    assert_eq!(publications.len(), 2, "one per chosen channel");
    for p in publications {
        assert_eq!(p["status"], "sent");
        assert!(
            p["link"]
                .as_str()
                .expect("a link")
                .starts_with("https://t.me/c/1234567/")
        );
        assert!(p["sent_at"].is_string());
        assert!(p["channel"]["name"].is_string());
        assert_eq!(p["text_sha256"], content["narrative_sha256"]);
    }

    let archive = &entry["archive"];
    assert_eq!(archive["classification_code"], "HM.00.01");
    assert_eq!(archive["retention_years"], 5);
    assert_eq!(
        archive["final_text_sha256"],
        json!(sha256(
            archive["final_text"].as_str().expect("text").as_bytes()
        ))
    );
    let staff = app.user(Role::Staff).await;
    assert_eq!(archive["archived_by"]["username"], json!(staff.username));

    let attachments = entry["attachments"].as_array().expect("attachments");
    assert_eq!(attachments.len(), 1);
    let letter = &attachments[0];
    assert_eq!(letter["filename"], "Surat Permohonan (final).pdf");
    assert_eq!(letter["sha256"], json!(sha256(LETTER)));
    let path = letter["path"].as_str().expect("a path");
    assert!(
        path.starts_with(&format!("{folder}/attachments/")),
        "{path}"
    );
    assert!(
        !path.contains(' ') && !path.contains('('),
        "a safe name: {path}"
    );
    assert_eq!(files[path], LETTER);
    assert_eq!(entry["documents"]["disposition_sheet"], json!(sheet));
    assert_eq!(entry["documents"]["publication_record"], json!(record));

    let report = verify::verify(&out).expect("readable");
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.entries, 2);
    assert_eq!(report.files_ok, manifest.files.len());
    // No temporary file is left beside the bundle.
    let leftovers: Vec<_> = std::fs::read_dir(&app.data_dir)
        .expect("the data directory")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap_or_else(|| panic!("a time: {value}")))
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// Sets when a request was archived.
async fn archived_at(app: &TestApp, walked: &Walked, at: &str) {
    let at: DateTime<Utc> = at.parse().expect("a UTC time");
    archive_entry::Entity::update_many()
        .col_expr(archive_entry::Column::ArchivedAt, Expr::value(at))
        .filter(archive_entry::Column::RequestId.eq(walked.id.parse::<i64>().expect("an id")))
        .exec(&app.services.db.conn)
        .await
        .expect("moved");
}

async fn exported_agendas(
    app: &TestApp,
    name: &str,
    since: Option<&str>,
    until: Option<&str>,
) -> Vec<String> {
    let out = export_to(app, name, since, until)
        .await
        .expect("the export");
    let manifest = manifest_of(&unzip(&out));
    assert_eq!(
        (
            manifest.selection.since.map(|d| d.to_string()),
            manifest.selection.until.map(|d| d.to_string())
        ),
        (since.map(str::to_owned), until.map(str::to_owned)),
        "the manifest records the selection"
    );
    assert!(verify::verify(&out).expect("readable").is_ok());
    manifest
        .entries
        .into_iter()
        .map(|e| e.agenda_number)
        .collect()
}

#[tokio::test]
async fn export_dates_are_inclusive_wib_days() {
    let app = spawn_app().await;
    let late_on_the_30th = app.request_at(Stage::Archived).await;
    let first_of_december = app.request_at(Stage::Archived).await;
    let january = app.request_at(Stage::Archived).await;
    // 23:59:59 WIB on 30 November, midnight WIB on 1 December, and a month later.
    archived_at(&app, &late_on_the_30th, "2026-11-30T16:59:59Z").await;
    archived_at(&app, &first_of_december, "2026-11-30T17:00:00Z").await;
    archived_at(&app, &january, "2027-01-05T03:00:00Z").await;
    let (a, b, c) = (
        late_on_the_30th.agenda_number.as_str(),
        first_of_december.agenda_number.as_str(),
        january.agenda_number.as_str(),
    );

    assert_eq!(
        exported_agendas(&app, "until.zip", None, Some("2026-11-30")).await,
        [a]
    );
    assert_eq!(
        exported_agendas(&app, "since.zip", Some("2026-12-01"), None).await,
        [b, c]
    );
    assert_eq!(
        exported_agendas(&app, "both.zip", Some("2026-11-30"), Some("2026-12-01")).await,
        [a, b]
    );
    assert_eq!(
        exported_agendas(&app, "one-day.zip", Some("2027-01-05"), Some("2027-01-05")).await,
        [c]
    );
    assert_eq!(
        exported_agendas(&app, "none.zip", Some("2026-12-02"), Some("2027-01-04")).await,
        Vec::<String>::new(),
        "an empty selection is still a valid bundle"
    );

    let refused = export_to(
        &app,
        "backwards.zip",
        Some("2026-12-02"),
        Some("2026-12-01"),
    )
    .await;
    assert!(
        matches!(&refused, Err(RecordsError::Refused(m)) if m.contains("after")),
        "{refused:?}"
    );
    assert!(!app.data_dir.join("backwards.zip").exists());
}

#[tokio::test]
async fn a_failed_export_leaves_no_file_and_keeps_the_old_one() {
    let app = spawn_app().await;
    archived_with_letter(&app).await;
    let out = export_to(&app, "records.zip", None, None)
        .await
        .expect("the first export");
    let before = std::fs::read(&out).expect("the bundle");
    // The letter's bytes vanish from the store: the next export cannot be complete.
    std::fs::remove_dir_all(app.data_dir.join("attachments")).expect("remove the store");
    let failed = export_to(&app, "records.zip", None, None).await;
    assert!(
        matches!(&failed, Err(RecordsError::Refused(m)) if m.contains("missing from the store")),
        "{failed:?}"
    );
    assert_eq!(std::fs::read(&out).expect("still there"), before);
    let names: Vec<String> = std::fs::read_dir(&app.data_dir)
        .expect("the data directory")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".warta-"))
        .collect();
    assert!(names.is_empty(), "temporary files left: {names:?}");
}

#[tokio::test]
async fn verify_reports_tampered_missing_and_extra_files() {
    let app = spawn_app().await;
    archived_with_letter(&app).await;
    let out = export_to(&app, "records.zip", None, None)
        .await
        .expect("the export");
    let good = unzip(&out);
    let manifest = manifest_of(&good);
    let entry = &manifest.entries[0];
    let entry_json = format!("{}/entry.json", entry.folder);
    let pdf = entry
        .files
        .iter()
        .find(|f| f.ends_with(".pdf") && f.contains("/rekam-publikasi-"))
        .expect("the publication record")
        .clone();
    let letter = entry
        .files
        .iter()
        .find(|f| f.contains("/attachments/"))
        .expect("the letter")
        .clone();

    let check = |name: &str, files: BTreeMap<String, Vec<u8>>| {
        let path = app.data_dir.join(name);
        rezip(&path, &files);
        verify::verify(&path).expect("a readable zip")
    };

    // Repacked unchanged, it still verifies.
    let report = check("repacked.zip", good.clone());
    assert!(report.is_ok(), "{report}");

    // One byte changed, same length: only the hash can tell.
    let mut tampered = good.clone();
    let bytes = tampered.get_mut(&entry_json).expect("entry.json");
    let at = bytes
        .iter()
        .position(|b| *b == b'7')
        .expect("a digit to change");
    bytes[at] = b'8';
    let report = check("tampered.zip", tampered);
    assert!(!report.is_ok());
    assert!(
        matches!(&report.problems[..], [Problem::Sha256 { path, .. }] if *path == entry_json),
        "{report}"
    );
    assert!(report.to_string().contains("sha256:"), "{report}");

    let mut longer = good.clone();
    longer.get_mut(&letter).expect("the letter").push(b'\n');
    let report = check("longer.zip", longer);
    assert!(
        matches!(&report.problems[..], [Problem::Size { path, actual, expected }] if *path == letter && actual == &(expected + 1)),
        "{report}"
    );

    let mut missing = good.clone();
    missing.remove(&pdf);
    let report = check("missing.zip", missing);
    assert_eq!(report.problems, [Problem::Missing(pdf.clone())], "{report}");

    let mut extra = good.clone();
    let smuggled = format!("{}/catatan.txt", entry.folder);
    extra.insert(smuggled.clone(), b"not in the manifest".to_vec());
    let report = check("extra.zip", extra);
    assert_eq!(report.problems, [Problem::Extra(smuggled)], "{report}");

    let mut no_manifest = good.clone();
    no_manifest.remove("manifest.json");
    let report = check("no-manifest.zip", no_manifest);
    assert!(
        matches!(&report.problems[..], [Problem::Manifest(m)] if m.contains("no manifest.json")),
        "{report}"
    );

    // A manifest that is JSON but not consistent: a file no entry owns, a foreign format.
    let mut doctored: Value = serde_json::from_slice(&good["manifest.json"]).expect("JSON");
    doctored["format"] = json!("something-else");
    doctored["entries"][0]["files"]
        .as_array_mut()
        .expect("files")
        .retain(|f| f.as_str() != Some(pdf.as_str()));
    let mut inconsistent = good.clone();
    inconsistent.insert(
        "manifest.json".into(),
        serde_json::to_vec(&doctored).expect("JSON"),
    );
    let report = check("inconsistent.zip", inconsistent);
    let text = report.to_string();
    assert!(text.contains("format is \"something-else\""), "{text}");
    assert!(
        text.contains(&format!("{pdf} belongs to no entry")),
        "{text}"
    );
    assert!(text.starts_with("FAILED"), "{text}");

    let not_a_zip = app.data_dir.join("not-a-zip.zip");
    std::fs::write(&not_a_zip, b"PK but not really").expect("write");
    assert!(verify::verify(&not_a_zip).is_err());
}

/// What the load loop saw acknowledged (id, agenda number), with the time the
/// acknowledgement arrived.
type Acknowledged = Arc<std::sync::Mutex<Vec<(String, String, std::time::Instant)>>>;

/// Submits requests, each with its own letter, until `stop`; records each acknowledgement.
async fn submit_until(
    app: Arc<TestApp>,
    token: String,
    worker: usize,
    stop: Arc<AtomicBool>,
    acknowledged: Acknowledged,
) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let bytes = format!("%PDF-1.4\n% surat {worker}-{n}\n%%EOF\n").into_bytes();
        let upload = app
            .upload(Some(&token), "surat.pdf", "application/pdf", bytes, None)
            .await;
        let Some(letter) = upload.body["data"]["uploadAttachment"]["id"].as_str() else {
            panic!("upload under load failed: {}", upload.body);
        };
        let mut input = submission(&format!("Beban {worker}-{n}"));
        input["attachmentIds"] = json!([letter]);
        let response = app
            .gql(Some(&token), SUBMIT, json!({ "input": input }))
            .await;
        let submitted = &response["data"]["submitRequest"];
        let (Some(id), Some(agenda)) =
            (submitted["id"].as_str(), submitted["agendaNumber"].as_str())
        else {
            panic!("submission under load failed: {response}");
        };
        acknowledged.lock().expect("not poisoned").push((
            id.to_owned(),
            agenda.to_owned(),
            std::time::Instant::now(),
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_load_restores_every_committed_request() {
    let app = Arc::new(spawn_app().await);
    let out = app.data_dir.join("backup.zip");
    if app.engine == Engine::Postgres {
        let refused = backup::backup(&app.services.db, &app.data_dir, &out).await;
        assert!(
            matches!(&refused, Err(RecordsError::Refused(m)) if m.contains("pg_dump")),
            "{refused:?}"
        );
        assert!(!out.exists());
        return;
    }
    let requester = app.new_user(&[Role::Requester]).await;
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged: Acknowledged = Arc::default();
    let load: Vec<_> = (0..4)
        .map(|worker| {
            tokio::spawn(submit_until(
                app.clone(),
                requester.token.clone(),
                worker,
                stop.clone(),
                acknowledged.clone(),
            ))
        })
        .collect();
    while acknowledged.lock().expect("not poisoned").len() < 20 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let began = std::time::Instant::now();
    let summary = backup::backup(&app.services.db, &app.data_dir, &out)
        .await
        .expect("the backup");
    // Keep writing a little after the snapshot, then stop.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.expect("the load ran without failing");
    }
    let acknowledged = acknowledged.lock().expect("not poisoned").clone();
    let committed_before: BTreeSet<String> = acknowledged
        .iter()
        .filter(|(_, _, at)| *at < began)
        .map(|(_, agenda, _)| agenda.clone())
        .collect();
    assert!(committed_before.len() >= 20);
    assert!(
        acknowledged.iter().any(|(_, _, at)| *at > began),
        "the load kept running while the backup was taken"
    );

    // The manifest describes the snapshot.
    let files = unzip(&out);
    let manifest: BackupManifest =
        serde_json::from_slice(&files["backup-manifest.json"]).expect("a manifest");
    assert_eq!(manifest.format, "warta-backup");
    assert_eq!(manifest.integrity_check, "ok");
    assert!(manifest.migrations.iter().any(|m| m.starts_with("m2026")));
    assert_eq!(manifest.requests, summary.manifest.requests);
    assert!(manifest.requests as usize >= committed_before.len());
    assert!(
        (manifest.requests as usize) < acknowledged.len(),
        "a snapshot, not the end state"
    );
    for file in &manifest.files {
        assert_eq!(sha256(&files[&file.path]), file.sha256, "{}", file.path);
    }
    assert!(files.contains_key("warta.db"));

    // Restore as the README says: unpack into an empty data directory, start the server.
    let restored = app.data_dir.join("restored");
    std::fs::create_dir(&restored).expect("an empty data directory");
    zip::ZipArchive::new(Cursor::new(std::fs::read(&out).expect("the backup")))
        .expect("a zip")
        .extract(&restored)
        .expect("unpacked");
    let url = format!("sqlite://{}?mode=rwc", restored.join("warta.db").display());
    let db = Database::connect(&url)
        .await
        .expect("the restored database");
    let integrity = db
        .query_one(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .expect("integrity check")
        .expect("a row");
    assert_eq!(integrity.try_get_by_index::<String>(0).expect("text"), "ok");
    let restored_agendas: BTreeSet<String> = request::Entity::find()
        .all(&db)
        .await
        .expect("requests")
        .into_iter()
        .map(|r| r.agenda_number)
        .collect();
    let lost: Vec<&String> = committed_before.difference(&restored_agendas).collect();
    assert!(
        lost.is_empty(),
        "acknowledged before the backup, not restored: {lost:?}"
    );
    assert_eq!(restored_agendas.len() as i64, manifest.requests);
    // Every attachment the restored database names is there, byte for byte.
    let rows = entity::attachment::Entity::find()
        .all(&db)
        .await
        .expect("attachments");
    assert!(rows.len() >= committed_before.len());
    for row in &rows {
        let path = restored
            .join("attachments")
            .join(&row.sha256[..2])
            .join(&row.sha256);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(sha256(&bytes), row.sha256);
    }
    db.close().await.expect("closed");

    // A server started on the restored directory serves the requests and their letters.
    let again = spawn_app_with(|settings| {
        settings.data_dir = restored.clone();
        settings.database_url = url.clone();
    })
    .await;
    // The accounts came back too: the requester signs in with their password, and so does
    // the admin.
    let token = again.login(&requester.username, USER_PASSWORD).await;
    again.login("admin", ADMIN_PASSWORD).await;
    let (first_id, first_agenda, _) = &acknowledged[0];
    let d = again
        .gql_ok(
            Some(&token),
            "query($id: ID!) { request(id: $id) { agendaNumber attachments { sha256 url } } }",
            json!({ "id": first_id }),
        )
        .await;
    assert_eq!(d["request"]["agendaNumber"], json!(first_agenda));
    let letter = &d["request"]["attachments"][0];
    let url = letter["url"].as_str().expect("an attachment URL");
    let path = url.strip_prefix(&again.address).unwrap_or(url);
    let response = again.get(path, Some(&token)).await;
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.expect("bytes");
    assert_eq!(sha256(&body), letter["sha256"].as_str().expect("a hash"));
}
