//! 预警中心 and 风险清单: the latest run's findings and ranked institutions in scope.

use super::*;

/// 预警中心 filters (the latest run's findings).
#[derive(Debug, Clone, Default)]
pub struct FindingListFilter {
    pub item: Option<u8>,
    pub severity: Option<String>,
    /// `open`, `confirmed`, `dismissed`.
    pub status: Option<String>,
    pub rule: Option<String>,
    pub institution_id: Option<String>,
    pub batch_id: Option<String>,
    /// Region code or prefix of the institution.
    pub region: Option<String>,
}

/// One finding with what the latest run said of it and its marks.
#[derive(Debug, Clone, Default)]
pub struct FindingDetail {
    pub head: Grid,
    /// The findings.jsonl line of the run that last reported it.
    pub detail: String,
    pub marks: Grid,
    pub institution_name: Option<String>,
}

impl Store {
    /// 预警中心: findings of the latest run in scope.
    pub async fn finding_list(
        &self,
        scope: &DataScope,
        f: &FindingListFilter,
        paging: Paging,
    ) -> Result<Grid> {
        Ok(in_transaction!(read self, w => {
            let run = latest(&mut w).await?;
            let mut q = Query::new("FROM findings f");
            q.when("f.last_run", "=", Some(Value::Int(run)))
                .when("f.item", "=", f.item.map(|i| Value::Int(i64::from(i))))
                .when("f.severity", "=", text(&f.severity))
                .when("f.status", "=", text(&f.status))
                .when("f.rule", "=", text(&f.rule))
                .when("f.institution_id", "=", text(&f.institution_id))
                .when("f.batch_id", "=", text(&f.batch_id));
            if let Some((lo, hi)) = f.region.as_deref().and_then(prefix_range) {
                q.and(
                    "f.institution_id IN (SELECT institution_id FROM institutions WHERE region_code BETWEEN {} AND {})",
                    vec![Value::Text(lo.into()), Value::Text(hi.into())],
                );
            }
            q.scoped(scope, Via::InstitutionColumn("f.institution_id"));
            grid(&mut w, FINDING_COLS, &q, "f.item, f.finding_id", Some(paging)).await?
        }))
    }

    /// One finding in scope, or `None`.
    pub async fn finding(&self, scope: &DataScope, id: i64) -> Result<Option<FindingDetail>> {
        let mut q = Query::new("FROM findings f");
        q.when("f.finding_id", "=", Some(Value::Int(id)))
            .scoped(scope, Via::InstitutionColumn("f.institution_id"));
        let mut cols: Vec<Col> = FINDING_COLS.to_vec();
        cols.extend_from_slice(&[
            ("disposition", "(SELECT r.disposition FROM run_findings r WHERE r.run_id = f.last_run AND r.finding_id = f.finding_id)", Kind::Text),
            ("first_run", "f.first_run", Kind::Int),
            ("last_run", "f.last_run", Kind::Int),
            ("status_reason", "f.status_reason", Kind::Text),
            ("status_by", "f.status_by", Kind::Text),
            ("status_at", "f.status_at", Kind::DateTime),
        ]);
        Ok(in_transaction!(read self, w => {
            let head = grid(&mut w, &cols, &q, "", None).await?;
            if head.rows.is_empty() {
                None
            } else {
                let detail = w
                    .fetch(
                        "SELECT r.detail FROM run_findings r JOIN findings f ON f.finding_id = r.finding_id \
                         AND r.run_id = f.last_run WHERE f.finding_id = $1".into(),
                        &[Value::Int(id)],
                        &[Kind::Text],
                    )
                    .await?
                    .first()
                    .and_then(|r| r[0].text())
                    .unwrap_or_default();
                let mut mq = Query::new("FROM finding_marks");
                mq.when("finding_id", "=", Some(Value::Int(id)));
                let marks = grid(&mut w, &[
                    ("marked_at", "marked_at", Kind::DateTime),
                    ("finding_status", "status", Kind::Text),
                    ("reason", "reason", Kind::Text),
                    ("marked_by", "marked_by", Kind::Text),
                ], &mq, "mark_id DESC", None).await?;
                let institution_name = match head.get(0, "institution_id") {
                    Some(i) => w
                        .fetch(
                            "SELECT name FROM institutions WHERE institution_id = $1".into(),
                            &[Value::Text(i.to_string().into())],
                            &[Kind::Text],
                        )
                        .await?
                        .first()
                        .and_then(|r| r[0].text()),
                    None => None,
                };
                Some(FindingDetail { head, detail, marks, institution_name })
            }
        }))
    }

    /// Whether a finding is in the caller's scope (before marking it).
    pub async fn finding_in_scope(&self, scope: &DataScope, id: i64) -> Result<bool> {
        let mut q = Query::new("FROM findings f");
        q.when("f.finding_id", "=", Some(Value::Int(id)))
            .scoped(scope, Via::InstitutionColumn("f.institution_id"));
        let g = in_transaction!(read self, w => grid(&mut w, &[("finding_id", "f.finding_id", Kind::Int)], &q, "", None).await?);
        Ok(!g.rows.is_empty())
    }

    /// 风险清单: the latest run's ranked institutions in scope.
    pub async fn risk_list(&self, scope: &DataScope, paging: Paging) -> Result<Grid> {
        use Kind::*;
        Ok(in_transaction!(read self, w => {
            let run = latest(&mut w).await?;
            let mut q = Query::new(
                "FROM run_risk k LEFT JOIN institutions i ON i.institution_id = k.institution_id \
                 LEFT JOIN regions g ON g.region_code = i.region_code",
            );
            q.when("k.run_id", "=", Some(Value::Int(run)))
                .scoped(scope, Via::InstitutionColumn("k.institution_id"));
            grid(&mut w, &[
                ("risk_rank", "k.rank", Int),
                ("institution_id", "k.institution_id", Text),
                ("name", "i.name", Text),
                ("kind", "i.kind", Text),
                ("region_name", "g.name", Text),
                ("risk_worst", "k.worst", Text),
                ("proposal", "k.disposition", Text),
                ("risk_findings", "k.findings", Int),
                ("general", "k.general", Int),
                ("serious", "k.serious", Int),
                ("grave", "k.grave", Int),
                ("score", "k.score", Int),
                ("per_item", "k.per_item", Text),
            ], &q, "k.rank", Some(paging)).await?
        }))
    }
}
