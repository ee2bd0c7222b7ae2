//! Attachments: the request letter and media. The declared content type is not trusted; the
//! bytes are sniffed and only images, PDFs and videos are kept.

use chrono::Utc;
use entity::attachment;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use crate::{
    auth::Principal,
    service::{
        ServiceError, ServiceResult, Services,
        audit::{NewEvent, append_event},
        error::check_required,
    },
};

/// What an attachment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    /// The signed request letter (*surat permohonan*).
    Letter,
    /// A photo, video or document to publish.
    Media,
}

impl AttachmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Letter => "letter",
            AttachmentKind::Media => "media",
        }
    }
}

/// Content types Warta accepts, as sniffed from the bytes.
const ACCEPTED: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "application/pdf",
    "video/mp4",
    "video/quicktime",
    "video/webm",
];

/// The content type of a file judged by its first bytes, if it is one Warta accepts.
pub fn sniff_content_type(head: &[u8]) -> Option<&'static str> {
    let kind = infer::get(head)?;
    ACCEPTED.iter().copied().find(|t| *t == kind.mime_type())
}

/// Keeps a file name printable and short; the path part a browser may send is dropped.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if cleaned.trim().is_empty() {
        "lampiran".into()
    } else {
        cleaned.trim().to_owned()
    }
}

impl Services {
    /// Stores an uploaded file for the principal. With `request_id`, the file joins that
    /// request at once (its requester, or the official holding it, may add files).
    pub async fn upload_attachment(
        &self,
        principal: &Principal,
        filename: &str,
        file: std::fs::File,
        kind: AttachmentKind,
        request_id: Option<i64>,
    ) -> ServiceResult<attachment::Model> {
        let (user_id, client_id) = match principal {
            Principal::Anonymous => return Err(ServiceError::Unauthenticated),
            Principal::User { id, .. } => (Some(*id), None),
            Principal::Client { id, .. } => (None, Some(*id)),
        };
        check_required("filename", filename, 255)?;
        let size = file.metadata()?.len();
        if size == 0 {
            return Err(ServiceError::BadInput("the file is empty".into()));
        }
        if size > self.settings.max_upload_bytes {
            return Err(ServiceError::BadInput(format!(
                "the file is larger than {} bytes",
                self.settings.max_upload_bytes
            )));
        }
        let bytes = tokio::task::spawn_blocking(move || {
            use std::io::Read;
            let mut bytes = Vec::with_capacity(size as usize);
            let mut file = file;
            file.read_to_end(&mut bytes).map(|_| bytes)
        })
        .await
        .map_err(|e| ServiceError::Internal(Box::new(e)))??;
        let content_type = sniff_content_type(&bytes).ok_or_else(|| {
            ServiceError::BadInput("unsupported file type: send an image (JPEG, PNG, WebP, GIF), a PDF or a video (MP4, MOV, WebM)".into())
        })?;
        if let Some(rid) = request_id {
            let row = self.visible_request(principal, rid).await?;
            let may_add = user_id == Some(row.requester_id)
                || (user_id.is_some() && user_id == row.holder_user_id);
            if !may_add {
                return Err(ServiceError::Forbidden(
                    "only the requester or the current holder may add files".into(),
                ));
            }
        }
        let stored = self.attachments.put_bytes(&bytes).await?;
        let audit = self.audit_of(principal).await?;
        let tx = self.db.begin_write().await?;
        let row = attachment::ActiveModel {
            request_id: Set(request_id),
            uploader_user_id: Set(user_id),
            uploader_client_id: Set(client_id),
            kind: Set(kind.as_str().to_owned()),
            filename: Set(clean_filename(filename)),
            content_type: Set(content_type.to_owned()),
            size_bytes: Set(stored.size_bytes as i64),
            sha256: Set(stored.sha256),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
        append_event(
            &*tx,
            &audit,
            NewEvent {
                request_id,
                kind: "attachment_uploaded",
                from_status: None,
                to_status: None,
                payload: json!({
                    "attachment_id": row.id,
                    "filename": row.filename,
                    "content_type": row.content_type,
                    "size_bytes": row.size_bytes,
                    "sha256": row.sha256,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// An attachment and its bytes, if the principal may see it: their own upload, or one
    /// belonging to a request they may see.
    pub async fn attachment_for(
        &self,
        principal: &Principal,
        id: i64,
    ) -> ServiceResult<(attachment::Model, Vec<u8>)> {
        let row = attachment::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(ServiceError::NotFound("attachment"))?;
        let own = match principal {
            Principal::User { id, .. } => row.uploader_user_id == Some(*id),
            Principal::Client { id, .. } => row.uploader_client_id == Some(*id),
            Principal::Anonymous => return Err(ServiceError::Unauthenticated),
        };
        if !own {
            match row.request_id {
                Some(rid) => {
                    self.visible_request(principal, rid)
                        .await
                        .map_err(|_| ServiceError::NotFound("attachment"))?;
                }
                None => return Err(ServiceError::NotFound("attachment")),
            }
        }
        let bytes = self.attachments.read(&row.sha256).await?;
        Ok((row, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_trusts_bytes_not_names() {
        assert_eq!(sniff_content_type(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(
            sniff_content_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some("image/jpeg")
        );
        assert_eq!(sniff_content_type(b"MZ\x90\x00 windows executable"), None);
        assert_eq!(sniff_content_type(b"just text"), None);
    }

    #[test]
    fn filenames_lose_paths_and_control_characters() {
        assert_eq!(clean_filename("C:\\Users\\x\\surat.pdf"), "surat.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("a\u{0}b.jpg"), "ab.jpg");
        assert_eq!(clean_filename("   "), "lampiran");
    }
}
