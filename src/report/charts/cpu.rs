//! The cpu chart: speedup over sequential against k, the threads or processes that can compute at
//! once (log x), one line per model, with the ideal (speedup = min(k, cores): linear up to the core
//! count, flat after it) dashed and a vertical line at the core count, past which no model can gain.

use super::{
    by_model, dashed, font, frame, model_lines, ChartInfo, DrawResult, Mark, Plot, Series,
};
use crate::report::data::ReportData;
use crate::report::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::report::{fmt, takeaway};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One cpu case: its model, k and speedup.
#[derive(Debug, Clone)]
pub struct CpuPoint {
    pub model: String,
    pub label: String,
    pub k: usize,
    pub speedup: f64,
}

pub struct CpuChart {
    pub cores: usize,
    /// What the speedups are relative to: the sequential case, or N × t₁ without one.
    pub baseline: String,
    pub points: Vec<CpuPoint>,
}

pub const LINEAR: &str = "ideal: speedup = min(k, cores)";

pub fn chart(data: &ReportData) -> Option<Box<dyn super::Chart>> {
    let cases: Vec<_> = data
        .group("cpu")
        .into_iter()
        .filter(|c| !c.samples.is_empty() && c.summary.makespan.median > 0.0)
        .collect();
    let sequential = cases.iter().find(|c| c.params.model == "sequential");
    let (base, baseline) = match sequential {
        Some(s) => (s.summary.makespan.median, "sequential".to_string()),
        None => {
            let c = cases.iter().find(|c| c.t1_s.is_some())?;
            (
                c.t1_s? * c.params.tasks as f64,
                "N × t₁ (one task's calibrated time)".to_string(),
            )
        }
    };
    let points: Vec<CpuPoint> = cases
        .iter()
        .map(|c| CpuPoint {
            model: c.params.model.clone(),
            label: crate::report::data::label(c),
            k: c.params.cpu_lanes.max(1),
            speedup: base / c.summary.makespan.median,
        })
        .collect();
    (!points.is_empty()).then(|| {
        Box::new(CpuChart {
            cores: data.cores(),
            baseline,
            points,
        }) as Box<dyn super::Chart>
    })
}

impl CpuChart {
    fn series(&self) -> Vec<Series> {
        by_model(
            self.points
                .iter()
                .map(|p| (p.model.clone(), p.k as f64, p.speedup)),
        )
    }

    fn legend(&self) -> Vec<super::Entry> {
        let mut l: Vec<super::Entry> = self.series().iter().map(Series::entry).collect();
        l.push((Mark::Dashed(style::IDEAL), LINEAR.to_string()));
        l.push((Mark::Tick(style::REFERENCE), self.cores_label()));
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
                "Speedup (the baseline's makespan over the model's) against k, the threads or \
                processes that can compute at once (log scale): the model's bound, 1 for one event \
                loop, the runtime's threads for async. The dashed line is perfect scaling; the \
                vertical line is the core count, beyond which extra threads only take turns.",
            takeaway: takeaway::cpu(&self.points, self.cores),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let mut ks: Vec<f64> = self.points.iter().map(|p| p.k as f64).collect();
        ks.push(self.cores as f64);
        ks.sort_by(f64::total_cmp);
        ks.dedup();
        let x_range = super::log_range(ks.iter().copied());
        let top = self
            .points
            .iter()
            .map(|p| p.speedup)
            .fold(self.cores as f64, f64::max)
            * 1.4;
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
        // y = min(k, cores) is a curve on a log x axis up to the cores: sample it finely.
        let (lo, hi) = (x_range.start.max(1.0), x_range.end);
        let cores = self.cores as f64;
        let linear: Vec<(f64, f64)> = (0..=60)
            .map(|i| lo * (hi / lo).powf(i as f64 / 60.0))
            .map(|x| (x, x.min(cores).min(top)))
            .collect();
        dashed(&mut chart, &linear, style::IDEAL)?;
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
        model_lines(&mut chart, &self.series())
    }
}
