//! The seed chart: the talk's clients as one horizontal bar per seed case — the measured median with the
//! interval of the median as a whisker when there are samples enough for one — beside a grey bar for
//! its ideal, the talk's published Python time as a red tick on the cases that reproduce one of its
//! clients, and the same client measured in Python on this machine (its `py-*` twin, folded into the
//! Rust row) as an orange tick: three sources per client. A case without an ideal gets no grey bar
//! and one whose tasks failed no efficiency; its value label says which.

use super::data::SeedBar;
use super::sentences;
use super::talk::talk_time;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::rows::{case_rows, ideal_bar, measured_bar, row_y, whisker};
use crate::render::style::{self, CASE_LABEL_AREA, MARGIN, VALUE_SIZE};
use crate::report::data::{self, ReportData};
use crate::report::flags::{self, Flags, IDEAL_UNRELIABLE};
use crate::report::interval::{self, Interval};
use crate::results::CaseResult;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

// How a bar is labelled lives here, beside the drawing; what it holds lives in `data`.
impl SeedBar {
    /// What follows the median on its row: the efficiency, or why there is none.
    fn verdict(&self) -> String {
        match (self.efficiency, self.ideal) {
            (Some(e), _) => fmt::pct(e),
            (None, _) if self.flags.failures > 0 => "no efficiency: tasks failed".into(),
            (None, _) if self.flags.ideal_unreliable.is_some() => IDEAL_UNRELIABLE.into(),
            (None, None) => "no ideal".into(),
            (None, Some(_)) => "no efficiency".into(),
        }
    }

    /// The row's value label: the median, its verdict, and the Python times beside it.
    fn value_label(&self) -> String {
        let mut label = format!("{} · {}", fmt::secs(self.median), self.verdict());
        if let Some(here) = self.python_here {
            label += &format!(" · Python here {}", fmt::secs(here));
        }
        if let Some(t) = self.talk {
            label += &format!(" · talk {}", fmt::secs(t.seconds));
        }
        label
    }

    /// Where the row's marks end on the axis, seconds: its label starts after the furthest.
    fn right(&self) -> f64 {
        let mut right = self.median.max(self.ci.map_or(0.0, |i| i.high));
        for t in [self.talk.map(|t| t.seconds), self.python_here].into_iter().flatten() {
            right = right.max(t);
        }
        right
    }
}

pub struct SeedChart {
    pub bars: Vec<SeedBar>,
}

pub const MEASURED: &str = "measured median";
pub const IDEAL: &str = "ideal";
pub const PYTHON: &str = "Python, as published in the talk";
pub const PYTHON_HERE: &str = "Python on this machine";

/// The median of `rust`'s Python twin among `cases`: the `py-*` model of its shape, with its N, k and
/// workload, measured with no failure.
fn python_here(cases: &[&CaseResult], rust: &CaseResult) -> Option<f64> {
    cases
        .iter()
        .find(|c| {
            c.params.model.rust_twin() == Some(rust.params.model)
                && c.params.tasks == rust.params.tasks
                && c.params.limit == rust.params.limit
                && c.params.workload == rust.params.workload
                && !c.samples.is_empty()
                && c.summary.failures == 0
        })
        .map(|c| c.summary.makespan.median)
}

/// The seed cases as the chart draws them, in run order; a Python case is a mark on its Rust twin's
/// row, not a row of its own.
pub fn bars(data: &ReportData) -> Vec<SeedBar> {
    let cases = data.group(crate::names::Group::Seed);
    cases
        .iter()
        .filter(|c| !c.samples.is_empty() && !c.params.model.is_python())
        .map(|c| SeedBar {
            label: data::label(c),
            median: c.summary.makespan.median,
            ci: Interval::of(c),
            ideal: c.ideal_s,
            efficiency: c.summary.efficiency,
            talk: talk_time(c),
            python_here: python_here(&cases, c),
            first_result: data::first_result_p50(c),
            flags: Flags::of(c),
        })
        .collect()
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let bars = bars(data);
    (!bars.is_empty()).then(|| Box::new(SeedChart { bars }) as Box<dyn Chart>)
}

impl SeedChart {
    fn legend(&self) -> Vec<Entry> {
        let mut l = vec![(Mark::Bar(MEASURED_COLOUR), MEASURED.to_string())];
        if let Some(w) = interval::whisker_legend(self.bars.iter().filter_map(|b| b.ci)) {
            l.push((Mark::Tick(style::TEXT), w));
        }
        l.push((Mark::Bar(IDEAL_COLOUR), IDEAL.to_string()));
        if self.bars.iter().any(|b| b.talk.is_some()) {
            l.push((Mark::Tick(style::PYTHON), PYTHON.to_string()));
        }
        if self.bars.iter().any(|b| b.python_here.is_some()) {
            l.push((Mark::Tick(style::PYTHON_HERE), PYTHON_HERE.to_string()));
        }
        let flags: Vec<&Flags> = self.bars.iter().map(|b| &b.flags).collect();
        if let Some(f) = flags::legend(&flags) {
            l.push((Mark::Tick(style::TEXT), f));
        }
        l
    }
}

const MEASURED_COLOUR: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
const IDEAL_COLOUR: RGBColor = RGBColor(0xc8, 0xc8, 0xc8);

impl Plot for SeedChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "seed",
            title: "The talk's clients: measured makespan beside the ideal".into(),
            how_to_read: "One row per seed case (3 slow-server workers, 1 s per request). The blue bar \
                is the median makespan with the confidence interval of the median as a whisker (its \
                coverage in the legend; none for a single sample); the grey bar below it is the \
                ideal, what physics allows. A red tick marks the time the talk \
                published for the same client in Python, an orange tick the same client in Python measured \
                here (python/concbench_py, the talk's libraries). Shorter is better; a blue bar as long as its \
                grey one is a model that wastes nothing.",
            takeaway: sentences::seed(&self.bars),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.bars.iter().all(|b| b.python_here.is_none()) {
            notes.push(
                "Python on this machine: not measured (no python env when the seed ran: `make \
                 python-env`, then run the seed suite again)."
                    .to_string(),
            );
        }
        let missing: Vec<String> = self
            .bars
            .iter()
            .filter(|b| b.ideal.is_none())
            .map(|b| b.flags.label(&b.label))
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "No ideal is known for {}, so it has no grey bar and no efficiency.",
                missing.join(", ")
            ));
        }
        notes
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
                    b.talk.map_or(0.0, |t| t.seconds),
                    b.python_here.unwrap_or(0.0),
                ]
            })
            .filter_map(axis::on_axis)
            .fold(0.0f64, f64::max)
            .max(1e-3);
        // Room on the right for the value labels: half the longest bar again, or more where a row's
        // label is wider than that, so that every label ends inside the plot.
        let plot_px = f64::from(area.dim_in_pixel().0) - f64::from(CASE_LABEL_AREA + 2 * MARGIN);
        let value = font(VALUE_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        let mut x_max = longest * 1.5;
        for b in &self.bars {
            let label_px = f64::from(area.estimate_text_size(&b.value_label(), &value)?.0);
            // right / x_max × plot + 1 % of it for the gap + the label ≤ plot, with a little slack.
            let share = 0.97 - label_px / plot_px;
            x_max = x_max.max(b.right() / share.max(0.2));
        }
        // Row i from the top sits at y = n-1-i; the measured bar above its centre, the ideal below.
        let labels: Vec<String> = self.bars.iter().map(|b| b.flags.label(&b.label)).collect();
        let mut chart = case_rows(
            &area,
            0.0..x_max,
            &labels,
            CASE_LABEL_AREA,
            "makespan, seconds",
        )?;
        for (i, b) in self.bars.iter().enumerate() {
            let y = row_y(i, n);
            let mid = y + 0.22;
            measured_bar(&mut chart, y, b.median, MEASURED_COLOUR)?;
            if let Some(ideal) = b.ideal {
                ideal_bar(&mut chart, y, ideal, IDEAL_COLOUR)?;
            }
            if let Some(ci) = b.ci {
                whisker(&mut chart, y, (ci.low, ci.high))?;
            }
            if let Some(t) = b.talk {
                chart.draw_series([PathElement::new(
                    vec![(t.seconds, y - 0.02), (t.seconds, y + 0.46)],
                    style::PYTHON.stroke_width(4),
                )])?;
            }
            if let Some(here) = b.python_here {
                chart.draw_series([PathElement::new(
                    vec![(here, y - 0.02), (here, y + 0.46)],
                    style::PYTHON_HERE.stroke_width(4),
                )])?;
            }
            let gap = x_max * 0.01;
            chart.draw_series([Text::new(
                b.value_label(),
                (b.right() + gap, mid),
                value.clone(),
            )])?;
            chart.draw_series([match b.ideal {
                Some(ideal) => Text::new(
                    format!("ideal {}", fmt::secs(ideal)),
                    (ideal + gap, y - 0.22),
                    value.color(&style::IDEAL),
                ),
                None => Text::new(
                    "no ideal known".to_string(),
                    (gap, y - 0.22),
                    value.color(&style::IDEAL),
                ),
            }])?;
        }
        Ok(())
    }
}
