//! Accuracy against the generator's labels: generate provinces at two seeds, screen
//! them with the national rulebook, and compare findings with labels per guide item
//! (a finding matches a label when rule and subject are equal). Prints the table;
//! asserts recall = 1 and precision ≥ 0.99 for every item, the statistical item-11
//! kinds (answer copying, heaping, spread, pass rate, examiners) included, and the
//! same per statistical kind.

use dataset::generate::{GenConfig, generate_tables};
use domain::finding::{FindingKind, FindingSubject, Label};
use domain::model::Dataset;
use domain::rulebook::Rulebook;
use screen::{Finding, Options, screen};
use std::collections::{BTreeMap, BTreeSet};

/// Item-11 kinds of the statistical detectors, also reported on their own.
const STATISTICAL: [FindingKind; 6] = [
    FindingKind::AnswerCopying,
    FindingKind::ScoreHeaping,
    FindingKind::LowSpread,
    FindingKind::PassRateOutlier,
    FindingKind::LenientExaminer,
    FindingKind::ExaminerScoreConcentration,
];

type Key = (String, FindingSubject);

#[derive(Default)]
struct Tally {
    labels: usize,
    findings: usize,
    matched: usize,
}

struct Outcome {
    per_item: BTreeMap<u8, Tally>,
    per_statistical: BTreeMap<&'static str, Tally>,
    missed: Vec<Label>,
    unlabelled: Vec<Finding>,
}

fn compared(rule: &str) -> bool {
    FindingKind::from_id(rule).is_some()
}

fn measure(config: &GenConfig) -> Outcome {
    let (tables, labels) = generate_tables(config);
    let ds = Dataset::new(tables).expect("the generator writes unique keys");
    let book = Rulebook::national();
    let s = screen(&ds, &Options::new(&book));
    let labels: Vec<Label> = labels.into_iter().filter(|l| compared(&l.rule)).collect();
    let findings: Vec<Finding> = s
        .findings
        .into_iter()
        .filter(|f| compared(f.kind.id()))
        .collect();
    let label_keys: BTreeSet<Key> = labels
        .iter()
        .map(|l| (l.rule.clone(), l.subject.clone()))
        .collect();
    let finding_keys: BTreeSet<Key> = findings
        .iter()
        .map(|f| (f.kind.id().to_string(), f.subject.clone()))
        .collect();
    let mut per_item: BTreeMap<u8, Tally> = BTreeMap::new();
    for l in &labels {
        let t = per_item.entry(l.item).or_default();
        t.labels += 1;
        if finding_keys.contains(&(l.rule.clone(), l.subject.clone())) {
            t.matched += 1;
        }
    }
    for f in &findings {
        per_item.entry(f.item).or_default().findings += 1;
    }
    let mut per_statistical: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for k in STATISTICAL {
        let t = per_statistical.entry(k.id()).or_default();
        for l in labels.iter().filter(|l| l.rule == k.id()) {
            t.labels += 1;
            if finding_keys.contains(&(l.rule.clone(), l.subject.clone())) {
                t.matched += 1;
            }
        }
        t.findings = findings.iter().filter(|f| f.kind == k).count();
    }
    let missed = labels
        .iter()
        .filter(|l| !finding_keys.contains(&(l.rule.clone(), l.subject.clone())))
        .cloned()
        .collect();
    let unlabelled = findings
        .iter()
        .filter(|f| !label_keys.contains(&(f.kind.id().to_string(), f.subject.clone())))
        .cloned()
        .collect();
    Outcome {
        per_item,
        per_statistical,
        missed,
        unlabelled,
    }
}

fn report(name: &str, o: &Outcome) -> Vec<String> {
    println!("\n{name}");
    println!(
        "{:>4} {:>8} {:>9} {:>8} {:>8} {:>10}",
        "item", "labels", "findings", "matched", "recall", "precision"
    );
    let mut problems = Vec::new();
    for (item, t) in &o.per_item {
        let recall = if t.labels == 0 {
            1.0
        } else {
            t.matched as f64 / t.labels as f64
        };
        let precision = if t.findings == 0 {
            1.0
        } else {
            t.matched as f64 / t.findings as f64
        };
        println!(
            "{item:>4} {:>8} {:>9} {:>8} {recall:>8.3} {precision:>10.3}",
            t.labels, t.findings, t.matched
        );
        if recall < 1.0 || precision < 0.99 {
            problems.push(format!(
                "{name}: item {item}: recall {recall:.3}, precision {precision:.3}"
            ));
        }
    }
    println!("  statistical kinds (item 11):");
    for (kind, t) in &o.per_statistical {
        println!(
            "  {kind:<34} labels {:>3} findings {:>3} matched {:>3}",
            t.labels, t.findings, t.matched
        );
        if t.matched < t.labels || t.matched < t.findings {
            problems.push(format!(
                "{name}: {kind}: {} labels, {} findings, {} matched",
                t.labels, t.findings, t.matched
            ));
        }
    }
    let mut by_rule: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for l in &o.missed {
        by_rule
            .entry(&l.rule)
            .or_default()
            .push(format!("missed label {:?}", l.subject));
    }
    for f in &o.unlabelled {
        by_rule
            .entry(f.kind.id())
            .or_default()
            .push(format!("unlabelled finding {:?}: {}", f.subject, f.message));
    }
    for (rule, list) in by_rule {
        println!("  {rule}: {} mismatches", list.len());
        for m in list.iter().take(3) {
            println!("    {m}");
        }
    }
    problems
}

#[test]
fn screening_finds_every_label_and_little_else() {
    let mut problems = Vec::new();
    for seed in [11, 29] {
        let config = GenConfig {
            scale: 1,
            seed,
            ..GenConfig::default()
        };
        let o = measure(&config);
        problems.extend(report(&format!("seed {seed}, scale 1"), &o));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn an_honest_province_gives_no_findings() {
    let config = GenConfig {
        scale: 1,
        seed: 5,
        violation_rate: 0.0,
        ..GenConfig::default()
    };
    let o = measure(&config);
    let shown: Vec<String> = o
        .unlabelled
        .iter()
        .take(10)
        .map(|f| format!("{} {:?}: {}", f.kind.id(), f.subject, f.message))
        .collect();
    assert!(
        o.unlabelled.is_empty(),
        "{} findings on honest data:\n{}",
        o.unlabelled.len(),
        shown.join("\n")
    );
}
