//! Hostile `.proto` text for the embedded compiler (thousands of nesting levels, non-UTF-8 bytes, conflicting
//! extension numbers) gives a compile error or files, never a panic or a stack overflow.

mod support;

use support::{on_small_stack, respond};

/// The embedded compiler on .proto text nested thousands of levels deep (message declarations, and
/// text-format option values in braces and in angle brackets): a compile error, never a stack overflow.
#[test]
fn deeply_nested_proto_text_is_a_compile_error() {
    let header =
        "syntax = \"proto3\";\npackage deep;\nimport \"google/protobuf/descriptor.proto\";\n\
                  message Rec { Rec next = 1; string s = 2; }\n\
                  extend google.protobuf.MessageOptions { Rec rec = 50001; }\n";
    let cases = [
        (
            "messages",
            format!(
                "{header}{}{}",
                "message M { ".repeat(5_000),
                "}".repeat(5_000)
            ),
        ),
        (
            "braces",
            format!(
                "{header}message M {{ option (rec) = {{ {}s: \"x\"{} }}; }}\n",
                "next { ".repeat(100_000),
                " }".repeat(100_000)
            ),
        ),
        (
            "angle brackets",
            format!(
                "{header}message M {{ option (rec) = {{ {}s: \"x\"{} }}; }}\n",
                "next < ".repeat(100_000),
                " >".repeat(100_000)
            ),
        ),
        (
            "aggregate value",
            format!(
                "{header}message M {{ option (rec).next = {{ {}s: \"x\"{} }}; }}\n",
                "next: { ".repeat(100_000),
                " }".repeat(100_000)
            ),
        ),
    ];
    for (what, text) in cases {
        let result = on_small_stack(move || {
            let dir = tempfile::tempdir().expect("tempdir");
            std::fs::write(dir.path().join("deep.proto"), text).expect("write");
            protoc_gen_ameide_py::standalone::compile::embedded_request(
                &[dir.path().to_path_buf()],
                &["deep.proto".to_string()],
                "",
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
        });
        let error = result.expect_err(what);
        let first = error.lines().next().unwrap_or_default();
        assert!(
            first.contains("/deep.proto:") && first.contains(": "),
            "{what}: {error}"
        );
    }
}

/// protoc reads .proto files as bytes: comments and string literals may hold any bytes (measured with protoc
/// 35.1: both files compile, and its python generator writes the json_name's bytes). The compiler accepts both;
/// the generators decode requests with prost, which refuses a non-UTF-8 string field, so only the comments
/// case goes through generation here.
#[test]
fn non_utf8_proto_text_compiles_in_comments_and_strings() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("a.proto"),
        b"syntax = \"proto3\";\n// caf\xe9\n/* na\xefve */ message M { string s = 1; } // \xff\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("b.proto"),
        b"syntax = \"proto3\";\nmessage M { string s = 1 [json_name = \"caf\xe9\"]; }\n",
    )
    .expect("write");
    let includes = [dir.path().to_path_buf()];
    for file in ["a.proto", "b.proto"] {
        let request = protoc_gen_ameide_py::standalone::compile::embedded_request(
            &includes,
            &[file.to_string()],
            "",
        )
        .expect("any bytes in comments and strings");
        if file == "a.proto" {
            assert_eq!(respond(&request).expect("decodes").error, None, "{file}");
        }
    }
}

/// Found by the `compile_proto` fuzz target: two extensions of one options message with the same number made
/// prost-reflect (under protox) panic while interpreting an option; protoc reports the conflict.
#[test]
fn duplicate_extension_numbers_are_a_compile_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("dup.proto"),
        "syntax = \"proto2\";\npackage dup.v1;\nimport \"google/protobuf/descriptor.proto\";\n\
         message O { optional string a = 1; }\n\
         extend google.protobuf.FieldOptions {\n  optional O o = 51002;\n  repeated int32 ints = 51002;\n}\n\
         message M { optional string s = 1 [(o) = {a: \"x\"}, (ints) = 5]; }\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("other.proto"),
        "syntax = \"proto2\";\npackage other;\nimport \"google/protobuf/descriptor.proto\";\nimport \"dup.proto\";\n\
         message X {\n  extend google.protobuf.FieldOptions { optional int32 again = 51002; }\n}\n",
    )
    .expect("write");
    let includes = [dir.path().to_path_buf()];
    for (file, expected) in [
        ("dup.proto", "dup.proto:7:25: Extension number 51002 has already been used in \"google.protobuf.FieldOptions\" by extension \"dup.v1.o\"."),
        // protoc builds the import first, so the importer's extension is the second
        ("other.proto", "Extension number 51002 has already been used in \"google.protobuf.FieldOptions\" by extension"),
    ] {
        let includes = includes.clone();
        let error = on_small_stack(move || {
            protoc_gen_ameide_py::standalone::compile::embedded_request(&includes, &[file.to_string()], "")
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
        let error = error.expect_err(file);
        assert!(error.contains(expected), "{file}: {error}");
    }
}

/// The same conflict on a user message used inside an option value: protoc's error for the second extension.
#[test]
fn conflicting_extensions_used_in_an_option_value_are_protocs_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("d.proto"),
        "syntax = \"proto2\";\npackage d;\nimport \"google/protobuf/descriptor.proto\";\n\
         message O { optional string a = 1; extensions 100 to 200; }\n\
         message P { optional string z = 1; }\n\
         extend O { optional P e1 = 100; repeated int32 e2 = 100; }\n\
         extend google.protobuf.FieldOptions { optional O o = 51002; }\n\
         message M { optional string s = 1 [(o) = {a: \"x\" [d.e1]: {z: \"q\"} [d.e2]: 5}]; }\n",
    )
    .expect("write");
    let includes = vec![dir.path().to_path_buf()];
    let error = on_small_stack(move || {
        protoc_gen_ameide_py::standalone::compile::embedded_request(
            &includes,
            &["d.proto".to_string()],
            "",
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    })
    .expect_err("conflicting extensions");
    assert!(
        error.ends_with("/d.proto:6:53: Extension number 100 has already been used in \"d.O\" by extension \"d.e1\"."),
        "{error}"
    );
}
