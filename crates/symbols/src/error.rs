//! Errors of the symbols layer.

/// Why debug information could not be read or a value could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The wasm module itself could not be read far enough to find its sections.
    #[error("malformed wasm module: {0}")]
    Wasm(String),
    /// DWARF is present but malformed at this place.
    #[error("bad DWARF: {0}")]
    Dwarf(String),
    /// A value or location could not be produced (optimized out, unsupported operation...).
    #[error("{0}")]
    Unavailable(String),
    /// An expression is wrong (unknown name, bad operand types...).
    #[error("{0}")]
    Expr(String),
}

impl From<gimli::Error> for Error {
    fn from(e: gimli::Error) -> Self {
        Error::Dwarf(e.to_string())
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
