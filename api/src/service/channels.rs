//! Telegram channels that requests can be published to, registered by an admin.

use chrono::Utc;
use entity::channel;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use crate::service::{
    Audit, ServiceError, ServiceResult, Services,
    audit::append_admin_event,
    error::{check_len, check_required},
};

/// Fields of a channel an admin sets.
#[derive(Debug, Clone, Default)]
pub struct ChannelInput {
    pub name: Option<String>,
    pub chat_ref: Option<String>,
    pub description: Option<Option<String>>,
    pub link_preview: Option<bool>,
    pub silent: Option<bool>,
    pub active: Option<bool>,
}

/// A chat reference is a numeric chat id (channels and supergroups are negative) or a public
/// `@username` of 5–32 letters, digits and underscores, as Telegram allows.
pub fn validate_chat_ref(chat_ref: &str) -> ServiceResult<String> {
    let r = chat_ref.trim();
    let numeric = r.strip_prefix('-').unwrap_or(r);
    if !numeric.is_empty() && numeric.len() <= 20 && numeric.chars().all(|c| c.is_ascii_digit()) {
        return Ok(r.to_owned());
    }
    if let Some(name) = r.strip_prefix('@')
        && (5..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
    {
        return Ok(r.to_owned());
    }
    Err(ServiceError::BadInput(
        "chat reference must be a numeric chat id (e.g. -1001234567890) or @username".into(),
    ))
}

impl Services {
    /// Channels, active first, by name.
    pub async fn channels(&self, include_inactive: bool) -> ServiceResult<Vec<channel::Model>> {
        let mut q = channel::Entity::find();
        if !include_inactive {
            q = q.filter(channel::Column::Active.eq(true));
        }
        Ok(q.order_by_desc(channel::Column::Active)
            .order_by_asc(channel::Column::Name)
            .all(&self.db.conn)
            .await?)
    }

    pub async fn create_channel(
        &self,
        input: ChannelInput,
        audit: &Audit,
    ) -> ServiceResult<channel::Model> {
        let name = input
            .name
            .ok_or_else(|| ServiceError::BadInput("name is required".into()))?;
        check_required("name", &name, 100)?;
        let chat_ref = validate_chat_ref(
            input
                .chat_ref
                .as_deref()
                .ok_or_else(|| ServiceError::BadInput("chatRef is required".into()))?,
        )?;
        let description = input.description.flatten();
        if let Some(d) = &description {
            check_len("description", d, 1000)?;
        }
        let tx = self.db.begin_write().await?;
        if channel::Entity::find()
            .filter(channel::Column::ChatRef.eq(&chat_ref))
            .count(&*tx)
            .await?
            > 0
        {
            return Err(ServiceError::BadInput(format!(
                "channel {chat_ref} is already registered"
            )));
        }
        let now = Utc::now();
        let row = channel::ActiveModel {
            name: Set(name.trim().to_owned()),
            chat_ref: Set(chat_ref),
            description: Set(description),
            link_preview: Set(input.link_preview.unwrap_or(false)),
            silent: Set(input.silent.unwrap_or(false)),
            active: Set(input.active.unwrap_or(true)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&*tx)
        .await?;
        append_admin_event(
            &*tx,
            audit,
            "channel_created",
            json!({ "channel_id": row.id, "name": row.name, "chat_ref": row.chat_ref }),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn update_channel(
        &self,
        id: i64,
        input: ChannelInput,
        audit: &Audit,
    ) -> ServiceResult<channel::Model> {
        let tx = self.db.begin_write().await?;
        let row = channel::Entity::find_by_id(id)
            .one(&*tx)
            .await?
            .ok_or(ServiceError::NotFound("channel"))?;
        let mut active: channel::ActiveModel = row.into();
        if let Some(name) = &input.name {
            check_required("name", name, 100)?;
            active.name = Set(name.trim().to_owned());
        }
        if let Some(chat_ref) = &input.chat_ref {
            let chat_ref = validate_chat_ref(chat_ref)?;
            let taken = channel::Entity::find()
                .filter(channel::Column::ChatRef.eq(&chat_ref))
                .filter(channel::Column::Id.ne(id))
                .count(&*tx)
                .await?;
            if taken > 0 {
                return Err(ServiceError::BadInput(format!(
                    "channel {chat_ref} is already registered"
                )));
            }
            active.chat_ref = Set(chat_ref);
        }
        if let Some(description) = &input.description {
            if let Some(d) = description {
                check_len("description", d, 1000)?;
            }
            active.description = Set(description.clone());
        }
        if let Some(v) = input.link_preview {
            active.link_preview = Set(v);
        }
        if let Some(v) = input.silent {
            active.silent = Set(v);
        }
        if let Some(v) = input.active {
            active.active = Set(v);
        }
        active.updated_at = Set(Utc::now());
        let row = active.update(&*tx).await?;
        append_admin_event(
            &*tx,
            audit,
            "channel_updated",
            json!({
                "channel_id": row.id,
                "name": row.name,
                "chat_ref": row.chat_ref,
                "active": row.active,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }
}

impl Services {
    /// An admin registers a channel: it is saved, then checked with Telegram when a bot is
    /// configured, so the admin sees at once whether the bot may post there.
    pub async fn create_channel_checked(
        &self,
        input: ChannelInput,
        audit: &Audit,
    ) -> ServiceResult<channel::Model> {
        let row = self.create_channel(input, audit).await?;
        self.check_saved_channel(row, audit).await
    }

    /// An admin edits a channel: saved, then checked again as on registration.
    pub async fn update_channel_checked(
        &self,
        id: i64,
        input: ChannelInput,
        audit: &Audit,
    ) -> ServiceResult<channel::Model> {
        let row = self.update_channel(id, input, audit).await?;
        self.check_saved_channel(row, audit).await
    }

    /// A group the bot posts to became a supergroup: Telegram gave its new id, which is
    /// stored so the next sends (and everyone else's) go there. Reported by the worker.
    pub async fn record_channel_migration(
        &self,
        principal: &crate::auth::Principal,
        channel_id: i64,
        new_chat_id: i64,
    ) -> ServiceResult<channel::Model> {
        if !principal.has_scope(crate::auth::Scope::Worker) {
            return Err(ServiceError::Forbidden(
                "only the publishing worker may do this".into(),
            ));
        }
        let new_ref = validate_chat_ref(&new_chat_id.to_string())?;
        let audit = Audit::of(principal, None)?;
        let tx = self.db.begin_write().await?;
        let row = channel::Entity::find_by_id(channel_id)
            .one(&*tx)
            .await?
            .ok_or(ServiceError::NotFound("channel"))?;
        let old_ref = row.chat_ref.clone();
        let mut active: channel::ActiveModel = row.into();
        active.chat_ref = Set(new_ref.clone());
        active.updated_at = Set(Utc::now());
        let row = active.update(&*tx).await?;
        append_admin_event(
            &*tx,
            &audit,
            "channel_migrated",
            json!({ "channel_id": row.id, "from": old_ref, "to": new_ref }),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    use super::validate_chat_ref;

    #[test]
    fn chat_refs_are_ids_or_usernames() {
        assert!(validate_chat_ref("-1001234567890").is_ok());
        assert!(validate_chat_ref("@humas_unej").is_ok());
        assert!(validate_chat_ref("@abc").is_err());
        assert!(validate_chat_ref("humas").is_err());
        assert!(validate_chat_ref("@1humas").is_err());
        assert!(validate_chat_ref("").is_err());
    }
}
