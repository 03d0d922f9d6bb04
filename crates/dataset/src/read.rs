//! Reading datasets: a directory of CSV files or one xlsx workbook, English or
//! Chinese headers, UTF-8 (with or without BOM) or GB18030 text.
//!
//! All or nothing: every row of every table is decoded, every malformed value is
//! located (file, row, column, value, what would be valid), and if there is any,
//! the whole dataset is refused with the first [`MAX_REPORTED`] of them. CSV tables
//! are decoded in parallel, one table per thread.

use crate::Error;
use crate::error::{LocatedError, MAX_REPORTED};
use crate::schema::{RowSource, column_index, columns, decode_into, format_number, move_table};
use domain::model::{Dataset, Table, Tables};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Progress reporting: called with (bytes or cells done, total).
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// How to read.
#[derive(Default, Clone, Copy)]
pub struct ReadOptions<'a> {
    /// Called now and then with (work done, total work).
    pub progress: Option<Progress<'a>>,
}

/// A dataset that was read, with what is worth telling the reader but is not an error.
#[derive(Debug)]
pub struct Loaded {
    /// The validated, indexed dataset.
    pub dataset: Dataset,
    /// Non-fatal remarks: unknown columns and files ignored, occupation codes not in
    /// the 2022 大典.
    pub warnings: Vec<String>,
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Errors of one table, capped, with the total count.
#[derive(Default)]
struct Errors {
    list: Vec<LocatedError>,
    total: usize,
}

impl Errors {
    fn push(&mut self, e: LocatedError) {
        self.total += 1;
        if self.list.len() < MAX_REPORTED {
            self.list.push(e);
        }
    }
}

/// The header of one table source: spec column → source position.
struct HeaderMap {
    positions: Vec<Option<usize>>,
}

/// Reads a header row; records errors for missing required columns and duplicate
/// columns, warnings for unknown ones.
fn map_header(
    table: Table,
    source: &str,
    header: &[String],
    errors: &mut Errors,
    warnings: &mut Vec<String>,
) -> HeaderMap {
    let cols = columns(table);
    let mut positions = vec![None; cols.len()];
    for (pos, h) in header.iter().enumerate() {
        match column_index(table, h) {
            Some(i) if positions[i].is_some() => errors.push(LocatedError {
                source: source.into(),
                table,
                row: 1,
                column: cols[i].name.into(),
                column_letter: Some(column_letter(pos)),
                value: h.trim().into(),
                message: format!("column {} appears twice", cols[i].name),
            }),
            Some(i) => positions[i] = Some(pos),
            None if h.trim().trim_start_matches('\u{feff}').is_empty() => {}
            None => warnings.push(format!("{source}: unknown column \"{}\" ignored", h.trim())),
        }
    }
    for (i, c) in cols.iter().enumerate() {
        if c.required && positions[i].is_none() {
            let valid: Vec<String> = cols
                .iter()
                .map(|c| format!("{} [{}]", c.name, c.zh))
                .collect();
            errors.push(LocatedError {
                source: source.into(),
                table,
                row: 1,
                column: c.name.into(),
                column_letter: None,
                value: String::new(),
                message: format!(
                    "required column {} [{}] is missing; the columns of {} are: {}",
                    c.name,
                    c.zh,
                    table.name(),
                    valid.join(", ")
                ),
            });
        }
    }
    HeaderMap { positions }
}

/// The cells of one source row, by position.
trait Cells {
    fn cell(&self, pos: usize) -> Option<&str>;
    fn count(&self) -> usize;
    fn is_blank(&self) -> bool {
        (0..self.count()).all(|p| self.cell(p).is_none_or(|t| t.trim().is_empty()))
    }
}

impl Cells for csv::StringRecord {
    fn cell(&self, pos: usize) -> Option<&str> {
        self.get(pos)
    }
    fn count(&self) -> usize {
        self.len()
    }
}

impl Cells for Vec<Option<String>> {
    fn cell(&self, pos: usize) -> Option<&str> {
        self.get(pos)?.as_deref()
    }
    fn count(&self) -> usize {
        self.len()
    }
}

/// One row being decoded: its cells, where it is, and where errors go.
struct Row<'a> {
    table: Table,
    source: &'a str,
    row: usize,
    header: &'a HeaderMap,
    cells: &'a dyn Cells,
    errors: &'a mut Errors,
}

impl RowSource for Row<'_> {
    fn text(&self, i: usize) -> Option<&str> {
        let pos = self.header.positions[i]?;
        self.cells
            .cell(pos)
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }

    fn error(&mut self, i: usize, value: &str, message: String) {
        self.errors.push(LocatedError {
            source: self.source.into(),
            table: self.table,
            row: self.row,
            column: columns(self.table)[i].name.into(),
            column_letter: self.header.positions[i].map(column_letter),
            value: value.into(),
            message,
        });
    }
}

/// What decoding one table produced.
struct TablePart {
    table: Table,
    tables: Tables,
    errors: Errors,
    warnings: Vec<String>,
}

/// Decodes rows given as cell vectors (row numbers as in the sheet) into a part.
struct Decoder<'a> {
    table: Table,
    source: &'a str,
    header: HeaderMap,
    part: TablePart,
    rows_seen: usize,
}

impl<'a> Decoder<'a> {
    fn new(table: Table, source: &'a str, header: &[String]) -> Self {
        let mut errors = Errors::default();
        let mut warnings = Vec::new();
        let header = map_header(table, source, header, &mut errors, &mut warnings);
        Decoder {
            table,
            source,
            header,
            part: TablePart {
                table,
                tables: Tables::default(),
                errors,
                warnings,
            },
            rows_seen: 0,
        }
    }

    fn row(&mut self, row: usize, cells: &dyn Cells) {
        if cells.is_blank() {
            return; // blank lines are not rows
        }
        self.rows_seen += 1;
        if self.table == Table::Meta && self.rows_seen > 1 {
            self.part.errors.push(LocatedError {
                source: self.source.into(),
                table: self.table,
                row,
                column: String::new(),
                column_letter: None,
                value: String::new(),
                message: "meta has exactly one row".into(),
            });
            return;
        }
        if self.part.errors.total > 0 && self.header_failed() {
            return; // a missing required column already refuses the table: don't repeat it per row
        }
        let mut src = Row {
            table: self.table,
            source: self.source,
            row,
            header: &self.header,
            cells,
            errors: &mut self.part.errors,
        };
        decode_into(self.table, &mut src, &mut self.part.tables);
    }

    fn header_failed(&self) -> bool {
        self.part.errors.list.iter().any(|e| e.row == 1)
    }

    fn finish(mut self) -> TablePart {
        self.part.tables.present.insert(self.table);
        self.part
    }
}

/// Reads a dataset directory (CSV) or workbook (.xlsx, .xls, .ods).
pub fn read_dataset(path: &Path, options: &ReadOptions<'_>) -> Result<Loaded, Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let parts = if meta.is_dir() {
        read_csv_dir(path, options)?
    } else {
        read_workbook(path, options)?
    };
    assemble(path, parts)
}

fn assemble(path: &Path, parts: Vec<TablePart>) -> Result<Loaded, Error> {
    if parts.is_empty() {
        let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
        return Err(Error::NotADataset {
            path: path.into(),
            message: format!(
                "no table found; expected files or sheets named {}",
                names.join(", ")
            ),
        });
    }
    let mut tables = Tables::default();
    let mut errors = Vec::new();
    let mut total = 0;
    let mut warnings = Vec::new();
    let mut parts = parts;
    parts.sort_by_key(|p| p.table);
    for mut p in parts {
        total += p.errors.total;
        errors.append(&mut p.errors.list);
        warnings.append(&mut p.warnings);
        move_table(p.table, &mut p.tables, &mut tables);
    }
    if total > 0 {
        errors.truncate(MAX_REPORTED);
        return Err(Error::Invalid { errors, total });
    }
    let dataset = Dataset::new(tables).map_err(|dups| {
        let total = dups.len();
        let errors = dups
            .into_iter()
            .take(MAX_REPORTED)
            .map(|d| LocatedError {
                source: d.table.name().into(),
                table: d.table,
                row: d.index + 2,
                column: d.column.into(),
                column_letter: None,
                value: d.value,
                message: "duplicate key: an earlier row has the same value".into(),
            })
            .collect();
        Error::Invalid { errors, total }
    })?;
    warnings.extend(unknown_occupations(&dataset));
    Ok(Loaded { dataset, warnings })
}

/// Occupation codes that are not in the shipped 2022 大典: a warning each, not an error
/// (new occupations are published between editions).
fn unknown_occupations(ds: &Dataset) -> Vec<String> {
    let cat = domain::occupation::catalogue();
    let t = &ds.tables;
    let mut seen = std::collections::BTreeMap::<String, (Table, usize)>::new();
    let mut note = |table: Table, code: &domain::OccupationCode| {
        if cat.lookup(code).is_none() {
            seen.entry(code.to_string()).or_insert((table, 0)).1 += 1;
        }
    };
    t.scopes
        .iter()
        .for_each(|r| note(Table::Scopes, &r.occupation_code));
    t.batches
        .iter()
        .for_each(|r| note(Table::Batches, &r.occupation_code));
    t.certificates
        .iter()
        .for_each(|r| note(Table::Certificates, &r.occupation_code));
    t.personnel
        .iter()
        .filter_map(|r| r.occupation_code.as_ref())
        .for_each(|c| note(Table::Personnel, c));
    seen.into_iter()
        .map(|(code, (table, n))| {
            format!(
                "occupation code {code} ({n} row(s), first in {}) is not in the 2022 职业分类大典",
                table.name()
            )
        })
        .collect()
}

/// Decodes bytes as UTF-8 (BOM stripped) or, failing that, GB18030 (what Excel
/// writes for Chinese CSVs on Windows).
fn decode_text(bytes: Vec<u8>) -> String {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let (text, _, _) = encoding_rs::GB18030.decode(e.as_bytes());
            text.into_owned()
        }
    }
}

fn table_of_file(path: &Path) -> Option<Table> {
    let name = path.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(".csv")
        .or_else(|| name.strip_suffix(".CSV"))?;
    Table::from_name(stem)
}

fn read_csv_dir(dir: &Path, options: &ReadOptions<'_>) -> Result<Vec<TablePart>, Error> {
    let mut files: Vec<(Table, PathBuf, u64)> = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut ignored = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        match table_of_file(&path) {
            Some(t) => {
                if let Some((_, other, _)) = files.iter().find(|(x, _, _)| *x == t) {
                    return Err(Error::NotADataset {
                        path: dir.into(),
                        message: format!(
                            "{} and {} both hold table {}",
                            other.display(),
                            path.display(),
                            t.name()
                        ),
                    });
                }
                let len = entry.metadata().map_err(|e| Error::io(&path, e))?.len();
                files.push((t, path, len));
            }
            None if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv")) =>
            {
                ignored.push(format!(
                    "{}: not a table of the dataset format, ignored",
                    path.display()
                ))
            }
            None => {}
        }
    }
    let total: u64 = files.iter().map(|f| f.2).sum::<u64>().max(1);
    let done = AtomicU64::new(0);
    // Largest first, so that the big tables start early on the two cores.
    files.sort_by_key(|f| std::cmp::Reverse(f.2));
    let mut parts = files
        .par_iter()
        .map(|(table, path, _)| read_csv_table(*table, path, options, &done, total))
        .collect::<Result<Vec<_>, Error>>()?;
    if let Some(first) = parts.first_mut() {
        first.warnings.extend(ignored);
    }
    Ok(parts)
}

fn read_csv_table(
    table: Table,
    path: &Path,
    options: &ReadOptions<'_>,
    done: &AtomicU64,
    total: u64,
) -> Result<TablePart, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = decode_text(bytes);
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let csv_err = |e| Error::Csv {
        path: path.into(),
        source: e,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    if !reader.read_record(&mut record).map_err(csv_err)? {
        let mut d = Decoder::new(table, &source, &[]);
        d.part.errors = Errors::default(); // an empty file is an empty table
        return Ok(d.finish());
    }
    let header: Vec<String> = record.iter().map(str::to_owned).collect();
    let mut decoder = Decoder::new(table, &source, &header);
    let mut last_report = 0u64;
    let mut index = 0usize;
    while reader.read_record(&mut record).map_err(csv_err)? {
        index += 1;
        // Row numbers as a spreadsheet shows them: the header is row 1.
        decoder.row(index + 1, &record);
        if let Some(progress) = options.progress {
            let pos = record.position().map_or(0, |p| p.byte());
            if pos - last_report > (4 << 20) {
                let d = done.fetch_add(pos - last_report, Ordering::Relaxed) + pos - last_report;
                last_report = pos;
                progress(d, total);
            }
        }
    }
    if let Some(progress) = options.progress {
        let rest = (text.len() as u64).saturating_sub(last_report);
        progress(done.fetch_add(rest, Ordering::Relaxed) + rest, total);
    }
    Ok(decoder.finish())
}

/// A sheet name → (table, part number). `enrollments`, `参评人员`, `enrollments (2)`.
fn table_of_sheet(name: &str) -> Option<(Table, u32)> {
    let n = name.trim();
    if let Some((base, rest)) = n.rsplit_once(" (")
        && let Some(num) = rest.strip_suffix(')')
        && let Ok(part) = num.parse::<u32>()
    {
        return Table::from_name(base.trim()).map(|t| (t, part));
    }
    Table::from_name(n).map(|t| (t, 1))
}

/// A cell's value as the text the decoders parse.
fn cell_text(cell: &calamine::Data) -> Option<String> {
    use calamine::Data;
    match cell {
        Data::Empty => None,
        Data::String(s) => Some(s.clone()),
        Data::Float(f) => Some(format_number(*f)),
        Data::Int(i) => Some(i.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) if d.time() == chrono::NaiveTime::MIN => Some(d.format("%Y-%m-%d").to_string()),
            Some(d) => Some(d.format("%Y-%m-%d %H:%M:%S").to_string()),
            None => Some(dt.as_f64().to_string()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => Some(format!("#{e:?}")),
    }
}

fn read_workbook(path: &Path, options: &ReadOptions<'_>) -> Result<Vec<TablePart>, Error> {
    use calamine::Reader;
    let xerr = |m: String| Error::XlsxRead {
        path: path.into(),
        message: m,
    };
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| xerr(e.to_string()))?;
    let mut sheets: Vec<(Table, u32, String)> = Vec::new();
    let mut ignored = Vec::new();
    for name in wb.sheet_names() {
        match table_of_sheet(&name) {
            Some((t, part)) => sheets.push((t, part, name)),
            None => ignored.push(format!(
                "sheet \"{name}\" is not a table of the dataset format, ignored"
            )),
        }
    }
    sheets.sort_by_key(|(t, part, _)| (*t, *part));
    let total = sheets.len() as u64;
    let mut parts: Vec<TablePart> = Vec::new();
    let mut current: Option<Decoder<'_>> = None;
    let names: Vec<String> = sheets.iter().map(|s| s.2.clone()).collect();
    for (i, (table, part, _)) in sheets.iter().enumerate() {
        let name = &names[i];
        let range = wb
            .worksheet_range(name)
            .map_err(|e| xerr(format!("sheet {name}: {e}")))?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut rows = range.rows();
        let header: Vec<String> = match rows.next() {
            Some(r) => {
                let mut h = vec![String::new(); col0 as usize];
                h.extend(r.iter().map(|c| cell_text(c).unwrap_or_default()));
                h
            }
            None => Vec::new(),
        };
        let continues = current.as_ref().is_some_and(|d| d.table == *table) && *part > 1;
        if !continues {
            if let Some(d) = current.take() {
                parts.push(d.finish());
            }
            current = Some(if header.is_empty() {
                let mut d = Decoder::new(*table, name, &[]);
                d.part.errors = Errors::default();
                d
            } else {
                Decoder::new(*table, name, &header)
            });
        }
        let decoder = current.as_mut().expect("set above");
        decoder.source = name;
        let mut cells: Vec<Option<String>> = Vec::new();
        for (j, r) in rows.enumerate() {
            cells.clear();
            cells.extend(std::iter::repeat_n(None, col0 as usize));
            cells.extend(r.iter().map(cell_text));
            decoder.row(row0 as usize + j + 2, &cells);
        }
        if let Some(progress) = options.progress {
            progress(i as u64 + 1, total);
        }
    }
    if let Some(d) = current.take() {
        parts.push(d.finish());
    }
    if let Some(first) = parts.first_mut() {
        first.warnings.extend(ignored);
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn sheet_names_map_to_tables() {
        assert_eq!(table_of_sheet("enrollments"), Some((Table::Enrollments, 1)));
        assert_eq!(table_of_sheet("参评人员"), Some((Table::Enrollments, 1)));
        assert_eq!(
            table_of_sheet("enrollments (3)"),
            Some((Table::Enrollments, 3))
        );
        assert_eq!(table_of_sheet("Sheet1"), None);
    }

    #[test]
    fn gb18030_text_is_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("机构编码,机构名称\n");
        assert_eq!(decode_text(bytes.into_owned()), "机构编码,机构名称\n");
        assert_eq!(decode_text(b"\xEF\xBB\xBFa,b".to_vec()), "a,b");
    }
}
