//! The life of a registration: 延续, 到期, 拟取消/撤回/取消 (公示), 暂停, 恢复, 终止 —
//! each one transaction with its event.

use super::*;
use domain::registration::AssessmentConfirmation;

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

    /// 到期自动取消备案资质 (第二十条): every registration (active or suspended)
    /// past its `expires_on` becomes `terminated` from the day after, with one
    /// `expire` event; returns how many. Idempotent: an expired registration is
    /// terminated and not seen again.
    pub async fn expire_due(&self, by: &str, today: NaiveDate) -> Result<u64> {
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let due = fetch_institutions(
                &mut w,
                "status IN ('active', 'suspended') AND expires_on < $1",
                &[Value::Date(today)],
            )
            .await?;
            for i in &due {
                let after = Institution {
                    status: RegistrationStatus::Terminated,
                    status_since: Some(day_after(i.expires_on)),
                    ..i.clone()
                };
                write_status(&mut w, &after).await?;
                record(&mut w, NewEvent {
                    institution_id: &i.institution_id,
                    at: midnight(today),
                    by,
                    action: Action::Expire,
                    reason: Some("第二十条: 评价机构经提醒仍未提交延续申请的,到期自动取消备案资质"),
                    before: Some(status_json(i)),
                    after: Some(status_json(&after)),
                })
                .await?;
            }
            Ok(due.len() as u64)
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
