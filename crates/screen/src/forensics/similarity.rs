//! 作答雷同: pairs of candidates of one theory session whose answer strings share far
//! more identical wrong answers than independent work allows.
//!
//! # The test
//!
//! For every pair (a, b) of one session (the takers of one paper in one batch) the
//! statistic is k, the number of items on which both chose the same wrong option
//! (blanks and the key never count; identical answers overall are reported too).
//! Under the null of independent work, item i is a shared wrong answer with
//! probability
//!
//! p_i = Σ_d P_a(i, d) · P_b(i, d),  P_x(i, d) = q_xi · s_xi(d),
//!
//! where q_xi is x's probability of choosing some wrong option on item i and s_xi(d)
//! the share of distractor d among wrong answers, both estimated from the paper's
//! *other* takers: the paper's takers are cut into score bands of at least
//! `copying_band_takers`; q is the band's wrong rate on the item (shrunk towards the
//! paper's with 10 pseudo-takers), shifted on the logit scale so that x's expected
//! number of wrong answers equals x's actual number; s is the band's distractor share
//! (shrunk towards the paper's with 10 pseudo-answers). "Other" means: the takers of
//! the paper's other sessions when they are at least `copying_band_takers` (so that a
//! cluster cannot mask itself), else every taker but the pair. A cluster also inflates
//! the shares it is tested against through its other members, so in a second pass the
//! takers of pairs already below 1e-3 are left out of the null of every pair among
//! them.
//!
//! k is then a sum of independent Bernoulli(p_i): Poisson-binomial, whose upper tail
//! is computed exactly by dynamic programming. That tail ignores that each
//! candidate's number of wrong answers is known (the null fitted to it), which makes
//! it conservative by orders of magnitude in the far tail; where it is below 1e-3 (but
//! not already decisive) the deciding p-value is the exact tail *given both
//! candidates' numbers of wrong answers* (a conditional-Bernoulli dynamic programme
//! over items, wrong answers of a, of b and coincidences,
//! [`stats::shared_tail_given_totals`](super::stats::shared_tail_given_totals)). A
//! pair is flagged when its p-value is at most `copying_alpha / N`, N being the number
//! of pairs screened in the whole dataset (Bonferroni: the chance of any false alarm
//! in the dataset is at most `copying_alpha`, times 1.001 for the decisive shortcut),
//! and it shares at least `copying_min_shared` wrong answers. Flagged pairs of a
//! session are joined into clusters (connected components): one finding per batch,
//! every cluster and pair in its evidence.
//!
//! # Cost
//!
//! Per paper O(T · L · W) to count and profile its T takers (L items, W ≤ 8 options);
//! per session of n takers O(n² · L · W) for the pairs, with no allocation in the pair
//! loop: answers are byte codes, each taker's null profile a precomputed `f32` vector,
//! and only pairs past a cheap screen (k ≥ 2 and k at least two standard deviations
//! above its expectation) get the exact tail; only those below 1e-2 are examined
//! further and only those below 1e-3 get the conditional tail (O(L · W_a · W_b · k),
//! a few milliseconds). The work grows with the sum of squared session sizes
//! (scale 20: 2.6 million pairs in 1.6 s; scale 200: ≈ 26 million pairs, seconds to
//! tens of seconds on two cores); sessions of a few hundred are fine, a session of n
//! costs n²/2 pair screens. Papers run in parallel.

use super::stats::{
    logistic, logit, logit_shift, poisson_binomial_upper, shared_tail_given_totals,
};
use super::{fmt_p, round, round_p};
use crate::context::Ctx;
use crate::engine::Detector;
use crate::finding::{Hit, batch_subject};
use domain::finding::FindingKind as K;
use domain::ids::PaperId;
use domain::model::{Answer, Table};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::{Value, json};

/// The detector of `cheating.answer_copying`.
pub struct AnswerSimilarity;

/// The instance registered in [`super::detectors`].
pub static DETECTOR: AnswerSimilarity = AnswerSimilarity;

impl Detector for AnswerSimilarity {
    fn id(&self) -> &'static str {
        "forensics.answer_similarity"
    }
    fn kinds(&self) -> &'static [K] {
        &[K::AnswerCopying]
    }
    fn needs(&self) -> &'static [Table] {
        &[Table::Batches, Table::Answers, Table::Papers]
    }
    fn regulation(&self) -> &'static str {
        "指引第11项：考场有组织舞弊（第十四条(四)：考场秩序混乱，有组织舞弊的）。同一考场多名考生作答高度雷同（相同错误答案远超独立作答可能），是有组织传递答案的统计证据。"
    }
    fn run(&self, ctx: &Ctx) -> Vec<Hit> {
        hits(ctx, &analyse(ctx, &Params::from_ctx(ctx)))
    }
}

/// Blank, unreadable, or an option beyond the paper's alphabet.
const BLANK: u8 = 0xFF;
/// Options per item at most (the paper's alphabet of answer symbols).
const MAX_OPTIONS: usize = 8;
/// Pseudo-takers shrinking a band's wrong rate towards the paper's.
const KAPPA_Q: f64 = 10.0;
/// Pseudo-answers shrinking a band's distractor shares towards the paper's.
const KAPPA_S: f64 = 10.0;
/// Pairs whose screening tail is above this are not recomputed leave-two-out.
const PREFILTER: f64 = 1e-2;
/// Pairs at or below this tail make their takers suspects, left out of the null of
/// the pairs among suspects (second pass).
const SUSPECT: f64 = 1e-3;
/// Pairs with a Poisson-binomial tail at or below this get the conditional tail.
pub const CONDITIONAL_BELOW: f64 = 1e-3;
/// A Poisson-binomial tail below `DECISIVE` times the threshold decides alone (the
/// conditional tail would not change the outcome; the family-wise bound becomes
/// α (1 + DECISIVE)).
const DECISIVE: f64 = 1e-3;
/// Tail levels counted for calibration: 10^-2 … 10^-10.
pub const TAIL_LEVELS: usize = 9;

/// The thresholds of the test.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Family-wise false-alarm rate over all pairs (Bonferroni).
    pub alpha: f64,
    /// A flagged pair shares at least this many wrong answers.
    pub min_shared: u32,
    /// Takers per score band, at least.
    pub band_takers: u32,
    /// Pairs whose Poisson-binomial tail is at or below this also get the tail
    /// conditional on both candidates' numbers of wrong answers (which then decides).
    pub conditional_below: f64,
    /// Pairs whose screening tail is above this are not examined further.
    pub screen_below: f64,
}

impl Params {
    /// From the rulebook.
    pub fn from_ctx(ctx: &Ctx) -> Params {
        let f = &ctx.rulebook.forensics;
        Params {
            alpha: f.copying_alpha,
            min_shared: f.copying_min_shared,
            band_takers: f.copying_band_takers,
            conditional_below: CONDITIONAL_BELOW,
            screen_below: PREFILTER,
        }
    }
}

/// A pair past the Bonferroni bound.
#[derive(Debug, Clone, PartialEq)]
pub struct FlaggedPair {
    /// Batch position.
    pub batch: u32,
    /// Rows of the answers table.
    pub a: u32,
    pub b: u32,
    /// Identical wrong answers (the statistic).
    pub shared_wrong: u32,
    /// Identical non-blank answers, right or wrong.
    pub identical: u32,
    /// Expected identical wrong answers under independent work.
    pub expected: f64,
    /// Exact upper tail P(K ≥ shared_wrong) given both candidates' numbers of wrong
    /// answers (the p-value that decides).
    pub p: f64,
    /// The unconditional Poisson-binomial tail.
    pub p_unconditional: f64,
    /// The items (1-based) of the identical wrong answers.
    pub items: Vec<u16>,
}

/// What the screening of all pairs found.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Pairs screened (the Bonferroni count).
    pub pairs: u64,
    /// Sessions (batch × paper) with at least two takers.
    pub sessions: u64,
    /// `alpha / pairs`.
    pub threshold: f64,
    pub alpha: f64,
    pub min_shared: u32,
    /// Flagged pairs, by batch, then rows.
    pub flagged: Vec<FlaggedPair>,
    /// Pairs whose deciding tail is at most 10^-(j+2), j = 0..TAIL_LEVELS (calibration).
    pub tail_counts: [u64; TAIL_LEVELS],
    /// The same for the unconditional Poisson-binomial tail.
    pub tail_counts_unconditional: [u64; TAIL_LEVELS],
}

/// The counts the null is estimated from (some takers may be left out).
#[derive(Clone)]
struct Counts {
    n: f64,
    band_n: Vec<f64>,
    /// [band][item]
    band_wrong: Vec<f64>,
    /// [band][option][item]
    band_opt: Vec<f64>,
    /// [item]
    tot_wrong: Vec<f64>,
    /// [option][item]
    tot_opt: Vec<f64>,
}

/// One paper's takers as byte codes, with the counts over all of them.
struct PaperData {
    /// Items and options.
    l: usize,
    w: usize,
    /// Key code per item (BLANK: no usable key, the item is left out).
    key: Vec<u8>,
    /// Taker-major codes.
    codes: Vec<u8>,
    /// Wrong answers per taker.
    nwrong: Vec<u32>,
    band: Vec<u8>,
    all: Counts,
    /// Distractors ever chosen, per item.
    ndis: Vec<f64>,
}

impl PaperData {
    fn new(key_text: &[u8], rows: &[&Answer], band_takers: u32) -> PaperData {
        let l = key_text.len();
        // The alphabet: answer symbols (ASCII letters and digits, case-folded) seen in
        // the key and the responses, at most MAX_OPTIONS, in byte order.
        let mut seen = [false; 256];
        let norm = |c: u8| c.to_ascii_uppercase();
        for &c in key_text {
            if c.is_ascii_alphanumeric() {
                seen[norm(c) as usize] = true;
            }
        }
        for r in rows {
            for &c in r.responses.as_bytes() {
                if c.is_ascii_alphanumeric() {
                    seen[norm(c) as usize] = true;
                }
            }
        }
        let mut table = [BLANK; 256];
        let mut w = 0usize;
        for (c, s) in seen.iter().enumerate() {
            if *s && w < MAX_OPTIONS {
                table[c] = w as u8;
                w += 1;
            }
        }
        let code = |c: u8| {
            if c.is_ascii_alphanumeric() {
                table[norm(c) as usize]
            } else {
                BLANK
            }
        };
        let w = w.max(1);
        let key: Vec<u8> = key_text.iter().map(|&c| code(c)).collect();
        let t = rows.len();
        let mut codes = Vec::with_capacity(t * l);
        let mut correct = Vec::with_capacity(t);
        let mut nwrong = Vec::with_capacity(t);
        for r in rows {
            let mut c = 0u32;
            let mut wr = 0u32;
            for (i, &ch) in r.responses.as_bytes().iter().enumerate() {
                let x = code(ch);
                codes.push(x);
                if key[i] != BLANK && x != BLANK {
                    if x == key[i] {
                        c += 1;
                    } else {
                        wr += 1;
                    }
                }
            }
            correct.push(c);
            nwrong.push(wr);
        }
        // Score bands by rank of the number correct (ties by row order).
        let nb = (t / band_takers.max(1) as usize).clamp(1, 10);
        let mut order: Vec<usize> = (0..t).collect();
        order.sort_by_key(|&i| (correct[i], i));
        let mut band = vec![0u8; t];
        for (rank, &i) in order.iter().enumerate() {
            band[i] = (rank * nb / t.max(1)) as u8;
        }
        let mut pd = PaperData {
            l,
            w,
            key,
            codes,
            nwrong,
            band,
            all: Counts {
                n: 0.0,
                band_n: vec![0.0; nb],
                band_wrong: vec![0.0; nb * l],
                band_opt: vec![0.0; nb * w * l],
                tot_wrong: vec![0.0; l],
                tot_opt: vec![0.0; w * l],
            },
            ndis: Vec::new(),
        };
        let mut all = pd.all.clone();
        for x in 0..t {
            pd.count(&mut all, x, 1.0);
        }
        pd.ndis = (0..l)
            .map(|i| {
                (0..w)
                    .filter(|&o| all.tot_opt[o * l + i] > 0.0)
                    .count()
                    .max(1) as f64
            })
            .collect();
        pd.all = all;
        pd
    }

    /// Adds (`sign` = 1) or removes (−1) taker `x` in `c`.
    fn count(&self, c: &mut Counts, x: usize, sign: f64) {
        let (l, w) = (self.l, self.w);
        let b = self.band[x] as usize;
        c.n += sign;
        c.band_n[b] += sign;
        for i in 0..l {
            let o = self.code(x, i);
            if o != BLANK && self.key[i] != BLANK && o != self.key[i] {
                c.band_wrong[b * l + i] += sign;
                c.band_opt[(b * w + o as usize) * l + i] += sign;
                c.tot_wrong[i] += sign;
                c.tot_opt[o as usize * l + i] += sign;
            }
        }
    }

    /// The counts without the takers `out`.
    fn without(&self, out: &[usize]) -> Counts {
        let mut c = self.all.clone();
        for &x in out {
            self.count(&mut c, x, -1.0);
        }
        c
    }

    fn code(&self, x: usize, i: usize) -> u8 {
        self.codes[x * self.l + i]
    }

    fn wrong(&self, x: usize, i: usize) -> bool {
        let c = self.code(x, i);
        c != BLANK && self.key[i] != BLANK && c != self.key[i]
    }

    /// Taker `x`'s null profile P_x(i, d) (option-major, `w × l`), estimated from
    /// `counts` with the takers `excl` also left out (`x` must be out of one or the
    /// other). `ell` is scratch.
    fn profile(&self, c: &Counts, x: usize, excl: &[usize], out: &mut [f32], ell: &mut Vec<f64>) {
        let (l, w) = (self.l, self.w);
        let b = self.band[x] as usize;
        let nb_ex = excl.iter().filter(|&&e| self.band[e] as usize == b).count() as f64;
        ell.clear();
        let mut keyed = Vec::with_capacity(l);
        for i in 0..l {
            if self.key[i] == BLANK {
                continue;
            }
            let mut wb = c.band_wrong[b * l + i];
            let mut wt = c.tot_wrong[i];
            for &e in excl {
                if self.wrong(e, i) {
                    wt -= 1.0;
                    if self.band[e] as usize == b {
                        wb -= 1.0;
                    }
                }
            }
            let nb = c.band_n[b] - nb_ex;
            let nt = c.n - excl.len() as f64;
            let qp = (wt + 0.5) / (nt.max(0.0) + 1.0);
            let qb = (wb + KAPPA_Q * qp) / (nb.max(0.0) + KAPPA_Q);
            ell.push(logit(qb.clamp(1e-4, 1.0 - 1e-4)));
            keyed.push(i);
        }
        let delta = if ell.is_empty() {
            0.0
        } else {
            logit_shift(ell, f64::from(self.nwrong[x]))
        };
        out.iter_mut().for_each(|v| *v = 0.0);
        for (j, &i) in keyed.iter().enumerate() {
            let q = logistic(ell[j] + delta);
            let key = self.key[i] as usize;
            let mut wb = c.band_wrong[b * l + i];
            let mut wt = c.tot_wrong[i];
            for &e in excl {
                if self.wrong(e, i) {
                    wt -= 1.0;
                    if self.band[e] as usize == b {
                        wb -= 1.0;
                    }
                }
            }
            for o in 0..w {
                if o == key || self.all.tot_opt[o * l + i] == 0.0 {
                    continue;
                }
                let mut ob = c.band_opt[(b * w + o) * l + i];
                let mut ot = c.tot_opt[o * l + i];
                for &e in excl {
                    if self.code(e, i) as usize == o {
                        ot -= 1.0;
                        if self.band[e] as usize == b {
                            ob -= 1.0;
                        }
                    }
                }
                let sp = (ot + 0.5) / (wt + 0.5 * self.ndis[i]);
                let s = (ob + KAPPA_S * sp) / (wb + KAPPA_S);
                out[o * l + i] = (q * s) as f32;
            }
        }
    }
}

/// p_i of a pair from two profiles, with λ = Σ p_i and v = Σ p_i (1 − p_i).
fn pair_probs(pa: &[f32], pb: &[f32], l: usize, w: usize, p: &mut [f32]) -> (f64, f64) {
    p.iter_mut().for_each(|v| *v = 0.0);
    for o in 0..w {
        let xa = &pa[o * l..(o + 1) * l];
        let xb = &pb[o * l..(o + 1) * l];
        for ((pi, a), b) in p.iter_mut().zip(xa).zip(xb) {
            *pi += a * b;
        }
    }
    let mut lambda = 0.0f32;
    let mut var = 0.0f32;
    for &pi in p.iter() {
        lambda += pi;
        var += pi * (1.0 - pi);
    }
    (f64::from(lambda), f64::from(var))
}

/// Screens every pair of every session.
pub fn analyse(ctx: &Ctx, params: &Params) -> Analysis {
    let t = ctx.t;
    let mut keys: FxHashMap<&PaperId, &[u8]> = FxHashMap::default();
    for p in &t.papers {
        keys.entry(&p.paper_id)
            .or_insert_with(|| p.answer_key.as_bytes());
    }
    // Answers by paper, with their batch position (u32::MAX: unknown batch).
    let mut by_paper: FxHashMap<&PaperId, Vec<(u32, u32)>> = FxHashMap::default();
    for (row, a) in t.answers.iter().enumerate() {
        let Some(key) = keys.get(&a.paper_id) else {
            continue;
        };
        if a.responses.len() != key.len() || key.is_empty() {
            continue;
        }
        let batch = ctx.ix.batch_pos(&a.batch_id).map_or(u32::MAX, |b| b as u32);
        by_paper
            .entry(&a.paper_id)
            .or_default()
            .push((batch, row as u32));
    }
    let mut papers: Vec<(&PaperId, Vec<(u32, u32)>)> = by_paper.into_iter().collect();
    papers.sort_by(|a, b| a.0.cmp(b.0));
    // Sessions: (batch, rows) with one row per candidate.
    let sessions: Vec<Vec<(u32, Vec<u32>)>> = papers
        .par_iter_mut()
        .map(|(_, rows)| {
            rows.sort_by(|x, y| {
                (x.0, t.answers[x.1 as usize].candidate_id, x.1).cmp(&(
                    y.0,
                    t.answers[y.1 as usize].candidate_id,
                    y.1,
                ))
            });
            let mut out: Vec<(u32, Vec<u32>)> = Vec::new();
            let mut last: Option<(u32, domain::IdNumber)> = None;
            for &(b, r) in rows.iter() {
                let c = t.answers[r as usize].candidate_id;
                if last == Some((b, c)) {
                    continue;
                }
                last = Some((b, c));
                if b == u32::MAX {
                    continue;
                }
                match out.last_mut() {
                    Some((ob, v)) if *ob == b => v.push(r),
                    _ => out.push((b, vec![r])),
                }
            }
            out.retain(|(_, v)| v.len() >= 2);
            out
        })
        .collect();
    let pairs: u64 = sessions
        .iter()
        .flatten()
        .map(|(_, v)| (v.len() as u64) * (v.len() as u64 - 1) / 2)
        .sum();
    let n_sessions: u64 = sessions.iter().map(|s| s.len() as u64).sum();
    let threshold = if pairs == 0 {
        0.0
    } else {
        params.alpha / pairs as f64
    };
    type PaperResult = (Vec<FlaggedPair>, [u64; TAIL_LEVELS], [u64; TAIL_LEVELS]);
    let results: Vec<PaperResult> = papers
        .par_iter()
        .zip(sessions.par_iter())
        .filter(|(_, s)| !s.is_empty())
        .map(|((id, rows), sess)| screen_paper(t, keys[id], rows, sess, params, threshold))
        .collect();
    let mut flagged = Vec::new();
    let mut tail_counts = [0u64; TAIL_LEVELS];
    let mut tail_counts_unconditional = [0u64; TAIL_LEVELS];
    for (f, c, u) in results {
        flagged.extend(f);
        for (a, b) in tail_counts.iter_mut().zip(c) {
            *a += b;
        }
        for (a, b) in tail_counts_unconditional.iter_mut().zip(u) {
            *a += b;
        }
    }
    flagged.sort_by_key(|f| (f.batch, f.a, f.b));
    Analysis {
        pairs,
        sessions: n_sessions,
        threshold,
        alpha: params.alpha,
        min_shared: params.min_shared,
        flagged,
        tail_counts,
        tail_counts_unconditional,
    }
}

/// All pairs of the sessions of one paper.
fn screen_paper(
    t: &domain::model::Tables,
    key: &[u8],
    rows: &[(u32, u32)],
    sessions: &[(u32, Vec<u32>)],
    params: &Params,
    threshold: f64,
) -> (Vec<FlaggedPair>, [u64; TAIL_LEVELS], [u64; TAIL_LEVELS]) {
    // Every taker of the paper (first row per batch and candidate; unknown batches too)
    // informs the null; the takers of sessions are screened.
    let mut takers: Vec<u32> = Vec::with_capacity(rows.len());
    let mut last = None;
    for &(b, r) in rows {
        let c = t.answers[r as usize].candidate_id;
        if last != Some((b, c)) {
            takers.push(r);
            last = Some((b, c));
        }
    }
    let answer_rows: Vec<&Answer> = takers.iter().map(|&r| &t.answers[r as usize]).collect();
    let pos: FxHashMap<u32, usize> = takers.iter().enumerate().map(|(i, &r)| (r, i)).collect();
    let pd = PaperData::new(key, &answer_rows, params.band_takers);
    let (l, w) = (pd.l, pd.w);
    let mut ell = Vec::with_capacity(l);
    let mut tails = [0u64; TAIL_LEVELS];
    let mut tails_u = [0u64; TAIL_LEVELS];
    let mut tb = TailBuffers::new(l, w);
    let mut p = vec![0f32; l];
    let mut wrong = vec![false; l];
    let session_idx: Vec<Vec<usize>> = sessions
        .iter()
        .map(|(_, members)| members.iter().map(|r| pos[r]).collect())
        .collect();
    // The session's takers are left out of its null when the paper's other sessions
    // have enough takers (a cluster cannot then mask itself); otherwise each pair is.
    let leave_session_out =
        |idx: &[usize]| pd.all.n - idx.len() as f64 >= f64::from(params.band_takers);
    // Pass 1: every pair against the null estimated without the pair (or session).
    let mut close: Vec<Close> = Vec::new();
    for (si, idx) in session_idx.iter().enumerate() {
        let m = idx.len();
        let lso = leave_session_out(idx);
        let counts = if lso { pd.without(idx) } else { pd.all.clone() };
        let mut prof = vec![0f32; m * w * l];
        for (j, &x) in idx.iter().enumerate() {
            let excl: &[usize] = if lso { &[] } else { &[x] };
            pd.profile(
                &counts,
                x,
                excl,
                &mut prof[j * w * l..(j + 1) * w * l],
                &mut ell,
            );
        }
        for ja in 0..m {
            let xa = idx[ja];
            let ca = &pd.codes[xa * l..(xa + 1) * l];
            for (i, wi) in wrong.iter_mut().enumerate() {
                *wi = ca[i] != BLANK && pd.key[i] != BLANK && ca[i] != pd.key[i];
            }
            let pa = &prof[ja * w * l..(ja + 1) * w * l];
            for jb in ja + 1..m {
                let xb = idx[jb];
                let cb = &pd.codes[xb * l..(xb + 1) * l];
                let k: u32 = ca
                    .iter()
                    .zip(cb)
                    .zip(&wrong)
                    .map(|((x, y), w)| u32::from((x == y) & *w))
                    .sum();
                if k < 2 {
                    continue;
                }
                let pb = &prof[jb * w * l..(jb + 1) * w * l];
                let (lambda, var) = pair_probs(pa, pb, l, w, &mut p);
                let kf = f64::from(k);
                if kf <= lambda + 1.0 || kf - lambda < 2.0 * var.sqrt() {
                    continue;
                }
                tb.p64.clear();
                tb.p64.extend(p.iter().map(|&v| f64::from(v)));
                let fast = poisson_binomial_upper(&tb.p64, k as usize, &mut tb.scratch);
                if fast > params.screen_below {
                    continue;
                }
                let (t, mode) = if lso {
                    (tb.tails(&pd, pa, pb, xa, xb, k, false), Mode::Session)
                } else {
                    // Leave-two-out: the pair's own answers estimate nothing.
                    (
                        tb.tails_from(&pd, &counts, &[xa, xb], xa, xb, k, false, &mut ell),
                        Mode::Pair,
                    )
                };
                close.push(Close {
                    session: si,
                    a: xa,
                    b: xb,
                    k,
                    mode,
                    tails: t,
                });
            }
        }
    }
    // Pass 2: a cluster of copiers inflates the estimated shares of the very wrong
    // answers it shares. Takers of pairs already beyond SUSPECT are left out of the
    // null of every pair among them.
    let mut suspects: Vec<usize> = close
        .iter()
        .filter(|c| c.tails.p <= SUSPECT)
        .flat_map(|c| [c.a, c.b])
        .collect();
    suspects.sort_unstable();
    suspects.dedup();
    let is_suspect = |x: usize| suspects.binary_search(&x).is_ok();
    if suspects.len() > 2 {
        for c in close.iter_mut() {
            if is_suspect(c.a) && is_suspect(c.b) {
                c.mode = Mode::Suspects;
            }
        }
    }
    // The counts each pair's null is estimated from (the pair itself, in `Pair` mode,
    // is left out on the fly).
    let counts_for = |si: usize, mode: Mode| -> Counts {
        let idx = &session_idx[si];
        let lso = leave_session_out(idx);
        match mode {
            Mode::Session => pd.without(idx),
            Mode::Pair => pd.all.clone(),
            Mode::Suspects => {
                let mut out: Vec<usize> = suspects
                    .iter()
                    .copied()
                    .filter(|x| !(lso && idx.contains(x)))
                    .collect();
                if lso {
                    out.extend(idx.iter().copied());
                }
                pd.without(&out)
            }
        }
    };
    // Final tails: pass 2 (suspects) and, where the unconditional tail is small but not
    // decisive, the tail given both candidates' numbers of wrong answers.
    let mut cache: Option<(usize, Mode, Counts)> = None;
    for c in close.iter_mut() {
        let needs_conditional = c.tails.p_unconditional <= params.conditional_below
            && c.tails.p_unconditional > threshold * DECISIVE;
        if c.mode != Mode::Suspects && !needs_conditional {
            continue;
        }
        if cache
            .as_ref()
            .is_none_or(|(si, m, _)| *si != c.session || *m != c.mode)
        {
            cache = Some((c.session, c.mode, counts_for(c.session, c.mode)));
        }
        let counts = &cache.as_ref().expect("set above").2;
        let excl: &[usize] = if c.mode == Mode::Pair {
            &[c.a, c.b]
        } else {
            &[]
        };
        let t = tb.tails_from(&pd, counts, excl, c.a, c.b, c.k, false, &mut ell);
        let conditional = t.p_unconditional <= params.conditional_below
            && t.p_unconditional > threshold * DECISIVE;
        c.tails = if conditional {
            tb.tails_from(&pd, counts, excl, c.a, c.b, c.k, true, &mut ell)
        } else {
            t
        };
    }
    let mut flagged = Vec::new();
    for c in &close {
        for (j, n) in tails.iter_mut().enumerate() {
            if c.tails.p <= 10f64.powi(-(j as i32 + 2)) {
                *n += 1;
            }
        }
        for (j, n) in tails_u.iter_mut().enumerate() {
            if c.tails.p_unconditional <= 10f64.powi(-(j as i32 + 2)) {
                *n += 1;
            }
        }
        if c.tails.p <= threshold && c.k >= params.min_shared {
            let (xa, xb) = (c.a, c.b);
            let ca = &pd.codes[xa * l..(xa + 1) * l];
            let cb = &pd.codes[xb * l..(xb + 1) * l];
            let mut identical = 0;
            let mut items = Vec::new();
            for i in 0..l {
                if ca[i] == cb[i] && ca[i] != BLANK {
                    identical += 1;
                    if pd.wrong(xa, i) {
                        items.push((i + 1) as u16);
                    }
                }
            }
            let (a, b) = (takers[xa], takers[xb]);
            flagged.push(FlaggedPair {
                batch: sessions[c.session].0,
                a: a.min(b),
                b: a.max(b),
                shared_wrong: c.k,
                identical,
                expected: c.tails.expected,
                p: c.tails.p,
                p_unconditional: c.tails.p_unconditional,
                items,
            });
        }
    }
    (flagged, tails, tails_u)
}

/// Which takers a pair's null leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The pair's whole session.
    Session,
    /// The pair.
    Pair,
    /// Every suspect of the paper (and the session, if it is left out).
    Suspects,
}

/// A pair past the screen, with its tails.
struct Close {
    session: usize,
    a: usize,
    b: usize,
    k: u32,
    mode: Mode,
    tails: Tails,
}

/// The tails of one pair.
#[derive(Debug, Clone, Copy)]
struct Tails {
    /// Expected identical wrong answers.
    expected: f64,
    /// Unconditional Poisson-binomial tail.
    p_unconditional: f64,
    /// The deciding tail: conditional on both totals when the unconditional one is
    /// small enough to matter but not decisive, else the unconditional one.
    p: f64,
}

/// Buffers of the tail computations (no allocation per pair).
struct TailBuffers {
    ea: Vec<f32>,
    eb: Vec<f32>,
    p: Vec<f32>,
    p64: Vec<f64>,
    oa: Vec<f64>,
    ob: Vec<f64>,
    sigma: Vec<f64>,
    scratch: Vec<f64>,
}

impl TailBuffers {
    fn new(l: usize, w: usize) -> TailBuffers {
        TailBuffers {
            ea: vec![0.0; w * l],
            eb: vec![0.0; w * l],
            p: vec![0.0; l],
            p64: Vec::with_capacity(l),
            oa: Vec::with_capacity(l),
            ob: Vec::with_capacity(l),
            sigma: Vec::with_capacity(l),
            scratch: Vec::new(),
        }
    }

    /// The tails of a pair under the null estimated from `c` without `excl` (which
    /// together leave both out).
    #[allow(clippy::too_many_arguments)]
    fn tails_from(
        &mut self,
        pd: &PaperData,
        c: &Counts,
        excl: &[usize],
        xa: usize,
        xb: usize,
        k: u32,
        conditional: bool,
        ell: &mut Vec<f64>,
    ) -> Tails {
        let mut ea = std::mem::take(&mut self.ea);
        let mut eb = std::mem::take(&mut self.eb);
        pd.profile(c, xa, excl, &mut ea, ell);
        pd.profile(c, xb, excl, &mut eb, ell);
        let t = self.tails(pd, &ea, &eb, xa, xb, k, conditional);
        self.ea = ea;
        self.eb = eb;
        t
    }

    /// The tails of a pair with profiles `pa`, `pb`.
    #[allow(clippy::too_many_arguments)]
    fn tails(
        &mut self,
        pd: &PaperData,
        pa: &[f32],
        pb: &[f32],
        xa: usize,
        xb: usize,
        k: u32,
        conditional: bool,
    ) -> Tails {
        let (l, w) = (pd.l, pd.w);
        let (expected, _) = pair_probs(pa, pb, l, w, &mut self.p);
        self.p64.clear();
        self.p64.extend(self.p.iter().map(|&v| f64::from(v)));
        let unconditional = poisson_binomial_upper(&self.p64, k as usize, &mut self.scratch);
        let mut p = unconditional;
        if conditional {
            // Given each candidate's number of wrong answers: odds of a wrong answer
            // per item, and the chance two wrong answers coincide.
            self.oa.clear();
            self.ob.clear();
            self.sigma.clear();
            for i in (0..l).filter(|&i| pd.key[i] != BLANK) {
                let qa: f64 = (0..w).map(|o| f64::from(pa[o * l + i])).sum();
                let qb: f64 = (0..w).map(|o| f64::from(pb[o * l + i])).sum();
                let both = f64::from(self.p[i]);
                let qa = qa.clamp(1e-9, 1.0 - 1e-9);
                let qb = qb.clamp(1e-9, 1.0 - 1e-9);
                self.oa.push(qa / (1.0 - qa));
                self.ob.push(qb / (1.0 - qb));
                self.sigma.push((both / (qa * qb)).clamp(0.0, 1.0));
            }
            p = shared_tail_given_totals(
                &self.oa,
                &self.ob,
                &self.sigma,
                pd.nwrong[xa] as usize,
                pd.nwrong[xb] as usize,
                k as usize,
                &mut self.scratch,
            );
        }
        Tails {
            expected,
            p_unconditional: unconditional,
            p,
        }
    }
}

/// Connected components of the flagged pairs (answer rows), each sorted, largest first.
fn clusters(pairs: &[&FlaggedPair]) -> Vec<Vec<u32>> {
    let mut nodes: Vec<u32> = pairs.iter().flat_map(|p| [p.a, p.b]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let mut parent: Vec<usize> = (0..nodes.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let at = |r: u32| nodes.binary_search(&r).expect("node");
    for p in pairs {
        let (a, b) = (find(&mut parent, at(p.a)), find(&mut parent, at(p.b)));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut groups: FxHashMap<usize, Vec<u32>> = FxHashMap::default();
    for (i, &r) in nodes.iter().enumerate() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(r);
    }
    let mut out: Vec<Vec<u32>> = groups.into_values().collect();
    for g in &mut out {
        g.sort_unstable();
    }
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    out
}

/// One finding per batch with flagged pairs: its clusters, their pairs and the test.
pub fn hits(ctx: &Ctx, an: &Analysis) -> Vec<Hit> {
    let t = ctx.t;
    let mut out = Vec::new();
    for group in an.flagged.chunk_by(|x, y| x.batch == y.batch) {
        let view = ctx.view(group[0].batch as usize);
        let batch = view.batch;
        let refs: Vec<&FlaggedPair> = group.iter().collect();
        let comps = clusters(&refs);
        let best = group
            .iter()
            .min_by(|x, y| {
                x.p.total_cmp(&y.p)
                    .then(y.shared_wrong.cmp(&x.shared_wrong))
            })
            .expect("non-empty");
        let cand = |r: u32| t.answers[r as usize].candidate_id;
        let cluster_json: Vec<Value> = comps
            .iter()
            .map(|members| {
                let pairs: Vec<Value> = group
                    .iter()
                    .filter(|p| members.binary_search(&p.a).is_ok())
                    .map(|p| {
                        json!({
                            "candidate_a": cand(p.a).to_string(),
                            "candidate_b": cand(p.b).to_string(),
                            "shared_wrong": p.shared_wrong,
                            "identical": p.identical,
                            "expected_shared_wrong": round(p.expected, 2),
                            "p_value": round_p(p.p),
                            "p_unconditional": round_p(p.p_unconditional),
                            "items": p.items,
                        })
                    })
                    .collect();
                json!({
                    "paper_id": t.answers[members[0] as usize].paper_id.to_string(),
                    "candidates": members.iter().map(|&r| cand(r).to_string()).collect::<Vec<_>>(),
                    "pairs": pairs,
                })
            })
            .collect();
        let largest = &comps[0];
        let masked: Vec<String> = largest.iter().map(|&r| cand(r).masked()).collect();
        let more = if comps.len() > 1 {
            format!("；另有 {} 组雷同", comps.len() - 1)
        } else {
            String::new()
        };
        let paper = &t.answers[best.a as usize].paper_id;
        out.push(Hit::new(
            K::AnswerCopying,
            batch_subject(batch),
            format!(
                "批次 {} 理论考试（试卷 {}）{} 名考生作答雷同：{}；两两相同错误答案最多 {} 处（独立作答期望 {:.1} 处），精确检验 p = {}，低于阈值 {}（全数据集 {} 对考生 Bonferroni 校正，α = {}）{}",
                batch.batch_id,
                paper,
                largest.len(),
                masked.join("、"),
                best.shared_wrong,
                best.expected,
                fmt_p(best.p),
                fmt_p(an.threshold),
                an.pairs,
                an.alpha,
                more
            ),
            json!({
                "test": "answer_similarity.poisson_binomial",
                "method": "identical wrong answers of a pair; null: independent items with probabilities from the paper's other takers (score band, logit-shifted to each candidate's number of wrong answers; distractor shares); exact Poisson-binomial upper tail, and where it is small, the exact tail given both candidates' numbers of wrong answers (which decides); Bonferroni over all pairs screened",
                "statistic": best.shared_wrong,
                "expected": round(best.expected, 2),
                "p_value": round_p(best.p),
                "p_unconditional": round_p(best.p_unconditional),
                "threshold": round_p(an.threshold),
                "alpha": an.alpha,
                "pairs_screened": an.pairs,
                "min_shared": an.min_shared,
                "clusters": cluster_json,
            }),
        ));
    }
    out
}
