//! 规则手册: a province's mapping of every finding kind to the guide item
//! (认定处理指引 1..15), severity, disposition and the article text it rests on, plus
//! the policy parameters screening uses (inactivity threshold, batch share, bulk
//! factor, item-15 extent) and the thresholds of the statistical detectors of item 11
//! (`[forensics]`: false-alarm rates, windows, minimum sizes, resampling).
//!
//! Province differences are data: the rulebooks are TOML files under `rulebooks/`,
//! shipped in the binary. Parsing embedded text is not IO, so this stays pure.
//!
//! A rulebook must map every [`FindingKind`] and nothing else: one that names an
//! unknown kind or leaves one out is refused with an error naming the kind.

use crate::Error;
use crate::enums::{Disposition, Severity};
use crate::finding::FindingKind;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The builtin rulebooks: (name, TOML text). `national` is the default.
const BUILTIN: &[(&str, &str)] = &[
    ("national", include_str!("../rulebooks/national.toml")),
    (
        "shanghai-minhang",
        include_str!("../rulebooks/shanghai-minhang.toml"),
    ),
    ("liaoning", include_str!("../rulebooks/liaoning.toml")),
    ("hubei", include_str!("../rulebooks/hubei.toml")),
    ("qinghai", include_str!("../rulebooks/qinghai.toml")),
    ("shanxi", include_str!("../rulebooks/shanxi.toml")),
];

/// How one finding kind is classified.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The kind.
    pub kind: FindingKind,
    /// The guide item 1..=15 it is evidence of.
    pub item: u8,
    /// 一般 / 严重 / 特别严重.
    pub severity: Severity,
    /// 约谈提醒 / 限期整改 / 终止备案.
    pub disposition: Disposition,
    /// Item 15: the certificate data is revoked (撤销违规证书数据) on top of the disposition.
    pub revoke_data: bool,
    /// The legal basis: document and article, e.g. "湖北省技能人才评价违纪违规行为处理工作规程(试行) 第十四条(二)".
    pub basis: String,
    /// Where the classification comes from: a sentence of the document, or a
    /// platform default.
    pub source: Source,
    /// The candidate or staff article, where the finding also calls for a sanction
    /// on a person, e.g. "第七条(四)".
    pub article: Option<String>,
}

/// Where a classification (item, severity, disposition, article) comes from.
///
/// Every mapping of a rulebook is traceable: either it quotes the sentence of the
/// document its basis names, verbatim (`quote`; `……` marks an elision), which a
/// data-driven test checks against the vendored texts in `data/regulations/`; or it
/// is a platform default (`platform_default`, with the reason), shown as such
/// wherever the rulebook is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The document's sentence, quoted.
    Quote(String),
    /// No document says it: the platform's choice, and why.
    PlatformDefault(String),
}

impl Source {
    /// The quoted sentence, if it is one.
    pub fn quote(&self) -> Option<&str> {
        match self {
            Source::Quote(q) => Some(q),
            Source::PlatformDefault(_) => None,
        }
    }

    /// Whether it is a platform default.
    pub fn is_platform_default(&self) -> bool {
        matches!(self, Source::PlatformDefault(_))
    }

    /// For display: the quotation in 「」, or 平台默认 with the reason.
    pub fn display_zh(&self) -> String {
        match self {
            Source::Quote(q) => format!("「{q}」"),
            Source::PlatformDefault(why) => format!("平台默认（文件未规定）：{why}"),
        }
    }

    pub(crate) fn from_raw(quote: Option<&str>, default: Option<&str>) -> Result<Source, String> {
        fn clean(t: Option<&str>) -> Option<&str> {
            t.map(str::trim).filter(|t| !t.is_empty())
        }
        match (clean(quote), clean(default)) {
            (Some(q), None) => Ok(Source::Quote(q.to_string())),
            (None, Some(d)) => Ok(Source::PlatformDefault(d.to_string())),
            (Some(_), Some(_)) => Err("give either quote or platform_default, not both".into()),
            (None, None) => Err(
                "quote (the document's sentence) or platform_default (the reason) is required"
                    .into(),
            ),
        }
    }
}

/// A threshold of inactivity and how it is classified (item 6 or 13 by province).
#[derive(Debug, Clone, PartialEq)]
pub struct InactivityTier {
    /// Months without activity while registered.
    pub months: u32,
    pub item: u8,
    pub severity: Severity,
    pub disposition: Disposition,
    pub basis: String,
    pub source: Source,
}

/// A deadline in working days after an activity ends for the supervision record
/// (督导情况记录表), where a document sets one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordDeadline {
    /// Working days after the day the activity ends (the end day not counted).
    pub working_days: u32,
    /// Document and article.
    pub basis: String,
    /// The sentence, verbatim.
    pub quote: String,
}

/// The vendored regulation texts (`data/regulations/`, the five public documents
/// under their original file names) and the documents each holds, by a fragment of
/// the document's title. 人社职司便函〔2021〕57号 itself is not among them: its
/// 第十二条 to 第十五条 are quoted verbatim in the Minhang annex, which is where a
/// quote of it is found; 沪人社职〔2024〕120号 likewise.
pub const REGULATIONS: &[(&str, &[&str])] = &[
    (
        "000_15c8ca5e5bf67b9e.txt",
        &[
            "闵行",
            "人社职司便函〔2021〕57号",
            "技能人才评价违纪违规行为处理工作指引",
            "沪人社职",
        ],
    ),
    ("001_888d4aa0c78f2d04.txt", &["辽宁"]),
    ("002_bec2f34692914343.txt", &["湖北"]),
    ("003_3855f1d9c5ad0243.txt", &["青海"]),
    ("004_00729a37b1738b0f.txt", &["山西", "晋人社"]),
];

/// The vendored file holding `document` (a title, or a basis that starts with one).
pub fn regulation_file(document: &str) -> Option<&'static str> {
    // The earliest-mentioned title decides (a basis may cite a second document).
    REGULATIONS
        .iter()
        .flat_map(|(file, names)| {
            names
                .iter()
                .filter_map(move |n| document.find(n).map(|at| (at, *file)))
        })
        .min_by_key(|(at, _)| *at)
        .map(|(_, file)| file)
}

/// Numbers the rules need besides the classification.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// A batch is 纵容批量违规报名 when more than this share of its applications fail eligibility…
    pub batch_mostly_ineligible_share: f64,
    /// …and at least this many do.
    pub batch_mostly_ineligible_min: u32,
    /// Bulk reading: more accesses than this factor times the institution's own certificates…
    pub access_bulk_factor: f64,
    /// …and at least this many accesses.
    pub access_bulk_min: u32,
    /// Item 15 by extent: from this many findings per institution the severity is serious…
    pub upload_serious_from: u32,
    /// …and from this many grave.
    pub upload_grave_from: u32,
    /// Whether a serious finding against an institution with a previous serious
    /// sanction becomes grave (已被警告，整改后再次违反).
    pub escalate_repeat: bool,
    /// The article of the escalation.
    pub escalation_basis: String,
    /// Where the escalation comes from (when `escalate_repeat`).
    pub escalation_source: Option<Source>,
    /// When a missing supervision record counts: `None` (no document sets a
    /// deadline; the national default of screening.md) as soon as the activity is
    /// over, else this many working days after it (青海 第十七条: 2).
    pub supervision_record: Option<RecordDeadline>,
    /// Why the numbers of this section that no document sets (batch share, bulk
    /// factor, item-15 extent) are what they are: they are platform defaults.
    pub platform_default: String,
    /// The disposition of each severity, used when grading or escalating.
    pub general: Disposition,
    pub serious: Disposition,
    pub grave: Disposition,
}

/// Thresholds of the statistical detectors of guide item 11 (有组织舞弊, 评价结果真实性):
/// the `[forensics]` section. Every value has a default; a value out of range is refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Forensics {
    /// Answer similarity: family-wise false-alarm rate over every pair of candidates
    /// screened in the whole dataset (Bonferroni: a pair is flagged when its p-value is
    /// at most this divided by the number of pairs).
    pub copying_alpha: f64,
    /// A flagged pair shares at least this many identical wrong answers.
    pub copying_min_shared: u32,
    /// Score bands of a paper's takers hold at least this many takers.
    pub copying_band_takers: u32,
    /// Heaping: width h (points) of the windows [pass − h, pass) and [pass, pass + h).
    pub heaping_width: f64,
    /// Heaping: false discovery rate across batches (Benjamini–Hochberg).
    pub heaping_alpha: f64,
    /// Small spread: false discovery rate across batches (Benjamini–Hochberg).
    pub spread_alpha: f64,
    /// Pass rate: false discovery rate across batches (Benjamini–Hochberg).
    pub pass_rate_alpha: f64,
    /// Examiners: false discovery rate across examiners, per test (Benjamini–Hochberg).
    pub examiner_alpha: f64,
    /// Lenient examiners: the odds ratio of a pass (examiner vs. co-examiners of the
    /// same batches) that honest differences in severity may reach; only passes beyond
    /// it are flagged.
    pub examiner_odds_ratio: f64,
    /// Batch tests need at least this many candidates with scores.
    pub min_batch: u32,
    /// A reference (other batches of the same kind) needs at least this many batches.
    pub min_reference_batches: u32,
    /// Examiner tests need at least this many skill scores graded by the examiner.
    pub min_examiner_scores: u32,
    /// Same-size resamples of the reference drawn for the spread test.
    pub resamples: u32,
    /// Seed of the deterministic resampling.
    pub seed: u64,
}

impl Default for Forensics {
    fn default() -> Self {
        Forensics {
            copying_alpha: 1e-3,
            copying_min_shared: 6,
            copying_band_takers: 30,
            heaping_width: 4.0,
            heaping_alpha: 0.01,
            spread_alpha: 0.01,
            pass_rate_alpha: 0.05,
            examiner_alpha: 0.01,
            examiner_odds_ratio: 1.5,
            min_batch: 8,
            min_reference_batches: 10,
            min_examiner_scores: 30,
            resamples: 2000,
            seed: 20_240_611,
        }
    }
}

impl Policy {
    /// The disposition a severity calls for under this rulebook.
    pub fn disposition_for(&self, severity: Severity) -> Disposition {
        match severity {
            Severity::General => self.general,
            Severity::Serious => self.serious,
            Severity::Grave => self.grave,
        }
    }
}

/// A parsed, complete rulebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Rulebook {
    /// Its name (`national`, `hubei`, …).
    pub name: String,
    /// Chinese title, e.g. 湖北省口径.
    pub title: String,
    /// The main document the articles belong to.
    pub document: String,
    pub policy: Policy,
    /// Thresholds of the statistical detectors of item 11.
    pub forensics: Forensics,
    /// Inactivity tiers in ascending months; the last is the `activity.inactive` entry.
    pub inactivity: Vec<InactivityTier>,
    /// The due process of its cases (`procedure = "…"`, from
    /// `rulebooks/procedures/`; the national guide's when not named).
    pub procedure: crate::case::Procedure,
    /// 社评组织 per city (市州) and occupation, where the province's 机构管理办法
    /// limits them (Hubei 第九条(二)5: 3).
    pub social_org_limit: Option<Limit>,
    entries: BTreeMap<FindingKind, Entry>,
}

/// A setting of a rulebook beside its per-kind mappings (inactivity tiers, the
/// supervision record's deadline, the escalation, the platform's numbers), as shown
/// to officials: what it is, its basis and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// What it sets, in Chinese.
    pub what: String,
    /// Document and article; empty for a platform default.
    pub basis: String,
    pub source: Source,
}

/// The names of the builtin rulebooks, default first.
pub fn names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBook {
    title: String,
    document: String,
    /// The builtin procedure its cases follow (default `guide57`).
    procedure: Option<String>,
    /// Registration limits of the province's 机构管理办法, where it sets any.
    registration: Option<RawRegistration>,
    #[serde(default)]
    policy: RawPolicy,
    #[serde(default)]
    forensics: RawForensics,
    #[serde(default)]
    inactivity_tier: Vec<RawTier>,
    rules: BTreeMap<String, RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistration {
    document: String,
    social_orgs_per_city_occupation: usize,
    social_orgs_basis: String,
    social_orgs_quote: Option<String>,
    social_orgs_platform_default: Option<String>,
}

/// A limit a registration document sets, with its article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub max: usize,
    pub cited: crate::case::Cited,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawForensics {
    copying_alpha: Option<f64>,
    copying_min_shared: Option<u32>,
    copying_band_takers: Option<u32>,
    heaping_width: Option<f64>,
    heaping_alpha: Option<f64>,
    spread_alpha: Option<f64>,
    pass_rate_alpha: Option<f64>,
    examiner_alpha: Option<f64>,
    examiner_odds_ratio: Option<f64>,
    min_batch: Option<u32>,
    min_reference_batches: Option<u32>,
    min_examiner_scores: Option<u32>,
    resamples: Option<u32>,
    seed: Option<u64>,
}

impl RawForensics {
    /// The thresholds with defaults filled in, or what is out of range.
    fn resolve(self) -> Result<Forensics, String> {
        let d = Forensics::default();
        let f = Forensics {
            copying_alpha: self.copying_alpha.unwrap_or(d.copying_alpha),
            copying_min_shared: self.copying_min_shared.unwrap_or(d.copying_min_shared),
            copying_band_takers: self.copying_band_takers.unwrap_or(d.copying_band_takers),
            heaping_width: self.heaping_width.unwrap_or(d.heaping_width),
            heaping_alpha: self.heaping_alpha.unwrap_or(d.heaping_alpha),
            spread_alpha: self.spread_alpha.unwrap_or(d.spread_alpha),
            pass_rate_alpha: self.pass_rate_alpha.unwrap_or(d.pass_rate_alpha),
            examiner_alpha: self.examiner_alpha.unwrap_or(d.examiner_alpha),
            examiner_odds_ratio: self.examiner_odds_ratio.unwrap_or(d.examiner_odds_ratio),
            min_batch: self.min_batch.unwrap_or(d.min_batch),
            min_reference_batches: self
                .min_reference_batches
                .unwrap_or(d.min_reference_batches),
            min_examiner_scores: self.min_examiner_scores.unwrap_or(d.min_examiner_scores),
            resamples: self.resamples.unwrap_or(d.resamples),
            seed: self.seed.unwrap_or(d.seed),
        };
        for (name, a) in [
            ("copying_alpha", f.copying_alpha),
            ("heaping_alpha", f.heaping_alpha),
            ("spread_alpha", f.spread_alpha),
            ("pass_rate_alpha", f.pass_rate_alpha),
            ("examiner_alpha", f.examiner_alpha),
        ] {
            if !(a > 0.0 && a < 1.0) {
                return Err(format!("{name} must be strictly between 0 and 1"));
            }
        }
        if !(f.examiner_odds_ratio >= 1.0 && f.examiner_odds_ratio.is_finite()) {
            return Err("examiner_odds_ratio must be at least 1".into());
        }
        if f.copying_min_shared == 0 {
            return Err("copying_min_shared must be at least 1".into());
        }
        if f.copying_band_takers < 5 {
            return Err("copying_band_takers must be at least 5".into());
        }
        if !(f.heaping_width > 0.0 && f.heaping_width <= 20.0) {
            return Err("heaping_width must be in (0, 20] points".into());
        }
        if f.min_batch < 3 {
            return Err("min_batch must be at least 3".into());
        }
        if f.min_reference_batches == 0 {
            return Err("min_reference_batches must be at least 1".into());
        }
        if f.min_examiner_scores < 5 {
            return Err("min_examiner_scores must be at least 5".into());
        }
        if !(100..=1_000_000).contains(&f.resamples) {
            return Err("resamples must be between 100 and 1000000".into());
        }
        Ok(f)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    batch_mostly_ineligible_share: Option<f64>,
    batch_mostly_ineligible_min: Option<u32>,
    access_bulk_factor: Option<f64>,
    access_bulk_min: Option<u32>,
    upload_serious_from: Option<u32>,
    upload_grave_from: Option<u32>,
    escalate_repeat: Option<bool>,
    escalation_basis: Option<String>,
    /// Overrides the rulebook's document for the escalation article ("" = none).
    escalation_document: Option<String>,
    escalation_quote: Option<String>,
    escalation_platform_default: Option<String>,
    supervision_record_working_days: Option<u32>,
    supervision_record_basis: Option<String>,
    supervision_record_quote: Option<String>,
    platform_default: Option<String>,
    general: Option<Disposition>,
    serious: Option<Disposition>,
    grave: Option<Disposition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    months: u32,
    item: u8,
    severity: Severity,
    disposition: Disposition,
    basis: String,
    document: Option<String>,
    quote: Option<String>,
    platform_default: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    item: u8,
    severity: Severity,
    disposition: Disposition,
    basis: String,
    /// Overrides the rulebook's document for this entry.
    document: Option<String>,
    /// The article's sentence, verbatim (`……` marks an elision)…
    quote: Option<String>,
    /// …or why the mapping is the platform's own.
    platform_default: Option<String>,
    article: Option<String>,
    /// `activity.inactive` only: the threshold in months.
    months: Option<u32>,
}

fn full_basis(document: &str, own: Option<&str>, basis: &str) -> String {
    let doc = own.unwrap_or(document);
    if doc.is_empty() {
        basis.to_string()
    } else {
        format!("{doc} {basis}")
    }
}

impl Rulebook {
    /// Parses a rulebook. `name` is what it is called (and what errors say).
    pub fn parse(name: &str, text: &str) -> Result<Rulebook, Error> {
        let raw: RawBook = toml::from_str(text).map_err(|e| Error::RulebookSyntax {
            name: name.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let invalid = |kind: &str, message: String| Error::RulebookInvalid {
            name: name.to_string(),
            kind: kind.to_string(),
            message,
        };
        let mut entries = BTreeMap::new();
        let mut inactive_months = None;
        for (id, r) in &raw.rules {
            let kind = FindingKind::from_id(id).ok_or_else(|| Error::UnknownKind {
                name: name.to_string(),
                kind: id.clone(),
            })?;
            if !(1..=15).contains(&r.item) {
                return Err(invalid(id, format!("item {} is outside 1..15", r.item)));
            }
            if r.basis.trim().is_empty() {
                return Err(invalid(id, "basis is empty".into()));
            }
            match (kind, r.months) {
                (FindingKind::Inactive, Some(0)) => {
                    return Err(invalid(id, "months must be at least 1".into()));
                }
                (FindingKind::Inactive, Some(m)) => inactive_months = Some(m),
                (FindingKind::Inactive, None) => {
                    return Err(invalid(
                        id,
                        "months (the inactivity threshold) is required".into(),
                    ));
                }
                (_, Some(_)) => {
                    return Err(invalid(
                        id,
                        "months applies to activity.inactive only".into(),
                    ));
                }
                (_, None) => {}
            }
            entries.insert(
                kind,
                Entry {
                    kind,
                    item: r.item,
                    severity: r.severity,
                    disposition: r.disposition,
                    revoke_data: r.item == 15,
                    basis: full_basis(&raw.document, r.document.as_deref(), &r.basis),
                    source: Source::from_raw(r.quote.as_deref(), r.platform_default.as_deref())
                        .map_err(|m| invalid(id, m))?,
                    article: r.article.clone().filter(|a| !a.trim().is_empty()),
                },
            );
        }
        let missing: Vec<String> = FindingKind::ALL
            .iter()
            .filter(|k| !entries.contains_key(k))
            .map(|k| k.id().to_string())
            .collect();
        if !missing.is_empty() {
            return Err(Error::MissingKinds {
                name: name.to_string(),
                kinds: missing,
            });
        }
        let top = &entries[&FindingKind::Inactive];
        let top_months = inactive_months.expect("checked above");
        let mut inactivity = Vec::new();
        for t in &raw.inactivity_tier {
            if !(1..=15).contains(&t.item) {
                return Err(invalid(
                    "inactivity_tier",
                    format!("item {} is outside 1..15", t.item),
                ));
            }
            if t.months == 0 || t.months >= top_months {
                return Err(invalid(
                    "inactivity_tier",
                    format!(
                        "months {} must be between 1 and the activity.inactive threshold ({top_months})",
                        t.months
                    ),
                ));
            }
            inactivity.push(InactivityTier {
                months: t.months,
                item: t.item,
                severity: t.severity,
                disposition: t.disposition,
                basis: full_basis(&raw.document, t.document.as_deref(), &t.basis),
                source: Source::from_raw(t.quote.as_deref(), t.platform_default.as_deref())
                    .map_err(|m| invalid("inactivity_tier", m))?,
            });
        }
        inactivity.push(InactivityTier {
            months: top_months,
            item: top.item,
            severity: top.severity,
            disposition: top.disposition,
            basis: top.basis.clone(),
            source: top.source.clone(),
        });
        inactivity.sort_by_key(|t| t.months);
        if inactivity.windows(2).any(|w| w[0].months == w[1].months) {
            return Err(invalid(
                "inactivity_tier",
                "two tiers have the same months".into(),
            ));
        }
        let forensics = raw
            .forensics
            .resolve()
            .map_err(|m| invalid("forensics", m))?;
        let p = raw.policy;
        let escalation_source = if p.escalate_repeat.unwrap_or(true) {
            Some(
                Source::from_raw(
                    p.escalation_quote.as_deref(),
                    p.escalation_platform_default.as_deref(),
                )
                .map_err(|m| invalid("policy", format!("escalation: {m}")))?,
            )
        } else {
            None
        };
        let policy = Policy {
            batch_mostly_ineligible_share: p.batch_mostly_ineligible_share.unwrap_or(0.5),
            batch_mostly_ineligible_min: p.batch_mostly_ineligible_min.unwrap_or(3),
            access_bulk_factor: p.access_bulk_factor.unwrap_or(5.0),
            access_bulk_min: p.access_bulk_min.unwrap_or(200),
            upload_serious_from: p.upload_serious_from.unwrap_or(10),
            upload_grave_from: p.upload_grave_from.unwrap_or(100),
            escalate_repeat: p.escalate_repeat.unwrap_or(true),
            escalation_basis: full_basis(
                &raw.document,
                p.escalation_document.as_deref(),
                p.escalation_basis
                    .as_deref()
                    .unwrap_or("已被警告，整改后再次违反"),
            ),
            escalation_source,
            supervision_record: match (
                p.supervision_record_working_days,
                &p.supervision_record_basis,
                &p.supervision_record_quote,
            ) {
                (None, None, None) => None,
                (Some(n), Some(b), Some(q)) if n > 0 => Some(RecordDeadline {
                    working_days: n,
                    basis: full_basis(&raw.document, None, b),
                    quote: q.clone(),
                }),
                _ => {
                    return Err(invalid(
                        "policy",
                        "supervision_record_working_days (at least 1) needs supervision_record_basis and supervision_record_quote".into(),
                    ));
                }
            },
            platform_default: p
                .platform_default
                .clone()
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| {
                    invalid(
                        "policy",
                        "platform_default (why the numbers no document sets are what they are) is required".into(),
                    )
                })?,
            general: p.general.unwrap_or(Disposition::Interview),
            serious: p.serious.unwrap_or(Disposition::Rectify),
            grave: p.grave.unwrap_or(Disposition::Terminate),
        };
        if !(0.0..1.0).contains(&policy.batch_mostly_ineligible_share) {
            return Err(invalid(
                "policy",
                "batch_mostly_ineligible_share must be in 0..1".into(),
            ));
        }
        if policy.access_bulk_factor <= 0.0 {
            return Err(invalid(
                "policy",
                "access_bulk_factor must be positive".into(),
            ));
        }
        if policy.upload_serious_from == 0 || policy.upload_grave_from < policy.upload_serious_from
        {
            return Err(invalid(
                "policy",
                "need 1 <= upload_serious_from <= upload_grave_from".into(),
            ));
        }
        let procedure = crate::case::Procedure::builtin(
            raw.procedure.as_deref().unwrap_or("guide57"),
            &policy.escalation_basis,
        )
        .map_err(|m| invalid("procedure", m))?;
        let social_org_limit = match &raw.registration {
            None => None,
            Some(r) => {
                if r.social_orgs_per_city_occupation == 0 {
                    return Err(invalid(
                        "registration",
                        "social_orgs_per_city_occupation must be at least 1".into(),
                    ));
                }
                Some(Limit {
                    max: r.social_orgs_per_city_occupation,
                    cited: crate::case::Cited {
                        article: Some(r.social_orgs_basis.clone()),
                        document: r.document.clone(),
                        source: Source::from_raw(
                            r.social_orgs_quote.as_deref(),
                            r.social_orgs_platform_default.as_deref(),
                        )
                        .map_err(|m| invalid("registration", m))?,
                    },
                })
            }
        };
        Ok(Rulebook {
            name: name.to_string(),
            title: raw.title,
            document: raw.document,
            policy,
            forensics,
            inactivity,
            procedure,
            social_org_limit,
            entries,
        })
    }

    /// A builtin rulebook by name (`national`, `shanghai-minhang`, `liaoning`,
    /// `hubei`, `qinghai`, `shanxi`).
    pub fn builtin(name: &str) -> Result<Rulebook, Error> {
        let key = name.trim().to_ascii_lowercase();
        let (n, text) =
            BUILTIN
                .iter()
                .find(|(n, _)| *n == key)
                .ok_or_else(|| Error::UnknownRulebook {
                    name: name.to_string(),
                })?;
        Rulebook::parse(n, text)
    }

    /// The default rulebook.
    pub fn national() -> Rulebook {
        Rulebook::builtin("national").expect("the national rulebook parses")
    }

    /// The names of the builtin rulebooks, default first.
    pub fn names() -> Vec<&'static str> {
        names()
    }

    /// How `kind` is classified.
    pub fn entry(&self, kind: FindingKind) -> &Entry {
        &self.entries[&kind]
    }

    /// Every entry, in catalogue order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        FindingKind::ALL.iter().map(|k| &self.entries[k])
    }

    /// The settings beside the mappings, in the order they are shown (`zhijian
    /// rules`, the 规则手册 page, the 规则说明 sheet).
    pub fn parameters(&self) -> Vec<Parameter> {
        let p = &self.policy;
        let mut out: Vec<Parameter> = self
            .inactivity
            .iter()
            .map(|t| Parameter {
                what: format!(
                    "连续 {} 个月未开展评价工作：第{}项 {}违纪违规",
                    t.months,
                    t.item,
                    t.severity.zh()
                ),
                basis: t.basis.clone(),
                source: t.source.clone(),
            })
            .collect();
        out.push(match &p.supervision_record {
            Some(d) => Parameter {
                what: format!(
                    "督导情况记录表：活动结束后 {} 个工作日内提交",
                    d.working_days
                ),
                basis: d.basis.clone(),
                source: Source::Quote(d.quote.clone()),
            },
            None => Parameter {
                what: "督导记录：活动结束即应具备".into(),
                basis: String::new(),
                source: Source::PlatformDefault("文件未规定提交期限".into()),
            },
        });
        if let (true, Some(source)) = (p.escalate_repeat, &p.escalation_source) {
            out.push(Parameter {
                what: "已被警告、整改后再次违反：严重升级为特别严重".into(),
                basis: p.escalation_basis.clone(),
                source: source.clone(),
            });
        }
        out.push(Parameter {
            what: format!(
                "批量违规报名超过 {:.0}% 且不少于 {} 人；批量读取超过发证量 {} 倍且不少于 {} 次；第15项 {} 条起严重、{} 条起特别严重",
                p.batch_mostly_ineligible_share * 100.0,
                p.batch_mostly_ineligible_min,
                p.access_bulk_factor,
                p.access_bulk_min,
                p.upload_serious_from,
                p.upload_grave_from
            ),
            basis: String::new(),
            source: Source::PlatformDefault(p.platform_default.clone()),
        });
        out
    }

    /// The smallest inactivity threshold in months (below it nothing is reported).
    pub fn inactivity_threshold(&self) -> u32 {
        self.inactivity[0].months
    }

    /// The highest tier reached by `months` of inactivity.
    pub fn inactivity_tier(&self, months: u32) -> Option<&InactivityTier> {
        self.inactivity.iter().rev().find(|t| months >= t.months)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replace_rule(text: &str, from: &str, to: &str) -> String {
        assert!(text.contains(from), "{from}");
        text.replacen(from, to, 1)
    }

    #[test]
    fn every_builtin_parses_and_maps_every_kind() {
        for name in Rulebook::names() {
            let book = Rulebook::builtin(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(book.entries().count(), FindingKind::ALL.len());
            for e in book.entries() {
                assert!((1..=15).contains(&e.item));
                assert_eq!(e.revoke_data, e.item == 15, "{name} {}", e.kind.id());
                assert!(!e.basis.is_empty());
            }
            assert!(!book.inactivity.is_empty());
        }
        assert_eq!(Rulebook::names()[0], "national");
    }

    #[test]
    fn national_defaults() {
        let b = Rulebook::national();
        let e = b.entry(FindingKind::Inactive);
        assert_eq!((e.item, e.severity), (13, Severity::Grave));
        assert_eq!(b.inactivity_threshold(), 12);
        for k in FindingKind::ALL {
            assert_eq!(b.entry(*k).item, k.default_item(), "{}", k.id());
        }
        assert_eq!(
            b.entry(FindingKind::Impersonation).article.as_deref(),
            Some("第七条(四)")
        );
    }

    #[test]
    fn hubei_and_qinghai_keep_their_differences() {
        let h = Rulebook::builtin("hubei").unwrap();
        let q = Rulebook::builtin("qinghai").unwrap();
        let hi = h.entry(FindingKind::Impersonation);
        assert_eq!(hi.severity, Severity::Serious);
        assert!(hi.basis.contains("第十三条(五)"), "{}", hi.basis);
        let hc = h.entry(FindingKind::AnswerCopying);
        assert_eq!(hc.severity, Severity::Grave);
        assert!(hc.basis.contains("第十四条(四)"), "{}", hc.basis);
        let qi = q.entry(FindingKind::Impersonation);
        assert_eq!(qi.severity, Severity::Grave);
        assert!(qi.basis.contains("第二十二条(四)"), "{}", qi.basis);
        // Qinghai 第二十二条(七): “一年(含)以上不开展评价工作的” → 终止备案. 第二十一条(三)
        // “一年内无正当理由不开展评价活动的” sets no shorter period, so no tier below
        // twelve months is screened (the former six-month tier was in no document).
        assert!(q.inactivity_tier(11).is_none());
        let high = q.inactivity_tier(12).unwrap();
        assert_eq!((high.severity, high.item), (Severity::Grave, 13));
        assert!(high.basis.contains("第二十二条(七)"));
        assert_eq!(high.source.quote(), Some("一年(含)以上不开展评价工作的"));
        // Shanxi 四(一)1: “对自备案以来连续两年未开展职业技能等级评价工作的,原则上全部清退”;
        // from one year 人社职司便函〔2021〕57号 第十四条(七) already terminates.
        let s = Rulebook::builtin("shanxi").unwrap();
        let t = s.inactivity_tier(24).unwrap();
        assert_eq!(t.disposition, Disposition::Terminate);
        assert!(t.basis.contains("四(一)1"), "{}", t.basis);
        let year = s.inactivity_tier(13).unwrap();
        assert_eq!(year.severity, Severity::Grave);
        assert!(year.basis.contains("第十四条(七)"), "{}", year.basis);
        assert!(s.inactivity.iter().all(|t| !t.basis.contains("四(二)")));
        // Minhang: 第13项 “一年(含)以上不开展评价工作。”, no shorter tier.
        let m = Rulebook::builtin("shanghai-minhang").unwrap();
        assert_eq!(m.inactivity_threshold(), 12);
        // Qinghai 第十七条: the record is due 2 working days after supervision ends;
        // no other document sets a deadline.
        let due = q.policy.supervision_record.as_ref().unwrap();
        assert_eq!(due.working_days, 2);
        assert!(due.basis.contains("第十七条"));
        for name in Rulebook::names().into_iter().filter(|n| *n != "qinghai") {
            assert_eq!(
                Rulebook::builtin(name).unwrap().policy.supervision_record,
                None
            );
        }
        assert!(h.policy.escalation_basis.contains("第十四条(七)"));
        assert!(
            s.policy
                .escalation_basis
                .starts_with("技能人才评价违纪违规行为处理工作指引")
        );
        assert!(q.policy.escalation_basis.contains("第二十二条(六)"));
        // Only Hubei's 机构管理办法 第九条(二)5 limits 社评组织 per city and occupation.
        let limit = h.social_org_limit.as_ref().unwrap();
        assert_eq!(limit.max, 3);
        assert_eq!(limit.cited.article.as_deref(), Some("第九条(二)5"));
        for name in Rulebook::names().into_iter().filter(|n| *n != "hubei") {
            assert_eq!(Rulebook::builtin(name).unwrap().social_org_limit, None);
        }
    }

    #[test]
    fn every_mapping_quotes_a_sentence_or_is_a_marked_default() {
        let text = BUILTIN[0].1;
        let start = text.find("[rules.\"promotion.subsidy_bait\"]").unwrap();
        let end = start + text[start..].find("\n\n").unwrap();
        let block = &text[start..end];
        let quote_line = block.lines().find(|l| l.starts_with("quote = ")).unwrap();
        let without = text.replacen(block, &block.replace(&format!("\n{quote_line}"), ""), 1);
        let err = Rulebook::parse("t", &without).unwrap_err().to_string();
        assert!(err.contains("platform_default"), "{err}");
        let in_block = |to: &str| text.replacen(block, &block.replace(quote_line, to), 1);
        let both = in_block(&format!("{quote_line}\nplatform_default = \"x\""));
        assert!(Rulebook::parse("t", &both).is_err());
        let default = in_block("platform_default = \"文件未规定\"");
        let book = Rulebook::parse("t", &default).unwrap();
        let e = book.entry(FindingKind::SubsidyBait);
        assert!(e.source.is_platform_default());
        assert!(e.source.display_zh().starts_with("平台默认"));
    }

    #[test]
    fn a_missing_or_unknown_kind_is_refused() {
        let text = BUILTIN[0].1;
        let start = text.find("[rules.\"promotion.subsidy_bait\"]").unwrap();
        let end = start + text[start..].find("\n\n").unwrap();
        let without = format!("{}{}", &text[..start], &text[end..]);
        let err = Rulebook::parse("test", &without).unwrap_err();
        assert_eq!(
            err,
            Error::MissingKinds {
                name: "test".into(),
                kinds: vec!["promotion.subsidy_bait".into()]
            }
        );
        assert!(
            err.to_string()
                .contains("`promotion.subsidy_bait` is not mapped")
        );
        let unknown = replace_rule(
            text,
            "[rules.\"promotion.subsidy_bait\"]",
            "[rules.\"promotion.subsidy_baits\"]",
        );
        let err = Rulebook::parse("test", &unknown).unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown finding kind `promotion.subsidy_baits`"),
            "{err}"
        );
        assert!(matches!(
            Rulebook::builtin("atlantis"),
            Err(Error::UnknownRulebook { .. })
        ));
    }

    #[test]
    fn forensics_thresholds_parse_with_defaults_and_are_checked() {
        for name in Rulebook::names() {
            let book = Rulebook::builtin(name).unwrap();
            assert_eq!(book.forensics.copying_alpha, 1e-3, "{name}");
            assert!(book.forensics.heaping_width > 0.0);
        }
        let text = BUILTIN[0].1;
        let start = text.find("[forensics]").expect("national has [forensics]");
        let end = start + text[start..].find("\n\n").unwrap();
        let without = format!("{}{}", &text[..start], &text[end..]);
        let book = Rulebook::parse("t", &without).unwrap();
        assert_eq!(book.forensics, Forensics::default());
        let bad = replace_rule(text, "copying_alpha = 0.001", "copying_alpha = 1.5");
        let err = Rulebook::parse("t", &bad).unwrap_err();
        assert!(err.to_string().contains("copying_alpha"), "{err}");
        let unknown = replace_rule(text, "copying_alpha = 0.001", "copying_alfa = 0.001");
        assert!(matches!(
            Rulebook::parse("t", &unknown),
            Err(Error::RulebookSyntax { .. })
        ));
    }

    #[test]
    fn bad_values_are_refused() {
        let text = BUILTIN[0].1;
        let bad = replace_rule(text, "severity = \"general\"", "severity = \"mild\"");
        assert!(matches!(
            Rulebook::parse("t", &bad),
            Err(Error::RulebookSyntax { .. })
        ));
        let start = text.find("[rules.\"activity.inactive\"]").unwrap();
        let months = start + text[start..].find("months = 12").unwrap();
        let bad = format!("{}months = 0{}", &text[..months], &text[months + 11..]);
        assert!(matches!(
            Rulebook::parse("t", &bad),
            Err(Error::RulebookInvalid { .. })
        ));
    }
}
