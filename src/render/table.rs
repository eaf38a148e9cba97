//! A table as plain strings — a title, a header, rows and the paragraph that says what its figures
//! mean — built once by a view (the report's groups, the compare page, the machines page) and spelled
//! by each format ([`super::html`], [`super::markdown`]). Cells hold raw text from result files;
//! escaping is each format's job.

/// One table: a title, its header and rows, and the paragraph that says what its figures mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub group: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// What the interval means for these cases (coverage depends on the sample count).
    pub note: String,
}
