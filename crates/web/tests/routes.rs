//! Every route × every role × in and out of jurisdiction, in process.
//!
//! [`EXPECTED`] is the specification, written here independently of
//! `domain::access::Role::may` and `web::routes::ROUTES`: the test fails if a
//! route is missing from it, if a role reaches a route it should not (or cannot
//! reach one it should), if an official reaches an institution, activity,
//! finding or certificate outside their region, or if a list shows one.

mod support;

use axum::Router;
use axum::http::StatusCode;
use domain::RegionCode;
use domain::access::{DataScope, Role};
use domain::case::{AttachmentKind, Issuer, Party, Source};
use domain::ids::InstitutionId;
use std::collections::BTreeMap;
use store::Store;
use store::accounts::NewAccount;
use store::browse::{CertificateQuery, Paging};
use store::cases::NewCase;

use Role::*;

const ALL: &[Role] = &[
    Admin,
    Province,
    City,
    District,
    Supervisor,
    Institution,
    Observer,
];
const OFFICIALS: &[Role] = &[Province, City, District];
const NOT_CLERK: &[Role] = &[Admin, Province, City, District, Supervisor, Observer];
const UPLOADERS: &[Role] = &[Admin, Province, City, District, Institution];
const ACCOUNT_MANAGERS: &[Role] = &[Admin, Province, City, District];
const CERT_READERS: &[Role] = &[Admin, Province, City, District, Institution, Observer];
/// The party's acts in a case: its clerk, or an official recording them.
const CASE_ANSWERERS: &[Role] = &[Province, City, District, Institution];
const PUBLIC: &[Role] = &[];

/// (method, route, roles that may use it; `PUBLIC` = no login needed).
const EXPECTED: &[(&str, &str, &[Role])] = &[
    ("get", "/login", PUBLIC),
    ("post", "/login", PUBLIC),
    ("get", "/assets/{*path}", PUBLIC),
    ("get", "/favicon.ico", PUBLIC),
    ("post", "/logout", ALL),
    ("get", "/account/password", ALL),
    ("post", "/account/password", ALL),
    ("get", "/", ALL),
    ("get", "/institutions", ALL),
    ("get", "/institutions/new", OFFICIALS),
    ("post", "/institutions", OFFICIALS),
    ("get", "/institutions/{id}", ALL),
    ("post", "/institutions/{id}/registry", OFFICIALS),
    ("get", "/activities", ALL),
    ("get", "/activities/{id}", ALL),
    ("get", "/findings", NOT_CLERK),
    ("get", "/findings/{id}", NOT_CLERK),
    ("post", "/findings/{id}/mark", OFFICIALS),
    ("post", "/findings/{id}/case", OFFICIALS),
    ("get", "/risk", NOT_CLERK),
    ("get", "/cases", ALL),
    ("get", "/cases/new", OFFICIALS),
    ("post", "/cases", OFFICIALS),
    ("get", "/cases/{id}", ALL),
    ("post", "/cases/{id}/actions", OFFICIALS),
    ("post", "/cases/{id}/answer", CASE_ANSWERERS),
    ("post", "/cases/{id}/attachments", OFFICIALS),
    ("get", "/cases/{id}/attachments/{file}", NOT_CLERK),
    ("get", "/cases/{id}/documents/{doc}", ALL),
    ("get", "/imports", UPLOADERS),
    ("post", "/imports", UPLOADERS),
    ("get", "/imports/templates/{name}", UPLOADERS),
    ("get", "/certificates", CERT_READERS),
    ("post", "/certificates", CERT_READERS),
    ("post", "/certificates/reveal", CERT_READERS),
    ("get", "/system/accounts", ACCOUNT_MANAGERS),
    ("post", "/system/accounts", ACCOUNT_MANAGERS),
    ("post", "/system/accounts/{id}/reset", ACCOUNT_MANAGERS),
    ("get", "/system/regions", ALL),
    ("post", "/system/regions", &[Admin]),
    ("get", "/system/rulebook", ALL),
    ("get", "/system/log", &[Admin, Observer]),
    ("get", "/system/calendar", ALL),
    ("post", "/system/calendar", &[Admin]),
];

/// Objects to address: one inside every test account's jurisdiction, one in
/// another city.
#[derive(Debug, Clone)]
struct Target {
    institution: String,
    batch: String,
    finding: i64,
    cert_ref: i64,
    /// An account anchored there (for the account actions).
    account: i64,
    /// A case against the institution, notified (its clerk sees it), with one
    /// attached file.
    case: i64,
    attachment: i64,
}

struct Fixture {
    app: Router,
    store: Store,
    /// role → (session cookie, CSRF token).
    sessions: BTreeMap<&'static str, (String, String)>,
    inside: Target,
    outside: Target,
    /// 谁备案谁监管: an institution located in the inside city but registered
    /// with the province (机构管理办法 第五条(二)), and one of its findings.
    provincial: (String, i64),
    /// A finding about an institution absent from the registry whose activity
    /// took place in the inside city (未备案机构开展评价).
    unregistered: i64,
    _dir: tempfile::TempDir,
}

use support::{PASSWORD, call, login};

fn target_of(
    store_tables: &domain::model::Tables,
    institution: &InstitutionId,
) -> (String, String) {
    let batch = store_tables
        .batches
        .iter()
        .find(|b| &b.institution_id == institution)
        .map(|b| b.batch_id.to_string())
        .expect("the institution has activities");
    let cert = store_tables
        .certificates
        .iter()
        .find(|c| &c.institution_id == institution)
        .map(|c| c.cert_no.to_string())
        .expect("the institution has certificates");
    (batch, cert)
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let (store, tables) = support::province(&dir, 5).await;
    let province = RegionCode::parse("420000").unwrap();

    // Inside: the riskiest institution with activities and certificates; its
    // district and city anchor the regional accounts. Outside: the riskiest
    // one of another city.
    let risk = store
        .risk_list(&DataScope::Everything, Paging::new(Some(1), Some(200)))
        .await
        .unwrap();
    let usable = |id: &InstitutionId| {
        tables.batches.iter().any(|b| &b.institution_id == id)
            && tables.certificates.iter().any(|c| &c.institution_id == id)
    };
    let region_of = |id: &InstitutionId| {
        tables
            .institutions
            .iter()
            .find(|i| &i.institution_id == id)
            .map(|i| i.region_code)
    };
    // The city where the unregistered institution held its activity: the inside
    // institution is the riskiest one that city registered.
    let registered =
        |id: &InstitutionId| tables.institutions.iter().any(|i| &i.institution_id == id);
    let unregistered_batch = tables
        .batches
        .iter()
        .find(|b| !registered(&b.institution_id))
        .expect("the generator plants an unregistered institution");
    let activity_city = tables
        .sites
        .iter()
        .find(|s| Some(&s.site_id) == unregistered_batch.site_id.as_ref())
        .and_then(|s| s.region_code)
        .and_then(|r| r.city())
        .expect("its site has a region");
    let city_registered = |id: &InstitutionId| {
        tables
            .institutions
            .iter()
            .any(|i| &i.institution_id == id && Some(i.authority()) == i.region_code.city())
    };
    let ranked: Vec<(InstitutionId, RegionCode)> = (0..risk.rows.len())
        .filter_map(|r| InstitutionId::parse(risk.get(r, "institution_id")?).ok())
        .filter(|id| usable(id) && city_registered(id))
        .filter_map(|id| region_of(&id).map(|r| (id, r)))
        .filter(|(_, r)| r.level() == domain::region::RegionLevel::District)
        .collect();
    let (inside_id, district) = ranked
        .iter()
        .find(|(_, r)| r.city() == Some(activity_city))
        .cloned()
        .expect("a city-registered institution where the unregistered activity was");
    let city = district.city().unwrap();
    let provincial_id = tables
        .institutions
        .iter()
        .find(|i| i.region_code.city() == Some(city) && i.authority() == province)
        .map(|i| i.institution_id.clone())
        .expect("a province-registered institution in the city");
    let first_finding = |filter: store::browse::FindingListFilter| {
        let store = store.clone();
        async move {
            let g = store
                .finding_list(
                    &DataScope::Everything,
                    &filter,
                    Paging::new(Some(1), Some(1)),
                )
                .await
                .unwrap();
            g.get(0, "finding_id")
                .expect("a finding")
                .parse::<i64>()
                .unwrap()
        }
    };
    let provincial = (
        provincial_id.to_string(),
        first_finding(store::browse::FindingListFilter {
            institution_id: Some(provincial_id.to_string()),
            ..Default::default()
        })
        .await,
    );
    let unregistered = first_finding(store::browse::FindingListFilter {
        institution_id: Some(unregistered_batch.institution_id.to_string()),
        ..Default::default()
    })
    .await;
    let (outside_id, _) = ranked
        .iter()
        .find(|(_, r)| r.city() != Some(city))
        .cloned()
        .expect("an institution with findings in another city");

    let mut targets = Vec::new();
    for id in [&inside_id, &outside_id] {
        let (batch, cert_no) = target_of(&tables, id);
        let findings = store
            .finding_list(
                &DataScope::Everything,
                &store::browse::FindingListFilter {
                    institution_id: Some(id.to_string()),
                    ..Default::default()
                },
                Paging::new(Some(1), Some(1)),
            )
            .await
            .unwrap();
        let certs = store
            .certificates(
                &DataScope::Everything,
                &CertificateQuery {
                    cert_no: Some(cert_no),
                    ..Default::default()
                },
                Paging::new(None, None),
            )
            .await
            .unwrap();
        targets.push(Target {
            institution: id.to_string(),
            batch,
            finding: findings.get(0, "finding_id").unwrap().parse().unwrap(),
            cert_ref: certs.get(0, "cert_ref").unwrap().parse().unwrap(),
            account: 0,
            case: 0,
            attachment: 0,
        });
    }

    let now = chrono::Local::now().naive_local();
    for role in ALL {
        let (region, institution) = match role {
            Admin => (None, None),
            Province | Observer => (Some(province), None),
            City | Supervisor => (Some(city), None),
            District => (Some(district), None),
            Institution => (None, Some(inside_id.clone())),
        };
        store
            .create_account(
                None,
                &NewAccount {
                    username: role.code().to_string(),
                    display_name: role.zh().to_string(),
                    role: *role,
                    region,
                    institution,
                    password: PASSWORD.to_string(),
                },
                now,
            )
            .await
            .unwrap();
    }
    // Accounts to act on: a clerk of the inside institution, a city official of
    // the other city.
    let outside_city = tables
        .institutions
        .iter()
        .find(|i| i.institution_id == outside_id)
        .and_then(|i| i.region_code.city())
        .unwrap();
    for (t, name, role, region, institution) in [
        (0, "target_in", Institution, None, Some(inside_id.clone())),
        (1, "target_out", City, Some(outside_city), None),
    ] {
        targets[t].account = store
            .create_account(
                None,
                &NewAccount {
                    username: name.to_string(),
                    display_name: name.to_string(),
                    role,
                    region,
                    institution,
                    password: PASSWORD.to_string(),
                },
                now,
            )
            .await
            .unwrap();
    }
    // A case in each city: opened from the finding, investigated, proposed by the
    // rulebook and notified, with evidence attached.
    for t in targets.iter_mut() {
        let everything = DataScope::Everything;
        let new = NewCase {
            party: Party::Institution(InstitutionId::parse(&t.institution).unwrap()),
            institution_id: None,
            source: Source::Findings(vec![t.finding]),
            summary: "路由测试".into(),
        };
        let id = store
            .open_case(&everything, "test", now, &new)
            .await
            .unwrap();
        store
            .assign_investigators(&everything, "test", now, id, &["li".into(), "zhou".into()])
            .await
            .unwrap();
        let book = store.case_rulebook().await.unwrap();
        store
            .propose(&everything, "test", now, id, &book, None)
            .await
            .unwrap();
        let issuer = Issuer {
            name: "湖北省人力资源和社会保障厅".into(),
            abbreviation: "鄂人社鉴".into(),
        };
        store
            .notify(&everything, "test", now, id, &issuer)
            .await
            .unwrap();
        t.attachment = store
            .attach(
                &everything,
                "test",
                now,
                id,
                AttachmentKind::Evidence,
                "证据.txt",
                b"evidence",
                &[],
                "",
            )
            .await
            .unwrap();
        t.case = id;
    }
    let app = web::routes::router(web::AppState::new(store.clone()));
    let mut sessions = BTreeMap::new();
    for role in ALL {
        sessions.insert(role.code(), login(&app, role.code()).await);
    }
    let outside = targets.pop().unwrap();
    let inside = targets.pop().unwrap();
    Fixture {
        app,
        store,
        sessions,
        inside,
        outside,
        provincial,
        unregistered,
        _dir: dir,
    }
}

/// The concrete URI and form body of a route for a target.
fn request(route: &str, t: &Target, csrf: &str) -> (String, Option<String>) {
    let id = match route {
        r if r.starts_with("/cases/") => t.case.to_string(),
        r if r.starts_with("/institutions/") => t.institution.clone(),
        r if r.starts_with("/activities/") => t.batch.clone(),
        r if r.starts_with("/findings/") => t.finding.to_string(),
        r if r.starts_with("/system/accounts/") => t.account.to_string(),
        _ => String::new(),
    };
    let uri = route
        .replace("{id}", &id)
        .replace("{name}", "institutions.csv")
        .replace("{file}", &t.attachment.to_string())
        .replace("{doc}", "notice")
        .replace("{*path}", "app.css");
    let body = match route {
        "/findings/{id}/mark" => format!("_csrf={csrf}&status=confirmed&reason=test"),
        "/institutions/{id}/registry" => {
            format!("_csrf={csrf}&action=change_basic&phone=027-88886666&reason=test")
        }
        "/certificates/reveal" => format!("_csrf={csrf}&cert_ref={}", t.cert_ref),
        "/certificates" => format!("_csrf={csrf}&cert_no=x"),
        // Refused without changing anything: the two new passwords differ.
        "/account/password" => format!("_csrf={csrf}&old=x&new=Aa-1234567&confirm=Bb-1234567"),
        "/system/regions" => format!("_csrf={csrf}&lines="),
        "/system/calendar" => {
            format!("_csrf={csrf}&csv=date,off_day,name%0A2031-01-01,true,%E5%85%83%E6%97%A6")
        }
        "/system/accounts" => format!("_csrf={csrf}&username=&display_name=&role=city&password="),
        // Opens a case (a complaint against the institution).
        "/cases" => format!(
            "_csrf={csrf}&source_kind=complaint&source_detail=T-1&institution_id={}&party_kind=institution&summary=test",
            t.institution
        ),
        "/findings/{id}/case" => format!("_csrf={csrf}&party=institution"),
        // Refused without changing the case: no investigators named, no text.
        "/cases/{id}/actions" => format!("_csrf={csrf}&action=assign&investigators="),
        "/cases/{id}/answer" => format!("_csrf={csrf}&action=statement&text="),
        _ => format!("_csrf={csrf}"),
    };
    (uri, Some(body))
}

/// Routes that address one object (and so can be out of jurisdiction).
fn addresses_object(route: &str) -> bool {
    route.contains("{id}") || route == "/certificates/reveal"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_for_every_role_in_and_out_of_jurisdiction() {
    let f = fixture().await;
    let mut failures: Vec<String> = Vec::new();

    // The specification covers exactly the routes there are.
    let spec: Vec<(&str, &str)> = EXPECTED.iter().map(|(m, p, _)| (*m, *p)).collect();
    for (m, p, _) in web::routes::ROUTES {
        if !spec.contains(&(*m, *p)) {
            failures.push(format!("{m} {p} is not in the expected table"));
        }
    }
    for (m, p) in &spec {
        if !web::routes::ROUTES
            .iter()
            .any(|(rm, rp, _)| rm == m && rp == p)
        {
            failures.push(format!("{m} {p} is expected but not routed"));
        }
    }
    // The observer never writes (revealing an ID number and a posted search are
    // reads, logged; everyone changes their own password).
    for (m, p, roles) in EXPECTED {
        if *m == "post"
            && roles.contains(&Observer)
            && ![
                "/logout",
                "/certificates/reveal",
                "/certificates",
                "/account/password",
            ]
            .contains(p)
        {
            failures.push(format!("the observer may {m} {p}"));
        }
    }

    for (method, route, allowed) in EXPECTED {
        if *route == "/logout" {
            continue; // below, with sessions of its own
        }
        // Without a session: public routes answer, the others send to the login page.
        let (uri, body) = request(route, &f.inside, "");
        let (status, location, _) = call(
            &f.app,
            method,
            &uri,
            None,
            body.filter(|_| *method == "post"),
        )
        .await;
        if allowed.is_empty() {
            if status.is_server_error()
                || status == StatusCode::FORBIDDEN
                || status == StatusCode::NOT_FOUND
            {
                failures.push(format!("{method} {uri} (public) answered {status}"));
            }
            continue;
        }
        if status != StatusCode::SEE_OTHER || location != "/login" {
            failures.push(format!("{method} {uri} without a session answered {status} → {location:?}, not a redirect to /login"));
        }
        for role in ALL {
            let (cookie, csrf) = &f.sessions[role.code()];
            let (uri, body) = request(route, &f.inside, csrf);
            let body = body.filter(|_| *method == "post");
            let (status, _, page) = call(&f.app, method, &uri, Some(cookie), body).await;
            let may = allowed.contains(role);
            if !may {
                if status != StatusCode::FORBIDDEN {
                    failures.push(format!("{} reached {method} {uri}: {status}", role.code()));
                }
                continue;
            }
            let reached = match *method {
                "get" => status == StatusCode::OK,
                _ => {
                    !matches!(
                        status,
                        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED
                    ) && !status.is_server_error()
                }
            };
            if !reached {
                let why: String = page
                    .split("error-message\">")
                    .nth(1)
                    .unwrap_or("")
                    .chars()
                    .take(120)
                    .collect();
                failures.push(format!(
                    "{} could not reach {method} {uri}: {status} {why}",
                    role.code()
                ));
            }
            if addresses_object(route) && *role != Admin && *role != Province && *role != Observer {
                let (uri, body) = request(route, &f.outside, csrf);
                let body = body.filter(|_| *method == "post");
                let (status, _, _) = call(&f.app, method, &uri, Some(cookie), body).await;
                if status != StatusCode::NOT_FOUND {
                    failures.push(format!(
                        "{} reached {method} {uri} outside their jurisdiction: {status}",
                        role.code()
                    ));
                }
            }
        }
    }

    // Lists never show what lies outside: the other city's institution is absent
    // from every list of the city's, district's, supervisor's and clerk's accounts.
    for role in [City, District, Supervisor, Institution] {
        let (cookie, _) = &f.sessions[role.code()];
        let o = &f.outside.institution;
        let mut lists = vec![
            "/institutions?per_page=200".to_string(),
            format!("/institutions?q={o}"),
            format!("/activities?institution_id={o}"),
            "/".to_string(),
        ];
        if role != Supervisor {
            lists.push("/certificates?cert_no=x&per_page=200".to_string());
        }
        lists.push("/cases?per_page=200".to_string());
        if role != Institution {
            lists.push(format!("/findings?institution_id={o}"));
            lists.push("/risk?per_page=200".to_string());
        }
        for uri in lists {
            let (status, _, page) = call(&f.app, "get", &uri, Some(cookie), None).await;
            // The filter form echoes the query; what counts is the tables.
            let tables: String = page
                .split("<table")
                .skip(1)
                .filter_map(|t| t.split("</table>").next())
                .collect();
            if status != StatusCode::OK || tables.contains(o.as_str()) {
                failures.push(format!(
                    "{} sees {o} (or failed, {status}) at {uri}",
                    role.code()
                ));
            }
        }
    }
    // 谁备案谁监管 (Hubei 机构管理办法 第五条(二), 监督管理办法 第五条): the
    // province-registered institution in the city is the province's alone; the
    // unregistered institution's activity is the city's where it took place.
    let (p_id, p_finding) = &f.provincial;
    let out_session = login(&f.app, "target_out").await;
    for (who, cookie, sees_provincial, sees_unregistered) in [
        ("admin", &f.sessions["admin"].0, true, true),
        ("province", &f.sessions["province"].0, true, true),
        ("city", &f.sessions["city"].0, false, true),
        ("district", &f.sessions["district"].0, false, false),
        ("supervisor", &f.sessions["supervisor"].0, false, true),
        ("target_out", &out_session.0, false, false),
    ] {
        let checks = [
            (format!("/institutions/{p_id}"), sees_provincial),
            (format!("/findings/{p_finding}"), sees_provincial),
            (format!("/findings/{}", f.unregistered), sees_unregistered),
        ];
        for (uri, sees) in checks {
            let (status, _, _) = call(&f.app, "get", &uri, Some(cookie), None).await;
            let want = if sees {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            if status != want {
                failures.push(format!("{who} at {uri}: {status}, expected {want}"));
            }
        }
        let (_, _, page) = call(
            &f.app,
            "get",
            "/institutions?per_page=200",
            Some(cookie),
            None,
        )
        .await;
        let listed = page.contains(p_id.as_str());
        if who != "target_out" && listed != sees_provincial {
            failures.push(format!(
                "{who}: the province-registered {p_id} listed = {listed}"
            ));
        }
    }

    // The clerk's list is their institution alone.
    let (cookie, _) = &f.sessions["institution"];
    let (_, _, page) = call(
        &f.app,
        "get",
        "/institutions?per_page=200",
        Some(cookie),
        None,
    )
    .await;
    if !page.contains("共 1 条") || !page.contains(&f.inside.institution) {
        failures.push("the clerk's institution list is not exactly their institution".into());
    }

    // Logging out ends the session (fresh sessions, so the ones above stay valid).
    for role in ALL {
        let (cookie, csrf) = login(&f.app, role.code()).await;
        let (status, _, _) = call(
            &f.app,
            "post",
            "/logout",
            Some(&cookie),
            Some("_csrf=wrong".into()),
        )
        .await;
        if status != StatusCode::FORBIDDEN {
            failures.push(format!(
                "{} logged out with a wrong CSRF token: {status}",
                role.code()
            ));
        }
        let (status, _, _) = call(
            &f.app,
            "post",
            "/logout",
            Some(&cookie),
            Some(format!("_csrf={csrf}")),
        )
        .await;
        let (after, location, _) = call(&f.app, "get", "/", Some(&cookie), None).await;
        if status != StatusCode::SEE_OTHER || after != StatusCode::SEE_OTHER || location != "/login"
        {
            failures.push(format!(
                "{} logout: {status}, then / answered {after}",
                role.code()
            ));
        }
    }
    drop(f.store);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
