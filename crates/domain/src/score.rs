//! 分数: a subject score with at most one decimal.
//!
//! Out-of-range scores (below 0 or above 100) are representable on purpose: they are
//! score-entry errors that screening reports under guide item 4, so the reader must
//! keep them rather than refuse the dataset.

use crate::Error;

const EXPECTED: &str = "a number with at most one decimal, normally 0..100 (e.g. 78.5)";

/// A score in tenths of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Score(i32);

impl Score {
    /// Parses `78`, `78.5` or `78.50`; more precision than one decimal is refused.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let t = text.trim();
        let v: f64 = t
            .parse()
            .map_err(|_| Error::invalid(format!("\"{t}\" is not a number"), EXPECTED))?;
        Self::from_f64(v)
            .ok_or_else(|| Error::invalid(format!("{t} has more than one decimal"), EXPECTED))
    }

    /// From a number (an Excel cell); `None` if it has more than one decimal or is not finite.
    pub fn from_f64(v: f64) -> Option<Self> {
        let tenths = (v * 10.0).round();
        (v.is_finite() && (v * 10.0 - tenths).abs() < 1e-6 && tenths.abs() < 1e7)
            .then_some(Score(tenths as i32))
    }

    /// From tenths of a point.
    pub const fn from_tenths(t: i32) -> Self {
        Score(t)
    }

    /// Tenths of a point.
    pub const fn tenths(self) -> i32 {
        self.0
    }

    /// As a number.
    pub fn value(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// Whether it lies in 0..=100.
    pub fn in_range(self) -> bool {
        (0..=1000).contains(&self.0)
    }
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        if a.is_multiple_of(10) {
            write!(f, "{sign}{}", a / 10)
        } else {
            write!(f, "{sign}{}.{}", a / 10, a % 10)
        }
    }
}

impl serde::Serialize for Score {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_decimal_round_trips() {
        for (t, shown) in [
            ("78", "78"),
            ("78.5", "78.5"),
            ("78.50", "78.5"),
            ("-3", "-3"),
            ("105.5", "105.5"),
            ("-0.5", "-0.5"),
        ] {
            assert_eq!(Score::parse(t).unwrap().to_string(), shown);
        }
        assert!(!Score::parse("105").unwrap().in_range());
        assert!(Score::parse("100").unwrap().in_range());
        assert!(Score::parse("78.25").is_err());
        assert!(Score::parse("abc").is_err());
        assert_eq!(Score::from_f64(85.3), Some(Score::from_tenths(853)));
    }
}
