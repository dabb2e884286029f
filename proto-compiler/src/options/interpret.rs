//! `InterpretOptionsImpl` / `InterpretSingleOption` / `ExamineIfOptionIsSet`: option names resolved to fields
//! of the options message (or of the messages the name drills into), the value set as unknown fields, and the
//! options message re-parsed with the compiled-in schema.

use super::dynamic::DynMessage;
use super::PoolSchema;
use crate::ir::{ErrorLocation, FieldType, Label, UninterpretedOption};
use crate::pool::builder::{Builder, OptionsToInterpret};
use crate::pool::lookup::ResolveMode;
use crate::pool::{FieldId, Pool, Symbol, TypeRef};
use crate::wire;

/// Which pool a descriptor of the options walk comes from: the one being built, or the compiled-in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Current,
    Generated,
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
        let Some(first) = option.name.first() else {
            if skip_extensions {
                return true;
            }
            self.error(
                option.id,
                ErrorLocation::OptionName,
                "Option must have a name.",
            );
            return false;
        };
        if first.name == "uninterpreted_option" {
            if skip_extensions {
                return true;
            }
            self.error(
                option.id,
                ErrorLocation::OptionName,
                "Option must not use reserved name \"uninterpreted_option\".",
            );
            return false;
        }
        if skip_extensions == first.is_extension {
            return true;
        }
        let options_name = options.target.kind().message_name();
        let (mut side, mut descriptor) = match self.find_symbol_not_enforcing_deps(options_name) {
            Some(Symbol::Message(m)) => (Side::Current, m),
            _ => match self
                .generated
                .and_then(|g| g.pool.find_message(options_name))
            {
                Some(m) => (Side::Generated, m),
                None => return true,
            },
        };
        let mut intermediate: Vec<OptionField> = Vec::new();
        let mut debug_name = String::new();
        let mut dest_path = options.element_path.clone();
        let mut leaf: Option<OptionField> = None;
        for (i, part) in option.name.iter().enumerate() {
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
            let Some(field) = field else {
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
                return false;
            };
            let f = self.side_pool(field.side).field(field.field);
            let (containing_type, number, file, type_ref, label) =
                (f.containing_type, f.number, f.file, f.type_ref, f.label);
            if field.side != side || containing_type != Some(descriptor) {
                let name = self.side_pool(side).message(descriptor).name().to_string();
                self.error(
                    option.id,
                    ErrorLocation::OptionName,
                    format!("Option field \"{debug_name}\" is not a field or extension of message \"{name}\"."),
                );
                return false;
            }
            dest_path.push(number);
            if field.side == Side::Current
                && file == self.file
                && first.name == "features"
                && !first.is_extension
            {
                self.error(
                    option.id,
                    ErrorLocation::OptionName,
                    format!(
                        "Feature \"{debug_name}\" can't be used in the same file it's defined in."
                    ),
                );
                return false;
            }
            if i + 1 < option.name.len() {
                let TypeRef::Message(next) = type_ref else {
                    self.error(
                        option.id,
                        ErrorLocation::OptionName,
                        format!("Option \"{debug_name}\" is an atomic type, not a message."),
                    );
                    return false;
                };
                if label == Label::Repeated {
                    self.error(
                        option.id,
                        ErrorLocation::OptionName,
                        format!("Option field \"{debug_name}\" is a repeated message. Repeated message options must be initialized using an aggregate value."),
                    );
                    return false;
                }
                intermediate.push(field);
                descriptor = next;
                side = field.side;
            }
            leaf = Some(field);
        }
        let Some(leaf) = leaf else { return true };
        let (leaf_repeated, leaf_number) = {
            let f = self.side_pool(leaf.side).field(leaf.field);
            (f.label == Label::Repeated, f.number)
        };
        if !leaf_repeated {
            let unknown = &self.options_slot(options.target).msg.unknown;
            if self.option_is_set(&intermediate, unknown, leaf_number) {
                self.error(
                    option.id,
                    ErrorLocation::OptionName,
                    format!("Option \"{debug_name}\" was already set."),
                );
                return false;
            }
        }
        let mut value = Vec::new();
        if !self.set_option_value(leaf, option, &mut value) {
            return false;
        }
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
        self.options_slot_mut(options.target)
            .msg
            .unknown
            .extend_from_slice(&value);
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
