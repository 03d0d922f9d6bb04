//! One write transaction on either backend: the [`Writer`] trait (portable
//! statements with bound [`Value`]s, bulk insert in the backend's fastest way) and
//! [`in_transaction!`], which begins, runs a body against the writer and commits,
//! or rolls back by dropping the transaction when the body fails.

use crate::error::{Context as _, Result};
use crate::value::{FromRow, Get, SqlRow, Value};
use sqlx::{Arguments, AssertSqlSafe, Postgres, Sqlite, Transaction};

/// Rows per multi-row `INSERT` on SQLite (bounded by its 32,766 parameters).
const SQLITE_MAX_PARAMS: usize = 32_000;
const SQLITE_MAX_ROWS: usize = 1_000;
/// Bytes of COPY text sent per message on PostgreSQL.
const COPY_CHUNK: usize = 1 << 20;

/// A fetched row reduced to the cells a caller asked for.
pub(crate) type Cells = Vec<Cell>;

/// One cell of a [`Writer::fetch`] result, read by the caller's column kinds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Text(String),
    Int(i64),
    Bool(bool),
    Real(f64),
    Date(chrono::NaiveDate),
    DateTime(chrono::NaiveDateTime),
}

impl Cell {
    /// The date, if the cell holds one.
    pub(crate) fn date(&self) -> Option<chrono::NaiveDate> {
        match self {
            Cell::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The text, if the cell holds text.
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Cell::Text(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// The integer, or 0 for NULL (the callers read NOT NULL or counting columns).
    pub(crate) fn int(&self) -> i64 {
        match self {
            Cell::Int(n) => *n,
            _ => 0,
        }
    }

    /// The timestamp, if the cell holds one.
    pub(crate) fn datetime(&self) -> Option<chrono::NaiveDateTime> {
        match self {
            Cell::DateTime(t) => Some(*t),
            _ => None,
        }
    }
}

/// The kind of a fetched column.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Text,
    Int,
    Bool,
    Real,
    Date,
    DateTime,
}

fn read_cells(row: &impl Get, kinds: &[Kind]) -> Result<Cells> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let cell = match k {
                Kind::Text => row.text(i).map(|v| v.map(|s| Cell::Text(s.to_string()))),
                Kind::Int => row.int(i).map(|v| v.map(Cell::Int)),
                Kind::Bool => row.boolean(i).map(|v| v.map(Cell::Bool)),
                Kind::Real => row.real(i).map(|v| v.map(Cell::Real)),
                Kind::Date => row.date(i).map(|v| v.map(Cell::Date)),
                Kind::DateTime => row.datetime(i).map(|v| v.map(Cell::DateTime)),
            };
            cell.map(|c| c.unwrap_or(Cell::Null))
                .map_err(|e| crate::Error::Sql {
                    context: format!("reading column {i}"),
                    source: sqlx::Error::Decode(e.into()),
                })
        })
        .collect()
}

/// One backend's side of a write transaction.
pub(crate) trait Writer {
    /// Whether the table holds no rows (then nothing needs deleting).
    async fn is_empty(&mut self, table: &str) -> Result<bool>;
    /// Runs one statement with bound values; returns the rows affected.
    async fn execute(&mut self, sql: String, values: &[Value<'_>]) -> Result<u64>;
    /// Appends rows (in order) to `table`'s `columns`.
    async fn insert<T: Rows>(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[T],
        done: &mut (dyn FnMut(u64) + Send),
    ) -> Result<()>;
    /// Inserts one row and returns the generated id (`RETURNING`).
    async fn insert_returning(&mut self, sql: &str, values: &[Value<'_>]) -> Result<i64>;
    /// Placeholders for `n` parameters numbered from `from`, in this backend's
    /// fastest spelling (a statement must use them for all its parameters).
    fn placeholders(&self, from: usize, n: usize) -> String;
    /// Runs a query and reads every row's cells as `kinds`.
    async fn fetch(
        &mut self,
        sql: String,
        values: &[Value<'_>],
        kinds: &[Kind],
    ) -> Result<Vec<Cells>>;
    /// Runs a query whose select list is `R::SELECT` and reads every row as `R`;
    /// a value that does not read as its field's type is [`crate::Error::Corrupt`].
    async fn fetch_as<R: FromRow>(&mut self, sql: String, values: &[Value<'_>]) -> Result<Vec<R>>;
}

/// A fetched row as `R`, or the column that does not read.
fn decode_as<R: FromRow>(row: &impl Get) -> Result<R> {
    R::from_row(row).map_err(|(column, (value, reason))| crate::Error::Corrupt {
        table: R::TABLE,
        seq: -1,
        column,
        value,
        reason,
    })
}

/// The first row of `R` a query gives, if any.
pub(crate) async fn fetch_one<R: FromRow, W: Writer>(
    w: &mut W,
    sql: String,
    values: &[Value<'_>],
) -> Result<Option<R>> {
    Ok(w.fetch_as(sql, values).await?.into_iter().next())
}

/// Something that gives a row of values: a dataset row, or a tuple of values.
pub(crate) trait Rows {
    fn values<'a>(&'a self, out: &mut Vec<Value<'a>>);
}

impl<R: SqlRow> Rows for R {
    fn values<'a>(&'a self, out: &mut Vec<Value<'a>>) {
        SqlRow::values(self, out)
    }
}

impl Rows for Vec<Value<'_>> {
    fn values<'a>(&'a self, out: &mut Vec<Value<'a>>) {
        out.extend(self.iter().cloned())
    }
}

/// Placeholders `$from..$from+n`, comma separated.
///
/// SQLite looks named parameters (`$N`, `?N`) up by a linear scan, which makes a
/// statement with thousands of them quadratic; its writer therefore uses plain `?`
/// (positional) in bulk statements, which must then use no `$N` at all.
fn dollar_placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(",")
}

macro_rules! bind_all {
    ($args:expr, $values:expr) => {{
        let mut res: std::result::Result<(), sqlx::error::BoxDynError> = Ok(());
        for v in $values {
            let r = match v {
                Value::Null => $args.add(None::<String>),
                Value::NullInt => $args.add(None::<i64>),
                Value::NullDate => $args.add(None::<chrono::NaiveDate>),
                Value::NullDateTime => $args.add(None::<chrono::NaiveDateTime>),
                Value::Text(s) => $args.add(s.to_string()),
                Value::Int(n) => $args.add(*n),
                Value::Real(x) => $args.add(*x),
                Value::Bool(b) => $args.add(*b),
                Value::Date(d) => $args.add(*d),
                Value::DateTime(t) => $args.add(*t),
                Value::Bytes(b) => $args.add(b.to_vec()),
            };
            if r.is_err() {
                res = r;
                break;
            }
        }
        res.map_err(|e| crate::Error::Sql {
            context: "binding a value".into(),
            source: sqlx::Error::Encode(e),
        })
    }};
}

/// The methods whose text is the same on both backends (only the argument type
/// differs).
macro_rules! portable_methods {
    ($args:ty) => {
        async fn is_empty(&mut self, table: &str) -> Result<bool> {
            let sql = format!("SELECT 1 FROM {table} LIMIT 1");
            let row = sqlx::query(AssertSqlSafe(sql))
                .fetch_optional(&mut *self.tx)
                .await
                .ctx(|| format!("reading {table}"))?;
            Ok(row.is_none())
        }

        async fn execute(&mut self, sql: String, values: &[Value<'_>]) -> Result<u64> {
            let mut args = <$args>::default();
            bind_all!(args, values)?;
            let what = sql.chars().take(60).collect::<String>();
            Ok(sqlx::query_with(AssertSqlSafe(sql), args)
                .execute(&mut *self.tx)
                .await
                .ctx(|| what)?
                .rows_affected())
        }

        async fn insert_returning(&mut self, sql: &str, values: &[Value<'_>]) -> Result<i64> {
            let mut args = <$args>::default();
            bind_all!(args, values)?;
            let row: (i64,) = sqlx::query_as_with(AssertSqlSafe(sql.to_string()), args)
                .fetch_one(&mut *self.tx)
                .await
                .ctx(|| sql.chars().take(60).collect())?;
            Ok(row.0)
        }

        async fn fetch(
            &mut self,
            sql: String,
            values: &[Value<'_>],
            kinds: &[Kind],
        ) -> Result<Vec<Cells>> {
            let mut args = <$args>::default();
            bind_all!(args, values)?;
            let what = sql.chars().take(60).collect::<String>();
            let rows = sqlx::query_with(AssertSqlSafe(sql), args)
                .fetch_all(&mut *self.tx)
                .await
                .ctx(|| what)?;
            rows.iter().map(|r| read_cells(r, kinds)).collect()
        }

        async fn fetch_as<R: FromRow>(
            &mut self,
            sql: String,
            values: &[Value<'_>],
        ) -> Result<Vec<R>> {
            let mut args = <$args>::default();
            bind_all!(args, values)?;
            let what = sql.chars().take(60).collect::<String>();
            let rows = sqlx::query_with(AssertSqlSafe(sql), args)
                .fetch_all(&mut *self.tx)
                .await
                .ctx(|| what)?;
            rows.iter().map(decode_as).collect()
        }
    };
}

pub(crate) struct SqliteWriter {
    pub(crate) tx: Transaction<'static, Sqlite>,
}

impl Writer for SqliteWriter {
    portable_methods!(sqlx::sqlite::SqliteArguments);

    fn placeholders(&self, _from: usize, n: usize) -> String {
        vec!["?"; n].join(",")
    }

    async fn insert<T: Rows>(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[T],
        done: &mut (dyn FnMut(u64) + Send),
    ) -> Result<()> {
        let cols = columns.len();
        let per = (SQLITE_MAX_PARAMS / cols).min(SQLITE_MAX_ROWS);
        let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(","));
        let mut full_sql: Option<String> = None;
        let mut values = Vec::with_capacity(per * cols);
        for chunk in rows.chunks(per) {
            let sql = if chunk.len() == per {
                full_sql
                    .get_or_insert_with(|| values_sql(&head, cols, per))
                    .clone()
            } else {
                values_sql(&head, cols, chunk.len())
            };
            values.clear();
            for r in chunk {
                r.values(&mut values);
            }
            let mut args = sqlx::sqlite::SqliteArguments::default();
            args.reserve(values.len(), 0);
            bind_all!(args, values.iter())?;
            sqlx::query_with(AssertSqlSafe(sql), args)
                .execute(&mut *self.tx)
                .await
                .ctx(|| format!("writing {table}"))?;
            done(chunk.len() as u64);
        }
        Ok(())
    }
}

fn values_sql(head: &str, cols: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(head.len() + rows * cols * 7);
    sql.push_str(head);
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        sql.push_str(&vec!["?"; cols].join(","));
        sql.push(')');
    }
    sql
}

pub(crate) struct PgWriter {
    pub(crate) tx: Transaction<'static, Postgres>,
}

impl Writer for PgWriter {
    portable_methods!(sqlx::postgres::PgArguments);

    fn placeholders(&self, from: usize, n: usize) -> String {
        dollar_placeholders(from, n)
    }

    /// COPY … FROM STDIN in text format, sent in 1 MiB messages.
    async fn insert<T: Rows>(
        &mut self,
        name: &str,
        columns: &[&str],
        rows: &[T],
        done: &mut (dyn FnMut(u64) + Send),
    ) -> Result<()> {
        let sql = format!("COPY {name} ({}) FROM STDIN", columns.join(","));
        let mut copy = self
            .tx
            .copy_in_raw(&sql)
            .await
            .ctx(|| format!("starting COPY into {name}"))?;
        let mut buf = String::with_capacity(COPY_CHUNK + 4096);
        let mut values = Vec::with_capacity(columns.len());
        let mut pending = 0u64;
        for r in rows {
            values.clear();
            r.values(&mut values);
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    buf.push('\t');
                }
                v.write_copy_text(&mut buf);
            }
            buf.push('\n');
            pending += 1;
            if buf.len() >= COPY_CHUNK {
                copy.send(buf.as_bytes())
                    .await
                    .ctx(|| format!("COPY into {name}"))?;
                buf.clear();
                done(pending);
                pending = 0;
            }
        }
        if !buf.is_empty() {
            copy.send(buf.as_bytes())
                .await
                .ctx(|| format!("COPY into {name}"))?;
        }
        copy.finish().await.ctx(|| format!("COPY into {name}"))?;
        done(pending);
        Ok(())
    }
}

/// The single integer a `SELECT MAX(…)` returns (`None` on an empty table).
pub(crate) async fn max_id<W: Writer>(w: &mut W, sql: &str) -> Result<Option<i64>> {
    let rows = w.fetch(sql.to_string(), &[], &[Kind::Int]).await?;
    Ok(rows.first().and_then(|r| match r[0] {
        Cell::Int(n) => Some(n),
        _ => None,
    }))
}

/// Begins a transaction on the store's backend, binds `$w` to its [`Writer`],
/// evaluates `$body` (which may `?`: an error drops, and so rolls back, the
/// transaction) and commits. `read` transactions on SQLite are deferred; write
/// transactions take the write lock at once (`BEGIN IMMEDIATE`), so concurrent
/// writers queue instead of failing with "database is locked".
macro_rules! in_transaction {
    (read $store:expr, $w:ident => $body:expr) => {
        $crate::tx::in_transaction!(@run $store, false, $w => $body)
    };
    ($store:expr, $w:ident => $body:expr) => {
        $crate::tx::in_transaction!(@run $store, true, $w => $body)
    };
    (@run $store:expr, $immediate:expr, $w:ident => $body:expr) => {{
        #[allow(unused_imports)]
        use $crate::error::Context as _;
        match &$store.db {
            $crate::Db::Sqlite(pool) => {
                let tx = if $immediate {
                    pool.begin_with("BEGIN IMMEDIATE").await
                } else {
                    pool.begin().await
                };
                let tx = tx.ctx(|| "starting a transaction".into())?;
                #[allow(unused_mut)]
                let mut $w = $crate::tx::SqliteWriter { tx };
                let out = $body;
                $w.tx.commit().await.ctx(|| "committing".into())?;
                out
            }
            $crate::Db::Pg(pool) => {
                let tx = pool.begin().await.ctx(|| "starting a transaction".into())?;
                #[allow(unused_mut)]
                let mut $w = $crate::tx::PgWriter { tx };
                let out = $body;
                $w.tx.commit().await.ctx(|| "committing".into())?;
                out
            }
        }
    }};
}
pub(crate) use in_transaction;
