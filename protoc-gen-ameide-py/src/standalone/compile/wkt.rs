//! The well-known types protoc 35.1 brings, from the compiler crate.
//!
//! protox cannot parse an extension range with options on a single number (`extensions 536000000 [...]`), so
//! `descriptor.proto` is served with those ranges written `536000000 to 536000000`, which is the same range.

/// The source of a bundled well-known type, if `name` is one.
pub fn source(name: &str) -> Option<String> {
    let text = proto_compiler::wkt::source(name)?;
    Some(if name == "google/protobuf/descriptor.proto" {
        text.replace(
            "extensions 536000000 [",
            "extensions 536000000 to 536000000 [",
        )
    } else {
        text.to_string()
    })
}
