//! The evaluation dataset in memory: one typed row struct per table of
//! ../shared/spec/dataset.md, and [`Dataset`], which holds them with indexes by id.
//!
//! Every field is a validated type, so a `Dataset` that exists is well-formed row by
//! row. Referential problems (a batch naming an unknown institution, a score for an
//! unknown enrollment) are *not* rejected: they are evidence of violations, so
//! [`Dataset::new`] records them in [`Dataset::reference_issues`] for screening.

use crate::declared::{Declared, Malformed, WorkYears, valid};
use crate::enums::*;
use crate::ids::*;
use crate::{
    CertNo, CreditCode, Date, DateTime, IdNumber, Level, OccupationCode, RegionCode, Score,
};
use compact_str::CompactString;
use std::collections::BTreeSet;

/// Short text (names, channels): inline up to 24 bytes, so most need no allocation.
pub type Text = CompactString;

/// The tables of the interchange format, in the order files are listed and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Meta,
    Institutions,
    Scopes,
    Sites,
    Affiliates,
    Personnel,
    Batches,
    Sessions,
    BatchStaff,
    BatchChanges,
    Enrollments,
    Scores,
    Results,
    Papers,
    Answers,
    Certificates,
    Standards,
    Complaints,
    Promotions,
    AccessLog,
    Sanctions,
}

impl Table {
    /// Every table.
    pub const ALL: [Table; 21] = [
        Table::Meta,
        Table::Institutions,
        Table::Scopes,
        Table::Sites,
        Table::Affiliates,
        Table::Personnel,
        Table::Batches,
        Table::Sessions,
        Table::BatchStaff,
        Table::BatchChanges,
        Table::Enrollments,
        Table::Scores,
        Table::Results,
        Table::Papers,
        Table::Answers,
        Table::Certificates,
        Table::Standards,
        Table::Complaints,
        Table::Promotions,
        Table::AccessLog,
        Table::Sanctions,
    ];

    /// The file stem and sheet name.
    pub const fn name(self) -> &'static str {
        match self {
            Table::Meta => "meta",
            Table::Institutions => "institutions",
            Table::Scopes => "scopes",
            Table::Sites => "sites",
            Table::Affiliates => "affiliates",
            Table::Personnel => "personnel",
            Table::Batches => "batches",
            Table::Sessions => "sessions",
            Table::BatchStaff => "batch_staff",
            Table::BatchChanges => "batch_changes",
            Table::Enrollments => "enrollments",
            Table::Scores => "scores",
            Table::Results => "results",
            Table::Papers => "papers",
            Table::Answers => "answers",
            Table::Certificates => "certificates",
            Table::Standards => "standards",
            Table::Complaints => "complaints",
            Table::Promotions => "promotions",
            Table::AccessLog => "access_log",
            Table::Sanctions => "sanctions",
        }
    }

    /// The Chinese name.
    pub const fn zh(self) -> &'static str {
        match self {
            Table::Meta => "元数据",
            Table::Institutions => "评价机构",
            Table::Scopes => "备案范围",
            Table::Sites => "考核场所",
            Table::Affiliates => "关联单位",
            Table::Personnel => "考评及督导人员",
            Table::Batches => "考务计划",
            Table::Sessions => "考核科目",
            Table::BatchStaff => "考评人员安排",
            Table::BatchChanges => "考务计划变更",
            Table::Enrollments => "参评人员",
            Table::Scores => "成绩",
            Table::Results => "评价结果",
            Table::Papers => "试卷",
            Table::Answers => "作答记录",
            Table::Certificates => "证书",
            Table::Standards => "考核规范",
            Table::Complaints => "投诉举报",
            Table::Promotions => "宣传材料",
            Table::AccessLog => "证书数据读取记录",
            Table::Sanctions => "处理记录",
        }
    }

    /// Looks a table up by its file/sheet name or Chinese name.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL
            .into_iter()
            .find(|t| t.name() == name || t.zh() == name)
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// 元数据: what the dataset describes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    /// 数据截止日期; defaults to the latest date seen in the data.
    pub as_of: Option<Date>,
    /// The jurisdiction.
    pub region_code: Option<RegionCode>,
    /// The rulebook to apply; default `national`.
    pub policy: Option<Text>,
    /// 筛查起始日期; certificates issued before it are history.
    pub window_from: Option<Date>,
}

/// 评价机构.
#[derive(Debug, Clone, PartialEq)]
pub struct Institution {
    pub institution_id: InstitutionId,
    pub name: Text,
    pub credit_code: CreditCode,
    pub kind: InstitutionKind,
    pub region_code: RegionCode,
    pub registered_on: Date,
    /// Registration is valid through this date.
    pub expires_on: Date,
    pub status: RegistrationStatus,
    pub status_since: Option<Date>,
    /// Employers: staff headcount including dispatched workers.
    pub employee_count: Option<u32>,
    pub phone: Option<Text>,
    /// 备案机关: the authority the institution registered with, as its region
    /// code (a province `420000` or a city `420100`); empty = the default of
    /// [`Institution::default_authority`]. 谁备案谁监管: this, not the address,
    /// decides who supervises it.
    pub registered_by: Option<RegionCode>,
}

impl Institution {
    /// The authority that supervises the institution: the one it registered
    /// with, or the default for its kind and address.
    pub fn authority(&self) -> RegionCode {
        self.registered_by
            .unwrap_or_else(|| Self::default_authority(self.kind, &self.region_code))
    }

    /// Where an institution registers when nothing else is said. Hubei 机构管理办法
    /// 第五条: "(一)职业资格鉴定机构由职业资格实施部门(单位)会同省级人社部门备案管理"
    /// — the province; "(二)…其余各类机构按照属地原则由市州人社部门备案管理" and
    /// "(三)专项职业能力考核考点按照属地原则由市州人社部门备案管理" — the city
    /// (属地是指评价机构所在市州). The province-registered 中央在鄂企业、部属院校、
    /// 省属企业、省属院校 of 第五条(二) are recorded explicitly in `registered_by`.
    pub fn default_authority(kind: InstitutionKind, region: &RegionCode) -> RegionCode {
        match (kind, region.city()) {
            (InstitutionKind::Qualification, _) | (_, None) => region.province(),
            (_, Some(city)) => city,
        }
    }

    /// Whether `authority` may be the registering authority of an institution at
    /// `region`: a province or city (第五条: 省本级 or 市州; districts do not
    /// register) containing the address.
    pub fn valid_authority(authority: &RegionCode, region: &RegionCode) -> bool {
        authority.level() != crate::region::RegionLevel::District && authority.contains(region)
    }
}

/// 备案范围: one registered (occupation, level).
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub institution_id: InstitutionId,
    pub occupation_code: OccupationCode,
    pub occupation_name: Option<Text>,
    pub level: Level,
    /// Default: the registration term.
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

/// 考核场所.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub site_id: SiteId,
    pub institution_id: InstitutionId,
    pub address: Text,
    pub capacity: Option<u32>,
    pub registered_on: Option<Date>,
    pub revoked_on: Option<Date>,
    /// 所在地区: where the site is; a finding about an activity held here
    /// belongs to this region when its institution is not registered.
    pub region_code: Option<RegionCode>,
}

/// 关联单位: whose staff an employer may evaluate besides its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Affiliate {
    pub institution_id: InstitutionId,
    pub credit_code: CreditCode,
    pub name: Text,
    pub relation: Relation,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

/// 考评及督导人员.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Card number.
    pub person_id: PersonId,
    pub id_number: Option<IdNumber>,
    pub name: Text,
    pub role: PersonRole,
    /// Empty for external supervisors.
    pub institution_id: Option<InstitutionId>,
    /// Examiners: the occupation they may evaluate.
    pub occupation_code: Option<OccupationCode>,
    /// Examiners: the highest level (smallest number) they may evaluate.
    pub max_level: Option<Level>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    /// Where they work, for recusal (回避).
    pub employer_credit_code: Option<CreditCode>,
}

/// 考务计划: one evaluation activity (批次) of one occupation and level.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub batch_id: BatchId,
    pub institution_id: InstitutionId,
    pub occupation_code: OccupationCode,
    pub level: Level,
    pub site_id: Option<SiteId>,
    pub start_at: DateTime,
    pub end_at: DateTime,
    /// When the plan was filed; `None` = never filed.
    pub filed_at: Option<DateTime>,
    /// `None` = no internal supervisor assigned.
    pub internal_supervisor_id: Option<PersonId>,
    /// `None` = no supervision record.
    pub supervision_record_at: Option<DateTime>,
}

/// 考核科目: one subject of one activity.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub batch_id: BatchId,
    pub subject: Subject,
    pub start_at: DateTime,
    pub end_at: DateTime,
    pub paper_drawn: Option<PaperId>,
    pub paper_used: Option<PaperId>,
}

/// 考评人员安排.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchStaff {
    pub batch_id: BatchId,
    pub subject: Subject,
    pub person_id: PersonId,
    pub duty: Duty,
}

/// 考务计划变更.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchChange {
    pub batch_id: BatchId,
    pub field: ChangeField,
    pub old_value: Option<Text>,
    pub new_value: Option<Text>,
    pub changed_at: DateTime,
    /// `None` = never reported.
    pub reported_at: Option<DateTime>,
}

/// 参评人员: one application to one activity.
///
/// The key (`batch_id`, `candidate_id`), the name and `applied_at` are the
/// institution's record and strict. Everything the applicant declared (学历, 专业相关,
/// 相关工作年限, the prior-level certificate's number, occupation, level and date, the
/// employer's credit code) is a [`Declared`] value: evidence to screen, kept as
/// written with its reason when malformed (../shared/spec/dataset.md, “Declared
/// values”). The employer's name is free text.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrollment {
    pub batch_id: BatchId,
    pub candidate_id: IdNumber,
    pub name: Text,
    pub employer_credit_code: Option<Declared<CreditCode>>,
    pub employer_name: Option<Text>,
    pub education: Option<Declared<Education>>,
    /// The diploma is in this or a related major.
    pub major_related: Option<Declared<bool>>,
    /// Years of work in this or a related occupation, decimals as declared.
    pub work_years: Option<Declared<WorkYears>>,
    pub prior_cert_no: Option<Declared<CertNo>>,
    pub prior_occupation_code: Option<Declared<OccupationCode>>,
    pub prior_level: Option<Declared<Level>>,
    pub prior_cert_on: Option<Declared<Date>>,
    pub applied_at: Option<DateTime>,
}

/// A declared column of an enrollment that is malformed: its column (the spec's
/// English name), the text as written and why it cannot be a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedField<'a> {
    pub column: &'static str,
    pub malformed: &'a Malformed,
}

impl Enrollment {
    /// The declared employer credit code, if present and well-formed.
    pub fn employer_code(&self) -> Option<&CreditCode> {
        valid(&self.employer_credit_code)
    }

    /// The declared education, if present and well-formed.
    pub fn education(&self) -> Option<Education> {
        valid(&self.education).copied()
    }

    /// Whether the diploma is declared related, if present and well-formed.
    pub fn major_related(&self) -> Option<bool> {
        valid(&self.major_related).copied()
    }

    /// The declared work years, if present and well-formed.
    pub fn work_years(&self) -> Option<&WorkYears> {
        valid(&self.work_years)
    }

    /// The declared prior certificate number, if present and well-formed.
    pub fn prior_cert(&self) -> Option<&CertNo> {
        valid(&self.prior_cert_no)
    }

    /// The declared prior occupation, if present and well-formed.
    pub fn prior_occupation(&self) -> Option<OccupationCode> {
        valid(&self.prior_occupation_code).copied()
    }

    /// The declared prior level, if present and well-formed.
    pub fn prior_level(&self) -> Option<Level> {
        valid(&self.prior_level).copied()
    }

    /// The declared prior certificate date, if present and well-formed.
    pub fn prior_cert_on(&self) -> Option<Date> {
        valid(&self.prior_cert_on).copied()
    }

    /// The malformed declared columns, in column order.
    pub fn malformed(&self) -> Vec<MalformedField<'_>> {
        fn m<'a, T>(
            column: &'static str,
            v: &'a Option<Declared<T>>,
        ) -> Option<MalformedField<'a>> {
            v.as_ref()
                .and_then(Declared::malformed)
                .map(|malformed| MalformedField { column, malformed })
        }
        [
            m("employer_credit_code", &self.employer_credit_code),
            m("education", &self.education),
            m("major_related", &self.major_related),
            m("work_years", &self.work_years),
            m("prior_cert_no", &self.prior_cert_no),
            m("prior_occupation_code", &self.prior_occupation_code),
            m("prior_level", &self.prior_level),
            m("prior_cert_on", &self.prior_cert_on),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// 成绩: one subject score.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub batch_id: BatchId,
    pub candidate_id: IdNumber,
    pub subject: Subject,
    /// `None` = absent (缺考): the candidate did not sit the subject. Screening
    /// treats it as no score for that subject, as a missing row always was.
    pub score: Option<Score>,
    pub graded_by: Option<PersonId>,
    pub recorded_at: Option<DateTime>,
}

/// 评价结果.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub batch_id: BatchId,
    pub candidate_id: IdNumber,
    pub result: Outcome,
}

/// 试卷: the answer key of one paper.
#[derive(Debug, Clone, PartialEq)]
pub struct Paper {
    pub paper_id: PaperId,
    pub occupation_code: OccupationCode,
    pub level: Level,
    pub subject: Subject,
    /// One character per objective item.
    pub answer_key: String,
}

/// 作答记录: one candidate's responses to one paper.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub batch_id: BatchId,
    pub candidate_id: IdNumber,
    pub paper_id: PaperId,
    /// One character per item, `-` = blank.
    pub responses: String,
    pub started_at: Option<DateTime>,
    pub submitted_at: Option<DateTime>,
}

/// 证书.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    pub cert_no: CertNo,
    pub candidate_id: IdNumber,
    pub name: Text,
    pub institution_id: InstitutionId,
    /// `None` for certificates with no activity recorded.
    pub batch_id: Option<BatchId>,
    pub occupation_code: OccupationCode,
    pub level: Level,
    pub issued_on: Date,
    pub uploaded_at: Option<DateTime>,
    pub status: CertStatus,
}

/// 考核规范: an override of the national norms for one occupation, level and subject.
#[derive(Debug, Clone, PartialEq)]
pub struct Standard {
    pub occupation_code: OccupationCode,
    pub level: Level,
    pub subject: Subject,
    pub min_minutes: Option<u32>,
    /// Share of the subject in the overall result, 0..=1.
    pub weight: Option<f64>,
    pub pass_mark: Option<Score>,
    /// Candidates per proctor.
    pub proctor_ratio: Option<u32>,
    /// Candidates per examiner.
    pub examiner_ratio: Option<u32>,
}

/// 投诉举报.
#[derive(Debug, Clone, PartialEq)]
pub struct Complaint {
    pub complaint_id: ComplaintId,
    pub institution_id: InstitutionId,
    pub received_on: Date,
    pub channel: Option<Text>,
    pub summary: String,
    pub verified: Verified,
    pub at_fault: Option<bool>,
}

/// 宣传材料.
#[derive(Debug, Clone, PartialEq)]
pub struct Promotion {
    pub institution_id: InstitutionId,
    pub channel: Option<Text>,
    pub captured_on: Date,
    pub text: String,
}

/// 证书数据读取记录.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessLog {
    pub at: DateTime,
    pub user_id: UserId,
    pub institution_id: Option<InstitutionId>,
    pub cert_no: CertNo,
    pub action: AccessAction,
}

/// 处理记录: a past decision, for repeat-offence rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Sanction {
    pub institution_id: InstitutionId,
    pub decided_on: Date,
    pub item: GuideItem,
    pub severity: Severity,
    pub disposition: Disposition,
}

/// A guide item 1..=15 of the 评价机构违纪违规认定处理指引.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct GuideItem(u8);

impl GuideItem {
    /// Parses 1..=15.
    pub fn parse(text: &str) -> Result<Self, crate::Error> {
        let t = text.trim();
        match t.parse::<u8>() {
            Ok(n) if (1..=15).contains(&n) => Ok(GuideItem(n)),
            _ => Err(crate::Error::invalid(
                format!("\"{t}\" is not a guide item"),
                "a guide item number 1..15",
            )),
        }
    }

    /// The item number.
    pub fn number(self) -> u8 {
        self.0
    }
}

/// All tables of one dataset. Build it with [`Dataset::new`], which indexes it and
/// records referential problems.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables {
    pub meta: Meta,
    pub institutions: Vec<Institution>,
    pub scopes: Vec<Scope>,
    pub sites: Vec<Site>,
    pub affiliates: Vec<Affiliate>,
    pub personnel: Vec<Person>,
    pub batches: Vec<Batch>,
    pub sessions: Vec<Session>,
    pub batch_staff: Vec<BatchStaff>,
    pub batch_changes: Vec<BatchChange>,
    pub enrollments: Vec<Enrollment>,
    pub scores: Vec<ScoreRow>,
    pub results: Vec<ResultRow>,
    pub papers: Vec<Paper>,
    pub answers: Vec<Answer>,
    pub certificates: Vec<Certificate>,
    pub standards: Vec<Standard>,
    pub complaints: Vec<Complaint>,
    pub promotions: Vec<Promotion>,
    pub access_log: Vec<AccessLog>,
    pub sanctions: Vec<Sanction>,
    /// Which tables the source had (a missing optional table disables the rules
    /// that need it; it is never an error).
    pub present: BTreeSet<Table>,
}

impl Tables {
    /// Number of rows of a table.
    pub fn len(&self, table: Table) -> usize {
        match table {
            Table::Meta => usize::from(self.present.contains(&Table::Meta)),
            Table::Institutions => self.institutions.len(),
            Table::Scopes => self.scopes.len(),
            Table::Sites => self.sites.len(),
            Table::Affiliates => self.affiliates.len(),
            Table::Personnel => self.personnel.len(),
            Table::Batches => self.batches.len(),
            Table::Sessions => self.sessions.len(),
            Table::BatchStaff => self.batch_staff.len(),
            Table::BatchChanges => self.batch_changes.len(),
            Table::Enrollments => self.enrollments.len(),
            Table::Scores => self.scores.len(),
            Table::Results => self.results.len(),
            Table::Papers => self.papers.len(),
            Table::Answers => self.answers.len(),
            Table::Certificates => self.certificates.len(),
            Table::Standards => self.standards.len(),
            Table::Complaints => self.complaints.len(),
            Table::Promotions => self.promotions.len(),
            Table::AccessLog => self.access_log.len(),
            Table::Sanctions => self.sanctions.len(),
        }
    }
}

mod dataset;
pub use dataset::{Dataset, DuplicateKey, EnrollmentKey, ReferenceIssue};
