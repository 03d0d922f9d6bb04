//! `zhijian generate`: write a synthetic province and its violation labels.

use crate::progress::{bar, pad, peak_memory_mib};
use dataset::Format;
use dataset::generate::{GenConfig, generate_to};
use std::path::Path;
use std::time::Instant;

/// Generates and prints what was written; `list_tables` adds the rows per table.
pub fn run(
    out: &Path,
    scale: u32,
    seed: u64,
    format: Format,
    violation_rate: f64,
    list_tables: bool,
) -> anyhow::Result<()> {
    anyhow::ensure!(scale >= 1, "--scale must be at least 1");
    anyhow::ensure!(
        (0.0..=1.0).contains(&violation_rate),
        "--violation-rate must be between 0 and 1"
    );
    let config = GenConfig {
        scale,
        seed,
        violation_rate,
        ..GenConfig::default()
    };
    let started = Instant::now();
    let progress = bar(1000, "生成 generating", false);
    let summary = generate_to(out, format, &config, |f| {
        progress.set_position((f * 1000.0) as u64)
    })?;
    progress.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let rows: u64 = summary.rows.values().sum();
    println!(
        "已生成 generated {} ({:?}) in {secs:.1} s: {rows} rows, {} labels",
        out.display(),
        format,
        summary.labels
    );
    if list_tables {
        for (table, n) in &summary.rows {
            println!(
                "  {} {} {n:>10}",
                pad(table.name(), 14),
                pad(table.zh(), 18)
            );
        }
    }
    if let Some(m) = peak_memory_mib() {
        println!(
            "peak memory {m:.0} MiB, {:.0} rows/s",
            rows as f64 / secs.max(1e-9)
        );
    }
    Ok(())
}
