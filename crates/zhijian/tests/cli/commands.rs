//! The binary as a user runs it: generate a province, check it, refuse a bad one.

use crate::common::{text, zhijian};
use std::path::Path;

#[test]
fn generate_then_check_succeeds_and_labels_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("province");
    let g = zhijian(&[
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--scale",
        "1",
        "--seed",
        "7",
    ]);
    assert!(g.status.success(), "{}", text(&g));
    assert!(out.join("enrollments.csv").exists());
    let labels = std::fs::read_to_string(out.join("labels.jsonl")).unwrap();
    assert!(labels.lines().count() > 10, "labels: {labels}");
    let c = zhijian(&["check", out.to_str().unwrap()]);
    let shown = text(&c);
    assert!(c.status.success(), "{shown}");
    assert!(shown.contains("enrollments"), "{shown}");
    assert!(shown.contains("420000 湖北省"), "{shown}");
    assert!(shown.contains("校验通过 valid"), "{shown}");
}

#[test]
fn check_refuses_a_malformed_dataset_with_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("institutions.csv"),
        "institution_id,name,credit_code,kind,region_code,registered_on,expires_on,status\n\
         I1,某培训学校,91350100M000100Y44,social_org,420100,2023-01-01,2025-12-31,active\n",
    )
    .unwrap();
    let c = zhijian(&["check", dir.path().to_str().unwrap()]);
    assert!(!c.status.success());
    let shown = text(&c);
    assert!(
        shown.contains("institutions.csv (评价机构) row 2, column credit_code [C]"),
        "{shown}"
    );
    assert!(shown.contains("check character is 3, not 4"), "{shown}");
}

#[test]
fn check_on_a_missing_path_fails_cleanly() {
    let c = zhijian(&["check", "/nonexistent/dataset"]);
    assert!(!c.status.success());
    assert!(text(&c).contains("/nonexistent/dataset"));
    assert!(!Path::new("/nonexistent/dataset").exists());
}

#[test]
fn help_is_bilingual() {
    let h = zhijian(&["--help"]);
    let shown = text(&h);
    assert!(
        shown.contains("生成模拟省份评价数据")
            && shown.contains("Generate a realistic synthetic province"),
        "{shown}"
    );
}

#[test]
fn screen_writes_findings_and_the_risk_list_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("province");
    let out = dir.path().join("screening");
    let g = zhijian(&["generate", "--out", data.to_str().unwrap(), "--seed", "3"]);
    assert!(g.status.success(), "{}", text(&g));
    let s = zhijian(&[
        "screen",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--policy",
        "hubei",
    ]);
    let shown = text(&s);
    assert!(s.status.success(), "{shown}");
    assert!(shown.contains("湖北"), "{shown}");
    let findings = std::fs::read_to_string(out.join("findings.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(findings.lines().next().unwrap()).unwrap();
    for key in [
        "rule",
        "item",
        "severity",
        "disposition",
        "institution_id",
        "basis",
        "message",
        "evidence",
    ] {
        assert!(
            first.get(key).is_some(),
            "findings.jsonl lacks {key}: {first}"
        );
    }
    assert!(out.join("risk_list.xlsx").metadata().unwrap().len() > 0);
}

#[test]
fn screen_of_an_unreadable_dataset_fails_and_rules_prints_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let s = zhijian(&[
        "screen",
        "/nonexistent/dataset",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!s.status.success());
    let r = zhijian(&["rules", "--policy", "qinghai"]);
    let shown = text(&r);
    assert!(r.status.success(), "{shown}");
    assert!(
        shown.contains("cheating.impersonation") && shown.contains("第二十二条"),
        "{shown}"
    );
    let bad = zhijian(&["rules", "--policy", "atlantis"]);
    assert!(!bad.status.success());
}

/// Issue 13, done when: “`zhijian check` and `zhijian screen` accept a province with
/// decimal work years and malformed forged numbers, and find every planted violation
/// in it.” The generator plants both (dataset.md, “Declared values”); a score cell
/// reading 缺考 is accepted as absent as well.
#[test]
fn a_province_with_decimal_years_and_forged_numbers_is_checked_and_screened() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("province");
    let out = dir.path().join("screening");
    let g = zhijian(&["generate", "--out", data.to_str().unwrap(), "--seed", "11"]);
    assert!(g.status.success(), "{}", text(&g));
    let enrollments = std::fs::read_to_string(data.join("enrollments.csv")).unwrap();
    let header: Vec<&str> = enrollments
        .lines()
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .split(',')
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (years, prior) = (col("work_years"), col("prior_cert_no"));
    let rows: Vec<Vec<&str>> = enrollments
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert!(
        rows.iter().any(|r| r[years].contains('.')),
        "no decimal work years"
    );
    let forged: Vec<&str> = rows
        .iter()
        .map(|r| r[prior])
        .filter(|n| !n.is_empty() && domain::CertNo::parse(n).is_err())
        .collect();
    assert!(!forged.is_empty(), "no malformed prior certificate number");
    // One score of the province reads 缺考.
    let scores_path = data.join("scores.csv");
    let scores = std::fs::read_to_string(&scores_path).unwrap();
    let mut lines: Vec<String> = scores.lines().map(String::from).collect();
    let score_col = lines[0]
        .trim_start_matches('\u{feff}')
        .split(',')
        .position(|h| h == "score")
        .unwrap();
    let mut cells: Vec<String> = lines[1].split(',').map(String::from).collect();
    cells[score_col] = "缺考".into();
    lines[1] = cells.join(",");
    std::fs::write(&scores_path, lines.join("\n") + "\n").unwrap();

    let c = zhijian(&["check", data.to_str().unwrap()]);
    let shown = text(&c);
    assert!(c.status.success(), "{shown}");
    assert!(shown.contains("enrollments.prior_cert_no"), "{shown}");
    assert!(shown.contains("缺考 absent scores: 1"), "{shown}");

    let s = zhijian(&[
        "screen",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(s.status.success(), "{}", text(&s));
    let key = |v: &serde_json::Value| {
        let f = |k: &str| v.get(k).and_then(|x| x.as_str()).map(String::from);
        (
            f("rule"),
            f("institution_id"),
            f("batch_id"),
            f("candidate_id"),
            f("cert_no"),
            f("person_id"),
        )
    };
    let found: std::collections::BTreeSet<_> = std::fs::read_to_string(out.join("findings.jsonl"))
        .unwrap()
        .lines()
        .map(|l| key(&serde_json::from_str(l).unwrap()))
        .collect();
    let labels: Vec<serde_json::Value> = std::fs::read_to_string(data.join("labels.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let missed: Vec<_> = labels
        .iter()
        .map(key)
        .filter(|k| !found.contains(k))
        .collect();
    assert!(missed.is_empty(), "planted but not found: {missed:#?}");
    for kind in [
        "eligibility.prior_cert_malformed",
        "eligibility.declared_malformed",
        "eligibility.requirements_not_met",
    ] {
        assert!(
            labels.iter().any(|l| l["rule"] == kind),
            "the province plants {kind}"
        );
    }
    let malformed: Vec<&serde_json::Value> = labels
        .iter()
        .filter(|l| l["rule"] == "eligibility.prior_cert_malformed")
        .collect();
    assert_eq!(malformed.len(), forged.len(), "{forged:?}");
}
