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
    for p in book.parameters() {
        let basis = if p.basis.is_empty() {
            String::new()
        } else {
            format!("{} ", p.basis)
        };
        writeln!(w, "参数 {}（{basis}{}）", p.what, p.source.display_zh()).unwrap();
    }
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
