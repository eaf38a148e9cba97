//! The scale io chart: makespan against the connections opened at once, up to 100,000, log-log, one
//! line per model beside the ideal (the delay itself: the server is unbounded), drawn like the io
//! sweep's panels. A point whose tasks failed carries its failure count; which kinds, and where the
//! kernel's listen queue overflowed or SYNs were sent again, the caption says.

use super::data::{self, IoRow};
use super::sentences;
use crate::render::chart::{frame, Chart, ChartInfo, DrawResult, Plot};
use crate::render::fmt;
use crate::render::style::{self, SWEEP_PANEL_HEIGHT};
use crate::report::data::ReportData;
use crate::report::sweep;
use crate::report::sweep::Panel;
use plotters::coord::Shift;
use plotters::prelude::*;

pub struct ScaleIoChart {
    pub rows: Vec<IoRow>,
    pub panel: Panel,
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let rows = data::io_rows(&data.group(crate::names::Group::Scale), data.cores());
    let panel = Panel {
        title: "against the unbounded server".into(),
        points: rows.iter().map(|r| r.point.clone()).collect(),
    };
    (!rows.is_empty()).then(|| Box::new(ScaleIoChart { rows, panel }) as Box<dyn Chart>)
}

impl Plot for ScaleIoChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "scale-io",
            title: "I/O at scale: makespan as the connections grow".into(),
            how_to_read: "Makespan against N, the requests started at once (each on its own \
                connection), both on log scales, one line per model; the dashed grey line is the \
                ideal, the server's delay, since the unbounded server holds every request at once. \
                A model on the dashed line paid nothing for its connections; one above it spent \
                the difference setting them up and tearing them down on the machine's cores. \
                (n failed) marks a point whose tasks failed: it is not compared with its ideal, and \
                the caption says how they failed.",
            takeaway: sentences::scale_io(&self.rows),
            series: sweep::legend(std::slice::from_ref(&self.panel))
                .into_iter()
                .map(|e| e.1)
                .collect(),
            size: (style::WIDTH, 110 + SWEEP_PANEL_HEIGHT + 80),
        }
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = sweep::notes(std::slice::from_ref(&self.panel));
        for r in &self.rows {
            if !r.failure_kinds.is_empty() {
                notes.push(format!(
                    "{} failed over {} sample{}: {}.",
                    r.point.flags.named(&r.point.label),
                    r.samples,
                    if r.samples == 1 { "" } else { "s" },
                    r.failure_kinds
                ));
            }
            if r.listen_overflows > 0 || r.syn_retrans > 0 {
                notes.push(format!(
                    "{}: the kernel counted {} ListenOverflows and {} TCPSynRetrans over its \
                     samples: connections waited for room in the listen queue, or were tried again.",
                    r.point.label,
                    fmt::count(r.listen_overflows),
                    fmt::count(r.syn_retrans)
                ));
            }
        }
        notes
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let legend = sweep::legend(std::slice::from_ref(&self.panel));
        let area = frame(root, &Plot::info(self).title, &legend)?;
        sweep::draw_panel(&area, &self.panel, "requests at once, N (log scale)")
    }
}
