//! The server's side of the harness's ledger: when a request asks for it (`X-Concbench-Ledger`), its
//! answer says which worker served it and when, on CLOCK_MONOTONIC — the clock the measured client
//! reads too, since both run on one machine — so the client's time line can tell waiting in the
//! listen backlog (connected, not yet accepted) from being served. A request that does not ask (a
//! load tool, gunicorn's clients) gets the same answer as before, byte for byte.

/// The request header that asks for stamps (any value).
pub const ASK_HEADER: &str = "x-concbench-ledger";
/// The answer's header: `<worker> <accepted_ns> <read_ns> <replied_ns>`.
pub const STAMP_HEADER: &str = "x-concbench-served";

/// CLOCK_MONOTONIC now, nanoseconds.
pub fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid pointer to a timespec; CLOCK_MONOTONIC always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// What the server saw of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stamp {
    /// The worker that served it (worker mode, 0..W); 0 in unbounded mode, where none is held.
    pub worker: u32,
    /// accept() returned its connection: before this it waited in the listen backlog.
    pub accepted_ns: u64,
    /// Its request was read whole: serving begins.
    pub read_ns: u64,
    /// Its hold was over and the answer began to be written.
    pub replied_ns: u64,
}

impl Stamp {
    /// The header's value.
    pub fn header_value(&self) -> String {
        format!(
            "{} {} {} {}",
            self.worker, self.accepted_ns, self.read_ns, self.replied_ns
        )
    }

    /// A header value back into a stamp; None unless it is four numbers.
    pub fn parse(value: &str) -> Option<Stamp> {
        let mut n = value.split_ascii_whitespace();
        let stamp = Stamp {
            worker: n.next()?.parse().ok()?,
            accepted_ns: n.next()?.parse().ok()?,
            read_ns: n.next()?.parse().ok()?,
            replied_ns: n.next()?.parse().ok()?,
        };
        n.next().is_none().then_some(stamp)
    }
}

/// Whether a request's headers ask for stamps.
pub fn asked<'a>(headers: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> bool {
    headers
        .into_iter()
        .any(|(name, _)| name.eq_ignore_ascii_case(ASK_HEADER))
}

/// Where one connection's request was taken up: its worker and when it was accepted. The request's
/// read and reply times are added as they happen.
#[derive(Debug, Clone, Copy)]
pub struct Accepted {
    pub worker: u32,
    pub at_ns: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_survives_its_header() {
        let s = Stamp {
            worker: 2,
            accepted_ns: 10,
            read_ns: 20,
            replied_ns: 1_000_000_030,
        };
        assert_eq!(Stamp::parse(&s.header_value()), Some(s));
        assert_eq!(Stamp::parse("1 2 3"), None);
        assert_eq!(Stamp::parse("1 2 3 4 5"), None);
        assert_eq!(Stamp::parse("a 2 3 4"), None);
    }

    #[test]
    fn only_the_ask_header_asks() {
        assert!(asked([("X-Concbench-Ledger", &b"1"[..])]));
        assert!(!asked([("X-Task", &b"1"[..])]));
    }
}
