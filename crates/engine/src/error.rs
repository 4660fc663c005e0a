//! Errors of loading, linking and instantiating modules.

use crate::Trap;

/// An error before or during instantiation. Traps at run time are [`Trap`]s.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not a valid WebAssembly module.
    #[error("invalid module: {message} (at byte offset 0x{offset:x})")]
    Invalid { message: String, offset: usize },
    /// The module uses a feature the engine does not implement.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// An import could not be resolved or has the wrong type.
    #[error("link error: {0}")]
    Link(String),
    /// Instantiation failed (segment out of bounds, start function trapped).
    #[error("instantiation failed: {0}")]
    Instantiate(Trap),
}

impl From<wasmparser::BinaryReaderError> for Error {
    fn from(e: wasmparser::BinaryReaderError) -> Error {
        Error::Invalid {
            message: e.message().to_string(),
            offset: e.offset() as usize,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
