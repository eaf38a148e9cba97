//! Axes that hold whatever a result file says: ranges clamped to [`AXIS_LIMIT`] so a chart always
//! finishes, log ranges with room either side and 1-2-5 ticks in every decade, a linear top from zero,
//! and the labels of horizontal charts' rows.

/// The label of a horizontal chart's row at y = `v`, rows laid out from the top at y = n-1-i so
/// the first label reads first; empty between rows.
pub fn row_label(labels: &[String], v: f64) -> String {
    let i = labels.len() as f64 - 1.0 - v.round();
    match (v.fract() == 0.0 && i >= 0.0, labels.get(i as usize)) {
        (true, Some(l)) => l.clone(),
        _ => String::new(),
    }
}

/// The largest magnitude an axis takes (10¹²: 32,000 years in seconds, an exabyte in KiB). A result file
/// may hold any finite number; a chart must still finish, so values beyond are drawn at the limit.
pub const AXIS_LIMIT: f64 = 1e12;

/// A value an axis can hold: finite, clamped to ±[`AXIS_LIMIT`].
pub fn on_axis(v: f64) -> Option<f64> {
    v.is_finite().then(|| v.clamp(-AXIS_LIMIT, AXIS_LIMIT))
}

/// The top of a linear axis from 0 holding every value: the largest (at least `floor`) times `room`.
pub fn linear_top(values: impl IntoIterator<Item = f64>, floor: f64, room: f64) -> f64 {
    values.into_iter().filter_map(on_axis).fold(floor, f64::max) * room
}

/// A log axis range that holds every value with a little room either side.
pub fn log_range(values: impl IntoIterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite() && *v > 0.0)
        .map(|v| v.clamp(1.0 / AXIS_LIMIT, AXIS_LIMIT))
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return 0.1..10.0;
    }
    lo / 1.3..hi * 1.3
}

/// Ticks for a log axis: 1, 2 and 5 times each power of ten inside the range, so every decade is
/// labelled however narrow the range.
pub fn log_ticks(range: &std::ops::Range<f64>) -> Vec<f64> {
    let mut out = Vec::new();
    // An infinite or absurd range would ask for billions of decades: never more than the axis holds.
    let limit = (1.3 / AXIS_LIMIT)..(AXIS_LIMIT * 1.3);
    let sane = range.start > 0.0
        && range.end > range.start
        && limit.contains(&range.start)
        && limit.contains(&range.end);
    if !sane {
        return out;
    }
    let first = range.start.log10().floor() as i32;
    let last = range.end.log10().ceil() as i32;
    for e in first..=last {
        for m in [1.0, 2.0, 5.0] {
            let v = m * 10f64.powi(e);
            if range.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}
