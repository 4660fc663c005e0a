//! wdb's symbols layer: the DWARF and the name section of a wasm module.
//!
//! [`Symbols`] answers source-level questions about one module: pc <-> `file:line`,
//! functions and inlined frames, breakpoint sites, variables in scope, types, and values
//! rendered the way gdb prints them. It never sees the engine: runtime state (locals,
//! globals, operand stack, linear memory) comes through the [`FrameAccess`] trait.
//!
//! # API structure
//! - [`Symbols::new`] reads the sections (DWARF, `name`, `external_debug_info`); each DWARF
//!   unit is parsed on first use, and malformed DWARF becomes [`Symbols::warnings`].
//! - Lines: [`Symbols::line_row`], [`Symbols::location`], [`Symbols::line_sites`].
//! - Functions and frames: [`Symbols::function_sites`], [`Symbols::frames`].
//! - Variables: [`Symbols::variables`], [`Symbols::global`]; values: [`Value`],
//!   [`Symbols::format`], [`Symbols::children`]; expressions: [`Symbols::evaluate`].
//!
//! Code addresses are module offsets (from the first byte of the `.wasm` file), as in the
//! engine; DWARF's code-section-relative addresses never leave this crate.

mod dwarf;
mod error;
pub mod expr;
mod index;
mod names;
mod symbols;
mod types;
mod value;
mod vars;
mod wasm;

pub use error::{Error, Result};
pub use names::{demangle, demangle_function};
pub use symbols::{FunctionSite, LineRow, LineSite, SourceFrame, SourceLoc, Symbols};
pub use types::{Aggregate, Encoding, Member, Qualifier, Type, TypeRef};
pub use value::{Child, Place, ScalarKind, Value, char_literal, format_char_runs, format_g};
pub use vars::{FrameAccess, VarKind, Variable, WasmValue};
