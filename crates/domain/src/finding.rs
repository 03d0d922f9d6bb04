//! The catalogue of finding kinds: what screening (数字化监测, 大数据比对) looks for,
//! with the guide item (认定处理指引 1..15) each kind is evidence of by default.
//!
//! The identifiers are stable: they appear in findings.jsonl, in the generator's
//! labels.jsonl, in rulebooks and in the store. Rulebooks may move a kind to another
//! item (e.g. inactivity is item 6 or 13 by province) but cannot invent kinds.

use serde::{Deserialize, Serialize};

/// What a finding is about, from the most specific subject down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// An institution as a whole.
    Institution,
    /// One activity (批次).
    Batch,
    /// One application (batch + candidate).
    Enrollment,
    /// One certificate.
    Certificate,
    /// One staff member, in one activity or overall.
    Person,
}

macro_rules! kinds {
    ($( $(#[$m:meta])* $variant:ident = $id:literal, $item:literal, $subject:ident, $zh:literal; )+) => {
        /// One kind of finding.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum FindingKind { $( $(#[$m])* $variant ),+ }

        impl FindingKind {
            /// Every kind, in catalogue order.
            pub const ALL: &'static [FindingKind] = &[$(FindingKind::$variant),+];

            /// The stable rule identifier, e.g. `scope.outside_registered_scope`.
            pub const fn id(self) -> &'static str {
                match self { $(FindingKind::$variant => $id),+ }
            }

            /// The guide item it is evidence of under the national default rulebook.
            pub const fn default_item(self) -> u8 {
                match self { $(FindingKind::$variant => $item),+ }
            }

            /// What it is about.
            pub const fn subject(self) -> SubjectKind {
                match self { $(FindingKind::$variant => SubjectKind::$subject),+ }
            }

            /// A short Chinese title for lists and reports.
            pub const fn title(self) -> &'static str {
                match self { $(FindingKind::$variant => $zh),+ }
            }

            /// Looks a kind up by its identifier.
            pub fn from_id(id: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|k| k.id() == id)
            }
        }
    };
}

kinds! {
    // Item 1: 申报材料缺失 / 申报相关性不符.
    /// The application meets none of the level's eligibility paths (申报条件).
    EligibilityNotMet = "eligibility.requirements_not_met", 1, Enrollment, "申报条件不符";
    /// A declared value of the application cannot be read (学历, 专业相关, 相关工作年限,
    /// 工作单位信用代码 malformed): the supporting fact is as good as missing.
    DeclaredMalformed = "eligibility.declared_malformed", 1, Enrollment, "申报信息无法识别";
    /// A candidate applied while barred by an earlier decision (禁考期: 1, 2 or 5 years).
    CandidateBarred = "eligibility.barred_candidate", 1, Enrollment, "禁考期内报名参评";
    // Item 2: 对不在评价范围内的人员开展评价.
    /// An employer evaluates someone who is neither its staff nor an affiliate's.
    CandidateNotStaff = "scope.candidate_not_staff", 2, Enrollment, "用人单位评价非本单位及关联单位职工";
    /// An employer certifies more people in a year than its headcount.
    EmployerOverHeadcount = "scope.employer_over_headcount", 2, Institution, "年度发证人数超过职工人数";
    // Item 3: 擅自改变考核方案.
    /// A session shorter than the standard's minimum.
    SessionTooShort = "process.session_too_short", 3, Batch, "考核时长不足";
    /// Subjects differ from the standard.
    SubjectsMismatch = "process.subjects_mismatch", 3, Batch, "考核科目与标准不符";
    // Item 4: 考评员、督导、报备、抽题、成绩.
    /// An examiner with no registration in the personnel register.
    ExaminerUnregistered = "staff.examiner_unregistered", 4, Batch, "使用未备案考评员";
    /// An examiner whose card was not valid on the activity date.
    ExaminerExpired = "staff.examiner_expired", 4, Batch, "考评员证卡不在有效期";
    /// An examiner not qualified for the occupation or the level.
    ExaminerUnqualified = "staff.examiner_unqualified", 4, Batch, "考评员职业或等级不符";
    /// An examiner registered with another institution.
    ExaminerOtherInstitution = "staff.examiner_other_institution", 4, Batch, "使用其他机构考评员";
    /// One examiner in two overlapping activities at different sites (reported on the later one).
    ExaminerDoubleBooked = "staff.examiner_double_booked", 4, Batch, "考评员同时段在不同考场";
    /// Fewer examiners than the standard requires for the candidates.
    TooFewExaminers = "staff.too_few_examiners", 4, Batch, "考评员配备不足";
    /// An even number of examiners where an odd one is required.
    EvenExaminers = "staff.even_examiners", 4, Batch, "考评员人数非奇数";
    /// Fewer proctors than the standard requires.
    TooFewProctors = "staff.too_few_proctors", 4, Batch, "监考人员配备不足";
    /// No internal supervisor assigned.
    NoInternalSupervisor = "supervision.no_internal_supervisor", 4, Batch, "未委派内部督导员";
    /// An internal supervisor assigned but no supervision record.
    NoSupervisionRecord = "supervision.no_record", 4, Batch, "内部督导记录缺失";
    /// The plan was filed after the activity started.
    PlanFiledLate = "filing.plan_late", 4, Batch, "考务计划报备不及时";
    /// The plan was never filed.
    PlanUnfiled = "filing.plan_unfiled", 4, Batch, "考务计划未报备";
    /// A key change not reported before the activity started.
    ChangeUnreported = "filing.change_unreported", 4, Batch, "关键信息变更未报备";
    /// The paper used is not the paper drawn.
    PaperMismatch = "process.paper_mismatch", 4, Batch, "未按抽题结果考核";
    /// A result that contradicts the scores.
    ResultContradictsScores = "scores.result_contradicts_scores", 4, Enrollment, "评价结果与成绩矛盾";
    /// A score outside 0..100.
    ScoreOutOfRange = "scores.out_of_range", 4, Enrollment, "成绩超出范围";
    /// A score recorded by someone not assigned to grade that session.
    UnassignedGrader = "scores.unassigned_grader", 4, Enrollment, "非指派人员评分";
    /// A score or result for a candidate not enrolled in that activity.
    ScoreWithoutEnrollment = "scores.unknown_enrollment", 4, Enrollment, "成绩无对应报名记录";
    // Item 5: 包过、保过等虚假宣传.
    /// Promotional text promising a pass.
    FalseAdvertising = "promotion.false_advertising", 5, Institution, "包过保过虚假宣传";
    /// Promotional text using the government subsidy as bait.
    SubsidyBait = "promotion.subsidy_bait", 5, Institution, "以政府补贴为噱头诱导收费";
    // Items 6 / 13: 不开展评价工作 (item by rulebook).
    /// No activity for the rulebook's threshold while registered.
    Inactive = "activity.inactive", 13, Institution, "长期不开展评价工作";
    // Item 7: 有责投诉.
    /// A substantiated complaint with the institution at fault.
    SubstantiatedComplaint = "complaint.substantiated", 7, Institution, "有责投诉经核实";
    // Item 9: 未备案即开展评价 / 超范围.
    /// An activity for an occupation/level outside the registered scope.
    OutsideScope = "scope.outside_registered_scope", 9, Batch, "超出备案范围开展评价";
    /// An activity at a site not registered to the institution.
    UnregisteredSite = "scope.unregistered_site", 9, Batch, "在未备案场所开展评价";
    /// An activity while the registration is expired, suspended or terminated.
    RegistrationInactive = "scope.registration_inactive", 9, Batch, "备案失效或暂停期间开展评价";
    /// An activity by an institution that is not registered at all.
    UnregisteredInstitution = "scope.unregistered_institution", 9, Batch, "未备案机构开展评价";
    // Item 10: 伪造申报资料 / 纵容违规报名.
    /// The prior certificate cited does not exist.
    PriorCertNotFound = "eligibility.prior_cert_not_found", 10, Enrollment, "前一等级证书不存在";
    /// The prior certificate cited belongs to someone else.
    PriorCertOtherPerson = "eligibility.prior_cert_other_person", 10, Enrollment, "前一等级证书非本人";
    /// The prior certificate cited was issued after the application.
    PriorCertAfterApplication = "eligibility.prior_cert_after_application", 10, Enrollment, "前一等级证书晚于报名";
    /// The prior certificate cited cannot exist: its number (or its declared level,
    /// occupation or date) is malformed, e.g. a level digit outside 1–5.
    PriorCertMalformed = "eligibility.prior_cert_malformed", 10, Enrollment, "前一等级证书编号不可能存在";
    /// Most applications of the batch fail eligibility (纵容批量违规报名).
    BatchMostlyIneligible = "eligibility.batch_mostly_ineligible", 10, Batch, "批量违规报名";
    // Item 11: 有组织舞弊.
    /// One candidate in two overlapping activities at different places (冒名顶替).
    Impersonation = "cheating.impersonation", 11, Enrollment, "同一人同时段参加不同考场评价";
    /// A cluster of candidates sharing far more identical wrong answers than chance allows.
    AnswerCopying = "cheating.answer_copying", 11, Batch, "作答雷同";
    /// Scores heaped just above the pass mark.
    ScoreHeaping = "cheating.score_heaping", 11, Batch, "成绩集中于合格线附近";
    /// Abnormally small spread of scores.
    LowSpread = "cheating.low_spread", 11, Batch, "成绩离散度异常偏小";
    /// A pass rate far above the occupation×level baseline.
    PassRateOutlier = "cheating.pass_rate_outlier", 11, Batch, "合格率异常偏高";
    /// An examiner whose candidates pass far more often than their theory scores predict.
    LenientExaminer = "cheating.lenient_examiner", 11, Person, "考评员评分异常宽松";
    /// An examiner whose skill scores concentrate on a few values.
    ExaminerScoreConcentration = "cheating.examiner_concentration", 11, Person, "考评员评分过度集中";
    // Item 12: 证书数据造假、违规发证.
    /// A certificate whose activity does not exist.
    CertNoActivity = "certificate.no_activity", 12, Certificate, "证书无对应评价活动";
    /// A certificate with no scores behind it.
    CertNoScores = "certificate.no_scores", 12, Certificate, "证书无成绩记录";
    /// A certificate for a failing or absent result.
    CertFailingResult = "certificate.failing_result", 12, Certificate, "不合格人员获发证书";
    /// A certificate whose occupation or level differs from its activity.
    CertActivityMismatch = "certificate.activity_mismatch", 12, Certificate, "证书职业等级与评价活动不符";
    /// A certificate issued before its activity ended.
    CertBeforeActivityEnd = "certificate.before_activity_end", 12, Certificate, "评价结束前发证";
    /// The same certificate number twice.
    CertDuplicateNumber = "certificate.duplicate_number", 12, Certificate, "证书编号重复";
    /// A certificate for someone not enrolled in that activity.
    CertNotEnrolled = "certificate.not_enrolled", 12, Certificate, "证书持有人未参加该批次";
    // Item 14: 超范围读取证书数据.
    /// An account reading or exporting other institutions' certificate data.
    AccessOtherInstitution = "access.other_institution", 14, Institution, "超范围读取其他机构证书数据";
    /// Bulk reading far above the institution's own issuance.
    AccessBulk = "access.bulk", 14, Institution, "批量读取证书数据";
    // Item 15: 超范围上传证书数据、上传证书数据有错误.
    /// Certificate data uploaded for an occupation/level outside the scope.
    UploadOutsideScope = "upload.outside_scope", 15, Certificate, "超范围上传证书数据";
    /// Certificate data whose fields contradict the activity record (name, institution).
    UploadContradictsRecord = "upload.contradicts_record", 15, Certificate, "上传证书数据与评价记录不符";
}

/// The subject of a finding or a label: the fields of the output contract that say
/// what it is about. Findings and labels match when rule and subject are equal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FindingSubject {
    /// The institution concerned.
    pub institution_id: Option<String>,
    /// The activity, when the finding is about one.
    pub batch_id: Option<String>,
    /// The candidate (full ID number), when about one application.
    pub candidate_id: Option<String>,
    /// The certificate, when about one.
    pub cert_no: Option<String>,
    /// The staff member, when about one.
    pub person_id: Option<String>,
}

/// A violation the generator injected on purpose, written to labels.jsonl so that
/// screening can be measured against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// The rule that must find it (a [`FindingKind::id`]).
    pub rule: String,
    /// The guide item under the national rulebook.
    pub item: u8,
    /// What it is about.
    #[serde(flatten)]
    pub subject: FindingSubject,
}

impl Label {
    /// A label of `kind` about `subject`.
    pub fn new(kind: FindingKind, subject: FindingSubject) -> Self {
        Label {
            rule: kind.id().to_string(),
            item: kind.default_item(),
            subject,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_unique_and_items_in_range() {
        let mut ids: Vec<_> = FindingKind::ALL.iter().map(|k| k.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), FindingKind::ALL.len());
        for k in FindingKind::ALL {
            assert!((1..=15).contains(&k.default_item()), "{}", k.id());
            assert_eq!(FindingKind::from_id(k.id()), Some(*k));
        }
        // Every guide item that screening.md lists has at least one kind.
        for item in [1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 15] {
            assert!(
                FindingKind::ALL.iter().any(|k| k.default_item() == item),
                "item {item}"
            );
        }
    }
}
