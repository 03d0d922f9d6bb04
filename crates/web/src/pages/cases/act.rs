//! The case page and its moves: `GET /cases/{id}`, the officials' moves
//! (`POST /cases/{id}/actions`), the party's (`POST /cases/{id}/answer`: its
//! clerk's, or recorded by an official), evidence uploads
//! (`POST /cases/{id}/attachments`) and their download.
//!
//! Every move goes the same way: the form's `action` names the move, the domain
//! reads the form into its command (`MoveKind::command`), the store makes it in
//! one transaction, and the case is shown again — with what was done, or with
//! the refusal's own text and status.

use super::page::{Flash, page};
use super::{bad, issuer, not_found, who};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::pages::{Params, param};
use crate::view::render;
use axum::Form as AxumForm;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Permission;
use domain::case::{Given, MoveKind, Now, Side};
use domain::workflow::Form;
use store::cases::CaseDetail;

/// The case as the caller may see it, or 404.
async fn load(st: &AppState, caller: &Caller, id: i64) -> Result<CaseDetail> {
    st.store
        .case(caller.scope(), id, st.now().date())
        .await?
        .ok_or_else(|| not_found(id))
}

/// Renders the case page with `flash`, answering `status`.
async fn show(
    st: &AppState,
    caller: &Caller,
    d: CaseDetail,
    flash: Flash,
    status: StatusCode,
) -> Result<Response> {
    let calendar = st.store.calendar().await?;
    let procedure = st.store.case_procedure().await?;
    let now = Now {
        today: st.now().date(),
        calendar: &calendar,
        procedure: &procedure,
    };
    let accounts = if caller.role().may(Permission::HandleCases) {
        st.store.investigator_accounts(caller.scope()).await?
    } else {
        Vec::new()
    };
    let names = super::page::Names(st.store.display_names().await?);
    let mut r = render(&page(caller, d, &now, &accounts, &names, flash))?;
    *r.status_mut() = status;
    Ok(r)
}

/// `GET /cases/{id}` (`?done=MOVE` after a move: what was done).
pub async fn detail(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<Params>,
) -> Result<Response> {
    let d = load(&st, &caller, id).await?;
    let success = param(&q, "done")
        .and_then(|c| MoveKind::parse(&c).ok())
        .map(|k| format!("已办理：{}", k.zh()));
    let flash = Flash {
        error: None,
        success,
    };
    show(&st, &caller, d, flash, StatusCode::OK).await
}

/// Which route a move came by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// `/actions`: the authority's moves.
    Actions,
    /// `/answer`: the party's moves.
    Answer,
    /// `/attachments`: an upload.
    Upload,
}

/// Makes the move the form names; the case again, with what was done or why not.
async fn submit(
    st: &AppState,
    caller: &Caller,
    id: i64,
    form: &Params,
    file: Option<(String, Vec<u8>)>,
    via: Via,
) -> Result<Response> {
    let d = load(st, caller, id).await?;
    let code = param(form, "action").unwrap_or_default();
    let done: Result<(MoveKind, Vec<String>)> = async {
        let kind = MoveKind::parse(&code).map_err(|_| {
            bad(format!(
                "操作（字段 action）“{code}”无效，应为 {}",
                MoveKind::EXPECTED
            ))
        })?;
        let expected = match kind {
            MoveKind::Attach => Via::Upload,
            k if k.by_party() => Via::Answer,
            _ => Via::Actions,
        };
        if expected != via {
            return Err(bad(format!("操作“{}”不能在此提交", kind.zh())));
        }
        let side = if d.internal {
            Side::Authority
        } else {
            Side::Party
        };
        let issuer = if kind.needs().document.is_some() {
            issuer(st, caller).await?
        } else {
            None
        };
        let calendar = st.store.calendar().await?;
        let procedure = st.store.case_procedure().await?;
        let today = st.now().date();
        let now = Now {
            today,
            calendar: &calendar,
            procedure: &procedure,
        };
        let given = Given {
            today,
            issuer: issuer.as_ref(),
            file,
        };
        let command = kind
            .command(Form(form), &d.case, side, given, &now)
            .map_err(|r| Error::refused(&r))?;
        let moved = st
            .store
            .act_on_case(caller.scope(), &who(caller), st.now(), id, command, None)
            .await?;
        Ok((
            kind,
            moved.documents.into_iter().map(|x| x.number).collect(),
        ))
    }
    .await;
    match done {
        Ok((kind, numbers)) => {
            let what = format!(
                "案件 {} {} {}",
                d.case.number,
                kind.zh(),
                numbers.join("、")
            );
            caller.log(st, "case", what.trim_end()).await?;
            Ok(Redirect::to(&format!("/cases/{id}?done={}", kind.code())).into_response())
        }
        Err(e) if e.is_refusal() => {
            let status = e.status();
            let d = load(st, caller, id).await?;
            let flash = Flash {
                error: Some(e.to_string()),
                success: None,
            };
            show(st, caller, d, flash, status).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /cases/{id}/actions`: one official move of the case (field `action`).
pub async fn act(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    AxumForm(f): AxumForm<Params>,
) -> Result<Response> {
    caller.check_csrf(&param(&f, "_csrf").unwrap_or_default())?;
    submit(&st, &caller, id, &f, None, Via::Actions).await
}

/// `POST /cases/{id}/answer`: the party's act (field `action`): a statement, a
/// rectification report, a review or recusal request — from the institution's
/// account, or recorded by an official (who may give the date a review request
/// was received on paper).
pub async fn answer(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    AxumForm(f): AxumForm<Params>,
) -> Result<Response> {
    caller.check_csrf(&param(&f, "_csrf").unwrap_or_default())?;
    submit(&st, &caller, id, &f, None, Via::Answer).await
}

/// `POST /cases/{id}/attachments` (multipart: `_csrf`, `kind`, `file`, `signers`,
/// `note`): evidence or an on-site record (a candidate's needs 2 or more signers).
pub async fn attach(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Response> {
    load(&st, &caller, id).await?;
    let mut form =
        form.map_err(|e| bad(format!("上传内容无法读取（应为 multipart/form-data）：{e}")))?;
    let mut fields: Params = vec![("action".into(), MoveKind::Attach.code().into())];
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| bad(format!("上传内容无法读取：{e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field
                .file_name()
                .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                .unwrap_or_default();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| bad(format!("文件上传不完整：{e}")))?;
            if !file_name.is_empty() {
                file = Some((file_name, bytes.to_vec()));
            }
            continue;
        }
        let value = field
            .text()
            .await
            .map_err(|e| bad(format!("字段 {name} 无法读取：{e}")))?;
        if name != "action" {
            fields.push((name, value));
        }
    }
    caller.check_csrf(&param(&fields, "_csrf").unwrap_or_default())?;
    submit(&st, &caller, id, &fields, file, Via::Upload).await
}

/// `GET /cases/{id}/attachments/{file}`: an attached file (logged).
pub async fn attachment(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response> {
    let (name, bytes) = st
        .store
        .attachment(caller.scope(), id, file)
        .await?
        .ok_or_else(|| {
            Error::NotFound(format!("案件 #{id} 没有材料 #{file}，或不在您的管辖范围内"))
        })?;
    caller
        .log(&st, "view_attachment", &format!("案件 #{id} 材料 {name}"))
        .await?;
    let encoded = crate::view::enc(&name);
    Ok((
        [
            ("content-type", "application/octet-stream".to_string()),
            (
                "content-disposition",
                format!("attachment; filename=\"attachment\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response())
}
