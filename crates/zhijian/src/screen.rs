//! `zhijian screen`: read a dataset, screen it against a rulebook, write
//! DIR/findings.jsonl and DIR/risk_list.xlsx, and print a summary. Exit status 0
//! whatever was found; an error only when the input cannot be read (or the output
//! cannot be written).

use crate::progress::{bar, peak_memory_mib, read_with_progress};
use ::screen::finding::severity_zh;
use ::screen::risk::{ITEM_NAMES, RiskRow};
use ::screen::{Options, Screening};
use anyhow::Context;
use domain::Date;
use domain::enums::Severity;
use domain::rulebook::Rulebook;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

/// How many institutions the printed summary lists.
const TOP: usize = 10;

/// Parses `--as-of` (for clap's `value_parser`).
pub fn parse_as_of(text: &str) -> Result<Date, String> {
    domain::time::parse_date(text).map_err(|e| e.to_string())
}

/// Where the data to screen comes from.
pub enum Source<'a> {
    /// A dataset directory or workbook.
    Files(&'a Path),
    /// The store (`--db`, else `ZHIJIAN_DB`, else the default store); the run and
    /// its findings are recorded there.
    Store(Option<&'a str>),
}

pub fn run(
    source: Source<'_>,
    out: &Path,
    policy: Option<&str>,
    as_of: Option<Date>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let started_at = chrono::Local::now().naive_local();
    // The rulebook named on the command line must exist before any work is done.
    let chosen = policy.map(Rulebook::builtin).transpose()?;

    let (ds, store, bars, suspensions, calendar) = match source {
        Source::Files(path) => (
            read_with_progress(path)?.dataset,
            None,
            Vec::new(),
            Vec::new(),
            None,
        ),
        Source::Store(db) => {
            let rt = crate::db::runtime()?;
            let (ds, store, bars, suspensions, calendar) = rt.block_on(async {
                let store = crate::db::open(db).await?;
                let progress = bar(0, "读取数据库 loading the store", false);
                let ds = store
                    .load_dataset()
                    .await
                    .context("读取数据库失败 cannot read the store")?;
                progress.finish_and_clear();
                if ds.tables.present.is_empty() {
                    anyhow::bail!(
                        "数据库中没有数据 the store {} holds no data: run `zhijian import PATH` first",
                        store.address()
                    );
                }
                // Candidates barred by executed cases (第六条, 第七条).
                let bars = app::screening::bars(&store)
                    .await
                    .context("读取禁考记录失败 cannot read the candidate bars")?;
                // Staff suspended by executed cases (第八条, 第十一条).
                let suspensions = app::screening::suspensions(&store)
                    .await
                    .context("读取工作人员暂停记录失败 cannot read the staff suspensions")?;
                // Working-day deadlines by the store's calendar (imported years too).
                let calendar = store
                    .calendar()
                    .await
                    .context("读取工作日历失败 cannot read the working-day calendar")?;
                anyhow::Ok((ds, store, bars, suspensions, calendar))
            })?;
            (ds, Some((rt, store)), bars, suspensions, Some(calendar))
        }
    };
    let read_secs = started.elapsed().as_secs_f64();

    let book = match chosen {
        Some(b) => b,
        None => match ds.tables.meta.policy.as_deref() {
            Some(name) => Rulebook::builtin(name).unwrap_or_else(|e| {
                eprintln!("提示 warning: meta.policy: {e}; 使用全国默认口径 using national");
                Rulebook::national()
            }),
            None => Rulebook::national(),
        },
    };

    let screening_started = Instant::now();
    let rules = ::screen::rules::all().len();
    let progress = bar(rules as u64, "筛查 screening", false);
    let tick = |done: usize, total: usize, _id: &str| {
        progress.set_length(total as u64);
        progress.set_position(done as u64);
    };
    let opts = Options {
        rulebook: &book,
        as_of,
        progress: Some(&tick),
        bars: &bars,
        suspensions: &suspensions,
        calendar: calendar.as_ref(),
    };
    let s = ::screen::screen(&ds, &opts);
    progress.finish_and_clear();
    let screen_secs = screening_started.elapsed().as_secs_f64();

    let writing = Instant::now();
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let jsonl = out.join("findings.jsonl");
    let file = std::fs::File::create(&jsonl)
        .with_context(|| format!("cannot write {}", jsonl.display()))?;
    ::screen::output::write_findings_jsonl(std::io::BufWriter::new(file), &s.findings)
        .with_context(|| format!("cannot write {}", jsonl.display()))?;
    let rows = ::screen::risk_list(&s, &ds);
    let xlsx = out.join("risk_list.xlsx");
    ::screen::output::write_risk_xlsx(&xlsx, &s, &rows, &ds, &book)
        .with_context(|| format!("cannot write {}", xlsx.display()))?;
    let write_secs = writing.elapsed().as_secs_f64();

    print!("{}", summary(&s, &rows));
    println!("\n输出 written: {}  {}", jsonl.display(), xlsx.display());
    if let Some((rt, store)) = store {
        let input = app::screening::run_input(&s, &rows, started_at)?;
        let r = rt.block_on(store.record_run(&input))?;
        println!(
            "筛查记录 run #{} recorded in {}: {} findings, {} new, {} no longer found; already marked: {} 属实 confirmed, {} 排除 dismissed",
            r.run_id,
            store.address(),
            r.findings,
            r.new,
            r.gone,
            r.confirmed,
            r.dismissed
        );
        rt.block_on(store.close());
    }
    let peak = peak_memory_mib().map_or(String::new(), |m| format!(", peak memory {m:.0} MiB"));
    println!(
        "用时 time: read {read_secs:.1} s, screen {screen_secs:.1} s, write {write_secs:.1} s{peak}"
    );
    Ok(())
}

/// The printed summary: findings per guide item and severity, the top institutions,
/// and the rules that could not run.
pub fn summary(s: &Screening, rows: &[RiskRow]) -> String {
    let mut out = String::new();
    let w = &mut out;
    writeln!(
        w,
        "规则手册 policy: {} {}    数据截止 as of: {}    筛查起始 window from: {}",
        s.rulebook, s.rulebook_title, s.as_of, s.window_from
    )
    .unwrap();
    writeln!(
        w,
        "预警 findings: {}    涉及机构 institutions: {}",
        s.findings.len(),
        rows.len()
    )
    .unwrap();

    let mut per = [[0usize; 3]; 15];
    for f in &s.findings {
        per[usize::from(f.item.clamp(1, 15)) - 1][f.severity as usize] += 1;
    }
    writeln!(
        w,
        "\n{:>4} {:>8} {:>8} {:>8} {:>8}  指引条目 guide item",
        "item", "一般", "严重", "特别严重", "合计"
    )
    .unwrap();
    let mut total = [0usize; 3];
    for (i, c) in per.iter().enumerate() {
        let sum: usize = c.iter().sum();
        for k in 0..3 {
            total[k] += c[k];
        }
        if sum > 0 {
            writeln!(
                w,
                "{:>4} {:>10} {:>10} {:>12} {:>10}  {}",
                i + 1,
                c[0],
                c[1],
                c[2],
                sum,
                ITEM_NAMES[i]
            )
            .unwrap();
        }
    }
    writeln!(
        w,
        "{:>4} {:>10} {:>10} {:>12} {:>10}",
        "合计",
        total[0],
        total[1],
        total[2],
        total.iter().sum::<usize>()
    )
    .unwrap();

    if !rows.is_empty() {
        writeln!(w, "\n风险最高的机构 top institutions:").unwrap();
        writeln!(
            w,
            "{:>4}  {:<12} {:>8} {:>6}  {:<10} 建议处理 / 名称",
            "rank", "institution", "findings", "score", "worst"
        )
        .unwrap();
        for r in rows.iter().take(TOP) {
            writeln!(
                w,
                "{:>4}  {:<12} {:>8} {:>6}  {:<10} {}  {}",
                r.rank,
                r.institution_id,
                r.findings,
                r.score,
                r.worst.code(),
                r.disposition_zh(),
                r.name.as_deref().unwrap_or("（未备案机构）")
            )
            .unwrap();
        }
    }

    let disabled: Vec<_> = s.kinds.iter().filter(|k| !k.enabled()).collect();
    if !disabled.is_empty() {
        writeln!(w, "\n未启用的规则 rules not run ({}):", disabled.len()).unwrap();
        for k in disabled {
            writeln!(
                w,
                "  {:<40} {}（{}）",
                k.kind.id(),
                k.reason().unwrap_or_default(),
                k.kind.title()
            )
            .unwrap();
        }
    }
    if !s.escalation_applied {
        writeln!(
            w,
            "提示: 无处理记录表(sanctions)，未判断“整改后再次违反”升级"
        )
        .unwrap();
    }
    let grave = s
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Grave)
        .count();
    if grave > 0 {
        writeln!(
            w,
            "\n{}预警 {} 条，建议优先核查。",
            severity_zh(Severity::Grave),
            grave
        )
        .unwrap();
    }
    out
}
