//! The mixed chart: the aiomultiprocess article's question — one event loop whose CPU work blocks it,
//! against event loops in several processes and the models between — as one horizontal bar per mixed
//! case: the measured median in the model's colour (the interval of the median as a whisker when there
//! are samples enough for one) beside a grey bar for its ideal, with a tick where computing alone
//! would end (N × t₁ over the lanes that can count at once), so an ideal bar ending at its tick is
//! bounded by computing and one reaching past it by waiting.

use super::data::MixedBar;
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::rows::{case_rows, ideal_bar, measured_bar, row_y, whisker};
use crate::render::style::{self, CASE_LABEL_AREA, VALUE_SIZE};
use crate::report::data::ReportData;
use crate::report::flags::{self, Flags, IDEAL_UNRELIABLE};
use crate::report::interval;
use crate::results::CaseResult;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub struct MixedChart {
    pub bars: Vec<MixedBar>,
    /// Caption lines: t₁, the waits, N.
    pub constants: Vec<String>,
}

pub const MEASURED: &str = "measured median (bar in the model's colour)";
pub const IDEAL: &str = "ideal";
pub const COMPUTING: &str = "computing alone: N × t₁ over the lanes that can count at once";

/// The mixed cases as the chart draws them, in run order.
pub fn bars(data: &ReportData) -> Vec<MixedBar> {
    data.group(crate::names::Group::Mixed)
        .into_iter()
        .filter_map(|c| MixedBar::of(c, data.cores()))
        .collect()
}

pub fn mixed_chart(data: &ReportData) -> Option<MixedChart> {
    let bars = bars(data);
    if bars.is_empty() {
        return None;
    }
    let cases: Vec<&CaseResult> = data.group(crate::names::Group::Mixed);
    Some(MixedChart {
        constants: constants(&cases, &bars),
        bars,
    })
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    mixed_chart(data).map(|c| Box::new(c) as Box<dyn Chart>)
}

/// What every bar's ideal used: t₁ against the CPU part's intended time, and the waits.
fn constants(cases: &[&CaseResult], bars: &[MixedBar]) -> Vec<String> {
    let mut out = Vec::new();
    let t1: Vec<f64> = bars.iter().filter_map(|b| b.split.t1).collect();
    let intended = cases
        .iter()
        .find_map(|c| c.params.workload.nominal_cpu())
        .map(|c| c.t1);
    let range = |xs: &[f64], show: &dyn Fn(f64) -> String| {
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        match show(lo) == show(hi) {
            true => show(lo),
            false => format!("{} to {}", show(lo), show(hi)),
        }
    };
    match (t1.is_empty(), intended) {
        (true, _) => out.push(
            "t₁ was not recorded, so no ideal, no computing tick and no split of the time.".into(),
        ),
        (false, Some(i)) => out.push(format!(
            "t₁ = {}, the calibrated time of one CPU part alone (the run sized each part to {}).",
            range(&t1, &fmt::secs),
            fmt::secs(i)
        )),
        (false, None) => out.push(format!(
            "t₁ = {}, the calibrated time of one CPU part alone.",
            range(&t1, &fmt::secs)
        )),
    }
    let waits: Vec<f64> = bars.iter().map(|b| b.split.waiting).collect();
    let tasks: Vec<f64> = bars.iter().map(|b| b.tasks as f64).collect();
    out.push(format!(
        "N = {} tasks, whose seeded waits (the same for every model) add up to {}.",
        range(&tasks, &|n| fmt::count(n as u64)),
        range(&waits, &fmt::secs)
    ));
    out
}

// How a bar is labelled lives here, beside the drawing; what it holds lives in `data`.
impl MixedBar {
    /// What follows the median on its row: the efficiency, or why there is none.
    fn verdict(&self) -> String {
        match (self.efficiency, self.ideal) {
            (Some(e), _) => format!("{} efficiency", fmt::pct(e)),
            (None, _) if self.flags.failures > 0 => "no efficiency: tasks failed".into(),
            (None, _) if self.flags.ideal_unreliable.is_some() => IDEAL_UNRELIABLE.into(),
            (None, None) => "no ideal".into(),
            (None, Some(_)) => "no efficiency".into(),
        }
    }
}

/// The ideal's bar: the ideal's colour, lightened on white so the measured bar stays the one seen
/// first; one solid colour, so the legend's swatch is the same.
fn ideal_fill() -> RGBColor {
    const SHARE: f64 = 0.35;
    let mix = |c: u8| (c as f64 * SHARE + 255.0 * (1.0 - SHARE)).round() as u8;
    let RGBColor(r, g, b) = style::IDEAL;
    RGBColor(mix(r), mix(g), mix(b))
}

impl MixedChart {
    fn legend(&self) -> Vec<Entry> {
        let mut l = vec![(Mark::Bar(style::TEXT), MEASURED.to_string())];
        if let Some(w) = interval::whisker_legend(self.bars.iter().filter_map(|b| b.ci)) {
            l.push((Mark::Tick(style::TEXT), w));
        }
        l.push((Mark::Bar(ideal_fill()), IDEAL.to_string()));
        if self.bars.iter().any(|b| b.split.computing.is_some()) {
            l.push((Mark::Tick(style::IDEAL), COMPUTING.to_string()));
        }
        let flags: Vec<&Flags> = self.bars.iter().map(|b| &b.flags).collect();
        if let Some(f) = flags::legend(&flags) {
            l.push((Mark::Tick(style::TEXT), f));
        }
        l
    }
}

impl Plot for MixedChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "mixed",
            title: "Waiting and computing: one event loop against several".into(),
            how_to_read: "The aiomultiprocess article's task: each task waits a random 0.2–0.7 s, \
                makes a GET, then counts for tens of milliseconds. Its question: does one event loop \
                (async-single), on which every count blocks all other tasks while it runs, fall \
                behind event loops in several processes (async-process-pool) — and where do threads, \
                a thread pool, tokio's threads and its blocking pool land? One row per model: the \
                coloured bar is the median makespan, with the interval of the median as a whisker \
                (none for a single sample); the grey bar below it is the ideal, the larger of what \
                waiting allows (the waits overlap as far as the model's tasks in flight let them) \
                and what computing allows; the dark tick marks computing alone, N × t₁ over the \
                lanes that can count at once, so an ideal ending at its tick is bound by computing. \
                Shorter is better.",
            takeaway: sentences::mixed(&self.bars),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn notes(&self) -> Vec<String> {
        self.constants.clone()
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let n = self.bars.len();
        let longest = self
            .bars
            .iter()
            .flat_map(|b| {
                [
                    b.median,
                    b.ci.map_or(0.0, |i| i.high),
                    b.ideal.unwrap_or(0.0),
                    b.split.computing.unwrap_or(0.0),
                ]
            })
            .filter_map(axis::on_axis)
            .fold(0.0f64, f64::max)
            .max(1e-3);
        // Room on the right for the value labels.
        let x_max = longest * 1.45;
        // Row i from the top sits at y = n-1-i; the measured bar above its centre, the ideal below.
        let labels: Vec<String> = self.bars.iter().map(|b| b.flags.label(&b.label)).collect();
        let mut chart = case_rows(
            &area,
            0.0..x_max,
            &labels,
            CASE_LABEL_AREA,
            "makespan, seconds",
        )?;
        let value = font(VALUE_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        let gap = x_max * 0.01;
        for (i, b) in self.bars.iter().enumerate() {
            let y = row_y(i, n);
            let mid = y + 0.22;
            measured_bar(&mut chart, y, b.median, style::model_colour(b.model))?;
            if let Some(ideal) = b.ideal {
                ideal_bar(&mut chart, y, ideal, ideal_fill())?;
            }
            if let Some(c) = b.split.computing {
                chart.draw_series([PathElement::new(
                    vec![(c, y - 0.46), (c, y + 0.02)],
                    style::IDEAL.stroke_width(3),
                )])?;
            }
            if let Some(ci) = b.ci {
                whisker(&mut chart, y, (ci.low, ci.high))?;
            }
            let right = b.median.max(b.ci.map_or(0.0, |i| i.high));
            chart.draw_series([Text::new(
                format!("{} · {}", fmt::secs(b.median), b.verdict()),
                (right + gap, mid),
                value.clone(),
            )])?;
            let ideal_end = b.ideal.unwrap_or(0.0).max(b.split.computing.unwrap_or(0.0));
            chart.draw_series([match b.ideal {
                Some(ideal) => Text::new(
                    format!("ideal {}", fmt::secs(ideal)),
                    (ideal_end + gap, y - 0.22),
                    value.clone().color(&style::IDEAL),
                ),
                None => Text::new(
                    "no ideal known".to_string(),
                    (ideal_end + gap, y - 0.22),
                    value.clone().color(&style::IDEAL),
                ),
            }])?;
        }
        Ok(())
    }
}
