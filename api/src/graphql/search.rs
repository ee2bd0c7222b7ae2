//! The types of the `search` query: its filter, hits and totals.

use async_graphql::{Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::{
    graphql::{
        error::parse_id,
        types::{Request, RequestStatus, parse_enum},
    },
    service::search,
    workflow,
};

/// Narrows a search; every filter given must hold.
#[derive(InputObject, Default)]
pub struct SearchFilter {
    /// Submitted at or after this time.
    pub submitted_from: Option<DateTime<Utc>>,
    /// Submitted before this time.
    pub submitted_until: Option<DateTime<Utc>>,
    /// Any of these statuses.
    pub statuses: Option<Vec<RequestStatus>>,
    /// Chosen for any of these channels.
    pub channel_ids: Option<Vec<ID>>,
    /// Archived under this classification code or one below it (`HM.00` takes `HM.00.01`).
    pub classification_code: Option<String>,
    /// The requesting unit, exactly (case aside).
    pub unit: Option<String>,
}

impl SearchFilter {
    pub fn into_service(self) -> Result<search::SearchFilter> {
        Ok(search::SearchFilter {
            submitted_from: self.submitted_from,
            submitted_until: self.submitted_until,
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(workflow::Status::from)
                .collect(),
            channel_ids: self
                .channel_ids
                .unwrap_or_default()
                .iter()
                .map(|id| parse_id(id, "channel"))
                .collect::<Result<_>>()?,
            classification_code: self.classification_code,
            unit: self.unit,
        })
    }
}

/// A field of a request that search looks in.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::service::search::SearchField")]
pub enum SearchField {
    AgendaNumber,
    Title,
    Narrative,
    Unit,
}

/// Totals of a search, across pages.
#[derive(SimpleObject)]
pub struct SearchTotals {
    /// How many requests match.
    pub total_count: u64,
}

/// One search result.
pub struct SearchHit(pub search::SearchHit);

#[Object]
impl SearchHit {
    async fn request_id(&self) -> ID {
        ID(self.0.request.id.to_string())
    }
    async fn agenda_number(&self) -> &str {
        &self.0.request.agenda_number
    }
    async fn unit(&self) -> &str {
        &self.0.request.unit
    }
    async fn status(&self) -> Result<RequestStatus> {
        Ok(parse_enum::<workflow::Status>(&self.0.request.status)?.into())
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.request.submitted_at
    }
    /// The whole request, for people; null for API clients, who see only what was published.
    async fn request(&self) -> Option<Request> {
        self.0.openable.then(|| Request(self.0.request.clone()))
    }
    /// Relevance, higher first; comparable within one search only.
    async fn score(&self) -> f64 {
        self.0.score
    }
    /// The title as HTML: matches in `<mark>…</mark>`, everything else escaped.
    async fn title_html(&self) -> &str {
        &self.0.title_html
    }
    /// The best passage(s) of the narrative as HTML: matches in `<mark>…</mark>`, everything
    /// else escaped; the beginning of the narrative when only other fields matched.
    async fn snippet_html(&self) -> &str {
        &self.0.snippet_html
    }
    /// The fields that hold at least one of the search terms.
    async fn matched_fields(&self) -> Vec<SearchField> {
        self.0.matched.iter().copied().map(Into::into).collect()
    }
}
