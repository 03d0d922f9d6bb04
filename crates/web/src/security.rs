//! What every response gets on its way out (GB/T 22239-2019 level 3; 个人信息保护法
//! 第五十一条 去标识化):
//!
//! - Personal numbers masked by value: the text of every page, document, message
//!   and text download passes through [`domain::privacy::mask_text`], so an ID
//!   number or a phone number is masked wherever it sits — a table, a finding's
//!   evidence, a note, an error message. Workbooks (zip, not text) are masked cell by
//!   cell where they are written (`export`, the risk list). The only exception is a
//!   response that carries [`Unmasked`]: the logged 查看完整身份证号 view, and
//!   files that hold no person's data (the import templates' invented sample rows).
//! - Security headers: a Content-Security-Policy that lets a page load only from the
//!   platform itself, `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`, a
//!   Referrer-Policy, and `Cache-Control: no-store` on everything but the static
//!   assets (pages and files carry personal data; no proxy or browser cache keeps
//!   them).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Marks a response whose personal numbers are shown in full on purpose (the
/// logged full view) or that holds no person's data: it is not masked.
#[derive(Debug, Clone, Copy)]
pub struct Unmasked;

/// The Content-Security-Policy of every response: the platform's own scripts,
/// styles, images and maps only; no frames, no plug-ins, forms post only here.
/// Inline `style` attributes are allowed (ECharts writes them into tooltips);
/// inline scripts are not.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Whether a content type is text worth masking.
fn is_text(content_type: Option<&HeaderValue>) -> bool {
    content_type.and_then(|v| v.to_str().ok()).is_some_and(|t| {
        t.starts_with("text/") || t.starts_with("application/json") || t.contains("+json")
    })
}

/// The middleware: headers on every response, masking on every text body.
pub async fn harden(request: Request, next: Next) -> Response {
    let asset = request.uri().path().starts_with("/assets/");
    let response = next.run(request).await;
    let mut response = if asset
        || response.extensions().get::<Unmasked>().is_some()
        || !is_text(response.headers().get(header::CONTENT_TYPE))
    {
        response
    } else {
        mask_body(response).await
    };
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: header::HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    if !asset {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    response
}

async fn mask_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    let body = match std::str::from_utf8(&bytes) {
        Ok(text) => match domain::privacy::mask_text(text) {
            std::borrow::Cow::Borrowed(_) => Body::from(bytes),
            std::borrow::Cow::Owned(masked) => {
                parts.headers.remove(header::CONTENT_LENGTH);
                Body::from(masked)
            }
        },
        // Text that is not UTF-8 is not the platform's own: never pass it on unmasked.
        Err(_) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Body::from(domain::privacy::mask_text(&String::from_utf8_lossy(&bytes)).into_owned())
        }
    };
    Response::from_parts(parts, body)
}
