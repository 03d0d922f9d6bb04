//! 违纪违规案件 in the store, on both backends, with an injected clock: a finding
//! carried through every state to closure, deadlines across 春节 and 国庆 on the
//! statutory calendar, a late review refused, the review extended once only,
//! escalation on repeat (warning → rectification rejected → 终止备案, and a new case
//! against the sanctioned institution proposed 特别严重), effects applied and rolled
//! back by a review, conflicts of interest and recusal, jurisdiction, what an
//! institution's own account may do, and a barred candidate's later application
//! flagged by screening (the platform's and `zhijian screen --db`).

use crate::store::{Backend, TestDb, fresh, open, province, rt, suite};
use chrono::{NaiveDate, NaiveDateTime};
use domain::access::{DataScope, Role};
use domain::case::{
    Action, Amendment, AttachmentKind, CaseRefusal, CaseState, DeadlineKind, Issuer, Measure,
    Party, ReviewOutcome, Sanction, Source, review_due, review_last_day,
};
use domain::enums::{CertStatus, RegistrationStatus, Severity};
use domain::finding::FindingKind;
use domain::ids::InstitutionId;
use domain::model::Tables;
use domain::registration::{NewRegistration, RegistrationForm};
use domain::{CreditCode, IdNumber, RegionCode};
use std::collections::{BTreeMap, BTreeSet};
use store::accounts::{NewAccount, generate_password};
use store::cases::{CaseFilter, NewCase};
use store::{Error, FindingFilter, ImportOptions, Store, StoredFinding};

suite!(
    a_finding_is_carried_through_every_state_to_closure,
    a_repeat_after_a_warning_ends_in_termination,
    effects_are_applied_and_rolled_back_by_a_review,
    deadlines_run_on_working_days_across_the_holidays,
    conflicts_of_interest_and_recusal,
    a_city_acts_only_on_its_own_cases,
    the_clerk_reads_and_answers_but_does_not_decide,
    a_barred_candidate_applying_again_is_a_finding,
);

fn d(s: &str) -> NaiveDate {
    domain::time::parse_date(s).unwrap()
}

/// `YYYY-MM-DD` at 09:00, or `YYYY-MM-DD HH:MM`.
fn at(s: &str) -> NaiveDateTime {
    if s.len() == 10 {
        d(s).and_hms_opt(9, 0, 0).unwrap()
    } else {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }
}

fn region(code: &str) -> DataScope {
    DataScope::Region(RegionCode::parse(code).unwrap())
}

fn issuer() -> Issuer {
    Issuer {
        name: "湖北省人力资源和社会保障厅".into(),
        abbreviation: "鄂人社鉴".into(),
    }
}

fn refusal<T: std::fmt::Debug>(r: Result<T, Error>) -> CaseRefusal {
    match r {
        Err(Error::CaseRefused { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, Error>) {
    assert!(
        matches!(r, Err(Error::Forbidden(_))),
        "expected Forbidden, got {r:?}"
    );
}

fn no_case<T: std::fmt::Debug>(r: Result<T, Error>) {
    assert!(
        matches!(r, Err(Error::NoSuchCase(_))),
        "expected NoSuchCase, got {r:?}"
    );
}

/// A generated province imported and screened.
async fn screened(db: &TestDb, dir: &std::path::Path, seed: u64) -> (Store, Tables) {
    let tables = province(dir, seed);
    let store = open(db).await;
    store
        .import(&tables, &ImportOptions::default())
        .await
        .unwrap();
    web::screening::screen_store(&store).await.unwrap();
    (store, tables)
}

async fn findings(store: &Store) -> Vec<StoredFinding> {
    store
        .findings(&DataScope::Everything, &FindingFilter::default())
        .await
        .unwrap()
}

/// The city scope of an institution of the dataset.
fn city_of(tables: &Tables, id: &str) -> DataScope {
    let i = tables
        .institutions
        .iter()
        .find(|i| i.institution_id.as_str() == id)
        .unwrap();
    DataScope::Region(i.region_code.city().unwrap())
}

fn inst(id: &str) -> InstitutionId {
    InstitutionId::parse(id).unwrap()
}

/// Institutions of the dataset in force that have no sanction yet.
fn unsanctioned(tables: &Tables) -> BTreeSet<String> {
    let sanctioned: BTreeSet<&str> = tables
        .sanctions
        .iter()
        .map(|s| s.institution_id.as_str())
        .collect();
    tables
        .institutions
        .iter()
        .filter(|i| i.status == RegistrationStatus::Active)
        .map(|i| i.institution_id.to_string())
        .filter(|i| !sanctioned.contains(i.as_str()))
        .collect()
}

fn from_finding(f: &StoredFinding) -> NewCase {
    NewCase {
        party: Party::Institution(inst(f.subject.institution_id.as_deref().unwrap())),
        institution_id: None,
        source: Source::Findings(vec![f.finding_id]),
        summary: format!("数字化监测预警:{}", f.message),
    }
}

/// Opens, staffs and proposes a case; returns its id.
async fn open_and_propose(
    store: &Store,
    scope: &DataScope,
    new: &NewCase,
    day: &str,
    amendment: Option<&Amendment>,
) -> i64 {
    let book = store.case_rulebook().await.unwrap();
    let id = store.open_case(scope, "wang", at(day), new).await.unwrap();
    store
        .assign_investigators(scope, "wang", at(day), id, &["li".into(), "zhou".into()])
        .await
        .unwrap();
    store
        .propose(scope, "wang", at(day), id, &book, amendment)
        .await
        .unwrap();
    id
}

/// Notifies on `notified`, then decides, serves and executes on `decided`.
async fn notify_decide_execute(
    store: &Store,
    scope: &DataScope,
    id: i64,
    notified: &str,
    decided: &str,
) {
    store
        .notify(scope, "wang", at(notified), id, &issuer())
        .await
        .unwrap();
    store
        .decide(scope, "wang", at(decided), id, &issuer())
        .await
        .unwrap();
    store
        .record_service(scope, "wang", at(decided), id, d(decided))
        .await
        .unwrap();
    store.execute(scope, "wang", at(decided), id).await.unwrap();
}

async fn state(store: &Store, id: i64, today: &str) -> CaseState {
    store
        .case(&DataScope::Everything, id, d(today))
        .await
        .unwrap()
        .unwrap()
        .case
        .state
}

async fn status(store: &Store, id: &InstitutionId) -> RegistrationStatus {
    store
        .registration(&DataScope::Everything, id, d("2025-09-01"))
        .await
        .unwrap()
        .institution
        .status
}

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
            refusal(store.decide(&city, "wang", at("2025-09-19"), id, &issuer()).await),
            CaseRefusal::StatementPeriodRunning { due } if due == d("2025-09-25")
        ));
        forbidden(store.decide(&clerk, "clerk", at("2025-09-19"), id, &issuer()).await);
        store
            .submit_statement(&clerk, "clerk", at("2025-09-19"), id, "已整改宣传材料,请求从轻处理。")
            .await
            .unwrap();
        let decision = store
            .decide(&city, "wang", at("2025-09-22"), id, &issuer())
            .await
            .unwrap();
        assert_eq!(decision.number, "鄂人社鉴决〔2025〕1号");
        let text = decision.paragraphs.join("");
        assert!(text.contains("提出了陈述") && text.contains("15个工作日内"), "{text}");
        // 送达 before 执行.
        assert_eq!(
            refusal(store.execute(&city, "wang", at("2025-09-22"), id).await),
            CaseRefusal::NotServed
        );
        store
            .record_service(&city, "wang", at("2025-09-26 10:00"), id, d("2025-09-26"))
            .await
            .unwrap();
        let effects = store.execute(&city, "wang", at("2025-09-26 11:00"), id).await.unwrap();
        let kinds: BTreeSet<&str> = effects.iter().map(|e| e.kind.as_str()).collect();
        for k in ["institution_status", "credit_record", "institution_constraint", "sanction_row"] {
            assert!(kinds.contains(k), "{k} missing from {kinds:?}");
        }
        assert_eq!(status(&store, &id_of).await, RegistrationStatus::Suspended);
        let history = store.history(&DataScope::Everything, &id_of).await.unwrap();
        assert_eq!(history.last().unwrap().action, domain::registration::Action::Suspend);
        assert_eq!(
            store.constraints(&city, &id_of, d("2025-10-01")).await.unwrap().len(),
            Measure::ALL.len()
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
            CaseRefusal::ReviewWindowOpen { last_day } if last_day == d("2025-10-23")
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

fn a_repeat_after_a_warning_ends_in_termination(b: Backend) {
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
        let p = c.case.proposal.clone().unwrap();
        assert_eq!(p.severity, Severity::Grave);
        assert!(p.sanctions.contains(&Sanction::Terminate));
        assert_eq!(
            p.escalation.as_deref(),
            Some(book.policy.escalation_basis.as_str())
        );
        assert_eq!(p.basis[0], book.policy.escalation_basis);
        assert!(c.case.major);
        // …and goes through notice and decision again: 终止备案.
        store
            .notify(&city, "wang", at("2025-11-17"), first, &issuer())
            .await
            .unwrap();
        assert!(matches!(
            refusal(store.decide(&city, "wang", at("2025-11-24"), first, &issuer()).await),
            CaseRefusal::StatementPeriodRunning { due } if due == d("2025-11-24")
        ));
        let doc = store
            .decide(&city, "wang", at("2025-11-25"), first, &issuer())
            .await
            .unwrap();
        assert_eq!(doc.number, "鄂人社鉴决〔2025〕2号");
        store
            .record_service(&city, "wang", at("2025-11-25"), first, d("2025-11-25"))
            .await
            .unwrap();
        let effects = store
            .execute(&city, "wang", at("2025-11-25"), first)
            .await
            .unwrap();
        let status_change = effects
            .iter()
            .find(|e| e.kind == "institution_status")
            .unwrap();
        assert_eq!(
            status_change.before.as_ref().unwrap()["status"],
            "suspended"
        );
        assert_eq!(
            status_change.after.as_ref().unwrap()["status"],
            "terminated"
        );
        assert_eq!(status(&store, &id_of).await, RegistrationStatus::Terminated);
        let last = review_last_day(&store.calendar().await.unwrap(), d("2025-11-25"));
        assert!(matches!(
            refusal(store.close_case(&city, "wang", at("2025-12-01"), first, "").await),
            CaseRefusal::ReviewWindowOpen { last_day } if last_day == last
        ));
        store
            .close_case(
                &city,
                "wang",
                last.succ_opt().unwrap().and_hms_opt(9, 0, 0).unwrap(),
                first,
                "终止备案已执行",
            )
            .await
            .unwrap();
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
            .decide(&city, "wang", at("2025-09-24"), id, &issuer())
            .await
            .unwrap();
        store
            .record_service(&city, "wang", at("2025-09-24"), id, d("2025-09-24"))
            .await
            .unwrap();
        let applied = store
            .execute(&city, "wang", at("2025-09-24"), id)
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
            review_due(&store.calendar().await.unwrap(), d("2025-10-21"), false)
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
            .decide(&scity, "wang", at("2025-09-24"), sid, &issuer())
            .await
            .unwrap();
        store
            .record_service(&scity, "wang", at("2025-09-24"), sid, d("2025-09-24"))
            .await
            .unwrap();
        let applied = store
            .execute(&scity, "wang", at("2025-09-24"), sid)
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
            .execute(&city, "wang", at("2025-10-21"), id)
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

/// Two registered institutions: one in 武汉 (420100), one in 黄石 (420200).
async fn two_institutions(store: &Store) -> (InstitutionId, InstitutionId) {
    let new = |n: u32, region: &str| {
        NewRegistration::parse(&RegistrationForm {
            name: format!("测试评价机构{n}"),
            credit_code: CreditCode::from_body(&format!("91420100{n:09}"))
                .unwrap()
                .to_string(),
            kind: "employer".into(),
            region_code: region.into(),
            scopes: "4-03-02-01 5".into(),
            sites: format!("湖北省测试路{n}号 | 40"),
            phone: "027-87654321".into(),
            employee_count: String::new(),
        })
        .unwrap()
    };
    let hubei = region("420000");
    let a = store
        .register(&hubei, "admin", &new(1, "420111"), d("2024-03-15"))
        .await
        .unwrap();
    let b = store
        .register(&hubei, "admin", &new(2, "420202"), d("2024-03-15"))
        .await
        .unwrap();
    (a, b)
}

fn complaint(i: &InstitutionId) -> NewCase {
    NewCase {
        party: Party::Institution(i.clone()),
        institution_id: None,
        source: Source::Complaint("T-001".into()),
        summary: "投诉举报:考场秩序混乱".into(),
    }
}

fn interview() -> Amendment {
    Amendment {
        item: Some(3),
        severity: Severity::General,
        sanctions: vec![Sanction::Interview],
        basis: vec!["第十二条(二)".into()],
        facts: vec!["阅卷管理不规范".into()],
        reason: "依投诉核查结果提出".into(),
    }
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
            .decide(&city, "wang", at("2025-09-26"), a, &issuer())
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
                last_day: d("2025-10-23")
            }
        );
        assert!(r.to_string().contains("2025-10-23") && r.to_string().contains("第十九条"));
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
            refusal(store.decide(&city, "wang", at("2026-02-26"), c, &issuer()).await),
            CaseRefusal::StatementPeriodRunning { due } if due == d("2026-02-26")
        ));
        let doc = store
            .decide(&city, "wang", at("2026-02-27"), c, &issuer())
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
        assert_eq!(due, review_due(&cal, d("2026-03-19"), false));
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
        assert_eq!(extended, review_due(&cal, d("2026-03-19"), true));
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
        assert_eq!(c.recusals.len(), 2);
        assert_eq!(
            c.recusals[1].decision_reason.as_deref(),
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
        assert_eq!(c.outcome.as_deref(), Some("经核查投诉不属实"));
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
                .decide(&clerk, "clerk1", at("2025-11-12"), id, &issuer())
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
        forbidden(store.execute(&clerk, "clerk1", at("2025-11-12"), id).await);
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
            .decide(&city, "wang", at("2025-11-12"), id, &issuer())
            .await
            .unwrap();
        store
            .record_service(&city, "wang", at("2025-11-13"), id, d("2025-11-13"))
            .await
            .unwrap();
        store
            .execute(&city, "wang", at("2025-11-13"), id)
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
        web::screening::screen_store(&store).await.unwrap();
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
