//! protoc-gen-ameide-py: a protoc/buf plugin emitting `*_pb2.py`, `*_pb2.pyi` and `*_pb2_grpc.py` byte-identical
//! to protoc 35.1's Python generators and grpcio-tools 1.85.1's gRPC plugin, with import prefixing applied at
//! generation time.
//!
//! Data flow: [`request`] decodes the request (prost view + raw bytes) → [`descriptor`] rebuilds the embedded
//! descriptor at wire level → [`naming`] maps files to Python modules → [`gen`] prints each output through
//! [`printer`] → [`response`] encodes the answer.

pub mod descriptor;
pub mod floatfmt;
pub mod gen;
pub mod naming;
pub mod options;
pub mod parallel;
pub mod printer;
pub mod request;
pub mod response;
pub mod retention;
pub mod source_info;
pub mod versions;
pub mod wire;

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
    let result = Options::parse(&request.parameter)
        .map_err(|e| e.to_string())
        .and_then(|options| generate(request, &options).map_err(|e| e.to_string()));
    match result {
        Ok(files) => CodeGeneratorResponse::files(files),
        Err(message) => CodeGeneratorResponse::failure(message),
    }
}
