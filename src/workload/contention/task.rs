//! The contention task: unit `task` makes its operations on the shared counter — here, in the case
//! process's own state, or in a pool worker on the mapping it was handed. The case process creates
//! that mapping when its first pool worker is about to start, and then reads the final count from it;
//! without a pool, from its own state. Each task's own time is its service time, which the write
//! probe reads t_u from.

use super::local::Local;
use super::mapping::Mapping;
use super::ContentionParams;
use crate::workload::{TaskFuture, TaskResult, Workload};
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

/// Where this process's units update the counter.
enum Place {
    /// In this process (every model but the process pools).
    Here(Box<Local>),
    /// In the mapping this pool worker was handed.
    Mapped(Mapping),
}

pub struct Contention {
    params: ContentionParams,
    place: Place,
    /// The case process's mapping, once it handed one to a pool worker: the count is there.
    handed: Mutex<Option<Mapping>>,
}

impl Contention {
    /// A count of zero: this process's own, or, in a pool worker, the mapping it was handed.
    pub fn new(params: ContentionParams) -> anyhow::Result<Contention> {
        let place = match Mapping::handed_down()? {
            Some(m) => {
                anyhow::ensure!(
                    params.sync.crosses_processes(),
                    "contention --sync {} cannot be shared by processes",
                    params.sync
                );
                Place::Mapped(m)
            }
            None => Place::Here(Box::new(Local::new(params.sync)?)),
        };
        Ok(Contention {
            params,
            place,
            handed: Mutex::new(None),
        })
    }

    /// A task's result: the updates it made, timed.
    fn done(&self, started: Instant) -> TaskResult {
        TaskResult {
            service: Some(started.elapsed()),
            ..TaskResult::ok(self.params.per_unit())
        }
    }
}

impl Workload for Contention {
    fn blocking(&self, task: u64) -> TaskResult {
        let started = Instant::now();
        match &self.place {
            Place::Here(local) => local.blocking(task, &self.params),
            Place::Mapped(m) => m.update(task, &self.params),
        }
        self.done(started)
    }

    fn run_async(&self, task: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            let started = Instant::now();
            match &self.place {
                Place::Here(local) => local.run_async(task, &self.params).await,
                Place::Mapped(m) => m.update(task, &self.params),
            }
            self.done(started)
        })
    }

    fn verify(&self, value: u64) -> Result<(), String> {
        let want = self.params.per_unit();
        match value == want {
            true => Ok(()),
            false => Err(format!(
                "contention: a unit said it made {value} updates, not {want}"
            )),
        }
    }

    /// Every task's value is needed to sum what the units say they added.
    fn audits(&self) -> bool {
        true
    }

    fn counted(&self) -> anyhow::Result<Option<u64>> {
        let handed = self.handed.lock().unwrap_or_else(|e| e.into_inner());
        Ok(Some(match (&*handed, &self.place) {
            (Some(m), _) | (None, Place::Mapped(m)) => m.count(),
            (None, Place::Here(local)) => local.count()?,
        }))
    }

    fn to_worker(&self, cmd: &mut Command) -> anyhow::Result<()> {
        if !self.params.sync.crosses_processes() {
            anyhow::bail!(
                "{}",
                self.params
                    .refusal(crate::names::ModelKind::ProcessPool)
                    .unwrap_or_default()
            );
        }
        let mut handed = self.handed.lock().unwrap_or_else(|e| e.into_inner());
        if handed.is_none() {
            *handed = Some(Mapping::create()?);
        }
        handed.as_ref().expect("created").hand_down(cmd);
        Ok(())
    }
}
