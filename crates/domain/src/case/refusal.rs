//! Why a case move is refused: typed values whose text is the Chinese a page
//! shows (with the article), and whose [`RefusalKind`] says which answer it is.

use super::{Action, CaseState, PartyKind};
use crate::Date;
use crate::workflow::{InputError, Refusal, RefusalKind};

/// "（《document》第N条）", or nothing where the procedure names no article.
fn cite(basis: &str) -> String {
    if basis.is_empty() {
        String::new()
    } else {
        format!("（{basis}）")
    }
}

/// Why a case operation is refused by the rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseRefusal {
    /// The move is not possible in the case's state.
    #[error("案件当前处于“{}”阶段，不能办理“{}”", state.zh(), action.zh())]
    NotPossible { state: CaseState, action: Action },
    /// The party (its own account) may answer its case, not handle it.
    #[error("案件由监管部门调查处理（第十七条），当事人不能办理“{}”", action.zh())]
    NotForTheParty { action: Action },
    /// Documents are issued by a 人社 department.
    #[error("只有人社部门的账号可以出具告知书、处理决定书和复核决定书")]
    NoIssuer,
    /// The procedure grants no review.
    #[error("本地处理程序未规定复核，不能申请复核")]
    NoReview,
    /// 第十七条: investigators are needed.
    #[error("请先指派至少一名调查人员（第十七条）")]
    NoInvestigators,
    /// 第十八条: a conflict of interest.
    #[error(
        "{investigator} 与机构 {institution_id} 存在利害关系（{reason}），不能担任调查人员（第十八条：调查人员与涉事机构或人员存在利害关系的，应当主动回避）"
    )]
    Conflict {
        investigator: String,
        institution_id: String,
        reason: String,
    },
    /// 第十八条: recused from this case.
    #[error("{investigator} 已在本案回避（第十八条），不能再次指派")]
    Recused { investigator: String },
    /// Already assigned.
    #[error("{investigator} 已是本案调查人员")]
    AlreadyAssigned { investigator: String },
    /// Not an investigator of the case.
    #[error("{investigator} 不是本案的调查人员：请从现有调查人员中选择")]
    NotAnInvestigator { investigator: String },
    /// A recusal request already decided (or none pending).
    #[error("回避申请 #{recusal_id} 已作出决定或不存在")]
    RecusalNotPending { recusal_id: i64 },
    /// A reason is required.
    #[error("请填写理由（{what}）")]
    ReasonRequired { what: &'static str },
    /// A proposal needs findings, or a proposal written by hand.
    #[error("本案没有可据以提出处理意见的预警：请在“变更拟处理意见”中写明处理措施、依据和理由")]
    NothingToPropose,
    /// No finding names a candidate or staff article.
    #[error("本案预警未载明适用于{}的条款：请在“变更拟处理意见”中手工填写", party.zh())]
    NoArticleForParty { party: PartyKind },
    /// A proposal without measures.
    #[error("拟处理意见至少应有一项处理措施（字段 sanction）")]
    NoSanction,
    /// A proposal without basis.
    #[error("拟处理意见应写明依据（字段 basis，每行一条）")]
    BasisRequired,
    /// A measure of another kind of party.
    #[error("“{sanction}”不适用于{}", party.zh())]
    SanctionNotForParty { sanction: String, party: PartyKind },
    /// A value out of range.
    #[error("{what}超出范围：应为 {expected}")]
    OutOfRange {
        what: &'static str,
        expected: &'static str,
    },
    /// Deciding while the party may still state and defend (`basis`: the
    /// procedure's notice article, e.g. Hubei 第十八条; empty without one).
    #[error(
        "当事人可在 {due}（含）前陈述申辩{}：请在该日之后，或收到陈述申辩后再作出处理决定",
        cite(basis)
    )]
    StatementPeriodRunning { due: Date, basis: String },
    /// The decision has not been served.
    #[error("处理决定尚未送达：请先登记送达日期（处理决定应以书面形式送达）")]
    NotServed,
    /// Already served.
    #[error("处理决定已于 {served_on} 送达")]
    AlreadyServed { served_on: Date },
    /// A date outside what is possible.
    #[error("{what} {date} 应在 {from} 至 {to} 之间")]
    DateOutOfRange {
        what: &'static str,
        date: Date,
        from: Date,
        to: Date,
    },
    /// The review request is late (`basis`: the procedure's review article,
    /// e.g. Hubei 第十九条; empty without one).
    #[error(
        "复核申请已逾期，不予受理：处理决定于 {served_on} 送达，最迟应于 {last_day} 申请复核，本申请于 {filed_on} 提出{}",
        cite(basis)
    )]
    ReviewLate {
        served_on: Date,
        filed_on: Date,
        last_day: Date,
        basis: String,
    },
    /// One review per decision.
    #[error("已于 {requested_on} 申请复核；同一处理决定只复核一次")]
    ReviewUsed { requested_on: Date },
    /// The extension is given once.
    #[error("复核期限已延长过一次（{reason}）；只允许延长一次{}", cite(basis))]
    ExtensionUsed { reason: String, basis: String },
    /// The extension must come before the review decision is due.
    #[error("复核决定应于 {due} 前作出；延长期限须在此之前决定{}", cite(basis))]
    ExtensionTooLate { due: Date, basis: String },
    /// Closing while the review window is open.
    #[error(
        "当事人可在 {last_day}（含）前申请复核{}：该日之后方可结案",
        cite(basis)
    )]
    ReviewWindowOpen { last_day: Date, basis: String },
    /// Checking a rectification without a report (and before the deadline).
    #[error("机构尚未提交整改报告{}", due.map(|d| format!("；整改期限为 {d}，逾期未提交的可在期满后认定整改不合格")).unwrap_or_default())]
    NoRectificationReport { due: Option<Date> },
    /// 第十五条: an on-site record needs 2 signers.
    #[error(
        "参评人员违纪违规的现场记录应经工作人员签字（第十五条：经2名及以上工作人员签字），现有 {signers} 名（字段 signers，每行一名）"
    )]
    FewSigners { signers: usize },
    /// A finding of another party.
    #[error("预警 #{finding_id} 与本案当事人无关")]
    FindingOfAnotherParty { finding_id: i64 },
    /// A case from findings needs at least one.
    #[error("从预警立案至少需要一条预警（字段 finding_ids）")]
    NoFindings,
    /// A case with no decision.
    #[error("本案尚无处理决定")]
    NoDecision,
    /// The party stated and defended: the decision says whether it is adopted.
    #[error("当事人已提出陈述申辩：请选择对陈述申辩意见的采纳情况（采纳、部分采纳或不予采纳）")]
    AdoptionRequired,
    /// A form field that does not read.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Refusal for CaseRefusal {
    fn kind(&self) -> RefusalKind {
        use CaseRefusal as R;
        use RefusalKind::*;
        match self {
            R::NotForTheParty { .. } | R::NoIssuer => NotAllowed,
            R::NotPossible { .. }
            | R::NoReview
            | R::NoInvestigators
            | R::RecusalNotPending { .. }
            | R::NothingToPropose
            | R::NoArticleForParty { .. }
            | R::StatementPeriodRunning { .. }
            | R::NotServed
            | R::ReviewLate { .. }
            | R::ExtensionTooLate { .. }
            | R::ReviewWindowOpen { .. }
            | R::NoRectificationReport { .. }
            | R::NoDecision => NotPossible,
            R::Conflict { .. }
            | R::Recused { .. }
            | R::AlreadyAssigned { .. }
            | R::AlreadyServed { .. }
            | R::ReviewUsed { .. }
            | R::ExtensionUsed { .. } => Conflict,
            R::NotAnInvestigator { .. }
            | R::ReasonRequired { .. }
            | R::NoSanction
            | R::BasisRequired
            | R::SanctionNotForParty { .. }
            | R::OutOfRange { .. }
            | R::DateOutOfRange { .. }
            | R::FewSigners { .. }
            | R::FindingOfAnotherParty { .. }
            | R::NoFindings
            | R::AdoptionRequired
            | R::Input(_) => Invalid,
        }
    }
}
