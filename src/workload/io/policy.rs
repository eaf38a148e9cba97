//! The client's policy towards an API that misbehaves (issue 23): what a task does when its request
//! fails, is refused with a 429, or is slow. One [`Tries`] loop runs every request of a task, in both
//! faces, so every model that makes io requests follows the same policy and counts the same things.
//!
//! - `--retries R`: a failed request (500, reset, broken connection, timeout) goes again, up to R
//!   times, after `--backoff` (none, or exponential with full jitter: uniform in 0..min(cap, base·2ⁿ),
//!   AWS's "full jitter", which spreads retries that failed together).
//! - `--on-429`: `at-once` tries again straight away; `backoff` waits as `--backoff` says; `retry-after`
//!   waits what the server's `Retry-After` says (whole seconds); `limit` paces every request through a
//!   client-side token bucket at the server's own rate and burst (the server's bucket, reused: it is
//!   exact over any window and already tested on a virtual clock), and tries a 429 again at once.
//!   429s are retried until answered, up to [`MAX_REFUSED`] a task, whatever R.
//! - `--hedge-after T`: a request with no answer after T gets a second one beside it; the first success
//!   wins and the other is cancelled (a future is dropped, closing its connection; a blocking request's
//!   socket is shut down from the hedge's thread). A failure waits for the other request.
//!
//! Each request names its try (`X-Attempt`), so the seeded server draws a fresh fate for a retry or a
//! hedge, the same in every model. Jitter is drawn from the run's seed, the task and the try.

use crate::client::{Answer, Cancel, Failure, HttpClient, Req};
use crate::names::{name_enum, FailureKind};
use crate::workload::Tries;
use concbench_server::bucket::{Rate, TokenBucket};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// 429s one task takes before it gives up (as `refused`): a bound on a client that would otherwise
/// retry at once for ever. Ten threads retrying at once sent 36,000 requests a second here, so a
/// limit of 25/s keeps one task refused about 1,400 times a second; this leaves it a minute.
pub const MAX_REFUSED: u32 = 100_000;

name_enum! {
    /// What a client does when the server answers 429 Too Many Requests.
    #[derive(JsonSchema, Default)]
    pub enum On429 {
        /// Try again at once.
        #[default]
        AtOnce = "at-once",
        /// Wait as `--backoff` says (exponential with full jitter; 10 ms doubling to 1 s unless given).
        Backoff = "backoff",
        /// Wait what the answer's `Retry-After` says.
        RetryAfter = "retry-after",
        /// Pace every request through a client-side token bucket at the server's rate and burst.
        Limit = "limit",
    }
}

/// Exponential backoff with full jitter: before retry n (0-based), a wait drawn uniformly from
/// 0..min(cap, base × 2ⁿ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backoff {
    pub base_ms: u64,
    pub cap_ms: u64,
}

/// `--on-429 backoff` without `--backoff`.
pub const DEFAULT_BACKOFF: Backoff = Backoff {
    base_ms: 10,
    cap_ms: 1000,
};

impl Backoff {
    /// The longest wait before retry `n`.
    pub fn ceiling(&self, n: u32) -> Duration {
        let doubled = self.base_ms.saturating_mul(1u64 << n.min(40));
        Duration::from_millis(doubled.min(self.cap_ms))
    }
}

impl std::str::FromStr for Backoff {
    type Err = String;

    /// `exp:base=10ms,cap=1s`; either key may be left out (10 ms, 1 s).
    fn from_str(s: &str) -> Result<Backoff, String> {
        let spec = s.strip_prefix("exp").ok_or_else(|| {
            format!("--backoff {s:?}: write exp, or exp:base=10ms,cap=1s (none: leave it out)")
        })?;
        let mut b = DEFAULT_BACKOFF;
        for kv in spec.strip_prefix(':').unwrap_or(spec).split(',') {
            if kv.is_empty() {
                continue;
            }
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| format!("--backoff {s:?}: {kv:?} is not key=value"))?;
            let d =
                humantime::parse_duration(v).map_err(|e| format!("--backoff {s:?}: {v:?}: {e}"))?;
            let ms = d.as_millis() as u64;
            match k {
                "base" => b.base_ms = ms,
                "cap" => b.cap_ms = ms,
                _ => return Err(format!("--backoff {s:?}: unknown key {k:?} (base, cap)")),
            }
        }
        if b.base_ms == 0 || b.cap_ms < b.base_ms || b.cap_ms > 60_000 {
            return Err(format!(
                "--backoff {s:?}: base must be above 0 and at most cap, cap at most 60s"
            ));
        }
        Ok(b)
    }
}

impl std::fmt::Display for Backoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exp:base={}ms,cap={}ms", self.base_ms, self.cap_ms)
    }
}

/// What a case's client does when a request fails, is refused or is slow; kept in the case's io
/// parameters, so the result file says it and process-pool workers rebuild it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Tries after a failed one (not a 429): `--retries`.
    #[serde(default)]
    pub retries: u32,
    /// The wait before a retry, and before a 429's retry with `on_429: backoff`; absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Backoff>,
    #[serde(default)]
    pub on_429: On429,
    /// A second request when the first has not answered after this long, milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge_after_ms: Option<u64>,
    /// The client-side limiter's rate (`50/s`) and burst, with `on_429: limit`: the server's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<(String, u32)>,
    /// Seeds the jitter: the run's `--seed` (0 without one).
    #[serde(default)]
    pub seed: u64,
}

impl Policy {
    /// What the case id says of it, e.g. `r3-exp10ms-429backoff-h150ms`.
    pub fn id_suffix(&self) -> String {
        let mut parts = Vec::new();
        if self.retries > 0 {
            parts.push(format!("r{}", self.retries));
        }
        if let Some(b) = self.backoff {
            parts.push(format!("exp{}ms", b.base_ms));
        }
        if self.on_429 != On429::AtOnce {
            parts.push(format!("429{}", self.on_429.name().replace('-', "")));
        }
        if let Some(h) = self.hedge_after_ms {
            parts.push(format!("h{h}ms"));
        }
        parts.join("-")
    }

    /// The policy in `run`'s flags, for the table's "server side / client side" lines.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.retries > 0 {
            parts.push(format!("--retries {}", self.retries));
        }
        if let Some(b) = self.backoff {
            parts.push(format!("--backoff {b}"));
        }
        if self.on_429 != On429::AtOnce {
            parts.push(format!("--on-429 {}", self.on_429));
        }
        if let Some(h) = self.hedge_after_ms {
            parts.push(format!("--hedge-after {h}ms"));
        }
        parts.join(" ")
    }

    /// Whether it is what a client does with no policy at all.
    pub fn is_plain(&self) -> bool {
        self.retries == 0
            && self.backoff.is_none()
            && self.on_429 == On429::AtOnce
            && self.hedge_after_ms.is_none()
    }
}

/// A case's client and its policy: every request of every task goes through here.
pub struct Tried {
    client: Box<dyn HttpClient>,
    policy: Policy,
    /// The client-side limiter and the instant its clock counts from.
    limiter: Option<(Mutex<TokenBucket>, Instant)>,
}

/// One task's tries so far: the next try's number and what the tries met.
#[derive(Default)]
struct Tally {
    next_attempt: u32,
    retries: u32,
    refusals: u32,
    tries: Tries,
}

impl Tally {
    fn next(&mut self) -> u32 {
        self.tries.requests += 1;
        let a = self.next_attempt;
        self.next_attempt += 1;
        a
    }

    /// Count a request that failed (a hedge's cancelled loser is not counted).
    fn failed(&mut self, f: &Failure) {
        match f.kind {
            FailureKind::Refused => self.tries.refused += 1,
            FailureKind::Timeout => self.tries.timeouts += 1,
            _ => self.tries.failed += 1,
        }
    }
}

/// What the loop does after a failed request: wait this long and try again, or give up.
enum Next {
    Retry(Duration),
    GiveUp,
}

impl Tried {
    pub fn new(client: Box<dyn HttpClient>, policy: Option<&Policy>) -> anyhow::Result<Tried> {
        let policy = policy.cloned().unwrap_or_default();
        let limiter = match (&policy.limit, policy.on_429) {
            (Some((rate, burst)), On429::Limit) => {
                let rate: Rate = rate.parse().map_err(anyhow::Error::msg)?;
                let now = Instant::now();
                Some((
                    Mutex::new(TokenBucket::new(rate, *burst, Duration::ZERO)),
                    now,
                ))
            }
            (None, On429::Limit) => anyhow::bail!("--on-429 limit needs the server's --rate"),
            _ => None,
        };
        Ok(Tried {
            client,
            policy,
            limiter,
        })
    }

    fn hedge_after(&self) -> Option<Duration> {
        self.policy.hedge_after_ms.map(Duration::from_millis)
    }

    /// How long until the limiter admits a request; zero when it took a token now.
    fn pace(&self) -> Duration {
        let Some((bucket, origin)) = &self.limiter else {
            return Duration::ZERO;
        };
        let now = origin.elapsed();
        match bucket.lock().unwrap().admit(now) {
            Ok(()) => Duration::ZERO,
            Err(wait) => wait,
        }
    }

    /// After the failed request `f` of task `task`: the wait before the next, or give up.
    fn after(&self, task: u64, f: &Failure, tally: &mut Tally) -> Next {
        if f.kind == FailureKind::Refused {
            tally.refusals += 1;
            if tally.refusals >= MAX_REFUSED {
                return Next::GiveUp;
            }
            let n = tally.refusals - 1;
            return Next::Retry(match self.policy.on_429 {
                On429::AtOnce | On429::Limit => Duration::ZERO,
                On429::Backoff => self.jitter(
                    task,
                    tally.next_attempt,
                    self.policy.backoff.unwrap_or(DEFAULT_BACKOFF),
                    n,
                ),
                On429::RetryAfter => f.retry_after.unwrap_or(Duration::ZERO),
            });
        }
        if tally.retries >= self.policy.retries {
            return Next::GiveUp;
        }
        tally.retries += 1;
        let wait = self.policy.backoff.map_or(Duration::ZERO, |b| {
            self.jitter(task, tally.next_attempt, b, tally.retries - 1)
        });
        Next::Retry(wait)
    }

    /// Full jitter: uniform in 0..ceiling(n), drawn from the seed, the task and the try.
    fn jitter(&self, task: u64, attempt: u32, b: Backoff, n: u32) -> Duration {
        let mut rng = crate::rng::Rng::new(
            self.policy.seed ^ task.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(attempt) << 48,
        );
        b.ceiling(n).mul_f64(rng.unit())
    }

    /// Every request of task `task`, blocking this thread, until one succeeds or the policy gives up.
    pub fn blocking(&self, task: u64) -> (Answer, Tries) {
        let mut tally = Tally::default();
        loop {
            let mut wait = self.pace();
            while !wait.is_zero() {
                std::thread::sleep(wait);
                wait = self.pace();
            }
            let answer = match self.hedge_after() {
                None => {
                    let attempt = tally.next();
                    self.client.get_blocking(Req {
                        task,
                        attempt,
                        cancel: None,
                    })
                }
                Some(t) => self.hedged_blocking(task, t, &mut tally),
            };
            let Err(f) = answer else {
                return (answer, tally.tries);
            };
            tally.failed(&f);
            match self.after(task, &f, &mut tally) {
                Next::GiveUp => return (Err(f), tally.tries),
                Next::Retry(wait) if !wait.is_zero() => std::thread::sleep(wait),
                Next::Retry(_) => {}
            }
        }
    }

    /// Every request of task `task` as a future, until one succeeds or the policy gives up.
    pub async fn run_async(&self, task: u64) -> (Answer, Tries) {
        let mut tally = Tally::default();
        loop {
            let mut wait = self.pace();
            while !wait.is_zero() {
                tokio::time::sleep(wait).await;
                wait = self.pace();
            }
            let answer = match self.hedge_after() {
                None => {
                    let attempt = tally.next();
                    self.client
                        .get_async(Req::first(task).try_number(attempt))
                        .await
                }
                Some(t) => self.hedged_async(task, t, &mut tally).await,
            };
            let Err(f) = answer else {
                return (answer, tally.tries);
            };
            tally.failed(&f);
            match self.after(task, &f, &mut tally) {
                Next::GiveUp => return (Err(f), tally.tries),
                // Not even a zero sleep: tokio's timer fires on its next 1 ms tick, which made
                // retrying "at once" wait a millisecond a try (5,400 tries a second against 40,000
                // for threads, whose zero sleep returns at once).
                Next::Retry(wait) if !wait.is_zero() => tokio::time::sleep(wait).await,
                Next::Retry(_) => {}
            }
        }
    }

    /// A request and, if it has not answered after `t`, a second beside it (as futures): the first
    /// success wins and the other is dropped, which closes its connection.
    async fn hedged_async(&self, task: u64, t: Duration, tally: &mut Tally) -> Answer {
        let first = self
            .client
            .get_async(Req::first(task).try_number(tally.next()));
        tokio::pin!(first);
        tokio::select! {
            answer = &mut first => return answer,
            _ = tokio::time::sleep(t) => {}
        }
        // The hedge goes through the limiter too: it is a request like any other.
        let wait = self.pace();
        if !wait.is_zero() {
            tokio::select! {
                answer = &mut first => return answer,
                _ = tokio::time::sleep(wait) => {}
            }
        }
        tally.tries.hedges += 1;
        let second = self
            .client
            .get_async(Req::first(task).try_number(tally.next()));
        tokio::pin!(second);
        tokio::select! {
            answer = &mut first => match answer {
                Ok(v) => Ok(v),
                Err(f) => {
                    tally.failed(&f);
                    second.await
                }
            },
            answer = &mut second => match answer {
                Ok(v) => Ok(v),
                Err(f) => {
                    tally.failed(&f);
                    first.await
                }
            },
        }
    }

    /// The same for a thread: this thread makes the first request; a helper thread waits `t` for it
    /// and, if it has not answered, makes the hedge. The first success shuts the other's socket down.
    fn hedged_blocking(&self, task: u64, t: Duration, tally: &mut Tally) -> Answer {
        let (first_cancel, hedge_cancel) = (Cancel::default(), Cancel::default());
        let first_attempt = tally.next();
        let hedge_attempt = first_attempt + 1;
        let (done, waited) = std::sync::mpsc::channel::<()>();
        let (first, hedge) = std::thread::scope(|s| {
            let (first_cancel, hedge_cancel) = (&first_cancel, &hedge_cancel);
            let helper = s.spawn(move || {
                use std::sync::mpsc::RecvTimeoutError;
                // Told (or dropped) before t: the first request ended, no hedge.
                if !matches!(waited.recv_timeout(t), Err(RecvTimeoutError::Timeout)) {
                    return None;
                }
                if hedge_cancel.cancelled() {
                    return None;
                }
                let answer = self.client.get_blocking(Req {
                    task,
                    attempt: hedge_attempt,
                    cancel: Some(hedge_cancel),
                });
                if answer.is_ok() {
                    first_cancel.cancel();
                }
                Some(answer)
            });
            let first = self.client.get_blocking(Req {
                task,
                attempt: first_attempt,
                cancel: Some(first_cancel),
            });
            if first.is_ok() {
                hedge_cancel.cancel();
            }
            drop(done);
            (
                first,
                helper.join().expect("a hedge's thread does not panic"),
            )
        });
        let Some(hedge) = hedge else {
            return first;
        };
        tally.tries.requests += 1;
        tally.tries.hedges += 1;
        tally.next_attempt = hedge_attempt + 1;
        match (first, hedge) {
            (Ok(v), h) => {
                // A hedge that lost to the first request failed by our cancel, not the server.
                if let (Err(f), false) = (h, hedge_cancel.cancelled()) {
                    tally.failed(&f);
                }
                Ok(v)
            }
            (Err(f), Ok(v)) => {
                if !first_cancel.cancelled() {
                    tally.failed(&f);
                }
                Ok(v)
            }
            // Both failed: the hedge's failure is counted here, the first's by the caller's loop.
            (Err(f), Err(g)) => {
                tally.failed(&g);
                Err(f)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_reads_its_keys_and_refuses_the_rest() {
        assert_eq!("exp".parse::<Backoff>(), Ok(DEFAULT_BACKOFF));
        let b: Backoff = "exp:base=5ms,cap=200ms".parse().unwrap();
        assert_eq!((b.base_ms, b.cap_ms), (5, 200));
        assert_eq!(b.to_string().parse::<Backoff>(), Ok(b));
        for bad in [
            "linear",
            "exp:base=0ms",
            "exp:base=2s,cap=1s",
            "exp:step=1ms",
            "exp:cap=2m",
        ] {
            assert!(bad.parse::<Backoff>().is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn the_ceiling_doubles_to_its_cap() {
        let b = Backoff {
            base_ms: 10,
            cap_ms: 100,
        };
        let ms = |n| b.ceiling(n).as_millis();
        assert_eq!(
            [ms(0), ms(1), ms(2), ms(3), ms(4), ms(63)],
            [10, 20, 40, 80, 100, 100]
        );
    }

    /// The policy's loop around a client that is never asked (these tests send nothing).
    fn tried(policy: Policy) -> Tried {
        let client = crate::client::build(
            crate::client::ClientKind::Direct,
            &crate::client::Options {
                url: "http://127.0.0.1:9/".into(),
                keep_alive: false,
                timeout: Duration::from_secs(1),
                sources: 1,
            },
        )
        .unwrap();
        Tried::new(client, Some(&policy)).unwrap()
    }

    #[test]
    fn jitter_is_full_seeded_and_the_tasks_own() {
        let tried = |seed| {
            tried(Policy {
                seed,
                ..Policy::default()
            })
        };
        let (a, b) = (tried(1), tried(2));
        let b10 = Backoff {
            base_ms: 10,
            cap_ms: 1000,
        };
        let waits: Vec<Duration> = (0..200).map(|t| a.jitter(t, 1, b10, 3)).collect();
        // Uniform in 0..80 ms: inside it, spread over it.
        assert!(waits.iter().all(|w| *w < Duration::from_millis(80)));
        assert!(waits.iter().any(|w| *w < Duration::from_millis(10)));
        assert!(waits.iter().any(|w| *w > Duration::from_millis(70)));
        // The same seed, task and try give the same wait; another seed or task another.
        assert_eq!(a.jitter(5, 1, b10, 3), tried(1).jitter(5, 1, b10, 3));
        assert_ne!(a.jitter(5, 1, b10, 3), b.jitter(5, 1, b10, 3));
        assert_ne!(a.jitter(5, 1, b10, 3), a.jitter(6, 1, b10, 3));
    }

    #[test]
    fn a_429_is_retried_as_the_policy_says_and_a_failure_only_as_often_as_allowed() {
        let refused = Failure {
            kind: FailureKind::Refused,
            retry_after: Some(Duration::from_secs(2)),
        };
        let wait = |t: &Tried, f: &Failure, tally: &mut Tally| match t.after(0, f, tally) {
            Next::Retry(w) => Some(w),
            Next::GiveUp => None,
        };
        let honour = tried(Policy {
            on_429: On429::RetryAfter,
            ..Policy::default()
        });
        let mut tally = Tally::default();
        assert_eq!(
            wait(&honour, &refused, &mut tally),
            Some(Duration::from_secs(2))
        );
        let at_once = tried(Policy::default());
        assert_eq!(wait(&at_once, &refused, &mut tally), Some(Duration::ZERO));
        // A failure is retried `retries` times, then given up; 429s do not use them up.
        let twice = tried(Policy {
            retries: 2,
            ..Policy::default()
        });
        let failed: Failure = FailureKind::Status.into();
        let mut tally = Tally::default();
        assert!(wait(&twice, &failed, &mut tally).is_some());
        assert!(wait(&twice, &refused, &mut tally).is_some());
        assert!(wait(&twice, &failed, &mut tally).is_some());
        assert_eq!(wait(&twice, &failed, &mut tally), None);
        // A limiter at the server's rate: the burst at once, then a token's wait.
        let limited = tried(Policy {
            on_429: On429::Limit,
            limit: Some(("10/s".into(), 2)),
            ..Policy::default()
        });
        assert_eq!(limited.pace(), Duration::ZERO);
        assert_eq!(limited.pace(), Duration::ZERO);
        let third = limited.pace();
        assert!(
            third > Duration::from_millis(90) && third <= Duration::from_millis(100),
            "{third:?}"
        );
    }

    #[test]
    fn the_id_and_the_flags_say_the_policy() {
        let p = Policy {
            retries: 3,
            backoff: Some(DEFAULT_BACKOFF),
            on_429: On429::RetryAfter,
            hedge_after_ms: Some(75),
            ..Policy::default()
        };
        assert_eq!(p.id_suffix(), "r3-exp10ms-429retryafter-h75ms");
        assert_eq!(
            p.describe(),
            "--retries 3 --backoff exp:base=10ms,cap=1000ms --on-429 retry-after --hedge-after 75ms"
        );
        assert!(Policy::default().is_plain() && !p.is_plain());
    }
}
