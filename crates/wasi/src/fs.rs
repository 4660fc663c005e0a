//! Filesystem operations on cap-std handles: opening, stat, directory listings, timestamps.
//!
//! Every path the guest names is resolved by cap-std relative to a directory handle the guest
//! holds. cap-std refuses absolute paths, `..` past that directory and symlinks that lead out of
//! it (`PermissionDenied`, which becomes errno `perm` as in wasmtime), so nothing here checks
//! paths itself.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cap_fs_ext::{
    DirExt, FileTypeExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt,
    OpenOptionsSyncExt, SystemTimeSpec,
};
use cap_std::fs::{Dir, File, Metadata, OpenOptions};

use crate::errno::Errno;
use crate::types::{Dirent, Filestat, fdflags, filetype, fstflags, oflags};

/// Turns guest path bytes into a host path. On Unix any bytes are accepted (paths are bytes
/// there); elsewhere they must be UTF-8 (`ilseq` otherwise).
pub(crate) fn guest_path(bytes: &[u8]) -> Result<PathBuf, Errno> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes)
            .map(PathBuf::from)
            .map_err(|_| Errno::Ilseq)
    }
}

/// The preview1 `filetype` of a host file type.
pub(crate) fn filetype_of(ft: &cap_std::fs::FileType) -> u8 {
    if ft.is_dir() {
        filetype::DIRECTORY
    } else if ft.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if ft.is_file() {
        filetype::REGULAR_FILE
    } else if FileTypeExt::is_block_device(ft) {
        filetype::BLOCK_DEVICE
    } else if FileTypeExt::is_char_device(ft) {
        filetype::CHARACTER_DEVICE
    } else if FileTypeExt::is_socket(ft) {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

/// Nanoseconds since the Unix epoch of `secs.nsec`; 0 for times before the epoch, saturating.
fn timestamp_ns(secs: i64, nsec: i64) -> u64 {
    let Ok(secs) = u64::try_from(secs) else {
        return 0;
    };
    let nsec = u64::try_from(nsec).unwrap_or(0);
    secs.saturating_mul(1_000_000_000).saturating_add(nsec)
}

/// The `filestat` of host metadata (real device and inode numbers).
pub(crate) fn filestat(meta: &Metadata) -> Filestat {
    #[cfg(unix)]
    {
        use cap_std::fs::MetadataExt;
        Filestat {
            dev: meta.dev(),
            ino: meta.ino(),
            filetype: filetype_of(&meta.file_type()),
            nlink: meta.nlink(),
            size: meta.len(),
            atim: timestamp_ns(meta.atime(), meta.atime_nsec()),
            mtim: timestamp_ns(meta.mtime(), meta.mtime_nsec()),
            ctim: timestamp_ns(meta.ctime(), meta.ctime_nsec()),
        }
    }
    #[cfg(not(unix))]
    {
        use cap_fs_ext::MetadataExt;
        let ns = |t: io::Result<cap_std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.into_std().duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        };
        Filestat {
            dev: meta.dev(),
            ino: meta.ino(),
            filetype: filetype_of(&meta.file_type()),
            nlink: meta.nlink(),
            size: meta.len(),
            atim: ns(meta.accessed()),
            mtim: ns(meta.modified()),
            ctim: ns(meta.created()),
        }
    }
}

/// The inode number in host metadata.
fn inode(meta: &Metadata) -> u64 {
    #[cfg(unix)]
    {
        cap_std::fs::MetadataExt::ino(meta)
    }
    #[cfg(not(unix))]
    {
        cap_fs_ext::MetadataExt::ino(meta)
    }
}

/// A readable handle to the directory `dir` itself. Directory handles may be path-only
/// (`O_PATH` on Linux), which cannot be synced.
pub(crate) fn open_dir_handle(dir: &Dir) -> Result<File, Errno> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    opts.maybe_dir(true);
    Ok(dir.open_with(".", &opts)?)
}

/// What `path_open` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpenRequest {
    pub(crate) follow_symlinks: bool,
    pub(crate) oflags: u16,
    /// The guest wants to read (`fd_read` in the base rights).
    pub(crate) read: bool,
    /// The guest wants to write (`fd_write` in the base rights).
    pub(crate) write: bool,
    pub(crate) fdflags: u16,
}

/// What `path_open` opened.
#[derive(Debug)]
pub(crate) enum Opened {
    File(File),
    Dir(Dir),
}

/// Opens `path` under `dir` the way `path_open` describes.
pub(crate) fn open(dir: &Dir, path: &Path, req: OpenRequest) -> Result<Opened, Errno> {
    let creat = req.oflags & oflags::CREAT != 0;
    let excl = req.oflags & oflags::EXCL != 0;
    let trunc = req.oflags & oflags::TRUNC != 0;
    let follow = if req.follow_symlinks {
        FollowSymlinks::Yes
    } else {
        FollowSymlinks::No
    };

    if req.oflags & oflags::DIRECTORY != 0 {
        if creat || excl || trunc {
            return Err(Errno::Inval);
        }
        if req.write {
            return Err(Errno::Isdir);
        }
        let opened = match follow {
            FollowSymlinks::Yes => dir.open_dir(path),
            FollowSymlinks::No => dir.open_dir_nofollow(path),
        };
        return Ok(Opened::Dir(opened?));
    }

    let mut opts = OpenOptions::new();
    // Creating or truncating needs a writable handle on the host even when the guest only asked
    // to read.
    let host_write = req.write || creat || trunc;
    opts.read(req.read || !host_write);
    opts.write(host_write);
    if req.fdflags & fdflags::APPEND != 0 {
        opts.append(true);
    }
    if creat {
        if excl {
            opts.create_new(true);
        } else {
            opts.create(true);
        }
    }
    opts.truncate(trunc);
    opts.sync(req.fdflags & fdflags::SYNC != 0);
    opts.dsync(req.fdflags & fdflags::DSYNC != 0);
    opts.rsync(req.fdflags & fdflags::RSYNC != 0);
    opts.nonblock(req.fdflags & fdflags::NONBLOCK != 0);
    opts.follow(follow);
    opts.maybe_dir(true);
    let file = dir.open_with(path, &opts)?;
    if file.metadata()?.is_dir() {
        Ok(Opened::Dir(Dir::from_std_file(file.into_std())))
    } else {
        Ok(Opened::File(file))
    }
}

/// One entry of a directory listing, as `fd_readdir` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DirListEntry {
    pub(crate) name: Vec<u8>,
    pub(crate) ino: u64,
    pub(crate) filetype: u8,
}

/// Lists `dir`: `.` and `..` first, then the entries in host order. Cookie `n` names the entry
/// at index `n`, so an entry's `d_next` is its index plus one.
pub(crate) fn list(dir: &Dir) -> Result<Vec<DirListEntry>, Errno> {
    // `..` of a capability root is outside the sandbox: report the directory's own inode for it
    // (as wasmtime does).
    let own_ino = inode(&dir.dir_metadata()?);
    let mut out = vec![
        DirListEntry {
            name: b".".to_vec(),
            ino: own_ino,
            filetype: filetype::DIRECTORY,
        },
        DirListEntry {
            name: b"..".to_vec(),
            ino: own_ino,
            filetype: filetype::DIRECTORY,
        },
    ];
    for entry in dir.entries()? {
        let entry = entry?;
        let name = entry.file_name();
        #[cfg(unix)]
        let (name, ino) = {
            use rustix::fs::DirEntryExt;
            use std::os::unix::ffi::OsStringExt;
            let ino = entry.ino();
            (name.into_vec(), ino)
        };
        #[cfg(not(unix))]
        let (name, ino) = {
            let ino = entry.metadata().map(|m| inode(&m)).unwrap_or(0);
            (
                name.into_string().map_err(|_| Errno::Ilseq)?.into_bytes(),
                ino,
            )
        };
        let filetype = match entry.file_type() {
            Ok(ft) => filetype_of(&ft),
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue, // removed meanwhile
            Err(e) => return Err(e.into()),
        };
        out.push(DirListEntry {
            name,
            ino,
            filetype,
        });
    }
    Ok(out)
}

/// Packs the entries of `listing` from `cookie` on into `buf` as `fd_readdir` does: a 24-byte
/// `dirent` header then the name, back to back. Returns the bytes used; when the buffer is too
/// small for the next entry, it is filled completely with a truncated entry (the guest then
/// retries from that entry's cookie with a bigger buffer), and the result is `buf.len()`.
pub(crate) fn pack_dirents(listing: &[DirListEntry], cookie: u64, buf: &mut [u8]) -> usize {
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    let mut used = 0;
    for (index, entry) in listing.iter().enumerate().skip(start) {
        let header = Dirent {
            next: index as u64 + 1,
            ino: entry.ino,
            namlen: u32::try_from(entry.name.len()).unwrap_or(u32::MAX),
            filetype: entry.filetype,
        }
        .encode();
        for part in [&header[..], &entry.name[..]] {
            let room = buf.len() - used;
            let n = part.len().min(room);
            buf[used..used + n].copy_from_slice(&part[..n]);
            used += n;
            if n < part.len() {
                return used;
            }
        }
    }
    used
}

/// The new time a `*_set_times` call asks for, from its timestamp and `fstflags` bits.
fn time_spec(ns: u64, set: bool, now: bool) -> Result<Option<SystemTimeSpec>, Errno> {
    match (set, now) {
        (true, true) => Err(Errno::Inval),
        (true, false) => {
            let t = UNIX_EPOCH
                .checked_add(Duration::from_nanos(ns))
                .ok_or(Errno::Overflow)?;
            Ok(Some(SystemTimeSpec::Absolute(
                cap_std::time::SystemTime::from_std(t),
            )))
        }
        (false, true) => Ok(Some(SystemTimeSpec::SymbolicNow)),
        (false, false) => Ok(None),
    }
}

/// The (access, modification) times a `*_set_times` call asks for.
pub(crate) type TimeSpecs = (Option<SystemTimeSpec>, Option<SystemTimeSpec>);

/// Decodes the arguments of `fd_filestat_set_times` / `path_filestat_set_times`.
pub(crate) fn time_specs(atim: u64, mtim: u64, flags: u16) -> Result<TimeSpecs, Errno> {
    crate::types::check_flags(u64::from(flags), u64::from(fstflags::ALL))?;
    let atime = time_spec(
        atim,
        flags & fstflags::ATIM != 0,
        flags & fstflags::ATIM_NOW != 0,
    )?;
    let mtime = time_spec(
        mtim,
        flags & fstflags::MTIM != 0,
        flags & fstflags::MTIM_NOW != 0,
    )?;
    Ok((atime, mtime))
}

/// Sets the times of an open file or directory (given as a std file handle to it).
pub(crate) fn set_handle_times(
    file: &std::fs::File,
    (atime, mtime): TimeSpecs,
) -> Result<(), Errno> {
    let resolve = |spec: SystemTimeSpec| match spec {
        SystemTimeSpec::SymbolicNow => SystemTime::now(),
        SystemTimeSpec::Absolute(t) => t.into_std(),
    };
    let mut times = std::fs::FileTimes::new();
    if let Some(a) = atime {
        times = times.set_accessed(resolve(a));
    }
    if let Some(m) = mtime {
        times = times.set_modified(resolve(m));
    }
    file.set_times(times)?;
    Ok(())
}

/// Sets the times of `path` under `dir`.
pub(crate) fn set_path_times(
    dir: &Dir,
    path: &Path,
    follow_symlinks: bool,
    (atime, mtime): TimeSpecs,
) -> Result<(), Errno> {
    if follow_symlinks {
        dir.set_times(path, atime, mtime)?;
    } else {
        dir.set_symlink_times(path, atime, mtime)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, ino: u64) -> DirListEntry {
        DirListEntry {
            name: name.as_bytes().to_vec(),
            ino,
            filetype: filetype::REGULAR_FILE,
        }
    }

    #[test]
    fn dirents_are_packed_with_cookies() {
        let listing = vec![entry(".", 1), entry("..", 1), entry("abc", 7)];
        let mut buf = vec![0u8; 256];
        let used = pack_dirents(&listing, 0, &mut buf);
        assert_eq!(used, 3 * 24 + 1 + 2 + 3);
        // First header: d_next = 1, d_ino = 1, d_namlen = 1, d_type, then ".".
        assert_eq!(u64::from_le_bytes(buf[0..8].try_into().unwrap()), 1);
        assert_eq!(u64::from_le_bytes(buf[8..16].try_into().unwrap()), 1);
        assert_eq!(u32::from_le_bytes(buf[16..20].try_into().unwrap()), 1);
        assert_eq!(buf[20], filetype::REGULAR_FILE);
        assert_eq!(buf[24], b'.');
        // Third entry starts after 24+1 + 24+2 bytes.
        let third = 24 + 1 + 24 + 2;
        assert_eq!(
            u64::from_le_bytes(buf[third..third + 8].try_into().unwrap()),
            3
        );
        assert_eq!(
            u64::from_le_bytes(buf[third + 8..third + 16].try_into().unwrap()),
            7
        );
        assert_eq!(&buf[third + 24..third + 27], b"abc");

        // Resuming from cookie 2 gives only the third entry; past the end gives nothing.
        assert_eq!(pack_dirents(&listing, 2, &mut buf), 24 + 3);
        assert_eq!(&buf[24..27], b"abc");
        assert_eq!(pack_dirents(&listing, 3, &mut buf), 0);
        assert_eq!(pack_dirents(&listing, u64::MAX, &mut buf), 0);
    }

    #[test]
    fn truncated_dirents_fill_the_buffer() {
        let listing = vec![entry("a", 1), entry("long-name", 2)];
        // Room for the first entry and part of the second header.
        let mut buf = vec![0u8; 24 + 1 + 10];
        assert_eq!(pack_dirents(&listing, 0, &mut buf), buf.len());
        // Room for both headers but only part of the second name.
        let mut buf = vec![0u8; 24 + 1 + 24 + 4];
        assert_eq!(pack_dirents(&listing, 0, &mut buf), buf.len());
        assert_eq!(&buf[49..53], b"long");
        // An empty buffer.
        assert_eq!(pack_dirents(&listing, 0, &mut []), 0);
    }

    #[test]
    fn set_times_arguments() {
        assert!(matches!(time_specs(0, 0, 0), Ok((None, None))));
        assert!(matches!(
            time_specs(5, 0, fstflags::ATIM | fstflags::MTIM_NOW),
            Ok((
                Some(SystemTimeSpec::Absolute(_)),
                Some(SystemTimeSpec::SymbolicNow)
            ))
        ));
        assert!(matches!(
            time_specs(0, 0, fstflags::ATIM | fstflags::ATIM_NOW),
            Err(Errno::Inval)
        ));
        assert!(matches!(
            time_specs(0, 0, fstflags::MTIM | fstflags::MTIM_NOW),
            Err(Errno::Inval)
        ));
        assert!(matches!(time_specs(0, 0, 0x10), Err(Errno::Inval)));
    }

    #[test]
    fn timestamps_saturate() {
        assert_eq!(timestamp_ns(-1, 5), 0);
        assert_eq!(timestamp_ns(2, 5), 2_000_000_005);
        assert_eq!(timestamp_ns(i64::MAX, 0), u64::MAX);
    }
}
