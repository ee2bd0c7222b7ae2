//! The Indonesian words and time formats of the printed records. Paper is read by the office
//! and filed with the university's records, so it speaks the office's language and shows
//! times in WIB.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

use crate::workflow::{Instruction, Priority, PublicationStatus, Role, Status, Step, sla::wib};

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// The *sifat* of a letter: Biasa, Segera or Sangat Segera.
pub fn priority(stored: &str) -> String {
    match stored.parse::<Priority>() {
        Ok(Priority::Biasa) => "Biasa".into(),
        Ok(Priority::Segera) => "Segera".into(),
        Ok(Priority::SangatSegera) => "Sangat Segera".into(),
        Err(_) => stored.into(),
    }
}

/// A role as it is written on a disposition sheet.
pub fn role(stored: &str) -> String {
    match stored.parse::<Role>() {
        Ok(Role::Requester) => "Pemohon".into(),
        Ok(Role::ViceRector) => "Wakil Rektor III".into(),
        Ok(Role::BureauHead) => "Kepala BPKH".into(),
        Ok(Role::PkihCoordinator) => "Koordinator PKIH".into(),
        Ok(Role::HumasDeputy) => "Wakil Koordinator Humas".into(),
        Ok(Role::Staff) => "Petugas Humas".into(),
        Ok(Role::Admin) => "Administrator".into(),
        Err(_) => stored.into(),
    }
}

/// The SOP step's name.
pub fn step(number: i16) -> String {
    match Step::from_number(number) {
        Some(Step::Disposition) => "Disposisi".into(),
        Some(Step::Instruction) => "Instruksi".into(),
        Some(Step::Verification) => "Verifikasi".into(),
        Some(Step::Review) => "Telaah narasi".into(),
        Some(Step::Assignment) => "Penugasan".into(),
        Some(Step::Publication) => "Publikasi".into(),
        Some(Step::Archiving) => "Pengarsipan".into(),
        None => format!("Langkah {number}"),
    }
}

/// A standard instruction (the sheet's tick boxes).
pub fn instruction(stored: &str) -> String {
    match stored.parse::<Instruction>() {
        Ok(Instruction::TindakLanjuti) => "Untuk ditindaklanjuti".into(),
        Ok(Instruction::UntukDiketahui) => "Untuk diketahui".into(),
        Ok(Instruction::Segera) => "Segera".into(),
        Ok(Instruction::Koordinasikan) => "Koordinasikan".into(),
        Ok(Instruction::Pelajari) => "Pelajari".into(),
        Ok(Instruction::SiapkanPublikasi) => "Siapkan publikasi".into(),
        Ok(Instruction::Arsipkan) => "Arsipkan".into(),
        Err(_) => stored.into(),
    }
}

/// How a step ended.
pub fn outcome(stored: &str) -> String {
    match stored {
        "forwarded" => "diteruskan".into(),
        "returned" => "dikembalikan".into(),
        "rejected" => "ditolak".into(),
        "withdrawn" => "ditarik pemohon".into(),
        "published" => "dipublikasikan".into(),
        "archived" => "diarsipkan".into(),
        "reassigned" => "dialihkan".into(),
        other => other.into(),
    }
}

/// Where a request stands.
pub fn status(stored: &str) -> String {
    match stored.parse::<Status>() {
        Ok(Status::InStep(s)) => format!(
            "Dalam proses — langkah {} ({})",
            s.number(),
            step(s.number()).to_lowercase()
        ),
        Ok(Status::Returned) => "Dikembalikan kepada pemohon untuk revisi".into(),
        Ok(Status::Archived) => "Selesai, telah diarsipkan".into(),
        Ok(Status::Rejected) => "Ditolak".into(),
        Ok(Status::Withdrawn) => "Ditarik oleh pemohon".into(),
        Err(_) => stored.into(),
    }
}

/// A publication's delivery state.
pub fn publication_status(stored: &str) -> String {
    match stored.parse::<PublicationStatus>() {
        Ok(PublicationStatus::Pending) => "Menunggu".into(),
        Ok(PublicationStatus::Queued) => "Dalam antrean".into(),
        Ok(PublicationStatus::Sending) => "Sedang dikirim".into(),
        Ok(PublicationStatus::Sent) => "Terkirim".into(),
        Ok(PublicationStatus::Failed) => "Gagal".into(),
        Ok(PublicationStatus::Uncertain) => "Belum pasti".into(),
        Ok(PublicationStatus::Retracted) => "Ditarik".into(),
        Err(_) => stored.into(),
    }
}

/// A time standard: "1 hari", "2 jam", "10 menit", marked when only working hours count.
pub fn standard(minutes: i32, working_hours_only: bool) -> String {
    let text = if minutes > 0 && minutes % (24 * 60) == 0 {
        format!("{} hari", minutes / (24 * 60))
    } else if minutes > 0 && minutes % 60 == 0 {
        format!("{} jam", minutes / 60)
    } else {
        format!("{minutes} menit")
    };
    if working_hours_only {
        format!("{text} (jam kerja)")
    } else {
        text
    }
}

/// "29 November 2026".
pub fn date(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// "29 November 2026 pukul 14.05 WIB".
pub fn date_time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&wib());
    format!(
        "{} pukul {:02}.{:02} WIB",
        date(local.date_naive()),
        local.hour(),
        local.minute()
    )
}

/// "29/11/2026 14.05", compact for table cells (the sheet says once that times are WIB).
pub fn short_time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&wib());
    format!(
        "{:02}/{:02}/{} {:02}.{:02}",
        local.day(),
        local.month(),
        local.year(),
        local.hour(),
        local.minute()
    )
}

/// A file size with a decimal comma: "820 B", "12,5 KB", "3,1 MB".
pub fn size(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    let text = if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    };
    text.replace('.', ",")
}

/// "29/11/2026" over "14.05", for narrow table columns.
pub fn cell_time(at: DateTime<Utc>) -> String {
    short_time(at).replacen(' ', "\n", 1)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn times_are_shown_in_wib() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 29, 19, 5, 0)
            .single()
            .expect("a time");
        assert_eq!(date_time(at), "30 November 2026 pukul 02.05 WIB");
        assert_eq!(short_time(at), "30/11/2026 02.05");
    }

    #[test]
    fn standards_read_as_people_say_them() {
        assert_eq!(standard(24 * 60, false), "1 hari");
        assert_eq!(standard(120, false), "2 jam");
        assert_eq!(standard(10, true), "10 menit (jam kerja)");
        assert_eq!(size(820), "820 B");
        assert_eq!(size(12_800), "12,5 KB");
    }

    #[test]
    fn stored_values_get_indonesian_labels() {
        assert_eq!(priority("sangat_segera"), "Sangat Segera");
        assert_eq!(role("humas_deputy"), "Wakil Koordinator Humas");
        assert_eq!(instruction("tindak_lanjuti"), "Untuk ditindaklanjuti");
        assert_eq!(step(7), "Pengarsipan");
    }
}
