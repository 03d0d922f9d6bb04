//! The engine: runs every [`Detector`] whose tables are present, classifies what
//! they report through the rulebook (item, severity, disposition, basis, article),
//! grades item 15 by extent, escalates repeat offenders, de-duplicates and sorts.

use crate::context::Ctx;
use crate::finding::{Classification, Finding, Hit};
use domain::Date;
use domain::enums::Severity;
use domain::finding::{FindingKind, FindingSubject};
use domain::model::{Dataset, Table};
use domain::rulebook::Rulebook;
use domain::workdays::Calendar;
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::{Value, json};

/// A screening rule or statistical detector: what it finds, what it needs, and a
/// pure function from the context to what it found.
pub trait Detector: Sync {
    /// A stable identifier of the detector (e.g. `scope.batch_registration`).
    fn id(&self) -> &'static str;
    /// The finding kinds it can report.
    fn kinds(&self) -> &'static [FindingKind];
    /// The tables it needs; if one is missing it is not run and the report says so.
    fn needs(&self) -> &'static [Table];
    /// The regulation text it enforces, quoted.
    fn regulation(&self) -> &'static str;
    /// Runs it.
    fn run(&self, ctx: &Ctx) -> Vec<Hit>;
}

/// A rule written as a plain function (the common case).
pub struct Rule {
    pub id: &'static str,
    pub kinds: &'static [FindingKind],
    pub needs: &'static [Table],
    pub regulation: &'static str,
    pub run: fn(&Ctx) -> Vec<Hit>,
}

impl Detector for Rule {
    fn id(&self) -> &'static str {
        self.id
    }
    fn kinds(&self) -> &'static [FindingKind] {
        self.kinds
    }
    fn needs(&self) -> &'static [Table] {
        self.needs
    }
    fn regulation(&self) -> &'static str {
        self.regulation
    }
    fn run(&self, ctx: &Ctx) -> Vec<Hit> {
        (self.run)(ctx)
    }
}

/// Progress reporting: called after each detector with (done, total, detector id).
pub type Progress<'a> = &'a (dyn Fn(usize, usize, &str) + Sync);

/// How to screen.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    pub rulebook: &'a Rulebook,
    /// Overrides `meta.as_of` / the latest date in the data.
    pub as_of: Option<Date>,
    /// Called after each detector with (done, total, detector id).
    pub progress: Option<Progress<'a>>,
    /// Candidates barred from evaluation by earlier decisions (kept by the store's
    /// cases, not by the dataset): a later application of theirs is a finding.
    pub bars: &'a [Bar],
    /// Staff suspended by earlier decisions (第八条 取消当年参加评价工作的资格, 第十一条
    /// 暂停督导工作; kept by the store's cases): taking part in an activity during
    /// one is a finding, as an expired card is.
    pub suspensions: &'a [Suspension],
    /// The working-day calendar for deadlines in working days (the store's, with
    /// administrator-imported years); `None` = the built-in one (2022–2026).
    pub calendar: Option<&'a Calendar>,
}

/// A candidate's bar (禁考期) from a decision: no evaluation from `from` to
/// `until`, inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub candidate_id: String,
    pub from: Date,
    pub until: Date,
    /// The decision that imposed it (case or document number).
    pub decision: String,
}

/// A staff member's suspension from a decision: no evaluation work from `from`
/// to `until`, inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspension {
    pub person_id: String,
    pub from: Date,
    pub until: Date,
    /// What it is and the decision that imposed it.
    pub decision: String,
}

impl<'a> Options<'a> {
    /// Screening with a rulebook and nothing else set.
    pub fn new(rulebook: &'a Rulebook) -> Options<'a> {
        Options {
            rulebook,
            as_of: None,
            progress: None,
            bars: &[],
            suspensions: &[],
            calendar: None,
        }
    }
}

/// Whether a finding kind was looked for, and if not, why.
#[derive(Debug, Clone, PartialEq)]
pub struct KindStatus {
    pub kind: FindingKind,
    /// The detector that reports it, if any is installed.
    pub detector: Option<&'static str>,
    /// The tables it needs.
    pub needs: Vec<Table>,
    /// The needed tables the dataset lacks.
    pub missing: Vec<Table>,
    /// The regulation text quoted by the detector.
    pub regulation: &'static str,
}

impl KindStatus {
    /// Whether it ran.
    pub fn enabled(&self) -> bool {
        self.detector.is_some() && self.missing.is_empty()
    }

    /// Why it did not run, in Chinese; `None` if it ran.
    pub fn reason(&self) -> Option<String> {
        if self.detector.is_none() {
            Some("统计检测尚未启用".into())
        } else if !self.missing.is_empty() {
            let t: Vec<String> = self
                .missing
                .iter()
                .map(|t| format!("{}({})", t.zh(), t.name()))
                .collect();
            Some(format!("缺少数据表 {}", t.join("、")))
        } else {
            None
        }
    }
}

/// The outcome of a screening.
#[derive(Debug, Clone)]
pub struct Screening {
    /// Sorted by item, rule and subject; one per (rule, subject).
    pub findings: Vec<Finding>,
    /// Every finding kind, in catalogue order, with whether it was looked for.
    pub kinds: Vec<KindStatus>,
    /// The rulebook applied.
    pub rulebook: String,
    pub rulebook_title: String,
    pub as_of: Date,
    pub window_from: Date,
    /// Whether the escalation of repeat offenders could be applied (needs `sanctions`).
    pub escalation_applied: bool,
}

/// Screens with every builtin rule.
pub fn screen(ds: &Dataset, opts: &Options) -> Screening {
    screen_with(ds, opts, &crate::rules::detectors())
}

/// Screens with the given detectors (the builtin rules plus, e.g., statistical ones).
pub fn screen_with(ds: &Dataset, opts: &Options, detectors: &[&dyn Detector]) -> Screening {
    let embedded;
    let calendar = match opts.calendar {
        Some(c) => c,
        None => {
            embedded = Calendar::embedded();
            &embedded
        }
    };
    let mut ctx = Ctx::new(ds, opts.rulebook, opts.as_of, calendar);
    ctx.bars = opts.bars;
    ctx.suspensions = opts.suspensions;
    let kinds = kind_statuses(&|t| ctx.has(t), detectors);
    let runnable: Vec<&dyn Detector> = detectors
        .iter()
        .copied()
        .filter(|d| d.needs().iter().all(|t| ctx.has(*t)))
        .collect();
    let total = runnable.len();
    let mut hits = Vec::new();
    for (i, d) in runnable.iter().enumerate() {
        let found = d.run(&ctx);
        debug_assert!(
            found.iter().all(|h| d.kinds().contains(&h.kind)),
            "{} reported a kind it does not declare",
            d.id()
        );
        hits.extend(found);
        if let Some(p) = opts.progress {
            p(i + 1, total, d.id());
        }
    }
    let escalation_applied = ctx.has(Table::Sanctions) && opts.rulebook.policy.escalate_repeat;
    let findings = classify(&ctx, hits, escalation_applied);
    Screening {
        findings,
        kinds,
        rulebook: opts.rulebook.name.clone(),
        rulebook_title: opts.rulebook.title.clone(),
        as_of: ctx.as_of,
        window_from: ctx.window_from,
        escalation_applied,
    }
}

/// Every finding kind with the detector that reports it and whether it can run
/// on a dataset that `has` these tables (the 规则说明 sheet of the risk list).
pub fn kind_statuses(has: &dyn Fn(Table) -> bool, detectors: &[&dyn Detector]) -> Vec<KindStatus> {
    let mut kinds: Vec<KindStatus> = FindingKind::ALL
        .iter()
        .map(|&kind| KindStatus {
            kind,
            detector: None,
            needs: Vec::new(),
            missing: Vec::new(),
            regulation: "",
        })
        .collect();
    for d in detectors {
        let missing: Vec<Table> = d.needs().iter().copied().filter(|t| !has(*t)).collect();
        for k in d.kinds() {
            let st = &mut kinds[kind_pos(*k)];
            if st.detector.is_none() || st.missing.len() > missing.len() {
                st.detector = Some(d.id());
                st.needs = d.needs().to_vec();
                st.missing = missing.clone();
                st.regulation = d.regulation();
            }
        }
    }
    kinds
}

fn kind_pos(k: FindingKind) -> usize {
    FindingKind::ALL
        .iter()
        .position(|x| *x == k)
        .expect("in the catalogue")
}

fn insert(evidence: &mut Value, key: &str, v: Value) {
    if let Value::Object(m) = evidence {
        m.insert(key.to_string(), v);
    }
}

/// Rulebook classification, item-15 grading, escalation, de-duplication, order.
fn classify(ctx: &Ctx, mut hits: Vec<Hit>, escalate: bool) -> Vec<Finding> {
    let book = ctx.rulebook;
    let policy = &book.policy;
    // One finding per (rule, subject): the first reported wins.
    let mut seen: FxHashSet<(FindingKind, FindingSubject)> = FxHashSet::default();
    hits.retain(|h| seen.insert((h.kind, h.subject.clone())));
    drop(seen);
    let mut findings: Vec<Finding> = hits
        .into_iter()
        .map(|h| {
            let e = book.entry(h.kind);
            let c = h.class.unwrap_or_else(|| Classification {
                item: e.item,
                severity: e.severity,
                disposition: e.disposition,
                basis: e.basis.clone(),
            });
            Finding {
                kind: h.kind,
                item: c.item,
                severity: c.severity,
                disposition: c.disposition,
                subject: h.subject,
                basis: c.basis,
                message: h.message,
                evidence: h.evidence,
                article: e.article.clone(),
                revoke_data: c.item == 15 || e.revoke_data,
            }
        })
        .collect();
    // Item 15 is graded by extent: how many certificates of the institution.
    let mut extent: FxHashMap<Option<String>, u32> = FxHashMap::default();
    for f in findings.iter().filter(|f| f.item == 15) {
        *extent.entry(f.subject.institution_id.clone()).or_default() += 1;
    }
    for f in findings.iter_mut().filter(|f| f.item == 15) {
        let n = extent[&f.subject.institution_id];
        let graded = if n >= policy.upload_grave_from {
            Severity::Grave
        } else if n >= policy.upload_serious_from {
            Severity::Serious
        } else {
            f.severity
        };
        if graded > f.severity {
            f.severity = graded;
            f.disposition = policy.disposition_for(graded);
        }
        insert(&mut f.evidence, "extent", json!(n));
    }
    // 已被警告，整改后再次违反: a serious finding against an institution with a
    // previous serious (or graver) sanction becomes grave.
    if escalate {
        let mut prior: FxHashMap<&str, &domain::model::Sanction> = FxHashMap::default();
        for s in &ctx.t.sanctions {
            if s.severity >= Severity::Serious && s.decided_on <= ctx.as_of {
                let e = prior.entry(s.institution_id.as_str()).or_insert(s);
                if s.decided_on > e.decided_on {
                    *e = s;
                }
            }
        }
        for f in findings
            .iter_mut()
            .filter(|f| f.severity == Severity::Serious)
        {
            let Some(s) = f
                .subject
                .institution_id
                .as_deref()
                .and_then(|i| prior.get(i))
            else {
                continue;
            };
            f.severity = Severity::Grave;
            f.disposition = policy.disposition_for(Severity::Grave);
            f.basis = format!("{}；{}", f.basis, policy.escalation_basis);
            insert(
                &mut f.evidence,
                "escalated",
                json!({
                    "from": "serious",
                    "prior_sanction_on": s.decided_on.to_string(),
                    "prior_item": s.item.number(),
                    "prior_severity": s.severity.code(),
                }),
            );
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}
