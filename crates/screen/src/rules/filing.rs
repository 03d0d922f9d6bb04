//! 考务计划报备: guide item 4.

use crate::context::{BatchView, Ctx};
use crate::engine::Rule;
use crate::finding::{Hit, batch_subject};
use domain::finding::FindingKind as K;
use domain::model::Table;
use rayon::prelude::*;
use serde_json::json;

use super::dt;

pub const RULES: &[Rule] = &[
    Rule {
        id: "filing.plan",
        kinds: &[K::PlanFiledLate, K::PlanUnfiled],
        needs: &[Table::Batches],
        regulation: "指引第4项：3.未及时报备考务计划，擅自开展评价活动。",
        run: plan,
    },
    Rule {
        id: "filing.changes",
        kinds: &[K::ChangeUnreported],
        needs: &[Table::Batches, Table::BatchChanges],
        regulation: "指引第4项：3.未及时变更考务计划中关键信息(如：考核点、考核日期、考核时间段、批次号、项目等级等)。湖北省规程 第十二条(五)：未严格程序和规范，擅自变更评价时间、地点，未向人社部门报备的。",
        run: changes,
    },
];

/// 考务计划未报备或报备不及时 (item 4): the plan filed after the activity started,
/// or never (for activities that have started by the as-of date).
///
/// 指引第4项：“3.未及时报备考务计划，擅自开展评价活动。”
pub fn plan(ctx: &Ctx) -> Vec<Hit> {
    ctx.t
        .batches
        .par_iter()
        .filter_map(|b| match b.filed_at {
            None if b.start_at.date() <= ctx.as_of => Some(Hit::new(
                K::PlanUnfiled,
                batch_subject(b),
                format!(
                    "批次 {} 于 {} 开展评价，考务计划未向人社部门报备",
                    b.batch_id,
                    dt(&b.start_at)
                ),
                json!({"start_at": dt(&b.start_at), "filed_at": null}),
            )),
            Some(f) if f > b.start_at => Some(Hit::new(
                K::PlanFiledLate,
                batch_subject(b),
                format!(
                    "批次 {} 于 {} 开始，考务计划迟至 {} 才报备",
                    b.batch_id,
                    dt(&b.start_at),
                    dt(&f)
                ),
                json!({"start_at": dt(&b.start_at), "filed_at": dt(&f)}),
            )),
            _ => None,
        })
        .collect()
}

/// 关键信息变更未报备 (item 4): a change of site, date, time, level, occupation or
/// batch number not reported before the activity started. A change reported before
/// the start is fine, whenever it was made.
///
/// 指引第4项：“3.……未及时变更考务计划中关键信息(如：考核点、考核日期、考核时间段、批次号、
/// 项目等级等)。”
pub fn changes(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let bad: Vec<_> = v
            .changes
            .iter()
            .filter(|c| c.reported_at.is_none_or(|r| r > b.start_at))
            .collect();
        if bad.is_empty() {
            return Vec::new();
        }
        let text: Vec<String> = bad
            .iter()
            .map(|c| {
                format!(
                    "{}由 {} 改为 {}（变更于 {}，{}）",
                    c.field.zh(),
                    c.old_value.as_deref().unwrap_or("—"),
                    c.new_value.as_deref().unwrap_or("—"),
                    dt(&c.changed_at),
                    c.reported_at
                        .map_or("未报备".to_string(), |r| format!("迟至 {} 报备", dt(&r)))
                )
            })
            .collect();
        vec![Hit::new(
            K::ChangeUnreported,
            batch_subject(b),
            format!(
                "批次 {}（{} 开始）关键信息变更未在开考前报备：{}",
                b.batch_id,
                dt(&b.start_at),
                text.join("；")
            ),
            json!({"start_at": dt(&b.start_at), "changes": bad.iter().map(|c| json!({
                "field": c.field.code(), "old_value": c.old_value.as_deref(),
                "new_value": c.new_value.as_deref(), "changed_at": dt(&c.changed_at),
                "reported_at": c.reported_at.as_ref().map(dt)})).collect::<Vec<_>>()}),
        )]
    })
}
