//! The well-known types protoc 35.1 brings (grpcio-tools 1.85.1's `grpc_tools/_proto`, unchanged in `wkt/`),
//! found after the include directories like the include directory `python -m grpc_tools.protoc` adds last.
//! `google/protobuf/descriptor.proto` is also the compiler's own schema of the options messages (what protoc
//! has compiled in).

/// The bundled files, by proto name.
pub const FILES: &[(&str, &str)] = &[
    (
        "google/protobuf/any.proto",
        include_str!("../wkt/google/protobuf/any.proto"),
    ),
    (
        "google/protobuf/api.proto",
        include_str!("../wkt/google/protobuf/api.proto"),
    ),
    (
        "google/protobuf/compiler/plugin.proto",
        include_str!("../wkt/google/protobuf/compiler/plugin.proto"),
    ),
    (
        "google/protobuf/cpp_features.proto",
        include_str!("../wkt/google/protobuf/cpp_features.proto"),
    ),
    (
        "google/protobuf/descriptor.proto",
        include_str!("../wkt/google/protobuf/descriptor.proto"),
    ),
    (
        "google/protobuf/duration.proto",
        include_str!("../wkt/google/protobuf/duration.proto"),
    ),
    (
        "google/protobuf/empty.proto",
        include_str!("../wkt/google/protobuf/empty.proto"),
    ),
    (
        "google/protobuf/field_mask.proto",
        include_str!("../wkt/google/protobuf/field_mask.proto"),
    ),
    (
        "google/protobuf/go_features.proto",
        include_str!("../wkt/google/protobuf/go_features.proto"),
    ),
    (
        "google/protobuf/java_features.proto",
        include_str!("../wkt/google/protobuf/java_features.proto"),
    ),
    (
        "google/protobuf/source_context.proto",
        include_str!("../wkt/google/protobuf/source_context.proto"),
    ),
    (
        "google/protobuf/struct.proto",
        include_str!("../wkt/google/protobuf/struct.proto"),
    ),
    (
        "google/protobuf/timestamp.proto",
        include_str!("../wkt/google/protobuf/timestamp.proto"),
    ),
    (
        "google/protobuf/type.proto",
        include_str!("../wkt/google/protobuf/type.proto"),
    ),
    (
        "google/protobuf/wrappers.proto",
        include_str!("../wkt/google/protobuf/wrappers.proto"),
    ),
];

/// The source of a bundled well-known type, if `name` is one.
pub fn source(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}
