//! The one place where a caller's data scope (谁备案谁监管) becomes SQL.
//!
//! Every query that reads institution data for a person takes their
//! [`DataScope`] and adds [`condition`]'s predicate; nothing else filters by
//! jurisdiction, so a page cannot forget it and a test of this function covers
//! them all.

use crate::value::Value;
use domain::RegionCode;
use domain::access::DataScope;
use domain::region::RegionLevel;

/// The inclusive range of region codes a region contains (a province `42` holds
/// `420000..=429999`, a city `4201` holds `420100..=420199`): a range, not a
/// `LIKE`, so both backends use the index on the code.
pub fn region_range(r: &RegionCode) -> (String, String) {
    let code = r.as_str();
    match r.level() {
        RegionLevel::Province => (format!("{}0000", &code[..2]), format!("{}9999", &code[..2])),
        RegionLevel::City => (format!("{}00", &code[..4]), format!("{}99", &code[..4])),
        RegionLevel::District => (code.to_string(), code.to_string()),
    }
}

/// How a table reaches the institution a row belongs to.
#[derive(Debug, Clone, Copy)]
pub enum Via<'a> {
    /// The table is `institutions` (alias given): filter its own columns.
    Institutions(&'a str),
    /// The table has this `institution_id` column: filter through the registry.
    InstitutionColumn(&'a str),
    /// The findings table (alias given): a finding is its institution's; one about
    /// an institution absent from the registry (未备案机构开展评价) belongs to the
    /// region where the activity took place (`findings.region_code`).
    Findings(&'a str),
    /// The operation log (alias given): an entry is in a region's scope when its
    /// actor or the object it concerns is; a clerk sees its own institution's.
    OperationLog(&'a str),
}

/// The predicate on the `institutions` row `alias` that keeps a region's
/// officials to what they supervise (谁备案谁监管, [`DataScope::admits`]): a
/// province or city, the institutions registered with it or below; a district,
/// those located in it that its city registered. Values are pushed to `values`,
/// their placeholders numbered after the ones already there.
fn supervised(
    r: &RegionCode,
    alias: &str,
    first: usize,
    placeholder: &dyn Fn(usize) -> String,
    values: &mut Vec<Value<'static>>,
) -> String {
    let mut bind = |v: String| {
        values.push(Value::Text(v.into()));
        placeholder(first + values.len() - 1)
    };
    let (lo, hi) = region_range(r);
    match (r.level(), r.city()) {
        (RegionLevel::District, Some(city)) => {
            let (city_lo, city_hi) = region_range(&city);
            let (a, b) = (bind(lo), bind(hi));
            let (c, d) = (bind(city_lo), bind(city_hi));
            format!(
                "({alias}.region_code BETWEEN {a} AND {b} AND {alias}.registered_by BETWEEN {c} AND {d})"
            )
        }
        _ => {
            let (a, b) = (bind(lo), bind(hi));
            format!("{alias}.registered_by BETWEEN {a} AND {b}")
        }
    }
}

/// A finding (alias `alias`) about an institution absent from the registry whose
/// activity took place between region codes `lo` and `hi` (placeholders).
pub(crate) fn unregistered_between(alias: &str, lo: &str, hi: &str) -> String {
    format!(
        "(NOT EXISTS (SELECT 1 FROM institutions zr WHERE zr.institution_id = {alias}.institution_id) \
         AND {alias}.region_code BETWEEN {lo} AND {hi})"
    )
}

/// The predicate that keeps a caller to their scope, with its values; the
/// placeholders are `placeholder(n)` for n = `first`, `first + 1`, ….
pub fn condition(
    scope: &DataScope,
    via: Via<'_>,
    first: usize,
    placeholder: &dyn Fn(usize) -> String,
) -> (String, Vec<Value<'static>>) {
    match scope {
        DataScope::Everything => ("1 = 1".into(), Vec::new()),
        DataScope::Institution(id) => {
            let column = match via {
                Via::Institutions(alias) => format!("{alias}.institution_id"),
                Via::InstitutionColumn(c) => c.to_string(),
                Via::Findings(alias) => format!("{alias}.institution_id"),
                Via::OperationLog(alias) => format!("{alias}.object_institution"),
            };
            (
                format!("{column} = {}", placeholder(first)),
                vec![Value::Text(id.as_str().to_string().into())],
            )
        }
        DataScope::Region(r) => {
            let mut values = Vec::new();
            let sql = match via {
                Via::Institutions(alias) => supervised(r, alias, first, placeholder, &mut values),
                Via::InstitutionColumn(c) => format!(
                    "{c} IN (SELECT zi.institution_id FROM institutions zi WHERE {})",
                    supervised(r, "zi", first, placeholder, &mut values)
                ),
                Via::Findings(alias) => {
                    let registered = supervised(r, "zi", first, placeholder, &mut values);
                    let (lo, hi) = region_range(r);
                    values.extend([Value::Text(lo.into()), Value::Text(hi.into())]);
                    let n = first + values.len();
                    let (a, b) = (placeholder(n - 2), placeholder(n - 1));
                    format!(
                        "({alias}.institution_id IN (SELECT zi.institution_id FROM institutions zi WHERE {registered}) \
                         OR {})",
                        unregistered_between(alias, &a, &b)
                    )
                }
                Via::OperationLog(alias) => {
                    let (lo, hi) = region_range(r);
                    values.extend([Value::Text(lo.into()), Value::Text(hi.into())]);
                    let (a, b) = (placeholder(first), placeholder(first + 1));
                    format!(
                        "({alias}.actor_region BETWEEN {a} AND {b} OR {alias}.object_region BETWEEN {a} AND {b})"
                    )
                }
            };
            (sql, values)
        }
    }
}

/// The accounts an account of `role` with `scope` may manage
/// ([`domain::access::may_manage`] as SQL over `accounts` joined to the clerk's
/// institution as `institutions`), with `{}` for each value in order.
pub fn managed_accounts(
    role: domain::access::Role,
    scope: &DataScope,
    accounts: &str,
    institutions: &str,
) -> (String, Vec<Value<'static>>) {
    use domain::access::{Role, may_manage};
    let DataScope::Region(r) = scope else {
        return match role {
            Role::Admin => ("1 = 1".into(), Vec::new()),
            _ => ("1 = 0".into(), Vec::new()),
        };
    };
    let (lo, hi) = region_range(r);
    let manageable: Vec<Role> = Role::ALL
        .iter()
        .copied()
        .filter(|t| may_manage(role, scope, *t, Some(r)))
        .collect();
    let regional: Vec<String> = manageable
        .iter()
        .filter(|t| **t != Role::Institution)
        .map(|t| format!("'{}'", t.code()))
        .collect();
    let mut parts = Vec::new();
    let mut values = Vec::new();
    if !regional.is_empty() {
        parts.push(format!(
            "({accounts}.role IN ({}) AND {accounts}.region_code BETWEEN {{}} AND {{}})",
            regional.join(", ")
        ));
        values.extend([
            Value::Text(lo.clone().into()),
            Value::Text(hi.clone().into()),
        ]);
    }
    if manageable.contains(&Role::Institution) {
        parts.push(format!(
            "({accounts}.role = 'institution' AND {institutions}.region_code BETWEEN {{}} AND {{}})"
        ));
        values.extend([Value::Text(lo.into()), Value::Text(hi.into())]);
    }
    if parts.is_empty() {
        return ("1 = 0".into(), Vec::new());
    }
    (parts.join(" OR "), values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_become_code_ranges() {
        let r = |c: &str| RegionCode::parse(c).unwrap();
        assert_eq!(
            region_range(&r("420000")),
            ("420000".into(), "429999".into())
        );
        assert_eq!(
            region_range(&r("420100")),
            ("420100".into(), "420199".into())
        );
        assert_eq!(
            region_range(&r("420102")),
            ("420102".into(), "420102".into())
        );
    }
}
