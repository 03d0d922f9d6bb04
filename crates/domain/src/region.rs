//! 行政区划代码 (GB/T 2260): six digits, province → city (市州) → district (区县).
//! Jurisdiction (属地) is derived from it: 谁备案谁监管 means an authority supervises
//! the institutions registered in its region and below.

use crate::Error;

const EXPECTED: &str = "6 digits of a GB/T 2260 administrative division code, e.g. 420100";

/// The 34 province-level divisions: two-digit prefix and name.
pub const PROVINCES: &[(&str, &str)] = &[
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
    ("71", "台湾省"),
    ("81", "香港特别行政区"),
    ("82", "澳门特别行政区"),
];

/// The one-character abbreviation (简称) of each province-level division, as
/// document numbers use it (鄂人社鉴, 辽人社鉴, …).
pub const PROVINCE_ABBREVIATIONS: &[(&str, &str)] = &[
    ("11", "京"),
    ("12", "津"),
    ("13", "冀"),
    ("14", "晋"),
    ("15", "内"),
    ("21", "辽"),
    ("22", "吉"),
    ("23", "黑"),
    ("31", "沪"),
    ("32", "苏"),
    ("33", "浙"),
    ("34", "皖"),
    ("35", "闽"),
    ("36", "赣"),
    ("37", "鲁"),
    ("41", "豫"),
    ("42", "鄂"),
    ("43", "湘"),
    ("44", "粤"),
    ("45", "桂"),
    ("46", "琼"),
    ("50", "渝"),
    ("51", "川"),
    ("52", "黔"),
    ("53", "滇"),
    ("54", "藏"),
    ("61", "陕"),
    ("62", "甘"),
    ("63", "青"),
    ("64", "宁"),
    ("65", "新"),
    ("71", "台"),
    ("81", "港"),
    ("82", "澳"),
];

/// Which tier of the jurisdiction tree a code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegionLevel {
    /// 省级 (xx0000).
    Province,
    /// 市州 (xxxx00).
    City,
    /// 区县.
    District,
}

/// A 6-digit region code with a valid province prefix.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode([u8; 6]);

impl RegionCode {
    /// Parses a code; the province prefix must be one of [`PROVINCES`].
    pub fn parse(text: &str) -> Result<Self, Error> {
        let t = text.trim();
        if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid(format!("\"{t}\" is not 6 digits"), EXPECTED));
        }
        if province_name(&t[..2]).is_none() {
            return Err(Error::invalid(
                format!("{} is not a province prefix", &t[..2]),
                EXPECTED,
            ));
        }
        if &t[2..4] == "00" && &t[4..] != "00" {
            return Err(Error::invalid(
                "a district code needs a city part",
                EXPECTED,
            ));
        }
        let mut b = [0u8; 6];
        b.copy_from_slice(t.as_bytes());
        Ok(RegionCode(b))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII digits")
    }

    /// The tier this code names.
    pub fn level(&self) -> RegionLevel {
        match (&self.0[2..4], &self.0[4..]) {
            (b"00", _) => RegionLevel::Province,
            (_, b"00") => RegionLevel::City,
            _ => RegionLevel::District,
        }
    }

    /// The province containing this code (xx0000).
    pub fn province(&self) -> RegionCode {
        let mut b = self.0;
        b[2..].copy_from_slice(b"0000");
        RegionCode(b)
    }

    /// The city containing this code (xxxx00); `None` for a province code.
    pub fn city(&self) -> Option<RegionCode> {
        if self.level() == RegionLevel::Province {
            return None;
        }
        let mut b = self.0;
        b[4..].copy_from_slice(b"00");
        Some(RegionCode(b))
    }

    /// The next tier up; `None` for a province.
    pub fn parent(&self) -> Option<RegionCode> {
        match self.level() {
            RegionLevel::Province => None,
            RegionLevel::City => Some(self.province()),
            RegionLevel::District => self.city(),
        }
    }

    /// Whether `other` lies in this region or below it (a province contains its
    /// cities and districts; a district contains only itself).
    pub fn contains(&self, other: &RegionCode) -> bool {
        match self.level() {
            RegionLevel::Province => self.0[..2] == other.0[..2],
            RegionLevel::City => self.0[..4] == other.0[..4],
            RegionLevel::District => self == other,
        }
    }

    /// The province's name.
    pub fn province_name(&self) -> &'static str {
        province_name(&self.as_str()[..2]).expect("checked at parse")
    }

    /// The province's one-character abbreviation (鄂 for 湖北省).
    pub fn province_abbreviation(&self) -> &'static str {
        PROVINCE_ABBREVIATIONS
            .iter()
            .find(|(p, _)| *p == &self.as_str()[..2])
            .map(|(_, a)| *a)
            .expect("every province has one")
    }
}

fn province_name(prefix: &str) -> Option<&'static str> {
    PROVINCES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, n)| *n)
}

crate::text_value!(RegionCode);

impl std::fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RegionCode({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_derived() {
        let d = RegionCode::parse("420106").unwrap();
        assert_eq!(d.level(), RegionLevel::District);
        assert_eq!(d.city().unwrap().as_str(), "420100");
        assert_eq!(d.province().as_str(), "420000");
        assert_eq!(d.parent().unwrap().parent().unwrap().as_str(), "420000");
        assert_eq!(d.province_name(), "湖北省");
        assert_eq!(d.province_abbreviation(), "鄂");
        assert_eq!(PROVINCE_ABBREVIATIONS.len(), PROVINCES.len());
        for (p, _) in PROVINCES {
            let code = RegionCode::parse(&format!("{p}0000")).unwrap();
            assert_eq!(code.province_abbreviation().chars().count(), 1);
        }
        let hubei = RegionCode::parse("420000").unwrap();
        assert_eq!(hubei.level(), RegionLevel::Province);
        assert!(hubei.parent().is_none());
        assert!(hubei.contains(&d));
        assert!(RegionCode::parse("420100").unwrap().contains(&d));
        assert!(!RegionCode::parse("420200").unwrap().contains(&d));
        assert!(!d.contains(&hubei));
    }

    #[test]
    fn invalid_codes_are_refused() {
        for bad in ["42010", "4201000", "42010a", "990100", "420006"] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }
}
