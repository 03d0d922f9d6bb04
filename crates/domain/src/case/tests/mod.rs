//! Every move of a case, decided without a database: state × move → outcome or
//! refusal (data-driven), what each outcome carries (entries, records, effects,
//! undo), the moves each role is offered, and the proposal, deadline, document
//! and investigator rules.

mod execution;
mod moves;
mod rules;

use super::documents::{ReviewDecision, decision_text, notice_text, review_decision_text};
use super::effects::{Row, StatusAt};
use super::input::Given;
use super::*;
use crate::access::Role;
use crate::enums::{CertStatus, Disposition, RegistrationStatus, Severity};
use crate::finding::FindingKind;
use crate::rulebook::Rulebook;
use crate::time::parse_date;
use crate::workdays::Calendar;
use crate::workflow::{Effect, Form, Recorded, Refusal as _, RefusalKind, Weight};
use crate::{Date, RegionCode};
use chrono::Datelike;

static H: std::sync::LazyLock<Procedure> = std::sync::LazyLock::new(Procedure::hubei);

fn d(s: &str) -> Date {
    parse_date(s).unwrap()
}

fn cal() -> Calendar {
    Calendar::embedded()
}

fn inst() -> InstitutionId {
    InstitutionId::parse("I4201000001").unwrap()
}

fn issuer() -> Issuer {
    Issuer {
        name: "武汉市人力资源和社会保障局".into(),
        abbreviation: "武人社鉴".into(),
    }
}

fn base() -> Case {
    Case {
        case_id: 1,
        number: "2025-0001".into(),
        party: Party::Institution(inst()),
        party_name: "武汉市测试评价中心".into(),
        institution_id: inst(),
        source: Source::Findings(vec![1]),
        summary: "考评员配备不足".into(),
        state: CaseState::Lead,
        major: false,
        major_ground: None,
        major_note: None,
        opened_on: d("2025-09-01"),
        investigators: vec![],
        recusals: vec![],
        proposal: None,
        notified_on: None,
        statements: 0,
        decision: None,
        decided_on: None,
        served_on: None,
        review: None,
        executed_on: None,
        rectify_due: None,
        rectification_reports: 0,
        outcome: None,
        closed_on: None,
    }
}

fn serious() -> Proposal {
    Proposal {
        item: Some(4),
        severity: Severity::Serious,
        disposition: Some(Disposition::Rectify),
        sanctions: institution_sanctions(Disposition::Rectify, &H),
        basis: vec!["第十三条(二)".into()],
        facts: vec!["考评员配备不足".into()],
        escalation: None,
        override_reason: None,
        rulebook: Some("hubei".into()),
    }
}

fn interview() -> Proposal {
    Proposal {
        sanctions: vec![Sanction::Interview],
        disposition: Some(Disposition::Interview),
        severity: Severity::General,
        ..serious()
    }
}

/// A case in `state` with the facts that state implies.
fn at(state: CaseState) -> Case {
    use CaseState as S;
    let mut c = base();
    c.state = state;
    if state != S::Lead {
        c.investigators = vec!["li".into()];
    }
    if matches!(state, S::Proposed | S::Notified) || state >= S::Decided {
        c.proposal = Some(serious());
    }
    if state >= S::Notified && state != S::Dropped {
        c.notified_on = Some(d("2025-09-10"));
    }
    if state >= S::Decided && state != S::Dropped {
        c.decision = Some(serious());
        c.decided_on = Some(d("2025-09-22"));
        c.served_on = Some(d("2025-09-26"));
    }
    if matches!(state, S::Executing | S::Rectifying) {
        c.executed_on = Some(d("2025-09-26"));
    }
    if state == S::Rectifying {
        c.rectify_due = Some(d("2025-11-10"));
    }
    if state == S::Review {
        c.review = Some(Review {
            requested_on: d("2025-10-09"),
            due: H.review_due(&cal(), d("2025-10-09"), false),
            extended_reason: None,
            prior: S::Executing,
            outcome: None,
            decided_on: None,
        });
    }
    c
}

fn amendment(reason: &str) -> Amendment {
    Amendment {
        item: None,
        severity: Severity::General,
        sanctions: vec![Sanction::Interview],
        basis: vec![],
        facts: vec![],
        reason: reason.into(),
    }
}

/// A valid command of each kind (dates inside the windows of [`at`]).
fn command(kind: MoveKind) -> Command {
    match kind {
        MoveKind::Assign => Command::Assign {
            investigators: vec!["zhou".into()],
        },
        MoveKind::DeclareConflict => Command::DeclareConflict {
            investigator: "li".into(),
            reason: "近亲属在该机构任职".into(),
        },
        MoveKind::Withdraw => Command::Withdraw {
            investigator: "li".into(),
            reason: "近亲属在该机构任职".into(),
        },
        MoveKind::RecusalRequest => Command::RecusalRequest {
            investigator: "li".into(),
            reason: "与负责人系同学".into(),
        },
        MoveKind::DecideRecusal => Command::DecideRecusal {
            recusal_id: 7,
            grant: true,
            reason: String::new(),
        },
        MoveKind::Propose => Command::Propose { amendment: None },
        MoveKind::Amend => Command::Propose {
            amendment: Some(amendment("情节轻微")),
        },
        MoveKind::Notify => Command::Notify { issuer: issuer() },
        MoveKind::Statement => Command::Statement {
            text: "已整改".into(),
        },
        MoveKind::Decide => Command::Decide {
            issuer: issuer(),
            adoption: Some(StatementAdoption::NotAdopted),
            adoption_reason: String::new(),
        },
        MoveKind::Serve => Command::Serve {
            on: d("2025-09-24"),
        },
        MoveKind::ReviewRequest => Command::ReviewRequest {
            on: d("2025-10-09"),
            grounds: "处理过重".into(),
        },
        MoveKind::ExtendReview => Command::ExtendReview {
            reason: "需现场核查".into(),
        },
        MoveKind::DecideReview => Command::DecideReview {
            outcome: ReviewOutcome::Uphold,
            reason: "事实清楚".into(),
            changed: None,
            issuer: issuer(),
        },
        MoveKind::Execute => Command::Execute,
        MoveKind::RectificationReport => Command::RectificationReport {
            text: "整改完毕".into(),
        },
        MoveKind::CheckRectification => Command::CheckRectification {
            accepted: false,
            reason: "逾期未完成整改".into(),
        },
        MoveKind::Close => Command::Close {
            note: String::new(),
        },
        MoveKind::Drop => Command::Drop {
            reason: "经核查不属实".into(),
        },
        MoveKind::MarkMajor => Command::MarkMajor {
            ground: MajorGround::Media,
            note: String::new(),
        },
        MoveKind::Attach => Command::Attach {
            kind: AttachmentKind::Evidence,
            file_name: "笔录.pdf".into(),
            content: b"%PDF".to_vec(),
            signers: vec![],
            note: String::new(),
        },
    }
}

/// Facts with one finding of a serious kind of the Hubei rulebook.
fn facts() -> Facts {
    let book = Rulebook::builtin("hubei").unwrap();
    let kind = book
        .entries()
        .find(|e| e.severity == Severity::Serious && e.item != 15)
        .unwrap()
        .kind;
    Facts {
        findings: vec![FindingFact {
            finding_id: 1,
            kind,
            severity: None,
            message: "x".into(),
        }],
        rulebook: Some(book),
        document_seq: 3,
        world: World {
            institution: Some(StatusAt {
                status: RegistrationStatus::Active,
                since: Some(d("2024-01-01")),
            }),
            certificates: vec![],
            personnel: None,
            activities: vec![],
        },
        ..Facts::default()
    }
}

fn act(case: &Case, cmd: Command, today: Date) -> Result<CaseOutcome, CaseRefusal> {
    act_with(case, cmd, &facts(), today)
}

fn act_with(
    case: &Case,
    cmd: Command,
    facts: &Facts,
    today: Date,
) -> Result<CaseOutcome, CaseRefusal> {
    let c = cal();
    let now = Now {
        today,
        calendar: &c,
        procedure: &H,
    };
    case.act(Side::Authority, cmd, facts, &now)
}
