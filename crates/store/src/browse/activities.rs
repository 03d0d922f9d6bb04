//! 考务监测: evaluation activities (批次) in scope, and one activity's page.

use super::*;

/// 考务监测 filters.
#[derive(Debug, Clone, Default)]
pub struct BatchFilter {
    pub institution_id: Option<String>,
    pub occupation_code: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Exact batch id.
    pub batch_id: Option<String>,
}

/// One evaluation activity (批次) with everything recorded about it.
#[derive(Debug, Clone, Default)]
pub struct BatchDetail {
    pub head: Grid,
    pub sessions: Grid,
    pub staff: Grid,
    pub changes: Grid,
    /// One row per enrolled candidate: scores, result, certificate.
    pub candidates: Grid,
    pub findings: Grid,
}

impl Store {
    /// 考务监测: activities in scope, newest first.
    pub async fn batches(
        &self,
        scope: &DataScope,
        f: &BatchFilter,
        paging: Paging,
    ) -> Result<Grid> {
        let mut q = Query::new("FROM batches b");
        q.scoped(scope, Via::InstitutionColumn("b.institution_id"))
            .when("b.institution_id", "=", text(&f.institution_id))
            .when("b.occupation_code", "=", text(&f.occupation_code))
            .when("b.batch_id", "=", text(&f.batch_id))
            .when(
                "b.start_at",
                ">=",
                f.from
                    .map(|d| Value::DateTime(d.and_hms_opt(0, 0, 0).expect("midnight"))),
            )
            .when(
                "b.start_at",
                "<",
                f.to.and_then(|d| d.succ_opt())
                    .map(|d| Value::DateTime(d.and_hms_opt(0, 0, 0).expect("midnight"))),
            );
        // The page first, then the counts of its activities only: computed in the
        // select list, they would be computed for every row skipped by OFFSET too.
        Ok(in_transaction!(read self, w => {
            let mut g = grid(&mut w, &BATCH_COLS[..BATCH_COLS.len() - 2], &q, "b.start_at DESC, b.batch_id", Some(paging)).await?;
            let ids: Vec<Value<'static>> = g.rows.iter().filter_map(|r| r[0].clone()).map(|b| Value::Text(b.into())).collect();
            let mut counts: Vec<std::collections::HashMap<String, i64>> = Vec::new();
            for table in ["enrollments", "certificates"] {
                let mut per = std::collections::HashMap::new();
                if !ids.is_empty() {
                    let ps: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
                    for r in w
                        .fetch(
                            format!("SELECT batch_id, COUNT(*) FROM {table} WHERE batch_id IN ({}) GROUP BY batch_id", ps.join(", ")),
                            &ids,
                            &[Kind::Text, Kind::Int],
                        )
                        .await?
                    {
                        per.insert(r[0].text().unwrap_or_default(), r[1].int());
                    }
                }
                counts.push(per);
            }
            g.columns.extend(["enrolled", "certified"]);
            for r in &mut g.rows {
                let id = r[0].clone().unwrap_or_default();
                for per in &counts {
                    r.push(Some(per.get(&id).copied().unwrap_or(0).to_string()));
                }
            }
            g
        }))
    }

    /// One activity in scope, or `None`.
    pub async fn batch(&self, scope: &DataScope, id: &str) -> Result<Option<BatchDetail>> {
        let key = || Some(Value::Text(id.to_string().into()));
        let mut q = Query::new("FROM batches b");
        q.when("b.batch_id", "=", key())
            .scoped(scope, Via::InstitutionColumn("b.institution_id"));
        use Kind::*;
        let head_cols: &[Col] = &[
            ("batch_id", "b.batch_id", Text),
            ("institution_id", "b.institution_id", Text),
            ("occupation_code", "b.occupation_code", Text),
            ("level", "b.level", Int),
            ("site_id", "b.site_id", Text),
            ("start_at", "b.start_at", DateTime),
            ("end_at", "b.end_at", DateTime),
            ("filed_at", "b.filed_at", DateTime),
            ("internal_supervisor_id", "b.internal_supervisor_id", Text),
            ("supervision_record_at", "b.supervision_record_at", DateTime),
        ];
        Ok(in_transaction!(read self, w => {
            let head = grid(&mut w, head_cols, &q, "", None).await?;
            if head.rows.is_empty() {
                None
            } else {
                let by_batch = |from: &str| {
                    let mut q = Query::new(from);
                    q.when("batch_id", "=", key());
                    q
                };
                let sessions = grid(&mut w, &[
                    ("subject", "subject", Text),
                    ("start_at", "start_at", DateTime),
                    ("end_at", "end_at", DateTime),
                    ("paper_drawn", "paper_drawn", Text),
                    ("paper_used", "paper_used", Text),
                ], &by_batch("FROM sessions"), "start_at", None).await?;
                let staff = grid(&mut w, &[
                    ("subject", "s.subject", Text),
                    ("duty", "s.duty", Text),
                    ("person_id", "s.person_id", Text),
                    ("name", "(SELECT p.name FROM personnel p WHERE p.person_id = s.person_id)", Text),
                ], &{
                    let mut q = Query::new("FROM batch_staff s");
                    q.when("s.batch_id", "=", key());
                    q
                }, "s.subject, s.duty, s.person_id", None).await?;
                let changes = grid(&mut w, &[
                    ("field", "field", Text),
                    ("old_value", "old_value", Text),
                    ("new_value", "new_value", Text),
                    ("changed_at", "changed_at", DateTime),
                    ("reported_at", "reported_at", DateTime),
                ], &by_batch("FROM batch_changes"), "changed_at", None).await?;
                let candidates = grid(&mut w, &[
                    ("candidate_id", "e.candidate_id", Text),
                    ("name", "e.name", Text),
                    ("education", "e.education", Text),
                    ("work_years", "e.work_years", Text),
                    ("prior_cert_no", "e.prior_cert_no", Text),
                    ("theory", "(SELECT s.score FROM scores s WHERE s.batch_id = e.batch_id AND s.candidate_id = e.candidate_id AND s.subject = 'theory')", Real),
                    ("skill", "(SELECT s.score FROM scores s WHERE s.batch_id = e.batch_id AND s.candidate_id = e.candidate_id AND s.subject = 'skill')", Real),
                    ("result", "(SELECT r.result FROM results r WHERE r.batch_id = e.batch_id AND r.candidate_id = e.candidate_id)", Text),
                    ("cert_no", "(SELECT MIN(c.cert_no) FROM certificates c WHERE c.batch_id = e.batch_id AND c.candidate_id = e.candidate_id)", Text),
                ], &{
                    let mut q = Query::new("FROM enrollments e");
                    q.when("e.batch_id", "=", key());
                    q
                }, "e.seq", None).await?;
                let run = latest(&mut w).await?;
                let mut fq = Query::new("FROM findings f");
                fq.when("f.batch_id", "=", key()).when("f.last_run", "=", Some(Value::Int(run)));
                let findings = grid(&mut w, FINDING_COLS, &fq, "f.item, f.rule, f.finding_id", None).await?;
                Some(BatchDetail { head, sessions, staff, changes, candidates, findings })
            }
        }))
    }
}
