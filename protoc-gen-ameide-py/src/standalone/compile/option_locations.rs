//! Comments on `deprecated` option statements. For `option deprecated = true; // why` protoc records the
//! comment at the option's field (`…, options, 3`), protox at the uninterpreted option (`…, options, 999, i`).
//! The typed stubs read those comments (mypy-protobuf's deprecation messages), so their locations get protoc's
//! path; other options' locations are read by no generator and stay as they are. Options in brackets
//! (`[deprecated = true]`) carry no comments in either.

use prost_types::{DescriptorProto, FileDescriptorProto, UninterpretedOption};

/// `uninterpreted_option` in every `*Options` message.
const UNINTERPRETED: i32 = 999;

/// protoc's path for the location at `path` if it is a `deprecated` option statement's (an uninterpreted
/// option of a file, message, enum, service or method named plain `deprecated`).
pub fn deprecated_option_path(proto: &FileDescriptorProto, path: &[i32]) -> Option<Vec<i32>> {
    let (&index, rest) = path.split_last()?;
    let (&UNINTERPRETED, options_path) = rest.split_last()? else {
        return None;
    };
    let (options, deprecated) = options_at(proto, options_path)?;
    let option = options.get(usize::try_from(index).ok()?)?;
    match option.name.as_slice() {
        [part] if !part.is_extension && part.name_part == "deprecated" => {
            Some([options_path, &[deprecated]].concat())
        }
        _ => None,
    }
}

fn at<T>(items: &[T], index: i32) -> Option<&T> {
    items.get(usize::try_from(index).ok()?)
}

/// The uninterpreted options at an options path of the file, and `deprecated`'s number in that options type.
fn options_at<'a>(
    proto: &'a FileDescriptorProto,
    path: &[i32],
) -> Option<(&'a [UninterpretedOption], i32)> {
    match *path {
        [8] => Some((&proto.options.as_ref()?.uninterpreted_option, 23)),
        [4, message, ref rest @ ..] => message_options(at(&proto.message_type, message)?, rest),
        [5, e, 3] => Some((
            &at(&proto.enum_type, e)?
                .options
                .as_ref()?
                .uninterpreted_option,
            3,
        )),
        [6, service, 3] => Some((
            &at(&proto.service, service)?
                .options
                .as_ref()?
                .uninterpreted_option,
            33,
        )),
        [6, service, 2, method, 4] => Some((
            &at(&at(&proto.service, service)?.method, method)?
                .options
                .as_ref()?
                .uninterpreted_option,
            33,
        )),
        _ => None,
    }
}

fn message_options<'a>(
    message: &'a DescriptorProto,
    path: &[i32],
) -> Option<(&'a [UninterpretedOption], i32)> {
    match *path {
        [7] => Some((&message.options.as_ref()?.uninterpreted_option, 3)),
        [3, nested, ref rest @ ..] => message_options(at(&message.nested_type, nested)?, rest),
        [4, e, 3] => Some((
            &at(&message.enum_type, e)?
                .options
                .as_ref()?
                .uninterpreted_option,
            3,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecated_option_statements_get_protocs_paths() {
        let source = "syntax = \"proto3\";\npackage p;\noption deprecated = true; // f\noption java_package = \"x\"; // j\nenum E {\n  option deprecated = true; // e\n  A = 0;\n}\nmessage M {\n  message N { option deprecated = true; }\n  option deprecated = true; // m\n}\nservice S {\n  option deprecated = true;\n  rpc R(M) returns (M) { option deprecated = true; }\n}\n";
        let proto = FileDescriptorProto::from(
            protox::file::File::from_source("p.proto", source).expect("parses"),
        );
        let path = |p: &[i32]| deprecated_option_path(&proto, p);
        assert_eq!(path(&[8, 999, 0]), Some(vec![8, 23]));
        assert_eq!(path(&[8, 999, 1]), None);
        assert_eq!(path(&[5, 0, 3, 999, 0]), Some(vec![5, 0, 3, 3]));
        assert_eq!(path(&[4, 0, 7, 999, 0]), Some(vec![4, 0, 7, 3]));
        assert_eq!(path(&[4, 0, 3, 0, 7, 999, 0]), Some(vec![4, 0, 3, 0, 7, 3]));
        assert_eq!(path(&[6, 0, 3, 999, 0]), Some(vec![6, 0, 3, 33]));
        assert_eq!(
            path(&[6, 0, 2, 0, 4, 999, 0]),
            Some(vec![6, 0, 2, 0, 4, 33])
        );
        assert_eq!(path(&[4, 0, 2, 0]), None);
    }
}
