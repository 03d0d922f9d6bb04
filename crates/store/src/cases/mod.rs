//! 违纪违规案件 in the store: the case is the worked example of the workflow core
//! ([`domain::workflow`], [`crate::workflow`]). The rules are [`domain::case`]'s:
//! for each move this module reads the case and the [`Facts`] the move needs,
//! asks [`Case::act`] for the whole outcome and records it in the same
//! transaction ([`crate::workflow::record_outcome`]) — the case row, its file
//! (处理档案, 第二十一条), its documents, statements and recusals, and the effects
//! of execution with their before and after (undone by a review that changes or
//! annuls the decision).
//!
//! - Every function takes the caller's [`DataScope`] (谁备案谁监管): a case is in scope
//!   when the institution it belongs to (the party itself, or the institution where
//!   the candidate's or staff member's violation happened) is, through
//!   [`crate::scope::condition`]. A case out of scope answers like a missing one
//!   ([`Error::NoSuchCase`]).
//! - An institution's own account (scope `Institution`) is the party's side: it
//!   sees the cases against its institution once investigated (not 线索), without
//!   internal material (findings, attachments, events, a proposal not yet
//!   notified), and makes the party's moves only; the domain refuses the others
//!   ([`Error::Forbidden`]). Other refusals are [`Error::CaseRefused`].
//!
//! - [`moves`]: the moves ([`Store::act_on_case`] and one method per move),
//!   opening a case and declaring a conflict of interest.
//! - [`facts`]: what a move reads before it is decided.
//! - [`record`]: how the case, its records and its effects are written.
//! - [`queries`]: the case page, the lists, deadlines, bars and the register.
//!
//! Case writes are serialized: SQLite write transactions take the write lock at
//! once, and on PostgreSQL every case write first takes a transaction advisory lock
//! (the per-year numbers of cases and documents are read, then written).

mod facts;
mod moves;
mod queries;
mod record;

pub use crate::workflow::{Applied, StoredEffect as Effect};
pub use domain::case::NewCase;
pub use moves::Moved;

use crate::error::{Error, Result};
use crate::scope::{Via, condition};
use crate::tx::{Writer, fetch_one, in_transaction};
use crate::value::{Value, row_struct, select};
use crate::{Backend, Store};
use chrono::{NaiveDate, NaiveDateTime};
use domain::access::DataScope;
use domain::case::{
    Action, AttachmentKind, Case, CaseRefusal, CaseState, Deadline, Document, DocumentKind,
    MajorGround, Party, PartyKind, Procedure, Proposal, Recusal, RecusalStatus, Review,
    ReviewOutcome, Side, Source, SourceKind, StatementKind,
};
use domain::ids::InstitutionId;
use domain::workflow::{Refusal as _, RefusalKind};
use serde_json::Value as Json;

/// The PostgreSQL advisory lock key that serializes case writes ("zjca").
const CASES_LOCK: i64 = 0x7a6a_6361;

row_struct! {
    /// One event of the case file.
    #[derive(Debug, Clone, PartialEq)]
    pub struct CaseEvent in "case_events" {
        pub event_id: i64 = "event_id",
        pub at: NaiveDateTime = "at",
        pub by_user: String = "by_user",
        pub action: Action = "action",
        pub reason: Option<String> = "reason",
        pub before: Option<Json> = "before",
        pub after: Option<Json> = "after",
    }
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

row_struct! {
    /// A document issued in a case.
    #[derive(Debug, Clone, PartialEq)]
    pub struct StoredDocument in "case_documents" {
        pub document_id: i64 = "document_id",
        pub kind: DocumentKind = "kind",
        pub number: String = "number",
        pub document: Document = "body",
        pub issued_at: NaiveDateTime = "issued_at",
        pub issued_by: String = "issued_by",
    }
}

row_struct! {
    /// An attached file, without its content ([`Store::attachment`] reads that).
    #[derive(Debug, Clone, PartialEq)]
    pub struct AttachmentInfo in "case_attachments" {
        pub attachment_id: i64 = "attachment_id",
        pub kind: AttachmentKind = "kind",
        pub file_name: String = "file_name",
        pub size: i64 = "size",
        pub signers: Vec<String> = "COALESCE(signers, '[]')",
        pub note: Option<String> = "note",
        pub uploaded_at: NaiveDateTime = "uploaded_at",
        pub uploaded_by: String = "uploaded_by",
    }
}

row_struct! {
    /// A statement (陈述申辩) or rectification report (整改报告) of the party.
    #[derive(Debug, Clone, PartialEq)]
    pub struct StoredStatement in "case_statements" {
        pub statement_id: i64 = "statement_id",
        pub kind: StatementKind = "kind",
        pub text: String = "text",
        pub by_user: String = "by_user",
        pub at: NaiveDateTime = "at",
        /// Submitted after its deadline (kept, and shown as late).
        pub late: bool = "late",
    }
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
    pub closed_at: Option<NaiveDateTime>,
    pub findings: Vec<CaseFinding>,
    pub events: Vec<CaseEvent>,
    pub documents: Vec<StoredDocument>,
    pub attachments: Vec<AttachmentInfo>,
    pub statements: Vec<StoredStatement>,
    pub effects: Vec<Effect>,
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

/// A staff member's suspension (第八条 取消当年参加评价工作的资格, 第十一条 暂停督导
/// 工作): no evaluation work from `from` through `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSuspension {
    pub person_id: String,
    /// The measure's code (`disqualify_staff`, `suspend_supervisor`).
    pub measure: String,
    pub from: NaiveDate,
    pub until: NaiveDate,
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

row_struct! {
    /// A `cases` row. Every column the schema declares NOT NULL is a required
    /// field here: a NULL is [`Error::Corrupt`], never a default date.
    struct CaseRow in "cases" {
        case_id: i64 = "case_id",
        number: String = "number",
        party_kind: PartyKind = "party_kind",
        party_id: String = "party_id",
        party_name: String = "party_name",
        institution_id: InstitutionId = "institution_id",
        source_kind: SourceKind = "source_kind",
        source_detail: Option<String> = "source_detail",
        summary: String = "summary",
        state: CaseState = "state",
        major: bool = "major",
        major_ground: Option<MajorGround> = "major_ground",
        major_note: Option<String> = "major_note",
        opened_at: NaiveDateTime = "opened_at",
        opened_by: String = "opened_by",
        proposal: Option<Proposal> = "proposal",
        notified_on: Option<NaiveDate> = "notified_on",
        decision: Option<Proposal> = "decision",
        decided_on: Option<NaiveDate> = "decided_on",
        served_on: Option<NaiveDate> = "served_on",
        review_requested_on: Option<NaiveDate> = "review_requested_on",
        review_due: Option<NaiveDate> = "review_due",
        review_extended_reason: Option<String> = "review_extended_reason",
        review_prior_state: Option<CaseState> = "review_prior_state",
        review_outcome: Option<ReviewOutcome> = "review_outcome",
        review_decided_on: Option<NaiveDate> = "review_decided_on",
        executed_on: Option<NaiveDate> = "executed_on",
        rectify_due: Option<NaiveDate> = "rectify_due",
        closed_at: Option<NaiveDateTime> = "closed_at",
        outcome: Option<String> = "outcome",
    }
}

row_struct! {
    /// A `case_recusals` row.
    struct RecusalRow in "case_recusals" {
        recusal_id: i64 = "recusal_id",
        investigator: String = "investigator",
        reason: String = "reason",
        requested_at: NaiveDateTime = "requested_at",
        requested_by: String = "requested_by",
        status: RecusalStatus = "status",
        decision_reason: Option<String> = "decision_reason",
    }
}

/// A case as stored, with the columns the domain's [`Case`] does not carry.
#[derive(Debug, Clone)]
struct Stored {
    case: Case,
    opened_at: NaiveDateTime,
    opened_by: String,
    closed_at: Option<NaiveDateTime>,
}

fn text(s: impl Into<String>) -> Value<'static> {
    Value::Text(s.into().into())
}

fn opt_text(s: Option<&str>) -> Value<'static> {
    s.map_or(Value::Null, text)
}

fn opt_date(d: Option<NaiveDate>) -> Value<'static> {
    d.map_or(Value::NullDate, Value::Date)
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

/// A refusal of the rules as the store reports it: one the party's side may not
/// make at all is [`Error::Forbidden`], the others [`Error::CaseRefused`].
fn refused(reason: CaseRefusal) -> Error {
    if reason.kind() == RefusalKind::NotAllowed {
        Error::Forbidden(reason.to_string())
    } else {
        Error::CaseRefused { reason }
    }
}

/// Reads case `id` (without scope checks).
async fn load<W: Writer>(w: &mut W, id: i64) -> Result<Option<Stored>> {
    let Some(r) = fetch_one::<CaseRow, _>(
        w,
        format!(
            "SELECT {} FROM cases WHERE case_id = $1",
            select::<CaseRow>()
        ),
        &[Value::Int(id)],
    )
    .await?
    else {
        return Ok(None);
    };
    const T: &str = "cases";
    let party = Party::parse(r.party_kind, &r.party_id, &r.party_name)
        .map_err(|e| corrupt(T, "party_id", &r.party_id, e.to_string()))?;
    let findings: Vec<(i64,)> = w
        .fetch_as(
            "SELECT finding_id FROM case_findings WHERE case_id = $1 ORDER BY finding_id".into(),
            &[Value::Int(id)],
        )
        .await?;
    let investigators: Vec<(String,)> = w
        .fetch_as(
            "SELECT investigator FROM case_investigators WHERE case_id = $1 AND removed_at IS NULL \
             ORDER BY investigator_id"
                .into(),
            &[Value::Int(id)],
        )
        .await?;
    // Statements answer the latest notice; reports the latest execution.
    let (statements, reports) = fetch_one::<(i64, i64), _>(
        w,
        "SELECT \
           (SELECT COUNT(*) FROM case_statements s WHERE s.case_id = $1 AND s.kind = 'statement' \
              AND s.at >= COALESCE((SELECT MAX(e.at) FROM case_events e WHERE e.case_id = $1 AND e.action = 'notify'), s.at)), \
           (SELECT COUNT(*) FROM case_statements s WHERE s.case_id = $1 AND s.kind = 'rectification_report' \
              AND s.at >= COALESCE((SELECT MAX(e.at) FROM case_events e WHERE e.case_id = $1 AND e.action = 'execute'), s.at))"
            .into(),
        &[Value::Int(id)],
    )
    .await?
    .unwrap_or((0, 0));
    let recusals: Vec<RecusalRow> = w
        .fetch_as(
            format!(
                "SELECT {} FROM case_recusals WHERE case_id = $1 ORDER BY recusal_id",
                select::<RecusalRow>()
            ),
            &[Value::Int(id)],
        )
        .await?;
    let review = match r.review_requested_on {
        Some(requested_on) => Some(Review {
            requested_on,
            due: r
                .review_due
                .ok_or_else(|| corrupt(T, "review_due", "", "a value is required".into()))?,
            extended_reason: r.review_extended_reason,
            prior: r.review_prior_state.ok_or_else(|| {
                corrupt(T, "review_prior_state", "", "a value is required".into())
            })?,
            outcome: r.review_outcome,
            decided_on: r.review_decided_on,
        }),
        None => None,
    };
    let case = Case {
        case_id: r.case_id,
        number: r.number,
        party,
        party_name: r.party_name,
        institution_id: r.institution_id,
        source: Source::of(
            r.source_kind,
            r.source_detail,
            findings.into_iter().map(|(f,)| f).collect(),
        ),
        summary: r.summary,
        state: r.state,
        major: r.major,
        major_ground: r.major_ground,
        major_note: r.major_note,
        opened_on: r.opened_at.date(),
        investigators: investigators.into_iter().map(|(i,)| i).collect(),
        recusals: recusals
            .into_iter()
            .map(|x| Recusal {
                recusal_id: x.recusal_id,
                investigator: x.investigator,
                reason: x.reason,
                requested_at: x.requested_at,
                requested_by: x.requested_by,
                status: x.status,
                decision_reason: x.decision_reason,
            })
            .collect(),
        proposal: r.proposal,
        notified_on: r.notified_on,
        statements: statements as u32,
        decision: r.decision,
        decided_on: r.decided_on,
        served_on: r.served_on,
        review,
        executed_on: r.executed_on,
        rectify_due: r.rectify_due,
        rectification_reports: reports as u32,
        outcome: r.outcome,
        closed_on: r.closed_at.map(|t| t.date()),
    };
    Ok(Some(Stored {
        case,
        opened_at: r.opened_at,
        opened_by: r.opened_by,
        closed_at: r.closed_at,
    }))
}

/// The name of an institution, if registered.
async fn institution_name<W: Writer>(w: &mut W, id: &InstitutionId) -> Result<Option<String>> {
    Ok(fetch_one::<(String,), _>(
        w,
        "SELECT name FROM institutions WHERE institution_id = $1".into(),
        &[text(id.as_str())],
    )
    .await?
    .map(|(n,)| n))
}

/// Whether institution `id` is within `scope` (through [`crate::scope::condition`]).
async fn in_scope<W: Writer>(w: &mut W, scope: &DataScope, id: &InstitutionId) -> Result<bool> {
    let (sql, mut values) = condition(scope, Via::Institutions("i"), 2, &|n| format!("${n}"));
    values.insert(0, text(id.as_str()));
    let rows: Vec<(i64,)> = w
        .fetch_as(
            format!("SELECT 1 FROM institutions i WHERE i.institution_id = $1 AND {sql}"),
            &values,
        )
        .await?;
    Ok(!rows.is_empty())
}

/// The side a scope acts on: an institution's own account is the party.
fn side(scope: &DataScope) -> Side {
    match scope {
        DataScope::Institution(_) => Side::Party,
        _ => Side::Authority,
    }
}

/// Reads case `id` for a caller: it must exist and be in scope, and the party's
/// own account sees it only once it is [`Case::visible_to_party`].
async fn guard<W: Writer>(w: &mut W, scope: &DataScope, id: i64) -> Result<Stored> {
    let s = load(w, id).await?.ok_or(Error::NoSuchCase(id))?;
    if !in_scope(w, scope, &s.case.institution_id).await?
        || (side(scope) == Side::Party && !s.case.visible_to_party())
    {
        return Err(Error::NoSuchCase(id));
    }
    Ok(s)
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

    /// The procedure cases follow (articles, periods, windows, whether there is a
    /// review): the one of the store's rulebook ([`Store::case_rulebook`]).
    pub async fn case_procedure(&self) -> Result<Procedure> {
        Ok(self.case_rulebook().await?.procedure)
    }

    /// The rulebook of the store's data (`meta.policy`, as screening uses it), or the
    /// national one.
    pub async fn case_rulebook(&self) -> Result<domain::rulebook::Rulebook> {
        use domain::rulebook::Rulebook;
        let policy: Option<(Option<String>,)> = in_transaction!(read self, w => {
            fetch_one(&mut w, "SELECT policy FROM meta WHERE id = 1".into(), &[]).await?
        });
        Ok(policy
            .and_then(|(p,)| p)
            .and_then(|p| Rulebook::builtin(&p).ok())
            .unwrap_or_else(Rulebook::national))
    }
}
