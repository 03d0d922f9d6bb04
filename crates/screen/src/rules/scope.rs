//! 备案与评价范围: guide items 2 and 9.

use crate::context::{BatchView, Ctx};
use crate::engine::Rule;
use crate::finding::{Hit, batch_subject, enrollment_subject, inst_subject, occ_level};
use chrono::Datelike;
use domain::enums::{InstitutionKind, RegistrationStatus};
use domain::finding::FindingKind as K;
use domain::model::{Scope, Table};
use domain::{Date, Level, OccupationCode};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::json;

pub const RULES: &[Rule] = &[
    Rule {
        id: "scope.registration",
        kinds: &[K::UnregisteredInstitution, K::RegistrationInactive],
        needs: &[Table::Institutions, Table::Batches],
        regulation: "评价机构违纪违规认定处理指引 第9项：评价机构或评价项目未备案即开展评价。湖北省机构管理办法 第二十条：评价机构备案有效期为3年……到期自动取消备案资质。",
        run: registration,
    },
    Rule {
        id: "scope.registered_scope",
        kinds: &[K::OutsideScope],
        needs: &[Table::Institutions, Table::Batches, Table::Scopes],
        regulation: "湖北省机构管理办法 第十六条：评价机构须在备案的职业(工种)、级别范围内开展评价活动。指引第9项 / 第十四条(二)：严重超出备案范围开展评价工作的。",
        run: registered_scope,
    },
    Rule {
        id: "scope.site",
        kinds: &[K::UnregisteredSite],
        needs: &[Table::Batches, Table::Sites],
        regulation: "湖北省机构管理办法 第十七条：评价机构应在备案的考核场所内开展评价活动，考核场所发生变更的，应向原备案部门进行变更登记。湖北省规程 第十三条(二)：未严格按照规定区域和地点组织开展评价的。",
        run: site,
    },
    Rule {
        id: "scope.employer_staff",
        kinds: &[K::CandidateNotStaff],
        needs: &[
            Table::Institutions,
            Table::Batches,
            Table::Enrollments,
            Table::Affiliates,
        ],
        regulation: "指引第2项：对不在评价范围内的人员开展评价：包括相关协议缺失或协议不在有效期内，参评人员不在备案关联企业中等。湖北省机构管理办法 第二条(二)：用人单位可……面向本单位职工(含劳务派遣等用工人员)自主开展职业技能等级认定。",
        run: employer_staff,
    },
    Rule {
        id: "scope.employer_headcount",
        kinds: &[K::EmployerOverHeadcount],
        needs: &[Table::Institutions, Table::Certificates],
        regulation: "辽宁省《关于加强职业技能评价规范管理工作的通知》三(六)：对用人单位重点了解超过本单位用人规模开展的认定，以及面向单位以外人员开展的认定等情况。",
        run: employer_headcount,
    },
];

/// Whether a scope row covers `occupation` at `level` on `on`. A scope registered
/// for an occupation covers its work types; the registration term itself is checked
/// by [`registration`], so only explicit validity dates count here.
pub fn scope_covers(s: &Scope, occupation: &OccupationCode, level: Level, on: Date) -> bool {
    s.level == level
        && (s.occupation_code == *occupation || s.occupation_code == occupation.occupation())
        && s.valid_from.is_none_or(|f| f <= on)
        && s.valid_to.is_none_or(|t| t >= on)
}

/// 未备案即开展评价 (item 9): an activity of an institution that is not registered,
/// or whose registration was not in force (not yet effective, expired, suspended,
/// terminated) when it started.
///
/// 指引第9项：“评价机构或评价项目未备案即开展评价。”
pub fn registration(ctx: &Ctx) -> Vec<Hit> {
    ctx.t
        .batches
        .par_iter()
        .filter_map(|b| {
            let on = b.start_at.date();
            let Some(inst) = ctx.ds.institution(&b.institution_id) else {
                return Some(Hit::new(
                    K::UnregisteredInstitution,
                    batch_subject(b),
                    format!(
                        "批次 {} 的评价机构 {} 未备案（不在评价机构名录中），于 {} 开展 {} 评价",
                        b.batch_id,
                        b.institution_id,
                        on,
                        occ_level(&b.occupation_code, b.level)
                    ),
                    json!({"institution_id": b.institution_id.to_string(), "start_on": on.to_string()}),
                ));
            };
            let reason = if inst.registered_on > on {
                Some((
                    "not_yet_registered",
                    format!("备案于 {} 方生效", inst.registered_on),
                ))
            } else if inst.expires_on < on {
                Some(("expired", format!("备案已于 {} 到期", inst.expires_on)))
            } else if inst.status != RegistrationStatus::Active
                && inst.status_since.is_none_or(|s| s <= on)
            {
                let since = inst
                    .status_since
                    .map_or(String::new(), |s| format!("自 {s} 起"));
                Some((inst.status.code(), format!("{since}处于{}状态", inst.status.zh())))
            } else {
                None
            };
            reason.map(|(code, text)| {
                Hit::new(
                    K::RegistrationInactive,
                    batch_subject(b),
                    format!("批次 {} 于 {} 开展评价，但机构{}", b.batch_id, on, text),
                    json!({"start_on": on.to_string(), "reason": code,
                           "registered_on": inst.registered_on.to_string(),
                           "expires_on": inst.expires_on.to_string(),
                           "status": inst.status.code(),
                           "status_since": inst.status_since.map(|d| d.to_string())}),
                )
            })
        })
        .collect()
}

/// 超出备案范围 (item 9): an activity for an occupation/level the institution has
/// not registered (or not on the activity date).
///
/// 湖北省机构管理办法第十六条：“评价机构须在备案的职业(工种)、级别范围内开展评价活动。”
pub fn registered_scope(ctx: &Ctx) -> Vec<Hit> {
    ctx.t
        .batches
        .par_iter()
        .filter_map(|b| {
            ctx.ds.institution(&b.institution_id)?;
            let on = b.start_at.date();
            let scopes = ctx.ix.scopes.get(&b.institution_id);
            let covered = scopes.is_some_and(|ss| {
                ss.iter()
                    .any(|s| scope_covers(s, &b.occupation_code, b.level, on))
            });
            (!covered).then(|| {
                Hit::new(
                    K::OutsideScope,
                    batch_subject(b),
                    format!(
                        "批次 {} 评价职业 {} 不在备案范围内",
                        b.batch_id,
                        occ_level(&b.occupation_code, b.level)
                    ),
                    json!({"occupation_code": b.occupation_code.to_string(),
                           "level": b.level.number(), "start_on": on.to_string()}),
                )
            })
        })
        .collect()
}

/// 未在备案场所开展评价 (item 9): no site, an unknown site, another institution's
/// site, or a site not registered (yet, or any more) on the activity date.
///
/// 湖北省机构管理办法第十七条：“评价机构应在备案的考核场所内开展评价活动。”
pub fn site(ctx: &Ctx) -> Vec<Hit> {
    ctx.t
        .batches
        .par_iter()
        .filter_map(|b| {
            let on = b.start_at.date();
            let (code, text) = match &b.site_id {
                None => ("none", "未登记考核场所".to_string()),
                Some(id) => match ctx.ds.site(id) {
                    None => ("unknown", format!("考核场所 {id} 未备案")),
                    Some(s) if s.institution_id != b.institution_id => (
                        "other_institution",
                        format!("考核场所 {id} 属于其他机构 {}", s.institution_id),
                    ),
                    Some(s) if s.registered_on.is_some_and(|r| r > on) => (
                        "not_yet_registered",
                        format!("考核场所 {id} 于 {} 方备案", s.registered_on.expect("some")),
                    ),
                    Some(s) if s.revoked_on.is_some_and(|r| r <= on) => (
                        "revoked",
                        format!("考核场所 {id} 已于 {} 撤销", s.revoked_on.expect("some")),
                    ),
                    Some(_) => return None,
                },
            };
            Some(Hit::new(
                K::UnregisteredSite,
                batch_subject(b),
                format!("批次 {} 于 {} 开展评价，{}", b.batch_id, on, text),
                json!({"site_id": b.site_id.as_ref().map(|s| s.to_string()), "reason": code,
                       "start_on": on.to_string()}),
            ))
        })
        .collect()
}

/// 对不在评价范围内的人员开展评价 (item 2): an employer evaluating someone who is
/// neither its own staff nor staff of an affiliate whose relation is valid on the
/// activity date.
///
/// 指引第2项：“对不在评价范围内的人员开展评价：包括相关协议缺失或协议不在有效期内，参评人员
/// 不在备案关联企业中等。”
pub fn employer_staff(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let Some(inst) = ctx.ds.institution(&b.institution_id) else {
            return Vec::new();
        };
        if inst.kind != InstitutionKind::Employer {
            return Vec::new();
        }
        let on = b.start_at.date();
        let affiliates = ctx.ix.affiliates.get(&b.institution_id);
        let mut out = Vec::new();
        for e in &v.enrollments {
            // A malformed declared code matches no one (and is reported by the
            // `eligibility.declared` rule as well).
            let (code, text) = match &e.employer_credit_code {
                Some(d) if d.get() == Some(&inst.credit_code) => continue,
                Some(d) => {
                    let c = d.text();
                    let rel: Vec<_> = affiliates
                        .into_iter()
                        .flatten()
                        .filter(|a| d.get() == Some(&a.credit_code))
                        .collect();
                    if rel.iter().any(|a| {
                        a.valid_from.is_none_or(|f| f <= on) && a.valid_to.is_none_or(|t| t >= on)
                    }) {
                        continue;
                    }
                    match rel.first() {
                        Some(a) => (
                            "relation_not_valid",
                            format!(
                                "所在单位 {}（{}）与机构的{}关系在 {} 不在有效期内（{}至{}）",
                                a.name,
                                c,
                                a.relation.zh(),
                                on,
                                a.valid_from.map_or("—".into(), |d| d.to_string()),
                                a.valid_to.map_or("—".into(), |d| d.to_string())
                            ),
                        ),
                        None => (
                            "not_affiliated",
                            format!(
                                "所在单位 {}（{}）既非本单位也非备案关联单位",
                                e.employer_name.as_deref().unwrap_or("未填"),
                                c
                            ),
                        ),
                    }
                }
                None => (
                    "no_employer",
                    "未填报工作单位，无法证明为本单位职工".to_string(),
                ),
            };
            out.push(Hit::new(
                K::CandidateNotStaff,
                enrollment_subject(b, &e.candidate_id),
                format!(
                    "用人单位评价机构 {} 批次 {} 考生 {} {}",
                    inst.institution_id,
                    b.batch_id,
                    e.candidate_id.masked(),
                    text
                ),
                json!({"reason": code,
                       "employer_credit_code": e.employer_credit_code.as_ref().map(|c| c.text()),
                       "institution_credit_code": inst.credit_code.to_string(),
                       "start_on": on.to_string()}),
            ));
        }
        out
    })
}

/// 年度发证人数超过职工人数 (item 2): an employer certifying more people in one
/// calendar year (certificates issued in the screened window) than its headcount.
///
/// 辽宁省通知三(六)：“对用人单位重点了解超过本单位用人规模开展的认定。”
pub fn employer_headcount(ctx: &Ctx) -> Vec<Hit> {
    let mut out = Vec::new();
    for inst in &ctx.t.institutions {
        let (InstitutionKind::Employer, Some(headcount)) = (inst.kind, inst.employee_count) else {
            continue;
        };
        let Some(rows) = ctx.ix.certs_of.get(&inst.institution_id) else {
            continue;
        };
        let mut per_year: FxHashMap<i32, FxHashSet<domain::IdNumber>> = FxHashMap::default();
        for &i in rows {
            let c = &ctx.t.certificates[i as usize];
            if c.issued_on >= ctx.window_from {
                per_year
                    .entry(c.issued_on.year())
                    .or_default()
                    .insert(c.candidate_id);
            }
        }
        let mut years: Vec<(i32, usize)> = per_year.iter().map(|(y, s)| (*y, s.len())).collect();
        years.sort();
        let over: Vec<&(i32, usize)> = years
            .iter()
            .filter(|(_, n)| *n > headcount as usize)
            .collect();
        let Some(&&(year, n)) = over.iter().max_by_key(|(y, n)| (*n, -*y)) else {
            continue;
        };
        out.push(Hit::new(
            K::EmployerOverHeadcount,
            inst_subject(&inst.institution_id),
            format!(
                "用人单位评价机构 {} {} 年发证 {} 人，超过职工人数 {} 人",
                inst.institution_id, year, n, headcount
            ),
            json!({"year": year, "certified": n, "employee_count": headcount,
                   "years_over": over.iter().map(|(y, n)| json!({"year": y, "certified": n})).collect::<Vec<_>>()}),
        ));
    }
    out
}
