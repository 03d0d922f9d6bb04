//! The procedure a case follows, as a value ([`Procedure`]), read from the
//! province's rulebook data (`rulebooks/procedures/*.toml`, named by the
//! rulebook's `procedure`): the document it rests on, the articles of the notice
//! (告知), the statement (陈述申辩) and the review (复核) — or that there is none —,
//! the periods and windows in working days, what a failed rectification is, the
//! constraint measures where a province has them, and the article of every
//! measure and of every candidate and staff article. Every number a page or a
//! document states comes from here; every article quotes its sentence (checked
//! by `tests/regulations.rs`) or is a marked platform default.

use super::PartyKind;
use super::proposal::Sanction;
use super::{Case, CaseState};
use crate::Date;
use crate::Error;
use crate::enums::{Disposition, Severity};
use crate::rulebook::Source;
use crate::workdays::Calendar;
use crate::workflow::working_days_after;
use chrono::{Days, Months};
use serde::Deserialize;

/// The review (复核) windows, e.g. Hubei 第十九条.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewRules {
    /// "可在收到处理决定之日起15个工作日内……申请复核" — counted from service.
    pub window_working_days: u32,
    /// "并在15个工作日内对申请内容进行核实,作出复核决定" — counted from the request.
    pub decision_working_days: u32,
    /// "特殊情况可延长10个工作日,并书面告知申请人" — once, with a reason.
    pub extension_working_days: u32,
}

/// An article of the procedure document and where it comes from. `article` is
/// `None` where no vendored document states the rule (a platform default): a
/// document then cites no article for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// The article, e.g. "第十八条".
    pub article: Option<String>,
    /// The document it belongs to (the procedure's unless the data says otherwise).
    pub document: String,
    pub source: Source,
}

impl Cited {
    /// "《document》第十八条", or "" without an article.
    pub fn cite(&self) -> String {
        self.article
            .as_ref()
            .map(|a| format!("{}{a}", titled(&self.document)))
            .unwrap_or_default()
    }

    /// Document and article as a rulebook basis ("document 第十八条"), for the
    /// quote check; `None` without an article.
    pub fn basis(&self) -> Option<String> {
        self.article
            .as_ref()
            .map(|a| format!("{} {a}", self.document))
    }
}

/// What a rectification that fails (整改不合格, 未按期完成整改) is under the
/// document: Hubei 第十三条(七) "对质量监管过程中发现的问题……未按期完成整改的" and
/// Qinghai 第二十一条(五) grade it 限期整改, not 终止备案.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedRectification {
    pub cited: Cited,
    pub severity: Severity,
    pub disposition: Disposition,
}

/// The constraint measures (Hubei 监督管理办法 第十七条) and their years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraints {
    pub cited: Cited,
    /// "三年内不得申报市级以上职业技能类评比表彰项目".
    pub years: u8,
}

/// The article of institution measures (e.g. 第十三条 for 限期整改 and 暂停).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureBasis {
    /// Sanction codes ([`Sanction::code`]).
    pub sanctions: Vec<String>,
    /// Only for this party (`None`: any).
    pub party: Option<PartyKind>,
    pub cited: Cited,
}

/// A candidate or staff article and the measures it calls for (e.g. Hubei
/// 第七条: "取消其当次全部科目评价成绩。情节轻微的,2年内不得参加评价;情节严重的,5年内
/// 不得参加评价").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonArticle {
    pub party: PartyKind,
    /// The measures.
    pub sanctions: Vec<Sanction>,
    /// The measures when the finding is graded 特别严重, if they differ.
    pub grave_sanctions: Option<Vec<Sanction>>,
    /// The article (`第七条`) in `cited.article`, its document in `cited.document`.
    pub cited: Cited,
}

/// The procedure of a province's cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Procedure {
    /// The procedure data's name (`hubei`, `qinghai`, `guide57`).
    pub name: String,
    /// The document it rests on, without 《》.
    pub document: String,
    /// 告知: the article requiring the notice before a decision.
    pub notice: Cited,
    /// The statement period (陈述申辩) in working days; no document names one
    /// (Hubei 第十八条, Qinghai 第二十五条): a platform default, stated in the notice.
    pub statement_working_days: u32,
    pub statement: Source,
    /// The review, or `None` where the procedure grants none (Qinghai 第二十五条:
    /// notice, statement, decision, service): no window, no review request.
    pub review: Option<ReviewRules>,
    /// The review's article, or the article of the procedure without one.
    pub review_basis: Cited,
    /// "予以警告,限期整改" — the period is the decision's: a platform default
    /// proposal, which the official may change.
    pub rectify_working_days: u32,
    pub rectification: Source,
    /// What a failed rectification is.
    pub failed_rectification: FailedRectification,
    /// The escalation of the rulebook (已被警告,整改后再次违反 → 终止备案), as cited.
    pub escalation_basis: String,
    /// The constraint measures, where the province has them.
    pub constraints: Option<Constraints>,
    /// Signers an on-site record of a candidate's violation needs (Hubei 第十五条:
    /// "经2名及以上工作人员签字报考场负责人确认").
    pub min_onsite_signers: usize,
    pub onsite: Cited,
    /// Deadlines at most this many working days away are "due soon" (the
    /// dashboard's week).
    pub due_soon_working_days: u32,
    /// 暂停督导工作 (Hubei 第十一条, Qinghai 第二十六条 "暂停质量督导任务委派"): the
    /// documents set no period; the suspension ends after this many months.
    pub supervisor_suspension_months: u8,
    pub supervisor_suspension: Source,
    /// The articles of the institution measures.
    pub measures: Vec<MeasureBasis>,
    /// The candidate and staff articles.
    pub person_articles: Vec<PersonArticle>,
}

/// A document title in 《》 as formal documents write it; a trailing document
/// number in parentheses stays outside: 《技能人才评价违纪违规行为处理工作指引(试行)》
/// (人社职司便函〔2021〕57号). A title already holding 《 is left as it is.
pub fn titled(document: &str) -> String {
    let d = document.trim();
    if d.is_empty() || d.contains('《') {
        return d.to_string();
    }
    if d.ends_with("号)")
        && let Some(open) = d.rfind('(')
        && d[open..].contains('〔')
    {
        return format!("《{}》{}", &d[..open], &d[open..]);
    }
    format!("《{d}》")
}

/// The builtin procedures: (name, TOML text).
const BUILTIN: &[(&str, &str)] = &[
    (
        "hubei",
        include_str!("../../rulebooks/procedures/hubei.toml"),
    ),
    (
        "qinghai",
        include_str!("../../rulebooks/procedures/qinghai.toml"),
    ),
    (
        "guide57",
        include_str!("../../rulebooks/procedures/guide57.toml"),
    ),
    (
        "guide57-persons",
        include_str!("../../rulebooks/procedures/guide57-persons.toml"),
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCited {
    basis: Option<String>,
    document: Option<String>,
    quote: Option<String>,
    platform_default: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    working_days: u32,
    quote: Option<String>,
    platform_default: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReview {
    basis: Option<String>,
    quote: Option<String>,
    platform_default: Option<String>,
    window_working_days: u32,
    decision_working_days: u32,
    extension_working_days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFailed {
    basis: String,
    quote: Option<String>,
    platform_default: Option<String>,
    severity: Severity,
    disposition: Disposition,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOnsite {
    signers: usize,
    basis: Option<String>,
    quote: Option<String>,
    platform_default: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMonths {
    months: u8,
    quote: Option<String>,
    platform_default: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConstraints {
    document: Option<String>,
    basis: String,
    quote: Option<String>,
    platform_default: Option<String>,
    years: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    sanctions: Vec<String>,
    party: Option<String>,
    basis: String,
    document: Option<String>,
    quote: Option<String>,
    platform_default: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    party: String,
    article: String,
    quote: Option<String>,
    platform_default: Option<String>,
    sanctions: Vec<Sanction>,
    grave_sanctions: Option<Vec<Sanction>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProcedure {
    document: String,
    due_soon_working_days: Option<u32>,
    /// Another procedure file whose person articles this one also uses.
    persons: Option<String>,
    notice: Option<RawCited>,
    statement: Option<RawPeriod>,
    review: Option<RawReview>,
    no_review: Option<RawCited>,
    rectification: Option<RawPeriod>,
    failed_rectification: Option<RawFailed>,
    onsite: Option<RawOnsite>,
    supervisor_suspension: Option<RawMonths>,
    constraints: Option<RawConstraints>,
    #[serde(default)]
    measure: Vec<RawMeasure>,
    #[serde(default)]
    person_article: Vec<RawPerson>,
}

fn need<T>(v: Option<T>, what: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("[{what}] is required"))
}

fn cited(
    document: &str,
    basis: Option<&str>,
    own_document: Option<&str>,
    quote: Option<&str>,
    default: Option<&str>,
    what: &str,
) -> Result<Cited, String> {
    let source = Source::from_raw(quote, default).map_err(|m| format!("{what}: {m}"))?;
    let article = basis
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(String::from);
    if article.is_none() && !source.is_platform_default() {
        return Err(format!(
            "{what}: a quote needs the article (basis) it is from"
        ));
    }
    Ok(Cited {
        article,
        document: own_document.unwrap_or(document).to_string(),
        source,
    })
}

fn party(code: &str, what: &str) -> Result<PartyKind, String> {
    PartyKind::parse(code).map_err(|_| format!("{what}: unknown party \"{code}\""))
}

fn persons_of(raw: &RawProcedure, what: &str) -> Result<Vec<PersonArticle>, String> {
    raw.person_article
        .iter()
        .map(|p| {
            let party = party(&p.party, what)?;
            let c = cited(
                &raw.document,
                Some(&p.article),
                None,
                p.quote.as_deref(),
                p.platform_default.as_deref(),
                &format!("{what} {}", p.article),
            )?;
            if p.sanctions.is_empty() {
                return Err(format!("{what} {}: sanctions are empty", p.article));
            }
            for s in p.sanctions.iter().chain(p.grave_sanctions.iter().flatten()) {
                s.check(party)
                    .map_err(|e| format!("{what} {}: {e}", p.article))?;
            }
            Ok(PersonArticle {
                party,
                sanctions: p.sanctions.clone(),
                grave_sanctions: p.grave_sanctions.clone(),
                cited: c,
            })
        })
        .collect()
}

fn raw(name: &str) -> Result<RawProcedure, String> {
    let text = BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            format!(
                "unknown procedure \"{name}\"; the builtin ones are {}",
                BUILTIN
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
    toml::from_str(text).map_err(|e| format!("procedure {name}: {}", e.to_string().trim_end()))
}

impl Procedure {
    /// The builtin procedure `name` with the rulebook's escalation basis, or what
    /// is wrong with its data.
    pub fn builtin(name: &str, escalation_basis: &str) -> Result<Procedure, String> {
        let r = raw(name)?;
        let doc = r.document.as_str();
        let notice = need(r.notice.as_ref(), "notice")?;
        let notice = cited(
            doc,
            notice.basis.as_deref(),
            notice.document.as_deref(),
            notice.quote.as_deref(),
            notice.platform_default.as_deref(),
            "notice",
        )?;
        let statement = need(r.statement.as_ref(), "statement")?;
        let (review, review_basis) = match (&r.review, &r.no_review) {
            (Some(v), None) => (
                Some(ReviewRules {
                    window_working_days: v.window_working_days,
                    decision_working_days: v.decision_working_days,
                    extension_working_days: v.extension_working_days,
                }),
                cited(
                    doc,
                    v.basis.as_deref(),
                    None,
                    v.quote.as_deref(),
                    v.platform_default.as_deref(),
                    "review",
                )?,
            ),
            (None, Some(n)) => (
                None,
                cited(
                    doc,
                    n.basis.as_deref(),
                    n.document.as_deref(),
                    n.quote.as_deref(),
                    n.platform_default.as_deref(),
                    "no_review",
                )?,
            ),
            _ => return Err("give either [review] or [no_review] (why there is none)".into()),
        };
        if let Some(v) = review
            && (v.window_working_days == 0 || v.decision_working_days == 0)
        {
            return Err("review windows must be at least 1 working day".into());
        }
        let rect = need(r.rectification.as_ref(), "rectification")?;
        let failed = need(r.failed_rectification.as_ref(), "failed_rectification")?;
        let onsite = need(r.onsite.as_ref(), "onsite")?;
        let suspension = need(r.supervisor_suspension.as_ref(), "supervisor_suspension")?;
        if suspension.months == 0 {
            return Err("supervisor_suspension months must be at least 1".into());
        }
        let constraints = r
            .constraints
            .as_ref()
            .map(|c| {
                Ok::<_, String>(Constraints {
                    cited: cited(
                        doc,
                        Some(&c.basis),
                        c.document.as_deref(),
                        c.quote.as_deref(),
                        c.platform_default.as_deref(),
                        "constraints",
                    )?,
                    years: c.years,
                })
            })
            .transpose()?;
        let measures = r
            .measure
            .iter()
            .map(|m| {
                let what = format!("measure {}", m.sanctions.join(","));
                Ok(MeasureBasis {
                    sanctions: m.sanctions.clone(),
                    party: m.party.as_deref().map(|p| party(p, &what)).transpose()?,
                    cited: cited(
                        doc,
                        Some(&m.basis),
                        m.document.as_deref(),
                        m.quote.as_deref(),
                        m.platform_default.as_deref(),
                        &what,
                    )?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let mut person_articles = persons_of(&r, name)?;
        if let Some(other) = &r.persons {
            person_articles.extend(persons_of(&raw(other)?, other)?);
        }
        let p = Procedure {
            name: name.to_string(),
            document: r.document.clone(),
            notice,
            statement_working_days: statement.working_days,
            statement: Source::from_raw(
                statement.quote.as_deref(),
                statement.platform_default.as_deref(),
            )
            .map_err(|m| format!("statement: {m}"))?,
            review,
            review_basis,
            rectify_working_days: rect.working_days,
            rectification: Source::from_raw(
                rect.quote.as_deref(),
                rect.platform_default.as_deref(),
            )
            .map_err(|m| format!("rectification: {m}"))?,
            failed_rectification: FailedRectification {
                cited: cited(
                    doc,
                    Some(&failed.basis),
                    None,
                    failed.quote.as_deref(),
                    failed.platform_default.as_deref(),
                    "failed_rectification",
                )?,
                severity: failed.severity,
                disposition: failed.disposition,
            },
            escalation_basis: escalation_basis.to_string(),
            constraints,
            min_onsite_signers: onsite.signers,
            onsite: cited(
                doc,
                onsite.basis.as_deref(),
                None,
                onsite.quote.as_deref(),
                onsite.platform_default.as_deref(),
                "onsite",
            )?,
            due_soon_working_days: r.due_soon_working_days.unwrap_or(5),
            supervisor_suspension_months: suspension.months,
            supervisor_suspension: Source::from_raw(
                suspension.quote.as_deref(),
                suspension.platform_default.as_deref(),
            )
            .map_err(|m| format!("supervisor_suspension: {m}"))?,
            measures,
            person_articles,
        };
        if p.statement_working_days == 0 || p.rectify_working_days == 0 {
            return Err(
                "statement and rectification periods must be at least 1 working day".into(),
            );
        }
        for code in ["interview", "rectify", "suspend", "terminate", "bad_credit"] {
            if !p
                .measures
                .iter()
                .any(|m| m.sanctions.iter().any(|s| s == code))
            {
                return Err(format!("no [[measure]] gives the article of \"{code}\""));
            }
        }
        Ok(p)
    }

    /// 《湖北省技能人才评价违纪违规行为处理工作规程(试行)》, as the Hubei rulebook
    /// carries it.
    pub fn hubei() -> Procedure {
        crate::rulebook::Rulebook::builtin("hubei")
            .expect("the Hubei rulebook parses")
            .procedure
    }

    /// The procedure document in 《》.
    pub fn title(&self) -> String {
        titled(&self.document)
    }

    /// A measure in the words of a document, with the term this procedure gives it
    /// where the measure itself carries none: 暂停督导工作 for the procedure's
    /// months (its end is what execution records).
    pub fn describe(&self, s: &Sanction) -> String {
        match s {
            Sanction::SuspendSupervisor => {
                format!("{}{}个月", s.zh(), self.supervisor_suspension_months)
            }
            _ => s.zh(),
        }
    }

    /// The article a measure rests on against `party`: the party's own article
    /// (a staff member's 诚信不良档案 is 第十条, not the institutions' 第十三条), then
    /// the institution measures, then the candidate and staff articles calling for
    /// it; "《document》第N条", or the document alone where no article is known.
    pub fn article_of(&self, s: &Sanction, party: PartyKind) -> String {
        let code = s.code();
        if let Some(c) = &self.constraints
            && matches!(s, Sanction::Constraints { .. })
        {
            return c.cited.cite();
        }
        let of_party = self
            .person_articles
            .iter()
            .filter(|a| a.party == party)
            .find(|a| {
                a.sanctions.contains(s) || a.grave_sanctions.as_ref().is_some_and(|g| g.contains(s))
            });
        let measure = |own: bool| {
            self.measures.iter().find(|m| {
                m.sanctions.iter().any(|c| c == code)
                    && if own {
                        m.party == Some(party)
                    } else {
                        m.party.is_none() || m.party == Some(party)
                    }
            })
        };
        let cited = measure(true)
            .map(|m| &m.cited)
            .or_else(|| {
                (party != PartyKind::Institution)
                    .then_some(of_party.map(|a| &a.cited))
                    .flatten()
            })
            .or_else(|| measure(false).map(|m| &m.cited))
            .or_else(|| of_party.map(|a| &a.cited));
        match cited {
            Some(c) => c.cite(),
            None => self.title(),
        }
    }

    /// The candidate or staff article a rulebook entry's `article` names
    /// ("第七条(四)", or "人社职司便函〔2021〕57号 第八条(一)" for another document's):
    /// the one of the party with that number whose document holds the prefix.
    pub fn person_article(&self, article: &str, party: PartyKind) -> Option<&PersonArticle> {
        let article = article.trim();
        let (prefix, clause) = match article.rfind(char::is_whitespace) {
            Some(at) => (article[..at].trim(), article[at..].trim()),
            None => ("", article),
        };
        let number = clause.split(['(', '（']).next().unwrap_or_default().trim();
        self.person_articles.iter().find(|a| {
            a.party == party
                && a.cited.article.as_deref() == Some(number)
                && (prefix.is_empty() || a.cited.document.contains(prefix))
        })
    }

    /// "《document》 第七条(四)" for a rulebook entry's `article` matched to `a`.
    pub fn person_basis(a: &PersonArticle, article: &str) -> String {
        let article = article.trim();
        let clause = match article.rfind(char::is_whitespace) {
            Some(at) => article[at..].trim(),
            None => article,
        };
        format!("{} {clause}", a.cited.document)
    }

    /// The last day of the statement period (陈述申辩) of a notice issued on
    /// `notified_on`.
    pub fn statement_due(&self, calendar: &Calendar, notified_on: Date) -> Date {
        working_days_after(calendar, notified_on, self.statement_working_days)
    }

    /// 第十九条: the last day a review may be requested for a decision served on
    /// `served_on` ("收到处理决定之日起15个工作日内"); `None` without a review.
    pub fn review_last_day(&self, calendar: &Calendar, served_on: Date) -> Option<Date> {
        self.review
            .map(|r| working_days_after(calendar, served_on, r.window_working_days))
    }

    /// 第十九条: when the review decision on a request of `requested_on` is due
    /// (15 working days; 25 when extended).
    pub fn review_due(&self, calendar: &Calendar, requested_on: Date, extended: bool) -> Date {
        let r = self.review.unwrap_or(ReviewRules {
            window_working_days: 0,
            decision_working_days: 0,
            extension_working_days: 0,
        });
        let n = r.decision_working_days
            + if extended {
                r.extension_working_days
            } else {
                0
            };
        working_days_after(calendar, requested_on, n)
    }

    /// The rectification deadline of a decision executed on `executed_on`.
    pub fn rectify_due(&self, calendar: &Calendar, executed_on: Date, working_days: u32) -> Date {
        working_days_after(calendar, executed_on, working_days)
    }

    /// The last day `case` may still ask for a review on `today`: served, not
    /// reviewed yet, and today within the window; `None` otherwise.
    pub fn review_window(&self, case: &Case, today: Date, calendar: &Calendar) -> Option<Date> {
        let served = case.served_on?;
        if case.review.is_some() {
            return None;
        }
        let last = self.review_last_day(calendar, served)?;
        (today <= last).then_some(last)
    }

    /// The deadline `case` is waiting on, on `today`: the earliest of the open
    /// windows (陈述申辩 while 告知, 复核申请 while served and not reviewed —
    /// windows vanish once past) and the obligations (复核决定 while in 复核, 整改
    /// while rectifying — these stay, overdue).
    pub fn next_deadline(&self, case: &Case, today: Date, calendar: &Calendar) -> Option<Deadline> {
        let mut all = Vec::new();
        if case.state == CaseState::Notified
            && let Some(n) = case.notified_on
        {
            let due = self.statement_due(calendar, n);
            if today <= due {
                all.push(Deadline::on(DeadlineKind::Statement, due, today, calendar));
            }
        }
        if matches!(
            case.state,
            CaseState::Decided | CaseState::Executing | CaseState::Rectifying
        ) && let Some(last) = self.review_window(case, today, calendar)
        {
            all.push(Deadline::on(
                DeadlineKind::ReviewWindow,
                last,
                today,
                calendar,
            ));
        }
        if case.state == CaseState::Review
            && let Some(r) = &case.review
        {
            all.push(Deadline::on(
                DeadlineKind::ReviewDecision,
                r.due,
                today,
                calendar,
            ));
        }
        if case.state == CaseState::Rectifying
            && let Some(due) = case.rectify_due
        {
            all.push(Deadline::on(
                DeadlineKind::Rectification,
                due,
                today,
                calendar,
            ));
        }
        all.into_iter().min_by_key(|d| (d.due, d.what))
    }

    /// Whether `d` is overdue or due within [`Procedure::due_soon_working_days`].
    pub fn is_pressing(&self, d: &Deadline) -> bool {
        d.is_pressing(self.due_soon_working_days)
    }
}

/// The last day of a bar or constraint of `years` from `from` (inclusive).
pub fn years_until(from: Date, years: u8) -> Date {
    from.checked_add_months(Months::new(u32::from(years) * 12))
        .and_then(|d| d.checked_sub_days(Days::new(1)))
        .expect("in range")
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
pub type Deadline = crate::workflow::Deadline<DeadlineKind>;
