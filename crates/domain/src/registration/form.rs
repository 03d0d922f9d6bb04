//! The registration forms: the input of 备案 ([`NewRegistration`]), of a change of
//! the basic information ([`BasicInfo`]) and of a new site ([`NewSite`]), only
//! built by parsing, with errors that name the field ([`FieldError`]).

use super::*;

code_enum! {
    /// A field of the registration forms.
    Field, "name, credit_code, kind, region_code, scopes, sites, phone, employee_count" {
        Name = "name" ["机构名称"],
        CreditCode = "credit_code" ["统一社会信用代码"],
        Kind = "kind" ["机构类型"],
        RegionCode = "region_code" ["所在地区"],
        Scopes = "scopes" ["备案范围"],
        Sites = "sites" ["考核场所"],
        Phone = "phone" ["对外联系电话"],
        EmployeeCount = "employee_count" ["职工人数"],
    }
}

/// One invalid field of a form: which, what is wrong, what would be valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} ({}): {problem}; expected {expected}", field.zh(), field.code())]
pub struct FieldError {
    pub field: Field,
    pub problem: String,
    pub expected: &'static str,
}

/// Every invalid field of a form (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    /// The errors of one field.
    pub fn of(&self, field: Field) -> impl Iterator<Item = &FieldError> {
        self.0.iter().filter(move |e| e.field == field)
    }
}

impl std::fmt::Display for FormErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FormErrors {}

/// The registration form as submitted (every field a string; absent = empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct RegistrationForm {
    pub name: String,
    pub credit_code: String,
    /// `employer` … or a Chinese label (用人单位, 社评组织, …).
    pub kind: String,
    /// A city (xxxx00) or district code.
    pub region_code: String,
    /// One line per occupation: the code, then one or more levels by number or
    /// name, separated by blanks, commas or 、: `4-03-02-01 5,4,3`.
    pub scopes: String,
    /// One line per examination site: the address, optionally `|` and the number
    /// of places: `武汉市洪山区珞喻路1号 | 60`.
    pub sites: String,
    pub phone: String,
    pub employee_count: String,
    /// `1` (a ticked box): register with the province (省本级备案).
    pub provincial: String,
}

/// A new examination site of a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewSite {
    pub address: String,
    pub capacity: Option<u32>,
}

/// A valid new registration (备案申请). Built only by [`NewRegistration::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewRegistration {
    pub name: String,
    pub credit_code: CreditCode,
    pub kind: InstitutionKind,
    /// Where the institution is registered: a city or district.
    pub region_code: RegionCode,
    /// The (occupation, level) pairs, sorted, without duplicates; never empty.
    pub scopes: Vec<(OccupationCode, Level)>,
    /// Never empty.
    pub sites: Vec<NewSite>,
    pub phone: Option<String>,
    pub employee_count: Option<u32>,
    /// 省本级备案: Hubei 机构管理办法 第五条(二) "中央在鄂企业、部属院校、省属企业、
    /// 省属院校原则上在省本级备案"; otherwise the default authority of the kind
    /// ([`crate::model::Institution::default_authority`]).
    pub provincial: bool,
}

/// The basic information an institution may change (第十八条: "评价机构需变更单位
/// 基础信息的(含单位名称、联系人、联系电话、地址等),应向原备案部门进行变更登记"):
/// name, public phone and headcount. Built only by [`BasicInfo::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BasicInfo {
    pub name: String,
    pub phone: Option<String>,
    pub employee_count: Option<u32>,
}

/// The basic-information form (see [`BasicInfo`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct BasicForm {
    pub name: String,
    pub phone: String,
    pub employee_count: String,
}

const NAME_EXPECTED: &str = "登记的单位名称，1–100 个字";
const PHONE_EXPECTED: &str = "7–20 位数字的电话号码，可含 - + ( ) 或空格，如 027-87654321；或留空";
const COUNT_EXPECTED: &str = "职工人数，非负整数，如 1200；或留空";
const REGION_EXPECTED: &str = "市州（xxxx00）或区县的 6 位行政区划代码，如 420100 或 420111";
const SCOPES_EXPECTED: &str = "每行一个职业：2022 年版大典编码和等级，如 4-03-02-01 5,4,3";
const SITES_EXPECTED: &str =
    "每行一个考核场所：地址，可加 | 和考位数，如 武汉市洪山区珞喻路1号 | 60";

/// What a field must hold, in the words of the form.
fn expected_of(field: Field) -> &'static str {
    match field {
        Field::Name => NAME_EXPECTED,
        Field::CreditCode => "18 位统一社会信用代码（GB 32100-2015），末位为校验码",
        Field::Kind => "用人单位、社会培训评价组织、职业资格鉴定机构或专项职业能力考核考点",
        Field::RegionCode => REGION_EXPECTED,
        Field::Scopes => SCOPES_EXPECTED,
        Field::Sites => SITES_EXPECTED,
        Field::Phone => PHONE_EXPECTED,
        Field::EmployeeCount => COUNT_EXPECTED,
    }
}

/// Collects field errors while parsing a form.
struct Errors(Vec<FieldError>);

impl Errors {
    fn add(&mut self, field: Field, problem: impl Into<String>, expected: &'static str) {
        self.0.push(FieldError {
            field,
            problem: problem.into(),
            expected,
        });
    }

    /// The value, or records the domain error under `field`.
    fn take<T>(&mut self, field: Field, value: &str, r: Result<T, Error>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            // The value's own rule says what is wrong in the dataset's words
            // (English, shared with `zhijian check`); the form says it in Chinese.
            Err(_) => {
                self.add(
                    field,
                    format!("“{}”无法识别", value.trim()),
                    expected_of(field),
                );
                None
            }
        }
    }
}

fn parse_name(errors: &mut Errors, text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        errors.add(Field::Name, "未填写", NAME_EXPECTED);
        None
    } else if t.chars().count() > 100 || t.chars().any(char::is_control) {
        errors.add(Field::Name, "超过 100 个字或含控制字符", NAME_EXPECTED);
        None
    } else {
        Some(t.to_string())
    }
}

fn parse_phone(errors: &mut Errors, text: &str) -> Option<Option<String>> {
    let t = text.trim();
    if t.is_empty() {
        return Some(None);
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if let Some(bad) = t
        .chars()
        .find(|c| !(c.is_ascii_digit() || "-+() ".contains(*c)))
    {
        errors.add(Field::Phone, format!("“{t}”含有字符 {bad}"), PHONE_EXPECTED);
        None
    } else if !(7..=20).contains(&digits) {
        errors.add(
            Field::Phone,
            format!("“{t}”有 {digits} 位数字"),
            PHONE_EXPECTED,
        );
        None
    } else {
        Some(Some(t.to_string()))
    }
}

fn parse_count(errors: &mut Errors, text: &str) -> Option<Option<u32>> {
    let t = text.trim();
    if t.is_empty() {
        return Some(None);
    }
    match t.parse::<u32>() {
        Ok(n) => Some(Some(n)),
        Err(_) => {
            errors.add(
                Field::EmployeeCount,
                format!("“{t}”不是非负整数"),
                COUNT_EXPECTED,
            );
            None
        }
    }
}

/// Splits a line of the scopes field into tokens.
fn tokens(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| c.is_whitespace() || ",，、;；".contains(c))
        .filter(|t| !t.is_empty())
}

fn parse_scopes(
    errors: &mut Errors,
    text: &str,
    kind: Option<InstitutionKind>,
) -> Option<Vec<(OccupationCode, Level)>> {
    let before = errors.0.len();
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut t = tokens(line);
        let Some(code) = t.next() else { continue };
        let line_no = n + 1;
        let Ok(occupation) = OccupationCode::parse(code) else {
            errors.add(
                Field::Scopes,
                format!("第 {line_no} 行：“{code}”不是职业编码"),
                SCOPES_EXPECTED,
            );
            continue;
        };
        // 第七条: 认定职业为现行《中华人民共和国职业分类大典》中技能类职业(工种);
        // 专项职业能力考核项目 are published by the province, not in the 大典.
        if kind != Some(InstitutionKind::Special) && catalogue().lookup(&occupation).is_none() {
            errors.add(
                Field::Scopes,
                format!("第 {line_no} 行：{occupation} 不是 2022 年版大典中的职业"),
                SCOPES_EXPECTED,
            );
            continue;
        }
        let levels: Vec<&str> = t.collect();
        if levels.is_empty() {
            errors.add(
                Field::Scopes,
                format!("第 {line_no} 行：{occupation} 未填写等级"),
                SCOPES_EXPECTED,
            );
        }
        for l in levels {
            match Level::parse(l) {
                Ok(level) => out.push((occupation, level)),
                Err(_) => errors.add(
                    Field::Scopes,
                    format!("第 {line_no} 行：“{l}”不是等级（1–5，五级/初级工 … 一级/高级技师）"),
                    SCOPES_EXPECTED,
                ),
            }
        }
    }
    if out.is_empty() && errors.0.len() == before {
        errors.add(Field::Scopes, "未填写职业", SCOPES_EXPECTED);
    }
    out.sort();
    out.dedup();
    (errors.0.len() == before).then_some(out)
}

fn parse_sites(errors: &mut Errors, text: &str) -> Option<Vec<NewSite>> {
    let before = errors.0.len();
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (address, capacity) = match line.split_once(['|', '｜', '\t']) {
            Some((a, c)) => (a.trim(), Some(c.trim())),
            None => (line, None),
        };
        if address.is_empty()
            || address.chars().count() > 200
            || address.chars().any(char::is_control)
        {
            errors.add(
                Field::Sites,
                format!("第 {} 行：地址为空或超过 200 个字", n + 1),
                SITES_EXPECTED,
            );
            continue;
        }
        let capacity = match capacity.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => match c.parse::<u32>() {
                Ok(k) if k > 0 => Some(k),
                _ => {
                    errors.add(
                        Field::Sites,
                        format!("第 {} 行：“{c}”不是考位数", n + 1),
                        SITES_EXPECTED,
                    );
                    continue;
                }
            },
        };
        out.push(NewSite {
            address: address.to_string(),
            capacity,
        });
    }
    if out.is_empty() && errors.0.len() == before {
        errors.add(Field::Sites, "未填写考核场所", SITES_EXPECTED);
    }
    (errors.0.len() == before).then_some(out)
}

impl NewRegistration {
    /// Parses a submitted form; every invalid field is reported, each with what
    /// would be valid.
    pub fn parse(form: &RegistrationForm) -> Result<NewRegistration, FormErrors> {
        let mut e = Errors(Vec::new());
        let name = parse_name(&mut e, &form.name);
        let credit_code = e.take(
            Field::CreditCode,
            &form.credit_code,
            CreditCode::parse(&form.credit_code),
        );
        let kind = e.take(Field::Kind, &form.kind, InstitutionKind::parse(&form.kind));
        let region_code = e
            .take(
                Field::RegionCode,
                &form.region_code,
                RegionCode::parse(&form.region_code),
            )
            .and_then(|r| {
                if r.level() == RegionLevel::Province {
                    e.add(
                        Field::RegionCode,
                        format!("{r} 是省级代码，备案地区应为市州或区县"),
                        REGION_EXPECTED,
                    );
                    None
                } else {
                    Some(r)
                }
            });
        let scopes = parse_scopes(&mut e, &form.scopes, kind);
        let sites = parse_sites(&mut e, &form.sites);
        let phone = parse_phone(&mut e, &form.phone);
        let employee_count = parse_count(&mut e, &form.employee_count);
        match (
            name,
            credit_code,
            kind,
            region_code,
            scopes,
            sites,
            phone,
            employee_count,
        ) {
            (
                Some(name),
                Some(credit_code),
                Some(kind),
                Some(region_code),
                Some(scopes),
                Some(sites),
                Some(phone),
                Some(employee_count),
            ) if e.0.is_empty() => Ok(NewRegistration {
                name,
                credit_code,
                kind,
                region_code,
                scopes,
                sites,
                phone,
                employee_count,
                provincial: matches!(form.provincial.trim(), "1" | "on" | "true" | "是"),
            }),
            _ => Err(FormErrors(e.0)),
        }
    }

    /// The authority the institution registers with (备案机关).
    pub fn authority(&self) -> RegionCode {
        if self.provincial {
            self.region_code.province()
        } else {
            crate::model::Institution::default_authority(self.kind, &self.region_code)
        }
    }

    /// The city (市州) the registration belongs to.
    pub fn city(&self) -> RegionCode {
        self.region_code
            .city()
            .expect("a registration's region is a city or a district")
    }
}

impl BasicInfo {
    /// Parses the basic-information form.
    pub fn parse(form: &BasicForm) -> Result<BasicInfo, FormErrors> {
        let mut e = Errors(Vec::new());
        let name = parse_name(&mut e, &form.name);
        let phone = parse_phone(&mut e, &form.phone);
        let employee_count = parse_count(&mut e, &form.employee_count);
        match (name, phone, employee_count) {
            (Some(name), Some(phone), Some(employee_count)) => Ok(BasicInfo {
                name,
                phone,
                employee_count,
            }),
            _ => Err(FormErrors(e.0)),
        }
    }

    /// The basic information of an institution as it stands.
    pub fn of(institution: &Institution) -> BasicInfo {
        BasicInfo {
            name: institution.name.to_string(),
            phone: institution.phone.as_ref().map(|p| p.to_string()),
            employee_count: institution.employee_count,
        }
    }
}

impl NewSite {
    /// Parses one site (address and optional number of places) for adding to a
    /// registration.
    pub fn parse(address: &str, capacity: &str) -> Result<NewSite, FormErrors> {
        let line = if capacity.trim().is_empty() {
            address.trim().to_string()
        } else {
            format!("{} | {}", address.trim(), capacity.trim())
        };
        let mut e = Errors(Vec::new());
        match parse_sites(&mut e, &line) {
            Some(mut sites) if sites.len() == 1 && !address.contains(['\n', '|', '｜', '\t']) => {
                Ok(sites.remove(0))
            }
            Some(_) => Err(FormErrors(vec![FieldError {
                field: Field::Sites,
                problem: "一次添加一个场所，地址中不含 | 或换行".into(),
                expected: SITES_EXPECTED,
            }])),
            None => Err(FormErrors(e.0)),
        }
    }
}
