//! The io-sweep chart: makespan against the number of tasks N (log-log), one line per model and its
//! ideal dashed, in one panel per server (W workers, then the unbounded server), so where each model leaves
//! its ideal as N grows is read off directly. Cases measured with the library client are never joined
//! to a model's direct line: they form a second line of the same colour, in short dashes.

use super::sentences;
use crate::render::chart::{frame, Chart, ChartInfo, DrawResult, Plot};
use crate::render::style::{self, SWEEP_PANEL_HEIGHT};
use crate::report::data::{self, ReportData};
use crate::report::sweep;
use crate::report::sweep::{Panel, Point};
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct IoSweepChart {
    pub panels: Vec<Panel>,
}

/// A panel's title from its server.
pub fn server_title(workers: Option<usize>) -> String {
    match workers {
        Some(w) => format!("against W = {w} server workers"),
        None => "against the unbounded server".to_string(),
    }
}

/// One panel per server the io-sweep cases ran against, in run order.
pub fn panels(data: &ReportData) -> Vec<Panel> {
    let mut servers: Vec<Option<usize>> = Vec::new();
    let cases = data.group(crate::names::Group::IoSweep);
    for c in &cases {
        if let Some(w) = data::server_workers(c) {
            if !servers.contains(&w) {
                servers.push(w);
            }
        }
    }
    servers
        .into_iter()
        .map(|w| Panel {
            title: server_title(w),
            points: cases
                .iter()
                .filter(|c| data::server_workers(c) == Some(w) && !c.samples.is_empty())
                .map(|c| Point::of(c, c.params.tasks))
                .collect(),
        })
        .filter(|p| !p.points.is_empty())
        .collect()
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let panels = panels(data);
    (!panels.is_empty()).then(|| Box::new(IoSweepChart { panels }) as Box<dyn Chart>)
}

impl Plot for IoSweepChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "io-sweep",
            title: "I/O sweep: makespan as the number of tasks grows".into(),
            how_to_read: "Makespan against the number of tasks N, both on log scales, one line per \
                model, in one panel per server. Solid lines use the project's own HTTP client (direct, \
                the same for every model); a model's cases made with the usual libraries (ureq, \
                reqwest) are a second line in its colour, in short dashes with hollow points drawn a \
                little to the right of their twins, never joined to the first. Each dashed grey \
                line is an ideal, ⌈N / min(k, W)⌉ × delay, for the bound k of the models that \
                follow it. A model on its dashed line overlaps every \
                wait the server allows; one that climbs away pays for its own overhead. A whisker is \
                the interval of the median (none for one sample); ! marks an unstable point.",
            takeaway: sentences::io_sweep(&self.panels),
            series: sweep::legend(&self.panels)
                .into_iter()
                .map(|e| e.1)
                .collect(),
            size: (
                style::WIDTH,
                110 + self.panels.len() as u32 * SWEEP_PANEL_HEIGHT,
            ),
        }
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &sweep::legend(&self.panels))?;
        let areas = area.split_evenly((self.panels.len(), 1));
        for (panel, a) in self.panels.iter().zip(areas.iter()) {
            sweep::draw_panel(a, panel, "tasks N (log scale)")?;
        }
        Ok(())
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = sweep::notes(&self.panels);
        let points = || self.panels.iter().flat_map(|p| &p.points);
        if points().any(|p| p.library) {
            notes.push(
                if points().all(|p| p.library) {
                    "Every case here was measured with the library client (ureq / reqwest), as all \
                     io cases of result files before schema version 2 were: each model has only \
                     its dashed line."
                } else {
                    "Dashed lines in a model's colour are its cases measured with the library \
                     client; the table \"what the library adds\" under the io-sweep table sets \
                     them beside their direct twins."
                }
                .to_string(),
            );
        }
        notes
    }
}
