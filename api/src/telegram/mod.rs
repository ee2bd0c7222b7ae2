//! Telegram: the Bot API as Warta meets it, starting with a faithful local emulation of the
//! Bot API server (`sandbox`) that the publisher, the bot and the tests talk to.

#[cfg(feature = "sandbox")]
pub mod sandbox;

pub mod bot;
pub mod publisher;
