//! The printed records: the *lembar disposisi* and the publication record as PDFs, checked
//! through their text (`pdftotext`, Debian's poppler-utils) and kept as page images under
//! `target/test-artifacts/` for a person to look at.

use std::path::PathBuf;

use serde_json::{Value, json};
use warta_tests::{
    Role, TestApp, TestUser, spawn_app,
    walk::{ARCHIVE, FORWARD, PUBLISH, REVIEW, SUBMIT, complete_checklist},
};

const TITLE: &str = "Pengumuman — Jadwal Registrasi Ulang ‘Jalur Mandiri’ é";
const NARRATIVE: &str = "Calon mahasiswa baru Jalur Mandiri wajib melakukan registrasi ulang \
    pada 1–3 Desember 2026 di Gedung Soetardjo. Berkas yang dibawa: kartu tanda peserta, \
    ijazah, dan bukti pembayaran UKT.";
const LETTER: &[u8] = b"%PDF-1.4\n% surat permohonan publikasi\n%%EOF\n";
const VR_NOTE: &str = "Mohon segera diumumkan — terima kasih";
const BH_TEXT: &str = "Pilih kanal Info & Humas";

/// A request walked through all seven steps, with the officials who acted on it.
struct Published {
    id: String,
    agenda_number: String,
    requester: TestUser,
    officials: Vec<TestUser>,
}

async fn ok(app: &TestApp, user: &TestUser, query: &str, input: Value) -> Value {
    app.gql_ok(Some(&user.token), query, json!({ "input": input }))
        .await
        .clone()
}

/// Submits [`TITLE`] as "sangat segera" and walks it down the SOP to the archive, each
/// official reading the disposition before acting on it.
async fn publish_and_archive(app: &TestApp) -> Published {
    let requester = app.new_user(&[Role::Requester]).await;
    let letter = app
        .upload(
            Some(&requester.token),
            "surat-permohonan.pdf",
            "application/pdf",
            LETTER.to_vec(),
            None,
        )
        .await;
    let letter_id = letter.body["data"]["uploadAttachment"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an uploaded letter: {}", letter.body))
        .to_owned();
    let d = ok(
        app,
        &requester,
        SUBMIT,
        json!({
            "title": TITLE,
            "unit": "Fakultas Keguruan dan Ilmu Pendidikan",
            "audience": "Calon mahasiswa baru",
            "narrative": NARRATIVE,
            "desiredDate": "2026-12-01",
            "priority": "SANGAT_SEGERA",
            "attachmentIds": [letter_id],
        }),
    )
    .await;
    let id = d["submitRequest"]["id"].as_str().expect("an id").to_owned();
    let agenda_number = d["submitRequest"]["agendaNumber"]
        .as_str()
        .expect("an agenda number")
        .to_owned();

    let vr = app.user(Role::ViceRector).await;
    read_open_disposition(app, &vr, &id).await;
    ok(
        app,
        &vr,
        FORWARD,
        json!({ "requestId": id, "instruction": "TINDAK_LANJUTI", "note": VR_NOTE }),
    )
    .await;

    let channels = vec![
        app.channel("Info UNEJ").await,
        app.channel("Humas UNEJ").await,
    ];
    let bh = app.user(Role::BureauHead).await;
    read_open_disposition(app, &bh, &id).await;
    ok(
        app,
        &bh,
        FORWARD,
        json!({
            "requestId": id,
            "channelIds": channels,
            "instruction": "KOORDINASIKAN",
            "instructionText": BH_TEXT,
        }),
    )
    .await;

    let pkih = app.user(Role::PkihCoordinator).await;
    ok(
        app,
        &pkih,
        FORWARD,
        json!({ "requestId": id, "checklist": complete_checklist(), "instruction": "PELAJARI" }),
    )
    .await;

    let deputy = app.user(Role::HumasDeputy).await;
    ok(
        app,
        &deputy,
        REVIEW,
        json!({ "requestId": id, "verdict": "FIT" }),
    )
    .await;
    ok(
        app,
        &deputy,
        FORWARD,
        json!({ "requestId": id, "instruction": "SIAPKAN_PUBLIKASI" }),
    )
    .await;

    let staff = app.user(Role::Staff).await;
    ok(app, &staff, PUBLISH, json!({ "requestId": id })).await;
    let worker = app.client(&["worker"]).await;
    let sent = app.send_publications(&worker, &id).await;
    assert_eq!(sent.len(), 2, "both channels sent: {sent:?}");
    ok(
        app,
        &staff,
        ARCHIVE,
        json!({ "requestId": id, "classificationCode": "HM.02.03", "retentionYears": 5 }),
    )
    .await;

    Published {
        id,
        agenda_number,
        requester,
        officials: vec![vr, bh, pkih, deputy, staff],
    }
}

async fn read_open_disposition(app: &TestApp, user: &TestUser, id: &str) {
    let d = app
        .gql_ok(
            Some(&user.token),
            "query($id: ID!) { request(id: $id) { openDisposition { id } } }",
            json!({ "id": id }),
        )
        .await;
    let disposition = d["request"]["openDisposition"]["id"]
        .as_str()
        .expect("an open disposition")
        .to_owned();
    app.gql_ok(
        Some(&user.token),
        "mutation($id: ID!) { markDispositionRead(dispositionId: $id) { readAt } }",
        json!({ "id": disposition }),
    )
    .await;
}

/// Downloads a PDF, checks its headers, keeps it and its page 1 as a PNG under a name
/// unique to `case` (tests run in parallel, each with agenda number 1), and returns its text.
async fn download(app: &TestApp, case: &str, path: &str, token: &str, filename: &str) -> String {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["content-disposition"],
        format!("inline; filename=\"{filename}\"").as_str()
    );
    let bytes = res.bytes().await.expect("a body");
    assert!(bytes.starts_with(b"%PDF-"), "{path} is a PDF");

    let dir = artifacts_dir();
    let stem = format!(
        "{}-{case}-{:?}",
        filename.trim_end_matches(".pdf"),
        app.engine
    )
    .to_lowercase();
    let pdf = dir.join(format!("{stem}.pdf"));
    std::fs::write(&pdf, &bytes).expect("write the PDF");
    let text = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    assert!(text.status.success(), "pdftotext: {text:?}");
    let png = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(dir.join(&stem))
        .status()
        .expect("pdftoppm runs");
    assert!(png.success());
    String::from_utf8(text.stdout).expect("UTF-8 text")
}

fn artifacts_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/test-artifacts");
    dir
}

/// Text compared without whitespace: a table cell breaks lines wherever its width ends.
fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_contains(text: &str, expected: &str) {
    assert!(
        squash(text).contains(&squash(expected)),
        "{expected:?} is not in the PDF's text:\n{text}"
    );
}

fn agenda_file(kind: &str, agenda_number: &str) -> String {
    format!("{kind}-{}.pdf", agenda_number.replace('/', "-"))
}

#[tokio::test]
async fn the_disposition_sheet_shows_the_letter_and_the_whole_chain() {
    let app = spawn_app().await;
    let p = publish_and_archive(&app).await;
    let d = app
        .gql_ok(
            Some(&p.requester.token),
            "query($id: ID!) { request(id: $id) { dispositionSheetUrl publicationRecordUrl } }",
            json!({ "id": p.id }),
        )
        .await;
    let sheet_url = d["request"]["dispositionSheetUrl"].as_str().expect("a URL");
    assert_eq!(
        sheet_url,
        format!("/requests/{}/disposition-sheet.pdf", p.id)
    );
    assert_eq!(
        d["request"]["publicationRecordUrl"],
        format!("/requests/{}/publication-record.pdf", p.id)
    );

    let text = download(
        &app,
        "selesai",
        sheet_url,
        &p.requester.token,
        &agenda_file("lembar-disposisi", &p.agenda_number),
    )
    .await;
    for expected in [
        "UNIVERSITAS JEMBER",
        "Biro Perencanaan, Sistem Informasi dan Hubungan Masyarakat (BPKH)",
        "LEMBAR DISPOSISI",
        p.agenda_number.as_str(),
        TITLE,
        "Sangat Segera",
        "Fakultas Keguruan dan Ilmu Pendidikan",
        "WIB",
        // The chain: steps, the people who sent, the roles they sent to, the instructions.
        "1. Disposisi",
        "7. Pengarsipan",
        "Wakil Rektor III",
        "Kepala BPKH",
        "Koordinator PKIH",
        "Wakil Koordinator Humas",
        "Petugas Humas",
        "Untuk ditindaklanjuti",
        "Koordinasikan",
        BH_TEXT,
        "Pelajari",
        "Siapkan publikasi",
        VR_NOTE,
        "diteruskan",
        "diarsipkan",
        "Tepat waktu",
        // The form's tick boxes: given instructions ticked, the others left empty.
        "☑ Untuk ditindaklanjuti",
        "☑ Koordinasikan",
        "☐ Untuk diketahui",
        "☐ Segera",
    ] {
        assert_contains(&text, expected);
    }
    for person in p.officials.iter().take(4).chain([&p.requester]) {
        assert_contains(
            &text,
            &format!("Test {}", person.username.replace('-', "_")),
        );
    }
    // Indonesian typography survives as text, not as boxes or question marks.
    for c in ['—', '‘', '’', 'é'] {
        assert!(text.contains(c), "{c} is missing from:\n{text}");
    }
}

#[tokio::test]
async fn the_publication_record_shows_what_went_out_where_and_its_hash() {
    let app = spawn_app().await;
    let p = publish_and_archive(&app).await;
    let deputy = &p.officials[3];
    let text = download(
        &app,
        "selesai",
        &format!("/requests/{}/publication-record.pdf", p.id),
        &deputy.token,
        &agenda_file("rekam-publikasi", &p.agenda_number),
    )
    .await;
    let sha = warta::auth::password::sha256_hex(NARRATIVE);
    let letter_sha = {
        let bytes = String::from_utf8(LETTER.to_vec()).expect("ASCII");
        warta::auth::password::sha256_hex(&bytes)
    };
    for expected in [
        "REKAM PUBLIKASI",
        p.agenda_number.as_str(),
        TITLE,
        NARRATIVE,
        "Info UNEJ",
        "Humas UNEJ",
        "Terkirim",
        "https://t.me/c/1234567/100",
        "https://t.me/c/1234567/101",
        "HM.02.03",
        "5 tahun",
        sha.as_str(),
        "surat-permohonan.pdf",
        "Surat permohonan",
        letter_sha.as_str(),
    ] {
        assert_contains(&text, expected);
    }
}

#[tokio::test]
async fn printed_records_are_only_for_those_who_may_see_the_request() {
    let app = spawn_app().await;
    let p = publish_and_archive(&app).await;
    let stranger = app.new_user(&[Role::Requester]).await;
    for kind in ["disposition-sheet", "publication-record"] {
        let path = format!("/requests/{}/{kind}.pdf", p.id);
        let res = app.get(&path, None).await;
        assert_eq!(res.status(), 401, "{path} without a token");
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
        assert_eq!(
            app.get(&path, Some("not-a-token")).await.status(),
            401,
            "{path} with a bad token"
        );
        assert_eq!(
            app.get(&path, Some(&stranger.token)).await.status(),
            403,
            "{path} as an unrelated requester"
        );
        assert_eq!(
            app.get(&path, Some(&p.requester.token)).await.status(),
            200,
            "{path} as its requester"
        );
        let unknown = format!("/requests/999999/{kind}.pdf");
        assert_eq!(
            app.get(&unknown, Some(&p.requester.token)).await.status(),
            404,
            "{unknown}"
        );
        let malformed = format!("/requests/abc/{kind}.pdf");
        assert_eq!(
            app.get(&malformed, Some(&p.requester.token)).await.status(),
            404
        );
    }
}

#[tokio::test]
async fn a_request_in_progress_prints_its_open_step_and_late_steps() {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

    let app = spawn_app().await;
    let walked = app.request_at(warta_tests::Stage::Verification).await;
    let id: i64 = walked.id.parse().expect("a numeric id");
    // Step 1 finished after its deadline, and step 3 (open) is past its own.
    let db = &app.services.db.conn;
    let rows = entity::disposition::Entity::find()
        .filter(entity::disposition::Column::RequestId.eq(id))
        .order_by_asc(entity::disposition::Column::Id)
        .all(db)
        .await
        .expect("dispositions");
    assert_eq!(rows.len(), 3);
    for row in [&rows[0], &rows[2]] {
        let mut late: entity::disposition::ActiveModel = row.clone().into();
        late.sla_deadline = Set(row.created_at - chrono::TimeDelta::seconds(1));
        late.update(db).await.expect("update the deadline");
    }

    let sheet = download(
        &app,
        "berjalan",
        &format!("/requests/{id}/disposition-sheet.pdf"),
        &walked.requester.token,
        &agenda_file("lembar-disposisi", &walked.agenda_number),
    )
    .await;
    for expected in [
        "Terlambat",
        "Lewat batas",
        "Tepat waktu",
        "2 langkah melewati batas waktu mutu baku",
        "Dalam proses — langkah 3 (verifikasi)",
    ] {
        assert_contains(&sheet, expected);
    }
    let record = download(
        &app,
        "berjalan",
        &format!("/requests/{id}/publication-record.pdf"),
        &walked.requester.token,
        &agenda_file("rekam-publikasi", &walked.agenda_number),
    )
    .await;
    for expected in ["Belum ada publikasi.", "Belum diarsipkan."] {
        assert_contains(&record, expected);
    }
}
