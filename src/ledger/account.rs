//! The ledger of one repetition: its makespan − ideal split into components and a residual that sum
//! to it exactly (design decision 13). The path's sums ([`super::path`]) say where the makespan went;
//! the ideal says how much of it physics needed. The path's nominal work (the server's delays, the
//! tasks' own waits, t₁ per CPU part) is what the ideal pays for; the run delay on the path is CPU
//! contention except the part the ideal itself expects (more lanes than cores share them: the ideal
//! already counts that sharing, so it is no excess); what the path holds beyond its components — work
//! on the path beyond the ideal's (more rounds than the ideal's, slower tasks), or an ideal the path
//! beat — is the residual, shown and never folded into a component.

use super::path::PathSums;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where one repetition's time went, seconds. `components().sum() + residual_s = makespan_s − ideal_s`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Ledger {
    /// First submission → last task done (the sample's makespan).
    pub makespan_s: f64,
    /// What physics allows for the case.
    pub ideal_s: f64,
    /// Tasks on the critical path.
    pub path_tasks: u64,
    /// Whether the server stamped its requests (otherwise its backlog is inside `serve_s`).
    pub stamped: bool,
    /// Start of units: submitted → the unit first ran the task (thread start, first poll).
    pub spawn_s: f64,
    /// Waiting inside the client for a permit or a worker: the hand-over gaps on the path.
    pub slot_s: f64,
    /// Taking tasks in submission order rather than packing them perfectly over the lanes: the list
    /// schedule of their nominal work beyond the ideal ([`super::packing`]; 0 when not above it).
    #[serde(default)]
    pub packing_s: f64,
    /// Waiting in the server's listen backlog: the hand-over gaps on the path.
    pub backlog_s: f64,
    /// connect() → connected.
    pub connect_s: f64,
    /// Serving beyond the server's delay: accepted → the answer's last byte, minus d per serve.
    pub serve_s: f64,
    /// Run delay on the path beyond what the ideal expects: CPU contention.
    pub contention_s: f64,
    /// The CPU parts at the speed they ran rather than the probe's t₁: where every part's run time
    /// was measured (schedstat around it), the ideal at their mean run time less the ideal at t₁,
    /// plus the path's parts beyond that mean each; where not, the path's measured parts beyond t₁
    /// each — a slower clock, caches shared with the other lanes (negative: they ran faster).
    #[serde(default)]
    pub cpu_s: f64,
    /// The client's own code on the path beyond the tasks' work and run delay: building requests,
    /// reading answers.
    pub client_s: f64,
    /// The tasks' own code done → their results in the model's hands: handing them back (a pool
    /// worker's pipe to the submitter; 0 where the two are one moment, a task in this process).
    #[serde(default)]
    pub drain_s: f64,
    /// What the components do not explain: makespan − ideal − Σ components, exactly.
    pub residual_s: f64,
    /// The repetition's CPU parts' measured mean run time, seconds, when every one was measured
    /// (the t the accounting used in place of t₁).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_part_s: Option<f64>,
}

/// The speed a repetition's CPU parts ran at: their measured mean run time t, and the case's ideal
/// recomputed with it (t as t₁, a scaling of 1: t was measured with the other lanes running).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Speed {
    pub t_s: f64,
    pub ideal_s: f64,
}

/// The names of the components, in the order of [`Ledger::components`].
pub const COMPONENTS: [&str; 10] = [
    "spawn",
    "slot",
    "packing",
    "backlog",
    "connect",
    "serve",
    "contention",
    "cpu",
    "client",
    "drain",
];

impl Ledger {
    /// The ledger of a path, with the case's ideal and the calibrated single CPU part t₁ (seconds;
    /// None when no calibration: CPU parts then count as nothing, and their time as the client's).
    pub fn of(
        sums: &PathSums,
        makespan_s: f64,
        ideal_s: f64,
        t1_s: Option<f64>,
        stamped: bool,
        packing_s: f64,
    ) -> Ledger {
        Ledger::at_speed(sums, makespan_s, ideal_s, t1_s, stamped, packing_s, None)
    }

    /// [`Ledger::of`] where the CPU parts' speed was measured: the accounting takes their mean run
    /// time for t₁ and the ideal at it for the ideal, and `cpu` says how far the two ideals are
    /// apart (`packing_s` computed at that speed too).
    pub fn at_speed(
        sums: &PathSums,
        makespan_s: f64,
        ideal_s: f64,
        t1_s: Option<f64>,
        stamped: bool,
        packing_s: f64,
        speed: Option<Speed>,
    ) -> Ledger {
        let s = |ns: u64| ns as f64 / 1e9;
        let (t1_s, ideal_at, speed_gap) = match speed {
            Some(sp) => (Some(sp.t_s), sp.ideal_s, sp.ideal_s - ideal_s),
            None => (t1_s, ideal_s, 0.0),
        };
        let cpu_work = sums.cpu_parts as f64 * t1_s.unwrap_or(0.0);
        let work = s(sums.serve_work_ns) + s(sums.own_work_ns) + cpu_work;
        let run_delay = s(sums.run_delay_ns);
        // The ideal's own sharing of cores: the path did `work`, the ideal allows `ideal_at`;
        // waiting for a core up to the difference is what the ideal counts on.
        let expected = (ideal_at - work).clamp(0.0, run_delay);
        // The CPU parts whose run time was measured, against t₁ each (none without a calibration).
        let cpu_beyond = match t1_s {
            Some(t1) => s(sums.cpu_run_ns) - sums.cpu_measured as f64 * t1,
            None => 0.0,
        };
        let mut l = Ledger {
            makespan_s,
            ideal_s,
            path_tasks: sums.tasks,
            stamped,
            spawn_s: s(sums.spawn_ns),
            slot_s: s(sums.slot_ns),
            packing_s,
            backlog_s: s(sums.backlog_ns),
            connect_s: s(sums.connect_ns),
            serve_s: s(sums.serve_ns + sums.unstamped_ns) - s(sums.serve_work_ns),
            contention_s: run_delay - expected,
            cpu_s: speed_gap + cpu_beyond,
            client_s: s(sums.own_ns) - s(sums.own_work_ns) - cpu_work - run_delay - cpu_beyond,
            drain_s: s(sums.drain_ns),
            residual_s: 0.0,
            cpu_part_s: speed.map(|sp| sp.t_s),
        };
        l.residual_s = l.excess_s() - l.components().iter().sum::<f64>();
        l
    }

    /// makespan − ideal.
    pub fn excess_s(&self) -> f64 {
        self.makespan_s - self.ideal_s
    }

    /// The components, in the order of [`COMPONENTS`].
    pub fn components(&self) -> [f64; 10] {
        [
            self.spawn_s,
            self.slot_s,
            self.packing_s,
            self.backlog_s,
            self.connect_s,
            self.serve_s,
            self.contention_s,
            self.cpu_s,
            self.client_s,
            self.drain_s,
        ]
    }

    /// The largest component by size (the residual included, as "residual"), and its seconds.
    pub fn largest(&self) -> (&'static str, f64) {
        COMPONENTS
            .iter()
            .copied()
            .zip(self.components())
            .chain([("residual", self.residual_s)])
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .expect("eleven entries")
    }

    /// The component-wise median of several repetitions' ledgers (each field its own median, so the
    /// medians need not add up: the residual shown is the median residual).
    pub fn median(ledgers: &[Ledger]) -> Option<Ledger> {
        if ledgers.is_empty() {
            return None;
        }
        let m = |f: fn(&Ledger) -> f64| {
            let mut v: Vec<f64> = ledgers.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            let n = v.len();
            match n % 2 {
                1 => v[n / 2],
                _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
            }
        };
        let mut tasks: Vec<u64> = ledgers.iter().map(|l| l.path_tasks).collect();
        tasks.sort_unstable();
        Some(Ledger {
            makespan_s: m(|l| l.makespan_s),
            ideal_s: m(|l| l.ideal_s),
            path_tasks: tasks[tasks.len() / 2],
            stamped: ledgers.iter().all(|l| l.stamped),
            spawn_s: m(|l| l.spawn_s),
            slot_s: m(|l| l.slot_s),
            packing_s: m(|l| l.packing_s),
            backlog_s: m(|l| l.backlog_s),
            connect_s: m(|l| l.connect_s),
            serve_s: m(|l| l.serve_s),
            contention_s: m(|l| l.contention_s),
            cpu_s: m(|l| l.cpu_s),
            client_s: m(|l| l.client_s),
            drain_s: m(|l| l.drain_s),
            residual_s: m(|l| l.residual_s),
            cpu_part_s: ledgers
                .iter()
                .all(|l| l.cpu_part_s.is_some())
                .then(|| m(|l| l.cpu_part_s.unwrap_or_default())),
        })
    }
}
