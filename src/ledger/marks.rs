//! A request's timestamps, as the client saw it and as the server stamped it. Every value is
//! CLOCK_MONOTONIC nanoseconds ([`super::clock::now_ns`]); 0 means the request never got there (a
//! refused connect has no `connected_ns`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use std::cell::Cell;

/// The header the client sends to ask the server for its stamps (the ledger on; a server that does
/// not know it, gunicorn, ignores it) and the one the server answers with.
pub use concbench_server::stamp::{ASK_HEADER, STAMP_HEADER};

/// What the server saw of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServerStamp {
    /// The server worker that served it (worker mode, 0..W); 0 in the unbounded mode, where no
    /// worker is held.
    pub worker: u32,
    /// accept() returned its connection: before this it waited in the listen backlog. It can come
    /// before the client's `connected_ns` (the kernel finished the handshake and the server's
    /// accept returned before the client's thread ran again), never before `connect_ns`.
    pub accepted_ns: u64,
    /// Its request was read whole: serving begins.
    pub read_ns: u64,
    /// The server's delay was over and the answer began to be written.
    pub replied_ns: u64,
}

impl From<concbench_server::stamp::Stamp> for ServerStamp {
    fn from(s: concbench_server::stamp::Stamp) -> ServerStamp {
        ServerStamp {
            worker: s.worker,
            accepted_ns: s.accepted_ns,
            read_ns: s.read_ns,
            replied_ns: s.replied_ns,
        }
    }
}

/// One request as the client made it: the last request of its task (with retries or hedges, the
/// one that answered).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CallMarks {
    /// connect() called (or a kept connection taken).
    pub connect_ns: u64,
    /// The connection established.
    pub connected_ns: u64,
    /// The request written whole.
    pub written_ns: u64,
    /// The answer's first byte read.
    pub first_byte_ns: u64,
    /// The answer read whole.
    pub last_byte_ns: u64,
    /// The server's stamps, when it sent them.
    pub server: Option<ServerStamp>,
}

thread_local! {
    /// The marks of the last request that ended on this thread, until its task takes them.
    static LAST_CALL: Cell<Option<CallMarks>> = const { Cell::new(None) };
}

/// A request ended on this thread (answered or not): its marks wait here for its task. The client's
/// blocking face ends a request on its task's thread; its async face ends one in the same poll that
/// resumes the awaiting task, so the task takes them on the same thread either way — without the
/// marks threading through every client and policy signature. (A blocking hedge's second request
/// ends on the hedge's own thread: the task keeps its first request's marks.)
pub fn publish(marks: CallMarks) {
    LAST_CALL.with(|c| c.set(Some(marks)));
}

/// The marks of the last request that ended on this thread, taken (None if none since the last take).
pub fn take() -> Option<CallMarks> {
    LAST_CALL.with(|c| c.take())
}
