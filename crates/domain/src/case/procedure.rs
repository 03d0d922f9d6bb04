//! The procedure a case follows, as a value ([`Procedure`]): the periods and
//! windows in working days and whether a decision may be reviewed at all, and the
//! deadlines a case waits on. Every number a page or a document states comes from
//! here (a later step reads it from the province's rulebook; Hubei's is
//! [`Procedure::HUBEI`]).

use super::{Case, CaseState};
use crate::Date;
use crate::Error;
use crate::workdays::Calendar;
use crate::workflow::working_days_after;
use chrono::{Days, Months};

/// 第十九条 复核: the windows of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewRules {
    /// "可在收到处理决定之日起15个工作日内……申请复核" — counted from service.
    pub window_working_days: u32,
    /// "并在15个工作日内对申请内容进行核实,作出复核决定" — counted from the request.
    pub decision_working_days: u32,
    /// "特殊情况可延长10个工作日,并书面告知申请人" — once, with a reason.
    pub extension_working_days: u32,
}

/// The procedure of a province's cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Procedure {
    /// The document it rests on, as the documents cite it.
    pub document: &'static str,
    /// 第十八条: the notice gives the right to state and defend (陈述申辩), but the
    /// regulations name no period for it: **5 working days is the platform's
    /// default**, stated in the notice.
    pub statement_working_days: u32,
    /// 第十九条: the review, or `None` where the procedure grants none (a
    /// province whose rules have no 复核: no window, no review request).
    pub review: Option<ReviewRules>,
    /// 第十三条: "予以警告,限期整改" — the period is the decision's: **30 working
    /// days is the platform's default** proposal, which the official may change.
    pub rectify_working_days: u32,
    /// 监督管理办法 第十七条(四): "三年内不得申报市级以上职业技能类评比表彰项目" —
    /// the constraint measures are proposed for 3 years.
    pub constraint_years: u8,
    /// 第十五条: "经2名及以上工作人员签字报考场负责人确认" — signers an on-site
    /// record of a candidate's violation needs.
    pub min_onsite_signers: usize,
    /// Deadlines at most this many working days away are "due soon" (the
    /// dashboard's week).
    pub due_soon_working_days: u32,
}

impl Procedure {
    /// 《湖北省技能人才评价违纪违规行为处理工作规程(试行)》.
    pub const HUBEI: Procedure = Procedure {
        document: super::PROCEDURE,
        statement_working_days: 5,
        review: Some(ReviewRules {
            window_working_days: 15,
            decision_working_days: 15,
            extension_working_days: 10,
        }),
        rectify_working_days: 30,
        constraint_years: 3,
        min_onsite_signers: 2,
        due_soon_working_days: 5,
    };

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

impl Default for Procedure {
    fn default() -> Procedure {
        Procedure::HUBEI
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
