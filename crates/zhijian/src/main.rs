//! `zhijian`: the command line of the Zhijian (职鉴) supervision platform. Each
//! subcommand wires the library crates together; no domain logic lives here.

mod check;
mod generate;
mod progress;

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
    /// 演示: 生成示例省份数据并校验 / Demo: generate an example province (if absent) and check it.
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
/// checks it: the main job of a fresh checkout until the platform serves it.
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
    check::run(dir)?;
    println!(
        "\n注入的违规标签 injected violations: {}",
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
