//! `zhijian serve` and `zhijian demo`: the officials' platform over a store.
//!
//! `demo` is the README's main command: on first use it generates a province
//! (scale 1, dated today) into its own SQLite store, names its regions,
//! screens it, and creates one account per role; on every start it gives each
//! demo account a fresh random password and prints them with the address.

use crate::db;
use anyhow::Context;
use domain::RegionCode;
use domain::access::Role;
use domain::ids::InstitutionId;
use std::net::SocketAddr;
use std::time::Instant;
use store::Store;
use store::accounts::NewAccount;

/// The registry's automatic steps (第二十条 reminders and expiry after a reminder,
/// 第二十一条 dormancy proposals), run at start and then every six hours.
async fn maintain(store: &Store) -> anyhow::Result<()> {
    let today = chrono::Local::now().date_naive();
    let done = app::maintenance::registry(store, today).await?;
    if done.reminded > 0 {
        println!(
            "备案维护 registry: {} 家到期提醒 renewal reminders sent",
            done.reminded
        );
    }
    if done.expired > 0 || done.proposed > 0 {
        println!(
            "备案维护 registry: {} 家到期自动取消 expired, {} 家一年未开展评价拟取消 proposed for cancellation",
            done.expired, done.proposed
        );
    }
    Ok(())
}

async fn run_server(
    store: Store,
    addr: SocketAddr,
    banner: String,
    secure_cookies: bool,
) -> anyhow::Result<()> {
    let listener = web::bind(addr).await.with_context(|| {
        format!("无法监听 cannot listen on {addr} (in use? try --addr 127.0.0.1:8081)")
    })?;
    maintain(&store).await?;
    let background = store.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(6 * 3600));
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = maintain(&background).await {
                eprintln!("备案维护失败 registry maintenance failed: {e:#}");
            }
        }
    });
    println!("{banner}");
    println!(
        "访问 open http://{}/  (Ctrl-C 停止 to stop)",
        listener.local_addr()?
    );
    let mut state = web::AppState::new(store);
    state.secure_cookies = secure_cookies;
    web::serve_on(state, listener).await?;
    Ok(())
}

/// `zhijian serve [--db URL] [--addr A]`.
pub fn serve(db: Option<&str>, addr: SocketAddr, secure_cookies: bool) -> anyhow::Result<()> {
    init_logging();
    let rt = db::runtime()?;
    rt.block_on(async {
        let store = db::open(db).await?;
        let mut banner = format!("职鉴监管平台 Zhijian platform on {}", store.address());
        // A store without accounts gets its administrator, once.
        if store.account_count().await? == 0 {
            let password = store::accounts::generate_password()?;
            store
                .create_account(
                    None,
                    &NewAccount {
                        username: "admin".into(),
                        display_name: "系统管理员".into(),
                        role: Role::Admin,
                        region: None,
                        institution: None,
                        password: password.clone(),
                    },
                    chrono::Local::now().naive_local(),
                )
                .await?;
            banner.push_str(&format!(
                "\n首次启动：已创建系统管理员 first start: created the administrator  admin  {password}  (请登录后在“账号管理”中为各级人员创建账号 create the officials' accounts under 账号管理)"
            ));
        }
        run_server(store, addr, banner, secure_cookies).await
    })
}

/// The demo's accounts: user name, display name, role, anchoring.
struct DemoAccount {
    username: &'static str,
    display: &'static str,
    role: Role,
}

const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        display: "系统管理员",
        role: Role::Admin,
    },
    DemoAccount {
        username: "province",
        display: "省职鉴中心 王科长",
        role: Role::Province,
    },
    DemoAccount {
        username: "city",
        display: "市人社局 李科长",
        role: Role::City,
    },
    DemoAccount {
        username: "district",
        display: "区人社局 张主任",
        role: Role::District,
    },
    DemoAccount {
        username: "supervisor",
        display: "质量督导员 赵老师",
        role: Role::Supervisor,
    },
    DemoAccount {
        username: "clerk",
        display: "评价机构经办人 陈经办",
        role: Role::Institution,
    },
    DemoAccount {
        username: "observer",
        display: "纪检监察 刘处长",
        role: Role::Observer,
    },
];

/// `zhijian demo [--db URL] [--addr A]`.
pub fn demo(db: Option<&str>, addr: SocketAddr, secure_cookies: bool) -> anyhow::Result<()> {
    init_logging();
    let started = Instant::now();
    let rt = db::runtime()?;
    rt.block_on(async {
        let store = match db {
            Some(url) => db::open(Some(url)).await?,
            None => {
                let path = match store::Address::from_env_or_default()? {
                    store::Address::Sqlite(p) => p.with_file_name("demo.db"),
                    store::Address::Postgres(_) => anyhow::bail!("the demo keeps its own SQLite store; pass --db to use another"),
                };
                Store::open(&store::Address::Sqlite(path)).await?
            }
        };
        let province = RegionCode::parse("420000").expect("Hubei");
        if store.present_tables().await?.is_empty() {
            println!("生成演示省份 generating the demo province (scale 1, dated today) …");
            let config = dataset::generate::GenConfig {
                seed: 1,
                as_of: chrono::Local::now().date_naive(),
                province,
                ..dataset::generate::GenConfig::default()
            };
            let (tables, _) = tokio::task::spawn_blocking(move || dataset::generate::generate_tables(&config)).await?;
            store
                .import(&tables, &store::ImportOptions { source: "zhijian demo", progress: None })
                .await?;
            println!("筛查 screening …");
            println!("{}", app::screening::screen_store(&store).await.map_err(anyhow::Error::msg)?);
        }
        if store.regions().await?.is_empty() {
            store.set_regions(&dataset::generate::region_names(province)).await?;
        }
        let accounts = ensure_accounts(&store).await?;
        let mut banner = format!(
            "职鉴监管平台演示 Zhijian demo ({:.1} s) — store {}\n演示账号 demo accounts (密码每次启动重新生成 new passwords at every start):",
            started.elapsed().as_secs_f64(),
            store.address()
        );
        for (a, scope, password) in &accounts {
            banner.push_str(&format!(
                "\n  {:<11} {:<22} {}  {}",
                a.username,
                password,
                a.role.zh(),
                scope
            ));
        }
        run_server(store, addr, banner, secure_cookies).await
    })
}

/// Creates the demo accounts if missing (anchored where the data has the most
/// to show) and gives each a new random password.
async fn ensure_accounts(
    store: &Store,
) -> anyhow::Result<Vec<(&'static DemoAccount, String, String)>> {
    let now = chrono::Local::now().naive_local();
    let institutions = store.institutions_table().await?;
    // The city and district with the most institutions; the clerk's institution
    // is the one of that city with the most findings in the latest run.
    let mut per_city: std::collections::BTreeMap<RegionCode, usize> = Default::default();
    let mut per_district: std::collections::BTreeMap<RegionCode, usize> = Default::default();
    for i in &institutions {
        if let Some(c) = i.region_code.city() {
            *per_city.entry(c).or_default() += 1;
        }
        *per_district.entry(i.region_code).or_default() += 1;
    }
    let city = per_city
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(c, _)| *c)
        .context("the demo store has no institutions")?;
    let district = per_district
        .iter()
        .filter(|(d, _)| city.contains(d) && **d != city)
        .max_by_key(|(_, n)| **n)
        .map(|(d, _)| *d)
        .unwrap_or(city);
    let province = city.province();
    let risky = store
        .risk_list(
            &domain::access::DataScope::Region(city),
            store::browse::Paging::new(Some(1), Some(1)),
        )
        .await?;
    let clerk_institution: InstitutionId = match risky.get(0, "institution_id") {
        Some(id) => InstitutionId::parse(id)?,
        None => institutions
            .iter()
            .find(|i| city.contains(&i.region_code))
            .map(|i| i.institution_id.clone())
            .context("no institution in the demo city")?,
    };
    let mut out = Vec::new();
    for a in DEMO_ACCOUNTS {
        let (region, institution, scope) = match a.role {
            Role::Admin => (None, None, "全部".to_string()),
            Role::Province | Role::Observer => (Some(province), None, format!("{province}")),
            Role::City | Role::Supervisor => (Some(city), None, format!("{city}")),
            Role::District => (Some(district), None, format!("{district}")),
            Role::Institution => (
                None,
                Some(clerk_institution.clone()),
                format!("机构 {clerk_institution}"),
            ),
        };
        let password = store::accounts::generate_password()?;
        if store.account_exists(a.username).await? {
            store.set_password(a.username, &password, now).await?;
        } else {
            store
                .create_account(
                    None,
                    &NewAccount {
                        username: a.username.to_string(),
                        display_name: a.display.to_string(),
                        role: a.role,
                        region,
                        institution,
                        password: password.clone(),
                    },
                    now,
                )
                .await?;
        }
        out.push((a, scope, password));
    }
    Ok(out)
}

/// Logs to stderr: one line per request (its id, method, path, status and
/// latency) and every internal error with its cause, in the request's span.
/// `ZHIJIAN_LOG` sets the level: `info` by default, `warn` for quiet, `debug`
/// for more.
fn init_logging() {
    use tracing_subscriber::filter::LevelFilter;
    let level = std::env::var("ZHIJIAN_LOG")
        .ok()
        .and_then(|v| v.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    // A second call (tests in one process) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
