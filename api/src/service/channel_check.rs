//! Checking a channel with Telegram: does the bot see the chat, and may it post there? Asked
//! when an admin registers or edits a channel, so a wrong @username or a missing admin right
//! shows before a publication fails on it. The answer is stored on the channel (last checked
//! at, status, problem) for the admin page.

use chrono::Utc;
use entity::channel;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;
use teloxide::{
    RequestError,
    requests::Requester,
    types::{ChatId, Recipient},
};

use crate::service::{Audit, ServiceError, ServiceResult, Services, audit::append_admin_event};

/// The stored outcome of a check (`channel.check_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    /// The bot may post.
    Ok,
    /// Telegram answered, and something must be fixed.
    Problem,
    /// Telegram could not be asked.
    Error,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Ok => "ok",
            CheckStatus::Problem => "problem",
            CheckStatus::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<CheckStatus> {
        [CheckStatus::Ok, CheckStatus::Problem, CheckStatus::Error]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// What Telegram says about a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelCheck {
    /// The bot can see the chat.
    pub reachable: bool,
    pub title: Option<String>,
    /// The bot's status there: `administrator`, `member`, `left`, `kicked`, …
    pub bot_status: Option<String>,
    /// The bot may post there.
    pub can_post: bool,
    /// What to fix, in words a person can act on; none when all is well.
    pub problem: Option<String>,
}

impl Services {
    /// Asks Telegram (`getChat`, `getChatMember`) about a registered channel and stores the
    /// answer on it. Telegram out of reach is stored too (status `error`) and returned as a
    /// problem, so a registration does not fail on it.
    pub async fn check_channel(
        &self,
        channel_id: i64,
        audit: &Audit,
    ) -> ServiceResult<ChannelCheck> {
        let channel = channel::Entity::find_by_id(channel_id)
            .one(&self.db.conn)
            .await?
            .ok_or(ServiceError::NotFound("channel"))?;
        let Some(endpoint) = self.bot() else {
            return Err(ServiceError::BadInput(
                "no bot is configured (TELEGRAM_BOT_TOKEN), so Telegram cannot be asked".into(),
            ));
        };
        let (check, status) = match ask_telegram(endpoint, &channel).await {
            Ok(check) if check.can_post => (check, CheckStatus::Ok),
            Ok(check) => (check, CheckStatus::Problem),
            Err(err) => (
                ChannelCheck {
                    reachable: false,
                    title: None,
                    bot_status: None,
                    can_post: false,
                    problem: Some(err.to_string()),
                },
                CheckStatus::Error,
            ),
        };
        let tx = self.db.begin_write().await?;
        let mut active: channel::ActiveModel = channel.into();
        active.checked_at = Set(Some(Utc::now()));
        active.check_status = Set(Some(status.as_str().to_owned()));
        active.check_problem = Set(check.problem.clone());
        let row = active.update(&*tx).await?;
        append_admin_event(
            &*tx,
            audit,
            "channel_checked",
            json!({
                "channel_id": row.id,
                "chat_ref": row.chat_ref,
                "status": status.as_str(),
                "problem": check.problem,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(check)
    }

    /// After an admin saved a channel: checks it when a bot is configured (nothing to ask
    /// otherwise), and returns the channel as stored.
    pub(crate) async fn check_saved_channel(
        &self,
        row: channel::Model,
        audit: &Audit,
    ) -> ServiceResult<channel::Model> {
        if self.bot().is_none() {
            return Ok(row);
        }
        self.check_channel(row.id, audit).await?;
        channel::Entity::find_by_id(row.id)
            .one(&self.db.conn)
            .await?
            .ok_or(ServiceError::NotFound("channel"))
    }
}

/// What Telegram says about the channel; an error when Telegram could not be asked.
async fn ask_telegram(
    endpoint: &crate::service::BotEndpoint,
    channel: &channel::Model,
) -> ServiceResult<ChannelCheck> {
    let bot = endpoint.client()?;
    let recipient = match channel.chat_ref.strip_prefix('@') {
        Some(_) => Recipient::ChannelUsername(channel.chat_ref.clone()),
        None => Recipient::Id(ChatId(channel.chat_ref.parse().map_err(|_| {
            ServiceError::BadInput("the chat reference is not a chat id".into())
        })?)),
    };
    let chat = match bot.get_chat(recipient.clone()).await {
        Ok(chat) => chat,
        Err(err) => return Ok(unreachable_check(&err)),
    };
    let me = bot.get_me().await.map_err(telegram_down)?;
    let member = match bot.get_chat_member(recipient, me.user.id).await {
        Ok(member) => member,
        Err(err) => {
            let mut check = unreachable_check(&err);
            check.reachable = true;
            check.title = chat.title().map(str::to_owned);
            return Ok(check);
        }
    };
    // In a channel only an administrator with the posting right may post; in a group any
    // present member may.
    let can_post = if chat.is_channel() {
        member.kind.can_post_messages()
    } else {
        member.kind.is_present()
    };
    let bot_status = format!("{:?}", member.kind.status()).to_lowercase();
    let problem = (!can_post).then(|| {
        if chat.is_channel() {
            "the bot must be an administrator of the channel with the right to post messages"
                .to_owned()
        } else {
            "the bot is not a member of the group: add it".to_owned()
        }
    });
    Ok(ChannelCheck {
        reachable: true,
        title: chat.title().map(str::to_owned),
        bot_status: Some(bot_status),
        can_post,
        problem,
    })
}

fn unreachable_check(err: &RequestError) -> ChannelCheck {
    let text = err.to_string();
    let problem = if text.contains("chat not found") {
        "Telegram does not know this chat, or the bot cannot see it: check the chat id or @username and add the bot".to_owned()
    } else if text.contains("kicked") || text.contains("not a member") {
        "the bot is not in the chat: add it as an administrator".to_owned()
    } else {
        format!("Telegram answered: {text}")
    };
    ChannelCheck {
        reachable: false,
        title: None,
        bot_status: None,
        can_post: false,
        problem: Some(problem),
    }
}

fn telegram_down(err: RequestError) -> ServiceError {
    ServiceError::BadInput(format!("Telegram could not be asked: {err}"))
}
