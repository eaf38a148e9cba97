//! The convoy chart: latency inflation per model — one row per model, its GETs' p50 in the mix over
//! d as the upper bar and their p99 over d as the lower (paler) bar, both in the model's colour, a
//! grey tick on each bar at the same percentile of the same GETs alone, and a dashed line at 1×, the
//! ideal d.

use super::data::{self, ConvoyRow};
use super::sentences;
use crate::render::chart::{font, frame, Chart, ChartInfo, DrawResult, Entry, Mark, Plot};
use crate::render::fmt;
use crate::render::rows::{case_rows, row_y};
use crate::render::style::{self, CASE_LABEL_AREA, VALUE_SIZE};
use crate::report::data::ReportData;
use crate::report::flags::{self, Flags};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub struct ConvoyChart {
    pub rows: Vec<ConvoyRow>,
}

pub const P50: &str = "p50 of the GETs in the mix ÷ d (upper bar, the model's colour)";
pub const P99: &str = "p99 of the GETs in the mix ÷ d (lower bar, paler)";
pub const ALONE: &str = "the same GETs alone, same percentile ÷ d (grey tick)";
pub const IDEAL: &str = "ideal: 1× (every GET answered after d)";

pub fn chart(data: &ReportData) -> Option<Box<dyn Chart>> {
    let rows = data::rows(data);
    (!rows.is_empty()).then(|| Box::new(ConvoyChart { rows }) as Box<dyn Chart>)
}

impl ConvoyChart {
    fn legend(&self) -> Vec<Entry> {
        let mut l = vec![
            (Mark::Bar(style::TEXT), P50.to_string()),
            (Mark::Bar(PALE), P99.to_string()),
            (Mark::Tick(style::IDEAL), ALONE.to_string()),
            (Mark::Dashed(style::IDEAL), IDEAL.to_string()),
        ];
        let flags: Vec<&Flags> = self.rows.iter().map(|r| &r.flags).collect();
        if let Some(f) = flags::legend(&flags) {
            l.push((Mark::Tick(style::TEXT), f));
        }
        l
    }
}

const PALE: RGBColor = RGBColor(0xb0, 0xb0, 0xb0);

impl Plot for ConvoyChart {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: "convoy",
            title: "The convoy: how much later GETs are answered beside counting".into(),
            how_to_read: "GETs of the server's delay d submitted at once with counting tasks, in one \
                seeded order that every model runs. One row per model: the upper bar is its GETs' \
                median service latency (request sent → answer read) over d, the lower bar their \
                99th percentile over d; the grey ticks mark the same percentiles of the same model's \
                GETs alone, without the counting. The dashed line is the ideal, 1×: a GET cannot \
                be answered before the server's delay. How far a bar reaches past its tick is how \
                much later the counting made the GETs' answers be read — the cores, the event loop \
                or the runtime's workers held by it. Shorter is better.",
            takeaway: sentences::convoy(&self.rows),
            series: self.legend().into_iter().map(|e| e.1).collect(),
            size: (style::WIDTH, style::HEIGHT),
        }
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let area = frame(root, &Plot::info(self).title, &self.legend())?;
        let n = self.rows.len();
        let longest = self
            .rows
            .iter()
            .flat_map(|r| {
                let mix = r.over_d().map_or(0.0, |i| i.p99.max(i.p50));
                let alone = r.alone_over_d().map_or(0.0, |i| i.p99.max(i.p50));
                [mix, alone]
            })
            .filter(|x| x.is_finite())
            .fold(1.0f64, f64::max);
        // Room on the right for the value labels.
        let x_max = longest * 1.5;
        let labels: Vec<String> = self.rows.iter().map(|r| r.flags.label(&r.name())).collect();
        let mut chart = case_rows(
            &area,
            0.0..x_max,
            &labels,
            CASE_LABEL_AREA,
            "GET latency ÷ d (latency inflation)",
        )?;
        let value = font(VALUE_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        let gap = x_max * 0.01;
        chart.draw_series(DashedLineSeries::new(
            [(1.0, -0.5), (1.0, n as f64 - 0.5)],
            style::IDEAL_DASH.0,
            style::IDEAL_DASH.1,
            style::IDEAL.stroke_width(2),
        ))?;
        for (i, r) in self.rows.iter().enumerate() {
            let y = row_y(i, n);
            let colour = style::model_colour(r.model);
            let Some(mix) = r.over_d() else { continue };
            let alone = r.alone_over_d();
            let bars = [
                (mix.p50, alone.map(|a| a.p50), y + 0.04, y + 0.40, 1.0),
                (mix.p99, alone.map(|a| a.p99), y - 0.40, y - 0.04, 0.45),
            ];
            for (x, tick, low, high, opacity) in bars {
                chart.draw_series([Rectangle::new(
                    [(0.0, low), (x, high)],
                    colour.mix(opacity).filled(),
                )])?;
                if let Some(t) = tick {
                    chart.draw_series([PathElement::new(
                        vec![(t, low - 0.03), (t, high + 0.03)],
                        style::IDEAL.stroke_width(3),
                    )])?;
                }
            }
            let against = match r.over_alone() {
                Some(a) => format!(" · {} alone", fmt::times(a.p99)),
                None => String::new(),
            };
            chart.draw_series([
                Text::new(
                    format!("p50 {}", fmt::times(mix.p50)),
                    (mix.p50 + gap, y + 0.22),
                    value.clone(),
                ),
                Text::new(
                    format!("p99 {}{against}", fmt::times(mix.p99)),
                    (mix.p99 + gap, y - 0.22),
                    value.clone(),
                ),
            ])?;
        }
        Ok(())
    }
}
