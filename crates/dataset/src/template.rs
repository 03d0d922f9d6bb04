//! Import templates (导入模板): every table with Chinese headers and one sample
//! row, valid and realistic, and for the whole-dataset workbook a sheet
//! ([`NOTES_SHEET`]) listing what each column takes: the codes and Chinese names of
//! every closed vocabulary, and the formats of dates, ID numbers, levels and
//! occupation codes. A CSV file has no second sheet: its template is the header
//! and the sample row only.
//!
//! The sample rows describe one coherent activity (an employer evaluating its own
//! staff as 汽车装调工 level 4) and are built by the same decoders that read
//! files, so they cannot be invalid. An upload that still holds a sample row can
//! be told so ([`sample_rows_in`]): it is a template not yet filled in.

use crate::Error;
use crate::schema::{Cell, Column, RowSource, columns, decode_into, encode_rows};
use crate::write::{DatasetWriter, Format, Headers};
use domain::enums::*;
use domain::model::{Table, Tables};
use std::path::Path;

/// The name of the notes sheet of the workbook template; the reader skips it.
pub const NOTES_SHEET: &str = "填写说明";

/// The sample row of every table but `meta`: (table, [(column, value)]).
const SAMPLE: &[(Table, &[(&str, &str)])] = &[
    (
        Table::Institutions,
        &[
            ("institution_id", "I4201030001"),
            ("name", "武汉江城汽车零部件有限公司"),
            ("credit_code", "91420103MA4KX2TB3B"),
            ("kind", "employer"),
            ("region_code", "420103"),
            ("registered_on", "2024-03-18"),
            ("expires_on", "2027-03-17"),
            ("status", "active"),
            ("employee_count", "320"),
            ("phone", "027-85551234"),
            ("registered_by", "420100"),
        ],
    ),
    (
        Table::Scopes,
        &[
            ("institution_id", "I4201030001"),
            ("occupation_code", "6-22-02-01"),
            ("occupation_name", "汽车装调工"),
            ("level", "4"),
            ("valid_from", "2024-03-18"),
            ("valid_to", "2027-03-17"),
        ],
    ),
    (
        Table::Sites,
        &[
            ("site_id", "I4201030001-C01"),
            ("institution_id", "I4201030001"),
            ("address", "武汉市江汉区发展大道318号3号厂房"),
            ("capacity", "60"),
            ("registered_on", "2024-03-18"),
            ("region_code", "420103"),
        ],
    ),
    (
        Table::Affiliates,
        &[
            ("institution_id", "I4201030001"),
            ("credit_code", "91420112MA4L0R8D6R"),
            ("name", "武汉江城精密模具有限公司"),
            ("relation", "subsidiary"),
            ("valid_from", "2024-03-18"),
        ],
    ),
    (
        Table::Personnel,
        &[
            ("person_id", "KP4220000101"),
            ("id_number", "420106198507123412"),
            ("name", "刘建华"),
            ("role", "examiner"),
            ("institution_id", "I4201030001"),
            ("occupation_code", "6-22-02-01"),
            ("max_level", "3"),
            ("valid_from", "2023-06-01"),
            ("valid_to", "2028-05-31"),
        ],
    ),
    (
        Table::Batches,
        &[
            ("batch_id", "B42010320250415001"),
            ("institution_id", "I4201030001"),
            ("occupation_code", "6-22-02-01"),
            ("level", "4"),
            ("site_id", "I4201030001-C01"),
            ("start_at", "2025-04-15 08:30"),
            ("end_at", "2025-04-15 17:30"),
            ("filed_at", "2025-04-01 10:20"),
            ("internal_supervisor_id", "NB4220000102"),
            ("supervision_record_at", "2025-04-16 09:30"),
        ],
    ),
    (
        Table::Sessions,
        &[
            ("batch_id", "B42010320250415001"),
            ("subject", "theory"),
            ("start_at", "2025-04-15 09:00"),
            ("end_at", "2025-04-15 10:30"),
            ("paper_drawn", "LL-6-22-02-01-4-2025-01"),
            ("paper_used", "LL-6-22-02-01-4-2025-01"),
        ],
    ),
    (
        Table::BatchStaff,
        &[
            ("batch_id", "B42010320250415001"),
            ("subject", "skill"),
            ("person_id", "KP4220000101"),
            ("duty", "examiner"),
        ],
    ),
    (
        Table::BatchChanges,
        &[
            ("batch_id", "B42010320250415001"),
            ("field", "time"),
            ("old_value", "09:00"),
            ("new_value", "08:30"),
            ("changed_at", "2025-04-10 15:20"),
            ("reported_at", "2025-04-10 16:05"),
        ],
    ),
    (
        Table::Enrollments,
        &[
            ("batch_id", "B42010320250415001"),
            ("candidate_id", "420103199203154514"),
            ("name", "张伟"),
            ("employer_credit_code", "91420103MA4KX2TB3B"),
            ("employer_name", "武汉江城汽车零部件有限公司"),
            ("education", "high_school"),
            ("major_related", "true"),
            ("work_years", "6"),
            ("prior_cert_no", "Y000042000001225000123"),
            ("prior_occupation_code", "6-22-02-01"),
            ("prior_level", "5"),
            ("prior_cert_on", "2022-06-20"),
            ("applied_at", "2025-03-20 10:15"),
        ],
    ),
    (
        Table::Scores,
        &[
            ("batch_id", "B42010320250415001"),
            ("candidate_id", "420103199203154514"),
            ("subject", "theory"),
            ("score", "82.5"),
            ("graded_by", "KP4220000101"),
            ("recorded_at", "2025-04-15 12:00"),
        ],
    ),
    (
        Table::Results,
        &[
            ("batch_id", "B42010320250415001"),
            ("candidate_id", "420103199203154514"),
            ("result", "pass"),
        ],
    ),
    (
        Table::Papers,
        &[
            ("paper_id", "LL-6-22-02-01-4-2025-01"),
            ("occupation_code", "6-22-02-01"),
            ("level", "4"),
            ("subject", "theory"),
            ("answer_key", "ABCDDCBAACBDDABCBADC"),
        ],
    ),
    (
        Table::Answers,
        &[
            ("batch_id", "B42010320250415001"),
            ("candidate_id", "420103199203154514"),
            ("paper_id", "LL-6-22-02-01-4-2025-01"),
            ("responses", "ABCDDCBAACB-DABCBADA"),
            ("started_at", "2025-04-15 09:02"),
            ("submitted_at", "2025-04-15 10:11"),
        ],
    ),
    (
        Table::Certificates,
        &[
            ("cert_no", "Y000042000001254000001"),
            ("candidate_id", "420103199203154514"),
            ("name", "张伟"),
            ("institution_id", "I4201030001"),
            ("batch_id", "B42010320250415001"),
            ("occupation_code", "6-22-02-01"),
            ("level", "4"),
            ("issued_on", "2025-05-06"),
            ("uploaded_at", "2025-05-06 14:30"),
            ("status", "valid"),
        ],
    ),
    (
        Table::Standards,
        &[
            ("occupation_code", "6-22-02-01"),
            ("level", "4"),
            ("subject", "theory"),
            ("min_minutes", "90"),
            ("weight", "0.3"),
            ("pass_mark", "60"),
            ("proctor_ratio", "15"),
        ],
    ),
    (
        Table::Complaints,
        &[
            ("complaint_id", "TS2025000001"),
            ("institution_id", "I4201030001"),
            ("received_on", "2025-04-20"),
            ("channel", "来信"),
            ("summary", "反映考核当天考场秩序混乱"),
            ("verified", "pending"),
        ],
    ),
    (
        Table::Promotions,
        &[
            ("institution_id", "I4201030001"),
            ("channel", "官方网站"),
            ("captured_on", "2025-03-01"),
            (
                "text",
                "本单位按照国家职业技能标准组织汽车装调工职业技能等级认定。",
            ),
        ],
    ),
    (
        Table::AccessLog,
        &[
            ("at", "2025-05-07 09:12"),
            ("user_id", "I4201030001-u1"),
            ("institution_id", "I4201030001"),
            ("cert_no", "Y000042000001254000001"),
            ("action", "read"),
        ],
    ),
    (
        Table::Sanctions,
        &[
            ("institution_id", "I4201030001"),
            ("decided_on", "2024-11-05"),
            ("item", "4"),
            ("severity", "general"),
            ("disposition", "interview"),
        ],
    ),
];

/// A sample row's cells by spec column, for the decoders.
struct SampleRow {
    table: Table,
    values: Vec<Option<&'static str>>,
    errors: Vec<String>,
}

impl RowSource for SampleRow {
    fn text(&self, i: usize) -> Option<&str> {
        self.values[i]
    }
    fn error(&mut self, i: usize, value: &str, _: crate::error::Problem, message: String) {
        let column = columns(self.table)[i].name;
        self.errors.push(format!("{column} \"{value}\": {message}"));
    }
}

/// The sample rows, one per table but `meta`, decoded as a file would be.
pub fn sample() -> Tables {
    let mut tables = Tables::default();
    for (table, values) in SAMPLE {
        let cols = columns(*table);
        let mut row = SampleRow {
            table: *table,
            values: cols
                .iter()
                .map(|c| values.iter().find(|(n, _)| *n == c.name).map(|(_, v)| *v))
                .collect(),
            errors: Vec::new(),
        };
        assert!(
            values
                .iter()
                .all(|(n, _)| cols.iter().any(|c| c.name == *n)),
            "the sample of {table} names a column the table does not have"
        );
        decode_into(*table, &mut row, &mut tables);
        assert!(
            row.errors.is_empty(),
            "the sample row of {table} is invalid: {:?}",
            row.errors
        );
        tables.present.insert(*table);
    }
    tables
}

/// The CSV template of one table: UTF-8 with BOM (Excel opens it right), the
/// Chinese header and the sample row.
pub fn csv(table: Table) -> Result<Vec<u8>, Error> {
    crate::write::csv_bytes(table, &sample(), Headers::Chinese)
}

/// Writes the workbook template: a sheet per table (Chinese headers, the sample
/// row) and the notes sheet.
pub fn write_xlsx(path: &Path) -> Result<(), Error> {
    let tables = sample();
    let mut w = DatasetWriter::create_with(path, Format::Xlsx, Headers::Chinese)?;
    w.append(&tables)?;
    w.add_text_sheet(
        NOTES_SHEET,
        &notes(&tables),
        &[14.0, 18.0, 18.0, 24.0, 6.0, 60.0, 26.0],
    )?;
    w.finish()
}

/// The rows of the notes sheet: a header, then one row per column of every table.
fn notes(tables: &Tables) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "数据表",
            "表名",
            "列名（中文）",
            "列名（英文）",
            "必填",
            "可填写的值或格式",
            "示例",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for table in Table::ALL.into_iter().filter(|t| *t != Table::Meta) {
        let mut example = Vec::new();
        encode_rows(table, tables, |cells| {
            example = cells.iter().map(|c| c.to_text().into_owned()).collect();
            Ok(())
        })
        .expect("encoding into memory cannot fail");
        for (i, c) in columns(table).iter().enumerate() {
            rows.push(vec![
                table.zh().into(),
                table.name().into(),
                c.zh.into(),
                c.name.into(),
                if c.required { "是" } else { "否" }.into(),
                allowed(table, c),
                example.get(i).cloned().unwrap_or_default(),
            ]);
        }
    }
    rows.push(Vec::new());
    rows.push(vec![
        "说明".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        "每个数据表一个工作表，第一行为表头（中文或英文列名均可，列的顺序不限），第二行是示例，导入前请删除示例行再填写本单位数据。代码列可填英文代码或中文名称。本工作表导入时自动忽略。CSV 模板只有表头和示例行，可填写的值见本工作表。".into(),
    ]);
    rows
}

/// A closed vocabulary as "code 中文；…".
fn vocabulary<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
) -> String {
    let values: Vec<String> = all
        .iter()
        .map(|v| format!("{} {}", code(*v), zh(*v)))
        .collect();
    format!("{}（填代码或中文名称均可）", values.join("；"))
}

/// What a column takes, in Chinese: its vocabulary or its format.
pub fn allowed(table: Table, column: &Column) -> String {
    macro_rules! vocab {
        ($t:ty) => {
            vocabulary(<$t>::ALL, <$t>::code, <$t>::zh)
        };
    }
    match (table, column.name) {
        (_, "kind") => vocab!(InstitutionKind),
        (Table::Institutions, "status") => vocab!(RegistrationStatus),
        (Table::Certificates, "status") => vocab!(CertStatus),
        (_, "relation") => vocab!(Relation),
        (_, "role") => vocab!(PersonRole),
        (_, "subject") => vocab!(Subject),
        (_, "duty") => vocab!(Duty),
        (_, "field") => vocab!(ChangeField),
        (_, "education") => vocab!(Education),
        (_, "result") => vocab!(Outcome),
        (_, "verified") => vocab!(Verified),
        (_, "action") => vocab!(AccessAction),
        (_, "severity") => vocab!(Severity),
        (_, "disposition") => vocab!(Disposition),
        (_, "level" | "max_level" | "prior_level") => {
            let levels: Vec<String> = (1..=5)
                .rev()
                .filter_map(|n| domain::Level::parse(&n.to_string()).ok())
                .map(|l| format!("{} {}/{}", l.number(), l.grade_name(), l.title()))
                .collect();
            format!("职业技能等级，填数字 1–5：{}", levels.join("；"))
        }
        (_, "item") => "《认定处理指引》条目号，1–15".into(),
        (_, "candidate_id" | "id_number") => {
            "18 位公民身份号码（GB 11643），末位为校验码，X 大写".into()
        }
        (_, "credit_code" | "employer_credit_code") => {
            "18 位统一社会信用代码（GB 32100-2015），末位为校验码".into()
        }
        (_, "occupation_code" | "prior_occupation_code") => {
            "2022 年版《职业分类大典》职业编码 D-DD-DD-DD，工种可加 -DD，如 6-22-02-01".into()
        }
        (_, "region_code") => "6 位行政区划代码（GB/T 2260），如 420103".into(),
        (_, "registered_by") => "备案机关的行政区划代码：省本级填省代码（如 420000），市州填市代码（如 420100）；留空时职业资格鉴定机构为省本级，其余为所在市州".into(),
        (_, "cert_no" | "prior_cert_no") => "职业技能等级证书编号，22 位：Y（用人单位）或 S（社会培训评价组织）+ 4 位机构代码 + 2 位省份代码 + 6 位机构序号 + 2 位年份 + 等级 1–5 + 6 位流水号；旧版证书编号为 8–30 位字母和数字".into(),
        (_, "score") => "分数 0–100，最多一位小数；缺考填“缺考”或留空".into(),
        (_, "pass_mark") => "分数 0–100，最多一位小数".into(),
        (_, "weight") => "权重，0–1 的小数（0.3）或百分数（30%）".into(),
        (_, "work_years") => "年数，如 6 或 5.5".into(),
        (_, "major_related" | "at_fault") => "true/false、1/0 或 是/否".into(),
        (_, "employee_count" | "capacity" | "min_minutes" | "proctor_ratio" | "examiner_ratio") => {
            "非负整数".into()
        }
        (_, "answer_key") => "每道客观题一个字符，如 ABCDDCBA".into(),
        (_, "responses") => "每道题一个字符，未作答填 -，如 ABCD-CBA".into(),
        (_, "policy") => "规则手册名称，如 national、hubei".into(),
        (_, n) if n.ends_with("_on") || n.ends_with("_since") || n == "valid_from" || n == "valid_to" || n == "as_of" || n == "window_from" => {
            "日期 YYYY-MM-DD，如 2025-04-15".into()
        }
        (_, n) if n.ends_with("_at") || n == "at" => {
            "日期时间 YYYY-MM-DD HH:MM（可带 :SS），北京时间，如 2025-04-15 09:00".into()
        }
        (
            _,
            "institution_id" | "batch_id" | "site_id" | "person_id" | "paper_id" | "complaint_id"
            | "user_id" | "internal_supervisor_id" | "graded_by" | "paper_drawn" | "paper_used",
        ) => "编号，字母、数字和 - 组成，同一编号指同一对象".into(),
        (
            _,
            "name" | "address" | "summary" | "text" | "channel" | "old_value" | "new_value"
            | "occupation_name" | "employer_name" | "phone",
        ) => "文本".into(),
        _ => String::new(),
    }
}

/// Where an upload still holds a template's sample row: (table, row index).
pub fn sample_rows_in(tables: &Tables) -> Vec<(Table, usize)> {
    let sample = sample();
    let mut found = Vec::new();
    for table in Table::ALL.into_iter().filter(|t| *t != Table::Meta) {
        let mut wanted: Vec<Cell> = Vec::new();
        encode_rows(table, &sample, |cells| {
            wanted = cells.to_vec();
            Ok(())
        })
        .expect("encoding into memory cannot fail");
        let mut index = 0;
        encode_rows(table, tables, |cells| {
            if cells == wanted.as_slice() {
                found.push((table, index));
            }
            index += 1;
            Ok(())
        })
        .expect("encoding into memory cannot fail");
    }
    found
}
