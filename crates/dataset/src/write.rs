//! Writing datasets: a directory of UTF-8 (with BOM, so Excel opens it right) CSV
//! files, or one xlsx workbook written in constant memory, one sheet per table.
//! Tables past the xlsx limit of 1,048,576 rows continue on sheets named
//! `TABLE (2)`, `TABLE (3)`, …, which the reader joins back.
//!
//! [`DatasetWriter`] streams: the generator appends chunk after chunk and never holds
//! the whole province.
//!
//! CSV cells cannot become formulas: a text cell that begins with `=`, `+`, `-`,
//! `@`, a tab or a carriage return (what Excel and LibreOffice read as the start of
//! a formula, OWASP's "CSV injection") is written with Excel's text marker, a
//! leading apostrophe, and so is a text cell that begins with an apostrophe itself;
//! the reader removes one leading apostrophe from every CSV text cell, so import →
//! export still reproduces the files byte for byte. Number cells (levels, scores,
//! counts, weights) are written bare: `-3` in a score column is the number −3 to
//! Excel, not a formula, and stays `-3`. xlsx cells are typed (text is written as a
//! string, never a formula), so they carry no marker.

use crate::Error;
use crate::schema::{Cell, columns, encode_rows, format_number};
use domain::model::{Table, Tables};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The interchange format on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A directory of `TABLE.csv` files.
    Csv,
    /// One `.xlsx` workbook with a sheet per table.
    Xlsx,
}

impl Format {
    /// `csv` or `xlsx`.
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// Which header row to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Headers {
    /// The spec's English column names (the default: stable for machines).
    #[default]
    English,
    /// The Chinese headers, for people.
    Chinese,
}

/// The characters that start a formula when a spreadsheet opens a CSV file, and
/// the apostrophe that marks text.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r', '\''];

/// A text value as it goes into a CSV cell: with a leading apostrophe (Excel's
/// text marker) when it would otherwise start a formula or begins with an
/// apostrophe itself. The reader removes one leading apostrophe.
pub fn formula_safe(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// A cell as CSV text: text made [`formula_safe`], numbers bare.
fn csv_cell(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Empty => "".into(),
        Cell::Text(s) => formula_safe(s),
        Cell::Number(n) => format_number(*n).into(),
    }
}

/// Starts a CSV file of `table`: the UTF-8 byte order mark (so Excel opens it as
/// UTF-8) and the header row.
fn start_csv<W: Write>(
    mut out: W,
    table: Table,
    headers: Headers,
) -> Result<csv::Writer<W>, std::io::Error> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header_names(table, headers))?;
    Ok(w)
}

/// Writes the rows of `table` to a CSV writer; `path` names it in errors.
fn write_csv_rows<W: Write>(
    w: &mut csv::Writer<W>,
    table: Table,
    tables: &Tables,
    path: &Path,
) -> Result<(), Error> {
    encode_rows(table, tables, |cells| {
        w.write_record(cells.iter().map(|c| csv_cell(c).into_owned()))
            .map_err(|e| Error::Csv {
                path: path.into(),
                source: e,
            })
    })
}

/// One table as a CSV file in memory (byte order mark, header, rows), as the
/// dataset writer writes it: for downloads such as import templates.
pub fn csv_bytes(table: Table, tables: &Tables, headers: Headers) -> Result<Vec<u8>, Error> {
    let path = PathBuf::from(format!("{}.csv", table.name()));
    let mut w = start_csv(Vec::new(), table, headers).map_err(|e| Error::io(&path, e))?;
    write_csv_rows(&mut w, table, tables, &path)?;
    w.into_inner().map_err(|e| Error::io(&path, e.into_error()))
}

/// Rows per xlsx sheet, header included (Excel's limit).
pub const XLSX_MAX_ROWS: u32 = 1_048_576;

struct SheetState {
    index: usize,
    part: u32,
    next_row: u32,
}

enum Inner {
    Csv {
        dir: PathBuf,
        files: BTreeMap<Table, (PathBuf, csv::Writer<BufWriter<File>>)>,
    },
    Xlsx {
        path: PathBuf,
        workbook: Box<rust_xlsxwriter::Workbook>,
        sheets: BTreeMap<Table, SheetState>,
    },
}

/// A streaming dataset writer.
pub struct DatasetWriter {
    inner: Inner,
    headers: Headers,
    sheet_rows: u32,
}

fn header_names(table: Table, headers: Headers) -> Vec<&'static str> {
    columns(table)
        .iter()
        .map(|c| {
            if headers == Headers::Chinese {
                c.zh
            } else {
                c.name
            }
        })
        .collect()
}

fn sheet_name(table: Table, part: u32) -> String {
    if part == 1 {
        table.name().to_string()
    } else {
        format!("{} ({part})", table.name())
    }
}

impl DatasetWriter {
    /// Creates the directory (CSV) or the workbook file's parent directory (xlsx).
    pub fn create(path: &Path, format: Format) -> Result<DatasetWriter, Error> {
        Self::create_with(path, format, Headers::English)
    }

    /// Like [`DatasetWriter::create`], choosing the header row.
    pub fn create_with(
        path: &Path,
        format: Format,
        headers: Headers,
    ) -> Result<DatasetWriter, Error> {
        let inner = match format {
            Format::Csv => {
                std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
                Inner::Csv {
                    dir: path.to_path_buf(),
                    files: BTreeMap::new(),
                }
            }
            Format::Xlsx => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                }
                Inner::Xlsx {
                    path: path.to_path_buf(),
                    workbook: Box::new(rust_xlsxwriter::Workbook::new()),
                    sheets: BTreeMap::new(),
                }
            }
        };
        Ok(DatasetWriter {
            inner,
            headers,
            sheet_rows: XLSX_MAX_ROWS,
        })
    }

    /// Lowers the rows per sheet (header included), so that tests can exercise sheet
    /// splitting without writing a million rows.
    #[doc(hidden)]
    pub fn set_sheet_rows(&mut self, rows: u32) {
        self.sheet_rows = rows.max(2);
    }

    /// Appends every table of `chunk` that is present or has rows. The header is
    /// written the first time a table is seen; `meta` is written once.
    pub fn append(&mut self, chunk: &Tables) -> Result<(), Error> {
        for table in Table::ALL {
            if !(chunk.present.contains(&table) || chunk.len(table) > 0) {
                continue;
            }
            if table == Table::Meta && self.has(Table::Meta) {
                continue;
            }
            self.open(table)?;
            match &mut self.inner {
                Inner::Csv { files, .. } => {
                    let (path, w) = files.get_mut(&table).expect("opened");
                    write_csv_rows(w, table, chunk, path)?;
                }
                Inner::Xlsx {
                    path,
                    workbook,
                    sheets,
                } => {
                    let headers = self.headers;
                    let limit = self.sheet_rows;
                    encode_rows(table, chunk, |cells| {
                        let state = sheets.get_mut(&table).expect("opened");
                        if state.next_row >= limit {
                            state.part += 1;
                            state.index =
                                new_sheet(workbook, table, state.part, headers).map_err(|e| {
                                    Error::XlsxWrite {
                                        path: path.clone(),
                                        source: e,
                                    }
                                })?;
                            state.next_row = 1;
                        }
                        let ws = workbook.worksheet_from_index(state.index).map_err(|e| {
                            Error::XlsxWrite {
                                path: path.clone(),
                                source: e,
                            }
                        })?;
                        write_xlsx_row(ws, state.next_row, cells).map_err(|e| {
                            Error::XlsxWrite {
                                path: path.clone(),
                                source: e,
                            }
                        })?;
                        state.next_row += 1;
                        Ok(())
                    })?;
                }
            }
        }
        Ok(())
    }

    fn has(&self, table: Table) -> bool {
        match &self.inner {
            Inner::Csv { files, .. } => files.contains_key(&table),
            Inner::Xlsx { sheets, .. } => sheets.contains_key(&table),
        }
    }

    fn open(&mut self, table: Table) -> Result<(), Error> {
        if self.has(table) {
            return Ok(());
        }
        match &mut self.inner {
            Inner::Csv { dir, files } => {
                let path = dir.join(format!("{}.csv", table.name()));
                let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
                let w = start_csv(BufWriter::with_capacity(1 << 20, file), table, self.headers)
                    .map_err(|e| Error::io(&path, e))?;
                files.insert(table, (path, w));
            }
            Inner::Xlsx {
                path,
                workbook,
                sheets,
            } => {
                let index =
                    new_sheet(workbook, table, 1, self.headers).map_err(|e| Error::XlsxWrite {
                        path: path.clone(),
                        source: e,
                    })?;
                sheets.insert(
                    table,
                    SheetState {
                        index,
                        part: 1,
                        next_row: 1,
                    },
                );
            }
        }
        Ok(())
    }

    /// Adds a sheet of plain text to a workbook (the first row bold, columns of the
    /// given widths in characters), such as the notes of an import template. It is
    /// not a table: the reader skips it. CSV has no sheets, so it is an error there.
    pub fn add_text_sheet(
        &mut self,
        name: &str,
        rows: &[Vec<String>],
        widths: &[f64],
    ) -> Result<(), Error> {
        let Inner::Xlsx { path, workbook, .. } = &mut self.inner else {
            return Err(Error::NotADataset {
                path: name.into(),
                message: "a CSV dataset has no sheets besides its tables".into(),
            });
        };
        let xerr = |e| Error::XlsxWrite {
            path: path.clone(),
            source: e,
        };
        let ws = workbook.add_worksheet();
        ws.set_name(name).map_err(xerr)?;
        for (col, width) in widths.iter().enumerate() {
            ws.set_column_width(col as u16, *width).map_err(xerr)?;
        }
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let wrap = rust_xlsxwriter::Format::new().set_text_wrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                let format = if r == 0 { &bold } else { &wrap };
                ws.write_string_with_format(r as u32, c as u16, text, format)
                    .map_err(xerr)?;
            }
        }
        Ok(())
    }

    /// Flushes and closes every file.
    pub fn finish(self) -> Result<(), Error> {
        match self.inner {
            Inner::Csv { files, .. } => {
                for (_, (path, mut w)) in files {
                    w.flush().map_err(|e| Error::io(&path, e))?;
                }
            }
            Inner::Xlsx {
                path, mut workbook, ..
            } => {
                workbook.save(&path).map_err(|e| Error::XlsxWrite {
                    path: path.clone(),
                    source: e,
                })?;
            }
        }
        Ok(())
    }
}

/// Adds a constant-memory sheet for `table` (part `part`) with its header row; returns its index.
fn new_sheet(
    workbook: &mut rust_xlsxwriter::Workbook,
    table: Table,
    part: u32,
    headers: Headers,
) -> Result<usize, rust_xlsxwriter::XlsxError> {
    let ws = workbook.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet_name(table, part))?;
    let header: Vec<Cell> = header_names(table, headers)
        .into_iter()
        .map(|h| Cell::Text(h.into()))
        .collect();
    write_xlsx_row(ws, 0, &header)?;
    Ok(workbook.worksheets().len() - 1)
}

fn write_xlsx_row(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    cells: &[Cell],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (col, cell) in cells.iter().enumerate() {
        let col = col as u16;
        match cell {
            Cell::Empty => {}
            Cell::Text(s) => {
                ws.write_string(row, col, s)?;
            }
            Cell::Number(n) => {
                ws.write_number(row, col, *n)?;
            }
        }
    }
    Ok(())
}

/// Writes a whole dataset at once.
pub fn write_dataset(tables: &Tables, path: &Path, format: Format) -> Result<(), Error> {
    let mut w = DatasetWriter::create(path, format)?;
    w.append(tables)?;
    w.finish()
}
