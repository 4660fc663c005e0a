//! The preview1 ABI: constants, flags and the byte layout of every record the functions read or
//! write, as in `wasi_snapshot_preview1.witx` (wasm32: pointers and `size` are 4 bytes).
//!
//! Records are encoded to and decoded from little-endian byte arrays; padding bytes are written
//! as zeros.

use crate::errno::Errno;

/// `filetype` (u8).
#[allow(dead_code, reason = "the complete witx enum")]
pub(crate) mod filetype {
    pub(crate) const UNKNOWN: u8 = 0;
    pub(crate) const BLOCK_DEVICE: u8 = 1;
    pub(crate) const CHARACTER_DEVICE: u8 = 2;
    pub(crate) const DIRECTORY: u8 = 3;
    pub(crate) const REGULAR_FILE: u8 = 4;
    pub(crate) const SOCKET_DGRAM: u8 = 5;
    pub(crate) const SOCKET_STREAM: u8 = 6;
    pub(crate) const SYMBOLIC_LINK: u8 = 7;
}

/// `fdflags` (u16).
pub(crate) mod fdflags {
    pub(crate) const APPEND: u16 = 1 << 0;
    pub(crate) const DSYNC: u16 = 1 << 1;
    pub(crate) const NONBLOCK: u16 = 1 << 2;
    pub(crate) const RSYNC: u16 = 1 << 3;
    pub(crate) const SYNC: u16 = 1 << 4;
    pub(crate) const ALL: u16 = (1 << 5) - 1;
}

/// `oflags` (u16).
pub(crate) mod oflags {
    pub(crate) const CREAT: u16 = 1 << 0;
    pub(crate) const DIRECTORY: u16 = 1 << 1;
    pub(crate) const EXCL: u16 = 1 << 2;
    pub(crate) const TRUNC: u16 = 1 << 3;
    pub(crate) const ALL: u16 = (1 << 4) - 1;
}

/// `lookupflags` (u32).
pub(crate) mod lookupflags {
    pub(crate) const SYMLINK_FOLLOW: u32 = 1 << 0;
    pub(crate) const ALL: u32 = 1;
}

/// `fstflags` (u16).
pub(crate) mod fstflags {
    pub(crate) const ATIM: u16 = 1 << 0;
    pub(crate) const ATIM_NOW: u16 = 1 << 1;
    pub(crate) const MTIM: u16 = 1 << 2;
    pub(crate) const MTIM_NOW: u16 = 1 << 3;
    pub(crate) const ALL: u16 = (1 << 4) - 1;
}

/// `whence` (u8).
pub(crate) mod whence {
    pub(crate) const SET: u8 = 0;
    pub(crate) const CUR: u8 = 1;
    pub(crate) const END: u8 = 2;
}

/// `advice` (u8): `normal` .. `noreuse`.
pub(crate) mod advice {
    pub(crate) const NORMAL: u8 = 0;
    pub(crate) const SEQUENTIAL: u8 = 1;
    pub(crate) const RANDOM: u8 = 2;
    pub(crate) const WILLNEED: u8 = 3;
    pub(crate) const DONTNEED: u8 = 4;
    pub(crate) const NOREUSE: u8 = 5;
}

/// `clockid` (u32).
pub(crate) mod clockid {
    pub(crate) const REALTIME: u32 = 0;
    pub(crate) const MONOTONIC: u32 = 1;
    pub(crate) const PROCESS_CPUTIME_ID: u32 = 2;
    pub(crate) const THREAD_CPUTIME_ID: u32 = 3;
}

/// `eventtype` (u8).
pub(crate) mod eventtype {
    pub(crate) const CLOCK: u8 = 0;
    pub(crate) const FD_READ: u8 = 1;
    pub(crate) const FD_WRITE: u8 = 2;
}

/// `subclockflags` (u16).
pub(crate) mod subclockflags {
    pub(crate) const ABSTIME: u16 = 1 << 0;
    pub(crate) const ALL: u16 = 1;
}

/// `eventrwflags` (u16).
pub(crate) mod eventrwflags {
    pub(crate) const FD_READWRITE_HANGUP: u16 = 1 << 0;
}

/// `preopentype` (u8).
pub(crate) const PREOPENTYPE_DIR: u8 = 0;

/// `signal` (u8): the largest valid value (`sys`).
pub(crate) const SIGNAL_MAX: u32 = 30;

/// `rights` (u64).
#[allow(dead_code, reason = "the complete witx flags")]
pub(crate) mod rights {
    pub(crate) const FD_DATASYNC: u64 = 1 << 0;
    pub(crate) const FD_READ: u64 = 1 << 1;
    pub(crate) const FD_SEEK: u64 = 1 << 2;
    pub(crate) const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub(crate) const FD_SYNC: u64 = 1 << 4;
    pub(crate) const FD_TELL: u64 = 1 << 5;
    pub(crate) const FD_WRITE: u64 = 1 << 6;
    pub(crate) const FD_ADVISE: u64 = 1 << 7;
    pub(crate) const FD_ALLOCATE: u64 = 1 << 8;
    pub(crate) const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub(crate) const PATH_CREATE_FILE: u64 = 1 << 10;
    pub(crate) const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub(crate) const PATH_LINK_TARGET: u64 = 1 << 12;
    pub(crate) const PATH_OPEN: u64 = 1 << 13;
    pub(crate) const FD_READDIR: u64 = 1 << 14;
    pub(crate) const PATH_READLINK: u64 = 1 << 15;
    pub(crate) const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub(crate) const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub(crate) const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub(crate) const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub(crate) const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub(crate) const FD_FILESTAT_GET: u64 = 1 << 21;
    pub(crate) const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub(crate) const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub(crate) const PATH_SYMLINK: u64 = 1 << 24;
    pub(crate) const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub(crate) const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub(crate) const POLL_FD_READWRITE: u64 = 1 << 27;
    pub(crate) const SOCK_SHUTDOWN: u64 = 1 << 28;
    pub(crate) const SOCK_ACCEPT: u64 = 1 << 29;
    pub(crate) const ALL: u64 = (1 << 30) - 1;

    /// The base rights reported for a preopened directory: the set many guest libcs expect.
    pub(crate) const PREOPEN_DIR_BASE: u64 = PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES;

    /// The inheriting rights reported for a preopened directory.
    pub(crate) const PREOPEN_DIR_INHERITING: u64 = PREOPEN_DIR_BASE
        | FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;
}

/// Checks that `value` only has bits of `valid` set (`inval` otherwise).
pub(crate) fn check_flags(value: u64, valid: u64) -> Result<(), Errno> {
    if value & !valid == 0 {
        Ok(())
    } else {
        Err(Errno::Inval)
    }
}

/// Narrows a guest `u32` argument holding a smaller integer type (`u8`, `u16`); values that do
/// not fit are `inval`, as an invalid enum or flags value is.
pub(crate) fn narrow<T: TryFrom<u32>>(value: u32) -> Result<T, Errno> {
    T::try_from(value).map_err(|_| Errno::Inval)
}

/// `filestat`: 64 bytes, align 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Filestat {
    pub(crate) dev: u64,
    pub(crate) ino: u64,
    pub(crate) filetype: u8,
    pub(crate) nlink: u64,
    pub(crate) size: u64,
    pub(crate) atim: u64,
    pub(crate) mtim: u64,
    pub(crate) ctim: u64,
}

impl Filestat {
    pub(crate) const SIZE: usize = 64;

    pub(crate) fn encode(&self) -> [u8; Self::SIZE] {
        let mut b = [0; Self::SIZE];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16] = self.filetype;
        b[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        b[32..40].copy_from_slice(&self.size.to_le_bytes());
        b[40..48].copy_from_slice(&self.atim.to_le_bytes());
        b[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        b[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        b
    }
}

/// `fdstat`: 24 bytes, align 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fdstat {
    pub(crate) filetype: u8,
    pub(crate) flags: u16,
    pub(crate) rights_base: u64,
    pub(crate) rights_inheriting: u64,
}

impl Fdstat {
    pub(crate) const SIZE: usize = 24;

    pub(crate) fn encode(&self) -> [u8; Self::SIZE] {
        let mut b = [0; Self::SIZE];
        b[0] = self.filetype;
        b[2..4].copy_from_slice(&self.flags.to_le_bytes());
        b[8..16].copy_from_slice(&self.rights_base.to_le_bytes());
        b[16..24].copy_from_slice(&self.rights_inheriting.to_le_bytes());
        b
    }
}

/// `prestat` of a directory: 8 bytes (`tag: u8`, `pr_name_len: u32` at offset 4).
pub(crate) fn encode_prestat_dir(name_len: u32) -> [u8; 8] {
    let mut b = [0; 8];
    b[0] = PREOPENTYPE_DIR;
    b[4..8].copy_from_slice(&name_len.to_le_bytes());
    b
}

/// `dirent`: a 24-byte header, followed in `fd_readdir`'s buffer by the name (not
/// NUL-terminated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dirent {
    /// The cookie of the next entry.
    pub(crate) next: u64,
    pub(crate) ino: u64,
    pub(crate) namlen: u32,
    pub(crate) filetype: u8,
}

impl Dirent {
    pub(crate) const SIZE: usize = 24;

    pub(crate) fn encode(&self) -> [u8; Self::SIZE] {
        let mut b = [0; Self::SIZE];
        b[0..8].copy_from_slice(&self.next.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16..20].copy_from_slice(&self.namlen.to_le_bytes());
        b[20] = self.filetype;
        b
    }
}

/// `event`: 32 bytes, align 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) userdata: u64,
    pub(crate) error: Errno,
    pub(crate) kind: u8,
    /// `fd_readwrite.nbytes` (0 for clock events).
    pub(crate) nbytes: u64,
    /// `fd_readwrite.flags` (0 for clock events).
    pub(crate) flags: u16,
}

impl Event {
    pub(crate) const SIZE: usize = 32;

    pub(crate) fn encode(&self) -> [u8; Self::SIZE] {
        let mut b = [0; Self::SIZE];
        b[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&self.error.raw().to_le_bytes());
        b[10] = self.kind;
        b[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        b[24..26].copy_from_slice(&self.flags.to_le_bytes());
        b
    }
}

/// What a `subscription` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubscriptionKind {
    Clock {
        id: u32,
        timeout: u64,
        precision: u64,
        flags: u16,
    },
    FdRead(u32),
    FdWrite(u32),
}

/// `subscription`: 48 bytes: `userdata: u64`, then the union `subscription_u` at offset 8 (tag
/// `u8`, contents at offset 16: `subscription_clock` is `id: u32`, `timeout: u64` at 24,
/// `precision: u64` at 32, `flags: u16` at 40; `subscription_fd_readwrite` is `fd: u32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Subscription {
    pub(crate) userdata: u64,
    pub(crate) kind: SubscriptionKind,
}

impl Subscription {
    pub(crate) const SIZE: usize = 48;

    /// Decodes one subscription; an unknown tag or invalid clock flags are `inval`.
    pub(crate) fn decode(b: &[u8; Self::SIZE]) -> Result<Subscription, Errno> {
        let u64_at = |o: usize| {
            let mut a = [0; 8];
            a.copy_from_slice(&b[o..o + 8]);
            u64::from_le_bytes(a)
        };
        let u32_at = |o: usize| u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
        let userdata = u64_at(0);
        let kind = match b[8] {
            eventtype::CLOCK => {
                let flags = u16::from_le_bytes([b[40], b[41]]);
                check_flags(u64::from(flags), u64::from(subclockflags::ALL))?;
                SubscriptionKind::Clock {
                    id: u32_at(16),
                    timeout: u64_at(24),
                    precision: u64_at(32),
                    flags,
                }
            }
            eventtype::FD_READ => SubscriptionKind::FdRead(u32_at(16)),
            eventtype::FD_WRITE => SubscriptionKind::FdWrite(u32_at(16)),
            _ => return Err(Errno::Inval),
        };
        Ok(Subscription { userdata, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filestat_layout() {
        let st = Filestat {
            dev: 1,
            ino: 2,
            filetype: filetype::REGULAR_FILE,
            nlink: 3,
            size: 4,
            atim: 5,
            mtim: 6,
            ctim: 7,
        };
        let b = st.encode();
        assert_eq!(b.len(), 64);
        assert_eq!(b[0], 1);
        assert_eq!(b[8], 2);
        assert_eq!(b[16], 4);
        assert_eq!(&b[17..24], &[0; 7], "padding");
        assert_eq!(b[24], 3);
        assert_eq!(b[32], 4);
        assert_eq!(b[40], 5);
        assert_eq!(b[48], 6);
        assert_eq!(b[56], 7);
    }

    #[test]
    fn fdstat_layout() {
        let b = Fdstat {
            filetype: filetype::DIRECTORY,
            flags: fdflags::APPEND | fdflags::NONBLOCK,
            rights_base: rights::FD_READ,
            rights_inheriting: rights::ALL,
        }
        .encode();
        assert_eq!(b.len(), 24);
        assert_eq!(b[0], 3);
        assert_eq!(b[1], 0);
        assert_eq!(u16::from_le_bytes([b[2], b[3]]), 5);
        assert_eq!(u64::from_le_bytes(b[8..16].try_into().unwrap()), 2);
        assert_eq!(
            u64::from_le_bytes(b[16..24].try_into().unwrap()),
            (1 << 30) - 1
        );
    }

    #[test]
    fn prestat_and_dirent_layout() {
        assert_eq!(encode_prestat_dir(5), [0, 0, 0, 0, 5, 0, 0, 0]);
        let b = Dirent {
            next: 3,
            ino: 0x0102,
            namlen: 4,
            filetype: filetype::SYMBOLIC_LINK,
        }
        .encode();
        assert_eq!(b.len(), 24);
        assert_eq!(b[0], 3);
        assert_eq!(&b[8..10], &[2, 1]);
        assert_eq!(b[16], 4);
        assert_eq!(b[20], 7);
        assert_eq!(&b[21..24], &[0; 3]);
    }

    #[test]
    fn event_layout() {
        let b = Event {
            userdata: 0xdead,
            error: Errno::Badf,
            kind: eventtype::FD_READ,
            nbytes: 9,
            flags: eventrwflags::FD_READWRITE_HANGUP,
        }
        .encode();
        assert_eq!(b.len(), 32);
        assert_eq!(&b[0..2], &[0xad, 0xde]);
        assert_eq!(&b[8..10], &[8, 0]);
        assert_eq!(b[10], 1);
        assert_eq!(b[16], 9);
        assert_eq!(b[24], 1);
    }

    #[test]
    fn subscription_decoding() {
        let mut b = [0u8; 48];
        b[0..8].copy_from_slice(&42u64.to_le_bytes());
        b[8] = eventtype::CLOCK;
        b[16..20].copy_from_slice(&clockid::MONOTONIC.to_le_bytes());
        b[24..32].copy_from_slice(&1_000u64.to_le_bytes());
        b[32..40].copy_from_slice(&7u64.to_le_bytes());
        b[40..42].copy_from_slice(&subclockflags::ABSTIME.to_le_bytes());
        assert_eq!(
            Subscription::decode(&b),
            Ok(Subscription {
                userdata: 42,
                kind: SubscriptionKind::Clock {
                    id: 1,
                    timeout: 1000,
                    precision: 7,
                    flags: 1
                },
            })
        );
        b[40] = 2;
        assert_eq!(Subscription::decode(&b), Err(Errno::Inval));
        b[8] = eventtype::FD_WRITE;
        b[16..20].copy_from_slice(&5u32.to_le_bytes());
        assert_eq!(
            Subscription::decode(&b).map(|s| s.kind),
            Ok(SubscriptionKind::FdWrite(5))
        );
        b[8] = 3;
        assert_eq!(Subscription::decode(&b), Err(Errno::Inval));
    }

    #[test]
    fn flags_validation() {
        assert_eq!(check_flags(0b1111, u64::from(oflags::ALL)), Ok(()));
        assert_eq!(
            check_flags(0b1_0000, u64::from(oflags::ALL)),
            Err(Errno::Inval)
        );
        assert_eq!(narrow::<u8>(255), Ok(255));
        assert_eq!(narrow::<u8>(256), Err(Errno::Inval));
        assert_eq!(narrow::<u16>(0x1_0000), Err(Errno::Inval));
    }
}
