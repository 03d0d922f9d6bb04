//! The synthetic province generator: a realistic province (default Hubei) of
//! evaluation institutions with two years of activities, streamed chunk by chunk,
//! with a configurable share of labelled violations of every [`FindingKind`]. It is
//! the data source for demos and benchmarks and the yardstick of the screening
//! engine (recall and precision against `labels.jsonl`).
//!
//! Invariants: the same [`GenConfig`] gives byte-identical output (ChaCha8 streams
//! derived from the seed, ordered maps only); honest data stays strictly inside the
//! rules of ../shared/spec/screening.md and the national defaults of dataset.md, so a
//! correct screening of a `violation_rate = 0` province finds nothing; with a
//! positive rate the labels are exactly what a correct screening reports. Memory
//! stays bounded: a chunk is one city (or up to 60 institutions of it), and only
//! small state crosses chunks (identity numbers in use, a capped pool of
//! certificate holders, counters, the paper bank).
//!
//! Modules: `region` (cities, districts), `names` (people, organisations,
//! addresses), `occupations` (real 大典 trades per industry and track), `institution`
//! (skeleton and registration rows), `people` (candidates, eligibility, history
//! certificates, pool), `exam` (papers and answers), `activity` (calendar, sessions,
//! staffing, scores), `outcome` (results, certificates), `extras` (complaints,
//! promotions, sanctions, access logs, headcount), `violations` (where injections
//! go), `inject_batch`, `inject_record`, `inject_stats` (what each changes),
//! `draft` (working representation), `state` (cross-chunk state), `util`.
//!
//! # Injections
//!
//! Each subject (institution, batch, enrollment, certificate) gets a violation with
//! probability `violation_rate`, of a kind drawn among those that fit it; when the
//! rate is positive, one instance of every kind is also placed on purpose, so every
//! kind appears at scale 1. Batches carrying a batch-level injection get no
//! enrollment- or certificate-level one; an application or certificate carries at
//! most one. Labels name the most specific subject of the output contract.
//!
//! | kind | what changes | labels |
//! |---|---|---|
//! | `eligibility.requirements_not_met` | declared work years / diploma meet no path of the level; a cited prior certificate stays genuine | enrollment |
//! | `scope.candidate_not_staff` | an employer's candidate works for an unrelated company | enrollment |
//! | `scope.employer_over_headcount` | employer's `employee_count` set below its busiest year's certificates | institution |
//! | `process.session_too_short` | theory lasts 60 minutes | batch |
//! | `process.subjects_mismatch` | a level 5..3 activity gets an extra review session (staffed, scored; results use it) | batch |
//! | `staff.examiner_unregistered` | a skill examiner replaced by a card number not in personnel | batch + person |
//! | `staff.examiner_expired` | a new examiner whose card ended before the activity replaces one | batch + person |
//! | `staff.examiner_unqualified` | a new examiner of another occupation or a lower ceiling replaces one | batch + person |
//! | `staff.examiner_other_institution` | a new examiner registered with another institution replaces one | batch + person |
//! | `staff.examiner_double_booked` | in a pair of simultaneous activities at two sites, an examiner of the earlier one also serves the later one | later batch + person |
//! | `staff.too_few_examiners` | skill team cut to the largest odd number below the requirement | batch |
//! | `staff.even_examiners` | skill team made the smallest even number ≥ the requirement | batch |
//! | `staff.too_few_proctors` | one proctor left in theory | batch |
//! | `supervision.no_internal_supervisor` | no supervisor (hence no record) | batch |
//! | `supervision.no_record` | supervisor, no record | batch |
//! | `filing.plan_late` | filed 1–48 h after the start | batch |
//! | `filing.plan_unfiled` | never filed | batch |
//! | `filing.change_unreported` | a date/site change 1–5 days before the start, never reported | batch |
//! | `process.paper_mismatch` | drawn paper ≠ used paper (answers on the used one) | batch |
//! | `scores.result_contradicts_scores` | result flipped (fail→pass gets a certificate like the others; pass→fail loses it) | enrollment |
//! | `scores.out_of_range` | a passer's skill score 100.5–110 | enrollment |
//! | `scores.unassigned_grader` | a score recorded by the internal supervisor | enrollment |
//! | `scores.unknown_enrollment` | scores and a result for someone not enrolled | batch + that candidate |
//! | `promotion.false_advertising` | a 包过/保过/不过退费/免考拿证 text | institution |
//! | `promotion.subsidy_bait` | a "pay first, subsidy later" text | institution |
//! | `activity.inactive` | registered 15–30 months ago, active, no activity in the last 13+ months | institution |
//! | `complaint.substantiated` | a substantiated complaint with the institution at fault | institution |
//! | `scope.outside_registered_scope` | one activity of an (occupation, level) not in the scope; its certificates are issued | batch; `upload.outside_scope` per certificate |
//! | `scope.unregistered_site` | held at a site id not in the sites table | batch |
//! | `scope.registration_inactive` | suspended 2–5 months ago; one activity after the suspension | batch |
//! | `scope.unregistered_institution` | a complete school (sites, staff, activities, scores; no certificates: it cannot upload) absent from institutions | each of its batches |
//! | `eligibility.prior_cert_not_found` | cited number replaced by a well-formed number no certificate has | enrollment |
//! | `eligibility.prior_cert_other_person` | cited certificate is a genuine one of someone else | enrollment |
//! | `eligibility.prior_cert_after_application` | the application is taken over by a passer of an earlier level L+1 activity who applied days before the certificate was issued | enrollment |
//! | `eligibility.batch_mostly_ineligible` | 60–80% of a batch's applications made ineligible | batch; `eligibility.requirements_not_met` per application |
//! | `cheating.impersonation` | a later enrollment takes the identity of a candidate of an earlier, overlapping activity at another site | later batch + candidate |
//! | `cheating.answer_copying` | an answer sheet circulates: 5–8 present candidates (at most half the room) take its answer on each item with probability 0.9, else answer themselves; the sheet is the key except on 36–45 items a mediocre candidate gets wrong, where it holds a plausible distractor (`StatsParams::copy_*`) | batch |
//! | `cheating.score_heaping` | a weak batch (≥ 25 present; abilities lowered) whose theory and skill scores from 30 up to the pass mark are moved into [60, 64) (theory answers changed to match); `StatsParams::heap_whole` moves every score instead | batch |
//! | `cheating.low_spread` | all skill scores within ±1 of one value in 76–84 (≥ 10 present) | batch |
//! | `cheating.pass_rate_outlier` | ≥ 40 candidates of a hard exam that the institution passes ≤ 60% in ≥ 3 other batches: nobody absent, every failing mark replaced by an ordinary pass (64–86) | batch |
//! | `cheating.lenient_examiner` | the busiest skill examiner (≥ 40 marks) also grades each co-examiner's candidate with probability ½ and turns every fail (≥ 15) into 64–80 | institution + person |
//! | `cheating.examiner_concentration` | the busiest skill examiner (≥ 30 marks) gives only 55/72/85 (pass/fail unchanged) | institution + person |
//! | `certificate.no_activity` | extra certificate whose batch id names no activity | certificate (+ its batch id) |
//! | `certificate.no_scores` | the holder's scores, answers and result removed | certificate |
//! | `certificate.failing_result` | a failed candidate of the batch certified | certificate |
//! | `certificate.activity_mismatch` | certificate states another in-scope occupation/level | certificate |
//! | `certificate.before_activity_end` | issued 1–3 days before the activity's last day | certificate |
//! | `certificate.duplicate_number` | a second certificate of the batch gets the same number | one, for the number |
//! | `certificate.not_enrolled` | extra certificate of the batch for someone not enrolled | certificate |
//! | `upload.outside_scope` | certificate states a level outside the scope | certificate: `upload.outside_scope` + `certificate.activity_mismatch` |
//! | `upload.contradicts_record` | certificate name differs by one character from the enrollment | certificate |
//! | `access.other_institution` | an account reads/exports 5–25 other institutions' certificates | institution |
//! | `access.bulk` | an account reads its own certificates > 12× everything issued (≥ 1,200) | institution |
//!
//! Honest exams differ in difficulty as real ones do: items of varying difficulty and
//! discrimination; a theory and a skill hardness per occupation × level; abilities
//! varying by institution (sd 0.25) and batch (sd 0.2); one small batch (≤ 10) in
//! five a strong group (+0.4 to +1.0). The statistical injections are parameterised
//! by [`StatsParams`] (cluster size m, wrong answers k on the shared sheet, noise,
//! whole-batch heaping, and `only`: inject only some kinds), so that calibration can
//! sweep them.
//!
//! Resolved ambiguities: a certificate of an unknown batch is only `no_activity`; of a
//! non-enrolled person only `not_enrolled` (no `no_scores`/`failing_result`); an
//! unregistered institution's activities only `unregistered_institution` (their scope
//! cannot be checked); "college diploma" in the level-3 path means exactly
//! `college`, so honest data never relies on bachelor/postgraduate for it.

mod activity;
mod draft;
mod exam;
mod extras;
mod inject_batch;
mod inject_record;
mod inject_stats;
mod institution;
mod names;
mod occupations;
mod outcome;
mod people;
mod region;
mod state;
mod util;
mod violations;

#[cfg(test)]
mod tests;

pub use inject_stats::StatsParams;

/// The names of the generated province's cities and districts (行政区划), as
/// (code, name): the platform shows names where the dataset carries codes.
pub fn region_names(province: domain::RegionCode) -> Vec<(domain::RegionCode, String)> {
    let mut out = vec![(province, province.province_name().to_string())];
    for c in region::cities(province) {
        out.push((c.code, c.name.clone()));
        out.extend(c.districts.iter().map(|d| (d.code, d.name.clone())));
    }
    out
}

use crate::write::{DatasetWriter, Format};
use domain::finding::Label;
use domain::model::{Meta, Table, Tables};
use domain::{Date, RegionCode};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenConfig {
    /// Size: 1 ≈ 40 institutions and 10,000 enrollments; linear (≥ 1).
    pub scale: u32,
    pub seed: u64,
    /// Share of eligible subjects that get an injected violation (0.0 = honest).
    pub violation_rate: f64,
    /// The date the data describes; the window is the two years before it.
    pub as_of: Date,
    /// The province (a province-level code).
    pub province: RegionCode,
    /// Parameters of the statistical (item 11) injections; calibration sweeps them.
    pub stats: StatsParams,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            scale: 1,
            seed: 42,
            violation_rate: 0.02,
            as_of: Date::from_ymd_opt(2025, 6, 30).expect("date"),
            province: RegionCode::parse("420000").expect("Hubei"),
            stats: StatsParams::default(),
        }
    }
}

/// Rows written per table and labels written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenSummary {
    pub rows: BTreeMap<Table, u64>,
    pub labels: u64,
}

/// Largest number of institutions in one chunk.
const CHUNK: usize = 60;

/// The tables every chunk carries (meta only the first).
fn present_tables() -> BTreeSet<Table> {
    Table::ALL
        .into_iter()
        .filter(|t| *t != Table::Meta)
        .collect()
}

fn generate_inner(
    config: &GenConfig,
    mut sink: impl FnMut(&Tables, f64) -> Result<(), crate::Error>,
) -> Result<Vec<Label>, crate::Error> {
    let seed = config.seed;
    let rate = if config.violation_rate.is_finite() {
        config.violation_rate.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let province = config.province.province();
    let as_of = config.as_of;
    let window_from = util::add_months(as_of, -24);
    let mut ctx = state::Ctx {
        seed,
        rate,
        stats: config.stats.clone(),
        as_of,
        window_from,
        prov2: province.as_str()[..2].to_string(),
        cities: region::cities(province),
        ids: people::IdAllocator::default(),
        pool: people::Pool::default(),
        batch_seq: BTreeMap::new(),
        papers: exam::Papers::new(seed),
        new_papers: Vec::new(),
        next_card: 0,
        next_complaint: 0,
        next_legacy: 0,
        sanctioned: false,
        reservoir: Vec::new(),
        inst_ids: Vec::new(),
        calendar: domain::workdays::Calendar::embedded(),
        record_working_days: domain::rulebook::Rulebook::names()
            .into_iter()
            .filter_map(|n| domain::rulebook::Rulebook::builtin(n).ok())
            .filter_map(|b| b.policy.supervision_record.map(|d| d.working_days))
            .max()
            .unwrap_or(0),
    };
    let mut rng = util::sub_rng(seed, "skeleton", 0);
    let profiles = institution::skeleton(&ctx, config.scale.max(1), &mut rng);
    ctx.inst_ids = profiles
        .iter()
        .filter(|p| p.registered)
        .map(|p| p.id.clone())
        .collect();
    let mut forced = violations::Forced::new(&mut rng, profiles.len(), rate, &config.stats);
    // Chunks: consecutive institutions of one city, at most CHUNK of them.
    let mut chunks: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    for i in 1..=profiles.len() {
        if i == profiles.len() || profiles[i].city != profiles[start].city || i - start >= CHUNK {
            chunks.push(start..i);
            start = i;
        }
    }
    let mut labels = Vec::new();
    let total = chunks.len().max(1);
    for (ci, range) in chunks.into_iter().enumerate() {
        let mut t = Tables {
            present: present_tables(),
            ..Default::default()
        };
        if ci == 0 {
            t.meta = Meta {
                as_of: Some(as_of),
                region_code: Some(province),
                policy: Some("national".into()),
                window_from: Some(window_from),
            };
            t.present.insert(Table::Meta);
            t.standards = occupations::standards();
            let mut srng = util::sub_rng(seed, "external", 0);
            let n = 6 * config.scale.max(1) as usize;
            t.personnel
                .extend(institution::external_supervisors(&mut ctx, &mut srng, n));
        }
        let chunk_profiles: Vec<&institution::Profile> = profiles[range].iter().collect();
        let mut drafts = Vec::with_capacity(chunk_profiles.len());
        let mut requests = Vec::new();
        for (k, p) in chunk_profiles.iter().enumerate() {
            let mut irng = util::sub_rng(seed, "institution", p.index as u64);
            let mean = institution::mean_batch_size(p, &mut irng);
            let mut d = institution::build(&mut ctx, p, mean, &mut irng);
            activity::generate(&mut ctx, p, &mut d, mean, &mut irng);
            violations::run_institution(
                &mut ctx,
                p,
                &mut d,
                k,
                &mut forced,
                &mut requests,
                &mut irng,
            );
            drafts.push(d);
        }
        let mut crng = util::sub_rng(seed, "chunk", ci as u64);
        violations::finish_chunk(
            &mut ctx,
            &chunk_profiles,
            &mut drafts,
            requests,
            &mut forced,
            &mut crng,
        );
        for mut d in drafts {
            labels.append(&mut d.labels);
            d.flatten_into(&mut t);
        }
        t.papers.append(&mut ctx.new_papers);
        sink(&t, (ci + 1) as f64 / total as f64)?;
    }
    Ok(labels)
}

/// Streams the province chunk by chunk (one city, or up to 60 of its institutions,
/// per chunk; the first chunk carries `meta`) to `sink` and returns the labels.
pub fn generate(
    config: &GenConfig,
    mut sink: impl FnMut(&Tables) -> Result<(), crate::Error>,
) -> Result<Vec<Label>, crate::Error> {
    generate_inner(config, |t, _| sink(t))
}

/// Appends every row of `chunk` to `all`.
fn append(all: &mut Tables, chunk: &Tables) {
    if chunk.present.contains(&Table::Meta) {
        all.meta = chunk.meta.clone();
    }
    all.present.extend(chunk.present.iter().copied());
    all.institutions.extend_from_slice(&chunk.institutions);
    all.scopes.extend_from_slice(&chunk.scopes);
    all.sites.extend_from_slice(&chunk.sites);
    all.affiliates.extend_from_slice(&chunk.affiliates);
    all.personnel.extend_from_slice(&chunk.personnel);
    all.batches.extend_from_slice(&chunk.batches);
    all.sessions.extend_from_slice(&chunk.sessions);
    all.batch_staff.extend_from_slice(&chunk.batch_staff);
    all.batch_changes.extend_from_slice(&chunk.batch_changes);
    all.enrollments.extend_from_slice(&chunk.enrollments);
    all.scores.extend_from_slice(&chunk.scores);
    all.results.extend_from_slice(&chunk.results);
    all.papers.extend_from_slice(&chunk.papers);
    all.answers.extend_from_slice(&chunk.answers);
    all.certificates.extend_from_slice(&chunk.certificates);
    all.standards.extend_from_slice(&chunk.standards);
    all.complaints.extend_from_slice(&chunk.complaints);
    all.promotions.extend_from_slice(&chunk.promotions);
    all.access_log.extend_from_slice(&chunk.access_log);
    all.sanctions.extend_from_slice(&chunk.sanctions);
}

/// The whole province in memory (tests, small scales).
pub fn generate_tables(config: &GenConfig) -> (Tables, Vec<Label>) {
    let mut all = Tables::default();
    let labels = generate(config, |chunk| {
        append(&mut all, chunk);
        Ok(())
    })
    .expect("an in-memory sink cannot fail");
    (all, labels)
}

/// Writes the dataset with [`DatasetWriter`] (CSV: the directory `dir`; xlsx:
/// `dir/dataset.xlsx`) and `dir/labels.jsonl` (one JSON label per line), calling
/// `progress` with the fraction done after each chunk.
pub fn generate_to(
    dir: &Path,
    format: Format,
    config: &GenConfig,
    mut progress: impl FnMut(f64),
) -> Result<GenSummary, crate::Error> {
    std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
    let target = match format {
        Format::Xlsx => dir.join("dataset.xlsx"),
        _ => dir.to_path_buf(),
    };
    let mut writer = DatasetWriter::create(&target, format)?;
    let mut summary = GenSummary::default();
    let labels = generate_inner(config, |chunk, done| {
        for table in Table::ALL {
            let n = chunk.len(table) as u64;
            if n > 0 || chunk.present.contains(&table) {
                *summary.rows.entry(table).or_default() += n;
            }
        }
        writer.append(chunk)?;
        progress(done);
        Ok(())
    })?;
    writer.finish()?;
    let path = dir.join("labels.jsonl");
    let io = |e| crate::Error::io(&path, e);
    let file = std::fs::File::create(&path).map_err(io)?;
    let mut out = std::io::BufWriter::new(file);
    for label in &labels {
        serde_json::to_writer(&mut out, label).map_err(|source| crate::Error::Json {
            path: path.clone(),
            source,
        })?;
        out.write_all(b"\n").map_err(io)?;
    }
    out.flush().map_err(io)?;
    summary.labels = labels.len() as u64;
    Ok(summary)
}
