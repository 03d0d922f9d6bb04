//! 超范围读取证书数据: guide item 14.

use crate::context::Ctx;
use crate::engine::Rule;
use crate::finding::{Hit, inst_subject};
use domain::enums::AccessAction;
use domain::finding::FindingKind as K;
use domain::ids::{InstitutionId, UserId};
use domain::model::Table;
use rayon::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

pub const RULES: &[Rule] = &[Rule {
    id: "access.log",
    kinds: &[K::AccessOtherInstitution, K::AccessBulk],
    needs: &[Table::AccessLog, Table::Certificates],
    regulation: "指引第14项：超范围读取证书数据、泄露个人信息等经查实会造成不良社会影响的行为。湖北省规程 第十条：……超范围读取证书数据、泄露个人隐私、利用证书数据等提供有偿服务的……。青海省规程 第二十三条第二款：发生超范围读取证书数据……立即取消其证书数据读取权限。",
    run: access,
}];

#[derive(Default)]
struct Tally<'a> {
    total: u32,
    exports: u32,
    other: u32,
    other_owners: BTreeSet<&'a InstitutionId>,
    other_users: BTreeSet<&'a UserId>,
    users: BTreeSet<&'a UserId>,
}

/// 超范围读取其他机构证书数据 and 批量读取证书数据 (item 14): accounts of an
/// institution reading or exporting certificates issued by other institutions, or
/// reading far more than the institution ever issued (the rulebook's bulk factor
/// times its own certificates, and at least its minimum).
///
/// 指引第14项：“超范围读取证书数据、泄露个人信息等经查实会造成不良社会影响的行为。”
pub fn access(ctx: &Ctx) -> Vec<Hit> {
    let policy = &ctx.rulebook.policy;
    // The certificate lookups run in parallel; the tally is one sequential pass.
    let owners: Vec<Option<&InstitutionId>> = ctx
        .t
        .access_log
        .par_iter()
        .map(|a| {
            let inst = a.institution_id.as_ref()?;
            ctx.ds
                .certificates_numbered(&a.cert_no)
                .next()
                .map(|c| &c.institution_id)
                .filter(|owner| *owner != inst)
        })
        .collect();
    let mut by: BTreeMap<&InstitutionId, Tally> = BTreeMap::new();
    for (a, other) in ctx.t.access_log.iter().zip(owners) {
        let Some(inst) = &a.institution_id else {
            continue;
        };
        let t = by.entry(inst).or_default();
        t.total += 1;
        if t.users.last() != Some(&&a.user_id) {
            t.users.insert(&a.user_id);
        }
        if a.action == AccessAction::Export {
            t.exports += 1;
        }
        if let Some(owner) = other {
            t.other += 1;
            t.other_owners.insert(owner);
            t.other_users.insert(&a.user_id);
        }
    }
    let mut out = Vec::new();
    for (inst, t) in by {
        if t.other > 0 {
            out.push(Hit::new(
                K::AccessOtherInstitution,
                inst_subject(inst),
                format!(
                    "机构 {} 的账号 {} 读取或导出其他机构（{}）的证书数据 {} 次",
                    inst,
                    t.other_users
                        .iter()
                        .map(|u| u.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                    t.other_owners
                        .iter()
                        .map(|i| i.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                    t.other
                ),
                json!({"accesses": t.other,
                       "users": t.other_users.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
                       "owners": t.other_owners.iter().map(|i| i.as_str()).collect::<Vec<_>>()}),
            ));
        }
        let own = ctx.ix.certs_of.get(inst).map_or(0, Vec::len);
        let limit = (policy.access_bulk_factor * own as f64).max(f64::from(policy.access_bulk_min));
        if f64::from(t.total) > limit {
            out.push(Hit::new(
                K::AccessBulk,
                inst_subject(inst),
                format!(
                    "机构 {} 的账号读取或导出证书数据 {} 次（其中导出 {} 次），远超本机构发证量 {} 张",
                    inst, t.total, t.exports, own
                ),
                json!({"accesses": t.total, "exports": t.exports, "own_certificates": own,
                       "factor": policy.access_bulk_factor, "minimum": policy.access_bulk_min,
                       "users": t.users.iter().map(|u| u.as_str()).collect::<Vec<_>>()}),
            ));
        }
    }
    out
}
