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
}
