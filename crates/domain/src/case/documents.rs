//! The documents of a case, for printing in the usual official layout: 告知书,
//! 处理决定书, 复核决定书 ([`notice_text`], [`decision_text`],
//! [`review_decision_text`]), their numbers ([`document_number`]) and who issues
//! them ([`Issuer`]). Every period and every article of the procedure a document
//! states comes from the [`Procedure`] of the case's rulebook: a national or
//! Qinghai case cites its own basis, and where the procedure grants no review the
//! decision offers none. Formal documents use full-width punctuation (，。：；（）)
//! and write document titles in 《》.

use super::procedure::{Procedure, titled};
use super::{Case, Proposal, ReviewOutcome, StatementAdoption};
use crate::Error;
use crate::region::RegionLevel;
use crate::{Date, RegionCode};
use chrono::Datelike;
use serde::{Deserialize, Serialize};

/// Who issues the documents: the authority's name and the abbreviation of its
/// document numbers (文号代字, e.g. 鄂人社鉴).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub name: String,
    pub abbreviation: String,
}

impl Issuer {
    /// The 人社 department of region `r` (厅 for a province, 局 for a
    /// municipality, a city or a district) and the abbreviation of its document
    /// numbers (鄂人社鉴, 武人社鉴, 武洪人社鉴), by the region names `name_of` knows.
    pub fn of_region(r: &RegionCode, name_of: impl Fn(&RegionCode) -> Option<String>) -> Issuer {
        let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
        let province = r.province_name();
        match r.level() {
            RegionLevel::Province => Issuer {
                name: format!(
                    "{province}人力资源和社会保障{}",
                    if province.ends_with('市') {
                        "局"
                    } else {
                        "厅"
                    }
                ),
                abbreviation: format!("{}人社鉴", r.province_abbreviation()),
            },
            RegionLevel::City => {
                let n = name_of(r).unwrap_or_else(|| r.to_string());
                Issuer {
                    name: format!("{n}人力资源和社会保障局"),
                    abbreviation: format!("{}人社鉴", first(&n)),
                }
            }
            RegionLevel::District => {
                let city = r.city().and_then(|c| name_of(&c)).unwrap_or_default();
                let n = name_of(r).unwrap_or_else(|| r.to_string());
                Issuer {
                    name: format!("{city}{n}人力资源和社会保障局"),
                    abbreviation: format!("{}{}人社鉴", first(&city), first(&n)),
                }
            }
        }
    }
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

/// A date as documents write it: 2025年9月26日.
pub fn zh_date(d: Date) -> String {
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

/// Full-width punctuation, as formal documents write it: ， （ ） ： ； ？ ！.
pub fn formal(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ',' => '，',
            '(' => '（',
            ')' => '）',
            ':' => '：',
            ';' => '；',
            '?' => '？',
            '!' => '！',
            c => c,
        })
        .collect()
}

/// A basis line ("document 第十四条(二)", as rulebooks and proposals keep it) as a
/// document cites it: the title in 《》 and the article right after it,
/// 《湖北省技能人才评价违纪违规行为处理工作规程(试行)》第十四条(二). Words after the
/// article (an escalation's wording) are left out; a line written otherwise is
/// kept as it is.
pub fn cite_basis(basis: &str) -> String {
    let b = basis.trim();
    let starts_article = |rest: &str| {
        rest.starts_with('第')
            || rest.split(['(', '（']).next().is_some_and(|n| {
                !n.is_empty() && n.chars().all(|c| "一二三四五六七八九十".contains(c))
            }) && (rest.contains('(') || rest.contains('（'))
    };
    let split = b
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, c)| (i, i + c.len_utf8()))
        .find(|(_, next)| starts_article(b[*next..].trim_start()));
    match split {
        Some((at, next)) => {
            let rest = b[next..].trim_start();
            let article = rest.split(char::is_whitespace).next().unwrap_or(rest);
            format!("{}{article}", titled(&b[..at]))
        }
        None => b.to_string(),
    }
}

/// The measures in one line, with the terms the procedure gives them.
fn summary(p: &Proposal, procedure: &Procedure) -> String {
    p.sanctions
        .iter()
        .map(|s| procedure.describe(s))
        .collect::<Vec<_>>()
        .join(";")
}

fn basis_line(p: &Proposal) -> String {
    if p.basis.is_empty() {
        "有关规定".into()
    } else {
        let mut cited: Vec<String> = Vec::new();
        for b in p.basis.iter().map(|b| cite_basis(b)) {
            if !cited.contains(&b) {
                cited.push(b);
            }
        }
        cited.join("、")
    }
}

impl Document {
    /// The document with full-width punctuation in its title and paragraphs.
    fn formal(mut self) -> Document {
        self.title = formal(&self.title);
        self.paragraphs = self.paragraphs.iter().map(|p| formal(p)).collect();
        self
    }
}

/// 告知书 (第十八条: "应告知……拟作出的处理决定及相关事实、理由和依据"): the facts,
/// reasons and basis, the proposed decision, the right to state and defend with the
/// deadline, and how to submit.
pub fn notice_text(
    case: &Case,
    proposal: &Proposal,
    procedure: &Procedure,
    issuer: &Issuer,
    number: String,
    date: Date,
    statement_due: Date,
) -> Document {
    let days = procedure.statement_working_days;
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
        summary(proposal, procedure)
    ));
    let according = match procedure.notice.cite() {
        c if c.is_empty() => String::new(),
        c => format!("根据{c}的规定,"),
    };
    p.push(format!(
        "{according}{you}享有陈述和申辩的权利。如有异议,请于{}前({days}个工作日内)通过技能人才评价监管平台提交书面陈述、申辩意见及相关证据材料,或书面送交{}。逾期未提出的,视为放弃陈述和申辩的权利。",
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
    .formal()
}

/// 处理决定书 (第十八条: "处理决定应以书面形式送达……并告知其享有申请复核的权利和申请
/// 复核的途径"; 第十九条: 15 working days from receipt): the decision, its basis and
/// the right to a review, where and within how long.
pub fn decision_text(
    case: &Case,
    decision: &Proposal,
    procedure: &Procedure,
    issuer: &Issuer,
    number: String,
    date: Date,
    adoption: Option<&(StatementAdoption, Option<String>)>,
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
            let (a, why) = adoption.map_or((StatementAdoption::NotAdopted, None), |(a, r)| {
                (*a, r.as_deref())
            });
            let why = why.map(|r| format!(",理由:{r}")).unwrap_or_default();
            format!(
                "本机关于{}告知{you}拟作出的处理决定及事实、理由和依据,{you}提出了陈述、申辩意见。经复核,本机关决定{}{you}的陈述、申辩意见{why}。",
                zh_date(n),
                a.zh()
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
            .map(|s| format!("{}。", procedure.describe(s)))
            .collect::<Vec<_>>(),
    ));
    if let Some(n) = decision.rectification_days() {
        p.push(format!(
            "{you}应自本决定执行之日起{n}个工作日内完成整改,并通过技能人才评价监管平台提交整改报告;整改经验收合格后恢复评价活动。整改后再次违反规定的,依据{}终止备案。",
            cite_basis(&procedure.escalation_basis)
        ));
    }
    let review_article = procedure.review_basis.cite();
    match procedure.review {
        Some(r) => p.push(format!(
            "{you}如对本决定有异议,可在收到本决定书之日起{}个工作日内,向{}申请复核{}。",
            r.window_working_days,
            issuer.name,
            if review_article.is_empty() {
                String::new()
            } else {
                format!("(依据{review_article})")
            }
        )),
        None if !review_article.is_empty() => {
            p.push(format!("本决定依据{review_article}送达{you}。"))
        }
        None => {}
    }
    Document {
        title: "技能人才评价违纪违规行为处理决定书".into(),
        number,
        addressee: case.party_name.clone(),
        paragraphs: p,
        issuer: issuer.name.clone(),
        date,
    }
    .formal()
}

/// What a review decided, for its 复核决定书.
#[derive(Debug, Clone, Copy)]
pub struct ReviewDecision<'a> {
    pub outcome: ReviewOutcome,
    /// What the review found (经核实).
    pub reason: &'a str,
    /// The changed decision, when changed.
    pub changed: Option<&'a Proposal>,
    /// The number of the decision reviewed.
    pub decision_number: Option<&'a str>,
}

/// 复核决定书 (第十九条): what was asked, when, what the review found and decided.
pub fn review_decision_text(
    case: &Case,
    review: ReviewDecision<'_>,
    procedure: &Procedure,
    issuer: &Issuer,
    number: String,
    date: Date,
) -> Document {
    let ReviewDecision {
        outcome,
        reason,
        changed,
        decision_number,
    } = review;
    let extension = procedure.review.map_or(0, |r| r.extension_working_days);
    let review_article = match procedure.review_basis.cite() {
        c if c.is_empty() => String::new(),
        c => format!("依据{c}"),
    };
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
        "{you}于{requested}对本机关作出的{original}提出复核申请(案件编号:{})。本机关{review_article}受理并进行了核实。",
        case.number
    )];
    if let Some(r) = &case.review
        && let Some(e) = &r.extended_reason
    {
        p.push(format!(
            "因{e},本机关依法将复核期限延长{extension}个工作日,并已书面告知{you}。"
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
                summary(c, procedure)
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
    .formal()
}
