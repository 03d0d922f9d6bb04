//! 首页: counts, findings by guide item and severity, by city (on the
//! province's map where its geometry is embedded), by month, and what needs
//! attention today: registrations about to expire, case deadlines overdue or due
//! within a week (in working days, on the statutory calendar), and 评价要情 —
//! the major cases reported up the jurisdiction chain to the province.

use crate::AppState;
use crate::auth::Caller;
use crate::error::Result;
use crate::view::{Chrome, TableView, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::access::Permission;
use domain::enums::{RegistrationStatus, Severity};

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub cards: Vec<(String, String, String)>,
    pub data: String,
    pub show_findings: bool,
    /// The title of the by-area chart (cities or districts).
    pub area_title: &'static str,
    /// Whether there is more than one area to chart.
    pub show_areas: bool,
    pub run: String,
    pub open_grave: u64,
    pub expiring: TableView,
    /// 到期提醒 sent (第二十条 "经提醒"), for the institution's own account its own.
    pub reminders: TableView,
    /// Expired without a recorded reminder: for an official to confirm.
    pub unreminded: TableView,
    /// Case deadlines already passed.
    pub overdue: TableView,
    /// Case deadlines due soon (the procedure's working days).
    pub due_soon: TableView,
    /// "Due soon": this many working days ([`domain::case::Procedure`]).
    pub due_soon_days: u32,
    /// Renewal is applied for this many months before expiry
    /// ([`domain::registration::RENEWAL_WINDOW_MONTHS`]).
    pub renewal_months: u32,
    /// A registration, and a renewal on a passed assessment, runs this many years
    /// ([`domain::registration::VALIDITY_YEARS`]).
    pub validity_years: u32,
    /// When the renewal reminders are sent ("到期前3个月、到期前1个月、到期前1周"),
    /// from [`domain::registration::ReminderStage`].
    pub reminder_stages: String,
    /// 评价要情 in scope (not for the institution's own account).
    pub majors: Option<TableView>,
}

/// `GET /`.
pub async fn home(State(st): State<AppState>, caller: Caller) -> Result<Response> {
    let today = st.now().date();
    let d = st.store.dashboard(caller.scope(), today).await?;
    let regions = st.store.regions().await?;
    let name_of = |code: &str| {
        regions
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_string(), |(_, n)| n.clone())
    };
    let show_findings = caller.role().may(Permission::ViewFindings);
    let calendar = st.store.calendar().await?;
    let due = st.store.deadlines(caller.scope(), today, &calendar).await?;
    let (late, soon): (Vec<_>, Vec<_>) = due.iter().partition(|d| d.deadline.overdue);
    let deadline_table = |list: &[&store::cases::DueCase]| {
        TableView::of(&crate::pages::cases::deadline_grid(list), &[], &[])
    };
    let majors = if caller.role().may(Permission::ViewCaseFiles) {
        let grid = st.store.major_cases(caller.scope()).await?;
        Some(TableView::of(
            &grid,
            &[
                "major",
                "updated_at",
                "candidate_id",
                "person_id",
                "institution_name",
            ],
            &[],
        ))
    } else {
        None
    };
    let total: u64 = d.institutions.iter().map(|(_, n)| n).sum();
    let mut cards: Vec<(String, String, String)> =
        vec![("备案机构".into(), total.to_string(), "/institutions".into())];
    for (code, n) in &d.institutions {
        let label = RegistrationStatus::parse(code).map_or(code.as_str(), |s| s.zh());
        cards.push((
            format!("其中{label}"),
            n.to_string(),
            format!("/institutions?status={code}"),
        ));
    }
    cards.push((
        "评价批次".into(),
        d.batches.to_string(),
        "/activities".into(),
    ));
    cards.push((
        "报名人次".into(),
        d.enrollments.to_string(),
        "/activities".into(),
    ));
    cards.push((
        "证书".into(),
        d.certificates.to_string(),
        "/certificates".into(),
    ));
    let open = |s: Severity| {
        d.open
            .iter()
            .find(|(c, _)| c == s.code())
            .map_or(0, |(_, n)| *n)
    };
    if show_findings {
        for s in [Severity::Grave, Severity::Serious, Severity::General] {
            cards.push((
                format!("待核实预警·{}", s.zh()),
                open(s).to_string(),
                format!("/findings?status=open&severity={}", s.code()),
            ));
        }
    }
    // The map is the province's cities: only where the areas are cities.
    let province = if d.by_district {
        String::new()
    } else {
        d.by_city
            .first()
            .map(|(c, _)| c[..2].to_string())
            .or_else(|| match caller.scope() {
                domain::access::DataScope::Region(r) => Some(r.as_str()[..2].to_string()),
                _ => None,
            })
            .unwrap_or_default()
    };
    let items: Vec<serde_json::Value> = (1..=15u8)
        .map(|i| {
            let n = |s: Severity| {
                d.by_item
                    .iter()
                    .find(|(it, c, _)| *it == i && c == s.code())
                    .map_or(0, |(_, _, n)| *n)
            };
            serde_json::json!({
                "item": format!("第{i}项"),
                "name": screen::risk::ITEM_NAMES[usize::from(i) - 1],
                "general": n(Severity::General),
                "serious": n(Severity::Serious),
                "grave": n(Severity::Grave),
            })
        })
        .collect();
    let data = serde_json::json!({
        "findings": show_findings,
        "items": items,
        "cities": d.by_city.iter().map(|(c, n)| serde_json::json!({"code": c, "name": name_of(c), "value": n})).collect::<Vec<_>>(),
        "months": d.by_month.iter().map(|(m, b, f)| serde_json::json!({"month": m, "batches": b, "findings": f})).collect::<Vec<_>>(),
        "map": if crate::assets::has_map(&province) { format!("/assets/geo/{province}.json") } else { String::new() },
    });
    // The run's own totals are the province's: show the caller's share only.
    let in_scope: u64 = d.by_item.iter().map(|(_, _, n)| n).sum();
    let run = d.run.map_or_else(
        || "尚未筛查".to_string(),
        |(id, at, as_of, _, _)| {
            if show_findings {
                format!("第 {id} 次筛查：{at} 完成，数据截止 {as_of}；本辖区预警 {in_scope} 条")
            } else {
                format!("第 {id} 次筛查：{at} 完成，数据截止 {as_of}")
            }
        },
    );
    render(&HomePage {
        chrome: Chrome::new(&caller, "首页", "/"),
        cards,
        data: data.to_string().replace('<', "\\u003c"),
        show_findings,
        area_title: if d.by_district {
            "预警：按区县"
        } else {
            "预警：按市州"
        },
        show_areas: show_findings && !d.by_city.is_empty(),
        run,
        open_grave: open(Severity::Grave),
        expiring: TableView::of(&d.expiring, &[], &[("name", "机构名称")]).for_viewer(&caller),
        reminders: TableView::of(
            &d.reminders,
            &[],
            &[
                ("name", "机构名称"),
                ("stage", "提醒"),
                ("sent_on", "提醒日期"),
                ("expires_on", "有效期至"),
            ],
        )
        .for_viewer(&caller),
        unreminded: TableView::of(
            &d.unreminded,
            &[],
            &[("name", "机构名称"), ("expires_on", "有效期至")],
        )
        .for_viewer(&caller),
        overdue: deadline_table(&late),
        due_soon: deadline_table(&soon),
        due_soon_days: st.store.case_procedure().await?.due_soon_working_days,
        renewal_months: domain::registration::RENEWAL_WINDOW_MONTHS,
        validity_years: domain::registration::VALIDITY_YEARS,
        reminder_stages: domain::registration::ReminderStage::ALL
            .iter()
            .map(|s| s.zh())
            .collect::<Vec<_>>()
            .join("、"),
        majors,
    })
}
