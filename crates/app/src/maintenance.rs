//! The registry's automatic steps, run by `zhijian serve` at start and then
//! every six hours: Hubei 机构管理办法 第二十条 (reminders 3 months, 1 month and
//! 1 week before a term ends; expiry only after a reminder, "经提醒仍未提交延续
//! 申请的") and 第二十一条 (proposals to cancel a registration idle for a year).

use chrono::NaiveDate;
use store::Store;

/// What one maintenance pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintenance {
    /// Renewal reminders recorded.
    pub reminded: u64,
    /// Registrations expired (each after a recorded reminder).
    pub expired: u64,
    /// Registrations proposed for cancellation for dormancy.
    pub proposed: usize,
}

/// Runs the registry's steps for `today`, as the platform (`system`): reminders
/// first, so that a registration reminded today is not expired without one.
pub async fn registry(store: &Store, today: NaiveDate) -> store::Result<Maintenance> {
    let reminded = store.send_renewal_reminders("system", today).await?;
    let expired = store.expire_due("system", today).await?;
    let proposed = store.propose_cancellations("system", today).await?.len();
    Ok(Maintenance {
        reminded,
        expired,
        proposed,
    })
}
