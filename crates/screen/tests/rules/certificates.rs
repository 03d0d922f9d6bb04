//! Cases for guide items 11 and 12: impersonation and certificates.

use crate::Case;
use crate::baseline::*;
use domain::CertNo;
use domain::enums::*;
use domain::model::*;

pub fn cases() -> Vec<Case> {
    vec![
        // ---- item 11: impersonation
        case!(
            "one candidate at two sites at once",
            |t| {
                add_b2(t, "S002", at(2024, 6, 1, 8, 30), &[1, 12, 13]);
            },
            [("cheating.impersonation", enr("B2", 1))]
        ),
        near_miss!(
            "near miss: the same candidate at the same site the next day",
            ["cheating.impersonation"],
            |t| {
                add_b2(t, "S001", at(2024, 6, 2, 8, 0), &[1, 12, 13]);
            },
            []
        ),
        // ---- item 12: certificates
        case!(
            "certificate without an activity",
            |t| {
                let mut c = certificate(6, 6);
                c.batch_id = None;
                t.certificates.push(c);
            },
            [(
                "certificate.no_activity",
                subj(Some("I001"), None, None, Some(cert_no(6).as_str()), None)
            )]
        ),
        near_miss!(
            "near miss: history certificate without an activity",
            ["certificate.no_activity"],
            |t| {
                let mut c = certificate(6, 6);
                c.batch_id = None;
                c.issued_on = d(2023, 3, 1);
                t.certificates.push(c);
            },
            []
        ),
        case!(
            "certificate without scores",
            |t| {
                t.scores.retain(|s| s.candidate_id != cand(1));
            },
            [("certificate.no_scores", crt(1))]
        ),
        // dataset.md scores: “`缺考`/empty = absent”: a subject recorded absent is a
        // subject without a score.
        case!(
            "a certificate whose every score reads 缺考",
            |t| {
                for s in t.scores.iter_mut().filter(|s| s.candidate_id == cand(1)) {
                    s.score = None;
                }
            },
            [("certificate.no_scores", crt(1))]
        ),
        near_miss!(
            "near miss: an absent candidate whose scores read 缺考",
            [
                "certificate.no_scores",
                "scores.result_contradicts_scores",
                "scores.unknown_enrollment",
                "scores.out_of_range"
            ],
            |t| {
                add_absent(t, 6..=6);
                for subject in [Subject::Theory, Subject::Skill] {
                    t.scores.push(ScoreRow {
                        score: None,
                        graded_by: None,
                        ..score("B1", 6, subject, 0, "E1")
                    });
                }
            },
            []
        ),
        near_miss!(
            "near miss: an absent candidate, without scores and without a certificate",
            ["certificate.no_scores"],
            |t| {
                add_absent(t, 6..=6);
            },
            []
        ),
        case!(
            "certificate for an absent candidate",
            |t| {
                result_mut(t, 2).result = Outcome::Absent;
            },
            [("certificate.failing_result", crt(2))]
        ),
        near_miss!(
            "near miss: failed, then certified after passing a retake",
            ["certificate.failing_result"],
            |t| {
                add_b2(t, "S001", at(2024, 6, 15, 8, 30), &[5]);
                sat_b2(t, 5);
                t.certificates.push(Certificate {
                    batch_id: Some(bid("B2")),
                    issued_on: d(2024, 6, 28),
                    uploaded_at: Some(at(2024, 6, 28, 10, 0)),
                    ..certificate(5, 5)
                });
            },
            []
        ),
        case!(
            "certificate of another level than its activity",
            |t| {
                cert_mut(t, 1).level = lvl(3);
                let mut s = t.scopes[0].clone();
                s.level = lvl(3);
                t.scopes.push(s);
            },
            [("certificate.activity_mismatch", crt(1))]
        ),
        near_miss!(
            "near miss: a level-4 holder certified at level 3 by a level-3 activity",
            [
                "certificate.activity_mismatch",
                "certificate.duplicate_number"
            ],
            |t| {
                let mut s = t.scopes[0].clone();
                s.level = lvl(3);
                t.scopes.push(s);
                add_b2(t, "S001", at(2024, 9, 2, 8, 30), &[]);
                t.batches.last_mut().unwrap().level = lvl(3);
                // Level 3: the level-4 certificate of B1 and exactly 5 years.
                t.enrollments.push(Enrollment {
                    work_years: Some(yrs(5)),
                    prior_cert_no: Some(cert_no(1).into()),
                    prior_occupation_code: Some(occ(OCC).into()),
                    prior_level: Some(lvl(4).into()),
                    prior_cert_on: Some(d(2024, 6, 20).into()),
                    applied_at: Some(at(2024, 7, 15, 10, 0)),
                    ..enrollment("B2", 1)
                });
                sat_b2(t, 1);
                // The same serial as the level-4 certificate: serials run per level.
                let no = CertNo::standard(
                    domain::cert_no::IssuerKind::SocialOrg,
                    1234,
                    "42",
                    1,
                    2024,
                    lvl(3),
                    1,
                )
                .unwrap();
                t.certificates.push(Certificate {
                    cert_no: no,
                    batch_id: Some(bid("B2")),
                    level: lvl(3),
                    issued_on: d(2024, 9, 20),
                    uploaded_at: Some(at(2024, 9, 21, 10, 0)),
                    ..certificate(1, 0)
                });
            },
            []
        ),
        case!(
            "certificate issued before the activity ended",
            |t| {
                cert_mut(t, 1).issued_on = d(2024, 5, 31);
            },
            [("certificate.before_activity_end", crt(1))]
        ),
        near_miss!(
            "near miss: certificate issued on the activity's last day, after it ended",
            ["certificate.before_activity_end"],
            |t| {
                let c = cert_mut(t, 1);
                c.issued_on = d(2024, 6, 1);
                c.uploaded_at = Some(at(2024, 6, 1, 20, 0));
            },
            []
        ),
        case!(
            "certificate number used twice",
            |t| {
                cert_mut(t, 2).cert_no = cert_no(1);
            },
            [("certificate.duplicate_number", crt(1))]
        ),
        near_miss!(
            "near miss: two history certificates differ",
            ["certificate.duplicate_number"],
            |t| {
                let mut c = t.certificates.last().unwrap().clone();
                c.cert_no = history_no(2);
                c.candidate_id = cand(2);
                t.certificates.push(c);
            },
            []
        ),
        near_miss!(
            "near miss: a number repeated among history certificates only, the day before the window",
            ["certificate.duplicate_number"],
            |t| {
                let mut c = t.certificates.last().unwrap().clone();
                c.candidate_id = cand(2);
                c.name = "考生2".into();
                c.issued_on = d(2024, 4, 30);
                t.certificates.push(c);
            },
            []
        ),
        case!(
            "certificate for someone not enrolled",
            |t| {
                t.certificates.push(certificate(9, 9));
            },
            [("certificate.not_enrolled", crt(9))]
        ),
    ]
}
