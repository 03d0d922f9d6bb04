//! 评价结果真实性 in the scores of a whole batch: heaping just above the pass mark,
//! abnormally small spread, pass rates far above the baseline.
//!
//! # The tests
//!
//! - **Heaping** (per batch, every subject): A = scores in [pass, pass + h), B = scores
//!   in [pass − h, pass). Given A + B, each of those scores lies above the mark with
//!   the reference rate r of the subject: (A + 1) / (A + B + 2) pooled over every
//!   *other* batch of the same subject whose mean score is close to this batch's (of
//!   the same occupation within ±5 points when it has enough batches, else of every
//!   occupation, the window widening until it holds `min_reference_batches`), since
//!   the slope of the score density at the pass mark depends on where the batch lies. Batches whose heaping
//!   p-value against wide references (±10 points or more) is already below 1e-3 are
//!   left out of the references (repeated, up to 4 rounds, with the batches found so
//!   far left out), and each batch contributes at most 10 window scores, so that
//!   heaped batches do not make heaping look normal where they cluster. The subjects' counts are
//!   combined exactly (a Poisson-binomial over the window scores): p = P(X ≥ ΣA).
//! - **Small spread** (per batch and subject): the sample variance s² of the batch
//!   against `resamples` same-size resamples (with replacement, deterministic seed) of
//!   the reference: within-batch residuals (score − batch mean, rescaled by √(n/(n−1)))
//!   of the batches of the subject with a similar mean (bands of 2.5 points, widened
//!   up to ±10 points until they hold `min_reference_batches`; a batch without such a
//!   reference, e.g. alone near the ceiling, is not tested). The lower tail is read from a scaled χ²
//!   fitted to the resampled s² (Satterthwaite: mean and variance), which follows the
//!   resamples in the bulk and extrapolates below 1/resamples. The smallest p over the
//!   batch's subjects is Bonferroni-corrected for their number.
//! - **Pass rate** (per batch): x passes of n candidates with a result (absent left
//!   out) against a beta-binomial whose mean is the occupation × level pass rate of
//!   the other batches (shrunk towards the level's with 30 pseudo-candidates) and whose
//!   intra-batch correlation ρ is fitted by moments to the batches of similar size
//!   (below 20 candidates, or not; each batch's |z| capped at 3.5 so that a few
//!   outliers do not inflate it): p = P(X ≥ x).
//!
//! Each family is corrected across batches by Benjamini–Hochberg at its rulebook
//! level. A batch significant in several families gives one finding, of the most
//! specific kind (heaping, then pass rate, then spread: heaping explains both a high
//! pass rate and a narrow spread); the other significant tests are in its evidence.

use super::stats::{
    SplitMix64, beta_binomial_upper, bh_adjust, derive_seed, poisson_binomial_upper,
    scaled_chi2_lower,
};
use super::{fmt_p, round, round_p};
use crate::context::{BatchView, Ctx};
use crate::engine::Detector;
use crate::finding::{Hit, batch_subject, occ_level};
use domain::enums::{Outcome, Subject};
use domain::finding::FindingKind as K;
use domain::model::Table;
use domain::{IdNumber, Level, OccupationCode};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::{Value, json};

/// The detector of heaping, small spread and pass-rate outliers.
pub struct ScoreDistribution;

/// The instance registered in [`super::detectors`].
pub static DETECTOR: ScoreDistribution = ScoreDistribution;

impl Detector for ScoreDistribution {
    fn id(&self) -> &'static str {
        "forensics.score_distribution"
    }
    fn kinds(&self) -> &'static [K] {
        &[K::ScoreHeaping, K::LowSpread, K::PassRateOutlier]
    }
    fn needs(&self) -> &'static [Table] {
        &[Table::Batches, Table::Scores, Table::Results]
    }
    fn regulation(&self) -> &'static str {
        "指引第11项：有组织舞弊、评价结果不真实（第十四条(四)）。整批成绩集中于合格线上方、离散度异常偏小或合格率远高于同职业同等级基准，是人为调整成绩的统计证据。"
    }
    fn run(&self, ctx: &Ctx) -> Vec<Hit> {
        hits(ctx, &analyse(ctx))
    }
}

/// Pseudo-candidates shrinking an occupation × level pass rate towards the level's.
const PASS_PRIOR: f64 = 30.0;
/// Batches with at least this many candidates with a result form the large class
/// of the ρ fit.
const LARGE_BATCH: u32 = 20;
/// Cap on |z| of one batch when fitting ρ.
const Z_CAP: f64 = 3.5;
/// Width of the location bands of the spread reference, in points.
const BAND: f64 = 2.5;
/// Half-widths (in bands) of the spread references tried in turn: at most ±10 points
/// around the batch's band; a batch with no such reference is not tested (near a
/// ceiling the spread narrows, and only batches as close to it compare).
const SPREAD_HALVES: [i32; 4] = [1, 2, 3, 4];
/// First-pass heaping p-values at or below this keep a batch out of the references.
const ROBUST: f64 = 1e-3;
/// Rounds of that exclusion (each with the batches found so far left out).
const ROBUST_ROUNDS: usize = 4;
/// One batch subject contributes at most this many window scores to a reference
/// (a heaped batch has all its scores there, an honest one a few).
const REF_CAP: f64 = 10.0;
/// A reference holds at least this many window scores.
const REF_MIN_SCORES: f64 = 20.0;
/// References tried in turn for heaping: (same occupation only, half-width of the
/// location window in points). Location first: the slope of the density at the pass
/// mark depends on where the batch lies.
const WINDOWS: [(bool, f64); 7] = [
    (true, 2.5),
    (true, 5.0),
    (false, 2.5),
    (false, 5.0),
    (false, 10.0),
    (false, 20.0),
    (false, 1000.0),
];
/// The first pass (which only decides which batches to leave out of the references)
/// uses wide windows, so that a cluster of heaped batches cannot dominate it.
const FIRST_PASS_WINDOWS: [(bool, f64); 3] = [(false, 10.0), (false, 20.0), (false, 1000.0)];

/// One subject of one batch.
#[derive(Debug, Clone)]
struct SubjectScores {
    subject: Subject,
    pass: i32,
    /// (candidate, tenths), in range 0..=100, one per candidate.
    scores: Vec<(IdNumber, i32)>,
    mean: f64,
    var: f64,
    above: u32,
    below: u32,
}

#[derive(Debug, Clone)]
struct BatchScores {
    pos: usize,
    occupation: OccupationCode,
    level: Level,
    subjects: Vec<SubjectScores>,
    /// Candidates with at least one score.
    present: usize,
    passes: u32,
    decided: u32,
}

fn gather(ctx: &Ctx, v: &BatchView, h: i32) -> BatchScores {
    let b = v.batch;
    let mut subjects: Vec<SubjectScores> = Vec::new();
    let mut present = 0usize;
    let mut last = None;
    for s in &v.scores {
        if last != Some(s.candidate_id) {
            present += 1;
            last = Some(s.candidate_id);
        }
        if !s.score.in_range() {
            continue;
        }
        let pos = match subjects.iter().position(|x| x.subject == s.subject) {
            Some(p) => p,
            None => {
                subjects.push(SubjectScores {
                    subject: s.subject,
                    pass: ctx
                        .norms
                        .pass_mark(&b.occupation_code, b.level, s.subject)
                        .tenths(),
                    scores: Vec::new(),
                    mean: 0.0,
                    var: 0.0,
                    above: 0,
                    below: 0,
                });
                subjects.len() - 1
            }
        };
        let sub = &mut subjects[pos];
        if sub.scores.last().is_some_and(|(c, _)| *c == s.candidate_id) {
            continue;
        }
        sub.scores.push((s.candidate_id, s.score.tenths()));
    }
    subjects.sort_by_key(|s| s.subject);
    for s in &mut subjects {
        let n = s.scores.len() as f64;
        s.mean = s.scores.iter().map(|x| f64::from(x.1) / 10.0).sum::<f64>() / n.max(1.0);
        s.var = if n > 1.0 {
            s.scores
                .iter()
                .map(|x| (f64::from(x.1) / 10.0 - s.mean).powi(2))
                .sum::<f64>()
                / (n - 1.0)
        } else {
            0.0
        };
        for &(_, t) in &s.scores {
            if (s.pass..s.pass + h).contains(&t) {
                s.above += 1;
            } else if (s.pass - h..s.pass).contains(&t) {
                s.below += 1;
            }
        }
    }
    let (mut passes, mut decided) = (0, 0);
    let mut last = None;
    for r in &v.results {
        if last == Some(r.candidate_id) {
            continue;
        }
        last = Some(r.candidate_id);
        match r.result {
            Outcome::Pass => {
                passes += 1;
                decided += 1;
            }
            Outcome::Fail => decided += 1,
            Outcome::Absent => {}
        }
    }
    BatchScores {
        pos: v.pos,
        occupation: b.occupation_code,
        level: b.level,
        subjects,
        present,
        passes,
        decided,
    }
}

/// Batches of one subject sorted by mean, with prefix sums of the window counts.
struct Sorted {
    /// (mean, batch index into `all`)
    means: Vec<(f64, usize)>,
    above: Vec<f64>,
    below: Vec<f64>,
}

impl Sorted {
    fn new(mut means: Vec<(f64, usize, f64, f64)>) -> Sorted {
        means.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut above = vec![0.0];
        let mut below = vec![0.0];
        for m in &means {
            above.push(above.last().unwrap() + m.2);
            below.push(below.last().unwrap() + m.3);
        }
        Sorted {
            means: means.iter().map(|m| (m.0, m.1)).collect(),
            above,
            below,
        }
    }

    /// (batches, above, below) with mean within ±w of `m`, this batch's own counts
    /// left out by the caller.
    fn window(&self, m: f64, w: f64) -> (usize, f64, f64) {
        let lo = self.means.partition_point(|x| x.0 < m - w);
        let hi = self.means.partition_point(|x| x.0 <= m + w);
        (
            hi - lo,
            self.above[hi] - self.above[lo],
            self.below[hi] - self.below[lo],
        )
    }
}

/// The reference of one heaping test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeapRef {
    /// Share of window scores above the mark in the reference.
    pub rate: f64,
    /// Reference batches.
    pub batches: usize,
    /// Half-width (points) of the location window.
    pub window: f64,
    /// Whether the reference is the same occupation's batches.
    pub same_occupation: bool,
}

/// One subject of a heaping test.
#[derive(Debug, Clone, PartialEq)]
pub struct HeapRow {
    pub subject: Subject,
    pub above: u32,
    pub below: u32,
    pub reference: HeapRef,
}

/// One subject of a spread test.
#[derive(Debug, Clone, PartialEq)]
pub struct SpreadRow {
    pub subject: Subject,
    pub n: usize,
    pub sd: f64,
    /// √(mean resampled s²).
    pub reference_sd: f64,
    /// Batches in the reference pool.
    pub reference_batches: usize,
    /// Scaled-χ² lower tail.
    pub p: f64,
    /// Share of resamples at or below (1 + count) / (1 + resamples).
    pub p_empirical: f64,
}

/// The heaping references: window counts of batches by subject and by (occupation,
/// subject), sorted by mean.
struct HeapRefs {
    per_subject: FxHashMap<Subject, Sorted>,
    per_occ: FxHashMap<(OccupationCode, Subject), Sorted>,
}

impl HeapRefs {
    /// From every batch not `excluded`.
    fn new(all: &[BatchScores], excluded: &[bool]) -> HeapRefs {
        type Rows = Vec<(f64, usize, f64, f64)>;
        let mut per_subject: FxHashMap<Subject, Rows> = FxHashMap::default();
        let mut per_occ: FxHashMap<(OccupationCode, Subject), Rows> = FxHashMap::default();
        for (i, b) in all.iter().enumerate() {
            if excluded[i] {
                continue;
            }
            for s in b.subjects.iter().filter(|s| !s.scores.is_empty()) {
                let (a, bl) = capped(s);
                let row = (s.mean, i, a, bl);
                per_subject.entry(s.subject).or_default().push(row);
                per_occ
                    .entry((b.occupation, s.subject))
                    .or_default()
                    .push(row);
            }
        }
        HeapRefs {
            per_subject: per_subject
                .into_iter()
                .map(|(k, v)| (k, Sorted::new(v)))
                .collect(),
            per_occ: per_occ
                .into_iter()
                .map(|(k, v)| (k, Sorted::new(v)))
                .collect(),
        }
    }

    /// The reference of one subject of a batch: the same occupation's batches of a
    /// similar mean if there are enough, else every occupation's; `own_out` when the
    /// batch is not in the references (its counts are not subtracted).
    fn reference(
        &self,
        b: &BatchScores,
        s: &SubjectScores,
        own_out: bool,
        min_ref: usize,
        windows: &[(bool, f64)],
    ) -> Option<HeapRef> {
        let own = if own_out {
            (0.0, 0.0, 0)
        } else {
            let (a, bl) = capped(s);
            (a, bl, 1)
        };
        for &(same, w) in windows {
            let sorted = if same {
                self.per_occ.get(&(b.occupation, s.subject))
            } else {
                self.per_subject.get(&s.subject)
            };
            let Some(sorted) = sorted else { continue };
            let (n, a, bl) = sorted.window(s.mean, w);
            let (n, a, bl) = (n - own.2, a - own.0, bl - own.1);
            if n >= min_ref && a + bl >= REF_MIN_SCORES {
                return Some(HeapRef {
                    rate: (a + 1.0) / (a + bl + 2.0),
                    batches: n,
                    window: w,
                    same_occupation: same,
                });
            }
        }
        None
    }
}

/// A batch subject's window counts as a reference contributes them: at most
/// `REF_CAP` scores, in the same proportion.
fn capped(s: &SubjectScores) -> (f64, f64) {
    let (a, b) = (f64::from(s.above), f64::from(s.below));
    let scale = (REF_CAP / (a + b).max(1.0)).min(1.0);
    (a * scale, b * scale)
}

/// The heaping test of one batch: every window score above the mark with its
/// subject's reference rate (Poisson-binomial), p = P(X ≥ scores above).
fn heap_test(
    refs: &HeapRefs,
    b: &BatchScores,
    own_out: bool,
    min_ref: usize,
    windows: &[(bool, f64)],
) -> Option<(f64, Vec<HeapRow>)> {
    let mut probs = Vec::new();
    let mut rows = Vec::new();
    let mut above = 0usize;
    for s in &b.subjects {
        if s.above + s.below == 0 {
            continue;
        }
        let r = refs.reference(b, s, own_out, min_ref, windows)?;
        probs.extend(std::iter::repeat_n(r.rate, (s.above + s.below) as usize));
        above += s.above as usize;
        rows.push(HeapRow {
            subject: s.subject,
            above: s.above,
            below: s.below,
            reference: r,
        });
    }
    if rows.is_empty() {
        return None;
    }
    let mut scratch = Vec::new();
    Some((poisson_binomial_upper(&probs, above, &mut scratch), rows))
}

/// The resampled null of s² for one pool and size.
#[derive(Debug, Clone)]
struct SpreadNull {
    mean: f64,
    var: f64,
    /// Sorted resampled s².
    draws: Vec<f64>,
    pool_batches: usize,
}

/// Per batch and family: p-value and details.
#[derive(Debug, Clone, Default)]
pub struct BatchTests {
    pub pos: usize,
    /// Heaping: p and the subjects.
    pub heaping: Option<(f64, Vec<HeapRow>)>,
    /// Spread: Bonferroni-corrected p over subjects, and the subjects.
    pub spread: Option<(f64, Vec<SpreadRow>)>,
    /// Pass rate: p, passes, decided, baseline, ρ.
    pub pass_rate: Option<(f64, u32, u32, f64, f64)>,
    /// BH-adjusted p-values.
    pub heaping_adj: f64,
    pub spread_adj: f64,
    pub pass_rate_adj: f64,
}

/// Everything the batch tests computed.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub tests: Vec<BatchTests>,
    pub rho: f64,
    /// Batches tested per family.
    pub heaping_tested: usize,
    pub spread_tested: usize,
    pub pass_rate_tested: usize,
}

/// Runs the three tests on every batch.
pub fn analyse(ctx: &Ctx) -> Analysis {
    let f = &ctx.rulebook.forensics;
    let h = (f.heaping_width * 10.0).round() as i32;
    let min_batch = f.min_batch as usize;
    let min_ref = f.min_reference_batches as usize;
    let all: Vec<BatchScores> = ctx.views.par_iter().map(|v| gather(ctx, v, h)).collect();

    // ---- heaping: a first pass against every other batch, then a second against
    // the batches the first pass did not find heaped (so that heaped batches of one
    // location do not make heaping look normal there).
    let mut excluded = vec![false; all.len()];
    for _ in 0..ROBUST_ROUNDS {
        let refs = HeapRefs::new(&all, &excluded);
        let next: Vec<bool> = all
            .par_iter()
            .enumerate()
            .map(|(i, b)| {
                excluded[i]
                    || (b.present >= min_batch
                        && heap_test(&refs, b, false, min_ref, &FIRST_PASS_WINDOWS)
                            .is_some_and(|(p, _)| p <= ROBUST))
            })
            .collect();
        let done = next == excluded;
        excluded = next;
        if done {
            break;
        }
    }
    let refs = HeapRefs::new(&all, &excluded);

    // ---- spread references: pools of residuals by (subject, band range).
    let band_of = |m: f64| (m / BAND).floor().clamp(0.0, 100.0 / BAND) as i32;
    let mut by_band: FxHashMap<(Subject, i32), Vec<usize>> = FxHashMap::default();
    for (i, b) in all.iter().enumerate() {
        for s in b.subjects.iter().filter(|s| s.scores.len() >= 2) {
            by_band
                .entry((s.subject, band_of(s.mean)))
                .or_default()
                .push(i);
        }
    }
    // The pool key of a batch subject: the narrowest symmetric band range holding
    // more than min_ref batches.
    let pool_key = |s: &SubjectScores| -> Option<(Subject, i32, i32)> {
        let c = band_of(s.mean);
        for half in SPREAD_HALVES {
            let n: usize = (c - half..=c + half)
                .map(|j| by_band.get(&(s.subject, j)).map_or(0, Vec::len))
                .sum();
            if n > min_ref {
                return Some((s.subject, c - half, c + half));
            }
        }
        None
    };
    let mut needed: Vec<((Subject, i32, i32), usize)> = Vec::new();
    for b in &all {
        if b.present < min_batch {
            continue;
        }
        for s in &b.subjects {
            if s.scores.len() >= min_batch
                && let Some(k) = pool_key(s)
            {
                needed.push((k, s.scores.len()));
            }
        }
    }
    needed.sort_by_key(|x| (x.0.0, x.0.1, x.0.2, x.1));
    needed.dedup();
    let mut pools: FxHashMap<(Subject, i32, i32), (Vec<f64>, usize)> = FxHashMap::default();
    for (k, _) in &needed {
        pools.entry(*k).or_insert_with(|| {
            let mut r = Vec::new();
            let mut batches = 0;
            for j in k.1..=k.2 {
                for &i in by_band.get(&(k.0, j)).map_or(&[][..], Vec::as_slice) {
                    let s = all[i]
                        .subjects
                        .iter()
                        .find(|s| s.subject == k.0)
                        .expect("subject");
                    let n = s.scores.len() as f64;
                    let scale = (n / (n - 1.0)).sqrt();
                    r.extend(
                        s.scores
                            .iter()
                            .map(|x| (f64::from(x.1) / 10.0 - s.mean) * scale),
                    );
                    batches += 1;
                }
            }
            (r, batches)
        });
    }
    let resamples = f.resamples as usize;
    let seed = f.seed;
    let nulls: FxHashMap<((Subject, i32, i32), usize), SpreadNull> = needed
        .par_iter()
        .map(|&(k, n)| {
            let (pool, batches) = &pools[&k];
            let mut rng = SplitMix64::new(derive_seed(
                seed,
                &[k.0 as u64, k.1 as u64, k.2 as u64, n as u64],
            ));
            let mut draws = Vec::with_capacity(resamples);
            for _ in 0..resamples {
                let (mut sum, mut sq) = (0.0, 0.0);
                for _ in 0..n {
                    let x = pool[rng.below(pool.len())];
                    sum += x;
                    sq += x * x;
                }
                let nf = n as f64;
                draws.push(((sq - sum * sum / nf) / (nf - 1.0)).max(0.0));
            }
            let mean = draws.iter().sum::<f64>() / resamples as f64;
            let var =
                draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (resamples as f64 - 1.0);
            draws.sort_by(f64::total_cmp);
            (
                (k, n),
                SpreadNull {
                    mean,
                    var,
                    draws,
                    pool_batches: *batches,
                },
            )
        })
        .collect();

    // ---- pass rates: occupation × level and level sums, ρ by moments.
    let mut group: FxHashMap<(OccupationCode, Level), (f64, f64)> = FxHashMap::default();
    let mut level: FxHashMap<Level, (f64, f64)> = FxHashMap::default();
    for b in &all {
        let g = group.entry((b.occupation, b.level)).or_default();
        g.0 += f64::from(b.passes);
        g.1 += f64::from(b.decided);
        let l = level.entry(b.level).or_default();
        l.0 += f64::from(b.passes);
        l.1 += f64::from(b.decided);
    }
    let baseline = |b: &BatchScores| -> f64 {
        let (x, n) = (f64::from(b.passes), f64::from(b.decided));
        let l = level[&b.level];
        let mu_l = (l.0 - x + 1.0) / (l.1 - n + 2.0);
        let g = group[&(b.occupation, b.level)];
        (g.0 - x + PASS_PRIOR * mu_l) / (g.1 - n + PASS_PRIOR)
    };
    // ρ by moments, separately for small and large batches (small batches are more
    // often an unusual group); a class with few batches takes the pooled value.
    let class = |n: u32| usize::from(n >= LARGE_BATCH);
    let mut sums = [(0.0, 0.0, 0usize); 2];
    for b in all.iter().filter(|b| b.decided >= 2) {
        let mu = baseline(b).clamp(1e-3, 1.0 - 1e-3);
        let n = f64::from(b.decided);
        let v = n * mu * (1.0 - mu);
        let z2 = ((f64::from(b.passes) - n * mu).powi(2) / v).min(Z_CAP * Z_CAP);
        let c = &mut sums[class(b.decided)];
        c.0 += v * z2 - v;
        c.1 += v * (n - 1.0);
        c.2 += 1;
    }
    let fit = |num: f64, den: f64| {
        if den > 0.0 {
            (num / den).clamp(1e-3, 0.5)
        } else {
            0.05
        }
    };
    let pooled = fit(sums[0].0 + sums[1].0, sums[0].1 + sums[1].1);
    let rhos: [f64; 2] = [0, 1].map(|c| {
        if sums[c].2 >= 30 {
            fit(sums[c].0, sums[c].1)
        } else {
            pooled
        }
    });
    let rho = pooled;

    // ---- the tests per batch.
    let mut tests: Vec<BatchTests> = all
        .par_iter()
        .enumerate()
        .map(|(i, b)| {
            let mut t = BatchTests {
                pos: b.pos,
                heaping_adj: 1.0,
                spread_adj: 1.0,
                pass_rate_adj: 1.0,
                ..Default::default()
            };
            if b.present >= min_batch {
                t.heaping = heap_test(&refs, b, excluded[i], min_ref, &WINDOWS);
                // Spread.
                let mut per = Vec::new();
                for s in b.subjects.iter().filter(|s| s.scores.len() >= min_batch) {
                    let Some(k) = pool_key(s) else { continue };
                    let null = &nulls[&(k, s.scores.len())];
                    let p = scaled_chi2_lower(null.mean, null.var, s.var);
                    let below = null.draws.partition_point(|d| *d <= s.var);
                    let emp = (below as f64 + 1.0) / (null.draws.len() as f64 + 1.0);
                    per.push(SpreadRow {
                        subject: s.subject,
                        n: s.scores.len(),
                        sd: s.var.sqrt(),
                        reference_sd: null.mean.sqrt(),
                        reference_batches: null.pool_batches,
                        p,
                        p_empirical: emp,
                    });
                }
                if !per.is_empty() {
                    let pmin = per.iter().map(|x| x.p).fold(1.0, f64::min);
                    t.spread = Some(((pmin * per.len() as f64).min(1.0), per));
                }
            }
            if b.decided as usize >= min_batch {
                let mu = baseline(b).clamp(1e-3, 1.0 - 1e-3);
                let rho = rhos[class(b.decided)];
                let scale = 1.0 / rho - 1.0;
                let p = beta_binomial_upper(b.decided, b.passes, mu * scale, (1.0 - mu) * scale);
                t.pass_rate = Some((p, b.passes, b.decided, mu, rho));
            }
            t
        })
        .collect();
    let adjust = |tests: &mut Vec<BatchTests>,
                  get: &dyn Fn(&BatchTests) -> Option<f64>,
                  set: &dyn Fn(&mut BatchTests, f64)|
     -> usize {
        let idx: Vec<usize> = (0..tests.len())
            .filter(|&i| get(&tests[i]).is_some())
            .collect();
        let p: Vec<f64> = idx.iter().map(|&i| get(&tests[i]).unwrap()).collect();
        for (&i, q) in idx.iter().zip(bh_adjust(&p)) {
            set(&mut tests[i], q);
        }
        idx.len()
    };
    let heaping_tested = adjust(&mut tests, &|t| t.heaping.as_ref().map(|x| x.0), &|t, q| {
        t.heaping_adj = q
    });
    let spread_tested = adjust(&mut tests, &|t| t.spread.as_ref().map(|x| x.0), &|t, q| {
        t.spread_adj = q
    });
    let pass_rate_tested = adjust(
        &mut tests,
        &|t| t.pass_rate.as_ref().map(|x| x.0),
        &|t, q| t.pass_rate_adj = q,
    );
    Analysis {
        tests,
        rho,
        heaping_tested,
        spread_tested,
        pass_rate_tested,
    }
}

impl BatchTests {
    /// The kinds significant at the rulebook levels, most specific first.
    pub fn significant(&self, f: &domain::rulebook::Forensics) -> Vec<K> {
        let mut out = Vec::new();
        if self.heaping.is_some() && self.heaping_adj <= f.heaping_alpha {
            out.push(K::ScoreHeaping);
        }
        if self.pass_rate.is_some() && self.pass_rate_adj <= f.pass_rate_alpha {
            out.push(K::PassRateOutlier);
        }
        if self.spread.is_some() && self.spread_adj <= f.spread_alpha {
            out.push(K::LowSpread);
        }
        out
    }
}

fn heaping_json(t: &BatchTests, alpha: f64, h: f64) -> Value {
    let (p, rows) = t.heaping.as_ref().expect("heaping");
    json!({
        "test": "score_heaping.exact_binomial",
        "window_points": h,
        "statistic": rows.iter().map(|r| r.above).sum::<u32>(),
        "p_value": round_p(*p),
        "p_adjusted": round_p(t.heaping_adj),
        "threshold": alpha,
        "subjects": rows.iter().map(|r| json!({
            "subject": r.subject.code(), "above": r.above, "below": r.below,
            "reference_rate": round(r.reference.rate, 3),
            "reference_batches": r.reference.batches,
            "reference_mean_window": r.reference.window,
            "reference_same_occupation": r.reference.same_occupation,
        })).collect::<Vec<_>>(),
    })
}

fn spread_json(t: &BatchTests, alpha: f64) -> Value {
    let (p, rows) = t.spread.as_ref().expect("spread");
    json!({
        "test": "low_spread.resampled_variance",
        "statistic": rows.iter().map(|r| round(r.sd, 2)).fold(f64::INFINITY, f64::min),
        "p_value": round_p(*p),
        "p_adjusted": round_p(t.spread_adj),
        "threshold": alpha,
        "subjects": rows.iter().map(|r| json!({
            "subject": r.subject.code(), "n": r.n, "sd": round(r.sd, 2),
            "reference_sd": round(r.reference_sd, 2), "reference_batches": r.reference_batches,
            "p_value": round_p(r.p), "p_empirical": round_p(r.p_empirical)
        })).collect::<Vec<_>>(),
    })
}

fn pass_json(t: &BatchTests, alpha: f64) -> Value {
    let (p, x, n, mu, rho) = t.pass_rate.expect("pass rate");
    json!({
        "test": "pass_rate.beta_binomial",
        "statistic": x,
        "candidates": n,
        "pass_rate": round(f64::from(x) / f64::from(n.max(1)), 3),
        "baseline": round(mu, 3),
        "rho": round(rho, 4),
        "p_value": round_p(p),
        "p_adjusted": round_p(t.pass_rate_adj),
        "threshold": alpha,
    })
}

/// One finding per batch with a significant test: the most specific kind.
pub fn hits(ctx: &Ctx, an: &Analysis) -> Vec<Hit> {
    let f = &ctx.rulebook.forensics;
    let mut out = Vec::new();
    for t in &an.tests {
        let sig = t.significant(f);
        let Some(&kind) = sig.first() else { continue };
        let v = ctx.view(t.pos);
        let b = v.batch;
        let ol = occ_level(&b.occupation_code, b.level);
        let mut also = serde_json::Map::new();
        for k in &sig[1..] {
            let (name, j) = match k {
                K::PassRateOutlier => ("pass_rate", pass_json(t, f.pass_rate_alpha)),
                K::LowSpread => ("low_spread", spread_json(t, f.spread_alpha)),
                _ => (
                    "score_heaping",
                    heaping_json(t, f.heaping_alpha, f.heaping_width),
                ),
            };
            also.insert(name.into(), j);
        }
        let (message, mut evidence) = match kind {
            K::ScoreHeaping => {
                let (p, rows) = t.heaping.as_ref().expect("heaping");
                let parts: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        let pass = ctx
                            .norms
                            .pass_mark(&b.occupation_code, b.level, r.subject)
                            .value();
                        format!(
                            "{} [{}, {}) {} 人、[{}, {}) {} 人（参照上方比例 {:.2}）",
                            r.subject.zh(),
                            pass,
                            pass + f.heaping_width,
                            r.above,
                            pass - f.heaping_width,
                            pass,
                            r.below,
                            r.reference.rate
                        )
                    })
                    .collect();
                let mut e = heaping_json(t, f.heaping_alpha, f.heaping_width);
                let window: Vec<Value> = v
                    .scores
                    .iter()
                    .filter(|s| {
                        let pass = ctx
                            .norms
                            .pass_mark(&b.occupation_code, b.level, s.subject)
                            .tenths();
                        let hw = (f.heaping_width * 10.0).round() as i32;
                        (pass - hw..pass + hw).contains(&s.score.tenths())
                    })
                    .take(200)
                    .map(|s| json!({"candidate_id": s.candidate_id.to_string(), "subject": s.subject.code(), "score": s.score.value()}))
                    .collect();
                e["rows"] = Value::Array(window);
                (
                    format!(
                        "批次 {}（{}）成绩集中于合格线上方：{}；精确检验 p = {}（BH 校正 {} ≤ {}）",
                        b.batch_id,
                        ol,
                        parts.join("；"),
                        fmt_p(*p),
                        fmt_p(t.heaping_adj),
                        f.heaping_alpha
                    ),
                    e,
                )
            }
            K::PassRateOutlier => {
                let (p, x, n, mu, _) = t.pass_rate.expect("pass rate");
                let mut e = pass_json(t, f.pass_rate_alpha);
                let results: Vec<Value> = v
                    .results
                    .iter()
                    .take(200)
                    .map(|r| {
                        let scores: Vec<Value> = v
                            .scores_of(&r.candidate_id)
                            .iter()
                            .map(|s| json!({"subject": s.subject.code(), "score": s.score.value()}))
                            .collect();
                        json!({"candidate_id": r.candidate_id.to_string(), "result": r.result.code(), "scores": scores})
                    })
                    .collect();
                e["rows"] = Value::Array(results);
                (
                    format!(
                        "批次 {}（{}）合格率异常偏高：{}/{} 合格（{:.0}%），同职业同等级基准 {:.0}%；β-二项检验 p = {}（BH 校正 {} ≤ {}）",
                        b.batch_id,
                        ol,
                        x,
                        n,
                        100.0 * f64::from(x) / f64::from(n.max(1)),
                        100.0 * mu,
                        fmt_p(p),
                        fmt_p(t.pass_rate_adj),
                        f.pass_rate_alpha
                    ),
                    e,
                )
            }
            _ => {
                let (p, rows) = t.spread.as_ref().expect("spread");
                let worst = rows
                    .iter()
                    .min_by(|a, b| a.p.total_cmp(&b.p))
                    .expect("a subject");
                let mut e = spread_json(t, f.spread_alpha);
                let scores: Vec<Value> = v
                    .scores
                    .iter()
                    .filter(|s| s.subject == worst.subject)
                    .take(200)
                    .map(|s| json!({"candidate_id": s.candidate_id.to_string(), "score": s.score.value()}))
                    .collect();
                e["rows"] = Value::Array(scores);
                (
                    format!(
                        "批次 {}（{}）{}成绩离散度异常偏小：{} 人标准差 {:.1} 分，同水平批次同规模重抽样标准差约 {:.1} 分；p = {}（BH 校正 {} ≤ {}）",
                        b.batch_id,
                        ol,
                        worst.subject.zh(),
                        worst.n,
                        worst.sd,
                        worst.reference_sd,
                        fmt_p(*p),
                        fmt_p(t.spread_adj),
                        f.spread_alpha
                    ),
                    e,
                )
            }
        };
        if !also.is_empty() {
            evidence["also_significant"] = Value::Object(also);
        }
        out.push(Hit::new(kind, batch_subject(b), message, evidence));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_windows_sum_counts() {
        let s = Sorted::new(vec![
            (50.0, 0, 1.0, 2.0),
            (60.0, 1, 3.0, 4.0),
            (70.0, 2, 5.0, 6.0),
            (61.0, 3, 7.0, 8.0),
        ]);
        assert_eq!(s.window(60.0, 2.5), (2, 10.0, 12.0));
        assert_eq!(s.window(60.0, 10.0), (4, 16.0, 20.0));
        assert_eq!(s.window(100.0, 5.0), (0, 0.0, 0.0));
    }
}
