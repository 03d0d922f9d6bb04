//! Import: a dataset into the store, in one transaction.
//!
//! Every row has an *owner*, and an import replaces, for each owner it carries,
//! everything the store held for that owner before. That one rule gives both
//! promises of the issue: importing the same rows again changes nothing
//! (idempotent), and a newer version of a batch replaces that batch.
//!
//! | table | owner (rows of the store deleted before the file's rows go in) |
//! |---|---|
//! | meta | the single row |
//! | institutions, sites, personnel, papers, complaints | the row's key |
//! | batches and every table hanging off a batch (sessions, batch_staff, batch_changes, enrollments, scores, results, answers) | the batch: every batch the import mentions anywhere |
//! | certificates | the batch (as above), and (number, holder) |
//! | scopes, affiliates, promotions, sanctions | the institution: the file's list for an institution is its whole list |
//! | standards | (occupation, level, subject) |
//! | access_log | (user, minute) |
//!
//! A table the file does not have is not touched. References between dataset
//! tables are not foreign keys (dangling references are findings), so deleting
//! and inserting in this order can never be refused half-way; the transaction
//! makes the whole import atomic, also against a killed process.

use crate::Store;
use crate::error::Result;
use crate::tx::{Writer, in_transaction};
use crate::value::{SqlRow, Value};
use chrono::NaiveDateTime;
use domain::model::{Table, Tables};
use std::collections::BTreeSet;
use std::time::Instant;

/// What the caller tells an import.
#[derive(Default)]
pub struct ImportOptions<'a> {
    /// Where the data came from (a path), recorded with the import.
    pub source: &'a str,
    /// Called with (rows written, rows in all) as the import goes.
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub import_id: i64,
    /// Rows written, all tables.
    pub rows: u64,
    /// Rows per table, for the tables the dataset had.
    pub tables: Vec<(Table, u64)>,
    /// Stored rows replaced (deleted because the import carried their owner).
    pub replaced_rows: u64,
    /// Batches that were in the store before and were replaced.
    pub replaced_batches: u64,
    pub seconds: f64,
}

/// What a table's rows are owned by (see the module doc).
enum Owner {
    /// These columns of the table's own rows.
    Columns(&'static [&'static str]),
    /// `batch_id` ∈ every batch the import mentions.
    Batch,
}

fn owners(table: Table) -> &'static [Owner] {
    use Owner::*;
    match table {
        Table::Meta => &[],
        Table::Institutions
        | Table::Scopes
        | Table::Affiliates
        | Table::Promotions
        | Table::Sanctions => &[Columns(&["institution_id"])],
        Table::Sites => &[Columns(&["site_id"])],
        Table::Personnel => &[Columns(&["person_id"])],
        Table::Papers => &[Columns(&["paper_id"])],
        Table::Complaints => &[Columns(&["complaint_id"])],
        Table::Batches
        | Table::Sessions
        | Table::BatchStaff
        | Table::BatchChanges
        | Table::Enrollments
        | Table::Scores
        | Table::Results
        | Table::Answers => &[Batch],
        // Not the number alone: two holders of one number is a finding (item 15)
        // whose evidence a later import must not erase.
        Table::Certificates => &[Batch, Columns(&["cert_no", "candidate_id"])],
        Table::Standards => &[Columns(&["occupation_code", "level", "subject"])],
        Table::AccessLog => &[Columns(&["user_id", "at"])],
    }
}

/// Every batch id the import mentions, in any table.
fn mentioned_batches(t: &Tables) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    out.extend(t.batches.iter().map(|r| r.batch_id.as_str()));
    out.extend(t.sessions.iter().map(|r| r.batch_id.as_str()));
    out.extend(t.batch_staff.iter().map(|r| r.batch_id.as_str()));
    out.extend(t.batch_changes.iter().map(|r| r.batch_id.as_str()));
    out.extend(t.enrollments.iter().map(|r| r.batch_id.as_str()));
    out.extend(t.scores.iter().map(|r| r.batch_id.as_str()));
    out.extend(t.results.iter().map(|r| r.batch_id.as_str()));
    out.extend(t.answers.iter().map(|r| r.batch_id.as_str()));
    out.extend(
        t.certificates
            .iter()
            .filter_map(|r| r.batch_id.as_ref().map(|b| b.as_str())),
    );
    out
}

/// The distinct owner tuples of `rows` under `columns`.
fn owner_tuples<'a, R: SqlRow>(rows: &'a [R], columns: &[&str]) -> Vec<Vec<Value<'a>>> {
    let picks: Vec<usize> = columns
        .iter()
        .map(|c| {
            R::COLUMNS
                .iter()
                .position(|x| x == c)
                .unwrap_or_else(|| panic!("{c} is not a column of {}", R::TABLE.name()))
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut values = Vec::with_capacity(R::COLUMNS.len());
    for r in rows {
        values.clear();
        r.values(&mut values);
        let tuple: Vec<Value<'a>> = picks.iter().map(|&i| values[i].clone()).collect();
        if seen.insert(format!("{tuple:?}")) {
            out.push(tuple);
        }
    }
    out
}

/// Deletes the rows of `table` whose `columns` equal one of `tuples`: the keys go
/// into a temporary table (bulk-inserted like any rows) and one set-based
/// `DELETE … WHERE (columns) IN (SELECT …)` removes them, a semi-join on
/// PostgreSQL and index probes on SQLite, whatever the number of keys.
async fn delete_owned<W: Writer>(
    w: &mut W,
    table: &str,
    columns: &[&str],
    tuples: &[Vec<Value<'_>>],
) -> Result<u64> {
    let Some(first) = tuples.first() else {
        return Ok(0);
    };
    let keys: Vec<String> = (1..=columns.len()).map(|i| format!("k{i}")).collect();
    let decl: Vec<String> = keys
        .iter()
        .zip(first)
        .map(|(k, v)| format!("{k} {}", sql_type(v)))
        .collect();
    w.execute(
        format!("CREATE TEMPORARY TABLE owner_keys ({})", decl.join(", ")),
        &[],
    )
    .await?;
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    w.insert("owner_keys", &key_refs, tuples, &mut |_| {})
        .await?;
    let (lhs, rhs) = if let [column] = columns {
        (column.to_string(), "k1".to_string())
    } else {
        (format!("({})", columns.join(", ")), keys.join(", "))
    };
    let deleted = w
        .execute(
            format!("DELETE FROM {table} WHERE {lhs} IN (SELECT {rhs} FROM owner_keys)"),
            &[],
        )
        .await?;
    w.execute("DROP TABLE owner_keys".into(), &[]).await?;
    Ok(deleted)
}

/// The column type a key value is compared as.
fn sql_type(v: &Value<'_>) -> &'static str {
    match v {
        Value::Int(_) => "BIGINT",
        Value::Real(_) => "DOUBLE PRECISION",
        Value::Bool(_) => "BOOLEAN",
        Value::Date(_) => "DATE",
        Value::DateTime(_) => "TIMESTAMP",
        Value::NullInt => "BIGINT",
        Value::NullDate => "DATE",
        Value::NullDateTime => "TIMESTAMP",
        Value::Text(_) | Value::Null => "TEXT",
        Value::Bytes(_) => "BYTEA",
    }
}

struct Run<'a> {
    tables: &'a Tables,
    batches: Vec<Vec<Value<'a>>>,
    total: u64,
    written: u64,
    replaced_rows: u64,
    replaced_batches: u64,
    progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
}

impl<'a> Run<'a> {
    /// Replaces the owners' rows of one table by the file's rows.
    async fn table<W: Writer, R: SqlRow>(&mut self, w: &mut W, rows: &[R]) -> Result<()> {
        let name = R::TABLE.name();
        if !self.tables.present.contains(&R::TABLE) {
            return Ok(());
        }
        if !w.is_empty(name).await? {
            for owner in owners(R::TABLE) {
                let n = match owner {
                    Owner::Batch => delete_owned(w, name, &["batch_id"], &self.batches).await?,
                    Owner::Columns(cols) => {
                        delete_owned(w, name, cols, &owner_tuples(rows, cols)).await?
                    }
                };
                if R::TABLE == Table::Batches {
                    self.replaced_batches += n;
                }
                self.replaced_rows += n;
            }
        }
        let (total, progress) = (self.total, self.progress);
        let mut written = self.written;
        w.insert(name, R::COLUMNS, rows, &mut |n| {
            written += n;
            if let Some(p) = progress {
                p(written, total);
            }
        })
        .await?;
        self.written = written;
        Ok(())
    }
}

async fn run_import<'a, W: Writer>(
    w: &mut W,
    t: &'a Tables,
    opts: &ImportOptions<'a>,
    started_at: NaiveDateTime,
) -> Result<(i64, Run<'a>)> {
    let present: Vec<Table> = t.present.iter().copied().collect();
    let total: u64 = present
        .iter()
        .filter(|&&tb| tb != Table::Meta)
        .map(|&tb| t.len(tb) as u64)
        .sum();
    let mut run = Run {
        tables: t,
        batches: mentioned_batches(t)
            .into_iter()
            .map(|b| vec![Value::Text(b.into())])
            .collect(),
        total,
        written: 0,
        replaced_rows: 0,
        replaced_batches: 0,
        progress: opts.progress,
    };
    if t.present.contains(&Table::Meta) {
        w.execute("DELETE FROM meta".into(), &[]).await?;
        let m = &t.meta;
        let date = |d: Option<chrono::NaiveDate>| d.map_or(Value::NullDate, Value::Date);
        fn text(s: Option<&str>) -> Value<'_> {
            s.map_or(Value::Null, |s| Value::Text(s.into()))
        }
        let region = m.region_code.as_ref().map(|r| r.to_string());
        w.execute(
            "INSERT INTO meta (id, as_of, region_code, policy, window_from) VALUES (1, $1, $2, $3, $4)"
                .into(),
            &[
                date(m.as_of),
                text(region.as_deref()),
                text(m.policy.as_deref()),
                date(m.window_from),
            ],
        )
        .await?;
    }
    // 备案机关 is always stored, so one indexed column scopes every query.
    let institutions: Vec<_> = t
        .institutions
        .iter()
        .map(|i| domain::model::Institution {
            registered_by: Some(i.authority()),
            ..i.clone()
        })
        .collect();
    run.table(w, &institutions).await?;
    run.table(w, &t.scopes).await?;
    run.table(w, &t.sites).await?;
    run.table(w, &t.affiliates).await?;
    run.table(w, &t.personnel).await?;
    run.table(w, &t.batches).await?;
    run.table(w, &t.sessions).await?;
    run.table(w, &t.batch_staff).await?;
    run.table(w, &t.batch_changes).await?;
    run.table(w, &t.enrollments).await?;
    run.table(w, &t.scores).await?;
    run.table(w, &t.results).await?;
    run.table(w, &t.papers).await?;
    run.table(w, &t.answers).await?;
    run.table(w, &t.certificates).await?;
    run.table(w, &t.standards).await?;
    run.table(w, &t.complaints).await?;
    run.table(w, &t.promotions).await?;
    run.table(w, &t.access_log).await?;
    run.table(w, &t.sanctions).await?;

    let counts: serde_json::Map<String, serde_json::Value> = present
        .iter()
        .map(|&tb| (tb.name().to_string(), serde_json::Value::from(t.len(tb))))
        .collect();
    let finished_at = chrono::Local::now().naive_local();
    let import_id = w
        .insert_returning(
            "INSERT INTO imports (source, started_at, finished_at, row_count, replaced_batches, table_counts) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING import_id",
            &[
                Value::Text(opts.source.into()),
                Value::DateTime(started_at),
                Value::DateTime(finished_at),
                Value::Int(run.written as i64),
                Value::Int(run.replaced_batches as i64),
                Value::Text(serde_json::Value::Object(counts).to_string().into()),
            ],
        )
        .await?;
    for tb in &present {
        w.execute(
            "INSERT INTO dataset_tables (name, first_import, last_import) VALUES ($1, $2, $2) \
             ON CONFLICT (name) DO UPDATE SET last_import = excluded.last_import"
                .into(),
            &[Value::Text(tb.name().into()), Value::Int(import_id)],
        )
        .await?;
    }
    Ok((import_id, run))
}

impl Store {
    /// Imports a dataset: all or nothing, in one transaction (see the module doc
    /// for what replaces what). The tables must already be validated (the dataset
    /// reader refuses located errors before anything reaches the store).
    pub async fn import(&self, tables: &Tables, opts: &ImportOptions<'_>) -> Result<ImportReport> {
        let clock = Instant::now();
        let started_at = chrono::Local::now().naive_local();
        let pg = self.backend() == crate::Backend::Postgres;
        let (import_id, run) = in_transaction!(self, w => {
            if pg {
                // One importer at a time: a second one waits here, not on row locks.
                w.execute("LOCK TABLE imports IN EXCLUSIVE MODE".into(), &[])
                    .await?;
            }
            run_import(&mut w, tables, opts, started_at).await?
        });
        Ok(ImportReport {
            import_id,
            rows: run.written,
            tables: tables
                .present
                .iter()
                .map(|&t| (t, tables.len(t) as u64))
                .collect(),
            replaced_rows: run.replaced_rows,
            replaced_batches: run.replaced_batches,
            seconds: clock.elapsed().as_secs_f64(),
        })
    }
}
