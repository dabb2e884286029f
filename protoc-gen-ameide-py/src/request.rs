//! Decoding of the `CodeGeneratorRequest`: a prost view for structure (names, types, flags), and beside it the
//! raw bytes of every `proto_file`, which are the only source of bytes that reach generated code.

use prost::Message;
use prost_types::compiler::Version;
use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto};
use proto_compiler::pool::fxhash::FxHashMap;
use thiserror::Error;

use crate::parallel;
use crate::wire::{self, Value, WireError};

/// A request that cannot be decoded at all (the plugin then fails on stderr; protoc shows that).
#[derive(Debug, Error)]
pub enum RequestError {
    #[error("malformed CodeGeneratorRequest: `{0}` is not valid UTF-8")]
    NotUtf8(&'static str),
    #[error("malformed CodeGeneratorRequest: {0}")]
    Decode(#[from] prost::DecodeError),
    #[error("malformed CodeGeneratorRequest: {0}")]
    Wire(#[from] WireError),
}

/// One `proto_file` entry: the decoded view and the exact bytes it was decoded from.
#[derive(Debug)]
pub struct ProtoFile {
    pub proto: FileDescriptorProto,
    pub raw: Vec<u8>,
}

impl ProtoFile {
    pub fn name(&self) -> &str {
        self.proto.name()
    }

    /// `package` with a leading dot, or empty for files without a package (prefix of full type names).
    pub fn scope(&self) -> String {
        match self.proto.package() {
            "" => String::new(),
            package => format!(".{package}"),
        }
    }
}

/// Where a message or enum lives: its file, and its names from the outermost to itself.
#[derive(Debug, Clone)]
pub struct TypeInfo {
    pub file: usize,
    pub names: Vec<String>,
    /// Indices through `message_type` / `nested_type` down to the message, or to the enum's container.
    indices: Vec<usize>,
    /// For an enum: its index in the container's `enum_type`.
    enum_index: Option<usize>,
}

impl TypeInfo {
    pub fn is_enum(&self) -> bool {
        self.enum_index.is_some()
    }
}

fn utf8(bytes: &[u8], field: &'static str) -> Result<String, RequestError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| RequestError::NotUtf8(field))
}

/// The decoded request with an index of every message and enum by full name (`.pkg.Outer.Inner`).
#[derive(Debug)]
pub struct Request {
    pub files: Vec<ProtoFile>,
    pub files_to_generate: Vec<String>,
    pub parameter: String,
    /// `compiler_version` as `(major, minor, patch, suffix)`; protoc sends it, buf does not.
    pub compiler_version: Option<(i32, i32, i32, String)>,
    by_name: FxHashMap<String, usize>,
    types: FxHashMap<String, TypeInfo>,
}

impl Request {
    /// Decodes request bytes. Only decoding problems are errors here; semantic problems (a file to generate
    /// that is missing, say) are reported by the generators through the response.
    pub fn decode(bytes: &[u8]) -> Result<Request, RequestError> {
        let mut files_to_generate = Vec::new();
        let mut parameter = None;
        let mut compiler_version = None;
        let mut raw_files = Vec::new();
        for record in wire::records(bytes) {
            let record = record?;
            match (record.field, record.value) {
                (1, Value::Bytes(name)) => files_to_generate.push(utf8(name, "file_to_generate")?),
                (2, Value::Bytes(text)) => parameter = Some(utf8(text, "parameter")?),
                (3, Value::Bytes(version)) => compiler_version = Some(Version::decode(version)?),
                (15, Value::Bytes(file)) => raw_files.push(file),
                // Unknown fields, as prost would skip them; wrong wire types for known ones are malformed.
                (1 | 2 | 3 | 15, _) => {
                    return Err(WireError::InvalidWireType {
                        wire_type: 0,
                        offset: 0,
                    }
                    .into())
                }
                _ => {}
            }
        }
        let compiler_version = compiler_version.map(|v| {
            (
                v.major.unwrap_or(0),
                v.minor.unwrap_or(0),
                v.patch.unwrap_or(0),
                v.suffix.unwrap_or_default(),
            )
        });
        Request::from_raw_files(
            files_to_generate,
            parameter.unwrap_or_default(),
            compiler_version,
            &raw_files,
        )
    }

    /// The request made of its parts, `proto_files` as raw `FileDescriptorProto` bytes (the standalone
    /// compiler builds requests this way, without encoding the envelope only to decode it again).
    pub fn from_raw_files(
        files_to_generate: Vec<String>,
        parameter: String,
        compiler_version: Option<(i32, i32, i32, String)>,
        proto_files: &[&[u8]],
    ) -> Result<Request, RequestError> {
        // Large requests (all of googleapis: ~170 MB) spend most of their decoding in the per-file messages,
        // and copying them too is better done on all cores.
        let files = parallel::map(proto_files, |raw| {
            decode_file(raw).map(|proto| ProtoFile {
                proto,
                raw: raw.to_vec(),
            })
        })
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
        let mut request = Request {
            by_name: files
                .iter()
                .enumerate()
                .map(|(i, f)| (f.name().to_string(), i))
                .collect(),
            types: FxHashMap::default(),
            files,
            files_to_generate,
            parameter,
            compiler_version,
        };
        request.index_types();
        Ok(request)
    }

    fn index_types(&mut self) {
        let mut types = FxHashMap::default();
        for (file_index, file) in self.files.iter().enumerate() {
            let scope = file.scope();
            for (i, e) in file.proto.enum_type.iter().enumerate() {
                types.insert(
                    format!("{scope}.{}", e.name()),
                    TypeInfo {
                        file: file_index,
                        names: vec![e.name().into()],
                        indices: vec![],
                        enum_index: Some(i),
                    },
                );
            }
            index_messages(
                &file.proto.message_type,
                file_index,
                &scope,
                &[],
                &[],
                &mut types,
            );
        }
        self.types = types;
    }

    pub fn file(&self, name: &str) -> Option<&ProtoFile> {
        self.by_name.get(name).map(|&i| &self.files[i])
    }

    pub fn file_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Looks up a message or enum by its full name as it appears in `type_name` (`.pkg.Msg`).
    pub fn type_info(&self, full_name: &str) -> Option<&TypeInfo> {
        self.types.get(full_name)
    }

    /// The message descriptor of a full type name.
    pub fn message(&self, full_name: &str) -> Option<&DescriptorProto> {
        let info = self.types.get(full_name).filter(|t| !t.is_enum())?;
        descend(&self.files[info.file].proto, &info.indices)
    }

    /// The raw bytes of a message descriptor by full type name (`.pkg.Msg`), as its file holds them.
    pub fn message_bytes(&self, full_name: &str) -> Option<Result<&[u8], WireError>> {
        let info = self.types.get(full_name).filter(|t| !t.is_enum())?;
        let mut path = Vec::with_capacity(info.indices.len());
        for (depth, &index) in info.indices.iter().enumerate() {
            // FileDescriptorProto.message_type, then DescriptorProto.nested_type
            path.push((if depth == 0 { 4 } else { 3 }, index));
        }
        Some(wire::sub_message(&self.files[info.file].raw, &path))
    }

    /// The enum descriptor of a full type name.
    pub fn enumeration(&self, full_name: &str) -> Option<&EnumDescriptorProto> {
        let info = self.types.get(full_name)?;
        let index = info.enum_index?;
        let file = &self.files[info.file].proto;
        if info.indices.is_empty() {
            file.enum_type.get(index)
        } else {
            descend(file, &info.indices)?.enum_type.get(index)
        }
    }
}

/// Decodes one `proto_file`. protoc does not check that comments are UTF-8 (descriptor.proto is proto2), so a
/// .proto with, say, Latin-1 in a comment reaches the plugin with non-UTF-8 `source_code_info` strings, which
/// prost refuses: those comments are then read lossily (U+FFFD for the invalid bytes; they only reach
/// `_pb2_grpc.py` docstrings, and the embedded descriptor is sliced from the raw bytes, without source info).
fn decode_file(raw: &[u8]) -> Result<FileDescriptorProto, RequestError> {
    let error = match FileDescriptorProto::decode(raw) {
        Ok(proto) => return Ok(proto),
        Err(error) => error,
    };
    match lossy_comments(raw) {
        Ok(Some(fixed)) => FileDescriptorProto::decode(fixed.as_slice()).map_err(|_| error.into()),
        _ => Err(error.into()),
    }
}

// FileDescriptorProto.source_code_info, SourceCodeInfo.location, Location's comment fields.
const FILE_SOURCE_CODE_INFO: u32 = 9;
const SOURCE_CODE_INFO_LOCATION: u32 = 1;
const LOCATION_LEADING: u32 = 3;
const LOCATION_TRAILING: u32 = 4;
const LOCATION_DETACHED: u32 = 6;

/// The file with every non-UTF-8 comment replaced by its lossy UTF-8 reading, or `None` if all were valid.
fn lossy_comments(raw: &[u8]) -> Result<Option<Vec<u8>>, WireError> {
    let mut changed = false;
    let fixed = wire::rewrite(raw, |field, _, info| {
        if field != FILE_SOURCE_CODE_INFO {
            return Ok(wire::Edit::Keep);
        }
        Ok(wire::Edit::Replace(wire::rewrite(
            info,
            |field, _, location| {
                if field != SOURCE_CODE_INFO_LOCATION {
                    return Ok(wire::Edit::Keep);
                }
                Ok(wire::Edit::Replace(wire::rewrite(
                    location,
                    |field, _, text| {
                        let comment = matches!(
                            field,
                            LOCATION_LEADING | LOCATION_TRAILING | LOCATION_DETACHED
                        );
                        Ok(match std::str::from_utf8(text) {
                            Err(_) if comment => {
                                changed = true;
                                wire::Edit::Replace(
                                    String::from_utf8_lossy(text).into_owned().into_bytes(),
                                )
                            }
                            _ => wire::Edit::Keep,
                        })
                    },
                )?))
            },
        )?))
    })?;
    Ok(changed.then_some(fixed))
}

fn descend<'a>(file: &'a FileDescriptorProto, indices: &[usize]) -> Option<&'a DescriptorProto> {
    let (first, rest) = indices.split_first()?;
    let mut message = file.message_type.get(*first)?;
    for &i in rest {
        message = message.nested_type.get(i)?;
    }
    Some(message)
}

fn index_messages(
    messages: &[DescriptorProto],
    file: usize,
    scope: &str,
    names: &[String],
    indices: &[usize],
    types: &mut FxHashMap<String, TypeInfo>,
) {
    for (i, message) in messages.iter().enumerate() {
        let full = format!("{scope}.{}", message.name());
        let names: Vec<String> = names
            .iter()
            .cloned()
            .chain([message.name().to_string()])
            .collect();
        let indices: Vec<usize> = indices.iter().copied().chain([i]).collect();
        for (e_index, e) in message.enum_type.iter().enumerate() {
            let enum_names = names
                .iter()
                .cloned()
                .chain([e.name().to_string()])
                .collect();
            types.insert(
                format!("{full}.{}", e.name()),
                TypeInfo {
                    file,
                    names: enum_names,
                    indices: indices.clone(),
                    enum_index: Some(e_index),
                },
            );
        }
        index_messages(&message.nested_type, file, &full, &names, &indices, types);
        types.insert(
            full,
            TypeInfo {
                file,
                names,
                indices,
                enum_index: None,
            },
        );
    }
}
