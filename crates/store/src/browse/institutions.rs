//! 机构管理: institutions in scope, and one institution's page.

use super::*;

/// 机构管理 filters.
#[derive(Debug, Clone, Default)]
pub struct InstitutionFilter {
    /// Region code or prefix within the caller's scope (`4201`, `420102`).
    pub region: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    /// Part of the name, or the exact id or credit code.
    pub q: Option<String>,
    /// Registration expires on or before this date.
    pub expires_by: Option<NaiveDate>,
    /// Only institutions on the latest risk list.
    pub at_risk: bool,
    /// Order by risk rank instead of id.
    pub by_risk: bool,
}

const INSTITUTION_COLS: &[Col] = &[
    ("institution_id", "i.institution_id", Kind::Text),
    ("name", "i.name", Kind::Text),
    ("kind", "i.kind", Kind::Text),
    ("region_code", "i.region_code", Kind::Text),
    ("region_name", "g.name", Kind::Text),
    ("status", "i.status", Kind::Text),
    ("registered_on", "i.registered_on", Kind::Date),
    ("expires_on", "i.expires_on", Kind::Date),
    ("risk_rank", "k.rank", Kind::Int),
    ("risk_worst", "k.worst", Kind::Text),
    ("risk_findings", "k.findings", Kind::Int),
];

impl Store {
    /// 机构管理: institutions in scope matching `f`.
    pub async fn institutions(
        &self,
        scope: &DataScope,
        f: &InstitutionFilter,
        paging: Paging,
    ) -> Result<Grid> {
        Ok(in_transaction!(read self, w => {
            let run = latest(&mut w).await?;
            let mut q = Query::new(&format!(
                "FROM institutions i LEFT JOIN regions g ON g.region_code = i.region_code \
                 LEFT JOIN run_risk k ON k.institution_id = i.institution_id AND k.run_id = {run}"
            ));
            q.scoped(scope, Via::Institutions("i"));
            if let Some((lo, hi)) = f.region.as_deref().and_then(prefix_range) {
                q.and("i.region_code BETWEEN {} AND {}", vec![Value::Text(lo.into()), Value::Text(hi.into())]);
            }
            q.when("i.kind", "=", text(&f.kind))
                .when("i.status", "=", text(&f.status))
                .when("i.expires_on", "<=", f.expires_by.map(Value::Date));
            if let Some(v) = text(&f.q) {
                let like = like_contains(&v);
                q.and(
                    "i.institution_id = {} OR i.credit_code = {} OR i.name LIKE {} ESCAPE '\\'",
                    vec![v.clone(), v, like],
                );
            }
            if f.at_risk {
                q.and("k.rank IS NOT NULL", vec![]);
            }
            let order = if f.by_risk {
                "CASE WHEN k.rank IS NULL THEN 1 ELSE 0 END, k.rank, i.institution_id"
            } else {
                "i.institution_id"
            };
            grid(&mut w, INSTITUTION_COLS, &q, order, Some(paging)).await?
        }))
    }
}

/// One institution's page: registration and everything hanging off it.
#[derive(Debug, Clone, Default)]
pub struct InstitutionDetail {
    pub head: Grid,
    pub scopes: Grid,
    pub sites: Grid,
    pub affiliates: Grid,
    pub personnel: Grid,
    pub batches: Grid,
    pub findings: Grid,
    pub sanctions: Grid,
    pub complaints: Grid,
    pub promotions: Grid,
}

const INSTITUTION_HEAD: &[Col] = &[
    ("institution_id", "i.institution_id", Kind::Text),
    ("name", "i.name", Kind::Text),
    ("credit_code", "i.credit_code", Kind::Text),
    ("kind", "i.kind", Kind::Text),
    ("region_code", "i.region_code", Kind::Text),
    ("region_name", "g.name", Kind::Text),
    ("registered_on", "i.registered_on", Kind::Date),
    ("expires_on", "i.expires_on", Kind::Date),
    ("status", "i.status", Kind::Text),
    ("status_since", "i.status_since", Kind::Date),
    ("employee_count", "i.employee_count", Kind::Int),
    ("phone", "i.phone", Kind::Text),
];

impl Store {
    /// One institution in scope, with its registration, lists and findings;
    /// `None` if it does not exist or lies outside the caller's scope (the
    /// two are not told apart).
    pub async fn institution(
        &self,
        scope: &DataScope,
        id: &str,
    ) -> Result<Option<InstitutionDetail>> {
        Ok(in_transaction!(read self, w => {
            let mut q = Query::new("FROM institutions i LEFT JOIN regions g ON g.region_code = i.region_code");
            q.when("i.institution_id", "=", Some(Value::Text(id.to_string().into())))
                .scoped(scope, Via::Institutions("i"));
            let head = grid(&mut w, INSTITUTION_HEAD, &q, "", None).await?;
            if head.rows.is_empty() {
                None
            } else {
                let run = latest(&mut w).await?;
                let by_inst = |from: &str| {
                    let mut q = Query::new(from);
                    q.when("institution_id", "=", Some(Value::Text(id.to_string().into())));
                    q
                };
                use Kind::*;
                let scopes = grid(&mut w, &[
                    ("occupation_code", "occupation_code", Text),
                    ("occupation_name", "occupation_name", Text),
                    ("level", "level", Int),
                    ("valid_from", "valid_from", Date),
                    ("valid_to", "valid_to", Date),
                ], &by_inst("FROM scopes"), "occupation_code, level", None).await?;
                let sites = grid(&mut w, &[
                    ("site_id", "site_id", Text),
                    ("address", "address", Text),
                    ("capacity", "capacity", Int),
                    ("registered_on", "registered_on", Date),
                    ("revoked_on", "revoked_on", Date),
                ], &by_inst("FROM sites"), "site_id", None).await?;
                let affiliates = grid(&mut w, &[
                    ("credit_code", "credit_code", Text),
                    ("name", "name", Text),
                    ("relation", "relation", Text),
                    ("valid_from", "valid_from", Date),
                    ("valid_to", "valid_to", Date),
                ], &by_inst("FROM affiliates"), "seq", None).await?;
                let personnel = grid(&mut w, &[
                    ("person_id", "person_id", Text),
                    ("name", "name", Text),
                    ("id_number", "id_number", Text),
                    ("person_role", "role", Text),
                    ("occupation_code", "occupation_code", Text),
                    ("max_level", "max_level", Int),
                    ("valid_from", "valid_from", Date),
                    ("valid_to", "valid_to", Date),
                ], &by_inst("FROM personnel"), "role, person_id", Some(Paging::new(Some(1), Some(200)))).await?;
                let mut bq = Query::new("FROM batches b");
                bq.when("b.institution_id", "=", Some(Value::Text(id.to_string().into())));
                let batches = grid(&mut w, BATCH_COLS, &bq, "b.start_at DESC", Some(Paging::new(Some(1), Some(50)))).await?;
                let mut fq = Query::new("FROM findings f");
                fq.when("f.institution_id", "=", Some(Value::Text(id.to_string().into())))
                    .when("f.last_run", "=", Some(Value::Int(run)));
                let findings = grid(&mut w, FINDING_COLS, &fq, "f.item, f.rule, f.finding_id", Some(Paging::new(Some(1), Some(200)))).await?;
                let sanctions = grid(&mut w, &[
                    ("decided_on", "decided_on", Date),
                    ("item", "item", Int),
                    ("severity", "severity", Text),
                    ("disposition", "disposition", Text),
                ], &by_inst("FROM sanctions"), "decided_on DESC", None).await?;
                let complaints = grid(&mut w, &[
                    ("complaint_id", "complaint_id", Text),
                    ("received_on", "received_on", Date),
                    ("channel", "channel", Text),
                    ("summary", "summary", Text),
                    ("verified", "verified", Text),
                    ("at_fault", "at_fault", Bool),
                ], &by_inst("FROM complaints"), "received_on DESC", None).await?;
                let promotions = grid(&mut w, &[
                    ("captured_on", "captured_on", Date),
                    ("channel", "channel", Text),
                    ("text", "text", Text),
                ], &by_inst("FROM promotions"), "captured_on DESC", None).await?;
                Some(InstitutionDetail {
                    head,
                    scopes,
                    sites,
                    affiliates,
                    personnel,
                    batches,
                    findings,
                    sanctions,
                    complaints,
                    promotions,
                })
            }
        }))
    }
}

impl Store {
    /// Whether institution `id` is in the caller's scope (before acting on its
    /// registration: out of scope answers like a missing one).
    pub async fn institution_in_scope(&self, scope: &DataScope, id: &str) -> Result<bool> {
        let mut q = Query::new("FROM institutions i");
        q.when(
            "i.institution_id",
            "=",
            Some(Value::Text(id.to_string().into())),
        )
        .scoped(scope, Via::Institutions("i"));
        let g = in_transaction!(read self, w => grid(&mut w, &[("institution_id", "i.institution_id", Kind::Text)], &q, "", None).await?);
        Ok(!g.rows.is_empty())
    }
}
