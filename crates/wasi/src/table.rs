//! The file descriptor table: what each guest `fd` refers to.
//!
//! Fds 0, 1 and 2 start as stdin, stdout and stderr, preopened directories follow from 3. New
//! descriptors take the lowest free number, as in POSIX. The standard streams themselves live in
//! the [`WasiCtx`](crate::WasiCtx); their descriptors are handles that can be renumbered or
//! closed like any other.
//!
//! Rights: every descriptor carries the rights the guest has not given up with
//! `fd_fdstat_set_rights` (all of them at first). Operations check them and fail with
//! `notcapable`; `fd_fdstat_get` reports the rights natural to the descriptor, narrowed by them.

use std::collections::BTreeMap;

use crate::errno::Errno;
use crate::fs::DirListEntry;
use crate::types::rights;

/// The rights a descriptor still has (`fd_fdstat_set_rights` can only remove rights).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rights {
    pub(crate) base: u64,
    pub(crate) inheriting: u64,
}

impl Rights {
    pub(crate) const ALL: Rights = Rights {
        base: rights::ALL,
        inheriting: rights::ALL,
    };
}

/// An open regular file (or other non-directory node opened with `path_open`).
#[derive(Debug)]
pub(crate) struct FileDesc {
    pub(crate) file: cap_std::fs::File,
    /// Opened for reading (the guest asked for `fd_read`).
    pub(crate) read: bool,
    /// Opened for writing (the guest asked for `fd_write`).
    pub(crate) write: bool,
    /// The `fdflags` in effect (`append`, `nonblock`, the sync flags given at open).
    pub(crate) flags: u16,
}

/// An open directory.
#[derive(Debug)]
pub(crate) struct DirDesc {
    pub(crate) dir: cap_std::fs::Dir,
    /// The guest path it was preopened as; `None` for directories opened with `path_open`.
    pub(crate) preopen: Option<String>,
    /// The listing `fd_readdir` serves cookies from; re-read when a listing starts at cookie 0.
    pub(crate) listing: Option<Vec<DirListEntry>>,
}

/// What a descriptor refers to.
#[derive(Debug)]
pub(crate) enum Descriptor {
    Stdin,
    Stdout,
    Stderr,
    File(FileDesc),
    Dir(DirDesc),
}

/// A table entry.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) desc: Descriptor,
    pub(crate) rights: Rights,
}

impl Entry {
    pub(crate) fn new(desc: Descriptor) -> Entry {
        Entry {
            desc,
            rights: Rights::ALL,
        }
    }

    /// Fails with `notcapable` unless every right in `needed` is still held.
    pub(crate) fn require(&self, needed: u64) -> Result<(), Errno> {
        if self.rights.base & needed == needed {
            Ok(())
        } else {
            Err(Errno::Notcapable)
        }
    }
}

/// The fd table.
#[derive(Debug, Default)]
pub(crate) struct FdTable {
    entries: BTreeMap<u32, Entry>,
}

impl FdTable {
    /// Inserts at the lowest free fd.
    pub(crate) fn push(&mut self, entry: Entry) -> Result<u32, Errno> {
        let mut fd = 0u32;
        for &used in self.entries.keys() {
            if used != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::Mfile)?;
        }
        self.entries.insert(fd, entry);
        Ok(fd)
    }

    pub(crate) fn get(&self, fd: u32) -> Result<&Entry, Errno> {
        self.entries.get(&fd).ok_or(Errno::Badf)
    }

    pub(crate) fn get_mut(&mut self, fd: u32) -> Result<&mut Entry, Errno> {
        self.entries.get_mut(&fd).ok_or(Errno::Badf)
    }

    pub(crate) fn remove(&mut self, fd: u32) -> Result<Entry, Errno> {
        self.entries.remove(&fd).ok_or(Errno::Badf)
    }

    /// Moves `from` to `to`, closing what `to` referred to. Both must be open.
    pub(crate) fn renumber(&mut self, from: u32, to: u32) -> Result<(), Errno> {
        if !self.entries.contains_key(&from) || !self.entries.contains_key(&to) {
            return Err(Errno::Badf);
        }
        if from != to {
            let entry = self.remove(from)?;
            self.entries.insert(to, entry);
        }
        Ok(())
    }

    /// The file at `fd`, which must hold `needed` rights; `badf` if `fd` is not a file.
    pub(crate) fn file(&self, fd: u32, needed: u64) -> Result<&FileDesc, Errno> {
        let entry = self.get(fd)?;
        match &entry.desc {
            Descriptor::File(f) => {
                entry.require(needed)?;
                Ok(f)
            }
            _ => Err(Errno::Badf),
        }
    }

    /// The file at `fd`, mutable.
    pub(crate) fn file_mut(&mut self, fd: u32, needed: u64) -> Result<&mut FileDesc, Errno> {
        let entry = self.get_mut(fd)?;
        let held = entry.require(needed);
        match &mut entry.desc {
            Descriptor::File(f) => held.map(|()| f),
            _ => Err(Errno::Badf),
        }
    }

    /// The directory at `fd`, which must hold `needed` rights; `badf` if `fd` is not a directory.
    pub(crate) fn dir(&self, fd: u32, needed: u64) -> Result<&DirDesc, Errno> {
        let entry = self.get(fd)?;
        match &entry.desc {
            Descriptor::Dir(d) => {
                entry.require(needed)?;
                Ok(d)
            }
            _ => Err(Errno::Badf),
        }
    }

    /// The directory at `fd`, mutable.
    pub(crate) fn dir_mut(&mut self, fd: u32, needed: u64) -> Result<&mut DirDesc, Errno> {
        let entry = self.get_mut(fd)?;
        let held = entry.require(needed);
        match &mut entry.desc {
            Descriptor::Dir(d) => held.map(|()| d),
            _ => Err(Errno::Badf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowest_free_fd_and_renumber() {
        let mut t = FdTable::default();
        assert_eq!(t.push(Entry::new(Descriptor::Stdin)), Ok(0));
        assert_eq!(t.push(Entry::new(Descriptor::Stdout)), Ok(1));
        assert_eq!(t.push(Entry::new(Descriptor::Stderr)), Ok(2));
        assert!(t.remove(1).is_ok());
        assert_eq!(t.remove(1).map(drop), Err(Errno::Badf));
        assert_eq!(t.push(Entry::new(Descriptor::Stdout)), Ok(1));
        assert_eq!(t.push(Entry::new(Descriptor::Stdin)), Ok(3));
        assert_eq!(t.renumber(3, 9), Err(Errno::Badf), "target must be open");
        assert_eq!(t.renumber(9, 3), Err(Errno::Badf));
        assert_eq!(t.renumber(3, 3), Ok(()));
        assert_eq!(t.renumber(3, 0), Ok(()));
        assert!(matches!(t.get(0).map(|e| &e.desc), Ok(Descriptor::Stdin)));
        assert_eq!(t.get(3).map(drop), Err(Errno::Badf));
        assert_eq!(t.file(0, 0).map(drop), Err(Errno::Badf));
        assert_eq!(t.dir(0, 0).map(drop), Err(Errno::Badf));
    }

    #[test]
    fn rights_are_checked() {
        let mut e = Entry::new(Descriptor::Stdin);
        assert_eq!(e.require(rights::FD_READ | rights::FD_SEEK), Ok(()));
        e.rights.base = rights::FD_READ;
        assert_eq!(e.require(rights::FD_READ), Ok(()));
        assert_eq!(
            e.require(rights::FD_READ | rights::FD_SEEK),
            Err(Errno::Notcapable)
        );
    }
}
