//! The read queries of the officials' platform: paged lists, detail pages and the
//! dashboard, every one scoped to the caller (谁备案谁监管) through
//! [`crate::scope::condition`] and nothing else.
//!
//! Results are [`Grid`]s: named columns of display text. The web crate decides
//! labels, links and masking by column name, so one rule masks `id_number`,
//! `candidate_id` and `phone` wherever they appear, and every list exports the
//! same way it shows.
//!
//! Complexity: list pages use the indexes of `0001_dataset.sql` and
//! `0006_platform.sql` and `LIMIT/OFFSET` paging; the totals are one `COUNT(*)`
//! over the same scoped predicate.

use crate::Store;
use crate::error::Result;
use crate::scope::{Via, condition};
use crate::tx::{Cell, Kind, Writer, in_transaction, max_id};
use crate::value::Value;
use chrono::NaiveDate;
use domain::access::DataScope;

/// Which page of a list, and how long pages are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    /// Rows per page when the request does not say.
    pub const DEFAULT: u32 = 20;
    /// The longest page a request may ask for.
    pub const MAX: u32 = 200;
    /// The most rows an export writes (an xlsx sheet holds 1,048,575).
    pub const EXPORT: u32 = 1_000_000;

    /// A page from request parameters, clamped to sensible values.
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Paging {
        Paging {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(Self::DEFAULT).clamp(1, Self::MAX),
        }
    }

    /// Everything, for an export.
    pub fn export() -> Paging {
        Paging {
            page: 1,
            per_page: Self::EXPORT,
        }
    }

    fn offset(self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

/// Rows of named columns, as display text (`None` for NULL), with the total the
/// filter matched (for paging).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Option<String>>>,
    pub total: u64,
}

impl Grid {
    /// The value of `column` in row `row`.
    pub fn get(&self, row: usize, column: &str) -> Option<&str> {
        let c = self.columns.iter().position(|c| *c == column)?;
        self.rows.get(row)?.get(c)?.as_deref()
    }

    /// The first row as (column, value) pairs, for detail headers.
    pub fn first(&self) -> Vec<(&'static str, Option<&str>)> {
        match self.rows.first() {
            Some(r) => self
                .columns
                .iter()
                .zip(r)
                .map(|(c, v)| (*c, v.as_deref()))
                .collect(),
            None => Vec::new(),
        }
    }
}

/// One output column: its name, the SQL expression and how to read it.
type Col = (&'static str, &'static str, Kind);

/// A `FROM … WHERE …` under construction with its bound values.
#[derive(Debug, Default)]
pub(crate) struct Query {
    pub(crate) from_where: String,
    pub(crate) values: Vec<Value<'static>>,
}

impl Query {
    pub(crate) fn new(from: &str) -> Query {
        Query {
            from_where: format!("{from} WHERE 1 = 1"),
            values: Vec::new(),
        }
    }

    fn bind(&mut self, v: Value<'static>) -> String {
        self.values.push(v);
        format!("${}", self.values.len())
    }

    /// `AND {column} {op} value` when the filter has a value.
    pub(crate) fn when(&mut self, column: &str, op: &str, v: Option<Value<'static>>) -> &mut Self {
        if let Some(v) = v {
            let p = self.bind(v);
            self.from_where.push_str(&format!(" AND {column} {op} {p}"));
        }
        self
    }

    /// `AND (sql)`, where `sql` uses `{}` once per value, in order.
    pub(crate) fn and(&mut self, sql: &str, values: Vec<Value<'static>>) -> &mut Self {
        let mut out = String::new();
        let mut parts = sql.split("{}");
        out.push_str(parts.next().unwrap_or_default());
        for (part, v) in parts.zip(values) {
            out.push_str(&self.bind(v));
            out.push_str(part);
        }
        self.from_where.push_str(&format!(" AND ({out})"));
        self
    }

    /// Keeps the caller to their jurisdiction: the one call every query makes.
    pub(crate) fn scoped(&mut self, scope: &DataScope, via: Via<'_>) -> &mut Self {
        let (sql, values) = condition(scope, via, self.values.len() + 1, &|n| format!("${n}"));
        self.from_where.push_str(&format!(" AND {sql}"));
        self.values.extend(values);
        self
    }
}

fn text(s: &Option<String>) -> Option<Value<'static>> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Value::Text(s.to_string().into()))
}

fn display(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Null => None,
        Cell::Text(s) => Some(s.clone()),
        Cell::Int(n) => Some(n.to_string()),
        Cell::Bool(b) => Some(if *b { "是" } else { "否" }.to_string()),
        Cell::Real(x) => Some(format!("{x:.1}")),
        Cell::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
        Cell::DateTime(t) => Some(t.format("%Y-%m-%d %H:%M").to_string()),
    }
}

/// Runs `SELECT cols FROM … ORDER BY … LIMIT/OFFSET` and, when paging, the
/// matching `COUNT(*)`.
pub(crate) async fn grid<W: Writer>(
    w: &mut W,
    cols: &[Col],
    q: &Query,
    order: &str,
    paging: Option<Paging>,
) -> Result<Grid> {
    let select: Vec<String> = cols.iter().map(|(_, e, _)| (*e).to_string()).collect();
    let kinds: Vec<Kind> = cols.iter().map(|(_, _, k)| *k).collect();
    let mut sql = format!("SELECT {} {}", select.join(", "), q.from_where);
    if !order.is_empty() {
        sql.push_str(&format!(" ORDER BY {order}"));
    }
    if let Some(p) = paging {
        sql.push_str(&format!(" LIMIT {} OFFSET {}", p.per_page, p.offset()));
    }
    let rows = w.fetch(sql, &q.values, &kinds).await?;
    let total = match paging {
        Some(p) if p.page > 1 || rows.len() as u64 >= u64::from(p.per_page) => {
            let n = w
                .fetch(
                    format!("SELECT COUNT(*) {}", q.from_where),
                    &q.values,
                    &[Kind::Int],
                )
                .await?;
            n.first().map_or(0, |r| r[0].int() as u64)
        }
        _ => rows.len() as u64,
    };
    Ok(Grid {
        columns: cols.iter().map(|(n, _, _)| *n).collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(display).collect())
            .collect(),
        total,
    })
}

/// The latest screening run's id, `0` if none (matches nothing).
async fn latest<W: Writer>(w: &mut W) -> Result<i64> {
    Ok(max_id(w, "SELECT MAX(run_id) FROM screening_runs")
        .await?
        .unwrap_or(0))
}

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

/// Region prefixes: `42`, `4201`, `420102` → the code range they stand for.
fn prefix_range(prefix: &str) -> Option<(String, String)> {
    let p = prefix.trim();
    if p.is_empty() || p.len() > 6 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let p = p.trim_end_matches("00");
    let p = if p.len() % 2 == 1 { prefix.trim() } else { p };
    Some((
        format!("{p:0<6}"),
        format!("{p}{}", "9".repeat(6 - p.len())),
    ))
}

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
                let like = match &v {
                    Value::Text(t) => Value::Text(format!("%{t}%").into()),
                    _ => unreachable!("text() gives text"),
                };
                q.and(
                    "i.institution_id = {} OR i.credit_code = {} OR i.name LIKE {}",
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

/// Findings list columns (预警中心 and the findings of a detail page).
const FINDING_COLS: &[Col] = &[
    ("finding_id", "f.finding_id", Kind::Int),
    ("item", "f.item", Kind::Int),
    ("severity", "f.severity", Kind::Text),
    ("rule", "f.rule", Kind::Text),
    ("institution_id", "f.institution_id", Kind::Text),
    ("batch_id", "f.batch_id", Kind::Text),
    ("candidate_id", "f.candidate_id", Kind::Text),
    ("cert_no", "f.cert_no", Kind::Text),
    ("person_id", "f.person_id", Kind::Text),
    ("finding_status", "f.status", Kind::Text),
    (
        "message",
        "(SELECT r.message FROM run_findings r WHERE r.run_id = f.last_run AND r.finding_id = f.finding_id)",
        Kind::Text,
    ),
];

const BATCH_COLS: &[Col] = &[
    ("batch_id", "b.batch_id", Kind::Text),
    ("institution_id", "b.institution_id", Kind::Text),
    ("occupation_code", "b.occupation_code", Kind::Text),
    ("level", "b.level", Kind::Int),
    ("site_id", "b.site_id", Kind::Text),
    ("start_at", "b.start_at", Kind::DateTime),
    ("end_at", "b.end_at", Kind::DateTime),
    (
        "enrolled",
        "(SELECT COUNT(*) FROM enrollments e WHERE e.batch_id = b.batch_id)",
        Kind::Int,
    ),
    (
        "certified",
        "(SELECT COUNT(*) FROM certificates c WHERE c.batch_id = b.batch_id)",
        Kind::Int,
    ),
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

/// A recorded run's findings as findings.jsonl lines.
#[derive(Debug, Clone, Default)]
pub struct RunLines {
    pub rulebook: String,
    pub as_of: NaiveDate,
    pub window_from: NaiveDate,
    pub lines: Vec<String>,
}

/// 证书查询: by certificate number, ID number or holder name (at least one).
#[derive(Debug, Clone, Default)]
pub struct CertificateQuery {
    pub cert_no: Option<String>,
    pub id_number: Option<String>,
    pub name: Option<String>,
}

impl CertificateQuery {
    /// Whether the query names anything to look for.
    pub fn is_empty(&self) -> bool {
        [&self.cert_no, &self.id_number, &self.name]
            .iter()
            .all(|v| text(v).is_none())
    }
}

impl Store {
    /// Certificates in scope matching every given criterion.
    pub async fn certificates(
        &self,
        scope: &DataScope,
        c: &CertificateQuery,
        paging: Paging,
    ) -> Result<Grid> {
        if c.is_empty() {
            return Ok(Grid::default());
        }
        let mut q = Query::new("FROM certificates c");
        q.when("c.cert_no", "=", text(&c.cert_no))
            .when("c.candidate_id", "=", text(&c.id_number).map(upper))
            .when("c.name", "=", text(&c.name))
            .scoped(scope, Via::InstitutionColumn("c.institution_id"));
        use Kind::*;
        Ok(in_transaction!(read self, w => grid(&mut w, &[
            ("cert_ref", "c.seq", Int),
            ("cert_no", "c.cert_no", Text),
            ("name", "c.name", Text),
            ("candidate_id", "c.candidate_id", Text),
            ("institution_id", "c.institution_id", Text),
            ("batch_id", "c.batch_id", Text),
            ("occupation_code", "c.occupation_code", Text),
            ("level", "c.level", Int),
            ("issued_on", "c.issued_on", Date),
            ("cert_status", "c.status", Text),
        ], &q, "c.issued_on DESC, c.seq", Some(paging)).await?))
    }

    /// The full ID number of certificate row `cert_ref`, if it is in scope.
    pub async fn certificate_holder_id(
        &self,
        scope: &DataScope,
        cert_ref: i64,
    ) -> Result<Option<(String, String, String)>> {
        let mut q = Query::new("FROM certificates c");
        q.when("c.seq", "=", Some(Value::Int(cert_ref)))
            .scoped(scope, Via::InstitutionColumn("c.institution_id"));
        let g = in_transaction!(read self, w => grid(&mut w, &[
            ("cert_no", "c.cert_no", Kind::Text),
            ("candidate_id", "c.candidate_id", Kind::Text),
            ("institution_id", "c.institution_id", Kind::Text),
        ], &q, "", None).await?);
        Ok(g.rows
            .first()
            .and_then(|r| Some((r[0].clone()?, r[1].clone()?, r[2].clone()?))))
    }
}

fn upper(v: Value<'static>) -> Value<'static> {
    match v {
        Value::Text(t) => Value::Text(t.to_uppercase().into()),
        v => v,
    }
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
    /// Activities and their findings by month (`YYYY-MM`).
    pub by_month: Vec<(String, u64, u64)>,
    /// Findings still open, by severity code.
    pub open: Vec<(String, u64)>,
    /// Registrations expiring within 90 days of `today`.
    pub expiring: Grid,
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
                .scoped(scope, Via::InstitutionColumn("f.institution_id"));
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
            let mut q = Query::new("FROM findings f JOIN institutions i ON i.institution_id = f.institution_id");
            q.when("f.last_run", "=", Some(Value::Int(run)))
                .scoped(scope, Via::Institutions("i"));
            d.by_city = w
                .fetch(format!("SELECT SUBSTR(i.region_code, 1, 4) AS c, COUNT(*) {} GROUP BY c ORDER BY c", q.from_where), &q.values, &[Text, Int])
                .await?
                .iter()
                .map(|r| (format!("{}00", r[0].text().unwrap_or_default()), r[1].int() as u64))
                .collect();

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
                        .scoped(scope, Via::InstitutionColumn("f.institution_id"));
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_prefixes_become_ranges() {
        let r = |p: &str| prefix_range(p);
        assert_eq!(r("42"), Some(("420000".into(), "429999".into())));
        assert_eq!(r("4201"), Some(("420100".into(), "420199".into())));
        assert_eq!(r("420100"), Some(("420100".into(), "420199".into())));
        assert_eq!(r("420000"), Some(("420000".into(), "429999".into())));
        assert_eq!(r("420102"), Some(("420102".into(), "420102".into())));
        assert_eq!(r("42a"), None);
        assert_eq!(r(""), None);
    }

    #[test]
    fn paging_is_clamped() {
        assert_eq!(
            Paging::new(None, None),
            Paging {
                page: 1,
                per_page: 20
            }
        );
        assert_eq!(
            Paging::new(Some(0), Some(100_000)),
            Paging {
                page: 1,
                per_page: 200
            }
        );
        assert_eq!(Paging::new(Some(3), Some(10)).offset(), 20);
    }
}
