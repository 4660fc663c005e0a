//! The `wasi_snapshot_preview1` functions, one file per family of the witx.
//!
//! Each function is a method of [`WasiCtx`](crate::WasiCtx) taking the guest's linear memory
//! (empty if the module has none) and the raw arguments, and returning `Ok(())` (errno `success`)
//! or an [`Errno`](crate::Errno). Result pointers are checked before any side effect, so a bad
//! pointer never leaves an operation half done. The registrations in `linker.rs` unpack the wasm
//! values and turn the result into the errno return value.

#![allow(
    clippy::too_many_arguments,
    reason = "the functions take the witx signatures"
)]

mod args;
mod clock;
mod fd;
mod path;
mod poll;
mod proc;
mod sock;
