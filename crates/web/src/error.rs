//! The one error type of the web crate, and how each becomes a response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What a request could not do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Not logged in (or the session expired): back to the login page.
    #[error("请先登录")]
    Unauthenticated,
    /// The role may not do this at all.
    #[error("无权访问：{0}")]
    Forbidden(String),
    /// The thing does not exist, or lies outside the caller's jurisdiction
    /// (the two are not told apart).
    #[error("未找到：{0}")]
    NotFound(String),
    /// The request itself is wrong (a form field, a parameter): the message
    /// says which field and what would be valid.
    #[error("{0}")]
    BadRequest(String),
    /// The form's CSRF token is missing or not this session's.
    #[error("表单已过期或来源不明，请刷新页面后重试")]
    Csrf,
    #[error("数据库错误：{0}")]
    Store(#[from] store::Error),
    #[error("页面渲染失败：{0}")]
    Render(#[from] askama::Error),
    #[error("导出失败：{0}")]
    Export(String),
}

/// The crate's result.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    fn status(&self) -> StatusCode {
        match self {
            Error::Unauthenticated => StatusCode::SEE_OTHER,
            Error::Forbidden(_) | Error::Csrf => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Store(store::Error::Forbidden(_)) => StatusCode::FORBIDDEN,
            Error::Store(store::Error::Busy) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Store(_) | Error::Render(_) | Error::Export(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Unauthenticated = self {
            return (
                StatusCode::SEE_OTHER,
                [("location", "/login"), ("hx-redirect", "/login")],
            )
                .into_response();
        }
        let status = self.status();
        let page = crate::view::ErrorPage {
            status: status.as_u16(),
            message: self.to_string(),
        };
        let body = askama::Template::render(&page).unwrap_or_else(|_| self.to_string());
        (status, [("content-type", "text/html; charset=utf-8")], body).into_response()
    }
}
