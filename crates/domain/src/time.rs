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
    if let Some(d) = iso_date(t.as_bytes()).filter(|_| t.len() == 10) {
        return Ok(d);
    }
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
    if let Some(d) = iso_datetime(t.as_bytes()) {
        return Ok(d);
    }
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

/// The value of an all-digit slice.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// Fast path for `YYYY-MM-DD` at the start of `b` (millions of cells per import:
/// chrono's format interpreter is several times slower). Anything else, including
/// an impossible date, falls through to the general parser and its error.
fn iso_date(b: &[u8]) -> Option<Date> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    Date::from_ymd_opt(
        digits(&b[..4])? as i32,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )
}

/// Fast path for `YYYY-MM-DD HH:MM[:SS]` (or with `T`).
fn iso_datetime(b: &[u8]) -> Option<DateTime> {
    if !(b.len() == 16 || b.len() == 19) || !(b[10] == b' ' || b[10] == b'T') || b[13] != b':' {
        return None;
    }
    let seconds = if b.len() == 19 {
        if b[16] != b':' {
            return None;
        }
        digits(&b[17..19])?
    } else {
        0
    };
    iso_date(b)?.and_hms_opt(digits(&b[11..13])?, digits(&b[14..16])?, seconds)
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
        assert!(parse_datetime("2024-03-15 09:30:61").is_err());
        assert_eq!(
            parse_datetime("2024-03-15T09:30:07").unwrap(),
            want + chrono::Duration::seconds(7)
        );
        assert!(parse_date("2024-03-15x").is_err());
    }
}
