//! 统一社会信用代码 (GB 32100-2015): identifies institutions, employers and affiliates.

use crate::Error;

const EXPECTED: &str = "18 characters from 0-9 and A-Y without I, O, S, V, Z, ending in the GB 32100-2015 check character";
/// The 31-character alphabet of GB 32100-2015 (no I, O, S, V, Z).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code with a valid check character and a numeric region part.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode([u8; 18]);

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

impl CreditCode {
    /// Parses and checks a code; lower-case letters are accepted and stored upper-case.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let t = text.trim();
        if t.len() != 18 || !t.is_ascii() {
            return Err(Error::invalid(
                format!("{} characters, not 18", t.chars().count()),
                EXPECTED,
            ));
        }
        let mut b = [0u8; 18];
        b.copy_from_slice(t.as_bytes());
        b.make_ascii_uppercase();
        if let Some(bad) = b.iter().find(|&&c| value(c).is_none()) {
            return Err(Error::invalid(
                format!("character {} is not in the code alphabet", *bad as char),
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
        if !b[2..8].iter().all(u8::is_ascii_digit) {
            return Err(Error::invalid(
                "characters 3-8 are not a 6-digit region code",
                EXPECTED,
            ));
        }
        Ok(CreditCode(b))
    }

    /// Builds a valid code from its first 17 characters, computing the check character.
    pub fn from_body(body: &str) -> Result<Self, Error> {
        if body.len() != 17 || !body.is_ascii() {
            return Err(Error::invalid("the body must be 17 characters", EXPECTED));
        }
        let mut b = [b'0'; 18];
        b[..17].copy_from_slice(body.as_bytes());
        if b[..17].iter().any(|&c| value(c).is_none()) {
            return Err(Error::invalid(
                "the body has characters outside the alphabet",
                EXPECTED,
            ));
        }
        b[17] = check_char(&b);
        Self::parse(std::str::from_utf8(&b).expect("ASCII"))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("CreditCode holds ASCII only")
    }

    /// 登记管理部门代码 (1 = 机构编制, 5 = 民政, 9 = 工商, ...).
    pub fn authority(&self) -> char {
        self.0[0] as char
    }

    /// 登记管理机关行政区划码: the 6-digit region of registration.
    pub fn region_part(&self) -> &str {
        &self.as_str()[2..8]
    }
}

fn check_char(b: &[u8; 18]) -> u8 {
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(&c, w)| value(c).expect("checked") * w)
        .sum();
    ALPHABET[((31 - sum % 31) % 31) as usize]
}

crate::text_value!(CreditCode);

impl std::fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CreditCode({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_test_vectors() {
        let code = CreditCode::parse("91350100M000100Y43").unwrap();
        assert_eq!(code.region_part(), "350100");
        assert_eq!(code.authority(), '9');
        assert_eq!(CreditCode::parse("91350100m000100y43").unwrap(), code);
        let err = CreditCode::parse("91350100M000100Y44")
            .unwrap_err()
            .to_string();
        assert!(err.contains("check character is 3, not 4"), "{err}");
        let err = CreditCode::parse("91350100M0001I0Y43")
            .unwrap_err()
            .to_string();
        assert!(err.contains("character I"), "{err}");
        assert!(CreditCode::parse("91350100M000100Y4").is_err());
    }

    #[test]
    fn from_body_computes_the_check_character() {
        assert_eq!(
            CreditCode::from_body("91350100M000100Y4").unwrap().as_str(),
            "91350100M000100Y43"
        );
    }
}
