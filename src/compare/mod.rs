//! `concbench compare A B [C…]`: the same cases measured on different machines (or the same machine
//! restricted with `--cpus`), side by side. Inputs are resolved and loaded ([`input`]), their cases
//! matched ([`matching`]), compared into one [`Comparison`] value ([`comparison`], which also holds the
//! decision rules; [`geomean`], a group's own verdict), judged by the gate when `--fail-on` asks
//! ([`gate`]), and rendered from that value alone: terminal table, Markdown, JSON or CSV, and with
//! `--html` a page with charts.

pub mod args;
pub mod charts;
pub mod comparison;
mod csv;
pub mod gate;
pub mod geomean;
mod grid;
pub mod html;
pub mod input;
pub mod machines;
pub mod matching;
pub(crate) mod text;

use args::CompareArgs;
pub use comparison::{Comparison, Rule, Verdict};

crate::names::name_enum! {
    /// Output formats of `concbench compare`.
    pub enum Format {
        /// Aligned columns for a terminal.
        Table = "table",
        Markdown = "markdown",
        /// The whole comparison, every figure, as one JSON document.
        Json = "json",
        /// One line per case and input.
        Csv = "csv",
    }
}

/// Load, match and compare the runs the arguments name, and judge the gate when one is asked for.
pub fn compare(args: &CompareArgs) -> anyhow::Result<Comparison> {
    let inputs = input::load_all(&args.runs, &args.store)?;
    let matched = matching::match_cases(&inputs)?;
    let mut c = comparison::analyse(&inputs, &matched, args.threshold);
    c.gate = args.fail_on.map(|fail_on| gate::judge(&c, fail_on));
    Ok(c)
}

pub fn render(c: &Comparison, format: Format) -> String {
    match format {
        Format::Table => text::render(c, text::Style::Terminal),
        Format::Markdown => text::render(c, text::Style::Markdown),
        Format::Json => serde_json::to_string_pretty(c).expect("a comparison serialises") + "\n",
        Format::Csv => csv::render(c),
    }
}

/// The command: warnings on stderr, the comparison on stdout; exit 1 when the gate fails (the page is
/// still written: it is what a reader of the failure wants).
pub fn compare_main(args: &CompareArgs) -> anyhow::Result<i32> {
    let c = compare(args)?;
    for w in &c.warnings {
        eprintln!("concbench: warning: {w}");
    }
    if c.groups.is_empty() {
        eprintln!("concbench: warning: no case is in every run; nothing to compare");
    }
    crate::output::print(&render(&c, args.format))?;
    if let Some(dir) = &args.html {
        let dir = dir.clone().unwrap_or_else(|| html::default_dir(&c));
        eprintln!("{}", html::write(&c, &dir)?.display());
    }
    match &c.gate {
        Some(gate) if gate.failed => {
            eprintln!("concbench: {}", gate::summary(&c, gate).join("\n  "));
            Ok(1)
        }
        _ => Ok(0),
    }
}
