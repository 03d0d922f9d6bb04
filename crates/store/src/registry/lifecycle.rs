//! The life of a registration: 延续, 到期, 拟取消/撤回/取消 (公示), 暂停, 恢复, 终止 —
//! each one transaction with its event.

use super::*;
use domain::registration::{
    AssessmentConfirmation, RENEWAL_WINDOW_MONTHS, ReminderStage, reminder_to_send,
};

impl Store {
    /// 延续备案 (第二十条: "应于有效期满前3个月内向原备案部门提交申请,经评估合格的,
    /// 有效期延长3年"): records the renewal decided on `today`, which must fall in
    /// the window ([`renewal_allowed`]) and rest on an assessment passed on
    /// `assessed_on`, confirmed by `by` ([`AssessmentConfirmation`]: the history
    /// entry states both); returns the new expiry. A registration in 公示 for
    /// cancellation is not renewed until the proposal is withdrawn.
    pub async fn renew(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        today: NaiveDate,
        assessed_on: NaiveDate,
    ) -> Result<NaiveDate> {
        let assessment = AssessmentConfirmation {
            assessed_on,
            confirmed_by: by.to_string(),
        };
        assessment
            .check(today)
            .map_err(|reason| Error::Refused { reason })?;
        let why = assessment.reason_zh();
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            if matches!(c.ending, Some(Ending::Expired)) || c.standing == Standing::Expired {
                return refused(Refusal::Expired { expires_on: c.institution.expires_on });
            }
            c.in_force(Action::Renew)?;
            if let Some(since) = c.proposed_on {
                return refused(Refusal::AlreadyProposed { since });
            }
            let new = renewal_allowed(c.institution.expires_on, today)
                .map_err(|reason| Error::Refused { reason })?;
            let after = Institution { expires_on: new.expires_on, ..c.institution.clone() };
            write_status(&mut w, &after).await?;
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::Renew,
                reason: Some(&why),
                before: Some(status_json(&c.institution)),
                after: Some(status_json(&after)),
            })
            .await?;
            Ok(new.expires_on)
        })
    }

    /// 到期提醒 (第二十条 "评价机构经提醒仍未提交延续申请的,到期自动取消备案资质"):
    /// for every registration in force (active or suspended) not yet expired,
    /// records the reminder due today ([`reminder_to_send`]: 3 months, 1 month, 1
    /// week before it ends), once per stage and expiry; returns how many were
    /// sent. The institution's account sees them on its home page.
    pub async fn send_renewal_reminders(&self, by: &str, today: NaiveDate) -> Result<u64> {
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let horizon = today
                .checked_add_months(chrono::Months::new(RENEWAL_WINDOW_MONTHS + 1))
                .expect("in range");
            let due = fetch_institutions(
                &mut w,
                "status IN ('active', 'suspended') AND expires_on >= $1 AND expires_on <= $2",
                &[Value::Date(today), Value::Date(horizon)],
            )
            .await?;
            let mut sent = 0;
            for i in &due {
                let before: Vec<(ReminderStage,)> = w
                    .fetch_as(
                        "SELECT stage FROM renewal_reminders WHERE institution_id = $1 AND expires_on = $2"
                            .into(),
                        &[text(i.institution_id.as_str()), Value::Date(i.expires_on)],
                    )
                    .await?;
                let before: Vec<ReminderStage> = before.into_iter().map(|(s,)| s).collect();
                if let Some(stage) = reminder_to_send(i.expires_on, today, &before) {
                    w.execute(
                        "INSERT INTO renewal_reminders (institution_id, expires_on, stage, sent_on, by_user) \
                         VALUES ($1, $2, $3, $4, $5)"
                            .into(),
                        &[
                            text(i.institution_id.as_str()),
                            Value::Date(i.expires_on),
                            text(stage.code()),
                            Value::Date(today),
                            text(by),
                        ],
                    )
                    .await?;
                    sent += 1;
                }
            }
            Ok(sent)
        })
    }

    /// The renewal reminders of an institution in scope, newest first.
    pub async fn renewal_reminders(
        &self,
        scope: &DataScope,
        id: &InstitutionId,
    ) -> Result<Vec<Reminder>> {
        in_transaction!(read self, w => {
            guarded(&mut w, scope, id, false).await?;
            w.fetch_as(
                "SELECT stage, expires_on, sent_on FROM renewal_reminders \
                 WHERE institution_id = $1 ORDER BY sent_on DESC, reminder_id DESC"
                    .into(),
                &[text(id.as_str())],
            )
            .await
        })
    }

    /// 到期自动取消备案资质 (第二十条): every registration (active or suspended)
    /// past its `expires_on` **that was reminded** of this expiry
    /// ([`Store::send_renewal_reminders`]) becomes `terminated` from the day after,
    /// with one `expire` event; returns how many. One never reminded is not
    /// cancelled automatically: the article requires the reminder, so it is left
    /// for an official to confirm ([`Store::confirm_expiry`]). Idempotent.
    pub async fn expire_due(&self, by: &str, today: NaiveDate) -> Result<u64> {
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let due = fetch_institutions(
                &mut w,
                &format!("status IN ('active', 'suspended') AND expires_on < $1 AND {REMINDED}"),
                &[Value::Date(today)],
            )
            .await?;
            for i in &due {
                expire(&mut w, i, by, today, "第二十条: 评价机构经提醒仍未提交延续申请的,到期自动取消备案资质").await?;
            }
            Ok(due.len() as u64)
        })
    }

    /// 到期未经提醒: a registration past its expiry that no reminder was recorded
    /// for is cancelled only when an official confirms it (by `by`, with the
    /// reason), with the same `expire` event as the automatic one.
    pub async fn confirm_expiry(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?.to_string();
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let i = guarded(&mut w, scope, id, true).await?;
            let reminded: Option<(i64,)> = fetch_one(
                &mut w,
                "SELECT COUNT(*) FROM renewal_reminders WHERE institution_id = $1 AND expires_on = $2".into(),
                &[text(id.as_str()), Value::Date(i.expires_on)],
            )
            .await?;
            if i.expires_on >= today
                || !matches!(i.status, RegistrationStatus::Active | RegistrationStatus::Suspended)
                || reminded.is_some_and(|(n,)| n > 0)
            {
                return refused(Refusal::NotPossible {
                    standing: Standing::derive(&i, None, None, today),
                    action: Action::Expire,
                });
            }
            let text = format!("第二十条: 到期未提交延续申请；平台未记录到期提醒，经人工确认取消备案资质：{why}");
            expire(&mut w, &i, by, today, &text).await?;
            Ok(())
        })
    }

    /// 拟取消备案 (第二十一条: "一年内无正当理由不开展评价工作的,经人社部门公示后
    /// 取消备案资质"): proposes the cancellation of every active registration in
    /// force, registered more than a year ago, without an evaluation activity
    /// (batch start) in the past year ([`is_dormant`]) and not already proposed;
    /// returns their ids. The proposal is what is published (公示); it ends with
    /// [`Store::withdraw_proposal`] (正当理由) or [`Store::cancel`].
    pub async fn propose_cancellations(
        &self,
        by: &str,
        today: NaiveDate,
    ) -> Result<Vec<InstitutionId>> {
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let Some(year_ago) = today.checked_sub_months(domain::registration::DORMANCY) else {
                return Ok(Vec::new());
            };
            let candidates = fetch_institutions(
                &mut w,
                "status = 'active' AND expires_on >= $1 AND registered_on <= $2",
                &[Value::Date(today), Value::Date(year_ago)],
            )
            .await?;
            let last = last_starts(&mut w, &DataScope::Everything, None, today).await?;
            let pending = lifecycles(&mut w, None).await?;
            let mut proposed = Vec::new();
            for i in candidates {
                let last_activity = last.get(i.institution_id.as_str()).copied();
                let in_publicity = pending
                    .get(i.institution_id.as_str())
                    .is_some_and(|(_, p)| p.is_some());
                if in_publicity || !is_dormant(last_activity, i.registered_on, today) {
                    continue;
                }
                record(&mut w, NewEvent {
                    institution_id: &i.institution_id,
                    at: midnight(today),
                    by,
                    action: Action::ProposeCancel,
                    reason: Some("第二十一条: 一年内无正当理由不开展评价工作,经公示后取消备案资质"),
                    before: None,
                    after: Some(json!({
                        "last_activity": last_activity.map(|d| d.to_string()),
                        "registered_on": i.registered_on.to_string(),
                        "proposed_on": today.to_string(),
                    })),
                })
                .await?;
                proposed.push(i.institution_id);
            }
            Ok(proposed)
        })
    }

    /// 撤回拟取消: the 公示 brought out a good reason (正当理由); the pending
    /// proposal ends and the registration stays.
    pub async fn withdraw_proposal(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            let Some(since) = c.proposed_on else {
                return refused(Refusal::NoProposal);
            };
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::WithdrawProposal,
                reason: Some(why),
                before: Some(json!({"proposed_on": since.to_string()})),
                after: None,
            })
            .await?;
        });
        Ok(())
    }

    /// 取消备案资质 (第二十一条), after the 公示 of a pending proposal: status
    /// `terminated` from today, and the credit code barred from registering again
    /// until [`reapply_from`]`(today)` ("三年内不允许再申报备案").
    pub async fn cancel(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force(Action::Cancel)?;
            if c.proposed_on.is_none() {
                return refused(Refusal::NoProposal);
            }
            let after = Institution {
                status: RegistrationStatus::Terminated,
                status_since: Some(today),
                ..c.institution.clone()
            };
            write_status(&mut w, &after).await?;
            let until = reapply_from(today);
            w.execute(
                "INSERT INTO registration_bars (credit_code, barred_on, barred_until, institution_id, reason) \
                 VALUES ($1, $2, $3, $4, $5)"
                    .into(),
                &[
                    text(c.institution.credit_code.as_str()),
                    Value::Date(today),
                    Value::Date(until),
                    text(id.as_str()),
                    text(why),
                ],
            )
            .await?;
            let mut after_json = status_json(&after);
            after_json["barred_until"] = json!(until.to_string());
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::Cancel,
                reason: Some(why),
                before: Some(status_json(&c.institution)),
                after: Some(after_json),
            })
            .await?;
        });
        Ok(())
    }

    /// 暂停评价: suspends an active registration from today.
    pub async fn suspend(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.set_status(scope, by, id, why, today, Action::Suspend)
            .await
    }

    /// 恢复评价: ends a suspension from today.
    pub async fn reinstate(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.set_status(scope, by, id, why, today, Action::Reinstate)
            .await
    }

    /// 终止备案 (第二十二条: on request, or for serious violations): status
    /// `terminated` from today. Unlike a cancellation for dormancy it bars nothing.
    pub async fn terminate(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.set_status(scope, by, id, why, today, Action::Terminate)
            .await
    }

    async fn set_status(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        why: &str,
        today: NaiveDate,
        action: Action,
    ) -> Result<()> {
        let why = reason(why)?;
        let (from, to) = match action {
            Action::Suspend => (
                Some(RegistrationStatus::Active),
                RegistrationStatus::Suspended,
            ),
            Action::Reinstate => (
                Some(RegistrationStatus::Suspended),
                RegistrationStatus::Active,
            ),
            _ => (None, RegistrationStatus::Terminated),
        };
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force(action)?;
            if from.is_some_and(|f| f != c.institution.status) {
                return refused(Refusal::NotPossible { standing: c.standing, action });
            }
            let after = Institution {
                status: to,
                status_since: Some(today),
                ..c.institution.clone()
            };
            write_status(&mut w, &after).await?;
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action,
                reason: Some(why),
                before: Some(status_json(&c.institution)),
                after: Some(status_json(&after)),
            })
            .await?;
        });
        Ok(())
    }
}

/// The condition of a registration reminded of its current expiry.
const REMINDED: &str = "EXISTS (SELECT 1 FROM renewal_reminders r \
    WHERE r.institution_id = institutions.institution_id AND r.expires_on = institutions.expires_on)";

/// Terminates `i` from the day after its expiry, with the `expire` event.
async fn expire<W: Writer>(
    w: &mut W,
    i: &Institution,
    by: &str,
    today: NaiveDate,
    why: &str,
) -> Result<()> {
    let after = Institution {
        status: RegistrationStatus::Terminated,
        status_since: Some(day_after(i.expires_on)),
        ..i.clone()
    };
    write_status(w, &after).await?;
    record(
        w,
        NewEvent {
            institution_id: &i.institution_id,
            at: midnight(today),
            by,
            action: Action::Expire,
            reason: Some(why),
            before: Some(status_json(i)),
            after: Some(status_json(&after)),
        },
    )
    .await
}
