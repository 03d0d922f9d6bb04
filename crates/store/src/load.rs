//! Snapshot: the whole store read back as [`Tables`], every table in import order,
//! for screening and export. Tables are read concurrently, each on its own
//! connection and task, so decoding uses every core.

use crate::error::{Context as _, Error, Result};
use crate::tx::{in_transaction, max_id};
use crate::value::{Get, SqlRow};
use crate::{Db, Store, dispatch};
use domain::model::{Dataset, Meta, Table, Tables};
use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, PgPool, SqlitePool};
use std::collections::BTreeSet;
use tokio::task::JoinHandle;

/// Decodes one fetched row (columns in order, then `seq`).
fn decode<R: SqlRow>(row: &impl Get) -> Result<R> {
    R::decode(row).map_err(|(column, (value, reason))| Error::Corrupt {
        table: R::TABLE.name(),
        seq: row.int(R::COLUMNS.len()).ok().flatten().unwrap_or(-1),
        column,
        value,
        reason,
    })
}

/// PostgreSQL: `COPY (SELECT …) TO STDOUT` per table, parsed as it streams in
/// (text format: tab-separated, `\N` for NULL, backslash escapes) — the bulk
/// path of the server, twice as fast as decoding driver rows one by one.
async fn load_pg<R: SqlRow>(pool: PgPool) -> Result<Vec<R>> {
    use sqlx::postgres::PgPoolCopyExt;
    let table = R::TABLE.name();
    let sql = format!(
        "COPY (SELECT {}, seq FROM {table} ORDER BY seq) TO STDOUT",
        R::COLUMNS.join(", ")
    );
    let mut stream = pool
        .copy_out_raw(&sql)
        .await
        .ctx(|| format!("reading {table}"))?;
    let mut out = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    while let Some(bytes) = stream.try_next().await.ctx(|| format!("reading {table}"))? {
        pending.extend_from_slice(&bytes);
        let Some(end) = pending.iter().rposition(|&b| b == b'\n') else {
            continue;
        };
        let text = std::str::from_utf8(&pending[..end])
            .map_err(|e| corrupt_chunk(table, -1, e.to_string()))?;
        for line in text.split('\n') {
            out.push(decode::<R>(&CopyRow::new(line))?);
        }
        pending.drain(..=end);
    }
    if !pending.is_empty() {
        return Err(corrupt_chunk(
            table,
            -1,
            "COPY output ended inside a row".into(),
        ));
    }
    Ok(out)
}

/// One line of COPY text output.
struct CopyRow<'a>(Vec<Option<std::borrow::Cow<'a, str>>>);

impl<'a> CopyRow<'a> {
    fn new(line: &'a str) -> Self {
        CopyRow(
            line.split('\t')
                .map(|f| match f {
                    "\\N" => None,
                    f if f.contains('\\') => Some(unescape_copy(f).into()),
                    f => Some(f.into()),
                })
                .collect(),
        )
    }

    fn field(&self, i: usize) -> std::result::Result<Option<&str>, String> {
        self.0
            .get(i)
            .map(|f| f.as_deref())
            .ok_or_else(|| format!("no column {i}"))
    }

    fn parsed<T: std::str::FromStr>(&self, i: usize) -> std::result::Result<Option<T>, String> {
        self.field(i)?
            .map(|t| {
                t.parse()
                    .map_err(|_| format!("{t:?} is not a value of this column's type"))
            })
            .transpose()
    }
}

/// Undoes COPY's text escapes (`\\`, `\t`, `\n`, `\r`, `\b`, `\f`, `\v`).
fn unescape_copy(f: &str) -> String {
    let mut out = String::with_capacity(f.len());
    let mut chars = f.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

impl Get for CopyRow<'_> {
    fn text(&self, i: usize) -> std::result::Result<Option<&str>, String> {
        self.field(i)
    }
    fn int(&self, i: usize) -> std::result::Result<Option<i64>, String> {
        self.parsed(i)
    }
    fn real(&self, i: usize) -> std::result::Result<Option<f64>, String> {
        self.parsed(i)
    }
    fn boolean(&self, i: usize) -> std::result::Result<Option<bool>, String> {
        match self.field(i)? {
            None => Ok(None),
            Some("t") => Ok(Some(true)),
            Some("f") => Ok(Some(false)),
            Some(other) => Err(format!("{other:?} is not a boolean")),
        }
    }
}

/// Rows per JSON chunk on SQLite.
const JSON_CHUNK: usize = 20_000;

/// SQLite: the driver hands over rows one at a time between threads, copying
/// every cell under SQLite's global memory mutex, which made a row-by-row
/// snapshot 5× slower than reading the CSV files. So SQLite itself packs
/// [`JSON_CHUNK`] rows into one JSON text (`json_group_array`, lossless: NULL,
/// numbers and escaped strings), and we parse the chunk without copying.
///
/// A producer task queries the chunks (by ranges of `seq`, so it needs nothing
/// from the parse) while this task parses the previous one: SQLite and the
/// decoding overlap even within one table.
async fn load_sqlite<R: SqlRow>(pool: SqlitePool) -> Result<Vec<R>> {
    let table = R::TABLE.name();
    let (max,): (Option<i64>,) =
        sqlx::query_as(AssertSqlSafe(format!("SELECT MAX(seq) FROM {table}")))
            .fetch_one(&pool)
            .await
            .ctx(|| format!("reading {table}"))?;
    let Some(max) = max else {
        return Ok(Vec::new());
    };
    let cols = R::COLUMNS.join(", ");
    let sql = format!(
        "SELECT json_group_array(json_array({cols}, seq)) FROM \
         (SELECT {cols}, seq FROM {table} WHERE seq > $1 AND seq <= $2 ORDER BY seq)"
    );
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<(i64, String)>>(2);
    let producer = tokio::spawn(async move {
        let mut after = 0i64;
        while after < max {
            let upto = after + JSON_CHUNK as i64;
            let chunk = sqlx::query_as::<_, (String,)>(AssertSqlSafe(sql.clone()))
                .bind(after)
                .bind(upto)
                .fetch_one(&pool)
                .await
                .ctx(|| format!("reading {table}"))
                .map(|(text,)| (after, text));
            let failed = chunk.is_err();
            if tx.send(chunk).await.is_err() || failed {
                break;
            }
            after = upto;
        }
    });
    let mut out = Vec::new();
    while let Some(chunk) = rx.recv().await {
        let (after, text) = chunk?;
        let rows: Vec<Vec<&serde_json::value::RawValue>> =
            serde_json::from_str(&text).map_err(|e| corrupt_chunk(table, after, e.to_string()))?;
        for raw in &rows {
            let row = JsonRow::new(raw).map_err(|e| corrupt_chunk(table, after, e))?;
            out.push(decode::<R>(&row)?);
        }
    }
    producer.await.map_err(|e| Error::Sql {
        context: format!("reading {table}"),
        source: sqlx::Error::Protocol(e.to_string()),
    })?;
    Ok(out)
}

fn corrupt_chunk(table: &'static str, after: i64, reason: String) -> Error {
    Error::Corrupt {
        table,
        seq: after,
        column: "(row)",
        value: String::new(),
        reason,
    }
}

/// One cell of a JSON row: text (unescaped only when it has escapes), a number
/// (kept as its text) or NULL.
enum JsonCell<'a> {
    Null,
    Text(std::borrow::Cow<'a, str>),
    Number(&'a str),
}

/// A row of a JSON chunk, read through [`Get`] like a driver row.
struct JsonRow<'a>(Vec<JsonCell<'a>>);

impl<'a> JsonRow<'a> {
    fn new(raw: &[&'a serde_json::value::RawValue]) -> std::result::Result<Self, String> {
        raw.iter()
            .map(|v| {
                let t = v.get();
                Ok(if t == "null" {
                    JsonCell::Null
                } else if let Some(inner) = t.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
                    if inner.contains('\\') {
                        JsonCell::Text(
                            serde_json::from_str::<String>(t)
                                .map_err(|e| e.to_string())?
                                .into(),
                        )
                    } else {
                        JsonCell::Text(inner.into())
                    }
                } else {
                    JsonCell::Number(t)
                })
            })
            .collect::<std::result::Result<Vec<_>, String>>()
            .map(JsonRow)
    }

    fn cell(&self, i: usize) -> std::result::Result<&JsonCell<'a>, String> {
        self.0.get(i).ok_or_else(|| format!("no column {i}"))
    }

    fn number<T: std::str::FromStr>(&self, i: usize) -> std::result::Result<Option<T>, String> {
        match self.cell(i)? {
            JsonCell::Null => Ok(None),
            JsonCell::Number(n) => n
                .parse()
                .map(Some)
                .map_err(|_| format!("{n} is not a number of this column's type")),
            JsonCell::Text(t) => Err(format!("text {t:?} where a number belongs")),
        }
    }
}

impl Get for JsonRow<'_> {
    fn text(&self, i: usize) -> std::result::Result<Option<&str>, String> {
        match self.cell(i)? {
            JsonCell::Null => Ok(None),
            JsonCell::Text(t) => Ok(Some(t)),
            JsonCell::Number(n) => Err(format!("number {n} where text belongs")),
        }
    }
    fn int(&self, i: usize) -> std::result::Result<Option<i64>, String> {
        self.number(i)
    }
    fn real(&self, i: usize) -> std::result::Result<Option<f64>, String> {
        self.number(i)
    }
    fn boolean(&self, i: usize) -> std::result::Result<Option<bool>, String> {
        Ok(self.number::<i64>(i)?.map(|n| n != 0))
    }
}

/// Starts reading one table on its own task.
fn spawn<R: SqlRow>(db: &Db) -> JoinHandle<Result<Vec<R>>> {
    match db {
        Db::Sqlite(pool) => tokio::spawn(load_sqlite::<R>(pool.clone())),
        Db::Pg(pool) => tokio::spawn(load_pg::<R>(pool.clone())),
    }
}

async fn join<R>(handle: JoinHandle<Result<Vec<R>>>) -> Result<Vec<R>> {
    match handle.await {
        Ok(rows) => rows,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(Error::Sql {
            context: "reading the snapshot".into(),
            source: sqlx::Error::Protocol(e.to_string()),
        }),
    }
}

impl Store {
    /// The tables the store holds: those some import carried (even empty).
    pub async fn present_tables(&self) -> Result<BTreeSet<Table>> {
        let names: Vec<(String,)> = dispatch!(&self.db, pool =>
            sqlx::query_as("SELECT name FROM dataset_tables")
                .fetch_all(pool)
                .await
                .ctx(|| "reading dataset_tables".into())?);
        Ok(names
            .into_iter()
            .filter_map(|(n,)| Table::from_name(&n))
            .collect())
    }

    /// The registry (the `institutions` table), in import order.
    pub async fn institutions_table(&self) -> Result<Vec<domain::model::Institution>> {
        join(spawn::<domain::model::Institution>(&self.db)).await
    }

    /// Rows per dataset table.
    pub async fn counts(&self) -> Result<Vec<(Table, u64)>> {
        let mut out = Vec::new();
        for t in Table::ALL {
            let sql = format!("SELECT COUNT(*) FROM {}", t.name());
            let (n,): (i64,) = dispatch!(&self.db, pool =>
                sqlx::query_as(AssertSqlSafe(sql))
                    .fetch_one(pool)
                    .await
                    .ctx(|| format!("counting {}", t.name()))?);
            out.push((t, n as u64));
        }
        Ok(out)
    }

    async fn meta(&self) -> Result<Meta> {
        type MetaRow = (
            Option<chrono::NaiveDate>,
            Option<String>,
            Option<String>,
            Option<chrono::NaiveDate>,
        );
        let row: Option<MetaRow> = dispatch!(&self.db, pool =>
            sqlx::query_as("SELECT as_of, region_code, policy, window_from FROM meta WHERE id = 1")
                .fetch_optional(pool)
                .await
                .ctx(|| "reading meta".into())?);
        let Some((as_of, region, policy, window_from)) = row else {
            return Ok(Meta::default());
        };
        let region_code = region
            .map(|r| {
                domain::RegionCode::parse(&r).map_err(|e| Error::Corrupt {
                    table: "meta",
                    seq: 1,
                    column: "region_code",
                    value: r.clone(),
                    reason: e.to_string(),
                })
            })
            .transpose()?;
        Ok(Meta {
            as_of,
            region_code,
            policy: policy.map(Into::into),
            window_from,
        })
    }

    /// Reads the whole store as a snapshot, every table in import order.
    ///
    /// Tables are read on separate connections, so an import committing in the
    /// middle could mix two versions; the last import id is compared before and
    /// after, and the read repeated if it moved.
    pub async fn load(&self) -> Result<Tables> {
        for _ in 0..3 {
            let before = self.last_import().await?;
            let tables = self.load_once().await?;
            if self.last_import().await? == before {
                return Ok(tables);
            }
        }
        Err(Error::Sql {
            context: "reading the snapshot".into(),
            source: sqlx::Error::Protocol(
                "imports kept committing while the snapshot was read; try again".into(),
            ),
        })
    }

    /// The id of the newest committed import.
    async fn last_import(&self) -> Result<Option<i64>> {
        Ok(
            in_transaction!(read self, w => max_id(&mut w, "SELECT MAX(import_id) FROM imports").await?),
        )
    }

    async fn load_once(&self) -> Result<Tables> {
        let db = &self.db;
        // Largest first, so the long reads start at once.
        let scores = spawn(db);
        let answers = spawn(db);
        let enrollments = spawn(db);
        let results = spawn(db);
        let certificates = spawn(db);
        let batch_staff = spawn(db);
        let sessions = spawn(db);
        let batches = spawn(db);
        let personnel = spawn(db);
        let access_log = spawn(db);
        let scopes = spawn(db);
        let small = (
            spawn(db),
            spawn(db),
            spawn(db),
            spawn(db),
            spawn(db),
            spawn(db),
            spawn(db),
            spawn(db),
            spawn(db),
        );
        let meta = self.meta().await?;
        let present = self.present_tables().await?;
        Ok(Tables {
            meta,
            institutions: join(small.0).await?,
            scopes: join(scopes).await?,
            sites: join(small.1).await?,
            affiliates: join(small.2).await?,
            personnel: join(personnel).await?,
            batches: join(batches).await?,
            sessions: join(sessions).await?,
            batch_staff: join(batch_staff).await?,
            batch_changes: join(small.3).await?,
            enrollments: join(enrollments).await?,
            scores: join(scores).await?,
            results: join(results).await?,
            papers: join(small.4).await?,
            answers: join(answers).await?,
            certificates: join(certificates).await?,
            standards: join(small.5).await?,
            complaints: join(small.6).await?,
            promotions: join(small.7).await?,
            access_log: join(access_log).await?,
            sanctions: join(small.8).await?,
            present,
        })
    }

    /// A snapshot indexed for screening.
    pub async fn load_dataset(&self) -> Result<Dataset> {
        let tables = self.load().await?;
        tokio::task::spawn_blocking(move || Dataset::new(tables))
            .await
            .map_err(|e| Error::Sql {
                context: "indexing the snapshot".into(),
                source: sqlx::Error::Protocol(e.to_string()),
            })?
            .map_err(|dups| {
                let d = &dups[0];
                Error::Duplicate {
                    table: d.table,
                    column: d.column,
                    value: d.value.clone(),
                }
            })
    }
}
