//! The *lembar disposisi*: the letter's particulars and the chain of dispositions down the
//! SOP, each with its people, instruction, times and whether it met its time standard.

use entity::disposition;

use crate::workflow::Instruction;

use super::{
    SheetData, labels,
    layout::{Column, PaperError, Sheet, Style, TEXT_WIDTH},
    name_of,
};

/// The institution's heading, shared by both documents.
pub(crate) fn letterhead(sheet: &mut Sheet, title: &str) -> Result<(), PaperError> {
    sheet.centered("UNIVERSITAS JEMBER", Style::bold(14.0))?;
    sheet.centered(
        "Biro Perencanaan, Sistem Informasi dan Hubungan Masyarakat (BPKH)",
        Style::regular(10.0),
    )?;
    sheet.centered("PKIH — Hubungan Masyarakat (Humas)", Style::regular(8.5))?;
    sheet.gap(4.0);
    sheet.rule(1.4);
    sheet.gap(1.0);
    sheet.rule(0.4);
    sheet.gap(8.0);
    sheet.centered(title, Style::bold(13.0))?;
    sheet.centered(
        "SOP PKIH HUM-02 — Layanan Multimedia Telegram Humas",
        Style::regular(8.0),
    )?;
    sheet.gap(10.0);
    Ok(())
}

const COLUMNS: [Column; 10] = [
    Column {
        title: "No",
        width: 18.0,
    },
    Column {
        title: "Langkah",
        width: 54.0,
    },
    Column {
        title: "Dari",
        width: 56.0,
    },
    Column {
        title: "Kepada",
        width: 58.0,
    },
    Column {
        title: "Instruksi",
        width: 62.0,
    },
    Column {
        title: "Catatan",
        width: 57.28,
    },
    Column {
        title: "Dikirim",
        width: 48.0,
    },
    Column {
        title: "Dibaca",
        width: 48.0,
    },
    Column {
        title: "Selesai",
        width: 60.0,
    },
    Column {
        title: "Mutu baku",
        width: 50.0,
    },
];

const BOX_COLUMNS: [Column; 4] = [
    Column {
        title: "",
        width: 127.82,
    },
    Column {
        title: "",
        width: 127.82,
    },
    Column {
        title: "",
        width: 127.82,
    },
    Column {
        title: "",
        width: 127.82,
    },
];

/// The printed form's tick boxes: every standard instruction, ticked when some disposition
/// in the chain gave it.
fn instruction_boxes(data: &SheetData) -> Vec<Vec<String>> {
    let boxes: Vec<String> = Instruction::ALL
        .iter()
        .map(|i| {
            let given = data
                .dispositions
                .iter()
                .any(|d| d.instruction.as_deref() == Some(i.as_str()));
            let mark = if given { '☑' } else { '☐' };
            format!("{mark} {}", labels::instruction(i.as_str()))
        })
        .collect();
    boxes
        .chunks(BOX_COLUMNS.len())
        .map(<[String]>::to_vec)
        .collect()
}

/// Lays out and draws the sheet.
pub fn render(data: &SheetData) -> Result<Vec<u8>, PaperError> {
    debug_assert!((COLUMNS.iter().map(|c| c.width).sum::<f32>() - TEXT_WIDTH).abs() < 0.5);
    let request = &data.request;
    let mut sheet = Sheet::new(format!("Lembar Disposisi {}", request.agenda_number));
    letterhead(&mut sheet, "LEMBAR DISPOSISI")?;

    let requester = name_of(&data.users, Some(request.requester_id)).unwrap_or_else(|| "—".into());
    sheet.field("Nomor agenda", &request.agenda_number)?;
    sheet.field("Tanggal diterima", &labels::date_time(request.submitted_at))?;
    sheet.field("Pengirim", &requester)?;
    sheet.field("Unit", &request.unit)?;
    sheet.field("Perihal", &request.title)?;
    sheet.field("Sifat", &labels::priority(&request.priority))?;
    sheet.field("Sasaran", &request.audience)?;
    if let Some(date) = request.desired_date {
        sheet.field("Tanggal terbit diminta", &labels::date(date))?;
    }
    sheet.field("Status", &labels::status(&request.status))?;
    sheet.gap(6.0);

    sheet.heading("Instruksi")?;
    sheet.table(&BOX_COLUMNS, &instruction_boxes(data), Style::regular(8.0))?;
    sheet.gap(8.0);

    sheet.heading("Alur disposisi")?;
    let rows: Vec<Vec<String>> = data
        .dispositions
        .iter()
        .enumerate()
        .map(|(index, d)| row(data, index + 1, d))
        .collect();
    if rows.is_empty() {
        sheet.paragraph("Belum ada disposisi.", Style::regular(9.0))?;
    } else {
        sheet.table(&COLUMNS, &rows, Style::regular(7.0))?;
    }
    sheet.gap(6.0);
    let late = data
        .dispositions
        .iter()
        .filter(|d| met(d, data) == Some(false))
        .count();
    let summary = if late == 0 {
        "Semua langkah memenuhi mutu baku (sejauh ini).".to_owned()
    } else {
        format!("{late} langkah melewati batas waktu mutu baku.")
    };
    sheet.paragraph(&summary, Style::bold(8.5))?;
    sheet.paragraph(
        "Waktu dalam WIB (UTC+7). Mutu baku: batas waktu setiap langkah menurut SOP; \
         “tepat waktu” bila langkah selesai sebelum batasnya.",
        Style::regular(7.5),
    )?;
    sheet.finish(&format!(
        "Warta — Lembar Disposisi {} — dicetak {}",
        request.agenda_number,
        labels::date_time(data.printed_at)
    ))
}

/// Met within the deadline; `None` while open and still in time.
fn met(d: &disposition::Model, data: &SheetData) -> Option<bool> {
    match d.done_at {
        Some(done) => Some(done <= d.sla_deadline),
        None if data.printed_at > d.sla_deadline => Some(false),
        None => None,
    }
}

fn row(data: &SheetData, number: usize, d: &disposition::Model) -> Vec<String> {
    let from = match name_of(&data.users, d.from_user_id) {
        Some(name) if d.from_user_id == Some(data.request.requester_id) && d.step == 1 => {
            format!("{name} (pemohon)")
        }
        Some(name) => name,
        None => "—".into(),
    };
    let mut to = labels::role(&d.to_role);
    if let Some(name) = name_of(&data.users, d.to_user_id) {
        to = format!("{to}: {name}");
    }
    let mut instruction: Vec<String> = Vec::new();
    if let Some(code) = &d.instruction {
        instruction.push(labels::instruction(code));
    }
    if let Some(text) = d
        .instruction_text
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        instruction.push(text.to_owned());
    }
    if d.priority != "biasa" {
        instruction.push(format!("Sifat: {}", labels::priority(&d.priority)));
    }
    if let Some(due) = d.due_at {
        instruction.push(format!("Tenggat: {}", labels::short_time(due)));
    }
    let done = match (d.done_at, &d.outcome) {
        (Some(at), Some(outcome)) => {
            format!("{}\n{}", labels::cell_time(at), labels::outcome(outcome))
        }
        (Some(at), None) => labels::cell_time(at),
        (None, _) => "—".into(),
    };
    let verdict = match (met(d, data), d.done_at) {
        (Some(true), _) => "Tepat waktu".to_owned(),
        (Some(false), Some(_)) => "Terlambat".to_owned(),
        (Some(false), None) => "Lewat batas".to_owned(),
        (None, _) => format!("Berjalan, batas {}", labels::short_time(d.sla_deadline)),
    };
    vec![
        number.to_string(),
        format!("{}. {}", d.step, labels::step(d.step)),
        from,
        to,
        if instruction.is_empty() {
            "—".into()
        } else {
            instruction.join("\n")
        },
        d.note.clone().unwrap_or_default(),
        labels::cell_time(d.created_at),
        d.read_at.map_or_else(|| "—".into(), labels::cell_time),
        done,
        format!(
            "{}\n{verdict}",
            labels::standard(d.sla_minutes, d.sla_working_hours_only)
        ),
    ]
}
