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

mod activities;
mod certificates;
mod dashboard;
mod findings;
mod institutions;
mod reference;

pub use activities::{BatchDetail, BatchFilter};
pub use certificates::CertificateQuery;
pub use dashboard::{Dashboard, RunLines};
pub use findings::{FindingDetail, FindingListFilter, RiskFilter};
pub use institutions::{InstitutionDetail, InstitutionFilter};

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
pub(crate) type Col = (&'static str, &'static str, Kind);

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

    pub(crate) fn bind(&mut self, v: Value<'static>) -> String {
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

/// A `LIKE … ESCAPE '\'` pattern for text containing `t` (its own `%`, `_` and
/// `\` match literally).
pub(crate) fn like_contains(t: &Value<'static>) -> Value<'static> {
    Value::Text(format!("%{}%", like_escape(t)).into())
}

/// A `LIKE … ESCAPE '\'` pattern for text starting with `t`.
pub(crate) fn like_prefix(t: &Value<'static>) -> Value<'static> {
    Value::Text(format!("{}%", like_escape(t)).into())
}

fn like_escape(t: &Value<'static>) -> String {
    let s = match t {
        Value::Text(s) => s.to_string(),
        _ => String::new(),
    };
    s.replace('\\', r"\\")
        .replace('%', r"\%")
        .replace('_', r"\_")
}

pub(crate) fn text(s: &Option<String>) -> Option<Value<'static>> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Value::Text(s.to_string().into()))
}

pub(crate) fn display(cell: &Cell) -> Option<String> {
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

/// Findings list columns (预警中心 and the findings of a detail page).
const FINDING_COLS: &[Col] = &[
    ("finding_id", "f.finding_id", Kind::Int),
    ("severity", "f.severity", Kind::Text),
    ("item", "f.item", Kind::Int),
    ("rule", "f.rule", Kind::Text),
    ("institution_id", "f.institution_id", Kind::Text),
    (
        "institution_name",
        "(SELECT i.name FROM institutions i WHERE i.institution_id = f.institution_id)",
        Kind::Text,
    ),
    ("batch_id", "f.batch_id", Kind::Text),
    (
        "activity_date",
        "(SELECT b.start_at FROM batches b WHERE b.batch_id = f.batch_id)",
        Kind::DateTime,
    ),
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
