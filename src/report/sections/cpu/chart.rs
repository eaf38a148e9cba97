//! The cpu chart: speedup against k, the threads or processes that can compute at once (log x), one
//! line per model, with the ideal dashed and a vertical line at the core count, past which no model can
//! gain. Speedups are over N × t₁ (t₁ the median single-task time), and the ideal is min(k, cores) × s
//! for more than one lane (1 for one), s the machine's measured parallel scaling: the same baseline as
//! the table's ideal column, N × t₁ / (min(k, cores) × s), so a point on the dashed line is a case at
//! 100 % efficiency in the table. Files without t₁ fall back to the sequential case as the baseline;
//! files without s (before schema version 2) use s = 1, and the caption says so.

use super::data::CpuPoint;
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::notes::PointNotes;
use crate::render::series::{by_model, dashed, model_lines, whisker, Series};
use crate::render::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::data::ReportData;
use crate::report::flags::{self, Flags};
use crate::report::interval::{self, Interval};
use crate::results::CaseResult;
use crate::workload::ideal_speedup;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub struct CpuChart {
    pub cores: usize,
    /// What the speedups are relative to: N × t₁, or the sequential case without t₁.
    pub baseline: String,
    pub points: Vec<CpuPoint>,
    /// Caption lines: t₁ and s as used.
    pub constants: Vec<String>,
}

/// The cpu cases as the chart draws them, or None when no baseline can be had.
pub fn cpu_chart(data: &ReportData) -> Option<CpuChart> {
    let cases: Vec<&CaseResult> = data
        .group(crate::names::Group::Cpu)
        .into_iter()
        .filter(|c| !c.samples.is_empty() && c.summary.makespan.median > 0.0)
        .collect();
    let cores = data.cores();
    // Each case over its own N × t₁, so the chart agrees with the table's efficiency case by case:
    // where every repetition was calibrated beside it, the N × t₁ that its efficiency implies at the
    // median makespan (the table's efficiency is the median of the repetitions' own).
    let ideal_of = |c: &CaseResult| ideal_speedup(c.params.cpu_lanes.max(1) as f64, cores, c.scaling.unwrap_or(1.0));
    let t1_base = |c: &CaseResult| {
        let paired = c.samples.iter().all(|s| s.ideal_s.is_some());
        match (c.summary.efficiency, paired) {
            (Some(e), true) => Some(e * ideal_of(c) * c.summary.makespan.median),
            _ => c.t1_s.map(|t1| c.params.tasks as f64 * t1),
        }
    };
    let sequential = if cases.iter().all(|c| t1_base(c).is_some()) {
        None
    } else {
        let seq = cases
            .iter()
            .find(|c| c.params.model == crate::names::ModelKind::Sequential)?;
        Some(seq.summary.makespan.median)
    };
    let base = |c: &CaseResult| sequential.or_else(|| t1_base(c));
    let baseline = match sequential {
        None => "N × t₁".to_string(),
        Some(_) => "the sequential case (no t₁ recorded)".to_string(),
    };
    let points: Vec<CpuPoint> = cases
        .iter()
        // A case whose ideal is unreliable would be a point above the ideal line: its caption note
        // says so instead.
        .filter(|c| c.summary.ideal_unreliable.is_none())
        .filter_map(|c| {
            let b = base(c)?;
            let k = c.params.cpu_lanes.max(1);
            let scaling = c.scaling;
            Some(CpuPoint {
                model: c.params.model,
                label: crate::report::data::label(c),
                k,
                speedup: b / c.summary.makespan.median,
                ci: Interval::of(c)
                    .filter(|i| i.low > 0.0)
                    .map(|i| i.map(|m| b / m)),
                ideal: ideal_speedup(k as f64, cores, scaling.unwrap_or(1.0)),
                scaling,
                flags: Flags::of(c),
            })
        })
        .collect();
    let mut constants = constants(&cases, &baseline);
    for c in cases.iter().filter(|c| c.summary.ideal_unreliable.is_some()) {
        constants.push(format!(
            "{}: not drawn, {}: the ideal measured beside its repetitions ({}) is above what they \
             took ({}).",
            crate::report::data::label(c),
            crate::report::flags::IDEAL_UNRELIABLE,
            c.ideal_s.map_or("–".into(), fmt::secs),
            fmt::secs(c.summary.makespan.median)
        ));
    }
    (!points.is_empty()).then_some(CpuChart {
        cores,
        baseline,
        points,
        constants,
    })
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    cpu_chart(data).map(|c| Box::new(c) as Box<dyn Chart>)
}

/// A figure every case shares, or its range when they differ (each case calibrates at its own task
/// size); None when no case has it.
fn shared(values: &[Option<f64>], show: impl Fn(f64) -> String) -> Option<String> {
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    if known.is_empty() {
        return None;
    }
    let lo = known.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut out = match show(lo) == show(hi) {
        true => show(lo),
        false => format!("{} to {} across the cases", show(lo), show(hi)),
    };
    if known.len() < values.len() {
        out += " (absent for some cases)";
    }
    Some(out)
}

/// t₁ and s as the cases recorded them, and what the speedups are over.
fn constants(cases: &[&CaseResult], baseline: &str) -> Vec<String> {
    let t1: Vec<Option<f64>> = cases.iter().map(|c| c.t1_s).collect();
    let s: Vec<Option<f64>> = cases.iter().map(|c| c.scaling).collect();
    // Files before schema version 2 (no s) calibrated t₁ as the fastest task, not the median.
    let old = cases.iter().all(|c| c.scaling.is_none());
    let t1 = match (shared(&t1, fmt::secs), old) {
        (Some(v), false) => format!("t₁ = {v}, the median time of one task alone"),
        (Some(v), true) => format!(
            "t₁ = {v}, as the file recorded it (before schema version 2: the fastest task of the \
             calibration, not the median)"
        ),
        (None, _) => "t₁ was not recorded".to_string(),
    };
    let s = match shared(&s, |v| format!("{v:.2}")) {
        Some(v) => format!("s = {v}, the machine's measured parallel scaling"),
        None => "s was not measured (a file before schema version 2) and is taken as 1".to_string(),
    };
    vec![
        format!("{t1}; {s}."),
        format!(
            "Speedup is over {baseline}; the ideal drawn is min(k, cores) × s for more than one \
             lane and 1 for one: the table's ideal N × t₁ / (min(k, cores) × s) seen as a speedup."
        ),
    ]
}

impl CpuChart {
    fn series(&self) -> Vec<Series> {
        by_model(self.points.iter().map(|p| (p.model, p.k as f64, p.speedup)))
    }

    /// The distinct scalings of the cases (None: not measured, 1 used), one ideal curve each.
    fn scalings(&self) -> Vec<Option<f64>> {
        let mut out: Vec<Option<f64>> = Vec::new();
        for p in &self.points {
            let same = |s: &Option<f64>| match (s, p.scaling) {
                (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                (a, b) => a.is_none() && b.is_none(),
            };
            if !out.iter().any(same) {
                out.push(p.scaling);
            }
        }
        out
    }

    fn ideal_label(&self) -> String {
        let s: Vec<String> = self
            .scalings()
            .iter()
            .map(|s| s.map_or("1 (not measured)".into(), |s| format!("{s:.2}")))
            .collect();
        format!(
            "ideal: speedup = min(k, cores) × s, s = {} (1 for one lane)",
            s.join(" / ")
        )
    }

    fn legend(&self) -> Vec<Entry> {
        let mut l: Vec<Entry> = self.series().iter().map(Series::entry).collect();
        if let Some(w) = interval::whisker_legend(self.points.iter().filter_map(|p| p.ci)) {
            l.push((Mark::Tick(style::TEXT), w));
        }
        l.push((Mark::Dashed(style::IDEAL), self.ideal_label()));
        l.push((Mark::Tick(style::REFERENCE), self.cores_label()));
        let flags: Vec<&Flags> = self.points.iter().map(|p| &p.flags).collect();
        if let Some(f) = flags::legend(&flags) {
            l.push((Mark::Tick(style::TEXT), f));
        }
        l
    }

    fn cores_label(&self) -> String {
        format!("{} cores", self.cores)
    }
}

impl Plot for CpuChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "cpu",
            title: format!("CPU-bound work: speedup over {}", self.baseline),
            how_to_read:
                "Speedup (N × t₁, the tasks' time one after another, over the model's makespan) \
                against k, the threads or processes that can compute at once (log scale): the \
                model's bound, 1 for one event loop, the runtime's threads for async. The dashed \
                line is the ideal, min(k, cores) × s: perfect use of every core, discounted by the \
                scaling s the machine itself reached with all cores busy; a point on it is a case \
                at 100 % efficiency in the table. The vertical line is the core count, beyond which \
                extra threads only take turns. A whisker is the interval of the median (none for \
                one sample); ! marks an unstable case.",
            takeaway: sentences::cpu(&self.points, self.cores),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let mut ks: Vec<f64> = self.points.iter().map(|p| p.k as f64).collect();
        ks.push(self.cores as f64);
        ks.sort_by(f64::total_cmp);
        ks.dedup();
        let x_range = axis::log_range(ks.iter().copied());
        let top = axis::linear_top(
            self.points
                .iter()
                .flat_map(|p| [p.speedup, p.ci.map_or(0.0, |i| i.high)]),
            self.cores as f64,
            1.4,
        );
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(
                x_range.clone().log_scale().with_key_points(ks.clone()),
                0.0..top,
            )?;
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(style::GRID_LIGHT)
            .x_desc("k: threads or processes that can compute at once (log scale)")
            .y_desc("speedup, ×")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| fmt::tick(*v))
            .label_style(font(TICK_SIZE))
            .axis_desc_style(font(style::AXIS_DESC_SIZE))
            .draw()?;
        // min(k, cores) × s is a curve on a log x axis up to the cores: sample it finely from two
        // lanes on, after the single lane's 1.
        let (lo, hi) = (x_range.start, x_range.end);
        let from = lo.max(2.0);
        for s in self.scalings() {
            let mut ideal = Vec::new();
            if lo <= 1.0 {
                ideal.push((1.0, 1.0));
            }
            ideal.extend(
                (0..=60)
                    .map(|i| from * (hi / from).powf(i as f64 / 60.0))
                    .filter(|&x| x <= hi)
                    .map(|x| (x, ideal_speedup(x, self.cores, s.unwrap_or(1.0)).min(top))),
            );
            dashed(&mut chart, &ideal, style::IDEAL)?;
        }
        let c = self.cores as f64;
        chart.draw_series([PathElement::new(
            vec![(c, 0.0), (c, top)],
            style::REFERENCE.stroke_width(2),
        )])?;
        chart.draw_series([Text::new(
            self.cores_label(),
            (c * 1.03, top * 0.97),
            font(style::VALUE_SIZE).pos(Pos::new(HPos::Left, VPos::Top)),
        )])?;
        for p in &self.points {
            if let Some(i) = p.ci {
                whisker(&mut chart, p.model, p.k as f64, (i.low, i.high))?;
            }
        }
        model_lines(&mut chart, &self.series())?;
        let mut notes = PointNotes::new();
        for p in &self.points {
            let mark = p.flags.mark();
            if !mark.is_empty() {
                notes.draw(&mut chart, p.model, (p.k as f64, p.speedup), mark.trim())?;
            }
        }
        Ok(())
    }

    fn notes(&self) -> Vec<String> {
        self.constants.clone()
    }
}
