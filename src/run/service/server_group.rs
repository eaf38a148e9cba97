//! The slow server's unbounded mode spread over several processes, one service: a connection costs
//! the server a descriptor, and one process may hold only as many as its open-file limit (which an
//! unprivileged process cannot raise past the hard limit), so a case of more connections than that
//! gets as many server processes as `run::preflight::spread_server` says. The first starts on a free
//! port; the others are started on that port, and since unbounded mode listens with SO_REUSEPORT
//! they join its group: the kernel spreads incoming connections over every process's listeners (by a
//! hash of the connection, not evenly — hence the headroom the pre-flight leaves). Every process is a
//! [`ServerChild`], so each dies with the harness and is pinned like one; the group is alive while
//! all of them are, counts what they count together, and costs the CPU they spend together.

use super::slow_server::ServerChild;
use super::{Counters, Service};
use crate::measure::process_cpu::CpuOf;
use crate::results::{ServerObservation, ServerOutcomes};
use crate::workload::{Misbehave, ServerPlan};
use anyhow::Context;
use std::path::Path;

/// The slow server as `processes` processes sharing one data port.
pub struct ServerGroup {
    shards: Vec<ServerChild>,
}

impl ServerGroup {
    /// Start `processes` unbounded servers on one port. A rate limit is refused: each process would
    /// keep its own bucket, so the group would admit `processes` times the rate.
    pub fn start(
        exe: &Path,
        plan: ServerPlan,
        odd: Option<&Misbehave>,
        cpus: Option<&[usize]>,
        processes: usize,
    ) -> anyhow::Result<ServerGroup> {
        anyhow::ensure!(
            plan.workers == 0,
            "only the unbounded slow server (--server-workers 0) can be spread over processes, not \
             W = {}",
            plan.workers
        );
        anyhow::ensure!(
            odd.is_none_or(|m| m.rate.is_none()),
            "a rate limit (--rate) cannot be shared by {processes} server processes: each would admit \
             the whole rate; ask for fewer connections"
        );
        let first = ServerChild::start(exe, plan, odd, cpus, 0)?;
        let port = port_of(&first.ready.url)?;
        let mut shards = vec![first];
        for at in 1..processes.max(1) {
            let shard = ServerChild::start(exe, plan, odd, cpus, port)
                .with_context(|| format!("starting server process {} of {processes}", at + 1))?;
            // A shard that picked another port would serve nothing the clients send.
            anyhow::ensure!(
                shard.ready.url == shards[0].ready.url,
                "server process {} of {processes} listens on {}, not {}",
                at + 1,
                shard.ready.url,
                shards[0].ready.url
            );
            shards.push(shard);
        }
        Ok(ServerGroup { shards })
    }

    /// Its processes, in the order they started.
    pub fn shards(&self) -> &[ServerChild] {
        &self.shards
    }

    pub fn shards_mut(&mut self) -> &mut [ServerChild] {
        &mut self.shards
    }

    /// The pids of its processes.
    pub fn pids(&mut self) -> Vec<u32> {
        self.shards.iter_mut().filter_map(|s| s.pid()).collect()
    }

    /// The first process that has exited, as messages name it: `the slow server's process 2 of 3
    /// (pid 12)`.
    fn dead(&mut self) -> Option<String> {
        let of = self.shards.len();
        let at = self.shards.iter_mut().position(|s| !s.alive())?;
        let pid = self.shards[at]
            .pid()
            .map_or(String::new(), |p| format!(" (pid {p})"));
        Some(format!("the slow server's process {} of {of}{pid}", at + 1))
    }
}

/// The port of a ready line's data URL (`http://127.0.0.1:41234`).
fn port_of(url: &str) -> anyhow::Result<u16> {
    url.rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .with_context(|| format!("no port in the slow server's URL {url}"))
}

impl Service for ServerGroup {
    fn name(&self) -> &'static str {
        "the slow server"
    }

    fn url(&self) -> &str {
        &self.shards[0].ready.url
    }

    /// Every process's own exact clock, summed.
    fn cpu(&mut self) -> Option<CpuOf> {
        Some(CpuOf::Processes(self.pids()))
    }

    fn counters(&self) -> Option<&dyn Counters> {
        Some(self)
    }

    fn alive(&mut self) -> bool {
        self.shards.iter_mut().all(|s| s.alive())
    }

    /// A group with a dead process is named by that process: the others still run, but the
    /// connections the kernel hashes to the dead one's listeners fail.
    fn check(&mut self) -> anyhow::Result<()> {
        match self.dead() {
            Some(dead) => anyhow::bail!("{dead} is gone"),
            None => Ok(()),
        }
    }

    fn described(&mut self) -> String {
        match self.dead() {
            Some(dead) => dead,
            None => {
                let pids: Vec<String> = self.pids().iter().map(u32::to_string).collect();
                format!(
                    "the slow server ({} processes, pids {})",
                    pids.len(),
                    pids.join(", ")
                )
            }
        }
    }
}

impl Counters for ServerGroup {
    fn reset(&self) -> anyhow::Result<()> {
        self.shards.iter().try_for_each(Counters::reset)
    }

    /// Every process's counters summed: `served` exactly; `max_in_flight` as the sum of the
    /// processes' maxima, an upper bound of the whole's (their peaks need not coincide).
    fn read(&self) -> anyhow::Result<ServerObservation> {
        let each = self
            .shards
            .iter()
            .map(Counters::read)
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(sum(&each))
    }
}

/// The group's observation from its processes'.
pub fn sum(each: &[ServerObservation]) -> ServerObservation {
    let outcomes = each
        .iter()
        .filter_map(|o| o.outcomes)
        .reduce(|a, b| ServerOutcomes {
            admitted: a.admitted + b.admitted,
            ok: a.ok + b.ok,
            slow_tail: a.slow_tail + b.slow_tail,
            refused_429: a.refused_429 + b.refused_429,
            failed_500: a.failed_500 + b.failed_500,
            reset: a.reset + b.reset,
            cancelled: a.cancelled + b.cancelled,
        });
    ServerObservation {
        served: each.iter().map(|o| o.served).sum(),
        max_in_flight: each.iter().map(|o| o.max_in_flight).sum(),
        outcomes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_is_read_off_the_url() {
        assert_eq!(port_of("http://127.0.0.1:41234").unwrap(), 41234);
        assert_eq!(port_of("http://[::1]:8000/").unwrap(), 8000);
        assert!(port_of("http://localhost").is_err());
    }

    #[test]
    fn observations_are_summed_and_outcomes_only_where_any_was_kept() {
        let plain = |served, max| ServerObservation {
            served,
            max_in_flight: max,
            outcomes: None,
        };
        let s = sum(&[plain(100, 40), plain(120, 50)]);
        assert_eq!((s.served, s.max_in_flight, s.outcomes), (220, 90, None));
        let odd = ServerOutcomes {
            ok: 7,
            reset: 2,
            ..ServerOutcomes::default()
        };
        let with = ServerObservation {
            outcomes: Some(odd),
            ..plain(9, 3)
        };
        let s = sum(&[with, plain(1, 1), with]);
        assert_eq!(s.served, 19);
        assert_eq!(
            s.outcomes,
            Some(ServerOutcomes {
                ok: 14,
                reset: 4,
                ..ServerOutcomes::default()
            })
        );
    }
}
