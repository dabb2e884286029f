//! Development driver: `pcc [-I DIR]... [-o SET] FILE...` compiles like
//! `protoc --descriptor_set_out=SET --include_imports --include_source_info --retain_options`, printing
//! protoc's diagnostics to stderr. `--request` writes the input files in their `CodeGeneratorRequest.proto_file`
//! form (source-retention options stripped) instead.

use std::path::PathBuf;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

fn main() {
    let mut includes = Vec::new();
    let mut out = None;
    let mut files = Vec::new();
    let mut request = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--request" {
            request = true;
        } else if arg == "-o" {
            out = args.next();
        } else if let Some(dir) = arg.strip_prefix("-I") {
            includes.push(PathBuf::from(if dir.is_empty() {
                args.next().unwrap_or_default()
            } else {
                dir.to_string()
            }));
        } else {
            files.push(arg);
        }
    }
    let inputs = match proto_compiler::source::resolve_inputs(&includes, &files) {
        Ok(inputs) => inputs,
        Err(d) => {
            eprintln!("{d}");
            std::process::exit(1);
        }
    };
    let start = *START.get_or_init(std::time::Instant::now);
    let result = proto_compiler::compile(
        &inputs,
        &proto_compiler::CompileOptions {
            include_paths: includes,
            keep_location: None,
            request_descriptors: request,
            progress: Some(|phase| {
                eprintln!("{phase} done at {:.2?}", START.get().map(|s| s.elapsed()))
            }),
        },
    );
    eprintln!("compiled in {:?}", start.elapsed());
    for d in &result.diagnostics {
        eprintln!("{d}");
    }
    if let Some(out) = out {
        let mut set = Vec::new();
        for f in &result.files {
            let bytes = f.request_descriptor.as_ref().unwrap_or(&f.descriptor);
            proto_compiler::wire::write_bytes_field(1, bytes, &mut set);
        }
        std::fs::write(out, set).expect("write");
    }
    std::process::exit(if result.has_errors() { 1 } else { 0 });
}
