//! 系统管理: accounts (created within one's own scope), 行政区划 (region names),
//! the rulebook in force, and the operation log.

use super::{Params, is_export, paging};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::export;
use crate::view::{Chrome, ListPage, Pager, TableView, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::RegionCode;
use domain::access::{Permission, Role};
use domain::ids::InstitutionId;
use domain::rulebook::Rulebook;
use serde::Deserialize;
use store::accounts::NewAccount;
use store::browse::Grid;

#[derive(Template)]
#[template(path = "accounts.html")]
pub struct AccountsPage {
    pub chrome: Chrome,
    pub table: TableView,
    pub pager: Pager,
    /// The roles the caller may create: (code, label).
    pub roles: Vec<(String, String)>,
    /// The regions in the caller's jurisdiction: (code, "code name").
    pub regions: Vec<(String, String)>,
    pub message: Option<(bool, String)>,
    /// The account id of each row (for 重置密码).
    pub ids: Vec<String>,
}

/// The regions a caller may anchor accounts at: named regions in their scope.
async fn regions_in_scope(st: &AppState, caller: &Caller) -> Result<Vec<(String, String)>> {
    Ok(st
        .store
        .regions()
        .await?
        .into_iter()
        .filter(|(c, _)| match caller.scope() {
            domain::access::DataScope::Everything => true,
            domain::access::DataScope::Region(r) => {
                RegionCode::parse(c).is_ok_and(|rc| r.contains(&rc))
            }
            domain::access::DataScope::Institution(_) => false,
        })
        .map(|(c, n)| (c.clone(), format!("{c} {n}")))
        .collect())
}

/// The roles `caller` may create accounts of (domain::access::may_manage, with
/// the caller's own region standing for "somewhere in scope").
fn creatable_roles(caller: &Caller) -> Vec<(String, String)> {
    let own = match caller.scope() {
        domain::access::DataScope::Region(r) => Some(*r),
        _ => None,
    };
    Role::ALL
        .iter()
        .filter(|t| domain::access::may_manage(caller.role(), caller.scope(), **t, own.as_ref()))
        .map(|r| (r.code().to_string(), r.zh().to_string()))
        .collect()
}

async fn accounts_page(
    st: &AppState,
    caller: &Caller,
    q: &Params,
    message: Option<(bool, String)>,
) -> Result<Response> {
    let p = paging(q);
    let grid = st.store.managed_accounts(caller.principal(), p).await?;
    let table = TableView::of(
        &grid,
        &["account_id"],
        &[("must_change_password", "待改密码")],
    );
    if is_export(q) {
        caller.log(st, "export", "账号列表").await?;
        return export::xlsx("账号列表", &table);
    }
    let mut r = render(&AccountsPage {
        chrome: Chrome::new(caller, "账号管理", "/system/accounts"),
        table,
        pager: Pager::new("/system/accounts", q, p, grid.total),
        roles: creatable_roles(caller),
        regions: regions_in_scope(st, caller).await?,
        message: message.clone(),
        ids: (0..grid.rows.len())
            .map(|i| grid.get(i, "account_id").unwrap_or_default().to_string())
            .collect(),
    })?;
    if matches!(message, Some((false, _))) {
        *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(r)
}

/// `GET /system/accounts`: the accounts the caller manages (strictly below
/// them, in their jurisdiction).
pub async fn accounts(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response> {
    accounts_page(&st, &caller, &q, None).await
}

#[derive(Debug, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    pub _csrf: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub institution_id: String,
    pub password: String,
}

/// `POST /system/accounts`: creates an account the caller may manage. The initial
/// password is typed by the creator, so the account must change it at its first
/// login.
pub async fn create_account(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<AccountForm>,
) -> Result<Response> {
    caller.check_csrf(&f._csrf)?;
    let fail = |m: String| Some((false, m));
    let Ok(role) = Role::parse(&f.role) else {
        return accounts_page(&st, &caller, &Vec::new(), fail("请选择角色".into())).await;
    };
    let region = match f.region_code.trim() {
        "" => None,
        r => match RegionCode::parse(r) {
            Ok(c) => Some(c),
            Err(_) => {
                return accounts_page(
                    &st,
                    &caller,
                    &Vec::new(),
                    fail(format!("所属地区“{r}”不是 6 位行政区划代码")),
                )
                .await;
            }
        },
    };
    let institution = match f.institution_id.trim() {
        "" => None,
        i => match InstitutionId::parse(i) {
            Ok(c) => Some(c),
            Err(_) => {
                return accounts_page(
                    &st,
                    &caller,
                    &Vec::new(),
                    fail(format!("所属机构编码“{i}”无效")),
                )
                .await;
            }
        },
    };
    let new = NewAccount {
        username: f.username.trim().to_string(),
        display_name: f.display_name.trim().to_string(),
        role,
        region,
        institution,
        password: f.password.clone(),
    };
    match st
        .store
        .create_account(Some(caller.principal()), &new, st.now())
        .await
    {
        Ok(_) => {
            accounts_page(
                &st,
                &caller,
                &Vec::new(),
                Some((
                    true,
                    format!(
                        "已创建账号 {}（{}），首次登录须修改初始密码",
                        new.username,
                        role.zh()
                    ),
                )),
            )
            .await
        }
        Err(store::Error::Account(m)) | Err(store::Error::Forbidden(m)) => {
            accounts_page(&st, &caller, &Vec::new(), fail(format!("未创建：{m}"))).await
        }
        Err(e) => Err(Error::Store(e)),
    }
}

/// `POST /system/accounts/{id}/reset`: a new random password, shown in this
/// response only (it is kept nowhere in clear), which the account must change at
/// its next login; the lock is lifted and the account's sessions end. Only for
/// accounts the caller manages.
pub async fn reset_password(
    State(st): State<AppState>,
    caller: Caller,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(f): Form<crate::auth::CsrfOnly>,
) -> Result<Response> {
    caller.check_csrf(&f._csrf)?;
    let (username, password) = st
        .store
        .reset_password(caller.principal(), id, caller.client.as_deref(), st.now())
        .await?
        .ok_or_else(|| Error::NotFound("账号不存在或不由您管理".into()))?;
    accounts_page(
        &st,
        &caller,
        &Vec::new(),
        Some((
            true,
            format!(
                "已重置 {username} 的密码并解除锁定，临时密码：{password}（仅此一次显示，请当面告知本人；本人首次登录须修改）"
            ),
        )),
    )
    .await
}

#[derive(Template)]
#[template(path = "regions.html")]
pub struct RegionsPage {
    pub chrome: Chrome,
    pub table: TableView,
    pub can_edit: bool,
}

/// `GET /system/regions`: region names with the institutions registered in each.
pub async fn regions(State(st): State<AppState>, caller: Caller) -> Result<Response> {
    let names = st.store.regions().await?;
    let counts = st.store.institutions_per_region(caller.scope()).await?;
    let mut codes: std::collections::BTreeMap<String, (Option<String>, u64)> =
        std::collections::BTreeMap::new();
    for (c, n) in &names {
        let in_scope = match caller.scope() {
            domain::access::DataScope::Region(r) => {
                RegionCode::parse(c).is_ok_and(|rc| r.contains(&rc) || rc.contains(r))
            }
            _ => true,
        };
        if in_scope {
            codes.entry(c.clone()).or_default().0 = Some(n.clone());
        }
    }
    for (c, n) in &counts {
        codes.entry(c.clone()).or_default().1 = *n;
    }
    let grid = Grid {
        columns: vec!["region_code", "region_name", "institution_count"],
        rows: codes
            .iter()
            .map(|(c, (n, k))| vec![Some(c.clone()), n.clone(), Some(k.to_string())])
            .collect(),
        total: codes.len() as u64,
    };
    render(&RegionsPage {
        chrome: Chrome::new(&caller, "行政区划", "/system/regions"),
        table: TableView::of(&grid, &[], &[("institution_count", "备案机构数")]),
        can_edit: caller.role().may(Permission::ManageReferenceData),
    })
}

#[derive(Debug, Deserialize)]
pub struct RegionsForm {
    #[serde(default)]
    pub _csrf: String,
    /// One region per line: code and name.
    pub lines: String,
}

/// `POST /system/regions`: adds or renames regions ("420100 武汉市", one per line).
pub async fn set_regions(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<RegionsForm>,
) -> Result<Response> {
    caller.check_csrf(&f._csrf)?;
    let mut regions = Vec::new();
    for (i, line) in f
        .lines
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let (code, name) = line
            .trim()
            .split_once(|c: char| c.is_whitespace() || c == ',')
            .ok_or_else(|| {
                Error::BadRequest(format!(
                    "第 {} 行“{line}”：应为“代码 名称”，如 420100 武汉市",
                    i + 1
                ))
            })?;
        let code = RegionCode::parse(code.trim()).map_err(|e| {
            Error::BadRequest(format!("第 {} 行：地区代码“{code}”无效：{e}", i + 1))
        })?;
        regions.push((code, name.trim().to_string()));
    }
    st.store.set_regions(&regions).await?;
    caller
        .log(&st, "set_regions", &format!("{} 个地区", regions.len()))
        .await?;
    Ok(Redirect::to("/system/regions").into_response())
}

#[derive(Template)]
#[template(path = "rulebook.html")]
pub struct RulebookPage {
    pub chrome: Chrome,
    pub title: String,
    /// (name, Chinese title) of every rulebook.
    pub names: Vec<(String, String)>,
    pub current: String,
    /// The rulebook's parameters: (what, basis, sentence or reason).
    pub notes: Vec<(String, String, String)>,
    pub table: TableView,
}

/// `GET /system/rulebook?name=…`: every rule with its guide item, severity,
/// disposition and legal basis under a rulebook (the latest run's by default).
pub async fn rulebook(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response> {
    let name = match super::param(&q, "name") {
        Some(n) => n,
        None => st
            .store
            .latest_rulebook()
            .await?
            .unwrap_or_else(|| "national".into()),
    };
    let book = Rulebook::builtin(&name)
        .map_err(|e| Error::BadRequest(format!("规则手册“{name}”不存在：{e}")))?;
    let grid = Grid {
        columns: vec![
            "rule",
            "item",
            "severity",
            "disposition",
            "basis",
            "source_kind",
            "text",
        ],
        rows: book
            .entries()
            .map(|e| {
                vec![
                    Some(e.kind.id().to_string()),
                    Some(e.item.to_string()),
                    Some(e.severity.code().to_string()),
                    Some(e.disposition.code().to_string()),
                    Some(e.basis.clone()),
                    Some(source_kind(&e.source).to_string()),
                    Some(source_text(&e.source)),
                ]
            })
            .collect(),
        total: 0,
    };
    let notes: Vec<(String, String, String)> = book
        .parameters()
        .into_iter()
        .map(|p| {
            let basis = match p.basis.as_str() {
                "" => source_kind(&p.source).to_string(),
                b => format!("{}：{b}", source_kind(&p.source)),
            };
            (p.what, basis, source_text(&p.source))
        })
        .collect();
    render(&RulebookPage {
        chrome: Chrome::new(&caller, "规则手册", "/system/rulebook"),
        title: book.title.clone(),
        names: Rulebook::names()
            .into_iter()
            .map(|n| {
                let title = Rulebook::builtin(n).map_or_else(|_| n.to_string(), |b| b.title);
                (n.to_string(), title)
            })
            .collect(),
        current: name,
        notes,
        table: TableView::of(
            &grid,
            &[],
            &[
                ("basis", "法律依据"),
                ("source_kind", "依据性质"),
                ("text", "条文原文或默认理由"),
            ],
        ),
    })
}

/// 文件条文 or 平台默认, for the rulebook page.
fn source_kind(source: &domain::rulebook::Source) -> &'static str {
    if source.is_platform_default() {
        "平台默认"
    } else {
        "文件条文"
    }
}

/// The quotation, or the reason of a platform default.
fn source_text(source: &domain::rulebook::Source) -> String {
    match source {
        domain::rulebook::Source::Quote(q) => format!("「{q}」"),
        domain::rulebook::Source::PlatformDefault(why) => format!("文件未规定：{why}"),
    }
}

/// `GET /system/log`: the operation log of the caller's jurisdiction (the
/// administrator's: all of it), filtered by user, action and date.
pub async fn log(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response> {
    let p = paging(&q);
    let filter = store::audit::LogFilter {
        username: super::param(&q, "username"),
        action: super::param(&q, "action"),
        from: super::date_param(&q, "from", "起始日期")?,
        to: super::date_param(&q, "to", "截止日期")?,
    };
    let grid = st
        .store
        .operation_log_grid(caller.scope(), &filter, p)
        .await?;
    let table = TableView::of(
        &grid,
        &["log_id"],
        &[
            ("object_region", "对象地区"),
            ("actor_region", "操作人地区"),
        ],
    );
    if is_export(&q) {
        caller.log(&st, "export", "操作日志").await?;
        return export::xlsx("操作日志", &table);
    }
    let actions = crate::view::LOG_ACTIONS
        .iter()
        .map(|(code, zh)| (code.to_string(), zh.to_string()))
        .collect();
    render(&ListPage {
        chrome: Chrome::new(&caller, "操作日志", "/system/log"),
        action: "/system/log".into(),
        filters: vec![
            crate::view::FilterField::text("username", "用户名", &filter.username),
            crate::view::FilterField::select("action", "操作", &filter.action, actions),
            crate::view::FilterField::date("from", "起始日期", &super::param(&q, "from")),
            crate::view::FilterField::date("to", "截止日期", &super::param(&q, "to")),
        ],
        pager: Pager::new("/system/log", &q, p, grid.total),
        table,
        buttons: Vec::new(),
        note: Some(
            "登录、登录失败、写操作、导出、查看完整身份证号和被拒绝的访问均记入日志；日志只增不改，按操作人和操作对象所在地区确定查阅范围"
                .into(),
        ),
    })
}
