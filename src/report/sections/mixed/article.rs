//! The article-shape chart: the aiomultiprocess article's own job (mostly counting), shrunk by one
//! factor so it fits the run's budget, as one horizontal bar per model — how many times faster than
//! one event loop of its language it ran (the median makespans' ratio), beside a grey bar for the
//! ratio of the ideals, with the article's published ratio (21 s on one asyncio loop, 14 s on an
//! aiomultiprocess pool: 1.5×) as a red line across every row and the scaling in the title.

use super::data::{self, ArticleBar, MixedBar};
use super::sentences;
use crate::names::{Group, ModelKind};
use crate::render::axis;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::rows::{case_rows, ideal_bar, measured_bar, row_y};
use crate::render::series::dashed;
use crate::render::style::{self, CASE_LABEL_AREA, VALUE_SIZE};
use crate::report::data::ReportData;
use crate::report::flags::{self, Flags};
use crate::workload::mixed::article;
use crate::workload::Params;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// How the run shrank the article's job, read off its cases' parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scaling {
    /// The article's waits over the cases' (10 for 20–70 ms); None for waits of another shape.
    pub scale: Option<f64>,
    pub wait_min_ms: u64,
    pub wait_max_ms: u64,
    /// The counting's intended time per task; None when the run was given iterations instead.
    pub cpu_ms: Option<u64>,
}

impl Scaling {
    /// What the title says of it: "at 1/10: waits 20–70 ms, 68 ms of counting a task".
    pub fn title(&self) -> String {
        let factor = match self.scale {
            Some(s) if (s - 1.0).abs() < 1e-9 => "at full size".to_string(),
            Some(s) => format!("at 1/{}", fmt::count(s.round() as u64)),
            None => "reshaped".to_string(),
        };
        let cpu = self
            .cpu_ms
            .map_or(String::new(), |ms| format!(", {ms} ms of counting a task"));
        format!(
            "{factor}: waits {}–{} ms{cpu}",
            self.wait_min_ms, self.wait_max_ms
        )
    }
}

pub struct ArticleChart {
    pub bars: Vec<ArticleBar>,
    pub scaling: Scaling,
    /// The wait-heavy shape's cases (the mixed suite's), when the report holds them.
    pub wait_heavy: Vec<MixedBar>,
}

pub const MEASURED: &str =
    "measured: the one loop's median makespan over this model's (bar in the model's colour)";
pub const IDEAL: &str = "ideal: the one loop's ideal over this model's";

/// The legend's words for the article's mark.
pub fn published() -> String {
    format!(
        "the article: {} s on one asyncio loop / {} s on aiomultiprocess = {}",
        article::ONE_LOOP_S,
        article::POOL_S,
        fmt::times(article::published_ratio())
    )
}

fn bars_of(data: &ReportData, group: Group) -> Vec<MixedBar> {
    data.group(group)
        .into_iter()
        .filter_map(|c| MixedBar::of(c, data.cores()))
        .collect()
}

pub fn article_chart(data: &ReportData) -> Option<ArticleChart> {
    let cases = data.group(Group::MixedArticle);
    let scaling = cases.iter().find_map(|c| match &c.params.workload {
        Params::Mixed(p) => Some(Scaling {
            scale: article::scale_of(p.wait_min_ms, p.wait_max_ms),
            wait_min_ms: p.wait_min_ms,
            wait_max_ms: p.wait_max_ms,
            cpu_ms: (p.cpu_ms > 0).then_some(p.cpu_ms),
        }),
        _ => None,
    })?;
    let bars = bars_of(data, Group::MixedArticle);
    if bars.is_empty() {
        return None;
    }
    Some(ArticleChart {
        bars: data::article_bars(&bars),
        scaling,
        wait_heavy: bars_of(data, Group::Mixed),
    })
}

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    article_chart(data).map(|c| Box::new(c) as Box<dyn Chart>)
}

// How a row is labelled lives here, beside the drawing; what it holds lives in `data`.
impl ArticleBar {
    fn value_label(&self) -> String {
        let b = &self.bar;
        let speedup = match self.speedup {
            _ if b.model == data::one_loop_of(b.model) => "1.00× (the one loop)".to_string(),
            Some(s) => format!("{} as fast", fmt::times(s)),
            None if b.flags.failures > 0 => "no speedup: tasks failed".into(),
            None => format!("no speedup: no {} case", data::one_loop_of(b.model)),
        };
        format!("{speedup} · {}", fmt::secs(b.median))
    }
}

impl ArticleChart {
    fn legend(&self) -> Vec<Entry> {
        let mut l = vec![
            (Mark::Bar(style::TEXT), MEASURED.to_string()),
            (Mark::Bar(style::REFERENCE), IDEAL.to_string()),
            (Mark::Dashed(style::PYTHON), published()),
        ];
        let flags: Vec<&Flags> = self.bars.iter().map(|b| &b.bar.flags).collect();
        if let Some(f) = flags::legend(&flags) {
            l.push((Mark::Tick(style::TEXT), f));
        }
        l
    }
}

impl Plot for ArticleChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "mixed-article",
            title: format!("The article's job {}", self.scaling.title()),
            how_to_read: "The aiomultiprocess article's own job, in which counting outweighs \
                waiting: 30 tasks each wait a random time, make a GET, then count. The article \
                published 21 s on one asyncio loop and 14 s on an aiomultiprocess pool; one loop \
                counts every part one after another while the waits overlap behind it, so 21 s ≈ \
                30 × C + the longest wait (0.7 s) sizes the counting C at ≈ 0.68 s a task. The \
                suite shrinks waits and counting by one factor (the title says which), which keeps \
                the shape and the ratio. One row per model: the coloured bar is how many times \
                faster than one event loop of its language it ran (async-single for Rust, \
                py-asyncio for Python; median makespans), the grey bar below it the same ratio of \
                the ideals, what physics allows on this machine's cores. The red dashed line is the \
                article's 21 s / 14 s = 1.5×. Longer is faster.",
            takeaway: sentences::article(&self.bars, &self.wait_heavy),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn notes(&self) -> Vec<String> {
        let s = &self.scaling;
        let mut notes = vec![match (s.scale, s.cpu_ms) {
            (Some(scale), Some(ms)) => format!(
                "Scaled by 1/{}: waits {}–{} ms (the article's {}–{} ms) and {ms} ms of counting a \
                 task (the article's ≈ {}: (21 s − 0.7 s) / 30); the article's times ÷ {} are {} \
                 and {}.",
                fmt::count(scale.round() as u64),
                s.wait_min_ms,
                s.wait_max_ms,
                article::WAIT_MIN_MS,
                article::WAIT_MAX_MS,
                fmt::secs(article::article_cpu_s()),
                fmt::count(scale.round() as u64),
                fmt::secs(article::ONE_LOOP_S / scale),
                fmt::secs(article::POOL_S / scale),
            ),
            _ => format!(
                "These cases' waits ({}–{} ms) are not the article's shrunk by one factor, so its \
                 ratio is a mark, not a match.",
                s.wait_min_ms, s.wait_max_ms
            ),
        }];
        let missing: Vec<String> = [ModelKind::AsyncSingle, ModelKind::PyAsyncio]
            .into_iter()
            .filter(|&m| {
                self.bars.iter().any(|b| data::one_loop_of(b.bar.model) == m)
                    && !self.bars.iter().any(|b| b.bar.model == m)
            })
            .map(|m| m.to_string())
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "No {} case here: its language's rows have no speedup.",
                missing.join(" or ")
            ));
        }
        notes
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let info = Plot::info(self);
        let area = frame(root, &info.title, &self.legend())?;
        let n = self.bars.len();
        let published = article::published_ratio();
        let longest = self
            .bars
            .iter()
            .flat_map(|b| [b.speedup.unwrap_or(0.0), b.ideal_speedup.unwrap_or(0.0)])
            .chain([published])
            .filter_map(axis::on_axis)
            .fold(0.0f64, f64::max);
        // Room on the right for the value labels.
        let x_max = longest * 1.7;
        let labels: Vec<String> = self
            .bars
            .iter()
            .map(|b| b.bar.flags.label(&b.bar.label))
            .collect();
        let mut chart = case_rows(
            &area,
            0.0..x_max,
            &labels,
            CASE_LABEL_AREA,
            "speedup over one event loop of the same language, ×",
        )?;
        let value = font(VALUE_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        let gap = x_max * 0.01;
        let top = n as f64 - 0.5;
        // As fast as one loop.
        chart.draw_series([PathElement::new(
            vec![(1.0, -0.5), (1.0, top)],
            style::REFERENCE.stroke_width(1),
        )])?;
        dashed(
            &mut chart,
            &[(published, -0.5), (published, top)],
            style::PYTHON,
        )?;
        for (i, b) in self.bars.iter().enumerate() {
            let y = row_y(i, n);
            if let Some(s) = b.speedup {
                measured_bar(&mut chart, y, s, style::model_colour(b.bar.model))?;
            }
            if let Some(ideal) = b.ideal_speedup {
                ideal_bar(&mut chart, y, ideal, style::REFERENCE)?;
            }
            let right = b.speedup.unwrap_or(0.0).max(published);
            chart.draw_series([Text::new(
                b.value_label(),
                (right + gap, y + 0.22),
                value.clone(),
            )])?;
            if let Some(ideal) = b.ideal_speedup {
                chart.draw_series([Text::new(
                    format!("ideal {}", fmt::times(ideal)),
                    (ideal.max(published) + gap, y - 0.22),
                    value.clone().color(&style::IDEAL),
                )])?;
            }
        }
        Ok(())
    }
}
