//! The statutory working-day calendar (工作日历): which days are working days (工作日)
//! under the State Council's annual holiday schedule (国务院办公厅关于部分节假日安排的通知),
//! and deadline arithmetic in working days.
//!
//! A day is a working day when it is Monday–Friday and not listed as a day off (放假),
//! or when it is a weekend day listed as a make-up working day (调休上班). The schedule
//! of 2022–2026 is built in (`data/holidays.csv`, from holiday-cn; see
//! `data/holidays.NOTICE.md`); administrators add later years from a CSV of the same
//! shape ([`parse_year_csv`], [`Calendar::with_year`]). For a year that is not loaded
//! the calendar falls back to Monday–Friday and says so ([`Reckoning::fallback_years`],
//! [`Count::fallback_years`]) so that callers can warn: such a deadline may be wrong by
//! the holidays of that year.
//!
//! Counting follows the civil rule for periods (《民法典》第二百零一条: “按照年、月、日计算
//! 期间的，开始的当日不计入，自下一日开始计算”): the start day is not counted.

use crate::Error;
use crate::time::{Date, parse_date};
use chrono::{Datelike, Days, Weekday};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound::{Excluded, Included};

/// The built-in schedule: `date,off_day,name`, one row per listed day, sorted.
pub const HOLIDAYS_CSV: &str = include_str!("../data/holidays.csv");

/// The header of a calendar CSV.
pub const CSV_HEADER: &str = "date,off_day,name";

/// Dates past this year are not reckoned (the text form has four-digit years).
const LAST_YEAR: i32 = 9999;

/// One day the holiday schedule lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: Date,
    /// `true`: a day off (放假), even on a weekday; `false`: a make-up working day
    /// (调休上班) on a weekend.
    pub off_day: bool,
    /// The holiday it belongs to, e.g. 春节, 国庆节.
    pub name: String,
}

/// A date reckoned in working days, and the years on the way for which no schedule is
/// loaded (counted Monday–Friday; callers should warn that the date may be off).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reckoning {
    pub date: Date,
    /// Years, ascending, that the reckoning crossed without a loaded schedule.
    pub fallback_years: Vec<i32>,
}

/// A number of working days, and the years counted Monday–Friday for want of a
/// loaded schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub days: u32,
    /// Years, ascending, that the count crossed without a loaded schedule.
    pub fallback_years: Vec<i32>,
}

/// The working-day calendar: the listed days of every loaded year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days: BTreeMap<Date, Day>,
    years: BTreeSet<i32>,
}

impl Calendar {
    /// The built-in schedule (2022–2026).
    pub fn embedded() -> Calendar {
        let days = parse_rows(HOLIDAYS_CSV)
            .expect("the built-in holidays.csv is valid (checked by the unit tests)");
        let mut by_year: BTreeMap<i32, Vec<Day>> = BTreeMap::new();
        for (_, day) in days {
            by_year.entry(day.date.year()).or_default().push(day);
        }
        let mut calendar = Calendar::default();
        for (year, days) in by_year {
            calendar
                .with_year(year, days)
                .expect("the built-in holidays.csv is valid (checked by the unit tests)");
        }
        calendar
    }

    /// Loads (or replaces) the schedule of `year`: afterwards exactly `days` are its
    /// listed days, and the year counts as loaded even if `days` is empty. Refused,
    /// with the calendar unchanged, if a day is not in `year` or a date is listed twice.
    pub fn with_year(&mut self, year: i32, days: Vec<Day>) -> Result<&mut Self, Error> {
        check_year(year, &days)?;
        self.days.retain(|d, _| d.year() != year);
        self.days.extend(days.into_iter().map(|d| (d.date, d)));
        self.years.insert(year);
        Ok(self)
    }

    /// The years whose schedule is loaded, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// Whether the schedule of `year` is loaded.
    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The listed days of `year` (empty if it is not loaded), by date.
    pub fn days_of(&self, year: i32) -> impl Iterator<Item = &Day> + '_ {
        let range = Date::from_ymd_opt(year, 1, 1).zip(Date::from_ymd_opt(year, 12, 31));
        range
            .into_iter()
            .flat_map(|(first, last)| self.days.range(first..=last).map(|(_, d)| d))
    }

    /// The schedule's entry for `date`, if it lists it.
    pub fn day(&self, date: Date) -> Option<&Day> {
        self.days.get(&date)
    }

    /// Whether `date` is a working day (工作日): a listed day off is not, a listed
    /// make-up day (调休) is, otherwise Monday–Friday are.
    pub fn is_working_day(&self, date: Date) -> bool {
        match self.days.get(&date) {
            Some(d) => !d.off_day,
            None => is_weekday(date),
        }
    }

    /// The date `n` working days after `start`, the start day not counted: the last
    /// day of a period of `n` working days beginning the day after `start`. `n = 0`
    /// gives `start`.
    ///
    /// The regulations set such periods, e.g. 复核 (review request) in
    /// 《湖北省技能人才评价违纪违规行为处理工作规程(试行)》第十九条: “对处理决定存在异议的机构
    /// 或个人,可在收到处理决定之日起15个工作日内向作出处理决定的评价机构或人社部门申请复核。
    /// 各级人社部门、评价机构按照分级受理要求,受理复核申请,并在15个工作日内对申请内容进行核实,
    /// 作出复核决定,特殊情况可延长10个工作日”: a decision received on `start` may be
    /// contested until `add(start, 15)`. And 督导情况记录表 in
    /// 《青海省技能人才评价质量督导工作规程》第十七条: “质量督导员应在日常督导工作结束后2个
    /// 工作日向委派机构提交督导情况记录表”: due by `add(end_of_supervision, 2)`.
    ///
    /// Refused only if the date would fall after 9999-12-31.
    pub fn add(&self, start: Date, n: u32) -> Result<Reckoning, Error> {
        let too_far = || {
            Error::invalid(
                format!("{n} working days after {start} is after 9999-12-31"),
                "a number of working days that ends by 9999-12-31",
            )
        };
        // Every working day takes at least a calendar day.
        match start.checked_add_days(Days::new(u64::from(n))) {
            Some(d) if d.year() <= LAST_YEAR => {}
            _ => return Err(too_far()),
        }
        let mut date = start;
        let mut left = n;
        while left > 0 {
            // Whole weeks without a listed day hold five working days each: jump them,
            // leaving at least one working day to step to.
            if left > 5 {
                let weeks = (left - 1) / 5;
                if let Some(next) = date
                    .checked_add_days(Days::new(7 * u64::from(weeks)))
                    .filter(|d| d.year() <= LAST_YEAR)
                    && self
                        .days
                        .range((Excluded(date), Included(next)))
                        .next()
                        .is_none()
                {
                    date = next;
                    left -= 5 * weeks;
                    continue;
                }
            }
            date = date
                .succ_opt()
                .filter(|d| d.year() <= LAST_YEAR)
                .ok_or_else(too_far)?;
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        Ok(Reckoning {
            date,
            fallback_years: self.fallback_years(start, date),
        })
    }

    /// The number of working days after `from` up to and including `to` (the days in
    /// `(from, to]`): how many working days of a period beginning the day after `from`
    /// have run by `to`, so a deadline of `n` working days is met on `to` when the
    /// count is at most `n`. Zero when `to == from`; refused when `to` is before
    /// `from` (a period cannot run backwards; swap the dates to measure it).
    pub fn between(&self, from: Date, to: Date) -> Result<Count, Error> {
        if to < from {
            return Err(Error::invalid(
                format!("the end date {to} is before the start date {from}"),
                "an end date on or after the start date",
            ));
        }
        let span = (to - from).num_days();
        let mut days = span / 7 * 5;
        let mut d = from + Days::new((span / 7 * 7) as u64);
        while d < to {
            d = d + Days::new(1);
            days += i64::from(is_weekday(d));
        }
        for day in self
            .days
            .range((Excluded(from), Included(to)))
            .map(|(_, d)| d)
        {
            match (is_weekday(day.date), day.off_day) {
                (true, true) => days -= 1,
                (false, false) => days += 1,
                _ => {}
            }
        }
        Ok(Count {
            days: u32::try_from(days).unwrap_or(u32::MAX),
            fallback_years: self.fallback_years(from, to),
        })
    }

    /// The years of `(from, to]` without a loaded schedule.
    fn fallback_years(&self, from: Date, to: Date) -> Vec<i32> {
        match from.succ_opt() {
            Some(first) if first <= to => (first.year()..=to.year())
                .filter(|y| !self.years.contains(y))
                .collect(),
            _ => Vec::new(),
        }
    }
}

fn is_weekday(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Checks that every day is in `year` and no date is listed twice.
pub fn check_year(year: i32, days: &[Day]) -> Result<(), Error> {
    let mut seen = BTreeSet::new();
    for d in days {
        if d.date.year() != year {
            return Err(Error::invalid(
                format!("{} is not in {year}", d.date),
                "the days of the one year being loaded",
            ));
        }
        if !seen.insert(d.date) {
            return Err(Error::invalid(
                format!("{} is listed twice", d.date),
                "each date once",
            ));
        }
    }
    Ok(())
}

/// Parses one year's schedule from CSV (UTF-8, optional BOM): the header
/// `date,off_day,name`, then one row per listed day with `date` as YYYY-MM-DD,
/// `off_day` `true` (放假) or `false` (调休上班) and the holiday's name; fields may be
/// quoted. Every date must be in the year of the first one, and listed once. Errors
/// give the row (the header is row 1) and column.
pub fn parse_year_csv(text: &str) -> Result<(i32, Vec<Day>), Error> {
    let rows = parse_rows(text)?;
    let Some(year) = rows.first().map(|(_, d)| d.date.year()) else {
        return Err(Error::invalid(
            "the file lists no days",
            "the header date,off_day,name and at least one row",
        ));
    };
    for (row, d) in &rows {
        if d.date.year() != year {
            return Err(Error::invalid(
                format!(
                    "row {row}, column date: {} is in {}, but the file's first date is in {year}",
                    d.date,
                    d.date.year()
                ),
                "dates of one year only (one file per year)",
            ));
        }
    }
    Ok((year, rows.into_iter().map(|(_, d)| d).collect()))
}

/// Parses the CSV rows of any years, each with its row number; duplicate dates refused.
fn parse_rows(text: &str) -> Result<Vec<(usize, Day)>, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((row, header)) = lines.next() else {
        return Err(Error::invalid(
            "the file is empty",
            "the header date,off_day,name and one row per listed day",
        ));
    };
    let fields = split_fields(row, header)?;
    let names: Vec<String> = fields.iter().map(|f| f.trim().to_lowercase()).collect();
    if names != ["date", "off_day", "name"] {
        return Err(Error::invalid(
            format!("row {row}: the header is \"{header}\""),
            "the header date,off_day,name",
        ));
    }
    let mut seen: HashMap<Date, usize> = HashMap::new();
    let mut out = Vec::new();
    for (row, line) in lines {
        let fields = split_fields(row, line)?;
        let [date, off_day, name] = fields.as_slice() else {
            return Err(Error::invalid(
                format!("row {row}: {} fields in \"{line}\"", fields.len()),
                "three fields: date,off_day,name",
            ));
        };
        let date = parse_date(date).map_err(|_| {
            Error::invalid(
                format!("row {row}, column date: \"{}\" is not a date", date.trim()),
                "a date YYYY-MM-DD, e.g. 2027-02-06",
            )
        })?;
        let off_day = match off_day.trim().to_lowercase().as_str() {
            "true" => true,
            "false" => false,
            other => {
                return Err(Error::invalid(
                    format!("row {row}, column off_day: \"{other}\" is not true or false"),
                    "true (a day off, 放假) or false (a make-up working day, 调休上班)",
                ));
            }
        };
        let name = name.trim();
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(Error::invalid(
                format!("row {row}, column name: \"{name}\" is not a holiday name"),
                "the holiday's name, e.g. 春节",
            ));
        }
        if let Some(first) = seen.insert(date, row) {
            return Err(Error::invalid(
                format!("row {row}, column date: {date} is already listed on row {first}"),
                "each date once",
            ));
        }
        out.push((
            row,
            Day {
                date,
                off_day,
                name: name.to_string(),
            },
        ));
    }
    Ok(out)
}

/// Splits one CSV line into fields; a field may be quoted (`"a,b"`, `""` for a quote).
fn split_fields(row: usize, line: &str) -> Result<Vec<String>, Error> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(Error::invalid(
            format!("row {row}: a quoted field is not closed in \"{line}\""),
            "fields separated by commas, quoted fields closed on the same line",
        ));
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn date(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    /// The days listed in the holiday-cn JSON fixtures (every file, keyed by date).
    fn fixtures() -> HashMap<Date, bool> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/holiday-cn");
        let mut listed = HashMap::new();
        for year in 2022..=2026 {
            let path = dir.join(format!("{year}.json"));
            let text = std::fs::read_to_string(&path).unwrap();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(json["year"], year, "{}", path.display());
            for d in json["days"].as_array().unwrap() {
                let day = date(d["date"].as_str().unwrap());
                let off = d["isOffDay"].as_bool().unwrap();
                assert_eq!(listed.insert(day, off), None, "{day} listed twice");
            }
        }
        listed
    }

    #[test]
    fn every_day_of_2022_to_2026_agrees_with_holiday_cn() {
        let calendar = Calendar::embedded();
        assert_eq!(
            calendar.years().collect::<Vec<_>>(),
            [2022, 2023, 2024, 2025, 2026]
        );
        let listed = fixtures();
        let mut d = date("2022-01-01");
        let (mut days, mut working) = (0, 0);
        while d <= date("2026-12-31") {
            let want = match listed.get(&d) {
                Some(off) => !off,
                None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
            };
            assert_eq!(calendar.is_working_day(d), want, "{d} ({})", d.weekday());
            days += 1;
            working += u32::from(want);
            d = d.succ_opt().unwrap();
        }
        assert_eq!(days, 1826);
        let all = calendar
            .between(date("2021-12-31"), date("2026-12-31"))
            .unwrap();
        assert_eq!(all.days, working);
        assert!(all.fallback_years.is_empty());
        // Every listed day in the fixtures is in the CSV, and nothing else.
        assert_eq!(listed.len(), calendar.days.len());
        for (d, off) in &listed {
            assert_eq!(calendar.day(*d).map(|d| d.off_day), Some(*off), "{d}");
        }
    }

    #[test]
    fn known_days() {
        let c = Calendar::embedded();
        for (d, working) in [
            ("2024-02-09", true),  // 除夕 2024 was a working Friday
            ("2024-02-12", false), // 春节, Monday
            ("2024-02-18", true),  // 调休, Sunday
            ("2024-02-24", false), // an ordinary Saturday
            ("2025-10-08", false), // 国庆节、中秋节, Wednesday
            ("2025-10-11", true),  // 调休, Saturday
            ("2027-01-01", true),  // 2027 not loaded: a Friday counts
        ] {
            assert_eq!(c.is_working_day(date(d)), working, "{d}");
        }
        assert_eq!(c.day(date("2026-02-17")).unwrap().name, "春节");
    }

    /// (start, n, the date n working days after start), worked out from the schedule.
    const ADD: &[(&str, u32, &str)] = &[
        ("2024-02-18", 0, "2024-02-18"),
        // 春节 2024: 2/4 (Sun) 调休; 2/10–2/17 off; 2/18 (Sun) 调休.
        ("2024-02-02", 1, "2024-02-04"),
        ("2024-02-08", 1, "2024-02-09"),
        ("2024-02-09", 1, "2024-02-18"),
        ("2024-02-01", 15, "2024-02-27"),
        ("2024-02-08", 15, "2024-03-06"),
        // 春节 2025: 1/26 (Sun) 调休; 1/28–2/4 off; 2/8 (Sat) 调休.
        ("2025-01-24", 1, "2025-01-26"),
        ("2025-01-27", 1, "2025-02-05"),
        ("2025-02-07", 1, "2025-02-08"),
        ("2025-01-27", 15, "2025-02-24"),
        // 春节 2026: 2/14 (Sat) 调休; 2/15–2/23 off; 2/28 (Sat) 调休.
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-13", 2, "2026-02-24"),
        ("2026-02-27", 1, "2026-02-28"),
        ("2026-02-10", 15, "2026-03-09"),
        // 国庆 2023: 9/29–10/6 off; 10/7 (Sat), 10/8 (Sun) 调休.
        ("2023-09-28", 1, "2023-10-07"),
        ("2023-10-06", 1, "2023-10-07"),
        ("2023-09-27", 15, "2023-10-24"),
        // 国庆 2024: 9/29 (Sun) 调休; 10/1–10/7 off; 10/12 (Sat) 调休.
        ("2024-09-27", 1, "2024-09-29"),
        ("2024-09-30", 1, "2024-10-08"),
        ("2024-10-11", 1, "2024-10-12"),
        ("2024-09-30", 15, "2024-10-25"),
        // 国庆 2025: 9/28 (Sun) 调休; 10/1–10/8 off; 10/11 (Sat) 调休.
        ("2025-09-26", 1, "2025-09-28"),
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-10-10", 1, "2025-10-11"),
        ("2025-09-30", 15, "2025-10-28"),
        // 国庆 2026: 9/20 (Sun) 调休; 10/1–10/7 off; 10/10 (Sat) 调休.
        ("2026-09-18", 1, "2026-09-20"),
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-10-09", 1, "2026-10-10"),
        ("2026-09-30", 15, "2026-10-27"),
    ];

    /// (from, to, working days in (from, to]), worked out from the schedule.
    const BETWEEN: &[(&str, &str, u32)] = &[
        ("2024-02-18", "2024-02-18", 0),
        ("2024-02-09", "2024-02-18", 1),
        ("2024-02-01", "2024-02-29", 17),
        ("2025-01-24", "2025-02-10", 7),
        ("2026-02-01", "2026-02-28", 16),
        ("2026-02-13", "2026-03-02", 7),
        ("2023-09-28", "2023-10-09", 3),
        ("2024-09-27", "2024-10-14", 8),
        ("2025-09-26", "2025-10-13", 7),
        ("2026-09-18", "2026-10-12", 12),
        ("2026-10-01", "2026-10-07", 0),
        ("2025-12-31", "2026-12-31", 248),
    ];

    #[test]
    fn add_around_spring_festival_and_national_day() {
        let c = Calendar::embedded();
        for &(start, n, want) in ADD {
            let r = c.add(date(start), n).unwrap();
            assert_eq!(r.date, date(want), "{start} + {n}");
            assert!(r.fallback_years.is_empty(), "{start} + {n}");
            assert!(c.is_working_day(r.date) || n == 0, "{start} + {n}");
            // The period is exactly n working days long.
            assert_eq!(
                c.between(date(start), r.date).unwrap().days,
                n,
                "{start} + {n}"
            );
        }
    }

    #[test]
    fn between_around_spring_festival_and_national_day() {
        let c = Calendar::embedded();
        for &(from, to, want) in BETWEEN {
            let n = c.between(date(from), date(to)).unwrap();
            assert_eq!(n.days, want, "({from}, {to}]");
            assert!(n.fallback_years.is_empty());
        }
    }

    #[test]
    fn between_agrees_with_counting_day_by_day() {
        let c = Calendar::embedded();
        let start = date("2021-12-20");
        for offset in (0..1900).step_by(13) {
            let from = start + Days::new(offset);
            let mut count = 0;
            let mut d = from;
            for len in 0..40 {
                assert_eq!(c.between(from, d).unwrap().days, count, "({from}, {d}]");
                if len > 0 && c.is_working_day(d) {
                    assert_eq!(c.add(from, count).unwrap().date, d, "{from} + {count}");
                }
                d = d.succ_opt().unwrap();
                count += u32::from(c.is_working_day(d));
            }
        }
    }

    #[test]
    fn a_year_not_loaded_falls_back_to_monday_to_friday_and_says_so() {
        let c = Calendar::embedded();
        let r = c.add(date("2026-12-31"), 1).unwrap();
        assert_eq!(r.date, date("2027-01-01"));
        assert_eq!(r.fallback_years, [2027]);
        let r = c.add(date("2027-09-30"), 15).unwrap();
        assert_eq!(r.date, date("2027-10-21"));
        assert_eq!(r.fallback_years, [2027]);
        let n = c.between(date("2026-12-01"), date("2028-01-03")).unwrap();
        assert_eq!(n.fallback_years, [2027, 2028]);
        assert_eq!(
            n.days,
            c.between(date("2026-12-01"), date("2026-12-31"))
                .unwrap()
                .days
                + 261
                + 1
        );
        // Before the first loaded year too.
        assert_eq!(c.add(date("2021-12-30"), 1).unwrap().fallback_years, [2021]);
        // Nothing crossed, nothing to warn about.
        assert!(
            c.add(date("2026-12-31"), 0)
                .unwrap()
                .fallback_years
                .is_empty()
        );
        assert!(
            c.between(date("2027-03-01"), date("2027-03-01"))
                .unwrap()
                .fallback_years
                .is_empty()
        );
    }

    #[test]
    fn a_year_added_from_csv_is_used_and_replaces_the_old() {
        let mut c = Calendar::embedded();
        let (year, days) = parse_year_csv(
            "\u{feff}date,off_day,name\r\n2027-01-01,true,元旦\r\n2027-02-20,false,春节\r\n\"2027-02-15\",\"true\",\"春节, 初九\"\r\n\r\n",
        )
        .unwrap();
        assert_eq!(year, 2027);
        assert_eq!(days.len(), 3);
        assert_eq!(days[2].name, "春节, 初九");
        c.with_year(year, days).unwrap();
        assert!(c.has_year(2027));
        let r = c.add(date("2026-12-31"), 1).unwrap();
        assert_eq!(
            r,
            Reckoning {
                date: date("2027-01-04"),
                fallback_years: vec![]
            }
        );
        assert!(c.is_working_day(date("2027-02-20")));
        assert!(!c.is_working_day(date("2027-02-15")));
        // Loading a year again replaces its days; other years stay.
        let before = c.days_of(2026).count();
        c.with_year(2027, vec![]).unwrap();
        assert_eq!(c.days_of(2027).count(), 0);
        assert!(c.is_working_day(date("2027-02-15")));
        assert!(c.has_year(2027));
        assert_eq!(c.days_of(2026).count(), before);
        // Replacing a built-in year.
        let (_, days) = parse_year_csv("date,off_day,name\n2024-03-01,true,测试\n").unwrap();
        c.with_year(2024, days).unwrap();
        assert!(!c.is_working_day(date("2024-03-01")));
        assert!(c.is_working_day(date("2024-02-12")));
    }

    #[test]
    fn with_year_refuses_days_of_another_year_or_twice() {
        let mut c = Calendar::embedded();
        let day = |d: &str| Day {
            date: date(d),
            off_day: true,
            name: "元旦".into(),
        };
        let e = c
            .with_year(2027, vec![day("2027-01-01"), day("2028-01-01")])
            .unwrap_err();
        assert!(e.to_string().contains("2028-01-01 is not in 2027"), "{e}");
        let e = c
            .with_year(2027, vec![day("2027-01-01"), day("2027-01-01")])
            .unwrap_err();
        assert!(e.to_string().contains("listed twice"), "{e}");
        assert_eq!(c, Calendar::embedded());
    }

    #[test]
    fn bad_csv_is_refused_with_row_column_and_what_is_valid() {
        let h = "date,off_day,name\n";
        for (text, want) in [
            (
                "",
                "the file is empty; expected the header date,off_day,name",
            ),
            (
                "day,off,name\n",
                "row 1: the header is \"day,off,name\"; expected the header date,off_day,name",
            ),
            (
                h,
                "lists no days; expected the header date,off_day,name and at least one row",
            ),
            (
                &format!("{h}2027-01-01,true,元旦\n2027-02-30,true,春节\n"),
                "row 3, column date: \"2027-02-30\" is not a date; expected a date YYYY-MM-DD",
            ),
            (
                &format!("{h}2027-01-01,yes,元旦\n"),
                "row 2, column off_day: \"yes\" is not true or false; expected true (a day off, 放假) or false",
            ),
            (
                &format!("{h}2027-01-01,true,\n"),
                "row 2, column name: \"\" is not a holiday name",
            ),
            (
                &format!("{h}2027-01-01,true,元旦\n\n2027-01-01,true,元旦\n"),
                "row 4, column date: 2027-01-01 is already listed on row 2; expected each date once",
            ),
            (
                &format!("{h}2027-01-01,true,元旦\n2028-01-01,true,元旦\n"),
                "row 3, column date: 2028-01-01 is in 2028, but the file's first date is in 2027; expected dates of one year only",
            ),
            (
                &format!("{h}2027-01-01,true\n"),
                "row 2: 2 fields in \"2027-01-01,true\"; expected three fields",
            ),
            (
                &format!("{h}2027-01-01,true,\"元旦\n"),
                "row 2: a quoted field is not closed",
            ),
        ] {
            let e = parse_year_csv(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}:\n  got  {e}\n  want {want}");
        }
    }

    #[test]
    fn the_embedded_csv_is_sorted_and_in_the_documented_shape() {
        let mut lines = HOLIDAYS_CSV.lines();
        assert_eq!(lines.next(), Some(CSV_HEADER));
        let dates: Vec<&str> = lines.map(|l| &l[..10]).collect();
        assert!(dates.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn far_dates_are_refused_not_looped_over() {
        let c = Calendar::embedded();
        let e = c.add(date("2024-01-01"), u32::MAX).unwrap_err().to_string();
        assert!(e.contains("after 9999-12-31"), "{e}");
        let r = c.add(date("2024-01-01"), 1_000_000).unwrap();
        assert_eq!(
            c.between(date("2024-01-01"), r.date).unwrap().days,
            1_000_000
        );
        assert_eq!(r.fallback_years.first(), Some(&2027));
        assert!(c.between(date("2024-02-01"), date("2024-01-31")).unwrap_err().to_string().contains(
            "the end date 2024-01-31 is before the start date 2024-02-01; expected an end date on or after the start date"
        ));
    }
}
