//! 操作日志: the append-only audit trail — every login and failed login, write,
//! export, full ID view and refused request, with who, when, what and from where.
//!
//! The log is scoped like everything else (GB/T 22239-2019 8.1.4.3 安全审计): an
//! entry belongs to the region of its actor (an official's region, the region of a
//! clerk's institution) and to the region of the object it concerns; a reader sees
//! an entry when either lies in their jurisdiction ([`crate::scope::Via::OperationLog`]),
//! the administrator sees all. Every field is capped at
//! [`MAX_LOG_FIELD_CHARS`](domain::access::MAX_LOG_FIELD_CHARS), so no request can
//! grow the log without bound.

use crate::Store;
use crate::accounts::Principal;
use crate::browse::{Grid, Paging, Query, grid};
use crate::error::Result;
use crate::scope::Via;
use crate::tx::{Kind, Writer, in_transaction};
use crate::value::Value;
use chrono::{NaiveDate, NaiveDateTime};
use domain::RegionCode;
use domain::access::{DataScope, MAX_LOG_FIELD_CHARS};

/// Who acts, as the log records it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: Option<i64>,
    pub username: String,
    /// The actor's region (an official's, a supervisor's or observer's).
    pub region: Option<RegionCode>,
    /// A clerk's institution (its region is looked up when the entry is written).
    pub institution: Option<String>,
}

impl Actor {
    /// An account acting.
    pub fn of(p: &Principal) -> Actor {
        let (region, institution) = match &p.scope {
            DataScope::Everything => (None, None),
            DataScope::Region(r) => (Some(*r), None),
            DataScope::Institution(i) => (None, Some(i.as_str().to_string())),
        };
        Actor {
            account_id: Some(p.account_id),
            username: p.username.clone(),
            region,
            institution,
        }
    }

    /// The platform itself (start-up jobs, the demo).
    pub fn system() -> Actor {
        Actor {
            account_id: None,
            username: "system".into(),
            region: None,
            institution: None,
        }
    }
}

/// What an entry concerns, for its jurisdiction.
#[derive(Debug, Clone, Copy, Default)]
pub enum Concerning<'a> {
    /// Nothing in particular (a login, an export of a list).
    #[default]
    Nothing,
    /// An institution (its registered region is looked up when written).
    Institution(&'a str),
    /// A region (an account anchored there, a regional list).
    Region(&'a RegionCode),
}

/// One entry to append.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub client: Option<&'a str>,
    pub concerning: Concerning<'a>,
}

impl<'a> Entry<'a> {
    /// An entry for `action` on `target`.
    pub fn new(action: &'a str, target: Option<&'a str>) -> Entry<'a> {
        Entry {
            action,
            target,
            detail: None,
            client: None,
            concerning: Concerning::Nothing,
        }
    }

    pub fn detail(self, detail: Option<&'a str>) -> Entry<'a> {
        Entry { detail, ..self }
    }

    pub fn client(self, client: Option<&'a str>) -> Entry<'a> {
        Entry { client, ..self }
    }

    pub fn concerning(self, concerning: Concerning<'a>) -> Entry<'a> {
        Entry { concerning, ..self }
    }
}

/// `s` cut to the log's field limit (with an ellipsis when cut).
pub fn cap(s: &str) -> String {
    match s.char_indices().nth(MAX_LOG_FIELD_CHARS) {
        None => s.to_string(),
        Some((at, _)) => format!("{}…", &s[..at]),
    }
}

fn text(s: Option<&str>) -> Value<'static> {
    s.map_or(Value::Null, |s| Value::Text(cap(s).into()))
}

/// Appends an entry inside the caller's transaction.
pub(crate) async fn append<W: Writer>(
    w: &mut W,
    at: NaiveDateTime,
    actor: &Actor,
    e: &Entry<'_>,
) -> Result<()> {
    let (object_region, object_institution) = match e.concerning {
        Concerning::Nothing => (None, None),
        Concerning::Institution(i) => (None, Some(i)),
        Concerning::Region(r) => (Some(r.as_str()), None),
    };
    w.execute(
        "INSERT INTO operation_log (at, account_id, username, action, target, detail, client, \
         actor_region, object_region, object_institution) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         COALESCE($8, (SELECT region_code FROM institutions WHERE institution_id = $9)), \
         COALESCE($10, (SELECT region_code FROM institutions WHERE institution_id = $11)), $12)"
            .into(),
        &[
            Value::DateTime(at),
            actor.account_id.map_or(Value::NullInt, Value::Int),
            Value::Text(cap(&actor.username).into()),
            Value::Text(cap(e.action).into()),
            text(e.target),
            text(e.detail),
            text(e.client),
            text(actor.region.as_ref().map(RegionCode::as_str)),
            text(actor.institution.as_deref()),
            text(object_region),
            text(object_institution),
            text(object_institution),
        ],
    )
    .await?;
    Ok(())
}

/// Filters of the 操作日志 page.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// User name (exact).
    pub username: Option<String>,
    /// Action code (`login_failed`, `export`, `refused`, …).
    pub action: Option<String>,
    /// From this day (inclusive).
    pub from: Option<NaiveDate>,
    /// To this day (inclusive).
    pub to: Option<NaiveDate>,
}

impl Store {
    /// Appends one entry to the operation log (its own transaction).
    pub async fn log_entry(&self, at: NaiveDateTime, actor: &Actor, e: Entry<'_>) -> Result<()> {
        in_transaction!(self, w => append(&mut w, at, actor, &e).await?);
        Ok(())
    }

    /// The operation log in the reader's jurisdiction, newest first.
    pub async fn operation_log_grid(
        &self,
        scope: &DataScope,
        filter: &LogFilter,
        paging: Paging,
    ) -> Result<Grid> {
        let mut q = Query::new("FROM operation_log l");
        q.scoped(scope, Via::OperationLog("l"));
        let t = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::Text(s.to_string().into()))
        };
        q.when("l.username", "=", t(&filter.username));
        q.when("l.action", "=", t(&filter.action));
        q.when(
            "l.at",
            ">=",
            filter
                .from
                .map(|d| Value::DateTime(d.and_hms_opt(0, 0, 0).expect("midnight"))),
        );
        q.when(
            "l.at",
            "<",
            filter
                .to
                .and_then(|d| d.succ_opt())
                .map(|d| Value::DateTime(d.and_hms_opt(0, 0, 0).expect("midnight"))),
        );
        use Kind::*;
        Ok(in_transaction!(read self, w => grid(&mut w, &[
            ("log_id", "l.log_id", Int),
            ("at", "l.at", DateTime),
            ("username", "l.username", Text),
            ("action", "l.action", Text),
            ("target", "l.target", Text),
            ("detail", "l.detail", Text),
            ("client", "l.client", Text),
            ("actor_region", "l.actor_region", Text),
            ("object_region", "l.object_region", Text),
        ], &q, "l.log_id DESC", Some(paging)).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_fields_are_capped() {
        let long = "名".repeat(MAX_LOG_FIELD_CHARS * 3);
        let c = cap(&long);
        assert_eq!(c.chars().count(), MAX_LOG_FIELD_CHARS + 1);
        assert!(c.ends_with('…'));
        assert_eq!(cap("短"), "短");
    }
}
