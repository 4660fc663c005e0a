//! Every preview1 import links with its exact signature; wrong ones do not.

use wdb_engine::{Linker, Module, Store};
use wdb_wasi::WasiCtx;

use crate::harness::{Harness, PREVIEW1, shim_wat};

fn link(wat: &str) -> Result<(), wdb_engine::Error> {
    let ctx = std::rc::Rc::new(std::cell::RefCell::new(WasiCtx::builder().build()));
    let mut linker = Linker::new();
    wdb_wasi::add_to_linker(&mut linker, ctx);
    let module = Module::new(wat::parse_str(wat).unwrap()).unwrap();
    linker.instantiate(&mut Store::new(), &module).map(drop)
}

#[test]
fn all_46_functions_link() {
    assert_eq!(PREVIEW1.len(), 46);
    assert!(link(&shim_wat("")).is_ok());
    // And every wrapper can be found.
    let h = Harness::new(WasiCtx::builder());
    for (name, _) in PREVIEW1 {
        assert!(h.store.export(h.instance, name).is_some(), "{name}");
    }
}

#[test]
fn wrong_signatures_are_link_errors() {
    for import in [
        r#"(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32) (result i32)))"#,
        r#"(import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i32 i32) (result i32)))"#,
        r#"(import "wasi_snapshot_preview1" "proc_exit" (func (param i32) (result i32)))"#,
        r#"(import "wasi_snapshot_preview1" "fd_seek" (func (param i32 i64 i32 i32)))"#,
        r#"(import "wasi_snapshot_preview1" "fd_read_all" (func (param i32) (result i32)))"#,
    ] {
        let err = link(&format!("(module {import})")).expect_err(import);
        assert!(matches!(err, wdb_engine::Error::Link(_)), "{import}: {err}");
    }
}
