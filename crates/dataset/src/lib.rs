//! The evaluation dataset interchange format (../shared/spec/dataset.md): CSV
//! directories and xlsx workbooks in and out, with located errors, and the synthetic
//! province generator.
//!
//! Invariants: reading is all or nothing (any located error refuses the whole
//! dataset, up to 100 errors are reported at once); referential problems are not
//! errors but are recorded in the `Dataset` for screening; writing produces files
//! that read back to the same `Tables`; a CSV file is text in one encoding, and
//! its bytes are never replaced or decoded a second way; a CSV cell never starts a
//! spreadsheet formula; a workbook is refused before it is opened if it is beyond
//! the [`Limits`].

pub mod encoding;
pub mod error;
pub mod generate;
pub mod limits;
pub mod read;
pub mod schema;
pub mod template;
#[doc(hidden)]
pub mod testing;
pub mod write;

pub use error::{Error, LocatedError, Problem};
pub use limits::{Limit, Limits};
pub use read::{ReadOptions, read_dataset};
pub use write::{DatasetWriter, Format, write_dataset};
