//! 数据导入: upload a dataset (CSV files named after their tables, or one xlsx
//! workbook) or an institution list from a downloadable template. The file is
//! read and validated whole before anything reaches the store: located errors
//! (file, row, column, value, what is valid) are shown and nothing is written;
//! a valid file is imported in one transaction.
//!
//! The upload is streamed to a temporary directory, never held in memory, and
//! refused once it passes [`UPLOAD_LIMIT`] (the body limit of the router refuses it
//! too; both say the same). A workbook is then checked against the reader's
//! [`dataset::Limits`] before it is opened. Messages name files by the name they
//! were uploaded with: no server path (the temporary directory) is ever shown.
//!
//! 谁备案谁监管 applies to uploads too: every row must belong to an institution
//! in the caller's jurisdiction; an institution's clerk records its own
//! evaluations (逢考必录: activities, candidates, scores, results, certificates,
//! staff) but not registrations or supervisory records; the reference tables
//! (papers, standards) and the access log are the province's.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::routes::UPLOAD_LIMIT;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use dataset::limits::{format_bytes, format_count};
use dataset::{Limit, Limits};
use domain::model::Table;
use tokio::io::AsyncWriteExt;

#[derive(Template)]
#[template(path = "imports.html")]
pub struct ImportPage {
    pub chrome: Chrome,
    pub tables: Vec<(String, String)>,
    pub outcome: Option<Outcome>,
    /// The limits on an upload, in words.
    pub limits: Vec<String>,
}

/// The limits an upload is held to, for the page.
fn limits() -> Vec<String> {
    let l = Limits::default();
    vec![
        format!(
            "一次上传的文件合计不超过 {}",
            format_bytes(UPLOAD_LIMIT as u64)
        ),
        format!(
            "xlsx 工作簿解压后每个工作表不超过 {}、整个工作簿不超过 {}，各数据表合计不超过 {} 行；更大的数据请拆分为几个工作簿，或用 CSV 文件导入",
            format_bytes(l.sheet_bytes),
            format_bytes(l.workbook_bytes),
            format_count(l.rows)
        ),
    ]
}

fn page_of(caller: &Caller, outcome: Option<Outcome>) -> ImportPage {
    ImportPage {
        chrome: Chrome::new(caller, "数据导入", "/imports"),
        tables: tables(),
        outcome,
        limits: limits(),
    }
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
    render(&page_of(&caller, None))
}

/// `GET /imports/templates/{name}`: `TABLE.csv` (Chinese headers and a sample
/// row, UTF-8 with BOM, opens in Excel) or `dataset.xlsx` (a sheet per table with
/// its sample row, and the sheet 填写说明 with the allowed values of every column;
/// see [`dataset::template`]). The sample rows are invented, their ID numbers
/// included, and must read back as they are: not masked
/// ([`crate::security::Unmasked`]).
pub async fn template(Path(name): Path<String>) -> Result<Response> {
    // The details of a failure would name the temporary directory: not shown.
    let failed = || Error::Export("模板生成失败，请稍后重试".into());
    if name == "dataset.xlsx" {
        let dir = tempfile::tempdir().map_err(|_| failed())?;
        let path = dir.path().join("dataset.xlsx");
        dataset::template::write_xlsx(&path).map_err(|_| failed())?;
        let bytes = std::fs::read(&path).map_err(|_| failed())?;
        let mut r = crate::export::download("数据导入模板", bytes);
        r.extensions_mut().insert(crate::security::Unmasked);
        return Ok(r);
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
    let body = dataset::template::csv(table).map_err(|_| failed())?;
    let file = crate::view::enc(&format!("{}.csv", table.name()));
    let mut r = (
        [
            ("content-type", "text/csv; charset=utf-8".to_string()),
            (
                "content-disposition",
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response();
    r.extensions_mut().insert(crate::security::Unmasked);
    Ok(r)
}

/// The refusal of an upload past [`UPLOAD_LIMIT`].
fn too_large() -> Error {
    Error::TooLarge(format!(
        "上传的文件合计超过 {} 的上限，未导入任何数据。请把数据拆分为几个较小的文件分别上传。",
        format_bytes(UPLOAD_LIMIT as u64)
    ))
}

/// A multipart stream that cannot be read: past the body limit, or cut off.
fn unreadable(e: MultipartError) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        Error::BadRequest("上传的内容不完整，无法读取，未导入任何数据。请重新选择文件上传。".into())
    }
}

/// The server could not store the upload (the cause names server paths: not shown).
fn not_stored<E>(_: E) -> Error {
    Error::BadRequest("服务器无法保存上传的文件，未导入任何数据。请稍后重试。".into())
}

/// `POST /imports` (multipart: `_csrf`, `files`). Each file is streamed to a
/// temporary directory; the upload is refused as soon as it passes the limit.
pub async fn upload(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response> {
    let declared = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > UPLOAD_LIMIT as u64) {
        return Err(too_large());
    }
    let dir = tempfile::tempdir().map_err(not_stored)?;
    let mut csrf = String::new();
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    let mut received = 0u64;
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("_csrf") => {
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    csrf.push_str(&String::from_utf8_lossy(&chunk));
                    if csrf.len() > 256 {
                        return Err(Error::Csrf);
                    }
                }
            }
            Some("files") => {
                let name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                    .filter(|n| !n.is_empty() && !n.starts_with('.'))
                    .ok_or_else(|| Error::BadRequest("上传的文件没有文件名".into()))?;
                let path = dir.path().join(&name);
                if files.contains(&path) {
                    return Err(Error::BadRequest(format!(
                        "上传了两个同名文件 {name}，请只保留一个"
                    )));
                }
                let mut file = tokio::fs::File::create(&path).await.map_err(not_stored)?;
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    received += chunk.len() as u64;
                    if received > UPLOAD_LIMIT as u64 {
                        return Err(too_large());
                    }
                    file.write_all(&chunk).await.map_err(not_stored)?;
                }
                file.flush().await.map_err(not_stored)?;
                files.push(path);
            }
            _ => {}
        }
    }
    caller.check_csrf(&csrf)?;
    let mut outcome = import_files(&st, &caller, dir.path(), &files).await?;
    for line in &mut outcome.lines {
        *line = without_paths(line, dir.path());
    }
    render(&page_of(&caller, Some(outcome)))
}

/// A message with the upload directory (and any other temporary path) taken out,
/// so that files are named as they were uploaded.
fn without_paths(text: &str, dir: &std::path::Path) -> String {
    let mut out = text.to_string();
    for prefix in [dir.to_path_buf(), std::env::temp_dir()] {
        let shown = prefix.display().to_string();
        let shown = shown.trim_end_matches('/');
        if !shown.is_empty() {
            out = out.replace(&format!("{shown}/"), "").replace(shown, "");
        }
    }
    out
}

/// A file's name as uploaded (the last part of its path in the upload directory).
fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The Chinese half of a reader message written "中文 / English" for both the
/// page and the command line (a message in one language is kept whole).
fn chinese(message: &str) -> &str {
    message.split(" / ").next().unwrap_or(message)
}

/// Why a dataset was refused, in Chinese, one line per point.
fn refusal(e: &dataset::Error, dir: &std::path::Path) -> Vec<String> {
    use dataset::Error as E;
    let first = match e {
        E::Invalid { errors, total } => {
            let mut lines = vec![format!("文件有 {total} 处错误，未导入任何数据：")];
            lines.extend(errors.iter().map(|e| {
                let mut s = format!("{}（{}）", e.source, e.table.zh());
                if e.row > 0 {
                    s.push_str(&format!(" 第 {} 行", e.row));
                }
                // The column by its Chinese header, as the file's template names it.
                let spec = dataset::schema::columns(e.table)
                    .iter()
                    .find(|c| c.name == e.column);
                let column = spec.map_or(e.column.as_str(), |c| c.zh);
                // A value the column's type cannot read: what the column takes,
                // in the words of the template's 填写说明.
                let allowed = spec
                    .map(|c| dataset::template::allowed(e.table, c))
                    .unwrap_or_default();
                match (e.column.is_empty(), &e.column_letter) {
                    (false, Some(l)) => s.push_str(&format!("，列“{column}”（{l} 列）")),
                    (false, None) => s.push_str(&format!("，列“{column}”")),
                    (true, Some(l)) => s.push_str(&format!("，{l} 列")),
                    (true, None) => {}
                }
                if !e.value.is_empty() {
                    s.push_str(&format!("，值“{}”", e.value));
                }
                match e.problem {
                    dataset::Problem::Missing => s.push_str("：必填项为空"),
                    dataset::Problem::Unreadable if !allowed.is_empty() => {
                        s.push_str(&format!("：无法识别，应为{allowed}"));
                    }
                    _ => s.push_str(&format!("：{}", chinese(&e.message))),
                }
                s
            }));
            return lines;
        }
        E::TooLarge {
            path,
            limit,
            sheet,
            part,
            found,
            max,
        } => {
            let place = match (sheet, part) {
                (Some(s), _) => format!("工作表“{s}”"),
                (None, Some(p)) => format!("其中的 {p}"),
                (None, None) => "整个工作簿".into(),
            };
            let (found, max) = match limit {
                Limit::Rows => (
                    format!(
                        "各数据表合计已达 {} 行（读到{place}时）",
                        format_count(*found)
                    ),
                    format!("{} 行", format_count(*max)),
                ),
                _ => (
                    format!("{place}解压后为 {}", format_bytes(*found)),
                    format_bytes(*max),
                ),
            };
            return vec![
                format!(
                    "工作簿 {} 未读取，未导入任何数据：{found}，超过上限（{}不超过 {max}）。",
                    file_name(path),
                    limit.zh()
                ),
                "请把数据拆分为几个较小的工作簿分别导入，或改用 CSV 文件导入。".into(),
            ];
        }
        E::NotADataset { message, .. } => format!("无法读取上传的文件：{}", chinese(message)),
        E::Io { path, source } => format!("文件 {} 无法读取：{source}", file_name(path)),
        E::Csv { path, source } => format!("{} 不是有效的 CSV 文件：{source}", file_name(path)),
        E::XlsxRead { path, message } => {
            format!("{} 无法作为 Excel 工作簿读取：{message}", file_name(path))
        }
        other => format!("无法读取上传的文件：{other}"),
    };
    vec![without_paths(&first, dir), "未导入任何数据".into()]
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
        dataset::read_dataset(&path, &dataset::ReadOptions::default()).map(|l| {
            let samples = dataset::template::sample_rows_in(&l.dataset.tables);
            (l.dataset.tables, l.warnings, samples)
        })
    })
    .await
    .map_err(|_| Error::BadRequest("读取上传的文件时出错，未导入任何数据".into()))?;
    let (tables, warnings, samples) = match read {
        Ok(l) => l,
        Err(e) => return fail(refusal(&e, dir)),
    };
    if !samples.is_empty() {
        let mut lines = vec!["文件中还有导入模板的示例行，未导入任何数据：".to_string()];
        lines.extend(samples.iter().map(|(table, index)| {
            format!(
                "{}（{}）第 {} 行是模板的示例行，请删除后再导入",
                table.zh(),
                table.name(),
                index + 2
            )
        }));
        return fail(lines);
    }
    let problems =
        app::import::out_of_scope(&st.store, caller.role(), caller.scope(), &tables).await?;
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
    match app::screening::screen_store(&st.store).await {
        Ok(summary) => {
            caller.log(st, "screen", &summary).await?;
            lines.push(format!("已重新筛查：{summary}"));
        }
        Err(e) => lines.push(format!("导入已完成，但重新筛查失败：{e}")),
    }
    Ok(Outcome { ok: true, lines })
}
