//! Batch-level injections (guide items 3, 4, 9, 10): each edits one activity so that
//! exactly its own rule fires, and says which labels it emits.

use super::draft::{BatchDraft, InstDraft};
use super::exam::{PAPERS_PER_YEAR, Papers, review_score};
use super::institution::add_examiner;
use super::occupations;
use super::people::{meets_requirements, years_with_tenths};
use super::state::Ctx;
use super::util::{days, office_time, pick};
use chrono::{Datelike, Duration};
use domain::enums::*;
use domain::finding::FindingKind;
use domain::ids::*;
use domain::model::*;
use domain::{Level, Score, WorkYears};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Whether a batch-level kind can be applied to batch `bi` (before results exist).
pub fn feasible(
    ctx: &Ctx,
    stats: &super::inject_stats::StatsParams,
    d: &InstDraft,
    bi: usize,
    kind: FindingKind,
) -> bool {
    let b = &d.batches[bi];
    let n = b.cands.len();
    let present = b.cands.iter().filter(|c| !c.absent).count();
    match kind {
        FindingKind::SubjectsMismatch => b.batch.level.number() >= 3,
        // Not inside the grace a rulebook gives (青海 第十七条: 2 working days).
        FindingKind::NoSupervisionRecord => {
            b.batch.internal_supervisor_id.is_some() && ctx.record_overdue(b.batch.end_at.date())
        }
        FindingKind::BatchMostlyIneligible => n >= 5,
        FindingKind::AnswerCopying => present >= (2 * *stats.copy_cluster.start()).max(4),
        FindingKind::ScoreHeaping => present >= stats.heap_min_size,
        FindingKind::LowSpread => present >= 10,
        FindingKind::PassRateOutlier => {
            n >= super::inject_stats::OUTLIER.min_size
                && super::inject_stats::low_baseline(d, bi, ctx.seed)
        }
        FindingKind::ChangeUnreported => b.batch.filed_at.is_some(),
        _ => true,
    }
}

/// Replaces skill examiner `old` of a batch by `new` in the staff rows and in the
/// scores they graded.
fn swap_skill_examiner(b: &mut BatchDraft, old: &PersonId, new: &PersonId) {
    for s in b.staff.iter_mut() {
        if s.subject == Subject::Skill && &s.person_id == old {
            s.person_id = new.clone();
        }
    }
    for c in &mut b.cands {
        for s in c.scores.iter_mut() {
            if s.subject == Subject::Skill && s.graded_by.as_ref() == Some(old) {
                s.graded_by = Some(new.clone());
            }
        }
    }
}

/// Keeps the first `keep` skill examiners of a batch and regrades the others' scores
/// round-robin to them.
fn shrink_skill_team(b: &mut BatchDraft, keep: usize) {
    let team = b.staff_of(Subject::Skill, Duty::Examiner);
    let kept: Vec<PersonId> = team[..keep].to_vec();
    b.staff.retain(|s| {
        !(s.subject == Subject::Skill && s.duty == Duty::Examiner && !kept.contains(&s.person_id))
    });
    let mut k = 0;
    for c in &mut b.cands {
        for s in c.scores.iter_mut().filter(|s| s.subject == Subject::Skill) {
            if let Some(g) = &s.graded_by
                && !kept.contains(g)
            {
                s.graded_by = Some(kept[k % kept.len()].clone());
                k += 1;
            }
        }
    }
}

/// `process.subjects_mismatch` (applied before results): a level 5..3 activity gets
/// an extra 综合评审 session after the skill session, staffed by three of its skill
/// examiners and scored; the activity's end moves accordingly. Results follow all
/// three subjects. Label: the batch.
pub fn add_review(b: &mut BatchDraft, rng: &mut ChaCha8Rng) {
    let skill = b.session(Subject::Skill).cloned().expect("skill");
    let start = skill.end_at + Duration::minutes(15);
    let end = start + Duration::minutes(60);
    b.sessions.push(Session {
        batch_id: b.batch.batch_id.clone(),
        subject: Subject::Review,
        start_at: start,
        end_at: end,
        paper_drawn: None,
        paper_used: None,
    });
    b.batch.end_at = b.batch.end_at.max(end + Duration::minutes(15));
    let team: Vec<PersonId> = b
        .staff_of(Subject::Skill, Duty::Examiner)
        .into_iter()
        .take(3)
        .collect();
    for p in &team {
        b.staff.push(BatchStaff {
            batch_id: b.batch.batch_id.clone(),
            subject: Subject::Review,
            person_id: p.clone(),
            duty: Duty::Examiner,
        });
    }
    for (i, c) in b.cands.iter_mut().enumerate() {
        if c.absent {
            continue;
        }
        c.scores.push(ScoreRow {
            batch_id: b.batch.batch_id.clone(),
            candidate_id: c.enrollment.candidate_id,
            subject: Subject::Review,
            score: Some(Score::from_tenths(review_score(c.theta, c.skill, rng))),
            graded_by: Some(team[i % team.len()].clone()),
            recorded_at: Some(end + Duration::minutes(20)),
        });
    }
}

/// Applies a non-statistical batch-level injection (after results and certificates)
/// and emits its labels. Returns false if it could not be applied.
pub fn apply(
    ctx: &mut Ctx,
    d: &mut InstDraft,
    bi: usize,
    kind: FindingKind,
    rng: &mut ChaCha8Rng,
) -> bool {
    match kind {
        // Applied before results; here only labelled.
        FindingKind::SubjectsMismatch
        | FindingKind::AnswerCopying
        | FindingKind::ScoreHeaping
        | FindingKind::LowSpread
        | FindingKind::PassRateOutlier => {
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::SessionTooShort => {
            // Theory lasts 60 minutes instead of at least 90; answers are handed in
            // before its new end. Label: the batch.
            let b = &mut d.batches[bi];
            let s = b
                .sessions
                .iter_mut()
                .find(|s| s.subject == Subject::Theory)
                .expect("theory");
            s.end_at = s.start_at + Duration::minutes(60);
            let (start, end) = (s.start_at, s.end_at);
            for c in &mut b.cands {
                if let Some(a) = c.answer.as_mut() {
                    a.submitted_at = Some(start + Duration::minutes(rng.random_range(40..=60)));
                }
                for sc in c.scores.iter_mut().filter(|x| x.subject == Subject::Theory) {
                    sc.recorded_at = sc.recorded_at.map(|r| r.max(end));
                }
            }
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::ExaminerUnregistered => {
            // One skill examiner is replaced by a card number that is not in the
            // personnel register (staff row and graded scores). Label: batch + person.
            let old = d.batches[bi].staff_of(Subject::Skill, Duty::Examiner)[0].clone();
            let new = PersonId::parse(&ctx.card("KP")).expect("id");
            swap_skill_examiner(&mut d.batches[bi], &old, &new);
            d.label_batch(kind, bi, Some(&new));
            true
        }
        FindingKind::ExaminerExpired
        | FindingKind::ExaminerUnqualified
        | FindingKind::ExaminerOtherInstitution => {
            // A newly registered examiner, used only here, replaces one skill
            // examiner: expired (card ended a month before), unqualified (another
            // occupation, or a ceiling below the level), or registered with another
            // institution. Label: batch + person.
            let b = &d.batches[bi].batch;
            let (occ, level, start) = (b.occupation_code, b.level, b.start_at.date());
            let mut owner = d.inst.institution_id.clone();
            let (mut e_occ, mut e_level, mut from, mut to) =
                (occ, level, days(start, -900), days(start, 900));
            match kind {
                FindingKind::ExaminerExpired => {
                    to = days(start, -rng.random_range(20..=60));
                    from = days(to, -1094);
                }
                FindingKind::ExaminerUnqualified => match level.lower() {
                    Some(lower) if rng.random_bool(0.5) => e_level = lower,
                    _ => {
                        let others: Vec<domain::OccupationCode> = occupations::SCHOOL_TRACKS
                            .iter()
                            .chain(occupations::INDUSTRIES)
                            .flat_map(|t| t.trades.iter().map(occupations::code))
                            .filter(|o| *o != occ)
                            .collect();
                        e_occ = *pick(rng, &others);
                    }
                },
                _ => {
                    let others: Vec<&InstitutionId> = ctx
                        .inst_ids
                        .iter()
                        .filter(|i| **i != d.inst.institution_id)
                        .collect();
                    let Some(other) = others.first().map(|_| (*pick(rng, &others)).clone()) else {
                        return false;
                    };
                    owner = other;
                }
            }
            let x = add_examiner(ctx, rng, d, &owner, e_occ, e_level, from, to);
            let new = d.personnel[d.examiners[x].person].person_id.clone();
            // Keep the register honest about who belongs where, and never reuse them.
            d.examiners.pop();
            let old = d.batches[bi].staff_of(Subject::Skill, Duty::Examiner)[0].clone();
            swap_skill_examiner(&mut d.batches[bi], &old, &new);
            d.label_batch(kind, bi, Some(&new));
            true
        }
        FindingKind::TooFewExaminers => {
            // The skill team shrinks to the largest odd number below the required
            // count (odd, so only "too few" fires); scores are regraded by those left.
            // Label: the batch.
            let n = d.batches[bi].cands.len();
            let required = n.div_ceil(5).max(3);
            let keep = if (required - 1) % 2 == 1 {
                required - 1
            } else {
                required - 2
            };
            shrink_skill_team(&mut d.batches[bi], keep.max(1));
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::EvenExaminers => {
            // The skill team becomes the smallest even number ≥ the required count
            // (so only "even" fires): one examiner dropped, or one newly registered,
            // valid and qualified examiner added. Label: the batch.
            let n = d.batches[bi].cands.len();
            let required = n.div_ceil(5).max(3);
            let team = d.batches[bi].staff_of(Subject::Skill, Duty::Examiner);
            let c = team.len();
            if c > required && c >= 5 {
                shrink_skill_team(&mut d.batches[bi], c - 1);
            } else {
                let b = &d.batches[bi].batch;
                let (occ, level, start) = (b.occupation_code, b.level, b.start_at.date());
                let id = d.inst.institution_id.clone();
                add_examiner(
                    ctx,
                    rng,
                    d,
                    &id,
                    occ,
                    level,
                    days(start, -700),
                    days(start, 1000),
                );
                d.examiners.pop();
                let new = d.personnel.last().expect("added").person_id.clone();
                let b = &mut d.batches[bi];
                b.staff.push(BatchStaff {
                    batch_id: b.batch.batch_id.clone(),
                    subject: Subject::Skill,
                    person_id: new,
                    duty: Duty::Examiner,
                });
            }
            debug_assert_eq!(
                d.batches[bi].staff_of(Subject::Skill, Duty::Examiner).len() % 2,
                0
            );
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::TooFewProctors => {
            // Theory keeps a single proctor (the grader stays). Label: the batch.
            let b = &mut d.batches[bi];
            let first = b.staff_of(Subject::Theory, Duty::Proctor)[0].clone();
            b.staff.retain(|s| {
                !(s.subject == Subject::Theory && s.duty == Duty::Proctor && s.person_id != first)
            });
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::NoInternalSupervisor => {
            // No internal supervisor and hence no record. Label: the batch only.
            let b = &mut d.batches[bi].batch;
            b.internal_supervisor_id = None;
            b.supervision_record_at = None;
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::NoSupervisionRecord => {
            d.batches[bi].batch.supervision_record_at = None;
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::PlanFiledLate => {
            // Filed 1–48 hours after the activity started. Label: the batch.
            let b = &mut d.batches[bi].batch;
            b.filed_at = Some(b.start_at + Duration::minutes(rng.random_range(60..=48 * 60)));
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::PlanUnfiled => {
            d.batches[bi].batch.filed_at = None;
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::ChangeUnreported => {
            // The reported changes are replaced by one unreported change of date (or
            // site) made 1–5 days before the start. Label: the batch.
            let n_sites = d.sites.len();
            let other_site = d
                .sites
                .iter()
                .map(|s| s.site_id.clone())
                .find(|s| Some(s) != d.batches[bi].batch.site_id.as_ref());
            let b = &mut d.batches[bi];
            let start = b.batch.start_at;
            let changed_at = {
                let k = rng.random_range(1..=5);
                office_time(rng, days(start.date(), -k))
            };
            let (field, old, new) = match other_site {
                Some(o) if n_sites > 1 && rng.random_bool(0.5) => (
                    ChangeField::Site,
                    o.to_string(),
                    b.batch
                        .site_id
                        .as_ref()
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                ),
                _ => (
                    ChangeField::Date,
                    days(start.date(), 7).to_string(),
                    start.date().to_string(),
                ),
            };
            b.changes = vec![BatchChange {
                batch_id: b.batch.batch_id.clone(),
                field,
                old_value: Some(old.into()),
                new_value: Some(new.into()),
                changed_at,
                reported_at: None,
            }];
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::PaperMismatch => {
            // The paper drawn is another paper of the bank; the candidates answered
            // the one used. Label: the batch.
            let b = &mut d.batches[bi];
            let (occ, level, year) = (
                b.batch.occupation_code,
                b.batch.level,
                b.batch.start_at.year(),
            );
            let s = b
                .sessions
                .iter_mut()
                .find(|s| s.subject == Subject::Theory)
                .expect("theory");
            let used = s.paper_used.clone().expect("paper");
            let drawn = (1..=PAPERS_PER_YEAR)
                .map(|k| Papers::theory_id(&occ, level, year, k))
                .find(|id| id != used.as_str())
                .expect("another paper");
            s.paper_drawn = Some(PaperId::parse(&drawn).expect("id"));
            if let Some(row) = ctx.papers.row_if_new(&drawn, occ, level) {
                ctx.new_papers.push(row);
            }
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::UnregisteredSite => {
            // Held at a venue that is not in the sites table. Label: the batch.
            let id = format!("{}-C9{}", d.inst.institution_id, rng.random_range(1..=9));
            d.batches[bi].batch.site_id = Some(SiteId::parse(&id).expect("id"));
            d.label_batch(kind, bi, None);
            true
        }
        FindingKind::BatchMostlyIneligible => {
            // 60–80% of the applications are made ineligible (see make_ineligible).
            // Labels: the batch, and eligibility.requirements_not_met per application.
            let n = d.batches[bi].cands.len();
            let k = ((n as f64) * rng.random_range(0.6..0.8)).ceil() as usize;
            let mut order: Vec<usize> = (0..n).collect();
            order.shuffle(rng);
            let level = d.batches[bi].batch.level;
            for &ci in &order[..k.min(n)] {
                make_ineligible(&mut d.batches[bi].cands[ci].enrollment, level, rng);
                d.batches[bi].cands[ci].injected = true;
                let id = d.batches[bi].cands[ci].enrollment.candidate_id;
                d.label_enrollment(FindingKind::EligibilityNotMet, bi, &id);
            }
            d.label_batch(kind, bi, None);
            true
        }
        _ => false,
    }
}

/// Makes an application ineligible on its declared fields while keeping any cited
/// prior certificate genuine (so item 10 stays quiet): level 5 without a year of
/// work; higher levels with too few years and no qualifying diploma. Half the time
/// the years fall just short with a decimal (4.9 where 满5年 is required), which
/// screening must compare exactly.
pub fn make_ineligible(e: &mut Enrollment, level: Level, rng: &mut ChaCha8Rng) {
    let has_prior = e.prior_cert_no.is_some();
    // (the threshold missed, the whole years to draw from below it)
    let (threshold, lo) = match level.number() {
        5 => (1, 0),
        4 => {
            if e.education() == Some(Education::TechnicalSchool) {
                e.education = Some(Education::HighSchool.into());
            }
            if has_prior { (4, 1) } else { (6, 2) }
        }
        3 => {
            if matches!(
                e.education(),
                Some(Education::SeniorTechnical | Education::College)
            ) {
                e.education = Some(Education::HighSchool.into());
            }
            (5, 1)
        }
        2 if e.education() == Some(Education::SeniorTechnical) => (3, 1),
        _ => (4, 1),
    };
    e.work_years = Some(if rng.random_bool(0.5) {
        years_with_tenths(threshold - 1, rng.random_range(1..=9))
    } else if threshold == 1 {
        WorkYears::from(0).into()
    } else {
        WorkYears::from(rng.random_range(lo..threshold)).into()
    });
    debug_assert!(!meets_requirements(e, level), "{e:?}");
}

/// Structural labels of the institution-level plans realised in the calendar:
/// the out-of-scope activity (batch + `upload.outside_scope` per certificate), the
/// activity run while suspended, the unregistered institution's activities, and the
/// double-booked examiner.
pub fn label_structural(
    d: &mut InstDraft,
    plan: Option<FindingKind>,
    status_since: Option<domain::Date>,
) {
    if !d.registered {
        for bi in 0..d.batches.len() {
            d.label_batch(FindingKind::UnregisteredInstitution, bi, None);
        }
        return;
    }
    match plan {
        Some(FindingKind::OutsideScope) => {
            for bi in 0..d.batches.len() {
                let cap = d.caps[d.batches[bi].cap];
                if cap.in_scope {
                    continue;
                }
                d.label_batch(FindingKind::OutsideScope, bi, None);
                let certs: Vec<Certificate> = d.batches[bi]
                    .cands
                    .iter()
                    .filter_map(|c| c.cert.clone())
                    .collect();
                for c in &certs {
                    d.label_cert(FindingKind::UploadOutsideScope, c);
                }
            }
        }
        Some(FindingKind::RegistrationInactive) => {
            if let Some(since) = status_since {
                for bi in 0..d.batches.len() {
                    if d.batches[bi].batch.start_at.date() >= since {
                        d.label_batch(FindingKind::RegistrationInactive, bi, None);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Marks the batches the structural plans use so that no other batch-level
/// injection lands on them.
pub fn reserve_structural(
    d: &mut InstDraft,
    plan: Option<FindingKind>,
    status_since: Option<domain::Date>,
) {
    for bi in 0..d.batches.len() {
        let b = &d.batches[bi];
        let reserved = !d.registered
            || (plan == Some(FindingKind::OutsideScope) && !d.caps[b.cap].in_scope)
            || (plan == Some(FindingKind::RegistrationInactive)
                && status_since.is_some_and(|s| b.batch.start_at.date() >= s))
            || (plan == Some(FindingKind::ExaminerDoubleBooked) && double_pair_member(d, bi));
        if reserved {
            d.batches[bi].planned = Some(plan.unwrap_or(FindingKind::UnregisteredInstitution));
        }
    }
}

fn overlaps(a: &Batch, b: &Batch) -> bool {
    a.start_at < b.end_at && b.start_at < a.end_at
}

fn double_pair_member(d: &InstDraft, bi: usize) -> bool {
    let b = &d.batches[bi];
    d.batches.iter().enumerate().any(|(j, o)| {
        j != bi
            && o.batch.occupation_code == b.batch.occupation_code
            && o.batch.level == b.batch.level
            && o.batch.site_id != b.batch.site_id
            && overlaps(&o.batch, &b.batch)
    })
}

/// `staff.examiner_double_booked`: in the institution's pair of simultaneous
/// activities of one occupation and level at two sites, one skill examiner of the
/// earlier one replaces a skill examiner of the later one (scores regraded), so he
/// is in both. Label: the later batch + the person.
pub fn double_book(d: &mut InstDraft, _seed: u64) -> bool {
    for bi in 0..d.batches.len() {
        for bj in 0..d.batches.len() {
            let (a, b) = (&d.batches[bi], &d.batches[bj]);
            if bi == bj
                || a.batch.occupation_code != b.batch.occupation_code
                || a.batch.level != b.batch.level
                || a.batch.site_id == b.batch.site_id
                || a.batch.start_at >= b.batch.start_at
                || !overlaps(&a.batch, &b.batch)
            {
                continue;
            }
            let a_team = a.staff_of(Subject::Skill, Duty::Examiner);
            let b_all: Vec<PersonId> = b.staff.iter().map(|s| s.person_id.clone()).collect();
            let Some(mover) = a_team.iter().find(|p| !b_all.contains(p)).cloned() else {
                continue;
            };
            let old = b.staff_of(Subject::Skill, Duty::Examiner)[0].clone();
            swap_skill_examiner(&mut d.batches[bj], &old, &mover);
            d.label_batch(FindingKind::ExaminerDoubleBooked, bj, Some(&mover));
            return true;
        }
    }
    false
}
