//! Turns approved content into the Telegram messages that carry it: HTML with correct
//! escaping, photos, videos, documents and albums, with captions that fit. Nothing is ever
//! cut: a text too long for a caption goes as its own message after the media.

/// Longest message text, in code points after entity parsing.
pub const MAX_TEXT: usize = 4096;
/// Longest caption, in code points after entity parsing.
pub const MAX_CAPTION: usize = 1024;
/// Items in one album (`sendMediaGroup`).
pub const ALBUM_MIN: usize = 2;
pub const ALBUM_MAX: usize = 10;

/// What kind of file a media attachment is, as Telegram sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Photo,
    Video,
    Document,
}

impl MediaKind {
    /// The kind for a sniffed content type.
    pub fn of_content_type(content_type: &str) -> MediaKind {
        match content_type {
            "image/jpeg" | "image/png" | "image/webp" => MediaKind::Photo,
            "video/mp4" | "video/quicktime" | "video/webm" => MediaKind::Video,
            // GIFs and PDFs travel as documents, which keeps them unaltered.
            _ => MediaKind::Document,
        }
    }
}

/// A file to send, referred to by the attachment it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub attachment_id: i64,
    pub kind: MediaKind,
}

/// One Bot API call of a publication, in sending order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// `sendMessage` with HTML.
    Text { html: String },
    /// `sendPhoto` / `sendVideo` / `sendDocument`, with an optional HTML caption.
    Single {
        media: Media,
        caption: Option<String>,
    },
    /// `sendMediaGroup`: 2–10 items of compatible kinds, the caption on the first.
    Album {
        items: Vec<Media>,
        caption: Option<String>,
    },
}

impl Outgoing {
    /// How many messages the call posts (album items count one each, as Telegram paces them).
    pub fn message_count(&self) -> usize {
        match self {
            Outgoing::Album { items, .. } => items.len(),
            _ => 1,
        }
    }
}

/// Why content cannot be published as it stands (said at review time, never discovered by
/// cutting text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("the text is empty")]
    EmptyText,
    #[error("the text is {len} characters; Telegram allows {max} per message")]
    TextTooLong { len: usize, max: usize },
}

/// Escapes text for Telegram's HTML parse mode: only `<`, `>` and `&` need it.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// The announcement as HTML: the title in bold, a blank line, the narrative.
pub fn announcement_html(title: &str, narrative: &str) -> String {
    format!(
        "<b>{}</b>\n\n{}",
        escape_html(title.trim()),
        escape_html(narrative.trim())
    )
}

/// The length Telegram counts: code points of the text after entity parsing, i.e. with the
/// tags removed and the character references decoded.
pub fn visible_len(html: &str) -> usize {
    let mut len = 0;
    let mut chars = html.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                for t in chars.by_ref() {
                    if t == '>' {
                        break;
                    }
                }
            }
            '&' => {
                // A reference such as `&amp;` or `&#39;` is one character.
                let mut reference = String::new();
                while let Some(&n) = chars.peek() {
                    if n == ';' || reference.len() > 10 {
                        break;
                    }
                    reference.push(n);
                    chars.next();
                }
                if chars.peek() == Some(&';') {
                    chars.next();
                }
                len += 1;
            }
            _ => len += 1,
        }
    }
    len
}

/// Checks that the announcement text can be published: not empty and not over one message.
pub fn check_text(title: &str, narrative: &str) -> Result<String, RenderError> {
    if narrative.trim().is_empty() && title.trim().is_empty() {
        return Err(RenderError::EmptyText);
    }
    let html = announcement_html(title, narrative);
    let len = visible_len(&html);
    if len > MAX_TEXT {
        return Err(RenderError::TextTooLong { len, max: MAX_TEXT });
    }
    Ok(html)
}

/// Plans the calls that publish `title`/`narrative` with `media` (in upload order).
///
/// - No media: one text message.
/// - Media: photos and videos go together in albums of up to 10, documents in albums of their
///   own kind (Telegram refuses mixing them); a lone file goes as a single message.
/// - The text rides as the caption of the first call when it fits in 1024 characters;
///   otherwise it follows as its own message.
pub fn plan(title: &str, narrative: &str, media: &[Media]) -> Result<Vec<Outgoing>, RenderError> {
    let html = check_text(title, narrative)?;
    if media.is_empty() {
        return Ok(vec![Outgoing::Text { html }]);
    }
    let (visual, documents): (Vec<Media>, Vec<Media>) = media
        .iter()
        .cloned()
        .partition(|m| m.kind != MediaKind::Document);
    let mut calls: Vec<Outgoing> = Vec::new();
    for group in [visual, documents] {
        for chunk in group.chunks(ALBUM_MAX) {
            calls.push(match chunk {
                [one] => Outgoing::Single {
                    media: one.clone(),
                    caption: None,
                },
                many => Outgoing::Album {
                    items: many.to_vec(),
                    caption: None,
                },
            });
        }
    }
    if visible_len(&html) <= MAX_CAPTION {
        match calls.first_mut() {
            Some(Outgoing::Single { caption, .. }) | Some(Outgoing::Album { caption, .. }) => {
                *caption = Some(html);
            }
            _ => calls.push(Outgoing::Text { html }),
        }
    } else {
        calls.push(Outgoing::Text { html });
    }
    Ok(calls)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn photo(id: i64) -> Media {
        Media {
            attachment_id: id,
            kind: MediaKind::Photo,
        }
    }

    fn document(id: i64) -> Media {
        Media {
            attachment_id: id,
            kind: MediaKind::Document,
        }
    }

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(escape_html("a < b & c > d"), "a &lt; b &amp; c &gt; d");
        let html = announcement_html("R&D <Unej>", "Pukul 07.30 WIB.");
        assert_eq!(html, "<b>R&amp;D &lt;Unej&gt;</b>\n\nPukul 07.30 WIB.");
    }

    #[test]
    fn length_is_counted_as_telegram_counts_it() {
        assert_eq!(visible_len("<b>ab</b>"), 2);
        assert_eq!(visible_len("a &amp; b"), 5);
        assert_eq!(visible_len("é😀"), 2);
        assert_eq!(visible_len(&announcement_html("T", "x")), 4);
    }

    #[test]
    fn text_alone_is_one_message() {
        let calls = plan("Judul", "Isi", &[]).unwrap();
        assert_eq!(
            calls,
            vec![Outgoing::Text {
                html: "<b>Judul</b>\n\nIsi".into()
            }]
        );
    }

    #[test]
    fn a_short_text_is_the_caption_of_the_album() {
        let calls = plan("Juara", "Tim robotika", &[photo(1), photo(2), photo(3)]).unwrap();
        assert_eq!(calls.len(), 1);
        let Outgoing::Album { items, caption } = &calls[0] else {
            panic!("album expected")
        };
        assert_eq!(items.len(), 3);
        assert!(caption.as_deref().unwrap().contains("Juara"));
        assert_eq!(calls[0].message_count(), 3);
    }

    #[test]
    fn a_long_text_follows_the_media_and_is_never_cut() {
        let narrative = "kata ".repeat(400);
        let calls = plan("Judul", &narrative, &[photo(1)]).unwrap();
        assert_eq!(calls.len(), 2);
        assert!(matches!(&calls[0], Outgoing::Single { caption: None, .. }));
        let Outgoing::Text { html } = &calls[1] else {
            panic!("text expected")
        };
        assert!(html.ends_with(narrative.trim()));
    }

    #[test]
    fn more_than_ten_items_make_several_albums_and_documents_stay_apart() {
        let mut media: Vec<Media> = (1..=12).map(photo).collect();
        media.push(document(20));
        let calls = plan("J", "I", &media).unwrap();
        let counts: Vec<usize> = calls.iter().map(Outgoing::message_count).collect();
        assert_eq!(counts, vec![10, 2, 1]);
        assert!(
            matches!(&calls[2], Outgoing::Single { media, .. } if media.kind == MediaKind::Document)
        );
    }

    #[test]
    fn a_text_over_one_message_is_refused_with_its_length() {
        let narrative = "a".repeat(MAX_TEXT);
        let err = plan("Judul", &narrative, &[]).unwrap_err();
        assert!(matches!(
            err,
            RenderError::TextTooLong { max: MAX_TEXT, .. }
        ));
        assert_eq!(plan(" ", " ", &[]).unwrap_err(), RenderError::EmptyText);
    }
}
