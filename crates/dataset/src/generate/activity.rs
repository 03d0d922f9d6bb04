//! Honest activities (批次) of one institution: a regular calendar (never idle for
//! more than about three months while registered), sessions per the national
//! defaults, staffing that meets the ratios with qualified, valid, free examiners of
//! the institution, eligible candidates, answers and scores.

use super::draft::{BatchDraft, CandDraft, Cap, InstDraft};
use super::exam::{PAPERS_PER_YEAR, Papers, review_score, skill_hardness, skill_score};
use super::institution::{Profile, credit_code, examiners_needed, proctors_needed};
use super::names;
use super::people::new_enrollment;
use super::state::Ctx;
use super::util::{at, days, hash64, next_day_kind, normal, office_time, pick, weighted};
use chrono::{Datelike, Duration};
use domain::enums::*;
use domain::finding::FindingKind;
use domain::ids::*;
use domain::model::*;
use domain::{CreditCode, Date, DateTime, IdNumber, Score};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Relative frequency of activities by level (5 is by far the most common).
fn level_weight(level: u8) -> f64 {
    match level {
        5 => 1.0,
        4 => 0.7,
        3 => 0.45,
        2 => 0.15,
        _ => 0.06,
    }
}

/// The grading severity of an examiner: a small, stable offset in points.
pub fn examiner_bias(seed: u64, person: &PersonId) -> f64 {
    let h = hash64(seed, person.as_str().as_bytes(), 3);
    // Sum of uniforms: roughly normal with sd ≈ 1.2.
    let u = |k: u32| ((h >> (16 * k)) & 0xffff) as f64 / 65535.0 - 0.5;
    (u(0) + u(1) + u(2) + u(3)) * 2.1
}

/// Options for one activity.
#[derive(Debug, Clone, Copy)]
pub struct BatchSpec {
    pub date: Date,
    pub cap: usize,
    pub site: usize,
    pub size: usize,
    /// Minutes after 08:00 at which it starts.
    pub offset_min: i64,
}

/// Schedules and generates every activity of the institution.
pub fn generate(
    ctx: &mut Ctx,
    p: &Profile,
    d: &mut InstDraft,
    mean_size: f64,
    rng: &mut ChaCha8Rng,
) {
    let span = (p.act_to - p.act_from).num_days();
    // Institutions differ in how well they prepare their candidates.
    let quality = (0.25 * normal(rng)).clamp(-0.5, 0.5);
    if span >= 10 && !d.caps.is_empty() {
        let (lo, hi) = if p.kind == InstitutionKind::Employer {
            (25.0, 80.0)
        } else {
            (7.0, 70.0)
        };
        let count = (p.volume / mean_size).max(1.0);
        let mean_gap = (span as f64 / count).clamp(lo, hi);
        let size = (p.volume * mean_gap / span as f64).clamp(5.0, 50.0);
        let weekend_share = if p.kind == InstitutionKind::Employer {
            0.15
        } else {
            0.75
        };
        let mut t = days(
            p.act_from,
            rng.random_range(0..=(mean_gap.min(30.0) as i64)),
        );
        let mut slots = Vec::new();
        while t <= p.act_to {
            let date = next_day_kind(t, rng.random_bool(weekend_share));
            if days(date, 2) > p.act_to {
                break;
            }
            slots.push(date);
            let gap = (mean_gap * (0.35 * normal(rng)).exp()).clamp(5.0, 95.0);
            t = days(date, gap.round() as i64);
        }
        let special_slot = (!slots.is_empty()).then_some(slots.len() / 2);
        for (k, &date) in slots.iter().enumerate() {
            let n = ((size * (0.35 * normal(rng)).exp()).round() as usize).clamp(4, 60);
            let offset = [0, 30, 60][rng.random_range(0..3)];
            let forced = special_slot == Some(k);
            if forced && p.plan == Some(FindingKind::ExaminerDoubleBooked) {
                // Two activities of the same occupation and level at two sites.
                if let Some(cap) = pick_cap(d, rng, date, true) {
                    let sites = sites_on(d, date);
                    if sites.len() >= 2 {
                        let a = BatchSpec {
                            date,
                            cap,
                            site: sites[0],
                            size: n.min(15),
                            offset_min: 0,
                        };
                        let b = BatchSpec {
                            date,
                            cap,
                            site: sites[1],
                            size: n.min(15),
                            offset_min: 30,
                        };
                        if make_batch(ctx, d, rng, a, quality)
                            && make_batch(ctx, d, rng, b, quality)
                        {
                            continue;
                        }
                    }
                }
            }
            if forced
                && p.plan == Some(FindingKind::OutsideScope)
                && let Some(extra) = d.caps.iter().position(|c| !c.in_scope)
                && let Some(&site) = sites_on(d, date).first()
            {
                let spec = BatchSpec {
                    date,
                    cap: extra,
                    site,
                    size: n,
                    offset_min: offset,
                };
                if make_batch(ctx, d, rng, spec, quality) {
                    continue;
                }
            }
            schedule_one(ctx, d, rng, date, n, offset, quality);
            // Multi-site institutions sometimes run two activities the same day.
            if d.sites.len() > 1 && rng.random_bool(0.08) {
                let n2 = ((size * (0.35 * normal(rng)).exp()).round() as usize).clamp(4, 40);
                schedule_one(ctx, d, rng, date, n2, offset + 30, quality);
            }
        }
    }
    if p.plan == Some(FindingKind::RegistrationInactive)
        && let Some(since) = p.status_since
    {
        // The activity run while suspended (labelled by the injection).
        let room = (ctx.as_of - since).num_days() - 20;
        if room > 0 {
            let date = days(since, 15 + rng.random_range(0..room));
            let n = ((mean_size * (0.3 * normal(rng)).exp()).round() as usize).clamp(6, 40);
            schedule_one(ctx, d, rng, date, n, 0, quality);
        }
    }
    d.batches.sort_by(|a, b| {
        a.batch
            .start_at
            .cmp(&b.batch.start_at)
            .then(a.batch.batch_id.cmp(&b.batch.batch_id))
    });
}

/// Sites usable on `date`, main site first.
fn sites_on(d: &InstDraft, date: Date) -> Vec<usize> {
    (0..d.sites.len())
        .filter(|&i| {
            let s = &d.sites[i];
            s.registered_on.is_none_or(|r| r <= date)
                && s.revoked_on.is_none_or(|r| days(date, 3) < r)
        })
        .collect()
}

/// A registered capability valid on `date`, weighted by level.
fn pick_cap(d: &InstDraft, rng: &mut ChaCha8Rng, date: Date, in_scope: bool) -> Option<usize> {
    let options: Vec<usize> = (0..d.caps.len())
        .filter(|&i| d.caps[i].in_scope == in_scope && d.caps[i].valid_from <= date)
        .collect();
    if options.is_empty() {
        return None;
    }
    let i = weighted(
        rng,
        options
            .iter()
            .map(|&i| level_weight(d.caps[i].level.number())),
    );
    Some(options[i])
}

/// Tries a few capability and site choices for one honest activity on `date`.
fn schedule_one(
    ctx: &mut Ctx,
    d: &mut InstDraft,
    rng: &mut ChaCha8Rng,
    date: Date,
    size: usize,
    offset: i64,
    quality: f64,
) -> bool {
    let sites = sites_on(d, date);
    if sites.is_empty() {
        return false;
    }
    for _ in 0..4 {
        let Some(cap) = pick_cap(d, rng, date, true) else {
            return false;
        };
        let site = if rng.random_bool(0.7) {
            sites[0]
        } else {
            *pick(rng, &sites)
        };
        let spec = BatchSpec {
            date,
            cap,
            site,
            size,
            offset_min: offset,
        };
        if make_batch(ctx, d, rng, spec, quality) {
            return true;
        }
    }
    false
}

/// The session plan of an activity: (subject, start, end).
fn session_plan(
    date: Date,
    level: u8,
    n: usize,
    offset: i64,
) -> Vec<(Subject, DateTime, DateTime, i64)> {
    let st = at(date, 8, 0) + Duration::minutes(offset);
    let theory_start = st + Duration::minutes(30);
    let theory_min = if n.is_multiple_of(5) { 90 } else { 120 };
    let mut out = vec![(
        Subject::Theory,
        theory_start,
        theory_start + Duration::minutes(theory_min),
        theory_min,
    )];
    let (skill_start, skill_end) = if n <= 30 {
        (
            at(date, 13, 30) + Duration::minutes(offset),
            at(date, 17, 30) + Duration::minutes(offset),
        )
    } else {
        let d2 = days(date, 1);
        (at(d2, 8, 30), at(d2, 17, 0))
    };
    out.push((
        Subject::Skill,
        skill_start,
        skill_end,
        (skill_end - skill_start).num_minutes(),
    ));
    if level <= 2 {
        let d3 = days(skill_end.date(), 1);
        out.push((Subject::Review, at(d3, 9, 0), at(d3, 11, 0), 120));
    }
    out
}

/// Examiners of the institution able to serve the activity: same occupation,
/// qualified for the level, valid on every day of it, free at the time.
fn free_examiners(d: &InstDraft, cap: &Cap, start: DateTime, end: DateTime) -> Vec<usize> {
    (0..d.examiners.len())
        .filter(|&i| {
            let e = &d.examiners[i];
            e.occupation == cap.occupation
                && cap.level.at_most(e.max_level)
                && e.valid_from <= start.date()
                && e.valid_to >= end.date()
                && e.busy.iter().all(|(s, t)| *t <= start || *s >= end)
        })
        .collect()
}

/// The employer a candidate declares: for employers their own staff (or an
/// affiliate's, valid over the activity), for schools any local company or none.
fn employer_of(
    ctx: &Ctx,
    d: &InstDraft,
    rng: &mut ChaCha8Rng,
    from: Date,
    to: Date,
) -> Option<(CreditCode, Text)> {
    match d.inst.kind {
        InstitutionKind::Employer => {
            let valid: Vec<&Affiliate> = d
                .affiliates
                .iter()
                .filter(|a| {
                    a.valid_from.is_none_or(|f| f <= from) && a.valid_to.is_none_or(|t| t >= to)
                })
                .collect();
            if !valid.is_empty() && rng.random_bool(0.25) {
                let a = pick(rng, &valid);
                Some((a.credit_code, a.name.clone()))
            } else {
                Some((d.inst.credit_code, d.inst.name.clone()))
            }
        }
        _ if rng.random_bool(0.62) => {
            let city = &ctx.cities[if rng.random_bool(0.8) {
                d.city
            } else {
                rng.random_range(0..ctx.cities.len())
            }];
            let district = pick(rng, &city.districts);
            Some((
                credit_code(rng, "91", district.code),
                names::any_company(rng, city).into(),
            ))
        }
        _ => None,
    }
}

/// Generates one honest activity; false if the institution has too few free
/// examiners for it.
pub fn make_batch(
    ctx: &mut Ctx,
    d: &mut InstDraft,
    rng: &mut ChaCha8Rng,
    spec: BatchSpec,
    quality: f64,
) -> bool {
    let cap = d.caps[spec.cap];
    let level = cap.level.number();
    let capacity = d.sites[spec.site].capacity.unwrap_or(60) as usize;
    let mut n = spec.size.min(capacity).max(4);
    // Who is free over the longest possible plan.
    let plan = session_plan(spec.date, level, n, spec.offset_min);
    let start_at = plan[0].1 - Duration::minutes(30);
    let end_at = plan.last().expect("sessions").2 + Duration::minutes(30);
    let free = free_examiners(d, &cap, start_at, end_at);
    if free.len() < 3 {
        return false;
    }
    let max_odd = if free.len().is_multiple_of(2) {
        free.len() - 1
    } else {
        free.len()
    };
    n = n.min(5 * max_odd).min(15 * free.len());
    let plan = session_plan(spec.date, level, n, spec.offset_min);
    let start_at = plan[0].1 - Duration::minutes(30);
    let end_at = plan.last().expect("sessions").2 + Duration::minutes(30);
    // Weighted order: examiners the institution calls on more come first.
    let mut keyed: Vec<(f64, usize)> = free
        .iter()
        .map(|&e| {
            (
                -rng.random::<f64>().max(1e-12).ln() / d.examiners[e].weight,
                e,
            )
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let free: Vec<usize> = keyed.into_iter().map(|(_, e)| e).collect();
    let mut n_exam = examiners_needed(n);
    if free.len() >= n_exam + 2 && rng.random_bool(0.15) {
        n_exam += 2;
    }
    let skill_team: Vec<usize> = free[..n_exam].to_vec();
    let n_proc =
        proctors_needed(n) + usize::from(free.len() > proctors_needed(n) && rng.random_bool(0.2));
    let mut shuffled = free.clone();
    shuffled.shuffle(rng);
    let proctors: Vec<usize> = shuffled[..n_proc].to_vec();
    let grader = proctors[0];
    let review_team: Vec<usize> = if level <= 2 {
        let k = if free.len() >= 5 && rng.random_bool(0.2) {
            5
        } else {
            3
        };
        shuffled[shuffled.len() - k..].to_vec()
    } else {
        Vec::new()
    };
    for &e in skill_team.iter().chain(&proctors).chain(&review_team) {
        if !d.examiners[e].busy.contains(&(start_at, end_at)) {
            d.examiners[e].busy.push((start_at, end_at));
        }
    }
    let pid = |d: &InstDraft, e: usize| d.personnel[d.examiners[e].person].person_id.clone();
    let city_code = ctx.cities[d.city].code;
    let batch_id = BatchId::parse(&ctx.batch_id(city_code, spec.date)).expect("id");
    let filed = {
        let k = rng.random_range(3..=20);
        office_time(rng, days(spec.date, -k))
    };
    let sup = d
        .supervisors
        .iter()
        .copied()
        .filter(|&s| {
            let p = &d.personnel[s];
            p.valid_from.is_none_or(|f| f <= spec.date)
                && p.valid_to.is_none_or(|t| t >= end_at.date())
        })
        .collect::<Vec<_>>();
    let supervisor = sup
        .first()
        .map(|_| d.personnel[*pick(rng, &sup)].person_id.clone());
    let record_at = supervisor
        .as_ref()
        .map(|_| at(days(end_at.date(), 1), 9, 0) + Duration::minutes(rng.random_range(0..300)));
    let batch = Batch {
        batch_id: batch_id.clone(),
        institution_id: d.inst.institution_id.clone(),
        occupation_code: cap.occupation,
        level: cap.level,
        site_id: Some(d.sites[spec.site].site_id.clone()),
        start_at,
        end_at,
        filed_at: Some(filed),
        internal_supervisor_id: supervisor,
        supervision_record_at: record_at,
    };
    let year = spec.date.year();
    let theory_paper = Papers::theory_id(
        &cap.occupation,
        cap.level,
        year,
        rng.random_range(1..=PAPERS_PER_YEAR),
    );
    let skill_paper = Papers::skill_id(
        &cap.occupation,
        cap.level,
        year,
        rng.random_range(1..=PAPERS_PER_YEAR),
    );
    if let Some(row) = ctx
        .papers
        .row_if_new(&theory_paper, cap.occupation, cap.level)
    {
        ctx.new_papers.push(row);
    }
    let mut sessions = Vec::new();
    let mut staff = Vec::new();
    for (subject, s, e, _) in &plan {
        let paper = match subject {
            Subject::Theory => Some(PaperId::parse(&theory_paper).expect("id")),
            Subject::Skill => Some(PaperId::parse(&skill_paper).expect("id")),
            Subject::Review => None,
        };
        sessions.push(Session {
            batch_id: batch_id.clone(),
            subject: *subject,
            start_at: *s,
            end_at: *e,
            paper_drawn: paper.clone(),
            paper_used: paper,
        });
        let rows: Vec<(usize, Duty)> = match subject {
            Subject::Theory => proctors
                .iter()
                .map(|&x| (x, Duty::Proctor))
                .chain(std::iter::once((grader, Duty::Grader)))
                .collect(),
            Subject::Skill => skill_team.iter().map(|&x| (x, Duty::Examiner)).collect(),
            Subject::Review => review_team.iter().map(|&x| (x, Duty::Examiner)).collect(),
        };
        for (x, duty) in rows {
            staff.push(BatchStaff {
                batch_id: batch_id.clone(),
                subject: *subject,
                person_id: pid(d, x),
                duty,
            });
        }
    }
    let mut changes = Vec::new();
    if rng.random_bool(0.05) {
        let changed_at =
            office_time(rng, days(filed.date(), 1)).min(start_at - Duration::hours(20));
        let (field, old, new) = match rng.random_range(0..3) {
            0 => (
                ChangeField::Time,
                "09:00".to_string(),
                format!("{}", start_at.format("%H:%M")),
            ),
            1 if d.sites.len() > 1 => {
                let other = d
                    .sites
                    .iter()
                    .find(|s| s.site_id != d.sites[spec.site].site_id)
                    .expect("other site");
                (
                    ChangeField::Site,
                    other.site_id.to_string(),
                    d.sites[spec.site].site_id.to_string(),
                )
            }
            _ => (
                ChangeField::Date,
                days(spec.date, -7).to_string(),
                spec.date.to_string(),
            ),
        };
        changes.push(BatchChange {
            batch_id: batch_id.clone(),
            field,
            old_value: Some(old.into()),
            new_value: Some(new.into()),
            changed_at,
            reported_at: Some(changed_at + Duration::minutes(rng.random_range(10..=240))),
        });
    }
    let level_adj = -0.06 * f64::from(5 - level);
    // Batches differ around their institution; small batches are sometimes a strong
    // group (a master class, a team of senior workers).
    let mut mean_theta = quality + 0.2 * normal(rng) + level_adj;
    if n <= 10 && rng.random_bool(0.2) {
        mean_theta += rng.random_range(0.4..1.0);
    }
    let mut bd = BatchDraft {
        batch,
        sessions,
        staff,
        changes,
        cands: Vec::with_capacity(n),
        ghost_scores: Vec::new(),
        ghost_results: Vec::new(),
        cap: spec.cap,
        planned: None,
        tainted: false,
        site_index: spec.site,
        mean_theta,
    };
    let may_use_pool = d.inst.kind != InstitutionKind::Employer;
    for _ in 0..n {
        let applied = {
            let k = rng.random_range(14..=42);
            office_time(rng, days(spec.date, -k))
        };
        let employer = employer_of(ctx, d, rng, spec.date, end_at.date());
        let e = new_enrollment(
            ctx,
            d,
            rng,
            &batch_id,
            &cap,
            spec.date,
            applied,
            employer,
            may_use_pool,
        );
        let theta = mean_theta + normal(rng);
        let skill = 0.6 * theta + 0.8 * normal(rng);
        bd.cands.push(CandDraft {
            enrollment: e,
            theta,
            skill,
            absent: rng.random_bool(0.03),
            answer: None,
            scores: Vec::new(),
            result: None,
            cert: None,
            injected: false,
        });
    }
    score_batch(ctx, &mut bd, rng);
    d.batches.push(bd);
    true
}

/// (Re)computes answers and scores of every present candidate from their abilities.
pub fn score_batch(ctx: &mut Ctx, b: &mut BatchDraft, rng: &mut ChaCha8Rng) {
    let theory = b.session(Subject::Theory).cloned().expect("theory session");
    let spec = ctx
        .papers
        .get(theory.paper_used.as_ref().expect("paper").as_str());
    let grader = b.staff_of(Subject::Theory, Duty::Grader)[0].clone();
    let skill_team = b.staff_of(Subject::Skill, Duty::Examiner);
    let review_team = b.staff_of(Subject::Review, Duty::Examiner);
    let skill_end = b.session(Subject::Skill).map(|s| s.end_at);
    let review_end = b.session(Subject::Review).map(|s| s.end_at);
    let theory_min = (theory.end_at - theory.start_at).num_minutes();
    let hardness = skill_hardness(ctx.seed, &b.batch.occupation_code, b.batch.level);
    for (i, c) in b.cands.iter_mut().enumerate() {
        c.scores.clear();
        c.answer = None;
        if c.absent {
            continue;
        }
        let id: IdNumber = c.enrollment.candidate_id;
        let (responses, correct) = spec.respond(c.theta, rng);
        let started = theory.start_at + Duration::minutes(rng.random_range(0..=5));
        c.answer = Some(Answer {
            batch_id: b.batch.batch_id.clone(),
            candidate_id: id,
            paper_id: spec.id.clone(),
            responses,
            started_at: Some(started),
            submitted_at: Some(
                theory.start_at + Duration::minutes(rng.random_range(40..=theory_min)),
            ),
        });
        c.scores.push(ScoreRow {
            batch_id: b.batch.batch_id.clone(),
            candidate_id: id,
            subject: Subject::Theory,
            score: Some(Score::from_tenths(correct as i32 * 10)),
            graded_by: Some(grader.clone()),
            recorded_at: Some(theory.end_at + Duration::minutes(rng.random_range(60..=240))),
        });
        if let Some(end) = skill_end {
            let ex = &skill_team[i % skill_team.len()];
            let bias = examiner_bias(ctx.seed, ex) - hardness;
            c.scores.push(ScoreRow {
                batch_id: b.batch.batch_id.clone(),
                candidate_id: id,
                subject: Subject::Skill,
                score: Some(Score::from_tenths(skill_score(c.skill, bias, rng))),
                graded_by: Some(ex.clone()),
                recorded_at: Some(end + Duration::minutes(rng.random_range(5..=60))),
            });
        }
        if let Some(end) = review_end {
            let ex = &review_team[i % review_team.len()];
            c.scores.push(ScoreRow {
                batch_id: b.batch.batch_id.clone(),
                candidate_id: id,
                subject: Subject::Review,
                score: Some(Score::from_tenths(review_score(c.theta, c.skill, rng))),
                graded_by: Some(ex.clone()),
                recorded_at: Some(end + Duration::minutes(rng.random_range(10..=60))),
            });
        }
    }
}
