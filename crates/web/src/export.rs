//! 导出: a list as an xlsx workbook, exactly as the page shows it (labels,
//! Chinese codes, masked ID and phone numbers — every cell is masked by value
//! here, since a workbook passes the response layer as binary). Every export is
//! logged by the caller.

use crate::error::{Error, Result};
use crate::view::TableView;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};

/// The workbook's bytes: one sheet per table.
pub fn workbook(sheets: &[(&str, &TableView)]) -> Result<Vec<u8>> {
    let err = |e: rust_xlsxwriter::XlsxError| Error::Export(e.to_string());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    for (name, t) in sheets {
        let ws = wb.add_worksheet_with_constant_memory().map_err(err)?;
        ws.set_name(*name).map_err(err)?;
        for (c, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(err)?;
            ws.set_column_width(c as u16, 16).map_err(err)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.text.is_empty() {
                    // A workbook is not text the response layer can mask: every
                    // cell is masked here, whatever its column.
                    ws.write_string(
                        r as u32 + 1,
                        c as u16,
                        domain::privacy::mask_text(&cell.text).as_ref(),
                    )
                    .map_err(err)?;
                }
            }
        }
    }
    wb.save_to_buffer().map_err(err)
}

/// An xlsx download named `name`.xlsx.
pub fn download(name: &str, bytes: Vec<u8>) -> Response {
    let file = crate::view::enc(&format!("{name}.xlsx"));
    (
        [
            (
                "content-type",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                "content-disposition",
                format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{file}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// One table as an xlsx download.
pub fn xlsx(name: &str, t: &TableView) -> Result<Response> {
    Ok(download(name, workbook(&[(name, t)])?))
}
