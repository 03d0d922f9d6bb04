//! Every finding's evidence reads as a Chinese table: screens generated provinces
//! with many planted violations and renders each finding's evidence the way the
//! finding page does; fails on a key without a Chinese label, or an English word
//! (three or more lower-case letters: an untranslated code) left in a value.

use domain::model::Dataset;
use domain::rulebook::Rulebook;
use std::collections::BTreeSet;

/// Lower-case ASCII words of three letters or more (codes like `theory`,
/// `bachelor`, `expired` that should have been shown in Chinese).
fn english_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_findings_evidence_is_a_labelled_chinese_table() {
    let mut kinds = BTreeSet::new();
    let mut unlabelled = BTreeSet::new();
    let mut english = BTreeSet::new();
    for seed in [11, 29] {
        let (tables, _) = dataset::generate::generate_tables(&dataset::generate::GenConfig {
            scale: 1,
            seed,
            violation_rate: 0.15,
            ..Default::default()
        });
        let ds = Dataset::new(tables).expect("unique keys");
        let book = Rulebook::national();
        let s = screen::screen(&ds, &screen::Options::new(&book));
        for f in &s.findings {
            kinds.insert(f.kind.id());
            let mut keys = Vec::new();
            web::evidence::keys(&f.evidence, &mut keys);
            for k in keys {
                if !web::evidence::is_known(&k) {
                    unlabelled.insert(format!("{} ({})", k, f.kind.id()));
                }
            }
            let links = web::evidence::Links {
                activities: true,
                institutions: true,
                certificates: true,
            };
            for row in web::evidence::rows(&f.evidence, links) {
                let texts: Vec<String> = match &row.value {
                    web::evidence::EvidenceValue::Cell(c) => vec![c.text.clone()],
                    web::evidence::EvidenceValue::Table { headers, rows } => headers
                        .iter()
                        .cloned()
                        .chain(rows.iter().flatten().map(|c| c.text.clone()))
                        .collect(),
                };
                for t in texts.iter().chain(std::iter::once(&row.label)) {
                    for w in english_words(t) {
                        english.insert(format!("{w} in {} of {}", row.label, f.kind.id()));
                    }
                }
            }
        }
    }
    assert!(kinds.len() >= 40, "{} finding kinds seen", kinds.len());
    assert!(
        unlabelled.is_empty(),
        "keys without a label: {unlabelled:?}"
    );
    assert!(english.is_empty(), "English left on the page: {english:?}");
}
