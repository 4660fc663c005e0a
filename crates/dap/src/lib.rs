//! wdb's Debug Adapter Protocol server: `wdb dap` for VS Code, nvim-dap, Zed, Helix and every
//! other DAP client, with no LLDB in between.
//!
//! # API structure
//! - [`serve`] runs one debug session over a byte stream (stdio, or a TCP connection from
//!   [`serve_tcp`]).
//! - `codec`: Content-Length framing, sans-IO. `protocol`: the envelope and the numbered
//!   writer. `server`: the reader thread and the run state it shares with the session thread.
//! - `adapter`: the [`wdb_session::Session`] owner and request dispatch, with one file per
//!   request family: `launch`, `breakpoints`, `stack` (threads, frames, scopes), `variables`
//!   (variables, evaluate, set*, completions), `execution`, `memory` (read/write,
//!   disassemble), `sources` (sources, modules).
//!
//! # Threads
//! The session (and the program) live on the calling thread. A reader thread decodes
//! requests and queues them; while the program runs it answers `pause` (through the engine's
//! interrupt handle) and `threads` itself, and refuses what needs a stopped program, so a
//! client is never left without an answer.
//!
//! ```no_run
//! // `wdb dap`: one session over stdio.
//! wdb_dap::serve(Box::new(std::io::stdin()), Box::new(std::io::stdout()));
//! ```

#![deny(missing_docs)]

mod adapter;
mod breakpoints;
pub mod codec;
mod error;
mod execution;
mod handles;
mod launch;
mod memory;
mod protocol;
mod server;
mod sources;
mod stack;
mod variables;

pub use error::Error;
pub use launch::LAUNCH_ATTRIBUTES;
pub use server::{serve, serve_tcp};
