//! 有组织舞弊 and 评价结果真实性 in the statistics (guide item 11): detectors that
//! see what no single row shows, explain themselves and stay quiet on honest data.
//!
//! - [`similarity`]: pairs of candidates of one theory session sharing far more
//!   identical wrong answers than independent work allows (exact Poisson-binomial
//!   tail, Bonferroni over every pair screened), joined into clusters;
//! - [`distribution`]: per batch, scores heaped just above the pass mark (exact
//!   test against the reference rate of other batches), abnormally small spread
//!   (lower tail against same-size resamples of other batches), pass rates far above
//!   the occupation × level baseline (beta-binomial, Benjamini–Hochberg);
//! - [`examiners`]: skill examiners whose candidates pass far more often than their
//!   co-examiners' candidates of the same batches and theory band, or whose marks
//!   concentrate on a few values.
//!
//! Every finding's evidence names the test, the statistic, the p-value (raw and,
//! where a multiple-testing procedure applies, adjusted), the threshold and the
//! evidence rows. Thresholds come from the rulebook's `[forensics]` section
//! ([`domain::rulebook::Forensics`]). [`stats`] holds the numerical functions.
//!
//! The detectors are kept out of [`crate::rules::all`] (the row-by-row rules) and
//! joined to them in [`crate::rules::detectors`], which is what [`crate::screen`] runs.

pub mod distribution;
pub mod examiners;
pub mod similarity;
pub mod stats;

use crate::engine::Detector;

/// The statistical detectors of item 11, in report order.
pub fn detectors() -> Vec<&'static dyn Detector> {
    vec![
        &similarity::DETECTOR,
        &distribution::DETECTOR,
        &examiners::DETECTOR,
    ]
}

/// A p-value for messages: `3.2e-9`, or `0.012`.
pub(crate) fn fmt_p(p: f64) -> String {
    if p == 0.0 {
        "<1e-300".into()
    } else if p < 1e-3 {
        format!("{p:.1e}")
    } else {
        format!("{p:.3}")
    }
}

/// A p-value for evidence: finite, 3 significant digits.
pub(crate) fn round_p(p: f64) -> f64 {
    if p <= 0.0 || !p.is_finite() {
        return p.max(0.0);
    }
    format!("{p:.2e}").parse().unwrap_or(p)
}

/// Rounds to `d` decimals for evidence.
pub(crate) fn round(x: f64, d: i32) -> f64 {
    let f = 10f64.powi(d);
    (x * f).round() / f
}
