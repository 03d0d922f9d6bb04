//! `zhijian check`: read, validate and summarise a dataset.

use crate::progress::{pad, peak_memory_mib, read_with_progress};
use domain::model::{Dataset, Table};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// How many warnings are printed before the rest are only counted.
const WARNINGS_SHOWN: usize = 20;

pub fn run(path: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let loaded = read_with_progress(path)?;
    print!("{}", summary(&loaded.dataset));
    if !loaded.warnings.is_empty() {
        println!("\n提示 warnings ({}):", loaded.warnings.len());
        for w in loaded.warnings.iter().take(WARNINGS_SHOWN) {
            println!("  {w}");
        }
        if loaded.warnings.len() > WARNINGS_SHOWN {
            println!("  … {} more", loaded.warnings.len() - WARNINGS_SHOWN);
        }
    }
    let peak = peak_memory_mib().map_or(String::new(), |m| format!(", peak memory {m:.0} MiB"));
    println!(
        "\n校验通过 valid: read in {:.1} s{peak}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The printed summary: counts per table, dates, jurisdiction, dangling references.
pub fn summary(ds: &Dataset) -> String {
    use std::fmt::Write;
    let t = &ds.tables;
    let mut s = String::new();
    let region = t
        .meta
        .region_code
        .map_or("(未指定 not given)".to_string(), |r| {
            format!("{r} {}", r.province_name())
        });
    let policy = t.meta.policy.as_deref().unwrap_or("national");
    writeln!(
        s,
        "辖区 jurisdiction: {region}    规则手册 policy: {policy}"
    )
    .unwrap();
    let date = |d: Option<domain::Date>| d.map_or("-".to_string(), |d| d.to_string());
    writeln!(
        s,
        "数据截止 as of: {}    筛查起始 window from: {}",
        date(ds.as_of()),
        date(ds.window_from())
    )
    .unwrap();
    if let Some((from, to)) = ds.activity_range() {
        writeln!(s, "评价活动 activities: {from} .. {to}").unwrap();
    }
    writeln!(s, "\n{} {} {:>12}", pad("table", 14), pad("表", 18), "rows").unwrap();
    for table in Table::ALL {
        let rows = if t.present.contains(&table) {
            t.len(table).to_string()
        } else {
            "(absent 缺)".to_string()
        };
        writeln!(
            s,
            "{} {} {rows:>12}",
            pad(table.name(), 14),
            pad(table.zh(), 18)
        )
        .unwrap();
    }
    // Declared values that are malformed are kept for screening (dataset.md,
    // “Declared values”): counted here, reported as findings by `screen`.
    let mut malformed: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &t.enrollments {
        for m in e.malformed() {
            *malformed.entry(m.column).or_default() += 1;
        }
    }
    if !malformed.is_empty() {
        writeln!(
            s,
            "\n申报信息无法识别 malformed declared values (kept as written; `screen` reports them):"
        )
        .unwrap();
        for (column, n) in malformed {
            writeln!(s, "  enrollments.{column}: {n}").unwrap();
        }
    }
    let absent = t.scores.iter().filter(|r| r.score.is_none()).count();
    if absent > 0 {
        writeln!(s, "\n缺考 absent scores: {absent}").unwrap();
    }
    if !ds.reference_issues().is_empty() {
        let mut by: BTreeMap<(Table, &str, Table), usize> = BTreeMap::new();
        for i in ds.reference_issues() {
            *by.entry((i.table, i.column, i.target)).or_default() += 1;
        }
        writeln!(s, "\n引用缺失 dangling references (kept for screening):").unwrap();
        for ((table, column, target), n) in by {
            writeln!(s, "  {table}.{column} → {target}: {n}").unwrap();
        }
    }
    s
}
