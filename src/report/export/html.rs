//! index.html: the whole report in one self-contained page — machine summary, how to read it, each
//! chart inline as SVG with its takeaway and caption notes, the machine noise, then the tables with
//! their footnotes. No scripts, no network, no external files
//! needed to read it. Every string from a result file is escaped. The markup is well-formed XML, so a
//! test (or any XML tool) can parse it.

use super::{chart_file, machine_summary, Exporter, Rendered, HOW_TO_READ};
use crate::render::html::{anchor, escape, inline_svg, page_start, table};
use crate::report::noise;
use crate::report::table::GroupTables;

pub struct Html;

/// Lines as a list, or nothing when there are none.
fn notes(lines: &[String]) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let items: String = lines
        .iter()
        .map(|l| format!("<li>{}</li>\n", escape(l)))
        .collect();
    format!("<ul class=\"notes\">\n{items}</ul>\n")
}

/// A group's section: its table, what the figures mean, why a case is flagged, further tables.
fn section(s: &GroupTables) -> String {
    let t = &s.table;
    let mut out = format!(
        "<section id=\"{}\">\n<h3>{}</h3>\n{}<p class=\"note\">{}</p>\n{}",
        anchor("table", &t.group),
        escape(&t.group),
        table(t),
        escape(&t.note),
        notes(&s.footnotes)
    );
    for more in &s.more {
        out += &format!(
            "<h4 id=\"{}\">{}</h4>\n{}<p class=\"note\">{}</p>\n",
            anchor("table", &more.group),
            escape(&more.group),
            table(more),
            escape(&more.note)
        );
    }
    out + "</section>\n"
}

/// The machine noise section: a row per group, then how each run ordered its repetitions.
fn noise_section(r: &Rendered) -> String {
    if r.noise.is_empty() {
        return String::new();
    }
    let t = noise::table(&r.noise);
    format!(
        "<section id=\"noise\">\n<h2>Machine noise</h2>\n{}<p class=\"note\">{}</p>\n{}</section>\n",
        table(&t),
        escape(&t.note),
        notes(&noise::runs(r.data))
    )
}

impl Exporter for Html {
    fn file_name(&self) -> &'static str {
        "index.html"
    }

    fn render(&self, r: &Rendered) -> String {
        let mut out = page_start(&format!("concbench report: {}", r.data.machine.machine_id));
        out += "<table class=\"machine\">\n";
        for (k, v) in machine_summary(r.data) {
            out += &format!("<tr><th>{k}</th><td>{}</td></tr>\n", escape(&v));
        }
        out += "</table>\n";
        out += &format!(
            "<h2>How to read this</h2>\n<p>{}</p>\n",
            escape(HOW_TO_READ)
        );
        out += "<p>Contents: ";
        let mut links: Vec<String> = r
            .charts
            .iter()
            .map(|c| {
                format!(
                    "<a href=\"#{}\">{}</a>",
                    anchor("chart", c.info.stem),
                    escape(c.info.stem)
                )
            })
            .collect();
        if !r.noise.is_empty() {
            links.push("<a href=\"#noise\">machine noise</a>".into());
        }
        links.extend(r.tables.iter().map(|s| {
            format!(
                "<a href=\"#{}\">{} table</a>",
                anchor("table", &s.table.group),
                escape(&s.table.group)
            )
        }));
        if r.machines_page {
            links.push(format!(
                "<a href=\"{}\">every machine in the store</a>",
                crate::report::machines::FILE
            ));
        }
        out += &links.join(" · ");
        out += "</p>\n";
        for c in &r.charts {
            out += &format!(
                "<section id=\"{}\">\n<h2>{}</h2>\n<figure>\n{}\n<figcaption class=\"takeaway\">{}\
                 </figcaption>\n</figure>\n{}<p class=\"how\">{}</p>\n<p class=\"files\">As files: \
                 <a href=\"{}\">SVG</a> · <a href=\"{}\">PNG</a></p>\n</section>\n",
                anchor("chart", c.info.stem),
                escape(&c.info.title),
                inline_svg(&c.svg).trim_end(),
                escape(&c.info.takeaway),
                notes(&c.notes),
                escape(c.info.how_to_read),
                chart_file(c.info.stem, "svg"),
                chart_file(c.info.stem, "png"),
            );
        }
        out += &noise_section(r);
        out += "<h2>Tables</h2>\n";
        for s in &r.tables {
            out += &section(s);
        }
        out += "<p class=\"files\">Also in this directory: <a href=\"report.md\">report.md</a> · \
                <a href=\"results.csv\">results.csv</a></p>\n</body>\n</html>\n";
        out
    }
}
