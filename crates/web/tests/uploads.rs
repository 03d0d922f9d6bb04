//! 数据导入 as an uploader meets it: the upload limit told in Chinese, workbook
//! bombs refused with the limit named, located encoding errors, no server path
//! in any message, templates that read back and are not imported by mistake.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::access::Role;
use http_body_util::BodyExt;
use store::accounts::NewAccount;
use store::{Address, Store};
use tower::ServiceExt;

mod support;
use support::{PASSWORD, call, login};

const BOUNDARY: &str = "zhijian-test-boundary";

struct Fixture {
    app: Router,
    cookie: String,
    csrf: String,
    _dir: tempfile::TempDir,
}

/// An empty store with an administrator, logged in.
async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Address::Sqlite(dir.path().join("t.db")))
        .await
        .unwrap();
    let admin = NewAccount {
        username: "admin".into(),
        display_name: "管理员".into(),
        role: Role::Admin,
        region: None,
        institution: None,
        password: PASSWORD.into(),
    };
    let now = chrono::Local::now().naive_local();
    store.create_account(None, &admin, now).await.unwrap();
    let app = web::routes::router(web::AppState::new(store));
    let (cookie, csrf) = login(&app, "admin").await;
    Fixture {
        app,
        cookie,
        csrf,
        _dir: dir,
    }
}

/// A request as built, and its answer.
async fn send(app: &Router, req: Request<Body>) -> (StatusCode, Vec<u8>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, body.to_vec())
}

/// A file the platform offers for download.
async fn download(f: &Fixture, uri: &str) -> Vec<u8> {
    let req = Request::get(uri)
        .header("cookie", &f.cookie)
        .body(Body::empty())
        .unwrap();
    let (status, bytes) = send(&f.app, req).await;
    assert_eq!(status, StatusCode::OK, "{uri}");
    bytes
}

/// A multipart body: the CSRF token and the files.
fn multipart(csrf: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body =
        format!("--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n")
            .into_bytes();
    for (name, bytes) in files {
        body.extend(
            format!(
                "--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"files\"; filename=\"{name}\"\r\ncontent-type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload_request(f: &Fixture) -> axum::http::request::Builder {
    Request::post("/imports")
        .header("cookie", &f.cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
}

async fn upload(f: &Fixture, files: &[(&str, &[u8])]) -> (StatusCode, String) {
    let req = upload_request(f)
        .body(Body::from(multipart(&f.csrf, files)))
        .unwrap();
    let (status, body) = send(&f.app, req).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// The outcome box of the import page.
fn outcome(page: &str) -> &str {
    page.split("id=\"import-outcome\">")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .unwrap_or_else(|| panic!("an outcome is shown: {page}"))
}

/// No server path (the temporary upload directory) in a page.
fn assert_no_server_path(page: &str) {
    let tmp = std::env::temp_dir().display().to_string();
    for needle in [tmp.as_str(), "/tmp/", ".tmp"] {
        assert!(!page.contains(needle), "{needle} in {page}");
    }
}

#[tokio::test]
async fn an_upload_past_the_limit_is_told_the_limit_in_chinese() {
    let f = fixture().await;
    let limit = web::routes::UPLOAD_LIMIT as u64;
    // Declared too large: refused before a byte is read.
    let declared = upload_request(&f)
        .header("content-length", (limit + (44 << 20)).to_string())
        .body(Body::from(multipart(&f.csrf, &[("dataset.xlsx", b"PK")])))
        .unwrap();

    // Streamed without a length: refused once the limit is passed, in the same words.
    let head = multipart(&f.csrf, &[]);
    let head = &head[..head.len() - format!("--{BOUNDARY}--\r\n").len()];
    let mut parts: Vec<Result<bytes::Bytes, std::io::Error>> = vec![Ok(bytes::Bytes::from(
        [
            head,
            format!("--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"files\"; filename=\"big.csv\"\r\n\r\n").as_bytes(),
        ]
        .concat(),
    ))];
    let mib = bytes::Bytes::from(vec![b'a'; 1 << 20]);
    parts.extend((0..(limit >> 20) + 1).map(|_| Ok(mib.clone())));
    let streamed = upload_request(&f)
        .body(Body::from_stream(futures_util::stream::iter(parts)))
        .unwrap();
    for req in [declared, streamed] {
        let (status, body) = send(&f.app, req).await;
        let page = String::from_utf8_lossy(&body);
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(page.contains("超过 256 MiB 的上限"), "{page}");
        assert!(!page.contains("multipart"), "{page}");
    }
}

#[tokio::test]
async fn a_workbook_bomb_is_refused_with_the_limit_and_the_file_named() {
    let f = fixture().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    // Declares six million rows in a few hundred bytes.
    let none = dataset::testing::rows(0);
    dataset::testing::workbook(
        &path,
        &[dataset::testing::Sheet {
            name: "results",
            dimension: Some("A1:C6000000"),
            rows: &none,
        }],
        None,
    );
    let bytes = std::fs::read(&path).unwrap();
    let (status, page) = upload(&f, &[("炸弹.xlsx", &bytes)]).await;
    assert_eq!(status, StatusCode::OK);
    let text = outcome(&page);
    for needle in [
        "工作簿 炸弹.xlsx 未读取",
        "6,000,000 行",
        "不超过 5,000,000 行",
        "未导入任何数据",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    assert_no_server_path(&page);
}

#[tokio::test]
async fn encoding_errors_are_located_and_no_message_shows_a_server_path() {
    let f = fixture().await;
    // UTF-8 with one GB18030 row (李建国).
    let mut enrollments =
        "batch_id,candidate_id,name\nB001,11010519491231002X,王秀英\nB001,440524188001010014,"
            .as_bytes()
            .to_vec();
    enrollments.extend(b"\xC0\xEE\xBD\xA8\xB9\xFA\n");
    let garbage: &[u8] = b"not a workbook";
    // A credit code with a wrong check character, and a registering authority
    // (备案机关) that cannot register an institution in Wuhan.
    let institutions = "institution_id,name,credit_code,kind,region_code,registered_on,expires_on,status,registered_by\n\
         I1,测试机构甲,91350100M000100Y44,employer,420102,2024-01-01,2026-12-31,active,\n\
         I2,测试机构乙,91420103MA4KX2TB3B,employer,420102,2024-01-01,2026-12-31,active,420200\n";
    let batches: &[u8] = b"batch_id\n";
    for (files, needles) in [
        (
            vec![("enrollments.csv", enrollments.as_slice())],
            vec![
                "enrollments.csv（参评人员） 第 3 行，列“姓名”（C 列）",
                "\\xC0\\xEE",
                "未导入任何数据",
            ],
        ),
        (
            vec![("institutions.csv", institutions.as_bytes())],
            vec![
                "第 2 行，列“统一社会信用代码”（C 列），值“91350100M000100Y44”：无法识别，应为18 位统一社会信用代码",
                "第 3 行，列“备案机关”（I 列），值“420200”：备案机关须为机构所在地（420102）的省级或市州人社部门：填 420000 或 420100",
            ],
        ),
        (
            vec![("dataset.xlsx", garbage)],
            vec!["dataset.xlsx 无法作为 Excel 工作簿读取", "未导入任何数据"],
        ),
        // Two files for one table: the reader names both by their paths.
        (
            vec![("batches.csv", batches), ("batches.CSV", batches)],
            vec![
                "batches.csv 和 batches.CSV 都是数据表 batches（考务计划），每个表只能有一个文件",
                "未导入任何数据",
            ],
        ),
    ] {
        let (status, page) = upload(&f, &files).await;
        assert_eq!(status, StatusCode::OK);
        let text = outcome(&page);
        for needle in needles {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        assert_no_server_path(&page);
    }
}

#[tokio::test]
async fn templates_read_back_and_are_not_imported_by_mistake() {
    let f = fixture().await;
    let dir = tempfile::tempdir().unwrap();
    // The workbook template reads back as the sample, its notes sheet skipped.
    let xlsx = download(&f, "/imports/templates/dataset.xlsx").await;
    let path = dir.path().join("template.xlsx");
    std::fs::write(&path, &xlsx).unwrap();
    let loaded = dataset::read_dataset(&path, &dataset::ReadOptions::default()).unwrap();
    assert_eq!(loaded.dataset.tables, dataset::template::sample());
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);

    // The CSV templates, invented ID numbers unmasked, read back as the sample too.
    let csv_dir = dir.path().join("csv");
    std::fs::create_dir(&csv_dir).unwrap();
    let tables = domain::model::Table::ALL.into_iter();
    for table in tables.filter(|t| *t != domain::model::Table::Meta) {
        let name = format!("{}.csv", table.name());
        let bytes = download(&f, &format!("/imports/templates/{name}")).await;
        std::fs::write(csv_dir.join(name), bytes).unwrap();
    }
    let loaded = dataset::read_dataset(&csv_dir, &dataset::ReadOptions::default()).unwrap();
    assert_eq!(loaded.dataset.tables, dataset::template::sample());

    // Uploaded unchanged, a template is refused.
    let csv = download(&f, "/imports/templates/institutions.csv").await;
    let (_, page) = upload(&f, &[("institutions.csv", &csv)]).await;
    let text = outcome(&page);
    assert!(
        text.contains("评价机构（institutions）第 2 行是模板的示例行"),
        "{text}"
    );

    // Filled in, it is imported (streamed to a file, read, written to the store).
    let filled = String::from_utf8(csv)
        .unwrap()
        .replace("I4201030001", "I4201030009")
        .replace("武汉江城汽车零部件有限公司", "武汉江城汽车配件有限公司");
    let (_, page) = upload(&f, &[("institutions.csv", filled.as_bytes())]).await;
    let text = outcome(&page);
    assert!(text.contains("导入成功：共 1 行"), "{text}");

    // The page says where the allowed values are, and the limits.
    let (_, _, page) = call(&f.app, "get", "/imports", Some(&f.cookie), None).await;
    for needle in ["“填写说明”工作表", "256 MiB", "5,000,000 行", "CSV UTF-8"] {
        assert!(page.contains(needle), "{needle}");
    }
}
