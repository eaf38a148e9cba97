//! A request's timestamps, as the client saw it and as the server stamped it. Every value is
//! CLOCK_MONOTONIC nanoseconds ([`super::clock::now_ns`]); 0 means the request never got there (a
//! refused connect has no `connected_ns`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The header the client sends to ask the server for its stamps (the ledger on); a server that does
/// not know it (gunicorn) ignores it.
pub const ASK_HEADER: &str = "X-Concbench-Ledger";
/// The header the server answers with: `<worker> <accepted_ns> <read_ns> <replied_ns>`.
pub const STAMP_HEADER: &str = "X-Concbench-Served";

/// What the server saw of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServerStamp {
    /// The server worker that served it (worker mode, 0..W); 0 in the unbounded mode, where no
    /// worker is held.
    pub worker: u32,
    /// accept() returned its connection: before this it waited in the listen backlog.
    pub accepted_ns: u64,
    /// Its request was read whole: serving begins.
    pub read_ns: u64,
    /// The server's delay was over and the answer began to be written.
    pub replied_ns: u64,
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
