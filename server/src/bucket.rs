//! `--rate R/s --burst B`: the server's rate limit, a token bucket on a clock the caller passes in, so a
//! test can drive it with a virtual clock. It holds B tokens when full and gains R a second; a request
//! takes one or is refused with the time until one will be there (the 429's `Retry-After`). Tokens are
//! counted in integers (10¹² units a token, R in thousandths a second), so over any window of t the
//! bucket admits exactly B + ⌊R t⌋ requests, with no floating-point drift.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Units of one token: with R in thousandths of a request per second, one nanosecond adds R units.
const TOKEN: u128 = 1_000_000_000_000;

/// A request rate, in thousandths of a request per second (so `0.5/s` is exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub milli_per_sec: u64,
}

impl Rate {
    pub fn per_sec(self) -> f64 {
        self.milli_per_sec as f64 / 1000.0
    }
}

impl FromStr for Rate {
    type Err = String;

    /// `50/s`, `0.5/s` or a bare `50`; at least 0.001/s, at most a million.
    fn from_str(s: &str) -> Result<Rate, String> {
        let n = s.trim().strip_suffix("/s").unwrap_or(s.trim());
        let per_sec: f64 = n
            .parse()
            .map_err(|_| format!("{s:?} is not a rate; write it as 50/s or 0.5/s"))?;
        let milli = (per_sec * 1000.0).round();
        if !(1.0..=1e9).contains(&milli) {
            return Err(format!("rate {s} is outside 0.001/s..=1000000/s"));
        }
        Ok(Rate {
            milli_per_sec: milli as u64,
        })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/s", self.per_sec())
    }
}

/// A token bucket on the caller's clock (`now`: time since any fixed origin, never going back).
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate: u128,
    capacity: u128,
    tokens: u128,
    last: Duration,
}

impl TokenBucket {
    /// A full bucket (B tokens) at time `now`.
    pub fn new(rate: Rate, burst: u32, now: Duration) -> TokenBucket {
        let capacity = u128::from(burst.max(1)) * TOKEN;
        TokenBucket {
            rate: u128::from(rate.milli_per_sec),
            capacity,
            tokens: capacity,
            last: now,
        }
    }

    /// Full again at `now`, as a new bucket is.
    pub fn refill(&mut self, now: Duration) {
        self.tokens = self.capacity;
        self.last = self.last.max(now);
    }

    /// Take a token at `now`, or say how long until one is there.
    pub fn admit(&mut self, now: Duration) -> Result<(), Duration> {
        let elapsed = now.saturating_sub(self.last).as_nanos();
        self.last = self.last.max(now);
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        if self.tokens >= TOKEN {
            self.tokens -= TOKEN;
            return Ok(());
        }
        let wait_ns = (TOKEN - self.tokens).div_ceil(self.rate);
        Err(Duration::from_nanos(
            wait_ns.min(u128::from(u64::MAX)) as u64
        ))
    }
}

/// A wait as `Retry-After` says it: whole seconds, rounded up (RFC 9110 §10.2.3), so a client that
/// honours it never comes back before the token is there.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_nanos().div_ceil(1_000_000_000) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// Requests every `step` from 0 to `window` inclusive: how many the bucket admits.
    fn admitted(rate: &str, burst: u32, step: Duration, window: Duration) -> u64 {
        let mut b = TokenBucket::new(rate.parse().unwrap(), burst, Duration::ZERO);
        let (mut now, mut n) = (Duration::ZERO, 0);
        while now <= window {
            n += u64::from(b.admit(now).is_ok());
            now += step;
        }
        n
    }

    #[test]
    fn admits_exactly_rate_times_window_plus_burst() {
        assert_eq!(admitted("50/s", 5, MS, 2000 * MS), 5 + 100);
        assert_eq!(admitted("50/s", 1, MS, 2000 * MS), 1 + 100);
        assert_eq!(admitted("0.5/s", 3, 10 * MS, 10_000 * MS), 3 + 5);
        assert_eq!(
            admitted("1000/s", 10, Duration::from_micros(100), 1000 * MS),
            10 + 1000
        );
        // Demand below the rate is all admitted.
        assert_eq!(admitted("50/s", 1, 20 * MS, 2000 * MS), 101);
        assert_eq!(admitted("50/s", 1, 40 * MS, 2000 * MS), 51);
    }

    #[test]
    fn a_refilled_bucket_admits_its_burst_again_at_once() {
        let mut b = TokenBucket::new("10/s".parse().unwrap(), 3, Duration::ZERO);
        assert_eq!((0..5).filter(|_| b.admit(MS).is_ok()).count(), 3);
        b.refill(2 * MS);
        assert_eq!((0..5).filter(|_| b.admit(2 * MS).is_ok()).count(), 3);
    }

    #[test]
    fn an_idle_bucket_refills_to_its_burst_and_no_further() {
        let mut b = TokenBucket::new("10/s".parse().unwrap(), 3, Duration::ZERO);
        let t = Duration::from_secs(60);
        assert_eq!((0..5).filter(|_| b.admit(t).is_ok()).count(), 3);
    }

    #[test]
    fn a_refusal_says_when_the_next_token_comes() {
        let mut b = TokenBucket::new("4/s".parse().unwrap(), 1, Duration::ZERO);
        assert!(b.admit(Duration::ZERO).is_ok());
        assert_eq!(b.admit(Duration::ZERO), Err(250 * MS));
        assert_eq!(b.admit(100 * MS), Err(150 * MS));
        assert!(b.admit(250 * MS).is_ok());
        // A clock that goes back refills nothing and breaks nothing.
        assert_eq!(b.admit(200 * MS), Err(250 * MS));
        assert_eq!(retry_after_secs(150 * MS), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
    }

    #[test]
    fn rates_parse_with_or_without_per_second() {
        assert_eq!("50/s".parse::<Rate>().unwrap().milli_per_sec, 50_000);
        assert_eq!("0.5/s".parse::<Rate>().unwrap().milli_per_sec, 500);
        assert_eq!("7".parse::<Rate>().unwrap().to_string(), "7/s");
        for bad in ["0/s", "-1/s", "fast", "50/m", "0.0001/s"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }
}
