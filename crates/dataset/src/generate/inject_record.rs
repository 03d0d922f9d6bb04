//! Enrollment- and certificate-level injections (guide items 1, 2, 4, 10, 11, 12,
//! 15), applied after results and certificates exist. Each edits one application or
//! certificate (adding rows where the violation is an extra row) and emits its labels.

use super::draft::InstDraft;
use super::inject_batch::make_ineligible;
use super::institution::credit_code;
use super::names;
use super::outcome::{cert_number, implied_outcome, make_cert, phantom_cert_number};
use super::people::{fresh_person, history_cert, meets_requirements};
use super::state::{Ctx, phantom_batch_id};
use super::util::{days, office_time, pick};
use chrono::Datelike;
use domain::enums::*;
use domain::finding::FindingKind;
use domain::ids::*;
use domain::model::*;
use domain::{CertNo, IdNumber, Level, Score, WorkYears};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Applies an enrollment-level injection to candidate `ci` of batch `bi`.
pub fn apply_enrollment(
    ctx: &mut Ctx,
    d: &mut InstDraft,
    bi: usize,
    ci: usize,
    kind: FindingKind,
    rng: &mut ChaCha8Rng,
) -> bool {
    let level = d.batches[bi].batch.level;
    let id = d.batches[bi].cands[ci].enrollment.candidate_id;
    let ok = match kind {
        FindingKind::EligibilityNotMet => {
            // Declared fields meet no path of the level (prior certificate, if any,
            // stays genuine). Label: the enrollment.
            make_ineligible(&mut d.batches[bi].cands[ci].enrollment, level, rng);
            true
        }
        FindingKind::CandidateNotStaff => {
            // An employer evaluates someone working for an unrelated company.
            // Label: the enrollment.
            if d.inst.kind != InstitutionKind::Employer {
                return false;
            }
            let city = &ctx.cities[d.city];
            let district = pick(rng, &city.districts);
            let e = &mut d.batches[bi].cands[ci].enrollment;
            e.employer_credit_code = Some(credit_code(rng, "91", district.code).into());
            e.employer_name = Some(names::any_company(rng, city).into());
            true
        }
        FindingKind::ResultContradictsScores => {
            // A present candidate's result is flipped: fail → pass (and, if the
            // batch's certificates are out, a certificate like the others'), or
            // pass → fail (certificate withdrawn from the data). Label: the enrollment.
            let c = &d.batches[bi].cands[ci];
            if c.absent || c.scores.is_empty() {
                return false;
            }
            let issued = d.batches[bi]
                .cands
                .iter()
                .find_map(|c| c.cert.as_ref().map(|x| x.issued_on));
            match implied_outcome(c) {
                Outcome::Pass => {
                    let c = &mut d.batches[bi].cands[ci];
                    c.result.as_mut().expect("result").result = Outcome::Fail;
                    c.cert = None;
                }
                _ => {
                    d.batches[bi].cands[ci]
                        .result
                        .as_mut()
                        .expect("result")
                        .result = Outcome::Pass;
                    if let Some(on) = issued {
                        let cert = make_cert(ctx, d, rng, bi, ci, on);
                        d.batches[bi].cands[ci].cert = Some(cert);
                    }
                }
            }
            true
        }
        FindingKind::ScoreOutOfRange => {
            // A passing candidate's skill score is recorded as 100.5–110 (still a
            // pass, so the result agrees). Label: the enrollment.
            let c = &mut d.batches[bi].cands[ci];
            if implied_outcome(c) != Outcome::Pass {
                return false;
            }
            let Some(s) = c.scores.iter_mut().find(|s| s.subject == Subject::Skill) else {
                return false;
            };
            s.score = Some(Score::from_tenths(1005 + 5 * rng.random_range(0..20)));
            true
        }
        FindingKind::UnassignedGrader => {
            // One score recorded by the institution's internal supervisor (or an
            // examiner not on that session), who is not assigned to grade it.
            // Label: the enrollment.
            let c = &d.batches[bi].cands[ci];
            let Some(si) = c.scores.iter().position(|s| s.subject != Subject::Review) else {
                return false;
            };
            let subject = c.scores[si].subject;
            let assigned: Vec<PersonId> = d.batches[bi]
                .staff
                .iter()
                .filter(|s| s.subject == subject)
                .map(|s| s.person_id.clone())
                .collect();
            let candidates: Vec<PersonId> = d
                .supervisors
                .iter()
                .map(|&p| d.personnel[p].person_id.clone())
                .chain(
                    d.examiners
                        .iter()
                        .map(|e| d.personnel[e.person].person_id.clone()),
                )
                .filter(|p| !assigned.contains(p))
                .collect();
            let Some(who) = candidates.first().cloned() else {
                return false;
            };
            d.batches[bi].cands[ci].scores[si].graded_by = Some(who);
            true
        }
        FindingKind::ScoreWithoutEnrollment => {
            // Theory and skill scores and a result for someone never enrolled in the
            // batch, graded by its assigned graders. Label: batch + that person.
            let b = &d.batches[bi];
            let start = b.batch.start_at.date();
            let (ghost, _) = {
                let age = rng.random_range(20..=45);
                fresh_person(ctx, rng, d.city, start, age, 0.5)
            };
            let mut rows = Vec::new();
            for s in &b.sessions {
                let grader = if s.subject == Subject::Theory {
                    b.staff_of(Subject::Theory, Duty::Grader).first().cloned()
                } else {
                    b.staff_of(s.subject, Duty::Examiner).first().cloned()
                };
                rows.push(ScoreRow {
                    batch_id: b.batch.batch_id.clone(),
                    candidate_id: ghost,
                    subject: s.subject,
                    score: Some(Score::from_tenths(10 * rng.random_range(62..=88))),
                    graded_by: grader,
                    recorded_at: Some(s.end_at + chrono::Duration::minutes(90)),
                });
            }
            let result = ResultRow {
                batch_id: b.batch.batch_id.clone(),
                candidate_id: ghost,
                result: Outcome::Pass,
            };
            let b = &mut d.batches[bi];
            b.ghost_scores.extend(rows);
            b.ghost_results.push(result);
            d.label_enrollment(kind, bi, &ghost);
            return true;
        }
        FindingKind::PriorCertNotFound => {
            // The cited prior certificate number is replaced by a well-formed number
            // that no certificate carries. Label: the enrollment.
            let e = &d.batches[bi].cands[ci].enrollment;
            let Some(prior) = e.prior_cert().cloned() else {
                return false;
            };
            let on = e.prior_cert_on().unwrap_or(ctx.window_from);
            let plevel = e.prior_level().unwrap_or(level);
            let fake = match prior {
                CertNo::Standard(_) => phantom_cert_number(
                    ctx,
                    d,
                    on.year().max(2020),
                    plevel,
                    rng.random_range(0..99_000),
                ),
                CertNo::Legacy(_) => CertNo::parse(&format!(
                    "{}{:02}{}99{:09}",
                    ctx.prov2,
                    on.year() % 100,
                    plevel.number(),
                    rng.random_range(0..1_000_000_000u32)
                ))
                .expect("legacy"),
            };
            d.batches[bi].cands[ci].enrollment.prior_cert_no = Some(fake.into());
            true
        }
        FindingKind::PriorCertMalformed => {
            // The cited prior certificate number is replaced by one that cannot
            // exist (伪造申报资料): a level digit outside 1–5, a letter O among the
            // digits, or separators in a legacy number. The rest of the claim stays
            // as it was, so eligibility is judged as before. Label: the enrollment.
            let e = &d.batches[bi].cands[ci].enrollment;
            let Some(prior) = e.prior_cert() else {
                return false;
            };
            let forged = malformed_number(prior, rng);
            debug_assert!(CertNo::parse(&forged).is_err(), "{forged}");
            d.batches[bi].cands[ci].enrollment.prior_cert_no =
                Some(domain::Declared::parse(&forged));
            true
        }
        FindingKind::DeclaredMalformed => {
            // The education is declared in words outside the code table (大学, 中技,
            // …), on an application whose eligibility does not rest on it. Label: the
            // enrollment.
            const WORDS: [&str; 4] = ["大学", "中技", "职高", "函授"];
            let e = &mut d.batches[bi].cands[ci].enrollment;
            let before = e.education.clone();
            e.education = Some(domain::Declared::parse(WORDS[rng.random_range(0..4)]));
            if !meets_requirements(e, level) {
                e.education = before;
                return false;
            }
            true
        }
        FindingKind::PriorCertOtherPerson => {
            // The cited prior certificate is someone else's genuine certificate (same
            // occupation and level, issued before the window). Label: the enrollment.
            let e = &d.batches[bi].cands[ci].enrollment;
            let (Some(_), Some(occ), Some(plevel)) =
                (e.prior_cert(), e.prior_occupation(), e.prior_level())
            else {
                return false;
            };
            let latest = days(ctx.window_from, -1).min(
                e.applied_at
                    .map_or(ctx.window_from, |a| days(a.date(), -200)),
            );
            let (other, name) = {
                let age = rng.random_range(25..=50);
                fresh_person(ctx, rng, d.city, ctx.window_from, age, 0.5)
            };
            let cert = history_cert(ctx, d, rng, other, &name, occ, plevel, latest);
            let e = &mut d.batches[bi].cands[ci].enrollment;
            e.prior_cert_no = Some(cert.cert_no.clone().into());
            e.prior_cert_on = Some(cert.issued_on.into());
            d.history_certs.push(cert);
            true
        }
        FindingKind::PriorCertAfterApplication => {
            return prior_after_application(ctx, d, bi, ci, rng);
        }
        _ => false,
    };
    if ok {
        d.batches[bi].cands[ci].injected = true;
        d.label_enrollment(kind, bi, &id);
    }
    ok
}

/// `eligibility.prior_cert_after_application`: the application of candidate `ci`
/// (level L) is taken over by someone who passed a level L+1 activity of the same
/// occupation earlier in the institution and cites that genuine in-window
/// certificate, but applied a few days before it was issued. Identity, scores,
/// result and certificate rows follow the new person; work years meet the path.
/// Label: the enrollment (batch + the new candidate).
fn prior_after_application(
    _ctx: &mut Ctx,
    d: &mut InstDraft,
    bi: usize,
    ci: usize,
    rng: &mut ChaCha8Rng,
) -> bool {
    let b2 = &d.batches[bi];
    let Some(prior_level) = b2.batch.level.lower() else {
        return false;
    };
    let occ = b2.batch.occupation_code;
    let start2 = b2.batch.start_at;
    let mut found = None;
    for (bj, b1) in d.batches.iter().enumerate() {
        if bj == bi
            || b1.planned.is_some()
            || b1.batch.occupation_code != occ
            || b1.batch.level != prior_level
        {
            continue;
        }
        if b1.batch.end_at >= start2 {
            continue;
        }
        for (cj, c) in b1.cands.iter().enumerate() {
            if c.injected {
                continue;
            }
            if let Some(cert) = &c.cert
                && days(cert.issued_on, 2) < start2.date()
                && days(cert.issued_on, -12) > b1.batch.end_at.date()
            {
                found = Some((bj, cj, cert.clone()));
                break;
            }
        }
        if found.is_some() {
            break;
        }
    }
    let Some((bj, cj, cert)) = found else {
        return false;
    };
    let person = d.batches[bj].cands[cj].enrollment.clone();
    let need: u8 = match d.batches[bi].batch.level.number() {
        3 => 5,
        _ => 4,
    };
    let applied = {
        let k = rng.random_range(1..=8);
        office_time(rng, days(cert.issued_on, -k))
    };
    let c2 = &mut d.batches[bi].cands[ci];
    let e = &mut c2.enrollment;
    e.candidate_id = person.candidate_id;
    e.name = person.name.clone();
    e.education = person.education.clone();
    e.major_related = person.major_related.clone();
    let whole = |y: Option<&WorkYears>| y.map_or(0, WorkYears::whole);
    e.work_years = Some(
        WorkYears::from(
            whole(e.work_years())
                .max(need)
                .max(whole(person.work_years())),
        )
        .into(),
    );
    e.prior_cert_no = Some(cert.cert_no.clone().into());
    e.prior_occupation_code = Some(cert.occupation_code.into());
    e.prior_level = Some(cert.level.into());
    e.prior_cert_on = Some(cert.issued_on.into());
    e.applied_at = Some(applied);
    rename(c2, person.candidate_id, &person.name);
    c2.injected = true;
    d.batches[bj].cands[cj].injected = true;
    d.batches[bj].tainted = true;
    d.label_enrollment(
        FindingKind::PriorCertAfterApplication,
        bi,
        &person.candidate_id,
    );
    true
}

/// A certificate number that cannot exist, made from a genuine one: the level digit
/// of a standard number set to 6–9 (`S000042114537668146196`), or a letter O for a
/// zero among its digits; a legacy number broken up by hyphens.
fn malformed_number(genuine: &CertNo, rng: &mut ChaCha8Rng) -> String {
    let mut b: Vec<u8> = genuine.as_str().bytes().collect();
    match genuine {
        CertNo::Standard(_) if rng.random_bool(0.6) => {
            b[15] = b'6' + rng.random_range(0..4u8);
        }
        CertNo::Standard(_) => {
            let zeros: Vec<usize> = (1..22).filter(|&i| b[i] == b'0').collect();
            let i = if zeros.is_empty() {
                rng.random_range(1..22)
            } else {
                zeros[rng.random_range(0..zeros.len())]
            };
            b[i] = b'O';
        }
        CertNo::Legacy(_) => {
            let t = genuine.as_str();
            let cut = t.len() / 2;
            return format!("{}-{}", &t[..cut], &t[cut..]);
        }
    }
    String::from_utf8(b).expect("ASCII")
}

/// Moves every row of a candidate's application to another identity.
pub fn rename(c: &mut super::draft::CandDraft, id: IdNumber, name: &Text) {
    c.enrollment.candidate_id = id;
    c.enrollment.name = name.clone();
    for s in &mut c.scores {
        s.candidate_id = id;
    }
    if let Some(r) = c.result.as_mut() {
        r.candidate_id = id;
    }
    if let Some(a) = c.answer.as_mut() {
        a.candidate_id = id;
    }
    if let Some(x) = c.cert.as_mut() {
        x.candidate_id = id;
        x.name = name.clone();
    }
}

/// A certificate like `like` for a fresh person who is not enrolled.
fn stranger_cert(
    ctx: &mut Ctx,
    d: &mut InstDraft,
    rng: &mut ChaCha8Rng,
    like: &Certificate,
) -> Certificate {
    let (id, name) = {
        let age = rng.random_range(20..=50);
        fresh_person(ctx, rng, d.city, like.issued_on, age, 0.5)
    };
    let cert_no = cert_number(ctx, d, like.issued_on, like.level);
    Certificate {
        cert_no,
        candidate_id: id,
        name: name.as_str().into(),
        uploaded_at: Some({
            let k = rng.random_range(0..=3);
            office_time(rng, days(like.issued_on, k).min(ctx.as_of))
        }),
        ..like.clone()
    }
}

/// Another (occupation, level) for a certificate of `occ`/`level`: in scope
/// (`in_scope`) or outside it.
fn other_pair(
    d: &InstDraft,
    occ: domain::OccupationCode,
    level: Level,
    on: domain::Date,
    in_scope: bool,
) -> Option<(domain::OccupationCode, Level)> {
    if in_scope {
        d.caps
            .iter()
            .filter(|c| c.in_scope && c.valid_from <= on && (c.occupation, c.level) != (occ, level))
            .map(|c| (c.occupation, c.level))
            .next()
    } else {
        Level::ALL
            .iter()
            .rev()
            .map(|l| (occ, *l))
            .find(|(o, l)| *l != level && !d.in_scope(o, *l))
    }
}

/// Applies a certificate-level injection to the certificate of candidate `ci` of
/// batch `bi` (which must have one).
pub fn apply_cert(
    ctx: &mut Ctx,
    d: &mut InstDraft,
    bi: usize,
    ci: usize,
    kind: FindingKind,
    rng: &mut ChaCha8Rng,
) -> bool {
    let Some(cert) = d.batches[bi].cands[ci].cert.clone() else {
        return false;
    };
    match kind {
        FindingKind::CertNoActivity => {
            // An extra certificate (fresh holder, same occupation and level) whose
            // batch number names no activity. Label: that certificate.
            let mut x = stranger_cert(ctx, d, rng, &cert);
            let city = ctx.cities[d.city].code;
            x.batch_id = Some(
                BatchId::parse(&phantom_batch_id(
                    city,
                    d.batches[bi].batch.start_at.date(),
                    rng.random_range(0..10),
                ))
                .expect("id"),
            );
            d.label_cert(kind, &x);
            d.extra_certs.push(x);
        }
        FindingKind::CertNotEnrolled => {
            // An extra certificate of this batch for someone not enrolled in it.
            // Label: that certificate.
            let x = stranger_cert(ctx, d, rng, &cert);
            d.label_cert(kind, &x);
            d.extra_certs.push(x);
        }
        FindingKind::CertNoScores => {
            // The holder's scores, answers and result rows are removed (the
            // enrollment stays). Label: the certificate.
            let c = &mut d.batches[bi].cands[ci];
            c.scores.clear();
            c.answer = None;
            c.result = None;
            d.label_cert(kind, &cert);
        }
        FindingKind::CertFailingResult => {
            // A failed candidate of the same batch (not yet certified) gets a
            // certificate like the others'. Label: that certificate.
            let Some(fj) = (0..d.batches[bi].cands.len()).find(|&j| {
                let c = &d.batches[bi].cands[j];
                !c.injected
                    && c.cert.is_none()
                    && c.result.as_ref().is_some_and(|r| r.result == Outcome::Fail)
            }) else {
                return false;
            };
            let x = make_cert(ctx, d, rng, bi, fj, cert.issued_on);
            d.batches[bi].cands[fj].cert = Some(x.clone());
            d.batches[bi].cands[fj].injected = true;
            d.label_cert(kind, &x);
        }
        FindingKind::CertActivityMismatch | FindingKind::UploadOutsideScope => {
            // The certificate states another occupation/level than its activity:
            // one the institution is registered for (activity_mismatch), or one it is
            // not (labels: upload.outside_scope and certificate.activity_mismatch).
            let in_scope = kind == FindingKind::CertActivityMismatch;
            let Some((occ, level)) = other_pair(
                d,
                cert.occupation_code,
                cert.level,
                cert.issued_on,
                in_scope,
            ) else {
                return false;
            };
            let no = cert_number(ctx, d, cert.issued_on, level);
            let c = d.batches[bi].cands[ci].cert.as_mut().expect("cert");
            c.cert_no = no;
            c.occupation_code = occ;
            c.level = level;
            let x = c.clone();
            d.label_cert(FindingKind::CertActivityMismatch, &x);
            if !in_scope {
                d.label_cert(FindingKind::UploadOutsideScope, &x);
            }
        }
        FindingKind::CertBeforeActivityEnd => {
            // Issued 1–3 days before the activity's last day (still in the window).
            // Label: the certificate.
            let end = d.batches[bi].batch.end_at.date();
            let on = days(end, -rng.random_range(1..=3));
            if on < ctx.window_from {
                return false;
            }
            let c = d.batches[bi].cands[ci].cert.as_mut().expect("cert");
            c.issued_on = on;
            c.uploaded_at = Some(office_time(rng, on));
            let x = c.clone();
            d.label_cert(kind, &x);
        }
        FindingKind::CertDuplicateNumber => {
            // Another untouched certificate of the same batch is given this number.
            // One label for the number (with the batch).
            let Some(oj) = (0..d.batches[bi].cands.len()).find(|&j| {
                j != ci && !d.batches[bi].cands[j].injected && d.batches[bi].cands[j].cert.is_some()
            }) else {
                return false;
            };
            d.batches[bi].cands[oj].cert.as_mut().expect("cert").cert_no = cert.cert_no.clone();
            d.batches[bi].cands[oj].injected = true;
            d.label_cert(kind, &cert);
        }
        FindingKind::UploadContradictsRecord => {
            // The certificate's name differs from the enrollment's by one
            // character. Label: the certificate.
            let c = d.batches[bi].cands[ci].cert.as_mut().expect("cert");
            c.name = names::name_variant(rng, &c.name).into();
            let x = c.clone();
            d.label_cert(kind, &x);
        }
        _ => return false,
    }
    d.batches[bi].cands[ci].injected = true;
    true
}
