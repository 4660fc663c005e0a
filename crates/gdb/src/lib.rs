//! A GDB remote stub with LLDB's WebAssembly extensions, built on `gdbstub` and
//! `gdbstub_arch::wasm`.
//!
//! Stock LLDB (≥ 23, with its `wasm` process plugin) connects with
//! `process connect --plugin wasm connect://127.0.0.1:PORT` or launches `wdb` through its
//! `wasm` platform. The stub serves one connection on the caller's thread and drives the
//! debuggee through [`WasmTarget`], a wasm-level interface the engine implements.
//!
//! ```no_run
//! use std::net::TcpListener;
//! use wdb_gdb::{OnDisconnect, Options, Outcome, WasmTarget};
//!
//! fn debug(target: &mut impl WasmTarget) -> Result<i32, Box<dyn std::error::Error>> {
//!     let listener = TcpListener::bind("127.0.0.1:1234")?;
//!     let (stream, _) = listener.accept()?;
//!     let options = Options { on_disconnect: OnDisconnect::RunToCompletion };
//!     Ok(match wdb_gdb::serve(stream, target, &options)? {
//!         Outcome::Exited(code) => code,
//!         Outcome::Trapped(message) => {
//!             eprintln!("wasm trap: {message}");
//!             134
//!         }
//!         Outcome::Killed => 137,
//!         Outcome::Detached => 0,
//!     })
//! }
//! ```
//!
//! # What LLDB gets
//!
//! * Handshake: `qSupported` (`PacketSize=20000`, no-ack mode, the library list),
//!   `QStartNoAckMode`, `qHostInfo`/`qProcessInfo` with the `wasm32-unknown-unknown-wasm`
//!   triple, one thread (id 1), one register (`pc`, 64 bits) described by `qRegisterInfo0`.
//! * Modules: `qXfer:libraries:read` lists every module instance at its `Object` address
//!   (`0x4000_0000_0000_0000 | id << 32`); `m` there reads the original module bytes.
//! * Stop replies carry the pc (`thread-pcs` and expedited register `00`) and the reason:
//!   `reason:breakpoint`, `reason:trace` (steps, the entry stop), `watch`/`rwatch`/`awatch`
//!   with the memory address, `T02` for an interrupt, `reason:exception` with the trap message
//!   for a trap, `W<code>` for an exit; continuing a trapped program answers `X<signal>`.
//! * `qWasmCallStack` (return addresses for callers), `qWasmLocal`, `qWasmGlobal` (frame and
//!   instance forms), `qWasmStackValue` (index 0 = bottom of the operand stack).
//! * `m`/`M` on linear memory (`Memory` addresses), `qMemoryRegionInfo` with gap regions,
//!   `Z0`/`z0` breakpoints on code addresses (reported at the address LLDB asked for when the
//!   engine slid one forward), `Z2`/`Z3`/`Z4` watchpoints, `c`/`s`/`vCont`, `0x03`, `k`, `D`.
//! * Everything else gets an empty reply and malformed packets an `E..` reply; the connection
//!   always stays usable.
//!
//! Each reply goes out in one write on a `TCP_NODELAY` socket.
//!
//! # API structure
//!
//! - [`serve()`] runs a session; [`Options`] says what happens when the client leaves early
//!   ([`OnDisconnect`]); [`Outcome`] says how the program ended.
//! - [`WasmTarget`] is what the engine implements, with [`CodeLoc`], [`StopReason`],
//!   [`WatchKind`] and [`ModuleImage`].
//! - [`Error`] is returned when no session could be run.
//!
//! Inside: `request` parses packets (the gate in front of gdbstub), `serve` is the event loop,
//! `link` the reader thread and interrupts, `conn` the single-write output, `framing` the
//! packet codec, `stub` the gdbstub `Target`, `debuggee` the state kept between packets,
//! `memory`, `wasm`, `breakpoints`, `libraries` and `stop` one protocol area each, `addr` the
//! address space.
//!
//! # Cargo features
//!
//! None.

#![deny(missing_docs)]
#![deny(missing_debug_implementations)]

mod addr;
mod breakpoints;
mod conn;
mod debuggee;
mod error;
mod framing;
mod hex;
mod libraries;
mod link;
mod memory;
mod request;
mod serve;
mod stop;
mod stub;
mod target;
mod wasm;

pub use error::{Error, Result};
pub use serve::serve;
pub use target::{CodeLoc, ModuleImage, StopReason, WasmTarget, WatchKind};

/// How [`serve()`] is to behave.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// What happens to the program when the client detaches (`D`) or the connection drops.
    pub on_disconnect: OnDisconnect,
}

/// What happens to the program when the client goes away while it is still alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnDisconnect {
    /// Remove the client's breakpoints and watchpoints and run the program to its end
    /// ([`Outcome::Detached`]), as GDB's detach does.
    #[default]
    RunToCompletion,
    /// Kill the program ([`Outcome::Killed`]).
    Kill,
}

/// How the program ended when [`serve()`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The program exited with this code while the client was attached.
    ///
    /// # Note
    ///
    /// Also returned when the program exited while the client was leaving (the exit was seen
    /// before the disconnect).
    Exited(i32),
    /// The program trapped with this message. Whatever the client did afterwards (continue,
    /// kill, detach), a trapped program has ended.
    Trapped(String),
    /// The client killed the program (`k`), or it left and [`OnDisconnect::Kill`] applied, or the
    /// host interrupted a program running to completion.
    Killed,
    /// The client went away, the program was resumed with breakpoints removed and finished:
    /// see [`OnDisconnect::RunToCompletion`].
    Detached,
}
