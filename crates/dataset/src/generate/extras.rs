//! The rest of an institution's record: complaints, promotional texts (with honest
//! near-misses), past sanctions, the employer headcount, and certificate-data
//! access logs.

use super::draft::InstDraft;
use super::occupations;
use super::state::Ctx;
use super::util::{days, normal, office_time, pick, weighted};
use chrono::{Datelike, Duration};
use domain::enums::*;
use domain::ids::*;
use domain::model::*;
use domain::{CertNo, Date};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

const CHANNELS: &[&str] = &["12333热线", "信访", "网上投诉平台", "来信", "现场"];

/// Complaints that are unfounded, pending, or true but not the institution's fault.
const HONEST_COMPLAINTS: &[&str] = &[
    "反映考试报名费用收取标准公示不清楚",
    "反映证书发放进度较慢",
    "反映考场空调温度过高",
    "咨询技能提升补贴申领流程",
    "反映考评员态度生硬",
    "反映考试成绩公布时间较晚",
    "反映报名系统无法上传照片",
    "反映考点周边停车困难",
    "反映考试时间临时调整通知不及时",
];

/// Substantiated complaints with the institution at fault.
const AT_FAULT_COMPLAINTS: &[&str] = &[
    "反映该机构考前向考生泄露操作技能考核试题，经核实属实",
    "反映考场秩序混乱、有人替考，经核实机构负有责任",
    "反映机构未组织考试即发放证书，经核实属实",
    "反映机构强制考生参加收费培训后方可报名评价，经核实属实",
];

/// Honest promotional texts, including near-misses that mention 包过 or 补贴 without
/// promising a pass or baiting fees.
const HONEST_PROMOTIONS: &[&str] = &[
    "常年开设{occ}培训，考核合格后颁发职业技能等级证书，证书可在人社部门网站查询。",
    "评价过程规范公正，本机构不承诺包过，请考生认真备考。",
    "本机构严格按照国家职业技能标准组织考核，确保过程规范。",
    "考试合格后可按政策申领技能提升补贴，具体以人社部门规定为准。",
    "{occ}报名条件：从事本职业或相关职业工作满1年，详情请咨询。",
    "理论知识考试为闭卷机考，操作技能考核现场评分，欢迎报名。",
    "收费标准已在机构网站公示，培训与评价分开收费、自愿参加。",
    "{occ}职业技能等级认定报名进行中，考核合格率以实际考试为准。",
];

/// Texts promising a pass (包过, 保过, 不过退费, 免考拿证, 不用考试 …).
const FALSE_ADVERTISING: &[&str] = &[
    "{occ}考证包过，不过全额退费！",
    "保过班火热招生，免考拿证，名额有限",
    "无需培训不用考试，三天拿{occ}证书",
    "内部渠道，考试100%通过，不过退费",
];

/// Texts using the government subsidy as bait for fees.
const SUBSIDY_BAIT: &[&str] = &[
    "报名即可领取政府补贴，先交培训费1980元，补贴到账后返还",
    "政府补贴名额有限，先缴纳培训费即可锁定补贴资格",
    "凭身份证报名即享政府技能补贴2000元，学费先交后补",
];

const PROMO_CHANNELS: &[&str] = &[
    "微信公众号",
    "官方网站",
    "抖音",
    "宣传单页",
    "招生简章",
    "朋友圈",
];

fn occupation_word(d: &InstDraft) -> &'static str {
    d.caps
        .first()
        .map_or("职业技能", |c| occupations::name(&c.occupation))
}

fn window_day(ctx: &Ctx, d: &InstDraft, rng: &mut ChaCha8Rng) -> Date {
    let from = ctx.window_from.max(d.inst.registered_on);
    let span = (ctx.as_of - from).num_days().max(1);
    days(from, rng.random_range(0..span))
}

/// Adds a complaint; `at_fault` complaints are substantiated.
pub fn add_complaint(ctx: &mut Ctx, d: &mut InstDraft, rng: &mut ChaCha8Rng, at_fault: bool) {
    let received_on = window_day(ctx, d, rng);
    ctx.next_complaint += 1;
    let (summary, verified, fault) = if at_fault {
        (
            *pick(rng, AT_FAULT_COMPLAINTS),
            Verified::Substantiated,
            Some(true),
        )
    } else {
        match weighted(rng, [55.0, 20.0, 25.0]) {
            0 => (
                *pick(rng, HONEST_COMPLAINTS),
                Verified::Unfounded,
                Some(false),
            ),
            1 => (*pick(rng, HONEST_COMPLAINTS), Verified::Pending, None),
            _ => (
                *pick(rng, HONEST_COMPLAINTS),
                Verified::Substantiated,
                Some(false),
            ),
        }
    };
    d.complaints.push(Complaint {
        complaint_id: ComplaintId::parse(&format!(
            "TS{}{:06}",
            received_on.year(),
            ctx.next_complaint
        ))
        .expect("id"),
        institution_id: d.inst.institution_id.clone(),
        received_on,
        channel: Some((*pick(rng, CHANNELS)).into()),
        summary: summary.to_string(),
        verified,
        at_fault: fault,
    });
}

/// Adds a promotion from `texts`.
pub fn add_promotion(ctx: &Ctx, d: &mut InstDraft, rng: &mut ChaCha8Rng, texts: &[&str]) {
    let text = pick(rng, texts).replace("{occ}", occupation_word(d));
    let captured_on = window_day(ctx, d, rng);
    d.promotions.push(Promotion {
        institution_id: d.inst.institution_id.clone(),
        channel: Some((*pick(rng, PROMO_CHANNELS)).into()),
        captured_on,
        text,
    });
}

/// Honest complaints, promotions and past sanctions.
pub fn honest_extras(ctx: &mut Ctx, d: &mut InstDraft, rng: &mut ChaCha8Rng) {
    if !d.registered {
        return;
    }
    let complaints = (d.batches.len() as f64 / 10.0 * rng.random::<f64>()).round() as usize;
    for _ in 0..complaints.min(4) {
        add_complaint(ctx, d, rng, false);
    }
    for _ in 0..rng.random_range(0..=3) {
        add_promotion(ctx, d, rng, HONEST_PROMOTIONS);
    }
    let established = (ctx.window_from - d.inst.registered_on).num_days();
    if established > 90 && (!ctx.sanctioned || rng.random_bool(0.06)) {
        ctx.sanctioned = true;
        let serious = rng.random_bool(0.2);
        let decided_on = days(d.inst.registered_on, rng.random_range(30..established));
        d.sanctions.push(Sanction {
            institution_id: d.inst.institution_id.clone(),
            decided_on,
            item: GuideItem::parse(&pick(rng, &[3u8, 4, 4, 9, 12]).to_string()).expect("item"),
            severity: if serious {
                Severity::Serious
            } else {
                Severity::General
            },
            disposition: if serious {
                Disposition::Rectify
            } else {
                Disposition::Interview
            },
        });
    }
}

/// Promotional texts of the two item-5 injections.
pub fn false_advertising(ctx: &Ctx, d: &mut InstDraft, rng: &mut ChaCha8Rng) {
    add_promotion(ctx, d, rng, FALSE_ADVERTISING);
}

/// See [`false_advertising`].
pub fn subsidy_bait(ctx: &Ctx, d: &mut InstDraft, rng: &mut ChaCha8Rng) {
    add_promotion(ctx, d, rng, SUBSIDY_BAIT);
}

/// The most certificates the institution issued in one calendar year.
pub fn max_yearly_certs(d: &InstDraft) -> u32 {
    let mut per_year: BTreeMap<i32, u32> = BTreeMap::new();
    for c in d.window_certs().chain(d.history_certs.iter()) {
        *per_year.entry(c.issued_on.year()).or_default() += 1;
    }
    per_year.values().copied().max().unwrap_or(0)
}

/// Sets an employer's headcount: comfortably above its yearly certificates, or
/// (`over`) below the busiest year. Returns false if `over` is impossible.
pub fn set_headcount(d: &mut InstDraft, rng: &mut ChaCha8Rng, over: bool) -> bool {
    if d.inst.kind != InstitutionKind::Employer {
        return !over;
    }
    let top = max_yearly_certs(d);
    if over {
        if top < 3 {
            return false;
        }
        let n = (f64::from(top) * rng.random_range(0.5..0.85)).floor() as u32;
        d.inst.employee_count = Some(n.max(1).min(top - 1));
        return true;
    }
    let typical = (600.0 * (1.1 * normal(rng)).exp()).clamp(150.0, 40_000.0) as u32;
    d.inst.employee_count = Some(typical.max(top * 3 / 2 + 30));
    true
}

/// Reads of the institution's own certificates by its accounts, modest in volume
/// (at most the number issued, never more than 800), after each upload.
pub fn honest_access(ctx: &Ctx, d: &mut InstDraft, rng: &mut ChaCha8Rng) {
    let certs: Vec<(CertNo, Date)> = d
        .window_certs()
        .map(|c| {
            (
                c.cert_no.clone(),
                c.uploaded_at.map_or(c.issued_on, |u| u.date()),
            )
        })
        .collect();
    if certs.is_empty() || !d.registered {
        return;
    }
    let reads = ((certs.len() as f64) * rng.random_range(0.1..0.9))
        .round()
        .min(800.0) as usize;
    let accounts = 1 + usize::from(certs.len() > 200);
    for _ in 0..reads {
        let (no, from) = pick(rng, &certs).clone();
        let span = (ctx.as_of - from).num_days().max(1);
        let day = days(from, rng.random_range(0..span.min(200)));
        d.access_log.push(AccessLog {
            at: office_time(rng, day),
            user_id: UserId::parse(&format!(
                "{}-u{}",
                d.inst.institution_id,
                rng.random_range(1..=accounts)
            ))
            .expect("id"),
            institution_id: Some(d.inst.institution_id.clone()),
            cert_no: no,
            action: if rng.random_bool(0.92) {
                AccessAction::Read
            } else {
                AccessAction::Export
            },
        });
    }
}

/// `access.bulk`: one account reads its own certificates over and over within a few
/// days: more than 12× everything the institution ever issued and at least 1,200
/// reads. Label: the institution.
pub fn bulk_access(ctx: &Ctx, d: &mut InstDraft, rng: &mut ChaCha8Rng) -> bool {
    let certs: Vec<CertNo> = d.window_certs().map(|c| c.cert_no.clone()).collect();
    if certs.is_empty() {
        return false;
    }
    let issued = certs.len() + d.history_certs.len();
    let reads = (issued * 12 + rng.random_range(0..issued + 1)).max(1_200);
    let start = days(ctx.as_of, -rng.random_range(10..=60));
    let t0 = super::util::at(start, 20, 0);
    let user = UserId::parse(&format!("{}-u9", d.inst.institution_id)).expect("id");
    for k in 0..reads {
        d.access_log.push(AccessLog {
            at: t0 + Duration::seconds((k as i64) * 7 + rng.random_range(0..5)),
            user_id: user.clone(),
            institution_id: Some(d.inst.institution_id.clone()),
            cert_no: certs[k % certs.len()].clone(),
            action: if k % 10 == 9 {
                AccessAction::Export
            } else {
                AccessAction::Read
            },
        });
    }
    true
}

/// `access.other_institution`: an account of the institution reads and exports
/// 5–25 certificates of other institutions. Label: the institution.
pub fn foreign_access(
    ctx: &Ctx,
    d: &mut InstDraft,
    foreign: &[(CertNo, InstitutionId)],
    rng: &mut ChaCha8Rng,
) -> bool {
    let others: Vec<&CertNo> = foreign
        .iter()
        .filter(|(_, i)| *i != d.inst.institution_id)
        .map(|(c, _)| c)
        .collect();
    if others.is_empty() {
        return false;
    }
    let n = rng.random_range(5..=25);
    let day = days(ctx.as_of, -rng.random_range(5..=120));
    let user = UserId::parse(&format!("{}-u1", d.inst.institution_id)).expect("id");
    for k in 0..n {
        d.access_log.push(AccessLog {
            at: office_time(rng, day) + Duration::minutes(k),
            user_id: user.clone(),
            institution_id: Some(d.inst.institution_id.clone()),
            cert_no: (*pick(rng, &others)).clone(),
            action: if rng.random_bool(0.7) {
                AccessAction::Read
            } else {
                AccessAction::Export
            },
        });
    }
    true
}
