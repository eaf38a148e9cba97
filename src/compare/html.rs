//! `concbench compare --html [DIR]`: the comparison as one self-contained page, built on the skeleton,
//! style sheet and escaping every page shares (`render::html`) — the gate's outcome when asked for,
//! the machines side by side (wrapping within the page, however long a path), a summary of every
//! group (its geomean and how many cases got each verdict, as a chart and a table), then per group
//! its cases' ratios on an axis of its own, its grouped-bar chart of medians and its table (the same
//! cells as the terminal table), unmatched cases and notes. Charts are inline SVG; no scripts, no
//! network.

use super::charts::{bars, ratios};
use super::comparison::Comparison;
use super::text;
use crate::measure::machine::slug;
use crate::render::chart::Chart;
use crate::render::html::{anchor, escape, inline_svg, page_start, table};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// The default directory: `reports/compare/<a>-vs-<b>[-vs-<c>…]`, from the machine ids.
pub fn default_dir(c: &Comparison) -> PathBuf {
    let ids: Vec<String> = c
        .inputs
        .iter()
        .map(|i| slug(&i.machine.machine_id))
        .collect();
    Path::new("reports/compare").join(ids.join("-vs-"))
}

/// Write `index.html` into `dir` (created if needed) and return its path.
pub fn write(c: &Comparison, dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "cannot create {}; give --html a writable directory",
            dir.display()
        )
    })?;
    let path = dir.join("index.html");
    crate::output::write_atomically(&path, render(c)?.as_bytes()).with_context(|| {
        format!(
            "cannot write {} (the page there before, if any, is left as it was)",
            path.display()
        )
    })?;
    Ok(path)
}

fn figure(chart: &dyn Chart) -> anyhow::Result<String> {
    let info = chart.info();
    Ok(format!(
        "<figure>\n{}\n</figure>\n<p class=\"how\">{}</p>\n",
        inline_svg(&chart.svg()?).trim_end(),
        escape(info.how_to_read)
    ))
}

/// A table whose cells wrap within the page: text may break at spaces, and long words (paths, kernel
/// and compiler versions) after `/`, `-`, `_`, `.` and `,`, so side by side columns never push the
/// page wider than it is. (The shared table keeps cells on one line, for columns of figures.)
fn wrapping_table(t: &crate::render::table::Table) -> String {
    let cell = |tag: &str, text: &str| {
        let mut breakable = String::new();
        for ch in text.chars() {
            breakable += &escape(&ch.to_string());
            if matches!(ch, '/' | '-' | '_' | '.' | ',') {
                breakable += "<wbr/>";
            }
        }
        format!("<{tag} style=\"white-space: normal\">{breakable}</{tag}>")
    };
    let row =
        |tag: &str, cells: &[String]| -> String { cells.iter().map(|c| cell(tag, c)).collect() };
    let mut out = format!(
        "<table class=\"machine\">\n<thead><tr>{}</tr></thead>\n<tbody>\n",
        row("th", &t.header)
    );
    for r in &t.rows {
        out += &format!("<tr>{}</tr>\n", row("td", r));
    }
    out += "</tbody></table>\n";
    out
}

pub fn render(c: &Comparison) -> anyhow::Result<String> {
    let ids: Vec<&str> = c
        .inputs
        .iter()
        .map(|i| i.machine.machine_id.as_str())
        .collect();
    let mut out = page_start(&format!("concbench compare: {}", ids.join(" vs ")));
    if let Some(gate) = &c.gate {
        let mut lines = super::gate::summary(c, gate).into_iter();
        out += &format!(
            "<p class=\"takeaway\">gate: {}</p>\n",
            escape(&lines.next().unwrap_or_default())
        );
        let failing: Vec<String> = lines.collect();
        if !failing.is_empty() {
            out += "<ul>\n";
            for f in failing {
                out += &format!("<li>{}</li>\n", escape(&f));
            }
            out += "</ul>\n";
        }
    }
    out += &format!("<p class=\"how\">{}</p>\n", escape(&text::legend(c)));
    out += "<h2>Machines</h2>\n";
    out += &wrapping_table(&text::machines(c).table("machines", ""));
    if !c.warnings.is_empty() {
        out += "<ul class=\"note\">\n";
        for w in &c.warnings {
            out += &format!("<li>warning: {}</li>\n", escape(w));
        }
        out += "</ul>\n";
    }
    if c.groups.is_empty() {
        out += "<p class=\"takeaway\">No case is in every run: nothing to compare.</p>\n";
    } else {
        out += "<p>Contents: <a href=\"#summary\">summary</a>";
        for g in &c.groups {
            out += &format!(
                " · <a href=\"#{}\">{}</a>",
                anchor("group", &g.name),
                escape(&g.name)
            );
        }
        out += "</p>\n";
        out += "<section id=\"summary\">\n<h2>Summary by group</h2>\n";
        out += &figure(&ratios::summary(c))?;
        out += &table(&text::summary(c).table("summary", ""));
        out += "</section>\n";
    }
    for g in &c.groups {
        out += &format!(
            "<section id=\"{}\">\n<h2>{} ({} cases)</h2>\n",
            anchor("group", &g.name),
            escape(&g.name),
            g.rows.len()
        );
        out += &figure(&ratios::group(c, g))?;
        out += &figure(&bars::chart(c, g))?;
        out += &table(&text::group(c, g).table(&g.name, ""));
        out += "</section>\n";
    }
    if !c.unmatched.is_empty() {
        out += "<h2>Not in every run (not compared)</h2>\n<ul>\n";
        for u in &c.unmatched {
            out += &format!(
                "<li>{}: only in {}</li>\n",
                escape(&u.case),
                escape(&u.present_in.join(", "))
            );
        }
        out += "</ul>\n";
    }
    if !c.notes.is_empty() {
        out += "<h2>Notes</h2>\n<ul class=\"note\">\n";
        for n in &c.notes {
            out += &format!("<li>{} {}</li>\n", escape(&n.mark), escape(&n.text));
        }
        out += "</ul>\n";
    }
    out += "</body>\n</html>\n";
    Ok(out)
}
