//! The four blocks printed per service: the client stub, the servicer base class, the registration function
//! and the static-method class of grpc's EXPERIMENTAL API.

use super::model::Service;
use crate::printer::Printer;

/// grpc's `PrintAllComments`: a docstring of the comment lines, each with only its leading SPACES removed (tabs
/// and trailing blanks stay), printed raw; blank lines stay unindented.
fn print_docstring(lines: &[&str], p: &mut Printer) {
    if lines.is_empty() {
        p.line("\"\"\"Missing associated documentation comment in .proto file.\"\"\"");
        return;
    }
    p.print("\"\"\"");
    for line in lines {
        p.line(line.trim_start_matches(' '));
    }
    p.line("\"\"\"");
}

pub(super) fn print_stub(service: &Service, base: &str, p: &mut Printer) {
    p.blank();
    p.blank();
    p.line(&format!("class {}Stub{base}:", service.name));
    p.indent();
    print_docstring(&service.comments, p);
    p.blank();
    p.line("def __init__(self, channel):");
    p.indent();
    p.line("\"\"\"Constructor.");
    p.blank();
    p.line("Args:");
    p.indent();
    p.line("channel: A grpc.Channel.");
    p.outdent();
    p.line("\"\"\"");
    for method in &service.methods {
        p.line(&format!(
            "self.{} = channel.{}(",
            method.name,
            method.arity.name()
        ));
        p.indent();
        p.indent();
        p.line(&format!("{},", service.rpc_path(method)));
        p.line(&format!(
            "request_serializer={}.SerializeToString,",
            method.request.path
        ));
        p.line(&format!(
            "response_deserializer={}.FromString,",
            method.response.path
        ));
        p.line("_registered_method=True)");
        p.outdent();
        p.outdent();
    }
    p.outdent();
    p.outdent();
}

pub(super) fn print_servicer(service: &Service, base: &str, p: &mut Printer) {
    p.blank();
    p.blank();
    p.line(&format!("class {}Servicer{base}:", service.name));
    p.indent();
    print_docstring(&service.comments, p);
    for method in &service.methods {
        p.blank();
        p.line(&format!(
            "def {}(self, {}, context):",
            method.name,
            method.arity.request_parameter()
        ));
        p.indent();
        print_docstring(&method.comments, p);
        p.line("context.set_code(grpc.StatusCode.UNIMPLEMENTED)");
        p.line("context.set_details('Method not implemented!')");
        p.line("raise NotImplementedError('Method not implemented!')");
        p.outdent();
    }
    p.outdent();
}

pub(super) fn print_add_servicer_to_server(service: &Service, p: &mut Printer) {
    p.blank();
    p.blank();
    p.line(&format!(
        "def add_{}Servicer_to_server(servicer, server):",
        service.name
    ));
    p.indent();
    p.line("rpc_method_handlers = {");
    p.indent();
    p.indent();
    for method in &service.methods {
        p.line(&format!(
            "'{}': grpc.{}_rpc_method_handler(",
            method.name,
            method.arity.name()
        ));
        p.indent();
        p.indent();
        p.line(&format!("servicer.{},", method.name));
        p.line(&format!(
            "request_deserializer={}.FromString,",
            method.request.path
        ));
        p.line(&format!(
            "response_serializer={}.SerializeToString,",
            method.response.path
        ));
        p.outdent();
        p.outdent();
        p.line("),");
    }
    p.outdent();
    p.outdent();
    p.line("}");
    p.line("generic_handler = grpc.method_handlers_generic_handler(");
    p.indent();
    p.indent();
    p.line(&format!("'{}', rpc_method_handlers)", service.full_name));
    p.outdent();
    p.outdent();
    p.line("server.add_generic_rpc_handlers((generic_handler,))");
    p.line(&format!(
        "server.add_registered_method_handlers('{}', rpc_method_handlers)",
        service.full_name
    ));
    p.outdent();
}

/// The static-method namespace class named exactly like the service (grpc's `PrintServiceClass`).
pub(super) fn print_experimental_class(service: &Service, base: &str, p: &mut Printer) {
    const PARAMETERS: [&str; 9] = [
        "target,",
        "options=(),",
        "channel_credentials=None,",
        "call_credentials=None,",
        "insecure=False,",
        "compression=None,",
        "wait_for_ready=None,",
        "timeout=None,",
        "metadata=None):",
    ];
    const TRAILING_ARGUMENTS: [&str; 9] = [
        "options,",
        "channel_credentials,",
        "insecure,",
        "call_credentials,",
        "compression,",
        "wait_for_ready,",
        "timeout,",
        "metadata,",
        "_registered_method=True)",
    ];
    p.blank();
    p.blank();
    p.line(" # This class is part of an EXPERIMENTAL API.");
    p.line(&format!("class {}{base}:", service.name));
    p.indent();
    print_docstring(&service.comments, p);
    for method in &service.methods {
        let request = method.arity.request_parameter();
        p.blank();
        p.line("@staticmethod");
        p.print(&format!("def {}(", method.name));
        p.indent();
        p.indent();
        p.line(&format!("{request},"));
        for parameter in PARAMETERS {
            p.line(parameter);
        }
        p.outdent();
        p.outdent();
        p.indent();
        p.line(&format!(
            "return grpc.experimental.{}(",
            method.arity.name()
        ));
        p.indent();
        p.line(&format!("{request},"));
        p.line("target,");
        p.line(&format!("{},", service.rpc_path(method)));
        p.line(&format!("{}.SerializeToString,", method.request.path));
        p.line(&format!("{}.FromString,", method.response.path));
        for argument in TRAILING_ARGUMENTS {
            p.line(argument);
        }
        p.outdent();
        p.outdent();
    }
    p.outdent();
}
