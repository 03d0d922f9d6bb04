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
use axum::response::{IntoResponse, Response};
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

/// How large a request's body may be, per route: bodies are read only by
/// handlers, after the guard has checked the session and the role, so a large
/// body is accepted only from an account that may send one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// The login form: a user name and a password (4 KiB).
    Login,
    /// An ordinary form (256 KiB: a case's statement or decision text is long).
    Form,
    /// A file upload: a dataset or an evidence file ([`UPLOAD_LIMIT`]).
    Upload,
}

impl BodyLimit {
    /// The limit in bytes.
    pub fn bytes(self) -> usize {
        match self {
            BodyLimit::Login => 4 * 1024,
            BodyLimit::Form => 256 * 1024,
            BodyLimit::Upload => UPLOAD_LIMIT,
        }
    }
}

macro_rules! routes {
    ($( $method:ident $path:literal $perm:expr, $limit:ident => $handler:expr ;)*) => {
        /// (method, path, permission; `None` for public routes).
        pub const ROUTES: &[(&str, &str, Option<Permission>)] = &[
            $( (stringify!($method), $path, $perm) ),*
        ];

        /// (method, path, body limit) of every route.
        pub const BODY_LIMITS: &[(&str, &str, BodyLimit)] = &[
            $( (stringify!($method), $path, BodyLimit::$limit) ),*
        ];

        /// The platform's router.
        pub fn router(state: AppState) -> Router {
            let mut r = Router::new();
            $(
                r = r.route(
                    $path,
                    axum::routing::$method($handler)
                        .layer(axum::extract::DefaultBodyLimit::max(BodyLimit::$limit.bytes()))
                        .route_layer(
                            axum::middleware::from_fn_with_state((state.clone(), $perm), guard),
                        ),
                );
            )*
            crate::telemetry::layers(
                r.layer(axum::middleware::from_fn(crate::telemetry::internal_errors))
                    .layer(axum::middleware::from_fn(crate::security::harden))
                    .with_state(state),
            )
        }
    };
}

use Permission::*;

routes! {
    get "/login" None, Login => auth::login_page;
    post "/login" None, Login => auth::login;
    get "/assets/{*path}" None, Login => crate::assets::asset;
    get "/favicon.ico" None, Login => crate::assets::favicon;
    post "/logout" Some(Browse), Form => auth::logout;
    get "/account/password" Some(OwnAccount), Form => auth::password_page;
    post "/account/password" Some(OwnAccount), Form => auth::change_password;
    get "/" Some(Browse), Form => pages::home::home;
    get "/institutions" Some(Browse), Form => pages::institutions::list;
    get "/institutions/new" Some(ManageRegistry), Form => pages::registry::new_form;
    post "/institutions" Some(ManageRegistry), Form => pages::registry::register;
    get "/institutions/{id}" Some(Browse), Form => pages::institutions::detail;
    post "/institutions/{id}/registry" Some(ManageRegistry), Form => pages::registry::change;
    get "/activities" Some(Browse), Form => pages::activities::list;
    get "/activities/{id}" Some(Browse), Form => pages::activities::detail;
    get "/findings" Some(ViewFindings), Form => pages::findings::list;
    get "/findings/{id}" Some(ViewFindings), Form => pages::findings::detail;
    post "/findings/{id}/mark" Some(MarkFindings), Form => pages::findings::mark;
    post "/findings/{id}/case" Some(HandleCases), Form => pages::cases::open_from_finding;
    get "/risk" Some(ViewFindings), Form => pages::risk::list;
    get "/cases" Some(ViewCases), Form => pages::cases::list;
    get "/cases/new" Some(HandleCases), Form => pages::cases::new_form;
    post "/cases" Some(HandleCases), Form => pages::cases::open;
    get "/cases/{id}" Some(ViewCases), Form => pages::cases::detail;
    post "/cases/{id}/actions" Some(HandleCases), Form => pages::cases::act;
    post "/cases/{id}/answer" Some(AnswerCases), Form => pages::cases::answer;
    post "/cases/{id}/attachments" Some(HandleCases), Upload => pages::cases::attach;
    get "/cases/{id}/attachments/{file}" Some(ViewCaseFiles), Form => pages::cases::attachment;
    get "/cases/{id}/documents/{doc}" Some(ViewCases), Form => pages::cases::document;
    get "/imports" Some(Import), Form => pages::imports::page;
    post "/imports" Some(Import), Upload => pages::imports::upload;
    get "/imports/templates/{name}" Some(Import), Form => pages::imports::template;
    get "/certificates" Some(LookupCertificates), Form => pages::certificates::lookup;
    post "/certificates" Some(LookupCertificates), Form => pages::certificates::search;
    post "/certificates/reveal" Some(LookupCertificates), Form => pages::certificates::reveal;
    get "/system/accounts" Some(ManageAccounts), Form => pages::system::accounts;
    post "/system/accounts" Some(ManageAccounts), Form => pages::system::create_account;
    post "/system/accounts/{id}/reset" Some(ManageAccounts), Form => pages::system::reset_password;
    get "/system/regions" Some(Browse), Form => pages::system::regions;
    post "/system/regions" Some(ManageReferenceData), Form => pages::system::set_regions;
    get "/system/rulebook" Some(Browse), Form => pages::system::rulebook;
    get "/system/calendar" Some(Browse), Form => pages::calendar::page;
    post "/system/calendar" Some(ManageReferenceData), Form => pages::calendar::import;
    get "/system/log" Some(ViewOperationLog), Form => pages::system::log;
}

/// Checks the route's permission before its handler runs (and before any body
/// is read); sends an account whose password was set by someone else to change it
/// first; writes every refusal (403, and 404 — an object that does not exist or
/// lies outside the caller's jurisdiction) to the operation log.
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
    let what = format!("{} {}", parts.method, parts.uri.path());
    if caller.principal().must_change_password
        && perm != OwnAccount
        && parts.uri.path() != "/logout"
    {
        return Ok(axum::response::Redirect::to("/account/password").into_response());
    }
    if let Err(e) = caller.require(perm) {
        caller.refused(&state, &what, 403).await;
        return Err(e);
    }
    parts.extensions.insert(caller.clone());
    let response = next.run(Request::from_parts(parts, body)).await;
    let status = response.status().as_u16();
    if status == 403 || status == 404 {
        caller.refused(&state, &what, status).await;
    }
    Ok(response)
}

/// Whether `role` may `GET` `path` (an exact route path): for the menu.
pub fn path_allowed(role: Role, path: &str) -> bool {
    ROUTES
        .iter()
        .find(|(m, p, _)| *m == "get" && *p == path)
        .is_some_and(|(_, _, perm)| perm.is_none_or(|p| role.may(p)))
}
