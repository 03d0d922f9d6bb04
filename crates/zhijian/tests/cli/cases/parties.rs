//! Who may do what: conflicts of interest and recusal, jurisdiction, what the
//! institution's own account may do, and a barred candidate's later application.

use super::*;

suite!(
    conflicts_of_interest_and_recusal,
    a_city_acts_only_on_its_own_cases,
    the_clerk_reads_and_answers_but_does_not_decide,
    a_barred_candidate_applying_again_is_a_finding,
);

fn conflicts_of_interest_and_recusal(b: Backend) {
    let db = fresh(b, "case_recusal");
    rt().block_on(async {
        let store = open(&db).await;
        let (wuhan, huangshi) = two_institutions(&store).await;
        let city = region("420100");
        let account = |name: &str,
                       role: Role,
                       institution: Option<InstitutionId>,
                       region_code: Option<&str>| NewAccount {
            username: name.into(),
            display_name: name.into(),
            role,
            region: region_code.map(|r| RegionCode::parse(r).unwrap()),
            institution,
            password: generate_password().unwrap(),
        };
        for a in [
            account("clerk1", Role::Institution, Some(wuhan.clone()), None),
            account("clerk2", Role::Institution, Some(huangshi.clone()), None),
            account("li", Role::City, None, Some("420100")),
        ] {
            store
                .create_account(None, &a, at("2025-09-01"))
                .await
                .unwrap();
        }
        store
            .declare_conflict(
                &city,
                "wang",
                at("2025-09-10"),
                "zhao",
                &wuhan,
                "曾任该机构考评员",
            )
            .await
            .unwrap();
        let id = store
            .open_case(&city, "wang", at("2025-09-15"), &complaint(&wuhan))
            .await
            .unwrap();
        let assign = |names: &[&str]| {
            let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            let store = &store;
            let city = &city;
            async move {
                store
                    .assign_investigators(city, "wang", at("2025-09-16"), id, &names)
                    .await
            }
        };
        assert_eq!(refusal(assign(&[]).await), CaseRefusal::NoInvestigators);
        let r = refusal(assign(&["li", "zhao"]).await);
        assert!(
            matches!(&r, CaseRefusal::Conflict { investigator, .. } if investigator == "zhao"),
            "{r:?}"
        );
        assert!(r.to_string().contains("第十八条") && r.to_string().contains("曾任该机构考评员"));
        let r = refusal(assign(&["clerk1"]).await);
        assert!(
            matches!(&r, CaseRefusal::Conflict { investigator, .. } if investigator == "clerk1"),
            "{r:?}"
        );
        // Nothing of a refused assignment was kept.
        assert_eq!(state(&store, id, "2025-09-16").await, CaseState::Lead);
        // Another institution's clerk has no conflict here (but no business either).
        assign(&["li", "clerk2", "sun"]).await.unwrap();
        assert_eq!(
            refusal(assign(&["li"]).await),
            CaseRefusal::AlreadyAssigned {
                investigator: "li".into()
            }
        );
        // The party asks for li's recusal: granted; li cannot come back.
        let clerk = DataScope::Institution(wuhan.clone());
        assert!(matches!(
            refusal(
                store
                    .request_recusal(&clerk, "clerk1", at("2025-09-17"), id, "wu", "理由")
                    .await
            ),
            CaseRefusal::NotAnInvestigator { .. }
        ));
        let r1 = store
            .request_recusal(
                &clerk,
                "clerk1",
                at("2025-09-17"),
                id,
                "li",
                "与本机构负责人系近亲属",
            )
            .await
            .unwrap();
        forbidden(
            store
                .decide_recusal(&clerk, "clerk1", at("2025-09-18"), id, r1, true, "")
                .await,
        );
        store
            .decide_recusal(&city, "wang", at("2025-09-18"), id, r1, true, "")
            .await
            .unwrap();
        assert!(matches!(
            refusal(
                store
                    .decide_recusal(&city, "wang", at("2025-09-18"), id, r1, false, "x")
                    .await
            ),
            CaseRefusal::RecusalNotPending { .. }
        ));
        assert_eq!(
            refusal(assign(&["li"]).await),
            CaseRefusal::Recused {
                investigator: "li".into()
            }
        );
        // Refused with a reason (and a reason is required to refuse).
        let r2 = store
            .request_recusal(
                &clerk,
                "clerk1",
                at("2025-09-18"),
                id,
                "sun",
                "曾在检查中态度不好",
            )
            .await
            .unwrap();
        assert!(matches!(
            refusal(
                store
                    .decide_recusal(&city, "wang", at("2025-09-19"), id, r2, false, " ")
                    .await
            ),
            CaseRefusal::ReasonRequired { .. }
        ));
        store
            .decide_recusal(
                &city,
                "wang",
                at("2025-09-19"),
                id,
                r2,
                false,
                "所述情形不属于利害关系",
            )
            .await
            .unwrap();
        // A conflict declared later withdraws the investigator from the open case.
        store
            .declare_conflict(
                &city,
                "wang",
                at("2025-09-20"),
                "sun",
                &wuhan,
                "其配偶在该机构任职",
            )
            .await
            .unwrap();
        let c = store
            .case(&city, id, d("2025-09-20"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.case.investigators, ["clerk2"]);
        let actions: Vec<Action> = c.events.iter().map(|e| e.action).collect();
        use Action::*;
        assert_eq!(
            actions,
            [
                Open,
                Assign,
                RequestRecusal,
                DecideRecusal,
                RequestRecusal,
                DecideRecusal,
                RemoveInvestigator
            ]
        );
        assert_eq!(c.case.recusals.len(), 2);
        assert_eq!(
            c.case.recusals[1].decision_reason.as_deref(),
            Some("所述情形不属于利害关系")
        );
        // Without investigators nothing can be proposed.
        store
            .declare_conflict(
                &city,
                "wang",
                at("2025-09-21"),
                "clerk2",
                &wuhan,
                "曾与该机构合作",
            )
            .await
            .unwrap();
        let book = store.case_rulebook().await.unwrap();
        assert_eq!(
            refusal(
                store
                    .propose(
                        &city,
                        "wang",
                        at("2025-09-22"),
                        id,
                        &book,
                        Some(&interview())
                    )
                    .await
            ),
            CaseRefusal::NoInvestigators
        );
        // A clerk cannot declare conflicts or open cases.
        forbidden(
            store
                .declare_conflict(&clerk, "clerk1", at("2025-09-22"), "x", &wuhan, "y")
                .await,
        );
        forbidden(
            store
                .open_case(&clerk, "clerk1", at("2025-09-22"), &complaint(&wuhan))
                .await,
        );
    });
}

fn a_city_acts_only_on_its_own_cases(b: Backend) {
    let db = fresh(b, "case_scope");
    rt().block_on(async {
        let store = open(&db).await;
        let (wuhan, huangshi) = two_institutions(&store).await;
        let (wh, hs) = (region("420100"), region("420200"));
        let book = store.case_rulebook().await.unwrap();
        // Wuhan cannot open a case on Huangshi's institution.
        forbidden(
            store
                .open_case(&wh, "wang", at("2025-09-15"), &complaint(&huangshi))
                .await,
        );
        let id = store
            .open_case(&hs, "chen", at("2025-09-15"), &complaint(&huangshi))
            .await
            .unwrap();
        // …nor see or act on Huangshi's case: it answers like a missing one.
        assert!(
            store
                .case(&wh, id, d("2025-09-15"))
                .await
                .unwrap()
                .is_none()
        );
        no_case(
            store
                .assign_investigators(&wh, "wang", at("2025-09-16"), id, &["li".into()])
                .await,
        );
        no_case(
            store
                .propose(&wh, "wang", at("2025-09-16"), id, &book, Some(&interview()))
                .await,
        );
        no_case(
            store
                .mark_major(
                    &wh,
                    "wang",
                    at("2025-09-16"),
                    id,
                    domain::case::MajorGround::Media,
                    "",
                )
                .await,
        );
        no_case(
            store
                .drop_case(&wh, "wang", at("2025-09-16"), id, "x")
                .await,
        );
        assert_eq!(store.attachment(&wh, id, 1).await.unwrap(), None);
        no_case(
            store
                .assign_investigators(&hs, "chen", at("2025-09-16"), id + 100, &["li".into()])
                .await,
        );
        let list = |s: DataScope| {
            let store = &store;
            async move {
                store
                    .cases(
                        &s,
                        &CaseFilter::default(),
                        store::browse::Paging::new(None, None),
                    )
                    .await
                    .unwrap()
                    .total
            }
        };
        assert_eq!(list(wh.clone()).await, 0);
        assert_eq!(list(hs.clone()).await, 1);
        assert_eq!(list(region("420000")).await, 1);
        assert!(store.case_register(&wh).await.unwrap().rows.is_empty());
        // Huangshi reports it as 评价要情: the province sees it, Wuhan does not.
        store
            .mark_major(
                &hs,
                "chen",
                at("2025-09-16"),
                id,
                domain::case::MajorGround::Media,
                "媒体报道",
            )
            .await
            .unwrap();
        assert_eq!(store.major_cases(&region("420000")).await.unwrap().total, 1);
        assert_eq!(store.major_cases(&wh).await.unwrap().total, 0);
        let m = store.major_cases(&hs).await.unwrap();
        assert_eq!(m.get(0, "major_ground"), Some("media"));
        // A case of Wuhan's own goes on normally, and is dropped with a reason.
        let own = store
            .open_case(&wh, "wang", at("2025-09-15"), &complaint(&wuhan))
            .await
            .unwrap();
        assert_eq!(state(&store, own, "2025-09-15").await, CaseState::Lead);
        assert!(matches!(
            refusal(
                store
                    .drop_case(&wh, "wang", at("2025-09-16"), own, "查无实据")
                    .await
            ),
            CaseRefusal::NotPossible { .. }
        ));
        store
            .assign_investigators(&wh, "wang", at("2025-09-16"), own, &["li".into()])
            .await
            .unwrap();
        assert!(matches!(
            refusal(
                store
                    .drop_case(&wh, "wang", at("2025-09-17"), own, "")
                    .await
            ),
            CaseRefusal::ReasonRequired { .. }
        ));
        store
            .drop_case(&wh, "wang", at("2025-09-17"), own, "经核查投诉不属实")
            .await
            .unwrap();
        let c = store
            .case(&wh, own, d("2025-09-17"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.case.state, CaseState::Dropped);
        assert_eq!(c.case.outcome.as_deref(), Some("经核查投诉不属实"));
    });
}

fn the_clerk_reads_and_answers_but_does_not_decide(b: Backend) {
    let db = fresh(b, "case_clerk");
    rt().block_on(async {
        let store = open(&db).await;
        let (wuhan, huangshi) = two_institutions(&store).await;
        let city = region("420100");
        let clerk = DataScope::Institution(wuhan.clone());
        let other = DataScope::Institution(huangshi.clone());
        let book = store.case_rulebook().await.unwrap();
        let rectify = Amendment {
            item: Some(5),
            severity: Severity::Serious,
            sanctions: vec![
                Sanction::Rectify {
                    deadline_working_days: 10,
                },
                Sanction::Suspend {
                    rectify_working_days: 10,
                },
            ],
            basis: vec!["第十三条(五)".into()],
            facts: vec!["考场秩序混乱".into()],
            reason: "依现场检查结果提出".into(),
        };
        let id = open_and_propose(
            &store,
            &city,
            &complaint(&wuhan),
            "2025-11-03",
            Some(&rectify),
        )
        .await;
        store
            .attach(
                &city,
                "wang",
                at("2025-11-03"),
                id,
                AttachmentKind::Evidence,
                "检查笔录.jpg",
                &[1, 2, 3],
                &[],
                "",
            )
            .await
            .unwrap();
        // 拟处理 is internal: the clerk sees the case (to ask for recusal) but not the proposal.
        let seen = store
            .case(&clerk, id, d("2025-11-03"))
            .await
            .unwrap()
            .unwrap();
        assert!(
            seen.case.proposal.is_none() && seen.attachments.is_empty() && seen.events.is_empty()
        );
        assert_eq!(seen.case.investigators, ["li", "zhou"]);
        assert!(
            store
                .case(&other, id, d("2025-11-03"))
                .await
                .unwrap()
                .is_none()
        );
        let list = store
            .cases(
                &clerk,
                &CaseFilter::default(),
                store::browse::Paging::new(None, None),
            )
            .await
            .unwrap();
        assert_eq!(list.total, 1);
        // Not before notice: no statement.
        assert!(matches!(
            refusal(
                store
                    .submit_statement(&clerk, "clerk1", at("2025-11-03"), id, "意见")
                    .await
            ),
            CaseRefusal::NotPossible { .. }
        ));
        store
            .notify(&city, "wang", at("2025-11-04"), id, &issuer())
            .await
            .unwrap();
        let seen = store
            .case(&clerk, id, d("2025-11-04"))
            .await
            .unwrap()
            .unwrap();
        assert!(seen.case.proposal.is_some());
        assert_eq!(seen.documents.len(), 1);
        assert_eq!(seen.documents[0].kind, domain::case::DocumentKind::Notice);
        // The clerk states (late: after 11/11 it is kept and marked late).
        assert!(matches!(
            refusal(
                store
                    .submit_statement(&clerk, "clerk1", at("2025-11-12"), id, " ")
                    .await
            ),
            CaseRefusal::ReasonRequired { .. }
        ));
        store
            .submit_statement(
                &clerk,
                "clerk1",
                at("2025-11-12"),
                id,
                "对认定的事实无异议。",
            )
            .await
            .unwrap();
        no_case(
            store
                .submit_statement(&other, "clerk2", at("2025-11-12"), id, "x")
                .await,
        );
        // …but decides nothing.
        forbidden(
            store
                .decide(
                    &clerk,
                    "clerk1",
                    at("2025-11-12"),
                    id,
                    &issuer(),
                    Some((domain::case::StatementAdoption::NotAdopted, "")),
                )
                .await,
        );
        forbidden(
            store
                .propose(
                    &clerk,
                    "clerk1",
                    at("2025-11-12"),
                    id,
                    &book,
                    Some(&rectify),
                )
                .await,
        );
        forbidden(
            store
                .execute_decision(&clerk, "clerk1", at("2025-11-12"), id)
                .await,
        );
        forbidden(
            store
                .mark_major(
                    &clerk,
                    "clerk1",
                    at("2025-11-12"),
                    id,
                    domain::case::MajorGround::Other,
                    "",
                )
                .await,
        );
        forbidden(
            store
                .attach(
                    &clerk,
                    "clerk1",
                    at("2025-11-12"),
                    id,
                    AttachmentKind::Evidence,
                    "a.pdf",
                    b"x",
                    &[],
                    "",
                )
                .await,
        );
        store
            .decide(
                &city,
                "wang",
                at("2025-11-12"),
                id,
                &issuer(),
                Some((domain::case::StatementAdoption::NotAdopted, "")),
            )
            .await
            .unwrap();
        store
            .record_service(&city, "wang", at("2025-11-13"), id, d("2025-11-13"))
            .await
            .unwrap();
        store
            .execute_decision(&city, "wang", at("2025-11-13"), id)
            .await
            .unwrap();
        forbidden(
            store
                .check_rectification(&clerk, "clerk1", at("2025-11-20"), id, true, "", &book)
                .await,
        );
        store
            .submit_rectification(
                &clerk,
                "clerk1",
                at("2025-11-20"),
                id,
                "已完成考场管理制度整改。",
            )
            .await
            .unwrap();
        let seen = store
            .case(&clerk, id, d("2025-11-20"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(seen.documents.len(), 2);
        assert_eq!(seen.statements.len(), 2);
        assert!(seen.statements[0].late && !seen.statements[1].late);
        assert!(!seen.effects.is_empty());
        // 10 working days from 11/13: the rectification is due before the review
        // window (12/4) closes.
        let dl = seen.next_deadline.unwrap();
        assert_eq!(
            (dl.what, dl.due),
            (DeadlineKind::Rectification, d("2025-11-27"))
        );
        assert_eq!(seen.review_last_day, Some(d("2025-12-04")));
        // The clerk may request the review itself.
        store
            .request_review(
                &clerk,
                "clerk1",
                at("2025-11-21"),
                id,
                d("2025-11-21"),
                "处理过重",
            )
            .await
            .unwrap();
        assert_eq!(state(&store, id, "2025-11-21").await, CaseState::Review);
    });
}

/// 第七条: a candidate barred by an executed case applies again inside the bar; the
/// next screening of the store (the platform's, and `zhijian screen --db`) reports
/// `eligibility.barred_candidate` naming the case.
fn a_barred_candidate_applying_again_is_a_finding(b: Backend) {
    let db = fresh(b, "case_bar");
    let src = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let (store, tables) = screened(&db, src.path(), 7).await;
        let book = store.case_rulebook().await.unwrap();
        let barred = FindingKind::CandidateBarred.id();
        let all = findings(&store).await;
        assert!(
            all.iter().all(|f| f.rule != barred),
            "without bars there is no such finding"
        );
        let f = all
            .iter()
            .find(|f| {
                f.subject.candidate_id.is_some()
                    && f.subject.institution_id.is_some()
                    && book
                        .entry(FindingKind::from_id(&f.rule).unwrap())
                        .article
                        .as_deref()
                        .is_some_and(|a| a.starts_with("第七条"))
            })
            .expect("a candidate finding of 第七条");
        let candidate = f.subject.candidate_id.clone().unwrap();
        let iid = f.subject.institution_id.clone().unwrap();
        let mine = |e: &&domain::model::Enrollment| e.candidate_id.as_str() == candidate;
        let enrolled = tables.enrollments.iter().find(mine).unwrap().clone();
        let city = city_of(&tables, &iid);
        let new = NewCase {
            party: Party::Candidate {
                id_number: IdNumber::parse(&candidate).unwrap(),
                name: enrolled.name.to_string(),
            },
            institution_id: Some(inst(&iid)),
            source: Source::Findings(vec![f.finding_id]),
            summary: "参评人员违纪".into(),
        };
        // Decided and executed in March 2024: barred from 2024-03-12.
        let id = open_and_propose(&store, &city, &new, "2024-03-01", None).await;
        notify_decide_execute(&store, &city, id, "2024-03-04", "2024-03-12").await;
        let bars = store.candidate_bars().await.unwrap();
        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].from, d("2024-03-12"));
        // A later activity the candidate was not in: they apply a few days before it.
        let batch = tables
            .batches
            .iter()
            .filter(|b| b.start_at.date() > d("2024-04-01") && b.start_at.date() < bars[0].until)
            .filter(|b| {
                !tables
                    .enrollments
                    .iter()
                    .any(|e| e.batch_id == b.batch_id && e.candidate_id.as_str() == candidate)
            })
            .min_by_key(|b| (b.institution_id.as_str() != iid, b.start_at))
            .expect("a later activity");
        let mut again = enrolled.clone();
        again.batch_id = batch.batch_id.clone();
        again.applied_at = Some(batch.start_at - chrono::Days::new(3));
        let t = Tables {
            enrollments: tables
                .enrollments
                .iter()
                .filter(|e| e.batch_id == batch.batch_id)
                .cloned()
                .chain([again])
                .collect(),
            present: [domain::model::Table::Enrollments].into_iter().collect(),
            ..Tables::default()
        };
        store.import(&t, &ImportOptions::default()).await.unwrap();
        app::screening::screen_store(&store).await.unwrap();
        let hits: Vec<StoredFinding> = findings(&store)
            .await
            .into_iter()
            .filter(|f| f.rule == barred)
            .collect();
        let hit = hits
            .iter()
            .find(|f| f.subject.batch_id.as_deref() == Some(batch.batch_id.as_str()))
            .unwrap_or_else(|| panic!("the application in the bar is a finding: {hits:?}"));
        assert_eq!(
            hit.subject.candidate_id.as_deref(),
            Some(candidate.as_str())
        );
        assert!(
            hit.message.contains("处理案件 2024-0001"),
            "{}",
            hit.message
        );
        // `zhijian screen --db` passes the bars too.
        let out = tempfile::tempdir().unwrap();
        let s = crate::common::zhijian(&[
            "screen",
            "--db",
            &db.url,
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert!(s.status.success(), "{}", crate::common::text(&s));
        let jsonl = std::fs::read_to_string(out.path().join("findings.jsonl")).unwrap();
        assert!(
            jsonl
                .lines()
                .any(|l| l.contains(barred) && l.contains(batch.batch_id.as_str())),
            "zhijian screen --db reports the barred application"
        );
    });
}
