//! `zhijian workdays`: deadline arithmetic in working days (工作日) over the statutory
//! calendar (工作日历), and importing a year's holiday schedule into the store.
//!
//! `add` and `between` use the calendar built into the binary, plus the years imported
//! into the store when a store is named (`--db`, else `ZHIJIAN_DB`); without either no
//! store is opened or created. A year without a schedule is counted Monday–Friday,
//! with a warning on stderr naming it.

use crate::db;
use anyhow::Context as _;
use clap::Subcommand;
use domain::Date;
use domain::workdays::{Calendar, parse_year_csv};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum Command {
    /// 推算: DATE 之后第 N 个工作日（当日不计入）/ Print the date N working days after DATE (DATE not counted).
    Add {
        /// 起算日 / Start date YYYY-MM-DD (e.g. the day a decision was received).
        #[arg(value_parser = parse_date)]
        date: Date,
        /// 工作日数 / Number of working days (0 or more).
        #[arg(value_parser = parse_count, allow_negative_numbers = true)]
        n: u32,
        /// 数据库（含导入的年度日历）/ Store with imported years: sqlite:PATH or postgres://… (default: ZHIJIAN_DB if set, else the built-in calendar only).
        #[arg(long)]
        db: Option<String>,
    },
    /// 计数: A（不含）至 B（含）之间的工作日数 / Print the number of working days after A up to and including B.
    Between {
        /// 起算日（不计入）/ Start date YYYY-MM-DD (not counted).
        #[arg(value_parser = parse_date)]
        from: Date,
        /// 截止日（计入）/ End date YYYY-MM-DD (counted), on or after the start date.
        #[arg(value_parser = parse_date)]
        to: Date,
        /// 数据库（含导入的年度日历）/ Store with imported years (default: ZHIJIAN_DB if set, else the built-in calendar only).
        #[arg(long)]
        db: Option<String>,
    },
    /// 导入年度节假日安排（替换该年）/ Import one year's holiday schedule from CSV into the store, replacing that year.
    Import {
        /// CSV（UTF-8）: date,off_day,name；off_day 为 true（放假）或 false（调休上班）/ CSV (UTF-8) with header date,off_day,name; off_day true (day off) or false (make-up working day).
        file: PathBuf,
        /// 数据库 / Store (default: ZHIJIAN_DB, else the local store).
        #[arg(long)]
        db: Option<String>,
        /// 导入人 / Who imports it (default: $USER).
        #[arg(long)]
        by: Option<String>,
    },
}

fn parse_date(text: &str) -> Result<Date, String> {
    domain::time::parse_date(text).map_err(|e| e.to_string())
}

fn parse_count(text: &str) -> Result<u32, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "\"{text}\" is not a number of working days; expected a whole number from 0 to {}",
            u32::MAX
        )
    })
}

/// Runs one `zhijian workdays` subcommand.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Add { date, n, db } => {
            let calendar = calendar(db.as_deref())?;
            let r = calendar.add(date, n)?;
            warn_fallback(&r.fallback_years);
            println!("{}", r.date);
        }
        Command::Between { from, to, db } => {
            let calendar = calendar(db.as_deref())?;
            let count = calendar.between(from, to)?;
            warn_fallback(&count.fallback_years);
            println!("{}", count.days);
        }
        Command::Import { file, db, by } => import(&file, db.as_deref(), by)?,
    }
    Ok(())
}

/// The built-in calendar, with the store's years when a store is named.
fn calendar(db: Option<&str>) -> anyhow::Result<Calendar> {
    let named =
        db.is_some() || std::env::var(store::DB_ENV).is_ok_and(|url| !url.trim().is_empty());
    if !named {
        return Ok(Calendar::embedded());
    }
    db::runtime()?.block_on(async {
        let store = db::open(db).await?;
        let calendar = store
            .calendar()
            .await
            .with_context(|| format!("读取工作日历 reading the calendar of {}", store.address()))?;
        store.close().await;
        Ok(calendar)
    })
}

fn warn_fallback(years: &[i32]) {
    if years.is_empty() {
        return;
    }
    let list = years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    eprintln!(
        "提示 warning: 未载入 {list} 年节假日安排，按周一至周五计算 / no holiday schedule for {list}: \
         counted Monday–Friday (import it with `zhijian workdays import`)"
    );
}

/// `zhijian workdays import FILE.csv [--db URL] [--by NAME]`.
fn import(file: &Path, db: Option<&str>, by: Option<String>) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!(
            "{} is not UTF-8 text; expected a CSV saved as UTF-8 (Excel: CSV UTF-8)",
            file.display()
        )
    })?;
    let (year, days) = parse_year_csv(&text).with_context(|| file.display().to_string())?;
    let by = by
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| "zhijian".into());
    let now = chrono::Local::now().naive_local();
    db::runtime()?.block_on(async {
        let store = db::open(db).await?;
        store
            .import_calendar_year(year, &days, by.trim(), now)
            .await
            .with_context(|| {
                format!(
                    "导入失败，数据库未改变 / import failed, the store is unchanged: {}",
                    store.address()
                )
            })?;
        let off = days.iter().filter(|d| d.off_day).count();
        println!(
            "导入 imported the holiday schedule of {year} into {}: {off} days off (放假), {} make-up working days (调休)",
            store.address(),
            days.len() - off
        );
        store.close().await;
        Ok(())
    })
}
