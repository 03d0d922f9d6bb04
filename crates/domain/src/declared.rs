//! Declared values (申报信息): what an applicant or institution claimed on an
//! application — education, work years, the prior-level certificate, the employer.
//!
//! ../shared/spec/dataset.md: “Declared values … are evidence to screen, not
//! structure: a malformed or impossible one is kept as written and becomes a finding
//! with its reason (a forged prior certificate number that cannot exist is item 10),
//! never a refusal of the dataset.” A [`Declared`] value is therefore either the
//! parsed value or the text as written with the reason it cannot be one; the
//! reason is recomputed from the text by the same parser, so the two cannot drift.
//!
//! Work years are the one declared number: [`WorkYears`] keeps the decimal exactly as
//! written (`5.3`, `4.9`) and compares it exactly with whole-year thresholds
//! (4.9 does not satisfy 满5年).

use crate::enums::{Education, parse_bool};
use crate::time::parse_date;
use crate::{CertNo, CreditCode, Date, Error, Level, OccupationCode};
use compact_str::CompactString;
use std::borrow::Cow;

/// A type a declared column holds: parsed from the text of a cell, with the reason
/// in Chinese when the text cannot be one (shown in the finding), and written back
/// as text.
pub trait Declarable: Sized {
    /// The value, or why the text cannot be one (Chinese, for findings).
    fn parse_declared(text: &str) -> Result<Self, String>;
    /// The text form, which parses back to an equal value.
    fn declared_text(&self) -> Cow<'_, str>;
}

/// A declared value: parsed, or kept as written with the reason it is malformed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Declared<T>(Repr<T>);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr<T> {
    Valid(T),
    Malformed(Box<Malformed>),
}

/// A declared text that is not a valid value of its column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Malformed {
    text: CompactString,
    reason: String,
}

impl Malformed {
    /// The text as written (trimmed).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Why it is not a valid value, in Chinese.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl<T: Declarable> Declared<T> {
    /// Parses a declared cell; never fails: a malformed text is kept with its reason.
    pub fn parse(text: &str) -> Self {
        let t = text.trim();
        match T::parse_declared(t) {
            Ok(v) => Declared(Repr::Valid(v)),
            Err(reason) => Declared(Repr::Malformed(Box::new(Malformed {
                text: t.into(),
                reason,
            }))),
        }
    }

    /// The text: the value's text form, or the malformed text as written.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Valid(v) => v.declared_text(),
            Repr::Malformed(m) => Cow::Borrowed(&m.text),
        }
    }
}

impl<T> Declared<T> {
    /// The parsed value; `None` when malformed.
    pub fn get(&self) -> Option<&T> {
        match &self.0 {
            Repr::Valid(v) => Some(v),
            Repr::Malformed(_) => None,
        }
    }

    /// The malformed text and its reason; `None` when valid.
    pub fn malformed(&self) -> Option<&Malformed> {
        match &self.0 {
            Repr::Valid(_) => None,
            Repr::Malformed(m) => Some(m),
        }
    }
}

impl<T> From<T> for Declared<T> {
    fn from(v: T) -> Self {
        Declared(Repr::Valid(v))
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Declared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Repr::Valid(v) => v.fmt(f),
            Repr::Malformed(m) => write!(f, "Malformed({:?}: {})", m.text, m.reason),
        }
    }
}

/// The valid value of an optional declared field: `None` when absent or malformed.
pub fn valid<T>(v: &Option<Declared<T>>) -> Option<&T> {
    v.as_ref().and_then(Declared::get)
}

/// 相关工作年限: years of related work as declared, a decimal kept exactly as
/// written (`5`, `5.3`, `4.95`), from 0 to 80.
///
/// Comparison with the whole-year thresholds of 申报条件 is exact: `x ≥ n` for a
/// whole `n` holds exactly when the whole part of `x` is at least `n`, so 4.9 and
/// 4.999 do not satisfy 满5年 and no rounding is involved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkYears {
    text: CompactString,
    whole: u8,
}

impl WorkYears {
    /// The most years accepted.
    pub const MAX: u8 = 80;

    /// Parses `5`, `5.3` or `5.25`: digits, optionally a point and more digits, at
    /// most 80.
    pub fn parse(text: &str) -> Result<Self, Error> {
        const EXPECTED: &str = "years from 0 to 80, decimals allowed (e.g. 5 or 5.5)";
        let t = text.trim();
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (t.contains('.') && !digits(frac)) {
            return Err(Error::invalid(
                format!("\"{t}\" is not a number of years"),
                EXPECTED,
            ));
        }
        let w = whole.trim_start_matches('0');
        let w: u32 = if w.is_empty() {
            0
        } else if w.len() > 3 {
            u32::MAX
        } else {
            w.parse().expect("1 to 3 digits")
        };
        let over = w > u32::from(Self::MAX)
            || (w == u32::from(Self::MAX) && frac.bytes().any(|b| b != b'0'));
        if over {
            return Err(Error::invalid(format!("{t} is more than 80"), EXPECTED));
        }
        Ok(WorkYears {
            text: t.into(),
            whole: w as u8,
        })
    }

    /// Whole years (the declared number without its fraction).
    pub fn from_whole(years: u8) -> Self {
        WorkYears::parse(&years.min(Self::MAX).to_string()).expect("whole years parse")
    }

    /// The whole part.
    pub fn whole(&self) -> u8 {
        self.whole
    }

    /// Whether at least `years` whole years were declared (exact).
    pub fn at_least(&self, years: u8) -> bool {
        self.whole >= years
    }

    /// As written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// As a number (for evidence and spreadsheets; comparisons use [`Self::at_least`]).
    pub fn value(&self) -> f64 {
        self.text.parse().expect("digits with at most one point")
    }
}

crate::text_value!(WorkYears);

impl From<u8> for WorkYears {
    fn from(years: u8) -> Self {
        WorkYears::from_whole(years)
    }
}

impl Declarable for WorkYears {
    fn parse_declared(text: &str) -> Result<Self, String> {
        WorkYears::parse(text).map_err(|_| {
            format!(
                "“{text}”不是 0～{} 之间的年数（可带小数，如 5 或 5.5）",
                WorkYears::MAX
            )
        })
    }
    fn declared_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
}

impl Declarable for CertNo {
    fn parse_declared(text: &str) -> Result<Self, String> {
        CertNo::parse(text).map_err(|_| crate::cert_no::defect(text))
    }
    fn declared_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
}

impl Declarable for Level {
    fn parse_declared(text: &str) -> Result<Self, String> {
        Level::parse(text).map_err(|_| format!("“{text}”不是职业技能等级（应为 1～5 级）"))
    }
    fn declared_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.number().to_string())
    }
}

impl Declarable for Date {
    fn parse_declared(text: &str) -> Result<Self, String> {
        parse_date(text).map_err(|_| format!("“{text}”不是有效日期（应为 YYYY-MM-DD）"))
    }
    fn declared_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.format("%Y-%m-%d").to_string())
    }
}

impl Declarable for OccupationCode {
    fn parse_declared(text: &str) -> Result<Self, String> {
        OccupationCode::parse(text).map_err(|_| {
            format!("“{text}”不是职业分类大典编码（应为 D-DD-DD-DD 或 D-DD-DD-DD-DD）")
        })
    }
    fn declared_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl Declarable for CreditCode {
    fn parse_declared(text: &str) -> Result<Self, String> {
        CreditCode::parse(text).map_err(|e| match e {
            Error::Invalid { reason, .. } if reason.contains("check character") => {
                format!("“{text}”的校验码不符，不是有效的统一社会信用代码")
            }
            _ => format!("“{text}”不是有效的统一社会信用代码（应为 18 位）"),
        })
    }
    fn declared_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
}

impl Declarable for Education {
    fn parse_declared(text: &str) -> Result<Self, String> {
        Education::parse(text).map_err(|_| {
            format!("“{text}”不是学历代码表中的学历（初中、高中/中专、技工学校、高级技工学校/技师学院、大专、本科、研究生或无）")
        })
    }
    fn declared_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.code())
    }
}

impl Declarable for bool {
    fn parse_declared(text: &str) -> Result<Self, String> {
        parse_bool(text).map_err(|_| format!("“{text}”不是 是/否"))
    }
    fn declared_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_years_keep_their_decimals_and_compare_exactly() {
        let y = WorkYears::parse("4.9").unwrap();
        assert_eq!((y.whole(), y.as_str()), (4, "4.9"));
        assert!(!y.at_least(5), "4.9 years do not satisfy 满5年");
        assert!(WorkYears::parse("4.999").is_ok_and(|y| !y.at_least(5)));
        assert!(WorkYears::parse("5.0").unwrap().at_least(5));
        assert!(WorkYears::parse("5.3").unwrap().at_least(5));
        assert_eq!(WorkYears::parse("5.30").unwrap().as_str(), "5.30");
        assert_eq!(WorkYears::parse("80").unwrap().whole(), 80);
        assert_eq!(WorkYears::parse("80.00").unwrap().whole(), 80);
        assert_eq!(WorkYears::from(7).as_str(), "7");
        for bad in ["80.5", "81", "-1", "5.", ".5", "五年", "5,5", "1e3", "0100"] {
            assert!(WorkYears::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(WorkYears::parse("007").unwrap().whole(), 7);
    }

    #[test]
    fn malformed_values_are_kept_with_their_reason() {
        let d: Declared<CertNo> = Declared::parse("S000042114537668146196");
        let m = d.malformed().expect("level digit 8");
        assert_eq!(m.text(), "S000042114537668146196");
        assert!(m.reason().contains("等级码 8"), "{}", m.reason());
        assert_eq!(d.text(), "S000042114537668146196");
        assert!(d.get().is_none());
        let ok: Declared<CertNo> = Declared::parse(" S000042001234243000077 ");
        assert_eq!(ok.get().map(|c| c.as_str()), Some("S000042001234243000077"));
        let y: Declared<WorkYears> = Declared::parse("5.3");
        assert_eq!(y.get().map(WorkYears::whole), Some(5));
        let e: Declared<Education> = Declared::parse("大学");
        assert!(e.malformed().unwrap().reason().contains("学历"));
        let l: Declared<Level> = Declared::parse("六级");
        assert!(l.malformed().is_some());
        assert_eq!(Declared::<Level>::parse("三级").text(), "3");
        let d: Declared<Date> = Declared::parse("2023-02-30");
        assert!(d.malformed().unwrap().reason().contains("日期"));
        let b: Declared<bool> = Declared::parse("相关");
        assert!(b.malformed().is_some());
        assert_eq!(Declared::<bool>::parse("是").text(), "true");
    }
}
