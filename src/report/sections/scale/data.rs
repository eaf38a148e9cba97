//! What the scale section shows, and its takeaways read. Memory per task at each N for every sleeping
//! model, for the bare program run beside it and for the published figures, all taken the one way the
//! memory suite takes it — the growth above the series' own base, `per_task::growth_kib` — so the
//! three can be set side by side; what starting one unit (a task, a future, a thread, a process) cost
//! each case; and io at scale: makespan against the ideal, failures, the kernel's listen overflows and
//! SYN retransmissions, CPU per request on both sides, and the kernel's memory for the sockets beside
//! the case's own RSS.

use super::anchors::{self, MemorySeries, Shape, SpawnCost};
use crate::names::{Group, ModelKind};
use crate::report::data::{self, median_of, peak_rss_kib, server_cpu_s, sleep_ms, ReportData};
use crate::report::flags::Flags;
use crate::report::per_task::growth_kib;
use crate::report::sweep::Point;
use crate::results::{CaseResult, KernelSockets, Sample};

/// Whose memory a series is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Origin {
    /// A model, measured by the harness.
    Harness(ModelKind),
    /// The bare program of that model's shape, run right after each of its repetitions.
    Bare(ModelKind),
    /// A published series, from another machine.
    Published(&'static MemorySeries),
}

/// One memory figure.
#[derive(Debug, Clone, PartialEq)]
pub struct RssPoint {
    /// Units started: tasks, futures, threads (fewer than asked when the OS refused); a published
    /// series' N.
    pub units: usize,
    /// N as asked.
    pub asked: usize,
    /// Peak RSS of the whole program, KiB (median over samples).
    pub peak_kib: f64,
    /// KiB per unit above the series' base; None for the base itself.
    pub per_task_kib: Option<f64>,
    /// A published series of one point has no growth to take: its figure is peak / N, base
    /// included, so at most what a task costs.
    pub upper_bound: bool,
    /// The case it was measured in (None for a published figure).
    pub id: Option<String>,
    /// Why fewer units started than asked (the OS's refusal, or the thread cap), when they did.
    pub refused: Option<String>,
    pub flags: Flags,
}

/// One line of the memory chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RssSeries {
    pub origin: Origin,
    pub label: String,
    /// The base the figures are taken above: (units, peak KiB).
    pub base: Option<(usize, f64)>,
    pub points: Vec<RssPoint>,
    /// A published series: the N at which its program failed.
    pub failed_at: Option<usize>,
}

impl RssSeries {
    /// The figure at `units` started, when there is one.
    pub fn at(&self, asked: usize) -> Option<&RssPoint> {
        self.points.iter().find(|p| p.asked == asked)
    }
}

/// The published shape a model's sleeps match.
pub fn shape_of(model: ModelKind) -> Option<Shape> {
    match model {
        ModelKind::Async => Some(Shape::Spawn),
        ModelKind::AsyncJoinAll => Some(Shape::JoinAll),
        ModelKind::Threads => Some(Shape::Threads),
        _ => None,
    }
}

/// The model whose shape a published program ran: the other way round from [`shape_of`].
pub fn model_of(shape: Shape) -> ModelKind {
    match shape {
        Shape::Spawn => ModelKind::Async,
        Shape::JoinAll => ModelKind::AsyncJoinAll,
        Shape::Threads => ModelKind::Threads,
    }
}

/// The scale group's sleep cases of models that have a bare shape, in run order.
fn sleepers(data: &ReportData) -> Vec<&CaseResult> {
    data.group(Group::Scale)
        .into_iter()
        .filter(|c| {
            sleep_ms(c).is_some() && shape_of(c.params.model).is_some() && !c.samples.is_empty()
        })
        .collect()
}

/// Models in first-seen order.
fn models(cases: &[&CaseResult]) -> Vec<ModelKind> {
    let mut out: Vec<ModelKind> = Vec::new();
    for c in cases {
        if !out.contains(&c.params.model) {
            out.push(c.params.model);
        }
    }
    out
}

/// Units a case started: the median of what its samples record, or N when they record none.
fn units(c: &CaseResult) -> usize {
    let started: Vec<f64> = c
        .samples
        .iter()
        .filter_map(|s| s.spawn_units.map(|u| u as f64))
        .collect();
    match started.is_empty() {
        true => c.params.tasks,
        false => crate::stats::median(&started).round() as usize,
    }
}

/// A series from (case, units, peak) triples: each figure the growth above the fewest units.
fn series(
    origin: Origin,
    label: String,
    figures: Vec<(Option<&CaseResult>, usize, usize, f64)>,
) -> RssSeries {
    let base = figures
        .iter()
        .min_by_key(|(_, units, _, _)| *units)
        .map(|&(_, units, _, peak)| (units, peak));
    let points = figures
        .iter()
        .map(|&(case, units, asked, peak)| {
            let growth = base.and_then(|(n0, p0)| growth_kib(peak, p0, units, n0));
            RssPoint {
                units,
                asked,
                peak_kib: peak,
                per_task_kib: growth,
                upper_bound: false,
                id: case.map(|c| c.id.clone()),
                refused: None,
                flags: case.map(Flags::of).unwrap_or_default(),
            }
        })
        .collect();
    RssSeries {
        origin,
        label,
        base,
        points,
        failed_at: None,
    }
}

/// The bare program's figures of one case: units it started and its peak, medians over samples.
fn bare_of(c: &CaseResult) -> Option<(usize, f64, String)> {
    let refs: Vec<&crate::results::Reference> = c
        .samples
        .iter()
        .filter_map(|s| s.reference.as_ref())
        .collect();
    let first = refs.first()?;
    let started: Vec<f64> = refs.iter().map(|r| r.started as f64).collect();
    let peaks: Vec<f64> = refs.iter().map(|r| r.peak_rss_kib as f64).collect();
    Some((
        crate::stats::median(&started).round() as usize,
        crate::stats::median(&peaks),
        first.program.trim_start_matches("concbench-").to_string(),
    ))
}

/// A published series, converted like ours; one of a single point gets peak / N as an upper bound.
pub fn published(s: &'static MemorySeries) -> RssSeries {
    let figures = s
        .points
        .iter()
        .map(|&(n, mb)| (None, n, n, mb * anchors::MB_IN_KIB))
        .collect();
    let label = format!("{} ({})", s.source.name, s.shape.name());
    let mut out = series(Origin::Published(s), label, figures);
    if let [only] = out.points.as_mut_slice() {
        only.per_task_kib = Some(only.peak_kib / only.units.max(1) as f64);
        only.upper_bound = true;
    }
    out.failed_at = s.failed_at;
    out
}

/// Every memory series: per sleeping model, its own then its bare program's; then the published
/// series whose shape a measured model has.
pub fn memory(data: &ReportData) -> Vec<RssSeries> {
    let cases = sleepers(data);
    let mut out = Vec::new();
    let measured = models(&cases);
    for &model in &measured {
        let mine: Vec<&CaseResult> = cases
            .iter()
            .copied()
            .filter(|c| c.params.model == model)
            .collect();
        let own = mine
            .iter()
            .map(|c| (Some(*c), units(c), c.params.tasks, peak_rss_kib(c)))
            .collect();
        let mut own = series(Origin::Harness(model), model.to_string(), own);
        for (p, c) in own.points.iter_mut().zip(&mine) {
            p.refused = c.samples.iter().find_map(|s| s.spawn_error.clone());
        }
        out.push(own);
        let bare: Vec<_> = mine
            .iter()
            .filter_map(|c| bare_of(c).map(|(u, p, name)| (Some(*c), u, c.params.tasks, p, name)))
            .collect();
        if let Some(name) = bare.first().map(|b| b.4.clone()) {
            let figures = bare
                .into_iter()
                .map(|(c, u, n, p, _)| (c, u, n, p))
                .collect();
            let mut bare = series(Origin::Bare(model), name, figures);
            // The case's caveats are the harness's run's, not its bare program's.
            for p in &mut bare.points {
                p.flags = Flags::default();
            }
            out.push(bare);
        }
    }
    for s in anchors::MEMORY.iter() {
        if measured.iter().any(|&m| shape_of(m) == Some(s.shape)) {
            out.push(published(s));
        }
    }
    out
}

/// One sleep case beside its bare program: what the harness adds per task.
#[derive(Debug, Clone, PartialEq)]
pub struct Overhead {
    pub id: String,
    pub model: ModelKind,
    pub asked: usize,
    pub units: usize,
    pub ours_kib: f64,
    pub bare_kib: f64,
    /// ours / bare − 1: what the harness adds per task (goal ≤ 10 %).
    pub added: f64,
    pub makespan_s: f64,
    pub bare_makespan_s: f64,
    pub flags: Flags,
}

/// The harness's goal: at most 10 % more memory per task than the bare program.
pub const OVERHEAD_GOAL: f64 = 0.10;

/// Every case with a figure of its own and one of its bare program.
pub fn overheads(series: &[RssSeries], data: &ReportData) -> Vec<Overhead> {
    let mut out = Vec::new();
    for own in series {
        let Origin::Harness(model) = own.origin else {
            continue;
        };
        let Some(bare) = series.iter().find(|s| s.origin == Origin::Bare(model)) else {
            continue;
        };
        for p in &own.points {
            let (Some(ours), Some(id)) = (p.per_task_kib, &p.id) else {
                continue;
            };
            let Some(theirs) = bare.at(p.asked).and_then(|b| b.per_task_kib) else {
                continue;
            };
            // Growth no larger than a base's own noise makes a ratio of noise: no figure.
            if ours <= 0.0 || theirs <= 0.0 {
                continue;
            }
            let Some(case) = data.cases.iter().find(|c| &c.id == id) else {
                continue;
            };
            out.push(Overhead {
                id: id.clone(),
                model,
                asked: p.asked,
                units: p.units,
                ours_kib: ours,
                bare_kib: theirs,
                added: ours / theirs - 1.0,
                makespan_s: case.summary.makespan.median,
                bare_makespan_s: median_of(case, |s| {
                    s.reference.as_ref().map_or(f64::NAN, |r| r.makespan_s)
                }),
                flags: p.flags.clone(),
            });
        }
    }
    out
}

crate::names::name_enum! {
    /// What a model starts per task, for its spawn cost.
    pub enum Unit {
        /// A tokio task (`tokio::spawn`).
        Task = "task",
        /// A future made and joined, nothing spawned.
        Future = "future (not spawned)",
        Thread = "thread",
        Process = "process",
    }
}

impl Unit {
    pub fn of(model: ModelKind) -> Option<Unit> {
        use ModelKind::*;
        match model {
            Async | AsyncSingle | AsyncSemaphore | AsyncBlockingPool | ThreadPerCore
            | AsyncSharded => Some(Unit::Task),
            AsyncJoinAll => Some(Unit::Future),
            Threads | ThreadPool | Rayon => Some(Unit::Thread),
            ProcessPool | AsyncProcessPool => Some(Unit::Process),
            // Sequential starts nothing; Python's units (interpreter threads, coroutines) are not
            // Rust's, so no spawn cost is compared; a new model says what it starts here.
            _ => None,
        }
    }

    /// The published cost of starting one such unit, when there is one.
    pub fn published(self) -> Option<&'static SpawnCost> {
        match self {
            Unit::Task => Some(&anchors::SPAWN[0]),
            Unit::Thread => Some(&anchors::SPAWN[1]),
            Unit::Future | Unit::Process => None,
        }
    }
}

/// One case's spawn cost.
#[derive(Debug, Clone, PartialEq)]
pub struct SpawnRow {
    pub id: String,
    pub model: ModelKind,
    pub unit: Unit,
    pub asked: usize,
    /// Units started (median over samples).
    pub units: usize,
    /// Seconds starting them took (median over samples).
    pub spawn_s: f64,
    /// Microseconds per unit: the median over samples of spawn_s / units.
    pub per_unit_us: f64,
    /// Why fewer units started than asked, when the OS (or the cap) refused one.
    pub refused: Option<String>,
    pub flags: Flags,
}

/// Microseconds per unit of one sample, when it recorded its spawn.
pub fn per_unit_us(s: &Sample) -> Option<f64> {
    match (s.spawn_units, s.spawn_s) {
        (Some(n), Some(t)) if n > 0 => Some(t / n as f64 * 1e6),
        _ => None,
    }
}

/// Every case of the group that recorded a spawn, in run order, but the N = 1 bases: the one spawn of
/// a base pays the first-use costs (the allocator's and the runtime's first growth), not a unit's.
pub fn spawn_rows(cases: &[&CaseResult]) -> Vec<SpawnRow> {
    cases
        .iter()
        .filter(|c| c.params.tasks > 1)
        .filter_map(|c| {
            let unit = Unit::of(c.params.model)?;
            let per: Vec<f64> = c.samples.iter().filter_map(per_unit_us).collect();
            if per.is_empty() {
                return None;
            }
            let spent: Vec<f64> = c.samples.iter().filter_map(|s| s.spawn_s).collect();
            Some(SpawnRow {
                id: c.id.clone(),
                model: c.params.model,
                unit,
                asked: c.params.tasks,
                units: units(c),
                spawn_s: crate::stats::median(&spent),
                per_unit_us: crate::stats::median(&per),
                refused: c.samples.iter().find_map(|s| s.spawn_error.clone()),
                flags: Flags::of(c),
            })
        })
        .collect()
}


/// One io case at scale.
#[derive(Debug, Clone)]
pub struct IoRow {
    pub id: String,
    pub point: Point,
    pub n: usize,
    pub samples: usize,
    /// Failed tasks by kind over every sample (`connect 2,000, timeout 3`); empty when none.
    pub failure_kinds: String,
    /// TcpExt counters summed over the samples.
    pub listen_overflows: u64,
    pub syn_retrans: u64,
    /// The case process's CPU per request served, seconds (median over samples).
    pub client_cpu_per_request: Option<f64>,
    /// The server's, when recorded.
    pub server_cpu_per_request: Option<f64>,
    /// The client's and the server's CPU over the cores they share, seconds (median over samples):
    /// the least wall time that CPU needs.
    pub cpu_per_core: Option<f64>,
    /// How much of makespan − ideal the two processes' CPU fills on the shared cores (median over
    /// samples, at most 1): see [`setup_share`].
    pub setup_share: Option<f64>,
    /// The bare GET program's makespan and CPU per answered request, run after each repetition
    /// (medians over samples), when the case had one.
    pub bare_makespan: Option<f64>,
    pub bare_cpu_per_request: Option<f64>,
    /// The case's peak RSS with its workers', KiB (median over samples): see [`case_rss_kib`].
    pub rss_kib: f64,
    /// Whether that is only an upper bound in some sample (see [`case_rss_kib`]).
    pub rss_upper_bound: bool,
    /// The kernel's socket memory's growth over the repetition, KiB (median over the samples that
    /// recorded it): see [`kernel_growth_kib`]. None where no sample did (cases under 1,000
    /// connections, older files).
    pub kernel_kib: Option<f64>,
    /// That growth per connection open at the peak, KiB (median over samples): see
    /// [`kernel_per_connection_kib`]; the kernel pays for both ends.
    pub kernel_per_connection_kib: Option<f64>,
    /// Whether a sample's figure lacks the socket structures (slabinfo was not readable): buffers
    /// only, an underestimate.
    pub kernel_buffers_only: bool,
}

/// A sample's peak RSS with its workers': the case process's own peak plus every worker's own peak,
/// KiB, and whether that is exact. Files that lack the case process's own peak (`own_rss_kib`, older
/// ones) have `max_rss_kib`, the larger of it and the largest worker's; where that is the worker's,
/// the worker is counted twice: an upper bound then (false). Peaks summed need not have coincided
/// either, so even the exact sum is the most the case could have held at once.
pub fn case_rss_kib(s: &Sample) -> (f64, bool) {
    match (&s.workers, s.own_rss_kib) {
        (None, _) => (s.max_rss_kib as f64, true),
        (Some(w), Some(own)) => ((own + w.rss_sum_kib) as f64, true),
        (Some(w), None) => (
            (s.max_rss_kib + w.rss_sum_kib) as f64,
            s.max_rss_kib > w.rss_max_kib,
        ),
    }
}

/// The kernel's socket memory per connection open at the peak, KiB: the growth over half the sockets
/// allocated above the start (a loopback connection is two sockets, both counted). Not over N: where
/// setting connections up is CPU-bound, the first are closed before the last are opened, and fewer
/// than N are ever open at once. None when no socket was added.
pub fn kernel_per_connection_kib(k: &KernelSockets) -> Option<f64> {
    let added = k.peak.allocated.saturating_sub(k.start.allocated);
    (added >= 2).then(|| kernel_growth_kib(k).0 / (added as f64 / 2.0))
}

/// The kernel's TCP socket memory's growth over a repetition, KiB: (socket structures + buffers) at
/// their peaks less the same at the start, never below zero; and whether the structures were
/// readable (without them, the buffers alone).
pub fn kernel_growth_kib(k: &KernelSockets) -> (f64, bool) {
    let slab = k.start.slab_kib.zip(k.peak.slab_kib);
    let (start, peak) = match slab {
        Some((s, p)) => (s + k.start.buffers_kib, p + k.peak.buffers_kib),
        None => (k.start.buffers_kib, k.peak.buffers_kib),
    };
    (peak.saturating_sub(start) as f64, slab.is_some())
}

/// The share of a sample's makespan − ideal that the client's and the server's CPU time fill when
/// spread over the cores they share: (client CPU + server CPU) / cores / (makespan − ideal), at most 1.
/// With one request per connection and a server that only waits, that CPU is connection set-up,
/// request and tear-down: a share near 1 says the excess over the ideal is the cores busy connecting,
/// not the model waiting. None without the server's CPU, an ideal or an excess.
pub fn setup_share(s: &Sample, ideal: Option<f64>, cores: usize) -> Option<f64> {
    let excess = s.makespan_s - ideal?;
    (excess > 0.0).then(|| Some((cpu_per_core(s, cores)? / excess).min(1.0)))?
}

/// Client + server CPU of a sample over `cores`, seconds; None without the server's.
pub fn cpu_per_core(s: &Sample, cores: usize) -> Option<f64> {
    Some((s.user_s + s.sys_s + server_cpu_s(s)?) / cores.max(1) as f64)
}

/// A median over the samples that have the figure; None when none has.
fn median_some(c: &CaseResult, f: impl Fn(&Sample) -> Option<f64>) -> Option<f64> {
    let xs: Vec<f64> = c.samples.iter().filter_map(f).collect();
    (!xs.is_empty()).then(|| crate::stats::median(&xs))
}

/// Every io case of the group, in run order.
pub fn io_rows(cases: &[&CaseResult], cores: usize) -> Vec<IoRow> {
    cases
        .iter()
        .filter(|c| data::io(c).is_some() && !c.samples.is_empty())
        .map(|c| {
            let sum = |f: fn(&crate::results::Noise) -> u64| {
                c.samples
                    .iter()
                    .filter_map(|s| s.noise)
                    .map(|n| f(&n))
                    .sum()
            };
            let per_ok = |s: &Sample, cpu: f64| (s.ok > 0).then(|| cpu / s.ok as f64);
            let kernel_kib =
                median_some(c, |s| Some(kernel_growth_kib(s.kernel_sockets.as_ref()?).0));
            IoRow {
                id: c.id.clone(),
                point: Point::of(c, c.params.tasks),
                n: c.params.tasks,
                samples: c.samples.len(),
                failure_kinds: crate::report::flags::failure_kinds(c),
                listen_overflows: sum(|n| n.listen_overflows),
                syn_retrans: sum(|n| n.syn_retrans),
                client_cpu_per_request: median_some(c, |s| per_ok(s, s.user_s + s.sys_s)),
                server_cpu_per_request: median_some(c, |s| per_ok(s, server_cpu_s(s)?)),
                cpu_per_core: median_some(c, |s| cpu_per_core(s, cores)),
                setup_share: median_some(c, |s| setup_share(s, c.ideal_s, cores)),
                bare_makespan: median_some(c, |s| Some(s.reference.as_ref()?.makespan_s)),
                bare_cpu_per_request: median_some(c, |s| {
                    let r = s.reference.as_ref()?;
                    (r.started > 0).then(|| r.cpu_s / r.started as f64)
                }),
                rss_kib: median_of(c, |s| case_rss_kib(s).0),
                rss_upper_bound: c.samples.iter().any(|s| !case_rss_kib(s).1),
                kernel_kib,
                kernel_per_connection_kib: median_some(c, |s| {
                    kernel_per_connection_kib(s.kernel_sockets.as_ref()?)
                }),
                kernel_buffers_only: c
                    .samples
                    .iter()
                    .filter_map(|s| s.kernel_sockets.as_ref())
                    .any(|k| !kernel_growth_kib(k).1),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_figures_are_taken_above_their_smallest_n() {
        let tokio = published(&anchors::MEMORY[0]);
        assert_eq!(tokio.base, Some((10_000, 4.6 * anchors::MB_IN_KIB)));
        assert_eq!(tokio.points[0].per_task_kib, None, "the base has no figure");
        // (213.6 − 4.6) MB over 990,000 tasks: 211 bytes each.
        let at_1m = tokio.at(1_000_000).unwrap().per_task_kib.unwrap() * 1024.0;
        assert!((at_1m - 209e6 / 990_000.0).abs() < 1e-6, "{at_1m}");
        let threads = published(&anchors::MEMORY[1]);
        let only = &threads.points[0];
        assert!(only.upper_bound, "one point: peak / N, an upper bound");
        assert!((only.per_task_kib.unwrap() * 1024.0 - 48.3e6 / 10_000.0).abs() < 1e-6);
        assert_eq!(threads.failed_at, Some(100_000));
    }

    #[test]
    fn setup_share_is_both_sides_cpu_over_the_cores_and_the_excess() {
        let s = Sample {
            makespan_s: 1.5,
            user_s: 0.3,
            sys_s: 0.1,
            server_cpu_s: Some(0.2),
            ..Sample::default()
        };
        // 0.6 s of CPU over 2 cores is 0.3 s of the 0.5 s excess.
        assert!((setup_share(&s, Some(1.0), 2).unwrap() - 0.6).abs() < 1e-9);
        assert_eq!(
            setup_share(&s, Some(1.0), 1),
            Some(1.0),
            "at most the excess"
        );
        assert_eq!(setup_share(&s, None, 2), None, "no ideal, no excess");
        assert_eq!(setup_share(&s, Some(2.0), 2), None, "no excess");
        let no_server = Sample {
            server_cpu_s: None,
            ..s
        };
        assert_eq!(setup_share(&no_server, Some(1.0), 2), None);
    }

    #[test]
    fn the_kernel_s_socket_memory_grows_by_structures_and_buffers() {
        use crate::results::SocketFigures;
        let at = |slab, buffers| SocketFigures {
            allocated: 0,
            time_wait: 0,
            buffers_kib: buffers,
            slab_kib: slab,
        };
        let k = KernelSockets {
            start: at(Some(100), 50),
            peak: at(Some(2_100), 1_074),
        };
        assert_eq!(kernel_growth_kib(&k), (3_024.0, true));
        let no_slab = KernelSockets {
            start: at(None, 50),
            peak: at(Some(2_100), 1_074),
        };
        assert_eq!(
            kernel_growth_kib(&no_slab),
            (1_024.0, false),
            "buffers only unless both ends have the structures"
        );
        let shrank = KernelSockets {
            start: at(Some(500), 500),
            peak: at(Some(400), 500),
        };
        assert_eq!(kernel_growth_kib(&shrank).0, 0.0);
        // Per connection open at the peak: 1,000 sockets added are 500 connections (two ends each).
        let opened = KernelSockets {
            start: SocketFigures {
                allocated: 10,
                ..at(Some(100), 50)
            },
            peak: SocketFigures {
                allocated: 1_010,
                ..at(Some(2_100), 1_074)
            },
        };
        assert_eq!(kernel_per_connection_kib(&opened), Some(3_024.0 / 500.0));
        assert_eq!(kernel_per_connection_kib(&k), None, "no socket added");
        let s = Sample {
            max_rss_kib: 10_000,
            workers: Some(crate::results::WorkerUsage {
                processes: 2,
                rss_sum_kib: 7_000,
                rss_max_kib: 4_000,
                user_s: 0.0,
                sys_s: 0.0,
            }),
            ..Sample::default()
        };
        assert_eq!(case_rss_kib(&s), (17_000.0, true), "the case process's own");
        let a_worker_s = Sample {
            max_rss_kib: 4_000,
            ..s.clone()
        };
        assert_eq!(
            case_rss_kib(&a_worker_s),
            (11_000.0, false),
            "the largest worker counted twice"
        );
        assert_eq!(
            case_rss_kib(&Sample {
                workers: None,
                ..s
            }),
            (10_000.0, true)
        );
    }

    #[test]
    fn spawn_cost_is_per_unit_started() {
        let s = Sample {
            spawn_units: Some(32_000),
            spawn_s: Some(0.48),
            ..Sample::default()
        };
        assert!((per_unit_us(&s).unwrap() - 15.0).abs() < 1e-9);
        let none = Sample {
            spawn_units: Some(0),
            spawn_s: Some(0.1),
            ..Sample::default()
        };
        assert_eq!(
            per_unit_us(&none),
            None,
            "nothing started: no cost per unit"
        );
        assert_eq!(per_unit_us(&Sample::default()), None);
    }
}
