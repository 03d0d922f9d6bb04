//! 考核方案 and 抽题: guide items 3 and 4.

use crate::context::{BatchView, Ctx};
use crate::engine::Rule;
use crate::finding::{Hit, batch_subject, occ_level};
use domain::enums::Subject;
use domain::finding::FindingKind as K;
use domain::model::Table;
use serde_json::json;

pub const RULES: &[Rule] = &[
    Rule {
        id: "process.sessions",
        kinds: &[K::SessionTooShort, K::SubjectsMismatch],
        needs: &[Table::Batches, Table::Sessions],
        regulation: "指引第3项：擅自改变考核方案：擅自变更题型题量、考核时间、考试内容、考核方式、配分方案、成绩权重、评分方案等考核关键要素。湖北省机构管理办法 第十五条：严格按照工作方案开展评价，不得随意更改或变通工作方案。",
        run: sessions,
    },
    Rule {
        id: "process.paper",
        kinds: &[K::PaperMismatch],
        needs: &[Table::Batches, Table::Sessions],
        regulation: "指引第4项：4.未按抽题结果进行考核。",
        run: paper,
    },
];

fn subjects_zh(s: &[Subject]) -> String {
    if s.is_empty() {
        return "无".into();
    }
    s.iter().map(|x| x.zh()).collect::<Vec<_>>().join("、")
}

/// 擅自改变考核方案 (item 3): subjects that differ from the standard, or a session
/// shorter than its minimum (theory 90 minutes unless the standards table says
/// otherwise). One finding per activity and kind.
///
/// 指引第3项：“擅自变更题型题量、考核时间、考试内容、考核方式、配分方案、成绩权重、评分方案
/// 等考核关键要素。”
pub fn sessions(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut out = Vec::new();
        let want = ctx.norms.subjects(&b.occupation_code, b.level);
        let have = v.session_subjects();
        if want != have {
            let missing: Vec<Subject> =
                want.iter().copied().filter(|s| !have.contains(s)).collect();
            let extra: Vec<Subject> = have.iter().copied().filter(|s| !want.contains(s)).collect();
            let mut parts = Vec::new();
            if !missing.is_empty() {
                parts.push(format!("缺少{}", subjects_zh(&missing)));
            }
            if !extra.is_empty() {
                parts.push(format!("多出{}", subjects_zh(&extra)));
            }
            out.push(Hit::new(
                K::SubjectsMismatch,
                batch_subject(b),
                format!(
                    "批次 {} {} 考核科目为{}，与标准要求的{}不符（{}）",
                    b.batch_id,
                    occ_level(&b.occupation_code, b.level),
                    subjects_zh(&have),
                    subjects_zh(&want),
                    parts.join("，")
                ),
                json!({"required": want.iter().map(|s| s.code()).collect::<Vec<_>>(),
                       "held": have.iter().map(|s| s.code()).collect::<Vec<_>>()}),
            ));
        }
        let mut short = Vec::new();
        for s in &v.sessions {
            let Some(min) = ctx
                .norms
                .min_minutes(&b.occupation_code, b.level, s.subject)
            else {
                continue;
            };
            let minutes = (s.end_at - s.start_at).num_minutes();
            if minutes < i64::from(min) {
                short.push((s.subject, minutes, min));
            }
        }
        if !short.is_empty() {
            let text: Vec<String> = short
                .iter()
                .map(|(s, m, min)| format!("{}时长 {} 分钟，少于规定的 {} 分钟", s.zh(), m, min))
                .collect();
            out.push(Hit::new(
                K::SessionTooShort,
                batch_subject(b),
                format!("批次 {} {}", b.batch_id, text.join("；")),
                json!({"sessions": short.iter().map(|(s, m, min)| json!({
                    "subject": s.code(), "minutes": m, "min_minutes": min})).collect::<Vec<_>>()}),
            ));
        }
        out
    })
}

/// 未按抽题结果进行考核 (item 4): a session whose paper used is not the paper drawn.
///
/// 指引第4项：“4.未按抽题结果进行考核。”
pub fn paper(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let diff: Vec<_> = v
            .sessions
            .iter()
            .filter(|s| matches!((&s.paper_drawn, &s.paper_used), (Some(d), Some(u)) if d != u))
            .collect();
        if diff.is_empty() {
            return Vec::new();
        }
        let text: Vec<String> = diff
            .iter()
            .map(|s| {
                format!(
                    "{}抽取试卷 {}，实际使用 {}",
                    s.subject.zh(),
                    s.paper_drawn.as_ref().expect("some"),
                    s.paper_used.as_ref().expect("some")
                )
            })
            .collect();
        vec![Hit::new(
            K::PaperMismatch,
            batch_subject(b),
            format!("批次 {} 未按抽题结果考核：{}", b.batch_id, text.join("；")),
            json!({"sessions": diff.iter().map(|s| json!({"subject": s.subject.code(),
                "paper_drawn": s.paper_drawn.as_ref().map(|p| p.to_string()),
                "paper_used": s.paper_used.as_ref().map(|p| p.to_string())})).collect::<Vec<_>>()}),
        )]
    })
}
