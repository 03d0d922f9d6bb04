use crate::store::{Backend, fresh, open, province, rt, suite};
use store::ImportOptions;
suite!(probe);
fn probe(b: Backend) {
    let db = fresh(b, "probe");
    let src = tempfile::tempdir().unwrap();
    let t0 = std::time::Instant::now();
    let tables = province(src.path(), 7);
    eprintln!("gen {:?} policy {:?} as_of {:?} sanctions {} present {:?}", t0.elapsed(), tables.meta.policy, tables.meta.as_of, tables.sanctions.len(), tables.present.contains(&domain::model::Table::Sanctions));
    rt().block_on(async {
        let store = open(&db).await;
        store.import(&tables, &ImportOptions::default()).await.unwrap();
        eprintln!("import {:?}", t0.elapsed());
        eprintln!("{:?}", web::screening::screen_store(&store).await);
        eprintln!("screen {:?}", t0.elapsed());
        let book = store.case_rulebook().await.unwrap();
        let fs = store.findings(&store::FindingFilter::default()).await.unwrap();
        let mut by = std::collections::BTreeMap::new();
        for f in &fs {
            let k = domain::finding::FindingKind::from_id(&f.rule).unwrap();
            let e = book.entry(k);
            *by.entry((f.rule.clone(), f.severity.clone(), e.article.clone(), f.subject.candidate_id.is_some(), f.subject.person_id.is_some())).or_insert(0) += 1;
        }
        for (k, n) in by { eprintln!("{k:?} {n}"); }
    });
}
