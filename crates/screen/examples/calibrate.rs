//! Calibration of the statistical detectors of item 11 (有组织舞弊), one command:
//!
//! `cargo run --release -p screen --example calibrate [-- --quick]`
//!
//! 1. False alarms: honest generated provinces (violation rate 0) over many seeds,
//!    screened by the forensics detectors: findings per 1,000 batches, per 1,000
//!    pairs and per 1,000 examiners, per detector; and how often honest p-values fall
//!    below nominal levels (a calibrated test stays at or below the level).
//! 2. Answer copying: provinces where a share of the batches carry a cluster of m
//!    copiers of an answer sheet with k wrong answers (noise 0.1); detection rate of
//!    the batches as a table over k and m.
//! 3. Heaping of a whole batch into [60, 64): detection rate by batch size.
//! 4. Every statistical kind at the generator's default injection: detection rate and
//!    findings on other subjects.
//!
//! Prints markdown tables. Scale-1 provinces (≈ 460 batches, ≈ 130,000 pairs each);
//! the Bonferroni bound of a province of that size is used, so power at larger scales
//! is a little lower for the pair test (its threshold scales with 1 / pairs).

use dataset::generate::{GenConfig, StatsParams, generate_tables};
use domain::finding::{FindingKind as K, Label};
use domain::model::Dataset;
use domain::rulebook::Rulebook;
use rayon::prelude::*;
use screen::forensics::{self, distribution, examiners, similarity};
use screen::{Ctx, Finding, Options, screen_with};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

const STATISTICAL: [K; 6] = [
    K::AnswerCopying,
    K::ScoreHeaping,
    K::LowSpread,
    K::PassRateOutlier,
    K::LenientExaminer,
    K::ExaminerScoreConcentration,
];

/// One screened province.
struct Run {
    labels: Vec<Label>,
    findings: Vec<Finding>,
    batches: usize,
    sizes: BTreeMap<String, usize>,
    batch_ids: Vec<String>,
    /// Per batch: the pairwise identical wrong answers of its theory takers (max, pairs ≥ 10).
    shared: BTreeMap<String, (usize, usize, usize)>,
    sim: similarity::Analysis,
    dist: distribution::Analysis,
    exam: examiners::Analysis,
}

fn run(config: &GenConfig) -> Run {
    let (tables, labels) = generate_tables(config);
    let ds = Dataset::new(tables).expect("unique keys");
    let book = Rulebook::national();
    let s = screen_with(&ds, &Options::new(&book), &forensics::detectors());
    let calendar = domain::workdays::Calendar::embedded();
    let ctx = Ctx::new(&ds, &book, None, &calendar);
    // Every pair past the variance screen gets both tails, so that the calibration
    // of the deciding tail is complete below 1e-3 (flagging is unaffected).
    let sim = similarity::analyse(
        &ctx,
        &similarity::Params {
            conditional_below: 0.2,
            screen_below: 0.2,
            ..similarity::Params::from_ctx(&ctx)
        },
    );
    let dist = distribution::analyse(&ctx);
    let exam = examiners::analyse(&ctx);
    let mut sizes = BTreeMap::new();
    for v in &ctx.views {
        let present = v
            .scores
            .chunk_by(|a, b| a.candidate_id == b.candidate_id)
            .count();
        sizes.insert(v.batch.batch_id.to_string(), present);
    }
    let mut shared = BTreeMap::new();
    {
        let keys: BTreeMap<&str, &[u8]> = ds
            .tables
            .papers
            .iter()
            .map(|p| (p.paper_id.as_str(), p.answer_key.as_bytes()))
            .collect();
        let mut by_batch: BTreeMap<&str, Vec<&domain::model::Answer>> = BTreeMap::new();
        for a in &ds.tables.answers {
            by_batch.entry(a.batch_id.as_str()).or_default().push(a);
        }
        for (b, v) in by_batch {
            let (mut max, mut big, mut n) = (0, 0, 0);
            for i in 0..v.len() {
                for j in i + 1..v.len() {
                    let Some(key) = keys.get(v[i].paper_id.as_str()) else {
                        continue;
                    };
                    let k = v[i]
                        .responses
                        .bytes()
                        .zip(v[j].responses.bytes())
                        .zip(key.iter())
                        .filter(|((x, y), k)| x == y && x != *k && *x != b'-')
                        .count();
                    max = max.max(k);
                    big += usize::from(k >= 10);
                    n += 1;
                }
            }
            shared.insert(b.to_string(), (max, big, n));
        }
    }
    Run {
        shared,
        labels,
        findings: s.findings,
        batches: ds.tables.batches.len(),
        sizes,
        batch_ids: ds
            .tables
            .batches
            .iter()
            .map(|b| b.batch_id.to_string())
            .collect(),
        sim,
        dist,
        exam,
    }
}

/// Prints what the analyses saw for labels without their finding (`--explain`).
fn explain(r: &Run, kind: K) {
    let hits: BTreeSet<_> = r
        .findings
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.subject.clone())
        .collect();
    let labelled: BTreeSet<_> = r
        .labels
        .iter()
        .filter(|l| l.rule == kind.id())
        .map(|l| l.subject.clone())
        .collect();
    for f in r
        .findings
        .iter()
        .filter(|f| f.kind == kind && !labelled.contains(&f.subject))
    {
        println!("  unlabelled {}: {}", kind.id(), f.message);
    }
    for l in r.labels.iter().filter(|l| l.rule == kind.id()) {
        if hits.contains(&l.subject) {
            continue;
        }
        let b = l.subject.batch_id.clone().unwrap_or_default();
        match kind {
            K::LenientExaminer | K::ExaminerScoreConcentration => {
                let p = l.subject.person_id.clone().unwrap_or_default();
                let e = r.exam.examiners.iter().find(|e| e.person_id.as_str() == p);
                println!("  missed {} {p}: {:?}", kind.id(), e);
            }
            _ => {
                let t = r
                    .dist
                    .tests
                    .iter()
                    .zip(&r.batch_ids)
                    .find(|(_, id)| **id == b)
                    .map(|(t, _)| t);
                let pairs: Vec<_> = r
                    .sim
                    .flagged
                    .iter()
                    .filter(|f| r.batch_ids[f.batch as usize] == b)
                    .collect();
                println!(
                    "  missed {} {b} (size {}): shared wrong (max, pairs ≥ 10, pairs) {:?}; flagged pairs {}; tests {:?}",
                    kind.id(),
                    r.sizes.get(&b).copied().unwrap_or(0),
                    r.shared.get(&b),
                    pairs.len(),
                    t,
                );
            }
        }
    }
}

fn config(seed: u64, rate: f64, stats: StatsParams) -> GenConfig {
    GenConfig {
        scale: 1,
        seed,
        violation_rate: rate,
        stats,
        ..GenConfig::default()
    }
}

fn only(kinds: &[K]) -> StatsParams {
    StatsParams {
        only: Some(kinds.to_vec()),
        ..StatsParams::default()
    }
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "–".into()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}

fn per_1000(a: usize, b: u64) -> String {
    if b == 0 {
        "–".into()
    } else {
        format!("{:.3}", 1000.0 * a as f64 / b as f64)
    }
}

/// `--perf=SCALE`: times the forensics detectors on one generated province
/// (default violation rate) of that scale.
fn perf(scale: u32) {
    let t = Instant::now();
    let (tables, labels) = generate_tables(&GenConfig {
        scale,
        seed: 1,
        ..GenConfig::default()
    });
    let ds = Dataset::new(tables).expect("unique keys");
    println!(
        "scale {scale}: {} batches, {} enrollments, {} answers, {} labels; generated in {:.1} s",
        ds.tables.batches.len(),
        ds.tables.enrollments.len(),
        ds.tables.answers.len(),
        labels.len(),
        t.elapsed().as_secs_f64()
    );
    let book = Rulebook::national();
    let t = Instant::now();
    let calendar = domain::workdays::Calendar::embedded();
    let ctx = Ctx::new(&ds, &book, None, &calendar);
    println!(
        "  context (shared with the rules): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let mut all = Vec::new();
    for d in forensics::detectors() {
        let t = Instant::now();
        let hits = d.run(&ctx);
        println!(
            "  {:<32} {:>6.2} s  {} findings",
            d.id(),
            t.elapsed().as_secs_f64(),
            hits.len()
        );
        all.extend(hits);
    }
    for k in STATISTICAL {
        let want: BTreeSet<_> = labels
            .iter()
            .filter(|l| l.rule == k.id())
            .map(|l| l.subject.clone())
            .collect();
        let got: BTreeSet<_> = all
            .iter()
            .filter(|h| h.kind == k)
            .map(|h| h.subject.clone())
            .collect();
        println!(
            "  {:<34} labels {:>4}  findings {:>4}  matched {:>4}",
            k.id(),
            want.len(),
            got.len(),
            want.intersection(&got).count()
        );
    }
    let t = Instant::now();
    let sim = similarity::analyse(&ctx, &similarity::Params::from_ctx(&ctx));
    println!(
        "  (similarity: {} sessions, {} pairs, threshold {:.1e}; {:.2} s)",
        sim.sessions,
        sim.pairs,
        sim.threshold,
        t.elapsed().as_secs_f64()
    );
}

fn main() {
    if let Some(scale) = std::env::args().find_map(|a| {
        a.strip_prefix("--perf=")
            .and_then(|s| s.parse::<u32>().ok())
    }) {
        perf(scale);
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let explaining = std::env::args().any(|a| a == "--explain");
    // `--sections=1,4` runs only those sections.
    let sections: Vec<u32> = std::env::args()
        .find_map(|a| a.strip_prefix("--sections=").map(str::to_string))
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2, 3, 4]);
    let started = Instant::now();
    let honest_seeds: u64 = if quick { 6 } else { 40 };
    let sweep_seeds: u64 = if quick { 1 } else { 3 };
    let kind_seeds: u64 = if quick { 2 } else { 6 };

    // ------------------------------------------------------------ 1. honest
    if sections.contains(&1) {
        let runs: Vec<Run> = (0..honest_seeds)
            .into_par_iter()
            .map(|s| run(&config(10_000 + s, 0.0, StatsParams::default())))
            .collect();
        let batches: u64 = runs.iter().map(|r| r.batches as u64).sum();
        let pairs: u64 = runs.iter().map(|r| r.sim.pairs).sum();
        let tested = |f: &dyn Fn(&Run) -> usize| runs.iter().map(|r| f(r) as u64).sum::<u64>();
        let found = |k: K| {
            runs.iter()
                .map(|r| r.findings.iter().filter(|f| f.kind == k).count())
                .sum::<usize>()
        };
        println!(
            "## Calibration of the item-11 statistical detectors\n\n### 1. False alarms on honest provinces\n\n{honest_seeds} honest provinces at scale 1 (violation rate 0, seeds 10000–{}): {batches} batches, {pairs} candidate pairs in theory sessions.\n",
            10_000 + honest_seeds - 1
        );
        println!(
            "| detector | units screened | false alarms | per 1,000 batches | per 1,000 units |"
        );
        println!("|---|---|---|---|---|");
        let rows: [(K, &str, u64); 6] = [
            (K::AnswerCopying, "pairs", pairs),
            (
                K::ScoreHeaping,
                "batches",
                tested(&|r| r.dist.heaping_tested),
            ),
            (K::LowSpread, "batches", tested(&|r| r.dist.spread_tested)),
            (
                K::PassRateOutlier,
                "batches",
                tested(&|r| r.dist.pass_rate_tested),
            ),
            (
                K::LenientExaminer,
                "examiners",
                tested(&|r| r.exam.lenient_tested),
            ),
            (
                K::ExaminerScoreConcentration,
                "examiners",
                tested(&|r| r.exam.concentration_tested),
            ),
        ];
        let mut total_fa = 0;
        for (k, unit, n) in rows {
            let fa = found(k);
            total_fa += fa;
            println!(
                "| `{}` | {n} {unit} | {fa} | {} | {} |",
                k.id(),
                per_1000(fa, batches),
                per_1000(fa, n)
            );
        }
        println!(
            "| all six | {batches} batches | {total_fa} | {} | |",
            per_1000(total_fa, batches)
        );
        // Nominal levels: how often honest raw p-values fall at or below a level.
        let mut levels = String::from(
            "\nHonest raw p-values at or below nominal levels (a calibrated test stays at or below the level; pairs: the tail given both candidates' numbers of wrong answers decides, the unconditional Poisson-binomial is shown for comparison):\n\n| test | tests | ≤ 1e-3 | ≤ 1e-4 | ≤ 1e-5 | ≤ 1e-6 | ≤ 1e-7 |\n|---|---|---|---|---|---|---|\n",
        );
        let tails: Vec<u64> = (0..similarity::TAIL_LEVELS)
            .map(|j| runs.iter().map(|r| r.sim.tail_counts[j]).sum())
            .collect();
        let tails_u: Vec<u64> = (0..similarity::TAIL_LEVELS)
            .map(|j| {
                runs.iter()
                    .map(|r| r.sim.tail_counts_unconditional[j])
                    .sum()
            })
            .collect();
        for (name, t) in [
            ("pair similarity (deciding)", &tails),
            ("pair similarity, unconditional", &tails_u),
        ] {
            levels.push_str(&format!("| {name} | {pairs} |"));
            for n in &t[1..=5] {
                levels.push_str(&format!(" {:.1e} ({n}) |", *n as f64 / pairs as f64));
            }
            levels.push('\n');
        }
        let share = |ps: &[f64], l: f64| {
            if ps.is_empty() {
                0.0
            } else {
                ps.iter().filter(|p| **p <= l).count() as f64 / ps.len() as f64
            }
        };
        let families: [(&str, Vec<f64>); 5] = [
            (
                "heaping",
                runs.iter()
                    .flat_map(|r| {
                        r.dist
                            .tests
                            .iter()
                            .filter_map(|t| t.heaping.as_ref().map(|x| x.0))
                    })
                    .collect(),
            ),
            (
                "small spread",
                runs.iter()
                    .flat_map(|r| {
                        r.dist
                            .tests
                            .iter()
                            .filter_map(|t| t.spread.as_ref().map(|x| x.0))
                    })
                    .collect(),
            ),
            (
                "pass rate",
                runs.iter()
                    .flat_map(|r| {
                        r.dist
                            .tests
                            .iter()
                            .filter_map(|t| t.pass_rate.as_ref().map(|x| x.0))
                    })
                    .collect(),
            ),
            (
                "lenient examiner",
                runs.iter()
                    .flat_map(|r| {
                        r.exam
                            .examiners
                            .iter()
                            .filter_map(|e| e.lenient.as_ref().map(|x| x.p))
                    })
                    .collect(),
            ),
            (
                "concentrated examiner",
                runs.iter()
                    .flat_map(|r| {
                        r.exam
                            .examiners
                            .iter()
                            .filter_map(|e| e.concentration.as_ref().map(|x| x.p))
                    })
                    .collect(),
            ),
        ];
        for (name, ps) in &families {
            levels.push_str(&format!("| {name} | {} |", ps.len()));
            for l in [1e-3, 1e-4, 1e-5, 1e-6, 1e-7] {
                let n = ps.iter().filter(|p| **p <= l).count();
                levels.push_str(&format!(" {:.1e} ({n}) |", share(ps, l)));
            }
            levels.push('\n');
        }
        println!("{levels}");
    }

    // ------------------------------------------------------------ 2. copying sweep
    if sections.contains(&2) {
        let ks: Vec<usize> = std::env::var("CAL_K")
            .ok()
            .map(|v| v.split(',').map(|x| x.parse().unwrap()).collect())
            .unwrap_or(vec![10, 15, 20, 25, 30, 40]);
        let ms: Vec<usize> = std::env::var("CAL_M")
            .ok()
            .map(|v| v.split(',').map(|x| x.parse().unwrap()).collect())
            .unwrap_or(vec![2, 3, 5, 8]);
        let cells: Vec<(usize, usize, u64)> = ks
            .iter()
            .flat_map(|&k| {
                ms.iter()
                    .flat_map(move |&m| (0..sweep_seeds).map(move |s| (k, m, s)))
            })
            .collect();
        type Cell = ((usize, usize), (usize, usize, usize));
        let results: Vec<Cell> = cells
            .par_iter()
            .map(|&(k, m, s)| {
                let stats = StatsParams {
                    copy_cluster: m..=m,
                    copy_wrong: k..=k,
                    ..only(&[K::AnswerCopying])
                };
                let r = run(&config(20_000 + s * 101 + (k * 10 + m) as u64, 0.1, stats));
                let labelled: BTreeSet<_> = r
                    .labels
                    .iter()
                    .filter(|l| l.rule == K::AnswerCopying.id())
                    .map(|l| l.subject.clone())
                    .collect();
                let hits: BTreeSet<_> = r
                    .findings
                    .iter()
                    .filter(|f| f.kind == K::AnswerCopying)
                    .map(|f| f.subject.clone())
                    .collect();
                let detected = labelled.intersection(&hits).count();
                let other = hits.difference(&labelled).count();
                ((k, m), (labelled.len(), detected, other))
            })
            .collect();
        let mut table: BTreeMap<(usize, usize), (usize, usize, usize)> = BTreeMap::new();
        for (key, (l, d, o)) in results {
            let e = table.entry(key).or_default();
            e.0 += l;
            e.1 += d;
            e.2 += o;
        }
        println!(
            "### 2. Answer copying: detection rate over k and m\n\nA share (10%) of the batches of {sweep_seeds} province(s) per cell (those with at least 2m present candidates: copiers are at most half the room) carries a cluster of m candidates copying an answer sheet with k wrong answers (of the paper's 100 items; each copier takes the sheet's answer on an item with probability 0.9). A batch counts as detected when its `cheating.answer_copying` finding exists. Cells: detected / injected batches.\n"
        );
        let mut head = String::from("| k (wrong answers shared, % of paper) |");
        let mut sep = String::from("|---|");
        for &m in &ms {
            head.push_str(&format!(" m = {m} |"));
            sep.push_str("---|");
        }
        println!("{head}\n{sep}");
        let mut other_total = 0;
        for &k in &ks {
            let mut line = format!("| {k} ({k}%) |");
            for &m in &ms {
                let (l, d, o) = table[&(k, m)];
                other_total += o;
                line.push_str(&format!(" {} ({d}/{l}) |", pct(d, l)));
            }
            println!("{line}");
        }
        println!(
            "\nFindings on batches without an injected cluster, whole sweep: {other_total}.\n"
        );
    }

    // ------------------------------------------------------------ 3. whole-batch heaping
    if sections.contains(&3) {
        let heap_runs: Vec<Run> = (0..kind_seeds)
            .into_par_iter()
            .map(|s| {
                let stats = StatsParams {
                    heap_whole: true,
                    heap_min_size: 8,
                    ..only(&[K::ScoreHeaping])
                };
                run(&config(30_000 + s, 0.05, stats))
            })
            .collect();
        let classes: [(usize, usize, &str); 4] = [
            (8, 11, "8–11"),
            (12, 19, "12–19"),
            (20, 29, "20–29"),
            (30, 1000, "30+"),
        ];
        println!(
            "### 3. Heaping of a whole batch into [60, 64)\n\nEvery score of 5% of the batches (≥ 8 present candidates) of {kind_seeds} provinces moved into [60, 64) (theory answers changed to match). Detected: the batch has a `cheating.score_heaping` finding; any item 11: some statistical finding on the batch (a whole-batch heap is also a narrow spread).\n\n| present candidates | batches | heaping found | any item-11 finding |\n|---|---|---|---|"
        );
        if explaining {
            for r in &heap_runs {
                explain(r, K::ScoreHeaping);
            }
        }
        for (lo, hi, name) in classes {
            let (mut n, mut h, mut any) = (0, 0, 0);
            for r in &heap_runs {
                for l in r.labels.iter().filter(|l| l.rule == K::ScoreHeaping.id()) {
                    let b = l.subject.batch_id.as_deref().unwrap_or_default();
                    let size = r.sizes.get(b).copied().unwrap_or(0);
                    if size < lo || size > hi {
                        continue;
                    }
                    n += 1;
                    let on: Vec<&Finding> = r
                        .findings
                        .iter()
                        .filter(|f| f.subject == l.subject)
                        .collect();
                    h += usize::from(on.iter().any(|f| f.kind == K::ScoreHeaping));
                    any += usize::from(!on.is_empty());
                }
            }
            println!("| {name} | {n} | {} | {} |", pct(h, n), pct(any, n));
        }
    }

    // ------------------------------------------------------------ 4. each kind at defaults
    if sections.contains(&4) {
        println!(
            "\n### 4. Every statistical kind at the generator's default injection\n\nProvinces with only that kind injected ({kind_seeds} seeds; batches with probability 0.05, institutions 0.3). Recall: labels with the finding; other findings: findings of the kind on subjects without a label.\n\n| kind | injection | labels | recall | other findings |\n|---|---|---|---|---|"
        );
        let describe = |k: K| match k {
            K::AnswerCopying => {
                "5–8 copiers (≤ half the room) of a sheet with 36–45 wrong answers, noise 0.1"
            }
            K::ScoreHeaping => "weak batch (≥ 25 present), failures from 30 moved into [60, 64)",
            K::LowSpread => "every skill mark within ±1 of one value (≥ 10)",
            K::PassRateOutlier => {
                "≥ 40 candidates of an exam the institution passes ≤ 60% elsewhere; every fail made a 64–86 pass"
            }
            K::LenientExaminer => {
                "busiest examiner (≥ 40 marks) also takes half the co-examiners' candidates, passes every fail (≥ 15) with 64–80"
            }
            K::ExaminerScoreConcentration => {
                "busiest examiner (≥ 30 marks) gives only 55 / 72 / 85"
            }
            _ => "",
        };
        for k in STATISTICAL {
            let rate = if matches!(k, K::LenientExaminer | K::ExaminerScoreConcentration) {
                0.3
            } else {
                0.05
            };
            let rs: Vec<Run> = (0..kind_seeds)
                .into_par_iter()
                .map(|s| run(&config(40_000 + s + 100 * k as u64, rate, only(&[k]))))
                .collect();
            let (mut n, mut d, mut other) = (0, 0, 0);
            for r in &rs {
                if explaining {
                    explain(r, k);
                }
                let labelled: BTreeSet<_> = r
                    .labels
                    .iter()
                    .filter(|l| l.rule == k.id())
                    .map(|l| l.subject.clone())
                    .collect();
                let hits: BTreeSet<_> = r
                    .findings
                    .iter()
                    .filter(|f| f.kind == k)
                    .map(|f| f.subject.clone())
                    .collect();
                n += labelled.len();
                d += labelled.intersection(&hits).count();
                other += hits.difference(&labelled).count();
            }
            println!(
                "| `{}` | {} | {n} | {} | {other} |",
                k.id(),
                describe(k),
                pct(d, n)
            );
        }
    }
    println!(
        "\nRuntime: {:.0} s (generation and screening of every province included).",
        started.elapsed().as_secs_f64()
    );
}
