//! The moves of a case and what each decides: [`Case::act`] takes a [`Command`]
//! (a move with its input) and gives the whole [`CaseOutcome`] — the case after
//! it, the entry for the case file, the records it adds (documents, statements,
//! recusals, …), the effects of execution and the effects a review undoes — or
//! the [`CaseRefusal`] that says why not.
//!
//! ```text
//! 线索 ─assign→ 核查 ─propose→ 拟处理 ─notify→ 告知 ─decide→ 决定 ─execute→ 执行 ─close→ 结案
//!                │             ↑  │           │ ↑statement    │  (served)       │
//!                │             └──┘←─propose──┘               │                 └(rectify)→ 整改 ─accept→ 结案
//!                └──drop──→ 不予处理 ←─drop── (拟处理, 告知)     │                                 └─reject→ 拟处理 (终止备案)
//!                                         决定/执行/整改 ─request_review (≤15 working days)→ 复核
//!                                         复核 ─uphold→ (back) · ─change→ 决定 (effects rolled back) · ─annul→ 结案
//! ```

use super::documents::{ReviewDecision, decision_text, notice_text, review_decision_text};
use super::effects::{CaseEffect, World, execution, reinstatement};
use super::investigators::{Conflict, Investigator, check_investigators, check_signers};
use super::procedure::Procedure;
use super::proposal::{
    Amendment, FindingFact, PartyRecord, Proposal, amend, on_failed_rectification, propose,
};
use super::{
    Action, AttachmentKind, Case, CaseRefusal, CaseState, Document, DocumentKind, Issuer,
    MajorGround, RecusalStatus, Review, ReviewOutcome, StatementAdoption, StatementKind,
    document_number,
};
use crate::Date;
use crate::Error;
use crate::access::{Permission, Role};
use crate::rulebook::Rulebook;
use crate::workdays::Calendar;
use crate::workflow::{Entry, Outcome, Recorded, Undo};
use chrono::Datelike;
use serde_json::json;

code_enum! {
    /// What can be done on a case: the `action` of its forms.
    MoveKind, "assign, declare_conflict, withdraw, recusal_request, decide_recusal, propose, amend, notify, statement, decide, serve, review_request, extend_review, decide_review, execute, rectification_report, check_rectification, close, drop, mark_major, attach" {
        /// 指派调查人员 (第十七条).
        Assign = "assign" ["指派调查人员"],
        /// 申报利害关系: withdraws the investigator from the institution's open cases.
        DeclareConflict = "declare_conflict" ["申报利害关系"],
        /// An investigator withdrawn from this case for a declared conflict.
        Withdraw = "withdraw" ["调查人员回避"],
        /// 申请回避 (第十八条), by the party.
        RecusalRequest = "recusal_request" ["申请回避"],
        /// 回避决定.
        DecideRecusal = "decide_recusal" ["回避决定"],
        /// 拟处理 from the rulebook.
        Propose = "propose" ["提出拟处理意见"],
        /// 拟处理 as the official changes it (with a reason).
        Amend = "amend" ["变更拟处理意见"],
        /// 告知 (第十八条).
        Notify = "notify" ["告知"],
        /// 陈述申辩, by the party.
        Statement = "statement" ["陈述申辩"],
        /// 处理决定.
        Decide = "decide" ["处理决定"],
        /// 送达.
        Serve = "serve" ["送达"],
        /// 申请复核 (第十九条), by the party.
        ReviewRequest = "review_request" ["申请复核"],
        /// 延长复核期限.
        ExtendReview = "extend_review" ["延长复核期限"],
        /// 复核决定.
        DecideReview = "decide_review" ["复核决定"],
        /// 执行.
        Execute = "execute" ["执行"],
        /// 整改报告, by the party.
        RectificationReport = "rectification_report" ["整改报告"],
        /// 整改验收.
        CheckRectification = "check_rectification" ["整改验收"],
        /// 结案.
        Close = "close" ["结案"],
        /// 不予处理.
        Drop = "drop" ["不予处理"],
        /// 报送评价要情 (第二十条).
        MarkMajor = "mark_major" ["报送评价要情"],
        /// 上传证据材料或现场记录.
        Attach = "attach" ["上传材料"],
    }
}

impl MoveKind {
    /// The case-file action the move records.
    pub fn action(self) -> Action {
        match self {
            MoveKind::Assign => Action::Assign,
            MoveKind::DeclareConflict => Action::DeclareConflict,
            MoveKind::Withdraw => Action::RemoveInvestigator,
            MoveKind::RecusalRequest => Action::RequestRecusal,
            MoveKind::DecideRecusal => Action::DecideRecusal,
            MoveKind::Propose | MoveKind::Amend => Action::Propose,
            MoveKind::Notify => Action::Notify,
            MoveKind::Statement => Action::Statement,
            MoveKind::Decide => Action::Decide,
            MoveKind::Serve => Action::Serve,
            MoveKind::ReviewRequest => Action::RequestReview,
            MoveKind::ExtendReview => Action::ExtendReview,
            MoveKind::DecideReview => Action::DecideReview,
            MoveKind::Execute => Action::Execute,
            MoveKind::RectificationReport => Action::RectificationReport,
            MoveKind::CheckRectification => Action::CheckRectification,
            MoveKind::Close => Action::Close,
            MoveKind::Drop => Action::Drop,
            MoveKind::MarkMajor => Action::MarkMajor,
            MoveKind::Attach => Action::Attach,
        }
    }

    /// Whether it is the party's act (第十八条 陈述申辩 and 回避, 第十九条 复核, the
    /// rectification report); the authority may record it for the party.
    pub fn by_party(self) -> bool {
        matches!(
            self,
            MoveKind::Statement
                | MoveKind::RectificationReport
                | MoveKind::ReviewRequest
                | MoveKind::RecusalRequest
        )
    }

    /// What the store reads for the move before deciding it.
    pub fn needs(self) -> Needs {
        let mut n = Needs::default();
        match self {
            MoveKind::Assign => n.investigators = true,
            MoveKind::Propose | MoveKind::Amend => {
                n.findings = true;
                n.rulebook = true;
            }
            MoveKind::Notify => n.document = Some(DocumentKind::Notice),
            MoveKind::Decide => n.document = Some(DocumentKind::Decision),
            MoveKind::DecideReview => {
                n.document = Some(DocumentKind::ReviewDecision);
                n.effects = true;
            }
            MoveKind::Execute => n.world = true,
            MoveKind::CheckRectification => {
                n.world = true;
                n.effects = true;
                n.rulebook = true;
            }
            _ => {}
        }
        n
    }
}

/// What the store reads for a move ([`MoveKind::needs`]), into [`Facts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    /// The named investigators' accounts, conflicts and recusals.
    pub investigators: bool,
    /// The case's findings and the party's record of sanctions.
    pub findings: bool,
    /// The rulebook.
    pub rulebook: bool,
    /// The next number of this kind of document (and, for a review decision,
    /// the number of the decision reviewed).
    pub document: Option<DocumentKind>,
    /// The rows execution changes.
    pub world: bool,
    /// The effects applied and not undone.
    pub effects: bool,
}

/// Which side of a case acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The supervising authority: investigates and decides (第十七条); may also
    /// record the party's acts received on paper.
    Authority,
    /// The party's own account: answers (statements, reports, review and recusal
    /// requests) and nothing else.
    Party,
}

impl Side {
    /// The side a role acts on in cases, if any (`Role::may` decides).
    pub fn of_role(role: Role) -> Option<Side> {
        if role.may(Permission::HandleCases) {
            Some(Side::Authority)
        } else if role.may(Permission::AnswerCases) {
            Some(Side::Party)
        } else {
            None
        }
    }

    /// Whether this side may make `kind`.
    pub fn may(self, kind: MoveKind) -> bool {
        self == Side::Authority || kind.by_party()
    }
}

/// A move with its input (what its form gives, parsed: [`super::input`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Adds investigators (account user names, or names of outside experts).
    Assign {
        investigators: Vec<String>,
    },
    /// Declares `investigator`'s conflict of interest with the case's institution.
    DeclareConflict {
        investigator: String,
        reason: String,
    },
    /// Withdraws `investigator` from this case for a declared conflict.
    Withdraw {
        investigator: String,
        reason: String,
    },
    RecusalRequest {
        investigator: String,
        reason: String,
    },
    DecideRecusal {
        recusal_id: i64,
        grant: bool,
        reason: String,
    },
    /// From the rulebook (`None`), or as amended.
    Propose {
        amendment: Option<Amendment>,
    },
    Notify {
        issuer: Issuer,
    },
    Statement {
        text: String,
    },
    Decide {
        issuer: Issuer,
        /// Whether the party's statement is adopted (required once one is in)…
        adoption: Option<StatementAdoption>,
        /// …and why (optional, stated in the decision).
        adoption_reason: String,
    },
    Serve {
        on: Date,
    },
    /// A review request filed on `on` (the party: today).
    ReviewRequest {
        on: Date,
        grounds: String,
    },
    ExtendReview {
        reason: String,
    },
    DecideReview {
        outcome: ReviewOutcome,
        reason: String,
        /// The changed decision (required to change).
        changed: Option<Amendment>,
        issuer: Issuer,
    },
    Execute,
    RectificationReport {
        text: String,
    },
    CheckRectification {
        accepted: bool,
        reason: String,
    },
    Close {
        note: String,
    },
    Drop {
        reason: String,
    },
    MarkMajor {
        ground: MajorGround,
        note: String,
    },
    Attach {
        kind: AttachmentKind,
        file_name: String,
        content: Vec<u8>,
        signers: Vec<String>,
        note: String,
    },
}

impl Command {
    /// The move this is.
    pub fn kind(&self) -> MoveKind {
        match self {
            Command::Assign { .. } => MoveKind::Assign,
            Command::DeclareConflict { .. } => MoveKind::DeclareConflict,
            Command::Withdraw { .. } => MoveKind::Withdraw,
            Command::RecusalRequest { .. } => MoveKind::RecusalRequest,
            Command::DecideRecusal { .. } => MoveKind::DecideRecusal,
            Command::Propose { amendment: None } => MoveKind::Propose,
            Command::Propose { amendment: Some(_) } => MoveKind::Amend,
            Command::Notify { .. } => MoveKind::Notify,
            Command::Statement { .. } => MoveKind::Statement,
            Command::Decide { .. } => MoveKind::Decide,
            Command::Serve { .. } => MoveKind::Serve,
            Command::ReviewRequest { .. } => MoveKind::ReviewRequest,
            Command::ExtendReview { .. } => MoveKind::ExtendReview,
            Command::DecideReview { .. } => MoveKind::DecideReview,
            Command::Execute => MoveKind::Execute,
            Command::RectificationReport { .. } => MoveKind::RectificationReport,
            Command::CheckRectification { .. } => MoveKind::CheckRectification,
            Command::Close { .. } => MoveKind::Close,
            Command::Drop { .. } => MoveKind::Drop,
            Command::MarkMajor { .. } => MoveKind::MarkMajor,
            Command::Attach { .. } => MoveKind::Attach,
        }
    }

    /// The authority issuing the move's document, if it issues one.
    pub fn issuer(&self) -> Option<&Issuer> {
        match self {
            Command::Notify { issuer }
            | Command::Decide { issuer, .. }
            | Command::DecideReview { issuer, .. } => Some(issuer),
            _ => None,
        }
    }
}

/// What the store read for a move ([`Needs`]); what a move does not need stays
/// at its default.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Assign: the accounts among the names (the institution of an institution's
    /// account), the conflicts declared with the case's institution, the names
    /// recused from the case.
    pub accounts: Vec<Investigator>,
    pub conflicts: Vec<Conflict>,
    pub recused: Vec<String>,
    /// Propose: the case's findings and the party's record.
    pub findings: Vec<FindingFact>,
    pub record: PartyRecord,
    /// Propose, CheckRectification: the rulebook (the national one if not read).
    pub rulebook: Option<Rulebook>,
    /// Documents: the sequence number the next document of its kind gets in the
    /// issuer's year.
    pub document_seq: u32,
    /// DecideReview: the number of the decision reviewed.
    pub decision_number: Option<String>,
    /// Execute, CheckRectification: the rows the measures reach.
    pub world: World,
    /// DecideReview, CheckRectification: the effects applied and not undone.
    pub live_effects: Vec<Recorded<CaseEffect>>,
}

/// The day, the calendar and the procedure a move is decided on.
#[derive(Debug, Clone, Copy)]
pub struct Now<'a> {
    pub today: Date,
    pub calendar: &'a Calendar,
    pub procedure: &'a Procedure,
}

/// A row a move adds to the case's own tables (or changes there).
#[derive(Debug, Clone, PartialEq)]
pub enum CaseRecord {
    /// Investigators assigned.
    Investigators(Vec<String>),
    /// An investigator leaves the case, and why.
    RemoveInvestigator { name: String, reason: String },
    /// A recusal request (its id goes into the entry as `recusal_id`).
    Recusal {
        investigator: String,
        reason: String,
    },
    /// The decision on a recusal request.
    RecusalDecision {
        recusal_id: i64,
        status: RecusalStatus,
        reason: Option<String>,
    },
    /// A document issued: numbered `{prefix}{mark}〔{year}〕{seq}号`.
    Document {
        kind: DocumentKind,
        prefix: String,
        year: i32,
        seq: u32,
        body: Document,
    },
    /// A statement or rectification report (its id: `statement_id`).
    Statement {
        kind: StatementKind,
        text: String,
        late: bool,
    },
    /// An attached file (its id: `attachment_id`).
    Attachment {
        kind: AttachmentKind,
        file_name: String,
        content: Vec<u8>,
        signers: Vec<String>,
        note: Option<String>,
    },
}

/// The outcome of a case move.
pub type CaseOutcome = Outcome<Case>;

/// The trimmed text, which must not be empty.
fn required(text: &str, what: &'static str) -> Result<String, CaseRefusal> {
    let t = text.trim();
    if t.is_empty() {
        Err(CaseRefusal::ReasonRequired { what })
    } else {
        Ok(t.to_string())
    }
}

fn nonempty(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

impl Case {
    /// Whether `kind` is possible in the case as it stands (its state and what it
    /// holds), whatever the input and the day: the moves a page offers. The
    /// refusal says why not.
    pub fn possible(&self, kind: MoveKind, procedure: &Procedure) -> Result<(), CaseRefusal> {
        use CaseState as S;
        let state = self.state;
        let no = || {
            Err(CaseRefusal::NotPossible {
                state,
                action: kind.action(),
            })
        };
        let early = matches!(state, S::Investigating | S::Proposed | S::Notified);
        match kind {
            MoveKind::Assign if early || state == S::Lead => Ok(()),
            MoveKind::DeclareConflict | MoveKind::Withdraw | MoveKind::Attach
                if !state.is_final() =>
            {
                Ok(())
            }
            MoveKind::RecusalRequest
                if matches!(
                    state,
                    S::Lead | S::Investigating | S::Proposed | S::Notified | S::Review
                ) =>
            {
                if self.investigators.is_empty() {
                    Err(CaseRefusal::NoInvestigators)
                } else {
                    Ok(())
                }
            }
            MoveKind::DecideRecusal => match self
                .recusals
                .iter()
                .find(|r| r.status == RecusalStatus::Pending)
            {
                Some(_) => Ok(()),
                None => Err(CaseRefusal::RecusalNotPending { recusal_id: 0 }),
            },
            MoveKind::Propose | MoveKind::Amend if early => {
                if self.investigators.is_empty() {
                    Err(CaseRefusal::NoInvestigators)
                } else {
                    Ok(())
                }
            }
            MoveKind::Notify if state == S::Proposed && self.proposal.is_some() => Ok(()),
            MoveKind::Statement if state == S::Notified => Ok(()),
            MoveKind::Decide if state == S::Notified && self.notified_on.is_some() => Ok(()),
            MoveKind::Serve if state == S::Decided && self.decided_on.is_some() => {
                match self.served_on {
                    Some(served_on) => Err(CaseRefusal::AlreadyServed { served_on }),
                    None => Ok(()),
                }
            }
            MoveKind::ReviewRequest if procedure.review.is_none() => Err(CaseRefusal::NoReview),
            MoveKind::ReviewRequest
                if matches!(state, S::Decided | S::Executing | S::Rectifying) =>
            {
                if self.served_on.is_none() {
                    return Err(CaseRefusal::NotServed);
                }
                match &self.review {
                    Some(r) => Err(CaseRefusal::ReviewUsed {
                        requested_on: r.requested_on,
                    }),
                    None => Ok(()),
                }
            }
            MoveKind::ExtendReview if state == S::Review => match &self.review {
                Some(Review {
                    extended_reason: Some(reason),
                    ..
                }) => Err(CaseRefusal::ExtensionUsed {
                    reason: reason.clone(),
                    basis: procedure.review_basis.cite(),
                }),
                Some(_) => Ok(()),
                None => no(),
            },
            MoveKind::DecideReview if state == S::Review && self.review.is_some() => Ok(()),
            MoveKind::Execute if state == S::Decided && self.executed_on.is_none() => {
                if self.decision.is_none() {
                    Err(CaseRefusal::NoDecision)
                } else if self.served_on.is_none() {
                    Err(CaseRefusal::NotServed)
                } else {
                    Ok(())
                }
            }
            MoveKind::RectificationReport | MoveKind::CheckRectification
                if state == S::Rectifying =>
            {
                Ok(())
            }
            MoveKind::Close if state == S::Executing => Ok(()),
            MoveKind::Drop if early => Ok(()),
            MoveKind::MarkMajor => Ok(()),
            _ => no(),
        }
    }

    /// Decides `command` by `side` on `now.today`: the whole outcome, or why not.
    pub fn act(
        &self,
        side: Side,
        command: Command,
        facts: &Facts,
        now: &Now<'_>,
    ) -> Result<CaseOutcome, CaseRefusal> {
        let kind = command.kind();
        if !side.may(kind) {
            return Err(CaseRefusal::NotForTheParty {
                action: kind.action(),
            });
        }
        self.possible(kind, now.procedure)?;
        let p = now.procedure;
        let cal = now.calendar;
        let today = now.today;
        let mut after = self.clone();
        let entry = |after: &Case, reason: Option<String>, extra: serde_json::Value| Entry {
            action: kind.action(),
            reason,
            before: Some(self.snapshot()),
            after: Some(after.snapshot_with(extra)),
        };
        let document = |kind: DocumentKind, issuer: &Issuer, build: &dyn Fn(String) -> Document| {
            let year = today.year();
            let number = document_number(issuer, kind, year, facts.document_seq);
            CaseRecord::Document {
                kind,
                prefix: issuer.abbreviation.clone(),
                year,
                seq: facts.document_seq,
                body: build(number),
            }
        };
        let book = || facts.rulebook.clone().unwrap_or_else(Rulebook::national);
        Ok(match command {
            Command::Assign { investigators } => {
                let who: Vec<Investigator> = investigators
                    .iter()
                    .map(|n| Investigator {
                        name: n.clone(),
                        institution_id: facts
                            .accounts
                            .iter()
                            .find(|a| &a.name == n)
                            .and_then(|a| a.institution_id.clone()),
                    })
                    .collect();
                check_investigators(
                    &self.institution_id,
                    &who,
                    &self.investigators,
                    &facts.conflicts,
                    &facts.recused,
                )?;
                if after.state == CaseState::Lead {
                    after.state = CaseState::Investigating;
                }
                after.investigators.extend(investigators.iter().cloned());
                let e = entry(&after, None, json!({}));
                Outcome::of(after, e).with_record(CaseRecord::Investigators(investigators))
            }
            Command::DeclareConflict {
                investigator,
                reason,
            }
            | Command::Withdraw {
                investigator,
                reason,
            } => {
                let reason = required(&reason, "申报利害关系")?;
                if !self.investigators.contains(&investigator) {
                    return Err(CaseRefusal::NotAnInvestigator { investigator });
                }
                after.investigators.retain(|i| *i != investigator);
                let e = Entry {
                    action: Action::RemoveInvestigator,
                    reason: Some(reason.clone()),
                    before: Some(self.snapshot()),
                    after: Some(after.snapshot()),
                };
                Outcome::of(after, e).with_record(CaseRecord::RemoveInvestigator {
                    name: investigator,
                    reason: format!("利害关系:{reason}"),
                })
            }
            Command::RecusalRequest {
                investigator,
                reason,
            } => {
                let reason = required(&reason, "申请回避")?;
                if !self.investigators.contains(&investigator) {
                    return Err(CaseRefusal::NotAnInvestigator { investigator });
                }
                let e = Entry {
                    action: Action::RequestRecusal,
                    reason: Some(reason.clone()),
                    before: None,
                    after: Some(json!({"investigator": investigator})),
                };
                Outcome::of(after, e).with_record(CaseRecord::Recusal {
                    investigator,
                    reason,
                })
            }
            Command::DecideRecusal {
                recusal_id,
                grant,
                reason,
            } => {
                let Some(r) = self
                    .recusals
                    .iter()
                    .find(|r| r.recusal_id == recusal_id && r.status == RecusalStatus::Pending)
                else {
                    return Err(CaseRefusal::RecusalNotPending { recusal_id });
                };
                let reason = if grant {
                    nonempty(&reason)
                } else {
                    Some(required(&reason, "不予回避")?)
                };
                let status = if grant {
                    RecusalStatus::Granted
                } else {
                    RecusalStatus::Refused
                };
                let investigator = r.investigator.clone();
                if grant {
                    after.investigators.retain(|i| *i != investigator);
                }
                if let Some(x) = after
                    .recusals
                    .iter_mut()
                    .find(|x| x.recusal_id == recusal_id)
                {
                    x.status = status;
                    x.decision_reason = reason.clone();
                }
                let e = entry(
                    &after,
                    reason.clone(),
                    json!({"recusal_id": recusal_id, "investigator": investigator, "status": status.code()}),
                );
                let mut o = Outcome::of(after, e).with_record(CaseRecord::RecusalDecision {
                    recusal_id,
                    status,
                    reason,
                });
                if grant {
                    o.records.push(CaseRecord::RemoveInvestigator {
                        name: investigator,
                        reason: "准予回避(第十八条)".into(),
                    });
                }
                o
            }
            Command::Propose { amendment } => {
                let from_book = (!facts.findings.is_empty())
                    .then(|| propose(&book(), self.party.kind(), &facts.findings, &facts.record));
                let proposal = match (&amendment, from_book) {
                    (None, Some(proposal)) => proposal?,
                    (None, None) => return Err(CaseRefusal::NothingToPropose),
                    (Some(a), base) => {
                        let base = base.and_then(Result::ok).or_else(|| self.proposal.clone());
                        amend(base.as_ref(), a, self.party.kind())?
                    }
                };
                after.state = CaseState::Proposed;
                after.proposal = Some(proposal.clone());
                let auto_major = proposal.is_major() && !self.major;
                if auto_major {
                    after.major = true;
                    after.major_ground = Some(MajorGround::Grave);
                    after.major_note =
                        Some("拟处理为特别严重违纪违规,报送评价要情(第二十条)".into());
                }
                let e = entry(
                    &after,
                    amendment.map(|a| a.reason.trim().to_string()),
                    json!({"major_reported": auto_major}),
                );
                Outcome::of(after, e)
            }
            Command::Notify { issuer } => {
                let proposal = self.proposal.clone().ok_or(CaseRefusal::NothingToPropose)?;
                after.state = CaseState::Notified;
                after.notified_on = Some(today);
                after.statements = 0;
                let due = p.statement_due(cal, today);
                let doc = document(DocumentKind::Notice, &issuer, &|number| {
                    notice_text(&after, &proposal, p, &issuer, number, today, due)
                });
                let number = document_number_of(&doc);
                let e = entry(
                    &after,
                    None,
                    json!({"document": number, "statement_due": due.to_string()}),
                );
                Outcome::of(after, e).with_record(doc)
            }
            Command::Statement { text } | Command::RectificationReport { text } => {
                let text = required(&text, "陈述申辩或整改报告的内容")?;
                let (kind, late) = if kind == MoveKind::Statement {
                    after.statements += 1;
                    let late = self
                        .notified_on
                        .is_some_and(|n| today > p.statement_due(cal, n));
                    (StatementKind::Statement, late)
                } else {
                    after.rectification_reports += 1;
                    let late = self.rectify_due.is_some_and(|d| today > d);
                    (StatementKind::RectificationReport, late)
                };
                let e = Entry {
                    action: kind_action(kind),
                    reason: None,
                    before: None,
                    after: Some(json!({"late": late, "chars": text.chars().count()})),
                };
                Outcome::of(after, e).with_record(CaseRecord::Statement { kind, text, late })
            }
            Command::Decide {
                issuer,
                adoption,
                adoption_reason,
            } => {
                let notified = self.notified_on.expect("checked by possible");
                let due = p.statement_due(cal, notified);
                if self.statements == 0 && today <= due {
                    return Err(CaseRefusal::StatementPeriodRunning {
                        due,
                        basis: p.notice.cite(),
                    });
                }
                let adoption = match (self.statements, adoption) {
                    (0, _) => None,
                    (_, None) => return Err(CaseRefusal::AdoptionRequired),
                    (_, Some(a)) => Some((a, nonempty(&adoption_reason))),
                };
                let decision = self.proposal.clone().ok_or(CaseRefusal::NoDecision)?;
                after.state = CaseState::Decided;
                after.decision = Some(decision.clone());
                after.decided_on = Some(today);
                after.served_on = None;
                after.review = None;
                after.executed_on = None;
                after.rectify_due = None;
                let doc = document(DocumentKind::Decision, &issuer, &|number| {
                    decision_text(
                        &after,
                        &decision,
                        p,
                        &issuer,
                        number,
                        today,
                        adoption.as_ref(),
                    )
                });
                let e = entry(
                    &after,
                    adoption.as_ref().and_then(|(_, r)| r.clone()),
                    json!({
                        "document": document_number_of(&doc),
                        "statement_adoption": adoption.as_ref().map(|(a, _)| a.code()),
                    }),
                );
                Outcome::of(after, e).with_record(doc)
            }
            Command::Serve { on } => {
                let decided = self.decided_on.expect("checked by possible");
                if on < decided || on > today {
                    return Err(CaseRefusal::DateOutOfRange {
                        what: "送达日期",
                        date: on,
                        from: decided,
                        to: today,
                    });
                }
                after.served_on = Some(on);
                let last = p.review_last_day(cal, on).map(|d| d.to_string());
                let e = entry(&after, None, json!({"review_last_day": last}));
                Outcome::of(after, e)
            }
            Command::ReviewRequest { on, grounds } => {
                let grounds = required(&grounds, "复核理由")?;
                let served = self.served_on.expect("checked by possible");
                if on < served || on > today {
                    return Err(CaseRefusal::DateOutOfRange {
                        what: "复核申请日期",
                        date: on,
                        from: served,
                        to: today,
                    });
                }
                let last_day = p
                    .review_last_day(cal, served)
                    .ok_or(CaseRefusal::NoReview)?;
                if on > last_day {
                    return Err(CaseRefusal::ReviewLate {
                        served_on: served,
                        filed_on: on,
                        last_day,
                        basis: p.review_basis.cite(),
                    });
                }
                after.state = CaseState::Review;
                after.review = Some(Review {
                    requested_on: on,
                    due: p.review_due(cal, on, false),
                    extended_reason: None,
                    prior: self.state,
                    outcome: None,
                    decided_on: None,
                });
                let e = entry(&after, Some(grounds), json!({}));
                Outcome::of(after, e)
            }
            Command::ExtendReview { reason } => {
                let reason = required(&reason, "延长复核期限的特殊情况")?;
                let due = self.review.as_ref().expect("checked by possible").due;
                if today > due {
                    return Err(CaseRefusal::ExtensionTooLate {
                        due,
                        basis: p.review_basis.cite(),
                    });
                }
                let r = after.review.as_mut().expect("checked by possible");
                r.due = p.review_due(cal, r.requested_on, true);
                r.extended_reason = Some(reason.clone());
                let e = entry(&after, Some(reason), json!({}));
                Outcome::of(after, e)
            }
            Command::DecideReview {
                outcome,
                reason,
                changed,
                issuer,
            } => {
                let reason = required(&reason, "复核意见")?;
                let new_decision = match (outcome, &changed) {
                    (ReviewOutcome::Change, Some(a)) => {
                        Some(amend(self.decision.as_ref(), a, self.party.kind())?)
                    }
                    (ReviewOutcome::Change, None) => return Err(CaseRefusal::NoSanction),
                    _ => None,
                };
                let review = self.review.as_ref().expect("checked by possible");
                after.state = match outcome {
                    ReviewOutcome::Uphold => review.prior,
                    ReviewOutcome::Change => CaseState::Decided,
                    ReviewOutcome::Annul => CaseState::Closed,
                };
                let undo = match outcome {
                    ReviewOutcome::Uphold => Vec::new(),
                    ReviewOutcome::Change | ReviewOutcome::Annul => {
                        after.executed_on = None;
                        after.rectify_due = None;
                        Undo::all(
                            &facts.live_effects,
                            &format!("案件{}:复核撤回执行:{reason}", self.number),
                        )
                    }
                };
                if let Some(d) = &new_decision {
                    after.decision = Some(d.clone());
                }
                if let Some(r) = after.review.as_mut() {
                    r.outcome = Some(outcome);
                    r.decided_on = Some(today);
                }
                if outcome == ReviewOutcome::Annul {
                    after.outcome = Some(format!("复核撤销原处理决定:{reason}"));
                }
                let doc = document(DocumentKind::ReviewDecision, &issuer, &|number| {
                    review_decision_text(
                        &after,
                        ReviewDecision {
                            outcome,
                            reason: &reason,
                            changed: new_decision.as_ref(),
                            decision_number: facts.decision_number.as_deref(),
                        },
                        p,
                        &issuer,
                        number,
                        today,
                    )
                });
                let e = entry(
                    &after,
                    Some(reason.clone()),
                    json!({"outcome": outcome.code(), "document": document_number_of(&doc)}),
                );
                let mut o = Outcome::of(after, e).with_record(doc);
                o.undo = undo;
                o
            }
            Command::Execute => {
                let decision = self.decision.clone().expect("checked by possible");
                after.state = if decision.rectification_days().is_some() {
                    CaseState::Rectifying
                } else {
                    CaseState::Executing
                };
                after.executed_on = Some(today);
                after.rectification_reports = 0;
                after.rectify_due = decision
                    .rectification_days()
                    .map(|n| p.rectify_due(cal, today, n));
                let e = entry(&after, None, json!({}));
                let mut o = Outcome::of(after, e);
                o.effects = execution(self, &decision, &facts.world, today, p);
                o
            }
            Command::CheckRectification { accepted, reason } => {
                let reason = if accepted {
                    reason.trim().to_string()
                } else {
                    required(&reason, "整改不合格")?
                };
                let overdue = self.rectify_due.is_some_and(|d| today > d);
                if self.rectification_reports == 0 && (accepted || !overdue) {
                    return Err(CaseRefusal::NoRectificationReport {
                        due: self.rectify_due,
                    });
                }
                let mut effects = Vec::new();
                if accepted {
                    if let Some(last_day) = p.review_window(self, today, cal) {
                        return Err(CaseRefusal::ReviewWindowOpen {
                            last_day,
                            basis: p.review_basis.cite(),
                        });
                    }
                    after.state = CaseState::Closed;
                    after.outcome = Some(if reason.is_empty() {
                        "整改验收合格".to_string()
                    } else {
                        format!("整改验收合格:{reason}")
                    });
                    effects.extend(reinstatement(
                        self,
                        &facts.live_effects,
                        &facts.world,
                        today,
                    ));
                } else {
                    let decided = self.decision.clone().ok_or(CaseRefusal::NoDecision)?;
                    after.state = CaseState::Proposed;
                    after.proposal = Some(on_failed_rectification(&decided, &book(), &reason));
                    after.notified_on = None;
                    after.statements = 0;
                    after.executed_on = None;
                    after.rectify_due = None;
                    if !self.major {
                        after.major = true;
                        after.major_ground = Some(MajorGround::Repeated);
                        after.major_note =
                            Some("警告后未按期完成整改，再次违纪违规（多次违纪违规）".into());
                    }
                }
                let e = entry(&after, nonempty(&reason), json!({"accepted": accepted}));
                let mut o = Outcome::of(after, e);
                o.effects = effects;
                o
            }
            Command::Close { note } => {
                if let Some(last_day) = p.review_window(self, today, cal) {
                    return Err(CaseRefusal::ReviewWindowOpen {
                        last_day,
                        basis: p.review_basis.cite(),
                    });
                }
                after.state = CaseState::Closed;
                after.outcome = Some(nonempty(&note).unwrap_or_else(|| "执行完毕,结案".into()));
                let e = entry(&after, nonempty(&note), json!({}));
                Outcome::of(after, e)
            }
            Command::Drop { reason } => {
                let reason = required(&reason, "不予处理")?;
                after.state = CaseState::Dropped;
                after.outcome = Some(reason.clone());
                let e = entry(&after, Some(reason), json!({}));
                Outcome::of(after, e)
            }
            Command::MarkMajor { ground, note } => {
                after.major = true;
                after.major_ground = Some(ground);
                after.major_note = nonempty(&note);
                let e = entry(&after, nonempty(&note), json!({"ground": ground.code()}));
                Outcome::of(after, e)
            }
            Command::Attach {
                kind,
                file_name,
                content,
                signers,
                note,
            } => {
                let file_name = required(&file_name, "上传材料的文件名")?;
                let signers: Vec<String> = signers.iter().filter_map(|s| nonempty(s)).collect();
                check_signers(kind, self.party.kind(), &signers, p.min_onsite_signers)?;
                let e = Entry {
                    action: Action::Attach,
                    reason: None,
                    before: None,
                    after: Some(json!({
                        "kind": kind.code(),
                        "file_name": file_name,
                        "size": content.len(),
                        "signers": signers,
                    })),
                };
                Outcome::of(after, e).with_record(CaseRecord::Attachment {
                    kind,
                    file_name,
                    content,
                    signers,
                    note: nonempty(&note),
                })
            }
        })
    }
}

fn kind_action(kind: StatementKind) -> Action {
    match kind {
        StatementKind::Statement => Action::Statement,
        StatementKind::RectificationReport => Action::RectificationReport,
    }
}

/// The number of a document record.
fn document_number_of(r: &CaseRecord) -> String {
    match r {
        CaseRecord::Document { body, .. } => body.number.clone(),
        _ => String::new(),
    }
}

/// Who a finding a case is opened from concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingOwner {
    pub finding_id: i64,
    pub institution_id: Option<String>,
    pub candidate_id: Option<String>,
    pub person_id: Option<String>,
}

impl super::NewCase {
    /// The institution whose jurisdiction the case falls in: the party itself, or
    /// where the candidate's or staff member's violation happened.
    pub fn institution(&self) -> Option<&crate::ids::InstitutionId> {
        match (&self.party, &self.institution_id) {
            (super::Party::Institution(i), _) => Some(i),
            (_, i) => i.as_ref(),
        }
    }

    /// 立案: the case-file entry of opening the case numbered `number`, after
    /// checking that it has a summary and that every finding (`owners`, one per
    /// finding of the source) concerns the party at the case's institution.
    pub fn open(
        &self,
        number: &str,
        party_name: &str,
        owners: &[FindingOwner],
    ) -> Result<Entry<Action>, CaseRefusal> {
        use super::{Party, Source};
        let summary = required(&self.summary, "案由")?;
        let institution = self.institution().ok_or(CaseRefusal::ReasonRequired {
            what: "违纪违规发生的机构",
        })?;
        let findings = match &self.source {
            Source::Findings(ids) if ids.is_empty() => return Err(CaseRefusal::NoFindings),
            Source::Findings(ids) => ids.clone(),
            _ => Vec::new(),
        };
        for o in owners {
            let concerns = o.institution_id.as_deref() == Some(institution.as_str())
                && match &self.party {
                    Party::Institution(_) => true,
                    Party::Candidate { id_number, .. } => {
                        o.candidate_id.as_deref() == Some(id_number.as_str())
                    }
                    Party::Staff { person_id, .. } => {
                        o.person_id.as_deref() == Some(person_id.as_str())
                    }
                };
            if !concerns {
                return Err(CaseRefusal::FindingOfAnotherParty {
                    finding_id: o.finding_id,
                });
            }
        }
        Ok(Entry {
            action: Action::Open,
            reason: None,
            before: None,
            after: Some(json!({
                "number": number,
                "party_kind": self.party.kind().code(),
                "party_name": party_name,
                "institution_id": institution.as_str(),
                "source": self.source.kind().code(),
                "source_detail": self.source.detail(),
                "findings": findings,
                "summary": summary,
                "state": CaseState::Lead.code(),
            })),
        })
    }
}

/// Proposals shown beside a review: the decision a review would change (or the
/// proposal when there is none).
pub fn reviewed_decision(case: &Case) -> Option<&Proposal> {
    case.decision.as_ref().or(case.proposal.as_ref())
}

/// The day a party's review request counts as filed: today for the party, the
/// day of receipt an official records (defaulting to today).
pub fn filed_on(side: Side, recorded: Option<Date>, today: Date) -> Date {
    match side {
        Side::Party => today,
        Side::Authority => recorded.unwrap_or(today),
    }
}
