//! Integration tests: wasm modules (from WAT) calling the WASI imports, run by the engine.
//!
//! One file per area; `harness` has the shim module (a wrapper export for every import) and
//! helpers to poke at guest memory.

mod args_env;
mod bounds;
mod files;
mod harness;
mod linking;
mod proc;
mod sandbox;
mod stdio;
mod time;

/// Errno values of the preview1 witx used by the tests.
#[allow(dead_code)]
mod errno {
    pub const SUCCESS: i32 = 0;
    pub const BADF: i32 = 8;
    pub const EXIST: i32 = 20;
    pub const FAULT: i32 = 21;
    pub const INVAL: i32 = 28;
    pub const ISDIR: i32 = 31;
    pub const LOOP: i32 = 32;
    pub const NAMETOOLONG: i32 = 37;
    pub const NOENT: i32 = 44;
    pub const NOTDIR: i32 = 54;
    pub const NOTEMPTY: i32 = 55;
    pub const NOTSOCK: i32 = 57;
    pub const NOTSUP: i32 = 58;
    pub const PERM: i32 = 63;
    pub const SPIPE: i32 = 70;
    pub const NOTCAPABLE: i32 = 76;
}

/// Rights, flags and constants of the preview1 witx used by the tests.
#[allow(dead_code)]
mod abi {
    pub const RIGHT_FD_READ: i64 = 1 << 1;
    pub const RIGHT_FD_SEEK: i64 = 1 << 2;
    pub const RIGHT_FD_TELL: i64 = 1 << 5;
    pub const RIGHT_FD_WRITE: i64 = 1 << 6;
    pub const RIGHT_PATH_OPEN: i64 = 1 << 13;
    pub const RIGHT_FD_READDIR: i64 = 1 << 14;
    pub const RIGHT_POLL_FD_READWRITE: i64 = 1 << 27;
    pub const RIGHTS_RW: i64 = RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_SEEK | RIGHT_FD_TELL;

    pub const O_CREAT: i32 = 1;
    pub const O_DIRECTORY: i32 = 2;
    pub const O_EXCL: i32 = 4;
    pub const O_TRUNC: i32 = 8;

    pub const FDFLAG_APPEND: i32 = 1;
    pub const FDFLAG_SYNC: i32 = 16;

    pub const LOOKUP_FOLLOW: i32 = 1;

    pub const FILETYPE_UNKNOWN: u8 = 0;
    pub const FILETYPE_DIRECTORY: u8 = 3;
    pub const FILETYPE_REGULAR_FILE: u8 = 4;
    pub const FILETYPE_SYMBOLIC_LINK: u8 = 7;

    pub const WHENCE_SET: i32 = 0;
    pub const WHENCE_CUR: i32 = 1;
    pub const WHENCE_END: i32 = 2;

    pub const CLOCK_REALTIME: i32 = 0;
    pub const CLOCK_MONOTONIC: i32 = 1;
    pub const CLOCK_PROCESS_CPUTIME: i32 = 2;
    pub const CLOCK_THREAD_CPUTIME: i32 = 3;
}
