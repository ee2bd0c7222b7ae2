//! sea-orm entities for Warta's tables, one module per table, named like the table.
//! The schema itself is created by the `migration` crate; see `docs/data-model.md`.

pub mod agenda_counter;
pub mod api_client;
pub mod archive_entry;
pub mod attachment;
pub mod channel;
pub mod classification;
pub mod content_version;
pub mod disposition;
pub mod event;
pub mod holiday;
pub mod intake_session;
pub mod outbox;
pub mod prelude;
pub mod publication;
pub mod push_subscription;
pub mod refresh_token;
pub mod request;
pub mod request_channel;
pub mod review;
pub mod setting;
pub mod sla_standard;
pub mod step_escalation;
pub mod step_reminder;
pub mod telegram_account;
pub mod telegram_action;
pub mod telegram_dm;
pub mod telegram_link_code;
pub mod telegram_update;
pub mod user;
pub mod user_role;
