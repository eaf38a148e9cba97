//! `concbench compare`'s arguments: the runs to compare, the practical threshold, the output format,
//! the page, and the gate.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// Result files, directories or machine ids of the store (`this` = this machine), or `cargo bench`
    /// baselines as `criterion:NAME` (target/criterion) or `criterion:DIR:NAME`; the first is the baseline.
    #[arg(required = true, num_args = 2.., value_name = "RUN")]
    pub runs: Vec<String>,
    /// Smallest change worth flagging, percent: a significant change below it is still `~`.
    #[arg(long, default_value = "5", value_parser = parse_percent, value_name = "PERCENT")]
    pub threshold: f64,
    #[arg(long, value_enum, default_value_t = super::Format::Table)]
    pub format: super::Format,
    /// Where machine ids are looked up.
    #[arg(long, default_value = "reports/results")]
    pub store: PathBuf,
    /// Also write an HTML page with charts into DIR (default reports/compare/<a>-vs-<b>/).
    #[arg(long, value_name = "DIR", num_args = 0..=1, require_equals = false)]
    pub html: Option<Option<PathBuf>>,
    /// Exit 1 when a case or a group's geomean is slower than the baseline beyond the threshold,
    /// with a verdict (`noisy`, `~` and `n/a` never fail): a CI gate.
    #[arg(long, value_enum, value_name = "VERDICT")]
    pub fail_on: Option<super::gate::FailOn>,
}

/// `5`, `5%` or `2.5` → percent in [0, 100).
fn parse_percent(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("{s:?} is not a percentage (e.g. 5 or 5%)"))?;
    if (0.0..100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{s} is out of range 0..100 %"))
    }
}
