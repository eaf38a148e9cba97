//! Data flows one way, and this test keeps it so: every path in src/ that names a top-level module —
//! `crate::<module>` in a use statement or inline, and a `super::` that climbs to the crate root — names
//! the file's own module or one of an earlier layer in [`LAYERS`]. So the views (report, compare) never
//! reach into the measuring side, report and compare never into each other, and nothing below a layer
//! imports one above it. Comments and string literals are left out: a doc link is not a dependency.
//! A new top-level module fails this test until it is given its place; a workload's suite
//! (`workload/<name>/suite.rs`) is plan's, and nothing else in workload/ may use it. Within the report, no section
//! (`src/report/sections/<name>/`) uses another: what two sections share lives beside them in report/.

use std::path::{Path, PathBuf};

/// The top-level modules, lowest first. A module may use itself and any module of an earlier layer;
/// modules of one layer may not use each other.
const LAYERS: &[&[&str]] = &[
    &["names", "fmt"],
    &["error"],
    &["stats"],
    &["rng"],
    &["spawn", "thread_room", "output", "arrival"],
    &["ledger"],
    &["client"],
    &["workload"],
    &["results"],
    &["measure"],
    &["model"],
    &["plan"],
    &["run"],
    &["calibrate"],
    &["store"],
    &["render"],
    &["advise"],
    &["report", "compare"],
    &["cli"],
];

/// The layer of a file that sits in one module's folder but belongs to another: a workload's suite
/// (`workload/<name>/suite.rs`, or `<what>_suite.rs` for a further one) lists plan's cases beside the
/// workload they run, so it is plan's.
fn placed(rel: &Path) -> Option<String> {
    let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
    match parts.as_slice() {
        ["workload", _, file] if *file == "suite.rs" || file.ends_with("_suite.rs") => {
            Some("plan".to_string())
        }
        _ => None,
    }
}

/// Whether code names a `suite` module other than by declaring it (`pub mod suite;`).
fn uses_a_suite(code: &str) -> bool {
    let code: Vec<char> = code.chars().collect();
    (0..code.len()).any(|i| {
        let before = i == 0 || !(code[i - 1].is_alphanumeric() || code[i - 1] == '_');
        let word: String = code[i..code.len().min(i + 5)].iter().collect();
        let mut j = i + 5;
        while code.get(j).is_some_and(|c| c.is_whitespace()) {
            j += 1;
        }
        before && word == "suite" && code.get(j) == Some(&':') && code.get(j + 1) == Some(&':')
    })
}

/// Crate roots: main.rs is the binary (its `crate` is not the library), lib.rs only declares modules.
const ROOTS: [&str; 2] = ["main.rs", "lib.rs"];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments and the contents of string and char literals blanked out, so only code is
/// searched. Newlines are kept.
fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            // Block comments nest in Rust.
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c[i] == 'r'
            && (i == 0 || !ident(c[i - 1]) || c[i - 1] == 'b')
            && matches!(next, Some('"') | Some('#'))
        {
            // A raw string r"…" or r#"…"#: it ends at a quote followed by as many hashes.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            j += 1;
            while j < c.len() {
                if c[j] == '"' && (1..=hashes).all(|h| c.get(j + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' && next == Some('\\') {
            // An escaped char literal: '\n', '\'', '\u{1F600}'.
            i += 2;
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else if c[i] == '\'' && c.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push_str("' '");
        } else {
            // Anything else, lifetimes included.
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// The first identifier at `at` (after blanks).
fn ident_at(code: &[char], mut at: usize) -> Option<String> {
    while code.get(at).is_some_and(|c| c.is_whitespace()) {
        at += 1;
    }
    let start = at;
    while code
        .get(at)
        .is_some_and(|c| c.is_alphanumeric() || *c == '_')
    {
        at += 1;
    }
    (at > start).then(|| code[start..at].iter().collect())
}

/// The top-level names a path names from `at` on, right after `crate::`: one, or each item's first
/// segment in a `{…}` group.
fn names_at(code: &[char], mut at: usize) -> Vec<String> {
    while code.get(at).is_some_and(|c| c.is_whitespace()) {
        at += 1;
    }
    if code.get(at) != Some(&'{') {
        return ident_at(code, at).into_iter().collect();
    }
    let mut names = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    for (i, &ch) in code.iter().enumerate().skip(at) {
        match ch {
            '{' => {
                depth += 1;
                if depth == 1 {
                    item_start = true;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => item_start = true,
            c if depth == 1 && item_start && !c.is_whitespace() => {
                names.extend(ident_at(code, i));
                item_start = false;
            }
            _ => {}
        }
    }
    names
}

/// How deep a file's items sit below the crate root: src/a.rs and src/a/mod.rs 1, src/a/b.rs 2.
fn file_depth(rel: &Path) -> usize {
    let parts = rel.components().count();
    match rel.file_name().and_then(|n| n.to_str()) {
        Some("mod.rs") => parts - 1,
        _ => parts,
    }
}

/// A `crate::` or `super::` path in code: `climb` is None from the crate root, else how many modules
/// its supers climb from the code's own (`inline` of which are inline modules around it, such as
/// `mod tests`); `at` is where what follows the prefix starts.
struct PathStart {
    climb: Option<usize>,
    inline: usize,
    at: usize,
}

/// Every path in code that starts at the crate root or climbs with `super`.
fn path_starts(code: &[char]) -> Vec<PathStart> {
    let ident = |i: usize| {
        code.get(i)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
    };
    let word = |i: usize, w: &str| {
        w.chars()
            .enumerate()
            .all(|(k, ch)| code.get(i + k) == Some(&ch))
            && (i == 0 || !ident(i - 1))
            && !ident(i + w.len())
    };
    let mut out = Vec::new();
    // Brace depths at which an inline `mod name {` opened.
    let mut inline: Vec<usize> = Vec::new();
    let mut braces = 0;
    let mut i = 0;
    while i < code.len() {
        match code[i] {
            '{' => braces += 1,
            '}' => {
                braces -= 1;
                if inline.last() == Some(&braces) {
                    inline.pop();
                }
            }
            _ => {}
        }
        if word(i, "mod") {
            let mut j = i + 3;
            while code.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            while ident(j) {
                j += 1;
            }
            while code.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            if code.get(j) == Some(&'{') {
                inline.push(braces);
            }
        }
        if word(i, "crate") && code.get(i + 5) == Some(&':') && code.get(i + 6) == Some(&':') {
            out.push(PathStart {
                climb: None,
                inline: inline.len(),
                at: i + 7,
            });
            i += 7;
            continue;
        }
        if word(i, "super") && (i < 2 || code[i - 2..i] != [':', ':']) {
            let mut j = i;
            let mut supers = 0;
            while word(j, "super") && code.get(j + 5) == Some(&':') && code.get(j + 6) == Some(&':')
            {
                supers += 1;
                j += 7;
                while code.get(j).is_some_and(|c| c.is_whitespace()) {
                    j += 1;
                }
            }
            if supers > 0 {
                out.push(PathStart {
                    climb: Some(supers),
                    inline: inline.len(),
                    at: j,
                });
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// Every top-level module a file's code names: `crate::x` anywhere, and `super::…::x` where the
/// supers climb to the crate root (counting the inline modules, such as `mod tests`, around it).
fn references(code: &str, depth: usize) -> Vec<String> {
    let code: Vec<char> = code.chars().collect();
    path_starts(&code)
        .into_iter()
        .filter(|p| p.climb.is_none_or(|up| up >= depth + p.inline))
        .flat_map(|p| names_at(&code, p.at))
        .collect()
}

/// Every file's violations, as `src/x/y.rs: uses crate::z`.
fn violations() -> (Vec<String>, usize) {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    let mut found = Vec::new();
    let mut seen = 0;
    for file in files {
        let rel = file.strip_prefix(&root).expect("under src/");
        let name = rel.to_string_lossy();
        if ROOTS.contains(&name.as_ref()) {
            continue;
        }
        let own = placed(rel).unwrap_or_else(|| {
            rel.components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .map(|s| s.trim_end_matches(".rs").to_string())
                .expect("a top-level module")
        });
        let Some(own_layer) = layer(&own) else {
            found.push(format!(
                "src/{name}: module {own} is in no layer; give it its place in LAYERS"
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        // Nothing of the workload layer may reach into a suite, which is plan's.
        if own == "workload" && uses_a_suite(&code_only(&text)) {
            found.push(format!(
                "src/{name}: uses a workload's suite, which is part of plan"
            ));
        }
        let mut refs = references(&code_only(&text), file_depth(rel));
        refs.sort();
        refs.dedup();
        for r in refs {
            seen += 1;
            let allowed = r == own || layer(&r).is_some_and(|l| l < own_layer);
            if !allowed {
                found.push(format!("src/{name}: uses crate::{r}"));
            }
        }
    }
    (found, seen)
}

#[test]
fn modules_only_use_the_layers_below_them() {
    let (found, seen) = violations();
    // A scanner that found nothing would pass anything.
    assert!(seen > 100, "only {seen} references found under src/");
    assert!(
        found.is_empty(),
        "{} imports against the layer order (lowest first: {}):\n{}",
        found.len(),
        LAYERS
            .iter()
            .map(|l| l.join(", "))
            .collect::<Vec<_>>()
            .join(" → "),
        found.join("\n")
    );
}

#[test]
fn every_layer_names_a_module_of_src() {
    for module in LAYERS.iter().flat_map(|l| l.iter()) {
        let as_file = src().join(format!("{module}.rs"));
        let as_dir = src().join(module).join("mod.rs");
        assert!(
            as_file.is_file() || as_dir.is_file(),
            "LAYERS names {module}, which src/ does not have"
        );
    }
}

#[test]
fn the_scanner_sees_code_not_comments_or_strings() {
    let src = r##"
        //! Uses crate::cli in a doc comment only.
        use crate::{names::ModelKind, results::{CaseResult, Sample}};
        use crate::stats;
        /* crate::run, /* nested */ crate::plan */
        const S: &str = "crate::model";
        const R: &str = r#"crate::measure "quoted""#;
        const C: char = '"';
        fn f<'a>(x: &'a str) -> usize { crate::rng::seed(x) + super::local() }
        mod tests {
            use super::super::error::UsageError;
        }
    "##;
    let mut refs = references(&code_only(src), 2);
    refs.sort();
    assert_eq!(refs, ["names", "results", "rng", "stats"]);
    // At the top of a top-level module's file, `super` is the crate root.
    let mut refs = references(&code_only(src), 1);
    refs.sort();
    assert_eq!(refs, ["error", "local", "names", "results", "rng", "stats"]);
}

/// The report's sections: the folders of src/report/sections/.
fn sections() -> Vec<String> {
    let dir = src().join("report/sections");
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .expect("src/report/sections is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// Every section a file's code names: `crate::report::sections::x`, `sections::x` after a use of
/// `sections`, and `super::…::x` where the supers climb to the sections folder. `module` is the file's
/// own module path below the crate root (`report/sections/mixed/chart.rs`: report, sections, mixed,
/// chart).
fn sections_named(code: &str, module: &[String], sections: &[String]) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    for p in path_starts(&chars) {
        let depth = module.len() + p.inline;
        match p.climb {
            // From the root, a path names a section through report::sections.
            None => {
                let rest: String = chars[p.at..]
                    .iter()
                    .take(200)
                    .filter(|c| !c.is_whitespace())
                    .collect();
                if let Some(after) = rest.strip_prefix("report::sections::") {
                    out.extend(names_at(&after.chars().collect::<Vec<_>>(), 0));
                }
            }
            // Climbing to the sections folder itself, what follows is a section.
            Some(up) if up <= depth && depth - up == 2 && module[..2] == ["report", "sections"] => {
                out.extend(names_at(&chars, p.at));
            }
            Some(_) => {}
        }
    }
    // A path through `sections` once it was imported by name.
    for (i, _) in code.match_indices("sections::") {
        let before = code[..i].chars().last();
        if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':')) {
            let at = code[..i + 10].chars().count();
            out.extend(names_at(&chars, at));
        }
    }
    out.retain(|n| sections.contains(n));
    out
}

#[test]
fn no_report_section_uses_another() {
    let sections = sections();
    assert!(sections.len() >= 5, "only {sections:?} found");
    let root = src();
    let mut found = Vec::new();
    for own in &sections {
        let mut files = Vec::new();
        rust_files(&root.join("report/sections").join(own), &mut files);
        for file in files {
            let rel = file.strip_prefix(&root).expect("under src/");
            let mut module: Vec<String> = rel
                .components()
                .map(|c| {
                    c.as_os_str()
                        .to_string_lossy()
                        .trim_end_matches(".rs")
                        .to_string()
                })
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            let code = code_only(&std::fs::read_to_string(&file).expect("readable"));
            for other in sections_named(&code, &module, &sections) {
                if other != *own {
                    found.push(format!("src/{}: uses section {other}", rel.display()));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "sections use each other; move what they share beside them in src/report/:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_section_check_sees_every_way_to_name_another_section() {
    let sections: Vec<String> = ["db", "mixed", "seed"].map(String::from).to_vec();
    let module: Vec<String> = ["report", "sections", "mixed", "chart"]
        .map(String::from)
        .to_vec();
    let src = r#"
        use super::data::MixedBar;
        use crate::report::sections::seed::talk;
        use super::super::db::data::DbRow;
        // crate::report::sections::db in a comment
        mod tests {
            use super::super::super::seed::x;
        }
    "#;
    let mut named = sections_named(&code_only(src), &module, &sections);
    named.sort();
    assert_eq!(named, ["db", "seed", "seed"]);
}
