//! The pipeline chart: for each pipeline case, one panel drawn from its typical repetition (the one
//! nearest the median), with one line per stage counting the items that stage has finished over time.
//! Every item leaves download, then resize, then upload, so the lines run left to right in that order
//! and the horizontal gap between two is how long an item spent between them, the vertical gap how
//! many were between them at once — queued, or in the later stage's hands. A dashed line rises at the
//! rate of the stage that bounds the ideal and reaches N at the ideal makespan.

use super::data::{stage_name, Flow};
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::series::dashed;
use crate::render::style::{self, MARGIN, STAGE_COLOURS, SWEEP_PANEL_HEIGHT, TICK_SIZE};
use crate::report::data::ReportData;
use crate::report::flags::{self, Flags, IDEAL_UNRELIABLE};
use crate::results::CaseResult;
use crate::workload::Params;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub struct PipelineChart {
    pub flows: Vec<Flow>,
    /// Caption lines: the stages as the cases configured them.
    pub constants: Vec<String>,
}

/// Panels side by side, at most this many to a row.
const COLUMNS: usize = 2;

pub const IDEAL: &str = "ideal: the slowest stage's rate, ending at the ideal makespan";

/// The pipeline cases as the chart draws them, in run order.
pub fn flows(data: &ReportData) -> Vec<Flow> {
    data.group(crate::names::Group::Pipeline)
        .into_iter()
        .filter_map(|c| Flow::of(c, data))
        .collect()
}

pub fn pipeline_chart(data: &ReportData) -> Option<PipelineChart> {
    let flows = flows(data);
    if flows.is_empty() {
        return None;
    }
    Some(PipelineChart {
        constants: constants(&data.group(crate::names::Group::Pipeline)),
        flows,
    })
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    pipeline_chart(data).map(|c| Box::new(c) as Box<dyn Chart>)
}

/// The stages as each distinct configuration set them: workers, what each does, the queues.
fn constants(cases: &[&CaseResult]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in cases {
        let Params::Pipeline(p) = &c.params.workload else {
            continue;
        };
        let resize = match c.t1_s {
            Some(t1) => format!("counting, t₁ = {}", fmt::secs(t1)),
            None => format!("counting, sized to {} ms", p.cpu_ms),
        };
        let [d, r, u] = p.workers;
        let line = format!(
            "Stages: {} with {d} workers (a GET the server holds {} ms), {} with {r} ({resize}), \
             {} with {u} (a GET held {} ms); queues of {} items between them.",
            stage_name(0),
            p.download_ms,
            stage_name(1),
            stage_name(2),
            p.upload_ms,
            p.queue
        );
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

impl PipelineChart {
    fn stages(&self) -> usize {
        self.flows.iter().map(|f| f.exits.len()).max().unwrap_or(0)
    }

    fn legend(&self) -> Vec<Entry> {
        let mut l: Vec<Entry> = (0..self.stages())
            .map(|i| {
                (
                    Mark::Line(stage_colour(i)),
                    format!("items done: {}", stage_name(i)),
                )
            })
            .collect();
        if self.flows.iter().any(|f| f.bound.is_some()) {
            l.push((Mark::Dashed(style::IDEAL), IDEAL.to_string()));
        }
        let flags: Vec<&Flags> = self.flows.iter().map(|f| &f.flags).collect();
        if let Some(f) = flags::legend(&flags) {
            l.push((Mark::Tick(style::TEXT), f));
        }
        l
    }

    fn rows(&self) -> usize {
        self.flows.len().div_ceil(COLUMNS)
    }

    fn columns(&self) -> usize {
        self.flows.len().clamp(1, COLUMNS)
    }
}

/// Points a line keeps: a panel is a few hundred pixels wide, so a run of 10,000 items drawn point by
/// point would only make the SVG heavy. Every k-th step is kept, and the last, so the line still ends
/// at N.
const MAX_POINTS: usize = 1_500;

fn thin(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    if points.len() <= MAX_POINTS {
        return points;
    }
    let step = points.len().div_ceil(MAX_POINTS);
    let last = *points.last().expect("more than MAX_POINTS points");
    let mut out: Vec<(f64, f64)> = points.into_iter().step_by(step).collect();
    if out.last() != Some(&last) {
        out.push(last);
    }
    out
}

fn stage_colour(i: usize) -> RGBColor {
    STAGE_COLOURS[i % STAGE_COLOURS.len()]
}

impl Plot for PipelineChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "pipeline",
            title: "Pipeline: items done per stage over time".into(),
            how_to_read: "One panel per model, drawn from one typical repetition (the one nearest \
                the median). Each line counts the items a stage has finished: download, then \
                resize, then upload, so they run left to right in that order. The vertical gap \
                between two lines is how many items were between those stages at that moment — \
                waiting in the queue or in the later stage's hands — and the horizontal gap how \
                long one item took to cross; lines lying on each other mean nothing queued. The \
                dashed line rises at the rate of the stage that bounds the ideal and reaches N at \
                the ideal makespan: a model's lines as steep as it keep the bottleneck busy.",
            takeaway: sentences::pipeline(&self.flows),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, 90 + self.rows() as u32 * SWEEP_PANEL_HEIGHT),
        }
    }

    fn notes(&self) -> Vec<String> {
        self.constants.clone()
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        // One time axis and one count axis for every panel, so their slopes compare by eye.
        let x_max = axis::linear_top(
            self.flows.iter().flat_map(|f| {
                let last = f.exits.iter().filter_map(|e| e.last().copied());
                last.chain([f.makespan, f.ideal.unwrap_or(0.0)])
            }),
            1e-3,
            1.05,
        );
        // Room above N for the line of words on the gaps.
        let y_max = axis::linear_top(self.flows.iter().map(|f| f.items as f64), 1.0, 1.15);
        let panels = area.split_evenly((self.rows(), self.columns()));
        for (flow, panel) in self.flows.iter().zip(panels.iter()) {
            let verdict = match flow.efficiency {
                Some(e) => format!("{} efficiency", fmt::pct(e)),
                None if flow.flags.failures > 0 => "tasks failed".into(),
                None if flow.flags.ideal_unreliable.is_some() => IDEAL_UNRELIABLE.into(),
                None => "no ideal".into(),
            };
            let mut chart = ChartBuilder::on(panel)
                .caption(
                    format!(
                        "{}: median {}, {verdict}",
                        flow.flags.label(&flow.label),
                        fmt::secs(flow.median)
                    ),
                    font(style::SUBTITLE_SIZE),
                )
                .margin(MARGIN / 2)
                .x_label_area_size(40)
                .y_label_area_size(56)
                .build_cartesian_2d(0.0..x_max, 0.0..y_max)?;
            chart
                .configure_mesh()
                .bold_line_style(style::GRID)
                .light_line_style(style::GRID_LIGHT)
                .x_labels(6)
                .y_labels(6)
                .x_desc("seconds from the start")
                .y_desc("items done")
                .x_label_formatter(&|v| fmt::tick(*v))
                .y_label_formatter(&|v| fmt::count(v.max(0.0) as u64))
                .label_style(font(TICK_SIZE - 2))
                .axis_desc_style(font(TICK_SIZE - 2))
                .draw()?;
            if let Some(b) = flow.bound {
                let n = flow.items as f64;
                dashed(
                    &mut chart,
                    &[(b.through, 0.0), (b.through + n / b.rate, n)],
                    style::IDEAL,
                )?;
            }
            for stage in 0..flow.exits.len() {
                chart.draw_series(LineSeries::new(
                    thin(flow.counts(stage)),
                    stage_colour(stage).stroke_width(style::LINE_WIDTH),
                ))?;
            }
            // Lines that lie on each other hide their gaps: the deepest of each is said in words.
            let gaps: Vec<String> = (1..flow.exits.len())
                .map(|s| format!("{} before {}", flow.most_between(s), stage_name(s)))
                .collect();
            if !gaps.is_empty() {
                chart.draw_series([Text::new(
                    format!("most items between stages: {}", gaps.join(", ")),
                    (x_max * 0.02, y_max * 0.985),
                    font(style::VALUE_SIZE).pos(Pos::new(HPos::Left, VPos::Top)),
                )])?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_thinned_and_still_ends_at_n() {
        let points: Vec<(f64, f64)> = (0..=10_000).map(|i| (i as f64, i as f64)).collect();
        let kept = thin(points);
        assert!(kept.len() <= MAX_POINTS + 1, "{}", kept.len());
        assert_eq!(kept.first(), Some(&(0.0, 0.0)));
        assert_eq!(kept.last(), Some(&(10_000.0, 10_000.0)));
        let short = vec![(0.0, 0.0), (1.0, 1.0)];
        assert_eq!(thin(short.clone()), short);
    }
}
