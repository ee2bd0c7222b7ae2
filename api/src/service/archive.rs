//! The step-7 archive as a records office sees it: the classification list admins keep,
//! archiving a request under a code from that list, who may read an entry of each access
//! class, and retention reviews. Nothing here deletes an archive entry, ever.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{archive_entry, classification, content_version};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, sea_query::Expr,
};
use serde_json::json;

use crate::{
    auth::{Principal, Scope},
    service::{
        Audit, ServiceError, ServiceResult, Services,
        audit::{NewEvent, append_admin_event, append_event},
        error::{check_len, check_required},
        requests::ActDetails,
    },
    workflow::{
        self, AccessClass, Command, RETENTION_YEARS,
        records::{Reader, RetentionDecision},
    },
};

/// Longest classification title and description.
const MAX_CLASSIFICATION_TITLE: usize = 200;
const MAX_CLASSIFICATION_DESCRIPTION: usize = 1000;
/// Longest note on a retention review.
const MAX_REVIEW_NOTE: usize = 2000;

/// A new classification.
#[derive(Debug, Clone)]
pub struct NewClassification {
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    pub default_retention_years: i32,
}

/// Changes to a classification; its code stays, as archive entries refer to it.
#[derive(Debug, Clone, Default)]
pub struct ClassificationEdit {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub default_retention_years: Option<i32>,
    pub active: Option<bool>,
}

/// What staff give when archiving a request.
#[derive(Debug, Clone)]
pub struct ArchiveInput {
    pub classification_code: String,
    /// Years to keep it; the classification's default when not given.
    pub retention_years: Option<i32>,
    pub access_class: AccessClass,
}

/// A retention review's decision as given.
#[derive(Debug, Clone)]
pub struct RetentionReview {
    pub decision: RetentionDecision,
    /// For `Keep`: the new last day of retention.
    pub keep_until: Option<NaiveDate>,
    pub note: Option<String>,
}

/// A code as stored: trimmed, upper case, dot-separated letters and digits (`HM.01.02`).
pub fn normalize_code(code: &str) -> ServiceResult<String> {
    let code = code.trim().to_ascii_uppercase();
    check_required(
        "classification code",
        &code,
        workflow::MAX_CLASSIFICATION_CODE_CHARS,
    )?;
    let well_formed = code
        .split('.')
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
    if !well_formed {
        return Err(ServiceError::BadInput(format!(
            "classification code {code:?} must be letters and digits separated by dots, e.g. HM.01.02"
        )));
    }
    Ok(code)
}

fn check_retention(years: i32) -> ServiceResult<u16> {
    u16::try_from(years)
        .ok()
        .filter(|y| RETENTION_YEARS.contains(y))
        .ok_or_else(|| {
            ServiceError::BadInput(format!(
                "retention must be between 1 and 100 years, not {years}"
            ))
        })
}

/// Today in WIB, the office's calendar day.
pub fn today_wib(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&workflow::sla::wib()).date_naive()
}

/// Whether the principal may read an archive entry of this class. People must also be
/// allowed to see the request; clients see public entries only.
pub fn may_read(principal: &Principal, access_class: &str) -> bool {
    let Ok(class) = access_class.parse::<AccessClass>() else {
        return false;
    };
    match principal {
        Principal::Anonymous => false,
        Principal::User { roles, .. } => class.readable_by(Reader::Person(roles)),
        Principal::Client { .. } => class.readable_by(Reader::Client),
    }
}

/// The active classification with this code, or why there is none.
async fn active_classification(
    db: &impl ConnectionTrait,
    code: &str,
) -> ServiceResult<classification::Model> {
    let row = classification::Entity::find()
        .filter(classification::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| {
            ServiceError::BadInput(format!(
                "classification code {code} is not in the classification list"
            ))
        })?;
    if !row.active {
        return Err(ServiceError::BadInput(format!(
            "classification code {code} is deactivated; choose an active one"
        )));
    }
    Ok(row)
}

/// Writes the archive entry of an `Archived` event, inside the archiving transaction. The code
/// is checked against the list again here, so a code deactivated meanwhile is refused.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_entry(
    db: &impl ConnectionTrait,
    request_id: i64,
    content_version_no: i32,
    classification_code: &str,
    retention_years: u16,
    access_class: AccessClass,
    archived_by: Option<i64>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let code = active_classification(db, classification_code).await?.code;
    let content = content_version::Entity::find()
        .filter(content_version::Column::RequestId.eq(request_id))
        .filter(content_version::Column::VersionNo.eq(content_version_no))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("content version"))?;
    let retain_until = today_wib(now)
        .checked_add_months(chrono::Months::new(u32::from(retention_years) * 12))
        .unwrap_or(NaiveDate::MAX);
    archive_entry::ActiveModel {
        request_id: Set(request_id),
        classification_code: Set(code),
        retention_years: Set(i32::from(retention_years)),
        retain_until: Set(retain_until),
        title: Set(content.title),
        final_text: Set(content.narrative),
        archived_by: Set(archived_by),
        archived_at: Set(now),
        access_class: Set(access_class.as_str().to_owned()),
        content_version: Set(content_version_no),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

impl Services {
    /// The classification list by code; inactive codes only when asked.
    pub async fn classifications(
        &self,
        include_inactive: bool,
    ) -> ServiceResult<Vec<classification::Model>> {
        let mut q = classification::Entity::find();
        if !include_inactive {
            q = q.filter(classification::Column::Active.eq(true));
        }
        Ok(q.order_by_asc(classification::Column::Code)
            .all(&self.db.conn)
            .await?)
    }

    /// Adds a code to the list (admins).
    pub async fn create_classification(
        &self,
        input: NewClassification,
        audit: &Audit,
    ) -> ServiceResult<classification::Model> {
        let code = normalize_code(&input.code)?;
        check_required("title", &input.title, MAX_CLASSIFICATION_TITLE)?;
        let description = input
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        if let Some(d) = &description {
            check_len("description", d, MAX_CLASSIFICATION_DESCRIPTION)?;
        }
        check_retention(input.default_retention_years)?;
        let tx = self.db.begin_write().await?;
        let taken = classification::Entity::find()
            .filter(classification::Column::Code.eq(&code))
            .count(&*tx)
            .await?;
        if taken > 0 {
            return Err(ServiceError::BadInput(format!(
                "classification code {code} is already in the list"
            )));
        }
        let now = Utc::now();
        let row = classification::ActiveModel {
            code: Set(code),
            title: Set(input.title.trim().to_owned()),
            description: Set(description),
            default_retention_years: Set(input.default_retention_years),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
        append_admin_event(
            &*tx,
            audit,
            "classification_created",
            json!({
                "classification_id": row.id,
                "code": row.code,
                "title": row.title,
                "default_retention_years": row.default_retention_years,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Changes a code's title, description, default retention or whether it may be chosen
    /// (admins). Deactivating keeps every entry filed under it.
    pub async fn update_classification(
        &self,
        id: i64,
        edit: ClassificationEdit,
        audit: &Audit,
    ) -> ServiceResult<classification::Model> {
        let tx = self.db.begin_write().await?;
        let row = classification::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or(ServiceError::NotFound("classification"))?;
        let mut active: classification::ActiveModel = row.into();
        if let Some(title) = &edit.title {
            check_required("title", title, MAX_CLASSIFICATION_TITLE)?;
            active.title = Set(title.trim().to_owned());
        }
        if let Some(description) = &edit.description {
            let description = description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty());
            if let Some(d) = description {
                check_len("description", d, MAX_CLASSIFICATION_DESCRIPTION)?;
            }
            active.description = Set(description.map(str::to_owned));
        }
        if let Some(years) = edit.default_retention_years {
            check_retention(years)?;
            active.default_retention_years = Set(years);
        }
        if let Some(v) = edit.active {
            active.active = Set(v);
        }
        active.updated_at = Set(Utc::now());
        let row = active.update(&*tx).await?;
        append_admin_event(
            &*tx,
            audit,
            "classification_updated",
            json!({
                "classification_id": row.id,
                "code": row.code,
                "title": row.title,
                "default_retention_years": row.default_retention_years,
                "active": row.active,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Removes a code nobody has used yet (admins); a code in use can only be deactivated.
    pub async fn delete_classification(&self, id: i64, audit: &Audit) -> ServiceResult<()> {
        let tx = self.db.begin_write().await?;
        let row = classification::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or(ServiceError::NotFound("classification"))?;
        let used = archive_entry::Entity::find()
            .filter(archive_entry::Column::ClassificationCode.eq(&row.code))
            .count(&*tx)
            .await?;
        if used > 0 {
            return Err(ServiceError::BadInput(format!(
                "classification code {} is used by {used} archive entries; deactivate it instead",
                row.code
            )));
        }
        classification::Entity::delete_by_id(id).exec(&*tx).await?;
        append_admin_event(
            &*tx,
            audit,
            "classification_deleted",
            json!({ "classification_id": row.id, "code": row.code }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Step 7: archives a request under a code from the active list, for the classification's
    /// default retention unless another is given.
    pub async fn archive_request(
        &self,
        principal: &Principal,
        request_id: i64,
        expected_version: Option<i32>,
        input: ArchiveInput,
    ) -> ServiceResult<entity::request::Model> {
        let code = normalize_code(&input.classification_code)?;
        let class = active_classification(&self.db.conn, &code).await?;
        let years = check_retention(
            input
                .retention_years
                .unwrap_or(class.default_retention_years),
        )?;
        let command = Command::Archive {
            classification_code: class.code,
            retention_years: years,
            access_class: input.access_class,
        };
        self.act(
            principal,
            request_id,
            expected_version,
            &[command],
            ActDetails::default(),
        )
        .await
    }

    /// The archive entry of a request, when the principal may read it: people who may see the
    /// request and whose roles its class admits; clients with `read:published` (or that
    /// submitted it) for public entries. `None` when there is no entry or it may not be read.
    pub async fn readable_archive_entry(
        &self,
        principal: &Principal,
        request_id: i64,
    ) -> ServiceResult<Option<archive_entry::Model>> {
        let visible = match principal {
            Principal::Client { scopes, .. } if scopes.contains(&Scope::ReadPublished) => true,
            _ => match self.visible_request(principal, request_id).await {
                Ok(_) => true,
                Err(ServiceError::NotFound(_)) => false,
                Err(e) => return Err(e),
            },
        };
        if !visible {
            return Err(ServiceError::NotFound("archive entry"));
        }
        let entry = archive_entry::Entity::find()
            .filter(archive_entry::Column::RequestId.eq(request_id))
            .one(&self.db.conn)
            .await?;
        Ok(entry.filter(|e| may_read(principal, &e.access_class)))
    }

    /// Entries whose retention ended before `as_of` (a WIB date) and that wait for a decision:
    /// never reviewed, or kept and past the new date. Oldest first.
    pub async fn archive_due_for_review(
        &self,
        principal: &Principal,
        as_of: NaiveDate,
    ) -> ServiceResult<Vec<archive_entry::Model>> {
        let rows = archive_entry::Entity::find()
            .filter(archive_entry::Column::RetainUntil.lt(as_of))
            .filter(
                Condition::any()
                    .add(archive_entry::Column::RetentionDecision.is_null())
                    .add(
                        archive_entry::Column::RetentionDecision
                            .eq(RetentionDecision::Keep.as_str()),
                    ),
            )
            .order_by_asc(archive_entry::Column::RetainUntil)
            .order_by_asc(archive_entry::Column::Id)
            .all(&self.db.conn)
            .await?;
        Ok(rows
            .into_iter()
            .filter(|e| may_read(principal, &e.access_class))
            .collect())
    }

    /// Records the decision on an entry past its retention (staff, admins). Keeping needs a
    /// new date after today; transfer and approved destruction are final and need no date.
    pub async fn review_retention(
        &self,
        principal: &Principal,
        request_id: i64,
        review: RetentionReview,
    ) -> ServiceResult<archive_entry::Model> {
        let note = review
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if let Some(n) = &note {
            check_len("note", n, MAX_REVIEW_NOTE)?;
        }
        let now = Utc::now();
        let today = today_wib(now);
        match (review.decision, review.keep_until) {
            (RetentionDecision::Keep, None) => {
                return Err(ServiceError::BadInput(
                    "keeping an entry longer needs the new date (keepUntil)".into(),
                ));
            }
            (RetentionDecision::Keep, Some(until)) if until <= today => {
                return Err(ServiceError::BadInput(format!(
                    "keepUntil must be after today ({today})"
                )));
            }
            (RetentionDecision::Keep, Some(until))
                if until
                    > today
                        .checked_add_months(chrono::Months::new(1200))
                        .unwrap_or(NaiveDate::MAX) =>
            {
                return Err(ServiceError::BadInput(
                    "keepUntil is more than 100 years ahead".into(),
                ));
            }
            (RetentionDecision::Keep, Some(_)) => {}
            (_, Some(_)) => {
                return Err(ServiceError::BadInput(
                    "keepUntil is only for keeping an entry longer".into(),
                ));
            }
            (RetentionDecision::DestroyApproved, None) if note.is_none() => {
                return Err(ServiceError::BadInput(
                    "approving destruction needs a note with its basis (e.g. the approval letter)"
                        .into(),
                ));
            }
            (_, None) => {}
        }
        let audit = self.audit_of(principal).await?;
        let tx = self.db.begin_write().await?;
        let entry = archive_entry::Entity::find()
            .filter(archive_entry::Column::RequestId.eq(request_id))
            .one(&*tx)
            .await?
            .filter(|e| may_read(principal, &e.access_class))
            .ok_or(ServiceError::NotFound("archive entry"))?;
        if let Some(decided) = entry
            .retention_decision
            .as_deref()
            .and_then(|d| d.parse::<RetentionDecision>().ok())
            .filter(RetentionDecision::is_final)
        {
            return Err(ServiceError::BadInput(format!(
                "the retention of this entry was already decided ({decided})"
            )));
        }
        if entry.retain_until >= today {
            return Err(ServiceError::BadInput(format!(
                "the entry is retained until {}; it is not due for review yet",
                entry.retain_until
            )));
        }
        let retain_until = review.keep_until.unwrap_or(entry.retain_until);
        // Of two reviewers at once, one wins: the update names the state both read.
        let updated = archive_entry::Entity::update_many()
            .col_expr(
                archive_entry::Column::RetainUntil,
                Expr::value(retain_until),
            )
            .col_expr(
                archive_entry::Column::RetentionDecision,
                Expr::value(Some(review.decision.as_str())),
            )
            .col_expr(
                archive_entry::Column::RetentionNote,
                Expr::value(note.clone()),
            )
            .col_expr(
                archive_entry::Column::RetentionReviewedAt,
                Expr::value(Some(now)),
            )
            .col_expr(
                archive_entry::Column::RetentionReviewedBy,
                Expr::value(principal.user_id()),
            )
            .filter(archive_entry::Column::Id.eq(entry.id))
            .filter(archive_entry::Column::RetainUntil.eq(entry.retain_until))
            .exec(&*tx)
            .await?;
        if updated.rows_affected != 1 {
            return Err(ServiceError::Conflict(
                "someone else reviewed this entry at the same time; reload and try again".into(),
            ));
        }
        append_event(
            &*tx,
            &audit,
            NewEvent {
                request_id: Some(request_id),
                kind: "retention_reviewed",
                from_status: None,
                to_status: None,
                payload: json!({
                    "decision": review.decision.as_str(),
                    "retain_until_before": entry.retain_until,
                    "retain_until": retain_until,
                    "note": note,
                }),
            },
        )
        .await?;
        let fresh = archive_entry::Entity::find_by_id(entry.id)
            .one(&*tx)
            .await?
            .ok_or(ServiceError::NotFound("archive entry"))?;
        tx.commit().await?;
        tracing::info!(
            request_id,
            decision = review.decision.as_str(),
            "retention reviewed"
        );
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_code;

    #[test]
    fn codes_are_dotted_letters_and_digits() {
        assert_eq!(
            normalize_code(" hm.01.02 ").ok().as_deref(),
            Some("HM.01.02")
        );
        assert_eq!(normalize_code("HM").ok().as_deref(), Some("HM"));
        assert!(normalize_code("HM..01").is_err());
        assert!(normalize_code("HM.01.").is_err());
        assert!(normalize_code("HM 01").is_err());
        assert!(normalize_code("   ").is_err());
        assert!(normalize_code(&"H".repeat(33)).is_err());
    }
}
