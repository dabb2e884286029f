//! A file's services resolved into what the printed blocks need: wire names, comments, call kinds and the
//! message references.

use prost_types::{MethodDescriptorProto, ServiceDescriptorProto};

use super::require_proto_suffix;
use crate::gen::{FileContext, GenerateError};
use crate::naming::module_alias;
use crate::source_info::{method_path, service_path, SourceInfo};

/// A service with everything its four printed blocks need.
pub(super) struct Service<'a> {
    pub(super) name: &'a str,
    /// `package.Service`, or just `Service` without a package: the wire name, never prefixed.
    pub(super) full_name: String,
    pub(super) comments: Vec<&'a str>,
    pub(super) methods: Vec<Method<'a>>,
}

pub(super) struct Method<'a> {
    pub(super) name: &'a str,
    pub(super) arity: Arity,
    pub(super) request: MessageRef<'a>,
    pub(super) response: MessageRef<'a>,
    pub(super) comments: Vec<&'a str>,
}

/// A method's input or output message as the generated code refers to it.
pub(super) struct MessageRef<'a> {
    /// The proto file defining the message.
    pub(super) file: &'a str,
    /// `ModuleAlias(file)` + `.Outer.Inner`: always through the alias, even for the file's own messages, and
    /// without keyword handling.
    pub(super) path: String,
}

impl<'a> Service<'a> {
    pub(super) fn resolve(
        ctx: &FileContext<'a>,
        source_info: &SourceInfo<'a>,
        index: usize,
        service: &'a ServiceDescriptorProto,
    ) -> Result<Self, GenerateError> {
        let full_name = match ctx.file.proto.package() {
            "" => service.name().to_string(),
            package => format!("{package}.{}", service.name()),
        };
        let methods = service
            .method
            .iter()
            .enumerate()
            .map(|(m, method)| {
                Ok(Method {
                    name: method.name(),
                    arity: Arity::of(method),
                    request: MessageRef::resolve(ctx, method.input_type())?,
                    response: MessageRef::resolve(ctx, method.output_type())?,
                    comments: source_info.comments(&method_path(index, m)).all_lines(),
                })
            })
            .collect::<Result<_, GenerateError>>()?;
        Ok(Service {
            name: service.name(),
            full_name,
            comments: source_info.comments(&service_path(index)).all_lines(),
            methods,
        })
    }

    /// `'/package.Service/Method'`.
    pub(super) fn rpc_path(&self, method: &Method) -> String {
        format!("'/{}/{}'", self.full_name, method.name)
    }
}

impl<'a> MessageRef<'a> {
    pub(super) fn resolve(ctx: &FileContext<'a>, type_name: &str) -> Result<Self, GenerateError> {
        let info = ctx.type_info(type_name)?;
        let file = ctx.defining_file(info);
        require_proto_suffix(file)?;
        Ok(MessageRef {
            file,
            path: format!("{}.{}", module_alias(file), info.names.join(".")),
        })
    }
}

/// Client- and server-streaming flags of a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Arity {
    client_streaming: bool,
    server_streaming: bool,
}

impl Arity {
    fn of(method: &MethodDescriptorProto) -> Self {
        Arity {
            client_streaming: method.client_streaming(),
            server_streaming: method.server_streaming(),
        }
    }

    /// The grpc call kind, client side first: `unary_unary`, `unary_stream`, `stream_unary`, `stream_stream`.
    pub(super) fn name(self) -> &'static str {
        match (self.client_streaming, self.server_streaming) {
            (false, false) => "unary_unary",
            (false, true) => "unary_stream",
            (true, false) => "stream_unary",
            (true, true) => "stream_stream",
        }
    }

    /// The request parameter: an iterator when the client streams.
    pub(super) fn request_parameter(self) -> &'static str {
        if self.client_streaming {
            "request_iterator"
        } else {
            "request"
        }
    }
}
