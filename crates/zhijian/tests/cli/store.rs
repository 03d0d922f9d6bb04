//! The store conformance suite: every store operation, the kill -9 test and the
//! round trip, run against SQLite always and against PostgreSQL when
//! `ZHIJIAN_TEST_PG` holds a URL (each test then works in a database of its own,
//! created through that URL and dropped at the end).
//!
//! Each test is one function over a [`Backend`]; the `suite!` macro instantiates
//! it once per backend, so both run exactly the same assertions. The PostgreSQL
//! instances are `#[ignore]`d, so the README's plain `cargo test` needs no server
//! and lists them as ignored; `.ci/run` sets `ZHIJIAN_TEST_PG` and runs them with
//! `cargo test -p zhijian --test cli -- --ignored`. Run without the variable,
//! they fail and say why.

use dataset::generate::{GenConfig, generate_tables};
use dataset::{Format, ReadOptions, read_dataset, write_dataset};
use domain::model::{Table, Tables};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::{text, zhijian};
use domain::access::{DataScope, Role};
use std::time::{Duration, Instant};
use store::accounts::{LoginRefusal, NewAccount};
use store::{Address, FindingFilter, ImportOptions, Mark, Store};

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// A store of one test; the PostgreSQL database is dropped when it goes.
pub(crate) struct TestDb {
    pub(crate) url: String,
    pg_admin: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg_admin {
            let _ = rt().block_on(pg_exec(
                admin,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            ));
        }
    }
}

pub(crate) fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn pg_exec(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    use sqlx::{Connection, Executor};
    let mut c = sqlx::PgConnection::connect(url).await?;
    c.execute(sqlx::AssertSqlSafe(sql.to_string())).await?;
    c.close().await
}

/// A fresh, empty store for `test` on `backend`.
pub(crate) fn fresh(backend: Backend, test: &str) -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    match backend {
        Backend::Sqlite => TestDb {
            url: format!("sqlite:{}", dir.path().join("store.db").display()),
            pg_admin: None,
            _dir: dir,
        },
        Backend::Postgres => {
            let admin = std::env::var("ZHIJIAN_TEST_PG").expect(
                "ZHIJIAN_TEST_PG must hold a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test) \
                 for the PostgreSQL half of the suite",
            );
            let name = format!("zj_{}_{}", test, std::process::id());
            rt().block_on(async {
                pg_exec(
                    &admin,
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                )
                .await
                .unwrap();
                pg_exec(&admin, &format!("CREATE DATABASE {name}"))
                    .await
                    .expect("ZHIJIAN_TEST_PG can create databases");
            });
            let (base, query) = match admin.split_once('?') {
                Some((b, q)) => (b.to_string(), format!("?{q}")),
                None => (admin.clone(), String::new()),
            };
            let root = &base[..base.rfind('/').expect("a URL with a database")];
            TestDb {
                url: format!("{root}/{name}{query}"),
                pg_admin: Some((admin, name)),
                _dir: dir,
            }
        }
    }
}

pub(crate) async fn open(db: &TestDb) -> Store {
    Store::open(&Address::parse(&db.url).unwrap())
        .await
        .unwrap()
}

/// A generated province written to `dir` as CSV, and the tables as read back
/// (the reference every store read is compared with).
pub(crate) fn province(dir: &Path, seed: u64) -> Tables {
    let (tables, _) = generate_tables(&GenConfig {
        scale: 1,
        seed,
        ..GenConfig::default()
    });
    write_dataset(&tables, dir, Format::Csv).unwrap();
    read(dir)
}

fn read(dir: &Path) -> Tables {
    read_dataset(dir, &ReadOptions::default())
        .unwrap()
        .dataset
        .tables
}

fn import_opts() -> ImportOptions<'static> {
    ImportOptions {
        source: "test",
        progress: None,
    }
}

/// Instantiates each named `fn(Backend)` once per backend (PostgreSQL ignored
/// unless run with `--ignored`); other modules `use crate::store::{suite, Backend}`.
macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name(super::Backend::Sqlite) })*
        }
        mod postgres {
            $(
                #[test]
                #[ignore = "needs PostgreSQL: ZHIJIAN_TEST_PG=postgres://… cargo test -p zhijian --test cli -- --ignored"]
                fn $name() { super::$name(super::Backend::Postgres) }
            )*
        }
    };
}
pub(crate) use suite;

suite!(
    import_then_load_gives_the_rows_back_in_order,
    reimport_is_idempotent,
    a_newer_batch_replaces_the_old_one_and_nothing_else,
    a_malformed_file_is_refused_and_the_store_is_unchanged,
    a_reused_certificate_number_stays_as_evidence,
    screening_the_store_equals_screening_the_files,
    findings_keep_identity_and_marks_across_runs,
    export_then_import_is_lossless,
    kill_9_leaves_the_store_before_or_after,
    accounts_lock_after_five_failures_and_sessions_expire_when_idle,
);

fn import_then_load_gives_the_rows_back_in_order(b: Backend) {
    let db = fresh(b, "load");
    let src = tempfile::tempdir().unwrap();
    let tables = province(src.path(), 3);
    rt().block_on(async {
        let store = open(&db).await;
        assert!(store.present_tables().await.unwrap().is_empty());
        let r = store.import(&tables, &import_opts()).await.unwrap();
        let rows: u64 = Table::ALL
            .iter()
            .filter(|&&t| t != Table::Meta)
            .map(|&t| tables.len(t) as u64)
            .sum();
        assert_eq!(r.rows, rows);
        assert_eq!(r.replaced_rows, 0);
        let loaded = store.load().await.unwrap();
        assert!(loaded == tables, "the snapshot differs from the files");
        for (t, n) in store.counts().await.unwrap() {
            if t != Table::Meta {
                assert_eq!(n as usize, tables.len(t), "{t:?}");
            }
        }
        // Reopening applies no migration twice and keeps the data.
        store.close().await;
        let again = open(&db).await;
        assert_eq!(again.load().await.unwrap().enrollments, tables.enrollments);
        again.close().await;
    });
}

fn reimport_is_idempotent(b: Backend) {
    let db = fresh(b, "idem");
    let src = tempfile::tempdir().unwrap();
    let tables = province(src.path(), 5);
    rt().block_on(async {
        let store = open(&db).await;
        store.import(&tables, &import_opts()).await.unwrap();
        let before = store.counts().await.unwrap();
        let second = store.import(&tables, &import_opts()).await.unwrap();
        assert_eq!(
            second.replaced_rows, second.rows,
            "every row replaced by itself"
        );
        assert_eq!(second.replaced_batches as usize, tables.batches.len());
        assert_eq!(store.counts().await.unwrap(), before);
        assert!(store.load().await.unwrap() == tables);
        store.close().await;
    });
}

fn a_newer_batch_replaces_the_old_one_and_nothing_else(b: Backend) {
    let db = fresh(b, "batch");
    let src = tempfile::tempdir().unwrap();
    let tables = province(src.path(), 7);
    // The newer version of one batch: one candidate withdrawn (with their scores,
    // result, answers and certificate), another renamed, the supervision record filed.
    let batch = tables
        .batches
        .iter()
        .find(|bt| {
            tables
                .enrollments
                .iter()
                .filter(|e| e.batch_id == bt.batch_id)
                .count()
                >= 3
        })
        .unwrap()
        .clone();
    let id = batch.batch_id.clone();
    let of = |x: &domain::ids::BatchId| *x == id;
    let gone = tables
        .enrollments
        .iter()
        .find(|e| of(&e.batch_id))
        .unwrap()
        .candidate_id;
    let mut newer = Tables {
        present: [
            Table::Batches,
            Table::Enrollments,
            Table::Scores,
            Table::Results,
            Table::Certificates,
        ]
        .into(),
        ..Tables::default()
    };
    let mut nb = batch.clone();
    nb.supervision_record_at = Some(nb.end_at + chrono::Duration::hours(20));
    newer.batches.push(nb);
    newer.enrollments = tables
        .enrollments
        .iter()
        .filter(|e| of(&e.batch_id) && e.candidate_id != gone)
        .cloned()
        .collect();
    newer.enrollments[0].name = "改名后".into();
    newer.scores = tables
        .scores
        .iter()
        .filter(|s| of(&s.batch_id) && s.candidate_id != gone)
        .cloned()
        .collect();
    newer.results = tables
        .results
        .iter()
        .filter(|s| of(&s.batch_id) && s.candidate_id != gone)
        .cloned()
        .collect();
    newer.certificates = tables
        .certificates
        .iter()
        .filter(|c| c.batch_id.as_ref().is_some_and(of) && c.candidate_id != gone)
        .cloned()
        .collect();
    rt().block_on(async {
        let store = open(&db).await;
        store.import(&tables, &import_opts()).await.unwrap();
        let r = store.import(&newer, &import_opts()).await.unwrap();
        assert_eq!(r.replaced_batches, 1);
        let now = store.load().await.unwrap();
        // The batch is the newer version…
        let mine = |v: Vec<domain::model::Enrollment>| -> Vec<_> {
            v.into_iter().filter(|e| of(&e.batch_id)).collect()
        };
        assert_eq!(mine(now.enrollments.clone()), newer.enrollments);
        assert_eq!(
            now.batches.iter().find(|x| x.batch_id == id).unwrap(),
            &newer.batches[0]
        );
        // …its answers (not in the newer file's tables) are untouched…
        assert_eq!(now.answers, tables.answers);
        // …and every other batch is exactly as before.
        let others = |v: &[domain::model::Enrollment]| -> Vec<domain::model::Enrollment> {
            v.iter().filter(|e| !of(&e.batch_id)).cloned().collect()
        };
        assert_eq!(others(&now.enrollments), others(&tables.enrollments));
        assert_eq!(now.institutions, tables.institutions);
        assert_eq!(
            now.scores.len(),
            tables.scores.len()
                - tables
                    .scores
                    .iter()
                    .filter(|s| of(&s.batch_id) && s.candidate_id == gone)
                    .count()
        );
        assert!(
            !now.results
                .iter()
                .any(|r| of(&r.batch_id) && r.candidate_id == gone)
        );
        store.close().await;
    });
}

/// A later import of another batch that issues an already-stored certificate
/// number to someone else adds the second certificate: the duplicate number is a
/// finding (item 15), so the first one must stay.
fn a_reused_certificate_number_stays_as_evidence(b: Backend) {
    let db = fresh(b, "reuse");
    let src = tempfile::tempdir().unwrap();
    let tables = province(src.path(), 19);
    let first = tables
        .certificates
        .iter()
        .find(|c| c.batch_id.is_some())
        .unwrap();
    let other = tables
        .enrollments
        .iter()
        .find(|e| e.candidate_id != first.candidate_id)
        .unwrap();
    // It also carries a meta row with only a rulebook name (NULL dates bind on PostgreSQL too).
    let mut later = Tables {
        present: [Table::Meta, Table::Certificates].into(),
        meta: domain::model::Meta {
            policy: Some("hubei".into()),
            ..Default::default()
        },
        ..Tables::default()
    };
    let mut copy = first.clone();
    copy.candidate_id = other.candidate_id;
    copy.name = other.name.clone();
    copy.batch_id = Some(domain::ids::BatchId::parse("B-LATER-1").unwrap());
    later.certificates.push(copy.clone());
    rt().block_on(async {
        let store = open(&db).await;
        store.import(&tables, &import_opts()).await.unwrap();
        let r = store.import(&later, &import_opts()).await.unwrap();
        assert_eq!(r.replaced_rows, 0);
        let now = store.load().await.unwrap();
        let same: Vec<_> = now
            .certificates
            .iter()
            .filter(|c| c.cert_no == first.cert_no)
            .collect();
        assert_eq!(same, [first, &copy]);
        assert_eq!(now.meta, later.meta);
        // Importing the later file again replaces only its own certificate.
        let r = store.import(&later, &import_opts()).await.unwrap();
        assert_eq!(r.replaced_rows, 1);
        assert_eq!(
            store.load().await.unwrap().certificates.len(),
            tables.certificates.len() + 1
        );
        store.close().await;
    });
}

fn a_malformed_file_is_refused_and_the_store_is_unchanged(b: Backend) {
    let db = fresh(b, "refuse");
    let src = tempfile::tempdir().unwrap();
    let tables = province(src.path(), 9);
    let ok = zhijian(&["import", src.path().to_str().unwrap(), "--db", &db.url]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("rows/s"), "{}", text(&ok));
    // A second version with one bad ID number deep in the biggest table.
    let bad = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(src.path()).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, bad.path().join(p.file_name().unwrap())).unwrap();
    }
    let scores = std::fs::read_to_string(bad.path().join("scores.csv")).unwrap();
    let mut lines: Vec<String> = scores.lines().map(String::from).collect();
    let victim = lines.len() - 2;
    let first_id = lines[victim].split(',').nth(1).unwrap().to_string();
    let mut broken = first_id.clone();
    broken.replace_range(17..18, if &first_id[17..18] == "0" { "1" } else { "0" });
    lines[victim] = lines[victim].replacen(&first_id, &broken, 1);
    std::fs::write(bad.path().join("scores.csv"), lines.join("\n") + "\n").unwrap();
    let refused = zhijian(&["import", bad.path().to_str().unwrap(), "--db", &db.url]);
    assert!(!refused.status.success());
    let shown = text(&refused);
    assert!(
        shown.contains(&format!(
            "scores.csv (成绩) row {}, column candidate_id",
            victim + 1
        )),
        "{shown}"
    );
    rt().block_on(async {
        let store = open(&db).await;
        assert!(store.load().await.unwrap() == tables, "the store changed");
        store.close().await;
    });
}

fn screening_the_store_equals_screening_the_files(b: Backend) {
    let db = fresh(b, "screen");
    let src = tempfile::tempdir().unwrap();
    province(src.path(), 11);
    let out = tempfile::tempdir().unwrap();
    let (files, stored) = (out.path().join("files"), out.path().join("store"));
    let imp = zhijian(&["import", src.path().to_str().unwrap(), "--db", &db.url]);
    assert!(imp.status.success(), "{}", text(&imp));
    let f = zhijian(&[
        "screen",
        src.path().to_str().unwrap(),
        "--out",
        files.to_str().unwrap(),
    ]);
    assert!(f.status.success(), "{}", text(&f));
    let s = zhijian(&["screen", "--db", &db.url, "--out", stored.to_str().unwrap()]);
    assert!(s.status.success(), "{}", text(&s));
    let a = std::fs::read_to_string(files.join("findings.jsonl")).unwrap();
    let z = std::fs::read_to_string(stored.join("findings.jsonl")).unwrap();
    assert!(a.lines().count() > 100, "the province has findings");
    assert_eq!(
        a, z,
        "findings from the store differ from findings from the files"
    );
    assert!(text(&s).contains("run #1 recorded"), "{}", text(&s));

    // 首页's totals, counted when the run was recorded, equal the data's, for
    // the province and for one city.
    let t = read(src.path());
    // One runtime for the store's whole life: a pool's connections die with the
    // runtime that opened them.
    let runtime = rt();
    let store = runtime.block_on(open(&db));
    for scope in [
        DataScope::Everything,
        DataScope::Region(domain::RegionCode::parse("420100").unwrap()),
    ] {
        // Activities of unregistered institutions count for the administrator
        // (they are findings), for nobody else.
        let admits = |id: &domain::ids::InstitutionId| {
            scope == DataScope::Everything
                || t.institutions.iter().any(|i| {
                    &i.institution_id == id && scope.admits(id, &i.region_code, &i.authority())
                })
        };
        let batches: std::collections::HashMap<_, _> = t
            .batches
            .iter()
            .map(|b| (b.batch_id.clone(), b.institution_id.clone()))
            .collect();
        let want = (
            t.batches
                .iter()
                .filter(|b| admits(&b.institution_id))
                .count() as u64,
            t.enrollments
                .iter()
                .filter(|e| batches.get(&e.batch_id).is_some_and(admits))
                .count() as u64,
            t.certificates
                .iter()
                .filter(|c| admits(&c.institution_id))
                .count() as u64,
        );
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let d = runtime.block_on(store.dashboard(&scope, today)).unwrap();
        assert_eq!(
            (d.batches, d.enrollments, d.certificates),
            want,
            "{scope:?}"
        );
        assert!(want.0 > 0 && want.1 > 0 && want.2 > 0);
        let months: u64 = d.by_month.iter().map(|(_, n, _)| n).sum();
        assert_eq!(months, want.0, "activities per month add up ({scope:?})");
    }
}

fn findings_keep_identity_and_marks_across_runs(b: Backend) {
    let db = fresh(b, "marks");
    let src = tempfile::tempdir().unwrap();
    province(src.path(), 13);
    let out = tempfile::tempdir().unwrap();
    let outs = out.path().to_str().unwrap();
    assert!(
        zhijian(&["import", src.path().to_str().unwrap(), "--db", &db.url])
            .status
            .success()
    );
    let first = zhijian(&["screen", "--db", &db.url, "--out", outs]);
    assert!(first.status.success(), "{}", text(&first));
    let (confirm, dismiss, total) = rt().block_on(async {
        let store = open(&db).await;
        let all = store
            .findings(&DataScope::Everything, &FindingFilter::default())
            .await
            .unwrap();
        let (c, d) = (all[0].finding_id, all[all.len() - 1].finding_id);
        // Marks need a reason and an existing finding.
        assert!(
            store
                .mark(c, Mark::Confirmed, "  ", "张三", marked_at())
                .await
                .is_err()
        );
        assert!(
            store
                .mark(999_999, Mark::Confirmed, "理由", "张三", marked_at())
                .await
                .is_err()
        );
        store
            .mark(c, Mark::Confirmed, "现场核查属实", "张三", marked_at())
            .await
            .unwrap();
        store.close().await;
        (c, d, all.len())
    });
    let cli = zhijian(&[
        "mark",
        &dismiss.to_string(),
        "dismissed",
        "--reason",
        "材料补正后符合条件",
        "--by",
        "李四",
        "--db",
        &db.url,
    ]);
    assert!(cli.status.success(), "{}", text(&cli));
    let second = zhijian(&["screen", "--db", &db.url, "--out", outs]);
    let shown = text(&second);
    assert!(second.status.success(), "{shown}");
    assert!(
        shown.contains(&format!("run #2 recorded in {}: {total} findings, 0 new, 0 no longer found; already marked: 1 属实 confirmed, 1 排除 dismissed", db_display(&db.url))),
        "{shown}"
    );
    rt().block_on(async {
        let store = open(&db).await;
        let latest = store.latest_run().await.unwrap().unwrap();
        let all = store
            .findings(
                &DataScope::Everything,
                &FindingFilter {
                    run: Some(latest),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(all.len(), total);
        let c = all.iter().find(|f| f.finding_id == confirm).unwrap();
        assert_eq!(
            (c.status, c.status_reason.as_deref()),
            (Mark::Confirmed, Some("现场核查属实"))
        );
        assert_eq!((c.first_run, c.last_run), (1, latest));
        let d = all.iter().find(|f| f.finding_id == dismiss).unwrap();
        assert_eq!(
            (d.status, d.status_by.as_deref()),
            (Mark::Dismissed, Some("李四"))
        );
        let open_ones = store
            .findings(
                &DataScope::Everything,
                &FindingFilter {
                    status: Some(Mark::Open),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(open_ones.len(), total - 2);
        // Scoped: a city official sees the findings of their city's institutions,
        // a clerk those of their institution, nothing else.
        let tables = store.load().await.unwrap();
        let everything = store
            .findings(&DataScope::Everything, &FindingFilter::default())
            .await
            .unwrap();
        let inst = tables
            .institutions
            .iter()
            .find(|i| {
                everything
                    .iter()
                    .any(|f| f.subject.institution_id.as_deref() == Some(i.institution_id.as_str()))
            })
            .unwrap();
        // 谁备案谁监管: the city's institutions are those registered with it; a
        // finding about an institution absent from the registry is the city's when
        // the activity took place in it (its batch's site is there).
        let registered = |id: &str| {
            tables
                .institutions
                .iter()
                .find(|i| i.institution_id.as_str() == id)
        };
        let site_region = |batch: &str| {
            let b = tables
                .batches
                .iter()
                .find(|b| b.batch_id.as_str() == batch)?;
            let site = b.site_id.as_ref()?;
            tables
                .sites
                .iter()
                .find(|s| &s.site_id == site)?
                .region_code
        };
        // The city where the unregistered institution held an activity.
        let unregistered = everything
            .iter()
            .find(|f| f.rule == "scope.unregistered_institution")
            .expect("the generator plants one");
        let city = site_region(unregistered.subject.batch_id.as_deref().unwrap())
            .and_then(|r| r.city())
            .expect("its site has a region");
        let scope = DataScope::Region(city);
        let admitted = |f: &store::StoredFinding| match f
            .subject
            .institution_id
            .as_deref()
            .and_then(registered)
        {
            Some(i) => scope.admits(&i.institution_id, &i.region_code, &i.authority()),
            None => f
                .subject
                .batch_id
                .as_deref()
                .and_then(site_region)
                .is_some_and(|r| city.contains(&r)),
        };
        let city_view = store
            .findings(&scope, &FindingFilter::default())
            .await
            .unwrap();
        let expected: Vec<i64> = everything
            .iter()
            .filter(|f| admitted(f))
            .map(|f| f.finding_id)
            .collect();
        assert!(
            everything
                .iter()
                .any(|f| f.rule == "scope.unregistered_institution"
                    && expected.contains(&f.finding_id)),
            "the city sees the unregistered institution's activity held in it"
        );
        assert!(!expected.is_empty());
        assert_eq!(
            city_view.iter().map(|f| f.finding_id).collect::<Vec<_>>(),
            expected
        );
        let clerk_view = store
            .findings(
                &DataScope::Institution(inst.institution_id.clone()),
                &FindingFilter::default(),
            )
            .await
            .unwrap();
        assert!(!clerk_view.is_empty());
        assert!(
            clerk_view
                .iter()
                .all(|f| f.subject.institution_id.as_deref() == Some(inst.institution_id.as_str()))
        );
        store.close().await;
    });
}

fn db_display(url: &str) -> String {
    Address::parse(url).unwrap().display()
}

fn export_then_import_is_lossless(b: Backend) {
    let db = fresh(b, "export");
    let db2 = fresh(b, "export2");
    let src = tempfile::tempdir().unwrap();
    let tables = province(src.path(), 15);
    let out = tempfile::tempdir().unwrap();
    let csv = out.path().join("csv");
    let xlsx = out.path().join("store.xlsx");
    assert!(
        zhijian(&["import", src.path().to_str().unwrap(), "--db", &db.url])
            .status
            .success()
    );
    let e = zhijian(&["export", "--db", &db.url, "--out", csv.to_str().unwrap()]);
    assert!(e.status.success(), "{}", text(&e));
    let x = zhijian(&[
        "export",
        "--db",
        &db.url,
        "--out",
        xlsx.to_str().unwrap(),
        "--format",
        "xlsx",
        "--chinese-headers",
    ]);
    assert!(x.status.success(), "{}", text(&x));
    // The CSV export is the source, byte for byte.
    for entry in std::fs::read_dir(src.path()).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap();
        if p.extension().is_some_and(|e| e == "csv") {
            assert!(
                std::fs::read(&p).unwrap() == std::fs::read(csv.join(name)).unwrap(),
                "{name:?} differs after export"
            );
        }
    }
    assert!(read(&csv) == tables);
    assert!(
        read(&xlsx) == tables,
        "the xlsx export reads back differently"
    );
    // And back in: import → export → import gives the same store.
    let i = zhijian(&["import", xlsx.to_str().unwrap(), "--db", &db2.url]);
    assert!(i.status.success(), "{}", text(&i));
    rt().block_on(async {
        let store = open(&db2).await;
        assert!(store.load().await.unwrap() == tables);
        store.close().await;
    });
}

/// The other version of a province for the kill test: the same owners (batches,
/// institutions, keys), different contents, so importing one over the other
/// replaces every row and the store toggles between two exact states.
fn variant(t: &Tables) -> Tables {
    let mut v = t.clone();
    for i in &mut v.institutions {
        i.name = format!("{}（新）", i.name).into();
    }
    for p in &mut v.personnel {
        p.name = format!("{}甲", p.name).into();
    }
    let mut n = 0;
    v.enrollments.retain(|_| {
        n += 1;
        n % 10 != 0
    });
    v.scores.reverse();
    for c in v.certificates.iter_mut().step_by(7) {
        c.status = domain::enums::CertStatus::Void;
    }
    v
}

/// A smaller province (its first 60 batches and what hangs off them) so that a
/// hundred imports stay quick in a debug build.
fn trimmed(t: &Tables) -> Tables {
    let keep: std::collections::HashSet<_> = t
        .batches
        .iter()
        .take(60)
        .map(|b| b.batch_id.clone())
        .collect();
    let k = |b: &domain::ids::BatchId| keep.contains(b);
    let mut v = t.clone();
    v.batches.retain(|r| k(&r.batch_id));
    v.sessions.retain(|r| k(&r.batch_id));
    v.batch_staff.retain(|r| k(&r.batch_id));
    v.batch_changes.retain(|r| k(&r.batch_id));
    v.enrollments.retain(|r| k(&r.batch_id));
    v.scores.retain(|r| k(&r.batch_id));
    v.results.retain(|r| k(&r.batch_id));
    v.answers.retain(|r| k(&r.batch_id));
    v.certificates
        .retain(|r| r.batch_id.as_ref().is_some_and(k));
    v.access_log.truncate(500);
    v
}

fn kill_9_leaves_the_store_before_or_after(b: Backend) {
    const TRIALS: usize = 100;
    let db = fresh(b, "kill");
    let dir = tempfile::tempdir().unwrap();
    let (pa, pb) = (dir.path().join("a"), dir.path().join("b"));
    let (full_province, _) = generate_tables(&GenConfig {
        scale: 1,
        seed: 17,
        ..GenConfig::default()
    });
    write_dataset(&trimmed(&full_province), &pa, Format::Csv).unwrap();
    let a = read(&pa);
    write_dataset(&variant(&a), &pb, Format::Csv).unwrap();
    let b_tables = read(&pb);
    assert!(a != b_tables);
    let import = |path: &PathBuf| {
        Command::new(env!("CARGO_BIN_EXE_zhijian"))
            .args(["import", path.to_str().unwrap(), "--db", &db.url])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let runtime = rt();
    let state = |rt: &tokio::runtime::Runtime| {
        rt.block_on(async {
            let store = open(&db).await;
            let t = store.load().await.unwrap();
            store.close().await;
            if t == a {
                'a'
            } else if t == b_tables {
                'b'
            } else {
                panic!("the store is neither before nor after the import: partial state")
            }
        })
    };
    // One uninterrupted import of each version: how long one takes, and the start state.
    let t0 = Instant::now();
    assert!(import(&pb).wait().unwrap().success());
    assert!(import(&pa).wait().unwrap().success());
    let full = t0.elapsed() / 2;
    assert_eq!(state(&runtime), 'a');
    let mut current = 'a';
    let (mut killed_running, mut finished) = (0, 0);
    // Deterministic spread of kill points over an import's duration.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for trial in 0..TRIALS {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let delay = full.mul_f64((x % 1000) as f64 / 1000.0);
        let target = if current == 'a' { &pb } else { &pa };
        let mut child = import(target);
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed_running += 1;
        } else {
            finished += 1;
        }
        let _ = child.kill(); // SIGKILL on Unix
        child.wait().unwrap();
        if b == Backend::Postgres {
            // The server ends the dead client's session (and its transaction)
            // when it notices the closed socket; give it a moment.
            std::thread::sleep(Duration::from_millis(20));
        }
        let now = state(&runtime);
        assert!(
            now == current || now == if current == 'a' { 'b' } else { 'a' },
            "trial {trial}"
        );
        current = now;
    }
    eprintln!(
        "{b:?}: {TRIALS} trials, one import ≈ {:.0} ms; killed while running {killed_running}, finished first {finished}",
        full.as_secs_f64() * 1000.0
    );
    assert!(
        killed_running >= TRIALS / 2,
        "too few kills landed mid-import: {killed_running}"
    );
}

fn accounts_lock_after_five_failures_and_sessions_expire_when_idle(b: Backend) {
    let db = fresh(b, "accounts");
    let t0 = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let min = chrono::Duration::minutes;
    let region = |c: &str| Some(domain::RegionCode::parse(c).unwrap());
    let account = |u: &str, role: Role, r: Option<domain::RegionCode>, pw: &str| NewAccount {
        username: u.into(),
        display_name: u.into(),
        role,
        region: r,
        institution: None,
        password: pw.into(),
    };
    rt().block_on(async {
        let store = open(&db).await;
        // Creation rules: complexity, anchoring, unique names, scope of the creator.
        let weak = store
            .create_account(
                None,
                &account("wuhan", Role::City, region("420100"), "password"),
                t0,
            )
            .await;
        assert!(weak.unwrap_err().to_string().contains("10 位"));
        let wrong_tier = store
            .create_account(
                None,
                &account("wuhan", Role::City, region("420000"), "City-Office-2026"),
                t0,
            )
            .await;
        assert!(wrong_tier.is_err());
        store
            .create_account(
                None,
                &account(
                    "hubei",
                    Role::Province,
                    region("420000"),
                    "Prov-Office-2026",
                ),
                t0,
            )
            .await
            .unwrap();
        store
            .create_account(
                None,
                &account("wuhan", Role::City, region("420100"), "City-Office-2026"),
                t0,
            )
            .await
            .unwrap();
        let dup = store
            .create_account(
                None,
                &account("wuhan", Role::City, region("420100"), "City-Office-2026"),
                t0,
            )
            .await;
        assert!(dup.unwrap_err().to_string().contains("已被使用"));
        let wuhan = store
            .login("wuhan", "City-Office-2026", Some("10.0.0.8"), t0)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            wuhan.principal.scope,
            DataScope::Region(region("420100").unwrap())
        );
        let outside = store
            .create_account(
                Some(&wuhan.principal),
                &account("yichang", Role::City, region("420500"), "Yc-Office-2026x"),
                t0,
            )
            .await;
        assert!(
            matches!(outside, Err(store::Error::Forbidden(_))),
            "{outside:?}"
        );
        store
            .create_account(
                Some(&wuhan.principal),
                &account(
                    "jiangan",
                    Role::District,
                    region("420102"),
                    "Dist-Office-2026",
                ),
                t0,
            )
            .await
            .unwrap();

        // Sessions: alive while used, gone after 30 idle minutes.
        assert!(
            store
                .session(&wuhan.token, t0 + min(29))
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .session(&wuhan.token, t0 + min(58))
                .await
                .unwrap()
                .is_some(),
            "use keeps it alive"
        );
        assert!(
            store
                .session(&wuhan.token, t0 + min(89))
                .await
                .unwrap()
                .is_none(),
            "31 idle minutes"
        );
        assert!(store.session("not-a-token", t0).await.unwrap().is_none());

        // Five wrong passwords lock the account for 15 minutes, even the right one.
        for _ in 1..=4u32 {
            let r = store.login("hubei", "wrong", None, t0).await.unwrap();
            assert_eq!(r.unwrap_err(), LoginRefusal::BadCredentials);
        }
        let locked = store
            .login("hubei", "wrong", None, t0)
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(
            locked,
            LoginRefusal::Locked {
                until: Some(t0 + min(15))
            }
        );
        let still = store
            .login("hubei", "Prov-Office-2026", None, t0 + min(14))
            .await
            .unwrap();
        assert!(matches!(still, Err(LoginRefusal::Locked { .. })));
        let again = store
            .login("hubei", "Prov-Office-2026", None, t0 + min(16))
            .await
            .unwrap()
            .unwrap();
        store.logout(&again, None, t0 + min(17)).await.unwrap();
        assert!(
            store
                .session(&again.token, t0 + min(18))
                .await
                .unwrap()
                .is_none()
        );
        let unknown = store
            .login("nobody", "Whatever-2026", None, t0)
            .await
            .unwrap();
        assert_eq!(unknown.unwrap_err(), LoginRefusal::BadCredentials);

        // The operation log has it all, newest first.
        let log = store.operation_log(100, 0).await.unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions.iter().filter(|a| **a == "login_failed").count(),
            4 + 1 + 1 + 1
        );
        assert_eq!(
            actions.iter().filter(|a| **a == "account_locked").count(),
            1
        );
        assert_eq!(
            actions.iter().filter(|a| **a == "create_account").count(),
            3
        );
        assert_eq!(actions[0], "login_failed");
        assert_eq!(actions[1], "logout");
        assert!(
            log.iter()
                .any(|e| e.action == "login" && e.client.as_deref() == Some("10.0.0.8"))
        );
        store.close().await;
    });
}

#[test]
#[ignore = "needs PostgreSQL: ZHIJIAN_TEST_PG=postgres://… cargo test -p zhijian --test cli -- --ignored"]
fn both_backends_have_the_same_schema() {
    let pg = fresh(Backend::Postgres, "schema");
    let lite = fresh(Backend::Sqlite, "schema");
    rt().block_on(async {
        let (a, b) = (open(&lite).await, open(&pg).await);
        let (sa, sb) = (
            a.describe_schema().await.unwrap(),
            b.describe_schema().await.unwrap(),
        );
        assert!(sa.columns.len() > 150, "{} columns", sa.columns.len());
        assert_eq!(sa.columns, sb.columns);
        assert_eq!(sa.indexes, sb.indexes);
        assert_eq!(sa.foreign_keys, sb.foreign_keys);
        a.close().await;
        b.close().await;
    });
}

#[test]
fn the_sqlite_schema_is_described() {
    // Runs without PostgreSQL: the description the equivalence test relies on is sane.
    let lite = fresh(Backend::Sqlite, "describe");
    rt().block_on(async {
        let s = open(&lite).await.describe_schema().await.unwrap();
        let col = |t: &str, c: &str| {
            s.columns
                .iter()
                .find(|x| x.table == t && x.column == c)
                .cloned()
                .unwrap()
        };
        assert_eq!(col("scores", "score").family, "double precision");
        assert_eq!(col("batches", "start_at").family, "timestamp");
        assert!(col("batches", "seq").primary_key);
        assert!(!col("batches", "filed_at").not_null);
        assert!(s.indexes.iter().any(|i| i.name == "scores_key"
            && i.unique
            && i.columns == ["batch_id", "candidate_id", "subject"]));
        assert!(
            s.foreign_keys
                .iter()
                .any(|f| f.table == "run_findings" && f.target == "findings")
        );
    });
}

/// When the test marks findings (the store takes the caller's clock).
fn marked_at() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}
