//! uvlock-tool: switch uv-managed services between the registry form of a dependency and a local path
//! (editable or directory) source, offline, writing `pyproject.toml` and `uv.lock` exactly as uv 0.13.9 would.
//!
//! Data flow: [`pyproject`] (toml_edit, format-preserving) and [`lock`] (typed model + uv's writer) feed the pure
//! [`plan`], whose result is checked ([`diff`]) or written atomically ([`fsio`]). [`cli`] ties them together.

pub mod cli;
pub use cli_text::color;
pub mod diff;
pub mod error;
pub mod fsio;
pub mod lock;
pub mod marker;
pub mod pep508;
pub mod plan;
pub mod pyproject;
