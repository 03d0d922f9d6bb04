//! The province's institutions: the skeleton (who, where, which kind, how busy,
//! registration dates, planned institution-level injection) decided up front, and
//! each institution's registration rows (institution, scopes, sites, affiliates,
//! examiners and supervisors) built when its chunk is generated.

use super::draft::{Cap, Examiner, InstDraft};
use super::names;
use super::occupations::{self, INDUSTRIES, SCHOOL_TRACKS, SPECIAL_TRACKS, Track};
use super::people::fresh_person;
use super::state::Ctx;
use super::util::{add_months, days, normal, pick, term_end, weighted};
use domain::cert_no::IssuerKind;
use domain::enums::*;
use domain::finding::FindingKind;
use domain::ids::*;
use domain::model::*;
use domain::{CreditCode, Date, Level, RegionCode};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// What is decided about an institution before any of its rows exist.
#[derive(Debug, Clone)]
pub struct Profile {
    pub index: usize,
    pub id: InstitutionId,
    /// Sequence code in certificate numbers.
    pub seq: u32,
    pub kind: InstitutionKind,
    pub city: usize,
    pub district: usize,
    pub track: &'static Track,
    /// Expected enrollments over the window.
    pub volume: f64,
    pub registered_on: Date,
    pub status: RegistrationStatus,
    pub status_since: Option<Date>,
    /// The period in which it runs activities.
    pub act_from: Date,
    pub act_to: Date,
    /// The institution-level injection it carries, if any.
    pub plan: Option<FindingKind>,
    /// False for the institution of the unregistered-institution injection.
    pub registered: bool,
    /// Registered with the province (省本级备案) rather than its city.
    pub provincial: bool,
}

/// Institution-level injections decided with the skeleton.
pub const INSTITUTION_KINDS: &[FindingKind] = &[
    FindingKind::EmployerOverHeadcount,
    FindingKind::FalseAdvertising,
    FindingKind::SubsidyBait,
    FindingKind::Inactive,
    FindingKind::SubstantiatedComplaint,
    FindingKind::AccessOtherInstitution,
    FindingKind::AccessBulk,
    FindingKind::RegistrationInactive,
    FindingKind::OutsideScope,
    FindingKind::ExaminerDoubleBooked,
    FindingKind::LenientExaminer,
    FindingKind::ExaminerScoreConcentration,
    FindingKind::UnregisteredInstitution,
];

/// Whether an institution of `kind` can host an institution-level injection.
pub fn can_host(plan: FindingKind, kind: InstitutionKind) -> bool {
    match plan {
        FindingKind::EmployerOverHeadcount => kind == InstitutionKind::Employer,
        // Special sites run level 5 only and small batches: keep structural
        // injections on employers and schools.
        FindingKind::OutsideScope
        | FindingKind::ExaminerDoubleBooked
        | FindingKind::LenientExaminer
        | FindingKind::ExaminerScoreConcentration => kind != InstitutionKind::Special,
        _ => true,
    }
}

/// Apportions `n` among weights by largest remainder.
fn apportion(n: usize, weights: &[f64]) -> Vec<usize> {
    let total: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / total * n as f64).collect();
    let mut out: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut rest: Vec<(usize, f64)> = exact
        .iter()
        .enumerate()
        .map(|(i, x)| (i, x - x.floor()))
        .collect();
    rest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let missing = n - out.iter().sum::<usize>();
    for (i, _) in rest.into_iter().take(missing) {
        out[i] += 1;
    }
    out
}

fn track_for(rng: &mut ChaCha8Rng, kind: InstitutionKind) -> &'static Track {
    let tracks = match kind {
        InstitutionKind::Employer => INDUSTRIES,
        InstitutionKind::Special => SPECIAL_TRACKS,
        _ => SCHOOL_TRACKS,
    };
    &tracks[weighted(rng, tracks.iter().map(|t| t.weight))]
}

/// The whole province's skeleton: `40 × scale` institutions apportioned to cities,
/// with kinds, registration, activity periods and volumes summing to about
/// `10,000 × scale` enrollments, and the institution-level injections.
pub fn skeleton(ctx: &Ctx, scale: u32, rng: &mut ChaCha8Rng) -> Vec<Profile> {
    let n = (40 * scale.max(1)) as usize;
    let weights: Vec<f64> = ctx.cities.iter().map(|c| c.weight).collect();
    let per_city = apportion(n, &weights);
    let as_of = ctx.as_of;
    let earliest_reg = days(add_months(as_of, -36), 30);
    let mut out = Vec::with_capacity(n + 8);
    for (city, &count) in per_city.iter().enumerate() {
        for _ in 0..count {
            let kind = [
                InstitutionKind::Employer,
                InstitutionKind::SocialOrg,
                InstitutionKind::Special,
            ][weighted(rng, [25.0, 68.0, 7.0])];
            let district = rng.random_range(0..ctx.cities[city].districts.len());
            let track = track_for(rng, kind);
            let registered_on = if rng.random_bool(0.7) {
                days(
                    earliest_reg,
                    rng.random_range(0..=(ctx.window_from - earliest_reg).num_days()),
                )
            } else {
                days(
                    ctx.window_from,
                    rng.random_range(1..=(days(as_of, -90) - ctx.window_from).num_days()),
                )
            };
            let (status, status_since) = match weighted(rng, [94.0, 3.0, 3.0]) {
                1 => (
                    RegistrationStatus::Suspended,
                    Some(days(as_of, -rng.random_range(20..=150))),
                ),
                2 => (
                    RegistrationStatus::Terminated,
                    Some(days(as_of, -rng.random_range(30..=240))),
                ),
                _ => (RegistrationStatus::Active, None),
            };
            let (status, status_since) = match status_since {
                Some(s) if s > days(registered_on, 200) => (status, Some(s)),
                _ => (RegistrationStatus::Active, None),
            };
            let act_from = ctx
                .window_from
                .max(days(registered_on, rng.random_range(20..=60)));
            let act_to = status_since.map_or(as_of, |s| days(s, -1));
            let kind_factor = match kind {
                InstitutionKind::Employer => 0.8,
                InstitutionKind::Special => 0.35,
                _ => 1.1,
            };
            let size = (0.6 * normal(rng)).exp() * kind_factor * if city == 0 { 1.15 } else { 1.0 };
            out.push(Profile {
                index: 0,
                id: InstitutionId::parse("I0").expect("placeholder"),
                seq: 0,
                kind,
                city,
                district,
                track,
                volume: size,
                registered_on,
                status,
                status_since,
                act_from,
                act_to,
                plan: None,
                registered: true,
                provincial: false,
            });
        }
    }
    plan_institution_injections(ctx, rng, &mut out);
    // Volumes: proportional to size and active time, normalised to the target.
    let target = 10_000.0 * f64::from(scale.max(1));
    let raw: Vec<f64> = out
        .iter()
        .map(|p| p.volume * ((p.act_to - p.act_from).num_days().max(0) as f64 / 730.0))
        .collect();
    let sum: f64 = raw.iter().sum::<f64>().max(1e-9);
    for (p, r) in out.iter_mut().zip(raw) {
        p.volume = r / sum * target;
    }
    // Ids and certificate sequence codes, in order.
    let mut per_city_seq: BTreeMap<usize, u32> = BTreeMap::new();
    let mut with_fakes = Vec::with_capacity(out.len() + 4);
    for mut p in out {
        let s = per_city_seq.entry(p.city).or_insert(0);
        *s += 1;
        p.id = InstitutionId::parse(&format!("I{}{:04}", ctx.cities[p.city].code, s)).expect("id");
        let fake = (p.plan == Some(FindingKind::UnregisteredInstitution)).then(|| {
            let mut f = p.clone();
            f.registered = false;
            f.plan = None;
            f.kind = InstitutionKind::SocialOrg;
            f.track = &SCHOOL_TRACKS[0];
            f.id = InstitutionId::parse(&format!("I{}{:04}", ctx.cities[p.city].code, 9000 + *s))
                .expect("id");
            f.act_from = days(as_of, -rng.random_range(120..=300));
            f.act_to = as_of;
            f.volume = 40.0;
            f
        });
        with_fakes.push(p);
        with_fakes.extend(fake);
    }
    let mut employers = 0usize;
    for (i, p) in with_fakes.iter_mut().enumerate() {
        p.index = i;
        p.seq = i as u32 + 1;
        // Every third employer, from the second on, stands for the 中央在鄂企业
        // and 省属企业 that register with the province (Hubei 机构管理办法 第五条(二)
        // "原则上在省本级备案"): a rule on the order, not a draw, so the random
        // stream — and every other row — is what it was before the column.
        if p.kind == InstitutionKind::Employer && p.registered {
            p.provincial = employers % 3 == 1;
            employers += 1;
        }
    }
    with_fakes
}

/// Draws the institution-level injections (probability `rate` each), forces one of
/// every institution-level kind when the rate is positive, and adjusts each host so
/// that its injection can happen.
fn plan_institution_injections(ctx: &Ctx, rng: &mut ChaCha8Rng, out: &mut [Profile]) {
    if ctx.rate <= 0.0 {
        return;
    }
    for p in out.iter_mut() {
        if rng.random_bool(ctx.rate.min(1.0)) {
            let options: Vec<FindingKind> = INSTITUTION_KINDS
                .iter()
                .copied()
                .filter(|k| can_host(*k, p.kind) && ctx.stats.allows(*k))
                .collect();
            if !options.is_empty() {
                p.plan = Some(*pick(rng, &options));
            }
        }
    }
    for &kind in INSTITUTION_KINDS {
        if !ctx.stats.allows(kind) || out.iter().any(|p| p.plan == Some(kind)) {
            continue;
        }
        let mut hosts: Vec<usize> = (0..out.len())
            .filter(|&i| out[i].plan.is_none() && can_host(kind, out[i].kind))
            .collect();
        // Prefer busy, established, active hosts: the injection needs activity.
        hosts.retain(|&i| out[i].status == RegistrationStatus::Active);
        hosts.shuffle(rng);
        if matches!(
            kind,
            FindingKind::LenientExaminer | FindingKind::ExaminerScoreConcentration
        ) {
            // Busy hosts, so that the examiner grades enough candidates.
            hosts.sort_by(|a, b| out[*b].volume.total_cmp(&out[*a].volume));
        }
        if let Some(&i) = hosts.first() {
            out[i].plan = Some(kind);
        }
    }
    let as_of = ctx.as_of;
    for p in out.iter_mut() {
        let Some(kind) = p.plan else { continue };
        match kind {
            FindingKind::Inactive => {
                // Registered 15..30 months ago, still in term, idle for 13+ months.
                p.status = RegistrationStatus::Active;
                p.status_since = None;
                p.registered_on = days(add_months(as_of, -rng.random_range(15..=30)), 0);
                p.act_from = ctx.window_from.max(days(p.registered_on, 30));
                p.act_to = days(add_months(as_of, -rng.random_range(13..=16)), 0);
            }
            FindingKind::RegistrationInactive => {
                // Suspended recently; one activity after the suspension.
                let since = days(as_of, -rng.random_range(60..=150));
                p.status = RegistrationStatus::Suspended;
                p.status_since = Some(since);
                p.registered_on = p.registered_on.min(days(since, -300));
                p.act_from = ctx.window_from.max(days(p.registered_on, 30));
                p.act_to = days(since, -1);
            }
            FindingKind::LenientExaminer
            | FindingKind::ExaminerScoreConcentration
            | FindingKind::ExaminerDoubleBooked
            | FindingKind::OutsideScope
            | FindingKind::AccessBulk
            | FindingKind::EmployerOverHeadcount => {
                // Needs a full window of activity.
                p.status = RegistrationStatus::Active;
                p.status_since = None;
                p.registered_on = p.registered_on.min(days(ctx.window_from, -30));
                p.act_from = ctx.window_from.max(days(p.registered_on, 30));
                p.act_to = as_of;
                if matches!(
                    kind,
                    FindingKind::LenientExaminer | FindingKind::ExaminerScoreConcentration
                ) {
                    p.volume *= 1.6;
                }
            }
            _ => {}
        }
    }
}

const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A unified social credit code: registration authority and type (91 company, 52
/// 民办非企业, 12 public body), the district, a 9-character organisation code.
pub fn credit_code(rng: &mut ChaCha8Rng, prefix: &str, region: RegionCode) -> CreditCode {
    let org_head = match prefix {
        "91" => "MA",
        "52" => "MJ",
        _ => "",
    };
    let mut body = format!("{prefix}{}{org_head}", region.as_str());
    while body.len() < 17 {
        body.push(char::from(
            CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())],
        ));
    }
    CreditCode::from_body(&body).expect("valid body")
}

/// Skill examiners a session of `n` candidates needs: at least 3, one per 5, odd.
pub fn examiners_needed(n: usize) -> usize {
    let k = n.div_ceil(5).max(3);
    if k.is_multiple_of(2) { k + 1 } else { k }
}

/// Theory proctors a session of `n` candidates needs: at least 2, one per 15.
pub fn proctors_needed(n: usize) -> usize {
    n.div_ceil(15).max(2)
}

/// Mean batch size of an institution with `volume` expected enrollments.
pub fn mean_batch_size(p: &Profile, rng: &mut ChaCha8Rng) -> f64 {
    let base = match p.kind {
        InstitutionKind::Employer => 24.0,
        InstitutionKind::Special => 14.0,
        _ => 22.0,
    };
    let scaled = base * (p.volume / 250.0).powf(0.35) * (0.25 * normal(rng)).exp();
    scaled.clamp(8.0, 45.0)
}

/// Where an institution registered: the province for the provincial employers,
/// else the default of [`Institution::default_authority`].
fn registering_authority(p: &Profile, region: &RegionCode) -> RegionCode {
    if p.provincial {
        region.province()
    } else {
        Institution::default_authority(p.kind, region)
    }
}

/// Builds the registration rows of an institution.
pub fn build(ctx: &mut Ctx, p: &Profile, mean_size: f64, rng: &mut ChaCha8Rng) -> InstDraft {
    let city = ctx.cities[p.city].clone();
    let district = city.districts[p.district].clone();
    let (prefix, name) = match p.kind {
        InstitutionKind::Employer => ("91", names::company_name(rng, &city, p.track.word)),
        InstitutionKind::Special => (
            if rng.random_bool(0.6) { "12" } else { "52" },
            names::special_site_name(rng, &city, p.track.word),
        ),
        _ => {
            let prefix = ["52", "91", "12"][weighted(rng, [50.0, 35.0, 15.0])];
            let mut name = names::school_name(rng, &city, &district, p.track.word);
            if prefix == "12" && !name.contains("技工学校") {
                name = format!("{}{}技工学校", city.short, names::brand(rng));
            }
            (prefix, name)
        }
    };
    let credit = credit_code(rng, prefix, district.code);
    let inst = Institution {
        institution_id: p.id.clone(),
        name: name.as_str().into(),
        credit_code: credit,
        kind: p.kind,
        region_code: district.code,
        registered_on: p.registered_on,
        expires_on: term_end(p.registered_on),
        status: p.status,
        status_since: p.status_since,
        employee_count: None,
        phone: Some(names::phone(rng, &city).into()),
        registered_by: Some(registering_authority(p, &district.code)),
    };
    let mut d = InstDraft {
        inst,
        registered: p.registered,
        city: p.city,
        seq: p.seq,
        issuer: if p.kind == InstitutionKind::Employer {
            IssuerKind::Employer
        } else {
            IssuerKind::SocialOrg
        },
        scopes: Vec::new(),
        caps: Vec::new(),
        sites: Vec::new(),
        affiliates: Vec::new(),
        personnel: Vec::new(),
        examiners: Vec::new(),
        supervisors: Vec::new(),
        batches: Vec::new(),
        history_certs: Vec::new(),
        extra_certs: Vec::new(),
        complaints: Vec::new(),
        promotions: Vec::new(),
        sanctions: Vec::new(),
        access_log: Vec::new(),
        labels: Vec::new(),
        serials: BTreeMap::new(),
    };
    build_scopes(ctx, p, rng, &mut d);
    build_sites(ctx, p, rng, &mut d, &city);
    if p.kind == InstitutionKind::Employer {
        build_affiliates(ctx, p, rng, &mut d, &city);
    }
    build_personnel(ctx, p, mean_size, rng, &mut d);
    d
}

fn build_scopes(ctx: &Ctx, p: &Profile, rng: &mut ChaCha8Rng, d: &mut InstDraft) {
    let trades = p.track.trades;
    let n_occ = match p.kind {
        InstitutionKind::Employer => rng.random_range(2..=4),
        InstitutionKind::Special => rng.random_range(1..=2),
        _ => rng.random_range(1..=3),
    }
    .min(trades.len());
    let mut order: Vec<usize> = (0..trades.len()).collect();
    // The track's first trade is its flagship: keep it most of the time.
    order[1..].shuffle(rng);
    if rng.random_bool(0.25) {
        order.shuffle(rng);
    }
    let mut pairs = 0;
    for &ti in order.iter().take(n_occ) {
        let trade = &trades[ti];
        let occ = occupations::code(trade);
        let levels = occupations::levels(trade);
        // Cover from level 5 up to a random top level.
        let top = rng.random_range(1..=levels.len());
        for (k, &level) in levels.iter().take(top).enumerate() {
            if pairs >= 8 {
                break;
            }
            pairs += 1;
            let late = k > 0
                && rng.random_bool(0.15)
                && days(p.registered_on, 500) < days(ctx.as_of, -150);
            let valid_from = late.then(|| days(p.registered_on, rng.random_range(90..=500)));
            d.scopes.push(Scope {
                institution_id: p.id.clone(),
                occupation_code: occ,
                occupation_name: Some(occupations::name(&occ).into()),
                level,
                valid_from,
                valid_to: None,
            });
            d.caps.push(Cap {
                occupation: occ,
                level,
                valid_from: valid_from.unwrap_or(p.registered_on),
                in_scope: true,
            });
        }
    }
    if p.plan == Some(FindingKind::OutsideScope) {
        // One level above the top registered level of the first occupation, or a
        // trade of the track it did not register.
        let first = d.caps[0].occupation;
        let top = d
            .caps
            .iter()
            .filter(|c| c.occupation == first)
            .map(|c| c.level)
            .min()
            .expect("a level");
        let extra = match top.higher() {
            Some(l) => Some((first, l)),
            None => trades
                .iter()
                .map(occupations::code)
                .find(|o| !d.caps.iter().any(|c| c.occupation == *o))
                .map(|o| (o, Level::new(5).expect("5"))),
        };
        if let Some((occupation, level)) = extra {
            d.caps.push(Cap {
                occupation,
                level,
                valid_from: p.registered_on,
                in_scope: false,
            });
        }
    }
}

fn build_sites(
    ctx: &Ctx,
    p: &Profile,
    rng: &mut ChaCha8Rng,
    d: &mut InstDraft,
    city: &super::region::City,
) {
    let mut n = [1, 2, 3][weighted(rng, [60.0, 30.0, 10.0])];
    if p.plan == Some(FindingKind::ExaminerDoubleBooked) {
        n = n.max(2);
    }
    for k in 0..n {
        let district = if k == 0 || rng.random_bool(0.6) {
            &city.districts[p.district]
        } else {
            pick(rng, &city.districts)
        };
        let registered_on = if k == 0 || p.plan == Some(FindingKind::ExaminerDoubleBooked) {
            p.registered_on
        } else {
            days(p.registered_on, rng.random_range(0..=300))
                .min(days(p.act_to, -60).max(p.registered_on))
        };
        let revoked_on =
            (k > 0 && p.plan != Some(FindingKind::ExaminerDoubleBooked) && rng.random_bool(0.12))
                .then(|| days(registered_on, rng.random_range(200..=500)))
                .filter(|r| *r < days(ctx.as_of, -30));
        d.sites.push(Site {
            site_id: SiteId::parse(&format!("{}-C{:02}", p.id, k + 1)).expect("id"),
            institution_id: p.id.clone(),
            address: names::address(rng, city, district).into(),
            capacity: Some(if k == 0 {
                rng.random_range(60..=150)
            } else {
                rng.random_range(40..=100)
            }),
            registered_on: Some(registered_on),
            revoked_on,
            region_code: Some(district.code),
        });
    }
}

fn build_affiliates(
    ctx: &Ctx,
    p: &Profile,
    rng: &mut ChaCha8Rng,
    d: &mut InstDraft,
    city: &super::region::City,
) {
    let subsidiaries = rng.random_range(0..=3);
    let partners = rng.random_range(0..=3);
    for _ in 0..subsidiaries {
        let district = pick(rng, &city.districts);
        let word = *pick(
            rng,
            &["物流", "机电设备", "后勤服务", "技术服务", "销售", "检测"],
        );
        d.affiliates.push(Affiliate {
            institution_id: p.id.clone(),
            credit_code: credit_code(rng, "91", district.code),
            name: names::company_name(rng, city, word).into(),
            relation: Relation::Subsidiary,
            valid_from: Some(days(p.registered_on, -rng.random_range(0..=1500))),
            valid_to: None,
        });
    }
    for _ in 0..partners {
        let c = pick(rng, &ctx.cities);
        let district = pick(rng, &c.districts);
        let from = days(ctx.window_from, rng.random_range(-200..=300));
        d.affiliates.push(Affiliate {
            institution_id: p.id.clone(),
            credit_code: credit_code(rng, "91", district.code),
            name: names::company_name(rng, c, p.track.word).into(),
            relation: Relation::Agreement,
            valid_from: Some(from),
            valid_to: Some(days(add_months(from, 12 * rng.random_range(1..=2)), -1)),
        });
    }
}

/// Adds an examiner to the register and returns its index in `d.examiners`.
#[allow(clippy::too_many_arguments)]
pub fn add_examiner(
    ctx: &mut Ctx,
    rng: &mut ChaCha8Rng,
    d: &mut InstDraft,
    institution_id: &InstitutionId,
    occupation: domain::OccupationCode,
    max_level: Level,
    valid_from: Date,
    valid_to: Date,
) -> usize {
    let (id, name) = {
        let age = rng.random_range(30..=60);
        fresh_person(ctx, rng, d.city, ctx.as_of, age, 0.35)
    };
    let card = ctx.card("KP");
    d.personnel.push(Person {
        person_id: PersonId::parse(&card).expect("id"),
        id_number: Some(id),
        name: name.as_str().into(),
        role: PersonRole::Examiner,
        institution_id: Some(institution_id.clone()),
        occupation_code: Some(occupation),
        max_level: Some(max_level),
        valid_from: Some(valid_from),
        valid_to: Some(valid_to),
        employer_credit_code: Some(d.inst.credit_code),
    });
    d.examiners.push(Examiner {
        person: d.personnel.len() - 1,
        occupation,
        max_level,
        valid_from,
        valid_to,
        weight: (0.7 * normal(rng)).exp(),
        busy: Vec::new(),
    });
    d.examiners.len() - 1
}

fn build_personnel(
    ctx: &mut Ctx,
    p: &Profile,
    mean_size: f64,
    rng: &mut ChaCha8Rng,
    d: &mut InstDraft,
) {
    let biggest = (mean_size * 1.6).ceil().min(60.0) as usize;
    let base = examiners_needed(biggest) + 2;
    let mut occs: Vec<(domain::OccupationCode, Level)> = Vec::new();
    for c in &d.caps {
        match occs.iter_mut().find(|(o, _)| *o == c.occupation) {
            Some((_, top)) => *top = (*top).min(c.level),
            None => occs.push((c.occupation, c.level)),
        }
    }
    let id = p.id.clone();
    for (k, (occ, top)) in occs.into_iter().enumerate() {
        let mut count = base;
        if k == 0 && p.plan == Some(FindingKind::ExaminerDoubleBooked) {
            count = count.max(9);
        }
        for _ in 0..count {
            let max_level = if top.number() > 1 && rng.random_bool(0.3) {
                top.higher().expect("higher")
            } else {
                top
            };
            let from = days(p.registered_on, -rng.random_range(0..=700));
            let x = add_examiner(
                ctx,
                rng,
                d,
                &id,
                occ,
                max_level,
                from,
                days(add_months(from, 60), -1),
            );
            if k == 0
                && matches!(
                    p.plan,
                    Some(FindingKind::LenientExaminer | FindingKind::ExaminerScoreConcentration)
                )
                && x == 0
            {
                // The chief examiner, in nearly every skill team.
                d.examiners[x].weight = 1_000.0;
            }
        }
        // Churn: examiners whose card lapsed during the window, and newcomers.
        for _ in 0..rng.random_range(0..=2) {
            let lapsed = rng.random_bool(0.5);
            let (from, to) = if lapsed {
                let to = days(ctx.window_from, rng.random_range(30..=600));
                (days(add_months(to, -36), 1), to)
            } else {
                let from = days(ctx.window_from, rng.random_range(60..=600));
                (from, days(add_months(from, 60), -1))
            };
            add_examiner(ctx, rng, d, &id, occ, top, from, to);
        }
    }
    let n_sup = if mean_size > 25.0 { 2 } else { 1 } + usize::from(rng.random_bool(0.2));
    for _ in 0..n_sup {
        let (pid, name) = {
            let age = rng.random_range(32..=58);
            fresh_person(ctx, rng, d.city, ctx.as_of, age, 0.5)
        };
        let card = ctx.card("NB");
        let from = days(p.registered_on, -rng.random_range(0..=400));
        d.personnel.push(Person {
            person_id: PersonId::parse(&card).expect("id"),
            id_number: Some(pid),
            name: name.as_str().into(),
            role: PersonRole::InternalSupervisor,
            institution_id: Some(id.clone()),
            occupation_code: None,
            max_level: None,
            valid_from: Some(from),
            valid_to: Some(days(add_months(from, 60), -1)),
            employer_credit_code: Some(d.inst.credit_code),
        });
        d.supervisors.push(d.personnel.len() - 1);
    }
}

/// The province's external supervisors (外督员): not tied to an institution.
pub fn external_supervisors(ctx: &mut Ctx, rng: &mut ChaCha8Rng, n: usize) -> Vec<Person> {
    (0..n)
        .map(|_| {
            let city = rng.random_range(0..ctx.cities.len());
            let (pid, name) = {
                let age = rng.random_range(35..=60);
                fresh_person(ctx, rng, city, ctx.as_of, age, 0.4)
            };
            let card = ctx.card("WB");
            let from = days(ctx.window_from, -rng.random_range(0..=900));
            Person {
                person_id: PersonId::parse(&card).expect("id"),
                id_number: Some(pid),
                name: name.as_str().into(),
                role: PersonRole::ExternalSupervisor,
                institution_id: None,
                occupation_code: None,
                max_level: None,
                valid_from: Some(from),
                valid_to: Some(days(add_months(from, 60), -1)),
                employer_credit_code: Some(credit_code(rng, "12", ctx.cities[city].code)),
            }
        })
        .collect()
}
