//! Flood control: token buckets per chat, per group or channel, and for the whole bot, read
//! on the sandbox clock so that tests trigger and clear them deterministically.
//!
//! A send is accepted while every bucket it touches holds at least one token, and then takes
//! one token per message (an album's items count one each) even if that leaves a bucket in
//! debt. That is how Telegram behaves: a burst or a ten-item album goes through, and the next
//! message gets `429` with `retry_after` for as long as the debt takes to repay.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::clock::Millis;

/// One bucket's shape: it holds up to `burst` tokens and regains `per_minute` a minute.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BucketConfig {
    pub burst: f64,
    pub per_minute: f64,
}

/// Telegram's published limits, configurable from the control API.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimits {
    pub enabled: bool,
    /// Every chat: about one message a second, with a small burst.
    pub per_chat: BucketConfig,
    /// Groups, supergroups and channels in addition: 20 messages a minute.
    pub per_group: BucketConfig,
    /// The whole bot: 30 messages a second.
    pub global: BucketConfig,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            enabled: true,
            per_chat: BucketConfig {
                burst: 3.0,
                per_minute: 60.0,
            },
            per_group: BucketConfig {
                burst: 20.0,
                per_minute: 20.0,
            },
            global: BucketConfig {
                burst: 30.0,
                per_minute: 1800.0,
            },
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    level: f64,
    at: Millis,
}

impl Bucket {
    fn full(config: BucketConfig, now: Millis) -> Self {
        Self {
            level: config.burst,
            at: now,
        }
    }

    fn refill(&mut self, config: BucketConfig, now: Millis) {
        if now > self.at {
            let gained = (now - self.at) as f64 * config.per_minute / 60_000.0;
            self.level = (self.level + gained).min(config.burst);
        }
        self.at = self.at.max(now);
    }

    /// Milliseconds until the bucket holds a whole token again.
    fn wait_ms(&self, config: BucketConfig) -> Option<f64> {
        // Refilling in steps adds rounding error; a token short by less than this is whole.
        const EPSILON: f64 = 1e-9;
        if self.level >= 1.0 - EPSILON {
            return None;
        }
        if config.per_minute <= 0.0 {
            return Some(f64::INFINITY);
        }
        Some((1.0 - self.level) * 60_000.0 / config.per_minute)
    }
}

#[derive(Clone, Debug, Default)]
pub struct RateLimiter {
    pub limits: RateLimits,
    per_chat: HashMap<i64, Bucket>,
    per_group: HashMap<i64, Bucket>,
    global: Option<Bucket>,
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// Replaces the limits and forgets every bucket (all start full).
    pub fn configure(&mut self, limits: RateLimits) {
        *self = Self::new(limits);
    }

    /// Takes `messages` tokens for a send to `chat_id`, or answers the whole seconds to wait
    /// (at least 1), as `retry_after`.
    pub fn acquire(
        &mut self,
        chat_id: i64,
        is_group: bool,
        messages: usize,
        now: Millis,
    ) -> Result<(), u64> {
        if !self.limits.enabled {
            return Ok(());
        }
        let limits = self.limits;
        let chat = self
            .per_chat
            .entry(chat_id)
            .or_insert_with(|| Bucket::full(limits.per_chat, now));
        chat.refill(limits.per_chat, now);
        let mut wait = chat.wait_ms(limits.per_chat);
        if is_group {
            let group = self
                .per_group
                .entry(chat_id)
                .or_insert_with(|| Bucket::full(limits.per_group, now));
            group.refill(limits.per_group, now);
            wait = max_wait(wait, group.wait_ms(limits.per_group));
        }
        let global = self
            .global
            .get_or_insert_with(|| Bucket::full(limits.global, now));
        global.refill(limits.global, now);
        wait = max_wait(wait, global.wait_ms(limits.global));
        if let Some(ms) = wait {
            let secs = (ms / 1000.0).ceil();
            let secs = if secs.is_finite() { secs as u64 } else { 3600 };
            return Err(secs.max(1));
        }
        let cost = messages as f64;
        global.level -= cost;
        if let Some(chat) = self.per_chat.get_mut(&chat_id) {
            chat.level -= cost;
        }
        if is_group && let Some(group) = self.per_group.get_mut(&chat_id) {
            group.level -= cost;
        }
        Ok(())
    }
}

fn max_wait(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> RateLimiter {
        RateLimiter::new(RateLimits::default())
    }

    #[test]
    fn a_burst_passes_then_the_chat_must_wait() {
        let mut rl = limiter();
        for _ in 0..3 {
            assert_eq!(rl.acquire(1, false, 1, 0), Ok(()));
        }
        assert_eq!(rl.acquire(1, false, 1, 0), Err(1));
        // Another chat is not held back.
        assert_eq!(rl.acquire(2, false, 1, 0), Ok(()));
        // One second later one token is back.
        assert_eq!(rl.acquire(1, false, 1, 1_000), Ok(()));
        assert_eq!(rl.acquire(1, false, 1, 1_000), Err(1));
    }

    #[test]
    fn an_album_goes_through_and_its_items_are_repaid() {
        let mut rl = limiter();
        assert_eq!(rl.acquire(-100, true, 10, 0), Ok(()));
        // The chat bucket is at 3 - 10 = -7: eight seconds to a whole token.
        assert_eq!(rl.acquire(-100, true, 1, 0), Err(8));
        assert_eq!(rl.acquire(-100, true, 1, 7_999), Err(1));
        assert_eq!(rl.acquire(-100, true, 1, 8_000), Ok(()));
    }

    #[test]
    fn a_group_allows_twenty_a_minute() {
        let mut rl = limiter();
        // One a second: the group bucket (20, +1/3 a second) runs dry at the 30th message.
        let mut accepted = 0;
        let mut now = 0;
        let refused = loop {
            match rl.acquire(-5, true, 1, now) {
                Ok(()) => accepted += 1,
                Err(retry) => break retry,
            }
            now += 1_000;
        };
        assert_eq!(accepted, 29);
        assert_eq!(refused, 1);
        assert_eq!(rl.acquire(-5, true, 1, now + 1_100), Ok(()));
    }

    #[test]
    fn the_global_limit_spans_chats() {
        let mut rl = limiter();
        for chat in 0..30 {
            assert_eq!(rl.acquire(chat, false, 1, 0), Ok(()));
        }
        assert_eq!(rl.acquire(99, false, 1, 0), Err(1));
        assert_eq!(rl.acquire(99, false, 1, 34), Ok(()));
    }

    #[test]
    fn disabled_limits_never_refuse() {
        let mut rl = RateLimiter::new(RateLimits {
            enabled: false,
            ..RateLimits::default()
        });
        for _ in 0..1000 {
            assert_eq!(rl.acquire(1, true, 10, 0), Ok(()));
        }
    }
}
