//! 申报条件 and 申报资料: guide items 1 and 10.

use crate::context::{BatchView, Ctx};
use crate::engine::Rule;
use crate::finding::{Hit, batch_subject, enrollment_subject, occ_level};
use domain::declared::Declarable;
use domain::enums::Education;
use domain::finding::FindingKind as K;
use domain::model::{Enrollment, MalformedField, Table};
use domain::{Date, Declared, Level, OccupationCode};
use serde_json::json;

pub const RULES: &[Rule] = &[
    Rule {
        id: "eligibility.requirements",
        kinds: &[K::EligibilityNotMet, K::BatchMostlyIneligible],
        needs: &[Table::Batches, Table::Enrollments],
        regulation: "评价机构违纪违规认定处理指引 第1项：申报材料缺失（学历证书、工作年限、前一等级证书等申报佐证材料缺失）；申报相关性不符（前一等级证书、毕业证书等与要求的相关职业或相关专业不符）。第10项：为参评人员或协助参评人员伪造申报资料或证件，或纵容参评人员违规报名。",
        run: requirements,
    },
    Rule {
        id: "eligibility.prior_certificate",
        kinds: &[
            K::PriorCertNotFound,
            K::PriorCertOtherPerson,
            K::PriorCertAfterApplication,
        ],
        needs: &[Table::Batches, Table::Enrollments, Table::Certificates],
        regulation: "评价机构违纪违规认定处理指引 第10项：为参评人员或协助参评人员伪造申报资料或证件，或纵容参评人员违规报名。湖北省处理工作规程 第七条(一)：通过虚假承诺、提供虚假材料以及其他非正当手段取得参加评价资格的。",
        run: prior_certificate,
    },
    Rule {
        id: "eligibility.declared",
        kinds: &[K::PriorCertMalformed, K::DeclaredMalformed],
        needs: &[Table::Batches, Table::Enrollments],
        regulation: "评价机构违纪违规认定处理指引 第10项：为参评人员或协助参评人员伪造申报资料或证件。第1项：申报材料缺失：学历证书、工作年限、前一等级证书等申报佐证材料缺失。",
        run: declared,
    },
    Rule {
        id: "eligibility.barred",
        kinds: &[K::CandidateBarred],
        needs: &[Table::Batches, Table::Enrollments],
        regulation: "湖北省职业技能等级认定违纪违规处理办法 第五条至第七条：参评人员违纪违规的，视情节取消其当次评价资格，1年、2年或5年内不得参加职业技能等级认定。评价机构违纪违规认定处理指引 第1项：申报相关性不符、资格审核不严。",
        run: barred,
    },
];

/// 禁考期内报名 (item 1): an application made while the candidate was barred by an
/// earlier decision (第五条–第七条: 1, 2 or 5 years); the institution should have
/// refused it at 资格审核. The bars come from the store's cases
/// ([`crate::engine::Options::bars`]); without any, nothing is looked for.
pub fn barred(ctx: &Ctx) -> Vec<Hit> {
    if ctx.bars.is_empty() {
        return Vec::new();
    }
    let mut by_candidate: std::collections::HashMap<&str, Vec<&crate::engine::Bar>> =
        std::collections::HashMap::new();
    for bar in ctx.bars {
        by_candidate
            .entry(bar.candidate_id.as_str())
            .or_default()
            .push(bar);
    }
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut out = Vec::new();
        for e in &v.enrollments {
            let Some(bars) = by_candidate.get(e.candidate_id.as_str()) else {
                continue;
            };
            let on = applied_on(e, b.start_at.date());
            if let Some(bar) = bars.iter().find(|bar| bar.from <= on && on <= bar.until) {
                out.push(Hit::new(
                    K::CandidateBarred,
                    enrollment_subject(b, &e.candidate_id),
                    format!(
                        "批次 {} 考生 {} 于 {on} 报名 {}，处于禁考期内（{} 至 {}，依据 {}）",
                        b.batch_id,
                        e.candidate_id.masked(),
                        occ_level(&b.occupation_code, b.level),
                        bar.from,
                        bar.until,
                        bar.decision
                    ),
                    json!({
                        "applied_on": on.to_string(),
                        "bar_from": bar.from.to_string(),
                        "bar_until": bar.until.to_string(),
                        "decision": bar.decision,
                    }),
                ));
            }
        }
        out
    })
}

/// What each level requires (the national 申报条件 pattern of screening.md item 1).
pub fn requirement_text(level: Level) -> &'static str {
    match level.number() {
        5 => "累计从事本职业或相关职业工作1年(含)以上",
        4 => {
            "取得本职业或相关职业五级证书后累计工作4年(含)以上；或累计工作6年(含)以上；或取得技工学校本专业或相关专业毕业证书"
        }
        3 => {
            "取得本职业或相关职业四级证书后累计工作5年(含)以上；或取得四级证书并具有高级技工学校、技师学院毕业证书；或具有大专学历并取得四级证书后累计工作2年(含)以上"
        }
        2 => {
            "取得本职业或相关职业三级证书后累计工作4年(含)以上；或取得三级证书的高级技工学校、技师学院毕业生累计工作3年(含)以上"
        }
        _ => "取得本职业或相关职业二级证书后累计工作4年(含)以上",
    }
}

/// Whether the prior certificate the application declares counts for `level` of
/// `occupation`: exactly one level below and in the same `D-DD-DD` group. A cited
/// number that is malformed still makes the claim (its forgery is item 10's
/// [`declared`] finding, as a well-formed number that does not exist is
/// [`prior_certificate`]'s); a malformed level or occupation makes none.
pub fn has_qualifying_prior(e: &Enrollment, occupation: &OccupationCode, level: Level) -> bool {
    e.prior_cert_no.is_some()
        && e.prior_level().is_some()
        && e.prior_level() == level.lower()
        && e.prior_occupation()
            .is_some_and(|p| p.group() == occupation.group())
}

/// 申报条件: whether the declared application meets one of the paths of its level.
///
/// Level 5: ≥1 year of related work. Level 4: level-5 certificate and ≥4 years, or
/// ≥6 years, or a related technical-school diploma. Level 3: level-4 certificate and
/// ≥5 years, or a level-4 certificate with a senior-technical diploma, or a college
/// diploma with a level-4 certificate and ≥2 years. Level 2: level-3 certificate and
/// ≥4 years (≥3 with a senior-technical diploma). Level 1: level-2 certificate and ≥4
/// years. The prior certificate must be exactly one level below, same group.
///
/// Work years are compared exactly as declared ([`domain::WorkYears::at_least`]): 4.9 years
/// do not satisfy 满5年. A malformed declared value counts as not declared.
pub fn meets_requirements(e: &Enrollment, occupation: &OccupationCode, level: Level) -> bool {
    let years = |n: u8| e.work_years().is_some_and(|y| y.at_least(n));
    let edu = e.education();
    let related = e.major_related().unwrap_or(false);
    let prior = has_qualifying_prior(e, occupation, level);
    // The diplomas are read literally as the education codes of dataset.md:
    // "technical-school" = `technical_school`, "senior-technical" =
    // `senior_technical`, "college" = `college` (大专).
    let technical = edu == Some(Education::TechnicalSchool);
    let senior = edu == Some(Education::SeniorTechnical);
    let college = edu == Some(Education::College);
    match level.number() {
        5 => years(1),
        4 => (prior && years(4)) || years(6) || (technical && related),
        3 => prior && (years(5) || senior || (college && years(2))),
        2 => (prior && years(4)) || (prior && senior && years(3)),
        _ => prior && years(4),
    }
}

/// A declared value for a message: as declared, `未填` when absent, or the text
/// with `（无法识别）` when malformed.
fn shown<T: Declarable>(v: &Option<Declared<T>>) -> String {
    match v {
        None => "未填".into(),
        Some(d) if d.get().is_some() => d.text().into_owned(),
        Some(d) => format!("“{}”（无法识别）", d.text()),
    }
}

fn facts(e: &Enrollment, occupation: &OccupationCode, level: Level) -> String {
    let prior = match (&e.prior_cert_no, e.prior_level(), e.prior_occupation()) {
        (Some(_), Some(l), Some(o)) => {
            let mut s = format!("前一等级证书 {}", occ_level(&o, l));
            if Some(l) != level.lower() {
                s.push_str("（等级不符）");
            } else if o.group() != occupation.group() {
                s.push_str("（职业不相关）");
            }
            s
        }
        (Some(_), _, _) => "前一等级证书信息不全".into(),
        _ => "无前一等级证书".into(),
    };
    let years = match &e.work_years {
        Some(y) if y.get().is_some() => format!("{} 年", y.text()),
        other => shown(other),
    };
    let education = match e.education() {
        Some(d) => d.zh().to_string(),
        None => shown(&e.education),
    };
    format!("相关工作年限 {years}，学历 {education}，{prior}")
}

/// 申报条件不符 (item 1) per application, and 纵容批量违规报名 (item 10) for a batch
/// where most applications fail.
///
/// 指引第1项：“申报材料缺失：学历证书、工作年限、前一等级证书等申报佐证材料缺失。申报相关性
/// 不符：前一等级证书、毕业证书等与要求的相关职业或相关专业不符。”
/// 指引第10项：“……或纵容参评人员违规报名。”
pub fn requirements(ctx: &Ctx) -> Vec<Hit> {
    let policy = &ctx.rulebook.policy;
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut out = Vec::new();
        for e in &v.enrollments {
            if meets_requirements(e, &b.occupation_code, b.level) {
                continue;
            }
            out.push(Hit::new(
                K::EligibilityNotMet,
                enrollment_subject(b, &e.candidate_id),
                format!(
                    "批次 {} 考生 {} 申报 {} 不符合申报条件：{}；要求{}",
                    b.batch_id,
                    e.candidate_id.masked(),
                    occ_level(&b.occupation_code, b.level),
                    facts(e, &b.occupation_code, b.level),
                    requirement_text(b.level)
                ),
                json!({
                    "occupation_code": b.occupation_code.to_string(),
                    "level": b.level.number(),
                    "work_years": e.work_years.as_ref().map(|y| y.text()),
                    "education": e.education.as_ref().map(|x| x.text()),
                    "major_related": e.major_related(),
                    "prior_cert_no": e.prior_cert_no.as_ref().map(|c| c.text()),
                    "prior_occupation_code": e.prior_occupation_code.as_ref().map(|c| c.text()),
                    "prior_level": e.prior_level.as_ref().map(|l| l.text()),
                }),
            ));
        }
        let n = v.enrollments.len();
        let bad = out.len();
        if bad as u32 >= policy.batch_mostly_ineligible_min
            && bad as f64 > policy.batch_mostly_ineligible_share * n as f64
        {
            out.push(Hit::new(
                K::BatchMostlyIneligible,
                batch_subject(b),
                format!(
                    "批次 {} 共 {} 人报名，其中 {} 人不符合申报条件（{:.0}%），涉嫌纵容批量违规报名",
                    b.batch_id,
                    n,
                    bad,
                    100.0 * bad as f64 / n as f64
                ),
                json!({"enrollments": n, "ineligible": bad,
                       "share": (bad as f64 / n as f64 * 1000.0).round() / 1000.0,
                       "threshold": policy.batch_mostly_ineligible_share}),
            ));
        }
        out
    })
}

/// The date an application was made: `applied_at`, else the activity start.
fn applied_on(e: &Enrollment, start: Date) -> Date {
    e.applied_at.map_or(start, |t| t.date())
}

/// 前一等级证书核验 (item 10): the cited certificate must exist, be the candidate's
/// own and predate the application.
///
/// 指引第10项：“为参评人员或协助参评人员伪造申报资料或证件……”；湖北省规程第七条(一)：
/// “通过虚假承诺、提供虚假材料以及其他非正当手段取得参加评价资格的。”
pub fn prior_certificate(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut out = Vec::new();
        for e in &v.enrollments {
            // A malformed number is the [`declared`] rule's.
            let Some(no) = e.prior_cert() else { continue };
            let subject = || enrollment_subject(b, &e.candidate_id);
            let who = e.candidate_id.masked();
            let certs: Vec<_> = ctx.ds.certificates_numbered(no).collect();
            if certs.is_empty() {
                out.push(Hit::new(
                    K::PriorCertNotFound,
                    subject(),
                    format!(
                        "批次 {} 考生 {} 申报所附前一等级证书 {} 在证书库中不存在",
                        b.batch_id, who, no
                    ),
                    json!({"prior_cert_no": no.to_string()}),
                ));
                continue;
            }
            let own: Vec<_> = certs
                .iter()
                .filter(|c| c.candidate_id == e.candidate_id)
                .collect();
            if own.is_empty() {
                out.push(Hit::new(
                    K::PriorCertOtherPerson,
                    subject(),
                    format!(
                        "批次 {} 考生 {} 申报所附前一等级证书 {} 属于他人（{}）",
                        b.batch_id,
                        who,
                        no,
                        certs[0].candidate_id.masked()
                    ),
                    json!({"prior_cert_no": no.to_string(),
                           "holder": certs[0].candidate_id.masked()}),
                ));
                continue;
            }
            let applied = applied_on(e, b.start_at.date());
            let earliest = own.iter().map(|c| c.issued_on).min().expect("non-empty");
            if earliest > applied {
                out.push(Hit::new(
                    K::PriorCertAfterApplication,
                    subject(),
                    format!(
                        "批次 {} 考生 {} 于 {} 报名，所附前一等级证书 {} 发证日期为 {}，晚于报名",
                        b.batch_id, who, applied, no, earliest
                    ),
                    json!({"prior_cert_no": no.to_string(), "applied_on": applied.to_string(),
                           "issued_on": earliest.to_string()}),
                ));
            }
        }
        out
    })
}

/// Malformed declared values (dataset.md, “Declared values”): kept as written and
/// reported with the reason, one finding per application and kind.
///
/// A prior-level certificate that cannot exist — its number malformed (e.g. level
/// digit 8), or its declared occupation, level or date — is 伪造申报资料 (item 10):
/// 指引第10项：“为参评人员或协助参评人员伪造申报资料或证件……”. Any other declared value
/// that cannot be read (学历, 专业相关, 相关工作年限, 工作单位信用代码) leaves the
/// application without that supporting fact (item 1): 指引第1项：“申报材料缺失：学历证书、
/// 工作年限、前一等级证书等申报佐证材料缺失。”
pub fn declared(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut out = Vec::new();
        for e in &v.enrollments {
            let bad = e.malformed();
            if bad.is_empty() {
                continue;
            }
            let (prior, other): (Vec<MalformedField>, Vec<MalformedField>) =
                bad.iter().partition(|m| m.column.starts_with("prior_"));
            for (kind, fields) in [
                (K::PriorCertMalformed, prior),
                (K::DeclaredMalformed, other),
            ] {
                if fields.is_empty() {
                    continue;
                }
                let text: Vec<String> = fields
                    .iter()
                    .map(|m| format!("{}{}", column_zh(m.column), m.malformed.reason()))
                    .collect();
                let what = if kind == K::PriorCertMalformed {
                    "申报所附前一等级证书不可能存在"
                } else {
                    "申报信息无法识别"
                };
                out.push(Hit::new(
                    kind,
                    enrollment_subject(b, &e.candidate_id),
                    format!(
                        "批次 {} 考生 {} {}：{}",
                        b.batch_id,
                        e.candidate_id.masked(),
                        what,
                        text.join("；")
                    ),
                    json!({"fields": fields.iter().map(|m| json!({
                        "column": m.column,
                        "value": m.malformed.text(),
                        "reason": m.malformed.reason(),
                    })).collect::<Vec<_>>()}),
                ));
            }
        }
        out
    })
}

/// The Chinese header of a declared enrollment column (dataset.md).
fn column_zh(column: &str) -> &'static str {
    match column {
        "employer_credit_code" => "工作单位信用代码",
        "education" => "学历",
        "major_related" => "专业相关",
        "work_years" => "相关工作年限",
        "prior_cert_no" => "原证书编号",
        "prior_occupation_code" => "原证书职业",
        "prior_level" => "原证书等级",
        "prior_cert_on" => "原证书日期",
        _ => "申报信息",
    }
}
