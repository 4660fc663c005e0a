//! Files and directories under a preopened temporary directory (fd 3, "/data").

use std::fs;

use wdb_engine::Val::{I32, I64};
use wdb_wasi::WasiCtx;

use crate::abi::*;
use crate::errno::*;
use crate::harness::{Harness, TempDir};

fn setup(tag: &str) -> (TempDir, Harness) {
    let dir = TempDir::new(tag);
    let h = Harness::new(WasiCtx::builder().preopen_dir(dir.path(), "/data").unwrap());
    (dir, h)
}

/// Decodes `fd_readdir` output: (d_next, d_ino, name, d_type) per entry.
fn dirents(mut buf: &[u8]) -> Vec<(u64, u64, String, u8)> {
    let mut out = Vec::new();
    while buf.len() >= 24 {
        let next = u64::from_le_bytes(buf[0..8].try_into().unwrap());
        let ino = u64::from_le_bytes(buf[8..16].try_into().unwrap());
        let namlen = u32::from_le_bytes(buf[16..20].try_into().unwrap()) as usize;
        let name = String::from_utf8_lossy(&buf[24..24 + namlen]).into_owned();
        out.push((next, ino, name, buf[20]));
        buf = &buf[24 + namlen..];
    }
    out
}

#[test]
fn preopen_is_described() {
    let (_dir, mut h) = setup("prestat");
    assert_eq!(h.errno("fd_prestat_get", &[I32(3), I32(0)]), SUCCESS);
    assert_eq!(h.read(0, 8), vec![0, 0, 0, 0, 5, 0, 0, 0]);
    assert_eq!(
        h.errno("fd_prestat_dir_name", &[I32(3), I32(16), I32(5)]),
        SUCCESS
    );
    assert_eq!(h.read(16, 5), b"/data");
    assert_eq!(
        h.errno("fd_prestat_dir_name", &[I32(3), I32(16), I32(4)]),
        NAMETOOLONG
    );
    assert_eq!(h.errno("fd_prestat_get", &[I32(4), I32(0)]), BADF);
    assert_eq!(h.errno("fd_fdstat_get", &[I32(3), I32(32)]), SUCCESS);
    assert_eq!(h.read(32, 1)[0], FILETYPE_DIRECTORY);
    assert_ne!(h.u64(40) & RIGHT_PATH_OPEN as u64, 0);
}

#[test]
fn create_write_read_seek() {
    let (dir, mut h) = setup("rw");
    let fd = h
        .open(3, 0, "hello.txt", O_CREAT | O_TRUNC, RIGHTS_RW, 0)
        .unwrap();
    assert_eq!(fd, 4, "the lowest free fd");
    assert_eq!(h.write_fd(fd, b"some data"), Ok(9));
    assert_eq!(
        fs::read(dir.path().join("hello.txt")).unwrap(),
        b"some data"
    );

    assert_eq!(h.errno("fd_tell", &[I32(4), I32(0)]), SUCCESS);
    assert_eq!(h.u64(0), 9);
    assert_eq!(
        h.errno("fd_seek", &[I32(4), I64(-4), I32(WHENCE_END), I32(0)]),
        SUCCESS
    );
    assert_eq!(h.u64(0), 5);
    assert_eq!(h.read_fd(fd, 100), Ok(b"data".to_vec()));
    assert_eq!(h.read_fd(fd, 100), Ok(vec![]), "end of file");
    assert_eq!(
        h.errno("fd_seek", &[I32(4), I64(0), I32(WHENCE_SET), I32(0)]),
        SUCCESS
    );
    assert_eq!(
        h.errno("fd_seek", &[I32(4), I64(-1), I32(WHENCE_SET), I32(0)]),
        INVAL
    );
    assert_eq!(h.errno("fd_seek", &[I32(4), I64(0), I32(3), I32(0)]), INVAL);

    // Scatter read into two buffers.
    h.put_iovecs(0, &[(100, 4), (200, 10)]);
    assert_eq!(
        h.errno("fd_read", &[I32(4), I32(0), I32(2), I32(16)]),
        SUCCESS
    );
    assert_eq!(h.u32(16), 9);
    assert_eq!(h.read(100, 4), b"some");
    assert_eq!(h.read(200, 5), b" data");

    // Positioned I/O leaves the position alone.
    h.write(300, b"XY");
    h.put_iovecs(0, &[(300, 2)]);
    assert_eq!(
        h.errno("fd_pwrite", &[I32(4), I32(0), I32(1), I64(0), I32(16)]),
        SUCCESS
    );
    h.put_iovecs(0, &[(400, 2), (410, 2)]);
    assert_eq!(
        h.errno("fd_pread", &[I32(4), I32(0), I32(2), I64(5), I32(16)]),
        SUCCESS
    );
    assert_eq!(h.u32(16), 4);
    assert_eq!(h.read(400, 2), b"da");
    assert_eq!(h.read(410, 2), b"ta");
    assert_eq!(h.errno("fd_tell", &[I32(4), I32(0)]), SUCCESS);
    assert_eq!(h.u64(0), 9);
    assert_eq!(
        fs::read(dir.path().join("hello.txt")).unwrap(),
        b"XYme data"
    );

    // Size, stat, allocation.
    assert_eq!(h.errno("fd_filestat_get", &[I32(4), I32(512)]), SUCCESS);
    assert_eq!(h.read(512 + 16, 1)[0], FILETYPE_REGULAR_FILE);
    assert_eq!(h.u64(512 + 24), 1, "nlink");
    assert_eq!(h.u64(512 + 32), 9, "size");
    assert!(h.u64(512 + 48) > 0, "mtim");
    assert_eq!(h.errno("fd_filestat_set_size", &[I32(4), I64(4)]), SUCCESS);
    assert_eq!(fs::read(dir.path().join("hello.txt")).unwrap(), b"XYme");
    assert_eq!(h.errno("fd_allocate", &[I32(4), I64(0), I64(100)]), SUCCESS);
    assert_eq!(
        fs::metadata(dir.path().join("hello.txt")).unwrap().len(),
        100
    );
    assert_eq!(h.errno("fd_allocate", &[I32(4), I64(0), I64(0)]), INVAL);
    assert_eq!(
        h.errno("fd_advise", &[I32(4), I64(0), I64(0), I32(1)]),
        SUCCESS
    );
    assert_eq!(
        h.errno("fd_advise", &[I32(4), I64(0), I64(0), I32(6)]),
        INVAL
    );
    assert_eq!(h.errno("fd_datasync", &[I32(4)]), SUCCESS);
    assert_eq!(h.errno("fd_sync", &[I32(4)]), SUCCESS);
    assert_eq!(h.errno("fd_sync", &[I32(3)]), SUCCESS, "directories too");

    assert_eq!(h.errno("fd_close", &[I32(4)]), SUCCESS);
    assert_eq!(h.errno("fd_close", &[I32(4)]), BADF);
    assert_eq!(h.read_fd(4, 1), Err(BADF));
}

#[test]
fn open_errors() {
    let (dir, mut h) = setup("open-errors");
    fs::write(dir.path().join("file"), b"x").unwrap();
    fs::create_dir(dir.path().join("dir")).unwrap();
    assert_eq!(h.open(3, 0, "missing", 0, RIGHTS_RW, 0), Err(NOENT));
    assert_eq!(
        h.open(3, 0, "file", O_CREAT | O_EXCL, RIGHTS_RW, 0),
        Err(EXIST)
    );
    assert_eq!(
        h.open(3, 0, "file", O_DIRECTORY, RIGHT_FD_READ, 0),
        Err(NOTDIR)
    );
    assert_eq!(
        h.open(3, 0, "dir", O_DIRECTORY | O_CREAT, RIGHT_FD_READ, 0),
        Err(INVAL)
    );
    assert_eq!(h.open(3, 0, "dir", 0, RIGHT_FD_WRITE, 0), Err(ISDIR));
    assert_eq!(h.open(3, 0, "file", 0x10, RIGHT_FD_READ, 0), Err(INVAL));
    assert_eq!(h.open(3, 0, "file", 0, 1 << 30, 0), Err(INVAL));
    assert_eq!(h.open(3, 0, "file/", 0, RIGHT_FD_READ, 0), Err(NOTDIR));
    assert_eq!(h.open(1, 0, "file", 0, RIGHT_FD_READ, 0), Err(BADF));
    assert_eq!(h.open(9, 0, "file", 0, RIGHT_FD_READ, 0), Err(BADF));

    let ro = h.open(3, 0, "file", 0, RIGHT_FD_READ, 0).unwrap();
    assert_eq!(h.open(ro, 0, "x", 0, RIGHT_FD_READ, 0), Err(NOTDIR));
    assert_eq!(h.write_fd(ro, b"no"), Err(BADF));
    let wo = h.open(3, 0, "file", 0, RIGHT_FD_WRITE, 0).unwrap();
    assert_eq!(h.read_fd(wo, 1), Err(BADF));
    assert_eq!(
        h.errno("fd_allocate", &[I32(ro as i32), I64(0), I64(1)]),
        BADF
    );
    // Directory fds are not files.
    assert_eq!(h.read_fd(3, 1), Err(BADF));
    assert_eq!(
        h.errno("fd_seek", &[I32(3), I64(0), I32(WHENCE_SET), I32(0)]),
        BADF
    );
    assert_eq!(h.errno("fd_filestat_set_size", &[I32(3), I64(0)]), BADF);
    // O_CREAT without write rights still creates the file.
    let created = h.open(3, 0, "created", O_CREAT, RIGHT_FD_READ, 0).unwrap();
    assert_eq!(h.read_fd(created, 10), Ok(vec![]));
    assert!(dir.path().join("created").exists());
}

#[test]
fn directories_and_readdir() {
    let (dir, mut h) = setup("readdir");
    assert_eq!(h.path_op("path_create_directory", 3, "sub"), SUCCESS);
    assert_eq!(h.path_op("path_create_directory", 3, "sub"), EXIST);
    fs::write(dir.path().join("sub/a"), b"1").unwrap();
    fs::write(dir.path().join("sub/bb"), b"22").unwrap();
    let sub = h
        .open(
            3,
            0,
            "sub",
            O_DIRECTORY,
            RIGHT_FD_READ | RIGHT_FD_READDIR,
            0,
        )
        .unwrap();
    assert_eq!(
        h.errno("fd_fdstat_get", &[I32(sub as i32), I32(0)]),
        SUCCESS
    );
    assert_eq!(h.read(0, 1)[0], FILETYPE_DIRECTORY);
    assert_eq!(
        h.errno("fd_prestat_get", &[I32(sub as i32), I32(0)]),
        BADF,
        "not a preopen"
    );

    assert_eq!(
        h.errno(
            "fd_readdir",
            &[I32(sub as i32), I32(1024), I32(2048), I64(0), I32(0)]
        ),
        SUCCESS
    );
    let used = h.u32(0) as usize;
    assert_eq!(used, 4 * 24 + 1 + 2 + 1 + 2);
    let entries = dirents(&h.read(1024, used));
    let mut names: Vec<&str> = entries.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(&names[..2], &[".", ".."]);
    names.sort_unstable();
    assert_eq!(names, vec![".", "..", "a", "bb"]);
    assert_eq!(
        entries.iter().map(|e| e.0).collect::<Vec<_>>(),
        vec![1, 2, 3, 4],
        "cookies"
    );
    for (_, ino, name, ty) in &entries {
        if name == "a" || name == "bb" {
            assert_eq!(*ty, FILETYPE_REGULAR_FILE);
            assert_ne!(*ino, 0);
        } else {
            assert_eq!(*ty, FILETYPE_DIRECTORY);
        }
    }

    // Resume after "..": the two files only.
    assert_eq!(
        h.errno(
            "fd_readdir",
            &[I32(sub as i32), I32(1024), I32(2048), I64(2), I32(0)]
        ),
        SUCCESS
    );
    let rest = dirents(&h.read(1024, h.u32(0) as usize));
    assert_eq!(rest.len(), 2);
    assert_eq!(rest, entries[2..].to_vec());
    // A buffer too small for the next entry comes back full.
    assert_eq!(
        h.errno(
            "fd_readdir",
            &[I32(sub as i32), I32(1024), I32(30), I64(0), I32(0)]
        ),
        SUCCESS
    );
    assert_eq!(h.u32(0), 30);
    // Past the end.
    assert_eq!(
        h.errno(
            "fd_readdir",
            &[I32(sub as i32), I32(1024), I32(2048), I64(99), I32(0)]
        ),
        SUCCESS
    );
    assert_eq!(h.u32(0), 0);
    // Files are not directories.
    let f = h.open(3, 0, "sub/a", 0, RIGHT_FD_READ, 0).unwrap();
    assert_eq!(
        h.errno(
            "fd_readdir",
            &[I32(f as i32), I32(1024), I32(2048), I64(0), I32(0)]
        ),
        BADF
    );

    assert_eq!(h.path_op("path_remove_directory", 3, "sub"), NOTEMPTY);
    assert_eq!(h.path_op("path_unlink_file", sub, "a"), SUCCESS);
    assert_eq!(h.path_op("path_unlink_file", 3, "sub/bb"), SUCCESS);
    assert_eq!(h.path_op("path_unlink_file", 3, "sub/bb"), NOENT);
    assert_eq!(h.path_op("path_remove_directory", 3, "sub"), SUCCESS);
    assert!(!dir.path().join("sub").exists());
    assert_eq!(h.path_op("path_remove_directory", 3, "sub"), NOENT);
}

#[test]
fn readdir_sees_changes_when_restarted() {
    let (dir, mut h) = setup("readdir-refresh");
    let count = |h: &mut Harness| {
        assert_eq!(
            h.errno(
                "fd_readdir",
                &[I32(3), I32(1024), I32(2048), I64(0), I32(0)]
            ),
            SUCCESS
        );
        dirents(&h.read(1024, h.u32(0) as usize)).len()
    };
    assert_eq!(count(&mut h), 2);
    fs::write(dir.path().join("new"), b"").unwrap();
    assert_eq!(count(&mut h), 3);
}

#[test]
fn rename_link_symlink_readlink() {
    let (dir, mut h) = setup("links");
    fs::write(dir.path().join("f"), b"content").unwrap();
    let (p1, l1) = h.put_str(100, "f");
    let (p2, l2) = h.put_str(200, "g");
    assert_eq!(
        h.errno("path_rename", &[I32(3), p1, l1, I32(3), p2, l2]),
        SUCCESS
    );
    assert!(!dir.path().join("f").exists());
    assert_eq!(fs::read(dir.path().join("g")).unwrap(), b"content");

    let (p3, l3) = h.put_str(300, "h");
    assert_eq!(
        h.errno("path_link", &[I32(3), I32(0), p2, l2, I32(3), p3, l3]),
        SUCCESS
    );
    assert_eq!(fs::read(dir.path().join("h")).unwrap(), b"content");
    assert_eq!(
        h.errno(
            "path_link",
            &[I32(3), I32(LOOKUP_FOLLOW), p2, l2, I32(3), p3, l3]
        ),
        INVAL
    );
    assert_eq!(
        h.errno("path_filestat_get", &[I32(3), I32(0), p2, l2, I32(512)]),
        SUCCESS
    );
    assert_eq!(h.u64(512 + 24), 2, "two links");
    assert_eq!(h.u64(512 + 32), 7, "size");

    let (p4, l4) = h.put_str(400, "s");
    assert_eq!(h.errno("path_symlink", &[p2, l2, I32(3), p4, l4]), SUCCESS);
    assert_eq!(
        h.errno(
            "path_readlink",
            &[I32(3), p4, l4, I32(600), I32(64), I32(700)]
        ),
        SUCCESS
    );
    assert_eq!(h.u32(700), 1);
    assert_eq!(h.read(600, 1), b"g");
    assert_eq!(
        h.errno(
            "path_readlink",
            &[I32(3), p4, l4, I32(600), I32(0), I32(700)]
        ),
        SUCCESS
    );
    assert_eq!(h.u32(700), 0, "truncated to the buffer");
    assert_eq!(
        h.errno(
            "path_readlink",
            &[I32(3), p2, l2, I32(600), I32(64), I32(700)]
        ),
        INVAL
    );

    assert_eq!(
        h.errno("path_filestat_get", &[I32(3), I32(0), p4, l4, I32(512)]),
        SUCCESS
    );
    assert_eq!(h.read(512 + 16, 1)[0], FILETYPE_SYMBOLIC_LINK);
    assert_eq!(
        h.errno(
            "path_filestat_get",
            &[I32(3), I32(LOOKUP_FOLLOW), p4, l4, I32(512)]
        ),
        SUCCESS
    );
    assert_eq!(h.read(512 + 16, 1)[0], FILETYPE_REGULAR_FILE);

    assert_eq!(
        h.open(3, 0, "s", 0, RIGHT_FD_READ, 0),
        Err(LOOP),
        "no follow"
    );
    let fd = h.open(3, LOOKUP_FOLLOW, "s", 0, RIGHT_FD_READ, 0).unwrap();
    assert_eq!(h.read_fd(fd, 100), Ok(b"content".to_vec()));

    assert_eq!(h.path_op("path_unlink_file", 3, "s"), SUCCESS);
    assert!(
        dir.path().join("g").exists(),
        "unlinking a symlink keeps its target"
    );
    fs::create_dir(dir.path().join("d")).unwrap();
    assert_ne!(h.path_op("path_unlink_file", 3, "d"), SUCCESS);
    assert!(dir.path().join("d").exists());
}

#[test]
fn fdflags_append() {
    let (dir, mut h) = setup("append");
    let fd = h
        .open(3, 0, "log", O_CREAT, RIGHTS_RW, FDFLAG_APPEND)
        .unwrap();
    assert_eq!(h.write_fd(fd, b"a"), Ok(1));
    assert_eq!(h.errno("fd_fdstat_get", &[I32(fd as i32), I32(0)]), SUCCESS);
    assert_eq!(
        u16::from_le_bytes([h.read(2, 2)[0], h.read(2, 2)[1]]),
        FDFLAG_APPEND as u16
    );
    // Without append, writes go to the position.
    assert_eq!(
        h.errno("fd_fdstat_set_flags", &[I32(fd as i32), I32(0)]),
        SUCCESS
    );
    assert_eq!(
        h.errno(
            "fd_seek",
            &[I32(fd as i32), I64(0), I32(WHENCE_SET), I32(0)]
        ),
        SUCCESS
    );
    assert_eq!(h.write_fd(fd, b"b"), Ok(1));
    assert_eq!(
        h.errno(
            "fd_seek",
            &[I32(fd as i32), I64(0), I32(WHENCE_SET), I32(0)]
        ),
        SUCCESS
    );
    assert_eq!(
        h.errno("fd_fdstat_set_flags", &[I32(fd as i32), I32(FDFLAG_APPEND)]),
        SUCCESS
    );
    assert_eq!(h.write_fd(fd, b"c"), Ok(1));
    assert_eq!(fs::read(dir.path().join("log")).unwrap(), b"bc");
    assert_eq!(
        h.errno("fd_fdstat_set_flags", &[I32(fd as i32), I32(FDFLAG_SYNC)]),
        INVAL
    );
    assert_eq!(h.errno("fd_fdstat_set_flags", &[I32(3), I32(0)]), BADF);
}

#[test]
fn rights_can_only_shrink() {
    let (dir, mut h) = setup("rights");
    fs::write(dir.path().join("r"), b"data").unwrap();
    let fd = h.open(3, 0, "r", 0, RIGHT_FD_READ, 0).unwrap();
    assert_eq!(h.errno("fd_fdstat_get", &[I32(fd as i32), I32(0)]), SUCCESS);
    let (base, inheriting) = (h.u64(8) as i64, h.u64(16) as i64);
    assert_ne!(base & RIGHT_FD_READ, 0);
    assert_eq!(base & RIGHT_FD_WRITE, 0, "not opened for writing");
    let dropped = base & !RIGHT_FD_READ;
    assert_eq!(
        h.errno(
            "fd_fdstat_set_rights",
            &[I32(fd as i32), I64(dropped), I64(inheriting)]
        ),
        SUCCESS
    );
    assert_eq!(h.errno("fd_fdstat_get", &[I32(fd as i32), I32(0)]), SUCCESS);
    assert_eq!(h.u64(8) as i64, dropped);
    assert_eq!(h.read_fd(fd, 4), Err(NOTCAPABLE));
    assert_eq!(
        h.errno(
            "fd_fdstat_set_rights",
            &[I32(fd as i32), I64(base), I64(inheriting)]
        ),
        NOTCAPABLE
    );
    assert_eq!(
        h.errno("fd_fdstat_set_rights", &[I32(99), I64(0), I64(0)]),
        BADF
    );

    // A directory that gave up inheriting `fd_write` opens files that cannot be written.
    assert_eq!(h.errno("fd_fdstat_get", &[I32(3), I32(0)]), SUCCESS);
    let (dbase, dinh) = (h.u64(8) as i64, h.u64(16) as i64);
    assert_eq!(
        h.errno(
            "fd_fdstat_set_rights",
            &[I32(3), I64(dbase), I64(dinh & !RIGHT_FD_WRITE)]
        ),
        SUCCESS
    );
    let w = h.open(3, 0, "w", O_CREAT, RIGHTS_RW, 0).unwrap();
    assert_eq!(h.write_fd(w, b"x"), Err(NOTCAPABLE));
    assert_eq!(h.read_fd(w, 1), Ok(vec![]));
}

#[test]
fn renumber_over_a_preopen() {
    let (dir, mut h) = setup("renumber");
    fs::write(dir.path().join("f"), b"x").unwrap();
    let fd = h.open(3, 0, "f", 0, RIGHT_FD_READ, 0).unwrap();
    assert_eq!(h.errno("fd_renumber", &[I32(fd as i32), I32(3)]), SUCCESS);
    assert_eq!(h.read_fd(3, 1), Ok(b"x".to_vec()));
    assert_eq!(h.read_fd(fd, 1), Err(BADF));
    assert_eq!(h.errno("fd_prestat_get", &[I32(3), I32(0)]), BADF);
}

#[test]
fn set_times() {
    let (dir, mut h) = setup("times");
    fs::write(dir.path().join("t"), b"").unwrap();
    let fd = h.open(3, 0, "t", 0, RIGHT_FD_READ, 0).unwrap();
    let when = 1_000_000_000u64 * 1_000_000_000 + 123; // 2001-09-09, plus a few ns
    const ATIM: i32 = 1;
    const MTIM: i32 = 4;
    const MTIM_NOW: i32 = 8;
    assert_eq!(
        h.errno(
            "fd_filestat_set_times",
            &[
                I32(fd as i32),
                I64(when as i64),
                I64(when as i64),
                I32(ATIM | MTIM)
            ]
        ),
        SUCCESS
    );
    let modified = fs::metadata(dir.path().join("t"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(
        modified
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
        1_000_000_000
    );
    assert_eq!(
        h.errno("fd_filestat_get", &[I32(fd as i32), I32(0)]),
        SUCCESS
    );
    assert_eq!(h.u64(40) / 1_000_000_000, 1_000_000_000, "atim");
    assert_eq!(h.u64(48) / 1_000_000_000, 1_000_000_000, "mtim");
    assert_eq!(
        h.errno(
            "fd_filestat_set_times",
            &[I32(fd as i32), I64(0), I64(0), I32(MTIM | MTIM_NOW)]
        ),
        INVAL
    );

    let (p, l) = h.put_str(100, "t");
    assert_eq!(
        h.errno(
            "path_filestat_set_times",
            &[
                I32(3),
                I32(LOOKUP_FOLLOW),
                p,
                l,
                I64(0),
                I64(0),
                I32(MTIM_NOW)
            ]
        ),
        SUCCESS
    );
    let modified = fs::metadata(dir.path().join("t"))
        .unwrap()
        .modified()
        .unwrap();
    assert!(modified.elapsed().unwrap_or_default() < std::time::Duration::from_secs(60));
    assert_eq!(
        h.errno(
            "fd_filestat_set_times",
            &[I32(3), I64(0), I64(0), I32(MTIM_NOW)]
        ),
        SUCCESS,
        "directories too"
    );
    assert_eq!(
        h.errno(
            "fd_filestat_set_times",
            &[I32(1), I64(0), I64(0), I32(MTIM_NOW)]
        ),
        BADF
    );
}
