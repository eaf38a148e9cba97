//! One end of a transport as both processes use it: send a message, receive one of a known length.
//! The byte streams (a pipe pair, a Unix socket, TCP) write and read the message as it is; the
//! serialised queue frames it the way `multiprocessing.Queue` does (a length, then the bytes, built
//! into a fresh buffer on the way in and copied out of a fresh one on the way out: what pickling
//! bytes costs); the shared-memory rings copy it through the mapping.

use super::ring::Mapping;
use std::fs::File;
use std::io::{self, Read, Write};

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
}

impl Channel for Shared {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        let (a, b) = self.mapping.rings();
        if self.creator { a } else { b }.write(msg)
    }

    fn recv(&mut self, buf: &mut [u8]) -> io::Result<()> {
        let (a, b) = self.mapping.rings();
        if self.creator { b } else { a }.read(buf)
    }
}
