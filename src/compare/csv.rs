//! The comparison as CSV in long form — one line per matched case and input — which spreadsheets and
//! data frames pivot as they like. The baseline's lines leave the comparison columns empty; `unstable`
//! holds that input's reasons (joined by `; `), `rule` which rule decided the verdict.

use super::comparison::Comparison;
use std::fmt::Write;

const HEADER: &str = "group,case,input,machine_id,samples,median_s,min_s,max_s,ideal_s,efficiency,failures,unstable,ratio,ci_low,ci_high,p,p_adjusted,rule,verdict";

pub fn render(c: &Comparison) -> String {
    let mut out = format!("{HEADER}\n");
    for g in &c.groups {
        for r in &g.rows {
            for (i, (side, input)) in r.sides.iter().zip(&c.inputs).enumerate() {
                let versus = match i.checked_sub(1).map(|j| &r.versus[j]) {
                    Some(v) => format!(
                        "{},{},{},{},{},{},{}",
                        v.ratio,
                        v.ci_low,
                        v.ci_high,
                        v.p,
                        v.p_adjusted.map_or(String::new(), |p| p.to_string()),
                        v.rule.name(),
                        v.verdict.name()
                    ),
                    None => ",,,,,,".to_string(),
                };
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{versus}",
                    field(&g.name),
                    field(&r.case),
                    input.label,
                    field(&input.machine.machine_id),
                    side.samples,
                    side.median_s,
                    side.min_s,
                    side.max_s,
                    side.ideal_s.map_or(String::new(), |v| v.to_string()),
                    side.efficiency.map_or(String::new(), |v| v.to_string()),
                    side.failures,
                    field(
                        &side
                            .unstable
                            .iter()
                            .map(|i| i.why.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                );
            }
        }
    }
    out
}

/// Quote a field when it holds a comma, quote or newline (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(super::field("cpu/rayon"), "cpu/rayon");
        assert_eq!(super::field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}
