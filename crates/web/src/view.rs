//! What every page shares: the frame (left menu, user, CSRF token), tables built
//! from store grids with labels, links and masking decided by column name, the
//! pager, and the login and error pages.
//!
//! Masking (个人信息保护): a column named `id_number` or `candidate_id` is shown
//! as `110105********002X`, one named `phone` as `138****5678`, and every other
//! text has its personal numbers masked by value (`domain::privacy`), in every
//! table and every export; pages are masked again on their way out
//! (`security`). The full ID number is shown only by the certificate lookup's
//! logged 查看完整 action.

use crate::auth::Caller;
use crate::error::Result;
use crate::routes::{MENU, path_allowed};
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use domain::case;
use domain::enums::*;
use domain::finding::FindingKind;
use store::browse::Grid;

/// Renders a template as an HTML response.
pub fn render<T: Template>(t: &T) -> Result<Response> {
    Ok(Html(t.render()?).into_response())
}

/// One entry of the left menu.
#[derive(Debug, Clone)]
pub struct MenuItem {
    pub label: &'static str,
    pub href: &'static str,
    pub active: bool,
}

/// The frame around every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub title: String,
    pub user: String,
    pub role: &'static str,
    pub scope: String,
    pub csrf: String,
    pub menu: Vec<MenuItem>,
}

impl Chrome {
    /// The frame for `caller` on the page under menu entry `active`.
    pub fn new(caller: &Caller, title: impl Into<String>, active: &str) -> Chrome {
        let p = caller.principal();
        let scope = match (&p.scope, &p.scope_name) {
            (domain::access::DataScope::Everything, _) => "全部地区".to_string(),
            (_, Some(name)) => name.clone(),
            (domain::access::DataScope::Region(r), None) => {
                format!("{}（{r}）", r.province_name())
            }
            (domain::access::DataScope::Institution(i), None) => format!("机构 {i}"),
        };
        Chrome {
            title: title.into(),
            user: p.display_name.clone(),
            role: p.role.zh(),
            scope,
            csrf: caller.session.csrf.clone(),
            menu: MENU
                .iter()
                .filter(|(_, href)| path_allowed(caller.role(), href))
                .map(|&(label, href)| MenuItem {
                    label,
                    href,
                    active: href == active,
                })
                .collect(),
        }
    }
}

/// One cell of a rendered table.
#[derive(Debug, Clone, Default)]
pub struct CellView {
    pub text: String,
    pub href: Option<String>,
    /// A CSS class (severity colours, status badges), or empty.
    pub class: &'static str,
    /// The whole text when `text` is cut short (shown as a tooltip).
    pub title: Option<String>,
    /// Shown as a tag (states, severities).
    pub tag: bool,
}

/// A table ready for the template.
#[derive(Debug, Clone, Default)]
pub struct TableView {
    /// The column names (for their CSS widths), parallel to `headers`.
    pub columns: Vec<&'static str>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<CellView>>,
    pub total: u64,
}

/// Columns of free text that a list cuts short (the whole text in a tooltip).
const LONG_TEXT: &[&str] = &[
    "message",
    "summary",
    "text",
    "address",
    "detail",
    "reason",
    "status_reason",
    "basis",
    "target",
    "per_item",
    "outcome",
    "measures",
    "effects",
    "override_reason",
];
/// How many characters of a long text a list shows.
const SHORT: usize = 48;

impl TableView {
    /// The table of `grid`, columns labelled and rendered by name; `hidden`
    /// columns are left out, `labels` override the default labels.
    ///
    /// Where a grid has both `institution_name` and `institution_id`, the name
    /// links to the institution and the code is left out; where it has
    /// `activity_date`, a row without one (an activity the platform does not
    /// hold) shows its batch number without a link.
    pub fn of(grid: &Grid, hidden: &[&str], labels: &[(&str, &str)]) -> TableView {
        let has = |c: &str| grid.columns.contains(&c);
        let merge_name = has("institution_name") && has("institution_id");
        let shown: Vec<usize> = (0..grid.columns.len())
            .filter(|&i| {
                let c = grid.columns[i];
                !(hidden.contains(&c) || (merge_name && c == "institution_id"))
            })
            .collect();
        let col = |name: &str| grid.columns.iter().position(|c| *c == name);
        let (id_col, date_col) = (col("institution_id"), col("activity_date"));
        TableView {
            columns: shown.iter().map(|&i| grid.columns[i]).collect(),
            headers: shown
                .iter()
                .map(|&i| {
                    let c = grid.columns[i];
                    labels
                        .iter()
                        .find(|(n, _)| *n == c)
                        .map_or_else(|| label(c).to_string(), |(_, l)| (*l).to_string())
                })
                .collect(),
            rows: grid
                .rows
                .iter()
                .map(|r| {
                    shown
                        .iter()
                        .map(|&i| {
                            let name = grid.columns[i];
                            let mut c = cell(name, r[i].as_deref());
                            if name == "institution_name" && merge_name {
                                let id = id_col.and_then(|j| r[j].as_deref());
                                if let Some(id) = id {
                                    if c.text.is_empty() {
                                        c.text = format!("{id}（未备案）");
                                    } else {
                                        c.href = Some(format!("/institutions/{}", enc(id)));
                                    }
                                }
                            }
                            if name == "batch_id" && date_col.is_some_and(|j| r[j].is_none()) {
                                c.href = None;
                            }
                            if LONG_TEXT.contains(&name) && c.text.chars().count() > SHORT {
                                c.title = Some(c.text.clone());
                                c.text = c.text.chars().take(SHORT).collect::<String>() + "…";
                            }
                            c
                        })
                        .collect()
                })
                .collect(),
            total: grid.total,
        }
    }

    /// Leaves links only where `caller` may follow them (a supervisor may not
    /// look up certificates, a clerk may not open findings): a link is shown only
    /// to someone who may follow it.
    pub fn for_viewer(mut self, caller: &Caller) -> TableView {
        for row in &mut self.rows {
            for c in row.iter_mut() {
                if c.href
                    .as_deref()
                    .is_some_and(|h| !may_follow(caller.role(), h))
                {
                    c.href = None;
                }
            }
        }
        self
    }
}

/// Whether `role` may `GET` the page a link points to (matched against the route
/// table, `{id}` segments matching any value).
pub fn may_follow(role: domain::access::Role, href: &str) -> bool {
    let path = href.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    crate::routes::ROUTES.iter().any(|(m, pattern, perm)| {
        *m == "get"
            && {
                let p: Vec<&str> = pattern.split('/').collect();
                p.len() == segments.len()
                    && p.iter()
                        .zip(&segments)
                        .all(|(a, b)| a == b || (a.starts_with('{') && !b.is_empty()))
            }
            && perm.is_none_or(|p| role.may(p))
    })
}

/// The first row of a grid as (label, shown value) pairs, for detail headers;
/// `hidden` columns are left out.
pub fn fields(grid: &Grid, hidden: &[&str]) -> Vec<(String, CellView)> {
    grid.first()
        .into_iter()
        .filter(|(c, _)| !hidden.contains(c))
        .map(|(c, v)| (label(c).to_string(), cell(c, v)))
        .collect()
}

/// The label of a column.
pub fn label(column: &str) -> &'static str {
    match column {
        "institution_id" => "机构编码",
        "activity_date" => "活动时间",
        "name" => "名称",
        "credit_code" => "统一社会信用代码",
        "kind" => "机构类型",
        "region_code" => "地区代码",
        "region_name" => "所在地区",
        "status" => "备案状态",
        "registered_on" => "备案日期",
        "expires_on" => "有效期至",
        "status_since" => "状态起始",
        "employee_count" => "职工人数",
        "phone" => "联系电话",
        "risk_rank" => "风险排名",
        "risk_worst" => "最高严重程度",
        "risk_findings" => "预警数",
        "occupation_code" => "职业(工种)",
        "occupation_name" => "职业名称",
        "level" => "等级",
        "max_level" => "最高等级",
        "valid_from" => "起始日期",
        "valid_to" => "截止日期",
        "site_id" => "场所编码",
        "address" => "地址",
        "capacity" => "容纳人数",
        "revoked_on" => "撤销日期",
        "relation" => "关联关系",
        "person_id" => "人员编号",
        "id_number" => "身份证号",
        "person_role" => "人员类别",
        "batch_id" => "批次号",
        "start_at" => "开始时间",
        "end_at" => "结束时间",
        "enrolled" => "报名人数",
        "certified" => "发证人数",
        "filed_at" => "报备时间",
        "internal_supervisor_id" => "内部督导员",
        "supervision_record_at" => "督导记录时间",
        "subject" => "科目",
        "paper_drawn" => "抽取试卷",
        "paper_used" => "使用试卷",
        "duty" => "职责",
        "field" => "变更项",
        "old_value" => "原值",
        "new_value" => "新值",
        "changed_at" => "变更时间",
        "reported_at" => "报告时间",
        "candidate_id" => "身份证号",
        "education" => "学历",
        "work_years" => "工作年限",
        "prior_cert_no" => "原证书编号",
        "theory" => "理论成绩",
        "skill" => "技能成绩",
        "result" => "评价结果",
        "cert_no" => "证书编号",
        "finding_id" => "预警编号",
        "item" => "指引条目",
        "severity" => "严重程度",
        "rule" => "规则",
        "finding_status" => "处理状态",
        "message" => "预警内容",
        "decided_on" => "决定日期",
        "disposition" => "处理方式",
        "complaint_id" => "投诉编号",
        "received_on" => "受理日期",
        "channel" => "渠道",
        "summary" => "摘要",
        "verified" => "核实结果",
        "at_fault" => "机构有责",
        "captured_on" => "发现日期",
        "text" => "宣传内容",
        "proposal" => "建议处理",
        "general" => "一般",
        "serious" => "严重",
        "grave" => "特别严重",
        "score" => "风险分",
        "cert_ref" => "记录号",
        "issued_on" => "发证日期",
        "cert_status" => "证书状态",
        "log_id" => "序号",
        "at" => "时间",
        "username" => "用户名",
        "action" => "操作",
        "target" => "对象",
        "detail" => "详情",
        "client" => "来源地址",
        "account_id" => "账号编号",
        "display_name" => "姓名",
        "role" => "角色",
        "failed_logins" => "连续失败",
        "locked_until" => "锁定至",
        "disabled" => "已停用",
        "created_at" => "创建时间",
        "marked_at" => "时间",
        "reason" => "理由",
        "status_reason" => "处理理由",
        "status_by" => "处理人",
        "status_at" => "处理时间",
        "marked_by" => "处理人",
        "per_item" => "各条目预警数",
        "case_id" => "案件",
        "number" => "案件编号",
        "party_kind" => "当事人类别",
        "party_name" => "当事人",
        "institution_name" => "所属机构",
        "source_kind" => "案件来源",
        "state" => "案件状态",
        "major" => "评价要情",
        "major_ground" => "要情类别",
        "opened_at" => "立案时间",
        "opened_by" => "立案人",
        "updated_at" => "最近办理",
        "measures" => "处理措施",
        "basis" => "依据",
        "override_reason" => "变更拟处理理由",
        "notice_number" => "告知书文号",
        "decision_number" => "处理决定书文号",
        "served_on" => "送达日期",
        "review_outcome" => "复核结果",
        "review_number" => "复核决定书文号",
        "executed_on" => "执行日期",
        "effects" => "执行措施",
        "closed_at" => "结案时间",
        "outcome" => "结案情况",
        "deadline" => "期限事项",
        "due" => "截止日期",
        "days_left" => "剩余工作日",
        _ => "（未命名）",
    }
}

/// An ID number as shown by default: `110105********002X`.
pub fn mask_id(v: &str) -> String {
    screen::output::mask_candidate(v)
}

/// A phone number as shown by default: mobile `138****5678`, landline
/// `027-8****321` (area code and the last 3 digits kept).
pub fn mask_phone(v: &str) -> String {
    let c: Vec<char> = v.chars().collect();
    if c.len() == 11 && c.iter().all(char::is_ascii_digit) {
        return format!(
            "{}****{}",
            c[..3].iter().collect::<String>(),
            c[7..].iter().collect::<String>()
        );
    }
    let (head, tail) = match v.split_once('-') {
        Some((a, b)) => (format!("{a}-"), b.chars().collect::<Vec<char>>()),
        None => (String::new(), c),
    };
    if tail.len() <= 4 {
        return format!("{head}{}", "*".repeat(tail.len()));
    }
    format!(
        "{head}{}{}{}",
        tail[0],
        "*".repeat(tail.len() - 4),
        tail[tail.len() - 3..].iter().collect::<String>()
    )
}

fn severity_class(code: &str) -> &'static str {
    match code {
        "grave" => "sev-grave",
        "serious" => "sev-serious",
        "general" => "sev-general",
        _ => "",
    }
}

fn zh<T>(
    parse: fn(&str) -> std::result::Result<T, domain::Error>,
    zh: fn(T) -> &'static str,
    v: &str,
) -> String {
    parse(v).map_or_else(|_| v.to_string(), |x| zh(x).to_string())
}

/// How a value of `column` is shown: Chinese labels for codes, masks for
/// personal data, links to the detail pages.
pub fn cell(column: &str, value: Option<&str>) -> CellView {
    let Some(v) = value else {
        return CellView::default();
    };
    let text = |t: String| CellView {
        text: t,
        ..CellView::default()
    };
    let link = |t: String, href: String| CellView {
        text: t,
        href: Some(href),
        ..CellView::default()
    };
    let tag = |t: String, class: &'static str| CellView {
        text: t,
        class,
        tag: true,
        ..CellView::default()
    };
    match column {
        "institution_id" => link(v.to_string(), format!("/institutions/{v}")),
        "batch_id" => link(v.to_string(), format!("/activities/{v}")),
        "finding_id" => link(format!("#{v}"), format!("/findings/{v}")),
        "case_id" => link(format!("#{v}"), format!("/cases/{v}")),
        "cert_no" | "prior_cert_no" => link(v.to_string(), format!("/certificates?cert_no={v}")),
        "id_number" | "candidate_id" => text(mask_id(v)),
        "phone" => text(mask_phone(v)),
        "kind" => text(zh(InstitutionKind::parse, InstitutionKind::zh, v)),
        "status" => tag(
            zh(RegistrationStatus::parse, RegistrationStatus::zh, v),
            match v {
                "active" => "st-ok",
                "suspended" => "st-warn",
                _ => "st-bad",
            },
        ),
        "relation" => text(zh(Relation::parse, Relation::zh, v)),
        "person_role" => text(zh(PersonRole::parse, PersonRole::zh, v)),
        "subject" => text(zh(Subject::parse, Subject::zh, v)),
        "duty" => text(zh(Duty::parse, Duty::zh, v)),
        "field" => text(zh(ChangeField::parse, ChangeField::zh, v)),
        "education" => text(zh(Education::parse, Education::zh, v)),
        "result" => text(zh(Outcome::parse, Outcome::zh, v)),
        "cert_status" => tag(
            zh(CertStatus::parse, CertStatus::zh, v),
            match v {
                "valid" => "st-ok",
                _ => "st-bad",
            },
        ),
        "verified" => tag(
            zh(Verified::parse, Verified::zh, v),
            match v {
                "substantiated" => "st-bad",
                "pending" => "st-warn",
                _ => "st-muted",
            },
        ),
        "disposition" => text(zh(Disposition::parse, Disposition::zh, v)),
        "severity" | "risk_worst" => tag(zh(Severity::parse, Severity::zh, v), severity_class(v)),
        "finding_status" => tag(
            store::Mark::parse(v).map_or_else(|| v.to_string(), |m| m.zh().to_string()),
            match v {
                "confirmed" => "st-bad",
                "dismissed" => "st-muted",
                _ => "st-warn",
            },
        ),
        "rule" => {
            text(FindingKind::from_id(v).map_or_else(|| v.to_string(), |k| k.title().to_string()))
        }
        "item" => text(format!("第{v}项")),
        "level" | "max_level" => text(domain::level::Level::parse(v).map_or_else(
            |_| v.to_string(),
            |l| format!("{}/{}", l.grade_name(), l.title()),
        )),
        "occupation_code" => text(
            domain::occupation::OccupationCode::parse(v)
                .ok()
                .and_then(|c| domain::occupation::catalogue().name(&c))
                .map_or_else(|| v.to_string(), |n| format!("{v} {n}")),
        ),
        "role" => text(zh(domain::access::Role::parse, domain::access::Role::zh, v)),
        "party_kind" => text(zh(case::PartyKind::parse, case::PartyKind::zh, v)),
        "source_kind" => text(zh(case::SourceKind::parse, case::SourceKind::zh, v)),
        "major_ground" => text(zh(case::MajorGround::parse, case::MajorGround::zh, v)),
        "review_outcome" => text(zh(case::ReviewOutcome::parse, case::ReviewOutcome::zh, v)),
        "deadline" => text(zh(case::DeadlineKind::parse, case::DeadlineKind::zh, v)),
        "state" => tag(
            zh(case::CaseState::parse, case::CaseState::zh, v),
            match v {
                "closed" | "dropped" => "st-muted",
                "review" | "rectifying" => "st-warn",
                _ => "",
            },
        ),
        "major" => tag(v.to_string(), if v == "是" { "st-bad" } else { "" }),
        "days_left" => match v.parse::<i64>() {
            Ok(n) if n < 0 => tag(format!("已逾期 {} 个工作日", -n), "st-bad"),
            Ok(0) => tag("今日到期".into(), "st-warn"),
            Ok(n) => text(format!("{n} 个工作日")),
            Err(_) => text(v.to_string()),
        },
        "action" => text(action_zh(v).to_string()),
        "institution_name" => text(v.to_string()),
        // Anything else is free text: personal numbers in it are masked by value.
        _ => text(domain::privacy::mask_text(v).into_owned()),
    }
}

/// The operation log's actions: (code, Chinese).
pub const LOG_ACTIONS: &[(&str, &str)] = &[
    ("login", "登录"),
    ("login_failed", "登录失败"),
    ("account_locked", "账号锁定"),
    ("logout", "退出"),
    ("refused", "拒绝访问"),
    ("create_account", "创建账号"),
    ("reset_password", "重置密码"),
    ("set_password", "系统设置密码"),
    ("change_password", "修改密码"),
    ("change_password_failed", "修改密码失败"),
    ("mark_finding", "预警处理"),
    ("export", "导出"),
    ("view_id_number", "查看完整身份证号"),
    ("import", "数据导入"),
    ("screen", "数据筛查"),
    ("registry", "备案变更"),
    ("set_regions", "维护行政区划"),
    ("calendar", "导入节假日安排"),
    ("case", "案件办理"),
    ("view_attachment", "查看案件材料"),
];

/// The operation log's actions in Chinese.
pub fn action_zh(code: &str) -> &str {
    LOG_ACTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, zh)| zh)
}

/// Paging under a table (RuoYi style): total, page numbers with gaps, page size
/// and a jump to a page, 导出.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    pub total: u64,
    pub page: u32,
    pub pages: u32,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Page numbers to show: `Some((n, link))`, `None` for a gap (…).
    pub numbers: Vec<Option<(u32, String)>>,
    pub per_page: u32,
    /// The list's path (the page-size form posts to it).
    pub path: String,
    /// The request's parameters without `page` and `per_page` (kept by the form).
    pub keep: Vec<(String, String)>,
    /// The current query with `export=xlsx` (the 导出 button).
    pub export: String,
}

/// The page sizes offered.
pub const PAGE_SIZES: &[u32] = &[20, 50, 100, 200];

impl Pager {
    /// Links for `path` with the request's `query` (without `page`).
    pub fn new(
        path: &str,
        query: &[(String, String)],
        paging: store::browse::Paging,
        total: u64,
    ) -> Pager {
        let pages = total.div_ceil(u64::from(paging.per_page)).max(1) as u32;
        let keep: Vec<(String, String)> = query
            .iter()
            .filter(|(k, v)| k != "page" && k != "export" && k != "per_page" && !v.is_empty())
            .cloned()
            .collect();
        let href = |extra: &[String]| {
            let mut parts: Vec<String> = keep
                .iter()
                .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
                .collect();
            if paging.per_page != store::browse::Paging::DEFAULT {
                parts.push(format!("per_page={}", paging.per_page));
            }
            parts.extend(extra.iter().cloned());
            if parts.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", parts.join("&"))
            }
        };
        let page_link = |n: u32| href(&[format!("page={n}")]);
        // First, last, and two either side of the current page.
        let mut numbers = Vec::new();
        let mut last_shown = 0;
        for n in 1..=pages {
            if n == 1 || n == pages || n.abs_diff(paging.page) <= 2 {
                if n > last_shown + 1 {
                    numbers.push(None);
                }
                numbers.push(Some((n, page_link(n))));
                last_shown = n;
            }
        }
        let (prev, next, export) = (
            (paging.page > 1).then(|| page_link(paging.page - 1)),
            (paging.page < pages).then(|| page_link(paging.page + 1)),
            href(&["export=xlsx".to_string()]),
        );
        Pager {
            total,
            page: paging.page,
            pages,
            prev,
            next,
            numbers,
            per_page: paging.per_page,
            path: path.to_string(),
            keep,
            export,
        }
    }
}

/// Percent-encodes a query component.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One field of a list page's filter form.
#[derive(Debug, Clone)]
pub struct FilterField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    /// (value, label) choices; empty for a text box.
    pub options: Vec<(String, String)>,
    /// `text` or `date`.
    pub input: &'static str,
}

impl FilterField {
    pub fn text(name: &'static str, label: &'static str, value: &Option<String>) -> FilterField {
        FilterField {
            name,
            label,
            value: value.clone().unwrap_or_default(),
            options: Vec::new(),
            input: "text",
        }
    }

    pub fn date(name: &'static str, label: &'static str, value: &Option<String>) -> FilterField {
        FilterField {
            input: "date",
            ..FilterField::text(name, label, value)
        }
    }

    pub fn select(
        name: &'static str,
        label: &'static str,
        value: &Option<String>,
        options: Vec<(String, String)>,
    ) -> FilterField {
        let mut all = vec![(String::new(), "全部".to_string())];
        all.extend(options);
        FilterField {
            options: all,
            ..FilterField::text(name, label, value)
        }
    }
}

/// The choices of a closed vocabulary, for a select box.
pub fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&x| (code(x).to_string(), zh(x).to_string()))
        .collect()
}

/// A list page: title, filter form, table, pager, 导出 and extra buttons.
#[derive(Template)]
#[template(path = "list.html")]
pub struct ListPage {
    pub chrome: Chrome,
    pub action: String,
    pub filters: Vec<FilterField>,
    pub table: TableView,
    pub pager: Pager,
    /// (label, href) buttons above the table.
    pub buttons: Vec<(String, String)>,
    pub note: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub message: Option<String>,
    pub username: String,
    /// The form's CSRF token (also in the login cookie).
    pub csrf: String,
}

impl LoginPage {
    /// The account rules under the form, from the constants that enforce them.
    pub fn note(&self) -> String {
        use domain::access::*;
        format!(
            "连续 {MAX_FAILED_LOGINS} 次密码错误将锁定账号 {LOCKOUT_MINUTES} 分钟；{SESSION_IDLE_MINUTES} 分钟无操作或登录满 {SESSION_MAX_HOURS} 小时自动退出。"
        )
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_numbers_are_masked() {
        assert_eq!(mask_id("11010519491231002X"), "110105********002X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("027-87654321"), "027-8****321");
        assert_eq!(
            cell("candidate_id", Some("11010519491231002X")).text,
            "110105********002X"
        );
        assert_eq!(
            cell("id_number", Some("11010519491231002X")).text,
            "110105********002X"
        );
        assert_eq!(cell("phone", Some("13812345678")).text, "138****5678");
    }

    #[test]
    fn codes_are_shown_in_chinese_with_links() {
        assert_eq!(cell("kind", Some("social_org")).text, "社会培训评价组织");
        assert_eq!(cell("severity", Some("grave")).class, "sev-grave");
        let c = cell("institution_id", Some("JG0001"));
        assert_eq!(c.href.as_deref(), Some("/institutions/JG0001"));
        assert_eq!(cell("item", Some("11")).text, "第11项");
    }

    #[test]
    fn pager_keeps_the_filters() {
        let q = vec![
            ("kind".to_string(), "social_org".to_string()),
            ("page".to_string(), "2".to_string()),
        ];
        let p = Pager::new(
            "/institutions",
            &q,
            store::browse::Paging::new(Some(2), Some(20)),
            45,
        );
        assert_eq!(p.pages, 3);
        assert_eq!(
            p.prev.as_deref(),
            Some("/institutions?kind=social_org&page=1")
        );
        assert_eq!(
            p.next.as_deref(),
            Some("/institutions?kind=social_org&page=3")
        );
        assert_eq!(p.export, "/institutions?kind=social_org&export=xlsx");
        assert_eq!(p.numbers.len(), 3);
        // Long lists: first, last, two either side, gaps between.
        let p = Pager::new(
            "/findings",
            &[],
            store::browse::Paging::new(Some(10), Some(50)),
            5000,
        );
        let shown: Vec<Option<u32>> = p.numbers.iter().map(|n| n.as_ref().map(|x| x.0)).collect();
        assert_eq!(
            shown,
            [
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(100)
            ]
        );
        assert_eq!(
            p.numbers[2].as_ref().unwrap().1,
            "/findings?per_page=50&page=8"
        );
    }
}
