//! index.html: the whole report in one self-contained page — machine summary, how to read it, each
//! chart inline as SVG with its takeaway and caption notes, the machine noise, then the tables with
//! their footnotes. No scripts, no network, no external files
//! needed to read it. Every string from a result file is escaped. The markup is well-formed XML, so a
//! test (or any XML tool) can parse it.

use super::{chart_file, machine_summary, Exporter, Rendered, HOW_TO_READ};
use crate::report::noise;
use crate::report::table::{Section, Table};

pub struct Html;

/// Text safe in HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', sans-serif; color: #222; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.82em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: right; vertical-align: top;
         white-space: nowrap; }
td:first-child { white-space: normal; min-width: 12em; }
th { background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; }
table.machine td { text-align: left; }
.scroll { overflow-x: auto; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; display: block; }
.takeaway { font-weight: bold; font-size: 1.05em; }
.how, .note, .files, .notes { color: #555; font-size: 0.9em; }
ul.notes { margin: 0.3em 0; padding-left: 1.4em; }
code { font-size: 0.95em; }
";

/// The chart's SVG as an element to inline: without an XML prolog, which is not allowed mid-document.
pub(crate) fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

pub(crate) fn table(t: &Table) -> String {
    let cells = |tag: &str, row: &[String]| {
        row.iter()
            .map(|c| format!("<{tag}>{}</{tag}>", escape(c)))
            .collect::<String>()
    };
    let mut out = format!(
        "<div class=\"scroll\"><table>\n<thead><tr>{}</tr></thead>\n<tbody>\n",
        cells("th", &t.header)
    );
    for r in &t.rows {
        out += &format!("<tr>{}</tr>\n", cells("td", r));
    }
    out += "</tbody></table></div>\n";
    out
}

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
fn section(s: &Section) -> String {
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

/// The opening of every concbench page up to its `<h1>`: one skeleton and one style sheet for the
/// report, the compare page and the machines page. `title` is raw text; it is escaped here.
pub(crate) fn page_start(title: &str) -> String {
    let title = escape(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    )
}

/// An id usable in a fragment, from any group name.
pub(crate) fn anchor(prefix: &str, name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{prefix}-{slug}")
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
