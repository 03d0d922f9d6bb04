//! Import templates: one valid sample row per table that reads back through the
//! reader, and (in the workbook) the allowed values of every column.

use calamine::Reader;
use dataset::read::{ReadOptions, read_dataset};
use dataset::schema::columns;
use dataset::template::{self, NOTES_SHEET, allowed, sample, sample_rows_in};
use domain::enums::{CertStatus, Education, InstitutionKind};
use domain::model::Table;

fn tables() -> impl Iterator<Item = Table> {
    Table::ALL.into_iter().filter(|t| *t != Table::Meta)
}

#[test]
fn every_table_has_one_sample_row() {
    let s = sample();
    for table in tables() {
        assert_eq!(s.len(table), 1, "{table}");
    }
    assert!(!s.present.contains(&Table::Meta));
}

#[test]
fn the_csv_templates_read_back_as_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    for table in tables() {
        let bytes = template::csv(table).unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = columns(table).iter().map(|c| c.zh).collect();
        assert_eq!(
            lines.next(),
            Some(format!("\u{feff}{}", header.join(",")).as_str()),
            "{table}"
        );
        assert!(
            lines.next().is_some_and(|l| !l.is_empty()),
            "{table}: a sample row"
        );
        assert_eq!(lines.next(), None, "{table}: one sample row");
        // Each template alone is a dataset of one table…
        let alone = dir.path().join(table.name());
        std::fs::create_dir(&alone).unwrap();
        std::fs::write(alone.join(format!("{}.csv", table.name())), &bytes).unwrap();
        let loaded = read_dataset(&alone, &ReadOptions::default()).unwrap();
        assert_eq!(loaded.dataset.tables.len(table), 1, "{table}");
        assert!(loaded.warnings.is_empty(), "{table}: {:?}", loaded.warnings);
        std::fs::write(dir.path().join(format!("{}.csv", table.name())), &bytes).unwrap();
    }
    // … and all of them together are the sample, unchanged.
    let loaded = read_dataset(dir.path(), &ReadOptions::default()).unwrap();
    assert_eq!(loaded.dataset.tables, sample());
}

#[test]
fn the_workbook_template_reads_back_and_lists_the_allowed_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dataset.xlsx");
    template::write_xlsx(&path).unwrap();
    let loaded = read_dataset(&path, &ReadOptions::default()).unwrap();
    assert_eq!(loaded.dataset.tables, sample());
    assert!(
        loaded.warnings.is_empty(),
        "the notes sheet is skipped silently: {:?}",
        loaded.warnings
    );

    let mut wb = calamine::open_workbook_auto(&path).unwrap();
    let notes = wb.worksheet_range(NOTES_SHEET).unwrap();
    let rows: Vec<Vec<String>> = notes
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows[0][..6],
        [
            "数据表",
            "表名",
            "列名（中文）",
            "列名（英文）",
            "必填",
            "可填写的值或格式"
        ]
    );
    for table in tables() {
        for c in columns(table) {
            let row = rows
                .iter()
                .find(|r| {
                    r.get(1).map(String::as_str) == Some(table.name())
                        && r.get(3).map(String::as_str) == Some(c.name)
                })
                .unwrap_or_else(|| panic!("{table}.{} is listed", c.name));
            assert_eq!(row[2], c.zh);
            assert!(!row[5].is_empty(), "{table}.{} says what it takes", c.name);
        }
    }
    let says = |table: &str, column: &str| -> String {
        rows.iter()
            .find(|r| {
                r.get(1).map(String::as_str) == Some(table)
                    && r.get(3).map(String::as_str) == Some(column)
            })
            .map(|r| r[5].clone())
            .unwrap()
    };
    for kind in InstitutionKind::ALL {
        assert!(says("institutions", "kind").contains(&format!("{} {}", kind.code(), kind.zh())));
    }
    for status in CertStatus::ALL {
        assert!(says("certificates", "status").contains(&format!(
            "{} {}",
            status.code(),
            status.zh()
        )));
    }
    for education in Education::ALL {
        assert!(says("enrollments", "education").contains(education.zh()));
    }
    assert!(
        says("batches", "level").contains("4 四级/中级工"),
        "{}",
        says("batches", "level")
    );
    assert!(says("enrollments", "candidate_id").contains("18 位公民身份号码"));
    assert!(says("batches", "start_at").contains("YYYY-MM-DD HH:MM"));
    assert!(says("certificates", "issued_on").contains("YYYY-MM-DD"));
    assert!(says("scopes", "occupation_code").contains("D-DD-DD-DD"));
}

#[test]
fn every_column_of_every_table_says_what_it_takes() {
    let silent: Vec<String> = Table::ALL
        .into_iter()
        .flat_map(|t| columns(t).iter().map(move |c| (t, c)))
        .filter(|(t, c)| allowed(*t, c).is_empty())
        .map(|(t, c)| format!("{t}.{}", c.name))
        .collect();
    assert!(silent.is_empty(), "{silent:?}");
}

#[test]
fn an_upload_still_holding_a_sample_row_is_found() {
    let s = sample();
    let found = sample_rows_in(&s);
    assert_eq!(found.len(), tables().count());
    assert!(found.iter().all(|(_, index)| *index == 0));
    let (province, _) =
        dataset::generate::generate_tables(&dataset::generate::GenConfig::default());
    assert_eq!(sample_rows_in(&province), vec![]);
}
