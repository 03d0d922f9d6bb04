//! The store commands: `import`, `export`, `findings`, `mark`, and opening the
//! store for `screen --db`. Each runs the async store API on a runtime of its own.

use crate::progress::{bar, peak_memory_mib, read_with_progress};
use anyhow::Context;
use std::path::Path;
use std::time::Instant;
use store::{Address, FindingFilter, ImportOptions, Mark, Store};

/// A runtime for one command.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Opens `--db`, else `ZHIJIAN_DB`, else the default store under the data directory.
pub async fn open(db: Option<&str>) -> anyhow::Result<Store> {
    let address = match db {
        Some(url) => Address::parse(url)?,
        None => Address::from_env_or_default()?,
    };
    Store::open(&address)
        .await
        .with_context(|| format!("无法打开数据库 cannot open the store {}", address.display()))
}

/// `zhijian import PATH [--db URL]`.
pub fn import(path: &Path, db: Option<&str>) -> anyhow::Result<()> {
    let started = Instant::now();
    let loaded = read_with_progress(path)?;
    for w in &loaded.warnings {
        eprintln!("提示 warning: {w}");
    }
    let read_secs = started.elapsed().as_secs_f64();
    let tables = loaded.dataset.tables;
    let rt = runtime()?;
    rt.block_on(async {
        let store = open(db).await?;
        let progress = bar(0, "导入 importing", false);
        let report = |done: u64, total: u64| {
            progress.set_length(total);
            progress.set_position(done);
        };
        let source = path.display().to_string();
        let opts = ImportOptions {
            source: &source,
            progress: Some(&report),
        };
        let r = store.import(&tables, &opts).await.with_context(|| {
            format!(
                "导入失败，数据库未改变 / import failed, the store is unchanged: {}",
                store.address()
            )
        })?;
        progress.finish_and_clear();
        println!(
            "导入 imported into {} (import #{})",
            store.address(),
            r.import_id
        );
        for (t, n) in &r.tables {
            println!("  {:<16} {:>10}  {}", t.name(), n, t.zh());
        }
        println!(
            "替换 replaced: {} stored rows, {} batches",
            r.replaced_rows, r.replaced_batches
        );
        let rate = if r.seconds > 0.0 {
            r.rows as f64 / r.seconds
        } else {
            0.0
        };
        let peak = peak_memory_mib().map_or(String::new(), |m| format!(", peak memory {m:.0} MiB"));
        println!(
            "用时 time: read {read_secs:.1} s, import {:.1} s: {} rows, {:.0} rows/s{peak}",
            r.seconds, r.rows, rate
        );
        store.close().await;
        Ok(())
    })
}

/// `zhijian export --db URL --out PATH [--format csv|xlsx]`.
pub fn export(
    db: Option<&str>,
    out: &Path,
    format: dataset::Format,
    chinese: bool,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let rt = runtime()?;
    let tables = rt.block_on(async {
        let store = open(db).await?;
        let t = store
            .load()
            .await
            .context("读取数据库失败 cannot read the store")?;
        store.close().await;
        anyhow::Ok(t)
    })?;
    let load_secs = started.elapsed().as_secs_f64();
    let writing = Instant::now();
    let headers = if chinese {
        dataset::write::Headers::Chinese
    } else {
        dataset::write::Headers::English
    };
    let mut w = dataset::DatasetWriter::create_with(out, format, headers)
        .with_context(|| format!("cannot write {}", out.display()))?;
    w.append(&tables)?;
    w.finish()?;
    let rows: usize = domain::model::Table::ALL
        .iter()
        .map(|&t| tables.len(t))
        .sum();
    println!(
        "导出 exported {rows} rows of {} tables to {}",
        tables.present.len(),
        out.display()
    );
    println!(
        "用时 time: load {load_secs:.1} s, write {:.1} s",
        writing.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `zhijian findings [--db URL] [--status S] [--rule R] [--institution I] [--limit N]`.
pub fn findings(db: Option<&str>, filter: FindingFilter) -> anyhow::Result<()> {
    let rt = runtime()?;
    rt.block_on(async {
        let store = open(db).await?;
        let Some(latest) = store.latest_run().await? else {
            println!("尚无筛查记录 no screening run yet: run `zhijian screen --db …` first");
            return Ok(());
        };
        let list = store
            .findings(&domain::access::DataScope::Everything, &filter)
            .await?;
        println!(
            "{:>8}  {:<10} {:<38} {:<6} {:<14} {:<14} 说明 message",
            "id", "status", "rule", "item", "institution", "batch"
        );
        for f in &list {
            let stale = if f.last_run < latest {
                " (最近一次筛查未再发现 not in the latest run)"
            } else {
                ""
            };
            println!(
                "{:>8}  {:<10} {:<38} {:>4}   {:<14} {:<14} {}{}",
                f.finding_id,
                f.status.code(),
                f.rule,
                f.item,
                f.subject.institution_id.as_deref().unwrap_or("-"),
                f.subject.batch_id.as_deref().unwrap_or("-"),
                f.message,
                stale
            );
        }
        println!("共 {} 条 findings (latest run #{latest})", list.len());
        store.close().await;
        Ok(())
    })
}

/// `zhijian mark ID confirmed|dismissed|open --reason TEXT --by NAME [--db URL]`.
pub fn mark(db: Option<&str>, id: i64, status: Mark, reason: &str, by: &str) -> anyhow::Result<()> {
    let rt = runtime()?;
    rt.block_on(async {
        let store = open(db).await?;
        store
            .mark(id, status, reason, by, chrono::Local::now().naive_local())
            .await?;
        println!(
            "预警 #{id} 已标记为 marked {}（{}）",
            status.code(),
            status.zh()
        );
        store.close().await;
        Ok(())
    })
}
