//! The publisher: takes publication jobs, turns content into Telegram messages, paces itself
//! under Telegram's limits and reports each outcome. These modules are its pure parts.

pub mod classify;
pub mod embedded;
pub mod over_http;
pub mod pacing;
pub mod proof;
pub mod render;
pub mod worker;
