//! Golden transcripts of `wdb debug --batch`: each `tests/transcripts/NAME.wdb` is a script
//! (one debugger command per line, `#!` directives for the program and its arguments), and
//! `NAME.out` is the exact output, stdout and stderr merged in order. `BLESS=1` rewrites the
//! `.out` files from the current output.
//!
//! Directives: `#! program: PATH` (relative to the repository root), `#! args: A B...`,
//! `#! options: --dir X::/d --env K=V` (wdb debug options before the module).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn wdb() -> PathBuf {
    std::env::var_os("WDB_GUESTS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_wdb")))
}

/// Runs one script; returns its merged output with the repository path replaced by `$ROOT`.
fn run_script(script: &Path) -> String {
    let text = std::fs::read_to_string(script).unwrap();
    let mut program = None;
    let mut args: Vec<String> = Vec::new();
    let mut options: Vec<String> = Vec::new();
    let mut commands = Vec::new();
    for line in text.lines() {
        if let Some(d) = line.strip_prefix("#!") {
            let (key, value) = d.split_once(':').expect("directive `#! key: value`");
            let value = value.trim();
            match key.trim() {
                "program" => program = Some(value.to_string()),
                "args" => args = value.split_whitespace().map(str::to_string).collect(),
                "options" => options = value.split_whitespace().map(str::to_string).collect(),
                other => panic!("{}: unknown directive {other}", script.display()),
            }
        } else if !line.trim().is_empty() && !line.starts_with('#') {
            commands.push(line.to_string());
        }
    }
    let program = program.unwrap_or_else(|| panic!("{}: no `#! program:`", script.display()));
    let out_path = std::env::temp_dir().join(format!(
        "wdb-transcript-{}-{}.txt",
        std::process::id(),
        script.file_stem().unwrap().to_string_lossy()
    ));
    let out = File::create(&out_path).unwrap();
    let mut cmd = Command::new(wdb());
    cmd.current_dir(root())
        .arg("debug")
        .arg("--batch")
        .args(&options);
    for c in &commands {
        cmd.arg("-ex").arg(c);
    }
    cmd.arg(&program).args(&args);
    let status = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .status()
        .unwrap();
    let mut text = std::fs::read_to_string(&out_path).unwrap();
    let _ = std::fs::remove_file(&out_path);
    text = text.replace(&root().display().to_string(), "$ROOT");
    text.push_str(&format!(
        "[wdb exit status: {}]\n",
        status.code().unwrap_or(-1)
    ));
    text
}

#[test]
fn transcripts() {
    let dir = root().join("tests/transcripts");
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wdb"))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no transcripts in {}", dir.display());
    let mut failures = Vec::new();
    for script in &scripts {
        let actual = run_script(script);
        let golden = script.with_extension("out");
        if bless {
            std::fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if expected != actual {
            let diff: Vec<String> = expected
                .lines()
                .zip(actual.lines())
                .enumerate()
                .filter(|(_, (e, a))| e != a)
                .take(5)
                .map(|(i, (e, a))| {
                    format!("  line {}:\n    expected: {e}\n    actual:   {a}", i + 1)
                })
                .collect();
            failures.push(format!(
                "{} differs ({} vs {} lines):\n{}",
                script.display(),
                expected.lines().count(),
                actual.lines().count(),
                diff.join("\n")
            ));
        }
    }
    println!("{} transcripts", scripts.len());
    assert!(
        failures.is_empty(),
        "{} of {} transcripts differ (BLESS=1 regenerates them):\n{}",
        failures.len(),
        scripts.len(),
        failures.join("\n")
    );
}
