//! How two processes exchange data: the transports of the ipc workload, Rust's and Python's, as
//! `--transport` and result files spell them. Rust's are byte streams and a ring the project builds
//! itself (`channel`, `ring`); Python's are the standard library's `multiprocessing` ways
//! (python/concbench_py/ipc.py), measured by the Python model beside them. Which models run which is
//! said here too, so the CLI refuses a pairing with the models that would run it.

use crate::names::ModelKind;
use schemars::JsonSchema;

crate::names::name_enum! {
    /// How two processes exchange data.
    #[derive(JsonSchema)]
    pub enum Transport {
        /// Two pipes, one each way.
        Pipe = "pipe",
        /// A connected pair of Unix stream sockets.
        Unix = "unix",
        /// A TCP connection on 127.0.0.1 (Nagle off, as a request/response protocol sets it).
        Tcp = "tcp",
        /// Two bounded rings in a shared memfd mapping, heads and tails atomics, a socket doorbell
        /// for a side that sleeps.
        Shm = "shm",
        /// Length-prefixed frames over two pipes, built and copied out of fresh buffers: the
        /// multiprocessing.Queue shape, in Rust.
        Queue = "queue",
        /// Python: two `multiprocessing.Queue`s (a feeder thread, pickled frames on a pipe).
        MpQueue = "mp-queue",
        /// Python: a `multiprocessing.Pipe()` (a duplex Connection: a Unix socket pair on Linux).
        MpPipe = "mp-pipe",
        /// Python: `multiprocessing.shared_memory` buffers handed over with two semaphores.
        MpSharedMemory = "mp-shared-memory",
        /// Python: two queues of a `multiprocessing.Manager()`, every put and get a call to the
        /// manager's server process: one more hop each way.
        MpManager = "mp-manager",
    }
}

impl Transport {
    /// Whether it is one of Python's, measured by the Python model.
    pub fn is_python(self) -> bool {
        matches!(
            self,
            Transport::MpQueue | Transport::MpPipe | Transport::MpSharedMemory | Transport::MpManager
        )
    }

    /// Rust's transports.
    pub fn rust() -> impl Iterator<Item = Transport> {
        Transport::ALL.into_iter().filter(|t| !t.is_python())
    }

    /// Python's transports.
    pub fn python() -> impl Iterator<Item = Transport> {
        Transport::ALL.into_iter().filter(|t| t.is_python())
    }

    /// The models that run it: a pair per task, its figures kept by the case process itself — so
    /// models whose tasks run in that process (sequential one pair at a time, threads and the thread
    /// pool several at once); Python's on py-sequential, whose peers `multiprocessing` forks from a
    /// process of one thread.
    pub fn models(self) -> &'static [ModelKind] {
        match self.is_python() {
            false => &[ModelKind::Sequential, ModelKind::Threads, ModelKind::ThreadPool],
            true => &[ModelKind::PySequential],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_runs_its_own_transports() {
        assert_eq!(Transport::rust().count() + Transport::python().count(), Transport::ALL.len());
        for t in Transport::ALL {
            assert!(t.models().iter().all(|m| m.is_python() == t.is_python()), "{t}");
        }
    }
}
