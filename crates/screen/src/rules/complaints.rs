//! 有责投诉: guide item 7.

use crate::context::Ctx;
use crate::engine::Rule;
use crate::finding::{Hit, inst_subject};
use domain::enums::Verified;
use domain::finding::FindingKind as K;
use domain::ids::InstitutionId;
use domain::model::{Complaint, Table};
use serde_json::json;
use std::collections::BTreeMap;

pub const RULES: &[Rule] = &[Rule {
    id: "complaint.substantiated",
    kinds: &[K::SubstantiatedComplaint],
    needs: &[Table::Complaints],
    regulation: "指引第7项：发生有责投诉，造成不良社会影响（第十三条(七)：被投诉举报并经核实的行为）。",
    run: substantiated,
}];

/// 有责投诉经核实 (item 7): complaints received up to the as-of date, found
/// substantiated with the institution at fault. One finding per institution.
///
/// 指引第7项：“发生有责投诉，造成不良社会影响。” 第十三条(七)：“被投诉举报并经核实的行为。”
pub fn substantiated(ctx: &Ctx) -> Vec<Hit> {
    let mut by: BTreeMap<&InstitutionId, Vec<&Complaint>> = BTreeMap::new();
    for c in &ctx.t.complaints {
        if c.verified == Verified::Substantiated
            && c.at_fault == Some(true)
            && c.received_on <= ctx.as_of
        {
            by.entry(&c.institution_id).or_default().push(c);
        }
    }
    by.into_iter()
        .map(|(inst, list)| {
            let c = list[0];
            let summary: String = c.summary.chars().take(60).collect();
            Hit::new(
                K::SubstantiatedComplaint,
                inst_subject(inst),
                format!(
                    "机构 {} 有 {} 件投诉举报经核实属实且机构有责，如 {} 受理的 {}：{}",
                    inst,
                    list.len(),
                    c.received_on,
                    c.complaint_id,
                    summary
                ),
                json!({"count": list.len(), "complaints": list.iter().map(|c| json!({
                    "complaint_id": c.complaint_id.to_string(), "received_on": c.received_on.to_string(),
                    "channel": c.channel.as_deref(), "summary": c.summary})).collect::<Vec<_>>()}),
            )
        })
        .collect()
}
