//! The misbehaviour a case's slow server is started with (issue 23): `run`'s `--delay-dist`, `--rate`,
//! `--burst` and `--fail`, with the run's `--seed`, checked once by the server's own parsers, kept in
//! the case's io parameters in the server's own spelling (so the result file says what the server did)
//! and handed to the server child as the flags `concbench_server::Config::misbehaviour_args` gives.

use concbench_server::bucket::Rate;
use concbench_server::delay_dist::DelayDist;
use concbench_server::draw::{unit, RequestKey, Stream};
use concbench_server::misbehave::FailSpec;
use concbench_server::Config;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What the server does to a seeded share of requests; every field in the server's flag syntax.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Misbehave {
    /// `--delay-dist`: where each request's delay comes from (`tail:p=0.2,x=5`, `lognormal:…`);
    /// absent: every request is held the server's delay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_dist: Option<String>,
    /// `--rate`: requests beyond it are answered 429 at once (`50/s`); absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<String>,
    /// `--burst`: tokens the rate limit's bucket holds when full; only with a rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<u32>,
    /// `--fail p,KIND`: a share p of tasks fail (`0.3,500`, `0.1,reset`); absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail: Option<String>,
    /// The seed of every draw: the run's `--seed`, 0 when it has none.
    pub seed: u64,
}

/// The flags as `run` takes them, before they are checked.
#[derive(Debug, Clone, Default)]
pub struct Flags<'a> {
    pub delay_dist: Option<&'a str>,
    pub rate: Option<&'a str>,
    pub burst: Option<u32>,
    pub fail: Option<&'a str>,
}

impl Misbehave {
    /// The misbehaviour the flags ask for, None when they ask for none; refused as the server would
    /// refuse it, so a bad flag fails the run before any server starts.
    pub fn from_flags(
        flags: Flags,
        delay: Duration,
        seed: Option<u64>,
    ) -> Result<Option<Misbehave>, String> {
        if flags.burst.is_some() && flags.rate.is_none() {
            return Err("--burst needs --rate".into());
        }
        let dist = flags
            .delay_dist
            .map(|d| {
                d.parse::<DelayDist>()
                    .map_err(|e| format!("--delay-dist {d:?}: {e}"))
            })
            .transpose()?
            // `fixed` is no misbehaviour: it leaves the id and the server as they were.
            .filter(|d| *d != DelayDist::Fixed);
        let rate = flags
            .rate
            .map(|r| r.parse::<Rate>().map_err(|e| format!("--rate {r:?}: {e}")))
            .transpose()?;
        let fail = flags
            .fail
            .map(|f| {
                f.parse::<FailSpec>()
                    .map_err(|e| format!("--fail {f:?}: {e}"))
            })
            .transpose()?;
        if dist.is_none() && rate.is_none() && fail.is_none() {
            return Ok(None);
        }
        let m = Misbehave {
            delay_dist: dist.map(|d| d.to_string()),
            rate: rate.map(|r| r.to_string()),
            burst: rate.map(|_| flags.burst.unwrap_or(1)),
            fail: fail.map(|f| f.to_string()),
            seed: seed.unwrap_or(0),
        };
        m.config(delay).validate().map_err(|e| e.to_string())?;
        Ok(Some(m))
    }

    /// The server configuration's misbehaviour fields; the rest stays the default.
    fn config(&self, delay: Duration) -> Config {
        // Every field was written from the server's own Display, so it parses back.
        Config {
            delay,
            delay_dist: self
                .delay_dist
                .as_deref()
                .map_or(DelayDist::Fixed, |d| d.parse().expect("checked")),
            rate: self.rate.as_deref().map(|r| r.parse().expect("checked")),
            burst: self.burst.unwrap_or(1),
            fail: self.fail.as_deref().map(|f| f.parse().expect("checked")),
            seed: self.seed,
            ..Config::default()
        }
    }

    /// The case's ideal against this misbehaviour, from ⌈N / lanes⌉ × d (the server's base delay d):
    /// no client beats it whatever its policy. A tail is left out (a hedge may dodge
    /// every slow request: none is faster than d), so is a backoff (a client's choice). Failing tries
    /// are in it exactly: the server's own draws say which tries of which task fail, so a task's
    /// chain is its tries up to its first success (at most `retries` + 1), each a whole delay, and the
    /// lanes cannot finish sooner than the longest chain or all chains shared out. Past a rate R
    /// with burst B, the N requests that succeed need N tokens: (N − B) / R at least.
    /// None for a log-normal delay, whose draws have no floor.
    pub fn ideal(&self, tasks: usize, lanes: usize, delay: Duration, retries: u32) -> Option<f64> {
        let config = self.config(delay);
        // No request is answered sooner than this (a tail shorter than the delay is allowed).
        let d = match config.delay_dist {
            DelayDist::LogNormal { .. } => return None,
            DelayDist::Tail { x, .. } => delay.as_secs_f64() * x.min(1.0),
            DelayDist::Fixed => delay.as_secs_f64(),
        };
        let lanes = lanes.max(1);
        let mut ideal = tasks.div_ceil(lanes) as f64 * d;
        if let Some(fail) = config.fail {
            let chain = |task: u64| -> u64 {
                (0..=u64::from(retries))
                    .position(|attempt| {
                        let key = RequestKey { task, attempt };
                        unit(self.seed, Stream::Fail, key) >= fail.p
                    })
                    .map_or(u64::from(retries) + 1, |i| i as u64 + 1)
            };
            let chains: Vec<u64> = (0..tasks as u64).map(chain).collect();
            let longest = chains.iter().copied().max().unwrap_or(0) as f64 * d;
            let shared = chains.iter().sum::<u64>() as f64 * d / lanes as f64;
            ideal = ideal.max(longest).max(shared);
        }
        if let Some(rate) = config.rate {
            let paced = tasks.saturating_sub(config.burst as usize) as f64 / rate.per_sec();
            ideal = ideal.max(paced);
        }
        Some(ideal)
    }

    /// The server child's flags.
    pub fn args(&self) -> Vec<String> {
        self.config(Duration::ZERO).misbehaviour_args()
    }

    /// The case id's part: readable, only letters, digits, dots and underscores within a part
    /// (`fail0.3_500-seed7`).
    pub fn id_suffix(&self) -> String {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        let mut parts = Vec::new();
        if let Some(d) = &self.delay_dist {
            parts.push(clean(d));
        }
        if let Some(r) = &self.rate {
            parts.push(format!("rate{}-burst{}", clean(r), self.burst.unwrap_or(1)));
        }
        if let Some(f) = &self.fail {
            parts.push(format!("fail{}", clean(f)));
        }
        parts.push(format!("seed{}", self.seed));
        parts.join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Duration = Duration::from_millis(50);

    #[test]
    fn no_flag_or_fixed_is_no_misbehaviour() {
        assert_eq!(
            Misbehave::from_flags(Flags::default(), D, Some(7)),
            Ok(None)
        );
        let fixed = Flags {
            delay_dist: Some("fixed"),
            ..Flags::default()
        };
        assert_eq!(Misbehave::from_flags(fixed, D, Some(7)), Ok(None));
    }

    #[test]
    fn flags_reach_the_server_in_its_own_spelling_with_the_seed() {
        let m = Misbehave::from_flags(
            Flags {
                delay_dist: Some("tail:p=0.2,x=5"),
                rate: Some("50/s"),
                burst: Some(4),
                fail: Some("0.3,500"),
            },
            D,
            Some(7),
        )
        .unwrap()
        .unwrap();
        let args = m.args();
        for flag in ["--delay-dist", "--rate", "--burst", "--fail", "--seed"] {
            assert!(args.iter().any(|a| a == flag), "{flag} missing: {args:?}");
        }
        assert_eq!(args[args.len() - 1], "7");
        assert!(m.id_suffix().starts_with("tail"), "{}", m.id_suffix());
        assert!(
            m.id_suffix().ends_with("fail0.3_500-seed7"),
            "{}",
            m.id_suffix()
        );
        assert!(!m.id_suffix().contains(['/', ',', ':', '=']));
    }

    #[test]
    fn refuses_what_the_server_would() {
        for flags in [
            Flags {
                fail: Some("1.5,500"),
                ..Flags::default()
            },
            Flags {
                rate: Some("fast"),
                ..Flags::default()
            },
            Flags {
                burst: Some(3),
                ..Flags::default()
            },
            Flags {
                delay_dist: Some("tail:p=2,x=5"),
                ..Flags::default()
            },
        ] {
            assert!(
                Misbehave::from_flags(flags.clone(), D, None).is_err(),
                "{flags:?} was accepted"
            );
        }
    }
}
