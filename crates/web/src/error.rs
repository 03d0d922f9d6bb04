//! The one error type of the web crate, and how each becomes a response.
//!
//! Store and domain errors become pages in one place, [`Error::of_store`]: a
//! missing or out-of-scope object is 404, a role that may not is 403, a refusal
//! of the rules is 400 (the input), 409 (the state, a deadline, a conflict with
//! what is recorded) or 403 (a move of the other side), by its
//! [`domain::workflow::RefusalKind`] — never by reading its text — and shows the
//! refusal's own Chinese text.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::workflow::{Refusal, RefusalKind};

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
    /// Not possible now: the subject's state, a deadline, or what is recorded
    /// stands against it (the message says which rule).
    #[error("{0}")]
    Conflict(String),
    /// The request body is past its route's limit (413): the message names the
    /// limit and what to do.
    #[error("{0}")]
    TooLarge(String),
    /// The form's CSRF token is missing or not this session's.
    #[error("表单已过期或来源不明，请刷新页面后重试")]
    Csrf,
    #[error("数据库错误：{0}")]
    Store(store::Error),
    #[error("页面渲染失败：{0}")]
    Render(#[from] askama::Error),
    #[error("导出失败：{0}")]
    Export(String),
}

/// The crate's result.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A refusal of a workflow's rules as a page: its text, its status by kind.
    pub fn refused(r: &dyn Refusal) -> Error {
        let text = format!("不予办理：{r}");
        match r.kind() {
            RefusalKind::NotAllowed => Error::Forbidden(text),
            RefusalKind::Invalid => Error::BadRequest(text),
            RefusalKind::NotPossible | RefusalKind::Conflict => Error::Conflict(text),
        }
    }

    /// A store error as a page (the one mapping; see the module doc).
    pub fn of_store(e: store::Error) -> Error {
        use store::Error as S;
        match e {
            S::NoSuchCase(id) => Error::NotFound(format!("案件 #{id} 不存在或不在您的管辖范围内")),
            S::NoSuchInstitution(id) => {
                Error::NotFound(format!("机构 {id} 不存在或不在您的管辖范围内"))
            }
            S::NoSuchFinding(id) => {
                Error::NotFound(format!("预警 #{id} 不存在或不在您的管辖范围内"))
            }
            S::Forbidden(m) => Error::Forbidden(m),
            S::CaseRefused { reason } => Error::refused(&reason),
            S::Refused { reason } => Error::refused(&reason),
            S::InvalidMark(m) | S::Account(m) => Error::BadRequest(m),
            other => Error::Store(other),
        }
    }

    /// The status the page answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Unauthenticated => StatusCode::SEE_OTHER,
            Error::Forbidden(_) | Error::Csrf => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Store(store::Error::Busy) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Store(_) | Error::Render(_) | Error::Export(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// Whether the page the request came from should be shown again with the
    /// message (a form's input, or a refusal of the rules), rather than an error
    /// page.
    pub fn is_refusal(&self) -> bool {
        matches!(self, Error::BadRequest(_) | Error::Conflict(_))
    }
}

impl From<store::Error> for Error {
    fn from(e: store::Error) -> Error {
        Error::of_store(e)
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
        // An internal error's cause (database text, a file) is logged in the
        // request's span, never shown: the page quotes the request id instead
        // (crate::telemetry).
        let internal = status == StatusCode::INTERNAL_SERVER_ERROR;
        let message = if internal {
            tracing::error!(cause = %self, "internal error");
            crate::telemetry::internal_message("")
        } else {
            self.to_string()
        };
        let page = crate::view::ErrorPage {
            status: status.as_u16(),
            message,
        };
        let body = askama::Template::render(&page).unwrap_or_else(|_| page.message.clone());
        let mut response =
            (status, [("content-type", "text/html; charset=utf-8")], body).into_response();
        if internal {
            response
                .extensions_mut()
                .insert(crate::telemetry::InternalError);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::case::CaseRefusal;

    #[test]
    fn store_errors_map_to_statuses_by_kind_not_text() {
        let s = |e: store::Error| Error::of_store(e).status();
        assert_eq!(s(store::Error::NoSuchCase(3)), StatusCode::NOT_FOUND);
        assert_eq!(
            s(store::Error::Forbidden("x".into())),
            StatusCode::FORBIDDEN
        );
        let refused = |reason| store::Error::CaseRefused { reason };
        assert_eq!(s(refused(CaseRefusal::NoSanction)), StatusCode::BAD_REQUEST);
        assert_eq!(s(refused(CaseRefusal::NotServed)), StatusCode::CONFLICT);
        assert_eq!(
            s(refused(CaseRefusal::AlreadyAssigned {
                investigator: "li".into()
            })),
            StatusCode::CONFLICT
        );
        assert_eq!(s(refused(CaseRefusal::NoIssuer)), StatusCode::FORBIDDEN);
        let late = Error::of_store(refused(CaseRefusal::ReviewWindowOpen {
            last_day: domain::time::parse_date("2025-10-23").unwrap(),
            basis: domain::case::Procedure::hubei().review_basis.cite(),
        }));
        assert!(late.is_refusal());
        assert!(late.to_string().contains("2025-10-23") && late.to_string().contains("第十九条"));
        let reg = store::Error::Refused {
            reason: domain::registration::Refusal::ReasonRequired,
        };
        assert_eq!(s(reg), StatusCode::BAD_REQUEST);
    }
}
