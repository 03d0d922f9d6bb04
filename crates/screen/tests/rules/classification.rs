//! Classification: the output contract, articles, rulebooks, deadlines, repeat
//! offences, grading, missing tables, the risk list and suspensions.

use crate::baseline::*;
use domain::Date;
use domain::enums::*;
use domain::finding::FindingSubject;
use domain::ids::*;
use domain::model::*;
use domain::rulebook::Rulebook;
use screen::{Options, Screening, screen};

// ---------------------------------------------------------------- classification

#[test]
fn the_output_contract() {
    let mut t = baseline();
    t.scopes[0].level = lvl(3);
    t.meta.policy = Some("hubei".into());
    let s = run_with(t, &Rulebook::builtin("hubei").unwrap());
    let f = s
        .findings
        .iter()
        .find(|f| f.kind.id() == "scope.outside_registered_scope")
        .unwrap();
    let line = serde_json::to_string(f).unwrap();
    assert_eq!(
        line,
        r#"{"rule":"scope.outside_registered_scope","item":9,"severity":"grave","disposition":"terminate","institution_id":"I001","batch_id":"B1","candidate_id":null,"cert_no":null,"person_id":null,"basis":"湖北省技能人才评价违纪违规行为处理工作规程(试行) 第十四条(二)","message":"批次 B1 评价职业 4-03-02-01 四级 不在备案范围内","evidence":{"level":4,"occupation_code":"4-03-02-01","start_on":"2024-06-01"}}"#
    );
    // Item 15 always revokes the data.
    let u = s.findings.iter().find(|f| f.item == 15).unwrap();
    let v: serde_json::Value = serde_json::to_value(u).unwrap();
    assert_eq!(v["revoke_data"], true);
    assert_eq!(v["cert_no"], cert_no(1).as_str());
    // Sorted by item, rule, subject.
    let keys: Vec<_> = s.findings.iter().map(|f| f.sort_key()).collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn candidate_articles_are_named() {
    let mut t = baseline();
    add_b2(&mut t, "S002", at(2024, 6, 1, 8, 30), &[1, 12, 13]);
    let s = run(t);
    let f = &s.findings[0];
    assert_eq!(
        (f.kind.id(), f.article.as_deref()),
        ("cheating.impersonation", Some("第七条(四)"))
    );
    let v = serde_json::to_value(f).unwrap();
    assert_eq!(v["article"], "第七条(四)");
    assert_eq!(v["candidate_id"], cand(1).to_string());
}

#[test]
fn rulebooks_classify_differently() {
    let mut t = baseline();
    add_b2(&mut t, "S002", at(2024, 6, 1, 8, 30), &[1, 12, 13]);
    let hubei = run_with(t.clone(), &Rulebook::builtin("hubei").unwrap());
    let qinghai = run_with(t, &Rulebook::builtin("qinghai").unwrap());
    let pick = |s: &Screening| {
        s.findings
            .iter()
            .find(|f| f.kind.id() == "cheating.impersonation")
            .unwrap()
            .clone()
    };
    let (h, q) = (&pick(&hubei), &pick(&qinghai));
    assert_eq!(
        (h.severity, h.disposition),
        (Severity::Serious, Disposition::Rectify)
    );
    assert!(h.basis.ends_with("第十三条(五)"), "{}", h.basis);
    assert_eq!(
        (q.severity, q.disposition),
        (Severity::Grave, Disposition::Terminate)
    );
    assert!(q.basis.ends_with("第二十二条(四)"), "{}", q.basis);

    // Inactivity. 8 months: nothing nationally nor in Qinghai, whose 第二十一条(三)
    // “一年内无正当理由不开展评价活动的” sets no shorter period and whose 第二十二条(七)
    // “一年(含)以上不开展评价工作的” starts at a year (no six-month tier).
    let mut t = baseline();
    t.meta.as_of = Some(d(2025, 2, 15));
    assert!(run(t.clone()).findings.is_empty());
    let q = run_with(t, &Rulebook::builtin("qinghai").unwrap());
    assert!(q.findings.is_empty(), "{:?}", q.findings);
    // 15 months: national item 13 grave (第十四条(七) “一年(含)以上不开展评价工作”), in
    // Qinghai 第二十二条(七), and in Shanxi the same national sentence.
    let mut t = baseline();
    t.meta.as_of = Some(d(2025, 9, 1));
    let n = run(t.clone());
    assert_eq!(
        (n.findings[0].item, n.findings[0].severity),
        (13, Severity::Grave)
    );
    let q = run_with(t.clone(), &Rulebook::builtin("qinghai").unwrap());
    assert!(q.findings[0].basis.contains("第二十二条(七)"));
    let sx = run_with(t, &Rulebook::builtin("shanxi").unwrap());
    assert_eq!(
        (sx.findings[0].severity, sx.findings[0].disposition),
        (Severity::Grave, Disposition::Terminate)
    );
    assert!(
        sx.findings[0].basis.contains("第十四条(七)"),
        "{}",
        sx.findings[0].basis
    );
    // Two years: Shanxi 四(一)1 “对自备案以来连续两年未开展职业技能等级评价工作的,原则上全部清退”.
    let mut t = baseline();
    t.meta.as_of = Some(d(2026, 6, 2));
    t.institutions[0].expires_on = d(2027, 1, 1);
    let sx = run_with(t, &Rulebook::builtin("shanxi").unwrap());
    let f = sx
        .findings
        .iter()
        .find(|f| f.kind.id() == "activity.inactive")
        .unwrap();
    assert!(f.basis.contains("四(一)1"), "{}", f.basis);
}

/// 青海 第十七条：“质量督导员应在日常督导工作结束后2个工作日向委派机构提交督导情况记录表”.
/// B1 ends on Saturday 2024-06-01: the record is due on Tuesday 06-04.
#[test]
fn qinghai_allows_two_working_days_for_the_supervision_record() {
    let mut t = baseline();
    t.batches[0].supervision_record_at = None;
    t.meta.as_of = Some(d(2024, 6, 4));
    let q = run_with(t.clone(), &Rulebook::builtin("qinghai").unwrap());
    assert!(q.findings.is_empty(), "{:?}", q.findings);
    t.meta.as_of = Some(d(2024, 6, 5));
    let q = run_with(t, &Rulebook::builtin("qinghai").unwrap());
    assert_eq!(q.findings.len(), 1);
}

/// The same sentence over the 2025 National Day holiday (10-01..10-08 off, Saturday
/// 10-11 worked): an activity ending 2025-09-30 has its record due 2025-10-10, the
/// second working day after it, not four calendar days later (10-04). With a store
/// calendar that also gives 10-09 and 10-10 off, the record is due 10-13.
#[test]
fn qinghai_record_deadline_counts_working_days_over_national_day() {
    let mut t = baseline();
    let b = &mut t.batches[0];
    b.start_at = at(2025, 9, 30, 8, 30);
    b.end_at = at(2025, 9, 30, 17, 30);
    b.supervision_record_at = None;
    let qinghai = Rulebook::builtin("qinghai").unwrap();
    let no_record = |as_of: Date, calendar: Option<&domain::workdays::Calendar>| {
        let mut t = t.clone();
        t.meta.as_of = Some(as_of);
        let ds = Dataset::new(t).unwrap();
        screen(
            &ds,
            &Options {
                calendar,
                ..Options::new(&qinghai)
            },
        )
        .findings
        .iter()
        .any(|f| f.kind.id() == "supervision.no_record")
    };
    assert!(!no_record(d(2025, 10, 5), None), "inside the grace");
    assert!(!no_record(d(2025, 10, 10), None), "the due day");
    assert!(no_record(d(2025, 10, 11), None), "past the due day");
    let mut store = domain::workdays::Calendar::embedded();
    let mut days: Vec<domain::workdays::Day> = store.days_of(2025).cloned().collect();
    for day in [9, 10] {
        days.push(domain::workdays::Day {
            date: d(2025, 10, day),
            off_day: true,
            name: "国庆节".into(),
        });
    }
    store.with_year(2025, days).unwrap();
    assert!(!no_record(d(2025, 10, 11), Some(&store)));
    assert!(!no_record(d(2025, 10, 13), Some(&store)));
    assert!(no_record(d(2025, 10, 14), Some(&store)));
    // The national default sets no deadline: due the day the activity ends.
    let mut n = t.clone();
    n.meta.as_of = Some(d(2025, 10, 1));
    assert!(
        run(n)
            .findings
            .iter()
            .any(|f| f.kind.id() == "supervision.no_record")
    );
}

#[test]
fn a_repeat_offender_is_escalated() {
    let mut t = baseline();
    promote(&mut t, "包过！不过退费");
    t.sanctions.push(Sanction {
        institution_id: InstitutionId::parse("I001").unwrap(),
        decided_on: d(2024, 3, 1),
        item: GuideItem::parse("5").unwrap(),
        severity: Severity::Serious,
        disposition: Disposition::Rectify,
    });
    let s = run(t.clone());
    let f = &s.findings[0];
    assert_eq!(
        (f.severity, f.disposition),
        (Severity::Grave, Disposition::Terminate)
    );
    assert!(f.basis.contains("第十四条(六)"), "{}", f.basis);
    assert_eq!(f.evidence["escalated"]["from"], "serious");
    // A general sanction does not escalate.
    t.sanctions[0].severity = Severity::General;
    let s = run(t);
    assert_eq!(s.findings[0].severity, Severity::Serious);
}

#[test]
fn item_15_is_graded_by_extent() {
    let mut t = baseline();
    t.scopes[0].level = lvl(3);
    let mut book = Rulebook::national();
    book.policy.upload_serious_from = 2;
    book.policy.upload_grave_from = 4;
    let s = run_with(t.clone(), &book);
    let up: Vec<_> = s.findings.iter().filter(|f| f.item == 15).collect();
    assert_eq!(up.len(), 4);
    assert!(
        up.iter()
            .all(|f| f.severity == Severity::Grave && f.revoke_data)
    );
    book.policy.upload_grave_from = 5;
    let s = run_with(t, &book);
    assert!(
        s.findings
            .iter()
            .filter(|f| f.item == 15)
            .all(|f| f.severity == Severity::Serious)
    );
}

#[test]
fn a_missing_table_disables_its_rules_and_says_so() {
    let mut t = baseline();
    promote(&mut t, "包过");
    t.present.remove(&Table::Promotions);
    t.present.remove(&Table::AccessLog);
    let s = run(t);
    assert!(s.findings.is_empty());
    let st = s
        .kinds
        .iter()
        .find(|k| k.kind.id() == "promotion.false_advertising")
        .unwrap();
    assert!(!st.enabled());
    assert_eq!(st.reason().unwrap(), "缺少数据表 宣传材料(promotions)");
    let stat = s
        .kinds
        .iter()
        .find(|k| k.kind.id() == "cheating.answer_copying")
        .unwrap();
    assert_eq!(stat.detector, Some("forensics.answer_similarity"));
}

#[test]
fn the_risk_list_ranks_by_worst_severity_then_weight() {
    let mut t = baseline();
    // I001: one grave finding (outside scope), item-15 findings, an ineligible candidate.
    t.scopes[0].level = lvl(3);
    enrollment_mut(&mut t, "B1", 2).work_years = Some(yrs(3));
    // I002: many general ones, no grave.
    t.access_log.push(AccessLog {
        at: at(2024, 8, 1, 9, 0),
        user_id: UserId::parse("U9").unwrap(),
        institution_id: Some(InstitutionId::parse("I002").unwrap()),
        cert_no: cert_no(2),
        action: AccessAction::Read,
    });
    let ds = Dataset::new(t).unwrap();
    let book = Rulebook::national();
    let s = screen(&ds, &Options::new(&book));
    let rows = screen::risk_list(&s, &ds);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].rank, 1);
    assert_eq!(rows[0].per_item[8], 1);
    assert_eq!(rows[0].per_item[14], 4);
    assert!(rows[0].revoke_data);
    assert_eq!(rows[0].disposition_zh(), "终止备案；撤销违规证书数据");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk_list.xlsx");
    screen::output::write_risk_xlsx(&path, &s, &rows, &ds, &book).unwrap();
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&path).unwrap();
    assert_eq!(wb.sheet_names(), vec!["风险清单", "预警明细", "规则说明"]);
    let ranked = wb.worksheet_range("风险清单").unwrap();
    assert_eq!(ranked.get_value((0, 0)).unwrap().to_string(), "排名");
    assert_eq!(ranked.get_value((1, 1)).unwrap().to_string(), "I001");
    let detail = wb.worksheet_range("预警明细").unwrap();
    assert_eq!(detail.height(), s.findings.len() + 1);
    let masked: Vec<String> = detail.rows().skip(1).map(|r| r[9].to_string()).collect();
    assert!(
        masked
            .iter()
            .all(|m| m.is_empty() || m.contains("********")),
        "{masked:?}"
    );
    assert!(masked.contains(&cand(2).masked()), "{masked:?}");
    let rules = wb.worksheet_range("规则说明").unwrap();
    // Every kind, a blank row, then the rulebook's settings; a platform default
    // reads as one.
    let book = Rulebook::national();
    assert_eq!(
        rules.height(),
        domain::finding::FindingKind::ALL.len() + 2 + book.parameters().len()
    );
    let last = rules.get((rules.height() - 1, 6)).unwrap().to_string();
    assert!(last.starts_with("平台默认"), "{last}");
    let mut buf = Vec::new();
    screen::output::write_findings_jsonl(&mut buf, &s.findings).unwrap();
    assert_eq!(
        String::from_utf8(buf).unwrap().lines().count(),
        s.findings.len()
    );
    assert_eq!(
        screen::output::mask_candidate(&cand(1).to_string()),
        cand(1).masked()
    );
}

/// Staff suspended by a decision (第八条 取消当年参加评价工作的资格 through 31
/// December, 第十一条 暂停督导工作 for a period) keep their card: work in an activity
/// inside the suspension is found as an invalid card is (the examiner's
/// `staff.examiner_expired`, the internal supervisor's
/// `supervision.no_internal_supervisor`); a suspension ending the day before is not.
#[test]
fn work_during_a_staff_suspension_is_found() {
    let book = Rulebook::national();
    let ds = Dataset::new(baseline()).expect("no duplicate keys");
    let suspended = |person: &str, until: Date| screen::Suspension {
        person_id: person.into(),
        from: d(2024, 1, 1),
        until,
        decision: "被处理案件 2024-0001 取消当年参加评价工作的资格".into(),
    };
    for (person, until, want) in [
        (
            "E3",
            d(2024, 12, 31),
            Some(("staff.examiner_expired", stf("B1", "E3"))),
        ),
        ("E3", d(2024, 5, 31), None),
        (
            "N1",
            d(2024, 12, 31),
            Some(("supervision.no_internal_supervisor", batch("B1"))),
        ),
    ] {
        let list = [suspended(person, until)];
        let s = screen(
            &ds,
            &Options {
                suspensions: &list,
                ..Options::new(&book)
            },
        );
        let got: Vec<(String, FindingSubject)> = s
            .findings
            .iter()
            .map(|f| (f.kind.id().to_string(), f.subject.clone()))
            .collect();
        let want: Vec<(String, FindingSubject)> =
            want.into_iter().map(|(k, s)| (k.to_string(), s)).collect();
        assert_eq!(got, want, "{person} until {until}");
        if let Some(f) = s.findings.first() {
            assert!(f.message.contains("2024-0001"), "{}", f.message);
        }
    }
}
