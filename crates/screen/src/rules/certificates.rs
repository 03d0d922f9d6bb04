//! 证书数据造假、违规发证: guide item 12. Certificates issued inside the screened
//! window are checked against their activity; older ones are history (they back
//! prior-level claims) and are not screened themselves.

use crate::context::{BatchView, Ctx};
use crate::engine::Rule;
use crate::finding::{Hit, cert_subject, occ_level};
use domain::enums::Outcome;
use domain::finding::FindingKind as K;
use domain::model::{Certificate, Table};
use rayon::prelude::*;
use serde_json::json;

pub const RULES: &[Rule] = &[
    Rule {
        id: "certificate.activity",
        kinds: &[
            K::CertNoActivity,
            K::CertActivityMismatch,
            K::CertBeforeActivityEnd,
            K::CertNotEnrolled,
        ],
        needs: &[Table::Certificates, Table::Batches, Table::Enrollments],
        regulation: "指引第12项：证书数据造假，违规发放证书或利用证书数据提供有偿服务（第十四条(五)：证书数据造假的）。山西省评估通知 四(一)6：未经评价，直接颁发证书或伪造虚假成绩颁发证书的。",
        run: activity,
    },
    Rule {
        id: "certificate.outcome",
        kinds: &[K::CertNoScores, K::CertFailingResult],
        needs: &[
            Table::Certificates,
            Table::Batches,
            Table::Enrollments,
            Table::Scores,
            Table::Results,
        ],
        regulation: "指引第12项：证书数据造假，违规发放证书。山西省评估通知 四(一)6：未经评价，直接颁发证书或伪造虚假成绩颁发证书的。辽宁省通知 三(五)：不考试就发证、滥发倒卖证书。",
        run: outcome,
    },
    Rule {
        id: "certificate.duplicates",
        kinds: &[K::CertDuplicateNumber],
        needs: &[Table::Certificates],
        regulation: "指引第12项：证书数据造假（第十四条(五)）。",
        run: duplicates,
    },
];

fn in_window(ctx: &Ctx, c: &Certificate) -> bool {
    c.issued_on >= ctx.window_from
}

fn who(c: &Certificate) -> String {
    format!(
        "证书 {}（{} {}）",
        c.cert_no,
        c.name,
        c.candidate_id.masked()
    )
}

/// 证书无对应评价活动、职业等级不符、评价结束前发证、持证人未参加该批次 (item 12).
///
/// 指引第12项：“证书数据造假，违规发放证书……”
pub fn activity(ctx: &Ctx) -> Vec<Hit> {
    let t = ctx.t;
    // Certificates without an activity, or naming one that does not exist.
    let mut out: Vec<Hit> = t
        .certificates
        .par_iter()
        .filter(|c| in_window(ctx, c))
        .filter(|c| {
            c.batch_id
                .as_ref()
                .and_then(|b| ctx.ix.batch_pos(b))
                .is_none()
        })
        .map(|c| {
            let text = match &c.batch_id {
                None => "未关联任何评价批次".to_string(),
                Some(b) => format!("关联的批次 {b} 不存在"),
            };
            Hit::new(
                K::CertNoActivity,
                cert_subject(c),
                format!("{} 于 {} 发证，{}", who(c), c.issued_on, text),
                json!({"batch_id": c.batch_id.as_ref().map(|b| b.to_string()),
                       "issued_on": c.issued_on.to_string()}),
            )
        })
        .collect();
    out.extend(ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut out = Vec::new();
        for c in v.certificates.iter().filter(|c| in_window(ctx, c)) {
            if c.occupation_code != b.occupation_code || c.level != b.level {
                out.push(Hit::new(
                    K::CertActivityMismatch,
                    cert_subject(c),
                    format!(
                        "{} 职业等级为 {}，而批次 {} 评价的是 {}",
                        who(c),
                        occ_level(&c.occupation_code, c.level),
                        b.batch_id,
                        occ_level(&b.occupation_code, b.level)
                    ),
                    json!({"cert_occupation_code": c.occupation_code.to_string(),
                           "cert_level": c.level.number(),
                           "occupation_code": b.occupation_code.to_string(),
                           "level": b.level.number()}),
                ));
            }
            if c.issued_on < b.end_at.date() {
                out.push(Hit::new(
                    K::CertBeforeActivityEnd,
                    cert_subject(c),
                    format!(
                        "{} 发证日期 {} 早于批次 {} 结束时间 {}",
                        who(c),
                        c.issued_on,
                        b.batch_id,
                        super::dt(&b.end_at)
                    ),
                    json!({"issued_on": c.issued_on.to_string(), "end_at": super::dt(&b.end_at)}),
                ));
            }
            if v.enrolled(&c.candidate_id).is_none() {
                out.push(Hit::new(
                    K::CertNotEnrolled,
                    cert_subject(c),
                    format!("{} 的持证人未报名参加批次 {}", who(c), b.batch_id),
                    json!({"candidate_id": c.candidate_id.masked()}),
                ));
            }
        }
        out
    }));
    out
}

/// 证书无成绩记录、不合格人员获发证书 (item 12), for holders enrolled in the
/// certificate's activity.
///
/// 山西省评估通知四(一)6：“未经评价，直接颁发证书或伪造虚假成绩颁发证书的。”
pub fn outcome(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut out = Vec::new();
        for c in v.certificates.iter().filter(|c| in_window(ctx, c)) {
            if v.enrolled(&c.candidate_id).is_none() {
                continue;
            }
            if v.scores_of(&c.candidate_id).is_empty() {
                out.push(Hit::new(
                    K::CertNoScores,
                    cert_subject(c),
                    format!("{} 在批次 {} 中没有任何成绩记录", who(c), b.batch_id),
                    json!({"result": v.result_of(&c.candidate_id).map(|r| r.result.code())}),
                ));
                continue;
            }
            if let Some(r) = v.result_of(&c.candidate_id)
                && r.result != Outcome::Pass
            {
                out.push(Hit::new(
                    K::CertFailingResult,
                    cert_subject(c),
                    format!(
                        "{} 在批次 {} 的评价结果为{}，却获发证书",
                        who(c),
                        b.batch_id,
                        r.result.zh()
                    ),
                    json!({"result": r.result.code()}),
                ));
            }
        }
        out
    })
}

/// 证书编号重复 (item 12): one finding per number carried by more than one
/// certificate (at least one issued in the window), about the first row (its
/// institution and batch).
///
/// 指引第12项 / 第十四条(五)：“证书数据造假的。”
pub fn duplicates(ctx: &Ctx) -> Vec<Hit> {
    let t = ctx.t;
    let mut ix: Vec<u32> = (0..t.certificates.len() as u32).collect();
    ix.par_sort_by(|a, b| {
        t.certificates[*a as usize]
            .cert_no
            .cmp(&t.certificates[*b as usize].cert_no)
            .then(a.cmp(b))
    });
    ix.chunk_by(|a, b| t.certificates[*a as usize].cert_no == t.certificates[*b as usize].cert_no)
        .filter(|g| g.len() > 1)
        .filter(|g| {
            g.iter()
                .any(|&i| in_window(ctx, &t.certificates[i as usize]))
        })
        .map(|g| {
            let rows: Vec<&Certificate> = g.iter().map(|&i| &t.certificates[i as usize]).collect();
            let first = rows[0];
            Hit::new(
                K::CertDuplicateNumber,
                cert_subject(first),
                format!(
                    "证书编号 {} 重复出现 {} 次：{}",
                    first.cert_no,
                    rows.len(),
                    rows.iter()
                        .map(|c| format!(
                            "{} {}（机构 {}，{} 发证）",
                            c.name,
                            c.candidate_id.masked(),
                            c.institution_id,
                            c.issued_on
                        ))
                        .collect::<Vec<_>>()
                        .join("；")
                ),
                json!({"count": rows.len(), "certificates": rows.iter().map(|c| json!({
                    "candidate_id": c.candidate_id.masked(), "name": c.name.as_str(),
                    "institution_id": c.institution_id.to_string(),
                    "batch_id": c.batch_id.as_ref().map(|b| b.to_string()),
                    "issued_on": c.issued_on.to_string()})).collect::<Vec<_>>()}),
            )
        })
        .collect()
}
