//! Reading cases: one case with its file for its page, the list (案件管理) and
//! the 评价要情, the pressing deadlines for 首页, the candidate bars screening
//! reads, the constraint measures on an institution, and the 处理档案 register.

use super::facts::{case_findings, effects};
use super::{
    AttachmentInfo, CandidateBar, CaseDetail, CaseEvent, CaseFilter, CaseFinding, DueCase,
    StaffSuspension, StoredDocument, StoredStatement, guard, in_scope, institution_name, load,
    side, text,
};
use crate::Store;
use crate::browse::{Col, Grid, Paging, Query, grid};
use crate::error::{Error, Result};
use crate::scope::Via;
use crate::tx::{Kind, Writer, in_transaction};
use crate::value::{Value, row_struct, select};
use chrono::{NaiveDate, NaiveDateTime};
use domain::access::DataScope;
use domain::case::{DocumentKind, Measure, Party, Proposal, Side};
use domain::finding::FindingKind;
use domain::ids::InstitutionId;
use domain::workdays::Calendar;

/// List columns of cases: (name, SQL, kind).
const CASE_LIST: &[Col] = &[
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

/// `FROM cases … WHERE` the caller's scope and the filter.
fn case_query(scope: &DataScope, f: &CaseFilter) -> Query {
    let mut q =
        Query::new("FROM cases c LEFT JOIN institutions i ON i.institution_id = c.institution_id");
    q.scoped(scope, Via::InstitutionColumn("c.institution_id"));
    if side(scope) == Side::Party {
        q.and("c.party_kind = 'institution' AND c.state <> 'lead'", vec![]);
    }
    q.when("c.state", "=", crate::browse::text(&f.state))
        .when("c.party_kind", "=", crate::browse::text(&f.party_kind))
        .when(
            "c.institution_id",
            "=",
            crate::browse::text(&f.institution_id),
        );
    if let Some(Value::Text(s)) = crate::browse::text(&f.q) {
        let like = text(format!("%{s}%"));
        q.and(
            "c.number = {} OR c.party_name LIKE {}",
            vec![Value::Text(s), like],
        );
    }
    if f.major {
        q.and("c.major = TRUE", vec![]);
    }
    if f.open {
        q.and("c.state NOT IN ('closed', 'dropped')", vec![]);
    }
    q
}

/// The ids of the cases a query matches, in order.
async fn case_ids<W: Writer>(w: &mut W, q: &Query) -> Result<Vec<i64>> {
    let ids: Vec<(i64,)> = w
        .fetch_as(
            format!("SELECT c.case_id {} ORDER BY c.case_id", q.from_where),
            &q.values,
        )
        .await?;
    Ok(ids.into_iter().map(|(i,)| i).collect())
}

async fn case_events<W: Writer>(w: &mut W, id: i64) -> Result<Vec<CaseEvent>> {
    w.fetch_as(
        format!(
            "SELECT {} FROM case_events WHERE case_id = $1 ORDER BY event_id",
            select::<CaseEvent>()
        ),
        &[Value::Int(id)],
    )
    .await
}

async fn documents<W: Writer>(w: &mut W, id: i64) -> Result<Vec<StoredDocument>> {
    w.fetch_as(
        format!(
            "SELECT {} FROM case_documents WHERE case_id = $1 ORDER BY document_id",
            select::<StoredDocument>()
        ),
        &[Value::Int(id)],
    )
    .await
}

async fn attachments<W: Writer>(w: &mut W, id: i64) -> Result<Vec<AttachmentInfo>> {
    w.fetch_as(
        format!(
            "SELECT {} FROM case_attachments WHERE case_id = $1 ORDER BY attachment_id",
            select::<AttachmentInfo>()
        ),
        &[Value::Int(id)],
    )
    .await
}

async fn statements<W: Writer>(w: &mut W, id: i64) -> Result<Vec<StoredStatement>> {
    w.fetch_as(
        format!(
            "SELECT {} FROM case_statements WHERE case_id = $1 ORDER BY statement_id",
            select::<StoredStatement>()
        ),
        &[Value::Int(id)],
    )
    .await
}

row_struct! {
    /// A bar of `candidate_bars` with its case's number.
    struct BarRow in "candidate_bars" {
        id_number: String = "b.id_number",
        from: NaiveDate = "b.barred_from",
        until: NaiveDate = "b.barred_until",
        case_id: i64 = "b.case_id",
        case_number: String = "c.number",
    }
}

impl Store {
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
        let procedure = self.case_procedure().await?;
        in_transaction!(read self, w => {
            let s = match guard(&mut w, scope, id).await {
                Ok(s) => s,
                Err(Error::NoSuchCase(_)) => return Ok(None),
                Err(e) => return Err(e),
            };
            let internal = side(scope) == Side::Authority;
            let institution_name = institution_name(&mut w, &s.case.institution_id).await?;
            let findings = if internal {
                case_findings(&mut w, id)
                    .await?
                    .into_iter()
                    .map(|r| CaseFinding {
                        finding_id: r.finding_id,
                        title: FindingKind::from_id(&r.rule)
                            .map(|k| k.title().to_string())
                            .unwrap_or_else(|| r.rule.clone()),
                        rule: r.rule,
                        severity: r.severity,
                        message: r.message,
                        batch_id: r.batch_id,
                        candidate_id: r.candidate_id,
                        cert_no: r.cert_no,
                        person_id: r.person_id,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let events = if internal { case_events(&mut w, id).await? } else { Vec::new() };
            let documents = documents(&mut w, id).await?;
            let attachments = if internal { attachments(&mut w, id).await? } else { Vec::new() };
            let statements = statements(&mut w, id).await?;
            let effects = effects(&mut w, id, false).await?;
            let case = if internal { s.case } else { s.case.for_party() };
            let next_deadline = procedure.next_deadline(&case, today, &cal);
            let statement_due = case.notified_on.map(|n| procedure.statement_due(&cal, n));
            let review_last_day = case.served_on.and_then(|d| procedure.review_last_day(&cal, d));
            Ok(Some(CaseDetail {
                case,
                internal,
                institution_name,
                opened_at: s.opened_at,
                opened_by: s.opened_by,
                closed_at: s.closed_at,
                findings,
                events,
                documents,
                attachments,
                statements,
                effects,
                next_deadline,
                statement_due,
                review_last_day,
            }))
        })
    }

    /// The name and content of an attachment of a case the caller may see internally
    /// (not an institution's own account).
    pub async fn attachment(
        &self,
        scope: &DataScope,
        id: i64,
        attachment_id: i64,
    ) -> Result<Option<(String, Vec<u8>)>> {
        if side(scope) == Side::Party {
            return Ok(None);
        }
        in_transaction!(read self, w => {
            match guard(&mut w, scope, id).await {
                Ok(_) => {}
                Err(Error::NoSuchCase(_)) => return Ok(None),
                Err(e) => return Err(e),
            }
            crate::tx::fetch_one(
                &mut w,
                "SELECT file_name, content FROM case_attachments WHERE attachment_id = $1 AND case_id = $2".into(),
                &[Value::Int(attachment_id), Value::Int(id)],
            )
            .await
        })
    }

    /// 案件管理: cases in scope matching `f`, newest first. Columns: `case_id`,
    /// `number`, `party_kind`, `party_name`, `institution_id`, `institution_name`,
    /// `candidate_id` (candidates; mask it), `person_id` (staff), `source_kind`,
    /// `state`, `major`, `major_ground`, `opened_at`, `updated_at`.
    pub async fn cases(&self, scope: &DataScope, f: &CaseFilter, paging: Paging) -> Result<Grid> {
        let q = case_query(scope, f);
        in_transaction!(read self, w => grid(&mut w, CASE_LIST, &q, "c.case_id DESC", Some(paging)).await)
    }

    /// 评价要情 (第二十条): the major cases in scope — a province official sees every
    /// city's, a city its own.
    pub async fn major_cases(&self, scope: &DataScope) -> Result<Grid> {
        let f = CaseFilter {
            major: true,
            ..CaseFilter::default()
        };
        self.cases(scope, &f, Paging::export()).await
    }

    /// The open cases in scope whose next deadline is overdue or due within the
    /// procedure's "due soon" working days on `today`, soonest first (for 首页).
    pub async fn deadlines(
        &self,
        scope: &DataScope,
        today: NaiveDate,
        calendar: &Calendar,
    ) -> Result<Vec<DueCase>> {
        let procedure = self.case_procedure().await?;
        let q = case_query(
            scope,
            &CaseFilter {
                open: true,
                ..CaseFilter::default()
            },
        );
        in_transaction!(read self, w => {
            let mut out = Vec::new();
            for id in case_ids(&mut w, &q).await? {
                let Some(s) = load(&mut w, id).await? else { continue };
                let c = s.case;
                if let Some(d) = procedure
                    .next_deadline(&c, today, calendar)
                    .filter(|d| procedure.is_pressing(d))
                {
                    out.push(DueCase {
                        case_id: c.case_id,
                        number: c.number,
                        party_name: c.party_name,
                        institution_id: c.institution_id,
                        state: c.state,
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
            w.fetch_as(
                "SELECT id_number, barred_from, barred_until, case_id FROM candidate_bars \
                 WHERE lifted_at IS NULL AND barred_from <= $1 AND barred_until >= $1 \
                 ORDER BY id_number, barred_from"
                    .into(),
                &[Value::Date(as_of)],
            )
            .await
        })
    }

    /// Every staff suspension not lifted by a review (screening flags work done
    /// inside one), by card number.
    pub async fn staff_suspensions(&self) -> Result<Vec<StaffSuspension>> {
        let rows: Vec<(String, String, NaiveDate, NaiveDate, String)> = in_transaction!(read self, w => {
            w.fetch_as(
                "SELECT s.person_id, s.measure, s.suspended_from, s.suspended_until, c.number \
                 FROM staff_suspensions s JOIN cases c ON c.case_id = s.case_id \
                 WHERE s.lifted_at IS NULL ORDER BY s.person_id, s.suspended_from"
                    .into(),
                &[],
            )
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(person_id, measure, from, until, case_number)| StaffSuspension {
                    person_id,
                    measure,
                    from,
                    until,
                    case_number,
                },
            )
            .collect())
    }

    /// Every candidate bar not lifted by a review, whatever its dates (screening
    /// flags an application made inside any of them), by ID number.
    pub async fn candidate_bars(&self) -> Result<Vec<CandidateBar>> {
        let rows: Vec<BarRow> = in_transaction!(read self, w => {
            w.fetch_as(
                format!(
                    "SELECT {} FROM candidate_bars b JOIN cases c ON c.case_id = b.case_id \
                     WHERE b.lifted_at IS NULL ORDER BY b.id_number, b.barred_from",
                    select::<BarRow>()
                ),
                &[],
            )
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| CandidateBar {
                id_number: r.id_number,
                from: r.from,
                until: r.until,
                case_id: r.case_id,
                case_number: r.case_number,
            })
            .collect())
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
            w.fetch_as(
                "SELECT measure, valid_from, valid_until, case_id FROM institution_constraints \
                 WHERE institution_id = $1 AND lifted_at IS NULL AND valid_from <= $2 AND valid_until >= $2 \
                 ORDER BY constraint_id"
                    .into(),
                &[text(institution_id.as_str()), Value::Date(as_of)],
            )
            .await
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
        let q = case_query(scope, &CaseFilter::default());
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
            let mut rows = Vec::new();
            for id in case_ids(&mut w, &q).await? {
                let Some(s) = load(&mut w, id).await? else { continue };
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
                    c.outcome.clone(),
                ]);
            }
            let total = rows.len() as u64;
            Ok(Grid { columns: COLUMNS.to_vec(), rows, total })
        })
    }
}
