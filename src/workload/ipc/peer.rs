//! The other process of a pair: `concbench __ipc <transport> <size>`, its end of the transport on
//! stdin/stdout (both ends of a socket, or of two pipes; the memfd on stdin and the doorbell socket on
//! stdout for shared memory). It obeys the parent's commands until told to exit or its input closes:
//! echo n messages back as they come (checking each after it is on its way back, so the check is not
//! in the round trip), or take n and answer how many were intact and in order, and what the first
//! wrong one was. A wrong message on an echo ends it with an exit code naming the failure, which the
//! parent reports.

use super::channel::{Channel, Framed, Shared, Stream};
use super::message::Messages;
use super::pair::{kind_code, ECHO, EXIT, EXIT_CORRUPT, EXIT_REORDERED, SINK};
use super::Transport;
use crate::names::FailureKind;
use std::fs::File;
use std::io::{self, ErrorKind};
use std::os::fd::AsFd;

/// Entry point of `concbench __ipc`; returns the exit code.
pub fn peer_main() -> i32 {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let parsed = match args.as_slice() {
        [t, s] => t.parse::<Transport>().ok().zip(s.parse::<usize>().ok()),
        _ => None,
    };
    let Some((transport, size)) = parsed else {
        eprintln!("concbench __ipc: expected <transport> <size>, got {args:?}");
        return 2;
    };
    match serve(transport, size) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("concbench __ipc {transport} {size}: {e}");
            2
        }
    }
}

fn serve(transport: Transport, size: usize) -> io::Result<i32> {
    let stdin = io::stdin().as_fd().try_clone_to_owned()?;
    let stdout = io::stdout().as_fd().try_clone_to_owned()?;
    let mut chan: Box<dyn Channel> = match transport {
        Transport::Shm => Box::new(Shared {
            mapping: super::ring::Mapping::map(&stdin)?,
            creator: false,
            bell: std::os::unix::net::UnixStream::from(stdout),
        }),
        Transport::Pipe | Transport::Unix | Transport::Tcp | Transport::Queue => {
            let pipes = Stream {
                from: File::from(stdin),
                to: File::from(stdout),
            };
            match transport {
                Transport::Queue => Box::new(Framed(pipes)),
                _ => Box::new(pipes),
            }
        }
        python => {
            eprintln!("concbench __ipc: {python} is Python's transport");
            return Ok(2);
        }
    };
    let msgs = Messages::new(size);
    let mut buf = vec![0u8; size];
    let mut seq = 0u64;
    loop {
        let mut header = [0u8; 16];
        match chan.recv(&mut header) {
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(0),
            r => r?,
        }
        let op = u64::from_le_bytes(header[..8].try_into().expect("8 bytes"));
        let n = u64::from_le_bytes(header[8..].try_into().expect("8 bytes"));
        match op {
            EXIT => return Ok(0),
            ECHO => {
                for _ in 0..n {
                    chan.recv(&mut buf)?;
                    chan.send(&buf)?;
                    if let Err(kind) = msgs.check(seq, &buf) {
                        eprintln!("concbench __ipc {transport}: message {seq} arrived {kind}");
                        return Ok(match kind {
                            FailureKind::Reordered => EXIT_REORDERED,
                            _ => EXIT_CORRUPT,
                        });
                    }
                    seq += 1;
                }
            }
            SINK => {
                let mut intact = 0u64;
                let mut first = None;
                for _ in 0..n {
                    chan.recv(&mut buf)?;
                    match msgs.check(seq, &buf) {
                        Ok(()) => intact += 1,
                        Err(kind) => first = first.or(Some(kind)),
                    }
                    seq += 1;
                }
                let mut ack = [0u8; 16];
                ack[..8].copy_from_slice(&intact.to_le_bytes());
                ack[8..].copy_from_slice(&kind_code(first).to_le_bytes());
                chan.send(&ack)?;
            }
            other => {
                eprintln!("concbench __ipc: unknown command {other}");
                return Ok(2);
            }
        }
    }
}
