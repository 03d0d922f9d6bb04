//! 违纪违规案件: one violation matter carried from a lead (线索) through investigation,
//! the proposed decision, notice, decision, review, execution and rectification to
//! closure, with the due process of 《湖北省技能人才评价违纪违规行为处理工作规程(试行)》
//! (鄂人社发〔2025〕6号, ../shared/regulations/002_bec2f34692914343.txt, 第五条–第二十一条,
//! quoted on each rule below) and the constraint measures of 《湖北省技能人才评价监督管理
//! 办法(试行)》第十七条.
//!
//! Everything here is pure: the store keeps cases, applies these decisions inside its
//! transactions and appends the case file (处理档案, 第二十一条); the clock (`today`) and
//! the working-day calendar are parameters.
//!
//! - [`CaseState`] and [`transition`]: the states and every legal move ([`Move`]);
//!   impossible moves are [`CaseRefusal`]s that say why.
//! - [`check_investigators`]: 调查人员 and 回避 (第十七条, 第十八条).
//! - [`propose`] / [`amend`]: the proposal (拟处理) from the rulebook, escalation included,
//!   or as the official changes it, with the reason kept.
//! - [`Sanction`]: what a decision does, for institutions (第十二条–第十四条), candidates
//!   (第五条–第七条) and staff (第八条–第十一条).
//! - Deadlines in working days ([`statement_due`], [`review_last_day`], [`review_due`],
//!   [`rectify_due`], [`next_deadline`]).
//! - Documents for printing: [`notice_text`] (告知书), [`decision_text`] (处理决定书),
//!   [`review_decision_text`] (复核决定书).

use crate::enums::{Disposition, Severity};
use crate::finding::FindingKind;
use crate::ids::{InstitutionId, PersonId};
use crate::rulebook::Rulebook;
use crate::workdays::Calendar;
use crate::{Date, Error, IdNumber};
use chrono::{Datelike, Days, Months};
use serde::{Deserialize, Serialize};

/// The document the procedure rests on, as the documents cite it.
pub const PROCEDURE: &str = "《湖北省技能人才评价违纪违规行为处理工作规程(试行)》";

/// The document of the constraint measures.
pub const SUPERVISION_RULES: &str = "《湖北省技能人才评价监督管理办法(试行)》";

/// 第十八条: "作出处理决定前,应告知评价机构和相关人员拟作出的处理决定及相关事实、理由
/// 和依据" — the notice gives the party the right to state and defend (陈述申辩), but
/// the regulations name no period for it. **5 working days is the platform's default**,
/// not a number from the regulations; the notice states the resulting date.
pub const STATEMENT_WORKING_DAYS: u32 = 5;

/// 第十九条: "可在收到处理决定之日起15个工作日内……申请复核" — the review window,
/// counted from the recorded date of service.
pub const REVIEW_WINDOW_WORKING_DAYS: u32 = 15;

/// 第十九条: "并在15个工作日内对申请内容进行核实,作出复核决定" — counted from the request.
pub const REVIEW_DECISION_WORKING_DAYS: u32 = 15;

/// 第十九条: "特殊情况可延长10个工作日,并书面告知申请人" — once, with a reason.
pub const REVIEW_EXTENSION_WORKING_DAYS: u32 = 10;

/// 第十三条: "予以警告,限期整改,并在限期整改期间暂停其评价活动" — the regulations
/// leave the period to the decision. **30 working days is the platform's default**
/// proposal; the official may set another in the decision.
pub const RECTIFY_WORKING_DAYS: u32 = 30;

/// 监督管理办法 第十七条(四): "三年内不得申报市级以上职业技能类评比表彰项目" — the
/// constraint measures are proposed for 3 years.
pub const CONSTRAINT_YEARS: u8 = 3;

/// 第十五条: "经2名及以上工作人员签字报考场负责人确认" — signers an on-site record of a
/// candidate's violation needs.
pub const MIN_ONSITE_SIGNERS: usize = 2;

/// Deadlines at most this many working days away are "due soon" (the dashboard's week).
pub const DUE_SOON_WORKING_DAYS: u32 = 5;

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

/// One measure a decision takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Sanction {
    /// 第十二条: "对其主要负责人进行约谈".
    Interview,
    /// 第十三条: "予以警告,限期整改" within this many working days of execution.
    Rectify { deadline_working_days: u32 },
    /// 第十三条: "在限期整改期间暂停其评价活动" — suspended until the rectification
    /// is accepted (at most this many working days are planned).
    Suspend { rectify_working_days: u32 },
    /// 第十四条: "采取终止备案,并向社会公布有关情况".
    Terminate,
    /// 第十二条 "确认当次评价颁发证书……无效", 第十五条 "对已发放的证书予以作废".
    VoidCertificates,
    /// 第十五条 "对已上网证书数据及时作出相应处理"; item 15 "撤销违规证书数据".
    RevokeCertificateData,
    /// 第五条 (this subject) / 第六条–第七条 (all subjects): "取消其当次……评价成绩".
    CancelScores { all_subjects: bool },
    /// 第六条 (1 year), 第七条 (2 years 情节轻微, 5 years 情节严重): "……年内不得参加评价".
    BarCandidate { years: u8 },
    /// 第九条: "吊销其考评人员证书".
    RevokeExaminerCard,
    /// 第八条: "取消其当年参加评价工作的资格".
    DisqualifyStaff,
    /// 第十一条: "暂停其督导工作".
    SuspendSupervisor,
    /// 第十三条 "视情况列入诚信不良档案"; 第十条 for staff.
    BadCredit,
    /// 监督管理办法 第十七条: the four constraint measures for this many years.
    Constraints { years: u8 },
}

impl Sanction {
    /// The stable code of the measure (case_effects, filters).
    pub fn code(&self) -> &'static str {
        match self {
            Sanction::Interview => "interview",
            Sanction::Rectify { .. } => "rectify",
            Sanction::Suspend { .. } => "suspend",
            Sanction::Terminate => "terminate",
            Sanction::VoidCertificates => "void_certificates",
            Sanction::RevokeCertificateData => "revoke_certificate_data",
            Sanction::CancelScores { .. } => "cancel_scores",
            Sanction::BarCandidate { .. } => "bar_candidate",
            Sanction::RevokeExaminerCard => "revoke_examiner_card",
            Sanction::DisqualifyStaff => "disqualify_staff",
            Sanction::SuspendSupervisor => "suspend_supervisor",
            Sanction::BadCredit => "bad_credit",
            Sanction::Constraints { .. } => "constraints",
        }
    }

    /// The measure in the words of a decision.
    pub fn zh(&self) -> String {
        match self {
            Sanction::Interview => "对主要负责人进行约谈".into(),
            Sanction::Rectify {
                deadline_working_days: n,
            } => format!("予以警告,限期整改({n}个工作日内完成整改并提交整改报告)"),
            Sanction::Suspend { .. } => "在限期整改期间暂停评价活动".into(),
            Sanction::Terminate => "终止备案,并向社会公布".into(),
            Sanction::VoidCertificates => "已发放的相关证书予以作废".into(),
            Sanction::RevokeCertificateData => "撤销已上网的相关证书数据".into(),
            Sanction::CancelScores { all_subjects: true } => "取消当次全部科目评价成绩".into(),
            Sanction::CancelScores {
                all_subjects: false,
            } => "取消当次该科目评价成绩".into(),
            Sanction::BarCandidate { years } => format!("{years}年内不得参加评价"),
            Sanction::RevokeExaminerCard => "吊销考评人员证书".into(),
            Sanction::DisqualifyStaff => "取消当年参加评价工作的资格".into(),
            Sanction::SuspendSupervisor => "暂停督导工作".into(),
            Sanction::BadCredit => "列入诚信不良档案".into(),
            Sanction::Constraints { years } => format!(
                "{years}年内提高检查频次和抽查比例,限制申报政府补贴性培训项目、申办职业技能竞赛,不得申报市级以上职业技能类评比表彰项目"
            ),
        }
    }

    /// The article the measure comes from.
    pub fn article(&self) -> String {
        let a = match self {
            Sanction::Interview => "第十二条",
            Sanction::Rectify { .. } | Sanction::Suspend { .. } | Sanction::BadCredit => "第十三条",
            Sanction::Terminate => "第十四条",
            Sanction::VoidCertificates | Sanction::RevokeCertificateData => "第十五条",
            Sanction::CancelScores {
                all_subjects: false,
            } => "第五条",
            Sanction::CancelScores { all_subjects: true } => "第六条、第七条",
            Sanction::BarCandidate { years: 1 } => "第六条",
            Sanction::BarCandidate { .. } => "第七条",
            Sanction::RevokeExaminerCard => "第九条",
            Sanction::DisqualifyStaff => "第八条",
            Sanction::SuspendSupervisor => "第十一条",
            Sanction::Constraints { .. } => return format!("{SUPERVISION_RULES}第十七条"),
        };
        format!("{PROCEDURE}{a}")
    }

    /// The parties the measure can be taken against.
    pub fn parties(&self) -> &'static [PartyKind] {
        use PartyKind::*;
        match self {
            Sanction::Interview
            | Sanction::Rectify { .. }
            | Sanction::Suspend { .. }
            | Sanction::Terminate
            | Sanction::Constraints { .. } => &[Institution],
            Sanction::VoidCertificates | Sanction::RevokeCertificateData => {
                &[Institution, Candidate]
            }
            Sanction::CancelScores { .. } | Sanction::BarCandidate { .. } => &[Candidate],
            Sanction::RevokeExaminerCard
            | Sanction::DisqualifyStaff
            | Sanction::SuspendSupervisor => &[Staff],
            Sanction::BadCredit => &[Institution, Staff],
        }
    }

    /// Refuses a measure that cannot be taken against `party`, or out of range.
    pub fn check(&self, party: PartyKind) -> Result<(), CaseRefusal> {
        if !self.parties().contains(&party) {
            return Err(CaseRefusal::SanctionNotForParty {
                sanction: self.zh(),
                party,
            });
        }
        match self {
            Sanction::BarCandidate { years } if ![1, 2, 5].contains(years) => {
                Err(CaseRefusal::OutOfRange {
                    what: "参评人员禁考年限",
                    expected: "1 (第六条), 2 or 5 (第七条) years",
                })
            }
            Sanction::Rectify {
                deadline_working_days: n,
            }
            | Sanction::Suspend {
                rectify_working_days: n,
            } if !(1..=250).contains(n) => Err(CaseRefusal::OutOfRange {
                what: "整改期限",
                expected: "1 to 250 working days",
            }),
            Sanction::Constraints { years } if !(1..=5).contains(years) => {
                Err(CaseRefusal::OutOfRange {
                    what: "约束措施年限",
                    expected: "1 to 5 years",
                })
            }
            _ => Ok(()),
        }
    }
}

/// The measures a disposition stands for against an institution.
///
/// - 约谈提醒 (第十二条): the interview.
/// - 限期整改 (第十三条): "予以警告,限期整改,并在限期整改期间暂停其评价活动,视情况列入
///   诚信不良档案" — warning with [`RECTIFY_WORKING_DAYS`], suspension meanwhile, the
///   bad-credit record, and the constraint measures (监督管理办法 第十七条: "还可根据
///   违规行为严重程度采取"). The "视情况"/"还可" measures are proposed by default; the
///   official removes them with a reason ([`amend`]).
/// - 终止备案 (第十四条): termination, bad credit and the constraint measures.
/// - 撤销证书数据: the revocation only.
pub fn institution_sanctions(d: Disposition) -> Vec<Sanction> {
    match d {
        Disposition::Interview => vec![Sanction::Interview],
        Disposition::Rectify => vec![
            Sanction::Rectify {
                deadline_working_days: RECTIFY_WORKING_DAYS,
            },
            Sanction::Suspend {
                rectify_working_days: RECTIFY_WORKING_DAYS,
            },
            Sanction::BadCredit,
            Sanction::Constraints {
                years: CONSTRAINT_YEARS,
            },
        ],
        Disposition::Terminate => vec![
            Sanction::Terminate,
            Sanction::BadCredit,
            Sanction::Constraints {
                years: CONSTRAINT_YEARS,
            },
        ],
        Disposition::RevokeData => vec![Sanction::RevokeCertificateData],
    }
}

/// The measures a candidate or staff article calls for (the rulebook's `article`,
/// e.g. "第七条(四)"), at the finding's severity; `None` for an article of another
/// party or an unknown one.
///
/// - 第五条: "取消其当次该科目的评价成绩".
/// - 第六条: "取消其当次全部科目评价成绩,且1年内不得参加评价".
/// - 第七条: "取消其当次全部科目评价成绩。情节轻微的,2年内不得参加评价;情节严重的,5年内
///   不得参加评价" — 5 years when the rulebook grades the finding 特别严重, else 2; and
///   第十五条: "对已发放的证书予以作废,对已上网证书数据及时作出相应处理".
/// - 第八条: "取消其当年参加评价工作的资格".
/// - 第九条: "吊销其考评人员证书".
/// - 第十条: "视情节轻重……给予相应处理" — the bad-credit record.
/// - 第十一条: "暂停其督导工作".
pub fn person_sanctions(
    article: &str,
    party: PartyKind,
    severity: Severity,
) -> Option<Vec<Sanction>> {
    let number = article
        .trim()
        .split(['(', '（'])
        .next()
        .unwrap_or_default()
        .trim();
    let after_event = [Sanction::VoidCertificates, Sanction::RevokeCertificateData];
    let s = match (party, number) {
        (PartyKind::Candidate, "第五条") => vec![Sanction::CancelScores {
            all_subjects: false,
        }],
        (PartyKind::Candidate, "第六条") => {
            let mut v = vec![
                Sanction::CancelScores { all_subjects: true },
                Sanction::BarCandidate { years: 1 },
            ];
            v.extend(after_event);
            v
        }
        (PartyKind::Candidate, "第七条") => {
            let years = if severity == Severity::Grave { 5 } else { 2 };
            let mut v = vec![
                Sanction::CancelScores { all_subjects: true },
                Sanction::BarCandidate { years },
            ];
            v.extend(after_event);
            v
        }
        (PartyKind::Staff, "第八条") => vec![Sanction::DisqualifyStaff],
        (PartyKind::Staff, "第九条") => vec![Sanction::RevokeExaminerCard],
        (PartyKind::Staff, "第十条") => vec![Sanction::BadCredit],
        (PartyKind::Staff, "第十一条") => vec![Sanction::SuspendSupervisor],
        _ => return None,
    };
    Some(s)
}

/// A proposed (拟处理) or decided (处理决定) outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// The guide item (认定处理指引 1..15), for institutions.
    pub item: Option<u8>,
    pub severity: Severity,
    /// 约谈提醒 / 限期整改 / 终止备案, for institutions.
    pub disposition: Option<Disposition>,
    pub sanctions: Vec<Sanction>,
    /// Legal basis: document and article, gravest first.
    pub basis: Vec<String>,
    /// The facts found (one line per finding or as the official wrote them).
    pub facts: Vec<String>,
    /// The escalation applied (第十四条(七) 已被警告,整改后再次违反), if any.
    pub escalation: Option<String>,
    /// Why the official changed the rulebook's proposal (required when changed).
    pub override_reason: Option<String>,
    /// The rulebook that proposed it.
    pub rulebook: Option<String>,
}

impl Proposal {
    /// The rectification period in working days, if the outcome calls for one
    /// (第十三条 限期整改).
    pub fn rectification_days(&self) -> Option<u32> {
        self.sanctions.iter().find_map(|s| match s {
            Sanction::Rectify {
                deadline_working_days: n,
            } => Some(*n),
            _ => None,
        })
    }

    /// The measures in one line.
    pub fn summary(&self) -> String {
        self.sanctions
            .iter()
            .map(Sanction::zh)
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Whether 第二十条 makes it 评价要情 by itself (特别严重).
    pub fn is_major(&self) -> bool {
        self.severity == Severity::Grave
    }
}

/// One finding a case rests on, as [`propose`] needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingFact {
    pub finding_id: i64,
    pub kind: FindingKind,
    /// The severity screening gave it (item 15 is graded by extent), if known.
    pub severity: Option<Severity>,
    pub message: String,
}

/// What the party's record holds that escalation looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Record {
    /// The latest earlier sanction of severity 严重 or worse (the `sanctions` table,
    /// as screening reads it).
    pub prior_serious_sanction: Option<Date>,
}

/// 拟处理: the rulebook's proposal for a party from its findings.
///
/// Institutions: each finding's rulebook entry (item 15 graded by the extent
/// screening saw); the gravest (severity, then item) gives item, severity and
/// disposition, every entry's basis is cited; with `policy.escalate_repeat`, a
/// 严重 case against an institution with an earlier 严重 sanction becomes 特别严重
/// with the policy's disposition and `escalation_basis` (第十四条(七) "已被警告,整改后
/// 再次违反本办法第十三条规定的"), as screening's classification does. Measures:
/// [`institution_sanctions`], plus 撤销证书数据 where an entry says so.
///
/// Candidates and staff: the entries' `article` ([`person_sanctions`]); the gravest
/// applicable entry decides. Refused when no finding names an article for the party.
pub fn propose(
    book: &Rulebook,
    party: PartyKind,
    findings: &[FindingFact],
    record: &Record,
) -> Result<Proposal, CaseRefusal> {
    if findings.is_empty() {
        return Err(CaseRefusal::NothingToPropose);
    }
    let facts: Vec<String> = findings
        .iter()
        .map(|f| format!("{}:{}", f.kind.title(), f.message))
        .collect();
    let mut rated: Vec<(Severity, u8, &crate::rulebook::Entry)> = findings
        .iter()
        .map(|f| {
            let e = book.entry(f.kind);
            let severity = match f.severity {
                Some(s) if e.item == 15 && s > e.severity => s,
                _ => e.severity,
            };
            (severity, e.item, e)
        })
        .collect();
    // Gravest first; among equals the higher guide item (the catalogue grows graver).
    rated.sort_by_key(|r| std::cmp::Reverse((r.0, r.1)));
    let mut basis: Vec<String> = Vec::new();
    let mut cite = |b: String| {
        if !basis.contains(&b) {
            basis.push(b);
        }
    };
    match party {
        PartyKind::Institution => {
            let (mut severity, item, top) = rated[0];
            let policy = &book.policy;
            let mut disposition = if severity == top.severity {
                top.disposition
            } else {
                policy.disposition_for(severity)
            };
            let mut escalation = None;
            if policy.escalate_repeat
                && severity == Severity::Serious
                && record.prior_serious_sanction.is_some()
            {
                severity = Severity::Grave;
                disposition = policy.disposition_for(Severity::Grave);
                escalation = Some(policy.escalation_basis.clone());
            }
            if let Some(e) = &escalation {
                cite(e.clone());
            }
            for (_, _, e) in &rated {
                cite(e.basis.clone());
            }
            let mut sanctions = institution_sanctions(disposition);
            if rated.iter().any(|(_, _, e)| e.revoke_data)
                && !sanctions.contains(&Sanction::RevokeCertificateData)
            {
                sanctions.push(Sanction::RevokeCertificateData);
            }
            Ok(Proposal {
                item: Some(item),
                severity,
                disposition: Some(disposition),
                sanctions,
                basis,
                facts,
                escalation,
                override_reason: None,
                rulebook: Some(book.name.clone()),
            })
        }
        PartyKind::Candidate | PartyKind::Staff => {
            let mut chosen = None;
            for (severity, _, e) in &rated {
                if let Some(article) = &e.article
                    && let Some(s) = person_sanctions(article, party, *severity)
                {
                    cite(format!("{} {article}", book.document));
                    if chosen.is_none() {
                        chosen = Some((*severity, s));
                    }
                }
            }
            let Some((severity, sanctions)) = chosen else {
                return Err(CaseRefusal::NoArticleForParty { party });
            };
            Ok(Proposal {
                item: None,
                severity,
                disposition: None,
                sanctions,
                basis,
                facts,
                escalation: None,
                override_reason: None,
                rulebook: Some(book.name.clone()),
            })
        }
    }
}

/// The official's change of a proposal (or a proposal written by hand for a case
/// without findings).
#[derive(Debug, Clone, PartialEq)]
pub struct Amendment {
    pub item: Option<u8>,
    pub severity: Severity,
    pub sanctions: Vec<Sanction>,
    /// Articles relied on; kept from the base proposal when empty.
    pub basis: Vec<String>,
    /// Facts; kept from the base proposal when empty.
    pub facts: Vec<String>,
    /// Why (mandatory: it goes into the case file).
    pub reason: String,
}

/// A proposal as the official changes it: the measures checked against the party,
/// the reason mandatory and kept, the basis and facts of `base` kept unless given.
pub fn amend(
    base: Option<&Proposal>,
    a: &Amendment,
    party: PartyKind,
) -> Result<Proposal, CaseRefusal> {
    let reason = a.reason.trim();
    if reason.is_empty() {
        return Err(CaseRefusal::ReasonRequired {
            what: "changing the proposal (变更拟处理意见)",
        });
    }
    if a.sanctions.is_empty() {
        return Err(CaseRefusal::NoSanction);
    }
    for s in &a.sanctions {
        s.check(party)?;
    }
    if let Some(i) = a.item
        && !(1..=15).contains(&i)
    {
        return Err(CaseRefusal::OutOfRange {
            what: "指引条目",
            expected: "a guide item 1..15",
        });
    }
    let basis = if a.basis.is_empty() {
        base.map(|b| b.basis.clone()).unwrap_or_default()
    } else {
        a.basis.clone()
    };
    if basis.is_empty() {
        return Err(CaseRefusal::BasisRequired);
    }
    let facts = if a.facts.is_empty() {
        base.map(|b| b.facts.clone()).unwrap_or_default()
    } else {
        a.facts.clone()
    };
    let disposition = if party != PartyKind::Institution {
        None
    } else if a.sanctions.contains(&Sanction::Terminate) {
        Some(Disposition::Terminate)
    } else if a
        .sanctions
        .iter()
        .any(|s| matches!(s, Sanction::Rectify { .. } | Sanction::Suspend { .. }))
    {
        Some(Disposition::Rectify)
    } else if a.sanctions.contains(&Sanction::Interview) {
        Some(Disposition::Interview)
    } else {
        Some(Disposition::RevokeData)
    };
    Ok(Proposal {
        item: a.item.or(base.and_then(|b| b.item)),
        severity: a.severity,
        disposition,
        sanctions: a.sanctions.clone(),
        basis,
        facts,
        escalation: base.and_then(|b| b.escalation.clone()),
        override_reason: Some(reason.to_string()),
        rulebook: base.and_then(|b| b.rulebook.clone()),
    })
}

/// 第十四条(七): "已被警告,整改后再次违反本办法第十三条规定的" → 终止备案. The
/// proposal when a rectification is rejected (整改不合格: 第十三条(七) "对质量监管过程中
/// 发现的问题……未按期完成整改的" after a warning): the decided outcome made
/// 特别严重 and 终止备案, the escalation cited.
pub fn escalate_on_failed_rectification(
    decided: &Proposal,
    book: &Rulebook,
    why: &str,
) -> Proposal {
    let basis_line = book.policy.escalation_basis.clone();
    let mut basis = vec![basis_line.clone()];
    basis.extend(decided.basis.iter().filter(|b| **b != basis_line).cloned());
    let mut facts = decided.facts.clone();
    facts.push(format!("整改验收不合格:{why}"));
    Proposal {
        item: decided.item,
        severity: Severity::Grave,
        disposition: Some(Disposition::Terminate),
        sanctions: institution_sanctions(Disposition::Terminate),
        basis,
        facts,
        escalation: Some(basis_line),
        override_reason: None,
        rulebook: Some(book.name.clone()),
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
    pub major: bool,
    pub opened_on: Date,
    /// Current investigators (account names or experts).
    pub investigators: Vec<String>,
    pub proposal: Option<Proposal>,
    pub notified_on: Option<Date>,
    /// Statements (陈述申辩) received.
    pub statements: u32,
    pub decision: Option<Proposal>,
    pub decided_on: Option<Date>,
    pub served_on: Option<Date>,
    pub review: Option<Review>,
    pub executed_on: Option<Date>,
    pub rectify_due: Option<Date>,
    /// Rectification reports received since execution.
    pub rectification_reports: u32,
    pub closed_on: Option<Date>,
}

/// One step a case may take (the data a rule needs comes with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Assign investigators (adds to those already assigned).
    Assign {
        investigators: usize,
    },
    /// Propose (again): from 核查, or revising after the notice.
    Propose,
    Notify,
    Statement,
    Decide,
    /// Record the date the decision was served.
    Serve {
        on: Date,
    },
    /// A review request filed on `on`.
    RequestReview {
        on: Date,
    },
    ExtendReview,
    DecideReview {
        outcome: ReviewOutcome,
    },
    Execute,
    RectificationReport,
    CheckRectification {
        accepted: bool,
    },
    Close,
    Drop,
}

impl Move {
    /// The case-file action of the move.
    pub fn action(self) -> Action {
        match self {
            Move::Assign { .. } => Action::Assign,
            Move::Propose => Action::Propose,
            Move::Notify => Action::Notify,
            Move::Statement => Action::Statement,
            Move::Decide => Action::Decide,
            Move::Serve { .. } => Action::Serve,
            Move::RequestReview { .. } => Action::RequestReview,
            Move::ExtendReview => Action::ExtendReview,
            Move::DecideReview { .. } => Action::DecideReview,
            Move::Execute => Action::Execute,
            Move::RectificationReport => Action::RectificationReport,
            Move::CheckRectification { .. } => Action::CheckRectification,
            Move::Close => Action::Close,
            Move::Drop => Action::Drop,
        }
    }
}

/// Why a case operation is refused by the rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseRefusal {
    /// The move is not possible in the case's state.
    #[error("the case is {} ({}); {} is not possible", state.zh(), state.code(), action.zh())]
    NotPossible { state: CaseState, action: Action },
    /// 第十七条: investigators are needed.
    #[error("at least one investigator (调查人员) must be assigned first (第十七条)")]
    NoInvestigators,
    /// 第十八条: a conflict of interest.
    #[error(
        "{investigator} has a conflict of interest with institution {institution_id} ({reason}) and cannot investigate (第十八条: 调查人员与涉事机构或人员存在利害关系的,应当主动回避)"
    )]
    Conflict {
        investigator: String,
        institution_id: String,
        reason: String,
    },
    /// 第十八条: recused from this case.
    #[error("{investigator} was recused from this case (第十八条) and cannot be assigned again")]
    Recused { investigator: String },
    /// Already assigned.
    #[error("{investigator} is already an investigator of this case")]
    AlreadyAssigned { investigator: String },
    /// Not an investigator of the case.
    #[error("{investigator} is not an investigator of this case")]
    NotAnInvestigator { investigator: String },
    /// A recusal request already decided (or none pending).
    #[error("recusal request {recusal_id} is not pending")]
    RecusalNotPending { recusal_id: i64 },
    /// A reason is required.
    #[error("a reason is required for {what}")]
    ReasonRequired { what: &'static str },
    /// A proposal needs findings, or a proposal written by hand.
    #[error(
        "the case has no findings to propose from; write the proposal (拟处理意见) with its basis and a reason"
    )]
    NothingToPropose,
    /// No finding names a candidate or staff article.
    #[error("no finding of this case names an article for a {} ({}); write the proposal by hand", party.zh(), party.code())]
    NoArticleForParty { party: PartyKind },
    /// A proposal without measures.
    #[error("a proposal needs at least one measure")]
    NoSanction,
    /// A proposal without basis.
    #[error("a proposal needs its legal basis (依据)")]
    BasisRequired,
    /// A measure of another kind of party.
    #[error("{sanction} cannot be taken against a {} ({})", party.zh(), party.code())]
    SanctionNotForParty { sanction: String, party: PartyKind },
    /// A value out of range.
    #[error("{what}: expected {expected}")]
    OutOfRange {
        what: &'static str,
        expected: &'static str,
    },
    /// 第十八条: deciding while the party may still state and defend.
    #[error(
        "the party may state and defend (陈述申辩) until {due}; decide after that day or once a statement is received (第十八条)"
    )]
    StatementPeriodRunning { due: Date },
    /// The decision has not been served.
    #[error(
        "the decision has not been served; record the date of service first (第十八条: 处理决定应以书面形式送达)"
    )]
    NotServed,
    /// Already served.
    #[error("the decision was already served on {served_on}")]
    AlreadyServed { served_on: Date },
    /// A date outside what is possible.
    #[error("{what} {date} must be between {from} and {to}")]
    DateOutOfRange {
        what: &'static str,
        date: Date,
        from: Date,
        to: Date,
    },
    /// 第十九条: the review request is late.
    #[error(
        "a review (复核) may be requested within 15 working days of receiving the decision on {served_on}, that is by {last_day}; the request of {filed_on} is late (第十九条)"
    )]
    ReviewLate {
        served_on: Date,
        filed_on: Date,
        last_day: Date,
    },
    /// One review per decision.
    #[error("a review was already requested on {requested_on}; a decision is reviewed once")]
    ReviewUsed { requested_on: Date },
    /// 第十九条: the extension is given once.
    #[error(
        "the review period was already extended ({reason}); 第十九条 allows one extension of 10 working days"
    )]
    ExtensionUsed { reason: String },
    /// The extension must come before the review decision is due.
    #[error(
        "the review decision was due on {due}; an extension must be given before then (第十九条)"
    )]
    ExtensionTooLate { due: Date },
    /// Closing while the review window is open.
    #[error(
        "the party may request a review until {last_day} (第十九条); the case can be closed after that day"
    )]
    ReviewWindowOpen { last_day: Date },
    /// Checking a rectification without a report (and before the deadline).
    #[error("no rectification report (整改报告) has been submitted{}", due.map(|d| format!("; the deadline is {d}")).unwrap_or_default())]
    NoRectificationReport { due: Option<Date> },
    /// 第十五条: an on-site record needs 2 signers.
    #[error(
        "an on-site record of a candidate's violation must be signed by 2 or more staff (第十五条: 经2名及以上工作人员签字); it has {signers}"
    )]
    FewSigners { signers: usize },
    /// A finding of another party.
    #[error("finding {finding_id} does not concern this party")]
    FindingOfAnotherParty { finding_id: i64 },
    /// A case from findings needs at least one.
    #[error("a case opened from findings needs at least one finding")]
    NoFindings,
    /// A case with no decision.
    #[error("the case has no decision")]
    NoDecision,
}

fn not_possible<T>(state: CaseState, action: Action) -> Result<T, CaseRefusal> {
    Err(CaseRefusal::NotPossible { state, action })
}

/// `n` working days after `start` on `calendar` (the start day not counted).
fn after(calendar: &Calendar, start: Date, n: u32) -> Date {
    calendar
        .add(start, n)
        .map(|r| r.date)
        .expect("case dates are far from 9999")
}

/// The last day of the statement period (陈述申辩) of a notice issued on `notified_on`:
/// [`STATEMENT_WORKING_DAYS`] working days later (platform default).
pub fn statement_due(calendar: &Calendar, notified_on: Date) -> Date {
    after(calendar, notified_on, STATEMENT_WORKING_DAYS)
}

/// 第十九条: the last day a review may be requested for a decision served on
/// `served_on` ("收到处理决定之日起15个工作日内").
pub fn review_last_day(calendar: &Calendar, served_on: Date) -> Date {
    after(calendar, served_on, REVIEW_WINDOW_WORKING_DAYS)
}

/// 第十九条: when the review decision on a request of `requested_on` is due (15 working
/// days; 25 when extended).
pub fn review_due(calendar: &Calendar, requested_on: Date, extended: bool) -> Date {
    let n = REVIEW_DECISION_WORKING_DAYS
        + if extended {
            REVIEW_EXTENSION_WORKING_DAYS
        } else {
            0
        };
    after(calendar, requested_on, n)
}

/// The rectification deadline of a decision executed on `executed_on`.
pub fn rectify_due(calendar: &Calendar, executed_on: Date, working_days: u32) -> Date {
    after(calendar, executed_on, working_days)
}

/// The last day of a bar or constraint of `years` from `from` (inclusive).
pub fn years_until(from: Date, years: u8) -> Date {
    from.checked_add_months(Months::new(u32::from(years) * 12))
        .and_then(|d| d.checked_sub_days(Days::new(1)))
        .expect("in range")
}

/// Whether the review window of `case` is still open on `today` (served, not yet
/// reviewed, today within 15 working days of service).
fn review_window(case: &Case, today: Date, calendar: &Calendar) -> Option<Date> {
    let served = case.served_on?;
    if case.review.is_some() {
        return None;
    }
    let last = review_last_day(calendar, served);
    (today <= last).then_some(last)
}

/// The state `case` moves to on `m` on `today`, or why it cannot.
///
/// ```text
/// 线索 ─assign→ 核查 ─propose→ 拟处理 ─notify→ 告知 ─decide→ 决定 ─execute→ 执行 ─close→ 结案
///                │             ↑  │           │ ↑statement    │  (served)       │
///                │             └──┘←─propose──┘               │                 └(rectify)→ 整改 ─accept→ 结案
///                └──drop──→ 不予处理 ←─drop── (拟处理, 告知)     │                                 └─reject→ 拟处理 (终止备案)
///                                         决定/执行/整改 ─request_review (≤15 working days)→ 复核
///                                         复核 ─uphold→ (back) · ─change→ 决定 (effects rolled back) · ─annul→ 结案
/// ```
pub fn transition(
    case: &Case,
    m: Move,
    today: Date,
    calendar: &Calendar,
) -> Result<CaseState, CaseRefusal> {
    use CaseState as S;
    let state = case.state;
    let action = m.action();
    match m {
        Move::Assign { investigators } => match state {
            S::Lead | S::Investigating | S::Proposed | S::Notified => {
                if investigators == 0 && case.investigators.is_empty() {
                    Err(CaseRefusal::NoInvestigators)
                } else if state == S::Lead {
                    Ok(S::Investigating)
                } else {
                    Ok(state)
                }
            }
            _ => not_possible(state, action),
        },
        Move::Propose => match state {
            S::Investigating | S::Proposed | S::Notified => {
                if case.investigators.is_empty() {
                    Err(CaseRefusal::NoInvestigators)
                } else {
                    Ok(S::Proposed)
                }
            }
            _ => not_possible(state, action),
        },
        Move::Notify => match state {
            S::Proposed if case.proposal.is_some() => Ok(S::Notified),
            _ => not_possible(state, action),
        },
        Move::Statement => match state {
            S::Notified => Ok(S::Notified),
            _ => not_possible(state, action),
        },
        Move::Decide => match (state, case.notified_on) {
            (S::Notified, Some(notified)) => {
                let due = statement_due(calendar, notified);
                if case.statements == 0 && today <= due {
                    Err(CaseRefusal::StatementPeriodRunning { due })
                } else {
                    Ok(S::Decided)
                }
            }
            _ => not_possible(state, action),
        },
        Move::Serve { on } => match (state, case.decided_on) {
            (S::Decided, Some(decided)) => {
                if let Some(served_on) = case.served_on {
                    return Err(CaseRefusal::AlreadyServed { served_on });
                }
                if on < decided || on > today {
                    return Err(CaseRefusal::DateOutOfRange {
                        what: "the date of service",
                        date: on,
                        from: decided,
                        to: today,
                    });
                }
                Ok(S::Decided)
            }
            _ => not_possible(state, action),
        },
        Move::RequestReview { on } => match state {
            S::Decided | S::Executing | S::Rectifying => {
                let Some(served) = case.served_on else {
                    return Err(CaseRefusal::NotServed);
                };
                if let Some(r) = &case.review {
                    return Err(CaseRefusal::ReviewUsed {
                        requested_on: r.requested_on,
                    });
                }
                if on < served || on > today {
                    return Err(CaseRefusal::DateOutOfRange {
                        what: "the date of the review request",
                        date: on,
                        from: served,
                        to: today,
                    });
                }
                let last_day = review_last_day(calendar, served);
                if on > last_day {
                    return Err(CaseRefusal::ReviewLate {
                        served_on: served,
                        filed_on: on,
                        last_day,
                    });
                }
                Ok(S::Review)
            }
            _ => not_possible(state, action),
        },
        Move::ExtendReview => match (state, &case.review) {
            (S::Review, Some(r)) => {
                if let Some(reason) = &r.extended_reason {
                    return Err(CaseRefusal::ExtensionUsed {
                        reason: reason.clone(),
                    });
                }
                if today > r.due {
                    return Err(CaseRefusal::ExtensionTooLate { due: r.due });
                }
                Ok(S::Review)
            }
            _ => not_possible(state, action),
        },
        Move::DecideReview { outcome } => match (state, &case.review) {
            (S::Review, Some(r)) => Ok(match outcome {
                ReviewOutcome::Uphold => r.prior,
                ReviewOutcome::Change => S::Decided,
                ReviewOutcome::Annul => S::Closed,
            }),
            _ => not_possible(state, action),
        },
        Move::Execute => match state {
            S::Decided if case.executed_on.is_none() => {
                let Some(decision) = &case.decision else {
                    return Err(CaseRefusal::NoDecision);
                };
                if case.served_on.is_none() {
                    return Err(CaseRefusal::NotServed);
                }
                Ok(if decision.rectification_days().is_some() {
                    S::Rectifying
                } else {
                    S::Executing
                })
            }
            _ => not_possible(state, action),
        },
        Move::RectificationReport => match state {
            S::Rectifying => Ok(S::Rectifying),
            _ => not_possible(state, action),
        },
        Move::CheckRectification { accepted } => match state {
            S::Rectifying => {
                let overdue = case.rectify_due.is_some_and(|d| today > d);
                if case.rectification_reports == 0 && (accepted || !overdue) {
                    return Err(CaseRefusal::NoRectificationReport {
                        due: case.rectify_due,
                    });
                }
                if !accepted {
                    return Ok(S::Proposed);
                }
                if let Some(last_day) = review_window(case, today, calendar) {
                    return Err(CaseRefusal::ReviewWindowOpen { last_day });
                }
                Ok(S::Closed)
            }
            _ => not_possible(state, action),
        },
        Move::Close => match state {
            S::Executing => match review_window(case, today, calendar) {
                Some(last_day) => Err(CaseRefusal::ReviewWindowOpen { last_day }),
                None => Ok(S::Closed),
            },
            _ => not_possible(state, action),
        },
        Move::Drop => match state {
            S::Investigating | S::Proposed | S::Notified => Ok(S::Dropped),
            _ => not_possible(state, action),
        },
    }
}

/// An investigator being assigned: a name, and the institution of their account
/// when it is an institution account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Investigator {
    pub name: String,
    pub institution_id: Option<InstitutionId>,
}

/// A declared conflict of interest between an investigator and an institution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub investigator: String,
    pub institution_id: InstitutionId,
    pub reason: String,
}

/// 第十七条 / 第十八条: refuses an assignment of nobody, of someone already
/// assigned, of an investigator with a declared conflict with the case's institution
/// or whose account belongs to it ("调查人员与涉事机构或人员存在利害关系的,应当主动回避"),
/// and of one recused from the case ("当事人可申请其回避").
pub fn check_investigators(
    institution: &InstitutionId,
    who: &[Investigator],
    assigned: &[String],
    conflicts: &[Conflict],
    recused: &[String],
) -> Result<(), CaseRefusal> {
    if who.is_empty() {
        return Err(CaseRefusal::NoInvestigators);
    }
    for (i, inv) in who.iter().enumerate() {
        if assigned.contains(&inv.name) || who[..i].iter().any(|o| o.name == inv.name) {
            return Err(CaseRefusal::AlreadyAssigned {
                investigator: inv.name.clone(),
            });
        }
        if inv.institution_id.as_ref() == Some(institution) {
            return Err(CaseRefusal::Conflict {
                investigator: inv.name.clone(),
                institution_id: institution.to_string(),
                reason: "an account of the institution itself (本机构账号)".into(),
            });
        }
        if let Some(c) = conflicts
            .iter()
            .find(|c| c.investigator == inv.name && &c.institution_id == institution)
        {
            return Err(CaseRefusal::Conflict {
                investigator: inv.name.clone(),
                institution_id: institution.to_string(),
                reason: c.reason.clone(),
            });
        }
        if recused.contains(&inv.name) {
            return Err(CaseRefusal::Recused {
                investigator: inv.name.clone(),
            });
        }
    }
    Ok(())
}

/// 第十五条: an on-site record of a candidate's violation needs 2 or more distinct
/// signers; other attachments need none.
pub fn check_signers(
    kind: AttachmentKind,
    party: PartyKind,
    signers: &[String],
) -> Result<(), CaseRefusal> {
    if kind == AttachmentKind::OnsiteRecord && party == PartyKind::Candidate {
        let mut distinct: Vec<&str> = signers
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < MIN_ONSITE_SIGNERS {
            return Err(CaseRefusal::FewSigners {
                signers: distinct.len(),
            });
        }
    }
    Ok(())
}

code_enum! {
    /// Which deadline a case is waiting on.
    DeadlineKind, "statement, review_window, review_decision, rectification (陈述申辩期限, 复核申请期限, 复核决定期限, 整改期限)" {
        /// The party may state and defend until then (a window: it lapses).
        Statement = "statement" ["陈述申辩期限"],
        /// The party may request a review until then (a window: it lapses).
        ReviewWindow = "review_window" ["复核申请期限"],
        /// The authority owes the review decision (an obligation: it becomes overdue).
        ReviewDecision = "review_decision" ["复核决定期限"],
        /// The institution owes its rectification (an obligation: it becomes overdue).
        Rectification = "rectification" ["整改期限"],
    }
}

/// A case's next deadline on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub what: DeadlineKind,
    pub due: Date,
    /// Working days from today to the due day (0: due today); negative when overdue.
    pub working_days_left: i64,
    pub overdue: bool,
}

impl Deadline {
    /// Overdue or due within [`DUE_SOON_WORKING_DAYS`].
    pub fn is_pressing(&self) -> bool {
        self.overdue || self.working_days_left <= i64::from(DUE_SOON_WORKING_DAYS)
    }
}

fn deadline(what: DeadlineKind, due: Date, today: Date, calendar: &Calendar) -> Deadline {
    let left = if due >= today {
        i64::from(calendar.between(today, due).map_or(0, |c| c.days))
    } else {
        -i64::from(calendar.between(due, today).map_or(0, |c| c.days))
    };
    Deadline {
        what,
        due,
        working_days_left: left,
        overdue: today > due,
    }
}

/// The deadline `case` is waiting on, on `today`: the earliest of the open windows
/// (陈述申辩 while 告知, 复核申请 while served and not reviewed — windows vanish
/// once past) and the obligations (复核决定 while in 复核, 整改 while rectifying —
/// these stay, overdue).
pub fn next_deadline(case: &Case, today: Date, calendar: &Calendar) -> Option<Deadline> {
    let mut all = Vec::new();
    if case.state == CaseState::Notified
        && let Some(n) = case.notified_on
    {
        let due = statement_due(calendar, n);
        if today <= due {
            all.push(deadline(DeadlineKind::Statement, due, today, calendar));
        }
    }
    if matches!(
        case.state,
        CaseState::Decided | CaseState::Executing | CaseState::Rectifying
    ) && let Some(last) = review_window(case, today, calendar)
    {
        all.push(deadline(DeadlineKind::ReviewWindow, last, today, calendar));
    }
    if case.state == CaseState::Review
        && let Some(r) = &case.review
    {
        all.push(deadline(
            DeadlineKind::ReviewDecision,
            r.due,
            today,
            calendar,
        ));
    }
    if case.state == CaseState::Rectifying
        && let Some(due) = case.rectify_due
    {
        all.push(deadline(DeadlineKind::Rectification, due, today, calendar));
    }
    all.into_iter().min_by_key(|d| (d.due, d.what))
}

/// Who issues the documents: the authority's name and the abbreviation of its
/// document numbers (文号代字, e.g. 鄂人社鉴).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub name: String,
    pub abbreviation: String,
}

code_enum! {
    /// The documents of a case.
    DocumentKind, "notice, decision, review_decision (告知书, 处理决定书, 复核决定书)" {
        Notice = "notice" ["告知书"],
        Decision = "decision" ["处理决定书"],
        ReviewDecision = "review_decision" ["复核决定书"],
    }
}

impl DocumentKind {
    /// The character of the number (告, 决, 复).
    pub fn mark(self) -> &'static str {
        match self {
            DocumentKind::Notice => "告",
            DocumentKind::Decision => "决",
            DocumentKind::ReviewDecision => "复",
        }
    }
}

/// The number of a document: `{abbreviation}{mark}〔{year}〕{seq}号`, e.g.
/// 鄂人社鉴告〔2026〕12号; the store gives the per-year sequence.
pub fn document_number(issuer: &Issuer, kind: DocumentKind, year: i32, seq: u32) -> String {
    format!("{}{}〔{year}〕{seq}号", issuer.abbreviation, kind.mark())
}

/// A document of a case, for printing in the usual official layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub title: String,
    pub number: String,
    /// 主送: the party.
    pub addressee: String,
    pub paragraphs: Vec<String>,
    pub issuer: String,
    pub date: Date,
}

fn zh_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

const ORDINALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn numbered(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| match ORDINALS.get(i) {
            Some(o) => format!("({o}){l}"),
            None => format!("({}){l}", i + 1),
        })
        .collect()
}

fn basis_line(p: &Proposal) -> String {
    if p.basis.is_empty() {
        "有关规定".into()
    } else {
        p.basis.join("、")
    }
}

/// 告知书 (第十八条: "应告知……拟作出的处理决定及相关事实、理由和依据"): the facts,
/// reasons and basis, the proposed decision, the right to state and defend with the
/// deadline, and how to submit.
pub fn notice_text(
    case: &Case,
    proposal: &Proposal,
    issuer: &Issuer,
    number: String,
    date: Date,
    statement_due: Date,
) -> Document {
    let you = case.party.you();
    let mut p = vec![format!(
        "经调查核实,{you}在技能人才评价工作中存在以下违纪违规行为(案件编号:{}):",
        case.number
    )];
    let facts = if proposal.facts.is_empty() {
        vec![case.summary.clone()]
    } else {
        proposal.facts.clone()
    };
    p.extend(numbered(&facts));
    p.push(format!("上述行为违反了{}的规定。", basis_line(proposal)));
    if let Some(e) = &proposal.escalation {
        p.push(format!(
            "{you}曾受到警告等处理,整改后再次违反有关规定,依据{e}从重处理。"
        ));
    }
    p.push(format!(
        "依据{},本机关拟对{you}作出如下处理:{}。",
        basis_line(proposal),
        proposal.summary()
    ));
    p.push(format!(
        "根据{PROCEDURE}第十八条的规定,{you}享有陈述和申辩的权利。如有异议,请于{}前({STATEMENT_WORKING_DAYS}个工作日内)通过技能人才评价监管平台提交书面陈述、申辩意见及相关证据材料,或书面送交{}。逾期未提出的,视为放弃陈述和申辩的权利。",
        zh_date(statement_due),
        issuer.name
    ));
    Document {
        title: "技能人才评价违纪违规行为处理告知书".into(),
        number,
        addressee: case.party_name.clone(),
        paragraphs: p,
        issuer: issuer.name.clone(),
        date,
    }
}

/// 处理决定书 (第十八条: "处理决定应以书面形式送达……并告知其享有申请复核的权利和申请
/// 复核的途径"; 第十九条: 15 working days from receipt): the decision, its basis and
/// the right to a review, where and within how long.
pub fn decision_text(
    case: &Case,
    decision: &Proposal,
    issuer: &Issuer,
    number: String,
    date: Date,
) -> Document {
    let you = case.party.you();
    let mut p = vec![format!(
        "经调查核实,{you}在技能人才评价工作中存在以下违纪违规行为(案件编号:{}):",
        case.number
    )];
    let facts = if decision.facts.is_empty() {
        vec![case.summary.clone()]
    } else {
        decision.facts.clone()
    };
    p.extend(numbered(&facts));
    if let Some(n) = case.notified_on {
        p.push(if case.statements > 0 {
            format!(
                "本机关于{}告知{you}拟作出的处理决定及事实、理由和依据,{you}提出了陈述、申辩意见,本机关已进行复核。",
                zh_date(n)
            )
        } else {
            format!(
                "本机关于{}告知{you}拟作出的处理决定及事实、理由和依据,{you}在规定期限内未提出陈述、申辩意见。",
                zh_date(n)
            )
        });
    }
    if let Some(e) = &decision.escalation {
        p.push(format!(
            "{you}曾受到警告等处理,整改后再次违反有关规定,依据{e}从重处理。"
        ));
    }
    p.push(format!("依据{},本机关决定如下:", basis_line(decision)));
    p.extend(numbered(
        &decision
            .sanctions
            .iter()
            .map(|s| format!("{}。", s.zh()))
            .collect::<Vec<_>>(),
    ));
    if let Some(n) = decision.rectification_days() {
        p.push(format!(
            "{you}应自本决定执行之日起{n}个工作日内完成整改,并通过技能人才评价监管平台提交整改报告;整改经验收合格后恢复评价活动。整改后再次违反规定的,依据{PROCEDURE}第十四条(七)终止备案。"
        ));
    }
    p.push(format!(
        "{you}如对本决定有异议,可在收到本决定书之日起{REVIEW_WINDOW_WORKING_DAYS}个工作日内,向{}申请复核(依据{PROCEDURE}第十九条)。",
        issuer.name
    ));
    Document {
        title: "技能人才评价违纪违规行为处理决定书".into(),
        number,
        addressee: case.party_name.clone(),
        paragraphs: p,
        issuer: issuer.name.clone(),
        date,
    }
}

/// 复核决定书 (第十九条): what was asked, when, what the review found and decided.
#[allow(clippy::too_many_arguments)]
pub fn review_decision_text(
    case: &Case,
    outcome: ReviewOutcome,
    reason: &str,
    changed: Option<&Proposal>,
    decision_number: Option<&str>,
    issuer: &Issuer,
    number: String,
    date: Date,
) -> Document {
    let you = case.party.you();
    let requested = case
        .review
        .as_ref()
        .map(|r| zh_date(r.requested_on))
        .unwrap_or_default();
    let original = decision_number
        .map(|n| format!("《技能人才评价违纪违规行为处理决定书》({n})"))
        .unwrap_or_else(|| "原处理决定".into());
    let mut p = vec![format!(
        "{you}于{requested}对本机关作出的{original}提出复核申请(案件编号:{})。本机关依据{PROCEDURE}第十九条受理并进行了核实。",
        case.number
    )];
    if let Some(r) = &case.review
        && let Some(e) = &r.extended_reason
    {
        p.push(format!(
            "因{e},本机关依法将复核期限延长{REVIEW_EXTENSION_WORKING_DAYS}个工作日,并已书面告知{you}。"
        ));
    }
    p.push(format!("经核实:{reason}"));
    match (outcome, changed) {
        (ReviewOutcome::Uphold, _) => p.push("本机关决定:维持原处理决定。".into()),
        (ReviewOutcome::Annul, _) => {
            p.push("本机关决定:撤销原处理决定。已执行的处理措施予以撤回,恢复原状。".into())
        }
        (ReviewOutcome::Change, Some(c)) => {
            p.push(format!(
                "本机关决定:变更原处理决定。已执行的处理措施予以撤回,依据{},改为:{}。",
                basis_line(c),
                c.summary()
            ));
        }
        (ReviewOutcome::Change, None) => p.push("本机关决定:变更原处理决定。".into()),
    }
    p.push("本复核决定自送达之日起生效。".into());
    Document {
        title: "技能人才评价违纪违规行为复核决定书".into(),
        number,
        addressee: case.party_name.clone(),
        paragraphs: p,
        issuer: issuer.name.clone(),
        date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::embedded()
    }

    fn inst() -> InstitutionId {
        InstitutionId::parse("I4201000001").unwrap()
    }

    fn base() -> Case {
        Case {
            case_id: 1,
            number: "2025-0001".into(),
            party: Party::Institution(inst()),
            party_name: "武汉市测试评价中心".into(),
            institution_id: inst(),
            source: Source::Findings(vec![1]),
            summary: "考评员配备不足".into(),
            state: CaseState::Lead,
            major: false,
            opened_on: d("2025-09-01"),
            investigators: vec![],
            proposal: None,
            notified_on: None,
            statements: 0,
            decision: None,
            decided_on: None,
            served_on: None,
            review: None,
            executed_on: None,
            rectify_due: None,
            rectification_reports: 0,
            closed_on: None,
        }
    }

    fn serious() -> Proposal {
        Proposal {
            item: Some(4),
            severity: Severity::Serious,
            disposition: Some(Disposition::Rectify),
            sanctions: institution_sanctions(Disposition::Rectify),
            basis: vec!["第十三条(二)".into()],
            facts: vec!["考评员配备不足".into()],
            escalation: None,
            override_reason: None,
            rulebook: Some("hubei".into()),
        }
    }

    fn interview() -> Proposal {
        Proposal {
            sanctions: vec![Sanction::Interview],
            disposition: Some(Disposition::Interview),
            severity: Severity::General,
            ..serious()
        }
    }

    /// A case in `state` with the facts that state implies.
    fn at(state: CaseState) -> Case {
        use CaseState as S;
        let mut c = base();
        c.state = state;
        if state != S::Lead {
            c.investigators = vec!["li".into()];
        }
        if matches!(state, S::Proposed | S::Notified) || state >= S::Decided {
            c.proposal = Some(serious());
        }
        if state >= S::Notified && state != S::Dropped {
            c.notified_on = Some(d("2025-09-10"));
        }
        if state >= S::Decided && state != S::Dropped {
            c.decision = Some(serious());
            c.decided_on = Some(d("2025-09-22"));
            c.served_on = Some(d("2025-09-26"));
        }
        if matches!(state, S::Executing | S::Rectifying) {
            c.executed_on = Some(d("2025-09-26"));
        }
        if state == S::Rectifying {
            c.rectify_due = Some(d("2025-11-10"));
        }
        if state == S::Review {
            c.review = Some(Review {
                requested_on: d("2025-10-09"),
                due: review_due(&cal(), d("2025-10-09"), false),
                extended_reason: None,
                prior: S::Executing,
                outcome: None,
                decided_on: None,
            });
        }
        c
    }

    #[test]
    fn every_legal_transition() {
        use CaseState as S;
        let c = cal();
        let late = d("2025-12-01"); // after every window of `at`
        // (from, move, today, to)
        let cases: Vec<(CaseState, Move, Date, CaseState)> = vec![
            (
                S::Lead,
                Move::Assign { investigators: 1 },
                late,
                S::Investigating,
            ),
            (
                S::Investigating,
                Move::Assign { investigators: 1 },
                late,
                S::Investigating,
            ),
            (S::Investigating, Move::Propose, late, S::Proposed),
            (S::Investigating, Move::Drop, late, S::Dropped),
            (S::Proposed, Move::Propose, late, S::Proposed),
            (S::Proposed, Move::Notify, late, S::Notified),
            (S::Proposed, Move::Drop, late, S::Dropped),
            (S::Notified, Move::Statement, d("2025-09-12"), S::Notified),
            (S::Notified, Move::Propose, late, S::Proposed),
            (S::Notified, Move::Decide, d("2025-09-18"), S::Decided),
            (S::Notified, Move::Drop, late, S::Dropped),
            (S::Decided, Move::Execute, late, S::Rectifying),
            (
                S::Decided,
                Move::RequestReview {
                    on: d("2025-10-23"),
                },
                late,
                S::Review,
            ),
            (S::Executing, Move::Close, late, S::Closed),
            (
                S::Executing,
                Move::RequestReview {
                    on: d("2025-10-09"),
                },
                late,
                S::Review,
            ),
            (
                S::Rectifying,
                Move::RectificationReport,
                late,
                S::Rectifying,
            ),
            (
                S::Rectifying,
                Move::CheckRectification { accepted: false },
                late,
                S::Proposed,
            ),
            (
                S::Rectifying,
                Move::RequestReview {
                    on: d("2025-09-29"),
                },
                late,
                S::Review,
            ),
            (S::Review, Move::ExtendReview, d("2025-10-20"), S::Review),
            (
                S::Review,
                Move::DecideReview {
                    outcome: ReviewOutcome::Uphold,
                },
                late,
                S::Executing,
            ),
            (
                S::Review,
                Move::DecideReview {
                    outcome: ReviewOutcome::Change,
                },
                late,
                S::Decided,
            ),
            (
                S::Review,
                Move::DecideReview {
                    outcome: ReviewOutcome::Annul,
                },
                late,
                S::Closed,
            ),
        ];
        for (from, m, today, to) in cases {
            let got = transition(&at(from), m, today, &c);
            assert_eq!(got, Ok(to), "{from:?} --{m:?}--> on {today}");
        }
        // Deciding is possible as soon as a statement is in.
        let mut n = at(S::Notified);
        n.statements = 1;
        assert_eq!(
            transition(&n, Move::Decide, d("2025-09-11"), &c),
            Ok(S::Decided)
        );
        // Serving an unserved decision.
        let mut u = at(S::Decided);
        u.served_on = None;
        assert_eq!(
            transition(
                &u,
                Move::Serve {
                    on: d("2025-09-24")
                },
                d("2025-09-25"),
                &c
            ),
            Ok(S::Decided)
        );
        // A decision without rectification executes to 执行.
        let mut i = at(S::Decided);
        i.decision = Some(interview());
        assert_eq!(transition(&i, Move::Execute, late, &c), Ok(S::Executing));
        // Accepting a report after the review window closes.
        let mut r = at(S::Rectifying);
        r.rectification_reports = 1;
        assert_eq!(
            transition(&r, Move::CheckRectification { accepted: true }, late, &c),
            Ok(S::Closed)
        );
    }

    #[test]
    fn impossible_moves_are_refused_with_the_reason() {
        use CaseRefusal as R;
        use CaseState as S;
        let c = cal();
        let late = d("2025-12-01");
        type Check = fn(&CaseRefusal) -> bool;
        let not_possible: Check = |r| matches!(r, R::NotPossible { .. });
        // (case, move, today, what the refusal must be)
        let mut cases: Vec<(Case, Move, Date, Check)> = vec![
            (at(S::Lead), Move::Propose, late, not_possible),
            (at(S::Lead), Move::Assign { investigators: 0 }, late, |r| {
                matches!(r, R::NoInvestigators)
            }),
            (at(S::Lead), Move::Notify, late, not_possible),
            (at(S::Lead), Move::Drop, late, not_possible),
            (at(S::Investigating), Move::Decide, late, not_possible),
            (at(S::Investigating), Move::Notify, late, not_possible),
            (at(S::Proposed), Move::Decide, late, not_possible),
            (at(S::Proposed), Move::Statement, late, not_possible),
            (
                at(S::Notified),
                Move::Decide,
                d("2025-09-17"),
                |r| matches!(r, R::StatementPeriodRunning { due } if *due == d("2025-09-17")),
            ),
            (at(S::Notified), Move::Execute, late, not_possible),
            (at(S::Decided), Move::Decide, late, not_possible),
            (
                at(S::Decided),
                Move::Serve {
                    on: d("2025-09-26"),
                },
                late,
                |r| matches!(r, R::AlreadyServed { .. }),
            ),
            (
                at(S::Decided),
                Move::RequestReview {
                    on: d("2025-10-24"),
                },
                late,
                |r| matches!(r, R::ReviewLate { last_day, .. } if *last_day == d("2025-10-23")),
            ),
            (
                at(S::Decided),
                Move::RequestReview {
                    on: d("2025-09-25"),
                },
                late,
                |r| matches!(r, R::DateOutOfRange { .. }),
            ),
            (at(S::Decided), Move::Close, late, not_possible),
            (at(S::Decided), Move::Drop, late, not_possible),
            (at(S::Executing), Move::Execute, late, not_possible),
            (
                at(S::Executing),
                Move::Close,
                d("2025-10-23"),
                |r| matches!(r, R::ReviewWindowOpen { last_day } if *last_day == d("2025-10-23")),
            ),
            (
                at(S::Rectifying),
                Move::CheckRectification { accepted: true },
                late,
                |r| matches!(r, R::NoRectificationReport { .. }),
            ),
            (
                at(S::Rectifying),
                Move::CheckRectification { accepted: false },
                d("2025-11-10"),
                |r| matches!(r, R::NoRectificationReport { .. }),
            ),
            (at(S::Rectifying), Move::Close, late, not_possible),
            (
                at(S::Review),
                Move::RequestReview {
                    on: d("2025-10-10"),
                },
                late,
                not_possible,
            ),
            (at(S::Review), Move::Execute, late, not_possible),
            (at(S::Review), Move::ExtendReview, d("2025-11-01"), |r| {
                matches!(r, R::ExtensionTooLate { .. })
            }),
            (
                at(S::Closed),
                Move::Assign { investigators: 1 },
                late,
                not_possible,
            ),
            (
                at(S::Closed),
                Move::RequestReview {
                    on: d("2025-10-01"),
                },
                late,
                not_possible,
            ),
            (at(S::Dropped), Move::Propose, late, not_possible),
        ];
        let mut unserved = at(S::Decided);
        unserved.served_on = None;
        cases.push((unserved.clone(), Move::Execute, late, |r| {
            matches!(r, R::NotServed)
        }));
        cases.push((
            unserved.clone(),
            Move::RequestReview { on: late },
            late,
            |r| matches!(r, R::NotServed),
        ));
        cases.push((
            unserved,
            Move::Serve {
                on: d("2025-09-21"),
            },
            late,
            |r| matches!(r, R::DateOutOfRange { .. }),
        ));
        let mut reviewed = at(S::Executing);
        reviewed.review = Some(at(S::Review).review.unwrap());
        cases.push((
            reviewed,
            Move::RequestReview {
                on: d("2025-10-10"),
            },
            late,
            |r| matches!(r, R::ReviewUsed { .. }),
        ));
        let mut extended = at(S::Review);
        extended.review.as_mut().unwrap().extended_reason = Some("需现场核查".into());
        cases.push((extended, Move::ExtendReview, d("2025-10-20"), |r| {
            matches!(r, R::ExtensionUsed { .. })
        }));
        let mut nobody = at(S::Investigating);
        nobody.investigators.clear();
        cases.push((nobody, Move::Propose, late, |r| {
            matches!(r, R::NoInvestigators)
        }));
        let mut fresh_report = at(S::Rectifying);
        fresh_report.rectification_reports = 1;
        cases.push((
            fresh_report,
            Move::CheckRectification { accepted: true },
            d("2025-10-20"),
            |r| matches!(r, R::ReviewWindowOpen { .. }),
        ));
        for (case, m, today, check) in cases {
            let got = transition(&case, m, today, &c);
            match &got {
                Err(r) if check(r) => assert!(!r.to_string().is_empty()),
                other => panic!("{:?} --{m:?}--> on {today}: got {other:?}", case.state),
            }
        }
        let text = transition(
            &at(S::Decided),
            Move::RequestReview {
                on: d("2025-10-24"),
            },
            late,
            &c,
        )
        .unwrap_err()
        .to_string();
        assert!(
            text.contains("2025-10-23") && text.contains("第十九条"),
            "{text}"
        );
    }

    /// The working days of `(from, to]`, counted day by day from the listed days.
    fn count(c: &Calendar, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut x = from;
        while x < to {
            x = x.succ_opt().unwrap();
            let working = match c.day(x) {
                Some(day) => !day.off_day,
                None => x.weekday().num_days_from_monday() < 5,
            };
            n += u32::from(working);
        }
        n
    }

    #[test]
    fn deadlines_across_spring_festival_and_national_day() {
        let c = cal();
        // (served on, last day of the review window), worked out by hand from the
        // State Council schedules.
        for (served, last) in [
            // 国庆 2025: 9/28 (Sun) 调休; 10/1–10/8 off; 10/11 (Sat) 调休.
            ("2025-09-26", "2025-10-23"),
            // 春节 2025: 1/26 (Sun) 调休; 1/28–2/4 off; 2/8 (Sat) 调休.
            ("2025-01-24", "2025-02-20"),
            // 春节 2026: 2/14 (Sat) 调休; 2/15–2/23 off; 2/28 (Sat) 调休.
            ("2026-02-10", "2026-03-09"),
        ] {
            let got = review_last_day(&c, d(served));
            assert_eq!(got, d(last), "served {served}");
            assert_eq!(count(&c, d(served), got), 15);
            assert!(c.is_working_day(got));
        }
        // The statement period of a notice before 国庆 runs past it.
        assert_eq!(statement_due(&c, d("2025-09-26")), d("2025-10-10"));
        // Review decision: 15 working days, 25 when extended.
        assert_eq!(review_due(&c, d("2026-02-10"), false), d("2026-03-09"));
        let extended = review_due(&c, d("2026-02-10"), true);
        assert_eq!(count(&c, d("2026-02-10"), extended), 25);
        assert_eq!(extended, d("2026-03-23"));
        // Rectification across 春节 2026.
        assert_eq!(
            count(&c, d("2026-01-30"), rectify_due(&c, d("2026-01-30"), 30)),
            30
        );
        assert_eq!(years_until(d("2025-10-09"), 2), d("2027-10-08"));
    }

    #[test]
    fn next_deadline_by_state() {
        use CaseState as S;
        let c = cal();
        let mut n = at(S::Notified);
        n.notified_on = Some(d("2025-09-26"));
        let dl = next_deadline(&n, d("2025-09-30"), &c).unwrap();
        assert_eq!(dl.what, DeadlineKind::Statement);
        assert_eq!(dl.due, d("2025-10-10"));
        // 9/30 → 10/10: 10/9, 10/10 (the holiday in between does not count).
        assert_eq!((dl.working_days_left, dl.overdue), (2, false));
        assert!(dl.is_pressing());
        // The statement window lapses.
        assert_eq!(next_deadline(&n, d("2025-10-13"), &c), None);
        // Served: the review window.
        let e = at(S::Executing);
        let dl = next_deadline(&e, d("2025-09-29"), &c).unwrap();
        assert_eq!(
            (dl.what, dl.due),
            (DeadlineKind::ReviewWindow, d("2025-10-23"))
        );
        assert_eq!(dl.working_days_left, 13);
        assert!(!dl.is_pressing());
        assert_eq!(next_deadline(&e, d("2025-10-24"), &c), None);
        // Rectifying: the review window first, then the rectification, overdue.
        let r = at(S::Rectifying);
        assert_eq!(
            next_deadline(&r, d("2025-10-01"), &c).unwrap().what,
            DeadlineKind::ReviewWindow
        );
        let dl = next_deadline(&r, d("2025-11-12"), &c).unwrap();
        assert_eq!(
            (dl.what, dl.overdue, dl.working_days_left),
            (DeadlineKind::Rectification, true, -2)
        );
        // In review: the decision, due 15 working days after the request.
        let v = at(S::Review);
        let dl = next_deadline(&v, d("2025-10-09"), &c).unwrap();
        assert_eq!(
            (dl.what, dl.due, dl.working_days_left),
            (DeadlineKind::ReviewDecision, d("2025-10-29"), 15)
        );
        assert_eq!(next_deadline(&at(S::Closed), d("2025-10-09"), &c), None);
    }

    #[test]
    fn proposals_follow_the_rulebook_and_escalate_on_repeat() {
        let book = Rulebook::builtin("hubei").unwrap();
        let fact = |kind: FindingKind, severity: Option<Severity>| FindingFact {
            finding_id: 1,
            kind,
            severity,
            message: "x".into(),
        };
        // Take one general and one serious kind from the rulebook itself.
        let general = book
            .entries()
            .find(|e| e.severity == Severity::General && e.item != 15)
            .unwrap()
            .kind;
        let serious = book
            .entries()
            .find(|e| e.severity == Severity::Serious && e.item != 15)
            .unwrap()
            .kind;
        let none = Record::default();
        let p = propose(&book, PartyKind::Institution, &[fact(general, None)], &none).unwrap();
        assert_eq!(p.severity, Severity::General);
        assert_eq!(p.sanctions, vec![Sanction::Interview]);
        assert_eq!(p.rulebook.as_deref(), Some("hubei"));
        let p = propose(
            &book,
            PartyKind::Institution,
            &[fact(general, None), fact(serious, None)],
            &none,
        )
        .unwrap();
        assert_eq!(p.severity, Severity::Serious);
        assert_eq!(p.item, Some(book.entry(serious).item));
        assert_eq!(p.basis[0], book.entry(serious).basis);
        assert_eq!(p.basis.len(), 2);
        assert_eq!(p.facts.len(), 2);
        assert_eq!(p.rectification_days(), Some(RECTIFY_WORKING_DAYS));
        assert!(p.sanctions.contains(&Sanction::Suspend {
            rectify_working_days: RECTIFY_WORKING_DAYS
        }));
        assert!(!p.is_major());
        // With an earlier serious sanction: 第十四条(七), 终止备案, major.
        let repeat = Record {
            prior_serious_sanction: Some(d("2024-05-01")),
        };
        let p = propose(
            &book,
            PartyKind::Institution,
            &[fact(serious, None)],
            &repeat,
        )
        .unwrap();
        assert_eq!(p.severity, Severity::Grave);
        assert_eq!(p.disposition, Some(Disposition::Terminate));
        assert!(p.sanctions.contains(&Sanction::Terminate));
        assert!(p.escalation.as_deref().unwrap().contains("第十四条(七)"));
        assert!(p.basis[0].contains("第十四条(七)"));
        assert!(p.is_major());
        // …but not a general one.
        let p = propose(
            &book,
            PartyKind::Institution,
            &[fact(general, None)],
            &repeat,
        )
        .unwrap();
        assert_eq!(p.severity, Severity::General);
        // Item 15 is graded by the extent screening saw.
        let upload = book.entries().find(|e| e.item == 15).unwrap();
        let p = propose(
            &book,
            PartyKind::Institution,
            &[fact(upload.kind, Some(Severity::Grave))],
            &none,
        )
        .unwrap();
        assert_eq!(p.severity, Severity::Grave);
        assert!(p.sanctions.contains(&Sanction::RevokeCertificateData));
        assert_eq!(
            propose(&book, PartyKind::Institution, &[], &none),
            Err(CaseRefusal::NothingToPropose)
        );
        // The failed rectification escalates to termination.
        let decided =
            propose(&book, PartyKind::Institution, &[fact(serious, None)], &none).unwrap();
        let t = escalate_on_failed_rectification(&decided, &book, "未按期完成整改");
        assert_eq!(t.disposition, Some(Disposition::Terminate));
        assert!(t.basis[0].contains("第十四条(七)"));
        assert!(t.facts.last().unwrap().contains("未按期完成整改"));
    }

    #[test]
    fn candidates_and_staff_get_the_sanctions_of_their_articles() {
        let book = Rulebook::builtin("hubei").unwrap();
        for e in book.entries() {
            let Some(article) = &e.article else { continue };
            let f = [FindingFact {
                finding_id: 1,
                kind: e.kind,
                severity: None,
                message: "x".into(),
            }];
            let cand = propose(&book, PartyKind::Candidate, &f, &Record::default());
            let staff = propose(&book, PartyKind::Staff, &f, &Record::default());
            if article.starts_with("第七条") {
                let p = cand.unwrap();
                let years = if e.severity == Severity::Grave { 5 } else { 2 };
                assert!(
                    p.sanctions.contains(&Sanction::BarCandidate { years }),
                    "{article}"
                );
                assert!(p.sanctions.contains(&Sanction::VoidCertificates));
                assert!(p.basis[0].ends_with(article.as_str()));
                assert!(matches!(staff, Err(CaseRefusal::NoArticleForParty { .. })));
            } else if article.starts_with("第九条") {
                assert_eq!(staff.unwrap().sanctions, vec![Sanction::RevokeExaminerCard]);
                assert!(cand.is_err());
            } else if article.starts_with("第十一条") {
                assert_eq!(staff.unwrap().sanctions, vec![Sanction::SuspendSupervisor]);
            } else if article.starts_with("第八条") {
                assert_eq!(staff.unwrap().sanctions, vec![Sanction::DisqualifyStaff]);
            }
        }
        let s = |a, p, v| person_sanctions(a, p, v);
        assert_eq!(
            s("第六条(二)", PartyKind::Candidate, Severity::Serious).unwrap()[1],
            Sanction::BarCandidate { years: 1 }
        );
        assert_eq!(
            s("第五条", PartyKind::Candidate, Severity::General).unwrap(),
            vec![Sanction::CancelScores {
                all_subjects: false
            }]
        );
        assert_eq!(s("第七条(一)", PartyKind::Staff, Severity::Grave), None);
        assert_eq!(s("第十二条", PartyKind::Candidate, Severity::Grave), None);
    }

    #[test]
    fn amendments_need_a_reason_and_fit_the_party() {
        let base = serious();
        let a = Amendment {
            item: None,
            severity: Severity::General,
            sanctions: vec![Sanction::Interview],
            basis: vec![],
            facts: vec![],
            reason: "  ".into(),
        };
        assert!(matches!(
            amend(Some(&base), &a, PartyKind::Institution),
            Err(CaseRefusal::ReasonRequired { .. })
        ));
        let a = Amendment {
            reason: "情节轻微,已主动纠正".into(),
            ..a
        };
        let p = amend(Some(&base), &a, PartyKind::Institution).unwrap();
        assert_eq!(p.disposition, Some(Disposition::Interview));
        assert_eq!(p.basis, base.basis);
        assert_eq!(p.item, Some(4));
        assert_eq!(p.override_reason.as_deref(), Some("情节轻微,已主动纠正"));
        assert!(matches!(
            amend(Some(&base), &a, PartyKind::Candidate),
            Err(CaseRefusal::SanctionNotForParty { .. })
        ));
        let bar = Amendment {
            sanctions: vec![Sanction::BarCandidate { years: 3 }],
            ..a.clone()
        };
        assert!(matches!(
            amend(Some(&base), &bar, PartyKind::Candidate),
            Err(CaseRefusal::OutOfRange { .. })
        ));
        // By hand, without a base: the basis is required.
        assert_eq!(
            amend(None, &a, PartyKind::Institution),
            Err(CaseRefusal::BasisRequired)
        );
        let manual = Amendment {
            basis: vec!["第十二条(五)".into()],
            ..a
        };
        assert!(amend(None, &manual, PartyKind::Institution).is_ok());
        for s in [
            Sanction::Interview,
            Sanction::Terminate,
            Sanction::BarCandidate { years: 5 },
            Sanction::Constraints { years: 3 },
            Sanction::Rectify {
                deadline_working_days: 20,
            },
        ] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(
                serde_json::from_str::<Sanction>(&json).unwrap(),
                s,
                "{json}"
            );
            assert!(!s.zh().is_empty() && s.article().contains('第'));
        }
        let json = serde_json::to_string(&serious()).unwrap();
        assert_eq!(serde_json::from_str::<Proposal>(&json).unwrap(), serious());
    }

    #[test]
    fn investigators_with_a_conflict_or_recused_are_refused() {
        let i = inst();
        let inv = |n: &str, own: Option<&str>| Investigator {
            name: n.into(),
            institution_id: own.map(|o| InstitutionId::parse(o).unwrap()),
        };
        let conflicts = vec![Conflict {
            investigator: "zhao".into(),
            institution_id: i.clone(),
            reason: "曾任该机构考评员".into(),
        }];
        let recused = vec!["qian".to_string()];
        let ok = check_investigators(
            &i,
            &[inv("li", None), inv("sun", Some("I4202000001"))],
            &[],
            &conflicts,
            &recused,
        );
        assert_eq!(ok, Ok(()));
        for (who, want) in [
            (vec![], "NoInvestigators"),
            (vec![inv("zhao", None)], "Conflict"),
            (vec![inv("clerk", Some("I4201000001"))], "Conflict"),
            (vec![inv("qian", None)], "Recused"),
            (vec![inv("li", None), inv("li", None)], "AlreadyAssigned"),
            (vec![inv("wu", None)], "AlreadyAssigned"),
        ] {
            let got =
                check_investigators(&i, &who, &["wu".into()], &conflicts, &recused).unwrap_err();
            assert!(format!("{got:?}").starts_with(want), "{got:?}");
        }
        let e = check_investigators(&i, &[inv("zhao", None)], &[], &conflicts, &[]).unwrap_err();
        assert!(
            e.to_string().contains("第十八条") && e.to_string().contains("曾任"),
            "{e}"
        );
    }

    #[test]
    fn onsite_records_of_candidates_need_two_signers() {
        use AttachmentKind::*;
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            check_signers(
                OnsiteRecord,
                PartyKind::Candidate,
                &s(&["张三", " 张三 ", ""])
            ),
            Err(CaseRefusal::FewSigners { signers: 1 })
        );
        assert!(check_signers(OnsiteRecord, PartyKind::Candidate, &s(&["张三", "李四"])).is_ok());
        assert!(check_signers(Evidence, PartyKind::Candidate, &[]).is_ok());
        assert!(check_signers(OnsiteRecord, PartyKind::Institution, &[]).is_ok());
    }

    #[test]
    fn documents_carry_facts_basis_rights_and_deadlines() {
        let c = cal();
        let issuer = Issuer {
            name: "武汉市人力资源和社会保障局".into(),
            abbreviation: "武人社鉴".into(),
        };
        assert_eq!(
            document_number(&issuer, DocumentKind::Notice, 2026, 12),
            "武人社鉴告〔2026〕12号"
        );
        let mut case = at(CaseState::Notified);
        case.notified_on = Some(d("2025-09-26"));
        let due = statement_due(&c, d("2025-09-26"));
        let n = notice_text(
            &case,
            &serious(),
            &issuer,
            "武人社鉴告〔2025〕1号".into(),
            d("2025-09-26"),
            due,
        );
        let all = n.paragraphs.join("\n");
        for want in [
            "考评员配备不足",
            "第十三条(二)",
            "暂停评价活动",
            "陈述和申辩",
            "2025年10月10日",
            "第十八条",
            "武汉市人力资源和社会保障局",
            "你单位",
        ] {
            assert!(all.contains(want), "{want} missing from {all}");
        }
        assert_eq!(n.addressee, "武汉市测试评价中心");
        let dec = decision_text(
            &case,
            &serious(),
            &issuer,
            "武人社鉴决〔2025〕1号".into(),
            d("2025-10-13"),
        );
        let all = dec.paragraphs.join("\n");
        for want in [
            "决定如下",
            "15个工作日内",
            "申请复核",
            "第十九条",
            "未提出陈述",
            "整改报告",
        ] {
            assert!(all.contains(want), "{want} missing from {all}");
        }
        let mut reviewed = at(CaseState::Review);
        reviewed.review.as_mut().unwrap().extended_reason = Some("需调取监控录像".into());
        let r = review_decision_text(
            &reviewed,
            ReviewOutcome::Annul,
            "现有证据不足以认定",
            None,
            Some("武人社鉴决〔2025〕1号"),
            &issuer,
            "武人社鉴复〔2025〕1号".into(),
            d("2025-10-30"),
        );
        let all = r.paragraphs.join("\n");
        for want in [
            "撤销原处理决定",
            "需调取监控录像",
            "10个工作日",
            "武人社鉴决〔2025〕1号",
            "2025年10月9日",
        ] {
            assert!(all.contains(want), "{want} missing from {all}");
        }
        let mut person = case.clone();
        person.party = Party::Candidate {
            id_number: IdNumber::parse("11010519491231002X").unwrap(),
            name: "张三".into(),
        };
        let n = notice_text(
            &person,
            &serious(),
            &issuer,
            "x".into(),
            d("2025-09-26"),
            due,
        );
        assert!(n.paragraphs[0].starts_with("经调查核实,你在"));
        assert!(!format!("{:?}", person.party).contains("11010519491231002X"));
    }

    #[test]
    fn vocabularies_parse_both_ways() {
        for s in CaseState::ALL {
            assert_eq!(CaseState::parse(s.zh()), Ok(*s));
            assert_eq!(CaseState::parse(s.code()), Ok(*s));
        }
        assert_eq!(Action::parse("申请复核"), Ok(Action::RequestReview));
        assert_eq!(
            Move::Serve {
                on: d("2025-01-01")
            }
            .action(),
            Action::Serve
        );
        assert!(CaseState::Dropped.is_final() && !CaseState::Review.is_final());
    }
}
