//! `concbench compare --html [DIR]`: the comparison as one self-contained page, built on the skeleton,
//! style sheet and escaping every page shares (`render::html`) — the machines side by side, the ratio
//! chart, then per group its grouped-bar chart and its table (the same cells as the terminal table),
//! unmatched cases and notes. Charts are inline SVG; no scripts, no network.

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
    write_atomically(&path, render(c)?.as_bytes()).with_context(|| {
        format!(
            "cannot write {} (the page there before, if any, is left as it was)",
            path.display()
        )
    })?;
    Ok(path)
}

/// Write `bytes` to `path` through a hidden temporary file beside it and a rename, so a write that
/// fails half-way (a full disk) leaves what was at `path` before, never an empty or partial page.
/// Private to compare for now: branch `robustness` brings a shared atomic-write helper, and this
/// becomes a call to it on merge.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // Beside the target, so the rename stays within one filesystem; hidden, as the store's are.
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

fn figure(chart: &dyn Chart) -> anyhow::Result<String> {
    let info = chart.info();
    Ok(format!(
        "<figure>\n{}\n</figure>\n<p class=\"how\">{}</p>\n",
        inline_svg(&chart.svg()?).trim_end(),
        escape(info.how_to_read)
    ))
}

pub fn render(c: &Comparison) -> anyhow::Result<String> {
    let ids: Vec<&str> = c
        .inputs
        .iter()
        .map(|i| i.machine.machine_id.as_str())
        .collect();
    let mut out = page_start(&format!("concbench compare: {}", ids.join(" vs ")));
    out += &format!("<p class=\"how\">{}</p>\n", escape(&text::legend(c)));
    out += "<h2>Machines</h2>\n";
    out += &table(&text::machines(c).table("machines", ""));
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
        out += "<p>Contents: <a href=\"#ratios\">ratios</a>";
        for g in &c.groups {
            out += &format!(
                " · <a href=\"#{}\">{}</a>",
                anchor("group", &g.name),
                escape(&g.name)
            );
        }
        out += "</p>\n";
        out += "<section id=\"ratios\">\n<h2>Ratios to the baseline</h2>\n";
        out += &figure(&ratios::chart(c))?;
        out += "</section>\n";
    }
    for g in &c.groups {
        out += &format!(
            "<section id=\"{}\">\n<h2>{} ({} cases)</h2>\n",
            anchor("group", &g.name),
            escape(&g.name),
            g.rows.len()
        );
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
