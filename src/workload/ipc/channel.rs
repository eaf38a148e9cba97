//! One end of a transport as both processes use it: send a message, receive one of a known length.
//! The byte streams (a pipe pair, a Unix socket, TCP) write and read the message as it is; the
//! serialised queue frames it the way `multiprocessing.Queue` does (a length, then the bytes, built
//! into a fresh buffer on the way in and copied out of a fresh one on the way out: what pickling
//! bytes costs); the shared-memory rings copy it through the mapping.

use super::ring::{Doorbell, Mapping, Ring};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;

/// A process's end of a transport.
pub trait Channel {
    /// Send `msg` whole.
    fn send(&mut self, msg: &[u8]) -> io::Result<()>;
    /// Receive exactly `buf.len()` bytes of message (a frame of another length is an error).
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<()>;
}

/// A byte stream: a file for each direction (a pipe's two ends, or one socket twice).
pub struct Stream {
    pub from: File,
    pub to: File,
}

impl Channel for Stream {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        self.to.write_all(msg)
    }

    fn recv(&mut self, buf: &mut [u8]) -> io::Result<()> {
        self.from.read_exact(buf)
    }
}

/// Length-prefixed frames over a stream: the multiprocessing.Queue shape.
pub struct Framed(pub Stream);

impl Channel for Framed {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        let len = u32::try_from(msg.len()).map_err(|_| io::Error::other("a frame over 4 GiB"))?;
        let mut frame = Vec::with_capacity(4 + msg.len());
        frame.extend_from_slice(&len.to_le_bytes());
        frame.extend_from_slice(msg);
        self.0.to.write_all(&frame)
    }

    fn recv(&mut self, buf: &mut [u8]) -> io::Result<()> {
        let mut len = [0u8; 4];
        self.0.from.read_exact(&mut len)?;
        let len = u32::from_le_bytes(len) as usize;
        if len != buf.len() {
            return Err(io::Error::other(format!(
                "a frame of {len} bytes where {} were expected",
                buf.len()
            )));
        }
        let mut body = vec![0u8; len];
        self.0.from.read_exact(&mut body)?;
        buf.copy_from_slice(&body);
        Ok(())
    }
}

/// Two rings in a shared mapping; `creator`: this is the process that made it (it sends on the
/// first ring, the peer on the second).
pub struct Shared {
    pub mapping: Mapping,
    pub creator: bool,
    /// The doorbell a side rings when the other sleeps (see [`super::ring::Doorbell`]).
    pub bell: UnixStream,
}

impl Shared {
    fn parts(&self) -> (Ring<'_>, Ring<'_>, Doorbell<'_>) {
        let (a, b) = self.mapping.rings();
        let (c, p) = self.mapping.flags();
        let (send, recv, mine, theirs) = match self.creator {
            true => (a, b, c, p),
            false => (b, a, p, c),
        };
        let bell = Doorbell {
            mine,
            theirs,
            bell: &self.bell,
        };
        (send, recv, bell)
    }
}

impl Channel for Shared {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        let (send, _, mut bell) = self.parts();
        send.write(msg, &mut bell)
    }

    fn recv(&mut self, buf: &mut [u8]) -> io::Result<()> {
        let (_, recv, mut bell) = self.parts();
        recv.read(buf, &mut bell)
    }
}
