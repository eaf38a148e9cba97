//! The advice-check chart: every drawn case's predicted makespan against its measured one, log–log,
//! one colour per model, with the diagonal (a perfect prediction) and the goal's ±10 % band drawn
//! dashed: a point above the diagonal was predicted slower than it ran.

use super::data::{self, AdviceData};
use crate::advise::check::MAKESPAN_GOAL;
use crate::names::ModelKind;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::series::dashed;
use crate::render::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::data::ReportData;
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct AdviceChart {
    pub data: AdviceData,
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let d = data::read(data);
    (!d.points.is_empty()).then(|| Box::new(AdviceChart { data: d }) as Box<dyn Chart>)
}

impl AdviceChart {
    fn models(&self) -> Vec<ModelKind> {
        let mut models: Vec<ModelKind> = Vec::new();
        for p in &self.data.points {
            if !models.contains(&p.model) {
                models.push(p.model);
            }
        }
        models
    }

    fn legend(&self) -> Vec<Entry> {
        let mut l: Vec<Entry> = self
            .models()
            .into_iter()
            .map(|m| (Mark::Square(style::model_colour(m)), m.to_string()))
            .collect();
        l.push((Mark::Dashed(style::IDEAL), "predicted = measured, ±10 %".into()));
        l
    }

    fn takeaway(&self) -> String {
        let within = self
            .data
            .errors
            .iter()
            .filter(|e| e.makespan <= MAKESPAN_GOAL)
            .count();
        let worst = self
            .data
            .errors
            .iter()
            .filter(|e| e.makespan.is_finite())
            .max_by(|a, b| a.makespan.total_cmp(&b.makespan));
        match worst {
            Some(w) => format!(
                "{within} of {} models within the {} goal for makespan; the farthest, {}, off by \
                 a median {} over {} jobs.",
                self.data.errors.len(),
                fmt::pct(MAKESPAN_GOAL),
                w.model,
                fmt::pct(w.makespan),
                w.jobs
            ),
            None => "No drawn case could be predicted.".into(),
        }
    }
}

impl Plot for AdviceChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "advice-check",
            title: "Advice on jobs it never saw: predicted against measured makespan".into(),
            how_to_read: "One point per drawn job and model: the makespan `concbench advise` \
                predicted for it (up) against the makespan measured (across), both on log \
                scales. On the solid diagonal the prediction was exact; the dashed lines are ±10 %, \
                the goal. Above the diagonal the advice expected the job to take longer than it did.",
            takeaway: self.takeaway(),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let pts = &self.data.points;
        let range = axis::log_range(pts.iter().flat_map(|p| [p.predicted_s, p.measured_s]));
        let ticks = axis::log_ticks(&range);
        let mut chart = ChartBuilder::on(&area)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(
                range.clone().log_scale().with_key_points(ticks.clone()),
                range.clone().log_scale().with_key_points(ticks),
            )?;
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(style::GRID_LIGHT)
            .x_desc("measured makespan, seconds (log scale)")
            .y_desc("predicted makespan, seconds (log scale)")
            .x_label_formatter(&|v| fmt::tick(*v))
            .y_label_formatter(&|v| fmt::tick(*v))
            .label_style(font(TICK_SIZE))
            .axis_desc_style(font(style::AXIS_DESC_SIZE))
            .draw()?;
        let (lo, hi) = (range.start, range.end);
        chart.draw_series(LineSeries::new(
            [(lo, lo), (hi, hi)],
            style::IDEAL.stroke_width(style::LINE_WIDTH),
        ))?;
        for f in [1.0 + MAKESPAN_GOAL, 1.0 - MAKESPAN_GOAL] {
            dashed(&mut chart, &[(lo, lo * f), (hi, hi * f)], style::IDEAL)?;
        }
        for p in pts {
            let colour = style::model_colour(p.model);
            chart.draw_series(std::iter::once(Circle::new(
                (p.measured_s, p.predicted_s),
                style::MARKER_SIZE,
                colour.filled(),
            )))?;
        }
        Ok(())
    }
}
