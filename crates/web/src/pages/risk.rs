//! 风险清单: the latest run's institutions ranked by risk, in the caller's
//! jurisdiction; 导出 writes the same workbook as `zhijian screen`
//! (风险清单, 预警明细, 规则说明), rebuilt from the findings the store keeps.

use super::{Params, is_export, paging, param};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::export;
use crate::view::{Chrome, FilterField, ListPage, Pager, TableView, choices, render};
use axum::extract::{Query, State};
use axum::response::Response;
use domain::enums::{InstitutionKind, Severity};
use domain::model::{Dataset, Tables};
use domain::rulebook::Rulebook;
use screen::{Finding, Screening};

/// `GET /risk`.
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response> {
    if is_export(&q) {
        let bytes = workbook(&st, &caller).await?;
        caller.log(&st, "export", "风险清单").await?;
        return Ok(export::download("风险清单", bytes));
    }
    let p = paging(&q);
    let f = store::browse::RiskFilter {
        institution_name: param(&q, "institution_name"),
        region: param(&q, "region"),
        kind: param(&q, "kind"),
        worst: param(&q, "worst"),
    };
    let grid = st.store.risk_list_filtered(caller.scope(), &f, p).await?;
    let table = TableView::of(&grid, &["per_item"], &[("name", "机构名称")]).for_viewer(&caller);
    let note = st
        .store
        .latest_run_summary()
        .await?
        .map(|(id, at, as_of)| format!("第 {id} 次筛查（{at} 完成，数据截止 {as_of}）；排名按最高严重程度、风险分（一般 1、严重 5、特别严重 25）、预警数"));
    render(&ListPage {
        chrome: Chrome::new(&caller, "风险清单", "/risk"),
        action: "/risk".into(),
        filters: vec![
            FilterField::text("institution_name", "机构名称", &f.institution_name),
            FilterField::select(
                "region",
                "所在地区",
                &f.region,
                super::region_choices(&st, &caller).await?,
            ),
            FilterField::select(
                "kind",
                "机构类型",
                &f.kind,
                choices(
                    InstitutionKind::ALL,
                    InstitutionKind::code,
                    InstitutionKind::zh,
                ),
            ),
            FilterField::select(
                "worst",
                "最高严重程度",
                &f.worst,
                choices(Severity::ALL, Severity::code, Severity::zh),
            ),
        ],
        pager: Pager::new("/risk", &q, p, grid.total),
        table,
        buttons: Vec::new(),
        note: note.or(Some("尚未筛查：导入数据后运行筛查".into())),
    })
}

/// The risk list workbook of the latest run, limited to the caller's scope.
async fn workbook(st: &AppState, caller: &Caller) -> Result<Vec<u8>> {
    let run = st
        .store
        .latest_run_lines(caller.scope())
        .await?
        .ok_or_else(|| Error::NotFound("尚未筛查，没有风险清单".into()))?;
    let mut findings = run
        .lines
        .iter()
        .map(|l| serde_json::from_str::<Finding>(l))
        .collect::<std::result::Result<Vec<Finding>, _>>()
        .map_err(|e| Error::Export(format!("stored finding does not parse: {e}")))?;
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let present = st.store.present_tables().await?;
    let book = Rulebook::builtin(&run.rulebook).unwrap_or_else(|_| Rulebook::national());
    let detectors = screen::rules::detectors();
    let institutions = st.store.institutions_in_scope(caller.scope()).await?;
    let mut tables = Tables {
        institutions,
        ..Tables::default()
    };
    tables.present.insert(domain::model::Table::Institutions);
    let ds = Dataset::new(tables)
        .map_err(|_| Error::Export("duplicate institution ids in the registry".into()))?;
    let s = Screening {
        findings,
        kinds: screen::kind_statuses(&|t| present.contains(&t), &detectors),
        rulebook: book.name.clone(),
        rulebook_title: book.title.clone(),
        as_of: run.as_of,
        window_from: run.window_from,
        escalation_applied: present.contains(&domain::model::Table::Sanctions)
            && book.policy.escalate_repeat,
    };
    let rows = screen::risk_list(&s, &ds);
    let dir = tempfile::tempdir().map_err(|e| Error::Export(e.to_string()))?;
    let path = dir.path().join("risk_list.xlsx");
    screen::output::write_risk_xlsx(&path, &s, &rows, &ds, &book)
        .map_err(|e| Error::Export(e.to_string()))?;
    std::fs::read(&path).map_err(|e| Error::Export(e.to_string()))
}
