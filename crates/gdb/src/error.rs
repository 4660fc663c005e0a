//! Errors: [`Error`] ends [`serve()`](crate::serve()); [`ReplyError`] is an `E..` reply, after
//! which the session goes on.

/// Why [`serve()`](crate::serve()) could not run the session.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The connection could not be set up (`TCP_NODELAY`, cloning the socket, the reader thread).
    #[error("cannot set up the debugger connection: {0}")]
    Connection(#[from] std::io::Error),
    /// gdbstub failed internally. The stub only hands it packets it accepts, so this is a bug.
    #[error("internal error in the GDB stub: {0}")]
    Stub(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error replies the stub sends (`E` and two hex digits), by cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReplyError {
    /// `E01`: the packet is recognised but malformed (or corrupt on the wire).
    Malformed = 1,
    /// `E02`: no such thread.
    NoThread = 2,
    /// `E03`: no such frame, local, global, stack value or readable address.
    NotFound = 3,
    /// `E04`: no such module instance.
    NoInstance = 4,
    /// `E05`: not permitted (module images and the pc are read-only).
    ReadOnly = 5,
}

impl ReplyError {
    /// The error number.
    pub(crate) fn code(self) -> u8 {
        self as u8
    }

    /// The reply packet payload.
    pub(crate) fn payload(self) -> String {
        format!("E{:02x}", self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_errors_are_two_hex_digits() {
        assert_eq!(ReplyError::Malformed.payload(), "E01");
        assert_eq!(ReplyError::ReadOnly.payload(), "E05");
    }

    #[test]
    fn error_messages_say_what_failed() {
        let e = Error::from(std::io::Error::other("boom"));
        assert_eq!(e.to_string(), "cannot set up the debugger connection: boom");
    }
}
