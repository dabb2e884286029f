//! A failed `generate` (full or read-only output file system) leaves no partial file.

mod support;

use std::process::{Command, Stdio};

use support::{corpus_files, generate, root, tree};

struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(size_kb: u32) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kb}k"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
            .then_some(Tmpfs(dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn a_full_or_read_only_output_directory_leaves_only_complete_files() {
    let corpus = root().join("tests/corpus").to_string_lossy().into_owned();
    let files = corpus_files();
    let expected_dir = tempfile::tempdir().expect("tempdir");
    let expected_arg = expected_dir.path().to_string_lossy().into_owned();
    let mut args = vec!["-I", corpus.as_str(), "--out", &expected_arg];
    args.extend(files.iter().map(String::as_str));
    assert!(generate(&args, "2").status.success());
    let expected = tree(expected_dir.path());
    let total: usize = expected.values().map(Vec::len).sum();

    let Some(fs) = Tmpfs::mount(u32::try_from(total / 2048).expect("small")) else {
        eprintln!("skipped: cannot mount a tmpfs (not root)");
        return;
    };
    // Half the room the output needs. New directories are built under a temporary name and renamed into
    // place when complete: the disk fills up before, and nothing is left, not even the temporary tree.
    let out_arg = fs.0.path().to_string_lossy().into_owned();
    let mut args = vec!["-I", corpus.as_str(), "--out", &out_arg];
    args.extend(files.iter().map(String::as_str));
    let run = generate(&args, "2");
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(tree(fs.0.path()).is_empty());
    assert_eq!(std::fs::read_dir(fs.0.path()).expect("list").count(), 0);

    // The directories exist (a tree generated before): every file is written under a temporary name first and
    // renamed only when all are written, so a full disk leaves no file and no temporary file behind.
    for name in expected.keys() {
        let dir = fs.0.path().join(name);
        std::fs::create_dir_all(dir.parent().expect("a parent")).expect("mkdir");
    }
    let run = generate(&args, "2");
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("No space left on device"), "{err}");
    assert!(tree(fs.0.path()).is_empty());
    // Read-only: nothing is written, the error names the directory.
    assert!(Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(fs.0.path())
        .status()
        .is_ok_and(|s| s.success()));
    let before = tree(fs.0.path());
    let run = generate(&args, "2");
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("Read-only file system"), "{err}");
    assert_eq!(tree(fs.0.path()), before);
}
