//! Child processes never outlive the process that started them: every child concbench starts (the slow
//! server, case processes, pool workers) is started through [`die_with_parent`], which asks the kernel to
//! SIGKILL it when its parent dies, however the parent dies.

use std::os::unix::process::CommandExt;
use std::process::Command;

/// Make `cmd`'s child die when this thread's process dies, even by SIGKILL.
pub fn die_with_parent(cmd: &mut Command) {
    // SAFETY: the closure runs between fork and exec and calls only async-signal-safe functions.
    let parent = unsafe { libc::getpid() };
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect: then nobody would signal us.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}
