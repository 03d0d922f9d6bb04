//! Snapshot: the whole store read back as [`Tables`], every table in import order,
//! for screening and export. Tables are read concurrently, each on its own
//! connection and task, so decoding uses every core.

use crate::error::{Context as _, Error, Result};
use crate::value::{Get, SqlRow};
use crate::{Db, Store, dispatch};
use domain::model::{Dataset, Meta, Table, Tables};
use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, PgPool, SqlitePool};
use std::collections::BTreeSet;
use tokio::task::JoinHandle;

fn select_sql<R: SqlRow>() -> String {
    format!(
        "SELECT {}, seq FROM {} ORDER BY seq",
        R::COLUMNS.join(", "),
        R::TABLE.name()
    )
}

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

macro_rules! table_loader {
    ($name:ident, $pool:ty) => {
        async fn $name<R: SqlRow>(pool: $pool) -> Result<Vec<R>> {
            let sql = select_sql::<R>();
            let mut stream = sqlx::query(AssertSqlSafe(sql)).fetch(&pool);
            let mut out = Vec::new();
            while let Some(row) = stream
                .try_next()
                .await
                .ctx(|| format!("reading {}", R::TABLE.name()))?
            {
                out.push(decode::<R>(&row)?);
            }
            Ok(out)
        }
    };
}
table_loader!(load_sqlite, SqlitePool);
table_loader!(load_pg, PgPool);

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
    pub async fn load(&self) -> Result<Tables> {
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
