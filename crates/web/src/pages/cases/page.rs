//! The case page: the case's head, a stepper of the states with the current
//! step's forms — every form rendered from a move the domain offers the caller
//! now (`Case::available_moves`), with its fields, note and button — the
//! proposal and decision, review, documents, statements, recusals, effects and,
//! for officials, the findings, evidence and the case file.

use crate::auth::Caller;
use crate::pages::findings::mask_evidence;
use crate::view::{CellView, Chrome, TableView, cell};
use askama::Template;
use chrono::NaiveDate;
use domain::case::{
    CaseState, MoveKind, Now, Party, PartyKind, Procedure, Proposal, RecusalStatus, Source,
};
use domain::workflow::{Available, Input, Weight};
use store::browse::Grid;
use store::cases::{CaseDetail, CaseEvent};

/// One step of the stepper.
pub struct Step {
    pub label: &'static str,
    /// `done`, `current` or `todo`.
    pub status: &'static str,
}

/// The stepper of a case in `state`: the usual course, 复核 shown at the
/// decision it reconsiders, 不予处理 at the end.
pub fn steps(state: CaseState) -> Vec<Step> {
    let at = state.step();
    CaseState::STEPS
        .iter()
        .enumerate()
        .map(|(i, s)| Step {
            label: match (i == at, state, s) {
                (true, CaseState::Review, _) => "复核",
                (true, CaseState::Rectifying, _) => "整改",
                (true, CaseState::Dropped, _) => "不予处理",
                (_, _, CaseState::Executing) => "执行/整改",
                (_, _, s) => s.zh(),
            },
            status: if i < at || (i == at && state.is_final()) {
                "done"
            } else if i == at {
                "current"
            } else {
                "todo"
            },
        })
        .collect()
}

/// One choice of a field, for the template.
pub struct ChoiceView {
    pub value: String,
    pub label: String,
    pub note: String,
    pub selected: bool,
}

/// One field of a move's form, for the template.
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    /// `line`, `text`, `date`, `number`, `choice`, `checks`, `accounts`, `file`.
    pub kind: &'static str,
    pub required: bool,
    pub value: String,
    pub placeholder: String,
    pub choices: Vec<ChoiceView>,
}

/// A move's form as the page shows it.
pub struct MoveForm {
    /// The move's code (the form's `action`).
    pub code: &'static str,
    /// The base of the form's element ids: `{id}-form`, `{id}-submit`.
    pub id: String,
    /// Where it posts: the officials' `/actions`, the party's `/answer`, or the
    /// upload of `/attachments`.
    pub action: String,
    pub multipart: bool,
    pub title: &'static str,
    pub label: String,
    /// Shown open as the current step's form (else folded).
    pub open: bool,
    pub danger: bool,
    pub note: String,
    pub fields: Vec<FieldView>,
    /// The fold of fields that apply only sometimes: its title and fields.
    pub fold_title: String,
    pub folded: Vec<FieldView>,
}

/// An account the investigators are chosen from: (user name, shown as).
pub type AccountChoice = (String, String);

/// The names people are shown by: an account's display name for its user name
/// (the file records user names; officials read names). `system` is the
/// platform's own scheduled work.
#[derive(Debug, Clone, Default)]
pub struct Names(pub std::collections::HashMap<String, String>);

impl Names {
    /// The display name of `username`, or the user name when it has no account.
    pub fn of(&self, username: &str) -> String {
        match (username, self.0.get(username)) {
            (_, Some(name)) => name.clone(),
            ("system", None) => "系统".into(),
            (u, None) => u.to_string(),
        }
    }
}

fn field_view(f: &domain::workflow::Field, accounts: &[AccountChoice]) -> FieldView {
    let choice = |c: &domain::workflow::Choice| ChoiceView {
        value: c.value.clone(),
        label: c.label.clone(),
        note: c.note.clone(),
        selected: c.selected,
    };
    let (kind, choices) = match &f.input {
        Input::Line => ("line", Vec::new()),
        Input::Text => ("text", Vec::new()),
        Input::Date => ("date", Vec::new()),
        Input::Number => ("number", Vec::new()),
        Input::Choice(c) => ("choice", c.iter().map(choice).collect()),
        Input::Checks(c) => ("checks", c.iter().map(choice).collect()),
        Input::Accounts => (
            "accounts",
            accounts
                .iter()
                .map(|(u, shown)| ChoiceView {
                    value: u.clone(),
                    label: shown.clone(),
                    note: String::new(),
                    selected: false,
                })
                .collect(),
        ),
        Input::File => ("file", Vec::new()),
    };
    FieldView {
        name: f.name,
        label: f.label,
        kind,
        required: f.required,
        value: f.value.clone(),
        placeholder: f.placeholder.clone(),
        choices,
    }
}

/// The form of a move offered on case `id`.
pub fn move_form(id: i64, a: &Available<MoveKind>, accounts: &[AccountChoice]) -> MoveForm {
    let code = a.kind.code();
    let (main, fold): (Vec<_>, Vec<_>) = a.fields.iter().partition(|f| f.section.is_none());
    let action = if a.kind == MoveKind::Attach {
        format!("/cases/{id}/attachments")
    } else if a.by_party {
        format!("/cases/{id}/answer")
    } else {
        format!("/cases/{id}/actions")
    };
    MoveForm {
        code,
        id: code.replace('_', "-"),
        action,
        multipart: a.kind == MoveKind::Attach,
        title: a.kind.zh(),
        label: a.label.clone(),
        open: a.weight == Weight::Next,
        danger: a.weight == Weight::Final,
        note: a.note.clone(),
        fields: main.iter().map(|f| field_view(f, accounts)).collect(),
        fold_title: fold
            .first()
            .and_then(|f| f.section)
            .unwrap_or_default()
            .to_string(),
        folded: fold.iter().map(|f| field_view(f, accounts)).collect(),
    }
}

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
    /// The proposal, each measure with the article of `procedure` it rests on
    /// against `party`.
    fn of(p: &Proposal, procedure: &Procedure, party: PartyKind) -> ProposalView {
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
            sanctions: p
                .sanctions
                .iter()
                .map(|s| (procedure.describe(s), procedure.article_of(s, party)))
                .collect(),
            basis: p.basis.clone(),
            facts: p.facts.iter().map(|f| mask_evidence(f)).collect(),
            escalation: p.escalation.clone().unwrap_or_default(),
            override_reason: p.override_reason.clone().unwrap_or_default(),
            rulebook: p.rulebook.clone().unwrap_or_default(),
        }
    }
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
    pub steps: Vec<Step>,
    pub head: Vec<(String, CellView)>,
    pub deadline: Option<DeadlineView>,
    pub internal: bool,
    /// The party's own account is looking.
    pub party: bool,
    pub error: Option<String>,
    pub success: Option<String>,
    /// The authority's moves now (the 办理 panel).
    pub handle: Vec<MoveForm>,
    /// The party's moves now (its own, or recorded by an official).
    pub answer: Vec<MoveForm>,
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
}

/// What the page shows above the forms: a refusal, or what was just done.
#[derive(Debug, Clone, Default)]
pub struct Flash {
    pub error: Option<String>,
    pub success: Option<String>,
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
fn change_line(e: &CaseEvent, names: &Names) -> String {
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
        let shown: Vec<String> = list
            .iter()
            .filter_map(|v| v.as_str())
            .map(|u| names.of(u))
            .collect();
        out.push(format!("调查人员：{}", shown.join("、")));
    }
    if let Some(i) = get(&e.after, "investigator").and_then(|v| v.as_str().map(str::to_string)) {
        out.push(format!("调查人员 {}", names.of(&i)));
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

/// The case page for `caller`, with the moves `now` offers the caller's role
/// and the accounts investigators are chosen from.
pub fn page(
    caller: &Caller,
    d: CaseDetail,
    now: &Now<'_>,
    accounts: &[AccountChoice],
    names: &Names,
    flash: Flash,
) -> CasePage {
    let c = &d.case;
    let who = |u: &str| names.of(u);
    let state = c.state;
    let time = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
    let party = !d.internal;
    let moves = c.available_moves(caller.role(), now);
    let (answer, handle): (Vec<_>, Vec<_>) = moves
        .iter()
        .map(|a| (a.by_party, move_form(c.case_id, a, accounts)))
        .partition(|(by_party, _)| *by_party);
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
            ..CellView::default()
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
        head.push(kv(
            "立案",
            format!("{} {}", time(d.opened_at), who(&d.opened_by)),
        ));
    }
    head.push(kv(
        "调查人员",
        if c.investigators.is_empty() {
            "未指派".to_string()
        } else {
            c.investigators
                .iter()
                .map(|u| who(u))
                .collect::<Vec<_>>()
                .join("、")
        },
    ));
    if c.major {
        head.push((
            "评价要情".into(),
            CellView {
                text: format!(
                    "已报送{}{}",
                    c.major_ground
                        .map(|g| format!("（{}）", g.zh()))
                        .unwrap_or_default(),
                    c.major_note
                        .as_deref()
                        .map(|n| format!("：{n}"))
                        .unwrap_or_default()
                ),
                class: "st-bad",
                ..CellView::default()
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
            if state == CaseState::Dropped {
                "不予处理"
            } else {
                "结案"
            },
            format!("{} {}", time(t), c.outcome.clone().unwrap_or_default()),
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
                        Some(who(&s.by_user)),
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
    let recusals = c
        .recusals
        .iter()
        .map(|r| RecusalView {
            id: r.recusal_id,
            investigator: who(&r.investigator),
            reason: r.reason.clone(),
            requested: format!("{} {}", time(r.requested_at), who(&r.requested_by)),
            status: r.status.zh().to_string(),
            pending: r.status == RecusalStatus::Pending,
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
                        Some(format!("{} {}", time(a.uploaded_at), who(&a.uploaded_by))),
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
                        Some(who(&e.by_user)),
                        Some(e.action.zh().to_string()),
                        e.reason.as_deref().map(mask_evidence),
                        Some(change_line(e, names)),
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

    CasePage {
        chrome: Chrome::new(caller, format!("案件 {}", c.number), "/cases"),
        id: c.case_id,
        state: state.code().to_string(),
        state_zh: state.zh().to_string(),
        steps: steps(state),
        head,
        deadline,
        internal: d.internal,
        party,
        error: flash.error,
        success: flash.success,
        handle: handle.into_iter().map(|(_, f)| f).collect(),
        answer: answer.into_iter().map(|(_, f)| f).collect(),
        findings,
        proposal: c
            .proposal
            .as_ref()
            .map(|p| ProposalView::of(p, now.procedure, c.party.kind())),
        decision: c
            .decision
            .as_ref()
            .map(|p| ProposalView::of(p, now.procedure, c.party.kind())),
        review,
        documents,
        statements,
        recusals,
        effects,
        attachments,
        events,
    }
}

/// The date a page shows for a document: 2025年9月26日.
pub fn date_zh(d: NaiveDate) -> String {
    domain::case::documents::zh_date(d)
}
