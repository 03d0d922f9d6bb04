//! Changes of a registration in force: 备案 (a new registration), 变更基本信息,
//! 增减备案范围, 增减考核场所 — each one transaction with its event.

use super::*;

impl Store {
    /// Serializes registry writes on PostgreSQL (SQLite's write transactions
    /// already are).
    pub(super) async fn registry_lock<W: Writer>(&self, w: &mut W) -> Result<()> {
        if self.backend() == Backend::Postgres {
            w.execute(
                "SELECT pg_advisory_xact_lock($1)".into(),
                &[Value::Int(REGISTRY_LOCK)],
            )
            .await?;
        }
        Ok(())
    }

    /// 备案: registers a new institution on `today` and returns its new id
    /// (`I{city}{nnnn}`, the generator's style). One transaction writes the
    /// institution (status active, registered today, valid through
    /// [`term_end`]`(today)`: 第二十条 "备案有效期为3年"), its scopes (valid from
    /// today), its sites (`{id}-C01`, …) and the `register` event.
    ///
    /// Refused: a region outside the caller's scope ([`Error::Forbidden`]); a
    /// credit code with a registration in force ([`Refusal::AlreadyRegistered`]);
    /// a credit code within 3 years of a cancellation for dormancy (第二十一条,
    /// [`Refusal::Barred`]); a 社评组织 for an occupation of which its city already
    /// has 3 in force (第九条(二)5, [`Refusal::SocialOrgLimit`]).
    pub async fn register(
        &self,
        scope: &DataScope,
        by: &str,
        new: &NewRegistration,
        today: NaiveDate,
    ) -> Result<InstitutionId> {
        if !admits_region(scope, &new.region_code) {
            return Err(Error::Forbidden(format!(
                "所在地区 {} 不在您的管辖范围内",
                new.region_code
            )));
        }
        // 谁备案谁监管: the caller registers only what they will supervise — a
        // 省本级 registration or a 职业资格鉴定机构 (第五条(一)) is the province's.
        let authority = new.authority();
        if !scope.would_supervise(&new.region_code, &authority) {
            return Err(Error::Forbidden(
                "省本级备案及职业资格鉴定机构备案由省级人社部门办理（机构管理办法第五条）".into(),
            ));
        }
        let id = in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let same = fetch_institutions(
                &mut w,
                "credit_code = $1",
                &[text(new.credit_code.as_str())],
            )
            .await?;
            if let Some(i) = same
                .iter()
                .find(|i| i.status != RegistrationStatus::Terminated && i.expires_on >= today)
            {
                return refused(Refusal::AlreadyRegistered {
                    credit_code: new.credit_code,
                    institution_id: i.institution_id.to_string(),
                });
            }
            let bars: Vec<(NaiveDate,)> = w
                .fetch_as(
                    "SELECT barred_on FROM registration_bars WHERE credit_code = $1 ORDER BY barred_on DESC"
                        .into(),
                    &[text(new.credit_code.as_str())],
                )
                .await?;
            for (on,) in bars {
                may_reapply(on, today).map_err(|reason| Error::Refused { reason })?;
            }
            if new.kind == InstitutionKind::SocialOrg {
                let occupations = new.scopes.iter().map(|(o, _)| o.occupation()).collect();
                check_social_org_limit(&mut w, new.city(), &occupations, None, today).await?;
            }
            let id = next_institution_id(&mut w, new.city()).await?;
            let institution = Institution {
                institution_id: id.clone(),
                name: new.name.as_str().into(),
                credit_code: new.credit_code,
                kind: new.kind,
                region_code: new.region_code,
                registered_on: today,
                expires_on: term_end(today),
                status: RegistrationStatus::Active,
                status_since: Some(today),
                employee_count: new.employee_count,
                phone: new.phone.as_deref().map(Text::from),
                registered_by: Some(new.authority()),
            };
            insert_rows(&mut w, std::slice::from_ref(&institution)).await?;
            let scopes: Vec<Scope> = new
                .scopes
                .iter()
                .map(|&(o, l)| scope_row(&id, o, l, today))
                .collect();
            insert_rows(&mut w, &scopes).await?;
            let sites: Vec<Site> = new
                .sites
                .iter()
                .enumerate()
                .map(|(k, s)| site_row(next_site_id(&id, &[], k), &id, s, today))
                .collect();
            insert_rows(&mut w, &sites).await?;
            record(&mut w, NewEvent {
                institution_id: &id,
                at: midnight(today),
                by,
                action: Action::Register,
                reason: None,
                before: None,
                after: Some(json!({
                    "institution": row_json(&institution),
                    "scopes": rows_json(&scopes),
                    "sites": rows_json(&sites),
                })),
            })
            .await?;
            id
        });
        Ok(id)
    }

    /// 变更基本信息 (第十八条): name, public phone, headcount; with a reason.
    pub async fn change_basic(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        info: &BasicInfo,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force(Action::ChangeBasic)?;
            let before = BasicInfo::of(&c.institution);
            if before == *info {
                return refused(Refusal::NothingChanged);
            }
            w.execute(
                "UPDATE institutions SET name = $1, phone = $2, employee_count = $3 WHERE institution_id = $4"
                    .into(),
                &[
                    text(info.name.as_str()),
                    opt_text(info.phone.as_deref()),
                    info.employee_count.map_or(Value::NullInt, |n| Value::Int(i64::from(n))),
                    text(id.as_str()),
                ],
            )
            .await?;
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::ChangeBasic,
                reason: Some(why),
                before: Some(basic_json(&before)),
                after: Some(basic_json(info)),
            })
            .await?;
        });
        Ok(())
    }

    /// 增加备案范围 (第十六条): adds (occupation, level) pairs, valid from today.
    /// A 社评组织 adding an occupation it does not yet hold goes through the city
    /// limit of 第九条(二)5, like a new registration.
    pub async fn add_scope(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        entries: &[(OccupationCode, Level)],
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force(Action::AddScope)?;
            let existing = fetch_scopes(&mut w, id).await?;
            let held: Vec<&Scope> = existing.iter().filter(|s| scope_current(s, today)).collect();
            let mut wanted: Vec<(OccupationCode, Level)> = entries.to_vec();
            wanted.sort();
            wanted.dedup();
            for &(occupation, level) in &wanted {
                if held.iter().any(|s| s.occupation_code == occupation && s.level == level) {
                    return refused(Refusal::ScopeExists { occupation, level });
                }
            }
            if c.institution.kind == InstitutionKind::SocialOrg {
                let new_occupations: BTreeSet<OccupationCode> = wanted
                    .iter()
                    .map(|(o, _)| o.occupation())
                    .filter(|o| !held.iter().any(|s| s.occupation_code.occupation() == *o))
                    .collect();
                let city = c.institution.region_code.city().unwrap_or(c.institution.region_code);
                check_social_org_limit(&mut w, city, &new_occupations, Some(id), today).await?;
            }
            let rows: Vec<Scope> = wanted.iter().map(|&(o, l)| scope_row(id, o, l, today)).collect();
            insert_rows(&mut w, &rows).await?;
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::AddScope,
                reason: Some(why),
                before: None,
                after: Some(rows_json(&rows)),
            })
            .await?;
        });
        Ok(())
    }

    /// 减少备案范围 (第十六条): ends (occupation, level) pairs — their rows get
    /// `valid_to` = yesterday, so from today on they are outside the scope.
    pub async fn remove_scope(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        entries: &[(OccupationCode, Level)],
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force(Action::RemoveScope)?;
            let held: Vec<Scope> = fetch_scopes(&mut w, id)
                .await?
                .into_iter()
                .filter(|s| scope_current(s, today))
                .collect();
            let mut before = Vec::new();
            for &(occupation, level) in entries {
                let rows: Vec<&Scope> = held
                    .iter()
                    .filter(|s| s.occupation_code == occupation && s.level == level)
                    .collect();
                if rows.is_empty() {
                    return refused(Refusal::NoSuchScope { occupation, level });
                }
                if !before.contains(rows[0]) {
                    before.extend(rows.into_iter().cloned());
                }
            }
            let end = day_before(today);
            for &(occupation, level) in entries {
                w.execute(
                    "UPDATE scopes SET valid_to = $1 WHERE institution_id = $2 AND occupation_code = $3 \
                     AND level = $4 AND (valid_to IS NULL OR valid_to >= $5)"
                        .into(),
                    &[
                        Value::Date(end),
                        text(id.as_str()),
                        text(occupation.to_string()),
                        Value::Int(i64::from(level.number())),
                        Value::Date(today),
                    ],
                )
                .await?;
            }
            let after: Vec<Scope> = before
                .iter()
                .cloned()
                .map(|s| Scope { valid_to: Some(end), ..s })
                .collect();
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::RemoveScope,
                reason: Some(why),
                before: Some(rows_json(&before)),
                after: Some(rows_json(&after)),
            })
            .await?;
        });
        Ok(())
    }

    /// 增加考核场所 (第十七条): registers a site today; returns its id.
    pub async fn add_site(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        site: &NewSite,
        why: &str,
        today: NaiveDate,
    ) -> Result<SiteId> {
        let why = reason(why)?;
        let site_id = in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force(Action::AddSite)?;
            let existing = fetch_sites(&mut w, id).await?;
            let row = site_row(next_site_id(id, &existing, 0), id, site, today);
            insert_rows(&mut w, std::slice::from_ref(&row)).await?;
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::AddSite,
                reason: Some(why),
                before: None,
                after: Some(row_json(&row)),
            })
            .await?;
            row.site_id
        });
        Ok(site_id)
    }

    /// 撤销考核场所 (第十七条): the site is revoked from today (`revoked_on`).
    pub async fn revoke_site(
        &self,
        scope: &DataScope,
        by: &str,
        id: &InstitutionId,
        site_id: &SiteId,
        why: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let why = reason(why)?;
        in_transaction!(self, w => {
            self.registry_lock(&mut w).await?;
            let c = current(&mut w, scope, id, true, today).await?;
            c.in_force(Action::RevokeSite)?;
            let Some(before) = fetch_sites(&mut w, id)
                .await?
                .into_iter()
                .find(|s| s.site_id == *site_id && s.revoked_on.is_none_or(|r| r > today))
            else {
                return refused(Refusal::NoSuchSite { site_id: site_id.to_string() });
            };
            w.execute(
                "UPDATE sites SET revoked_on = $1 WHERE site_id = $2 AND institution_id = $3".into(),
                &[Value::Date(today), text(site_id.as_str()), text(id.as_str())],
            )
            .await?;
            let after = Site { revoked_on: Some(today), ..before.clone() };
            record(&mut w, NewEvent {
                institution_id: id,
                at: midnight(today),
                by,
                action: Action::RevokeSite,
                reason: Some(why),
                before: Some(row_json(&before)),
                after: Some(row_json(&after)),
            })
            .await?;
        });
        Ok(())
    }
}
