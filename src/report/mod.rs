//! `concbench report`: renders saved result files — never anything held in memory from a run, so a
//! file from another machine renders the same — into reports/<machine-id>/: index.html (charts inline
//! as SVG, no scripts, no network), report.md (tables and PNG links), results.csv, and every chart as
//! SVG and PNG under charts/. Inputs are loaded by `store::files` and merged in `data`. Each part of
//! the report is a section (`sections/<name>/`: its groups, data, charts, tables and sentences); what
//! sections share lives here beside them — the generic per-case table (`table`) and the client pair
//! (`clients`), the caveats every figure carries (`flags`, `interval`), memory per task (`per_task`),
//! the sweep panel (`sweep`), sentence helpers (`sentence`), the machine noise (`noise`), the machines
//! page (`machines`) — and the exporters (`export`), all drawn and spelled with `render`.

pub mod clients;
pub mod data;
pub mod export;
pub mod flags;
pub mod interval;
pub mod ledger;
pub mod machines;
pub mod noise;
pub mod per_task;
pub mod sections;
pub mod sentence;
pub mod sweep;
pub mod table;

use crate::measure::machine::slug;
use crate::output::{write_atomically, write_atomically_with};
use crate::store::files::{self, Skipped};
use anyhow::Context;
use data::ReportData;
use export::{Exporter, RenderedChart};
use std::path::{Path, PathBuf};

/// `concbench report [FILES or DIRS…]`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Result files, or directories of them (default: the newest complete result of this machine,
    /// under reports/results/<machine-id>/). Files from one machine only.
    pub inputs: Vec<PathBuf>,
    /// Write the report into this directory (default reports/<machine-id>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Whose newest result is the default input (default: this machine's id, as `concbench run`
    /// derives it).
    #[arg(long)]
    pub machine_id: Option<String>,
    /// Add a "cargo bench" table from criterion's results in this directory (e.g. target/criterion).
    #[arg(long, value_name = "DIR")]
    pub criterion: Option<PathBuf>,
    /// Which criterion baseline to read: `new` (the last run), `base`, or a `--save-baseline` name.
    #[arg(
        long,
        default_value = "new",
        value_name = "NAME",
        requires = "criterion"
    )]
    pub baseline: String,
    /// The store of result files per machine id: this machine's default input, and when it holds
    /// several machines, the machines page (machines.html).
    #[arg(long, default_value = "reports/results", value_name = "DIR")]
    pub store: PathBuf,
}

/// What a report wrote.
#[derive(Debug)]
pub struct ReportOutcome {
    pub dir: PathBuf,
    pub index: PathBuf,
    /// Stems of the charts drawn (`seed`, `timeline`, …).
    pub charts: Vec<&'static str>,
    /// Files of named directories that could not be read.
    pub skipped: Vec<Skipped>,
}

/// Load the inputs the arguments name and write the report.
pub fn report(args: &ReportArgs) -> anyhow::Result<ReportOutcome> {
    let default_dir = || {
        let id = match &args.machine_id {
            Some(id) => slug(id),
            None => crate::measure::machine::describe(None).machine_id,
        };
        args.store.join(id)
    };
    let (files, skipped) = files::load(&args.inputs, default_dir)?;
    let mut data = ReportData::merge(files, skipped);
    if let Some(dir) = &args.criterion {
        let benches = crate::store::criterion::cases(dir, &args.baseline)
            .map_err(|e| crate::error::UsageError(format!("{e:#}")))?;
        data.cases.extend(benches);
    }
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("reports").join(slug(&data.machine.machine_id)));
    let machines_page = machines::write(&args.store, &dir)?;
    write_linked(&data, &dir, machines_page)
}

/// Draw every chart the data allows and write every export into `dir`.
pub fn write(data: &ReportData, dir: &Path) -> anyhow::Result<ReportOutcome> {
    write_linked(data, dir, false)
}

/// [`write`], linking machines.html from index.html when `machines_page` says it was written beside.
pub fn write_linked(
    data: &ReportData,
    dir: &Path,
    machines_page: bool,
) -> anyhow::Result<ReportOutcome> {
    let charts_dir = dir.join("charts");
    std::fs::create_dir_all(&charts_dir).with_context(|| {
        format!(
            "cannot create {}; pass --out with a writable directory",
            charts_dir.display()
        )
    })?;
    // A chart absent from this report must not survive from an earlier one and be taken for current.
    for stem in sections::stems() {
        for ext in ["svg", "png"] {
            let _ = std::fs::remove_file(dir.join(export::chart_file(stem, ext)));
        }
    }
    let mut rendered = Vec::new();
    for chart in sections::charts(data) {
        let info = chart.info();
        let svg = chart.svg()?;
        // Each output whole or not at all: a full disk must not leave an empty index.html where a
        // good one was.
        write_atomically(
            &dir.join(export::chart_file(info.stem, "svg")),
            svg.as_bytes(),
        )?;
        write_atomically_with(&dir.join(export::chart_file(info.stem, "png")), |tmp| {
            chart.png(tmp)
        })?;
        rendered.push(RenderedChart {
            info,
            notes: chart.notes(),
            svg,
        });
    }
    let report = export::Rendered {
        data,
        charts: rendered,
        tables: table::tables(data),
        noise: noise::groups(data),
        machines_page,
    };
    for exporter in export::all() {
        let path = dir.join(exporter.file_name());
        write_atomically(&path, exporter.render(&report).as_bytes())?;
    }
    Ok(ReportOutcome {
        dir: dir.to_path_buf(),
        index: dir.join(export::Html.file_name()),
        charts: report.charts.iter().map(|c| c.info.stem).collect(),
        skipped: data.skipped.clone(),
    })
}
