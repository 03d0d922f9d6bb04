//! The shape every workflow shares (案件, and next 委派, 督导, 检查, 评估, 专项整治,
//! 投诉, 备案申请): a subject moves from state to state by the moves of people in
//! their roles; the domain decides each move, the store records the decision in
//! one transaction, the pages render from what the domain says is possible.
//!
//! A workflow is a module of the same shape as [`crate::case`]:
//!
//! - its subject (`Case`) with a `code_enum!` of states and one of the actions
//!   its file records;
//! - `MoveKind` (what can be done) and `Command` (a move with its input, parsed
//!   from a form by [`Form`]), `available_moves(role, …)` giving each move
//!   possible now with the [`Field`]s its form asks for;
//! - `act(side, command, facts, now) -> Result<`[`Outcome`]`, Refusal>`: the
//!   whole outcome of the move — the subject after it, the [`Entry`]s for its
//!   file, the records it adds to the subject's own tables, the [`Effect`]s it
//!   has outside the subject (each recorded with its before and after, and
//!   undone by its inverse), and the earlier effects it undoes ([`Undo`]);
//! - its refusals: one enum implementing [`Refusal`] — a typed value whose
//!   `Display` is its Chinese text naming the article, with a [`RefusalKind`]
//!   that tells a page which answer it is (403, 409, 400);
//! - its procedure (periods, windows, which moves exist) as a value, its
//!   deadlines counted in working days on the calendar ([`working_days_after`],
//!   [`Deadline`]).
//!
//! Nothing here does IO: `facts` are what the store read for the move (inside the
//! same transaction it then records the outcome in), and `today` and the calendar
//! are parameters.

use crate::Date;
use crate::workdays::Calendar;
use serde_json::Value as Json;

/// What sort of "no" a refusal is, so that the pages answer without reading its
/// text: [`RefusalKind::NotAllowed`] is 403, [`RefusalKind::NotPossible`] and
/// [`RefusalKind::Conflict`] are 409, [`RefusalKind::Invalid`] is 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalKind {
    /// The actor's side may not make this move at all (the party deciding its
    /// own case).
    NotAllowed,
    /// Not possible in the subject's state or before/after a deadline.
    NotPossible,
    /// The input is wrong or incomplete (a reason missing, a value out of range).
    Invalid,
    /// It contradicts what is recorded (already assigned, already served, a
    /// conflict of interest).
    Conflict,
}

impl RefusalKind {
    /// The kind in words, as a heading of the refusal.
    pub fn zh(self) -> &'static str {
        match self {
            RefusalKind::NotAllowed => "无权办理",
            RefusalKind::NotPossible => "当前不能办理",
            RefusalKind::Invalid => "填写有误",
            RefusalKind::Conflict => "与已有记录冲突",
        }
    }
}

/// A refusal of a workflow's rules: its `Display` is the Chinese text shown to
/// the user (with the article it applies), [`Refusal::kind`] what sort it is.
pub trait Refusal: std::error::Error + Send + Sync + 'static {
    fn kind(&self) -> RefusalKind;
}

/// One entry of a subject's file (处理档案): the action, why (when a reason was
/// given), and the subject before and after the move as JSON. The store adds the
/// time, the actor, and the ids of what it wrote for the move.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<A> {
    pub action: A,
    pub reason: Option<String>,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

/// An effect as its workflow's effects table keeps it: which kind of change,
/// the row it changed (for a row the effect adds: that row's id, known once
/// added), and the values before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectRecord {
    pub kind: String,
    pub target: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

/// A change a move makes outside its subject (a registration suspended, a
/// certificate voided, a bar added). It is recorded with what it changed, read
/// back from that record, and undone by its inverse.
pub trait Effect: Sized {
    /// How the effects table keeps it.
    fn record(&self) -> EffectRecord;
    /// The effect as recorded (with the id of a row it added), or why the record
    /// does not read as one.
    fn from_record(record: &EffectRecord) -> Result<Self, String>;
    /// The change that undoes it (restores the value before; lifts a row it
    /// added), for the reason `why`.
    fn inverse(&self, why: &str) -> Self;
}

/// An effect recorded earlier, read back with its id.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded<E> {
    pub effect_id: i64,
    pub effect: E,
}

/// An earlier effect a move undoes: its id (the store marks it rolled back) and
/// the change that undoes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo<E> {
    pub effect_id: i64,
    pub inverse: E,
}

impl<E: Effect> Undo<E> {
    /// The undoing of every effect in `live`, newest first.
    pub fn all(live: &[Recorded<E>], why: &str) -> Vec<Undo<E>> {
        live.iter()
            .rev()
            .map(|r| Undo {
                effect_id: r.effect_id,
                inverse: r.effect.inverse(why),
            })
            .collect()
    }
}

/// The types of one workflow.
pub trait Workflow: Sized {
    /// What its file records (`code()` is what the store keeps).
    type Action: Copy + std::fmt::Debug;
    /// The rows a move adds to the subject's own tables (documents, statements…).
    type Record;
    /// Its changes outside the subject.
    type Effect: Effect;
    /// Why it refuses.
    type Refusal: Refusal;
}

/// What a move decides, whole: the subject after it, the entries for its file,
/// the records it adds, the effects it applies and the earlier effects it undoes.
/// The store records all of it in one transaction or none of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<W: Workflow> {
    pub subject: W,
    pub entries: Vec<Entry<W::Action>>,
    pub records: Vec<W::Record>,
    pub effects: Vec<W::Effect>,
    pub undo: Vec<Undo<W::Effect>>,
}

impl<W: Workflow> Outcome<W> {
    /// An outcome with one entry and nothing else.
    pub fn of(subject: W, entry: Entry<W::Action>) -> Outcome<W> {
        Outcome {
            subject,
            entries: vec![entry],
            records: Vec::new(),
            effects: Vec::new(),
            undo: Vec::new(),
        }
    }

    /// Adds a record.
    pub fn with_record(mut self, r: W::Record) -> Outcome<W> {
        self.records.push(r);
        self
    }
}

/// How much a move weighs on the page: the step forward, or something done on
/// the side (folded away until opened).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// Moves the subject on: shown open, as the current step's form.
    Next,
    /// On the side (a correction, a report up, an attachment): folded.
    Optional,
    /// Ends the matter without the usual course (不予处理): folded, in red.
    Final,
}

/// A move possible now, with what its form asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Available<M> {
    pub kind: M,
    /// The button.
    pub label: String,
    pub weight: Weight,
    /// Whether it is the party's act (answered on the party's page), not the
    /// authority's.
    pub by_party: bool,
    pub fields: Vec<Field>,
    /// What the user should know before (the article, the deadline it runs to).
    pub note: String,
}

/// One input of a move's form.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The form field's name.
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub required: bool,
    /// The value the form starts with.
    pub value: String,
    pub placeholder: String,
    /// The fold it is shown in (fields of one part of a form that applies only
    /// sometimes), if any.
    pub section: Option<&'static str>,
}

impl Field {
    /// A field of `input` kind, optional, empty.
    pub fn new(name: &'static str, label: &'static str, input: Input) -> Field {
        Field {
            name,
            label,
            input,
            required: false,
            value: String::new(),
            placeholder: String::new(),
            section: None,
        }
    }

    /// Marks it required.
    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    /// Its starting value.
    pub fn value(mut self, v: impl Into<String>) -> Field {
        self.value = v.into();
        self
    }

    /// Its placeholder.
    pub fn placeholder(mut self, p: impl Into<String>) -> Field {
        self.placeholder = p.into();
        self
    }
}

/// How a field is entered.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// One line of text.
    Line,
    /// Several lines.
    Text,
    /// A date (`YYYY-MM-DD`).
    Date,
    /// A whole number.
    Number,
    /// One of the choices.
    Choice(Vec<Choice>),
    /// Any of the choices (check boxes).
    Checks(Vec<Choice>),
    /// Accounts in the caller's scope (the page knows them), any number.
    Accounts,
    /// A file to upload.
    File,
}

/// One choice of a [`Input::Choice`] or [`Input::Checks`].
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// What it rests on (an article), shown beside it.
    pub note: String,
    pub selected: bool,
}

impl Choice {
    /// A choice of `value` shown as `label`.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
            note: String::new(),
            selected: false,
        }
    }
}

/// A field that does not read: which, and what would be valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{label}（字段 {name}）{problem}")]
pub struct InputError {
    pub name: &'static str,
    pub label: &'static str,
    pub problem: String,
}

impl Refusal for InputError {
    fn kind(&self) -> RefusalKind {
        RefusalKind::Invalid
    }
}

/// A submitted form: its fields in order (a field may repeat: check boxes).
#[derive(Debug, Clone, Copy)]
pub struct Form<'a>(pub &'a [(String, String)]);

impl<'a> Form<'a> {
    /// The trimmed, non-blank value of `name`.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Every non-blank value of `name`.
    pub fn all(&self, name: &str) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The value of `name`, or an error saying it is missing and what to write.
    pub fn required(
        &self,
        name: &'static str,
        label: &'static str,
        hint: &str,
    ) -> Result<String, InputError> {
        self.get(name).map(str::to_string).ok_or(InputError {
            name,
            label,
            problem: format!("不能为空：{hint}"),
        })
    }

    /// A date field; `default` when blank.
    pub fn date(
        &self,
        name: &'static str,
        label: &'static str,
        default: Date,
    ) -> Result<Date, InputError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => crate::time::parse_date(v).map_err(|_| InputError {
                name,
                label,
                problem: format!("“{v}”不是日期，应为 YYYY-MM-DD"),
            }),
        }
    }

    /// A whole-number field; `default` when blank.
    pub fn number(
        &self,
        name: &'static str,
        label: &'static str,
        default: u32,
    ) -> Result<u32, InputError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| InputError {
                name,
                label,
                problem: format!("“{v}”不是整数"),
            }),
        }
    }

    /// The lines of a text field (blank lines dropped).
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .map(|t| {
                t.lines()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Names in a field (commas, 顿号, semicolons or lines between them), and in
    /// repeated fields of that name (a multiple select).
    pub fn names(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in self.all(name) {
            for n in v.split([',', '，', '、', ';', '；', '\n']) {
                let n = n.trim();
                if !n.is_empty() && !out.iter().any(|o| o == n) {
                    out.push(n.to_string());
                }
            }
        }
        out
    }
}

/// `n` working days after `start` on `calendar` (the start day not counted), as
/// the regulations count "…个工作日内".
pub fn working_days_after(calendar: &Calendar, start: Date, n: u32) -> Date {
    calendar
        .add(start, n)
        .map(|r| r.date)
        .expect("workflow dates are far from 9999")
}

/// A deadline a subject waits on, on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline<K> {
    pub what: K,
    pub due: Date,
    /// Working days from today to the due day (0: due today); negative when overdue.
    pub working_days_left: i64,
    pub overdue: bool,
}

impl<K> Deadline<K> {
    /// The deadline `what` due on `due`, as it stands on `today`.
    pub fn on(what: K, due: Date, today: Date, calendar: &Calendar) -> Deadline<K> {
        let left = if due >= today {
            i64::from(calendar.between(today, due).map_or(0, |c| c.days))
        } else {
            -i64::from(calendar.between(due, today).map_or(0, |c| c.days))
        };
        Deadline {
            what,
            due,
            working_days_left: left,
            overdue: today > due,
        }
    }

    /// Overdue, or due within `soon` working days.
    pub fn is_pressing(&self, soon: u32) -> bool {
        self.overdue || self.working_days_left <= i64::from(soon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn forms_read_fields_and_name_the_bad_one() {
        let f = form(&[
            ("a", "  x "),
            ("b", " "),
            ("n", "李四, 王五、李四"),
            ("n", "赵六"),
            ("d", "2025-13-01"),
            ("k", "12"),
        ]);
        let f = Form(&f);
        assert_eq!(f.get("a"), Some("x"));
        assert_eq!(f.get("b"), None);
        assert_eq!(f.names("n"), ["李四", "王五", "赵六"]);
        let e = f.required("b", "理由", "写明理由").unwrap_err();
        assert_eq!(e.to_string(), "理由（字段 b）不能为空：写明理由");
        assert_eq!(e.kind(), RefusalKind::Invalid);
        assert!(f.date("d", "日期", Date::MIN).is_err());
        assert_eq!(f.number("k", "天数", 1), Ok(12));
        assert_eq!(f.number("z", "天数", 7), Ok(7));
    }

    #[test]
    fn deadlines_count_working_days() {
        let c = Calendar::embedded();
        let d = |s: &str| crate::time::parse_date(s).unwrap();
        // 国庆 2025: 10/1–10/8 off, 9/28 and 10/11 worked.
        assert_eq!(working_days_after(&c, d("2025-09-26"), 15), d("2025-10-23"));
        let x = Deadline::on("w", d("2025-10-23"), d("2025-10-20"), &c);
        assert_eq!((x.working_days_left, x.overdue), (3, false));
        assert!(x.is_pressing(5) && !x.is_pressing(2));
        let late = Deadline::on("w", d("2025-10-23"), d("2025-10-27"), &c);
        assert!(late.overdue && late.working_days_left < 0 && late.is_pressing(0));
    }
}
