//! Cases for guide item 4: papers, staff, supervision, filing and scores.

use crate::Case;
use crate::baseline::*;
use domain::Score;
use domain::enums::*;
use domain::ids::*;
use domain::model::*;

pub fn cases() -> Vec<Case> {
    vec![
        // ---- item 4: papers, staff, supervision, filing, scores
        case!(
            "paper used is not the paper drawn",
            |t| {
                session_mut(t, Subject::Theory).paper_used = Some(PaperId::parse("PT9").unwrap());
            },
            [("process.paper_mismatch", batch("B1"))]
        ),
        near_miss!(
            "near miss: theory drew paper PT2 and used PT2",
            ["process.paper_mismatch"],
            |t| {
                let s = session_mut(t, Subject::Theory);
                s.paper_drawn = Some(PaperId::parse("PT2").unwrap());
                s.paper_used = Some(PaperId::parse("PT2").unwrap());
            },
            []
        ),
        case!(
            "unregistered examiner",
            |t| {
                t.batch_staff
                    .iter_mut()
                    .find(|s| s.person_id.as_str() == "E5")
                    .unwrap()
                    .person_id = pid("E9");
            },
            [("staff.examiner_unregistered", stf("B1", "E9"))]
        ),
        near_miss!(
            "near miss: a newly registered examiner",
            ["staff.examiner_unregistered"],
            |t| {
                t.batch_staff
                    .iter_mut()
                    .find(|s| s.person_id.as_str() == "E5")
                    .unwrap()
                    .person_id = pid("E9");
                t.personnel.push(examiner("E9"));
            },
            []
        ),
        case!(
            "examiner card expired before the activity",
            |t| {
                person_mut(t, "E3").valid_to = Some(d(2024, 5, 31));
            },
            [("staff.examiner_expired", stf("B1", "E3"))]
        ),
        near_miss!(
            "near miss: examiner card valid through the activity day",
            ["staff.examiner_expired"],
            |t| {
                person_mut(t, "E3").valid_to = Some(d(2024, 6, 1));
            },
            []
        ),
        case!(
            "examiner of another occupation and one below the level",
            |t| {
                person_mut(t, "E4").occupation_code = Some(occ("6-01-01-01"));
                person_mut(t, "E5").max_level = Some(lvl(5));
            },
            [
                ("staff.examiner_unqualified", stf("B1", "E4")),
                ("staff.examiner_unqualified", stf("B1", "E5")),
            ]
        ),
        near_miss!(
            "near miss: examiner certified for level 4 and a work type of the occupation",
            ["staff.examiner_unqualified"],
            |t| {
                person_mut(t, "E4").max_level = Some(lvl(4));
                person_mut(t, "E4").occupation_code = Some(occ("4-03-02-01-02"));
            },
            []
        ),
        case!(
            "examiner of another institution",
            |t| {
                person_mut(t, "E5").institution_id = Some(InstitutionId::parse("I002").unwrap());
            },
            [("staff.examiner_other_institution", stf("B1", "E5"))]
        ),
        near_miss!(
            "near miss: an examiner employed by a restaurant, registered with the institution",
            ["staff.examiner_other_institution"],
            |t| {
                person_mut(t, "E5").employer_credit_code = Some(credit(7));
            },
            []
        ),
        case!(
            "examiner double-booked at two sites",
            |t| {
                add_b2(t, "S002", at(2024, 6, 1, 8, 30), &[11, 12, 13]);
                t.batch_staff
                    .iter_mut()
                    .find(|s| s.batch_id.as_str() == "B2" && s.person_id.as_str() == "E8")
                    .unwrap()
                    .person_id = pid("E3");
            },
            [("staff.examiner_double_booked", stf("B2", "E3"))]
        ),
        near_miss!(
            "near miss: the same examiner the next day",
            ["staff.examiner_double_booked"],
            |t| {
                add_b2(t, "S002", at(2024, 6, 2, 8, 0), &[11, 12, 13]);
                t.batch_staff
                    .iter_mut()
                    .find(|s| s.batch_id.as_str() == "B2" && s.person_id.as_str() == "E8")
                    .unwrap()
                    .person_id = pid("E3");
            },
            []
        ),
        case!(
            "two skill examiners",
            |t| {
                t.batch_staff.retain(|s| s.person_id.as_str() != "E5");
            },
            [("staff.too_few_examiners", batch("B1"))]
        ),
        near_miss!(
            "near miss: 15 candidates and 3 skill examiners (one per 5)",
            ["staff.too_few_examiners"],
            |t| {
                add_absent(t, 6..=15);
            },
            []
        ),
        case!(
            "16 candidates and 3 skill examiners",
            |t| {
                add_absent(t, 6..=16);
            },
            [("staff.too_few_examiners", batch("B1"))]
        ),
        case!(
            "four skill examiners",
            |t| {
                t.batch_staff
                    .push(staff("B1", Subject::Skill, "E6", Duty::Examiner));
            },
            [("staff.even_examiners", batch("B1"))]
        ),
        near_miss!(
            "near miss: five skill examiners",
            ["staff.even_examiners"],
            |t| {
                t.batch_staff
                    .push(staff("B1", Subject::Skill, "E6", Duty::Examiner));
                t.batch_staff
                    .push(staff("B1", Subject::Skill, "E7", Duty::Examiner));
            },
            []
        ),
        case!(
            "one proctor",
            |t| {
                t.batch_staff
                    .retain(|s| !(s.person_id.as_str() == "E2" && s.duty == Duty::Proctor));
            },
            [("staff.too_few_proctors", batch("B1"))]
        ),
        near_miss!(
            "near miss: 30 candidates and 2 theory proctors (one per 15)",
            ["staff.too_few_proctors"],
            |t| {
                add_absent(t, 6..=30);
                t.personnel.push(examiner("E9"));
                for e in ["E6", "E7", "E8", "E9"] {
                    t.batch_staff
                        .push(staff("B1", Subject::Skill, e, Duty::Examiner));
                }
            },
            []
        ),
        case!(
            "31 candidates and 2 theory proctors",
            |t| {
                add_absent(t, 6..=31);
                t.personnel.push(examiner("E9"));
                for e in ["E6", "E7", "E8", "E9"] {
                    t.batch_staff
                        .push(staff("B1", Subject::Skill, e, Duty::Examiner));
                }
            },
            [("staff.too_few_proctors", batch("B1"))]
        ),
        case!(
            "no internal supervisor",
            |t| {
                t.batches[0].internal_supervisor_id = None;
                t.batches[0].supervision_record_at = None;
            },
            [("supervision.no_internal_supervisor", batch("B1"))]
        ),
        case!(
            "an examiner as internal supervisor",
            |t| {
                t.batches[0].internal_supervisor_id = Some(pid("E8"));
            },
            [("supervision.no_internal_supervisor", batch("B1"))]
        ),
        near_miss!(
            "near miss: internal supervisor's card valid through the activity day",
            ["supervision.no_internal_supervisor"],
            |t| {
                person_mut(t, "N1").valid_to = Some(d(2024, 6, 1));
            },
            []
        ),
        case!(
            "no supervision record",
            |t| {
                t.batches[0].supervision_record_at = None;
            },
            [("supervision.no_record", batch("B1"))]
        ),
        case!(
            "no supervision record the day after the activity",
            |t| {
                t.batches[0].supervision_record_at = None;
                t.meta.as_of = Some(d(2024, 6, 2));
            },
            [("supervision.no_record", batch("B1"))]
        ),
        near_miss!(
            "near miss: an activity still under way on the as-of date has no record yet",
            ["supervision.no_record"],
            |t| {
                add_b2(t, "S002", at(2024, 12, 30, 8, 0), &[11, 12, 13]);
                let b2 = t.batches.last_mut().unwrap();
                b2.end_at = at(2025, 1, 2, 18, 0);
                b2.supervision_record_at = None;
            },
            []
        ),
        case!(
            "plan filed after the start",
            |t| {
                t.batches[0].filed_at = Some(at(2024, 6, 1, 10, 0));
            },
            [("filing.plan_late", batch("B1"))]
        ),
        near_miss!(
            "near miss: plan filed a minute before the start",
            ["filing.plan_late"],
            |t| {
                t.batches[0].filed_at = Some(at(2024, 6, 1, 7, 59));
            },
            []
        ),
        case!(
            "plan never filed",
            |t| {
                t.batches[0].filed_at = None;
            },
            [("filing.plan_unfiled", batch("B1"))]
        ),
        near_miss!(
            "near miss: an activity starting the day after the as-of date, not yet filed",
            ["filing.plan_unfiled", "supervision.no_record"],
            |t| {
                t.meta.as_of = Some(d(2024, 7, 9));
                add_b2(t, "S001", at(2024, 7, 10, 8, 30), &[11, 12, 13]);
                let b2 = t.batches.last_mut().unwrap();
                b2.filed_at = None;
                b2.supervision_record_at = None;
            },
            []
        ),
        case!(
            "site change never reported",
            |t| {
                t.batch_changes.push(BatchChange {
                    batch_id: bid("B1"),
                    field: ChangeField::Site,
                    old_value: Some("S002".into()),
                    new_value: Some("S001".into()),
                    changed_at: at(2024, 5, 25, 10, 0),
                    reported_at: None,
                });
            },
            [("filing.change_unreported", batch("B1"))]
        ),
        case!(
            "time change reported after the start",
            |t| {
                t.batch_changes.push(BatchChange {
                    batch_id: bid("B1"),
                    field: ChangeField::Time,
                    old_value: Some("09:00".into()),
                    new_value: Some("08:00".into()),
                    changed_at: at(2024, 5, 31, 10, 0),
                    reported_at: Some(at(2024, 6, 1, 9, 0)),
                });
            },
            [("filing.change_unreported", batch("B1"))]
        ),
        near_miss!(
            "near miss: a change reported before it took effect",
            ["filing.change_unreported"],
            |t| {
                t.batch_changes.push(BatchChange {
                    batch_id: bid("B1"),
                    field: ChangeField::Date,
                    old_value: Some("2024-05-25".into()),
                    new_value: Some("2024-06-01".into()),
                    changed_at: at(2024, 5, 20, 10, 0),
                    reported_at: Some(at(2024, 5, 20, 15, 0)),
                });
            },
            []
        ),
        near_miss!(
            "near miss: a time change made and reported on the morning, before the start",
            ["filing.change_unreported"],
            |t| {
                t.batch_changes.push(BatchChange {
                    batch_id: bid("B1"),
                    field: ChangeField::Time,
                    old_value: Some("09:00".into()),
                    new_value: Some("08:00".into()),
                    changed_at: at(2024, 6, 1, 7, 0),
                    reported_at: Some(at(2024, 6, 1, 7, 45)),
                });
            },
            []
        ),
        case!(
            "pass with a failing subject",
            |t| {
                result_mut(t, 5).result = Outcome::Pass;
            },
            [("scores.result_contradicts_scores", enr("B1", 5))]
        ),
        case!(
            "fail with every subject passed (and a certificate)",
            |t| {
                result_mut(t, 2).result = Outcome::Fail;
            },
            [
                ("scores.result_contradicts_scores", enr("B1", 2)),
                ("certificate.failing_result", crt(2)),
            ]
        ),
        near_miss!(
            "near miss: a fail with one subject missing",
            ["scores.result_contradicts_scores"],
            |t| {
                t.scores
                    .retain(|s| !(s.candidate_id == cand(5) && s.subject == Subject::Theory));
                score_mut(t, 5, Subject::Skill).score = Some(Score::from_tenths(900));
            },
            []
        ),
        case!(
            "score above 100",
            |t| {
                score_mut(t, 1, Subject::Skill).score = Some(Score::from_tenths(1050));
            },
            [("scores.out_of_range", enr("B1", 1))]
        ),
        near_miss!(
            "near miss: a score of exactly 100",
            ["scores.out_of_range"],
            |t| {
                score_mut(t, 1, Subject::Skill).score = Some(Score::from_tenths(1000));
            },
            []
        ),
        case!(
            "theory scored by a skill examiner",
            |t| {
                score_mut(t, 1, Subject::Theory).graded_by = Some(pid("E4"));
            },
            [("scores.unassigned_grader", enr("B1", 1))]
        ),
        near_miss!(
            "near miss: grader not recorded",
            ["scores.unassigned_grader"],
            |t| {
                score_mut(t, 1, Subject::Theory).graded_by = None;
            },
            []
        ),
        case!(
            "scores for someone not enrolled, and for a batch that does not exist",
            |t| {
                t.scores.push(score("B1", 9, Subject::Theory, 700, "E1"));
                t.scores.push(score("BX", 9, Subject::Theory, 700, "E1"));
            },
            [
                ("scores.unknown_enrollment", enr("B1", 9)),
                (
                    "scores.unknown_enrollment",
                    subj(None, Some("BX"), Some(9), None, None)
                ),
            ]
        ),
        near_miss!(
            "near miss: a candidate of the other activity, scored and certified under it",
            ["scores.unknown_enrollment", "certificate.not_enrolled"],
            |t| {
                add_b2(t, "S001", at(2024, 6, 8, 8, 30), &[9]);
                sat_b2(t, 9);
                t.certificates.push(Certificate {
                    batch_id: Some(bid("B2")),
                    ..certificate(9, 9)
                });
            },
            []
        ),
    ]
}
