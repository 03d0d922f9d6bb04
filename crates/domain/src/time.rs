//! Dates and local China datetimes: the one date/time representation of Zhijian.

use crate::Error;

/// A calendar date.
pub type Date = chrono::NaiveDate;
/// A local China (UTC+8) datetime, without a zone: the data is recorded in local time.
pub type DateTime = chrono::NaiveDateTime;

const DATE_EXPECTED: &str = "a date YYYY-MM-DD, e.g. 2024-03-15";
const DATETIME_EXPECTED: &str =
    "a local time YYYY-MM-DD HH:MM[:SS] or YYYY-MM-DDTHH:MM, e.g. 2024-03-15 09:00";

/// Parses `YYYY-MM-DD` (also `YYYY/MM/DD`, as Excel-made CSVs often carry).
pub fn parse_date(text: &str) -> Result<Date, Error> {
    let t = text.trim();
    for fmt in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = Date::parse_from_str(t, fmt) {
            return Ok(d);
        }
    }
    Err(Error::invalid(
        format!("\"{t}\" is not a date"),
        DATE_EXPECTED,
    ))
}

/// Parses `YYYY-MM-DDTHH:MM`, `YYYY-MM-DD HH:MM[:SS]` (also with `/`); a bare date
/// means midnight.
pub fn parse_datetime(text: &str) -> Result<DateTime, Error> {
    let t = text.trim();
    for fmt in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
    ] {
        if let Ok(d) = DateTime::parse_from_str(t, fmt) {
            return Ok(d);
        }
    }
    if let Ok(d) = parse_date(t) {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight exists"));
    }
    Err(Error::invalid(
        format!("\"{t}\" is not a date and time"),
        DATETIME_EXPECTED,
    ))
}

/// Formats a datetime as the dataset writes it: `YYYY-MM-DD HH:MM`, with seconds
/// only when they are not zero.
pub fn format_datetime(dt: &DateTime) -> String {
    use chrono::Timelike;
    if dt.second() == 0 {
        dt.format("%Y-%m-%d %H:%M").to_string()
    } else {
        dt.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_formats_parse() {
        let want = Date::from_ymd_opt(2024, 3, 15)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap();
        for t in [
            "2024-03-15T09:30",
            "2024-03-15 09:30",
            "2024-03-15 09:30:00",
            "2024/03/15 09:30",
        ] {
            assert_eq!(parse_datetime(t).unwrap(), want, "{t}");
        }
        assert_eq!(format_datetime(&want), "2024-03-15 09:30");
        assert_eq!(parse_datetime("2024-03-15").unwrap().date(), want.date());
        assert_eq!(parse_date("2024-03-15").unwrap(), want.date());
        for bad in ["2024-02-30", "15/03/2024", "2024-13-01", ""] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert!(parse_datetime("2024-03-15 25:00").is_err());
    }
}
