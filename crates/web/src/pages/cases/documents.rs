//! 文书: a case's documents (告知书, 处理决定书, 复核决定书) for printing in the
//! official layout.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::pages::findings::mask_evidence;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::case::DocumentKind;

#[derive(Template)]
#[template(path = "document.html")]
pub struct DocumentPage {
    pub chrome: Chrome,
    pub id: i64,
    pub title: String,
    pub number: String,
    pub addressee: String,
    pub paragraphs: Vec<String>,
    pub issuer: String,
    pub date: String,
}

/// `GET /cases/{id}/documents/{doc}`: a document for printing, by its id or its
/// kind (`notice`, `decision`, `review_decision`: the latest of that kind).
pub async fn document(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, doc)): Path<(i64, String)>,
) -> Result<Response> {
    let d = st
        .store
        .case(caller.scope(), id, st.now().date())
        .await?
        .ok_or_else(|| super::not_found(id))?;
    let found = match doc.parse::<i64>() {
        Ok(n) => d.documents.iter().find(|x| x.document_id == n),
        Err(_) => {
            let kind = DocumentKind::parse(&doc).map_err(|_| {
                Error::NotFound(format!(
                    "文书 {doc} 不存在：应为文书编号，或 notice（告知书）、decision（处理决定书）、review_decision（复核决定书）"
                ))
            })?;
            d.documents.iter().rev().find(|x| x.kind == kind)
        }
    };
    let x = found.ok_or_else(|| Error::NotFound(format!("案件 {} 尚无此文书", d.case.number)))?;
    let body = &x.document;
    render(&DocumentPage {
        chrome: Chrome::new(&caller, format!("{} {}", x.kind.zh(), x.number), "/cases"),
        id,
        title: body.title.clone(),
        number: body.number.clone(),
        addressee: body.addressee.clone(),
        paragraphs: body.paragraphs.iter().map(|p| mask_evidence(p)).collect(),
        issuer: body.issuer.clone(),
        date: super::page::date_zh(body.date),
    })
}
