//! The pure core: (service pyproject, lock, local package pyproject, target form) → new pyproject and lock
//! texts, or a refusal with an error code. No I/O here.
//!
//! Phases: [`validate`] reads and checks the inputs; [`to_path`] or [`to_registry`] computes the switch (the
//! dependency's new lock entry, its pyproject form, how the project's own requirement entries change); [`finish`]
//! applies it (rewrite entries, retarget edges, prune, reachability, write).

mod finish;
mod python;
mod sdk;
mod to_path;
mod to_registry;
mod validate;

use crate::error::Result;
use crate::lock::{Package, Requirement};
use crate::pyproject::SourceForm;

/// The form to switch to (the CLI's `--to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    Editable,
    Directory,
    Registry,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Editable => "editable",
            Target::Directory => "directory",
            Target::Registry => "registry",
        }
    }
}

/// Everything the plan needs, already read from disk.
pub struct Inputs<'a> {
    /// Display label of the service directory (used in messages).
    pub service: &'a str,
    pub pyproject: &'a str,
    pub lock: &'a str,
    /// The dependency name (any spelling; normalized here).
    pub name: &'a str,
    pub target: Target,
    /// Label and text of the local package's pyproject.
    pub local: (&'a str, &'a str),
    /// The local package directory relative to the service directory (normalized, `/`-separated).
    pub rel_path: &'a str,
    /// Label and text of the reference registry lock (`--from`).
    pub reference: Option<(&'a str, &'a str)>,
}

/// The outcome: the texts to write (equal to the inputs when nothing changes) and what changed.
#[derive(Debug, Clone)]
pub struct Plan {
    pub pyproject: String,
    pub lock: String,
    pub notes: Vec<String>,
}

/// Rewrites one of the project's own requirement entries on the dependency, given where it is: `None` in
/// `requires-dist`, the group's name in `requires-dev`.
type EntryRewrite = Box<dyn Fn(Option<&str>, &Requirement) -> Result<Requirement>>;

/// What a switch changes, before it is applied to the lock.
struct Switch {
    /// The dependency's new `[[package]]` entry.
    package: Package,
    /// Its new `[tool.uv.sources]` form in the service pyproject.
    form: SourceForm,
    /// How the project's requirement entries on it change.
    entries: EntryRewrite,
    /// Packages copied from the reference lock (reverse switch).
    added: Vec<Package>,
    notes: Vec<String>,
}

/// Computes the switch for one service.
pub fn plan(inputs: &Inputs) -> Result<Plan> {
    let ctx = validate::Context::load(inputs)?;
    let switch = match inputs.target {
        Target::Editable | Target::Directory => to_path::switch(&ctx, inputs)?,
        Target::Registry => match to_registry::switch(&ctx, inputs)? {
            Some(switch) => switch,
            None => {
                return Ok(Plan {
                    pyproject: inputs.pyproject.to_string(),
                    lock: inputs.lock.to_string(),
                    notes: Vec::new(),
                })
            }
        },
    };
    finish::apply(ctx, switch, inputs)
}
