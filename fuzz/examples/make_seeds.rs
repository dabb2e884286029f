//! Regenerates `seeds/plugin_request`: requests built by the embedded compiler from single files of the test
//! corpora (small ones, with a few parameter spellings). Run from `fuzz/`: `cargo run --release --example
//! make_seeds` (the other seed directories are copies of corpus files and trimmed uvlock-tool fixtures; see
//! docs/development.md, "Fuzzing").

use std::path::PathBuf;

use protoc_gen_ameide_py::standalone::compile;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("fuzz/seeds/plugin_request");
    std::fs::create_dir_all(&out).expect("create seeds/plugin_request");
    let cases: &[(&str, &str, &str)] = &[
        ("tests/corpus", "ameide_core_proto/common/v1/types.proto", ""),
        ("tests/corpus", "ameide_core_proto/common/v1/common.proto", "prefix=ameide_gen"),
        ("tests/corpus", "ameide_core_proto/edge/v1/nopkg.proto", "outputs=py,pyi"),
        ("tests/corpus", "ameide_core_proto/edge/v1/generic_services.proto", ""),
        ("tests/corpus", "ameide_core_proto/edge/v1/offsets.proto", "package_files=leaf"),
        ("tests/corpus", "ameide_core_proto/edge/v1/double_import.proto", ""),
        ("tests/corpus", "ameide_core_proto/import/v1/keywords.proto", "prefix=x.y"),
        ("tests/corpus", "ameide_core_proto/misc/v1/mismatch.proto", ""),
        ("tests/corpus", "ameide_core_proto/agents/v1/agents.proto", "grpc_version=1.76.0"),
        ("tests/corpus", "ameide_core_proto/legacy/v1/legacy.proto", "protoc_version=33.0"),
        ("tests/corpus", "thirdparty/acme/v1/acme.proto", ""),
        ("tests/corpus-extra", "ameide_core_proto/extra/nested/v1/nested.proto", ""),
        ("tests/corpus-extra", "ameide_core_proto/extra/lambda/v1/keyword_names.proto", ""),
        ("tests/corpus-extra", "ameide_core_proto/extra/defaults/v1/float_defaults.proto", ""),
        ("tests/corpus-versions", "ameide_core_proto/versions/v1/switches.proto", "protoc_version=30.0"),
    ];
    for (n, (dir, file, parameter)) in cases.iter().enumerate() {
        let includes = [root.join(dir)];
        let files = [file.to_string()];
        match compile::embedded_request(&includes, &files, parameter) {
            Ok(request) => {
                let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".proto");
                let path = out.join(format!("{n:02}_{stem}.bin"));
                std::fs::write(&path, &request).expect("write seed");
                println!("{} ({} bytes)", path.display(), request.len());
            }
            Err(e) => eprintln!("{dir}/{file}: {e}"),
        }
    }
}
