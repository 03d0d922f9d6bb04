//! The integration tests of the binary (one test binary for the crate): the
//! commands as a user runs them, and the store conformance suite.

mod cases;
mod commands;
mod common;
mod registry;
mod store;
mod workdays;
