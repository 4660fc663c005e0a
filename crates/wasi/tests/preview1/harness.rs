//! Test harness: a wasm "shim" module that imports every preview1 function and exports a wasm
//! wrapper for each (host functions called from wasm see the instance's memory), run by the
//! engine with stdout and stderr captured.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use wdb_engine::{InstanceId, Linker, MemAddr, Module, Store, Trap, TrapKind, Val};
use wdb_wasi::{OutputBuffer, WasiCtx, WasiCtxBuilder};

/// Every preview1 function and its wasm parameter types, written from the witx (independently
/// of the crate's own table). All return an `i32` errno except `proc_exit`.
pub const PREVIEW1: &[(&str, &str)] = &[
    ("args_get", "i32 i32"),
    ("args_sizes_get", "i32 i32"),
    ("environ_get", "i32 i32"),
    ("environ_sizes_get", "i32 i32"),
    ("clock_res_get", "i32 i32"),
    ("clock_time_get", "i32 i64 i32"),
    ("fd_advise", "i32 i64 i64 i32"),
    ("fd_allocate", "i32 i64 i64"),
    ("fd_close", "i32"),
    ("fd_datasync", "i32"),
    ("fd_fdstat_get", "i32 i32"),
    ("fd_fdstat_set_flags", "i32 i32"),
    ("fd_fdstat_set_rights", "i32 i64 i64"),
    ("fd_filestat_get", "i32 i32"),
    ("fd_filestat_set_size", "i32 i64"),
    ("fd_filestat_set_times", "i32 i64 i64 i32"),
    ("fd_pread", "i32 i32 i32 i64 i32"),
    ("fd_prestat_get", "i32 i32"),
    ("fd_prestat_dir_name", "i32 i32 i32"),
    ("fd_pwrite", "i32 i32 i32 i64 i32"),
    ("fd_read", "i32 i32 i32 i32"),
    ("fd_readdir", "i32 i32 i32 i64 i32"),
    ("fd_renumber", "i32 i32"),
    ("fd_seek", "i32 i64 i32 i32"),
    ("fd_sync", "i32"),
    ("fd_tell", "i32 i32"),
    ("fd_write", "i32 i32 i32 i32"),
    ("path_create_directory", "i32 i32 i32"),
    ("path_filestat_get", "i32 i32 i32 i32 i32"),
    ("path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32"),
    ("path_link", "i32 i32 i32 i32 i32 i32 i32"),
    ("path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"),
    ("path_readlink", "i32 i32 i32 i32 i32 i32"),
    ("path_remove_directory", "i32 i32 i32"),
    ("path_rename", "i32 i32 i32 i32 i32 i32"),
    ("path_symlink", "i32 i32 i32 i32 i32"),
    ("path_unlink_file", "i32 i32 i32"),
    ("poll_oneoff", "i32 i32 i32 i32"),
    ("proc_exit", "i32"),
    ("proc_raise", "i32"),
    ("sched_yield", ""),
    ("random_get", "i32 i32"),
    ("sock_accept", "i32 i32 i32"),
    ("sock_recv", "i32 i32 i32 i32 i32 i32"),
    ("sock_send", "i32 i32 i32 i32 i32"),
    ("sock_shutdown", "i32 i32"),
];

/// The shim module: every import, a wrapper export of the same name for each, one exported page
/// of memory, and `extra` module fields.
pub fn shim_wat(extra: &str) -> String {
    let mut wat = String::from("(module\n");
    for (name, params) in PREVIEW1 {
        let result = if *name == "proc_exit" {
            ""
        } else {
            "(result i32)"
        };
        wat += &format!(
            "  (import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) {result}))\n"
        );
    }
    wat += "  (memory (export \"memory\") 1)\n";
    for (name, params) in PREVIEW1 {
        let result = if *name == "proc_exit" {
            ""
        } else {
            "(result i32)"
        };
        let gets: String = (0..params.split_whitespace().count())
            .map(|i| format!("local.get {i} "))
            .collect();
        wat += &format!(
            "  (func (export \"{name}\") (param {params}) {result} {gets} call ${name})\n"
        );
    }
    wat += extra;
    wat += ")\n";
    wat
}

/// An instantiated module with a WASI context whose stdout and stderr are captured.
pub struct Harness {
    pub store: Store,
    pub instance: InstanceId,
    pub stdout: OutputBuffer,
    pub stderr: OutputBuffer,
    pub ctx: Rc<RefCell<WasiCtx>>,
}

impl Harness {
    /// The shim module.
    pub fn new(builder: WasiCtxBuilder) -> Harness {
        Harness::with_module(&shim_wat(""), builder)
    }

    /// Any module given as WAT.
    pub fn with_module(wat: &str, builder: WasiCtxBuilder) -> Harness {
        let stdout = OutputBuffer::new();
        let stderr = OutputBuffer::new();
        let ctx = builder
            .stdout(Box::new(stdout.clone()))
            .stderr(Box::new(stderr.clone()))
            .build();
        let ctx = Rc::new(RefCell::new(ctx));
        let mut linker = Linker::new();
        wdb_wasi::add_to_linker(&mut linker, ctx.clone());
        let module = Module::new(wat::parse_str(wat).expect("valid WAT")).expect("valid module");
        let mut store = Store::new();
        let instance = linker
            .instantiate(&mut store, &module)
            .expect("instantiates");
        Harness {
            store,
            instance,
            stdout,
            stderr,
            ctx,
        }
    }

    /// Calls export `name`.
    pub fn call(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let f = self
            .store
            .export(self.instance, name)
            .and_then(|e| e.into_func())
            .expect(name);
        self.store.invoke(f, args)
    }

    /// Calls the wrapper of WASI function `name` and returns its errno.
    pub fn errno(&mut self, name: &str, args: &[Val]) -> i32 {
        match self.call(name, args) {
            Ok(results) => match results.as_slice() {
                [Val::I32(errno)] => *errno,
                other => panic!("{name} returned {other:?}"),
            },
            Err(trap) => panic!("{name} trapped: {trap}"),
        }
    }

    /// Runs `_start`: `Ok(exit code)` (0 when it returns), or the trap if it is not an exit.
    pub fn run_start(&mut self) -> Result<i32, Trap> {
        match self.call("_start", &[]) {
            Ok(_) => Ok(0),
            Err(Trap {
                kind: TrapKind::Exit(code),
                ..
            }) => Ok(code),
            Err(trap) => Err(trap),
        }
    }

    fn memory_addr(&self) -> MemAddr {
        self.store
            .export(self.instance, "memory")
            .and_then(|e| e.into_memory())
            .expect("memory")
    }

    pub fn write(&mut self, addr: u32, bytes: &[u8]) {
        let mem = self.memory_addr();
        let a = addr as usize;
        self.store.memory_mut(mem)[a..a + bytes.len()].copy_from_slice(bytes);
    }

    pub fn read(&self, addr: u32, len: usize) -> Vec<u8> {
        let a = addr as usize;
        self.store.memory(self.memory_addr())[a..a + len].to_vec()
    }

    pub fn u32(&self, addr: u32) -> u32 {
        u32::from_le_bytes(self.read(addr, 4).try_into().unwrap())
    }

    pub fn u64(&self, addr: u32) -> u64 {
        u64::from_le_bytes(self.read(addr, 8).try_into().unwrap())
    }

    pub fn put_u32(&mut self, addr: u32, v: u32) {
        self.write(addr, &v.to_le_bytes());
    }

    /// Writes `s` at `addr`; returns `(addr, len)` as wasm arguments.
    pub fn put_str(&mut self, addr: u32, s: &str) -> (Val, Val) {
        self.write(addr, s.as_bytes());
        (Val::I32(addr as i32), Val::I32(s.len() as i32))
    }

    /// Writes an iovec array at `at`.
    pub fn put_iovecs(&mut self, at: u32, bufs: &[(u32, u32)]) {
        for (i, &(buf, len)) in bufs.iter().enumerate() {
            self.put_u32(at + 8 * i as u32, buf);
            self.put_u32(at + 8 * i as u32 + 4, len);
        }
    }
}

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("wdb-wasi-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Scratch addresses used by the helpers below (the tests use memory below 4096).
const PATH_AT: u32 = 4096;
const FD_OUT_AT: u32 = 4092;
const IOV_AT: u32 = 6000;
const COUNT_AT: u32 = 6100;
const DATA_AT: u32 = 8192;

impl Harness {
    /// `path_open` with the same base and inheriting rights; the new fd or the errno.
    pub fn open(
        &mut self,
        dirfd: u32,
        lookup: i32,
        path: &str,
        oflags: i32,
        rights: i64,
        fdflags: i32,
    ) -> Result<u32, i32> {
        let (p, l) = self.put_str(PATH_AT, path);
        let args = [
            Val::I32(dirfd as i32),
            Val::I32(lookup),
            p,
            l,
            Val::I32(oflags),
            Val::I64(rights),
            Val::I64(rights),
            Val::I32(fdflags),
            Val::I32(FD_OUT_AT as i32),
        ];
        match self.errno("path_open", &args) {
            0 => Ok(self.u32(FD_OUT_AT)),
            e => Err(e),
        }
    }

    /// Calls a `(fd, path, path_len)` function such as `path_unlink_file`.
    pub fn path_op(&mut self, func: &str, dirfd: u32, path: &str) -> i32 {
        let (p, l) = self.put_str(PATH_AT, path);
        self.errno(func, &[Val::I32(dirfd as i32), p, l])
    }

    /// `fd_write` of `data`; the bytes written or the errno.
    pub fn write_fd(&mut self, fd: u32, data: &[u8]) -> Result<u32, i32> {
        self.write(DATA_AT, data);
        self.put_iovecs(IOV_AT, &[(DATA_AT, data.len() as u32)]);
        let args = [
            Val::I32(fd as i32),
            Val::I32(IOV_AT as i32),
            Val::I32(1),
            Val::I32(COUNT_AT as i32),
        ];
        match self.errno("fd_write", &args) {
            0 => Ok(self.u32(COUNT_AT)),
            e => Err(e),
        }
    }

    /// `fd_read` of up to `len` bytes; the bytes read or the errno.
    pub fn read_fd(&mut self, fd: u32, len: u32) -> Result<Vec<u8>, i32> {
        self.put_iovecs(IOV_AT, &[(DATA_AT, len)]);
        let args = [
            Val::I32(fd as i32),
            Val::I32(IOV_AT as i32),
            Val::I32(1),
            Val::I32(COUNT_AT as i32),
        ];
        match self.errno("fd_read", &args) {
            0 => Ok(self.read(DATA_AT, self.u32(COUNT_AT) as usize)),
            e => Err(e),
        }
    }
}
