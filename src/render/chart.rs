//! A chart as every view draws it: one [`Plot`] per chart kind, drawn on any plotters backend, and
//! through [`Chart`] twice — as SVG text to inline and as a PNG file. Also what every chart's picture
//! shares: the white frame with its title and a legend band above the plot (so a legend never covers
//! data), the legend's marks, and the font. The report's charts and the compare page's charts are
//! both built on this, so the two look alike and a change of frame is one edit.

use super::style::{self, FONT, LEGEND_SIZE, LINE_WIDTH, MARGIN, TEXT, TITLE_SIZE};
use anyhow::Context;
use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// What a drawing step returns: plotters' own error, so `?` works inside `plot`.
pub type DrawResult<T, B> = Result<T, DrawingAreaErrorKind<<B as DrawingBackend>::ErrorType>>;

/// What a chart says about itself, beside its picture.
#[derive(Debug, Clone)]
pub struct ChartInfo {
    /// File name without extension: `seed` → charts/seed.svg and charts/seed.png.
    pub stem: &'static str,
    pub title: String,
    /// How to read the axes and marks (fixed: it describes the chart, not the data).
    pub how_to_read: &'static str,
    /// One sentence computed from the data.
    pub takeaway: String,
    /// Names in the legend: the series a reader looks for.
    pub series: Vec<String>,
    pub size: (u32, u32),
}

/// One chart kind, drawn on any backend.
pub trait Plot {
    fn info(&self) -> ChartInfo;
    fn plot<B: DrawingBackend>(&self, root: &DrawingArea<B, Shift>) -> DrawResult<(), B>;
    /// Caption lines that depend on the data (what a figure includes, which cases have no ideal and
    /// why, the constants an ideal used), shown under the takeaway.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A chart as the report uses it: its description, drawn as SVG text or a PNG file.
pub trait Chart {
    fn info(&self) -> ChartInfo;
    fn notes(&self) -> Vec<String>;
    fn svg(&self) -> anyhow::Result<String>;
    fn png(&self, path: &Path) -> anyhow::Result<()>;
}

impl<T: Plot> Chart for T {
    fn info(&self) -> ChartInfo {
        Plot::info(self)
    }

    fn notes(&self) -> Vec<String> {
        Plot::notes(self)
    }

    fn svg(&self) -> anyhow::Result<String> {
        style::ensure_font();
        let info = Plot::info(self);
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, info.size).into_drawing_area();
            self.plot(&root)
                .and_then(|_| root.present())
                .map_err(|e| anyhow::anyhow!("drawing the {} chart: {e}", info.stem))?;
        }
        Ok(out)
    }

    fn png(&self, path: &Path) -> anyhow::Result<()> {
        style::ensure_font();
        let info = Plot::info(self);
        let root = BitMapBackend::new(path, info.size).into_drawing_area();
        self.plot(&root)
            .and_then(|_| root.present())
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

/// The shipped font at `size`, in the text colour.
pub fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&TEXT)
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Mark {
    Bar(RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
    /// A short vertical stroke: a reference value on a bar.
    Tick(RGBColor),
    /// An ×: a published figure, drawn as a mark and not a line.
    Cross(RGBColor),
    /// A hollow square: a point drawn apart from its line (its tasks mostly failed).
    Square(RGBColor),
}

/// A legend entry: its mark and its name.
pub type Entry = (Mark, String);

const SWATCH: i32 = 22;
const LEGEND_ROW: i32 = 22;

/// White background, the title, and a legend band above the plot (so no legend ever hides data);
/// returns the area left for the plot.
pub fn frame<B: DrawingBackend>(
    root: &DrawingArea<B, Shift>,
    title: &str,
    legend: &[Entry],
) -> DrawResult<DrawingArea<B, Shift>, B> {
    root.fill(&WHITE)?;
    let body = root.titled(title, font(TITLE_SIZE))?;
    let (width, _) = body.dim_in_pixel();
    let style = font(LEGEND_SIZE);
    // Lay the entries out left to right, wrapping when a row is full.
    let mut placed: Vec<(i32, i32, &Entry)> = Vec::new();
    let (mut x, mut row) = (MARGIN as i32, 0);
    for entry in legend {
        let (tw, _) = body.estimate_text_size(&entry.1, &style)?;
        let w = SWATCH + 6 + tw as i32 + 20;
        if x + w > width as i32 - MARGIN as i32 && x > MARGIN as i32 {
            x = MARGIN as i32;
            row += 1;
        }
        placed.push((x, row, entry));
        x += w;
    }
    if placed.is_empty() {
        return Ok(body);
    }
    let height = (row + 1) * LEGEND_ROW + 8;
    let (band, plot) = body.split_vertically(height);
    for (x, row, (mark, name)) in placed {
        let y = row * LEGEND_ROW + LEGEND_ROW / 2;
        draw_mark(&band, *mark, x, y)?;
        band.draw(&Text::new(
            name.clone(),
            (x + SWATCH + 6, y),
            style.pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(plot)
}

fn draw_mark<B: DrawingBackend>(
    area: &DrawingArea<B, Shift>,
    mark: Mark,
    x: i32,
    y: i32,
) -> DrawResult<(), B> {
    match mark {
        Mark::Bar(c) => area.draw(&Rectangle::new(
            [(x, y - 6), (x + SWATCH, y + 6)],
            c.filled(),
        )),
        Mark::Line(c) => {
            area.draw(&PathElement::new(
                vec![(x, y), (x + SWATCH, y)],
                c.stroke_width(LINE_WIDTH),
            ))?;
            area.draw(&Circle::new((x + SWATCH / 2, y), 3, c.filled()))
        }
        Mark::Dashed(c) => {
            for dx in [0, 9, 18] {
                area.draw(&PathElement::new(
                    vec![(x + dx, y), (x + dx + 5, y)],
                    c.stroke_width(LINE_WIDTH),
                ))?;
            }
            Ok(())
        }
        Mark::Tick(c) => area.draw(&PathElement::new(
            vec![(x + SWATCH / 2, y - 8), (x + SWATCH / 2, y + 8)],
            c.stroke_width(3),
        )),
        Mark::Cross(c) => area.draw(&Cross::new(
            (x + SWATCH / 2, y),
            style::CROSS_SIZE,
            c.stroke_width(LINE_WIDTH),
        )),
        Mark::Square(c) => area.draw(&Rectangle::new(
            [(x + SWATCH / 2 - 5, y - 5), (x + SWATCH / 2 + 5, y + 5)],
            c.stroke_width(LINE_WIDTH),
        )),
    }
}
