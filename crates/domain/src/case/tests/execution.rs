//! What executed moves do to the world (and a review undoing it), effects read back
//! from their records, the moves offered to each role, the forms read into
//! commands, a procedure without review, the issuer and the checks on opening.

use super::*;

#[test]
fn execution_changes_the_world_and_a_review_undoes_it() {
    use CaseState as S;
    let today = d("2025-09-26");
    // An institution: suspended, bad credit, four constraints, a sanction row.
    let o = act(&at(S::Decided), Command::Execute, today).unwrap();
    assert_eq!(o.subject.rectify_due, Some(d("2025-11-13")));
    let kinds: Vec<String> = o.effects.iter().map(|e| e.record().kind).collect();
    assert_eq!(
        kinds,
        [
            "institution_status",
            "credit_record",
            "institution_constraint",
            "institution_constraint",
            "institution_constraint",
            "institution_constraint",
            "sanction_row"
        ]
    );
    let CaseEffect::InstitutionStatus { before, after, .. } = &o.effects[0] else {
        panic!()
    };
    assert_eq!(
        (before.status, after.status, after.since),
        (
            RegistrationStatus::Active,
            RegistrationStatus::Suspended,
            Some(today)
        )
    );
    // A decision without rectification executes to 执行, with its sanction row only.
    let mut talk = at(S::Decided);
    talk.decision = Some(interview());
    let t = act(&talk, Command::Execute, today).unwrap();
    assert_eq!(
        (t.subject.state, t.subject.rectify_due),
        (S::Executing, None)
    );
    assert!(matches!(&t.effects[..], [CaseEffect::SanctionRow { .. }]));
    // A terminated registration is not suspended.
    let mut gone = facts();
    gone.world.institution = Some(StatusAt {
        status: RegistrationStatus::Terminated,
        since: None,
    });
    let o2 = act_with(&at(S::Decided), Command::Execute, &gone, today).unwrap();
    assert!(
        o2.effects
            .iter()
            .all(|e| !matches!(e, CaseEffect::InstitutionStatus { .. }))
    );
    // A candidate of 第七条: certificates voided then revoked, a bar.
    let mut cand = at(S::Decided);
    cand.party = Party::Candidate {
        id_number: IdNumber::parse("11010519491231002X").unwrap(),
        name: "张三".into(),
    };
    cand.decision = Some(Proposal {
        item: None,
        disposition: None,
        sanctions: vec![
            Sanction::CancelScores { all_subjects: true },
            Sanction::BarCandidate { years: 2 },
            Sanction::VoidCertificates,
            Sanction::RevokeCertificateData,
        ],
        ..serious()
    });
    let mut w = facts();
    w.world.certificates = vec![
        ("A1".into(), CertStatus::Valid),
        ("A2".into(), CertStatus::Revoked),
    ];
    w.world.activities = vec!["B1".into()];
    let o3 = act_with(&cand, Command::Execute, &w, today).unwrap();
    assert_eq!(o3.subject.state, S::Executing);
    let recs: Vec<_> = o3.effects.iter().map(|e| e.record()).collect();
    // 取消当次全部科目评价成绩: the activity's results and scores cancelled and its
    // certificate voided (第七条, 第十五条 "对已发放的证书予以作废"), then the bar and
    // the revocation of the data.
    assert_eq!(
        recs.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>(),
        [
            "scores_cancelled",
            "certificate_status",
            "candidate_bar",
            "certificate_status"
        ]
    );
    assert_eq!(recs[0].target, "B1");
    assert_eq!(recs[0].after.as_ref().unwrap()["all_subjects"], true);
    assert_eq!(recs[1].after.as_ref().unwrap()["status"], "void");
    assert_eq!(
        recs[2].after.as_ref().unwrap()["barred_until"],
        "2027-09-25"
    );
    assert_eq!(
        (
            recs[3].target.as_str(),
            recs[3].after.as_ref().unwrap()["status"].as_str()
        ),
        ("A1", Some("revoked"))
    );
    // Read back and undone: the cancellation is withdrawn.
    let back = CaseEffect::from_record(&recs[0]).unwrap();
    assert_eq!(back, o3.effects[0]);
    assert_eq!(
        back.inverse("复核撤销"),
        CaseEffect::ScoresCancelled {
            batch_id: "B1".into(),
            all_subjects: true,
            cancelled: false
        }
    );
    // A staff member: the card ends today, once (吊销, 第九条); 取消当年参加评价工作的
    // 资格 (第八条) is a suspension through 31 December, the card kept.
    let mut staff = at(S::Decided);
    staff.party = Party::Staff {
        person_id: crate::ids::PersonId::parse("P001").unwrap(),
        name: "李四".into(),
    };
    staff.decision = Some(Proposal {
        item: None,
        disposition: None,
        sanctions: vec![Sanction::RevokeExaminerCard, Sanction::DisqualifyStaff],
        ..serious()
    });
    let mut p = facts();
    p.world.personnel = Some(Some(d("2027-01-01")));
    let o4 = act_with(&staff, Command::Execute, &p, today).unwrap();
    assert_eq!(o4.effects.len(), 2);
    assert!(matches!(
        &o4.effects[1],
        CaseEffect::StaffSuspension { until, from, .. }
            if *from == today && *until == Date::from_ymd_opt(today.year(), 12, 31).unwrap()
    ));
    // Read back and undone, newest first, by the review that annuls.
    let live: Vec<Recorded<CaseEffect>> = o
        .effects
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut r = e.record();
            if r.target.is_empty() {
                r.target = (100 + i).to_string();
            }
            Recorded {
                effect_id: i as i64 + 1,
                effect: CaseEffect::from_record(&r).unwrap(),
            }
        })
        .collect();
    let mut f = facts();
    f.live_effects = live;
    let annul = Command::DecideReview {
        outcome: ReviewOutcome::Annul,
        reason: "证据不足".into(),
        changed: None,
        issuer: issuer(),
    };
    let r = act_with(&at(S::Review), annul, &f, d("2025-10-28")).unwrap();
    assert_eq!(r.subject.state, S::Closed);
    assert_eq!(
        r.subject.outcome.as_deref(),
        Some("复核撤销原处理决定:证据不足")
    );
    assert_eq!(
        r.undo.iter().map(|u| u.effect_id).collect::<Vec<_>>(),
        [7, 6, 5, 4, 3, 2, 1]
    );
    assert_eq!(
        r.undo[0].inverse,
        CaseEffect::Lift {
            row: Row::SanctionRow,
            id: 106
        }
    );
    let CaseEffect::InstitutionStatus {
        after,
        action,
        reason,
        ..
    } = &r.undo[6].inverse
    else {
        panic!()
    };
    assert_eq!(
        (after.status, *action),
        (
            RegistrationStatus::Active,
            crate::registration::Action::Reinstate
        )
    );
    assert!(
        reason.contains("复核撤回执行") && reason.contains("2025-0001"),
        "{reason}"
    );
    // Upheld: nothing undone, back where it was.
    let uphold = act_with(
        &at(S::Review),
        command(MoveKind::DecideReview),
        &f,
        d("2025-10-28"),
    )
    .unwrap();
    assert!(uphold.undo.is_empty() && uphold.subject.state == S::Executing);
    // Accepted rectification lifts this case's suspension.
    let mut ok = at(S::Rectifying);
    ok.rectification_reports = 1;
    let mut g = f.clone();
    g.world.institution = Some(StatusAt {
        status: RegistrationStatus::Suspended,
        since: Some(today),
    });
    let accept = Command::CheckRectification {
        accepted: true,
        reason: "整改到位".into(),
    };
    let a = act_with(&ok, accept, &g, d("2025-11-01")).unwrap();
    assert_eq!(a.subject.state, S::Closed);
    assert!(
        matches!(&a.effects[..], [CaseEffect::InstitutionStatus { after, .. }] if after.status == RegistrationStatus::Active)
    );
    // Rejected: what the procedure grades a failed rectification (the national
    // guide's 第十三条: 限期整改 again, not 终止备案), proposed again, and 评价要情.
    let reject = act(
        &at(S::Rectifying),
        command(MoveKind::CheckRectification),
        d("2025-11-12"),
    )
    .unwrap();
    let p = reject.subject.proposal.as_ref().unwrap();
    assert_eq!(p.disposition, Some(Disposition::Rectify));
    assert!(!p.sanctions.contains(&Sanction::Terminate) && reject.subject.major);
    assert_eq!(reject.subject.major_ground, Some(MajorGround::Repeated));
    assert!(reject.subject.notified_on.is_none() && reject.subject.executed_on.is_none());
}

#[test]
fn effects_read_back_from_their_records() {
    let today = d("2025-09-26");
    let o = act(&at(CaseState::Decided), Command::Execute, today).unwrap();
    for e in &o.effects {
        let mut r = e.record();
        let added = r.target.is_empty();
        if added {
            r.target = "42".into();
        }
        let back = CaseEffect::from_record(&r).unwrap();
        if added {
            assert!(matches!(back, CaseEffect::Added { id: 42, .. }), "{back:?}");
        } else {
            assert_eq!(back.record(), r);
        }
    }
    let bad = crate::workflow::EffectRecord {
        kind: "x".into(),
        target: String::new(),
        before: None,
        after: None,
    };
    assert!(CaseEffect::from_record(&bad).is_err());
}

#[test]
fn each_role_is_offered_the_moves_of_its_side() {
    use CaseState as S;
    let c = cal();
    let now = Now {
        today: d("2025-09-12"),
        calendar: &c,
        procedure: &H,
    };
    let offered = |case: &Case, role: Role| -> Vec<MoveKind> {
        case.available_moves(role, &now)
            .into_iter()
            .map(|a| a.kind)
            .collect()
    };
    use MoveKind as M;
    assert_eq!(
        offered(&at(S::Lead), Role::City),
        [M::Assign, M::MarkMajor, M::Attach]
    );
    assert_eq!(
        offered(&at(S::Notified), Role::City),
        [
            M::Assign,
            M::Propose,
            M::Amend,
            M::Statement,
            M::Decide,
            M::Drop,
            M::RecusalRequest,
            M::DeclareConflict,
            M::MarkMajor,
            M::Attach
        ]
    );
    assert_eq!(
        offered(&at(S::Notified), Role::Institution),
        [M::Statement, M::RecusalRequest]
    );
    assert!(offered(&at(S::Notified), Role::Observer).is_empty());
    assert!(offered(&at(S::Notified), Role::Supervisor).is_empty());
    let mut unserved = at(S::Decided);
    unserved.served_on = None;
    assert_eq!(
        offered(&unserved, Role::Province),
        [M::Serve, M::MarkMajor, M::Attach]
    );
    assert_eq!(
        offered(&at(S::Decided), Role::Province),
        [M::Execute, M::ReviewRequest, M::MarkMajor, M::Attach]
    );
    assert_eq!(
        offered(&at(S::Rectifying), Role::Institution),
        [M::ReviewRequest, M::RectificationReport]
    );
    assert!(offered(&at(S::Closed), Role::City).is_empty());
    // Forms: the party files a review today; an official records the day received.
    let party = at(S::Executing).available_moves(Role::Institution, &now);
    let review = party.iter().find(|a| a.kind == M::ReviewRequest).unwrap();
    assert!(review.by_party && review.fields.iter().all(|f| f.name != "on"));
    assert!(
        review.note.contains("15 个工作日") && review.note.contains("2025-10-23"),
        "{}",
        review.note
    );
    let official = at(S::Executing).available_moves(Role::City, &now);
    assert!(
        official
            .iter()
            .find(|a| a.kind == M::ReviewRequest)
            .unwrap()
            .fields
            .iter()
            .any(|f| f.name == "on")
    );
    let notify = at(S::Proposed).available_moves(Role::City, &now);
    let n = notify.iter().find(|a| a.kind == M::Notify).unwrap();
    assert_eq!(
        (n.weight, n.note.contains("5 个工作日")),
        (Weight::Next, true)
    );
    // Only the step forward is open: re-assigning or proposing again is on the side.
    let next: Vec<MoveKind> = notify
        .iter()
        .filter(|a| a.weight == Weight::Next)
        .map(|a| a.kind)
        .collect();
    assert_eq!(next, [M::Notify]);
    let amend = notify.iter().find(|a| a.kind == M::Amend).unwrap();
    assert_eq!(amend.weight, Weight::Optional);
    assert!(
        amend.fields.iter().any(|f| f.name == "sanction")
            && amend
                .fields
                .iter()
                .any(|f| f.name == "reason" && f.required)
    );
}

#[test]
fn forms_become_commands_or_name_the_field() {
    use CaseState as S;
    let c = cal();
    let now = Now {
        today: d("2025-09-12"),
        calendar: &c,
        procedure: &H,
    };
    let given = |issuer| Given {
        today: now.today,
        issuer,
        file: None,
    };
    let form = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let read = |kind: MoveKind, case: &Case, side, f: &[(String, String)], issuer| {
        kind.command(Form(f), case, side, given(issuer), &now)
    };
    // 处理决定 after a statement: the form asks whether it is adopted, and reads it.
    let mut stated = at(S::Notified);
    stated.statements = 1;
    let decide = stated
        .available_moves(Role::City, &now)
        .into_iter()
        .find(|a| a.kind == MoveKind::Decide)
        .unwrap();
    assert!(
        decide
            .fields
            .iter()
            .any(|f| f.name == "adoption" && f.required)
    );
    let i = issuer();
    assert_eq!(
        read(
            MoveKind::Decide,
            &stated,
            Side::Authority,
            &form(&[
                ("adoption", "部分采纳"),
                ("adoption_reason", "部分事实已补正")
            ]),
            Some(&i)
        ),
        Ok(Command::Decide {
            issuer: i.clone(),
            adoption: Some(StatementAdoption::Partly),
            adoption_reason: "部分事实已补正".into(),
        })
    );
    let e = read(
        MoveKind::Decide,
        &stated,
        Side::Authority,
        &form(&[("adoption", "maybe")]),
        Some(&i),
    )
    .unwrap_err();
    assert!(e.to_string().contains("adoption"), "{e}");
    let f = form(&[
        ("investigators", "li"),
        ("investigators", "zhou"),
        ("experts", "外聘专家甲"),
    ]);
    assert_eq!(
        read(MoveKind::Assign, &at(S::Lead), Side::Authority, &f, None),
        Ok(Command::Assign {
            investigators: vec!["li".into(), "zhou".into(), "外聘专家甲".into()]
        })
    );
    let e = read(
        MoveKind::Assign,
        &at(S::Lead),
        Side::Authority,
        &form(&[]),
        None,
    )
    .unwrap_err();
    assert_eq!(e.kind(), RefusalKind::Invalid);
    assert!(e.to_string().contains("investigators"), "{e}");
    // Documents need an issuing authority.
    assert_eq!(
        read(
            MoveKind::Notify,
            &at(S::Proposed),
            Side::Authority,
            &form(&[]),
            None
        ),
        Err(CaseRefusal::NoIssuer)
    );
    let i = issuer();
    assert!(
        read(
            MoveKind::Notify,
            &at(S::Proposed),
            Side::Authority,
            &form(&[]),
            Some(&i)
        )
        .is_ok()
    );
    // The amendment: measures with their parameters, checked against the party.
    let f = form(&[
        ("sanction", "rectify"),
        ("sanction", "suspend"),
        ("rectify_days", "20"),
        ("severity", "serious"),
        ("item", "5"),
        ("reason", "依现场检查"),
    ]);
    let Ok(Command::Propose { amendment: Some(a) }) =
        read(MoveKind::Amend, &at(S::Proposed), Side::Authority, &f, None)
    else {
        panic!("an amendment");
    };
    assert_eq!(
        a.sanctions,
        [
            Sanction::Rectify {
                deadline_working_days: 20
            },
            Sanction::Suspend {
                rectify_working_days: 20
            }
        ]
    );
    assert_eq!((a.severity, a.item), (Severity::Serious, Some(5)));
    let mut cand = at(S::Proposed);
    cand.party = Party::Candidate {
        id_number: IdNumber::parse("11010519491231002X").unwrap(),
        name: "张三".into(),
    };
    let e = read(MoveKind::Amend, &cand, Side::Authority, &f, None).unwrap_err();
    assert!(
        matches!(e, CaseRefusal::SanctionNotForParty { .. }) && e.to_string().contains("参评人员"),
        "{e}"
    );
    let e = read(
        MoveKind::Amend,
        &at(S::Proposed),
        Side::Authority,
        &form(&[("reason", "x")]),
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("sanction"), "{e}");
    // A review request: the party's is dated today whatever the form says.
    let f = form(&[("on", "2025-09-01"), ("text", "不服")]);
    let Ok(Command::ReviewRequest { on, .. }) = read(
        MoveKind::ReviewRequest,
        &at(S::Executing),
        Side::Party,
        &f,
        None,
    ) else {
        panic!()
    };
    assert_eq!(on, now.today);
    let Ok(Command::ReviewRequest { on, .. }) = read(
        MoveKind::ReviewRequest,
        &at(S::Executing),
        Side::Authority,
        &f,
        None,
    ) else {
        panic!()
    };
    assert_eq!(on, d("2025-09-01"));
    let e = read(
        MoveKind::Serve,
        &at(S::Decided),
        Side::Authority,
        &form(&[("on", "9/26")]),
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
}

#[test]
fn a_procedure_without_review_has_no_window() {
    use CaseState as S;
    let c = cal();
    // Qinghai 第二十五条: notice, statement, decision, service — no 复核.
    let none = Rulebook::builtin("qinghai").unwrap().procedure;
    assert_eq!(none.review, None);
    let now = Now {
        today: d("2025-09-29"),
        calendar: &c,
        procedure: &none,
    };
    let f = facts();
    let e = at(S::Executing);
    assert_eq!(
        e.act(Side::Party, command(MoveKind::ReviewRequest), &f, &now),
        Err(CaseRefusal::NoReview)
    );
    // Closing needs no wait; no review window is a deadline.
    assert!(
        e.act(Side::Authority, command(MoveKind::Close), &f, &now)
            .is_ok()
    );
    assert_eq!(none.next_deadline(&e, now.today, &c), None);
    assert!(
        !e.available_moves(Role::Institution, &now)
            .iter()
            .any(|a| a.kind == MoveKind::ReviewRequest)
    );
    let mut n = at(S::Notified);
    n.notified_on = Some(d("2025-09-10"));
    let doc = decision_text(
        &n,
        &serious(),
        &none,
        &issuer(),
        "x".into(),
        now.today,
        None,
    );
    assert!(!doc.paragraphs.join("").contains("申请复核"));
}

#[test]
fn the_issuer_is_the_department_of_the_region() {
    let names = |c: &RegionCode| -> Option<String> {
        match c.as_str() {
            "420100" => Some("武汉市".into()),
            "420111" => Some("洪山区".into()),
            _ => None,
        }
    };
    let r = |c: &str| RegionCode::parse(c).unwrap();
    let p = Issuer::of_region(&r("420000"), names);
    assert_eq!(
        (p.name.as_str(), p.abbreviation.as_str()),
        ("湖北省人力资源和社会保障厅", "鄂人社鉴")
    );
    let c = Issuer::of_region(&r("420100"), names);
    assert_eq!(
        (c.name.as_str(), c.abbreviation.as_str()),
        ("武汉市人力资源和社会保障局", "武人社鉴")
    );
    let d = Issuer::of_region(&r("420111"), names);
    assert_eq!(
        (d.name.as_str(), d.abbreviation.as_str()),
        ("武汉市洪山区人力资源和社会保障局", "武洪人社鉴")
    );
    assert_eq!(
        Issuer::of_region(&r("110000"), |_| None).name,
        "北京市人力资源和社会保障局"
    );
}

#[test]
fn opening_checks_the_findings_concern_the_party() {
    let new = NewCase {
        party: Party::Institution(inst()),
        institution_id: None,
        source: Source::Findings(vec![5]),
        summary: "预警".into(),
    };
    let owner = |i: &str| FindingOwner {
        finding_id: 5,
        institution_id: Some(i.into()),
        candidate_id: None,
        person_id: None,
    };
    let e = new
        .open("2025-0001", "机构", &[owner("I4201000001")])
        .unwrap();
    assert_eq!(e.after.as_ref().unwrap()["state"], "lead");
    assert_eq!(
        new.open("2025-0001", "机构", &[owner("I4202000001")]),
        Err(CaseRefusal::FindingOfAnotherParty { finding_id: 5 })
    );
    let empty = NewCase {
        source: Source::Findings(vec![]),
        ..new.clone()
    };
    assert_eq!(empty.open("x", "y", &[]), Err(CaseRefusal::NoFindings));
    let blank = NewCase {
        summary: " ".into(),
        ..new
    };
    assert!(matches!(
        blank.open("x", "y", &[]),
        Err(CaseRefusal::ReasonRequired { .. })
    ));
}
