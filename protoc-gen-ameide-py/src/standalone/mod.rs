//! The standalone command line (`generate`, `check`): everything the binary does besides being a plugin. It
//! builds the requests protoc or buf would send ([`compile`]) for the files a [`plan`] names (from
//! `buf.gen.yaml` via [`bufconfig`], or the command line via [`inputs`]), runs the plugin core on them in
//! memory ([`generate`]), then writes ([`write`]) or compares ([`check`]) the results.
//!
//! `imports` checks hand-written Python against the same prefix mapping ([`imports`], walking [`pysources`]).
//!
//! The plugin core (the crate root) knows nothing of this tree.

pub mod bufconfig;
pub mod check;
pub mod cli;
pub mod compile;
pub mod error;
pub mod generate;
pub mod imports;
pub mod inputs;
pub mod plan;
pub mod pysources;
pub mod timing;
pub mod write;

pub use error::StandaloneError;
pub use generate::{generate_outputs, Generated};
pub use plan::{Job, JobOutput, Plan};
pub use write::write_outputs;
