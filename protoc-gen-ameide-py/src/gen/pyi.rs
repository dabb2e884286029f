//! Placeholder: being written.

use super::{FileContext, GenerateError};

pub fn generate(ctx: &FileContext) -> Result<String, GenerateError> {
    Err(GenerateError::NotYetImplemented(format!("{}: pyi output", ctx.name())))
}
