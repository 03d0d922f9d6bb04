//! 备案管理 in the browser: the registration form, changes, renewal and
//! cancellation of one institution, and its change history. The rules are
//! `domain::registration`'s, applied by `store::registry` in one transaction
//! per change; this module parses forms and says in Chinese what was refused.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::view::{Chrome, TableView, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::access::DataScope;
use domain::enums::InstitutionKind;
use domain::ids::{InstitutionId, SiteId};
use domain::registration::{
    BasicForm, BasicInfo, FormErrors, NewRegistration, NewSite, RegistrationForm,
};
use domain::{Level, OccupationCode};
use serde::Deserialize;
use store::browse::Grid;

/// A form's field errors in Chinese, one per line.
fn form_errors_zh(e: &FormErrors) -> Vec<String> {
    e.0.iter()
        .map(|f| format!("{}：{}（应为：{}）", f.field.zh(), f.problem, f.expected))
        .collect()
}

#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage {
    pub chrome: Chrome,
    pub form: RegistrationForm,
    pub errors: Vec<String>,
    pub kinds: Vec<(String, String)>,
    /// The rules of 备案 in a line ([`domain::registration::rules_zh`]).
    pub rules: String,
    /// Whether the caller may register 省本级 (a province official or the administrator).
    pub provincial_allowed: bool,
}

/// Whether `caller` registers for the province (省本级备案).
fn provincial_allowed(caller: &Caller) -> bool {
    match caller.scope() {
        DataScope::Everything => true,
        DataScope::Region(r) => r.level() == domain::region::RegionLevel::Province,
        DataScope::Institution(_) => false,
    }
}

/// `GET /institutions/new`.
pub async fn new_form(caller: Caller) -> Result<Response> {
    render(&RegisterPage {
        chrome: Chrome::new(&caller, "机构备案", "/institutions"),
        form: RegistrationForm::default(),
        errors: Vec::new(),
        kinds: crate::view::choices(
            InstitutionKind::ALL,
            InstitutionKind::code,
            InstitutionKind::zh,
        ),
        rules: domain::registration::rules_zh(),
        provincial_allowed: provincial_allowed(&caller),
    })
}

#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    pub _csrf: String,
    #[serde(flatten)]
    pub form: RegistrationForm,
}

/// `POST /institutions`: a new registration, or the form again with what to fix.
pub async fn register(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<RegisterForm>,
) -> Result<Response> {
    caller.check_csrf(&f._csrf)?;
    let again = |errors: Vec<String>| {
        render(&RegisterPage {
            chrome: Chrome::new(&caller, "机构备案", "/institutions"),
            form: f.form.clone(),
            errors,
            kinds: crate::view::choices(
                InstitutionKind::ALL,
                InstitutionKind::code,
                InstitutionKind::zh,
            ),
            rules: domain::registration::rules_zh(),
            provincial_allowed: provincial_allowed(&caller),
        })
        .map(|mut r| {
            *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            r
        })
    };
    let new = match NewRegistration::parse(&f.form) {
        Ok(n) => n,
        Err(e) => return again(form_errors_zh(&e)),
    };
    let today = st.now().date();
    match st
        .store
        .register(caller.scope(), &caller.principal().username, &new, today)
        .await
    {
        Ok(id) => {
            caller
                .log(&st, "registry", &format!("备案 {id} {}", new.name))
                .await?;
            Ok(Redirect::to(&format!("/institutions/{id}")).into_response())
        }
        Err(store::Error::Refused { reason }) => again(vec![format!("不予备案：{reason}")]),
        Err(store::Error::Forbidden(why)) => again(vec![why]),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    pub _csrf: String,
    pub action: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub occupation_code: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub site_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub reason: String,
    /// Renewal: the day the assessment was passed (第二十条 "经评估合格的").
    #[serde(default)]
    pub assessed_on: String,
}

fn occupation_level(f: &ChangeForm) -> Result<(OccupationCode, Level)> {
    let o = OccupationCode::parse(&f.occupation_code).map_err(|e| {
        Error::BadRequest(format!(
            "职业编码（字段 occupation_code）“{}”无效：{e}；应为 2022 大典编码，如 4-01-02-01",
            f.occupation_code
        ))
    })?;
    let l = Level::parse(&f.level).map_err(|_| {
        Error::BadRequest(format!(
            "等级（字段 level）“{}”无效：应为 1–5 或 五级/初级工 … 一级/高级技师",
            f.level
        ))
    })?;
    Ok((o, l))
}

/// `POST /institutions/{id}/registry`: one change of a registration.
pub async fn change(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(f): Form<ChangeForm>,
) -> Result<Response> {
    caller.check_csrf(&f._csrf)?;
    let inst =
        InstitutionId::parse(&id).map_err(|_| Error::NotFound(format!("机构 {id} 不存在")))?;
    if !st.store.institution_in_scope(caller.scope(), &id).await? {
        return Err(Error::NotFound(format!(
            "机构 {id} 不存在或不在您的管辖范围内"
        )));
    }
    let today = st.now().date();
    let by = caller.principal().username.clone();
    let scope = caller.scope();
    let s = &st.store;
    let done = match f.action.as_str() {
        "renew" => {
            let assessed_on = domain::time::parse_date(f.assessed_on.trim()).map_err(|_| {
                Error::BadRequest(format!(
                    "评估合格日期（字段 assessed_on）“{}”无效：延续备案须填写评估合格的日期，如 {today}（第二十条：经评估合格的，有效期延长{}年）",
                    f.assessed_on,
                    domain::registration::VALIDITY_YEARS
                ))
            })?;
            s.renew(scope, &by, &inst, today, assessed_on)
                .await
                .map(|d| format!("延续备案，有效期至 {d}"))
        }
        "confirm_expiry" => s
            .confirm_expiry(scope, &by, &inst, &f.reason, today)
            .await
            .map(|_| "确认到期取消备案资质".to_string()),
        "change_basic" => {
            let current = s.registration(scope, &inst, today).await?;
            let old = BasicInfo::of(&current.institution);
            let form = BasicForm {
                name: if f.name.trim().is_empty() {
                    old.name.clone()
                } else {
                    f.name.clone()
                },
                phone: if f.phone.trim().is_empty() {
                    old.phone.clone().unwrap_or_default()
                } else {
                    f.phone.clone()
                },
                employee_count: old
                    .employee_count
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            };
            let info = BasicInfo::parse(&form)
                .map_err(|e| Error::BadRequest(form_errors_zh(&e).join("；")))?;
            s.change_basic(scope, &by, &inst, &info, &f.reason, today)
                .await
                .map(|_| "变更基本信息".to_string())
        }
        "add_scope" => {
            let (o, l) = occupation_level(&f)?;
            s.add_scope(scope, &by, &inst, &[(o, l)], &f.reason, today)
                .await
                .map(|_| format!("增加备案范围 {o} {}", l.grade_name()))
        }
        "remove_scope" => {
            let (o, l) = occupation_level(&f)?;
            s.remove_scope(scope, &by, &inst, &[(o, l)], &f.reason, today)
                .await
                .map(|_| format!("减少备案范围 {o} {}", l.grade_name()))
        }
        "add_site" => {
            let site = NewSite::parse(&f.address, "")
                .map_err(|e| Error::BadRequest(form_errors_zh(&e).join("；")))?;
            s.add_site(scope, &by, &inst, &site, &f.reason, today)
                .await
                .map(|sid| format!("增加考核场所 {sid}"))
        }
        "revoke_site" => {
            let sid = SiteId::parse(f.site_id.trim()).map_err(|_| {
                Error::BadRequest(format!(
                    "场所编码（字段 site_id）“{}”无效：请填写本机构在用考核场所的编码",
                    f.site_id
                ))
            })?;
            s.revoke_site(scope, &by, &inst, &sid, &f.reason, today)
                .await
                .map(|_| format!("撤销考核场所 {sid}"))
        }
        "withdraw_proposal" => s
            .withdraw_proposal(scope, &by, &inst, &f.reason, today)
            .await
            .map(|_| "撤回拟取消".to_string()),
        "cancel" => s
            .cancel(scope, &by, &inst, &f.reason, today)
            .await
            .map(|_| "取消备案".to_string()),
        other => {
            return Err(Error::BadRequest(format!(
                "操作（字段 action）“{other}”无效：应为 renew、change_basic、add_scope、remove_scope、add_site、revoke_site、withdraw_proposal 或 cancel"
            )));
        }
    };
    let what = done?;
    caller.log(&st, "registry", &format!("{id} {what}")).await?;
    Ok(Redirect::to(&format!("/institutions/{id}#history")).into_response())
}

/// The registration history table and the standing label of an institution
/// (already known to be in scope).
pub async fn history_and_standing(
    st: &AppState,
    caller: &Caller,
    id: &str,
    today: NaiveDate,
) -> Result<(TableView, String)> {
    let Ok(inst) = InstitutionId::parse(id) else {
        return Ok((TableView::default(), String::new()));
    };
    let events = st.store.history(caller.scope(), &inst).await?;
    let standing = st.store.standing(caller.scope(), &inst, today).await?;
    let grid = Grid {
        columns: vec![
            "at",
            "username",
            "action",
            "reason",
            "old_value",
            "new_value",
        ],
        rows: events
            .iter()
            .rev()
            .map(|e| {
                vec![
                    Some(e.at.format("%Y-%m-%d %H:%M").to_string()),
                    e.by_user.clone(),
                    Some(e.action.zh().to_string()),
                    e.reason.clone(),
                    e.before.as_ref().map(|j| j.to_string()),
                    e.after.as_ref().map(|j| j.to_string()),
                ]
            })
            .collect(),
        total: events.len() as u64,
    };
    Ok((
        TableView::of(
            &grid,
            &[],
            &[("action", "变更事项"), ("username", "经办人")],
        ),
        standing.zh().to_string(),
    ))
}
