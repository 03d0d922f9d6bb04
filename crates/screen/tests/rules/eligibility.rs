//! Cases for guide items 1 and 10: eligibility of candidates and their declared materials.

use crate::Case;
use crate::baseline::*;
use domain::enums::*;
use domain::ids::*;
use domain::model::*;
use domain::{CertNo, Declared};

pub fn cases() -> Vec<Case> {
    vec![
        // ---- item 1 / 10: eligibility
        case!(
            "a barred candidate applies on the last day of the bar",
            |t| {
                enrollment_mut(t, "B1", 2).applied_at = Some(at(2024, 3, 31, 23, 0));
            },
            [("eligibility.barred_candidate", enr("B1", 2))]
        ),
        near_miss!(
            "near miss: the barred candidate applies the day after the bar",
            ["eligibility.barred_candidate"],
            |t| {
                enrollment_mut(t, "B1", 2).applied_at = Some(at(2024, 4, 1, 0, 0));
            },
            []
        ),
        case!(
            "level 4 with 3 years and nothing else",
            |t| {
                enrollment_mut(t, "B1", 2).work_years = Some(yrs(3));
            },
            [("eligibility.requirements_not_met", enr("B1", 2))]
        ),
        near_miss!(
            "near miss: level 4 with 6 years",
            ["eligibility.requirements_not_met"],
            |t| {
                enrollment_mut(t, "B1", 2).work_years = Some(yrs(6));
            },
            []
        ),
        near_miss!(
            "near miss: level 4 via a related technical-school diploma",
            ["eligibility.requirements_not_met"],
            |t| {
                let e = enrollment_mut(t, "B1", 2);
                e.work_years = Some(yrs(0));
                e.education = Some(Education::TechnicalSchool.into());
                e.major_related = Some(true.into());
            },
            []
        ),
        near_miss!(
            "near miss: level 4, 4 years after a level-5 certificate of another occupation of the group",
            ["eligibility.requirements_not_met"],
            |t| {
                let e = enrollment_mut(t, "B1", 1);
                e.work_years = Some(yrs(4));
                e.prior_occupation_code = Some(occ("4-03-02-02").into());
                t.certificates.last_mut().unwrap().occupation_code = occ("4-03-02-02");
            },
            []
        ),
        // dataset.md: work_years “decimals allowed (`5.5`), compared exactly with
        // whole-year thresholds”; level 4 without a certificate needs 满6年.
        case!(
            "level 4 with 5.9 years declared and nothing else",
            |t| {
                enrollment_mut(t, "B1", 2).work_years = Some(declared_years("5.9"));
            },
            [("eligibility.requirements_not_met", enr("B1", 2))]
        ),
        near_miss!(
            "near miss: level 4 with 6.0 years declared",
            ["eligibility.requirements_not_met"],
            |t| {
                enrollment_mut(t, "B1", 2).work_years = Some(declared_years("6.0"));
            },
            []
        ),
        // 指引第10项：“为参评人员或协助参评人员伪造申报资料或证件……”: a declared prior
        // certificate number that cannot exist is a finding, not a refusal.
        case!(
            "a forged prior certificate number with level digit 8",
            |t| {
                enrollment_mut(t, "B1", 1).prior_cert_no =
                    Some(Declared::parse("S000042114537668146196"));
            },
            [("eligibility.prior_cert_malformed", enr("B1", 1))]
        ),
        near_miss!(
            "near miss: a well-formed number that is not on record",
            ["eligibility.prior_cert_malformed"],
            |t| {
                enrollment_mut(t, "B1", 1).prior_cert_no =
                    Some(Declared::parse("S000042114537663146196"));
            },
            [("eligibility.prior_cert_not_found", enr("B1", 1))]
        ),
        case!(
            "a declared prior level that does not exist",
            |t| {
                enrollment_mut(t, "B1", 1).prior_level = Some(Declared::parse("六级"));
            },
            [
                ("eligibility.prior_cert_malformed", enr("B1", 1)),
                ("eligibility.requirements_not_met", enr("B1", 1)),
            ]
        ),
        // 指引第1项：“申报材料缺失：学历证书、工作年限、前一等级证书等申报佐证材料缺失。”
        case!(
            "education declared outside the code table",
            |t| {
                enrollment_mut(t, "B1", 2).education = Some(Declared::parse("大学"));
            },
            [("eligibility.declared_malformed", enr("B1", 2))]
        ),
        near_miss!(
            "near miss: education declared by its Chinese name",
            ["eligibility.declared_malformed"],
            |t| {
                enrollment_mut(t, "B1", 2).education = Some(Declared::parse("本科"));
            },
            []
        ),
        case!(
            "work years declared in words cannot be counted",
            |t| {
                enrollment_mut(t, "B1", 2).work_years = Some(Declared::parse("七年"));
            },
            [
                ("eligibility.declared_malformed", enr("B1", 2)),
                ("eligibility.requirements_not_met", enr("B1", 2)),
            ]
        ),
        case!(
            "prior certificate of another occupation group does not count",
            |t| {
                enrollment_mut(t, "B1", 1).prior_occupation_code = Some(occ("6-01-01-01").into());
            },
            [("eligibility.requirements_not_met", enr("B1", 1))]
        ),
        case!(
            "most of a batch ineligible",
            |t| {
                for c in [2, 3, 4] {
                    enrollment_mut(t, "B1", c).work_years = Some(yrs(2));
                }
            },
            [
                ("eligibility.requirements_not_met", enr("B1", 2)),
                ("eligibility.requirements_not_met", enr("B1", 3)),
                ("eligibility.requirements_not_met", enr("B1", 4)),
                ("eligibility.batch_mostly_ineligible", batch("B1")),
            ]
        ),
        near_miss!(
            "near miss: two of five ineligible is not most",
            ["eligibility.batch_mostly_ineligible"],
            |t| {
                for c in [2, 3] {
                    enrollment_mut(t, "B1", c).work_years = Some(yrs(2));
                }
            },
            [
                ("eligibility.requirements_not_met", enr("B1", 2)),
                ("eligibility.requirements_not_met", enr("B1", 3)),
            ]
        ),
        near_miss!(
            "near miss: three of six ineligible is exactly half, not most",
            ["eligibility.batch_mostly_ineligible"],
            |t| {
                add_absent(t, 6..=6);
                for c in [2, 3, 4] {
                    enrollment_mut(t, "B1", c).work_years = Some(yrs(2));
                }
            },
            [
                ("eligibility.requirements_not_met", enr("B1", 2)),
                ("eligibility.requirements_not_met", enr("B1", 3)),
                ("eligibility.requirements_not_met", enr("B1", 4)),
            ]
        ),
        case!(
            "prior certificate that does not exist",
            |t| {
                enrollment_mut(t, "B1", 1).prior_cert_no = Some(history_no(99).into());
            },
            [("eligibility.prior_cert_not_found", enr("B1", 1))]
        ),
        near_miss!(
            "near miss: prior certificate issued by another institution",
            ["eligibility.prior_cert_not_found"],
            |t| {
                let no = CertNo::standard(
                    domain::cert_no::IssuerKind::SocialOrg,
                    5678,
                    "42",
                    2,
                    2020,
                    lvl(5),
                    31,
                )
                .unwrap();
                let c = t.certificates.last_mut().unwrap();
                c.cert_no = no.clone();
                c.institution_id = InstitutionId::parse("I002").unwrap();
                enrollment_mut(t, "B1", 1).prior_cert_no = Some(no.into());
            },
            []
        ),
        near_miss!(
            "near miss: prior certificate with a legacy number, on record",
            ["eligibility.prior_cert_not_found"],
            |t| {
                let no = CertNo::parse("1942001234567891").unwrap();
                let c = t.certificates.last_mut().unwrap();
                c.cert_no = no.clone();
                c.issued_on = d(2018, 5, 1);
                let e = enrollment_mut(t, "B1", 1);
                e.prior_cert_no = Some(no.into());
                e.prior_cert_on = Some(d(2018, 5, 1).into());
            },
            []
        ),
        case!(
            "prior certificate of another person",
            |t| {
                let mut c = t.certificates.last().unwrap().clone();
                c.cert_no = history_no(2);
                c.candidate_id = cand(3);
                t.certificates.push(c);
                enrollment_mut(t, "B1", 1).prior_cert_no = Some(history_no(2).into());
            },
            [("eligibility.prior_cert_other_person", enr("B1", 1))]
        ),
        near_miss!(
            "near miss: prior certificate of the same identity number under a former name",
            ["eligibility.prior_cert_other_person"],
            |t| {
                t.certificates.last_mut().unwrap().name = "考生壹".into();
            },
            []
        ),
        case!(
            "prior certificate issued after the application",
            |t| {
                t.certificates.last_mut().unwrap().issued_on = d(2024, 4, 15);
            },
            [("eligibility.prior_cert_after_application", enr("B1", 1))]
        ),
        near_miss!(
            "near miss: prior certificate issued the day before the application",
            ["eligibility.prior_cert_after_application"],
            |t| {
                t.certificates.last_mut().unwrap().issued_on = d(2024, 3, 31);
            },
            []
        ),
        near_miss!(
            "near miss: prior certificate issued on the application day",
            ["eligibility.prior_cert_after_application"],
            |t| {
                t.certificates.last_mut().unwrap().issued_on = d(2024, 4, 1);
                enrollment_mut(t, "B1", 1).prior_cert_on = Some(d(2024, 4, 1).into());
            },
            []
        ),
    ]
}
