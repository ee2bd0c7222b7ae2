//! The archive's API types: the classification list, the archive entry with everything it
//! keeps (final content, attachments, the disposition chain, review verdicts, delivery proofs),
//! access classes and retention reviews.

use std::collections::HashMap;

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, dataloader::Loader};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{archive_entry, classification, publication};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::{
    graphql::{
        loaders::{
            AttachmentsOf, ChannelKey, DbLoader, DispositionsOf, LoadError, PublicationsOf,
            ReviewsOf,
        },
        types::{
            Attachment, Channel, Disposition, Review, User, load_failed, load_user, loader,
            parse_enum,
        },
    },
    workflow,
};

/// Who may read an archive entry (see `docs/data-model.md`).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "workflow::AccessClass")]
pub enum AccessClass {
    /// *Biasa/Terbuka*: whoever may see the request, and clients with `read:published`.
    Public,
    /// *Terbatas*: officials of the chain, staff and admins.
    Internal,
    /// *Rahasia*: staff, the Vice Rector III, the Head of Bureau and admins.
    Restricted,
}

/// What a retention review decided.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "workflow::records::RetentionDecision")]
pub enum RetentionDecision {
    /// Keep it until a new date.
    Keep,
    /// Hand it over to the university records office.
    Transfer,
    /// Destruction approved (Warta still keeps its entry).
    DestroyApproved,
}

/// A records classification code of the office's list.
pub struct Classification(pub classification::Model);

#[Object]
impl Classification {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// E.g. `HM.01.02`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// In Indonesian, e.g. *Pengumuman resmi universitas*.
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Years an entry is kept when the archivist gives none.
    async fn default_retention_years(&self) -> i32 {
        self.0.default_retention_years
    }
    /// Whether it may be chosen for new entries.
    async fn active(&self) -> bool {
        self.0.active
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A new classification code.
#[derive(InputObject)]
pub struct CreateClassificationInput {
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    pub default_retention_years: i32,
}

/// Changes to a classification (its code stays: entries are filed under it).
#[derive(InputObject)]
pub struct UpdateClassificationInput {
    pub id: ID,
    pub title: Option<String>,
    /// An empty text clears it.
    pub description: Option<String>,
    pub default_retention_years: Option<i32>,
    /// `false` deactivates: no new entries, existing ones keep it.
    pub active: Option<bool>,
}

/// The decision on an entry past its retention.
#[derive(InputObject)]
pub struct ReviewRetentionInput {
    pub request_id: ID,
    pub decision: RetentionDecision,
    /// `KEEP` only, required: the new last day of retention (after today).
    pub keep_until: Option<NaiveDate>,
    /// Why; required for `DESTROY_APPROVED` (e.g. the approval letter).
    pub note: Option<String>,
}

/// A classification by its code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClassificationCode(pub String);

impl Loader<ClassificationCode> for DbLoader {
    type Value = classification::Model;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[ClassificationCode],
    ) -> Result<HashMap<ClassificationCode, Self::Value>, Self::Error> {
        let rows = classification::Entity::find()
            .filter(classification::Column::Code.is_in(keys.iter().map(|k| k.0.clone())))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|c| (ClassificationCode(c.code.clone()), c))
            .collect())
    }
}

/// Step 7: the archived record.
pub struct ArchiveEntry(pub archive_entry::Model);

#[Object]
impl ArchiveEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn request_id(&self) -> ID {
        ID(self.0.request_id.to_string())
    }
    async fn classification_code(&self) -> &str {
        &self.0.classification_code
    }
    /// The classification the entry is filed under (possibly deactivated since).
    async fn classification(&self, ctx: &Context<'_>) -> Result<Option<Classification>> {
        Ok(loader(ctx)?
            .load_one(ClassificationCode(self.0.classification_code.clone()))
            .await
            .map_err(load_failed)?
            .map(Classification))
    }
    async fn access_class(&self) -> Result<AccessClass> {
        Ok(parse_enum::<workflow::AccessClass>(&self.0.access_class)?.into())
    }
    async fn retention_years(&self) -> i32 {
        self.0.retention_years
    }
    /// The last day of retention (WIB); later, the entry comes up for review.
    async fn retain_until(&self) -> NaiveDate {
        self.0.retain_until
    }
    /// The content version archived.
    async fn content_version(&self) -> i32 {
        self.0.content_version
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn final_text(&self) -> &str {
        &self.0.final_text
    }
    async fn archived_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.0.archived_by).await
    }
    async fn archived_at(&self) -> DateTime<Utc> {
        self.0.archived_at
    }
    /// The request's files: the letter and the media.
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<Attachment>> {
        let rows = loader(ctx)?
            .load_one(AttachmentsOf(self.0.request_id))
            .await
            .map_err(load_failed)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(Attachment)
            .collect())
    }
    /// The chain of dispositions (the *lembar disposisi*), oldest first.
    async fn dispositions(&self, ctx: &Context<'_>) -> Result<Vec<Disposition>> {
        let rows = loader(ctx)?
            .load_one(DispositionsOf(self.0.request_id))
            .await
            .map_err(load_failed)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(Disposition)
            .collect())
    }
    /// The step-4 verdicts, oldest first.
    async fn reviews(&self, ctx: &Context<'_>) -> Result<Vec<Review>> {
        let rows = loader(ctx)?
            .load_one(ReviewsOf(self.0.request_id))
            .await
            .map_err(load_failed)?;
        Ok(rows.unwrap_or_default().into_iter().map(Review).collect())
    }
    /// What went out on each channel: link, time and the hash of what was sent.
    async fn delivery_proofs(&self, ctx: &Context<'_>) -> Result<Vec<DeliveryProof>> {
        let rows = loader(ctx)?
            .load_one(PublicationsOf(self.0.request_id))
            .await
            .map_err(load_failed)?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.sent_at.is_some())
            .map(DeliveryProof)
            .collect())
    }
    async fn retention_reviewed_at(&self) -> Option<DateTime<Utc>> {
        self.0.retention_reviewed_at
    }
    async fn retention_reviewed_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        load_user(ctx, self.0.retention_reviewed_by).await
    }
    async fn retention_decision(&self) -> Result<Option<RetentionDecision>> {
        self.0
            .retention_decision
            .as_deref()
            .map(|d| parse_enum::<workflow::records::RetentionDecision>(d).map(Into::into))
            .transpose()
    }
    async fn retention_note(&self) -> Option<&str> {
        self.0.retention_note.as_deref()
    }
}

/// The proof of one channel's delivery.
pub struct DeliveryProof(pub publication::Model);

#[Object]
impl DeliveryProof {
    async fn channel(&self, ctx: &Context<'_>) -> Result<Option<Channel>> {
        Ok(loader(ctx)?
            .load_one(ChannelKey(self.0.channel_id))
            .await
            .map_err(load_failed)?
            .map(Channel))
    }
    /// The public link of the post, e.g. `https://t.me/humas_unej/123`.
    async fn message_link(&self) -> Option<&str> {
        self.0.link.as_deref()
    }
    async fn message_ids(&self) -> Vec<i64> {
        self.0
            .message_ids
            .as_ref()
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.sent_at
    }
    /// Hex SHA-256 of exactly what was sent, as the publisher computed it.
    async fn sha256(&self) -> Option<&str> {
        self.0.sent_sha256.as_deref()
    }
    /// When the post was taken down, if it was.
    async fn retracted_at(&self) -> Option<DateTime<Utc>> {
        self.0.retracted_at
    }
}
