//! 考务监测: evaluation activities (批次) with candidates, staff, sessions,
//! scores, results and certificates.

use super::{Params, date_param, is_export, paging, param};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::export;
use crate::pages::institutions::Section;
use crate::view::{Chrome, FilterField, ListPage, Pager, TableView, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::access::Permission;
use store::browse::BatchFilter;

/// `GET /activities`.
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response> {
    let f = BatchFilter {
        institution_id: param(&q, "institution_id"),
        occupation_code: param(&q, "occupation_code"),
        from: date_param(&q, "from", "开始日期")?,
        to: date_param(&q, "to", "结束日期")?,
        batch_id: param(&q, "batch_id"),
    };
    let p = paging(&q);
    let grid = st.store.batches(caller.scope(), &f, p).await?;
    let table = TableView::of(&grid, &[], &[]).for_viewer(&caller);
    if is_export(&q) {
        caller.log(&st, "export", "评价活动").await?;
        return export::xlsx("评价活动", &table);
    }
    render(&ListPage {
        chrome: Chrome::new(&caller, "考务监测", "/activities"),
        action: "/activities".into(),
        filters: vec![
            FilterField::text("batch_id", "批次号", &f.batch_id),
            FilterField::text("institution_id", "机构编码", &f.institution_id),
            FilterField::text("occupation_code", "职业编码", &f.occupation_code),
            FilterField::date("from", "开考日期从", &param(&q, "from")),
            FilterField::date("to", "至", &param(&q, "to")),
        ],
        pager: Pager::new("/activities", &q, p, grid.total),
        table,
        buttons: Vec::new(),
        note: None,
    })
}

#[derive(Template)]
#[template(path = "batch.html")]
pub struct BatchPage {
    pub chrome: Chrome,
    pub head: Vec<(String, crate::view::CellView)>,
    pub sections: Vec<Section>,
}

/// `GET /activities/{id}`.
pub async fn detail(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response> {
    let d = st
        .store
        .batch(caller.scope(), &id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("批次 {id} 不存在或不在您的管辖范围内")))?;
    let head = crate::view::fields(&d.head, &[]);
    let mut sections = vec![
        Section {
            id: "candidates",
            title: "考生、成绩与证书",
            table: TableView::of(&d.candidates, &[], &[("name", "姓名")]).for_viewer(&caller),
            more: None,
        },
        Section {
            id: "sessions",
            title: "考试场次",
            table: TableView::of(&d.sessions, &[], &[]).for_viewer(&caller),
            more: None,
        },
        Section {
            id: "staff",
            title: "考务人员",
            table: TableView::of(&d.staff, &[], &[("name", "姓名")]).for_viewer(&caller),
            more: None,
        },
        Section {
            id: "changes",
            title: "考务变更",
            table: TableView::of(&d.changes, &[], &[]).for_viewer(&caller),
            more: None,
        },
    ];
    if caller.role().may(Permission::ViewFindings) {
        sections.push(Section {
            id: "findings",
            title: "本批次预警",
            table: TableView::of(&d.findings, &["batch_id"], &[]).for_viewer(&caller),
            more: None,
        });
    }
    render(&BatchPage {
        chrome: Chrome::new(&caller, format!("评价活动 {id}"), "/activities"),
        head,
        sections,
    })
}
