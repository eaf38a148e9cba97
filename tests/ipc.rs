//! `concbench ipc`: every transport moves every size intact and in order (the measurement fails
//! otherwise), its peer is reaped before the measurement returns, and the rates it reports are
//! positive and finite — no speed asserted. A peer handed a message out of pattern says so with its
//! exit code, so the check is not one that can only pass.

use concbench::ipc::{measure, Budget, Transport, SIZES};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_concbench"))
}

fn small() -> Budget {
    Budget {
        time: Duration::from_millis(20),
        round_trips: 50,
        messages: 200,
        bytes: 8 << 20,
    }
}

#[test]
fn every_transport_moves_every_size_intact_and_its_peer_is_gone_after() {
    for t in Transport::ALL {
        for size in SIZES {
            let m =
                measure(exe(), t, size, &small()).unwrap_or_else(|e| panic!("{t} {size}: {e:#}"));
            assert!(m.round_trips > 0 && m.streamed > 0, "{t} {size}: {m:?}");
            let mb = m.mb_per_s();
            assert!(mb.is_finite() && mb > 0.0, "{t} {size}: {mb} MB/s");
            assert!(
                m.rtt_p50 > Duration::ZERO && m.rtt_p50 <= m.rtt_p99,
                "{m:?}"
            );
            // Reaped, not a zombie: its /proc entry is gone.
            assert!(
                !Path::new(&format!("/proc/{}", m.peer_pid)).exists(),
                "{t} {size}: peer {} still there",
                m.peer_pid
            );
        }
    }
}

#[test]
fn a_peer_handed_a_message_out_of_pattern_says_so() {
    let mut child = Command::new(exe())
        .args(["__ipc", "pipe", "64"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut to = child.stdin.take().unwrap();
    // Echo one message: the header (op 1, count 1), then 64 zero bytes, which no pattern is.
    let mut header = [0u8; 16];
    header[0] = 1;
    header[8] = 1;
    to.write_all(&header).unwrap();
    to.write_all(&[0u8; 64]).unwrap();
    let mut back = [1u8; 64];
    child.stdout.take().unwrap().read_exact(&mut back).unwrap();
    assert_eq!(back, [0u8; 64], "echoed as it came");
    drop(to);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("arrived changed"));
}

#[test]
fn the_command_prints_a_row_per_transport_and_size_and_refuses_bad_sizes() {
    let out = Command::new(exe())
        .args(["ipc", "--time", "10ms", "--sizes", "64,4096"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    for t in Transport::ALL {
        let rows = text
            .lines()
            .filter(|l| l.split_whitespace().next() == Some(t.name()))
            .count();
        assert_eq!(rows, 2, "{t}:\n{text}");
    }
    assert!(text.contains("memcpy"), "{text}");
    let bad = Command::new(exe())
        .args(["ipc", "--sizes", "100"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
}
