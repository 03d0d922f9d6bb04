//! 案件办理: violation cases carried through due process in the browser — the
//! list with the 处理档案 export, opening a case (from a finding, a complaint, an
//! inspection or by hand), the case page with the one form that moves each state
//! on, the party's answers, evidence uploads and the printable documents.
//!
//! The rules are `domain::case`'s, applied by `store::cases` in one transaction
//! per step; this module parses forms, builds the issuing authority from the
//! caller's region and says in Chinese what the rules refused. Jurisdiction is
//! the store's (a case out of scope answers 404 like a missing one); what the
//! institution's own account sees of a case (no internal material) is decided
//! there too.

use super::{Params, is_export, paging, param};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::export;
use crate::pages::findings::mask_evidence;
use crate::view::{
    CellView, Chrome, FilterField, ListPage, Pager, TableView, cell, choices, render,
};
use askama::Template;
use axum::Form;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use domain::access::{DataScope, Permission};
use domain::case::{
    Amendment, AttachmentKind, CaseRefusal, CaseState, DocumentKind, Issuer, MajorGround, Party,
    PartyKind, Proposal, ReviewOutcome, Sanction, Source, SourceKind,
};
use domain::enums::Severity;
use domain::ids::{InstitutionId, PersonId};
use domain::region::RegionLevel;
use domain::{IdNumber, RegionCode};
use store::browse::Grid;
use store::cases::{CaseDetail, CaseFilter, DueCase, NewCase};

// ---------------------------------------------------------------------------
// Errors in Chinese.

/// The Chinese part of a store's `what` ("changing the proposal (变更拟处理意见)").
fn zh_part(what: &str) -> &str {
    match (what.rfind('('), what.rfind(')')) {
        (Some(a), Some(b)) if a < b => &what[a + 1..b],
        _ => what,
    }
}

/// A refusal of the case rules, in Chinese, with the article it applies.
pub fn refusal_zh(r: &CaseRefusal) -> String {
    use CaseRefusal as R;
    match r {
        R::NotPossible { state, action } => format!(
            "案件当前处于“{}”阶段，不能办理“{}”",
            state.zh(),
            action.zh()
        ),
        R::NoInvestigators => "请先指派至少一名调查人员（第十七条）".into(),
        R::Conflict {
            investigator,
            institution_id,
            reason,
        } => format!(
            "{investigator} 与机构 {institution_id} 存在利害关系（{}），不能担任调查人员（第十八条：调查人员与涉事机构或人员存在利害关系的，应当主动回避）",
            zh_part(reason)
        ),
        R::Recused { investigator } => {
            format!("{investigator} 已在本案回避（第十八条），不能再次指派")
        }
        R::AlreadyAssigned { investigator } => format!("{investigator} 已是本案调查人员"),
        R::NotAnInvestigator { investigator } => {
            format!("{investigator} 不是本案的调查人员：请从现有调查人员中选择")
        }
        R::RecusalNotPending { recusal_id } => {
            format!("回避申请 #{recusal_id} 已作出决定或不存在")
        }
        R::ReasonRequired { what } => format!("请填写理由（{}）", zh_part(what)),
        R::NothingToPropose => {
            "本案没有可据以提出处理意见的预警：请在“变更拟处理意见”中写明处理措施、依据和理由"
                .into()
        }
        R::NoArticleForParty { party } => format!(
            "本案预警未载明适用于{}的条款：请在“变更拟处理意见”中手工填写",
            party.zh()
        ),
        R::NoSanction => "拟处理意见至少应有一项处理措施（字段 sanction）".into(),
        R::BasisRequired => "拟处理意见应写明依据（字段 basis，每行一条）".into(),
        R::SanctionNotForParty { sanction, party } => {
            format!("“{sanction}”不适用于{}", party.zh())
        }
        R::OutOfRange { what, expected } => {
            let valid = match *what {
                "参评人员禁考年限" => "1 年（第六条）、2 年或 5 年（第七条）",
                "整改期限" => "1–250 个工作日",
                "约束措施年限" => "1–5 年",
                "指引条目" => "第 1–15 项",
                _ => expected,
            };
            format!("{what}超出范围：应为 {valid}")
        }
        R::StatementPeriodRunning { due } => format!(
            "当事人可在 {due}（含）前陈述申辩（第十八条）：请在该日之后，或收到陈述申辩后再作出处理决定"
        ),
        R::NotServed => {
            "处理决定尚未送达：请先登记送达日期（第十八条：处理决定应以书面形式送达）".into()
        }
        R::AlreadyServed { served_on } => format!("处理决定已于 {served_on} 送达"),
        R::DateOutOfRange {
            what,
            date,
            from,
            to,
        } => {
            let what = if what.contains("review") {
                "复核申请日期"
            } else if what.contains("service") {
                "送达日期"
            } else {
                what
            };
            format!("{what} {date} 应在 {from} 至 {to} 之间")
        }
        R::ReviewLate {
            served_on,
            filed_on,
            last_day,
        } => format!(
            "复核申请已逾期，不予受理：处理决定于 {served_on} 送达，应自收到之日起 15 个工作日内、即最迟于 {last_day} 申请复核，本申请于 {filed_on} 提出（第十九条）"
        ),
        R::ReviewUsed { requested_on } => {
            format!("已于 {requested_on} 申请复核；同一处理决定只复核一次")
        }
        R::ExtensionUsed { reason } => {
            format!("复核期限已延长过一次（{reason}）；第十九条只允许延长一次，10 个工作日")
        }
        R::ExtensionTooLate { due } => {
            format!("复核决定应于 {due} 前作出；延长期限须在此之前决定（第十九条）")
        }
        R::ReviewWindowOpen { last_day } => {
            format!("当事人可在 {last_day}（含）前申请复核（第十九条）：该日之后方可结案")
        }
        R::NoRectificationReport { due } => format!(
            "机构尚未提交整改报告{}",
            due.map(|d| format!("；整改期限为 {d}，逾期未提交的可在期满后认定整改不合格"))
                .unwrap_or_default()
        ),
        R::FewSigners { signers } => format!(
            "参评人员违纪违规的现场记录应经 2 名及以上工作人员签字（第十五条），现有 {signers} 名（字段 signers，每行一名）"
        ),
        R::FindingOfAnotherParty { finding_id } => {
            format!("预警 #{finding_id} 与本案当事人无关")
        }
        R::NoFindings => "从预警立案至少需要一条预警（字段 finding_ids）".into(),
        R::NoDecision => "本案尚无处理决定".into(),
    }
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!("案件 #{id} 不存在或不在您的管辖范围内"))
}

/// A store error as the pages show it.
fn store_error(e: store::Error) -> Error {
    match e {
        store::Error::CaseRefused { reason } => {
            Error::BadRequest(format!("不予办理：{}", refusal_zh(&reason)))
        }
        store::Error::NoSuchCase(id) => not_found(id),
        store::Error::NoSuchInstitution(id) => {
            Error::NotFound(format!("机构 {id} 不存在或不在您的管辖范围内"))
        }
        store::Error::NoSuchFinding(id) => {
            Error::NotFound(format!("预警 #{id} 不存在或不在您的管辖范围内"))
        }
        store::Error::Forbidden(m) => Error::Forbidden(m),
        other => Error::Store(other),
    }
}

fn bad(message: impl Into<String>) -> Error {
    Error::BadRequest(message.into())
}

/// A required text field.
fn required(f: &Params, name: &str, label: &str, hint: &str) -> Result<String> {
    param(f, name).ok_or_else(|| bad(format!("{label}（字段 {name}）不能为空：{hint}")))
}

/// The names in a list field (commas, 顿号, semicolons or lines between them).
fn names(text: &str) -> Vec<String> {
    text.split([',', '，', '、', ';', '；', '\n'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The lines of a text area.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A date field, today when blank.
fn date_field(f: &Params, name: &str, label: &str, today: NaiveDate) -> Result<NaiveDate> {
    match param(f, name) {
        None => Ok(today),
        Some(v) => domain::time::parse_date(&v).map_err(|_| {
            bad(format!(
                "{label}（字段 {name}）“{v}”不是日期，应为 YYYY-MM-DD"
            ))
        }),
    }
}

fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn who(caller: &Caller) -> String {
    caller.principal().username.clone()
}

// ---------------------------------------------------------------------------
// The issuing authority.

/// The one-character abbreviation of a province (鄂, 辽, 青, 晋, …).
fn province_abbreviation(prefix: &str) -> &'static str {
    match prefix {
        "11" => "京",
        "12" => "津",
        "13" => "冀",
        "14" => "晋",
        "15" => "内",
        "21" => "辽",
        "22" => "吉",
        "23" => "黑",
        "31" => "沪",
        "32" => "苏",
        "33" => "浙",
        "34" => "皖",
        "35" => "闽",
        "36" => "赣",
        "37" => "鲁",
        "41" => "豫",
        "42" => "鄂",
        "43" => "湘",
        "44" => "粤",
        "45" => "桂",
        "46" => "琼",
        "50" => "渝",
        "51" => "川",
        "52" => "黔",
        "53" => "滇",
        "54" => "藏",
        "61" => "陕",
        "62" => "甘",
        "63" => "青",
        "64" => "宁",
        "65" => "新",
        _ => "",
    }
}

fn first_char(s: &str) -> String {
    s.chars().next().map(String::from).unwrap_or_default()
}

/// The authority issuing the caller's documents: the 人社 department of the
/// caller's region ([`issuer_of`]); only a regional official issues documents.
pub fn issuer(caller: &Caller, regions: &[(String, String)]) -> Result<Issuer> {
    match caller.scope() {
        DataScope::Region(r) => Ok(issuer_of(r, regions)),
        _ => Err(Error::Forbidden(
            "只有人社部门的账号可以出具告知书、决定书".into(),
        )),
    }
}

/// The 人社 department of region `r` (厅 for a province, 局 for a municipality,
/// a city or a district) and the abbreviation of its document numbers (鄂人社鉴,
/// 武人社鉴, 武洪人社鉴), by the region names the platform keeps.
pub fn issuer_of(r: &RegionCode, regions: &[(String, String)]) -> Issuer {
    let name = |c: &RegionCode| {
        regions
            .iter()
            .find(|(k, _)| k == c.as_str())
            .map(|(_, n)| n.clone())
    };
    let province = r.province_name();
    let short = province_abbreviation(&r.as_str()[..2]);
    match r.level() {
        RegionLevel::Province => Issuer {
            name: format!(
                "{province}人力资源和社会保障{}",
                if province.ends_with('市') {
                    "局"
                } else {
                    "厅"
                }
            ),
            abbreviation: format!("{short}人社鉴"),
        },
        RegionLevel::City => {
            let n = name(r).unwrap_or_else(|| r.to_string());
            Issuer {
                name: format!("{n}人力资源和社会保障局"),
                abbreviation: format!("{}人社鉴", first_char(&n)),
            }
        }
        RegionLevel::District => {
            let city = r.city().and_then(|c| name(&c)).unwrap_or_default();
            let n = name(r).unwrap_or_else(|| r.to_string());
            Issuer {
                name: format!("{city}{n}人力资源和社会保障局"),
                abbreviation: format!("{}{}人社鉴", first_char(&city), first_char(&n)),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 案件列表.

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

// ---------------------------------------------------------------------------
// 立案.

#[derive(Template)]
#[template(path = "case_new.html")]
pub struct NewCasePage {
    pub chrome: Chrome,
    pub errors: Vec<String>,
    pub form: Params,
    pub parties: Vec<(String, String)>,
    pub sources: Vec<(String, String)>,
}

impl NewCasePage {
    /// The value the form had for `name`.
    pub fn v(&self, name: &str) -> String {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

fn new_page(caller: &Caller, form: Params, errors: Vec<String>) -> NewCasePage {
    NewCasePage {
        chrome: Chrome::new(caller, "立案", "/cases"),
        errors,
        form,
        parties: choices(PartyKind::ALL, PartyKind::code, PartyKind::zh),
        sources: choices(SourceKind::ALL, SourceKind::code, SourceKind::zh),
    }
}

/// `GET /cases/new`: the form to open a case from a complaint, an inspection,
/// findings or by hand.
pub async fn new_form(caller: Caller, Query(q): Query<Params>) -> Result<Response> {
    render(&new_page(&caller, q, Vec::new()))
}

/// The party of a case from the form's `party_kind`, `party_id` and `party_name`.
fn party_of(f: &Params, institution: &InstitutionId) -> Result<Party> {
    let kind = match param(f, "party_kind") {
        None => PartyKind::Institution,
        Some(k) => PartyKind::parse(&k).map_err(|_| {
            bad(format!(
                "当事人类别（字段 party_kind）“{k}”无效，应为 institution（评价机构）、candidate（参评人员）或 staff（工作人员）"
            ))
        })?,
    };
    let name = || {
        required(
            f,
            "party_name",
            "当事人姓名",
            "参评人员或工作人员的姓名，写入告知书和决定书",
        )
    };
    Ok(match kind {
        PartyKind::Institution => Party::Institution(institution.clone()),
        PartyKind::Candidate => {
            let id = required(f, "party_id", "身份证号", "参评人员的 18 位公民身份号码")?;
            Party::Candidate {
                id_number: IdNumber::parse(&id).map_err(|e| {
                    bad(format!(
                        "身份证号（字段 party_id）无效：{e}；应为 18 位公民身份号码"
                    ))
                })?,
                name: name()?,
            }
        }
        PartyKind::Staff => {
            let id = required(f, "party_id", "人员编号", "考评员、督导员或考务人员的编号")?;
            Party::Staff {
                person_id: PersonId::parse(&id)
                    .map_err(|e| bad(format!("人员编号（字段 party_id）无效：{e}")))?,
                name: name()?,
            }
        }
    })
}

fn new_case_of(f: &Params) -> Result<NewCase> {
    let iid = required(
        f,
        "institution_id",
        "机构编码",
        "当事人所属（或违纪违规发生）的评价机构编码",
    )?;
    let institution = InstitutionId::parse(&iid)
        .map_err(|e| bad(format!("机构编码（字段 institution_id）“{iid}”无效：{e}")))?;
    let party = party_of(f, &institution)?;
    let kind = match param(f, "source_kind") {
        None => SourceKind::Manual,
        Some(k) => SourceKind::parse(&k).map_err(|_| {
            bad(format!(
                "案件来源（字段 source_kind）“{k}”无效，应为 findings（数字化监测）、complaint（投诉举报）、inspection（监督检查）或 manual（手工立案）"
            ))
        })?,
    };
    let detail = param(f, "source_detail");
    let source = match kind {
        SourceKind::Findings => {
            let text = required(f, "finding_ids", "预警编号", "一个或多个预警编号，逗号分隔")?;
            let ids = names(&text)
                .iter()
                .map(|s| {
                    s.trim_start_matches('#').parse::<i64>().map_err(|_| {
                        bad(format!(
                            "预警编号（字段 finding_ids）“{s}”不是数字：应为预警编号，逗号分隔，如 12, 15"
                        ))
                    })
                })
                .collect::<Result<Vec<i64>>>()?;
            Source::Findings(ids)
        }
        SourceKind::Complaint => Source::Complaint(detail.ok_or_else(|| {
            bad("投诉编号或摘要（字段 source_detail）不能为空：写明投诉举报的编号或内容")
        })?),
        SourceKind::Inspection => Source::Inspection(detail.ok_or_else(|| {
            bad("检查记录（字段 source_detail）不能为空：写明监督检查的编号或情况")
        })?),
        SourceKind::Manual => Source::Manual,
    };
    let summary = required(f, "summary", "案由", "一句话写明案件涉及的违纪违规行为")?;
    Ok(NewCase {
        institution_id: Some(institution),
        party,
        source,
        summary,
    })
}

/// `POST /cases`: opens a case and shows it, or the form again with what to fix.
pub async fn open(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<Params>,
) -> Result<Response> {
    caller.check_csrf(&param(&f, "_csrf").unwrap_or_default())?;
    let again = |message: String| {
        render(&new_page(&caller, f.clone(), vec![message])).map(|mut r| {
            *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            r
        })
    };
    let new = match new_case_of(&f) {
        Ok(n) => n,
        Err(Error::BadRequest(m)) => return again(m),
        Err(e) => return Err(e),
    };
    match st
        .store
        .open_case(caller.scope(), &who(&caller), st.now(), &new)
        .await
    {
        Ok(id) => {
            caller
                .log(&st, "case", &format!("立案 #{id} {}", new.summary))
                .await?;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(store::Error::Forbidden(_)) | Err(store::Error::NoSuchInstitution(_)) => {
            let iid = new
                .institution_id
                .map(|i| i.to_string())
                .unwrap_or_default();
            again(format!(
                "机构 {iid} 不存在或不在您的管辖范围内（字段 institution_id）"
            ))
        }
        Err(e) => match store_error(e) {
            Error::BadRequest(m) | Error::NotFound(m) => again(m),
            other => Err(other),
        },
    }
}

/// The name of a candidate or staff member of a batch, as the activity records it.
async fn name_in_batch(
    st: &AppState,
    scope: &DataScope,
    batch: Option<&str>,
    column: &str,
    id: &str,
) -> Result<Option<String>> {
    let Some(batch) = batch else {
        return Ok(None);
    };
    let Some(b) = st.store.batch(scope, batch).await? else {
        return Ok(None);
    };
    let grid = if column == "candidate_id" {
        &b.candidates
    } else {
        &b.staff
    };
    Ok((0..grid.rows.len())
        .find(|&r| grid.get(r, column) == Some(id))
        .and_then(|r| grid.get(r, "name"))
        .map(str::to_string))
}

/// `POST /findings/{id}/case`: opens a case from a finding (against its
/// institution, or its candidate or staff member) and shows it.
pub async fn open_from_finding(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<Params>,
) -> Result<Response> {
    caller.check_csrf(&param(&f, "_csrf").unwrap_or_default())?;
    let scope = caller.scope();
    let d = st
        .store
        .finding(scope, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("预警 #{id} 不存在或不在您的管辖范围内")))?;
    let get = |c: &str| d.head.get(0, c).map(str::to_string);
    let iid = get("institution_id")
        .ok_or_else(|| bad(format!("预警 #{id} 不涉及评价机构，请通过“立案”手工立案")))?;
    let institution = InstitutionId::parse(&iid)
        .map_err(|e| bad(format!("预警 #{id} 的机构编码 {iid} 无效：{e}")))?;
    let batch = get("batch_id");
    let given_name = param(&f, "party_name");
    let party = match param(&f, "party").as_deref().unwrap_or("institution") {
        "institution" => Party::Institution(institution.clone()),
        "candidate" => {
            let cid = get("candidate_id")
                .ok_or_else(|| bad(format!("预警 #{id} 不涉及参评人员（字段 party）")))?;
            let name = match given_name {
                Some(n) => Some(n),
                None => name_in_batch(&st, scope, batch.as_deref(), "candidate_id", &cid).await?,
            };
            Party::Candidate {
                id_number: IdNumber::parse(&cid)
                    .map_err(|e| bad(format!("预警 #{id} 的身份证号无效：{e}")))?,
                name: name.ok_or_else(|| {
                    bad("未找到该参评人员的姓名：请填写当事人姓名（字段 party_name）")
                })?,
            }
        }
        "staff" => {
            let pid = get("person_id")
                .ok_or_else(|| bad(format!("预警 #{id} 不涉及工作人员（字段 party）")))?;
            let name = match given_name {
                Some(n) => Some(n),
                None => name_in_batch(&st, scope, batch.as_deref(), "person_id", &pid).await?,
            };
            Party::Staff {
                person_id: PersonId::parse(&pid)
                    .map_err(|e| bad(format!("预警 #{id} 的人员编号无效：{e}")))?,
                name: name.ok_or_else(|| {
                    bad("未找到该工作人员的姓名：请填写当事人姓名（字段 party_name）")
                })?,
            }
        }
        other => {
            return Err(bad(format!(
                "当事人（字段 party）“{other}”无效，应为 institution（评价机构）、candidate（参评人员）或 staff（工作人员）"
            )));
        }
    };
    let title = get("rule")
        .and_then(|r| domain::finding::FindingKind::from_id(&r))
        .map(|k| k.title().to_string())
        .unwrap_or_default();
    let message = mask_evidence(&get("message").unwrap_or_default());
    let new = NewCase {
        party,
        institution_id: Some(institution),
        source: Source::Findings(vec![id]),
        summary: format!("数字化监测预警 #{id} {title}：{message}"),
    };
    let case_id = st
        .store
        .open_case(scope, &who(&caller), st.now(), &new)
        .await
        .map_err(store_error)?;
    caller
        .log(&st, "case", &format!("立案 #{case_id}（预警 #{id}）"))
        .await?;
    Ok(Redirect::to(&format!("/cases/{case_id}")).into_response())
}

// ---------------------------------------------------------------------------
// 案件页.

/// A proposal or decision as the page shows it.
pub struct ProposalView {
    pub severity: String,
    pub severity_class: &'static str,
    pub item: String,
    pub disposition: String,
    /// (measure, article).
    pub sanctions: Vec<(String, String)>,
    pub basis: Vec<String>,
    pub facts: Vec<String>,
    pub escalation: String,
    pub override_reason: String,
    pub rulebook: String,
}

impl ProposalView {
    fn of(p: &Proposal) -> ProposalView {
        let sev = cell("severity", Some(p.severity.code()));
        ProposalView {
            severity: sev.text,
            severity_class: sev.class,
            item: p
                .item
                .map(|i| {
                    format!(
                        "第{i}项 {}",
                        screen::risk::ITEM_NAMES
                            .get(usize::from(i).saturating_sub(1))
                            .unwrap_or(&"")
                    )
                })
                .unwrap_or_default(),
            disposition: p
                .disposition
                .map(|d| d.zh().to_string())
                .unwrap_or_default(),
            sanctions: p.sanctions.iter().map(|s| (s.zh(), s.article())).collect(),
            basis: p.basis.clone(),
            facts: p.facts.iter().map(|f| mask_evidence(f)).collect(),
            escalation: p.escalation.clone().unwrap_or_default(),
            override_reason: p.override_reason.clone().unwrap_or_default(),
            rulebook: p.rulebook.clone().unwrap_or_default(),
        }
    }
}

/// One measure the amendment form offers.
pub struct SanctionChoice {
    pub value: &'static str,
    pub label: String,
    pub article: String,
    pub checked: bool,
}

/// The amendment form (变更拟处理意见, and the changed outcome of a review).
pub struct AmendForm {
    pub choices: Vec<SanctionChoice>,
    pub severities: Vec<(String, String)>,
    pub severity: String,
    pub item: String,
    pub rectify_days: u32,
    pub constraint_years: u8,
    pub bar_years: u8,
    /// (years, selected) of the bar choices (第六条 1 year, 第七条 2 or 5).
    pub bar_options: Vec<(u8, bool)>,
    pub basis: String,
    pub facts: String,
}

/// The measures, by form value, with the parameters the form gives them.
fn sanction_catalogue(
    rectify_days: u32,
    constraint_years: u8,
    bar_years: u8,
) -> Vec<(&'static str, Sanction)> {
    vec![
        ("interview", Sanction::Interview),
        (
            "rectify",
            Sanction::Rectify {
                deadline_working_days: rectify_days,
            },
        ),
        (
            "suspend",
            Sanction::Suspend {
                rectify_working_days: rectify_days,
            },
        ),
        ("terminate", Sanction::Terminate),
        ("bad_credit", Sanction::BadCredit),
        (
            "constraints",
            Sanction::Constraints {
                years: constraint_years,
            },
        ),
        ("void_certificates", Sanction::VoidCertificates),
        ("revoke_certificate_data", Sanction::RevokeCertificateData),
        (
            "cancel_scores",
            Sanction::CancelScores {
                all_subjects: false,
            },
        ),
        (
            "cancel_scores_all",
            Sanction::CancelScores { all_subjects: true },
        ),
        ("bar_candidate", Sanction::BarCandidate { years: bar_years }),
        ("revoke_examiner_card", Sanction::RevokeExaminerCard),
        ("disqualify_staff", Sanction::DisqualifyStaff),
        ("suspend_supervisor", Sanction::SuspendSupervisor),
    ]
}

fn same_measure(a: &Sanction, b: &Sanction) -> bool {
    match (a, b) {
        (
            Sanction::CancelScores { all_subjects: x },
            Sanction::CancelScores { all_subjects: y },
        ) => x == y,
        _ => a.code() == b.code(),
    }
}

impl AmendForm {
    fn of(party: PartyKind, current: Option<&Proposal>) -> AmendForm {
        let find =
            |f: fn(&Sanction) -> Option<u32>| current.and_then(|p| p.sanctions.iter().find_map(f));
        let rectify_days = find(|s| match s {
            Sanction::Rectify {
                deadline_working_days: n,
            } => Some(*n),
            _ => None,
        })
        .unwrap_or(domain::case::RECTIFY_WORKING_DAYS);
        let constraint_years = find(|s| match s {
            Sanction::Constraints { years } => Some(u32::from(*years)),
            _ => None,
        })
        .unwrap_or(u32::from(domain::case::CONSTRAINT_YEARS)) as u8;
        let bar_years = find(|s| match s {
            Sanction::BarCandidate { years } => Some(u32::from(*years)),
            _ => None,
        })
        .unwrap_or(2) as u8;
        let choices = sanction_catalogue(rectify_days, constraint_years, bar_years)
            .into_iter()
            .filter(|(_, s)| s.parties().contains(&party))
            .map(|(value, s)| SanctionChoice {
                value,
                label: match value {
                    "rectify" => "予以警告，限期整改".into(),
                    "constraints" => "约束措施（监督管理办法第十七条）".into(),
                    "bar_candidate" => "禁止参加评价".into(),
                    _ => s.zh(),
                },
                article: s.article(),
                checked: current.is_some_and(|p| p.sanctions.iter().any(|c| same_measure(c, &s))),
            })
            .collect();
        AmendForm {
            choices,
            severities: choices_of_severity(),
            severity: current
                .map(|p| p.severity.code().to_string())
                .unwrap_or_else(|| "general".into()),
            item: current
                .and_then(|p| p.item)
                .map(|i| i.to_string())
                .unwrap_or_default(),
            rectify_days,
            constraint_years,
            bar_years,
            bar_options: [1u8, 2, 5].iter().map(|&y| (y, y == bar_years)).collect(),
            basis: current.map(|p| p.basis.join("\n")).unwrap_or_default(),
            facts: current
                .map(|p| mask_evidence(&p.facts.join("\n")))
                .unwrap_or_default(),
        }
    }
}

fn choices_of_severity() -> Vec<(String, String)> {
    choices(Severity::ALL, Severity::code, Severity::zh)
}

/// Which forms the page shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Forms {
    pub assign: bool,
    pub propose: bool,
    pub notify: bool,
    pub decide: bool,
    pub serve: bool,
    pub execute: bool,
    pub review_request: bool,
    pub extend_review: bool,
    pub decide_review: bool,
    pub check_rectification: bool,
    pub close: bool,
    pub drop: bool,
    pub statement: bool,
    pub rectification_report: bool,
    pub recusal_request: bool,
    pub mark_major: bool,
    pub attach: bool,
}

/// A document of the case, for the list of documents.
pub struct DocLink {
    pub kind: String,
    pub number: String,
    pub href: String,
    pub issued: String,
}

/// A recusal request.
pub struct RecusalView {
    pub id: i64,
    pub investigator: String,
    pub reason: String,
    pub requested: String,
    pub status: String,
    pub pending: bool,
    pub decision_reason: String,
}

/// The deadline the case waits on.
pub struct DeadlineView {
    pub what: String,
    pub due: String,
    pub left: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub chrome: Chrome,
    pub id: i64,
    pub state: String,
    pub state_zh: String,
    pub head: Vec<(String, CellView)>,
    pub deadline: Option<DeadlineView>,
    pub internal: bool,
    pub handle: bool,
    pub party: bool,
    pub error: Option<String>,
    pub findings: TableView,
    pub proposal: Option<ProposalView>,
    pub decision: Option<ProposalView>,
    pub review: Vec<(String, CellView)>,
    pub documents: Vec<DocLink>,
    pub statements: TableView,
    pub recusals: Vec<RecusalView>,
    pub effects: TableView,
    pub attachments: TableView,
    pub events: TableView,
    pub investigators: Vec<String>,
    pub f: Forms,
    pub amend: AmendForm,
    pub review_amend: AmendForm,
    pub today: String,
    pub statement_due: String,
    pub review_last_day: String,
    pub rectify_due: String,
    pub is_candidate: bool,
    pub grounds: Vec<(String, String)>,
    pub attachment_kinds: Vec<(String, String)>,
}

fn kv(label: &str, text: impl Into<String>) -> (String, CellView) {
    (
        label.to_string(),
        CellView {
            text: text.into(),
            ..CellView::default()
        },
    )
}

/// A JSON value in a line, ID numbers masked.
fn json_line(v: &Option<serde_json::Value>) -> String {
    v.as_ref()
        .map(|j| mask_evidence(&j.to_string()))
        .unwrap_or_default()
}

/// What an event changed, in a line: the state, the document, the investigators.
fn change_line(e: &store::cases::CaseEvent) -> String {
    let get = |j: &Option<serde_json::Value>, k: &str| j.as_ref().and_then(|j| j.get(k)).cloned();
    let state = |j: &Option<serde_json::Value>| {
        get(j, "state")
            .and_then(|s| s.as_str().map(str::to_string))
            .map(|s| CaseState::parse(&s).map_or(s, |c| c.zh().to_string()))
    };
    let mut out = Vec::new();
    match (state(&e.before), state(&e.after)) {
        (Some(a), Some(b)) if a != b => out.push(format!("{a} → {b}")),
        (None, Some(b)) if e.action == domain::case::Action::Open => out.push(format!("→ {b}")),
        _ => {}
    }
    if let Some(d) = get(&e.after, "document").and_then(|d| d.as_str().map(str::to_string)) {
        out.push(format!("文书 {d}"));
    }
    let inv = |j: &Option<serde_json::Value>| get(j, "investigators");
    if let Some(after) = inv(&e.after)
        && inv(&e.before) != Some(after.clone())
        && let Some(list) = after.as_array()
    {
        let names: Vec<&str> = list.iter().filter_map(|v| v.as_str()).collect();
        out.push(format!("调查人员：{}", names.join("、")));
    }
    if let Some(i) = get(&e.after, "investigator").and_then(|v| v.as_str().map(str::to_string)) {
        out.push(format!("调查人员 {i}"));
    }
    if get(&e.after, "late").and_then(|v| v.as_bool()) == Some(true) {
        out.push("逾期提交".into());
    }
    mask_evidence(&out.join("；"))
}

fn effect_zh(kind: &str) -> &str {
    match kind {
        "institution_status" => "机构备案状态",
        "certificate_status" => "证书状态",
        "candidate_bar" => "禁止参加评价",
        "personnel_valid_to" => "人员资格",
        "credit_record" => "诚信不良档案",
        "institution_constraint" => "约束措施",
        "sanction_row" => "处理记录",
        other => other,
    }
}

/// The case page for `caller`, with `error` above the forms.
fn page(caller: &Caller, d: CaseDetail, today: NaiveDate, error: Option<String>) -> CasePage {
    use CaseState as S;
    let c = &d.case;
    let role = caller.role();
    let handle = role.may(Permission::HandleCases) && d.internal;
    let party = !d.internal && role.may(Permission::AnswerCases);
    let answer = handle || party;
    let state = c.state;
    let time = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();

    let mut head = vec![
        kv("案件编号", c.number.clone()),
        ("案件状态".into(), cell("state", Some(state.code()))),
        kv("当事人类别", c.party.kind().zh()),
        kv("当事人", c.party_name.clone()),
    ];
    match &c.party {
        Party::Institution(_) => {}
        Party::Candidate { id_number, .. } => head.push((
            "身份证号".into(),
            cell("candidate_id", Some(id_number.as_str())),
        )),
        Party::Staff { person_id, .. } => head.push(kv("人员编号", person_id.as_str())),
    }
    head.push((
        "所属机构".into(),
        CellView {
            text: format!(
                "{} {}",
                c.institution_id,
                d.institution_name.clone().unwrap_or_default()
            ),
            href: Some(format!("/institutions/{}", c.institution_id)),
            class: "",
        },
    ));
    let source = match &c.source {
        Source::Findings(ids) if d.internal => format!(
            "{}（预警 {}）",
            c.source.kind().zh(),
            ids.iter()
                .map(|i| format!("#{i}"))
                .collect::<Vec<_>>()
                .join("、")
        ),
        Source::Complaint(s) | Source::Inspection(s) => {
            format!("{}：{s}", c.source.kind().zh())
        }
        _ => c.source.kind().zh().to_string(),
    };
    head.push(kv("案件来源", source));
    head.push(kv("案由", mask_evidence(&c.summary)));
    if d.internal {
        head.push(kv("立案", format!("{} {}", time(d.opened_at), d.opened_by)));
    }
    head.push(kv(
        "调查人员",
        if c.investigators.is_empty() {
            "未指派".to_string()
        } else {
            c.investigators.join("、")
        },
    ));
    if c.major {
        head.push((
            "评价要情".into(),
            CellView {
                text: format!(
                    "已报送{}{}",
                    d.major_ground
                        .map(|g| format!("（{}）", g.zh()))
                        .unwrap_or_default(),
                    d.major_note
                        .as_deref()
                        .map(|n| format!("：{n}"))
                        .unwrap_or_default()
                ),
                href: None,
                class: "st-bad",
            },
        ));
    }
    if let Some(n) = c.notified_on {
        head.push(kv("告知日期", n.to_string()));
    }
    if let Some(s) = d.statement_due {
        head.push(kv("陈述申辩截止", s.to_string()));
    }
    if let Some(x) = c.decided_on {
        head.push(kv("决定日期", x.to_string()));
    }
    if let Some(x) = c.served_on {
        head.push(kv("送达日期", x.to_string()));
    }
    if let Some(x) = d.review_last_day {
        head.push(kv("复核申请截止", x.to_string()));
    }
    if let Some(x) = c.executed_on {
        head.push(kv("执行日期", x.to_string()));
    }
    if let Some(x) = c.rectify_due {
        head.push(kv("整改期限", x.to_string()));
    }
    if let Some(t) = d.closed_at {
        head.push(kv(
            if state == S::Dropped {
                "不予处理"
            } else {
                "结案"
            },
            format!("{} {}", time(t), d.outcome.clone().unwrap_or_default()),
        ));
    }
    let deadline = d.next_deadline.as_ref().map(|x| DeadlineView {
        what: x.what.zh().to_string(),
        due: x.due.to_string(),
        left: cell("days_left", Some(&x.working_days_left.to_string())).text,
        overdue: x.overdue,
    });

    let findings = TableView::of(
        &Grid {
            columns: vec![
                "finding_id",
                "rule",
                "severity",
                "message",
                "batch_id",
                "candidate_id",
                "cert_no",
                "person_id",
            ],
            rows: d
                .findings
                .iter()
                .map(|f| {
                    vec![
                        Some(f.finding_id.to_string()),
                        Some(f.rule.clone()),
                        Some(f.severity.clone()),
                        f.message.as_deref().map(mask_evidence),
                        f.batch_id.clone(),
                        f.candidate_id.clone(),
                        f.cert_no.clone(),
                        f.person_id.clone(),
                    ]
                })
                .collect(),
            total: d.findings.len() as u64,
        },
        &[],
        &[],
    );
    let documents = d
        .documents
        .iter()
        .map(|x| DocLink {
            kind: x.kind.zh().to_string(),
            number: x.number.clone(),
            href: format!("/cases/{}/documents/{}", c.case_id, x.document_id),
            issued: time(x.issued_at),
        })
        .collect();
    let statements = TableView::of(
        &Grid {
            columns: vec!["st_at", "st_kind", "st_text", "st_by", "st_late"],
            rows: d
                .statements
                .iter()
                .map(|s| {
                    vec![
                        Some(time(s.at)),
                        Some(s.kind.zh().to_string()),
                        Some(s.text.clone()),
                        Some(s.by_user.clone()),
                        Some(if s.late { "逾期" } else { "期限内" }.to_string()),
                    ]
                })
                .collect(),
            total: d.statements.len() as u64,
        },
        &[],
        &[
            ("st_at", "提交时间"),
            ("st_kind", "类别"),
            ("st_text", "内容"),
            ("st_by", "提交人"),
            ("st_late", "是否逾期"),
        ],
    );
    let recusals = d
        .recusals
        .iter()
        .map(|r| RecusalView {
            id: r.recusal_id,
            investigator: r.investigator.clone(),
            reason: r.reason.clone(),
            requested: format!("{} {}", time(r.requested_at), r.requested_by),
            status: r.status.zh().to_string(),
            pending: r.status == domain::case::RecusalStatus::Pending,
            decision_reason: r.decision_reason.clone().unwrap_or_default(),
        })
        .collect();
    let effects = TableView::of(
        &Grid {
            columns: vec![
                "fx_kind",
                "fx_target",
                "fx_before",
                "fx_after",
                "fx_at",
                "fx_back",
            ],
            rows: d
                .effects
                .iter()
                .map(|e| {
                    vec![
                        Some(effect_zh(&e.kind).to_string()),
                        Some(mask_evidence(&e.target)),
                        Some(json_line(&e.before)),
                        Some(json_line(&e.after)),
                        Some(time(e.applied_at)),
                        e.rolled_back_at.map(|t| format!("已撤回 {}", time(t))),
                    ]
                })
                .collect(),
            total: d.effects.len() as u64,
        },
        &[],
        &[
            ("fx_kind", "措施"),
            ("fx_target", "对象"),
            ("fx_before", "执行前"),
            ("fx_after", "执行后"),
            ("fx_at", "执行时间"),
            ("fx_back", "复核撤回"),
        ],
    );
    let mut attachments = TableView::of(
        &Grid {
            columns: vec![
                "att_name",
                "att_kind",
                "att_size",
                "att_signers",
                "att_note",
                "att_by",
            ],
            rows: d
                .attachments
                .iter()
                .map(|a| {
                    vec![
                        Some(a.file_name.clone()),
                        Some(a.kind.zh().to_string()),
                        Some(format!("{:.1} KB", a.size as f64 / 1024.0)),
                        Some(a.signers.join("、")),
                        a.note.clone(),
                        Some(format!("{} {}", time(a.uploaded_at), a.uploaded_by)),
                    ]
                })
                .collect(),
            total: d.attachments.len() as u64,
        },
        &[],
        &[
            ("att_name", "文件"),
            ("att_kind", "类别"),
            ("att_size", "大小"),
            ("att_signers", "签字人员"),
            ("att_note", "说明"),
            ("att_by", "上传"),
        ],
    );
    for (row, a) in attachments.rows.iter_mut().zip(&d.attachments) {
        row[0].href = Some(format!(
            "/cases/{}/attachments/{}",
            c.case_id, a.attachment_id
        ));
    }
    let events = TableView::of(
        &Grid {
            columns: vec!["ev_at", "ev_by", "ev_action", "ev_reason", "ev_change"],
            rows: d
                .events
                .iter()
                .map(|e| {
                    vec![
                        Some(time(e.at)),
                        Some(e.by_user.clone()),
                        Some(e.action.zh().to_string()),
                        e.reason.as_deref().map(mask_evidence),
                        Some(change_line(e)),
                    ]
                })
                .collect(),
            total: d.events.len() as u64,
        },
        &[],
        &[
            ("ev_at", "时间"),
            ("ev_by", "经办人"),
            ("ev_action", "事项"),
            ("ev_reason", "理由/说明"),
            ("ev_change", "变化"),
        ],
    );
    let mut review = Vec::new();
    if let Some(r) = &c.review {
        review.push(kv("申请日期", r.requested_on.to_string()));
        review.push(kv("复核决定期限", r.due.to_string()));
        if let Some(e) = &r.extended_reason {
            review.push(kv("延长理由", e.clone()));
        }
        if let Some(o) = r.outcome {
            review.push(kv("复核结果", o.zh()));
        }
        if let Some(x) = r.decided_on {
            review.push(kv("复核决定日期", x.to_string()));
        }
    }

    let served = c.served_on.is_some();
    let window_open =
        served && c.review.is_none() && matches!(state, S::Decided | S::Executing | S::Rectifying);
    let early = matches!(state, S::Investigating | S::Proposed | S::Notified);
    let recusable = !c.investigators.is_empty()
        && matches!(
            state,
            S::Lead | S::Investigating | S::Proposed | S::Notified | S::Review
        );
    let f = Forms {
        assign: handle && (early || state == S::Lead),
        propose: handle && early && !c.investigators.is_empty(),
        notify: handle && state == S::Proposed && c.proposal.is_some(),
        decide: handle && state == S::Notified,
        serve: handle && state == S::Decided && !served,
        execute: handle && state == S::Decided && served && c.executed_on.is_none(),
        review_request: answer && window_open,
        extend_review: handle
            && state == S::Review
            && c.review
                .as_ref()
                .is_some_and(|r| r.extended_reason.is_none()),
        decide_review: handle && state == S::Review,
        check_rectification: handle && state == S::Rectifying,
        close: handle && state == S::Executing,
        drop: handle && early,
        statement: answer && state == S::Notified,
        rectification_report: answer && state == S::Rectifying,
        recusal_request: answer && recusable,
        mark_major: handle && !state.is_final() && !c.major,
        attach: handle,
    };
    let kind = c.party.kind();
    CasePage {
        chrome: Chrome::new(caller, format!("案件 {}", c.number), "/cases"),
        id: c.case_id,
        state: state.code().to_string(),
        state_zh: state.zh().to_string(),
        head,
        deadline,
        internal: d.internal,
        handle,
        party,
        error,
        findings,
        proposal: c.proposal.as_ref().map(ProposalView::of),
        decision: c.decision.as_ref().map(ProposalView::of),
        review,
        documents,
        statements,
        recusals,
        effects,
        attachments,
        events,
        investigators: c.investigators.clone(),
        f,
        amend: AmendForm::of(kind, c.proposal.as_ref()),
        review_amend: AmendForm::of(kind, c.decision.as_ref().or(c.proposal.as_ref())),
        today: today.to_string(),
        statement_due: d.statement_due.map(|x| x.to_string()).unwrap_or_default(),
        review_last_day: d.review_last_day.map(|x| x.to_string()).unwrap_or_default(),
        rectify_due: c.rectify_due.map(|x| x.to_string()).unwrap_or_default(),
        is_candidate: kind == PartyKind::Candidate,
        grounds: choices(MajorGround::ALL, MajorGround::code, MajorGround::zh),
        attachment_kinds: choices(
            AttachmentKind::ALL,
            AttachmentKind::code,
            AttachmentKind::zh,
        ),
    }
}

/// The case as the caller may see it, or 404.
async fn load(st: &AppState, caller: &Caller, id: i64) -> Result<CaseDetail> {
    st.store
        .case(caller.scope(), id, st.now().date())
        .await
        .map_err(store_error)?
        .ok_or_else(|| not_found(id))
}

/// `GET /cases/{id}`.
pub async fn detail(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response> {
    let d = load(&st, &caller, id).await?;
    render(&page(&caller, d, st.now().date(), None))
}

/// The case page again with what was refused (400).
async fn again(st: &AppState, caller: &Caller, id: i64, message: String) -> Result<Response> {
    let d = load(st, caller, id).await?;
    let mut r = render(&page(caller, d, st.now().date(), Some(message)))?;
    *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    Ok(r)
}

/// After a step: the operation log, then the case; a refusal shows the case
/// again with the reason.
async fn finish(
    st: &AppState,
    caller: &Caller,
    d: &CaseDetail,
    done: Result<String>,
) -> Result<Response> {
    let id = d.case.case_id;
    match done {
        Ok(what) => {
            caller
                .log(st, "case", &format!("案件 {} {what}", d.case.number))
                .await?;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(Error::BadRequest(m)) => again(st, caller, id, m).await,
        Err(e) => Err(e),
    }
}

/// The amendment of the form (changed measures, with the reason).
fn amendment_of(f: &Params, party: PartyKind) -> Result<Amendment> {
    let num = |name: &str, label: &str, default: u32| -> Result<u32> {
        match param(f, name) {
            None => Ok(default),
            Some(v) => v
                .parse::<u32>()
                .map_err(|_| bad(format!("{label}（字段 {name}）“{v}”不是整数"))),
        }
    };
    let rectify_days = num(
        "rectify_days",
        "整改期限（工作日）",
        domain::case::RECTIFY_WORKING_DAYS,
    )?;
    let constraint_years = num(
        "constraint_years",
        "约束措施年限",
        u32::from(domain::case::CONSTRAINT_YEARS),
    )?;
    let bar_years = num("bar_years", "禁考年限", 2)?;
    let to_u8 = |n: u32, label: &str, name: &str| {
        u8::try_from(n).map_err(|_| bad(format!("{label}（字段 {name}）{n} 超出范围")))
    };
    let catalogue = sanction_catalogue(
        rectify_days,
        to_u8(constraint_years, "约束措施年限", "constraint_years")?,
        to_u8(bar_years, "禁考年限", "bar_years")?,
    );
    let mut sanctions = Vec::new();
    for (k, v) in f {
        if k != "sanction" {
            continue;
        }
        let s = catalogue
            .iter()
            .find(|(value, _)| value == v)
            .map(|(_, s)| s.clone())
            .ok_or_else(|| {
                bad(format!(
                    "处理措施（字段 sanction）“{v}”无效，应为 {}",
                    catalogue
                        .iter()
                        .map(|(v, _)| *v)
                        .collect::<Vec<_>>()
                        .join("、")
                ))
            })?;
        s.check(party)
            .map_err(|r| bad(format!("不予办理：{}", refusal_zh(&r))))?;
        sanctions.push(s);
    }
    if sanctions.is_empty() {
        return Err(bad("处理措施（字段 sanction）至少选择一项"));
    }
    let severity = match param(f, "severity") {
        None => return Err(bad("严重程度（字段 severity）不能为空：应为 一般、严重 或 特别严重")),
        Some(v) => Severity::parse(&v).map_err(|_| {
            bad(format!(
                "严重程度（字段 severity）“{v}”无效，应为 general（一般）、serious（严重）或 grave（特别严重）"
            ))
        })?,
    };
    let item = match param(f, "item") {
        None => None,
        Some(v) => Some(
            v.parse::<u8>()
                .ok()
                .filter(|i| (1..=15).contains(i))
                .ok_or_else(|| bad(format!("指引条目（字段 item）“{v}”无效，应为 1–15")))?,
        ),
    };
    let reason = required(
        f,
        "reason",
        "变更理由",
        "写明为何不采用规则手册的建议（记入处理档案）",
    )?;
    Ok(Amendment {
        item,
        severity,
        sanctions,
        basis: lines(&param(f, "basis").unwrap_or_default()),
        facts: lines(&param(f, "facts").unwrap_or_default()),
        reason,
    })
}

/// `POST /cases/{id}/actions`: one official step of the case (field `action`).
pub async fn act(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<Params>,
) -> Result<Response> {
    caller.check_csrf(&param(&f, "_csrf").unwrap_or_default())?;
    let d = load(&st, &caller, id).await?;
    let done = step(&st, &caller, &d, &f).await;
    finish(&st, &caller, &d, done).await
}

async fn step(st: &AppState, caller: &Caller, d: &CaseDetail, f: &Params) -> Result<String> {
    let s = &st.store;
    let scope = caller.scope();
    let by = who(caller);
    let now = st.now();
    let today = now.date();
    let id = d.case.case_id;
    let party = d.case.party.kind();
    let reason = |hint: &str| required(f, "reason", "理由", hint);
    let authority = || async { issuer(caller, &s.regions().await?) };
    let action = param(f, "action").unwrap_or_default();
    Ok(match action.as_str() {
        "assign" => {
            let who = names(&param(f, "investigators").unwrap_or_default());
            if who.is_empty() {
                return Err(bad(
                    "调查人员（字段 investigators）不能为空：填写账号用户名或外聘专家姓名，多人用逗号分隔（第十七条：重大违纪违规由调查组核实）",
                ));
            }
            s.assign_investigators(scope, &by, now, id, &who)
                .await
                .map_err(store_error)?;
            format!("指派调查人员 {}", who.join("、"))
        }
        "declare_conflict" => {
            let inv = required(f, "investigator", "调查人员", "与本机构存在利害关系的人员")?;
            let why = reason("写明利害关系，如近亲属在该机构任职")?;
            s.declare_conflict(scope, &by, now, &inv, &d.case.institution_id, &why)
                .await
                .map_err(store_error)?;
            format!("{inv} 申报利害关系，回避")
        }
        "propose" => {
            let book = s.case_rulebook().await?;
            let p = s
                .propose(scope, &by, now, id, &book, None)
                .await
                .map_err(store_error)?;
            format!("按规则手册提出拟处理意见：{}", p.summary())
        }
        "amend" => {
            let a = amendment_of(f, party)?;
            let book = s.case_rulebook().await?;
            let p = s
                .propose(scope, &by, now, id, &book, Some(&a))
                .await
                .map_err(store_error)?;
            format!("变更拟处理意见：{}（{}）", p.summary(), a.reason)
        }
        "notify" => {
            let doc = s
                .notify(scope, &by, now, id, &authority().await?)
                .await
                .map_err(store_error)?;
            format!("告知 {}", doc.number)
        }
        "decide" => {
            let doc = s
                .decide(scope, &by, now, id, &authority().await?)
                .await
                .map_err(store_error)?;
            format!("处理决定 {}", doc.number)
        }
        "serve" => {
            let on = date_field(f, "on", "送达日期", today)?;
            s.record_service(scope, &by, now, id, on)
                .await
                .map_err(store_error)?;
            format!("送达 {on}")
        }
        "execute" => {
            let fx = s.execute(scope, &by, now, id).await.map_err(store_error)?;
            format!("执行 {} 项措施", fx.len())
        }
        "extend_review" => {
            let why = reason("写明需要延长的特殊情况（第十九条）")?;
            let due = s
                .extend_review(scope, &by, now, id, &why)
                .await
                .map_err(store_error)?;
            format!("延长复核期限至 {due}")
        }
        "decide_review" => {
            let v = param(f, "outcome").unwrap_or_default();
            let outcome = ReviewOutcome::parse(&v).map_err(|_| {
                bad(format!(
                    "复核结果（字段 outcome）“{v}”无效，应为 uphold（维持）、change（变更）或 annul（撤销）"
                ))
            })?;
            let why = reason("写明复核核实的情况，写入复核决定书")?;
            let changed = match outcome {
                ReviewOutcome::Change => Some(amendment_of(f, party)?),
                _ => None,
            };
            let doc = s
                .decide_review(
                    scope,
                    &by,
                    now,
                    id,
                    outcome,
                    &why,
                    changed.as_ref(),
                    &authority().await?,
                )
                .await
                .map_err(store_error)?;
            format!("复核决定（{}）{}", outcome.zh(), doc.number)
        }
        "check_rectification" => {
            let accepted = match param(f, "result").as_deref() {
                Some("accept") => true,
                Some("reject") => false,
                other => {
                    return Err(bad(format!(
                        "验收结论（字段 result）“{}”无效，应为 accept（合格）或 reject（不合格）",
                        other.unwrap_or_default()
                    )));
                }
            };
            let why = param(f, "reason").unwrap_or_default();
            let book = s.case_rulebook().await?;
            let next = s
                .check_rectification(scope, &by, now, id, accepted, &why, &book)
                .await
                .map_err(store_error)?;
            format!(
                "整改验收{}，案件{}",
                if accepted { "合格" } else { "不合格" },
                next.zh()
            )
        }
        "close" => {
            let note = param(f, "note").unwrap_or_default();
            s.close_case(scope, &by, now, id, &note)
                .await
                .map_err(store_error)?;
            "结案".to_string()
        }
        "drop" => {
            let why = reason("写明不予处理的理由，如经核查不属实")?;
            s.drop_case(scope, &by, now, id, &why)
                .await
                .map_err(store_error)?;
            "不予处理".to_string()
        }
        "decide_recusal" => {
            let rid = param(f, "recusal_id")
                .and_then(|v| v.parse::<i64>().ok())
                .ok_or_else(|| bad("回避申请（字段 recusal_id）无效"))?;
            let grant = match param(f, "decision").as_deref() {
                Some("grant") => true,
                Some("refuse") => false,
                _ => {
                    return Err(bad(
                        "回避决定（字段 decision）无效，应为 grant（准予回避）或 refuse（不予回避）",
                    ));
                }
            };
            let why = param(f, "reason").unwrap_or_default();
            s.decide_recusal(scope, &by, now, id, rid, grant, &why)
                .await
                .map_err(store_error)?;
            format!(
                "回避申请 #{rid} {}",
                if grant {
                    "准予回避"
                } else {
                    "不予回避"
                }
            )
        }
        "mark_major" => {
            let v = param(f, "ground").unwrap_or_default();
            let ground = MajorGround::parse(&v).map_err(|_| {
                bad(format!(
                    "要情类别（字段 ground）“{v}”无效，应为 {}",
                    MajorGround::EXPECTED
                ))
            })?;
            let note = param(f, "note").unwrap_or_default();
            s.mark_major(scope, &by, now, id, ground, &note)
                .await
                .map_err(store_error)?;
            format!("报送评价要情（{}）", ground.zh())
        }
        other => {
            return Err(bad(format!(
                "操作（字段 action）“{other}”无效：应为 assign、declare_conflict、propose、amend、notify、decide、serve、execute、extend_review、decide_review、check_rectification、close、drop、decide_recusal 或 mark_major"
            )));
        }
    })
}

/// `POST /cases/{id}/answer`: the party's act (field `action`): a statement, a
/// rectification report, a review or recusal request — from the institution's
/// account, or recorded by an official (who may give the date of a review
/// request received on paper).
pub async fn answer(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<Params>,
) -> Result<Response> {
    caller.check_csrf(&param(&f, "_csrf").unwrap_or_default())?;
    let d = load(&st, &caller, id).await?;
    let done = answer_step(&st, &caller, &d, &f).await;
    finish(&st, &caller, &d, done).await
}

async fn answer_step(st: &AppState, caller: &Caller, d: &CaseDetail, f: &Params) -> Result<String> {
    let s = &st.store;
    let scope = caller.scope();
    let by = who(caller);
    let now = st.now();
    let id = d.case.case_id;
    let text = |hint: &str| required(f, "text", "内容", hint);
    Ok(match param(f, "action").as_deref().unwrap_or_default() {
        "statement" => {
            let t = text("写明对告知事实、理由、依据的意见")?;
            s.submit_statement(scope, &by, now, id, &t)
                .await
                .map_err(store_error)?;
            "提交陈述申辩".to_string()
        }
        "rectification_report" => {
            let t = text("写明整改措施和完成情况")?;
            s.submit_rectification(scope, &by, now, id, &t)
                .await
                .map_err(store_error)?;
            "提交整改报告".to_string()
        }
        "review_request" => {
            let t = text("写明申请复核的事实和理由")?;
            // The party files today; an official records the day the request was received.
            let on = if d.internal {
                date_field(f, "on", "申请日期", now.date())?
            } else {
                now.date()
            };
            let due = s
                .request_review(scope, &by, now, id, on, &t)
                .await
                .map_err(store_error)?;
            format!("申请复核（{on}），复核决定应于 {due} 前作出")
        }
        "recusal_request" => {
            let inv = required(
                f,
                "investigator",
                "申请回避的调查人员",
                "从本案调查人员中选择",
            )?;
            let why = required(f, "text", "回避理由", "写明该调查人员与本案的利害关系")?;
            s.request_recusal(scope, &by, now, id, &inv, &why)
                .await
                .map_err(store_error)?;
            format!("申请 {inv} 回避")
        }
        other => {
            return Err(bad(format!(
                "操作（字段 action）“{other}”无效：应为 statement、rectification_report、review_request 或 recusal_request"
            )));
        }
    })
}

/// `POST /cases/{id}/attachments` (multipart: `_csrf`, `kind`, `file`, `signers`,
/// `note`): evidence or an on-site record (a candidate's needs 2 or more signers).
pub async fn attach(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Response> {
    let d = load(&st, &caller, id).await?;
    let mut form =
        form.map_err(|e| bad(format!("上传内容无法读取（应为 multipart/form-data）：{e}")))?;
    let (mut csrf, mut kind, mut signers, mut note) =
        (String::new(), String::new(), String::new(), String::new());
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| bad(format!("上传内容无法读取：{e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field
                .file_name()
                .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                .unwrap_or_default();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| bad(format!("文件上传不完整：{e}")))?;
            if !file_name.is_empty() {
                file = Some((file_name, bytes.to_vec()));
            }
            continue;
        }
        let value = field
            .text()
            .await
            .map_err(|e| bad(format!("字段 {name} 无法读取：{e}")))?;
        match name.as_str() {
            "_csrf" => csrf = value,
            "kind" => kind = value,
            "signers" => signers = value,
            "note" => note = value,
            _ => {}
        }
    }
    caller.check_csrf(&csrf)?;
    let done = async {
        let (file_name, content) = file
            .filter(|(_, b)| !b.is_empty())
            .ok_or_else(|| bad("请选择要上传的文件（字段 file），文件不能为空"))?;
        let kind = if kind.trim().is_empty() {
            AttachmentKind::Evidence
        } else {
            AttachmentKind::parse(&kind).map_err(|_| {
                bad(format!(
                    "材料类别（字段 kind）“{kind}”无效，应为 evidence（证据材料）或 onsite_record（现场记录）"
                ))
            })?
        };
        st.store
            .attach(
                caller.scope(),
                &who(&caller),
                st.now(),
                id,
                kind,
                &file_name,
                &content,
                &names(&signers),
                &note,
            )
            .await
            .map_err(store_error)?;
        Ok(format!("上传{} {file_name}", kind.zh()))
    }
    .await;
    finish(&st, &caller, &d, done).await
}

/// `GET /cases/{id}/attachments/{file}`: an attached file (logged).
pub async fn attachment(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response> {
    let (name, bytes) = st
        .store
        .attachment(caller.scope(), id, file)
        .await
        .map_err(store_error)?
        .ok_or_else(|| {
            Error::NotFound(format!("案件 #{id} 没有材料 #{file}，或不在您的管辖范围内"))
        })?;
    caller
        .log(&st, "view_attachment", &format!("案件 #{id} 材料 {name}"))
        .await?;
    let encoded = crate::view::enc(&name);
    Ok((
        [
            ("content-type", "application/octet-stream".to_string()),
            (
                "content-disposition",
                format!("attachment; filename=\"attachment\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---------------------------------------------------------------------------
// 文书.

#[derive(Template)]
#[template(path = "document.html")]
pub struct DocumentPage {
    pub chrome: Chrome,
    pub id: i64,
    pub title: String,
    pub number: String,
    pub addressee: String,
    pub paragraphs: Vec<String>,
    pub issuer: String,
    pub date: String,
}

/// `GET /cases/{id}/documents/{doc}`: a document for printing, by its id or its
/// kind (`notice`, `decision`, `review_decision`: the latest of that kind).
pub async fn document(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, doc)): Path<(i64, String)>,
) -> Result<Response> {
    let d = load(&st, &caller, id).await?;
    let found = match doc.parse::<i64>() {
        Ok(n) => d.documents.iter().find(|x| x.document_id == n),
        Err(_) => {
            let kind = DocumentKind::parse(&doc).map_err(|_| {
                Error::NotFound(format!(
                    "文书 {doc} 不存在：应为文书编号，或 notice（告知书）、decision（处理决定书）、review_decision（复核决定书）"
                ))
            })?;
            d.documents.iter().rev().find(|x| x.kind == kind)
        }
    };
    let x = found.ok_or_else(|| Error::NotFound(format!("案件 {} 尚无此文书", d.case.number)))?;
    let body = &x.document;
    render(&DocumentPage {
        chrome: Chrome::new(&caller, format!("{} {}", x.kind.zh(), x.number), "/cases"),
        id,
        title: body.title.clone(),
        number: body.number.clone(),
        addressee: body.addressee.clone(),
        paragraphs: body.paragraphs.iter().map(|p| mask_evidence(p)).collect(),
        issuer: body.issuer.clone(),
        date: date_zh(body.date),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_is_the_department_of_the_region() {
        let regions = vec![
            ("420000".to_string(), "湖北省".to_string()),
            ("420100".to_string(), "武汉市".to_string()),
            ("420111".to_string(), "洪山区".to_string()),
        ];
        let r = |c: &str| RegionCode::parse(c).unwrap();
        let p = issuer_of(&r("420000"), &regions);
        assert_eq!(
            (p.name.as_str(), p.abbreviation.as_str()),
            ("湖北省人力资源和社会保障厅", "鄂人社鉴")
        );
        let c = issuer_of(&r("420100"), &regions);
        assert_eq!(
            (c.name.as_str(), c.abbreviation.as_str()),
            ("武汉市人力资源和社会保障局", "武人社鉴")
        );
        let d = issuer_of(&r("420111"), &regions);
        assert_eq!(
            (d.name.as_str(), d.abbreviation.as_str()),
            ("武汉市洪山区人力资源和社会保障局", "武洪人社鉴")
        );
        assert_eq!(
            issuer_of(&r("110000"), &[]).name,
            "北京市人力资源和社会保障局"
        );
    }

    #[test]
    fn refusals_say_in_chinese_what_and_until_when() {
        let d = |s: &str| domain::time::parse_date(s).unwrap();
        let late = refusal_zh(&CaseRefusal::ReviewLate {
            served_on: d("2025-09-26"),
            filed_on: d("2025-10-24"),
            last_day: d("2025-10-23"),
        });
        assert!(
            late.contains("2025-10-23") && late.contains("逾期") && late.contains("第十九条"),
            "{late}"
        );
        assert_eq!(
            refusal_zh(&CaseRefusal::ReasonRequired {
                what: "changing the proposal (变更拟处理意见)"
            }),
            "请填写理由（变更拟处理意见）"
        );
        let few = refusal_zh(&CaseRefusal::FewSigners { signers: 1 });
        assert!(
            few.contains("2 名及以上") && few.contains("signers"),
            "{few}"
        );
    }

    #[test]
    fn the_amendment_form_parses_measures_and_names_bad_fields() {
        let f: Params = [
            ("sanction", "rectify"),
            ("sanction", "suspend"),
            ("rectify_days", "20"),
            ("severity", "serious"),
            ("item", "5"),
            ("reason", "依现场检查"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let a = amendment_of(&f, PartyKind::Institution).unwrap();
        assert_eq!(
            a.sanctions,
            vec![
                Sanction::Rectify {
                    deadline_working_days: 20
                },
                Sanction::Suspend {
                    rectify_working_days: 20
                }
            ]
        );
        assert_eq!((a.severity, a.item), (Severity::Serious, Some(5)));
        let Err(Error::BadRequest(m)) = amendment_of(&f, PartyKind::Candidate) else {
            panic!("a warning is not for a candidate");
        };
        assert!(m.contains("参评人员"), "{m}");
        let none: Params = vec![("reason".into(), "x".into())];
        let Err(Error::BadRequest(m)) = amendment_of(&none, PartyKind::Institution) else {
            panic!("no measure");
        };
        assert!(m.contains("sanction"), "{m}");
    }
}
