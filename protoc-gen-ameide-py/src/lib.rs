//! protoc-gen-ameide-py: a protoc/buf plugin emitting `*_pb2.py`, `*_pb2.pyi` and `*_pb2_grpc.py` byte-identical
//! to protoc 35.1's Python generators and grpcio-tools 1.85.1's gRPC plugin, with import prefixing applied at
//! generation time.
//!
//! Data flow: [`request`] decodes the request (prost view + raw bytes) → [`descriptor`] rebuilds the embedded
//! descriptor at wire level → [`naming`] maps files to Python modules → [`gen`] prints each output through
//! [`printer`] → [`response`] encodes the answer.

pub use cli_text::color;
pub mod descriptor;
pub use proto_compiler::floatfmt;
pub mod gen;
pub mod naming;
pub mod options;
pub use proto_compiler::parallel;
pub mod printer;
pub mod request;
pub mod response;
pub mod retention;
pub mod source_info;
pub mod standalone;
pub mod versions;
pub use proto_compiler::wire;

use prost::Message;

pub use gen::{generate, GenerateError, GeneratedFile};
pub use options::Options;
pub use request::{Request, RequestError};
pub use response::CodeGeneratorResponse;

/// Runs the plugin on raw request bytes and returns the encoded response. Bad parameters and generation
/// problems are reported in `CodeGeneratorResponse.error` (protoc prints them); only undecodable input is an
/// `Err`.
pub fn run(request_bytes: &[u8]) -> Result<Vec<u8>, RequestError> {
    let request = Request::decode(request_bytes)?;
    Ok(respond(&request).encode_to_vec())
}

/// The response for a decoded request.
pub fn respond(request: &Request) -> CodeGeneratorResponse {
    match generate_all(request) {
        Ok(files) => CodeGeneratorResponse::files(files),
        Err(message) => CodeGeneratorResponse::failure(message),
    }
}

/// Every file the plugin emits for a decoded request (stubs, then package files if asked for), or the
/// one-line error the response carries.
pub fn generate_all(request: &Request) -> Result<Vec<GeneratedFile>, String> {
    let options = Options::parse(&request.parameter).map_err(|e| e.to_string())?;
    let files = generate(request, &options).map_err(|e| e.to_string())?;
    complete_response(files, &options)
}

/// The files of one response given the stubs of its files to generate: the stubs, then the package files
/// asked for; refused if a name would leave the output directory.
pub fn complete_response(
    mut files: Vec<GeneratedFile>,
    options: &Options,
) -> Result<Vec<GeneratedFile>, String> {
    if let Some(mode) = options.package_files {
        let extra = gen::package::package_files(&files, mode, &options.modules);
        files.extend(extra);
    }
    // protoc only sends names relative to an include directory; anything else did not come from protoc.
    if let Some(file) = files.iter().find(|f| !naming::is_safe_name(&f.name)) {
        return Err(format!(
            "generated file name `{}` is absolute or contains `..` (the request names a .proto outside every include directory); refusing to write outside the output directory",
            file.name
        ));
    }
    Ok(files)
}
