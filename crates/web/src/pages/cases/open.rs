//! 立案: opening a case from a complaint, an inspection, findings or by hand
//! (`/cases/new`, `POST /cases`), and from a finding's page
//! (`POST /findings/{id}/case`).

use super::{bad, who};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::pages::findings::mask_evidence;
use crate::pages::{Params, param};
use crate::view::{Chrome, choices, render};
use askama::Template;
use axum::Form as AxumForm;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::IdNumber;
use domain::access::DataScope;
use domain::case::{NewCase, Party, PartyKind, Source, SourceKind};
use domain::ids::{InstitutionId, PersonId};
use domain::workflow::Form;

/// A required text field.
fn required(f: &Params, name: &'static str, label: &'static str, hint: &str) -> Result<String> {
    Form(f)
        .required(name, label, hint)
        .map_err(|e| bad(e.to_string()))
}

#[derive(Template)]
#[template(path = "case_new.html")]
pub struct NewCasePage {
    pub chrome: Chrome,
    pub errors: Vec<String>,
    pub form: Params,
    pub parties: Vec<(String, String)>,
    pub sources: Vec<(String, String)>,
}

impl NewCasePage {
    /// The value the form had for `name`.
    pub fn v(&self, name: &str) -> String {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

fn new_page(caller: &Caller, form: Params, errors: Vec<String>) -> NewCasePage {
    NewCasePage {
        chrome: Chrome::new(caller, "立案", "/cases"),
        errors,
        form,
        parties: choices(PartyKind::ALL, PartyKind::code, PartyKind::zh),
        sources: choices(SourceKind::ALL, SourceKind::code, SourceKind::zh),
    }
}

/// `GET /cases/new`: the form to open a case from a complaint, an inspection,
/// findings or by hand.
pub async fn new_form(caller: Caller, Query(q): Query<Params>) -> Result<Response> {
    render(&new_page(&caller, q, Vec::new()))
}

/// The party of a case from the form's `party_kind`, `party_id` and `party_name`.
fn party_of(f: &Params, institution: &InstitutionId) -> Result<Party> {
    let kind = match param(f, "party_kind") {
        None => PartyKind::Institution,
        Some(k) => PartyKind::parse(&k).map_err(|_| {
            bad(format!(
                "当事人类别（字段 party_kind）“{k}”无效，应为 institution（评价机构）、candidate（参评人员）或 staff（工作人员）"
            ))
        })?,
    };
    let name = || {
        required(
            f,
            "party_name",
            "当事人姓名",
            "参评人员或工作人员的姓名，写入告知书和决定书",
        )
    };
    Ok(match kind {
        PartyKind::Institution => Party::Institution(institution.clone()),
        PartyKind::Candidate => {
            let id = required(f, "party_id", "身份证号", "参评人员的 18 位公民身份号码")?;
            Party::Candidate {
                id_number: IdNumber::parse(&id).map_err(|e| {
                    bad(format!(
                        "身份证号（字段 party_id）无效：{e}；应为 18 位公民身份号码"
                    ))
                })?,
                name: name()?,
            }
        }
        PartyKind::Staff => {
            let id = required(f, "party_id", "人员编号", "考评员、督导员或考务人员的编号")?;
            Party::Staff {
                person_id: PersonId::parse(&id)
                    .map_err(|e| bad(format!("人员编号（字段 party_id）无效：{e}")))?,
                name: name()?,
            }
        }
    })
}

fn new_case_of(f: &Params) -> Result<NewCase> {
    let iid = required(
        f,
        "institution_id",
        "机构编码",
        "当事人所属（或违纪违规发生）的评价机构编码",
    )?;
    let institution = InstitutionId::parse(&iid)
        .map_err(|e| bad(format!("机构编码（字段 institution_id）“{iid}”无效：{e}")))?;
    let party = party_of(f, &institution)?;
    let kind = match param(f, "source_kind") {
        None => SourceKind::Manual,
        Some(k) => SourceKind::parse(&k).map_err(|_| {
            bad(format!(
                "案件来源（字段 source_kind）“{k}”无效，应为 findings（数字化监测）、complaint（投诉举报）、inspection（监督检查）或 manual（手工立案）"
            ))
        })?,
    };
    let detail = param(f, "source_detail");
    let source = match kind {
        SourceKind::Findings => {
            required(f, "finding_ids", "预警编号", "一个或多个预警编号，逗号分隔")?;
            let ids = Form(f).names("finding_ids")
                .iter()
                .map(|s| {
                    s.trim_start_matches('#').parse::<i64>().map_err(|_| {
                        bad(format!(
                            "预警编号（字段 finding_ids）“{s}”不是数字：应为预警编号，逗号分隔，如 12, 15"
                        ))
                    })
                })
                .collect::<Result<Vec<i64>>>()?;
            Source::Findings(ids)
        }
        SourceKind::Complaint => Source::Complaint(detail.ok_or_else(|| {
            bad("投诉编号或摘要（字段 source_detail）不能为空：写明投诉举报的编号或内容")
        })?),
        SourceKind::Inspection => Source::Inspection(detail.ok_or_else(|| {
            bad("检查记录（字段 source_detail）不能为空：写明监督检查的编号或情况")
        })?),
        SourceKind::Manual => Source::Manual,
    };
    let summary = required(f, "summary", "案由", "一句话写明案件涉及的违纪违规行为")?;
    Ok(NewCase {
        institution_id: Some(institution),
        party,
        source,
        summary,
    })
}

/// `POST /cases`: opens a case and shows it, or the form again with what to fix.
pub async fn open(
    State(st): State<AppState>,
    caller: Caller,
    AxumForm(f): AxumForm<Params>,
) -> Result<Response> {
    caller.check_csrf(&param(&f, "_csrf").unwrap_or_default())?;
    let again = |message: String| {
        render(&new_page(&caller, f.clone(), vec![message])).map(|mut r| {
            *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            r
        })
    };
    let new = match new_case_of(&f) {
        Ok(n) => n,
        Err(Error::BadRequest(m)) => return again(m),
        Err(e) => return Err(e),
    };
    match st
        .store
        .open_case(caller.scope(), &who(&caller), st.now(), &new)
        .await
    {
        Ok(id) => {
            caller
                .log(&st, "case", &format!("立案 #{id} {}", new.summary))
                .await?;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(store::Error::Forbidden(_)) | Err(store::Error::NoSuchInstitution(_)) => {
            let iid = new
                .institution_id
                .map(|i| i.to_string())
                .unwrap_or_default();
            again(format!(
                "机构 {iid} 不存在或不在您的管辖范围内（字段 institution_id）"
            ))
        }
        Err(e) => match Error::of_store(e) {
            Error::NotFound(m) => again(m),
            e if e.is_refusal() => again(e.to_string()),
            other => Err(other),
        },
    }
}

/// The name of a candidate or staff member of a batch, as the activity records it.
async fn name_in_batch(
    st: &AppState,
    scope: &DataScope,
    batch: Option<&str>,
    column: &str,
    id: &str,
) -> Result<Option<String>> {
    let Some(batch) = batch else {
        return Ok(None);
    };
    let Some(b) = st.store.batch(scope, batch).await? else {
        return Ok(None);
    };
    let grid = if column == "candidate_id" {
        &b.candidates
    } else {
        &b.staff
    };
    Ok((0..grid.rows.len())
        .find(|&r| grid.get(r, column) == Some(id))
        .and_then(|r| grid.get(r, "name"))
        .map(str::to_string))
}

/// `POST /findings/{id}/case`: opens a case from a finding (against its
/// institution, or its candidate or staff member) and shows it.
pub async fn open_from_finding(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    AxumForm(f): AxumForm<Params>,
) -> Result<Response> {
    caller.check_csrf(&param(&f, "_csrf").unwrap_or_default())?;
    let scope = caller.scope();
    let d = st
        .store
        .finding(scope, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("预警 #{id} 不存在或不在您的管辖范围内")))?;
    let get = |c: &str| d.head.get(0, c).map(str::to_string);
    let iid = get("institution_id")
        .ok_or_else(|| bad(format!("预警 #{id} 不涉及评价机构，请通过“立案”手工立案")))?;
    let institution = InstitutionId::parse(&iid)
        .map_err(|e| bad(format!("预警 #{id} 的机构编码 {iid} 无效：{e}")))?;
    let batch = get("batch_id");
    let given_name = param(&f, "party_name");
    let party = match param(&f, "party").as_deref().unwrap_or("institution") {
        "institution" => Party::Institution(institution.clone()),
        "candidate" => {
            let cid = get("candidate_id")
                .ok_or_else(|| bad(format!("预警 #{id} 不涉及参评人员（字段 party）")))?;
            let name = match given_name {
                Some(n) => Some(n),
                None => name_in_batch(&st, scope, batch.as_deref(), "candidate_id", &cid).await?,
            };
            Party::Candidate {
                id_number: IdNumber::parse(&cid)
                    .map_err(|e| bad(format!("预警 #{id} 的身份证号无效：{e}")))?,
                name: name.ok_or_else(|| {
                    bad("未找到该参评人员的姓名：请填写当事人姓名（字段 party_name）")
                })?,
            }
        }
        "staff" => {
            let pid = get("person_id")
                .ok_or_else(|| bad(format!("预警 #{id} 不涉及工作人员（字段 party）")))?;
            let name = match given_name {
                Some(n) => Some(n),
                None => name_in_batch(&st, scope, batch.as_deref(), "person_id", &pid).await?,
            };
            Party::Staff {
                person_id: PersonId::parse(&pid)
                    .map_err(|e| bad(format!("预警 #{id} 的人员编号无效：{e}")))?,
                name: name.ok_or_else(|| {
                    bad("未找到该工作人员的姓名：请填写当事人姓名（字段 party_name）")
                })?,
            }
        }
        other => {
            return Err(bad(format!(
                "当事人（字段 party）“{other}”无效，应为 institution（评价机构）、candidate（参评人员）或 staff（工作人员）"
            )));
        }
    };
    let title = get("rule")
        .and_then(|r| domain::finding::FindingKind::from_id(&r))
        .map(|k| k.title().to_string())
        .unwrap_or_default();
    let message = mask_evidence(&get("message").unwrap_or_default());
    let new = NewCase {
        party,
        institution_id: Some(institution),
        source: Source::Findings(vec![id]),
        summary: format!("数字化监测预警 #{id} {title}：{message}"),
    };
    let case_id = st
        .store
        .open_case(scope, &who(&caller), st.now(), &new)
        .await?;
    caller
        .log(&st, "case", &format!("立案 #{case_id}（预警 #{id}）"))
        .await?;
    Ok(Redirect::to(&format!("/cases/{case_id}")).into_response())
}
