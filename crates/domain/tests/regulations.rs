//! Every classification of every builtin rulebook is traceable to a sentence of a
//! document: each quote (of a rule mapping, an inactivity tier, the escalation, the
//! supervision-record deadline) appears verbatim in the vendored text of the
//! document its basis names (`data/regulations/`, the five public documents under
//! their original file names), or the mapping is marked a platform default.
//!
//! "Verbatim" ignores whitespace and the width of punctuation only: the texts were
//! extracted from web pages and PDFs with stray spaces and half-width commas
//! (`,` `(` `:`), the rulebooks quote with full-width ones. `……` in a quote marks an
//! elision: the parts must appear in order.

use domain::case::Cited;
use domain::finding::FindingKind;
use domain::rulebook::{Rulebook, Source, regulation_file};

fn text_of(file: &str) -> String {
    let path = format!("{}/data/regulations/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Whitespace removed, punctuation folded to one width.
fn normalized(t: &str) -> String {
    t.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '，' => ',',
            '（' => '(',
            '）' => ')',
            '；' => ';',
            '：' => ':',
            '“' | '”' => '"',
            c => c,
        })
        .collect()
}

/// Whether `quote` (with `……` elisions) appears in `document`, its parts in order.
fn quoted_in(quote: &str, document: &str) -> bool {
    let doc = normalized(document);
    let mut from = 0;
    for part in quote.split('…').map(normalized).filter(|p| !p.is_empty()) {
        match doc[from..].find(&part) {
            Some(at) => from += at + part.len(),
            None => return false,
        }
    }
    true
}

/// Checks one quote against the document `basis` names; returns the problem.
fn check(book: &str, what: &str, basis: &str, source: &Source) -> Option<String> {
    let Source::Quote(quote) = source else {
        return None;
    };
    let Some(file) = regulation_file(basis) else {
        return Some(format!(
            "{book} {what}: no vendored document for basis “{basis}”"
        ));
    };
    (!quoted_in(quote, &text_of(file)))
        .then(|| format!("{book} {what}: “{quote}” is not in {file} ({basis})"))
}

#[test]
fn every_quote_is_in_the_document_its_basis_names() {
    let mut problems = Vec::new();
    let mut quotes = 0;
    let mut procedure_quotes = 0;
    for name in Rulebook::names() {
        let book = Rulebook::builtin(name).unwrap();
        for e in book.entries() {
            quotes += usize::from(e.source.quote().is_some());
            problems.extend(check(name, e.kind.id(), &e.basis, &e.source));
        }
        for t in &book.inactivity {
            let what = format!("inactivity tier {} months", t.months);
            problems.extend(check(name, &what, &t.basis, &t.source));
        }
        let p = &book.policy;
        if let Some(source) = &p.escalation_source {
            problems.extend(check(name, "escalation", &p.escalation_basis, source));
        }
        if let Some(d) = &p.supervision_record {
            let source = Source::Quote(d.quote.clone());
            problems.extend(check(name, "supervision record", &d.basis, &source));
        }
        // The procedure its cases follow: notice, review (or why none), failed
        // rectification, on-site record, constraint measures, the article of every
        // measure and every candidate and staff article.
        let pr = &book.procedure;
        let mut cited: Vec<(String, &Cited)> = vec![
            ("notice".into(), &pr.notice),
            ("review".into(), &pr.review_basis),
            (
                "failed rectification".into(),
                &pr.failed_rectification.cited,
            ),
            ("on-site record".into(), &pr.onsite),
        ];
        if let Some(l) = &book.social_org_limit {
            cited.push(("social organisation limit".into(), &l.cited));
        }
        if let Some(c) = &pr.constraints {
            cited.push(("constraints".into(), &c.cited));
        }
        for m in &pr.measures {
            cited.push((format!("measure {}", m.sanctions.join(",")), &m.cited));
        }
        for a in &pr.person_articles {
            cited.push((format!("{} article", a.party.code()), &a.cited));
        }
        for (what, c) in cited {
            procedure_quotes += usize::from(c.source.quote().is_some());
            match c.basis() {
                Some(basis) => problems.extend(check(name, &what, &basis, &c.source)),
                None if !c.source.is_platform_default() => {
                    problems.push(format!("{name} {what}: a quote without an article"))
                }
                None => {}
            }
        }
    }
    assert!(procedure_quotes > 40, "{procedure_quotes}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(quotes > 300, "{quotes}");
}

/// A tier's months must be the period its sentence states: “一年(含)以上” is 12,
/// “连续两年” 24. A tier whose period no sentence states (the former six-month
/// tiers of Qinghai and Minhang) cannot quote one.
#[test]
fn every_inactivity_tier_states_its_period() {
    for name in Rulebook::names() {
        let book = Rulebook::builtin(name).unwrap();
        for t in &book.inactivity {
            let words = match t.months {
                12 => "一年",
                24 => "两年",
                36 => "三年",
                m => panic!("{name}: a tier of {m} months is in no document"),
            };
            let quote = t.source.quote().unwrap_or_else(|| {
                panic!("{name}: the {}-month tier quotes no sentence", t.months)
            });
            assert!(
                quote.contains(words),
                "{name}: {} months, “{quote}”",
                t.months
            );
        }
    }
}

/// The quote checker itself: a near miss (a changed word, parts out of order) fails.
#[test]
fn a_near_miss_quote_is_caught() {
    let qinghai = text_of("003_3855f1d9c5ad0243.txt");
    assert!(quoted_in("一年(含)以上不开展评价工作的", &qinghai));
    assert!(quoted_in("一年（含）以上不开展评价工作的", &qinghai));
    assert!(!quoted_in("六个月以上不开展评价工作的", &qinghai));
    assert!(quoted_in("评价组织管理松懈……情节轻微的", &qinghai));
    assert!(!quoted_in(
        "一年(含)以上不开展评价工作的……评价组织管理松懈",
        &qinghai
    ));
    let book = Rulebook::builtin("qinghai").unwrap();
    let mut e = book.entry(FindingKind::Inactive).clone();
    e.source = Source::Quote("六个月内不开展评价工作的".into());
    assert!(check("qinghai", "test", &e.basis, &e.source).is_some());
}

/// Shown where the rulebook is shown: a platform default reads as one.
#[test]
fn platform_defaults_are_marked() {
    for name in Rulebook::names() {
        let book = Rulebook::builtin(name).unwrap();
        assert!(!book.policy.platform_default.is_empty(), "{name}");
        for e in book.entries() {
            let shown = e.source.display_zh();
            assert_eq!(
                shown.starts_with("平台默认"),
                e.source.is_platform_default(),
                "{name} {}",
                e.kind.id()
            );
        }
    }
}
