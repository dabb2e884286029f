//! Feature resolution of a file being built (`ResolveFeaturesImpl`, `InferLegacyProtoFeatures`,
//! `PostProcessFieldFeatures`): each element's explicit `features` moved out of its options, merged over its
//! parent's resolved features, checked.

use super::{field, Features};
use crate::edition::Edition;
use crate::ir::{ErrorLocation, FieldType, Label};
use crate::options::dynamic::{DynMessage, Val};
use crate::pool::builder::{Builder, OptionsTarget};
use crate::pool::lookup::ResolveMode;
use crate::pool::visit::{elements, Element};
use crate::pool::{FieldId, Symbol, TypeRef};

/// The core feature values set in an explicit `FeatureSet` message.
pub fn explicit_values(features: &DynMessage) -> Vec<(u32, i32)> {
    (1..=8)
        .filter_map(|n| match features.get(n) {
            Some(Val::Varint(v)) => Some((n, *v as i32)),
            _ => None,
        })
        .collect()
}

impl Builder<'_> {
    fn parent_features(&self, element: Element) -> Features {
        let pool = &*self.pool;
        let file = pool.file(self.file).options.features;
        match element {
            Element::File => Features::default(),
            Element::Message(m) => pool
                .message(m)
                .parent
                .map_or(file, |p| pool.message(p).options.features),
            Element::Enum(e) => pool
                .enum_type(e)
                .parent
                .map_or(file, |p| pool.message(p).options.features),
            Element::Value(v) => pool.enum_type(pool.value(v).enum_type).options.features,
            Element::Oneof(o) => pool.message(pool.oneof(o).containing_type).options.features,
            Element::ExtensionRange(m, _) => pool.message(m).options.features,
            Element::Field(f) => {
                let d = pool.field(f);
                if let Some(o) = d.oneof {
                    pool.oneof(o).options.features
                } else if d.is_extension {
                    d.extension_scope
                        .map_or(file, |s| pool.message(s).options.features)
                } else {
                    d.containing_type
                        .map_or(file, |m| pool.message(m).options.features)
                }
            }
            Element::Service(_) => file,
            Element::Method(m) => {
                pool.services[pool.methods[m.idx()].service.idx()]
                    .options
                    .features
            }
        }
    }

    fn target_of(element: Element) -> OptionsTarget {
        match element {
            Element::File => OptionsTarget::File,
            Element::Message(m) => OptionsTarget::Message(m),
            Element::Enum(e) => OptionsTarget::Enum(e),
            Element::Value(v) => OptionsTarget::Value(v),
            Element::Oneof(o) => OptionsTarget::Oneof(o),
            Element::Field(f) => OptionsTarget::Field(f),
            Element::ExtensionRange(m, i) => OptionsTarget::ExtensionRange(m, i),
            Element::Service(s) => OptionsTarget::Service(s),
            Element::Method(m) => OptionsTarget::Method(m),
        }
    }

    fn element_id(&self, element: Element) -> crate::ir::ElemId {
        let pool = &*self.pool;
        match element {
            Element::File => pool.file(self.file).elem,
            Element::Message(m) => pool.message(m).elem,
            Element::Enum(e) => pool.enum_type(e).elem,
            Element::Value(v) => pool.value(v).elem,
            Element::Oneof(o) => pool.oneof(o).elem,
            Element::Field(f) => pool.field(f).elem,
            Element::ExtensionRange(m, i) => pool.message(m).extension_ranges[i].elem,
            Element::Service(s) => pool.services[s.idx()].elem,
            Element::Method(m) => pool.methods[m.idx()].elem,
        }
    }

    /// `InferLegacyProtoFeatures` for a field: what proto2/proto3 syntax implies.
    fn legacy_field_features(&self, f: FieldId) -> Vec<(u32, i32)> {
        let mut inferred = Vec::new();
        if !self.edition.is_legacy() {
            return inferred;
        }
        let d = self.pool.field(f);
        if d.label == Label::Required {
            inferred.push((field::FIELD_PRESENCE, super::LEGACY_REQUIRED));
        }
        if d.field_type == Some(FieldType::Group) {
            inferred.push((field::MESSAGE_ENCODING, super::DELIMITED));
        }
        match d.options.msg.get_varint(2) {
            Some(v) if v != 0 => inferred.push((field::REPEATED_FIELD_ENCODING, super::PACKED)),
            Some(_) if self.edition == Edition::Proto3 => {
                inferred.push((field::REPEATED_FIELD_ENCODING, super::EXPANDED))
            }
            _ => {}
        }
        inferred
    }

    /// Resolves the features of every element of the file, parents first.
    pub fn resolve_features(&mut self) {
        let Some(defaults) = self.file_defaults else {
            return;
        };
        for element in elements(self.pool, self.file) {
            let target = Self::target_of(element);
            let parent = if element == Element::File {
                defaults
            } else {
                self.parent_features(element)
            };
            let explicit = self
                .options_slot_mut(target)
                .msg
                .take(target.kind().features_field())
                .and_then(|f| f.values.into_iter().last());
            let explicit = match explicit {
                Some(Val::Message(m)) => Some(m),
                _ => None,
            };
            let error_location = if element == Element::File {
                ErrorLocation::Editions
            } else {
                ErrorLocation::Name
            };
            if self.edition.is_legacy() && explicit.is_some() {
                let elem = self.element_id(element);
                self.error(
                    elem,
                    error_location,
                    "Features are only valid under editions.",
                );
            }
            let mut values = explicit.as_ref().map(explicit_values).unwrap_or_default();
            let has_explicit = explicit.as_ref().is_some_and(|m| !m.is_empty());
            if let Element::Field(f) = element {
                values.extend(self.legacy_field_features(f));
            }
            let merged = if values.is_empty() && !has_explicit && element != Element::File {
                parent
            } else {
                let merged = parent.merged_with(&values);
                if let Err(message) = merged.validate() {
                    let elem = self.element_id(element);
                    self.error(elem, error_location, message);
                }
                merged
            };
            let slot = self.options_slot_mut(target);
            slot.features = merged;
            slot.proto_features = explicit.map(|m| m.to_bytes());
        }
    }

    /// `PostProcessFieldFeatures`: required by `LEGACY_REQUIRED`, group by `DELIMITED`.
    pub fn post_process_field_features(&mut self) {
        for element in elements(self.pool, self.file) {
            let Element::Field(f) = element else { continue };
            let d = self.pool.field(f).clone();
            if d.options.features.field_presence() == super::LEGACY_REQUIRED
                && d.label == Label::Optional
            {
                self.pool.fields[f.idx()].resolved_required = true;
            }
            let in_map_entry = d
                .containing_type
                .is_some_and(|m| self.pool.message(m).map_entry);
            if d.field_type == Some(FieldType::Message)
                && !in_map_entry
                && d.options.features.delimited()
            {
                let type_name = d.type_name.clone().unwrap_or_default();
                let map_entry =
                    match self.lookup_symbol(&type_name, &d.full_name, ResolveMode::Types) {
                        Some(Symbol::Message(m)) => self.pool.message(m).map_entry,
                        _ => false,
                    };
                if !map_entry {
                    self.pool.fields[f.idx()].resolved_group = true;
                }
            }
            let _ = TypeRef::None;
        }
    }
}
