//! (b) The embedded compiler (the proto-compiler crate) on arbitrary `.proto` text, seeded with the corpora's files
//! (`seeds/compile_proto`), and the plugin on every request it builds: a request or a compile error, never a
//! panic, a stack overflow or a hang.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use protoc_gen_ameide_py::standalone::compile;

/// One include directory per process, holding `fuzz.proto` (rewritten for every input) and a fixed
/// dependency `dep.proto`, so that imports resolve too.
fn include_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ameide-fuzz-compile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the include directory");
        std::fs::write(
            dir.join("dep.proto"),
            "syntax = \"proto3\";\npackage dep;\nmessage D { string s = 1; repeated D d = 2; }\nenum E { E_ZERO = 0; E_ONE = 1; }\n",
        )
        .expect("write dep.proto");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = include_dir();
    std::fs::write(dir.join("fuzz.proto"), data).expect("write fuzz.proto");
    let files = ["fuzz.proto".to_string()];
    if let Ok(request) = compile::embedded_request(std::slice::from_ref(dir), &files, "") {
        let response = protoc_gen_ameide_py::run(&request).expect("our own request decodes");
        assert!(protoc_gen_ameide_py::wire::validate(&response).is_ok());
    }
});
