//! The small state carried from chunk to chunk: identity numbers in use, the pool of
//! certificate holders who may come back for the next level, batch-number counters,
//! the papers, counters for card and complaint numbers, and a reservoir of other
//! institutions' certificate numbers (for the access-log injection).

use super::exam::Papers;
use super::people::{IdAllocator, Pool};
use super::region::City;
use domain::ids::InstitutionId;
use domain::{CertNo, Date, RegionCode};
use std::collections::BTreeMap;

/// Cross-chunk generation state.
pub struct Ctx {
    pub seed: u64,
    pub rate: f64,
    /// Parameters of the statistical injections (and which kinds are injected).
    pub stats: super::inject_stats::StatsParams,
    pub as_of: Date,
    pub window_from: Date,
    /// The two-digit province prefix (42).
    pub prov2: String,
    pub cities: Vec<City>,
    pub ids: IdAllocator,
    pub pool: Pool,
    /// Next batch sequence per (city, start date).
    pub batch_seq: BTreeMap<(RegionCode, Date), u16>,
    pub papers: Papers,
    /// Papers-table rows first used in the current chunk.
    pub new_papers: Vec<domain::model::Paper>,
    pub next_card: u32,
    pub next_complaint: u32,
    pub next_legacy: u64,
    /// Whether some institution already has a past sanction (one is always made).
    pub sanctioned: bool,
    /// Certificate numbers of institutions already generated.
    pub reservoir: Vec<(CertNo, InstitutionId)>,
    /// Every registered institution id, in generation order.
    pub inst_ids: Vec<InstitutionId>,
    /// The statutory working-day calendar (built in).
    pub calendar: domain::workdays::Calendar,
    /// The longest deadline for the supervision record any rulebook sets, in
    /// working days after the activity (青海 第十七条: 2): a missing record is only
    /// injected where it is overdue under every rulebook.
    pub record_working_days: u32,
}

impl Ctx {
    /// Whether a missing supervision record of an activity ending on `end` is
    /// overdue on the as-of date under every builtin rulebook.
    pub fn record_overdue(&self, end: Date) -> bool {
        self.calendar
            .add(end, self.record_working_days)
            .is_ok_and(|due| due.date < self.as_of)
    }
}

impl Ctx {
    /// A new examiner or supervisor card number: prefix (KP 考评员, NB 内督, WB 外督),
    /// province and an eight-digit serial.
    pub fn card(&mut self, prefix: &str) -> String {
        self.next_card += 1;
        format!(
            "{prefix}{}{:08}",
            self.prov2,
            20_000_000 + self.next_card * 7
        )
    }

    /// The next batch number `B{city}{yyyymmdd}{nnn}`.
    pub fn batch_id(&mut self, city: RegionCode, start: Date) -> String {
        let n = self.batch_seq.entry((city, start)).or_insert(0);
        *n += 1;
        // 990..999 are kept free for numbers that must not exist (an injection).
        let seq = if *n >= 990 {
            u32::from(*n) + 10
        } else {
            u32::from(*n)
        };
        format!("B{}{}{:03}", city.as_str(), start.format("%Y%m%d"), seq)
    }
}

/// A batch number that no batch will ever carry (sequence 990..999 is never issued).
pub fn phantom_batch_id(city: RegionCode, start: Date, k: u16) -> String {
    format!(
        "B{}{}{:03}",
        city.as_str(),
        start.format("%Y%m%d"),
        990 + k % 10
    )
}
