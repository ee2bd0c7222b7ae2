//! The Entity types under their table names (`Request`, `User`, ...), for `use entity::prelude::*`.

pub use super::agenda_counter::Entity as AgendaCounter;
pub use super::api_client::Entity as ApiClient;
pub use super::archive_entry::Entity as ArchiveEntry;
pub use super::attachment::Entity as Attachment;
pub use super::channel::Entity as Channel;
pub use super::content_version::Entity as ContentVersion;
pub use super::disposition::Entity as Disposition;
pub use super::event::Entity as Event;
pub use super::holiday::Entity as Holiday;
pub use super::outbox::Entity as Outbox;
pub use super::publication::Entity as Publication;
pub use super::push_subscription::Entity as PushSubscription;
pub use super::refresh_token::Entity as RefreshToken;
pub use super::request::Entity as Request;
pub use super::request_channel::Entity as RequestChannel;
pub use super::review::Entity as Review;
pub use super::setting::Entity as Setting;
pub use super::sla_standard::Entity as SlaStandard;
pub use super::step_escalation::Entity as StepEscalation;
pub use super::step_reminder::Entity as StepReminder;
pub use super::telegram_account::Entity as TelegramAccount;
pub use super::telegram_action::Entity as TelegramAction;
pub use super::telegram_dm::Entity as TelegramDm;
pub use super::user::Entity as User;
pub use super::user_role::Entity as UserRole;
