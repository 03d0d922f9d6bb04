//! `zhijian workdays` as a user runs it (deadlines and counts in working days around
//! 春节 and 国庆, the Monday–Friday fallback warning, refused arguments), and the
//! calendar kept in the store on both backends.

use crate::common::{text, zhijian};
use crate::store::{Backend, fresh, open, rt, suite};
use domain::Date;
use domain::workdays::{Calendar, parse_year_csv};
use std::process::{Command, Output};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn date(s: &str) -> Date {
    domain::time::parse_date(s).unwrap()
}

#[test]
fn add_around_spring_festival_and_national_day() {
    for (start, n, want) in [
        ("2024-02-09", "1", "2024-02-18"), // 春节 2024, then the 调休 Sunday
        ("2024-02-08", "15", "2024-03-06"),
        ("2025-01-27", "1", "2025-02-05"),
        ("2026-02-13", "2", "2026-02-24"), // the 调休 Saturday, then after 春节
        ("2023-09-28", "1", "2023-10-07"),
        ("2025-09-30", "15", "2025-10-28"),
        ("2026-09-30", "1", "2026-10-08"),
        ("2026-03-02", "0", "2026-03-02"),
    ] {
        let out = zhijian(&["workdays", "add", start, n]);
        assert!(out.status.success(), "{start} + {n}: {}", text(&out));
        assert_eq!(stdout(&out), want, "{start} + {n}");
        assert_eq!(
            stderr(&out),
            "",
            "{start} + {n}: no warning within 2022–2026"
        );
    }
}

#[test]
fn between_around_spring_festival_and_national_day() {
    for (from, to, want) in [
        ("2024-02-09", "2024-02-18", "1"),
        ("2024-02-01", "2024-02-29", "17"),
        ("2026-02-01", "2026-02-28", "16"),
        ("2023-09-28", "2023-10-09", "3"),
        ("2024-09-27", "2024-10-14", "8"),
        ("2025-09-26", "2025-10-13", "7"),
        ("2026-10-01", "2026-10-07", "0"),
        ("2026-10-07", "2026-10-07", "0"),
    ] {
        let out = zhijian(&["workdays", "between", from, to]);
        assert!(out.status.success(), "({from}, {to}]: {}", text(&out));
        assert_eq!(stdout(&out), want, "({from}, {to}]");
        assert_eq!(stderr(&out), "");
    }
}

#[test]
fn a_year_without_a_schedule_is_counted_monday_to_friday_with_a_warning() {
    let out = zhijian(&["workdays", "add", "2026-12-31", "1"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(stdout(&out), "2027-01-01");
    let warning = stderr(&out);
    assert!(
        warning.contains("no holiday schedule for 2027") && warning.contains("Monday–Friday"),
        "{warning}"
    );
    let out = zhijian(&["workdays", "between", "2026-12-01", "2028-01-03"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stderr(&out).contains("no holiday schedule for 2027, 2028"),
        "{}",
        text(&out)
    );
}

#[test]
fn bad_arguments_are_refused_saying_what_is_valid() {
    for (args, want) in [
        (
            &["workdays", "add", "2024-02-30", "1"][..],
            "\"2024-02-30\" is not a date; expected a date YYYY-MM-DD",
        ),
        (
            &["workdays", "add", "15/03/2024", "1"],
            "expected a date YYYY-MM-DD",
        ),
        (
            &["workdays", "add", "2024-03-15", "-1"],
            "expected a whole number from 0 to",
        ),
        (
            &["workdays", "add", "2024-03-15", "fifteen"],
            "\"fifteen\" is not a number of working days; expected a whole number",
        ),
        (
            &["workdays", "between", "2024-03-15", "2024-03-01"],
            "the end date 2024-03-01 is before the start date 2024-03-15; expected an end date on or after the start date",
        ),
        (&["workdays", "add", "9999-12-30", "5"], "after 9999-12-31"),
    ] {
        let out = zhijian(args);
        assert!(
            !out.status.success(),
            "{args:?} was accepted: {}",
            text(&out)
        );
        assert!(text(&out).contains(want), "{args:?}:\n{}", text(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
    }
}

#[test]
fn add_and_between_create_no_store_unless_one_is_named() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zhijian"))
        .args(["workdays", "add", "2025-09-30", "1"])
        .env_remove(store::DB_ENV)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(stdout(&out), "2025-10-09");
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
}

#[test]
fn a_malformed_calendar_file_is_refused_with_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2027.csv");
    std::fs::write(
        &file,
        "date,off_day,name\n2027-01-01,true,元旦\n2027-02-06,maybe,春节\n",
    )
    .unwrap();
    let db = format!("sqlite:{}", dir.path().join("store.db").display());
    let out = zhijian(&["workdays", "import", file.to_str().unwrap(), "--db", &db]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(
            "2027.csv: row 3, column off_day: \"maybe\" is not true or false; expected true"
        ),
        "{}",
        text(&out)
    );
    assert!(
        !dir.path().join("store.db").exists(),
        "nothing to store, no store opened"
    );
}

/// A 2027 schedule: 元旦 on Friday 1 January, 春节 5–11 February (Friday to
/// Thursday) with Saturday 13 February worked.
const YEAR_2027: &str = "date,off_day,name\n\
    2027-01-01,true,元旦\n\
    2027-02-05,true,春节\n2027-02-08,true,春节\n2027-02-09,true,春节\n\
    2027-02-10,true,春节\n2027-02-11,true,春节\n2027-02-13,false,春节\n";

suite!(calendar_year_import_overrides_the_embedded_data);

fn calendar_year_import_overrides_the_embedded_data(b: Backend) {
    let db = fresh(b, "calendar");
    let now = date("2026-11-20").and_hms_opt(10, 0, 0).unwrap();
    rt().block_on(async {
        let store = open(&db).await;
        assert_eq!(store.calendar().await.unwrap(), Calendar::embedded());

        let (year, days) = parse_year_csv(YEAR_2027).unwrap();
        store
            .import_calendar_year(year, &days, "admin", now)
            .await
            .unwrap();
        let c = store.calendar().await.unwrap();
        assert!(c.has_year(2027));
        let r = c.add(date("2026-12-31"), 1).unwrap();
        assert_eq!((r.date, r.fallback_years), (date("2027-01-04"), vec![]));
        assert_eq!(
            c.add(date("2027-02-04"), 1).unwrap().date,
            date("2027-02-12")
        );
        assert_eq!(
            c.add(date("2027-02-12"), 1).unwrap().date,
            date("2027-02-13")
        );

        // A stored year replaces the built-in one: 2024 with only 1 March off.
        let (_, only) = parse_year_csv("date,off_day,name\n2024-03-01,true,测试\n").unwrap();
        store
            .import_calendar_year(2024, &only, "admin", now)
            .await
            .unwrap();
        let c = store.calendar().await.unwrap();
        assert!(
            c.is_working_day(date("2024-02-12")),
            "built-in 春节 2024 replaced"
        );
        assert!(
            !c.is_working_day(date("2024-02-18")),
            "the 调休 Sunday is gone too"
        );
        assert!(!c.is_working_day(date("2024-03-01")));
        assert!(
            !c.is_working_day(date("2025-01-28")),
            "other built-in years stay"
        );

        // Importing a year again replaces its rows.
        let (_, again) = parse_year_csv("date,off_day,name\n2027-01-01,true,元旦\n").unwrap();
        store
            .import_calendar_year(2027, &again, "admin", now)
            .await
            .unwrap();
        let c = store.calendar().await.unwrap();
        assert_eq!(c.days_of(2027).count(), 1);
        assert!(c.is_working_day(date("2027-02-08")));

        // Days of another year are refused and nothing changes.
        let mut wrong = days.clone();
        wrong[0].date = date("2028-01-01");
        let e = store
            .import_calendar_year(2027, &wrong, "admin", now)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("2028-01-01 is not in 2027"), "{e}");
        assert_eq!(store.calendar().await.unwrap(), c);
        store.close().await;
    });

    // The CLI: import a file, then reckon with and without the store.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("2027.csv");
    std::fs::write(&file, format!("\u{feff}{YEAR_2027}")).unwrap();
    let out = zhijian(&[
        "workdays",
        "import",
        file.to_str().unwrap(),
        "--db",
        &db.url,
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stdout(&out).contains("holiday schedule of 2027") && stdout(&out).contains("6 days off"),
        "{}",
        text(&out)
    );
    let out = zhijian(&["workdays", "add", "2027-02-04", "1", "--db", &db.url]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(stdout(&out), "2027-02-12");
    assert_eq!(stderr(&out), "", "2027 is loaded from the store");
    let out = zhijian(&[
        "workdays",
        "between",
        "2027-01-31",
        "2027-02-28",
        "--db",
        &db.url,
    ]);
    assert_eq!(stdout(&out), "16", "{}", text(&out));
    let out = zhijian(&["workdays", "add", "2027-02-04", "1"]);
    assert_eq!(
        stdout(&out),
        "2027-02-05",
        "without the store, Monday–Friday"
    );
    assert!(stderr(&out).contains("2027"), "{}", text(&out));
    rt().block_on(async {
        let store = open(&db).await;
        let c = store.calendar().await.unwrap();
        assert_eq!(c.days_of(2027).count(), 7);
        assert_eq!(c.days_of(2024).count(), 1, "the 2024 replacement is kept");
        store.close().await;
    });
}
