//! wrk: `wrk -t T -c C -d Ds URL`, T = min(cores, C) threads (wrk needs at least one connection per
//! thread), keep-alive as it always is. It prints `N requests in 5.00s, …`, a `Non-2xx or 3xx
//! responses: M` line when some were, and `Socket errors: connect a, read b, write c, timeout d` when
//! any happened; N counts every response, so the answered ones are N − M.

use super::tool::{gist, number_after, Counted, Tool};
use std::time::Duration;

pub struct Wrk;

impl Tool for Wrk {
    fn args(&self, connections: usize, duration: Duration, cores: usize, url: &str) -> Vec<String> {
        // wrk takes whole seconds (its units are s, m, h).
        let secs = duration.as_secs_f64().ceil().max(1.0) as u64;
        let threads = cores.clamp(1, connections.max(1));
        vec![
            format!("-t{threads}"),
            format!("-c{connections}"),
            format!("-d{secs}s"),
            "--timeout".into(),
            "10s".into(),
            url.into(),
        ]
    }

    fn parse(&self, stdout: &str) -> Result<Counted, String> {
        let line = stdout
            .lines()
            .find(|l| l.contains(" requests in "))
            .ok_or_else(|| format!("no 'requests in' line; wrk said: {}", gist(stdout)))?;
        let mut words = line.split_whitespace();
        let requests: u64 = words
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("unreadable request count in {line:?}"))?;
        let span = words
            .nth(2)
            .map(|w| w.trim_end_matches(','))
            .ok_or_else(|| format!("no duration in {line:?}"))?;
        let duration_s =
            seconds(span).ok_or_else(|| format!("unreadable duration {span:?} in {line:?}"))?;
        let non_2xx = number_after(stdout, "Non-2xx or 3xx responses:").unwrap_or(0.0) as u64;
        let socket_errors: u64 = stdout
            .lines()
            .find_map(|l| l.split_once("Socket errors:"))
            .map(|(_, rest)| {
                rest.split(',')
                    .filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok())
                    .sum()
            })
            .unwrap_or(0);
        Ok(Counted {
            ok: requests.saturating_sub(non_2xx),
            failed: non_2xx + socket_errors,
            duration_s,
        })
    }

    fn version_args(&self) -> Option<&'static [&'static str]> {
        Some(&["-v"])
    }
}

/// wrk's time format: a number and one of us, ms, s, m, h.
fn seconds(s: &str) -> Option<f64> {
    let split = s.find(|c: char| c.is_ascii_alphabetic())?;
    let (n, unit) = s.split_at(split);
    let n: f64 = n.parse().ok()?;
    let scale = match unit {
        "us" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return None,
    };
    Some(n * scale).filter(|v| *v > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::tool::fixture;

    #[test]
    fn reads_a_clean_run() {
        let c = Wrk.parse(&fixture("wrk-c10.txt")).unwrap();
        assert_eq!(
            c,
            Counted {
                ok: 13410,
                failed: 0,
                duration_s: 2.0
            }
        );
        assert!((c.rate() - 6705.0).abs() < 1e-9);
    }

    #[test]
    fn non_2xx_answers_are_not_throughput() {
        let c = Wrk.parse(&fixture("wrk-non2xx.txt")).unwrap();
        assert_eq!((c.ok, c.failed), (0, 13362));
    }

    #[test]
    fn socket_errors_count_as_failed() {
        let out = fixture("wrk-c10.txt").replace(
            "Requests/sec:",
            "  Socket errors: connect 0, read 3, write 1, timeout 2\nRequests/sec:",
        );
        assert_eq!(Wrk.parse(&out).unwrap().failed, 6);
    }

    #[test]
    fn a_run_that_could_not_connect_says_what_wrk_said() {
        let err = Wrk.parse(&fixture("wrk-refused.txt")).unwrap_err();
        assert!(err.contains("unable to connect"), "{err}");
    }

    #[test]
    fn threads_never_exceed_connections() {
        let args = Wrk.args(
            1,
            Duration::from_millis(300),
            2,
            "http://127.0.0.1:1/delay/0",
        );
        assert_eq!(args[..3], ["-t1", "-c1", "-d1s"]);
        assert_eq!(
            Wrk.args(100, Duration::from_secs(5), 2, "u")[..3],
            ["-t2", "-c100", "-d5s"]
        );
    }

    #[test]
    fn time_units() {
        assert_eq!(seconds("2.00s"), Some(2.0));
        assert_eq!(seconds("1.00m"), Some(60.0));
        assert_eq!(seconds("500.00ms"), Some(0.5));
        assert_eq!(seconds("2.00"), None);
        assert_eq!(seconds("0.00s"), None);
    }
}
