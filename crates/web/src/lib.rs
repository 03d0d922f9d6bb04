//! The officials' platform (职鉴监管平台): HTML pages in Chinese over the store,
//! for the 人社 departments, their 职鉴中心, quality supervisors, observers and
//! the institutions' clerks, on an intranet with no internet.
//!
//! - Every page is a thin handler: parse the request, call one store function
//!   with the caller's [`DataScope`](domain::access::DataScope), render an askama
//!   template. Jurisdiction is enforced in `store::scope` only; role rights in
//!   [`domain::access::Role::may`] only, through [`routes::ROUTES`].
//! - Sessions, CSRF tokens, lockout and the operation log live in the store
//!   (`store::accounts`); [`auth`] turns a cookie into a [`auth::Caller`].
//! - Templates, CSS, htmx 2, Apache ECharts and the province maps are compiled
//!   into the binary ([`assets`]); no page loads anything from outside.
//! - ID numbers and phone numbers are masked by value on every response
//!   ([`security`]) and in every workbook ([`export`]); a full ID number is shown
//!   only on request, and the request is logged.

pub mod assets;
pub mod auth;
pub mod error;
pub mod evidence;
pub mod export;
pub mod pages;
pub mod routes;
pub mod security;
pub mod stash;
pub mod telemetry;
pub mod view;

use chrono::NaiveDateTime;
use std::net::SocketAddr;
use std::sync::Arc;
use store::Store;

pub use error::{Error, Result};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// The clock: local China time. Tests replace it.
    pub clock: Arc<dyn Fn() -> NaiveDateTime + Send + Sync>,
    /// Whether cookies get `Secure` (the platform is reached over HTTPS, usually
    /// through a TLS-terminating proxy): `zhijian serve --secure-cookies`.
    pub secure_cookies: bool,
    /// Search terms kept out of links (a lookup by ID number).
    pub stash: Arc<stash::Stash>,
}

impl AppState {
    /// A state on the system clock.
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            clock: Arc::new(|| chrono::Local::now().naive_local()),
            secure_cookies: false,
            stash: Arc::default(),
        }
    }

    /// Now, by the state's clock.
    pub fn now(&self) -> NaiveDateTime {
        (self.clock)()
    }
}

/// Binds `addr` first (so the caller can report a taken port before anything
/// else), then serves.
pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}

/// Serves on a listener already bound.
pub async fn serve_on(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(
        listener,
        routes::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
