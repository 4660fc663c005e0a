//! Guest pointers and lengths out of bounds are errno `fault`, never a panic, and leave no
//! side effects behind.

use wdb_engine::Val::{I32, I64};
use wdb_wasi::WasiCtx;

use crate::abi::*;
use crate::errno::*;
use crate::harness::{Harness, TempDir};

const PAGE: i32 = 65536;

#[test]
fn out_of_bounds_pointers_are_fault() {
    let dir = TempDir::new("bounds");
    let mut h = Harness::new(
        WasiCtx::builder()
            .args(&["prog".into()])
            .env("K", "V")
            .stdin(Box::new(std::io::Cursor::new(b"input".to_vec())))
            .preopen_dir(dir.path(), "/d")
            .unwrap(),
    );
    let end = PAGE - 2;
    let cases: Vec<(&str, Vec<wdb_engine::Val>)> = vec![
        ("args_sizes_get", vec![I32(0), I32(end)]),
        ("args_get", vec![I32(end), I32(0)]),
        ("args_get", vec![I32(0), I32(end)]),
        ("environ_sizes_get", vec![I32(end), I32(0)]),
        ("environ_get", vec![I32(0), I32(-1)]),
        ("clock_time_get", vec![I32(0), I64(0), I32(PAGE - 7)]),
        ("clock_res_get", vec![I32(1), I32(-8)]),
        ("random_get", vec![I32(PAGE - 10), I32(11)]),
        ("random_get", vec![I32(0), I32(-1)]),
        ("fd_fdstat_get", vec![I32(1), I32(PAGE - 23)]),
        ("fd_filestat_get", vec![I32(3), I32(PAGE - 63)]),
        ("fd_prestat_get", vec![I32(3), I32(end)]),
        ("fd_prestat_dir_name", vec![I32(3), I32(end), I32(10)]),
        ("fd_read", vec![I32(0), I32(PAGE - 4), I32(1), I32(0)]),
        ("fd_read", vec![I32(0), I32(0), I32(0x2000_0000), I32(0)]),
        ("fd_tell", vec![I32(3), I32(end)]),
        (
            "fd_readdir",
            vec![I32(3), I32(PAGE - 10), I32(20), I64(0), I32(0)],
        ),
        (
            "fd_readdir",
            vec![I32(3), I32(0), I32(20), I64(0), I32(end)],
        ),
        ("path_create_directory", vec![I32(3), I32(end), I32(3)]),
        (
            "path_filestat_get",
            vec![I32(3), I32(0), I32(0), I32(1), I32(PAGE - 1)],
        ),
        ("path_unlink_file", vec![I32(3), I32(-1), I32(1)]),
        (
            "path_readlink",
            vec![I32(3), I32(0), I32(1), I32(end), I32(8), I32(0)],
        ),
        ("poll_oneoff", vec![I32(PAGE - 47), I32(0), I32(1), I32(0)]),
        ("poll_oneoff", vec![I32(0), I32(PAGE - 31), I32(1), I32(0)]),
        ("poll_oneoff", vec![I32(0), I32(64), I32(-1), I32(0)]),
    ];
    for (name, args) in cases {
        assert_eq!(h.errno(name, &args), FAULT, "{name}{args:?}");
    }
    assert_eq!(
        h.read_fd(0, 5),
        Ok(b"input".to_vec()),
        "the failed fd_read consumed nothing"
    );
}

#[test]
fn bad_result_pointers_leave_no_side_effects() {
    let dir = TempDir::new("bounds-effects");
    let mut h = Harness::new(WasiCtx::builder().preopen_dir(dir.path(), "/d").unwrap());
    // fd_write with the count out of bounds writes nothing.
    h.write(100, b"hidden");
    h.put_iovecs(0, &[(100, 6)]);
    assert_eq!(
        h.errno("fd_write", &[I32(1), I32(0), I32(1), I32(PAGE - 1)]),
        FAULT
    );
    // A buffer out of bounds after a good one: nothing either.
    h.put_iovecs(0, &[(100, 6), (PAGE as u32 - 2, 4)]);
    assert_eq!(
        h.errno("fd_write", &[I32(1), I32(0), I32(2), I32(16)]),
        FAULT
    );
    assert_eq!(h.stdout.text(), "");
    // path_open with the fd pointer out of bounds creates nothing.
    let (p, l) = h.put_str(200, "new-file");
    let args = [
        I32(3),
        I32(0),
        p,
        l,
        I32(O_CREAT),
        I64(RIGHTS_RW),
        I64(RIGHTS_RW),
        I32(0),
        I32(PAGE - 3),
    ];
    assert_eq!(h.errno("path_open", &args), FAULT);
    assert!(!dir.path().join("new-file").exists());
    // The fd table is untouched: the next open gets fd 4.
    assert_eq!(h.open(3, 0, "new-file", O_CREAT, RIGHTS_RW, 0), Ok(4));
}

#[test]
fn modules_without_memory_get_fault() {
    let wat = r#"
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "sched_yield" (func $sched_yield (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
          (func (export "write") (result i32)
            (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))
          (func (export "yield") (result i32) (call $sched_yield))
          (func (export "exit") (call $proc_exit (i32.const 3))))
    "#;
    let mut h = Harness::with_module(wat, WasiCtx::builder());
    assert_eq!(h.call("write", &[]).unwrap(), vec![I32(FAULT)]);
    assert_eq!(h.call("yield", &[]).unwrap(), vec![I32(SUCCESS)]);
    assert_eq!(
        h.call("exit", &[]).unwrap_err().kind,
        wdb_engine::TrapKind::Exit(3)
    );
}
