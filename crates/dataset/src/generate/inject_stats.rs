//! Statistical (guide item 11) injections: each changes answers or scores before
//! results and certificates are derived, so everything downstream stays consistent.
//! Each is a separate function with its parameters; [`StatsParams`] holds those that
//! calibration sweeps (cluster size and copied wrong answers, whole-batch heaping,
//! which kinds are injected at all).

use super::activity::score_batch;
use super::draft::{BatchDraft, InstDraft};
use super::exam::{ITEMS, PaperSpec, half_points};
use super::state::Ctx;
use super::util::SCORED;
use domain::enums::{Duty, Subject};
use domain::finding::FindingKind;
use domain::ids::PersonId;
use domain::{IdNumber, Score};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::ops::RangeInclusive;

/// Parameters of the statistical (guide item 11) injections. The defaults are what
/// a generated province carries; calibration sweeps them and may restrict the
/// injections to some kinds (`only`).
#[derive(Debug, Clone, PartialEq)]
pub struct StatsParams {
    /// Answer copying: candidates in the cluster (m).
    pub copy_cluster: RangeInclusive<usize>,
    /// Answer copying: wrong answers on the shared answer sheet (k, of the paper's
    /// 100 items).
    pub copy_wrong: RangeInclusive<usize>,
    /// Answer copying: chance that a copier answers an item on their own instead.
    pub copy_noise: f64,
    /// Heaping: every score of the batch goes into [pass, pass + 4) (instead of the
    /// failures of a weak batch only).
    pub heap_whole: bool,
    /// Heaping: present candidates a batch needs.
    pub heap_min_size: usize,
    /// Only these kinds are injected (`None`: every kind). Violation draws and forced
    /// instances skip the others.
    pub only: Option<Vec<FindingKind>>,
}

impl Default for StatsParams {
    fn default() -> Self {
        StatsParams {
            copy_cluster: 5..=8,
            copy_wrong: 36..=45,
            copy_noise: 0.1,
            heap_whole: false,
            heap_min_size: 25,
            only: None,
        }
    }
}

impl StatsParams {
    /// Whether `kind` may be injected.
    pub fn allows(&self, kind: FindingKind) -> bool {
        self.only.as_ref().is_none_or(|o| o.contains(&kind))
    }
}

/// Ability of the author of a circulating answer sheet: the sheet's wrong answers
/// fall on the items such a candidate gets wrong.
const SHEET_AUTHOR_THETA: f64 = -0.3;

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
        s.score = Some(Score::from_tenths(correct as i32 * 10));
    }
}

fn present(b: &BatchDraft) -> Vec<usize> {
    (0..b.cands.len()).filter(|&i| !b.cands[i].absent).collect()
}

/// `cheating.answer_copying`: an answer sheet circulates in the theory session (答案
///传递): m present candidates (`copy_cluster`) take its answer on each item with
/// probability 1 − `copy_noise` and answer the rest on their own. The sheet is the key
/// except on k items (`copy_wrong`), chosen among those a mediocre candidate gets
/// wrong, where it holds a plausible distractor — so the copiers share about
/// k (1 − noise)² identical wrong answers pairwise. Theory scores follow from the
/// answers. The copiers are at most half the room (m is cut to that; the batch needs
/// twice the smallest m present). Label: the batch.
pub fn answer_copying(
    ctx: &mut Ctx,
    b: &mut BatchDraft,
    rng: &mut ChaCha8Rng,
    p: &StatsParams,
) -> bool {
    let mut who = present(b);
    let m = rng.random_range(p.copy_cluster.clone()).min(who.len() / 2);
    if m < 2 || m < *p.copy_cluster.start() {
        return false;
    }
    let spec = theory_spec(ctx, b);
    let k = rng.random_range(p.copy_wrong.clone()).min(ITEMS);
    let sheet = spec.sheet(k, SHEET_AUTHOR_THETA, rng);
    who.shuffle(rng);
    for &ci in &who[..m] {
        let (own, _) = spec.respond(b.cands[ci].theta, rng);
        let own = own.into_bytes();
        let r: Vec<u8> = (0..ITEMS)
            .map(|i| {
                if rng.random_bool(1.0 - p.copy_noise.clamp(0.0, 1.0)) {
                    sheet[i]
                } else {
                    own[i]
                }
            })
            .collect();
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
    /// Scores in [floor, 60) are moved into [60, 64).
    pub floor: f64,
}

pub const HEAPING: Heaping = Heaping {
    weakening: 1.2,
    floor: 30.0,
};

/// `cheating.score_heaping`: a weak batch (abilities lowered) whose theory and skill
/// scores between `floor` and 60 are all moved into [60, 64) — the failures rescued
/// just above the pass mark, with the theory answers changed to match. With
/// `heap_whole` (calibration), every present candidate's every score goes into
/// [60, 64) instead. Needs `heap_min_size` present candidates. Label: the batch.
pub fn score_heaping(
    ctx: &mut Ctx,
    b: &mut BatchDraft,
    rng: &mut ChaCha8Rng,
    p: &Heaping,
    stats: &StatsParams,
) -> bool {
    let whole = stats.heap_whole;
    if present(b).len() < stats.heap_min_size {
        return false;
    }
    if !whole {
        for c in &mut b.cands {
            c.theta -= p.weakening;
            c.skill -= p.weakening * 0.8;
        }
        score_batch(ctx, b, rng);
    }
    let spec = theory_spec(ctx, b);
    for ci in present(b) {
        let theory = b.cands[ci].scores[0].score.expect(SCORED).value();
        if whole || ((p.floor..64.0).contains(&theory) && theory < 60.0) {
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
            let v = s.score.expect(SCORED).value();
            if whole || (p.floor..60.0).contains(&v) {
                s.score = Some(Score::from_tenths(half_points(
                    rng.random_range(60.0..63.6),
                )));
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
            s.score = Some(Score::from_tenths(half_points(v)));
        }
    }
    true
}

/// Parameters of a pass-rate outlier.
pub struct Outlier {
    /// Candidates needed.
    pub min_size: usize,
    /// Failing marks are replaced by a draw from this range.
    pub rescue: std::ops::Range<f64>,
}

pub const OUTLIER: Outlier = Outlier {
    min_size: 40,
    rescue: 64.0..86.0,
};

/// Whether batch `bi` is a hard exam that the institution also runs in at least three
/// other batches, which pass at most 60% (scores so far): where a batch in which
/// everybody passes stands out against the occupation's baseline.
pub fn low_baseline(d: &InstDraft, bi: usize, seed: u64) -> bool {
    let b = &d.batches[bi];
    let h = super::exam::theory_hardness(seed, &b.batch.occupation_code, b.batch.level)
        + super::exam::skill_hardness(seed, &b.batch.occupation_code, b.batch.level) / 12.0;
    if h < 0.3 {
        return false;
    }
    let (mut others, mut pass, mut all) = (0, 0, 0);
    for (j, o) in d.batches.iter().enumerate() {
        if j == bi || o.cap != b.cap {
            continue;
        }
        others += 1;
        for c in o.cands.iter().filter(|c| !c.absent && !c.scores.is_empty()) {
            all += 1;
            pass += usize::from(
                c.scores
                    .iter()
                    .all(|s| s.score.expect(SCORED).tenths() >= 600),
            );
        }
    }
    others >= 3 && all > 0 && pass * 10 <= all * 6
}

/// `cheating.pass_rate_outlier`: in a large batch of a hard exam everybody passes:
/// nobody is absent and every failing mark is replaced by an ordinary-looking pass
/// (64–86, theory answers changed to match), so neither heaping nor a narrow spread
/// shows — only a pass rate far above what the occupation and level achieve
/// elsewhere. Label: the batch.
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
    }
    score_batch(ctx, b, rng);
    let spec = theory_spec(ctx, b);
    for ci in 0..b.cands.len() {
        let theory = b.cands[ci].scores[0].score.expect(SCORED).value();
        if theory < 60.0 {
            let target = rng.random_range(p.rescue.clone()).round() as u32;
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
            if s.score.expect(SCORED).value() < 60.0 {
                s.score = Some(Score::from_tenths(half_points(
                    rng.random_range(p.rescue.clone()),
                )));
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
                    f(s.score.as_mut().expect(SCORED), theta);
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
    /// Failing marks the examiner must have given (and now turns into passes).
    pub min_fails: usize,
    /// Chance that they take over a co-examiner's candidate.
    pub takeover: f64,
    /// Failing skill scores are replaced by a draw from this range.
    pub rescue: std::ops::Range<f64>,
}

pub const LENIENT: Lenient = Lenient {
    min_graded: 40,
    min_fails: 15,
    takeover: 0.5,
    rescue: 64.0..80.0,
};

/// `cheating.lenient_examiner`: the institution's busiest skill examiner (at least
/// `min_graded` marks) is the favoured one: in every batch they serve they also take
/// over each co-examiner's candidate with probability `takeover` (whoever the
/// candidate is), and they pass everyone: every skill mark of theirs below 60 becomes
/// 64–80, whatever the candidate's ability. Needs `min_fails` such marks (the evidence
/// a lenient examiner leaves is the failures that did not happen). Label: the person
/// (institution + person_id).
pub fn lenient_examiner(d: &mut InstDraft, rng: &mut ChaCha8Rng, p: &Lenient) -> Option<PersonId> {
    let (person, n) = busiest_skill_examiner(d)?;
    if n < p.min_graded {
        return None;
    }
    // Which co-examiners' marks they take over, decided before anything changes.
    let mut takeover: Vec<(usize, usize)> = Vec::new();
    let mut fails = 0;
    for (bi, b) in d.batches.iter().enumerate() {
        if b.planned.is_some() || !b.staff_of(Subject::Skill, Duty::Examiner).contains(&person) {
            continue;
        }
        for (ci, c) in b.cands.iter().enumerate() {
            for s in c.scores.iter().filter(|s| s.subject == Subject::Skill) {
                let mine = s.graded_by.as_ref() == Some(&person);
                let take = !mine && rng.random_bool(p.takeover);
                if take {
                    takeover.push((bi, ci));
                }
                if (mine || take) && s.score.expect(SCORED).tenths() < 600 {
                    fails += 1;
                }
            }
        }
    }
    if fails < p.min_fails {
        return None;
    }
    for (bi, ci) in takeover {
        for s in d.batches[bi].cands[ci]
            .scores
            .iter_mut()
            .filter(|s| s.subject == Subject::Skill)
        {
            s.graded_by = Some(person.clone());
        }
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
    min_graded: 30,
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
