//! Errors of DAP requests: each becomes an error response, and the adapter goes on.

/// Why a request failed; the text is shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<wdb_session::Error> for Error {
    fn from(e: wdb_session::Error) -> Error {
        Error(e.to_string())
    }
}

/// `Err(Error(format!(...)))`.
macro_rules! bail {
    ($($t:tt)*) => {
        return Err($crate::error::Error(format!($($t)*)))
    };
}
pub(crate) use bail;
