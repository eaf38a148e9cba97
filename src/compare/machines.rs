//! The machines behind a comparison, side by side (asv's machine metadata): what a reader needs to
//! explain a difference — CPU, cores, allowed CPU set, memory, OS, kernel, rustc, governor — and the
//! warnings when the sides differ in what should not differ (concbench or rustc versions, incomplete
//! runs, an external server whose configuration is only claimed) or a side's directory held files
//! that could not be read.

use super::comparison::InputInfo;
use super::input::Input;
use crate::measure::machine::cpu_list;

/// Rows of `(what, one value per input)`.
pub fn metadata_rows(inputs: &[InputInfo]) -> Vec<(&'static str, Vec<String>)> {
    let field = |f: &dyn Fn(&InputInfo) -> String| inputs.iter().map(f).collect::<Vec<_>>();
    vec![
        ("machine id", field(&|i| i.machine.machine_id.clone())),
        ("cpu", field(&|i| i.machine.cpu_model.clone())),
        (
            "cores",
            field(&|i| match i.machine.physical_cores {
                Some(p) => format!("{} logical, {p} physical", i.machine.logical_cores),
                None => format!("{} logical", i.machine.logical_cores),
            }),
        ),
        (
            "allowed cpus",
            field(&|i| {
                let n = i.machine.allowed_cpus.len();
                let plural = if n == 1 { "" } else { "s" };
                format!("{} ({n} CPU{plural})", cpu_list(&i.machine.allowed_cpus))
            }),
        ),
        (
            "memory",
            field(&|i| {
                format!(
                    "{:.1} GiB",
                    i.machine.memory_bytes as f64 / (1u64 << 30) as f64
                )
            }),
        ),
        ("os", field(&|i| i.machine.os.clone())),
        ("kernel", field(&|i| i.machine.kernel.clone())),
        ("rustc", field(&|i| i.machine.rustc.clone())),
        (
            "governor",
            field(&|i| i.machine.governor.clone().unwrap_or("-".into())),
        ),
        (
            "concbench",
            field(&|i| match &i.git_commit {
                Some(c) => format!("{} ({c})", i.concbench_version),
                None => i.concbench_version.clone(),
            }),
        ),
        ("suite", field(&|i| i.suite.clone())),
        (
            "results",
            field(&|i| match i.files.len() {
                0 | 1 => i.files.join(""),
                n => format!("{} and {} older", i.files[0], n - 1),
            }),
        ),
    ]
}

/// What makes the comparison weaker than it looks, one line each.
pub fn warnings(inputs: &[Input]) -> Vec<String> {
    let mut out = Vec::new();
    let differ = |what: &str, value: &dyn Fn(&Input) -> String| -> Option<String> {
        let values: Vec<String> = inputs
            .iter()
            .map(|i| format!("{}: {}", i.label, value(i)))
            .collect();
        let first = value(&inputs[0]);
        inputs.iter().any(|i| value(i) != first).then(|| {
            format!(
                "{what} differ ({}): part of a difference may be the build, not the machine",
                values.join("; ")
            )
        })
    };
    out.extend(differ("concbench versions", &|i| {
        i.run.concbench_version.clone()
    }));
    out.extend(differ("rustc versions", &|i| i.run.machine.rustc.clone()));
    for i in inputs {
        for s in &i.skipped {
            out.push(format!(
                "{} ({}): skipped {}: {}",
                i.label,
                i.source,
                s.path.display(),
                s.why
            ));
        }
        if !i.run.complete {
            out.push(format!(
                "{} ({}) is an incomplete run ({}): only its finished cases are compared",
                i.label,
                i.source,
                i.run.interrupted.as_deref().unwrap_or("not finished")
            ));
        }
        if i.cases.iter().any(|c| c.external) {
            out.push(format!(
                "{} ({}) ran against an external server (--target): its W and delay are as claimed, not checked",
                i.label, i.source
            ));
        }
    }
    out
}
