//! The pages, one module per menu entry. Handlers are thin: read the request's
//! parameters, call one store function with the caller's scope, render.

pub mod activities;
pub mod calendar;
pub mod cases;
pub mod certificates;
pub mod findings;
pub mod home;
pub mod imports;
pub mod institutions;
pub mod registry;
pub mod risk;
pub mod system;

use crate::error::{Error, Result};
use store::browse::Paging;

/// A request's query parameters, in order (kept for the pager's links).
pub type Params = Vec<(String, String)>;

/// The non-blank value of parameter `name`.
pub fn param(q: &Params, name: &str) -> Option<String> {
    q.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A date parameter, or an error naming it and the valid form.
pub fn date_param(q: &Params, name: &str, label: &str) -> Result<Option<chrono::NaiveDate>> {
    param(q, name)
        .map(|v| {
            domain::time::parse_date(&v).map_err(|_| {
                Error::BadRequest(format!(
                    "{label}（参数 {name}）“{v}”不是日期，应为 YYYY-MM-DD"
                ))
            })
        })
        .transpose()
}

/// The page asked for (`page`, `per_page`), or everything for an export.
pub fn paging(q: &Params) -> Paging {
    if is_export(q) {
        return Paging::export();
    }
    let n = |k: &str| param(q, k).and_then(|v| v.parse().ok());
    Paging::new(n("page"), n("per_page"))
}

/// Whether the request asks for the list as a workbook (the 导出 button).
pub fn is_export(q: &Params) -> bool {
    param(q, "export").as_deref() == Some("xlsx")
}

/// The regions of the caller's jurisdiction for a filter, by name (cities, and
/// their districts indented), with their codes as values.
pub async fn region_choices(
    st: &crate::AppState,
    caller: &crate::auth::Caller,
) -> Result<Vec<(String, String)>> {
    use domain::access::DataScope;
    use domain::region::RegionLevel;
    let mut out = Vec::new();
    for (code, name) in st.store.regions().await? {
        let Ok(r) = domain::RegionCode::parse(&code) else {
            continue;
        };
        let inside = match caller.scope() {
            DataScope::Everything => true,
            DataScope::Region(own) => own.contains(&r) && *own != r,
            DataScope::Institution(_) => false,
        };
        if !inside {
            continue;
        }
        let label = match r.level() {
            RegionLevel::District => format!("\u{3000}{name}"),
            _ => name,
        };
        out.push((code, label));
    }
    Ok(out)
}
