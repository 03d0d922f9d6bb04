//! How rows become SQL values and come back: one [`Value`] enum on the way in
//! (bound as parameters on SQLite, written as COPY text on PostgreSQL), one [`Get`]
//! trait on the way out, a [`SqlField`] impl per field type (how it is stored, and
//! that a NULL is an error unless the type is an `Option`), and per row struct its
//! columns declared once:
//!
//! - dataset row structs: [`SqlRow`] (`sql_rows!`), columns in migration order;
//! - the store's own records: [`FromRow`], declared with [`row_struct!`] — the
//!   struct, each field's type and the SQL expression it is read from, in one
//!   place, read with `Writer::fetch_as` (no positional `r[N]` reads).

use chrono::{NaiveDate, NaiveDateTime};
use domain::enums::*;
use domain::ids::*;
use domain::model::*;
use domain::{CertNo, CreditCode, Declared, IdNumber, Level, OccupationCode, RegionCode, Score};
use sqlx::Row;
use std::borrow::Cow;

/// A value on its way into the store.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// NULL of a text column. PostgreSQL types every bound parameter, so a NULL
    /// bound for a column of another type must say which:
    Null,
    /// NULL of an integer column.
    NullInt,
    /// NULL of a date column.
    NullDate,
    /// NULL of a timestamp column.
    NullDateTime,
    Text(Cow<'a, str>),
    Int(i64),
    Real(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    /// A file's bytes (`BYTEA`; a blob on SQLite).
    Bytes(Cow<'a, [u8]>),
}

impl Value<'_> {
    /// Appends the value in PostgreSQL's COPY text format (`\N` for NULL;
    /// backslash, tab, newline and carriage return escaped).
    pub fn write_copy_text(&self, out: &mut String) {
        use std::fmt::Write as _;
        match self {
            Value::Null | Value::NullInt | Value::NullDate | Value::NullDateTime => {
                out.push_str("\\N")
            }
            Value::Text(s) => {
                for c in s.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\t' => out.push_str("\\t"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        c => out.push(c),
                    }
                }
            }
            Value::Int(n) => write!(out, "{n}").unwrap(),
            Value::Real(x) => write!(out, "{x}").unwrap(),
            Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
            Value::Date(d) => write!(out, "{}", d.format("%Y-%m-%d")).unwrap(),
            Value::DateTime(t) => write!(out, "{}", t.format("%Y-%m-%d %H:%M:%S")).unwrap(),
            Value::Bytes(b) => {
                // bytea's hex input format, its backslash escaped for COPY.
                out.push_str("\\\\x");
                for byte in b.iter() {
                    write!(out, "{byte:02x}").unwrap();
                }
            }
        }
    }
}

/// Reads typed cells of one fetched row; errors are the reason in words.
pub trait Get {
    fn text(&self, i: usize) -> Result<Option<&str>, String>;
    fn int(&self, i: usize) -> Result<Option<i64>, String>;
    fn real(&self, i: usize) -> Result<Option<f64>, String>;
    fn boolean(&self, i: usize) -> Result<Option<bool>, String>;
    /// Dates arrive as ISO text unless a backend decodes them itself: parse it
    /// with the domain's fast ISO path.
    fn date(&self, i: usize) -> Result<Option<NaiveDate>, String> {
        self.text(i)?
            .map(|t| domain::time::parse_date(t).map_err(|e| e.to_string()))
            .transpose()
    }
    fn datetime(&self, i: usize) -> Result<Option<NaiveDateTime>, String> {
        self.text(i)?
            .map(|t| domain::time::parse_datetime(t).map_err(|e| e.to_string()))
            .transpose()
    }
    /// Bytes (a file's content); only rows fetched from a database hold them.
    fn bytes(&self, _i: usize) -> Result<Option<Vec<u8>>, String> {
        Err("not a binary column".into())
    }
}

/// `Get` by `try_get` for text, numbers and booleans; `$int` reads integers, and
/// `$date` / `$datetime`, where given, replace the text parsing.
macro_rules! get_by_try_get {
    ($row:ty, |$r:ident, $i:ident| int: $int:expr
        $(, date: $date:expr)? $(, datetime: $datetime:expr)?) => {
        impl Get for $row {
            fn text(&self, i: usize) -> Result<Option<&str>, String> {
                self.try_get(i).map_err(|e| e.to_string())
            }
            fn int(&self, $i: usize) -> Result<Option<i64>, String> {
                let $r = self;
                $int
            }
            fn real(&self, i: usize) -> Result<Option<f64>, String> {
                self.try_get(i).map_err(|e| e.to_string())
            }
            fn boolean(&self, i: usize) -> Result<Option<bool>, String> {
                self.try_get(i).map_err(|e| e.to_string())
            }
            fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>, String> {
                self.try_get(i).map_err(|e| e.to_string())
            }
            $(fn date(&self, $i: usize) -> Result<Option<NaiveDate>, String> {
                let $r = self;
                $date
            })?
            $(fn datetime(&self, $i: usize) -> Result<Option<NaiveDateTime>, String> {
                let $r = self;
                $datetime
            })?
        }
    };
}

// SQLite keeps dates as ISO text (the trait's parsing, not sqlx's format-guessing,
// which was a third of the snapshot load at scale 20).
get_by_try_get!(sqlx::sqlite::SqliteRow, |row, i|
    int: row.try_get(i).map_err(|e| e.to_string()),
    datetime: match row
        .try_get::<Option<&str>, _>(i)
        .map_err(|e| e.to_string())?
        .map(domain::time::parse_datetime)
    {
        // Fractional seconds (the store's own clock readings): sqlx's parser.
        Some(Err(_)) => row.try_get(i).map_err(|e| e.to_string()),
        parsed => Ok(parsed.and_then(Result::ok)),
    }
);

// PostgreSQL integers are strictly typed: read the width the schema declares.
get_by_try_get!(sqlx::postgres::PgRow, |row, i|
    int: {
        use sqlx::{Column, TypeInfo};
        match row.column(i).type_info().name() {
            "INT2" => row
                .try_get::<Option<i16>, _>(i)
                .map(|v| v.map(i64::from))
                .map_err(|e| e.to_string()),
            "INT4" => row
                .try_get::<Option<i32>, _>(i)
                .map(|v| v.map(i64::from))
                .map_err(|e| e.to_string()),
            _ => row.try_get(i).map_err(|e| e.to_string()),
        }
    },
    date: row.try_get(i).map_err(|e| e.to_string()),
    datetime: row.try_get(i).map_err(|e| e.to_string())
);

/// A field type of a row struct: how it is stored and read back.
pub trait SqlField: Sized {
    /// The stored value.
    fn to_value(&self) -> Value<'_>;
    /// Reads the cell; `Err((value, reason))` for an absent or invalid value.
    fn from_sql(row: &impl Get, i: usize) -> Result<Self, (String, String)>;
}

fn absent() -> (String, String) {
    (String::new(), "a value is required".into())
}

fn reason(e: String) -> (String, String) {
    (String::new(), e)
}

/// Nullable columns. Every non-`Option` field type reads NULL as an error.
trait Nullable: SqlField {
    fn read(row: &impl Get, i: usize) -> Result<Option<Self>, (String, String)>;
}

impl<T: Nullable> SqlField for Option<T> {
    fn to_value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, SqlField::to_value)
    }
    fn from_sql(row: &impl Get, i: usize) -> Result<Self, (String, String)> {
        T::read(row, i)
    }
}

macro_rules! parsed_text {
    ($($t:ty => $as_str:expr),* $(,)?) => {$(
        impl Nullable for $t {
            fn read(row: &impl Get, i: usize) -> Result<Option<Self>, (String, String)> {
                match row.text(i).map_err(reason)? {
                    None => Ok(None),
                    Some(s) => <$t>::parse(s)
                        .map(Some)
                        .map_err(|e| (s.to_string(), e.to_string())),
                }
            }
        }
        impl SqlField for $t {
            fn to_value(&self) -> Value<'_> {
                let f: fn(&$t) -> Cow<'_, str> = $as_str;
                Value::Text(f(self))
            }
            fn from_sql(row: &impl Get, i: usize) -> Result<Self, (String, String)> {
                <$t as Nullable>::read(row, i)?.ok_or_else(absent)
            }
        }
    )*};
}

parsed_text!(
    IdNumber => |v| v.to_string().into(),
    CreditCode => |v| v.to_string().into(),
    RegionCode => |v| v.to_string().into(),
    OccupationCode => |v| v.to_string().into(),
    CertNo => |v| v.to_string().into(),
    InstitutionId => |v| v.as_str().into(),
    BatchId => |v| v.as_str().into(),
    SiteId => |v| v.as_str().into(),
    PersonId => |v| v.as_str().into(),
    PaperId => |v| v.as_str().into(),
    ComplaintId => |v| v.as_str().into(),
    UserId => |v| v.as_str().into(),
    InstitutionKind => |v| v.code().into(),
    RegistrationStatus => |v| v.code().into(),
    Relation => |v| v.code().into(),
    PersonRole => |v| v.code().into(),
    Subject => |v| v.code().into(),
    Duty => |v| v.code().into(),
    ChangeField => |v| v.code().into(),
    Education => |v| v.code().into(),
    Outcome => |v| v.code().into(),
    CertStatus => |v| v.code().into(),
    Verified => |v| v.code().into(),
    AccessAction => |v| v.code().into(),
    Severity => |v| v.code().into(),
    Disposition => |v| v.code().into(),
    domain::case::CaseState => |v| v.code().into(),
    domain::case::PartyKind => |v| v.code().into(),
    domain::case::SourceKind => |v| v.code().into(),
    domain::case::Action => |v| v.code().into(),
    domain::case::ReviewOutcome => |v| v.code().into(),
    domain::case::MajorGround => |v| v.code().into(),
    domain::case::RecusalStatus => |v| v.code().into(),
    domain::case::AttachmentKind => |v| v.code().into(),
    domain::case::StatementKind => |v| v.code().into(),
    domain::case::DocumentKind => |v| v.code().into(),
    domain::case::Measure => |v| v.code().into(),
    domain::registration::Action => |v| v.code().into(),
    domain::registration::ReminderStage => |v| v.code().into(),
);

/// Values kept as JSON text (documents, proposals, the case file's before/after).
macro_rules! json_text {
    ($($t:ty),* $(,)?) => {$(
        impl Nullable for $t {
            fn read(row: &impl Get, i: usize) -> Result<Option<Self>, (String, String)> {
                match row.text(i).map_err(reason)? {
                    None => Ok(None),
                    Some(s) => serde_json::from_str(s)
                        .map(Some)
                        .map_err(|e| (s.to_string(), e.to_string())),
                }
            }
        }
        impl SqlField for $t {
            fn to_value(&self) -> Value<'_> {
                Value::Text(serde_json::to_string(self).expect("serializable").into())
            }
            fn from_sql(row: &impl Get, i: usize) -> Result<Self, (String, String)> {
                <$t as Nullable>::read(row, i)?.ok_or_else(absent)
            }
        }
    )*};
}
json_text!(
    serde_json::Value,
    Vec<String>,
    domain::case::Proposal,
    domain::case::Document,
);

/// Declared values (dataset.md, “Declared values”): stored as text — the value's
/// text form, or a malformed value as written — and parsed back the same way the
/// reader parses them, so a malformed value survives import → export unchanged and
/// screening the store finds what screening the files finds.
impl<T: domain::declared::Declarable> Nullable for Declared<T> {
    fn read(row: &impl Get, i: usize) -> Result<Option<Self>, (String, String)> {
        Ok(row.text(i).map_err(reason)?.map(Declared::parse))
    }
}

impl<T: domain::declared::Declarable> SqlField for Declared<T> {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self.text())
    }
    fn from_sql(row: &impl Get, i: usize) -> Result<Self, (String, String)> {
        <Self as Nullable>::read(row, i)?.ok_or_else(absent)
    }
}

/// Free text: stored as is.
trait FromText: Sized {
    fn from_text(s: &str) -> Self;
    fn as_text(&self) -> &str;
}

impl FromText for Text {
    fn from_text(s: &str) -> Self {
        s.into()
    }
    fn as_text(&self) -> &str {
        self.as_str()
    }
}

impl FromText for String {
    fn from_text(s: &str) -> Self {
        s.to_string()
    }
    fn as_text(&self) -> &str {
        self.as_str()
    }
}

macro_rules! free_text {
    ($($t:ty),*) => {$(
        impl Nullable for $t {
            fn read(row: &impl Get, i: usize) -> Result<Option<Self>, (String, String)> {
                Ok(row.text(i).map_err(reason)?.map(<$t as FromText>::from_text))
            }
        }
        impl SqlField for $t {
            fn to_value(&self) -> Value<'_> {
                Value::Text(Cow::Borrowed(self.as_text()))
            }
            fn from_sql(row: &impl Get, i: usize) -> Result<Self, (String, String)> {
                <$t as Nullable>::read(row, i)?.ok_or_else(absent)
            }
        }
    )*};
}
free_text!(Text, String);

/// Typed cells: how each is read and what makes it valid.
macro_rules! typed {
    ($($t:ty: $get:ident => |$v:ident| $to:expr, |$s:ident| $from:expr;)*) => {$(
        impl Nullable for $t {
            fn read(row: &impl Get, i: usize) -> Result<Option<Self>, (String, String)> {
                match row.$get(i).map_err(reason)? {
                    None => Ok(None),
                    Some($s) => $from.map(Some).map_err(|e: String| (format!("{:?}", $s), e)),
                }
            }
        }
        impl SqlField for $t {
            fn to_value(&self) -> Value<'_> {
                let $v = self;
                $to
            }
            fn from_sql(row: &impl Get, i: usize) -> Result<Self, (String, String)> {
                <$t as Nullable>::read(row, i)?.ok_or_else(absent)
            }
        }
    )*};
}

typed! {
    Level: int => |v| Value::Int(i64::from(v.number())),
        |s| u8::try_from(s).map_err(|e| e.to_string()).and_then(|n| Level::new(n).map_err(|e| e.to_string()));
    GuideItem: int => |v| Value::Int(i64::from(v.number())),
        |s| GuideItem::parse(&s.to_string()).map_err(|e| e.to_string());
    Score: real => |v| Value::Real(v.value()),
        |s| Score::from_f64(s).ok_or_else(|| "not a score with one decimal".to_string());
    i64: int => |v| Value::Int(*v), |s| Ok::<i64, String>(s);
    u32: int => |v| Value::Int(i64::from(*v)),
        |s| u32::try_from(s).map_err(|e| e.to_string());
    u8: int => |v| Value::Int(i64::from(*v)),
        |s| u8::try_from(s).map_err(|e| e.to_string());
    f64: real => |v| Value::Real(*v), |s| Ok::<f64, String>(s);
    bool: boolean => |v| Value::Bool(*v), |s| Ok::<bool, String>(s);
    NaiveDate: date => |v| Value::Date(*v), |s| Ok::<NaiveDate, String>(s);
    NaiveDateTime: datetime => |v| Value::DateTime(*v), |s| Ok::<NaiveDateTime, String>(s);
}

/// A file's content.
impl Nullable for Vec<u8> {
    fn read(row: &impl Get, i: usize) -> Result<Option<Self>, (String, String)> {
        row.bytes(i).map_err(reason)
    }
}

impl SqlField for Vec<u8> {
    fn to_value(&self) -> Value<'_> {
        Value::Bytes(self.as_slice().into())
    }
    fn from_sql(row: &impl Get, i: usize) -> Result<Self, (String, String)> {
        <Vec<u8> as Nullable>::read(row, i)?.ok_or_else(absent)
    }
}

/// A dataset row struct as a row of its store table.
pub trait SqlRow: Sized + Send + 'static {
    /// The dataset table.
    const TABLE: Table;
    /// The store columns, in migration order (without `seq`).
    const COLUMNS: &'static [&'static str];
    /// Appends the row's values in column order.
    fn values<'a>(&'a self, out: &mut Vec<Value<'a>>);
    /// Reads a row fetched with the columns in order; on error, the column and
    /// `(value, reason)`.
    fn decode(row: &impl Get) -> Result<Self, (&'static str, (String, String))>;
}

macro_rules! sql_rows {
    ($($row:ty => $table:ident [$($f:ident),* $(,)?];)*) => {$(
        impl SqlRow for $row {
            const TABLE: Table = Table::$table;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($f)),*];
            fn values<'a>(&'a self, out: &mut Vec<Value<'a>>) {
                $(out.push(SqlField::to_value(&self.$f));)*
            }
            fn decode(row: &impl Get) -> Result<Self, (&'static str, (String, String))> {
                let mut _i = 0usize;
                $(
                    let $f = SqlField::from_sql(row, _i).map_err(|e| (stringify!($f), e))?;
                    _i += 1;
                )*
                Ok(Self { $($f),* })
            }
        }
        impl FromRow for $row {
            const TABLE: &'static str = Table::$table.name();
            const SELECT: &'static [&'static str] = <$row as SqlRow>::COLUMNS;
            fn from_row(row: &impl Get) -> Result<Self, (&'static str, (String, String))> {
                <$row as SqlRow>::decode(row)
            }
        }
    )*};
}

/// A record read from the columns of a query: the select list is declared once,
/// next to the fields it fills ([`row_struct!`]), and a NULL in a field whose type
/// is not an `Option` is an error ([`crate::Error::Corrupt`]), never a default.
pub trait FromRow: Sized + Send {
    /// The table named in errors.
    const TABLE: &'static str;
    /// One SQL expression per field, in field order.
    const SELECT: &'static [&'static str];
    /// Reads a row fetched with [`FromRow::SELECT`]; on error, the field and
    /// `(value, reason)`.
    fn from_row(row: &impl Get) -> Result<Self, (&'static str, (String, String))>;
}

/// Tuples of fields read an ad-hoc select list in order (`SELECT MAX(seq)` as
/// `(Option<i64>,)`), with the same NULL rule as declared rows.
macro_rules! tuple_rows {
    ($(($($t:ident $i:tt),+))*) => {$(
        impl<$($t: SqlField + Send),+> FromRow for ($($t,)+) {
            const TABLE: &'static str = "(query)";
            const SELECT: &'static [&'static str] = &[];
            fn from_row(row: &impl Get) -> Result<Self, (&'static str, (String, String))> {
                Ok(($(
                    $t::from_sql(row, $i).map_err(|e| (stringify!($i), e))?,
                )+))
            }
        }
    )*};
}
tuple_rows! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
}

/// `SELECT` list of a [`FromRow`] type.
pub fn select<R: FromRow>() -> String {
    R::SELECT.join(", ")
}

/// Declares a struct read from a query with [`FromRow`]: each field with its type
/// and the SQL expression it comes from, once.
///
/// ```ignore
/// row_struct! {
///     /// A recusal request.
///     pub struct Recusal in "case_recusals" {
///         pub recusal_id: i64 = "recusal_id",
///         pub reason: Option<String> = "reason",
///     }
/// }
/// ```
macro_rules! row_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident in $table:literal {
            $( $(#[$fmeta:meta])* $fvis:vis $field:ident : $ty:ty = $sql:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name { $( $(#[$fmeta])* $fvis $field: $ty ),* }

        impl $crate::value::FromRow for $name {
            const TABLE: &'static str = $table;
            const SELECT: &'static [&'static str] = &[$($sql),*];
            fn from_row(
                row: &impl $crate::value::Get,
            ) -> Result<Self, (&'static str, (String, String))> {
                let mut _i = 0usize;
                $(
                    let $field = <$ty as $crate::value::SqlField>::from_sql(row, _i)
                        .map_err(|e| (stringify!($field), e))?;
                    _i += 1;
                )*
                Ok(Self { $($field),* })
            }
        }
    };
}
pub(crate) use row_struct;

sql_rows! {
    Institution => Institutions [institution_id, name, credit_code, kind, region_code,
        registered_on, expires_on, status, status_since, employee_count, phone, registered_by];
    Scope => Scopes [institution_id, occupation_code, occupation_name, level, valid_from, valid_to];
    Site => Sites [site_id, institution_id, address, capacity, registered_on, revoked_on,
        region_code];
    Affiliate => Affiliates [institution_id, credit_code, name, relation, valid_from, valid_to];
    Person => Personnel [person_id, id_number, name, role, institution_id, occupation_code,
        max_level, valid_from, valid_to, employer_credit_code];
    Batch => Batches [batch_id, institution_id, occupation_code, level, site_id, start_at,
        end_at, filed_at, internal_supervisor_id, supervision_record_at];
    Session => Sessions [batch_id, subject, start_at, end_at, paper_drawn, paper_used];
    BatchStaff => BatchStaff [batch_id, subject, person_id, duty];
    BatchChange => BatchChanges [batch_id, field, old_value, new_value, changed_at, reported_at];
    Enrollment => Enrollments [batch_id, candidate_id, name, employer_credit_code, employer_name,
        education, major_related, work_years, prior_cert_no, prior_occupation_code, prior_level,
        prior_cert_on, applied_at];
    ScoreRow => Scores [batch_id, candidate_id, subject, score, graded_by, recorded_at];
    ResultRow => Results [batch_id, candidate_id, result];
    Paper => Papers [paper_id, occupation_code, level, subject, answer_key];
    Answer => Answers [batch_id, candidate_id, paper_id, responses, started_at, submitted_at];
    Certificate => Certificates [cert_no, candidate_id, name, institution_id, batch_id,
        occupation_code, level, issued_on, uploaded_at, status];
    Standard => Standards [occupation_code, level, subject, min_minutes, weight, pass_mark,
        proctor_ratio, examiner_ratio];
    Complaint => Complaints [complaint_id, institution_id, received_on, channel, summary,
        verified, at_fault];
    Promotion => Promotions [institution_id, channel, captured_on, text];
    AccessLog => AccessLog [at, user_id, institution_id, cert_no, action];
    Sanction => Sanctions [institution_id, decided_on, item, severity, disposition];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fetched row of text cells (`None`: NULL).
    struct Texts(Vec<Option<&'static str>>);

    impl Get for Texts {
        fn text(&self, i: usize) -> Result<Option<&str>, String> {
            Ok(self.0[i])
        }
        fn int(&self, i: usize) -> Result<Option<i64>, String> {
            self.0[i]
                .map(|t| {
                    t.parse()
                        .map_err(|e: std::num::ParseIntError| e.to_string())
                })
                .transpose()
        }
        fn real(&self, i: usize) -> Result<Option<f64>, String> {
            self.0[i]
                .map(|t| {
                    t.parse()
                        .map_err(|e: std::num::ParseFloatError| e.to_string())
                })
                .transpose()
        }
        fn boolean(&self, i: usize) -> Result<Option<bool>, String> {
            Ok(self.0[i].map(|t| t == "1"))
        }
    }

    row_struct! {
        struct Probe in "probe" {
            id: i64 = "id",
            opened_at: NaiveDateTime = "opened_at",
            state: domain::case::CaseState = "state",
            note: Option<String> = "note",
        }
    }

    #[test]
    fn a_null_in_a_required_field_is_an_error_not_a_default() {
        assert_eq!(select::<Probe>(), "id, opened_at, state, note");
        let row =
            |opened: Option<&'static str>, state| Texts(vec![Some("7"), opened, Some(state), None]);
        let p = Probe::from_row(&row(Some("2025-09-15 09:00:00"), "notified")).unwrap();
        assert_eq!(
            (p.id, p.state, p.note),
            (7, domain::case::CaseState::Notified, None)
        );
        assert_eq!(p.opened_at.to_string(), "2025-09-15 09:00:00");
        let Err((field, (_, reason))) = Probe::from_row(&row(None, "notified")) else {
            panic!("a NULL opened_at must not read as a date");
        };
        assert_eq!(
            (field, reason.as_str()),
            ("opened_at", "a value is required")
        );
        let Err((field, (value, _))) = Probe::from_row(&row(Some("2025-09-15"), "open")) else {
            panic!("an unknown state must not read");
        };
        assert_eq!((field, value.as_str()), ("state", "open"));
        let t: (Option<i64>, String) = FromRow::from_row(&Texts(vec![None, Some("x")])).unwrap();
        assert_eq!(t, (None, "x".to_string()));
    }

    #[test]
    fn copy_text_escapes_the_separators() {
        let mut s = String::new();
        Value::Text("a\tb\\c\nd\re".into()).write_copy_text(&mut s);
        assert_eq!(s, "a\\tb\\\\c\\nd\\re");
        s.clear();
        Value::Null.write_copy_text(&mut s);
        assert_eq!(s, "\\N");
        s.clear();
        Value::DateTime(
            NaiveDate::from_ymd_opt(2025, 3, 1)
                .unwrap()
                .and_hms_opt(9, 5, 0)
                .unwrap(),
        )
        .write_copy_text(&mut s);
        assert_eq!(s, "2025-03-01 09:05:00");
    }
}
