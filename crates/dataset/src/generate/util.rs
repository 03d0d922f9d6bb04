//! Small helpers: seeded random streams, weighted choice, normal draws, dates.

use chrono::{Datelike, Duration, Months, NaiveTime, Weekday};
use domain::{Date, DateTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// A random stream derived from the master seed and a tag, independent of the order
/// in which other streams are used (so one institution's data does not depend on how
/// many numbers another drew).
pub fn sub_rng(seed: u64, tag: &str, index: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(hash64(seed, tag.as_bytes(), index))
}

/// FNV-1a over the seed, a tag and an index, finished with a SplitMix64 round.
pub fn hash64(seed: u64, tag: &[u8], index: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed
        .to_le_bytes()
        .iter()
        .chain(tag)
        .chain(index.to_le_bytes().iter())
    {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One element of a non-empty slice.
pub fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// An index drawn with probability proportional to its weight.
pub fn weighted(rng: &mut ChaCha8Rng, weights: impl IntoIterator<Item = f64>) -> usize {
    let w: Vec<f64> = weights.into_iter().collect();
    let total: f64 = w.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, v) in w.iter().enumerate() {
        if x < *v {
            return i;
        }
        x -= v;
    }
    w.len() - 1
}

/// A standard normal draw.
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    StandardNormal.sample(rng)
}

/// `d` plus `n` days (negative allowed).
pub fn days(d: Date, n: i64) -> Date {
    d + Duration::days(n)
}

/// The date and time `h:m` on `d`.
pub fn at(d: Date, h: u32, m: u32) -> DateTime {
    d.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("valid time"))
}

/// `d` plus `n` whole months (clamped to the month's end).
pub fn add_months(d: Date, n: i32) -> Date {
    if n >= 0 {
        d.checked_add_months(Months::new(n as u32))
            .expect("in range")
    } else {
        d.checked_sub_months(Months::new((-n) as u32))
            .expect("in range")
    }
}

/// The last day of a 3-year registration term that starts on `d`.
pub fn term_end(d: Date) -> Date {
    days(add_months(d, 36), -1)
}

/// Whether `d` falls on Saturday or Sunday.
pub fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The first date on or after `d` that is a weekend day (`weekend`) or a weekday.
pub fn next_day_kind(d: Date, weekend: bool) -> Date {
    let mut x = d;
    while is_weekend(x) != weekend {
        x = days(x, 1);
    }
    x
}

/// Whole years between two dates (floor).
pub fn years_between(from: Date, to: Date) -> i32 {
    let mut y = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        y -= 1;
    }
    y
}

/// A time of day during office hours on `d`, minutes past 08:30 up to 17:30.
pub fn office_time(rng: &mut ChaCha8Rng, d: Date) -> DateTime {
    let minutes = rng.random_range(0..540u32);
    at(d, 8 + (30 + minutes) / 60, (30 + minutes) % 60)
}

/// The generator scores every row it writes (absence is a candidate without score
/// rows), so a score row's value is always present.
pub const SCORED: &str = "the generator scores every row it writes";
