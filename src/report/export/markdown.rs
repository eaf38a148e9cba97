//! report.md: the machine summary, each chart as a PNG link with its takeaway and caption notes, the
//! machine noise, then the tables with their footnotes, for reading on a forge. Every string from a
//! result file is escaped, so a name cannot inject markup.

use super::{chart_file, machine_summary, Exporter, Rendered, HOW_TO_READ};
use crate::render::markdown::{escape, table};
use crate::report::noise;
use crate::report::table::GroupTables;

pub struct Markdown;

/// Lines as a bullet list (with the blank line before that Markdown wants), or nothing.
fn notes(lines: &[String]) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let items: String = lines.iter().map(|l| format!("- {}\n", escape(l))).collect();
    format!("\n{items}")
}

impl Markdown {
    /// The tables alone, one section per group: what the snapshot test pins.
    pub fn tables(sections: &[GroupTables]) -> String {
        sections
            .iter()
            .map(|s| {
                let t = &s.table;
                let mut out = format!(
                    "### {}\n\n{}\n{}\n{}",
                    escape(&t.group),
                    table(t),
                    escape(&t.note),
                    notes(&s.footnotes)
                );
                for more in &s.more {
                    out += &format!(
                        "\n#### {}\n\n{}\n{}\n",
                        escape(&more.group),
                        table(more),
                        escape(&more.note)
                    );
                }
                out
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The machine noise section: a row per group, then how each run ordered its repetitions.
    pub fn noise(r: &Rendered) -> String {
        if r.noise.is_empty() {
            return String::new();
        }
        let t = noise::table(&r.noise);
        format!(
            "## Machine noise\n\n{}\n{}\n{}\n",
            table(&t),
            escape(&t.note),
            notes(&noise::runs(r.data))
        )
    }
}

impl Exporter for Markdown {
    fn file_name(&self) -> &'static str {
        "report.md"
    }

    fn render(&self, r: &Rendered) -> String {
        let mut out = format!(
            "# concbench report: {}\n\n",
            escape(&r.data.machine.machine_id)
        );
        out += "| | |\n| --- | --- |\n";
        for (k, v) in machine_summary(r.data) {
            out += &format!("| {k} | {} |\n", escape(&v));
        }
        out += &format!("\n## How to read this\n\n{HOW_TO_READ}\n\n");
        for c in &r.charts {
            out += &format!(
                "## {}\n\n![{}]({})\n\n**{}**\n{}\n{}\n\n",
                escape(&c.info.title),
                escape(&c.info.title),
                chart_file(c.info.stem, "png"),
                escape(&c.info.takeaway),
                notes(&c.notes),
                c.info.how_to_read
            );
        }
        out += &Markdown::noise(r);
        out += "## Tables\n\n";
        out += &Markdown::tables(&r.tables);
        out
    }
}
