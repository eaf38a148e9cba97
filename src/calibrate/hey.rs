//! hey: `hey -z D -c C URL` (keep-alive by default, no rate limit). It prints `Total: 2.0017 secs`, a
//! `Status code distribution` of `[200] N responses` lines and, when any, an `Error distribution` of
//! `[n] message` lines. Its own `Requests/sec` counts errors as requests (8,026 "requests/s" against a
//! closed port), so the rate here is the 2xx responses over Total.

use super::tool::{gist, number_after, Counted, Tool};
use std::time::Duration;

pub struct Hey;

impl Tool for Hey {
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
            "10".into(),
            url.into(),
        ]
    }

    fn parse(&self, stdout: &str) -> Result<Counted, String> {
        let duration_s = number_after(stdout, "Total:")
            .filter(|t| t.is_finite() && *t > 0.0)
            .ok_or_else(|| format!("no 'Total: … secs' line; hey said: {}", gist(stdout)))?;
        let (mut ok, mut failed) = (0u64, 0u64);
        let mut section = "";
        for line in stdout.lines() {
            let t = line.trim();
            if t.ends_with("distribution:") {
                section = t;
                continue;
            }
            // `[200]	11874 responses` and `[20]	Get "…": dial tcp …: connection refused`.
            let Some((bracket, rest)) = t.strip_prefix('[').and_then(|r| r.split_once(']')) else {
                continue;
            };
            match section {
                "Status code distribution:" => {
                    let n: u64 = rest
                        .split_whitespace()
                        .next()
                        .and_then(|n| n.parse().ok())
                        .ok_or_else(|| format!("unreadable status line {t:?}"))?;
                    match bracket.parse::<u16>() {
                        Ok(200..=299) => ok += n,
                        _ => failed += n,
                    }
                }
                "Error distribution:" => {
                    failed += bracket
                        .parse::<u64>()
                        .map_err(|_| format!("unreadable error line {t:?}"))?
                }
                _ => {}
            }
        }
        Ok(Counted {
            ok,
            failed,
            duration_s,
        })
    }

    fn version_args(&self) -> Option<&'static [&'static str]> {
        // hey prints no version.
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::tool::fixture;

    #[test]
    fn reads_a_clean_run() {
        let c = Hey.parse(&fixture("hey-c10.txt")).unwrap();
        assert_eq!(
            c,
            Counted {
                ok: 11874,
                failed: 0,
                duration_s: 2.0017
            }
        );
    }

    #[test]
    fn other_statuses_are_failed() {
        let c = Hey.parse(&fixture("hey-non2xx.txt")).unwrap();
        assert_eq!(c.ok, 0);
        assert!(c.failed > 0);
    }

    #[test]
    fn errors_are_counted_not_taken_for_requests() {
        let c = Hey.parse(&fixture("hey-refused.txt")).unwrap();
        assert_eq!((c.ok, c.failed), (0, 20));
        assert_eq!(c.rate(), 0.0, "hey's own Requests/sec said 8026");
    }

    #[test]
    fn garbage_is_an_error_that_quotes_it() {
        let err = Hey.parse("flag provided but not defined: -x").unwrap_err();
        assert!(err.contains("flag provided"), "{err}");
    }
}
