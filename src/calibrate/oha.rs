//! oha: `oha -z D -c C --no-tui --output-format json URL` (keep-alive by default). Its JSON holds
//! `summary.total` (seconds), `statusCodeDistribution` (status → count) and `errorDistribution`
//! (message → count); the rate here is the 2xx responses over the total, like the other tools'. The
//! requests in flight when the duration ends are counted as errors "aborted due to deadline" (one
//! per connection): an artefact of stopping, not a failure, so they are left out. Its rate mode
//! (`calibrate --rate`): `-q R` requests per second with `--latency-correction`, so latency counts
//! from each request's scheduled time as concbench's open-loop cases do, and `latencyPercentiles`
//! (seconds) read beside the constant-arrival async case.

use super::tool::{gist, Counted, Tool};
use serde_json::Value;
use std::time::Duration;

pub struct Oha;

/// How oha names the requests it cut off when the duration ended.
const DEADLINE: &str = "aborted due to deadline";

impl Tool for Oha {
    fn args(
        &self,
        connections: usize,
        duration: Duration,
        _cores: usize,
        url: &str,
    ) -> Vec<String> {
        vec![
            "-z".into(),
            format!("{}ms", duration.as_millis().max(1)),
            "-c".into(),
            connections.to_string(),
            "-t".into(),
            "10s".into(),
            "--no-tui".into(),
            "--output-format".into(),
            "json".into(),
            url.into(),
        ]
    }

    fn parse(&self, stdout: &str) -> Result<Counted, String> {
        let doc: Value = serde_json::from_str(stdout.trim())
            .map_err(|e| format!("not JSON ({e}); oha said: {}", gist(stdout)))?;
        let duration_s = doc["summary"]["total"]
            .as_f64()
            .filter(|t| t.is_finite() && *t > 0.0)
            .ok_or("no positive summary.total in oha's JSON")?;
        let (mut ok, mut failed) = (0u64, 0u64);
        if let Some(codes) = doc["statusCodeDistribution"].as_object() {
            for (code, n) in codes {
                let n = n
                    .as_u64()
                    .ok_or_else(|| format!("statusCodeDistribution[{code}] is not a count"))?;
                match code.parse::<u16>() {
                    Ok(200..=299) => ok += n,
                    _ => failed += n,
                }
            }
        }
        if let Some(errors) = doc["errorDistribution"].as_object() {
            for (why, n) in errors.iter().filter(|(why, _)| *why != DEADLINE) {
                failed += n
                    .as_u64()
                    .ok_or_else(|| format!("errorDistribution[{why:?}] is not a count"))?;
            }
        }
        Ok(Counted {
            ok,
            failed,
            duration_s,
        })
    }

    fn version_args(&self) -> Option<&'static [&'static str]> {
        Some(&["--version"])
    }
}

/// The arguments of a rate-mode run: `rate` requests per second for `duration` over at most
/// `connections` at once, a connection per request (as concbench's default client), latency from
/// each request's scheduled time.
pub fn rate_args(rate: f64, connections: usize, duration: Duration, url: &str) -> Vec<String> {
    vec![
        "-q".into(),
        format!("{rate}"),
        "--latency-correction".into(),
        "--disable-keepalive".into(),
        "-z".into(),
        format!("{}ms", duration.as_millis().max(1)),
        "-c".into(),
        connections.to_string(),
        "-t".into(),
        "10s".into(),
        "--no-tui".into(),
        "--output-format".into(),
        "json".into(),
        url.into(),
    ]
}

/// p50 and p99 latency of oha's JSON (`latencyPercentiles`), seconds.
pub fn percentiles(stdout: &str) -> Result<(f64, f64), String> {
    let doc: Value = serde_json::from_str(stdout.trim())
        .map_err(|e| format!("not JSON ({e}); oha said: {}", gist(stdout)))?;
    let at = |q: &str| {
        doc["latencyPercentiles"][q]
            .as_f64()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("no latencyPercentiles.{q} in oha's JSON"))
    };
    Ok((at("p50")?, at("p99")?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::tool::fixture;

    #[test]
    fn reads_a_clean_run_and_ignores_what_the_deadline_cut() {
        let c = Oha.parse(&fixture("oha-c10.json")).unwrap();
        assert_eq!(
            c,
            Counted {
                ok: 13869,
                failed: 0,
                duration_s: 2.001575168
            }
        );
    }

    #[test]
    fn rate_mode_reads_its_percentiles_and_asks_for_latency_from_the_schedule() {
        let (p50, p99) = percentiles(&fixture("oha-c10.json")).unwrap();
        assert_eq!((p50, p99), (0.001473209, 0.002016466));
        let args = rate_args(100.0, 20, Duration::from_secs(2), "http://x/delay/50");
        for want in [
            "-q",
            "100",
            "--latency-correction",
            "--disable-keepalive",
            "2000ms",
        ] {
            assert!(args.iter().any(|a| a == want), "{want}: {args:?}");
        }
        assert!(percentiles("{}").unwrap_err().contains("p50"));
    }

    #[test]
    fn errors_are_counted_not_taken_for_requests() {
        let c = Oha.parse(&fixture("oha-refused.json")).unwrap();
        assert_eq!((c.ok, c.failed), (0, 20));
    }

    #[test]
    fn text_instead_of_json_is_an_error_that_quotes_it() {
        let err = Oha
            .parse("error: unexpected argument '--output-format'")
            .unwrap_err();
        assert!(
            err.contains("not JSON") && err.contains("unexpected argument"),
            "{err}"
        );
    }
}
