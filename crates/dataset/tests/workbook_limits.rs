//! Workbook bombs: workbooks built here with the zip crate whose sheets expand far
//! beyond their size on disk, or declare more rows or strings than they may, are
//! refused before they are read, with a message naming the limit and the file.

use dataset::read::{ReadOptions, read_dataset};
use dataset::testing::{MAIN, Sheet, row, rows, workbook};
use dataset::{Error, Limit, Limits};
use std::io::Write;
use std::path::Path;

fn read(path: &Path, limits: Limits) -> Result<dataset::read::Loaded, Error> {
    read_dataset(
        path,
        &ReadOptions {
            progress: None,
            limits,
        },
    )
}

#[test]
fn a_small_honest_workbook_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ok.xlsx");
    let three = rows(3);
    workbook(
        &path,
        &[Sheet {
            name: "results",
            dimension: Some("A1:C4"),
            rows: &three,
        }],
        None,
    );
    let loaded = read(&path, Limits::default()).unwrap();
    assert_eq!(loaded.dataset.tables.results.len(), 3);
}

#[test]
fn a_bomb_is_refused_from_its_central_directory_with_the_limit_named() {
    // 1.1 GiB of sheet XML in about a megabyte: the issue's 2.2 MB workbook held 1.5 GB.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("炸弹.xlsx");
    let chunk = row(0).repeat((1 << 20) / row(0).len() + 1);
    let bomb = |w: &mut dyn Write| (0..1100).try_for_each(|_| w.write_all(chunk.as_bytes()));
    workbook(
        &path,
        &[Sheet {
            name: "results",
            dimension: None,
            rows: &bomb,
        }],
        None,
    );
    let on_disk = std::fs::metadata(&path).unwrap().len();
    assert!(
        on_disk < 16 << 20,
        "the bomb is small on disk: {on_disk} bytes"
    );
    let err = read(&path, Limits::default()).unwrap_err();
    let Error::TooLarge {
        limit,
        sheet,
        part,
        found,
        max,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(
        (*limit, sheet.as_deref(), part.as_deref(), *max),
        (
            Limit::SheetBytes,
            Some("results"),
            Some("xl/worksheets/sheet1.xml"),
            1 << 30
        )
    );
    assert!(*found > 1 << 30);
    let message = err.to_string();
    for needle in [
        "炸弹.xlsx",
        "sheet \"results\"",
        "beyond the limit of 1 GiB per sheet",
        "Limits::sheet_bytes",
    ] {
        assert!(message.contains(needle), "{needle}: {message}");
    }
}

#[test]
fn the_whole_workbook_is_limited_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.xlsx");
    // About 650 KB of XML a sheet, 5,000 rows each.
    let parts: Vec<_> = (0..3)
        .map(|p| {
            move |w: &mut dyn Write| {
                (p * 5_000..(p + 1) * 5_000).try_for_each(|i| w.write_all(row(i).as_bytes()))
            }
        })
        .collect();
    let names = ["results", "results (2)", "results (3)"];
    let sheets: Vec<Sheet<'_>> = names
        .iter()
        .zip(&parts)
        .map(|(name, rows)| Sheet {
            name,
            dimension: None,
            rows,
        })
        .collect();
    workbook(&path, &sheets, None);
    let limits = Limits {
        sheet_bytes: 1 << 20,
        workbook_bytes: 3 << 19,
        ..Limits::default()
    };
    let err = read(&path, limits).unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit: Limit::WorkbookBytes, sheet: None, max, .. } if max == 3 << 19),
        "{err}"
    );
    assert!(err.to_string().contains("Limits::workbook_bytes"), "{err}");
    // Within both limits, the three parts read as one table.
    let loaded = read(
        &path,
        Limits {
            workbook_bytes: 4 << 20,
            ..limits
        },
    )
    .unwrap();
    assert_eq!(loaded.dataset.tables.results.len(), 15_000);
}

#[test]
fn rows_declared_by_the_dimension_are_refused_before_the_cells_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tall.xlsx");
    // Malformed XML after the declared dimension: reading the cells would fail.
    let broken = |w: &mut dyn Write| w.write_all(b"<row><c><v>1</broken>");
    workbook(
        &path,
        &[Sheet {
            name: "results",
            dimension: Some("A1:C6000000"),
            rows: &broken,
        }],
        None,
    );
    let err = read(&path, Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooLarge {
                limit: Limit::Rows,
                found: 6_000_000,
                max: 5_000_000,
                ..
            }
        ),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("6,000,000 rows, beyond the limit of 5,000,000 rows per workbook"),
        "{message}"
    );
}

#[test]
fn rows_a_sheet_does_not_declare_are_counted_while_streaming() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tall.xlsx");
    let twenty = rows(20);
    let sheet = |name| Sheet {
        name,
        dimension: None,
        rows: &twenty,
    };
    workbook(&path, &[sheet("results"), sheet("results (2)")], None);
    let limits = Limits {
        rows: 30,
        ..Limits::default()
    };
    let err = read(&path, limits).unwrap_err();
    assert!(
        matches!(&err, Error::TooLarge { limit: Limit::Rows, found: 31, max: 30, sheet: Some(s), .. } if s == "results (2)"),
        "{err}"
    );
    // A lying dimension does not help: it is counted all the same.
    let lying = dir.path().join("lying.xlsx");
    workbook(
        &lying,
        &[Sheet {
            name: "results",
            dimension: Some("A1:C2"),
            rows: &twenty,
        }],
        None,
    );
    let err = read(
        &lying,
        Limits {
            rows: 10,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooLarge {
                limit: Limit::Rows,
                found: 11,
                ..
            }
        ),
        "{err}"
    );
}

/// Rewrites the uncompressed size a zip declares for `name`, in its local header
/// and in the central directory.
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let patch =
        |zip: &mut [u8], signature: &[u8], name_len_at: usize, name_at: usize, size_at: usize| {
            let mut patched = 0;
            for i in 0..zip.len().saturating_sub(name_at) {
                if &zip[i..i + 4] != signature {
                    continue;
                }
                let len =
                    u16::from_le_bytes([zip[i + name_len_at], zip[i + name_len_at + 1]]) as usize;
                if zip.get(i + name_at..i + name_at + len) == Some(name.as_bytes()) {
                    zip[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
                    patched += 1;
                }
            }
            assert_eq!(patched, 1, "{name} in one header");
        };
    patch(zip, b"PK\x03\x04", 26, 30, 22);
    patch(zip, b"PK\x01\x02", 28, 46, 24);
}

#[test]
fn a_part_that_inflates_past_its_declared_size_is_not_read_past_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("liar.xlsx");
    let many = rows(100_000); // 13 MB of XML, declared as 4 KiB
    workbook(
        &path,
        &[Sheet {
            name: "results",
            dimension: None,
            rows: &many,
        }],
        None,
    );
    let mut bytes = std::fs::read(&path).unwrap();
    declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 4096);
    std::fs::write(&path, bytes).unwrap();
    let err = read(&path, Limits::default()).unwrap_err();
    assert!(
        matches!(&err, Error::XlsxRead { message, .. } if message.contains("larger than its declared uncompressed size")),
        "{err}"
    );
}

#[test]
fn shared_strings_may_not_declare_more_than_they_hold() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("strings.xlsx");
    let none = rows(0);
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="4000000000" uniqueCount="4000000000"><si><t>pass</t></si></sst>"#
    );
    workbook(
        &path,
        &[Sheet {
            name: "results",
            dimension: None,
            rows: &none,
        }],
        Some(&sst),
    );
    let err = read(&path, Limits::default()).unwrap_err();
    assert!(
        matches!(&err, Error::XlsxRead { message, .. } if message.contains("declares 4,000,000,000 strings")),
        "{err}"
    );
}
