//! The one error type of the dataset crate.

use domain::model::Table;
use std::path::PathBuf;

/// How many located errors one read reports at most; the count of all is kept.
pub const MAX_REPORTED: usize = 100;

/// A malformed value, located where a person can find it: file (or sheet), row as
/// numbered in a spreadsheet (the header is row 1), column header and letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedError {
    /// The CSV file name or the xlsx sheet name.
    pub source: String,
    /// The table.
    pub table: Table,
    /// Row number as a spreadsheet shows it (header = 1); 0 when the whole table is at fault.
    pub row: usize,
    /// The column's spec name (English), or empty when the whole table is at fault.
    pub column: String,
    /// The column's letter (A, B, …, AA) in the source, if the column exists.
    pub column_letter: Option<String>,
    /// The offending value as read.
    pub value: String,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl std::fmt::Display for LocatedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.source, self.table.zh())?;
        if self.row > 0 {
            write!(f, " row {}", self.row)?;
        }
        if !self.column.is_empty() {
            write!(f, ", column {}", self.column)?;
            if let Some(l) = &self.column_letter {
                write!(f, " [{l}]")?;
            }
        }
        if !self.value.is_empty() {
            write!(f, ", value \"{}\"", self.value)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything that can go wrong reading or writing a dataset.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The dataset has malformed values; nothing was loaded.
    #[error("{} error(s) in the dataset, nothing was loaded{}:\n{}", .total, if *.total > .errors.len() { format!(" (the first {} are listed)", .errors.len()) } else { String::new() }, .errors.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// Up to [`MAX_REPORTED`] errors, in table and row order.
        errors: Vec<LocatedError>,
        /// How many errors there were in all.
        total: usize,
    },
    /// The path is not a dataset directory or workbook.
    #[error("{path}: {message}")]
    NotADataset { path: PathBuf, message: String },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A CSV file is not well-formed (unbalanced quotes and the like).
    #[error("{path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    /// An xlsx workbook could not be read.
    #[error("{path}: cannot read the workbook: {message}")]
    XlsxRead { path: PathBuf, message: String },
    /// An xlsx workbook could not be written.
    #[error("{path}: cannot write the workbook: {source}")]
    XlsxWrite {
        path: PathBuf,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    /// Labels or other JSON could not be written.
    #[error("{path}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    /// Wraps an IO error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<std::io::Error> for Error {
    /// For IO errors whose path the caller does not know; prefer [`Error::io`].
    fn from(source: std::io::Error) -> Self {
        Error::Io {
            path: PathBuf::from("(output)"),
            source,
        }
    }
}
