//! 机构管理: the registry in the caller's jurisdiction, and one institution's
//! page with its registration, lists, activities, findings and history.

use super::{Params, date_param, is_export, paging, param};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::export;
use crate::view::{Chrome, FilterField, ListPage, Pager, TableView, choices, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::access::Permission;
use domain::enums::{InstitutionKind, RegistrationStatus};
use store::browse::InstitutionFilter;

/// `GET /institutions`.
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response> {
    let f = InstitutionFilter {
        region: param(&q, "region"),
        kind: param(&q, "kind"),
        status: param(&q, "status"),
        q: param(&q, "q"),
        expires_by: date_param(&q, "expires_by", "有效期截止")?,
        at_risk: param(&q, "at_risk").is_some(),
        by_risk: param(&q, "sort").as_deref() == Some("risk"),
    };
    let p = paging(&q);
    let grid = st.store.institutions(caller.scope(), &f, p).await?;
    let table = TableView::of(&grid, &[], &[("name", "机构名称")]).for_viewer(&caller);
    if is_export(&q) {
        caller.log(&st, "export", "机构列表").await?;
        return export::xlsx("机构列表", &table);
    }
    let mut buttons = Vec::new();
    if caller.role().may(Permission::ManageRegistry) {
        buttons.push(("机构备案".to_string(), "/institutions/new".to_string()));
    }
    render(&ListPage {
        chrome: Chrome::new(&caller, "机构管理", "/institutions"),
        action: "/institutions".into(),
        filters: vec![
            FilterField::text("q", "机构名称/编码/信用代码", &f.q),
            FilterField::text("region", "地区代码", &f.region),
            FilterField::select(
                "kind",
                "机构类型",
                &f.kind,
                choices(
                    InstitutionKind::ALL,
                    InstitutionKind::code,
                    InstitutionKind::zh,
                ),
            ),
            FilterField::select(
                "status",
                "备案状态",
                &f.status,
                choices(
                    RegistrationStatus::ALL,
                    RegistrationStatus::code,
                    RegistrationStatus::zh,
                ),
            ),
            FilterField::date("expires_by", "有效期截止不晚于", &param(&q, "expires_by")),
            FilterField::select(
                "sort",
                "排序",
                &param(&q, "sort"),
                vec![("risk".into(), "按风险排名".into())],
            ),
        ],
        pager: Pager::new("/institutions", &q, p, grid.total),
        table,
        buttons,
        note: None,
    })
}

/// One section of a detail page.
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub table: TableView,
    /// A link to the whole list when the section shows only its beginning.
    pub more: Option<(String, String)>,
}

/// One tab of the institution page: its query value, title, how many rows it
/// holds, and whether it is the one shown.
pub struct Tab {
    pub id: &'static str,
    pub title: &'static str,
    pub count: usize,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "institution.html")]
pub struct InstitutionPage {
    pub chrome: Chrome,
    pub id: String,
    pub head: Vec<(String, crate::view::CellView)>,
    pub tabs: Vec<Tab>,
    /// The sections of the tab shown.
    pub sections: Vec<Section>,
    pub can_manage: bool,
    pub status: String,
    pub standing: String,
    /// Renewal is applied for this many months before expiry (第二十条).
    pub renewal_months: u32,
    /// A registration, and a renewal on a passed assessment, runs this many years
    /// ([`domain::registration::VALIDITY_YEARS`], 第二十条).
    pub validity_years: u32,
}

/// How many rows of a long section the page shows before linking to the list.
const SHOWN: usize = 20;

/// The first [`SHOWN`] rows of a table, and whether there were more.
fn first_rows(mut t: TableView) -> (TableView, bool) {
    let more = t.rows.len() > SHOWN;
    t.rows.truncate(SHOWN);
    (t, more)
}

/// `GET /institutions/{id}?tab=…`: the registration on top, the rest in tabs
/// (备案信息, 人员, 评价活动, 预警, 处理与投诉, 变更记录), one shown at a time.
pub async fn detail(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<Params>,
) -> Result<Response> {
    let d = st
        .store
        .institution(caller.scope(), &id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("机构 {id} 不存在或不在您的管辖范围内")))?;
    let head = crate::view::fields(&d.head, &[]);
    let status = d.head.get(0, "status").unwrap_or_default().to_string();
    let hide_inst: &[&str] = &["institution_id", "institution_name"];
    let today = st.now().date();
    let (history, standing) =
        crate::pages::registry::history_and_standing(&st, &caller, &id, today).await?;
    let section = |id: &'static str, title: &'static str, table: TableView| Section {
        id,
        title,
        table: table.for_viewer(&caller),
        more: None,
    };
    let enc_id = crate::view::enc(&id);
    let counts = [
        ("batches", d.batches.rows.len()),
        ("findings", d.findings.rows.len()),
    ];
    let (batches, more_batches) = first_rows(TableView::of(&d.batches, hide_inst, &[]));
    let (findings, more_findings) = first_rows(TableView::of(&d.findings, hide_inst, &[]));
    let may_findings = caller.role().may(Permission::ViewFindings);
    let mut all: Vec<(&'static str, &'static str, Vec<Section>)> = vec![
        (
            "registration",
            "备案范围与场所",
            vec![
                section("scopes", "备案范围", TableView::of(&d.scopes, &[], &[])),
                section("sites", "考核场所", TableView::of(&d.sites, &[], &[])),
                section(
                    "affiliates",
                    "关联单位",
                    TableView::of(&d.affiliates, &[], &[("name", "单位名称")]),
                ),
            ],
        ),
        (
            "personnel",
            "考评及督导人员",
            vec![section(
                "personnel",
                "考评及督导人员",
                TableView::of(&d.personnel, &[], &[("name", "姓名")]),
            )],
        ),
        (
            "batches",
            "评价活动",
            vec![Section {
                more: more_batches.then(|| {
                    (
                        "全部评价活动".to_string(),
                        format!("/activities?institution_id={enc_id}"),
                    )
                }),
                ..section("batches", "最近的评价活动", batches)
            }],
        ),
    ];
    if may_findings {
        all.push((
            "findings",
            "预警",
            vec![Section {
                more: more_findings.then(|| {
                    (
                        "全部预警".to_string(),
                        format!("/findings?institution_id={enc_id}"),
                    )
                }),
                ..section("findings", "预警（最近一次筛查）", findings)
            }],
        ));
    }
    all.push((
        "conduct",
        "处理与投诉",
        vec![
            section(
                "sanctions",
                "处理记录",
                TableView::of(&d.sanctions, &[], &[]),
            ),
            section(
                "complaints",
                "投诉举报",
                TableView::of(&d.complaints, &[], &[]),
            ),
            section(
                "promotions",
                "招生宣传",
                TableView::of(&d.promotions, &[], &[]),
            ),
        ],
    ));
    all.push((
        "history",
        "备案变更记录",
        vec![section("history", "备案变更记录", history)],
    ));
    let chosen = param(&q, "tab")
        .filter(|t| all.iter().any(|(id, _, _)| id == t))
        .unwrap_or_else(|| "registration".to_string());
    let tabs = all
        .iter()
        .map(|(tid, title, secs)| Tab {
            id: tid,
            title,
            count: counts.iter().find(|(c, _)| c == tid).map_or_else(
                || secs.iter().map(|s| s.table.rows.len()).sum(),
                |(_, n)| *n,
            ),
            active: *tid == chosen,
        })
        .collect();
    let sections = all
        .into_iter()
        .find(|(tid, _, _)| *tid == chosen)
        .map(|(_, _, s)| s)
        .unwrap_or_default();
    render(&InstitutionPage {
        chrome: Chrome::new(&caller, format!("机构详情 {id}"), "/institutions"),
        id,
        head,
        tabs,
        sections,
        can_manage: caller.role().may(Permission::ManageRegistry),
        status,
        standing,
        renewal_months: domain::registration::RENEWAL_WINDOW_MONTHS,
        validity_years: domain::registration::VALIDITY_YEARS,
    })
}
