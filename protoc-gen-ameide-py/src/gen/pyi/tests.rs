use prost::Message;
use prost_types::compiler::CodeGeneratorRequest;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

use crate::{generate, Options, Request};

fn field(name: &str, number: i32, r#type: Type, type_name: &str) -> FieldDescriptorProto {
    FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(Label::Optional.into()),
        r#type: Some(r#type.into()),
        type_name: (!type_name.is_empty()).then(|| type_name.into()),
        ..Default::default()
    }
}

fn scalar(name: &str, number: i32) -> FieldDescriptorProto {
    field(name, number, Type::String, "")
}

fn message(name: &str, fields: Vec<FieldDescriptorProto>) -> DescriptorProto {
    DescriptorProto {
        name: Some(name.into()),
        field: fields,
        ..Default::default()
    }
}

fn file(
    name: &str,
    package: &str,
    imports: &[&str],
    messages: Vec<DescriptorProto>,
) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some(name.into()),
        package: Some(package.into()),
        dependency: imports.iter().map(|&i| i.into()).collect(),
        message_type: messages,
        syntax: Some("proto3".into()),
        ..Default::default()
    }
}

/// The stub of the last file, generated from a request carrying `files` (dependencies first).
fn stub(files: Vec<FileDescriptorProto>, parameter: &str) -> String {
    let target = files
        .last()
        .map(|f| f.name().to_string())
        .unwrap_or_default();
    let bytes = CodeGeneratorRequest {
        file_to_generate: vec![target],
        proto_file: files,
        ..Default::default()
    }
    .encode_to_vec();
    let request = Request::decode(&bytes).expect("request decodes");
    let options = Options::parse(&format!("outputs=pyi,{parameter}")).expect("valid parameter");
    let mut generated = generate(&request, &options).expect("stub generates");
    generated.pop().expect("one file").content
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().map(str::trim_start).collect()
}

#[test]
fn clashing_module_leaves_get_a_1_suffix() {
    let out = stub(
        vec![
            file("x/types.proto", "x", &[], vec![message("A", vec![])]),
            file("y/types.proto", "y", &[], vec![message("B", vec![])]),
            file(
                "m.proto",
                "m",
                &["x/types.proto", "y/types.proto"],
                vec![message(
                    "M",
                    vec![
                        field("a", 1, Type::Message, ".x.A"),
                        field("b", 2, Type::Message, ".y.B"),
                    ],
                )],
            ),
        ],
        "",
    );
    let lines = lines(&out);
    assert!(lines.contains(&"from x import types_pb2 as _types_pb2"));
    assert!(lines.contains(&"from y import types_pb2 as _types_pb2_1"));
    assert!(lines.contains(&"a: _types_pb2.A"));
    assert!(lines.contains(&"b: _types_pb2_1.B"));
}

#[test]
fn a_file_imported_twice_is_referenced_through_its_last_alias() {
    // `common.proto` re-exports `types.proto` publicly, and `m.proto` also imports `types.proto` directly.
    let mut common = file("common.proto", "c", &["types.proto"], vec![]);
    common.public_dependency = vec![0];
    let out = stub(
        vec![
            file("types.proto", "t", &[], vec![message("Audit", vec![])]),
            common,
            file(
                "m.proto",
                "m",
                &["common.proto", "types.proto"],
                vec![message(
                    "M",
                    vec![field("audit", 1, Type::Message, ".t.Audit")],
                )],
            ),
        ],
        "",
    );
    let lines = lines(&out);
    assert!(lines.contains(&"import types_pb2 as _types_pb2"));
    assert!(lines.contains(&"import types_pb2 as _types_pb2_1"));
    assert!(lines.contains(&"audit: _types_pb2_1.Audit"));
}

#[test]
fn nested_field_named_like_its_message_is_qualified_with_the_prefixed_module() {
    let mut tree = message("Tree", vec![]);
    tree.nested_type = vec![message(
        "Node",
        vec![field("ref", 1, Type::Message, ".p.Node")],
    )];
    let out = stub(
        vec![file(
            "root/p/v1/tree.proto",
            "p",
            &[],
            vec![message("Node", vec![]), tree],
        )],
        "prefix=root:sdk.proto",
    );
    let lines = lines(&out);
    assert!(lines.contains(&"ref: sdk.proto.root.p.v1.tree_pb2.Node"));
    assert!(lines.contains(
        &"def __init__(self, ref: _Optional[_Union[sdk.proto.root.p.v1.tree_pb2.Node, _Mapping]] = ...) -> None: ..."
    ));
}

#[test]
fn self_parameter_gets_underscores_while_a_field_has_that_name() {
    let out = stub(
        vec![file(
            "m.proto",
            "m",
            &[],
            vec![message("M", vec![scalar("self", 1), scalar("self_", 2)])],
        )],
        "",
    );
    assert!(lines(&out).contains(
        &"def __init__(self__, self: _Optional[str] = ..., self_: _Optional[str] = ...) -> None: ..."
    ));
}

#[test]
fn keyword_fields_get_a_number_but_no_slot_attribute_or_parameter_only_kwargs() {
    let out = stub(
        vec![file(
            "m.proto",
            "m",
            &[],
            vec![message("M", vec![scalar("from", 1), scalar("name", 2)])],
        )],
        "",
    );
    let lines = lines(&out);
    assert!(lines.contains(&"__slots__ = (\"name\",)"));
    assert!(lines.contains(&"FROM_FIELD_NUMBER: _ClassVar[int]"));
    assert!(!lines.contains(&"from: str"));
    assert!(
        lines.contains(&"def __init__(self, name: _Optional[str] = ..., **kwargs) -> None: ...")
    );
}

#[test]
fn quirk_message_named_none_is_emitted_verbatim() {
    let out = stub(
        vec![file(
            "m.proto",
            "m",
            &[],
            vec![
                message("None", vec![]),
                message("Holder", vec![field("n", 1, Type::Message, ".m.None")]),
            ],
        )],
        "",
    );
    let lines = lines(&out);
    assert!(lines.contains(&"class None(_message.Message):"));
    assert!(lines.contains(&"n: globals()['None']"));
}

#[test]
fn quirk_keyword_module_alias_is_neither_reserved_nor_mapped() {
    // `_types_pb2` bound through importlib stays free, so the next `types` module gets it too, and
    // references into the keyword module use the unmapped default alias: both resolve to `b/types`.
    let out = stub(
        vec![
            file("a/import/types.proto", "k", &[], vec![message("K", vec![])]),
            file("b/types.proto", "b", &[], vec![message("B", vec![])]),
            file(
                "m.proto",
                "m",
                &["a/import/types.proto", "b/types.proto"],
                vec![message("M", vec![field("k", 1, Type::Message, ".k.K")])],
            ),
        ],
        "",
    );
    assert!(out.starts_with(
        "import importlib\n\
         _types_pb2 = importlib.import_module('a.import.types_pb2')\n\
         from b import types_pb2 as _types_pb2\n"
    ));
    assert!(lines(&out).contains(&"k: _types_pb2.K"));
}
