//! Scoped import (app::import::out_of_scope): tables by role, rows by the
//! institution they belong to, under 谁备案谁监管 — as the store has it and as
//! the upload would have it.

use app::import::out_of_scope;
use chrono::NaiveDate;
use domain::RegionCode;
use domain::access::{DataScope, Role};
use domain::ids::{BatchId, InstitutionId};
use domain::model::{Batch, Table, Tables};
use domain::registration::{NewRegistration, RegistrationForm};
use store::{Address, Store};

fn d(s: &str) -> NaiveDate {
    domain::time::parse_date(s).unwrap()
}

fn registration(credit_code: &str, provincial: bool) -> NewRegistration {
    NewRegistration::parse(&RegistrationForm {
        name: format!("测试评价机构{credit_code}"),
        credit_code: credit_code.into(),
        kind: "employer".into(),
        region_code: "420103".into(),
        scopes: "6-22-01-01 5".into(),
        sites: "武汉市江汉区发展大道318号".into(),
        provincial: if provincial { "1" } else { "" }.into(),
        ..RegistrationForm::default()
    })
    .unwrap()
}

fn batch(n: u32, institution: &InstitutionId) -> Batch {
    let at = domain::time::parse_datetime("2024-05-06 09:00").unwrap();
    Batch {
        batch_id: BatchId::parse(&format!("B{n:06}")).unwrap(),
        institution_id: institution.clone(),
        occupation_code: domain::OccupationCode::parse("6-22-01-01").unwrap(),
        level: domain::Level::parse("5").unwrap(),
        site_id: None,
        start_at: at,
        end_at: at + chrono::Duration::hours(4),
        filed_at: None,
        internal_supervisor_id: None,
        supervision_record_at: None,
    }
}

fn upload(batches: Vec<Batch>) -> Tables {
    let mut t = Tables {
        batches,
        ..Tables::default()
    };
    t.present.insert(Table::Batches);
    t
}

#[tokio::test]
async fn uploads_are_refused_outside_what_the_caller_supervises() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Address::Sqlite(dir.path().join("t.db")))
        .await
        .unwrap();
    let on = d("2024-01-02");
    let hubei = DataScope::Region(RegionCode::parse("420000").unwrap());
    let wuhan = DataScope::Region(RegionCode::parse("420100").unwrap());
    // A Wuhan institution registered with the city, and a 省属企业 in Wuhan
    // registered 省本级 (机构管理办法 第五条(二)).
    let city = store
        .register(&wuhan, "wh", &registration("91420103MA4KX2TB3B", false), on)
        .await
        .unwrap();
    let provincial = store
        .register(&hubei, "hb", &registration("91420112MA4L0R8D6R", true), on)
        .await
        .unwrap();
    let refused = |problems: &[String]| !problems.is_empty();
    // (who, scope, upload, refused)
    let clerk = DataScope::Institution(city.clone());
    let cases: Vec<(&str, Role, &DataScope, Tables, bool)> = vec![
        (
            "city, own batch",
            Role::City,
            &wuhan,
            upload(vec![batch(1, &city)]),
            false,
        ),
        (
            "city, provincial batch",
            Role::City,
            &wuhan,
            upload(vec![batch(2, &provincial)]),
            true,
        ),
        (
            "province, provincial batch",
            Role::Province,
            &hubei,
            upload(vec![batch(3, &provincial)]),
            false,
        ),
        (
            "clerk, own batch",
            Role::Institution,
            &clerk,
            upload(vec![batch(4, &city)]),
            false,
        ),
        (
            "clerk, another's batch",
            Role::Institution,
            &clerk,
            upload(vec![batch(5, &provincial)]),
            true,
        ),
        (
            "city, unknown institution",
            Role::City,
            &wuhan,
            upload(vec![batch(
                6,
                &InstitutionId::parse("I4201009999").unwrap(),
            )]),
            true,
        ),
    ];
    for (what, role, scope, tables, expected) in cases {
        let problems = out_of_scope(&store, role, scope, &tables).await.unwrap();
        assert_eq!(refused(&problems), expected, "{what}: {problems:?}");
    }
    // An upload cannot move the provincial institution into the city's hands by
    // rewriting its 备案机关.
    let mut stored = store.institutions_in_scope(&hubei).await.unwrap();
    let mut moved = stored
        .drain(..)
        .find(|i| i.institution_id == provincial)
        .unwrap();
    moved.registered_by = Some(RegionCode::parse("420100").unwrap());
    let mut t = Tables {
        institutions: vec![moved],
        ..Tables::default()
    };
    t.present.insert(Table::Institutions);
    let problems = out_of_scope(&store, Role::City, &wuhan, &t).await.unwrap();
    assert!(refused(&problems), "{problems:?}");
    store.close().await;
}
