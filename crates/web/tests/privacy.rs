//! No personal number leaves the platform unmasked (个人信息保护法 第五十一条): for
//! every role on a screened province with cases against candidates, every page
//! reachable by following links and every export is fetched, workbooks are opened
//! and read cell by cell, and none may hold an identity number (18 characters with
//! a valid birth date) or a phone number. The one exception, the logged
//! 查看完整身份证号 view, is checked to show the full number and to be logged.
//!
//! The scanner here is written independently of `domain::privacy`.

mod support;

use axum::http::StatusCode;
use domain::access::Role;
use domain::model::Table;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use store::accounts::NewAccount;
use support::{PASSWORD, call, login, send};

/// Whole tokens (runs of ASCII letters and digits) that look like a person's
/// number: an ID number with a valid birth date, or a mainland mobile number.
fn personal_numbers(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| {
            let b = t.as_bytes();
            let id = b.len() == 18
                && b[..17].iter().all(u8::is_ascii_digit)
                && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
                && chrono::NaiveDate::parse_from_str(&t[6..14], "%Y%m%d").is_ok();
            let mobile = b.len() == 11
                && b.iter().all(u8::is_ascii_digit)
                && b[0] == b'1'
                && (b'3'..=b'9').contains(&b[1]);
            id || mobile
        })
        .map(str::to_string)
        .collect()
}

/// Every text cell of a workbook.
fn workbook_text(bytes: &[u8]) -> String {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .expect("an xlsx workbook");
    let mut out = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for c in row {
                out.push_str(&c.to_string());
                out.push('\n');
            }
        }
    }
    out
}

/// The links of a page that stay on the platform and only read.
fn links(page: &str) -> Vec<String> {
    page.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .filter(|h| h.starts_with('/') && !h.starts_with("/assets/") && !h.starts_with("//"))
        .collect()
}

/// A URL's shape: segments with digits become `{}`, query keys sorted.
fn shape(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path: Vec<&str> = path
        .split('/')
        .map(|s| {
            if s.chars().any(|c| c.is_ascii_digit()) {
                "{}"
            } else {
                s
            }
        })
        .collect();
    let mut keys: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort();
    format!("{}?{}", path.join("/"), keys.join("&"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_or_export_shows_a_personal_number() {
    let dir = tempfile::tempdir().unwrap();
    let (store, tables) = support::province(&dir, 5).await;
    let province = domain::RegionCode::parse("420000").unwrap();
    // The city and district of the institution with the most findings.
    let risk = store
        .risk_list(
            &domain::access::DataScope::Everything,
            store::browse::Paging::new(Some(1), Some(50)),
        )
        .await
        .unwrap();
    let (institution, district) = (0..risk.rows.len())
        .filter_map(|r| risk.get(r, "institution_id"))
        .filter_map(|id| {
            tables
                .institutions
                .iter()
                .find(|i| i.institution_id.as_str() == id)
        })
        .find(|i| i.region_code.level() == domain::region::RegionLevel::District)
        .map(|i| (i.institution_id.clone(), i.region_code))
        .unwrap();
    let city = district.city().unwrap();
    let now = chrono::Local::now().naive_local();
    let roles = [
        (Role::Admin, None, None),
        (Role::Province, Some(province), None),
        (Role::City, Some(city), None),
        (Role::District, Some(district), None),
        (Role::Supervisor, Some(city), None),
        (Role::Institution, None, Some(institution.clone())),
        (Role::Observer, Some(province), None),
    ];
    for (role, region, inst) in &roles {
        store
            .create_account(
                None,
                &NewAccount {
                    username: role.code().into(),
                    display_name: role.zh().into(),
                    role: *role,
                    region: *region,
                    institution: inst.clone(),
                    password: PASSWORD.into(),
                },
                now,
            )
            .await
            .unwrap();
    }
    let app = web::routes::router(web::AppState::new(store.clone()));

    // Cases against candidates and the institution, opened from findings by the
    // city official, so that case pages and documents name candidates.
    let (city_cookie, city_csrf) = login(&app, "city").await;
    let findings = store
        .finding_list(
            &domain::access::DataScope::Everything,
            &store::browse::FindingListFilter {
                institution_id: Some(institution.to_string()),
                ..Default::default()
            },
            store::browse::Paging::new(Some(1), Some(200)),
        )
        .await
        .unwrap();
    let mut opened = 0;
    for r in 0..findings.rows.len() {
        let party = if findings.get(r, "candidate_id").is_some() {
            "candidate"
        } else {
            "institution"
        };
        let id = findings.get(r, "finding_id").unwrap();
        let (s, _, _) = call(
            &app,
            "post",
            &format!("/findings/{id}/case"),
            Some(&city_cookie),
            Some(format!("_csrf={city_csrf}&party={party}")),
        )
        .await;
        if s == StatusCode::SEE_OTHER || s == StatusCode::OK {
            opened += 1;
        }
        if opened >= 3 {
            break;
        }
    }
    assert!(opened > 0, "cases opened for the crawl");

    // A candidate's number for the reveal check.
    let holder = tables
        .certificates
        .iter()
        .find(|c| c.institution_id == institution)
        .unwrap();

    let invented: BTreeSet<String> = Table::ALL
        .into_iter()
        .filter(|t| *t != Table::Meta)
        .flat_map(|t| {
            personal_numbers(&String::from_utf8(dataset::template::csv(t).unwrap()).unwrap())
        })
        .collect();
    let mut leaks: Vec<String> = Vec::new();
    let mut visited_total = 0;
    for (role, _, _) in &roles {
        let (cookie, _) = login(&app, role.code()).await;
        let mut queue: VecDeque<String> = web::routes::MENU
            .iter()
            .map(|(_, href)| href.to_string())
            .collect();
        // Searches that list people.
        queue.push_back(format!("/certificates?cert_no={}", holder.cert_no));
        queue.push_back(format!("/certificates?name={}", support::enc(&holder.name)));
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut per_shape: BTreeMap<String, usize> = BTreeMap::new();
        while let Some(url) = queue.pop_front() {
            if seen.len() >= 150 || !seen.insert(url.clone()) {
                continue;
            }
            let n = per_shape.entry(shape(&url)).or_default();
            if *n >= 3 {
                continue;
            }
            *n += 1;
            let r = send(&app, "get", &url, Some(&cookie), None).await;
            if !r.status.is_success() {
                continue;
            }
            visited_total += 1;
            let content_type = r.header("content-type");
            let text = if content_type.contains("spreadsheetml") {
                workbook_text(&r.body)
            } else {
                r.text()
            };
            for found in personal_numbers(&text) {
                // The import templates show their invented sample rows unmasked
                // (security.rs); those numbers, and only those, may appear there.
                if url.starts_with("/imports/templates/") && invented.contains(&found) {
                    continue;
                }
                leaks.push(format!("{} at {url}: {found}", role.code()));
            }
            if content_type.starts_with("text/html") {
                for link in links(&text) {
                    if !seen.contains(&link) {
                        queue.push_back(link);
                    }
                }
            }
        }
    }
    assert!(
        visited_total > 200,
        "the crawl visited {visited_total} pages"
    );
    leaks.sort();
    leaks.dedup();
    // One line per page: where, and one of the numbers it shows.
    let mut pages: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for l in &leaks {
        let (at, number) = l.rsplit_once(": ").unwrap();
        let e = pages
            .entry(at.to_string())
            .or_insert((0, number.to_string()));
        e.0 += 1;
    }
    assert!(
        leaks.is_empty(),
        "{} personal numbers shown on {} pages:\n{}",
        leaks.len(),
        pages.len(),
        pages
            .iter()
            .map(|(at, (n, one))| format!("{at}: {n}, e.g. {one}"))
            .collect::<Vec<_>>()
            .join("\n")
    );

    // The logged full view shows the number, and only after logging it.
    let (cookie, csrf) = login(&app, "city").await;
    let certs = store
        .certificates(
            &domain::access::DataScope::Everything,
            &store::browse::CertificateQuery {
                cert_no: Some(holder.cert_no.to_string()),
                id_number: None,
                name: None,
            },
            store::browse::Paging::new(None, None),
        )
        .await
        .unwrap();
    let cert_ref = certs.get(0, "cert_ref").unwrap();
    let r = send(
        &app,
        "post",
        "/certificates/reveal",
        Some(&cookie),
        Some(format!("_csrf={csrf}&cert_ref={cert_ref}")),
    )
    .await;
    assert!(r.text().contains(holder.candidate_id.as_str()));
    let log = store.operation_log(5, 0).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "view_id_number" && e.username == "city")
    );

    // A search by ID number keeps the number out of every link.
    let r = send(
        &app,
        "post",
        "/certificates",
        Some(&cookie),
        Some(format!(
            "_csrf={csrf}&id_number={}",
            holder.candidate_id.as_str()
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let to = r.location();
    assert!(!to.contains(holder.candidate_id.as_str()), "{to}");
    let (s, _, page) = call(&app, "get", &to, Some(&cookie), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains(holder.cert_no.as_str()),
        "the search found it"
    );
    assert!(personal_numbers(&page).is_empty());
    // Another account cannot use the token.
    let (other, _) = login(&app, "province").await;
    let (_, _, page) = call(&app, "get", &to, Some(&other), None).await;
    assert!(!page.contains(holder.cert_no.as_str()));
}
