//! Writing datasets: a directory of UTF-8 (with BOM, so Excel opens it right) CSV
//! files, or one xlsx workbook written in constant memory, one sheet per table.
//! Tables past the xlsx limit of 1,048,576 rows continue on sheets named
//! `TABLE (2)`, `TABLE (3)`, …, which the reader joins back.
//!
//! [`DatasetWriter`] streams: the generator appends chunk after chunk and never holds
//! the whole province.

use crate::Error;
use crate::schema::{Cell, columns, encode_rows};
use domain::model::{Table, Tables};
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
                    encode_rows(table, chunk, |cells| {
                        w.write_record(cells.iter().map(|c| c.to_text().into_owned()))
                            .map_err(|e| Error::Csv {
                                path: path.clone(),
                                source: e,
                            })
                    })?;
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
                let names = header_names(table, self.headers);
                let path = dir.join(format!("{}.csv", table.name()));
                let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
                let mut buf = BufWriter::with_capacity(1 << 20, file);
                buf.write_all("\u{feff}".as_bytes())
                    .map_err(|e| Error::io(&path, e))?;
                let mut w = csv::Writer::from_writer(buf);
                w.write_record(&names).map_err(|e| Error::Csv {
                    path: path.clone(),
                    source: e,
                })?;
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
