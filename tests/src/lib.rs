//! Shared helpers for the end-to-end tests.

pub mod cache;
pub mod compare;
pub mod corpus;
pub mod distribution;
pub mod example;
pub mod imports;
pub mod mypy_protobuf;
pub mod oracle;
pub mod parity;
pub mod plugin;
pub mod provision;
pub mod pygen;
pub mod reference;
pub mod standalone;
pub mod toolchains;
pub mod typed_parity;
pub mod uv;
pub mod uvlock_case;
pub mod uvlock_projects;
