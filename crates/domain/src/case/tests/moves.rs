//! State × move → outcome or refusal, refusals naming what and until when, the
//! party's side, and what a new decision clears (the rest is in `execution`).

use super::*;

#[test]
fn every_state_and_move_has_an_outcome_or_a_refusal() {
    use CaseState as S;
    use MoveKind as M;
    let late = d("2025-12-01"); // after every window of `at`
    let mut with_recusal = at(S::Investigating);
    with_recusal.recusals.push(Recusal {
        recusal_id: 7,
        investigator: "li".into(),
        reason: "同学".into(),
        requested_at: d("2025-09-15").and_hms_opt(9, 0, 0).unwrap(),
        requested_by: "clerk".into(),
        status: RecusalStatus::Pending,
        decision_reason: None,
    });
    // (case, move, today, the state after it — or the refusal's kind).
    let table: Vec<(Case, MoveKind, Date, Result<CaseState, RefusalKind>)> = vec![
        (at(S::Lead), M::Assign, late, Ok(S::Investigating)),
        (at(S::Investigating), M::Assign, late, Ok(S::Investigating)),
        (at(S::Notified), M::Assign, late, Ok(S::Notified)),
        (
            at(S::Decided),
            M::Assign,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Investigating),
            M::Withdraw,
            late,
            Ok(S::Investigating),
        ),
        (
            at(S::Closed),
            M::Withdraw,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Investigating),
            M::RecusalRequest,
            late,
            Ok(S::Investigating),
        ),
        (at(S::Review), M::RecusalRequest, late, Ok(S::Review)),
        (
            at(S::Lead),
            M::RecusalRequest,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Executing),
            M::RecusalRequest,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            with_recusal.clone(),
            M::DecideRecusal,
            late,
            Ok(S::Investigating),
        ),
        (
            at(S::Investigating),
            M::DecideRecusal,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (at(S::Lead), M::Propose, late, Err(RefusalKind::NotPossible)),
        (at(S::Investigating), M::Propose, late, Ok(S::Proposed)),
        (at(S::Proposed), M::Propose, late, Ok(S::Proposed)),
        (at(S::Notified), M::Amend, late, Ok(S::Proposed)),
        (
            at(S::Decided),
            M::Propose,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Investigating),
            M::Notify,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (at(S::Proposed), M::Notify, late, Ok(S::Notified)),
        (
            at(S::Proposed),
            M::Statement,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Notified),
            M::Statement,
            d("2025-09-12"),
            Ok(S::Notified),
        ),
        (
            at(S::Proposed),
            M::Decide,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Notified),
            M::Decide,
            d("2025-09-17"),
            Err(RefusalKind::NotPossible),
        ),
        (at(S::Notified), M::Decide, d("2025-09-18"), Ok(S::Decided)),
        (
            at(S::Decided),
            M::Decide,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (at(S::Decided), M::Serve, late, Err(RefusalKind::Conflict)),
        (at(S::Decided), M::Execute, late, Ok(S::Rectifying)),
        (
            at(S::Executing),
            M::Execute,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Notified),
            M::Execute,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (at(S::Decided), M::ReviewRequest, late, Ok(S::Review)),
        (at(S::Executing), M::ReviewRequest, late, Ok(S::Review)),
        (at(S::Rectifying), M::ReviewRequest, late, Ok(S::Review)),
        (
            at(S::Review),
            M::ReviewRequest,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Closed),
            M::ReviewRequest,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Review),
            M::ExtendReview,
            d("2025-10-20"),
            Ok(S::Review),
        ),
        (
            at(S::Review),
            M::ExtendReview,
            d("2025-11-01"),
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Executing),
            M::ExtendReview,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (at(S::Review), M::DecideReview, late, Ok(S::Executing)),
        (
            at(S::Review),
            M::Execute,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Rectifying),
            M::RectificationReport,
            late,
            Ok(S::Rectifying),
        ),
        (
            at(S::Executing),
            M::RectificationReport,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Rectifying),
            M::CheckRectification,
            late,
            Ok(S::Proposed),
        ),
        (
            at(S::Rectifying),
            M::CheckRectification,
            d("2025-11-10"),
            Err(RefusalKind::NotPossible),
        ),
        (at(S::Executing), M::Close, late, Ok(S::Closed)),
        (
            at(S::Executing),
            M::Close,
            d("2025-10-23"),
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Rectifying),
            M::Close,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Decided),
            M::Close,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (at(S::Investigating), M::Drop, late, Ok(S::Dropped)),
        (at(S::Proposed), M::Drop, late, Ok(S::Dropped)),
        (at(S::Notified), M::Drop, late, Ok(S::Dropped)),
        (at(S::Lead), M::Drop, late, Err(RefusalKind::NotPossible)),
        (at(S::Decided), M::Drop, late, Err(RefusalKind::NotPossible)),
        (at(S::Lead), M::MarkMajor, late, Ok(S::Lead)),
        (at(S::Executing), M::Attach, late, Ok(S::Executing)),
        (
            at(S::Closed),
            M::Attach,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Dropped),
            M::Propose,
            late,
            Err(RefusalKind::NotPossible),
        ),
        (
            at(S::Closed),
            M::Assign,
            late,
            Err(RefusalKind::NotPossible),
        ),
    ];
    for (case, m, today, want) in table {
        let got = act(&case, command(m), today);
        match (&want, &got) {
            (Ok(state), Ok(o)) => {
                assert_eq!(
                    o.subject.state, *state,
                    "{:?} --{m}--> on {today}",
                    case.state
                );
                assert_eq!(o.entries.len(), 1, "{:?} --{m}--> one entry", case.state);
            }
            (Err(kind), Err(r)) => {
                assert_eq!(r.kind(), *kind, "{:?} --{m}--> {r:?}", case.state);
                assert!(
                    !r.to_string().is_empty() && !r.to_string().is_ascii(),
                    "{r}"
                );
            }
            _ => panic!(
                "{:?} --{m}--> on {today}: want {want:?}, got {got:?}",
                case.state
            ),
        }
    }
}

#[test]
fn refusals_name_what_and_until_when() {
    use CaseRefusal as R;
    use CaseState as S;
    let late = d("2025-12-01");
    type Check = fn(&CaseRefusal) -> bool;
    let mut unserved = at(S::Decided);
    unserved.served_on = None;
    let mut reviewed = at(S::Executing);
    reviewed.review = at(S::Review).review;
    let mut extended = at(S::Review);
    extended.review.as_mut().unwrap().extended_reason = Some("需现场核查".into());
    let mut nobody = at(S::Investigating);
    nobody.investigators.clear();
    let mut reported = at(S::Rectifying);
    reported.rectification_reports = 1;
    let cases: Vec<(Case, Command, Date, Check)> = vec![
        (
            at(S::Lead),
            Command::Assign {
                investigators: vec![],
            },
            late,
            |r| matches!(r, R::NoInvestigators),
        ),
        (
            at(S::Notified),
            Command::Decide {
                issuer: issuer(),
                adoption: None,
                adoption_reason: String::new(),
            },
            d("2025-09-17"),
            |r| matches!(r, R::StatementPeriodRunning { due, basis } if *due == d("2025-09-17") && basis.ends_with("第十八条")),
        ),
        (
            at(S::Decided),
            Command::Serve {
                on: d("2025-09-26"),
            },
            late,
            |r| matches!(r, R::AlreadyServed { .. }),
        ),
        (
            at(S::Decided),
            Command::ReviewRequest {
                on: d("2025-10-24"),
                grounds: "x".into(),
            },
            late,
            |r| matches!(r, R::ReviewLate { last_day, .. } if *last_day == d("2025-10-23")),
        ),
        (
            at(S::Decided),
            Command::ReviewRequest {
                on: d("2025-09-25"),
                grounds: "x".into(),
            },
            late,
            |r| matches!(r, R::DateOutOfRange { .. }),
        ),
        (
            at(S::Decided),
            Command::ReviewRequest {
                on: d("2025-10-09"),
                grounds: " ".into(),
            },
            late,
            |r| matches!(r, R::ReasonRequired { .. }),
        ),
        (
            at(S::Executing),
            Command::Close {
                note: String::new(),
            },
            d("2025-10-23"),
            |r| matches!(r, R::ReviewWindowOpen { last_day, basis } if *last_day == d("2025-10-23") && basis.ends_with("第十九条")),
        ),
        (
            at(S::Rectifying),
            Command::CheckRectification {
                accepted: true,
                reason: String::new(),
            },
            late,
            |r| matches!(r, R::NoRectificationReport { .. }),
        ),
        (
            at(S::Rectifying),
            Command::CheckRectification {
                accepted: false,
                reason: " ".into(),
            },
            late,
            |r| matches!(r, R::ReasonRequired { .. }),
        ),
        (
            reported.clone(),
            Command::CheckRectification {
                accepted: true,
                reason: String::new(),
            },
            d("2025-10-20"),
            |r| matches!(r, R::ReviewWindowOpen { .. }),
        ),
        (
            at(S::Review),
            Command::ExtendReview { reason: "x".into() },
            d("2025-11-01"),
            |r| matches!(r, R::ExtensionTooLate { .. }),
        ),
        (
            extended,
            Command::ExtendReview { reason: "x".into() },
            d("2025-10-20"),
            |r| matches!(r, R::ExtensionUsed { .. }),
        ),
        (unserved.clone(), Command::Execute, late, |r| {
            matches!(r, R::NotServed)
        }),
        (
            unserved.clone(),
            Command::ReviewRequest {
                on: late,
                grounds: "x".into(),
            },
            late,
            |r| matches!(r, R::NotServed),
        ),
        (
            unserved,
            Command::Serve {
                on: d("2025-09-21"),
            },
            late,
            |r| matches!(r, R::DateOutOfRange { .. }),
        ),
        (
            reviewed,
            Command::ReviewRequest {
                on: d("2025-10-10"),
                grounds: "x".into(),
            },
            late,
            |r| matches!(r, R::ReviewUsed { .. }),
        ),
        (nobody, Command::Propose { amendment: None }, late, |r| {
            matches!(r, R::NoInvestigators)
        }),
        (
            at(S::Investigating),
            Command::RecusalRequest {
                investigator: "wu".into(),
                reason: "x".into(),
            },
            late,
            |r| matches!(r, R::NotAnInvestigator { .. }),
        ),
        (
            at(S::Investigating),
            Command::Drop { reason: " ".into() },
            late,
            |r| matches!(r, R::ReasonRequired { .. }),
        ),
        (
            at(S::Review),
            Command::DecideReview {
                outcome: ReviewOutcome::Change,
                reason: "x".into(),
                changed: None,
                issuer: issuer(),
            },
            late,
            |r| matches!(r, R::NoSanction),
        ),
        (
            at(S::Investigating),
            Command::Attach {
                kind: AttachmentKind::Evidence,
                file_name: " ".into(),
                content: vec![1],
                signers: vec![],
                note: String::new(),
            },
            late,
            |r| matches!(r, R::ReasonRequired { .. }),
        ),
    ];
    for (case, cmd, today, check) in cases {
        let shown = format!("{cmd:?}");
        match act(&case, cmd, today) {
            Err(r) if check(&r) => {}
            other => panic!("{:?} {shown} on {today}: got {other:?}", case.state),
        }
    }
    let text = act(
        &at(S::Decided),
        Command::ReviewRequest {
            on: d("2025-10-24"),
            grounds: "x".into(),
        },
        late,
    )
    .unwrap_err()
    .to_string();
    assert!(
        text.contains("2025-10-23") && text.contains("第十九条") && text.contains("逾期"),
        "{text}"
    );
    // Without findings the rulebook has nothing to propose.
    let none = Facts::default();
    assert_eq!(
        act_with(
            &at(S::Investigating),
            Command::Propose { amendment: None },
            &none,
            late
        ),
        Err(CaseRefusal::NothingToPropose)
    );
}

#[test]
fn the_party_answers_but_does_not_decide() {
    use CaseState as S;
    let c = cal();
    let now = Now {
        today: d("2025-09-12"),
        calendar: &c,
        procedure: &H,
    };
    let f = facts();
    let r = at(S::Notified)
        .act(
            Side::Party,
            Command::Decide {
                issuer: issuer(),
                adoption: None,
                adoption_reason: String::new(),
            },
            &f,
            &now,
        )
        .unwrap_err();
    assert_eq!(r.kind(), RefusalKind::NotAllowed);
    assert!(r.to_string().contains("第十七条"), "{r}");
    let o = at(S::Notified)
        .act(
            Side::Party,
            Command::Statement {
                text: "意见".into(),
            },
            &f,
            &now,
        )
        .unwrap();
    assert_eq!(o.subject.statements, 1);
    assert!(matches!(
        &o.records[..],
        [CaseRecord::Statement { late: false, .. }]
    ));
    // A statement after the period is kept, and late.
    let later = Now {
        today: d("2025-09-30"),
        ..now
    };
    let o = at(S::Notified)
        .act(
            Side::Party,
            Command::Statement {
                text: "意见".into(),
            },
            &f,
            &later,
        )
        .unwrap();
    assert!(matches!(
        &o.records[..],
        [CaseRecord::Statement { late: true, .. }]
    ));
    // The party sees a case once investigated, and no proposal before notice.
    assert!(!at(S::Lead).visible_to_party() && at(S::Investigating).visible_to_party());
    assert!(at(S::Proposed).for_party().proposal.is_none());
    assert!(at(S::Notified).for_party().proposal.is_some());
}

#[test]
fn deciding_clears_what_a_new_decision_replaces() {
    let mut c = at(CaseState::Notified);
    c.statements = 1;
    c.served_on = Some(d("2025-01-01"));
    c.executed_on = Some(d("2025-01-02"));
    c.rectify_due = Some(d("2025-02-01"));
    c.review = at(CaseState::Review).review;
    let decide = |adoption| Command::Decide {
        issuer: issuer(),
        adoption,
        adoption_reason: "部分事实已补正".into(),
    };
    // A statement is in: the decision must say whether it is adopted.
    assert_eq!(
        act(&c, decide(None), d("2025-09-11")).unwrap_err(),
        CaseRefusal::AdoptionRequired
    );
    let o = act(&c, decide(Some(StatementAdoption::Partly)), d("2025-09-11")).unwrap();
    let recorded = o.entries[0].after.as_ref().unwrap();
    assert_eq!(recorded["statement_adoption"], "partly");
    assert_eq!(o.entries[0].reason.as_deref(), Some("部分事实已补正"));
    let s = &o.subject;
    assert_eq!(
        (s.decided_on, s.served_on, s.executed_on, s.rectify_due),
        (Some(d("2025-09-11")), None, None, None)
    );
    assert!(s.review.is_none() && s.decision == c.proposal);
    let [
        CaseRecord::Document {
            kind,
            seq,
            year,
            body,
            ..
        },
    ] = &o.records[..]
    else {
        panic!("{:?}", o.records);
    };
    assert_eq!((*kind, *seq, *year), (DocumentKind::Decision, 3, 2025));
    assert_eq!(body.number, "武人社鉴决〔2025〕3号");
    let e = &o.entries[0];
    assert_eq!(e.action, Action::Decide);
    assert_eq!(e.before.as_ref().unwrap()["state"], "notified");
    assert_eq!(e.after.as_ref().unwrap()["state"], "decided");
    assert_eq!(
        e.after.as_ref().unwrap()["document"],
        "武人社鉴决〔2025〕3号"
    );
}
