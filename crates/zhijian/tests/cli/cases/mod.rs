//! 违纪违规案件 in the store, on both backends, with an injected clock: a finding
//! carried through every state to closure, deadlines across 春节 and 国庆 on the
//! statutory calendar, a late review refused, the review extended once only,
//! escalation on repeat (warning → rectification rejected → warned again as the
//! procedure grades it, and a new case against the sanctioned institution proposed
//! 特别严重), effects applied and rolled back by a review, conflicts of interest and recusal, jurisdiction, what an
//! institution's own account may do, and a barred candidate's later application
//! flagged by screening (the platform's and `zhijian screen --db`).

mod course;
mod parties;

use crate::store::{Backend, TestDb, fresh, open, province, rt, suite};
use chrono::{NaiveDate, NaiveDateTime};
use domain::access::{DataScope, Role};
use domain::case::{
    Action, Amendment, AttachmentKind, CaseRefusal, CaseState, DeadlineKind, Issuer, Measure,
    Party, Procedure, ReviewOutcome, Sanction, Source,
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
    app::screening::screen_store(&store).await.unwrap();
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
        .decide(
            scope,
            "wang",
            at(decided),
            id,
            &issuer(),
            Some((domain::case::StatementAdoption::NotAdopted, "")),
        )
        .await
        .unwrap();
    store
        .record_service(scope, "wang", at(decided), id, d(decided))
        .await
        .unwrap();
    store
        .execute_decision(scope, "wang", at(decided), id)
        .await
        .unwrap();
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
            provincial: String::new(),
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
