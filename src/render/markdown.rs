//! Markdown as concbench writes it (report.md, `compare --format markdown`): escaping for anything a
//! result file says, so a name cannot inject markup, and a [`Table`] as a pipe table.

use super::table::Table;

/// Text safe in a Markdown paragraph or table cell: HTML-significant characters as entities, Markdown
/// punctuation backslash-escaped, line breaks flattened.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A pipe table: the first column left-aligned, the figures right-aligned, every cell escaped.
pub fn table(t: &Table) -> String {
    let row = |cells: &[String]| {
        format!(
            "| {} |\n",
            cells
                .iter()
                .map(|c| escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        )
    };
    let mut out = row(&t.header);
    out += &format!(
        "|{}|\n",
        t.header
            .iter()
            .enumerate()
            .map(|(i, _)| if i == 0 { " --- " } else { " ---: " })
            .collect::<Vec<_>>()
            .join("|")
    );
    for r in &t.rows {
        out += &row(r);
    }
    out
}
