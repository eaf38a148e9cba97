//! The memory chart: what one more task in flight costs each model, without the base every process
//! pays once — (peak RSS at N − peak RSS at N = 1) / (N − 1), or the slope from the smallest N when
//! there is no N = 1 case, and per worker process for a process pool (see `report::per_task`) —
//! against the tasks in flight, log-log, one line per model. The caption says which figure each model
//! got and what it includes.

use super::data::MemoryPoint;
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::notes::PointNotes;
use crate::render::series::{by_model, model_lines, Series};
use crate::render::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::data::ReportData;
use crate::report::flags::{self, Flags};
use crate::report::per_task::{self, Basis, ModelCost};
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct MemoryChart {
    /// Figures above zero: the ones a log axis can show.
    pub points: Vec<MemoryPoint>,
    pub costs: Vec<ModelCost>,
}

/// Every figure of the memory group, drawable or not.
pub fn points(costs: &[ModelCost]) -> Vec<MemoryPoint> {
    costs
        .iter()
        .flat_map(|m| &m.figures)
        .map(|f| MemoryPoint {
            model: f.model,
            in_flight: f.in_flight,
            per_task_kib: f.kib,
            peak_kib: f.peak_kib,
            basis: f.basis,
            flags: f.flags.clone(),
        })
        .collect()
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let costs = per_task::costs(&data.group(crate::names::Group::Memory));
    let points: Vec<MemoryPoint> = points(&costs)
        .into_iter()
        .filter(|p| p.per_task_kib > 0.0 && p.per_task_kib.is_finite())
        .collect();
    (!points.is_empty()).then(|| Box::new(MemoryChart { points, costs }) as Box<dyn Chart>)
}

impl MemoryChart {
    fn series(&self) -> Vec<Series> {
        by_model(
            self.points
                .iter()
                .map(|p| (p.model, p.in_flight as f64, p.per_task_kib)),
        )
    }

    /// One entry per model, a pool's saying its figure is per worker process, then the marks.
    fn legend(&self) -> Vec<Entry> {
        let mut legend: Vec<Entry> = self
            .series()
            .iter()
            .map(|s| {
                let (mark, name) = s.entry();
                let per_worker = self
                    .points
                    .iter()
                    .any(|p| p.model == s.model && p.basis == Basis::PerWorker);
                match per_worker {
                    true => (mark, format!("{name} (per worker process)")),
                    false => (mark, name),
                }
            })
            .collect();
        let flags: Vec<&Flags> = self.points.iter().map(|p| &p.flags).collect();
        if let Some(f) = flags::legend(&flags) {
            legend.push((Mark::Tick(style::TEXT), f));
        }
        legend
    }
}

impl Plot for MemoryChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "memory",
            title: "Memory per task in flight, without the base".into(),
            how_to_read: "What one more task in flight adds to peak resident memory, against the \
                tasks in flight, both on log scales, one line per model. Each task sleeps, so the \
                memory is the model's own. The figure leaves out the base every process pays once \
                (runtime, binary, libraries): it is the growth over the same model at N = 1, \
                divided by the tasks added. A process pool is shown per worker process instead: the \
                workers' summed peak RSS over the processes started, each a whole process. ! marks \
                an unstable case.",
            takeaway: sentences::memory(&self.points),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = self
            .costs
            .iter()
            .map(|m| match (m.basis, m.base_n) {
                (Some(b), _) => format!("{}: {}.", m.model, b.describe()),
                (None, Some(n)) => format!(
                    "{}: only N = {} was measured, so it has no figure without the base.",
                    m.model,
                    fmt::count(n as u64)
                ),
                (None, None) => format!("{}: no figure.", m.model),
            })
            .collect();
        let hidden: Vec<String> = points(&self.costs)
            .iter()
            .filter(|p| !(p.per_task_kib > 0.0 && p.per_task_kib.is_finite()))
            .map(|p| {
                format!(
                    "{} at N = {} ({})",
                    p.model,
                    fmt::count(p.in_flight as u64),
                    fmt::kib(p.per_task_kib)
                )
            })
            .collect();
        if !hidden.is_empty() {
            notes.push(format!(
                "Not drawn, since a log axis cannot show growth of zero or less (the base's own \
                 noise was larger): {}.",
                hidden.join(", ")
            ));
        }
        notes.push(per_task::INCLUDES.to_string());
        notes
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let series = self.series();
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let mut xs: Vec<f64> = self.points.iter().map(|p| p.in_flight as f64).collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        let x = axis::log_range(xs.iter().copied())
            .log_scale()
            .with_key_points(xs.clone());
        let y_range = axis::log_range(self.points.iter().map(|p| p.per_task_kib));
        let y_ticks = axis::log_ticks(&y_range);
        let y = y_range.log_scale().with_key_points(y_ticks);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA + 10)
            .build_cartesian_2d(x, y)?;
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(style::GRID_LIGHT)
            .x_desc("tasks in flight; process pool: worker processes (log scale)")
            .y_desc("KiB per task, base excluded (log scale)")
            .x_label_formatter(&|v| fmt::count(v.round() as u64))
            .y_label_formatter(&|v| match *v >= 10.0 {
                true => fmt::count(v.round() as u64),
                false => fmt::tick(*v),
            })
            .label_style(font(TICK_SIZE))
            .axis_desc_style(font(style::AXIS_DESC_SIZE))
            .draw()?;
        model_lines(&mut chart, &series)?;
        let mut notes = PointNotes::new();
        for p in &self.points {
            let mark = p.flags.mark();
            if !mark.is_empty() {
                notes.draw(
                    &mut chart,
                    p.model,
                    (p.in_flight as f64, p.per_task_kib),
                    mark.trim(),
                )?;
            }
        }
        Ok(())
    }
}
