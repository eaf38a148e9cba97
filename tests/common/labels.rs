//! How a test measures a chart's words: the box each `<text>` of an SVG takes (estimated from its
//! font size, anchor and baseline), and the faults of one chart — a label leaving the picture, two
//! labels over each other. The compare page's test and the report's charts test share it.

/// The box a `<text>` element of an SVG takes: as wide as the shipped font (DejaVu Sans, which the
/// PNGs are drawn with and which is wider than the sans-serif fonts a browser usually picks) sets
/// it, one em high, placed by its anchor and its `dy`, then turned by its `rotate(a, cx, cy)` when
/// it has one (an axis title along a vertical axis).
pub fn text_box(n: roxmltree::Node) -> (String, [f64; 4]) {
    let num = |a: &str| n.attribute(a).unwrap_or("0").parse::<f64>().unwrap();
    let (x, y, size) = (num("x"), num("y"), num("font-size"));
    let text: String = n.text().unwrap_or("").trim().to_string();
    let w = width(&text, size);
    let left = match n.attribute("text-anchor") {
        Some("middle") => x - w / 2.0,
        Some("end") => x - w,
        _ => x,
    };
    let top = match n.attribute("dy") {
        Some("0.76em") => y,
        Some("-0.5ex") => y - size,
        _ => y - size / 2.0,
    };
    let upright = [left, top, left + w, top + size];
    let Some(turn) = n.attribute("transform") else {
        return (text, upright);
    };
    let args: Vec<f64> = turn
        .strip_prefix("rotate(")
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or_else(|| panic!("a transform other than rotate: {turn}"))
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    let (a, cx, cy) = (args[0].to_radians(), args[1], args[2]);
    let (sin, cos) = a.sin_cos();
    let corners = [
        (upright[0], upright[1]),
        (upright[2], upright[3]),
        (upright[0], upright[3]),
        (upright[2], upright[1]),
    ]
    .map(|(px, py)| {
        (
            cx + (px - cx) * cos - (py - cy) * sin,
            cy + (px - cx) * sin + (py - cy) * cos,
        )
    });
    let xs = corners.map(|c| c.0);
    let ys = corners.map(|c| c.1);
    let min = |v: [f64; 4]| v.into_iter().fold(f64::INFINITY, f64::min);
    let max = |v: [f64; 4]| v.into_iter().fold(f64::NEG_INFINITY, f64::max);
    (text, [min(xs), min(ys), max(xs), max(ys)])
}

/// What is wrong with the words of one `<svg>` element: every text that leaves it, and every pair
/// of texts whose boxes overlap. Empty when every label reads whole.
pub fn label_faults(svg: roxmltree::Node) -> Vec<String> {
    let size = |a: &str| svg.attribute(a).unwrap().parse::<f64>().unwrap();
    let (width, height) = (size("width"), size("height"));
    let boxes: Vec<(String, [f64; 4])> = svg
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(text_box)
        .filter(|(t, _)| !t.trim().is_empty())
        .collect();
    let mut faults = Vec::new();
    for (t, b) in &boxes {
        if !(b[0] >= 0.0 && b[1] >= 0.0 && b[2] <= width && b[3] <= height) {
            faults.push(format!(
                "{t:?} at {b:.0?} leaves the {width}×{height} chart"
            ));
        }
    }
    for (i, (t, a)) in boxes.iter().enumerate() {
        for (u, b) in &boxes[i + 1..] {
            let apart = a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
            if !apart {
                faults.push(format!("{t:?} at {a:.0?} overlaps {u:?} at {b:.0?}"));
            }
        }
    }
    faults
}

/// How wide `text` is at `size` pixels in the shipped font.
pub fn width(text: &str, size: f64) -> f64 {
    use plotters::style::IntoFont;
    concbench::render::style::ensure_font();
    let font = (concbench::render::style::FONT, size).into_font();
    font.box_size(text)
        .expect("the shipped font measures any text")
        .0 as f64
}
