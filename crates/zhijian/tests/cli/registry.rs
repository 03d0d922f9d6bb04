//! 备案管理 in the store, on both backends: registration in one transaction, the
//! 社评组织 limit, renewal in its window, automatic expiry, dormancy proposals,
//! cancellation with its 3-year bar, data scopes and the event log.

use crate::store::{Backend, fresh, open, rt, suite};
use chrono::NaiveDate;
use domain::access::DataScope;
use domain::ids::{BatchId, InstitutionId, SiteId};
use domain::model::{Batch, Site, Table, Tables};
use domain::registration::{
    Action, BasicForm, BasicInfo, NewRegistration, NewSite, Refusal, RegistrationForm, Standing,
};
use domain::{CreditCode, Level, OccupationCode, RegionCode};
use store::{Error, ImportOptions, Store};

suite!(
    register_writes_everything_in_one_transaction,
    a_fourth_social_org_per_city_and_occupation_is_refused,
    renewal_only_in_the_three_months_before_expiry,
    expiry_is_automatic_after_a_reminder_and_recorded_once,
    dormancy_is_proposed_then_cancelled_and_barred_for_three_years,
    a_caller_acts_only_within_their_scope,
    history_lists_every_change_with_before_and_after,
);

fn d(s: &str) -> NaiveDate {
    domain::time::parse_date(s).unwrap()
}

fn region(code: &str) -> DataScope {
    DataScope::Region(RegionCode::parse(code).unwrap())
}

fn hubei() -> DataScope {
    region("420000")
}

fn id(s: &str) -> InstitutionId {
    InstitutionId::parse(s).unwrap()
}

/// A valid credit code, different for every `n`.
fn credit(n: u32) -> String {
    CreditCode::from_body(&format!("91420100{n:09}"))
        .unwrap()
        .to_string()
}

fn occ(s: &str) -> OccupationCode {
    OccupationCode::parse(s).unwrap()
}

fn level(n: u8) -> Level {
    Level::new(n).unwrap()
}

fn new(n: u32, kind: &str, region_code: &str, scopes: &str) -> NewRegistration {
    NewRegistration::parse(&RegistrationForm {
        name: format!("测试评价机构{n}"),
        credit_code: credit(n),
        kind: kind.into(),
        region_code: region_code.into(),
        scopes: scopes.into(),
        sites: format!("湖北省测试路{n}号 | 40\n湖北省测试路{n}号附楼"),
        phone: "027-87654321".into(),
        employee_count: String::new(),
        provincial: String::new(),
    })
    .unwrap()
}

/// The rule a refused operation names.
fn refusal<T: std::fmt::Debug>(r: Result<T, Error>) -> Refusal {
    match r {
        Err(Error::Refused { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, Error>) {
    assert!(
        matches!(r, Err(Error::Forbidden(_))),
        "expected Forbidden, got {r:?}"
    );
}

async fn count(store: &Store, table: Table) -> u64 {
    store
        .counts()
        .await
        .unwrap()
        .into_iter()
        .find(|(t, _)| *t == table)
        .map_or(0, |(_, n)| n)
}

async fn actions(store: &Store, i: &InstitutionId) -> Vec<Action> {
    store
        .history(&hubei(), i)
        .await
        .unwrap()
        .iter()
        .map(|e| e.action)
        .collect()
}

fn register_writes_everything_in_one_transaction(b: Backend) {
    let db = fresh(b, "reg_atomic");
    rt().block_on(async {
        let store = open(&db).await;
        // Someone else's site already has the id the second site of the first
        // registration in 420100 will get: the sites insert fails after the
        // institution and its scopes went in, and the whole registration must go.
        let mut t = Tables::default();
        t.sites.push(Site {
            site_id: SiteId::parse("I4201000001-C02").unwrap(),
            institution_id: id("X0001"),
            address: "别处".into(),
            capacity: None,
            registered_on: None,
            revoked_on: None,
            region_code: None,
        });
        t.present.insert(Table::Sites);
        store.import(&t, &ImportOptions::default()).await.unwrap();
        let wuhan = new(1, "social_org", "420111", "4-03-02-01 5,4,3");
        let err = store
            .register(&hubei(), "wang", &wuhan, d("2024-03-15"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Sql { .. }), "{err}");
        assert_eq!(count(&store, Table::Institutions).await, 0);
        assert_eq!(count(&store, Table::Scopes).await, 0);
        assert_eq!(count(&store, Table::Sites).await, 1);
        assert!(matches!(
            store.history(&hubei(), &id("I4201000001")).await,
            Err(Error::NoSuchInstitution(_))
        ));

        // In another city it goes through, all of it.
        let huangshi = new(1, "social_org", "420202", "4-03-02-01 5,4,3");
        let i = store
            .register(&hubei(), "wang", &huangshi, d("2024-03-15"))
            .await
            .unwrap();
        assert_eq!(i.as_str(), "I4202000001");
        let r = store
            .registration(&hubei(), &i, d("2024-03-15"))
            .await
            .unwrap();
        assert_eq!(r.institution.name, "测试评价机构1");
        assert_eq!(r.institution.credit_code.to_string(), credit(1));
        assert_eq!(r.institution.region_code.as_str(), "420202");
        assert_eq!(r.institution.registered_on, d("2024-03-15"));
        assert_eq!(r.institution.expires_on, d("2027-03-14"));
        assert_eq!(r.institution.status.code(), "active");
        assert_eq!(r.institution.phone.as_deref(), Some("027-87654321"));
        assert_eq!(r.standing, Standing::Normal);
        assert_eq!(r.renewal_opens, d("2026-12-15"));
        assert_eq!(r.last_activity, None);
        assert_eq!(r.scopes.len(), 3);
        assert!(
            r.scopes
                .iter()
                .all(|s| s.occupation_name.as_deref() == Some("中式烹调师")
                    && s.valid_from == Some(d("2024-03-15"))
                    && s.valid_to.is_none())
        );
        let site_ids: Vec<&str> = r.sites.iter().map(|s| s.site_id.as_str()).collect();
        assert_eq!(site_ids, ["I4202000001-C01", "I4202000001-C02"]);
        assert_eq!(r.sites[0].capacity, Some(40));
        let h = store.history(&hubei(), &i).await.unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].action, Action::Register);
        assert_eq!(h[0].by_user.as_deref(), Some("wang"));
        let after = h[0].after.as_ref().unwrap();
        assert_eq!(after["institution"]["credit_code"], credit(1));
        assert_eq!(after["institution"]["expires_on"], "2027-03-14");
        assert_eq!(after["scopes"].as_array().unwrap().len(), 3);
        assert_eq!(after["sites"][1]["site_id"], "I4202000001-C02");
        assert!(h[0].before.is_none());

        // The same credit code again: refused, nothing written.
        let again = store
            .register(&hubei(), "wang", &huangshi, d("2024-04-01"))
            .await;
        assert!(matches!(
            refusal(again),
            Refusal::AlreadyRegistered { institution_id, .. } if institution_id == "I4202000001"
        ));
        assert_eq!(count(&store, Table::Institutions).await, 1);
        assert_eq!(count(&store, Table::Sites).await, 3);
        // The next one of the city is numbered on.
        let next = store
            .register(
                &hubei(),
                "wang",
                &new(2, "employer", "420200", "4-03-02-01 5"),
                d("2024-04-01"),
            )
            .await
            .unwrap();
        assert_eq!(next.as_str(), "I4202000002");
        store.close().await;
    });
}

fn a_fourth_social_org_per_city_and_occupation_is_refused(b: Backend) {
    let db = fresh(b, "reg_limit");
    rt().block_on(async {
        let store = open(&db).await;
        let on = d("2024-05-06");
        let mut three = Vec::new();
        for (n, district) in [(1, "420102"), (2, "420111"), (3, "420100")] {
            three.push(
                store
                    .register(
                        &hubei(),
                        "li",
                        &new(n, "社评组织", district, "4-03-02-01 5"),
                        on,
                    )
                    .await
                    .unwrap(),
            );
        }
        // A work type counts as its occupation.
        let fourth = new(4, "social_org", "420106", "4-03-02-02 5\n4-03-02-01 4");
        match refusal(store.register(&hubei(), "li", &fourth, on).await) {
            Refusal::SocialOrgLimit {
                city,
                occupation,
                institutions,
            } => {
                assert_eq!(city.as_str(), "420100");
                assert_eq!(occupation, occ("4-03-02-01"));
                assert_eq!(institutions.len(), 3);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(count(&store, Table::Institutions).await, 3);
        // Employers are not limited, nor other cities, nor other occupations.
        store
            .register(
                &hubei(),
                "li",
                &new(5, "employer", "420106", "4-03-02-01 5"),
                on,
            )
            .await
            .unwrap();
        store
            .register(
                &hubei(),
                "li",
                &new(6, "social_org", "420202", "4-03-02-01 5"),
                on,
            )
            .await
            .unwrap();
        let other = store
            .register(
                &hubei(),
                "li",
                &new(7, "social_org", "420106", "4-03-02-02 5"),
                on,
            )
            .await
            .unwrap();
        // Adding the full occupation to a 社评组织's scope is held to the same limit…
        let add = store
            .add_scope(
                &hubei(),
                "li",
                &other,
                &[(occ("4-03-02-01"), level(5))],
                "扩项",
                on,
            )
            .await;
        assert!(matches!(refusal(add), Refusal::SocialOrgLimit { .. }));
        // …more levels of an occupation it holds are not,
        store
            .add_scope(
                &hubei(),
                "li",
                &other,
                &[(occ("4-03-02-02"), level(4))],
                "扩级",
                on,
            )
            .await
            .unwrap();
        // and when one of the three ends, the place is free again.
        store
            .terminate(&hubei(), "li", &three[0], "自愿申请终止 (第二十二条)", on)
            .await
            .unwrap();
        store
            .add_scope(
                &hubei(),
                "li",
                &other,
                &[(occ("4-03-02-01"), level(5))],
                "扩项",
                on,
            )
            .await
            .unwrap();
        assert_eq!(
            store.standing(&hubei(), &three[0], on).await.unwrap(),
            Standing::Terminated
        );
        store.close().await;
    });
}

fn renewal_only_in_the_three_months_before_expiry(b: Backend) {
    let db = fresh(b, "reg_renew");
    rt().block_on(async {
        let store = open(&db).await;
        let i = store
            .register(
                &hubei(),
                "zhao",
                &new(1, "employer", "420100", "6-22-01-01 5"),
                d("2024-01-01"),
            )
            .await
            .unwrap();
        let r = store
            .registration(&hubei(), &i, d("2024-01-01"))
            .await
            .unwrap();
        assert_eq!(r.institution.expires_on, d("2026-12-31"));
        assert_eq!(r.renewal_opens, d("2026-10-01"));
        assert_eq!(
            store.standing(&hubei(), &i, d("2026-09-30")).await.unwrap(),
            Standing::Normal
        );
        assert_eq!(
            store.standing(&hubei(), &i, d("2026-10-01")).await.unwrap(),
            Standing::Expiring
        );
        let early = store
            .renew(&hubei(), "zhao", &i, d("2026-09-30"), d("2026-09-30"))
            .await;
        assert_eq!(
            refusal(early),
            Refusal::RenewalNotYetOpen {
                expires_on: d("2026-12-31"),
                opens_on: d("2026-10-01")
            }
        );
        assert_eq!(actions(&store, &i).await, [Action::Register]);
        let renewed = store
            .renew(&hubei(), "zhao", &i, d("2026-10-15"), d("2026-10-15"))
            .await
            .unwrap();
        assert_eq!(renewed, d("2029-12-31"));
        let r = store
            .registration(&hubei(), &i, d("2026-10-15"))
            .await
            .unwrap();
        assert_eq!(r.institution.expires_on, d("2029-12-31"));
        assert_eq!(r.institution.registered_on, d("2024-01-01"));
        assert_eq!(r.standing, Standing::Normal);
        let h = store.history(&hubei(), &i).await.unwrap();
        let last = h.last().unwrap();
        assert_eq!(last.action, Action::Renew);
        assert_eq!(last.before.as_ref().unwrap()["expires_on"], "2026-12-31");
        assert_eq!(last.after.as_ref().unwrap()["expires_on"], "2029-12-31");
        // Once renewed, the next window is three years on.
        assert!(matches!(
            refusal(
                store
                    .renew(&hubei(), "zhao", &i, d("2026-10-16"), d("2026-10-16"))
                    .await
            ),
            Refusal::RenewalNotYetOpen { .. }
        ));
        // Too late: the registration has lapsed, with or without the expiry job.
        let old = store
            .register(
                &hubei(),
                "zhao",
                &new(2, "employer", "420100", "6-22-01-01 5"),
                d("2020-01-01"),
            )
            .await
            .unwrap();
        assert!(matches!(
            refusal(
                store
                    .renew(&hubei(), "zhao", &old, d("2023-01-05"), d("2023-01-05"))
                    .await
            ),
            Refusal::Expired { .. }
        ));
        store.close().await;
    });
}

fn expiry_is_automatic_after_a_reminder_and_recorded_once(b: Backend) {
    let db = fresh(b, "reg_expire");
    rt().block_on(async {
        let store = open(&db).await;
        let mut ids = Vec::new();
        for (n, on) in [(1, "2020-01-01"), (2, "2020-06-01"), (3, "2021-01-01")] {
            ids.push(
                store
                    .register(
                        &hubei(),
                        "sun",
                        &new(n, "employer", "420100", "6-22-01-01 5"),
                        d(on),
                    )
                    .await
                    .unwrap(),
            );
        }
        store
            .suspend(&hubei(), "sun", &ids[2], "限期整改", d("2022-01-01"))
            .await
            .unwrap();
        // 第二十条 "经提醒": each is reminded (1 week before) before it lapses; one
        // never reminded would wait for an official (Store::confirm_expiry).
        for last_day in ["2022-12-31", "2023-05-31", "2023-12-31"] {
            store
                .send_renewal_reminders("system", d(last_day))
                .await
                .unwrap();
        }
        // Past expiry the standing is 已到期 before the job has run.
        assert_eq!(
            store
                .standing(&hubei(), &ids[0], d("2023-01-01"))
                .await
                .unwrap(),
            Standing::Expired
        );
        assert_eq!(
            store.expire_due("system", d("2022-12-31")).await.unwrap(),
            0
        );
        assert_eq!(
            store.expire_due("system", d("2023-01-01")).await.unwrap(),
            1
        );
        assert_eq!(
            store.expire_due("system", d("2023-01-01")).await.unwrap(),
            0
        );
        assert_eq!(
            store.expire_due("system", d("2023-06-01")).await.unwrap(),
            1
        );
        // A suspended registration lapses too.
        assert_eq!(
            store.expire_due("system", d("2024-01-01")).await.unwrap(),
            1
        );
        assert_eq!(
            store.expire_due("system", d("2025-01-01")).await.unwrap(),
            0
        );
        for (i, expired_from) in ids.iter().zip(["2023-01-01", "2023-06-01", "2024-01-01"]) {
            let r = store
                .registration(&hubei(), i, d("2025-01-01"))
                .await
                .unwrap();
            assert_eq!(r.institution.status.code(), "terminated");
            assert_eq!(r.institution.status_since, Some(d(expired_from)));
            assert_eq!(r.standing, Standing::Expired);
            let expiries = actions(&store, i)
                .await
                .into_iter()
                .filter(|a| *a == Action::Expire)
                .count();
            assert_eq!(expiries, 1, "{i:?}");
        }
        let h = store.history(&hubei(), &ids[0]).await.unwrap();
        let e = h.last().unwrap();
        assert_eq!(e.by_user.as_deref(), Some("system"));
        assert_eq!(e.before.as_ref().unwrap()["status"], "active");
        assert_eq!(e.after.as_ref().unwrap()["status"], "terminated");
        assert_eq!(e.after.as_ref().unwrap()["status_since"], "2023-01-01");
        assert!(matches!(
            refusal(
                store
                    .renew(&hubei(), "sun", &ids[0], d("2023-02-01"), d("2023-02-01"))
                    .await
            ),
            Refusal::Expired { .. }
        ));
        // Expiry bars nothing: the institution may register anew.
        let again = store
            .register(
                &hubei(),
                "sun",
                &new(1, "employer", "420100", "6-22-01-01 5"),
                d("2023-02-01"),
            )
            .await
            .unwrap();
        assert_ne!(again, ids[0]);
        store.close().await;
    });
}

fn batch(n: u32, institution: &InstitutionId, start: &str) -> Batch {
    let at = domain::time::parse_datetime(start).unwrap();
    Batch {
        batch_id: BatchId::parse(&format!("B{n:06}")).unwrap(),
        institution_id: institution.clone(),
        occupation_code: occ("6-22-01-01"),
        level: level(5),
        site_id: None,
        start_at: at,
        end_at: at + chrono::Duration::hours(4),
        filed_at: None,
        internal_supervisor_id: None,
        supervision_record_at: None,
    }
}

fn dormancy_is_proposed_then_cancelled_and_barred_for_three_years(b: Backend) {
    let db = fresh(b, "reg_dormant");
    rt().block_on(async {
        let store = open(&db).await;
        let reg = |n: u32, on: &'static str| {
            let store = &store;
            async move {
                store
                    .register(
                        &hubei(),
                        "zhou",
                        &new(n, "employer", "420100", "6-22-01-01 5"),
                        d(on),
                    )
                    .await
                    .unwrap()
            }
        };
        let a = reg(1, "2020-01-01").await;
        let bb = reg(2, "2020-01-01").await;
        let c = reg(3, "2020-09-01").await;
        let mut t = Tables::default();
        t.batches.push(batch(1, &bb, "2020-11-01 09:00"));
        t.batches.push(batch(2, &a, "2021-06-01 09:00")); // a plan for later
        t.present.insert(Table::Batches);
        store.import(&t, &ImportOptions::default()).await.unwrap();

        // On 2021-03-01: A idle for a year (its plan is in the future), B active in
        // November, C registered less than a year ago.
        let today = d("2021-03-01");
        assert_eq!(
            store.propose_cancellations("system", today).await.unwrap(),
            std::slice::from_ref(&a)
        );
        assert_eq!(
            store.propose_cancellations("system", today).await.unwrap(),
            []
        );
        let r = store.registration(&hubei(), &a, today).await.unwrap();
        assert_eq!(
            (r.standing, r.proposed_on, r.last_activity),
            (Standing::Proposed, Some(today), None)
        );
        let last = store
            .last_activity(&hubei(), &[a.clone(), bb.clone()], today)
            .await
            .unwrap();
        assert_eq!(last.get(&bb), Some(&d("2020-11-01")));
        assert!(!last.contains_key(&a));
        assert!(matches!(
            refusal(
                store
                    .renew(&hubei(), "zhou", &a, d("2022-10-01"), d("2022-10-01"))
                    .await
            ),
            Refusal::AlreadyProposed { .. }
        ));
        assert_eq!(
            refusal(store.cancel(&hubei(), "zhou", &bb, "无", today).await),
            Refusal::NoProposal
        );
        assert_eq!(
            refusal(store.cancel(&hubei(), "zhou", &a, " ", today).await),
            Refusal::ReasonRequired
        );
        store
            .cancel(&hubei(), "zhou", &a, "公示期满无异议", d("2021-03-20"))
            .await
            .unwrap();
        assert_eq!(
            store.standing(&hubei(), &a, d("2021-03-20")).await.unwrap(),
            Standing::Cancelled
        );
        let h = store.history(&hubei(), &a).await.unwrap();
        assert_eq!(
            h.iter().map(|e| e.action).collect::<Vec<_>>(),
            [Action::Register, Action::ProposeCancel, Action::Cancel]
        );
        assert_eq!(h[2].after.as_ref().unwrap()["barred_until"], "2024-03-20");

        // 三年内不允许再申报备案.
        for on in ["2022-01-01", "2024-03-19"] {
            match refusal(
                store
                    .register(
                        &hubei(),
                        "zhou",
                        &new(1, "employer", "420100", "6-22-01-01 5"),
                        d(on),
                    )
                    .await,
            ) {
                Refusal::Barred {
                    cancelled_on,
                    reapply_from,
                } => {
                    assert_eq!(
                        (cancelled_on, reapply_from),
                        (d("2021-03-20"), d("2024-03-20"))
                    )
                }
                other => panic!("{other:?}"),
            }
        }
        let back = reg(1, "2024-03-20").await;
        assert_ne!(back, a);

        // A good reason shown in the 公示 withdraws the proposal.
        let later = d("2021-12-01");
        assert_eq!(
            store.propose_cancellations("system", later).await.unwrap(),
            [bb.clone(), c.clone()]
        );
        store
            .withdraw_proposal(&hubei(), "zhou", &bb, "疫情停考, 有正当理由", later)
            .await
            .unwrap();
        assert_eq!(
            store.standing(&hubei(), &bb, later).await.unwrap(),
            Standing::Normal
        );
        assert_eq!(
            refusal(
                store
                    .withdraw_proposal(&hubei(), "zhou", &bb, "再次", later)
                    .await
            ),
            Refusal::NoProposal
        );
        store
            .cancel(&hubei(), "zhou", &c, "公示期满无异议", later)
            .await
            .unwrap();
        assert!(matches!(
            refusal(
                store
                    .register(
                        &hubei(),
                        "zhou",
                        &new(3, "employer", "420100", "6-22-01-01 5"),
                        d("2022-01-01")
                    )
                    .await
            ),
            Refusal::Barred { .. }
        ));
        // A cancelled registration does not expire again; B, reminded a week
        // before its term ends (第二十条 经提醒), does.
        store
            .send_renewal_reminders("system", d("2022-12-24"))
            .await
            .unwrap();
        assert_eq!(
            store.expire_due("system", d("2023-06-01")).await.unwrap(),
            1
        ); // B
        store.close().await;
    });
}

fn a_caller_acts_only_within_their_scope(b: Backend) {
    let db = fresh(b, "reg_scope");
    rt().block_on(async {
        let store = open(&db).await;
        let on = d("2024-05-06");
        let x = store
            .register(
                &hubei(),
                "prov",
                &new(1, "employer", "420202", "6-22-01-01 5"),
                on,
            )
            .await
            .unwrap();
        let wuhan = region("420100");
        let info = BasicInfo::parse(&BasicForm {
            name: "改名".into(),
            ..BasicForm::default()
        })
        .unwrap();
        let site = NewSite::parse("武汉市某路1号", "").unwrap();
        let c01 = SiteId::parse("I4202000001-C01").unwrap();
        let why = "理由";
        forbidden(
            store
                .register(
                    &wuhan,
                    "wh",
                    &new(2, "employer", "420202", "6-22-01-01 5"),
                    on,
                )
                .await,
        );
        forbidden(store.change_basic(&wuhan, "wh", &x, &info, why, on).await);
        forbidden(
            store
                .add_scope(&wuhan, "wh", &x, &[(occ("6-22-01-01"), level(4))], why, on)
                .await,
        );
        forbidden(
            store
                .remove_scope(&wuhan, "wh", &x, &[(occ("6-22-01-01"), level(5))], why, on)
                .await,
        );
        forbidden(store.add_site(&wuhan, "wh", &x, &site, why, on).await);
        forbidden(store.revoke_site(&wuhan, "wh", &x, &c01, why, on).await);
        forbidden(store.renew(&wuhan, "wh", &x, on, on).await);
        forbidden(store.withdraw_proposal(&wuhan, "wh", &x, why, on).await);
        forbidden(store.cancel(&wuhan, "wh", &x, why, on).await);
        forbidden(store.suspend(&wuhan, "wh", &x, why, on).await);
        forbidden(store.terminate(&wuhan, "wh", &x, why, on).await);
        forbidden(store.history(&wuhan, &x).await);
        forbidden(store.standing(&wuhan, &x, on).await);
        forbidden(store.registration(&wuhan, &x, on).await);
        assert!(
            store
                .last_activity(&wuhan, std::slice::from_ref(&x), on)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(actions(&store, &x).await, [Action::Register]);
        // Its own city and district may; the institution itself reads but never writes.
        let huangshi = region("420200");
        store
            .change_basic(&huangshi, "hs", &x, &info, why, on)
            .await
            .unwrap();
        store
            .add_site(&region("420202"), "xs", &x, &site, why, on)
            .await
            .unwrap();
        let clerk = DataScope::Institution(x.clone());
        assert_eq!(store.history(&clerk, &x).await.unwrap().len(), 3);
        assert_eq!(
            store.standing(&clerk, &x, on).await.unwrap(),
            Standing::Normal
        );
        forbidden(store.suspend(&clerk, "clerk", &x, why, on).await);
        forbidden(
            store
                .register(
                    &clerk,
                    "clerk",
                    &new(3, "employer", "420202", "6-22-01-01 5"),
                    on,
                )
                .await,
        );
        assert!(matches!(
            store.history(&hubei(), &id("I4202009999")).await,
            Err(Error::NoSuchInstitution(_))
        ));
        // 谁备案谁监管 (机构管理办法 第五条(二)): a 省属企业 in Huangshi registered
        // 省本级 is the province's — neither Huangshi nor its district act on it
        // or see it; a city may not register 省本级 nor a 职业资格鉴定机构 (第五条(一)).
        let mut provincial = new(4, "employer", "420202", "6-22-01-01 5");
        provincial.provincial = true;
        forbidden(store.register(&huangshi, "hs", &provincial, on).await);
        forbidden(
            store
                .register(
                    &huangshi,
                    "hs",
                    &new(5, "qualification", "420202", "6-22-01-01 5"),
                    on,
                )
                .await,
        );
        let p = store
            .register(&hubei(), "prov", &provincial, on)
            .await
            .unwrap();
        forbidden(store.history(&huangshi, &p).await);
        forbidden(store.history(&region("420202"), &p).await);
        forbidden(
            store
                .change_basic(&huangshi, "hs", &p, &info, why, on)
                .await,
        );
        assert_eq!(store.history(&hubei(), &p).await.unwrap().len(), 1);
        store.close().await;
    });
}

fn history_lists_every_change_with_before_and_after(b: Backend) {
    let db = fresh(b, "reg_history");
    rt().block_on(async {
        let store = open(&db).await;
        let s = hubei();
        let on = d("2024-05-06");
        let i = store
            .register(
                &s,
                "qian",
                &new(1, "social_org", "420111", "4-03-02-01 5,4"),
                on,
            )
            .await
            .unwrap();
        let renamed = BasicInfo::parse(&BasicForm {
            name: "武汉市新名称评价中心".into(),
            phone: "027-11112222".into(),
            employee_count: "35".into(),
        })
        .unwrap();
        assert_eq!(
            refusal(store.change_basic(&s, "qian", &i, &renamed, "", on).await),
            Refusal::ReasonRequired
        );
        store
            .change_basic(&s, "qian", &i, &renamed, "更名", d("2024-06-01"))
            .await
            .unwrap();
        assert_eq!(
            refusal(
                store
                    .change_basic(&s, "qian", &i, &renamed, "更名", on)
                    .await
            ),
            Refusal::NothingChanged
        );
        store
            .add_scope(
                &s,
                "qian",
                &i,
                &[(occ("4-03-02-01"), level(3)), (occ("4-03-02-01"), level(3))],
                "扩级",
                d("2024-07-01"),
            )
            .await
            .unwrap();
        assert!(matches!(
            refusal(
                store
                    .add_scope(
                        &s,
                        "qian",
                        &i,
                        &[(occ("4-03-02-01"), level(3))],
                        "扩级",
                        d("2024-07-01")
                    )
                    .await
            ),
            Refusal::ScopeExists { .. }
        ));
        store
            .remove_scope(
                &s,
                "qian",
                &i,
                &[(occ("4-03-02-01"), level(5))],
                "不再开展初级",
                d("2024-08-01"),
            )
            .await
            .unwrap();
        assert!(matches!(
            refusal(
                store
                    .remove_scope(
                        &s,
                        "qian",
                        &i,
                        &[(occ("4-03-02-01"), level(5))],
                        "再减",
                        d("2024-08-02")
                    )
                    .await
            ),
            Refusal::NoSuchScope { .. }
        ));
        let site = store
            .add_site(
                &s,
                "qian",
                &i,
                &NewSite::parse("武汉市洪山区新址8号", "80").unwrap(),
                "新增场所",
                d("2024-09-01"),
            )
            .await
            .unwrap();
        assert_eq!(site.as_str(), "I4201000001-C03");
        store
            .revoke_site(
                &s,
                "qian",
                &i,
                &SiteId::parse("I4201000001-C01").unwrap(),
                "场地到期",
                d("2024-10-01"),
            )
            .await
            .unwrap();
        assert!(matches!(
            refusal(
                store
                    .revoke_site(
                        &s,
                        "qian",
                        &i,
                        &SiteId::parse("I4201000001-C01").unwrap(),
                        "再撤",
                        d("2024-10-02")
                    )
                    .await
            ),
            Refusal::NoSuchSite { .. }
        ));
        store
            .suspend(&s, "qian", &i, "限期整改", d("2024-11-01"))
            .await
            .unwrap();
        assert_eq!(
            store.standing(&s, &i, d("2024-11-01")).await.unwrap(),
            Standing::Suspended
        );
        assert!(matches!(
            refusal(store.suspend(&s, "qian", &i, "再停", d("2024-11-02")).await),
            Refusal::NotPossible { .. }
        ));
        store
            .reinstate(&s, "qian", &i, "整改完成", d("2024-12-01"))
            .await
            .unwrap();

        let h = store.history(&s, &i).await.unwrap();
        assert_eq!(
            h.iter().map(|e| e.action).collect::<Vec<_>>(),
            [
                Action::Register,
                Action::ChangeBasic,
                Action::AddScope,
                Action::RemoveScope,
                Action::AddSite,
                Action::RevokeSite,
                Action::Suspend,
                Action::Reinstate,
            ]
        );
        assert!(
            h.windows(2)
                .all(|w| w[0].at <= w[1].at && w[0].event_id < w[1].event_id)
        );
        let ba = |k: usize| {
            (
                h[k].before.clone().unwrap_or_default(),
                h[k].after.clone().unwrap_or_default(),
            )
        };
        let (b1, a1) = ba(1);
        assert_eq!(
            (b1["name"].as_str(), a1["name"].as_str()),
            (Some("测试评价机构1"), Some("武汉市新名称评价中心"))
        );
        assert_eq!(
            (b1["employee_count"].clone(), a1["employee_count"].clone()),
            (serde_json::Value::Null, 35.into())
        );
        assert_eq!(h[1].reason.as_deref(), Some("更名"));
        let (_, a2) = ba(2);
        assert_eq!(a2.as_array().unwrap().len(), 1);
        assert_eq!(a2[0]["level"], 3);
        let (b3, a3) = ba(3);
        assert_eq!(
            (b3[0]["valid_to"].clone(), a3[0]["valid_to"].clone()),
            (serde_json::Value::Null, "2024-07-31".into())
        );
        let (_, a4) = ba(4);
        assert_eq!(
            (a4["site_id"].as_str(), a4["capacity"].as_i64()),
            (Some("I4201000001-C03"), Some(80))
        );
        let (b5, a5) = ba(5);
        assert_eq!(
            (b5["revoked_on"].clone(), a5["revoked_on"].clone()),
            (serde_json::Value::Null, "2024-10-01".into())
        );
        let (b6, a6) = ba(6);
        assert_eq!(
            (b6["status"].as_str(), a6["status"].as_str()),
            (Some("active"), Some("suspended"))
        );

        let r = store.registration(&s, &i, d("2024-12-01")).await.unwrap();
        assert_eq!(r.institution.name, "武汉市新名称评价中心");
        assert_eq!(r.institution.employee_count, Some(35));
        assert_eq!(r.institution.status_since, Some(d("2024-12-01")));
        let current: Vec<u8> = r
            .scopes
            .iter()
            .filter(|s| s.valid_to.is_none())
            .map(|s| s.level.number())
            .collect();
        assert_eq!(current, [4, 3]);
        assert_eq!(r.sites.iter().filter(|s| s.revoked_on.is_none()).count(), 2);
        store.close().await;
    });
}
