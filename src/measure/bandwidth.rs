//! The floors of moving data on this machine, measured once per run that moves data (payload): a
//! `memcpy` of 64 MiB in one thread, and 64 MiB through a pipe to a reader on another thread in
//! 1 MiB writes (the kernel copies each byte into its buffer and out again, as between a process
//! pool and its workers). Each is the best of a few passes: a floor is what the machine can do, and
//! on a shared machine a pass only ever comes out slower than that.

use crate::results::DataFloors;
use std::hint::black_box;
use std::io::{Read, Write};
use std::time::Instant;

const BYTES: usize = 64 << 20;
const CHUNK: usize = 1 << 20;
const PASSES: usize = 3;

/// Both floors, in nanoseconds per byte.
pub fn floors() -> std::io::Result<DataFloors> {
    Ok(DataFloors {
        memcpy_ns_per_byte: best(memcpy_pass)?,
        pipe_ns_per_byte: best(pipe_pass)?,
    })
}

fn best(pass: fn(&[u8]) -> std::io::Result<f64>) -> std::io::Result<f64> {
    // Touched before timing, so page faults are not a copy's cost.
    let data = vec![0x5au8; BYTES];
    let mut fastest = f64::INFINITY;
    for _ in 0..PASSES {
        fastest = fastest.min(pass(&data)?);
    }
    Ok(fastest * 1e9 / BYTES as f64)
}

/// Seconds to copy `data` into a buffer already touched.
fn memcpy_pass(data: &[u8]) -> std::io::Result<f64> {
    // Not zeroes: a zeroed allocation maps its pages on first write, inside the timing.
    let mut to = vec![0xa5u8; data.len()];
    let t = Instant::now();
    to.copy_from_slice(black_box(data));
    black_box(&to);
    Ok(t.elapsed().as_secs_f64())
}

/// Seconds to write `data` through a pipe and read it on another thread.
fn pipe_pass(data: &[u8]) -> std::io::Result<f64> {
    let (mut reader, mut writer) = std::io::pipe()?;
    let len = data.len();
    let t = Instant::now();
    let read = std::thread::spawn(move || -> std::io::Result<usize> {
        let mut buf = vec![0u8; CHUNK];
        let mut got = 0;
        while got < len {
            match reader.read(&mut buf)? {
                0 => break,
                n => got += n,
            }
        }
        Ok(got)
    });
    for chunk in data.chunks(CHUNK) {
        writer.write_all(chunk)?;
    }
    drop(writer);
    let got = read.join().expect("the reader does not panic")?;
    let took = t.elapsed().as_secs_f64();
    if got != len {
        return Err(std::io::Error::other(format!(
            "the pipe gave {got} of {len} bytes"
        )));
    }
    Ok(took)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_floors_are_positive_and_a_pipe_is_no_faster_than_memory() {
        // On a machine busy with other builds a pass of either can lose its core for longer than
        // the pass takes; the best of a few runs is the floor each claims to be.
        let runs: Vec<_> = (0..4).map(|_| super::floors().unwrap()).collect();
        let memcpy = runs
            .iter()
            .map(|f| f.memcpy_ns_per_byte)
            .fold(f64::INFINITY, f64::min);
        let pipe = runs
            .iter()
            .map(|f| f.pipe_ns_per_byte)
            .fold(f64::INFINITY, f64::min);
        assert!(memcpy > 0.0 && memcpy.is_finite());
        // A pipe copies each byte twice, through the kernel: never faster than one copy.
        assert!(pipe > memcpy, "memcpy {memcpy} ns/B, pipe {pipe} ns/B");
    }
}
