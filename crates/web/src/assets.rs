//! The files the pages load, compiled into the binary: the platform's CSS and
//! script, htmx 2 and Apache ECharts (from the npm registry, versions in
//! `assets/vendor/VERSIONS.md`) and the province maps (`assets/geo/NN.json`,
//! one per province prefix, city features keyed by region code). Nothing is
//! fetched from outside at run time.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/"]
#[exclude = "*.LICENSE"]
#[exclude = "*.md"]
struct Assets;

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("csv") => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `GET /assets/{*path}`.
pub async fn asset(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => (
            [
                ("content-type", content_type(&path)),
                ("cache-control", "public, max-age=86400"),
            ],
            file.data.into_owned(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// `GET /favicon.ico` (browsers ask for it at the root).
pub async fn favicon() -> Response {
    asset(Path("favicon.ico".to_string())).await
}

/// Whether a province map is embedded for this two-digit prefix.
pub fn has_map(province_prefix: &str) -> bool {
    Assets::get(&format!("geo/{province_prefix}.json")).is_some()
}
