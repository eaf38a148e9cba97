//! A table of text cells that prints either aligned for a terminal or as a Markdown pipe table, so the
//! two formats never drift apart: the same rows, two spellings.

use crate::render::markdown::escape;
use crate::render::table::Table;
use std::fmt::Write;

pub struct Grid {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Per column: right-aligned (numbers) or left-aligned (names).
    right: Vec<bool>,
}

impl Grid {
    /// The first column is left-aligned, the others right-aligned, until [`Grid::left`] says otherwise.
    pub fn new(header: Vec<String>) -> Grid {
        let right = (0..header.len()).map(|i| i > 0).collect();
        Grid {
            header,
            rows: Vec::new(),
            right,
        }
    }

    /// Left-align every column (text tables such as machine metadata).
    pub fn left(mut self) -> Grid {
        self.right.iter_mut().for_each(|r| *r = false);
        self
    }

    pub fn push(&mut self, row: Vec<String>) {
        debug_assert_eq!(row.len(), self.header.len());
        self.rows.push(row);
    }

    fn widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (w, cell) in widths.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        widths
    }

    fn pad(cell: &str, width: usize, right: bool) -> String {
        let fill = " ".repeat(width.saturating_sub(cell.chars().count()));
        if right {
            fill + cell
        } else {
            format!("{cell}{fill}")
        }
    }

    /// Columns separated by two spaces, no trailing blanks.
    pub fn text(&self) -> String {
        let widths = self.widths();
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .zip(&self.right)
                .map(|((c, &w), &r)| Grid::pad(c, w, r))
                .collect();
            let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        }
        out
    }

    /// The same cells as a report table, for the HTML page (which escapes them).
    pub fn table(&self, name: &str, note: &str) -> Table {
        Table {
            group: name.to_string(),
            header: self.header.clone(),
            rows: self.rows.clone(),
            note: note.to_string(),
        }
    }

    /// A GitHub-flavoured Markdown table; `|` inside cells is escaped.
    pub fn markdown(&self) -> String {
        let widths = self.widths();
        let line = |row: &[String]| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .zip(&self.right)
                .map(|((c, &w), &r)| Grid::pad(&escape(c), w, r))
                .collect();
            format!("| {} |\n", cells.join(" | "))
        };
        let rule: Vec<String> = widths
            .iter()
            .zip(&self.right)
            .map(|(&w, &r)| {
                let dashes = "-".repeat(w.max(3) - 1);
                if r {
                    format!("{dashes}:")
                } else {
                    format!("{dashes}-")
                }
            })
            .collect();
        let mut out = line(&self.header);
        let _ = writeln!(out, "| {} |", rule.join(" | "));
        for r in &self.rows {
            out += &line(r);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Grid {
        let mut g = Grid::new(vec!["case".into(), "ratio".into()]);
        g.push(vec!["cpu/rayon".into(), "0.51".into()]);
        g.push(vec!["a|b".into(), "1.00".into()]);
        g
    }

    #[test]
    fn text_aligns_numbers_right() {
        assert_eq!(
            sample().text(),
            "case       ratio\ncpu/rayon   0.51\na|b         1.00\n"
        );
    }

    #[test]
    fn markdown_escapes_pipes_and_marks_alignment() {
        let md = sample().markdown();
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[1], "| --------- | ----: |");
        assert!(lines[3].starts_with("| a\\|b"), "{md}");
    }
}
