//! Comments from a file's `source_code_info`, found by descriptor path with the semantics of protobuf's
//! `FileDescriptor::GetSourceLocation` (what every protoc-side generator sees).
//!
//! A path is the list of field numbers and indices from the `FileDescriptorProto` down to an element, e.g.
//! `[6, 0, 2, 1]` for the second method of the first service (see [`service_path`], [`method_path`]).

use std::collections::HashMap;

use prost_types::source_code_info::Location;
use prost_types::FileDescriptorProto;

/// `FileDescriptorProto.service`.
const FILE_SERVICE: i32 = 6;
/// `ServiceDescriptorProto.method`.
const SERVICE_METHOD: i32 = 2;

/// The path of the `service`-th service of a file.
pub fn service_path(service: usize) -> Vec<i32> {
    vec![FILE_SERVICE, index(service)]
}

/// The path of the `method`-th method of the `service`-th service of a file.
pub fn method_path(service: usize, method: usize) -> Vec<i32> {
    vec![FILE_SERVICE, index(service), SERVICE_METHOD, index(method)]
}

/// `prefix` followed by `more`: the path of an element below the one at `prefix`.
pub fn extend(prefix: &[i32], more: &[i32]) -> Vec<i32> {
    prefix.iter().chain(more).copied().collect()
}

/// A descriptor index as a path component.
pub fn index(i: usize) -> i32 {
    // Descriptor indices are `int` in protobuf; a file cannot hold more elements than that.
    i32::try_from(i).unwrap_or(i32::MAX)
}

/// The source locations of one file, indexed by path.
#[derive(Debug, Default)]
pub struct SourceInfo<'a> {
    by_path: HashMap<&'a [i32], &'a Location>,
}

impl<'a> SourceInfo<'a> {
    /// Indexes the file's `source_code_info` (empty if the request carries none).
    pub fn new(file: &'a FileDescriptorProto) -> Self {
        let locations = file
            .source_code_info
            .as_ref()
            .map_or(&[][..], |info| &info.location[..]);
        SourceInfo {
            // protobuf builds its map by assignment, so of several locations with one path the LAST wins.
            by_path: locations.iter().map(|loc| (&loc.path[..], loc)).collect(),
        }
    }

    /// The location protobuf reports for `path`: the last one with exactly that path, and only if its span is
    /// well-formed (3 or 4 numbers); otherwise none.
    pub fn location(&self, path: &[i32]) -> Option<&'a Location> {
        self.by_path
            .get(path)
            .copied()
            .filter(|loc| matches!(loc.span.len(), 3 | 4))
    }

    /// The last location recorded for `path`, whatever its span (how mypy-protobuf indexes them).
    pub fn recorded(&self, path: &[i32]) -> Option<&'a Location> {
        self.by_path.get(path).copied()
    }

    /// The comments attached to the element at `path` (empty if it has no location).
    pub fn comments(&self, path: &[i32]) -> Comments<'a> {
        self.location(path)
            .map_or_else(Comments::default, |loc| Comments {
                leading_detached: &loc.leading_detached_comments,
                leading: loc.leading_comments(),
                trailing: loc.trailing_comments(),
            })
    }
}

/// The raw comment texts of one element, exactly as the parser recorded them (comment markers removed, one
/// `\n` per source line, nothing trimmed).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Comments<'a> {
    pub leading_detached: &'a [String],
    pub leading: &'a str,
    pub trailing: &'a str,
}

impl<'a> Comments<'a> {
    pub fn is_empty(&self) -> bool {
        self.leading_detached.is_empty() && self.leading.is_empty() && self.trailing.is_empty()
    }

    /// Every comment line in grpc's `get_all_comments` order: each detached comment's lines followed by an
    /// empty line, then the leading comment's lines, then the trailing comment's lines.
    pub fn all_lines(&self) -> Vec<&'a str> {
        let mut out = Vec::new();
        for detached in self.leading_detached {
            out.extend(lines(detached));
            out.push("");
        }
        out.extend(lines(self.leading));
        out.extend(lines(self.trailing));
        out
    }
}

/// Splits a comment into lines like C++ `std::getline` does: on `\n`, without a final empty piece (so `""`
/// has no lines, `"a\n"` has one and `"\n"` has one empty line). Nothing else is stripped.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    (!text.is_empty())
        .then(|| body.split('\n'))
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost_types::SourceCodeInfo;

    fn location(path: &[i32], span_len: usize, leading: &str) -> Location {
        Location {
            path: path.to_vec(),
            span: vec![1; span_len],
            leading_comments: Some(leading.to_string()),
            ..Location::default()
        }
    }

    fn file(locations: Vec<Location>) -> FileDescriptorProto {
        FileDescriptorProto {
            source_code_info: Some(SourceCodeInfo {
                location: locations,
            }),
            ..FileDescriptorProto::default()
        }
    }

    #[test]
    fn lines_split_like_getline() {
        assert_eq!(lines("").count(), 0);
        assert_eq!(lines("\n").collect::<Vec<_>>(), [""]);
        assert_eq!(lines(" a\n").collect::<Vec<_>>(), [" a"]);
        assert_eq!(
            lines(" a \n\n b\t").collect::<Vec<_>>(),
            [" a ", "", " b\t"]
        );
        assert_eq!(lines("a\n\n").collect::<Vec<_>>(), ["a", ""]);
    }

    #[test]
    fn all_lines_put_an_empty_line_after_each_detached_comment() {
        let detached = vec![" one\n two\n".to_string(), " three\n".to_string()];
        let comments = Comments {
            leading_detached: &detached,
            leading: " lead\n",
            trailing: " trail\n",
        };
        assert_eq!(
            comments.all_lines(),
            [" one", " two", "", " three", "", " lead", " trail"]
        );
        assert!(Comments::default().all_lines().is_empty());
    }

    #[test]
    fn the_last_location_with_a_path_wins() {
        let file = file(vec![
            location(&[6, 0], 4, "first"),
            location(&[6, 0], 3, "second"),
        ]);
        assert_eq!(
            SourceInfo::new(&file).comments(&service_path(0)).leading,
            "second"
        );
    }

    #[test]
    fn a_location_with_a_malformed_span_has_no_comments() {
        let file = file(vec![
            location(&[6, 0], 2, "short span"),
            location(&[6, 0, 2, 1], 5, "long span"),
        ]);
        let info = SourceInfo::new(&file);
        assert!(info.comments(&service_path(0)).is_empty());
        assert!(info.comments(&method_path(0, 1)).is_empty());
    }

    #[test]
    fn no_source_code_info_means_no_comments() {
        let file = FileDescriptorProto::default();
        assert!(SourceInfo::new(&file).comments(&[6, 0]).is_empty());
    }
}
