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

mod changes;
mod lifecycle;

use crate::error::{Error, Result};
use crate::scope::{Via, condition, region_range};
use crate::tx::{Writer, fetch_one, in_transaction};
use crate::value::{SqlRow, Value, row_struct, select};
use crate::{Backend, Store};
use chrono::{Days, NaiveDate, NaiveDateTime};
use domain::access::DataScope;
use domain::enums::{InstitutionKind, RegistrationStatus};
use domain::ids::{InstitutionId, SiteId};
use domain::model::{Institution, Scope, Site, Text};
use domain::occupation::catalogue;
use domain::registration::{
    Action, BasicInfo, Ending, NewRegistration, NewSite, Refusal, ReminderStage, Standing,
    is_dormant, max_social_orgs_per_city_occupation, may_reapply, reapply_from, renewal_allowed,
    renewal_opens, term_end,
};
use domain::{Level, OccupationCode, RegionCode};
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};

/// The PostgreSQL advisory lock key that serializes registry writes ("zjrg").
const REGISTRY_LOCK: i64 = 0x7a6a_7267;

row_struct! {
    /// One entry of an institution's registration log.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Event in "registration_events" {
        pub event_id: i64 = "event_id",
        pub institution_id: InstitutionId = "institution_id",
        /// The day of the act (the functions take the date, so the time is 00:00).
        pub at: NaiveDateTime = "at",
        /// The user name of whoever acted (`None`: not recorded).
        pub by_user: Option<String> = "by_user",
        pub action: Action = "action",
        pub reason: Option<String> = "reason",
        /// The affected rows before the change (dataset column names), if any.
        pub before: Option<Json> = "before",
        /// … and after it.
        pub after: Option<Json> = "after",
    }
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

row_struct! {
    /// An event that starts or ends a registration's life (公示, 取消, 到期, 终止).
    struct LifecycleEvent in "registration_events" {
        institution_id: String = "institution_id",
        action: Action = "action",
        at: NaiveDateTime = "at",
    }
}

row_struct! {
    /// A scope row of a 社评组织 in force (for the city limit).
    struct HeldOccupation in "scopes" {
        institution_id: String = "s.institution_id",
        occupation_code: OccupationCode = "s.occupation_code",
    }
}

row_struct! {
    /// The latest activity of an institution.
    struct LastStart in "batches" {
        institution_id: String = "institution_id",
        started: Option<NaiveDateTime> = "MAX(start_at)",
    }
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
                Value::Bytes(b) => json!(b.len()),
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
        select::<Institution>()
    );
    w.fetch_as(sql, values).await
}

impl Store {
    /// The registry rows a caller supervises ([`crate::scope`]), by id.
    pub async fn institutions_in_scope(&self, scope: &DataScope) -> Result<Vec<Institution>> {
        let (cond, values) = condition(scope, Via::Institutions("i"), 1, &|n| format!("${n}"));
        Ok(in_transaction!(read self, w => {
            w.fetch_as::<Institution>(
                format!(
                    "SELECT {} FROM institutions i WHERE {cond} ORDER BY i.institution_id",
                    select::<Institution>()
                ),
                &values,
            )
            .await?
        }))
    }
}

async fn fetch_scopes<W: Writer>(w: &mut W, id: &InstitutionId) -> Result<Vec<Scope>> {
    let sql = format!(
        "SELECT {} FROM scopes WHERE institution_id = $1 ORDER BY seq",
        select::<Scope>()
    );
    w.fetch_as(sql, &[text(id.as_str())]).await
}

async fn fetch_sites<W: Writer>(w: &mut W, id: &InstitutionId) -> Result<Vec<Site>> {
    let sql = format!(
        "SELECT {} FROM sites WHERE institution_id = $1 ORDER BY seq",
        select::<Site>()
    );
    w.fetch_as(sql, &[text(id.as_str())]).await
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
    let mut sql = format!(
        "SELECT {} FROM registration_events \
         WHERE action IN ('propose_cancel', 'withdraw_proposal', 'cancel', 'expire', 'terminate')",
        select::<LifecycleEvent>()
    );
    let mut values = Vec::new();
    if let Some(id) = id {
        sql.push_str(" AND institution_id = $1");
        values.push(text(id.as_str()));
    }
    sql.push_str(" ORDER BY event_id");
    let rows: Vec<LifecycleEvent> = w.fetch_as(sql, &values).await?;
    let mut out: BTreeMap<String, (Option<Ending>, Option<NaiveDate>)> = BTreeMap::new();
    for r in rows {
        let entry = out.entry(r.institution_id).or_default();
        match r.action {
            Action::ProposeCancel => entry.1 = Some(r.at.date()),
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
    let institution: Institution = fetch_one(
        w,
        format!(
            "SELECT {} FROM institutions WHERE institution_id = $1",
            select::<Institution>()
        ),
        &[text(id.as_str())],
    )
    .await?
    .ok_or_else(|| Error::NoSuchInstitution(id.to_string()))?;
    if !scope.admits(
        &institution.institution_id,
        &institution.region_code,
        &institution.authority(),
    ) {
        // The message names nothing of the institution: the caller may not see it.
        return Err(Error::Forbidden(
            "该机构不由您所在的人社部门备案监管（谁备案谁监管）".into(),
        ));
    }
    if write && matches!(scope, DataScope::Institution(_)) {
        return Err(Error::Forbidden(
            "备案变更由原备案部门办理，评价机构不能自行变更（第十八条）".into(),
        ));
    }
    Ok(institution)
}

row_struct! {
    /// A renewal reminder sent (第二十条 "经提醒").
    #[derive(Debug, Clone, PartialEq)]
    pub struct Reminder in "renewal_reminders" {
        pub stage: ReminderStage = "stage",
        /// The expiry it reminded of.
        pub expires_on: NaiveDate = "expires_on",
        pub sent_on: NaiveDate = "sent_on",
    }
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
    fn in_force(&self, action: Action) -> Result<()> {
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
/// city already has [`max_social_orgs_per_city_occupation`] 社评组织 in force
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
    let rows: Vec<HeldOccupation> = w
        .fetch_as(
            format!(
                "SELECT {} FROM scopes s \
                 JOIN institutions i ON i.institution_id = s.institution_id \
                 WHERE i.kind = 'social_org' AND i.status IN ('active', 'suspended') \
                 AND i.expires_on >= $1 AND i.region_code BETWEEN $2 AND $3 \
                 AND (s.valid_to IS NULL OR s.valid_to >= $1)",
                select::<HeldOccupation>()
            ),
            &[Value::Date(today), text(lo), text(hi)],
        )
        .await?;
    let mut holders: BTreeMap<OccupationCode, BTreeSet<String>> = BTreeMap::new();
    for r in rows {
        if except.is_some_and(|e| e.as_str() == r.institution_id) {
            continue;
        }
        holders
            .entry(r.occupation_code.occupation())
            .or_default()
            .insert(r.institution_id);
    }
    for occupation in occupations {
        if let Some(ids) = holders.get(occupation)
            && ids.len() >= max_social_orgs_per_city_occupation()
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
        let rows: Vec<(String,)> = w
            .fetch_as(
                format!(
                    "SELECT DISTINCT institution_id FROM {table} WHERE institution_id BETWEEN $1 AND $2"
                ),
                &[text(lo.clone()), text(hi.clone())],
            )
            .await?;
        for (id,) in rows {
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
        // The form gives an address, not a region: not guessed.
        region_code: None,
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
    /// The registration log of an institution, oldest first.
    pub async fn history(&self, scope: &DataScope, id: &InstitutionId) -> Result<Vec<Event>> {
        in_transaction!(read self, w => {
            guarded(&mut w, scope, id, false).await?;
            w.fetch_as(
                format!(
                    "SELECT {} FROM registration_events WHERE institution_id = $1 ORDER BY at, event_id",
                    select::<Event>()
                ),
                &[text(id.as_str())],
            )
            .await
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
        let mut sql = format!(
            "SELECT {} FROM batches WHERE start_at < $1",
            select::<LastStart>()
        );
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
        for r in w.fetch_as::<LastStart>(sql, &values).await? {
            if let Some(t) = r.started {
                out.insert(r.institution_id, t.date());
            }
        }
    }
    Ok(out)
}
