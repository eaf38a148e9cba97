//! The comparison as a document: the terminal table (default) and Markdown share one layout — the
//! gate's outcome when `--fail-on` asked for one (first, as a CI comment's reader wants it), a legend,
//! the machines side by side, a summary row per group, one table per group ending in its geometric
//! mean and the group's verdict, the unmatched cases and the footnotes — and differ only in how a
//! table and a heading are spelled.

use super::comparison::{Comparison, Group, Rule, Side, Verdict, Versus, MARK_POWERLESS};
use super::grid::Grid;
use super::machines::metadata_rows;
use crate::render::fmt::secs_short;
use crate::render::markdown::escape;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Terminal,
    Markdown,
}

impl Style {
    fn heading(self, text: &str) -> String {
        match self {
            Style::Terminal => format!("{text}\n"),
            Style::Markdown => format!("### {}\n\n", escape(text)),
        }
    }

    fn table(self, grid: &Grid) -> String {
        match self {
            Style::Terminal => grid.text(),
            Style::Markdown => grid.markdown(),
        }
    }

    fn bullet(self, text: &str) -> String {
        match self {
            Style::Terminal => format!("  {text}\n"),
            Style::Markdown => format!("- {}\n", escape(text)),
        }
    }
}

pub fn render(c: &Comparison, style: Style) -> String {
    let mut out = String::new();
    if style == Style::Markdown {
        out += "## Comparison\n\n";
    }
    if let Some(gate) = &c.gate {
        let mut lines = super::gate::summary(c, gate).into_iter().peekable();
        out += &style.heading(&format!("gate: {}", lines.next().unwrap_or_default()));
        // A Markdown heading ends in a blank line already; bullets and the terminal need one.
        if lines.peek().is_some() || style == Style::Terminal {
            for line in lines {
                out += &style.bullet(&line);
            }
            out += "\n";
        }
    }
    out += &legend(c);
    out += "\n\n";
    out += &style.heading("machines");
    out += &style.table(&machines(c));
    if !c.groups.is_empty() {
        out += "\n";
        out += &style.heading("groups");
        out += &style.table(&summary(c));
    }
    for g in &c.groups {
        out += "\n";
        out += &style.heading(&format!("{} ({} cases)", g.name, g.rows.len()));
        out += &style.table(&group(c, g));
    }
    if !c.unmatched.is_empty() {
        out += "\n";
        out += &style.heading("not in every run (not compared)");
        for u in &c.unmatched {
            out += &style.bullet(&format!("{}: only in {}", u.case, u.present_in.join(", ")));
        }
    }
    if !c.notes.is_empty() {
        out += "\n";
        out += &style.heading("notes");
        for n in &c.notes {
            out += &style.bullet(&format!("{} {}", n.mark, n.text));
        }
    }
    out
}

pub(super) fn legend(c: &Comparison) -> String {
    let base = &c.inputs[0].label;
    let others: Vec<String> = c.inputs[1..]
        .iter()
        .map(|i| format!("{}/{base}", i.label))
        .collect();
    format!(
        "{base} is the baseline; {} = ratio of median makespans (above 1 = slower).\n\
         faster/slower need a change beyond {t} % and: the Mann-Whitney p, Holm-adjusted within the group, < {a} (p adj);\n\
         or, where the samples are too few for that test (p adj `range`, {MARK_POWERLESS}), ranges apart by more than either is wide.\n\
         ~ = neither; noisy = a side ran beside other work, or its spread leaves only ~ or a range verdict: no claim;\n\
         n/a = too few samples to test (notes below).\n\
         A geomean row's p: a rank test of the whole group, stratified by case (van Elteren); noisy when any of its cases is unstable.\n\
         eff = ideal / median: comparable across machines (`N failed` instead when tasks failed).",
        others.join(", "),
        a = c.alpha,
        t = c.threshold_pct
    )
}

pub(super) fn machines(c: &Comparison) -> Grid {
    let header = std::iter::once(String::new())
        .chain(c.inputs.iter().enumerate().map(|(i, inp)| {
            if i == 0 {
                format!("{} (baseline)", inp.label)
            } else {
                inp.label.clone()
            }
        }))
        .collect();
    let mut g = Grid::new(header).left();
    for (what, values) in metadata_rows(&c.inputs) {
        g.push(std::iter::once(what.to_string()).chain(values).collect());
    }
    g
}

/// One row per group: its cases, and per non-baseline input its geomean ratio, the group's own p and
/// verdict, and how many of its cases got each verdict.
pub(super) fn summary(c: &Comparison) -> Grid {
    let base = &c.inputs[0].label;
    let mut header = vec!["group".to_string(), "cases".to_string()];
    for i in &c.inputs[1..] {
        let l = &i.label;
        header.extend([
            format!("{l}/{base} geomean"),
            format!("{l} p"),
            format!("{l} vs {base}"),
        ]);
        header.extend(Verdict::ALL.iter().map(|v| v.name().to_string()));
    }
    let mut grid = Grid::new(header);
    for g in &c.groups {
        let mut row = vec![g.name.clone(), g.rows.len().to_string()];
        for (j, v) in g.geomean.versus.iter().enumerate() {
            row.extend([
                format!("{:.3}", v.ratio),
                v.p.map_or("–".into(), p_value),
                v.verdict.name().to_string(),
            ]);
            row.extend(Verdict::ALL.iter().map(|&verdict| {
                let n = g.rows.iter().filter(|r| r.versus[j].verdict == verdict);
                n.count().to_string()
            }));
        }
        grid.push(row);
    }
    grid
}

pub(super) fn group(c: &Comparison, g: &Group) -> Grid {
    let base = &c.inputs[0].label;
    let mut header = vec!["case".to_string()];
    header.extend(c.inputs.iter().map(|i| i.label.clone()));
    for i in &c.inputs[1..] {
        let l = &i.label;
        header.extend([
            format!("{l}/{base}"),
            format!("{l} 95% CI"),
            format!("{l} p adj"),
            format!("{l} vs {base}"),
        ]);
    }
    header.extend(c.inputs.iter().map(|i| format!("eff {}", i.label)));
    let width = header.len();
    let mut grid = Grid::new(header);
    for r in &g.rows {
        let mut row = vec![short_case(&r.case, &g.name)];
        row.extend(r.sides.iter().map(|s| secs_short(s.median_s)));
        for v in &r.versus {
            row.extend(versus_cells(v));
        }
        row.extend(r.sides.iter().map(efficiency));
        grid.push(row);
    }
    let mut row = vec!["geomean".to_string()];
    row.extend(g.geomean.medians_s.iter().map(|&m| secs_short(m)));
    for v in &g.geomean.versus {
        row.extend([
            format!("{:.3}", v.ratio),
            String::new(),
            v.p.map_or("–".into(), p_value),
            v.verdict.name().to_string(),
        ]);
    }
    row.resize(width, String::new());
    grid.push(row);
    grid
}

fn versus_cells(v: &Versus) -> [String; 4] {
    let p = match v.rule {
        Rule::Rank => v.p_adjusted.map_or("–".into(), p_value),
        Rule::Range => "range".into(),
        Rule::None => "–".into(),
    };
    // The footnote on sample sizes explains any verdict the rank test did not reach; `noisy` has its
    // own note.
    let mark = if v.rule != Rule::Rank && v.verdict != Verdict::Noisy {
        MARK_POWERLESS
    } else {
        ""
    };
    [
        format!("{:.3}", v.ratio),
        format!("[{:.3}, {:.3}]", v.ci_low, v.ci_high),
        p,
        format!("{}{mark}", v.verdict.name()),
    ]
}

/// A side's efficiency cell, the one place every table (terminal, Markdown, the page) spells it; when
/// tasks failed, how many instead (efficiency would flatter the case); when the ideal measured beside
/// the case came out above what the case took, that it is unreliable, with the two figures.
pub(super) fn efficiency(s: &Side) -> String {
    match (s.failures, s.efficiency, s.ideal_unreliable, s.ideal_s) {
        (f, _, _, _) if f > 0 => format!("{f} failed"),
        (_, Some(e), _, _) => format!("{e:.2}"),
        (_, None, Some(_), Some(ideal)) => format!(
            "{} (ideal {} > {} taken)",
            crate::results::summary::IDEAL_UNRELIABLE,
            secs_short(ideal),
            secs_short(s.median_s)
        ),
        _ => "–".into(),
    }
}

/// Three decimals, or scientific below 0.001 so a tiny p is not shown as zero.
fn p_value(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}

/// The group is the table's heading: drop it from the case id.
pub(super) fn short_case(id: &str, group: &str) -> String {
    id.strip_prefix(group)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or(id)
        .to_string()
}
