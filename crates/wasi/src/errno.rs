//! `errno`: the error codes WASI preview1 functions return, and how host I/O errors map onto them.
//!
//! Values are those of the `errno` enum in `wasi_snapshot_preview1.witx`. A host function returns
//! `Ok(())` (errno `success`) or one of these; traps are not errnos and are handled by the
//! function registrations.

use std::fmt;
use std::io;

/// A WASI preview1 error code (`errno`, a `u16` in the guest ABI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
#[allow(
    missing_docs,
    reason = "the variants are the witx names; see Errno::name"
)]
pub enum Errno {
    Success = 0,
    TooBig = 1,
    Acces = 2,
    Addrinuse = 3,
    Addrnotavail = 4,
    Afnosupport = 5,
    Again = 6,
    Already = 7,
    Badf = 8,
    Badmsg = 9,
    Busy = 10,
    Canceled = 11,
    Child = 12,
    Connaborted = 13,
    Connrefused = 14,
    Connreset = 15,
    Deadlk = 16,
    Destaddrreq = 17,
    Dom = 18,
    Dquot = 19,
    Exist = 20,
    Fault = 21,
    Fbig = 22,
    Hostunreach = 23,
    Idrm = 24,
    Ilseq = 25,
    Inprogress = 26,
    Intr = 27,
    Inval = 28,
    Io = 29,
    Isconn = 30,
    Isdir = 31,
    Loop = 32,
    Mfile = 33,
    Mlink = 34,
    Msgsize = 35,
    Multihop = 36,
    Nametoolong = 37,
    Netdown = 38,
    Netreset = 39,
    Netunreach = 40,
    Nfile = 41,
    Nobufs = 42,
    Nodev = 43,
    Noent = 44,
    Noexec = 45,
    Nolck = 46,
    Nolink = 47,
    Nomem = 48,
    Nomsg = 49,
    Noprotoopt = 50,
    Nospc = 51,
    Nosys = 52,
    Notconn = 53,
    Notdir = 54,
    Notempty = 55,
    Notrecoverable = 56,
    Notsock = 57,
    Notsup = 58,
    Notty = 59,
    Nxio = 60,
    Overflow = 61,
    Ownerdead = 62,
    Perm = 63,
    Pipe = 64,
    Proto = 65,
    Protonosupport = 66,
    Prototype = 67,
    Range = 68,
    Rofs = 69,
    Spipe = 70,
    Srch = 71,
    Stale = 72,
    Timedout = 73,
    Txtbsy = 74,
    Xdev = 75,
    Notcapable = 76,
}

/// Every errno in numeric order; `ALL[n] as u16 == n`.
const ALL: [Errno; 77] = {
    use Errno::*;
    [
        Success,
        TooBig,
        Acces,
        Addrinuse,
        Addrnotavail,
        Afnosupport,
        Again,
        Already,
        Badf,
        Badmsg,
        Busy,
        Canceled,
        Child,
        Connaborted,
        Connrefused,
        Connreset,
        Deadlk,
        Destaddrreq,
        Dom,
        Dquot,
        Exist,
        Fault,
        Fbig,
        Hostunreach,
        Idrm,
        Ilseq,
        Inprogress,
        Intr,
        Inval,
        Io,
        Isconn,
        Isdir,
        Loop,
        Mfile,
        Mlink,
        Msgsize,
        Multihop,
        Nametoolong,
        Netdown,
        Netreset,
        Netunreach,
        Nfile,
        Nobufs,
        Nodev,
        Noent,
        Noexec,
        Nolck,
        Nolink,
        Nomem,
        Nomsg,
        Noprotoopt,
        Nospc,
        Nosys,
        Notconn,
        Notdir,
        Notempty,
        Notrecoverable,
        Notsock,
        Notsup,
        Notty,
        Nxio,
        Overflow,
        Ownerdead,
        Perm,
        Pipe,
        Proto,
        Protonosupport,
        Prototype,
        Range,
        Rofs,
        Spipe,
        Srch,
        Stale,
        Timedout,
        Txtbsy,
        Xdev,
        Notcapable,
    ]
};

/// The witx names, indexed by value.
const NAMES: [&str; 77] = [
    "success",
    "2big",
    "acces",
    "addrinuse",
    "addrnotavail",
    "afnosupport",
    "again",
    "already",
    "badf",
    "badmsg",
    "busy",
    "canceled",
    "child",
    "connaborted",
    "connrefused",
    "connreset",
    "deadlk",
    "destaddrreq",
    "dom",
    "dquot",
    "exist",
    "fault",
    "fbig",
    "hostunreach",
    "idrm",
    "ilseq",
    "inprogress",
    "intr",
    "inval",
    "io",
    "isconn",
    "isdir",
    "loop",
    "mfile",
    "mlink",
    "msgsize",
    "multihop",
    "nametoolong",
    "netdown",
    "netreset",
    "netunreach",
    "nfile",
    "nobufs",
    "nodev",
    "noent",
    "noexec",
    "nolck",
    "nolink",
    "nomem",
    "nomsg",
    "noprotoopt",
    "nospc",
    "nosys",
    "notconn",
    "notdir",
    "notempty",
    "notrecoverable",
    "notsock",
    "notsup",
    "notty",
    "nxio",
    "overflow",
    "ownerdead",
    "perm",
    "pipe",
    "proto",
    "protonosupport",
    "prototype",
    "range",
    "rofs",
    "spipe",
    "srch",
    "stale",
    "timedout",
    "txtbsy",
    "xdev",
    "notcapable",
];

impl Errno {
    /// The guest-visible value.
    pub fn raw(self) -> u16 {
        self as u16
    }

    /// The errno with guest-visible value `raw`, if there is one.
    pub fn from_raw(raw: u16) -> Option<Errno> {
        ALL.get(usize::from(raw)).copied()
    }

    /// The witx name (`"badf"`, `"noent"`, ...).
    pub fn name(self) -> &'static str {
        NAMES[self as usize]
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "errno {} ({})", self.raw(), self.name())
    }
}

impl From<io::Error> for Errno {
    fn from(e: io::Error) -> Errno {
        Errno::from(&e)
    }
}

impl From<&io::Error> for Errno {
    fn from(e: &io::Error) -> Errno {
        if let Some(errno) = e.raw_os_error().and_then(from_os_errno) {
            return errno;
        }
        from_kind(e.kind())
    }
}

#[cfg(unix)]
impl From<rustix::io::Errno> for Errno {
    fn from(e: rustix::io::Errno) -> Errno {
        from_os_errno(e.raw_os_error()).unwrap_or(Errno::Io)
    }
}

/// Maps an error without an OS code (cap-std's own errors among them) by its kind.
///
/// cap-std reports sandbox escapes (absolute paths, `..` past the root, symlinks leading out) as
/// `PermissionDenied` without an OS code: they become `perm`, as in wasmtime.
fn from_kind(kind: io::ErrorKind) -> Errno {
    use io::ErrorKind as K;
    match kind {
        K::NotFound => Errno::Noent,
        K::PermissionDenied => Errno::Perm,
        K::ConnectionRefused => Errno::Connrefused,
        K::ConnectionReset => Errno::Connreset,
        K::HostUnreachable => Errno::Hostunreach,
        K::NetworkUnreachable => Errno::Netunreach,
        K::ConnectionAborted => Errno::Connaborted,
        K::NotConnected => Errno::Notconn,
        K::AddrInUse => Errno::Addrinuse,
        K::AddrNotAvailable => Errno::Addrnotavail,
        K::NetworkDown => Errno::Netdown,
        K::BrokenPipe => Errno::Pipe,
        K::AlreadyExists => Errno::Exist,
        K::WouldBlock => Errno::Again,
        K::NotADirectory => Errno::Notdir,
        K::IsADirectory => Errno::Isdir,
        K::DirectoryNotEmpty => Errno::Notempty,
        K::ReadOnlyFilesystem => Errno::Rofs,
        K::StaleNetworkFileHandle => Errno::Stale,
        K::InvalidInput => Errno::Inval,
        K::InvalidData => Errno::Ilseq,
        K::TimedOut => Errno::Timedout,
        K::StorageFull => Errno::Nospc,
        K::NotSeekable => Errno::Spipe,
        K::QuotaExceeded => Errno::Dquot,
        K::FileTooLarge => Errno::Fbig,
        K::ResourceBusy => Errno::Busy,
        K::ExecutableFileBusy => Errno::Txtbsy,
        K::Deadlock => Errno::Deadlk,
        K::CrossesDevices => Errno::Xdev,
        K::TooManyLinks => Errno::Mlink,
        K::InvalidFilename => Errno::Nametoolong,
        K::ArgumentListTooLong => Errno::TooBig,
        K::Interrupted => Errno::Intr,
        K::Unsupported => Errno::Notsup,
        K::OutOfMemory => Errno::Nomem,
        _ => Errno::Io,
    }
}

/// Maps a host OS error number.
#[cfg(unix)]
fn from_os_errno(code: i32) -> Option<Errno> {
    use rustix::io::Errno as E;
    let e = E::from_raw_os_error(code);
    // `match` cannot be used: some of these are aliases of each other on some platforms.
    let table: &[(E, Errno)] = &[
        (E::TOOBIG, Errno::TooBig),
        (E::ACCESS, Errno::Acces),
        (E::ADDRINUSE, Errno::Addrinuse),
        (E::ADDRNOTAVAIL, Errno::Addrnotavail),
        (E::AFNOSUPPORT, Errno::Afnosupport),
        (E::AGAIN, Errno::Again),
        (E::WOULDBLOCK, Errno::Again),
        (E::ALREADY, Errno::Already),
        (E::BADF, Errno::Badf),
        (E::BADMSG, Errno::Badmsg),
        (E::BUSY, Errno::Busy),
        (E::CANCELED, Errno::Canceled),
        (E::CHILD, Errno::Child),
        (E::CONNABORTED, Errno::Connaborted),
        (E::CONNREFUSED, Errno::Connrefused),
        (E::CONNRESET, Errno::Connreset),
        (E::DEADLK, Errno::Deadlk),
        (E::DESTADDRREQ, Errno::Destaddrreq),
        (E::DOM, Errno::Dom),
        (E::DQUOT, Errno::Dquot),
        (E::EXIST, Errno::Exist),
        (E::FAULT, Errno::Fault),
        (E::FBIG, Errno::Fbig),
        (E::HOSTUNREACH, Errno::Hostunreach),
        (E::IDRM, Errno::Idrm),
        (E::ILSEQ, Errno::Ilseq),
        (E::INPROGRESS, Errno::Inprogress),
        (E::INTR, Errno::Intr),
        (E::INVAL, Errno::Inval),
        (E::IO, Errno::Io),
        (E::ISCONN, Errno::Isconn),
        (E::ISDIR, Errno::Isdir),
        (E::LOOP, Errno::Loop),
        (E::MFILE, Errno::Mfile),
        (E::MLINK, Errno::Mlink),
        (E::MSGSIZE, Errno::Msgsize),
        (E::MULTIHOP, Errno::Multihop),
        (E::NAMETOOLONG, Errno::Nametoolong),
        (E::NETDOWN, Errno::Netdown),
        (E::NETRESET, Errno::Netreset),
        (E::NETUNREACH, Errno::Netunreach),
        (E::NFILE, Errno::Nfile),
        (E::NOBUFS, Errno::Nobufs),
        (E::NODEV, Errno::Nodev),
        (E::NOENT, Errno::Noent),
        (E::NOEXEC, Errno::Noexec),
        (E::NOLCK, Errno::Nolck),
        (E::NOLINK, Errno::Nolink),
        (E::NOMEM, Errno::Nomem),
        (E::NOMSG, Errno::Nomsg),
        (E::NOPROTOOPT, Errno::Noprotoopt),
        (E::NOSPC, Errno::Nospc),
        (E::NOSYS, Errno::Nosys),
        (E::NOTCONN, Errno::Notconn),
        (E::NOTDIR, Errno::Notdir),
        (E::NOTEMPTY, Errno::Notempty),
        (E::NOTRECOVERABLE, Errno::Notrecoverable),
        (E::NOTSOCK, Errno::Notsock),
        (E::NOTSUP, Errno::Notsup),
        (E::OPNOTSUPP, Errno::Notsup),
        (E::NOTTY, Errno::Notty),
        (E::NXIO, Errno::Nxio),
        (E::OVERFLOW, Errno::Overflow),
        (E::OWNERDEAD, Errno::Ownerdead),
        (E::PERM, Errno::Perm),
        (E::PIPE, Errno::Pipe),
        (E::PROTO, Errno::Proto),
        (E::PROTONOSUPPORT, Errno::Protonosupport),
        (E::PROTOTYPE, Errno::Prototype),
        (E::RANGE, Errno::Range),
        (E::ROFS, Errno::Rofs),
        (E::SPIPE, Errno::Spipe),
        (E::SRCH, Errno::Srch),
        (E::STALE, Errno::Stale),
        (E::TIMEDOUT, Errno::Timedout),
        (E::TXTBSY, Errno::Txtbsy),
        (E::XDEV, Errno::Xdev),
    ];
    table
        .iter()
        .find(|(host, _)| *host == e)
        .map(|&(_, wasi)| wasi)
}

/// Maps a host OS error number (non-unix hosts: by the error's kind only).
#[cfg(not(unix))]
fn from_os_errno(_code: i32) -> Option<Errno> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_witx() {
        for (i, e) in ALL.iter().enumerate() {
            assert_eq!(usize::from(e.raw()), i);
            assert_eq!(Errno::from_raw(e.raw()), Some(*e));
        }
        assert_eq!(Errno::from_raw(77), None);
        assert_eq!(Errno::Fault.raw(), 21);
        assert_eq!(Errno::Notcapable.raw(), 76);
        assert_eq!(Errno::Perm.name(), "perm");
        assert_eq!(Errno::TooBig.name(), "2big");
        assert_eq!(Errno::Badf.to_string(), "errno 8 (badf)");
    }

    #[test]
    fn io_errors_by_kind() {
        let e = |k| Errno::from(io::Error::from(k));
        assert_eq!(e(io::ErrorKind::NotFound), Errno::Noent);
        assert_eq!(e(io::ErrorKind::PermissionDenied), Errno::Perm);
        assert_eq!(e(io::ErrorKind::AlreadyExists), Errno::Exist);
        assert_eq!(e(io::ErrorKind::Other), Errno::Io);
        // cap-std's sandbox-escape error: no OS code, kind PermissionDenied.
        let escape = io::Error::new(io::ErrorKind::PermissionDenied, "a path led outside");
        assert_eq!(Errno::from(escape), Errno::Perm);
    }

    #[cfg(unix)]
    #[test]
    fn io_errors_by_os_code() {
        let os = |e: rustix::io::Errno| Errno::from(io::Error::from_raw_os_error(e.raw_os_error()));
        assert_eq!(os(rustix::io::Errno::NOENT), Errno::Noent);
        assert_eq!(os(rustix::io::Errno::ACCESS), Errno::Acces);
        assert_eq!(os(rustix::io::Errno::PERM), Errno::Perm);
        assert_eq!(os(rustix::io::Errno::LOOP), Errno::Loop);
        assert_eq!(os(rustix::io::Errno::NOTEMPTY), Errno::Notempty);
        assert_eq!(os(rustix::io::Errno::XDEV), Errno::Xdev);
        assert_eq!(os(rustix::io::Errno::AGAIN), Errno::Again);
        assert_eq!(os(rustix::io::Errno::OPNOTSUPP), Errno::Notsup);
        assert_eq!(os(rustix::io::Errno::SPIPE), Errno::Spipe);
    }
}
