//! 职业 (工种) codes of the 2022 《职业分类大典》 and the catalogue shipped in the binary.

use crate::Error;
use std::sync::OnceLock;

const EXPECTED: &str =
    "D-DD-DD-DD with an optional -DD work-type suffix (2022 大典), e.g. 4-03-02-01";

/// An occupation code `D-DD-DD-DD[-DD]`: major group, mid group, small group,
/// occupation and optional work type (工种).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OccupationCode {
    parts: [u8; 4],
    work_type: Option<u8>,
}

impl OccupationCode {
    /// Parses the code; the pattern is checked, membership in the catalogue is not
    /// (an unknown code is a warning, see [`Catalogue::lookup`]).
    pub fn parse(text: &str) -> Result<Self, Error> {
        let t = text.trim();
        let parts: Vec<&str> = t.split('-').collect();
        let widths_ok = matches!(parts.len(), 4 | 5)
            && parts[0].len() == 1
            && parts[1..].iter().all(|p| p.len() == 2)
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !widths_ok {
            return Err(Error::invalid(
                format!("\"{t}\" does not follow the pattern"),
                EXPECTED,
            ));
        }
        let n = |i: usize| parts[i].parse::<u8>().expect("digits");
        if !(1..=8).contains(&n(0)) {
            return Err(Error::invalid(
                format!("major group {} is outside 1..8", n(0)),
                EXPECTED,
            ));
        }
        Ok(OccupationCode {
            parts: [n(0), n(1), n(2), n(3)],
            work_type: (parts.len() == 5).then(|| n(4)),
        })
    }

    /// 小类: the first three parts (`D-DD-DD`). Prior certificates count as related
    /// when they share it (screening.md item 1).
    pub fn group(&self) -> String {
        format!(
            "{}-{:02}-{:02}",
            self.parts[0], self.parts[1], self.parts[2]
        )
    }

    /// The occupation without its work-type suffix.
    pub fn occupation(&self) -> OccupationCode {
        OccupationCode {
            parts: self.parts,
            work_type: None,
        }
    }

    /// The work-type suffix (工种), if any.
    pub fn work_type(&self) -> Option<u8> {
        self.work_type
    }

    /// The major group 1..8 (4 = 社会生产服务和生活服务人员, 6 = 生产制造及有关人员, ...).
    pub fn major(&self) -> u8 {
        self.parts[0]
    }
}

impl std::fmt::Display for OccupationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [a, b, c, d] = self.parts;
        write!(f, "{a}-{b:02}-{c:02}-{d:02}")?;
        if let Some(w) = self.work_type {
            write!(f, "-{w:02}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for OccupationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OccupationCode({self})")
    }
}

impl std::str::FromStr for OccupationCode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

impl serde::Serialize for OccupationCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for OccupationCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The tier of an entry in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// 大类.
    Major,
    /// 中类.
    Mid,
    /// 小类.
    Small,
    /// 细类 (职业).
    Occupation,
    /// 工种.
    WorkType,
}

/// One occupation (or work type) of the catalogue.
#[derive(Debug, Clone)]
pub struct Occupation {
    /// Its code.
    pub code: OccupationCode,
    /// Its name, e.g. 中式烹调师.
    pub name: &'static str,
    /// Marked S (数字职业) in the 大典.
    pub digital: bool,
    /// Marked L (绿色职业) in the 大典.
    pub green: bool,
}

/// The 2022 大典 as shipped in the binary (data/occupations-2022.tsv, CC BY 4.0, see
/// the attribution at the top of that file).
#[derive(Debug)]
pub struct Catalogue {
    occupations: Vec<Occupation>,
    groups: Vec<(&'static str, Tier, &'static str)>,
}

static SOURCE: &str = include_str!("../data/occupations-2022.tsv");

/// The shipped catalogue, parsed once.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::parse(SOURCE))
}

impl Catalogue {
    fn parse(source: &'static str) -> Catalogue {
        let mut occupations = Vec::new();
        let mut groups = Vec::new();
        for line in source
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let f: Vec<&'static str> = line.split('\t').collect();
            let [code, tier, name, digital, green] = f[..] else {
                panic!("malformed catalogue line: {line}");
            };
            let tier = match tier {
                "major" => Tier::Major,
                "mid" => Tier::Mid,
                "small" => Tier::Small,
                "occupation" => Tier::Occupation,
                "work_type" => Tier::WorkType,
                other => panic!("unknown tier {other} in catalogue"),
            };
            if matches!(tier, Tier::Occupation | Tier::WorkType) {
                occupations.push(Occupation {
                    code: OccupationCode::parse(code).expect("catalogue codes are valid"),
                    name,
                    digital: digital == "1",
                    green: green == "1",
                });
            } else {
                groups.push((code, tier, name));
            }
        }
        occupations.sort_by_key(|o| o.code);
        Catalogue {
            occupations,
            groups,
        }
    }

    /// Looks an occupation up; a code with an unknown work type falls back to its
    /// occupation. `None` means the code is not in the 2022 大典: warn, don't refuse.
    pub fn lookup(&self, code: &OccupationCode) -> Option<&Occupation> {
        let find = |c: &OccupationCode| {
            self.occupations
                .binary_search_by_key(c, |o| o.code)
                .ok()
                .map(|i| &self.occupations[i])
        };
        find(code).or_else(|| find(&code.occupation()))
    }

    /// The name of an occupation, or `None` if unknown.
    pub fn name(&self, code: &OccupationCode) -> Option<&'static str> {
        self.lookup(code).map(|o| o.name)
    }

    /// The name of a group (`4`, `4-03`, `4-03-02`).
    pub fn group_name(&self, group: &str) -> Option<&'static str> {
        self.groups
            .iter()
            .find(|(c, _, _)| *c == group)
            .map(|(_, _, n)| *n)
    }

    /// Every occupation and work type, sorted by code.
    pub fn occupations(&self) -> &[Occupation] {
        &self.occupations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_and_print() {
        let c = OccupationCode::parse("4-03-02-01").unwrap();
        assert_eq!(c.to_string(), "4-03-02-01");
        assert_eq!(c.group(), "4-03-02");
        let w = OccupationCode::parse("4-04-05-05-01").unwrap();
        assert_eq!(w.work_type(), Some(1));
        assert_eq!(w.occupation().to_string(), "4-04-05-05");
        for bad in [
            "4-3-02-01",
            "4-03-02",
            "9-03-02-01",
            "4-03-02-01-1",
            "40-03-02-01",
            "4-03-02-0a",
        ] {
            assert!(OccupationCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_catalogue_names_real_occupations() {
        let cat = catalogue();
        assert_eq!(
            cat.occupations()
                .iter()
                .filter(|o| o.code.work_type().is_none())
                .count(),
            1636
        );
        let c = OccupationCode::parse("4-03-02-01").unwrap();
        assert_eq!(cat.name(&c), Some("中式烹调师"));
        assert_eq!(cat.group_name("4-03-02"), Some("餐饮服务人员"));
        let w = OccupationCode::parse("4-04-05-05-01").unwrap();
        assert_eq!(cat.name(&w), Some("数据标注员"));
        assert!(cat.lookup(&w).unwrap().digital);
        let unknown_work_type = OccupationCode::parse("4-03-02-01-07").unwrap();
        assert_eq!(cat.name(&unknown_work_type), Some("中式烹调师"));
        assert_eq!(
            cat.name(&OccupationCode::parse("4-03-02-99").unwrap()),
            None
        );
    }
}
