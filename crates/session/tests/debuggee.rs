//! The wasm-level debuggee on the real guest programs.

use std::path::Path;

use wdb_session::{Debuggee, LaunchConfig, Stop, Val, WatchKind};

fn guest(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/guests/build")
        .join(name)
}

fn launch(name: &str, args: &[&str]) -> Debuggee {
    let config = LaunchConfig {
        program: guest(name),
        args: args.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    Debuggee::launch_with(
        &config,
        wdb_wasi::WasiCtx::builder().stdout(Box::new(std::io::sink())),
    )
    .unwrap()
}

#[test]
fn break_at_a_function_then_run_to_exit() {
    let mut d = launch("recursion.O0.wasm", &[]);
    let entry = d.func_entry("sum_to").expect("sum_to in the name section");
    let instance = d.modules()[0].instance;
    assert_eq!(d.add_breakpoint(instance, entry), Some(entry));
    assert_eq!(d.resume(), Stop::Breakpoint);
    let frames = d.frames();
    assert_eq!(frames[0].pc, entry);
    assert_eq!(d.func_name(frames[0].func_index), Some("sum_to"));
    assert!(
        frames
            .iter()
            .any(|f| d.func_name(f.func_index) == Some("main"))
    );
    // Recursion: the same breakpoint again, one frame deeper.
    assert_eq!(d.resume(), Stop::Breakpoint);
    assert_eq!(d.frames().len(), frames.len() + 1);
    d.clear_breakpoints();
    assert_eq!(d.resume(), Stop::Exited(0));
    assert_eq!(d.resume(), Stop::Exited(0), "an ended program stays ended");
    assert!(d.frames().is_empty());
}

#[test]
fn traps_stop_with_their_backtrace() {
    let mut d = launch("traps.O0.wasm", &["div-zero"]);
    match d.resume() {
        Stop::Trapped(trap) => {
            assert!(
                trap.to_string().contains("integer divide by zero"),
                "{trap}"
            );
            assert!(trap.frames.len() >= 2);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn memory_and_watchpoints_through_the_debuggee() {
    let mut d = launch("hello.O0.wasm", &[]);
    let instance = d.modules()[0].instance;
    let mut buf = [0u8; 4];
    assert_eq!(d.read_memory(instance, 0x1000, &mut buf), 4);
    assert!(d.write_memory(instance, 0x1000, &[1, 2, 3, 4]));
    assert_eq!(d.read_memory(instance, 0x1000, &mut buf), 4);
    assert_eq!(buf, [1, 2, 3, 4]);
    assert!(!d.write_memory(instance, u32::MAX - 1, &[0; 4]));
    // The stack pointer global is written on the first call: watch where it points (a shadow-stack slot).
    let Some(Val::I32(sp)) = d.global(0, 0) else {
        panic!("no __stack_pointer")
    };
    assert!(d.add_watchpoint(instance, sp as u32 - 16, 16, WatchKind::Write));
    match d.resume() {
        Stop::Watch(hit) => assert_eq!(hit.addr, sp as u32 - 16),
        other => panic!("unexpected {other:?}"),
    }
    assert!(d.remove_watchpoint(instance, sp as u32 - 16, 16, WatchKind::Write));
    assert_eq!(d.resume(), Stop::Exited(0));
}

#[test]
fn bad_programs_are_errors_not_panics() {
    let config = LaunchConfig {
        program: "/nonexistent.wasm".into(),
        ..Default::default()
    };
    assert!(
        Debuggee::launch(&config)
            .unwrap_err()
            .to_string()
            .contains("cannot read")
    );
}
