//! The publication record (*rekam publikasi*): the content as it went out, where and when it
//! was sent (links and message ids), the SHA-256 of what each channel was sent (computed by
//! the worker over the exact messages, `publication.sent_sha256`), and the archive's
//! particulars.

use sha2::{Digest, Sha256};

use super::{
    RecordData, labels,
    layout::{Column, PaperError, Sheet, Style},
    name_of,
    sheet::letterhead,
};

const COLUMNS: [Column; 6] = [
    Column {
        title: "No",
        width: 18.0,
    },
    Column {
        title: "Kanal",
        width: 120.0,
    },
    Column {
        title: "Status",
        width: 60.0,
    },
    Column {
        title: "Dikirim (WIB)",
        width: 70.0,
    },
    Column {
        title: "ID pesan",
        width: 55.0,
    },
    Column {
        title: "Tautan",
        width: 188.28,
    },
];

const PROOF_COLUMNS: [Column; 3] = [
    Column {
        title: "No",
        width: 18.0,
    },
    Column {
        title: "Kanal",
        width: 120.0,
    },
    Column {
        title: "SHA-256 pesan terkirim",
        width: 373.28,
    },
];

const ATTACHMENT_COLUMNS: [Column; 5] = [
    Column {
        title: "No",
        width: 18.0,
    },
    Column {
        title: "Berkas",
        width: 150.0,
    },
    Column {
        title: "Jenis",
        width: 70.0,
    },
    Column {
        title: "Ukuran",
        width: 55.0,
    },
    Column {
        title: "SHA-256",
        width: 218.28,
    },
];

/// The hex SHA-256 of a text's UTF-8 bytes.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Lays out and draws the record.
pub fn render(data: &RecordData) -> Result<Vec<u8>, PaperError> {
    let request = &data.request;
    let mut sheet = Sheet::new(format!("Rekam Publikasi {}", request.agenda_number));
    letterhead(&mut sheet, "REKAM PUBLIKASI")?;

    let requester = name_of(&data.users, Some(request.requester_id)).unwrap_or_else(|| "—".into());
    sheet.field("Nomor agenda", &request.agenda_number)?;
    sheet.field("Perihal", &request.title)?;
    sheet.field("Pemohon", &format!("{requester} — {}", request.unit))?;
    sheet.field("Tanggal diterima", &labels::date_time(request.submitted_at))?;
    sheet.field("Sifat", &labels::priority(&request.priority))?;
    sheet.field("Status", &labels::status(&request.status))?;
    if let Some(review) = data.reviews.iter().rev().find(|r| r.verdict == "fit") {
        let reviewer = name_of(&data.users, review.reviewer_id).unwrap_or_else(|| "—".into());
        sheet.field(
            "Narasi dinyatakan layak",
            &format!(
                "{} oleh {reviewer} (versi {})",
                labels::date_time(review.created_at),
                review.content_version
            ),
        )?;
    }
    sheet.gap(6.0);

    sheet.heading("Konten sebagaimana dipublikasikan")?;
    match &data.content {
        Some(content) => {
            let sent = data.publications.iter().any(|(p, _)| p.sent_at.is_some());
            if !sent {
                sheet.paragraph(
                    "Belum ada kanal yang mengirim; berikut versi konten terakhir.",
                    Style::regular(8.0),
                )?;
            }
            sheet.paragraph(&content.title, Style::bold(11.0))?;
            sheet.gap(3.0);
            sheet.paragraph(&content.narrative, Style::regular(9.5))?;
            sheet.gap(6.0);
            sheet.field("Versi konten", &content.version_no.to_string())?;
        }
        None => sheet.paragraph("Konten tidak ditemukan.", Style::regular(9.0))?,
    }
    sheet.gap(6.0);

    sheet.heading("Kanal publikasi")?;
    if data.publications.is_empty() {
        sheet.paragraph("Belum ada publikasi.", Style::regular(9.0))?;
    } else {
        let rows: Vec<Vec<String>> = data
            .publications
            .iter()
            .enumerate()
            .map(|(index, (p, channel))| {
                let channel = channel.as_ref().map_or_else(
                    || format!("Kanal #{}", p.channel_id),
                    |c| format!("{}\n{}", c.name, c.chat_ref),
                );
                let message_ids = p
                    .message_ids
                    .as_ref()
                    .and_then(|v| v.as_array())
                    .map(|ids| {
                        ids.iter()
                            .map(|id| id.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "—".into());
                vec![
                    (index + 1).to_string(),
                    channel,
                    labels::publication_status(&p.status),
                    p.sent_at.map_or_else(|| "—".into(), labels::cell_time),
                    message_ids,
                    p.link.clone().unwrap_or_else(|| "—".into()),
                ]
            })
            .collect();
        sheet.table(&COLUMNS, &rows, Style::regular(7.5))?;
        sheet.gap(6.0);
        // What was posted, not what was approved: the worker hashes the exact calls it made.
        let proofs: Vec<Vec<String>> = data
            .publications
            .iter()
            .enumerate()
            .map(|(index, (p, channel))| {
                vec![
                    (index + 1).to_string(),
                    channel.as_ref().map_or_else(
                        || format!("Kanal #{}", p.channel_id),
                        |c| c.chat_ref.clone(),
                    ),
                    p.sent_sha256.clone().unwrap_or_else(|| "—".into()),
                ]
            })
            .collect();
        sheet.table(&PROOF_COLUMNS, &proofs, Style::regular(7.5))?;
    }
    sheet.gap(6.0);

    if !data.attachments.is_empty() {
        sheet.heading("Lampiran")?;
        let rows: Vec<Vec<String>> = data
            .attachments
            .iter()
            .enumerate()
            .map(|(index, a)| {
                vec![
                    (index + 1).to_string(),
                    a.filename.clone(),
                    match a.kind.as_str() {
                        "letter" => "Surat permohonan".to_owned(),
                        "media" => format!("Media ({})", a.content_type),
                        other => other.to_owned(),
                    },
                    labels::size(a.size_bytes),
                    a.sha256.clone(),
                ]
            })
            .collect();
        sheet.table(&ATTACHMENT_COLUMNS, &rows, Style::regular(7.5))?;
        sheet.gap(6.0);
    }

    sheet.heading("Arsip")?;
    match &data.archive {
        Some(archive) => {
            let by = name_of(&data.users, archive.archived_by).unwrap_or_else(|| "—".into());
            sheet.field("Kode klasifikasi", &archive.classification_code)?;
            sheet.field(
                "Masa retensi",
                &format!(
                    "{} tahun, sampai {}",
                    archive.retention_years,
                    labels::date(archive.retain_until)
                ),
            )?;
            sheet.field(
                "Diarsipkan",
                &format!("{} oleh {by}", labels::date_time(archive.archived_at)),
            )?;
            sheet.field("SHA-256 teks arsip", &sha256_hex(&archive.final_text))?;
        }
        None => sheet.paragraph("Belum diarsipkan.", Style::regular(9.0))?,
    }
    sheet.gap(6.0);
    sheet.paragraph(
        "Waktu dalam WIB (UTC+7). SHA-256 pesan terkirim dihitung oleh pengirim atas pesan \
         persis seperti dikirim ke Telegram (metode, teks/keterangan HTML, SHA-256 tiap berkas; \
         bentuk kanonis warta-sent-v1), sehingga salinan elektronik dapat dicocokkan dengan \
         rekam kertas ini.",
        Style::regular(7.5),
    )?;
    sheet.finish(&format!(
        "Warta — Rekam Publikasi {} — dicetak {}",
        request.agenda_number,
        labels::date_time(data.printed_at)
    ))
}
