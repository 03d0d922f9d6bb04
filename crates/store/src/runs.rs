//! Screening runs and the findings' identity across runs.
//!
//! A finding *is* its rule and its subject (institution, batch, candidate,
//! certificate, person): screening the store again yields the same finding, not a
//! new one, so whatever people decided about it — confirmed (属实) or dismissed
//! (排除) with a reason — stays with it. Each run records what it said about each
//! finding (item, severity, disposition, message, the findings.jsonl line), so a
//! rulebook change shows as a changed classification of the same finding.

use crate::Store;
use crate::error::{Error, Result};
use crate::tx::{Cell, Kind, Writer, in_transaction, max_id};
use crate::value::Value;
use chrono::{NaiveDate, NaiveDateTime};
use domain::access::DataScope;
use domain::enums::{Disposition, Severity};
use domain::finding::FindingSubject;
use std::collections::HashMap;

/// Rows per multi-row `INSERT` of findings (7 columns; under both backends' limits).
const INSERT_CHUNK: usize = 1_000;
/// Ids per `UPDATE … IN (…)`.
const ID_CHUNK: usize = 500;

/// One finding of a run, as the screening engine reported it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFinding {
    /// The rule (finding kind) id.
    pub rule: String,
    pub subject: FindingSubject,
    pub item: u8,
    pub severity: Severity,
    pub disposition: Disposition,
    pub message: String,
    /// The findings.jsonl line.
    pub detail: String,
}

impl NewFinding {
    /// The identity: rule and every subject field.
    pub fn key(&self) -> String {
        finding_key(&self.rule, &self.subject)
    }
}

/// The identity of a finding: rule and subject, `|`-separated (no field contains
/// `|`: ids, ID numbers and certificate numbers are alphanumeric).
pub fn finding_key(rule: &str, s: &FindingSubject) -> String {
    let f = |v: &Option<String>| v.clone().unwrap_or_default();
    format!(
        "{rule}|{}|{}|{}|{}|{}",
        f(&s.institution_id),
        f(&s.batch_id),
        f(&s.candidate_id),
        f(&s.cert_no),
        f(&s.person_id)
    )
}

/// One screening run to record.
#[derive(Debug, Clone)]
pub struct RunInput {
    pub started_at: NaiveDateTime,
    pub finished_at: NaiveDateTime,
    pub rulebook: String,
    pub as_of: NaiveDate,
    pub window_from: NaiveDate,
    pub findings: Vec<NewFinding>,
    /// The run's risk list (风险清单) as the screening engine ranked it.
    pub risk: Vec<RiskLine>,
}

/// One institution of a run's risk list.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskLine {
    pub institution_id: String,
    pub rank: u32,
    pub worst: Severity,
    pub score: u32,
    pub findings: u32,
    /// Findings per severity: 一般, 严重, 特别严重.
    pub per_severity: [u32; 3],
    /// Findings per guide item 1..15.
    pub per_item: [u32; 15],
    /// The proposed disposition in Chinese, as the risk list prints it.
    pub disposition: String,
}

/// What recording a run found, compared with the run before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub run_id: i64,
    pub findings: u64,
    /// Findings no earlier run had.
    pub new: u64,
    /// Findings of the previous run that this run no longer reports.
    pub gone: u64,
    /// This run's findings already marked confirmed / dismissed.
    pub confirmed: u64,
    pub dismissed: u64,
}

/// What people decided about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// 待核实: nobody has decided yet (or a decision was reopened).
    Open,
    /// 属实: the finding is a real violation.
    Confirmed,
    /// 排除: not a violation (the reason says why).
    Dismissed,
}

impl Mark {
    /// Every mark, open first.
    pub const ALL: [Mark; 3] = [Mark::Open, Mark::Confirmed, Mark::Dismissed];

    pub fn code(self) -> &'static str {
        match self {
            Mark::Open => "open",
            Mark::Confirmed => "confirmed",
            Mark::Dismissed => "dismissed",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Mark::Open => "待核实",
            Mark::Confirmed => "属实",
            Mark::Dismissed => "排除",
        }
    }

    /// Parses the code or the Chinese label.
    pub fn parse(text: &str) -> Option<Mark> {
        [Mark::Open, Mark::Confirmed, Mark::Dismissed]
            .into_iter()
            .find(|m| m.code() == text || m.zh() == text)
    }
}

/// A finding as the store knows it, with its latest classification.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFinding {
    pub finding_id: i64,
    pub rule: String,
    pub subject: FindingSubject,
    pub first_run: i64,
    pub last_run: i64,
    pub status: Mark,
    pub status_reason: Option<String>,
    pub status_by: Option<String>,
    pub status_at: Option<NaiveDateTime>,
    /// From the last run that reported it.
    pub item: u8,
    pub severity: String,
    pub disposition: String,
    pub message: String,
}

/// Which findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Only those a run reported (default: every finding ever reported).
    pub run: Option<i64>,
    pub status: Option<Mark>,
    pub rule: Option<String>,
    pub institution_id: Option<String>,
    pub limit: Option<u64>,
}

async fn record<W: Writer>(w: &mut W, input: &RunInput) -> Result<RunReport> {
    let last_import = max_id(w, "SELECT MAX(import_id) FROM imports").await?;
    let previous = max_id(w, "SELECT MAX(run_id) FROM screening_runs").await?;
    let run_id = w
        .insert_returning(
            "INSERT INTO screening_runs (started_at, finished_at, rulebook, as_of, window_from, \
             last_import, finding_count, new_count) VALUES ($1, $2, $3, $4, $5, $6, $7, 0) \
             RETURNING run_id",
            &[
                Value::DateTime(input.started_at),
                Value::DateTime(input.finished_at),
                Value::Text(input.rulebook.as_str().into()),
                Value::Date(input.as_of),
                Value::Date(input.window_from),
                last_import.map_or(Value::NullInt, Value::Int),
                Value::Int(input.findings.len() as i64),
            ],
        )
        .await?;

    let known = ids_by_key(w).await?;
    let keys: Vec<String> = input.findings.iter().map(NewFinding::key).collect();
    // The engine keeps one finding per (rule, subject); be safe anyway.
    let mut in_run = std::collections::HashSet::new();
    let unique: Vec<usize> = (0..keys.len())
        .filter(|&i| in_run.insert(keys[i].as_str()))
        .collect();
    let mut fresh: Vec<usize> = Vec::new();
    let mut seen_again: Vec<i64> = Vec::new();
    for &i in &unique {
        match known.get(&keys[i]) {
            Some(&id) => seen_again.push(id),
            None => fresh.push(i),
        }
    }

    // New identities.
    fn text(v: &Option<String>) -> Value<'_> {
        v.as_deref().map_or(Value::Null, |s| Value::Text(s.into()))
    }
    for chunk in fresh.chunks(INSERT_CHUNK) {
        let cols = 9;
        let mut sql = String::from(
            "INSERT INTO findings (finding_key, rule, institution_id, batch_id, candidate_id, \
             cert_no, person_id, first_run, last_run) VALUES ",
        );
        let mut values = Vec::with_capacity(chunk.len() * cols);
        for (n, &i) in chunk.iter().enumerate() {
            let f = &input.findings[i];
            if n > 0 {
                sql.push(',');
            }
            sql.push('(');
            sql.push_str(&w.placeholders(n * cols + 1, cols));
            sql.push(')');
            values.extend([
                Value::Text(keys[i].as_str().into()),
                Value::Text(f.rule.as_str().into()),
                text(&f.subject.institution_id),
                text(&f.subject.batch_id),
                text(&f.subject.candidate_id),
                text(&f.subject.cert_no),
                text(&f.subject.person_id),
                Value::Int(run_id),
                Value::Int(run_id),
            ]);
        }
        w.execute(sql, &values).await?;
    }
    for chunk in seen_again.chunks(ID_CHUNK) {
        let sql = format!(
            "UPDATE findings SET last_run = {} WHERE finding_id IN ({})",
            w.placeholders(1, 1),
            w.placeholders(2, chunk.len())
        );
        let mut values = vec![Value::Int(run_id)];
        values.extend(chunk.iter().map(|&id| Value::Int(id)));
        w.execute(sql, &values).await?;
    }

    // What this run said about each.
    let ids = if fresh.is_empty() {
        known
    } else {
        ids_by_key(w).await?
    };
    let rows: Vec<(i64, &NewFinding)> = unique
        .iter()
        .map(|&i| (ids[&keys[i]], &input.findings[i]))
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        let cols = 7;
        let mut sql = String::from(
            "INSERT INTO run_findings (run_id, finding_id, item, severity, disposition, message, detail) VALUES ",
        );
        let mut values = Vec::with_capacity(chunk.len() * cols);
        for (n, (id, f)) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(',');
            }
            sql.push('(');
            sql.push_str(&w.placeholders(n * cols + 1, cols));
            sql.push(')');
            values.extend([
                Value::Int(run_id),
                Value::Int(*id),
                Value::Int(i64::from(f.item)),
                Value::Text(f.severity.code().into()),
                Value::Text(f.disposition.code().into()),
                Value::Text(f.message.as_str().into()),
                Value::Text(f.detail.as_str().into()),
            ]);
        }
        w.execute(sql, &values).await?;
    }
    // The current classification lives on the finding too (list pages sort on it).
    w.execute(
        "UPDATE findings SET \
         item = (SELECT r.item FROM run_findings r WHERE r.run_id = $1 AND r.finding_id = findings.finding_id), \
         severity = (SELECT r.severity FROM run_findings r WHERE r.run_id = $1 AND r.finding_id = findings.finding_id) \
         WHERE last_run = $1"
            .into(),
        &[Value::Int(run_id)],
    )
    .await?;
    // Where each activity took place: its site's region, else its institution's,
    // else the dataset's jurisdiction. A finding about an institution absent from
    // the registry belongs to this region (crate::scope::Via::Findings).
    w.execute(
        "UPDATE findings SET region_code = COALESCE( \
         (SELECT s.region_code FROM batches b JOIN sites s ON s.site_id = b.site_id \
           WHERE b.batch_id = findings.batch_id), \
         (SELECT i.region_code FROM institutions i WHERE i.institution_id = findings.institution_id), \
         (SELECT m.region_code FROM meta m)) \
         WHERE last_run = $1"
            .into(),
        &[Value::Int(run_id)],
    )
    .await?;
    for chunk in input.risk.chunks(INSERT_CHUNK) {
        let cols = 11;
        let mut sql = String::from(
            "INSERT INTO run_risk (run_id, institution_id, rank, worst, score, findings, general, \
             serious, grave, per_item, disposition) VALUES ",
        );
        let mut values = Vec::with_capacity(chunk.len() * cols);
        for (n, r) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(',');
            }
            sql.push('(');
            sql.push_str(&w.placeholders(n * cols + 1, cols));
            sql.push(')');
            let per_item: Vec<String> = r.per_item.iter().map(u32::to_string).collect();
            values.extend([
                Value::Int(run_id),
                Value::Text(r.institution_id.as_str().into()),
                Value::Int(i64::from(r.rank)),
                Value::Text(r.worst.code().into()),
                Value::Int(i64::from(r.score)),
                Value::Int(i64::from(r.findings)),
                Value::Int(i64::from(r.per_severity[0])),
                Value::Int(i64::from(r.per_severity[1])),
                Value::Int(i64::from(r.per_severity[2])),
                Value::Text(per_item.join(",").into()),
                Value::Text(r.disposition.as_str().into()),
            ]);
        }
        w.execute(sql, &values).await?;
    }
    // Per-institution counts for the dashboard: every institution with activities
    // or certificates, as the store holds them when the run is recorded.
    w.execute(
        "INSERT INTO run_stats (run_id, institution_id, batches, enrollments, certificates) \
         SELECT $1, x.institution_id, SUM(x.b), SUM(x.e), SUM(x.c) FROM ( \
           SELECT institution_id, COUNT(*) AS b, 0 AS e, 0 AS c FROM batches GROUP BY institution_id \
           UNION ALL SELECT b.institution_id, 0, COUNT(*), 0 FROM enrollments e \
             JOIN batches b ON b.batch_id = e.batch_id GROUP BY b.institution_id \
           UNION ALL SELECT institution_id, 0, 0, COUNT(*) FROM certificates GROUP BY institution_id \
         ) x GROUP BY x.institution_id"
            .into(),
        &[Value::Int(run_id)],
    )
    .await?;
    w.execute(
        "UPDATE screening_runs SET new_count = $1 WHERE run_id = $2".into(),
        &[Value::Int(fresh.len() as i64), Value::Int(run_id)],
    )
    .await?;

    let gone = match previous {
        Some(prev) => {
            scalar(
                w,
                "SELECT COUNT(*) FROM run_findings p WHERE p.run_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM run_findings c WHERE c.run_id = $2 AND c.finding_id = p.finding_id)",
                &[Value::Int(prev), Value::Int(run_id)],
            )
            .await?
        }
        None => 0,
    };
    let marked = |status: Mark| [Value::Int(run_id), Value::Text(status.code().into())];
    let with_status = "SELECT COUNT(*) FROM run_findings r JOIN findings f ON f.finding_id = r.finding_id \
                       WHERE r.run_id = $1 AND f.status = $2";
    let confirmed = scalar(w, with_status, &marked(Mark::Confirmed)).await?;
    let dismissed = scalar(w, with_status, &marked(Mark::Dismissed)).await?;
    Ok(RunReport {
        run_id,
        findings: rows.len() as u64,
        new: fresh.len() as u64,
        gone,
        confirmed,
        dismissed,
    })
}

async fn scalar<W: Writer>(w: &mut W, sql: &str, values: &[Value<'_>]) -> Result<u64> {
    let rows = w.fetch(sql.to_string(), values, &[Kind::Int]).await?;
    Ok(match rows.first().map(|r| &r[0]) {
        Some(Cell::Int(n)) => *n as u64,
        _ => 0,
    })
}

async fn ids_by_key<W: Writer>(w: &mut W) -> Result<HashMap<String, i64>> {
    let rows = w
        .fetch(
            "SELECT finding_id, finding_key FROM findings".into(),
            &[],
            &[Kind::Int, Kind::Text],
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| match (&r[0], &r[1]) {
            (Cell::Int(id), Cell::Text(k)) => Some((k.clone(), *id)),
            _ => None,
        })
        .collect())
}

impl Store {
    /// Records a screening run and its findings in one transaction, keeping each
    /// finding's identity (and so its mark) from earlier runs.
    pub async fn record_run(&self, input: &RunInput) -> Result<RunReport> {
        Ok(in_transaction!(self, w => record(&mut w, input).await?))
    }

    /// Marks a finding confirmed, dismissed or open again, with a reason (required)
    /// and who did it at `now` (the caller's clock); the history of marks is kept.
    pub async fn mark(
        &self,
        finding_id: i64,
        status: Mark,
        reason: &str,
        by: &str,
        now: chrono::NaiveDateTime,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::InvalidMark(
                "a reason is required to mark a finding (说明理由)".into(),
            ));
        }
        if by.trim().is_empty() {
            return Err(Error::InvalidMark(
                "who marks the finding must be named".into(),
            ));
        }
        in_transaction!(self, w => {
            let exists = scalar(
                &mut w,
                "SELECT COUNT(*) FROM findings WHERE finding_id = $1",
                &[Value::Int(finding_id)],
            )
            .await?;
            if exists == 0 {
                return Err(Error::NoSuchFinding(finding_id));
            }
            w.execute(
                "INSERT INTO finding_marks (finding_id, status, reason, marked_by, marked_at) \
                 VALUES ($1, $2, $3, $4, $5)"
                    .into(),
                &[
                    Value::Int(finding_id),
                    Value::Text(status.code().into()),
                    Value::Text(reason.into()),
                    Value::Text(by.trim().into()),
                    Value::DateTime(now),
                ],
            )
            .await?;
            w.execute(
                "UPDATE findings SET status = $1, status_reason = $2, status_by = $3, status_at = $4 \
                 WHERE finding_id = $5"
                    .into(),
                &[
                    Value::Text(status.code().into()),
                    Value::Text(reason.into()),
                    Value::Text(by.trim().into()),
                    Value::DateTime(now),
                    Value::Int(finding_id),
                ],
            )
            .await?;
        });
        Ok(())
    }

    /// The latest run's id, if any run was recorded.
    pub async fn latest_run(&self) -> Result<Option<i64>> {
        Ok(
            in_transaction!(read self, w => max_id(&mut w, "SELECT MAX(run_id) FROM screening_runs").await?),
        )
    }

    /// Findings in the caller's `scope` matching `filter`, ordered by guide item,
    /// rule and id, with the classification of the last run that reported each.
    pub async fn findings(
        &self,
        scope: &DataScope,
        filter: &FindingFilter,
    ) -> Result<Vec<StoredFinding>> {
        let mut sql = String::from(
            "SELECT f.finding_id, f.rule, f.institution_id, f.batch_id, f.candidate_id, f.cert_no, \
             f.person_id, f.first_run, f.last_run, f.status, f.status_reason, f.status_by, \
             f.status_at, r.item, r.severity, r.disposition, r.message \
             FROM findings f JOIN run_findings r ON r.finding_id = f.finding_id AND r.run_id = ",
        );
        let mut values: Vec<Value<'_>> = Vec::new();
        match filter.run {
            Some(run) => {
                values.push(Value::Int(run));
                sql.push_str("$1 WHERE 1 = 1");
            }
            None => sql.push_str("f.last_run WHERE 1 = 1"),
        }
        let mut cond = |sql: &mut String, column: &str, v: Value<'static>| {
            values.push(v);
            sql.push_str(&format!(" AND {column} = ${}", values.len()));
        };
        if let Some(s) = filter.status {
            cond(&mut sql, "f.status", Value::Text(s.code().into()));
        }
        if let Some(r) = &filter.rule {
            cond(&mut sql, "f.rule", Value::Text(r.clone().into()));
        }
        if let Some(i) = &filter.institution_id {
            cond(&mut sql, "f.institution_id", Value::Text(i.clone().into()));
        }
        let (scoped, scope_values) = crate::scope::condition(
            scope,
            crate::scope::Via::Findings("f"),
            values.len() + 1,
            &|n| format!("${n}"),
        );
        sql.push_str(" AND ");
        sql.push_str(&scoped);
        values.extend(scope_values);
        sql.push_str(" ORDER BY r.item, f.rule, f.finding_id");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        use Kind::*;
        let kinds = [
            Int, Text, Text, Text, Text, Text, Text, Int, Int, Text, Text, Text, DateTime, Int,
            Text, Text, Text,
        ];
        let rows = in_transaction!(read self, w => w.fetch(sql, &values, &kinds).await?);
        Ok(rows
            .into_iter()
            .map(|r| StoredFinding {
                finding_id: r[0].int(),
                rule: r[1].text().unwrap_or_default(),
                subject: FindingSubject {
                    institution_id: r[2].text(),
                    batch_id: r[3].text(),
                    candidate_id: r[4].text(),
                    cert_no: r[5].text(),
                    person_id: r[6].text(),
                },
                first_run: r[7].int(),
                last_run: r[8].int(),
                status: r[9]
                    .text()
                    .and_then(|s| Mark::parse(&s))
                    .unwrap_or(Mark::Open),
                status_reason: r[10].text(),
                status_by: r[11].text(),
                status_at: r[12].datetime(),
                item: r[13].int() as u8,
                severity: r[14].text().unwrap_or_default(),
                disposition: r[15].text().unwrap_or_default(),
                message: r[16].text().unwrap_or_default(),
            })
            .collect())
    }
}
