//! The store benchmark: one command, `cargo bench -p store`, generates a province
//! (scale `ZHIJIAN_BENCH_SCALE`, default 20; 200 ≈ 14 M rows), reads it from the
//! CSV files (the baseline) and screens it, then for each backend imports it into
//! an empty store, imports it again into the full store (the idempotent path),
//! loads the snapshot back as a `Dataset` and screens that. Each phase runs
//! `ZHIJIAN_BENCH_RUNS` times (default 3; a fresh database per run) and the median
//! is printed. Set `ZHIJIAN_BENCH_DIR` to keep (and reuse) the generated province.
//!
//! SQLite always runs, in a temporary directory (under `TMPDIR`). PostgreSQL runs
//! when `ZHIJIAN_BENCH_PG` holds a URL (`postgres://postgres@127.0.0.1:5432/test`):
//! each run creates `zj_bench_<pid>` through it and drops it afterwards.
//!
//! The bench doubles as a check at scale: it panics if screening the snapshot
//! gives other findings than screening the files, and says so if the snapshot's
//! tables (read after the re-import) differ from the files'. Figures are printed
//! as each phase ends, then as one table.

use dataset::generate::{GenConfig, generate_to};
use dataset::{Format, ReadOptions, read_dataset};
use domain::model::{Dataset, Table, Tables};
use domain::rulebook::Rulebook;
use screen::Finding;
use sqlx::{AssertSqlSafe, Connection as _};
use std::path::{Path, PathBuf};
use std::time::Instant;
use store::{Address, ImportOptions, Store};
use tokio::runtime::Runtime;

fn env_u32(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A `kB` line of `/proc/self/status` (`VmHWM`, `VmRSS`), in MiB; 0 elsewhere.
fn status_mib(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Peak resident memory of one phase: resets the kernel's high-water mark
/// (`/proc/self/clear_refs` ← 5, Linux ≥ 4.0) before the phase and reads it after.
#[derive(Clone, Copy, Default)]
struct Peak {
    /// Resident at the start of the phase (what was already held).
    start: f64,
    /// High-water mark during the phase.
    peak: f64,
}

fn peak_of<T>(f: impl FnOnce() -> T) -> (T, Peak) {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let start = status_mib("VmRSS");
    let out = f();
    (
        out,
        Peak {
            start,
            peak: status_mib("VmHWM"),
        },
    )
}

fn max_peak(v: &[Peak]) -> Peak {
    v.iter()
        .copied()
        .max_by(|a, b| a.peak.total_cmp(&b.peak))
        .unwrap_or_default()
}

fn rows_of(t: &Tables) -> usize {
    Table::ALL.iter().map(|&x| t.len(x)).sum()
}

/// The tables (fields of `Tables`) that differ.
fn differing_tables(a: &Tables, b: &Tables) -> Vec<&'static str> {
    let mut out = Vec::new();
    macro_rules! compare {
        ($($field:ident),*) => {
            $( if a.$field != b.$field { out.push(stringify!($field)); } )*
        };
    }
    compare!(
        meta,
        institutions,
        scopes,
        sites,
        affiliates,
        personnel,
        batches,
        sessions,
        batch_staff,
        batch_changes,
        enrollments,
        scores,
        results,
        papers,
        answers,
        certificates,
        standards,
        complaints,
        promotions,
        access_log,
        sanctions,
        present
    );
    out
}

fn assert_same_findings(backend: &str, files: &[Finding], stored: &[Finding]) {
    if files == stored {
        return;
    }
    let first = files
        .iter()
        .zip(stored)
        .position(|(a, b)| a != b)
        .unwrap_or(files.len().min(stored.len()));
    panic!(
        "{backend}: screening the snapshot gave other findings than screening the files \
         ({} from the files, {} from the store); first difference at #{first}:\n  files: {:?}\n  store: {:?}",
        files.len(),
        stored.len(),
        files.get(first),
        stored.get(first),
    );
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let host_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[host_start..]
        .find('/')
        .map_or(base.len(), |i| host_start + i);
    format!("{}/{name}{query}", &base[..host_end])
}

/// Runs one statement on its own connection to `url` (outside any transaction, as
/// `CREATE DATABASE` needs).
async fn pg_execute(url: &str, sql: String) {
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
    sqlx::raw_sql(AssertSqlSafe(sql.clone()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = conn.close().await;
}

async fn pg_database_size(url: &str) -> u64 {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
    let (n,): (i64,) = sqlx::query_as("SELECT pg_database_size(current_database())")
        .fetch_one(&mut conn)
        .await
        .expect("pg_database_size");
    let _ = conn.close().await;
    n as u64
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// One backend's figures, one entry per run.
#[derive(Default)]
struct Figures {
    import: Vec<f64>,
    import_peak: Vec<Peak>,
    rows: u64,
    reimport: Vec<f64>,
    reimport_peak: Vec<Peak>,
    replaced: u64,
    load: Vec<f64>,
    load_peak: Vec<Peak>,
    loaded_rows: usize,
    screen: Vec<f64>,
    screen_peak: Vec<Peak>,
    bytes: u64,
    differing: Vec<&'static str>,
}

/// Where one run's database is, and how to get rid of it.
enum Target {
    Sqlite(tempfile::TempDir),
    Postgres { admin: String, name: String },
}

impl Target {
    fn address(&self) -> Address {
        match self {
            Target::Sqlite(dir) => Address::Sqlite(dir.path().join("bench.db")),
            Target::Postgres { admin, name } => Address::Postgres(with_database(admin, name)),
        }
    }
}

/// One run against a fresh database: import, re-import, load, screen; returns the
/// snapshot's findings (compared by the caller once the database is gone). Each
/// phase is printed as it ends, so a slow phase does not hide the others.
fn run_once(
    rt: &Runtime,
    backend: &str,
    target: &Target,
    ds: &Dataset,
    book: &Rulebook,
    fig: &mut Figures,
) -> Vec<Finding> {
    let address = target.address();
    let store = rt
        .block_on(Store::open(&address))
        .unwrap_or_else(|e| panic!("opening {}: {e}", address.display()));
    let opts = ImportOptions {
        source: "bench",
        progress: None,
    };

    let t = Instant::now();
    let (report, peak) = peak_of(|| rt.block_on(store.import(&ds.tables, &opts)));
    let report = report.expect("import into an empty store");
    let secs = t.elapsed().as_secs_f64();
    fig.import.push(secs);
    fig.import_peak.push(peak);
    fig.rows = report.rows;
    println!(
        "  {backend}: import into an empty store: {} rows in {secs:.2} s ({} rows/s), peak {} MiB",
        report.rows,
        thousands(report.rows as f64 / secs),
        mem(peak)
    );

    let t = Instant::now();
    let (report, peak) = peak_of(|| rt.block_on(store.import(&ds.tables, &opts)));
    let report = report.expect("re-import into the full store");
    let secs = t.elapsed().as_secs_f64();
    fig.reimport.push(secs);
    fig.reimport_peak.push(peak);
    fig.replaced = report.replaced_rows;
    println!(
        "  {backend}: re-import of the same data: {} rows in {secs:.2} s ({} rows/s), {} replaced, peak {} MiB",
        report.rows,
        thousands(report.rows as f64 / secs),
        report.replaced_rows,
        mem(peak)
    );
    fig.bytes = match target {
        Target::Sqlite(dir) => dir_size(dir.path()),
        Target::Postgres { admin, name } => {
            rt.block_on(pg_database_size(&with_database(admin, name)))
        }
    };

    let t = Instant::now();
    let (snapshot, peak) = peak_of(|| rt.block_on(store.load_dataset()));
    let snapshot = snapshot.expect("load_dataset");
    let secs = t.elapsed().as_secs_f64();
    fig.load.push(secs);
    fig.load_peak.push(peak);
    fig.loaded_rows = rows_of(&snapshot.tables);
    println!(
        "  {backend}: load_dataset: {} rows in {secs:.2} s ({} rows/s), peak {} MiB",
        fig.loaded_rows,
        thousands(fig.loaded_rows as f64 / secs),
        mem(peak)
    );
    rt.block_on(store.close());
    drop(store);

    let t = Instant::now();
    let (s, peak) = peak_of(|| screen::screen(&snapshot, &screen::Options::new(book)));
    let secs = t.elapsed().as_secs_f64();
    fig.screen.push(secs);
    fig.screen_peak.push(peak);
    println!(
        "  {backend}: screen the snapshot: {} findings in {secs:.2} s, peak {} MiB",
        s.findings.len(),
        mem(peak)
    );
    fig.differing = differing_tables(&ds.tables, &snapshot.tables);
    drop(snapshot);

    s.findings
}

fn run_backend(
    rt: &Runtime,
    backend: &str,
    pg_admin: Option<&str>,
    runs: u32,
    ds: &Dataset,
    book: &Rulebook,
    file_findings: &[Finding],
) -> Figures {
    let mut fig = Figures::default();
    for run in 0..runs {
        let target = match pg_admin {
            None => Target::Sqlite(
                tempfile::Builder::new()
                    .prefix("zj-store-bench")
                    .tempdir()
                    .expect("temp dir"),
            ),
            Some(admin) => {
                let name = format!("zj_bench_{}", std::process::id());
                rt.block_on(async {
                    pg_execute(
                        admin,
                        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    )
                    .await;
                    pg_execute(admin, format!("CREATE DATABASE {name}")).await;
                });
                Target::Postgres {
                    admin: admin.to_string(),
                    name,
                }
            }
        };
        println!(
            "{backend} run {}/{runs}: {}",
            run + 1,
            target.address().display()
        );
        let findings = run_once(rt, backend, &target, ds, book, &mut fig);
        if let Target::Postgres { admin, name } = &target {
            rt.block_on(pg_execute(
                admin,
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            ));
        }
        drop(target);
        assert_same_findings(backend, file_findings, &findings);
        if !fig.differing.is_empty() {
            println!(
                "WARNING {backend}: the snapshot's tables differ from the files' in: {}",
                fig.differing.join(", ")
            );
        }
    }
    fig
}

fn thousands(n: f64) -> String {
    if n >= 1e6 {
        format!("{:.2} M", n / 1e6)
    } else {
        format!("{:.0} k", n / 1e3)
    }
}

fn mem(p: Peak) -> String {
    if p.peak == 0.0 {
        return String::new();
    }
    format!("{:.0} (+{:.0})", p.peak, (p.peak - p.start).max(0.0))
}

fn main() {
    let scale = env_u32("ZHIJIAN_BENCH_SCALE", 20);
    let runs = env_u32("ZHIJIAN_BENCH_RUNS", 3).max(1);
    let pg = std::env::var("ZHIJIAN_BENCH_PG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = std::env::var_os("ZHIJIAN_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().join(format!("scale-{scale}")));
    if !dir.join("institutions.csv").exists() {
        let t = Instant::now();
        let config = GenConfig {
            scale,
            seed: 1,
            ..GenConfig::default()
        };
        generate_to(&dir, Format::Csv, &config, |_| {}).expect("generate");
        println!(
            "generated scale {scale} in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let book = Rulebook::national();

    // The baseline: the files, read and screened.
    let (mut read, mut read_peak, mut screening, mut screen_peak) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut ds = None;
    let mut file_findings = Vec::new();
    for _ in 0..runs {
        drop(ds.take());
        let t = Instant::now();
        let (loaded, peak) = peak_of(|| read_dataset(&dir, &ReadOptions::default()));
        let d = loaded.expect("read").dataset;
        read.push(t.elapsed().as_secs_f64());
        read_peak.push(peak);
        let t = Instant::now();
        let (s, peak) = peak_of(|| screen::screen(&d, &screen::Options::new(&book)));
        screening.push(t.elapsed().as_secs_f64());
        screen_peak.push(peak);
        file_findings = s.findings;
        ds = Some(d);
    }
    let ds = ds.expect("at least one run");
    let rows = rows_of(&ds.tables);
    let (r, s) = (median(read), median(screening));
    println!(
        "files: {rows} rows read in {r:.2} s, {} findings in {s:.2} s",
        file_findings.len()
    );

    let mut backends = vec![(
        "sqlite",
        run_backend(&rt, "sqlite", None, runs, &ds, &book, &file_findings),
    )];
    if let Some(url) = &pg {
        backends.push((
            "postgres",
            run_backend(&rt, "postgres", Some(url), runs, &ds, &book, &file_findings),
        ));
    }

    println!(
        "scale {scale}: {rows} rows, {} enrollments, {} findings (median of {runs}, {} cores)",
        ds.tables.enrollments.len(),
        file_findings.len(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    println!("| phase | seconds | rows/s | vs files | peak RSS MiB (+phase) |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| files: read + validate + index (CSV) | {r:.2} | {} | 1.00× | {} |",
        thousands(rows as f64 / r),
        mem(max_peak(&read_peak))
    );
    println!(
        "| files: screen | {s:.2} | {} | 1.00× | {} |",
        thousands(rows as f64 / s),
        mem(max_peak(&screen_peak))
    );
    for (name, f) in &backends {
        let (i, ri, l, sc) = (
            median(f.import.clone()),
            median(f.reimport.clone()),
            median(f.load.clone()),
            median(f.screen.clone()),
        );
        println!(
            "| {name}: import into empty store ({} rows) | {i:.2} | {} | | {} |",
            f.rows,
            thousands(f.rows as f64 / i),
            mem(max_peak(&f.import_peak))
        );
        println!(
            "| {name}: re-import, same data ({} rows replaced) | {ri:.2} | {} | | {} |",
            f.replaced,
            thousands(f.rows as f64 / ri),
            mem(max_peak(&f.reimport_peak))
        );
        println!(
            "| {name}: load_dataset (snapshot, {} rows) | {l:.2} | {} | {:.2}× | {} |",
            f.loaded_rows,
            thousands(f.loaded_rows as f64 / l),
            l / r,
            mem(max_peak(&f.load_peak))
        );
        println!(
            "| {name}: screen the snapshot | {sc:.2} | {} | {:.2}× | {} |",
            thousands(f.loaded_rows as f64 / sc),
            sc / s,
            mem(max_peak(&f.screen_peak))
        );
    }
    for (name, f) in &backends {
        println!(
            "{name}: {:.2} GiB on disk after the re-import; findings from the snapshot identical to the files' ({}); tables {}",
            f.bytes as f64 / (1u64 << 30) as f64,
            file_findings.len(),
            if f.differing.is_empty() {
                "identical".to_string()
            } else {
                format!("DIFFER in {}", f.differing.join(", "))
            },
        );
    }
}
