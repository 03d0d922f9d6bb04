//! Writing the results: findings.jsonl (the output contract of
//! ../shared/spec/screening.md) and risk_list.xlsx (风险清单, 预警明细, 规则说明).

use crate::engine::Screening;
use crate::finding::{Finding, disposition_zh, severity_zh};
use crate::risk::{ITEM_NAMES, RiskRow};
use domain::IdNumber;
use domain::model::Dataset;
use domain::rulebook::Rulebook;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::io::Write;
use std::path::Path;

/// Writes one JSON object per finding and line.
pub fn write_findings_jsonl(mut w: impl Write, findings: &[Finding]) -> std::io::Result<()> {
    for f in findings {
        serde_json::to_writer(&mut w, f)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// The masked form of a candidate id (`110105********002X`); text that is not an
/// identity number keeps its first 6 and last 4 characters.
pub fn mask_candidate(id: &str) -> String {
    match IdNumber::parse(id) {
        Ok(n) => n.masked(),
        Err(_) => {
            let c: Vec<char> = id.chars().collect();
            if c.len() <= 10 {
                "*".repeat(c.len())
            } else {
                let mid = "*".repeat(c.len() - 10);
                format!(
                    "{}{}{}",
                    c[..6].iter().collect::<String>(),
                    mid,
                    c[c.len() - 4..].iter().collect::<String>()
                )
            }
        }
    }
}

/// Rows per sheet before the findings sheet is continued on another.
const SHEET_ROWS: usize = 1_048_575;

fn header(ws: &mut Worksheet, cols: &[(&str, f64)], bold: &Format) -> Result<(), XlsxError> {
    for (i, (name, width)) in cols.iter().enumerate() {
        ws.set_column_width(i as u16, *width)?;
        ws.write_string_with_format(0, i as u16, *name, bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn opt(ws: &mut Worksheet, r: u32, c: u16, v: Option<&str>) -> Result<(), XlsxError> {
    if let Some(v) = v {
        ws.write_string(r, c, v)?;
    }
    Ok(())
}

/// Writes risk_list.xlsx: sheet 风险清单 (ranked institutions, counts per guide item,
/// worst severity, proposed disposition), 预警明细 (every finding, candidate ids
/// masked) and 规则说明 (every rule with its classification, legal basis, tables and
/// whether it ran).
pub fn write_risk_xlsx(
    path: &Path,
    s: &Screening,
    rows: &[RiskRow],
    ds: &Dataset,
    rulebook: &Rulebook,
) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    let names: std::collections::HashMap<String, String> = ds
        .tables
        .institutions
        .iter()
        .map(|i| (i.institution_id.to_string(), i.name.to_string()))
        .collect();

    // 风险清单
    let ws = wb.add_worksheet();
    ws.set_name("风险清单")?;
    let mut cols: Vec<(String, f64)> = vec![
        ("排名".into(), 6.0),
        ("机构编码".into(), 12.0),
        ("机构名称".into(), 30.0),
        ("机构类型".into(), 14.0),
        ("所在地区".into(), 10.0),
        ("最高严重程度".into(), 12.0),
        ("建议处理".into(), 28.0),
        ("预警总数".into(), 9.0),
        ("一般".into(), 6.0),
        ("严重".into(), 6.0),
        ("特别严重".into(), 8.0),
        ("风险分".into(), 8.0),
    ];
    for (i, n) in ITEM_NAMES.iter().enumerate() {
        cols.push((format!("第{}项 {}", i + 1, n), 10.0));
    }
    let c: Vec<(&str, f64)> = cols.iter().map(|(a, b)| (a.as_str(), *b)).collect();
    header(ws, &c, &bold)?;
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number(row, 0, r.rank as f64)?;
        ws.write_string(row, 1, &r.institution_id)?;
        ws.write_string(row, 2, r.name.as_deref().unwrap_or("（未备案机构）"))?;
        opt(ws, row, 3, r.kind.map(|k| k.zh()))?;
        opt(ws, row, 4, r.region_code.as_deref())?;
        ws.write_string(row, 5, severity_zh(r.worst))?;
        ws.write_string(row, 6, r.disposition_zh())?;
        ws.write_number(row, 7, f64::from(r.findings))?;
        for (k, n) in r.per_severity.iter().enumerate() {
            ws.write_number(row, 8 + k as u16, f64::from(*n))?;
        }
        ws.write_number(row, 11, f64::from(r.score))?;
        for (k, n) in r.per_item.iter().enumerate() {
            if *n > 0 {
                ws.write_number(row, 12 + k as u16, f64::from(*n))?;
            }
        }
    }
    ws.autofilter(0, 0, rows.len() as u32, (cols.len() - 1) as u16)?;

    // 预警明细, continued on further sheets past the row limit.
    let detail: [(&str, f64); 16] = [
        ("序号", 8.0),
        ("指引条目", 8.0),
        ("规则编号", 34.0),
        ("规则名称", 24.0),
        ("严重程度", 9.0),
        ("处理建议", 24.0),
        ("机构编码", 12.0),
        ("机构名称", 28.0),
        ("批次号", 18.0),
        ("身份证号", 20.0),
        ("证书编号", 24.0),
        ("人员编号", 14.0),
        ("预警内容", 70.0),
        ("法律依据", 50.0),
        ("人员处理条款", 18.0),
        ("证据", 60.0),
    ];
    let parts = s.findings.len().div_ceil(SHEET_ROWS).max(1);
    for part in 0..parts {
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(if part == 0 {
            "预警明细".to_string()
        } else {
            format!("预警明细{}", part + 1)
        })?;
        header(ws, &detail, &bold)?;
        let chunk = s
            .findings
            .iter()
            .enumerate()
            .skip(part * SHEET_ROWS)
            .take(SHEET_ROWS);
        for (row, (i, f)) in chunk.enumerate() {
            let row = row as u32 + 1;
            let sub = &f.subject;
            ws.write_number(row, 0, (i + 1) as f64)?;
            ws.write_number(row, 1, f64::from(f.item))?;
            ws.write_string(row, 2, f.kind.id())?;
            ws.write_string(row, 3, f.kind.title())?;
            ws.write_string(row, 4, severity_zh(f.severity))?;
            let mut d = disposition_zh(f.disposition).to_string();
            if f.revoke_data {
                d.push_str("；撤销违规证书数据");
            }
            ws.write_string(row, 5, &d)?;
            opt(ws, row, 6, sub.institution_id.as_deref())?;
            opt(
                ws,
                row,
                7,
                sub.institution_id
                    .as_ref()
                    .and_then(|i| names.get(i))
                    .map(String::as_str),
            )?;
            opt(ws, row, 8, sub.batch_id.as_deref())?;
            opt(
                ws,
                row,
                9,
                sub.candidate_id.as_deref().map(mask_candidate).as_deref(),
            )?;
            opt(ws, row, 10, sub.cert_no.as_deref())?;
            opt(ws, row, 11, sub.person_id.as_deref())?;
            // Personal numbers anywhere in the text are masked by value (the
            // evidence is nested JSON; findings.jsonl keeps the full numbers).
            ws.write_string(row, 12, domain::privacy::mask_text(&f.message).as_ref())?;
            ws.write_string(row, 13, &f.basis)?;
            opt(ws, row, 14, f.article.as_deref())?;
            ws.write_string(
                row,
                15,
                domain::privacy::mask_text(&f.evidence.to_string()).as_ref(),
            )?;
        }
    }

    // 规则说明
    let ws = wb.add_worksheet();
    ws.set_name("规则说明")?;
    let cols: [(&str, f64); 14] = [
        ("规则编号", 34.0),
        ("规则名称", 26.0),
        ("指引条目", 8.0),
        ("严重程度", 9.0),
        ("处理建议", 24.0),
        ("法律依据", 50.0),
        ("条文（或平台默认）", 50.0),
        ("人员处理条款", 18.0),
        ("检测程序", 26.0),
        ("所需数据表", 40.0),
        ("状态", 30.0),
        ("本次发现数", 10.0),
        ("规则手册", 14.0),
        ("规定原文", 80.0),
    ];
    header(ws, &cols, &bold)?;
    let mut counts: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for f in &s.findings {
        *counts.entry(f.kind.id()).or_default() += 1;
    }
    for (i, k) in s.kinds.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, k.kind.id())?;
        ws.write_string(row, 1, k.kind.title())?;
        {
            let e = rulebook.entry(k.kind);
            ws.write_number(row, 2, f64::from(e.item))?;
            ws.write_string(row, 3, severity_zh(e.severity))?;
            let mut d = disposition_zh(e.disposition).to_string();
            if e.revoke_data {
                d.push_str("；撤销违规证书数据");
            }
            ws.write_string(row, 4, &d)?;
            ws.write_string(row, 5, &e.basis)?;
            ws.write_string(row, 6, e.source.display_zh())?;
            opt(ws, row, 7, e.article.as_deref())?;
        }
        opt(ws, row, 8, k.detector)?;
        let needs: Vec<String> = k
            .needs
            .iter()
            .map(|t| format!("{}({})", t.zh(), t.name()))
            .collect();
        ws.write_string(row, 9, needs.join("、"))?;
        ws.write_string(
            row,
            10,
            k.reason()
                .map_or("已启用".to_string(), |r| format!("未启用：{r}")),
        )?;
        ws.write_number(
            row,
            11,
            f64::from(counts.get(k.kind.id()).copied().unwrap_or(0)),
        )?;
        ws.write_string(row, 12, &s.rulebook_title)?;
        ws.write_string(row, 13, k.regulation)?;
    }
    // The rulebook's other settings, after a blank row: what, basis, quote or the
    // reason of a platform default.
    let first = s.kinds.len() as u32 + 2;
    for (i, p) in rulebook.parameters().iter().enumerate() {
        let row = first + i as u32;
        ws.write_string(row, 1, &p.what)?;
        ws.write_string(row, 5, &p.basis)?;
        ws.write_string(row, 6, p.source.display_zh())?;
        ws.write_string(row, 12, &s.rulebook_title)?;
    }
    wb.save(path)
}
