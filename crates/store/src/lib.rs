//! Zhijian's system of record (评价数据实行省级集中管理): one API over two backends,
//! embedded SQLite (the default, a file under the user's data directory) and
//! PostgreSQL (production).
//!
//! - [`Store::open`] connects and applies the backend's migrations
//!   (`migrations/{sqlite,postgres}/*.sql`, embedded in the binary).
//! - [`Store::import`] loads a dataset in one transaction, replacing what each row's
//!   owner held before (see [`import`] for the ownership table): all or nothing,
//!   idempotent, a newer version of a batch replaces that batch.
//! - [`Store::load`] reads a snapshot back as [`domain::model::Tables`], in import
//!   order, for screening and export.
//! - [`Store::record_run`] keeps a screening run with its findings; a finding keeps
//!   its identity (rule + subject) across runs so that marks survive ([`runs`]).
//!
//! SQL is written once where the dialects agree (`$N` parameters work on both) and
//! in explicit backend arms where they differ (bulk insert: multi-row `INSERT` on
//! SQLite, `COPY` on PostgreSQL).

pub mod accounts;
pub mod audit;
pub mod browse;
pub mod calendar;
pub mod cases;
pub mod error;
pub mod import;
pub mod load;
pub mod registry;
pub mod runs;
pub mod schema;
pub mod scope;
mod tx;
pub mod value;
pub mod workflow;

pub use error::{Error, Result};
pub use import::{ImportOptions, ImportReport};
pub use runs::{FindingFilter, Mark, NewFinding, RiskLine, RunInput, RunReport, StoredFinding};

use error::Context as _;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, PgPool, SqlSafeStr, SqlitePool};
use std::borrow::Cow;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The environment variable naming the store when `--db` is not given.
pub const DB_ENV: &str = "ZHIJIAN_DB";

/// Which database a store lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Lower-case name, as in URLs.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The connection pool of one backend.
#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// Runs the same code against whichever pool the store has; `$pool` is bound to
/// the concrete pool in each arm, so portable SQL is written once.
macro_rules! dispatch {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Pg($pool) => $body,
        }
    };
}
pub(crate) use dispatch;

/// An open store.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) db: Db,
    address: String,
}

/// Where a store is: parsed from `--db` / `ZHIJIAN_DB`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl Address {
    /// Parses `sqlite:PATH`, `sqlite://PATH`, a path ending in `.db`/`.sqlite`/
    /// `.sqlite3`, or `postgres://…` / `postgresql://…`.
    pub fn parse(url: &str) -> Result<Address> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Address::Postgres(url.to_string()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .or_else(|| {
                [".db", ".sqlite", ".sqlite3"]
                    .iter()
                    .any(|ext| url.ends_with(ext))
                    .then_some(url)
            });
        match path {
            Some(p) if !p.is_empty() => Ok(Address::Sqlite(PathBuf::from(p))),
            _ => Err(Error::Url {
                url: url.to_string(),
            }),
        }
    }

    /// The default store: `ZHIJIAN_DB` if set, else `zhijian/zhijian.db` under the
    /// user's data directory (`$XDG_DATA_HOME`, else `~/.local/share`; `%APPDATA%`
    /// on Windows).
    pub fn from_env_or_default() -> Result<Address> {
        if let Ok(url) = std::env::var(DB_ENV)
            && !url.trim().is_empty()
        {
            return Address::parse(&url);
        }
        let base = std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from))
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .ok_or(Error::NoDataDir)?;
        Ok(Address::Sqlite(base.join("zhijian").join("zhijian.db")))
    }

    /// The address as typed, without a PostgreSQL password.
    pub fn display(&self) -> String {
        match self {
            Address::Sqlite(p) => format!("sqlite:{}", p.display()),
            Address::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(s), Some(at)) if at > s => {
                    let creds = &url[s + 3..at];
                    match creds.find(':') {
                        Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                        None => url.clone(),
                    }
                }
                _ => url.clone(),
            },
        }
    }
}

fn migrations(backend: Backend) -> Migrator {
    // One line per migration: (version, description, SQL of each backend).
    macro_rules! migration {
        ($v:literal, $name:literal, $file:literal) => {
            (
                $v,
                $name,
                include_str!(concat!("../migrations/sqlite/", $file)),
                include_str!(concat!("../migrations/postgres/", $file)),
            )
        };
    }
    const ALL: &[(i64, &str, &str, &str)] = &[
        migration!(1, "dataset", "0001_dataset.sql"),
        migration!(2, "screening", "0002_screening.sql"),
        migration!(3, "accounts", "0003_accounts.sql"),
        migration!(4, "registry", "0004_registry.sql"),
        migration!(5, "calendar", "0005_calendar.sql"),
        migration!(6, "platform", "0006_platform.sql"),
        migration!(7, "cases", "0007_cases.sql"),
        migration!(8, "stats", "0008_stats.sql"),
        migration!(9, "security", "0009_security.sql"),
        migration!(10, "declared", "0010_declared.sql"),
        migration!(11, "authority", "0011_authority.sql"),
        migration!(12, "case effects", "0012_case_effects.sql"),
    ];
    let files = ALL.iter().map(|&(version, description, sqlite, pg)| {
        let sql = match backend {
            Backend::Sqlite => sqlite,
            Backend::Postgres => pg,
        };
        (version, description, sql)
    });
    Migrator::with_migrations(
        files
            .into_iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    AssertSqlSafe(sql).into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

impl Store {
    /// Opens (creating if needed) the store at `address` and brings its schema up
    /// to date.
    pub async fn open(address: &Address) -> Result<Store> {
        let db = match address {
            Address::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| Error::Sql {
                        context: format!("creating {}", dir.display()),
                        source: sqlx::Error::Io(e),
                    })?;
                }
                // WAL: readers never block the importer; NORMAL sync is durable
                // against a killed process (the WAL is replayed or discarded whole).
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(60))
                    .pragma("cache_size", "-65536")
                    .pragma("temp_store", "memory")
                    .statement_cache_capacity(256);
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await
                    .ctx(|| format!("opening {}", path.display()))?;
                Db::Sqlite(pool)
            }
            Address::Postgres(url) => {
                let options = PgConnectOptions::from_str(url).map_err(|_| Error::Url {
                    url: address.display(),
                })?;
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await
                    .ctx(|| format!("connecting to {}", address.display()))?;
                Db::Pg(pool)
            }
        };
        let store = Store {
            db,
            address: address.display(),
        };
        let migrator = migrations(store.backend());
        dispatch!(&store.db, pool => migrator.run(pool).await?);
        Ok(store)
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Pg(_) => Backend::Postgres,
        }
    }

    /// Where the store is (without passwords).
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Closes every connection (waits for them to be returned).
    pub async fn close(&self) {
        dispatch!(&self.db, pool => pool.close().await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse() {
        assert_eq!(
            Address::parse("sqlite:/tmp/a.db").unwrap(),
            Address::Sqlite("/tmp/a.db".into())
        );
        assert_eq!(
            Address::parse("sqlite://rel/a").unwrap(),
            Address::Sqlite("rel/a".into())
        );
        assert_eq!(
            Address::parse("store.sqlite").unwrap(),
            Address::Sqlite("store.sqlite".into())
        );
        assert!(matches!(
            Address::parse("postgres://u@h/db").unwrap(),
            Address::Postgres(_)
        ));
        for bad in ["", "sqlite:", "mysql://h/db", "store"] {
            let e = Address::parse(bad).unwrap_err().to_string();
            assert!(e.contains("sqlite:PATH"), "{bad}: {e}");
        }
    }

    #[test]
    fn passwords_are_not_displayed() {
        let a = Address::parse("postgres://zj:secret@db.local:5432/zj").unwrap();
        assert_eq!(a.display(), "postgres://zj:***@db.local:5432/zj");
        let b = Address::parse("postgres://zj@db.local/zj").unwrap();
        assert_eq!(b.display(), "postgres://zj@db.local/zj");
    }
}
