//! Interrupting a run: the case child of the moment is recorded so a SIGINT/SIGTERM handler can end it
//! at once (kill is async-signal-safe) and let the run save what finished. (That no child outlives the
//! harness at all is `spawn::die_with_parent`'s job.)

use std::sync::atomic::{AtomicI32, Ordering};

/// The signal that interrupted the run, or 0.
static INTERRUPTED: AtomicI32 = AtomicI32::new(0);
/// The case child running now, or 0.
static CURRENT_CHILD: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    INTERRUPTED.store(sig, Ordering::SeqCst);
    let child = CURRENT_CHILD.load(Ordering::SeqCst);
    if child > 0 {
        // SAFETY: kill is async-signal-safe; the pid is our own child's.
        unsafe { libc::kill(child, libc::SIGKILL) };
    }
}

/// Catch SIGINT and SIGTERM for the rest of the run: they stop the current case instead of the process.
pub fn catch_interrupts() {
    // SAFETY: installing a handler that only touches atomics and calls kill.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
}

/// The signal that interrupted the run, if any.
pub fn interrupted() -> Option<i32> {
    match INTERRUPTED.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// Record the case child running now (0 when none), for the signal handler. A child recorded after
/// the run was interrupted is killed here: the handler ran before it existed (e.g. while a database
/// started) and found nothing to end, and the child must not run its whole case on.
pub fn set_current(pid: u32) {
    CURRENT_CHILD.store(pid as i32, Ordering::SeqCst);
    // Both sides store, then load (SeqCst): the handler sees this child, or this sees the signal.
    if pid > 0 && interrupted().is_some() {
        // SAFETY: the pid is our own child's, not reaped yet.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    }
}
