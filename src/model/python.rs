//! The Python reference models (`py-*`): the talk's clients written in Python (python/concbench_py),
//! run by the harness as an external program speaking the task protocol (`run::external`) instead of
//! in a case process. Here they have what plans and ideals need of any model — whether they take a
//! limit, how much they overlap — and no run of their own: Python, not this process, runs them.
//! Under the GIL only processes compute in parallel, so every other Python model has one CPU lane.

use super::footprint::{Holds, Unit, PY_PROCESS, PY_TASK, PY_THREAD};
use super::{Execution, Job, Lanes, Model};

/// How a Python model overlaps its tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Overlap {
    /// One task at a time.
    None,
    /// Every task at once (a thread or a coroutine each).
    All,
    /// k at once (a thread pool, a semaphore).
    Bounded,
    /// k at once in k processes: the only parallel CPU work Python has.
    Processes,
    /// c at once on the event loop of each of k processes (aiomultiprocess).
    EventLoops,
}

pub struct Python {
    about: &'static str,
    overlap: Overlap,
    /// What each task in flight is, where it is not a worker process's: a thread or a coroutine.
    unit: Unit,
    /// Whether its Python side hands tasks their data (payload): the thread pool passes a
    /// reference, the process pool pickles.
    moves_data: bool,
}

pub static SEQUENTIAL: Python = Python {
    about: "Python: a loop of requests.get (the talk's sequential client)",
    overlap: Overlap::None,
    unit: PY_THREAD,
    moves_data: false,
};
pub static THREADS: Python = Python {
    about: "Python: a threading.Thread per task, requests.get in each",
    overlap: Overlap::All,
    unit: PY_THREAD,
    moves_data: false,
};
pub static THREAD_POOL: Python = Python {
    about: "Python: ThreadPoolExecutor(k), requests.get per task",
    overlap: Overlap::Bounded,
    unit: PY_THREAD,
    moves_data: true,
};
pub static ASYNCIO: Python = Python {
    about: "Python: asyncio + aiohttp, gather of every task on one loop",
    overlap: Overlap::All,
    unit: PY_TASK,
    moves_data: false,
};
pub static ASYNCIO_SEMAPHORE: Python = Python {
    about: "Python: asyncio + aiohttp under asyncio.Semaphore(k)",
    overlap: Overlap::Bounded,
    unit: PY_TASK,
    moves_data: false,
};
pub static PROCESS_POOL: Python = Python {
    about: "Python: multiprocessing.Pool(k).map, a requests session per worker",
    overlap: Overlap::Processes,
    unit: PY_PROCESS,
    moves_data: true,
};
pub static ASYNC_PROCESS_POOL: Python = Python {
    about:
        "Python: aiomultiprocess.Pool(k, childconcurrency=16).map, an aiohttp session per worker",
    overlap: Overlap::EventLoops,
    unit: PY_TASK,
    moves_data: false,
};

impl Model for Python {
    fn about(&self) -> &'static str {
        self.about
    }

    fn loops_in_workers(&self) -> bool {
        self.overlap == Overlap::EventLoops
    }

    fn moves_data(&self) -> bool {
        self.moves_data
    }

    fn takes_limit(&self) -> bool {
        matches!(
            self.overlap,
            Overlap::Bounded | Overlap::Processes | Overlap::EventLoops
        )
    }

    fn lanes(&self, tasks: usize, limit: usize, per_worker: usize, cores: usize) -> Lanes {
        let k = limit.min(tasks).max(1);
        match self.overlap {
            Overlap::None => Lanes {
                in_flight: 1,
                cpu: 1,
            },
            Overlap::All => Lanes {
                in_flight: tasks,
                cpu: 1,
            },
            Overlap::Bounded => Lanes {
                in_flight: k,
                cpu: 1,
            },
            Overlap::Processes => Lanes {
                in_flight: k,
                cpu: k.min(cores),
            },
            Overlap::EventLoops => Lanes {
                in_flight: (k * per_worker.max(1)).min(tasks),
                cpu: k.min(cores),
            },
        }
    }

    fn holds(&self, tasks: usize, limit: usize, per_worker: usize) -> Holds {
        let k = limit.min(tasks).max(1);
        let units = match self.overlap {
            Overlap::None => Vec::new(),
            // asyncio.gather makes every coroutine at once, the semaphore only holds them back.
            Overlap::All | Overlap::Bounded if self.unit == PY_TASK => vec![(PY_TASK, tasks)],
            Overlap::All => vec![(self.unit, tasks)],
            Overlap::Bounded => vec![(self.unit, k)],
            Overlap::Processes => vec![(PY_PROCESS, k)],
            Overlap::EventLoops => vec![
                (PY_PROCESS, k),
                (PY_TASK, tasks.min(k.saturating_mul(per_worker.max(1)))),
            ],
        };
        Holds {
            units,
            blocking: self.unit != PY_TASK,
        }
    }

    fn run(&self, _job: &Job) -> anyhow::Result<Execution> {
        anyhow::bail!(
            "a Python model runs as a Python program (run::external), not in a case process"
        )
    }
}
