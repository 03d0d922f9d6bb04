//! A finding's evidence as officials read it: a labelled table in Chinese, not
//! JSON. Every key the screening rules write has a Chinese label here; codes are
//! shown by their Chinese names (levels, subjects, results, statuses, duties, …);
//! p-values as "< 10⁻³⁴"; lists of records as small tables; activities,
//! institutions and certificates as links (when the viewer may follow them).
//! Personal numbers are masked like everywhere else.
//!
//! `tests/evidence.rs` screens a generated province and renders every finding's
//! evidence, failing on any key without a label or any English word left.

use crate::view::CellView;
use domain::enums::*;
use serde_json::Value;

/// One row of the evidence table.
#[derive(Debug, Clone)]
pub struct EvidenceRow {
    pub label: String,
    pub value: EvidenceValue,
}

/// A value: one cell, or a small table of records.
#[derive(Debug, Clone)]
pub enum EvidenceValue {
    Cell(CellView),
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<CellView>>,
    },
}

impl EvidenceValue {
    /// The cell, when this is one (for the template).
    pub fn cell(&self) -> Option<&CellView> {
        match self {
            EvidenceValue::Cell(c) => Some(c),
            EvidenceValue::Table { .. } => None,
        }
    }
}

/// The Chinese label of an evidence key; `None` for keys that are not shown
/// (an English description of a method that [`test_zh`] gives in Chinese).
pub fn label(key: &str) -> Option<&'static str> {
    Some(match key {
        "method" => return None,
        "above" => "及格线以上（含）人数",
        "below" => "及格线以下人数",
        "accesses" => "读取次数",
        "activity_from" => "活动起始",
        "activity_to" => "活动截止",
        "alpha" => "显著性水平",
        "also_significant" => "同时显著的其他检验",
        "cert_name" => "证书姓名",
        "enrollment_name" => "报名姓名",
        "extent" => "涉及证书数",
        "low_spread" => "分数离散度过小",
        "score_heaping" => "分数堆积",
        "applied_on" => "报名日期",
        "bar_from" => "禁考起始",
        "bar_until" => "禁考截止",
        "baseline" => "基准值",
        "batch_exists" => "批次是否存在",
        "batch_id" => "批次号",
        "candidate_a" => "考生甲",
        "candidate_b" => "考生乙",
        "candidate_id" => "身份证号",
        "candidates" => "考生人数",
        "captured_on" => "采集日期",
        "cert_level" => "证书等级",
        "cert_no" => "证书编号",
        "cert_occupation_code" => "证书职业",
        "certificates" => "证书",
        "certified" => "发证人数",
        "changed_at" => "变更时间",
        "changes" => "变更事项",
        "channel" => "渠道",
        "clusters" => "雷同群组",
        "co_examiner_candidates" => "同组考评员评价人数",
        "co_examiner_skill_passes" => "同组考评员技能合格人数",
        "column" => "填报项",
        "complaint_id" => "投诉编号",
        "complaints" => "投诉",
        "count" => "数量",
        "decision" => "处理决定",
        "due_on" => "应提交日期",
        "duties" => "承担职责",
        "education" => "学历",
        "employee_count" => "职工人数",
        "employer_credit_code" => "工作单位信用代码",
        "end_at" => "结束时间",
        "end_on" => "结束日期",
        "enrollments" => "报名人数",
        "examiner_max_level" => "考评员最高考评等级",
        "examiner_occupation_code" => "考评员考评职业",
        "examiners" => "考评员人数",
        "examples" => "示例",
        "expected" => "期望值",
        "expected_shared_wrong" => "相同错误答案期望数",
        "expires_on" => "备案有效期至",
        "exports" => "导出次数",
        "factor" => "倍数阈值",
        "field" => "变更项",
        "fields" => "异常填报项",
        "filed_at" => "报备时间",
        "from" => "起始",
        "graded_by" => "评分人",
        "held" => "已有科目",
        "holder" => "持证人",
        "identical" => "相同答案数",
        "ineligible" => "不符合条件人数",
        "institution_credit_code" => "机构信用代码",
        "institution_id" => "机构编码",
        "internal_supervisor_id" => "内部督导员",
        "issued_on" => "发证日期",
        "items" => "题目数",
        "level" => "等级",
        "major_related" => "专业相关",
        "marks" => "评分次数",
        "min_minutes" => "最短时长（分钟）",
        "min_shared" => "最少相同错误答案数",
        "minimum" => "最低读取次数",
        "minutes" => "实际时长（分钟）",
        "months" => "月数",
        "n" => "人数",
        "name" => "姓名",
        "new_value" => "新值",
        "null_odds_ratio" => "原假设优势比",
        "occupation_code" => "职业（工种）",
        "old_value" => "原值",
        "on" => "日期",
        "ongoing" => "仍在持续",
        "other_batch_id" => "另一批次",
        "other_end_at" => "另一批次结束时间",
        "other_institution_id" => "另一机构",
        "other_site_id" => "另一考核场所",
        "other_start_at" => "另一批次开始时间",
        "own_certificates" => "本机构证书数",
        "owners" => "证书所属机构",
        "p_adjusted" => "校正后 p 值",
        "p_empirical" => "经验 p 值",
        "p_unconditional" => "无条件 p 值",
        "p_value" => "p 值",
        "pairs" => "雷同考生对",
        "pairs_screened" => "比对考生对数",
        "paper_drawn" => "抽取试卷",
        "paper_id" => "试卷编号",
        "paper_used" => "使用试卷",
        "pass_rate" => "合格率",
        "person_id" => "人员编号",
        "person_institution_id" => "人员所属机构",
        "phrases" => "违规用语",
        "pool_top3_share" => "总体前三分值占比",
        "prior_cert_no" => "原证书编号",
        "prior_item" => "原违规条目",
        "prior_level" => "原证书等级",
        "prior_occupation_code" => "原证书职业",
        "prior_sanction_on" => "原处理日期",
        "prior_severity" => "原严重程度",
        "proctors" => "监考人数",
        "reason" => "原因",
        "received_on" => "受理日期",
        "reference_batches" => "参照批次数",
        "reference_mean_window" => "参照均分区间",
        "reference_rate" => "参照合格率",
        "reference_same_occupation" => "参照同职业",
        "reference_sd" => "参照标准差",
        "registered_on" => "备案日期",
        "reported_at" => "报告时间",
        "required" => "应有",
        "result" => "评价结果",
        "rho" => "相关系数",
        "role" => "人员类别",
        "rows" => "分布",
        "score" => "分数",
        "scores" => "成绩",
        "sd" => "标准差",
        "sessions" => "考核科目",
        "share" => "占比",
        "shared_wrong" => "相同错误答案数",
        "site_id" => "考核场所",
        "skill_passes" => "技能合格人数",
        "start_at" => "开始时间",
        "start_on" => "开始日期",
        "statistic" => "检验统计量",
        "status" => "状态",
        "status_since" => "状态起始",
        "strata" => "分层数",
        "subject" => "科目",
        "subjects" => "科目",
        "summary" => "内容",
        "test" => "检验方法",
        "text" => "内容",
        "threshold" => "阈值",
        "threshold_months" => "阈值（月）",
        "to" => "截止",
        "users" => "账号",
        "valid_from" => "有效期起",
        "valid_to" => "有效期止",
        "value" => "填报值",
        "values_in_use" => "使用的分值数",
        "window_points" => "区间分值数",
        "work_years" => "工作年限",
        "year" => "年度",
        "years_over" => "超出年度",
        _ => return None,
    })
}

/// Whether evidence `key` has a label (every key the rules write must).
pub fn is_known(key: &str) -> bool {
    key == "method" || label(key).is_some()
}

/// A statistical test's name in Chinese.
pub fn test_zh(id: &str) -> String {
    let (family, _) = id.split_once('.').unwrap_or((id, ""));
    match family {
        "answer_similarity" => "作答雷同检验（相同错误答案，精确泊松二项尾概率）".into(),
        "answer_cluster" | "cluster_similarity" => "雷同群组检验（群组相同错误答案）".into(),
        "session_similarity" => "场次雷同对数超额检验".into(),
        "score_heaping" => "分数堆积检验（及格线附近，精确二项检验）".into(),
        "low_spread" => "分数离散度过小检验（重抽样方差）".into(),
        "pass_rate" => "合格率异常检验（贝塔二项分布）".into(),
        "lenient_examiner" => "考评员宽松检验（分层非中心超几何分布）".into(),
        "examiner_concentration" => "考评员打分集中检验（前三分值占比）".into(),
        _ => "统计检验".into(),
    }
}

/// `n` as 10 to a superscript power.
fn superscript(n: i32) -> String {
    n.to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            '9' => '⁹',
            c => c,
        })
        .collect()
}

/// A probability as officials read it: `< 10⁻³⁴` when tiny, else 4 digits.
pub fn probability(p: f64) -> String {
    if p <= 0.0 {
        return "< 10⁻³⁰⁰".into();
    }
    if p < 1e-3 {
        let e = p.log10().ceil() as i32;
        return format!("< 10{}", superscript(e));
    }
    format!("{p:.4}")
}

/// A reason or status code in Chinese (codes the rules write in `reason`).
fn reason_zh(code: &str) -> Option<&'static str> {
    Some(match code {
        "expired" => "备案已过期",
        "not_yet" | "not_registered_yet" => "尚未备案",
        "suspended" => "暂停评价",
        "terminated" => "已终止备案",
        "cancelled" => "已取消备案",
        "unknown" | "unknown_site" | "missing" => "未备案",
        "other_institution" => "属于其他机构",
        "revoked" => "已撤销",
        "not_staff" => "非本单位职工",
        "affiliate_expired" => "关联关系已失效",
        "affiliate_not_yet" => "关联关系尚未生效",
        "no_employer" => "未填报工作单位",
        "not_affiliated" => "既非本单位也非备案关联单位",
        "relation_not_valid" => "关联关系不在有效期内",
        _ => return None,
    })
}

fn text_cell(t: String) -> CellView {
    CellView {
        text: domain::privacy::mask_text(&t).into_owned(),
        ..CellView::default()
    }
}

/// A code of a closed vocabulary in Chinese, by the key it stands under.
fn code_zh(key: &str, v: &str) -> Option<String> {
    fn zh<T>(
        parse: fn(&str) -> std::result::Result<T, domain::Error>,
        zh: fn(T) -> &'static str,
        v: &str,
    ) -> Option<String> {
        parse(v).ok().map(|x| zh(x).to_string())
    }
    match key {
        "subject" => zh(Subject::parse, Subject::zh, v),
        "result" => zh(Outcome::parse, Outcome::zh, v),
        "education" => zh(Education::parse, Education::zh, v),
        "role" => zh(PersonRole::parse, PersonRole::zh, v),
        "field" => zh(ChangeField::parse, ChangeField::zh, v),
        "status" => zh(RegistrationStatus::parse, RegistrationStatus::zh, v)
            .or_else(|| zh(CertStatus::parse, CertStatus::zh, v))
            .or_else(|| zh(Verified::parse, Verified::zh, v)),
        "prior_severity" => zh(Severity::parse, Severity::zh, v),
        "reason" => reason_zh(v).map(str::to_string),
        "test" => Some(test_zh(v)),
        "duties" => v.split_once(':').and_then(|(s, d)| {
            Some(format!(
                "{}{}",
                Subject::parse(s).ok()?.zh(),
                Duty::parse(d).ok()?.zh()
            ))
        }),
        "held" | "required" => zh(Subject::parse, Subject::zh, v),
        // A column of the application (参评人员) by its Chinese header.
        "column" => dataset::schema::columns(domain::model::Table::Enrollments)
            .iter()
            .find(|c| c.name == v)
            .map(|c| c.zh.to_string()),
        _ => None,
    }
}

/// Whether a viewer may follow links of a kind (the activity, the institution,
/// the certificate lookup).
#[derive(Debug, Clone, Copy, Default)]
pub struct Links {
    pub activities: bool,
    pub institutions: bool,
    pub certificates: bool,
}

/// The cell of a scalar under `key`.
fn scalar(key: &str, v: &Value, links: Links) -> CellView {
    match v {
        Value::Null => text_cell("—".into()),
        Value::Bool(b) => text_cell(if *b { "是" } else { "否" }.into()),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or_default();
            if key.starts_with("p_") || key == "alpha" || (key == "threshold" && x < 0.01) {
                text_cell(probability(x))
            } else if matches!(
                key,
                "share" | "pass_rate" | "reference_rate" | "pool_top3_share"
            ) && x <= 1.0
            {
                text_cell(format!("{:.1}%", x * 100.0))
            } else if matches!(
                key,
                "level" | "prior_level" | "cert_level" | "examiner_max_level"
            ) {
                let l = n
                    .as_u64()
                    .and_then(|l| domain::level::Level::parse(&l.to_string()).ok());
                text_cell(l.map_or_else(
                    || n.to_string(),
                    |l| format!("{}/{}", l.grade_name(), l.title()),
                ))
            } else if key == "prior_item" {
                text_cell(format!("第{n}项"))
            } else {
                text_cell(n.to_string())
            }
        }
        Value::String(s) => {
            let link = |href: String| CellView {
                text: domain::privacy::mask_text(s).into_owned(),
                href: Some(href),
                ..CellView::default()
            };
            match key {
                "batch_id" | "other_batch_id" if links.activities => {
                    link(format!("/activities/{}", crate::view::enc(s)))
                }
                "institution_id" | "other_institution_id" | "person_institution_id"
                    if links.institutions =>
                {
                    link(format!("/institutions/{}", crate::view::enc(s)))
                }
                "cert_no" | "prior_cert_no" if links.certificates => {
                    link(format!("/certificates?cert_no={}", crate::view::enc(s)))
                }
                "level" | "prior_level" | "cert_level" | "examiner_max_level" => {
                    text_cell(domain::level::Level::parse(s).map_or_else(
                        |_| s.clone(),
                        |l| format!("{}/{}", l.grade_name(), l.title()),
                    ))
                }
                k if k.ends_with("occupation_code") => {
                    let name = domain::occupation::OccupationCode::parse(s)
                        .ok()
                        .and_then(|c| domain::occupation::catalogue().name(&c));
                    text_cell(name.map_or_else(|| s.clone(), |n| format!("{s} {n}")))
                }
                "reference_mean_window" => text_cell(s.clone()),
                _ => text_cell(code_zh(key, s).unwrap_or_else(|| s.clone())),
            }
        }
        Value::Array(a) => text_cell(
            a.iter()
                .map(|x| scalar(key, x, Links::default()).text)
                .collect::<Vec<_>>()
                .join("、"),
        ),
        Value::Object(_) => text_cell(String::new()),
    }
}

/// Keys shown first, in this order (who and what before the figures; tests and
/// probabilities last); the others follow in the order of their labels.
const FIRST: &[&str] = &[
    "institution_id",
    "batch_id",
    "candidate_id",
    "candidate_a",
    "candidate_b",
    "person_id",
    "cert_no",
    "subject",
    "occupation_code",
    "level",
    "start_at",
    "end_at",
    "start_on",
    "end_on",
    "reason",
    "column",
    "value",
    "field",
    "old_value",
    "new_value",
];
const LAST: &[&str] = &[
    "test",
    "statistic",
    "expected",
    "p_value",
    "p_unconditional",
    "p_empirical",
    "p_adjusted",
    "alpha",
    "threshold",
];

fn rank(key: &str) -> (u8, usize, &'static str) {
    if let Some(i) = FIRST.iter().position(|k| *k == key) {
        (0, i, "")
    } else if let Some(i) = LAST.iter().position(|k| *k == key) {
        (2, i, "")
    } else {
        (1, 0, label(key).unwrap_or_default())
    }
}

/// Keys in reading order.
fn ordered<'a>(keys: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut k: Vec<&String> = keys.collect();
    k.sort_by_key(|k| rank(k));
    k
}

/// The evidence object as rows; keys without a label are left out (the test
/// makes sure there are none the rules write).
pub fn rows(evidence: &Value, links: Links) -> Vec<EvidenceRow> {
    let Some(obj) = evidence.as_object() else {
        return Vec::new();
    };
    ordered(obj.keys())
        .into_iter()
        .filter_map(|k| {
            let v = &obj[k];
            let title = label(k)?;
            let value = match v {
                Value::Array(a) if a.iter().any(Value::is_object) => table(a, links),
                // Other tests that were significant too: one row per test.
                Value::Object(o) if k == "also_significant" => EvidenceValue::Table {
                    headers: vec!["检验".into(), "结果".into()],
                    rows: o
                        .iter()
                        .map(|(test, r)| {
                            vec![
                                text_cell(label(test).unwrap_or("统计检验").to_string()),
                                summary(r),
                            ]
                        })
                        .collect(),
                },
                Value::Object(o) => table(&[Value::Object(o.clone())], links),
                _ => EvidenceValue::Cell(scalar(k, v, links)),
            };
            Some(EvidenceRow {
                label: title.to_string(),
                value,
            })
        })
        .collect()
}

/// A record in one line: "label value，label value" (nested lists left out).
fn summary(r: &Value) -> CellView {
    let Some(o) = r.as_object() else {
        return scalar("", r, Links::default());
    };
    text_cell(
        ordered(o.keys())
            .into_iter()
            .filter(|k| !o[k.as_str()].is_array() && !o[k.as_str()].is_object())
            .filter_map(|k| {
                Some(format!(
                    "{} {}",
                    label(k)?,
                    scalar(k, &o[k.as_str()], Links::default()).text
                ))
            })
            .collect::<Vec<_>>()
            .join("，"),
    )
}

/// A list of records as a small table; nested lists shown inline.
fn table(records: &[Value], links: Links) -> EvidenceValue {
    let mut all: Vec<&String> = Vec::new();
    for r in records {
        if let Some(o) = r.as_object() {
            for k in o.keys() {
                if label(k).is_some() && !all.contains(&k) {
                    all.push(k);
                }
            }
        }
    }
    let keys: Vec<&str> = ordered(all.into_iter())
        .into_iter()
        .map(String::as_str)
        .collect();
    EvidenceValue::Table {
        headers: keys
            .iter()
            .map(|k| label(k).unwrap_or_default().to_string())
            .collect(),
        rows: records
            .iter()
            .map(|r| {
                keys.iter()
                    .map(|k| match r.get(*k) {
                        None => CellView::default(),
                        Some(Value::Array(a)) if a.iter().any(Value::is_object) => text_cell(
                            a.iter()
                                .map(|x| {
                                    x.as_object()
                                        .map(|o| {
                                            o.iter()
                                                .filter_map(|(k2, v2)| {
                                                    Some(format!(
                                                        "{} {}",
                                                        label(k2)?,
                                                        scalar(k2, v2, Links::default()).text
                                                    ))
                                                })
                                                .collect::<Vec<_>>()
                                                .join("，")
                                        })
                                        .unwrap_or_default()
                                })
                                .collect::<Vec<_>>()
                                .join("；"),
                        ),
                        Some(v) => scalar(k, v, links),
                    })
                    .collect()
            })
            .collect(),
    }
}

/// Every key of an evidence value, nested ones included (for the test).
pub fn keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                out.push(k.clone());
                keys(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_read_as_powers_of_ten() {
        assert_eq!(probability(1.11e-35), "< 10⁻³⁴");
        assert_eq!(probability(0.0004), "< 10⁻³");
        assert_eq!(probability(0.25), "0.2500");
    }

    #[test]
    fn evidence_is_a_labelled_chinese_table() {
        let v = serde_json::json!({
            "education": "bachelor",
            "p_adjusted": 1.11e-35,
            "subject": "theory",
            "batch_id": "B1",
            "candidate_id": "11010519491231002X",
            "method": "an English description",
            "sessions": [{"subject": "skill", "minutes": 30, "min_minutes": 60}],
        });
        let r = rows(
            &v,
            Links {
                activities: true,
                ..Links::default()
            },
        );
        let find = |l: &str| r.iter().find(|x| x.label == l).unwrap();
        assert_eq!(find("学历").value.cell().unwrap().text, "本科");
        assert_eq!(find("校正后 p 值").value.cell().unwrap().text, "< 10⁻³⁴");
        assert_eq!(find("科目").value.cell().unwrap().text, "理论知识考试");
        assert_eq!(
            find("批次号").value.cell().unwrap().href.as_deref(),
            Some("/activities/B1")
        );
        assert_eq!(
            find("身份证号").value.cell().unwrap().text,
            "110105********002X"
        );
        assert!(
            r.iter().all(|x| x.label != "method"),
            "English method hidden"
        );
        match &find("考核科目").value {
            EvidenceValue::Table { headers, rows } => {
                assert_eq!(headers[0], "科目");
                assert_eq!(headers.len(), 3);
                assert_eq!(rows[0][0].text, "操作技能考核");
            }
            _ => panic!("a table"),
        }
    }
}
