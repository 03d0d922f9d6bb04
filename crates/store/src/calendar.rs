//! The working-day calendar (工作日历) kept in the store: holiday schedules that
//! administrators import year by year (`calendar_days`), over the schedule built into
//! the binary ([`domain::workdays::Calendar::embedded`]). A stored year replaces the
//! built-in one; importing a year again replaces its rows, in one transaction.

use crate::Store;
use crate::error::{Error, Result};
use crate::tx::{Cell, Kind, Writer, in_transaction};
use crate::value::Value;
use chrono::NaiveDateTime;
use domain::workdays::{Calendar, Day, check_year};
use std::collections::BTreeMap;

const TABLE: &str = "calendar_days";

/// The columns written, in migration order.
const COLUMNS: [&str; 6] = [
    "day",
    "off_day",
    "name",
    "year",
    "imported_at",
    "imported_by",
];

impl Store {
    /// Replaces the stored schedule of `year` by `days` (the listed days off and
    /// make-up working days of that year, e.g. from
    /// [`domain::workdays::parse_year_csv`]), recording who imported it and when.
    /// All or nothing: refused, with the store unchanged, if a day is not in `year`
    /// or a date is listed twice.
    pub async fn import_calendar_year(
        &self,
        year: i32,
        days: &[Day],
        by: &str,
        now: NaiveDateTime,
    ) -> Result<()> {
        // The arguments are refused before anything is written (the crate's error
        // has no variant for a caller's invalid data; this is sqlx's).
        check_year(year, days).map_err(|e| Error::Sql {
            context: format!("importing the calendar of {year}"),
            source: sqlx::Error::InvalidArgument(e.to_string()),
        })?;
        let rows: Vec<Vec<Value<'_>>> = days
            .iter()
            .map(|d| {
                vec![
                    Value::Date(d.date),
                    Value::Bool(d.off_day),
                    Value::Text(d.name.as_str().into()),
                    Value::Int(i64::from(year)),
                    Value::DateTime(now),
                    Value::Text(by.into()),
                ]
            })
            .collect();
        in_transaction!(self, w => {
            w.execute(
                format!("DELETE FROM {TABLE} WHERE year = $1"),
                &[Value::Int(i64::from(year))],
            )
            .await?;
            if !rows.is_empty() {
                w.insert(TABLE, &COLUMNS, &rows, &mut |_| {}).await?;
            }
        });
        Ok(())
    }

    /// The working-day calendar: the built-in schedule, with every year imported into
    /// the store replacing that year.
    pub async fn calendar(&self) -> Result<Calendar> {
        let rows = in_transaction!(read self, w => w
            .fetch(
                format!("SELECT CAST(day AS TEXT), off_day, name, year FROM {TABLE} ORDER BY day"),
                &[],
                &[Kind::Text, Kind::Bool, Kind::Text, Kind::Int],
            )
            .await?);
        let mut years: BTreeMap<i32, Vec<Day>> = BTreeMap::new();
        for (i, r) in rows.iter().enumerate() {
            let seq = i as i64 + 1;
            let corrupt = |column: &'static str, value: String, reason: String| Error::Corrupt {
                table: TABLE,
                seq,
                column,
                value,
                reason,
            };
            let text = r[0].text().unwrap_or_default();
            let date = domain::time::parse_date(&text)
                .map_err(|e| corrupt("day", text.clone(), e.to_string()))?;
            let off_day = match r[1] {
                Cell::Bool(b) => b,
                ref other => {
                    return Err(corrupt(
                        "off_day",
                        format!("{other:?}"),
                        "not a boolean".into(),
                    ));
                }
            };
            let year = i32::try_from(r[3].int())
                .map_err(|_| corrupt("year", r[3].int().to_string(), "not a year".into()))?;
            years.entry(year).or_default().push(Day {
                date,
                off_day,
                name: r[2].text().unwrap_or_default(),
            });
        }
        let mut calendar = Calendar::embedded();
        for (year, days) in years {
            calendar.with_year(year, days).map_err(|e| Error::Corrupt {
                table: TABLE,
                seq: i64::from(year),
                column: "day",
                value: format!("the stored schedule of {year}"),
                reason: e.to_string(),
            })?;
        }
        Ok(calendar)
    }
}
