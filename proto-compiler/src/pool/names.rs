//! Symbol registration: `AddSymbol`, `AddPackage`, `ValidateSymbolName` and protoc's name length limits.

use super::builder::Builder;
use super::{FileId, Symbol};
use crate::ir::{ElemId, ErrorLocation};

/// protoc stores name lengths and offsets as `uint16_t` (`CreateDescriptorNames`).
const MAX_NAME_SIZE: usize = u16::MAX as usize;

/// `ToCamelCase`.
pub fn to_camel_case(input: &str, lower_first: bool) -> String {
    let mut capitalize_next = !lower_first;
    let mut result = String::with_capacity(input.len());
    for c in input.chars() {
        if c == '_' {
            capitalize_next = true;
        } else if capitalize_next {
            result.push(c.to_ascii_uppercase());
            capitalize_next = false;
        } else {
            result.push(c);
        }
    }
    if lower_first {
        if let Some(first) = result.get_mut(0..1) {
            first.make_ascii_lowercase();
        }
    }
    result
}

/// `ToJsonName`: `foo_bar` → `fooBar`.
pub fn to_json_name(input: &str) -> String {
    let mut capitalize_next = false;
    let mut result = String::with_capacity(input.len());
    for c in input.chars() {
        if c == '_' {
            capitalize_next = true;
        } else if capitalize_next {
            result.push(c.to_ascii_uppercase());
            capitalize_next = false;
        } else {
            result.push(c);
        }
    }
    result
}

/// Whether `AllocateEntityNames(scope, name)` fits protoc's 16-bit name sizes.
pub fn entity_names_fit(scope: &str, name: &str) -> bool {
    let full = if scope.is_empty() {
        name.len()
    } else {
        scope.len() + 1 + name.len()
    };
    name.len() <= MAX_NAME_SIZE && full <= MAX_NAME_SIZE
}

/// Whether `AllocateFieldNames(name, scope, json_name)` fits protoc's 16-bit sizes and offsets.
pub fn field_names_fit(name: &str, scope: &str, json_name: Option<&[u8]>) -> bool {
    let full = if scope.is_empty() {
        name.len()
    } else {
        scope.len() + 1 + name.len()
    };
    let lower = !name.is_empty() && name.as_bytes()[0].is_ascii_lowercase();
    let all_lower = lower
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let snake = lower
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.contains("__")
        && !name.ends_with('_');
    let sizes: Vec<usize> = if json_name.is_none() && all_lower {
        vec![name.len(), full, name.len() + 1, name.len()]
    } else if json_name.is_none() && snake {
        let camel = to_camel_case(name, true).len();
        vec![
            name.len(),
            full,
            name.len() + 1,
            name.len(),
            full + camel + 2,
            camel,
        ]
    } else {
        let camel = to_camel_case(name, true).len();
        let json = json_name.map_or_else(|| to_json_name(name).len(), <[u8]>::len);
        let mut offset = full + 1;
        let mut sizes = vec![name.len(), full];
        for size in [name.len(), camel, json] {
            offset += size + 1;
            sizes.push(offset);
            sizes.push(size);
        }
        sizes
    };
    sizes.iter().all(|&s| s <= MAX_NAME_SIZE)
}

impl<'p> Builder<'p> {
    /// `ValidateSymbolName`.
    pub fn validate_symbol_name(&mut self, name: &str, elem: ElemId) {
        if name.is_empty() {
            self.error(elem, ErrorLocation::Name, "Missing name.");
        } else if !name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
            self.error(
                elem,
                ErrorLocation::Name,
                format!("\"{name}\" is not a valid identifier."),
            );
        }
    }

    /// `AddSymbol`: registers `full_name`, or reports where it is already defined.
    pub fn add_symbol(&mut self, full_name: &str, elem: ElemId, symbol: Symbol) -> bool {
        if full_name.contains('\0') {
            self.error(
                elem,
                ErrorLocation::Name,
                format!("\"{full_name}\" contains null character."),
            );
            return false;
        }
        if self.pool.add_symbol(full_name, symbol) {
            return true;
        }
        let existing = self.pool.symbols[full_name];
        let other_file = self.pool.symbol_file(existing);
        if other_file == self.file {
            match full_name.rfind('.') {
                None => self.error(
                    elem,
                    ErrorLocation::Name,
                    format!("\"{full_name}\" is already defined."),
                ),
                Some(dot) => self.error(
                    elem,
                    ErrorLocation::Name,
                    format!(
                        "\"{}\" is already defined in \"{}\".",
                        &full_name[dot + 1..],
                        &full_name[..dot]
                    ),
                ),
            }
        } else {
            let other = self.pool.file(other_file).name.clone();
            self.error(
                elem,
                ErrorLocation::Name,
                format!("\"{full_name}\" is already defined in file \"{other}\"."),
            );
        }
        false
    }

    /// `AddPackage`: the package and its parents as package symbols (redefining a package is fine). protoc
    /// recurses from the full name outwards and validates each new component on the way back; the same order
    /// here, without recursion.
    pub fn add_package(&mut self, name: &str, elem: ElemId) {
        if name.contains('\0') {
            self.error(
                elem,
                ErrorLocation::Name,
                format!("\"{name}\" contains null character."),
            );
            return;
        }
        let mut to_validate: Vec<String> = Vec::new();
        let mut current = name.to_string();
        loop {
            match self.pool.symbols.get(current.as_str()).copied() {
                None => {
                    self.pool.add_symbol(&current, Symbol::Package(self.file));
                    match current.rfind('.') {
                        None => {
                            to_validate.push(current.clone());
                            break;
                        }
                        Some(dot) => {
                            to_validate.push(current[dot + 1..].to_string());
                            current.truncate(dot);
                        }
                    }
                }
                Some(existing) => {
                    if !existing.is_package() {
                        let other: FileId = self.pool.symbol_file(existing);
                        let other = self.pool.file(other).name.clone();
                        self.error(
                            elem,
                            ErrorLocation::Name,
                            format!("\"{current}\" is already defined (as something other than a package) in file \"{other}\"."),
                        );
                    }
                    break;
                }
            }
        }
        while let Some(component) = to_validate.pop() {
            self.validate_symbol_name(&component, elem);
        }
    }
}
