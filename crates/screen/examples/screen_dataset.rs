//! Screens a dataset directory or workbook and reports the time of each phase and,
//! if the directory holds the generator's labels.jsonl, recall and precision per
//! guide item (statistical item-11 kinds left out).
//!
//! `cargo run --release -p screen --example screen_dataset -- PATH [OUT_DIR] [POLICY]`

use domain::finding::{FindingKind, FindingSubject, Label};
use domain::rulebook::Rulebook;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

const STATISTICAL: [FindingKind; 6] = [
    FindingKind::AnswerCopying,
    FindingKind::ScoreHeaping,
    FindingKind::LowSpread,
    FindingKind::PassRateOutlier,
    FindingKind::LenientExaminer,
    FindingKind::ExaminerScoreConcentration,
];

fn main() {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().expect("PATH"));
    let out = args.next().map(PathBuf::from);
    let book = Rulebook::builtin(&args.next().unwrap_or_else(|| "national".into())).unwrap();

    let t = Instant::now();
    let loaded = dataset::read_dataset(&path, &dataset::ReadOptions::default()).unwrap();
    let ds = loaded.dataset;
    let read = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let last = std::sync::Mutex::new(Instant::now());
    let tick = |_: usize, _: usize, id: &str| {
        let mut l = last.lock().unwrap();
        if std::env::var_os("SCREEN_TIMES").is_some() {
            eprintln!("  {id:<32} {:.2} s", l.elapsed().as_secs_f64());
        }
        *l = Instant::now();
    };
    let opts = screen::Options {
        progress: Some(&tick),
        ..screen::Options::new(&book)
    };
    let s = screen::screen(&ds, &opts);
    let screening = t.elapsed().as_secs_f64();
    let t = Instant::now();
    if let Some(out) = &out {
        std::fs::create_dir_all(out).unwrap();
        let f = std::fs::File::create(out.join("findings.jsonl")).unwrap();
        screen::output::write_findings_jsonl(std::io::BufWriter::new(f), &s.findings).unwrap();
        let rows = screen::risk_list(&s, &ds);
        screen::output::write_risk_xlsx(&out.join("risk_list.xlsx"), &s, &rows, &ds, &book)
            .unwrap();
    }
    let write = t.elapsed().as_secs_f64();
    println!(
        "enrollments {}  findings {}  read {read:.1} s  screen {screening:.1} s  write {write:.1} s",
        ds.tables.enrollments.len(),
        s.findings.len()
    );

    let labels_path = path.join("labels.jsonl");
    let Ok(text) = std::fs::read_to_string(&labels_path) else {
        return;
    };
    let compared =
        |rule: &str| FindingKind::from_id(rule).is_some_and(|k| !STATISTICAL.contains(&k));
    let labels: BTreeSet<(String, FindingSubject)> = text
        .lines()
        .map(|l| serde_json::from_str::<Label>(l).unwrap())
        .filter(|l| compared(&l.rule))
        .map(|l| (l.rule, l.subject))
        .collect();
    let found: BTreeSet<(String, FindingSubject)> = s
        .findings
        .iter()
        .filter(|f| compared(f.kind.id()))
        .map(|f| (f.kind.id().to_string(), f.subject.clone()))
        .collect();
    let item = |rule: &str| FindingKind::from_id(rule).map_or(0, |k| k.default_item());
    let mut per: BTreeMap<u8, [usize; 3]> = BTreeMap::new();
    for l in &labels {
        let e = per.entry(item(&l.0)).or_default();
        e[0] += 1;
        e[2] += usize::from(found.contains(l));
    }
    for f in &found {
        per.entry(item(&f.0)).or_default()[1] += 1;
    }
    println!("item   labels findings  matched");
    for (i, [l, f, m]) in per {
        println!("{i:>4} {l:>8} {f:>8} {m:>8}");
    }
    for (what, a, b) in [("missed", &labels, &found), ("unlabelled", &found, &labels)] {
        let diff: Vec<_> = a.difference(b).take(5).collect();
        if !diff.is_empty() {
            println!("{what}: {diff:?}");
        }
    }
}
