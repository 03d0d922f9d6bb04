//! From scores to results and certificates: pass iff every subject reaches 60,
//! certificates issued 10–30 days after the activity, uploaded within days, numbered
//! per institution, year and level.

use super::draft::{BatchDraft, CandDraft, InstDraft};
use super::state::Ctx;
use super::util::SCORED;
use super::util::{days, office_time};
use chrono::Datelike;
use domain::enums::{CertStatus, Outcome};
use domain::model::{Certificate, ResultRow};
use domain::{CertNo, Date, Level};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The pass mark in tenths.
pub const PASS: i32 = 600;

/// The next certificate number of `inst` for a certificate issued on `issued_on`:
/// the national 22-character layout from 2020, a legacy 16-digit 职业资格证书 number
/// before.
pub fn cert_number(ctx: &mut Ctx, inst: &mut InstDraft, issued_on: Date, level: Level) -> CertNo {
    let year = issued_on.year();
    if year < 2020 {
        ctx.next_legacy += 1;
        let text = format!(
            "{}{:02}{}{:011}",
            ctx.prov2,
            year % 100,
            level.number(),
            ctx.next_legacy * 13 + 1_000_000
        );
        return CertNo::parse(&text).expect("legacy number");
    }
    let serial = inst.serials.entry((year, level.number())).or_insert(0);
    *serial += 1;
    CertNo::standard(
        inst.issuer,
        0,
        &ctx.prov2,
        inst.seq,
        year as u16,
        level,
        *serial,
    )
    .expect("valid parts")
}

/// A certificate number that no certificate carries: serials from 900000 up are
/// never issued.
pub fn phantom_cert_number(ctx: &Ctx, inst: &InstDraft, year: i32, level: Level, k: u32) -> CertNo {
    CertNo::standard(
        inst.issuer,
        0,
        &ctx.prov2,
        inst.seq,
        year as u16,
        level,
        900_000 + k % 99_999,
    )
    .expect("valid parts")
}

/// The result the scores imply: absent, pass iff every subject ≥ 60, else fail.
pub fn implied_outcome(c: &CandDraft) -> Outcome {
    if c.absent || c.scores.is_empty() {
        Outcome::Absent
    } else if c
        .scores
        .iter()
        .all(|s| s.score.expect(SCORED).tenths() >= PASS)
    {
        Outcome::Pass
    } else {
        Outcome::Fail
    }
}

/// Writes every candidate's result row.
pub fn derive_results(b: &mut BatchDraft) {
    for c in &mut b.cands {
        c.result = Some(ResultRow {
            batch_id: b.batch.batch_id.clone(),
            candidate_id: c.enrollment.candidate_id,
            result: implied_outcome(c),
        });
    }
}

/// When the certificates of a batch are issued: 10 to 30 days after its end.
pub fn issue_date(rng: &mut ChaCha8Rng, b: &BatchDraft) -> Date {
    days(b.batch.end_at.date(), rng.random_range(10..=30))
}

/// Builds a certificate for candidate `ci` of batch `bi` issued on `issued_on`.
pub fn make_cert(
    ctx: &mut Ctx,
    inst: &mut InstDraft,
    rng: &mut ChaCha8Rng,
    bi: usize,
    ci: usize,
    issued_on: Date,
) -> Certificate {
    let (occupation, level, batch_id) = {
        let b = &inst.batches[bi].batch;
        (b.occupation_code, b.level, b.batch_id.clone())
    };
    let cert_no = cert_number(ctx, inst, issued_on, level);
    let c = &inst.batches[bi].cands[ci];
    let upload_day = days(issued_on, rng.random_range(0..=4)).min(ctx.as_of);
    Certificate {
        cert_no,
        candidate_id: c.enrollment.candidate_id,
        name: c.enrollment.name.clone(),
        institution_id: inst.inst.institution_id.clone(),
        batch_id: Some(batch_id),
        occupation_code: occupation,
        level,
        issued_on,
        uploaded_at: Some(office_time(rng, upload_day)),
        status: CertStatus::Valid,
    }
}

/// Issues the certificates of every passing candidate whose issue date is not after
/// `as_of` (registered institutions only: an unregistered one cannot upload).
pub fn issue_certs(ctx: &mut Ctx, inst: &mut InstDraft, rng: &mut ChaCha8Rng) {
    if !inst.registered {
        return;
    }
    for bi in 0..inst.batches.len() {
        let issued_on = issue_date(rng, &inst.batches[bi]);
        if issued_on > ctx.as_of {
            continue;
        }
        for ci in 0..inst.batches[bi].cands.len() {
            let passed = inst.batches[bi].cands[ci]
                .result
                .as_ref()
                .is_some_and(|r| r.result == Outcome::Pass);
            if passed {
                let cert = make_cert(ctx, inst, rng, bi, ci, issued_on);
                inst.batches[bi].cands[ci].cert = Some(cert);
            }
        }
    }
}
