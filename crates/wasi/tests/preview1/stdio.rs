//! stdin, stdout and stderr: fds 0, 1, 2, captured by the embedder.

use std::io::Cursor;

use wdb_engine::Val::I32;
use wdb_wasi::WasiCtx;

use crate::abi::*;
use crate::errno::*;
use crate::harness::Harness;

#[test]
fn hello_world_to_captured_stdout_and_stderr() {
    let wat = r#"
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "hello, ")
          (data (i32.const 32) "world\n")
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 7))
            (i32.store (i32.const 8) (i32.const 32))
            (i32.store (i32.const 12) (i32.const 6))
            (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 2) (i32.const 48))
              (then unreachable))
            (if (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 48))
              (then unreachable))))
    "#;
    let mut h = Harness::with_module(wat, WasiCtx::builder());
    assert_eq!(h.run_start().unwrap(), 0);
    assert_eq!(h.stdout.text(), "hello, world\n");
    assert_eq!(h.stderr.text(), "hello, ");
    assert_eq!(h.u32(48), 7, "nwritten of the last call");
}

#[test]
fn stdin_from_the_embedder() {
    let input = Cursor::new(b"line one\nline two".to_vec());
    let mut h = Harness::new(WasiCtx::builder().stdin(Box::new(input)));
    // Two buffers: one read, into the first one only.
    h.put_iovecs(0, &[(100, 5), (200, 100)]);
    assert_eq!(
        h.errno("fd_read", &[I32(0), I32(0), I32(2), I32(16)]),
        SUCCESS
    );
    assert_eq!(h.u32(16), 5);
    assert_eq!(h.read(100, 5), b"line ");
    h.put_iovecs(0, &[(0, 0), (200, 100)]);
    assert_eq!(
        h.errno("fd_read", &[I32(0), I32(0), I32(2), I32(16)]),
        SUCCESS
    );
    assert_eq!(h.u32(16), 12);
    assert_eq!(h.read(200, 12), b"one\nline two");
    // End of input.
    assert_eq!(
        h.errno("fd_read", &[I32(0), I32(0), I32(2), I32(16)]),
        SUCCESS
    );
    assert_eq!(h.u32(16), 0);
}

#[test]
fn stdio_descriptors() {
    let mut h = Harness::new(WasiCtx::builder().stdin(Box::new(std::io::empty())));
    // fdstat of captured stdout: not a terminal, write-only.
    assert_eq!(h.errno("fd_fdstat_get", &[I32(1), I32(64)]), SUCCESS);
    assert_eq!(h.read(64, 1)[0], FILETYPE_UNKNOWN);
    assert_eq!(h.u64(72), (RIGHT_FD_WRITE | RIGHT_POLL_FD_READWRITE) as u64);
    assert_eq!(h.errno("fd_fdstat_get", &[I32(0), I32(64)]), SUCCESS);
    assert_eq!(h.u64(72), (RIGHT_FD_READ | RIGHT_POLL_FD_READWRITE) as u64);
    assert_eq!(h.u64(80), 0, "nothing to inherit");
    // Streams do not seek, and each goes one way.
    assert_eq!(
        h.errno(
            "fd_seek",
            &[I32(1), wdb_engine::Val::I64(0), I32(WHENCE_CUR), I32(64)]
        ),
        SPIPE
    );
    assert_eq!(h.errno("fd_tell", &[I32(0), I32(64)]), SPIPE);
    h.put_iovecs(0, &[(100, 4)]);
    assert_eq!(h.errno("fd_read", &[I32(1), I32(0), I32(1), I32(16)]), BADF);
    assert_eq!(
        h.errno("fd_write", &[I32(0), I32(0), I32(1), I32(16)]),
        BADF
    );
    assert_eq!(
        h.errno(
            "fd_pwrite",
            &[I32(1), I32(0), I32(1), wdb_engine::Val::I64(0), I32(16)]
        ),
        SPIPE
    );
    // filestat of a stream: only the type.
    assert_eq!(h.errno("fd_filestat_get", &[I32(2), I32(128)]), SUCCESS);
    assert_eq!(h.read(128, 64), vec![0; 64]);
    // Not preopens, not sockets, not directories.
    assert_eq!(h.errno("fd_prestat_get", &[I32(1), I32(64)]), BADF);
    assert_eq!(h.errno("sock_shutdown", &[I32(1), I32(0)]), NOTSOCK);
    assert_eq!(
        h.errno(
            "fd_readdir",
            &[I32(1), I32(256), I32(64), wdb_engine::Val::I64(0), I32(16)]
        ),
        BADF
    );
    assert_eq!(h.errno("fd_sync", &[I32(1)]), BADF);
}

#[test]
fn renumbered_and_closed_streams() {
    let mut h = Harness::new(WasiCtx::builder());
    h.write(100, b"to stdout");
    h.put_iovecs(0, &[(100, 9)]);
    // fd 2 now refers to stdout; fd 1 is gone.
    assert_eq!(h.errno("fd_renumber", &[I32(1), I32(2)]), SUCCESS);
    assert_eq!(
        h.errno("fd_write", &[I32(2), I32(0), I32(1), I32(16)]),
        SUCCESS
    );
    assert_eq!(
        h.errno("fd_write", &[I32(1), I32(0), I32(1), I32(16)]),
        BADF
    );
    assert_eq!(h.stdout.text(), "to stdout");
    assert_eq!(h.stderr.text(), "");
    assert_eq!(
        h.errno("fd_renumber", &[I32(2), I32(9)]),
        BADF,
        "the target must be open"
    );
    assert_eq!(h.errno("fd_close", &[I32(2)]), SUCCESS);
    assert_eq!(h.errno("fd_close", &[I32(2)]), BADF);
    assert_eq!(
        h.errno("fd_write", &[I32(2), I32(0), I32(1), I32(16)]),
        BADF
    );
}
