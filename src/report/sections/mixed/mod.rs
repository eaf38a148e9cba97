//! The mixed section: the aiomultiprocess article's question — one event loop whose CPU work blocks
//! it, against event loops in several processes and the models between — in its two shapes: the
//! mixed suite's, mostly waiting, and the article's own, mostly counting (`mixed-article`). Its
//! charts set each wait-heavy case's makespan beside its ideal and the time computing alone would
//! take (`chart`), and each article-shape case's speedup over one loop beside the article's 1.5×
//! (`article`); its table splits each case's time into computing and waiting, for both shapes. All
//! read `data`. One section for both shapes, not one each: they are the same workload read the same
//! way, and the article shape's sentence says how the wait-heavy shape answered the same question,
//! which a second section could only do by copying this one's reading (no section imports another).

pub mod article;
pub mod chart;
pub mod data;
pub mod sentences;
pub mod table;

use crate::names::Group;
use crate::render::chart::Chart;
use crate::render::table::Table;
use crate::report::data::ReportData;
use crate::report::ledger;
use crate::report::sections::Section;

pub struct Mixed;

impl Section for Mixed {
    fn groups(&self) -> &'static [Group] {
        &[Group::Mixed, Group::MixedArticle]
    }

    fn stems(&self) -> &'static [&'static str] {
        &["mixed", "mixed-article", "ledger-mixed"]
    }

    fn charts(&self, data: &ReportData) -> Vec<Box<dyn Chart>> {
        [
            chart::chart(data),
            article::chart(data),
            ledger::chart(
                data,
                &[Group::Mixed, Group::MixedArticle],
                "ledger-mixed",
                "mixed: where the time went",
            ),
        ]
            .into_iter()
            .flatten()
            .collect()
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        table::table(data, group).into_iter().collect()
    }
}
