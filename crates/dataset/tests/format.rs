//! The interchange format end to end: located errors, headers, encodings, xlsx.

use dataset::Error;
use dataset::write::{DatasetWriter, Format, Headers};
use domain::model::Table;

mod common;
use common::{read, write_tiny};

#[test]
fn a_valid_dataset_reads_with_indexes() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny(dir.path(), |_, t| t.to_string());
    let loaded = read(dir.path()).unwrap();
    let ds = &loaded.dataset;
    assert_eq!(ds.tables.enrollments.len(), 2);
    assert_eq!(ds.tables.meta.policy.as_deref(), Some("national"));
    assert!(ds.reference_issues().is_empty());
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let batch = ds
        .batch(&domain::ids::BatchId::parse("B001").unwrap())
        .unwrap();
    assert_eq!(batch.level.number(), 4);
    assert!(!ds.tables.present.contains(&Table::Answers));
}

#[test]
fn three_bad_values_give_exactly_three_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny(dir.path(), |name, text| match name {
        // A bad ID checksum (…001X → …002X is valid), an unknown enum value, a malformed date.
        "enrollments" => text.replacen("11010519491231002X,王秀英", "11010519491231001X,王秀英", 1),
        "results" => text.replace("fail", "failed"),
        "certificates" => text.replace("2024-04-02", "2024-04-31"),
        _ => text.to_string(),
    });
    let Err(Error::Invalid { errors, total }) = read(dir.path()) else {
        panic!("the dataset must be refused")
    };
    assert_eq!(total, 3, "{errors:#?}");
    let located: Vec<_> = errors
        .iter()
        .map(|e| (e.table, e.row, e.column.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(
        located,
        vec![
            (Table::Enrollments, 2, "candidate_id", "11010519491231001X"),
            (Table::Results, 3, "result", "failed"),
            (Table::Certificates, 2, "issued_on", "2024-04-31"),
        ]
    );
    assert!(
        errors[0].message.contains("check character"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[1].message.contains("pass, fail, absent"),
        "{}",
        errors[1].message
    );
    assert!(
        errors[2].message.contains("YYYY-MM-DD"),
        "{}",
        errors[2].message
    );
    let shown = errors[0].to_string();
    assert!(
        shown.starts_with("enrollments.csv (参评人员) row 2, column candidate_id [B]"),
        "{shown}"
    );
}

#[test]
fn references_to_missing_rows_are_kept_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny(dir.path(), |name, text| match name {
        "batches" => text.replace("B001,I0001", "B001,I0404"),
        "scores" => format!("{text}B001,110105194912310003,skill,80\n")
            .replace("110105194912310003", "11010519491231002X"),
        _ => text.to_string(),
    });
    let ds = read(dir.path()).unwrap().dataset;
    let issues: Vec<_> = ds
        .reference_issues()
        .iter()
        .map(|i| (i.table, i.column, i.value.as_str()))
        .collect();
    assert_eq!(issues, vec![(Table::Batches, "institution_id", "I0404")]);
}

#[test]
fn a_missing_required_column_names_the_valid_columns() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny(dir.path(), |name, text| {
        if name == "results" {
            text.replace(",result\n", ",outcome\n")
        } else {
            text.to_string()
        }
    });
    let Err(Error::Invalid { errors, total }) = read(dir.path()) else {
        panic!("must be refused")
    };
    assert_eq!(total, 1, "{errors:#?}");
    assert_eq!(
        (errors[0].table, errors[0].row, errors[0].column.as_str()),
        (Table::Results, 1, "result")
    );
    assert!(
        errors[0].message.contains("result [结果]"),
        "{}",
        errors[0].message
    );
}

#[test]
fn chinese_headers_gb18030_and_unknown_columns_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny(dir.path(), |_, t| t.to_string());
    let results = "批次号,身份证号,结果,备注\nB001,11010519491231002X,合格,无\nB001,440524188001010014,不合格,\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(results);
    std::fs::write(dir.path().join("results.csv"), bytes).unwrap();
    let loaded = read(dir.path()).unwrap();
    assert_eq!(loaded.dataset.tables.results.len(), 2);
    assert_eq!(
        loaded.warnings,
        vec!["results.csv: unknown column \"备注\" ignored".to_string()]
    );
}

#[test]
fn more_than_a_hundred_errors_are_capped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny(dir.path(), |name, text| {
        if name == "results" {
            let mut s = String::from("batch_id,candidate_id,result\n");
            for _ in 0..150 {
                s.push_str("B001,11010519491231002X,maybe\n");
            }
            s
        } else {
            text.to_string()
        }
    });
    let Err(Error::Invalid { errors, total }) = read(dir.path()) else {
        panic!("must be refused")
    };
    assert_eq!((errors.len(), total), (100, 150));
}

#[test]
fn csv_xlsx_and_chinese_headers_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny(&dir.path().join("csv"), |_, t| t.to_string());
    let original = read(&dir.path().join("csv")).unwrap().dataset.tables;
    for (format, headers, name) in [
        (Format::Xlsx, Headers::English, "en.xlsx"),
        (Format::Xlsx, Headers::Chinese, "zh.xlsx"),
        (Format::Csv, Headers::Chinese, "zh-csv"),
    ] {
        let path = dir.path().join(name);
        let mut w = DatasetWriter::create_with(&path, format, headers).unwrap();
        w.append(&original).unwrap();
        w.finish().unwrap();
        let back = read(&path).unwrap().dataset.tables;
        assert_eq!(back, original, "{name}");
    }
}

#[test]
fn big_tables_continue_on_numbered_sheets() {
    let dir = tempfile::tempdir().unwrap();
    write_tiny(&dir.path().join("csv"), |_, t| t.to_string());
    let original = read(&dir.path().join("csv")).unwrap().dataset.tables;
    let path = dir.path().join("split.xlsx");
    let mut w = DatasetWriter::create(&path, Format::Xlsx).unwrap();
    w.set_sheet_rows(2); // header + one row per sheet
    w.append(&original).unwrap();
    w.finish().unwrap();
    use calamine::Reader;
    let names = calamine::open_workbook_auto(&path).unwrap().sheet_names();
    assert!(names.contains(&"enrollments (2)".to_string()), "{names:?}");
    assert_eq!(read(&path).unwrap().dataset.tables, original);
}
