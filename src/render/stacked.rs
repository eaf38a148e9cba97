//! A stacked horizontal bar per row: each row's parts laid end to end from zero, positive parts to the
//! right and negative ones to the left (a ledger's residual can be either), one colour per part named
//! in the legend. The chart kind of the report's "where the time went" charts.

use super::chart::{frame, ChartInfo, DrawResult, Mark, Plot};
use super::rows::{case_rows, row_y};
use super::style::{self, CASE_LABEL_AREA, STACKED_ROW, WIDTH};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The chart: its words, its parts (name, colour) and its rows (label, one value per part).
pub struct Stacked {
    pub stem: &'static str,
    pub title: String,
    pub how_to_read: &'static str,
    pub takeaway: String,
    pub x_desc: String,
    pub parts: Vec<(String, RGBColor)>,
    pub rows: Vec<(String, Vec<f64>)>,
    pub notes: Vec<String>,
}

impl Stacked {
    /// The x range: the most any row reaches left and right of zero, with a margin.
    fn range(&self) -> (f64, f64) {
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for (_, values) in &self.rows {
            lo = lo.min(values.iter().filter(|v| **v < 0.0).sum());
            hi = hi.max(values.iter().filter(|v| **v > 0.0).sum());
        }
        let pad = (hi - lo).max(1e-6) * 0.05;
        (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad)
    }
}

impl Plot for Stacked {
    fn info(&self) -> ChartInfo {
        ChartInfo {
            stem: self.stem,
            title: self.title.clone(),
            how_to_read: self.how_to_read,
            takeaway: self.takeaway.clone(),
            series: self.parts.iter().map(|(n, _)| n.clone()).collect(),
            size: (WIDTH, 160 + STACKED_ROW * self.rows.len() as u32),
        }
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B> {
        let legend: Vec<_> = self
            .parts
            .iter()
            .map(|(n, c)| (Mark::Bar(*c), n.clone()))
            .collect();
        let area = frame(root, &self.title, &legend)?;
        let labels: Vec<String> = self.rows.iter().map(|(l, _)| l.clone()).collect();
        let (lo, hi) = self.range();
        let mut chart = case_rows(&area, lo..hi, &labels, CASE_LABEL_AREA, &self.x_desc)?;
        let n = self.rows.len();
        for (i, (_, values)) in self.rows.iter().enumerate() {
            let y = row_y(i, n);
            let (mut right, mut left) = (0.0, 0.0);
            for (v, (_, colour)) in values.iter().zip(&self.parts) {
                let (from, to) = match *v >= 0.0 {
                    true => (right, right + v),
                    false => (left + v, left),
                };
                match *v >= 0.0 {
                    true => right = to,
                    false => left = from,
                }
                chart.draw_series([Rectangle::new(
                    [(from, y - 0.35), (to, y + 0.35)],
                    colour.filled(),
                )])?;
            }
        }
        // Zero: the ideal, where every bar starts.
        chart.draw_series([PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            style::IDEAL.stroke_width(style::LINE_WIDTH),
        )])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::chart::Chart;

    #[test]
    fn negative_parts_stack_left_of_zero_and_it_draws() {
        let s = Stacked {
            stem: "t",
            title: "t".into(),
            how_to_read: "",
            takeaway: String::new(),
            x_desc: "s".into(),
            parts: vec![
                ("a".into(), style::LEDGER_COLOURS[0]),
                ("b".into(), style::LEDGER_COLOURS[7]),
            ],
            rows: vec![
                ("one".into(), vec![2.0, -1.0]),
                ("two".into(), vec![3.0, 0.5]),
            ],
            notes: Vec::new(),
        };
        let (lo, hi) = s.range();
        assert!(lo < -1.0 && lo > -1.5 && hi > 3.5 && hi < 4.0, "{lo} {hi}");
        assert!(s.svg().unwrap().contains("<svg"));
    }
}
