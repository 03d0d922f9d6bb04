//! A case's course: a finding carried through every state to closure, escalation
//! on repeat, effects applied and rolled back by a review, deadlines on the
//! working-day calendar.

use super::*;

suite!(
    a_finding_is_carried_through_every_state_to_closure,
    a_failed_rectification_is_warned_again_and_a_repeat_escalates,
    effects_are_applied_and_rolled_back_by_a_review,
    deadlines_run_on_working_days_across_the_holidays,
);

fn a_finding_is_carried_through_every_state_to_closure(b: Backend) {
    let db = fresh(b, "case_life");
    let src = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let (store, tables) = screened(&db, src.path(), 7).await;
        let book = store.case_rulebook().await.unwrap();
        let clean = unsanctioned(&tables);
        let all = findings(&store).await;
        let f = all
            .iter()
            .find(|f| {
                f.severity == "serious"
                    && f.subject.candidate_id.is_none()
                    && f.subject
                        .institution_id
                        .as_ref()
                        .is_some_and(|i| clean.contains(i))
            })
            .expect("the province has a serious finding of an institution in good standing");
        let id_of = inst(f.subject.institution_id.as_deref().unwrap());
        let city = city_of(&tables, id_of.as_str());
        let clerk = DataScope::Institution(id_of.clone());

        // 线索: the clerk does not see it yet.
        let id = store
            .open_case(&city, "wang", at("2025-09-15"), &from_finding(f))
            .await
            .unwrap();
        let c = store.case(&city, id, d("2025-09-15")).await.unwrap().unwrap();
        assert_eq!(c.case.number, "2025-0001");
        assert_eq!(c.case.state, CaseState::Lead);
        assert_eq!(c.findings.len(), 1);
        assert_eq!(c.findings[0].finding_id, f.finding_id);
        assert!(store.case(&clerk, id, d("2025-09-15")).await.unwrap().is_none());
        // 核查 → 拟处理 (rulebook).
        refusal(store.propose(&city, "wang", at("2025-09-15"), id, &book, None).await);
        store
            .assign_investigators(&city, "wang", at("2025-09-16"), id, &["li".into(), "zhou".into()])
            .await
            .unwrap();
        let p = store
            .propose(&city, "wang", at("2025-09-17"), id, &book, None)
            .await
            .unwrap();
        assert_eq!(p.severity, Severity::Serious);
        assert_eq!(p.rectification_days(), Some(30));
        assert!(p.sanctions.contains(&Sanction::Suspend { rectify_working_days: 30 }));
        let kind = FindingKind::from_id(&f.rule).unwrap();
        assert!(p.basis.contains(&book.entry(kind).basis));
        assert_eq!(p.rulebook.as_deref(), Some(book.name.as_str()));
        // 告知: numbered, with the statement deadline.
        let notice = store
            .notify(&city, "wang", at("2025-09-18"), id, &issuer())
            .await
            .unwrap();
        assert_eq!(notice.number, "鄂人社鉴告〔2025〕1号");
        let text = notice.paragraphs.join("");
        assert!(text.contains("2025年9月25日") && text.contains("陈述和申辩"), "{text}");
        // The clerk reads the notice, not the internal material.
        let seen = store.case(&clerk, id, d("2025-09-18")).await.unwrap().unwrap();
        assert!(!seen.internal);
        assert!(seen.events.is_empty() && seen.findings.is_empty() && seen.attachments.is_empty());
        assert_eq!(seen.documents.len(), 1);
        assert_eq!(seen.documents[0].document, notice);
        assert_eq!(seen.statement_due, Some(d("2025-09-25")));
        assert_eq!(seen.next_deadline.as_ref().unwrap().what, DeadlineKind::Statement);
        // Deciding inside the statement period is refused; the clerk states.
        assert!(matches!(
            refusal(store.decide(&city, "wang", at("2025-09-19"), id, &issuer(), Some((domain::case::StatementAdoption::NotAdopted, ""))).await),
            CaseRefusal::StatementPeriodRunning { due, .. } if due == d("2025-09-25")
        ));
        forbidden(store.decide(&clerk, "clerk", at("2025-09-19"), id, &issuer(), Some((domain::case::StatementAdoption::NotAdopted, ""))).await);
        store
            .submit_statement(&clerk, "clerk", at("2025-09-19"), id, "已整改宣传材料,请求从轻处理。")
            .await
            .unwrap();
        let decision = store
            .decide(&city, "wang", at("2025-09-22"), id, &issuer(), Some((domain::case::StatementAdoption::NotAdopted, "")))
            .await
            .unwrap();
        assert_eq!(decision.number, "鄂人社鉴决〔2025〕1号");
        let text = decision.paragraphs.join("");
        assert!(text.contains("提出了陈述") && text.contains("15个工作日内"), "{text}");
        // 送达 before 执行.
        assert_eq!(
            refusal(store.execute_decision(&city, "wang", at("2025-09-22"), id).await),
            CaseRefusal::NotServed
        );
        store
            .record_service(&city, "wang", at("2025-09-26 10:00"), id, d("2025-09-26"))
            .await
            .unwrap();
        let effects = store.execute_decision(&city, "wang", at("2025-09-26 11:00"), id).await.unwrap();
        let kinds: BTreeSet<&str> = effects.iter().map(|e| e.kind.as_str()).collect();
        // The constraint measures (Hubei 监督管理办法 第十七条) only where the rulebook's
        // procedure has them.
        let constrained = book.procedure.constraints.is_some();
        for k in ["institution_status", "credit_record", "institution_constraint", "sanction_row"] {
            if k != "institution_constraint" || constrained {
                assert!(kinds.contains(k), "{k} missing from {kinds:?}");
            }
        }
        assert_eq!(kinds.contains("institution_constraint"), constrained);
        assert_eq!(status(&store, &id_of).await, RegistrationStatus::Suspended);
        let history = store.history(&DataScope::Everything, &id_of).await.unwrap();
        assert_eq!(history.last().unwrap().action, domain::registration::Action::Suspend);
        assert_eq!(
            store.constraints(&city, &id_of, d("2025-10-01")).await.unwrap().len(),
            if constrained { Measure::ALL.len() } else { 0 }
        );
        let c = store.case(&city, id, d("2025-10-20")).await.unwrap().unwrap();
        assert_eq!(c.case.state, CaseState::Rectifying);
        // 30 working days from 9/26 across 国庆 (10/1–10/8 off; 9/28 and 10/11 worked).
        assert_eq!(c.case.rectify_due, Some(d("2025-11-13")));
        assert_eq!(c.review_last_day, Some(d("2025-10-23")));
        // 首页: the review window closes in 3 working days.
        let cal = store.calendar().await.unwrap();
        let due = store.deadlines(&city, d("2025-10-20"), &cal).await.unwrap();
        let mine = due.iter().find(|x| x.case_id == id).unwrap();
        assert_eq!(mine.deadline.what, DeadlineKind::ReviewWindow);
        assert_eq!((mine.deadline.due, mine.deadline.working_days_left), (d("2025-10-23"), 3));
        // 整改: the clerk reports; acceptance waits for the review window.
        store
            .submit_rectification(&clerk, "clerk", at("2025-10-20"), id, "已撤下全部虚假宣传并完成内部整改。")
            .await
            .unwrap();
        assert!(matches!(
            refusal(store.check_rectification(&city, "wang", at("2025-10-22"), id, true, "", &book).await),
            CaseRefusal::ReviewWindowOpen { last_day, .. } if last_day == d("2025-10-23")
        ));
        let end = store
            .check_rectification(&city, "wang", at("2025-10-24"), id, true, "整改到位", &book)
            .await
            .unwrap();
        assert_eq!(end, CaseState::Closed);
        assert_eq!(status(&store, &id_of).await, RegistrationStatus::Active);
        // The case file: every step, with before and after.
        let c = store.case(&city, id, d("2025-10-24")).await.unwrap().unwrap();
        assert_eq!(c.case.closed_on, Some(d("2025-10-24")));
        let actions: Vec<Action> = c.events.iter().map(|e| e.action).collect();
        use Action::*;
        assert_eq!(
            actions,
            [Open, Assign, Propose, Notify, Statement, Decide, Serve, Execute, RectificationReport, CheckRectification]
        );
        for e in &c.events {
            assert!(e.after.is_some(), "{:?}", e.action);
            assert_eq!(e.by_user, if matches!(e.action, Statement | RectificationReport) { "clerk" } else { "wang" });
        }
        let decide = &c.events[5];
        assert_eq!(decide.before.as_ref().unwrap()["state"], "notified");
        assert_eq!(decide.after.as_ref().unwrap()["state"], "decided");
        assert_eq!(decide.after.as_ref().unwrap()["document"], "鄂人社鉴决〔2025〕1号");
        assert_eq!(c.statements.len(), 2);
        assert!(c.statements.iter().all(|s| !s.late));
        // Screening's escalation sees the sanction.
        let loaded = store.load().await.unwrap();
        assert!(loaded.sanctions.iter().any(|s| s.institution_id == id_of
            && s.decided_on == d("2025-09-22")
            && s.severity == Severity::Serious));
        // 处理档案.
        let register = store.case_register(&city).await.unwrap();
        let row = (0..register.rows.len())
            .find(|&r| register.get(r, "number") == Some("2025-0001"))
            .unwrap();
        assert_eq!(register.get(row, "decision_number"), Some("鄂人社鉴决〔2025〕1号"));
        assert_eq!(register.get(row, "state"), Some("closed"));
        let list = store
            .cases(&city, &CaseFilter::default(), store::browse::Paging::new(None, None))
            .await
            .unwrap();
        assert_eq!(list.total, 1);
        assert_eq!(list.get(0, "state"), Some("closed"));
    });
}

fn a_failed_rectification_is_warned_again_and_a_repeat_escalates(b: Backend) {
    let db = fresh(b, "case_repeat");
    let src = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let (store, tables) = screened(&db, src.path(), 7).await;
        let book = store.case_rulebook().await.unwrap();
        let clean = unsanctioned(&tables);
        // An institution in good standing with two serious findings.
        let mut by: BTreeMap<String, Vec<StoredFinding>> = BTreeMap::new();
        for f in findings(&store).await {
            if f.severity == "serious"
                && f.subject.candidate_id.is_none()
                && let Some(i) = f
                    .subject
                    .institution_id
                    .clone()
                    .filter(|i| clean.contains(i))
            {
                by.entry(i).or_default().push(f);
            }
        }
        let (iid, fs) = by
            .into_iter()
            .find(|(_, v)| v.len() >= 2)
            .expect("an institution with two serious findings");
        let id_of = inst(&iid);
        let city = city_of(&tables, &iid);
        // Warning: 限期整改, suspended.
        let first =
            open_and_propose(&store, &city, &from_finding(&fs[0]), "2025-09-15", None).await;
        notify_decide_execute(&store, &city, first, "2025-09-18", "2025-09-26").await;
        assert_eq!(status(&store, &id_of).await, RegistrationStatus::Suspended);
        // No report by the deadline (2025-11-13): rejection needs no report after it…
        assert!(matches!(
            refusal(
                store
                    .check_rectification(
                        &city,
                        "wang",
                        at("2025-11-13"),
                        first,
                        false,
                        "未提交整改报告",
                        &book
                    )
                    .await
            ),
            CaseRefusal::NoRectificationReport { .. }
        ));
        assert!(matches!(
            refusal(
                store
                    .check_rectification(&city, "wang", at("2025-11-14"), first, false, " ", &book)
                    .await
            ),
            CaseRefusal::ReasonRequired { .. }
        ));
        let next = store
            .check_rectification(
                &city,
                "wang",
                at("2025-11-14"),
                first,
                false,
                "逾期未完成整改",
                &book,
            )
            .await
            .unwrap();
        assert_eq!(next, CaseState::Proposed);
        let c = store
            .case(&city, first, d("2025-11-14"))
            .await
            .unwrap()
            .unwrap();
        // A failed rectification is what the procedure grades it (Hubei 第十三条(七)
        // "……未按期完成整改的": 警告、限期整改), not 终止备案 — 第十四条(七) needs a new
        // violation after a rectification.
        let p = c.case.proposal.clone().unwrap();
        let failed = &book.procedure.failed_rectification;
        assert_eq!(p.severity, failed.severity);
        assert_eq!(p.disposition, Some(failed.disposition));
        assert!(!p.sanctions.contains(&Sanction::Terminate));
        assert_eq!(p.escalation, None);
        assert_eq!(Some(p.basis[0].clone()), failed.cited.basis());
        assert!(c.case.major);
        // …and goes through notice and decision again.
        store
            .notify(&city, "wang", at("2025-11-17"), first, &issuer())
            .await
            .unwrap();
        assert!(matches!(
            refusal(store.decide(&city, "wang", at("2025-11-24"), first, &issuer(), None).await),
            CaseRefusal::StatementPeriodRunning { due, .. } if due == d("2025-11-24")
        ));
        let doc = store
            .decide(&city, "wang", at("2025-11-25"), first, &issuer(), None)
            .await
            .unwrap();
        assert_eq!(doc.number, "鄂人社鉴决〔2025〕2号");
        store
            .record_service(&city, "wang", at("2025-11-25"), first, d("2025-11-25"))
            .await
            .unwrap();
        let effects = store
            .execute_decision(&city, "wang", at("2025-11-25"), first)
            .await
            .unwrap();
        // Still suspended: no status change to record.
        assert!(effects.iter().all(|e| e.kind != "institution_status"));
        assert_eq!(status(&store, &id_of).await, RegistrationStatus::Suspended);
        // A new serious finding against the sanctioned institution is proposed grave.
        let second =
            open_and_propose(&store, &city, &from_finding(&fs[1]), "2025-12-22", None).await;
        let c = store
            .case(&city, second, d("2025-12-22"))
            .await
            .unwrap()
            .unwrap();
        let p = c.case.proposal.unwrap();
        assert_eq!(p.severity, Severity::Grave);
        assert_eq!(p.disposition, Some(domain::enums::Disposition::Terminate));
        assert_eq!(
            p.escalation.as_deref(),
            Some(book.policy.escalation_basis.as_str())
        );
        assert!(c.case.major);
        assert_eq!(c.case.number, "2025-0002");
        let majors = store.major_cases(&region("420000")).await.unwrap();
        assert_eq!(
            majors.total, 2,
            "both cases are 评价要情 and reach the province"
        );
    });
}

fn effects_are_applied_and_rolled_back_by_a_review(b: Backend) {
    let db = fresh(b, "case_rollback");
    let src = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let (store, tables) = screened(&db, src.path(), 7).await;
        let book = store.case_rulebook().await.unwrap();
        // A candidate of 第七条 with a certificate of the activity.
        let f = findings(&store)
            .await
            .into_iter()
            .find(|f| {
                let article = book
                    .entry(FindingKind::from_id(&f.rule).unwrap())
                    .article
                    .clone();
                article.is_some_and(|a| a.starts_with("第七条"))
                    && f.subject.candidate_id.is_some()
                    && f.subject.institution_id.as_ref().is_some_and(|i| {
                        tables.institutions.iter().any(|x| {
                            x.institution_id.as_str() == i && x.status == RegistrationStatus::Active
                        })
                    })
                    && tables.certificates.iter().any(|c| {
                        c.status == CertStatus::Valid
                            && Some(c.candidate_id.as_str()) == f.subject.candidate_id.as_deref()
                            && c.batch_id.as_ref().map(|b| b.as_str())
                                == f.subject.batch_id.as_deref()
                    })
            })
            .expect("a 第七条 candidate with a certificate");
        let candidate = f.subject.candidate_id.clone().unwrap();
        let name = tables
            .enrollments
            .iter()
            .find(|e| e.candidate_id.as_str() == candidate)
            .map(|e| e.name.to_string())
            .unwrap();
        let iid = f.subject.institution_id.clone().unwrap();
        let city = city_of(&tables, &iid);
        let new = NewCase {
            party: Party::Candidate {
                id_number: IdNumber::parse(&candidate).unwrap(),
                name: name.clone(),
            },
            institution_id: Some(inst(&iid)),
            source: Source::Findings(vec![f.finding_id]),
            summary: "参评人员违纪".into(),
        };
        let id = open_and_propose(&store, &city, &new, "2025-09-15", None).await;
        let c = store
            .case(&city, id, d("2025-09-15"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.case.party_name, name);
        let p = c.case.proposal.unwrap();
        let years =
            if book.entry(FindingKind::from_id(&f.rule).unwrap()).severity == Severity::Grave {
                5
            } else {
                2
            };
        assert!(
            p.sanctions.contains(&Sanction::BarCandidate { years }),
            "{p:?}"
        );
        assert!(p.sanctions.contains(&Sanction::VoidCertificates));
        // On-site record: 2 signers (第十五条).
        let one = store
            .attach(
                &city,
                "wang",
                at("2025-09-15"),
                id,
                AttachmentKind::OnsiteRecord,
                "现场记录.pdf",
                b"%PDF-1",
                &["张三".into()],
                "",
            )
            .await;
        assert_eq!(refusal(one), CaseRefusal::FewSigners { signers: 1 });
        let a = store
            .attach(
                &city,
                "wang",
                at("2025-09-15"),
                id,
                AttachmentKind::OnsiteRecord,
                "现场记录.pdf",
                b"%PDF-1\x00\xff",
                &["张三".into(), "李四".into()],
                "考场负责人已确认",
            )
            .await
            .unwrap();
        assert_eq!(
            store.attachment(&city, id, a).await.unwrap(),
            Some(("现场记录.pdf".to_string(), b"%PDF-1\x00\xff".to_vec()))
        );
        // The institution's clerk sees nothing of a candidate's case.
        let clerk = DataScope::Institution(inst(&iid));
        assert!(
            store
                .case(&clerk, id, d("2025-09-15"))
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(store.attachment(&clerk, id, a).await.unwrap(), None);
        store
            .notify(&city, "wang", at("2025-09-16"), id, &issuer())
            .await
            .unwrap();
        store
            .decide(
                &city,
                "wang",
                at("2025-09-24"),
                id,
                &issuer(),
                Some((domain::case::StatementAdoption::NotAdopted, "")),
            )
            .await
            .unwrap();
        store
            .record_service(&city, "wang", at("2025-09-24"), id, d("2025-09-24"))
            .await
            .unwrap();
        let applied = store
            .execute_decision(&city, "wang", at("2025-09-24"), id)
            .await
            .unwrap();
        assert!(applied.iter().any(|e| e.kind == "candidate_bar"));
        let certs: BTreeSet<String> = applied
            .iter()
            .filter(|e| e.kind == "certificate_status")
            .map(|e| e.target.clone())
            .collect();
        assert!(!certs.is_empty());
        let bars = store.active_bars(d("2026-01-01")).await.unwrap();
        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].0, candidate);
        assert_eq!((bars[0].1, bars[0].3), (d("2025-09-24"), id));
        assert_eq!(bars[0].2, domain::case::years_until(d("2025-09-24"), years));
        let all = store.candidate_bars().await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(
            (all[0].id_number.as_str(), all[0].case_number.as_str()),
            (candidate.as_str(), "2025-0001")
        );
        assert!(store.active_bars(d("2031-01-01")).await.unwrap().is_empty());
        let cert_status = |t: &Tables, no: &str| {
            t.certificates
                .iter()
                .find(|c| c.cert_no.as_str() == no)
                .unwrap()
                .status
        };
        let now = store.load().await.unwrap();
        assert!(
            certs
                .iter()
                .all(|c| cert_status(&now, c) == CertStatus::Revoked)
        );
        // 复核 within 15 working days of 9/24 (the last day is 10/21), annulled.
        let due = store
            .request_review(
                &city,
                "wang",
                at("2025-10-21 16:00"),
                id,
                d("2025-10-21"),
                "申请人称系他人冒用身份",
            )
            .await
            .unwrap();
        assert_eq!(
            due,
            Procedure::hubei().review_due(&store.calendar().await.unwrap(), d("2025-10-21"), false)
        );
        let doc = store
            .decide_review(
                &city,
                "wang",
                at("2025-10-28"),
                id,
                ReviewOutcome::Annul,
                "现有证据不足以认定",
                None,
                &issuer(),
            )
            .await
            .unwrap();
        assert_eq!(doc.number, "鄂人社鉴复〔2025〕1号");
        assert!(doc.paragraphs.join("").contains("撤销原处理决定"));
        let c = store
            .case(&city, id, d("2025-10-28"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.case.state, CaseState::Closed);
        assert!(
            c.effects
                .iter()
                .all(|e| e.rolled_back_at == Some(at("2025-10-28")))
        );
        assert!(store.active_bars(d("2026-01-01")).await.unwrap().is_empty());
        assert!(store.candidate_bars().await.unwrap().is_empty());
        let now = store.load().await.unwrap();
        assert!(
            certs
                .iter()
                .all(|c| cert_status(&now, c) == CertStatus::Valid)
        );

        // An examiner (第九条): the card ends on the day of execution, and comes back.
        let staff = findings(&store).await.into_iter().find_map(|f| {
            let article = book
                .entry(FindingKind::from_id(&f.rule).unwrap())
                .article
                .clone()?;
            let person = tables.personnel.iter().find(|p| {
                Some(p.person_id.as_str()) == f.subject.person_id.as_deref()
                    && p.valid_to.is_none_or(|t| t > d("2025-09-24"))
                    && p.institution_id.as_ref().map(|i| i.as_str())
                        == f.subject.institution_id.as_deref()
            })?;
            article
                .starts_with("第九条")
                .then(|| (f.clone(), person.clone()))
        });
        let (f, person) = staff.expect("an examiner finding of 第九条");
        let new = NewCase {
            party: Party::Staff {
                person_id: person.person_id.clone(),
                name: person.name.to_string(),
            },
            institution_id: person.institution_id.clone(),
            source: Source::Findings(vec![f.finding_id]),
            summary: "考评人员违纪".into(),
        };
        let scity = city_of(&tables, person.institution_id.as_ref().unwrap().as_str());
        let sid = open_and_propose(&store, &scity, &new, "2025-09-15", None).await;
        store
            .notify(&scity, "wang", at("2025-09-16"), sid, &issuer())
            .await
            .unwrap();
        store
            .decide(
                &scity,
                "wang",
                at("2025-09-24"),
                sid,
                &issuer(),
                Some((domain::case::StatementAdoption::NotAdopted, "")),
            )
            .await
            .unwrap();
        store
            .record_service(&scity, "wang", at("2025-09-24"), sid, d("2025-09-24"))
            .await
            .unwrap();
        let applied = store
            .execute_decision(&scity, "wang", at("2025-09-24"), sid)
            .await
            .unwrap();
        assert_eq!(applied.len(), 1);
        assert_eq!(applied[0].kind, "personnel_valid_to");
        let valid_to = |t: &Tables| {
            t.personnel
                .iter()
                .find(|p| p.person_id == person.person_id)
                .unwrap()
                .valid_to
        };
        assert_eq!(
            valid_to(&store.load().await.unwrap()),
            Some(d("2025-09-24"))
        );
        store
            .request_review(
                &scity,
                "wang",
                at("2025-09-30"),
                sid,
                d("2025-09-30"),
                "评分有据",
            )
            .await
            .unwrap();
        store
            .decide_review(
                &scity,
                "wang",
                at("2025-10-13"),
                sid,
                ReviewOutcome::Annul,
                "评分偏差在允许范围内",
                None,
                &issuer(),
            )
            .await
            .unwrap();
        assert_eq!(valid_to(&store.load().await.unwrap()), person.valid_to);

        // An institution suspended, changed on review to an interview.
        let iid = inst(&iid);
        let amendment = Amendment {
            item: Some(7),
            severity: Severity::Serious,
            sanctions: vec![
                Sanction::Rectify {
                    deadline_working_days: 20,
                },
                Sanction::Suspend {
                    rectify_working_days: 20,
                },
                Sanction::Constraints { years: 3 },
            ],
            basis: vec!["第十三条(七)".into()],
            facts: vec!["投诉举报经核实属实".into()],
            reason: "依投诉核查结果提出".into(),
        };
        let new = NewCase {
            party: Party::Institution(iid.clone()),
            institution_id: None,
            source: Source::Complaint("T2025-001".into()),
            summary: "投诉举报核查".into(),
        };
        let before = status(&store, &iid).await;
        let id = open_and_propose(&store, &city, &new, "2025-09-15", Some(&amendment)).await;
        notify_decide_execute(&store, &city, id, "2025-09-16", "2025-09-24").await;
        assert_eq!(status(&store, &iid).await, RegistrationStatus::Suspended);
        assert_eq!(
            store
                .constraints(&city, &iid, d("2025-10-01"))
                .await
                .unwrap()
                .len(),
            4
        );
        store
            .request_review(
                &city,
                "wang",
                at("2025-10-09"),
                id,
                d("2025-10-09"),
                "已于告知前完成整改",
            )
            .await
            .unwrap();
        let interview = Amendment {
            severity: Severity::General,
            sanctions: vec![Sanction::Interview],
            reason: "复核认定情节轻微".into(),
            basis: vec![],
            facts: vec![],
            ..amendment
        };
        assert_eq!(
            refusal(
                store
                    .decide_review(
                        &city,
                        "wang",
                        at("2025-10-20"),
                        id,
                        ReviewOutcome::Change,
                        "情节轻微",
                        None,
                        &issuer()
                    )
                    .await
            ),
            CaseRefusal::NoSanction
        );
        store
            .decide_review(
                &city,
                "wang",
                at("2025-10-20"),
                id,
                ReviewOutcome::Change,
                "情节轻微",
                Some(&interview),
                &issuer(),
            )
            .await
            .unwrap();
        assert_eq!(status(&store, &iid).await, before);
        assert!(
            store
                .constraints(&city, &iid, d("2025-10-21"))
                .await
                .unwrap()
                .is_empty()
        );
        let actions: Vec<_> = store
            .history(&DataScope::Everything, &iid)
            .await
            .unwrap()
            .iter()
            .rev()
            .take(2)
            .map(|e| e.action)
            .collect();
        use domain::registration::Action as R;
        assert_eq!(actions, [R::Reinstate, R::Suspend]);
        let c = store
            .case(&city, id, d("2025-10-20"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.case.state, CaseState::Decided);
        assert_eq!(
            c.case.decision.as_ref().unwrap().sanctions,
            vec![Sanction::Interview]
        );
        // The changed decision is executed; a second review is not possible.
        let applied = store
            .execute_decision(&city, "wang", at("2025-10-21"), id)
            .await
            .unwrap();
        assert_eq!(applied.len(), 1);
        assert_eq!(applied[0].kind, "sanction_row");
        assert!(matches!(
            refusal(
                store
                    .request_review(
                        &city,
                        "wang",
                        at("2025-10-22"),
                        id,
                        d("2025-10-22"),
                        "再次申请"
                    )
                    .await
            ),
            CaseRefusal::ReviewUsed { .. }
        ));
    });
}

fn deadlines_run_on_working_days_across_the_holidays(b: Backend) {
    let db = fresh(b, "case_deadlines");
    rt().block_on(async {
        let store = open(&db).await;
        let (wuhan, _) = two_institutions(&store).await;
        let city = region("420100");
        let cal = store.calendar().await.unwrap();

        // 国庆 2025: served 9/26, the last day for a review is 10/23.
        let a = open_and_propose(
            &store,
            &city,
            &complaint(&wuhan),
            "2025-09-15",
            Some(&interview()),
        )
        .await;
        store
            .notify(&city, "wang", at("2025-09-18"), a, &issuer())
            .await
            .unwrap();
        store
            .decide(&city, "wang", at("2025-09-26"), a, &issuer(), Some((domain::case::StatementAdoption::NotAdopted, "")))
            .await
            .unwrap();
        store
            .record_service(&city, "wang", at("2025-09-26"), a, d("2025-09-26"))
            .await
            .unwrap();
        let late = store
            .request_review(
                &city,
                "wang",
                at("2025-10-24"),
                a,
                d("2025-10-24"),
                "不服处理决定",
            )
            .await;
        let r = refusal(late);
        assert_eq!(
            r,
            CaseRefusal::ReviewLate {
                served_on: d("2025-09-26"),
                filed_on: d("2025-10-24"),
                last_day: d("2025-10-23"),
                basis: store.case_procedure().await.unwrap().review_basis.cite(),
            }
        );
        assert!(r.to_string().contains("2025-10-23"));
        assert_eq!(state(&store, a, "2025-10-24").await, CaseState::Decided);
        // A statement period across 国庆: notified 9/26, due 10/10.
        let b2 = open_and_propose(
            &store,
            &city,
            &complaint(&wuhan),
            "2025-09-26",
            Some(&interview()),
        )
        .await;
        store
            .notify(&city, "wang", at("2025-09-26 15:00"), b2, &issuer())
            .await
            .unwrap();
        let due = store.deadlines(&city, d("2025-10-09"), &cal).await.unwrap();
        let x = due.iter().find(|x| x.case_id == b2).unwrap();
        assert_eq!(x.deadline.what, DeadlineKind::Statement);
        assert_eq!(
            (x.deadline.due, x.deadline.working_days_left),
            (d("2025-10-10"), 1)
        );

        // 春节 2026: notified 2/12, statement period through 2/26 (2/14 is worked).
        let c = open_and_propose(
            &store,
            &city,
            &complaint(&wuhan),
            "2026-02-02",
            Some(&interview()),
        )
        .await;
        store
            .notify(&city, "wang", at("2026-02-12"), c, &issuer())
            .await
            .unwrap();
        assert!(matches!(
            refusal(store.decide(&city, "wang", at("2026-02-26"), c, &issuer(), Some((domain::case::StatementAdoption::NotAdopted, ""))).await),
            CaseRefusal::StatementPeriodRunning { due, .. } if due == d("2026-02-26")
        ));
        let doc = store
            .decide(&city, "wang", at("2026-02-27"), c, &issuer(), Some((domain::case::StatementAdoption::NotAdopted, "")))
            .await
            .unwrap();
        assert_eq!(doc.number, "鄂人社鉴决〔2026〕1号", "numbers run per year");
        store
            .record_service(&city, "wang", at("2026-02-27"), c, d("2026-02-27"))
            .await
            .unwrap();
        let d2 = store
            .case(&city, c, d("2026-02-27"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(d2.review_last_day, Some(d("2026-03-19")));
        // Filed on the last day, recorded the next: in time.
        let due = store
            .request_review(
                &city,
                "wang",
                at("2026-03-20"),
                c,
                d("2026-03-19"),
                "不服处理决定",
            )
            .await
            .unwrap();
        assert_eq!(
            due,
            Procedure::hubei().review_due(&cal, d("2026-03-19"), false)
        );
        // Extended once, with a reason, by 10 working days.
        assert!(matches!(
            refusal(
                store
                    .extend_review(&city, "wang", at("2026-03-25"), c, "")
                    .await
            ),
            CaseRefusal::ReasonRequired { .. }
        ));
        let extended = store
            .extend_review(&city, "wang", at("2026-03-25"), c, "需调取考场监控录像核实")
            .await
            .unwrap();
        assert_eq!(
            extended,
            Procedure::hubei().review_due(&cal, d("2026-03-19"), true)
        );
        assert_eq!(cal.between(due, extended).unwrap().days, 10);
        assert!(matches!(
            refusal(
                store
                    .extend_review(&city, "wang", at("2026-03-26"), c, "再次延长")
                    .await
            ),
            CaseRefusal::ExtensionUsed { .. }
        ));
        let dl = store
            .case(&city, c, d("2026-03-26"))
            .await
            .unwrap()
            .unwrap()
            .next_deadline
            .unwrap();
        assert_eq!(
            (dl.what, dl.due, dl.overdue),
            (DeadlineKind::ReviewDecision, extended, false)
        );
        // Overdue when the authority misses it.
        let after = cal.add(extended, 2).unwrap().date;
        let due = store.deadlines(&city, after, &cal).await.unwrap();
        let x = due.iter().find(|x| x.case_id == c).unwrap();
        assert!(x.deadline.overdue && x.deadline.working_days_left < 0);
        let doc = store
            .decide_review(
                &city,
                "wang",
                after.and_hms_opt(9, 0, 0).unwrap(),
                c,
                ReviewOutcome::Uphold,
                "事实清楚",
                None,
                &issuer(),
            )
            .await
            .unwrap();
        assert!(doc.paragraphs.join("").contains("需调取考场监控录像核实"));
        assert_eq!(state(&store, c, "2026-05-01").await, CaseState::Decided);
    });
}
