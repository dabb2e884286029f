//! (a) The plugin on arbitrary `CodeGeneratorRequest` bytes, seeded with small real requests built from the
//! test corpora (`seeds/plugin_request`): every input gives response bytes or a decode error, never a panic,
//! a stack overflow, a hang or an out-of-memory. A response must itself decode, and the same bytes give the
//! same response (determinism).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let first = protoc_gen_ameide_py::run(data);
    if let Ok(response) = &first {
        assert!(
            protoc_gen_ameide_py::wire::validate(response).is_ok(),
            "the response is well-formed protobuf"
        );
        // Determinism: a second run gives the same bytes (cheap relative to the first: same allocations).
        if data.len() < 4096 {
            let second = protoc_gen_ameide_py::run(data).expect("decoded once, decodes again");
            assert_eq!(response, &second, "same request, same response");
        }
    }
});
