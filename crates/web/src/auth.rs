//! Who is asking: the session cookie becomes a [`Caller`] (account, role, data
//! scope, CSRF token); login and logout.
//!
//! The cookie is `HttpOnly; SameSite=Strict` and carries only a random token
//! whose SM3 hash the store keeps; idle expiry, lockout and the log of every
//! login are the store's (`store::accounts`). Every state-changing form carries
//! the session's CSRF token in `_csrf`; [`Caller::check_csrf`] compares it in
//! constant time.

use crate::AppState;
use crate::error::{Error, Result};
use crate::view::{LoginPage, render};
use axum::extract::{ConnectInfo, Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{DataScope, Permission, Role};
use serde::Deserialize;
use std::net::SocketAddr;
use store::accounts::{LoginRefusal, Principal, Session};

/// The session cookie's name.
pub const COOKIE: &str = "zhijian_session";

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
        let a = token.as_bytes();
        let b = self.session.csrf.as_bytes();
        let same = a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0;
        if same { Ok(()) } else { Err(Error::Csrf) }
    }

    /// Appends to the operation log.
    pub async fn log(&self, state: &AppState, action: &str, target: &str) -> Result<()> {
        state
            .store
            .log_operation(
                self.principal(),
                action,
                Some(target),
                self.client.as_deref(),
                state.now(),
            )
            .await?;
        Ok(())
    }
}

fn cookie_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
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

/// `GET /login`.
pub async fn login_page() -> Result<Response> {
    render(&LoginPage {
        message: None,
        username: String::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
}

/// `POST /login`: a session cookie and the home page, or the form again with why.
pub async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
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
        Ok(session) => Ok((
            [(
                "set-cookie",
                format!(
                    "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict",
                    session.token
                ),
            )],
            Redirect::to("/"),
        )
            .into_response()),
        Err(refusal) => {
            let message = match refusal {
                LoginRefusal::BadCredentials { remaining: Some(n) } if n <= 2 => {
                    format!("用户名或密码错误；再错 {n} 次账号将被锁定 15 分钟")
                }
                LoginRefusal::BadCredentials { .. } => "用户名或密码错误".to_string(),
                LoginRefusal::Locked { until } => format!(
                    "连续登录失败次数过多，账号已锁定至 {}",
                    until.format("%Y-%m-%d %H:%M")
                ),
                LoginRefusal::Disabled => "账号已停用，请联系系统管理员".to_string(),
            };
            let mut r = render(&LoginPage {
                message: Some(message),
                username: form.username,
            })?;
            *r.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            Ok(r)
        }
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
        [(
            "set-cookie",
            format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
        )],
        Redirect::to("/login"),
    )
        .into_response())
}
