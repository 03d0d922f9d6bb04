//! Deadlines on the calendar, proposals from the rulebook, amendments,
//! investigators, on-site records and documents.

use super::*;

/// The working days of `(from, to]`, counted day by day from the listed days.
fn count(c: &Calendar, from: Date, to: Date) -> u32 {
    let mut n = 0;
    let mut x = from;
    while x < to {
        x = x.succ_opt().unwrap();
        let working = match c.day(x) {
            Some(day) => !day.off_day,
            None => x.weekday().num_days_from_monday() < 5,
        };
        n += u32::from(working);
    }
    n
}

#[test]
fn deadlines_across_spring_festival_and_national_day() {
    let c = cal();
    // (served on, last day of the review window), worked out by hand from the
    // State Council schedules.
    for (served, last) in [
        // 国庆 2025: 9/28 (Sun) 调休; 10/1–10/8 off; 10/11 (Sat) 调休.
        ("2025-09-26", "2025-10-23"),
        // 春节 2025: 1/26 (Sun) 调休; 1/28–2/4 off; 2/8 (Sat) 调休.
        ("2025-01-24", "2025-02-20"),
        // 春节 2026: 2/14 (Sat) 调休; 2/15–2/23 off; 2/28 (Sat) 调休.
        ("2026-02-10", "2026-03-09"),
    ] {
        let got = H.review_last_day(&c, d(served)).unwrap();
        assert_eq!(got, d(last), "served {served}");
        assert_eq!(count(&c, d(served), got), 15);
        assert!(c.is_working_day(got));
    }
    // The statement period of a notice before 国庆 runs past it.
    assert_eq!(H.statement_due(&c, d("2025-09-26")), d("2025-10-10"));
    // Review decision: 15 working days, 25 when extended.
    assert_eq!(H.review_due(&c, d("2026-02-10"), false), d("2026-03-09"));
    let extended = H.review_due(&c, d("2026-02-10"), true);
    assert_eq!(count(&c, d("2026-02-10"), extended), 25);
    assert_eq!(extended, d("2026-03-23"));
    // Rectification across 春节 2026.
    assert_eq!(
        count(&c, d("2026-01-30"), H.rectify_due(&c, d("2026-01-30"), 30)),
        30
    );
    assert_eq!(years_until(d("2025-10-09"), 2), d("2027-10-08"));
}

#[test]
fn next_deadline_by_state() {
    use CaseState as S;
    let c = cal();
    let mut n = at(S::Notified);
    n.notified_on = Some(d("2025-09-26"));
    let dl = H.next_deadline(&n, d("2025-09-30"), &c).unwrap();
    assert_eq!(dl.what, DeadlineKind::Statement);
    assert_eq!(dl.due, d("2025-10-10"));
    // 9/30 → 10/10: 10/9, 10/10 (the holiday in between does not count).
    assert_eq!((dl.working_days_left, dl.overdue), (2, false));
    assert!(H.is_pressing(&dl));
    // The statement window lapses.
    assert_eq!(H.next_deadline(&n, d("2025-10-13"), &c), None);
    // Served: the review window.
    let e = at(S::Executing);
    let dl = H.next_deadline(&e, d("2025-09-29"), &c).unwrap();
    assert_eq!(
        (dl.what, dl.due),
        (DeadlineKind::ReviewWindow, d("2025-10-23"))
    );
    assert_eq!(dl.working_days_left, 13);
    assert!(!H.is_pressing(&dl));
    assert_eq!(H.next_deadline(&e, d("2025-10-24"), &c), None);
    // Rectifying: the review window first, then the rectification, overdue.
    let r = at(S::Rectifying);
    assert_eq!(
        H.next_deadline(&r, d("2025-10-01"), &c).unwrap().what,
        DeadlineKind::ReviewWindow
    );
    let dl = H.next_deadline(&r, d("2025-11-12"), &c).unwrap();
    assert_eq!(
        (dl.what, dl.overdue, dl.working_days_left),
        (DeadlineKind::Rectification, true, -2)
    );
    // In review: the decision, due 15 working days after the request.
    let v = at(S::Review);
    let dl = H.next_deadline(&v, d("2025-10-09"), &c).unwrap();
    assert_eq!(
        (dl.what, dl.due, dl.working_days_left),
        (DeadlineKind::ReviewDecision, d("2025-10-29"), 15)
    );
    assert_eq!(H.next_deadline(&at(S::Closed), d("2025-10-09"), &c), None);
}

#[test]
fn proposals_follow_the_rulebook_and_escalate_on_repeat() {
    let book = Rulebook::builtin("hubei").unwrap();
    let fact = |kind: FindingKind, severity: Option<Severity>| FindingFact {
        finding_id: 1,
        kind,
        severity,
        message: "x".into(),
    };
    // Take one general and one serious kind from the rulebook itself.
    let general = book
        .entries()
        .find(|e| e.severity == Severity::General && e.item != 15)
        .unwrap()
        .kind;
    let serious = book
        .entries()
        .find(|e| e.severity == Severity::Serious && e.item != 15)
        .unwrap()
        .kind;
    let none = PartyRecord::default();
    let p = propose(&book, PartyKind::Institution, &[fact(general, None)], &none).unwrap();
    assert_eq!(p.severity, Severity::General);
    assert_eq!(p.sanctions, vec![Sanction::Interview]);
    assert_eq!(p.rulebook.as_deref(), Some("hubei"));
    let p = propose(
        &book,
        PartyKind::Institution,
        &[fact(general, None), fact(serious, None)],
        &none,
    )
    .unwrap();
    assert_eq!(p.severity, Severity::Serious);
    assert_eq!(p.item, Some(book.entry(serious).item));
    assert_eq!(p.basis[0], book.entry(serious).basis);
    assert_eq!(p.basis.len(), 2);
    assert_eq!(p.facts.len(), 2);
    assert_eq!(p.rectification_days(), Some(H.rectify_working_days));
    assert!(p.sanctions.contains(&Sanction::Suspend {
        rectify_working_days: H.rectify_working_days
    }));
    assert!(!p.is_major());
    // With an earlier serious sanction: 第十四条(七), 终止备案, major.
    let repeat = PartyRecord {
        prior_serious_sanction: Some(d("2024-05-01")),
    };
    let p = propose(
        &book,
        PartyKind::Institution,
        &[fact(serious, None)],
        &repeat,
    )
    .unwrap();
    assert_eq!(p.severity, Severity::Grave);
    assert_eq!(p.disposition, Some(Disposition::Terminate));
    assert!(p.sanctions.contains(&Sanction::Terminate));
    assert!(p.escalation.as_deref().unwrap().contains("第十四条(七)"));
    assert!(p.basis[0].contains("第十四条(七)"));
    assert!(p.is_major());
    // …but not a general one.
    let p = propose(
        &book,
        PartyKind::Institution,
        &[fact(general, None)],
        &repeat,
    )
    .unwrap();
    assert_eq!(p.severity, Severity::General);
    // Item 15 is graded by the extent screening saw.
    let upload = book.entries().find(|e| e.item == 15).unwrap();
    let p = propose(
        &book,
        PartyKind::Institution,
        &[fact(upload.kind, Some(Severity::Grave))],
        &none,
    )
    .unwrap();
    assert_eq!(p.severity, Severity::Grave);
    assert!(p.sanctions.contains(&Sanction::RevokeCertificateData));
    assert_eq!(
        propose(&book, PartyKind::Institution, &[], &none),
        Err(CaseRefusal::NothingToPropose)
    );
    // A failed rectification is what 第十三条(七) grades it: "对质量监管过程中发现的问题
    // ……未按期完成整改的" — warning, rectification, suspension; not 终止备案.
    let decided = propose(&book, PartyKind::Institution, &[fact(serious, None)], &none).unwrap();
    let t = on_failed_rectification(&decided, &book, "未按期完成整改");
    assert_eq!(t.disposition, Some(Disposition::Rectify));
    assert_eq!(t.severity, Severity::Serious);
    assert!(t.basis[0].contains("第十三条(七)"), "{:?}", t.basis);
    assert!(t.escalation.is_none());
    assert!(t.sanctions.contains(&Sanction::Suspend {
        rectify_working_days: H.rectify_working_days
    }));
    assert!(t.facts.last().unwrap().contains("未按期完成整改"));
}

#[test]
fn candidates_and_staff_get_the_sanctions_of_their_articles() {
    let book = Rulebook::builtin("hubei").unwrap();
    for e in book.entries() {
        let Some(article) = &e.article else { continue };
        let f = [FindingFact {
            finding_id: 1,
            kind: e.kind,
            severity: None,
            message: "x".into(),
        }];
        let cand = propose(&book, PartyKind::Candidate, &f, &PartyRecord::default());
        let staff = propose(&book, PartyKind::Staff, &f, &PartyRecord::default());
        if article.starts_with("第七条") {
            let p = cand.unwrap();
            let years = if e.severity == Severity::Grave { 5 } else { 2 };
            assert!(
                p.sanctions.contains(&Sanction::BarCandidate { years }),
                "{article}"
            );
            assert!(p.sanctions.contains(&Sanction::VoidCertificates));
            assert!(p.basis[0].ends_with(article.as_str()));
            assert!(matches!(staff, Err(CaseRefusal::NoArticleForParty { .. })));
        } else if article.starts_with("第九条") {
            assert_eq!(staff.unwrap().sanctions, vec![Sanction::RevokeExaminerCard]);
            assert!(cand.is_err());
        } else if article.starts_with("第十一条") {
            assert_eq!(staff.unwrap().sanctions, vec![Sanction::SuspendSupervisor]);
        } else if article.starts_with("第八条") {
            assert_eq!(staff.unwrap().sanctions, vec![Sanction::DisqualifyStaff]);
        }
    }
    let s = |a, p, v| person_sanctions(&H, a, p, v).map(|x| x.0);
    assert_eq!(
        s("第六条(二)", PartyKind::Candidate, Severity::Serious).unwrap()[1],
        Sanction::BarCandidate { years: 1 }
    );
    assert_eq!(
        s("第五条", PartyKind::Candidate, Severity::General).unwrap(),
        vec![Sanction::CancelScores {
            all_subjects: false
        }]
    );
    assert_eq!(s("第七条(一)", PartyKind::Staff, Severity::Grave), None);
    assert_eq!(s("第十二条", PartyKind::Candidate, Severity::Grave), None);
}

#[test]
fn amendments_need_a_reason_and_fit_the_party() {
    let base = serious();
    let a = Amendment {
        item: None,
        severity: Severity::General,
        sanctions: vec![Sanction::Interview],
        basis: vec![],
        facts: vec![],
        reason: "  ".into(),
    };
    assert!(matches!(
        amend(Some(&base), &a, PartyKind::Institution),
        Err(CaseRefusal::ReasonRequired { .. })
    ));
    let a = Amendment {
        reason: "情节轻微,已主动纠正".into(),
        ..a
    };
    let p = amend(Some(&base), &a, PartyKind::Institution).unwrap();
    assert_eq!(p.disposition, Some(Disposition::Interview));
    assert_eq!(p.basis, base.basis);
    assert_eq!(p.item, Some(4));
    assert_eq!(p.override_reason.as_deref(), Some("情节轻微,已主动纠正"));
    assert!(matches!(
        amend(Some(&base), &a, PartyKind::Candidate),
        Err(CaseRefusal::SanctionNotForParty { .. })
    ));
    let bar = Amendment {
        sanctions: vec![Sanction::BarCandidate { years: 3 }],
        ..a.clone()
    };
    assert!(matches!(
        amend(Some(&base), &bar, PartyKind::Candidate),
        Err(CaseRefusal::OutOfRange { .. })
    ));
    // By hand, without a base: the basis is required.
    assert_eq!(
        amend(None, &a, PartyKind::Institution),
        Err(CaseRefusal::BasisRequired)
    );
    let manual = Amendment {
        basis: vec!["第十二条(五)".into()],
        ..a
    };
    assert!(amend(None, &manual, PartyKind::Institution).is_ok());
    for s in [
        Sanction::Interview,
        Sanction::Terminate,
        Sanction::BarCandidate { years: 5 },
        Sanction::Constraints { years: 3 },
        Sanction::Rectify {
            deadline_working_days: 20,
        },
    ] {
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            serde_json::from_str::<Sanction>(&json).unwrap(),
            s,
            "{json}"
        );
        assert!(!s.zh().is_empty() && H.article_of(&s, s.parties()[0]).contains('第'));
    }
    let json = serde_json::to_string(&serious()).unwrap();
    assert_eq!(serde_json::from_str::<Proposal>(&json).unwrap(), serious());
}

#[test]
fn investigators_with_a_conflict_or_recused_are_refused() {
    let i = inst();
    let inv = |n: &str, own: Option<&str>| Investigator {
        name: n.into(),
        institution_id: own.map(|o| InstitutionId::parse(o).unwrap()),
    };
    let conflicts = vec![Conflict {
        investigator: "zhao".into(),
        institution_id: i.clone(),
        reason: "曾任该机构考评员".into(),
    }];
    let recused = vec!["qian".to_string()];
    let ok = check_investigators(
        &i,
        &[inv("li", None), inv("sun", Some("I4202000001"))],
        &[],
        &conflicts,
        &recused,
    );
    assert_eq!(ok, Ok(()));
    for (who, want) in [
        (vec![], "NoInvestigators"),
        (vec![inv("zhao", None)], "Conflict"),
        (vec![inv("clerk", Some("I4201000001"))], "Conflict"),
        (vec![inv("qian", None)], "Recused"),
        (vec![inv("li", None), inv("li", None)], "AlreadyAssigned"),
        (vec![inv("wu", None)], "AlreadyAssigned"),
    ] {
        let got = check_investigators(&i, &who, &["wu".into()], &conflicts, &recused).unwrap_err();
        assert!(format!("{got:?}").starts_with(want), "{got:?}");
    }
    let e = check_investigators(&i, &[inv("zhao", None)], &[], &conflicts, &[]).unwrap_err();
    assert!(
        e.to_string().contains("第十八条") && e.to_string().contains("曾任"),
        "{e}"
    );
}

#[test]
fn onsite_records_of_candidates_need_two_signers() {
    use AttachmentKind::*;
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        check_signers(
            OnsiteRecord,
            PartyKind::Candidate,
            &s(&["张三", " 张三 ", ""]),
            2
        ),
        Err(CaseRefusal::FewSigners { signers: 1 })
    );
    assert!(check_signers(OnsiteRecord, PartyKind::Candidate, &s(&["张三", "李四"]), 2).is_ok());
    assert!(check_signers(Evidence, PartyKind::Candidate, &[], 2).is_ok());
    assert!(check_signers(OnsiteRecord, PartyKind::Institution, &[], 2).is_ok());
}

#[test]
fn documents_carry_facts_basis_rights_and_deadlines() {
    let c = cal();
    let issuer = Issuer {
        name: "武汉市人力资源和社会保障局".into(),
        abbreviation: "武人社鉴".into(),
    };
    assert_eq!(
        document_number(&issuer, DocumentKind::Notice, 2026, 12),
        "武人社鉴告〔2026〕12号"
    );
    let mut case = at(CaseState::Notified);
    case.notified_on = Some(d("2025-09-26"));
    let due = H.statement_due(&c, d("2025-09-26"));
    let n = notice_text(
        &case,
        &serious(),
        &H,
        &issuer,
        "武人社鉴告〔2025〕1号".into(),
        d("2025-09-26"),
        due,
    );
    let all = n.paragraphs.join("\n");
    for want in [
        "考评员配备不足",
        "第十三条（二）",
        "暂停评价活动",
        "陈述和申辩",
        "2025年10月10日",
        "第十八条",
        "武汉市人力资源和社会保障局",
        "你单位",
    ] {
        assert!(all.contains(want), "{want} missing from {all}");
    }
    assert_eq!(n.addressee, "武汉市测试评价中心");
    let dec = decision_text(
        &case,
        &serious(),
        &H,
        &issuer,
        "武人社鉴决〔2025〕1号".into(),
        d("2025-10-13"),
        None,
    );
    let all = dec.paragraphs.join("\n");
    for want in [
        "决定如下",
        "15个工作日内",
        "申请复核",
        "第十九条",
        "未提出陈述",
        "整改报告",
    ] {
        assert!(all.contains(want), "{want} missing from {all}");
    }
    let mut reviewed = at(CaseState::Review);
    reviewed.review.as_mut().unwrap().extended_reason = Some("需调取监控录像".into());
    let r = review_decision_text(
        &reviewed,
        ReviewDecision {
            outcome: ReviewOutcome::Annul,
            reason: "现有证据不足以认定",
            changed: None,
            decision_number: Some("武人社鉴决〔2025〕1号"),
        },
        &H,
        &issuer,
        "武人社鉴复〔2025〕1号".into(),
        d("2025-10-30"),
    );
    let all = r.paragraphs.join("\n");
    for want in [
        "撤销原处理决定",
        "需调取监控录像",
        "10个工作日",
        "武人社鉴决〔2025〕1号",
        "2025年10月9日",
    ] {
        assert!(all.contains(want), "{want} missing from {all}");
    }
    let mut person = case.clone();
    person.party = Party::Candidate {
        id_number: IdNumber::parse("11010519491231002X").unwrap(),
        name: "张三".into(),
    };
    let n = notice_text(
        &person,
        &serious(),
        &H,
        &issuer,
        "x".into(),
        d("2025-09-26"),
        due,
    );
    assert!(n.paragraphs[0].starts_with("经调查核实，你在"));
    assert!(!format!("{:?}", person.party).contains("11010519491231002X"));
}

#[test]
fn vocabularies_parse_both_ways() {
    for s in CaseState::ALL {
        assert_eq!(CaseState::parse(s.zh()), Ok(*s));
        assert_eq!(CaseState::parse(s.code()), Ok(*s));
    }
    assert_eq!(Action::parse("申请复核"), Ok(Action::RequestReview));
    assert_eq!(MoveKind::Serve.action(), Action::Serve);
    assert_eq!(MoveKind::parse("申请复核"), Ok(MoveKind::ReviewRequest));
    assert!(CaseState::Dropped.is_final() && !CaseState::Review.is_final());
}

/// Item 8 of issue 13: every rulebook's candidate and staff articles match its
/// procedure's table, so each finding that names an article gives a proposal
/// citing that article — Qinghai's "人社职司便函〔2021〕57号 第八条(一)" (第十九条 leaves
/// candidates and staff to the national guide) and "第二十六条(二)" (its own
/// supervisors' article: "由委派机构视其情节轻重给予批评教育或者暂停质量督导任务委派处理")
/// included.
#[test]
fn every_rulebook_proposes_for_candidates_and_staff_with_its_own_article() {
    for name in Rulebook::names() {
        let book = Rulebook::builtin(name).unwrap();
        let mut proposed = 0;
        for e in book.entries() {
            let Some(article) = &e.article else { continue };
            let f = [FindingFact {
                finding_id: 1,
                kind: e.kind,
                severity: None,
                message: "x".into(),
            }];
            let made: Vec<Proposal> = [PartyKind::Candidate, PartyKind::Staff]
                .into_iter()
                .filter_map(|party| propose(&book, party, &f, &PartyRecord::default()).ok())
                .collect();
            assert_eq!(made.len(), 1, "{name} {}: {article}", e.kind.id());
            let p = &made[0];
            let clause = article.rsplit(' ').next().unwrap();
            assert!(
                p.basis[0].ends_with(clause),
                "{name} {}: {:?} does not cite {article}",
                e.kind.id(),
                p.basis
            );
            assert_eq!(p.rulebook.as_deref(), Some(name));
            proposed += 1;
        }
        assert!(proposed > 0, "{name} names no candidate or staff article");
    }
    let q = Rulebook::builtin("qinghai").unwrap();
    let staff = q
        .entries()
        .find(|e| e.article.as_deref() == Some("第二十六条(二)"))
        .unwrap();
    let p = propose(
        &q,
        PartyKind::Staff,
        &[FindingFact {
            finding_id: 1,
            kind: staff.kind,
            severity: None,
            message: "x".into(),
        }],
        &PartyRecord::default(),
    )
    .unwrap();
    assert_eq!(p.sanctions, vec![Sanction::SuspendSupervisor]);
    assert!(p.basis[0].starts_with("青海省技能人才评价质量督导工作规程"));
    let guide = q
        .entries()
        .find(|e| e.article.as_deref() == Some("人社职司便函〔2021〕57号 第八条(一)"))
        .unwrap();
    let p = propose(
        &q,
        PartyKind::Staff,
        &[FindingFact {
            finding_id: 1,
            kind: guide.kind,
            severity: None,
            message: "x".into(),
        }],
        &PartyRecord::default(),
    )
    .unwrap();
    assert_eq!(p.sanctions, vec![Sanction::DisqualifyStaff]);
    assert!(
        p.basis[0]
            .starts_with("技能人才评价违纪违规行为处理工作指引(试行)(人社职司便函〔2021〕57号)"),
        "{:?}",
        p.basis
    );
}

/// Item 3 of issue 13: the documents of a case cite the procedure of its own
/// rulebook — Hubei 第十八条 and 第十九条, Qinghai 第二十五条 (no review: the decision
/// offers none, the case offers no review move), the national guide no procedure
/// article at all (its text is not vendored) — in full-width punctuation with
/// titles in 《》.
#[test]
fn documents_cite_the_procedure_of_their_rulebook() {
    let c = cal();
    let issuer = issuer();
    for name in Rulebook::names() {
        let book = Rulebook::builtin(name).unwrap();
        let p = &book.procedure;
        let mut case = at(CaseState::Notified);
        case.notified_on = Some(d("2025-09-26"));
        let proposal = Proposal {
            basis: vec![book.entry(FindingKind::Inactive).basis.clone()],
            sanctions: institution_sanctions(Disposition::Rectify, p),
            rulebook: Some(name.into()),
            ..serious()
        };
        let due = p.statement_due(&c, d("2025-09-26"));
        let n = notice_text(
            &case,
            &proposal,
            p,
            &issuer,
            "n".into(),
            d("2025-09-26"),
            due,
        );
        let dec = decision_text(
            &case,
            &proposal,
            p,
            &issuer,
            "n".into(),
            d("2025-10-13"),
            None,
        );
        for doc in [&n, &dec] {
            let all = doc.paragraphs.join("\n");
            for half in [',', '(', ')', ':', ';'] {
                assert!(!all.contains(half), "{name}: half-width {half} in {all}");
            }
            assert!(all.contains('《') && all.contains('》'), "{name}: {all}");
            let own = titled(&p.document);
            let own = crate::case::documents::formal(&own);
            match &p.notice.article {
                Some(a) if std::ptr::eq(doc, &n) => {
                    assert!(all.contains(&format!("{own}{a}")), "{name}: {all}")
                }
                _ => {}
            }
            if name != "hubei" {
                assert!(!all.contains("湖北"), "{name} cites Hubei: {all}");
            }
        }
        let all = dec.paragraphs.join("\n");
        match (p.review, name) {
            (None, _) => {
                assert_eq!(name, "qinghai");
                assert!(!all.contains("申请复核"), "{all}");
                assert!(all.contains("第二十五条"), "{all}");
            }
            (Some(r), "hubei") => {
                assert!(all.contains(&format!("{}个工作日内", r.window_working_days)));
                assert!(all.contains("第十九条"), "{all}");
            }
            (Some(_), _) => {
                assert!(all.contains("申请复核"));
                assert!(!all.contains("第十九条"), "{name}: {all}");
            }
        }
        // Constraint measures only where the province has them (Hubei 监督管理办法 第十七条).
        assert_eq!(
            proposal
                .sanctions
                .iter()
                .any(|s| matches!(s, Sanction::Constraints { .. })),
            name == "hubei",
            "{name}"
        );
        // Every measure a proposal can hold cites an article of the procedure's documents.
        for s in &proposal.sanctions {
            let a = p.article_of(s, PartyKind::Institution);
            assert!(a.contains('《') && a.contains('第'), "{name} {s:?}: {a}");
        }
    }
}

/// Item 6 (part): a staff member's 诚信不良档案 rests on the staff article (Hubei
/// 第十条), not the institutions' 第十三条.
#[test]
fn staff_measures_cite_staff_articles() {
    let h = Procedure::hubei();
    assert!(
        h.article_of(&Sanction::BadCredit, PartyKind::Staff)
            .ends_with("第十条")
    );
    assert!(
        h.article_of(&Sanction::BadCredit, PartyKind::Institution)
            .ends_with("第十三条")
    );
    assert!(
        h.article_of(&Sanction::BarCandidate { years: 5 }, PartyKind::Candidate)
            .ends_with("第七条")
    );
    assert!(
        h.article_of(&Sanction::Constraints { years: 3 }, PartyKind::Institution)
            .starts_with("《湖北省技能人才评价监督管理办法(试行)》第十七条")
    );
}

/// A decision after a statement says whether it was adopted (采纳, 部分采纳,
/// 不予采纳), and a decision cannot be made without saying so.
#[test]
fn a_decision_states_whether_the_statement_was_adopted() {
    let mut case = at(CaseState::Notified);
    case.notified_on = Some(d("2025-09-26"));
    case.statements = 1;
    for a in StatementAdoption::ALL {
        let dec = decision_text(
            &case,
            &serious(),
            &H,
            &issuer(),
            "n".into(),
            d("2025-10-13"),
            Some(&(*a, Some("证据不足以推翻认定".into()))),
        );
        let all = dec.paragraphs.join("\n");
        assert!(
            all.contains(&format!(
                "本机关决定{}你单位的陈述、申辩意见，理由：证据不足以推翻认定",
                a.zh()
            )),
            "{all}"
        );
    }
}

/// Item 6 of issue 13: Hubei 第八条 "取消其当年参加评价工作的资格" lasts through 31
/// December of the year of execution; 第十一条 "暂停其督导工作" is a suspension with
/// an end (the procedure's period, a marked platform default); neither ends the
/// card, as 第九条 "吊销其考评人员证书" does.
#[test]
fn staff_measures_are_temporary_except_revocation() {
    let h = Procedure::hubei();
    assert!(h.supervisor_suspension.is_platform_default());
    let mut staff = at(CaseState::Decided);
    staff.party = Party::Staff {
        person_id: crate::ids::PersonId::parse("P001").unwrap(),
        name: "李四".into(),
    };
    let world = World {
        personnel: Some(Some(d("2030-01-01"))),
        ..World::default()
    };
    for (sanction, today, until) in [
        (Sanction::DisqualifyStaff, "2025-03-10", Some("2025-12-31")),
        (Sanction::DisqualifyStaff, "2025-12-31", Some("2025-12-31")),
        (
            Sanction::SuspendSupervisor,
            "2025-03-10",
            Some("2026-03-09"),
        ),
        (Sanction::RevokeExaminerCard, "2025-03-10", None),
    ] {
        let decision = Proposal {
            item: None,
            disposition: None,
            sanctions: vec![sanction.clone()],
            ..serious()
        };
        let effects = effects::execution(&staff, &decision, &world, d(today), &h);
        if sanction == Sanction::SuspendSupervisor {
            // The decision states the term execution applies.
            let mut notified = staff.clone();
            notified.notified_on = Some(d("2025-03-01"));
            let doc = decision_text(
                &notified,
                &decision,
                &h,
                &issuer(),
                "n".into(),
                d(today),
                None,
            );
            assert!(
                doc.paragraphs.join("").contains("暂停督导工作12个月"),
                "{:?}",
                doc.paragraphs
            );
        }
        match (until, &effects[..]) {
            (Some(u), [CaseEffect::StaffSuspension { from, until, .. }]) => {
                assert_eq!((*from, *until), (d(today), d(u)), "{sanction:?}")
            }
            (None, [CaseEffect::PersonnelValidTo { after, .. }]) => {
                assert_eq!(*after, Some(d(today)))
            }
            other => panic!("{sanction:?}: {other:?}"),
        }
    }
}
