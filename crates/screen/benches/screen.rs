//! The screening benchmark: one command, `cargo bench -p screen`, generates a
//! province (scale `ZHIJIAN_BENCH_SCALE`, default 20; 200 ≈ 2M enrollments), then
//! times reading it, screening it under the national rulebook and writing the
//! outputs, each `ZHIJIAN_BENCH_RUNS` times (default 3), and prints the median.
//! Set `ZHIJIAN_BENCH_DIR` to keep (and reuse) the generated province.

use dataset::generate::{GenConfig, generate_to};
use dataset::{Format, ReadOptions, read_dataset};
use domain::rulebook::Rulebook;
use std::path::PathBuf;
use std::time::Instant;

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

fn main() {
    let scale = env_u32("ZHIJIAN_BENCH_SCALE", 20);
    let runs = env_u32("ZHIJIAN_BENCH_RUNS", 3).max(1);
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
    let book = Rulebook::national();
    let (mut read, mut screening, mut write) = (Vec::new(), Vec::new(), Vec::new());
    let (mut rows, mut enrollments, mut findings) = (0usize, 0usize, 0usize);
    for _ in 0..runs {
        let t = Instant::now();
        let ds = read_dataset(&dir, &ReadOptions::default())
            .expect("read")
            .dataset;
        read.push(t.elapsed().as_secs_f64());
        rows = domain::model::Table::ALL
            .iter()
            .map(|&t| ds.tables.len(t))
            .sum();
        enrollments = ds.tables.enrollments.len();
        let t = Instant::now();
        let s = screen::screen(&ds, &screen::Options::new(&book));
        screening.push(t.elapsed().as_secs_f64());
        findings = s.findings.len();
        let out = tmp.path().join("out");
        std::fs::create_dir_all(&out).expect("out dir");
        let t = Instant::now();
        let f = std::fs::File::create(out.join("findings.jsonl")).expect("create");
        screen::output::write_findings_jsonl(std::io::BufWriter::new(f), &s.findings)
            .expect("write");
        let ranked = screen::risk_list(&s, &ds);
        screen::output::write_risk_xlsx(&out.join("risk_list.xlsx"), &s, &ranked, &ds, &book)
            .expect("xlsx");
        write.push(t.elapsed().as_secs_f64());
    }
    let (r, s, w) = (median(read), median(screening), median(write));
    println!(
        "scale {scale}: {rows} rows, {enrollments} enrollments, {findings} findings (median of {runs})"
    );
    println!("| phase | seconds | rows/s |");
    println!("|---|---:|---:|");
    println!(
        "| read + validate + index | {r:.2} | {:.0} |",
        rows as f64 / r
    );
    println!("| screen (29 rules) | {s:.2} | {:.0} |", rows as f64 / s);
    println!("| write findings.jsonl + risk_list.xlsx | {w:.2} | |");
}
