//! The SHA-256 of what a publication put on Telegram (`publication.sent_sha256`), computed by
//! the worker over the exact calls it made, so that a record can prove what was posted.
//!
//! Canonical form, hashed as UTF-8 bytes, one block per Bot API call in sending order:
//!
//! ```text
//! warta-sent-v1\n
//! method <sendMessage|sendPhoto|sendVideo|sendDocument|sendMediaGroup>\n
//! parse_mode HTML\n
//! media <photo|video|document> <hex SHA-256 of the file's bytes>\n   (one line per file)
//! text <length in bytes>\n<text or caption exactly as sent>\n        (none without caption)
//! ```
//!
//! Lengths make the text unambiguous whatever it contains; a file sent again by `file_id`
//! hashes as the bytes first uploaded. Anyone holding the approved text, the attachments and
//! this description can recompute the hash.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::render::{Media, MediaKind, Outgoing};

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The canonical description of the calls, as hashed.
pub fn canonical(calls: &[Outgoing], file_sha256: &HashMap<i64, String>) -> String {
    let mut out = String::from("warta-sent-v1\n");
    for call in calls {
        let (method, media, text): (&str, Vec<&Media>, Option<&str>) = match call {
            Outgoing::Text { html } => ("sendMessage", vec![], Some(html)),
            Outgoing::Single { media, caption } => {
                let method = match media.kind {
                    MediaKind::Photo => "sendPhoto",
                    MediaKind::Video => "sendVideo",
                    MediaKind::Document => "sendDocument",
                };
                (method, vec![media], caption.as_deref())
            }
            Outgoing::Album { items, caption } => {
                ("sendMediaGroup", items.iter().collect(), caption.as_deref())
            }
        };
        out.push_str(&format!("method {method}\nparse_mode HTML\n"));
        for m in media {
            let kind = match m.kind {
                MediaKind::Photo => "photo",
                MediaKind::Video => "video",
                MediaKind::Document => "document",
            };
            let sha = file_sha256
                .get(&m.attachment_id)
                .map(String::as_str)
                .unwrap_or("unknown");
            out.push_str(&format!("media {kind} {sha}\n"));
        }
        if let Some(text) = text {
            out.push_str(&format!("text {}\n{text}\n", text.len()));
        }
    }
    out
}

/// The hash stored as `publication.sent_sha256`.
pub fn sent_sha256(calls: &[Outgoing], file_sha256: &HashMap<i64, String>) -> String {
    sha256_hex(canonical(calls, file_sha256).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::publisher::render::tests::photo;

    #[test]
    fn the_canonical_form_lists_each_call_with_its_files_and_text() {
        let files = HashMap::from([(1, sha256_hex(b"a")), (2, sha256_hex(b"b"))]);
        let calls = vec![
            Outgoing::Album {
                items: vec![photo(1), photo(2)],
                caption: Some("<b>Judul</b>".into()),
            },
            Outgoing::Text {
                html: "Lanjutan".into(),
            },
        ];
        assert_eq!(
            canonical(&calls, &files),
            format!(
                "warta-sent-v1\nmethod sendMediaGroup\nparse_mode HTML\nmedia photo {}\nmedia photo {}\ntext 12\n<b>Judul</b>\nmethod sendMessage\nparse_mode HTML\ntext 8\nLanjutan\n",
                sha256_hex(b"a"),
                sha256_hex(b"b")
            )
        );
    }

    #[test]
    fn any_change_in_text_file_or_order_changes_the_hash() {
        let files = HashMap::from([(1, sha256_hex(b"a")), (2, sha256_hex(b"b"))]);
        let base = sent_sha256(
            &[Outgoing::Single {
                media: photo(1),
                caption: Some("x".into()),
            }],
            &files,
        );
        let other_file = sent_sha256(
            &[Outgoing::Single {
                media: photo(2),
                caption: Some("x".into()),
            }],
            &files,
        );
        let other_text = sent_sha256(
            &[Outgoing::Single {
                media: photo(1),
                caption: Some("y".into()),
            }],
            &files,
        );
        let no_caption = sent_sha256(
            &[Outgoing::Single {
                media: photo(1),
                caption: None,
            }],
            &files,
        );
        assert_eq!(base.len(), 64);
        assert_ne!(base, other_file);
        assert_ne!(base, other_text);
        assert_ne!(base, no_caption);
    }
}
