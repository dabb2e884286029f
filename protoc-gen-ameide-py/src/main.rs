//! The protoc/buf plugin binary: request on stdin, response on stdout.

use std::io::{Read, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("protoc-gen-ameide-py: cannot read the request from stdin: {e}");
        return ExitCode::FAILURE;
    }
    match protoc_gen_ameide_py::run(&input) {
        Ok(response) => match std::io::stdout()
            .write_all(&response)
            .and_then(|()| std::io::stdout().flush())
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("protoc-gen-ameide-py: cannot write the response to stdout: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("protoc-gen-ameide-py: {e} (stdin must be a CodeGeneratorRequest from protoc or buf)");
            ExitCode::FAILURE
        }
    }
}
