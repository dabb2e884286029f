//! File-level checks of `ValidateOptions(FileDescriptor)`: lite imports, option and weak imports by edition.

use crate::edition::Edition;
use crate::ir::ErrorLocation;
use crate::pool::builder::Builder;

/// `optimize_for = LITE_RUNTIME` (FileOptions field 9, value 3).
pub fn is_lite(b: &Builder<'_>, file: crate::pool::FileId) -> bool {
    let options = &b.pool.file(file).options;
    options.present && options.msg.get_varint(9) == Some(3)
}

/// A non-lite file may not import a lite one (the first such import is reported).
pub fn validate_lite_imports(b: &mut Builder<'_>) {
    if is_lite(b, b.file) {
        return;
    }
    let deps: Vec<_> = b
        .file_desc()
        .dependencies
        .iter()
        .flatten()
        .copied()
        .collect();
    for dep in deps {
        if is_lite(b, dep) {
            let name = b.pool.file(dep).name.clone();
            b.import_error(
                name.as_bytes(),
                format!("Files that do not use optimize_for = LITE_RUNTIME cannot import files which do use this option.  This file is not lite, but it imports \"{name}\" which is."),
            );
            break;
        }
    }
}

/// `import option` before edition 2024, `import weak` from 2024 on.
pub fn validate_import_kinds(b: &mut Builder<'_>) {
    if b.edition < Edition::E2024 && !b.file_desc().option_dependencies.is_empty() {
        b.import_error(
            b"option",
            "option imports are not supported before edition 2024.",
        );
    }
    if b.edition >= Edition::E2024 && !b.file_desc().weak_dependencies.is_empty() {
        b.import_error(
            b"weak",
            "weak imports are not allowed under edition 2024 and beyond.",
        );
    }
    let _ = ErrorLocation::Import;
}
