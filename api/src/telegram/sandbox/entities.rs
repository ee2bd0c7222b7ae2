//! Message formatting as the real server does it: `parse_mode` parsing (HTML, MarkdownV2 and
//! legacy Markdown, following TDLib's `parse_html`, `parse_markdown_v2` and `parse_markdown`
//! byte for byte, with their error texts and byte offsets), the whitespace trimming and entity
//! detection that follow, UTF-16 entity offsets, and rendering back to HTML for the page.
//!
//! Lengths are counted the way the server counts them: in Unicode code points of the text
//! left after parsing (`char_count`), while entity offsets and lengths are UTF-16 code units.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One `MessageEntity` of the Bot API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageEntity {
    #[serde(rename = "type")]
    pub kind: String,
    pub offset: usize,
    pub length: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_emoji_id: Option<String>,
}

impl MessageEntity {
    pub fn new(kind: &str, offset: usize, length: usize) -> Self {
        Self {
            kind: kind.to_owned(),
            offset,
            length,
            url: None,
            user: None,
            language: None,
            custom_emoji_id: None,
        }
    }

    fn end(&self) -> usize {
        self.offset + self.length
    }
}

/// Text with its entities, as stored in a message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormattedText {
    pub text: String,
    pub entities: Vec<MessageEntity>,
}

/// A `parse_mode` the server does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownParseMode;

/// The `parse_mode` values the server knows, compared case-insensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseMode {
    Html,
    MarkdownV2,
    Markdown,
}

impl ParseMode {
    /// `Ok(None)` for an absent or empty value; an error for an unknown one.
    pub fn parse(value: Option<&str>) -> Result<Option<Self>, UnknownParseMode> {
        match value.map(str::to_ascii_lowercase).as_deref() {
            None | Some("") => Ok(None),
            Some("html") => Ok(Some(Self::Html)),
            Some("markdownv2") => Ok(Some(Self::MarkdownV2)),
            Some("markdown") => Ok(Some(Self::Markdown)),
            Some(_) => Err(UnknownParseMode),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Html => "HTML",
            Self::MarkdownV2 => "MarkdownV2",
            Self::Markdown => "Markdown",
        }
    }
}

/// Parses `text` in `mode`; the error is TDLib's message, which the server prefixes with
/// `Bad Request: can't parse entities: `.
pub fn parse(mode: ParseMode, text: &str) -> Result<FormattedText, String> {
    match mode {
        ParseMode::Html => parse_html(text),
        ParseMode::MarkdownV2 => parse_markdown_v2(text),
        ParseMode::Markdown => parse_markdown_v1(text),
    }
}

/// Code points, the unit of the 4096 and 1024 limits.
pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// UTF-16 code units, the unit of entity offsets.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0 | 0x0b)
}

fn is_utf8_first(c: u8) -> bool {
    (c & 0xC0) != 0x80
}

fn utf16_step(c: u8) -> usize {
    if c >= 0xF0 { 2 } else { 1 }
}

/// `text[i]` with C-string semantics: a NUL past the end.
fn at(text: &[u8], i: usize) -> u8 {
    text.get(i).copied().unwrap_or(0)
}

fn push_char(result: &mut Vec<u8>, code: u32) {
    if let Some(ch) = char::from_u32(code) {
        let mut buf = [0; 4];
        result.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
}

/// TDLib's `decode_html_entity`: the code point and the position after it, or `None` when
/// the `&` starts no entity it knows (and is then kept as a literal `&`).
fn decode_html_entity(text: &[u8], pos: usize) -> Option<(u32, usize)> {
    let mut end = pos + 1;
    let mut res: u32 = 0;
    if at(text, pos + 1) == b'#' {
        end += 1;
        if at(text, pos + 2) == b'x' {
            end += 1;
            while at(text, end).is_ascii_hexdigit() {
                let digit = (at(text, end) as char).to_digit(16).unwrap_or(0);
                res = res.saturating_mul(16).saturating_add(digit);
                end += 1;
            }
        } else {
            while at(text, end).is_ascii_digit() {
                res = res
                    .saturating_mul(10)
                    .saturating_add(u32::from(at(text, end) - b'0'));
                end += 1;
            }
        }
        if res == 0 || res >= 0x10FFFF || end - pos >= 10 {
            return None;
        }
    } else {
        while at(text, end).is_ascii_alphabetic() {
            end += 1;
        }
        res = match &text[pos + 1..end] {
            b"lt" => u32::from(b'<'),
            b"gt" => u32::from(b'>'),
            b"amp" => u32::from(b'&'),
            b"quot" => u32::from(b'"'),
            _ => return None,
        };
    }
    if at(text, end) == b';' {
        end += 1;
    }
    Some((res, end))
}

fn lower(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_ascii_lowercase()
}

const HTML_TAGS: &[&str] = &[
    "a",
    "b",
    "strong",
    "i",
    "em",
    "s",
    "strike",
    "del",
    "u",
    "ins",
    "tg-spoiler",
    "tg-emoji",
    "span",
    "pre",
    "code",
    "blockquote",
];

struct OpenTag {
    tag: String,
    argument: String,
    utf16_offset: usize,
    result_pos: usize,
}

/// TDLib's `parse_html`.
pub fn parse_html(text: &str) -> Result<FormattedText, String> {
    let text = text.as_bytes();
    let size = text.len();
    let mut result: Vec<u8> = Vec::with_capacity(size);
    let mut entities: Vec<MessageEntity> = Vec::new();
    let mut utf16: usize = 0;
    let mut surrogate = false;
    let mut nested: Vec<OpenTag> = Vec::new();

    let mut i = 0;
    while i < size {
        let c = text[i];
        if c == b'&'
            && let Some((code, next)) = decode_html_entity(text, i)
        {
            utf16 += if code > 0xFFFF { 2 } else { 1 };
            if (0xD800..=0xDFFF).contains(&code) {
                surrogate = true;
            } else {
                push_char(&mut result, code);
            }
            i = next;
            continue;
        }
        if c != b'<' {
            if is_utf8_first(c) {
                utf16 += utf16_step(c);
            }
            result.push(c);
            i += 1;
            continue;
        }

        let begin = i;
        i += 1;
        if at(text, i) != b'/' {
            while !is_space(at(text, i)) && at(text, i) != b'>' {
                i += 1;
            }
            if at(text, i) == 0 {
                return Err(format!("Unclosed start tag at byte offset {begin}"));
            }
            let tag = lower(&text[begin + 1..i]);
            if !HTML_TAGS.contains(&tag.as_str()) {
                return Err(format!(
                    "Unsupported start tag \"{tag}\" at byte offset {begin}"
                ));
            }
            let mut argument = String::new();
            while at(text, i) != b'>' {
                while at(text, i) != 0 && is_space(at(text, i)) {
                    i += 1;
                }
                if at(text, i) == b'>' {
                    break;
                }
                let attr_begin = i;
                while !is_space(at(text, i)) && at(text, i) != b'=' && at(text, i) != b'>' {
                    i += 1;
                }
                let attr_name = &text[attr_begin..i];
                if attr_name.is_empty() {
                    return Err(format!(
                        "Empty attribute name in the tag \"{tag}\" at byte offset {begin}"
                    ));
                }
                while at(text, i) != 0 && is_space(at(text, i)) {
                    i += 1;
                }
                if at(text, i) != b'=' {
                    if tag == "blockquote" && attr_name == b"expandable" {
                        argument = "1".to_owned();
                        continue;
                    }
                    return Err(format!(
                        "Expected equal sign in declaration of an attribute of the tag \"{tag}\" at byte offset {begin}"
                    ));
                }
                i += 1;
                while at(text, i) != 0 && is_space(at(text, i)) {
                    i += 1;
                }
                if at(text, i) == 0 {
                    return Err(format!(
                        "Unclosed start tag \"{tag}\" at byte offset {begin}"
                    ));
                }
                let value: String;
                if at(text, i) != b'\'' && at(text, i) != b'"' {
                    // A name token: letters, digits, periods and hyphens, not case-sensitive.
                    let token_begin = i;
                    while at(text, i).is_ascii_alphanumeric()
                        || at(text, i) == b'.'
                        || at(text, i) == b'-'
                    {
                        i += 1;
                    }
                    value = lower(&text[token_begin..i]);
                    if !is_space(at(text, i)) && at(text, i) != b'>' {
                        return Err(format!(
                            "Unexpected end of name token at byte offset {token_begin}"
                        ));
                    }
                } else {
                    let quote = at(text, i);
                    i += 1;
                    let mut bytes = Vec::new();
                    while at(text, i) != quote && at(text, i) != 0 {
                        if at(text, i) == b'&'
                            && let Some((code, next)) = decode_html_entity(text, i)
                        {
                            push_char(&mut bytes, code);
                            i = next;
                            continue;
                        }
                        bytes.push(text[i]);
                        i += 1;
                    }
                    if at(text, i) == quote {
                        i += 1;
                    }
                    value = String::from_utf8_lossy(&bytes).into_owned();
                }
                if at(text, i) == 0 {
                    return Err(format!("Unclosed start tag at byte offset {begin}"));
                }
                if tag == "a" && attr_name == b"href" {
                    argument = value;
                } else if tag == "code" && attr_name == b"class" {
                    if let Some(language) = value.strip_prefix("language-") {
                        argument = language.to_owned();
                    }
                } else if tag == "span" && attr_name == b"class" {
                    if let Some(class) = value.strip_prefix("tg-") {
                        argument = class.to_owned();
                    }
                } else if tag == "tg-emoji" && attr_name == b"emoji-id" {
                    argument = value;
                }
            }
            if tag == "span" && argument != "spoiler" {
                return Err(format!(
                    "Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"
                ));
            }
            nested.push(OpenTag {
                tag,
                argument,
                utf16_offset: utf16,
                result_pos: result.len(),
            });
        } else {
            if nested.is_empty() {
                return Err(format!("Unexpected end tag at byte offset {begin}"));
            }
            while !is_space(at(text, i)) && at(text, i) != b'>' {
                i += 1;
            }
            let end_tag = lower(&text[begin + 2..i]);
            while is_space(at(text, i)) && at(text, i) != 0 {
                i += 1;
            }
            if at(text, i) != b'>' {
                return Err(format!("Unclosed end tag at byte offset {begin}"));
            }
            let Some(open) = nested.pop() else {
                return Err(format!("Unexpected end tag at byte offset {begin}"));
            };
            if !end_tag.is_empty() && end_tag != open.tag {
                return Err(format!(
                    "Unmatched end tag at byte offset {begin}, expected \"</{}>\", found \"</{end_tag}>\"",
                    open.tag
                ));
            }
            if utf16 > open.utf16_offset {
                let offset = open.utf16_offset;
                let length = utf16 - offset;
                match open.tag.as_str() {
                    "i" | "em" => entities.push(MessageEntity::new("italic", offset, length)),
                    "b" | "strong" => entities.push(MessageEntity::new("bold", offset, length)),
                    "s" | "strike" | "del" => {
                        entities.push(MessageEntity::new("strikethrough", offset, length));
                    }
                    "u" | "ins" => entities.push(MessageEntity::new("underline", offset, length)),
                    "tg-spoiler" | "span" => {
                        entities.push(MessageEntity::new("spoiler", offset, length));
                    }
                    "tg-emoji" => {
                        match open.argument.parse::<i64>() {
                            Ok(id) if id != 0 => {}
                            _ => return Err("Invalid custom emoji identifier specified".to_owned()),
                        }
                        let mut entity = MessageEntity::new("custom_emoji", offset, length);
                        entity.custom_emoji_id = Some(open.argument);
                        entities.push(entity);
                    }
                    "a" => {
                        let url = if open.argument.is_empty() {
                            String::from_utf8_lossy(&result[open.result_pos..]).into_owned()
                        } else {
                            open.argument
                        };
                        if let Some(url) = checked_link(&url) {
                            let mut entity = MessageEntity::new("text_link", offset, length);
                            entity.url = Some(url);
                            entities.push(entity);
                        }
                    }
                    "pre" => {
                        let merge = entities.last().is_some_and(|last| {
                            last.kind == "code"
                                && last.offset == offset
                                && last.length == length
                                && last.language.is_some()
                        });
                        if let (true, Some(last)) = (merge, entities.last_mut()) {
                            last.kind = "pre".to_owned();
                        } else {
                            entities.push(MessageEntity::new("pre", offset, length));
                        }
                    }
                    "code" => {
                        let merge = !open.argument.is_empty()
                            && entities.last().is_some_and(|last| {
                                last.kind == "pre" && last.offset == offset && last.length == length
                            });
                        if let (true, Some(last)) = (merge, entities.last_mut()) {
                            last.language = Some(open.argument);
                        } else {
                            let mut entity = MessageEntity::new("code", offset, length);
                            if !open.argument.is_empty() {
                                entity.language = Some(open.argument);
                            }
                            entities.push(entity);
                        }
                    }
                    "blockquote" => {
                        let kind = if open.argument.is_empty() {
                            "blockquote"
                        } else {
                            "expandable_blockquote"
                        };
                        entities.push(MessageEntity::new(kind, offset, length));
                    }
                    _ => {}
                }
            }
        }
        i += 1;
    }
    if let Some(open) = nested.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag {}",
            open.tag
        ));
    }
    for entity in &mut entities {
        if entity.kind == "code" {
            entity.language = None;
        }
    }
    if surrogate {
        return Err("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units".to_owned());
    }
    sort_entities(&mut entities);
    Ok(FormattedText {
        text: String::from_utf8_lossy(&result).into_owned(),
        entities,
    })
}

/// An approximation of TDLib's `LinkManager::get_checked_link`: http(s) links (a scheme is
/// added when missing, and a `/` before an empty path), `tg:` and `ton:` links; anything else
/// yields no entity, and the text stays plain, as on the real server.
pub fn checked_link(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    let lowered = url.to_ascii_lowercase();
    let (scheme, rest) = match lowered.find("://") {
        Some(pos) => (&lowered[..pos], &url[pos + 3..]),
        None => ("http", url),
    };
    match scheme {
        "tg" | "ton" => return Some(url.to_owned()),
        "http" | "https" => {}
        _ => return None,
    }
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    let host_name = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host_name = host_name.split(':').next().unwrap_or("");
    let valid_host = host_name.contains('.')
        && !host_name.starts_with('.')
        && !host_name.ends_with('.')
        && !host_name.contains("..")
        && host_name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-' || c == '_');
    if !valid_host {
        return None;
    }
    let path = &rest[host_end..];
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    Some(format!("{scheme}://{host}{path}"))
}

const MDV2_RESERVED: &[u8] = b"_*[]()~`>#+-=|{}.!";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum MdKind {
    Bold,
    Italic,
    Underline,
    Strikethrough,
    Spoiler,
    Code,
    Pre,
    PreCode,
    TextUrl,
    CustomEmoji,
}

impl MdKind {
    /// TDLib's `MessageEntity::Type` names, as its error texts print them.
    fn name(self) -> &'static str {
        match self {
            Self::Bold => "Bold",
            Self::Italic => "Italic",
            Self::Underline => "Underline",
            Self::Strikethrough => "Strikethrough",
            Self::Spoiler => "Spoiler",
            Self::Code => "Code",
            Self::Pre => "Pre",
            Self::PreCode => "PreCode",
            Self::TextUrl => "TextUrl",
            Self::CustomEmoji => "CustomEmoji",
        }
    }
}

struct MdOpen {
    kind: MdKind,
    argument: String,
    utf16_offset: usize,
    byte_offset: usize,
    result_pos: usize,
}

fn reserved_error(c: u8) -> String {
    format!(
        "Character '{}' is reserved and must be escaped with the preceding '\\'",
        c as char
    )
}

/// TDLib's `parse_markdown_v2`, with block quotes (`>` at the start of a line).
pub fn parse_markdown_v2(text: &str) -> Result<FormattedText, String> {
    let text = text.as_bytes();
    let size = text.len();
    let mut result: Vec<u8> = Vec::with_capacity(size);
    let mut entities: Vec<MessageEntity> = Vec::new();
    let mut utf16 = 0usize;
    let mut nested: Vec<MdOpen> = Vec::new();
    // The UTF-16 offset where the current run of quoted lines began.
    let mut quote_start: Option<usize> = None;

    let mut i = 0usize;
    while i < size {
        let c = text[i];
        let line_start = i == 0 || text[i - 1] == b'\n';
        if line_start && nested.is_empty() {
            if c == b'>' {
                if quote_start.is_none() {
                    quote_start = Some(utf16);
                }
                i += 1;
                continue;
            }
            if let Some(start) = quote_start.take() {
                close_quote(&mut entities, &result, start, utf16);
            }
        }
        if c == b'\\' && at(text, i + 1) > 0 && at(text, i + 1) <= 126 {
            i += 1;
            utf16 += 1;
            result.push(text[i]);
            i += 1;
            continue;
        }
        let in_code = nested
            .last()
            .is_some_and(|o| matches!(o.kind, MdKind::Code | MdKind::Pre | MdKind::PreCode));
        let reserved: &[u8] = if in_code { b"`" } else { MDV2_RESERVED };
        if !reserved.contains(&c) {
            if is_utf8_first(c) {
                utf16 += utf16_step(c);
            }
            result.push(c);
            i += 1;
            continue;
        }
        let is_end = nested.last().is_some_and(|open| match open.kind {
            MdKind::Bold => c == b'*',
            MdKind::Italic => c == b'_' && at(text, i + 1) != b'_',
            MdKind::Code => c == b'`',
            MdKind::Pre | MdKind::PreCode => {
                c == b'`' && at(text, i + 1) == b'`' && at(text, i + 2) == b'`'
            }
            MdKind::TextUrl | MdKind::CustomEmoji => c == b']',
            MdKind::Underline => c == b'_' && at(text, i + 1) == b'_',
            MdKind::Strikethrough => c == b'~',
            MdKind::Spoiler => c == b'|' && at(text, i + 1) == b'|',
        });
        if !is_end {
            let byte_offset = i;
            let mut argument = String::new();
            let kind = match c {
                b'_' => {
                    if at(text, i + 1) == b'_' {
                        i += 1;
                        MdKind::Underline
                    } else {
                        MdKind::Italic
                    }
                }
                b'*' => MdKind::Bold,
                b'~' => MdKind::Strikethrough,
                b'|' if at(text, i + 1) == b'|' => {
                    i += 1;
                    MdKind::Spoiler
                }
                b'[' => MdKind::TextUrl,
                b'`' => {
                    if at(text, i + 1) == b'`' && at(text, i + 2) == b'`' {
                        i += 3;
                        let mut kind = MdKind::Pre;
                        let mut language_end = i;
                        while !is_space(at(text, language_end)) && at(text, language_end) != b'`' {
                            language_end += 1;
                        }
                        if i != language_end
                            && language_end < size
                            && at(text, language_end) != b'`'
                        {
                            kind = MdKind::PreCode;
                            argument = String::from_utf8_lossy(&text[i..language_end]).into_owned();
                            i = language_end;
                        }
                        if at(text, i) == b'\n' || at(text, i) == b'\r' {
                            if (at(text, i + 1) == b'\n' || at(text, i + 1) == b'\r')
                                && at(text, i) != at(text, i + 1)
                            {
                                i += 2;
                            } else {
                                i += 1;
                            }
                        }
                        nested.push(MdOpen {
                            kind,
                            argument,
                            utf16_offset: utf16,
                            byte_offset,
                            result_pos: result.len(),
                        });
                        continue;
                    }
                    MdKind::Code
                }
                b'!' if at(text, i + 1) == b'[' => {
                    i += 1;
                    MdKind::CustomEmoji
                }
                _ => return Err(reserved_error(c)),
            };
            nested.push(MdOpen {
                kind,
                argument,
                utf16_offset: utf16,
                byte_offset,
                result_pos: result.len(),
            });
            i += 1;
            continue;
        }

        let Some(open) = nested.pop() else {
            return Err(reserved_error(c));
        };
        let mut skip = utf16 == open.utf16_offset;
        let mut url_argument: Option<String> = None;
        match open.kind {
            MdKind::Underline | MdKind::Spoiler => i += 1,
            MdKind::Pre | MdKind::PreCode => i += 2,
            MdKind::TextUrl | MdKind::CustomEmoji => {
                let url = if at(text, i + 1) != b'(' {
                    String::from_utf8_lossy(&result[open.result_pos..]).into_owned()
                } else {
                    i += 2;
                    let url_begin = i;
                    let mut url = Vec::new();
                    while i < size && text[i] != b')' {
                        if text[i] == b'\\' && at(text, i + 1) > 0 && at(text, i + 1) <= 126 {
                            url.push(text[i + 1]);
                            i += 2;
                            continue;
                        }
                        url.push(text[i]);
                        i += 1;
                    }
                    if at(text, i) != b')' {
                        return Err(format!(
                            "Can't find end of a URL at byte offset {url_begin}"
                        ));
                    }
                    String::from_utf8_lossy(&url).into_owned()
                };
                if open.kind == MdKind::CustomEmoji {
                    let id = url
                        .strip_prefix("tg://emoji?id=")
                        .and_then(|id| id.parse::<i64>().ok());
                    match id {
                        Some(id) => url_argument = Some(id.to_string()),
                        None => {
                            return Err(
                                "Custom emoji entity must contain a tg://emoji URL".to_owned()
                            );
                        }
                    }
                } else {
                    match checked_link(&url) {
                        Some(url) => url_argument = Some(url),
                        None => skip = true,
                    }
                }
            }
            _ => {}
        }
        if !skip {
            let offset = open.utf16_offset;
            let length = utf16 - offset;
            let entity = match open.kind {
                MdKind::Bold => MessageEntity::new("bold", offset, length),
                MdKind::Italic => MessageEntity::new("italic", offset, length),
                MdKind::Underline => MessageEntity::new("underline", offset, length),
                MdKind::Strikethrough => MessageEntity::new("strikethrough", offset, length),
                MdKind::Spoiler => MessageEntity::new("spoiler", offset, length),
                MdKind::Code => MessageEntity::new("code", offset, length),
                MdKind::Pre => MessageEntity::new("pre", offset, length),
                MdKind::PreCode => {
                    let mut e = MessageEntity::new("pre", offset, length);
                    e.language = Some(open.argument);
                    e
                }
                MdKind::TextUrl => {
                    let mut e = MessageEntity::new("text_link", offset, length);
                    e.url = url_argument;
                    e
                }
                MdKind::CustomEmoji => {
                    let mut e = MessageEntity::new("custom_emoji", offset, length);
                    e.custom_emoji_id = url_argument;
                    e
                }
            };
            entities.push(entity);
        }
        i += 1;
    }
    if let Some(open) = nested.last() {
        return Err(format!(
            "Can't find end of {} entity at byte offset {}",
            open.kind.name(),
            open.byte_offset
        ));
    }
    if let Some(start) = quote_start {
        close_quote(&mut entities, &result, start, utf16);
    }
    sort_entities(&mut entities);
    Ok(FormattedText {
        text: String::from_utf8_lossy(&result).into_owned(),
        entities,
    })
}

/// Ends a block quote at the line break that closes its last line.
fn close_quote(entities: &mut Vec<MessageEntity>, result: &[u8], start: usize, utf16: usize) {
    let end = if result.last() == Some(&b'\n') {
        utf16 - 1
    } else {
        utf16
    };
    if end > start {
        entities.push(MessageEntity::new("blockquote", start, end - start));
    }
}

/// TDLib's `parse_markdown` (the legacy `Markdown` mode): no nesting, four markers.
pub fn parse_markdown_v1(text: &str) -> Result<FormattedText, String> {
    let text = text.as_bytes();
    let size = text.len();
    let mut result: Vec<u8> = Vec::with_capacity(size);
    let mut entities = Vec::new();
    let mut utf16 = 0usize;
    let marks: &[u8] = b"_*`[";
    let mut i = 0usize;
    while i < size {
        let c = text[i];
        if c == b'\\' && marks.contains(&at(text, i + 1)) {
            i += 1;
            result.push(text[i]);
            utf16 += 1;
            i += 1;
            continue;
        }
        if !marks.contains(&c) {
            if is_utf8_first(c) {
                utf16 += utf16_step(c);
            }
            result.push(c);
            i += 1;
            continue;
        }
        let begin = i;
        let end_char = if c == b'[' { b']' } else { c };
        i += 1;
        let mut is_pre = false;
        let mut language = String::new();
        if c == b'`' && at(text, i) == b'`' && at(text, i + 1) == b'`' {
            i += 2;
            is_pre = true;
            let mut language_end = i;
            while !is_space(at(text, language_end)) && at(text, language_end) != b'`' {
                language_end += 1;
            }
            if i != language_end && language_end < size && at(text, language_end) != b'`' {
                language = String::from_utf8_lossy(&text[i..language_end]).into_owned();
                i = language_end;
            }
            if at(text, i) == b'\n' || at(text, i) == b'\r' {
                if (at(text, i + 1) == b'\n' || at(text, i + 1) == b'\r')
                    && at(text, i) != at(text, i + 1)
                {
                    i += 2;
                } else {
                    i += 1;
                }
            }
        }
        let entity_offset = utf16;
        let entity_begin = result.len();
        while i < size
            && (text[i] != end_char
                || (is_pre && !(at(text, i + 1) == b'`' && at(text, i + 2) == b'`')))
        {
            let cur = text[i];
            if is_utf8_first(cur) {
                utf16 += utf16_step(cur);
            }
            result.push(cur);
            i += 1;
        }
        if i == size {
            return Err(format!(
                "Can't find end of the entity starting at byte offset {begin}"
            ));
        }
        if entity_offset != utf16 {
            let length = utf16 - entity_offset;
            match c {
                b'_' => entities.push(MessageEntity::new("italic", entity_offset, length)),
                b'*' => entities.push(MessageEntity::new("bold", entity_offset, length)),
                b'[' => {
                    let url = if at(text, i + 1) != b'(' {
                        String::from_utf8_lossy(&result[entity_begin..]).into_owned()
                    } else {
                        i += 2;
                        let url_begin = i;
                        while i < size && text[i] != b')' {
                            i += 1;
                        }
                        if at(text, i) != b')' {
                            return Err(format!(
                                "Can't find end of a URL at byte offset {url_begin}"
                            ));
                        }
                        String::from_utf8_lossy(&text[url_begin..i]).into_owned()
                    };
                    if let Some(url) = checked_link(&url) {
                        let mut e = MessageEntity::new("text_link", entity_offset, length);
                        e.url = Some(url);
                        entities.push(e);
                    }
                }
                b'`' => {
                    if is_pre {
                        let mut e = MessageEntity::new("pre", entity_offset, length);
                        if !language.is_empty() {
                            e.language = Some(language);
                        }
                        entities.push(e);
                    } else {
                        entities.push(MessageEntity::new("code", entity_offset, length));
                    }
                }
                _ => {}
            }
        }
        if is_pre {
            i += 2;
        }
        i += 1;
    }
    sort_entities(&mut entities);
    Ok(FormattedText {
        text: String::from_utf8_lossy(&result).into_owned(),
        entities,
    })
}

fn type_priority(kind: &str) -> u8 {
    match kind {
        "blockquote" | "expandable_blockquote" => 0,
        "pre" => 1,
        "code" => 2,
        "text_link" | "url" | "email" | "text_mention" | "mention" => 3,
        "bold" => 4,
        "italic" => 5,
        "underline" => 6,
        "strikethrough" => 7,
        "spoiler" => 8,
        _ => 9,
    }
}

/// TDLib's order: by offset, longer first, then by type.
pub fn sort_entities(entities: &mut [MessageEntity]) {
    entities.sort_by(|a, b| {
        a.offset
            .cmp(&b.offset)
            .then(b.length.cmp(&a.length))
            .then(type_priority(&a.kind).cmp(&type_priority(&b.kind)))
    });
}

fn is_trim_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{0b}' | '\u{0c}')
}

/// What the server does after parsing: trims surrounding whitespace (moving and clipping the
/// entities), drops empty entities and adds the ones it detects itself (links, mentions,
/// hashtags, bot commands).
pub fn finish(text: &str, entities: Vec<MessageEntity>) -> FormattedText {
    let trimmed_start = text.trim_start_matches(is_trim_space);
    let leading = utf16_len(&text[..text.len() - trimmed_start.len()]);
    let trimmed = trimmed_start.trim_end_matches(is_trim_space);
    let total = utf16_len(trimmed);
    let mut out: Vec<MessageEntity> = entities
        .into_iter()
        .filter_map(|mut e| {
            let start = e.offset.saturating_sub(leading).min(total);
            let end = e.end().saturating_sub(leading).min(total);
            if end <= start {
                return None;
            }
            e.offset = start;
            e.length = end - start;
            Some(e)
        })
        .collect();
    detect_entities(trimmed, &mut out);
    sort_entities(&mut out);
    FormattedText {
        text: trimmed.to_owned(),
        entities: out,
    }
}

/// Entities given explicitly (`entities`, `caption_entities`) are clipped to the text the way
/// TDLib fixes them: out-of-range parts are cut and empty ones dropped.
pub fn clip(text: &str, entities: Vec<MessageEntity>) -> Vec<MessageEntity> {
    let total = utf16_len(text);
    entities
        .into_iter()
        .filter_map(|mut e| {
            let end = e.end().min(total);
            if e.offset >= end {
                return None;
            }
            e.length = end - e.offset;
            Some(e)
        })
        .collect()
}

const SHIELDING: &[&str] = &[
    "code",
    "pre",
    "text_link",
    "text_mention",
    "custom_emoji",
    "url",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Finds the entities the server adds by itself; approximate (TDLib's detector knows many
/// more URL shapes), but offsets are exact UTF-16 units.
fn detect_entities(text: &str, entities: &mut Vec<MessageEntity>) {
    let chars: Vec<char> = text.chars().collect();
    let mut utf16_at = Vec::with_capacity(chars.len() + 1);
    let mut pos = 0;
    for c in &chars {
        utf16_at.push(pos);
        pos += c.len_utf16();
    }
    utf16_at.push(pos);
    let mut found: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let prev_ok = i == 0 || !is_word_char(chars[i - 1]) && chars[i - 1] != '/';
        let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
        let lowered = rest.to_ascii_lowercase();
        if prev_ok && (lowered.starts_with("http://") || lowered.starts_with("https://")) {
            let mut end = i;
            while end < chars.len() && !chars[end].is_whitespace() {
                end += 1;
            }
            while end > i && ".,;:!?)]}'\"".contains(chars[end - 1]) {
                end -= 1;
            }
            let scheme_len = if lowered.starts_with("https") { 8 } else { 7 };
            if end > i + scheme_len {
                found.push((i, end, "url"));
                i = end;
                continue;
            }
        }
        let c = chars[i];
        if prev_ok && (c == '@' || c == '#') {
            let mut end = i + 1;
            while end < chars.len() && is_word_char(chars[end]) {
                end += 1;
            }
            let word: String = chars[i + 1..end].iter().collect();
            if c == '@' {
                let len = end - i - 1;
                if (5..=32).contains(&len)
                    && word
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                {
                    found.push((i, end, "mention"));
                }
            } else if !word.is_empty() && !word.chars().all(|ch| ch.is_ascii_digit()) {
                found.push((i, end, "hashtag"));
            }
            i = end.max(i + 1);
            continue;
        }
        if c == '/' && (i == 0 || chars[i - 1].is_whitespace()) {
            let mut end = i + 1;
            while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            if end > i + 1 && end - i - 1 <= 64 {
                if end < chars.len() && chars[end] == '@' {
                    let mut user_end = end + 1;
                    while user_end < chars.len()
                        && (chars[user_end].is_ascii_alphanumeric() || chars[user_end] == '_')
                    {
                        user_end += 1;
                    }
                    if user_end > end + 1 {
                        end = user_end;
                    }
                }
                if end == chars.len() || !is_word_char(chars[end]) && chars[end] != '/' {
                    found.push((i, end, "bot_command"));
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    for (start, end, kind) in found {
        let offset = utf16_at[start];
        let length = utf16_at[end] - offset;
        let shielded = entities.iter().any(|e| {
            SHIELDING.contains(&e.kind.as_str()) && e.offset < offset + length && offset < e.end()
        });
        if !shielded {
            entities.push(MessageEntity::new(kind, offset, length));
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn open_tag(entity: &MessageEntity, text_of: impl Fn(&MessageEntity) -> String) -> Option<String> {
    Some(match entity.kind.as_str() {
        "bold" => "<b>".to_owned(),
        "italic" => "<i>".to_owned(),
        "underline" => "<u>".to_owned(),
        "strikethrough" => "<s>".to_owned(),
        "spoiler" => "<span class=\"tg-spoiler\">".to_owned(),
        "code" => "<code>".to_owned(),
        "pre" => match &entity.language {
            Some(language) => format!("<pre><code class=\"language-{}\">", escape_html(language)),
            None => "<pre>".to_owned(),
        },
        "blockquote" => "<blockquote>".to_owned(),
        "expandable_blockquote" => "<blockquote expandable>".to_owned(),
        "text_link" => format!(
            "<a href=\"{}\">",
            escape_html(entity.url.as_deref().unwrap_or_default())
        ),
        "url" => format!("<a href=\"{}\">", escape_html(&text_of(entity))),
        _ => return None,
    })
}

fn close_tag(entity: &MessageEntity) -> &'static str {
    match entity.kind.as_str() {
        "bold" => "</b>",
        "italic" => "</i>",
        "underline" => "</u>",
        "strikethrough" => "</s>",
        "spoiler" => "</span>",
        "code" => "</code>",
        "pre" if entity.language.is_some() => "</code></pre>",
        "pre" => "</pre>",
        "blockquote" | "expandable_blockquote" => "</blockquote>",
        "text_link" | "url" => "</a>",
        _ => "",
    }
}

/// Renders text with its entities as Telegram-flavoured HTML (what `parse_mode=HTML` would
/// take back); every piece of text is escaped, and overlapping entities are split so the
/// tags always nest.
pub fn to_html(text: &str, entities: &[MessageEntity]) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    let text_of = |e: &MessageEntity| {
        let end = e.end().min(units.len());
        String::from_utf16_lossy(&units[e.offset.min(end)..end])
    };
    let mut sorted: Vec<&MessageEntity> = entities
        .iter()
        .filter(|e| open_tag(e, text_of).is_some())
        .collect();
    sorted.sort_by(|a, b| a.offset.cmp(&b.offset).then(b.length.cmp(&a.length)));
    let mut out = String::new();
    let mut stack: Vec<&MessageEntity> = Vec::new();
    let mut next = 0;
    let mut pos = 0usize;
    for c in text.chars() {
        close_and_open(&mut out, &mut stack, &sorted, &mut next, pos, &text_of);
        out.push_str(&escape_html(c.encode_utf8(&mut [0; 4])));
        pos += c.len_utf16();
    }
    close_and_open(&mut out, &mut stack, &sorted, &mut next, pos, &text_of);
    while let Some(e) = stack.pop() {
        out.push_str(close_tag(e));
    }
    out
}

fn close_and_open<'a>(
    out: &mut String,
    stack: &mut Vec<&'a MessageEntity>,
    sorted: &[&'a MessageEntity],
    next: &mut usize,
    pos: usize,
    text_of: &impl Fn(&MessageEntity) -> String,
) {
    // Close every entity ending here; inner ones that go on are reopened.
    if stack.iter().any(|e| e.end() <= pos) {
        let mut reopen = Vec::new();
        while let Some(e) = stack.pop() {
            out.push_str(close_tag(e));
            if e.end() > pos {
                reopen.push(e);
            }
            if !stack.iter().any(|e| e.end() <= pos) {
                break;
            }
        }
        for e in reopen.into_iter().rev() {
            if let Some(tag) = open_tag(e, text_of) {
                out.push_str(&tag);
            }
            stack.push(e);
        }
    }
    while *next < sorted.len() && sorted[*next].offset <= pos {
        let e = sorted[*next];
        *next += 1;
        if e.end() > pos {
            if let Some(tag) = open_tag(e, text_of) {
                out.push_str(&tag);
            }
            stack.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_html(text).expect_err("should fail")
    }

    fn ok(text: &str) -> FormattedText {
        parse_html(text).expect("should parse")
    }

    #[test]
    fn html_errors_match_tdlib() {
        // The cases of TDLib's own test suite (`test/message_entities.cpp`).
        assert_eq!(
            err("🏟 🏟&lt;<abacaba"),
            "Unclosed start tag at byte offset 13"
        );
        assert_eq!(
            err("🏟 🏟&lt;<abac aba>"),
            "Unsupported start tag \"abac\" at byte offset 13"
        );
        assert_eq!(
            err("🏟 🏟&lt;<abac>"),
            "Unsupported start tag \"abac\" at byte offset 13"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i   =aba>"),
            "Empty attribute name in the tag \"i\" at byte offset 13"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i    aba>"),
            "Expected equal sign in declaration of an attribute of the tag \"i\" at byte offset 13"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i    aba  =  "),
            "Unclosed start tag \"i\" at byte offset 13"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i    aba  =  190azAz-.,"),
            "Unexpected end of name token at byte offset 27"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i    aba  =  \"&lt;&gt;&quot;>"),
            "Unclosed start tag at byte offset 13"
        );
        assert_eq!(err("🏟 🏟&lt;</"), "Unexpected end tag at byte offset 13");
        assert_eq!(
            err("🏟 🏟&lt;<b></b></"),
            "Unexpected end tag at byte offset 20"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i>a</i   "),
            "Unclosed end tag at byte offset 17"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i>a</em   >"),
            "Unmatched end tag at byte offset 17, expected \"</i>\", found \"</em>\""
        );
        assert_eq!(
            err("<b>bold"),
            "Can't find end tag corresponding to start tag b"
        );
        assert_eq!(
            err("<span>x</span>"),
            "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0"
        );
        assert_eq!(err("a < b"), "Unsupported start tag \"\" at byte offset 2");
        assert_eq!(err("<br>"), "Unsupported start tag \"br\" at byte offset 0");
    }

    #[test]
    fn html_entities_and_offsets_are_utf16() {
        let parsed = ok("➡️ ➡️<i>➡️ ➡️</i>");
        assert_eq!(parsed.text, "➡️ ➡️➡️ ➡️");
        assert_eq!(parsed.entities, vec![MessageEntity::new("italic", 5, 5)]);

        let parsed = ok("🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>");
        assert_eq!(parsed.text, "🏟 🏟🏟 ><🏟");
        assert_eq!(
            parsed.entities,
            vec![
                MessageEntity::new("italic", 5, 7),
                MessageEntity::new("bold", 9, 3)
            ]
        );

        let parsed = ok("&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;");
        assert_eq!(parsed.text, "<>&\"&laquo;&raquo;&#12345678;");
        assert!(parsed.entities.is_empty());
        // An unescaped `&` that starts no entity is kept, as on the real server.
        assert_eq!(ok("AT&T").text, "AT&T");
    }

    #[test]
    fn html_links_and_code_blocks() {
        let parsed = ok("<a href=telegram.org> </a>");
        assert_eq!(parsed.entities[0].kind, "text_link");
        assert_eq!(
            parsed.entities[0].url.as_deref(),
            Some("http://telegram.org/")
        );

        let parsed = ok("<a   href=  'telegram.org?&lt;'   > </a>");
        assert_eq!(
            parsed.entities[0].url.as_deref(),
            Some("http://telegram.org/?<")
        );

        assert!(ok("<a> </a>").entities.is_empty());
        assert_eq!(
            ok("<a>https://telegram.org/asdsa?asdasdwe#12e3we</a>").entities[0]
                .url
                .as_deref(),
            Some("https://telegram.org/asdsa?asdasdwe#12e3we")
        );

        let parsed = ok("<pre><code class=\"language-rust\">fn main() {}</code></pre>");
        assert_eq!(parsed.entities.len(), 1);
        assert_eq!(parsed.entities[0].kind, "pre");
        assert_eq!(parsed.entities[0].language.as_deref(), Some("rust"));

        let parsed = ok("<code class=\"language-rust\">x</code>");
        assert_eq!(parsed.entities, vec![MessageEntity::new("code", 0, 1)]);

        let parsed = ok("<blockquote expandable>quote</blockquote>");
        assert_eq!(parsed.entities[0].kind, "expandable_blockquote");
        let parsed = ok("<tg-spoiler>s</tg-spoiler><span class=\"tg-spoiler\">t</span>");
        assert_eq!(parsed.entities.len(), 2);
        assert!(parsed.entities.iter().all(|e| e.kind == "spoiler"));
    }

    #[test]
    fn markdown_v2_reserved_characters_must_be_escaped() {
        for c in "]()>#+-=|{}.!".chars() {
            if c == '>' {
                continue; // A quote at the start of a line.
            }
            let text = format!("a{c}");
            assert_eq!(
                parse_markdown_v2(&text).unwrap_err(),
                format!("Character '{c}' is reserved and must be escaped with the preceding '\\'")
            );
            let escaped = format!("a\\{c}");
            assert_eq!(parse_markdown_v2(&escaped).unwrap().text, format!("a{c}"));
        }
        assert_eq!(
            parse_markdown_v2("Harga Rp10.000").unwrap_err(),
            "Character '.' is reserved and must be escaped with the preceding '\\'"
        );
    }

    #[test]
    fn markdown_v2_errors_and_entities_match_tdlib() {
        assert_eq!(
            parse_markdown_v2("🏟 🏟_abacaba").unwrap_err(),
            "Can't find end of Italic entity at byte offset 9"
        );
        assert_eq!(
            parse_markdown_v2("🏟 🏟_abac * asd ").unwrap_err(),
            "Can't find end of Bold entity at byte offset 15"
        );
        assert_eq!(
            parse_markdown_v2("🏟 🏟```a ").unwrap_err(),
            "Can't find end of PreCode entity at byte offset 9"
        );
        assert_eq!(
            parse_markdown_v2("[telegram\\.org](asd").unwrap_err(),
            "Can't find end of a URL at byte offset 16"
        );
        let parsed = parse_markdown_v2("🏟 🏟_🏟 *🏟*_").unwrap();
        assert_eq!(parsed.text, "🏟 🏟🏟 🏟");
        assert_eq!(
            parsed.entities,
            vec![
                MessageEntity::new("italic", 5, 5),
                MessageEntity::new("bold", 8, 2)
            ]
        );
        let parsed = parse_markdown_v2("[telegram\\.org](telegram.dog)").unwrap();
        assert_eq!(
            parsed.entities[0].url.as_deref(),
            Some("http://telegram.dog/")
        );
        let parsed = parse_markdown_v2(">quoted\n>more\nplain").unwrap();
        assert_eq!(parsed.text, "quoted\nmore\nplain");
        assert_eq!(
            parsed.entities,
            vec![MessageEntity::new("blockquote", 0, 11)]
        );
    }

    #[test]
    fn legacy_markdown_matches_tdlib() {
        assert_eq!(
            parse_markdown_v1("snake_case_name").unwrap().entities,
            vec![MessageEntity::new("italic", 5, 4)]
        );
        assert_eq!(
            parse_markdown_v1("a_b").unwrap_err(),
            "Can't find end of the entity starting at byte offset 1"
        );
    }

    #[test]
    fn finishing_trims_and_detects() {
        let parsed = ok("  <b>Halo</b> https://unej.ac.id/berita, #UNEJ @humas_unej /start  ");
        let done = finish(&parsed.text, parsed.entities);
        assert_eq!(
            done.text,
            "Halo https://unej.ac.id/berita, #UNEJ @humas_unej /start"
        );
        let kinds: Vec<_> = done
            .entities
            .iter()
            .map(|e| (e.kind.as_str(), e.offset, e.length))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("bold", 0, 4),
                ("url", 5, 25),
                ("hashtag", 32, 5),
                ("mention", 38, 11),
                ("bot_command", 50, 6)
            ]
        );
        assert!(finish(" \n ", Vec::new()).text.is_empty());
    }

    #[test]
    fn code_points_not_bytes_count_towards_limits() {
        let emoji = "😀".repeat(4096);
        assert_eq!(char_count(&emoji), 4096);
        assert_eq!(utf16_len(&emoji), 8192);
    }

    #[test]
    fn rendering_escapes_and_nests() {
        let parsed =
            ok("<b>a &lt;b&gt; <i>c</i></b> &amp; <a href=\"https://x.org/?a=1&amp;b=2\">l</a>");
        let html = to_html(&parsed.text, &parsed.entities);
        assert_eq!(
            html,
            "<b>a &lt;b&gt; <i>c</i></b> &amp; <a href=\"https://x.org/?a=1&amp;b=2\">l</a>"
        );
        // Overlapping entities given explicitly are split so that tags nest.
        let overlapping = vec![
            MessageEntity::new("bold", 0, 3),
            MessageEntity::new("italic", 1, 4),
        ];
        assert_eq!(to_html("abcde", &overlapping), "<b>a<i>bc</i></b><i>de</i>");
        assert_eq!(
            escape_html("<script>\"'&"),
            "&lt;script&gt;&quot;&#39;&amp;"
        );
    }
}
