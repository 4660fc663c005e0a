//! Runs every guest program case of tests/guests/cases.json with `wdb run` and compares stdout
//! and the exit code with what the same C source does when compiled natively.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn guests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/guests")
}

#[test]
fn guest_programs_match_native() {
    let dir = guests_dir();
    let cases: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in cases["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        for wasm in case["wasm"].as_array().unwrap() {
            let wasm = dir.join(wasm.as_str().unwrap());
            let tmp = tempdir(name);
            let mut cmd = Command::new(wdb_bin());
            cmd.arg("run");
            if let Some(guest) = case["preopen"].as_str() {
                cmd.arg(format!("--dir={}::{guest}", tmp.display()));
            }
            if let Some(env) = case["env"].as_object() {
                for (k, v) in env {
                    cmd.arg(format!("--env={k}={}", v.as_str().unwrap()));
                }
            }
            cmd.arg(&wasm);
            for a in case["args"].as_array().unwrap() {
                cmd.arg(a.as_str().unwrap());
            }
            let out = cmd.output().expect("run wdb");
            ran += 1;
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let label = format!("{name} ({})", wasm.file_name().unwrap().to_string_lossy());
            let expected =
                std::fs::read_to_string(dir.join(case["stdout"].as_str().unwrap())).unwrap();
            if stdout != expected {
                failures.push(format!("{label}: stdout differs\n--- expected\n{expected}\n--- got\n{stdout}\n--- stderr\n{stderr}"));
            }
            match case["trap"].as_str() {
                Some(trap) => {
                    if out.status.code() != Some(134)
                        || !stderr.contains(trap)
                        || !stderr.contains("wasm backtrace:")
                    {
                        failures.push(format!(
                            "{label}: expected trap \"{trap}\" (exit 134), got {:?}: {stderr}",
                            out.status.code()
                        ));
                    }
                }
                None => {
                    let code = case["exit"].as_i64().unwrap() as i32;
                    if out.status.code() != Some(code) {
                        failures.push(format!(
                            "{label}: expected exit {code}, got {:?}: {stderr}",
                            out.status.code()
                        ));
                    }
                }
            }
            let _ = std::fs::remove_dir_all(&tmp);
        }
    }
    assert!(ran >= 20, "only {ran} guest runs");
    assert!(
        failures.is_empty(),
        "{} of {ran} guest runs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{ran} guest runs match native");
}

/// The `wdb` under test: this build's, or another (e.g. the release build) from `WDB_GUESTS_BIN`.
fn wdb_bin() -> PathBuf {
    match std::env::var_os("WDB_GUESTS_BIN") {
        Some(p) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(p),
        None => PathBuf::from(env!("CARGO_BIN_EXE_wdb")),
    }
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wdb-guest-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
