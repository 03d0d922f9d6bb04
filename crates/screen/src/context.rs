//! What every rule sees: the dataset, the dates, the rulebook, the norms, and the
//! [`Index`] built once per screening (every per-activity table grouped by batch in
//! one pass, so no rule scans a large table per batch).

use crate::norms::Norms;
use domain::Date;
use domain::enums::Subject;
use domain::ids::{BatchId, InstitutionId};
use domain::model::*;
use domain::rulebook::Rulebook;
use domain::workdays::Calendar;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Rows of one table grouped by batch position (compressed sparse rows).
#[derive(Debug, Default)]
pub struct Groups {
    start: Vec<u32>,
    rows: Vec<u32>,
}

impl Groups {
    /// Groups `keys[i]` (a batch position, or `u32::MAX` for none) by key.
    fn build(keys: &[u32], groups: usize) -> Groups {
        let mut count = vec![0u32; groups + 1];
        for &k in keys {
            if (k as usize) < groups {
                count[k as usize + 1] += 1;
            }
        }
        for i in 0..groups {
            count[i + 1] += count[i];
        }
        let mut next = count.clone();
        let mut rows = vec![0u32; count[groups] as usize];
        for (i, &k) in keys.iter().enumerate() {
            if (k as usize) < groups {
                rows[next[k as usize] as usize] = i as u32;
                next[k as usize] += 1;
            }
        }
        Groups { start: count, rows }
    }

    /// Row indexes of group `g`, in row order.
    pub fn get(&self, g: usize) -> &[u32] {
        &self.rows[self.start[g] as usize..self.start[g + 1] as usize]
    }
}

/// The dataset grouped for screening.
#[derive(Debug)]
pub struct Index<'a> {
    batch_pos: FxHashMap<&'a BatchId, u32>,
    pub sessions: Groups,
    pub staff: Groups,
    pub changes: Groups,
    pub enrollments: Groups,
    pub scores: Groups,
    pub results: Groups,
    pub certificates: Groups,
    /// Score rows whose batch is not in the batches table.
    pub orphan_scores: Vec<u32>,
    /// Result rows whose batch is not in the batches table.
    pub orphan_results: Vec<u32>,
    /// Scope rows per institution.
    pub scopes: FxHashMap<&'a InstitutionId, Vec<&'a Scope>>,
    /// Affiliate rows per institution.
    pub affiliates: FxHashMap<&'a InstitutionId, Vec<&'a Affiliate>>,
    /// Batch positions per institution, in row order.
    pub batches_of: FxHashMap<&'a InstitutionId, Vec<u32>>,
    /// Certificate rows per institution.
    pub certs_of: FxHashMap<&'a InstitutionId, Vec<u32>>,
}

fn keys<R: Sync>(
    rows: &[R],
    pos: &FxHashMap<&BatchId, u32>,
    key: impl Fn(&R) -> Option<&BatchId> + Sync,
) -> Vec<u32> {
    rows.par_iter()
        .map(|r| key(r).and_then(|b| pos.get(b).copied()).unwrap_or(u32::MAX))
        .collect()
}

impl<'a> Index<'a> {
    /// Indexes the tables: one pass per table.
    pub fn build(t: &'a Tables) -> Index<'a> {
        let n = t.batches.len();
        let mut batch_pos = FxHashMap::with_capacity_and_hasher(n, Default::default());
        for (i, b) in t.batches.iter().enumerate() {
            batch_pos.entry(&b.batch_id).or_insert(i as u32);
        }
        let sk = keys(&t.scores, &batch_pos, |r| Some(&r.batch_id));
        let rk = keys(&t.results, &batch_pos, |r| Some(&r.batch_id));
        let orphan = |k: &[u32]| {
            k.iter()
                .enumerate()
                .filter(|(_, k)| **k == u32::MAX)
                .map(|(i, _)| i as u32)
                .collect::<Vec<_>>()
        };
        let mut scopes: FxHashMap<&InstitutionId, Vec<&Scope>> = FxHashMap::default();
        for s in &t.scopes {
            scopes.entry(&s.institution_id).or_default().push(s);
        }
        let mut affiliates: FxHashMap<&InstitutionId, Vec<&Affiliate>> = FxHashMap::default();
        for a in &t.affiliates {
            affiliates.entry(&a.institution_id).or_default().push(a);
        }
        let mut batches_of: FxHashMap<&InstitutionId, Vec<u32>> = FxHashMap::default();
        for (i, b) in t.batches.iter().enumerate() {
            batches_of
                .entry(&b.institution_id)
                .or_default()
                .push(i as u32);
        }
        let mut certs_of: FxHashMap<&InstitutionId, Vec<u32>> = FxHashMap::default();
        for (i, c) in t.certificates.iter().enumerate() {
            certs_of
                .entry(&c.institution_id)
                .or_default()
                .push(i as u32);
        }
        Index {
            sessions: Groups::build(&keys(&t.sessions, &batch_pos, |r| Some(&r.batch_id)), n),
            staff: Groups::build(&keys(&t.batch_staff, &batch_pos, |r| Some(&r.batch_id)), n),
            changes: Groups::build(
                &keys(&t.batch_changes, &batch_pos, |r| Some(&r.batch_id)),
                n,
            ),
            enrollments: Groups::build(&keys(&t.enrollments, &batch_pos, |r| Some(&r.batch_id)), n),
            scores: Groups::build(&sk, n),
            results: Groups::build(&rk, n),
            certificates: Groups::build(
                &keys(&t.certificates, &batch_pos, |r| r.batch_id.as_ref()),
                n,
            ),
            orphan_scores: orphan(&sk),
            orphan_results: orphan(&rk),
            scopes,
            affiliates,
            batches_of,
            certs_of,
            batch_pos,
        }
    }

    /// The position of a batch in the batches table.
    pub fn batch_pos(&self, id: &BatchId) -> Option<usize> {
        self.batch_pos.get(id).map(|&i| i as usize)
    }
}

/// Everything a rule may use.
pub struct Ctx<'a> {
    pub ds: &'a Dataset,
    pub t: &'a Tables,
    /// The date the data describes.
    pub as_of: Date,
    /// Certificates issued before it are history, not screened.
    pub window_from: Date,
    pub rulebook: &'a Rulebook,
    pub norms: Norms<'a>,
    pub ix: Index<'a>,
    /// Every activity with its rows gathered, in batch order (built once, shared by
    /// every per-activity rule).
    pub views: Vec<BatchView<'a>>,
    /// Candidates barred by earlier decisions ([`crate::engine::Options::bars`]).
    pub bars: &'a [crate::engine::Bar],
    /// Staff suspended by earlier decisions ([`crate::engine::Options::suspensions`]).
    pub suspensions: &'a [crate::engine::Suspension],
    /// The working-day calendar (工作日历) for deadlines in working days.
    pub calendar: &'a Calendar,
}

impl<'a> Ctx<'a> {
    /// A suspension of `person_id` overlapping `from..=to`, if any.
    pub fn suspension(
        &self,
        person_id: &str,
        from: Date,
        to: Date,
    ) -> Option<&'a crate::engine::Suspension> {
        self.suspensions
            .iter()
            .find(|s| s.person_id == person_id && s.from <= to && from <= s.until)
    }

    /// Builds the context and the index.
    pub fn new(
        ds: &'a Dataset,
        rulebook: &'a Rulebook,
        as_of: Option<Date>,
        calendar: &'a Calendar,
    ) -> Ctx<'a> {
        let t = &ds.tables;
        let as_of = as_of.or_else(|| ds.as_of()).unwrap_or_default();
        let window_from = ds.window_from().unwrap_or(as_of);
        let ix = Index::build(t);
        let views = (0..t.batches.len())
            .into_par_iter()
            .map(|i| BatchView::new(t, &ix, i))
            .collect();
        Ctx {
            ds,
            t,
            as_of,
            window_from,
            rulebook,
            norms: Norms::new(&t.standards),
            ix,
            views,
            bars: &[],
            suspensions: &[],
            calendar,
        }
    }

    /// Whether the source had this table. Tables built in code with no record of
    /// what was present count as complete.
    pub fn has(&self, table: Table) -> bool {
        self.t.present.is_empty() || self.t.present.contains(&table)
    }

    /// The rows of one activity, gathered.
    pub fn view(&self, pos: usize) -> &BatchView<'a> {
        &self.views[pos]
    }

    /// Runs `f` on every batch in parallel and concatenates the results in batch order.
    pub fn per_batch<T: Send>(&self, f: impl Fn(&BatchView<'a>) -> Vec<T> + Sync) -> Vec<T> {
        self.views.par_iter().flat_map_iter(&f).collect()
    }
}

/// A score row with a score: what rules see of the scores table. A row recorded as
/// absent (缺考) is left out of [`BatchView::scores`], so an absent subject is a
/// subject with no score, as a candidate who did not sit it always was; the
/// result `absent` says the same of the whole activity.
#[derive(Debug, Clone, Copy)]
pub struct Scored<'a> {
    pub row: &'a ScoreRow,
    /// The score (shadows the row's optional one).
    pub score: domain::Score,
}

impl std::ops::Deref for Scored<'_> {
    type Target = ScoreRow;
    fn deref(&self) -> &ScoreRow {
        self.row
    }
}

/// One activity with its rows; scores and results sorted by candidate for lookups.
pub struct BatchView<'a> {
    pub pos: usize,
    pub batch: &'a Batch,
    pub sessions: Vec<&'a Session>,
    pub staff: Vec<&'a BatchStaff>,
    pub changes: Vec<&'a BatchChange>,
    pub enrollments: Vec<&'a Enrollment>,
    /// The same, sorted by candidate.
    by_candidate: Vec<&'a Enrollment>,
    /// The scored rows (absent ones left out), sorted by (candidate, subject).
    pub scores: Vec<Scored<'a>>,
    /// Sorted by candidate.
    pub results: Vec<&'a ResultRow>,
    pub certificates: Vec<&'a Certificate>,
}

impl<'a> BatchView<'a> {
    fn new(t: &'a Tables, ix: &Index<'a>, pos: usize) -> BatchView<'a> {
        let pick = |g: &Groups| g.get(pos).iter().map(|&i| i as usize).collect::<Vec<_>>();
        let mut scores: Vec<Scored> = pick(&ix.scores)
            .into_iter()
            .map(|i| &t.scores[i])
            .filter_map(|row| row.score.map(|score| Scored { row, score }))
            .collect();
        scores.sort_by_key(|s| (s.candidate_id, s.subject));
        let mut results: Vec<&ResultRow> = pick(&ix.results)
            .into_iter()
            .map(|i| &t.results[i])
            .collect();
        results.sort_by_key(|r| r.candidate_id);
        let enrollments: Vec<&Enrollment> = pick(&ix.enrollments)
            .into_iter()
            .map(|i| &t.enrollments[i])
            .collect();
        let mut by_candidate = enrollments.clone();
        by_candidate.sort_by_key(|e| e.candidate_id);
        BatchView {
            pos,
            batch: &t.batches[pos],
            sessions: pick(&ix.sessions)
                .into_iter()
                .map(|i| &t.sessions[i])
                .collect(),
            staff: pick(&ix.staff)
                .into_iter()
                .map(|i| &t.batch_staff[i])
                .collect(),
            changes: pick(&ix.changes)
                .into_iter()
                .map(|i| &t.batch_changes[i])
                .collect(),
            enrollments,
            by_candidate,
            scores,
            results,
            certificates: pick(&ix.certificates)
                .into_iter()
                .map(|i| &t.certificates[i])
                .collect(),
        }
    }

    /// The scores of one candidate, by subject.
    pub fn scores_of(&self, c: &domain::IdNumber) -> &[Scored<'a>] {
        let lo = self.scores.partition_point(|s| s.candidate_id < *c);
        let hi = self.scores.partition_point(|s| s.candidate_id <= *c);
        &self.scores[lo..hi]
    }

    /// The result of one candidate.
    pub fn result_of(&self, c: &domain::IdNumber) -> Option<&'a ResultRow> {
        let i = self.results.partition_point(|r| r.candidate_id < *c);
        self.results
            .get(i)
            .filter(|r| r.candidate_id == *c)
            .copied()
    }

    /// Whether the candidate is enrolled.
    pub fn enrolled(&self, c: &domain::IdNumber) -> Option<&'a Enrollment> {
        let i = self.by_candidate.partition_point(|e| e.candidate_id < *c);
        self.by_candidate
            .get(i)
            .filter(|e| e.candidate_id == *c)
            .copied()
    }

    /// The subjects the activity has sessions for, in order, without repeats.
    pub fn session_subjects(&self) -> Vec<Subject> {
        let mut s: Vec<Subject> = self.sessions.iter().map(|s| s.subject).collect();
        s.sort();
        s.dedup();
        s
    }
}
