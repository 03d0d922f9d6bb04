//! What the web crate's integration tests share: requests in process, logging in
//! as a browser does (the login form's CSRF cookie), and a screened province in a
//! fresh store.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::RegionCode;
use http_body_util::BodyExt;
use store::{Address, Store};
use tower::ServiceExt;

/// Every test account's password.
pub const PASSWORD: &str = "Test-password-2026";

/// A response as the tests read it.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn location(&self) -> String {
        self.header("location")
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    /// The `name=value` part of every `Set-Cookie`.
    pub fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .map(str::to_string)
            .collect()
    }
}

/// One request in process; a form body when `body` is given.
pub async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    body: Option<String>,
) -> Reply {
    let mut req = Request::builder()
        .method(method.to_uppercase().as_str())
        .uri(uri);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(b))
            .unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// (status, location, body) of one request.
pub async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    body: Option<String>,
) -> (StatusCode, String, String) {
    let r = send(app, method, uri, cookie, body).await;
    (r.status, r.location(), r.text())
}

/// The value of the first `name="_csrf" value="…"` in a page.
pub fn csrf_in(page: &str) -> String {
    page.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the page carries a CSRF token")
        .to_string()
}

/// Posts the login form as a browser does (its CSRF cookie and token).
pub async fn try_login(app: &Router, username: &str, password: &str) -> Reply {
    let form = send(app, "get", "/login", None, None).await;
    let cookie = form.cookies().into_iter().next().expect("the login cookie");
    let csrf = csrf_in(&form.text());
    send(
        app,
        "post",
        "/login",
        Some(&cookie),
        Some(format!(
            "_csrf={csrf}&username={}&password={}",
            enc(username),
            enc(password)
        )),
    )
    .await
}

/// Logs in with [`PASSWORD`]: (session cookie, CSRF token of the session).
pub async fn login(app: &Router, username: &str) -> (String, String) {
    login_with(app, username, PASSWORD).await
}

/// Logs in: (session cookie, CSRF token of the session).
pub async fn login_with(app: &Router, username: &str, password: &str) -> (String, String) {
    let res = try_login(app, username, password).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{username} logs in");
    let cookie = res
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("zhijian_session="))
        .expect("a session cookie");
    let (_, _, page) = call(app, "get", "/account/password", Some(&cookie), None).await;
    (cookie, csrf_in(&page))
}

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    web::view::enc(s)
}

/// A fresh store with a screened scale-1 Hubei province and its region names.
///
/// Generating, importing and screening take a few seconds, so each seed's store
/// is built once per test binary and every caller gets its own copy of the file
/// (tests change what they get).
pub async fn province(dir: &tempfile::TempDir, seed: u64) -> (Store, domain::model::Tables) {
    type Built = std::collections::HashMap<u64, (std::path::PathBuf, domain::model::Tables)>;
    static BUILT: std::sync::OnceLock<tokio::sync::Mutex<Built>> = std::sync::OnceLock::new();
    static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let home = HOME.get_or_init(|| tempfile::tempdir().unwrap());
    let mut built = BUILT
        .get_or_init(|| tokio::sync::Mutex::new(Built::new()))
        .lock()
        .await;
    if let std::collections::hash_map::Entry::Vacant(slot) = built.entry(seed) {
        let path = home.path().join(format!("province-{seed}.db"));
        let store = Store::open(&Address::Sqlite(path.clone())).await.unwrap();
        let tables = screened_province(&store, seed).await;
        // Closing checkpoints the write-ahead log into the file.
        store.close().await;
        slot.insert((path, tables));
    }
    let (template, tables) = &built[&seed];
    let copy = dir.path().join("t.db");
    std::fs::copy(template, &copy).unwrap();
    let store = Store::open(&Address::Sqlite(copy)).await.unwrap();
    (store, tables.clone())
}

/// Imports a generated scale-1 Hubei province into `store`, names its regions
/// and screens it.
async fn screened_province(store: &Store, seed: u64) -> domain::model::Tables {
    let province = RegionCode::parse("420000").unwrap();
    let (tables, _) = dataset::generate::generate_tables(&dataset::generate::GenConfig {
        scale: 1,
        seed,
        province,
        ..Default::default()
    });
    store
        .import(
            &tables,
            &store::ImportOptions {
                source: "test",
                progress: None,
            },
        )
        .await
        .unwrap();
    store
        .set_regions(&dataset::generate::region_names(province))
        .await
        .unwrap();
    app::screening::screen_store(store).await.unwrap();
    tables
}
