//! The project's own queue server as a service of the run: `concbench __broker`
//! (`model::own_broker`), started once for the run's queue-workers cases with the run's key, on
//! 127.0.0.1 and a port the kernel chose, ready when its line with that address arrives. It dies with
//! the harness (stdin EOF and the parent-death signal) and is stopped when dropped; its CPU over each
//! repetition is the broker's CPU of the sample.

use super::Service;
use crate::measure::process_cpu::CpuOf;
use crate::model::own_broker::BrokerChild;
use std::process::Child;

impl Service for BrokerChild {
    fn name(&self) -> &'static str {
        "the queue broker"
    }

    /// HOST:PORT.
    fn url(&self) -> &str {
        &self.addr
    }

    fn process(&mut self) -> Option<&mut Child> {
        Some(&mut self.child)
    }

    /// One process, a thread per connection: its exact clock.
    fn cpu(&mut self) -> Option<CpuOf> {
        self.pid().map(CpuOf::Process)
    }
}
