//! The talk's published Python times (../shared/SEEDS.md §1), the reference marks of the seed chart. They
//! were measured against `gunicorn -w 3` and a 1 s app, so they are matched only to seed cases run the
//! same way: same model shape, same N, W = 3, 1 s.

use crate::names::ModelKind;
use crate::results::CaseResult;

/// One client of the talk: the model that has its shape, its N, and its measured time.
#[derive(Debug)]
pub struct TalkTime {
    pub model: ModelKind,
    pub tasks: usize,
    pub python: &'static str,
    pub seconds: f64,
}

pub const TALK_TIMES: [TalkTime; 5] = [
    TalkTime {
        model: ModelKind::Sequential,
        tasks: 3,
        python: "sequential loop",
        seconds: 3.240,
    },
    TalkTime {
        model: ModelKind::Threads,
        tasks: 3,
        python: "one thread per request",
        seconds: 1.199,
    },
    TalkTime {
        model: ModelKind::Async,
        tasks: 3,
        python: "asyncio + aiohttp, gather",
        seconds: 1.415,
    },
    TalkTime {
        model: ModelKind::AsyncSemaphore,
        tasks: 9,
        python: "asyncio + Semaphore(3)",
        seconds: 3.375,
    },
    TalkTime {
        model: ModelKind::ProcessPool,
        tasks: 3,
        python: "multiprocessing.Pool(3).map",
        seconds: 1.347,
    },
];

/// The talk's time for this case, when the case reproduces one of the talk's clients.
pub fn talk_time(c: &CaseResult) -> Option<&'static TalkTime> {
    let io = crate::report::data::io(c)?;
    if io.server_workers != Some(3) || io.server_delay_ms != Some(1000) || io.path != "/" {
        return None;
    }
    // The talk bounded its semaphore and pool at 3; a different k is a different client.
    if c.params.limit.is_some_and(|k| k != 3) {
        return None;
    }
    TALK_TIMES
        .iter()
        .find(|t| t.model == c.params.model && t.tasks == c.params.tasks)
}
