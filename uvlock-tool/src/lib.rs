//! uvlock-tool
