//! oha: `oha -z D -c C --no-tui --output-format json URL` (keep-alive by default). Its JSON holds
//! `summary.total` (seconds), `statusCodeDistribution` (status → count) and `errorDistribution`
//! (message → count); the rate here is the 2xx responses over the total, like the other tools'.

use super::tool::{gist, Counted, Tool};
use serde_json::Value;
use std::time::Duration;

pub struct Oha;

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
            for (why, n) in errors {
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
