//! Telemetry: every request gets an id (`X-Request-Id`, kept when a proxy set one),
//! answered in the response and carried by a `tracing` span with the method and
//! path (never the query: it may hold what a person searched for); each response
//! is logged with its status and latency. A 500 logs its cause in that span and
//! shows the person only the id to quote, never database text.

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The header that carries a request's id.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Marks a response as an internal error whose cause has been logged: the page
/// shown is replaced by one that quotes the request id.
#[derive(Debug, Clone, Copy)]
pub struct InternalError;

/// Request ids `{start}-{n}`: the process's start time (so ids differ across
/// restarts) and a counter.
#[derive(Debug, Clone)]
pub struct Sequential {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl Default for Sequential {
    fn default() -> Self {
        let started = chrono::Local::now().format("%y%m%d%H%M%S").to_string();
        Sequential {
            prefix: started.into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for Sequential {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:06}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// The id of a request (set by [`layers`]).
pub fn request_id(headers: &axum::http::HeaderMap) -> &str {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Wraps the platform's router: ids, spans and response logs (the 500 pages are
/// [`internal_errors`], inside the security headers).
pub fn layers(router: Router) -> Router {
    router
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|r: &axum::http::Request<Body>| {
                    tracing::info_span!(
                        "request",
                        id = request_id(r.headers()),
                        method = %r.method(),
                        path = r.uri().path(),
                    )
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                .on_failure(DefaultOnFailure::new().level(Level::ERROR)),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, Sequential::default()))
}

/// Replaces the page of an [`InternalError`] by one that quotes the request id.
pub async fn internal_errors(request: Request, next: Next) -> Response {
    let id = request_id(request.headers()).to_string();
    let response = next.run(request).await;
    if response.extensions().get::<InternalError>().is_none() {
        return response;
    }
    let page = crate::view::ErrorPage {
        status: 500,
        message: internal_message(&id),
    };
    let body = askama::Template::render(&page).unwrap_or_else(|_| internal_message(&id));
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [("content-type", "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// What a person is told of an internal error.
pub fn internal_message(id: &str) -> String {
    if id.is_empty() {
        "系统内部错误，已记录。请稍后重试，如仍出错请联系系统管理员。".into()
    } else {
        format!("系统内部错误，已记录。请稍后重试，如仍出错请将请求编号 {id} 告知系统管理员。")
    }
}
