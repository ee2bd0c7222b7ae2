//! Warta: publication requests for the Humas office of Universitas Jember, carried down the
//! SOP's chain of dispositions, published to Telegram and archived.
//!
//! Dependencies point one way: the edges (`http`, `graphql`, `cli`) parse, authorize and map
//! errors; `service` runs one use case per function in one transaction; `workflow` holds the
//! pure rules; `store` holds the queries.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod graphql;
pub mod http;
pub mod notify;
pub mod paper;
pub mod records;
pub mod service;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telegram;
pub mod telemetry;
pub mod workflow;
