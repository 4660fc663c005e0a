//! Errors of launching and driving a debuggee.

/// Why a debuggee could not be launched or an operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot load {path}: {source}")]
    Load {
        path: String,
        source: wdb_engine::Error,
    },
    #[error("{0}")]
    Wasi(#[from] wdb_wasi::Error),
    #[error("{0}")]
    Launch(String),
    /// A request that cannot be done as asked (bad location, nothing to watch...).
    #[error("{0}")]
    Usage(String),
    /// An expression or value problem, from the symbols layer.
    #[error("{0}")]
    Symbols(#[from] wdb_symbols::Error),
}
