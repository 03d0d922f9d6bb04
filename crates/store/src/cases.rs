//! 违纪违规案件 in the store: cases carried through due process (the rules are in
//! [`domain::case`]; this module applies them), the case file (处理档案, 第二十一条)
//! and the effects a decision has on the registry and the dataset.
//!
//! - Every function takes the caller's [`DataScope`] (谁备案谁监管): a case is in scope
//!   when the institution it belongs to (the party itself, or the institution where
//!   the candidate's or staff member's violation happened) is, through
//!   [`crate::scope::condition`]. A case out of scope answers like a missing one
//!   ([`Error::NoSuchCase`]).
//! - An institution's own account (scope `Institution`) sees the cases against its
//!   institution once investigated (not 线索), without internal material (findings,
//!   attachments, events, a proposal not yet notified); it may submit statements and
//!   rectification reports, request a review and ask for a recusal, and nothing else
//!   ([`Error::Forbidden`]).
//! - Every write is one transaction that also appends its `case_events` row: who,
//!   when, which action, why, and the case before and after (JSON). Rule refusals are
//!   [`Error::CaseRefused`] carrying the [`CaseRefusal`].
//! - Execution records each change in `case_effects` with its before and after
//!   values; a review that changes or annuls the decision restores every `before`
//!   (newest first) and marks the effect rolled back. Status changes of an
//!   institution also go into its registration log (`registration_events`).
//!
//! Case writes are serialized: SQLite write transactions take the write lock at
//! once, and on PostgreSQL every case write first takes a transaction advisory lock
//! (the per-year numbers of cases and documents are read, then written).

use crate::browse::{Grid, Paging};
use crate::error::{Error, Result};
use crate::scope::{Via, condition};
use crate::tx::{Cell, Cells, Kind, Writer, in_transaction};
use crate::value::Value;
use crate::{Backend, Store, dispatch};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use domain::IdNumber;
use domain::access::DataScope;
use domain::case::{
    Action, Amendment, AttachmentKind, Case, CaseRefusal, CaseState, Conflict, Deadline, Document,
    DocumentKind, FindingFact, Investigator, Issuer, MajorGround, Measure, Move, Party, PartyKind,
    Proposal, Record, Review, ReviewOutcome, Sanction, Source, SourceKind, StatementKind, amend,
    check_investigators, check_signers, decision_text, document_number,
    escalate_on_failed_rectification, next_deadline, notice_text, propose, rectify_due,
    review_decision_text, review_due, review_last_day, statement_due, transition, years_until,
};
use domain::enums::Severity;
use domain::finding::FindingKind;
use domain::ids::{InstitutionId, PersonId};
use domain::rulebook::Rulebook;
use domain::workdays::Calendar;
use serde_json::{Value as Json, json};

/// The PostgreSQL advisory lock key that serializes case writes ("zjca").
const CASES_LOCK: i64 = 0x7a6a_6361;

/// A case to open.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCase {
    pub party: Party,
    /// The institution where a candidate's or staff member's violation happened (the
    /// case's jurisdiction); ignored for an institution party (itself).
    pub institution_id: Option<InstitutionId>,
    pub source: Source,
    /// 案由: what the case is about, in a line.
    pub summary: String,
}

/// One event of the case file.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseEvent {
    pub event_id: i64,
    pub at: NaiveDateTime,
    pub by_user: String,
    pub action: Action,
    pub reason: Option<String>,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

/// A finding a case rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFinding {
    pub finding_id: i64,
    pub rule: String,
    /// The kind's Chinese title.
    pub title: String,
    pub severity: String,
    pub message: Option<String>,
    pub batch_id: Option<String>,
    /// Full ID number (mask it for display).
    pub candidate_id: Option<String>,
    pub cert_no: Option<String>,
    pub person_id: Option<String>,
}

/// A document issued in a case.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDocument {
    pub document_id: i64,
    pub kind: DocumentKind,
    pub number: String,
    pub document: Document,
    pub issued_at: NaiveDateTime,
    pub issued_by: String,
}

/// An attached file, without its content ([`Store::attachment`] reads that).
#[derive(Debug, Clone, PartialEq)]
pub struct AttachmentInfo {
    pub attachment_id: i64,
    pub kind: AttachmentKind,
    pub file_name: String,
    pub size: i64,
    pub signers: Vec<String>,
    pub note: Option<String>,
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: String,
}

/// A statement (陈述申辩) or rectification report (整改报告) of the party.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredStatement {
    pub statement_id: i64,
    pub kind: StatementKind,
    pub text: String,
    pub by_user: String,
    pub at: NaiveDateTime,
    /// Submitted after its deadline (kept, and shown as late).
    pub late: bool,
}

/// One change execution made (or undid).
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub effect_id: i64,
    /// `institution_status`, `certificate_status`, `candidate_bar`,
    /// `personnel_valid_to`, `credit_record`, `institution_constraint`, `sanction_row`.
    pub kind: String,
    /// The row changed: institution id, certificate number, person id, or the id of
    /// the row added.
    pub target: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub applied_at: NaiveDateTime,
    pub rolled_back_at: Option<NaiveDateTime>,
}

/// A recusal request.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecusal {
    pub recusal_id: i64,
    pub investigator: String,
    pub reason: String,
    pub requested_at: NaiveDateTime,
    pub requested_by: String,
    pub status: domain::case::RecusalStatus,
    pub decision_reason: Option<String>,
}

/// A case with everything hanging off it, for its page.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDetail {
    pub case: Case,
    /// Whether the internal material is included (an official's view); `false` for the
    /// party's own account.
    pub internal: bool,
    pub institution_name: Option<String>,
    pub opened_at: NaiveDateTime,
    pub opened_by: String,
    pub major_ground: Option<MajorGround>,
    pub major_note: Option<String>,
    /// Why it was closed or dropped.
    pub outcome: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub findings: Vec<CaseFinding>,
    pub events: Vec<CaseEvent>,
    pub documents: Vec<StoredDocument>,
    pub attachments: Vec<AttachmentInfo>,
    pub statements: Vec<StoredStatement>,
    pub effects: Vec<Effect>,
    pub recusals: Vec<StoredRecusal>,
    /// The deadline the case waits on today.
    pub next_deadline: Option<Deadline>,
    /// The last day of the statement period, once notified.
    pub statement_due: Option<NaiveDate>,
    /// The last day a review may be requested, once served.
    pub review_last_day: Option<NaiveDate>,
}

/// A case with a pressing deadline, for the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct DueCase {
    pub case_id: i64,
    pub number: String,
    pub party_name: String,
    pub institution_id: InstitutionId,
    pub state: CaseState,
    pub deadline: Deadline,
}

/// A candidate's bar (第六条, 第七条): no evaluation from `from` through `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateBar {
    /// Full ID number (mask it for display).
    pub id_number: String,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub case_id: i64,
    pub case_number: String,
}

/// 案件管理 filters.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// A state code (`notified`, …).
    pub state: Option<String>,
    /// `institution`, `candidate`, `staff`.
    pub party_kind: Option<String>,
    /// Only 评价要情.
    pub major: bool,
    /// Only open cases (not closed or dropped).
    pub open: bool,
    pub institution_id: Option<String>,
    /// The case number, or part of the party's name.
    pub q: Option<String>,
}

/// A case as stored, with the columns the domain's [`Case`] does not carry.
#[derive(Debug, Clone)]
struct Stored {
    case: Case,
    opened_at: NaiveDateTime,
    opened_by: String,
    major_ground: Option<MajorGround>,
    major_note: Option<String>,
    outcome: Option<String>,
    closed_at: Option<NaiveDateTime>,
}

// ---------------------------------------------------------------------------
// Values and rows.

fn text(s: impl Into<String>) -> Value<'static> {
    Value::Text(s.into().into())
}

fn opt_text(s: Option<&str>) -> Value<'static> {
    s.map_or(Value::Null, text)
}

fn opt_date(d: Option<NaiveDate>) -> Value<'static> {
    d.map_or(Value::NullDate, Value::Date)
}

/// JSON text of an optional serializable value (NULL for `None`).
macro_rules! opt_json {
    ($v:expr) => {
        $v.map_or(Value::Null, |v| {
            text(serde_json::to_string(v).expect("serializable"))
        })
    };
}

fn corrupt(table: &'static str, column: &'static str, value: &str, reason: String) -> Error {
    Error::Corrupt {
        table,
        seq: -1,
        column,
        value: value.to_string(),
        reason,
    }
}

fn parse<T>(
    table: &'static str,
    column: &'static str,
    cell: &Cell,
    f: impl FnOnce(&str) -> std::result::Result<T, domain::Error>,
) -> Result<T> {
    let t = cell.text().unwrap_or_default();
    f(&t).map_err(|e| corrupt(table, column, &t, e.to_string()))
}

/// Parses a JSON text cell (NULL: `None`) as the type the context asks for.
macro_rules! parse_json {
    ($table:expr, $column:expr, $cell:expr) => {
        $cell
            .text()
            .map(|t| {
                serde_json::from_str(&t).map_err(|e| corrupt($table, $column, &t, e.to_string()))
            })
            .transpose()
    };
}

fn boolean(cell: &Cell) -> bool {
    match cell {
        Cell::Bool(b) => *b,
        Cell::Int(n) => *n != 0,
        _ => false,
    }
}

fn refused<T>(reason: CaseRefusal) -> Result<T> {
    Err(Error::CaseRefused { reason })
}

/// The trimmed reason, which must not be empty.
fn required<'a>(r: &'a str, what: &'static str) -> Result<&'a str> {
    let r = r.trim();
    if r.is_empty() {
        refused(CaseRefusal::ReasonRequired { what })
    } else {
        Ok(r)
    }
}

const CASE_COLUMNS: &str = "case_id, number, party_kind, party_id, party_name, institution_id, \
     source_kind, source_detail, summary, state, major, opened_at, proposal, notified_on, decision, \
     decided_on, served_on, review_requested_on, review_due, review_extended_reason, \
     review_prior_state, review_outcome, review_decided_on, executed_on, rectify_due, closed_at, \
     major_ground, major_note, outcome, opened_by";

const CASE_KINDS: [Kind; 30] = {
    use Kind::*;
    [
        Int, Text, Text, Text, Text, Text, Text, Text, Text, Text, Bool, DateTime, Text, Date,
        Text, Date, Date, Date, Date, Text, Text, Text, Date, Date, Date, DateTime, Text, Text,
        Text, Text,
    ]
};

const T: &str = "cases";

fn party_from(kind: PartyKind, id: &str, name: &str) -> Result<Party> {
    let bad = |e: domain::Error| corrupt(T, "party_id", id, e.to_string());
    Ok(match kind {
        PartyKind::Institution => Party::Institution(InstitutionId::parse(id).map_err(bad)?),
        PartyKind::Candidate => Party::Candidate {
            id_number: IdNumber::parse(id).map_err(bad)?,
            name: name.to_string(),
        },
        PartyKind::Staff => Party::Staff {
            person_id: PersonId::parse(id).map_err(bad)?,
            name: name.to_string(),
        },
    })
}

/// Reads case `id` (without scope checks).
async fn load<W: Writer>(w: &mut W, id: i64) -> Result<Option<Stored>> {
    let rows = w
        .fetch(
            format!("SELECT {CASE_COLUMNS} FROM cases WHERE case_id = $1"),
            &[Value::Int(id)],
            &CASE_KINDS,
        )
        .await?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let party_kind = parse(T, "party_kind", &r[2], PartyKind::parse)?;
    let party_id = r[3].text().unwrap_or_default();
    let party_name = r[4].text().unwrap_or_default();
    let party = party_from(party_kind, &party_id, &party_name)?;
    let source_kind = parse(T, "source_kind", &r[6], SourceKind::parse)?;
    let findings: Vec<i64> = w
        .fetch(
            "SELECT finding_id FROM case_findings WHERE case_id = $1 ORDER BY finding_id".into(),
            &[Value::Int(id)],
            &[Kind::Int],
        )
        .await?
        .iter()
        .map(|r| r[0].int())
        .collect();
    let detail = r[7].text().unwrap_or_default();
    let source = match source_kind {
        SourceKind::Findings => Source::Findings(findings),
        SourceKind::Complaint => Source::Complaint(detail),
        SourceKind::Inspection => Source::Inspection(detail),
        SourceKind::Manual => Source::Manual,
    };
    let investigators = w
        .fetch(
            "SELECT investigator FROM case_investigators WHERE case_id = $1 AND removed_at IS NULL \
             ORDER BY investigator_id"
                .into(),
            &[Value::Int(id)],
            &[Kind::Text],
        )
        .await?
        .iter()
        .map(|r| r[0].text().unwrap_or_default())
        .collect();
    let executed_on = r[23].date();
    // Statements answer the latest notice; reports the latest execution.
    let counts = w
        .fetch(
            "SELECT \
               (SELECT COUNT(*) FROM case_statements s WHERE s.case_id = $1 AND s.kind = 'statement' \
                  AND s.at >= COALESCE((SELECT MAX(e.at) FROM case_events e WHERE e.case_id = $1 AND e.action = 'notify'), s.at)), \
               (SELECT COUNT(*) FROM case_statements s WHERE s.case_id = $1 AND s.kind = 'rectification_report' \
                  AND s.at >= COALESCE((SELECT MAX(e.at) FROM case_events e WHERE e.case_id = $1 AND e.action = 'execute'), s.at))"
                .into(),
            &[Value::Int(id)],
            &[Kind::Int, Kind::Int],
        )
        .await?;
    let (statements, reports) = counts
        .first()
        .map_or((0, 0), |c| (c[0].int() as u32, c[1].int() as u32));
    let review = match r[17].date() {
        Some(requested_on) => Some(Review {
            requested_on,
            due: r[18]
                .date()
                .ok_or_else(|| corrupt(T, "review_due", "", "missing".into()))?,
            extended_reason: r[19].text(),
            prior: parse(T, "review_prior_state", &r[20], CaseState::parse)?,
            outcome: match r[21].text() {
                Some(_) => Some(parse(T, "review_outcome", &r[21], ReviewOutcome::parse)?),
                None => None,
            },
            decided_on: r[22].date(),
        }),
        None => None,
    };
    let closed_at = r[25].datetime();
    let case = Case {
        case_id: r[0].int(),
        number: r[1].text().unwrap_or_default(),
        party,
        party_name,
        institution_id: parse(T, "institution_id", &r[5], InstitutionId::parse)?,
        source,
        summary: r[8].text().unwrap_or_default(),
        state: parse(T, "state", &r[9], CaseState::parse)?,
        major: boolean(&r[10]),
        opened_on: r[11].datetime().unwrap_or_default().date(),
        investigators,
        proposal: parse_json!(T, "proposal", &r[12])?,
        notified_on: r[13].date(),
        statements,
        decision: parse_json!(T, "decision", &r[14])?,
        decided_on: r[15].date(),
        served_on: r[16].date(),
        review,
        executed_on,
        rectify_due: r[24].date(),
        rectification_reports: reports,
        closed_on: closed_at.map(|t| t.date()),
    };
    Ok(Some(Stored {
        case,
        opened_at: r[11].datetime().unwrap_or_default(),
        opened_by: r[29].text().unwrap_or_default(),
        major_ground: match r[26].text() {
            Some(_) => Some(parse(T, "major_ground", &r[26], MajorGround::parse)?),
            None => None,
        },
        major_note: r[27].text(),
        outcome: r[28].text(),
        closed_at,
    }))
}

/// Writes the mutable columns of a case.
async fn save<W: Writer>(w: &mut W, c: &Case, now: NaiveDateTime) -> Result<()> {
    let r = c.review.as_ref();
    let closed_at = if c.state.is_final() {
        Value::DateTime(now)
    } else {
        Value::NullDateTime
    };
    w.execute(
        "UPDATE cases SET state = $1, major = $2, proposal = $3, notified_on = $4, decision = $5, \
         decided_on = $6, served_on = $7, review_requested_on = $8, review_due = $9, \
         review_extended_reason = $10, review_prior_state = $11, review_outcome = $12, \
         review_decided_on = $13, executed_on = $14, rectify_due = $15, \
         closed_at = COALESCE(closed_at, $16), updated_at = $17 WHERE case_id = $18"
            .into(),
        &[
            text(c.state.code()),
            Value::Bool(c.major),
            opt_json!(c.proposal.as_ref()),
            opt_date(c.notified_on),
            opt_json!(c.decision.as_ref()),
            opt_date(c.decided_on),
            opt_date(c.served_on),
            opt_date(r.map(|r| r.requested_on)),
            opt_date(r.map(|r| r.due)),
            opt_text(r.and_then(|r| r.extended_reason.as_deref())),
            opt_text(r.map(|r| r.prior.code())),
            opt_text(r.and_then(|r| r.outcome.map(|o| o.code()))),
            opt_date(r.and_then(|r| r.decided_on)),
            opt_date(c.executed_on),
            opt_date(c.rectify_due),
            closed_at,
            Value::DateTime(now),
            Value::Int(c.case_id),
        ],
    )
    .await?;
    Ok(())
}

/// The case as the case file records it before and after a step.
fn snapshot(c: &Case) -> Json {
    json!({
        "state": c.state.code(),
        "major": c.major,
        "investigators": c.investigators,
        "proposal": c.proposal,
        "notified_on": c.notified_on.map(|d| d.to_string()),
        "decision": c.decision,
        "decided_on": c.decided_on.map(|d| d.to_string()),
        "served_on": c.served_on.map(|d| d.to_string()),
        "review": c.review.as_ref().map(|r| json!({
            "requested_on": r.requested_on.to_string(),
            "due": r.due.to_string(),
            "extended_reason": r.extended_reason,
            "prior": r.prior.code(),
            "outcome": r.outcome.map(|o| o.code()),
            "decided_on": r.decided_on.map(|d| d.to_string()),
        })),
        "executed_on": c.executed_on.map(|d| d.to_string()),
        "rectify_due": c.rectify_due.map(|d| d.to_string()),
    })
}

/// The case's snapshot with `extra`'s fields added.
fn with(c: &Case, extra: Json) -> Json {
    let mut s = snapshot(c);
    if let (Json::Object(m), Json::Object(e)) = (&mut s, extra) {
        m.extend(e);
    }
    s
}

/// Appends one event to the case file.
#[allow(clippy::too_many_arguments)]
async fn log<W: Writer>(
    w: &mut W,
    case_id: i64,
    now: NaiveDateTime,
    by: &str,
    action: Action,
    reason: Option<&str>,
    before: Option<Json>,
    after: Option<Json>,
) -> Result<()> {
    w.execute(
        "INSERT INTO case_events (case_id, at, by_user, action, reason, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
            .into(),
        &[
            Value::Int(case_id),
            Value::DateTime(now),
            text(by),
            text(action.code()),
            opt_text(reason),
            opt_json!(before.as_ref()),
            opt_json!(after.as_ref()),
        ],
    )
    .await?;
    Ok(())
}

/// The region an institution is registered in, and its name.
async fn institution<W: Writer>(
    w: &mut W,
    id: &InstitutionId,
) -> Result<Option<(String, String, String)>> {
    let rows = w
        .fetch(
            "SELECT region_code, name, status FROM institutions WHERE institution_id = $1".into(),
            &[text(id.as_str())],
            &[Kind::Text, Kind::Text, Kind::Text],
        )
        .await?;
    Ok(rows.first().map(|r| {
        (
            r[0].text().unwrap_or_default(),
            r[1].text().unwrap_or_default(),
            r[2].text().unwrap_or_default(),
        )
    }))
}

/// Whether institution `id` is within `scope` (through [`crate::scope::condition`]).
async fn in_scope<W: Writer>(w: &mut W, scope: &DataScope, id: &InstitutionId) -> Result<bool> {
    let (sql, mut values) = condition(scope, Via::Institutions("i"), 2, &|n| format!("${n}"));
    values.insert(0, text(id.as_str()));
    let rows = w
        .fetch(
            format!("SELECT 1 FROM institutions i WHERE i.institution_id = $1 AND {sql}"),
            &values,
            &[Kind::Int],
        )
        .await?;
    Ok(!rows.is_empty())
}

/// Whether `scope` is an institution's own account.
fn is_party_scope(scope: &DataScope) -> bool {
    matches!(scope, DataScope::Institution(_))
}

/// Reads case `id` for a caller: it must exist and be in scope; an institution's
/// account sees only cases against itself past 线索, and acts only where
/// `party_may`.
async fn guard<W: Writer>(
    w: &mut W,
    scope: &DataScope,
    id: i64,
    party_may: bool,
) -> Result<Stored> {
    let s = load(w, id).await?.ok_or(Error::NoSuchCase(id))?;
    if !in_scope(w, scope, &s.case.institution_id).await? {
        return Err(Error::NoSuchCase(id));
    }
    if is_party_scope(scope) {
        if s.case.party.kind() != PartyKind::Institution || s.case.state == CaseState::Lead {
            return Err(Error::NoSuchCase(id));
        }
        if !party_may {
            return Err(Error::Forbidden(
                "cases are investigated and decided by the supervising authority (第十七条), not by the institution".into(),
            ));
        }
    }
    Ok(s)
}

fn step(c: &Case, m: Move, today: NaiveDate, cal: &Calendar) -> Result<CaseState> {
    transition(c, m, today, cal).map_err(|reason| Error::CaseRefused { reason })
}

/// The findings of a case with what the last run said about them.
async fn case_findings<W: Writer>(w: &mut W, id: i64) -> Result<Vec<CaseFinding>> {
    use Kind::*;
    let rows = w
        .fetch(
            "SELECT f.finding_id, f.rule, f.severity, rf.message, f.batch_id, f.candidate_id, \
             f.cert_no, f.person_id FROM case_findings cf \
             JOIN findings f ON f.finding_id = cf.finding_id \
             LEFT JOIN run_findings rf ON rf.finding_id = f.finding_id AND rf.run_id = f.last_run \
             WHERE cf.case_id = $1 ORDER BY f.finding_id"
                .into(),
            &[Value::Int(id)],
            &[Int, Text, Text, Text, Text, Text, Text, Text],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let rule = r[1].text().unwrap_or_default();
            CaseFinding {
                finding_id: r[0].int(),
                title: FindingKind::from_id(&rule)
                    .map(|k| k.title().to_string())
                    .unwrap_or_else(|| rule.clone()),
                rule,
                severity: r[2].text().unwrap_or_default(),
                message: r[3].text(),
                batch_id: r[4].text(),
                candidate_id: r[5].text(),
                cert_no: r[6].text(),
                person_id: r[7].text(),
            }
        })
        .collect())
}

/// The latest earlier sanction of severity 严重 or worse of an institution, as
/// screening's escalation reads the `sanctions` table — without the rows this case
/// wrote itself.
async fn prior_serious<W: Writer>(
    w: &mut W,
    institution: &InstitutionId,
    case_id: i64,
    today: NaiveDate,
) -> Result<Option<NaiveDate>> {
    let rows = w
        .fetch(
            "SELECT MAX(decided_on) FROM sanctions WHERE institution_id = $1 \
             AND severity IN ('serious', 'grave') AND decided_on <= $2 \
             AND seq NOT IN (SELECT CAST(target AS BIGINT) FROM case_effects \
                             WHERE case_id = $3 AND kind = 'sanction_row')"
                .into(),
            &[
                text(institution.as_str()),
                Value::Date(today),
                Value::Int(case_id),
            ],
            &[Kind::Date],
        )
        .await?;
    Ok(rows.first().and_then(|r| r[0].date()))
}

/// Issues a document of `kind`: the next number of the issuer's year, the text,
/// the row.
#[allow(clippy::too_many_arguments)]
async fn issue<W: Writer>(
    w: &mut W,
    case_id: i64,
    kind: DocumentKind,
    issuer: &Issuer,
    now: NaiveDateTime,
    by: &str,
    build: impl FnOnce(String) -> Document,
) -> Result<Document> {
    let year = now.date().year();
    let rows = w
        .fetch(
            "SELECT MAX(seq) FROM case_documents WHERE number_prefix = $1 AND kind = $2 AND year = $3"
                .into(),
            &[
                text(issuer.abbreviation.as_str()),
                text(kind.code()),
                Value::Int(i64::from(year)),
            ],
            &[Kind::Int],
        )
        .await?;
    let seq = rows.first().map_or(0, |r| r[0].int()) + 1;
    let number = document_number(issuer, kind, year, seq as u32);
    let doc = build(number.clone());
    w.execute(
        "INSERT INTO case_documents (case_id, kind, number_prefix, year, seq, number, body, issued_at, issued_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            .into(),
        &[
            Value::Int(case_id),
            text(kind.code()),
            text(issuer.abbreviation.as_str()),
            Value::Int(i64::from(year)),
            Value::Int(seq),
            text(number),
            opt_json!(Some(&doc)),
            Value::DateTime(now),
            text(by),
        ],
    )
    .await?;
    Ok(doc)
}

/// The number of the latest document of `kind` of a case.
async fn latest_number<W: Writer>(
    w: &mut W,
    case_id: i64,
    kind: DocumentKind,
) -> Result<Option<String>> {
    let rows = w
        .fetch(
            "SELECT number FROM case_documents WHERE case_id = $1 AND kind = $2 ORDER BY document_id DESC"
                .into(),
            &[Value::Int(case_id), text(kind.code())],
            &[Kind::Text],
        )
        .await?;
    Ok(rows.first().and_then(|r| r[0].text()))
}

// ---------------------------------------------------------------------------
// Effects.

const EFFECT_KINDS: [Kind; 8] = {
    use Kind::*;
    [Int, Text, Text, Text, Text, DateTime, DateTime, Int]
};

fn effect_from(r: &Cells) -> Result<Effect> {
    Ok(Effect {
        effect_id: r[0].int(),
        kind: r[1].text().unwrap_or_default(),
        target: r[2].text().unwrap_or_default(),
        before: parse_json!("case_effects", "before", &r[3])?,
        after: parse_json!("case_effects", "after", &r[4])?,
        applied_at: r[5].datetime().unwrap_or_default(),
        rolled_back_at: r[6].datetime(),
    })
}

async fn effects<W: Writer>(w: &mut W, case_id: i64, only_live: bool) -> Result<Vec<Effect>> {
    let live = if only_live {
        " AND rolled_back_at IS NULL"
    } else {
        ""
    };
    w.fetch(
        format!(
            "SELECT effect_id, kind, target, before, after, applied_at, rolled_back_at, case_id \
             FROM case_effects WHERE case_id = $1{live} ORDER BY effect_id"
        ),
        &[Value::Int(case_id)],
        &EFFECT_KINDS,
    )
    .await?
    .iter()
    .map(effect_from)
    .collect()
}

/// Records one applied change.
async fn record_effect<W: Writer>(
    w: &mut W,
    case_id: i64,
    kind: &str,
    target: &str,
    before: Option<Json>,
    after: Option<Json>,
    now: NaiveDateTime,
) -> Result<Effect> {
    let effect_id = w
        .insert_returning(
            "INSERT INTO case_effects (case_id, kind, target, before, after, applied_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING effect_id",
            &[
                Value::Int(case_id),
                text(kind),
                text(target),
                opt_json!(before.as_ref()),
                opt_json!(after.as_ref()),
                Value::DateTime(now),
            ],
        )
        .await?;
    Ok(Effect {
        effect_id,
        kind: kind.into(),
        target: target.into(),
        before,
        after,
        applied_at: now,
        rolled_back_at: None,
    })
}

/// Sets an institution's status (and its `status_since`) and logs it in the
/// registration log; returns the before and after values. Nothing happens when the
/// status is already `to`, or is not one of `from` (when given: a terminated
/// registration is not suspended).
#[allow(clippy::too_many_arguments)]
async fn set_status<W: Writer>(
    w: &mut W,
    case: &Case,
    institution_id: &str,
    from: Option<&[&str]>,
    to: &str,
    since: Option<NaiveDate>,
    action: domain::registration::Action,
    reason: &str,
    by: &str,
    now: NaiveDateTime,
) -> Result<Option<(Json, Json)>> {
    let rows = w
        .fetch(
            "SELECT status, status_since FROM institutions WHERE institution_id = $1".into(),
            &[text(institution_id)],
            &[Kind::Text, Kind::Date],
        )
        .await?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let current = r[0].text().unwrap_or_default();
    if current == to || from.is_some_and(|f| !f.contains(&current.as_str())) {
        return Ok(None);
    }
    let before = json!({"status": current, "status_since": r[1].date().map(|d| d.to_string())});
    let after = json!({"status": to, "status_since": since.map(|d| d.to_string())});
    w.execute(
        "UPDATE institutions SET status = $1, status_since = $2 WHERE institution_id = $3".into(),
        &[text(to), opt_date(since), text(institution_id)],
    )
    .await?;
    let id = InstitutionId::parse(institution_id).map_err(|e| Error::Corrupt {
        table: "institutions",
        seq: 0,
        column: "institution_id",
        value: institution_id.to_string(),
        reason: e.to_string(),
    })?;
    let why = format!("案件{}:{reason}", case.number);
    crate::registry::record(
        w,
        crate::registry::NewEvent {
            institution_id: &id,
            at: now,
            by,
            action,
            reason: Some(&why),
            before: Some(before.clone()),
            after: Some(after.clone()),
        },
    )
    .await?;
    Ok(Some((before, after)))
}

/// The certificates a decision voids or revokes: for an institution, those its
/// findings name (by number, or by activity and candidate); for a candidate, theirs
/// from the institution — of the activities of the findings when there are any.
async fn certificates_of<W: Writer>(w: &mut W, c: &Case) -> Result<Vec<(String, String)>> {
    let kinds = [Kind::Text, Kind::Text];
    let id = Value::Int(c.case_id);
    let rows = match &c.party {
        Party::Institution(_) => {
            w.fetch(
                "SELECT c.cert_no, c.status FROM certificates c WHERE c.cert_no IN ( \
                   SELECT f.cert_no FROM case_findings cf JOIN findings f ON f.finding_id = cf.finding_id \
                   WHERE cf.case_id = $1 AND f.cert_no IS NOT NULL) \
                 OR EXISTS (SELECT 1 FROM case_findings cf JOIN findings f ON f.finding_id = cf.finding_id \
                   WHERE cf.case_id = $1 AND f.batch_id = c.batch_id AND f.candidate_id = c.candidate_id) \
                 ORDER BY c.cert_no"
                    .into(),
                &[id],
                &kinds,
            )
            .await?
        }
        Party::Candidate { id_number, .. } => {
            w.fetch(
                "SELECT c.cert_no, c.status FROM certificates c WHERE c.candidate_id = $2 \
                 AND c.institution_id = $3 AND (c.batch_id IN ( \
                   SELECT f.batch_id FROM case_findings cf JOIN findings f ON f.finding_id = cf.finding_id \
                   WHERE cf.case_id = $1 AND f.batch_id IS NOT NULL) \
                 OR NOT EXISTS (SELECT 1 FROM case_findings cf JOIN findings f ON f.finding_id = cf.finding_id \
                   WHERE cf.case_id = $1 AND f.batch_id IS NOT NULL)) ORDER BY c.cert_no"
                    .into(),
                &[
                    id,
                    text(id_number.as_str()),
                    text(c.institution_id.as_str()),
                ],
                &kinds,
            )
            .await?
        }
        Party::Staff { .. } => Vec::new(),
    };
    Ok(rows
        .iter()
        .map(|r| {
            (
                r[0].text().unwrap_or_default(),
                r[1].text().unwrap_or_default(),
            )
        })
        .collect())
}

/// Ends a staff member's card on `today` (吊销 / 暂停 / 取消资格): `valid_to` set to
/// the day of execution unless it already ends earlier.
async fn end_card<W: Writer>(
    w: &mut W,
    c: &Case,
    kind: &str,
    today: NaiveDate,
    now: NaiveDateTime,
    out: &mut Vec<Effect>,
) -> Result<()> {
    let Party::Staff { person_id, .. } = &c.party else {
        return Ok(());
    };
    let rows = w
        .fetch(
            "SELECT valid_to FROM personnel WHERE person_id = $1".into(),
            &[text(person_id.as_str())],
            &[Kind::Date],
        )
        .await?;
    let Some(r) = rows.first() else {
        return Ok(());
    };
    let before = r[0].date();
    if before.is_some_and(|d| d <= today) {
        return Ok(());
    }
    w.execute(
        "UPDATE personnel SET valid_to = $1 WHERE person_id = $2".into(),
        &[Value::Date(today), text(person_id.as_str())],
    )
    .await?;
    out.push(
        record_effect(
            w,
            c.case_id,
            "personnel_valid_to",
            person_id.as_str(),
            Some(json!({"valid_to": before.map(|d| d.to_string()), "measure": kind})),
            Some(json!({"valid_to": today.to_string(), "measure": kind})),
            now,
        )
        .await?,
    );
    Ok(())
}

/// Applies the decision's measures (see [`Store::execute`]).
async fn apply<W: Writer>(
    w: &mut W,
    c: &Case,
    decision: &Proposal,
    by: &str,
    now: NaiveDateTime,
) -> Result<Vec<Effect>> {
    let today = now.date();
    let mut out = Vec::new();
    let inst = c.institution_id.as_str();
    for s in &decision.sanctions {
        match s {
            Sanction::Suspend { .. } | Sanction::Terminate => {
                let (from, to, action, why): (&[&str], _, _, _) = if *s == Sanction::Terminate {
                    (
                        &["active", "suspended"],
                        "terminated",
                        domain::registration::Action::Terminate,
                        "终止备案(第十四条)",
                    )
                } else {
                    (
                        &["active"],
                        "suspended",
                        domain::registration::Action::Suspend,
                        "限期整改期间暂停评价活动(第十三条)",
                    )
                };
                if let Some((b, a)) = set_status(
                    w,
                    c,
                    inst,
                    Some(from),
                    to,
                    Some(today),
                    action,
                    why,
                    by,
                    now,
                )
                .await?
                {
                    out.push(
                        record_effect(
                            w,
                            c.case_id,
                            "institution_status",
                            inst,
                            Some(b),
                            Some(a),
                            now,
                        )
                        .await?,
                    );
                }
            }
            Sanction::VoidCertificates | Sanction::RevokeCertificateData => {
                let to = if *s == Sanction::VoidCertificates {
                    "void"
                } else {
                    "revoked"
                };
                for (cert_no, status) in certificates_of(w, c).await? {
                    if status == to || status == "revoked" {
                        continue;
                    }
                    w.execute(
                        "UPDATE certificates SET status = $1 WHERE cert_no = $2".into(),
                        &[text(to), text(cert_no.as_str())],
                    )
                    .await?;
                    out.push(
                        record_effect(
                            w,
                            c.case_id,
                            "certificate_status",
                            &cert_no,
                            Some(json!({"status": status})),
                            Some(json!({"status": to})),
                            now,
                        )
                        .await?,
                    );
                }
            }
            Sanction::BarCandidate { years } => {
                if let Party::Candidate { id_number, .. } = &c.party {
                    let until = years_until(today, *years);
                    let bar_id = w
                        .insert_returning(
                            "INSERT INTO candidate_bars (id_number, barred_from, barred_until, case_id) \
                             VALUES ($1, $2, $3, $4) RETURNING bar_id",
                            &[
                                text(id_number.as_str()),
                                Value::Date(today),
                                Value::Date(until),
                                Value::Int(c.case_id),
                            ],
                        )
                        .await?;
                    out.push(
                        record_effect(
                            w,
                            c.case_id,
                            "candidate_bar",
                            &bar_id.to_string(),
                            None,
                            Some(json!({"barred_from": today.to_string(), "barred_until": until.to_string(), "years": years})),
                            now,
                        )
                        .await?,
                    );
                }
            }
            Sanction::RevokeExaminerCard => {
                end_card(w, c, "revoke_examiner_card", today, now, &mut out).await?
            }
            Sanction::SuspendSupervisor => {
                end_card(w, c, "suspend_supervisor", today, now, &mut out).await?
            }
            Sanction::DisqualifyStaff => {
                end_card(w, c, "disqualify_staff", today, now, &mut out).await?
            }
            Sanction::BadCredit => {
                let record_id = w
                    .insert_returning(
                        "INSERT INTO credit_records (party_kind, party_id, institution_id, recorded_from, case_id) \
                         VALUES ($1, $2, $3, $4, $5) RETURNING record_id",
                        &[
                            text(c.party.kind().code()),
                            text(c.party.id()),
                            text(inst),
                            Value::Date(today),
                            Value::Int(c.case_id),
                        ],
                    )
                    .await?;
                out.push(
                    record_effect(
                        w,
                        c.case_id,
                        "credit_record",
                        &record_id.to_string(),
                        None,
                        Some(json!({"party_kind": c.party.kind().code(), "recorded_from": today.to_string()})),
                        now,
                    )
                    .await?,
                );
            }
            Sanction::Constraints { years } => {
                let until = years_until(today, *years);
                for m in Measure::ALL {
                    let constraint_id = w
                        .insert_returning(
                            "INSERT INTO institution_constraints (institution_id, measure, valid_from, valid_until, case_id) \
                             VALUES ($1, $2, $3, $4, $5) RETURNING constraint_id",
                            &[
                                text(inst),
                                text(m.code()),
                                Value::Date(today),
                                Value::Date(until),
                                Value::Int(c.case_id),
                            ],
                        )
                        .await?;
                    out.push(
                        record_effect(
                            w,
                            c.case_id,
                            "institution_constraint",
                            &constraint_id.to_string(),
                            None,
                            Some(json!({"measure": m.code(), "valid_from": today.to_string(), "valid_until": until.to_string()})),
                            now,
                        )
                        .await?,
                    );
                }
            }
            Sanction::Interview | Sanction::Rectify { .. } | Sanction::CancelScores { .. } => {}
        }
    }
    // The sanction as screening's escalation reads it (已被警告 … 再次违反).
    if let (PartyKind::Institution, Some(item), Some(disposition)) =
        (c.party.kind(), decision.item, decision.disposition)
    {
        let decided_on = c.decided_on.unwrap_or(today);
        let seq = w
            .insert_returning(
                "INSERT INTO sanctions (institution_id, decided_on, item, severity, disposition) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING seq",
                &[
                    text(inst),
                    Value::Date(decided_on),
                    Value::Int(i64::from(item)),
                    text(decision.severity.code()),
                    text(disposition.code()),
                ],
            )
            .await?;
        out.push(
            record_effect(
                w,
                c.case_id,
                "sanction_row",
                &seq.to_string(),
                None,
                Some(json!({"decided_on": decided_on.to_string(), "item": item, "severity": decision.severity.code(), "disposition": disposition.code()})),
                now,
            )
            .await?,
        );
    }
    Ok(out)
}

/// Restores the `before` of every live effect of a case, newest first, and marks
/// them rolled back; returns them.
async fn roll_back<W: Writer>(
    w: &mut W,
    c: &Case,
    reason: &str,
    by: &str,
    now: NaiveDateTime,
) -> Result<Vec<Effect>> {
    let mut live = effects(w, c.case_id, true).await?;
    live.reverse();
    let field = |j: &Option<Json>, k: &str| -> Option<String> {
        j.as_ref()
            .and_then(|j| j.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let date = |s: Option<String>| s.and_then(|s| domain::time::parse_date(&s).ok());
    for e in &mut live {
        match e.kind.as_str() {
            "institution_status" => {
                let to = field(&e.before, "status").unwrap_or_else(|| "active".into());
                let action = if to == "active" {
                    domain::registration::Action::Reinstate
                } else {
                    domain::registration::Action::Suspend
                };
                set_status(
                    w,
                    c,
                    &e.target,
                    None,
                    &to,
                    date(field(&e.before, "status_since")),
                    action,
                    &format!("复核撤回执行:{reason}"),
                    by,
                    now,
                )
                .await?;
            }
            "certificate_status" => {
                let to = field(&e.before, "status").unwrap_or_else(|| "valid".into());
                w.execute(
                    "UPDATE certificates SET status = $1 WHERE cert_no = $2".into(),
                    &[text(to), text(e.target.as_str())],
                )
                .await?;
            }
            "personnel_valid_to" => {
                w.execute(
                    "UPDATE personnel SET valid_to = $1 WHERE person_id = $2".into(),
                    &[
                        opt_date(date(field(&e.before, "valid_to"))),
                        text(e.target.as_str()),
                    ],
                )
                .await?;
            }
            "candidate_bar" | "credit_record" | "institution_constraint" => {
                let (table, key) = match e.kind.as_str() {
                    "candidate_bar" => ("candidate_bars", "bar_id"),
                    "credit_record" => ("credit_records", "record_id"),
                    _ => ("institution_constraints", "constraint_id"),
                };
                w.execute(
                    format!("UPDATE {table} SET lifted_at = $1 WHERE {key} = $2"),
                    &[
                        Value::DateTime(now),
                        Value::Int(e.target.parse().unwrap_or(-1)),
                    ],
                )
                .await?;
            }
            "sanction_row" => {
                w.execute(
                    "DELETE FROM sanctions WHERE seq = $1".into(),
                    &[Value::Int(e.target.parse().unwrap_or(-1))],
                )
                .await?;
            }
            _ => {}
        }
        w.execute(
            "UPDATE case_effects SET rolled_back_at = $1 WHERE effect_id = $2".into(),
            &[Value::DateTime(now), Value::Int(e.effect_id)],
        )
        .await?;
        e.rolled_back_at = Some(now);
    }
    Ok(live)
}

fn effects_json(e: &[Effect]) -> Json {
    Json::Array(
        e.iter()
            .map(|e| json!({"effect_id": e.effect_id, "kind": e.kind, "target": e.target, "before": e.before, "after": e.after}))
            .collect(),
    )
}

// ---------------------------------------------------------------------------
// Grids.

fn display(cell: &Cell) -> Option<String> {
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

/// List columns of cases: (name, SQL, kind).
const CASE_LIST: &[(&str, &str, Kind)] = &[
    ("case_id", "c.case_id", Kind::Int),
    ("number", "c.number", Kind::Text),
    ("party_kind", "c.party_kind", Kind::Text),
    ("party_name", "c.party_name", Kind::Text),
    ("institution_id", "c.institution_id", Kind::Text),
    ("institution_name", "i.name", Kind::Text),
    (
        "candidate_id",
        "CASE WHEN c.party_kind = 'candidate' THEN c.party_id END",
        Kind::Text,
    ),
    (
        "person_id",
        "CASE WHEN c.party_kind = 'staff' THEN c.party_id END",
        Kind::Text,
    ),
    ("source_kind", "c.source_kind", Kind::Text),
    ("state", "c.state", Kind::Text),
    ("major", "c.major", Kind::Bool),
    ("major_ground", "c.major_ground", Kind::Text),
    ("opened_at", "c.opened_at", Kind::DateTime),
    ("updated_at", "c.updated_at", Kind::DateTime),
];

/// `FROM cases … WHERE` the caller's scope and the filter, with its values.
fn case_query(scope: &DataScope, f: &CaseFilter) -> (String, Vec<Value<'static>>) {
    let (sql, mut values) = condition(scope, Via::InstitutionColumn("c.institution_id"), 1, &|n| {
        format!("${n}")
    });
    let mut q = format!(
        "FROM cases c LEFT JOIN institutions i ON i.institution_id = c.institution_id WHERE {sql}"
    );
    if is_party_scope(scope) {
        q.push_str(" AND c.party_kind = 'institution' AND c.state <> 'lead'");
    }
    let mut bind = |q: &mut String, cond: &str, v: Value<'static>| {
        values.push(v);
        q.push_str(&cond.replace("{}", &format!("${}", values.len())));
    };
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if let Some(s) = nonempty(&f.state) {
        bind(&mut q, " AND c.state = {}", text(s));
    }
    if let Some(s) = nonempty(&f.party_kind) {
        bind(&mut q, " AND c.party_kind = {}", text(s));
    }
    if let Some(s) = nonempty(&f.institution_id) {
        bind(&mut q, " AND c.institution_id = {}", text(s));
    }
    if let Some(s) = nonempty(&f.q) {
        bind(&mut q, " AND (c.number = {}", text(s.clone()));
        bind(&mut q, " OR c.party_name LIKE {})", text(format!("%{s}%")));
    }
    if f.major {
        q.push_str(" AND c.major = TRUE");
    }
    if f.open {
        q.push_str(" AND c.state NOT IN ('closed', 'dropped')");
    }
    (q, values)
}

impl Store {
    /// Serializes case writes on PostgreSQL (SQLite's write transactions already are).
    async fn cases_lock<W: Writer>(&self, w: &mut W) -> Result<()> {
        if self.backend() == Backend::Postgres {
            w.execute(
                "SELECT pg_advisory_xact_lock($1)".into(),
                &[Value::Int(CASES_LOCK)],
            )
            .await?;
        }
        Ok(())
    }

    /// The rulebook of the store's data (`meta.policy`, as screening uses it), or the
    /// national one.
    pub async fn case_rulebook(&self) -> Result<Rulebook> {
        let policy: Option<(Option<String>,)> = dispatch!(&self.db, pool =>
            sqlx::query_as("SELECT policy FROM meta WHERE id = 1")
                .fetch_optional(pool)
                .await
                .map_err(|source| Error::Sql { context: "reading meta".into(), source })?);
        Ok(policy
            .and_then(|(p,)| p)
            .and_then(|p| Rulebook::builtin(&p).ok())
            .unwrap_or_else(Rulebook::national))
    }

    /// 立案: opens a case (线索) against `new.party` and returns its id. The case's
    /// number is `{year}-{nnnn}`, per year of `now`.
    ///
    /// From findings: every finding must exist ([`Error::NoSuchFinding`]) and concern
    /// the party at the case's institution ([`CaseRefusal::FindingOfAnotherParty`]).
    /// Refused: an institution out of the caller's scope, and any institution's own
    /// account ([`Error::Forbidden`]); an unregistered institution
    /// ([`Error::NoSuchInstitution`]).
    pub async fn open_case(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        new: &NewCase,
    ) -> Result<i64> {
        if is_party_scope(scope) {
            return Err(Error::Forbidden(
                "cases are opened by the supervising authority".into(),
            ));
        }
        let summary = required(&new.summary, "opening a case (案由)")?;
        let institution_id = match (&new.party, &new.institution_id) {
            (Party::Institution(i), _) => i.clone(),
            (_, Some(i)) => i.clone(),
            (_, None) => {
                return Err(Error::Forbidden(
                    "a case against a candidate or staff member needs the institution where it happened".into(),
                ));
            }
        };
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let Some((_, name, _)) = institution(&mut w, &institution_id).await? else {
                return Err(Error::NoSuchInstitution(institution_id.to_string()));
            };
            if !in_scope(&mut w, scope, &institution_id).await? {
                return Err(Error::Forbidden(format!(
                    "institution {institution_id} is outside the caller's scope"
                )));
            }
            let findings = match &new.source {
                Source::Findings(ids) if ids.is_empty() => return refused(CaseRefusal::NoFindings),
                Source::Findings(ids) => ids.clone(),
                _ => Vec::new(),
            };
            for id in &findings {
                let rows = w
                    .fetch(
                        "SELECT institution_id, candidate_id, person_id FROM findings WHERE finding_id = $1".into(),
                        &[Value::Int(*id)],
                        &[Kind::Text, Kind::Text, Kind::Text],
                    )
                    .await?;
                let Some(r) = rows.first() else {
                    return Err(Error::NoSuchFinding(*id));
                };
                let at = r[0].text();
                let concerns = at.as_deref() == Some(institution_id.as_str())
                    && match &new.party {
                        Party::Institution(_) => true,
                        Party::Candidate { id_number, .. } => {
                            r[1].text().as_deref() == Some(id_number.as_str())
                        }
                        Party::Staff { person_id, .. } => {
                            r[2].text().as_deref() == Some(person_id.as_str())
                        }
                    };
                if !concerns {
                    return refused(CaseRefusal::FindingOfAnotherParty { finding_id: *id });
                }
            }
            let year = now.date().year();
            let rows = w
                .fetch(
                    "SELECT MAX(CAST(SUBSTR(number, 6) AS BIGINT)) FROM cases WHERE number LIKE $1".into(),
                    &[text(format!("{year}-%"))],
                    &[Kind::Int],
                )
                .await?;
            let number = format!("{year}-{:04}", rows.first().map_or(0, |r| r[0].int()) + 1);
            let party_name = match &new.party {
                Party::Institution(_) => name,
                Party::Candidate { name, .. } | Party::Staff { name, .. } => name.clone(),
            };
            let case_id = w
                .insert_returning(
                    "INSERT INTO cases (number, party_kind, party_id, party_name, institution_id, \
                     source_kind, source_detail, summary, state, major, opened_at, opened_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'lead', FALSE, $9, $10, $9) RETURNING case_id",
                    &[
                        text(number.as_str()),
                        text(new.party.kind().code()),
                        text(new.party.id()),
                        text(party_name.as_str()),
                        text(institution_id.as_str()),
                        text(new.source.kind().code()),
                        opt_text(new.source.detail()),
                        text(summary),
                        Value::DateTime(now),
                        text(by),
                    ],
                )
                .await?;
            for id in &findings {
                w.execute(
                    "INSERT INTO case_findings (case_id, finding_id) VALUES ($1, $2)".into(),
                    &[Value::Int(case_id), Value::Int(*id)],
                )
                .await?;
            }
            let after = json!({
                "number": number,
                "party_kind": new.party.kind().code(),
                "party_name": party_name,
                "institution_id": institution_id.as_str(),
                "source": new.source.kind().code(),
                "source_detail": new.source.detail(),
                "findings": findings,
                "summary": summary,
                "state": "lead",
            });
            log(&mut w, case_id, now, by, Action::Open, None, None, Some(after)).await?;
            case_id
        }))
    }

    /// 指派调查人员 (第十七条): adds investigators (account user names, or names of
    /// outside experts) and moves a 线索 to 核查. Refused (第十八条): someone with a
    /// declared conflict with the case's institution, an account of that institution,
    /// someone recused from the case.
    pub async fn assign_investigators(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        names: &[String],
    ) -> Result<()> {
        let cal = self.calendar().await?;
        let names: Vec<String> = names
            .iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let next = step(c, Move::Assign { investigators: names.len() }, now.date(), &cal)?;
            let mut who = Vec::new();
            for n in &names {
                let rows = w
                    .fetch(
                        "SELECT role, institution_id FROM accounts WHERE username = $1".into(),
                        &[text(n.as_str())],
                        &[Kind::Text, Kind::Text],
                    )
                    .await?;
                let institution_id = rows
                    .first()
                    .filter(|r| r[0].text().as_deref() == Some("institution"))
                    .and_then(|r| r[1].text())
                    .and_then(|i| InstitutionId::parse(&i).ok());
                who.push(Investigator { name: n.clone(), institution_id });
            }
            let conflicts: Vec<Conflict> = w
                .fetch(
                    "SELECT investigator, reason FROM case_conflicts WHERE institution_id = $1".into(),
                    &[text(c.institution_id.as_str())],
                    &[Kind::Text, Kind::Text],
                )
                .await?
                .iter()
                .map(|r| Conflict {
                    investigator: r[0].text().unwrap_or_default(),
                    institution_id: c.institution_id.clone(),
                    reason: r[1].text().unwrap_or_default(),
                })
                .collect();
            let recused: Vec<String> = w
                .fetch(
                    "SELECT investigator FROM case_recusals WHERE case_id = $1 AND status = 'granted'".into(),
                    &[Value::Int(id)],
                    &[Kind::Text],
                )
                .await?
                .iter()
                .map(|r| r[0].text().unwrap_or_default())
                .collect();
            check_investigators(&c.institution_id, &who, &c.investigators, &conflicts, &recused)?;
            for n in &names {
                w.execute(
                    "INSERT INTO case_investigators (case_id, investigator, assigned_at, assigned_by) VALUES ($1, $2, $3, $4)"
                        .into(),
                    &[Value::Int(id), text(n.as_str()), Value::DateTime(now), text(by)],
                )
                .await?;
            }
            let mut after = c.clone();
            after.state = next;
            after.investigators.extend(names.iter().cloned());
            save(&mut w, &after, now).await?;
            log(&mut w, id, now, by, Action::Assign, None, Some(snapshot(c)), Some(snapshot(&after))).await?;
        });
        Ok(())
    }

    /// 申报利害关系 (第十八条 "应当主动回避"): records that `investigator` has a conflict of
    /// interest with `institution_id`, and withdraws them from that institution's open
    /// cases (each withdrawal in its case file). Returns the conflict's id.
    pub async fn declare_conflict(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        investigator: &str,
        institution_id: &InstitutionId,
        reason: &str,
    ) -> Result<i64> {
        if is_party_scope(scope) {
            return Err(Error::Forbidden(
                "conflicts are declared to the authority".into(),
            ));
        }
        let reason = required(reason, "declaring a conflict of interest (利害关系)")?;
        let investigator = investigator.trim();
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            if institution(&mut w, institution_id).await?.is_none() {
                return Err(Error::NoSuchInstitution(institution_id.to_string()));
            }
            if !in_scope(&mut w, scope, institution_id).await? {
                return Err(Error::Forbidden(format!("institution {institution_id} is outside the caller's scope")));
            }
            let conflict_id = w
                .insert_returning(
                    "INSERT INTO case_conflicts (investigator, institution_id, reason, declared_at, declared_by) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING conflict_id",
                    &[text(investigator), text(institution_id.as_str()), text(reason), Value::DateTime(now), text(by)],
                )
                .await?;
            let open = w
                .fetch(
                    "SELECT v.case_id FROM case_investigators v JOIN cases c ON c.case_id = v.case_id \
                     WHERE v.investigator = $1 AND v.removed_at IS NULL AND c.institution_id = $2 \
                     AND c.state NOT IN ('closed', 'dropped') ORDER BY v.case_id"
                        .into(),
                    &[text(investigator), text(institution_id.as_str())],
                    &[Kind::Int],
                )
                .await?;
            for r in open {
                let case_id = r[0].int();
                let before = load(&mut w, case_id).await?.map(|s| snapshot(&s.case));
                w.execute(
                    "UPDATE case_investigators SET removed_at = $1, removed_reason = $2 \
                     WHERE case_id = $3 AND investigator = $4 AND removed_at IS NULL"
                        .into(),
                    &[Value::DateTime(now), text(format!("利害关系:{reason}")), Value::Int(case_id), text(investigator)],
                )
                .await?;
                let after = load(&mut w, case_id).await?.map(|s| snapshot(&s.case));
                log(&mut w, case_id, now, by, Action::RemoveInvestigator, Some(reason), before, after).await?;
            }
            conflict_id
        }))
    }

    /// 申请回避 (第十八条 "当事人可申请其回避"): the party (or an official for it) asks
    /// that a current investigator be recused; decided by [`Store::decide_recusal`].
    /// Returns the request's id.
    pub async fn request_recusal(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        investigator: &str,
        reason: &str,
    ) -> Result<i64> {
        let reason = required(reason, "a recusal request (申请回避)")?;
        let investigator = investigator.trim();
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, true).await?;
            let c = &s.case;
            if !matches!(
                c.state,
                CaseState::Lead | CaseState::Investigating | CaseState::Proposed | CaseState::Notified | CaseState::Review
            ) {
                return refused(CaseRefusal::NotPossible { state: c.state, action: Action::RequestRecusal });
            }
            if !c.investigators.iter().any(|i| i == investigator) {
                return refused(CaseRefusal::NotAnInvestigator { investigator: investigator.into() });
            }
            let recusal_id = w
                .insert_returning(
                    "INSERT INTO case_recusals (case_id, investigator, reason, requested_at, requested_by, status) \
                     VALUES ($1, $2, $3, $4, $5, 'pending') RETURNING recusal_id",
                    &[Value::Int(id), text(investigator), text(reason), Value::DateTime(now), text(by)],
                )
                .await?;
            log(
                &mut w, id, now, by, Action::RequestRecusal, Some(reason), None,
                Some(json!({"recusal_id": recusal_id, "investigator": investigator})),
            )
            .await?;
            recusal_id
        }))
    }

    /// 回避决定: grants (the investigator leaves the case and cannot be assigned to it
    /// again) or refuses (with a reason) a pending recusal request.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_recusal(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        recusal_id: i64,
        grant: bool,
        reason: &str,
    ) -> Result<()> {
        let reason = if grant {
            reason.trim()
        } else {
            required(reason, "refusing a recusal (不予回避)")?
        };
        in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let rows = w
                .fetch(
                    "SELECT investigator, status FROM case_recusals WHERE recusal_id = $1 AND case_id = $2".into(),
                    &[Value::Int(recusal_id), Value::Int(id)],
                    &[Kind::Text, Kind::Text],
                )
                .await?;
            let Some(r) = rows.first().filter(|r| r[1].text().as_deref() == Some("pending")) else {
                return refused(CaseRefusal::RecusalNotPending { recusal_id });
            };
            let investigator = r[0].text().unwrap_or_default();
            let status = if grant { "granted" } else { "refused" };
            w.execute(
                "UPDATE case_recusals SET status = $1, decision_reason = $2, decided_at = $3, decided_by = $4 WHERE recusal_id = $5"
                    .into(),
                &[text(status), opt_text(Some(reason).filter(|r| !r.is_empty())), Value::DateTime(now), text(by), Value::Int(recusal_id)],
            )
            .await?;
            let mut after = s.case.clone();
            if grant {
                w.execute(
                    "UPDATE case_investigators SET removed_at = $1, removed_reason = $2 \
                     WHERE case_id = $3 AND investigator = $4 AND removed_at IS NULL"
                        .into(),
                    &[Value::DateTime(now), text("准予回避(第十八条)"), Value::Int(id), text(investigator.as_str())],
                )
                .await?;
                after.investigators.retain(|i| *i != investigator);
            }
            log(
                &mut w, id, now, by, Action::DecideRecusal, Some(reason).filter(|r| !r.is_empty()),
                Some(snapshot(&s.case)),
                Some(with(&after, json!({"recusal_id": recusal_id, "investigator": investigator, "status": status}))),
            )
            .await?;
        });
        Ok(())
    }

    /// 拟处理: the rulebook's proposal from the case's findings ([`propose`]: the
    /// gravest entry, escalated on an earlier serious sanction of the institution),
    /// or, with `amendment`, the official's change of it ([`amend`]: the reason
    /// mandatory and kept; a case without findings needs one). A 特别严重 proposal
    /// marks the case 评价要情 (第二十条). Returns the proposal.
    pub async fn propose(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        book: &Rulebook,
        amendment: Option<&Amendment>,
    ) -> Result<Proposal> {
        let cal = self.calendar().await?;
        let today = now.date();
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let next = step(c, Move::Propose, today, &cal)?;
            let facts: Vec<FindingFact> = case_findings(&mut w, id)
                .await?
                .into_iter()
                .filter_map(|f| {
                    Some(FindingFact {
                        finding_id: f.finding_id,
                        kind: FindingKind::from_id(&f.rule)?,
                        severity: Severity::parse(&f.severity).ok(),
                        message: f.message.unwrap_or_default(),
                    })
                })
                .collect();
            let record = Record {
                prior_serious_sanction: match c.party.kind() {
                    PartyKind::Institution => prior_serious(&mut w, &c.institution_id, id, today).await?,
                    _ => None,
                },
            };
            let from_book = if facts.is_empty() {
                None
            } else {
                Some(propose(book, c.party.kind(), &facts, &record))
            };
            let proposal = match (amendment, from_book) {
                (None, Some(p)) => p?,
                (None, None) => return refused(CaseRefusal::NothingToPropose),
                (Some(a), base) => {
                    let base = base.and_then(|b| b.ok()).or_else(|| c.proposal.clone());
                    amend(base.as_ref(), a, c.party.kind())?
                }
            };
            let mut after = c.clone();
            after.state = next;
            after.proposal = Some(proposal.clone());
            let auto_major = proposal.is_major() && !c.major;
            if auto_major {
                after.major = true;
                w.execute(
                    "UPDATE cases SET major_ground = 'grave', major_note = $1 WHERE case_id = $2".into(),
                    &[text("拟处理为特别严重违纪违规,报送评价要情(第二十条)"), Value::Int(id)],
                )
                .await?;
            }
            save(&mut w, &after, now).await?;
            log(
                &mut w, id, now, by, Action::Propose,
                amendment.map(|a| a.reason.trim()),
                Some(snapshot(c)),
                Some(with(&after, json!({"major_reported": auto_major}))),
            )
            .await?;
            proposal
        }))
    }

    /// 告知: issues the 告知书 of the current proposal ([`notice_text`], numbered in
    /// the issuer's yearly sequence) and opens the statement period
    /// ([`statement_due`]). Returns the document.
    pub async fn notify(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        issuer: &Issuer,
    ) -> Result<Document> {
        let cal = self.calendar().await?;
        let today = now.date();
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let next = step(c, Move::Notify, today, &cal)?;
            let proposal = c.proposal.clone().ok_or(Error::CaseRefused { reason: CaseRefusal::NothingToPropose })?;
            let mut after = c.clone();
            after.state = next;
            after.notified_on = Some(today);
            after.statements = 0;
            let due = statement_due(&cal, today);
            let doc = issue(&mut w, id, DocumentKind::Notice, issuer, now, by, |number| {
                notice_text(&after, &proposal, issuer, number, today, due)
            })
            .await?;
            save(&mut w, &after, now).await?;
            log(
                &mut w, id, now, by, Action::Notify, None, Some(snapshot(c)),
                Some(with(&after, json!({"document": doc.number, "statement_due": due.to_string()}))),
            )
            .await?;
            doc
        }))
    }

    /// 陈述申辩 (第十八条): the party's statement on the notice, from the institution's
    /// own account or recorded by an official; one after the deadline is kept and
    /// marked late. Returns its id.
    pub async fn submit_statement(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        statement: &str,
    ) -> Result<i64> {
        self.party_submission(scope, by, now, id, statement, StatementKind::Statement)
            .await
    }

    /// 整改报告: the institution's rectification report (its own account, or recorded
    /// by an official); one after the deadline is kept and marked late.
    pub async fn submit_rectification(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        report: &str,
    ) -> Result<i64> {
        self.party_submission(
            scope,
            by,
            now,
            id,
            report,
            StatementKind::RectificationReport,
        )
        .await
    }

    async fn party_submission(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        body: &str,
        kind: StatementKind,
    ) -> Result<i64> {
        let cal = self.calendar().await?;
        let today = now.date();
        let body = required(body, "a statement or report (the text)")?;
        let (m, action) = match kind {
            StatementKind::Statement => (Move::Statement, Action::Statement),
            StatementKind::RectificationReport => {
                (Move::RectificationReport, Action::RectificationReport)
            }
        };
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, true).await?;
            let c = &s.case;
            step(c, m, today, &cal)?;
            let late = match kind {
                StatementKind::Statement => c.notified_on.is_some_and(|n| today > statement_due(&cal, n)),
                StatementKind::RectificationReport => c.rectify_due.is_some_and(|d| today > d),
            };
            let statement_id = w
                .insert_returning(
                    "INSERT INTO case_statements (case_id, kind, text, by_user, at, late) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING statement_id",
                    &[Value::Int(id), text(kind.code()), text(body), text(by), Value::DateTime(now), Value::Bool(late)],
                )
                .await?;
            log(
                &mut w, id, now, by, action, None, None,
                Some(json!({"statement_id": statement_id, "late": late, "chars": body.chars().count()})),
            )
            .await?;
            statement_id
        }))
    }

    /// 处理决定: decides as proposed (after the statement period, or once a statement
    /// is in: 第十八条) and issues the 处理决定书 ([`decision_text`]). A changed outcome
    /// is first proposed (and notified) again. Returns the document.
    pub async fn decide(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        issuer: &Issuer,
    ) -> Result<Document> {
        let cal = self.calendar().await?;
        let today = now.date();
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let next = step(c, Move::Decide, today, &cal)?;
            let decision = c.proposal.clone().ok_or(Error::CaseRefused { reason: CaseRefusal::NoDecision })?;
            let mut after = c.clone();
            after.state = next;
            after.decision = Some(decision.clone());
            after.decided_on = Some(today);
            after.served_on = None;
            after.review = None;
            after.executed_on = None;
            after.rectify_due = None;
            let doc = issue(&mut w, id, DocumentKind::Decision, issuer, now, by, |number| {
                decision_text(&after, &decision, issuer, number, today)
            })
            .await?;
            save(&mut w, &after, now).await?;
            log(&mut w, id, now, by, Action::Decide, None, Some(snapshot(c)), Some(with(&after, json!({"document": doc.number})))).await?;
            doc
        }))
    }

    /// 送达: records the day the decision was served (第十八条 "以书面形式送达"), from
    /// which the 15 working days of 第十九条 run.
    pub async fn record_service(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        on: NaiveDate,
    ) -> Result<()> {
        let cal = self.calendar().await?;
        in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let next = step(c, Move::Serve { on }, now.date(), &cal)?;
            let mut after = c.clone();
            after.state = next;
            after.served_on = Some(on);
            save(&mut w, &after, now).await?;
            log(
                &mut w, id, now, by, Action::Serve, None, Some(snapshot(c)),
                Some(with(&after, json!({"review_last_day": review_last_day(&cal, on).to_string()}))),
            )
            .await?;
        });
        Ok(())
    }

    /// 申请复核 (第十九条): a review request filed on `on` (by the party's account, or
    /// recorded by an official), with its grounds. Refused when filed after the 15th
    /// working day from service ([`CaseRefusal::ReviewLate`] names the last day), or a
    /// second time. The review decision is due 15 working days after the request.
    #[allow(clippy::too_many_arguments)]
    pub async fn request_review(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        on: NaiveDate,
        grounds: &str,
    ) -> Result<NaiveDate> {
        let cal = self.calendar().await?;
        let grounds = required(grounds, "a review request (复核理由)")?;
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, true).await?;
            let c = &s.case;
            let next = step(c, Move::RequestReview { on }, now.date(), &cal)?;
            let due = review_due(&cal, on, false);
            let mut after = c.clone();
            after.state = next;
            after.review = Some(Review {
                requested_on: on,
                due,
                extended_reason: None,
                prior: c.state,
                outcome: None,
                decided_on: None,
            });
            save(&mut w, &after, now).await?;
            log(&mut w, id, now, by, Action::RequestReview, Some(grounds), Some(snapshot(c)), Some(snapshot(&after))).await?;
            due
        }))
    }

    /// 延长复核期限 (第十九条 "特殊情况可延长10个工作日,并书面告知申请人"): once, with a
    /// reason, before the decision is due. Returns the new due date.
    pub async fn extend_review(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        reason: &str,
    ) -> Result<NaiveDate> {
        let cal = self.calendar().await?;
        let reason = required(reason, "extending the review period (特殊情况)")?;
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let next = step(c, Move::ExtendReview, now.date(), &cal)?;
            let mut after = c.clone();
            after.state = next;
            let r = after.review.as_mut().expect("checked by the transition");
            r.due = review_due(&cal, r.requested_on, true);
            r.extended_reason = Some(reason.to_string());
            let due = r.due;
            save(&mut w, &after, now).await?;
            log(&mut w, id, now, by, Action::ExtendReview, Some(reason), Some(snapshot(c)), Some(snapshot(&after))).await?;
            due
        }))
    }

    /// 复核决定 (第十九条), with the 复核决定书 ([`review_decision_text`]): uphold
    /// (back to where the case was), change (the effects rolled back, the decision
    /// replaced by `changed` — required, [`amend`] — to be executed again) or annul
    /// (the effects rolled back, the case closed). Returns the document.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_review(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        outcome: ReviewOutcome,
        reason: &str,
        changed: Option<&Amendment>,
        issuer: &Issuer,
    ) -> Result<Document> {
        let cal = self.calendar().await?;
        let today = now.date();
        let reason = required(reason, "a review decision (复核意见)")?;
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let next = step(c, Move::DecideReview { outcome }, today, &cal)?;
            let new_decision = match (outcome, changed) {
                (ReviewOutcome::Change, Some(a)) => Some(amend(c.decision.as_ref(), a, c.party.kind())?),
                (ReviewOutcome::Change, None) => return refused(CaseRefusal::NoSanction),
                _ => None,
            };
            let mut after = c.clone();
            after.state = next;
            let rolled = match outcome {
                ReviewOutcome::Uphold => Vec::new(),
                ReviewOutcome::Change | ReviewOutcome::Annul => {
                    after.executed_on = None;
                    after.rectify_due = None;
                    roll_back(&mut w, c, reason, by, now).await?
                }
            };
            if let Some(d) = &new_decision {
                after.decision = Some(d.clone());
            }
            if let Some(r) = after.review.as_mut() {
                r.outcome = Some(outcome);
                r.decided_on = Some(today);
            }
            let original = latest_number(&mut w, id, DocumentKind::Decision).await?;
            let doc = issue(&mut w, id, DocumentKind::ReviewDecision, issuer, now, by, |number| {
                review_decision_text(&after, outcome, reason, new_decision.as_ref(), original.as_deref(), issuer, number, today)
            })
            .await?;
            if outcome == ReviewOutcome::Annul {
                w.execute(
                    "UPDATE cases SET outcome = $1 WHERE case_id = $2".into(),
                    &[text(format!("复核撤销原处理决定:{reason}")), Value::Int(id)],
                )
                .await?;
            }
            save(&mut w, &after, now).await?;
            log(
                &mut w, id, now, by, Action::DecideReview, Some(reason), Some(snapshot(c)),
                Some(with(&after, json!({"outcome": outcome.code(), "document": doc.number, "rolled_back": effects_json(&rolled)}))),
            )
            .await?;
            doc
        }))
    }

    /// 执行: applies the served decision and records every change in `case_effects`
    /// with its before and after:
    ///
    /// - 暂停评价 / 终止备案: `institutions.status` → `suspended` / `terminated`,
    ///   `status_since` = today (and a `suspend` / `terminate` registration event);
    /// - 证书作废 / 撤销证书数据: `certificates.status` → `void` / `revoked` for the
    ///   certificates of the findings (an institution) or the candidate's from the
    ///   institution;
    /// - 禁考: a `candidate_bars` row (today through the same day `years` later, less
    ///   a day);
    /// - 吊销考评员证 / 暂停督导 / 取消资格: `personnel.valid_to` → today;
    /// - 诚信不良档案: a `credit_records` row; 约束措施: one `institution_constraints`
    ///   row per measure;
    /// - for an institution, a `sanctions` row (decided_on, item, severity,
    ///   disposition), which screening's escalation of repeat offenders reads.
    ///
    /// With 限期整改 the case moves to 整改 with the deadline counted in working days
    /// from today; otherwise to 执行. Returns the effects.
    pub async fn execute(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
    ) -> Result<Vec<Effect>> {
        let cal = self.calendar().await?;
        let today = now.date();
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let next = step(c, Move::Execute, today, &cal)?;
            let decision = c.decision.clone().expect("checked by the transition");
            let applied = apply(&mut w, c, &decision, by, now).await?;
            let mut after = c.clone();
            after.state = next;
            after.executed_on = Some(today);
            after.rectification_reports = 0;
            after.rectify_due = decision.rectification_days().map(|n| rectify_due(&cal, today, n));
            save(&mut w, &after, now).await?;
            log(
                &mut w, id, now, by, Action::Execute, None, Some(snapshot(c)),
                Some(with(&after, json!({"effects": effects_json(&applied)}))),
            )
            .await?;
            applied
        }))
    }

    /// 整改验收: accepted — the suspension this case applied is lifted (recorded as an
    /// effect and a `reinstate` registration event) and the case closed (not while
    /// the review window is open); rejected (with a reason; possible without a report
    /// once the deadline has passed) — 第十四条(七) "已被警告,整改后再次违反": a new
    /// proposal of 终止备案 ([`escalate_on_failed_rectification`]), to be notified and
    /// decided again; the case becomes 评价要情.
    #[allow(clippy::too_many_arguments)]
    pub async fn check_rectification(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        accepted: bool,
        reason: &str,
        book: &Rulebook,
    ) -> Result<CaseState> {
        let cal = self.calendar().await?;
        let today = now.date();
        let reason = if accepted {
            reason.trim()
        } else {
            required(reason, "rejecting a rectification (整改不合格)")?
        };
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let next = step(c, Move::CheckRectification { accepted }, today, &cal)?;
            let mut after = c.clone();
            after.state = next;
            let mut extra = json!({"accepted": accepted});
            if accepted {
                let suspended_here = effects(&mut w, id, true).await?.iter().any(|e| {
                    e.kind == "institution_status"
                        && e.after.as_ref().and_then(|a| a.get("status")).and_then(|s| s.as_str()) == Some("suspended")
                });
                if suspended_here
                    && let Some((b, a)) = set_status(
                        &mut w, c, c.institution_id.as_str(), Some(&["suspended"]), "active", Some(today),
                        domain::registration::Action::Reinstate, "整改验收合格,恢复评价活动", by, now,
                    )
                    .await?
                {
                    let e = record_effect(&mut w, id, "institution_status", c.institution_id.as_str(), Some(b), Some(a), now).await?;
                    extra["effects"] = effects_json(&[e]);
                }
                w.execute(
                    "UPDATE cases SET outcome = $1 WHERE case_id = $2".into(),
                    &[text(if reason.is_empty() { "整改验收合格".to_string() } else { format!("整改验收合格:{reason}") }), Value::Int(id)],
                )
                .await?;
            } else {
                let decided = c.decision.clone().ok_or(Error::CaseRefused { reason: CaseRefusal::NoDecision })?;
                let p = escalate_on_failed_rectification(&decided, book, reason);
                after.proposal = Some(p);
                after.notified_on = None;
                after.statements = 0;
                after.executed_on = None;
                after.rectify_due = None;
                if !c.major {
                    after.major = true;
                    w.execute(
                        "UPDATE cases SET major_ground = 'repeated', major_note = $1 WHERE case_id = $2".into(),
                        &[text("警告后整改不合格,拟终止备案(第二十条 多次违纪违规)"), Value::Int(id)],
                    )
                    .await?;
                }
            }
            save(&mut w, &after, now).await?;
            log(
                &mut w, id, now, by, Action::CheckRectification, Some(reason).filter(|r| !r.is_empty()),
                Some(snapshot(c)), Some(with(&after, extra)),
            )
            .await?;
            next
        }))
    }

    /// 结案: closes an executed case without rectification, once the review window
    /// has passed.
    pub async fn close_case(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        note: &str,
    ) -> Result<()> {
        let cal = self.calendar().await?;
        let note = note.trim();
        in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let next = step(c, Move::Close, now.date(), &cal)?;
            let mut after = c.clone();
            after.state = next;
            w.execute(
                "UPDATE cases SET outcome = $1 WHERE case_id = $2".into(),
                &[text(if note.is_empty() { "执行完毕,结案" } else { note }), Value::Int(id)],
            )
            .await?;
            save(&mut w, &after, now).await?;
            log(&mut w, id, now, by, Action::Close, Some(note).filter(|n| !n.is_empty()), Some(snapshot(c)), Some(snapshot(&after))).await?;
        });
        Ok(())
    }

    /// 不予处理: closes a case after 核查 without a sanction, with the reason.
    pub async fn drop_case(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        reason: &str,
    ) -> Result<()> {
        let cal = self.calendar().await?;
        let reason = required(reason, "closing without a sanction (不予处理)")?;
        in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let next = step(c, Move::Drop, now.date(), &cal)?;
            let mut after = c.clone();
            after.state = next;
            w.execute(
                "UPDATE cases SET outcome = $1 WHERE case_id = $2".into(),
                &[text(reason), Value::Int(id)],
            )
            .await?;
            save(&mut w, &after, now).await?;
            log(&mut w, id, now, by, Action::Drop, Some(reason), Some(snapshot(c)), Some(snapshot(&after))).await?;
        });
        Ok(())
    }

    /// 评价要情 (第二十条): marks the case major with its ground; major cases are
    /// listed for every level above up to the province ([`Store::major_cases`]).
    pub async fn mark_major(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        ground: MajorGround,
        note: &str,
    ) -> Result<()> {
        let note = note.trim();
        in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            let c = &s.case;
            let mut after = c.clone();
            after.major = true;
            w.execute(
                "UPDATE cases SET major_ground = $1, major_note = $2 WHERE case_id = $3".into(),
                &[text(ground.code()), opt_text(Some(note).filter(|n| !n.is_empty())), Value::Int(id)],
            )
            .await?;
            save(&mut w, &after, now).await?;
            log(
                &mut w, id, now, by, Action::MarkMajor, Some(note).filter(|n| !n.is_empty()),
                Some(snapshot(c)), Some(with(&after, json!({"ground": ground.code()}))),
            )
            .await?;
        });
        Ok(())
    }

    /// Attaches evidence or an on-site record (an official's act). An on-site record of
    /// a candidate's violation needs 2 or more signers (第十五条). Returns its id.
    #[allow(clippy::too_many_arguments)]
    pub async fn attach(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        kind: AttachmentKind,
        file_name: &str,
        content: &[u8],
        signers: &[String],
        note: &str,
    ) -> Result<i64> {
        let file_name = file_name.trim();
        if file_name.is_empty() {
            return refused(CaseRefusal::ReasonRequired {
                what: "an attachment (file name)",
            });
        }
        let signers: Vec<String> = signers
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let note = Some(note.trim()).filter(|n| !n.is_empty());
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id, false).await?;
            if s.case.state.is_final() {
                return refused(CaseRefusal::NotPossible { state: s.case.state, action: Action::Attach });
            }
            check_signers(kind, s.case.party.kind(), &signers)?;
            let signers_json = (!signers.is_empty()).then(|| json!(signers).to_string());
            let attachment_id: i64 = sqlx::query_scalar(
                "INSERT INTO case_attachments (case_id, kind, file_name, content, size, signers, note, uploaded_at, uploaded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING attachment_id",
            )
            .bind(id)
            .bind(kind.code())
            .bind(file_name)
            .bind(content)
            .bind(content.len() as i64)
            .bind(signers_json)
            .bind(note)
            .bind(now)
            .bind(by)
            .fetch_one(&mut *w.tx)
            .await
            .map_err(|source| Error::Sql { context: "writing case_attachments".into(), source })?;
            log(
                &mut w, id, now, by, Action::Attach, None, None,
                Some(json!({"attachment_id": attachment_id, "kind": kind.code(), "file_name": file_name, "size": content.len(), "signers": signers})),
            )
            .await?;
            attachment_id
        }))
    }

    /// The name and content of an attachment of a case the caller may see internally
    /// (not an institution's own account).
    pub async fn attachment(
        &self,
        scope: &DataScope,
        id: i64,
        attachment_id: i64,
    ) -> Result<Option<(String, Vec<u8>)>> {
        if is_party_scope(scope) {
            return Ok(None);
        }
        let visible = in_transaction!(read self, w => match guard(&mut w, scope, id, false).await {
            Ok(_) => true,
            Err(Error::NoSuchCase(_)) => false,
            Err(e) => return Err(e),
        });
        if !visible {
            return Ok(None);
        }
        let row: Option<(String, Vec<u8>)> = dispatch!(&self.db, pool =>
            sqlx::query_as("SELECT file_name, content FROM case_attachments WHERE attachment_id = $1 AND case_id = $2")
                .bind(attachment_id)
                .bind(id)
                .fetch_optional(pool)
                .await
                .map_err(|source| Error::Sql { context: "reading case_attachments".into(), source })?);
        Ok(row)
    }

    /// One case with its file, for its page, or `None` when it does not exist or is
    /// out of the caller's scope. The party's own account gets no internal material
    /// (`internal` = false).
    pub async fn case(
        &self,
        scope: &DataScope,
        id: i64,
        today: NaiveDate,
    ) -> Result<Option<CaseDetail>> {
        let cal = self.calendar().await?;
        in_transaction!(read self, w => {
            let s = match guard(&mut w, scope, id, true).await {
                Ok(s) => s,
                Err(Error::NoSuchCase(_)) => return Ok(None),
                Err(e) => return Err(e),
            };
            let internal = !is_party_scope(scope);
            let institution_name = institution(&mut w, &s.case.institution_id).await?.map(|(_, n, _)| n);
            let findings = if internal { case_findings(&mut w, id).await? } else { Vec::new() };
            let events = if internal { case_events(&mut w, id).await? } else { Vec::new() };
            let documents = documents(&mut w, id).await?;
            let attachments = if internal { attachments(&mut w, id).await? } else { Vec::new() };
            let statements = statements(&mut w, id).await?;
            let effects = effects(&mut w, id, false).await?;
            let recusals = recusals(&mut w, id).await?;
            let mut case = s.case;
            if !internal
                && matches!(case.state, CaseState::Investigating | CaseState::Proposed | CaseState::Dropped)
            {
                case.proposal = None;
            }
            let next_deadline = next_deadline(&case, today, &cal);
            let statement_due = case.notified_on.map(|n| statement_due(&cal, n));
            let review_last_day = case.served_on.map(|d| review_last_day(&cal, d));
            Ok(Some(CaseDetail {
                case,
                internal,
                institution_name,
                opened_at: s.opened_at,
                opened_by: s.opened_by,
                major_ground: s.major_ground,
                major_note: s.major_note,
                outcome: s.outcome,
                closed_at: s.closed_at,
                findings,
                events,
                documents,
                attachments,
                statements,
                effects,
                recusals,
                next_deadline,
                statement_due,
                review_last_day,
            }))
        })
    }

    /// 案件管理: cases in scope matching `f`, newest first. Columns: `case_id`,
    /// `number`, `party_kind`, `party_name`, `institution_id`, `institution_name`,
    /// `candidate_id` (candidates; mask it), `person_id` (staff), `source_kind`,
    /// `state`, `major`, `major_ground`, `opened_at`, `updated_at`.
    pub async fn cases(&self, scope: &DataScope, f: &CaseFilter, paging: Paging) -> Result<Grid> {
        let (from_where, values) = case_query(scope, f);
        let select: Vec<&str> = CASE_LIST.iter().map(|(_, e, _)| *e).collect();
        let kinds: Vec<Kind> = CASE_LIST.iter().map(|(_, _, k)| *k).collect();
        let offset = u64::from(paging.page.max(1) - 1) * u64::from(paging.per_page);
        in_transaction!(read self, w => {
            let rows = w
                .fetch(
                    format!(
                        "SELECT {} {from_where} ORDER BY c.case_id DESC LIMIT {} OFFSET {offset}",
                        select.join(", "),
                        paging.per_page
                    ),
                    &values,
                    &kinds,
                )
                .await?;
            let total = w
                .fetch(format!("SELECT COUNT(*) {from_where}"), &values, &[Kind::Int])
                .await?
                .first()
                .map_or(0, |r| r[0].int() as u64);
            Ok(Grid {
                columns: CASE_LIST.iter().map(|(n, _, _)| *n).collect(),
                rows: rows.iter().map(|r| r.iter().map(display).collect()).collect(),
                total,
            })
        })
    }

    /// 评价要情 (第二十条): the major cases in scope — a province official sees every
    /// city's, a city its own.
    pub async fn major_cases(&self, scope: &DataScope) -> Result<Grid> {
        self.cases(
            scope,
            &CaseFilter {
                major: true,
                ..CaseFilter::default()
            },
            Paging::export(),
        )
        .await
    }

    /// The open cases in scope whose next deadline is overdue or due within
    /// [`domain::case::DUE_SOON_WORKING_DAYS`] working days on `today`, soonest first
    /// (for 首页).
    pub async fn deadlines(
        &self,
        scope: &DataScope,
        today: NaiveDate,
        calendar: &Calendar,
    ) -> Result<Vec<DueCase>> {
        let (from_where, values) = case_query(
            scope,
            &CaseFilter {
                open: true,
                ..CaseFilter::default()
            },
        );
        in_transaction!(read self, w => {
            let ids = w
                .fetch(format!("SELECT c.case_id {from_where} ORDER BY c.case_id"), &values, &[Kind::Int])
                .await?;
            let mut out = Vec::new();
            for r in ids {
                let Some(s) = load(&mut w, r[0].int()).await? else { continue };
                if let Some(d) = next_deadline(&s.case, today, calendar).filter(|d| d.is_pressing()) {
                    out.push(DueCase {
                        case_id: s.case.case_id,
                        number: s.case.number.clone(),
                        party_name: s.case.party_name.clone(),
                        institution_id: s.case.institution_id.clone(),
                        state: s.case.state,
                        deadline: d,
                    });
                }
            }
            out.sort_by_key(|d| (d.deadline.due, d.case_id));
            Ok(out)
        })
    }

    /// The candidate bars (第六条, 第七条) in force on `as_of` (not lifted by a
    /// review): (ID number, first day, last day, case id), by ID number. Not scoped:
    /// screening checks every enrollment against them.
    pub async fn active_bars(
        &self,
        as_of: NaiveDate,
    ) -> Result<Vec<(String, NaiveDate, NaiveDate, i64)>> {
        in_transaction!(read self, w => {
            let rows = w
                .fetch(
                    "SELECT id_number, barred_from, barred_until, case_id FROM candidate_bars \
                     WHERE lifted_at IS NULL AND barred_from <= $1 AND barred_until >= $1 \
                     ORDER BY id_number, barred_from"
                        .into(),
                    &[Value::Date(as_of)],
                    &[Kind::Text, Kind::Date, Kind::Date, Kind::Int],
                )
                .await?;
            Ok(rows
                .iter()
                .filter_map(|r| Some((r[0].text()?, r[1].date()?, r[2].date()?, r[3].int())))
                .collect())
        })
    }

    /// Every candidate bar not lifted by a review, whatever its dates (screening
    /// flags an application made inside any of them), by ID number.
    pub async fn candidate_bars(&self) -> Result<Vec<CandidateBar>> {
        in_transaction!(read self, w => {
            let rows = w
                .fetch(
                    "SELECT b.id_number, b.barred_from, b.barred_until, b.case_id, c.number \
                     FROM candidate_bars b JOIN cases c ON c.case_id = b.case_id \
                     WHERE b.lifted_at IS NULL ORDER BY b.id_number, b.barred_from"
                        .into(),
                    &[],
                    &[Kind::Text, Kind::Date, Kind::Date, Kind::Int, Kind::Text],
                )
                .await?;
            Ok(rows
                .iter()
                .filter_map(|r| {
                    Some(CandidateBar {
                        id_number: r[0].text()?,
                        from: r[1].date()?,
                        until: r[2].date()?,
                        case_id: r[3].int(),
                        case_number: r[4].text().unwrap_or_default(),
                    })
                })
                .collect())
        })
    }

    /// The constraint measures (监督管理办法 第十七条) on an institution in force on
    /// `as_of` (not lifted by a review): (measure, first day, last day, case id).
    pub async fn constraints(
        &self,
        scope: &DataScope,
        institution_id: &InstitutionId,
        as_of: NaiveDate,
    ) -> Result<Vec<(Measure, NaiveDate, NaiveDate, i64)>> {
        in_transaction!(read self, w => {
            if !in_scope(&mut w, scope, institution_id).await? {
                return Ok(Vec::new());
            }
            let rows = w
                .fetch(
                    "SELECT measure, valid_from, valid_until, case_id FROM institution_constraints \
                     WHERE institution_id = $1 AND lifted_at IS NULL AND valid_from <= $2 AND valid_until >= $2 \
                     ORDER BY constraint_id"
                        .into(),
                    &[text(institution_id.as_str()), Value::Date(as_of)],
                    &[Kind::Text, Kind::Date, Kind::Date, Kind::Int],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        parse("institution_constraints", "measure", &r[0], Measure::parse)?,
                        r[1].date().unwrap_or_default(),
                        r[2].date().unwrap_or_default(),
                        r[3].int(),
                    ))
                })
                .collect()
        })
    }

    /// 处理档案 (第二十一条) for the xlsx export: one row per case in scope with its
    /// decision, documents, review and outcome. Columns: `number`, `party_kind`,
    /// `party_name`, `institution_id`, `candidate_id` (mask it), `person_id`,
    /// `source_kind`, `summary`, `state`, `major`, `opened_at`, `opened_by`,
    /// `severity`, `measures`, `basis`, `override_reason`, `notice_number`,
    /// `decided_on`, `decision_number`, `served_on`, `review_outcome`,
    /// `review_number`, `executed_on`, `effects`, `closed_at`, `outcome`.
    pub async fn case_register(&self, scope: &DataScope) -> Result<Grid> {
        let (from_where, values) = case_query(scope, &CaseFilter::default());
        const COLUMNS: [&str; 26] = [
            "number",
            "party_kind",
            "party_name",
            "institution_id",
            "candidate_id",
            "person_id",
            "source_kind",
            "summary",
            "state",
            "major",
            "opened_at",
            "opened_by",
            "severity",
            "measures",
            "basis",
            "override_reason",
            "notice_number",
            "decided_on",
            "decision_number",
            "served_on",
            "review_outcome",
            "review_number",
            "executed_on",
            "effects",
            "closed_at",
            "outcome",
        ];
        in_transaction!(read self, w => {
            let ids = w
                .fetch(format!("SELECT c.case_id {from_where} ORDER BY c.case_id"), &values, &[Kind::Int])
                .await?;
            let mut rows = Vec::new();
            for r in ids {
                let Some(s) = load(&mut w, r[0].int()).await? else { continue };
                let c = &s.case;
                let docs = documents(&mut w, c.case_id).await?;
                let number = |k: DocumentKind| {
                    let v: Vec<&str> = docs.iter().filter(|d| d.kind == k).map(|d| d.number.as_str()).collect();
                    (!v.is_empty()).then(|| v.join("、"))
                };
                let fx = effects(&mut w, c.case_id, false).await?;
                let outcome = c.decision.as_ref().or(c.proposal.as_ref());
                let date = |d: Option<NaiveDate>| d.map(|d| d.to_string());
                let time = |t: Option<NaiveDateTime>| t.map(|t| t.format("%Y-%m-%d %H:%M").to_string());
                rows.push(vec![
                    Some(c.number.clone()),
                    Some(c.party.kind().code().to_string()),
                    Some(c.party_name.clone()),
                    Some(c.institution_id.to_string()),
                    matches!(c.party, Party::Candidate { .. }).then(|| c.party.id().to_string()),
                    matches!(c.party, Party::Staff { .. }).then(|| c.party.id().to_string()),
                    Some(c.source.kind().code().to_string()),
                    Some(c.summary.clone()),
                    Some(c.state.code().to_string()),
                    Some(if c.major { "是" } else { "否" }.to_string()),
                    time(Some(s.opened_at)),
                    Some(s.opened_by.clone()),
                    outcome.map(|p| p.severity.code().to_string()),
                    outcome.map(Proposal::summary),
                    outcome.map(|p| p.basis.join("、")),
                    outcome.and_then(|p| p.override_reason.clone()),
                    number(DocumentKind::Notice),
                    date(c.decided_on),
                    number(DocumentKind::Decision),
                    date(c.served_on),
                    c.review.as_ref().and_then(|r| r.outcome).map(|o| o.code().to_string()),
                    number(DocumentKind::ReviewDecision),
                    date(c.executed_on),
                    (!fx.is_empty()).then(|| {
                        fx.iter()
                            .map(|e| format!("{} {}{}", e.kind, e.target, if e.rolled_back_at.is_some() { "(已撤回)" } else { "" }))
                            .collect::<Vec<_>>()
                            .join("; ")
                    }),
                    time(s.closed_at),
                    s.outcome.clone(),
                ]);
            }
            let total = rows.len() as u64;
            Ok(Grid { columns: COLUMNS.to_vec(), rows, total })
        })
    }
}

async fn case_events<W: Writer>(w: &mut W, id: i64) -> Result<Vec<CaseEvent>> {
    use Kind::*;
    w.fetch(
        "SELECT event_id, at, by_user, action, reason, before, after FROM case_events \
         WHERE case_id = $1 ORDER BY event_id"
            .into(),
        &[Value::Int(id)],
        &[Int, DateTime, Text, Text, Text, Text, Text],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(CaseEvent {
            event_id: r[0].int(),
            at: r[1].datetime().unwrap_or_default(),
            by_user: r[2].text().unwrap_or_default(),
            action: parse("case_events", "action", &r[3], Action::parse)?,
            reason: r[4].text(),
            before: parse_json!("case_events", "before", &r[5])?,
            after: parse_json!("case_events", "after", &r[6])?,
        })
    })
    .collect()
}

async fn documents<W: Writer>(w: &mut W, id: i64) -> Result<Vec<StoredDocument>> {
    use Kind::*;
    w.fetch(
        "SELECT document_id, kind, number, body, issued_at, issued_by FROM case_documents \
         WHERE case_id = $1 ORDER BY document_id"
            .into(),
        &[Value::Int(id)],
        &[Int, Text, Text, Text, DateTime, Text],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(StoredDocument {
            document_id: r[0].int(),
            kind: parse("case_documents", "kind", &r[1], DocumentKind::parse)?,
            number: r[2].text().unwrap_or_default(),
            document: parse_json!("case_documents", "body", &r[3])?
                .ok_or_else(|| corrupt("case_documents", "body", "", "missing".into()))?,
            issued_at: r[4].datetime().unwrap_or_default(),
            issued_by: r[5].text().unwrap_or_default(),
        })
    })
    .collect()
}

async fn attachments<W: Writer>(w: &mut W, id: i64) -> Result<Vec<AttachmentInfo>> {
    use Kind::*;
    w.fetch(
        "SELECT attachment_id, kind, file_name, size, signers, note, uploaded_at, uploaded_by \
         FROM case_attachments WHERE case_id = $1 ORDER BY attachment_id"
            .into(),
        &[Value::Int(id)],
        &[Int, Text, Text, Int, Text, Text, DateTime, Text],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(AttachmentInfo {
            attachment_id: r[0].int(),
            kind: parse("case_attachments", "kind", &r[1], AttachmentKind::parse)?,
            file_name: r[2].text().unwrap_or_default(),
            size: r[3].int(),
            signers: parse_json!("case_attachments", "signers", &r[4])?.unwrap_or_default(),
            note: r[5].text(),
            uploaded_at: r[6].datetime().unwrap_or_default(),
            uploaded_by: r[7].text().unwrap_or_default(),
        })
    })
    .collect()
}

async fn statements<W: Writer>(w: &mut W, id: i64) -> Result<Vec<StoredStatement>> {
    use Kind::*;
    w.fetch(
        "SELECT statement_id, kind, text, by_user, at, late FROM case_statements \
         WHERE case_id = $1 ORDER BY statement_id"
            .into(),
        &[Value::Int(id)],
        &[Int, Text, Text, Text, DateTime, Bool],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(StoredStatement {
            statement_id: r[0].int(),
            kind: parse("case_statements", "kind", &r[1], StatementKind::parse)?,
            text: r[2].text().unwrap_or_default(),
            by_user: r[3].text().unwrap_or_default(),
            at: r[4].datetime().unwrap_or_default(),
            late: boolean(&r[5]),
        })
    })
    .collect()
}

async fn recusals<W: Writer>(w: &mut W, id: i64) -> Result<Vec<StoredRecusal>> {
    use Kind::*;
    w.fetch(
        "SELECT recusal_id, investigator, reason, requested_at, requested_by, status, decision_reason \
         FROM case_recusals WHERE case_id = $1 ORDER BY recusal_id"
            .into(),
        &[Value::Int(id)],
        &[Int, Text, Text, DateTime, Text, Text, Text],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(StoredRecusal {
            recusal_id: r[0].int(),
            investigator: r[1].text().unwrap_or_default(),
            reason: r[2].text().unwrap_or_default(),
            requested_at: r[3].datetime().unwrap_or_default(),
            requested_by: r[4].text().unwrap_or_default(),
            status: parse("case_recusals", "status", &r[5], domain::case::RecusalStatus::parse)?,
            decision_reason: r[6].text(),
        })
    })
    .collect()
}
