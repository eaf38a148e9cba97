//! The "Machine noise" section: what the rest of the machine did while each suite group ran, from the
//! noise every sample carries — the load average at sample starts, other processes' share of the CPU
//! time, steal, and the kernel's TCP counters that betray a listen queue overflowing or connections
//! retrying — plus how each run ordered its repetitions. A reader judges a figure by it: a group
//! measured while something else took a third of the machine says less than one measured alone.

use super::data::ReportData;
use crate::render::fmt::{count, pct};
use crate::render::table::Table;
use crate::results::Noise;

/// One TcpExt counter: its kernel name and how to read it off a sample's noise.
type Counter = (&'static str, fn(&Noise) -> u64);

/// The kernel's names, so a reader can look them up in `nstat` or /proc/net/netstat.
pub const COUNTERS: [Counter; 4] = [
    ("ListenOverflows", |n| n.listen_overflows),
    ("ListenDrops", |n| n.listen_drops),
    ("TCPTimeouts", |n| n.tcp_timeouts),
    ("TCPSynRetrans", |n| n.syn_retrans),
];

/// The noise over one suite group's samples.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupNoise {
    pub group: String,
    pub cases: usize,
    pub unstable: usize,
    pub samples: usize,
    /// Samples that recorded noise (none in files before schema v2).
    pub with_noise: usize,
    /// Lowest and highest 1-minute load average at sample starts.
    pub load: Option<(f64, f64)>,
    /// Σ other processes' busy time / Σ wall × CPUs.
    pub other_share: Option<f64>,
    /// Σ steal / Σ wall × CPUs.
    pub steal_share: Option<f64>,
    /// TcpExt counters summed over the samples, non-zero ones only.
    pub counters: Vec<(&'static str, u64)>,
}

/// Every group with samples, in run order; `cargo bench` results carry no noise and are left out.
pub fn groups(data: &ReportData) -> Vec<GroupNoise> {
    data.groups()
        .into_iter()
        .filter(|g| *g != crate::names::Group::Bench)
        .map(|g| {
            let cases = data.group(g);
            let noise: Vec<Noise> = cases
                .iter()
                .flat_map(|c| &c.samples)
                .filter_map(|s| s.noise)
                .collect();
            let capacity: f64 = noise.iter().map(|n| n.wall_s * n.cpus.max(1) as f64).sum();
            let share = |f: fn(&Noise) -> f64| {
                (capacity > 0.0).then(|| noise.iter().map(f).sum::<f64>() / capacity)
            };
            let loads = noise.iter().map(|n| n.load_1m).filter(|l| l.is_finite());
            let load = loads.fold(None, |acc: Option<(f64, f64)>, l| match acc {
                None => Some((l, l)),
                Some((lo, hi)) => Some((lo.min(l), hi.max(l))),
            });
            GroupNoise {
                group: g.to_string(),
                cases: cases.len(),
                unstable: cases
                    .iter()
                    .filter(|c| !c.summary.unstable.is_empty())
                    .count(),
                samples: cases.iter().map(|c| c.samples.len()).sum(),
                with_noise: noise.len(),
                load,
                // Other processes' busy time can come out slightly negative when the case's own CPU
                // is counted in a later tick than the machine's: no one else ran.
                other_share: share(|n| n.other_busy_s).map(|s| s.max(0.0)),
                steal_share: share(|n| n.steal_s),
                counters: COUNTERS
                    .iter()
                    .map(|(name, f)| (*name, noise.iter().map(f).sum::<u64>()))
                    .filter(|(_, n)| *n > 0)
                    .collect(),
            }
        })
        .collect()
}

/// The section's table: one row per group.
pub fn table(groups: &[GroupNoise]) -> Table {
    let header = [
        "group",
        "cases (unstable)",
        "samples with noise",
        "load 1 min at starts",
        "other processes' CPU",
        "steal",
        "TcpExt counters (non-zero)",
    ];
    let rows = groups
        .iter()
        .map(|g| {
            let none = || "–".to_string();
            vec![
                g.group.clone(),
                format!("{} ({})", g.cases, g.unstable),
                format!("{} of {}", g.with_noise, g.samples),
                g.load.map_or_else(none, |(lo, hi)| match lo == hi {
                    true => format!("{lo:.2}"),
                    false => format!("{lo:.2}–{hi:.2}"),
                }),
                g.other_share.map_or_else(none, pct),
                g.steal_share.map_or_else(none, pct),
                match g.counters.is_empty() {
                    true if g.with_noise > 0 => "none".to_string(),
                    true => none(),
                    false => g
                        .counters
                        .iter()
                        .map(|(name, n)| format!("{name} {}", count(*n)))
                        .collect::<Vec<_>>()
                        .join(", "),
                },
            ]
        })
        .collect();
    Table {
        group: "Machine noise".into(),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
        note: NOTE.into(),
    }
}

const NOTE: &str = "Over every sample of the group: the 1-minute load average when each sample \
    started; the CPU time other processes took (the machine's busy time less the case's and the \
    server's) and steal (time the hypervisor ran something else), each as a share of wall time × \
    the machine's CPUs; and the TcpExt counters that grew (ListenOverflows and ListenDrops: \
    connections the server's listen queue had no room for; TCPTimeouts and TCPSynRetrans: \
    retransmissions). – : the file recorded no noise (schema version 1).";

/// How each input file ordered its repetitions, one line per file.
pub fn runs(data: &ReportData) -> Vec<String> {
    data.sources
        .iter()
        .map(|s| {
            let name = s.path.file_name().map_or_else(
                || s.path.display().to_string(),
                |n| n.to_string_lossy().into(),
            );
            match (&s.order, s.seed) {
                (Some(o), Some(seed)) => format!("{name}: order {o}, seed {seed}"),
                (Some(o), None) => format!("{name}: order {o}"),
                (None, _) => format!(
                    "{name}: order not recorded (written before schema version 2, which ran each \
                     case's repetitions one after another)"
                ),
            }
        })
        .collect()
}
