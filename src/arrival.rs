//! How a case's tasks are released: `batch` (all at once, the closed batch every case ran before) or
//! at a rate, `constant:R/s` (task i at i/R) or `poisson:R/s` (exponential gaps of mean 1/R, drawn
//! from the run's recorded seed, so every model of a run meets the same times). The schedule is made
//! here once and carried by the job; models only wait for each task's instant (`model/release.rs`).
//! It also holds the ideal of an open-loop case: the same arrivals served first come, first served
//! by `lanes` servers of a fixed service time — what physics allows, the knee included.

use crate::rng::Rng;
use std::collections::BinaryHeap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// How tasks are released. Spelled `batch`, `constant:40/s`, `poisson:40/s` on the command line, in
/// result files and in case ids.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Arrival {
    /// Every task submitted at once (closed batch): today's cases.
    #[default]
    Batch,
    /// Task i released at i / R.
    Constant { per_s: f64 },
    /// Gaps drawn from an exponential of mean 1 / R (a Poisson process), seeded.
    Poisson { per_s: f64 },
}

/// Mixed into the run's seed so the arrival draws are not the round shuffles' draws.
const SALT: u64 = 0x6172_7269_7661_6c73; // "arrivals"

impl Arrival {
    /// The offered rate, tasks per second; None for a batch.
    pub fn rate(self) -> Option<f64> {
        match self {
            Arrival::Batch => None,
            Arrival::Constant { per_s } | Arrival::Poisson { per_s } => Some(per_s),
        }
    }

    pub fn is_batch(&self) -> bool {
        *self == Arrival::Batch
    }

    /// The part of a case id that says how its tasks arrive (`constant40`), empty for a batch.
    pub fn id_suffix(self) -> String {
        match self {
            Arrival::Batch => String::new(),
            Arrival::Constant { per_s } => format!("constant{per_s}"),
            Arrival::Poisson { per_s } => format!("poisson{per_s}"),
        }
    }

    /// Each task's release, from the first's (task 0 at zero); None for a batch. `seed` is the
    /// run's: the same seed gives the same times to every model.
    pub fn schedule(self, tasks: usize, seed: u64) -> Option<Vec<Duration>> {
        match self {
            Arrival::Batch => None,
            Arrival::Constant { per_s } => Some(
                (0..tasks)
                    .map(|i| Duration::from_secs_f64(i as f64 / per_s))
                    .collect(),
            ),
            Arrival::Poisson { per_s } => {
                let mut rng = Rng::new(seed ^ SALT);
                let mut t = 0.0;
                Some(
                    (0..tasks)
                        .map(|i| {
                            if i > 0 {
                                // 1 - u is in (0, 1]: its logarithm is finite.
                                t += -(1.0 - rng.unit()).ln() / per_s;
                            }
                            Duration::from_secs_f64(t)
                        })
                        .collect(),
                )
            }
        }
    }
}

impl fmt::Display for Arrival {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arrival::Batch => write!(f, "batch"),
            Arrival::Constant { per_s } => write!(f, "constant:{per_s}/s"),
            Arrival::Poisson { per_s } => write!(f, "poisson:{per_s}/s"),
        }
    }
}

impl FromStr for Arrival {
    type Err = String;
    fn from_str(s: &str) -> Result<Arrival, String> {
        let usage =
            || format!("{s:?}: give batch, constant:R/s or poisson:R/s (e.g. poisson:40/s)");
        if s == "batch" {
            return Ok(Arrival::Batch);
        }
        let (kind, rate) = s.split_once(':').ok_or_else(usage)?;
        let per_s: f64 = rate
            .strip_suffix("/s")
            .unwrap_or(rate)
            .parse()
            .map_err(|_| usage())?;
        if !(per_s.is_finite() && per_s > 0.0 && per_s <= 1e6) {
            return Err(format!(
                "{s:?}: the rate must be above 0 and at most 1000000/s"
            ));
        }
        match kind {
            "constant" => Ok(Arrival::Constant { per_s }),
            "poisson" => Ok(Arrival::Poisson { per_s }),
            _ => Err(usage()),
        }
    }
}

impl TryFrom<String> for Arrival {
    type Error = String;
    fn try_from(s: String) -> Result<Arrival, String> {
        s.parse()
    }
}

impl From<Arrival> for String {
    fn from(a: Arrival) -> String {
        a.to_string()
    }
}

impl schemars::JsonSchema for Arrival {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Arrival".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "How tasks were released: `batch` (all at once), `constant:R/s` or `poisson:R/s`.",
            "type": "string",
            "pattern": "^(batch|(constant|poisson):[0-9.e+-]+/s)$"
        })
    }
}

/// The ideal latency of each task of `schedule`: served in arrival order by `lanes` servers that
/// each take `service` per task and nothing else (no start-up, no client cost). Below the knee
/// (rate ≤ lanes / service) every task takes `service`; past it the queue grows and so does the wait.
pub fn ideal_latencies(schedule: &[Duration], lanes: usize, service: Duration) -> Vec<Duration> {
    let lanes = lanes.clamp(1, schedule.len().max(1));
    // Each lane's next free instant, earliest first.
    let mut free: BinaryHeap<std::cmp::Reverse<Duration>> = (0..lanes)
        .map(|_| std::cmp::Reverse(Duration::ZERO))
        .collect();
    schedule
        .iter()
        .map(|&at| {
            let std::cmp::Reverse(lane) = free.pop().expect("at least one lane");
            let end = at.max(lane) + service;
            free.push(std::cmp::Reverse(end));
            end - at
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip_and_bad_ones_are_refused() {
        for s in ["batch", "constant:40/s", "poisson:2.5/s"] {
            let a: Arrival = s.parse().unwrap();
            assert_eq!(a.to_string(), s);
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(serde_json::from_str::<Arrival>(&json).unwrap(), a);
        }
        assert_eq!(
            "constant:40".parse::<Arrival>(),
            Ok(Arrival::Constant { per_s: 40.0 })
        );
        for bad in [
            "",
            "constant",
            "constant:0/s",
            "poisson:-1/s",
            "burst:4/s",
            "constant:x/s",
        ] {
            assert!(bad.parse::<Arrival>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_constant_rate_releases_task_i_at_i_over_r() {
        let s = Arrival::Constant { per_s: 40.0 }.schedule(5, 1).unwrap();
        let ms: Vec<u128> = s.iter().map(|d| d.as_micros()).collect();
        assert_eq!(ms, [0, 25_000, 50_000, 75_000, 100_000]);
        assert_eq!(Arrival::Batch.schedule(5, 1), None);
    }

    #[test]
    fn poisson_times_replay_with_their_seed_and_keep_their_mean_rate() {
        let p = Arrival::Poisson { per_s: 100.0 };
        let a = p.schedule(20_000, 7).unwrap();
        assert_eq!(a, p.schedule(20_000, 7).unwrap(), "one seed, one schedule");
        assert_ne!(a, p.schedule(20_000, 8).unwrap(), "another seed, others");
        assert_eq!(a[0], Duration::ZERO);
        assert!(a.windows(2).all(|w| w[0] <= w[1]), "in order");
        // 19,999 gaps of mean 10 ms: the mean is within 5 % (its standard error is 0.7 %).
        let rate = (a.len() - 1) as f64 / a.last().unwrap().as_secs_f64();
        assert!((95.0..105.0).contains(&rate), "{rate}/s");
        // Exponential, not constant: the gaps spread (their coefficient of variation is 1).
        let gaps: Vec<f64> = a.windows(2).map(|w| (w[1] - w[0]).as_secs_f64()).collect();
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        let sd = (gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64).sqrt();
        assert!((0.9..1.1).contains(&(sd / mean)), "cv {}", sd / mean);
    }

    #[test]
    fn the_ideal_is_the_service_time_below_the_knee_and_grows_past_it() {
        let d = Duration::from_millis(100);
        // 3 lanes of 100 ms: the knee at 30/s.
        let below = Arrival::Constant { per_s: 20.0 }.schedule(60, 0).unwrap();
        assert!(ideal_latencies(&below, 3, d).iter().all(|&l| l == d));
        let past = Arrival::Constant { per_s: 60.0 }.schedule(60, 0).unwrap();
        let l = ideal_latencies(&past, 3, d);
        // Each lane takes every third task back to back: task i starts at (i mod 3)/60 s +
        // ⌊i/3⌋ × 100 ms and was due at i/60 s, so task 59 ends at 2.0333 s, 1.05 s after its due.
        let last = l[59].as_secs_f64();
        assert!(
            (last - (2.0 / 60.0 + 2.0 - 59.0 / 60.0)).abs() < 1e-6,
            "{last}"
        );
        assert!(l.windows(3).all(|w| w[0] <= w[2]), "the wait grows");
        // Unbounded lanes: always the service time.
        assert!(ideal_latencies(&past, usize::MAX, d)
            .iter()
            .all(|&l| l == d));
    }

    #[test]
    fn the_worked_example_of_docs_load_curves() {
        // W = 3, d = 50 ms, offered at 90/s for 2 s: the last task ends 1.033 s after its due time
        // and the run at 3.022 s (180 / 3.022 = 59.6/s); at 40/s every task takes 50 ms.
        let d = Duration::from_millis(50);
        let s = Arrival::Constant { per_s: 90.0 }.schedule(180, 0).unwrap();
        let l = ideal_latencies(&s, 3, d);
        assert!((l[179].as_secs_f64() - 1.0333).abs() < 1e-3, "{:?}", l[179]);
        let end = s.iter().zip(&l).map(|(s, l)| *s + *l).max().unwrap();
        assert!((end.as_secs_f64() - 3.0222).abs() < 1e-3, "{end:?}");
        let s40 = Arrival::Constant { per_s: 40.0 }.schedule(80, 0).unwrap();
        assert!(ideal_latencies(&s40, 3, d).iter().all(|&x| x == d));
    }
}
