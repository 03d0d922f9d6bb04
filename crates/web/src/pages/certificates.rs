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
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use store::browse::CertificateQuery;

#[derive(Template)]
#[template(path = "certificates.html")]
pub struct CertificatesPage {
    pub chrome: Chrome,
    pub cert_no: String,
    /// The ID number searched for, masked (the number itself is in the stash).
    pub id_masked: String,
    /// The stash token of the ID number searched for.
    pub q: String,
    pub name: String,
    pub searched: bool,
    pub table: TableView,
    /// The `cert_ref` of each row (for 查看完整).
    pub refs: Vec<String>,
    pub pager: Pager,
    /// A revealed holder: (certificate number, full ID number).
    pub revealed: Option<(String, String)>,
}

/// The query of a request: certificate number and name from the parameters, the
/// ID number from the stash token `q` (never from a link).
fn query_of(st: &AppState, caller: &Caller, q: &Params) -> CertificateQuery {
    CertificateQuery {
        cert_no: param(q, "cert_no"),
        id_number: param(q, "q")
            .and_then(|t| st.stash.get(caller.principal().account_id, &t, st.now())),
        name: param(q, "name"),
    }
}

async fn page(
    st: &AppState,
    caller: &Caller,
    q: &Params,
    revealed: Option<(String, String)>,
) -> Result<Response> {
    let c = query_of(st, caller, q);
    let p = paging(q);
    let grid = st.store.certificates(caller.scope(), &c, p).await?;
    let table = TableView::of(&grid, &["cert_ref"], &[("name", "姓名")]).for_viewer(caller);
    if is_export(q) {
        caller.log(st, "export", "证书查询结果").await?;
        return export::xlsx("证书查询结果", &table);
    }
    let refs = (0..grid.rows.len())
        .map(|i| grid.get(i, "cert_ref").unwrap_or_default().to_string())
        .collect();
    let full = revealed.is_some();
    let mut r = render(&CertificatesPage {
        chrome: Chrome::new(caller, "证书查询", "/certificates"),
        cert_no: c.cert_no.clone().unwrap_or_default(),
        id_masked: c
            .id_number
            .as_deref()
            .map(|v| domain::privacy::mask_text(v).into_owned())
            .unwrap_or_default(),
        q: if c.id_number.is_some() {
            param(q, "q").unwrap_or_default()
        } else {
            String::new()
        },
        name: c.name.clone().unwrap_or_default(),
        searched: !c.is_empty(),
        table,
        refs,
        pager: Pager::new("/certificates", q, p, grid.total),
        revealed,
    })?;
    if full {
        // The one page that shows a full ID number, logged before it was rendered.
        r.extensions_mut().insert(crate::security::Unmasked);
    }
    Ok(r)
}

/// `GET /certificates`. An `id_number` in the link (an old bookmark) is moved into
/// the stash at once and the browser sent to a link without it.
pub async fn lookup(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response> {
    if let Some(id) = param(&q, "id_number") {
        return Ok(search_redirect(&st, &caller, &q, Some(id)));
    }
    page(&st, &caller, &q, None).await
}

/// The results page for a search: the ID number stashed, only its token in the link.
fn search_redirect(st: &AppState, caller: &Caller, q: &Params, id: Option<String>) -> Response {
    let mut link: Params = ["cert_no", "name"]
        .iter()
        .filter_map(|k| param(q, k).map(|v| (k.to_string(), v)))
        .collect();
    if let Some(t) = id.and_then(|id| st.stash.put(caller.principal().account_id, id, st.now())) {
        link.push(("q".into(), t));
    }
    let query: Vec<String> = link
        .iter()
        .map(|(k, v)| format!("{}={}", crate::view::enc(k), crate::view::enc(v)))
        .collect();
    axum::response::Redirect::to(&format!("/certificates?{}", query.join("&"))).into_response()
}

/// `POST /certificates`: a search (by ID number it must be posted, so the number
/// stays out of links).
pub async fn search(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<Params>,
) -> Result<Response> {
    caller.check_csrf(&param(&f, "_csrf").unwrap_or_default())?;
    let id = param(&f, "id_number").map(|v| v.to_uppercase());
    Ok(search_redirect(&st, &caller, &f, id))
}

#[derive(Debug, Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    pub _csrf: String,
    pub cert_ref: String,
    #[serde(default)]
    pub cert_no: String,
    #[serde(default)]
    pub q: String,
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
    let (cert_no, id, institution) = st
        .store
        .certificate_holder_id(caller.scope(), cert_ref)
        .await?
        .ok_or_else(|| Error::NotFound("证书不存在或不在您的管辖范围内".into()))?;
    caller
        .log_about(
            &st,
            "view_id_number",
            &format!("证书 {cert_no} 持证人身份证号"),
            store::audit::Concerning::Institution(&institution),
        )
        .await?;
    let q: Params = [("cert_no", f.cert_no), ("q", f.q), ("name", f.name)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    page(&st, &caller, &q, Some((cert_no, id))).await
}
