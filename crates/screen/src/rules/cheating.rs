//! 有组织舞弊, the non-statistical part: guide item 11. The statistical detectors
//! (answer copying, score heaping, low spread, pass-rate outliers, lenient or
//! concentrated examiners) plug into the engine as further detectors.

use crate::context::Ctx;
use crate::engine::Rule;
use crate::finding::{Hit, enrollment_subject};
use domain::IdNumber;
use domain::finding::FindingKind as K;
use domain::model::{Batch, Table};
use rayon::prelude::*;
use serde_json::json;

use super::dt;

pub const RULES: &[Rule] = &[Rule {
    id: "cheating.impersonation",
    kinds: &[K::Impersonation],
    needs: &[Table::Batches, Table::Enrollments],
    regulation: "指引第11项：考场有组织舞弊（第十四条(四)：考场秩序混乱，有组织舞弊的）。湖北省规程 第七条(四)：由他人冒名顶替参加评价或替他人参加评价的。",
    run: impersonation,
}];

/// Whether two activities take place in different places: different sites, or
/// (when a site is not recorded) different institutions.
fn different_places(a: &Batch, b: &Batch) -> bool {
    match (&a.site_id, &b.site_id) {
        (Some(x), Some(y)) => x != y,
        _ => a.institution_id != b.institution_id,
    }
}

/// 冒名顶替 (item 11): the same identity number enrolled in two activities that
/// overlap in time at different places; one person cannot sit both, so someone sat
/// in another's name. Reported on the application to the activity that started
/// later.
///
/// 湖北省规程第七条(四)：“由他人冒名顶替参加评价或替他人参加评价的。”
pub fn impersonation(ctx: &Ctx) -> Vec<Hit> {
    let t = ctx.t;
    let mut rows: Vec<(IdNumber, u32)> = t
        .enrollments
        .par_iter()
        .filter_map(|e| {
            ctx.ix
                .batch_pos(&e.batch_id)
                .map(|b| (e.candidate_id, b as u32))
        })
        .collect();
    rows.par_sort_unstable();
    rows.dedup();
    let groups: Vec<&[(IdNumber, u32)]> = rows
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|g| g.len() > 1)
        .collect();
    groups
        .par_iter()
        .flat_map_iter(|g| {
            let who = g[0].0;
            let mut bs: Vec<&Batch> = g.iter().map(|(_, i)| &t.batches[*i as usize]).collect();
            bs.sort_by(|a, b| (a.start_at, &a.batch_id).cmp(&(b.start_at, &b.batch_id)));
            let mut out = Vec::new();
            let mut active: Vec<&Batch> = Vec::new();
            for b in bs {
                active.retain(|a| a.end_at > b.start_at);
                if let Some(a) = active.iter().find(|a| a.start_at < b.end_at && different_places(a, b)) {
                    out.push(Hit::new(
                        K::Impersonation,
                        enrollment_subject(b, &who),
                        format!(
                            "考生 {} 同时段参加两地评价：批次 {}（机构 {}，场所 {}，{} 至 {}）与批次 {}（机构 {}，场所 {}，{} 至 {}），涉嫌冒名顶替",
                            who.masked(),
                            a.batch_id,
                            a.institution_id,
                            a.site_id.as_ref().map_or("未登记", |s| s.as_str()),
                            dt(&a.start_at),
                            dt(&a.end_at),
                            b.batch_id,
                            b.institution_id,
                            b.site_id.as_ref().map_or("未登记", |s| s.as_str()),
                            dt(&b.start_at),
                            dt(&b.end_at)
                        ),
                        json!({"other_batch_id": a.batch_id.to_string(),
                               "other_institution_id": a.institution_id.to_string(),
                               "other_site_id": a.site_id.as_ref().map(|s| s.to_string()),
                               "site_id": b.site_id.as_ref().map(|s| s.to_string()),
                               "other_start_at": dt(&a.start_at), "other_end_at": dt(&a.end_at),
                               "start_at": dt(&b.start_at), "end_at": dt(&b.end_at)}),
                    ));
                }
                active.push(b);
            }
            out
        })
        .collect()
}
