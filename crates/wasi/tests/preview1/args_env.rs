//! `args_*` and `environ_*`.

use wdb_engine::Val::I32;
use wdb_wasi::WasiCtx;

use crate::errno::*;
use crate::harness::Harness;

#[test]
fn args_reach_the_guest() {
    let args: Vec<String> = ["prog.wasm", "--flag", "two words", ""]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut h = Harness::new(WasiCtx::builder().args(&args));
    assert_eq!(h.errno("args_sizes_get", &[I32(0), I32(4)]), SUCCESS);
    assert_eq!(h.u32(0), 4);
    assert_eq!(h.u32(4), 10 + 7 + 10 + 1);
    assert_eq!(h.errno("args_get", &[I32(16), I32(256)]), SUCCESS);
    let ptrs: Vec<u32> = (0..4).map(|i| h.u32(16 + 4 * i)).collect();
    assert_eq!(ptrs, vec![256, 266, 273, 283]);
    assert_eq!(h.read(256, 28), b"prog.wasm\0--flag\0two words\0\0");
}

#[test]
fn environment_reaches_the_guest() {
    let mut h = Harness::new(
        WasiCtx::builder()
            .env("HOME", "/home/guest")
            .env("EMPTY", ""),
    );
    assert_eq!(h.errno("environ_sizes_get", &[I32(0), I32(4)]), SUCCESS);
    assert_eq!(h.u32(0), 2);
    assert_eq!(h.u32(4), 17 + 7);
    assert_eq!(h.errno("environ_get", &[I32(16), I32(128)]), SUCCESS);
    assert_eq!(h.u32(16), 128);
    assert_eq!(h.u32(20), 145);
    assert_eq!(h.read(128, 24), b"HOME=/home/guest\0EMPTY=\0");
}

#[test]
fn inherited_environment() {
    let mut h = Harness::new(
        WasiCtx::builder()
            .inherit_env()
            .env("WDB_WASI_TEST_VAR", "set"),
    );
    assert_eq!(h.errno("environ_sizes_get", &[I32(0), I32(4)]), SUCCESS);
    let (count, size) = (h.u32(0), h.u32(4));
    assert!(count >= 1);
    assert!(size < 60_000, "the test environment fits in the page");
    assert_eq!(
        h.errno("environ_get", &[I32(8), I32((8 + 4 * count) as i32)]),
        SUCCESS
    );
    let blob = h.read(8 + 4 * count, size as usize);
    let vars: Vec<&[u8]> = blob.split(|&b| b == 0).collect();
    assert!(vars.contains(&&b"WDB_WASI_TEST_VAR=set"[..]));
}
