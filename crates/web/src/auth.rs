//! Who is asking: the session cookie becomes a [`Caller`] (account, role, data
//! scope, CSRF token); login and logout.
//!
//! The cookie is `HttpOnly; SameSite=Strict` (and `Secure` when the platform is
//! served over HTTPS, [`crate::AppState::secure_cookies`]) and carries only a
//! random token whose SM3 hash the store keeps; idle and absolute expiry, lockout
//! and the log of every login are the store's (`store::accounts`). Every
//! state-changing form carries the session's CSRF token in `_csrf`;
//! [`Caller::check_csrf`] compares it in constant time. The login form, which has
//! no session yet, carries a token that must equal a cookie set with the form
//! (double submit).
//!
//! A refused login says only that the user name or password is wrong or the
//! account is locked: the same words for every cause, after the same work.

use crate::AppState;
use crate::error::{Error, Result};
use crate::view::{LoginPage, render};
use axum::extract::{ConnectInfo, Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{DataScope, Permission, Role};
use serde::Deserialize;
use std::net::SocketAddr;
use store::accounts::{ChangeRefusal, Principal, Session};
use store::audit::{Actor, Concerning, Entry};

/// The session cookie's name.
pub const COOKIE: &str = "zhijian_session";

/// The cookie that carries the login form's CSRF token.
pub const LOGIN_COOKIE: &str = "zhijian_login";

/// What every refused login is told.
pub const LOGIN_REFUSED: &str =
    "用户名或密码错误，或账号已被临时锁定（连续 5 次错误锁定 15 分钟），或账号已停用";

/// The logged-in account making a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub session: Session,
    /// The client's address, for the operation log.
    pub client: Option<String>,
}

impl Caller {
    pub fn principal(&self) -> &Principal {
        &self.session.principal
    }

    pub fn role(&self) -> Role {
        self.session.principal.role
    }

    /// The caller's jurisdiction: every store query takes it.
    pub fn scope(&self) -> &DataScope {
        &self.session.principal.scope
    }

    /// Refuses unless the caller's role may do `p`.
    pub fn require(&self, p: Permission) -> Result<()> {
        if self.role().may(p) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!(
                "{}账号不能进行此操作",
                self.role().zh()
            )))
        }
    }

    /// Refuses a form whose `_csrf` is not this session's token.
    pub fn check_csrf(&self, token: &str) -> Result<()> {
        if same_secret(token, &self.session.csrf) {
            Ok(())
        } else {
            Err(Error::Csrf)
        }
    }

    /// Appends to the operation log.
    pub async fn log(&self, state: &AppState, action: &str, target: &str) -> Result<()> {
        self.log_about(state, action, target, Concerning::Nothing)
            .await
    }

    /// Appends to the operation log an entry about an institution or a region
    /// (which also decides who may read it).
    pub async fn log_about(
        &self,
        state: &AppState,
        action: &str,
        target: &str,
        concerning: Concerning<'_>,
    ) -> Result<()> {
        state
            .store
            .log_entry(
                state.now(),
                &Actor::of(self.principal()),
                Entry::new(action, Some(target))
                    .client(self.client.as_deref())
                    .concerning(concerning),
            )
            .await?;
        Ok(())
    }

    /// Records a refused request (`what`: method and path, never the query, which
    /// may hold personal numbers). A failure to log is itself not the caller's
    /// refusal, so it is only reported on standard error.
    pub async fn refused(&self, state: &AppState, what: &str, status: u16) {
        let detail = format!("HTTP {status}");
        let entry = Entry::new("refused", Some(what))
            .detail(Some(&detail))
            .client(self.client.as_deref());
        if let Err(e) = state
            .store
            .log_entry(state.now(), &Actor::of(self.principal()), entry)
            .await
        {
            eprintln!("could not log a refused request ({what}): {e}");
        }
    }
}

/// Constant-time comparison of two secrets.
fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn cookie_token(parts: &Parts) -> Option<String> {
    cookie(&parts.headers, COOKIE)
}

/// A `Set-Cookie` value: `HttpOnly; SameSite=Strict`, `Secure` over HTTPS.
fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<u32>,
) -> String {
    let mut c = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict");
    if let Some(s) = max_age {
        c.push_str(&format!("; Max-Age={s}"));
    }
    if state.secure_cookies {
        c.push_str("; Secure");
    }
    c
}

/// The client's address as the operation log records it.
pub fn client_of(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// The client's address (for requests without a session: the login).
pub struct Client(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> std::result::Result<Client, Self::Rejection> {
        Ok(Client(client_of(parts)))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller> {
        // The route guard has looked the session up already.
        if let Some(c) = parts.extensions.get::<Caller>() {
            return Ok(c.clone());
        }
        let token = cookie_token(parts).ok_or(Error::Unauthenticated)?;
        let session = state
            .store
            .session(&token, state.now())
            .await?
            .ok_or(Error::Unauthenticated)?;
        Ok(Caller {
            session,
            client: client_of(parts),
        })
    }
}

/// The login form with a fresh CSRF token, and the cookie that must match it.
fn login_form(
    state: &AppState,
    message: Option<String>,
    username: String,
    status: axum::http::StatusCode,
) -> Result<Response> {
    let token = store::accounts::random_token()?;
    let mut r = render(&LoginPage {
        message,
        username,
        csrf: token.clone(),
    })?;
    *r.status_mut() = status;
    r.headers_mut().append(
        "set-cookie",
        set_cookie(state, LOGIN_COOKIE, &token, "/login", Some(600))
            .parse()
            .map_err(|_| Error::BadRequest("登录令牌无效".into()))?,
    );
    Ok(r)
}

/// `GET /login`.
pub async fn login_page(State(state): State<AppState>) -> Result<Response> {
    login_form(&state, None, String::new(), axum::http::StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub _csrf: String,
    pub username: String,
    pub password: String,
}

/// `POST /login`: a session cookie and the home page (or the password change
/// when the password was set by someone else), or the form again with one
/// message for every refusal.
pub async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    headers: axum::http::HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&form._csrf, &expected) {
        return login_form(
            &state,
            Some("登录页面已过期，请重新输入用户名和密码".into()),
            String::new(),
            axum::http::StatusCode::FORBIDDEN,
        );
    }
    let outcome = state
        .store
        .login(
            &form.username,
            &form.password,
            client.as_deref(),
            state.now(),
        )
        .await?;
    match outcome {
        Ok(session) => {
            let to = if session.principal.must_change_password {
                "/account/password"
            } else {
                "/"
            };
            let mut r = Redirect::to(to).into_response();
            let h = r.headers_mut();
            for c in [
                set_cookie(&state, COOKIE, &session.token, "/", None),
                set_cookie(&state, LOGIN_COOKIE, "", "/login", Some(0)),
            ] {
                h.append(
                    "set-cookie",
                    c.parse()
                        .map_err(|_| Error::BadRequest("会话令牌无效".into()))?,
                );
            }
            Ok(r)
        }
        Err(_) => {
            let username: String = form.username.trim().chars().take(64).collect();
            login_form(
                &state,
                Some(LOGIN_REFUSED.to_string()),
                username,
                axum::http::StatusCode::UNAUTHORIZED,
            )
        }
    }
}

/// The password change page.
#[derive(askama::Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub chrome: crate::view::Chrome,
    pub forced: bool,
    pub message: Option<String>,
    pub rule: &'static str,
}

/// `GET /account/password`: change one's own password (required first when it
/// was set by someone else).
pub async fn password_page(caller: Caller) -> Result<Response> {
    render(&PasswordPage {
        chrome: crate::view::Chrome::new(&caller, "修改密码", ""),
        forced: caller.principal().must_change_password,
        message: None,
        rule: domain::access::PASSWORD_RULE,
    })
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub _csrf: String,
    pub old: String,
    pub new: String,
    pub confirm: String,
}

/// `POST /account/password`: every session of the account ends; log in again.
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    Form(f): Form<PasswordForm>,
) -> Result<Response> {
    caller.check_csrf(&f._csrf)?;
    let again = |message: String| {
        let mut r = render(&PasswordPage {
            chrome: crate::view::Chrome::new(&caller, "修改密码", ""),
            forced: caller.principal().must_change_password,
            message: Some(message),
            rule: domain::access::PASSWORD_RULE,
        })?;
        *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
        Ok(r)
    };
    if f.new != f.confirm {
        return again("两次输入的新密码不一致".into());
    }
    match state
        .store
        .change_password(
            caller.principal(),
            &f.old,
            &f.new,
            caller.client.as_deref(),
            state.now(),
        )
        .await?
    {
        Ok(()) => {
            let mut r = login_form(
                &state,
                Some("密码已修改，所有登录已退出，请用新密码重新登录".into()),
                caller.principal().username.clone(),
                axum::http::StatusCode::OK,
            )?;
            r.headers_mut().append(
                "set-cookie",
                set_cookie(&state, COOKIE, "", "/", Some(0))
                    .parse()
                    .map_err(|_| Error::BadRequest("会话令牌无效".into()))?,
            );
            Ok(r)
        }
        Err(ChangeRefusal::WrongPassword) => again("原密码不正确".into()),
        Err(ChangeRefusal::Weak(p)) => again(p.to_string()),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub _csrf: String,
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<CsrfOnly>,
) -> Result<Response> {
    caller.check_csrf(&form._csrf)?;
    state
        .store
        .logout(&caller.session, caller.client.as_deref(), state.now())
        .await?;
    Ok((
        [("set-cookie", set_cookie(&state, COOKIE, "", "/", Some(0)))],
        Redirect::to("/login"),
    )
        .into_response())
}
