//! DataLoaders: every field that loads rows per parent goes through one of these, so a list of
//! 50 requests costs one query per kind of field, not 50.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use async_graphql::dataloader::Loader;
use entity::{
    archive_entry, attachment, channel, content_version, disposition, publication, request_channel,
    review, user, user_role,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::workflow::sla::WorkCalendar;

/// Loads rows by key from the database, batching the keys of one query.
pub struct DbLoader {
    pub db: DatabaseConnection,
}

pub type LoadError = Arc<DbErr>;

macro_rules! key {
    ($name:ident) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub i64);
    };
}

key!(UserKey);
key!(RolesOf);
key!(DispositionsOf);
key!(ReviewsOf);
key!(PublicationsOf);
key!(ChannelsOf);
key!(ChannelKey);
key!(AttachmentsOf);
key!(ArchiveOf);
key!(ContentVersionsOf);

/// One content version of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentKey {
    pub request_id: i64,
    pub version: i32,
}

/// The working calendar (one for everyone). Each step keeps the standard it opened under,
/// so only the calendar is needed to measure working time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CalendarKey;

/// Groups rows by a parent key, keeping their order.
fn group<K: std::hash::Hash + Eq, V>(rows: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, Vec<V>> {
    let mut out: HashMap<K, Vec<V>> = HashMap::new();
    for row in rows {
        out.entry(key(&row)).or_default().push(row);
    }
    out
}

/// Every parent asked for gets an entry, empty when it has no rows.
fn fill<K: Copy + std::hash::Hash + Eq, V>(
    keys: &[K],
    mut found: HashMap<K, Vec<V>>,
) -> HashMap<K, Vec<V>> {
    keys.iter()
        .map(|k| (*k, found.remove(k).unwrap_or_default()))
        .collect()
}

fn ids<K: Copy>(keys: &[K], f: impl Fn(K) -> i64) -> Vec<i64> {
    keys.iter().map(|k| f(*k)).collect()
}

impl Loader<UserKey> for DbLoader {
    type Value = user::Model;
    type Error = LoadError;
    async fn load(&self, keys: &[UserKey]) -> Result<HashMap<UserKey, Self::Value>, Self::Error> {
        let rows = user::Entity::find()
            .filter(user::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|u| (UserKey(u.id), u)).collect())
    }
}

impl Loader<RolesOf> for DbLoader {
    type Value = Vec<String>;
    type Error = LoadError;
    async fn load(&self, keys: &[RolesOf]) -> Result<HashMap<RolesOf, Self::Value>, Self::Error> {
        let rows = user_role::Entity::find()
            .filter(user_role::Column::UserId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(user_role::Column::Role)
            .all(&self.db)
            .await?;
        let grouped = group(rows, |r| RolesOf(r.user_id));
        Ok(fill(keys, grouped)
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(|r| r.role).collect()))
            .collect())
    }
}

impl Loader<ContentKey> for DbLoader {
    type Value = content_version::Model;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[ContentKey],
    ) -> Result<HashMap<ContentKey, Self::Value>, Self::Error> {
        let rows = content_version::Entity::find()
            .filter(content_version::Column::RequestId.is_in(ids(keys, |k| k.request_id)))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|c| {
                (
                    ContentKey {
                        request_id: c.request_id,
                        version: c.version_no,
                    },
                    c,
                )
            })
            .filter(|(k, _)| keys.contains(k))
            .collect())
    }
}

impl Loader<ContentVersionsOf> for DbLoader {
    type Value = Vec<content_version::Model>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[ContentVersionsOf],
    ) -> Result<HashMap<ContentVersionsOf, Self::Value>, Self::Error> {
        let rows = content_version::Entity::find()
            .filter(content_version::Column::RequestId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(content_version::Column::VersionNo)
            .all(&self.db)
            .await?;
        Ok(fill(keys, group(rows, |r| ContentVersionsOf(r.request_id))))
    }
}

impl Loader<DispositionsOf> for DbLoader {
    type Value = Vec<disposition::Model>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[DispositionsOf],
    ) -> Result<HashMap<DispositionsOf, Self::Value>, Self::Error> {
        let rows = disposition::Entity::find()
            .filter(disposition::Column::RequestId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(disposition::Column::Id)
            .all(&self.db)
            .await?;
        Ok(fill(keys, group(rows, |r| DispositionsOf(r.request_id))))
    }
}

impl Loader<ReviewsOf> for DbLoader {
    type Value = Vec<review::Model>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[ReviewsOf],
    ) -> Result<HashMap<ReviewsOf, Self::Value>, Self::Error> {
        let rows = review::Entity::find()
            .filter(review::Column::RequestId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(review::Column::Id)
            .all(&self.db)
            .await?;
        Ok(fill(keys, group(rows, |r| ReviewsOf(r.request_id))))
    }
}

impl Loader<PublicationsOf> for DbLoader {
    type Value = Vec<publication::Model>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[PublicationsOf],
    ) -> Result<HashMap<PublicationsOf, Self::Value>, Self::Error> {
        let rows = publication::Entity::find()
            .filter(publication::Column::RequestId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(publication::Column::Id)
            .all(&self.db)
            .await?;
        Ok(fill(keys, group(rows, |r| PublicationsOf(r.request_id))))
    }
}

impl Loader<ChannelKey> for DbLoader {
    type Value = channel::Model;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[ChannelKey],
    ) -> Result<HashMap<ChannelKey, Self::Value>, Self::Error> {
        let rows = channel::Entity::find()
            .filter(channel::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|c| (ChannelKey(c.id), c)).collect())
    }
}

impl Loader<ChannelsOf> for DbLoader {
    type Value = Vec<channel::Model>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[ChannelsOf],
    ) -> Result<HashMap<ChannelsOf, Self::Value>, Self::Error> {
        let links = request_channel::Entity::find()
            .filter(request_channel::Column::RequestId.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        let channels: BTreeMap<i64, channel::Model> = channel::Entity::find()
            .filter(
                channel::Column::Id.is_in(links.iter().map(|l| l.channel_id).collect::<Vec<_>>()),
            )
            .order_by_asc(channel::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let grouped = group(links, |l| ChannelsOf(l.request_id));
        Ok(fill(keys, grouped)
            .into_iter()
            .map(|(k, ls)| {
                (
                    k,
                    ls.iter()
                        .filter_map(|l| channels.get(&l.channel_id).cloned())
                        .collect(),
                )
            })
            .collect())
    }
}

impl Loader<AttachmentsOf> for DbLoader {
    type Value = Vec<attachment::Model>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[AttachmentsOf],
    ) -> Result<HashMap<AttachmentsOf, Self::Value>, Self::Error> {
        let rows = attachment::Entity::find()
            .filter(attachment::Column::RequestId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(attachment::Column::Id)
            .all(&self.db)
            .await?;
        Ok(fill(
            keys,
            group(rows, |r| AttachmentsOf(r.request_id.unwrap_or_default())),
        ))
    }
}

impl Loader<ArchiveOf> for DbLoader {
    type Value = archive_entry::Model;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[ArchiveOf],
    ) -> Result<HashMap<ArchiveOf, Self::Value>, Self::Error> {
        let rows = archive_entry::Entity::find()
            .filter(archive_entry::Column::RequestId.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|a| (ArchiveOf(a.request_id), a))
            .collect())
    }
}

impl Loader<CalendarKey> for DbLoader {
    type Value = WorkCalendar;
    type Error = LoadError;
    async fn load(
        &self,
        _: &[CalendarKey],
    ) -> Result<HashMap<CalendarKey, Self::Value>, Self::Error> {
        let calendar = crate::service::sla::load_work_calendar(&self.db)
            .await
            .map_err(|e| Arc::new(DbErr::Custom(e.to_string())))?;
        Ok(HashMap::from([(CalendarKey, calendar)]))
    }
}
