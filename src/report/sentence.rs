//! The sentence helpers every section's takeaways share: how far a case is from its ideal, a case
//! against its ideal in words, the closest and furthest of a set, the closing clauses that name the
//! cases left out (their tasks failed) or unstable, and English lists. A takeaway is computed from its
//! chart's own data — which model came closest to its ideal, how far the furthest fell, where queueing
//! happened — never canned text, so a report of a slow model says it is slow. A case is named with its
//! caveats (`threads N=9 (unstable)`), and one whose tasks failed is never compared with its ideal:
//! its failures are said instead.

use super::flags::{Flags, Namer};
use crate::render::fmt::{pct, secs};

/// How far a measurement is from its ideal, either way (0 = on it).
pub fn distance(efficiency: f64) -> f64 {
    if efficiency > 0.0 {
        efficiency.ln().abs()
    } else {
        f64::INFINITY
    }
}

/// One case against its ideal, in words: within x % of it, or at y % efficiency.
pub fn against_ideal(label: &str, efficiency: f64, median: f64, ideal: f64) -> String {
    if efficiency > 1.0 {
        format!(
            "{label} came in {} under its ideal ({} against {})",
            pct(1.0 - median.min(ideal) / ideal),
            secs(median),
            secs(ideal)
        )
    } else if efficiency >= 0.99 {
        format!(
            "{label} came within {} of the ideal ({} against {})",
            pct(median / ideal - 1.0),
            secs(median),
            secs(ideal)
        )
    } else {
        format!(
            "{label} ran at {} efficiency ({} against an ideal {})",
            pct(efficiency),
            secs(median),
            secs(ideal)
        )
    }
}

/// The closest to and furthest from the ideal among some points, as one clause.
pub fn best_and_worst<T>(
    items: &[T],
    eff: impl Fn(&T) -> f64,
    say: impl Fn(&T) -> String,
) -> Option<String> {
    let best = items
        .iter()
        .min_by(|a, b| distance(eff(a)).total_cmp(&distance(eff(b))))?;
    let worst = items
        .iter()
        .max_by(|a, b| distance(eff(a)).total_cmp(&distance(eff(b))))?;
    if items.len() == 1 || distance(eff(worst)) - distance(eff(best)) < 1e-12 {
        return Some(say(best));
    }
    Some(format!("{}, while {}", say(best), say(worst)))
}

/// The cases left out of ideal comparisons because tasks failed, as a closing clause.
pub fn failed_clause<'a>(
    namer: &Namer,
    failed: impl IntoIterator<Item = (&'a str, &'a Flags)>,
) -> String {
    let named: Vec<String> = failed.into_iter().map(|(l, f)| namer.name(l, f)).collect();
    match named.len() {
        0 => String::new(),
        1 => format!("; {} is not compared with its ideal", named[0]),
        _ => format!(
            "; {} are not compared with their ideals",
            list(&named.iter().map(String::as_str).collect::<Vec<_>>())
        ),
    }
}

/// A closing clause for a sentence that claims something of every case ("every case came within
/// 1 %"): the unstable cases it did not name, so the claim never hides them.
pub fn unstable_rest<'a>(
    namer: &Namer,
    cases: impl IntoIterator<Item = (&'a str, &'a Flags)>,
    named: &[&str],
) -> String {
    if namer.says_unstable() {
        return String::new();
    }
    let rest: Vec<&str> = cases
        .into_iter()
        .filter(|(l, f)| f.is_unstable() && !named.contains(l))
        .map(|(l, _)| l)
        .collect();
    match rest.len() {
        0 => String::new(),
        1 => format!("; {} is unstable", rest[0]),
        _ => format!("; {} are unstable", list(&rest)),
    }
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(list(&["a"]), "a");
    }
}
