//! Loopback source addresses for the direct client. The kernel tells TCP connections apart by (source
//! address, source port, destination address, destination port); against the one address of the slow
//! server a client on one source address can only vary its port, over the ephemeral range (32768–60999:
//! 28,232 ports), so beyond ~28k connections at once `connect` fails with EADDRNOTAVAIL. Every 127.x
//! address is this machine, so binding each socket to one of 127.0.0.1, 127.0.0.2, ... before it
//! connects multiplies the ports by the number of addresses. How many: one per [`PER_SOURCE`]
//! connections, so a single address (no bind at all, exactly the plain connect) up to that.
//!
//! The bind asks for IP_BIND_ADDRESS_NO_PORT: a plain bind to port 0 would pick a port unique across
//! every destination at bind time, and the range would run out at the same ~28k; with the option the
//! kernel picks the port at connect, per destination, as it does without a bind.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Connections per source address: far below the 28,232 ports of the default range, because the
/// kernel's search for a free port (`__inet_hash_connect`, trying the even ports first, each in-use one
/// checked by `__inet_check_established`) grows with the ports already taken: with 20,000 per source,
/// half of a 50,000-request case's CPU went to those two functions (perf) and a third of its requests
/// failed; with 5,000 per source, neither (docs/scale.md gives the run). Below 5,000 connections one
/// source is all a case uses, so ordinary cases connect as before.
pub const PER_SOURCE: u64 = 5_000;
/// 127.0.0.1 to 127.0.0.254: addresses that need no configuration on any Linux loopback.
pub const MAX_SOURCES: usize = 254;

/// Source addresses for `connections` concurrent connections to one address, with `ports` ephemeral
/// ports per source: ⌈connections / per source⌉, at least 1, at most [`MAX_SOURCES`].
pub fn count_for(connections: u64, ports: u64) -> usize {
    let per_source = PER_SOURCE.min(ports * 3 / 4).max(1);
    (connections.div_ceil(per_source) as usize).clamp(1, MAX_SOURCES)
}

/// The source addresses of one client, handed out round robin, one per connection.
#[derive(Debug)]
pub struct Sources {
    /// Empty: let the kernel choose (one source, or a server that is not on IPv4 loopback).
    addrs: Box<[IpAddr]>,
    next: AtomicUsize,
}

impl Sources {
    /// `count` addresses 127.0.0.1, 127.0.0.2, ... for connections to `server`. Only a server on IPv4
    /// loopback can be reached from them; any other keeps the kernel's choice.
    pub fn new(count: usize, server: IpAddr) -> Sources {
        let spread = count > 1 && matches!(server, IpAddr::V4(v4) if v4.is_loopback());
        let addrs = if spread {
            (1..=count.min(MAX_SOURCES) as u8)
                .map(|i| IpAddr::V4(Ipv4Addr::new(127, 0, 0, i)))
                .collect()
        } else {
            Box::default()
        };
        Sources {
            addrs,
            next: AtomicUsize::new(0),
        }
    }

    /// Addresses used: 1 when the kernel chooses.
    pub fn len(&self) -> usize {
        self.addrs.len().max(1)
    }

    /// Never empty: a kernel choice counts as one source.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The source of the next connection, or None to let the kernel choose.
    pub(super) fn pick(&self) -> Option<IpAddr> {
        if self.addrs.is_empty() {
            return None;
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.addrs.len();
        Some(self.addrs[i])
    }

    /// A blocking connection to `to` within `timeout`, from the next source.
    pub fn connect_blocking(&self, to: SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
        let Some(from) = self.pick() else {
            return TcpStream::connect_timeout(&to, timeout);
        };
        let socket = socket2::Socket::new(
            socket2::Domain::for_address(to),
            socket2::Type::STREAM,
            Some(socket2::Protocol::TCP),
        )?;
        bind_no_port(&socket, from)?;
        socket.connect_timeout(&to.into(), timeout)?;
        Ok(socket.into())
    }

    /// An async connection to `to`, from the next source.
    pub async fn connect_async(&self, to: SocketAddr) -> io::Result<tokio::net::TcpStream> {
        let Some(from) = self.pick() else {
            return tokio::net::TcpStream::connect(to).await;
        };
        let socket = tokio::net::TcpSocket::new_v4()?;
        bind_no_port(&socket, from)?;
        socket.connect(to).await
    }
}

/// Bind `socket` to `addr` with the port left to connect (IP_BIND_ADDRESS_NO_PORT).
pub(super) fn bind_no_port<S: AsFd>(socket: &S, addr: IpAddr) -> io::Result<()> {
    let on: libc::c_int = 1;
    // SAFETY: setsockopt reads `on` for the given length; the descriptor is the caller's open socket.
    let set = unsafe {
        libc::setsockopt(
            socket.as_fd().as_raw_fd(),
            libc::IPPROTO_IP,
            libc::IP_BIND_ADDRESS_NO_PORT,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if set != 0 {
        return Err(io::Error::last_os_error());
    }
    socket2::SockRef::from(socket).bind(&SocketAddr::new(addr, 0).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_source_per_five_thousand_connections() {
        let ports = 28_232;
        assert_eq!(count_for(0, ports), 1);
        assert_eq!(count_for(5_000, ports), 1);
        assert_eq!(count_for(5_001, ports), 2);
        assert_eq!(count_for(15_000, ports), 3);
        assert_eq!(count_for(50_000, ports), 10);
        assert_eq!(count_for(100_000, ports), 20);
        // A narrow port range spreads sooner; never more addresses than loopback offers without setup.
        assert_eq!(count_for(3_000, 1_000), 4);
        assert_eq!(count_for(u64::MAX, ports), MAX_SOURCES);
    }

    #[test]
    fn round_robin_over_loopback_only() {
        let s = Sources::new(3, IpAddr::V4(Ipv4Addr::LOCALHOST));
        let picked: Vec<_> = (0..6).map(|_| s.pick().unwrap().to_string()).collect();
        assert_eq!(
            picked,
            [
                "127.0.0.1",
                "127.0.0.2",
                "127.0.0.3",
                "127.0.0.1",
                "127.0.0.2",
                "127.0.0.3"
            ]
        );
        assert_eq!(s.len(), 3);
        // One source, or a server these addresses cannot reach: the kernel chooses.
        assert_eq!(
            Sources::new(1, IpAddr::V4(Ipv4Addr::LOCALHOST)).pick(),
            None
        );
        assert_eq!(Sources::new(3, "::1".parse().unwrap()).pick(), None);
        assert_eq!(Sources::new(3, "192.0.2.1".parse().unwrap()).len(), 1);
    }
}
