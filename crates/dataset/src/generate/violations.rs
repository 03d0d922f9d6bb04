//! Where violations go: the draw per subject (each institution, batch, enrollment and
//! certificate gets one with probability `violation_rate`, of a kind chosen among
//! those that fit it), the forced instance of every kind, and the order in which
//! injections are applied so that every label is exactly what a correct screening
//! reports (see the table in `mod.rs`).

use super::draft::InstDraft;
use super::extras;
use super::inject_batch::{self, feasible, label_structural, reserve_structural};
use super::inject_record::{apply_cert, apply_enrollment, rename};
use super::inject_stats::{
    self, CONCENTRATION, HEAPING, LENIENT, LOW_SPREAD, OUTLIER, StatsParams,
};
use super::institution::Profile;
use super::outcome::{derive_results, issue_certs};
use super::people::PoolEntry;
use super::state::Ctx;
use super::util::pick;
use domain::WorkYears;
use domain::enums::InstitutionKind;
use domain::finding::FindingKind;
use domain::ids::InstitutionId;
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Batch-level kinds.
pub const BATCH_KINDS: &[FindingKind] = &[
    FindingKind::SessionTooShort,
    FindingKind::SubjectsMismatch,
    FindingKind::ExaminerUnregistered,
    FindingKind::ExaminerExpired,
    FindingKind::ExaminerUnqualified,
    FindingKind::ExaminerOtherInstitution,
    FindingKind::TooFewExaminers,
    FindingKind::EvenExaminers,
    FindingKind::TooFewProctors,
    FindingKind::NoInternalSupervisor,
    FindingKind::NoSupervisionRecord,
    FindingKind::PlanFiledLate,
    FindingKind::PlanUnfiled,
    FindingKind::ChangeUnreported,
    FindingKind::PaperMismatch,
    FindingKind::UnregisteredSite,
    FindingKind::BatchMostlyIneligible,
    FindingKind::AnswerCopying,
    FindingKind::ScoreHeaping,
    FindingKind::LowSpread,
    FindingKind::PassRateOutlier,
];

/// Batch-level kinds that change answers or scores, applied before results.
const PRE_RESULT: &[FindingKind] = &[
    FindingKind::SubjectsMismatch,
    FindingKind::AnswerCopying,
    FindingKind::ScoreHeaping,
    FindingKind::LowSpread,
    FindingKind::PassRateOutlier,
];

/// Enrollment-level kinds.
pub const ENROLLMENT_KINDS: &[FindingKind] = &[
    FindingKind::EligibilityNotMet,
    FindingKind::CandidateNotStaff,
    FindingKind::ResultContradictsScores,
    FindingKind::ScoreOutOfRange,
    FindingKind::UnassignedGrader,
    FindingKind::ScoreWithoutEnrollment,
    FindingKind::PriorCertNotFound,
    FindingKind::PriorCertOtherPerson,
    FindingKind::PriorCertAfterApplication,
    FindingKind::PriorCertMalformed,
    FindingKind::DeclaredMalformed,
    FindingKind::Impersonation,
];

/// Certificate-level kinds.
pub const CERT_KINDS: &[FindingKind] = &[
    FindingKind::CertNoActivity,
    FindingKind::CertNoScores,
    FindingKind::CertFailingResult,
    FindingKind::CertActivityMismatch,
    FindingKind::CertBeforeActivityEnd,
    FindingKind::CertDuplicateNumber,
    FindingKind::CertNotEnrolled,
    FindingKind::UploadOutsideScope,
    FindingKind::UploadContradictsRecord,
];

/// Kinds still owed one forced instance, each with the institution index from
/// which it may be placed (spread over the first 60% of institutions; if the target
/// cannot host it, the next institutions try).
#[derive(Debug, Default)]
pub struct Forced {
    pub pending: Vec<(FindingKind, usize)>,
}

impl Forced {
    /// One of every batch-, enrollment- and certificate-level kind that `stats`
    /// allows (institution kinds are forced in the skeleton).
    pub fn new(
        rng: &mut ChaCha8Rng,
        institutions: usize,
        rate: f64,
        stats: &StatsParams,
    ) -> Forced {
        if rate <= 0.0 {
            return Forced::default();
        }
        let horizon = (institutions * 6 / 10).max(1);
        let pending = BATCH_KINDS
            .iter()
            .chain(ENROLLMENT_KINDS)
            .chain(CERT_KINDS)
            .map(|k| (*k, rng.random_range(0..horizon)))
            .filter(|(k, _)| stats.allows(*k))
            .collect();
        Forced { pending }
    }

    /// Takes the kinds of `among` due at institution `index`.
    fn due(&self, index: usize, among: &[FindingKind]) -> Vec<FindingKind> {
        self.pending
            .iter()
            .filter(|(k, t)| *t <= index && among.contains(k))
            .map(|(k, _)| *k)
            .collect()
    }

    fn done(&mut self, kind: FindingKind) {
        if let Some(i) = self.pending.iter().position(|(k, _)| *k == kind) {
            self.pending.remove(i);
        }
    }
}

/// An impersonation to arrange at the end of the chunk: the later enrollment
/// (institution draft index, batch, candidate).
#[derive(Debug, Clone, Copy)]
pub struct ImpersonationRequest {
    pub draft: usize,
    pub batch: usize,
    pub cand: usize,
}

fn clean(d: &InstDraft, bi: usize) -> bool {
    d.batches[bi].planned.is_none()
}

/// Runs everything after the honest calendar of one institution: plans, the
/// injections before results, results and certificates, the injections after,
/// honest extras and the headcount.
pub fn run_institution(
    ctx: &mut Ctx,
    p: &Profile,
    d: &mut InstDraft,
    draft_index: usize,
    forced: &mut Forced,
    requests: &mut Vec<ImpersonationRequest>,
    rng: &mut ChaCha8Rng,
) {
    let rate = ctx.rate;
    let stats = ctx.stats.clone();
    let batch_kinds: Vec<FindingKind> = BATCH_KINDS
        .iter()
        .copied()
        .filter(|k| stats.allows(*k))
        .collect();
    reserve_structural(d, p.plan, p.status_since);
    let injecting = rate > 0.0 && d.registered;
    if injecting && !batch_kinds.is_empty() {
        for bi in 0..d.batches.len() {
            if clean(d, bi) && rng.random_bool(rate.min(1.0)) {
                for _ in 0..6 {
                    let k = *pick(rng, &batch_kinds);
                    if feasible(ctx, &stats, d, bi, k) {
                        d.batches[bi].planned = Some(k);
                        break;
                    }
                }
            }
        }
        for k in forced.due(p.index, BATCH_KINDS) {
            let mut order: Vec<usize> = (0..d.batches.len()).filter(|&bi| clean(d, bi)).collect();
            order.shuffle(rng);
            if let Some(&bi) = order.iter().find(|&&bi| feasible(ctx, &stats, d, bi, k)) {
                d.batches[bi].planned = Some(k);
                forced.done(k);
            }
        }
    }
    // Person-level statistics (before results). A host where it cannot happen (too
    // few graded scores) hands the kind on to the next institutions.
    const PERSON_KINDS: &[FindingKind] = &[
        FindingKind::LenientExaminer,
        FindingKind::ExaminerScoreConcentration,
    ];
    let mut person_kind = p.plan.filter(|k| PERSON_KINDS.contains(k));
    let planned_here = person_kind.is_some();
    if person_kind.is_none() && p.plan.is_none() && injecting && p.kind != InstitutionKind::Special
    {
        person_kind = forced
            .due(p.index, PERSON_KINDS)
            .into_iter()
            .find(|k| stats.allows(*k));
    }
    if let Some(k) = person_kind.filter(|_| d.registered) {
        let person = if k == FindingKind::LenientExaminer {
            inject_stats::lenient_examiner(d, rng, &LENIENT)
        } else {
            inject_stats::examiner_concentration(d, &CONCENTRATION)
        };
        match person {
            Some(person) => {
                d.label_person(k, &person);
                forced.done(k);
            }
            None if planned_here && rate > 0.0 => forced.pending.push((k, p.index + 1)),
            None => {}
        }
    }
    // Batch-level injections that change scores.
    for bi in 0..d.batches.len() {
        let Some(k) = d.batches[bi].planned else {
            continue;
        };
        if !PRE_RESULT.contains(&k) {
            continue;
        }
        let stand_in = placeholder(&d.batches[bi]);
        let mut b = std::mem::replace(&mut d.batches[bi], stand_in);
        let ok = match k {
            FindingKind::SubjectsMismatch => {
                inject_batch::add_review(&mut b, rng);
                true
            }
            FindingKind::AnswerCopying => inject_stats::answer_copying(ctx, &mut b, rng, &stats),
            FindingKind::ScoreHeaping => {
                inject_stats::score_heaping(ctx, &mut b, rng, &HEAPING, &stats)
            }
            FindingKind::LowSpread => inject_stats::low_spread(&mut b, rng, &LOW_SPREAD),
            FindingKind::PassRateOutlier => {
                inject_stats::pass_rate_outlier(ctx, &mut b, rng, &OUTLIER)
            }
            _ => unreachable!(),
        };
        if !ok {
            b.planned = None;
        }
        d.batches[bi] = b;
    }
    for b in &mut d.batches {
        derive_results(b);
    }
    issue_certs(ctx, d, rng);
    // Batch-level injections after results.
    if injecting {
        for bi in 0..d.batches.len() {
            let Some(k) = d.batches[bi].planned else {
                continue;
            };
            if BATCH_KINDS.contains(&k) && !inject_batch::apply(ctx, d, bi, k, rng) {
                d.batches[bi].planned = None;
            }
        }
    }
    label_structural(d, p.plan, p.status_since);
    if p.plan == Some(FindingKind::ExaminerDoubleBooked) {
        inject_batch::double_book(d, ctx.seed);
    }
    if injecting {
        enrollment_draws(ctx, d, draft_index, forced, requests, p.index, rng);
        cert_draws(ctx, d, forced, p.index, rng);
    }
    extras::honest_extras(ctx, d, rng);
    match p.plan {
        Some(FindingKind::FalseAdvertising) => {
            extras::false_advertising(ctx, d, rng);
            d.label_inst(FindingKind::FalseAdvertising);
        }
        Some(FindingKind::SubsidyBait) => {
            extras::subsidy_bait(ctx, d, rng);
            d.label_inst(FindingKind::SubsidyBait);
        }
        Some(FindingKind::SubstantiatedComplaint) => {
            extras::add_complaint(ctx, d, rng, true);
            d.label_inst(FindingKind::SubstantiatedComplaint);
        }
        Some(FindingKind::Inactive) => d.label_inst(FindingKind::Inactive),
        _ => {}
    }
    let over = p.plan == Some(FindingKind::EmployerOverHeadcount);
    if extras::set_headcount(d, rng, over) && over {
        d.label_inst(FindingKind::EmployerOverHeadcount);
    }
}

/// An empty stand-in while a batch is edited outside the draft.
fn placeholder(b: &super::draft::BatchDraft) -> super::draft::BatchDraft {
    super::draft::BatchDraft {
        batch: b.batch.clone(),
        sessions: Vec::new(),
        staff: Vec::new(),
        changes: Vec::new(),
        cands: Vec::new(),
        ghost_scores: Vec::new(),
        ghost_results: Vec::new(),
        cap: b.cap,
        planned: b.planned,
        tainted: b.tainted,
        site_index: b.site_index,
        mean_theta: b.mean_theta,
    }
}

fn enrollment_draws(
    ctx: &mut Ctx,
    d: &mut InstDraft,
    draft_index: usize,
    forced: &mut Forced,
    requests: &mut Vec<ImpersonationRequest>,
    index: usize,
    rng: &mut ChaCha8Rng,
) {
    let rate = ctx.rate.min(1.0);
    let kinds: Vec<FindingKind> = ENROLLMENT_KINDS
        .iter()
        .copied()
        .filter(|k| ctx.stats.allows(*k))
        .collect();
    for bi in 0..d.batches.len() {
        if !clean(d, bi) || kinds.is_empty() {
            continue;
        }
        // Keep randomly ineligible applications well below "most of the batch".
        let mut ineligible_left = d.batches[bi].cands.len() * 3 / 10;
        for ci in 0..d.batches[bi].cands.len() {
            if d.batches[bi].cands[ci].injected || !rng.random_bool(rate) {
                continue;
            }
            for _ in 0..4 {
                let k = *pick(rng, &kinds);
                if k == FindingKind::EligibilityNotMet {
                    if ineligible_left == 0 {
                        continue;
                    }
                    ineligible_left -= 1;
                }
                if k == FindingKind::Impersonation {
                    if d.batches[bi].cands[ci].enrollment.prior_cert_no.is_none() {
                        d.batches[bi].cands[ci].injected = true;
                        requests.push(ImpersonationRequest {
                            draft: draft_index,
                            batch: bi,
                            cand: ci,
                        });
                        break;
                    }
                    continue;
                }
                if apply_enrollment(ctx, d, bi, ci, k, rng) {
                    break;
                }
            }
        }
    }
    for k in forced.due(index, ENROLLMENT_KINDS) {
        if k == FindingKind::Impersonation {
            continue;
        }
        let mut slots: Vec<(usize, usize)> = (0..d.batches.len())
            .filter(|&bi| clean(d, bi))
            .flat_map(|bi| (0..d.batches[bi].cands.len()).map(move |ci| (bi, ci)))
            .collect();
        slots.shuffle(rng);
        for (bi, ci) in slots.into_iter().take(200) {
            if !d.batches[bi].cands[ci].injected && apply_enrollment(ctx, d, bi, ci, k, rng) {
                forced.done(k);
                break;
            }
        }
    }
}

fn cert_draws(
    ctx: &mut Ctx,
    d: &mut InstDraft,
    forced: &mut Forced,
    index: usize,
    rng: &mut ChaCha8Rng,
) {
    let rate = ctx.rate.min(1.0);
    let kinds: Vec<FindingKind> = CERT_KINDS
        .iter()
        .copied()
        .filter(|k| ctx.stats.allows(*k))
        .collect();
    for bi in 0..d.batches.len() {
        if !clean(d, bi) || kinds.is_empty() {
            continue;
        }
        for ci in 0..d.batches[bi].cands.len() {
            let c = &d.batches[bi].cands[ci];
            if c.injected || c.cert.is_none() || !rng.random_bool(rate) {
                continue;
            }
            for _ in 0..4 {
                if apply_cert(ctx, d, bi, ci, *pick(rng, &kinds), rng) {
                    break;
                }
            }
        }
    }
    for k in forced.due(index, CERT_KINDS) {
        let mut slots: Vec<(usize, usize)> = (0..d.batches.len())
            .filter(|&bi| clean(d, bi))
            .flat_map(|bi| (0..d.batches[bi].cands.len()).map(move |ci| (bi, ci)))
            .collect();
        slots.shuffle(rng);
        for (bi, ci) in slots.into_iter().take(200) {
            let c = &d.batches[bi].cands[ci];
            if !c.injected && c.cert.is_some() && apply_cert(ctx, d, bi, ci, k, rng) {
                forced.done(k);
                break;
            }
        }
    }
}

fn overlaps(a: &domain::model::Batch, b: &domain::model::Batch) -> bool {
    a.start_at < b.end_at && b.start_at < a.end_at
}

/// `cheating.impersonation`: the later enrollment of a request takes the identity
/// (number and name) of a candidate of an earlier-starting, overlapping activity at
/// another site, with all its rows. Only enrollments citing no prior certificate
/// are used, so no item-10 finding follows. Label: the later batch + that identity.
fn impersonate(drafts: &mut [InstDraft], req: ImpersonationRequest, rng: &mut ChaCha8Rng) -> bool {
    let later = drafts[req.draft].batches[req.batch].batch.clone();
    let mut partners = Vec::new();
    for (di, d) in drafts.iter().enumerate() {
        if !d.registered {
            continue;
        }
        for (bi, b) in d.batches.iter().enumerate() {
            if b.batch.start_at < later.start_at
                && overlaps(&b.batch, &later)
                && b.batch.site_id != later.site_id
                && b.batch.batch_id != later.batch_id
            {
                partners.push((di, bi));
            }
        }
    }
    partners.shuffle(rng);
    for (di, bi) in partners {
        let Some(cj) = (0..drafts[di].batches[bi].cands.len())
            .find(|&j| !drafts[di].batches[bi].cands[j].injected)
        else {
            continue;
        };
        let who = drafts[di].batches[bi].cands[cj].enrollment.clone();
        drafts[di].batches[bi].cands[cj].injected = true;
        drafts[di].batches[bi].tainted = true;
        let d = &mut drafts[req.draft];
        rename(
            &mut d.batches[req.batch].cands[req.cand],
            who.candidate_id,
            &who.name,
        );
        d.label_enrollment(FindingKind::Impersonation, req.batch, &who.candidate_id);
        return true;
    }
    false
}

/// Chunk-level work after every institution of the chunk: impersonations, access
/// logs (honest, bulk, other institutions'), then the pool and the reservoir.
pub fn finish_chunk(
    ctx: &mut Ctx,
    profiles: &[&Profile],
    drafts: &mut [InstDraft],
    requests: Vec<ImpersonationRequest>,
    forced: &mut Forced,
    rng: &mut ChaCha8Rng,
) {
    let mut any = false;
    for req in requests {
        if impersonate(drafts, req, rng) {
            any = true;
        } else {
            drafts[req.draft].batches[req.batch].cands[req.cand].injected = false;
        }
    }
    let last_index = profiles.iter().map(|p| p.index).max().unwrap_or(0);
    if !any
        && forced
            .due(last_index, &[FindingKind::Impersonation])
            .contains(&FindingKind::Impersonation)
    {
        // Try every clean enrollment without a prior certificate.
        let mut slots = Vec::new();
        for (di, d) in drafts.iter().enumerate() {
            if !d.registered {
                continue;
            }
            for bi in 0..d.batches.len() {
                if d.batches[bi].planned.is_some() {
                    continue;
                }
                for ci in 0..d.batches[bi].cands.len() {
                    let c = &d.batches[bi].cands[ci];
                    if !c.injected && c.enrollment.prior_cert_no.is_none() {
                        slots.push(ImpersonationRequest {
                            draft: di,
                            batch: bi,
                            cand: ci,
                        });
                    }
                }
            }
        }
        slots.shuffle(rng);
        for req in slots.into_iter().take(400) {
            drafts[req.draft].batches[req.batch].cands[req.cand].injected = true;
            if impersonate(drafts, req, rng) {
                forced.done(FindingKind::Impersonation);
                break;
            }
            drafts[req.draft].batches[req.batch].cands[req.cand].injected = false;
        }
    } else if any {
        forced.done(FindingKind::Impersonation);
    }
    // Access logs.
    let mut foreign: Vec<(domain::CertNo, InstitutionId)> = ctx.reservoir.clone();
    for d in drafts.iter() {
        for c in d.window_certs() {
            if foreign.len() < 2_000 {
                foreign.push((c.cert_no.clone(), d.inst.institution_id.clone()));
            }
        }
    }
    for (di, d) in drafts.iter_mut().enumerate() {
        extras::honest_access(ctx, d, rng);
        match profiles[di].plan {
            Some(FindingKind::AccessBulk) if d.registered && extras::bulk_access(ctx, d, rng) => {
                d.label_inst(FindingKind::AccessBulk);
            }
            Some(FindingKind::AccessOtherInstitution)
                if d.registered && extras::foreign_access(ctx, d, &foreign, rng) =>
            {
                d.label_inst(FindingKind::AccessOtherInstitution);
            }
            _ => {}
        }
    }
    // Pool and reservoir, from untouched activities only.
    for d in drafts.iter() {
        if !d.registered {
            continue;
        }
        for b in d
            .batches
            .iter()
            .filter(|b| b.planned.is_none() && !b.tainted)
        {
            for c in b.cands.iter().filter(|c| !c.injected) {
                let Some(cert) = &c.cert else { continue };
                if ctx.reservoir.len() < 256 {
                    ctx.reservoir
                        .push((cert.cert_no.clone(), d.inst.institution_id.clone()));
                } else if rng.random_bool(0.01) {
                    let i = rng.random_range(0..ctx.reservoir.len());
                    ctx.reservoir[i] = (cert.cert_no.clone(), d.inst.institution_id.clone());
                }
                if cert.level.number() >= 2 && rng.random_bool(0.6) {
                    ctx.pool.add(PoolEntry {
                        id: c.enrollment.candidate_id,
                        name: c.enrollment.name.clone(),
                        education: c.enrollment.education(),
                        major_related: c.enrollment.major_related(),
                        work_years: c.enrollment.work_years().map_or(1, WorkYears::whole),
                        work_years_on: b.batch.start_at.date(),
                        cert_no: cert.cert_no.clone(),
                        occupation: cert.occupation_code,
                        level: cert.level,
                        issued_on: cert.issued_on,
                    });
                }
            }
        }
    }
}
