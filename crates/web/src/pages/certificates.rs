//! 证书查询 (internal): certificates in the caller's jurisdiction by number, ID
//! number or holder name. ID numbers are masked; 查看完整 shows one holder's
//! full number after logging who asked, when, from where and for which
//! certificate (个人信息保护法: access to personal information is recorded).

use super::{Params, is_export, paging, param};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::export;
use crate::view::{Chrome, Pager, TableView, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use store::browse::CertificateQuery;

#[derive(Template)]
#[template(path = "certificates.html")]
pub struct CertificatesPage {
    pub chrome: Chrome,
    pub cert_no: String,
    pub id_number: String,
    pub name: String,
    pub searched: bool,
    pub table: TableView,
    /// The `cert_ref` of each row (for 查看完整).
    pub refs: Vec<String>,
    pub pager: Pager,
    /// A revealed holder: (certificate number, full ID number).
    pub revealed: Option<(String, String)>,
}

fn query_of(q: &Params) -> CertificateQuery {
    CertificateQuery {
        cert_no: param(q, "cert_no"),
        id_number: param(q, "id_number"),
        name: param(q, "name"),
    }
}

async fn page(
    st: &AppState,
    caller: &Caller,
    q: &Params,
    revealed: Option<(String, String)>,
) -> Result<Response> {
    let c = query_of(q);
    let p = paging(q);
    let grid = st.store.certificates(caller.scope(), &c, p).await?;
    let table = TableView::of(&grid, &["cert_ref"], &[("name", "姓名")]);
    if is_export(q) {
        caller.log(st, "export", "证书查询结果").await?;
        return export::xlsx("证书查询结果", &table);
    }
    let refs = (0..grid.rows.len())
        .map(|i| grid.get(i, "cert_ref").unwrap_or_default().to_string())
        .collect();
    render(&CertificatesPage {
        chrome: Chrome::new(caller, "证书查询", "/certificates"),
        cert_no: c.cert_no.clone().unwrap_or_default(),
        id_number: c.id_number.clone().unwrap_or_default(),
        name: c.name.clone().unwrap_or_default(),
        searched: !c.is_empty(),
        table,
        refs,
        pager: Pager::new("/certificates", q, p, grid.total),
        revealed,
    })
}

/// `GET /certificates`.
pub async fn lookup(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response> {
    page(&st, &caller, &q, None).await
}

#[derive(Debug, Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    pub _csrf: String,
    pub cert_ref: String,
    #[serde(default)]
    pub cert_no: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub name: String,
}

/// `POST /certificates/reveal`: one holder's full ID number, logged first.
pub async fn reveal(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<RevealForm>,
) -> Result<Response> {
    caller.check_csrf(&f._csrf)?;
    let cert_ref: i64 = f.cert_ref.parse().map_err(|_| {
        Error::BadRequest(format!("记录号（字段 cert_ref）“{}”应为数字", f.cert_ref))
    })?;
    let (cert_no, id) = st
        .store
        .certificate_holder_id(caller.scope(), cert_ref)
        .await?
        .ok_or_else(|| Error::NotFound("证书不存在或不在您的管辖范围内".into()))?;
    caller
        .log(
            &st,
            "view_id_number",
            &format!("证书 {cert_no} 持证人身份证号"),
        )
        .await?;
    let q: Params = [
        ("cert_no", f.cert_no),
        ("id_number", f.id_number),
        ("name", f.name),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    page(&st, &caller, &q, Some((cert_no, id))).await
}
