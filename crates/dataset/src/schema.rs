//! The columns of every table (English and Chinese headers, required or optional)
//! and how each row struct is decoded from and encoded to cells.
//!
//! One macro invocation per table keeps the column list, the decoder and the
//! encoder in one place, so they cannot drift apart.

use domain::declared::Declarable;
use domain::enums::*;
use domain::ids::*;
use domain::model::*;
use domain::time::{format_datetime, parse_date, parse_datetime};
use domain::{
    CertNo, CreditCode, Date, DateTime, Declared, IdNumber, Level, OccupationCode, RegionCode,
    Score, WorkYears,
};

/// A column of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// English header, equal to the row struct's field name.
    pub name: &'static str,
    /// Chinese header.
    pub zh: &'static str,
    /// Whether every row must have a value.
    pub required: bool,
}

/// A value on its way to a file. Numbers stay numbers in xlsx; everything else is text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    /// The cell as CSV text.
    pub fn to_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Empty => "".into(),
            Cell::Text(s) => s.as_str().into(),
            Cell::Number(n) => format_number(*n).into(),
        }
    }
}

/// Formats a number without a trailing `.0` (so `3.0` reads back as the integer 3).
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A field type: how it is parsed from a cell's text and written back.
pub trait Field: Sized {
    /// Parses the (non-empty, trimmed) text of a cell.
    fn decode(text: &str) -> Result<Self, domain::Error>;
    /// The cell to write.
    fn encode(&self) -> Cell;
}

macro_rules! text_field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            fn decode(text: &str) -> Result<Self, domain::Error> { <$t>::parse(text) }
            fn encode(&self) -> Cell { Cell::Text(self.to_string()) }
        }
    )*};
}
text_field!(
    IdNumber,
    CreditCode,
    RegionCode,
    OccupationCode,
    CertNo,
    InstitutionId,
    BatchId,
    SiteId,
    PersonId,
    PaperId,
    ComplaintId,
    UserId,
    InstitutionKind,
    RegistrationStatus,
    Relation,
    PersonRole,
    Subject,
    Duty,
    ChangeField,
    Education,
    Outcome,
    CertStatus,
    Verified,
    AccessAction,
    Severity,
    Disposition
);

impl Field for Level {
    fn decode(text: &str) -> Result<Self, domain::Error> {
        Level::parse(text)
    }
    fn encode(&self) -> Cell {
        Cell::Number(f64::from(self.number()))
    }
}

impl Field for GuideItem {
    fn decode(text: &str) -> Result<Self, domain::Error> {
        GuideItem::parse(text)
    }
    fn encode(&self) -> Cell {
        Cell::Number(f64::from(self.number()))
    }
}

impl Field for Score {
    fn decode(text: &str) -> Result<Self, domain::Error> {
        Score::parse(text)
    }
    fn encode(&self) -> Cell {
        Cell::Number(self.value())
    }
}

impl Field for Date {
    fn decode(text: &str) -> Result<Self, domain::Error> {
        parse_date(text)
    }
    fn encode(&self) -> Cell {
        Cell::Text(self.format("%Y-%m-%d").to_string())
    }
}

impl Field for DateTime {
    fn decode(text: &str) -> Result<Self, domain::Error> {
        parse_datetime(text)
    }
    fn encode(&self) -> Cell {
        Cell::Text(format_datetime(self))
    }
}

impl Field for Text {
    fn decode(text: &str) -> Result<Self, domain::Error> {
        Ok(text.into())
    }
    fn encode(&self) -> Cell {
        Cell::Text(self.to_string())
    }
}

impl Field for String {
    fn decode(text: &str) -> Result<Self, domain::Error> {
        Ok(text.to_string())
    }
    fn encode(&self) -> Cell {
        Cell::Text(self.clone())
    }
}

impl Field for bool {
    fn decode(text: &str) -> Result<Self, domain::Error> {
        parse_bool(text)
    }
    fn encode(&self) -> Cell {
        Cell::Text(if *self { "true" } else { "false" }.into())
    }
}

fn whole_number(text: &str, expected: &'static str) -> Result<f64, domain::Error> {
    let v: f64 = text.parse().map_err(|_| domain::Error::Invalid {
        reason: format!("\"{text}\" is not a number"),
        expected,
    })?;
    if v.fract() != 0.0 || v < 0.0 {
        return Err(domain::Error::Invalid {
            reason: format!("{text} is not a whole number ≥ 0"),
            expected,
        });
    }
    Ok(v)
}

impl Field for u32 {
    fn decode(text: &str) -> Result<Self, domain::Error> {
        let v = whole_number(text, "a whole number ≥ 0")?;
        if v > f64::from(u32::MAX) {
            return Err(domain::Error::Invalid {
                reason: format!("{text} is too large"),
                expected: "a whole number ≥ 0",
            });
        }
        Ok(v as u32)
    }
    fn encode(&self) -> Cell {
        Cell::Number(f64::from(*self))
    }
}

/// Declared values (dataset.md, “Declared values”): decoding never fails; a
/// malformed text is kept as written, with its reason, for screening to report.
impl<T: Declarable + Field> Field for Declared<T> {
    fn decode(text: &str) -> Result<Self, domain::Error> {
        Ok(Declared::parse(text))
    }
    fn encode(&self) -> Cell {
        match self.get() {
            Some(v) => v.encode(),
            None => Cell::Text(self.text().into_owned()),
        }
    }
}

impl Field for WorkYears {
    fn decode(text: &str) -> Result<Self, domain::Error> {
        WorkYears::parse(text)
    }
    /// A number when the number prints back as written (`5`, `5.3`), so xlsx keeps
    /// numeric cells; text otherwise (`5.30`), so nothing is lost.
    fn encode(&self) -> Cell {
        let n = self.value();
        if format_number(n) == self.as_str() {
            Cell::Number(n)
        } else {
            Cell::Text(self.as_str().to_string())
        }
    }
}

/// What a score cell may say instead of a number when the candidate did not sit the
/// subject (dataset.md: “`缺考`/empty = absent”).
pub const ABSENT_MARKERS: &[&str] = &["缺考", "缺席", "未参加", "弃考", "absent", "-"];

/// Decodes a score cell: a number, or absent (`None`) when empty or an absent marker.
pub fn score_or_absent(src: &mut dyn RowSource, i: usize) -> Option<Option<Score>> {
    match src.text(i) {
        Some(t) if ABSENT_MARKERS.iter().any(|m| t.eq_ignore_ascii_case(m)) => Some(None),
        _ => opt(src, i),
    }
}

impl Field for f64 {
    /// Weights: a share 0..=1, also written as a percentage (`30%`).
    fn decode(text: &str) -> Result<Self, domain::Error> {
        const EXPECTED: &str = "a share from 0 to 1 (0.3) or a percentage (30%)";
        let (num, pct) = match text.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (text, false),
        };
        let v: f64 = num.parse().map_err(|_| domain::Error::Invalid {
            reason: format!("\"{text}\" is not a number"),
            expected: EXPECTED,
        })?;
        let v = if pct { v / 100.0 } else { v };
        if !(0.0..=1.0).contains(&v) {
            return Err(domain::Error::Invalid {
                reason: format!("{text} is outside 0..1"),
                expected: EXPECTED,
            });
        }
        Ok(v)
    }
    fn encode(&self) -> Cell {
        Cell::Number(*self)
    }
}

/// Encodes an optional field: absent = empty cell.
pub fn encode_opt<T: Field>(v: &Option<T>) -> Cell {
    v.as_ref().map_or(Cell::Empty, Field::encode)
}

/// The decoding context of one row: the cells by spec column, and where errors go.
pub trait RowSource {
    /// The trimmed text of spec column `i`, `None` if the column is absent or the cell empty.
    fn text(&self, i: usize) -> Option<&str>;
    /// Records a malformed value of spec column `i`.
    fn error(&mut self, i: usize, value: &str, problem: crate::error::Problem, message: String);
}

use crate::error::Problem;

/// Decodes a required field; records an error and returns `None` if missing or malformed.
pub fn req<T: Field>(src: &mut dyn RowSource, i: usize) -> Option<T> {
    let outcome = match src.text(i) {
        None => Err((
            String::new(),
            Problem::Missing,
            "required value is missing".to_string(),
        )),
        Some(t) => T::decode(t).map_err(|e| (t.to_owned(), Problem::Unreadable, e.to_string())),
    };
    match outcome {
        Ok(v) => Some(v),
        Err((value, problem, message)) => {
            src.error(i, &value, problem, message);
            None
        }
    }
}

/// Decodes an optional field: `Some(None)` when empty, `None` when malformed (error recorded).
pub fn opt<T: Field>(src: &mut dyn RowSource, i: usize) -> Option<Option<T>> {
    let outcome = match src.text(i) {
        None => Ok(None),
        Some(t) => T::decode(t)
            .map(Some)
            .map_err(|e| (t.to_owned(), e.to_string())),
    };
    match outcome {
        Ok(v) => Some(v),
        Err((value, message)) => {
            src.error(i, &value, Problem::Unreadable, message);
            None
        }
    }
}

macro_rules! tables {
    ($( $table:ident => $row:ident in $field:ident { $( $col:ident $zh:literal $kind:ident ),+ $(,)? } )+) => {
        /// The columns of a table.
        pub fn columns(table: Table) -> &'static [Column] {
            match table {
                $( Table::$table => &[ $( Column { name: stringify!($col), zh: $zh, required: tables!(@req $kind) } ),+ ], )+
            }
        }

        /// Decodes one row of `table` and appends it to `tables`; returns false (with
        /// errors recorded in `src`) if any value is missing or malformed.
        pub fn decode_into(table: Table, src: &mut dyn RowSource, tables: &mut Tables) -> bool {
            match table {
                $( Table::$table => {
                    let mut _i = 0usize;
                    $( let $col = tables!(@decode $kind, src, _i); _i += 1; )+
                    let row = (|| Some($row { $( $col: $col? ),+ }))();
                    match row {
                        Some(r) => { tables!(@push $table, tables, $field, r); true }
                        None => false,
                    }
                } )+
            }
        }

        /// Moves the rows of `table` from `from` into `into` (appending), and marks it present.
        pub fn move_table(table: Table, from: &mut Tables, into: &mut Tables) {
            match table {
                $( Table::$table => { tables!(@move $table, from, into, $field); } )+
            }
            into.present.insert(table);
        }

        /// Encodes every row of `table` in `tables`, calling `out` with the cells of each.
        pub fn encode_rows(table: Table, tables: &Tables, mut out: impl FnMut(&[Cell]) -> Result<(), crate::Error>) -> Result<(), crate::Error> {
            let mut cells = Vec::new();
            match table {
                $( Table::$table => {
                    for r in tables!(@rows $table, tables, $field) {
                        cells.clear();
                        $( cells.push(tables!(@encode $kind, r.$col)); )+
                        out(&cells)?;
                    }
                } )+
            }
            Ok(())
        }
    };
    (@req req) => { true };
    (@req opt) => { false };
    (@req absent) => { false };
    (@decode req, $src:ident, $i:ident) => { req($src, $i) };
    (@decode opt, $src:ident, $i:ident) => { opt($src, $i) };
    (@decode absent, $src:ident, $i:ident) => { score_or_absent($src, $i) };
    (@encode req, $v:expr) => { Field::encode(&$v) };
    (@encode opt, $v:expr) => { encode_opt(&$v) };
    (@encode absent, $v:expr) => { encode_opt(&$v) };
    (@push Meta, $tables:ident, $field:ident, $r:ident) => { $tables.meta = $r };
    (@push $t:ident, $tables:ident, $field:ident, $r:ident) => { $tables.$field.push($r) };
    (@move Meta, $from:ident, $into:ident, $field:ident) => { $into.meta = std::mem::take(&mut $from.meta) };
    (@move $t:ident, $from:ident, $into:ident, $field:ident) => { $into.$field.append(&mut $from.$field) };
    (@rows Meta, $tables:ident, $field:ident) => { std::iter::once(&$tables.meta).filter(|_| $tables.present.contains(&Table::Meta)) };
    (@rows $t:ident, $tables:ident, $field:ident) => { $tables.$field.iter() };
}

tables! {
    Meta => Meta in meta {
        as_of "数据截止日期" opt,
        region_code "地区代码" opt,
        policy "政策配置" opt,
        window_from "筛查起始日期" opt,
    }
    Institutions => Institution in institutions {
        institution_id "机构编码" req,
        name "机构名称" req,
        credit_code "统一社会信用代码" req,
        kind "机构类型" req,
        region_code "所在地区" req,
        registered_on "备案日期" req,
        expires_on "备案有效期至" req,
        status "备案状态" req,
        status_since "状态日期" opt,
        employee_count "职工人数" opt,
        phone "对外联系电话" opt,
        registered_by "备案机关" opt,
    }
    Scopes => Scope in scopes {
        institution_id "机构编码" req,
        occupation_code "职业编码" req,
        occupation_name "职业名称" opt,
        level "等级" req,
        valid_from "生效日期" opt,
        valid_to "失效日期" opt,
    }
    Sites => Site in sites {
        site_id "场所编码" req,
        institution_id "机构编码" req,
        address "地址" req,
        capacity "考位数" opt,
        registered_on "备案日期" opt,
        revoked_on "撤销日期" opt,
        region_code "所在地区" opt,
    }
    Affiliates => Affiliate in affiliates {
        institution_id "机构编码" req,
        credit_code "统一社会信用代码" req,
        name "单位名称" req,
        relation "关系" req,
        valid_from "生效日期" opt,
        valid_to "失效日期" opt,
    }
    Personnel => Person in personnel {
        person_id "人员编号" req,
        id_number "身份证号" opt,
        name "姓名" req,
        role "角色" req,
        institution_id "所属机构" opt,
        occupation_code "考评职业" opt,
        max_level "最高考评等级" opt,
        valid_from "有效期起" opt,
        valid_to "有效期止" opt,
        employer_credit_code "工作单位信用代码" opt,
    }
    Batches => Batch in batches {
        batch_id "批次号" req,
        institution_id "机构编码" req,
        occupation_code "职业编码" req,
        level "等级" req,
        site_id "考核场所" opt,
        start_at "开始时间" req,
        end_at "结束时间" req,
        filed_at "报备时间" opt,
        internal_supervisor_id "内部督导员" opt,
        supervision_record_at "督导记录提交时间" opt,
    }
    Sessions => Session in sessions {
        batch_id "批次号" req,
        subject "科目" req,
        start_at "开始时间" req,
        end_at "结束时间" req,
        paper_drawn "抽取试卷号" opt,
        paper_used "使用试卷号" opt,
    }
    BatchStaff => BatchStaff in batch_staff {
        batch_id "批次号" req,
        subject "科目" req,
        person_id "人员编号" req,
        duty "职责" req,
    }
    BatchChanges => BatchChange in batch_changes {
        batch_id "批次号" req,
        field "变更项" req,
        old_value "原值" opt,
        new_value "新值" opt,
        changed_at "变更时间" req,
        reported_at "报备时间" opt,
    }
    Enrollments => Enrollment in enrollments {
        batch_id "批次号" req,
        candidate_id "身份证号" req,
        name "姓名" req,
        employer_credit_code "工作单位信用代码" opt,
        employer_name "工作单位" opt,
        education "学历" opt,
        major_related "专业相关" opt,
        work_years "相关工作年限" opt,
        prior_cert_no "原证书编号" opt,
        prior_occupation_code "原证书职业" opt,
        prior_level "原证书等级" opt,
        prior_cert_on "原证书日期" opt,
        applied_at "报名时间" opt,
    }
    Scores => ScoreRow in scores {
        batch_id "批次号" req,
        candidate_id "身份证号" req,
        subject "科目" req,
        score "分数" absent,
        graded_by "评分人" opt,
        recorded_at "录入时间" opt,
    }
    Results => ResultRow in results {
        batch_id "批次号" req,
        candidate_id "身份证号" req,
        result "结果" req,
    }
    Papers => Paper in papers {
        paper_id "试卷号" req,
        occupation_code "职业编码" req,
        level "等级" req,
        subject "科目" req,
        answer_key "标准答案" req,
    }
    Answers => Answer in answers {
        batch_id "批次号" req,
        candidate_id "身份证号" req,
        paper_id "试卷号" req,
        responses "作答" req,
        started_at "开始时间" opt,
        submitted_at "交卷时间" opt,
    }
    Certificates => Certificate in certificates {
        cert_no "证书编号" req,
        candidate_id "身份证号" req,
        name "姓名" req,
        institution_id "机构编码" req,
        batch_id "批次号" opt,
        occupation_code "职业编码" req,
        level "等级" req,
        issued_on "发证日期" req,
        uploaded_at "上传时间" opt,
        status "状态" req,
    }
    Standards => Standard in standards {
        occupation_code "职业编码" req,
        level "等级" req,
        subject "科目" req,
        min_minutes "最短时长" opt,
        weight "权重" opt,
        pass_mark "合格线" opt,
        proctor_ratio "监考配比" opt,
        examiner_ratio "考评配比" opt,
    }
    Complaints => Complaint in complaints {
        complaint_id "投诉编号" req,
        institution_id "机构编码" req,
        received_on "受理日期" req,
        channel "渠道" opt,
        summary "内容" req,
        verified "核实结果" req,
        at_fault "有责" opt,
    }
    Promotions => Promotion in promotions {
        institution_id "机构编码" req,
        channel "渠道" opt,
        captured_on "采集日期" req,
        text "内容" req,
    }
    AccessLog => AccessLog in access_log {
        at "时间" req,
        user_id "账号" req,
        institution_id "账号所属机构" opt,
        cert_no "证书编号" req,
        action "操作" req,
    }
    Sanctions => Sanction in sanctions {
        institution_id "机构编码" req,
        decided_on "决定日期" req,
        item "指引条目" req,
        severity "严重程度" req,
        disposition "处理" req,
    }
}

/// Finds the spec column a header names (English or Chinese, case-insensitive for
/// English, surrounding blanks and a BOM ignored).
pub fn column_index(table: Table, header: &str) -> Option<usize> {
    let h = header.trim().trim_start_matches('\u{feff}').trim();
    columns(table)
        .iter()
        .position(|c| c.name.eq_ignore_ascii_case(h) || c.zh == h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_distinct_headers() {
        for t in Table::ALL {
            let cols = columns(t);
            for (i, c) in cols.iter().enumerate() {
                assert_eq!(column_index(t, c.name), Some(i), "{t}.{}", c.name);
                assert_eq!(column_index(t, c.zh), Some(i), "{t}.{} ({})", c.name, c.zh);
            }
        }
    }
}
