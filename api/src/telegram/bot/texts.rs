//! What the bot says to requesters, in Indonesian (the default) and English (for a Telegram
//! client set to English).

/// The language of a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    /// From Telegram's `language_code` (`en`, `en-GB`, `id`, …): English for English, else
    /// Indonesian.
    pub fn from_code(code: Option<&str>) -> Self {
        match code {
            Some(c) if c.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Id,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn parse(stored: &str) -> Self {
        if stored == "en" { Lang::En } else { Lang::Id }
    }

    /// Picks the text in this language.
    pub fn t(self, id: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}

pub fn welcome(lang: Lang) -> &'static str {
    lang.t(
        "Selamat datang di Warta, layanan permohonan publikasi Humas Universitas Jember.\n\n/baru — ajukan permohonan publikasi\n/status — permohonan Anda\n/batal — batalkan pengisian\n/link KODE — hubungkan akun Warta",
        "Welcome to Warta, the publication requests of Humas, Universitas Jember.\n\n/new — make a publication request\n/status — your requests\n/cancel — stop filling in\n/link CODE — link your Warta account",
    )
}

/// Unlinked chats are told to link: requests are made by registered requesters (the SOP
/// knows who asks, and the office creates the accounts), so the bot does not register
/// strangers.
pub fn not_linked(lang: Lang) -> &'static str {
    lang.t(
        "Akun Telegram ini belum terhubung dengan akun Warta. Masuk ke aplikasi Warta, buka Pengaturan → Telegram, minta kode, lalu kirim di sini: /link KODE",
        "This Telegram account is not linked to a Warta account yet. Sign in to the Warta app, open Settings → Telegram, ask for a code and send it here: /link CODE",
    )
}

pub fn link_usage(lang: Lang) -> &'static str {
    lang.t(
        "Kirim kode dari Pengaturan aplikasi Warta: /link KODE",
        "Send the code from the Warta app's Settings: /link CODE",
    )
}

pub fn linked(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Id => format!(
            "Terhubung sebagai {name}. Ketik /baru untuk mengajukan permohonan publikasi, /status untuk melihat permohonan Anda."
        ),
        Lang::En => format!(
            "Linked as {name}. Send /new to make a publication request, /status to see your requests."
        ),
    }
}

pub fn link_refused(lang: Lang, why: &str) -> String {
    let why_local = match (lang, why) {
        (Lang::Id, w) if w.contains("expired") => "kode sudah kedaluwarsa",
        (Lang::Id, w) if w.contains("used already") => "kode sudah pernah dipakai",
        (Lang::Id, w) if w.contains("unknown") || w.contains("letters and digits") => {
            "kode tidak dikenal"
        }
        (Lang::Id, _) => "kode tidak dapat dipakai",
        (Lang::En, w) if w.contains("expired") => "the code has expired",
        (Lang::En, w) if w.contains("used already") => "the code was used already",
        (Lang::En, w) if w.contains("unknown") || w.contains("letters and digits") => {
            "the code is unknown"
        }
        (Lang::En, _) => "the code cannot be used",
    };
    match lang {
        Lang::Id => format!(
            "Gagal menghubungkan: {why_local}. Minta kode baru di Pengaturan aplikasi Warta lalu kirim /link KODE."
        ),
        Lang::En => format!(
            "Could not link: {why_local}. Ask for a new code in the Warta app's Settings and send /link CODE."
        ),
    }
}

pub fn not_a_requester(lang: Lang) -> &'static str {
    lang.t(
        "Akun Anda tidak memiliki peran pemohon, jadi tidak dapat mengajukan permohonan.",
        "Your account does not hold the requester role, so it cannot make requests.",
    )
}

pub fn ask_title(lang: Lang) -> &'static str {
    lang.t(
        "Permohonan publikasi baru (ketik /batal kapan saja untuk membatalkan).\n\n1/6 Apa judul publikasinya?",
        "New publication request (send /cancel at any time to stop).\n\n1/6 What is the title of the publication?",
    )
}

pub fn ask_narrative(lang: Lang) -> &'static str {
    lang.t(
        "2/6 Tuliskan narasi (isi berita) yang akan dipublikasikan.",
        "2/6 Write the narrative (the text) to publish.",
    )
}

pub fn ask_audience(lang: Lang) -> &'static str {
    lang.t(
        "3/6 Siapa sasaran publikasinya? (mis. mahasiswa, dosen, masyarakat umum)",
        "3/6 Who is the audience? (e.g. students, lecturers, the public)",
    )
}

pub fn ask_date(lang: Lang) -> &'static str {
    lang.t(
        "4/6 Kapan sebaiknya dipublikasikan? Tulis tanggal (dd-mm-yyyy atau dd/mm/yyyy), \"hari ini\", \"besok\", \"lusa\", atau \"-\" bila tidak ada.",
        "4/6 When should it be published? Write a date (dd-mm-yyyy or dd/mm/yyyy), \"today\", \"tomorrow\", or \"-\" for no date.",
    )
}

pub fn bad_date(lang: Lang) -> &'static str {
    lang.t(
        "Tanggal tidak dapat dibaca atau sudah lewat. Contoh: 24-12-2026, 24/12/2026, besok, atau \"-\".",
        "That date cannot be read or has passed. For example: 24-12-2026, 24/12/2026, tomorrow, or \"-\".",
    )
}

pub fn ask_letter(lang: Lang) -> &'static str {
    lang.t(
        "5/6 Kirim surat permohonan: berkas PDF atau foto surat (wajib).",
        "5/6 Send the request letter: a PDF file or a photo of the letter (required).",
    )
}

pub fn bad_letter(lang: Lang) -> &'static str {
    lang.t(
        "Surat permohonan wajib berupa berkas PDF atau foto. Silakan kirim ulang.",
        "The request letter must be a PDF file or a photo. Please send it again.",
    )
}

pub fn ask_media(lang: Lang) -> &'static str {
    lang.t(
        "6/6 Kirim foto, video atau dokumen pendukung (boleh beberapa sekaligus sebagai album). Ketik \"selesai\" bila sudah, atau \"lewati\" bila tidak ada.",
        "6/6 Send photos, videos or documents to publish (several at once as an album is fine). Send \"done\" when finished, or \"skip\" if there are none.",
    )
}

pub fn bad_media(lang: Lang) -> &'static str {
    lang.t(
        "Kirim foto, video atau dokumen, atau ketik \"selesai\".",
        "Send a photo, video or document, or send \"done\".",
    )
}

pub fn media_received(lang: Lang, count: usize, total: usize) -> String {
    match lang {
        Lang::Id => format!(
            "Diterima {count} berkas (seluruhnya {total}). Kirim lagi, atau ketik \"selesai\"."
        ),
        Lang::En => {
            format!("Received {count} file(s) ({total} in all). Send more, or send \"done\".")
        }
    }
}

pub fn too_many_files(lang: Lang) -> &'static str {
    lang.t(
        "Paling banyak 20 berkas per permohonan; berkas ini tidak disimpan. Ketik \"selesai\".",
        "At most 20 files per request; this one was not kept. Send \"done\".",
    )
}

pub fn file_refused(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Id => format!("Berkas tidak dapat diterima: {why}. Silakan kirim yang lain."),
        Lang::En => format!("The file cannot be accepted: {why}. Please send another."),
    }
}

pub fn empty_answer(lang: Lang) -> &'static str {
    lang.t(
        "Jawaban tidak boleh kosong dan harus berupa teks. Silakan ulangi.",
        "The answer must be text and not empty. Please try again.",
    )
}

pub fn too_long(lang: Lang, max: usize) -> String {
    match lang {
        Lang::Id => {
            format!("Jawaban terlalu panjang (paling banyak {max} karakter). Silakan ulangi.")
        }
        Lang::En => format!("The answer is too long (at most {max} characters). Please try again."),
    }
}

pub fn confirm_buttons(lang: Lang) -> (&'static str, &'static str) {
    (
        lang.t("✅ Kirim", "✅ Submit"),
        lang.t("✖ Batal", "✖ Cancel"),
    )
}

pub fn confirm_hint(lang: Lang) -> &'static str {
    lang.t(
        "Periksa ringkasan di atas. Tekan Kirim (atau ketik \"kirim\") untuk mengajukan, Batal (atau /batal) untuk membatalkan.",
        "Check the summary above. Press Submit (or send \"submit\") to send it, Cancel (or /cancel) to stop.",
    )
}

pub fn cancelled(lang: Lang) -> &'static str {
    lang.t(
        "Pengisian permohonan dibatalkan. Ketik /baru untuk memulai lagi.",
        "The request was cancelled. Send /new to start again.",
    )
}

pub fn nothing_to_cancel(lang: Lang) -> &'static str {
    lang.t(
        "Tidak ada pengisian yang sedang berjalan.",
        "Nothing is being filled in.",
    )
}

pub fn submitted(lang: Lang, agenda: &str, link: &str) -> String {
    match lang {
        Lang::Id => format!(
            "Permohonan diterima dengan nomor agenda {agenda} dan diteruskan ke Wakil Rektor III (langkah 1). Ikuti perkembangannya dengan /status atau di {link}"
        ),
        Lang::En => format!(
            "Request received with agenda number {agenda} and sent to the Vice Rector III (step 1). Follow it with /status or at {link}"
        ),
    }
}

pub fn submit_failed(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Id => format!(
            "Permohonan belum dapat dikirim: {why}. Jawaban Anda tetap tersimpan; coba lagi dengan \"kirim\" atau /batal."
        ),
        Lang::En => format!(
            "The request could not be sent: {why}. Your answers are kept; try again with \"submit\" or /cancel."
        ),
    }
}

pub fn unknown(lang: Lang) -> &'static str {
    lang.t(
        "Perintah tidak dikenal. Ketik /baru untuk mengajukan permohonan atau /status untuk melihat permohonan Anda.",
        "Unknown command. Send /new to make a request or /status to see your requests.",
    )
}

pub fn no_requests(lang: Lang) -> &'static str {
    lang.t(
        "Anda belum memiliki permohonan. Ketik /baru untuk mengajukan.",
        "You have no requests yet. Send /new to make one.",
    )
}

pub fn status_header(lang: Lang) -> &'static str {
    lang.t(
        "Permohonan Anda (terbaru dahulu):",
        "Your requests (latest first):",
    )
}

pub fn deadline_label(lang: Lang) -> &'static str {
    lang.t("batas", "due")
}

/// A request status as a requester reads it.
pub fn status_name(lang: Lang, status: &str) -> &'static str {
    match status {
        "DISPOSITION" => lang.t(
            "Disposisi Wakil Rektor III",
            "Vice Rector III's disposition",
        ),
        "INSTRUCTION" => lang.t("Instruksi Kepala Biro", "Head of Bureau's instruction"),
        "VERIFICATION" => lang.t("Verifikasi Koordinator PKIH", "PKIH Coordinator's check"),
        "REVIEW" => lang.t(
            "Telaah Wakil Koordinator Humas",
            "Deputy Humas Coordinator's review",
        ),
        "ASSIGNMENT" => lang.t("Penugasan staf", "Assignment to staff"),
        "PUBLICATION" => lang.t("Publikasi", "Publication"),
        "ARCHIVING" => lang.t("Pengarsipan", "Archiving"),
        "RETURNED" => lang.t("Dikembalikan untuk perbaikan", "Returned for revision"),
        "ARCHIVED" => lang.t("Selesai dan diarsipkan", "Done and archived"),
        "REJECTED" => lang.t("Ditolak", "Rejected"),
        "WITHDRAWN" => lang.t("Ditarik", "Withdrawn"),
        _ => lang.t("Tidak diketahui", "Unknown"),
    }
}

pub fn summary_labels(
    lang: Lang,
) -> (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
) {
    match lang {
        Lang::Id => (
            "Ringkasan permohonan",
            "Judul",
            "Sasaran",
            "Tanggal",
            "Lampiran",
            "Narasi",
        ),
        Lang::En => (
            "Request summary",
            "Title",
            "Audience",
            "Date",
            "Attachments",
            "Narrative",
        ),
    }
}
