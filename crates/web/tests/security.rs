//! The platform's identity and audit controls (GB/T 22239-2019 level 3), tried
//! the way an attacker or a careless official would: account management strictly
//! downward, passwords shown once and changed at the next login, sessions that end,
//! a lockout that holds under concurrency, one answer for every failed login,
//! bounded request bodies and log fields, refusals in the log, the operation log
//! read within one's jurisdiction, and the security headers.

mod support;

use axum::Router;
use axum::http::StatusCode;
use chrono::{Duration, NaiveDateTime};
use domain::RegionCode;
use domain::access::{DataScope, MAX_FAILED_LOGINS, Role};
use domain::ids::InstitutionId;
use std::sync::{Arc, Mutex};
use store::Store;
use store::accounts::{LoginRefusal, NewAccount};
use support::{PASSWORD, call, csrf_in, login, login_with, send, try_login};

fn region(c: &str) -> RegionCode {
    RegionCode::parse(c).unwrap()
}

/// A screened province with accounts: the administrator, Hubei's province
/// official, a Wuhan (420100) official, observer and district official (420102),
/// a clerk of a Wuhan institution, and a Yichang (420500) official and clerk.
struct World {
    app: Router,
    store: Store,
    /// Moves the platform's clock.
    clock: Arc<Mutex<NaiveDateTime>>,
    wuhan_institution: String,
    /// A certificate of the Wuhan institution.
    wuhan_cert: String,
    yichang_institution: String,
    _dir: tempfile::TempDir,
}

const ACCOUNTS: &[(&str, Role, Option<&str>, Option<usize>)] = &[
    ("admin", Role::Admin, None, None),
    ("hubei", Role::Province, Some("420000"), None),
    ("wuhan", Role::City, Some("420100"), None),
    ("wuhan_obs", Role::Observer, Some("420100"), None),
    ("jiangan", Role::District, Some("420102"), None),
    ("wuhan_clerk", Role::Institution, None, Some(0)),
    ("yichang", Role::City, Some("420500"), None),
    ("yichang_clerk", Role::Institution, None, Some(1)),
];

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let (store, tables) = support::province(&dir, 7).await;
    let in_city = |prefix: &str| {
        tables
            .institutions
            .iter()
            .find(|i| {
                i.region_code.as_str().starts_with(prefix)
                    && tables
                        .certificates
                        .iter()
                        .any(|c| c.institution_id == i.institution_id)
            })
            .map(|i| i.institution_id.clone())
            .unwrap_or_else(|| panic!("an institution in {prefix}"))
    };
    let institutions = [in_city("4201"), in_city("4205")];
    let now = chrono::Local::now().naive_local();
    for (name, role, r, inst) in ACCOUNTS {
        store
            .create_account(
                None,
                &NewAccount {
                    username: name.to_string(),
                    display_name: name.to_string(),
                    role: *role,
                    region: r.map(region),
                    institution: inst.map(|i| institutions[i].clone()),
                    password: PASSWORD.into(),
                },
                now,
            )
            .await
            .unwrap();
    }
    let clock = Arc::new(Mutex::new(now));
    let mut state = web::AppState::new(store.clone());
    let c = clock.clone();
    state.clock = Arc::new(move || *c.lock().unwrap());
    World {
        app: web::routes::router(state),
        store,
        clock,
        wuhan_institution: institutions[0].to_string(),
        wuhan_cert: tables
            .certificates
            .iter()
            .find(|c| c.institution_id == institutions[0])
            .map(|c| c.cert_no.to_string())
            .unwrap(),
        yichang_institution: institutions[1].to_string(),
        _dir: dir,
    }
}

async fn account_id(store: &Store, username: &str) -> i64 {
    store
        .login(username, PASSWORD, None, chrono::Local::now().naive_local())
        .await
        .unwrap()
        .unwrap()
        .principal
        .account_id
}

/// Officials manage only the accounts below them in their jurisdiction; a reset
/// password is shown once, must be changed at the next login and ends the
/// account's sessions; the change itself ends every session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_are_managed_strictly_downward() {
    let w = world().await;
    let (wuhan, csrf) = login(&w.app, "wuhan").await;
    // (target, may the Wuhan official reset it)
    for (target, may) in [
        ("wuhan_clerk", true),
        ("wuhan_obs", false),
        ("hubei", false),
        ("yichang", false),
        ("yichang_clerk", false),
        ("admin", false),
        ("wuhan", false),
    ] {
        let id = account_id(&w.store, target).await;
        let r = send(
            &w.app,
            "post",
            &format!("/system/accounts/{id}/reset"),
            Some(&wuhan),
            Some(format!("_csrf={csrf}")),
        )
        .await;
        assert_eq!(
            r.status == StatusCode::OK,
            may,
            "wuhan resetting {target}: {}",
            r.status
        );
        if !may {
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{target}");
        }
    }
    // The list holds exactly what the official manages.
    let (_, _, page) = call(&w.app, "get", "/system/accounts", Some(&wuhan), None).await;
    for (name, listed) in [
        ("jiangan", true),
        ("wuhan_clerk", true),
        ("wuhan_obs", false),
        ("yichang", false),
        ("hubei", false),
    ] {
        assert_eq!(
            page.contains(&format!(">{name}<")),
            listed,
            "{name} in wuhan's account list"
        );
    }
    // Creating upward, sideways or an observer is refused; downward works and the
    // new account must change its initial password.
    for (name, role, r, ok) in [
        ("w_obs2", "observer", "420100", false),
        ("w_city2", "city", "420100", false),
        ("w_prov", "province", "420000", false),
        ("w_dist2", "district", "420103", true),
        ("w_dist3", "district", "420502", false),
    ] {
        let r = send(
            &w.app,
            "post",
            "/system/accounts",
            Some(&wuhan),
            Some(format!(
                "_csrf={csrf}&username={name}&display_name={name}&role={role}&region_code={r}&password=Initial-pass-2026"
            )),
        )
        .await;
        assert_eq!(
            r.status == StatusCode::OK,
            ok,
            "create {name}: {}",
            r.status
        );
        assert_eq!(
            w.store.account_exists(name).await.unwrap(),
            ok,
            "{name} exists"
        );
    }
    let created = try_login(&w.app, "w_dist2", "Initial-pass-2026").await;
    assert_eq!(created.location(), "/account/password");

    // The district official's session ends with the reset; the new password is on
    // the reset's page once and nowhere else; it leads to the password change.
    let (jiangan, _) = login(&w.app, "jiangan").await;
    assert_eq!(
        call(&w.app, "get", "/", Some(&jiangan), None).await.0,
        StatusCode::OK
    );
    let id = account_id(&w.store, "jiangan").await;
    let r = send(
        &w.app,
        "post",
        &format!("/system/accounts/{id}/reset"),
        Some(&wuhan),
        Some(format!("_csrf={csrf}")),
    )
    .await;
    let page = r.text();
    let temp: String = page
        .split("临时密码：")
        .nth(1)
        .and_then(|s| s.split('（').next())
        .unwrap()
        .to_string();
    assert_eq!(temp.chars().count(), 12, "{temp}");
    let (after, location, _) = call(&w.app, "get", "/", Some(&jiangan), None).await;
    assert_eq!(
        (after, location.as_str()),
        (StatusCode::SEE_OTHER, "/login")
    );
    let (_, _, list) = call(&w.app, "get", "/system/accounts", Some(&wuhan), None).await;
    assert!(!list.contains(&temp), "the password is shown once");
    let log = w.store.operation_log(1000, 0).await.unwrap();
    assert!(
        log.iter().all(|e| !format!("{e:?}").contains(&temp)),
        "nor logged"
    );

    let (forced, forced_csrf) = login_with(&w.app, "jiangan", &temp).await;
    for page in ["/", "/institutions", "/cases"] {
        let (s, location, _) = call(&w.app, "get", page, Some(&forced), None).await;
        assert_eq!(
            (s, location.as_str()),
            (StatusCode::SEE_OTHER, "/account/password"),
            "{page} before the change"
        );
    }
    let (second, _) = login_with(&w.app, "jiangan", &temp).await;
    let r = send(
        &w.app,
        "post",
        "/account/password",
        Some(&forced),
        Some(format!(
            "_csrf={forced_csrf}&old={}&new=Stone-bridge-2026&confirm=Stone-bridge-2026",
            support::enc(&temp)
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    for s in [&forced, &second] {
        let (after, location, _) = call(&w.app, "get", "/", Some(s), None).await;
        assert_eq!(
            (after, location.as_str()),
            (StatusCode::SEE_OTHER, "/login"),
            "every session ends with the change"
        );
    }
    let (fresh, _) = login_with(&w.app, "jiangan", "Stone-bridge-2026").await;
    assert_eq!(
        call(&w.app, "get", "/", Some(&fresh), None).await.0,
        StatusCode::OK
    );
    // A weak or unconfirmed new password is refused with the rule.
    let (fresh, fresh_csrf) = login_with(&w.app, "jiangan", "Stone-bridge-2026").await;
    let r = send(
        &w.app,
        "post",
        "/account/password",
        Some(&fresh),
        Some(format!(
            "_csrf={fresh_csrf}&old=Stone-bridge-2026&new=weakweak&confirm=weakweak"
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("至少 10 位"), "the rule is stated");
}

/// At most five guesses are ever evaluated before the lock, however many arrive at
/// once: a burst of 30 wrong passwords has exactly five checked and locks the
/// account; with the right password in the middle of a burst, it logs in only if
/// it was among the first five (then at most four wrong ones were checked before
/// it). Every refusal reads the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_lockout_holds_under_concurrent_guesses() {
    let w = world().await;
    let now = *w.clock.lock().unwrap();
    let names = [
        "hubei",
        "wuhan",
        "jiangan",
        "yichang",
        "wuhan_obs",
        "wuhan_clerk",
        "yichang_clerk",
        "admin",
    ];
    for (burst, name) in names.iter().enumerate() {
        // Two bursts of wrong guesses only, six with the right password in the middle.
        let right_at = (burst >= 2).then_some(15);
        let mut tasks = Vec::new();
        for k in 0..30 {
            let store = w.store.clone();
            let password = if Some(k) == right_at {
                PASSWORD.to_string()
            } else {
                format!("Wrong-guess-{k}")
            };
            let name = name.to_string();
            tasks.push(tokio::spawn(async move {
                store.login(&name, &password, None, now).await.unwrap()
            }));
        }
        let mut outcomes = Vec::new();
        for t in tasks {
            outcomes.push(t.await.unwrap());
        }
        // Oldest first: each checked password is logged once its check is done.
        let mut log = w.store.operation_log(100_000, 0).await.unwrap();
        log.reverse();
        let checked: Vec<&str> = log
            .iter()
            .filter(|e| e.username == *name)
            .filter_map(|e| match (e.action.as_str(), e.target.as_deref()) {
                ("login", _) => Some("right"),
                ("login_failed", Some("密码错误")) => Some("wrong"),
                _ => None,
            })
            .collect();
        let unchecked = outcomes
            .iter()
            .filter(|o| matches!(o, Err(LoginRefusal::Locked { until: None })))
            .count();
        assert_eq!(unchecked + checked.len(), 30, "burst {burst}: {checked:?}");
        match checked.iter().position(|c| *c == "right") {
            None => {
                assert_eq!(checked.len(), MAX_FAILED_LOGINS as usize, "burst {burst}");
                let locked = w.store.login(name, PASSWORD, None, now).await.unwrap();
                assert_eq!(locked, Err(LoginRefusal::Locked { until: None }));
            }
            Some(at) => assert!(
                at < MAX_FAILED_LOGINS as usize,
                "burst {burst} on {name}: the right password was checked after {at} wrong ones"
            ),
        }
    }
    // After the lock even the right password is refused, with the same words.
    let locked = try_login(&w.app, "hubei", PASSWORD).await;
    let unknown = try_login(&w.app, "nobody-at-all", PASSWORD).await;
    let wrong = try_login(&w.app, "hubei-not", "x").await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    let message = |r: &support::Reply| {
        r.text()
            .split("id=\"login-error\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .map(str::to_string)
    };
    assert_eq!(message(&locked), message(&unknown));
    assert_eq!(message(&locked), message(&wrong));
    assert!(message(&locked).is_some());
    // 15 minutes later the lock is gone.
    *w.clock.lock().unwrap() = now + Duration::minutes(16);
    let later = try_login(&w.app, "hubei", PASSWORD).await;
    assert_eq!(later.status, StatusCode::SEE_OTHER);
}

/// Sessions end after 30 idle minutes and 12 hours after the login however busy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_have_an_absolute_lifetime() {
    let w = world().await;
    let t0 = *w.clock.lock().unwrap();
    let s = w
        .store
        .login("wuhan", PASSWORD, None, t0)
        .await
        .unwrap()
        .unwrap();
    let mut t = t0;
    while t < t0 + Duration::hours(12) - Duration::minutes(20) {
        t += Duration::minutes(20);
        assert!(w.store.session(&s.token, t).await.unwrap().is_some(), "{t}");
    }
    t += Duration::minutes(25);
    assert!(
        w.store.session(&s.token, t).await.unwrap().is_none(),
        "12 hours"
    );
}

/// The login form carries a CSRF token; bodies are bounded by route; long fields
/// are cut before they reach the log; uploads are refused before they are read
/// when the role may not import.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_bounded_and_the_login_form_is_protected() {
    let w = world().await;
    // No token, or a token without its cookie: refused.
    let r = send(
        &w.app,
        "post",
        "/login",
        None,
        Some(format!("username=hubei&password={PASSWORD}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A 10 MB user name never reaches the store.
    let huge = "x".repeat(10 << 20);
    let r = send(
        &w.app,
        "post",
        "/login",
        None,
        Some(format!("username={huge}&password=x")),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A 3 KB one is refused as a login and cut in the log.
    let long = "y".repeat(3000);
    let r = try_login(&w.app, &long, "x").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let log = w.store.operation_log(5, 0).await.unwrap();
    let entry = log.iter().find(|e| e.username.starts_with("yyy")).unwrap();
    assert!(entry.username.chars().count() <= domain::access::MAX_LOG_FIELD_CHARS + 1);

    // A form post of 1 MB is refused; an observer's upload is refused unread.
    let (official, csrf) = login(&w.app, "wuhan").await;
    let r = send(
        &w.app,
        "post",
        "/cases",
        Some(&official),
        Some(format!("_csrf={csrf}&summary={}", "z".repeat(1 << 20))),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let (observer, obs_csrf) = login(&w.app, "wuhan_obs").await;
    let r = send(
        &w.app,
        "post",
        "/imports",
        Some(&observer),
        Some(format!("_csrf={obs_csrf}&{}", "q".repeat(8 << 20))),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// Refusals (403, and 404 for what lies outside one's jurisdiction) are in the
/// operation log; the log is read within one's jurisdiction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_logged_and_the_log_is_scoped() {
    let w = world().await;
    let (clerk, _) = login(&w.app, "wuhan_clerk").await;
    assert_eq!(
        call(&w.app, "get", "/findings", Some(&clerk), None).await.0,
        StatusCode::FORBIDDEN
    );
    let (wuhan, _) = login(&w.app, "wuhan").await;
    let outside = format!("/institutions/{}", w.yichang_institution);
    assert_eq!(
        call(&w.app, "get", &outside, Some(&wuhan), None).await.0,
        StatusCode::NOT_FOUND
    );
    let (yichang, _) = login(&w.app, "yichang").await;
    let (_, _, _) = call(&w.app, "get", "/", Some(&yichang), None).await;
    // The province official looks at a Wuhan institution's certificate holder.
    let (hubei, hubei_csrf) = login(&w.app, "hubei").await;
    let certs = w
        .store
        .certificates(
            &DataScope::Institution(InstitutionId::parse(&w.wuhan_institution).unwrap()),
            &store::browse::CertificateQuery {
                cert_no: Some(w.wuhan_cert.clone()),
                id_number: None,
                name: None,
            },
            store::browse::Paging::new(Some(1), Some(1)),
        )
        .await
        .unwrap();
    let cert_ref = certs.get(0, "cert_ref").unwrap().to_string();
    let r = send(
        &w.app,
        "post",
        "/certificates/reveal",
        Some(&hubei),
        Some(format!("_csrf={hubei_csrf}&cert_ref={cert_ref}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);

    let log_of = |name: &'static str| {
        let app = w.app.clone();
        async move {
            let (cookie, _) = login(&app, name).await;
            let (s, _, page) =
                call(&app, "get", "/system/log?per_page=200", Some(&cookie), None).await;
            assert_eq!(s, StatusCode::OK, "{name} reads the log");
            page
        }
    };
    let admin_log = log_of("admin").await;
    assert!(admin_log.contains("拒绝访问"), "refusals are logged");
    assert!(admin_log.contains(&format!("GET {outside}")));
    assert!(admin_log.contains("GET /findings"));

    // The Wuhan observer: Wuhan's actors and what concerns Wuhan; not Yichang's
    // logins, not the administrator's own.
    let obs = log_of("wuhan_obs").await;
    let rows: Vec<&str> = obs.split("<tr>").skip(2).collect();
    assert!(
        rows.iter().any(|r| r.contains(">wuhan<")),
        "wuhan's entries"
    );
    assert!(rows.iter().any(|r| r.contains(">wuhan_clerk<")));
    assert!(
        rows.iter()
            .any(|r| r.contains(">hubei<") && r.contains("查看完整身份证号")),
        "the province official's look at a Wuhan holder concerns Wuhan"
    );
    for other in [">yichang<", ">admin<", ">yichang_clerk<"] {
        assert!(
            !rows.iter().any(|r| r.contains(other)),
            "the Wuhan observer reads {other}'s entries"
        );
    }
    // Filters work.
    let (cookie, _) = login(&w.app, "admin").await;
    let (_, _, filtered) = call(
        &w.app,
        "get",
        "/system/log?action=refused&per_page=200",
        Some(&cookie),
        None,
    )
    .await;
    let rows: Vec<&str> = filtered.split("<tr>").skip(2).collect();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.contains("拒绝访问")));
}

/// Every response carries the security headers; pages are not cached; cookies
/// are `Secure` when the platform is served over HTTPS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_carry_the_security_headers() {
    let w = world().await;
    let (cookie, _) = login(&w.app, "wuhan").await;
    for (uri, cookie) in [
        ("/login", None),
        ("/", Some(cookie.as_str())),
        ("/institutions?export=xlsx", Some(cookie.as_str())),
        ("/assets/app.css", None),
        ("/no-such-page", None),
    ] {
        let r = send(&w.app, "get", uri, cookie, None).await;
        assert_eq!(
            r.header("content-security-policy"),
            web::security::CONTENT_SECURITY_POLICY,
            "{uri}"
        );
        assert_eq!(r.header("x-frame-options"), "DENY", "{uri}");
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(r.header("referrer-policy"), "same-origin", "{uri}");
        // Every response carries its request's id (crate::telemetry), one per request.
        assert!(!r.header("x-request-id").is_empty(), "{uri}");
        let again = send(&w.app, "get", uri, None, None).await;
        assert_ne!(
            again.header("x-request-id"),
            r.header("x-request-id"),
            "{uri}"
        );
        let cache = r.header("cache-control");
        if uri.starts_with("/assets/") {
            assert!(cache.starts_with("public"), "{uri}: {cache}");
        } else {
            assert_eq!(cache, "no-store", "{uri}");
        }
    }
    let plain = send(&w.app, "get", "/login", None, None).await;
    assert!(!plain.header("set-cookie").contains("Secure"));
    let mut state = web::AppState::new(w.store.clone());
    state.secure_cookies = true;
    let https = web::routes::router(state);
    let r = send(&https, "get", "/login", None, None).await;
    assert!(r.header("set-cookie").contains("; Secure"));
    let form = r.cookies().into_iter().next().unwrap();
    let csrf = csrf_in(&r.text());
    let r = send(
        &https,
        "post",
        "/login",
        Some(&form),
        Some(format!("_csrf={csrf}&username=wuhan&password={PASSWORD}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.headers
            .get_all("set-cookie")
            .iter()
            .all(|c| c.to_str().unwrap().contains("; Secure"))
    );
}

/// A 500 shows the request id to quote and logs its cause; database text never
/// reaches the page (the store is closed under a logged-in official).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_errors_show_the_request_id_not_the_cause() {
    let w = world().await;
    let (cookie, _) = login(&w.app, "wuhan").await;
    w.store.close().await;
    let r = send(&w.app, "get", "/institutions", Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.text());
    let id = r.header("x-request-id");
    assert!(!id.is_empty());
    let page = r.text();
    assert!(page.contains(&format!("请求编号 {id}")), "{page}");
    for cause in ["pool", "closed", "sqlx", "SQL", "database", "Database"] {
        assert!(!page.contains(cause), "the page shows {cause}: {page}");
    }
    assert_eq!(
        r.header("content-security-policy"),
        web::security::CONTENT_SECURITY_POLICY
    );
}
