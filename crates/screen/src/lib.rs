//! 数字化监测 / 大数据比对: the screening engine.
//!
//! It reads an indexed [`Dataset`](domain::model::Dataset) and reports what breaks the
//! rules of ../shared/spec/screening.md as [`Finding`]s, classified by a
//! [`Rulebook`](domain::rulebook::Rulebook) (guide item, severity, disposition, legal
//! basis), and ranks institutions into the 风险清单 ([`risk`]).
//!
//! Invariants:
//! - every rule is a pure function of the dataset and the [`Ctx`] (as-of date, window,
//!   rulebook policy, norms); rules never classify, the engine does, from the rulebook;
//! - a rule runs only when every table it needs is present; otherwise the report says
//!   which table is missing;
//! - the output is deterministic: findings are de-duplicated per (rule, subject) and
//!   sorted by item, rule and subject;
//! - every pass is O(n log n) or better: tables are grouped by batch once ([`Index`]),
//!   per-batch work runs in parallel (rayon).
//!
//! The statistical detectors of item 11 ([`forensics`]) are further [`Detector`]s,
//! run by default with the rules.

pub mod context;
pub mod engine;
pub mod finding;
pub mod forensics;
pub mod norms;
pub mod output;
pub mod risk;
pub mod rules;

pub use context::{BatchView, Ctx, Index, Scored};
pub use engine::{
    Bar, Detector, KindStatus, Options, Rule, Screening, Suspension, kind_statuses, screen,
    screen_with,
};
pub use finding::{Classification, Finding, Hit};
pub use norms::Norms;
pub use risk::{RiskRow, risk_list};
