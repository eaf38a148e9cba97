//! The limit-sweep chart: makespan against the bound k (log-log), one line per bounded model with its
//! ideal ⌈N / k⌉ × delay dashed, against the unbounded server, so the cost of each model's bound and
//! how it scales show in one picture.

use super::sentences;
use crate::render::chart::{frame, Chart, ChartInfo, DrawResult, Plot};
use crate::render::style;
use crate::report::data::{self, ReportData};
use crate::report::sweep;
use crate::report::sweep::{Panel, Point};
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct LimitSweepChart {
    pub panel: Panel,
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let cases = data.group(crate::names::Group::LimitSweep);
    let points: Vec<Point> = cases
        .iter()
        .filter(|c| !c.samples.is_empty())
        .map(|c| Point::of(c, data::k(c)))
        .collect();
    let tasks: Vec<usize> = cases.iter().map(|c| c.params.tasks).collect();
    let title = match (tasks.iter().min(), tasks.iter().max()) {
        (Some(a), Some(b)) if a == b => format!("N = {a} tasks"),
        _ => "all tasks".to_string(),
    };
    let server = cases
        .first()
        .and_then(|c| data::server_workers(c))
        .map(super::io::server_title)
        .unwrap_or_default();
    (!points.is_empty()).then(|| {
        Box::new(LimitSweepChart {
            panel: Panel {
                title: format!("{server}, {title}"),
                points,
            },
        }) as Box<dyn Chart>
    })
}

impl Plot for LimitSweepChart {
    fn info(&self) -> ChartInfo {
        let panels = std::slice::from_ref(&self.panel);
        ChartInfo {
            stem: "limit-sweep",
            title: "Limit sweep: makespan as the bound k grows".into(),
            how_to_read: "Makespan against the bound k — workers, permits or processes — on log \
                scales, one line per bounded model, N fixed. The dashed line is the ideal ⌈N / k⌉ × \
                delay: halving with every doubling of k until k reaches N. A model on it pays nothing \
                for its bound; the gap at large k is what starting and feeding k workers costs. A \
                whisker is the interval of the median (none for one sample); ! marks an unstable \
                point.",
            takeaway: sentences::limit_sweep(&self.panel),
            series: sweep::legend(panels).into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let panels = std::slice::from_ref(&self.panel);
        let area = frame(root, &Plot::info(self).title, &sweep::legend(panels))?;
        sweep::draw_panel(&area, &self.panel, "bound k (log scale)")
    }

    fn notes(&self) -> Vec<String> {
        sweep::notes(std::slice::from_ref(&self.panel))
    }
}
