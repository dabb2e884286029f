//! `*_pb2_grpc.pyi` as mypy-protobuf writes it (`protoc --mypy_grpc_out`, 5.1.0 by default): per service a
//! client stub typed for `grpc` and `grpc.aio` channels (or one of them with `only_sync` / `only_async`), a
//! servicer whose methods accept either context, and `add_<Service>Servicer_to_server`.
//!
//! As in [`super::mypy`], statements are printed in mypy-protobuf's order: an import's alias is handed out at
//! its first use.

use prost_types::{MethodDescriptorProto, ServiceDescriptorProto};

use super::mypy_stub::StubWriter;
use super::{FileContext, GenerateError};
use crate::naming::is_keyword;
use crate::options::GrpcStubs;
use crate::source_info::{extend as path, index};

// Field numbers of descriptor.proto, for source locations.
const FILE_SERVICE: i32 = 6;
const SERVICE_METHOD: i32 = 2;
const SERVICE_OPTIONS: i32 = 3;
const METHOD_OPTIONS: i32 = 4;
/// `deprecated` in ServiceOptions and MethodOptions.
const DEPRECATED: i32 = 33;

pub fn generate(ctx: &FileContext) -> Result<String, GenerateError> {
    let mut stub = GrpcStub {
        w: StubWriter::new(ctx, true)?,
        stubs: ctx.options.mypy.grpc_stubs,
    };
    stub.iterator_type();
    stub.servicer_context();
    stub.w.line("GRPC_GENERATED_VERSION: str");
    stub.w.line("GRPC_VERSION: str");
    stub.w.line("");
    for (i, service) in ctx.file.proto.service.iter().enumerate() {
        if !is_keyword(service.name()) {
            stub.service(service, &[FILE_SERVICE, index(i)])?;
        }
    }
    stub.w.finish()
}

struct GrpcStub<'c, 'a> {
    w: StubWriter<'c, 'a>,
    stubs: GrpcStubs,
}

/// The methods a stub or servicer declares: all but keyword-named ones, with their indices.
fn methods(service: &ServiceDescriptorProto) -> Vec<(usize, &MethodDescriptorProto)> {
    (service.method.iter().enumerate())
        .filter(|(_, m)| !is_keyword(m.name()))
        .collect()
}

impl GrpcStub<'_, '_> {
    /// `_MaybeAsyncIterator`, which a servicer's streamed requests are (sync and async stubs only).
    fn iterator_type(&mut self) {
        match self.stubs {
            GrpcStubs::SyncOnly => {
                self.w.import("collections.abc", "Iterator");
            }
            GrpcStubs::AsyncOnly => {
                self.w.import("collections.abc", "AsyncIterator");
            }
            GrpcStubs::Both => {
                let type_var = self.w.import("typing", "TypeVar");
                self.w.line(&format!("_T = {type_var}(\"_T\")"));
                self.w.line("");
                let async_iterator = self.w.import("collections.abc", "AsyncIterator");
                let iterator = self.w.import("collections.abc", "Iterator");
                let meta = self.w.import("abc", "ABCMeta");
                self.w.line(&format!(
                    "class _MaybeAsyncIterator({async_iterator}[_T], {iterator}[_T], metaclass={meta}): ..."
                ));
            }
        }
        self.w.line("");
    }

    /// `_ServicerContext`, a context of either kind (sync and async stubs only).
    fn servicer_context(&mut self) {
        if self.stubs != GrpcStubs::Both {
            return;
        }
        let sync = self.w.import("grpc", "ServicerContext");
        let aio = self.w.import("grpc.aio", "ServicerContext");
        self.w.line(&format!(
            "class _ServicerContext({sync}, {aio}):  # type: ignore[misc, type-arg]"
        ));
        self.w.indent();
        self.w.line("...");
        self.w.outdent();
        self.w.line("");
    }

    fn service(
        &mut self,
        service: &ServiceDescriptorProto,
        location: &[i32],
    ) -> Result<(), GenerateError> {
        let name = service.name();
        let stub = format!("{name}Stub");
        let async_stub = format!("{name}AsyncStub");
        let own = service.options.as_ref().is_some_and(|o| o.deprecated());
        let deprecation_path = path(location, &[SERVICE_OPTIONS, DEPRECATED]);
        if self.stubs != GrpcStubs::AsyncOnly {
            if let Some(message) = self.w.deprecation(own, "stub", "service") {
                self.w.write_deprecation(&deprecation_path, &message)?;
            }
            self.w.line(&format!("class {stub}:"));
            self.w.indent();
            if self.w.write_comments(location) {
                self.w.line("");
            }
            if self.stubs == GrpcStubs::Both {
                let overload = self.w.import("typing", "overload");
                self.w.line(&format!("@{overload}"));
                let channel = self.w.import("grpc", "Channel");
                let self_type = self.w.typing_extension("Self");
                self.w.line(&format!(
                    "def __new__(cls, channel: {channel}) -> {self_type}: ..."
                ));
                let overload = self.w.import("typing", "overload");
                self.w.line(&format!("@{overload}"));
                let channel = self.w.import("grpc.aio", "Channel");
                self.w.line(&format!(
                    "def __new__(cls, channel: {channel}) -> {async_stub}: ..."
                ));
            } else {
                let channel = self.w.import("grpc", "Channel");
                self.w.line(&format!(
                    "def __init__(self, channel: {channel}) -> None: ..."
                ));
            }
            self.stub_methods(service, location, false, false)?;
            self.w.line("");
            self.w.outdent();
        }
        if self.stubs != GrpcStubs::SyncOnly {
            // the async stub is deprecated only by the service itself, not by its file
            if own {
                self.w.write_deprecation(
                    &deprecation_path,
                    "This stub has been marked as deprecated using proto service options.",
                )?;
            }
            let both = self.stubs == GrpcStubs::Both;
            if both {
                let check_only = self.w.import("typing", "type_check_only");
                self.w.line(&format!("@{check_only}"));
                self.w.line(&format!("class {async_stub}({stub}):"));
            } else {
                self.w.line(&format!("class {stub}:"));
            }
            self.w.indent();
            if self.w.write_comments(location) {
                self.w.line("");
            }
            let channel = self.w.import("grpc.aio", "Channel");
            self.w.line(&format!(
                "def __init__(self, channel: {channel}) -> None: ..."
            ));
            self.stub_methods(service, location, true, both)?;
            self.w.outdent();
            self.w.line("");
        }
        self.servicer(service, location, own)
    }

    /// The stub's attributes, one multi-callable per method (deprecated ones as properties).
    fn stub_methods(
        &mut self,
        service: &ServiceDescriptorProto,
        location: &[i32],
        is_async: bool,
        ignore_type_error: bool,
    ) -> Result<(), GenerateError> {
        for (i, method) in methods(service) {
            let location = path(location, &[SERVICE_METHOD, index(i)]);
            let has_comments = self.w.has_comments(&location);
            let callable = self.callable(method, is_async);
            let request = self.w.message(method.input_type(), false)?;
            let response = self.w.message(method.output_type(), false)?;
            let annotation = format!("{callable}[{request}, {response}]");
            let own = method.options.as_ref().is_some_and(|o| o.deprecated());
            let Some(message) = self.w.deprecation(own, "method", "method") else {
                let ignore = if ignore_type_error {
                    "  # type: ignore[assignment]"
                } else {
                    ""
                };
                self.w
                    .line(&format!("{}: {annotation}{ignore}", method.name()));
                self.w.write_comments(&location);
                continue;
            };
            let property = self.w.property();
            self.w.line(&property);
            self.w
                .write_deprecation(&path(&location, &[METHOD_OPTIONS, DEPRECATED]), &message)?;
            let body = if has_comments { "" } else { " ..." };
            let ignore = if ignore_type_error {
                "  # type: ignore[override]"
            } else {
                ""
            };
            self.w.line(&format!(
                "def {}(self) -> {annotation}:{body}{ignore}",
                method.name()
            ));
            if has_comments {
                self.w.indent();
                self.w.write_comments(&location);
                self.w.outdent();
            }
        }
        Ok(())
    }

    /// `grpc.UnaryUnaryMultiCallable` and its siblings (of `grpc.aio` for the async stub).
    fn callable(&mut self, method: &MethodDescriptorProto, is_async: bool) -> String {
        let module = if is_async { "grpc.aio" } else { "grpc" };
        let name = match (method.client_streaming(), method.server_streaming()) {
            (true, true) => "StreamStreamMultiCallable",
            (true, false) => "StreamUnaryMultiCallable",
            (false, true) => "UnaryStreamMultiCallable",
            (false, false) => "UnaryUnaryMultiCallable",
        };
        self.w.import(module, name)
    }

    fn servicer(
        &mut self,
        service: &ServiceDescriptorProto,
        location: &[i32],
        own: bool,
    ) -> Result<(), GenerateError> {
        let name = service.name();
        let deprecation_path = path(location, &[SERVICE_OPTIONS, DEPRECATED]);
        let deprecation = self.w.deprecation(own, "servicer", "service");
        if let Some(message) = &deprecation {
            self.w.write_deprecation(&deprecation_path, message)?;
        }
        if self.w.options.generate_concrete_servicer_stubs {
            self.w.line(&format!("class {name}Servicer:"));
        } else {
            let meta = self.w.import("abc", "ABCMeta");
            self.w
                .line(&format!("class {name}Servicer(metaclass={meta}):"));
        }
        self.w.indent();
        if self.w.write_comments(location) {
            self.w.line("");
        }
        self.servicer_methods(service, location)?;
        self.w.outdent();
        if let Some(message) = &deprecation {
            self.w.write_deprecation(&deprecation_path, message)?;
        }
        let server = match self.stubs {
            GrpcStubs::Both => {
                let union = self.w.import("typing", "Union");
                let sync = self.w.import("grpc", "Server");
                let aio = self.w.import("grpc.aio", "Server");
                format!("{union}[{sync}, {aio}]")
            }
            GrpcStubs::SyncOnly => self.w.import("grpc", "Server"),
            GrpcStubs::AsyncOnly => self.w.import("grpc.aio", "Server"),
        };
        self.w.line(&format!(
            "def add_{name}Servicer_to_server(servicer: {name}Servicer, server: {server}) -> None: ..."
        ));
        self.w.line("");
        Ok(())
    }

    fn servicer_methods(
        &mut self,
        service: &ServiceDescriptorProto,
        location: &[i32],
    ) -> Result<(), GenerateError> {
        let methods = methods(service);
        if methods.is_empty() {
            self.w.line("...");
            self.w.line("");
        }
        for (i, method) in methods {
            let location = path(location, &[SERVICE_METHOD, index(i)]);
            let request = self.servicer_request(method)?;
            let response = self.servicer_response(method)?;
            let own = method.options.as_ref().is_some_and(|o| o.deprecated());
            if let Some(message) = self.w.deprecation(own, "method", "method") {
                // mypy-protobuf takes the message from the method's own comment here
                self.w.write_deprecation(&location, &message)?;
            }
            if !self.w.options.generate_concrete_servicer_stubs {
                let abstract_ = self.w.import("abc", "abstractmethod");
                self.w.line(&format!("@{abstract_}"));
            }
            self.w.line(&format!("def {}(", method.name()));
            self.w.indent();
            self.w.line("self,");
            let parameter = if method.client_streaming() {
                "request_iterator"
            } else {
                "request"
            };
            self.w.line(&format!("{parameter}: {request},"));
            let context = self.context_type(&request, &response);
            self.w.line(&format!("context: {context},"));
            self.w.outdent();
            let has_comments = self.w.has_comments(&location);
            let body = if has_comments { "" } else { " ..." };
            self.w.line(&format!(") -> {response}:{body}"));
            if has_comments {
                self.w.indent();
                self.w.write_comments(&location);
                self.w.outdent();
            }
            self.w.line("");
        }
        Ok(())
    }

    /// The request a servicer method receives: an iterator of requests when the client streams.
    fn servicer_request(
        &mut self,
        method: &MethodDescriptorProto,
    ) -> Result<String, GenerateError> {
        let request = self.w.message(method.input_type(), false)?;
        if !method.client_streaming() {
            return Ok(request);
        }
        Ok(match self.stubs {
            GrpcStubs::SyncOnly => {
                let iterator = self.w.import("collections.abc", "Iterator");
                format!("{iterator}[{request}]")
            }
            GrpcStubs::AsyncOnly => {
                let iterator = self.w.import("collections.abc", "AsyncIterator");
                format!("{iterator}[{request}]")
            }
            GrpcStubs::Both => format!("_MaybeAsyncIterator[{request}]"),
        })
    }

    /// What a servicer method returns: the response (or an iterator of them), sync or awaitable.
    fn servicer_response(
        &mut self,
        method: &MethodDescriptorProto,
    ) -> Result<String, GenerateError> {
        let response = self.w.message(method.output_type(), false)?;
        let union = match self.stubs {
            GrpcStubs::Both => Some(self.w.import("typing", "Union")),
            _ => None,
        };
        let sync = |w: &mut StubWriter| {
            if method.server_streaming() {
                format!("{}[{response}]", w.import("collections.abc", "Iterator"))
            } else {
                response.clone()
            }
        };
        let asynchronous = |w: &mut StubWriter| {
            if method.server_streaming() {
                format!(
                    "{}[{response}]",
                    w.import("collections.abc", "AsyncIterator")
                )
            } else {
                format!("{}[{response}]", w.import("collections.abc", "Awaitable"))
            }
        };
        Ok(match (self.stubs, union) {
            (GrpcStubs::SyncOnly, _) => sync(&mut self.w),
            (GrpcStubs::AsyncOnly, _) => asynchronous(&mut self.w),
            (GrpcStubs::Both, union) => {
                let sync = sync(&mut self.w);
                let asynchronous = asynchronous(&mut self.w);
                format!("{}[{sync}, {asynchronous}]", union.unwrap_or_default())
            }
        })
    }

    /// The servicer's `context` parameter type.
    fn context_type(&mut self, request: &str, response: &str) -> String {
        match self.stubs {
            GrpcStubs::AsyncOnly => {
                let context = self.w.import("grpc.aio", "ServicerContext");
                format!("{context}[{request}, {response}]")
            }
            GrpcStubs::SyncOnly => self.w.import("grpc", "ServicerContext"),
            GrpcStubs::Both => "_ServicerContext".to_string(),
        }
    }
}
