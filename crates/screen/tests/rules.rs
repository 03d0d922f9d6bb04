//! Data-driven rule tests: one honest baseline dataset (one institution, one site,
//! one scope, examiners and a supervisor, one activity with sessions, staff,
//! enrollments, scores, results and certificates), and a table of cases, each a
//! mutation of the baseline with exactly the findings it must produce. Near-miss
//! cases come close to a rule without breaking it (a boundary, the valid counterpart
//! of the violation) and name the kinds they are near misses for: they must produce
//! none of those, and usually nothing at all. Every kind of every builtin rule has at
//! least one positive case and at least one near miss.

use domain::enums::*;
use domain::finding::FindingSubject;
use domain::ids::*;
use domain::model::*;
use domain::rulebook::Rulebook;
use domain::{
    CertNo, CreditCode, Date, DateTime, Declared, IdNumber, Level, OccupationCode, RegionCode,
    Score, WorkYears,
};
use screen::{Options, Screening, screen};

// ---------------------------------------------------------------- baseline

fn d(y: i32, m: u32, day: u32) -> Date {
    Date::from_ymd_opt(y, m, day).unwrap()
}

fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime {
    d(y, m, day).and_hms_opt(h, min, 0).unwrap()
}

fn occ(s: &str) -> OccupationCode {
    OccupationCode::parse(s).unwrap()
}

/// Whole years of work, as declared.
fn yrs(n: u8) -> Declared<WorkYears> {
    WorkYears::from(n).into()
}

/// Years of work as written on the form (`4.9`).
fn declared_years(text: &str) -> Declared<WorkYears> {
    Declared::parse(text)
}

fn lvl(n: u8) -> Level {
    Level::new(n).unwrap()
}

fn credit(n: u32) -> CreditCode {
    CreditCode::from_body(&format!("914201001{n:08}")).unwrap()
}

/// Candidate `i` (1-based).
fn cand(i: u16) -> IdNumber {
    IdNumber::from_parts(
        RegionCode::parse("420102").unwrap(),
        d(1990, 1, 1) + chrono::Duration::days(i64::from(i)),
        i,
    )
    .unwrap()
}

fn cert_no(serial: u32) -> CertNo {
    CertNo::standard(
        domain::cert_no::IssuerKind::SocialOrg,
        1234,
        "42",
        1,
        2024,
        lvl(4),
        serial,
    )
    .unwrap()
}

fn history_no(serial: u32) -> CertNo {
    CertNo::standard(
        domain::cert_no::IssuerKind::SocialOrg,
        1234,
        "42",
        1,
        2020,
        lvl(5),
        serial,
    )
    .unwrap()
}

const OCC: &str = "4-03-02-01";

fn examiner(id: &str) -> Person {
    Person {
        person_id: PersonId::parse(id).unwrap(),
        id_number: None,
        name: format!("考评员{id}").into(),
        role: PersonRole::Examiner,
        institution_id: Some(InstitutionId::parse("I001").unwrap()),
        occupation_code: Some(occ(OCC)),
        max_level: Some(lvl(3)),
        valid_from: Some(d(2023, 1, 1)),
        valid_to: Some(d(2026, 12, 31)),
        employer_credit_code: None,
    }
}

fn staff(batch: &str, subject: Subject, person: &str, duty: Duty) -> BatchStaff {
    BatchStaff {
        batch_id: BatchId::parse(batch).unwrap(),
        subject,
        person_id: PersonId::parse(person).unwrap(),
        duty,
    }
}

fn score(batch: &str, c: u16, subject: Subject, tenths: i32, by: &str) -> ScoreRow {
    ScoreRow {
        batch_id: BatchId::parse(batch).unwrap(),
        candidate_id: cand(c),
        subject,
        score: Some(Score::from_tenths(tenths)),
        graded_by: Some(PersonId::parse(by).unwrap()),
        recorded_at: Some(at(2024, 6, 1, 19, 0)),
    }
}

fn enrollment(batch: &str, c: u16) -> Enrollment {
    Enrollment {
        batch_id: BatchId::parse(batch).unwrap(),
        candidate_id: cand(c),
        name: format!("考生{c}").into(),
        employer_credit_code: None,
        employer_name: None,
        education: Some(Education::HighSchool.into()),
        major_related: Some(false.into()),
        work_years: Some(yrs(7)),
        prior_cert_no: None,
        prior_occupation_code: None,
        prior_level: None,
        prior_cert_on: None,
        applied_at: Some(at(2024, 4, 1, 10, 0)),
    }
}

fn certificate(c: u16, serial: u32) -> Certificate {
    Certificate {
        cert_no: cert_no(serial),
        candidate_id: cand(c),
        name: format!("考生{c}").into(),
        institution_id: InstitutionId::parse("I001").unwrap(),
        batch_id: Some(BatchId::parse("B1").unwrap()),
        occupation_code: occ(OCC),
        level: lvl(4),
        issued_on: d(2024, 6, 20),
        uploaded_at: Some(at(2024, 6, 21, 10, 0)),
        status: CertStatus::Valid,
    }
}

/// The honest baseline: screening it finds nothing.
fn baseline() -> Tables {
    let i001 = InstitutionId::parse("I001").unwrap();
    let b1 = BatchId::parse("B1").unwrap();
    let mut t = Tables {
        meta: Meta {
            as_of: Some(d(2024, 12, 31)),
            region_code: Some(RegionCode::parse("420100").unwrap()),
            policy: None,
            window_from: Some(d(2024, 5, 1)),
        },
        ..Default::default()
    };
    t.institutions.push(Institution {
        institution_id: i001.clone(),
        name: "武汉某某职业培训学校".into(),
        credit_code: credit(1),
        kind: InstitutionKind::SocialOrg,
        region_code: RegionCode::parse("420100").unwrap(),
        registered_on: d(2023, 1, 1),
        expires_on: d(2025, 12, 31),
        status: RegistrationStatus::Active,
        status_since: None,
        employee_count: None,
        phone: None,
        registered_by: None,
    });
    t.scopes.push(Scope {
        institution_id: i001.clone(),
        occupation_code: occ(OCC),
        occupation_name: Some("中式烹调师".into()),
        level: lvl(4),
        valid_from: None,
        valid_to: None,
    });
    for s in ["S001", "S002"] {
        t.sites.push(Site {
            site_id: SiteId::parse(s).unwrap(),
            institution_id: i001.clone(),
            address: "武汉市江岸区某路1号".into(),
            capacity: Some(60),
            registered_on: Some(d(2023, 1, 1)),
            revoked_on: None,
            region_code: None,
        });
    }
    for e in ["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8"] {
        t.personnel.push(examiner(e));
    }
    t.personnel.push(Person {
        role: PersonRole::InternalSupervisor,
        occupation_code: None,
        max_level: None,
        ..examiner("N1")
    });
    t.batches.push(Batch {
        batch_id: b1.clone(),
        institution_id: i001.clone(),
        occupation_code: occ(OCC),
        level: lvl(4),
        site_id: Some(SiteId::parse("S001").unwrap()),
        start_at: at(2024, 6, 1, 8, 0),
        end_at: at(2024, 6, 1, 18, 0),
        filed_at: Some(at(2024, 5, 20, 10, 0)),
        internal_supervisor_id: Some(PersonId::parse("N1").unwrap()),
        supervision_record_at: Some(at(2024, 6, 2, 9, 0)),
    });
    t.sessions.push(Session {
        batch_id: b1.clone(),
        subject: Subject::Theory,
        start_at: at(2024, 6, 1, 8, 30),
        end_at: at(2024, 6, 1, 10, 30),
        paper_drawn: Some(PaperId::parse("PT1").unwrap()),
        paper_used: Some(PaperId::parse("PT1").unwrap()),
    });
    t.sessions.push(Session {
        batch_id: b1.clone(),
        subject: Subject::Skill,
        start_at: at(2024, 6, 1, 13, 30),
        end_at: at(2024, 6, 1, 17, 30),
        paper_drawn: Some(PaperId::parse("PS1").unwrap()),
        paper_used: Some(PaperId::parse("PS1").unwrap()),
    });
    t.batch_staff.extend([
        staff("B1", Subject::Theory, "E1", Duty::Proctor),
        staff("B1", Subject::Theory, "E2", Duty::Proctor),
        staff("B1", Subject::Theory, "E1", Duty::Grader),
        staff("B1", Subject::Skill, "E3", Duty::Examiner),
        staff("B1", Subject::Skill, "E4", Duty::Examiner),
        staff("B1", Subject::Skill, "E5", Duty::Examiner),
    ]);
    // Candidate 1 applies with a level-5 certificate and 5 years; the others with 7 years.
    for c in 1..=5 {
        let mut e = enrollment("B1", c);
        if c == 1 {
            e.work_years = Some(yrs(5));
            e.prior_cert_no = Some(history_no(1).into());
            e.prior_occupation_code = Some(occ(OCC).into());
            e.prior_level = Some(lvl(5).into());
            e.prior_cert_on = Some(d(2020, 5, 1).into());
        }
        t.enrollments.push(e);
        let theory = if c == 5 { 500 } else { 750 };
        t.scores.push(score("B1", c, Subject::Theory, theory, "E1"));
        t.scores.push(score("B1", c, Subject::Skill, 800, "E3"));
        t.results.push(ResultRow {
            batch_id: b1.clone(),
            candidate_id: cand(c),
            result: if c == 5 { Outcome::Fail } else { Outcome::Pass },
        });
        if c < 5 {
            t.certificates.push(certificate(c, u32::from(c)));
        }
    }
    // The prior certificate of candidate 1: history, before the window.
    t.certificates.push(Certificate {
        cert_no: history_no(1),
        batch_id: None,
        level: lvl(5),
        issued_on: d(2020, 5, 1),
        ..certificate(1, 0)
    });
    t.complaints.push(Complaint {
        complaint_id: ComplaintId::parse("C1").unwrap(),
        institution_id: i001.clone(),
        received_on: d(2024, 7, 1),
        channel: Some("12333".into()),
        summary: "反映收费标准不清".into(),
        verified: Verified::Unfounded,
        at_fault: Some(false),
    });
    t.promotions.push(Promotion {
        institution_id: i001.clone(),
        channel: Some("官网".into()),
        captured_on: d(2024, 7, 1),
        text: "严格考务管理，确保过程规范、结果公正；本机构不承诺包过，请考生认真备考。".into(),
    });
    t.access_log.push(AccessLog {
        at: at(2024, 7, 1, 9, 0),
        user_id: UserId::parse("U1").unwrap(),
        institution_id: Some(i001.clone()),
        cert_no: cert_no(1),
        action: AccessAction::Read,
    });
    t.present = Table::ALL.into_iter().collect();
    t
}

/// The bars every case screens with: candidate 2 was barred until the day before
/// the baseline's applications (so the baseline stays honest).
fn bars() -> Vec<screen::Bar> {
    vec![screen::Bar {
        candidate_id: cand(2).to_string(),
        from: d(2023, 4, 1),
        until: d(2024, 3, 31),
        decision: "鄂人社鉴决〔2023〕1号".into(),
    }]
}

fn run_with(t: Tables, book: &Rulebook) -> Screening {
    let ds = Dataset::new(t).expect("no duplicate keys");
    let bars = bars();
    screen(
        &ds,
        &Options {
            bars: &bars,
            ..Options::new(book)
        },
    )
}

fn run(t: Tables) -> Screening {
    run_with(t, &Rulebook::national())
}

// ---------------------------------------------------------------- subjects

fn subj(
    inst: Option<&str>,
    batch: Option<&str>,
    c: Option<u16>,
    cert: Option<&str>,
    person: Option<&str>,
) -> FindingSubject {
    FindingSubject {
        institution_id: inst.map(String::from),
        batch_id: batch.map(String::from),
        candidate_id: c.map(|c| cand(c).to_string()),
        cert_no: cert.map(String::from),
        person_id: person.map(String::from),
    }
}
fn inst(i: &str) -> FindingSubject {
    subj(Some(i), None, None, None, None)
}
fn batch(b: &str) -> FindingSubject {
    subj(Some("I001"), Some(b), None, None, None)
}
fn enr(b: &str, c: u16) -> FindingSubject {
    subj(Some("I001"), Some(b), Some(c), None, None)
}
fn crt(serial: u32) -> FindingSubject {
    subj(
        Some("I001"),
        Some("B1"),
        None,
        Some(cert_no(serial).as_str()),
        None,
    )
}
fn stf(b: &str, p: &str) -> FindingSubject {
    subj(Some("I001"), Some(b), None, None, Some(p))
}

// ---------------------------------------------------------------- helpers for mutations

fn bid(s: &str) -> BatchId {
    BatchId::parse(s).unwrap()
}
fn pid(s: &str) -> PersonId {
    PersonId::parse(s).unwrap()
}

/// Adds activity B2 of I001 on `site`, starting `start`, with its own staff (E6, E7,
/// E8 as skill examiners; E6, E7 proctors) and candidates 11..=13, unless
/// `candidates` says otherwise. No scores or results.
fn add_b2(t: &mut Tables, site: &str, start: DateTime, candidates: &[u16]) {
    let mut b = t.batches[0].clone();
    b.batch_id = bid("B2");
    b.site_id = Some(SiteId::parse(site).unwrap());
    let shift = start - b.start_at;
    b.start_at += shift;
    b.end_at += shift;
    b.filed_at = Some(start - chrono::Duration::days(10));
    b.supervision_record_at = Some(b.end_at + chrono::Duration::days(1));
    for s in t.sessions.clone() {
        t.sessions.push(Session {
            batch_id: bid("B2"),
            start_at: s.start_at + shift,
            end_at: s.end_at + shift,
            ..s
        });
    }
    t.batches.push(b);
    t.batch_staff.extend([
        staff("B2", Subject::Theory, "E6", Duty::Proctor),
        staff("B2", Subject::Theory, "E7", Duty::Proctor),
        staff("B2", Subject::Theory, "E6", Duty::Grader),
        staff("B2", Subject::Skill, "E6", Duty::Examiner),
        staff("B2", Subject::Skill, "E7", Duty::Examiner),
        staff("B2", Subject::Skill, "E8", Duty::Examiner),
    ]);
    for &c in candidates {
        t.enrollments.push(enrollment("B2", c));
    }
}

fn set_kind_employer(t: &mut Tables, headcount: u32) {
    t.institutions[0].kind = InstitutionKind::Employer;
    t.institutions[0].employee_count = Some(headcount);
    let own = t.institutions[0].credit_code;
    for e in &mut t.enrollments {
        e.employer_credit_code = Some(own.into());
        e.employer_name = Some("本单位".into());
    }
}

fn affiliate(t: &mut Tables, code: u32, from: Date, to: Date) {
    t.affiliates.push(Affiliate {
        institution_id: InstitutionId::parse("I001").unwrap(),
        credit_code: credit(code),
        name: "某某子公司".into(),
        relation: Relation::Agreement,
        valid_from: Some(from),
        valid_to: Some(to),
    });
}

/// Enrolls candidates `cs` in B1 who did not sit (absent, no scores): they count for
/// staffing and eligibility, not for scores or certificates.
fn add_absent(t: &mut Tables, cs: std::ops::RangeInclusive<u16>) {
    for c in cs {
        t.enrollments.push(enrollment("B1", c));
        t.results.push(ResultRow {
            batch_id: bid("B1"),
            candidate_id: cand(c),
            result: Outcome::Absent,
        });
    }
}

/// Candidate `c`, enrolled in B2 (see [`add_b2`]), sat it and passed: both subjects
/// scored by E6 (the theory grader and a skill examiner there) after it ended.
fn sat_b2(t: &mut Tables, c: u16) {
    let end = t
        .batches
        .iter()
        .find(|b| b.batch_id.as_str() == "B2")
        .unwrap()
        .end_at;
    for (subject, tenths) in [(Subject::Theory, 720), (Subject::Skill, 810)] {
        t.scores.push(ScoreRow {
            recorded_at: Some(end + chrono::Duration::hours(1)),
            ..score("B2", c, subject, tenths, "E6")
        });
    }
    t.results.push(ResultRow {
        batch_id: bid("B2"),
        candidate_id: cand(c),
        result: Outcome::Pass,
    });
}

fn enrollment_mut<'a>(t: &'a mut Tables, batch: &str, c: u16) -> &'a mut Enrollment {
    t.enrollments
        .iter_mut()
        .find(|e| e.batch_id.as_str() == batch && e.candidate_id == cand(c))
        .unwrap()
}

fn score_mut(t: &mut Tables, c: u16, subject: Subject) -> &mut ScoreRow {
    t.scores
        .iter_mut()
        .find(|s| s.candidate_id == cand(c) && s.subject == subject)
        .unwrap()
}

fn result_mut(t: &mut Tables, c: u16) -> &mut ResultRow {
    t.results
        .iter_mut()
        .find(|r| r.candidate_id == cand(c))
        .unwrap()
}

fn cert_mut(t: &mut Tables, serial: u32) -> &mut Certificate {
    t.certificates
        .iter_mut()
        .find(|c| c.cert_no == cert_no(serial))
        .unwrap()
}

fn session_mut(t: &mut Tables, subject: Subject) -> &mut Session {
    t.sessions
        .iter_mut()
        .find(|s| s.batch_id.as_str() == "B1" && s.subject == subject)
        .unwrap()
}

fn person_mut<'a>(t: &'a mut Tables, p: &str) -> &'a mut Person {
    t.personnel
        .iter_mut()
        .find(|x| x.person_id.as_str() == p)
        .unwrap()
}

fn promote(t: &mut Tables, text: &str) {
    t.promotions.push(Promotion {
        institution_id: InstitutionId::parse("I001").unwrap(),
        channel: Some("微信公众号".into()),
        captured_on: d(2024, 8, 1),
        text: text.into(),
    });
}

// ---------------------------------------------------------------- the table

struct Case {
    name: &'static str,
    /// The kinds this case is a near miss for (empty for a positive case): it comes
    /// close to them, and must not produce them.
    near: &'static [&'static str],
    mutate: fn(&mut Tables),
    expect: fn() -> Vec<(&'static str, FindingSubject)>,
}

macro_rules! case {
    ($name:literal, |$t:ident| $body:block, [$(($rule:literal, $subj:expr)),* $(,)?]) => {
        Case { name: $name, near: &[], mutate: |$t: &mut Tables| $body, expect: || vec![$(($rule, $subj)),*] }
    };
}

/// A near miss: `near_miss!(name, [kinds it is a near miss for], |t| {...}, [expected])`.
macro_rules! near_miss {
    ($name:literal, [$($near:literal),+ $(,)?], |$t:ident| $body:block, [$(($rule:literal, $subj:expr)),* $(,)?]) => {
        Case {
            name: $name,
            near: &[$($near),+],
            mutate: |$t: &mut Tables| $body,
            expect: || vec![$(($rule, $subj)),*],
        }
    };
}

fn cases() -> Vec<Case> {
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
        // ---- item 5: promotion
        case!(
            "包过 promise",
            |t| {
                promote(t, "零基础包过，不过退费！三天拿证");
            },
            [("promotion.false_advertising", inst("I001"))]
        ),
        near_miss!(
            "near miss: 不承诺包过 and 确保过程规范",
            ["promotion.false_advertising"],
            |t| {
                promote(
                    t,
                    "本机构不承诺包过；确保过程规范，杜绝“包过”“保过”等虚假宣传。",
                );
            },
            []
        ),
        case!(
            "subsidy as bait",
            |t| {
                promote(t, "考证领政府补贴1500元，学费全返，相当于免费学技能！");
            },
            [("promotion.subsidy_bait", inst("I001"))]
        ),
        near_miss!(
            "near miss: the subsidy mentioned as policy",
            ["promotion.subsidy_bait"],
            |t| {
                promote(t, "符合条件的学员取证后可按规定申领职业技能提升补贴。");
            },
            []
        ),
        // ---- items 6/13, 7
        case!(
            "no activity for 15 months",
            |t| {
                t.meta.as_of = Some(d(2025, 9, 1));
            },
            [("activity.inactive", inst("I001"))]
        ),
        near_miss!(
            "near miss: no activity for 11 months",
            ["activity.inactive"],
            |t| {
                t.meta.as_of = Some(d(2025, 5, 31));
            },
            []
        ),
        case!(
            "substantiated complaint, institution at fault",
            |t| {
                t.complaints[0].verified = Verified::Substantiated;
                t.complaints[0].at_fault = Some(true);
            },
            [("complaint.substantiated", inst("I001"))]
        ),
        near_miss!(
            "near miss: substantiated, institution not at fault",
            ["complaint.substantiated"],
            |t| {
                t.complaints[0].verified = Verified::Substantiated;
            },
            []
        ),
        // ---- item 9: scope and registration
        case!(
            "activity outside the registered scope (and its certificates)",
            |t| {
                t.scopes[0].level = lvl(3);
            },
            [
                ("scope.outside_registered_scope", batch("B1")),
                ("upload.outside_scope", crt(1)),
                ("upload.outside_scope", crt(2)),
                ("upload.outside_scope", crt(3)),
                ("upload.outside_scope", crt(4)),
            ]
        ),
        near_miss!(
            "near miss: scope effective on the activity day",
            ["scope.outside_registered_scope"],
            |t| {
                t.scopes[0].valid_from = Some(d(2024, 6, 1));
            },
            []
        ),
        near_miss!(
            "near miss: scope ended after the activity, before the certificates",
            ["scope.outside_registered_scope", "upload.outside_scope"],
            |t| {
                t.scopes[0].valid_to = Some(d(2024, 6, 10));
            },
            []
        ),
        case!(
            "scope effective after the activity: the activity is outside, the upload is not",
            |t| {
                t.scopes[0].valid_from = Some(d(2024, 6, 15));
            },
            [("scope.outside_registered_scope", batch("B1"))]
        ),
        case!(
            "activity at an unregistered site",
            |t| {
                t.batches[0].site_id = Some(SiteId::parse("S009").unwrap());
            },
            [("scope.unregistered_site", batch("B1"))]
        ),
        near_miss!(
            "near miss: site revoked the day after",
            ["scope.unregistered_site"],
            |t| {
                t.sites[0].revoked_on = Some(d(2024, 6, 2));
            },
            []
        ),
        case!(
            "activity while suspended",
            |t| {
                t.institutions[0].status = RegistrationStatus::Suspended;
                t.institutions[0].status_since = Some(d(2024, 5, 15));
            },
            [("scope.registration_inactive", batch("B1"))]
        ),
        near_miss!(
            "near miss: suspended after the activity",
            ["scope.registration_inactive"],
            |t| {
                t.institutions[0].status = RegistrationStatus::Suspended;
                t.institutions[0].status_since = Some(d(2024, 7, 1));
            },
            []
        ),
        case!(
            "activity after the registration expired",
            |t| {
                t.institutions[0].expires_on = d(2024, 5, 31);
            },
            [("scope.registration_inactive", batch("B1"))]
        ),
        case!(
            "activity of an institution that is not registered",
            |t| {
                t.institutions.clear();
                t.scopes.clear();
            },
            [("scope.unregistered_institution", batch("B1"))]
        ),
        near_miss!(
            "near miss: institution and sites registered on the activity day",
            [
                "scope.unregistered_institution",
                "scope.registration_inactive",
                "scope.unregistered_site"
            ],
            |t| {
                t.institutions[0].registered_on = d(2024, 6, 1);
                for s in &mut t.sites {
                    s.registered_on = Some(d(2024, 6, 1));
                }
            },
            []
        ),
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
        // ---- item 14: access
        case!(
            "another institution's account reads our certificates",
            |t| {
                t.access_log.push(AccessLog {
                    at: at(2024, 8, 1, 9, 0),
                    user_id: UserId::parse("U9").unwrap(),
                    institution_id: Some(InstitutionId::parse("I002").unwrap()),
                    cert_no: cert_no(2),
                    action: AccessAction::Export,
                });
            },
            [("access.other_institution", inst("I002"))]
        ),
        near_miss!(
            "near miss: the authority reads certificates",
            ["access.other_institution"],
            |t| {
                t.access_log.push(AccessLog {
                    at: at(2024, 8, 1, 9, 0),
                    user_id: UserId::parse("RSJ1").unwrap(),
                    institution_id: None,
                    cert_no: cert_no(2),
                    action: AccessAction::Export,
                });
            },
            []
        ),
        case!(
            "bulk reading of own certificates",
            |t| {
                let a = t.access_log[0].clone();
                t.access_log.extend(std::iter::repeat_n(a, 250));
            },
            [("access.bulk", inst("I001"))]
        ),
        near_miss!(
            "near miss: 150 reads",
            ["access.bulk"],
            |t| {
                let a = t.access_log[0].clone();
                t.access_log.extend(std::iter::repeat_n(a, 149));
            },
            []
        ),
        near_miss!(
            "near miss: exactly 200 reads, the minimum",
            ["access.bulk"],
            |t| {
                let a = t.access_log[0].clone();
                t.access_log.extend(std::iter::repeat_n(a, 199));
            },
            []
        ),
        // ---- item 15: upload
        case!(
            "certificate data contradicts the record",
            |t| {
                cert_mut(t, 1).name = "李四".into();
            },
            [("upload.contradicts_record", crt(1))]
        ),
        near_miss!(
            "near miss: certificate name with a trailing full-width space",
            ["upload.contradicts_record"],
            |t| {
                cert_mut(t, 1).name = "考生1\u{3000}".into();
            },
            []
        ),
        case!(
            "certificate of another occupation, outside the scope",
            |t| {
                cert_mut(t, 1).occupation_code = occ("4-03-02-02");
            },
            [
                ("certificate.activity_mismatch", crt(1)),
                ("upload.outside_scope", crt(1)),
            ]
        ),
    ]
}

#[test]
fn the_baseline_is_honest() {
    let s = run(baseline());
    assert!(s.findings.is_empty(), "{:#?}", s.findings);
    assert!(
        s.kinds
            .iter()
            .filter(|k| k.detector.is_some())
            .all(|k| k.enabled())
    );
}

#[test]
fn every_case_finds_exactly_what_it_should() {
    let mut failures = Vec::new();
    for c in cases() {
        let mut t = baseline();
        (c.mutate)(&mut t);
        let s = run(t);
        let mut got: Vec<(String, FindingSubject)> = s
            .findings
            .iter()
            .map(|f| (f.kind.id().to_string(), f.subject.clone()))
            .collect();
        let mut want: Vec<(String, FindingSubject)> = (c.expect)()
            .into_iter()
            .map(|(r, s)| (r.to_string(), s))
            .collect();
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!(
                "case `{}`:\n  want {:?}\n  got  {:?}\n  messages {:?}",
                c.name,
                want,
                got,
                s.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
            ));
        }
        for f in &s.findings {
            assert!(
                !f.message.is_empty() && f.evidence.is_object(),
                "{}",
                c.name
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The finding kinds of every builtin rule.
fn builtin_kinds() -> std::collections::BTreeSet<&'static str> {
    screen::rules::all()
        .iter()
        .flat_map(|r| r.kinds.iter().map(|k| k.id()))
        .collect()
}

#[test]
fn every_builtin_detector_kind_has_a_positive_case() {
    let covered: std::collections::BTreeSet<&str> = cases()
        .iter()
        .flat_map(|c| (c.expect)().into_iter().map(|(r, _)| r))
        .collect();
    let missing: Vec<&str> = builtin_kinds()
        .into_iter()
        .filter(|k| !covered.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "no positive case for: {}",
        missing.join(", ")
    );
}

#[test]
fn every_builtin_detector_kind_has_a_near_miss_case() {
    let kinds = builtin_kinds();
    let cases = cases();
    let mut problems = Vec::new();
    for c in &cases {
        if c.name.starts_with("near miss") == c.near.is_empty() {
            problems.push(format!(
                "case `{}`: only a case named \"near miss: …\" lists kinds it is a near miss for, and it must",
                c.name
            ));
        }
        let expected: Vec<&str> = (c.expect)().into_iter().map(|(r, _)| r).collect();
        for k in c.near {
            if !kinds.contains(k) {
                problems.push(format!("case `{}`: no builtin rule reports {k}", c.name));
            }
            if expected.contains(k) {
                problems.push(format!(
                    "case `{}`: expects {k}, so is no near miss for it",
                    c.name
                ));
            }
        }
    }
    let covered: std::collections::BTreeSet<&str> =
        cases.iter().flat_map(|c| c.near.iter().copied()).collect();
    let missing: Vec<&str> = kinds.into_iter().filter(|k| !covered.contains(k)).collect();
    if !missing.is_empty() {
        problems.push(format!("no near-miss case for: {}", missing.join(", ")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------- classification

#[test]
fn the_output_contract() {
    let mut t = baseline();
    t.scopes[0].level = lvl(3);
    t.meta.policy = Some("hubei".into());
    let s = run_with(t, &Rulebook::builtin("hubei").unwrap());
    let f = s
        .findings
        .iter()
        .find(|f| f.kind.id() == "scope.outside_registered_scope")
        .unwrap();
    let line = serde_json::to_string(f).unwrap();
    assert_eq!(
        line,
        r#"{"rule":"scope.outside_registered_scope","item":9,"severity":"grave","disposition":"terminate","institution_id":"I001","batch_id":"B1","candidate_id":null,"cert_no":null,"person_id":null,"basis":"湖北省技能人才评价违纪违规行为处理工作规程(试行) 第十四条(二)","message":"批次 B1 评价职业 4-03-02-01 四级 不在备案范围内","evidence":{"level":4,"occupation_code":"4-03-02-01","start_on":"2024-06-01"}}"#
    );
    // Item 15 always revokes the data.
    let u = s.findings.iter().find(|f| f.item == 15).unwrap();
    let v: serde_json::Value = serde_json::to_value(u).unwrap();
    assert_eq!(v["revoke_data"], true);
    assert_eq!(v["cert_no"], cert_no(1).as_str());
    // Sorted by item, rule, subject.
    let keys: Vec<_> = s.findings.iter().map(|f| f.sort_key()).collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn candidate_articles_are_named() {
    let mut t = baseline();
    add_b2(&mut t, "S002", at(2024, 6, 1, 8, 30), &[1, 12, 13]);
    let s = run(t);
    let f = &s.findings[0];
    assert_eq!(
        (f.kind.id(), f.article.as_deref()),
        ("cheating.impersonation", Some("第七条(四)"))
    );
    let v = serde_json::to_value(f).unwrap();
    assert_eq!(v["article"], "第七条(四)");
    assert_eq!(v["candidate_id"], cand(1).to_string());
}

#[test]
fn rulebooks_classify_differently() {
    let mut t = baseline();
    add_b2(&mut t, "S002", at(2024, 6, 1, 8, 30), &[1, 12, 13]);
    let hubei = run_with(t.clone(), &Rulebook::builtin("hubei").unwrap());
    let qinghai = run_with(t, &Rulebook::builtin("qinghai").unwrap());
    let pick = |s: &Screening| {
        s.findings
            .iter()
            .find(|f| f.kind.id() == "cheating.impersonation")
            .unwrap()
            .clone()
    };
    let (h, q) = (&pick(&hubei), &pick(&qinghai));
    assert_eq!(
        (h.severity, h.disposition),
        (Severity::Serious, Disposition::Rectify)
    );
    assert!(h.basis.ends_with("第十三条(五)"), "{}", h.basis);
    assert_eq!(
        (q.severity, q.disposition),
        (Severity::Grave, Disposition::Terminate)
    );
    assert!(q.basis.ends_with("第二十二条(四)"), "{}", q.basis);

    // Inactivity. 8 months: nothing nationally nor in Qinghai, whose 第二十一条(三)
    // “一年内无正当理由不开展评价活动的” sets no shorter period and whose 第二十二条(七)
    // “一年(含)以上不开展评价工作的” starts at a year (no six-month tier).
    let mut t = baseline();
    t.meta.as_of = Some(d(2025, 2, 15));
    assert!(run(t.clone()).findings.is_empty());
    let q = run_with(t, &Rulebook::builtin("qinghai").unwrap());
    assert!(q.findings.is_empty(), "{:?}", q.findings);
    // 15 months: national item 13 grave (第十四条(七) “一年(含)以上不开展评价工作”), in
    // Qinghai 第二十二条(七), and in Shanxi the same national sentence.
    let mut t = baseline();
    t.meta.as_of = Some(d(2025, 9, 1));
    let n = run(t.clone());
    assert_eq!(
        (n.findings[0].item, n.findings[0].severity),
        (13, Severity::Grave)
    );
    let q = run_with(t.clone(), &Rulebook::builtin("qinghai").unwrap());
    assert!(q.findings[0].basis.contains("第二十二条(七)"));
    let sx = run_with(t, &Rulebook::builtin("shanxi").unwrap());
    assert_eq!(
        (sx.findings[0].severity, sx.findings[0].disposition),
        (Severity::Grave, Disposition::Terminate)
    );
    assert!(
        sx.findings[0].basis.contains("第十四条(七)"),
        "{}",
        sx.findings[0].basis
    );
    // Two years: Shanxi 四(一)1 “对自备案以来连续两年未开展职业技能等级评价工作的,原则上全部清退”.
    let mut t = baseline();
    t.meta.as_of = Some(d(2026, 6, 2));
    t.institutions[0].expires_on = d(2027, 1, 1);
    let sx = run_with(t, &Rulebook::builtin("shanxi").unwrap());
    let f = sx
        .findings
        .iter()
        .find(|f| f.kind.id() == "activity.inactive")
        .unwrap();
    assert!(f.basis.contains("四(一)1"), "{}", f.basis);
}

/// 青海 第十七条：“质量督导员应在日常督导工作结束后2个工作日向委派机构提交督导情况记录表”.
/// B1 ends on Saturday 2024-06-01: the record is due on Tuesday 06-04.
#[test]
fn qinghai_allows_two_working_days_for_the_supervision_record() {
    let mut t = baseline();
    t.batches[0].supervision_record_at = None;
    t.meta.as_of = Some(d(2024, 6, 4));
    let q = run_with(t.clone(), &Rulebook::builtin("qinghai").unwrap());
    assert!(q.findings.is_empty(), "{:?}", q.findings);
    t.meta.as_of = Some(d(2024, 6, 5));
    let q = run_with(t, &Rulebook::builtin("qinghai").unwrap());
    assert_eq!(q.findings.len(), 1);
}

/// The same sentence over the 2025 National Day holiday (10-01..10-08 off, Saturday
/// 10-11 worked): an activity ending 2025-09-30 has its record due 2025-10-10, the
/// second working day after it, not four calendar days later (10-04). With a store
/// calendar that also gives 10-09 and 10-10 off, the record is due 10-13.
#[test]
fn qinghai_record_deadline_counts_working_days_over_national_day() {
    let mut t = baseline();
    let b = &mut t.batches[0];
    b.start_at = at(2025, 9, 30, 8, 30);
    b.end_at = at(2025, 9, 30, 17, 30);
    b.supervision_record_at = None;
    let qinghai = Rulebook::builtin("qinghai").unwrap();
    let no_record = |as_of: Date, calendar: Option<&domain::workdays::Calendar>| {
        let mut t = t.clone();
        t.meta.as_of = Some(as_of);
        let ds = Dataset::new(t).unwrap();
        screen(
            &ds,
            &Options {
                calendar,
                ..Options::new(&qinghai)
            },
        )
        .findings
        .iter()
        .any(|f| f.kind.id() == "supervision.no_record")
    };
    assert!(!no_record(d(2025, 10, 5), None), "inside the grace");
    assert!(!no_record(d(2025, 10, 10), None), "the due day");
    assert!(no_record(d(2025, 10, 11), None), "past the due day");
    let mut store = domain::workdays::Calendar::embedded();
    let mut days: Vec<domain::workdays::Day> = store.days_of(2025).cloned().collect();
    for day in [9, 10] {
        days.push(domain::workdays::Day {
            date: d(2025, 10, day),
            off_day: true,
            name: "国庆节".into(),
        });
    }
    store.with_year(2025, days).unwrap();
    assert!(!no_record(d(2025, 10, 11), Some(&store)));
    assert!(!no_record(d(2025, 10, 13), Some(&store)));
    assert!(no_record(d(2025, 10, 14), Some(&store)));
    // The national default sets no deadline: due the day the activity ends.
    let mut n = t.clone();
    n.meta.as_of = Some(d(2025, 10, 1));
    assert!(
        run(n)
            .findings
            .iter()
            .any(|f| f.kind.id() == "supervision.no_record")
    );
}

#[test]
fn a_repeat_offender_is_escalated() {
    let mut t = baseline();
    promote(&mut t, "包过！不过退费");
    t.sanctions.push(Sanction {
        institution_id: InstitutionId::parse("I001").unwrap(),
        decided_on: d(2024, 3, 1),
        item: GuideItem::parse("5").unwrap(),
        severity: Severity::Serious,
        disposition: Disposition::Rectify,
    });
    let s = run(t.clone());
    let f = &s.findings[0];
    assert_eq!(
        (f.severity, f.disposition),
        (Severity::Grave, Disposition::Terminate)
    );
    assert!(f.basis.contains("第十四条(六)"), "{}", f.basis);
    assert_eq!(f.evidence["escalated"]["from"], "serious");
    // A general sanction does not escalate.
    t.sanctions[0].severity = Severity::General;
    let s = run(t);
    assert_eq!(s.findings[0].severity, Severity::Serious);
}

#[test]
fn item_15_is_graded_by_extent() {
    let mut t = baseline();
    t.scopes[0].level = lvl(3);
    let mut book = Rulebook::national();
    book.policy.upload_serious_from = 2;
    book.policy.upload_grave_from = 4;
    let s = run_with(t.clone(), &book);
    let up: Vec<_> = s.findings.iter().filter(|f| f.item == 15).collect();
    assert_eq!(up.len(), 4);
    assert!(
        up.iter()
            .all(|f| f.severity == Severity::Grave && f.revoke_data)
    );
    book.policy.upload_grave_from = 5;
    let s = run_with(t, &book);
    assert!(
        s.findings
            .iter()
            .filter(|f| f.item == 15)
            .all(|f| f.severity == Severity::Serious)
    );
}

#[test]
fn a_missing_table_disables_its_rules_and_says_so() {
    let mut t = baseline();
    promote(&mut t, "包过");
    t.present.remove(&Table::Promotions);
    t.present.remove(&Table::AccessLog);
    let s = run(t);
    assert!(s.findings.is_empty());
    let st = s
        .kinds
        .iter()
        .find(|k| k.kind.id() == "promotion.false_advertising")
        .unwrap();
    assert!(!st.enabled());
    assert_eq!(st.reason().unwrap(), "缺少数据表 宣传材料(promotions)");
    let stat = s
        .kinds
        .iter()
        .find(|k| k.kind.id() == "cheating.answer_copying")
        .unwrap();
    assert_eq!(stat.detector, Some("forensics.answer_similarity"));
}

#[test]
fn the_risk_list_ranks_by_worst_severity_then_weight() {
    let mut t = baseline();
    // I001: one grave finding (outside scope), item-15 findings, an ineligible candidate.
    t.scopes[0].level = lvl(3);
    enrollment_mut(&mut t, "B1", 2).work_years = Some(yrs(3));
    // I002: many general ones, no grave.
    t.access_log.push(AccessLog {
        at: at(2024, 8, 1, 9, 0),
        user_id: UserId::parse("U9").unwrap(),
        institution_id: Some(InstitutionId::parse("I002").unwrap()),
        cert_no: cert_no(2),
        action: AccessAction::Read,
    });
    let ds = Dataset::new(t).unwrap();
    let book = Rulebook::national();
    let s = screen(&ds, &Options::new(&book));
    let rows = screen::risk_list(&s, &ds);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].rank, 1);
    assert_eq!(rows[0].per_item[8], 1);
    assert_eq!(rows[0].per_item[14], 4);
    assert!(rows[0].revoke_data);
    assert_eq!(rows[0].disposition_zh(), "终止备案；撤销违规证书数据");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk_list.xlsx");
    screen::output::write_risk_xlsx(&path, &s, &rows, &ds, &book).unwrap();
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&path).unwrap();
    assert_eq!(wb.sheet_names(), vec!["风险清单", "预警明细", "规则说明"]);
    let ranked = wb.worksheet_range("风险清单").unwrap();
    assert_eq!(ranked.get_value((0, 0)).unwrap().to_string(), "排名");
    assert_eq!(ranked.get_value((1, 1)).unwrap().to_string(), "I001");
    let detail = wb.worksheet_range("预警明细").unwrap();
    assert_eq!(detail.height(), s.findings.len() + 1);
    let masked: Vec<String> = detail.rows().skip(1).map(|r| r[9].to_string()).collect();
    assert!(
        masked
            .iter()
            .all(|m| m.is_empty() || m.contains("********")),
        "{masked:?}"
    );
    assert!(masked.contains(&cand(2).masked()), "{masked:?}");
    let rules = wb.worksheet_range("规则说明").unwrap();
    // Every kind, a blank row, then the rulebook's settings; a platform default
    // reads as one.
    let book = Rulebook::national();
    assert_eq!(
        rules.height(),
        domain::finding::FindingKind::ALL.len() + 2 + book.parameters().len()
    );
    let last = rules.get((rules.height() - 1, 6)).unwrap().to_string();
    assert!(last.starts_with("平台默认"), "{last}");
    let mut buf = Vec::new();
    screen::output::write_findings_jsonl(&mut buf, &s.findings).unwrap();
    assert_eq!(
        String::from_utf8(buf).unwrap().lines().count(),
        s.findings.len()
    );
    assert_eq!(
        screen::output::mask_candidate(&cand(1).to_string()),
        cand(1).masked()
    );
}

/// Staff suspended by a decision (第八条 取消当年参加评价工作的资格 through 31
/// December, 第十一条 暂停督导工作 for a period) keep their card: work in an activity
/// inside the suspension is found as an invalid card is (the examiner's
/// `staff.examiner_expired`, the internal supervisor's
/// `supervision.no_internal_supervisor`); a suspension ending the day before is not.
#[test]
fn work_during_a_staff_suspension_is_found() {
    let book = Rulebook::national();
    let ds = Dataset::new(baseline()).expect("no duplicate keys");
    let suspended = |person: &str, until: Date| screen::Suspension {
        person_id: person.into(),
        from: d(2024, 1, 1),
        until,
        decision: "被处理案件 2024-0001 取消当年参加评价工作的资格".into(),
    };
    for (person, until, want) in [
        (
            "E3",
            d(2024, 12, 31),
            Some(("staff.examiner_expired", stf("B1", "E3"))),
        ),
        ("E3", d(2024, 5, 31), None),
        (
            "N1",
            d(2024, 12, 31),
            Some(("supervision.no_internal_supervisor", batch("B1"))),
        ),
    ] {
        let list = [suspended(person, until)];
        let s = screen(
            &ds,
            &Options {
                suspensions: &list,
                ..Options::new(&book)
            },
        );
        let got: Vec<(String, FindingSubject)> = s
            .findings
            .iter()
            .map(|f| (f.kind.id().to_string(), f.subject.clone()))
            .collect();
        let want: Vec<(String, FindingSubject)> =
            want.into_iter().map(|(k, s)| (k.to_string(), s)).collect();
        assert_eq!(got, want, "{person} until {until}");
        if let Some(f) = s.findings.first() {
            assert!(f.message.contains("2024-0001"), "{}", f.message);
        }
    }
}
