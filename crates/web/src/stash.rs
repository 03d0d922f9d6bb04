//! Search terms that must not travel in links: a query by ID number is posted,
//! kept here under a random token bound to the account that posted it, and the
//! pages' links (pager, 导出, the full view) carry only the token. So an ID number
//! never appears in a URL, a browser's history, a proxy's log or a page.
//!
//! Bounded (the oldest entries go first) and short-lived: a token is good for
//! [`STASH_MINUTES`] and only for its account.

use chrono::{Duration, NaiveDateTime};
use std::collections::VecDeque;
use std::sync::Mutex;

/// How long a stashed search stays usable.
pub const STASH_MINUTES: i64 = 30;
/// How many searches are kept at most (all accounts together).
const CAPACITY: usize = 4096;

#[derive(Debug)]
struct Stashed {
    token: String,
    account_id: i64,
    value: String,
    at: NaiveDateTime,
}

/// The stash: tokens to values, per account.
#[derive(Debug, Default)]
pub struct Stash {
    entries: Mutex<VecDeque<Stashed>>,
}

impl Stash {
    /// Keeps `value` for `account_id`; returns the token that names it.
    pub fn put(&self, account_id: i64, value: String, now: NaiveDateTime) -> Option<String> {
        let token = store::accounts::random_token().ok()?;
        let mut e = self.entries.lock().ok()?;
        while e.len() >= CAPACITY {
            e.pop_front();
        }
        e.push_back(Stashed {
            token: token.clone(),
            account_id,
            value,
            at: now,
        });
        Some(token)
    }

    /// The value `token` names, if it is `account_id`'s and still fresh.
    pub fn get(&self, account_id: i64, token: &str, now: NaiveDateTime) -> Option<String> {
        let e = self.entries.lock().ok()?;
        e.iter()
            .rev()
            .find(|s| s.token == token)
            .filter(|s| {
                s.account_id == account_id && now - s.at <= Duration::minutes(STASH_MINUTES)
            })
            .map(|s| s.value.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_its_accounts_and_expires() {
        let s = Stash::default();
        let t0 = chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let token = s.put(7, "11010519491231002X".into(), t0).unwrap();
        assert_eq!(s.get(7, &token, t0).as_deref(), Some("11010519491231002X"));
        assert_eq!(s.get(8, &token, t0), None, "another account");
        assert_eq!(
            s.get(7, &token, t0 + Duration::minutes(31)),
            None,
            "expired"
        );
        assert_eq!(s.get(7, "forged", t0), None);
    }
}
