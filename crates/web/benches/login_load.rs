//! Pages under a storm of logins: `cargo bench -p web --bench login_load`.
//!
//! argon2id is slow on purpose (tens of milliseconds and 19 MiB per check); run on
//! the async workers it stalled every page while logins arrived. The store now
//! checks passwords on the blocking pool with all cores but one, so pages keep a
//! core. This measures a logged-in official's list page (机构管理, first page) on a
//! screened scale-1 province, first idle, then while `ZHIJIAN_BENCH_LOGINS` logins
//! per second (default 50; unknown users and wrong passwords, each on its own
//! connection) arrive for `ZHIJIAN_BENCH_SECONDS` (default 10), and prints the
//! page's latency percentiles in both phases and the ratio (target: p50 and p99
//! within 2× idle).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Bench-password-2026";

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One HTTP/1.1 request on a new connection: (status, headers, body).
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: &str,
    body: &str,
) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        req.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if method == "POST" {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("send");
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("read");
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// The `name=value` of every Set-Cookie in a response head.
fn cookies(head: &str) -> Vec<String> {
    head.lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .filter_map(|c| c.split(';').next())
        .map(str::to_string)
        .collect()
}

fn csrf(page: &str) -> String {
    page.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// Logs in; returns the session cookie (empty when refused).
fn login(addr: SocketAddr, user: &str, password: &str) -> String {
    let (_, head, page) = request(addr, "GET", "/login", "", "");
    let form = cookies(&head).into_iter().next().unwrap_or_default();
    let (_, head, _) = request(
        addr,
        "POST",
        "/login",
        &form,
        &format!("_csrf={}&username={user}&password={password}", csrf(&page)),
    );
    cookies(&head)
        .into_iter()
        .find(|c| c.starts_with("zhijian_session="))
        .unwrap_or_default()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Page latencies (ms) for `seconds`, one request after another.
fn measure_pages(addr: SocketAddr, cookie: &str, seconds: u64) -> Vec<f64> {
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut out = Vec::new();
    while Instant::now() < end {
        let t = Instant::now();
        let (status, _, _) = request(addr, "GET", "/institutions", cookie, "");
        assert_eq!(status, 200, "the page answers");
        out.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    out.sort_by(f64::total_cmp);
    out
}

fn main() {
    let seconds = env("ZHIJIAN_BENCH_SECONDS", 10);
    let rate = env("ZHIJIAN_BENCH_LOGINS", 50);
    let dir = tempfile::tempdir().expect("temp dir");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let addr = rt.block_on(async {
        let store = store::Store::open(&store::Address::Sqlite(dir.path().join("bench.db")))
            .await
            .expect("store");
        let province = domain::RegionCode::parse("420000").unwrap();
        let (tables, _) = dataset::generate::generate_tables(&dataset::generate::GenConfig {
            scale: 1,
            seed: 1,
            province,
            ..Default::default()
        });
        store
            .import(
                &tables,
                &store::ImportOptions {
                    source: "bench",
                    progress: None,
                },
            )
            .await
            .expect("import");
        app::screening::screen_store(&store).await.expect("screen");
        for (name, role, region) in [
            ("official", domain::access::Role::Province, "420000"),
            ("victim", domain::access::Role::City, "420100"),
        ] {
            store
                .create_account(
                    None,
                    &store::accounts::NewAccount {
                        username: name.into(),
                        display_name: name.into(),
                        role,
                        region: Some(domain::RegionCode::parse(region).unwrap()),
                        institution: None,
                        password: PASSWORD.into(),
                    },
                    chrono::Local::now().naive_local(),
                )
                .await
                .expect("account");
        }
        let listener = web::bind("127.0.0.1:0".parse().unwrap())
            .await
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        tokio::spawn(web::serve_on(web::AppState::new(store), listener));
        addr
    });
    let cookie = login(addr, "official", PASSWORD);
    assert!(!cookie.is_empty(), "the official logs in");
    // Warm up.
    measure_pages(addr, &cookie, 1);
    let idle = measure_pages(addr, &cookie, seconds);

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let login_ms = Arc::new(std::sync::Mutex::new(Vec::new()));
    let storm = {
        let (stop, done, login_ms) = (stop.clone(), done.clone(), login_ms.clone());
        std::thread::spawn(move || {
            let gap = Duration::from_secs_f64(1.0 / rate as f64);
            let mut next = Instant::now();
            let mut k = 0u64;
            let mut workers = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                next += gap;
                if let Some(wait) = next.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                k += 1;
                let (done, login_ms) = (done.clone(), login_ms.clone());
                workers.push(std::thread::spawn(move || {
                    let t = Instant::now();
                    let user = if k.is_multiple_of(2) {
                        format!("nobody{k}")
                    } else {
                        "victim".to_string()
                    };
                    login(addr, &user, "Wrong-guess-2026");
                    login_ms
                        .lock()
                        .unwrap()
                        .push(t.elapsed().as_secs_f64() * 1000.0);
                    done.fetch_add(1, Ordering::Relaxed);
                }));
            }
            for w in workers {
                let _ = w.join();
            }
        })
    };
    // Let the storm build up before measuring.
    std::thread::sleep(Duration::from_secs(1));
    let started = Instant::now();
    let before = done.load(Ordering::Relaxed);
    let loaded = measure_pages(addr, &cookie, seconds);
    let logins_per_s =
        (done.load(Ordering::Relaxed) - before) as f64 / started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    storm.join().unwrap();
    let mut logins = login_ms.lock().unwrap().clone();
    logins.sort_by(f64::total_cmp);

    let (i50, i99) = (percentile(&idle, 0.5), percentile(&idle, 0.99));
    let (l50, l99) = (percentile(&loaded, 0.5), percentile(&loaded, 0.99));
    println!("| phase | page requests | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|");
    println!("| idle | {} | {i50:.2} | {i99:.2} |", idle.len());
    println!(
        "| {rate} logins/s offered ({logins_per_s:.1}/s answered) | {} | {l50:.2} | {l99:.2} |",
        loaded.len()
    );
    println!(
        "ratio loaded/idle: p50 {:.2}×, p99 {:.2}×; login answer p50 {:.0} ms, p99 {:.0} ms ({} logins)",
        l50 / i50,
        l99 / i99,
        percentile(&logins, 0.5),
        percentile(&logins, 0.99),
        logins.len()
    );
}
