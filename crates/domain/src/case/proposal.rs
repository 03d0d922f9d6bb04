//! 拟处理 and 处理决定: the measures a decision takes ([`Sanction`]) for
//! institutions (第十二条–第十四条), candidates (第五条–第七条) and staff
//! (第八条–第十一条); the rulebook's proposal from the findings ([`propose`],
//! escalation on repeat included) and the official's change of it ([`amend`]).

use super::procedure::Procedure;
use super::{CaseRefusal, PartyKind};
use crate::Date;
use crate::enums::{Disposition, Severity};
use crate::finding::FindingKind;
use crate::rulebook::Rulebook;
use serde::{Deserialize, Serialize};

/// 第六条 (1 year) and 第七条 (2 years 情节轻微, 5 years 情节严重): the bars a
/// candidate may be given.
pub const BAR_YEARS: [u8; 3] = [1, 2, 5];

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
            Sanction::BarCandidate { years } if !BAR_YEARS.contains(years) => {
                Err(CaseRefusal::OutOfRange {
                    what: "参评人员禁考年限",
                    expected: "1 年（第六条）、2 年或 5 年（第七条）",
                })
            }
            Sanction::Rectify {
                deadline_working_days: n,
            }
            | Sanction::Suspend {
                rectify_working_days: n,
            } if !(1..=250).contains(n) => Err(CaseRefusal::OutOfRange {
                what: "整改期限",
                expected: "1–250 个工作日",
            }),
            Sanction::Constraints { years } if !(1..=5).contains(years) => {
                Err(CaseRefusal::OutOfRange {
                    what: "约束措施年限",
                    expected: "1–5 年",
                })
            }
            _ => Ok(()),
        }
    }
}

/// The measures a disposition stands for against an institution.
///
/// - 约谈提醒 (Hubei 第十二条, Qinghai 第二十条): the interview.
/// - 限期整改 (Hubei 第十三条, Qinghai 第二十一条): "予以警告,限期整改,并在限期整改期间
///   暂停其评价活动,视情况列入诚信不良档案" — warning with the procedure's rectification
///   period, suspension meanwhile, the bad-credit record, and where the province has
///   them the constraint measures (Hubei 监督管理办法 第十七条: "还可根据违规行为严重
///   程度采取"). The "视情况"/"还可" measures are proposed by default; the official
///   removes them with a reason ([`amend`]).
/// - 终止备案: termination, bad credit and the constraint measures.
/// - 撤销证书数据: the revocation only.
pub fn institution_sanctions(d: Disposition, procedure: &Procedure) -> Vec<Sanction> {
    let days = procedure.rectify_working_days;
    let constraints = procedure
        .constraints
        .as_ref()
        .map(|c| Sanction::Constraints { years: c.years });
    let mut v = match d {
        Disposition::Interview => return vec![Sanction::Interview],
        Disposition::RevokeData => return vec![Sanction::RevokeCertificateData],
        Disposition::Rectify => vec![
            Sanction::Rectify {
                deadline_working_days: days,
            },
            Sanction::Suspend {
                rectify_working_days: days,
            },
            Sanction::BadCredit,
        ],
        Disposition::Terminate => vec![Sanction::Terminate, Sanction::BadCredit],
    };
    v.extend(constraints);
    v
}

/// The measures a candidate or staff article calls for (the rulebook's `article`,
/// e.g. "第七条(四)" or "人社职司便函〔2021〕57号 第八条(一)"), at the finding's
/// severity, with the basis to cite ("document 第七条(四)"); `None` for an article
/// of another party or one the procedure does not know. The measures are the
/// procedure data's ([`Procedure::person_articles`]): e.g. Hubei 第七条 "取消其当次
/// 全部科目评价成绩。情节轻微的,2年内不得参加评价;情节严重的,5年内不得参加评价" — the
/// 5-year bar when the rulebook grades the finding 特别严重.
pub fn person_sanctions(
    procedure: &Procedure,
    article: &str,
    party: PartyKind,
    severity: Severity,
) -> Option<(Vec<Sanction>, String)> {
    let a = procedure.person_article(article, party)?;
    let sanctions = match (&a.grave_sanctions, severity) {
        (Some(g), Severity::Grave) => g.clone(),
        _ => a.sanctions.clone(),
    };
    Some((sanctions, Procedure::person_basis(a, article)))
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
pub struct PartyRecord {
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
    record: &PartyRecord,
) -> Result<Proposal, CaseRefusal> {
    if findings.is_empty() {
        return Err(CaseRefusal::NothingToPropose);
    }
    let procedure = &book.procedure;
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
            let mut sanctions = institution_sanctions(disposition, procedure);
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
                    && let Some((s, basis)) = person_sanctions(procedure, article, party, *severity)
                {
                    cite(basis);
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
            what: "变更拟处理意见",
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
            expected: "第 1–15 项",
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

/// The proposal when a rectification is rejected (整改不合格), as the procedure
/// grades it: Hubei 第十三条(七) "对质量监管过程中发现的问题或对反映的违规问题未按期完成
/// 整改的" and Qinghai 第二十一条(五) are 限期整改 (warning, rectification,
/// suspension), not 终止备案 — 第十四条(七) "已被警告,整改后再次违反" needs a new
/// violation after the rectification, which a failed one is not. The decided facts
/// are kept with the failure added; the measures are the disposition's.
pub fn on_failed_rectification(decided: &Proposal, book: &Rulebook, why: &str) -> Proposal {
    let procedure = &book.procedure;
    let f = &procedure.failed_rectification;
    let basis_line = f
        .cited
        .basis()
        .unwrap_or_else(|| procedure.document.clone());
    let mut basis = vec![basis_line.clone()];
    basis.extend(decided.basis.iter().filter(|b| **b != basis_line).cloned());
    let mut facts = decided.facts.clone();
    facts.push(format!("未按期完成整改，整改验收不合格：{why}"));
    Proposal {
        item: decided.item,
        severity: f.severity,
        disposition: Some(f.disposition),
        sanctions: institution_sanctions(f.disposition, procedure),
        basis,
        facts,
        escalation: None,
        override_reason: None,
        rulebook: Some(book.name.clone()),
    }
}
