//! The `fd_*` functions.
//!
//! Errnos follow wasmtime where the spec leaves them open: file operations on a directory or a
//! standard stream are `badf`, positioned I/O and seeking on a standard stream are `spipe`,
//! reading a file opened without `fd_read` (or writing one opened without `fd_write`) is `badf`,
//! and a right given up with `fd_fdstat_set_rights` is `notcapable`.

use std::io::{self, IoSlice, IoSliceMut, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::WasiCtx;
use crate::errno::Errno;
use crate::fs;
use crate::memory;
use crate::table::{Descriptor, Entry, FileDesc};
use crate::types::{
    self, Fdstat, Filestat, advice, encode_prestat_dir, fdflags, filetype, rights, whence,
};

/// Runs `op` again while it is interrupted by a signal.
fn retry<T>(mut op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match op() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

/// Reads at `offset` without moving the file position.
fn read_at(file: &cap_std::fs::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    #[cfg(unix)]
    {
        cap_std::fs::FileExt::read_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        cap_std::fs::FileExt::seek_read(file, buf, offset)
    }
}

/// Writes at `offset` without moving the file position.
fn write_at(file: &cap_std::fs::File, buf: &[u8], offset: u64) -> io::Result<usize> {
    #[cfg(unix)]
    {
        cap_std::fs::FileExt::write_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        cap_std::fs::FileExt::seek_write(file, buf, offset)
    }
}

/// Applies `append` and `nonblock` to the host file.
#[cfg(unix)]
fn set_host_flags(file: &cap_std::fs::File, flags: u16) -> Result<(), Errno> {
    use rustix::fs::OFlags;
    let mut host = rustix::fs::fcntl_getfl(file)?;
    host.set(OFlags::APPEND, flags & fdflags::APPEND != 0);
    host.set(OFlags::NONBLOCK, flags & fdflags::NONBLOCK != 0);
    rustix::fs::fcntl_setfl(file, host)?;
    Ok(())
}

#[cfg(not(unix))]
fn set_host_flags(_file: &cap_std::fs::File, _flags: u16) -> Result<(), Errno> {
    Err(Errno::Notsup)
}

/// The rights natural to a descriptor (before the guest narrows them), and its file type and
/// flags: what `fd_fdstat_get` reports.
fn natural_fdstat(ctx: &WasiCtx, entry: &Entry) -> Result<Fdstat, Errno> {
    let tty = |yes: bool| {
        if yes {
            filetype::CHARACTER_DEVICE
        } else {
            filetype::UNKNOWN
        }
    };
    Ok(match &entry.desc {
        // No `fd_seek`/`fd_tell`: guest libcs take a character device without them for a tty.
        Descriptor::Stdin => Fdstat {
            filetype: tty(ctx.stdin.is_terminal()),
            flags: 0,
            rights_base: rights::FD_READ | rights::POLL_FD_READWRITE,
            rights_inheriting: 0,
        },
        Descriptor::Stdout | Descriptor::Stderr => {
            let out = if matches!(entry.desc, Descriptor::Stdout) {
                &ctx.stdout
            } else {
                &ctx.stderr
            };
            Fdstat {
                filetype: tty(out.is_terminal()),
                flags: 0,
                rights_base: rights::FD_WRITE | rights::POLL_FD_READWRITE,
                rights_inheriting: 0,
            }
        }
        Descriptor::File(f) => {
            let mut base = rights::ALL;
            if !f.read {
                base &= !(rights::FD_READ | rights::FD_READDIR);
            }
            if !f.write {
                base &= !rights::FD_WRITE;
            }
            Fdstat {
                filetype: fs::filetype_of(&f.file.metadata()?.file_type()),
                flags: f.flags,
                rights_base: base,
                rights_inheriting: base,
            }
        }
        Descriptor::Dir(d) if d.preopen.is_some() => Fdstat {
            filetype: filetype::DIRECTORY,
            flags: 0,
            rights_base: rights::PREOPEN_DIR_BASE,
            rights_inheriting: rights::PREOPEN_DIR_INHERITING,
        },
        Descriptor::Dir(_) => {
            let base = rights::ALL
                & !(rights::FD_SEEK
                    | rights::FD_WRITE
                    | rights::FD_FILESTAT_SET_SIZE
                    | rights::PATH_FILESTAT_SET_SIZE);
            Fdstat {
                filetype: filetype::DIRECTORY,
                flags: 0,
                rights_base: base,
                rights_inheriting: base,
            }
        }
    })
}

/// `fdstat` as the guest sees it: natural rights narrowed by the rights it gave up.
fn fdstat(ctx: &WasiCtx, fd: u32) -> Result<Fdstat, Errno> {
    let entry = ctx.table.get(fd)?;
    let mut st = natural_fdstat(ctx, entry)?;
    st.rights_base &= entry.rights.base;
    st.rights_inheriting &= entry.rights.inheriting;
    Ok(st)
}

impl WasiCtx {
    /// Advice is a hint: it is validated and passed to the host where the host takes it.
    pub(crate) fn fd_advise(
        &mut self,
        _mem: &mut [u8],
        fd: u32,
        offset: u64,
        len: u64,
        adv: u32,
    ) -> Result<(), Errno> {
        let adv: u8 = types::narrow(adv)?;
        if adv > advice::NOREUSE {
            return Err(Errno::Inval);
        }
        let f = self.table.file(fd, rights::FD_ADVISE)?;
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use rustix::fs::Advice;
            let host = match adv {
                advice::NORMAL => Advice::Normal,
                advice::SEQUENTIAL => Advice::Sequential,
                advice::RANDOM => Advice::Random,
                advice::WILLNEED => Advice::WillNeed,
                advice::DONTNEED => Advice::DontNeed,
                _ => Advice::NoReuse,
            };
            rustix::fs::fadvise(&f.file, offset, std::num::NonZeroU64::new(len), host)?;
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let _ = (f, offset, len);
        }
        Ok(())
    }

    /// Makes sure `[offset, offset + len)` is part of the file, growing it (with zeros) if
    /// needed, like `posix_fallocate`.
    pub(crate) fn fd_allocate(
        &mut self,
        _mem: &mut [u8],
        fd: u32,
        offset: u64,
        len: u64,
    ) -> Result<(), Errno> {
        let f = self.table.file(fd, rights::FD_ALLOCATE)?;
        if !f.write {
            return Err(Errno::Badf);
        }
        if len == 0 {
            return Err(Errno::Inval);
        }
        let end = offset
            .checked_add(len)
            .filter(|&e| e <= i64::MAX as u64)
            .ok_or(Errno::Fbig)?;
        if f.file.metadata()?.len() < end {
            f.file.set_len(end)?;
        }
        Ok(())
    }

    pub(crate) fn fd_close(&mut self, _mem: &mut [u8], fd: u32) -> Result<(), Errno> {
        match self.table.remove(fd)?.desc {
            // The stream stays with the context; what was written so far goes out now.
            Descriptor::Stdout => drop(self.stdout.flush()),
            Descriptor::Stderr => drop(self.stderr.flush()),
            _ => {}
        }
        Ok(())
    }

    pub(crate) fn fd_datasync(&mut self, _mem: &mut [u8], fd: u32) -> Result<(), Errno> {
        let f = self.table.file(fd, rights::FD_DATASYNC)?;
        f.file.sync_data()?;
        Ok(())
    }

    pub(crate) fn fd_fdstat_get(&mut self, mem: &mut [u8], fd: u32, out: u32) -> Result<(), Errno> {
        memory::check(mem, out, Fdstat::SIZE as u64)?;
        let st = fdstat(self, fd)?;
        memory::write_bytes(mem, out, &st.encode())
    }

    /// Only `append` and `nonblock` can change; the sync flags are fixed at open.
    pub(crate) fn fd_fdstat_set_flags(
        &mut self,
        _mem: &mut [u8],
        fd: u32,
        flags: u32,
    ) -> Result<(), Errno> {
        let flags: u16 = types::narrow(flags)?;
        types::check_flags(u64::from(flags), u64::from(fdflags::ALL))?;
        let f = self.table.file_mut(fd, rights::FD_FDSTAT_SET_FLAGS)?;
        let fixed = fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC;
        if flags & fixed != f.flags & fixed {
            return Err(Errno::Inval);
        }
        let changeable = fdflags::APPEND | fdflags::NONBLOCK;
        if flags & changeable != f.flags & changeable {
            set_host_flags(&f.file, flags)?;
            f.flags = flags;
        }
        Ok(())
    }

    /// Gives up rights: the new rights must be a subset of those `fd_fdstat_get` reports
    /// (`notcapable` otherwise).
    pub(crate) fn fd_fdstat_set_rights(
        &mut self,
        _mem: &mut [u8],
        fd: u32,
        base: u64,
        inheriting: u64,
    ) -> Result<(), Errno> {
        types::check_flags(base, rights::ALL)?;
        types::check_flags(inheriting, rights::ALL)?;
        let st = fdstat(self, fd)?;
        if base & !st.rights_base != 0 || inheriting & !st.rights_inheriting != 0 {
            return Err(Errno::Notcapable);
        }
        let entry = self.table.get_mut(fd)?;
        entry.rights.base = base;
        entry.rights.inheriting = inheriting;
        Ok(())
    }

    pub(crate) fn fd_filestat_get(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        out: u32,
    ) -> Result<(), Errno> {
        memory::check(mem, out, Filestat::SIZE as u64)?;
        let entry = self.table.get(fd)?;
        let st = match &entry.desc {
            Descriptor::Stdin | Descriptor::Stdout | Descriptor::Stderr => {
                let st = natural_fdstat(self, entry)?;
                Filestat {
                    filetype: st.filetype,
                    ..Filestat::default()
                }
            }
            Descriptor::File(f) => {
                entry.require(rights::FD_FILESTAT_GET)?;
                fs::filestat(&f.file.metadata()?)
            }
            Descriptor::Dir(d) => {
                entry.require(rights::FD_FILESTAT_GET)?;
                fs::filestat(&d.dir.dir_metadata()?)
            }
        };
        memory::write_bytes(mem, out, &st.encode())
    }

    pub(crate) fn fd_filestat_set_size(
        &mut self,
        _mem: &mut [u8],
        fd: u32,
        size: u64,
    ) -> Result<(), Errno> {
        let f = self.table.file(fd, rights::FD_FILESTAT_SET_SIZE)?;
        if size > i64::MAX as u64 {
            return Err(Errno::Fbig);
        }
        f.file.set_len(size)?;
        Ok(())
    }

    pub(crate) fn fd_filestat_set_times(
        &mut self,
        _mem: &mut [u8],
        fd: u32,
        atim: u64,
        mtim: u64,
        flags: u32,
    ) -> Result<(), Errno> {
        let specs = fs::time_specs(atim, mtim, types::narrow(flags)?)?;
        let entry = self.table.get(fd)?;
        match &entry.desc {
            Descriptor::File(f) => {
                entry.require(rights::FD_FILESTAT_SET_TIMES)?;
                fs::set_handle_times(&f.file.try_clone()?.into_std(), specs)
            }
            Descriptor::Dir(d) => {
                entry.require(rights::FD_FILESTAT_SET_TIMES)?;
                fs::set_path_times(&d.dir, Path::new("."), true, specs)
            }
            _ => Err(Errno::Badf),
        }
    }

    pub(crate) fn fd_pread(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nread: u32,
    ) -> Result<(), Errno> {
        let iovs = memory::read_iovecs(mem, iovs, iovs_len)?;
        memory::check(mem, nread, 4)?;
        let f = self.positioned_file(fd, rights::FD_READ | rights::FD_SEEK)?;
        if !f.read {
            return Err(Errno::Badf);
        }
        let mut total = 0usize;
        for buf in memory::scatter(mem, &iovs) {
            let at = offset.checked_add(total as u64).ok_or(Errno::Overflow)?;
            let n = retry(|| read_at(&f.file, buf, at))?;
            total += n;
            if n < buf.len() {
                break;
            }
        }
        memory::write_u32(mem, nread, size(total))
    }

    pub(crate) fn fd_prestat_get(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        out: u32,
    ) -> Result<(), Errno> {
        memory::check(mem, out, 8)?;
        match &self.table.get(fd)?.desc {
            Descriptor::Dir(d) => {
                let name = d.preopen.as_ref().ok_or(Errno::Badf)?;
                let len = u32::try_from(name.len()).map_err(|_| Errno::Nametoolong)?;
                memory::write_bytes(mem, out, &encode_prestat_dir(len))
            }
            _ => Err(Errno::Badf),
        }
    }

    pub(crate) fn fd_prestat_dir_name(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<(), Errno> {
        memory::check(mem, path, u64::from(path_len))?;
        match &self.table.get(fd)?.desc {
            Descriptor::Dir(d) => {
                let name = d.preopen.as_ref().ok_or(Errno::Notdir)?;
                if name.len() > path_len as usize {
                    return Err(Errno::Nametoolong);
                }
                memory::write_bytes(mem, path, name.as_bytes())
            }
            _ => Err(Errno::Notdir),
        }
    }

    pub(crate) fn fd_pwrite(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nwritten: u32,
    ) -> Result<(), Errno> {
        let iovs = memory::read_iovecs(mem, iovs, iovs_len)?;
        memory::check(mem, nwritten, 4)?;
        let f = self.positioned_file(fd, rights::FD_WRITE | rights::FD_SEEK)?;
        if !f.write {
            return Err(Errno::Badf);
        }
        let mut total = 0usize;
        for buf in memory::gather(mem, &iovs) {
            let at = offset.checked_add(total as u64).ok_or(Errno::Overflow)?;
            let n = retry(|| write_at(&f.file, buf, at))?;
            total += n;
            if n < buf.len() {
                break;
            }
        }
        memory::write_u32(mem, nwritten, size(total))
    }

    pub(crate) fn fd_read(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nread: u32,
    ) -> Result<(), Errno> {
        let iovs = memory::read_iovecs(mem, iovs, iovs_len)?;
        memory::check(mem, nread, 4)?;
        let entry = self.table.get(fd)?;
        let n = match &entry.desc {
            Descriptor::Stdin => {
                entry.require(rights::FD_READ)?;
                // One read into the first buffer: a second read could block with input in hand.
                match memory::scatter(mem, &iovs).into_iter().next() {
                    Some(buf) => self.stdin.read(buf)?,
                    None => 0,
                }
            }
            Descriptor::File(f) => {
                entry.require(rights::FD_READ)?;
                if !f.read {
                    return Err(Errno::Badf);
                }
                let mut bufs: Vec<IoSliceMut<'_>> = memory::scatter(mem, &iovs)
                    .into_iter()
                    .map(IoSliceMut::new)
                    .collect();
                if bufs.is_empty() {
                    0
                } else {
                    retry(|| (&f.file).read_vectored(&mut bufs))?
                }
            }
            _ => return Err(Errno::Badf),
        };
        memory::write_u32(mem, nread, size(n))
    }

    pub(crate) fn fd_readdir(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        buf: u32,
        buf_len: u32,
        cookie: u64,
        bufused: u32,
    ) -> Result<(), Errno> {
        memory::check(mem, bufused, 4)?;
        let target = memory::bytes_mut(mem, buf, buf_len)?;
        let d = self.table.dir_mut(fd, rights::FD_READDIR)?;
        let listing = match &mut d.listing {
            Some(listing) if cookie != 0 => listing,
            slot => slot.insert(fs::list(&d.dir)?),
        };
        let used = fs::pack_dirents(listing, cookie, target);
        memory::write_u32(mem, bufused, size(used))
    }

    pub(crate) fn fd_renumber(&mut self, _mem: &mut [u8], from: u32, to: u32) -> Result<(), Errno> {
        self.table.renumber(from, to)
    }

    pub(crate) fn fd_seek(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        offset: u64,
        wh: u32,
        out: u32,
    ) -> Result<(), Errno> {
        memory::check(mem, out, 8)?;
        let wh: u8 = types::narrow(wh)?;
        let offset = offset as i64;
        let pos = match wh {
            whence::SET => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
            whence::CUR => SeekFrom::Current(offset),
            whence::END => SeekFrom::End(offset),
            _ => return Err(Errno::Inval),
        };
        // Asking for the position only needs `fd_tell`.
        let needed = if pos == SeekFrom::Current(0) {
            rights::FD_TELL
        } else {
            rights::FD_SEEK
        };
        let f = self.positioned_file(fd, needed)?;
        let new = (&f.file).seek(pos)?;
        memory::write_u64(mem, out, new)
    }

    pub(crate) fn fd_sync(&mut self, _mem: &mut [u8], fd: u32) -> Result<(), Errno> {
        let entry = self.table.get(fd)?;
        match &entry.desc {
            Descriptor::File(f) => {
                entry.require(rights::FD_SYNC)?;
                f.file.sync_all()?;
            }
            Descriptor::Dir(d) => {
                entry.require(rights::FD_SYNC)?;
                fs::open_dir_handle(&d.dir)?.sync_all()?;
            }
            _ => return Err(Errno::Badf),
        }
        Ok(())
    }

    pub(crate) fn fd_tell(&mut self, mem: &mut [u8], fd: u32, out: u32) -> Result<(), Errno> {
        memory::check(mem, out, 8)?;
        let f = self.positioned_file(fd, rights::FD_TELL)?;
        let pos = (&f.file).stream_position()?;
        memory::write_u64(mem, out, pos)
    }

    pub(crate) fn fd_write(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nwritten: u32,
    ) -> Result<(), Errno> {
        let iovs = memory::read_iovecs(mem, iovs, iovs_len)?;
        memory::check(mem, nwritten, 4)?;
        let entry = self.table.get(fd)?;
        let bufs = memory::gather(mem, &iovs);
        let n = match &entry.desc {
            Descriptor::Stdout => {
                entry.require(rights::FD_WRITE)?;
                self.stdout.write(&bufs)?
            }
            Descriptor::Stderr => {
                entry.require(rights::FD_WRITE)?;
                self.stderr.write(&bufs)?
            }
            Descriptor::File(f) => {
                entry.require(rights::FD_WRITE)?;
                if !f.write {
                    return Err(Errno::Badf);
                }
                let slices: Vec<IoSlice<'_>> = bufs.iter().map(|b| IoSlice::new(b)).collect();
                if slices.is_empty() {
                    0
                } else {
                    retry(|| (&f.file).write_vectored(&slices))?
                }
            }
            _ => return Err(Errno::Badf),
        };
        memory::write_u32(mem, nwritten, size(n))
    }

    /// The file at `fd` for an operation that uses or moves the file position: `spipe` for the
    /// standard streams, `badf` for directories.
    fn positioned_file(&self, fd: u32, needed: u64) -> Result<&FileDesc, Errno> {
        match &self.table.get(fd)?.desc {
            Descriptor::Stdin | Descriptor::Stdout | Descriptor::Stderr => Err(Errno::Spipe),
            _ => self.table.file(fd, needed),
        }
    }
}

/// A byte count as the guest's `size` (the counts here never exceed the guest memory size).
fn size(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
