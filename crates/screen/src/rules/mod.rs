//! The screening rules, one module per family. Each rule is a small pure function
//! over the [`Ctx`](crate::Ctx) with its identifier, the finding kinds it reports, the
//! tables it needs and the regulation text it enforces.

pub mod access;
pub mod activity;
pub mod certificates;
pub mod cheating;
pub mod complaints;
pub mod eligibility;
pub mod filing;
pub mod process;
pub mod promotion;
pub mod scope;
pub mod scores;
pub mod staff;
pub mod upload;

use crate::engine::{Detector, Rule};

/// The rule families, in report order.
static FAMILIES: &[&[Rule]] = &[
    eligibility::RULES,
    scope::RULES,
    process::RULES,
    staff::RULES,
    filing::RULES,
    scores::RULES,
    promotion::RULES,
    activity::RULES,
    complaints::RULES,
    cheating::RULES,
    certificates::RULES,
    access::RULES,
    upload::RULES,
];

/// Every builtin rule, in report order.
pub fn all() -> Vec<&'static Rule> {
    FAMILIES.iter().flat_map(|f| f.iter()).collect()
}

/// Every builtin rule as a detector, followed by the statistical detectors of item
/// 11 ([`crate::forensics::detectors`]): what [`crate::screen`] runs.
pub fn detectors() -> Vec<&'static dyn Detector> {
    all()
        .into_iter()
        .map(|r| r as &dyn Detector)
        .chain(crate::forensics::detectors())
        .collect()
}

/// Formats a date-time for messages: `2024-05-01 09:00`.
pub(crate) fn dt(t: &domain::DateTime) -> String {
    domain::time::format_datetime(t)
}
