//! Scoped import: which rows of an upload the caller may not write. Rights by
//! table are `Role::may_import`; rows belong to an institution (directly, or
//! through their batch), and every institution an upload touches must be one
//! the caller supervises — as the store has it and as the upload would have it
//! (`DataScope::admits`, the rule `store::scope` applies to stored rows), so an
//! upload cannot move an institution into the caller's hands.

use domain::access::DataScope;
use domain::model::{Table, Tables};
use std::collections::{BTreeSet, HashMap};
use store::Store;

/// Why rows of an upload lie outside the caller's jurisdiction, if they do.
pub async fn out_of_scope(
    store: &Store,
    role: domain::access::Role,
    scope: &DataScope,
    t: &Tables,
) -> store::Result<Vec<String>> {
    let mut problems = Vec::new();
    for table in &t.present {
        if t.len(*table) == 0 {
            continue;
        }
        let refused = !role.may_import(*table);
        if refused {
            problems.push(format!(
                "{}（{}）：您的账号不能导入此表",
                table.zh(),
                table.name()
            ));
        }
    }
    if matches!(scope, DataScope::Everything) {
        return Ok(problems);
    }
    // Where each referenced institution is and who registered it (谁备案谁监管):
    // the store's registry and the upload's own rows — both must be in scope, so
    // an upload cannot move an institution into the caller's hands.
    let mut region: HashMap<String, Vec<(domain::RegionCode, domain::RegionCode)>> = HashMap::new();
    let stored = store.institutions_table().await?;
    for i in stored.iter().chain(&t.institutions) {
        region
            .entry(i.institution_id.to_string())
            .or_default()
            .push((i.region_code, i.authority()));
    }
    let mut owners: HashMap<String, String> = t
        .batches
        .iter()
        .map(|b| (b.batch_id.to_string(), b.institution_id.to_string()))
        .collect();
    let mut child_batches: BTreeSet<String> = BTreeSet::new();
    child_batches.extend(t.sessions.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.batch_staff.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.batch_changes.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.enrollments.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.scores.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.results.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.answers.iter().map(|r| r.batch_id.to_string()));
    let unknown: Vec<String> = child_batches
        .into_iter()
        .filter(|b| !owners.contains_key(b))
        .collect();
    owners.extend(store.batch_owners(&unknown).await?);

    // (what, institution) for every distinct institution the upload touches.
    let mut touched: Vec<(String, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut touch = |what: String, id: String| {
        if seen.insert(id.clone()) {
            touched.push((what, id));
        }
    };
    for i in &t.institutions {
        touch("机构".into(), i.institution_id.to_string());
    }
    macro_rules! by_inst {
        ($($field:ident),*) => {$(
            for r in &t.$field {
                let label = Table::from_name(stringify!($field)).map_or("", |t| t.zh()).to_string();
                touch(label, r.institution_id.to_string());
            }
        )*};
    }
    by_inst!(
        scopes,
        sites,
        affiliates,
        batches,
        certificates,
        complaints,
        promotions,
        sanctions
    );
    for p in &t.personnel {
        if let Some(i) = &p.institution_id {
            touch("人员".into(), i.to_string());
        }
    }
    let batch_rows = t
        .sessions
        .iter()
        .map(|r| r.batch_id.to_string())
        .chain(t.batch_staff.iter().map(|r| r.batch_id.to_string()))
        .chain(t.batch_changes.iter().map(|r| r.batch_id.to_string()))
        .chain(t.enrollments.iter().map(|r| r.batch_id.to_string()))
        .chain(t.scores.iter().map(|r| r.batch_id.to_string()))
        .chain(t.results.iter().map(|r| r.batch_id.to_string()))
        .chain(t.answers.iter().map(|r| r.batch_id.to_string()));
    let mut batches_seen = BTreeSet::new();
    for b in batch_rows {
        if !batches_seen.insert(b.clone()) {
            continue;
        }
        match owners.get(&b) {
            Some(i) => touch(format!("批次 {b}"), i.clone()),
            None => problems.push(format!(
                "批次 {b}：文件和系统中都没有这个批次，无法确定所属机构"
            )),
        }
    }
    for (what, inst) in touched {
        let ok = match domain::ids::InstitutionId::parse(&inst) {
            Ok(id) => region
                .get(&inst)
                .is_some_and(|all| all.iter().all(|(r, by)| scope.admits(&id, r, by))),
            Err(_) => false,
        };
        if !ok {
            problems.push(format!(
                "{what}：机构 {inst} 不在您的管辖范围内（或未备案）"
            ));
        }
    }
    problems.truncate(50);
    Ok(problems)
}
