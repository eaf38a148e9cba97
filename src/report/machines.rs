//! The machines page of a report (`machines.html`), written when the store holds runs of more than one
//! machine: each machine's newest complete run (loaded by `store::machines`, as `concbench compare`
//! loads a machine id) in one table per suite group — one row per case, one column per machine, each
//! cell the efficiency (the machine-independent figure) and the median makespan — ending in the
//! geometric mean of the efficiencies over the cases every machine ran.

use crate::render::fmt::{pct, secs};
use crate::render::html::{anchor, escape, page_start, table};
use crate::render::table::Table;
use crate::results::CaseResult;
use crate::store::machines::{self, machine_ids, Loaded};
use anyhow::Context;
use std::path::Path;

pub const FILE: &str = "machines.html";

/// Write `dir/machines.html` when `store` holds more than one machine id, and say whether it did;
/// otherwise remove a stale one, so a link never points at an old page.
pub fn write(store: &Path, dir: &Path) -> anyhow::Result<bool> {
    let path = dir.join(FILE);
    let ids = machine_ids(store);
    if ids.len() < 2 {
        let _ = std::fs::remove_file(&path);
        return Ok(false);
    }
    let mut loaded = Vec::new();
    let mut skipped = Vec::new();
    for id in &ids {
        // The store's directory itself, not the bare id, which a same-named local path would shadow.
        let dir = store.join(id).display().to_string();
        match machines::load(&dir, store) {
            Ok(machine) => loaded.push(machine),
            Err(e) => skipped.push(format!("{id}: {e:#}")),
        }
    }
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "cannot create {}; pass --out with a writable directory",
            dir.display()
        )
    })?;
    crate::output::write_atomically(&path, render(store, &loaded, &skipped).as_bytes())?;
    Ok(true)
}

/// The machine id as the store names it: its directory.
fn id(i: &Loaded) -> String {
    Path::new(&i.source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| i.run.machine.machine_id.clone())
}

/// Who ran what: one row per machine.
fn summary(machines: &[Loaded]) -> Table {
    let header = [
        "machine id",
        "CPU",
        "allowed CPUs",
        "suite",
        "newest run",
        "files",
    ];
    Table {
        group: "machines".into(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: machines
            .iter()
            .map(|m| {
                vec![
                    id(m),
                    m.run.machine.cpu_model.clone(),
                    m.run.machine.allowed_cpus.len().to_string(),
                    m.run.suite.clone(),
                    m.run.started.clone(),
                    m.files
                        .iter()
                        .map(|f| f.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            })
            .collect(),
        note: String::new(),
    }
}

/// Groups and their case ids in first-seen order over the machines.
fn layout(machines: &[Loaded]) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for c in machines.iter().flat_map(|m| &m.cases) {
        let i = match groups.iter().position(|(g, _)| *g == c.group.name()) {
            Some(i) => i,
            None => {
                groups.push((c.group.to_string(), Vec::new()));
                groups.len() - 1
            }
        };
        if !groups[i].1.contains(&c.id) {
            groups[i].1.push(c.id.clone());
        }
    }
    groups
}

fn find<'a>(m: &'a Loaded, case: &str) -> Option<&'a CaseResult> {
    m.cases.iter().find(|c| c.id == case)
}

/// One group: a row per case, a column per machine, then the geometric-mean efficiency.
pub fn group_table(machines: &[Loaded], group: &str, cases: &[String]) -> Table {
    let mut header = vec!["case".to_string()];
    header.extend(machines.iter().map(id));
    let mut rows: Vec<Vec<String>> = cases
        .iter()
        .map(|case| {
            let mut row = vec![case.clone()];
            row.extend(machines.iter().map(|m| match find(m, case) {
                Some(c) => format!(
                    "{} · {}",
                    c.summary.efficiency.map_or("–".into(), pct),
                    secs(c.summary.makespan.median)
                ),
                None => "–".into(),
            }));
            row
        })
        .collect();
    let common: Vec<&String> = cases
        .iter()
        .filter(|case| machines.iter().all(|m| find(m, case).is_some()))
        .collect();
    if !common.is_empty() {
        let mut row = vec![format!(
            "geomean efficiency ({} common cases)",
            common.len()
        )];
        row.extend(machines.iter().map(|m| {
            let effs: Vec<f64> = common
                .iter()
                .filter_map(|case| find(m, case))
                .filter_map(|c| c.summary.efficiency)
                .collect();
            pct(crate::stats::geomean(&effs))
        }));
        rows.push(row);
    }
    Table {
        group: group.to_string(),
        header,
        rows,
        note: "Each cell: efficiency (ideal ÷ median makespan; comparable across machines) · \
               median makespan. – = not in that machine's newest complete run."
            .into(),
    }
}

fn render(store: &Path, machines: &[Loaded], skipped: &[String]) -> String {
    let mut out = page_start("concbench: every machine in the store");
    out += &format!(
        "<p class=\"how\">Each machine's newest complete run in {}, side by side. For the \
         statistics of one machine against another, run <code>concbench compare A B --html</code>.\
         </p>\n",
        escape(&store.display().to_string())
    );
    out += &table(&summary(machines));
    if !skipped.is_empty() {
        out += "<ul class=\"note\">\n";
        for s in skipped {
            out += &format!("<li>not shown: {}</li>\n", escape(s));
        }
        out += "</ul>\n";
    }
    for (group, cases) in layout(machines) {
        let t = group_table(machines, &group, &cases);
        out += &format!(
            "<section id=\"{}\">\n<h2>{}</h2>\n{}<p class=\"note\">{}</p>\n</section>\n",
            anchor("table", &group),
            escape(&group),
            table(&t),
            escape(&t.note)
        );
    }
    out += "<p class=\"files\"><a href=\"index.html\">Back to this machine's report</a></p>\n\
            </body>\n</html>\n";
    out
}
