//! The db chart: the article's pool writing to a database, one row per database and model, with a bar
//! for a connection per task above one for a connection per worker — each the median makespan with the
//! interval of the median as a whisker — and the ideal as a dark tick across the row. The x axis is
//! logarithmic, so what a policy costs reads as a distance whatever the database's speed. The notes
//! give the calibration the ideals rest on.

use super::data::{db_name, DbBar, DbRow};
use super::sentences;
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::rows::{case_rows, row_y};
use crate::render::style::{self, CASE_LABEL_AREA, VALUE_SIZE};
use crate::report::data::ReportData;
use crate::report::flags::{self, Flags, IDEAL_UNRELIABLE};
use crate::report::interval::{self, Interval};
use crate::workload::{Connect, DbKind, Params};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub struct DbChart {
    pub rows: Vec<DbRow>,
}

const PER_TASK: RGBColor = RGBColor(0xe3, 0x7b, 0x1c);
const PER_WORKER: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
/// Pixels per row: two bars and their labels.
const ROW_HEIGHT: u32 = 64;

/// The db cases as bars, grouped in rows of database and model, SQLite first, models in run order.
pub fn rows(data: &ReportData) -> Vec<DbRow> {
    let mut rows: Vec<DbRow> = Vec::new();
    for c in data.group(crate::names::Group::Db) {
        let Params::Db(p) = &c.params.workload else {
            continue;
        };
        if c.samples.is_empty() {
            continue;
        }
        let model = match c.params.limit {
            Some(k) => format!("{} k={k}", c.params.model),
            None => c.params.model.to_string(),
        };
        let bar = DbBar {
            db: p.db,
            connect: p.connect,
            model: model.clone(),
            median: c.summary.makespan.median,
            ci: Interval::of(c),
            ideal: c.ideal_s,
            efficiency: c.summary.efficiency,
            bottleneck: c.summary.bottleneck,
            t_write: c.t_write_s,
            t_write_together: c.t_write_together_s,
            t_cpu: c.t1_s,
            flags: Flags::of(c),
        };
        let at = match rows.iter().position(|r| r.db == p.db && r.model == model) {
            Some(at) => at,
            None => {
                rows.push(DbRow {
                    db: p.db,
                    model,
                    per_task: None,
                    per_worker: None,
                });
                rows.len() - 1
            }
        };
        match p.connect {
            Connect::PerTask => rows[at].per_task = Some(bar),
            Connect::PerWorker => rows[at].per_worker = Some(bar),
        }
    }
    // Stable: within a database, models stay in the order they ran.
    rows.sort_by_key(|r| r.db);
    rows
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let rows = rows(data);
    (!rows.is_empty()).then(|| Box::new(DbChart { rows }) as Box<dyn Chart>)
}

impl DbChart {
    fn legend(&self) -> Vec<Entry> {
        let bars: Vec<&DbBar> = self.rows.iter().flat_map(|r| r.bars()).collect();
        let mut l = Vec::new();
        if bars.iter().any(|b| b.connect == Connect::PerTask) {
            l.push((Mark::Bar(PER_TASK), "a connection per task".to_string()));
        }
        if bars.iter().any(|b| b.connect == Connect::PerWorker) {
            l.push((Mark::Bar(PER_WORKER), "a connection per worker".to_string()));
        }
        if let Some(w) = interval::whisker_legend(bars.iter().filter_map(|b| b.ci)) {
            l.push((Mark::Tick(style::TEXT), w));
        }
        if self.rows.iter().any(|r| r.ideal().is_some()) {
            l.push((Mark::Tick(style::IDEAL), "ideal".to_string()));
        }
        let flags: Vec<&Flags> = bars.iter().map(|b| &b.flags).collect();
        if let Some(f) = flags::legend(&flags) {
            l.push((Mark::Tick(style::TEXT), f));
        }
        l
    }

    fn label(bar: &DbBar) -> String {
        let verdict = match (bar.efficiency, bar.ideal) {
            (Some(e), _) => format!("{} of ideal, {}", fmt::pct(e), bar.bottleneck),
            (None, _) if bar.flags.failures > 0 => "no efficiency: tasks failed".into(),
            (None, _) if bar.flags.ideal_unreliable.is_some() => IDEAL_UNRELIABLE.into(),
            (None, None) => "no ideal".into(),
            (None, Some(_)) => "no efficiency".into(),
        };
        format!("{}{} · {verdict}", fmt::secs(bar.median), bar.flags.mark())
    }
}

impl Plot for DbChart {
    fn info(&self) -> ChartInfo {
        let height = (self.rows.len() as u32 * ROW_HEIGHT + 200).max(style::HEIGHT);
        ChartInfo {
            stem: "db",
            title: "A score and a write per task: a connection per task or per worker".into(),
            how_to_read: "One row per database and model. The orange bar is the median makespan \
                with a connection opened for every task, the blue bar with one opened per worker \
                (thread, pool process, event-loop thread) and kept; a whisker is the interval of the \
                median. The dark tick across the row is the ideal: the largest of the computing \
                bound, the write bound (SQLite writes one at a time, PostgreSQL commits on every \
                core; with several writers, either as fast as the database sustained 4 writers at \
                once in a probe) and each worker computing and writing in turn. The axis is \
                logarithmic: equal gaps are equal ratios. Shorter is better; a bar ending at its \
                tick wastes nothing.",
            takeaway: sentences::db(&self.rows),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, height),
        }
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let mut dbs: Vec<DbKind> = self.rows.iter().map(|r| r.db).collect();
        dbs.dedup();
        for db in dbs {
            let bars: Vec<&DbBar> = self
                .rows
                .iter()
                .filter(|r| r.db == db)
                .flat_map(|r| r.bars())
                .collect();
            let median = |f: &dyn Fn(&DbBar) -> Option<f64>| {
                let xs: Vec<f64> = bars.iter().filter_map(|b| f(b)).collect();
                (!xs.is_empty()).then(|| crate::stats::median(&xs))
            };
            if let Some(w) = median(&|b| b.t_write) {
                let together = median(&|b| b.t_write_together)
                    .map(|t| {
                        format!(
                            "; {} writers at once sustained one per {}",
                            crate::workload::db::WRITERS_TOGETHER,
                            fmt::secs(t)
                        )
                    })
                    .unwrap_or_default();
                let cpu = median(&|b| b.t_cpu)
                    .map(|c| format!("; the score's computing took {}", fmt::secs(c)))
                    .unwrap_or_default();
                notes.push(format!(
                    "{}: one write alone (BEGIN → COMMIT on a kept connection) took {}{together}{cpu}.",
                    db_name(db),
                    fmt::secs(w)
                ));
            }
        }
        let missing: Vec<String> = self
            .rows
            .iter()
            .flat_map(|r| r.bars())
            .filter(|b| b.ideal.is_none())
            .map(|b| format!("{} {} {}", db_name(b.db), b.model, b.connect))
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "No ideal is known for {}: its calibration is missing.",
                missing.join(", ")
            ));
        }
        notes
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let n = self.rows.len();
        let values = self.rows.iter().flat_map(|r| {
            r.bars()
                .flat_map(|b| [Some(b.median), b.ci.map(|i| i.high), b.ci.map(|i| i.low)])
                .chain([r.ideal()])
                .flatten()
                .collect::<Vec<_>>()
        });
        let range = axis::log_range(values);
        // Room on the right for the value labels, a fixed share of the plot's width whatever the span:
        // a label needs about two-fifths of it, so the axis goes on for 0.65 of the data's decades
        // (a fixed factor of 4 cut the longest label off when the bars spanned two decades).
        let decades = (range.end / range.start).log10();
        let range = range.start..range.end * 10f64.powf((decades * 0.65).max(0.6));
        let ticks = axis::log_ticks(&range);
        let labels: Vec<String> = self
            .rows
            .iter()
            .map(|r| format!("{} · {}", db_name(r.db), r.model))
            .collect();
        let mut chart = case_rows(
            &area,
            range.clone().log_scale().with_key_points(ticks),
            &labels,
            CASE_LABEL_AREA,
            "makespan, seconds (log scale)",
        )?;
        let left = range.start;
        for (i, r) in self.rows.iter().enumerate() {
            let y = row_y(i, n);
            for (bar, colour, (low, high)) in [
                (&r.per_task, PER_TASK, (y + 0.04, y + 0.40)),
                (&r.per_worker, PER_WORKER, (y - 0.40, y - 0.04)),
            ] {
                let Some(bar) = bar else { continue };
                let Some(median) = axis::on_axis(bar.median) else {
                    continue;
                };
                chart.draw_series([Rectangle::new(
                    [(left, low), (median, high)],
                    colour.filled(),
                )])?;
                let mid = (low + high) / 2.0;
                if let Some(ci) = bar.ci {
                    let whisker = style::TEXT.stroke_width(2);
                    chart.draw_series([
                        PathElement::new(vec![(ci.low, mid), (ci.high, mid)], whisker),
                        PathElement::new(vec![(ci.low, mid - 0.07), (ci.low, mid + 0.07)], whisker),
                        PathElement::new(
                            vec![(ci.high, mid - 0.07), (ci.high, mid + 0.07)],
                            whisker,
                        ),
                    ])?;
                }
                // Right of the whisker and of the ideal's tick, so the label covers neither.
                let right = median
                    .max(bar.ci.map_or(0.0, |i| i.high))
                    .max(r.ideal().unwrap_or(0.0));
                chart.draw_series([Text::new(
                    Self::label(bar),
                    (right * 1.06, mid),
                    font(VALUE_SIZE).pos(Pos::new(HPos::Left, VPos::Center)),
                )])?;
            }
            if let Some(ideal) = r.ideal().and_then(axis::on_axis) {
                chart.draw_series([PathElement::new(
                    vec![(ideal, y - 0.46), (ideal, y + 0.46)],
                    style::IDEAL.stroke_width(4),
                )])?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::Bottleneck;

    fn bar(db: DbKind, connect: Connect, model: &str, median: f64, eff: Option<f64>) -> DbBar {
        DbBar {
            db,
            connect,
            model: model.into(),
            median,
            ci: None,
            ideal: eff.map(|e| e * median),
            efficiency: eff,
            bottleneck: Bottleneck::Database,
            t_write: Some(0.001),
            t_write_together: Some(0.0005),
            t_cpu: Some(0.00001),
            flags: Flags::default(),
        }
    }

    #[test]
    fn the_takeaway_gives_each_databases_cost_of_a_connection_per_task() {
        let sqlite = DbKind::Sqlite;
        let rows = vec![
            DbRow {
                db: sqlite,
                model: "sequential".into(),
                per_task: Some(bar(sqlite, Connect::PerTask, "sequential", 0.8, Some(0.2))),
                per_worker: Some(bar(
                    sqlite,
                    Connect::PerWorker,
                    "sequential",
                    0.2,
                    Some(0.8),
                )),
            },
            DbRow {
                db: sqlite,
                model: "thread-pool k=4".into(),
                per_task: Some(bar(
                    sqlite,
                    Connect::PerTask,
                    "thread-pool k=4",
                    0.9,
                    Some(0.1),
                )),
                per_worker: Some(bar(
                    sqlite,
                    Connect::PerWorker,
                    "thread-pool k=4",
                    0.1,
                    None,
                )),
            },
        ];
        let t = super::super::sentences::db(&rows);
        // √(4 × 9) = 6.
        assert!(
            t.starts_with("On SQLite, a connection per task took 6.00× as long"),
            "{t}"
        );
        assert!(t.contains("sequential per-worker at 80 % of it"), "{t}");
        let chart = DbChart { rows };
        assert_eq!(Plot::info(&chart).stem, "db");
        let notes = Plot::notes(&chart);
        assert!(notes[0].contains("took 1.0 ms"), "{notes:?}");
        let svg = chart.svg().unwrap();
        assert!(svg.contains("thread-pool k=4") && svg.contains("of ideal"));
    }
}
