//! Reading datasets: a directory of CSV files or one xlsx workbook, English or
//! Chinese headers, UTF-8 (with or without BOM) or GB18030 text.
//!
//! All or nothing: every row of every table is decoded, every malformed value is
//! located (file, row, column, value, what would be valid), and if there is any,
//! the whole dataset is refused with the first [`MAX_REPORTED`] of them. CSV tables
//! are decoded in parallel, one table per thread.
//!
//! Before a value reaches its decoder:
//! - a CSV file is text in one encoding ([`crate::encoding`]): bytes that are not
//!   valid in it are a located error, never replaced or decoded another way;
//! - one leading apostrophe of a CSV cell is removed: it is Excel's text marker,
//!   which the writer puts before text that would start a formula (and before text
//!   that starts with an apostrophe), see [`crate::write::formula_safe`];
//! - a value in a column the header does not name (beyond the header, or under an
//!   empty header cell) is a located error, not dropped; so is a control character
//!   other than tab and line breaks (a NUL byte, say) anywhere in a cell.
//!
//! Workbooks are checked against [`Limits`] before they are opened
//! ([`crate::limits`]), and their sheets are streamed cell by cell, never held whole.

use crate::Error;
use crate::encoding::{self, Choice};
use crate::error::{LocatedError, MAX_REPORTED, Problem};
use crate::limits::{Limit, Limits};
use crate::schema::{RowSource, column_index, columns, decode_into, format_number, move_table};
use domain::model::{Dataset, Institution, Table, Tables};
use rayon::prelude::*;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Progress reporting: called with (bytes or cells done, total).
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// How to read.
#[derive(Default, Clone, Copy)]
pub struct ReadOptions<'a> {
    /// Called now and then with (work done, total work).
    pub progress: Option<Progress<'a>>,
    /// What reading a workbook may cost at most.
    pub limits: Limits,
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

/// The header of one table source: spec column → source position, and which
/// positions have a header at all.
struct HeaderMap {
    positions: Vec<Option<usize>>,
    named: Vec<bool>,
}

impl HeaderMap {
    /// The spec column at a source position, if the header names one there.
    fn column_at(&self, pos: usize) -> Option<usize> {
        self.positions.iter().position(|p| *p == Some(pos))
    }
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
                problem: Problem::Other,
                source: source.into(),
                table,
                row: 1,
                column: cols[i].name.into(),
                column_letter: Some(column_letter(pos)),
                value: h.trim().into(),
                message: format!("column {} appears twice", cols[i].name),
            }),
            Some(i) => positions[i] = Some(pos),
            None if is_blank_header(h) => {}
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
                problem: Problem::Other,
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
    let named = header.iter().map(|h| !is_blank_header(h)).collect();
    HeaderMap { positions, named }
}

fn is_blank_header(h: &str) -> bool {
    h.trim().trim_start_matches('\u{feff}').trim().is_empty()
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

impl Cells for Vec<Cow<'_, str>> {
    fn cell(&self, pos: usize) -> Option<&str> {
        self.get(pos).map(|c| c.as_ref())
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
    /// Whether a leading apostrophe is a text marker to remove (CSV).
    text_marker: bool,
}

impl RowSource for Row<'_> {
    fn text(&self, i: usize) -> Option<&str> {
        let pos = self.header.positions[i]?;
        let t = self.cells.cell(pos)?.trim();
        let t = match t.strip_prefix('\'') {
            Some(rest) if self.text_marker => rest.trim(),
            _ => t,
        };
        Some(t).filter(|t| !t.is_empty())
    }

    fn error(&mut self, i: usize, value: &str, problem: Problem, message: String) {
        self.errors.push(LocatedError {
            problem,
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
    text_marker: bool,
}

/// The first control character of a text that may hold only tab and line breaks
/// (C0 controls, DEL and C1 controls), with its position in characters.
fn control_char(t: &str) -> Option<(usize, char)> {
    if !t
        .bytes()
        .any(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') || b == 0x7F || b == 0xC2)
    {
        return None; // the fast path: no byte that could start one
    }
    t.chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// A text with its control characters written out (`\u{0}`), for messages.
fn show_controls(t: &str) -> String {
    t.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl<'a> Decoder<'a> {
    /// `text_marker`: whether a leading apostrophe is Excel's text marker (CSV).
    fn new(table: Table, source: &'a str, header: &[String], text_marker: bool) -> Self {
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
            text_marker,
        }
    }

    /// An empty source: an empty table, not a missing header.
    fn empty(table: Table, source: &'a str) -> Self {
        let mut d = Decoder::new(table, source, &[], false);
        d.part.errors = Errors::default();
        d
    }

    /// Records an error about the cell at source position `pos` of `row`.
    fn cell_error(&mut self, row: usize, pos: usize, value: String, message: String) {
        let column = self
            .header
            .column_at(pos)
            .map_or(String::new(), |i| columns(self.table)[i].name.into());
        self.part.errors.push(LocatedError {
            problem: Problem::Other,
            source: self.source.into(),
            table: self.table,
            row,
            column,
            column_letter: Some(column_letter(pos)),
            value,
            message,
        });
    }

    /// Checks what every cell of a row must satisfy whatever its column: it lies
    /// in a column with a header, and holds no control characters. False if any
    /// does not (the errors are recorded).
    fn cells_ok(&mut self, row: usize, cells: &dyn Cells) -> bool {
        let mut ok = true;
        for pos in 0..cells.count() {
            let Some(text) = cells.cell(pos).filter(|t| !t.trim().is_empty()) else {
                continue;
            };
            if !self.header.named.get(pos).copied().unwrap_or(false) {
                let width = self.header.named.len();
                let message = if pos >= width {
                    format!(
                        "a value beyond the header, which has {width} column(s) (A to {}); give the column a header or delete the value",
                        column_letter(width.saturating_sub(1))
                    )
                } else {
                    "a value under an empty header cell; give the column a header or delete the value".into()
                };
                self.cell_error(row, pos, show_controls(text), message);
                ok = false;
            } else if let Some((at, c)) = control_char(text) {
                self.cell_error(
                    row,
                    pos,
                    show_controls(text),
                    format!(
                        "control character U+{:04X} at character {}; text may hold tabs and line breaks but no other control characters",
                        c as u32,
                        at + 1
                    ),
                );
                ok = false;
            }
        }
        ok
    }

    fn row(&mut self, row: usize, cells: &dyn Cells) {
        if cells.is_blank() {
            return; // blank lines are not rows
        }
        self.rows_seen += 1;
        if self.table == Table::Meta && self.rows_seen > 1 {
            self.part.errors.push(LocatedError {
                problem: Problem::Other,
                source: self.source.into(),
                table: self.table,
                row,
                column: String::new(),
                column_letter: None,
                value: String::new(),
                message: "元数据只能有一行 / meta has exactly one row".into(),
            });
            return;
        }
        if self.part.errors.total > 0 && self.header_failed() {
            return; // a missing required column already refuses the table: don't repeat it per row
        }
        if !self.cells_ok(row, cells) {
            return;
        }
        let mut src = Row {
            table: self.table,
            source: self.source,
            row,
            header: &self.header,
            cells,
            errors: &mut self.part.errors,
            text_marker: self.text_marker,
        };
        let before = self.part.tables.institutions.len();
        decode_into(self.table, &mut src, &mut self.part.tables);
        // 备案机关 must be an authority that may register an institution at its
        // address (Hubei 机构管理办法 第五条: 省本级 or the 市州 where it is).
        let institutions = &mut self.part.tables.institutions;
        if let Some(inst) = institutions.get(before)
            && let Some(by) = inst.registered_by
            && !Institution::valid_authority(&by, &inst.region_code)
        {
            let region = inst.region_code;
            let column = column_index(Table::Institutions, "registered_by")
                .expect("institutions has registered_by");
            let allowed = match region.city() {
                Some(city) => format!("{} 或 {}", region.province(), city),
                None => region.province().to_string(),
            };
            src.error(
                column,
                by.as_str(),
                Problem::Other,
                format!(
                    "备案机关须为机构所在地（{region}）的省级或市州人社部门：填 {allowed}，或留空按机构类型取默认"
                ),
            );
            institutions.truncate(before);
        }
    }

    fn header_failed(&self) -> bool {
        self.part.errors.list.iter().any(|e| e.row == 1)
    }

    fn finish(mut self) -> TablePart {
        self.part.tables.present.insert(self.table);
        self.part
    }
}

/// Reads a dataset directory (CSV) or workbook (.xlsx, or legacy .xls).
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
                "未找到任何数据表：文件或工作表应以表名命名（{}） / no table found; expected files or sheets named {}",
                names.join("、"),
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
                problem: Problem::Other,
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
                            "{} 和 {} 都是数据表 {}（{}），每个表只能有一个文件 / {} and {} both hold table {}",
                            other.display(),
                            path.display(),
                            t.name(),
                            t.zh(),
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
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let choice = match encoding::choose(&bytes) {
        Ok(c) => c,
        Err(message) => {
            let mut d = Decoder::empty(table, &source);
            d.part.errors.push(LocatedError {
                problem: Problem::Other,
                source: source.clone(),
                table,
                row: 0,
                column: String::new(),
                column_letter: None,
                value: String::new(),
                message,
            });
            return Ok(d.finish());
        }
    };
    let mut decoder: Option<Decoder<'_>> = None;
    let mut last_report = 0u64;
    each_record(&choice, |row, cells, bad, pos| {
        // Row numbers as a spreadsheet shows them: the header is row 1.
        let decoder = match &mut decoder {
            Some(d) => d,
            None => {
                let header: Vec<String> = (0..cells.count())
                    .map(|p| cells.cell(p).unwrap_or_default().to_owned())
                    .collect();
                let d = decoder.insert(Decoder::new(table, &source, &header, true));
                for (p, value, message) in bad {
                    d.cell_error(row, *p, value.clone(), message.clone());
                }
                return;
            }
        };
        if bad.is_empty() {
            decoder.row(row, cells);
        } else {
            for (p, value, message) in bad {
                decoder.cell_error(row, *p, value.clone(), message.clone());
            }
        }
        if let Some(progress) = options.progress
            && pos - last_report > (4 << 20)
        {
            let d = done.fetch_add(pos - last_report, Ordering::Relaxed) + pos - last_report;
            last_report = pos;
            progress(d, total);
        }
    })
    .map_err(|e| Error::Csv {
        path: path.into(),
        source: e,
    })?;
    if let Some(progress) = options.progress {
        let rest = (bytes.len() as u64).saturating_sub(last_report);
        progress(done.fetch_add(rest, Ordering::Relaxed) + rest, total);
    }
    // An empty file is an empty table.
    let decoder = decoder.unwrap_or_else(|| Decoder::empty(table, &source));
    Ok(decoder.finish())
}

/// A cell whose bytes are not text in the file's encoding: (position, the bytes
/// shown, why).
type BadCell = (usize, String, String);

/// Calls `each` with every CSV record of a file: its row number (the first record
/// is row 1), its cells, the cells that are not text in the file's encoding (left
/// empty in the cells), and the byte offset after it.
fn each_record(
    choice: &Choice<'_>,
    mut each: impl FnMut(usize, &dyn Cells, &[BadCell], u64),
) -> Result<(), csv::Error> {
    let reader = |input| {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input)
    };
    let mut row = 0;
    if let Some(text) = choice.decode_whole() {
        // Every byte is valid: read text records.
        let mut reader = reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record)? {
            row += 1;
            let pos = record.position().map_or(0, |p| p.byte());
            each(row, &record, &[], pos);
        }
        return Ok(());
    }
    // Some cells are not text: decode cell by cell, and locate those.
    let mut reader = reader(choice.body);
    let mut record = csv::ByteRecord::new();
    let mut bad = Vec::new();
    while reader.read_byte_record(&mut record)? {
        row += 1;
        bad.clear();
        let cells: Vec<Cow<'_, str>> = record
            .iter()
            .enumerate()
            .map(|(pos, bytes)| {
                choice.decode_cell(bytes).unwrap_or_else(|message| {
                    bad.push((pos, encoding::show_bytes(choice.encoding, bytes), message));
                    Cow::Borrowed("")
                })
            })
            .collect();
        let pos = record.position().map_or(0, |p| p.byte());
        each(row, &cells, &bad, pos);
    }
    Ok(())
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

/// The same for a cell of a streamed sheet (where a shared string is borrowed).
fn cell_ref_text(cell: &calamine::DataRef<'_>) -> Option<String> {
    match cell {
        calamine::DataRef::SharedString(s) => Some((*s).to_owned()),
        other => cell_text(&other.clone().into()),
    }
}

/// The sheets of a workbook that hold tables, in table and part order, and
/// warnings naming the others (except the notes of an import template).
fn table_sheets(names: Vec<String>) -> (Vec<(Table, u32, String)>, Vec<String>) {
    let mut sheets = Vec::new();
    let mut ignored = Vec::new();
    for name in names {
        match table_of_sheet(&name) {
            Some((t, part)) => sheets.push((t, part, name)),
            None if name == crate::template::NOTES_SHEET => {}
            None => ignored.push(format!(
                "sheet \"{name}\" is not a table of the dataset format, ignored"
            )),
        }
    }
    sheets.sort_by_key(|(t, part, _)| (*t, *part));
    (sheets, ignored)
}

/// Decodes the table sheets of a workbook one after another, joining the parts
/// `TABLE (2)`, … of a table, and counts rows against [`Limits::rows`].
struct Book<'a> {
    path: &'a Path,
    limits: Limits,
    rows: u64,
    parts: Vec<TablePart>,
    current: Option<Decoder<'a>>,
}

impl<'a> Book<'a> {
    fn new(path: &'a Path, limits: Limits) -> Self {
        Book {
            path,
            limits,
            rows: 0,
            parts: Vec::new(),
            current: None,
        }
    }

    /// Refuses the workbook if the rows counted and `more` pass the limit.
    fn check(&self, sheet: &str, more: u64) -> Result<(), Error> {
        let rows = self.rows.saturating_add(more);
        if rows > self.limits.rows {
            return Err(Error::TooLarge {
                path: self.path.into(),
                limit: Limit::Rows,
                sheet: Some(sheet.into()),
                part: None,
                found: rows,
                max: self.limits.rows,
            });
        }
        Ok(())
    }

    /// Counts one row read.
    fn count(&mut self, sheet: &str) -> Result<(), Error> {
        self.check(sheet, 1)?;
        self.rows += 1;
        Ok(())
    }

    /// Starts a sheet given its first row (`None` for an empty sheet).
    fn sheet(
        &mut self,
        table: Table,
        part: u32,
        name: &'a str,
        header: Option<&[String]>,
    ) -> Result<(), Error> {
        let continues = part > 1 && self.current.as_ref().is_some_and(|d| d.table == table);
        if !continues {
            if let Some(d) = self.current.take() {
                self.parts.push(d.finish());
            }
            self.current = Some(match header {
                Some(h) => Decoder::new(table, name, h, false),
                None => Decoder::empty(table, name),
            });
        }
        self.current.as_mut().expect("set above").source = name;
        if header.is_some() {
            self.count(name)?;
        }
        Ok(())
    }

    fn row(&mut self, name: &str, row: usize, cells: &dyn Cells) -> Result<(), Error> {
        self.count(name)?;
        let decoder = self.current.as_mut().expect("a sheet is started");
        decoder.row(row, cells);
        Ok(())
    }

    fn finish(mut self, ignored: Vec<String>) -> Vec<TablePart> {
        if let Some(d) = self.current.take() {
            self.parts.push(d.finish());
        }
        if let Some(first) = self.parts.first_mut() {
            first.warnings.extend(ignored);
        }
        self.parts
    }
}

fn read_workbook(path: &Path, options: &ReadOptions<'_>) -> Result<Vec<TablePart>, Error> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "xlsx" | "xlsm" => read_xlsx(path, options),
        "xls" => read_xls(path, options),
        _ => Err(Error::NotADataset {
            path: path.into(),
            message: "数据集应为 CSV 文件目录或 .xlsx（.xls）工作簿，请将工作簿另存为 .xlsx / a dataset is a directory of CSV files or an .xlsx (or .xls) workbook; save the workbook as .xlsx".into(),
        }),
    }
}

/// Reads an xlsx workbook: checked against the limits first, then each table
/// sheet streamed cell by cell (no sheet is held whole, and a shared string is
/// not copied into every cell that uses it).
fn read_xlsx(path: &Path, options: &ReadOptions<'_>) -> Result<Vec<TablePart>, Error> {
    use calamine::Reader;
    let xerr = |m: String| Error::XlsxRead {
        path: path.into(),
        message: m,
    };
    crate::limits::inspect_workbook(path, &options.limits)?;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(path).map_err(|e: calamine::XlsxError| xerr(e.to_string()))?;
    let (sheets, ignored) = table_sheets(wb.sheet_names());
    let total = sheets.len() as u64;
    let mut book = Book::new(path, options.limits);
    let mut cells: Vec<Option<String>> = Vec::new();
    for (i, (table, part, name)) in sheets.iter().enumerate() {
        let serr = |e: calamine::XlsxError| xerr(format!("sheet {name}: {e}"));
        let mut reader = wb.worksheet_cells_reader(name).map_err(serr)?;
        let declared = reader.dimensions();
        if declared.len() > 1 {
            // The rows the sheet declares are refused before its cells are read.
            let rows = declared.end.0.saturating_sub(declared.start.0);
            book.check(name, u64::from(rows) + 1)?;
        }
        let mut rows = SheetRows {
            cells: &mut reader,
            pending: None,
            done: false,
        };
        let header: Option<Vec<String>> = rows.next(&mut cells).map_err(serr)?.map(|_| {
            cells
                .iter()
                .map(|c| c.clone().unwrap_or_default())
                .collect()
        });
        book.sheet(*table, *part, name, header.as_deref())?;
        while let Some(row) = rows.next(&mut cells).map_err(serr)? {
            book.row(name, row, &cells)?;
        }
        if let Some(progress) = options.progress {
            progress(i as u64 + 1, total);
        }
    }
    Ok(book.finish(ignored))
}

/// The rows of a streamed sheet: its cells grouped by row.
struct SheetRows<'r, 'a, RS: std::io::Read + std::io::Seek> {
    cells: &'r mut calamine::XlsxCellReader<'a, RS>,
    /// The first cell of the next row, read while finding the end of this one.
    pending: Option<calamine::Cell<calamine::DataRef<'a>>>,
    /// The sheet's cells are all read (the reader must not be asked again).
    done: bool,
}

impl<RS: std::io::Read + std::io::Seek> SheetRows<'_, '_, RS> {
    /// Fills `out` with the next row that has a value (cells by column, from A)
    /// and returns its number as the sheet shows it.
    fn next(
        &mut self,
        out: &mut Vec<Option<String>>,
    ) -> Result<Option<usize>, calamine::XlsxError> {
        out.clear();
        let mut row = None;
        loop {
            let cell = match self.pending.take() {
                Some(c) => c,
                None if self.done => break,
                None => match self.cells.next_cell()? {
                    Some(c) => c,
                    None => {
                        self.done = true;
                        break;
                    }
                },
            };
            if *cell.get_value() == calamine::DataRef::Empty {
                continue;
            }
            let (r, c) = cell.get_position();
            match row {
                Some(current) if current != r => {
                    self.pending = Some(cell);
                    break;
                }
                _ => row = Some(r),
            }
            let c = c as usize;
            if out.len() <= c {
                out.resize(c + 1, None);
            }
            out[c] = cell_ref_text(cell.get_value());
        }
        Ok(row.map(|r| r as usize + 1))
    }
}

/// Reads a legacy .xls workbook sheet by sheet (a sheet holds at most 65,536 rows
/// of 256 columns, so none can be large).
fn read_xls(path: &Path, options: &ReadOptions<'_>) -> Result<Vec<TablePart>, Error> {
    use calamine::Reader;
    let xerr = |m: String| Error::XlsxRead {
        path: path.into(),
        message: m,
    };
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| xerr(e.to_string()))?;
    let (sheets, ignored) = table_sheets(wb.sheet_names());
    let total = sheets.len() as u64;
    let mut book = Book::new(path, options.limits);
    let mut cells: Vec<Option<String>> = Vec::new();
    for (i, (table, part, name)) in sheets.iter().enumerate() {
        let range = wb
            .worksheet_range(name)
            .map_err(|e| xerr(format!("sheet {name}: {e}")))?;
        book.check(name, range.height() as u64)?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut rows = range.rows();
        let header: Option<Vec<String>> = rows.next().map(|r| {
            let mut h = vec![String::new(); col0 as usize];
            h.extend(r.iter().map(|c| cell_text(c).unwrap_or_default()));
            h
        });
        book.sheet(*table, *part, name, header.as_deref())?;
        for (j, r) in rows.enumerate() {
            cells.clear();
            cells.extend(std::iter::repeat_n(None, col0 as usize));
            cells.extend(r.iter().map(cell_text));
            book.row(name, row0 as usize + j + 2, &cells)?;
        }
        if let Some(progress) = options.progress {
            progress(i as u64 + 1, total);
        }
    }
    Ok(book.finish(ignored))
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
    fn control_characters_are_found_and_shown() {
        assert_eq!(control_char("武汉\t学校\r\n"), None);
        assert_eq!(control_char("武汉\0学校"), Some((2, '\0')));
        assert_eq!(control_char("a\u{85}"), Some((1, '\u{85}')));
        assert_eq!(control_char("a\u{7f}"), Some((1, '\u{7f}')));
        assert_eq!(show_controls("a\0b"), "a\\u{0}b");
    }
}
