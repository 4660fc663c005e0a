//! `proc_exit`, `proc_raise`, `sched_yield`.

use wdb_engine::TrapKind;
use wdb_engine::Val::I32;
use wdb_wasi::WasiCtx;

use crate::errno::*;
use crate::harness::Harness;

const EXIT_PROGRAM: &str = r#"
    (module
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "bye")
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 16))
        (i32.store (i32.const 4) (i32.const 3))
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32)))
        (call $proc_exit (i32.const 42))
        unreachable))
"#;

#[test]
fn exit_code_and_flushed_output() {
    let mut h = Harness::with_module(EXIT_PROGRAM, WasiCtx::builder());
    let trap = h
        .call("_start", &[])
        .expect_err("proc_exit ends the program");
    assert_eq!(trap.kind, TrapKind::Exit(42));
    assert_eq!(h.stdout.text(), "bye");
}

#[test]
fn exit_codes_pass_through() {
    for code in [0, 1, 125, 255] {
        let mut h = Harness::new(WasiCtx::builder());
        let trap = h.call("proc_exit", &[I32(code)]).expect_err("exit");
        assert_eq!(trap.kind, TrapKind::Exit(code));
    }
}

#[test]
fn returning_from_start_is_exit_0() {
    let wat = r#"(module (memory (export "memory") 1) (func (export "_start")))"#;
    let mut h = Harness::with_module(wat, WasiCtx::builder());
    assert_eq!(h.run_start().unwrap(), 0);
    // The embedder flushes the guest's output itself when `_start` returns.
    h.ctx.borrow_mut().flush().unwrap();
}

#[test]
fn raise_and_yield() {
    let mut h = Harness::new(WasiCtx::builder());
    assert_eq!(h.errno("proc_raise", &[I32(6)]), NOTSUP);
    assert_eq!(h.errno("proc_raise", &[I32(99)]), INVAL);
    assert_eq!(h.errno("sched_yield", &[]), SUCCESS);
}
