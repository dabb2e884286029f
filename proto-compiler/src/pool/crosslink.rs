//! Cross-linking (`CrossLinkFile`, `CrossLinkMessage`, `CrossLinkField`, `CrossLinkMethod`): type names,
//! extendees and method types resolved, oneof membership checked, field and extension numbers registered.

use super::builder::Builder;
use super::lookup::ResolveMode;
use super::{EnumId, FieldId, MsgId, Symbol, TypeRef};
use crate::features;
use crate::ir::{ElemId, ErrorLocation, FieldType, Label};

impl<'p> Builder<'p> {
    pub fn cross_link_file(&mut self) {
        let file = self.file_desc().clone();
        for &message in &file.messages {
            self.cross_link_message(message);
        }
        for &extension in &file.extensions {
            self.cross_link_field(extension);
        }
        for &service in &file.services {
            let methods = self.pool.services[service.idx()].methods.clone();
            for method in methods {
                self.cross_link_method(method);
            }
        }
    }

    fn cross_link_message(&mut self, message: MsgId) {
        let desc = self.pool.message(message).clone();
        for &nested in &desc.nested {
            self.cross_link_message(nested);
        }
        for &field in &desc.fields {
            self.cross_link_field(field);
        }
        for &extension in &desc.extensions {
            self.cross_link_field(extension);
        }
        for (i, &field) in desc.fields.iter().enumerate() {
            let Some(oneof) = self.pool.field(field).oneof else {
                continue;
            };
            if !self.pool.oneof(oneof).fields.is_empty()
                && self.pool.field(desc.fields[i - 1]).oneof != Some(oneof)
            {
                let previous = self.pool.field(desc.fields[i - 1]);
                let (elem, previous_name) = (previous.elem, previous.name().to_string());
                let oneof_name = self.pool.oneof(oneof).name().to_string();
                self.error(
                    elem,
                    ErrorLocation::Type,
                    format!("Fields in the same oneof must be defined consecutively. \"{previous_name}\" cannot be defined before the completion of the \"{oneof_name}\" oneof definition."),
                );
            }
            self.pool.oneofs[oneof.idx()].fields.push(field);
        }
        for &oneof in &desc.oneofs {
            let o = self.pool.oneof(oneof);
            let synthetic = o.fields.len() == 1 && self.pool.field(o.fields[0]).proto3_optional;
            let empty = o.fields.is_empty();
            let elem = o.elem;
            self.pool.oneofs[oneof.idx()].is_synthetic = synthetic;
            if empty {
                self.error(
                    elem,
                    ErrorLocation::Name,
                    "Oneof must have at least one field.",
                );
            }
        }
        for &field in &desc.fields {
            let f = self.pool.field(field);
            if f.proto3_optional {
                let ok = f.oneof.is_some_and(|o| self.pool.oneof(o).is_synthetic);
                if !ok {
                    let elem = f.elem;
                    self.error(
                        elem,
                        ErrorLocation::Other,
                        "Fields with proto3_optional set must be a member of a one-field oneof",
                    );
                }
            }
        }
        let mut seen_synthetic = false;
        for &oneof in &desc.oneofs {
            if self.pool.oneof(oneof).is_synthetic {
                seen_synthetic = true;
            } else if seen_synthetic {
                let elem = self.pool.oneof(oneof).elem;
                self.error(
                    elem,
                    ErrorLocation::Other,
                    "Synthetic oneofs must be after all other oneofs",
                );
            }
        }
    }

    fn cross_link_field(&mut self, field: FieldId) {
        let desc = self.pool.field(field).clone();
        if desc.is_extension {
            if let Some(extendee) = &desc.extendee {
                if !self.link_extendee(field, extendee) {
                    return;
                }
            }
        }
        if desc.oneof.is_some() && desc.label != Label::Optional {
            self.error(
                desc.elem,
                ErrorLocation::Name,
                "Fields of oneofs must themselves have label LABEL_OPTIONAL.",
            );
        }
        if let Some(type_name) = &desc.type_name {
            if !self.link_field_type(field, type_name) {
                return;
            }
        } else if matches!(
            desc.field_type,
            Some(FieldType::Message | FieldType::Group | FieldType::Enum)
        ) {
            self.error(
                desc.elem,
                ErrorLocation::Type,
                "Field with message or enum type missing type_name.",
            );
        }
        self.register_field_number(field);
    }

    /// The extendee of an extension; `false` if the field cannot be linked further.
    fn link_extendee(&mut self, field: FieldId, extendee: &str) -> bool {
        let (elem, full_name, number) = {
            let f = self.pool.field(field);
            (f.elem, f.full_name.clone(), f.number)
        };
        let Some(symbol) = self.lookup_symbol(extendee, &full_name, ResolveMode::All) else {
            self.not_defined_error(elem, ErrorLocation::Extendee, extendee);
            return false;
        };
        let Symbol::Message(message) = symbol else {
            self.error(
                elem,
                ErrorLocation::Extendee,
                format!("\"{extendee}\" is not a message type."),
            );
            return false;
        };
        if !self.is_visible(symbol) {
            let error = self.visibility_error(symbol, "target of extend");
            self.error(elem, ErrorLocation::Extendee, error);
            return false;
        }
        self.pool.fields[field.idx()].containing_type = Some(message);
        if self
            .pool
            .extension_range_containing(message, number)
            .is_none()
        {
            let name = self.pool.message(message).full_name.clone();
            self.error(
                elem,
                ErrorLocation::Number,
                format!("\"{name}\" does not declare {number} as an extension number."),
            );
        }
        true
    }

    /// The type of a field with a type name; `false` if the field cannot be linked further.
    fn link_field_type(&mut self, field: FieldId, type_name: &str) -> bool {
        let desc = self.pool.field(field).clone();
        let Some(symbol) = self.lookup_symbol(type_name, &desc.full_name, ResolveMode::Types)
        else {
            self.not_defined_error(desc.elem, ErrorLocation::Type, type_name);
            return false;
        };
        if !self.is_visible(symbol) {
            let error = self.visibility_error(symbol, "");
            self.error(desc.elem, ErrorLocation::Type, error);
            return false;
        }
        let field_type = match (desc.field_type, symbol) {
            (Some(t), _) => t,
            (None, Symbol::Message(_)) => FieldType::Message,
            (None, Symbol::Enum(_)) => FieldType::Enum,
            (None, _) => {
                self.error(
                    desc.elem,
                    ErrorLocation::Type,
                    format!("\"{type_name}\" is not a type."),
                );
                return false;
            }
        };
        self.pool.fields[field.idx()].field_type = Some(field_type);
        match field_type {
            FieldType::Message | FieldType::Group => {
                let Symbol::Message(message) = symbol else {
                    self.error(
                        desc.elem,
                        ErrorLocation::Type,
                        format!("\"{type_name}\" is not a message type."),
                    );
                    return false;
                };
                self.pool.fields[field.idx()].type_ref = TypeRef::Message(message);
                if desc.default_value.is_some() {
                    self.error(
                        desc.elem,
                        ErrorLocation::DefaultValue,
                        "Messages can't have default values.",
                    );
                }
            }
            FieldType::Enum => {
                let Symbol::Enum(enum_type) = symbol else {
                    self.error(
                        desc.elem,
                        ErrorLocation::Type,
                        format!("\"{type_name}\" is not an enum type."),
                    );
                    return false;
                };
                self.pool.fields[field.idx()].type_ref = TypeRef::Enum(enum_type);
                if let Some(default) = &desc.default_value {
                    self.link_enum_default(field, desc.elem, enum_type, default);
                }
            }
            _ => {
                self.error(
                    desc.elem,
                    ErrorLocation::Type,
                    "Field with primitive type has type_name.",
                );
            }
        }
        true
    }

    /// An enum field's default: an identifier naming a value of the enum.
    fn link_enum_default(
        &mut self,
        field: FieldId,
        elem: ElemId,
        enum_type: EnumId,
        default: &[u8],
    ) {
        if !crate::lexer::is_identifier(default) {
            self.error(
                elem,
                ErrorLocation::DefaultValue,
                "Default value for an enum field must be an identifier.",
            );
            return;
        }
        let name = String::from_utf8_lossy(default).into_owned();
        match self.pool.find_value_by_name(enum_type, &name) {
            Some(value) => {
                self.pool.fields[field.idx()].default_text =
                    Some(self.pool.value(value).name().as_bytes().to_vec());
            }
            None => {
                let enum_name = self.pool.enum_type(enum_type).full_name.clone();
                self.error(
                    elem,
                    ErrorLocation::DefaultValue,
                    format!("Enum type \"{enum_name}\" has no value named \"{name}\"."),
                );
            }
        }
    }

    /// `AddFieldByNumber` (per file) and, for extensions, `AddExtension` (across files). Numbers in the
    /// containing message's sequential range are taken by the field at that position.
    fn register_field_number(&mut self, field: FieldId) {
        let desc = self.pool.field(field).clone();
        let key = (desc.containing_type, desc.number);
        let sequential = desc.containing_type.and_then(|m| {
            let message = self.pool.message(m);
            (1..=message.sequential_limit)
                .contains(&desc.number)
                .then(|| message.fields[desc.number as usize - 1])
        });
        let conflicting = match sequential {
            Some(at) => (desc.is_extension || at != field).then_some(at),
            None => self.fields_by_number.get(&key).copied(),
        };
        if let Some(conflicting) = conflicting {
            self.report_number_conflict(&desc, conflicting);
            return;
        }
        if sequential.is_none() {
            self.fields_by_number.insert(key, field);
        }
        if let (true, Some(extendee)) = (desc.is_extension, desc.containing_type) {
            if !self.pool.add_extension(extendee, desc.number, field) {
                let conflicting = self.pool.extensions[&(extendee, desc.number)];
                let other = self.pool.field(conflicting);
                let message = format!(
                    "Extension number {} has already been used in \"{}\" by extension \"{}\" defined in {}.",
                    desc.number,
                    self.pool.message(extendee).full_name,
                    other.full_name,
                    self.pool.file(other.file).name
                );
                self.warning(desc.elem, ErrorLocation::Number, message);
            }
        }
    }

    fn report_number_conflict(&mut self, desc: &super::FieldDesc, conflicting: FieldId) {
        let containing = desc.containing_type.map_or_else(
            || "unknown".to_string(),
            |m| self.pool.message(m).full_name.clone(),
        );
        if desc.is_extension {
            let other = self.pool.field(conflicting).full_name.clone();
            self.error(
                desc.elem,
                ErrorLocation::Number,
                format!("Extension number {} has already been used in \"{containing}\" by extension \"{other}\".", desc.number),
            );
        } else {
            let other = self.pool.field(conflicting).name().to_string();
            let proposal = match desc.containing_type.map(|m| self.next_free_number(m)) {
                Some(n) if n <= i64::from(crate::parser::MAX_FIELD_NUMBER) => {
                    format!("Next available field number is {n}")
                }
                _ => "There are no available field numbers".to_string(),
            };
            self.error(
                desc.elem,
                ErrorLocation::Number,
                format!(
                    "Field number {} has already been used in \"{containing}\" by field \"{other}\". {proposal}.",
                    desc.number
                ),
            );
        }
    }

    /// The "Next available field number" of a message: after its fields, extension and reserved ranges.
    fn next_free_number(&self, message: MsgId) -> i64 {
        let m = self.pool.message(message);
        let mut used: Vec<(i64, i64)> = Vec::new();
        for &f in &m.fields {
            let n = i64::from(self.pool.field(f).number);
            used.push((n, n));
        }
        for r in &m.extension_ranges {
            used.push((i64::from(r.start), i64::from(r.end) - 1));
        }
        for &(start, end, _) in &m.reserved_ranges {
            used.push((i64::from(start), i64::from(end) - 1));
        }
        used.sort_unstable();
        used.dedup();
        let mut proposed = 1i64;
        for (start, end) in used {
            if start <= proposed && proposed <= end {
                proposed = end + 1;
            } else {
                break;
            }
        }
        proposed
    }

    fn cross_link_method(&mut self, method: super::MethodId) {
        let desc = self.pool.methods[method.idx()].clone();
        for input in [true, false] {
            let (type_name, kind) = if input {
                (&desc.input_type, ErrorLocation::InputType)
            } else {
                (&desc.output_type, ErrorLocation::OutputType)
            };
            match self.lookup_symbol(type_name, &desc.full_name, ResolveMode::All) {
                None => self.not_defined_error(desc.elem, kind, type_name),
                Some(Symbol::Message(m)) if self.is_visible(Symbol::Message(m)) => {
                    let slot = &mut self.pool.methods[method.idx()];
                    if input {
                        slot.input = Some(m);
                    } else {
                        slot.output = Some(m);
                    }
                }
                Some(symbol @ Symbol::Message(_)) => {
                    let error = self.visibility_error(symbol, "");
                    self.error(desc.elem, kind, error);
                }
                Some(_) => self.error(
                    desc.elem,
                    kind,
                    format!("\"{type_name}\" is not a message type."),
                ),
            }
        }
    }

    /// `Symbol::IsVisibleFrom(file_)`.
    pub fn is_visible(&self, symbol: Symbol) -> bool {
        if !symbol.is_type() {
            return true;
        }
        let file = self.pool.symbol_file(symbol);
        if file == self.file || self.pool.file(file).is_placeholder {
            return true;
        }
        self.effective_visibility(symbol) == 2
    }

    /// `GetEffectiveVisibility`: 2 = export, 1 = local.
    fn effective_visibility(&self, symbol: Symbol) -> i32 {
        let (keyword, nested, default) = match symbol {
            Symbol::Message(m) => {
                let d = self.pool.message(m);
                (
                    d.visibility,
                    d.parent.is_some(),
                    d.options.features.default_symbol_visibility(),
                )
            }
            Symbol::Enum(e) => {
                let d = self.pool.enum_type(e);
                (
                    d.visibility,
                    d.parent.is_some(),
                    d.options.features.default_symbol_visibility(),
                )
            }
            _ => return 0,
        };
        if let Some(v) = keyword.filter(|&v| v != 0) {
            return v;
        }
        match default {
            features::EXPORT_ALL => 2,
            features::EXPORT_TOP_LEVEL if nested => 1,
            features::EXPORT_TOP_LEVEL => 2,
            features::LOCAL_ALL | features::STRICT => 1,
            _ => 2,
        }
    }

    /// `Symbol::GetVisibilityError`.
    fn visibility_error(&self, symbol: Symbol, usage: &str) -> String {
        let file = self.pool.file(self.pool.symbol_file(symbol)).name.clone();
        let name = self.pool.symbol_name(symbol).to_string();
        let (keyword, default) = match symbol {
            Symbol::Message(m) => {
                let d = self.pool.message(m);
                (d.visibility, d.options.features.default_symbol_visibility())
            }
            Symbol::Enum(e) => {
                let d = self.pool.enum_type(e);
                (d.visibility, d.options.features.default_symbol_visibility())
            }
            _ => (None, 0),
        };
        let reason = if keyword == Some(1) {
            "It is explicitly marked 'local'".to_string()
        } else {
            let default_name = match default {
                features::EXPORT_ALL => "EXPORT_ALL",
                features::EXPORT_TOP_LEVEL => "EXPORT_TOP_LEVEL",
                features::LOCAL_ALL => "LOCAL_ALL",
                features::STRICT => "STRICT",
                _ => "DEFAULT_SYMBOL_VISIBILITY_UNKNOWN",
            };
            format!("It defaulted to local from file-level 'option features.default_symbol_visibility = '{default_name}';")
        };
        let this = self.file_desc().name.clone();
        format!(
            "Symbol \"{name}\", defined in \"{file}\" {usage} is not visible from \"{this}\". {reason} and cannot be accessed outside its own file"
        )
    }
}
