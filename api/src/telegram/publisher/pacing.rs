//! Pacing under Telegram's limits, so the publisher almost never meets a 429: about one
//! message a second per chat, 20 a minute per group or channel, 30 a second overall (paced
//! at 29, see `GLOBAL_PER_SECOND`); album items count one each. Pure: the caller passes the
//! time and sleeps until the answer.

use std::{
    collections::{HashMap, VecDeque},
    time::{Duration, Instant},
};

/// The overall rate paced to, one under Telegram's 30 a second. The pacer spaces the *starts*
/// of calls, but Telegram counts *arrivals*: a slow call followed by a fast one arrives
/// closer together than they started, so pacing at exactly 30 would now and then put 31 in
/// one of Telegram's seconds. The margin absorbs that latency variation.
pub const GLOBAL_PER_SECOND: usize = 29;

/// The limits to pace under (Telegram's, with the global margin, by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_chat_gap: Duration,
    pub per_chat_per_minute: usize,
    pub global_per_second: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_chat_gap: Duration::from_secs(1),
            per_chat_per_minute: 20,
            global_per_second: GLOBAL_PER_SECOND,
        }
    }
}

/// Remembers what was sent recently and says when the next send may go.
#[derive(Debug, Default)]
pub struct Pacer {
    limits: Limits,
    per_chat: HashMap<String, VecDeque<Instant>>,
    global: VecDeque<Instant>,
    /// A chat told to wait by a 429 waits until then.
    frozen_until: HashMap<String, Instant>,
}

impl Pacer {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            ..Default::default()
        }
    }

    /// The earliest moment `messages` messages may go to `chat`.
    pub fn next_slot(&self, chat: &str, messages: usize, now: Instant) -> Instant {
        let mut at = now;
        if let Some(until) = self.frozen_until.get(chat) {
            at = at.max(*until);
        }
        if let Some(sent) = self.per_chat.get(chat) {
            if let Some(last) = sent.back() {
                at = at.max(*last + self.limits.per_chat_gap);
            }
            // Room for `messages` more within any one minute.
            let minute = Duration::from_secs(60);
            let keep = self.limits.per_chat_per_minute.saturating_sub(messages);
            if sent.len() > keep {
                let oldest_to_expire = sent[sent.len() - keep - 1];
                at = at.max(oldest_to_expire + minute);
            }
        }
        let second = Duration::from_secs(1);
        let keep = self.limits.global_per_second.saturating_sub(messages);
        if self.global.len() > keep {
            let oldest_to_expire = self.global[self.global.len() - keep - 1];
            at = at.max(oldest_to_expire + second);
        }
        at
    }

    /// Records that `messages` messages went to `chat` at `at`.
    pub fn record(&mut self, chat: &str, messages: usize, at: Instant) {
        let sent = self.per_chat.entry(chat.to_owned()).or_default();
        for _ in 0..messages {
            sent.push_back(at);
            self.global.push_back(at);
        }
        while sent
            .front()
            .is_some_and(|t| at.duration_since(*t) >= Duration::from_secs(60))
        {
            sent.pop_front();
        }
        while self
            .global
            .front()
            .is_some_and(|t| at.duration_since(*t) >= Duration::from_secs(1))
        {
            self.global.pop_front();
        }
    }

    /// Telegram said to wait: nothing goes to that chat until then.
    pub fn freeze(&mut self, chat: &str, until: Instant) {
        let entry = self.frozen_until.entry(chat.to_owned()).or_insert(until);
        *entry = (*entry).max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_message_a_second_per_chat() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Limits::default());
        assert_eq!(p.next_slot("@a", 1, t0), t0);
        p.record("@a", 1, t0);
        assert_eq!(p.next_slot("@a", 1, t0), t0 + Duration::from_secs(1));
        assert_eq!(
            p.next_slot("@b", 1, t0),
            t0,
            "another chat is not held back"
        );
    }

    #[test]
    fn twenty_a_minute_per_channel_counting_album_items() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Limits::default());
        let mut now = t0;
        for _ in 0..2 {
            now = p.next_slot("@a", 10, now);
            p.record("@a", 10, now);
        }
        let next = p.next_slot("@a", 1, now);
        assert!(
            next >= t0 + Duration::from_secs(60),
            "the 21st message waits for the minute"
        );
    }

    #[test]
    fn twenty_nine_a_second_overall_leaving_a_margin_under_thirty() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Limits::default());
        for i in 0..28 {
            p.record(&format!("@c{i}"), 1, t0);
        }
        assert_eq!(p.next_slot("@new", 1, t0), t0, "the 29th goes at once");
        p.record("@c28", 1, t0);
        assert_eq!(p.next_slot("@new", 1, t0), t0 + Duration::from_secs(1));
    }

    #[test]
    fn a_frozen_chat_waits_for_retry_after() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Limits::default());
        p.freeze("@a", t0 + Duration::from_secs(7));
        assert_eq!(p.next_slot("@a", 1, t0), t0 + Duration::from_secs(7));
        assert_eq!(p.next_slot("@b", 1, t0), t0);
    }
}
