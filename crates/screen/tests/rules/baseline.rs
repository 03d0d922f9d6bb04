//! The honest baseline dataset every case mutates, the screening run, finding
//! subjects and helpers for mutations.

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

pub fn d(y: i32, m: u32, day: u32) -> Date {
    Date::from_ymd_opt(y, m, day).unwrap()
}

pub fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime {
    d(y, m, day).and_hms_opt(h, min, 0).unwrap()
}

pub fn occ(s: &str) -> OccupationCode {
    OccupationCode::parse(s).unwrap()
}

/// Whole years of work, as declared.
pub fn yrs(n: u8) -> Declared<WorkYears> {
    WorkYears::from(n).into()
}

/// Years of work as written on the form (`4.9`).
pub fn declared_years(text: &str) -> Declared<WorkYears> {
    Declared::parse(text)
}

pub fn lvl(n: u8) -> Level {
    Level::new(n).unwrap()
}

pub fn credit(n: u32) -> CreditCode {
    CreditCode::from_body(&format!("914201001{n:08}")).unwrap()
}

/// Candidate `i` (1-based).
pub fn cand(i: u16) -> IdNumber {
    IdNumber::from_parts(
        RegionCode::parse("420102").unwrap(),
        d(1990, 1, 1) + chrono::Duration::days(i64::from(i)),
        i,
    )
    .unwrap()
}

pub fn cert_no(serial: u32) -> CertNo {
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

pub fn history_no(serial: u32) -> CertNo {
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

pub const OCC: &str = "4-03-02-01";

pub fn examiner(id: &str) -> Person {
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

pub fn staff(batch: &str, subject: Subject, person: &str, duty: Duty) -> BatchStaff {
    BatchStaff {
        batch_id: BatchId::parse(batch).unwrap(),
        subject,
        person_id: PersonId::parse(person).unwrap(),
        duty,
    }
}

pub fn score(batch: &str, c: u16, subject: Subject, tenths: i32, by: &str) -> ScoreRow {
    ScoreRow {
        batch_id: BatchId::parse(batch).unwrap(),
        candidate_id: cand(c),
        subject,
        score: Some(Score::from_tenths(tenths)),
        graded_by: Some(PersonId::parse(by).unwrap()),
        recorded_at: Some(at(2024, 6, 1, 19, 0)),
    }
}

pub fn enrollment(batch: &str, c: u16) -> Enrollment {
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

pub fn certificate(c: u16, serial: u32) -> Certificate {
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
pub fn baseline() -> Tables {
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
pub fn bars() -> Vec<screen::Bar> {
    vec![screen::Bar {
        candidate_id: cand(2).to_string(),
        from: d(2023, 4, 1),
        until: d(2024, 3, 31),
        decision: "鄂人社鉴决〔2023〕1号".into(),
    }]
}

pub fn run_with(t: Tables, book: &Rulebook) -> Screening {
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

pub fn run(t: Tables) -> Screening {
    run_with(t, &Rulebook::national())
}

// ---------------------------------------------------------------- subjects

pub fn subj(
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
pub fn inst(i: &str) -> FindingSubject {
    subj(Some(i), None, None, None, None)
}
pub fn batch(b: &str) -> FindingSubject {
    subj(Some("I001"), Some(b), None, None, None)
}
pub fn enr(b: &str, c: u16) -> FindingSubject {
    subj(Some("I001"), Some(b), Some(c), None, None)
}
pub fn crt(serial: u32) -> FindingSubject {
    subj(
        Some("I001"),
        Some("B1"),
        None,
        Some(cert_no(serial).as_str()),
        None,
    )
}
pub fn stf(b: &str, p: &str) -> FindingSubject {
    subj(Some("I001"), Some(b), None, None, Some(p))
}

// ---------------------------------------------------------------- helpers for mutations

pub fn bid(s: &str) -> BatchId {
    BatchId::parse(s).unwrap()
}
pub fn pid(s: &str) -> PersonId {
    PersonId::parse(s).unwrap()
}

/// Adds activity B2 of I001 on `site`, starting `start`, with its own staff (E6, E7,
/// E8 as skill examiners; E6, E7 proctors) and candidates 11..=13, unless
/// `candidates` says otherwise. No scores or results.
pub fn add_b2(t: &mut Tables, site: &str, start: DateTime, candidates: &[u16]) {
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

pub fn set_kind_employer(t: &mut Tables, headcount: u32) {
    t.institutions[0].kind = InstitutionKind::Employer;
    t.institutions[0].employee_count = Some(headcount);
    let own = t.institutions[0].credit_code;
    for e in &mut t.enrollments {
        e.employer_credit_code = Some(own.into());
        e.employer_name = Some("本单位".into());
    }
}

pub fn affiliate(t: &mut Tables, code: u32, from: Date, to: Date) {
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
pub fn add_absent(t: &mut Tables, cs: std::ops::RangeInclusive<u16>) {
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
pub fn sat_b2(t: &mut Tables, c: u16) {
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

pub fn enrollment_mut<'a>(t: &'a mut Tables, batch: &str, c: u16) -> &'a mut Enrollment {
    t.enrollments
        .iter_mut()
        .find(|e| e.batch_id.as_str() == batch && e.candidate_id == cand(c))
        .unwrap()
}

pub fn score_mut(t: &mut Tables, c: u16, subject: Subject) -> &mut ScoreRow {
    t.scores
        .iter_mut()
        .find(|s| s.candidate_id == cand(c) && s.subject == subject)
        .unwrap()
}

pub fn result_mut(t: &mut Tables, c: u16) -> &mut ResultRow {
    t.results
        .iter_mut()
        .find(|r| r.candidate_id == cand(c))
        .unwrap()
}

pub fn cert_mut(t: &mut Tables, serial: u32) -> &mut Certificate {
    t.certificates
        .iter_mut()
        .find(|c| c.cert_no == cert_no(serial))
        .unwrap()
}

pub fn session_mut(t: &mut Tables, subject: Subject) -> &mut Session {
    t.sessions
        .iter_mut()
        .find(|s| s.batch_id.as_str() == "B1" && s.subject == subject)
        .unwrap()
}

pub fn person_mut<'a>(t: &'a mut Tables, p: &str) -> &'a mut Person {
    t.personnel
        .iter_mut()
        .find(|x| x.person_id.as_str() == p)
        .unwrap()
}

pub fn promote(t: &mut Tables, text: &str) {
    t.promotions.push(Promotion {
        institution_id: InstitutionId::parse("I001").unwrap(),
        channel: Some("微信公众号".into()),
        captured_on: d(2024, 8, 1),
        text: text.into(),
    });
}
