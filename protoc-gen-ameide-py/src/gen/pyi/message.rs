//! protoc's `PrintMessage`: a message's class, its attributes and its `__init__` signature.

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FieldDescriptorProto};

use super::{is_message, is_well_known_type, Containing, Stub};
use crate::gen::GenerateError;
use crate::naming::is_keyword;

impl Stub<'_, '_> {
    /// protoc's `PrintMessage`. `scope` is the full name of the enclosing package or message, `outer` the
    /// names of the enclosing messages.
    pub(super) fn print_message(
        &mut self,
        message: &DescriptorProto,
        scope: &str,
        outer: &[&str],
    ) -> Result<(), GenerateError> {
        let full_name = format!("{scope}.{}", message.name());
        let names: Vec<&str> = outer.iter().copied().chain([message.name()]).collect();
        let containing = Containing {
            name: message.name(),
            nested: !outer.is_empty(),
        };
        let well_known_base = if is_well_known_type(&full_name) {
            format!(", _well_known_types.{}", message.name())
        } else {
            String::new()
        };
        self.p.line(&format!(
            "class {}(_message.Message{well_known_base}):",
            message.name()
        ));
        self.p.indent();

        if self.ctx.target.pyi.empty_slots {
            self.p.line("__slots__ = ()");
        } else {
            let slots: Vec<String> = (message.field.iter())
                .filter(|f| !is_keyword(f.name()))
                .map(|f| format!("\"{}\"", f.name()))
                .collect();
            let trailing_comma = if slots.len() == 1 { "," } else { "" };
            self.p.line(&format!(
                "__slots__ = ({}{trailing_comma})",
                slots.join(", ")
            ));
        }
        if !message.extension_range.is_empty() {
            self.p.line("Extensions: _python_message._ExtensionDict");
        }
        let file = self.ctx.name();
        for e in &message.enum_type {
            let enum_names: Vec<&str> = names.iter().copied().chain([e.name()]).collect();
            self.print_enum(file, &enum_names, e);
            self.print_enum_values(file, &enum_names, e, false);
        }
        for nested in &message.nested_type {
            self.print_message(nested, &full_name, &names)?;
        }
        self.print_extensions(&message.extension);
        // Field numbers are declared for every field, keyword-named ones included.
        for field in &message.field {
            self.p.line(&format!(
                "{}_FIELD_NUMBER: _ClassVar[int]",
                field.name().to_ascii_uppercase()
            ));
        }
        for field in message.field.iter().filter(|f| !is_keyword(f.name())) {
            let attribute_type = self.attribute_type(field, containing)?;
            self.p.line(&format!("{}: {attribute_type}", field.name()));
        }
        let init = self.init_signature(message, containing)?;
        self.p.line(&init);
        self.p.outdent();
        Ok(())
    }

    /// The type of a field as a message attribute (a container for repeated fields).
    fn attribute_type(
        &self,
        field: &FieldDescriptorProto,
        containing: Containing,
    ) -> Result<String, GenerateError> {
        if let Some((key, value)) = self.map_entry(field)? {
            let map = if is_message(value) {
                "MessageMap"
            } else {
                "ScalarMap"
            };
            return Ok(format!(
                "_containers.{map}[{}, {}]",
                self.field_type(key, containing)?,
                self.field_type(value, containing)?
            ));
        }
        let value = self.field_type(field, containing)?;
        Ok(match (field.label(), is_message(field)) {
            (Label::Repeated, true) => {
                format!("_containers.RepeatedCompositeFieldContainer[{value}]")
            }
            (Label::Repeated, false) => {
                format!("_containers.RepeatedScalarFieldContainer[{value}]")
            }
            _ => value,
        })
    }

    /// The type a field accepts in `__init__`: iterables for repeated fields, mappings for maps and messages
    /// (plus `datetime` values for Timestamp and Duration), enum names as `str`.
    fn init_parameter_type(
        &self,
        field: &FieldDescriptorProto,
        containing: Containing,
    ) -> Result<String, GenerateError> {
        if let Some((key, value)) = self.map_entry(field)? {
            return Ok(format!(
                "_Mapping[{}, {}]",
                self.field_type(key, containing)?,
                self.field_type(value, containing)?
            ));
        }
        let datetime = if self.ctx.target.pyi.datetime_unions {
            datetime_alternative(field.type_name())
        } else {
            ""
        };
        let value = match field.r#type() {
            Type::Message | Type::Group => format!(
                "_Union[{datetime}{}, _Mapping]",
                self.field_type(field, containing)?
            ),
            Type::Enum => format!("_Union[{}, str]", self.type_reference(field.type_name())?),
            _ => self.field_type(field, containing)?,
        };
        Ok(if field.label() == Label::Repeated {
            format!("_Iterable[{value}]")
        } else {
            value
        })
    }

    /// `def __init__(self, <field>: _Optional[<type>] = ..., ...) -> None: ...`. Keyword-named fields cannot be
    /// parameters: they are accepted through `**kwargs`. Before protoc 30 a FIRST field named `self` was printed
    /// as `self_` (and `self` kept its name); before 32 singular `bool` parameters were not `_Optional`.
    fn init_signature(
        &self,
        message: &DescriptorProto,
        containing: Containing,
    ) -> Result<String, GenerateError> {
        let format = self.ctx.target.pyi;
        let mut signature = if format.self_underscore {
            format!("def __init__({}", self_parameter(message))
        } else {
            String::from("def __init__(self")
        };
        let mut has_keyword_field = false;
        let mut first = true;
        for field in &message.field {
            if is_keyword(field.name()) {
                has_keyword_field = true;
                continue;
            }
            let name = if !format.self_underscore && first && field.name() == "self" {
                "self_"
            } else {
                field.name()
            };
            first = false;
            let parameter_type = self.init_parameter_type(field, containing)?;
            let optional = format.optional_bool
                || field.label() == Label::Repeated
                || field.r#type() != Type::Bool;
            if optional {
                signature.push_str(&format!(", {name}: _Optional[{parameter_type}] = ..."));
            } else {
                signature.push_str(&format!(", {name}: {parameter_type} = ..."));
            }
        }
        if has_keyword_field {
            signature.push_str(", **kwargs");
        }
        signature.push_str(") -> None: ...");
        Ok(signature)
    }
}

/// The name of `__init__`'s first parameter: `self`, with `_` appended while a field has that name (a field
/// named `self` is a keyword argument too).
fn self_parameter(message: &DescriptorProto) -> String {
    let mut name = String::from("self");
    while message.field.iter().any(|f| f.name() == name) {
        name.push('_');
    }
    name
}

/// The `datetime` type `__init__` also accepts for a Timestamp or Duration, with its separator.
pub(super) fn datetime_alternative(type_name: &str) -> &'static str {
    match type_name {
        ".google.protobuf.Timestamp" => "datetime.datetime, ",
        ".google.protobuf.Duration" => "datetime.timedelta, ",
        _ => "",
    }
}
