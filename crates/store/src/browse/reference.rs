//! Reference data: regions (行政区划), and the accounts a case may be assigned to.

use super::*;

impl Store {
    /// Region names (行政区划) known to the platform, as (code, name).
    pub async fn regions(&self) -> Result<Vec<(String, String)>> {
        let rows = in_transaction!(read self, w => w
            .fetch("SELECT region_code, name FROM regions ORDER BY region_code".into(), &[], &[Kind::Text, Kind::Text])
            .await?);
        Ok(rows
            .iter()
            .map(|r| {
                (
                    r[0].text().unwrap_or_default(),
                    r[1].text().unwrap_or_default(),
                )
            })
            .collect())
    }

    /// Adds or renames regions (one transaction).
    pub async fn set_regions(&self, regions: &[(domain::RegionCode, String)]) -> Result<()> {
        in_transaction!(self, w => {
            for (code, name) in regions {
                let key = Value::Text(code.as_str().to_string().into());
                w.execute("DELETE FROM regions WHERE region_code = $1".into(), std::slice::from_ref(&key)).await?;
                w.execute(
                    "INSERT INTO regions (region_code, name) VALUES ($1, $2)".into(),
                    &[key, Value::Text(name.clone().into())],
                )
                .await?;
            }
        });
        Ok(())
    }

    /// Institutions per region code in scope (the 行政区划 page).
    pub async fn institutions_per_region(&self, scope: &DataScope) -> Result<Vec<(String, u64)>> {
        let mut q = Query::new("FROM institutions i");
        q.scoped(scope, Via::Institutions("i"));
        let rows = in_transaction!(read self, w => w
            .fetch(format!("SELECT i.region_code, COUNT(*) {} GROUP BY i.region_code ORDER BY i.region_code", q.from_where), &q.values, &[Kind::Text, Kind::Int])
            .await?);
        Ok(rows
            .iter()
            .map(|r| (r[0].text().unwrap_or_default(), r[1].int() as u64))
            .collect())
    }

    /// The accounts in the caller's scope a case may be assigned to (officials
    /// and supervisors, not disabled): (user name, display name and role).
    pub async fn investigator_accounts(&self, scope: &DataScope) -> Result<Vec<(String, String)>> {
        let mut q = Query::new("FROM accounts a");
        q.and(
            "a.role IN ('province', 'city', 'district', 'supervisor') AND a.disabled = FALSE",
            vec![],
        );
        match scope {
            DataScope::Everything => {}
            DataScope::Region(r) => {
                let (lo, hi) = crate::scope::region_range(r);
                q.and(
                    "a.region_code BETWEEN {} AND {}",
                    vec![Value::Text(lo.into()), Value::Text(hi.into())],
                );
            }
            DataScope::Institution(_) => return Ok(Vec::new()),
        }
        let g = in_transaction!(read self, w => grid(&mut w, &[
            ("username", "a.username", Kind::Text),
            ("display_name", "a.display_name", Kind::Text),
            ("role", "a.role", Kind::Text),
        ], &q, "a.role, a.username", None).await?);
        Ok((0..g.rows.len())
            .filter_map(|r| {
                let user = g.get(r, "username")?.to_string();
                let role = g
                    .get(r, "role")
                    .and_then(|c| domain::access::Role::parse(c).ok())
                    .map_or("", |r| r.zh());
                let shown = format!(
                    "{}（{user}，{role}）",
                    g.get(r, "display_name").unwrap_or(&user)
                );
                Some((user, shown))
            })
            .collect())
    }
}
