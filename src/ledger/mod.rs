//! The ledger: where a case's time went. Its raw material is gathered cheaply while tasks run —
//! timestamps on the machine's CLOCK_MONOTONIC ([`clock`]), which the server shares, so a task's own
//! marks and the server's stamps for its request ([`marks`]) lie on one time line — and each
//! thread's time spent runnable but waiting for a CPU ([`schedstat`]). The rule that turns them into
//! a case's makespan − ideal, split into components and a residual that sum to it exactly, lives
//! here too, below every layer that gathers or shows it.

pub mod clock;
pub mod marks;
pub mod schedstat;

pub use clock::{enabled, set_enabled};
pub use marks::{CallMarks, ServerStamp};

pub mod account;
pub mod packing;
pub mod part;
pub mod path;
#[cfg(test)]
mod tests;

pub use account::Ledger;
