//! `InterpretOptionsImpl` / `InterpretSingleOption` / `ExamineIfOptionIsSet`: option names resolved to fields
//! of the options message (or of the messages the name drills into), the value set as unknown fields, and the
//! options message re-parsed with the compiled-in schema.

use super::dynamic::DynMessage;
use super::PoolSchema;
use crate::ir::{ErrorLocation, FieldType, Label, NamePart, UninterpretedOption};
use crate::pool::builder::{Builder, OptionsToInterpret};
use crate::pool::lookup::ResolveMode;
use crate::pool::{FieldId, MsgId, Pool, Symbol, TypeRef};
use crate::wire;

/// Which pool a descriptor of the options walk comes from: the one being built, or the compiled-in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Current,
    Generated,
}

/// An option name resolved: the messages it drills into, its last field, the name as protoc prints it and
/// the option's path in the options message.
struct ResolvedName {
    intermediate: Vec<OptionField>,
    leaf: Option<OptionField>,
    debug_name: String,
    dest_path: Vec<i32>,
}

/// A field reached by an option name.
#[derive(Debug, Clone, Copy)]
pub struct OptionField {
    pub side: Side,
    pub field: FieldId,
}

impl<'p> Builder<'p> {
    pub fn side_pool(&self, side: Side) -> &Pool {
        match (side, self.generated) {
            (Side::Generated, Some(g)) => &g.pool,
            _ => self.pool,
        }
    }

    /// One pass over an element's options: non-extension options first (`skip_extensions`), then
    /// extensions.
    pub fn interpret_options(&mut self, options: &OptionsToInterpret<'p>, skip_extensions: bool) {
        let mut src_path = options.element_path.clone();
        src_path.push(crate::parser::path::UNINTERPRETED_OPTION);
        let mut failed = false;
        for (i, option) in options.original.uninterpreted.iter().enumerate() {
            src_path.push(i as i32);
            if !self.interpret_single_option(option, options, &src_path, skip_extensions) {
                failed = true;
                break;
            }
            src_path.pop();
        }
        if !failed {
            self.reparse_options(options);
        }
    }

    /// Serializes the options message and parses it back with the compiled-in options messages.
    fn reparse_options(&mut self, options: &OptionsToInterpret<'p>) {
        let kind = options.target.kind();
        let bytes = self.options_slot(options.target).msg.to_bytes();
        let (schema_pool, message) = match self.generated {
            Some(g) => (&g.pool, g.pool.find_message(kind.message_name())),
            None => (&*self.pool, self.pool.find_message(kind.message_name())),
        };
        let mut parsed = DynMessage::default();
        let ok = match message {
            Some(m) => parsed
                .merge_from(&bytes, &PoolSchema { pool: schema_pool }, m.0)
                .is_ok(),
            None => false,
        };
        if ok {
            self.options_slot_mut(options.target).msg = parsed;
        }
    }

    /// `InterpretSingleOption`; `false` after reporting an error.
    fn interpret_single_option(
        &mut self,
        option: &UninterpretedOption,
        options: &OptionsToInterpret<'p>,
        src_path: &[i32],
        skip_extensions: bool,
    ) -> bool {
        if let Some(done) = self.check_option_name_start(option, skip_extensions) {
            return done;
        }
        let Some((side, descriptor)) = self.options_message(options) else {
            return true;
        };
        let Some(name) = self.resolve_option_name(option, options, side, descriptor) else {
            return false;
        };
        let Some(leaf) = name.leaf else { return true };
        let (leaf_repeated, leaf_number) = {
            let f = self.side_pool(leaf.side).field(leaf.field);
            (f.label == Label::Repeated, f.number)
        };
        if !leaf_repeated {
            let unknown = &self.options_slot(options.target).msg.unknown;
            if self.option_is_set(&name.intermediate, unknown, leaf_number) {
                self.error(
                    option.id,
                    ErrorLocation::OptionName,
                    format!("Option \"{}\" was already set.", name.debug_name),
                );
                return false;
            }
        }
        let mut value = Vec::new();
        if !self.set_option_value(leaf, option, &mut value) {
            return false;
        }
        let value = self.wrap_in_intermediates(&name.intermediate, value);
        self.options_slot_mut(options.target)
            .msg
            .unknown
            .extend_from_slice(&value);
        let mut dest_path = name.dest_path;
        if leaf_repeated {
            let count = self
                .repeated_option_counts
                .entry(dest_path.clone())
                .or_insert(0);
            let index = *count;
            *count += 1;
            dest_path.push(index);
        }
        self.interpreted_paths.insert(src_path.to_vec(), dest_path);
        true
    }

    /// The checks of an option's name before it is resolved: `Some` of the result when the option is done
    /// with (skipped in this pass, or an error reported), `None` to go on.
    fn check_option_name_start(
        &mut self,
        option: &UninterpretedOption,
        skip_extensions: bool,
    ) -> Option<bool> {
        let Some(first) = option.name.first() else {
            if skip_extensions {
                return Some(true);
            }
            self.error(
                option.id,
                ErrorLocation::OptionName,
                "Option must have a name.",
            );
            return Some(false);
        };
        if first.name == "uninterpreted_option" {
            if skip_extensions {
                return Some(true);
            }
            self.error(
                option.id,
                ErrorLocation::OptionName,
                "Option must not use reserved name \"uninterpreted_option\".",
            );
            return Some(false);
        }
        if skip_extensions == first.is_extension {
            return Some(true);
        }
        None
    }

    /// The options message of the element (`FileOptions`, ...): the pool's own, else the compiled-in one.
    fn options_message(&mut self, options: &OptionsToInterpret<'p>) -> Option<(Side, MsgId)> {
        let options_name = options.target.kind().message_name();
        match self.find_symbol_not_enforcing_deps(options_name) {
            Some(Symbol::Message(m)) => Some((Side::Current, m)),
            _ => self
                .generated
                .and_then(|g| g.pool.find_message(options_name))
                .map(|m| (Side::Generated, m)),
        }
    }

    /// The fields an option's name goes through, each checked as protoc checks it; `None` after an error.
    fn resolve_option_name(
        &mut self,
        option: &UninterpretedOption,
        options: &OptionsToInterpret<'p>,
        mut side: Side,
        mut descriptor: MsgId,
    ) -> Option<ResolvedName> {
        let mut name = ResolvedName {
            intermediate: Vec::new(),
            leaf: None,
            debug_name: String::new(),
            dest_path: options.element_path.clone(),
        };
        for (i, part) in option.name.iter().enumerate() {
            let field = self.find_option_field(
                option,
                part,
                options,
                side,
                descriptor,
                &mut name.debug_name,
            )?;
            if !self.check_option_field(option, field, side, descriptor, &name.debug_name) {
                return None;
            }
            name.dest_path
                .push(self.side_pool(field.side).field(field.field).number);
            if i + 1 < option.name.len() {
                descriptor = self.option_submessage(option, field, &name.debug_name)?;
                name.intermediate.push(field);
                side = field.side;
            }
            name.leaf = Some(field);
        }
        Some(name)
    }

    /// The field one part of an option name names (an extension by scope lookup, else a field of
    /// `descriptor`), the part appended to `debug_name`; `None` after protoc's "unknown" error.
    fn find_option_field(
        &mut self,
        option: &UninterpretedOption,
        part: &NamePart,
        options: &OptionsToInterpret<'p>,
        side: Side,
        descriptor: MsgId,
        debug_name: &mut String,
    ) -> Option<OptionField> {
        self.undefine_resolved_name.clear();
        if !debug_name.is_empty() {
            debug_name.push('.');
        }
        let field = if part.is_extension {
            debug_name.push_str(&format!("({})", part.name));
            match self.lookup_symbol(&part.name, &options.name_scope, ResolveMode::All) {
                Some(Symbol::Field(f)) => Some(OptionField {
                    side: Side::Current,
                    field: f,
                }),
                _ => None,
            }
        } else {
            debug_name.push_str(&part.name);
            self.side_pool(side)
                .find_field_by_name(descriptor, &part.name)
                .map(|f| OptionField { side, field: f })
        };
        if field.is_none() {
            let message = if self.undefine_resolved_name.is_empty() {
                format!("Option \"{debug_name}\" unknown. Ensure that your proto definition file imports the proto which defines the option (i.e. via import option after edition 2024).")
            } else {
                format!(
                    "Option \"{debug_name}\" is resolved to \"({})\", which is not defined. The innermost scope is searched first in name resolution. Consider using a leading '.'(i.e., \"(.{}\") to start from the outermost scope.",
                    self.undefine_resolved_name,
                    &debug_name[1..]
                )
            };
            self.error(option.id, ErrorLocation::OptionName, message);
        }
        field
    }

    /// Whether the field belongs to the message the name is in, and is not a feature defined in this file;
    /// `false` after the error.
    fn check_option_field(
        &mut self,
        option: &UninterpretedOption,
        field: OptionField,
        side: Side,
        descriptor: MsgId,
        debug_name: &str,
    ) -> bool {
        let f = self.side_pool(field.side).field(field.field);
        let (containing_type, file) = (f.containing_type, f.file);
        if field.side != side || containing_type != Some(descriptor) {
            let name = self.side_pool(side).message(descriptor).name().to_string();
            self.error(
                option.id,
                ErrorLocation::OptionName,
                format!("Option field \"{debug_name}\" is not a field or extension of message \"{name}\"."),
            );
            return false;
        }
        let first = &option.name[0];
        if field.side == Side::Current
            && file == self.file
            && first.name == "features"
            && !first.is_extension
        {
            self.error(
                option.id,
                ErrorLocation::OptionName,
                format!("Feature \"{debug_name}\" can't be used in the same file it's defined in."),
            );
            return false;
        }
        true
    }

    /// The message an intermediate part of an option name drills into; `None` after the error for an
    /// atomic or repeated field.
    fn option_submessage(
        &mut self,
        option: &UninterpretedOption,
        field: OptionField,
        debug_name: &str,
    ) -> Option<MsgId> {
        let f = self.side_pool(field.side).field(field.field);
        let (type_ref, label) = (f.type_ref, f.label);
        let TypeRef::Message(next) = type_ref else {
            self.error(
                option.id,
                ErrorLocation::OptionName,
                format!("Option \"{debug_name}\" is an atomic type, not a message."),
            );
            return None;
        };
        if label == Label::Repeated {
            self.error(
                option.id,
                ErrorLocation::OptionName,
                format!("Option field \"{debug_name}\" is a repeated message. Repeated message options must be initialized using an aggregate value."),
            );
            return None;
        }
        Some(next)
    }

    /// The leaf's encoded value wrapped in the intermediate messages (or groups) of the name, innermost
    /// first.
    fn wrap_in_intermediates(&self, intermediate: &[OptionField], mut value: Vec<u8>) -> Vec<u8> {
        for field in intermediate.iter().rev() {
            let f = self.side_pool(field.side).field(field.field);
            let mut wrapped = Vec::new();
            if f.effective_type() == Some(FieldType::Group) {
                wire::write_varint(u64::from(f.number as u32) << 3 | 3, &mut wrapped);
                wrapped.extend_from_slice(&value);
                wire::write_varint(u64::from(f.number as u32) << 3 | 4, &mut wrapped);
            } else {
                wire::write_bytes_field(f.number as u32, &value, &mut wrapped);
            }
            value = wrapped;
        }
        value
    }

    /// `ExamineIfOptionIsSet`: whether the unknown fields (in the intermediate messages the name drills
    /// into) already hold the leaf field.
    fn option_is_set(
        &self,
        intermediate: &[OptionField],
        unknown: &[u8],
        leaf_number: i32,
    ) -> bool {
        let Some((first, rest)) = intermediate.split_first() else {
            return wire::records(unknown)
                .flatten()
                .any(|r| r.field == leaf_number as u32);
        };
        let f = self.side_pool(first.side).field(first.field);
        let is_group = f.effective_type() == Some(FieldType::Group);
        wire::records(unknown).flatten().any(|record| {
            if record.field != f.number as u32 {
                return false;
            }
            let inner = match (is_group, record.value) {
                (false, wire::Value::Bytes(b)) => b,
                (true, wire::Value::Group(g)) => group_contents(g),
                _ => return false,
            };
            self.option_is_set(rest, inner, leaf_number)
        })
    }
}

/// The fields of a raw group record (start and end tags dropped).
pub fn group_contents(group: &[u8]) -> &[u8] {
    let start = wire::read_varint(group, 0).map_or(0, |(_, n)| n);
    let mut end = group.len();
    while end > start {
        end -= 1;
        if end == start || group[end - 1] & 0x80 == 0 {
            break;
        }
    }
    &group[start..end]
}
