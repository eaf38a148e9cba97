//! The counter as a process pool's workers share it: one page-aligned mapping of a memfd the case
//! process creates, holding the counter, a process-shared pthread mutex and rwlock, and the shards.
//! Each worker is handed the memfd at its start ([`Mapping::hand_down`]: the descriptor is kept open
//! across its exec, and its number given in [`FD_VAR`]) and maps the same pages. A memfd has no name
//! in any file system, so nothing is left in /dev/shm, however a process ends: the memory goes with
//! the last descriptor and mapping.
//!
//! std's locks cannot serve here: their futexes are private to one process. A pthread mutex or
//! rwlock initialised with PTHREAD_PROCESS_SHARED in the shared pages is the same kind of lock every
//! process can take. The counter under them is an atomic read and written relaxed: the lock orders
//! them, and no access is a data race even if a worker misbehaved.

use super::local::{unguarded, Line, SHARDS};
use super::{ContentionParams, SyncKind};
use anyhow::Context;
use std::cell::UnsafeCell;
use std::ffi::CStr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::ptr::NonNull;
use std::sync::atomic::Ordering::Relaxed;

/// The environment variable that gives a pool worker the mapping's descriptor.
pub const FD_VAR: &str = "CONCBENCH_CONTENTION_FD";
/// The memfd's name, as /proc/<pid>/fd shows it (`/memfd:concbench-contention`).
const NAME: &CStr = c"concbench-contention";

/// A pthread object on cache lines of its own, so taking the lock does not share a line with the
/// counter or the shards.
#[repr(C, align(128))]
struct Slot<T>(UnsafeCell<T>);

/// What the mapping holds; zeroed pages are a count of zero.
#[repr(C)]
struct Shared {
    counter: Line,
    mutex: Slot<libc::pthread_mutex_t>,
    rwlock: Slot<libc::pthread_rwlock_t>,
    shards: [Line; SHARDS],
}

/// One process's view of the shared mapping.
pub struct Mapping {
    fd: OwnedFd,
    shared: NonNull<Shared>,
}

// SAFETY: the mapping is shared memory made for concurrent use: the counter and shards are atomics,
// and the pthread objects are process-shared locks, usable from any thread of any process.
unsafe impl Send for Mapping {}
unsafe impl Sync for Mapping {}

const SIZE: usize = std::mem::size_of::<Shared>();

impl Mapping {
    /// A new mapping at a count of zero, its locks initialised process-shared (the case process).
    pub fn create() -> anyhow::Result<Mapping> {
        // SAFETY: plain system calls on a descriptor this function owns.
        let fd = unsafe { libc::memfd_create(NAME.as_ptr(), libc::MFD_CLOEXEC) };
        anyhow::ensure!(
            fd >= 0,
            "contention: cannot create the shared mapping (memfd_create: {})",
            std::io::Error::last_os_error()
        );
        // SAFETY: memfd_create returned a descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: as above.
        if unsafe { libc::ftruncate(fd.as_raw_fd(), SIZE as libc::off_t) } != 0 {
            anyhow::bail!(
                "contention: cannot size the shared mapping: {}",
                std::io::Error::last_os_error()
            );
        }
        let m = Mapping::map(fd)?;
        m.init_locks()?;
        Ok(m)
    }

    /// The mapping this process was handed as a pool worker, when it was ([`FD_VAR`]).
    pub fn handed_down() -> anyhow::Result<Option<Mapping>> {
        let Ok(var) = std::env::var(FD_VAR) else {
            return Ok(None);
        };
        let fd: RawFd = var
            .parse()
            .with_context(|| format!("contention: {FD_VAR}={var:?} is no descriptor"))?;
        // Only our own memfd, of our own size: a stray variable must not map someone's file.
        let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap_or_default();
        let name = format!("/memfd:{}", NAME.to_str().expect("ASCII"));
        anyhow::ensure!(
            link.to_string_lossy().starts_with(&name),
            "contention: descriptor {fd} ({FD_VAR}) is not the case process's mapping"
        );
        // SAFETY: the descriptor was opened for this process by its parent, and nothing else here
        // uses it.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: fstat into a zeroed struct, on a descriptor we own; then the flag back on, so no
        // child of this worker inherits it.
        let size = unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC);
            (libc::fstat(fd.as_raw_fd(), &mut st) == 0).then_some(st.st_size as usize)
        };
        anyhow::ensure!(
            size == Some(SIZE),
            "contention: the mapping handed down is {size:?} bytes, not {SIZE}: a worker of \
             another concbench build"
        );
        Mapping::map(fd).map(Some)
    }

    fn map(fd: OwnedFd) -> anyhow::Result<Mapping> {
        // SAFETY: a fresh shared mapping of the memfd's SIZE bytes; checked for failure below.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        anyhow::ensure!(
            p != libc::MAP_FAILED,
            "contention: cannot map the shared counter: {}",
            std::io::Error::last_os_error()
        );
        Ok(Mapping {
            fd,
            shared: NonNull::new(p.cast()).expect("mmap succeeded"),
        })
    }

    fn shared(&self) -> &Shared {
        // SAFETY: mapped for the life of self, SIZE bytes, page-aligned (so Shared's 128 bytes too).
        unsafe { self.shared.as_ref() }
    }

    /// Initialise the mutex and rwlock as process-shared, before any worker maps them.
    fn init_locks(&self) -> anyhow::Result<()> {
        let s = self.shared();
        // SAFETY: the attributes live on this stack frame; the locks in the mapping are zeroed,
        // not yet used, and initialised once here.
        let rc = unsafe {
            let mut ma: libc::pthread_mutexattr_t = std::mem::zeroed();
            let mut ra: libc::pthread_rwlockattr_t = std::mem::zeroed();
            let rc = [
                libc::pthread_mutexattr_init(&mut ma),
                libc::pthread_mutexattr_setpshared(&mut ma, libc::PTHREAD_PROCESS_SHARED),
                libc::pthread_mutex_init(s.mutex.0.get(), &ma),
                libc::pthread_mutexattr_destroy(&mut ma),
                libc::pthread_rwlockattr_init(&mut ra),
                libc::pthread_rwlockattr_setpshared(&mut ra, libc::PTHREAD_PROCESS_SHARED),
                libc::pthread_rwlock_init(s.rwlock.0.get(), &ra),
                libc::pthread_rwlockattr_destroy(&mut ra),
            ];
            rc.into_iter().find(|&r| r != 0).unwrap_or(0)
        };
        anyhow::ensure!(
            rc == 0,
            "contention: cannot make a process-shared lock: {}",
            std::io::Error::from_raw_os_error(rc)
        );
        Ok(())
    }

    /// Let a pool worker's command inherit the descriptor (only that child: it stays close-on-exec
    /// here) and say which it is.
    pub fn hand_down(&self, cmd: &mut Command) {
        let fd = self.fd.as_raw_fd();
        cmd.env(FD_VAR, fd.to_string());
        // SAFETY: runs between fork and exec, and calls only fcntl, which is async-signal-safe.
        unsafe {
            cmd.pre_exec(move || match libc::fcntl(fd, libc::F_SETFD, 0) {
                -1 => Err(std::io::Error::last_os_error()),
                _ => Ok(()),
            });
        }
    }

    /// Unit `unit`'s operations on the shared pages.
    pub fn update(&self, unit: u64, p: &ContentionParams) {
        let s = self.shared();
        let ops = p.updates;
        match p.sync {
            SyncKind::Atomic => (0..ops).for_each(|_| {
                s.counter.0.fetch_add(1, Relaxed);
            }),
            SyncKind::Sharded => {
                let own = &s.shards[unit as usize % SHARDS].0;
                (0..ops).for_each(|_| {
                    own.fetch_add(1, Relaxed);
                })
            }
            SyncKind::Unguarded => (0..ops).for_each(|_| unguarded(&s.counter.0)),
            SyncKind::Mutex => (0..ops).for_each(|_| {
                // SAFETY: a process-shared mutex initialised by the case process before any worker
                // started; every lock is paired with its unlock on this thread.
                unsafe {
                    check(libc::pthread_mutex_lock(s.mutex.0.get()));
                    unguarded(&s.counter.0);
                    check(libc::pthread_mutex_unlock(s.mutex.0.get()));
                }
            }),
            SyncKind::Rwlock => {
                let rw = s.rwlock.0.get();
                for op in 0..ops {
                    // SAFETY: as the mutex's.
                    unsafe {
                        match p.reads(op) {
                            true => {
                                check(libc::pthread_rwlock_rdlock(rw));
                                std::hint::black_box(s.counter.0.load(Relaxed));
                            }
                            false => {
                                check(libc::pthread_rwlock_wrlock(rw));
                                unguarded(&s.counter.0);
                            }
                        }
                        check(libc::pthread_rwlock_unlock(rw));
                    }
                }
            }
            SyncKind::TokioMutex | SyncKind::Channel => {
                unreachable!("refused before a worker is built (Contention::new)")
            }
        }
    }

    /// The count now: the counter and every shard.
    pub fn count(&self) -> u64 {
        let s = self.shared();
        s.counter.0.load(Relaxed) + s.shards.iter().map(|l| l.0.load(Relaxed)).sum::<u64>()
    }
}

/// A pthread call that failed leaves the count unguarded: the task fails (a panic) instead.
fn check(rc: libc::c_int) {
    assert_eq!(
        rc,
        0,
        "contention: a process-shared lock failed: {}",
        std::io::Error::from_raw_os_error(rc)
    );
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `map`, unmapped once; the descriptor closes with `fd`.
        unsafe { libc::munmap(self.shared.as_ptr().cast(), SIZE) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sync_that_crosses_processes_counts_in_the_mapping() {
        for sync in SyncKind::ALL.into_iter().filter(|s| s.crosses_processes()) {
            let m = Mapping::create().unwrap();
            let p = ContentionParams::new(sync, 1_000);
            std::thread::scope(|s| {
                for unit in 0..2 {
                    let (m, p) = (&m, &p);
                    s.spawn(move || m.update(unit, p));
                }
            });
            let want = 2 * p.per_unit();
            match sync {
                SyncKind::Unguarded => assert!(m.count() <= want, "{sync}"),
                _ => assert_eq!(m.count(), want, "{sync}"),
            }
        }
    }
}
