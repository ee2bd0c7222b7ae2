//! Printed records (SOP: records are kept "as electronic data and on paper"): the
//! *lembar disposisi* of a request and the record of its publication, as PDFs generated on
//! the server for the people who may see the request.
//!
//! Loading and access live here; `sheet` and `record` lay the documents out from plain data
//! (so they can be tested without a database), and `layout` draws them.

pub mod labels;
pub mod layout;
pub mod record;
pub mod sheet;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entity::{
    archive_entry, attachment, channel, content_version, disposition, publication, request, review,
    user,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    auth::Principal,
    service::{ServiceError, ServiceResult, Services},
};

pub use layout::PaperError;

/// A generated PDF and the file name it is offered under.
#[derive(Debug, Clone)]
pub struct Printed {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Everything a disposition sheet shows.
#[derive(Debug, Clone)]
pub struct SheetData {
    pub request: request::Model,
    /// The dispositions in the order they were made.
    pub dispositions: Vec<disposition::Model>,
    /// The people named on the sheet (requester, senders, recipients), by id.
    pub users: HashMap<i64, user::Model>,
    pub printed_at: DateTime<Utc>,
}

/// Everything a publication record shows.
#[derive(Debug, Clone)]
pub struct RecordData {
    pub request: request::Model,
    /// The content version that went out (the current one while nothing has been sent).
    pub content: Option<content_version::Model>,
    /// Each channel's publication, oldest first, with the channel when it still exists.
    pub publications: Vec<(publication::Model, Option<channel::Model>)>,
    pub reviews: Vec<review::Model>,
    /// The request letter and the media that went out with the text.
    pub attachments: Vec<attachment::Model>,
    pub archive: Option<archive_entry::Model>,
    pub users: HashMap<i64, user::Model>,
    pub printed_at: DateTime<Utc>,
}

/// Download path of a request's disposition sheet (send the bearer token).
pub fn disposition_sheet_path(request_id: i64) -> String {
    format!("/requests/{request_id}/disposition-sheet.pdf")
}

/// Download path of a request's publication record (send the bearer token).
pub fn publication_record_path(request_id: i64) -> String {
    format!("/requests/{request_id}/publication-record.pdf")
}

/// "lembar-disposisi-0042-HM-2026.pdf" from "0042/HM/2026": the agenda number with anything
/// that is not a letter, digit or dash made a dash, safe in a header and on every file system.
pub fn filename(kind: &str, agenda_number: &str) -> String {
    format!("{kind}-{}.pdf", safe_agenda(agenda_number))
}

/// "0042-HM-2026" from "0042/HM/2026" (see [`filename`]); also names a request's folder in
/// a records export.
pub fn safe_agenda(agenda_number: &str) -> String {
    agenda_number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

impl From<PaperError> for ServiceError {
    fn from(err: PaperError) -> Self {
        ServiceError::Internal(Box::new(err))
    }
}

impl Services {
    /// The disposition sheet of a request the principal may see.
    ///
    /// # Errors
    /// `Unauthenticated` without a principal, `Forbidden` for a request the principal may
    /// not see, `NotFound` for one that does not exist.
    pub async fn disposition_sheet(
        &self,
        principal: &Principal,
        request_id: i64,
    ) -> ServiceResult<Printed> {
        let request = self.printable_request(principal, request_id).await?;
        print_sheet(self.sheet_data(request).await?).await
    }

    /// Everything the disposition sheet of `request` shows. No access check: the caller has
    /// made it (the download routes) or runs with the database's authority (`warta archive`).
    pub async fn sheet_data(&self, request: request::Model) -> ServiceResult<SheetData> {
        let dispositions = disposition::Entity::find()
            .filter(disposition::Column::RequestId.eq(request.id))
            .order_by_asc(disposition::Column::CreatedAt)
            .order_by_asc(disposition::Column::Id)
            .all(&self.db.conn)
            .await?;
        let mut ids: BTreeSet<i64> = BTreeSet::from([request.requester_id]);
        for d in &dispositions {
            ids.extend(d.from_user_id);
            ids.extend(d.to_user_id);
        }
        let users = self.users_by_id(ids).await?;
        Ok(SheetData {
            request,
            dispositions,
            users,
            printed_at: Utc::now(),
        })
    }

    /// The publication record of a request the principal may see: what went out, where and
    /// when, with the hash of the text, and how it was archived.
    ///
    /// # Errors
    /// As [`Services::disposition_sheet`].
    pub async fn publication_record(
        &self,
        principal: &Principal,
        request_id: i64,
    ) -> ServiceResult<Printed> {
        let request = self.printable_request(principal, request_id).await?;
        let mut data = self.record_data(request).await?;
        // The archive's particulars follow the entry's access class, as in the API.
        data.archive = data
            .archive
            .filter(|a| crate::service::archive::may_read(principal, &a.access_class));
        print_record(data).await
    }

    /// Everything the publication record of `request` shows; no access check, as
    /// [`Services::sheet_data`].
    pub async fn record_data(&self, request: request::Model) -> ServiceResult<RecordData> {
        let db = &self.db.conn;
        let publications = publication::Entity::find()
            .filter(publication::Column::RequestId.eq(request.id))
            .order_by_asc(publication::Column::Id)
            .all(db)
            .await?;
        let channel_ids: Vec<i64> = publications.iter().map(|p| p.channel_id).collect();
        let channels: HashMap<i64, channel::Model> = channel::Entity::find()
            .filter(channel::Column::Id.is_in(channel_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        // The version that was published; before anything went out, the current one.
        let version = publications
            .iter()
            .filter(|p| p.sent_at.is_some())
            .map(|p| p.content_version)
            .max()
            .unwrap_or(request.current_content_version);
        let content = content_version::Entity::find()
            .filter(content_version::Column::RequestId.eq(request.id))
            .filter(content_version::Column::VersionNo.eq(version))
            .one(db)
            .await?;
        let reviews = review::Entity::find()
            .filter(review::Column::RequestId.eq(request.id))
            .order_by_asc(review::Column::Id)
            .all(db)
            .await?;
        let attachments = attachment::Entity::find()
            .filter(attachment::Column::RequestId.eq(request.id))
            .order_by_asc(attachment::Column::Id)
            .all(db)
            .await?;
        let archive = archive_entry::Entity::find()
            .filter(archive_entry::Column::RequestId.eq(request.id))
            .one(db)
            .await?;
        let mut ids: BTreeSet<i64> = BTreeSet::from([request.requester_id]);
        ids.extend(reviews.iter().filter_map(|r| r.reviewer_id));
        ids.extend(archive.as_ref().and_then(|a| a.archived_by));
        let users = self.users_by_id(ids).await?;
        Ok(RecordData {
            request,
            content,
            publications: publications
                .into_iter()
                .map(|p| {
                    let channel = channels.get(&p.channel_id).cloned();
                    (p, channel)
                })
                .collect(),
            reviews,
            attachments,
            archive,
            users,
            printed_at: Utc::now(),
        })
    }

    /// The request, if the principal may see it. Unlike the GraphQL API (which answers
    /// `NOT_FOUND` so ids cannot be probed), a download link that is not yours is a 403: the
    /// links are handed around on paper and in chats, and "not for you" is the useful answer.
    async fn printable_request(
        &self,
        principal: &Principal,
        request_id: i64,
    ) -> ServiceResult<request::Model> {
        match self.visible_request(principal, request_id).await {
            Err(ServiceError::NotFound(what)) => {
                let exists = request::Entity::find_by_id(request_id)
                    .one(&self.db.conn)
                    .await?
                    .is_some();
                if exists {
                    Err(ServiceError::Forbidden(
                        "you may not see this request".into(),
                    ))
                } else {
                    Err(ServiceError::NotFound(what))
                }
            }
            other => other,
        }
    }

    async fn users_by_id(&self, ids: BTreeSet<i64>) -> ServiceResult<HashMap<i64, user::Model>> {
        Ok(user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(&self.db.conn)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect())
    }
}

/// Prints a disposition sheet.
pub async fn print_sheet(data: SheetData) -> ServiceResult<Printed> {
    let filename = filename("lembar-disposisi", &data.request.agenda_number);
    let bytes = render(move || sheet::render(&data)).await?;
    Ok(Printed { filename, bytes })
}

/// Prints a publication record.
pub async fn print_record(data: RecordData) -> ServiceResult<Printed> {
    let filename = filename("rekam-publikasi", &data.request.agenda_number);
    let bytes = render(move || record::render(&data)).await?;
    Ok(Printed { filename, bytes })
}

/// Font subsetting and compression take a few milliseconds of CPU; off the async workers.
async fn render(
    job: impl FnOnce() -> Result<Vec<u8>, PaperError> + Send + 'static,
) -> ServiceResult<Vec<u8>> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| ServiceError::Internal(Box::new(e)))?
        .map_err(ServiceError::from)
}

/// A person's name as printed: the full name, or the username when there is none.
fn name_of(users: &HashMap<i64, user::Model>, id: Option<i64>) -> Option<String> {
    let user = users.get(&id?)?;
    Some(if user.full_name.trim().is_empty() {
        user.username.clone()
    } else {
        user.full_name.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_the_agenda_number_safely() {
        assert_eq!(
            filename("lembar-disposisi", "0042/HM/2026"),
            "lembar-disposisi-0042-HM-2026.pdf"
        );
        assert_eq!(
            filename("rekam-publikasi", "7 \"x\"/é"),
            "rekam-publikasi-7--x---.pdf"
        );
    }
}
