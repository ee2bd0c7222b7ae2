//! The Bot API's size limits and the checks that enforce them with the real error texts.

use super::{
    entities::char_count,
    errors::{
        BUTTON_DATA_INVALID, BotError, CAPTION_TOO_LONG, FILE_EMPTY, FILE_TOO_BIG,
        MESSAGE_MUST_BE_NON_EMPTY, MESSAGE_TOO_LONG, NO_MESSAGES_TO_SEND, TOO_MANY_ALBUM_MESSAGES,
    },
};

/// A message text: 1–4096 code points after entity parsing.
pub const MAX_TEXT_CHARS: usize = 4096;
/// A caption: 0–1024 code points after entity parsing.
pub const MAX_CAPTION_CHARS: usize = 1024;
/// An album (`sendMediaGroup`) holds at most this many items.
pub const MAX_ALBUM_ITEMS: usize = 10;
/// A photo upload.
pub const MAX_PHOTO_BYTES: u64 = 10 * 1024 * 1024;
/// Any other upload; larger request bodies are refused outright with 413.
pub const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;
/// `getFile` hands out download paths only for files up to this size.
pub const MAX_DOWNLOAD_BYTES: u64 = 20 * 1024 * 1024;
/// A photo's width plus height.
pub const MAX_PHOTO_DIMENSIONS_SUM: u32 = 10_000;
/// A photo's longer side over its shorter side.
pub const MAX_PHOTO_ASPECT_RATIO: u32 = 20;
/// `callback_data` of an inline keyboard button, in bytes.
pub const MAX_CALLBACK_DATA_BYTES: usize = 64;
/// `answerCallbackQuery` text, in code points.
pub const MAX_CALLBACK_ANSWER_CHARS: usize = 200;
/// `getUpdates` `limit` is clamped to 1–100 (default 100).
pub const MAX_UPDATES_LIMIT: i64 = 100;
/// `getUpdates` `timeout` is clamped to 0–50 seconds.
pub const MAX_POLL_TIMEOUT_SECS: i64 = 50;
/// A bot can delete messages only while they are younger than this.
pub const DELETE_WINDOW_SECS: i64 = 48 * 3600;

/// A text after parsing and trimming: not empty, at most [`MAX_TEXT_CHARS`] code points.
pub fn check_text(text: &str) -> Result<(), BotError> {
    if text.is_empty() {
        return Err(BotError::bad_request(MESSAGE_MUST_BE_NON_EMPTY));
    }
    if char_count(text) > MAX_TEXT_CHARS {
        return Err(BotError::bad_request(MESSAGE_TOO_LONG));
    }
    Ok(())
}

/// A caption after parsing and trimming: at most [`MAX_CAPTION_CHARS`] code points.
pub fn check_caption(caption: &str) -> Result<(), BotError> {
    if char_count(caption) > MAX_CAPTION_CHARS {
        return Err(BotError::bad_request(CAPTION_TOO_LONG));
    }
    Ok(())
}

/// `callback_data`: 1–64 bytes.
pub fn check_callback_data(data: &str) -> Result<(), BotError> {
    if data.is_empty() || data.len() > MAX_CALLBACK_DATA_BYTES {
        return Err(BotError::bad_request(BUTTON_DATA_INVALID));
    }
    Ok(())
}

/// The number of items of an album: 1 is allowed (sent as a plain message), 0 and more than
/// [`MAX_ALBUM_ITEMS`] are not.
pub fn check_album_size(items: usize) -> Result<(), BotError> {
    if items == 0 {
        return Err(BotError::bad_request(NO_MESSAGES_TO_SEND));
    }
    if items > MAX_ALBUM_ITEMS {
        return Err(BotError::bad_request(TOO_MANY_ALBUM_MESSAGES));
    }
    Ok(())
}

/// An uploaded file's size for its kind.
pub fn check_upload_size(bytes: u64, is_photo: bool) -> Result<(), BotError> {
    if bytes == 0 {
        return Err(BotError::bad_request(FILE_EMPTY));
    }
    if bytes > MAX_UPLOAD_BYTES {
        return Err(BotError::new(413, super::errors::ENTITY_TOO_LARGE));
    }
    if is_photo && bytes > MAX_PHOTO_BYTES {
        return Err(BotError::bad_request(format!(
            "Bad Request: file of size {bytes} bytes is too big for a photo; the maximum size is {MAX_PHOTO_BYTES} bytes"
        )));
    }
    Ok(())
}

/// `getFile` on a file larger than [`MAX_DOWNLOAD_BYTES`].
pub fn check_download_size(bytes: u64) -> Result<(), BotError> {
    if bytes > MAX_DOWNLOAD_BYTES {
        return Err(BotError::bad_request(FILE_TOO_BIG));
    }
    Ok(())
}

/// A photo's dimensions: `w + h <= 10000` and a ratio of at most 20.
pub fn photo_dimensions_ok(width: u32, height: u32) -> bool {
    if width == 0 || height == 0 {
        return false;
    }
    let (long, short) = if width >= height {
        (width, height)
    } else {
        (height, width)
    };
    width + height <= MAX_PHOTO_DIMENSIONS_SUM && long <= short * MAX_PHOTO_ASPECT_RATIO
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_limit_is_in_code_points() {
        assert!(check_text(&"a".repeat(4096)).is_ok());
        assert!(check_text(&"😀".repeat(4096)).is_ok());
        assert_eq!(
            check_text(&"a".repeat(4097)).unwrap_err().description,
            "Bad Request: message is too long"
        );
        assert_eq!(
            check_text("").unwrap_err().description,
            "Bad Request: message must be non-empty"
        );
    }

    #[test]
    fn caption_limit_is_in_code_points() {
        assert!(check_caption("").is_ok());
        assert!(check_caption(&"é".repeat(1024)).is_ok());
        assert_eq!(
            check_caption(&"é".repeat(1025)).unwrap_err().description,
            "Bad Request: message caption is too long"
        );
    }

    #[test]
    fn callback_data_is_one_to_sixty_four_bytes() {
        assert!(check_callback_data("a").is_ok());
        assert!(check_callback_data(&"a".repeat(64)).is_ok());
        assert!(check_callback_data(&"a".repeat(65)).is_err());
        assert!(check_callback_data("").is_err());
        // 22 three-byte characters are 66 bytes.
        assert!(check_callback_data(&"€".repeat(22)).is_err());
    }

    #[test]
    fn album_sizes() {
        assert_eq!(
            check_album_size(0).unwrap_err().description,
            "Bad Request: there are no messages to send"
        );
        assert!(check_album_size(1).is_ok());
        assert!(check_album_size(10).is_ok());
        assert_eq!(
            check_album_size(11).unwrap_err().description,
            "Bad Request: too many messages to send as an album"
        );
    }

    #[test]
    fn upload_sizes() {
        assert!(check_upload_size(MAX_PHOTO_BYTES, true).is_ok());
        assert!(check_upload_size(MAX_PHOTO_BYTES + 1, true).is_err());
        assert!(check_upload_size(MAX_PHOTO_BYTES + 1, false).is_ok());
        assert_eq!(
            check_upload_size(MAX_UPLOAD_BYTES + 1, false)
                .unwrap_err()
                .code,
            413
        );
        assert!(check_upload_size(0, false).is_err());
        assert!(check_download_size(MAX_DOWNLOAD_BYTES).is_ok());
        assert_eq!(
            check_download_size(MAX_DOWNLOAD_BYTES + 1)
                .unwrap_err()
                .description,
            "Bad Request: file is too big"
        );
    }

    #[test]
    fn photo_dimensions() {
        assert!(photo_dimensions_ok(1280, 720));
        assert!(!photo_dimensions_ok(9000, 2000));
        assert!(!photo_dimensions_ok(2100, 100));
        assert!(photo_dimensions_ok(2000, 100));
    }
}
