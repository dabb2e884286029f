//! Parse → write of every uv-made lock in the fixtures reproduces it byte for byte.

use std::path::{Path, PathBuf};

fn locks(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            locks(&p, out);
        } else if p.extension().is_some_and(|e| e == "lock") {
            out.push(p);
        }
    }
}

#[test]
fn every_fixture_lock_round_trips_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    locks(&root, &mut files);
    assert!(
        files.len() >= 17,
        "expected the fixture locks, found {}",
        files.len()
    );
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read fixture");
        let lock =
            uvlock_tool::lock::parse(&f.display().to_string(), &text).expect("parse fixture lock");
        let out = uvlock_tool::lock::writer::write(&lock);
        if out != text {
            let diff = similar::TextDiff::from_lines(&text, &out)
                .unified_diff()
                .to_string();
            panic!("{} does not round-trip:\n{diff}", f.display());
        }
    }
}
