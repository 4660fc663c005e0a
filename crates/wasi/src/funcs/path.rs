//! The `path_*` functions. Paths are resolved by cap-std relative to the directory fd given;
//! see [`crate::fs`] for the sandboxing.

use std::path::PathBuf;

use cap_fs_ext::DirExt;

use crate::WasiCtx;
use crate::errno::Errno;
use crate::fs::{self, OpenRequest, Opened};
use crate::memory;
use crate::table::{Descriptor, DirDesc, Entry, FileDesc, Rights};
use crate::types::{self, Filestat, fdflags, lookupflags, oflags, rights};

/// The guest path at `[ptr, ptr + len)`.
fn path_arg(mem: &[u8], ptr: u32, len: u32) -> Result<PathBuf, Errno> {
    fs::guest_path(memory::bytes(mem, ptr, len)?)
}

/// Decodes `lookupflags`: whether to follow a symlink in the last path component.
fn follow(flags: u32) -> Result<bool, Errno> {
    types::check_flags(u64::from(flags), u64::from(lookupflags::ALL))?;
    Ok(flags & lookupflags::SYMLINK_FOLLOW != 0)
}

impl WasiCtx {
    pub(crate) fn path_create_directory(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<(), Errno> {
        let path = path_arg(mem, path, path_len)?;
        let d = self.table.dir(fd, rights::PATH_CREATE_DIRECTORY)?;
        d.dir.create_dir(path)?;
        Ok(())
    }

    pub(crate) fn path_filestat_get(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        flags: u32,
        path: u32,
        path_len: u32,
        out: u32,
    ) -> Result<(), Errno> {
        let follow = follow(flags)?;
        let path = path_arg(mem, path, path_len)?;
        memory::check(mem, out, Filestat::SIZE as u64)?;
        let d = self.table.dir(fd, rights::PATH_FILESTAT_GET)?;
        let meta = if follow {
            d.dir.metadata(path)?
        } else {
            d.dir.symlink_metadata(path)?
        };
        memory::write_bytes(mem, out, &fs::filestat(&meta).encode())
    }

    pub(crate) fn path_filestat_set_times(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        flags: u32,
        path: u32,
        path_len: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> Result<(), Errno> {
        let follow = follow(flags)?;
        let specs = fs::time_specs(atim, mtim, types::narrow(fst_flags)?)?;
        let path = path_arg(mem, path, path_len)?;
        let d = self.table.dir(fd, rights::PATH_FILESTAT_SET_TIMES)?;
        fs::set_path_times(&d.dir, &path, follow, specs)
    }

    /// Hard links cannot be made through a symlink (`inval` with `symlink_follow`, as in
    /// wasmtime).
    pub(crate) fn path_link(
        &mut self,
        mem: &mut [u8],
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Result<(), Errno> {
        if follow(old_flags)? {
            return Err(Errno::Inval);
        }
        let old_path = path_arg(mem, old_path, old_path_len)?;
        let new_path = path_arg(mem, new_path, new_path_len)?;
        let src = self.table.dir(old_fd, rights::PATH_LINK_SOURCE)?;
        let dst = self.table.dir(new_fd, rights::PATH_LINK_TARGET)?;
        src.dir.hard_link(old_path, &dst.dir, new_path)?;
        Ok(())
    }

    /// Opens a file or directory. Reading and writing are allowed as `fs_rights_base` asks
    /// (`fd_read`, `fd_write`); the new fd inherits the directory's inheriting rights.
    pub(crate) fn path_open(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        dirflags: u32,
        path: u32,
        path_len: u32,
        open_flags: u32,
        rights_base: u64,
        rights_inheriting: u64,
        fd_flags: u32,
        out: u32,
    ) -> Result<(), Errno> {
        let follow_symlinks = follow(dirflags)?;
        let open_flags: u16 = types::narrow(open_flags)?;
        types::check_flags(u64::from(open_flags), u64::from(oflags::ALL))?;
        let fd_flags: u16 = types::narrow(fd_flags)?;
        types::check_flags(u64::from(fd_flags), u64::from(fdflags::ALL))?;
        types::check_flags(rights_base, rights::ALL)?;
        types::check_flags(rights_inheriting, rights::ALL)?;
        let path = path_arg(mem, path, path_len)?;
        memory::check(mem, out, 4)?;

        let entry = self.table.get(fd)?;
        let Descriptor::Dir(d) = &entry.desc else {
            return Err(if matches!(entry.desc, Descriptor::File(_)) {
                Errno::Notdir
            } else {
                Errno::Badf
            });
        };
        let mut needed = rights::PATH_OPEN;
        if open_flags & oflags::CREAT != 0 {
            needed |= rights::PATH_CREATE_FILE;
        }
        entry.require(needed)?;
        let req = OpenRequest {
            follow_symlinks,
            oflags: open_flags,
            read: rights_base & rights::FD_READ != 0,
            write: rights_base & rights::FD_WRITE != 0,
            fdflags: fd_flags,
        };
        let desc = match fs::open(&d.dir, &path, req)? {
            Opened::File(file) => Descriptor::File(FileDesc {
                file,
                read: req.read,
                write: req.write,
                flags: fd_flags,
            }),
            Opened::Dir(dir) => Descriptor::Dir(DirDesc {
                dir,
                preopen: None,
                listing: None,
            }),
        };
        let inherited = entry.rights.inheriting;
        let new_fd = self.table.push(Entry {
            desc,
            rights: Rights {
                base: inherited,
                inheriting: inherited,
            },
        })?;
        memory::write_u32(mem, out, new_fd)
    }

    /// Reads a symlink's contents (truncated to the buffer, like `readlink`).
    pub(crate) fn path_readlink(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        path: u32,
        path_len: u32,
        buf: u32,
        buf_len: u32,
        bufused: u32,
    ) -> Result<(), Errno> {
        let path = path_arg(mem, path, path_len)?;
        memory::check(mem, bufused, 4)?;
        memory::check(mem, buf, u64::from(buf_len))?;
        let d = self.table.dir(fd, rights::PATH_READLINK)?;
        let target = d.dir.read_link_contents(path)?;
        #[cfg(unix)]
        let target = {
            use std::os::unix::ffi::OsStringExt;
            target.into_os_string().into_vec()
        };
        #[cfg(not(unix))]
        let target = target
            .into_os_string()
            .into_string()
            .map_err(|_| Errno::Ilseq)?
            .into_bytes();
        let n = target.len().min(buf_len as usize);
        memory::write_bytes(mem, buf, &target[..n])?;
        memory::write_u32(mem, bufused, n as u32)
    }

    pub(crate) fn path_remove_directory(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<(), Errno> {
        let path = path_arg(mem, path, path_len)?;
        let d = self.table.dir(fd, rights::PATH_REMOVE_DIRECTORY)?;
        d.dir.remove_dir(path)?;
        Ok(())
    }

    pub(crate) fn path_rename(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Result<(), Errno> {
        let old_path = path_arg(mem, old_path, old_path_len)?;
        let new_path = path_arg(mem, new_path, new_path_len)?;
        let src = self.table.dir(fd, rights::PATH_RENAME_SOURCE)?;
        let dst = self.table.dir(new_fd, rights::PATH_RENAME_TARGET)?;
        src.dir.rename(old_path, &dst.dir, new_path)?;
        Ok(())
    }

    /// Creates a symlink; targets that are absolute paths are refused (`perm`), as in wasmtime.
    pub(crate) fn path_symlink(
        &mut self,
        mem: &mut [u8],
        old_path: u32,
        old_path_len: u32,
        fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Result<(), Errno> {
        let old_path = path_arg(mem, old_path, old_path_len)?;
        let new_path = path_arg(mem, new_path, new_path_len)?;
        let d = self.table.dir(fd, rights::PATH_SYMLINK)?;
        DirExt::symlink(&d.dir, old_path, new_path)?;
        Ok(())
    }

    pub(crate) fn path_unlink_file(
        &mut self,
        mem: &mut [u8],
        fd: u32,
        path: u32,
        path_len: u32,
    ) -> Result<(), Errno> {
        let path = path_arg(mem, path, path_len)?;
        let d = self.table.dir(fd, rights::PATH_UNLINK_FILE)?;
        d.dir.remove_file_or_symlink(path)?;
        Ok(())
    }
}
