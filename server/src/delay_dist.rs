//! `--delay-dist`: how long each request on `/` (and `/status/{code}`) is held, drawn per request from a
//! seeded distribution instead of always the one `--delay`. `fixed` is the plain server; `tail` holds a
//! share p of requests x times longer ("The Tail at Scale"'s few slow servers); `lognormal` spreads every
//! delay around a median with a given p99, the shape measured service times usually have.

use crate::config::MAX_DELAY;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// z of the normal distribution's 99th percentile: a log-normal's p99 is median × e^(σ z₉₉).
const Z99: f64 = 2.326_347_874_040_841;

/// The distribution a request's delay is drawn from.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum DelayDist {
    /// Every request held for `--delay`.
    #[default]
    Fixed,
    /// A share `p` of requests held `x` × `--delay`, the rest `--delay`.
    Tail { p: f64, x: f64 },
    /// Log-normal with this median (absent: `--delay`) and p99; draws past 60 s are held 60 s.
    LogNormal {
        median: Option<Duration>,
        p99: Duration,
    },
}

/// One request's delay, and whether it fell in the distribution's tail (the `p` share of `tail`, past
/// the p99 of `lognormal`): the `slow_tail` outcome of `/stats`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Held {
    pub hold: Duration,
    pub slow_tail: bool,
}

impl DelayDist {
    /// The delay for a request whose base delay is `base`, from two uniform draws in [0, 1).
    pub fn draw(&self, base: Duration, u: f64, v: f64) -> Held {
        match *self {
            DelayDist::Fixed => Held {
                hold: base,
                slow_tail: false,
            },
            DelayDist::Tail { p, x } => {
                let slow_tail = u < p;
                let hold = if slow_tail { base.mul_f64(x) } else { base };
                Held {
                    hold: hold.min(MAX_DELAY),
                    slow_tail,
                }
            }
            DelayDist::LogNormal { median, p99 } => {
                let median = median.unwrap_or(base);
                let sigma = (p99.as_secs_f64() / median.as_secs_f64()).ln() / Z99;
                // Box–Muller: 1 − u is in (0, 1], so the logarithm is finite.
                let z = (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos();
                let secs = (median.as_secs_f64() * (sigma * z).exp()).min(MAX_DELAY.as_secs_f64());
                let hold = Duration::from_secs_f64(secs);
                Held {
                    hold,
                    slow_tail: hold > p99,
                }
            }
        }
    }

    /// The checks that need `--delay` too: no held request may exceed 60 s by construction.
    pub fn validate(&self, base: Duration) -> Result<(), String> {
        match *self {
            DelayDist::Fixed => Ok(()),
            DelayDist::Tail { x, .. } if base.as_secs_f64() * x > MAX_DELAY.as_secs_f64() => {
                Err(format!(
                    "--delay-dist {self}: {x} × --delay {} is above the maximum of 60s",
                    humantime::format_duration(base)
                ))
            }
            DelayDist::Tail { .. } => Ok(()),
            DelayDist::LogNormal { median, p99 } => {
                let median = median.unwrap_or(base);
                if median.is_zero() || p99 <= median {
                    Err(format!(
                        "--delay-dist {self}: p99 must be above a median above 0 (median {})",
                        humantime::format_duration(median)
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }
}

impl FromStr for DelayDist {
    type Err = String;

    fn from_str(s: &str) -> Result<DelayDist, String> {
        const FORMS: &str = "fixed, tail:p=0.05,x=10 or lognormal:median=100ms,p99=1s";
        let (name, rest) = s.split_once(':').unwrap_or((s, ""));
        let mut fields = std::collections::BTreeMap::new();
        for field in rest.split(',').filter(|f| !f.trim().is_empty()) {
            let (k, v) = field
                .split_once('=')
                .ok_or_else(|| format!("{field:?} is not key=value; use {FORMS}"))?;
            fields.insert(k.trim(), v.trim());
        }
        let mut take = |k: &str| fields.remove(k);
        let dist = match name.trim() {
            "fixed" => DelayDist::Fixed,
            "tail" => {
                let p = number(take("p").ok_or("tail needs p= (the slow share, 0..1)")?)?;
                let x = number(take("x").ok_or("tail needs x= (how many times longer, ≥ 1)")?)?;
                if !((0.0..=1.0).contains(&p) && x >= 1.0 && x.is_finite()) {
                    return Err(format!("tail takes p in 0..=1 and x ≥ 1, got p={p}, x={x}"));
                }
                DelayDist::Tail { p, x }
            }
            "lognormal" => DelayDist::LogNormal {
                median: take("median").map(duration).transpose()?,
                p99: duration(take("p99").ok_or("lognormal needs p99= (e.g. p99=1s)")?)?,
            },
            other => return Err(format!("unknown distribution {other:?}; use {FORMS}")),
        };
        match fields.keys().next() {
            Some(extra) => Err(format!("{name} takes no {extra}=; use {FORMS}")),
            None => Ok(dist),
        }
    }
}

fn number(v: &str) -> Result<f64, String> {
    v.parse::<f64>()
        .map_err(|_| format!("{v:?} is not a number"))
}

fn duration(v: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(v).map_err(|e| format!("{v:?}: {e}"))?;
    if d > MAX_DELAY {
        return Err(format!("{v} is above the maximum of 60s"));
    }
    Ok(d)
}

impl fmt::Display for DelayDist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hd = humantime::format_duration;
        match self {
            DelayDist::Fixed => write!(f, "fixed"),
            DelayDist::Tail { p, x } => write!(f, "tail:p={p},x={x}"),
            DelayDist::LogNormal { median: None, p99 } => write!(f, "lognormal:p99={}", hd(*p99)),
            DelayDist::LogNormal {
                median: Some(m),
                p99,
            } => write!(f, "lognormal:median={},p99={}", hd(*m), hd(*p99)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::{unit, RequestKey, Stream};

    const MS: Duration = Duration::from_millis(1);

    fn draws(d: &DelayDist, base: Duration, n: u64) -> Vec<Held> {
        (0..n)
            .map(|task| {
                let key = RequestKey { task, attempt: 0 };
                d.draw(
                    base,
                    unit(3, Stream::Delay, key),
                    unit(3, Stream::DelayAgain, key),
                )
            })
            .collect()
    }

    #[test]
    fn parses_the_three_forms_and_prints_them_back() {
        for s in [
            "fixed",
            "tail:p=0.05,x=10",
            "lognormal:median=100ms,p99=1s",
            "lognormal:p99=2s",
        ] {
            let d: DelayDist = s.parse().unwrap();
            assert_eq!(d.to_string(), s);
            assert_eq!(d.to_string().parse::<DelayDist>().unwrap(), d);
        }
        for bad in [
            "gamma",
            "tail:p=0.05",
            "tail:p=2,x=10",
            "tail:p=0.1,x=0.5",
            "tail:p=0.1,x=2,y=3",
            "lognormal:median=1s",
            "lognormal:p99=2m",
            "tail:p",
        ] {
            assert!(bad.parse::<DelayDist>().is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn a_tail_holds_its_share_x_times_longer_and_no_one_else() {
        let d: DelayDist = "tail:p=0.1,x=10".parse().unwrap();
        let held = draws(&d, 20 * MS, 10_000);
        let slow: Vec<_> = held.iter().filter(|h| h.slow_tail).collect();
        // Binomial sd 30: ±150 fails only if the draw is broken.
        assert!((850..=1150).contains(&slow.len()), "{}", slow.len());
        assert!(slow.iter().all(|h| h.hold == 200 * MS));
        assert!(held
            .iter()
            .filter(|h| !h.slow_tail)
            .all(|h| h.hold == 20 * MS));
        assert!(
            DelayDist::Fixed.draw(20 * MS, 0.0, 0.0)
                == Held {
                    hold: 20 * MS,
                    slow_tail: false
                }
        );
    }

    #[test]
    fn a_lognormal_has_its_median_and_p99() {
        let d: DelayDist = "lognormal:median=100ms,p99=1s".parse().unwrap();
        let mut held: Vec<Duration> = draws(&d, MS, 20_000).iter().map(|h| h.hold).collect();
        held.sort();
        let (median, p99) = (held[10_000], held[19_800]);
        assert!((90 * MS..110 * MS).contains(&median), "{median:?}");
        assert!((800 * MS..1250 * MS).contains(&p99), "{p99:?}");
        // Without a median, --delay is the median.
        let d: DelayDist = "lognormal:p99=400ms".parse().unwrap();
        let mut held: Vec<Duration> = draws(&d, 40 * MS, 4_000).iter().map(|h| h.hold).collect();
        held.sort();
        assert!(
            (35 * MS..45 * MS).contains(&held[2_000]),
            "{:?}",
            held[2_000]
        );
    }

    #[test]
    fn validation_keeps_every_hold_within_60s() {
        let tail: DelayDist = "tail:p=0.1,x=100".parse().unwrap();
        assert!(tail.validate(Duration::from_secs(1)).is_err());
        assert!(tail.validate(100 * MS).is_ok());
        let ln: DelayDist = "lognormal:p99=50ms".parse().unwrap();
        assert!(ln.validate(100 * MS).is_err(), "p99 below the median");
        assert!(ln.validate(10 * MS).is_ok());
        let huge = DelayDist::LogNormal {
            median: Some(Duration::from_secs(30)),
            p99: Duration::from_secs(59),
        };
        assert!(huge.draw(MS, 0.999_999_999, 0.0).hold <= MAX_DELAY);
    }
}
