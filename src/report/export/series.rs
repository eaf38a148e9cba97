//! series.csv: the time line of every sample of a case released at a rate (`--arrival`), one row per
//! 100 ms bucket — offered, completed, failed, in flight at its end, and the p50 and p99 latency (from
//! each task's scheduled release) of what completed in it. Only the header when no case had a rate.

use super::csv::field;
use super::{Exporter, Rendered};

pub struct SeriesCsv;

impl Exporter for SeriesCsv {
    fn file_name(&self) -> &'static str {
        "series.csv"
    }

    fn render(&self, r: &Rendered) -> String {
        let opt = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
        let mut out = String::from(
            "id,group,model,arrival,sample,t_s,offered,completed,failed,in_flight,p50_s,p99_s\n",
        );
        for c in &r.data.cases {
            for (i, s) in c.samples.iter().enumerate() {
                for b in s.series.iter().flatten() {
                    let cells = [
                        field(&c.id),
                        c.group.to_string(),
                        c.params.model.to_string(),
                        c.params.arrival.to_string(),
                        i.to_string(),
                        format!("{:.1}", b.t_s),
                        b.offered.to_string(),
                        b.completed.to_string(),
                        b.failed.to_string(),
                        b.in_flight.to_string(),
                        opt(b.p50_s),
                        opt(b.p99_s),
                    ];
                    out += &(cells.join(",") + "\n");
                }
            }
        }
        out
    }
}
