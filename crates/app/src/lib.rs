//! The application layer: what the platform and the CLI do that is not a page
//! and not a single store operation — screening the store and recording the
//! run ([`screening`]), the registry's scheduled steps ([`maintenance`]), and
//! which rows of an upload the caller may not write ([`import`]).
//! Pages (`web`) and commands (`zhijian`) call it; it calls `store` and
//! `screen` and owns no data of its own.

pub mod import;
pub mod maintenance;
pub mod screening;
