//! The forms of a case's moves: which moves a role has now
//! ([`Case::available_moves`], each with the [`Field`]s its form asks for and a
//! note with the article and the deadline it runs to), and a submitted form read
//! into a [`Command`] ([`MoveKind::command`]), with errors naming the field.

use super::moves::{Command, MoveKind, Now, Side, filed_on, reviewed_decision};
use super::proposal::{Amendment, BAR_YEARS, Proposal, Sanction};
use super::{
    AttachmentKind, Case, CaseRefusal, CaseState, Issuer, MajorGround, PartyKind, RecusalStatus,
    ReviewOutcome, StatementAdoption,
};
use crate::Date;
use crate::access::Role;
use crate::enums::Severity;
use crate::workflow::{Available, Choice, Field, Form, Input, InputError, Weight};

/// "（cite）", or nothing without an article.
fn in_parens(cite: String) -> String {
    if cite.is_empty() {
        cite
    } else {
        format!("（{cite}）")
    }
}

/// What a form is read with besides its fields.
#[derive(Debug, Clone)]
pub struct Given<'a> {
    pub today: Date,
    /// The authority issuing documents for the caller (`None`: the caller's
    /// account issues none).
    pub issuer: Option<&'a Issuer>,
    /// An uploaded file (name, content), for an attachment.
    pub file: Option<(String, Vec<u8>)>,
}

/// The order moves are offered in: the course of the case, then what lies beside.
const ORDER: [MoveKind; 20] = [
    MoveKind::Assign,
    MoveKind::Propose,
    MoveKind::Amend,
    MoveKind::Notify,
    MoveKind::Statement,
    MoveKind::Decide,
    MoveKind::Serve,
    MoveKind::Execute,
    MoveKind::ReviewRequest,
    MoveKind::ExtendReview,
    MoveKind::DecideReview,
    MoveKind::RectificationReport,
    MoveKind::CheckRectification,
    MoveKind::Close,
    MoveKind::Drop,
    MoveKind::DecideRecusal,
    MoveKind::RecusalRequest,
    MoveKind::DeclareConflict,
    MoveKind::MarkMajor,
    MoveKind::Attach,
];

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter().map(|&v| Choice::new(code(v), zh(v))).collect()
}

fn select(mut choices: Vec<Choice>, value: &str) -> Vec<Choice> {
    for c in &mut choices {
        c.selected = c.value == value;
    }
    choices
}

/// The measures of the amendment form, by form value, with the form's parameters.
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

/// The amendment fields (变更拟处理意见, and the changed decision of a review),
/// starting from `current`; `section` names the fold they are shown in, if any.
fn amendment_fields(
    party: PartyKind,
    current: Option<&Proposal>,
    now: &Now<'_>,
    section: Option<&'static str>,
) -> Vec<Field> {
    let p = now.procedure;
    let find =
        |f: fn(&Sanction) -> Option<u32>| current.and_then(|x| x.sanctions.iter().find_map(f));
    let rectify_days = find(|s| match s {
        Sanction::Rectify {
            deadline_working_days: n,
        } => Some(*n),
        _ => None,
    })
    .unwrap_or(p.rectify_working_days);
    let constraint_years = find(|s| match s {
        Sanction::Constraints { years } => Some(u32::from(*years)),
        _ => None,
    })
    .unwrap_or(u32::from(p.constraints.as_ref().map_or(0, |c| c.years)));
    let bar_years = find(|s| match s {
        Sanction::BarCandidate { years } => Some(u32::from(*years)),
        _ => None,
    })
    .unwrap_or(2);
    let measures = sanction_catalogue(rectify_days, constraint_years as u8, bar_years as u8)
        .into_iter()
        .filter(|(_, s)| s.parties().contains(&party))
        .filter(|(_, s)| !matches!(s, Sanction::Constraints { .. }) || p.constraints.is_some())
        .map(|(value, s)| Choice {
            value: value.into(),
            label: match value {
                "rectify" => "予以警告，限期整改".into(),
                "constraints" => "约束措施".into(),
                "bar_candidate" => "禁止参加评价".into(),
                _ => s.zh(),
            },
            note: p.article_of(&s, party),
            selected: current.is_some_and(|c| c.sanctions.iter().any(|x| same_measure(x, &s))),
        })
        .collect();
    let severity = current.map_or("general", |c| c.severity.code());
    let bars = BAR_YEARS
        .iter()
        .map(|y| Choice {
            selected: u32::from(*y) == bar_years,
            ..Choice::new(y.to_string(), format!("{y} 年"))
        })
        .collect();
    let mut fields = vec![
        Field::new(
            "sanction",
            "处理措施（可多选，仅列出适用于本案当事人的措施）",
            Input::Checks(measures),
        ),
        Field::new("rectify_days", "整改期限（工作日）", Input::Number)
            .value(rectify_days.to_string()),
        Field::new("constraint_years", "约束措施年限", Input::Number)
            .value(constraint_years.to_string()),
        Field::new("bar_years", "禁考年限", Input::Choice(bars)),
        Field::new(
            "severity",
            "严重程度",
            Input::Choice(select(
                choices(Severity::ALL, Severity::code, Severity::zh),
                severity,
            )),
        ),
        Field::new("item", "指引条目", Input::Number)
            .value(
                current
                    .and_then(|c| c.item)
                    .map(|i| i.to_string())
                    .unwrap_or_default(),
            )
            .placeholder("1-15"),
        Field::new("basis", "依据（每行一条）", Input::Text)
            .value(current.map(|c| c.basis.join("\n")).unwrap_or_default())
            .placeholder("留空则沿用原依据"),
        Field::new("facts", "事实（每行一条）", Input::Text)
            .value(current.map(|c| c.facts.join("\n")).unwrap_or_default())
            .placeholder("留空则沿用原事实"),
    ];
    for f in &mut fields {
        f.section = section;
    }
    fields
}

/// Reads the amendment fields; the reason is the form's `reason`.
fn amendment_of(form: Form<'_>, party: PartyKind, now: &Now<'_>) -> Result<Amendment, CaseRefusal> {
    let p = now.procedure;
    let rectify_days = form.number("rectify_days", "整改期限（工作日）", p.rectify_working_days)?;
    let small = |n: u32, name: &'static str, label: &'static str| {
        u8::try_from(n).map_err(|_| InputError {
            name,
            label,
            problem: format!("{n} 超出范围"),
        })
    };
    let constraint_years = small(
        form.number(
            "constraint_years",
            "约束措施年限",
            u32::from(p.constraints.as_ref().map_or(0, |c| c.years)),
        )?,
        "constraint_years",
        "约束措施年限",
    )?;
    let bar_years = small(
        form.number("bar_years", "禁考年限", 2)?,
        "bar_years",
        "禁考年限",
    )?;
    let catalogue = sanction_catalogue(rectify_days, constraint_years, bar_years);
    let mut sanctions = Vec::new();
    for v in form.all("sanction") {
        let s = catalogue
            .iter()
            .find(|(value, _)| *value == v)
            .map(|(_, s)| s.clone())
            .ok_or_else(|| InputError {
                name: "sanction",
                label: "处理措施",
                problem: format!(
                    "“{v}”无效，应为 {}",
                    catalogue
                        .iter()
                        .map(|(v, _)| *v)
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            })?;
        s.check(party)?;
        sanctions.push(s);
    }
    if sanctions.is_empty() {
        return Err(InputError {
            name: "sanction",
            label: "处理措施",
            problem: "至少选择一项".into(),
        }
        .into());
    }
    let severity = match form.get("severity") {
        None => {
            return Err(InputError {
                name: "severity",
                label: "严重程度",
                problem: "不能为空：应为 一般、严重 或 特别严重".into(),
            }
            .into());
        }
        Some(v) => Severity::parse(v).map_err(|_| InputError {
            name: "severity",
            label: "严重程度",
            problem: format!(
                "“{v}”无效，应为 general（一般）、serious（严重）或 grave（特别严重）"
            ),
        })?,
    };
    let item = match form.get("item") {
        None => None,
        Some(v) => Some(
            v.parse::<u8>()
                .ok()
                .filter(|i| (1..=15).contains(i))
                .ok_or_else(|| InputError {
                    name: "item",
                    label: "指引条目",
                    problem: format!("“{v}”无效，应为 1–15"),
                })?,
        ),
    };
    let reason = form.required(
        "reason",
        "变更理由",
        "写明为何不采用规则手册的建议（记入处理档案）",
    )?;
    Ok(Amendment {
        item,
        severity,
        sanctions,
        basis: form.lines("basis"),
        facts: form.lines("facts"),
        reason,
    })
}

fn move_label(kind: MoveKind, p: &super::Procedure) -> String {
    match kind {
        MoveKind::Assign => "指派（核查）".into(),
        MoveKind::DeclareConflict => "申报并回避".into(),
        MoveKind::Withdraw => "回避".into(),
        MoveKind::RecusalRequest => "申请回避".into(),
        MoveKind::DecideRecusal => "作出回避决定".into(),
        MoveKind::Propose => "按规则手册提出拟处理意见".into(),
        MoveKind::Amend => "提出变更后的拟处理意见".into(),
        MoveKind::Notify => "出具告知书".into(),
        MoveKind::Statement => "提交陈述申辩".into(),
        MoveKind::Decide => "作出处理决定".into(),
        MoveKind::Serve => "登记送达".into(),
        MoveKind::ReviewRequest => "申请复核".into(),
        MoveKind::ExtendReview => format!(
            "延长复核期限 {} 个工作日（限一次）",
            p.review.map_or(0, |r| r.extension_working_days)
        ),
        MoveKind::DecideReview => "作出复核决定".into(),
        MoveKind::Execute => "执行处理决定".into(),
        MoveKind::RectificationReport => "提交整改报告".into(),
        MoveKind::CheckRectification => "整改验收".into(),
        MoveKind::Close => "结案".into(),
        MoveKind::Drop => "不予处理，结案".into(),
        MoveKind::MarkMajor => "报送（逐级报至省级）".into(),
        MoveKind::Attach => "上传".into(),
    }
}

/// How a move weighs now: the one that takes the case on from its state (and the
/// party's answers, and a pending recusal to decide) is the current step's form;
/// 不予处理 ends the matter; the rest is done on the side.
fn weight(case: &Case, kind: MoveKind) -> Weight {
    use CaseState as S;
    use MoveKind as M;
    let next = matches!(
        (case.state, kind),
        (
            _,
            M::Statement | M::RectificationReport | M::ReviewRequest | M::DecideRecusal
        ) | (S::Lead, M::Assign)
            | (S::Investigating, M::Propose)
            | (S::Proposed, M::Notify)
            | (S::Notified, M::Decide)
            | (S::Decided, M::Serve | M::Execute)
            | (S::Review, M::DecideReview)
            | (S::Executing, M::Close)
            | (S::Rectifying, M::CheckRectification)
    );
    match kind {
        M::Drop => Weight::Final,
        _ if next => Weight::Next,
        _ => Weight::Optional,
    }
}

fn investigator_choices(case: &Case) -> Vec<Choice> {
    case.investigators
        .iter()
        .map(|i| Choice::new(i.clone(), i.clone()))
        .collect()
}

impl Case {
    /// The moves `role` may make on the case now, in the order of the course,
    /// each with its form's fields (starting values from the case) and a note
    /// with the article and the deadline that applies. A move offered may still
    /// be refused on submission for its input or the day (deciding inside the
    /// statement period, closing inside the review window): the refusal says why.
    pub fn available_moves(&self, role: Role, now: &Now<'_>) -> Vec<Available<MoveKind>> {
        let Some(side) = Side::of_role(role) else {
            return Vec::new();
        };
        let p = now.procedure;
        let cal = now.calendar;
        ORDER
            .iter()
            .copied()
            .filter(|&k| side.may(k) && self.possible(k, p).is_ok())
            .filter(|&k| match k {
                MoveKind::MarkMajor => !self.state.is_final() && !self.major,
                MoveKind::DeclareConflict => {
                    !self.investigators.is_empty()
                        && self.possible(MoveKind::Assign, p).is_ok()
                }
                _ => true,
            })
            .map(|kind| {
                let statement_due = self.notified_on.map(|n| p.statement_due(cal, n));
                let review_last_day = self.served_on.and_then(|s| p.review_last_day(cal, s));
                let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
                let (fields, note): (Vec<Field>, String) = match kind {
                    MoveKind::Assign => (
                        vec![
                            Field::new("investigators", "调查人员（本辖区账号）", Input::Accounts),
                            Field::new("experts", "外聘专家或外部质量督导员", Input::Line)
                                .placeholder("不在账号中的人员姓名，多人用逗号分隔"),
                        ],
                        "第十七条：由备案地职鉴中心核实情况；重大违纪违规由省职鉴中心遴选专家或外部质量督导员组成调查组。与涉事机构或人员存在利害关系的不得指派（第十八条）。".into(),
                    ),
                    MoveKind::Propose => (
                        vec![],
                        "依认定处理指引和规则手册：条目、严重程度、处理方式，再犯从重。".into(),
                    ),
                    MoveKind::Amend => {
                        let mut f = amendment_fields(self.party.kind(), self.proposal.as_ref(), now, None);
                        f.push(Field::new("reason", "变更理由", Input::Text).required());
                        (f, "须写明理由，记入处理档案。".into())
                    }
                    MoveKind::Notify => (
                        vec![],
                        format!(
                            "告知拟处理决定及事实、理由和依据，当事人可在 {} 个工作日内陈述申辩{}。",
                            p.statement_working_days,
                            in_parens(p.notice.cite())
                        ),
                    ),
                    MoveKind::Statement => (
                        vec![Field::new("text", "陈述申辩", Input::Text)
                            .required()
                            .placeholder("对告知书所列事实、理由、依据的意见及证据")],
                        format!("期限至 {}{}；逾期提交的仍记录，并标注逾期。", day(statement_due), in_parens(p.notice.cite())),
                    ),
                    MoveKind::Decide => (
                        if self.statements > 0 {
                            vec![
                                Field::new(
                                    "adoption",
                                    "对陈述申辩意见",
                                    Input::Choice(choices(
                                        StatementAdoption::ALL,
                                        StatementAdoption::code,
                                        StatementAdoption::zh,
                                    )),
                                )
                                .required(),
                                Field::new("adoption_reason", "采纳情况的理由", Input::Text)
                                    .placeholder("写入处理决定书"),
                            ]
                        } else {
                            vec![]
                        },
                        format!(
                            "陈述申辩期限至 {}；期满或收到陈述申辩后方可决定。改变拟处理意见的，应重新告知。",
                            day(statement_due)
                        ),
                    ),
                    MoveKind::Serve => (
                        vec![Field::new("on", "送达日期", Input::Date).value(now.today.to_string())],
                        match p.review {
                            Some(r) => format!(
                                "复核申请期限自送达之日起 {} 个工作日{}。",
                                r.window_working_days,
                                in_parens(p.review_basis.cite())
                            ),
                            None => format!("处理决定应以书面形式送达{}；本地处理程序未规定复核。", in_parens(p.review_basis.cite())),
                        },
                    ),
                    MoveKind::Execute => (
                        vec![],
                        "执行暂停或终止备案、证书作废、禁考、诚信档案、约束措施等，每项记录执行前后情况；复核变更或撤销时予以撤回。".into(),
                    ),
                    MoveKind::ReviewRequest => {
                        let mut f = Vec::new();
                        if side == Side::Authority {
                            f.push(Field::new("on", "收到申请日期", Input::Date).value(now.today.to_string()));
                        }
                        f.push(Field::new("text", "复核申请", Input::Text)
                            .required()
                            .placeholder("申请复核的事实和理由"));
                        (
                            f,
                            format!(
                                "应自收到处理决定之日起 {} 个工作日内申请，即最迟 {}{}；逾期申请不予受理。",
                                p.review.map_or(0, |r| r.window_working_days),
                                day(review_last_day),
                                in_parens(p.review_basis.cite())
                            ),
                        )
                    }
                    MoveKind::ExtendReview => (
                        vec![Field::new("reason", "延长理由", Input::Line).required()],
                        format!(
                            "特殊情况可延长 {} 个工作日，并书面告知申请人{}；复核决定现应于 {} 前作出。",
                            p.review.map_or(0, |r| r.extension_working_days),
                            in_parens(p.review_basis.cite()),
                            day(self.review.as_ref().map(|r| r.due))
                        ),
                    ),
                    MoveKind::DecideReview => {
                        let outcomes = vec![
                            Choice::new(ReviewOutcome::Uphold.code(), "维持原处理决定"),
                            Choice::new(ReviewOutcome::Change.code(), "变更原处理决定（撤回已执行措施，按下列措施重新执行）"),
                            Choice::new(ReviewOutcome::Annul.code(), "撤销原处理决定（撤回已执行措施，结案）"),
                        ];
                        let mut f = vec![
                            Field::new("outcome", "复核结果", Input::Choice(outcomes)),
                            Field::new("reason", "复核意见", Input::Text)
                                .required()
                                .placeholder("经核实的情况，写入复核决定书"),
                        ];
                        f.extend(amendment_fields(
                            self.party.kind(),
                            reviewed_decision(self),
                            now,
                            Some("变更后的处理措施（仅“变更”时适用）"),
                        ));
                        (f, "维持的，回到复核前的阶段；变更或撤销的，已执行的措施予以撤回。".into())
                    }
                    MoveKind::RectificationReport => (
                        vec![Field::new("text", "整改报告", Input::Text)
                            .required()
                            .placeholder("整改措施和完成情况")],
                        format!("整改期限 {}。", day(self.rectify_due)),
                    ),
                    MoveKind::CheckRectification => (
                        vec![
                            Field::new(
                                "result",
                                "验收结论",
                                Input::Choice(vec![
                                    Choice::new("accept", "合格：恢复评价活动，结案"),
                                    Choice::new("reject", "不合格：依第十四条(七)提出终止备案"),
                                ]),
                            ),
                            Field::new("reason", "验收意见", Input::Line),
                        ],
                        format!("整改期限 {}。", day(self.rectify_due)),
                    ),
                    MoveKind::Close => (
                        vec![Field::new("note", "结案说明", Input::Line).placeholder("执行完毕，结案")],
                        match review_last_day {
                            Some(d) if self.review.is_none() => {
                                format!("复核申请期限至 {d}，期满或复核决定后方可结案。")
                            }
                            _ => String::new(),
                        },
                    ),
                    MoveKind::Drop => (
                        vec![Field::new("reason", "理由", Input::Line)
                            .required()
                            .placeholder("如：经核查不属实")],
                        "经核查不予处理的，写明理由后结案。".into(),
                    ),
                    MoveKind::DecideRecusal => {
                        let pending = self
                            .recusals
                            .iter()
                            .filter(|r| r.status == RecusalStatus::Pending)
                            .map(|r| Choice::new(r.recusal_id.to_string(), format!("{}：{}", r.investigator, r.reason)))
                            .collect();
                        (
                            vec![
                                Field::new("recusal_id", "回避申请", Input::Choice(pending)),
                                Field::new(
                                    "decision",
                                    "回避决定",
                                    Input::Choice(vec![
                                        Choice::new("grant", "准予回避"),
                                        Choice::new("refuse", "不予回避"),
                                    ]),
                                ),
                                Field::new("reason", "理由", Input::Line).placeholder("不予回避时必填"),
                            ],
                            "准予回避的，该调查人员退出本案且不得再指派（第十八条）。".into(),
                        )
                    }
                    MoveKind::RecusalRequest => (
                        vec![
                            Field::new("investigator", "调查人员", Input::Choice(investigator_choices(self))),
                            Field::new("text", "回避理由", Input::Line).required(),
                        ],
                        "第十八条：调查人员与涉事机构或人员存在利害关系的，当事人可申请其回避。".into(),
                    ),
                    MoveKind::DeclareConflict | MoveKind::Withdraw => (
                        vec![
                            Field::new("investigator", "调查人员", Input::Choice(investigator_choices(self))),
                            Field::new("reason", "利害关系", Input::Line).required(),
                        ],
                        "申报后该人员退出本机构全部未结案件（第十八条：应当主动回避）。".into(),
                    ),
                    MoveKind::MarkMajor => (
                        vec![
                            Field::new(
                                "ground",
                                "要情类别",
                                Input::Choice(choices(MajorGround::ALL, MajorGround::code, MajorGround::zh)),
                            ),
                            Field::new("note", "说明", Input::Line),
                        ],
                        "第二十条：评价要情逐级报至省级。".into(),
                    ),
                    MoveKind::Attach => (
                        vec![
                            Field::new(
                                "kind",
                                "类别",
                                Input::Choice(choices(AttachmentKind::ALL, AttachmentKind::code, AttachmentKind::zh)),
                            ),
                            Field::new("file", "文件", Input::File).required(),
                            Field::new("signers", "签字人员（每行一名）", Input::Text),
                            Field::new("note", "说明", Input::Line),
                        ],
                        if self.party.kind() == PartyKind::Candidate {
                            format!(
                                "参评人员违纪违规的现场记录须 {} 名及以上工作人员签字（第十五条）。",
                                p.min_onsite_signers
                            )
                        } else {
                            "证据材料与现场记录只在内部案卷中显示。".into()
                        },
                    ),
                };
                Available {
                    kind,
                    label: move_label(kind, p),
                    weight: weight(self, kind),
                    by_party: kind.by_party(),
                    fields,
                    note,
                }
            })
            .collect()
    }
}

impl MoveKind {
    /// Reads a submitted form of this move by `side` into its command.
    pub fn command(
        self,
        form: Form<'_>,
        case: &Case,
        side: Side,
        given: Given<'_>,
        now: &Now<'_>,
    ) -> Result<Command, CaseRefusal> {
        let issuer = || given.issuer.cloned().ok_or(CaseRefusal::NoIssuer);
        let text =
            |name: &'static str, label: &'static str, hint: &str| form.required(name, label, hint);
        let reason = |hint: &str| form.required("reason", "理由", hint);
        Ok(match self {
            MoveKind::Assign => {
                let mut investigators = form.names("investigators");
                for e in form.names("experts") {
                    if !investigators.contains(&e) {
                        investigators.push(e);
                    }
                }
                if investigators.is_empty() {
                    return Err(InputError {
                        name: "investigators",
                        label: "调查人员",
                        problem: "不能为空：从本辖区账号中选择，或填写外聘专家姓名（第十七条：重大违纪违规由调查组核实）".into(),
                    }
                    .into());
                }
                Command::Assign { investigators }
            }
            MoveKind::DeclareConflict | MoveKind::Withdraw => {
                let investigator = text("investigator", "调查人员", "与本机构存在利害关系的人员")?;
                let reason = reason("写明利害关系，如近亲属在该机构任职")?;
                if self == MoveKind::Withdraw {
                    Command::Withdraw {
                        investigator,
                        reason,
                    }
                } else {
                    Command::DeclareConflict {
                        investigator,
                        reason,
                    }
                }
            }
            MoveKind::RecusalRequest => Command::RecusalRequest {
                investigator: text("investigator", "申请回避的调查人员", "从本案调查人员中选择")?,
                reason: text("text", "回避理由", "写明该调查人员与本案的利害关系")?,
            },
            MoveKind::DecideRecusal => Command::DecideRecusal {
                recusal_id: form
                    .get("recusal_id")
                    .and_then(|v| v.trim_start_matches('#').parse().ok())
                    .ok_or(InputError {
                        name: "recusal_id",
                        label: "回避申请",
                        problem: "无效：请选择待决定的回避申请".into(),
                    })?,
                grant: match form.get("decision") {
                    Some("grant") => true,
                    Some("refuse") => false,
                    _ => {
                        return Err(InputError {
                            name: "decision",
                            label: "回避决定",
                            problem: "无效，应为 grant（准予回避）或 refuse（不予回避）".into(),
                        }
                        .into());
                    }
                },
                reason: form.get("reason").unwrap_or_default().to_string(),
            },
            MoveKind::Propose => Command::Propose { amendment: None },
            MoveKind::Amend => Command::Propose {
                amendment: Some(amendment_of(form, case.party.kind(), now)?),
            },
            MoveKind::Notify => Command::Notify { issuer: issuer()? },
            MoveKind::Decide => Command::Decide {
                issuer: issuer()?,
                adoption: match form.get("adoption").map(str::trim) {
                    None | Some("") => None,
                    Some(v) => Some(StatementAdoption::parse(v).map_err(|_| InputError {
                        name: "adoption",
                        label: "对陈述申辩意见",
                        problem: "无效，应为 adopted（采纳）、partly（部分采纳）或 not_adopted（不予采纳）".into(),
                    })?),
                },
                adoption_reason: form.get("adoption_reason").unwrap_or_default().to_string(),
            },
            MoveKind::Statement => Command::Statement {
                text: text("text", "内容", "写明对告知事实、理由、依据的意见")?,
            },
            MoveKind::RectificationReport => Command::RectificationReport {
                text: text("text", "内容", "写明整改措施和完成情况")?,
            },
            MoveKind::Serve => Command::Serve {
                on: form.date("on", "送达日期", given.today)?,
            },
            MoveKind::ReviewRequest => {
                let recorded = match side {
                    Side::Authority => Some(form.date("on", "申请日期", given.today)?),
                    Side::Party => None,
                };
                Command::ReviewRequest {
                    on: filed_on(side, recorded, given.today),
                    grounds: text("text", "内容", "写明申请复核的事实和理由")?,
                }
            }
            MoveKind::ExtendReview => Command::ExtendReview {
                reason: reason("写明需要延长的特殊情况（第十九条）")?,
            },
            MoveKind::DecideReview => {
                let v = form.get("outcome").unwrap_or_default();
                let outcome = ReviewOutcome::parse(v).map_err(|_| InputError {
                    name: "outcome",
                    label: "复核结果",
                    problem: format!(
                        "“{v}”无效，应为 uphold（维持）、change（变更）或 annul（撤销）"
                    ),
                })?;
                let reason = reason("写明复核核实的情况，写入复核决定书")?;
                let changed = match outcome {
                    ReviewOutcome::Change => Some(amendment_of(form, case.party.kind(), now)?),
                    _ => None,
                };
                Command::DecideReview {
                    outcome,
                    reason,
                    changed,
                    issuer: issuer()?,
                }
            }
            MoveKind::Execute => Command::Execute,
            MoveKind::CheckRectification => Command::CheckRectification {
                accepted: match form.get("result") {
                    Some("accept") => true,
                    Some("reject") => false,
                    other => {
                        return Err(InputError {
                            name: "result",
                            label: "验收结论",
                            problem: format!(
                                "“{}”无效，应为 accept（合格）或 reject（不合格）",
                                other.unwrap_or_default()
                            ),
                        }
                        .into());
                    }
                },
                reason: form.get("reason").unwrap_or_default().to_string(),
            },
            MoveKind::Close => Command::Close {
                note: form.get("note").unwrap_or_default().to_string(),
            },
            MoveKind::Drop => Command::Drop {
                reason: reason("写明不予处理的理由，如经核查不属实")?,
            },
            MoveKind::MarkMajor => {
                let v = form.get("ground").unwrap_or_default();
                Command::MarkMajor {
                    ground: MajorGround::parse(v).map_err(|_| InputError {
                        name: "ground",
                        label: "要情类别",
                        problem: format!("“{v}”无效，应为 {}", MajorGround::EXPECTED),
                    })?,
                    note: form.get("note").unwrap_or_default().to_string(),
                }
            }
            MoveKind::Attach => {
                let (file_name, content) =
                    given
                        .file
                        .filter(|(_, b)| !b.is_empty())
                        .ok_or(InputError {
                            name: "file",
                            label: "文件",
                            problem: "不能为空：请选择要上传的文件".into(),
                        })?;
                let kind = match form.get("kind") {
                    None => AttachmentKind::Evidence,
                    Some(k) => AttachmentKind::parse(k).map_err(|_| InputError {
                        name: "kind",
                        label: "材料类别",
                        problem: format!(
                            "“{k}”无效，应为 evidence（证据材料）或 onsite_record（现场记录）"
                        ),
                    })?,
                };
                Command::Attach {
                    kind,
                    file_name,
                    content,
                    signers: form.names("signers"),
                    note: form.get("note").unwrap_or_default().to_string(),
                }
            }
        })
    }
}
