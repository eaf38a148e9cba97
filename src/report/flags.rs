//! What must be said beside a case's figure wherever it appears: that it is unstable (its samples
//! disagree, or the machine was busy while it ran), that some of its tasks failed, and that its ideal
//! is unreliable on this machine (the probes beside it gave an ideal above what it took). Tables,
//! chart labels and takeaways all take these caveats from here, so a figure never travels without
//! them.

use crate::render::fmt::count;
use crate::results::CaseResult;

/// The mark beside an unstable case's label. Short, so long labels stay readable in a chart; its
/// reasons are listed under the case's table.
pub const UNSTABLE: &str = "!";

/// A case's caveats.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flags {
    /// Why the case is unstable; empty when it is stable.
    pub unstable: Vec<String>,
    /// Failed tasks over all samples.
    pub failures: u64,
    /// The efficiency its ideal gave when that was above 1.01: the ideal is unreliable on this
    /// machine, and no efficiency is shown.
    pub ideal_unreliable: Option<f64>,
}

pub use crate::results::summary::IDEAL_UNRELIABLE;

impl Flags {
    pub fn of(c: &CaseResult) -> Flags {
        Flags {
            unstable: c.summary.unstable.iter().map(|i| i.why.clone()).collect(),
            failures: c.summary.failures,
            ideal_unreliable: c.summary.ideal_unreliable,
        }
    }

    pub fn is_unstable(&self) -> bool {
        !self.unstable.is_empty()
    }

    /// Whether the case has no efficiency to compare although it may have an ideal: its tasks
    /// failed, or its ideal is unreliable on this machine.
    pub fn withheld(&self) -> bool {
        self.failures > 0 || self.ideal_unreliable.is_some()
    }

    /// What follows a label: ` !` when unstable, ` (3 failed)` when tasks failed; empty otherwise.
    pub fn mark(&self) -> String {
        let mut out = String::new();
        if self.is_unstable() {
            out += " ";
            out += UNSTABLE;
        }
        if self.failures > 0 {
            out += &format!(" ({} failed)", count(self.failures));
        }
        out
    }

    /// A label with its marks, for tables and charts.
    pub fn label(&self, label: &str) -> String {
        format!("{label}{}", self.mark())
    }

    /// A label as a takeaway names it: the caveat in words, since a sentence is read without a
    /// legend (`threads N=9 (unstable)`, `async N=10,000 (unstable; 3 tasks failed)`).
    pub fn named(&self, label: &str) -> String {
        let mut why = Vec::new();
        if self.is_unstable() {
            why.push("unstable".to_string());
        }
        match self.failures {
            0 => {}
            1 => why.push("1 task failed".to_string()),
            n => why.push(format!("{} tasks failed", count(n))),
        }
        if self.ideal_unreliable.is_some() {
            why.push("ideal unreliable".to_string());
        }
        match why.is_empty() {
            true => label.to_string(),
            false => format!("{label} ({})", why.join("; ")),
        }
    }
}

/// How a takeaway names cases: each with its caveats, except that when every case of the sentence is
/// unstable the sentence says so once, up front, instead of after every name.
#[derive(Debug, Clone, Copy)]
pub struct Namer {
    /// Cases in the sentence, when every one of them (two or more) is unstable.
    all_unstable: Option<usize>,
}

impl Namer {
    pub fn new<'a>(flags: impl IntoIterator<Item = &'a Flags>) -> Namer {
        let (n, unstable) = flags.into_iter().fold((0, 0), |(n, u), f| {
            (n + 1, u + usize::from(f.is_unstable()))
        });
        Namer {
            all_unstable: (n > 1 && unstable == n).then_some(n),
        }
    }

    /// A case's name with the caveats the lead does not already give.
    pub fn name(&self, label: &str, flags: &Flags) -> String {
        match self.all_unstable {
            Some(_) => Flags {
                unstable: Vec::new(),
                ..flags.clone()
            }
            .named(label),
            None => flags.named(label),
        }
    }

    /// A case's caveats alone, in words (`unstable`, `3 tasks failed`), as [`Namer::name`] would add
    /// them to a name; None when it has none.
    pub fn caveats(&self, flags: &Flags) -> Option<String> {
        self.name("·", flags)
            .strip_prefix("· (")
            .and_then(|s| s.strip_suffix(')'))
            .map(str::to_string)
    }

    /// Whether the lead already says a case is unstable.
    pub fn says_unstable(&self) -> bool {
        self.all_unstable.is_some()
    }

    /// The sentence with its lead, when every case is unstable.
    pub fn sentence(&self, core: &str) -> String {
        match self.all_unstable {
            Some(n) => {
                let mut c = core.chars();
                let core = match c.next() {
                    Some(first) => first.to_lowercase().collect::<String>() + c.as_str(),
                    None => String::new(),
                };
                let all = match n {
                    2 => "Both cases here are".to_string(),
                    n => format!("All {n} cases here are"),
                };
                format!(
                    "{all} unstable (the notes under the tables say why), so read this with \
                     care: {core}"
                )
            }
            None => core.to_string(),
        }
    }
}

/// The legend line explaining the marks, when some case carries one.
pub fn legend(flags: &[&Flags]) -> Option<String> {
    let unstable = flags.iter().any(|f| f.is_unstable());
    let failed = flags.iter().any(|f| f.failures > 0);
    match (unstable, failed) {
        (false, false) => None,
        (true, false) => Some(format!(
            "{UNSTABLE} unstable: samples disagree or the machine was busy (reasons under the tables)"
        )),
        (false, true) => Some(
            "(n failed): tasks failed, so no efficiency or ideal comparison is given".to_string(),
        ),
        (true, true) => Some(format!(
            "{UNSTABLE} unstable (reasons under the tables); (n failed): tasks failed, so no \
             efficiency or ideal comparison is given"
        )),
    }
}

/// Failed tasks by kind, as a list: `timeout 2, connect 1`, over every sample of the case.
pub fn failure_kinds(c: &CaseResult) -> String {
    let mut kinds: std::collections::BTreeMap<&str, u64> = Default::default();
    for s in &c.samples {
        for (k, n) in &s.failures {
            *kinds.entry(k.as_str()).or_default() += n;
        }
    }
    kinds
        .iter()
        .filter(|(_, &n)| n > 0)
        .map(|(k, n)| format!("{k} {}", count(*n)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_say_unstable_and_failed() {
        let f = Flags {
            unstable: vec!["samples disagree".into()],
            failures: 3,
            ideal_unreliable: None,
        };
        assert_eq!(f.label("threads N=9"), "threads N=9 ! (3 failed)");
        assert_eq!(
            f.named("threads N=9"),
            "threads N=9 (unstable; 3 tasks failed)"
        );
        assert_eq!(Flags::default().label("x"), "x");
        assert_eq!(Flags::default().named("x"), "x");
        let above = Flags {
            ideal_unreliable: Some(1.19),
            ..Flags::default()
        };
        assert_eq!(
            above.named("rayon k=8 N=32"),
            "rayon k=8 N=32 (ideal unreliable)"
        );
    }

    #[test]
    fn when_every_case_is_unstable_the_sentence_says_it_once() {
        let shaky = Flags {
            unstable: vec!["machine busy".into()],
            ..Flags::default()
        };
        let namer = Namer::new([&shaky, &shaky]);
        assert_eq!(namer.name("a", &shaky), "a");
        assert!(namer
            .sentence("Every case came close.")
            .starts_with("Both cases here are unstable"));
        let some = Namer::new([&shaky, &Flags::default()]);
        assert_eq!(some.name("a", &shaky), "a (unstable)");
        assert_eq!(some.sentence("X."), "X.");
    }
}
