//! `zhijian`: the command line of the Zhijian (职鉴) supervision platform. Each
//! subcommand wires the library crates together; no domain logic lives here.

mod check;
mod db;
mod generate;
mod progress;
mod rules;
mod screen;
mod serve;
mod workdays;

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
    /// 演示: 生成示例省份、筛查并启动平台 / Demo: generate a province into the demo store (once), screen it, create one account per role and serve the platform.
    Demo {
        /// 数据库 / Store URL (default: demo.db beside the default store).
        #[arg(long)]
        db: Option<String>,
        /// 监听地址 / Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Cookie 加 Secure (经 HTTPS 访问时) / Mark cookies Secure: the platform is reached over HTTPS (e.g. behind a TLS proxy).
        #[arg(long, env = "ZHIJIAN_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// 启动平台 / Serve the officials' platform over a store.
    Serve {
        /// 数据库 / Store URL: sqlite:PATH or postgres://…; default ZHIJIAN_DB, else the default store.
        #[arg(long)]
        db: Option<String>,
        /// 监听地址 / Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Cookie 加 Secure (经 HTTPS 访问时) / Mark cookies Secure: the platform is reached over HTTPS (e.g. behind a TLS proxy).
        #[arg(long, env = "ZHIJIAN_SECURE_COOKIES")]
        secure_cookies: bool,
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
    /// 筛查: 按规则手册检查数据集或数据库，输出预警明细与风险清单 / Screen a dataset or the store: findings.jsonl, risk_list.xlsx and a summary.
    Screen {
        /// 数据集目录或 .xlsx 工作簿；省略则筛查数据库 / Dataset directory or .xlsx workbook; omit it to screen the store (and record the run there).
        dataset: Option<PathBuf>,
        /// 数据库 / Store: sqlite:PATH or postgres://… (default: ZHIJIAN_DB, else the local store).
        #[arg(long, conflicts_with = "dataset")]
        db: Option<String>,
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
    /// 导入数据库: 全部成功或全部不变 / Import a dataset into the store: all or nothing; a newer version of a batch replaces it.
    Import {
        /// 数据集目录或 .xlsx 工作簿 / Dataset directory or .xlsx workbook.
        dataset: PathBuf,
        /// 数据库 / Store: sqlite:PATH or postgres://… (default: ZHIJIAN_DB, else the local store).
        #[arg(long)]
        db: Option<String>,
    },
    /// 从数据库导出数据集 / Export the store to the interchange format (import → export → import is lossless).
    Export {
        /// 数据库 / Store (default: ZHIJIAN_DB, else the local store).
        #[arg(long)]
        db: Option<String>,
        /// 输出目录（CSV）或 .xlsx 文件 / Output directory (CSV) or .xlsx file.
        #[arg(long)]
        out: PathBuf,
        /// 格式 / Format.
        #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
        format: FormatArg,
        /// 使用中文表头 / Write the Chinese headers.
        #[arg(long)]
        chinese_headers: bool,
    },
    /// 预警列表（数据库）/ List the findings recorded in the store with their marks.
    Findings {
        /// 数据库 / Store (default: ZHIJIAN_DB, else the local store).
        #[arg(long)]
        db: Option<String>,
        /// 只看某次筛查 / Only those reported by this run (default: every finding, as of its last run).
        #[arg(long)]
        run: Option<i64>,
        /// 核实状态 / Status: open, confirmed, dismissed.
        #[arg(long, value_parser = parse_mark)]
        status: Option<store::Mark>,
        /// 规则 / Rule id.
        #[arg(long)]
        rule: Option<String>,
        /// 机构编码 / Institution id.
        #[arg(long)]
        institution: Option<String>,
        /// 最多列出 / At most this many.
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// 核实预警: 属实或排除，须说明理由 / Mark a finding confirmed or dismissed (or open again), with a reason.
    Mark {
        /// 预警编号 / Finding id (from `zhijian findings`).
        id: i64,
        /// confirmed (属实) | dismissed (排除) | open (待核实).
        #[arg(value_parser = parse_mark)]
        status: store::Mark,
        /// 理由 / Reason.
        #[arg(long)]
        reason: String,
        /// 核实人 / Who marks it.
        #[arg(long)]
        by: String,
        /// 数据库 / Store (default: ZHIJIAN_DB, else the local store).
        #[arg(long)]
        db: Option<String>,
    },
    /// 读取并校验数据集，输出概况 / Read and validate a dataset and print a summary.
    Check {
        /// 数据集目录或 .xlsx 工作簿 / Dataset directory or .xlsx workbook.
        dataset: PathBuf,
    },
    /// 工作日历: 按工作日推算期限、计数，导入年度节假日安排 / Working days: deadlines and counts over the statutory calendar; import a year's holiday schedule.
    Workdays {
        #[command(subcommand)]
        command: workdays::Command,
    },
}

fn parse_mark(text: &str) -> Result<store::Mark, String> {
    store::Mark::parse(text)
        .ok_or_else(|| format!("\"{text}\" is not a status; expected confirmed, dismissed or open"))
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
            db,
            out,
            policy,
            as_of,
        } => {
            let source = match &dataset {
                Some(path) => screen::Source::Files(path),
                None => screen::Source::Store(db.as_deref()),
            };
            screen::run(source, &out, policy.as_deref(), as_of)
        }
        Command::Import { dataset, db } => db::import(&dataset, db.as_deref()),
        Command::Export {
            db,
            out,
            format,
            chinese_headers,
        } => db::export(db.as_deref(), &out, format.into(), chinese_headers),
        Command::Findings {
            db,
            run,
            status,
            rule,
            institution,
            limit,
        } => db::findings(
            db.as_deref(),
            store::FindingFilter {
                run,
                status,
                rule,
                institution_id: institution,
                limit: Some(limit),
            },
        ),
        Command::Mark {
            id,
            status,
            reason,
            by,
            db,
        } => db::mark(db.as_deref(), id, status, &reason, &by),
        Command::Rules { policy } => rules::run(policy.as_deref()),
        Command::Demo {
            db,
            addr,
            secure_cookies,
        } => serve::demo(db.as_deref(), addr, secure_cookies),
        Command::Serve {
            db,
            addr,
            secure_cookies,
        } => serve::serve(db.as_deref(), addr, secure_cookies),
        Command::Workdays { command } => workdays::run(command),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
