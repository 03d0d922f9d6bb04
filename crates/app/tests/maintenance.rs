//! The registry's scheduled steps (Hubei 机构管理办法 第二十条: "经提醒仍未提交
//! 延续申请的,到期自动取消"): a registration reminded before its term ends
//! expires with it; one never reminded does not expire by itself.

use app::maintenance::registry;
use chrono::NaiveDate;
use domain::access::DataScope;
use domain::registration::{NewRegistration, RegistrationForm};
use store::{Address, Store};

fn d(s: &str) -> NaiveDate {
    domain::time::parse_date(s).unwrap()
}

/// A store holding one registration made on 2023-01-02 (its term ends 2026-01-01).
async fn one_registration(dir: &tempfile::TempDir) -> Store {
    let store = Store::open(&Address::Sqlite(dir.path().join("t.db")))
        .await
        .unwrap();
    let new = NewRegistration::parse(&RegistrationForm {
        name: "武汉测试评价机构".into(),
        credit_code: "91420103MA4KX2TB3B".into(),
        kind: "employer".into(),
        region_code: "420103".into(),
        scopes: "6-22-01-01 5".into(),
        sites: "武汉市江汉区发展大道318号".into(),
        ..RegistrationForm::default()
    })
    .unwrap();
    store
        .register(&DataScope::Everything, "admin", &new, d("2023-01-02"))
        .await
        .unwrap();
    store
}

#[tokio::test]
async fn a_reminded_registration_expires_with_its_term() {
    let dir = tempfile::tempdir().unwrap();
    let store = one_registration(&dir).await;
    // Within three months of the end: the first reminder; a second pass sends
    // nothing new; within a month and within a week, one more each.
    for (day, reminded) in [
        ("2025-10-15", 1),
        ("2025-10-20", 0),
        ("2025-12-05", 1),
        ("2025-12-28", 1),
    ] {
        let done = registry(&store, d(day)).await.unwrap();
        assert_eq!((done.reminded, done.expired), (reminded, 0), "{day}");
    }
    let done = registry(&store, d("2026-01-02")).await.unwrap();
    assert_eq!(done.expired, 1);
    store.close().await;
}

#[tokio::test]
async fn a_registration_never_reminded_does_not_expire_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let store = one_registration(&dir).await;
    let done = registry(&store, d("2026-01-02")).await.unwrap();
    assert_eq!((done.reminded, done.expired), (0, 0));
    store.close().await;
}
