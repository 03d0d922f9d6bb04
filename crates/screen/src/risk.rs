//! 风险清单: institutions ranked by what screening found, so that inspections go
//! where the risk is (闵行区方案：重点抽查市职鉴中心下发的风险清单中的评价机构).

use crate::engine::Screening;
use domain::enums::{Disposition, InstitutionKind, Severity};
use domain::model::Dataset;
use std::collections::BTreeMap;

/// Weight of one finding of each severity in the ranking score.
pub fn weight(s: Severity) -> u32 {
    match s {
        Severity::General => 1,
        Severity::Serious => 5,
        Severity::Grave => 25,
    }
}

/// One institution of the 风险清单.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskRow {
    /// 1 = highest risk.
    pub rank: usize,
    pub institution_id: String,
    /// From the institutions table; `None` for an unregistered institution.
    pub name: Option<String>,
    pub kind: Option<InstitutionKind>,
    pub region_code: Option<String>,
    /// Findings per guide item 1..15 (index 0 = item 1).
    pub per_item: [u32; 15],
    /// Findings per severity: general, serious, grave.
    pub per_severity: [u32; 3],
    pub findings: u32,
    /// The worst severity found.
    pub worst: Severity,
    /// Σ weight(severity).
    pub score: u32,
    /// The proposed disposition: the strongest among its findings.
    pub disposition: Disposition,
    /// Whether certificate data is to be revoked (item 15).
    pub revoke_data: bool,
}

impl RiskRow {
    /// The proposed disposition in Chinese, e.g. "终止备案；撤销违规证书数据".
    pub fn disposition_zh(&self) -> String {
        let mut s = crate::finding::disposition_zh(self.disposition).to_string();
        if self.revoke_data {
            s.push_str("；撤销违规证书数据");
        }
        s
    }
}

/// Ranks the institutions with findings: worst severity first, then the weighted
/// count, then the number of findings, then the id. Findings with no institution
/// (scores of activities that do not exist) are not ranked.
pub fn risk_list(s: &Screening, ds: &Dataset) -> Vec<RiskRow> {
    let mut by: BTreeMap<&str, RiskRow> = BTreeMap::new();
    for f in &s.findings {
        let Some(id) = f.subject.institution_id.as_deref() else {
            continue;
        };
        let row = by.entry(id).or_insert_with(|| {
            let inst = domain::ids::InstitutionId::parse(id)
                .ok()
                .and_then(|i| ds.institution(&i).cloned());
            RiskRow {
                rank: 0,
                institution_id: id.to_string(),
                name: inst.as_ref().map(|i| i.name.to_string()),
                kind: inst.as_ref().map(|i| i.kind),
                region_code: inst.as_ref().map(|i| i.region_code.to_string()),
                per_item: [0; 15],
                per_severity: [0; 3],
                findings: 0,
                worst: Severity::General,
                score: 0,
                disposition: Disposition::Interview,
                revoke_data: false,
            }
        });
        row.per_item[usize::from(f.item.clamp(1, 15)) - 1] += 1;
        row.per_severity[f.severity as usize] += 1;
        row.findings += 1;
        row.worst = row.worst.max(f.severity);
        row.score += weight(f.severity);
        if f.disposition != Disposition::RevokeData {
            row.disposition = row.disposition.max(f.disposition);
        }
        row.revoke_data |= f.revoke_data || f.disposition == Disposition::RevokeData;
    }
    let mut rows: Vec<RiskRow> = by.into_values().collect();
    rows.sort_by(|a, b| {
        b.worst
            .cmp(&a.worst)
            .then(b.score.cmp(&a.score))
            .then(b.findings.cmp(&a.findings))
            .then(a.institution_id.cmp(&b.institution_id))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    rows
}

/// Short Chinese names of the 15 guide items (评价机构违纪违规认定处理指引).
pub const ITEM_NAMES: [&str; 15] = [
    "申报材料缺失或相关性不符",
    "对不在评价范围内的人员开展评价",
    "擅自改变考核方案",
    "考评员、督导、报备、抽题、成绩违规",
    "包过保过等虚假宣传",
    "一年内无正当理由不开展评价",
    "有责投诉",
    "备案申请虚假承诺、虚假资料",
    "未备案或超范围开展评价",
    "伪造申报资料或纵容违规报名",
    "考场有组织舞弊",
    "证书数据造假、违规发证",
    "一年(含)以上不开展评价",
    "超范围读取证书数据",
    "超范围上传或错误上传证书数据",
];
