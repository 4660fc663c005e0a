//! Registration of every `wasi_snapshot_preview1` function with the engine's [`Linker`].
//!
//! The table in `preview1!` below is the one place where the functions' wasm signatures are
//! written: it generates the registrations (so a guest importing a function with the wrong type
//! gets a link error from the engine) and the list of signatures the tests check.

use std::cell::RefCell;
use std::rc::Rc;

use wdb_engine::{Caller, FuncType, Linker, Trap, Val, ValType};

use crate::WasiCtx;
use crate::errno::Errno;

/// The import module name of WASI preview1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// A wasm parameter of a WASI function: `i32` arguments arrive as `u32`, `i64` ones as `u64`.
trait Param: Sized {
    const TYPE: ValType;
    /// The argument; the engine checks signatures, so a missing or mistyped one cannot occur and
    /// reads as 0.
    fn from_val(v: Option<&Val>) -> Self;
}

impl Param for u32 {
    const TYPE: ValType = ValType::I32;
    fn from_val(v: Option<&Val>) -> u32 {
        v.map_or(0, |v| v.i32() as u32)
    }
}

impl Param for u64 {
    const TYPE: ValType = ValType::I64;
    fn from_val(v: Option<&Val>) -> u64 {
        v.map_or(0, |v| v.i64() as u64)
    }
}

/// The errno return value of a WASI function.
fn errno_val(result: Result<(), Errno>) -> Val {
    Val::I32(i32::from(result.err().unwrap_or(Errno::Success).raw()))
}

/// The trap for a host function entered while another one runs (impossible: WASI functions
/// never call back into wasm).
fn reentered() -> Trap {
    Trap::host("wasi: host function re-entered while the WASI context is in use")
}

macro_rules! preview1 {
    ($( fn $name:ident($($arg:ident: $ty:ty),* $(,)?); )*) => {
        /// Every function returning an errno, with its wasm parameter types.
        #[cfg(test)]
        pub(crate) const SIGNATURES: &[(&str, &[ValType])] =
            &[$((stringify!($name), &[$(<$ty as Param>::TYPE),*])),*];

        fn register_errno_functions(linker: &mut Linker, ctx: &Rc<RefCell<WasiCtx>>) {
            $(
                let c = Rc::clone(ctx);
                linker.func(
                    MODULE,
                    stringify!($name),
                    FuncType::new(vec![$(<$ty as Param>::TYPE),*], vec![ValType::I32]),
                    move |caller: &mut Caller<'_>, args: &[Val], results: &mut [Val]| {
                        #[allow(unused_mut, unused_variables, reason = "functions without arguments")]
                        let mut args = args.iter();
                        $(let $arg = <$ty as Param>::from_val(args.next());)*
                        let mem = caller.memory().unwrap_or(&mut []);
                        let mut ctx = c.try_borrow_mut().map_err(|_| reentered())?;
                        let result = ctx.$name(mem, $($arg),*);
                        if let Some(r) = results.first_mut() {
                            *r = errno_val(result);
                        }
                        Ok(())
                    },
                );
            )*
        }
    };
}

preview1! {
    fn args_get(argv: u32, argv_buf: u32);
    fn args_sizes_get(argc: u32, argv_buf_size: u32);
    fn environ_get(environ: u32, environ_buf: u32);
    fn environ_sizes_get(environc: u32, environ_buf_size: u32);
    fn clock_res_get(id: u32, resolution: u32);
    fn clock_time_get(id: u32, precision: u64, time: u32);
    fn fd_advise(fd: u32, offset: u64, len: u64, advice: u32);
    fn fd_allocate(fd: u32, offset: u64, len: u64);
    fn fd_close(fd: u32);
    fn fd_datasync(fd: u32);
    fn fd_fdstat_get(fd: u32, stat: u32);
    fn fd_fdstat_set_flags(fd: u32, flags: u32);
    fn fd_fdstat_set_rights(fd: u32, fs_rights_base: u64, fs_rights_inheriting: u64);
    fn fd_filestat_get(fd: u32, stat: u32);
    fn fd_filestat_set_size(fd: u32, size: u64);
    fn fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u32);
    fn fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32);
    fn fd_prestat_get(fd: u32, prestat: u32);
    fn fd_prestat_dir_name(fd: u32, path: u32, path_len: u32);
    fn fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32);
    fn fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32);
    fn fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32);
    fn fd_renumber(fd: u32, to: u32);
    fn fd_seek(fd: u32, offset: u64, whence: u32, newoffset: u32);
    fn fd_sync(fd: u32);
    fn fd_tell(fd: u32, offset: u32);
    fn fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32);
    fn path_create_directory(fd: u32, path: u32, path_len: u32);
    fn path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, stat: u32);
    fn path_filestat_set_times(
        fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32,
    );
    fn path_link(
        old_fd: u32, old_flags: u32, old_path: u32, old_path_len: u32,
        new_fd: u32, new_path: u32, new_path_len: u32,
    );
    fn path_open(
        fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32,
        fs_rights_base: u64, fs_rights_inheriting: u64, fdflags: u32, opened_fd: u32,
    );
    fn path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32);
    fn path_remove_directory(fd: u32, path: u32, path_len: u32);
    fn path_rename(
        fd: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32,
    );
    fn path_symlink(old_path: u32, old_path_len: u32, fd: u32, new_path: u32, new_path_len: u32);
    fn path_unlink_file(fd: u32, path: u32, path_len: u32);
    fn poll_oneoff(subscriptions: u32, events: u32, nsubscriptions: u32, nevents: u32);
    fn proc_raise(sig: u32);
    fn sched_yield();
    fn random_get(buf: u32, buf_len: u32);
    fn sock_accept(fd: u32, flags: u32, opened_fd: u32);
    fn sock_recv(
        fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u32, ro_datalen: u32, ro_flags: u32,
    );
    fn sock_send(fd: u32, si_data: u32, si_data_len: u32, si_flags: u32, so_datalen: u32);
    fn sock_shutdown(fd: u32, how: u32);
}

/// Registers every `wasi_snapshot_preview1` function in `linker`, all sharing `ctx`.
///
/// `proc_exit` flushes the guest's stdout and stderr and then traps with
/// [`TrapKind::Exit`](wdb_engine::TrapKind::Exit) carrying the exit code.
pub fn add_to_linker(linker: &mut Linker, ctx: Rc<RefCell<WasiCtx>>) {
    register_errno_functions(linker, &ctx);
    linker.func(
        MODULE,
        "proc_exit",
        FuncType::new(vec![ValType::I32], vec![]),
        move |_caller: &mut Caller<'_>, args: &[Val], _results: &mut [Val]| {
            let code = u32::from_val(args.first());
            let code = ctx
                .try_borrow_mut()
                .map_err(|_| reentered())?
                .proc_exit(code);
            Err(Trap::exit(code))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preview1_function_is_listed_once() {
        let mut names: Vec<&str> = SIGNATURES.iter().map(|(n, _)| *n).collect();
        names.push("proc_exit");
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicates");
        assert_eq!(names.len(), 46, "wasi_snapshot_preview1 has 46 functions");
    }

    #[test]
    fn signatures_match_the_witx() {
        use ValType::{I32, I64};
        let sig = |name: &str| {
            SIGNATURES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, p)| p.to_vec())
        };
        assert_eq!(sig("fd_write"), Some(vec![I32, I32, I32, I32]));
        assert_eq!(sig("clock_time_get"), Some(vec![I32, I64, I32]));
        assert_eq!(sig("fd_seek"), Some(vec![I32, I64, I32, I32]));
        assert_eq!(sig("fd_readdir"), Some(vec![I32, I32, I32, I64, I32]));
        assert_eq!(
            sig("path_open"),
            Some(vec![I32, I32, I32, I32, I32, I64, I64, I32, I32])
        );
        assert_eq!(
            sig("path_filestat_set_times"),
            Some(vec![I32, I32, I32, I32, I64, I64, I32])
        );
        assert_eq!(sig("fd_advise"), Some(vec![I32, I64, I64, I32]));
        assert_eq!(sig("sched_yield"), Some(vec![]));
        assert_eq!(sig("sock_recv"), Some(vec![I32; 6]));
    }

    #[test]
    fn errno_values() {
        assert_eq!(errno_val(Ok(())), Val::I32(0));
        assert_eq!(errno_val(Err(Errno::Fault)), Val::I32(21));
    }
}
