//! The local package's `requires-python` against the lock's.

use crate::error::{Error, InputKind, Refusal, Result};
use crate::lock::Lock;
use crate::marker::PyRange;
use crate::pep508::{parse_requirement, parse_version};
use crate::pyproject::LocalPackage;

/// The lock's `requires-python` as a range, when this tool can read it.
pub(super) fn lock_range(lock: &Lock) -> Option<PyRange> {
    PyRange::parse(&lock.requires_python)
}

/// uv accepts the local package when the lower bound of the lock's range satisfies the package's lower-bound
/// specifiers (upper bounds are not compared).
pub(super) fn check(local: &LocalPackage, lock: &Lock, label: &str) -> Result<()> {
    let Some(rp) = &local.requires_python else {
        return Ok(());
    };
    let req = parse_requirement(&format!("python{rp}")).map_err(|e| {
        Error::input(
            InputKind::Schema,
            format!("{label}: invalid requires-python: {e}"),
        )
    })?;
    let range = lock_range(lock).ok_or_else(|| {
        Error::refuse(
            Refusal::RequiresPython,
            format!(
                "{} requires Python `{rp}`, and the lock's requires-python `{}` is not a range this tool can compare",
                local.name, lock.requires_python
            ),
        )
    })?;
    let lower_text = range
        .lower
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".");
    let lower = parse_version(&lower_text).ok_or_else(|| {
        Error::input(
            InputKind::Schema,
            format!("invalid lock requires-python `{}`", lock.requires_python),
        )
    })?;
    for spec in &req.specifiers {
        use pep440_rs::Operator::*;
        let ok = match spec.operator() {
            GreaterThanEqual | GreaterThan | TildeEqual | NotEqual | NotEqualStar => {
                spec.contains(&lower)
            }
            LessThan | LessThanEqual => true,
            _ => false,
        };
        if !ok {
            return Err(Error::refuse(
                Refusal::RequiresPython,
                format!(
                    "{} requires Python `{rp}`, but the lock targets `{}`",
                    local.name, lock.requires_python
                ),
            ));
        }
    }
    Ok(())
}
