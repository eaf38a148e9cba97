//! What the server does to each data request before and after its delay: refuse it past the rate limit
//! (429 with `Retry-After`, at once), draw its delay from `--delay-dist`, and fail a seeded share
//! (`--fail p,kind`: 500 after the delay, or the connection reset). The draws are keyed by the
//! request's task number (`X-Task`, see `draw`), so every model meets the same slow and failing tasks;
//! a request without one is keyed by its arrival index among such requests, which is the same for every
//! model only when they send in the same order.

use crate::bucket::{retry_after_secs, TokenBucket};
use crate::config::Config;
use crate::delay_dist::DelayDist;
use crate::draw::{unit, RequestKey, Stream};
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How a failing request fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailKind {
    /// `500 Internal Server Error` after the delay.
    Status500,
    /// After the delay the connection is closed with SO_LINGER 0: the client reads a reset (or an end
    /// of file) where the head should be.
    Reset,
}

/// `--fail p,kind`: a share `p` of requests fail as `kind`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FailSpec {
    pub p: f64,
    pub kind: FailKind,
}

impl FromStr for FailSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<FailSpec, String> {
        let (p, kind) = s
            .split_once(',')
            .ok_or_else(|| format!("{s:?}: write it as p,kind (0.1,500 or 0.1,reset)"))?;
        let p: f64 = p
            .trim()
            .parse()
            .ok()
            .filter(|p| (0.0..=1.0).contains(p))
            .ok_or_else(|| format!("{s:?}: the share p must be in 0..=1"))?;
        let kind = match kind.trim() {
            "500" => FailKind::Status500,
            "reset" => FailKind::Reset,
            other => return Err(format!("{s:?}: kind {other:?} is not 500 or reset")),
        };
        Ok(FailSpec { p, kind })
    }
}

impl fmt::Display for FailSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FailKind::Status500 => "500",
            FailKind::Reset => "reset",
        };
        write!(f, "{},{kind}", self.p)
    }
}

/// Where a data request's delay comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// The server's own `--delay` (`/`, `/status/{code}`): drawn from `--delay-dist`.
    Server(Duration),
    /// Asked for by the path (`/delay/{ms}`): held exactly that long.
    Asked(Duration),
}

/// What happens to one admitted-or-refused data request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// Beyond the rate: 429 at once, with `Retry-After` in whole seconds.
    Refuse { retry_after: u64 },
    /// Hold for `hold`, then answer as the route says, or fail as `fail` says.
    Serve {
        hold: Duration,
        slow_tail: bool,
        fail: Option<FailKind>,
    },
}

/// The misbehaviour of one server: its seed, its distributions and its one token bucket.
#[derive(Debug)]
pub struct Misbehaviour {
    seed: u64,
    dist: DelayDist,
    fail: Option<FailSpec>,
    bucket: Option<Mutex<TokenBucket>>,
    start: Instant,
    /// The arrival index of the next request without `X-Task`.
    arrivals: AtomicU64,
}

impl Misbehaviour {
    pub fn new(config: &Config) -> Misbehaviour {
        Misbehaviour {
            seed: config.seed,
            dist: config.delay_dist.clone(),
            fail: config.fail,
            bucket: config
                .rate
                .map(|r| Mutex::new(TokenBucket::new(r, config.burst, Duration::ZERO))),
            start: Instant::now(),
            arrivals: AtomicU64::new(0),
        }
    }

    /// The rate limit's bucket full again (`/stats/reset`), as at the server's start.
    pub fn refill(&self) {
        if let Some(bucket) = &self.bucket {
            let mut b = bucket.lock().unwrap_or_else(|p| p.into_inner());
            b.refill(self.start.elapsed());
        }
    }

    /// Decide a request's fate the moment its head has arrived.
    pub fn decide(&self, key: Option<RequestKey>, hold: Hold) -> Verdict {
        if let Some(bucket) = &self.bucket {
            let now = self.start.elapsed();
            let admitted = bucket.lock().unwrap_or_else(|p| p.into_inner()).admit(now);
            if let Err(wait) = admitted {
                return Verdict::Refuse {
                    retry_after: retry_after_secs(wait),
                };
            }
        }
        let key = key.unwrap_or_else(|| RequestKey {
            task: self.arrivals.fetch_add(1, Ordering::Relaxed),
            attempt: 0,
        });
        self.serve(key, hold)
    }

    /// The draws for an admitted request: a pure function of the seed and the key.
    pub fn serve(&self, key: RequestKey, hold: Hold) -> Verdict {
        let (hold, slow_tail) = match hold {
            Hold::Asked(d) => (d, false),
            Hold::Server(base) => {
                let u = unit(self.seed, Stream::Delay, key);
                let v = unit(self.seed, Stream::DelayAgain, key);
                let held = self.dist.draw(base, u, v);
                (held.hold, held.slow_tail)
            }
        };
        let fail = self
            .fail
            .filter(|f| unit(self.seed, Stream::Fail, key) < f.p)
            .map(|f| f.kind);
        Verdict::Serve {
            hold,
            slow_tail,
            fail,
        }
    }
}

/// Make the next close of `fd` send a reset instead of a FIN: SO_LINGER on with a zero timeout.
pub fn linger_zero(fd: std::os::fd::RawFd) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setsockopt reads `linger` for its size from our stack; a stale descriptor only fails.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dist: &str, fail: &str, seed: u64) -> Config {
        Config {
            delay_dist: dist.parse().unwrap(),
            fail: Some(fail.parse().unwrap()),
            seed,
            ..Config::ephemeral(3, Duration::from_millis(10))
        }
    }

    /// The tasks a server makes slow and fail, asked in the order given.
    fn fates(m: &Misbehaviour, order: impl Iterator<Item = u64>) -> Vec<(u64, Verdict)> {
        let mut v: Vec<_> = order
            .map(|task| {
                let key = RequestKey { task, attempt: 0 };
                (
                    task,
                    m.decide(Some(key), Hold::Server(Duration::from_millis(10))),
                )
            })
            .collect();
        v.sort_by_key(|(t, _)| *t);
        v
    }

    #[test]
    fn same_seed_same_fates_whatever_the_order() {
        let c = config("tail:p=0.2,x=5", "0.2,500", 42);
        let forward = fates(&Misbehaviour::new(&c), 0..500);
        let backward = fates(&Misbehaviour::new(&c), (0..500).rev());
        assert_eq!(forward, backward);
        let slow = forward.iter().filter(|(_, v)| {
            matches!(
                v,
                Verdict::Serve {
                    slow_tail: true,
                    ..
                }
            )
        });
        let failed = forward
            .iter()
            .filter(|(_, v)| matches!(v, Verdict::Serve { fail: Some(_), .. }));
        // Neither none nor all: the test would pass vacuously otherwise.
        assert!((50..150).contains(&slow.count()));
        assert!((50..150).contains(&failed.count()));
        let other = fates(
            &Misbehaviour::new(&config("tail:p=0.2,x=5", "0.2,500", 43)),
            0..500,
        );
        assert_ne!(forward, other, "another seed, other fates");
    }

    #[test]
    fn an_asked_delay_is_held_exactly_and_a_retry_draws_again() {
        let m = Misbehaviour::new(&config("tail:p=1,x=5", "0.5,reset", 1));
        let asked = m.decide(None, Hold::Asked(Duration::from_millis(3)));
        assert!(
            matches!(asked, Verdict::Serve { hold, slow_tail: false, .. } if hold == Duration::from_millis(3))
        );
        // Attempts of one task fail independently: of 200 tasks failing first, about half fail again.
        let again = (0..400)
            .filter(|&task| {
                let fails = |attempt| {
                    matches!(
                        m.serve(RequestKey { task, attempt }, Hold::Server(Duration::ZERO)),
                        Verdict::Serve {
                            fail: Some(FailKind::Reset),
                            ..
                        }
                    )
                };
                fails(0) && fails(1)
            })
            .count();
        assert!((60..140).contains(&again), "{again}");
    }

    #[test]
    fn without_a_task_number_the_arrival_index_keys_the_draw() {
        let c = config("tail:p=0.5,x=2", "0.0,500", 9);
        let (a, b) = (Misbehaviour::new(&c), Misbehaviour::new(&c));
        let hold = Hold::Server(Duration::from_millis(10));
        for task in 0..50 {
            assert_eq!(
                a.decide(None, hold),
                b.decide(Some(RequestKey { task, attempt: 0 }), hold)
            );
        }
    }

    #[test]
    fn past_the_rate_requests_are_refused_with_a_retry_after() {
        let c = Config {
            rate: Some("1/s".parse().unwrap()),
            burst: 2,
            ..Config::ephemeral(3, Duration::ZERO)
        };
        let m = Misbehaviour::new(&c);
        let v: Vec<_> = (0..3)
            .map(|_| m.decide(None, Hold::Asked(Duration::ZERO)))
            .collect();
        assert!(matches!(v[0], Verdict::Serve { .. }) && matches!(v[1], Verdict::Serve { .. }));
        assert_eq!(v[2], Verdict::Refuse { retry_after: 1 });
    }

    #[test]
    fn fail_specs_parse_and_print_back() {
        for s in ["0.1,500", "0.5,reset", "1,500", "0,reset"] {
            assert_eq!(s.parse::<FailSpec>().unwrap().to_string(), s);
        }
        for bad in ["0.1", "2,500", "0.1,404", "x,reset"] {
            assert!(bad.parse::<FailSpec>().is_err(), "{bad}");
        }
    }
}
