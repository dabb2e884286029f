//! The `CodeGeneratorResponse`, declared here because prost-types' copy of plugin.proto predates editions
//! (`minimum_edition` / `maximum_edition`, `FEATURE_SUPPORTS_EDITIONS`).

use prost::Message;

use crate::gen::GeneratedFile;

/// `CodeGeneratorResponse.Feature`: proto3 `optional` and editions, as protoc's Python generators declare.
pub const SUPPORTED_FEATURES: u64 = 1 | 2;
/// `Edition.EDITION_PROTO2`.
pub const MINIMUM_EDITION: i32 = 998;
/// `Edition.EDITION_2024`.
pub const MAXIMUM_EDITION: i32 = 1001;

#[derive(Clone, PartialEq, Message)]
pub struct CodeGeneratorResponse {
    #[prost(string, optional, tag = "1")]
    pub error: Option<String>,
    #[prost(uint64, optional, tag = "2")]
    pub supported_features: Option<u64>,
    #[prost(int32, optional, tag = "3")]
    pub minimum_edition: Option<i32>,
    #[prost(int32, optional, tag = "4")]
    pub maximum_edition: Option<i32>,
    #[prost(message, repeated, tag = "15")]
    pub file: Vec<File>,
}

#[derive(Clone, PartialEq, Message)]
pub struct File {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(string, optional, tag = "15")]
    pub content: Option<String>,
}

impl CodeGeneratorResponse {
    fn with_features() -> Self {
        CodeGeneratorResponse {
            supported_features: Some(SUPPORTED_FEATURES),
            minimum_edition: Some(MINIMUM_EDITION),
            maximum_edition: Some(MAXIMUM_EDITION),
            ..Default::default()
        }
    }

    pub fn files(files: Vec<GeneratedFile>) -> Self {
        CodeGeneratorResponse {
            file: files
                .into_iter()
                .map(|f| File {
                    name: Some(f.name),
                    content: Some(f.content),
                })
                .collect(),
            ..Self::with_features()
        }
    }

    pub fn failure(message: String) -> Self {
        CodeGeneratorResponse {
            error: Some(message),
            ..Self::with_features()
        }
    }
}
