//! How numbers read in every table, chart label and takeaway, so one figure looks the same wherever it
//! appears: seconds with units that fit, percentages, sizes, counts with thousands separators.

/// Seconds, in s or ms, with three decimals' worth of precision where it matters.
pub fn secs(s: f64) -> String {
    if !s.is_finite() {
        return "–".into();
    }
    let a = s.abs();
    if a >= 100.0 {
        format!("{s:.1} s")
    } else if a >= 0.1 || a == 0.0 {
        format!("{s:.3} s")
    } else if a >= 0.001 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

/// Seconds in the fixed short form of the compare tables: three decimals in s from one second up,
/// one decimal in ms below, so a column of makespans lines up by unit.
pub fn secs_short(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.3} s")
    } else {
        format!("{:.1} ms", s * 1e3)
    }
}

/// A fraction as a percentage: `0.5` → `50 %`; one decimal below 10 % so small gaps stay visible.
pub fn pct(f: f64) -> String {
    if !f.is_finite() {
        return "–".into();
    }
    let p = f * 100.0;
    if p.abs() < 10.0 && p != 0.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

/// A size given in KiB, in the unit that keeps it short.
pub fn kib(k: f64) -> String {
    if !k.is_finite() {
        return "–".into();
    }
    if k >= 1024.0 * 1024.0 {
        format!("{:.2} GiB", k / (1024.0 * 1024.0))
    } else if k >= 1024.0 {
        format!("{:.1} MiB", k / 1024.0)
    } else if k >= 10.0 {
        format!("{k:.0} KiB")
    } else {
        format!("{k:.1} KiB")
    }
}

/// A byte count in the binary unit that keeps it whole where it can: `0 B`, `1 KiB`, `16 MiB`,
/// `5.2 MiB`.
pub fn bytes(b: f64) -> String {
    if !b.is_finite() || b < 0.0 {
        return "–".into();
    }
    let (value, unit) = match b {
        b if b >= (1u64 << 20) as f64 => (b / (1u64 << 20) as f64, "MiB"),
        b if b >= 1024.0 => (b / 1024.0, "KiB"),
        b => (b, "B"),
    };
    match value.fract() == 0.0 {
        true => format!("{value:.0} {unit}"),
        false => format!("{value:.1} {unit}"),
    }
}

/// A count with thousands separators: `10000` → `10,000`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A ratio: `1.95×`.
pub fn times(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    if x >= 10.0 {
        format!("{x:.0}×")
    } else {
        format!("{x:.2}×")
    }
}

/// An axis tick in seconds: short, no unit (the axis says it).
pub fn tick(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 10.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        trim(format!("{v:.1}"))
    } else if a >= 0.01 {
        trim(format!("{v:.2}"))
    } else {
        trim(format!("{v:.4}"))
    }
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(secs(3.0123), "3.012 s");
        assert_eq!(secs(0.0213), "21.3 ms");
        assert_eq!(secs_short(1.0), "1.000 s");
        assert_eq!(secs_short(0.5), "500.0 ms");
        assert_eq!(pct(0.5), "50 %");
        assert_eq!(pct(0.993), "99 %");
        assert_eq!(pct(0.012), "1.2 %");
        assert_eq!(kib(2048.0), "2.0 MiB");
        assert_eq!(count(10_000), "10,000");
        assert_eq!(count(999), "999");
        assert_eq!(times(1.954), "1.95×");
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(3.0), "3");
    }
}
