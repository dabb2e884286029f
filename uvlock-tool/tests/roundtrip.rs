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
        let general = uvlock_tool::lock::parse_general("x", &text).expect("toml_edit path");
        assert_eq!(
            lock,
            general,
            "{}: the fast reader and toml_edit disagree",
            f.display()
        );
        let out = uvlock_tool::lock::writer::write(&lock);
        if out != text {
            let diff = similar::TextDiff::from_lines(&text, &out)
                .unified_diff()
                .to_string();
            panic!("{} does not round-trip:\n{diff}", f.display());
        }
    }
}

#[test]
fn hand_edited_lock_falls_back_to_toml_edit_and_broken_lock_reports_line_and_column() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/small/registry/services/inference/uv.lock");
    let text = std::fs::read_to_string(path).expect("read");
    // A comment and odd spacing are outside uv's own subset: the general reader takes over.
    let edited = text.replacen(
        "requires-python = \">=3.11\"",
        "requires-python   =   \">=3.11\"  # hand edit",
        1,
    );
    let a = uvlock_tool::lock::parse("a", &text).expect("parse");
    let b = uvlock_tool::lock::parse("b", &edited).expect("parse hand-edited");
    assert_eq!(a, b);
    let broken = text.replacen("name = \"anyio\"", "name = \"anyio", 1);
    let err = uvlock_tool::lock::parse("services/inference/uv.lock", &broken).expect_err("broken");
    let line = broken
        .lines()
        .position(|l| l == "name = \"anyio")
        .expect("line")
        + 1;
    assert!(
        err.to_string().starts_with(&format!(
            "error[E102 toml]: services/inference/uv.lock:{line}:"
        )),
        "{err}"
    );
    assert_eq!(err.exit_code(), 3);
}
