//! Cases for guide items 2 and 3: employers evaluating outsiders, and the evaluation process.

use crate::Case;
use crate::baseline::*;
use domain::enums::*;
use domain::model::*;

pub fn cases() -> Vec<Case> {
    vec![
        // ---- item 2: employers
        case!(
            "employer evaluates a stranger",
            |t| {
                set_kind_employer(t, 100);
                enrollment_mut(t, "B1", 2).employer_credit_code = Some(credit(7).into());
            },
            [("scope.candidate_not_staff", enr("B1", 2))]
        ),
        near_miss!(
            "near miss: employer evaluates an affiliate's staff while the agreement is valid",
            ["scope.candidate_not_staff"],
            |t| {
                set_kind_employer(t, 100);
                affiliate(t, 7, d(2024, 1, 1), d(2024, 12, 31));
                enrollment_mut(t, "B1", 2).employer_credit_code = Some(credit(7).into());
            },
            []
        ),
        case!(
            "employer evaluates an affiliate's staff after the agreement expired",
            |t| {
                set_kind_employer(t, 100);
                affiliate(t, 7, d(2023, 1, 1), d(2024, 3, 31));
                enrollment_mut(t, "B1", 2).employer_credit_code = Some(credit(7).into());
            },
            [("scope.candidate_not_staff", enr("B1", 2))]
        ),
        near_miss!(
            "near miss: affiliate agreement ending on the activity day",
            ["scope.candidate_not_staff"],
            |t| {
                set_kind_employer(t, 100);
                affiliate(t, 7, d(2023, 6, 1), d(2024, 6, 1));
                enrollment_mut(t, "B1", 2).employer_credit_code = Some(credit(7).into());
            },
            []
        ),
        case!(
            "employer certifies more people than its headcount",
            |t| {
                set_kind_employer(t, 3);
            },
            [("scope.employer_over_headcount", inst("I001"))]
        ),
        near_miss!(
            "near miss: employer certifies exactly its headcount",
            ["scope.employer_over_headcount"],
            |t| {
                set_kind_employer(t, 4);
            },
            []
        ),
        // ---- item 3: process
        case!(
            "theory of 60 minutes",
            |t| {
                session_mut(t, Subject::Theory).end_at = at(2024, 6, 1, 9, 30);
            },
            [("process.session_too_short", batch("B1"))]
        ),
        near_miss!(
            "near miss: theory of exactly 90 minutes",
            ["process.session_too_short"],
            |t| {
                session_mut(t, Subject::Theory).end_at = at(2024, 6, 1, 10, 0);
            },
            []
        ),
        case!(
            "no skill session",
            |t| {
                t.sessions.retain(|s| s.subject != Subject::Skill);
            },
            [("process.subjects_mismatch", batch("B1"))]
        ),
        near_miss!(
            "near miss: the standard requires theory only",
            ["process.subjects_mismatch"],
            |t| {
                t.sessions.retain(|s| s.subject != Subject::Skill);
                t.standards.push(Standard {
                    occupation_code: occ(OCC),
                    level: lvl(4),
                    subject: Subject::Theory,
                    min_minutes: Some(60),
                    weight: Some(1.0),
                    pass_mark: None,
                    proctor_ratio: None,
                    examiner_ratio: None,
                });
            },
            []
        ),
    ]
}
