//! How many more threads this process can start before the kernel refuses one. On Linux every thread
//! std starts takes four memory mappings — its stack and its signal stack, each with a guard page — and
//! `vm.max_map_count` (65,530 by default) bounds a process's mappings, so near 16,000 threads the
//! kernel refuses the next mmap. std does not return that refusal from `spawn`: the new thread panics
//! setting up its signal stack, and the whole process aborts. So a model or program that starts
//! threads until the OS refuses asks here first, and stops where the kernel would refuse, with the
//! kernel's limit as the reason, rather than crash. (The other limit, pid_max, `spawn` does return.)

/// Mappings a std thread takes: stack + guard page, signal stack + guard page (an upper bound:
/// adjacent mappings of the same protection may merge).
pub const MAPS_PER_THREAD: usize = 4;

/// Mappings kept free for what the process maps besides the threads (allocator arenas, a growing
/// vector of handles, the runtime's files).
pub const RESERVE: usize = 256;

/// The room left, read once before starting threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    /// vm.max_map_count.
    pub limit: usize,
    /// Mappings the process holds now.
    pub used: usize,
}

impl Room {
    /// Read the limit and this process's mappings; None where they cannot be read (not Linux).
    pub fn now() -> Option<Room> {
        let limit = std::fs::read_to_string("/proc/sys/vm/max_map_count")
            .ok()?
            .trim()
            .parse()
            .ok()?;
        let used = std::fs::read_to_string("/proc/self/maps")
            .ok()?
            .lines()
            .count();
        Some(Room { limit, used })
    }

    /// Threads that can still start.
    pub fn threads(&self) -> usize {
        self.limit.saturating_sub(self.used + RESERVE) / MAPS_PER_THREAD
    }

    /// Why thread `next` (1-based) is not started, in words.
    pub fn refusal(&self, next: usize) -> String {
        format!(
            "the kernel would refuse thread {next}: vm.max_map_count is {} and a thread takes \
             {MAPS_PER_THREAD} memory mappings (std aborts the process on that refusal, so it is \
             not asked)",
            self.limit
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_room_is_the_free_mappings_over_four() {
        let room = Room {
            limit: 65_530,
            used: 40,
        };
        assert_eq!(room.threads(), (65_530 - 40 - RESERVE) / 4);
        assert_eq!(
            Room {
                limit: 100,
                used: 90
            }
            .threads(),
            0
        );
        assert!(room
            .refusal(16_309)
            .contains("thread 16309: vm.max_map_count is 65530"));
        assert!(Room::now().is_some_and(|r| r.limit > 0 && r.used > 0));
    }
}
