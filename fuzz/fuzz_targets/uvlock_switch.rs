//! (c) uvlock-tool's readers and the switch on mutated fixtures (`seeds/uvlock_switch`).
//!
//! Input layout: one control byte (target and name spelling), then up to four texts separated by NUL bytes:
//! the service's `pyproject.toml`, its `uv.lock`, the local package's `pyproject.toml`, and a reference
//! registry lock (`--from`). Every input gives a plan or an error, never a panic, a stack overflow or a hang;
//! when both lock readers accept a text they agree, and the plan is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uvlock_tool::plan::{plan, Inputs, Target};
use uvlock_tool::{lock, pyproject};

const NAMES: [&str; 4] = [
    "ameide-sdk-python",
    "ameide_sdk_python",
    "Ameide.SDK_python",
    "ameide--sdk..python",
];

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(4, |&b| b == 0).map(String::from_utf8_lossy);
    let pyproject_text = parts.next().unwrap_or_default();
    let lock_text = parts.next().unwrap_or_default();
    let local_text = parts.next().unwrap_or_default();
    let reference = parts.next();

    // The readers on their own.
    let fast = lock::parse("uv.lock", &lock_text);
    let general = lock::parse_general("uv.lock", &lock_text);
    if let (Ok(fast), Ok(general)) = (&fast, &general) {
        assert_eq!(fast, general, "both lock readers give the same lock");
    }
    if let Ok(lock) = &fast {
        // The writer on anything the reader accepts.
        let _ = lock::writer::write(lock);
    }
    let name = NAMES[usize::from(control >> 2) % NAMES.len()];
    let _ = pyproject::analyze_service("pyproject.toml", &pyproject_text, name);
    let _ = pyproject::read_local_package("sdk/pyproject.toml", &local_text);

    // The switch.
    let target = match control & 3 {
        0 => Target::Editable,
        1 => Target::Directory,
        _ => Target::Registry,
    };
    let inputs = Inputs {
        service: "svc",
        pyproject: &pyproject_text,
        lock: &lock_text,
        name,
        target,
        local: ("sdk/pyproject.toml", &local_text),
        rel_path: "../sdk",
        reference: reference.as_deref().map(|r| ("ref/uv.lock", r)),
    };
    let first = plan(&inputs);
    if data.len() < 8192 {
        let second = plan(&inputs);
        match (&first, &second) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.pyproject, b.pyproject);
                assert_eq!(a.lock, b.lock);
            }
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!("the same inputs planned once and failed once"),
        }
    }
});
