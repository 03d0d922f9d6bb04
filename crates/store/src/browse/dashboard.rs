//! 首页: the numbers of the caller's scope, and the latest run.

use super::*;

/// A recorded run's findings as findings.jsonl lines.
#[derive(Debug, Clone, Default)]
pub struct RunLines {
    pub rulebook: String,
    pub as_of: NaiveDate,
    pub window_from: NaiveDate,
    pub lines: Vec<String>,
}

/// The numbers of 首页.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    /// (status code, institutions).
    pub institutions: Vec<(String, u64)>,
    pub batches: u64,
    pub enrollments: u64,
    pub certificates: u64,
    /// Latest run: findings by (item, severity code).
    pub by_item: Vec<(u8, String, u64)>,
    /// Latest run: findings and institutions at risk by city code.
    pub by_city: Vec<(String, u64)>,
    /// Whether `by_city` holds districts (a city's dashboard) rather than cities;
    /// it is empty for a district or an institution, where there is one area.
    pub by_district: bool,
    /// Activities and their findings by month (`YYYY-MM`).
    pub by_month: Vec<(String, u64, u64)>,
    /// Findings still open, by severity code.
    pub open: Vec<(String, u64)>,
    /// Registrations expiring within 90 days of `today`.
    pub expiring: Grid,
    /// 到期提醒 (第二十条 "经提醒"): the reminders of the current expiries in scope,
    /// newest first — for an institution's own account, its own.
    pub reminders: Grid,
    /// Registrations past their expiry, still in force, never reminded of it: not
    /// cancelled automatically, waiting for an official to confirm.
    pub unreminded: Grid,
    /// The latest run: id, finished at, as of, findings, new.
    pub run: Option<(i64, String, String, u64, u64)>,
}

impl Store {
    /// 首页 for the caller's scope.
    pub async fn dashboard(&self, scope: &DataScope, today: NaiveDate) -> Result<Dashboard> {
        use Kind::*;
        Ok(in_transaction!(read self, w => {
            let run = latest(&mut w).await?;
            let mut d = Dashboard::default();

            let mut q = Query::new("FROM institutions i");
            q.scoped(scope, Via::Institutions("i"));
            d.institutions = w
                .fetch(format!("SELECT i.status, COUNT(*) {} GROUP BY i.status ORDER BY i.status", q.from_where), &q.values, &[Text, Int])
                .await?
                .iter()
                .map(|r| (r[0].text().unwrap_or_default(), r[1].int() as u64))
                .collect();

            // Totals as of the latest run (counted when it was recorded).
            let mut sq = Query::new("FROM run_stats k");
            sq.when("k.run_id", "=", Some(Value::Int(run)))
                .scoped(scope, Via::InstitutionColumn("k.institution_id"));
            if let Some(r) = w
                .fetch(
                    format!(
                        "SELECT CAST(COALESCE(SUM(k.batches), 0) AS BIGINT), CAST(COALESCE(SUM(k.enrollments), 0) AS BIGINT), \
                         CAST(COALESCE(SUM(k.certificates), 0) AS BIGINT) {}",
                        sq.from_where
                    ),
                    &sq.values,
                    &[Int, Int, Int],
                )
                .await?
                .first()
            {
                d.batches = r[0].int() as u64;
                d.enrollments = r[1].int() as u64;
                d.certificates = r[2].int() as u64;
            }
            let mut q = Query::new("FROM batches b");
            q.scoped(scope, Via::InstitutionColumn("b.institution_id"));
            // Activities per month, then the findings of those activities per month
            // (two grouped scans, not a count per activity).
            let month = |r: &Vec<Cell>| (r[0].text().unwrap_or_default(), r[1].int() as u64);
            let batches_per_month: Vec<(String, u64)> = w
                .fetch(
                    format!("SELECT SUBSTR(CAST(b.start_at AS TEXT), 1, 7) AS m, COUNT(*) {} GROUP BY m ORDER BY m", q.from_where),
                    &q.values,
                    &[Text, Int],
                )
                .await?
                .iter()
                .map(month)
                .collect();
            let mut fq = Query::new("FROM findings f JOIN batches b ON b.batch_id = f.batch_id");
            fq.when("f.last_run", "=", Some(Value::Int(run)))
                .scoped(scope, Via::InstitutionColumn("b.institution_id"));
            let findings_per_month: std::collections::HashMap<String, u64> = w
                .fetch(
                    format!("SELECT SUBSTR(CAST(b.start_at AS TEXT), 1, 7) AS m, COUNT(*) {} GROUP BY m", fq.from_where),
                    &fq.values,
                    &[Text, Int],
                )
                .await?
                .iter()
                .map(month)
                .collect();
            d.by_month = batches_per_month
                .into_iter()
                .map(|(m, n)| {
                    let f = findings_per_month.get(&m).copied().unwrap_or(0);
                    (m, n, f)
                })
                .collect();

            let mut q = Query::new("FROM findings f");
            q.when("f.last_run", "=", Some(Value::Int(run)))
                .scoped(scope, Via::Findings("f"));
            d.by_item = w
                .fetch(format!("SELECT f.item, f.severity, COUNT(*) {} GROUP BY f.item, f.severity ORDER BY f.item", q.from_where), &q.values, &[Int, Text, Int])
                .await?
                .iter()
                .map(|r| (r[0].int() as u8, r[1].text().unwrap_or_default(), r[2].int() as u64))
                .collect();
            d.open = w
                .fetch(format!("SELECT f.severity, COUNT(*) {} AND f.status = 'open' GROUP BY f.severity", q.from_where), &q.values, &[Text, Int])
                .await?
                .iter()
                .map(|r| (r[0].text().unwrap_or_default(), r[1].int() as u64))
                .collect();
            // By area one tier below the caller's: cities for the province (the
            // map), districts for a city; a district or an institution is one area.
            let area = match scope {
                DataScope::Everything => Some("SUBSTR(i.region_code, 1, 4) || '00'"),
                DataScope::Region(r) => match r.level() {
                    domain::region::RegionLevel::Province => Some("SUBSTR(i.region_code, 1, 4) || '00'"),
                    domain::region::RegionLevel::City => Some("i.region_code"),
                    domain::region::RegionLevel::District => None,
                },
                DataScope::Institution(_) => None,
            };
            d.by_district = matches!(scope, DataScope::Region(r) if r.level() == domain::region::RegionLevel::City);
            if let Some(area) = area {
                let mut q = Query::new("FROM findings f JOIN institutions i ON i.institution_id = f.institution_id");
                q.when("f.last_run", "=", Some(Value::Int(run)))
                    .scoped(scope, Via::Institutions("i"));
                d.by_city = w
                    .fetch(format!("SELECT {area} AS c, COUNT(*) {} GROUP BY c ORDER BY c", q.from_where), &q.values, &[Text, Int])
                    .await?
                    .iter()
                    .map(|r| (r[0].text().unwrap_or_default(), r[1].int() as u64))
                    .collect();
            }

            let mut q = Query::new("FROM institutions i LEFT JOIN regions g ON g.region_code = i.region_code");
            q.scoped(scope, Via::Institutions("i"))
                .when("i.status", "=", Some(Value::Text("active".into())))
                .when("i.expires_on", ">=", Some(Value::Date(today)))
                .when("i.expires_on", "<=", Some(Value::Date(today + chrono::Duration::days(90))));
            d.expiring = grid(&mut w, &[
                ("institution_id", "i.institution_id", Text),
                ("name", "i.name", Text),
                ("region_name", "g.name", Text),
                ("expires_on", "i.expires_on", Date),
            ], &q, "i.expires_on, i.institution_id", Some(Paging::new(Some(1), Some(10)))).await?;

            let mut q = Query::new(
                "FROM renewal_reminders r JOIN institutions i ON i.institution_id = r.institution_id \
                 LEFT JOIN regions g ON g.region_code = i.region_code",
            );
            q.scoped(scope, Via::Institutions("i"))
                .and("r.expires_on = i.expires_on", vec![]);
            d.reminders = grid(&mut w, &[
                ("institution_id", "i.institution_id", Text),
                ("name", "i.name", Text),
                ("stage", "CASE r.stage WHEN 'three_months' THEN '到期前3个月' WHEN 'one_month' THEN '到期前1个月' ELSE '到期前1周' END", Text),
                ("sent_on", "r.sent_on", Date),
                ("expires_on", "i.expires_on", Date),
            ], &q, "r.sent_on DESC, r.reminder_id DESC", Some(Paging::new(Some(1), Some(10)))).await?;

            let mut q = Query::new("FROM institutions i LEFT JOIN regions g ON g.region_code = i.region_code");
            q.scoped(scope, Via::Institutions("i"))
                .and("i.status IN ('active', 'suspended') AND i.expires_on < {}", vec![Value::Date(today)])
                .and(
                    "NOT EXISTS (SELECT 1 FROM renewal_reminders r \
                     WHERE r.institution_id = i.institution_id AND r.expires_on = i.expires_on)",
                    vec![],
                );
            d.unreminded = grid(&mut w, &[
                ("institution_id", "i.institution_id", Text),
                ("name", "i.name", Text),
                ("region_name", "g.name", Text),
                ("expires_on", "i.expires_on", Date),
            ], &q, "i.expires_on, i.institution_id", Some(Paging::new(Some(1), Some(10)))).await?;

            d.run = w
                .fetch(
                    "SELECT run_id, finished_at, as_of, finding_count, new_count FROM screening_runs WHERE run_id = $1".into(),
                    &[Value::Int(run)],
                    &[Int, DateTime, Date, Int, Int],
                )
                .await?
                .first()
                .map(|r| (
                    r[0].int(),
                    display(&r[1]).unwrap_or_default(),
                    display(&r[2]).unwrap_or_default(),
                    r[3].int() as u64,
                    r[4].int() as u64,
                ));
            d
        }))
    }

    /// The latest run with the findings.jsonl lines of its findings in scope
    /// (to rebuild the run's risk list workbook for the caller).
    pub async fn latest_run_lines(&self, scope: &DataScope) -> Result<Option<RunLines>> {
        Ok(in_transaction!(read self, w => {
            let run = latest(&mut w).await?;
            let head = w
                .fetch(
                    "SELECT rulebook, as_of, window_from FROM screening_runs WHERE run_id = $1".into(),
                    &[Value::Int(run)],
                    &[Kind::Text, Kind::Date, Kind::Date],
                )
                .await?;
            match head.first() {
                None => None,
                Some(h) => {
                    let mut q = Query::new("FROM run_findings r JOIN findings f ON f.finding_id = r.finding_id");
                    q.when("r.run_id", "=", Some(Value::Int(run)))
                        .scoped(scope, Via::Findings("f"));
                    let lines = w
                        .fetch(format!("SELECT r.detail {}", q.from_where), &q.values, &[Kind::Text])
                        .await?
                        .iter()
                        .filter_map(|r| r[0].text())
                        .collect();
                    Some(RunLines {
                        rulebook: h[0].text().unwrap_or_default(),
                        as_of: h[1].date().unwrap_or_default(),
                        window_from: h[2].date().unwrap_or_default(),
                        lines,
                    })
                }
            }
        }))
    }

    /// The institution of each named batch the store holds.
    pub async fn batch_owners(
        &self,
        batch_ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>> {
        let mut out = std::collections::HashMap::new();
        for chunk in batch_ids.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let values: Vec<Value<'static>> = chunk
                .iter()
                .map(|b| Value::Text(b.clone().into()))
                .collect();
            let rows = in_transaction!(read self, w => w
                .fetch(
                    format!("SELECT batch_id, institution_id FROM batches WHERE batch_id IN ({})", placeholders.join(", ")),
                    &values,
                    &[Kind::Text, Kind::Text],
                )
                .await?);
            for r in rows {
                if let (Some(b), Some(i)) = (r[0].text(), r[1].text()) {
                    out.insert(b, i);
                }
            }
        }
        Ok(out)
    }

    /// The latest run: id, when it finished, the data's as-of date.
    pub async fn latest_run_summary(&self) -> Result<Option<(i64, String, String)>> {
        let rows = in_transaction!(read self, w => w
            .fetch(
                "SELECT run_id, finished_at, as_of FROM screening_runs ORDER BY run_id DESC LIMIT 1".into(),
                &[],
                &[Kind::Int, Kind::DateTime, Kind::Date],
            )
            .await?);
        Ok(rows.first().map(|r| {
            (
                r[0].int(),
                display(&r[1]).unwrap_or_default(),
                display(&r[2]).unwrap_or_default(),
            )
        }))
    }

    /// The rulebook of the latest run, if any run was recorded.
    pub async fn latest_rulebook(&self) -> Result<Option<String>> {
        let rows = in_transaction!(read self, w => w
            .fetch("SELECT rulebook FROM screening_runs ORDER BY run_id DESC LIMIT 1".into(), &[], &[Kind::Text])
            .await?);
        Ok(rows.first().and_then(|r| r[0].text()))
    }
}
