//! The sandbox's whole state and the Bot API methods that read and change it, synchronous
//! and behind one lock: chats, users, messages, files, the update queue, faults and the
//! call log. The HTTP layer (`bot_api`, `control`) only parses, waits and answers.

use std::collections::{BTreeMap, HashMap, VecDeque};

use axum::body::Bytes;
use serde_json::{Map, Value, json};
use tokio::sync::{oneshot, watch};

use super::{
    clock::Clock,
    entities::{self, FormattedText, MessageEntity, ParseMode},
    errors::*,
    limits,
    media::{self, FileKind},
    model::*,
    params::Params,
    rate::{RateLimiter, RateLimits},
};

/// How long a callback query can be answered, on the sandbox clock.
pub const CALLBACK_ANSWER_WINDOW_SECS: i64 = 15;
/// The first `update_id` handed out.
pub const FIRST_UPDATE_ID: i64 = 800_000_001;
/// Update types not delivered until `allowed_updates` asks for them.
const DEFAULT_EXCLUDED_UPDATES: &[&str] =
    &["chat_member", "message_reaction", "message_reaction_count"];

/// An error of the control API: a status and a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlError {
    pub status: u16,
    pub message: String,
}

impl ControlError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: 400,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: 404,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.status)
    }
}

impl std::error::Error for ControlError {}

#[derive(Clone, Debug)]
pub(crate) struct BotIdentity {
    pub id: i64,
    pub token: String,
    pub username: String,
    pub first_name: String,
}

#[derive(Clone, Debug)]
struct UserRecord {
    id: i64,
    first_name: String,
    last_name: Option<String>,
    username: Option<String>,
    language_code: Option<String>,
    started: bool,
    blocked: bool,
}

#[derive(Clone, Debug)]
struct ChatRecord {
    id: i64,
    kind: ChatType,
    title: Option<String>,
    username: Option<String>,
    description: Option<String>,
    bot: BotMembership,
    migrated_to: Option<i64>,
    migrated_from: Option<i64>,
    /// Channels and supergroups: the last id used; 1 is the chat's creation.
    last_message_id: i32,
    messages: BTreeMap<i32, StoredMessage>,
    members: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq)]
enum Sender {
    Bot,
    User(i64),
    /// A channel post by one of its other administrators.
    Channel,
    /// A service message without an author the sandbox models.
    Nobody,
}

#[derive(Clone, Debug)]
enum Content {
    Text {
        text: FormattedText,
        link_preview: Option<Value>,
    },
    Photo {
        sizes: Vec<String>,
    },
    Video {
        file_id: String,
    },
    Document {
        file_id: String,
    },
    Service(Value),
}

impl Content {
    fn kind(&self) -> &'static str {
        match self {
            Self::Text { .. } => "text",
            Self::Photo { .. } => "photo",
            Self::Video { .. } => "video",
            Self::Document { .. } => "document",
            Self::Service(_) => "service",
        }
    }

    fn is_media(&self) -> bool {
        matches!(
            self,
            Self::Photo { .. } | Self::Video { .. } | Self::Document { .. }
        )
    }
}

#[derive(Clone, Debug)]
struct StoredMessage {
    message_id: i32,
    chat_id: i64,
    sender: Sender,
    date: i64,
    content: Content,
    caption: FormattedText,
    media_group_id: Option<String>,
    reply_markup: Option<Value>,
    reply_to: Option<i32>,
    has_spoiler: bool,
    show_caption_above_media: bool,
    edit_date: Option<i64>,
    edits: Vec<EditView>,
    deleted_at: Option<i64>,
    sent: Option<SentAs>,
}

#[derive(Clone, Debug)]
struct FileEntry {
    file_id: String,
    unique_id: String,
    kind: FileKind,
    bytes: Bytes,
    file_name: Option<String>,
    mime_type: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    duration: Option<u32>,
    /// For a photo: its sizes' file ids, smallest first.
    photo_sizes: Vec<String>,
    path: Option<String>,
}

#[derive(Clone, Debug)]
struct Update {
    update_id: i64,
    body: Value,
}

#[derive(Clone, Debug)]
struct CallbackRecord {
    id: String,
    from: i64,
    chat_id: i64,
    message_id: i32,
    data: String,
    date: i64,
    answer: Option<Value>,
}

#[derive(Clone, Debug)]
struct FaultRule {
    id: u64,
    method: String,
    chat_id: Option<String>,
    remaining: u32,
    fault: Fault,
}

/// Why a waiting `getUpdates` ends early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PollEnd {
    /// Another `getUpdates` arrived: the older one loses with 409.
    Conflict,
    /// The sandbox was reset.
    Reset,
}

pub(crate) struct Poller {
    pub id: u64,
    pub cancel: oneshot::Sender<PollEnd>,
}

#[derive(Clone, Debug, Default)]
struct Webhook {
    url: String,
    secret_token: Option<String>,
    max_connections: Option<i64>,
    allowed_updates: Option<Value>,
}

pub(crate) struct World {
    pub bot: BotIdentity,
    pub clock: Clock,
    pub limiter: RateLimiter,
    users: BTreeMap<i64, UserRecord>,
    chats: BTreeMap<i64, ChatRecord>,
    /// One counter for private chats and basic groups.
    shared_message_id: i32,
    next_user_id: i64,
    next_group_id: i64,
    next_channel_id: i64,
    next_update_id: i64,
    file_serial: u64,
    path_serial: u64,
    album_serial: u64,
    callback_serial: u64,
    salt: u64,
    files: HashMap<String, FileEntry>,
    paths: HashMap<String, String>,
    updates: VecDeque<Update>,
    allowed_updates: Option<Vec<String>>,
    pub update_signal: watch::Sender<u64>,
    pub poller: Option<Poller>,
    pub poll_serial: u64,
    pub last_poll: Option<(i64, std::time::Instant)>,
    webhook: Option<Webhook>,
    commands: Value,
    faults: Vec<FaultRule>,
    fault_serial: u64,
    callbacks: BTreeMap<String, CallbackRecord>,
    calls: Vec<CallView>,
    call_serial: u64,
}

/// Keeps the call log bounded in long `warta serve --sandbox` runs.
const MAX_CALLS: usize = 20_000;

impl World {
    pub fn new(token: String, username: String, limits: RateLimits) -> Self {
        let id = bot_id_from_token(&token);
        let salt = rand::random::<u64>();
        let (update_signal, _) = watch::channel(0);
        Self {
            bot: BotIdentity {
                id,
                token,
                first_name: display_name(&username),
                username,
            },
            clock: Clock::default(),
            limiter: RateLimiter::new(limits),
            users: BTreeMap::new(),
            chats: BTreeMap::new(),
            shared_message_id: 0,
            next_user_id: 6_100_000_001,
            next_group_id: 4_100_000_001,
            next_channel_id: 1_002_100_000_001,
            next_update_id: FIRST_UPDATE_ID,
            file_serial: 0,
            path_serial: 0,
            album_serial: 0,
            callback_serial: 0,
            salt,
            files: HashMap::new(),
            paths: HashMap::new(),
            updates: VecDeque::new(),
            allowed_updates: None,
            update_signal,
            poller: None,
            poll_serial: 0,
            last_poll: None,
            webhook: None,
            commands: json!([]),
            faults: Vec::new(),
            fault_serial: 0,
            callbacks: BTreeMap::new(),
            calls: Vec::new(),
            call_serial: 0,
        }
    }

    /// Forgets everything but the bot's identity and the update signal (waiting pollers
    /// are ended by the caller).
    pub fn reset(&mut self) {
        let bot = self.bot.clone();
        let limits = RateLimits::default();
        let signal = self.update_signal.clone();
        let poll_serial = self.poll_serial;
        let mut fresh = World::new(bot.token.clone(), bot.username.clone(), limits);
        fresh.bot = bot;
        fresh.update_signal = signal;
        fresh.poll_serial = poll_serial;
        *self = fresh;
        self.update_signal.send_modify(|n| *n += 1);
    }

    fn now(&self) -> i64 {
        self.clock.now_secs()
    }

    // ----- JSON views of the Bot API -----

    pub fn bot_user_json(&self) -> Value {
        json!({
            "id": self.bot.id,
            "is_bot": true,
            "first_name": self.bot.first_name,
            "username": self.bot.username,
        })
    }

    pub fn get_me(&self) -> Value {
        let mut me = self.bot_user_json();
        for key in [
            "can_join_groups",
            "supports_inline_queries",
            "can_connect_to_business",
            "has_main_web_app",
            "has_topics_enabled",
            "allows_users_to_create_topics",
        ] {
            me[key] = json!(key == "can_join_groups");
        }
        me["can_read_all_group_messages"] = json!(false);
        me
    }

    fn user_json(&self, id: i64) -> Value {
        match self.users.get(&id) {
            Some(u) => {
                let mut v = json!({ "id": u.id, "is_bot": false, "first_name": u.first_name });
                put_opt(&mut v, "last_name", &u.last_name);
                put_opt(&mut v, "username", &u.username);
                put_opt(&mut v, "language_code", &u.language_code);
                v
            }
            None => json!({ "id": id, "is_bot": false, "first_name": "Deleted Account" }),
        }
    }

    fn chat_json(&self, chat: &ChatRecord) -> Value {
        match chat.kind {
            ChatType::Private => {
                let mut v = json!({ "id": chat.id });
                if let Some(u) = self.users.get(&chat.id) {
                    v["first_name"] = json!(u.first_name);
                    put_opt(&mut v, "last_name", &u.last_name);
                    put_opt(&mut v, "username", &u.username);
                }
                v["type"] = json!("private");
                v
            }
            ChatType::Group => json!({ "id": chat.id, "title": chat.title, "type": "group" }),
            ChatType::Supergroup | ChatType::Channel => {
                let mut v = json!({ "id": chat.id, "title": chat.title });
                put_opt(&mut v, "username", &chat.username);
                v["type"] = json!(if chat.kind == ChatType::Channel {
                    "channel"
                } else {
                    "supergroup"
                });
                v
            }
        }
    }

    fn file_json(&self, file_id: &str) -> Value {
        let Some(f) = self.files.get(file_id) else {
            return json!({ "file_id": file_id });
        };
        let mut v = json!({ "file_id": f.file_id, "file_unique_id": f.unique_id });
        match f.kind {
            FileKind::Photo => {
                v["file_size"] = json!(photo_size_bytes(f));
                v["width"] = json!(f.width.unwrap_or(0));
                v["height"] = json!(f.height.unwrap_or(0));
            }
            FileKind::Video => {
                v["width"] = json!(f.width.unwrap_or(0));
                v["height"] = json!(f.height.unwrap_or(0));
                v["duration"] = json!(f.duration.unwrap_or(0));
                put_opt(&mut v, "file_name", &f.file_name);
                put_opt(&mut v, "mime_type", &f.mime_type);
                v["file_size"] = json!(f.bytes.len());
            }
            FileKind::Document => {
                put_opt(&mut v, "file_name", &f.file_name);
                put_opt(&mut v, "mime_type", &f.mime_type);
                v["file_size"] = json!(f.bytes.len());
            }
        }
        v
    }

    fn message_json(&self, m: &StoredMessage, with_reply: bool) -> Value {
        let Some(chat) = self.chats.get(&m.chat_id) else {
            return json!({ "message_id": m.message_id, "date": m.date });
        };
        let mut v = json!({ "message_id": m.message_id });
        if chat.kind == ChatType::Channel {
            v["sender_chat"] = self.chat_json(chat);
        } else {
            match &m.sender {
                Sender::Bot => v["from"] = self.bot_user_json(),
                Sender::User(id) => v["from"] = self.user_json(*id),
                Sender::Channel | Sender::Nobody => {}
            }
        }
        v["chat"] = self.chat_json(chat);
        v["date"] = json!(m.date);
        if let Some(edit_date) = m.edit_date {
            v["edit_date"] = json!(edit_date);
        }
        if with_reply
            && let Some(reply) = m.reply_to.and_then(|id| chat.messages.get(&id))
            && reply.deleted_at.is_none()
        {
            v["reply_to_message"] = self.message_json(reply, false);
        }
        if let Some(group) = &m.media_group_id {
            v["media_group_id"] = json!(group);
        }
        if m.sent.as_ref().is_some_and(|s| s.protect_content) {
            v["has_protected_content"] = json!(true);
        }
        match &m.content {
            Content::Text { text, link_preview } => {
                v["text"] = json!(text.text);
                if !text.entities.is_empty() {
                    v["entities"] = json!(text.entities);
                }
                if let Some(options) = link_preview {
                    v["link_preview_options"] = options.clone();
                }
            }
            Content::Photo { sizes } => {
                v["photo"] = Value::Array(sizes.iter().map(|id| self.file_json(id)).collect());
            }
            Content::Video { file_id } => v["video"] = self.file_json(file_id),
            Content::Document { file_id } => v["document"] = self.file_json(file_id),
            Content::Service(fields) => {
                if let Value::Object(fields) = fields {
                    for (k, val) in fields {
                        v[k] = val.clone();
                    }
                }
            }
        }
        if m.content.is_media() {
            if !m.caption.text.is_empty() {
                v["caption"] = json!(m.caption.text);
                if !m.caption.entities.is_empty() {
                    v["caption_entities"] = json!(m.caption.entities);
                }
            }
            if m.show_caption_above_media {
                v["show_caption_above_media"] = json!(true);
            }
            if m.has_spoiler {
                v["has_media_spoiler"] = json!(true);
            }
        }
        if let Some(markup) = &m.reply_markup
            && markup.get("inline_keyboard").is_some()
        {
            v["reply_markup"] = markup.clone();
        }
        v
    }

    // ----- chats and users -----

    fn chat(&self, id: i64) -> Result<&ChatRecord, BotError> {
        self.chats
            .get(&id)
            .ok_or_else(|| BotError::bad_request(CHAT_NOT_FOUND))
    }

    /// Resolves `chat_id` (a number or `@username`) to a chat the bot can see.
    fn chat_ref(&self, params: &Params) -> Result<i64, BotError> {
        let raw = params.get("chat_id").map(str::trim).unwrap_or("");
        if raw.is_empty() {
            return Err(BotError::bad_request(CHAT_ID_EMPTY));
        }
        if let Some(name) = raw.strip_prefix('@') {
            return self
                .chats
                .values()
                .find(|c| {
                    c.kind.has_own_message_ids()
                        && c.username
                            .as_deref()
                            .is_some_and(|u| u.eq_ignore_ascii_case(name))
                })
                .map(|c| c.id)
                .ok_or_else(|| BotError::bad_request(CHAT_NOT_FOUND));
        }
        let id: i64 = raw
            .parse()
            .map_err(|_| BotError::bad_request(CHAT_NOT_FOUND))?;
        let chat = self.chat(id)?;
        let visible = match chat.kind {
            ChatType::Private => true,
            ChatType::Group => chat.bot != BotMembership::None,
            ChatType::Supergroup | ChatType::Channel => {
                chat.bot != BotMembership::None || chat.username.is_some()
            }
        };
        if !visible {
            return Err(BotError::bad_request(CHAT_NOT_FOUND));
        }
        Ok(id)
    }

    /// Whether the bot may post in `chat_id`, with the real refusal otherwise.
    fn check_send(&self, chat_id: i64) -> Result<(), BotError> {
        let chat = self.chat(chat_id)?;
        if let Some(to) = chat.migrated_to {
            return Err(BotError::group_upgraded(to));
        }
        let word = chat.kind.error_word();
        match chat.kind {
            ChatType::Private => {
                let user = self
                    .users
                    .get(&chat_id)
                    .ok_or_else(|| BotError::bad_request(CHAT_NOT_FOUND))?;
                if user.blocked {
                    return Err(BotError::forbidden(BOT_BLOCKED));
                }
                if !user.started {
                    return Err(BotError::forbidden(CANT_INITIATE));
                }
                Ok(())
            }
            ChatType::Group | ChatType::Supergroup => match chat.bot {
                BotMembership::Kicked => Err(BotError::kicked(word)),
                BotMembership::Left | BotMembership::None => Err(BotError::not_a_member(word)),
                _ => Ok(()),
            },
            ChatType::Channel => match chat.bot {
                BotMembership::Kicked => Err(BotError::kicked(word)),
                BotMembership::Left | BotMembership::None => Err(BotError::not_a_member(word)),
                BotMembership::Administrator(rights) if rights.can_post_messages => Ok(()),
                _ => Err(BotError::bad_request(NEED_CHANNEL_ADMIN)),
            },
        }
    }

    fn allocate_message_id(&mut self, chat_id: i64) -> i32 {
        let own = self
            .chats
            .get(&chat_id)
            .is_some_and(|c| c.kind.has_own_message_ids());
        if own && let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.last_message_id += 1;
            return chat.last_message_id;
        }
        self.shared_message_id += 1;
        self.shared_message_id
    }

    fn store(&mut self, mut message: StoredMessage) -> i32 {
        let id = self.allocate_message_id(message.chat_id);
        message.message_id = id;
        if let Some(chat) = self.chats.get_mut(&message.chat_id) {
            chat.messages.insert(id, message);
        }
        id
    }

    fn stored(&self, chat_id: i64, message_id: i32) -> Option<&StoredMessage> {
        self.chats
            .get(&chat_id)
            .and_then(|c| c.messages.get(&message_id))
            .filter(|m| m.deleted_at.is_none())
    }

    fn stored_mut(&mut self, chat_id: i64, message_id: i32) -> Option<&mut StoredMessage> {
        self.chats
            .get_mut(&chat_id)
            .and_then(|c| c.messages.get_mut(&message_id))
            .filter(|m| m.deleted_at.is_none())
    }

    fn rate(&mut self, chat_id: i64, messages: usize) -> Result<(), BotError> {
        let multi = self
            .chats
            .get(&chat_id)
            .is_some_and(|c| c.kind.is_multi_user());
        let now = self.clock.now_ms();
        self.limiter
            .acquire(chat_id, multi, messages, now)
            .map_err(BotError::too_many_requests)
    }

    // ----- Bot API methods -----

    pub fn get_chat(&self, p: &Params) -> Result<Value, BotError> {
        let id = self.chat_ref(p)?;
        let chat = self.chat(id)?;
        if let Some(to) = chat.migrated_to {
            return Err(BotError::group_upgraded(to));
        }
        let mut v = self.chat_json(chat);
        put_opt(&mut v, "description", &chat.description);
        v["accent_color_id"] = json!(id.rem_euclid(7));
        v["max_reaction_count"] = json!(11);
        // Bot API 9.0 sends this in every ChatFullInfo, and clients (teloxide) require it.
        v["accepted_gift_types"] = json!({
            "unlimited_gifts": false,
            "limited_gifts": false,
            "unique_gifts": false,
            "premium_subscription": false,
        });
        if let Some(from) = chat.migrated_from {
            v["migrated_from_chat_id"] = json!(from);
        }
        Ok(v)
    }

    pub fn get_chat_member(&self, p: &Params) -> Result<Value, BotError> {
        let user_id = p
            .int("user_id")
            .ok_or_else(|| BotError::bad_request("Bad Request: invalid user_id specified"))?;
        let chat_id = self.chat_ref(p)?;
        let chat = self.chat(chat_id)?;
        if let Some(to) = chat.migrated_to {
            return Err(BotError::group_upgraded(to));
        }
        if user_id == self.bot.id {
            return Ok(self.member_json(self.bot_user_json(), chat.bot));
        }
        if !self.users.contains_key(&user_id) {
            return Err(BotError::bad_request(USER_NOT_FOUND));
        }
        let status = match chat.kind {
            ChatType::Private if user_id == chat_id => BotMembership::Member,
            ChatType::Private => return Err(BotError::bad_request(USER_NOT_FOUND)),
            _ if chat.members.contains(&user_id) => BotMembership::Member,
            _ => BotMembership::Left,
        };
        Ok(self.member_json(self.user_json(user_id), status))
    }

    fn member_json(&self, user: Value, status: BotMembership) -> Value {
        match status {
            BotMembership::Administrator(rights) => {
                let mut v =
                    json!({ "user": user, "status": "administrator", "can_be_edited": false });
                if let Value::Object(fields) = json!(rights) {
                    for (k, val) in fields {
                        v[k] = val;
                    }
                }
                v
            }
            BotMembership::Member => json!({ "user": user, "status": "member" }),
            BotMembership::Kicked => json!({ "user": user, "status": "kicked", "until_date": 0 }),
            BotMembership::Left | BotMembership::None => json!({ "user": user, "status": "left" }),
        }
    }

    pub fn send_message(&mut self, p: &Params) -> Result<Value, BotError> {
        let raw = p.get("text").unwrap_or("");
        if raw.is_empty() {
            return Err(BotError::bad_request(MESSAGE_TEXT_EMPTY));
        }
        let mode = parse_mode(p, "parse_mode")?;
        let parsed = formatted(raw, mode, p.get("entities"))?;
        let markup = reply_markup(p)?;
        let link_preview = link_preview_options(p)?;
        let chat_id = self.chat_ref(p)?;
        self.check_send(chat_id)?;
        let reply_to = self.reply_target(p, chat_id)?;
        let text = entities::finish(&parsed.text, parsed.entities);
        limits::check_text(&text.text)?;
        self.rate(chat_id, 1)?;
        let sent = sent_as("sendMessage", p, mode, Some(raw), link_preview.clone());
        let id = self.store(StoredMessage {
            message_id: 0,
            chat_id,
            sender: Sender::Bot,
            date: self.now(),
            content: Content::Text { text, link_preview },
            caption: FormattedText::default(),
            media_group_id: None,
            reply_markup: markup,
            reply_to,
            has_spoiler: false,
            show_caption_above_media: false,
            edit_date: None,
            edits: Vec::new(),
            deleted_at: None,
            sent: Some(sent),
        });
        Ok(self.rendered(chat_id, id))
    }

    fn rendered(&self, chat_id: i64, message_id: i32) -> Value {
        self.chats
            .get(&chat_id)
            .and_then(|c| c.messages.get(&message_id))
            .map(|m| self.message_json(m, true))
            .unwrap_or(Value::Null)
    }

    /// `reply_parameters` (or the legacy `reply_to_message_id`): the message must exist
    /// unless sending without it is allowed.
    fn reply_target(&self, p: &Params, chat_id: i64) -> Result<Option<i32>, BotError> {
        let (target, allow_without) = match p.json("reply_parameters") {
            Some(Ok(v)) => (
                v.get("message_id").and_then(Value::as_i64),
                v.get("allow_sending_without_reply")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            ),
            Some(Err(_)) => {
                return Err(BotError::bad_request(
                    "Bad Request: can't parse reply parameters JSON object",
                ));
            }
            None => (
                p.int("reply_to_message_id"),
                p.flag("allow_sending_without_reply"),
            ),
        };
        let Some(target) = target
            .and_then(|t| i32::try_from(t).ok())
            .filter(|t| *t > 0)
        else {
            return Ok(None);
        };
        if self.stored(chat_id, target).is_some() {
            Ok(Some(target))
        } else if allow_without {
            Ok(None)
        } else {
            Err(BotError::bad_request(
                "Bad Request: message to be replied not found",
            ))
        }
    }

    /// `sendPhoto`, `sendVideo` and `sendDocument`.
    pub fn send_media(&mut self, kind: FileKind, p: &Params) -> Result<Value, BotError> {
        let field = field_name(kind);
        let method = match kind {
            FileKind::Photo => "sendPhoto",
            FileKind::Video => "sendVideo",
            FileKind::Document => "sendDocument",
        };
        let raw_caption = p.get("caption").unwrap_or("");
        let mode = parse_mode(p, "parse_mode")?;
        let caption = formatted(raw_caption, mode, p.get("caption_entities"))?;
        let markup = reply_markup(p)?;
        let chat_id = self.chat_ref(p)?;
        self.check_send(chat_id)?;
        let reply_to = self.reply_target(p, chat_id)?;
        let input = match p.get(field).filter(|v| !v.is_empty()) {
            Some(value) => InputFile::from_value(value, p),
            None => p.file(field).cloned().map(InputFile::Upload),
        }
        .ok_or_else(|| {
            BotError::bad_request(format!("Bad Request: there is no {field} in the request"))
        })?;
        let attributes = VideoAttributes::from_params(p);
        let (file_kind, file_id) = self.prepare_file(kind, input, attributes)?;
        let caption = entities::finish(&caption.text, caption.entities);
        limits::check_caption(&caption.text)?;
        self.rate(chat_id, 1)?;
        let file_id = self.commit_file(file_id);
        let sent = sent_as(method, p, mode, p.get("caption"), None);
        let id = self.store(StoredMessage {
            message_id: 0,
            chat_id,
            sender: Sender::Bot,
            date: self.now(),
            content: self.media_content(file_kind, &file_id),
            caption,
            media_group_id: None,
            reply_markup: markup,
            reply_to,
            has_spoiler: p.flag("has_spoiler") && kind != FileKind::Document,
            show_caption_above_media: p.flag("show_caption_above_media")
                && kind != FileKind::Document,
            edit_date: None,
            edits: Vec::new(),
            deleted_at: None,
            sent: Some(sent),
        });
        Ok(self.rendered(chat_id, id))
    }

    fn media_content(&self, kind: FileKind, file_id: &str) -> Content {
        match kind {
            FileKind::Photo => Content::Photo {
                sizes: self
                    .files
                    .get(file_id)
                    .map(|f| f.photo_sizes.clone())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| vec![file_id.to_owned()]),
            },
            FileKind::Video => Content::Video {
                file_id: file_id.to_owned(),
            },
            FileKind::Document => Content::Document {
                file_id: file_id.to_owned(),
            },
        }
    }

    /// Checks an input file for `kind` and readies it: an existing `file_id` is reused, an
    /// upload becomes pending files (committed only once the send is certain).
    fn prepare_file(
        &mut self,
        kind: FileKind,
        input: InputFile,
        attributes: VideoAttributes,
    ) -> Result<(FileKind, PreparedFile), BotError> {
        match input {
            InputFile::Missing => Err(BotError::bad_request(format!(
                "Bad Request: there is no {} in the request",
                field_name(kind)
            ))),
            InputFile::Url => Err(BotError::bad_request(URL_CONTENT)),
            InputFile::Id(id) => {
                let Some(file) = self.files.get(&id) else {
                    return Err(BotError::bad_request(WRONG_FILE_ID));
                };
                if file.kind != kind {
                    return Err(BotError::bad_request(format!(
                        "Bad Request: can't use file of type {} as {}",
                        file.kind.tdlib_name(),
                        kind.tdlib_name()
                    )));
                }
                // A photo is sent again with all its sizes, whichever size was named.
                let id = match kind {
                    FileKind::Photo => file.photo_sizes.last().cloned().unwrap_or(id),
                    _ => id,
                };
                Ok((kind, PreparedFile::Existing(id)))
            }
            InputFile::Upload(upload) => {
                limits::check_upload_size(upload.bytes.len() as u64, kind == FileKind::Photo)?;
                let name = Some(upload.file_name.clone()).filter(|n| !n.is_empty());
                match kind {
                    FileKind::Photo => {
                        let info = media::image_info(&upload.bytes)
                            .ok_or_else(|| BotError::bad_request(IMAGE_PROCESS_FAILED))?;
                        if !limits::photo_dimensions_ok(info.width, info.height) {
                            return Err(BotError::bad_request(PHOTO_INVALID_DIMENSIONS));
                        }
                        Ok((
                            kind,
                            PreparedFile::NewPhoto {
                                bytes: upload.bytes,
                                width: info.width,
                                height: info.height,
                            },
                        ))
                    }
                    FileKind::Video => {
                        let mime = video_mime(&upload.bytes, name.as_deref());
                        // Telegram plays MPEG-4 only; anything else becomes a document.
                        let kind = if mime == "video/mp4" {
                            FileKind::Video
                        } else {
                            FileKind::Document
                        };
                        Ok((
                            kind,
                            PreparedFile::New {
                                kind,
                                bytes: upload.bytes,
                                file_name: name,
                                mime_type: Some(mime),
                                attributes,
                            },
                        ))
                    }
                    FileKind::Document => {
                        let mime = name
                            .as_deref()
                            .map(media::mime_from_name)
                            .unwrap_or("application/octet-stream");
                        Ok((
                            kind,
                            PreparedFile::New {
                                kind,
                                bytes: upload.bytes,
                                file_name: name,
                                mime_type: Some(mime.to_owned()),
                                attributes,
                            },
                        ))
                    }
                }
            }
        }
    }

    fn next_file_ids(&mut self, kind: FileKind) -> (String, String) {
        self.file_serial += 1;
        (
            media::file_id(kind, self.file_serial, self.salt),
            media::file_unique_id(self.file_serial, self.salt),
        )
    }

    /// Stores a prepared file and returns the `file_id` the message shows.
    fn commit_file(&mut self, file: PreparedFile) -> String {
        match file {
            PreparedFile::Existing(id) => id,
            PreparedFile::NewPhoto {
                bytes,
                width,
                height,
            } => {
                let mut ids = Vec::new();
                for (w, h) in media::photo_sizes(width, height) {
                    let (file_id, unique_id) = self.next_file_ids(FileKind::Photo);
                    ids.push(file_id.clone());
                    self.files.insert(
                        file_id.clone(),
                        FileEntry {
                            file_id,
                            unique_id,
                            kind: FileKind::Photo,
                            bytes: bytes.clone(),
                            file_name: None,
                            mime_type: Some("image/jpeg".to_owned()),
                            width: Some(w),
                            height: Some(h),
                            duration: None,
                            photo_sizes: Vec::new(),
                            path: None,
                        },
                    );
                }
                for id in &ids {
                    if let Some(f) = self.files.get_mut(id) {
                        f.photo_sizes = ids.clone();
                    }
                }
                ids.last().cloned().unwrap_or_default()
            }
            PreparedFile::New {
                kind,
                bytes,
                file_name,
                mime_type,
                attributes,
            } => {
                let (file_id, unique_id) = self.next_file_ids(kind);
                let video = kind == FileKind::Video;
                self.files.insert(
                    file_id.clone(),
                    FileEntry {
                        file_id: file_id.clone(),
                        unique_id,
                        kind,
                        bytes,
                        file_name,
                        mime_type,
                        width: video.then_some(attributes.width),
                        height: video.then_some(attributes.height),
                        duration: video.then_some(attributes.duration),
                        photo_sizes: Vec::new(),
                        path: None,
                    },
                );
                file_id
            }
        }
    }

    pub fn send_media_group(&mut self, p: &Params) -> Result<Value, BotError> {
        let raw = p
            .non_empty("media")
            .ok_or_else(|| BotError::bad_request(MEDIA_REQUIRED))?;
        let value: Value =
            serde_json::from_str(raw).map_err(|_| BotError::bad_request(MEDIA_JSON))?;
        let items = match value {
            Value::Null => Vec::new(),
            Value::Array(items) => items,
            _ => return Err(BotError::bad_request(MEDIA_NOT_ARRAY)),
        };
        struct Item {
            kind: FileKind,
            media: String,
            raw_caption: Option<String>,
            mode: Option<ParseMode>,
            caption: FormattedText,
            has_spoiler: bool,
            above: bool,
            attributes: VideoAttributes,
        }
        let mut parsed = Vec::with_capacity(items.len());
        for item in &items {
            let Value::Object(item) = item else {
                return Err(BotError::input_media("expected an Object"));
            };
            let Some(kind) = item.get("type") else {
                return Err(BotError::input_media("Can't find field \"type\""));
            };
            let kind = kind.as_str().unwrap_or_default();
            let kind = match kind {
                "photo" => FileKind::Photo,
                "video" => FileKind::Video,
                "document" => FileKind::Document,
                "animation" => {
                    return Err(BotError::input_media(
                        "type \"animation\" can't be used in sendMediaGroup",
                    ));
                }
                other => {
                    return Err(BotError::input_media(&format!(
                        "type \"{other}\" is unsupported"
                    )));
                }
            };
            let item_params = Params::from_json(item);
            let mode = parse_mode(&item_params, "parse_mode")?;
            let raw_caption = item_params.get("caption").map(str::to_owned);
            let caption = formatted(
                raw_caption.as_deref().unwrap_or(""),
                mode,
                item_params.get("caption_entities"),
            )?;
            parsed.push(Item {
                kind,
                media: item_params.get("media").unwrap_or("").to_owned(),
                raw_caption,
                mode,
                caption,
                has_spoiler: item_params.flag("has_spoiler"),
                above: item_params.flag("show_caption_above_media"),
                attributes: VideoAttributes::from_params(&item_params),
            });
        }
        let chat_id = self.chat_ref(p)?;
        self.check_send(chat_id)?;
        let reply_to = self.reply_target(p, chat_id)?;
        let mut prepared = Vec::with_capacity(parsed.len());
        for item in parsed {
            let input = match InputFile::from_value(&item.media, p) {
                Some(InputFile::Missing) | None => {
                    return Err(BotError::input_media("media not found"));
                }
                Some(input) => input,
            };
            let (kind, file) = self.prepare_file(item.kind, input, item.attributes)?;
            let caption = entities::finish(&item.caption.text, item.caption.entities.clone());
            limits::check_caption(&caption.text)?;
            prepared.push((item, kind, file, caption));
        }
        limits::check_album_size(prepared.len())?;
        let has_documents = prepared.iter().any(|(_, k, _, _)| *k == FileKind::Document);
        let has_visual = prepared.iter().any(|(_, k, _, _)| *k != FileKind::Document);
        if has_documents && has_visual {
            return Err(BotError::bad_request(
                "Bad Request: document can't be mixed with other media types",
            ));
        }
        let first_above = prepared.first().map(|(item, _, _, _)| item.above);
        if prepared.iter().any(|(item, kind, _, _)| {
            *kind != FileKind::Document && Some(item.above) != first_above
        }) {
            return Err(BotError::bad_request(CAPTION_ABOVE_MEDIA_MIXED));
        }
        self.rate(chat_id, prepared.len())?;
        let group = (prepared.len() > 1).then(|| {
            self.album_serial += 1;
            (13_400_000_000_000_000u64 + self.album_serial * 7919).to_string()
        });
        let now = self.now();
        let mut results = Vec::with_capacity(prepared.len());
        for (item, kind, file, caption) in prepared {
            let file_id = self.commit_file(file);
            let sent = SentAs {
                method: "sendMediaGroup".to_owned(),
                parse_mode: item.mode.map(|m| m.name().to_owned()),
                raw: item.raw_caption.clone(),
                disable_notification: p.flag("disable_notification"),
                protect_content: p.flag("protect_content"),
                link_preview_options: None,
            };
            let id = self.store(StoredMessage {
                message_id: 0,
                chat_id,
                sender: Sender::Bot,
                date: now,
                content: self.media_content(kind, &file_id),
                caption,
                media_group_id: group.clone(),
                reply_markup: None,
                reply_to,
                has_spoiler: item.has_spoiler && kind != FileKind::Document,
                show_caption_above_media: item.above && kind != FileKind::Document,
                edit_date: None,
                edits: Vec::new(),
                deleted_at: None,
                sent: Some(sent),
            });
            results.push(self.rendered(chat_id, id));
        }
        Ok(Value::Array(results))
    }

    /// The chat and message an edit names; inline messages are not modelled.
    fn edit_target(&self, p: &Params) -> Result<(i64, i32), BotError> {
        if p.non_empty("inline_message_id").is_some() && p.non_empty("chat_id").is_none() {
            return Err(BotError::bad_request(MESSAGE_TO_EDIT_NOT_FOUND));
        }
        let chat_id = self.chat_ref(p)?;
        self.check_access(chat_id)?;
        let message_id = p
            .int("message_id")
            .and_then(|id| i32::try_from(id).ok())
            .ok_or_else(|| BotError::bad_request(MESSAGE_ID_INVALID))?;
        Ok((chat_id, message_id))
    }

    /// Editing and deleting need the chat to be reachable like sending, except that a
    /// private chat's user need not have started the bot again.
    fn check_access(&self, chat_id: i64) -> Result<(), BotError> {
        let chat = self.chat(chat_id)?;
        if chat.kind == ChatType::Private {
            if self.users.get(&chat_id).is_some_and(|u| u.blocked) {
                return Err(BotError::forbidden(BOT_BLOCKED));
            }
            return Ok(());
        }
        match self.check_send(chat_id) {
            Err(e) if e.description == NEED_CHANNEL_ADMIN => {
                // Editing others' posts needs `can_edit_messages`; checked per message.
                if chat.bot.rights().is_some() {
                    Ok(())
                } else {
                    Err(e)
                }
            }
            other => other,
        }
    }

    fn can_edit(&self, chat_id: i64, m: &StoredMessage) -> bool {
        let Some(chat) = self.chats.get(&chat_id) else {
            return false;
        };
        match chat.kind {
            ChatType::Channel => chat.bot.rights().is_some_and(|r| {
                r.can_edit_messages || (m.sender == Sender::Bot && r.can_post_messages)
            }),
            _ => m.sender == Sender::Bot,
        }
    }

    pub fn edit_message_text(&mut self, p: &Params) -> Result<Value, BotError> {
        let raw = p.get("text").unwrap_or("");
        if raw.is_empty() {
            return Err(BotError::bad_request(MESSAGE_TEXT_EMPTY));
        }
        let mode = parse_mode(p, "parse_mode")?;
        let parsed = formatted(raw, mode, p.get("entities"))?;
        let markup = reply_markup(p)?;
        let link_preview = link_preview_options(p)?;
        let (chat_id, message_id) = self.edit_target(p)?;
        let m = self
            .stored(chat_id, message_id)
            .ok_or_else(|| BotError::bad_request(MESSAGE_TO_EDIT_NOT_FOUND))?;
        if !self.can_edit(chat_id, m) {
            return Err(BotError::bad_request(MESSAGE_CANT_BE_EDITED));
        }
        let Content::Text { text: current, .. } = &m.content else {
            return Err(BotError::bad_request(NO_TEXT_TO_EDIT));
        };
        let text = entities::finish(&parsed.text, parsed.entities);
        limits::check_text(&text.text)?;
        if *current == text && m.reply_markup == markup {
            return Err(BotError::bad_request(MESSAGE_NOT_MODIFIED));
        }
        let now = self.now();
        let edit = EditView {
            date: now,
            method: "editMessageText".to_owned(),
            text: Some(text.text.clone()),
            caption: None,
            entities: text.entities.clone(),
            raw: Some(raw.to_owned()),
            parse_mode: mode.map(|m| m.name().to_owned()),
            reply_markup: markup.clone(),
        };
        if let Some(m) = self.stored_mut(chat_id, message_id) {
            m.content = Content::Text { text, link_preview };
            m.reply_markup = markup;
            m.edit_date = Some(now);
            m.edits.push(edit);
        }
        Ok(self.rendered(chat_id, message_id))
    }

    pub fn edit_message_caption(&mut self, p: &Params) -> Result<Value, BotError> {
        let raw = p.get("caption").unwrap_or("");
        let mode = parse_mode(p, "parse_mode")?;
        let parsed = formatted(raw, mode, p.get("caption_entities"))?;
        let markup = reply_markup(p)?;
        let (chat_id, message_id) = self.edit_target(p)?;
        let m = self
            .stored(chat_id, message_id)
            .ok_or_else(|| BotError::bad_request(MESSAGE_TO_EDIT_NOT_FOUND))?;
        if !self.can_edit(chat_id, m) {
            return Err(BotError::bad_request(MESSAGE_CANT_BE_EDITED));
        }
        if !m.content.is_media() {
            return Err(BotError::bad_request(NO_CAPTION_TO_EDIT));
        }
        let caption = entities::finish(&parsed.text, parsed.entities);
        limits::check_caption(&caption.text)?;
        let above = p.flag("show_caption_above_media");
        if m.caption == caption && m.reply_markup == markup && m.show_caption_above_media == above {
            return Err(BotError::bad_request(MESSAGE_NOT_MODIFIED));
        }
        let now = self.now();
        let edit = EditView {
            date: now,
            method: "editMessageCaption".to_owned(),
            text: None,
            caption: Some(caption.text.clone()),
            entities: caption.entities.clone(),
            raw: p.get("caption").map(str::to_owned),
            parse_mode: mode.map(|m| m.name().to_owned()),
            reply_markup: markup.clone(),
        };
        if let Some(m) = self.stored_mut(chat_id, message_id) {
            m.caption = caption;
            m.reply_markup = markup;
            m.show_caption_above_media = above && !matches!(m.content, Content::Document { .. });
            m.edit_date = Some(now);
            m.edits.push(edit);
        }
        Ok(self.rendered(chat_id, message_id))
    }

    pub fn edit_message_reply_markup(&mut self, p: &Params) -> Result<Value, BotError> {
        let markup = reply_markup(p)?;
        let (chat_id, message_id) = self.edit_target(p)?;
        let m = self
            .stored(chat_id, message_id)
            .ok_or_else(|| BotError::bad_request(MESSAGE_TO_EDIT_NOT_FOUND))?;
        if !self.can_edit(chat_id, m) {
            return Err(BotError::bad_request(MESSAGE_CANT_BE_EDITED));
        }
        if m.reply_markup == markup {
            return Err(BotError::bad_request(MESSAGE_NOT_MODIFIED));
        }
        let now = self.now();
        let (text, caption, entities) = match &m.content {
            Content::Text { text, .. } => (Some(text.text.clone()), None, text.entities.clone()),
            _ => (
                None,
                Some(m.caption.text.clone()),
                m.caption.entities.clone(),
            ),
        };
        let edit = EditView {
            date: now,
            method: "editMessageReplyMarkup".to_owned(),
            text,
            caption,
            entities,
            raw: None,
            parse_mode: None,
            reply_markup: markup.clone(),
        };
        if let Some(m) = self.stored_mut(chat_id, message_id) {
            m.reply_markup = markup;
            m.edit_date = Some(now);
            m.edits.push(edit);
        }
        Ok(self.rendered(chat_id, message_id))
    }

    pub fn delete_message(&mut self, p: &Params) -> Result<Value, BotError> {
        let chat_id = self.chat_ref(p)?;
        self.check_access(chat_id)?;
        let message_id = p
            .int("message_id")
            .and_then(|id| i32::try_from(id).ok())
            .ok_or_else(|| BotError::bad_request(MESSAGE_ID_INVALID))?;
        let chat = self.chat(chat_id)?;
        if chat.kind.has_own_message_ids() && message_id == 1 {
            // The chat's creation: a service message that cannot be deleted.
            return Err(BotError::bad_request(MESSAGE_CANT_BE_DELETED));
        }
        let m = self
            .stored(chat_id, message_id)
            .ok_or_else(|| BotError::bad_request(MESSAGE_TO_DELETE_NOT_FOUND))?;
        let now = self.now();
        if now - m.date >= limits::DELETE_WINDOW_SECS {
            return Err(BotError::bad_request(MESSAGE_CANT_BE_DELETED));
        }
        let own = m.sender == Sender::Bot;
        let allowed = match (chat.kind, chat.bot) {
            (ChatType::Private, _) => true,
            (ChatType::Channel, BotMembership::Administrator(r)) => {
                r.can_delete_messages || (own && r.can_post_messages)
            }
            (ChatType::Channel, _) => false,
            (ChatType::Group, BotMembership::Administrator(_)) => true,
            (ChatType::Supergroup, BotMembership::Administrator(r)) => own || r.can_delete_messages,
            (_, _) => own,
        };
        if !allowed {
            return Err(BotError::bad_request(MESSAGE_CANT_BE_DELETED));
        }
        if let Some(m) = self.stored_mut(chat_id, message_id) {
            m.deleted_at = Some(now);
        }
        Ok(json!(true))
    }

    pub fn send_chat_action(&self, p: &Params) -> Result<Value, BotError> {
        if p.non_empty("action").is_none() {
            return Err(BotError::bad_request(
                "Bad Request: parameter \"action\" is required",
            ));
        }
        let chat_id = self.chat_ref(p)?;
        self.check_send(chat_id)?;
        Ok(json!(true))
    }

    pub fn get_file(&mut self, p: &Params) -> Result<Value, BotError> {
        let id = p.get("file_id").unwrap_or("").trim().to_owned();
        let Some(file) = self.files.get(&id) else {
            return Err(BotError::bad_request(INVALID_FILE_ID));
        };
        let size = file.bytes.len() as u64;
        limits::check_download_size(size)?;
        let path = match &file.path {
            Some(path) => path.clone(),
            None => {
                self.path_serial += 1;
                let ext = media::extension_for(
                    file.mime_type.as_deref().unwrap_or(""),
                    file.file_name.as_deref(),
                );
                format!("{}/file_{}.{ext}", file.kind.folder(), self.path_serial)
            }
        };
        self.paths.insert(path.clone(), id.clone());
        let Some(file) = self.files.get_mut(&id) else {
            return Err(BotError::bad_request(INVALID_FILE_ID));
        };
        file.path = Some(path.clone());
        Ok(json!({
            "file_id": file.file_id,
            "file_unique_id": file.unique_id,
            "file_size": size,
            "file_path": path,
        }))
    }

    /// The bytes behind a `file_path` that `getFile` handed out.
    pub fn download(&self, path: &str) -> Option<(Bytes, String)> {
        let id = self.paths.get(path)?;
        let file = self.files.get(id)?;
        Some((
            file.bytes.clone(),
            file.mime_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".to_owned()),
        ))
    }

    /// The bytes of any stored file (for the page and the control API).
    pub fn file_bytes(&self, file_id: &str) -> Option<(Bytes, String)> {
        let file = self.files.get(file_id)?;
        let mime = media::image_info(&file.bytes)
            .map(|i| i.mime.to_owned())
            .or_else(|| file.mime_type.clone())
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        Some((file.bytes.clone(), mime))
    }

    pub fn answer_callback_query(&mut self, p: &Params) -> Result<Value, BotError> {
        let id = p.get("callback_query_id").unwrap_or("").to_owned();
        let text = p.get("text").unwrap_or("");
        if entities::char_count(text) > limits::MAX_CALLBACK_ANSWER_CHARS {
            return Err(BotError::bad_request(CALLBACK_ANSWER_TOO_LONG));
        }
        let now = self.now();
        let Some(query) = self.callbacks.get_mut(&id) else {
            return Err(BotError::bad_request(QUERY_TOO_OLD));
        };
        if query.answer.is_some() || now - query.date > CALLBACK_ANSWER_WINDOW_SECS {
            return Err(BotError::bad_request(QUERY_TOO_OLD));
        }
        let mut answer = json!({
            "text": text,
            "show_alert": p.flag("show_alert"),
            "date": now,
        });
        if let Some(url) = p.non_empty("url") {
            answer["url"] = json!(url);
        }
        if let Some(cache) = p.int("cache_time") {
            answer["cache_time"] = json!(cache);
        }
        query.answer = Some(answer);
        Ok(json!(true))
    }

    pub fn set_webhook(&mut self, p: &Params) -> Result<(Value, &'static str), BotError> {
        let url = p.get("url").unwrap_or("").trim().to_owned();
        if p.flag("drop_pending_updates") {
            self.updates.clear();
        }
        if url.is_empty() {
            let was = self.webhook.take().is_some();
            return Ok((
                json!(true),
                if was {
                    "Webhook was deleted"
                } else {
                    "Webhook is already deleted"
                },
            ));
        }
        let lowered = url.to_ascii_lowercase();
        let Some(rest) = lowered.strip_prefix("https://") else {
            return Err(BotError::bad_request(BAD_WEBHOOK_URL));
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if let Some((_, port)) = host.rsplit_once(':')
            && !matches!(port, "443" | "80" | "88" | "8443")
        {
            return Err(BotError::bad_request(
                "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
            ));
        }
        self.webhook = Some(Webhook {
            url,
            secret_token: p.non_empty("secret_token").map(str::to_owned),
            max_connections: p.int("max_connections"),
            allowed_updates: p.json("allowed_updates").and_then(Result::ok),
        });
        Ok((json!(true), "Webhook was set"))
    }

    pub fn delete_webhook(&mut self, p: &Params) -> (Value, &'static str) {
        if p.flag("drop_pending_updates") {
            self.updates.clear();
        }
        if self.webhook.take().is_some() {
            (json!(true), "Webhook was deleted")
        } else {
            (json!(true), "Webhook is already deleted")
        }
    }

    pub fn get_webhook_info(&self) -> Value {
        let mut v = json!({
            "url": self.webhook.as_ref().map(|w| w.url.clone()).unwrap_or_default(),
            "has_custom_certificate": false,
            "pending_update_count": self.updates.len(),
        });
        if let Some(w) = &self.webhook {
            if let Some(max) = w.max_connections {
                v["max_connections"] = json!(max);
            }
            if let Some(allowed) = &w.allowed_updates {
                v["allowed_updates"] = allowed.clone();
            }
            v["ip_address"] = json!("127.0.0.1");
        }
        v
    }

    pub fn webhook_view(&self) -> Value {
        match &self.webhook {
            Some(w) => json!({
                "url": w.url,
                "secret_token": w.secret_token,
                "max_connections": w.max_connections,
                "allowed_updates": w.allowed_updates,
            }),
            None => Value::Null,
        }
    }

    pub fn set_my_commands(&mut self, p: &Params) -> Result<Value, BotError> {
        let commands = match p.json("commands") {
            Some(Ok(Value::Array(commands))) => commands,
            _ => {
                return Err(BotError::bad_request(
                    "Bad Request: can't parse commands JSON object",
                ));
            }
        };
        self.commands = Value::Array(commands);
        Ok(json!(true))
    }

    pub fn get_my_commands(&self) -> Value {
        self.commands.clone()
    }

    pub fn delete_my_commands(&mut self) -> Value {
        self.commands = json!([]);
        json!(true)
    }

    // ----- getUpdates -----

    pub fn webhook_active(&self) -> bool {
        self.webhook.is_some()
    }

    pub fn set_allowed_updates(&mut self, p: &Params) {
        if let Some(Ok(Value::Array(list))) = p.json("allowed_updates") {
            let list: Vec<String> = list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            self.allowed_updates = (!list.is_empty()).then_some(list);
        }
    }

    /// `offset` confirms every update below it; a negative one keeps only the last
    /// `-offset` updates.
    pub fn confirm(&mut self, offset: i64) {
        if offset > 0 {
            while self.updates.front().is_some_and(|u| u.update_id < offset) {
                self.updates.pop_front();
            }
        } else if offset < 0 {
            let keep = offset.unsigned_abs() as usize;
            while self.updates.len() > keep {
                self.updates.pop_front();
            }
        }
    }

    pub fn collect(&self, limit: usize) -> Vec<Value> {
        self.updates
            .iter()
            .take(limit)
            .map(|u| u.body.clone())
            .collect()
    }

    pub fn pending_updates(&self) -> Vec<Value> {
        self.collect(usize::MAX)
    }

    fn push_update(&mut self, kind: &str, payload: Value) -> Option<i64> {
        let allowed = match &self.allowed_updates {
            Some(list) => list.iter().any(|k| k == kind),
            None => !DEFAULT_EXCLUDED_UPDATES.contains(&kind),
        };
        if !allowed {
            return None;
        }
        let update_id = self.next_update_id;
        self.next_update_id += 1;
        let mut body = json!({ "update_id": update_id });
        body[kind] = payload;
        self.updates.push_back(Update { update_id, body });
        self.update_signal.send_modify(|n| *n += 1);
        Some(update_id)
    }

    // ----- faults and the call log -----

    pub fn add_fault(&mut self, rule: NewFault) -> Result<u64, ControlError> {
        if rule.method.trim().is_empty() {
            return Err(ControlError::bad_request("method is required"));
        }
        if let Fault::Error {
            parameters: Some(params),
            ..
        } = &rule.fault
            && !params.is_object()
        {
            return Err(ControlError::bad_request("parameters must be an object"));
        }
        self.fault_serial += 1;
        let chat_id = rule.chat_id.as_ref().map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        self.faults.push(FaultRule {
            id: self.fault_serial,
            method: rule.method.trim().to_ascii_lowercase(),
            chat_id,
            remaining: rule.times.max(1),
            fault: rule.fault,
        });
        Ok(self.fault_serial)
    }

    pub fn faults(&self) -> Vec<FaultView> {
        self.faults
            .iter()
            .map(|f| FaultView {
                id: f.id,
                method: f.method.clone(),
                remaining: f.remaining,
                chat_id: f.chat_id.clone(),
                fault: f.fault.clone(),
            })
            .collect()
    }

    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// The first fault waiting for this call, used up by one.
    pub fn take_fault(&mut self, method: &str, p: &Params) -> Option<Fault> {
        let chat = p.get("chat_id").map(str::trim);
        let index = self.faults.iter().position(|f| {
            f.method == method
                && f.remaining > 0
                && f.chat_id
                    .as_deref()
                    .is_none_or(|want| chat.is_some_and(|c| c.eq_ignore_ascii_case(want)))
        })?;
        let rule = &mut self.faults[index];
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        if rule.remaining == 0 {
            self.faults.remove(index);
        }
        Some(fault)
    }

    pub fn record_call(
        &mut self,
        method: &str,
        p: &Params,
        status: u16,
        description: Option<String>,
        fault: Option<String>,
    ) {
        self.call_serial += 1;
        if self.calls.len() >= MAX_CALLS {
            self.calls.remove(0);
        }
        self.calls.push(CallView {
            seq: self.call_serial,
            at_ms: self.clock.now_ms(),
            method: method.to_owned(),
            chat_id: p.get("chat_id").map(str::to_owned),
            status,
            description,
            fault,
        });
    }

    pub fn calls(&self) -> &[CallView] {
        &self.calls
    }

    // ----- control: chats and users -----

    pub fn create_chat(&mut self, spec: NewChat) -> Result<ChatView, ControlError> {
        if spec.kind == ChatType::Private {
            return Err(ControlError::bad_request(
                "private chats come with users: POST /control/users",
            ));
        }
        let id = match spec.id {
            Some(id) => {
                let ok = match spec.kind {
                    ChatType::Group => (-999_999_999_999..0).contains(&id),
                    _ => id < -1_000_000_000_000,
                };
                if !ok {
                    return Err(ControlError::bad_request(
                        "a group's id is negative; a channel's or supergroup's starts with -100",
                    ));
                }
                id
            }
            None => self.fresh_chat_id(spec.kind),
        };
        if self.chats.contains_key(&id) {
            return Err(ControlError::bad_request(format!(
                "chat {id} already exists"
            )));
        }
        let username = spec
            .username
            .map(|u| u.trim_start_matches('@').to_owned())
            .filter(|u| !u.is_empty());
        if let Some(name) = &username {
            if spec.kind == ChatType::Group {
                return Err(ControlError::bad_request("basic groups have no username"));
            }
            if self.username_taken(name) {
                return Err(ControlError::bad_request(format!("@{name} is taken")));
            }
        }
        let bot = spec.bot.unwrap_or(match spec.kind {
            ChatType::Channel => BotMembership::admin(),
            _ => BotMembership::Member,
        });
        self.chats.insert(
            id,
            ChatRecord {
                id,
                kind: spec.kind,
                title: Some(spec.title),
                username,
                description: spec.description,
                bot,
                migrated_to: None,
                migrated_from: None,
                last_message_id: 1,
                messages: BTreeMap::new(),
                members: Vec::new(),
            },
        );
        self.chat_view(id)
    }

    fn fresh_chat_id(&mut self, kind: ChatType) -> i64 {
        loop {
            let id = match kind {
                ChatType::Group => {
                    self.next_group_id += 1;
                    -(self.next_group_id - 1)
                }
                _ => {
                    self.next_channel_id += 1;
                    -(self.next_channel_id - 1)
                }
            };
            if !self.chats.contains_key(&id) {
                return id;
            }
        }
    }

    fn username_taken(&self, name: &str) -> bool {
        self.chats.values().any(|c| {
            c.username
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(name))
        }) || self.users.values().any(|u| {
            u.username
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(name))
        })
    }

    pub fn create_user(&mut self, spec: NewUser) -> Result<UserView, ControlError> {
        let id = match spec.id {
            Some(id) if id > 0 => id,
            Some(_) => return Err(ControlError::bad_request("a user's id is positive")),
            None => loop {
                self.next_user_id += 1;
                if !self.chats.contains_key(&(self.next_user_id - 1)) {
                    break self.next_user_id - 1;
                }
            },
        };
        if self.users.contains_key(&id) || id == self.bot.id {
            return Err(ControlError::bad_request(format!(
                "user {id} already exists"
            )));
        }
        let username = spec
            .username
            .map(|u| u.trim_start_matches('@').to_owned())
            .filter(|u| !u.is_empty());
        if let Some(name) = &username
            && self.username_taken(name)
        {
            return Err(ControlError::bad_request(format!("@{name} is taken")));
        }
        self.users.insert(
            id,
            UserRecord {
                id,
                first_name: spec.first_name,
                last_name: spec.last_name,
                username,
                language_code: spec.language_code,
                started: spec.started,
                blocked: false,
            },
        );
        self.chats.insert(
            id,
            ChatRecord {
                id,
                kind: ChatType::Private,
                title: None,
                username: None,
                description: None,
                bot: BotMembership::Member,
                migrated_to: None,
                migrated_from: None,
                last_message_id: 0,
                messages: BTreeMap::new(),
                members: vec![id],
            },
        );
        self.user_view(id)
    }

    pub fn user_view(&self, id: i64) -> Result<UserView, ControlError> {
        let u = self
            .users
            .get(&id)
            .ok_or_else(|| ControlError::not_found(format!("no user {id}")))?;
        Ok(UserView {
            id: u.id,
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            username: u.username.clone(),
            language_code: u.language_code.clone(),
            started: u.started,
            blocked: u.blocked,
        })
    }

    pub fn users(&self) -> Vec<UserView> {
        self.users
            .keys()
            .filter_map(|id| self.user_view(*id).ok())
            .collect()
    }

    pub fn set_user_blocked(&mut self, id: i64, blocked: bool) -> Result<UserView, ControlError> {
        let user = self
            .users
            .get_mut(&id)
            .ok_or_else(|| ControlError::not_found(format!("no user {id}")))?;
        user.blocked = blocked;
        self.user_view(id)
    }

    /// A chat named by id or `@username` (any kind; the control API sees everything).
    pub fn find_chat(&self, reference: &str) -> Result<i64, ControlError> {
        let reference = reference.trim();
        let found = match reference.strip_prefix('@') {
            Some(name) => self
                .chats
                .values()
                .find(|c| {
                    c.username
                        .as_deref()
                        .is_some_and(|u| u.eq_ignore_ascii_case(name))
                })
                .map(|c| c.id),
            None => reference
                .parse::<i64>()
                .ok()
                .filter(|id| self.chats.contains_key(id)),
        };
        found.ok_or_else(|| ControlError::not_found(format!("no chat {reference}")))
    }

    pub fn chat_view(&self, id: i64) -> Result<ChatView, ControlError> {
        let c = self
            .chats
            .get(&id)
            .ok_or_else(|| ControlError::not_found(format!("no chat {id}")))?;
        Ok(ChatView {
            id: c.id,
            kind: c.kind,
            title: match c.kind {
                ChatType::Private => self.users.get(&id).map(|u| u.first_name.clone()),
                _ => c.title.clone(),
            },
            username: match c.kind {
                ChatType::Private => self.users.get(&id).and_then(|u| u.username.clone()),
                _ => c.username.clone(),
            },
            bot: c.bot,
            migrated_to_chat_id: c.migrated_to,
            migrated_from_chat_id: c.migrated_from,
            message_count: c.messages.len(),
        })
    }

    pub fn chats(&self) -> Vec<ChatView> {
        self.chats
            .keys()
            .filter_map(|id| self.chat_view(*id).ok())
            .collect()
    }

    pub fn set_bot_membership(
        &mut self,
        id: i64,
        membership: BotMembership,
    ) -> Result<ChatView, ControlError> {
        let chat = self
            .chats
            .get_mut(&id)
            .ok_or_else(|| ControlError::not_found(format!("no chat {id}")))?;
        if chat.kind == ChatType::Private {
            return Err(ControlError::bad_request(
                "a private chat's state is the user's: PUT /control/users/{id}/blocked",
            ));
        }
        chat.bot = membership;
        self.chat_view(id)
    }

    /// Upgrades a basic group to a supergroup, as Telegram does: the group is left behind
    /// with a `migrate_to_chat_id` service message, the supergroup starts with a
    /// `migrate_from_chat_id` one, and the bot keeps its standing.
    pub fn migrate(&mut self, id: i64, to: Option<i64>) -> Result<ChatView, ControlError> {
        let chat = self
            .chats
            .get(&id)
            .ok_or_else(|| ControlError::not_found(format!("no chat {id}")))?;
        if chat.kind != ChatType::Group {
            return Err(ControlError::bad_request(
                "only a basic group can be migrated",
            ));
        }
        if chat.migrated_to.is_some() {
            return Err(ControlError::bad_request("the group was already migrated"));
        }
        let (title, bot, members) = (chat.title.clone(), chat.bot, chat.members.clone());
        let new_id = match to {
            Some(to) if to < -1_000_000_000_000 && !self.chats.contains_key(&to) => to,
            Some(_) => {
                return Err(ControlError::bad_request(
                    "the supergroup's id must be a free -100… id",
                ));
            }
            None => self.fresh_chat_id(ChatType::Supergroup),
        };
        self.chats.insert(
            new_id,
            ChatRecord {
                id: new_id,
                kind: ChatType::Supergroup,
                title,
                username: None,
                description: None,
                bot,
                migrated_to: None,
                migrated_from: Some(id),
                last_message_id: 0,
                messages: BTreeMap::new(),
                members,
            },
        );
        let now = self.now();
        let service = |chat_id: i64, fields: Value| StoredMessage {
            message_id: 0,
            chat_id,
            sender: Sender::Nobody,
            date: now,
            content: Content::Service(fields),
            caption: FormattedText::default(),
            media_group_id: None,
            reply_markup: None,
            reply_to: None,
            has_spoiler: false,
            show_caption_above_media: false,
            edit_date: None,
            edits: Vec::new(),
            deleted_at: None,
            sent: None,
        };
        let old_msg = self.store(service(id, json!({ "migrate_to_chat_id": new_id })));
        if let Some(chat) = self.chats.get_mut(&id) {
            chat.migrated_to = Some(new_id);
        }
        let new_msg = self.store(service(new_id, json!({ "migrate_from_chat_id": id })));
        if bot.is_present() {
            for (chat_id, message_id) in [(id, old_msg), (new_id, new_msg)] {
                let body = self.rendered(chat_id, message_id);
                self.push_update("message", body);
            }
        }
        self.chat_view(new_id)
    }

    // ----- control: simulated people -----

    fn user_chat(&mut self, user_id: i64, chat_id: Option<i64>) -> Result<i64, ControlError> {
        if !self.users.contains_key(&user_id) {
            return Err(ControlError::not_found(format!("no user {user_id}")));
        }
        let chat_id = chat_id.unwrap_or(user_id);
        let chat = self
            .chats
            .get_mut(&chat_id)
            .ok_or_else(|| ControlError::not_found(format!("no chat {chat_id}")))?;
        match chat.kind {
            ChatType::Private if chat_id != user_id => Err(ControlError::bad_request(
                "a user writes to the bot in their own private chat",
            )),
            ChatType::Channel => Err(ControlError::bad_request(
                "users do not write in channels; POST /control/chats/{chat}/posts",
            )),
            _ if chat.migrated_to.is_some() => Err(ControlError::bad_request(
                "the group was migrated to a supergroup",
            )),
            _ => {
                if !chat.members.contains(&user_id) {
                    chat.members.push(user_id);
                }
                Ok(chat_id)
            }
        }
    }

    /// A file a simulated user sends, stored as Telegram would store it.
    fn user_file(&mut self, kind: FileKind, spec: &FileSpec) -> Result<String, ControlError> {
        use base64::{Engine, engine::general_purpose::STANDARD};
        let bytes: Bytes = match (&spec.content_base64, spec.size) {
            (Some(b64), _) => STANDARD
                .decode(b64.trim())
                .map_err(|_| ControlError::bad_request("content_base64 is not base64"))?
                .into(),
            (None, size) => generated_bytes(kind, spec, size.unwrap_or(2048)),
        };
        if bytes.is_empty() {
            return Err(ControlError::bad_request("a file must not be empty"));
        }
        let prepared = match kind {
            FileKind::Photo => {
                let info = media::image_info(&bytes);
                PreparedFile::NewPhoto {
                    width: spec.width.or(info.map(|i| i.width)).unwrap_or(1280),
                    height: spec.height.or(info.map(|i| i.height)).unwrap_or(960),
                    bytes,
                }
            }
            _ => PreparedFile::New {
                kind,
                mime_type: Some(spec.mime_type.clone().unwrap_or_else(|| {
                    spec.file_name
                        .as_deref()
                        .map(media::mime_from_name)
                        .unwrap_or(if kind == FileKind::Video {
                            "video/mp4"
                        } else {
                            "application/octet-stream"
                        })
                        .to_owned()
                })),
                file_name: spec.file_name.clone(),
                attributes: VideoAttributes {
                    width: spec.width.unwrap_or(1280),
                    height: spec.height.unwrap_or(720),
                    duration: spec.duration.unwrap_or(10),
                },
                bytes,
            },
        };
        Ok(self.commit_file(prepared))
    }

    /// A user writes to the bot (or in a group with it): stored, then queued as an update.
    pub fn user_message(&mut self, user_id: i64, spec: UserMessage) -> Result<Value, ControlError> {
        let chat_id = self.user_chat(user_id, spec.chat_id)?;
        let media: Vec<(FileKind, &FileSpec)> = [
            (FileKind::Photo, spec.photo.as_ref()),
            (FileKind::Video, spec.video.as_ref()),
            (FileKind::Document, spec.document.as_ref()),
        ]
        .into_iter()
        .filter_map(|(k, s)| s.map(|s| (k, s)))
        .collect();
        if media.len() > 1 || (media.is_empty() && spec.text.as_deref().unwrap_or("").is_empty()) {
            return Err(ControlError::bad_request(
                "a message has either text or exactly one of photo, video, document",
            ));
        }
        if !media.is_empty() && spec.text.is_some() {
            return Err(ControlError::bad_request(
                "a media message takes a caption, not text",
            ));
        }
        let (content, caption) = match media.first() {
            Some((kind, file)) => {
                let file_id = self.user_file(*kind, file)?;
                let caption = entities::finish(spec.caption.as_deref().unwrap_or(""), Vec::new());
                (self.media_content(*kind, &file_id), caption)
            }
            None => (
                Content::Text {
                    text: entities::finish(spec.text.as_deref().unwrap_or(""), Vec::new()),
                    link_preview: None,
                },
                FormattedText::default(),
            ),
        };
        let reply_to = spec
            .reply_to_message_id
            .filter(|id| self.stored(chat_id, *id).is_some());
        let id = self.store(StoredMessage {
            message_id: 0,
            chat_id,
            sender: Sender::User(user_id),
            date: self.now(),
            content,
            caption,
            media_group_id: spec.media_group_id,
            reply_markup: None,
            reply_to,
            has_spoiler: false,
            show_caption_above_media: false,
            edit_date: None,
            edits: Vec::new(),
            deleted_at: None,
            sent: None,
        });
        if chat_id == user_id
            && let Some(user) = self.users.get_mut(&user_id)
        {
            user.started = true;
        }
        let message = self.rendered(chat_id, id);
        let update_id = if self.bot_receives(chat_id) {
            self.push_update("message", message.clone())
        } else {
            None
        };
        Ok(json!({ "update_id": update_id, "message": message }))
    }

    /// Whether the bot gets updates from a chat (it is in it, and the user has not blocked
    /// it).
    fn bot_receives(&self, chat_id: i64) -> bool {
        let Some(chat) = self.chats.get(&chat_id) else {
            return false;
        };
        match chat.kind {
            ChatType::Private => self.users.get(&chat_id).is_some_and(|u| !u.blocked),
            _ => chat.bot.is_present(),
        }
    }

    pub fn user_album(&mut self, user_id: i64, album: UserAlbum) -> Result<Value, ControlError> {
        if album.items.len() < 2 || album.items.len() > limits::MAX_ALBUM_ITEMS {
            return Err(ControlError::bad_request("an album has 2 to 10 items"));
        }
        let group = album.media_group_id.unwrap_or_else(|| {
            self.album_serial += 1;
            (13_500_000_000_000_000u64 + self.album_serial * 7919).to_string()
        });
        let mut results = Vec::new();
        for item in album.items {
            let mut message = UserMessage {
                chat_id: album.chat_id,
                caption: item.caption,
                media_group_id: Some(group.clone()),
                ..UserMessage::default()
            };
            match item.kind {
                FileKind::Photo => message.photo = Some(item.file),
                FileKind::Video => message.video = Some(item.file),
                FileKind::Document => message.document = Some(item.file),
            }
            results.push(self.user_message(user_id, message)?);
        }
        Ok(Value::Array(results))
    }

    pub fn button_press(
        &mut self,
        user_id: i64,
        press: ButtonPress,
    ) -> Result<Value, ControlError> {
        let chat_id = self.user_chat(user_id, press.chat_id)?;
        let message = self
            .stored(chat_id, press.message_id)
            .ok_or_else(|| ControlError::not_found("no such message in the chat"))?;
        if message.sender != Sender::Bot {
            return Err(ControlError::bad_request(
                "only the bot's messages carry inline buttons",
            ));
        }
        let message_json = self.message_json(message, true);
        self.callback_serial += 1;
        let id = format!(
            "{}{:07}",
            self.bot.id.unsigned_abs() % 1_000_000_000_000,
            self.callback_serial
        );
        let date = self.now();
        self.callbacks.insert(
            id.clone(),
            CallbackRecord {
                id: id.clone(),
                from: user_id,
                chat_id,
                message_id: press.message_id,
                data: press.data.clone(),
                date,
                answer: None,
            },
        );
        let query = json!({
            "id": id,
            "from": self.user_json(user_id),
            "message": message_json,
            "chat_instance": (chat_id ^ (self.salt as i64 & 0x7fff_ffff_ffff)).to_string(),
            "data": press.data,
        });
        let update_id = self.push_update("callback_query", query);
        Ok(json!({ "callback_query_id": id, "update_id": update_id }))
    }

    pub fn callbacks(&self) -> Vec<CallbackView> {
        self.callbacks
            .values()
            .map(|c| CallbackView {
                id: c.id.clone(),
                from_user_id: c.from,
                chat_id: c.chat_id,
                message_id: c.message_id,
                data: c.data.clone(),
                date: c.date,
                answer: c.answer.clone(),
            })
            .collect()
    }

    /// Another administrator posts in a channel: it takes a message id (so the bot's next
    /// post is not the next number) and reaches the bot as a `channel_post` when it is an
    /// administrator.
    pub fn channel_post(&mut self, chat_id: i64, post: ChannelPost) -> Result<Value, ControlError> {
        let chat = self
            .chats
            .get(&chat_id)
            .ok_or_else(|| ControlError::not_found(format!("no chat {chat_id}")))?;
        if chat.kind != ChatType::Channel {
            return Err(ControlError::bad_request("posts are for channels"));
        }
        let is_admin = chat.bot.rights().is_some();
        let id = self.store(StoredMessage {
            message_id: 0,
            chat_id,
            sender: Sender::Channel,
            date: self.now(),
            content: Content::Text {
                text: entities::finish(&post.text, Vec::new()),
                link_preview: None,
            },
            caption: FormattedText::default(),
            media_group_id: None,
            reply_markup: None,
            reply_to: None,
            has_spoiler: false,
            show_caption_above_media: false,
            edit_date: None,
            edits: Vec::new(),
            deleted_at: None,
            sent: None,
        });
        let message = self.rendered(chat_id, id);
        let update_id = if is_admin {
            self.push_update("channel_post", message.clone())
        } else {
            None
        };
        Ok(json!({ "update_id": update_id, "message": message }))
    }

    // ----- control: read back -----

    pub fn messages(&self, chat_id: i64) -> Result<Vec<MessageView>, ControlError> {
        let chat = self
            .chats
            .get(&chat_id)
            .ok_or_else(|| ControlError::not_found(format!("no chat {chat_id}")))?;
        Ok(chat
            .messages
            .values()
            .map(|m| self.message_view(m))
            .collect())
    }

    fn media_view(&self, file_id: &str) -> Option<MediaView> {
        let f = self.files.get(file_id)?;
        Some(MediaView {
            kind: f.kind,
            file_id: f.file_id.clone(),
            file_unique_id: f.unique_id.clone(),
            file_name: f.file_name.clone(),
            mime_type: f.mime_type.clone(),
            file_size: if f.kind == FileKind::Photo {
                photo_size_bytes(f)
            } else {
                f.bytes.len() as u64
            },
            width: f.width,
            height: f.height,
            duration: f.duration,
            sizes: f.photo_sizes.clone(),
        })
    }

    fn message_view(&self, m: &StoredMessage) -> MessageView {
        let (text, caption, entities, media, service) = match &m.content {
            Content::Text { text, .. } => (
                Some(text.text.clone()),
                None,
                text.entities.clone(),
                None,
                None,
            ),
            Content::Photo { sizes } => (
                None,
                Some(m.caption.text.clone()),
                m.caption.entities.clone(),
                sizes.last().and_then(|id| self.media_view(id)),
                None,
            ),
            Content::Video { file_id } | Content::Document { file_id } => (
                None,
                Some(m.caption.text.clone()),
                m.caption.entities.clone(),
                self.media_view(file_id),
                None,
            ),
            Content::Service(fields) => (None, None, Vec::new(), None, Some(fields.clone())),
        };
        let shown = text.as_deref().or(caption.as_deref());
        MessageView {
            message_id: m.message_id,
            chat_id: m.chat_id,
            date: m.date,
            from_bot: m.sender == Sender::Bot,
            from_user_id: match m.sender {
                Sender::User(id) => Some(id),
                _ => None,
            },
            kind: m.content.kind().to_owned(),
            html: shown.map(|t| entities::to_html(t, &entities)),
            text,
            caption,
            entities,
            sent_as: m.sent.clone(),
            media,
            media_group_id: m.media_group_id.clone(),
            reply_markup: m.reply_markup.clone(),
            reply_to_message_id: m.reply_to,
            has_spoiler: m.has_spoiler,
            show_caption_above_media: m.show_caption_above_media,
            edit_date: m.edit_date,
            edits: m.edits.clone(),
            deleted: m.deleted_at.is_some(),
            deleted_at: m.deleted_at,
            service,
        }
    }
}

/// A file parameter as the request names it.
enum InputFile {
    Upload(super::params::UploadedFile),
    Id(String),
    Url,
    /// `attach://name` without a part `name`.
    Missing,
}

impl InputFile {
    fn from_value(value: &str, p: &Params) -> Option<Self> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        if let Some(part) = value.strip_prefix("attach://") {
            return Some(match p.file(part) {
                Some(file) => Self::Upload(file.clone()),
                None => Self::Missing,
            });
        }
        // As TDLib reads it, a value with a dot is an HTTP URL.
        if value.contains('.') || value.contains("://") {
            return Some(Self::Url);
        }
        Some(Self::Id(value.to_owned()))
    }
}

enum PreparedFile {
    Existing(String),
    NewPhoto {
        bytes: Bytes,
        width: u32,
        height: u32,
    },
    New {
        kind: FileKind,
        bytes: Bytes,
        file_name: Option<String>,
        mime_type: Option<String>,
        attributes: VideoAttributes,
    },
}

/// A video's sender-given attributes, clamped as the real server clamps them.
#[derive(Clone, Copy, Debug, Default)]
struct VideoAttributes {
    width: u32,
    height: u32,
    duration: u32,
}

impl VideoAttributes {
    fn from_params(p: &Params) -> Self {
        let clamp = |key: &str, max: i64| p.int(key).unwrap_or(0).clamp(0, max) as u32;
        Self {
            width: clamp("width", 10_000),
            height: clamp("height", 10_000),
            duration: clamp("duration", 86_400),
        }
    }
}

fn field_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Photo => "photo",
        FileKind::Video => "video",
        FileKind::Document => "document",
    }
}

/// A video upload's MIME type: what its bytes say, else what its name says, else MPEG-4.
fn video_mime(bytes: &[u8], name: Option<&str>) -> String {
    if let Some(kind) = infer::get(bytes)
        && kind.mime_type().starts_with("video/")
    {
        return kind.mime_type().to_owned();
    }
    match name.map(media::mime_from_name) {
        Some("application/octet-stream") | None => "video/mp4".to_owned(),
        Some(mime) => mime.to_owned(),
    }
}

/// A photo size's `file_size`: the original's bytes scaled by area, as re-encoding would
/// roughly give.
fn photo_size_bytes(f: &FileEntry) -> u64 {
    let largest = f
        .photo_sizes
        .last()
        .map(|id| id == &f.file_id)
        .unwrap_or(true);
    if largest {
        return f.bytes.len() as u64;
    }
    let area = u64::from(f.width.unwrap_or(1)) * u64::from(f.height.unwrap_or(1));
    (area / 8).clamp(1, f.bytes.len() as u64)
}

/// Generated content for a simulated file: a valid image header for photos.
fn generated_bytes(kind: FileKind, spec: &FileSpec, size: u64) -> Bytes {
    let mut bytes = match kind {
        FileKind::Photo => {
            let (w, h) = (spec.width.unwrap_or(1280), spec.height.unwrap_or(960));
            let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
            b.extend_from_slice(&w.to_be_bytes());
            b.extend_from_slice(&h.to_be_bytes());
            b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
            b
        }
        FileKind::Document
            if spec
                .file_name
                .as_deref()
                .is_some_and(|n| n.to_ascii_lowercase().ends_with(".pdf")) =>
        {
            b"%PDF-1.4\n".to_vec()
        }
        _ => Vec::new(),
    };
    let size = usize::try_from(size)
        .unwrap_or(usize::MAX)
        .min(64 * 1024 * 1024);
    let mut n: u8 = 0;
    while bytes.len() < size {
        bytes.push(n);
        n = n.wrapping_mul(31).wrapping_add(7);
    }
    Bytes::from(bytes)
}

fn put_opt(v: &mut Value, key: &str, value: &Option<String>) {
    if let Some(value) = value {
        v[key] = json!(value);
    }
}

fn parse_mode(p: &Params, key: &str) -> Result<Option<ParseMode>, BotError> {
    ParseMode::parse(p.get(key)).map_err(|_| BotError::bad_request(UNSUPPORTED_PARSE_MODE))
}

/// The text and entities a request gives: parsed by `parse_mode`, or the explicit entities.
fn formatted(
    raw: &str,
    mode: Option<ParseMode>,
    explicit: Option<&str>,
) -> Result<FormattedText, BotError> {
    if let Some(mode) = mode {
        return entities::parse(mode, raw).map_err(|reason| BotError::cant_parse_entities(&reason));
    }
    let entities = match explicit.filter(|e| !e.is_empty()) {
        Some(json) => serde_json::from_str::<Vec<MessageEntity>>(json)
            .map_err(|_| BotError::bad_request(ENTITIES_JSON))?,
        None => Vec::new(),
    };
    Ok(FormattedText {
        text: raw.to_owned(),
        entities: entities::clip(raw, entities),
    })
}

const INLINE_BUTTON_ACTIONS: &[&str] = &[
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];

/// Reads and checks `reply_markup`: inline keyboards are checked button by button
/// (`callback_data` of 1–64 bytes, valid URLs), other keyboards are kept as given.
fn reply_markup(p: &Params) -> Result<Option<Value>, BotError> {
    let Some(parsed) = p.json("reply_markup") else {
        return Ok(None);
    };
    let value = parsed.map_err(|_| BotError::bad_request(REPLY_MARKUP_JSON))?;
    let Value::Object(object) = &value else {
        return Err(BotError::bad_request(REPLY_MARKUP_JSON));
    };
    if let Some(keyboard) = object.get("inline_keyboard") {
        let rows = keyboard.as_array().ok_or_else(|| {
            BotError::bad_request(
                "Bad Request: field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays",
            )
        })?;
        for row in rows {
            let buttons = row.as_array().ok_or_else(|| {
                BotError::bad_request(
                    "Bad Request: field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays",
                )
            })?;
            for button in buttons {
                check_inline_button(button)?;
            }
        }
        return Ok(Some(value));
    }
    if ["keyboard", "remove_keyboard", "force_reply"]
        .iter()
        .any(|k| object.contains_key(*k))
    {
        return Ok(Some(value));
    }
    Err(BotError::bad_request(REPLY_MARKUP_JSON))
}

fn check_inline_button(button: &Value) -> Result<(), BotError> {
    let prefix = "Bad Request: can't parse inline keyboard button: ";
    let Value::Object(button) = button else {
        return Err(BotError::bad_request(format!(
            "{prefix}InlineKeyboardButton must be an Object"
        )));
    };
    if !button.get("text").is_some_and(Value::is_string) {
        return Err(BotError::bad_request(format!(
            "{prefix}Field \"text\" must be of type String"
        )));
    }
    let Some(action) = INLINE_BUTTON_ACTIONS
        .iter()
        .find(|k| button.contains_key(**k))
    else {
        return Err(BotError::bad_request(TEXT_BUTTONS_UNALLOWED));
    };
    match *action {
        "callback_data" => {
            let data = button
                .get("callback_data")
                .and_then(Value::as_str)
                .unwrap_or("");
            limits::check_callback_data(data)
        }
        "url" => {
            let url = button.get("url").and_then(Value::as_str).unwrap_or("");
            if entities::checked_link(url).is_some() {
                Ok(())
            } else {
                Err(BotError::bad_request("Bad Request: BUTTON_URL_INVALID"))
            }
        }
        _ => Ok(()),
    }
}

/// `link_preview_options`, or the legacy `disable_web_page_preview`; what the message
/// shows when the bot changed the defaults.
fn link_preview_options(p: &Params) -> Result<Option<Value>, BotError> {
    match p.json("link_preview_options") {
        Some(Ok(Value::Object(options))) => {
            let shown: Map<String, Value> = options
                .into_iter()
                .filter(|(_, v)| !matches!(v, Value::Bool(false) | Value::Null))
                .collect();
            Ok((!shown.is_empty()).then_some(Value::Object(shown)))
        }
        Some(_) => Err(BotError::bad_request(
            "Bad Request: can't parse link preview options JSON object",
        )),
        None if p.flag("disable_web_page_preview") => Ok(Some(json!({ "is_disabled": true }))),
        None => Ok(None),
    }
}

fn sent_as(
    method: &str,
    p: &Params,
    mode: Option<ParseMode>,
    raw: Option<&str>,
    link_preview: Option<Value>,
) -> SentAs {
    SentAs {
        method: method.to_owned(),
        parse_mode: mode.map(|m| m.name().to_owned()),
        raw: raw.map(str::to_owned),
        disable_notification: p.flag("disable_notification"),
        protect_content: p.flag("protect_content"),
        link_preview_options: link_preview,
    }
}

/// The number before the colon of a token is the bot's user id.
pub fn bot_id_from_token(token: &str) -> i64 {
    token
        .split_once(':')
        .and_then(|(id, _)| id.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .unwrap_or_else(|| {
            // A token without an id still needs a stable one.
            let hash = token.bytes().fold(1_469_598_103_934_665_603u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(1_099_511_628_211)
            });
            (hash % 8_000_000_000 + 1_000_000_000) as i64
        })
}

/// Whether `token` is shaped like a bot token at all (`<id>:<secret>`); a malformed one gets
/// a different 401 text than a well-formed unknown one.
pub fn token_well_formed(token: &str) -> bool {
    token.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty()
            && id.len() <= 19
            && id.bytes().all(|b| b.is_ascii_digit())
            && id.parse::<i64>().is_ok_and(|n| n > 0)
            && !secret.is_empty()
    })
}

fn display_name(username: &str) -> String {
    let base = username.trim_start_matches('@');
    let base = base
        .strip_suffix("_bot")
        .or_else(|| base.strip_suffix("bot"))
        .or_else(|| base.strip_suffix("Bot"))
        .unwrap_or(base);
    let words: Vec<String> = base
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect();
    if words.is_empty() {
        "Bot".to_owned()
    } else {
        words.join(" ")
    }
}
