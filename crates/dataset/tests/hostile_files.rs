//! What an uploaded file may hold and how the reader answers: text in one
//! encoding (real byte fixtures), cells that would be formulas in Excel, values
//! outside the header's columns, control characters.

use dataset::Error;
use dataset::template::sample;
use dataset::write::{Format, write_dataset};
use domain::model::Table;
use std::path::Path;

mod common;
use common::{read, write_tiny};

// The words of the fixtures, as GB18030 (GBK) and UTF-8 bytes.
const GB_WANG: &[u8] = b"\xCD\xF5\xD0\xE3\xD3\xA2"; // 王秀英
const GB_LI: &[u8] = b"\xC0\xEE\xBD\xA8\xB9\xFA"; // 李建国
const GB_ZHANG: &[u8] = b"\xD5\xC5\xCE\xB0"; // 张伟
const U8_WANG: &[u8] = b"\xE7\x8E\x8B\xE7\xA7\x80\xE8\x8B\xB1"; // 王秀英
const U8_LI: &[u8] = b"\xE6\x9D\x8E\xE5\xBB\xBA\xE5\x9B\xBD"; // 李建国
const U8_ZHANG: &[u8] = b"\xE5\xBC\xA0\xE4\xBC\x9F"; // 张伟
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// enrollments.csv with the given bytes before the header and as the names of
/// three candidates (rows 2, 3, 4).
fn enrollments(prefix: &[u8], names: [&[u8]; 3]) -> Vec<u8> {
    let ids = [
        "11010519491231002X",
        "440524188001010014",
        "420103199203154514",
    ];
    let mut out = prefix.to_vec();
    out.extend(b"batch_id,candidate_id,name,education,work_years\n");
    for (id, name) in ids.iter().zip(names) {
        out.extend(format!("B001,{id},").as_bytes());
        out.extend(name);
        out.extend(b",high_school,7\n");
    }
    out
}

/// What reading a fixture must give.
enum Expect {
    /// The dataset is read, with these names.
    Names([&'static str; 3]),
    /// Refused with exactly one error: (row, column, letter, part of the value shown, part of the message).
    Refused(
        usize,
        &'static str,
        Option<&'static str>,
        &'static str,
        &'static str,
    ),
}

fn read_enrollments(bytes: &[u8]) -> Result<dataset::read::Loaded, Error> {
    let dir = tempfile::tempdir().unwrap();
    write_tiny(dir.path(), |name, text| match name {
        "enrollments" | "scores" | "results" | "certificates" => String::new(),
        _ => text.to_string(),
    });
    std::fs::write(dir.path().join("enrollments.csv"), bytes).unwrap();
    read(dir.path())
}

#[test]
fn a_csv_file_is_read_in_one_encoding_and_bad_bytes_are_located() {
    let mut utf16 = b"\xFF\xFE".to_vec();
    utf16.extend("batch_id\n".encode_utf16().flat_map(u16::to_le_bytes));
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        (
            "UTF-8 with BOM",
            enrollments(UTF8_BOM, [U8_WANG, U8_LI, U8_ZHANG]),
            Expect::Names(["王秀英", "李建国", "张伟"]),
        ),
        (
            "UTF-8 without BOM",
            enrollments(b"", [U8_WANG, U8_LI, U8_ZHANG]),
            Expect::Names(["王秀英", "李建国", "张伟"]),
        ),
        (
            "GB18030 as Excel writes it on Chinese Windows",
            enrollments(b"", [GB_WANG, GB_LI, GB_ZHANG]),
            Expect::Names(["王秀英", "李建国", "张伟"]),
        ),
        (
            "UTF-8 with one GB18030 row: that row is refused, the others are not garbled",
            enrollments(b"", [U8_WANG, GB_LI, U8_ZHANG]),
            Expect::Refused(
                3,
                "name",
                Some("C"),
                "\\xC0\\xEE\\xBD\\xA8\\xB9\\xFA",
                "read as GB18030 they would be \"李建国\"",
            ),
        ),
        (
            "UTF-8 with BOM and one GB18030 row",
            enrollments(UTF8_BOM, [GB_WANG, U8_LI, U8_ZHANG]),
            Expect::Refused(2, "name", Some("C"), "\\xCD\\xF5", "UTF-8 byte order mark"),
        ),
        (
            "UTF-8 with one invalid byte: not decoded as GB18030, not replaced",
            enrollments(b"", [b"\xE7\x8E\x8B\xE7\xA7\x80\xE8", U8_LI, U8_ZHANG]),
            Expect::Refused(2, "name", Some("C"), "王秀\\xE8", "not valid UTF-8"),
        ),
        (
            "GB18030 with one UTF-8 row",
            enrollments(b"", [GB_WANG, GB_LI, U8_ZHANG]),
            Expect::Refused(
                4,
                "name",
                Some("C"),
                "\\xE5\\xBC\\xA0",
                "UTF-8 text (\"张伟\")",
            ),
        ),
        (
            "GB18030 with an invalid sequence",
            enrollments(b"", [GB_WANG, b"\xC0\xEE\xBD\xA8\x81", GB_ZHANG]),
            Expect::Refused(3, "name", Some("C"), "\\x81", "not valid GB18030"),
        ),
        (
            "UTF-16 (Excel's Unicode Text)",
            utf16,
            Expect::Refused(0, "", None, "", "UTF-16"),
        ),
    ];
    for (what, bytes, expect) in cases {
        let outcome = read_enrollments(&bytes);
        match (expect, outcome) {
            (Expect::Names(names), Ok(loaded)) => {
                let read: Vec<&str> = loaded
                    .dataset
                    .tables
                    .enrollments
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect();
                assert_eq!(read, names, "{what}");
            }
            (
                Expect::Refused(row, column, letter, value, message),
                Err(Error::Invalid { errors, total }),
            ) => {
                assert_eq!(total, 1, "{what}: {errors:#?}");
                let e = &errors[0];
                assert_eq!(
                    (
                        e.table,
                        e.row,
                        e.column.as_str(),
                        e.column_letter.as_deref()
                    ),
                    (Table::Enrollments, row, column, letter),
                    "{what}"
                );
                assert!(e.value.contains(value), "{what}: value {:?}", e.value);
                assert!(e.message.contains(message), "{what}: {}", e.message);
                assert!(!e.to_string().contains('\u{FFFD}'), "{what}: {e}");
            }
            (_, outcome) => panic!("{what}: unexpected {:?}", outcome.map(|l| l.warnings)),
        }
    }
}

#[test]
fn csv_cells_never_start_a_formula_and_read_back_unchanged() {
    let mut tables = sample();
    tables.complaints[0].summary = "=HYPERLINK(\"http://x.example\",\"详情\")".into();
    tables.promotions[0].text = "-10% 限时优惠，@所有人".into();
    tables.answers[0].responses = "-BCDDCBAACB-DABCBADA".into();
    tables.batch_changes[0].old_value = Some("+1".into());
    tables.batch_changes[0].new_value = Some("@09:00".into());
    tables.institutions[0].name = "'引号开头的名称".into();
    tables.institutions[0].phone = Some("+86-27-85551234".into());
    tables.scores[0].score = Some(domain::Score::parse("-3").unwrap());
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("csv");
    write_dataset(&tables, &csv, Format::Csv).unwrap();

    let cell = |table: &str, column: usize| -> String {
        let text = std::fs::read_to_string(csv.join(format!("{table}.csv"))).unwrap();
        let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        r.records().next().unwrap().unwrap()[column].to_string()
    };
    for (table, column, written) in [
        (
            "complaints",
            4,
            "'=HYPERLINK(\"http://x.example\",\"详情\")",
        ),
        ("promotions", 3, "'-10% 限时优惠，@所有人"),
        ("answers", 3, "'-BCDDCBAACB-DABCBADA"),
        ("batch_changes", 2, "'+1"),
        ("batch_changes", 3, "'@09:00"),
        ("institutions", 1, "''引号开头的名称"),
        ("institutions", 10, "'+86-27-85551234"),
        // A number is written bare: Excel reads -3 as the number it is.
        ("scores", 3, "-3"),
    ] {
        assert_eq!(cell(table, column), written, "{table}[{column}]");
    }
    // No cell of any file starts a formula unless it is a number.
    for entry in std::fs::read_dir(&csv).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for record in csv::Reader::from_reader(text.as_bytes()).records() {
            for field in record.unwrap().iter() {
                assert!(
                    !field.starts_with(['=', '+', '-', '@', '\t', '\r'])
                        || field.parse::<f64>().is_ok(),
                    "{field:?}"
                );
            }
        }
    }
    let back = read(&csv).unwrap().dataset.tables;
    assert_eq!(back, tables);

    // xlsx cells are typed: the text is a string, never a formula, and has no marker.
    let xlsx = dir.path().join("dataset.xlsx");
    write_dataset(&tables, &xlsx, Format::Xlsx).unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut part, &mut xml).unwrap();
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "{:?}",
            part.name()
        );
    }
    assert_eq!(read(&xlsx).unwrap().dataset.tables, tables);
}

#[test]
fn a_leading_apostrophe_in_a_hand_written_csv_is_excel_s_text_marker() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny(dir.path(), |name, text| match name {
        "results" => text.replace("B001,11010519491231002X", "B001,'11010519491231002X"),
        _ => text.to_string(),
    });
    let loaded = read(dir.path()).unwrap();
    assert_eq!(
        loaded.dataset.tables.results[0].candidate_id.to_string(),
        "11010519491231002X"
    );
}

/// (what, results.csv, expected (row, letter, part of the value, part of the message) or none).
type CellCase = (
    &'static str,
    &'static str,
    Option<(usize, &'static str, &'static str, &'static str)>,
);

const CELL_CASES: &[CellCase] = &[
    (
        "a value beyond the header",
        "batch_id,candidate_id,result\nB001,11010519491231002X,pass,多余的值\n",
        Some((
            2,
            "D",
            "多余的值",
            "beyond the header, which has 3 column(s) (A to C)",
        )),
    ),
    (
        "empty cells beyond the header",
        "batch_id,candidate_id,result\nB001,11010519491231002X,pass,,\n",
        None,
    ),
    (
        "a value under an empty header cell",
        "batch_id,candidate_id,,result\nB001,11010519491231002X,x,pass\n",
        Some((2, "C", "x", "under an empty header cell")),
    ),
    (
        "a NUL byte",
        "batch_id,candidate_id,result\nB001,11010519491231002X,pa\0ss\n",
        Some((
            2,
            "C",
            "pa\\u{0}ss",
            "control character U+0000 at character 3",
        )),
    ),
    (
        "an escape character",
        "batch_id,candidate_id,result\nB001,11010519491231002X,\u{1b}[31mpass\n",
        Some((2, "C", "\\u{1b}[31mpass", "control character U+001B")),
    ),
    (
        "tabs and line breaks in quoted text",
        "batch_id,candidate_id,result\nB001,11010519491231002X,\"\tpass\r\n\"\n",
        None,
    ),
];

fn check_cells(
    what: &str,
    outcome: Result<dataset::read::Loaded, Error>,
    expect: Option<(usize, &str, &str, &str)>,
) {
    match (expect, outcome) {
        (None, Ok(_)) => {}
        (Some((row, letter, value, message)), Err(Error::Invalid { errors, total })) => {
            assert_eq!(total, 1, "{what}: {errors:#?}");
            let e = &errors[0];
            assert_eq!(
                (e.table, e.row, e.column_letter.as_deref()),
                (Table::Results, row, Some(letter)),
                "{what}"
            );
            assert!(e.value.contains(value), "{what}: {:?}", e.value);
            assert!(e.message.contains(message), "{what}: {}", e.message);
        }
        (_, outcome) => panic!("{what}: unexpected {:?}", outcome.map(|l| l.warnings)),
    }
}

#[test]
fn every_cell_lies_under_a_header_and_holds_no_control_characters_csv() {
    for (what, results, expect) in CELL_CASES {
        let dir = tempfile::tempdir().unwrap();
        write_tiny(dir.path(), |name, text| match name {
            "results" => results.to_string(),
            _ => text.to_string(),
        });
        check_cells(what, read(dir.path()), *expect);
    }
}

#[test]
fn every_cell_lies_under_a_header_and_holds_no_control_characters_xlsx() {
    for (what, results, expect) in CELL_CASES {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dataset.xlsx");
        write_results_workbook(&path, results);
        check_cells(what, read(&path), *expect);
    }
}

/// A workbook holding the tiny dataset's results sheet as `results` gives it,
/// cell by cell (the other tables are not needed to read results).
fn write_results_workbook(path: &Path, results: &str) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("results").unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(results.as_bytes());
    for (row, record) in r.records().enumerate() {
        for (col, text) in record.unwrap().iter().enumerate() {
            if !text.is_empty() {
                ws.write_string(row as u32, col as u16, text).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}
