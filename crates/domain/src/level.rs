//! 职业技能等级: five levels, 5 (初级工) up to 1 (高级技师). A smaller number is a
//! higher level.

use crate::Error;

const EXPECTED: &str = "1..5 or 一级/高级技师, 二级/技师, 三级/高级工, 四级/中级工, 五级/初级工";

/// A skill level 1..=5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Level(u8);

const NAMES: [(&str, &str); 5] = [
    ("一级", "高级技师"),
    ("二级", "技师"),
    ("三级", "高级工"),
    ("四级", "中级工"),
    ("五级", "初级工"),
];

impl Level {
    /// All levels from the lowest (5) to the highest (1).
    pub const ALL: [Level; 5] = [Level(5), Level(4), Level(3), Level(2), Level(1)];

    /// Builds a level from its number.
    pub fn new(n: u8) -> Result<Self, Error> {
        if (1..=5).contains(&n) {
            Ok(Level(n))
        } else {
            Err(Error::invalid(
                format!("level {n} is outside 1..5"),
                EXPECTED,
            ))
        }
    }

    /// Parses `3`, `三级`, `高级工` or `三级/高级工`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let t = text.trim();
        if let Ok(n) = t.parse::<u8>() {
            return Self::new(n);
        }
        if let Ok(f) = t.parse::<f64>()
            && f.fract() == 0.0
            && (1.0..=5.0).contains(&f)
        {
            return Self::new(f as u8);
        }
        for (i, (grade, title)) in NAMES.iter().enumerate() {
            if t == *grade || t == *title || t == format!("{grade}/{title}") {
                return Ok(Level(i as u8 + 1));
            }
        }
        Err(Error::invalid(format!("\"{t}\" is not a level"), EXPECTED))
    }

    /// The level number 1..=5.
    pub fn number(self) -> u8 {
        self.0
    }

    /// 五级 … 一级.
    pub fn grade_name(self) -> &'static str {
        NAMES[self.0 as usize - 1].0
    }

    /// 初级工 … 高级技师.
    pub fn title(self) -> &'static str {
        NAMES[self.0 as usize - 1].1
    }

    /// The level one step below (4 → 5); `None` for level 5.
    pub fn lower(self) -> Option<Level> {
        (self.0 < 5).then(|| Level(self.0 + 1))
    }

    /// The level one step above (5 → 4); `None` for level 1.
    pub fn higher(self) -> Option<Level> {
        (self.0 > 1).then(|| Level(self.0 - 1))
    }

    /// Whether `self` is at or below `ceiling` (an examiner certified up to level 3 may
    /// evaluate levels 5, 4 and 3).
    pub fn at_most(self, ceiling: Level) -> bool {
        self.0 >= ceiling.0
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl serde::Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Level {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Level::new(u8::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_agree() {
        for (text, n) in [
            ("5", 5),
            ("五级", 5),
            ("初级工", 5),
            ("三级/高级工", 3),
            ("技师", 2),
            ("1", 1),
            ("2.0", 2),
        ] {
            assert_eq!(Level::parse(text).unwrap().number(), n, "{text}");
        }
        let l3 = Level::new(3).unwrap();
        assert_eq!((l3.grade_name(), l3.title()), ("三级", "高级工"));
        assert_eq!(l3.lower(), Some(Level::new(4).unwrap()));
        assert_eq!(Level::new(1).unwrap().higher(), None);
        assert!(Level::new(4).unwrap().at_most(l3));
        assert!(!Level::new(2).unwrap().at_most(l3));
        for bad in ["0", "6", "六级", "", "2.5"] {
            assert!(Level::parse(bad).is_err(), "{bad}");
        }
    }
}
