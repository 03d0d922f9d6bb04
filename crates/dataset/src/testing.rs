//! Test support, for this crate's tests and the platform's: hand-built xlsx
//! workbooks whose parts say what a test needs (a huge sheet, a false dimension,
//! a lying shared-strings count), written with the zip crate.

use std::io::Write;
use std::path::Path;
use zip::write::SimpleFileOptions;

/// The SpreadsheetML namespace.
pub const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The results sheet's header row.
const HEADER: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>batch_id</t></is></c><c r="B1" t="inlineStr"><is><t>candidate_id</t></is></c><c r="C1" t="inlineStr"><is><t>result</t></is></c></row>"#;

/// The `n`th results row, of batch `B{n}` (without a row number: calamine counts them).
pub fn row(n: usize) -> String {
    format!(
        r#"<row><c t="inlineStr"><is><t>B{n:07}</t></is></c><c t="inlineStr"><is><t>11010519491231002X</t></is></c><c t="inlineStr"><is><t>pass</t></is></c></row>"#
    )
}

/// A sheet: its name, an optional `<dimension>`, and a writer of its rows.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub dimension: Option<&'a str>,
    pub rows: &'a dyn Fn(&mut dyn Write) -> std::io::Result<()>,
}

/// Writes a minimal xlsx workbook part by part (a sheet's rows are streamed into
/// the zip, so a gigabyte of XML is never held).
pub fn workbook(path: &Path, sheets: &[Sheet<'_>], shared_strings: Option<&str>) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    let part = |zip: &mut zip::ZipWriter<std::fs::File>, name: &str, text: &str| {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    let overrides: String = (1..=sheets.len())
        .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
        .collect();
    part(
        &mut zip,
        "[Content_Types].xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>"#
        ),
    );
    part(
        &mut zip,
        "_rels/.rels",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        ),
    );
    let entries: String = sheets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                r#"<sheet name="{}" sheetId="{}" r:id="rId{}"/>"#,
                s.name,
                i + 1,
                i + 1
            )
        })
        .collect();
    part(
        &mut zip,
        "xl/workbook.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{entries}</sheets></workbook>"#
        ),
    );
    let rels: String = (1..=sheets.len())
        .map(|i| format!(r#"<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>"#))
        .collect();
    part(
        &mut zip,
        "xl/_rels/workbook.xml.rels",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        ),
    );
    if let Some(sst) = shared_strings {
        part(&mut zip, "xl/sharedStrings.xml", sst);
    }
    for (i, s) in sheets.iter().enumerate() {
        zip.start_file(format!("xl/worksheets/sheet{}.xml", i + 1), options)
            .unwrap();
        let dimension = s
            .dimension
            .map(|d| format!(r#"<dimension ref="{d}"/>"#))
            .unwrap_or_default();
        write!(zip, r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dimension}<sheetData>{HEADER}"#).unwrap();
        (s.rows)(&mut zip).unwrap();
        zip.write_all(b"</sheetData></worksheet>").unwrap();
    }
    zip.finish().unwrap();
}

/// A writer of `n` results rows, numbered from 0.
pub fn rows(n: usize) -> impl Fn(&mut dyn Write) -> std::io::Result<()> {
    move |w: &mut dyn Write| (0..n).try_for_each(|i| w.write_all(row(i).as_bytes()))
}
