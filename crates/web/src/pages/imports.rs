//! 数据导入: upload a dataset (CSV files named after their tables, or one xlsx
//! workbook) or an institution list from a downloadable template. The file is
//! read and validated whole before anything reaches the store: located errors
//! (file, row, column, value, what is valid) are shown and nothing is written;
//! a valid file is imported in one transaction.
//!
//! 谁备案谁监管 applies to uploads too: every row must belong to an institution
//! in the caller's jurisdiction; an institution's clerk records its own
//! evaluations (逢考必录: activities, candidates, scores, results, certificates,
//! staff) but not registrations or supervisory records; the reference tables
//! (papers, standards) and the access log are the province's.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use domain::access::DataScope;
use domain::model::{Table, Tables};
use std::collections::{BTreeSet, HashMap};

#[derive(Template)]
#[template(path = "imports.html")]
pub struct ImportPage {
    pub chrome: Chrome,
    pub tables: Vec<(String, String)>,
    pub outcome: Option<Outcome>,
}

/// What an upload did.
pub struct Outcome {
    pub ok: bool,
    pub lines: Vec<String>,
}

fn tables() -> Vec<(String, String)> {
    Table::ALL
        .iter()
        .filter(|t| **t != Table::Meta)
        .map(|t| (t.name().to_string(), t.zh().to_string()))
        .collect()
}

/// `GET /imports`.
pub async fn page(caller: Caller) -> Result<Response> {
    render(&ImportPage {
        chrome: Chrome::new(&caller, "数据导入", "/imports"),
        tables: tables(),
        outcome: None,
    })
}

/// `GET /imports/templates/{name}`: `TABLE.csv` (Chinese headers, UTF-8 with
/// BOM, opens in Excel) or `dataset.xlsx` (one sheet per table).
pub async fn template(Path(name): Path<String>) -> Result<Response> {
    if name == "dataset.xlsx" {
        let dir = tempfile::tempdir().map_err(|e| Error::Export(e.to_string()))?;
        let path = dir.path().join("dataset.xlsx");
        let mut t = Tables::default();
        t.present = Table::ALL
            .iter()
            .copied()
            .filter(|t| *t != Table::Meta)
            .collect();
        let mut w = dataset::DatasetWriter::create_with(
            &path,
            dataset::Format::Xlsx,
            dataset::write::Headers::Chinese,
        )
        .map_err(|e| Error::Export(e.to_string()))?;
        w.append(&t).map_err(|e| Error::Export(e.to_string()))?;
        w.finish().map_err(|e| Error::Export(e.to_string()))?;
        let bytes = std::fs::read(&path).map_err(|e| Error::Export(e.to_string()))?;
        return Ok(crate::export::download("数据导入模板", bytes));
    }
    let table = name
        .strip_suffix(".csv")
        .and_then(Table::from_name)
        .filter(|t| *t != Table::Meta)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "没有模板 {name}：应为 表名.csv（如 institutions.csv）或 dataset.xlsx"
            ))
        })?;
    let header: Vec<&str> = dataset::schema::columns(table)
        .iter()
        .map(|c| c.zh)
        .collect();
    let body = format!("\u{feff}{}\r\n", header.join(","));
    let file = crate::view::enc(&format!("{}.csv", table.name()));
    Ok((
        [
            ("content-type", "text/csv; charset=utf-8".to_string()),
            (
                "content-disposition",
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// Tables an institution's clerk may upload (its own evaluations).
const CLERK_TABLES: &[Table] = &[
    Table::Personnel,
    Table::Batches,
    Table::Sessions,
    Table::BatchStaff,
    Table::BatchChanges,
    Table::Enrollments,
    Table::Scores,
    Table::Results,
    Table::Answers,
    Table::Certificates,
];

/// Tables only a province-wide (or the administrator's) account may upload.
const PROVINCE_TABLES: &[Table] = &[
    Table::Papers,
    Table::Standards,
    Table::AccessLog,
    Table::Meta,
];

/// Why rows of an upload lie outside the caller's jurisdiction, if they do.
pub async fn out_of_scope(st: &AppState, scope: &DataScope, t: &Tables) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let province_wide = match scope {
        DataScope::Everything => true,
        DataScope::Region(r) => r.level() == domain::region::RegionLevel::Province,
        DataScope::Institution(_) => false,
    };
    for table in &t.present {
        if t.len(*table) == 0 {
            continue;
        }
        let refused = match scope {
            DataScope::Institution(_) => !CLERK_TABLES.contains(table),
            _ => !province_wide && PROVINCE_TABLES.contains(table),
        };
        if refused && *table != Table::Meta {
            problems.push(format!(
                "{}（{}）：您的账号不能导入此表",
                table.zh(),
                table.name()
            ));
        }
    }
    if matches!(scope, DataScope::Everything) {
        return Ok(problems);
    }
    // Which region each referenced institution is registered in: the upload's
    // own registry first, then the store's.
    let mut region: HashMap<String, domain::RegionCode> = st
        .store
        .institutions_table()
        .await?
        .into_iter()
        .map(|i| (i.institution_id.to_string(), i.region_code))
        .collect();
    for i in &t.institutions {
        region.insert(i.institution_id.to_string(), i.region_code);
    }
    let mut owners: HashMap<String, String> = t
        .batches
        .iter()
        .map(|b| (b.batch_id.to_string(), b.institution_id.to_string()))
        .collect();
    let mut child_batches: BTreeSet<String> = BTreeSet::new();
    child_batches.extend(t.sessions.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.batch_staff.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.batch_changes.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.enrollments.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.scores.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.results.iter().map(|r| r.batch_id.to_string()));
    child_batches.extend(t.answers.iter().map(|r| r.batch_id.to_string()));
    let unknown: Vec<String> = child_batches
        .into_iter()
        .filter(|b| !owners.contains_key(b))
        .collect();
    owners.extend(st.store.batch_owners(&unknown).await?);

    // (what, institution) for every distinct institution the upload touches.
    let mut touched: Vec<(String, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut touch = |what: String, id: String| {
        if seen.insert(id.clone()) {
            touched.push((what, id));
        }
    };
    for i in &t.institutions {
        touch("机构".into(), i.institution_id.to_string());
    }
    macro_rules! by_inst {
        ($($field:ident),*) => {$(
            for r in &t.$field {
                let label = Table::from_name(stringify!($field)).map_or("", |t| t.zh()).to_string();
                touch(label, r.institution_id.to_string());
            }
        )*};
    }
    by_inst!(
        scopes,
        sites,
        affiliates,
        batches,
        certificates,
        complaints,
        promotions,
        sanctions
    );
    for p in &t.personnel {
        if let Some(i) = &p.institution_id {
            touch("人员".into(), i.to_string());
        }
    }
    let batch_rows = t
        .sessions
        .iter()
        .map(|r| r.batch_id.to_string())
        .chain(t.batch_staff.iter().map(|r| r.batch_id.to_string()))
        .chain(t.batch_changes.iter().map(|r| r.batch_id.to_string()))
        .chain(t.enrollments.iter().map(|r| r.batch_id.to_string()))
        .chain(t.scores.iter().map(|r| r.batch_id.to_string()))
        .chain(t.results.iter().map(|r| r.batch_id.to_string()))
        .chain(t.answers.iter().map(|r| r.batch_id.to_string()));
    let mut batches_seen = BTreeSet::new();
    for b in batch_rows {
        if !batches_seen.insert(b.clone()) {
            continue;
        }
        match owners.get(&b) {
            Some(i) => touch(format!("批次 {b}"), i.clone()),
            None => problems.push(format!(
                "批次 {b}：文件和系统中都没有这个批次，无法确定所属机构"
            )),
        }
    }
    for (what, inst) in touched {
        let ok = match domain::ids::InstitutionId::parse(&inst) {
            Ok(id) => region.get(&inst).is_some_and(|r| scope.admits(r, &id)),
            Err(_) => false,
        };
        if !ok {
            problems.push(format!(
                "{what}：机构 {inst} 不在您的管辖范围内（或未备案）"
            ));
        }
    }
    problems.truncate(50);
    Ok(problems)
}

/// `POST /imports` (multipart: `_csrf`, `files`).
pub async fn upload(
    State(st): State<AppState>,
    caller: Caller,
    mut form: Multipart,
) -> Result<Response> {
    let dir = tempfile::tempdir().map_err(|e| Error::BadRequest(e.to_string()))?;
    let mut csrf = String::new();
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| Error::BadRequest(format!("上传内容无法读取：{e}")))?
    {
        match field.name() {
            Some("_csrf") => {
                csrf = field
                    .text()
                    .await
                    .map_err(|e| Error::BadRequest(e.to_string()))?
            }
            Some("files") => {
                let name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                    .filter(|n| !n.is_empty() && !n.starts_with('.'))
                    .ok_or_else(|| Error::BadRequest("上传的文件没有文件名".into()))?;
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| Error::BadRequest(format!("文件 {name} 上传不完整：{e}")))?;
                let path = dir.path().join(&name);
                std::fs::write(&path, &bytes).map_err(|e| Error::BadRequest(e.to_string()))?;
                files.push(path);
            }
            _ => {}
        }
    }
    caller.check_csrf(&csrf)?;
    let outcome = import_files(&st, &caller, dir.path(), &files).await?;
    render(&ImportPage {
        chrome: Chrome::new(&caller, "数据导入", "/imports"),
        tables: tables(),
        outcome: Some(outcome),
    })
}

async fn import_files(
    st: &AppState,
    caller: &Caller,
    dir: &std::path::Path,
    files: &[std::path::PathBuf],
) -> Result<Outcome> {
    let fail = |lines: Vec<String>| Ok(Outcome { ok: false, lines });
    if files.is_empty() {
        return fail(vec![
            "请选择文件：一个 xlsx 工作簿，或按表名命名的 CSV 文件（如 batches.csv）".into(),
        ]);
    }
    let xlsx: Vec<&std::path::PathBuf> = files
        .iter()
        .filter(|f| {
            f.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xls"))
        })
        .collect();
    let source = match (xlsx.as_slice(), files.len()) {
        ([one], 1) => (*one).clone(),
        ([], _) => dir.to_path_buf(),
        _ => {
            return fail(vec![
                "一次只能上传一个 xlsx 工作簿，或一组 CSV 文件（不要混合）".into(),
            ]);
        }
    };
    let path = source.clone();
    // The dataset's indexes stay on the blocking thread: only the tables cross.
    let read = tokio::task::spawn_blocking(move || {
        dataset::read_dataset(&path, &dataset::ReadOptions::default())
            .map(|l| (l.dataset.tables, l.warnings))
    })
    .await
    .map_err(|e| Error::BadRequest(e.to_string()))?;
    let (tables, warnings) = match read {
        Ok(l) => l,
        Err(dataset::Error::Invalid { errors, total }) => {
            let mut lines = vec![format!("文件有 {total} 处错误，未导入任何数据：")];
            lines.extend(errors.iter().map(|e| {
                let mut s = format!("{}（{}）", e.source, e.table.zh());
                if e.row > 0 {
                    s.push_str(&format!(" 第 {} 行", e.row));
                }
                if !e.column.is_empty() {
                    s.push_str(&format!("，列 {}", e.column));
                    if let Some(l) = &e.column_letter {
                        s.push_str(&format!("（{l} 列）"));
                    }
                }
                if !e.value.is_empty() {
                    s.push_str(&format!("，值“{}”", e.value));
                }
                s.push_str(&format!("：{}", e.message));
                s
            }));
            return fail(lines);
        }
        Err(e) => return fail(vec![format!("无法读取：{e}"), "未导入任何数据".into()]),
    };
    let problems = out_of_scope(st, caller.scope(), &tables).await?;
    if !problems.is_empty() {
        let mut lines = vec!["以下数据超出您的权限或管辖范围，未导入任何数据：".to_string()];
        lines.extend(problems);
        return fail(lines);
    }
    let source_name = files
        .iter()
        .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().to_string()))
        .collect::<Vec<_>>()
        .join(", ");
    let label = format!(
        "web upload by {}: {source_name}",
        caller.principal().username
    );
    let report = st
        .store
        .import(
            &tables,
            &store::ImportOptions {
                source: &label,
                progress: None,
            },
        )
        .await?;
    caller
        .log(
            st,
            "import",
            &format!("{source_name}（{} 行）", report.rows),
        )
        .await?;
    let mut lines = vec![format!(
        "导入成功：共 {} 行，替换原有 {} 行（其中批次 {} 个），用时 {:.1} 秒",
        report.rows, report.replaced_rows, report.replaced_batches, report.seconds
    )];
    lines.extend(
        report
            .tables
            .iter()
            .map(|(t, n)| format!("{}（{}）：{n} 行", t.zh(), t.name())),
    );
    lines.extend(warnings.iter().map(|w| format!("提示：{w}")));
    match crate::screening::screen_store(&st.store).await {
        Ok(summary) => {
            caller.log(st, "screen", &summary).await?;
            lines.push(format!("已重新筛查：{summary}"));
        }
        Err(e) => lines.push(format!("导入已完成，但重新筛查失败：{e}")),
    }
    Ok(Outcome { ok: true, lines })
}
