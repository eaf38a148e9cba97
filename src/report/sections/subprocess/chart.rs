//! The subprocess chart: Effective Python's item 52 as one horizontal bar per subprocess case — the
//! measured median in the model's colour (the interval of the median as a whisker when there are
//! samples enough for one) beside a grey bar for its ideal, a red tick at the book's 1.02 s on the
//! cases that reproduce its run, and each case's start cost per child in its label.

use super::data::{self, short, ChildBar, Others};
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::rows::{case_rows, ideal_bar, measured_bar, row_y, whisker};
use crate::render::style::{self, CASE_LABEL_AREA, VALUE_SIZE};
use crate::report::data::ReportData;
use crate::report::flags::{self, Flags, IDEAL_UNRELIABLE};
use crate::report::interval;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub struct SubprocessChart {
    pub bars: Vec<ChildBar>,
    /// What the scale suite measured of starting a thread and a task, for the takeaway.
    pub others: Others,
}

pub const MEASURED: &str = "measured median (bar in the model's colour)";
pub const IDEAL: &str = "ideal: ⌈N / k⌉ × the child's sleep";
pub const BOOK: &str = "Effective Python (item 52): 10 children of a 1 s sleep at once";

pub fn subprocess_chart(data: &ReportData) -> Option<SubprocessChart> {
    let bars = data::bars(data);
    (!bars.is_empty()).then(|| SubprocessChart {
        bars,
        others: Others::of(data),
    })
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    subprocess_chart(data).map(|c| Box::new(c) as Box<dyn Chart>)
}

// How a bar is labelled lives here, beside the drawing; what it holds lives in `data`.
impl ChildBar {
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

impl SubprocessChart {
    fn legend(&self) -> Vec<Entry> {
        let mut l = vec![(Mark::Bar(style::TEXT), MEASURED.to_string())];
        if let Some(w) = interval::whisker_legend(self.bars.iter().filter_map(|b| b.ci)) {
            l.push((Mark::Tick(style::TEXT), w));
        }
        l.push((Mark::Bar(IDEAL_COLOUR), IDEAL.to_string()));
        if self.bars.iter().any(|b| b.book.is_some()) {
            l.push((Mark::Tick(style::PYTHON), BOOK.to_string()));
        }
        let flags: Vec<&Flags> = self.bars.iter().map(|b| &b.flags).collect();
        if let Some(f) = flags::legend(&flags) {
            l.push((Mark::Tick(style::TEXT), f));
        }
        l
    }
}

const IDEAL_COLOUR: RGBColor = RGBColor(0xc8, 0xc8, 0xc8);

impl Plot for SubprocessChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "subprocess",
            title: "Child processes: makespan beside the ideal".into(),
            how_to_read: "Effective Python's item 52: each task starts a small program the project \
                ships (concbench-child), which sleeps, says so and exits; the task reads what it \
                said and reaps it, and kills it past a timeout. One row per case: the coloured bar \
                is the median makespan, with the interval of the median as a whisker (none for a \
                single sample); the grey bar below it is the ideal, the children's sleeps \
                overlapping as far as the model's tasks in flight let them — starting a child is \
                the model's cost, as starting a thread is. A red tick marks the time the book \
                published for ten children of a 1 s sleep at once. Each label ends with the \
                case's start cost: the median time from a task's spawn call to its child's main \
                running, read on the clock both processes share: a fork, an exec and the \
                program's own start — std's Command (which tokio's wraps) would use posix_spawn, \
                but the hook that ties each child's death to its parent (PR_SET_PDEATHSIG, run \
                between fork and exec) makes it fork and exec. Shorter is better.",
            takeaway: sentences::subprocess(&self.bars, &self.others),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
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
                    b.book.map_or(0.0, |t| t.seconds),
                ]
            })
            .filter_map(axis::on_axis)
            .fold(0.0f64, f64::max)
            .max(1e-3);
        // Room on the right for the value labels.
        let x_max = longest * 1.6;
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
                ideal_bar(&mut chart, y, ideal, IDEAL_COLOUR)?;
            }
            if let Some(ci) = b.ci {
                whisker(&mut chart, y, (ci.low, ci.high))?;
            }
            let mut right = b.median.max(b.ci.map_or(0.0, |i| i.high));
            if let Some(book) = b.book {
                chart.draw_series([PathElement::new(
                    vec![(book.seconds, y - 0.02), (book.seconds, y + 0.46)],
                    style::PYTHON.stroke_width(4),
                )])?;
                right = right.max(book.seconds);
            }
            let mut label = format!("{} · {}", fmt::secs(b.median), b.verdict());
            if let Some(s) = b.start {
                label += &format!(" · start {}", short(s));
            }
            if let Some(book) = b.book {
                label += &format!(" · book {}", fmt::secs(book.seconds));
            }
            chart.draw_series([Text::new(label, (right + gap, mid), value.clone())])?;
            chart.draw_series([match b.ideal {
                Some(ideal) => Text::new(
                    format!("ideal {}", fmt::secs(ideal)),
                    (ideal + gap, y - 0.22),
                    value.clone().color(&style::IDEAL),
                ),
                None => Text::new(
                    "no ideal known".to_string(),
                    (gap, y - 0.22),
                    value.clone().color(&style::IDEAL),
                ),
            }])?;
        }
        Ok(())
    }
}
