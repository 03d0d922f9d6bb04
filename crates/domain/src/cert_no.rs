//! 职业技能等级证书编号: 22 characters, one letter and 21 digits, in seven parts.
//! Numbers of older certificates (职业资格证书, 16 digits, and other local formats)
//! are accepted as legacy numbers: they still back prior-level claims.

use crate::{Error, Level};

const EXPECTED: &str = "22 characters: Y or S, 4-digit institution code, 2-digit province, 6-digit institution sequence, 2-digit year, level 1-5, 6-digit serial; or a legacy number of 8-30 letters and digits";

/// 评价机构类别代码, the first character of a standard number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssuerKind {
    /// Y: 用人单位.
    Employer,
    /// S: 社会培训评价组织.
    SocialOrg,
}

/// A certificate number: the 22-character national layout, or a legacy number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CertNo {
    /// The 22-character layout, valid in every part.
    Standard([u8; 22]),
    /// An older number (e.g. a 16-digit 职业资格证书 number): letters and digits only.
    Legacy(compact_str::CompactString),
}

impl CertNo {
    /// Parses a number. Text that looks like a standard number (Y/S and 22
    /// characters) must be valid in every part; anything else of 8 to 30 ASCII
    /// letters and digits is a legacy number.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let t = text.trim();
        let b = t.as_bytes();
        if b.len() == 22 && matches!(b[0], b'Y' | b'S' | b'y' | b's') {
            if !b[1..].iter().all(u8::is_ascii_digit) {
                return Err(Error::invalid("characters 2-22 must be digits", EXPECTED));
            }
            if !(b'1'..=b'5').contains(&b[15]) {
                return Err(Error::invalid(
                    format!("level digit {} is outside 1-5", b[15] as char),
                    EXPECTED,
                ));
            }
            let mut a = [0u8; 22];
            a.copy_from_slice(b);
            a[0] = a[0].to_ascii_uppercase();
            return Ok(CertNo::Standard(a));
        }
        if (8..=30).contains(&b.len()) && b.iter().all(u8::is_ascii_alphanumeric) {
            return Ok(CertNo::Legacy(t.into()));
        }
        Err(Error::invalid(
            format!("\"{t}\" is neither a 22-character number nor a legacy number"),
            EXPECTED,
        ))
    }

    /// Builds a standard number from its parts.
    pub fn standard(
        kind: IssuerKind,
        institution_code: u16,
        province: &str,
        sequence: u32,
        year: u16,
        level: Level,
        serial: u32,
    ) -> Result<Self, Error> {
        let letter = match kind {
            IssuerKind::Employer => 'Y',
            IssuerKind::SocialOrg => 'S',
        };
        let text = format!(
            "{letter}{institution_code:04}{province:0>2}{sequence:06}{:02}{}{serial:06}",
            year % 100,
            level.number()
        );
        Self::parse(&text)
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        match self {
            CertNo::Standard(b) => std::str::from_utf8(b).expect("ASCII"),
            CertNo::Legacy(s) => s,
        }
    }

    /// The decoded parts of a standard number; `None` for a legacy number.
    pub fn parts(&self) -> Option<CertNoParts<'_>> {
        let CertNo::Standard(_) = self else {
            return None;
        };
        let s = self.as_str();
        Some(CertNoParts {
            kind: if s.starts_with('Y') {
                IssuerKind::Employer
            } else {
                IssuerKind::SocialOrg
            },
            institution_code: &s[1..5],
            province: &s[5..7],
            sequence: &s[7..13],
            year: 2000 + s[13..15].parse::<u16>().expect("digits"),
            level: Level::new(s.as_bytes()[15] - b'0').expect("checked at parse"),
            serial: &s[16..22],
        })
    }
}

/// Why `text` is not a certificate number, in Chinese, naming the part that is
/// malformed (for findings about a declared prior certificate, 伪造申报资料): the
/// standard layout is checked part by part (类别 Y/S, 21 digits, 等级码 1–5), anything
/// else must be a legacy number of 8–30 letters and digits. Text that parses gets
/// an empty string.
pub fn defect(text: &str) -> String {
    let t = text.trim();
    if CertNo::parse(t).is_ok() {
        return String::new();
    }
    let b = t.as_bytes();
    if b.len() == 22 && matches!(b[0], b'Y' | b'S' | b'y' | b's') {
        if let Some((i, c)) = t.char_indices().skip(1).find(|(_, c)| !c.is_ascii_digit()) {
            return format!(
                "“{t}”第 {} 位为“{c}”，职业技能等级证书编号第 2～22 位应为数字",
                i + 1
            );
        }
        return format!(
            "“{t}”第 16 位等级码 {} 不在 1～5 之内，不可能是职业技能等级证书编号",
            b[15] as char
        );
    }
    if !t.chars().all(|c| c.is_ascii_alphanumeric()) {
        return format!("“{t}”含字母和数字以外的字符，不是证书编号");
    }
    format!(
        "“{t}”共 {} 位，既不是 22 位职业技能等级证书编号，也不是 8～30 位的旧版证书编号",
        t.chars().count()
    )
}

/// The seven parts of a standard number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertNoParts<'a> {
    /// 评价机构类别 (Y/S).
    pub kind: IssuerKind,
    /// 评价机构代码 given by the ministry; `0000` for provincially registered institutions.
    pub institution_code: &'a str,
    /// 所在地省级代码.
    pub province: &'a str,
    /// 评价机构(站点)序列码.
    pub sequence: &'a str,
    /// 证书核发年份.
    pub year: u16,
    /// 职业技能等级.
    pub level: Level,
    /// 证书序列码.
    pub serial: &'a str,
}

crate::text_value!(CertNo);

impl std::fmt::Debug for CertNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CertNo({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_numbers_decode() {
        let no = CertNo::parse("Y000123000001195000001").unwrap();
        let p = no.parts().unwrap();
        assert_eq!(p.kind, IssuerKind::Employer);
        assert_eq!(
            (p.institution_code, p.province, p.sequence),
            ("0001", "23", "000001")
        );
        assert_eq!((p.year, p.level.number(), p.serial), (2019, 5, "000001"));
        let built = CertNo::standard(
            IssuerKind::SocialOrg,
            0,
            "42",
            1234,
            2024,
            Level::new(3).unwrap(),
            77,
        )
        .unwrap();
        assert_eq!(built.as_str(), "S000042001234243000077");
    }

    #[test]
    fn legacy_and_invalid_numbers() {
        let legacy = CertNo::parse("1942001234567890").unwrap();
        assert!(matches!(legacy, CertNo::Legacy(_)));
        assert!(legacy.parts().is_none());
        let err = CertNo::parse("Y000123000001196000001")
            .unwrap_err()
            .to_string();
        assert!(err.contains("level digit 6"), "{err}");
        assert!(CertNo::parse("S00012300000119500000A").is_err());
        assert!(CertNo::parse("12-34").is_err());
        assert!(CertNo::parse("").is_err());
    }

    #[test]
    fn defects_name_the_malformed_part() {
        let level = defect("S000042114537668146196");
        assert!(level.contains("第 16 位等级码 8"), "{level}");
        assert!(defect("S00004211453766814619A").contains("第 22 位为“A”"));
        // 20 letters and digits: a legacy number, not a defect.
        assert_eq!(defect("S0000421145376681461"), "");
        assert!(defect("12-34").contains("字母和数字以外"));
        assert!(defect("1234").contains("共 4 位"));
        assert_eq!(defect("S000042001234243000077"), "");
        assert_eq!(defect("1942001234567890"), "");
    }
}
