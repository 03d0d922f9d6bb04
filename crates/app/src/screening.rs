//! Screening the store from the platform (after an upload, and in the demo):
//! load the snapshot, screen it with the rulebook its data names, and record
//! the run with its findings and risk list. `zhijian screen --db` records its
//! runs through [`run_input`] too, so both paths store the same thing.
//!
//! Both pass the candidate bars of executed cases ([`bars`]) to screening, so an
//! enrollment of a barred candidate inside the bar becomes an
//! `eligibility.barred_candidate` finding.

use chrono::NaiveDateTime;
use screen::{RiskRow, Screening};
use store::Store;

/// A screening as the store records it: every finding with its findings.jsonl
/// line, and the risk list.
pub fn run_input(
    s: &Screening,
    rows: &[RiskRow],
    started_at: NaiveDateTime,
) -> serde_json::Result<store::RunInput> {
    let findings = s
        .findings
        .iter()
        .map(|f| {
            Ok(store::NewFinding {
                rule: f.kind.id().to_string(),
                subject: f.subject.clone(),
                item: f.item,
                severity: f.severity,
                disposition: f.disposition,
                message: f.message.clone(),
                detail: serde_json::to_string(f)?,
            })
        })
        .collect::<serde_json::Result<Vec<_>>>()?;
    Ok(store::RunInput {
        started_at,
        finished_at: chrono::Local::now().naive_local(),
        rulebook: s.rulebook.to_string(),
        as_of: s.as_of,
        window_from: s.window_from,
        findings,
        risk: rows
            .iter()
            .map(|r| store::RiskLine {
                institution_id: r.institution_id.clone(),
                rank: r.rank as u32,
                worst: r.worst,
                score: r.score,
                findings: r.findings,
                per_severity: r.per_severity,
                per_item: r.per_item,
                disposition: r.disposition_zh(),
            })
            .collect(),
    })
}

/// The candidate bars (第六条, 第七条) of executed cases not lifted by a review, as
/// screening takes them; the decision named is the case's number.
pub async fn bars(store: &Store) -> store::Result<Vec<screen::Bar>> {
    Ok(store
        .candidate_bars()
        .await?
        .into_iter()
        .map(|b| screen::Bar {
            candidate_id: b.id_number,
            from: b.from,
            until: b.until,
            decision: format!("处理案件 {}", b.case_number),
        })
        .collect())
}

/// The staff suspensions (第八条, 第十一条) of executed cases not lifted by a review,
/// as screening takes them.
pub async fn suspensions(store: &Store) -> store::Result<Vec<screen::Suspension>> {
    Ok(store
        .staff_suspensions()
        .await?
        .into_iter()
        .map(|s| screen::Suspension {
            person_id: s.person_id,
            from: s.from,
            until: s.until,
            decision: format!(
                "被处理案件 {} {}",
                s.case_number,
                if s.measure == "disqualify_staff" {
                    "取消当年参加评价工作的资格"
                } else {
                    "暂停督导工作"
                }
            ),
        })
        .collect())
}

/// Screens everything the store holds and records the run; returns a one-line
/// summary in Chinese, or why it could not.
pub async fn screen_store(store: &Store) -> Result<String, String> {
    let started_at = chrono::Local::now().naive_local();
    let ds = store
        .load_dataset()
        .await
        .map_err(|e| format!("读取数据库失败：{e}"))?;
    let bars = bars(store)
        .await
        .map_err(|e| format!("读取禁考记录失败：{e}"))?;
    let suspensions = suspensions(store)
        .await
        .map_err(|e| format!("读取工作人员暂停记录失败：{e}"))?;
    if ds.tables.present.is_empty() {
        return Err("数据库中没有数据".into());
    }
    // Deadlines in working days use the store's calendar (imported years included).
    let calendar = store
        .calendar()
        .await
        .map_err(|e| format!("读取工作日历失败：{e}"))?;
    let (input, n, institutions) = tokio::task::spawn_blocking(move || {
        let book = ds
            .tables
            .meta
            .policy
            .as_deref()
            .and_then(|p| domain::rulebook::Rulebook::builtin(p).ok())
            .unwrap_or_else(domain::rulebook::Rulebook::national);
        let s = screen::screen(
            &ds,
            &screen::Options {
                rulebook: &book,
                as_of: None,
                progress: None,
                bars: &bars,
                suspensions: &suspensions,
                calendar: Some(&calendar),
            },
        );
        let rows = screen::risk_list(&s, &ds);
        run_input(&s, &rows, started_at).map(|input| (input, s.findings.len(), rows.len()))
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    let r = store
        .record_run(&input)
        .await
        .map_err(|e| format!("记录筛查结果失败：{e}"))?;
    Ok(format!(
        "第 {} 次筛查：预警 {n} 条（新增 {}），涉及机构 {institutions} 家",
        r.run_id, r.new
    ))
}
