//! 案件办理: violation cases carried through due process in the browser — the
//! list with the 处理档案 export ([`list`]), opening a case ([`open`]), the case
//! page rendered from the moves the domain says the caller may make now
//! ([`page`]), each move's form read by the domain and applied by the store
//! ([`act`]), and the printable documents ([`documents`]).
//!
//! Nothing here knows the transition table or an article's text: the forms come
//! from `Case::available_moves`, a submitted form is read by `MoveKind::command`,
//! the refusals carry their Chinese text and kind ([`crate::error::Error::of_store`]).
//! Jurisdiction is the store's (a case out of scope answers 404 like a missing
//! one); what the party's own account sees of a case is decided there too.

pub mod act;
pub mod documents;
pub mod open;
pub mod page;

pub use act::{act, answer, attach, attachment, detail};
pub use documents::document;
pub use open::{new_form, open, open_from_finding};

use super::{Params, is_export, paging, param};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::export;
use crate::view::{Chrome, FilterField, ListPage, Pager, TableView, choices, render};
use axum::extract::{Query, State};
use axum::response::Response;
use domain::RegionCode;
use domain::access::{DataScope, Permission};
use domain::case::{CaseState, Issuer, PartyKind};
use store::browse::Grid;
use store::cases::{CaseFilter, DueCase};

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("案件 #{id} 不存在或不在您的管辖范围内"))
}

fn bad(message: impl Into<String>) -> Error {
    Error::BadRequest(message.into())
}

fn who(caller: &Caller) -> String {
    caller.principal().username.clone()
}

/// The authority issuing the caller's documents: the 人社 department of the
/// caller's region, by the region names the platform keeps; `None` for an
/// account without a region (it issues no documents).
pub async fn issuer(st: &AppState, caller: &Caller) -> Result<Option<Issuer>> {
    let DataScope::Region(r) = caller.scope() else {
        return Ok(None);
    };
    let regions = st.store.regions().await?;
    let name_of = |c: &RegionCode| {
        regions
            .iter()
            .find(|(k, _)| k == c.as_str())
            .map(|(_, n)| n.clone())
    };
    Ok(Some(Issuer::of_region(r, name_of)))
}

/// The pressing deadlines as a grid (case, party, state, deadline, due day,
/// working days left — negative when overdue).
pub fn deadline_grid(due: &[&DueCase]) -> Grid {
    Grid {
        columns: vec![
            "case_id",
            "number",
            "party_name",
            "institution_id",
            "state",
            "deadline",
            "due",
            "days_left",
        ],
        rows: due
            .iter()
            .map(|d| {
                vec![
                    Some(d.case_id.to_string()),
                    Some(d.number.clone()),
                    Some(d.party_name.clone()),
                    Some(d.institution_id.to_string()),
                    Some(d.state.code().to_string()),
                    Some(d.deadline.what.code().to_string()),
                    Some(d.deadline.due.to_string()),
                    Some(d.deadline.working_days_left.to_string()),
                ]
            })
            .collect(),
        total: due.len() as u64,
    }
}

/// `GET /cases`: the cases in scope; `export=xlsx` gives the 处理档案 register.
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response> {
    let today = st.now().date();
    let scope = caller.scope();
    let f = CaseFilter {
        state: param(&q, "state"),
        party_kind: param(&q, "party_kind"),
        major: param(&q, "major").as_deref() == Some("1"),
        open: param(&q, "open").as_deref() == Some("1"),
        institution_id: param(&q, "institution_id"),
        q: param(&q, "q"),
    };
    if let Some(s) = &f.state
        && CaseState::parse(s).is_err()
    {
        return Err(bad(format!(
            "案件状态（参数 state）“{s}”无效，应为 {}",
            CaseState::EXPECTED
        )));
    }
    let overdue = param(&q, "overdue").as_deref() == Some("1");
    let internal = caller.role().may(Permission::ViewCaseFiles);
    if is_export(&q) && internal {
        let grid = st.store.case_register(scope).await?;
        let table = TableView::of(
            &grid,
            &[],
            &[("summary", "案由"), ("decided_on", "决定日期")],
        );
        caller.log(&st, "export", "处理档案").await?;
        return export::xlsx("处理档案", &table);
    }
    let p = paging(&q);
    let (table, total) = if overdue {
        let cal = st.store.calendar().await?;
        let due = st.store.deadlines(scope, today, &cal).await?;
        let late: Vec<&DueCase> = due
            .iter()
            .filter(|d| d.deadline.overdue)
            .filter(|d| f.state.as_deref().is_none_or(|s| d.state.code() == s))
            .collect();
        let grid = deadline_grid(&late);
        (TableView::of(&grid, &[], &[]), grid.total)
    } else {
        let grid = st.store.cases(scope, &f, p).await?;
        (
            TableView::of(&grid, &["updated_at"], &[("case_id", "案件")]),
            grid.total,
        )
    };
    if is_export(&q) {
        caller.log(&st, "export", "案件列表").await?;
        return export::xlsx("案件列表", &table);
    }
    let yes = vec![("1".to_string(), "是".to_string())];
    let mut buttons = Vec::new();
    if caller.role().may(Permission::HandleCases) {
        buttons.push(("立案".to_string(), "/cases/new".to_string()));
    }
    render(&ListPage {
        chrome: Chrome::new(&caller, "案件办理", "/cases"),
        action: "/cases".into(),
        filters: vec![
            FilterField::text("q", "案件编号/当事人", &f.q),
            FilterField::select(
                "state",
                "案件状态",
                &f.state,
                choices(CaseState::ALL, CaseState::code, CaseState::zh),
            ),
            FilterField::select(
                "party_kind",
                "当事人类别",
                &f.party_kind,
                choices(PartyKind::ALL, PartyKind::code, PartyKind::zh),
            ),
            FilterField::select("major", "评价要情", &param(&q, "major"), yes.clone()),
            FilterField::select("open", "未结案", &param(&q, "open"), yes),
            FilterField::select(
                "overdue",
                "期限",
                &param(&q, "overdue"),
                vec![("1".to_string(), "已逾期".to_string())],
            ),
            FilterField::text("institution_id", "机构编码", &f.institution_id),
        ],
        pager: Pager::new("/cases", &q, p, total),
        table,
        buttons,
        note: Some(if internal {
            "“导出”为处理档案（第二十一条）：辖区内全部案件的处理意见、文书文号、送达、复核、执行与结案情况。".into()
        } else {
            "本机构被立案调查的案件：可查看告知书、处理决定书，在期限内提交陈述申辩、整改报告或申请复核。".into()
        }),
    })
}
