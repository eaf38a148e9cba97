//! The shared-memory transport: two bounded single-producer, single-consumer rings (one each way) in
//! one memfd mapping that both processes map. Each ring is a head (words ever written, advanced only
//! by its producer), a tail (words ever read, advanced only by its consumer), each on a cache line of
//! its own, and a data area of [`CAPACITY`] words; a message is copied in as far as there is room,
//! the head published with Release, and the consumer, having read the head with Acquire, copies out
//! and publishes its tail with Release — which the producer reads with Acquire before reusing room.
//!
//! Why it is sound. The only `unsafe` is what a shared mapping needs: creating the memfd, `mmap` and
//! `munmap`, and making one `&[AtomicU64]` of the mapping. That slice is valid for as long as
//! [`Mapping`] lives (the rings borrow it), its start is page-aligned so every `AtomicU64` is aligned,
//! and every access this process ever makes to the mapping — heads, tails and message bytes alike — is
//! an atomic load or store through it, never a plain `&[u8]`. So another process writing the same
//! memory at the same time is, in Rust's model, atomics racing with atomics: no undefined behaviour
//! whatever the peer does. A peer that broke the protocol could only make us read wrong bytes or wait,
//! and every message is checked against its expected pattern; a wait ends when the peer's end of the
//! doorbell socket closes (see [`Doorbell`]: a side that finds no room or data spins briefly, then
//! sleeps on it), and the peer dies with us (PR_SET_PDEATHSIG). Message
//! bytes move by Relaxed word stores and loads, ordered by the Release/Acquire on head and tail; the
//! price is a copy one word at a time rather than `memcpy`'s vector moves, which the ipc section's
//! table shows beside memcpy.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Words of data per direction: 4 MiB, so a 1 MiB message fits four times over.
pub const CAPACITY: usize = 512 * 1024;
/// A ring's header: head at word 0, tail at word 8 (64-byte cache lines apart), data from word 16.
const HEADER: usize = 16;
const RING: usize = HEADER + CAPACITY;
/// The mapping: each process's sleeping flag (the creator's at word 0, the peer's at word 8), then
/// the two rings.
const BYTES: usize = (HEADER + 2 * RING) * 8;
/// How long a test's wait for room or data may last.
const DEADLINE: Duration = Duration::from_secs(10);

/// A shared mapping of a memfd, unmapped when dropped.
pub struct Mapping {
    ptr: *mut libc::c_void,
    len: usize,
}

// SAFETY: the mapping is only ever reached through `&[AtomicU64]`, which is Sync.
unsafe impl Send for Mapping {}

impl Mapping {
    /// A new memfd sized for both rings (zeroed by the kernel: heads and tails start at 0), and its fd
    /// to hand to the peer.
    pub fn create() -> io::Result<(Mapping, OwnedFd)> {
        // SAFETY: a NUL-terminated name and valid flags; the fd returned is ours alone.
        let fd = unsafe { libc::memfd_create(c"concbench-ipc".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd was just returned open by memfd_create and nothing else owns it.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let file = File::from(fd);
        file.set_len(BYTES as u64)?;
        let fd = OwnedFd::from(file);
        Ok((Mapping::map(&fd)?, fd))
    }

    /// Map the memfd a peer was given (sized by its creator).
    pub fn map(fd: &OwnedFd) -> io::Result<Mapping> {
        let len = File::from(fd.try_clone()?).metadata()?.len() as usize;
        if len != BYTES {
            return Err(io::Error::other(format!(
                "the shared memory is {len} bytes, not {BYTES}"
            )));
        }
        // SAFETY: a fresh shared mapping of an fd we hold open, at an address the kernel picks.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(Mapping { ptr, len })
    }

    fn words(&self) -> &[AtomicU64] {
        // SAFETY: see the module's note: page-aligned, `len` bytes mapped until drop, and only ever
        // accessed atomically by this process.
        unsafe { std::slice::from_raw_parts(self.ptr as *const AtomicU64, self.len / 8) }
    }

    /// The two rings: (the creator's sending ring, the creator's receiving ring). The peer swaps them.
    pub fn rings(&self) -> (Ring<'_>, Ring<'_>) {
        let (a, b) = self.words()[HEADER..].split_at(RING);
        (Ring::new(a), Ring::new(b))
    }

    /// The sleeping flags: (the creator's, the peer's).
    pub fn flags(&self) -> (&AtomicU64, &AtomicU64) {
        let w = self.words();
        (&w[0], &w[8])
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `map`; every borrow of it (the rings) has ended.
        unsafe { libc::munmap(self.ptr, self.len) };
    }
}

/// One direction: a bounded byte stream of whole words.
pub struct Ring<'a> {
    head: &'a AtomicU64,
    tail: &'a AtomicU64,
    data: &'a [AtomicU64],
}

impl<'a> Ring<'a> {
    fn new(words: &'a [AtomicU64]) -> Ring<'a> {
        Ring {
            head: &words[0],
            tail: &words[8],
            data: &words[HEADER..],
        }
    }

    fn has_room(&self) -> bool {
        self.head.load(Ordering::SeqCst) - self.tail.load(Ordering::SeqCst) < CAPACITY as u64
    }

    fn has_data(&self) -> bool {
        self.head.load(Ordering::SeqCst) > self.tail.load(Ordering::SeqCst)
    }

    /// Copy `bytes` (a whole number of words) in, waiting for room as the consumer frees it.
    pub fn write(&self, bytes: &[u8], waiter: &mut dyn Waiter) -> io::Result<()> {
        let mut words = whole_words(bytes)?.map(|w| u64::from_ne_bytes(w.try_into().unwrap()));
        let mut left = bytes.len() / 8;
        while left > 0 {
            let head = self.head.load(Ordering::Relaxed);
            let free = CAPACITY - (head - self.tail.load(Ordering::Acquire)) as usize;
            if free == 0 {
                waiter.wait(&|| self.has_room(), "room in the shared ring")?;
                continue;
            }
            let n = free.min(left);
            for i in 0..n {
                // A contiguous run up to the end of the area, then from its start.
                let slot = (head as usize + i) % CAPACITY;
                self.data[slot].store(words.next().unwrap(), Ordering::Relaxed);
            }
            self.head.store(head + n as u64, Ordering::Release);
            left -= n;
            waiter.progressed()?;
        }
        Ok(())
    }

    /// Fill `buf` (a whole number of words) from the ring, waiting for the producer.
    pub fn read(&self, buf: &mut [u8], waiter: &mut dyn Waiter) -> io::Result<()> {
        let mut left = buf.len() / 8;
        let mut out = whole_words_mut(buf)?;
        while left > 0 {
            let tail = self.tail.load(Ordering::Relaxed);
            let ready = (self.head.load(Ordering::Acquire) - tail) as usize;
            if ready == 0 {
                waiter.wait(&|| self.has_data(), "a message in the shared ring")?;
                continue;
            }
            let n = ready.min(left);
            for i in 0..n {
                let slot = (tail as usize + i) % CAPACITY;
                out.next()
                    .unwrap()
                    .copy_from_slice(&self.data[slot].load(Ordering::Relaxed).to_ne_bytes());
            }
            self.tail.store(tail + n as u64, Ordering::Release);
            left -= n;
            waiter.progressed()?;
        }
        Ok(())
    }
}

fn whole_words(bytes: &[u8]) -> io::Result<std::slice::ChunksExact<'_, u8>> {
    if !bytes.len().is_multiple_of(8) {
        return Err(io::Error::other("the shared ring moves whole 8-byte words"));
    }
    Ok(bytes.chunks_exact(8))
}

fn whole_words_mut(buf: &mut [u8]) -> io::Result<std::slice::ChunksExactMut<'_, u8>> {
    if !buf.len().is_multiple_of(8) {
        return Err(io::Error::other("the shared ring moves whole 8-byte words"));
    }
    Ok(buf.chunks_exact_mut(8))
}

/// How a ring waits for room or data, and tells the other side it made some.
pub trait Waiter {
    /// Return once `ready()` may hold (the ring looks again), or fail when the peer is gone.
    fn wait(&mut self, ready: &dyn Fn() -> bool, what: &str) -> io::Result<()>;
    /// Data went in or room was freed: wake the other side if it sleeps.
    fn progressed(&mut self) -> io::Result<()>;
}

/// Spins briefly before sleeping: a message in flight is microseconds away, and a sleep costs a wake-up.
const SPINS: u32 = 2000;

/// Waiting between two processes without a futex (which would be more `unsafe`): spin a little, then
/// raise our sleeping flag in the mapping, look once more, and block on a Unix socket the other side
/// writes a byte to when it makes progress and finds our flag raised. Flag and ring are each stored
/// then the other's loaded across a SeqCst fence on both sides, so either the sleeper sees the
/// progress or the other side sees the flag: no lost wake-up. A byte can arrive after we stopped
/// waiting; it only makes a later wait look again. The socket closing means the peer died.
pub struct Doorbell<'a> {
    pub mine: &'a AtomicU64,
    pub theirs: &'a AtomicU64,
    pub bell: &'a std::os::unix::net::UnixStream,
}

impl Waiter for Doorbell<'_> {
    fn wait(&mut self, ready: &dyn Fn() -> bool, what: &str) -> io::Result<()> {
        for _ in 0..SPINS {
            if ready() {
                return Ok(());
            }
            std::hint::spin_loop();
        }
        self.mine.store(1, Ordering::SeqCst);
        std::sync::atomic::fence(Ordering::SeqCst);
        if !ready() {
            let mut bytes = [0u8; 64];
            if io::Read::read(&mut self.bell, &mut bytes)? == 0 {
                self.mine.store(0, Ordering::SeqCst);
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("waiting for {what}: the peer is gone"),
                ));
            }
        }
        self.mine.store(0, Ordering::SeqCst);
        Ok(())
    }

    fn progressed(&mut self) -> io::Result<()> {
        std::sync::atomic::fence(Ordering::SeqCst);
        if self.theirs.load(Ordering::SeqCst) == 1 && self.theirs.swap(0, Ordering::SeqCst) == 1 {
            io::Write::write_all(&mut self.bell, &[1])?;
        }
        Ok(())
    }
}

/// Waiting on another thread of this process (the tests): spin, then yield, with a deadline.
pub struct Spinner;

impl Waiter for Spinner {
    fn wait(&mut self, ready: &dyn Fn() -> bool, what: &str) -> io::Result<()> {
        let started = Instant::now();
        while !ready() {
            if started.elapsed() > DEADLINE {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("waited {DEADLINE:?} for {what}"),
                ));
            }
            std::thread::yield_now();
        }
        Ok(())
    }

    fn progressed(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_carries_messages_larger_than_itself_intact_between_threads() {
        let (mapping, _fd) = Mapping::create().unwrap();
        // One ring, its producer on one thread and its consumer on this one.
        let (ring, _) = mapping.rings();
        let big: Vec<u8> = (0..CAPACITY * 8 * 2 + 64)
            .map(|i| (i % 253) as u8)
            .collect();
        std::thread::scope(|s| {
            s.spawn(|| {
                for _ in 0..3 {
                    ring.write(&big, &mut Spinner).unwrap();
                }
            });
            let mut got = vec![0u8; big.len()];
            for _ in 0..3 {
                ring.read(&mut got, &mut Spinner).unwrap();
                assert!(got == big);
            }
        });
    }

    #[test]
    fn a_ring_refuses_a_message_that_is_not_whole_words() {
        let (mapping, _fd) = Mapping::create().unwrap();
        let (to, _) = mapping.rings();
        assert!(to.write(&[1, 2, 3], &mut Spinner).is_err());
    }
}
