//! What the sandbox reads from uploaded files: image headers (format and dimensions, as
//! Telegram refuses what it cannot process as a photo), MIME types from file names, and the
//! shape of `file_id`s.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

/// The format and dimensions read from an image's header, without decoding it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// JPEG, PNG, GIF, WebP and BMP headers; `None` for anything else.
pub fn image_info(bytes: &[u8]) -> Option<ImageInfo> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        return Some(ImageInfo {
            mime: "image/png",
            width: be32(bytes, 16)?,
            height: be32(bytes, 20)?,
        });
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(ImageInfo {
            mime: "image/gif",
            width: le16(bytes, 6)?,
            height: le16(bytes, 8)?,
        });
    }
    if bytes.starts_with(b"BM") && bytes.len() >= 26 {
        let height = le32(bytes, 22)? as i32;
        return Some(ImageInfo {
            mime: "image/bmp",
            width: le32(bytes, 18)?,
            height: height.unsigned_abs(),
        });
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return webp_info(bytes);
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        return jpeg_info(bytes);
    }
    None
}

fn webp_info(b: &[u8]) -> Option<ImageInfo> {
    let (width, height) = match b.get(12..16)? {
        b"VP8 " => (le16(b, 26)? & 0x3FFF, le16(b, 28)? & 0x3FFF),
        b"VP8L" => {
            let bits = le32(b, 21)?;
            ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        }
        b"VP8X" => {
            let w =
                u32::from(*b.get(24)?) | u32::from(*b.get(25)?) << 8 | u32::from(*b.get(26)?) << 16;
            let h =
                u32::from(*b.get(27)?) | u32::from(*b.get(28)?) << 8 | u32::from(*b.get(29)?) << 16;
            (w + 1, h + 1)
        }
        _ => return None,
    };
    Some(ImageInfo {
        mime: "image/webp",
        width,
        height,
    })
}

fn jpeg_info(b: &[u8]) -> Option<ImageInfo> {
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let length = be16(b, i + 2)? as usize;
        let is_sof = (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            return Some(ImageInfo {
                mime: "image/jpeg",
                height: be16(b, i + 5)?,
                width: be16(b, i + 7)?,
            });
        }
        if marker == 0xD9 || marker == 0xDA {
            return None;
        }
        i += 2 + length;
    }
    None
}

/// The MIME type a file name's extension implies, `application/octet-stream` otherwise.
pub fn mime_from_name(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" | "oga" => "audio/ogg",
        _ => "application/octet-stream",
    }
}

/// The extension a stored file's download path gets.
pub fn extension_for(mime: &str, file_name: Option<&str>) -> String {
    if let Some(ext) = file_name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| {
            !ext.is_empty() && ext.len() <= 8 && ext.chars().all(|c| c.is_ascii_alphanumeric())
        })
    {
        return ext;
    }
    match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/bmp" => "bmp",
        "video/mp4" => "mp4",
        "application/pdf" => "pdf",
        _ => "bin",
    }
    .to_owned()
}

/// The kinds of stored files; the leading byte of a `file_id` says which, as on Telegram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Photo,
    Video,
    Document,
}

impl FileKind {
    /// TDLib's names, used in `can't use file of type X as Y`.
    pub fn tdlib_name(self) -> &'static str {
        match self {
            Self::Photo => "Photo",
            Self::Video => "Video",
            Self::Document => "Document",
        }
    }

    fn tag(self) -> u8 {
        match self {
            Self::Photo => 2,
            Self::Video => 4,
            Self::Document => 5,
        }
    }

    pub fn folder(self) -> &'static str {
        match self {
            Self::Photo => "photos",
            Self::Video => "videos",
            Self::Document => "documents",
        }
    }
}

/// A `file_id`: long, URL-safe base64, unique per stored file (and per photo size).
pub fn file_id(kind: FileKind, serial: u64, salt: u64) -> String {
    let mut bytes = vec![kind.tag(), 0, 0, 0, 0x19, 0x01];
    bytes.extend_from_slice(&salt.to_le_bytes());
    bytes.extend_from_slice(&serial.to_le_bytes());
    bytes.extend_from_slice(&(serial ^ salt).rotate_left(17).to_le_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A `file_unique_id`: short, the same for every `file_id` of one file.
pub fn file_unique_id(serial: u64, salt: u64) -> String {
    let mut bytes = vec![0x01, 0x00, 0x03];
    bytes.extend_from_slice(&(serial ^ salt.rotate_left(7)).to_le_bytes()[..6]);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The sizes Telegram generates for a photo: thumbnails of 90, 320 and 800 pixels and the
/// photo itself scaled to at most 1280, each smaller than the original's longer side.
pub fn photo_sizes(width: u32, height: u32) -> Vec<(u32, u32)> {
    let long = width.max(height);
    let mut sizes: Vec<(u32, u32)> = [90u32, 320, 800]
        .into_iter()
        .filter(|side| *side < long)
        .map(|side| scale(width, height, side))
        .collect();
    sizes.push(scale(width, height, long.min(1280)));
    sizes
}

fn scale(width: u32, height: u32, long_side: u32) -> (u32, u32) {
    let long = width.max(height).max(1);
    let w = (u64::from(width) * u64::from(long_side) / u64::from(long)).max(1) as u32;
    let h = (u64::from(height) * u64::from(long_side) / u64::from(long)).max(1) as u32;
    (w, h)
}

#[cfg(test)]
pub(crate) mod fixtures {
    /// A 2×1 PNG header (enough for the sandbox, which never decodes pixels).
    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        b.extend_from_slice(&width.to_be_bytes());
        b.extend_from_slice(&height.to_be_bytes());
        b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    pub fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        b.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        b.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
        b.extend_from_slice(&height.to_be_bytes());
        b.extend_from_slice(&width.to_be_bytes());
        b.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_image_headers() {
        assert_eq!(
            image_info(&fixtures::png(640, 480)),
            Some(ImageInfo {
                mime: "image/png",
                width: 640,
                height: 480
            })
        );
        assert_eq!(
            image_info(&fixtures::jpeg(1920, 1080)),
            Some(ImageInfo {
                mime: "image/jpeg",
                width: 1920,
                height: 1080
            })
        );
        let gif = b"GIF89a\x10\x00\x20\x00rest";
        assert_eq!(image_info(gif).map(|i| (i.width, i.height)), Some((16, 32)));
        assert_eq!(image_info(b"%PDF-1.7"), None);
        assert_eq!(image_info(b"not an image"), None);
    }

    #[test]
    fn mime_types_come_from_extensions() {
        assert_eq!(mime_from_name("Surat Permohonan.PDF"), "application/pdf");
        assert_eq!(mime_from_name("noext"), "application/octet-stream");
        assert_eq!(extension_for("image/jpeg", None), "jpg");
        assert_eq!(extension_for("application/pdf", Some("surat.pdf")), "pdf");
    }

    #[test]
    fn file_ids_are_distinct_and_url_safe() {
        let a = file_id(FileKind::Photo, 1, 42);
        let b = file_id(FileKind::Photo, 2, 42);
        assert_ne!(a, b);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert!(a.len() > 30);
        assert_ne!(file_unique_id(1, 42), file_unique_id(2, 42));
    }

    #[test]
    fn photo_sizes_never_upscale() {
        assert_eq!(photo_sizes(60, 40), vec![(60, 40)]);
        assert_eq!(
            photo_sizes(2560, 1440),
            vec![(90, 50), (320, 180), (800, 450), (1280, 720)]
        );
    }
}
