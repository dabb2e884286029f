use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use super::*;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

#[test]
fn temporary_names_are_recognised_as_leftovers_and_nothing_else_is() {
    let tmp = tempdir();
    let dir = Dir::open(tmp.path()).expect("open");
    let file = dir
        .create_temp_file(OsStr::new("a_pb2.py"), b"x")
        .expect("temp file");
    let (_, sub) = dir.create_temp_dir(OsStr::new("google")).expect("temp dir");
    assert!(is_leftover(OsStr::from_bytes(&file)));
    assert!(is_leftover(OsStr::from_bytes(&sub)));
    for name in [
        "a_pb2.py",
        ".a_pb2.py.1234.tmp",
        ".a.0123456789abcdeg.ameide-tmp",
        "a.0123456789abcdef.ameide-tmp",
        "..0123456789abcdef.ameide-tmp",
        ".ameide-tmp",
    ] {
        assert!(!is_leftover(OsStr::new(name)), "{name}");
    }
    assert_ne!(
        dir.create_temp_file(OsStr::new("a_pb2.py"), b"x")
            .expect("second"),
        file,
        "names are random"
    );
}

#[test]
fn a_planted_link_is_never_written_through() {
    let tmp = tempdir();
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "precious").expect("victim");
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).expect("out");
    std::os::unix::fs::symlink(&victim, out.join("x_pb2.py")).expect("link");
    let dir = Dir::open(&out).expect("open");
    // creating over the link fails instead of following it
    let err = dir
        .create_file(OsStr::new("x_pb2.py"), b"stub")
        .expect_err("exclusive");
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    // reading does not follow it either
    assert_eq!(dir.read_file(OsStr::new("x_pb2.py")).expect("read"), None);
    // a rename replaces the link itself
    let temp = dir
        .create_temp_file(OsStr::new("x_pb2.py"), b"stub")
        .expect("temp");
    dir.rename(OsStr::from_bytes(&temp), &dir, OsStr::new("x_pb2.py"))
        .expect("rename");
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("x_pb2.py")).expect("stub"),
        "stub"
    );
    assert!(!std::fs::symlink_metadata(out.join("x_pb2.py"))
        .expect("meta")
        .file_type()
        .is_symlink());
}

#[test]
fn a_linked_subdirectory_is_refused() {
    let tmp = tempdir();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("elsewhere");
    std::os::unix::fs::symlink(&elsewhere, tmp.path().join("google")).expect("link");
    std::fs::write(tmp.path().join("file"), "").expect("file");
    let dir = Dir::open(tmp.path()).expect("open");
    let err = dir
        .open_child(OsStr::new("google"))
        .expect_err("link refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert!(dir.open_child(OsStr::new("file")).is_err());
    assert!(dir
        .open_child(OsStr::new("missing"))
        .expect("missing")
        .is_none());
}

#[test]
fn leftovers_are_removed_below_a_directory_without_following_links() {
    let tmp = tempdir();
    let dir = Dir::open(tmp.path()).expect("open");
    let keep = dir.create_child(OsStr::new("keep")).expect("keep");
    keep.create_temp_file(OsStr::new("a_pb2.py"), b"x")
        .expect("temp");
    keep.create_file(OsStr::new("a_pb2.py"), b"x")
        .expect("file");
    let (staging, _) = dir.create_temp_dir(OsStr::new("fresh")).expect("temp dir");
    staging
        .create_child(OsStr::new("deep"))
        .expect("deep")
        .create_file(OsStr::new("b.py"), b"b")
        .expect("b");
    // a leftover-looking name inside a linked directory elsewhere is not touched
    let elsewhere = tempdir();
    let outside = Dir::open(elsewhere.path()).expect("outside");
    let foreign = outside
        .create_temp_file(OsStr::new("theirs"), b"t")
        .expect("foreign");
    std::os::unix::fs::symlink(elsewhere.path(), tmp.path().join("link")).expect("link");
    assert_eq!(dir.remove_leftovers().expect("clean"), 2);
    let mut names: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["keep", "link"]);
    assert_eq!(
        std::fs::read_dir(tmp.path().join("keep"))
            .expect("keep")
            .count(),
        1
    );
    assert!(elsewhere.path().join(OsStr::from_bytes(&foreign)).exists());
}

#[test]
fn the_lock_admits_one_holder_at_a_time() {
    let tmp = tempdir();
    let first = Dir::open(tmp.path()).expect("open");
    let second = Dir::open(tmp.path()).expect("open again");
    let held = first.lock(|| panic!("nobody holds it")).expect("lock");
    assert!(second.try_lock().expect("try").is_none());
    drop(held);
    assert!(second.try_lock().expect("try").is_some());
}

#[test]
fn rename_new_does_not_replace() {
    let tmp = tempdir();
    let dir = Dir::open(tmp.path()).expect("open");
    dir.create_file(OsStr::new("taken"), b"theirs")
        .expect("taken");
    let temp = dir
        .create_temp_file(OsStr::new("taken"), b"ours")
        .expect("temp");
    let err = dir
        .rename_new(OsStr::from_bytes(&temp), &dir, OsStr::new("taken"))
        .expect_err("no replace");
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("taken")).expect("read"),
        "theirs"
    );
}

#[test]
fn shared_locks_admit_readers_together_and_exclude_the_writer() {
    let tmp = tempdir();
    let open = || Dir::open(tmp.path()).expect("open");
    let (a, b, writer) = (open(), open(), open());
    let read_a = a.try_lock_shared().expect("try").expect("first reader");
    let read_b = b.try_lock_shared().expect("try").expect("second reader");
    assert!(writer.try_lock().expect("try").is_none());
    drop((read_a, read_b));
    let held = writer.try_lock().expect("try").expect("writer");
    assert!(a.try_lock_shared().expect("try").is_none());
    drop(held);
}

#[test]
fn sync_file_never_follows_a_link() {
    let tmp = tempdir();
    let dir = Dir::open(tmp.path()).expect("open");
    let temp = dir.create_temp_file(OsStr::new("f"), b"x").expect("temp");
    dir.sync_file(OsStr::from_bytes(&temp)).expect("sync");
    std::os::unix::fs::symlink(
        tmp.path().join(OsStr::from_bytes(&temp)),
        tmp.path().join("l"),
    )
    .expect("link");
    assert!(dir.sync_file(OsStr::new("l")).is_err());
}

#[test]
fn replace_file_keeps_the_permissions_and_replaces_a_link_without_following_it() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempdir();
    let dir = Dir::open(tmp.path()).expect("open");
    let script = tmp.path().join("run.py");
    std::fs::write(&script, "old").expect("script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o750)).expect("chmod");
    dir.replace_file(OsStr::new("run.py"), b"new")
        .expect("replace");
    assert_eq!(std::fs::read_to_string(&script).expect("read"), "new");
    let mode = std::fs::metadata(&script)
        .expect("meta")
        .permissions()
        .mode()
        & 0o7777;
    assert_eq!(mode, 0o750);
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "precious").expect("victim");
    std::os::unix::fs::symlink(&victim, tmp.path().join("link.py")).expect("link");
    dir.replace_file(OsStr::new("link.py"), b"file")
        .expect("replace link");
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("link.py")).expect("file"),
        "file"
    );
    assert_eq!(std::fs::read_dir(tmp.path()).expect("list").count(), 3);
}
