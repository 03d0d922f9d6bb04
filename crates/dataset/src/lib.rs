//! The evaluation dataset interchange format (../shared/spec/dataset.md): CSV
//! directories and xlsx workbooks in and out, with located errors, and the synthetic
//! province generator.
//!
//! Invariants: reading is all or nothing (any located error refuses the whole
//! dataset, up to 100 errors are reported at once); referential problems are not
//! errors but are recorded in the `Dataset` for screening; writing produces files
//! that read back to the same `Tables`.

pub mod error;
pub mod generate;
pub mod read;
pub mod schema;
pub mod write;

pub use error::{Error, LocatedError};
pub use read::{ReadOptions, read_dataset};
pub use write::{DatasetWriter, Format, write_dataset};
