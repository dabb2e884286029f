//! The well-known types protoc 35.1 brings (grpcio-tools 1.85.1's `grpc_tools/_proto`, unchanged in `wkt/`),
//! found after the include directories like protoc's own include directory.
//!
//! protox cannot parse an extension range with options on a single number (`extensions 536000000 [...]`), so
//! `descriptor.proto` is served with those ranges written `536000000 to 536000000`, which is the same range.

/// The bundled files, by proto name.
const FILES: &[(&str, &str)] = &[
    (
        "google/protobuf/any.proto",
        include_str!("../../../wkt/google/protobuf/any.proto"),
    ),
    (
        "google/protobuf/api.proto",
        include_str!("../../../wkt/google/protobuf/api.proto"),
    ),
    (
        "google/protobuf/compiler/plugin.proto",
        include_str!("../../../wkt/google/protobuf/compiler/plugin.proto"),
    ),
    (
        "google/protobuf/cpp_features.proto",
        include_str!("../../../wkt/google/protobuf/cpp_features.proto"),
    ),
    (
        "google/protobuf/descriptor.proto",
        include_str!("../../../wkt/google/protobuf/descriptor.proto"),
    ),
    (
        "google/protobuf/duration.proto",
        include_str!("../../../wkt/google/protobuf/duration.proto"),
    ),
    (
        "google/protobuf/empty.proto",
        include_str!("../../../wkt/google/protobuf/empty.proto"),
    ),
    (
        "google/protobuf/field_mask.proto",
        include_str!("../../../wkt/google/protobuf/field_mask.proto"),
    ),
    (
        "google/protobuf/go_features.proto",
        include_str!("../../../wkt/google/protobuf/go_features.proto"),
    ),
    (
        "google/protobuf/java_features.proto",
        include_str!("../../../wkt/google/protobuf/java_features.proto"),
    ),
    (
        "google/protobuf/source_context.proto",
        include_str!("../../../wkt/google/protobuf/source_context.proto"),
    ),
    (
        "google/protobuf/struct.proto",
        include_str!("../../../wkt/google/protobuf/struct.proto"),
    ),
    (
        "google/protobuf/timestamp.proto",
        include_str!("../../../wkt/google/protobuf/timestamp.proto"),
    ),
    (
        "google/protobuf/type.proto",
        include_str!("../../../wkt/google/protobuf/type.proto"),
    ),
    (
        "google/protobuf/wrappers.proto",
        include_str!("../../../wkt/google/protobuf/wrappers.proto"),
    ),
];

/// The source of a bundled well-known type, if `name` is one.
pub fn source(name: &str) -> Option<String> {
    let (_, text) = FILES.iter().find(|(n, _)| *n == name)?;
    Some(if name == "google/protobuf/descriptor.proto" {
        text.replace(
            "extensions 536000000 [",
            "extensions 536000000 to 536000000 [",
        )
    } else {
        (*text).to_string()
    })
}
