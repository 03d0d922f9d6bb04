//! 备案管理: registering institutions and carrying their registrations through
//! changes, renewal, expiry and cancellation — the rules are in
//! [`domain::registration`], this module applies them to the store.
//!
//! - A registration *is* its rows in `institutions`, `scopes` and `sites` (the
//!   dataset's tables and columns, so screening and export see it at once). Every
//!   change is one transaction that also appends one `registration_events` row:
//!   who, when, which action, why, and the affected rows before and after (JSON).
//! - Every function acting for a person takes their [`DataScope`] (谁备案谁监管)
//!   and refuses ([`Error::Forbidden`]) institutions outside it. Registration is
//!   the authority's act (第十条, 第十八条: "应向原备案部门进行变更登记"), so an
//!   institution's own scope may read its registration but never change it.
//! - Rule refusals are [`Error::Refused`] with the [`Refusal`] naming the article.
//!
//! How the end of a registration is kept (the dataset's status vocabulary is
//! closed: `active`, `suspended`, `terminated`):
//!
//! - **Expiry** (第二十条, "到期自动取消备案资质"): [`Store::expire_due`] sets status
//!   `terminated` with `status_since` = the day after `expires_on` (the first day
//!   without a registration, which is also how screening reads `status_since`) and
//!   appends an `expire` event, once. Until the job has run, [`Standing::derive`]
//!   already shows 已到期 from the date.
//! - **Cancellation for dormancy** (第二十一条): [`Store::propose_cancellations`]
//!   appends `propose_cancel` events (公示); [`Store::withdraw_proposal`] or
//!   [`Store::cancel`] close the proposal. Cancelling sets status `terminated`
//!   (`status_since` = the day of the decision) and adds a `registration_bars` row
//!   for the credit code, which [`Store::register`] checks for 3 years.
//! - 终止备案 (第二十二条) is status `terminated` with a `terminate` event.
//!
//! The ending is told apart by the action of the last ending event
//! ([`domain::registration::Ending`]); a pending proposal is a `propose_cancel`
//! with no later `withdraw_proposal`, `cancel`, `expire` or `terminate`.
//!
//! Writes that check rules across institutions (the credit code, the 社评组织
//! limit, new ids) are serialized: SQLite write transactions take the write lock
//! at once, and on PostgreSQL every registry write first takes one transaction
//! advisory lock.

use crate::error::{Error, Result};
use crate::scope::{Via, condition, region_range};
use crate::tx::{Cell, Cells, Kind, Writer, in_transaction};
use crate::value::{SqlRow, Value};
use crate::{Backend, Store};
use chrono::{Days, NaiveDate, NaiveDateTime};
use domain::access::DataScope;
use domain::enums::{InstitutionKind, RegistrationStatus};
use domain::ids::{InstitutionId, SiteId};
use domain::model::{Institution, Scope, Site, Text};
use domain::occupation::catalogue;
use domain::registration::{
    Action, BasicInfo, Ending, MAX_SOCIAL_ORGS_PER_CITY_OCCUPATION, NewRegistration, NewSite,
    Refusal, Standing, is_dormant, may_reapply, reapply_from, renewal_allowed, renewal_opens,
    term_end,
};
use domain::{CreditCode, Level, OccupationCode, RegionCode};
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};

/// The PostgreSQL advisory lock key that serializes registry writes ("zjrg").
const REGISTRY_LOCK: i64 = 0x7a6a_7267;

/// One entry of an institution's registration log.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub event_id: i64,
    pub institution_id: InstitutionId,
    /// The day of the act (the functions take the date, so the time is 00:00).
    pub at: NaiveDateTime,
    /// The user name of whoever acted (`None`: not recorded).
    pub by_user: Option<String>,
    pub action: Action,
    pub reason: Option<String>,
    /// The affected rows before the change (dataset column names), if any.
    pub before: Option<Json>,
    /// … and after it.
    pub after: Option<Json>,
}

/// An institution's registration as it stands, for the detail page.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub institution: Institution,
    /// Every scope row, ended ones included (`valid_to` before today).
    pub scopes: Vec<Scope>,
    /// Every site, revoked ones included.
    pub sites: Vec<Site>,
    pub standing: Standing,
    /// The first day renewal may be applied for (第二十条).
    pub renewal_opens: NaiveDate,
    /// When the pending cancellation proposal (公示) was made.
    pub proposed_on: Option<NaiveDate>,
    /// The latest start of an evaluation activity (batch) up to today.
    pub last_activity: Option<NaiveDate>,
}

// ---------------------------------------------------------------------------
// Reading rows inside a transaction.

fn corrupt(table: &'static str, column: &'static str, value: &str, reason: String) -> Error {
    Error::Corrupt {
        table,
        seq: -1,
        column,
        value: value.to_string(),
        reason,
    }
}

/// Parses a text cell with a domain parser (NULL and bad values are corrupt).
fn parse<T>(
    table: &'static str,
    column: &'static str,
    cell: &Cell,
    f: impl FnOnce(&str) -> Result<T, domain::Error>,
) -> Result<T> {
    let text = cell.text().unwrap_or_default();
    f(&text).map_err(|e| corrupt(table, column, &text, e.to_string()))
}

fn opt_int(table: &'static str, column: &'static str, cell: &Cell) -> Result<Option<u32>> {
    match cell {
        Cell::Int(n) => u32::try_from(*n)
            .map(Some)
            .map_err(|e| corrupt(table, column, &n.to_string(), e.to_string())),
        _ => Ok(None),
    }
}

fn need_date(table: &'static str, column: &'static str, cell: &Cell) -> Result<NaiveDate> {
    cell.date()
        .ok_or_else(|| corrupt(table, column, "", "a date is required".into()))
}

const INSTITUTION_KINDS: [Kind; 11] = [
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Date,
    Kind::Date,
    Kind::Text,
    Kind::Date,
    Kind::Int,
    Kind::Text,
];

fn institution_from(r: &Cells) -> Result<Institution> {
    const T: &str = "institutions";
    Ok(Institution {
        institution_id: parse(T, "institution_id", &r[0], InstitutionId::parse)?,
        name: r[1].text().unwrap_or_default().into(),
        credit_code: parse(T, "credit_code", &r[2], CreditCode::parse)?,
        kind: parse(T, "kind", &r[3], InstitutionKind::parse)?,
        region_code: parse(T, "region_code", &r[4], RegionCode::parse)?,
        registered_on: need_date(T, "registered_on", &r[5])?,
        expires_on: need_date(T, "expires_on", &r[6])?,
        status: parse(T, "status", &r[7], RegistrationStatus::parse)?,
        status_since: r[8].date(),
        employee_count: opt_int(T, "employee_count", &r[9])?,
        phone: r[10].text().map(Text::from),
    })
}

fn scope_from(r: &Cells) -> Result<Scope> {
    const T: &str = "scopes";
    Ok(Scope {
        institution_id: parse(T, "institution_id", &r[0], InstitutionId::parse)?,
        occupation_code: parse(T, "occupation_code", &r[1], OccupationCode::parse)?,
        occupation_name: r[2].text().map(Text::from),
        level: u8::try_from(r[3].int())
            .ok()
            .and_then(|n| Level::new(n).ok())
            .ok_or_else(|| corrupt(T, "level", &r[3].int().to_string(), "not 1..5".into()))?,
        valid_from: r[4].date(),
        valid_to: r[5].date(),
    })
}

fn site_from(r: &Cells) -> Result<Site> {
    const T: &str = "sites";
    Ok(Site {
        site_id: parse(T, "site_id", &r[0], SiteId::parse)?,
        institution_id: parse(T, "institution_id", &r[1], InstitutionId::parse)?,
        address: r[2].text().unwrap_or_default().into(),
        capacity: opt_int(T, "capacity", &r[3])?,
        registered_on: r[4].date(),
        revoked_on: r[5].date(),
    })
}

fn text(s: impl Into<String>) -> Value<'static> {
    Value::Text(s.into().into())
}

fn opt_text(s: Option<&str>) -> Value<'static> {
    s.map_or(Value::Null, text)
}

/// A dataset row as a JSON object keyed by its column names.
fn row_json<R: SqlRow>(row: &R) -> Json {
    let mut values = Vec::new();
    row.values(&mut values);
    let map = R::COLUMNS
        .iter()
        .zip(values)
        .map(|(c, v)| {
            let j = match v {
                Value::Null | Value::NullInt | Value::NullDate | Value::NullDateTime => Json::Null,
                Value::Text(s) => Json::String(s.into_owned()),
                Value::Int(n) => json!(n),
                Value::Real(x) => json!(x),
                Value::Bool(b) => json!(b),
                Value::Date(d) => json!(d.to_string()),
                Value::DateTime(t) => json!(domain::time::format_datetime(&t)),
            };
            (c.to_string(), j)
        })
        .collect();
    Json::Object(map)
}

fn rows_json<R: SqlRow>(rows: &[R]) -> Json {
    Json::Array(rows.iter().map(row_json).collect())
}

fn status_json(i: &Institution) -> Json {
    json!({
        "status": i.status.code(),
        "status_since": i.status_since.map(|d| d.to_string()),
        "expires_on": i.expires_on.to_string(),
    })
}

fn basic_json(b: &BasicInfo) -> Json {
    json!({"name": b.name, "phone": b.phone, "employee_count": b.employee_count})
}

async fn fetch_institutions<W: Writer>(
    w: &mut W,
    filter: &str,
    values: &[Value<'_>],
) -> Result<Vec<Institution>> {
    let sql = format!(
        "SELECT {} FROM institutions WHERE {filter} ORDER BY institution_id",
        Institution::COLUMNS.join(", ")
    );
    w.fetch(sql, values, &INSTITUTION_KINDS)
        .await?
        .iter()
        .map(institution_from)
        .collect()
}

async fn fetch_scopes<W: Writer>(w: &mut W, id: &InstitutionId) -> Result<Vec<Scope>> {
    let sql = format!(
        "SELECT {} FROM scopes WHERE institution_id = $1 ORDER BY seq",
        Scope::COLUMNS.join(", ")
    );
    use Kind::*;
    w.fetch(
        sql,
        &[text(id.as_str())],
        &[Text, Text, Text, Int, Date, Date],
    )
    .await?
    .iter()
    .map(scope_from)
    .collect()
}

async fn fetch_sites<W: Writer>(w: &mut W, id: &InstitutionId) -> Result<Vec<Site>> {
    let sql = format!(
        "SELECT {} FROM sites WHERE institution_id = $1 ORDER BY seq",
        Site::COLUMNS.join(", ")
    );
    use Kind::*;
    w.fetch(
        sql,
        &[text(id.as_str())],
        &[Text, Text, Text, Int, Date, Date],
    )
    .await?
    .iter()
    .map(site_from)
    .collect()
}

/// Appends dataset rows the way an import does (multi-row `INSERT` on SQLite,
/// `COPY` on PostgreSQL, which also types the NULLs of every column).
async fn insert_rows<W: Writer, R: SqlRow>(w: &mut W, rows: &[R]) -> Result<()> {
    w.insert(R::TABLE.name(), R::COLUMNS, rows, &mut |_| {})
        .await
}

/// A new event row.
pub(crate) struct NewEvent<'a> {
    pub(crate) institution_id: &'a InstitutionId,
    pub(crate) at: NaiveDateTime,
    pub(crate) by: &'a str,
    pub(crate) action: Action,
    pub(crate) reason: Option<&'a str>,
    pub(crate) before: Option<Json>,
    pub(crate) after: Option<Json>,
}

/// Appends one row to an institution's registration log (also used by cases,
/// whose execution changes registrations).
pub(crate) async fn record<W: Writer>(w: &mut W, e: NewEvent<'_>) -> Result<()> {
    let json = |j: Option<Json>| j.map_or(Value::Null, |j| text(j.to_string()));
    w.execute(
        "INSERT INTO registration_events (institution_id, at, by_user, action, reason, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
            .into(),
        &[
            text(e.institution_id.as_str()),
            Value::DateTime(e.at),
            opt_text(Some(e.by).filter(|b| !b.is_empty())),
            text(e.action.code()),
            opt_text(e.reason),
            json(e.before),
            json(e.after),
        ],
    )
    .await?;
    Ok(())
}

/// The lifecycle events of institutions: how each ended (if it did) and the date
/// of its pending cancellation proposal. `id` = `None` reads every institution.
async fn lifecycles<W: Writer>(
    w: &mut W,
    id: Option<&InstitutionId>,
) -> Result<BTreeMap<String, (Option<Ending>, Option<NaiveDate>)>> {
    let mut sql = "SELECT institution_id, action, at FROM registration_events \
                   WHERE action IN ('propose_cancel', 'withdraw_proposal', 'cancel', 'expire', 'terminate')"
        .to_string();
    let mut values = Vec::new();
    if let Some(id) = id {
        sql.push_str(" AND institution_id = $1");
        values.push(text(id.as_str()));
    }
    sql.push_str(" ORDER BY event_id");
    let rows = w
        .fetch(sql, &values, &[Kind::Text, Kind::Text, Kind::DateTime])
        .await?;
    let mut out: BTreeMap<String, (Option<Ending>, Option<NaiveDate>)> = BTreeMap::new();
    for r in rows {
        let action = parse("registration_events", "action", &r[1], Action::parse)?;
        let entry = out.entry(r[0].text().unwrap_or_default()).or_default();
        match action {
            Action::ProposeCancel => entry.1 = r[2].datetime().map(|t| t.date()),
            other => {
                entry.1 = None;
                if let Some(e) = Ending::of(other) {
                    entry.0 = Some(e);
                }
            }
        }
    }
    Ok(out)
}

/// An institution with what its events say, as one operation sees it.
struct Current {
    institution: Institution,
    ending: Option<Ending>,
    proposed_on: Option<NaiveDate>,
    standing: Standing,
}

/// Whether `scope` may create a registration in `region`.
fn admits_region(scope: &DataScope, region: &RegionCode) -> bool {
    match scope {
        DataScope::Everything => true,
        DataScope::Region(r) => r.contains(region),
        DataScope::Institution(_) => false,
    }
}

/// Reads institution `id` for a caller with `scope`: it must exist and be in
/// scope, and a write needs an official's scope.
async fn guarded<W: Writer>(
    w: &mut W,
    scope: &DataScope,
    id: &InstitutionId,
    write: bool,
) -> Result<Institution> {
    let institution = fetch_institutions(w, "institution_id = $1", &[text(id.as_str())])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NoSuchInstitution(id.to_string()))?;
    if !scope.admits(&institution.region_code, &institution.institution_id) {
        return Err(Error::Forbidden(format!(
            "institution {id} is registered in {}, outside the caller's scope",
            institution.region_code
        )));
    }
    if write && matches!(scope, DataScope::Institution(_)) {
        return Err(Error::Forbidden(
            "registrations are changed by the registering authority (原备案部门), not by the institution".into(),
        ));
    }
    Ok(institution)
}

/// [`guarded`], with what the events say and the standing on `today`.
async fn current<W: Writer>(
    w: &mut W,
    scope: &DataScope,
    id: &InstitutionId,
    write: bool,
    today: NaiveDate,
) -> Result<Current> {
    let institution = guarded(w, scope, id, write).await?;
    let (ending, proposed_on) = lifecycles(w, Some(id))
        .await?
        .remove(id.as_str())
        .unwrap_or_default();
    let standing = Standing::derive(&institution, ending, proposed_on, today);
    Ok(Current {
        institution,
        ending,
        proposed_on,
        standing,
    })
}

fn refused<T>(reason: Refusal) -> Result<T> {
    Err(Error::Refused { reason })
}

/// The trimmed reason, which must not be empty.
fn reason(r: &str) -> Result<&str> {
    let r = r.trim();
    if r.is_empty() {
        refused(Refusal::ReasonRequired)
    } else {
        Ok(r)
    }
}

impl Current {
    /// Refuses unless the registration is in force.
    fn in_force(&self, action: &'static str) -> Result<()> {
        if self.standing.in_force() {
            Ok(())
        } else {
            refused(Refusal::NotPossible {
                standing: self.standing,
                action,
            })
        }
    }
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).expect("midnight exists")
}

fn day_after(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).expect("in range")
}

fn day_before(d: NaiveDate) -> NaiveDate {
    d.checked_sub_days(Days::new(1)).expect("in range")
}

/// Whether a scope row is valid on `today` or later (not ended).
fn scope_current(s: &Scope, today: NaiveDate) -> bool {
    s.valid_to.is_none_or(|t| t >= today)
}

/// 第九条(二)5: refuses a 社评组织 in `city` for any of `occupations` where the
/// city already has [`MAX_SOCIAL_ORGS_PER_CITY_OCCUPATION`] 社评组织 in force
/// (other than `except`) registered for that occupation.
async fn check_social_org_limit<W: Writer>(
    w: &mut W,
    city: RegionCode,
    occupations: &BTreeSet<OccupationCode>,
    except: Option<&InstitutionId>,
    today: NaiveDate,
) -> Result<()> {
    if occupations.is_empty() {
        return Ok(());
    }
    let (lo, hi) = region_range(&city);
    let rows = w
        .fetch(
            "SELECT s.institution_id, s.occupation_code FROM scopes s \
             JOIN institutions i ON i.institution_id = s.institution_id \
             WHERE i.kind = 'social_org' AND i.status IN ('active', 'suspended') \
             AND i.expires_on >= $1 AND i.region_code BETWEEN $2 AND $3 \
             AND (s.valid_to IS NULL OR s.valid_to >= $1)"
                .into(),
            &[Value::Date(today), text(lo), text(hi)],
            &[Kind::Text, Kind::Text],
        )
        .await?;
    let mut holders: BTreeMap<OccupationCode, BTreeSet<String>> = BTreeMap::new();
    for r in rows {
        let id = r[0].text().unwrap_or_default();
        if except.is_some_and(|e| e.as_str() == id) {
            continue;
        }
        let code = parse("scopes", "occupation_code", &r[1], OccupationCode::parse)?;
        holders.entry(code.occupation()).or_default().insert(id);
    }
    for occupation in occupations {
        if let Some(ids) = holders.get(occupation)
            && ids.len() >= MAX_SOCIAL_ORGS_PER_CITY_OCCUPATION
        {
            return refused(Refusal::SocialOrgLimit {
                city,
                occupation: *occupation,
                institutions: ids.iter().cloned().collect(),
            });
        }
    }
    Ok(())
}

/// The next institution id of `city` in the generator's style `I{city}{nnnn}`
/// (I4201000001, …): one more than the highest such id any institution or batch
/// uses.
async fn next_institution_id<W: Writer>(w: &mut W, city: RegionCode) -> Result<InstitutionId> {
    let prefix = format!("I{}", city.as_str());
    let (lo, hi) = (format!("{prefix}0000"), format!("{prefix}9999"));
    let mut highest = 0u32;
    for table in ["institutions", "batches"] {
        let rows = w
            .fetch(
                format!(
                    "SELECT DISTINCT institution_id FROM {table} WHERE institution_id BETWEEN $1 AND $2"
                ),
                &[text(lo.clone()), text(hi.clone())],
                &[Kind::Text],
            )
            .await?;
        for r in rows {
            let id = r[0].text().unwrap_or_default();
            if let Some(n) = id
                .strip_prefix(&prefix)
                .filter(|s| s.len() == 4)
                .and_then(|s| s.parse::<u32>().ok())
            {
                highest = highest.max(n);
            }
        }
    }
    if highest >= 9999 {
        return refused(Refusal::NoIdLeft { city });
    }
    Ok(InstitutionId::parse(&format!("{prefix}{:04}", highest + 1)).expect("a valid id"))
}

/// The next site id of an institution, `{institution_id}-C{nn}` as the generator
/// numbers them.
fn next_site_id(id: &InstitutionId, existing: &[Site], taken: usize) -> SiteId {
    let prefix = format!("{id}-C");
    let highest = existing
        .iter()
        .filter_map(|s| {
            s.site_id
                .as_str()
                .strip_prefix(&prefix)?
                .parse::<usize>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    SiteId::parse(&format!("{prefix}{:02}", highest + 1 + taken)).expect("a valid id")
}

fn scope_row(
    id: &InstitutionId,
    occupation: OccupationCode,
    level: Level,
    today: NaiveDate,
) -> Scope {
    Scope {
        institution_id: id.clone(),
        occupation_code: occupation,
        occupation_name: catalogue().name(&occupation).map(Text::from),
        level,
        valid_from: Some(today),
        valid_to: None,
    }
}

fn site_row(site_id: SiteId, id: &InstitutionId, site: &NewSite, today: NaiveDate) -> Site {
    Site {
        site_id,
        institution_id: id.clone(),
        address: site.address.as_str().into(),
        capacity: site.capacity,
        registered_on: Some(today),
        revoked_on: None,
    }
}

/// Writes the status columns of an institution.
async fn write_status<W: Writer>(w: &mut W, i: &Institution) -> Result<()> {
    w.execute(
        "UPDATE institutions SET status = $1, status_since = $2, expires_on = $3 WHERE institution_id = $4"
            .into(),
        &[
            text(i.status.code()),
            i.status_since.map_or(Value::NullDate, Value::Date),
            Value::Date(i.expires_on),
            text(i.institution_id.as_str()),
        ],
    )
    .await?;
    Ok(())
}

impl Store {
    /// Serializes registry writes on PostgreSQL (SQLite's write transactions
    /// already are).
    async fn registry_lock<W: Writer>(&self, w: &mut W) -> Result<()> {
        if self.backend() == Backend::Postgres {
            w.execute(
                "SELECT pg_advisory_xact_lock($1)".into(),
                &[Value::Int(REGISTRY_LOCK)],
            )
            .await?;
        }
        Ok(())
    }

    /// 备案: registers a new institution on `today` and returns its new id
    /// (`I{city}{nnnn}`, the generator's style). One transaction writes the
    /// institution (status active, registered today, valid through
    /// [`term_end`]`(today)`: 第二十条 "备案有效期为3年"), its scopes (valid from
    /// today), its sites (`{id}-C01`, …) and the `register` event.
    ///
    /// Refused: a region outside the caller's scope ([`Error::Forbidden`]); a
    /// credit code with a registration in force ([`Refusal::AlreadyRegistered`]);
    /// a credit code within 3 years of a cancellation for dormancy (第二十一条,
    /// [`Refusal::Barred`]); a 社评组织 for an occupation of which its city already
    /// has 3 in force (第九条(二)5, [`Refusal::SocialOrgLimit`]).
    pub async fn register(
        &self,
        scope: &DataScope,
        by: &str,
        new: &NewRegistration,
        today: NaiveDate,
    ) -> Result<InstitutionId> {
        if !admits_region(scope, &new.region_code) {
            return Err(Error::Forbidden(format!(
                "registering in {} is outside the caller's scope",
                new.region_code
            )));
        }
        let id = in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let same = fetch_institutions(
                &mut w,
                "credit_code = $1",
                &[text(new.credit_code.as_str())],
            )
            .await?;
            if let Some(i) = same
                .iter()
                .find(|i| i.status != RegistrationStatus::Terminated && i.expires_on >= today)
            {
                return refused(Refusal::AlreadyRegistered {
                    credit_code: new.credit_code,
                    institution_id: i.institution_id.to_string(),
                });
            }
            let bars = w
                .fetch(
                    "SELECT barred_on FROM registration_bars WHERE credit_code = $1 ORDER BY barred_on DESC"
                        .into(),
                    &[text(new.credit_code.as_str())],
                    &[Kind::Date],
                )
                .await?;
            for b in bars {
                if let Some(on) = b[0].date() {
                    may_reapply(on, today).map_err(|reason| Error::Refused { reason })?;
                }
            }
            if new.kind == InstitutionKind::SocialOrg {
                let occupations = new.scopes.iter().map(|(o, _)| o.occupation()).collect();
                check_social_org_limit(&mut w, new.city(), &occupations, None, today).await?;
            }
            let id = next_institution_id(&mut w, new.city()).await?;
            let institution = Institution {
                institution_id: id.clone(),
                name: new.name.as_str().into(),
                credit_code: new.credit_code,
                kind: new.kind,
                region_code: new.region_code,
                registered_on: today,
                expires_on: term_end(today),
                status: RegistrationStatus::Active,
                status_since: Some(today),
                employee_count: new.employee_count,
                phone: new.phone.as_deref().map(Text::from),
            };
            insert_rows(&mut w, std::slice::from_ref(&institution)).await?;
            let scopes: Vec<Scope> = new
                .scopes
                .iter()
                .map(|&(o, l)| scope_row(&id, o, l, today))
                .collect();
            insert_rows(&mut w, &scopes).await?;
            let sites: Vec<Site> = new
                .sites
                .iter()
                .enumerate()
                .map(|(k, s)| site_row(next_site_id(&id, &[], k), &id, s, today))
                .collect();
            insert_rows(&mut w, &sites).await?;
            record(&mut w, NewEvent {
                institution_id: &id,
                at: midnight(today),
                by,
                action: Action::Register,
                reason: None,
                before: None,
                after: Some(json!({
                    "institution": row_json(&institution),
                    "scopes": rows_json(&scopes),
                    "sites": rows_json(&sites),
                })),
            })
            .await?;
            id
        });
        Ok(id)
    }

    /// 变更基本信息 (第十八条): name, public phone, headcount; with a reason.
    pub async fn change_basic(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        info: &BasicInfo,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force("changing the basic information")?;
            let before = BasicInfo::of(&c.institution);
            if before == *info {
                return refused(Refusal::NothingChanged);
            }
            w.execute(
                "UPDATE institutions SET name = $1, phone = $2, employee_count = $3 WHERE institution_id = $4"
                    .into(),
                &[
                    text(info.name.as_str()),
                    opt_text(info.phone.as_deref()),
                    info.employee_count.map_or(Value::NullInt, |n| Value::Int(i64::from(n))),
                    text(id.as_str()),
                ],
            )
            .await?;
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::ChangeBasic,
                reason: Some(why),
                before: Some(basic_json(&before)),
                after: Some(basic_json(info)),
            })
            .await?;
        });
        Ok(())
    }

    /// 增加备案范围 (第十六条): adds (occupation, level) pairs, valid from today.
    /// A 社评组织 adding an occupation it does not yet hold goes through the city
    /// limit of 第九条(二)5, like a new registration.
    pub async fn add_scope(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        entries: &[(OccupationCode, Level)],
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force("adding to the scope")?;
            let existing = fetch_scopes(&mut w, id).await?;
            let held: Vec<&Scope> = existing.iter().filter(|s| scope_current(s, today)).collect();
            let mut wanted: Vec<(OccupationCode, Level)> = entries.to_vec();
            wanted.sort();
            wanted.dedup();
            for &(occupation, level) in &wanted {
                if held.iter().any(|s| s.occupation_code == occupation && s.level == level) {
                    return refused(Refusal::ScopeExists { occupation, level });
                }
            }
            if c.institution.kind == InstitutionKind::SocialOrg {
                let new_occupations: BTreeSet<OccupationCode> = wanted
                    .iter()
                    .map(|(o, _)| o.occupation())
                    .filter(|o| !held.iter().any(|s| s.occupation_code.occupation() == *o))
                    .collect();
                let city = c.institution.region_code.city().unwrap_or(c.institution.region_code);
                check_social_org_limit(&mut w, city, &new_occupations, Some(id), today).await?;
            }
            let rows: Vec<Scope> = wanted.iter().map(|&(o, l)| scope_row(id, o, l, today)).collect();
            insert_rows(&mut w, &rows).await?;
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::AddScope,
                reason: Some(why),
                before: None,
                after: Some(rows_json(&rows)),
            })
            .await?;
        });
        Ok(())
    }

    /// 减少备案范围 (第十六条): ends (occupation, level) pairs — their rows get
    /// `valid_to` = yesterday, so from today on they are outside the scope.
    pub async fn remove_scope(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        entries: &[(OccupationCode, Level)],
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force("removing from the scope")?;
            let held: Vec<Scope> = fetch_scopes(&mut w, id)
                .await?
                .into_iter()
                .filter(|s| scope_current(s, today))
                .collect();
            let mut before = Vec::new();
            for &(occupation, level) in entries {
                let rows: Vec<&Scope> = held
                    .iter()
                    .filter(|s| s.occupation_code == occupation && s.level == level)
                    .collect();
                if rows.is_empty() {
                    return refused(Refusal::NoSuchScope { occupation, level });
                }
                if !before.contains(rows[0]) {
                    before.extend(rows.into_iter().cloned());
                }
            }
            let end = day_before(today);
            for &(occupation, level) in entries {
                w.execute(
                    "UPDATE scopes SET valid_to = $1 WHERE institution_id = $2 AND occupation_code = $3 \
                     AND level = $4 AND (valid_to IS NULL OR valid_to >= $5)"
                        .into(),
                    &[
                        Value::Date(end),
                        text(id.as_str()),
                        text(occupation.to_string()),
                        Value::Int(i64::from(level.number())),
                        Value::Date(today),
                    ],
                )
                .await?;
            }
            let after: Vec<Scope> = before
                .iter()
                .cloned()
                .map(|s| Scope { valid_to: Some(end), ..s })
                .collect();
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::RemoveScope,
                reason: Some(why),
                before: Some(rows_json(&before)),
                after: Some(rows_json(&after)),
            })
            .await?;
        });
        Ok(())
    }

    /// 增加考核场所 (第十七条): registers a site today; returns its id.
    pub async fn add_site(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        site: &NewSite,
        why: &str,
        today: NaiveDate,
    ) -> Result<SiteId> {
        let why = reason(why)?;
        let site_id = in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force("adding a site")?;
            let existing = fetch_sites(&mut w, id).await?;
            let row = site_row(next_site_id(id, &existing, 0), id, site, today);
            insert_rows(&mut w, std::slice::from_ref(&row)).await?;
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::AddSite,
                reason: Some(why),
                before: None,
                after: Some(row_json(&row)),
            })
            .await?;
            row.site_id
        });
        Ok(site_id)
    }

    /// 撤销考核场所 (第十七条): the site is revoked from today (`revoked_on`).
    pub async fn revoke_site(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        site_id: &SiteId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force("revoking a site")?;
            let Some(before) = fetch_sites(&mut w, id)
                .await?
                .into_iter()
                .find(|s| s.site_id == *site_id && s.revoked_on.is_none_or(|r| r > today))
            else {
                return refused(Refusal::NoSuchSite { site_id: site_id.to_string() });
            };
            w.execute(
                "UPDATE sites SET revoked_on = $1 WHERE site_id = $2 AND institution_id = $3".into(),
                &[Value::Date(today), text(site_id.as_str()), text(id.as_str())],
            )
            .await?;
            let after = Site { revoked_on: Some(today), ..before.clone() };
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::RevokeSite,
                reason: Some(why),
                before: Some(row_json(&before)),
                after: Some(row_json(&after)),
            })
            .await?;
        });
        Ok(())
    }

    /// 延续备案 (第二十条: "应于有效期满前3个月内向原备案部门提交申请,经评估合格的,
    /// 有效期延长3年"): records the renewal decided on `today`, which must fall in
    /// the window ([`renewal_allowed`]); returns the new expiry. A registration in
    /// 公示 for cancellation is not renewed until the proposal is withdrawn.
    pub async fn renew(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        today: NaiveDate,
    ) -> Result<NaiveDate> {
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            if matches!(c.ending, Some(Ending::Expired)) || c.standing == Standing::Expired {
                return refused(Refusal::Expired { expires_on: c.institution.expires_on });
            }
            c.in_force("renewal")?;
            if let Some(since) = c.proposed_on {
                return refused(Refusal::AlreadyProposed { since });
            }
            let new = renewal_allowed(c.institution.expires_on, today)
                .map_err(|reason| Error::Refused { reason })?;
            let after = Institution { expires_on: new.expires_on, ..c.institution.clone() };
            write_status(&mut w, &after).await?;
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::Renew,
                reason: None,
                before: Some(status_json(&c.institution)),
                after: Some(status_json(&after)),
            })
            .await?;
            Ok(new.expires_on)
        })
    }

    /// 到期自动取消备案资质 (第二十条): every registration (active or suspended)
    /// past its `expires_on` becomes `terminated` from the day after, with one
    /// `expire` event; returns how many. Idempotent: an expired registration is
    /// terminated and not seen again.
    pub async fn expire_due(&self, by: &str, today: NaiveDate) -> Result<u64> {
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let due = fetch_institutions(
                &mut w,
                "status IN ('active', 'suspended') AND expires_on < $1",
                &[Value::Date(today)],
            )
            .await?;
            for i in &due {
                let after = Institution {
                    status: RegistrationStatus::Terminated,
                    status_since: Some(day_after(i.expires_on)),
                    ..i.clone()
                };
                write_status(&mut w, &after).await?;
                record(&mut w, NewEvent {
                    institution_id: &i.institution_id,
                    at: midnight(today),
                    by,
                    action: Action::Expire,
                    reason: Some("第二十条: 评价机构经提醒仍未提交延续申请的,到期自动取消备案资质"),
                    before: Some(status_json(i)),
                    after: Some(status_json(&after)),
                })
                .await?;
            }
            Ok(due.len() as u64)
        })
    }

    /// 拟取消备案 (第二十一条: "一年内无正当理由不开展评价工作的,经人社部门公示后
    /// 取消备案资质"): proposes the cancellation of every active registration in
    /// force, registered more than a year ago, without an evaluation activity
    /// (batch start) in the past year ([`is_dormant`]) and not already proposed;
    /// returns their ids. The proposal is what is published (公示); it ends with
    /// [`Store::withdraw_proposal`] (正当理由) or [`Store::cancel`].
    pub async fn propose_cancellations(
        &self,
        by: &str,
        today: NaiveDate,
    ) -> Result<Vec<InstitutionId>> {
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let Some(year_ago) = today.checked_sub_months(domain::registration::DORMANCY) else {
                return Ok(Vec::new());
            };
            let candidates = fetch_institutions(
                &mut w,
                "status = 'active' AND expires_on >= $1 AND registered_on <= $2",
                &[Value::Date(today), Value::Date(year_ago)],
            )
            .await?;
            let last = last_starts(&mut w, &DataScope::Everything, None, today).await?;
            let pending = lifecycles(&mut w, None).await?;
            let mut proposed = Vec::new();
            for i in candidates {
                let last_activity = last.get(i.institution_id.as_str()).copied();
                let in_publicity = pending
                    .get(i.institution_id.as_str())
                    .is_some_and(|(_, p)| p.is_some());
                if in_publicity || !is_dormant(last_activity, i.registered_on, today) {
                    continue;
                }
                record(&mut w, NewEvent {
                    institution_id: &i.institution_id,
                    at: midnight(today),
                    by,
                    action: Action::ProposeCancel,
                    reason: Some("第二十一条: 一年内无正当理由不开展评价工作,经公示后取消备案资质"),
                    before: None,
                    after: Some(json!({
                        "last_activity": last_activity.map(|d| d.to_string()),
                        "registered_on": i.registered_on.to_string(),
                        "proposed_on": today.to_string(),
                    })),
                })
                .await?;
                proposed.push(i.institution_id);
            }
            Ok(proposed)
        })
    }

    /// 撤回拟取消: the 公示 brought out a good reason (正当理由); the pending
    /// proposal ends and the registration stays.
    pub async fn withdraw_proposal(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            let Some(since) = c.proposed_on else {
                return refused(Refusal::NoProposal);
            };
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::WithdrawProposal,
                reason: Some(why),
                before: Some(json!({"proposed_on": since.to_string()})),
                after: None,
            })
            .await?;
        });
        Ok(())
    }

    /// 取消备案资质 (第二十一条), after the 公示 of a pending proposal: status
    /// `terminated` from today, and the credit code barred from registering again
    /// until [`reapply_from`]`(today)` ("三年内不允许再申报备案").
    pub async fn cancel(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force("cancellation")?;
            if c.proposed_on.is_none() {
                return refused(Refusal::NoProposal);
            }
            let after = Institution {
                status: RegistrationStatus::Terminated,
                status_since: Some(today),
                ..c.institution.clone()
            };
            write_status(&mut w, &after).await?;
            let until = reapply_from(today);
            w.execute(
                "INSERT INTO registration_bars (credit_code, barred_on, barred_until, institution_id, reason) \
                 VALUES ($1, $2, $3, $4, $5)"
                    .into(),
                &[
                    text(c.institution.credit_code.as_str()),
                    Value::Date(today),
                    Value::Date(until),
                    text(id.as_str()),
                    text(why),
                ],
            )
            .await?;
            let mut after_json = status_json(&after);
            after_json["barred_until"] = json!(until.to_string());
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::Cancel,
                reason: Some(why),
                before: Some(status_json(&c.institution)),
                after: Some(after_json),
            })
            .await?;
        });
        Ok(())
    }

    /// 暂停评价: suspends an active registration from today.
    pub async fn suspend(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.set_status(scope, by, id, why, today, Action::Suspend)
            .await
    }

    /// 恢复评价: ends a suspension from today.
    pub async fn reinstate(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.set_status(scope, by, id, why, today, Action::Reinstate)
            .await
    }

    /// 终止备案 (第二十二条: on request, or for serious violations): status
    /// `terminated` from today. Unlike a cancellation for dormancy it bars nothing.
    pub async fn terminate(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.set_status(scope, by, id, why, today, Action::Terminate)
            .await
    }

    async fn set_status(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
        action: Action,
    ) -> Result<()> {
        let why = reason(why)?;
        let (from, to, what) = match action {
            Action::Suspend => (
                Some(RegistrationStatus::Active),
                RegistrationStatus::Suspended,
                "suspension",
            ),
            Action::Reinstate => (
                Some(RegistrationStatus::Suspended),
                RegistrationStatus::Active,
                "reinstatement",
            ),
            _ => (None, RegistrationStatus::Terminated, "termination"),
        };
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force(what)?;
            if from.is_some_and(|f| f != c.institution.status) {
                return refused(Refusal::NotPossible { standing: c.standing, action: what });
            }
            let after = Institution {
                status: to,
                status_since: Some(today),
                ..c.institution.clone()
            };
            write_status(&mut w, &after).await?;
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action,
                reason: Some(why),
                before: Some(status_json(&c.institution)),
                after: Some(status_json(&after)),
            })
            .await?;
        });
        Ok(())
    }

    /// The registration log of an institution, oldest first.
    pub async fn history(&self, scope: &DataScope, id: &InstitutionId) -> Result<Vec<Event>> {
        in_transaction!(read self, w => {
            guarded(&mut w, scope, id, false).await?;
            let rows = w
                .fetch(
                    "SELECT event_id, institution_id, at, by_user, action, reason, before, after \
                     FROM registration_events WHERE institution_id = $1 ORDER BY at, event_id"
                        .into(),
                    &[text(id.as_str())],
                    &EVENT_KINDS,
                )
                .await?;
            rows.iter()
                .map(|r| {
                    let json = |c: &Cell, column| {
                        c.text()
                            .map(|t| {
                                serde_json::from_str(&t).map_err(|e| {
                                    corrupt(EVENTS, column, &t, e.to_string())
                                })
                            })
                            .transpose()
                    };
                    Ok(Event {
                        event_id: r[0].int(),
                        institution_id: parse(EVENTS, "institution_id", &r[1], InstitutionId::parse)?,
                        at: r[2].datetime().unwrap_or_default(),
                        by_user: r[3].text(),
                        action: parse(EVENTS, "action", &r[4], Action::parse)?,
                        reason: r[5].text(),
                        before: json(&r[6], "before")?,
                        after: json(&r[7], "after")?,
                    })
                })
                .collect()
        })
    }

    /// The standing of an institution's registration on `today` (正常, 即将到期, …).
    pub async fn standing(
        &self,
        scope: &DataScope,
        id: &InstitutionId,
        today: NaiveDate,
    ) -> Result<Standing> {
        in_transaction!(read self, w => Ok(current(&mut w, scope, id, false, today).await?.standing))
    }

    /// An institution's registration with its scopes, sites, standing and latest
    /// activity, for its page.
    pub async fn registration(
        &self,
        scope: &DataScope,
        id: &InstitutionId,
        today: NaiveDate,
    ) -> Result<Registration> {
        in_transaction!(read self, w => {
            let c = current(&mut w, scope, id, false, today).await?;
            let scopes = fetch_scopes(&mut w, id).await?;
            let sites = fetch_sites(&mut w, id).await?;
            let last = last_starts(&mut w, scope, Some(std::slice::from_ref(id)), today).await?;
            Ok(Registration {
                renewal_opens: renewal_opens(c.institution.expires_on),
                last_activity: last.get(id.as_str()).copied(),
                institution: c.institution,
                scopes,
                sites,
                standing: c.standing,
                proposed_on: c.proposed_on,
            })
        })
    }

    /// The latest start of an evaluation activity (batch) up to `today` of each
    /// of `ids` in the caller's scope (institutions without one are left out).
    pub async fn last_activity(
        &self,
        scope: &DataScope,
        ids: &[InstitutionId],
        today: NaiveDate,
    ) -> Result<BTreeMap<InstitutionId, NaiveDate>> {
        let found =
            in_transaction!(read self, w => last_starts(&mut w, scope, Some(ids), today).await?);
        Ok(found
            .into_iter()
            .filter_map(|(id, d)| Some((InstitutionId::parse(&id).ok()?, d)))
            .collect())
    }
}

const EVENTS: &str = "registration_events";
const EVENT_KINDS: [Kind; 8] = [
    Kind::Int,
    Kind::Text,
    Kind::DateTime,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
];

/// Ids per `IN (…)` list.
const ID_CHUNK: usize = 500;

/// `MAX(batches.start_at)` up to the end of `today` per institution, for `ids`
/// (`None`: every institution) within `scope`.
async fn last_starts<W: Writer>(
    w: &mut W,
    scope: &DataScope,
    ids: Option<&[InstitutionId]>,
    today: NaiveDate,
) -> Result<BTreeMap<String, NaiveDate>> {
    let end = midnight(day_after(today));
    let chunks: Vec<&[InstitutionId]> = match ids {
        None => vec![&[]],
        Some([]) => return Ok(BTreeMap::new()),
        Some(ids) => ids.chunks(ID_CHUNK).collect(),
    };
    let mut out = BTreeMap::new();
    for chunk in chunks {
        let mut values = vec![Value::DateTime(end)];
        let mut sql =
            "SELECT institution_id, MAX(start_at) FROM batches WHERE start_at < $1".to_string();
        if ids.is_some() {
            let list = (0..chunk.len())
                .map(|k| format!("${}", k + 2))
                .collect::<Vec<_>>()
                .join(", ");
            sql.push_str(&format!(" AND institution_id IN ({list})"));
            values.extend(chunk.iter().map(|i| text(i.as_str())));
        }
        let (cond, cond_values) = condition(
            scope,
            Via::InstitutionColumn("institution_id"),
            values.len() + 1,
            &|n| format!("${n}"),
        );
        sql.push_str(&format!(" AND {cond} GROUP BY institution_id"));
        values.extend(cond_values);
        for r in w.fetch(sql, &values, &[Kind::Text, Kind::DateTime]).await? {
            if let (Some(id), Some(t)) = (r[0].text(), r[1].datetime()) {
                out.insert(id, t.date());
            }
        }
    }
    Ok(out)
}
