//! 公民身份号码 (GB 11643-1999): the resident identity number that identifies a
//! candidate (`candidate_id`) or a staff member.

use crate::{Date, Error, RegionCode};
use chrono::Datelike;

const EXPECTED: &str = "18 characters: 6-digit region, 8-digit birth date YYYYMMDD, 3-digit sequence, check digit or X (GB 11643)";
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// A resident identity number whose ISO 7064 MOD 11-2 check character, region prefix
/// and birth date are valid. Lower-case `x` is accepted and stored as `X`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber([u8; 18]);

impl IdNumber {
    /// Parses and checks an 18-character identity number.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let t = text.trim().as_bytes();
        if t.len() != 18 {
            return Err(Error::invalid(
                format!("{} characters, not 18", text.trim().chars().count()),
                EXPECTED,
            ));
        }
        let mut b = [0u8; 18];
        b.copy_from_slice(t);
        if b[17] == b'x' {
            b[17] = b'X';
        }
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(Error::invalid(
                "contains characters other than digits and a final X",
                EXPECTED,
            ));
        }
        let id = IdNumber(b);
        RegionCode::parse(id.region_part()).map_err(|_| {
            Error::invalid(
                format!("region prefix {} is not a province code", id.region_part()),
                EXPECTED,
            )
        })?;
        let birth = id.birth_date_checked().ok_or_else(|| {
            Error::invalid(
                format!("birth date {} is not a calendar date", &id.as_str()[6..14]),
                EXPECTED,
            )
        })?;
        if !(1850..=2099).contains(&birth.year()) {
            return Err(Error::invalid(
                format!("birth year {} is not plausible", birth.year()),
                EXPECTED,
            ));
        }
        let expected = check_char(&b);
        if b[17] != expected {
            return Err(Error::invalid(
                format!(
                    "check character is {}, not {}",
                    expected as char, b[17] as char
                ),
                EXPECTED,
            ));
        }
        Ok(id)
    }

    /// Builds a valid number from its parts, computing the check character. Used by the
    /// generator; returns an error if the parts cannot form a valid number.
    pub fn from_parts(region: RegionCode, birth: Date, sequence: u16) -> Result<Self, Error> {
        if sequence > 999 {
            return Err(Error::invalid(
                format!("sequence {sequence} has more than 3 digits"),
                EXPECTED,
            ));
        }
        let body = format!(
            "{}{}{:03}",
            region.as_str(),
            birth.format("%Y%m%d"),
            sequence
        );
        let mut b = [0u8; 18];
        b[..17].copy_from_slice(body.as_bytes());
        b[17] = check_char(&b);
        Self::parse(std::str::from_utf8(&b).expect("ASCII"))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("IdNumber holds ASCII only")
    }

    /// The 6-digit region of first registration.
    pub fn region_part(&self) -> &str {
        &self.as_str()[..6]
    }

    /// The date of birth.
    pub fn birth_date(&self) -> Date {
        self.birth_date_checked().expect("checked at parse")
    }

    fn birth_date_checked(&self) -> Option<Date> {
        let s = &self.as_str()[6..14];
        let y = s[..4].parse().ok()?;
        let m = s[4..6].parse().ok()?;
        let d = s[6..8].parse().ok()?;
        Date::from_ymd_opt(y, m, d)
    }

    /// Sex from the parity of the sequence code: odd = male.
    pub fn is_male(&self) -> bool {
        (self.0[16] - b'0') % 2 == 1
    }

    /// Age in whole years on `on`.
    pub fn age_on(&self, on: Date) -> i32 {
        let b = self.birth_date();
        let mut age = on.year() - b.year();
        if (on.month(), on.day()) < (b.month(), b.day()) {
            age -= 1;
        }
        age
    }

    /// The masked form shown by default: region, eight stars, the last four
    /// (`110105********002X`). Full numbers are shown only on request, and logged.
    pub fn masked(&self) -> String {
        self.masked_display().to_string()
    }

    /// The masked form as a `Display`, for formatting without an intermediate string.
    pub fn masked_display(&self) -> MaskedId<'_> {
        MaskedId(self)
    }
}

/// An identity number shown masked (`110105********002X`).
#[derive(Clone, Copy)]
pub struct MaskedId<'a>(&'a IdNumber);

impl std::fmt::Display for MaskedId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0.as_str();
        write!(f, "{}********{}", &s[..6], &s[14..])
    }
}

fn check_char(b: &[u8; 18]) -> u8 {
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

crate::text_value!(IdNumber);

impl std::fmt::Debug for IdNumber {
    /// Debug output is masked so that logs never carry a full number by accident.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_test_vectors() {
        for valid in [
            "11010519491231002X",
            "440524188001010014",
            "11010519491231002x",
        ] {
            assert!(IdNumber::parse(valid).is_ok(), "{valid} should be valid");
        }
        let cases = [
            ("11010119900307001X", "check character"),
            ("1101051949123100", "16 characters"),
            ("11010519491331002X", "calendar date"),
            ("00010519491231002X", "region prefix"),
            ("1101051949123100AX", "digits"),
        ];
        for (invalid, why) in cases {
            let err = IdNumber::parse(invalid).unwrap_err().to_string();
            assert!(err.contains(why), "{invalid}: {err}");
        }
    }

    #[test]
    fn parts_are_decoded() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.region_part(), "110105");
        assert_eq!(id.birth_date(), Date::from_ymd_opt(1949, 12, 31).unwrap());
        assert!(!id.is_male());
        assert_eq!(id.age_on(Date::from_ymd_opt(2024, 12, 30).unwrap()), 74);
        assert_eq!(id.age_on(Date::from_ymd_opt(2024, 12, 31).unwrap()), 75);
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(110105********002X)");
    }

    proptest::proptest! {
        #[test]
        fn built_numbers_parse_back(days in 0i64..60_000, seq in 0u16..1000) {
            let birth = Date::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            let region = RegionCode::parse("420106").unwrap();
            let id = IdNumber::from_parts(region, birth, seq).unwrap();
            proptest::prop_assert_eq!(IdNumber::parse(id.as_str()).unwrap(), id);
            proptest::prop_assert_eq!(id.birth_date(), birth);
        }
    }
}
