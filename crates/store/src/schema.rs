//! The live schema, described the same way on both backends, so a test can prove
//! the two migration folders define the same tables, columns, keys and indexes.

use crate::Store;
use crate::error::Result;
use crate::tx::{Kind, Writer, in_transaction};

/// One column: its table, name, type family (the PostgreSQL name) and constraints.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ColumnInfo {
    pub table: String,
    pub column: String,
    /// `text`, `smallint`, `bigint`, `double precision`, `boolean`, `date`, `timestamp`.
    pub family: String,
    pub not_null: bool,
    pub primary_key: bool,
}

/// One secondary index (primary keys are described by [`ColumnInfo::primary_key`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IndexInfo {
    pub table: String,
    pub name: String,
    pub unique: bool,
    pub columns: Vec<String>,
}

/// A foreign key: `table.column` references `target.target_column`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub table: String,
    pub column: String,
    pub target: String,
    pub target_column: String,
}

/// The whole schema, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaInfo {
    pub columns: Vec<ColumnInfo>,
    pub indexes: Vec<IndexInfo>,
    pub foreign_keys: Vec<ForeignKey>,
}

/// SQLite declared types → the PostgreSQL family they stand for.
fn sqlite_family(declared: &str) -> String {
    match declared.to_ascii_uppercase().as_str() {
        "INTEGER" | "BIGINT" => "bigint",
        "SMALLINT" => "smallint",
        "TEXT" => "text",
        "DATE" => "date",
        "TIMESTAMP" => "timestamp",
        "BOOLEAN" => "boolean",
        "DOUBLE PRECISION" | "REAL" => "double precision",
        other => return other.to_ascii_lowercase(),
    }
    .to_string()
}

fn pg_family(data_type: &str) -> String {
    match data_type {
        "timestamp without time zone" => "timestamp".into(),
        "integer" => "integer".into(),
        other => other.into(),
    }
}

const SQLITE_TABLES: &str = "SELECT name FROM sqlite_master WHERE type = 'table' \
     AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name";

impl Store {
    /// Describes the schema of the store's own tables (not the migration log).
    pub async fn describe_schema(&self) -> Result<SchemaInfo> {
        use Kind::*;
        let mut columns = Vec::new();
        let mut indexes = Vec::new();
        let mut foreign_keys = Vec::new();
        match self.backend() {
            crate::Backend::Sqlite => {
                in_transaction!(read self, w => {
                    let tables = w.fetch(SQLITE_TABLES.into(), &[], &[Text]).await?;
                    for t in tables.iter().map(|r| r[0].text().unwrap_or_default()) {
                        let cols = w
                            .fetch(
                                format!("SELECT name, type, \"notnull\", pk FROM pragma_table_info('{t}')"),
                                &[],
                                &[Text, Text, Int, Int],
                            )
                            .await?;
                        for c in cols {
                            let pk = c[3].int() > 0;
                            columns.push(ColumnInfo {
                                table: t.clone(),
                                column: c[0].text().unwrap_or_default(),
                                family: sqlite_family(&c[1].text().unwrap_or_default()),
                                not_null: c[2].int() > 0 || pk,
                                primary_key: pk,
                            });
                        }
                        let list = w
                            .fetch(
                                format!("SELECT name, \"unique\", origin FROM pragma_index_list('{t}')"),
                                &[],
                                &[Text, Int, Text],
                            )
                            .await?;
                        for ix in list.iter().filter(|r| r[2].text().unwrap_or_default() == "c") {
                            let name = ix[0].text().unwrap_or_default();
                            let cols = w
                                .fetch(
                                    format!("SELECT name FROM pragma_index_info('{name}') ORDER BY seqno"),
                                    &[],
                                    &[Text],
                                )
                                .await?;
                            indexes.push(IndexInfo {
                                table: t.clone(),
                                name,
                                unique: ix[1].int() > 0,
                                columns: cols.iter().map(|r| r[0].text().unwrap_or_default()).collect(),
                            });
                        }
                        let fks = w
                            .fetch(
                                format!("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list('{t}')"),
                                &[],
                                &[Text, Text, Text],
                            )
                            .await?;
                        for f in fks {
                            foreign_keys.push(ForeignKey {
                                table: t.clone(),
                                column: f[0].text().unwrap_or_default(),
                                target: f[1].text().unwrap_or_default(),
                                target_column: f[2].text().unwrap_or_default(),
                            });
                        }
                    }
                });
            }
            crate::Backend::Postgres => {
                in_transaction!(read self, w => {
                    let cols = w
                        .fetch(
                            "SELECT c.table_name::text, c.column_name::text, c.data_type::text, \
                             (c.is_nullable = 'NO')::int4, \
                             (EXISTS (SELECT 1 FROM information_schema.table_constraints tc \
                                JOIN information_schema.key_column_usage k \
                                  ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema \
                                WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema \
                                  AND tc.table_name = c.table_name AND k.column_name = c.column_name))::int4 \
                             FROM information_schema.columns c \
                             WHERE c.table_schema = current_schema() AND c.table_name NOT LIKE '\\_sqlx%'"
                                .into(),
                            &[],
                            &[Text, Text, Text, Int, Int],
                        )
                        .await?;
                    for c in cols {
                        columns.push(ColumnInfo {
                            table: c[0].text().unwrap_or_default(),
                            column: c[1].text().unwrap_or_default(),
                            family: pg_family(&c[2].text().unwrap_or_default()),
                            not_null: c[3].int() > 0,
                            primary_key: c[4].int() > 0,
                        });
                    }
                    let ixs = w
                        .fetch(
                            "SELECT t.relname::text, i.relname::text, ix.indisunique::int4, \
                             (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) \
                                FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
                                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) \
                             FROM pg_index ix \
                             JOIN pg_class i ON i.oid = ix.indexrelid \
                             JOIN pg_class t ON t.oid = ix.indrelid \
                             JOIN pg_namespace ns ON ns.oid = t.relnamespace \
                             WHERE ns.nspname = current_schema() AND NOT ix.indisprimary \
                               AND t.relname NOT LIKE '\\_sqlx%'"
                                .into(),
                            &[],
                            &[Text, Text, Int, Text],
                        )
                        .await?;
                    for ix in ixs {
                        indexes.push(IndexInfo {
                            table: ix[0].text().unwrap_or_default(),
                            name: ix[1].text().unwrap_or_default(),
                            unique: ix[2].int() > 0,
                            columns: ix[3].text().unwrap_or_default().split(',').map(String::from).collect(),
                        });
                    }
                    let fks = w
                        .fetch(
                            "SELECT t.relname::text, a.attname::text, rt.relname::text, ra.attname::text \
                             FROM pg_constraint c \
                             JOIN pg_class t ON t.oid = c.conrelid \
                             JOIN pg_class rt ON rt.oid = c.confrelid \
                             JOIN pg_namespace ns ON ns.oid = t.relnamespace \
                             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
                             JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1] \
                             WHERE c.contype = 'f' AND ns.nspname = current_schema()"
                                .into(),
                            &[],
                            &[Text, Text, Text, Text],
                        )
                        .await?;
                    for f in fks {
                        foreign_keys.push(ForeignKey {
                            table: f[0].text().unwrap_or_default(),
                            column: f[1].text().unwrap_or_default(),
                            target: f[2].text().unwrap_or_default(),
                            target_column: f[3].text().unwrap_or_default(),
                        });
                    }
                });
            }
        }
        columns.sort();
        indexes.sort();
        foreign_keys.sort();
        Ok(SchemaInfo {
            columns,
            indexes,
            foreign_keys,
        })
    }
}
