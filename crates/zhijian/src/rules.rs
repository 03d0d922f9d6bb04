//! `zhijian rules [--policy NAME]`: print the catalogue of finding kinds as a
//! rulebook classifies them (guide item, severity, disposition, legal basis, the
//! candidate or staff article) and which detector looks for each.

use ::screen::finding::{disposition_zh, severity_zh};
use domain::finding::FindingKind;
use domain::rulebook::Rulebook;
use std::fmt::Write as _;

pub fn run(policy: Option<&str>) -> anyhow::Result<()> {
    let book = match policy {
        Some(name) => Rulebook::builtin(name)?,
        None => Rulebook::national(),
    };
    print!("{}", catalogue(&book));
    Ok(())
}

/// The printed catalogue.
pub fn catalogue(book: &Rulebook) -> String {
    let mut out = String::new();
    let w = &mut out;
    writeln!(w, "规则手册 {} {}", book.name, book.title).unwrap();
    writeln!(w, "依据文件 {}", book.document).unwrap();
    writeln!(w, "可选 builtin: {}", Rulebook::names().join(", ")).unwrap();
    let p = &book.policy;
    let tiers: Vec<String> = book
        .inactivity
        .iter()
        .map(|t| {
            format!(
                "{} 个月→第{}项{}（{} {}）",
                t.months,
                t.item,
                severity_zh(t.severity),
                t.basis,
                t.source.display_zh()
            )
        })
        .collect();
    writeln!(w, "不开展评价工作 {}", tiers.join("；")).unwrap();
    match &p.supervision_record {
        Some(d) => writeln!(
            w,
            "督导记录期限 活动结束后 {} 个工作日（{}「{}」）",
            d.working_days, d.basis, d.quote
        ),
        None => writeln!(w, "督导记录期限 文件未规定期限：活动结束后即应有督导记录"),
    }
    .unwrap();
    writeln!(
        w,
        "再次违反升级 {}",
        match (&p.escalation_source, p.escalate_repeat) {
            (Some(s), true) => format!("是（{} {}）", p.escalation_basis, s.display_zh()),
            _ => "否".into(),
        }
    )
    .unwrap();
    writeln!(
        w,
        "平台默认参数（文件未规定）：批量违规报名 >{:.0}% 且 ≥{} 人；批量读取 >{}×发证量 且 ≥{} 次；第15项 ≥{} 条严重、≥{} 条特别严重。{}",
        p.batch_mostly_ineligible_share * 100.0,
        p.batch_mostly_ineligible_min,
        p.access_bulk_factor,
        p.access_bulk_min,
        p.upload_serious_from,
        p.upload_grave_from,
        p.platform_default
    )
    .unwrap();
    let detectors = ::screen::rules::detectors();
    let mut kinds: Vec<FindingKind> = FindingKind::ALL.to_vec();
    kinds.sort_by_key(|k| (book.entry(*k).item, k.id()));
    let mut item = 0;
    for k in kinds {
        let e = book.entry(k);
        if e.item != item {
            item = e.item;
            writeln!(
                w,
                "\n第{}项 {}",
                item,
                ::screen::risk::ITEM_NAMES[usize::from(item) - 1]
            )
            .unwrap();
        }
        let detector = detectors.iter().find(|d| d.kinds().contains(&k)).map_or(
            "（无检测器）".to_string(),
            |d| {
                let t: Vec<&str> = d.needs().iter().map(|t| t.name()).collect();
                format!("{}［{}］", d.id(), t.join(", "))
            },
        );
        let mut disposition = disposition_zh(e.disposition).to_string();
        if e.revoke_data {
            disposition.push_str("；撤销违规证书数据");
        }
        writeln!(w, "  {} {}", k.id(), k.title()).unwrap();
        writeln!(w, "      {}，{}", severity_zh(e.severity), disposition).unwrap();
        writeln!(w, "      依据 {}：{}", e.basis, e.source.display_zh()).unwrap();
        if let Some(a) = &e.article {
            writeln!(w, "      人员处理 {a}").unwrap();
        }
        writeln!(w, "      检测 {detector}").unwrap();
    }
    out
}
