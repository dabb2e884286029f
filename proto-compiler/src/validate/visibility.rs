//! Symbol visibility (`SymbolChecker::CheckSymbolVisibilityRules`): under `STRICT` default visibility, nested
//! messages and enums may not be `export`ed (except an enum namespaced in a local message reserving 1 to max).

use crate::features;
use crate::ir::ErrorLocation;
use crate::pool::builder::Builder;
use crate::pool::visit::{elements, Element};
use crate::pool::{EnumId, MsgId};

const EXPORT: i32 = 2;
const LOCAL: i32 = 1;

/// `IsEnumNamespaceMessage`.
fn is_enum_namespace_message(b: &Builder<'_>, message: MsgId) -> bool {
    let m = b.pool.message(message);
    if m.parent.is_some() {
        return false;
    }
    let default = b
        .pool
        .file(m.file)
        .options
        .features
        .default_symbol_visibility();
    let default_local = default == features::STRICT || default == features::LOCAL_ALL;
    let local = m.visibility == Some(LOCAL) || (m.visibility.is_none() && default_local);
    local
        && m.reserved_ranges.len() == 1
        && m.reserved_ranges[0].0 == 1
        && m.reserved_ranges[0].1 == crate::parser::MAX_FIELD_NUMBER + 1
}

/// `IsNamespacedEnum`.
fn is_namespaced_enum(b: &Builder<'_>, e: EnumId) -> bool {
    let d = b.pool.enum_type(e);
    let Some(parent) = d.parent else { return false };
    let default = b
        .pool
        .file(d.file)
        .options
        .features
        .default_symbol_visibility();
    let default_local = default == features::STRICT || default == features::LOCAL_ALL;
    let exported = !default_local || d.visibility == Some(EXPORT);
    exported && is_enum_namespace_message(b, parent)
}

pub fn check_symbol_visibility(b: &mut Builder<'_>) {
    let mut errors = Vec::new();
    let mut enum_errors = Vec::new();
    for element in elements(b.pool, b.file) {
        match element {
            Element::Message(m) => {
                let d = b.pool.message(m);
                if d.parent.is_some()
                    && d.visibility == Some(EXPORT)
                    && d.options.features.default_symbol_visibility() == features::STRICT
                {
                    errors.push((d.elem, format!("\"{}\" is a nested message and cannot be `export` with STRICT default_symbol_visibility. It must be moved to top-level, ideally in its own file in order to be `export`.", d.full_name)));
                }
            }
            Element::Enum(e) => {
                let d = b.pool.enum_type(e);
                if d.parent.is_some()
                    && !is_namespaced_enum(b, e)
                    && d.visibility == Some(EXPORT)
                    && d.options.features.default_symbol_visibility() == features::STRICT
                {
                    enum_errors.push((d.elem, format!("\"{}\" is a nested enum and cannot be marked `export` with STRICT default_symbol_visibility. It must be moved to top-level, ideally in its own file in order to be `export`. For C++ namespacing of enums in a messages use: `local message <OuterNamespace> {{ export enum {} {{...}} reserved 1 to max; }}`", d.full_name, d.full_name)));
                }
            }
            _ => {}
        }
    }
    for (elem, message) in errors.into_iter().chain(enum_errors) {
        b.error(elem, ErrorLocation::Symbol, message);
    }
}
