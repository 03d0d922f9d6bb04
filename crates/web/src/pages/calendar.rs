//! 工作日历: the statutory working-day calendar deadlines are counted on (the
//! State Council's holidays and 调休, built in for 2022–2026); administrators
//! load a new year from CSV (`date,off_day,name`), and anyone can reckon a date
//! N working days on.

use super::{Params, param};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::view::{Chrome, TableView, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use domain::access::Permission;
use serde::Deserialize;
use store::browse::Grid;

#[derive(Template)]
#[template(path = "calendar.html")]
pub struct CalendarPage {
    pub chrome: Chrome,
    pub years: Vec<i32>,
    pub year: i32,
    pub table: TableView,
    pub can_edit: bool,
    pub from: String,
    pub days: String,
    pub reckoning: Option<String>,
    /// The case procedure's review-request window (复核申请期限) in working days, or
    /// `None` where it grants no review (Qinghai 第二十五条).
    pub review_window_days: Option<u32>,
    /// The statement period (陈述申辩) in working days, named where there is no review.
    pub statement_days: u32,
}

/// The review-request window the page names as an example of a deadline counted
/// on the calendar (Hubei 第十九条 "可在收到处理决定之日起15个工作日内……申请复核"),
/// from the rulebook's case procedure rather than written into the template.
fn review_window_days(procedure: &domain::case::Procedure) -> Option<u32> {
    procedure.review.map(|r| r.window_working_days)
}

/// `GET /system/calendar?year=&from=&days=`.
pub async fn page(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response> {
    let cal = st.store.calendar().await?;
    let procedure = st.store.case_procedure().await?;
    let today = st.now().date();
    let year = param(&q, "year")
        .and_then(|y| y.parse().ok())
        .unwrap_or(today.year());
    let grid = Grid {
        columns: vec!["date", "kind", "holiday"],
        rows: cal
            .days_of(year)
            .map(|d| {
                vec![
                    Some(d.date.to_string()),
                    Some(if d.off_day { "放假" } else { "调休上班" }.to_string()),
                    Some(d.name.clone()),
                ]
            })
            .collect(),
        total: 0,
    };
    let reckoning = match (
        super::date_param(&q, "from", "起算日期")?,
        param(&q, "days"),
    ) {
        (Some(from), Some(n)) => {
            let n: u32 = n.parse().map_err(|_| {
                Error::BadRequest(format!("工作日数（参数 days）“{n}”应为非负整数"))
            })?;
            let r = cal
                .add(from, n)
                .map_err(|e| Error::BadRequest(e.to_string()))?;
            let mut s = format!("{from} 起（不含当日）第 {n} 个工作日是 {}", r.date);
            if !r.fallback_years.is_empty() {
                let years: Vec<String> = r.fallback_years.iter().map(i32::to_string).collect();
                s.push_str(&format!(
                    "；注意：{} 年的节假日安排尚未导入，按周一至周五计算",
                    years.join("、")
                ));
            }
            Some(s)
        }
        _ => None,
    };
    render(&CalendarPage {
        chrome: Chrome::new(&caller, "工作日历", "/system/calendar"),
        years: cal.years().collect(),
        year,
        table: TableView::of(
            &grid,
            &[],
            &[("date", "日期"), ("kind", "安排"), ("holiday", "节日")],
        ),
        can_edit: caller.role().may(Permission::ManageReferenceData),
        from: param(&q, "from").unwrap_or_default(),
        days: param(&q, "days").unwrap_or_default(),
        reckoning,
        review_window_days: review_window_days(&procedure),
        statement_days: procedure.statement_working_days,
    })
}

#[derive(Debug, Deserialize)]
pub struct YearForm {
    #[serde(default)]
    pub _csrf: String,
    pub csv: String,
}

/// `POST /system/calendar`: loads one year's schedule (replacing that year).
pub async fn import(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<YearForm>,
) -> Result<Response> {
    caller.check_csrf(&f._csrf)?;
    let (year, days) = domain::workdays::parse_year_csv(&f.csv).map_err(|e| {
        Error::BadRequest(format!(
            "日历数据有误，未导入：{e}（应为 CSV：date,off_day,name，每行一天，同一年）"
        ))
    })?;
    st.store
        .import_calendar_year(year, &days, &caller.principal().username, st.now())
        .await?;
    caller
        .log(
            &st,
            "calendar",
            &format!("{year} 年节假日安排（{} 天）", days.len()),
        )
        .await?;
    Ok(Redirect::to(&format!("/system/calendar?year={year}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::rulebook::Rulebook;

    fn rendered(rulebook: &str) -> String {
        let procedure = Rulebook::builtin(rulebook).unwrap().procedure;
        CalendarPage {
            chrome: Chrome {
                title: "工作日历".into(),
                user: String::new(),
                role: "",
                scope: String::new(),
                csrf: String::new(),
                menu: Vec::new(),
            },
            years: vec![2025],
            year: 2025,
            table: TableView::default(),
            can_edit: false,
            from: String::new(),
            days: String::new(),
            reckoning: None,
            review_window_days: review_window_days(&procedure),
            statement_days: procedure.statement_working_days,
        }
        .render()
        .unwrap()
    }

    /// The deadline the page names is the procedure's: Hubei's review window
    /// (第十九条, 15 working days); Qinghai grants no review (第二十五条), so the page
    /// names the statement period instead and no review window at all.
    #[test]
    fn the_deadline_named_comes_from_the_case_procedure() {
        for (rulebook, want, absent) in [
            ("hubei", "复核申请期限（15 个工作日）", None),
            ("qinghai", "陈述申辩期限（", Some("复核申请期限")),
        ] {
            let procedure = Rulebook::builtin(rulebook).unwrap().procedure;
            let page = rendered(rulebook);
            assert!(page.contains(want), "{rulebook}: {page}");
            if let Some(a) = absent {
                assert!(!page.contains(a), "{rulebook}");
                assert!(page.contains(&format!(
                    "陈述申辩期限（{} 个工作日）",
                    procedure.statement_working_days
                )));
            }
        }
    }
}
