//! The look of every chart in one place: sizes, font sizes, colours per model and per role, and the font
//! shipped in the repo. Charts take their constants from here only, so changing the look is one edit.

use crate::names::ModelKind;
use plotters::style::{FontStyle, RGBColor};
use std::sync::Once;

/// DejaVu Sans, shipped in assets/fonts/ (licence beside it): charts must render text without system
/// fonts, so plotters runs without fontconfig and gets this font through ab_glyph.
const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The family name the font is registered under; SVG text names it too, so a viewer falls back to its
/// own sans-serif when it lacks DejaVu Sans.
pub const FONT: &str = "sans-serif";

/// Register the shipped font with plotters; drawing text before this fails with "font unavailable".
pub fn ensure_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_err() {
            // The bytes are compiled in: a parse failure is a broken build, not a user error.
            panic!("assets/fonts/DejaVuSans.ttf is not a valid font");
        }
    });
}

/// Size of a chart in pixels (SVG user units and PNG pixels alike).
pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 560;
/// The timeline draws one small panel per seed case.
pub const PANEL_HEIGHT: u32 = 220;
pub const PANEL_COLUMNS: usize = 3;
/// Each server of the io sweep gets a panel this tall.
pub const SWEEP_PANEL_HEIGHT: u32 = 380;

pub const TITLE_SIZE: u32 = 26;
pub const SUBTITLE_SIZE: u32 = 17;
pub const AXIS_DESC_SIZE: u32 = 18;
pub const TICK_SIZE: u32 = 16;
pub const LEGEND_SIZE: u32 = 16;
pub const VALUE_SIZE: u32 = 15;

pub const MARGIN: u32 = 14;
pub const X_LABEL_AREA: u32 = 50;
pub const Y_LABEL_AREA: u32 = 70;
/// Horizontal bar charts name each case on the left.
pub const CASE_LABEL_AREA: u32 = 250;

pub const LINE_WIDTH: u32 = 2;
pub const MARKER_SIZE: u32 = 4;
/// Half the width of the × of a published figure: larger than a point, so it reads apart from one.
pub const CROSS_SIZE: u32 = 6;
/// A point's interval of the median: a thin vertical stroke with caps this many pixels either side.
pub const WHISKER_WIDTH: u32 = 1;
pub const WHISKER_CAP: u32 = 4;
/// Dash and gap, pixels, of a model's second line (the library client), shorter than the ideal's so
/// the two dashed kinds never read as one.
pub const SECOND_DASH: (u32, u32) = (3, 4);
/// A model's second line sits this factor to the right on a log x axis, so its whiskers and points
/// never hide under the first line's at the same x.
pub const SECOND_DODGE: f64 = 1.04;
/// Dash and gap, pixels, of an ideal line.
pub const IDEAL_DASH: (u32, u32) = (7, 5);

pub const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// The ideal: what physics allows.
pub const IDEAL: RGBColor = RGBColor(0x70, 0x70, 0x70);
/// The talk's published Python times.
pub const PYTHON: RGBColor = RGBColor(0xd6, 0x27, 0x28);
/// Python's times on this machine (the `py-*` models), beside the talk's.
pub const PYTHON_HERE: RGBColor = RGBColor(0xff, 0x9f, 0x1c);
/// Reference lines such as the core count.
pub const REFERENCE: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// Grid lines at labelled ticks, and the finer ones between.
pub const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
pub const GRID_LIGHT: RGBColor = RGBColor(0xf4, 0xf4, 0xf4);
/// What the server could serve, under the client's in-flight line.
pub const SERVER_AREA: RGBColor = RGBColor(0xd9, 0xd9, 0xd9);

/// The models whose colour is pinned: one each, the same in every chart, so a model is recognised at
/// a glance and the charts of earlier reports keep their colours. Python's models are lighter tones of
/// their Rust twins' hues.
const PINNED: [(ModelKind, RGBColor); 18] = [
    (ModelKind::Sequential, RGBColor(0x30, 0x30, 0x30)),
    (ModelKind::Threads, RGBColor(0x1f, 0x77, 0xb4)),
    (ModelKind::ThreadPool, RGBColor(0x17, 0xbe, 0xcf)),
    (ModelKind::Async, RGBColor(0x2c, 0xa0, 0x2c)),
    (ModelKind::AsyncSingle, RGBColor(0xbc, 0xbd, 0x22)),
    (ModelKind::AsyncSemaphore, RGBColor(0x94, 0x67, 0xbd)),
    (ModelKind::ProcessPool, RGBColor(0xff, 0x7f, 0x0e)),
    (ModelKind::Rayon, RGBColor(0x8c, 0x56, 0x4b)),
    (ModelKind::AsyncBlockingPool, RGBColor(0x63, 0x79, 0x39)),
    (ModelKind::AsyncProcessPool, RGBColor(0xd6, 0x27, 0x28)),
    (ModelKind::AsyncJoinAll, RGBColor(0x39, 0x3b, 0x79)),
    (ModelKind::PySequential, RGBColor(0x8a, 0x8a, 0x8a)),
    (ModelKind::PyThreads, RGBColor(0x9e, 0xc5, 0xe8)),
    (ModelKind::PyThreadPool, RGBColor(0x9e, 0xda, 0xe5)),
    (ModelKind::PyAsyncio, RGBColor(0x98, 0xdf, 0x8a)),
    (ModelKind::PyAsyncioSemaphore, RGBColor(0xc5, 0xb0, 0xd5)),
    (ModelKind::PyProcessPool, RGBColor(0xff, 0xbb, 0x78)),
    (ModelKind::PyAsyncProcessPool, RGBColor(0xff, 0x98, 0x96)),
];

/// Colours for models without a pinned one, taken by the model's position among all models: a new
/// model has a colour without an edit here, and pins one when it needs to stand apart.
const PALETTE: [RGBColor; 6] = [
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x84, 0x3c, 0x39),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0x17, 0x45, 0x6e),
    RGBColor(0xa5, 0x51, 0x94),
    RGBColor(0x6b, 0x6e, 0xcf),
];

/// The colour of a model in every chart: its pinned one, or the palette's at its position.
pub fn model_colour(model: ModelKind) -> RGBColor {
    match PINNED.iter().find(|(m, _)| *m == model) {
        Some(&(_, colour)) => colour,
        None => {
            let at = ModelKind::ALL.iter().position(|m| *m == model);
            PALETTE[at.unwrap_or(0) % PALETTE.len()]
        }
    }
}

/// The four latency percentiles, light to dark.
pub const PERCENTILE_COLOURS: [RGBColor; 4] = [
    RGBColor(0x9e, 0xca, 0xe1),
    RGBColor(0x42, 0x92, 0xc6),
    RGBColor(0x08, 0x51, 0x9c),
    RGBColor(0x08, 0x30, 0x6b),
];

/// A staged workload's stages, in their order: a palette of its own, so a stage's line is never read
/// as a model's.
pub const STAGE_COLOURS: [RGBColor; 3] = [
    RGBColor(0x1b, 0x9e, 0x77),
    RGBColor(0xd9, 0x5f, 0x02),
    RGBColor(0x75, 0x70, 0xb3),
];

/// The contention workload's syncs, in their order: a palette of its own, so a sync's line is never
/// read as a model's.
pub const SYNC_COLOURS: [RGBColor; 7] = [
    RGBColor(0x1b, 0x9e, 0x77),
    RGBColor(0xd9, 0x5f, 0x02),
    RGBColor(0x75, 0x70, 0xb3),
    RGBColor(0xe7, 0x29, 0x8a),
    RGBColor(0x66, 0xa6, 0x1e),
    RGBColor(0xa6, 0x76, 0x1d),
    RGBColor(0x66, 0x66, 0x66),
];

/// The ledger's components in their order (spawn, slot, packing, backlog, connect, serve,
/// contention, cpu, client, drain), then its residual in grey: a palette of its own, so a component
/// is never read as a model.
pub const LEDGER_COLOURS: [RGBColor; 11] = [
    RGBColor(0x8d, 0xd3, 0xc7),
    RGBColor(0x80, 0xb1, 0xd3),
    RGBColor(0x1f, 0x78, 0xb4),
    RGBColor(0xfb, 0x80, 0x72),
    RGBColor(0xfd, 0xb4, 0x62),
    RGBColor(0xb3, 0xde, 0x69),
    RGBColor(0xbc, 0x80, 0xbd),
    RGBColor(0xfc, 0xcd, 0xe5),
    RGBColor(0xff, 0xed, 0x6f),
    RGBColor(0xcc, 0xeb, 0xc5),
    RGBColor(0xa0, 0xa0, 0xa0),
];
/// A stacked bar's row height, pixels (the chart grows with its rows).
pub const STACKED_ROW: u32 = 30;

/// One colour per run of a comparison (the baseline first), distinct from the model colours' meaning.
pub const RUN_COLOURS: [RGBColor; 6] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xed, 0xc9, 0x48),
];

pub fn run_colour(i: usize) -> RGBColor {
    RUN_COLOURS[i % RUN_COLOURS.len()]
}

/// Verdicts of a comparison: significantly faster, significantly slower, no significant change.
pub const FASTER: RGBColor = RGBColor(0x1a, 0x7f, 0x37);
pub const SLOWER: RGBColor = RGBColor(0xc6, 0x28, 0x28);
pub const UNCHANGED: RGBColor = RGBColor(0x88, 0x88, 0x88);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_has_a_colour_of_its_own() {
        let colours: Vec<_> = ModelKind::ALL
            .iter()
            .map(|m| {
                let c = model_colour(*m);
                (c.0, c.1, c.2)
            })
            .collect();
        let mut distinct = colours.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), colours.len(), "{colours:?}");
    }
}
