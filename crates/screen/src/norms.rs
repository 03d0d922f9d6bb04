//! 考核规范: the national default norms of ../shared/spec/dataset.md (`standards`
//! paragraph), overridden per occupation, level and subject by the `standards` table.
//!
//! National defaults: every subject scored out of 100 and passed at 60; theory at
//! least 90 minutes with at least 2 proctors and one per 15 candidates; skill with at
//! least 3 examiners, an odd number, and one per 5 candidates; review (levels 2 and 1)
//! with at least 3 examiners, an odd number; levels 5..3 need theory and skill,
//! levels 2..1 also review.

use domain::enums::Subject;
use domain::model::Standard;
use domain::{Level, OccupationCode, Score};
use rustc_hash::FxHashMap;

/// Minimum theory duration in minutes.
pub const THEORY_MIN_MINUTES: u32 = 90;
/// The pass mark of every subject.
pub const PASS_MARK: Score = Score::from_tenths(600);
/// Theory: at least this many proctors…
pub const MIN_PROCTORS: usize = 2;
/// …and one per this many candidates.
pub const PROCTOR_RATIO: u32 = 15;
/// Skill and review: at least this many examiners, an odd number…
pub const MIN_EXAMINERS: usize = 3;
/// …and for skill one per this many candidates.
pub const SKILL_EXAMINER_RATIO: u32 = 5;

/// What one subject requires of its staff for `n` candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staffing {
    pub min_examiners: Option<usize>,
    pub odd_examiners: bool,
    pub min_proctors: Option<usize>,
}

/// The norms in force: national defaults with the standards table's overrides.
#[derive(Debug, Default)]
pub struct Norms<'a> {
    by: FxHashMap<(OccupationCode, Level), Vec<&'a Standard>>,
}

fn ceil_div(n: usize, d: u32) -> usize {
    if d == 0 { 0 } else { n.div_ceil(d as usize) }
}

impl<'a> Norms<'a> {
    /// Indexes the standards table.
    pub fn new(standards: &'a [Standard]) -> Norms<'a> {
        let mut by: FxHashMap<(OccupationCode, Level), Vec<&Standard>> = FxHashMap::default();
        for s in standards {
            by.entry((s.occupation_code, s.level)).or_default().push(s);
        }
        Norms { by }
    }

    /// The override rows of an occupation (or, failing that, its parent occupation
    /// without the work-type suffix) and level.
    fn rows(&self, occ: &OccupationCode, level: Level) -> &[&'a Standard] {
        self.by
            .get(&(*occ, level))
            .or_else(|| self.by.get(&(occ.occupation(), level)))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn row(&self, occ: &OccupationCode, level: Level, subject: Subject) -> Option<&'a Standard> {
        self.rows(occ, level)
            .iter()
            .find(|s| s.subject == subject)
            .copied()
    }

    /// The subjects the evaluation must have: the standard's rows if it has any,
    /// else theory and skill (levels 5..3) plus review (levels 2..1).
    pub fn subjects(&self, occ: &OccupationCode, level: Level) -> Vec<Subject> {
        let rows = self.rows(occ, level);
        let mut s: Vec<Subject> = if rows.is_empty() {
            let mut v = vec![Subject::Theory, Subject::Skill];
            if level.number() <= 2 {
                v.push(Subject::Review);
            }
            v
        } else {
            rows.iter().map(|r| r.subject).collect()
        };
        s.sort();
        s.dedup();
        s
    }

    /// The minimum duration of a session, if any.
    pub fn min_minutes(&self, occ: &OccupationCode, level: Level, subject: Subject) -> Option<u32> {
        self.row(occ, level, subject)
            .and_then(|r| r.min_minutes)
            .or((subject == Subject::Theory).then_some(THEORY_MIN_MINUTES))
    }

    /// The pass mark of a subject.
    pub fn pass_mark(&self, occ: &OccupationCode, level: Level, subject: Subject) -> Score {
        self.row(occ, level, subject)
            .and_then(|r| r.pass_mark)
            .unwrap_or(PASS_MARK)
    }

    /// What a session of `subject` with `n` candidates requires of its staff.
    pub fn staffing(
        &self,
        occ: &OccupationCode,
        level: Level,
        subject: Subject,
        n: usize,
    ) -> Staffing {
        let row = self.row(occ, level, subject);
        let examiner_ratio = row.and_then(|r| r.examiner_ratio);
        let proctor_ratio = row.and_then(|r| r.proctor_ratio);
        match subject {
            Subject::Theory => Staffing {
                min_examiners: examiner_ratio.map(|r| ceil_div(n, r)),
                odd_examiners: false,
                min_proctors: Some(
                    ceil_div(n, proctor_ratio.unwrap_or(PROCTOR_RATIO)).max(MIN_PROCTORS),
                ),
            },
            Subject::Skill => Staffing {
                min_examiners: Some(
                    ceil_div(n, examiner_ratio.unwrap_or(SKILL_EXAMINER_RATIO)).max(MIN_EXAMINERS),
                ),
                odd_examiners: true,
                min_proctors: proctor_ratio.map(|r| ceil_div(n, r)),
            },
            Subject::Review => Staffing {
                min_examiners: Some(
                    examiner_ratio
                        .map(|r| ceil_div(n, r))
                        .unwrap_or(0)
                        .max(MIN_EXAMINERS),
                ),
                odd_examiners: true,
                min_proctors: proctor_ratio.map(|r| ceil_div(n, r)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_defaults_and_overrides() {
        let occ = OccupationCode::parse("4-03-02-01").unwrap();
        let l3 = Level::new(3).unwrap();
        let l2 = Level::new(2).unwrap();
        let none = Norms::new(&[]);
        assert_eq!(
            none.subjects(&occ, l3),
            vec![Subject::Theory, Subject::Skill]
        );
        assert_eq!(none.subjects(&occ, l2).len(), 3);
        assert_eq!(none.min_minutes(&occ, l3, Subject::Theory), Some(90));
        assert_eq!(none.min_minutes(&occ, l3, Subject::Skill), None);
        let s = none.staffing(&occ, l3, Subject::Skill, 16);
        assert_eq!((s.min_examiners, s.odd_examiners), (Some(4), true));
        assert_eq!(
            none.staffing(&occ, l3, Subject::Theory, 31).min_proctors,
            Some(3)
        );
        assert_eq!(
            none.staffing(&occ, l3, Subject::Theory, 10).min_proctors,
            Some(2)
        );
        let std = [Standard {
            occupation_code: occ,
            level: l3,
            subject: Subject::Theory,
            min_minutes: Some(120),
            weight: Some(1.0),
            pass_mark: Some(Score::from_tenths(700)),
            proctor_ratio: Some(10),
            examiner_ratio: None,
        }];
        let n = Norms::new(&std);
        let wt = OccupationCode::parse("4-03-02-01-02").unwrap();
        assert_eq!(n.subjects(&wt, l3), vec![Subject::Theory]);
        assert_eq!(n.min_minutes(&wt, l3, Subject::Theory), Some(120));
        assert_eq!(n.pass_mark(&occ, l3, Subject::Theory).tenths(), 700);
        assert_eq!(
            n.staffing(&occ, l3, Subject::Theory, 25).min_proctors,
            Some(3)
        );
    }
}
