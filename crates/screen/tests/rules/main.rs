//! Data-driven rule tests: one honest baseline dataset (one institution, one site,
//! one scope, examiners and a supervisor, one activity with sessions, staff,
//! enrollments, scores, results and certificates), and a table of cases, each a
//! mutation of the baseline with exactly the findings it must produce. Near-miss
//! cases come close to a rule without breaking it (a boundary, the valid counterpart
//! of the violation) and name the kinds they are near misses for: they must produce
//! none of those, and usually nothing at all. Every kind of every builtin rule has at
//! least one positive case and at least one near miss.

use domain::finding::FindingSubject;
use domain::model::*;

mod baseline;
use baseline::*;

// ---------------------------------------------------------------- the table

struct Case {
    name: &'static str,
    /// The kinds this case is a near miss for (empty for a positive case): it comes
    /// close to them, and must not produce them.
    near: &'static [&'static str],
    mutate: fn(&mut Tables),
    expect: fn() -> Vec<(&'static str, FindingSubject)>,
}

macro_rules! case {
    ($name:literal, |$t:ident| $body:block, [$(($rule:literal, $subj:expr)),* $(,)?]) => {
        Case { name: $name, near: &[], mutate: |$t: &mut Tables| $body, expect: || vec![$(($rule, $subj)),*] }
    };
}

/// A near miss: `near_miss!(name, [kinds it is a near miss for], |t| {...}, [expected])`.
macro_rules! near_miss {
    ($name:literal, [$($near:literal),+ $(,)?], |$t:ident| $body:block, [$(($rule:literal, $subj:expr)),* $(,)?]) => {
        Case {
            name: $name,
            near: &[$($near),+],
            mutate: |$t: &mut Tables| $body,
            expect: || vec![$(($rule, $subj)),*],
        }
    };
}

mod access_upload;
mod certificates;
mod classification;
mod eligibility;
mod employers_process;
mod institution;
mod staff_scores;

/// The whole table, in the order of the guide's items.
fn cases() -> Vec<Case> {
    [
        eligibility::cases(),
        employers_process::cases(),
        staff_scores::cases(),
        institution::cases(),
        certificates::cases(),
        access_upload::cases(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[test]
fn the_baseline_is_honest() {
    let s = run(baseline());
    assert!(s.findings.is_empty(), "{:#?}", s.findings);
    assert!(
        s.kinds
            .iter()
            .filter(|k| k.detector.is_some())
            .all(|k| k.enabled())
    );
}

#[test]
fn every_case_finds_exactly_what_it_should() {
    let mut failures = Vec::new();
    for c in cases() {
        let mut t = baseline();
        (c.mutate)(&mut t);
        let s = run(t);
        let mut got: Vec<(String, FindingSubject)> = s
            .findings
            .iter()
            .map(|f| (f.kind.id().to_string(), f.subject.clone()))
            .collect();
        let mut want: Vec<(String, FindingSubject)> = (c.expect)()
            .into_iter()
            .map(|(r, s)| (r.to_string(), s))
            .collect();
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!(
                "case `{}`:\n  want {:?}\n  got  {:?}\n  messages {:?}",
                c.name,
                want,
                got,
                s.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
            ));
        }
        for f in &s.findings {
            assert!(
                !f.message.is_empty() && f.evidence.is_object(),
                "{}",
                c.name
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The finding kinds of every builtin rule.
fn builtin_kinds() -> std::collections::BTreeSet<&'static str> {
    screen::rules::all()
        .iter()
        .flat_map(|r| r.kinds.iter().map(|k| k.id()))
        .collect()
}

#[test]
fn every_builtin_detector_kind_has_a_positive_case() {
    let covered: std::collections::BTreeSet<&str> = cases()
        .iter()
        .flat_map(|c| (c.expect)().into_iter().map(|(r, _)| r))
        .collect();
    let missing: Vec<&str> = builtin_kinds()
        .into_iter()
        .filter(|k| !covered.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "no positive case for: {}",
        missing.join(", ")
    );
}

#[test]
fn every_builtin_detector_kind_has_a_near_miss_case() {
    let kinds = builtin_kinds();
    let cases = cases();
    let mut problems = Vec::new();
    for c in &cases {
        if c.name.starts_with("near miss") == c.near.is_empty() {
            problems.push(format!(
                "case `{}`: only a case named \"near miss: …\" lists kinds it is a near miss for, and it must",
                c.name
            ));
        }
        let expected: Vec<&str> = (c.expect)().into_iter().map(|(r, _)| r).collect();
        for k in c.near {
            if !kinds.contains(k) {
                problems.push(format!("case `{}`: no builtin rule reports {k}", c.name));
            }
            if expected.contains(k) {
                problems.push(format!(
                    "case `{}`: expects {k}, so is no near miss for it",
                    c.name
                ));
            }
        }
    }
    let covered: std::collections::BTreeSet<&str> =
        cases.iter().flat_map(|c| c.near.iter().copied()).collect();
    let missing: Vec<&str> = kinds.into_iter().filter(|k| !covered.contains(k)).collect();
    if !missing.is_empty() {
        problems.push(format!("no near-miss case for: {}", missing.join(", ")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
