//! What reading one workbook may cost, checked before the workbook is opened.
//!
//! An xlsx workbook is a zip of XML parts that may expand a thousandfold: a 2.2 MB
//! upload held 1.5 GB of sheet XML and grew the server by 1.4 GB before it was
//! refused. So, before calamine allocates anything, [`inspect_workbook`] reads the
//! zip's central directory and refuses a workbook whose declared uncompressed size
//! of any part, or of all parts, is beyond the [`Limits`]; a part that inflates past
//! its declared size fails to read (the `zip` crate stops at the declared size, a
//! behaviour a test of this crate holds it to). Rows are checked while sheets are
//! streamed: against a sheet's `<dimension>` before its cells are read, and by
//! counting. A CSV directory needs no such limits: its files are as large in memory
//! as on disk, and the platform bounds the size of uploads.

use crate::Error;
use std::collections::HashMap;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

/// Bounds on reading one workbook. The defaults are sized for real provincial
/// data: the scale-200 province of the benchmarks (8,000 institutions, 2 million
/// enrollments) holds 14.3 million rows over its two years, about 600,000 a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest uncompressed size of one part of a workbook: a sheet's XML, or
    /// any other part (the shared strings are read whole). Default 1 GiB; a full
    /// sheet (1,048,576 rows) of enrollments, the widest table, is about 600 MB.
    pub sheet_bytes: u64,
    /// The largest uncompressed size of all the parts together. Default 4 GiB;
    /// honest sheet XML compresses about 9 to 1, so a 256 MiB upload (the
    /// platform's limit) holds about 2.3 GB.
    pub workbook_bytes: u64,
    /// The most rows of all table sheets of one workbook, header rows included.
    /// Default 5,000,000: eight months of the scale-200 province, about what a
    /// 256 MiB workbook holds. A larger dataset goes as a CSV directory or in
    /// several workbooks.
    pub rows: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sheet_bytes: 1 << 30,
            workbook_bytes: 4 << 30,
            rows: 5_000_000,
        }
    }
}

/// One of the [`Limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`Limits::sheet_bytes`].
    SheetBytes,
    /// [`Limits::workbook_bytes`].
    WorkbookBytes,
    /// [`Limits::rows`].
    Rows,
}

impl Limit {
    /// The field of [`Limits`] that sets it.
    pub fn field(self) -> &'static str {
        match self {
            Limit::SheetBytes => "sheet_bytes",
            Limit::WorkbookBytes => "workbook_bytes",
            Limit::Rows => "rows",
        }
    }

    /// What the limit is counted over, in English.
    pub fn per(self) -> &'static str {
        match self {
            Limit::SheetBytes => "per sheet",
            Limit::WorkbookBytes | Limit::Rows => "per workbook",
        }
    }

    /// The limit in Chinese, for the platform's messages.
    pub fn zh(self) -> &'static str {
        match self {
            Limit::SheetBytes => "每个工作表解压后的大小",
            Limit::WorkbookBytes => "整个工作簿解压后的大小",
            Limit::Rows => "一个工作簿中各数据表的总行数",
        }
    }
}

/// Bytes for people: `512 KiB`, `600.0 MiB`, `1.5 GiB`.
pub fn format_bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size {
            return if n.is_multiple_of(size) {
                format!("{} {unit}", n / size)
            } else {
                format!("{:.1} {unit}", n as f64 / size as f64)
            };
        }
    }
    format!("{n} bytes")
}

/// A count with thousands separators: `5,000,000`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The shared-strings part, whose declared count calamine reserves room for.
const SHARED_STRINGS: &str = "xl/sharedStrings.xml";

/// The fewest bytes one shared string takes in the XML (`<si><t/></si>`).
const MIN_SHARED_STRING_BYTES: u64 = 12;

/// Checks a zip-based workbook against `limits` from its central directory,
/// before anything is decompressed (apart from the start of the shared strings).
pub(crate) fn inspect_workbook(path: &Path, limits: &Limits) -> Result<(), Error> {
    let xerr = |message: String| Error::XlsxRead {
        path: path.into(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| xerr(format!("not an xlsx workbook (its zip is unreadable: {e})")))?;
    let mut total = 0u64;
    let mut largest: Option<(String, u64)> = None;
    let mut shared_strings = None;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| xerr(e.to_string()))?;
        let size = entry.size();
        let name = entry.name().map_err(|e| xerr(e.to_string()))?.into_owned();
        total = total.saturating_add(size);
        if largest.as_ref().is_none_or(|(_, s)| size > *s) {
            largest = Some((name.clone(), size));
        }
        if name == SHARED_STRINGS {
            shared_strings = Some(size);
        }
    }
    if let Some((part, size)) = largest.filter(|(_, s)| *s > limits.sheet_bytes) {
        let sheet = sheet_parts(&mut zip).remove(&part);
        return Err(Error::TooLarge {
            path: path.into(),
            limit: Limit::SheetBytes,
            sheet,
            part: Some(part),
            found: size,
            max: limits.sheet_bytes,
        });
    }
    if total > limits.workbook_bytes {
        return Err(Error::TooLarge {
            path: path.into(),
            limit: Limit::WorkbookBytes,
            sheet: None,
            part: None,
            found: total,
            max: limits.workbook_bytes,
        });
    }
    if let Some(size) = shared_strings {
        let declared = declared_shared_strings(&mut zip).map_err(xerr)?;
        // calamine reserves room for the declared count before reading a string;
        // a count the part cannot hold is a lie meant to make that reservation huge.
        if declared.is_some_and(|n| n > size / MIN_SHARED_STRING_BYTES + 1) {
            return Err(xerr(format!(
                "{SHARED_STRINGS} declares {} strings but its {} can hold at most {}: the workbook is malformed",
                format_count(declared.unwrap_or_default()),
                format_bytes(size),
                format_count(size / MIN_SHARED_STRING_BYTES + 1),
            )));
        }
    }
    Ok(())
}

/// The `uniqueCount` of the shared strings, read from the part's first 64 KiB.
fn declared_shared_strings<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
) -> Result<Option<u64>, String> {
    use quick_xml::events::Event;
    let part = zip
        .by_name(SHARED_STRINGS)
        .map_err(|e| format!("{SHARED_STRINGS}: {e}"))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part.take(64 << 10)));
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                let count = e
                    .try_get_attribute("uniqueCount")
                    .map_err(|e| format!("{SHARED_STRINGS}: {e}"))?;
                return Ok(count.and_then(|a| a.value.trim().parse().ok()));
            }
            Ok(Event::Eof) => {
                return Err(format!(
                    "{SHARED_STRINGS} does not begin with its <sst> element"
                ));
            }
            Err(e) => return Err(format!("{SHARED_STRINGS}: {e}")),
            Ok(_) => buf.clear(),
        }
    }
}

/// Worksheet part → sheet name, from `xl/workbook.xml` and its relationships
/// (both read at most 1 MiB: they are a few KiB in any real workbook). Empty
/// when they cannot be read: the names only make messages clearer.
fn sheet_parts<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> HashMap<String, String> {
    let rels = attributes(
        zip,
        "xl/_rels/workbook.xml.rels",
        "Relationship",
        "Id",
        "Target",
    );
    let sheets = attributes(zip, "xl/workbook.xml", "sheet", "r:id", "name");
    let rels: HashMap<String, String> = rels.into_iter().collect();
    sheets
        .into_iter()
        .filter_map(|(id, name)| {
            let target = rels.get(&id)?;
            let part = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            Some((part, name))
        })
        .collect()
}

/// The (`key`, `value`) attribute pairs of every `element` in a small XML part.
fn attributes<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    part: &str,
    element: &str,
    key: &str,
    value: &str,
) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    let Ok(file) = zip.by_name(part) else {
        return Vec::new();
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(file.take(1 << 20)));
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let text = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> Option<String> {
        let a = e.try_get_attribute(name).ok()??;
        Some(
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()?
                .into_owned(),
        )
    };
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == element => {
                if let (Some(k), Some(v)) = (text(&e, key), text(&e, value)) {
                    out.push((k, v));
                }
            }
            Ok(Event::Eof) | Err(_) => return out,
            Ok(_) => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_counts_read_as_people_write_them() {
        for (n, text) in [
            (512, "512 bytes"),
            (1 << 10, "1 KiB"),
            (600 << 20, "600 MiB"),
            (1 << 30, "1 GiB"),
            (1_500_000_000, "1.4 GiB"),
        ] {
            assert_eq!(format_bytes(n), text, "{n}");
        }
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (5_000_000, "5,000,000"),
        ] {
            assert_eq!(format_count(n), text, "{n}");
        }
    }
}
