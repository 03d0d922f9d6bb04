//! 考评员评分异常: skill examiners whose candidates pass far more often than those of
//! their co-examiners, or whose marks concentrate on a few values.
//!
//! # The tests
//!
//! - **Lenient** (`cheating.lenient_examiner`): within each batch the candidates with
//!   a theory and a skill score are split into two strata by theory score (below /
//!   at or above the batch's median), so that each examiner is compared with the
//!   co-examiners of the same batch on candidates of the same theory level. Examiners
//!   differ honestly a little in severity, so the null is not "no difference" but "the
//!   odds of a pass under this examiner are at most `examiner_odds_ratio` times those
//!   under the co-examiners": given the stratum's passes, the examiner's number of
//!   passes is then (at most) Fisher's noncentral hypergeometric with that odds ratio;
//!   the strata are independent, so the total is their convolution, and
//!   p = P(X ≥ observed) exactly. Batch-level effects (a strong batch, a hard paper, a
//!   batch-wide manipulation) cancel. Only strata with candidates of other examiners
//!   count; the examiner needs `min_examiner_scores` candidates in them.
//! - **Concentrated** (`cheating.examiner_concentration`): T = the number of the
//!   examiner's skill marks on their three most frequent values, of n. The pool (every
//!   other examiner's skill marks of the same occupation) gives π, the largest share
//!   three values take there (at least 0.15), and V, the number of values in use. Each
//!   mark falls in any given triple with probability at most π, so by the union bound
//!   over the C(V, 3) triples p ≤ C(V, 3) · P(Binomial(n, π) ≥ T): conservative, and
//!   still astronomically small for an examiner who uses three marks.
//!
//! Both are corrected across examiners by Benjamini–Hochberg at `examiner_alpha`.
//! Subject: the examiner at the institution of the batches (institution + person).

use super::stats::{
    bh_adjust, binomial_upper, convolve, fisher_noncentral_pmf, ln_choose, pmf_upper,
};
use super::{fmt_p, round, round_p};
use crate::context::Ctx;
use crate::engine::Detector;
use crate::finding::{Hit, person_subject};
use domain::OccupationCode;
use domain::enums::Subject;
use domain::finding::FindingKind as K;
use domain::ids::{InstitutionId, PersonId};
use domain::model::Table;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::json;
use std::collections::BTreeMap;

/// The detector of lenient and concentrated examiners.
pub struct Examiners;

/// The instance registered in [`super::detectors`].
pub static DETECTOR: Examiners = Examiners;

impl Detector for Examiners {
    fn id(&self) -> &'static str {
        "forensics.examiners"
    }
    fn kinds(&self) -> &'static [K] {
        &[K::LenientExaminer, K::ExaminerScoreConcentration]
    }
    fn needs(&self) -> &'static [Table] {
        &[Table::Batches, Table::Scores]
    }
    fn regulation(&self) -> &'static str {
        "指引第11项：评价结果不真实（第十四条(四)）；考评人员违规（湖北省规程第九条：考评人员不按评分标准评分、故意放宽评分的）。考评员评定的合格率远高于同批次其他考评员、或分数集中于少数分值，是人为调整成绩的统计证据。"
    }
    fn run(&self, ctx: &Ctx) -> Vec<Hit> {
        hits(ctx, &analyse(ctx))
    }
}

/// The least share three values are assumed to take in the pool.
const PI_FLOOR: f64 = 0.15;

type Key<'a> = (&'a InstitutionId, &'a PersonId);

/// One stratum of one examiner: (stratum size, stratum passes, examiner's candidates,
/// examiner's passes, batch position).
type Stratum = (u32, u32, u32, u32, u32);

/// The lenient test of one examiner.
#[derive(Debug, Clone, PartialEq)]
pub struct Lenient {
    pub candidates: u32,
    pub passes: u32,
    pub expected: f64,
    pub strata: usize,
    pub p: f64,
    pub adjusted: f64,
    /// Per batch: (batch position, candidates, passes, co-examiners' candidates,
    /// co-examiners' passes).
    pub batches: Vec<(u32, u32, u32, u32, u32)>,
}

/// The concentration test of one examiner.
#[derive(Debug, Clone, PartialEq)]
pub struct Concentration {
    pub n: u32,
    pub top: u32,
    /// The three most frequent marks (tenths) with their counts.
    pub values: Vec<(i32, u32)>,
    pub pi: f64,
    pub values_in_use: u32,
    pub p: f64,
    pub adjusted: f64,
}

/// One examiner's tests.
#[derive(Debug, Clone, PartialEq)]
pub struct ExaminerTests {
    pub institution_id: InstitutionId,
    pub person_id: PersonId,
    pub lenient: Option<Lenient>,
    pub concentration: Option<Concentration>,
}

/// Every examiner's tests, sorted by institution and person.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub examiners: Vec<ExaminerTests>,
    pub lenient_tested: usize,
    pub concentration_tested: usize,
}

/// Runs both tests on every examiner.
pub fn analyse(ctx: &Ctx) -> Analysis {
    let f = &ctx.rulebook.forensics;
    let min = f.min_examiner_scores;
    // Per batch: the strata of every examiner, and every skill mark with its grader.
    type PerBatch<'a> = (Vec<(Key<'a>, Stratum)>, Vec<(Key<'a>, i32)>);
    let per_batch: Vec<PerBatch> = ctx
        .views
        .par_iter()
        .map(|v| {
            let b = v.batch;
            let pass = ctx
                .norms
                .pass_mark(&b.occupation_code, b.level, Subject::Skill)
                .tenths();
            let mut marks = Vec::new();
            // (theory, skill pass, grader) per candidate with both.
            let mut cands: Vec<(i32, bool, &PersonId)> = Vec::new();
            for g in v.scores.chunk_by(|x, y| x.candidate_id == y.candidate_id) {
                let theory = g
                    .iter()
                    .find(|s| s.subject == Subject::Theory && s.score.in_range());
                let skill = g
                    .iter()
                    .find(|s| s.subject == Subject::Skill && s.score.in_range());
                if let Some(s) = skill
                    && let Some(by) = &s.graded_by
                {
                    marks.push(((&b.institution_id, by), s.score.tenths()));
                    if let Some(t) = theory {
                        cands.push((t.score.tenths(), s.score.tenths() >= pass, by));
                    }
                }
            }
            let mut strata = Vec::new();
            if cands.len() >= 2 {
                let mut th: Vec<i32> = cands.iter().map(|c| c.0).collect();
                th.sort_unstable();
                let median = th[th.len() / 2];
                for upper in [false, true] {
                    let members: Vec<&(i32, bool, &PersonId)> =
                        cands.iter().filter(|c| (c.0 >= median) == upper).collect();
                    let n = members.len() as u32;
                    let k = members.iter().filter(|c| c.1).count() as u32;
                    let mut by: BTreeMap<&PersonId, (u32, u32)> = BTreeMap::new();
                    for c in &members {
                        let e = by.entry(c.2).or_default();
                        e.0 += 1;
                        e.1 += u32::from(c.1);
                    }
                    for (p, (ne, xe)) in by {
                        if ne < n {
                            strata.push(((&b.institution_id, p), (n, k, ne, xe, v.pos as u32)));
                        }
                    }
                }
            }
            (strata, marks)
        })
        .collect();
    let mut strata: FxHashMap<Key, Vec<Stratum>> = FxHashMap::default();
    let mut marks: FxHashMap<Key, Vec<i32>> = FxHashMap::default();
    let mut occupation: FxHashMap<Key, OccupationCode> = FxHashMap::default();
    // The pool per occupation: counts of every mark, and who gave them.
    let mut pool: FxHashMap<OccupationCode, FxHashMap<i32, u32>> = FxHashMap::default();
    for (i, (s, m)) in per_batch.into_iter().enumerate() {
        let occ = ctx.t.batches[i].occupation_code;
        for (k, st) in s {
            strata.entry(k).or_default().push(st);
        }
        for (k, v) in m {
            marks.entry(k).or_default().push(v);
            occupation.entry(k).or_insert(occ);
            *pool.entry(occ).or_default().entry(v).or_default() += 1;
        }
    }
    let mut keys: Vec<Key> = marks
        .keys()
        .copied()
        .chain(strata.keys().copied())
        .collect();
    keys.sort();
    keys.dedup();
    let mut examiners: Vec<ExaminerTests> = keys
        .par_iter()
        .map(|k| {
            let lenient = strata.get(k).and_then(|st| {
                let candidates: u32 = st.iter().map(|s| s.2).sum();
                if candidates < min {
                    return None;
                }
                let passes: u32 = st.iter().map(|s| s.3).sum();
                let expected: f64 = st
                    .iter()
                    .map(|s| f64::from(s.2) * f64::from(s.1) / f64::from(s.0))
                    .sum();
                let dists: Vec<Vec<f64>> = st
                    .iter()
                    .map(|s| fisher_noncentral_pmf(s.0, s.1, s.2, f.examiner_odds_ratio))
                    .collect();
                let p = pmf_upper(&convolve(&dists), passes as usize);
                let mut batches: BTreeMap<u32, (u32, u32, u32, u32)> = BTreeMap::new();
                for s in st {
                    let e = batches.entry(s.4).or_default();
                    e.0 += s.2;
                    e.1 += s.3;
                    e.2 += s.0 - s.2;
                    e.3 += s.1 - s.3;
                }
                Some(Lenient {
                    candidates,
                    passes,
                    expected,
                    strata: st.len(),
                    p,
                    adjusted: 1.0,
                    batches: batches
                        .into_iter()
                        .map(|(b, e)| (b, e.0, e.1, e.2, e.3))
                        .collect(),
                })
            });
            let concentration = marks.get(k).and_then(|m| {
                let n = m.len() as u32;
                if n < min {
                    return None;
                }
                let mut own: BTreeMap<i32, u32> = BTreeMap::new();
                for v in m {
                    *own.entry(*v).or_default() += 1;
                }
                let mut top: Vec<(i32, u32)> = own.iter().map(|(v, c)| (*v, *c)).collect();
                top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                top.truncate(3);
                let t: u32 = top.iter().map(|x| x.1).sum();
                // The pool without this examiner's marks.
                let all = &pool[&occupation[k]];
                let mut others: Vec<u32> = all
                    .iter()
                    .map(|(v, c)| c - own.get(v).copied().unwrap_or(0))
                    .filter(|c| *c > 0)
                    .collect();
                let total: u32 = others.iter().sum();
                others.sort_unstable_by(|a, b| b.cmp(a));
                let pi = if total == 0 {
                    1.0
                } else {
                    (f64::from(others.iter().take(3).sum::<u32>()) / f64::from(total)).max(PI_FLOOR)
                };
                let values_in_use = all.len().max(3) as u32;
                let ln_triples = ln_choose(f64::from(values_in_use), 3.0);
                let tail = binomial_upper(n, t, pi);
                let p = if tail == 0.0 {
                    0.0
                } else {
                    (ln_triples + tail.ln()).exp().min(1.0)
                };
                Some(Concentration {
                    n,
                    top: t,
                    values: top,
                    pi,
                    values_in_use,
                    p,
                    adjusted: 1.0,
                })
            });
            ExaminerTests {
                institution_id: k.0.clone(),
                person_id: k.1.clone(),
                lenient,
                concentration,
            }
        })
        .collect();
    let idx: Vec<usize> = (0..examiners.len())
        .filter(|&i| examiners[i].lenient.is_some())
        .collect();
    let p: Vec<f64> = idx
        .iter()
        .map(|&i| examiners[i].lenient.as_ref().unwrap().p)
        .collect();
    for (&i, q) in idx.iter().zip(bh_adjust(&p)) {
        examiners[i].lenient.as_mut().unwrap().adjusted = q;
    }
    let lenient_tested = idx.len();
    let idx: Vec<usize> = (0..examiners.len())
        .filter(|&i| examiners[i].concentration.is_some())
        .collect();
    let p: Vec<f64> = idx
        .iter()
        .map(|&i| examiners[i].concentration.as_ref().unwrap().p)
        .collect();
    for (&i, q) in idx.iter().zip(bh_adjust(&p)) {
        examiners[i].concentration.as_mut().unwrap().adjusted = q;
    }
    Analysis {
        examiners,
        lenient_tested,
        concentration_tested: idx.len(),
    }
}

/// Findings: one per examiner and significant test.
pub fn hits(ctx: &Ctx, an: &Analysis) -> Vec<Hit> {
    let alpha = ctx.rulebook.forensics.examiner_alpha;
    let mut out = Vec::new();
    for e in &an.examiners {
        let subject = person_subject(&e.institution_id, &e.person_id);
        if let Some(l) = e.lenient.as_ref().filter(|l| l.adjusted <= alpha) {
            let rows: Vec<_> = l
                .batches
                .iter()
                .map(|(b, n, x, on, ox)| {
                    json!({
                        "batch_id": ctx.t.batches[*b as usize].batch_id.to_string(),
                        "candidates": n, "skill_passes": x,
                        "co_examiner_candidates": on, "co_examiner_skill_passes": ox,
                    })
                })
                .collect();
            out.push(Hit::new(
                K::LenientExaminer,
                subject.clone(),
                format!(
                    "考评员 {}（机构 {}）评分异常宽松：在 {} 个批次评定的 {} 名考生中操作技能合格 {} 人，按同批次、同理论分段其他考评员的合格率应约 {:.1} 人；分层精确检验（容许合格优势比 {}）p = {}（BH 校正 {} ≤ {}）",
                    e.person_id,
                    e.institution_id,
                    l.batches.len(),
                    l.candidates,
                    l.passes,
                    l.expected,
                    ctx.rulebook.forensics.examiner_odds_ratio,
                    fmt_p(l.p),
                    fmt_p(l.adjusted),
                    alpha
                ),
                json!({
                    "test": "lenient_examiner.stratified_noncentral_hypergeometric",
                    "null_odds_ratio": ctx.rulebook.forensics.examiner_odds_ratio,
                    "statistic": l.passes,
                    "candidates": l.candidates,
                    "expected": round(l.expected, 2),
                    "strata": l.strata,
                    "p_value": round_p(l.p),
                    "p_adjusted": round_p(l.adjusted),
                    "threshold": alpha,
                    "rows": rows,
                }),
            ));
        }
        if let Some(c) = e.concentration.as_ref().filter(|c| c.adjusted <= alpha) {
            let values: Vec<String> = c
                .values
                .iter()
                .map(|(v, _)| domain::Score::from_tenths(*v).to_string())
                .collect();
            out.push(Hit::new(
                K::ExaminerScoreConcentration,
                subject,
                format!(
                    "考评员 {}（机构 {}）评分过度集中：{} 个操作技能分数中 {} 个（{:.0}%）为 {}；同职业其他考评员最常见的三个分值合计约占 {:.0}%（共用 {} 个分值）；p ≤ {}（BH 校正 {} ≤ {}）",
                    e.person_id,
                    e.institution_id,
                    c.n,
                    c.top,
                    100.0 * f64::from(c.top) / f64::from(c.n),
                    values.join("、"),
                    100.0 * c.pi,
                    c.values_in_use,
                    fmt_p(c.p),
                    fmt_p(c.adjusted),
                    alpha
                ),
                json!({
                    "test": "examiner_concentration.top3_union_bound",
                    "statistic": c.top,
                    "marks": c.n,
                    "pool_top3_share": round(c.pi, 3),
                    "values_in_use": c.values_in_use,
                    "p_value": round_p(c.p),
                    "p_adjusted": round_p(c.adjusted),
                    "threshold": alpha,
                    "rows": c.values.iter().map(|(v, n)| json!({"score": f64::from(*v) / 10.0, "count": n})).collect::<Vec<_>>(),
                }),
            ));
        }
    }
    out
}
