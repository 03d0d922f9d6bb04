//! Statistical (guide item 11) injections: each changes answers or scores before
//! results and certificates are derived, so everything downstream stays consistent.
//! Each is a separate function with its parameters, to be refined with the
//! screening statistics.

use super::activity::score_batch;
use super::draft::{BatchDraft, InstDraft};
use super::exam::{ITEMS, PaperSpec, half_points};
use super::state::Ctx;
use domain::enums::{Duty, Subject};
use domain::ids::PersonId;
use domain::{IdNumber, Score};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Parameters of the answer-copying cluster.
pub struct Copying {
    /// Cluster size range.
    pub min: usize,
    pub max: usize,
    /// Ability of the source the cluster copies from (≈ 65–75 correct).
    pub source_theta: f64,
    /// Items each copier re-answers on their own.
    pub own_items: std::ops::RangeInclusive<usize>,
}

pub const COPYING: Copying = Copying {
    min: 5,
    max: 8,
    source_theta: -0.2,
    own_items: 2..=6,
};

fn theory_spec(ctx: &mut Ctx, b: &BatchDraft) -> std::rc::Rc<PaperSpec> {
    let id = b
        .session(Subject::Theory)
        .and_then(|s| s.paper_used.clone())
        .expect("theory paper");
    ctx.papers.get(id.as_str())
}

fn set_theory(b: &mut BatchDraft, ci: usize, responses: String, correct: u32) {
    let c = &mut b.cands[ci];
    if let Some(a) = c.answer.as_mut() {
        a.responses = responses;
    }
    if let Some(s) = c.scores.iter_mut().find(|s| s.subject == Subject::Theory) {
        s.score = Score::from_tenths(correct as i32 * 10);
    }
}

fn present(b: &BatchDraft) -> Vec<usize> {
    (0..b.cands.len()).filter(|&i| !b.cands[i].absent).collect()
}

/// `cheating.answer_copying`: 5–8 present candidates of the theory session copy one
/// answer string (a mediocre one, so they share its wrong answers) and re-answer a
/// few items themselves. Their theory scores follow from the answers. Needs ≥ 8
/// present candidates. Label: the batch.
pub fn answer_copying(
    ctx: &mut Ctx,
    b: &mut BatchDraft,
    rng: &mut ChaCha8Rng,
    p: &Copying,
) -> bool {
    let mut who = present(b);
    if who.len() < 8 {
        return false;
    }
    let spec = theory_spec(ctx, b);
    let (source, _) = spec.respond(p.source_theta, rng);
    who.shuffle(rng);
    let k = rng.random_range(p.min..=p.max).min(who.len());
    for &ci in &who[..k] {
        let mut r: Vec<u8> = source.clone().into_bytes();
        let own = rng.random_range(p.own_items.clone());
        for _ in 0..own {
            let i = rng.random_range(0..ITEMS);
            r[i] = if rng.random::<f64>() < spec.p_correct(i, b.cands[ci].theta) {
                spec.key[i]
            } else {
                spec.wrong(i, rng)
            };
        }
        let text = String::from_utf8(r).expect("ASCII");
        let correct = spec.score(&text);
        set_theory(b, ci, text, correct);
    }
    true
}

/// Raises (or lowers) a response string to exactly `target` correct answers by
/// changing as few items as possible.
fn adjust_to(spec: &PaperSpec, responses: &str, target: u32, rng: &mut ChaCha8Rng) -> String {
    let mut r: Vec<u8> = responses.as_bytes().to_vec();
    let mut correct = spec.score(responses);
    let mut order: Vec<usize> = (0..ITEMS).collect();
    order.shuffle(rng);
    for i in order {
        if correct == target {
            break;
        }
        let is_right = r[i] == spec.key[i];
        if correct < target && !is_right {
            r[i] = spec.key[i];
            correct += 1;
        } else if correct > target && is_right {
            r[i] = spec.wrong(i, rng);
            if r[i] != spec.key[i] {
                correct -= 1;
            }
        }
    }
    String::from_utf8(r).expect("ASCII")
}

/// Parameters of score heaping.
pub struct Heaping {
    /// How much weaker than usual the batch is (so many would fail).
    pub weakening: f64,
    /// Scores in [floor, 64) are moved into [60, 64).
    pub floor: f64,
}

pub const HEAPING: Heaping = Heaping {
    weakening: 0.9,
    floor: 38.0,
};

/// `cheating.score_heaping`: a weak batch (abilities lowered) whose theory and skill
/// scores between `floor` and 64 are all moved into [60, 64) — the failures rescued
/// just above the pass mark, with the theory answers changed to match. Needs ≥ 15
/// candidates. Label: the batch.
pub fn score_heaping(ctx: &mut Ctx, b: &mut BatchDraft, rng: &mut ChaCha8Rng, p: &Heaping) -> bool {
    if b.cands.len() < 15 {
        return false;
    }
    for c in &mut b.cands {
        c.theta -= p.weakening;
        c.skill -= p.weakening * 0.8;
    }
    score_batch(ctx, b, rng);
    let spec = theory_spec(ctx, b);
    for ci in present(b) {
        let theory = b.cands[ci].scores[0].score.value();
        if (p.floor..64.0).contains(&theory) && theory < 60.0 {
            let target = rng.random_range(60..=63);
            let old = b.cands[ci]
                .answer
                .as_ref()
                .expect("answer")
                .responses
                .clone();
            let text = adjust_to(&spec, &old, target, rng);
            let correct = spec.score(&text);
            set_theory(b, ci, text, correct);
        }
        for s in b.cands[ci]
            .scores
            .iter_mut()
            .filter(|s| s.subject != Subject::Theory)
        {
            let v = s.score.value();
            if (p.floor..60.0).contains(&v) {
                s.score = Score::from_tenths(half_points(rng.random_range(60.0..63.6)));
            }
        }
    }
    true
}

/// Parameters of a low-spread batch.
pub struct LowSpread {
    /// Centre of the skill scores.
    pub centre: std::ops::Range<f64>,
    /// Half-width of the band around it.
    pub half_width: f64,
}

pub const LOW_SPREAD: LowSpread = LowSpread {
    centre: 76.0..84.0,
    half_width: 1.0,
};

/// `cheating.low_spread`: every present candidate's skill score is set within
/// ±1 point of one value (the panel marked everyone alike); theory is untouched, so
/// the pass rate stays ordinary. Needs ≥ 10 present candidates. Label: the batch.
pub fn low_spread(b: &mut BatchDraft, rng: &mut ChaCha8Rng, p: &LowSpread) -> bool {
    if present(b).len() < 10 {
        return false;
    }
    let centre = rng.random_range(p.centre.clone());
    for c in &mut b.cands {
        for s in c.scores.iter_mut().filter(|s| s.subject == Subject::Skill) {
            let v = centre + rng.random_range(-p.half_width..=p.half_width);
            s.score = Score::from_tenths(half_points(v));
        }
    }
    true
}

/// Parameters of a pass-rate outlier.
pub struct Outlier {
    pub min_size: usize,
    /// Ability boost of every candidate.
    pub boost: f64,
    /// Every subject at least this.
    pub min_score: u32,
}

pub const OUTLIER: Outlier = Outlier {
    min_size: 20,
    boost: 2.2,
    min_score: 72,
};

/// `cheating.pass_rate_outlier`: a batch of ≥ 20 in which nobody is absent, every
/// ability is boosted and every subject scores at least 72 — a 100% pass rate with
/// scores far above the occupation's baseline. Label: the batch.
pub fn pass_rate_outlier(
    ctx: &mut Ctx,
    b: &mut BatchDraft,
    rng: &mut ChaCha8Rng,
    p: &Outlier,
) -> bool {
    if b.cands.len() < p.min_size {
        return false;
    }
    for c in &mut b.cands {
        c.absent = false;
        c.theta += p.boost;
        c.skill += p.boost;
    }
    score_batch(ctx, b, rng);
    let spec = theory_spec(ctx, b);
    for ci in 0..b.cands.len() {
        let theory = b.cands[ci].scores[0].score.value();
        if theory < f64::from(p.min_score) {
            let target = rng.random_range(p.min_score..=p.min_score + 10);
            let old = b.cands[ci]
                .answer
                .as_ref()
                .expect("answer")
                .responses
                .clone();
            let text = adjust_to(&spec, &old, target, rng);
            let correct = spec.score(&text);
            set_theory(b, ci, text, correct);
        }
        for s in b.cands[ci]
            .scores
            .iter_mut()
            .filter(|s| s.subject != Subject::Theory)
        {
            if s.score.value() < f64::from(p.min_score) {
                s.score = Score::from_tenths(half_points(
                    f64::from(p.min_score) + 8.0 * rng.random::<f64>(),
                ));
            }
        }
    }
    true
}

/// The examiner of the institution who graded the most skill scores in batches that
/// carry no batch-level injection, with that count.
pub fn busiest_skill_examiner(d: &InstDraft) -> Option<(PersonId, usize)> {
    let mut counts: std::collections::BTreeMap<PersonId, usize> = Default::default();
    for b in d.batches.iter().filter(|b| b.planned.is_none()) {
        for c in &b.cands {
            for s in c.scores.iter().filter(|s| s.subject == Subject::Skill) {
                if let Some(g) = &s.graded_by {
                    *counts.entry(g.clone()).or_default() += 1;
                }
            }
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
}

/// Applies `f` to every skill score `person` graded in batches without batch-level
/// injections; returns the candidates touched.
fn each_graded(
    d: &mut InstDraft,
    person: &PersonId,
    mut f: impl FnMut(&mut Score, f64),
) -> Vec<IdNumber> {
    let mut touched = Vec::new();
    for b in d.batches.iter_mut().filter(|b| b.planned.is_none()) {
        let graders_here = b.staff_of(Subject::Skill, Duty::Examiner);
        if !graders_here.contains(person) {
            continue;
        }
        for c in &mut b.cands {
            let theta = c.theta;
            for s in c.scores.iter_mut().filter(|s| s.subject == Subject::Skill) {
                if s.graded_by.as_ref() == Some(person) {
                    f(&mut s.score, theta);
                    touched.push(c.enrollment.candidate_id);
                }
            }
        }
    }
    touched
}

/// Parameters of a lenient examiner.
pub struct Lenient {
    pub min_graded: usize,
    /// Failing skill scores are replaced by a draw from this range.
    pub rescue: std::ops::Range<f64>,
}

pub const LENIENT: Lenient = Lenient {
    min_graded: 20,
    rescue: 64.0..80.0,
};

/// `cheating.lenient_examiner`: the institution's busiest skill examiner passes
/// everyone: every skill score they graded below 60 becomes 64–80, whatever the
/// candidate's ability. Label: the person (institution + person_id).
pub fn lenient_examiner(d: &mut InstDraft, rng: &mut ChaCha8Rng, p: &Lenient) -> Option<PersonId> {
    let (person, n) = busiest_skill_examiner(d)?;
    if n < p.min_graded {
        return None;
    }
    each_graded(d, &person, |s, _| {
        if s.tenths() < 600 {
            *s = Score::from_tenths(half_points(rng.random_range(p.rescue.clone())));
        }
    });
    Some(person)
}

/// Parameters of an examiner whose scores concentrate on a few values.
pub struct Concentration {
    pub min_graded: usize,
    /// The values used: below 60, 60–80, above 80 (pass/fail unchanged).
    pub values: [i32; 3],
}

pub const CONCENTRATION: Concentration = Concentration {
    min_graded: 20,
    values: [550, 720, 850],
};

/// `cheating.examiner_concentration`: the institution's busiest skill examiner gives
/// only three marks (55, 72, 85), chosen so that nobody's pass or fail changes.
/// Label: the person.
pub fn examiner_concentration(d: &mut InstDraft, p: &Concentration) -> Option<PersonId> {
    let (person, n) = busiest_skill_examiner(d)?;
    if n < p.min_graded {
        return None;
    }
    each_graded(d, &person, |s, _| {
        let v = s.tenths();
        let new = if v < 600 {
            p.values[0]
        } else if v < 800 {
            p.values[1]
        } else {
            p.values[2]
        };
        *s = Score::from_tenths(new);
    });
    Some(person)
}
