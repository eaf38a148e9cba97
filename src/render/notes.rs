//! The short notes beside points (`!`, `(3 failed)`), placed so that no note covers another note
//! or a point, or leaves the plot. Each note tries the corners around its point in turn — right and above first,
//! where a reader looks — and takes the first free one inside the plot area; when none is free it
//! takes the place that covers the least of the notes already placed. Positions are worked out in
//! pixels, so log and linear axes place alike.

use super::chart::{font, DrawResult};
use super::style;
use crate::names::ModelKind;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A box in pixels: left, top, right, bottom.
type Box4 = [i32; 4];

/// The notes of one plot area, placed one after another.
#[derive(Debug, Default)]
pub struct PointNotes {
    placed: Vec<Box4>,
}

impl PointNotes {
    pub fn new() -> PointNotes {
        PointNotes::default()
    }

    /// Keep notes off the marker of the point `at` (data coordinates): call it for every point
    /// drawn before placing the first note.
    pub fn avoid<B, X, Y>(&mut self, chart: &ChartContext<'_, B, Cartesian2d<X, Y>>, at: (f64, f64))
    where
        B: DrawingBackend,
        X: Ranged<ValueType = f64>,
        Y: Ranged<ValueType = f64>,
    {
        let (px, py) = chart.backend_coord(&at);
        let s = style::MARKER_SIZE as i32 + 1;
        self.placed.push([px - s, py - s, px + s, py + s]);
    }

    /// Draw `label` beside the point `at` (data coordinates), in the model's colour.
    pub fn draw<B, X, Y>(
        &mut self,
        chart: &mut ChartContext<'_, B, Cartesian2d<X, Y>>,
        model: ModelKind,
        at: (f64, f64),
        label: &str,
    ) -> DrawResult<(), B>
    where
        B: DrawingBackend,
        X: Ranged<ValueType = f64>,
        Y: Ranged<ValueType = f64>,
    {
        let colour = style::model_colour(model);
        let text = font(style::VALUE_SIZE)
            .color(&colour)
            .pos(Pos::new(HPos::Left, VPos::Top));
        let (w, h) = chart.plotting_area().estimate_text_size(label, &text)?;
        // A line's box is a whole em high, whatever the glyphs' own height; a pixel apart.
        let (w, h) = (w + 1, h.max(style::VALUE_SIZE) + 1);
        let (px, py) = chart.backend_coord(&at);
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let area = [xs.start, ys.start, xs.end, ys.end];
        let offset = self.place((px, py), (w as i32, h as i32), area);
        chart.draw_series([EmptyElement::at(at) + Text::new(label.to_string(), offset, text)])?;
        self.placed.push([
            px + offset.0,
            py + offset.1,
            px + offset.0 + w as i32,
            py + offset.1 + h as i32,
        ]);
        Ok(())
    }

    /// The offset from the point to the note's top-left corner.
    fn place(&self, point: (i32, i32), size: (i32, i32), area: Box4) -> (i32, i32) {
        let (w, h) = size;
        let m = style::MARKER_SIZE as i32 + 3;
        let candidates = [
            (m, -m - h),
            (m, m),
            (-m - w, -m - h),
            (-m - w, m),
            (m, -m - 2 * h - 2),
            (m, m + h + 2),
            (-m - w, -m - 2 * h - 2),
            (-m - w, m + h + 2),
        ];
        let at = |(dx, dy): (i32, i32)| {
            [
                point.0 + dx,
                point.1 + dy,
                point.0 + dx + w,
                point.1 + dy + h,
            ]
        };
        let inside =
            |b: &Box4| b[0] >= area[0] && b[1] >= area[1] && b[2] <= area[2] && b[3] <= area[3];
        let covered = |b: &Box4| -> i32 { self.placed.iter().map(|p| overlap(b, p)).sum() };
        candidates
            .iter()
            .copied()
            .find(|&c| inside(&at(c)) && covered(&at(c)) == 0)
            .or_else(|| {
                candidates
                    .iter()
                    .copied()
                    .filter(|&c| inside(&at(c)))
                    .min_by_key(|&c| covered(&at(c)))
            })
            .unwrap_or(candidates[0])
    }
}

/// The area two boxes share, in square pixels.
fn overlap(a: &Box4, b: &Box4) -> i32 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0);
    w * h
}

#[cfg(test)]
mod tests {
    use super::*;

    const AREA: Box4 = [0, 0, 400, 300];

    #[test]
    fn a_note_goes_right_and_above_when_free() {
        let notes = PointNotes::new();
        let (dx, dy) = notes.place((100, 100), (30, 12), AREA);
        assert!(dx > 0 && dy < -12, "{dx} {dy}");
    }

    #[test]
    fn a_second_note_at_the_same_place_moves_clear_of_the_first() {
        let mut notes = PointNotes::new();
        for _ in 0..4 {
            let (dx, dy) = notes.place((100, 100), (30, 12), AREA);
            let b = [100 + dx, 100 + dy, 130 + dx, 112 + dy];
            assert!(notes.placed.iter().all(|p| overlap(&b, p) == 0));
            notes.placed.push(b);
        }
    }

    #[test]
    fn a_note_at_the_right_edge_goes_left_and_one_at_the_top_goes_below() {
        let notes = PointNotes::new();
        let (dx, _) = notes.place((395, 150), (60, 12), AREA);
        assert!(395 + dx + 60 <= 400, "{dx}");
        let (_, dy) = notes.place((100, 5), (30, 12), AREA);
        assert!(5 + dy >= 0, "{dy}");
    }
}
