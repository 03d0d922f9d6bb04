//! The one error type of the dataset crate.

use crate::limits::{Limit, format_bytes, format_count};
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
    /// The column's spec name (English); empty when the whole table is at fault or
    /// the cell lies in a column the header does not name.
    pub column: String,
    /// The column's letter (A, B, …, AA) in the source, if the column exists.
    pub column_letter: Option<String>,
    /// The offending value as read.
    pub value: String,
    /// What is wrong and what would be valid.
    pub message: String,
    /// The kind of fault, for a reader that words it itself (the platform's
    /// import page says it in Chinese with the column's allowed values).
    pub problem: Problem,
}

/// The kind of fault a [`LocatedError`] is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Problem {
    /// A required value is absent.
    Missing,
    /// The value cannot be read as its column's type.
    Unreadable,
    /// Anything else: the message says what.
    #[default]
    Other,
}

impl std::fmt::Display for LocatedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.source, self.table.zh())?;
        if self.row > 0 {
            write!(f, " row {}", self.row)?;
        }
        match (&self.column_letter, self.column.is_empty()) {
            (Some(l), false) => write!(f, ", column {} [{l}]", self.column)?,
            (None, false) => write!(f, ", column {}", self.column)?,
            (Some(l), true) => write!(f, ", column {l}")?,
            (None, true) => {}
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
    /// A workbook is beyond one of the [`Limits`](crate::Limits): refused before
    /// it is opened (or, for rows a sheet does not declare, as soon as they are
    /// counted), so that a small file cannot make the reader allocate gigabytes.
    #[error("{}: the workbook is refused: {}", .path.display(), too_large(*.limit, .sheet.as_deref(), .part.as_deref(), *.found, *.max))]
    TooLarge {
        path: PathBuf,
        /// The limit exceeded.
        limit: Limit,
        /// The sheet at fault, if one is.
        sheet: Option<String>,
        /// The zip part at fault (`xl/worksheets/sheet3.xml`), if one is.
        part: Option<String>,
        /// What was found: bytes or rows.
        found: u64,
        /// The limit's value.
        max: u64,
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

fn too_large(
    limit: Limit,
    sheet: Option<&str>,
    part: Option<&str>,
    found: u64,
    max: u64,
) -> String {
    let place = match (sheet, part) {
        (Some(s), Some(p)) => format!("sheet \"{s}\" ({p})"),
        (Some(s), None) => format!("sheet \"{s}\""),
        (None, Some(p)) => format!("part {p}"),
        (None, None) => "the workbook".into(),
    };
    match limit {
        Limit::SheetBytes | Limit::WorkbookBytes => format!(
            "{place} expands to {}, beyond the limit of {} {} (Limits::{})",
            format_bytes(found),
            format_bytes(max),
            limit.per(),
            limit.field()
        ),
        Limit::Rows => format!(
            "{place} brings the table sheets to {} rows, beyond the limit of {} rows {} (Limits::{}); split the data into several workbooks or import it as CSV files",
            format_count(found),
            format_count(max),
            limit.per(),
            limit.field()
        ),
    }
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
