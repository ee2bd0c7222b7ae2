//! Slowing down password guessing, per account and per client address.
//!
//! Policy:
//! - Per account (the username, trimmed and lower-cased): the first 5 failed logins within
//!   the last hour cost nothing. Each further failure makes the account wait before the next
//!   attempt: 1 s after the 6th, 2 s after the 7th, doubling up to a cap of 15 minutes.
//! - Per client address, the same with 20 free failures, since a whole office may sit behind
//!   one NAT address. IPv6 addresses count per /64, the block one subscriber usually holds;
//!   IPv4-mapped IPv6 addresses count as the IPv4 address.
//! - A failure is forgotten an hour after it happened.
//! - A successful login clears its account's failures but not its address's, so an attacker
//!   cannot wipe an address's record by signing in to an account of their own in between.
//!
//! The wait runs from the latest failure; when both the account and the address must wait,
//! the longer wait applies. The cost is that anybody can make a known account wait up to
//! 15 minutes between attempts; it never locks the account for good.
//!
//! State lives in memory, per process: a restart forgets it. The map is pruned when it grows
//! past 10,000 entries: first of entries with no failure in the last hour, then, if it is
//! still that large, of entries still within their free failures, which are cheap to
//! recreate and impose no wait.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::AuthError;

/// How long a failure counts.
pub const WINDOW: Duration = Duration::from_secs(60 * 60);
/// The longest wait imposed.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Failures per account in the window before any wait.
pub const FREE_PER_ACCOUNT: usize = 5;
/// Failures per address in the window before any wait.
pub const FREE_PER_ADDRESS: usize = 20;

/// Failures remembered beyond the free ones: with 2^10 s > 15 min, the 11th already hits the
/// cap, so older ones could not make the wait longer.
const REMEMBERED_BEYOND_FREE: usize = 11;
/// The map size above which it is pruned.
const PRUNE_ABOVE: usize = 10_000;
/// Account names are cut to this many characters before use as a key.
const MAX_ACCOUNT_CHARS: usize = 128;

/// In-memory record of recent failed logins; share one per process (e.g. in an `Arc`).
#[derive(Debug)]
pub struct LoginThrottle {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    failures: HashMap<Key, Failures>,
    /// Prune when the map grows past this. Doubling it after a prune that could not shrink
    /// the map keeps the cost of pruning amortised constant per failure.
    prune_at: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

impl Key {
    fn account(name: &str) -> Self {
        let name: String = name.trim().chars().take(MAX_ACCOUNT_CHARS).collect();
        Key::Account(name.to_lowercase())
    }

    fn address(addr: IpAddr) -> Self {
        let addr = match addr {
            IpAddr::V4(_) => addr,
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !(u128::MAX >> 64))),
            },
        };
        Key::Address(addr)
    }

    fn free(&self) -> usize {
        match self {
            Key::Account(_) => FREE_PER_ACCOUNT,
            Key::Address(_) => FREE_PER_ADDRESS,
        }
    }
}

/// The times of one key's recent failures, at most `free + REMEMBERED_BEYOND_FREE` of them.
#[derive(Debug, Default)]
struct Failures(VecDeque<Instant>);

impl Failures {
    fn forget_old(&mut self, now: Instant) {
        self.0.retain(|&at| counts(at, now));
    }

    fn push(&mut self, now: Instant, free: usize) {
        self.forget_old(now);
        self.0.push_back(now);
        while self.0.len() > free + REMEMBERED_BEYOND_FREE {
            self.0.pop_front();
        }
    }

    /// How long from `now` until the next attempt is allowed, if it must wait.
    fn wait(&self, free: usize, now: Instant) -> Option<Duration> {
        let recent = self.0.iter().filter(|&&at| counts(at, now));
        let (count, latest) = recent.fold((0usize, None::<Instant>), |(n, latest), &at| {
            (n + 1, Some(latest.map_or(at, |l| l.max(at))))
        });
        let excess = count.checked_sub(free).filter(|&excess| excess > 0)?;
        let until = latest? + wait_after(excess);
        Some(until.saturating_duration_since(now)).filter(|left| !left.is_zero())
    }
}

/// Whether a failure at `at` still counts at `now`.
fn counts(at: Instant, now: Instant) -> bool {
    now.saturating_duration_since(at) < WINDOW
}

/// The wait after the `excess`-th failure beyond the free ones (from 1): 1 s, 2 s, 4 s, …
fn wait_after(excess: usize) -> Duration {
    let doublings = u32::try_from(excess.saturating_sub(1)).unwrap_or(u32::MAX);
    Duration::from_secs(1u64.checked_shl(doublings).unwrap_or(u64::MAX)).min(MAX_WAIT)
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new()
    }
}

impl LoginThrottle {
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                failures: HashMap::new(),
                prune_at: PRUNE_ABOVE,
            }),
        }
    }

    /// Says whether a login for `account` from `addr` may be tried now. Call it before
    /// checking the password.
    ///
    /// # Errors
    ///
    /// [`AuthError::Throttled`] with the whole seconds (rounded up) until the attempt is
    /// allowed.
    pub fn check(
        &self,
        account: &str,
        addr: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), AuthError> {
        let state = self.lock();
        let wait = keys(account, addr)
            .filter_map(|key| {
                let failures = state.failures.get(&key)?;
                failures.wait(key.free(), now)
            })
            .max();
        match wait {
            None => Ok(()),
            Some(wait) => Err(AuthError::Throttled {
                retry_after_secs: whole_secs_rounded_up(wait),
            }),
        }
    }

    /// Records a failed login (wrong password or unknown account) for `account` and `addr`.
    pub fn record_failure(&self, account: &str, addr: Option<IpAddr>, now: Instant) {
        let mut state = self.lock();
        for key in keys(account, addr) {
            let free = key.free();
            state.failures.entry(key).or_default().push(now, free);
        }
        if state.failures.len() > state.prune_at {
            state.prune(now);
        }
    }

    /// Records a successful login: forgets the account's failures, not the address's.
    pub fn record_success(&self, account: &str, _addr: Option<IpAddr>) {
        self.lock().failures.remove(&Key::account(account));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked: every update is one
        // push or removal.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().failures.len()
    }
}

impl State {
    fn prune(&mut self, now: Instant) {
        self.failures.retain(|_, failures| {
            failures.forget_old(now);
            !failures.0.is_empty()
        });
        if self.failures.len() > PRUNE_ABOVE {
            self.failures
                .retain(|key, failures| failures.0.len() > key.free());
        }
        self.prune_at = PRUNE_ABOVE.max(self.failures.len().saturating_mul(2));
    }
}

fn keys(account: &str, addr: Option<IpAddr>) -> impl Iterator<Item = Key> {
    std::iter::once(Key::account(account)).chain(addr.map(Key::address))
}

fn whole_secs_rounded_up(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::thread;

    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("an IP address"))
    }

    fn retry_after(result: Result<(), AuthError>) -> Option<u64> {
        match result {
            Ok(()) => None,
            Err(AuthError::Throttled { retry_after_secs }) => Some(retry_after_secs),
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }

    fn fail(throttle: &LoginThrottle, account: &str, addr: Option<IpAddr>, at: Instant, n: usize) {
        for _ in 0..n {
            throttle.record_failure(account, addr, at);
        }
    }

    #[test]
    fn first_five_account_failures_are_free_then_the_wait_doubles_to_a_cap() {
        let throttle = LoginThrottle::new();
        let mut now = Instant::now();
        fail(&throttle, "alice", None, now, 5);
        assert_eq!(retry_after(throttle.check("alice", None, now)), None);

        // Each failure is made as soon as it is allowed; all of them stay within the hour.
        let expected = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900];
        for wait in expected {
            throttle.record_failure("alice", None, now);
            assert_eq!(retry_after(throttle.check("alice", None, now)), Some(wait));
            let almost = now + Duration::from_secs(wait) - Duration::from_millis(1);
            assert_eq!(retry_after(throttle.check("alice", None, almost)), Some(1));
            now += Duration::from_secs(wait);
            assert_eq!(retry_after(throttle.check("alice", None, now)), None);
        }
    }

    #[test]
    fn retry_after_is_rounded_up_to_whole_seconds() {
        let throttle = LoginThrottle::new();
        let t0 = Instant::now();
        fail(&throttle, "alice", None, t0, 7); // a 2 s wait
        let check = |at| retry_after(throttle.check("alice", None, at));
        assert_eq!(check(t0 + Duration::from_millis(300)), Some(2));
        assert_eq!(check(t0 + Duration::from_millis(1000)), Some(1));
        assert_eq!(check(t0 + Duration::from_millis(1001)), Some(1));
        assert_eq!(check(t0 + 2 * SEC), None);
    }

    #[test]
    fn account_names_are_compared_trimmed_and_without_case() {
        let throttle = LoginThrottle::new();
        let t0 = Instant::now();
        fail(&throttle, "Alice", None, t0, 3);
        fail(&throttle, " ALICE ", None, t0, 3);
        assert_eq!(retry_after(throttle.check("alice", None, t0)), Some(1));
        assert_eq!(retry_after(throttle.check("bob", None, t0)), None);
    }

    #[test]
    fn failures_older_than_an_hour_are_forgotten() {
        let throttle = LoginThrottle::new();
        let t0 = Instant::now();
        fail(&throttle, "alice", None, t0, 5);
        let later = t0 + 30 * 60 * SEC;
        throttle.record_failure("alice", None, later);
        assert_eq!(retry_after(throttle.check("alice", None, later)), Some(1));

        // The five from t0 expire; the one from `later` and a new one remain: still free.
        let after_hour = t0 + WINDOW;
        throttle.record_failure("alice", None, after_hour);
        assert_eq!(retry_after(throttle.check("alice", None, after_hour)), None);
    }

    #[test]
    fn a_capped_wait_ends_once_the_failures_expire() {
        let throttle = LoginThrottle::new();
        let t0 = Instant::now();
        fail(&throttle, "alice", None, t0, 40);
        assert_eq!(retry_after(throttle.check("alice", None, t0)), Some(900));
        assert_eq!(
            retry_after(throttle.check("alice", None, t0 + MAX_WAIT)),
            None
        );
        // And after an hour the account starts again with its free failures.
        let t1 = t0 + WINDOW;
        fail(&throttle, "alice", None, t1, 5);
        assert_eq!(retry_after(throttle.check("alice", None, t1)), None);
    }

    #[test]
    fn an_address_gets_twenty_free_failures_across_accounts() {
        let throttle = LoginThrottle::new();
        let t0 = Instant::now();
        let office = ip("203.0.113.7");
        for i in 0..20 {
            throttle.record_failure(&format!("user{i}"), office, t0);
        }
        assert_eq!(retry_after(throttle.check("someone", office, t0)), None);
        throttle.record_failure("user20", office, t0);
        assert_eq!(retry_after(throttle.check("someone", office, t0)), Some(1));
        throttle.record_failure("user21", office, t0);
        assert_eq!(retry_after(throttle.check("someone", office, t0)), Some(2));
        // Other addresses, and calls without an address, are not affected.
        assert_eq!(
            retry_after(throttle.check("someone", ip("203.0.113.8"), t0)),
            None
        );
        assert_eq!(retry_after(throttle.check("someone", None, t0)), None);
    }

    #[test]
    fn the_longer_of_the_account_and_address_waits_applies() {
        let throttle = LoginThrottle::new();
        let t0 = Instant::now();
        let addr = ip("198.51.100.1");
        fail(&throttle, "alice", addr, t0, 8); // account: 3 beyond free, 4 s
        for i in 0..15 {
            throttle.record_failure(&format!("user{i}"), addr, t0);
        }
        // Address: 23 failures, 3 beyond free: 4 s. Add two more for 16 s.
        fail(&throttle, "bob", addr, t0, 2);
        assert_eq!(retry_after(throttle.check("alice", addr, t0)), Some(16));
        assert_eq!(retry_after(throttle.check("alice", None, t0)), Some(4));
    }

    #[test]
    fn success_clears_the_account_but_not_the_address() {
        let throttle = LoginThrottle::new();
        let t0 = Instant::now();
        let addr = ip("192.0.2.1");
        fail(&throttle, "alice", addr, t0, 6);
        for i in 0..15 {
            throttle.record_failure(&format!("user{i}"), addr, t0);
        }
        assert_eq!(retry_after(throttle.check("alice", None, t0)), Some(1));
        assert_eq!(retry_after(throttle.check("carol", addr, t0)), Some(1));

        throttle.record_success("ALICE", addr);
        assert_eq!(retry_after(throttle.check("alice", None, t0)), None);
        assert_eq!(retry_after(throttle.check("alice", addr, t0)), Some(1));
    }

    #[test]
    fn ipv6_counts_per_64_block_and_mapped_ipv4_as_ipv4() {
        let throttle = LoginThrottle::new();
        let t0 = Instant::now();
        for i in 0..21u16 {
            let addr = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, i, 0, 0, i));
            throttle.record_failure(&format!("user{i}"), Some(addr), t0);
        }
        assert_eq!(
            retry_after(throttle.check("x", ip("2001:db8:1:2::99"), t0)),
            Some(1)
        );
        assert_eq!(
            retry_after(throttle.check("x", ip("2001:db8:1:3::1"), t0)),
            None
        );

        for i in 0..21 {
            throttle.record_failure(&format!("user{i}"), ip("::ffff:192.0.2.9"), t0);
        }
        assert_eq!(
            retry_after(throttle.check("x", ip("192.0.2.9"), t0)),
            Some(1)
        );
    }

    #[test]
    fn the_map_drops_expired_entries_when_it_grows_large() {
        let throttle = LoginThrottle::new();
        let t0 = Instant::now();
        for i in 0..PRUNE_ABOVE {
            throttle.record_failure(&format!("user{i}"), None, t0);
        }
        assert_eq!(throttle.len(), PRUNE_ABOVE);
        throttle.record_failure("late", None, t0 + WINDOW);
        assert_eq!(throttle.len(), 1);
    }

    #[test]
    fn under_pressure_only_entries_beyond_their_free_failures_are_kept() {
        let throttle = LoginThrottle::new();
        let t0 = Instant::now();
        fail(&throttle, "victim", None, t0, 6);
        for i in 0..PRUNE_ABOVE {
            throttle.record_failure(&format!("spray{i}"), None, t0);
        }
        assert_eq!(throttle.len(), 1);
        assert_eq!(retry_after(throttle.check("victim", None, t0)), Some(1));
    }

    #[test]
    fn concurrent_failures_are_all_counted() {
        let throttle = Arc::new(LoginThrottle::new());
        let t0 = Instant::now();
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let throttle = Arc::clone(&throttle);
                thread::spawn(move || fail(&throttle, "alice", None, t0, 2))
            })
            .collect();
        for handle in handles {
            handle.join().expect("thread");
        }
        // Eight failures: three beyond the free five, a 4 s wait.
        assert_eq!(retry_after(throttle.check("alice", None, t0)), Some(4));
    }
}
