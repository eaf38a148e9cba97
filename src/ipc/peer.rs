//! The other process of `concbench ipc`: `concbench __ipc <transport> <size>`, its end of the
//! transport on stdin/stdout (both ends of a socket, or of two pipes; the memfd on stdin for shared
//! memory). It obeys the parent's commands until told to exit or its input closes: echo n messages
//! back as they come (checking each after it is on its way back, so the check is not in the round
//! trip), or take n and answer how many were intact and in order. A message out of pattern on an echo
//! ends it with exit code 3, which the parent reports.

use super::channel::{Channel, Framed, Shared, Stream};
use super::{Messages, Transport, ECHO, EXIT, SINK};
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
    let mut chan: Box<dyn Channel> = match transport {
        Transport::Shm => Box::new(Shared {
            mapping: super::ring::Mapping::map(&stdin)?,
            creator: false,
            bell: std::os::unix::net::UnixStream::from(io::stdout().as_fd().try_clone_to_owned()?),
        }),
        _ => {
            let pipes = Stream {
                from: File::from(stdin),
                to: File::from(io::stdout().as_fd().try_clone_to_owned()?),
            };
            match transport {
                Transport::Queue => Box::new(Framed(pipes)),
                _ => Box::new(pipes),
            }
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
        let op = u64::from_le_bytes(header[..8].try_into().unwrap());
        let n = u64::from_le_bytes(header[8..].try_into().unwrap());
        match op {
            EXIT => return Ok(0),
            ECHO => {
                for _ in 0..n {
                    chan.recv(&mut buf)?;
                    chan.send(&buf)?;
                    if buf != msgs.get(seq) {
                        eprintln!("concbench __ipc {transport}: message {seq} arrived changed");
                        return Ok(3);
                    }
                    seq += 1;
                }
            }
            SINK => {
                let mut intact = 0u64;
                for _ in 0..n {
                    chan.recv(&mut buf)?;
                    intact += u64::from(buf == msgs.get(seq));
                    seq += 1;
                }
                chan.send(&intact.to_le_bytes())?;
            }
            other => {
                eprintln!("concbench __ipc: unknown command {other}");
                return Ok(2);
            }
        }
    }
}
