use prost::Message;
use prost_types::compiler::CodeGeneratorRequest;
use prost_types::source_code_info::Location;
use prost_types::{
    DescriptorProto, FileDescriptorProto, MethodDescriptorProto, ServiceDescriptorProto,
    SourceCodeInfo,
};

use crate::options::Options;
use crate::request::Request;

fn message(name: &str, nested: &[&str]) -> DescriptorProto {
    DescriptorProto {
        name: Some(name.into()),
        nested_type: nested.iter().map(|n| message(n, &[])).collect(),
        ..DescriptorProto::default()
    }
}

fn file(name: &str, package: &str, messages: Vec<DescriptorProto>) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some(name.into()),
        package: (!package.is_empty()).then(|| package.into()),
        message_type: messages,
        ..FileDescriptorProto::default()
    }
}

fn rpc(name: &str, input: &str, output: &str, client: bool, server: bool) -> MethodDescriptorProto {
    MethodDescriptorProto {
        name: Some(name.into()),
        input_type: Some(input.into()),
        output_type: Some(output.into()),
        client_streaming: Some(client),
        server_streaming: Some(server),
        ..MethodDescriptorProto::default()
    }
}

fn service(name: &str, methods: Vec<MethodDescriptorProto>) -> ServiceDescriptorProto {
    ServiceDescriptorProto {
        name: Some(name.into()),
        method: methods,
        ..ServiceDescriptorProto::default()
    }
}

fn comment(path: &[i32], detached: &[&str], leading: &str, trailing: &str) -> Location {
    Location {
        path: path.to_vec(),
        span: vec![1, 0, 10],
        leading_comments: Some(leading.into()),
        trailing_comments: Some(trailing.into()),
        leading_detached_comments: detached.iter().map(|d| d.to_string()).collect(),
    }
}

/// The `_pb2_grpc.py` of the last file (the others are its dependencies), with `parameter`.
fn try_grpc_output(
    files: Vec<FileDescriptorProto>,
    parameter: &str,
) -> Result<(String, String), String> {
    let target = files.last().expect("a file").name().to_string();
    let bytes = CodeGeneratorRequest {
        file_to_generate: vec![target],
        proto_file: files,
        ..CodeGeneratorRequest::default()
    }
    .encode_to_vec();
    let request = Request::decode(&bytes).expect("valid request");
    let options = Options::parse(&format!("outputs=grpc,{parameter}")).expect("valid");
    let mut out = crate::gen::generate(&request, &options).map_err(|e| e.to_string())?;
    let generated = out.pop().expect("one file");
    Ok((generated.name, generated.content))
}

fn grpc_output(files: Vec<FileDescriptorProto>, parameter: &str) -> String {
    try_grpc_output(files, parameter).expect("generates").1
}

fn import_lines(content: &str) -> Vec<&str> {
    content
        .lines()
        .filter(|l| l.starts_with("from ") || l.starts_with("import "))
        .collect()
}

#[test]
fn imports_are_sorted_by_original_module_name_then_prefixed() {
    let mut svc = file("svc/v1/svc.proto", "svc.v1", vec![]);
    svc.service = vec![service(
        "S",
        vec![
            rpc("A", ".other.v1.Other", ".core.v1.Core", false, false),
            rpc("B", ".core.v1.Core", ".other.v1.Other", false, false),
        ],
    )];
    let files = vec![
        file(
            "ameide_other/v1/other.proto",
            "other.v1",
            vec![message("Other", &[])],
        ),
        file(
            "ameide_core_proto/v1/core.proto",
            "core.v1",
            vec![message("Core", &[])],
        ),
        svc,
    ];
    // Sorting the prefixed names would put `ameide_sdk…` after `ameide_other…`.
    assert_eq!(
        import_lines(&grpc_output(files, "prefix=ameide_core_proto:ameide_sdk.proto")),
        [
            "import grpc",
            "import warnings",
            "from ameide_sdk.proto.ameide_core_proto.v1 import core_pb2 as ameide__core__proto_dot_v1_dot_core__pb2",
            "from ameide_other.v1 import other_pb2 as ameide__other_dot_v1_dot_other__pb2",
        ]
    );
}

#[test]
fn rpc_paths_service_names_and_version_check_path_are_never_prefixed() {
    let mut core = file(
        "ameide_core_proto/x/v1/my-core.proto",
        "ameide_core_proto.x.v1",
        vec![message("M", &[])],
    );
    core.service = vec![service(
        "S",
        vec![rpc(
            "Get",
            ".ameide_core_proto.x.v1.M",
            ".ameide_core_proto.x.v1.M",
            false,
            false,
        )],
    )];
    let (name, content) = try_grpc_output(vec![core], "prefix=ameide_core_proto:ameide_sdk.proto")
        .expect("generates");
    assert_eq!(
        name,
        "ameide_sdk/proto/ameide_core_proto/x/v1/my_core_pb2_grpc.py"
    );
    assert!(content.contains("'/ameide_core_proto.x.v1.S/Get',\n"));
    assert!(content.contains("'ameide_core_proto.x.v1.S', rpc_method_handlers)\n"));
    assert!(content.contains(
        "+ ' but the generated code in ameide_core_proto/x/v1/my_core_pb2_grpc.py depends on'\n"
    ));
    assert!(content.contains(
        "request_serializer=ameide__core__proto_dot_x_dot_v1_dot_my__core__pb2.M.SerializeToString,\n"
    ));
}

#[test]
fn version_check_cites_the_proto_path_with_dots_kept_unlike_the_output_path() {
    let (name, content) =
        try_grpc_output(vec![file("a/b-c.d.proto", "", vec![])], "").expect("generates");
    assert_eq!(name, "a/b_c/d_pb2_grpc.py");
    assert!(content.contains("+ ' but the generated code in a/b_c.d_pb2_grpc.py depends on'\n"));
}

#[test]
fn file_without_services_has_no_imports_and_two_empty_lines() {
    let content = grpc_output(
        vec![file("a/types.proto", "a", vec![message("T", &[])])],
        "",
    );
    assert!(content.starts_with(
        "# Generated by the gRPC Python protocol compiler plugin. DO NOT EDIT!\n\
         \"\"\"Client and server classes corresponding to protobuf-defined services.\"\"\"\n\
         import grpc\n\
         import warnings\n\
         \n\
         \n\
         GRPC_GENERATED_VERSION = '1.85.1'\n"
    ));
    assert!(content.ends_with(
        "        + f' or downgrade your generated code using grpcio-tools<={GRPC_VERSION}.'\n    )\n"
    ));
}

#[test]
fn grpc_version_parameter_sets_grpc_generated_version() {
    let content = grpc_output(vec![file("a.proto", "", vec![])], "grpc_version=1.70.2");
    assert!(content.contains("\nGRPC_GENERATED_VERSION = '1.70.2'\n"));
}

#[test]
fn method_less_service_layout() {
    let mut f = file("e.proto", "", vec![]);
    f.service = vec![service("Empty", vec![])];
    let content = grpc_output(vec![f], "");
    let services = content.split_once("    )\n").expect("version check").1;
    assert_eq!(
        services,
        "\n\nclass EmptyStub:\n\
         \x20   \"\"\"Missing associated documentation comment in .proto file.\"\"\"\n\
         \n\
         \x20   def __init__(self, channel):\n\
         \x20       \"\"\"Constructor.\n\
         \n\
         \x20       Args:\n\
         \x20           channel: A grpc.Channel.\n\
         \x20       \"\"\"\n\
         \n\
         \n\
         class EmptyServicer:\n\
         \x20   \"\"\"Missing associated documentation comment in .proto file.\"\"\"\n\
         \n\
         \n\
         def add_EmptyServicer_to_server(servicer, server):\n\
         \x20   rpc_method_handlers = {\n\
         \x20   }\n\
         \x20   generic_handler = grpc.method_handlers_generic_handler(\n\
         \x20           'Empty', rpc_method_handlers)\n\
         \x20   server.add_generic_rpc_handlers((generic_handler,))\n\
         \x20   server.add_registered_method_handlers('Empty', rpc_method_handlers)\n\
         \n\
         \n\
         \x20# This class is part of an EXPERIMENTAL API.\n\
         class Empty:\n\
         \x20   \"\"\"Missing associated documentation comment in .proto file.\"\"\"\n"
    );
}

#[test]
fn streaming_flags_choose_call_kind_and_request_parameter() {
    let mut f = file("s.proto", "p", vec![message("M", &["Inner"])]);
    f.service = vec![service(
        "S",
        vec![
            rpc("UU", ".p.M", ".p.M", false, false),
            rpc("US", ".p.M", ".p.M.Inner", false, true),
            rpc("SU", ".p.M.Inner", ".p.M", true, false),
            rpc("SS", ".p.M", ".p.M", true, true),
        ],
    )];
    let content = grpc_output(vec![f], "");
    for expected in [
        "self.UU = channel.unary_unary(",
        "self.US = channel.unary_stream(",
        "self.SU = channel.stream_unary(",
        "self.SS = channel.stream_stream(",
        "def UU(self, request, context):",
        "def US(self, request, context):",
        "def SU(self, request_iterator, context):",
        "def SS(self, request_iterator, context):",
        "'US': grpc.unary_stream_rpc_method_handler(",
        "'SU': grpc.stream_unary_rpc_method_handler(",
        "return grpc.experimental.stream_stream(",
        "def SU(request_iterator,\n            target,",
        "response_deserializer=s__pb2.M.Inner.FromString,",
        "request_deserializer=s__pb2.M.Inner.FromString,",
    ] {
        assert!(content.contains(expected), "missing {expected:?}");
    }
}

#[test]
fn docstrings_keep_tabs_and_trailing_spaces_and_lose_only_leading_spaces() {
    let mut f = file("c.proto", "", vec![message("M", &[])]);
    f.service = vec![service("S", vec![rpc("Get", ".M", ".M", false, false)])];
    f.source_code_info = Some(SourceCodeInfo {
        location: vec![
            comment(
                &[6, 0],
                &[" Detached.\n"],
                " Leading.\n  \tTabbed \n\n",
                " Trailing.\n",
            ),
            comment(&[6, 0, 2, 0], &[], "   \n", ""),
        ],
    });
    let content = grpc_output(vec![f], "");
    assert!(content.contains(
        "class SServicer:\n\
         \x20   \"\"\"Detached.\n\
         \n\
         \x20   Leading.\n\
         \x20   \tTabbed \n\
         \n\
         \x20   Trailing.\n\
         \x20   \"\"\"\n"
    ));
    // A line of spaces becomes an empty, unindented line.
    assert!(content.contains(
        "def Get(self, request, context):\n        \"\"\"\n        \"\"\"\n        context.set_code"
    ));
}

#[test]
fn quirk_triple_quote_in_comment_is_printed_raw() {
    let mut f = file("q.proto", "", vec![message("M", &[])]);
    f.service = vec![service("S", vec![])];
    f.source_code_info = Some(SourceCodeInfo {
        location: vec![comment(&[6, 0], &[], " Ends \"\"\" early, $x$ kept.\n", "")],
    });
    let content = grpc_output(vec![f], "");
    assert!(content.contains("class S:\n    \"\"\"Ends \"\"\" early, $x$ kept.\n    \"\"\"\n"));
}

#[test]
fn quirk_keyword_module_path_is_imported_with_from_import() {
    let mut f = file(
        "ameide_core_proto/import/v1/keywords.proto",
        "k",
        vec![message("None", &["class"])],
    );
    f.service = vec![service(
        "S",
        vec![rpc("Get", ".k.None", ".k.None.class", false, false)],
    )];
    let content = grpc_output(vec![f], "prefix=ameide_core_proto:ameide_sdk.proto");
    assert!(content.contains(
        "\nfrom ameide_sdk.proto.ameide_core_proto.import.v1 import keywords_pb2 as \
         ameide__core__proto_dot_import_dot_v1_dot_keywords__pb2\n"
    ));
    assert!(!content.contains("importlib"));
}

#[test]
fn quirk_keyword_message_names_are_referenced_without_getattr() {
    let mut f = file("kw.proto", "k", vec![message("None", &["class"])]);
    f.service = vec![service(
        "S",
        vec![rpc("Get", ".k.None", ".k.None.class", false, false)],
    )];
    let content = grpc_output(vec![f], "");
    assert!(content.contains("request_serializer=kw__pb2.None.SerializeToString,"));
    assert!(content.contains("response_deserializer=kw__pb2.None.class.FromString,"));
}

#[test]
fn a_file_name_without_proto_suffix_is_refused() {
    let err = try_grpc_output(vec![file("x.protodevel", "", vec![])], "").expect_err("refused");
    assert!(
        err.contains("x.protodevel: Invalid proto file name"),
        "{err}"
    );
}
