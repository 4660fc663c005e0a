//! Errors of setting up a WASI context. Errors the guest sees are [`Errno`](crate::Errno)s.

use std::path::PathBuf;

/// An error while building a [`WasiCtx`](crate::WasiCtx).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A directory to preopen could not be opened.
    #[error("cannot preopen directory {}: {source}", host.display())]
    Preopen {
        /// The host path given.
        host: PathBuf,
        /// Why it could not be opened.
        source: std::io::Error,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preopen_error_names_the_directory() {
        let e = crate::WasiCtx::builder()
            .preopen_dir("/definitely/not/a/dir", "/data")
            .expect_err("missing directory");
        assert!(matches!(e, Error::Preopen { .. }));
        let msg = e.to_string();
        assert!(msg.contains("/definitely/not/a/dir"), "{msg}");
        assert!(msg.contains("cannot preopen"), "{msg}");
    }
}
