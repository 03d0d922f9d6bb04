//! 预警中心 and 风险清单: the latest run's findings and ranked institutions in scope.

use super::*;

/// 风险清单 filters.
#[derive(Debug, Clone, Default)]
pub struct RiskFilter {
    /// Part of the institution's name.
    pub institution_name: Option<String>,
    /// A region code: the institutions located in it.
    pub region: Option<String>,
    /// An institution kind code.
    pub kind: Option<String>,
    /// The worst severity code.
    pub worst: Option<String>,
}

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
    /// Activities starting on or after this day.
    pub from: Option<NaiveDate>,
    /// Activities starting on or before this day.
    pub to: Option<NaiveDate>,
    /// Institution name (contains).
    pub institution_name: Option<String>,
}

/// One finding with what the latest run said of it and its marks.
#[derive(Debug, Clone, Default)]
pub struct FindingDetail {
    pub head: Grid,
    /// The findings.jsonl line of the run that last reported it.
    pub detail: String,
    pub marks: Grid,
    pub institution_name: Option<String>,
    /// The cases opened from this finding (any state).
    pub cases: Grid,
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
                // An institution's findings by where it is; an unregistered
                // one's by where the activity took place.
                q.and(
                    &format!(
                        "(f.institution_id IN (SELECT institution_id FROM institutions WHERE region_code BETWEEN {{}} AND {{}}) OR {})",
                        crate::scope::unregistered_between("f", "{}", "{}")
                    ),
                    vec![
                        Value::Text(lo.clone().into()),
                        Value::Text(hi.clone().into()),
                        Value::Text(lo.into()),
                        Value::Text(hi.into()),
                    ],
                );
            }
            if let Some(name) = text(&f.institution_name) {
                q.and(
                    "f.institution_id IN (SELECT institution_id FROM institutions WHERE name LIKE {} ESCAPE '\\')",
                    vec![like_contains(&name)],
                );
            }
            if f.from.is_some() || f.to.is_some() {
                let day = |d: NaiveDate| Value::DateTime(d.and_hms_opt(0, 0, 0).expect("midnight"));
                let from = f.from.map_or(Value::DateTime(chrono::NaiveDateTime::MIN), day);
                let to = f
                    .to
                    .and_then(|d| d.succ_opt())
                    .map_or(Value::DateTime(chrono::NaiveDateTime::MAX), day);
                q.and(
                    "f.batch_id IN (SELECT batch_id FROM batches WHERE start_at >= {} AND start_at < {})",
                    vec![from, to],
                );
            }
            q.scoped(scope, Via::Findings("f"));
            grid(&mut w, FINDING_COLS, &q, "f.item, f.finding_id", Some(paging)).await?
        }))
    }

    /// One finding in scope, or `None`.
    pub async fn finding(&self, scope: &DataScope, id: i64) -> Result<Option<FindingDetail>> {
        let mut q = Query::new("FROM findings f");
        q.when("f.finding_id", "=", Some(Value::Int(id)))
            .scoped(scope, Via::Findings("f"));
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
                let mut cq = Query::new("FROM case_findings cf JOIN cases c ON c.case_id = cf.case_id");
                cq.when("cf.finding_id", "=", Some(Value::Int(id)));
                let cases = grid(&mut w, &[
                    ("case_id", "c.case_id", Kind::Int),
                    ("number", "c.number", Kind::Text),
                    ("party_name", "c.party_name", Kind::Text),
                    ("state", "c.state", Kind::Text),
                ], &cq, "c.case_id", None).await?;
                Some(FindingDetail { head, detail, marks, institution_name, cases })
            }
        }))
    }

    /// Whether a finding is in the caller's scope (before marking it).
    pub async fn finding_in_scope(&self, scope: &DataScope, id: i64) -> Result<bool> {
        let mut q = Query::new("FROM findings f");
        q.when("f.finding_id", "=", Some(Value::Int(id)))
            .scoped(scope, Via::Findings("f"));
        let g = in_transaction!(read self, w => grid(&mut w, &[("finding_id", "f.finding_id", Kind::Int)], &q, "", None).await?);
        Ok(!g.rows.is_empty())
    }

    /// 风险清单: the latest run's ranked institutions in scope.
    pub async fn risk_list(&self, scope: &DataScope, paging: Paging) -> Result<Grid> {
        self.risk_list_filtered(scope, &RiskFilter::default(), paging)
            .await
    }

    /// 风险清单 with its search form's filters.
    pub async fn risk_list_filtered(
        &self,
        scope: &DataScope,
        f: &RiskFilter,
        paging: Paging,
    ) -> Result<Grid> {
        use Kind::*;
        Ok(in_transaction!(read self, w => {
            let run = latest(&mut w).await?;
            let mut q = Query::new(
                "FROM run_risk k LEFT JOIN institutions i ON i.institution_id = k.institution_id \
                 LEFT JOIN regions g ON g.region_code = i.region_code",
            );
            q.when("k.run_id", "=", Some(Value::Int(run)))
                .when("k.worst", "=", text(&f.worst))
                .when("i.kind", "=", text(&f.kind))
                .scoped(scope, Via::InstitutionColumn("k.institution_id"));
            if let Some(name) = text(&f.institution_name) {
                q.and("i.name LIKE {} ESCAPE '\\'", vec![like_contains(&name)]);
            }
            if let Some((lo, hi)) = f.region.as_deref().and_then(prefix_range) {
                q.and(
                    "i.region_code BETWEEN {} AND {}",
                    vec![Value::Text(lo.into()), Value::Text(hi.into())],
                );
            }
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
