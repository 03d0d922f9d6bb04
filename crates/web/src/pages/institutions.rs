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
    let table = TableView::of(&grid, &[], &[("name", "机构名称")]);
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
}

#[derive(Template)]
#[template(path = "institution.html")]
pub struct InstitutionPage {
    pub chrome: Chrome,
    pub id: String,
    pub head: Vec<(String, crate::view::CellView)>,
    pub sections: Vec<Section>,
    pub history: TableView,
    pub can_manage: bool,
    pub status: String,
    pub standing: String,
    /// Renewal is applied for this many months before expiry (第二十条).
    pub renewal_months: u32,
}

/// `GET /institutions/{id}`.
pub async fn detail(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response> {
    let d = st
        .store
        .institution(caller.scope(), &id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("机构 {id} 不存在或不在您的管辖范围内")))?;
    let head = crate::view::fields(&d.head, &[]);
    let status = d.head.get(0, "status").unwrap_or_default().to_string();
    let hide_inst: &[&str] = &["institution_id"];
    let mut sections = vec![
        Section {
            id: "scopes",
            title: "备案范围",
            table: TableView::of(&d.scopes, &[], &[]),
        },
        Section {
            id: "sites",
            title: "考核场所",
            table: TableView::of(&d.sites, &[], &[]),
        },
        Section {
            id: "affiliates",
            title: "关联单位",
            table: TableView::of(&d.affiliates, &[], &[("name", "单位名称")]),
        },
        Section {
            id: "personnel",
            title: "考评及督导人员",
            table: TableView::of(&d.personnel, &[], &[("name", "姓名")]),
        },
        Section {
            id: "batches",
            title: "评价活动（最近 50 批）",
            table: TableView::of(&d.batches, hide_inst, &[]),
        },
        Section {
            id: "sanctions",
            title: "处理记录",
            table: TableView::of(&d.sanctions, &[], &[]),
        },
        Section {
            id: "complaints",
            title: "投诉举报",
            table: TableView::of(&d.complaints, &[], &[]),
        },
        Section {
            id: "promotions",
            title: "招生宣传",
            table: TableView::of(&d.promotions, &[], &[]),
        },
    ];
    if caller.role().may(Permission::ViewFindings) {
        sections.insert(
            5,
            Section {
                id: "findings",
                title: "预警（最近一次筛查）",
                table: TableView::of(&d.findings, hide_inst, &[]),
            },
        );
    }
    let today = st.now().date();
    let (history, standing) =
        crate::pages::registry::history_and_standing(&st, &caller, &id, today).await?;
    render(&InstitutionPage {
        chrome: Chrome::new(&caller, format!("机构详情 {id}"), "/institutions"),
        id,
        head,
        sections,
        history,
        can_manage: caller.role().may(Permission::ManageRegistry),
        status,
        standing,
        renewal_months: domain::registration::RENEWAL_WINDOW_MONTHS,
    })
}
