//! Every route with the permission it needs: [`ROUTES`] is the one table of who
//! may reach what (with [`domain::access::Role::may`]); the router is built from
//! it, the menu is filtered by it, and the route × role test walks it.
//!
//! A guarded route first turns the session cookie into a [`Caller`] and checks
//! the role; the handler then gets the same `Caller` from the request (no second
//! lookup) and passes its data scope to the store, which alone applies it.

use crate::AppState;
use crate::auth::{self, Caller};
use crate::error::Error;
use crate::pages;
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use domain::access::{Permission, Role};

/// The left menu: (label, path); an entry shows if the role may `GET` its path.
pub const MENU: &[(&str, &str)] = &[
    ("首页", "/"),
    ("机构管理", "/institutions"),
    ("考务监测", "/activities"),
    ("预警中心", "/findings"),
    ("风险清单", "/risk"),
    ("案件办理", "/cases"),
    ("数据导入", "/imports"),
    ("证书查询", "/certificates"),
    ("账号管理", "/system/accounts"),
    ("行政区划", "/system/regions"),
    ("规则手册", "/system/rulebook"),
    ("工作日历", "/system/calendar"),
    ("操作日志", "/system/log"),
];

/// The largest request body: a province's activities for a month as a workbook.
pub const UPLOAD_LIMIT: usize = 256 * 1024 * 1024;

macro_rules! routes {
    ($( $method:ident $path:literal $perm:expr => $handler:expr ;)*) => {
        /// (method, path, permission; `None` for public routes).
        pub const ROUTES: &[(&str, &str, Option<Permission>)] = &[
            $( (stringify!($method), $path, $perm) ),*
        ];

        /// The platform's router.
        pub fn router(state: AppState) -> Router {
            let mut r = Router::new();
            $(
                r = r.route(
                    $path,
                    axum::routing::$method($handler).route_layer(
                        axum::middleware::from_fn_with_state((state.clone(), $perm), guard),
                    ),
                );
            )*
            // Uploads (datasets, evidence files) may be large; bodies are read only
            // by handlers, after the guard has checked the session.
            r.layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)).with_state(state)
        }
    };
}

use Permission::*;

routes! {
    get "/login" None => auth::login_page;
    post "/login" None => auth::login;
    get "/assets/{*path}" None => crate::assets::asset;
    post "/logout" Some(Browse) => auth::logout;
    get "/" Some(Browse) => pages::home::home;
    get "/institutions" Some(Browse) => pages::institutions::list;
    get "/institutions/new" Some(ManageRegistry) => pages::registry::new_form;
    post "/institutions" Some(ManageRegistry) => pages::registry::register;
    get "/institutions/{id}" Some(Browse) => pages::institutions::detail;
    post "/institutions/{id}/registry" Some(ManageRegistry) => pages::registry::change;
    get "/activities" Some(Browse) => pages::activities::list;
    get "/activities/{id}" Some(Browse) => pages::activities::detail;
    get "/findings" Some(ViewFindings) => pages::findings::list;
    get "/findings/{id}" Some(ViewFindings) => pages::findings::detail;
    post "/findings/{id}/mark" Some(MarkFindings) => pages::findings::mark;
    post "/findings/{id}/case" Some(HandleCases) => pages::cases::open_from_finding;
    get "/risk" Some(ViewFindings) => pages::risk::list;
    get "/cases" Some(ViewCases) => pages::cases::list;
    get "/cases/new" Some(HandleCases) => pages::cases::new_form;
    post "/cases" Some(HandleCases) => pages::cases::open;
    get "/cases/{id}" Some(ViewCases) => pages::cases::detail;
    post "/cases/{id}/actions" Some(HandleCases) => pages::cases::act;
    post "/cases/{id}/answer" Some(AnswerCases) => pages::cases::answer;
    post "/cases/{id}/attachments" Some(HandleCases) => pages::cases::attach;
    get "/cases/{id}/attachments/{file}" Some(ViewCaseFiles) => pages::cases::attachment;
    get "/cases/{id}/documents/{doc}" Some(ViewCases) => pages::cases::document;
    get "/imports" Some(Import) => pages::imports::page;
    post "/imports" Some(Import) => pages::imports::upload;
    get "/imports/templates/{name}" Some(Import) => pages::imports::template;
    get "/certificates" Some(LookupCertificates) => pages::certificates::lookup;
    post "/certificates/reveal" Some(LookupCertificates) => pages::certificates::reveal;
    get "/system/accounts" Some(ManageAccounts) => pages::system::accounts;
    post "/system/accounts" Some(ManageAccounts) => pages::system::create_account;
    post "/system/accounts/{id}/reset" Some(ManageAccounts) => pages::system::reset_password;
    get "/system/regions" Some(Browse) => pages::system::regions;
    post "/system/regions" Some(ManageReferenceData) => pages::system::set_regions;
    get "/system/rulebook" Some(Browse) => pages::system::rulebook;
    get "/system/calendar" Some(Browse) => pages::calendar::page;
    post "/system/calendar" Some(ManageReferenceData) => pages::calendar::import;
    get "/system/log" Some(ViewOperationLog) => pages::system::log;
}

/// Checks the route's permission before its handler runs.
async fn guard(
    State((state, perm)): State<(AppState, Option<Permission>)>,
    request: Request,
    next: Next,
) -> Result<Response, Error> {
    let Some(perm) = perm else {
        return Ok(next.run(request).await);
    };
    let (mut parts, body) = request.into_parts();
    let caller = <Caller as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut parts, &state,
    )
    .await?;
    caller.require(perm)?;
    parts.extensions.insert(caller);
    Ok(next.run(Request::from_parts(parts, body)).await)
}

/// Whether `role` may `GET` `path` (an exact route path): for the menu.
pub fn path_allowed(role: Role, path: &str) -> bool {
    ROUTES
        .iter()
        .find(|(m, p, _)| *m == "get" && *p == path)
        .is_some_and(|(_, _, perm)| perm.is_none_or(|p| role.may(p)))
}
