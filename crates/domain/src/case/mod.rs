//! 违纪违规案件: one violation matter carried from a lead (线索) through investigation,
//! the proposed decision, notice, decision, review, execution and rectification to
//! closure, with the due process of 《湖北省技能人才评价违纪违规行为处理工作规程(试行)》
//! (鄂人社发〔2025〕6号, ../shared/regulations/002_bec2f34692914343.txt, 第五条–第二十一条,
//! quoted on each rule) and the constraint measures of 《湖北省技能人才评价监督管理
//! 办法(试行)》第十七条.
//!
//! The case is the worked example of [`crate::workflow`]: a move decides its whole
//! outcome here, the store records it, the pages render from
//! [`Case::available_moves`]. Everything is pure: the clock (`today`), the calendar
//! and what the store read for a move ([`Facts`]) are parameters.
//!
//! - [`Case`], [`CaseState`], [`Action`] (the case file's vocabulary): this module.
//! - [`moves`]: [`MoveKind`], [`Command`] (a move with its input), [`Case::act`]
//!   (state × move → [`Outcome`] or [`CaseRefusal`]) and [`Case::available_moves`].
//! - [`input`]: each move's form ([`Field`]s) and its parsing into a [`Command`].
//! - [`refusal`]: [`CaseRefusal`], Chinese, with its [`RefusalKind`].
//! - [`proposal`]: the sanctions, the rulebook's proposal (拟处理) and its amendment.
//! - [`effects`]: what execution changes outside the case, and how it is undone.
//! - [`procedure`]: the procedure as a value ([`Procedure`]: statement period,
//!   review windows, whether there is a review) and the deadlines in working days.
//! - [`documents`]: 告知书, 处理决定书, 复核决定书 and their issuer.
//! - [`investigators`]: 调查人员, conflicts of interest and recusal (第十七条, 第十八条).
//!
//! [`Outcome`]: crate::workflow::Outcome
//! [`Field`]: crate::workflow::Field
//! [`RefusalKind`]: crate::workflow::RefusalKind

pub mod documents;
pub mod effects;
pub mod input;
pub mod investigators;
pub mod moves;
pub mod procedure;
pub mod proposal;
pub mod refusal;
#[cfg(test)]
mod tests;

pub use documents::{Document, DocumentKind, Issuer, document_number};
pub use effects::{CaseEffect, StatusAt, World};
pub use input::Given;
pub use investigators::{Conflict, Investigator, check_investigators, check_signers};
pub use moves::{
    CaseOutcome, CaseRecord, Command, Facts, FindingOwner, MoveKind, Needs, Now, Side,
};
pub use procedure::{
    Cited, Constraints, Deadline, DeadlineKind, FailedRectification, MeasureBasis, PersonArticle,
    Procedure, ReviewRules, titled, years_until,
};
pub use proposal::{
    Amendment, FindingFact, PartyRecord, Proposal, Sanction, amend, institution_sanctions,
    on_failed_rectification, person_sanctions, propose,
};
pub use refusal::CaseRefusal;

use crate::Error;
use crate::ids::{InstitutionId, PersonId};
use crate::{Date, DateTime, IdNumber};
use serde_json::{Value as Json, json};

code_enum! {
    /// Who a case is against.
    PartyKind, "institution, candidate, staff (评价机构, 参评人员, 工作人员)" {
        /// 评价机构 (第十二条–第十四条).
        Institution = "institution" ["评价机构", "机构"],
        /// 参评人员 (第五条–第七条).
        Candidate = "candidate" ["参评人员", "考生"],
        /// 工作人员: 考务, 考评, 督导 (第八条–第十一条).
        Staff = "staff" ["工作人员"],
    }
}

/// The party a case is against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    /// An evaluation institution.
    Institution(InstitutionId),
    /// A candidate (参评人员), by ID number (`candidate_id`); `Debug` masks it.
    Candidate { id_number: IdNumber, name: String },
    /// A staff member (examiner, supervisor, 考务), by card number.
    Staff { person_id: PersonId, name: String },
}

impl Party {
    /// Which kind of party.
    pub fn kind(&self) -> PartyKind {
        match self {
            Party::Institution(_) => PartyKind::Institution,
            Party::Candidate { .. } => PartyKind::Candidate,
            Party::Staff { .. } => PartyKind::Staff,
        }
    }

    /// The party's identifier (institution id, full ID number, card number).
    pub fn id(&self) -> &str {
        match self {
            Party::Institution(i) => i.as_str(),
            Party::Candidate { id_number, .. } => id_number.as_str(),
            Party::Staff { person_id, .. } => person_id.as_str(),
        }
    }

    /// The party of `kind` with identifier `id` and name `name`, as stored.
    pub fn parse(kind: PartyKind, id: &str, name: &str) -> Result<Party, crate::Error> {
        Ok(match kind {
            PartyKind::Institution => Party::Institution(InstitutionId::parse(id)?),
            PartyKind::Candidate => Party::Candidate {
                id_number: IdNumber::parse(id)?,
                name: name.to_string(),
            },
            PartyKind::Staff => Party::Staff {
                person_id: PersonId::parse(id)?,
                name: name.to_string(),
            },
        })
    }

    /// How documents address the party: 你单位 / 你.
    fn you(&self) -> &'static str {
        match self {
            Party::Institution(_) => "你单位",
            _ => "你",
        }
    }
}

/// Where a case came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Findings of screening (数字化监测), by finding id.
    Findings(Vec<i64>),
    /// A complaint (投诉举报): its id or summary.
    Complaint(String),
    /// An inspection (督查, 现场检查): its reference or summary.
    Inspection(String),
    /// Opened by hand.
    Manual,
}

code_enum! {
    /// The source's kind, as stored.
    SourceKind, "findings, complaint, inspection, manual (数字化监测, 投诉举报, 监督检查, 手工立案)" {
        Findings = "findings" ["数字化监测", "预警"],
        Complaint = "complaint" ["投诉举报"],
        Inspection = "inspection" ["监督检查", "督查"],
        Manual = "manual" ["手工立案"],
    }
}

impl Source {
    /// The kind.
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::Findings(_) => SourceKind::Findings,
            Source::Complaint(_) => SourceKind::Complaint,
            Source::Inspection(_) => SourceKind::Inspection,
            Source::Manual => SourceKind::Manual,
        }
    }

    /// The detail kept with the kind (complaint or inspection reference).
    pub fn detail(&self) -> Option<&str> {
        match self {
            Source::Complaint(s) | Source::Inspection(s) => Some(s),
            _ => None,
        }
    }

    /// The source of `kind` as stored, with its detail and findings.
    pub fn of(kind: SourceKind, detail: Option<String>, findings: Vec<i64>) -> Source {
        match kind {
            SourceKind::Findings => Source::Findings(findings),
            SourceKind::Complaint => Source::Complaint(detail.unwrap_or_default()),
            SourceKind::Inspection => Source::Inspection(detail.unwrap_or_default()),
            SourceKind::Manual => Source::Manual,
        }
    }
}

code_enum! {
    /// 案件状态.
    CaseState, "lead, investigating, proposed, notified, decided, review, executing, rectifying, closed, dropped (线索, 核查, 拟处理, 告知, 决定, 复核, 执行, 整改, 结案, 不予处理)" {
        /// 线索: opened, nobody investigating yet.
        Lead = "lead" ["线索"],
        /// 核查: investigators assigned (第十七条).
        Investigating = "investigating" ["核查"],
        /// 拟处理: a proposed decision (第十七条 "提出初步处理意见").
        Proposed = "proposed" ["拟处理"],
        /// 告知: the party told of the proposal, may state and defend (第十八条).
        Notified = "notified" ["告知"],
        /// 决定: decided in writing; served on a recorded date (第十八条).
        Decided = "decided" ["决定"],
        /// 复核: a review requested within the window (第十九条).
        Review = "review" ["复核"],
        /// 执行: the decision's effects applied.
        Executing = "executing" ["执行"],
        /// 整改: rectification under way (第十三条 "限期整改").
        Rectifying = "rectifying" ["整改"],
        /// 结案.
        Closed = "closed" ["结案"],
        /// 不予处理: closed after 核查 without a sanction, with a reason.
        Dropped = "dropped" ["不予处理"],
    }
}

impl CaseState {
    /// Whether the case is over (closed or dropped).
    pub fn is_final(self) -> bool {
        matches!(self, CaseState::Closed | CaseState::Dropped)
    }

    /// The steps of the usual course, as a page's stepper shows them; 执行 and 整改
    /// are one step, 复核 and 不予处理 lie beside the course.
    pub const STEPS: [CaseState; 7] = [
        CaseState::Lead,
        CaseState::Investigating,
        CaseState::Proposed,
        CaseState::Notified,
        CaseState::Decided,
        CaseState::Executing,
        CaseState::Closed,
    ];

    /// The step of [`CaseState::STEPS`] the state is at (复核 at 决定, the step a
    /// review reconsiders; 不予处理 at the end).
    pub fn step(self) -> usize {
        match self {
            CaseState::Lead => 0,
            CaseState::Investigating => 1,
            CaseState::Proposed => 2,
            CaseState::Notified => 3,
            CaseState::Decided | CaseState::Review => 4,
            CaseState::Executing | CaseState::Rectifying => 5,
            CaseState::Closed | CaseState::Dropped => 6,
        }
    }
}

code_enum! {
    /// 处理档案: what one event of the case file did.
    Action, "open, assign, remove_investigator, declare_conflict, request_recusal, decide_recusal, propose, notify, statement, decide, serve, request_review, extend_review, decide_review, execute, roll_back, rectification_report, check_rectification, close, drop, mark_major, attach" {
        Open = "open" ["立案"],
        Assign = "assign" ["指派调查人员"],
        RemoveInvestigator = "remove_investigator" ["调查人员回避"],
        DeclareConflict = "declare_conflict" ["申报利害关系"],
        RequestRecusal = "request_recusal" ["申请回避"],
        DecideRecusal = "decide_recusal" ["回避决定"],
        Propose = "propose" ["拟处理"],
        Notify = "notify" ["告知"],
        Statement = "statement" ["陈述申辩"],
        Decide = "decide" ["处理决定"],
        Serve = "serve" ["送达"],
        RequestReview = "request_review" ["申请复核"],
        ExtendReview = "extend_review" ["延长复核期限"],
        DecideReview = "decide_review" ["复核决定"],
        Execute = "execute" ["执行"],
        RollBack = "roll_back" ["撤回执行"],
        RectificationReport = "rectification_report" ["整改报告"],
        CheckRectification = "check_rectification" ["整改验收"],
        Close = "close" ["结案"],
        Drop = "drop" ["不予处理"],
        MarkMajor = "mark_major" ["评价要情"],
        Attach = "attach" ["上传材料"],
    }
}

code_enum! {
    /// 复核决定: what the review decided (第十九条).
    ReviewOutcome, "uphold, change, annul (维持, 变更, 撤销)" {
        /// 维持原处理决定.
        Uphold = "uphold" ["维持"],
        /// 变更原处理决定: the effects are rolled back and the new decision executed.
        Change = "change" ["变更"],
        /// 撤销原处理决定: the effects are rolled back and the case closed.
        Annul = "annul" ["撤销"],
    }
}

code_enum! {
    /// 评价要情 (第二十条): why a case is reported up to the province.
    MajorGround, "grave, repeated, complaint, media, other (严重违纪违规, 多次违纪违规, 投诉举报或群体性事件, 媒体负面报道或舆情, 其他重要情况)" {
        Grave = "grave" ["严重违纪违规"],
        Repeated = "repeated" ["多次违纪违规"],
        Complaint = "complaint" ["投诉举报或群体性事件"],
        Media = "media" ["媒体负面报道或舆情"],
        Other = "other" ["其他重要情况"],
    }
}

code_enum! {
    /// 回避申请 status (第十八条).
    RecusalStatus, "pending, granted, refused (待决定, 准予回避, 不予回避)" {
        Pending = "pending" ["待决定"],
        Granted = "granted" ["准予回避"],
        Refused = "refused" ["不予回避"],
    }
}

code_enum! {
    /// A file attached to a case.
    AttachmentKind, "evidence, onsite_record (证据材料, 现场记录)" {
        /// 证据材料 (第十五条–第十七条 "收集、保存相应证据材料").
        Evidence = "evidence" ["证据材料"],
        /// 现场记录: for a candidate, signed by 2 or more staff (第十五条).
        OnsiteRecord = "onsite_record" ["现场记录"],
    }
}

code_enum! {
    /// Whether the decision adopts the party's statement (陈述申辩): recorded with
    /// the decision and stated in the 处理决定书.
    StatementAdoption, "adopted, partly, not_adopted (采纳, 部分采纳, 不予采纳)" {
        Adopted = "adopted" ["采纳"],
        Partly = "partly" ["部分采纳"],
        NotAdopted = "not_adopted" ["不予采纳"],
    }
}

code_enum! {
    /// What a party submits.
    StatementKind, "statement, rectification_report (陈述申辩, 整改报告)" {
        Statement = "statement" ["陈述申辩"],
        RectificationReport = "rectification_report" ["整改报告"],
    }
}

code_enum! {
    /// 约束措施 of 《湖北省技能人才评价监督管理办法(试行)》第十七条.
    Measure, "inspection, subsidy, competition, awards (提高检查频次, 限制补贴项目, 限制竞赛, 限制评比表彰)" {
        /// (一) "提高检查频次和抽查比例,或列为必查对象".
        Inspection = "inspection" ["提高检查频次和抽查比例"],
        /// (二) "限制申报政府补贴性职业技能培训项目、高技能人才建设项目".
        Subsidy = "subsidy" ["限制申报政府补贴性培训项目"],
        /// (三) "限制申办职业技能竞赛、评价技术资源开发等事项".
        Competition = "competition" ["限制申办职业技能竞赛"],
        /// (四) "三年内不得申报市级以上职业技能类评比表彰项目".
        Awards = "awards" ["不得申报评比表彰项目"],
    }
}

/// A review (复核) as the case keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub requested_on: Date,
    /// When the review decision is due (15 working days, +10 when extended).
    pub due: Date,
    /// The reason of the one extension (第十九条 特殊情况), if extended.
    pub extended_reason: Option<String>,
    /// The state the case was in when the review was requested.
    pub prior: CaseState,
    pub outcome: Option<ReviewOutcome>,
    pub decided_on: Option<Date>,
}

/// A recusal request (第十八条 "当事人可申请其回避") and its decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Recusal {
    pub recusal_id: i64,
    pub investigator: String,
    pub reason: String,
    pub requested_at: DateTime,
    pub requested_by: String,
    pub status: RecusalStatus,
    pub decision_reason: Option<String>,
}

/// A case to open (立案).
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

/// A case as the rules see it (the store builds it from its rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub case_id: i64,
    pub number: String,
    pub party: Party,
    /// The party's name as documents address it (for an institution, its name).
    pub party_name: String,
    /// The institution the party belongs to (itself for an institution): jurisdiction.
    pub institution_id: InstitutionId,
    pub source: Source,
    pub summary: String,
    pub state: CaseState,
    /// 评价要情 (第二十条), with its ground and a note.
    pub major: bool,
    pub major_ground: Option<MajorGround>,
    pub major_note: Option<String>,
    pub opened_on: Date,
    /// Current investigators (account names or experts).
    pub investigators: Vec<String>,
    /// Recusal requests, oldest first.
    pub recusals: Vec<Recusal>,
    pub proposal: Option<Proposal>,
    pub notified_on: Option<Date>,
    /// Statements (陈述申辩) received since the latest notice.
    pub statements: u32,
    pub decision: Option<Proposal>,
    pub decided_on: Option<Date>,
    pub served_on: Option<Date>,
    pub review: Option<Review>,
    pub executed_on: Option<Date>,
    pub rectify_due: Option<Date>,
    /// Rectification reports received since execution.
    pub rectification_reports: u32,
    /// How it ended: why it was closed, dropped or annulled.
    pub outcome: Option<String>,
    pub closed_on: Option<Date>,
}

impl crate::workflow::Workflow for Case {
    type Action = Action;
    type Record = CaseRecord;
    type Effect = CaseEffect;
    type Refusal = CaseRefusal;
}

impl Case {
    /// The case as the case file records it before and after a step.
    pub fn snapshot(&self) -> Json {
        json!({
            "state": self.state.code(),
            "major": self.major,
            "investigators": self.investigators,
            "proposal": self.proposal,
            "notified_on": self.notified_on.map(|d| d.to_string()),
            "decision": self.decision,
            "decided_on": self.decided_on.map(|d| d.to_string()),
            "served_on": self.served_on.map(|d| d.to_string()),
            "review": self.review.as_ref().map(|r| json!({
                "requested_on": r.requested_on.to_string(),
                "due": r.due.to_string(),
                "extended_reason": r.extended_reason,
                "prior": r.prior.code(),
                "outcome": r.outcome.map(|o| o.code()),
                "decided_on": r.decided_on.map(|d| d.to_string()),
            })),
            "executed_on": self.executed_on.map(|d| d.to_string()),
            "rectify_due": self.rectify_due.map(|d| d.to_string()),
        })
    }

    /// The snapshot with `extra`'s fields added.
    pub fn snapshot_with(&self, extra: Json) -> Json {
        let mut s = self.snapshot();
        if let (Json::Object(m), Json::Object(e)) = (&mut s, extra) {
            m.extend(e);
        }
        s
    }

    /// Whether the party's own account sees the case: a case against an
    /// institution, once investigated (a 线索 is internal).
    pub fn visible_to_party(&self) -> bool {
        self.party.kind() == PartyKind::Institution && self.state != CaseState::Lead
    }

    /// The case as its party sees it: a proposal is internal until notified
    /// (第十八条 tells the party the proposal with the notice, not before).
    pub fn for_party(mut self) -> Case {
        if matches!(
            self.state,
            CaseState::Investigating | CaseState::Proposed | CaseState::Dropped
        ) {
            self.proposal = None;
        }
        self
    }
}
