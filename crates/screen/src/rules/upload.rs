//! 超范围上传证书数据、上传证书数据有错误: guide item 15 (graded by extent, the
//! data revoked).

use crate::context::{BatchView, Ctx};
use crate::engine::Rule;
use crate::finding::{Hit, cert_subject, occ_level};
use crate::rules::scope::scope_covers;
use domain::finding::FindingKind as K;
use domain::model::Table;
use rayon::prelude::*;
use serde_json::json;

pub const RULES: &[Rule] = &[
    Rule {
        id: "upload.scope",
        kinds: &[K::UploadOutsideScope],
        needs: &[Table::Certificates, Table::Institutions, Table::Scopes],
        regulation: "指引第15项 / 第十五条：评价机构超范围上传证书数据、上传证书数据有错误的，撤销其上传的违规证书数据，并视情节给予警告、暂停评价活动、直至终止备案的处理。",
        run: outside_scope,
    },
    Rule {
        id: "upload.record",
        kinds: &[K::UploadContradictsRecord],
        needs: &[Table::Certificates, Table::Batches, Table::Enrollments],
        regulation: "指引第15项 / 第十五条：评价机构……上传证书数据有错误的，撤销其上传的违规证书数据。",
        run: record,
    },
];

/// 超范围上传证书数据 (item 15): a certificate of the window for an occupation/level
/// its (registered) institution had no scope for, neither when it evaluated (the
/// activity date) nor when it issued the certificate.
///
/// 指引第十五条：“评价机构超范围上传证书数据……撤销其上传的违规证书数据。”
pub fn outside_scope(ctx: &Ctx) -> Vec<Hit> {
    ctx.t
        .certificates
        .par_iter()
        .filter(|c| c.issued_on >= ctx.window_from)
        .filter_map(|c| {
            ctx.ds.institution(&c.institution_id)?;
            let activity_on = c
                .batch_id
                .as_ref()
                .and_then(|b| ctx.ds.batch(b))
                .map(|b| b.start_at.date());
            let on = activity_on.unwrap_or(c.issued_on);
            let covered = ctx.ix.scopes.get(&c.institution_id).is_some_and(|ss| {
                ss.iter().any(|s| {
                    scope_covers(s, &c.occupation_code, c.level, c.issued_on)
                        || activity_on
                            .is_some_and(|d| scope_covers(s, &c.occupation_code, c.level, d))
                })
            });
            (!covered).then(|| {
                Hit::new(
                    K::UploadOutsideScope,
                    cert_subject(c),
                    format!(
                        "证书 {}（{}）为 {}，不在机构 {} 的备案范围内",
                        c.cert_no,
                        c.candidate_id.masked(),
                        occ_level(&c.occupation_code, c.level),
                        c.institution_id
                    ),
                    json!({"occupation_code": c.occupation_code.to_string(),
                           "level": c.level.number(), "on": on.to_string()}),
                )
            })
        })
        .collect()
}

/// 上传证书数据与评价记录不符 (item 15): a certificate whose institution differs from
/// its activity's, or whose holder's name differs from the application's.
///
/// 指引第十五条：“……上传证书数据有错误的，撤销其上传的违规证书数据。”
pub fn record(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut out = Vec::new();
        for c in v
            .certificates
            .iter()
            .filter(|c| c.issued_on >= ctx.window_from)
        {
            let mut diffs = Vec::new();
            let mut ev = serde_json::Map::new();
            if c.institution_id != b.institution_id {
                diffs.push(format!(
                    "发证机构 {} 与批次所属机构 {} 不符",
                    c.institution_id, b.institution_id
                ));
                ev.insert(
                    "cert_institution_id".into(),
                    json!(c.institution_id.to_string()),
                );
                ev.insert(
                    "batch_institution_id".into(),
                    json!(b.institution_id.to_string()),
                );
            }
            if let Some(e) = v.enrolled(&c.candidate_id)
                && e.name.trim() != c.name.trim()
            {
                diffs.push(format!("证书姓名“{}”与报名姓名“{}”不符", c.name, e.name));
                ev.insert("cert_name".into(), json!(c.name.as_str()));
                ev.insert("enrollment_name".into(), json!(e.name.as_str()));
            }
            if !diffs.is_empty() {
                out.push(Hit::new(
                    K::UploadContradictsRecord,
                    cert_subject(c),
                    format!(
                        "证书 {}（{}，批次 {}）上传数据与评价记录不符：{}",
                        c.cert_no,
                        c.candidate_id.masked(),
                        b.batch_id,
                        diffs.join("；")
                    ),
                    serde_json::Value::Object(ev),
                ));
            }
        }
        out
    })
}
