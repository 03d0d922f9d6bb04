//! 备案管理: the registration lifecycle of an evaluation institution — who may be
//! registered, for how long, when a registration may be renewed (延续), when it
//! lapses by itself, and when an idle institution's registration is cancelled.
//!
//! The rules are those of 《湖北省技能人才评价机构管理办法(试行)》 (鄂人社发〔2025〕6号,
//! ../shared/regulations/002_bec2f34692914343.txt), quoted on each constant and
//! function. Everything here is pure: the store applies these decisions inside its
//! transactions and keeps the events; the clock (`today`) is always a parameter.
//!
//! - [`NewRegistration`] / [`BasicInfo`]: form input, only built by parsing, with
//!   errors that name the field ([`FieldError`]).
//! - [`renewal_allowed`], [`may_reapply`], [`is_dormant`]: the decisions.
//! - [`Standing`]: what a registration is now, for display (正常, 即将到期, …).
//! - [`Action`]: the vocabulary of the registration event log.

mod form;

pub use form::{
    BasicForm, BasicInfo, Field, FieldError, FormErrors, NewRegistration, NewSite, RegistrationForm,
};

use crate::enums::{InstitutionKind, RegistrationStatus};
use crate::model::Institution;
use crate::occupation::catalogue;
use crate::region::RegionLevel;
use crate::{CreditCode, Date, Error, Level, OccupationCode, RegionCode};
use chrono::{Days, Months};

/// 第二十条: "评价机构备案有效期为3年" — a registration (and each renewal) runs 3 years.
pub const VALIDITY_YEARS: u32 = 3;

/// 第二十条: "到期需要延续有效期的,应于有效期满前3个月内向原备案部门提交申请" —
/// renewal is applied for within the 3 months before the registration expires.
pub const RENEWAL_WINDOW_MONTHS: u32 = 3;

/// 第二十一条: "评价机构在备案有效期内,一年内无正当理由不开展评价工作的,经人社部门
/// 公示后取消备案资质" — a year without any evaluation activity.
pub const DORMANCY: Months = Months::new(12);

/// 第二十一条: "…取消备案资质,三年内不允许再申报备案" — after such a cancellation
/// the institution may not apply again for 3 years.
pub const REAPPLY_BAR_YEARS: u32 = 3;

/// 第九条(二)5: "社会评价组织备案,应按照统筹规划、合理布局、严格条件、择优遴选、动态
/// 调整、审慎推进的原则进行,原则上每市州每个职业不超过3家社评组织。本办法实施前已
/// 备案且仍在备案期内的社评组织,备案期内可正常开展评价工作,备案到期后动态优化调整。"
///
/// At most 3 社评组织 per city (市州) per occupation (职业: the 大典 occupation, a
/// work type counting as its occupation) among the registrations in force. It
/// limits *new* registrations (and new occupations added to a 社评组织's scope,
/// which 第十六条 puts through the same conditions): organisations already over
/// the limit keep their registration until it expires, as the article says.
/// This is Hubei's rule ("原则上", in principle); other provinces' 办法 in
/// ../shared/regulations/ set no such number. The number and its article are rulebook
/// data (`[registration]` of the Hubei rulebook, its quote checked against the
/// document); the registry follows the Hubei 办法 throughout.
pub fn max_social_orgs_per_city_occupation() -> usize {
    static MAX: std::sync::LazyLock<usize> = std::sync::LazyLock::new(|| {
        crate::rulebook::Rulebook::builtin("hubei")
            .expect("the Hubei rulebook parses")
            .social_org_limit
            .expect("the Hubei rulebook sets the 社评组织 limit")
            .max
    });
    *MAX
}

/// The registration rules in a line, as the registration page states them (the
/// numbers from the constants above, not written again anywhere).
pub fn rules_zh() -> String {
    format!(
        "备案有效期 {VALIDITY_YEARS} 年；到期前 {RENEWAL_WINDOW_MONTHS} 个月内申请延续；{} 个月内无正当理由不开展评价的，经公示后取消备案，{REAPPLY_BAR_YEARS} 年内不得再申报。社会培训评价组织每个市州每个职业不超过 {} 家。",
        DORMANCY.as_u32(),
        max_social_orgs_per_city_occupation()
    )
}

/// `d` plus `n` whole months (clamped to the month's end).
fn plus_months(d: Date, n: u32) -> Date {
    d.checked_add_months(Months::new(n))
        .expect("dates of registrations are far from the calendar's end")
}

/// `d` minus `n` whole months (clamped to the month's end).
fn minus_months(d: Date, n: u32) -> Date {
    d.checked_sub_months(Months::new(n))
        .expect("dates of registrations are far from the calendar's start")
}

fn next_day(d: Date) -> Date {
    d.checked_add_days(Days::new(1)).expect("in range")
}

fn previous_day(d: Date) -> Date {
    d.checked_sub_days(Days::new(1)).expect("in range")
}

/// The last day of a term of [`VALIDITY_YEARS`] that starts on `start` ("valid
/// through this date", as the dataset's `expires_on`): 2024-03-15 → 2027-03-14.
pub fn term_end(start: Date) -> Date {
    previous_day(plus_months(start, VALIDITY_YEARS * 12))
}

/// The first day on which renewal may be applied for: [`RENEWAL_WINDOW_MONTHS`]
/// before the registration ends (the day after `expires_on`): a registration valid
/// through 2026-12-31 may be renewed from 2026-10-01.
pub fn renewal_opens(expires_on: Date) -> Date {
    minus_months(next_day(expires_on), RENEWAL_WINDOW_MONTHS)
}

/// The day from which an institution whose registration was cancelled for
/// dormancy on `cancelled_on` may apply again ([`REAPPLY_BAR_YEARS`] later).
pub fn reapply_from(cancelled_on: Date) -> Date {
    plus_months(cancelled_on, REAPPLY_BAR_YEARS * 12)
}

/// The new expiry a renewal gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewExpiry {
    /// The expiry being extended.
    pub previous: Date,
    /// The registration is now valid through this date.
    pub expires_on: Date,
}

/// 第二十条: "到期需要延续有效期的,应于有效期满前3个月内向原备案部门提交申请,经评估
/// 合格的,有效期延长3年。评价机构经提醒仍未提交延续申请的,到期自动取消备案资质。"
///
/// A renewal applied for on `today` is allowed from [`renewal_opens`] through
/// `expires_on` and extends it by [`VALIDITY_YEARS`] ("有效期延长3年": valid through
/// 2026-12-31 becomes valid through 2029-12-31; a 28 February stays a 28 February).
/// Before the window it is too early; after `expires_on` the registration has
/// lapsed and only a new registration is possible.
pub fn renewal_allowed(expires_on: Date, today: Date) -> Result<NewExpiry, Refusal> {
    let opens_on = renewal_opens(expires_on);
    if today < opens_on {
        return Err(Refusal::RenewalNotYetOpen {
            expires_on,
            opens_on,
        });
    }
    if today > expires_on {
        return Err(Refusal::Expired { expires_on });
    }
    Ok(NewExpiry {
        previous: expires_on,
        expires_on: plus_months(expires_on, VALIDITY_YEARS * 12),
    })
}

code_enum! {
    /// 第二十条 "评价机构经提醒仍未提交延续申请的,到期自动取消备案资质": the
    /// reminders the platform sends before a registration ends — when the renewal
    /// window opens (3 months), 1 month and 1 week before.
    ReminderStage, "three_months, one_month, one_week (到期前3个月, 到期前1个月, 到期前1周)" {
        ThreeMonths = "three_months" ["到期前3个月"],
        OneMonth = "one_month" ["到期前1个月"],
        OneWeek = "one_week" ["到期前1周"],
    }
}

impl ReminderStage {
    /// The day this reminder is due for a registration valid through
    /// `expires_on` (counted from the day it ends, the day after): 3 months
    /// before is the day the renewal window opens ([`renewal_opens`]).
    pub fn due_on(self, expires_on: Date) -> Date {
        let end = next_day(expires_on);
        match self {
            ReminderStage::ThreeMonths => minus_months(end, RENEWAL_WINDOW_MONTHS),
            ReminderStage::OneMonth => minus_months(end, 1),
            ReminderStage::OneWeek => end - Days::new(7),
        }
    }
}

/// The reminder to send on `today` for a registration valid through `expires_on`
/// that has had the reminders `sent` for this expiry: the latest stage due by
/// today, unless it (or a later one) is sent already; none after expiry. A stage
/// passed while the platform was not running is not sent late once a later one is
/// due.
pub fn reminder_to_send(
    expires_on: Date,
    today: Date,
    sent: &[ReminderStage],
) -> Option<ReminderStage> {
    if today > expires_on {
        return None;
    }
    let due = ReminderStage::ALL
        .iter()
        .rev()
        .copied()
        .find(|s| s.due_on(expires_on) <= today)?;
    (!sent.iter().any(|s| *s >= due)).then_some(due)
}

/// 第二十条 "经评估合格的,有效期延长3年": a renewal rests on a passed assessment.
/// Until the platform holds assessments, the official confirms the result: the
/// day the assessment was passed and the account confirming it, both recorded with
/// the renewal and shown in the institution's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentConfirmation {
    /// The day the assessment was passed.
    pub assessed_on: Date,
    /// The account confirming the result.
    pub confirmed_by: String,
}

impl AssessmentConfirmation {
    /// Refuses a confirmation without an account or of an assessment after `today`.
    pub fn check(&self, today: Date) -> Result<(), Refusal> {
        if self.confirmed_by.trim().is_empty() {
            return Err(Refusal::AssessmentUnconfirmed);
        }
        if self.assessed_on > today {
            return Err(Refusal::AssessmentInFuture {
                assessed_on: self.assessed_on,
                today,
            });
        }
        Ok(())
    }

    /// How the renewal's history entry states it.
    pub fn reason_zh(&self) -> String {
        format!(
            "经评估合格（评估日期 {}，评估结果由 {} 确认），有效期延长 {VALIDITY_YEARS} 年（第二十条）",
            self.assessed_on,
            self.confirmed_by.trim()
        )
    }
}

/// 第二十一条: "取消备案资质,三年内不允许再申报备案" — whether an institution whose
/// registration was cancelled on `cancelled_on` may apply again on `today`.
pub fn may_reapply(cancelled_on: Date, today: Date) -> Result<(), Refusal> {
    let from = reapply_from(cancelled_on);
    if today < from {
        Err(Refusal::Barred {
            cancelled_on,
            reapply_from: from,
        })
    } else {
        Ok(())
    }
}

/// 第二十一条: "评价机构在备案有效期内,一年内无正当理由不开展评价工作的,经人社部门
/// 公示后取消备案资质" — whether an institution registered on `registered_on`,
/// whose latest evaluation activity (batch start) up to `today` was on
/// `last_activity` (`None`: never), has been idle for the whole past year.
///
/// An institution registered less than a year ago is never dormant; an activity
/// exactly one year ago still counts (the year is `today − 1 year ..= today`).
/// Whether the idleness had a good reason (正当理由) is for the 公示 to bring out:
/// dormancy only *proposes* a cancellation.
pub fn is_dormant(last_activity: Option<Date>, registered_on: Date, today: Date) -> bool {
    let Some(year_ago) = today.checked_sub_months(DORMANCY) else {
        return false;
    };
    registered_on <= year_ago && last_activity.is_none_or(|d| d < year_ago)
}

code_enum! {
    /// 备案状态 as shown: the stored status refined by the date, the pending
    /// proposal and how a registration ended (see [`Standing::derive`]).
    Standing, "normal, expiring, expired, proposed, suspended, terminated, cancelled (正常, 即将到期, 已到期, 拟取消, 暂停评价, 终止备案, 已取消)" {
        /// 正常: in force, outside the renewal window.
        Normal = "normal" ["正常"],
        /// 即将到期: in force and inside the renewal window (第二十条).
        Expiring = "expiring" ["即将到期"],
        /// 已到期: expired without renewal and lapsed automatically (第二十条).
        Expired = "expired" ["已到期"],
        /// 拟取消: cancellation for dormancy proposed and in 公示 (第二十一条).
        Proposed = "proposed" ["拟取消"],
        /// 暂停评价: suspended (serious violation, during rectification).
        Suspended = "suspended" ["暂停评价"],
        /// 终止备案: terminated on request or as a sanction (第二十二条).
        Terminated = "terminated" ["终止备案"],
        /// 已取消: cancelled after 公示 for dormancy (第二十一条); barred for 3 years.
        Cancelled = "cancelled" ["已取消"],
    }
}

/// How a registration came to an end, from the event that ended it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ending {
    /// Lapsed at expiry without renewal (`expire`).
    Expired,
    /// Cancelled for dormancy after 公示 (`cancel`).
    Cancelled,
    /// Terminated on request or as a sanction (`terminate`), or terminated before
    /// the platform kept events (an imported `terminated` row).
    Terminated,
}

impl Ending {
    /// The ending an event action records, if it is one.
    pub fn of(action: Action) -> Option<Ending> {
        match action {
            Action::Expire => Some(Ending::Expired),
            Action::Cancel => Some(Ending::Cancelled),
            Action::Terminate => Some(Ending::Terminated),
            _ => None,
        }
    }
}

impl Standing {
    /// The standing of `institution` on `today`, given how it ended (when its
    /// status is terminated) and the date of a pending cancellation proposal.
    ///
    /// In order: an ended registration shows its ending; one past `expires_on` is
    /// 已到期 even before the expiry job has recorded it (第二十条: "到期自动取消");
    /// then 暂停评价, 拟取消, 即将到期 (from [`renewal_opens`]) and 正常.
    pub fn derive(
        institution: &Institution,
        ending: Option<Ending>,
        proposed_on: Option<Date>,
        today: Date,
    ) -> Standing {
        match institution.status {
            RegistrationStatus::Terminated => match ending {
                Some(Ending::Expired) => Standing::Expired,
                Some(Ending::Cancelled) => Standing::Cancelled,
                Some(Ending::Terminated) | None => Standing::Terminated,
            },
            _ if today > institution.expires_on => Standing::Expired,
            RegistrationStatus::Suspended => Standing::Suspended,
            _ if proposed_on.is_some() => Standing::Proposed,
            _ if today >= renewal_opens(institution.expires_on) => Standing::Expiring,
            _ => Standing::Normal,
        }
    }

    /// Whether the registration still exists (it may be suspended or in 公示).
    pub fn in_force(self) -> bool {
        matches!(
            self,
            Standing::Normal | Standing::Expiring | Standing::Proposed | Standing::Suspended
        )
    }
}

code_enum! {
    /// 备案变更记录: what one event of the registration log did.
    Action, "register, change_basic, add_scope, remove_scope, add_site, revoke_site, renew, expire, propose_cancel, withdraw_proposal, cancel, suspend, reinstate, terminate" {
        /// 备案: a new registration.
        Register = "register" ["备案", "新增备案"],
        /// 变更基本信息 (第十八条).
        ChangeBasic = "change_basic" ["变更基本信息"],
        /// 增加备案范围 (第十六条).
        AddScope = "add_scope" ["增加备案范围"],
        /// 减少备案范围 (第十六条).
        RemoveScope = "remove_scope" ["减少备案范围"],
        /// 增加考核场所 (第十七条).
        AddSite = "add_site" ["增加考核场所"],
        /// 撤销考核场所 (第十七条).
        RevokeSite = "revoke_site" ["撤销考核场所"],
        /// 延续备案 (第二十条).
        Renew = "renew" ["延续备案"],
        /// 到期自动取消 (第二十条).
        Expire = "expire" ["到期自动取消", "到期"],
        /// 拟取消备案(公示) (第二十一条).
        ProposeCancel = "propose_cancel" ["拟取消备案", "拟取消"],
        /// 撤回拟取消 (正当理由 shown in 公示).
        WithdrawProposal = "withdraw_proposal" ["撤回拟取消"],
        /// 取消备案资质 (第二十一条).
        Cancel = "cancel" ["取消备案", "取消备案资质"],
        /// 暂停评价.
        Suspend = "suspend" ["暂停评价"],
        /// 恢复评价.
        Reinstate = "reinstate" ["恢复评价"],
        /// 终止备案 (第二十二条).
        Terminate = "terminate" ["终止备案"],
    }
}

/// Why a registration operation is refused by the rules (not by a malformed
/// input, which is a [`FieldError`], nor by the caller's scope). The text is
/// Chinese and names the article ([`crate::workflow::Refusal`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Renewal applied for before the window.
    #[error(
        "尚未到延续申请期：有效期至 {expires_on}，应于 {opens_on} 起（有效期满前 {RENEWAL_WINDOW_MONTHS} 个月内）申请延续（第二十条）"
    )]
    RenewalNotYetOpen { expires_on: Date, opens_on: Date },
    /// The registration has expired (and lapsed).
    #[error("备案已于 {expires_on} 到期，已自动取消备案资质（第二十条），只能重新申请备案")]
    Expired { expires_on: Date },
    /// The 3-year bar after a cancellation for dormancy.
    #[error(
        "该统一社会信用代码的备案已于 {cancelled_on} 被取消，{reapply_from} 前不得再申报备案（第二十一条：{REAPPLY_BAR_YEARS} 年内不允许再申报备案）"
    )]
    Barred {
        cancelled_on: Date,
        reapply_from: Date,
    },
    /// The credit code already has a registration in force (the institution is
    /// not named: it may lie outside the caller's jurisdiction).
    #[error("统一社会信用代码 {credit_code} 已有在册备案；如需变更请向其备案机关申请")]
    AlreadyRegistered {
        credit_code: CreditCode,
        institution_id: String,
    },
    /// The city already has the maximum of 社评组织 for an occupation (the
    /// institutions are counted, not named: some may lie outside the caller's
    /// jurisdiction).
    #[error(
        "{city} 已有 {} 家社会培训评价组织备案职业 {occupation}，每个市州每个职业不超过 {} 家（第九条(二)5）",
        institutions.len(), max_social_orgs_per_city_occupation()
    )]
    SocialOrgLimit {
        city: RegionCode,
        occupation: OccupationCode,
        institutions: Vec<String>,
    },
    /// The registration is no longer in force (or not in the state the
    /// operation needs, e.g. reinstating one that is not suspended).
    #[error("当前备案状态为“{}”，不能办理“{}”", standing.zh(), action.zh())]
    NotPossible { standing: Standing, action: Action },
    /// 第二十条 "经评估合格的": a renewal needs the assessment result confirmed.
    #[error("延续备案须确认评估结果：第二十条规定经评估合格的，有效期延长3年")]
    AssessmentUnconfirmed,
    /// An assessment dated after today.
    #[error("评估日期 {assessed_on} 晚于今天（{today}）：请填写评估合格的日期")]
    AssessmentInFuture { assessed_on: Date, today: Date },
    /// A cancellation is already proposed.
    #[error("已于 {since} 提出拟取消并公示中")]
    AlreadyProposed { since: Date },
    /// Cancelling or withdrawing without a pending proposal.
    #[error("没有待决的拟取消：第二十一条规定经公示后方可取消")]
    NoProposal,
    /// A change without a reason.
    #[error("请填写理由")]
    ReasonRequired,
    /// The (occupation, level) is already in the scope.
    #[error("职业 {occupation} {} 已在备案范围内", level.grade_name())]
    ScopeExists {
        occupation: OccupationCode,
        level: Level,
    },
    /// The (occupation, level) is not in the current scope.
    #[error("职业 {occupation} {} 不在当前备案范围内", level.grade_name())]
    NoSuchScope {
        occupation: OccupationCode,
        level: Level,
    },
    /// The site is not a current site of the institution.
    #[error("场所 {site_id} 不是本机构的在用考核场所")]
    NoSuchSite { site_id: String },
    /// A change that changes nothing.
    #[error("没有变化：填写的值与当前相同")]
    NothingChanged,
    /// No new institution id is left in the city's numbering.
    #[error("{city} 的机构编码已用完")]
    NoIdLeft { city: RegionCode },
}

impl crate::workflow::Refusal for Refusal {
    fn kind(&self) -> crate::workflow::RefusalKind {
        use crate::workflow::RefusalKind::*;
        match self {
            Refusal::RenewalNotYetOpen { .. }
            | Refusal::Expired { .. }
            | Refusal::NotPossible { .. }
            | Refusal::NoProposal => NotPossible,
            Refusal::Barred { .. }
            | Refusal::AlreadyRegistered { .. }
            | Refusal::SocialOrgLimit { .. }
            | Refusal::AlreadyProposed { .. }
            | Refusal::ScopeExists { .. }
            | Refusal::NoIdLeft { .. } => Conflict,
            Refusal::ReasonRequired
            | Refusal::AssessmentUnconfirmed
            | Refusal::AssessmentInFuture { .. }
            | Refusal::NoSuchScope { .. }
            | Refusal::NoSuchSite { .. }
            | Refusal::NothingChanged => Invalid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::RegistrationStatus as S;

    /// 第二十条 "经提醒仍未提交延续申请的": reminders at 3 months (the window opens),
    /// 1 month and 1 week before the registration ends, each once, the latest due.
    #[test]
    fn reminders_are_due_three_months_one_month_and_one_week_before() {
        use ReminderStage::*;
        let exp = d("2026-12-31");
        assert_eq!(ThreeMonths.due_on(exp), d("2026-10-01"));
        assert_eq!(ThreeMonths.due_on(exp), renewal_opens(exp));
        assert_eq!(OneMonth.due_on(exp), d("2026-12-01"));
        assert_eq!(OneWeek.due_on(exp), d("2026-12-25"));
        for (today, sent, want) in [
            ("2026-09-30", &[][..], None),
            ("2026-10-01", &[][..], Some(ThreeMonths)),
            ("2026-10-02", &[ThreeMonths][..], None),
            ("2026-12-01", &[ThreeMonths][..], Some(OneMonth)),
            ("2026-12-26", &[][..], Some(OneWeek)),
            ("2026-12-26", &[OneWeek][..], None),
            ("2026-12-31", &[ThreeMonths, OneMonth][..], Some(OneWeek)),
            ("2027-01-01", &[][..], None),
        ] {
            assert_eq!(
                reminder_to_send(exp, d(today), sent),
                want,
                "{today} {sent:?}"
            );
        }
    }

    /// 第二十条 "经评估合格的,有效期延长3年": the confirmation needs an account and
    /// an assessment not after today, and the history entry states both.
    #[test]
    fn a_renewal_needs_a_confirmed_assessment() {
        let today = d("2026-10-15");
        let ok = AssessmentConfirmation {
            assessed_on: d("2026-10-10"),
            confirmed_by: "zhao".into(),
        };
        assert_eq!(ok.check(today), Ok(()));
        assert!(ok.reason_zh().contains("2026-10-10") && ok.reason_zh().contains("zhao"));
        assert!(ok.reason_zh().contains("第二十条"));
        let cases = [
            (d("2026-10-16"), "zhao", "晚于今天"),
            (d("2026-10-10"), " ", "须确认评估结果"),
        ];
        for (assessed_on, by, says) in cases {
            let e = AssessmentConfirmation {
                assessed_on,
                confirmed_by: by.into(),
            }
            .check(today)
            .unwrap_err();
            assert!(e.to_string().contains(says), "{e}");
        }
    }
    use crate::ids::InstitutionId;

    fn d(s: &str) -> Date {
        crate::time::parse_date(s).unwrap()
    }

    #[test]
    fn a_term_is_three_years_through_the_day_before() {
        for (start, end) in [
            ("2024-03-15", "2027-03-14"),
            ("2024-01-01", "2026-12-31"),
            ("2024-02-29", "2027-02-27"),
            ("2023-03-01", "2026-02-28"),
        ] {
            assert_eq!(term_end(d(start)), d(end), "{start}");
        }
    }

    #[test]
    fn renewal_is_allowed_in_the_three_months_before_expiry() {
        // (expires_on, today, Ok(new expiry) | Err(kind))
        let cases: &[(&str, &str, Result<&str, &str>)] = &[
            ("2026-12-31", "2026-09-30", Err("early")),
            ("2026-12-31", "2026-10-01", Ok("2029-12-31")),
            ("2026-12-31", "2026-12-31", Ok("2029-12-31")),
            ("2026-12-31", "2027-01-01", Err("expired")),
            ("2027-03-14", "2026-12-15", Ok("2030-03-14")),
            ("2027-03-14", "2026-12-14", Err("early")),
            ("2026-02-28", "2025-11-28", Err("early")),
            ("2026-02-28", "2025-12-01", Ok("2029-02-28")),
            ("2024-02-28", "2024-02-28", Ok("2027-02-28")),
        ];
        for &(expires, today, want) in cases {
            let got = renewal_allowed(d(expires), d(today));
            match (want, got) {
                (Ok(new), Ok(n)) => {
                    assert_eq!(n.expires_on, d(new), "{expires} on {today}");
                    assert_eq!(n.previous, d(expires));
                }
                (Err("early"), Err(Refusal::RenewalNotYetOpen { opens_on, .. })) => {
                    assert!(d(today) < opens_on, "{expires} on {today}")
                }
                (Err("expired"), Err(Refusal::Expired { expires_on })) => {
                    assert_eq!(expires_on, d(expires))
                }
                (want, got) => panic!("{expires} on {today}: want {want:?}, got {got:?}"),
            }
        }
        assert_eq!(renewal_opens(d("2026-12-31")), d("2026-10-01"));
        let text = renewal_allowed(d("2026-12-31"), d("2026-01-01"))
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("2026-10-01") && text.contains("第二十条"),
            "{text}"
        );
    }

    #[test]
    fn a_cancelled_institution_may_reapply_after_three_years() {
        for (cancelled, today, ok) in [
            ("2025-06-30", "2025-06-30", false),
            ("2025-06-30", "2028-06-29", false),
            ("2025-06-30", "2028-06-30", true),
            ("2024-02-29", "2027-02-28", true),
            ("2024-02-29", "2027-02-27", false),
        ] {
            let r = may_reapply(d(cancelled), d(today));
            assert_eq!(r.is_ok(), ok, "{cancelled} on {today}: {r:?}");
            if let Err(Refusal::Barred { reapply_from, .. }) = r {
                assert_eq!(reapply_from, reapply_from_of(cancelled));
            }
        }
        fn reapply_from_of(s: &str) -> Date {
            reapply_from(crate::time::parse_date(s).unwrap())
        }
    }

    #[test]
    fn dormancy_is_a_whole_year_without_activity() {
        // (last activity, registered on, today, dormant)
        for (last, registered, today, dormant) in [
            (None, "2024-01-10", "2025-01-10", true),
            (None, "2024-01-11", "2025-01-10", false),
            (Some("2024-01-10"), "2023-01-01", "2025-01-10", false),
            (Some("2024-01-09"), "2023-01-01", "2025-01-10", true),
            (Some("2024-12-01"), "2020-01-01", "2025-01-10", false),
            (Some("2021-05-01"), "2020-01-01", "2025-01-10", true),
        ] {
            assert_eq!(
                is_dormant(last.map(d), d(registered), d(today)),
                dormant,
                "{last:?} {registered} {today}"
            );
        }
    }

    fn institution(status: S, expires_on: &str) -> Institution {
        Institution {
            institution_id: InstitutionId::parse("I4201000001").unwrap(),
            name: "武汉市测试评价中心".into(),
            credit_code: CreditCode::from_body("91420100M000100Y4").unwrap(),
            kind: InstitutionKind::SocialOrg,
            region_code: RegionCode::parse("420100").unwrap(),
            registered_on: d("2024-01-01"),
            expires_on: d(expires_on),
            status,
            status_since: None,
            employee_count: None,
            phone: None,
            registered_by: None,
        }
    }

    #[test]
    fn standing_refines_the_status() {
        use Ending::*;
        use Standing as T;
        // (status, expires_on, ending, proposed, today, standing)
        let cases = [
            (S::Active, "2026-12-31", None, None, "2025-06-01", T::Normal),
            (
                S::Active,
                "2026-12-31",
                None,
                None,
                "2026-10-01",
                T::Expiring,
            ),
            (
                S::Active,
                "2026-12-31",
                None,
                None,
                "2026-12-31",
                T::Expiring,
            ),
            (
                S::Active,
                "2026-12-31",
                None,
                None,
                "2027-01-01",
                T::Expired,
            ),
            (
                S::Active,
                "2026-12-31",
                None,
                Some("2025-05-01"),
                "2025-06-01",
                T::Proposed,
            ),
            (
                S::Active,
                "2026-12-31",
                None,
                Some("2026-11-01"),
                "2026-11-02",
                T::Proposed,
            ),
            (
                S::Suspended,
                "2026-12-31",
                None,
                None,
                "2025-06-01",
                T::Suspended,
            ),
            (
                S::Suspended,
                "2026-12-31",
                None,
                None,
                "2027-06-01",
                T::Expired,
            ),
            (
                S::Terminated,
                "2026-12-31",
                Some(Expired),
                None,
                "2027-01-01",
                T::Expired,
            ),
            (
                S::Terminated,
                "2026-12-31",
                Some(Cancelled),
                None,
                "2025-06-01",
                T::Cancelled,
            ),
            (
                S::Terminated,
                "2026-12-31",
                Some(Terminated),
                None,
                "2025-06-01",
                T::Terminated,
            ),
            (
                S::Terminated,
                "2026-12-31",
                None,
                None,
                "2025-06-01",
                T::Terminated,
            ),
        ];
        for (status, expires, ending, proposed, today, want) in cases {
            let got = Standing::derive(
                &institution(status, expires),
                ending,
                proposed.map(d),
                d(today),
            );
            assert_eq!(
                got, want,
                "{status:?} {expires} {ending:?} {proposed:?} {today}"
            );
        }
        assert_eq!(Standing::Proposed.zh(), "拟取消");
        assert_eq!(Standing::parse("即将到期"), Ok(Standing::Expiring));
        assert!(Standing::Suspended.in_force() && !Standing::Expired.in_force());
        assert_eq!(Ending::of(Action::Cancel), Some(Cancelled));
        assert_eq!(Ending::of(Action::Renew), None);
    }

    fn form() -> RegistrationForm {
        RegistrationForm {
            name: " 武汉市烹饪职业技能评价中心 ".into(),
            credit_code: "91350100M000100Y43".into(),
            kind: "社评组织".into(),
            region_code: "420111".into(),
            scopes: "4-03-02-01 5,4、三级\n\n4-03-02-01 5\n".into(),
            sites: "武汉市洪山区珞喻路1号 | 60\n武汉市洪山区珞喻路3号\n".into(),
            phone: "027-87654321".into(),
            employee_count: String::new(),
            provincial: String::new(),
        }
    }

    #[test]
    fn a_valid_form_parses() {
        let r = NewRegistration::parse(&form()).unwrap();
        assert_eq!(r.name, "武汉市烹饪职业技能评价中心");
        assert_eq!(r.kind, InstitutionKind::SocialOrg);
        assert_eq!(r.city().as_str(), "420100");
        let c = OccupationCode::parse("4-03-02-01").unwrap();
        let l = |n| Level::new(n).unwrap();
        assert_eq!(r.scopes, vec![(c, l(3)), (c, l(4)), (c, l(5))]);
        assert_eq!(r.sites.len(), 2);
        assert_eq!(r.sites[0].capacity, Some(60));
        assert_eq!(r.sites[1].capacity, None);
        assert_eq!(r.phone.as_deref(), Some("027-87654321"));
        assert_eq!(r.employee_count, None);
    }

    #[test]
    fn every_invalid_field_is_named() {
        // (field set to a bad value, the field that must be reported, text in the problem)
        type Case = (fn(&mut RegistrationForm), Field, &'static str);
        let cases: &[Case] = &[
            (|f| f.name = "  ".into(), Field::Name, "未填写"),
            (
                |f| f.credit_code = "91350100M000100Y44".into(),
                Field::CreditCode,
                "无法识别",
            ),
            (|f| f.kind = "school".into(), Field::Kind, "school"),
            (
                |f| f.region_code = "420000".into(),
                Field::RegionCode,
                "省级",
            ),
            (
                |f| f.region_code = "42010".into(),
                Field::RegionCode,
                "42010",
            ),
            (|f| f.scopes = "".into(), Field::Scopes, "未填写职业"),
            (
                |f| f.scopes = "4-03-02-01".into(),
                Field::Scopes,
                "未填写等级",
            ),
            (|f| f.scopes = "4-03-02-01 6".into(), Field::Scopes, "“6”"),
            (|f| f.scopes = "4-3-2-1 5".into(), Field::Scopes, "第 1 行"),
            (
                |f| f.scopes = "4-03-02-01 5\n8-99-99-99 5".into(),
                Field::Scopes,
                "第 2 行",
            ),
            (|f| f.sites = " \n ".into(), Field::Sites, "未填写考核场所"),
            (|f| f.sites = "武汉市 | many".into(), Field::Sites, "many"),
            (|f| f.sites = " | 40".into(), Field::Sites, "地址为空"),
            (|f| f.phone = "12345".into(), Field::Phone, "5 位数字"),
            (|f| f.phone = "027-8765432x".into(), Field::Phone, "字符 x"),
            (
                |f| f.employee_count = "-3".into(),
                Field::EmployeeCount,
                "-3",
            ),
        ];
        for (i, (set, field, text)) in cases.iter().enumerate() {
            let mut f = form();
            set(&mut f);
            let errors = NewRegistration::parse(&f).expect_err(&format!("case {i}"));
            assert_eq!(errors.0.len(), 1, "case {i}: {errors}");
            let e = &errors.0[0];
            assert_eq!(e.field, *field, "case {i}: {errors}");
            assert!(e.problem.contains(text), "case {i}: {errors}");
            assert!(!e.expected.is_empty());
            assert!(errors.to_string().contains(field.zh()), "{errors}");
        }
        let all = NewRegistration::parse(&RegistrationForm::default()).unwrap_err();
        let fields: Vec<Field> = all.0.iter().map(|e| e.field).collect();
        for f in [
            Field::Name,
            Field::CreditCode,
            Field::Kind,
            Field::RegionCode,
            Field::Scopes,
            Field::Sites,
        ] {
            assert!(fields.contains(&f), "{f:?} missing from {all}");
        }
        assert!(all.of(Field::Phone).next().is_none());
    }

    #[test]
    fn special_assessment_projects_need_not_be_in_the_catalogue() {
        let mut f = form();
        f.kind = "special".into();
        f.scopes = "8-99-99-99 5".into();
        assert!(NewRegistration::parse(&f).is_ok());
    }

    #[test]
    fn basic_information_and_sites_parse() {
        let b = BasicInfo::parse(&BasicForm {
            name: "新名称".into(),
            phone: "".into(),
            employee_count: "120".into(),
        })
        .unwrap();
        assert_eq!((b.phone, b.employee_count), (None, Some(120)));
        let e = BasicInfo::parse(&BasicForm::default()).unwrap_err();
        assert_eq!(e.0[0].field, Field::Name);
        let s = NewSite::parse("武汉市江岸区解放大道1号", "30").unwrap();
        assert_eq!(
            (s.address.as_str(), s.capacity),
            ("武汉市江岸区解放大道1号", Some(30))
        );
        assert!(NewSite::parse("a\nb", "").is_err());
        assert!(NewSite::parse("", "").is_err());
    }
}
