//! `zhijian`: the command line of the Zhijian (职鉴) supervision platform. Each
//! subcommand wires the library crates together; no domain logic lives here.

mod check;
mod generate;
mod progress;
mod rules;
mod screen;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// 职鉴 Zhijian — 职业技能评价机构监管平台 / supervision platform for vocational skill evaluation institutions.
#[derive(Parser)]
#[command(name = "zhijian", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 演示: 生成示例省份数据并筛查 / Demo: generate an example province (if absent) and screen it.
    Demo {
        /// 数据目录 / Where the demo dataset lives.
        #[arg(long, default_value = "demo")]
        dir: PathBuf,
    },
    /// 生成模拟省份评价数据 / Generate a realistic synthetic province with labelled violations.
    Generate {
        /// 输出目录 / Output directory (CSV files, or dataset.xlsx), plus labels.jsonl.
        #[arg(long)]
        out: PathBuf,
        /// 规模: 1 ≈ 40 家机构、1 万人次 / Scale: 1 ≈ 40 institutions and 10k enrollments.
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// 随机种子 / Random seed (same seed, same province).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// 输出格式 / Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
        format: FormatArg,
        /// 违规注入比例 (0 = 无违规) / Share of subjects with an injected violation (0 = honest province).
        #[arg(long, default_value_t = dataset::generate::GenConfig::default().violation_rate)]
        violation_rate: f64,
    },
    /// 筛查: 按规则手册检查数据集，输出预警明细与风险清单 / Screen a dataset: findings.jsonl, risk_list.xlsx and a summary.
    Screen {
        /// 数据集目录或 .xlsx 工作簿 / Dataset directory or .xlsx workbook.
        dataset: PathBuf,
        /// 输出目录 / Output directory for findings.jsonl and risk_list.xlsx.
        #[arg(long)]
        out: PathBuf,
        /// 规则手册 / Rulebook: national, shanghai-minhang, liaoning, hubei, qinghai, shanxi (default: meta.policy, else national).
        #[arg(long)]
        policy: Option<String>,
        /// 数据截止日期 / As-of date YYYY-MM-DD (default: meta.as_of, else the latest date in the data).
        #[arg(long, value_parser = screen::parse_as_of)]
        as_of: Option<domain::Date>,
    },
    /// 规则目录: 各类预警的指引条目、严重程度、处理与依据 / Print the catalogue of finding kinds under a rulebook.
    Rules {
        /// 规则手册 / Rulebook (default national).
        #[arg(long)]
        policy: Option<String>,
    },
    /// 读取并校验数据集，输出概况 / Read and validate a dataset and print a summary.
    Check {
        /// 数据集目录或 .xlsx 工作簿 / Dataset directory or .xlsx workbook.
        dataset: PathBuf,
    },
}

/// The on-disk formats.
#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Csv,
    Xlsx,
}

impl From<FormatArg> for dataset::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Csv => dataset::Format::Csv,
            FormatArg::Xlsx => dataset::Format::Xlsx,
        }
    }
}

/// Generates the demo province once (scale 1, seed 1, default violation rate) and
/// screens it into DIR/screening: the main job of a fresh checkout until the platform
/// serves it.
fn demo(dir: &std::path::Path) -> anyhow::Result<()> {
    if dir.join("institutions.csv").exists() {
        println!(
            "使用已有演示数据 using the existing demo dataset in {}",
            dir.display()
        );
    } else {
        let rate = dataset::generate::GenConfig::default().violation_rate;
        generate::run(dir, 1, 1, dataset::Format::Csv, rate, false)?;
    }
    println!();
    screen::run(dir, &dir.join("screening"), None, None)?;
    println!(
        "\n注入的违规标签 injected violations, to compare: {}",
        dir.join("labels.jsonl").display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Generate {
            out,
            scale,
            seed,
            format,
            violation_rate,
        } => generate::run(&out, scale, seed, format.into(), violation_rate, true),
        Command::Check { dataset } => check::run(&dataset),
        Command::Screen {
            dataset,
            out,
            policy,
            as_of,
        } => screen::run(&dataset, &out, policy.as_deref(), as_of),
        Command::Rules { policy } => rules::run(policy.as_deref()),
        Command::Demo { dir } => demo(&dir),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
