//! `barrier`: the article's `Barrier(4)` gathering units into teams, with a timeout that breaks a
//! team that never fills. Each unit waits its own seeded time (its arrival), then waits at the
//! barrier: the T-th to arrive releases its team, and the next arrival starts the next team (a new
//! generation). A unit that has waited the timeout without its team filling breaks the team: every
//! waiter of that generation ends at once with `broken` (Python's `BrokenBarrierError`), and the next
//! arrival starts a fresh team — so a team that cannot fill (N not a multiple of T, or fewer lanes
//! than T) ends in bounded time and is counted, never hung.
//!
//! std's `Barrier` has no timeout: [`Teams`] is a generation counter under a `Mutex`, waited on with
//! `Condvar::wait_timeout` by the blocking form and with tokio's `Notify` under `timeout_at` by the
//! async form.

use super::handoff::failed;
use super::tally::Tally;
use crate::names::FailureKind;
use crate::rng::Rng;
use crate::workload::{TaskFuture, TaskResult, Workload};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// How a unit left the barrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gathered {
    /// Its team filled.
    Filled,
    /// Its team's timeout broke it first.
    Broken,
}

/// The barrier's state: how many of the forming team have arrived, its generation, and how every
/// earlier generation ended (`ended[g]`: generation g's outcome; its length is the generation).
#[derive(Debug, Default)]
struct State {
    arrived: usize,
    ended: Vec<Gathered>,
}

impl State {
    fn generation(&self) -> usize {
        self.ended.len()
    }

    /// The forming team ends as `how`; the next arrival starts the next one.
    fn close(&mut self, how: Gathered) {
        self.ended.push(how);
        self.arrived = 0;
    }
}

/// A barrier of `team` parties whose waiters give up, breaking their team, after `timeout`.
pub struct Teams {
    team: usize,
    timeout: Duration,
    state: Mutex<State>,
    changed: Condvar,
    notify: Notify,
}

impl Teams {
    pub fn new(team: usize, timeout: Duration) -> Teams {
        Teams {
            team,
            timeout,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            notify: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Arrive: the generation joined, or how it ended when this arrival filled it.
    fn arrive(&self, s: &mut State) -> Result<usize, Gathered> {
        let generation = s.generation();
        s.arrived += 1;
        match s.arrived >= self.team {
            true => {
                s.close(Gathered::Filled);
                Err(Gathered::Filled)
            }
            false => Ok(generation),
        }
    }

    /// Where generation `g` stands once `deadline` is as given: ended (how), or still forming.
    fn check(&self, s: &mut State, g: usize, now: Instant, deadline: Instant) -> Option<Gathered> {
        if let Some(how) = s.ended.get(g) {
            return Some(*how);
        }
        (now >= deadline).then(|| {
            s.close(Gathered::Broken);
            Gathered::Broken
        })
    }

    /// Wait at the barrier, blocking this thread.
    pub fn wait(&self) -> Gathered {
        let deadline = Instant::now() + self.timeout;
        let mut s = self.lock();
        let g = match self.arrive(&mut s) {
            Ok(g) => g,
            Err(how) => {
                drop(s);
                self.changed.notify_all();
                return how;
            }
        };
        loop {
            let now = Instant::now();
            if let Some(how) = self.check(&mut s, g, now, deadline) {
                if how == Gathered::Broken {
                    // This waiter may be the one that broke it: wake the rest of its team.
                    self.changed.notify_all();
                }
                return how;
            }
            s = self
                .changed
                .wait_timeout(s, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Wait at the barrier as a future.
    pub async fn wait_async(&self) -> Gathered {
        let start = Instant::now();
        let deadline = start + self.timeout;
        let g = {
            let mut s = self.lock();
            match self.arrive(&mut s) {
                Ok(g) => g,
                Err(how) => {
                    drop(s);
                    self.notify.notify_waiters();
                    return how;
                }
            }
        };
        let tokio_deadline = tokio::time::Instant::from_std(deadline);
        loop {
            // Registered before the state is read, so a release between the read and the await
            // still wakes this waiter.
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let ended = self.check(&mut self.lock(), g, Instant::now(), deadline);
            if let Some(how) = ended {
                if how == Gathered::Broken {
                    self.notify.notify_waiters();
                }
                return how;
            }
            let _ = tokio::time::timeout_at(tokio_deadline, notified).await;
        }
    }

    /// Teams filled and teams broken so far.
    pub fn counts(&self) -> (u64, u64) {
        let s = self.lock();
        let filled = s.ended.iter().filter(|h| **h == Gathered::Filled).count() as u64;
        (filled, s.ended.len() as u64 - filled)
    }
}

/// When each unit arrives at the barrier: a wait drawn per unit number from a seed, uniform over
/// 0..=`longest`, so every model meets the same arrivals and the ideal can replay them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrivals {
    pub seed: u64,
    pub longest: Duration,
}

impl Arrivals {
    /// Unit `unit`'s wait before it arrives.
    pub fn of(&self, unit: u64) -> Duration {
        let unit = Rng::new(self.seed ^ unit.wrapping_mul(0x9e37_79b9_7f4a_7c15)).unit();
        self.longest.mul_f64(unit)
    }
}

/// The barrier task: wait the unit's arrival, then wait at the barrier.
pub struct Barrier {
    arrivals: Arrivals,
    teams: Teams,
}

impl Barrier {
    /// Units arriving as `arrivals` says, gathered in teams of `team`, broken after `timeout`.
    pub fn new(arrivals: Arrivals, team: usize, timeout: Duration) -> Barrier {
        Barrier {
            arrivals,
            teams: Teams::new(team, timeout),
        }
    }

    fn arrival(&self, unit: u64) -> Duration {
        self.arrivals.of(unit)
    }

    fn ended(how: Gathered) -> TaskResult {
        match how {
            Gathered::Filled => TaskResult::ok(0),
            Gathered::Broken => failed(FailureKind::Broken),
        }
    }
}

impl Workload for Barrier {
    fn blocking(&self, unit: u64) -> TaskResult {
        std::thread::sleep(self.arrival(unit));
        Barrier::ended(self.teams.wait())
    }

    fn run_async(&self, unit: u64) -> TaskFuture<'_> {
        Box::pin(async move {
            tokio::time::sleep(self.arrival(unit)).await;
            Barrier::ended(self.teams.wait_async().await)
        })
    }

    fn tally(&self) -> Option<Tally> {
        let (filled, broken) = self.teams.counts();
        Some(Tally {
            teams_filled: Some(filled),
            teams_broken: Some(broken),
            ..Tally::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_team_goes_through_and_a_lone_waiter_breaks_its_own() {
        let teams = Teams::new(2, Duration::from_millis(30));
        std::thread::scope(|s| {
            let a = s.spawn(|| teams.wait());
            let b = s.spawn(|| teams.wait());
            assert_eq!((a.join().unwrap(), b.join().unwrap()), (Gathered::Filled, Gathered::Filled));
        });
        let t = Instant::now();
        assert_eq!(teams.wait(), Gathered::Broken);
        assert!(t.elapsed() >= Duration::from_millis(30), "not before its timeout");
        assert_eq!(teams.counts(), (1, 1));
    }
}
