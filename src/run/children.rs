//! Interrupting a run: the case children of the moment are recorded — one per thread that runs one, as a
//! probe runs one per core at once — so a SIGINT/SIGTERM handler can end them all at once (kill is
//! async-signal-safe) and let the run save what finished. (That no child outlives the harness at all
//! is `spawn::die_with_parent`'s job.)

use std::cell::Cell;
use std::sync::atomic::{AtomicI32, Ordering};

/// The signal that interrupted the run, or 0.
static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

/// Most case children running at once that an interrupt can find: a probe runs one per core.
const SLOTS: usize = 256;
/// The case children running now, one slot per thread that started one; 0 is a free slot.
static CHILDREN: [AtomicI32; SLOTS] = [const { AtomicI32::new(0) }; SLOTS];

thread_local! {
    /// The slot of this thread's child, while it has one.
    static SLOT: Cell<Option<usize>> = const { Cell::new(None) };
}

extern "C" fn on_signal(sig: libc::c_int) {
    INTERRUPTED.store(sig, Ordering::SeqCst);
    for slot in &CHILDREN {
        let child = slot.load(Ordering::SeqCst);
        if child > 0 {
            // SAFETY: kill is async-signal-safe; the pid is our own child's.
            unsafe { libc::kill(child, libc::SIGKILL) };
        }
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

/// Record the case child this thread runs now (0 when none), for the signal handler. A child recorded
/// after the run was interrupted is killed here: the handler ran before it existed (e.g. while a
/// database started) and found nothing to end, and the child must not run its whole case on.
pub fn set_current(pid: u32) {
    SLOT.with(|mine| {
        if pid == 0 {
            if let Some(at) = mine.take() {
                CHILDREN[at].store(0, Ordering::SeqCst);
            }
            return;
        }
        match mine.get() {
            Some(at) => CHILDREN[at].store(pid as i32, Ordering::SeqCst),
            None => {
                let free = CHILDREN.iter().position(|slot| {
                    slot.compare_exchange(0, pid as i32, Ordering::SeqCst, Ordering::SeqCst)
                        .is_ok()
                });
                // With every slot taken the child is not findable by the handler; the watchdog's
                // deadline and the child's death with its parent still end it.
                mine.set(free);
            }
        }
    });
    // Both sides store, then load (SeqCst): the handler sees this child, or this sees the signal.
    if pid > 0 && interrupted().is_some() {
        // SAFETY: the pid is our own child's, not reaped yet.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    }
}
