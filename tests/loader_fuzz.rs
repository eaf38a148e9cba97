//! The result-file loader against hostile input: arbitrary bytes, every truncation of a real file, and
//! random corruptions must give an error that says what is wrong — never a panic. Run longer with
//! `PROPTEST_CASES=200000 cargo test --release --test loader_fuzz`.

mod common;

use concbench::results::ResultFile;
use proptest::prelude::*;
use std::sync::OnceLock;

/// A real result file, written once by a tiny run of the binary.
fn real_file() -> &'static [u8] {
    static FILE: OnceLock<Vec<u8>> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = common::tmpdir("real");
        let path = dir.join("run.json");
        let args = [
            "--workload",
            "sleep",
            "--model",
            "sequential",
            "--tasks",
            "2",
            "--delay",
            "1ms",
            "--repeat",
            "2",
        ];
        common::run_ok(&args, &path);
        let bytes = std::fs::read(&path).unwrap();
        let _ = std::fs::remove_dir_all(dir);
        bytes
    })
}

#[test]
fn the_real_file_parses() {
    let file = ResultFile::parse(real_file()).unwrap();
    assert_eq!(file.cases.len(), 1);
}

#[test]
fn known_bad_inputs_say_what_is_wrong() {
    let mut doc: serde_json::Value = serde_json::from_slice(real_file()).unwrap();
    doc["schema_version"] = 999.into();
    let newer = doc.to_string();
    let cases: [(&[u8], &str); 5] = [
        (b"", "empty"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (b"{\"cases\": [", "JSON"),
        (b"[1, 2, 3]", "schema_version"),
        (newer.as_bytes(), "newer"),
    ];
    for (bytes, expect) in cases {
        let err = ResultFile::parse(bytes).unwrap_err().to_string();
        assert!(err.contains(expect), "{expect}: {err}");
    }
    let missing =
        String::from_utf8(real_file().to_vec())
            .unwrap()
            .replacen("\"suite\"", "\"suit\"", 1);
    let err = ResultFile::parse(missing.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("suite"), "names the field: {err}");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = ResultFile::parse(&bytes);
    }

    #[test]
    fn every_truncation_is_an_error(cut in 0usize..100_000) {
        let real = real_file();
        let cut = cut % real.len();
        prop_assert!(ResultFile::parse(&real[..cut]).is_err());
    }

    #[test]
    fn corruptions_never_panic(at in 0usize..100_000, byte in any::<u8>()) {
        let mut bytes = real_file().to_vec();
        let at = at % bytes.len();
        bytes[at] = byte;
        let _ = ResultFile::parse(&bytes);
    }
}
