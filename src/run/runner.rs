//! The run's state across rounds: the services its cases need, the probes behind their ideals and
//! each case's own state, and what one slot of the schedule does (a probe, or a case's repetition
//! with its service checked and its counters read around it). `run::run` drives it.

use super::case::{self, CaseSpec};
use super::probes::{cpu::CpuProbes, write::WriteProbes};
use super::service::{Need, Services};
use super::{
    case_params, children, now, order, probes, progress, reference, sample, service, summarise,
    unsaved, RunOptions, RunOutcome,
};
use crate::measure::noise::Snapshot;
use crate::measure::sockstat;
use crate::plan::Case;
use crate::results::{CaseResult, ResultFile, Sample};
use crate::workload::{Calibration, Params};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
pub(super) struct CaseState {
    spec: CaseSpec,
    /// The service the case runs against, checked alive before each repetition and its counters read
    /// around it; None for a case that needs none, or sends its requests to a `--target`.
    service: Option<Need>,
    deadline: Duration,
    samples: Vec<Sample>,
    /// The cpu probes run beside its repetitions, when its ideal needs the machine's speed.
    cpu: Option<CpuProbes>,
    /// The broker its workers pull from (queue-workers), checked alive and its CPU read around
    /// each repetition.
    broker: Option<Need>,
}

/// The run's state across rounds: the services its cases need, write probes per database workload, and
/// each case's own state (its cpu probes among it).
pub(super) struct Runner<'a> {
    opts: &'a RunOptions,
    cores: usize,
    clock: std::time::Instant,
    services: Services,
    write_probes: Vec<(Params, WriteProbes)>,
    /// Per case of the plan: None until its first slot.
    states: Vec<Option<CaseState>>,
    /// Per case: it could not be measured (further); its remaining slots are skipped.
    failed: Vec<bool>,
    errors: Vec<(String, String)>,
    /// The key the run's broker requires: given, or fresh.
    broker_key: String,
}

impl<'a> Runner<'a> {
    pub(super) fn new(opts: &'a RunOptions, cores: usize, clock: std::time::Instant) -> Runner<'a> {
        Runner {
            opts,
            cores,
            clock,
            services: Services::default(),
            write_probes: Vec::new(),
            states: opts.cases.iter().map(|_| None).collect(),
            failed: vec![false; opts.cases.len()],
            errors: Vec::new(),
            broker_key: opts
                .broker_key
                .clone()
                .unwrap_or_else(crate::model::queue_protocol::fresh_key),
        }
    }

    /// The rounds: each batch of the schedule (probes and cases' repetitions), then the file saved
    /// with what the run measured so far. A signal stops them between two slots.
    pub(super) fn rounds(
        &mut self,
        file: &mut ResultFile,
        path: &Path,
        progress: &mut progress::Progress,
    ) -> anyhow::Result<()> {
        let opts = self.opts;
        // Write probes come first in the list (so blocked order runs them before the cases) and get as
        // many rounds as the most repeated case they serve; cpu probes run beside each repetition.
        let sizes = probes::plan(&opts.cases);
        let repeats: Vec<usize> = sizes
            .iter()
            .map(|(_, reps)| *reps)
            .chain(opts.cases.iter().map(|c| c.repeat))
            .collect();
        // What the last good file holds: case id → samples, to say what a failed save lost.
        let mut saved: HashMap<String, usize> = HashMap::new();
        for batch in order::schedule(&repeats, opts.order, opts.seed) {
            for slot in batch {
                if children::interrupted().is_some() {
                    return Ok(());
                }
                match slot.case.checked_sub(sizes.len()) {
                    Some(case) => self.slot(order::Slot { case, ..slot }, progress),
                    None => self.probe(&sizes[slot.case].0, progress),
                }
            }
            file.cases = self.results();
            file.updated = now();
            file.save(path)
                .map_err(|e| e.context(unsaved(&opts.cases, &saved, path)))?;
            saved = file
                .cases
                .iter()
                .map(|c| (c.id.clone(), c.samples.len()))
                .collect();
        }
        Ok(())
    }

    /// The end of a run: a service that died is an error of the run, every service stops, and the
    /// file is saved a last time, complete or saying why it is not.
    pub(super) fn finish(
        mut self,
        mut file: ResultFile,
        path: PathBuf,
        progress: &progress::Progress,
    ) -> anyhow::Result<RunOutcome> {
        let dead = self.services.dead();
        self.errors.extend(dead);
        self.services.stop();
        progress.finish();
        let interrupted = children::interrupted();
        let errors = std::mem::take(&mut self.errors);
        file.cases = self.results();
        file.complete = interrupted.is_none() && errors.is_empty();
        file.interrupted = match interrupted {
            Some(sig) => Some(format!("stopped by signal {sig}")),
            None if !errors.is_empty() => {
                Some(format!("{} case(s) could not be measured", errors.len()))
            }
            None => None,
        };
        file.updated = now();
        file.save(&path)?;
        Ok(RunOutcome {
            file,
            path,
            errors,
            interrupted,
        })
    }

    /// Run one measured repetition (preceded, the first time, by the case's setup and warm-ups).
    fn slot(&mut self, slot: order::Slot, progress: &mut progress::Progress) {
        if self.failed[slot.case] {
            return;
        }
        let case = &self.opts.cases[slot.case];
        let outcome = (|| -> anyhow::Result<()> {
            if self.states[slot.case].is_none() {
                self.states[slot.case] = Some(self.prepare(case)?);
                for w in 0..case.warmup {
                    progress.start_rep(&case.id(), w, case.warmup, case.repeat);
                    self.repetition(slot.case, None)?;
                    progress.end_rep(self.estimate(slot.case));
                }
            }
            progress.start_rep(&case.id(), case.warmup + slot.rep, case.warmup, case.repeat);
            let sample = self.repetition(slot.case, Some(slot.rep))?;
            progress.end_rep(self.estimate(slot.case));
            let state = self.states[slot.case].as_mut().expect("prepared");
            state.samples.extend(sample);
            Ok(())
        })();
        if let Err(e) = outcome {
            // Its remaining slots are skipped; the samples it has are kept.
            self.failed[slot.case] = true;
            // The case cut short by a signal is no error of its own: the run just stops.
            if children::interrupted().is_none() {
                let id = case.id();
                progress.println(&format!("{id}: not measured: {e:#}"));
                self.errors.push((id, format!("{e:#}")));
            }
        }
    }

    fn estimate(&self, case: usize) -> f64 {
        self.ideal(case).unwrap_or(0.03)
    }

    /// Case `case`'s ideal with what the probes measured so far.
    fn ideal(&self, case: usize) -> Option<f64> {
        let calibration = self.calibration(case);
        self.opts.cases[case].ideal(self.cores, calibration)
    }

    /// What every probe of case `case` measured so far, its own cpu probes and its database's writes.
    fn calibration(&self, case: usize) -> Option<Calibration> {
        let cpu = self.cpu_probes_of(case)?.calibration()?;
        Some(self.with_writes(case, cpu))
    }

    /// A cpu calibration with the write times of the case's database, when it has one.
    fn with_writes(&self, case: usize, cpu: Calibration) -> Calibration {
        Calibration {
            write: self
                .write_probes_of(&self.opts.cases[case])
                .and_then(WriteProbes::times),
            ..cpu
        }
    }

    fn cpu_probes_of(&self, case: usize) -> Option<&CpuProbes> {
        self.states[case].as_ref()?.cpu.as_ref()
    }

    fn write_probes_of(&self, case: &Case) -> Option<&WriteProbes> {
        let probe = case.workload.describe().write_probe()?;
        self.write_probes
            .iter()
            .find(|(p, _)| *p == probe)
            .map(|(_, w)| w)
    }

    /// One write probe of a round.
    fn probe(&mut self, params: &Params, progress: &mut progress::Progress) {
        progress.set_message(&format!(
            "calibrating {} writes",
            params.describe().id_suffix()
        ));
        if let Err(e) = self.write_probe(params) {
            if children::interrupted().is_none() {
                let what = format!("calibration of {} writes", params.describe().id_suffix());
                progress.println(&format!("{what}: a probe failed: {e:#}"));
                self.errors.push((what, format!("{e:#}")));
            }
        }
    }

    /// One write probe for the database workload `probe`, sized like the first case it serves,
    /// against the database (started now if no case started it yet).
    fn write_probe(&mut self, probe: &Params) -> anyhow::Result<()> {
        let tasks = self
            .opts
            .cases
            .iter()
            .find(|c| c.workload.describe().write_probe().as_ref() == Some(probe))
            .map_or(1, |c| c.tasks);
        let url = self.service_url(probe)?;
        let at = match self.write_probes.iter().position(|(p, _)| p == probe) {
            Some(at) => at,
            None => {
                self.write_probes
                    .push((probe.clone(), WriteProbes::default()));
                self.write_probes.len() - 1
            }
        };
        self.write_probes[at]
            .1
            .run(&self.opts.exe, probe, &url, tasks)
    }

    /// What a workload runs against, unless its requests go to a `--target`: nothing is started then.
    fn need(&self, workload: &Params) -> Option<Need> {
        let to_target = self.opts.target.is_some() && workload.makes_requests();
        Need::of(workload).filter(|_| !to_target)
    }

    /// Where a workload's tasks go: the `--target`, or the service it needs, started on first use;
    /// empty for workloads that need none (and for a database given by URL, which the workload's
    /// parameters carry).
    fn service_url(&mut self, workload: &Params) -> anyhow::Result<String> {
        let Some(need) = self.need(workload) else {
            return Ok(match &self.opts.target {
                Some(target) if workload.makes_requests() => {
                    target.trim_end_matches('/').to_string()
                }
                _ => String::new(),
            });
        };
        self.start(need)
    }

    /// The service `need` names, started on first use: where cases reach it.
    fn start(&mut self, need: Need) -> anyhow::Result<String> {
        let setup = service::Setup {
            exe: &self.opts.exe,
            server_cpus: self.opts.server_cpus.as_deref(),
            broker_key: &self.broker_key,
            broker_listen: self.opts.broker_listen,
        };
        let service = self
            .services
            .get_or_start(need, |need| need.start(&setup))?;
        Ok(service.url().to_string())
    }

    /// The broker a case's workers pull from, started on first use, with the run's key.
    fn broker(
        &mut self,
        case: &Case,
    ) -> anyhow::Result<Option<crate::model::queue_protocol::BrokerAddr>> {
        let (Some(need), Some(kind)) = (Need::broker(case), case.broker) else {
            return Ok(None);
        };
        let first = self.services.get_mut(&need).is_none();
        let addr = self.start(need)?;
        if first && self.opts.broker_listen.is_some() {
            // Said once, so workers on other machines can join this run's jobs.
            eprintln!(
                "the {kind} broker listens on {addr}; more workers: concbench worker --connect \
                 {addr} --key {} --broker {kind}",
                self.broker_key
            );
        }
        Ok(Some(crate::model::queue_protocol::BrokerAddr {
            kind,
            addr,
            key: self.broker_key.clone(),
        }))
    }

    /// The service (started or reused), the probes and the ideal of a case about to run first.
    fn prepare(&mut self, case: &Case) -> anyhow::Result<CaseState> {
        let opts = self.opts;
        let url = self.service_url(&case.workload)?;
        let broker = self.broker(case)?;
        let spec = CaseSpec {
            model: case.model,
            workload: case.workload.clone(),
            url,
            tasks: case.tasks,
            limit: case.k(),
            retries: case.retries,
            per_worker: case.per_worker(),
            max_threads: case.max_threads,
            broker,
            ledger: case.ledger,
            arrival: case.arrival,
            seed: case.arrival_seed,
        };
        // A cpu case's deadline needs an idea of its length before its first repetition's probe.
        let cpu = match probes::cpu_size(case) {
            Some(iters) => {
                let mut probes = CpuProbes::default();
                probes.run(&opts.exe, iters, case.tasks, self.cores)?;
                Some(probes)
            }
            None => None,
        };
        // A database case's too, before its write probe came up.
        if let (Some(probe), None) = (
            case.workload.describe().write_probe(),
            self.write_probes_of(case),
        ) {
            self.write_probe(&probe)?;
        }
        let calibration = cpu
            .as_ref()
            .and_then(CpuProbes::calibration)
            .map(|c| Calibration {
                write: self.write_probes_of(case).and_then(WriteProbes::times),
                ..c
            });
        let ideal = case.ideal(self.cores, calibration);
        // A repetition that outlives this is hung, not slow: it is killed and the case fails. Without
        // an ideal, the sequential time of N tasks of a minute stands in.
        let expected = ideal.unwrap_or(case.tasks as f64 * 60.0);
        let deadline = Duration::from_secs_f64(30.0 + 10.0 * expected)
            + case.workload.describe().timeout().unwrap_or_default();
        Ok(CaseState {
            spec,
            service: self.need(&case.workload),
            deadline,
            samples: Vec::new(),
            cpu,
            broker: Need::broker(case),
        })
    }

    /// One repetition in a fresh process, with the service's counters and the machine's noise around
    /// it; `round` None is a warm-up, whose sample is discarded.
    fn repetition(&mut self, case: usize, round: Option<usize>) -> anyhow::Result<Option<Sample>> {
        // The machine's speed right before a measured repetition, for its own ideal.
        let calibration = match round {
            Some(_) => self.cpu_probe(case)?,
            None => None,
        };
        let state = self.states[case].as_ref().expect("prepared");
        let broker_cpu = match &state.broker {
            Some(need) => {
                let b = self.services.get_mut(need).expect("started in prepare");
                b.check()?;
                b.cpu()
            }
            None => None,
        };
        let service = match &state.service {
            Some(need) => {
                let s = self.services.get_mut(need).expect("started in prepare");
                s.check()?;
                let cpu = s.cpu();
                Some((&*s, cpu))
            }
            None => None,
        };
        let counters = service.as_ref().and_then(|(s, _)| s.counters());
        let cpu_pid = service.as_ref().and_then(|(_, pid)| pid.as_ref());
        // Counters that cannot be reset cannot be read either: the repetition still runs (its tasks
        // fail as connect if the server is gone) and says why its counters are missing.
        let reset = counters.map(|c| c.reset());
        // The kernel's socket memory over a repetition of many connections (a small case would only
        // gain a thread).
        let planned = &self.opts.cases[case];
        let many = planned
            .workload
            .describe()
            .sockets(&planned.shape(self.cores))
            >= sockstat::FROM_SOCKETS;
        let start_s = self.clock.elapsed().as_secs_f64();
        let kernel = many.then(sockstat::Sampler::start).flatten();
        let before = Snapshot::take(cpu_pid);
        let broker_before = broker_cpu.as_ref().and_then(|b| b.read());
        let (out, usage) = case::run_isolated(&self.opts.exe, &state.spec, state.deadline)?;
        let kernel_sockets = kernel.map(sockstat::Sampler::stop);
        let broker_after = broker_cpu.as_ref().and_then(|b| b.read());
        let after = Snapshot::take(cpu_pid);
        anyhow::ensure!(children::interrupted().is_none(), "interrupted");
        let Some(round) = round else {
            return Ok(None);
        };
        let (observed, server_error) = match (counters, reset) {
            (Some(c), Some(Ok(()))) => match c.read() {
                Ok(observed) => (Some(observed), None),
                Err(e) => (None, Some(format!("{e:#}"))),
            },
            (_, Some(Err(e))) => (None, Some(format!("{e:#}"))),
            _ => (None, None),
        };
        let cpu_s = (usage.user + usage.sys).as_secs_f64();
        let noise = before.until(&after, cpu_s);
        let task_times: Vec<f64> = out.timeline.iter().flatten().map(|[s, e]| e - s).collect();
        // The ledger against this repetition's own ideal where it has one, else the case's.
        let case_ideal = self.ideal(case);
        // Right after, in the same conditions: the shape with no harness, when the case asks for it.
        let case = &self.opts.cases[case];
        let reference = match case.reference {
            true => reference::measure(&self.opts.exe, case, &state.spec.url)?,
            false => None,
        };
        let ideal_s =
            calibration.and_then(|c| case.repetition_ideal(self.cores, Some(c), &task_times));
        // t₁ as this repetition's ideal used it: where its own task times bounded the ideal below
        // the probe's (cpu, whose ideal is linear in t₁), t₁ scaled down alike.
        let probed = calibration.and_then(|c| case.ideal(self.cores, Some(c)));
        let t1 = calibration.map(|c| match (ideal_s, probed) {
            (Some(used), Some(p)) if used < p => c.t1 * used / p,
            _ => c.t1,
        });
        let ledger = out.ledger.zip(ideal_s.or(case_ideal)).map(|(path, ideal)| {
            // The ideal again with the parts' measured mean run time for t₁: measured with the
            // other lanes running, so at a scaling of 1.
            let ideal_at = |t: f64| {
                let c = calibration?;
                let at = Calibration {
                    t1: t,
                    scaling: 1.0,
                    write: c.write,
                };
                case.repetition_ideal(self.cores, Some(at), &task_times)
            };
            super::ledger::of_case(case, self.cores, &path, out.makespan_s, ideal, t1, ideal_at)
        });
        Ok(Some(Sample {
            ledger,
            start_s: Some(start_s),
            round: Some(round),
            noise: Some(noise),
            server_cpu_s: noise.server_cpu_s,
            broker_cpu_s: broker_before
                .zip(broker_after)
                .map(|(b, a)| a.saturating_sub(b).as_secs_f64()),
            server_error,
            reference,
            t1_s: calibration.map(|c| c.t1),
            scaling: calibration.map(|c| c.scaling),
            ideal_s,
            kernel_sockets,
            ..sample(out, usage, observed)
        }))
    }

    /// One cpu probe right before a repetition of case `case`, when its ideal needs the machine's
    /// speed: the calibration of that moment, with its database's write times.
    fn cpu_probe(&mut self, case: usize) -> anyhow::Result<Option<Calibration>> {
        let Some(iters) = probes::cpu_size(&self.opts.cases[case]) else {
            return Ok(None);
        };
        let tasks = self.opts.cases[case].tasks;
        let (exe, cores) = (&self.opts.exe, self.cores);
        let state = self.states[case].as_mut().expect("prepared");
        let probes = state.cpu.get_or_insert_with(CpuProbes::default);
        probes.run(exe, iters, tasks, cores)?;
        Ok(probes.last().map(|c| self.with_writes(case, c)))
    }

    /// Every case with a sample, in plan order, summarised from its samples so far.
    fn results(&self) -> Vec<CaseResult> {
        let opts = self.opts;
        opts.cases
            .iter()
            .zip(&self.states)
            .filter_map(|(case, state)| {
                let state = state.as_ref().filter(|s| !s.samples.is_empty())?;
                let calibration = state
                    .cpu
                    .as_ref()
                    .and_then(CpuProbes::calibration)
                    .map(|c| Calibration {
                        write: self.write_probes_of(case).and_then(WriteProbes::times),
                        ..c
                    });
                // The case's ideal: its repetitions' own, each from the probe beside it, where they
                // have one; else what every probe of the case measured.
                let own: Vec<f64> = state.samples.iter().filter_map(|s| s.ideal_s).collect();
                let ideal = match own.is_empty() {
                    false => Some(crate::stats::median(&own)),
                    true => case.ideal(self.cores, calibration),
                };
                let bottleneck = case.bottleneck(self.cores, calibration);
                let mut summary = summarise(&state.samples, ideal, bottleneck);
                // An ideal measured on a busy machine is as suspect as a busy sample.
                if let Some(probes) = &state.cpu {
                    summary.unstable.extend(probes.unstable());
                }
                if let Some(writes) = self.write_probes_of(case) {
                    summary.unstable.extend(writes.unstable());
                }
                Some(CaseResult {
                    id: case.id(),
                    group: case.group,
                    params: case_params(case, self.cores),
                    external: opts.target.is_some() && case.workload.makes_requests(),
                    warmup: case.warmup,
                    t1_s: calibration.map(|c| c.t1),
                    scaling: calibration.map(|c| c.scaling),
                    t_write_s: calibration.and_then(|c| c.write).map(|w| w.alone),
                    t_write_together_s: calibration.and_then(|c| c.write).map(|w| w.together),
                    ideal_s: ideal,
                    summary,
                    samples: state.samples.clone(),
                })
            })
            .collect()
    }
}
