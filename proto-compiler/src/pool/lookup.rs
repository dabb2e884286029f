//! Name lookup by protoc's scope rules (`FindSymbol`, `LookupSymbolNoPlaceholder`): a file sees its own
//! symbols and those of its imports (public imports re-exported); a name is searched from the innermost
//! scope outwards, its first component deciding the scope. A symbol of a file that is loaded but not
//! imported is not found, and remembered for the "seems to be defined in" message.

use super::builder::Builder;
use super::{FileId, Symbol};
use crate::ir::{ElemId, ErrorLocation};

/// What kind of symbol a lookup wants (`ResolveMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveMode {
    All,
    Types,
}

fn is_in_package(package: &str, name: &str) -> bool {
    package.starts_with(name)
        && (package.len() == name.len() || package.as_bytes()[name.len()] == b'.')
}

impl<'p> Builder<'p> {
    fn visible(&self, file: FileId) -> bool {
        file == self.file
            || self.dependencies.contains(&file)
            || self.option_dependencies.contains(&file)
    }

    /// `FindSymbolNotEnforcingDeps`: any symbol of the pool; marks its file's import as used.
    pub fn find_symbol_not_enforcing_deps(&mut self, name: &str) -> Option<Symbol> {
        let symbol = *self.pool.symbols.get(name)?;
        let file = self.pool.symbol_file(symbol);
        if !symbol.is_package() && self.visible(file) {
            self.unused_dependency.retain(|&d| d != file);
        }
        Some(symbol)
    }

    /// `FindSymbol`: a symbol of this file or of a visible import.
    pub fn find_symbol(&mut self, name: &str) -> Option<Symbol> {
        let symbol = self.find_symbol_not_enforcing_deps(name)?;
        let file = self.pool.symbol_file(symbol);
        if file == self.file
            || self.dependencies.contains(&file)
            || (self.option_dependencies.contains(&file) && matches!(symbol, Symbol::Field(_)))
        {
            return Some(symbol);
        }
        if symbol.is_package() {
            if is_in_package(&self.file_desc().package, name) {
                return Some(symbol);
            }
            let any = self
                .dependencies
                .iter()
                .chain(self.option_dependencies.iter())
                .any(|&d| is_in_package(&self.pool.file(d).package, name));
            if any {
                return Some(symbol);
            }
        }
        self.possible_undeclared_dependency = Some((file, name.to_string()));
        None
    }

    /// `LookupSymbolNoPlaceholder`: `name` relative to the scope `relative_to`.
    pub fn lookup_symbol(
        &mut self,
        name: &str,
        relative_to: &str,
        mode: ResolveMode,
    ) -> Option<Symbol> {
        self.possible_undeclared_dependency = None;
        self.undefine_resolved_name.clear();
        if let Some(absolute) = name.strip_prefix('.') {
            return self.find_symbol(absolute);
        }
        let first_part = name.split('.').next().unwrap_or(name);
        let mut scope = relative_to.to_string();
        loop {
            let Some(dot) = scope.rfind('.') else {
                return self.find_symbol(name);
            };
            scope.truncate(dot);
            let old_size = scope.len();
            scope.push('.');
            scope.push_str(first_part);
            if let Some(result) = self.find_symbol(&scope) {
                if first_part.len() < name.len() {
                    if result.is_aggregate() {
                        scope.push_str(&name[first_part.len()..]);
                        let found = self.find_symbol(&scope);
                        if found.is_none() {
                            self.undefine_resolved_name = scope;
                        }
                        return found;
                    }
                } else if mode == ResolveMode::All || result.is_type() {
                    return Some(result);
                }
            }
            scope.truncate(old_size);
        }
    }

    /// `AddNotDefinedError`: "is not defined", or the more specific messages the last lookup prepared.
    pub fn not_defined_error(&mut self, elem: ElemId, kind: ErrorLocation, undefined: &str) {
        if self.possible_undeclared_dependency.is_none() && self.undefine_resolved_name.is_empty() {
            self.error(elem, kind, format!("\"{undefined}\" is not defined."));
            return;
        }
        if let Some((file, name)) = self.possible_undeclared_dependency.clone() {
            let other = self.pool.file(file).name.clone();
            let this = self.file_desc().name.clone();
            self.error(
                elem,
                kind,
                format!("\"{name}\" seems to be defined in \"{other}\", which is not imported by \"{this}\".  To use it here, please add the necessary import."),
            );
        }
        if !self.undefine_resolved_name.is_empty() {
            let resolved = self.undefine_resolved_name.clone();
            self.error(
                elem,
                kind,
                format!("\"{undefined}\" is resolved to \"{resolved}\", which is not defined. The innermost scope is searched first in name resolution. Consider using a leading '.'(i.e., \".{undefined}\") to start from the outermost scope."),
            );
        }
    }
}
