//! The sandbox's clock: wall time plus an offset a test can move, or frozen at a moment.
//!
//! Message dates, the 48-hour delete window, callback query expiry and the rate limiter all
//! read this clock, so a test can age a message or refill a bucket without sleeping.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: i64,
    frozen_at: Option<Millis>,
}

/// What `GET /control/clock` shows.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ClockView {
    /// Unix seconds.
    pub now: i64,
    pub now_ms: Millis,
    pub frozen: bool,
    pub offset_ms: i64,
}

pub fn wall_ms() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl Clock {
    pub fn now_ms(&self) -> Millis {
        self.now_ms_at(wall_ms())
    }

    /// Unix seconds, the unit of message dates.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    fn now_ms_at(&self, wall: Millis) -> Millis {
        self.frozen_at.unwrap_or(wall + self.offset_ms)
    }

    pub fn advance_ms(&mut self, by: i64) {
        match &mut self.frozen_at {
            Some(at) => *at += by,
            None => self.offset_ms += by,
        }
    }

    pub fn set_ms(&mut self, to: Millis) {
        self.set_ms_at(to, wall_ms());
    }

    fn set_ms_at(&mut self, to: Millis, wall: Millis) {
        match &mut self.frozen_at {
            Some(at) => *at = to,
            None => self.offset_ms = to - wall,
        }
    }

    /// Stops the clock at its current reading, or lets it run on from there.
    pub fn set_frozen(&mut self, frozen: bool) {
        self.set_frozen_at(frozen, wall_ms());
    }

    fn set_frozen_at(&mut self, frozen: bool, wall: Millis) {
        match (frozen, self.frozen_at) {
            (true, None) => self.frozen_at = Some(wall + self.offset_ms),
            (false, Some(at)) => {
                self.frozen_at = None;
                self.offset_ms = at - wall;
            }
            _ => {}
        }
    }

    pub fn view(&self) -> ClockView {
        let now_ms = self.now_ms();
        ClockView {
            now: now_ms.div_euclid(1000),
            now_ms,
            frozen: self.frozen_at.is_some(),
            offset_ms: self.offset_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_clock_follows_wall_time_plus_offset() {
        let mut clock = Clock::default();
        assert_eq!(clock.now_ms_at(1_000), 1_000);
        clock.advance_ms(48 * 3600 * 1000);
        assert_eq!(clock.now_ms_at(1_000), 1_000 + 48 * 3600 * 1000);
        clock.set_ms_at(5_000, 2_000);
        assert_eq!(clock.now_ms_at(2_000), 5_000);
        assert_eq!(clock.now_ms_at(3_000), 6_000);
    }

    #[test]
    fn a_frozen_clock_moves_only_when_told() {
        let mut clock = Clock::default();
        clock.set_frozen_at(true, 10_000);
        assert_eq!(clock.now_ms_at(99_000), 10_000);
        clock.advance_ms(500);
        assert_eq!(clock.now_ms_at(99_000), 10_500);
        clock.set_ms_at(20_000, 99_000);
        assert_eq!(clock.now_ms_at(1), 20_000);
        clock.set_frozen_at(false, 30_000);
        assert_eq!(clock.now_ms_at(31_000), 21_000);
    }
}
