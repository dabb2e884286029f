//! Hostile requests to the plugin (thousands of nesting levels, option values nested a million deep, 100k
//! fields, a 50 MB descriptor, non-UTF-8 comments, `..` and absolute file names, garbage) give a response or a
//! clear error, never a panic or a stack overflow.

mod support;

use prost::Message;
use prost_types::source_code_info::Location;
use prost_types::{
    FieldDescriptorProto, MethodDescriptorProto, ServiceDescriptorProto, SourceCodeInfo,
};
use protoc_gen_ameide_py::wire;
use support::{file, message, on_small_stack, request, request_raw, respond, scalar};

fn varint_len(mut v: usize) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

/// `levels` messages each nested in the previous, built outside-in in linear time: every level is
/// `prefix` followed by `field` = the next level (and the innermost is `prefix` alone).
fn nested(levels: usize, prefix: &[u8], field: u32) -> Vec<u8> {
    let key = {
        let mut k = Vec::new();
        wire::write_varint(u64::from(field) << 3 | 2, &mut k);
        k
    };
    let mut lens = vec![prefix.len()];
    for i in 1..levels {
        let inner = lens[i - 1];
        lens.push(prefix.len() + key.len() + varint_len(inner) + inner);
    }
    let mut out = Vec::with_capacity(*lens.last().unwrap_or(&0));
    for i in (0..levels).rev() {
        out.extend_from_slice(prefix);
        if i > 0 {
            out.extend_from_slice(&key);
            wire::write_varint(lens[i - 1] as u64, &mut out);
        }
    }
    out
}

#[test]
fn deeply_nested_messages_give_files_or_a_decode_error() {
    for levels in [30, 90, 101, 5_000, 200_000] {
        // DescriptorProto { name: "M" (1), nested_type (3) ... }
        let message = nested(levels, b"\x0a\x01M", 3);
        let mut f = Vec::new();
        wire::write_bytes_field(1, b"deep.proto", &mut f);
        wire::write_bytes_field(4, &message, &mut f);
        wire::write_bytes_field(12, b"proto3", &mut f);
        let bytes = request_raw(&[f], &["deep.proto"], "");
        let result = on_small_stack(move || respond(&bytes));
        match result {
            Ok(response) => {
                assert!(levels < 100, "{levels} levels decoded");
                assert_eq!(response.error, None, "{levels}");
                let pyi = response
                    .file
                    .iter()
                    .find(|f| f.name() == "deep_pb2.pyi")
                    .expect("pyi");
                assert_eq!(
                    pyi.content().matches("class M(_message.Message):").count(),
                    levels
                );
            }
            Err(e) => {
                assert!(levels >= 100, "{levels}: {e}");
                assert!(
                    e.starts_with("malformed CodeGeneratorRequest: ")
                        && e.contains("recursion limit"),
                    "{e}"
                );
            }
        }
    }
}

/// A request built by the embedded compiler for a file with a recursive custom message option, with that
/// option's value on `M` replaced by one nested `levels` deep.
fn deep_option_request(levels: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("deep.proto"),
        "syntax = \"proto3\";\npackage deep;\nimport \"google/protobuf/descriptor.proto\";\n\
         message Rec { Rec next = 1; string s = 2; }\n\
         extend google.protobuf.MessageOptions { Rec rec = 50001; }\n\
         message M { option (rec) = { s: \"x\" }; }\n",
    )
    .expect("write");
    let request = protoc_gen_ameide_py::standalone::compile::embedded_request(
        &[dir.path().to_path_buf()],
        &["deep.proto".to_string()],
        "",
    )
    .expect("compiles");
    // Rec { next: Rec { next: ... { s: "x" } } }
    let value = nested(levels, b"", 1);
    let mut options = Vec::new();
    wire::write_bytes_field(50001, &value, &mut options);
    wire::rewrite(&request, |field, _, proto_file| {
        if field != 15 || !proto_file.windows(10).any(|w| w == b"deep.proto") {
            return Ok(wire::Edit::Keep);
        }
        Ok(wire::Edit::Replace(wire::rewrite(
            proto_file,
            |field, index, m| {
                // message_type #2 is M (Rec, then M; the extension is a file-level field)
                if field != 4 || index != 1 {
                    return Ok(wire::Edit::Keep);
                }
                Ok(wire::Edit::Replace(wire::rewrite(m, |field, _, _| {
                    Ok(if field == 7 {
                        wire::Edit::Replace(options.clone())
                    } else {
                        wire::Edit::Keep
                    })
                })?))
            },
        )?))
    })
    .expect("rewrite")
}

#[test]
fn deeply_nested_option_values_give_files_or_a_clear_error() {
    for levels in [50, 101, 1_000_000] {
        let bytes = deep_option_request(levels);
        let response = on_small_stack(move || respond(&bytes)).expect("decodes");
        if levels <= 100 {
            assert_eq!(response.error, None, "{levels}");
            assert!(response.file.iter().any(|f| f.name() == "deep_pb2.py"));
        } else {
            let error = response.error.unwrap_or_default();
            assert!(
                error.contains("message values nested deeper than 100 levels"),
                "{levels}: {error}"
            );
            assert!(response.file.is_empty());
        }
    }
}

#[test]
fn a_message_with_100k_fields() {
    let fields: Vec<FieldDescriptorProto> =
        (1..=100_000).map(|n| scalar(&format!("f{n}"), n)).collect();
    let bytes = request(
        &[file("big.proto", "big", vec![message("Big", fields)])],
        &["big.proto"],
    );
    let response = respond(&bytes).expect("decodes");
    assert_eq!(response.error, None);
    let pyi = response
        .file
        .iter()
        .find(|f| f.name() == "big_pb2.pyi")
        .expect("pyi");
    assert!(pyi
        .content()
        .contains("F100000_FIELD_NUMBER: _ClassVar[int]"));
    let py = response
        .file
        .iter()
        .find(|f| f.name() == "big_pb2.py")
        .expect("py");
    assert!(py.content().contains("_globals['_BIG']._serialized_start="));
}

#[test]
fn a_50_mb_descriptor() {
    // 50 MB of comments (source info, dropped from the embedded descriptor) plus 2 MB of reserved names (kept).
    let mut f = file(
        "huge.proto",
        "huge",
        vec![message("H", vec![scalar("a", 1)])],
    );
    f.message_type[0].reserved_name = (0..200_000).map(|i| format!("reserved_{i}")).collect();
    let comment = "x".repeat(1 << 20) + "\n";
    f.source_code_info = Some(SourceCodeInfo {
        location: (0..50)
            .map(|_| Location {
                path: vec![4, 0],
                span: vec![0, 0, 1],
                leading_comments: Some(comment.clone()),
                ..Default::default()
            })
            .collect(),
    });
    let bytes = request(&[f], &["huge.proto"]);
    assert!(bytes.len() > 50 << 20);
    let response = respond(&bytes).expect("decodes");
    assert_eq!(response.error, None);
    let py = response
        .file
        .iter()
        .find(|f| f.name() == "huge_pb2.py")
        .expect("py");
    assert!(py.content().contains("reserved_199999"));
    assert!(
        !py.content().contains("xxxx"),
        "source info is not embedded"
    );
}

#[test]
fn non_utf8_comments_are_read_lossily() {
    let mut f = file(
        "latin1.proto",
        "latin1",
        vec![message("M", vec![scalar("a", 1)])],
    );
    f.service = vec![ServiceDescriptorProto {
        name: Some("S".into()),
        method: vec![MethodDescriptorProto {
            name: Some("Get".into()),
            input_type: Some(".latin1.M".into()),
            output_type: Some(".latin1.M".into()),
            ..Default::default()
        }],
        ..Default::default()
    }];
    let placeholder = "@@NONUTF8@@"; // 11 bytes, replaced below by 11 bytes that are not UTF-8
    f.source_code_info = Some(SourceCodeInfo {
        location: vec![
            Location {
                path: vec![4, 0],
                span: vec![3, 0, 10],
                leading_comments: Some(format!(" message {placeholder}\n")),
                ..Default::default()
            },
            Location {
                path: vec![6, 0, 2, 0],
                span: vec![5, 2, 30],
                leading_comments: Some(format!(" method {placeholder}\n")),
                ..Default::default()
            },
        ],
    });
    let mut raw = f.encode_to_vec();
    let bad: &[u8; 11] = b"caf\xe9 na\xefve\xff";
    while let Some(at) = raw.windows(11).position(|w| w == placeholder.as_bytes()) {
        raw[at..at + 11].copy_from_slice(bad);
    }
    assert!(prost_types::FileDescriptorProto::decode(raw.as_slice()).is_err());
    let response = respond(&request_raw(&[raw], &["latin1.proto"], "")).expect("decodes");
    assert_eq!(response.error, None);
    let grpc = response
        .file
        .iter()
        .find(|f| f.name() == "latin1_pb2_grpc.py")
        .expect("grpc");
    assert!(
        grpc.content()
            .contains("method caf\u{fffd} na\u{fffd}ve\u{fffd}"),
        "{}",
        grpc.content()
    );
}

#[test]
fn names_outside_the_output_directory_are_refused() {
    for name in ["../evil/x.proto", "/abs/x.proto"] {
        let bytes = request(&[file(name, "p", vec![message("M", vec![])])], &[name]);
        let response = respond(&bytes).expect("decodes");
        let error = response.error.unwrap_or_default();
        assert!(
            error.contains("is absolute or contains `..`"),
            "{name}: {error}"
        );
        assert!(response.file.is_empty(), "{name}");
    }
    // `..` inside a name becomes empty path components (module `a.......x`, as protoc would name it), which
    // stay inside the output directory.
    let name = "a/../../x.proto";
    let response = respond(&request(
        &[file(name, "p", vec![message("M", vec![])])],
        &[name],
    ))
    .expect("decodes");
    assert_eq!(response.error, None);
    for f in &response.file {
        assert!(
            protoc_gen_ameide_py::naming::is_safe_name(f.name()),
            "{}",
            f.name()
        );
    }
}

#[test]
fn garbage_is_a_decode_error_or_a_response() {
    // A fixed xorshift sequence: the fuzz target covers this at scale.
    let mut state = 0x9e3779b97f4a7c15u64;
    for len in [0usize, 1, 2, 7, 64, 1000, 65536] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let _ = protoc_gen_ameide_py::run(&bytes);
    }
}
