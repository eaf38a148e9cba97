//! The hockey stick: p99 task latency (from each task's scheduled release, log scale) against the
//! offered rate, one line per model, one chart per server (its bounded one and the unbounded one),
//! with each model's ideal dashed in grey. A line that stays on its ideal keeps up; where it turns up
//! the model's queue has started to grow — its knee.

use super::data::{self, Point};
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::series::{by_model, dashed, model_lines, Series};
use crate::render::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::data::ReportData;
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct HockeyStick {
    pub stem: &'static str,
    pub workers: Option<usize>,
    pub points: Vec<Point>,
    pub lines: Vec<Series>,
    /// Each distinct ideal line (rate, p99).
    pub ideals: Vec<Vec<(f64, f64)>>,
}

/// The charts the data allows: one against the first bounded server, one against the unbounded.
pub fn charts(data: &ReportData) -> Vec<Box<dyn Chart>> {
    let points = data::points(data);
    let servers = data::servers(&points);
    let bounded = servers.iter().copied().find(|w| w.is_some());
    let unbounded = servers.iter().copied().find(|w| w.is_none());
    [(bounded, "load-curve-bounded"), (unbounded, "load-curve-unbounded")]
        .into_iter()
        .filter_map(|(w, stem)| w.map(|w| (w, stem)))
        .map(|(workers, stem)| {
            let mine: Vec<Point> = points
                .iter()
                .filter(|p| p.workers == workers)
                .cloned()
                .collect();
            let lines = by_model(mine.iter().map(|p| (p.model, p.rate, p.p99)));
            let mut ideals: Vec<Vec<(f64, f64)>> = Vec::new();
            for l in &lines {
                let mut ideal: Vec<(f64, f64)> = mine
                    .iter()
                    .filter(|p| p.model == l.model)
                    .filter_map(|p| p.ideal.map(|i| (p.rate, i.p99)))
                    .collect();
                ideal.sort_by(|a, b| a.0.total_cmp(&b.0));
                if !ideal.is_empty() && !ideals.contains(&ideal) {
                    ideals.push(ideal);
                }
            }
            Box::new(HockeyStick {
                stem,
                workers,
                points: mine,
                lines,
                ideals,
            }) as Box<dyn Chart>
        })
        .collect()
}

impl HockeyStick {
    fn server(&self) -> String {
        self.workers
            .map_or("the unbounded server".into(), |w| format!("{w} server workers"))
    }
}

impl Plot for HockeyStick {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: self.stem,
            title: format!("Load curve: p99 latency against offered rate, {}", self.server()),
            how_to_read: "Each point is one case: GETs released at a constant offered rate (x) for \
                a fixed window, the p99 of their latency counted from each task's scheduled \
                release, not from when the model got round to sending it (y, log scale); one line \
                per model. The grey dashes are the ideal of the same arrivals served in order by \
                min(k, W) lanes of one request's delay: flat at the delay below the knee \
                (capacity = min(k, W) / delay), climbing past it as the queue grows over the \
                window. A line that turns up before its ideal does is the model's own cost.",
            takeaway: sentences::takeaway(&self.points),
            series: self.lines.iter().map(|l| l.model.to_string()).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn notes(&self) -> Vec<String> {
        sentences::notes(&self.points)
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let mut legend: Vec<Entry> = self.lines.iter().map(Series::entry).collect();
        legend.push((Mark::Dashed(style::IDEAL), "ideal".into()));
        let area = frame(root, &Plot::info(self).title, &legend)?;
        let x_max = axis::linear_top(self.points.iter().map(|p| p.rate), 1.0, 1.08);
        let y = axis::log_range(
            self.points
                .iter()
                .map(|p| p.p99)
                .chain(self.ideals.iter().flatten().map(|p| p.1)),
        );
        let y_ticks = axis::log_ticks(&y);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA + 20)
            .build_cartesian_2d(0.0..x_max, y.log_scale().with_key_points(y_ticks))?;
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(style::GRID_LIGHT)
            .x_desc("offered rate, tasks per second")
            .y_desc("p99 task latency (log scale)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| super::data::tick(*v))
            .label_style(font(TICK_SIZE))
            .axis_desc_style(font(style::AXIS_DESC_SIZE))
            .draw()?;
        for ideal in &self.ideals {
            dashed(&mut chart, ideal, style::IDEAL)?;
        }
        model_lines(&mut chart, &self.lines)?;
        Ok(())
    }
}
