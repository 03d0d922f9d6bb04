//! Candidates: identity numbers (never reused by accident), names, education, work
//! years and the eligibility path of each application (申报条件), the history
//! certificates that back prior-level claims, and the pool of in-window certificate
//! holders who come back for the next level.

use super::draft::{Cap, InstDraft};
use super::names::person_name;
use super::occupations::group_mates;
use super::outcome::cert_number;
use super::state::Ctx;
use super::util::{days, pick, weighted, years_between};
use domain::enums::{CertStatus, Education};
use domain::model::{Certificate, Enrollment, Text};
use domain::{
    CertNo, CreditCode, Date, DateTime, Declared, IdNumber, Level, OccupationCode, RegionCode,
    WorkYears,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashSet, VecDeque};

/// Hands out identity numbers that no one else in the province has.
#[derive(Default)]
pub struct IdAllocator {
    used: HashSet<u64>,
}

impl IdAllocator {
    /// A fresh number for someone born on `birth` in `region`; the sequence parity
    /// follows the sex (odd = male).
    pub fn fresh(
        &mut self,
        rng: &mut ChaCha8Rng,
        region: RegionCode,
        birth: Date,
        male: bool,
    ) -> IdNumber {
        let r: u64 = region.as_str().parse().expect("digits");
        let d = u64::from(
            birth
                .to_string()
                .replace('-', "")
                .parse::<u32>()
                .expect("date"),
        );
        loop {
            let mut seq: u16 = rng.random_range(0..500) * 2;
            if male {
                seq += 1;
            }
            let key = (r << 40) ^ (d << 10) ^ u64::from(seq);
            if self.used.insert(key) {
                return IdNumber::from_parts(region, birth, seq).expect("valid parts");
            }
        }
    }
}

/// Someone holding an in-window certificate who may apply for the next level.
#[derive(Debug, Clone)]
pub struct PoolEntry {
    pub id: IdNumber,
    pub name: Text,
    pub education: Option<Education>,
    pub major_related: Option<bool>,
    pub work_years: u8,
    pub work_years_on: Date,
    pub cert_no: CertNo,
    pub occupation: OccupationCode,
    pub level: Level,
    pub issued_on: Date,
}

/// Certificate holders by (occupation group, level held).
#[derive(Default)]
pub struct Pool {
    by_key: BTreeMap<(String, u8), VecDeque<PoolEntry>>,
}

const POOL_CAP: usize = 400;

impl Pool {
    /// Adds a holder (the oldest entries go when a key is full).
    pub fn add(&mut self, e: PoolEntry) {
        let q = self
            .by_key
            .entry((e.occupation.group(), e.level.number()))
            .or_default();
        if q.len() >= POOL_CAP {
            q.pop_front();
        }
        q.push_back(e);
    }

    /// Takes a holder of a level-`held` certificate in `group` who got it at least a
    /// month before `applied`, is at most 58 at `start` and has `min_years` of work.
    fn take(
        &mut self,
        group: &str,
        held: u8,
        applied: Date,
        start: Date,
        min_years: u8,
    ) -> Option<PoolEntry> {
        let q = self.by_key.get_mut(&(group.to_string(), held))?;
        let pos = q.iter().take(60).position(|e| {
            days(e.issued_on, 30) < applied
                && e.id.age_on(start) <= 58
                && grown_years(e, start) >= min_years
        })?;
        q.remove(pos)
    }
}

fn grown_years(e: &PoolEntry, on: Date) -> u8 {
    let extra = years_between(e.work_years_on, on).max(0);
    (i32::from(e.work_years) + extra).min(40) as u8
}

/// How an application meets its level's 申报条件.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// Work years alone (level 5 ≥ 1; level 4 ≥ 6).
    Years,
    /// A related technical-school diploma (level 4).
    Diploma,
    /// The prior-level certificate with enough years.
    Cert,
    /// The prior-level certificate with a senior-technical diploma (levels 3, 2).
    CertSenior,
    /// A college diploma, the prior-level certificate and ≥ 2 years (level 3).
    CertCollege,
}

fn draw_path(rng: &mut ChaCha8Rng, level: u8) -> Path {
    match level {
        5 => Path::Years,
        4 => [Path::Cert, Path::Years, Path::Diploma][weighted(rng, [50.0, 35.0, 15.0])],
        3 => [Path::Cert, Path::CertSenior, Path::CertCollege][weighted(rng, [60.0, 15.0, 25.0])],
        2 => [Path::Cert, Path::CertSenior][weighted(rng, [80.0, 20.0])],
        _ => Path::Cert,
    }
}

/// Minimum work years of a path at a level.
fn min_years(level: u8, path: Path) -> u8 {
    match (level, path) {
        (5, _) => 1,
        (4, Path::Years) => 6,
        (4, Path::Cert) => 4,
        (4, _) => 0,
        (3, Path::Cert) => 5,
        (3, Path::CertCollege) => 2,
        (3, _) => 1,
        (2, Path::CertSenior) => 3,
        (_, _) => 4,
    }
}

fn draw_education(rng: &mut ChaCha8Rng) -> Education {
    use Education::*;
    [
        None,
        JuniorHigh,
        HighSchool,
        TechnicalSchool,
        SeniorTechnical,
        College,
        Bachelor,
        Postgraduate,
    ][weighted(rng, [1.5, 26.0, 34.0, 10.0, 3.0, 17.0, 7.5, 1.0])]
}

/// Whether the declared fields of an application meet the national 申报条件 of its
/// level (screening.md item 1). The generator keeps honest applications inside it.
/// Work years count by their whole part: 4.9 years are not 满5年.
pub fn meets_requirements(e: &Enrollment, level: Level) -> bool {
    let years = e.work_years().map_or(0, WorkYears::whole);
    let edu = e.education();
    let related = e.major_related().unwrap_or(false);
    let has_prior = e.prior_cert_no.is_some()
        && e.prior_level().map(|l| l.number()) == Some(level.number() + 1)
        && e.prior_occupation().is_some();
    match level.number() {
        5 => years >= 1,
        4 => {
            (has_prior && years >= 4)
                || years >= 6
                || (edu == Some(Education::TechnicalSchool) && related)
        }
        3 => {
            has_prior
                && (years >= 5
                    || edu == Some(Education::SeniorTechnical)
                    || (edu == Some(Education::College) && years >= 2))
        }
        2 => {
            (has_prior && years >= 4)
                || (has_prior && edu == Some(Education::SeniorTechnical) && years >= 3)
        }
        _ => has_prior && years >= 4,
    }
}

/// Work years as an application declares them: whole years, or (a third of the
/// time, as application forms and HR exports do) with one decimal above them, which
/// never changes the whole part that 申报条件 compares.
pub fn declared_years(rng: &mut ChaCha8Rng, whole: u8) -> Declared<WorkYears> {
    if rng.random_bool(1.0 / 3.0) {
        years_with_tenths(whole, rng.random_range(1..=9))
    } else {
        WorkYears::from(whole).into()
    }
}

/// `whole.tenths` years, e.g. 4.9.
pub fn years_with_tenths(whole: u8, tenths: u8) -> Declared<WorkYears> {
    WorkYears::parse(&format!("{whole}.{tenths}"))
        .expect("a decimal of years")
        .into()
}

/// Share of women among candidates of an occupation.
fn female_share(occ: &OccupationCode) -> f64 {
    let s = occ.to_string();
    if s.starts_with("4-10-01") {
        0.92
    } else if s.starts_with("4-10-03") || s.starts_with("4-14") {
        0.8
    } else if s.starts_with("4-03") || s.starts_with("4-01") {
        0.5
    } else if s.starts_with('6') {
        0.15
    } else {
        0.45
    }
}

/// A birth date for someone aged `age` on `on`.
fn birth_for_age(rng: &mut ChaCha8Rng, on: Date, age: i32) -> Date {
    days(
        on,
        -(i64::from(age) * 365 + rng.random_range(0..365) + i64::from(age / 4)),
    )
}

/// A district code where someone from the institution's city was born (70% there).
pub fn birth_region(ctx: &Ctx, rng: &mut ChaCha8Rng, city: usize) -> RegionCode {
    let c = if rng.random_bool(0.7) {
        &ctx.cities[city]
    } else {
        pick(rng, &ctx.cities)
    };
    pick(rng, &c.districts).code
}

/// A fresh adult (identity number and name) aged `age` on `on`.
pub fn fresh_person(
    ctx: &mut Ctx,
    rng: &mut ChaCha8Rng,
    city: usize,
    on: Date,
    age: i32,
    female_share: f64,
) -> (IdNumber, String) {
    let male = !rng.random_bool(female_share);
    let birth = birth_for_age(rng, on, age);
    let region = birth_region(ctx, rng, city);
    let id = ctx.ids.fresh(rng, region, birth, male);
    (id, person_name(rng, male))
}

/// Issues a history certificate (before the window) of `occupation`/`level` to a
/// person, numbered by `inst` (legacy 16-digit numbers before 2020).
#[allow(clippy::too_many_arguments)]
pub fn history_cert(
    ctx: &mut Ctx,
    inst: &mut InstDraft,
    rng: &mut ChaCha8Rng,
    id: IdNumber,
    name: &str,
    occupation: OccupationCode,
    level: Level,
    latest: Date,
) -> Certificate {
    let earliest = days(id.birth_date(), 19 * 365);
    let span = (latest - earliest).num_days().clamp(0, 5 * 365);
    let issued_on = days(latest, -rng.random_range(0..=span));
    let cert_no = cert_number(ctx, inst, issued_on, level);
    Certificate {
        cert_no,
        candidate_id: id,
        name: name.into(),
        institution_id: inst.inst.institution_id.clone(),
        batch_id: None,
        occupation_code: occupation,
        level,
        issued_on,
        uploaded_at: Some({
            let k = rng.random_range(0..4);
            super::util::office_time(rng, days(issued_on, k))
        }),
        status: CertStatus::Valid,
    }
}

/// Builds an eligible application to a batch of `cap` starting on `start`, applied
/// at `applied`; issues the history certificate it relies on when needed. Social
/// organisations sometimes get someone from the pool instead of a new person.
#[allow(clippy::too_many_arguments)]
pub fn new_enrollment(
    ctx: &mut Ctx,
    inst: &mut InstDraft,
    rng: &mut ChaCha8Rng,
    batch_id: &domain::ids::BatchId,
    cap: &Cap,
    start: Date,
    applied: DateTime,
    employer: Option<(CreditCode, Text)>,
    may_use_pool: bool,
) -> Enrollment {
    let level = cap.level.number();
    let path = draw_path(rng, level);
    let need = min_years(level, path);
    let (employer_credit_code, employer_name) = match employer {
        Some((c, n)) => (Some(c), Some(n)),
        None => (None, None),
    };
    let mut e = Enrollment {
        batch_id: batch_id.clone(),
        candidate_id: IdNumber::parse("11010519491231002X").expect("placeholder"),
        name: Text::default(),
        employer_credit_code: employer_credit_code.map(Into::into),
        employer_name,
        education: None,
        major_related: None,
        work_years: None,
        prior_cert_no: None,
        prior_occupation_code: None,
        prior_level: None,
        prior_cert_on: None,
        applied_at: Some(applied),
    };
    let applied_day = applied.date();
    if may_use_pool
        && level <= 4
        && path == Path::Cert
        && rng.random_bool(0.35)
        && let Some(p) = ctx
            .pool
            .take(&cap.occupation.group(), level + 1, applied_day, start, need)
    {
        e.candidate_id = p.id;
        e.name = p.name.clone();
        e.education = p.education.map(Into::into);
        e.major_related = p.major_related.map(Into::into);
        e.work_years = Some(declared_years(rng, grown_years(&p, start)));
        e.prior_cert_no = Some(p.cert_no.clone().into());
        e.prior_occupation_code = Some(p.occupation.into());
        e.prior_level = Some(p.level.into());
        e.prior_cert_on = Some(p.issued_on.into());
        return e;
    }
    let (age_lo, age_hi) = match level {
        5 => (18, 50),
        4 => (21, 55),
        3 => (24, 56),
        2 => (28, 57),
        _ => (32, 58),
    };
    let mut age: i32 = rng.random_range(age_lo..=age_hi);
    if age_hi > 30 && rng.random_bool(0.5) {
        // Skew towards the younger half.
        age = rng.random_range(age_lo..=(age_lo + age_hi) / 2);
    }
    age = age.max(17 + i32::from(need) + 1);
    let max_years = (age - 17).clamp(1, 40) as u8;
    let mut years = if need >= max_years {
        max_years
    } else {
        rng.random_range(need.max(1)..=max_years.min(need.max(1) + 14))
    };
    let mut edu = draw_education(rng);
    let mut related = rng.random_bool(0.55);
    match path {
        Path::Diploma => {
            edu = Education::TechnicalSchool;
            related = true;
            years = years.min(rng.random_range(0..=5));
        }
        Path::CertSenior => edu = Education::SeniorTechnical,
        Path::CertCollege => edu = Education::College,
        _ => {}
    }
    let (id, name) = fresh_person(
        ctx,
        rng,
        inst.city,
        start,
        age,
        female_share(&cap.occupation),
    );
    e.candidate_id = id;
    e.name = name.as_str().into();
    e.education = Some(edu.into());
    e.major_related = Some(related.into());
    e.work_years = Some(declared_years(rng, years));
    if matches!(path, Path::Cert | Path::CertSenior | Path::CertCollege) {
        let prior_level = cap.level.lower().expect("levels 4..1 have a lower level");
        let mates = group_mates(&cap.occupation);
        let occupation = if !mates.is_empty() && rng.random_bool(0.12) {
            *pick(rng, &mates)
        } else {
            cap.occupation
        };
        let latest = days(ctx.window_from, -1).min(days(applied_day, -365));
        let cert = history_cert(ctx, inst, rng, id, &name, occupation, prior_level, latest);
        e.prior_cert_no = Some(cert.cert_no.clone().into());
        e.prior_occupation_code = Some(occupation.into());
        e.prior_level = Some(prior_level.into());
        e.prior_cert_on = Some(cert.issued_on.into());
        inst.history_certs.push(cert);
    }
    debug_assert!(meets_requirements(&e, cap.level), "{e:?}");
    e
}
