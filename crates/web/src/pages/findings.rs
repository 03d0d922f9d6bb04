//! 预警中心: the latest screening run's findings in the caller's jurisdiction;
//! one finding with its evidence, the rule's text and legal basis; confirm (属实)
//! or dismiss (排除) with a reason, kept with the finding across runs.

use super::{Params, is_export, paging, param};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::export;
use crate::view::{CellView, Chrome, FilterField, ListPage, Pager, TableView, choices, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Permission;
use domain::enums::Severity;
use domain::finding::FindingKind;
use serde::Deserialize;
use store::Mark;
use store::browse::FindingListFilter;

/// `GET /findings`.
pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<Params>,
) -> Result<Response> {
    let item = match param(&q, "item") {
        Some(v) => Some(
            v.parse::<u8>()
                .ok()
                .filter(|i| (1..=15).contains(i))
                .ok_or_else(|| {
                    Error::BadRequest(format!("指引条目（参数 item）“{v}”无效，应为 1–15"))
                })?,
        ),
        None => None,
    };
    let f = FindingListFilter {
        item,
        severity: param(&q, "severity"),
        status: param(&q, "status"),
        rule: param(&q, "rule"),
        institution_id: param(&q, "institution_id"),
        batch_id: param(&q, "batch_id"),
        region: param(&q, "region"),
        from: super::date_param(&q, "from", "活动起始日期")?,
        to: super::date_param(&q, "to", "活动截止日期")?,
        institution_name: param(&q, "institution_name"),
    };
    let p = paging(&q);
    let grid = st.store.finding_list(caller.scope(), &f, p).await?;
    let table = TableView::of(
        &grid,
        &["person_id", "cert_no"],
        &[("institution_name", "机构"), ("activity_date", "活动时间")],
    )
    .for_viewer(&caller);
    if is_export(&q) {
        caller.log(&st, "export", "预警列表").await?;
        return export::xlsx("预警列表", &table);
    }
    let items: Vec<(String, String)> = (1..=15u8)
        .map(|i| {
            (
                i.to_string(),
                format!("第{i}项 {}", screen::risk::ITEM_NAMES[usize::from(i) - 1]),
            )
        })
        .collect();
    let rules: Vec<(String, String)> = FindingKind::ALL
        .iter()
        .map(|k| {
            (
                k.id().to_string(),
                format!("{} {}", k.default_item(), k.title()),
            )
        })
        .collect();
    render(&ListPage {
        chrome: Chrome::new(&caller, "预警中心", "/findings"),
        action: "/findings".into(),
        filters: vec![
            FilterField::select("item", "指引条目", &param(&q, "item"), items),
            FilterField::select(
                "severity",
                "严重程度",
                &f.severity,
                choices(Severity::ALL, Severity::code, Severity::zh),
            ),
            FilterField::select(
                "status",
                "处理状态",
                &f.status,
                Mark::ALL
                    .iter()
                    .map(|m| (m.code().to_string(), m.zh().to_string()))
                    .collect(),
            ),
            FilterField::select("rule", "规则", &f.rule, rules),
            FilterField::text("institution_name", "机构名称", &f.institution_name),
            FilterField::text("batch_id", "批次号", &f.batch_id),
            FilterField::select(
                "region",
                "所在地区",
                &f.region,
                super::region_choices(&st, &caller).await?,
            ),
            FilterField::date("from", "活动起始", &param(&q, "from")),
            FilterField::date("to", "活动截止", &param(&q, "to")),
        ],
        pager: Pager::new("/findings", &q, p, grid.total),
        table,
        buttons: Vec::new(),
        note: None,
    })
}

#[derive(Template)]
#[template(path = "finding.html")]
pub struct FindingPage {
    pub chrome: Chrome,
    pub id: i64,
    pub head: Vec<(String, CellView)>,
    /// The institution concerned (its name, linked).
    pub institution: Option<CellView>,
    pub basis: String,
    pub article: String,
    pub rule_text: String,
    pub regulation: String,
    pub evidence: Vec<crate::evidence::EvidenceRow>,
    pub marks: TableView,
    /// Cases already opened from this finding.
    pub cases: TableView,
    pub can_mark: bool,
    pub status: String,
    /// Whether the caller may open a case from the finding, and against whom.
    pub can_open_case: bool,
    pub parties: Vec<(String, String)>,
}

/// `GET /findings/{id}`.
pub async fn detail(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response> {
    let d = st
        .store
        .finding(caller.scope(), id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("预警 #{id} 不存在或不在您的管辖范围内")))?;
    let json: serde_json::Value = serde_json::from_str(&d.detail).unwrap_or_default();
    let s = |k: &str| {
        json.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let rule = d.head.get(0, "rule").unwrap_or_default().to_string();
    let kind = FindingKind::from_id(&rule);
    let book = st
        .store
        .latest_rulebook()
        .await?
        .and_then(|n| domain::rulebook::Rulebook::builtin(&n).ok())
        .unwrap_or_else(domain::rulebook::Rulebook::national);
    let rule_text = kind
        .map(|k| book.entry(k).source.display_zh())
        .unwrap_or_default();
    let regulation = kind
        .and_then(|k| {
            screen::rules::detectors()
                .into_iter()
                .find(|d| d.kinds().contains(&k))
        })
        .map(|d| d.regulation().to_string())
        .unwrap_or_default();
    let links = crate::evidence::Links {
        activities: true,
        institutions: true,
        certificates: caller.role().may(Permission::LookupCertificates),
    };
    let evidence = json
        .get("evidence")
        .map(|e| crate::evidence::rows(e, links))
        .unwrap_or_default();
    // The head without empty fields; the institution by name, linked.
    let head: Vec<(String, CellView)> = crate::view::fields(
        &d.head,
        &[
            "first_run",
            "last_run",
            "institution_id",
            "institution_name",
        ],
    )
    .into_iter()
    .filter(|(_, c)| !c.text.is_empty())
    .map(|(l, mut c)| {
        if c.href
            .as_deref()
            .is_some_and(|h| !crate::view::may_follow(caller.role(), h))
        {
            c.href = None;
        }
        if l == "批次号" && d.head.get(0, "activity_date").is_none() {
            c.href = None;
        }
        (l, c)
    })
    .collect();
    let mut parties = Vec::new();
    if let Some(i) = d.head.get(0, "institution_id") {
        parties.push((
            "institution".to_string(),
            format!(
                "评价机构 {i} {}",
                d.institution_name.clone().unwrap_or_default()
            ),
        ));
    }
    if let Some(c) = d.head.get(0, "candidate_id") {
        parties.push((
            "candidate".to_string(),
            format!("参评人员 {}", crate::view::mask_id(c)),
        ));
    }
    if let Some(p) = d.head.get(0, "person_id") {
        parties.push(("staff".to_string(), format!("工作人员 {p}")));
    }
    render(&FindingPage {
        chrome: Chrome::new(&caller, format!("预警 #{id}"), "/findings"),
        id,
        head,
        institution: d.head.get(0, "institution_id").map(|i| CellView {
            text: d
                .institution_name
                .clone()
                .map_or_else(|| format!("{i}（未备案）"), |n| format!("{n}（{i}）")),
            href: d
                .institution_name
                .is_some()
                .then(|| format!("/institutions/{}", crate::view::enc(i))),
            ..CellView::default()
        }),
        basis: s("basis"),
        article: s("article"),
        rule_text,
        regulation,
        evidence,
        marks: TableView::of(&d.marks, &[], &[]),
        cases: TableView::of(&d.cases, &[], &[("party_name", "当事人")]).for_viewer(&caller),
        can_mark: caller.role().may(Permission::MarkFindings),
        can_open_case: caller.role().may(Permission::HandleCases) && !parties.is_empty(),
        parties,
        status: d
            .head
            .get(0, "finding_status")
            .unwrap_or("open")
            .to_string(),
    })
}

/// Masks 18-character ID numbers inside the evidence text.
pub fn mask_evidence(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let end = i + 18;
        let boundary = |j: usize| j >= chars.len() || !chars[j].is_ascii_alphanumeric();
        if (i == 0 || !chars[i - 1].is_ascii_alphanumeric())
            && end <= chars.len()
            && chars[i..end - 1].iter().all(char::is_ascii_digit)
            && (chars[end - 1].is_ascii_digit() || chars[end - 1] == 'X')
            && boundary(end)
        {
            let id: String = chars[i..end].iter().collect();
            out.push_str(&crate::view::mask_id(&id));
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[derive(Debug, Deserialize)]
pub struct MarkForm {
    #[serde(default)]
    pub _csrf: String,
    pub status: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST /findings/{id}/mark`.
pub async fn mark(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(form): Form<MarkForm>,
) -> Result<Response> {
    caller.check_csrf(&form._csrf)?;
    let status = Mark::parse(&form.status).ok_or_else(|| {
        Error::BadRequest(format!("处理结果（字段 status）“{}”无效，应为 confirmed（属实）、dismissed（排除）或 open（重新打开）", form.status))
    })?;
    if form.reason.trim().is_empty() {
        return Err(Error::BadRequest(
            "理由（字段 reason）不能为空：请写明核实情况".into(),
        ));
    }
    if !st.store.finding_in_scope(caller.scope(), id).await? {
        return Err(Error::NotFound(format!(
            "预警 #{id} 不存在或不在您的管辖范围内"
        )));
    }
    let who = format!(
        "{}（{}）",
        caller.principal().display_name,
        caller.principal().username
    );
    st.store
        .mark(id, status, form.reason.trim(), &who, st.now())
        .await?;
    caller
        .log(
            &st,
            "mark_finding",
            &format!("预警 #{id} → {}", status.zh()),
        )
        .await?;
    Ok(Redirect::to(&format!("/findings/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn evidence_id_numbers_are_masked() {
        assert_eq!(
            super::mask_evidence(r#"{"candidate":"11010519491231002X","n":123}"#),
            r#"{"candidate":"110105********002X","n":123}"#
        );
    }
}
