//! The HTML every concbench page shares — the report, the compare page and the machines page: one
//! skeleton and style sheet up to the `<h1>`, escaping for anything a result file says, tables, inline
//! SVG and fragment ids. Every page is well-formed XML, so a test (or any XML tool) can parse it.

use super::table::Table;

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

/// The one style sheet of every page.
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
pub fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// A table, every cell escaped, scrolling sideways on a narrow screen rather than squeezing figures.
pub fn table(t: &Table) -> String {
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

/// The opening of every concbench page up to its `<h1>`: one skeleton and one style sheet for the
/// report, the compare page and the machines page. `title` is raw text; it is escaped here.
pub fn page_start(title: &str) -> String {
    let title = escape(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    )
}

/// An id usable in a fragment, from any group name.
pub fn anchor(prefix: &str, name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{prefix}-{slug}")
}
