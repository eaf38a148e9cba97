//! Rendering shared by every view (the report, the compare command and page, the machines page): the
//! look of charts in one place of constants, number formats, the chart frame and drawing on any
//! backend, axes, per-model lines, and the HTML and Markdown every page and table is spelled in. It
//! knows nothing of reports or comparisons — both build on it, neither on the other.

pub mod axis;
pub mod chart;
pub use crate::fmt;
pub mod html;
pub mod markdown;
pub mod notes;
pub mod rows;
pub mod series;
pub mod stacked;
pub mod style;
pub mod table;
