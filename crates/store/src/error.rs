//! The one error type of the store crate.

use domain::model::Table;

/// What went wrong talking to the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The `--db` / `ZHIJIAN_DB` value is not a store address.
    #[error(
        "\"{url}\" is not a store address; expected sqlite:PATH (or a path ending in .db) or postgres://USER@HOST:PORT/DATABASE"
    )]
    Url { url: String },
    /// No data directory could be found for the default SQLite store.
    #[error("no data directory for the default store (set HOME or XDG_DATA_HOME, or pass --db)")]
    NoDataDir,
    /// The database refused an operation.
    #[error("{context}: {source}")]
    Sql {
        context: String,
        #[source]
        source: sqlx::Error,
    },
    /// The schema could not be brought up to date.
    #[error("migrating the store schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value does not parse as its domain type (someone wrote to the
    /// database behind the store's back).
    #[error("{table} row {seq}, column {column}: stored value {value:?} is invalid: {reason}")]
    Corrupt {
        table: &'static str,
        seq: i64,
        column: &'static str,
        value: String,
        reason: String,
    },
    /// The stored rows do not form a dataset (duplicate keys).
    #[error("stored {table} rows have duplicate {column} {value}")]
    Duplicate {
        table: Table,
        column: &'static str,
        value: String,
    },
    /// A finding that does not exist.
    #[error("no finding with id {0}")]
    NoSuchFinding(i64),
    /// Too many password checks are waiting: try again shortly (no state changed).
    #[error("the platform is busy checking passwords; try again in a few seconds")]
    Busy,
    /// An account that cannot be created or used as asked (the message says why).
    #[error("{0}")]
    Account(String),
    /// The caller's role or scope does not allow the operation.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// A mark without a reason, or with an unknown status.
    #[error("{0}")]
    InvalidMark(String),
    /// An institution that is not registered in the store.
    #[error("no institution with id {0}")]
    NoSuchInstitution(String),
    /// A registration operation the rules refuse (备案管理: renewal outside its
    /// window, the 3-year bar, the 社评组织 limit, …); the reason says which rule.
    #[error("refused: {reason}")]
    Refused {
        reason: domain::registration::Refusal,
    },
    /// A case that does not exist, or is outside the caller's scope (both answer
    /// alike).
    #[error("no case with id {0}")]
    NoSuchCase(i64),
    /// A case operation the rules refuse (违纪违规处理程序: states, deadlines, 回避, …);
    /// the reason names the article.
    #[error("refused: {reason}")]
    CaseRefused {
        #[from]
        reason: domain::case::CaseRefusal,
    },
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Adds what was being done to a database error.
pub(crate) trait Context<T> {
    fn ctx(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for std::result::Result<T, sqlx::Error> {
    fn ctx(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Sql {
            context: context(),
            source,
        })
    }
}
