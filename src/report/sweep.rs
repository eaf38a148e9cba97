//! The sweep panel, a chart kind of its own that several sections draw (the io and limit sweeps, io at
//! scale): makespan against a swept parameter (N or k), one line per model (a second, dashed line in
//! the same colour for cases measured with the library client), each point's interval of the median
//! as a whisker when it has one, each model's ideal as a dashed grey line, on a log x axis whose ticks
//! are exactly the swept values. Unstable points carry the `!` mark, points whose tasks failed their
//! failure count. Here too what a panel holds (one point per case) and the clause a sentence makes of
//! its closest and furthest points, so no section needs another's code to draw or describe one.

use super::data;
use super::flags::{self, Flags, Namer};
use super::interval::{self, Interval};
use super::sentence::{distance, failed_clause};
use crate::client::ClientKind;
use crate::names::ModelKind;
use crate::render::axis;
use crate::render::chart::{font, DrawResult, Entry, Mark};
use crate::render::fmt::{self, pct, secs};
use crate::render::notes::PointNotes;
use crate::render::series::{by_model, dashed, hollow_square, model_lines, whisker, Series};
use crate::render::style::{self, MARGIN, TICK_SIZE, X_LABEL_AREA, Y_LABEL_AREA};
use crate::results::CaseResult;
use plotters::coord::Shift;
use plotters::prelude::*;

/// One measured point of a sweep.
#[derive(Debug, Clone)]
pub struct Point {
    pub model: ModelKind,
    pub label: String,
    /// The swept value (N or k).
    pub x: f64,
    pub median: f64,
    /// The interval of the median; None for one sample.
    pub ci: Option<Interval>,
    /// None when the case has no ideal.
    pub ideal: Option<f64>,
    /// None without an ideal or when tasks failed.
    pub efficiency: Option<f64>,
    /// Made with the library client (ureq / reqwest): drawn as its model's second, dashed line.
    pub library: bool,
    pub flags: Flags,
    /// Half its tasks or more failed: its makespan says how fast they failed, not what the model
    /// did, so it is drawn apart from the measured line (a hollow square, not joined).
    pub mostly_failed: bool,
}

impl Point {
    /// A case as the point at swept value `x` (its N or its k).
    pub fn of(c: &CaseResult, x: usize) -> Point {
        Point {
            model: c.params.model,
            label: data::label(c),
            x: x as f64,
            median: c.summary.makespan.median,
            ci: Interval::of(c),
            ideal: c.ideal_s,
            efficiency: c.summary.efficiency,
            library: data::client(c) == Some(ClientKind::Library),
            flags: Flags::of(c),
            mostly_failed: mostly_failed(c.summary.failures, c.params.tasks, c.samples.len()),
        }
    }
}

/// One panel: the points measured against one server.
#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    pub points: Vec<Point>,
}

pub const IDEAL: &str = "ideal (dashed grey; one line per distinct bound)";
pub const MOSTLY_FAILED: &str = "hollow square, not joined: half its tasks or more failed";

/// Whether `failures` over `samples` repetitions of `tasks` tasks are half of them or more.
pub fn mostly_failed(failures: u64, tasks: usize, samples: usize) -> bool {
    let all = (tasks * samples.max(1)) as u64;
    all > 0 && failures * 2 >= all
}
pub const LIBRARY_LINE: &str =
    "short dashes, hollow points (a little to the right): library client (ureq / reqwest)";

impl Point {
    /// Where the point is drawn on the x axis: the library's a little to the right of its twin.
    pub fn drawn_x(&self) -> f64 {
        match self.library {
            true => self.x * style::SECOND_DODGE,
            false => self.x,
        }
    }
}

impl Panel {
    /// One line per model and client: the direct client's solid, the library's dashed.
    pub fn series(&self) -> Vec<Series> {
        let line = |library: bool| {
            by_model(
                self.points
                    .iter()
                    .filter(move |p| p.library == library && !p.mostly_failed)
                    .map(|p| (p.model, p.drawn_x(), p.median)),
            )
            .into_iter()
            .map(move |s| Series {
                dashed: library,
                ..s
            })
        };
        line(false).chain(line(true)).collect()
    }

    /// Each model's ideal curve, drawn once when several models share it; cases without an ideal
    /// leave it out.
    pub fn ideals(&self) -> Vec<Vec<(f64, f64)>> {
        let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
        let known = self
            .points
            .iter()
            .filter_map(|p| p.ideal.map(|i| (p.model, p.x, i)));
        for s in by_model(known) {
            if !out.contains(&s.points) {
                out.push(s.points);
            }
        }
        out
    }

    fn xs(&self) -> Vec<f64> {
        let mut xs: Vec<f64> = self.points.iter().map(|p| p.x).collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        xs
    }
}

/// The legend of a sweep chart: every model in any panel, the library line and the whisker when
/// drawn, the ideal, and the marks when some point carries one.
pub fn legend(panels: &[Panel]) -> Vec<Entry> {
    let mut seen: Vec<Entry> = Vec::new();
    for p in panels {
        for s in p.series() {
            if !seen.iter().any(|e| e.1 == s.model.name()) {
                seen.push(s.entry());
            }
        }
    }
    let points = || panels.iter().flat_map(|p| &p.points);
    if points().any(|p| p.library) {
        seen.push((Mark::Dashed(style::TEXT), LIBRARY_LINE.to_string()));
    }
    if let Some(w) = interval::whisker_legend(points().filter_map(|p| p.ci)) {
        seen.push((Mark::Tick(style::TEXT), w));
    }
    seen.push((Mark::Dashed(style::IDEAL), IDEAL.to_string()));
    if points().any(|p| p.mostly_failed) {
        seen.push((Mark::Square(style::TEXT), MOSTLY_FAILED.to_string()));
    }
    let flags: Vec<&Flags> = points().map(|p| &p.flags).collect();
    if let Some(l) = flags::legend(&flags) {
        seen.push((Mark::Tick(style::TEXT), l));
    }
    seen
}

/// Caption lines: the points drawn without an ideal, and why.
pub fn notes(panels: &[Panel]) -> Vec<String> {
    let missing: Vec<String> = panels
        .iter()
        .flat_map(|p| &p.points)
        .filter(|p| p.ideal.is_none())
        .map(|p| p.flags.label(&p.label))
        .collect();
    match missing.is_empty() {
        true => Vec::new(),
        false => vec![format!(
            "No ideal is known for {}, so none is drawn for it (an external server of unknown \
             workers or delay).",
            missing.join(", ")
        )],
    }
}

/// Draw one panel, log-log: makespans span orders of magnitude across a sweep.
pub fn draw_panel<B: DrawingBackend>(
    area: &DrawingArea<B, Shift>,
    panel: &Panel,
    x_desc: &str,
) -> DrawResult<(), B> {
    let xs = panel.xs();
    let dodged = panel.points.iter().map(|p| p.drawn_x());
    let x_range = axis::log_range(xs.iter().copied().chain(dodged));
    let ys = panel.points.iter().flat_map(|p| {
        let ci = p.ci.map_or([None, None], |i| [Some(i.low), Some(i.high)]);
        [Some(p.median), p.ideal, ci[0], ci[1]]
            .into_iter()
            .flatten()
    });
    let caption = (panel.title.as_str(), font(style::SUBTITLE_SIZE + 2));
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(caption.0, caption.1)
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA);
    let x = x_range.log_scale().with_key_points(xs.clone());
    let y_range = axis::log_range(ys);
    let y_ticks = axis::log_ticks(&y_range);
    let mut chart = builder.build_cartesian_2d(x, y_range.log_scale().with_key_points(y_ticks))?;
    chart
        .configure_mesh()
        .bold_line_style(style::GRID)
        .light_line_style(style::GRID_LIGHT)
        .x_desc(x_desc)
        .y_desc("makespan, seconds (log scale)")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| fmt::tick(*v))
        .label_style(font(TICK_SIZE))
        .axis_desc_style(font(style::AXIS_DESC_SIZE))
        .draw()?;
    for ideal in panel.ideals() {
        match ideal.as_slice() {
            // One swept value: a short level mark, since a line through one point draws nothing.
            [(x, y)] => dashed(&mut chart, &[(x / 1.15, *y), (x * 1.15, *y)], style::IDEAL)?,
            _ => dashed(&mut chart, &ideal, style::IDEAL)?,
        }
    }
    for p in &panel.points {
        if let Some(i) = p.ci {
            whisker(&mut chart, p.model, p.drawn_x(), (i.low, i.high))?;
        }
    }
    model_lines(&mut chart, &panel.series())?;
    for p in panel
        .points
        .iter()
        .filter(|p| p.mostly_failed && p.median > 0.0)
    {
        hollow_square(&mut chart, p.model, (p.drawn_x(), p.median))?;
    }
    let mut notes = PointNotes::new();
    for p in panel.points.iter().filter(|p| p.median > 0.0) {
        notes.avoid(&chart, (p.drawn_x(), p.median));
    }
    for p in &panel.points {
        let mark = p.flags.mark();
        if !mark.is_empty() && p.median > 0.0 {
            notes.draw(&mut chart, p.model, (p.drawn_x(), p.median), mark.trim())?;
        }
    }
    Ok(())
}

/// A sweep point as a takeaway names it: its model, with its caveats. Which client is said once per
/// panel (see `at_largest`), since a panel's sentence speaks of one client only.
fn point_name(namer: &Namer, p: &Point) -> String {
    namer.name(p.model.name(), &p.flags)
}

/// The closest to and furthest from the ideal among some sweep points, briefly.
pub fn closest_and_furthest(namer: &Namer, points: &[(&Point, f64, f64)]) -> Option<String> {
    let point_name = |p: &Point| point_name(namer, p);
    let by =
        |a: &&(&Point, f64, f64), b: &&(&Point, f64, f64)| distance(a.1).total_cmp(&distance(b.1));
    let &(best, best_eff, best_ideal) = points.iter().min_by(by)?;
    let &(worst, worst_eff, worst_ideal) = points.iter().max_by(by)?;
    let best_says = if (0.99..=1.0).contains(&best_eff) {
        format!(
            "{} came within {} of its ideal",
            point_name(best),
            pct(best.median / best_ideal - 1.0)
        )
    } else {
        format!(
            "{} came closest to its ideal ({} efficiency)",
            point_name(best),
            pct(best_eff)
        )
    };
    if points.len() == 1 || point_name(best) == point_name(worst) {
        return Some(best_says);
    }
    Some(format!(
        "{best_says} and {} fell furthest ({}, {} against {})",
        point_name(worst),
        pct(worst_eff),
        secs(worst.median),
        secs(worst_ideal)
    ))
}

/// At the largest swept value of a panel: the closest to and furthest from the ideal, among the
/// direct client's points when there are any (the library's are another question: the client pair
/// table answers it).
pub fn at_largest(namer: &Namer, panel: &Panel, name: &str) -> Option<String> {
    let direct = panel.points.iter().any(|p| !p.library);
    let mine: Vec<&Point> = panel
        .points
        .iter()
        .filter(|p| !direct || !p.library)
        .collect();
    let top = mine.iter().map(|p| p.x).fold(0.0, f64::max);
    let at: Vec<&Point> = mine.into_iter().filter(|p| p.x == top).collect();
    let compared: Vec<(&Point, f64, f64)> = at
        .iter()
        .filter_map(|p| Some((*p, p.efficiency?, p.ideal?)))
        .collect();
    let failed = failed_clause(
        namer,
        at.iter()
            .filter(|p| p.flags.withheld())
            .map(|p| (p.model.name(), &p.flags)),
    );
    let core = match closest_and_furthest(namer, &compared) {
        Some(c) => c,
        None if failed.is_empty() => return None,
        None => "no case can be compared with its ideal".to_string(),
    };
    let client = match direct {
        true => "",
        false => " (library client)",
    };
    Some(format!(
        "at {name} = {top} {}{client}, {core}{failed}",
        panel.title
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(model: ModelKind, x: f64, mostly_failed: bool) -> Point {
        Point {
            model,
            label: format!("{} N={x}", model.name()),
            x,
            median: 1.0,
            ci: None,
            ideal: Some(0.5),
            efficiency: None,
            library: false,
            flags: Flags {
                unstable: Vec::new(),
                failures: if mostly_failed { 60 } else { 0 },
                ideal_unreliable: None,
            },
            mostly_failed,
        }
    }

    #[test]
    fn half_the_tasks_failed_is_mostly_failed_and_less_is_not() {
        assert!(mostly_failed(100, 100, 2));
        assert!(!mostly_failed(99, 100, 2));
        assert!(mostly_failed(1, 1, 1));
        assert!(!mostly_failed(0, 0, 0));
    }

    #[test]
    fn a_mostly_failed_point_stays_off_its_models_line_and_the_legend_says_how_it_is_drawn() {
        let panel = Panel {
            title: "t".into(),
            points: vec![
                point(ModelKind::Async, 1_000.0, false),
                point(ModelKind::Async, 10_000.0, false),
                point(ModelKind::Async, 50_000.0, true),
            ],
        };
        let series = panel.series();
        assert_eq!(series.len(), 1);
        let xs: Vec<f64> = series[0].points.iter().map(|p| p.0).collect();
        assert_eq!(xs, [1_000.0, 10_000.0]);
        let legend = legend(std::slice::from_ref(&panel));
        assert!(legend.iter().any(|e| e.1 == MOSTLY_FAILED), "{legend:?}");
        let whole = Panel {
            points: panel.points[..2].to_vec(),
            ..panel
        };
        assert!(!legend_of(&whole).iter().any(|e| e.1 == MOSTLY_FAILED));
    }

    fn legend_of(p: &Panel) -> Vec<Entry> {
        legend(std::slice::from_ref(p))
    }
}
