//! The preopen sandbox: no way out through absolute paths, `..` or symlinks.

use std::fs;

use wdb_engine::Val::I32;
use wdb_wasi::WasiCtx;

use crate::abi::*;
use crate::errno::*;
use crate::harness::{Harness, TempDir};

/// `outer/secret.txt` next to `outer/sandbox/`, which is preopened as "/sandbox" (fd 3) and
/// holds `inside.txt`, `sub/`, and symlinks pointing in and out.
fn setup() -> (TempDir, Harness) {
    let outer = TempDir::new("sandbox");
    let root = outer.path().join("sandbox");
    fs::create_dir(&root).unwrap();
    fs::create_dir(root.join("sub")).unwrap();
    fs::write(outer.path().join("secret.txt"), b"top secret").unwrap();
    fs::write(root.join("inside.txt"), b"fine").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("../secret.txt", root.join("out_rel")).unwrap();
        symlink(outer.path().join("secret.txt"), root.join("out_abs")).unwrap();
        symlink("..", root.join("dir_up")).unwrap();
        symlink("inside.txt", root.join("ok_link")).unwrap();
        symlink("sub/../inside.txt", root.join("ok_dotdot_link")).unwrap();
    }
    let h = Harness::new(WasiCtx::builder().preopen_dir(&root, "/sandbox").unwrap());
    (outer, h)
}

#[test]
fn dotdot_and_absolute_paths_are_refused() {
    let (outer, mut h) = setup();
    let secret = outer.path().join("secret.txt");
    for path in [
        "../secret.txt",
        "sub/../../secret.txt",
        "./../secret.txt",
        "..",
        "/etc/passwd",
        secret.to_str().unwrap(),
        "/sandbox/inside.txt",
    ] {
        assert_eq!(
            h.open(3, LOOKUP_FOLLOW, path, 0, RIGHT_FD_READ, 0),
            Err(PERM),
            "{path}"
        );
    }
    // `..` that stays inside is fine.
    let fd = h
        .open(3, 0, "sub/../inside.txt", 0, RIGHT_FD_READ, 0)
        .unwrap();
    assert_eq!(h.read_fd(fd, 10), Ok(b"fine".to_vec()));
}

#[test]
fn other_path_functions_are_confined_too() {
    let (outer, mut h) = setup();
    let (p, l) = h.put_str(100, "../secret.txt");
    assert_eq!(
        h.errno(
            "path_filestat_get",
            &[I32(3), I32(LOOKUP_FOLLOW), p, l, I32(512)]
        ),
        PERM
    );
    assert_eq!(h.path_op("path_unlink_file", 3, "../secret.txt"), PERM);
    assert!(outer.path().join("secret.txt").exists());
    assert_eq!(h.path_op("path_create_directory", 3, "../escaped"), PERM);
    assert!(!outer.path().join("escaped").exists());
    assert_eq!(
        h.path_op("path_remove_directory", 3, "../sandbox/sub"),
        PERM
    );
    let (src, src_len) = h.put_str(100, "inside.txt");
    let (dst, dst_len) = h.put_str(200, "../moved.txt");
    assert_eq!(
        h.errno("path_rename", &[I32(3), src, src_len, I32(3), dst, dst_len]),
        PERM
    );
    assert_eq!(
        h.errno(
            "path_link",
            &[I32(3), I32(0), src, src_len, I32(3), dst, dst_len]
        ),
        PERM
    );
    assert!(!outer.path().join("moved.txt").exists());
    // A symlink to an absolute path cannot be made.
    let (target, target_len) = h.put_str(300, "/etc/passwd");
    let (link, link_len) = h.put_str(400, "abs");
    assert_eq!(
        h.errno(
            "path_symlink",
            &[target, target_len, I32(3), link, link_len]
        ),
        PERM
    );
}

#[cfg(unix)]
#[test]
fn symlinks_leading_out_are_refused() {
    let (_outer, mut h) = setup();
    for path in [
        "out_rel",
        "out_abs",
        "dir_up/secret.txt",
        "dir_up/sandbox/inside.txt",
    ] {
        assert_eq!(
            h.open(3, LOOKUP_FOLLOW, path, 0, RIGHT_FD_READ, 0),
            Err(PERM),
            "{path}"
        );
    }
    // Not following the last component: the link itself is not opened either.
    assert_eq!(h.open(3, 0, "out_rel", 0, RIGHT_FD_READ, 0), Err(LOOP));
    let (p, l) = h.put_str(100, "out_rel");
    assert_eq!(
        h.errno(
            "path_filestat_get",
            &[I32(3), I32(LOOKUP_FOLLOW), p, l, I32(512)]
        ),
        PERM
    );
    // Its contents can be read; they are just text.
    assert_eq!(
        h.errno(
            "path_readlink",
            &[I32(3), p, l, I32(600), I32(64), I32(700)]
        ),
        SUCCESS
    );
    assert_eq!(h.read(600, h.u32(700) as usize), b"../secret.txt");

    // Links that stay inside work.
    for path in ["ok_link", "ok_dotdot_link"] {
        let fd = h.open(3, LOOKUP_FOLLOW, path, 0, RIGHT_FD_READ, 0).unwrap();
        assert_eq!(h.read_fd(fd, 10), Ok(b"fine".to_vec()), "{path}");
    }

    // A link the guest makes to the outside exists but leads nowhere.
    let (target, target_len) = h.put_str(300, "../secret.txt");
    let (link, link_len) = h.put_str(400, "mine");
    assert_eq!(
        h.errno(
            "path_symlink",
            &[target, target_len, I32(3), link, link_len]
        ),
        SUCCESS
    );
    assert_eq!(
        h.open(3, LOOKUP_FOLLOW, "mine", 0, RIGHT_FD_READ, 0),
        Err(PERM)
    );
}

#[test]
fn opened_directories_are_roots_of_their_own() {
    let (_outer, mut h) = setup();
    let sub = h.open(3, 0, "sub", O_DIRECTORY, RIGHT_FD_READ, 0).unwrap();
    assert_eq!(
        h.open(sub, 0, "../inside.txt", 0, RIGHT_FD_READ, 0),
        Err(PERM)
    );
    assert_eq!(
        h.open(sub, 0, ".", O_DIRECTORY, RIGHT_FD_READ, 0)
            .map(|_| ()),
        Ok(())
    );
}
