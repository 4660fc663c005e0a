//! Clocks, `random_get`, `poll_oneoff`.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wdb_engine::Val::{I32, I64};
use wdb_wasi::WasiCtx;

use crate::abi::*;
use crate::errno::*;
use crate::harness::Harness;

#[test]
fn clocks() {
    let mut h = Harness::new(WasiCtx::builder());
    assert_eq!(
        h.errno("clock_time_get", &[I32(CLOCK_REALTIME), I64(1), I32(0)]),
        SUCCESS
    );
    let host = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let guest = h.u64(0);
    assert!(
        host.abs_diff(guest) < 5_000_000_000,
        "realtime {guest} vs host {host}"
    );

    assert_eq!(
        h.errno("clock_time_get", &[I32(CLOCK_MONOTONIC), I64(0), I32(8)]),
        SUCCESS
    );
    std::thread::sleep(Duration::from_millis(2));
    assert_eq!(
        h.errno("clock_time_get", &[I32(CLOCK_MONOTONIC), I64(0), I32(16)]),
        SUCCESS
    );
    assert!(h.u64(16) >= h.u64(8) + 2_000_000);

    for id in [CLOCK_PROCESS_CPUTIME, CLOCK_THREAD_CPUTIME] {
        assert_eq!(
            h.errno("clock_time_get", &[I32(id), I64(0), I32(24)]),
            SUCCESS
        );
        assert!(h.u64(24) > 0);
    }
    for id in [
        CLOCK_REALTIME,
        CLOCK_MONOTONIC,
        CLOCK_PROCESS_CPUTIME,
        CLOCK_THREAD_CPUTIME,
    ] {
        assert_eq!(h.errno("clock_res_get", &[I32(id), I32(32)]), SUCCESS);
        assert!((1..=1_000_000_000).contains(&h.u64(32)));
    }
    assert_eq!(h.errno("clock_time_get", &[I32(4), I64(0), I32(0)]), INVAL);
    assert_eq!(h.errno("clock_res_get", &[I32(-1), I32(0)]), INVAL);
}

#[test]
fn random_bytes() {
    let mut h = Harness::new(WasiCtx::builder());
    assert_eq!(h.errno("random_get", &[I32(100), I32(64)]), SUCCESS);
    assert_eq!(h.errno("random_get", &[I32(200), I32(64)]), SUCCESS);
    let (a, b) = (h.read(100, 64), h.read(200, 64));
    assert_ne!(a, vec![0; 64]);
    assert_ne!(a, b);
    assert_eq!(
        h.read(164, 36),
        vec![0; 36],
        "nothing written past the buffer"
    );
    assert_eq!(h.errno("random_get", &[I32(300), I32(0)]), SUCCESS);
}

/// Writes a clock subscription at `at`.
fn clock_sub(h: &mut Harness, at: u32, userdata: u64, id: u32, timeout: u64, abstime: bool) {
    let mut b = [0u8; 48];
    b[0..8].copy_from_slice(&userdata.to_le_bytes());
    b[8] = 0; // eventtype clock
    b[16..20].copy_from_slice(&id.to_le_bytes());
    b[24..32].copy_from_slice(&timeout.to_le_bytes());
    b[40..42].copy_from_slice(&u16::from(abstime).to_le_bytes());
    h.write(at, &b);
}

#[test]
fn poll_sleeps_on_a_clock() {
    let mut h = Harness::new(WasiCtx::builder());
    clock_sub(&mut h, 0, 0xabcd, CLOCK_MONOTONIC as u32, 30_000_000, false);
    let start = Instant::now();
    assert_eq!(
        h.errno("poll_oneoff", &[I32(0), I32(256), I32(1), I32(512)]),
        SUCCESS
    );
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert_eq!(h.u32(512), 1);
    assert_eq!(h.u64(256), 0xabcd, "userdata");
    assert_eq!(h.read(264, 3), vec![0, 0, 0], "no error, type clock");
}

#[test]
fn poll_absolute_monotonic_deadline() {
    let mut h = Harness::new(WasiCtx::builder());
    assert_eq!(
        h.errno("clock_time_get", &[I32(CLOCK_MONOTONIC), I64(0), I32(600)]),
        SUCCESS
    );
    let deadline = h.u64(600) + 20_000_000;
    clock_sub(&mut h, 0, 1, CLOCK_MONOTONIC as u32, deadline, true);
    let start = Instant::now();
    assert_eq!(
        h.errno("poll_oneoff", &[I32(0), I32(256), I32(1), I32(512)]),
        SUCCESS
    );
    assert!(start.elapsed() >= Duration::from_millis(15));
    assert_eq!(
        h.errno("clock_time_get", &[I32(CLOCK_MONOTONIC), I64(0), I32(600)]),
        SUCCESS
    );
    assert!(h.u64(600) >= deadline);
}

#[test]
fn poll_returns_ready_streams_without_waiting() {
    let mut h =
        Harness::new(WasiCtx::builder().stdin(Box::new(std::io::Cursor::new(b"x".to_vec()))));
    clock_sub(&mut h, 0, 1, CLOCK_MONOTONIC as u32, 10_000_000_000, false);
    // fd_write on stdout, fd_read on stdin.
    let mut b = [0u8; 48];
    b[0] = 2;
    b[8] = 2;
    b[16] = 1;
    h.write(48, &b);
    b[0] = 3;
    b[8] = 1;
    b[16] = 0;
    h.write(96, &b);
    let start = Instant::now();
    assert_eq!(
        h.errno("poll_oneoff", &[I32(0), I32(256), I32(3), I32(512)]),
        SUCCESS
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(h.u32(512), 2);
    assert_eq!((h.u64(256), h.read(266, 1)[0]), (2, 2));
    assert_eq!((h.u64(288), h.read(298, 1)[0]), (3, 1));
    assert_eq!(
        h.errno("poll_oneoff", &[I32(0), I32(256), I32(0), I32(512)]),
        INVAL
    );
}
