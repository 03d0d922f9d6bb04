//! The moves of a case: [`Store::act_on_case`] reads the case and what the move
//! needs, asks the domain for the outcome and records it, in one transaction;
//! one method per move gives the tests and the CLI a typed call. Opening a case
//! and declaring a conflict of interest (which withdraws the investigator from
//! every open case of the institution) are here too.

use super::facts::read_facts;
use super::{Stored, guard, in_scope, institution_name, load, refused, side, text};
use crate::Store;
use crate::error::{Error, Result};
use crate::tx::{Writer, fetch_one, in_transaction};
use crate::value::Value;
use crate::workflow::{Applied, StoredEffect, append_entry, record_outcome};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use domain::access::DataScope;
use domain::case::{
    Action, Amendment, AttachmentKind, Case, CaseRecord, CaseRefusal, CaseState, Command, Document,
    FindingOwner, Issuer, MajorGround, NewCase, Now, Party, Proposal, ReviewOutcome, Side,
    StatementAdoption,
};
use domain::ids::InstitutionId;
use domain::rulebook::Rulebook;

/// What a move did: the case after it, the documents it issued, and what was
/// written besides ([`Applied`]: effects applied or undone, ids of new rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    pub case: Case,
    pub documents: Vec<Document>,
    pub applied: Applied,
}

impl Store {
    /// Makes `command` on case `id` for a caller with `scope` (the party's side
    /// for an institution's own account), by `by` at `now`: the case must be in
    /// scope; the domain decides ([`Case::act`]) and the whole outcome is recorded
    /// in one transaction, or nothing is. `book` is the rulebook of a proposal
    /// (the store's, [`Store::case_rulebook`], when `None`).
    ///
    /// A conflict of interest is declared for the case's institution
    /// ([`Store::declare_conflict`]).
    pub async fn act_on_case(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        command: Command,
        book: Option<&Rulebook>,
    ) -> Result<Moved> {
        if let Command::DeclareConflict {
            investigator,
            reason,
        } = &command
        {
            let institution = in_transaction!(read self, w => guard(&mut w, scope, id).await?.case.institution_id);
            self.declare_conflict(scope, by, now, investigator, &institution, reason)
                .await?;
            let case = in_transaction!(read self, w => guard(&mut w, scope, id).await?.case);
            return Ok(Moved {
                case,
                documents: Vec::new(),
                applied: Applied::default(),
            });
        }
        let calendar = self.calendar().await?;
        let procedure = self.case_procedure().await?;
        let book = match (command.kind().needs().rulebook, book) {
            (false, _) => None,
            (true, Some(b)) => Some(b.clone()),
            (true, None) => Some(self.case_rulebook().await?),
        };
        let today = now.date();
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let s = guard(&mut w, scope, id).await?;
            let facts = read_facts(&mut w, &s, &command, book, today).await?;
            let at = Now { today, calendar: &calendar, procedure: &procedure };
            let outcome = s.case.act(side(scope), command, &facts, &at).map_err(refused)?;
            let applied = record_outcome(&mut w, &outcome, now, by).await?;
            let documents = outcome
                .records
                .iter()
                .filter_map(|r| match r {
                    CaseRecord::Document { body, .. } => Some(body.clone()),
                    _ => None,
                })
                .collect();
            Moved { case: outcome.subject, documents, applied }
        }))
    }

    /// [`Store::act_on_case`] with the store's rulebook.
    async fn act(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        command: Command,
    ) -> Result<Moved> {
        self.act_on_case(scope, by, now, id, command, None).await
    }

    /// 立案: opens a case (线索) against `new.party` and returns its id. The case's
    /// number is `{year}-{nnnn}`, per year of `now`.
    ///
    /// From findings: every finding must exist ([`Error::NoSuchFinding`]) and concern
    /// the party at the case's institution ([`CaseRefusal::FindingOfAnotherParty`]).
    /// Refused: an institution out of the caller's scope, and any institution's own
    /// account ([`Error::Forbidden`]); an unregistered institution
    /// ([`Error::NoSuchInstitution`]).
    pub async fn open_case(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        new: &NewCase,
    ) -> Result<i64> {
        if side(scope) == Side::Party {
            return Err(Error::Forbidden("案件由监管部门立案（第十七条）".into()));
        }
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            let mut owners = Vec::new();
            let finding_ids = match &new.source {
                domain::case::Source::Findings(ids) => ids.clone(),
                _ => Vec::new(),
            };
            for id in &finding_ids {
                let owner: Option<(Option<String>, Option<String>, Option<String>)> = fetch_one(
                    &mut w,
                    "SELECT institution_id, candidate_id, person_id FROM findings WHERE finding_id = $1".into(),
                    &[Value::Int(*id)],
                )
                .await?;
                let Some((institution_id, candidate_id, person_id)) = owner else {
                    return Err(Error::NoSuchFinding(*id));
                };
                owners.push(FindingOwner { finding_id: *id, institution_id, candidate_id, person_id });
            }
            let institution = new.institution().cloned();
            if let Some(i) = &institution {
                let Some(name) = institution_name(&mut w, i).await? else {
                    return Err(Error::NoSuchInstitution(i.to_string()));
                };
                if !in_scope(&mut w, scope, i).await? {
                    return Err(Error::Forbidden("该机构不在您的管辖范围内（谁备案谁监管）".into()));
                }
                let year = now.date().year();
                let (last,) = fetch_one::<(Option<i64>,), _>(
                    &mut w,
                    "SELECT MAX(CAST(SUBSTR(number, 6) AS BIGINT)) FROM cases WHERE number LIKE $1".into(),
                    &[text(format!("{year}-%"))],
                )
                .await?
                .unwrap_or((None,));
                let number = format!("{year}-{:04}", last.unwrap_or(0) + 1);
                let party_name = match &new.party {
                    Party::Institution(_) => name,
                    Party::Candidate { name, .. } | Party::Staff { name, .. } => name.clone(),
                };
                let entry = new.open(&number, &party_name, &owners).map_err(refused)?;
                let case_id = w
                    .insert_returning(
                        "INSERT INTO cases (number, party_kind, party_id, party_name, institution_id, \
                         source_kind, source_detail, summary, state, major, opened_at, opened_by, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'lead', FALSE, $9, $10, $9) RETURNING case_id",
                        &[
                            text(number.as_str()),
                            text(new.party.kind().code()),
                            text(new.party.id()),
                            text(party_name.as_str()),
                            text(i.as_str()),
                            text(new.source.kind().code()),
                            new.source.detail().map_or(Value::Null, text),
                            text(new.summary.trim()),
                            Value::DateTime(now),
                            text(by),
                        ],
                    )
                    .await?;
                for f in &finding_ids {
                    w.execute(
                        "INSERT INTO case_findings (case_id, finding_id) VALUES ($1, $2)".into(),
                        &[Value::Int(case_id), Value::Int(*f)],
                    )
                    .await?;
                }
                append_entry(&mut w, "case_events", "case_id", case_id, now, by, entry.action.code(), None, &entry.before, &entry.after).await?;
                case_id
            } else {
                // No institution: the domain says what is missing.
                return Err(refused(new.open("", "", &owners).err().unwrap_or(
                    CaseRefusal::ReasonRequired { what: "违纪违规发生的机构" },
                )));
            }
        }))
    }

    /// 申报利害关系 (第十八条 "应当主动回避"): records that `investigator` has a conflict of
    /// interest with `institution_id`, and withdraws them from that institution's open
    /// cases (each withdrawal in its case file). Returns the conflict's id.
    pub async fn declare_conflict(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        investigator: &str,
        institution_id: &InstitutionId,
        reason: &str,
    ) -> Result<i64> {
        if side(scope) == Side::Party {
            return Err(Error::Forbidden(
                "利害关系向监管部门申报（第十八条）".into(),
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(refused(CaseRefusal::ReasonRequired {
                what: "申报利害关系",
            }));
        }
        let investigator = investigator.trim();
        let calendar = self.calendar().await?;
        let procedure = self.case_procedure().await?;
        let at = Now {
            today: now.date(),
            calendar: &calendar,
            procedure: &procedure,
        };
        Ok(in_transaction!(self, w => {
            self.cases_lock(&mut w).await?;
            if institution_name(&mut w, institution_id).await?.is_none() {
                return Err(Error::NoSuchInstitution(institution_id.to_string()));
            }
            if !in_scope(&mut w, scope, institution_id).await? {
                return Err(Error::Forbidden("该机构不在您的管辖范围内（谁备案谁监管）".into()));
            }
            let conflict_id = w
                .insert_returning(
                    "INSERT INTO case_conflicts (investigator, institution_id, reason, declared_at, declared_by) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING conflict_id",
                    &[text(investigator), text(institution_id.as_str()), text(reason), Value::DateTime(now), text(by)],
                )
                .await?;
            let open: Vec<(i64,)> = w
                .fetch_as(
                    "SELECT v.case_id FROM case_investigators v JOIN cases c ON c.case_id = v.case_id \
                     WHERE v.investigator = $1 AND v.removed_at IS NULL AND c.institution_id = $2 \
                     AND c.state NOT IN ('closed', 'dropped') ORDER BY v.case_id"
                        .into(),
                    &[text(investigator), text(institution_id.as_str())],
                )
                .await?;
            for (case_id,) in open {
                let Some(Stored { case, .. }) = load(&mut w, case_id).await? else { continue };
                let withdraw = Command::Withdraw { investigator: investigator.into(), reason: reason.into() };
                let outcome = case
                    .act(Side::Authority, withdraw, &Default::default(), &at)
                    .map_err(refused)?;
                record_outcome(&mut w, &outcome, now, by).await?;
            }
            conflict_id
        }))
    }

    /// 指派调查人员 (第十七条): adds investigators (account user names, or names of
    /// outside experts) and moves a 线索 to 核查. Refused (第十八条): someone with a
    /// declared conflict with the case's institution, an account of that institution,
    /// someone recused from the case.
    pub async fn assign_investigators(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        names: &[String],
    ) -> Result<()> {
        let investigators = names
            .iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        self.act(scope, by, now, id, Command::Assign { investigators })
            .await?;
        Ok(())
    }

    /// 申请回避 (第十八条 "当事人可申请其回避"): the party (or an official for it) asks
    /// that a current investigator be recused; decided by [`Store::decide_recusal`].
    /// Returns the request's id.
    pub async fn request_recusal(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        investigator: &str,
        reason: &str,
    ) -> Result<i64> {
        let m = self
            .act(
                scope,
                by,
                now,
                id,
                Command::RecusalRequest {
                    investigator: investigator.trim().into(),
                    reason: reason.into(),
                },
            )
            .await?;
        Ok(m.applied.id("recusal_id").unwrap_or_default())
    }

    /// 回避决定: grants (the investigator leaves the case and cannot be assigned to it
    /// again) or refuses (with a reason) a pending recusal request.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_recusal(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        recusal_id: i64,
        grant: bool,
        reason: &str,
    ) -> Result<()> {
        let command = Command::DecideRecusal {
            recusal_id,
            grant,
            reason: reason.into(),
        };
        self.act(scope, by, now, id, command).await?;
        Ok(())
    }

    /// 拟处理: the rulebook's proposal from the case's findings (the gravest entry,
    /// escalated on an earlier serious sanction of the institution), or, with
    /// `amendment`, the official's change of it (the reason mandatory and kept; a
    /// case without findings needs one). A 特别严重 proposal marks the case 评价要情
    /// (第二十条). Returns the proposal.
    pub async fn propose(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        book: &Rulebook,
        amendment: Option<&Amendment>,
    ) -> Result<Proposal> {
        let command = Command::Propose {
            amendment: amendment.cloned(),
        };
        let m = self
            .act_on_case(scope, by, now, id, command, Some(book))
            .await?;
        Ok(m.case.proposal.expect("a proposal was made"))
    }

    /// 告知: issues the 告知书 of the current proposal (numbered in the issuer's
    /// yearly sequence) and opens the statement period. Returns the document.
    pub async fn notify(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        issuer: &Issuer,
    ) -> Result<Document> {
        let issuer = issuer.clone();
        document(
            self.act(scope, by, now, id, Command::Notify { issuer })
                .await?,
        )
    }

    /// 陈述申辩 (第十八条): the party's statement on the notice, from the institution's
    /// own account or recorded by an official; one after the deadline is kept and
    /// marked late. Returns its id.
    pub async fn submit_statement(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        statement: &str,
    ) -> Result<i64> {
        let text = statement.into();
        let m = self
            .act(scope, by, now, id, Command::Statement { text })
            .await?;
        Ok(m.applied.id("statement_id").unwrap_or_default())
    }

    /// 整改报告: the institution's rectification report (its own account, or recorded
    /// by an official); one after the deadline is kept and marked late.
    pub async fn submit_rectification(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        report: &str,
    ) -> Result<i64> {
        let text = report.into();
        let m = self
            .act(scope, by, now, id, Command::RectificationReport { text })
            .await?;
        Ok(m.applied.id("statement_id").unwrap_or_default())
    }

    /// 处理决定: decides as proposed (after the statement period, or once a statement
    /// is in) and issues the 处理决定书. Once the party has stated and defended,
    /// `adoption` says whether its statement is adopted (采纳, 部分采纳, 不予采纳) and
    /// why, recorded with the decision and stated in it (refused without). A
    /// changed outcome is first proposed (and notified) again. Returns the document.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        issuer: &Issuer,
        adoption: Option<(StatementAdoption, &str)>,
    ) -> Result<Document> {
        let command = Command::Decide {
            issuer: issuer.clone(),
            adoption: adoption.map(|(a, _)| a),
            adoption_reason: adoption.map(|(_, r)| r.to_string()).unwrap_or_default(),
        };
        document(self.act(scope, by, now, id, command).await?)
    }

    /// 送达: records the day the decision was served (第十八条 "以书面形式送达"), from
    /// which the review window of 第十九条 runs.
    pub async fn record_service(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        on: NaiveDate,
    ) -> Result<()> {
        self.act(scope, by, now, id, Command::Serve { on }).await?;
        Ok(())
    }

    /// 申请复核 (第十九条): a review request filed on `on` (by the party's account, or
    /// recorded by an official), with its grounds. Refused when filed after the
    /// window ([`CaseRefusal::ReviewLate`] names the last day), or a second time.
    /// Returns the day the review decision is due.
    #[allow(clippy::too_many_arguments)]
    pub async fn request_review(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        on: NaiveDate,
        grounds: &str,
    ) -> Result<NaiveDate> {
        let command = Command::ReviewRequest {
            on,
            grounds: grounds.into(),
        };
        let m = self.act(scope, by, now, id, command).await?;
        Ok(m.case.review.expect("a review was requested").due)
    }

    /// 延长复核期限 (第十九条 "特殊情况可延长10个工作日,并书面告知申请人"): once, with a
    /// reason, before the decision is due. Returns the new due date.
    pub async fn extend_review(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        reason: &str,
    ) -> Result<NaiveDate> {
        let command = Command::ExtendReview {
            reason: reason.into(),
        };
        let m = self.act(scope, by, now, id, command).await?;
        Ok(m.case.review.expect("in review").due)
    }

    /// 复核决定 (第十九条), with the 复核决定书: uphold (back to where the case was),
    /// change (the effects rolled back, the decision replaced by `changed` —
    /// required — to be executed again) or annul (the effects rolled back, the case
    /// closed). Returns the document.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_review(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        outcome: ReviewOutcome,
        reason: &str,
        changed: Option<&Amendment>,
        issuer: &Issuer,
    ) -> Result<Document> {
        let command = Command::DecideReview {
            outcome,
            reason: reason.into(),
            changed: changed.cloned(),
            issuer: issuer.clone(),
        };
        document(self.act(scope, by, now, id, command).await?)
    }

    /// 执行处理决定: applies the served decision ([`domain::case::effects::execution`])
    /// and records every change in `case_effects` with its before and after: the
    /// registration suspended or terminated (with its registration event),
    /// certificates voided or revoked, a candidate's bar, a staff member's card
    /// ended, the bad-credit record, the constraint measures, and for an institution
    /// the `sanctions` row screening's escalation reads. With 限期整改 the case moves
    /// to 整改 with its deadline in working days; otherwise to 执行. Returns the
    /// effects.
    pub async fn execute_decision(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
    ) -> Result<Vec<StoredEffect>> {
        let m = self.act(scope, by, now, id, Command::Execute).await?;
        Ok(m.applied.effects)
    }

    /// 整改验收: accepted — the suspension this case applied is lifted (an effect and
    /// a `reinstate` registration event) and the case closed (not while the review
    /// window is open); rejected (with a reason; possible without a report once the
    /// deadline has passed) — 第十四条(七) "已被警告,整改后再次违反": a new proposal
    /// of 终止备案, to be notified and decided again; the case becomes 评价要情.
    /// Returns the state it moved to.
    #[allow(clippy::too_many_arguments)]
    pub async fn check_rectification(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        accepted: bool,
        reason: &str,
        book: &Rulebook,
    ) -> Result<CaseState> {
        let command = Command::CheckRectification {
            accepted,
            reason: reason.into(),
        };
        let m = self
            .act_on_case(scope, by, now, id, command, Some(book))
            .await?;
        Ok(m.case.state)
    }

    /// 结案: closes an executed case without rectification, once the review window
    /// has passed.
    pub async fn close_case(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        note: &str,
    ) -> Result<()> {
        let note = note.into();
        self.act(scope, by, now, id, Command::Close { note })
            .await?;
        Ok(())
    }

    /// 不予处理: closes a case after 核查 without a sanction, with the reason.
    pub async fn drop_case(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        reason: &str,
    ) -> Result<()> {
        let reason = reason.into();
        self.act(scope, by, now, id, Command::Drop { reason })
            .await?;
        Ok(())
    }

    /// 评价要情 (第二十条): marks the case major with its ground; major cases are
    /// listed for every level above up to the province ([`Store::major_cases`]).
    pub async fn mark_major(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        ground: MajorGround,
        note: &str,
    ) -> Result<()> {
        let note = note.into();
        self.act(scope, by, now, id, Command::MarkMajor { ground, note })
            .await?;
        Ok(())
    }

    /// Attaches evidence or an on-site record (an official's act). An on-site record of
    /// a candidate's violation needs 2 or more signers (第十五条). Returns its id.
    #[allow(clippy::too_many_arguments)]
    pub async fn attach(
        &self,
        scope: &DataScope,
        by: &str,
        now: NaiveDateTime,
        id: i64,
        kind: AttachmentKind,
        file_name: &str,
        content: &[u8],
        signers: &[String],
        note: &str,
    ) -> Result<i64> {
        let command = Command::Attach {
            kind,
            file_name: file_name.into(),
            content: content.to_vec(),
            signers: signers.to_vec(),
            note: note.into(),
        };
        let m = self.act(scope, by, now, id, command).await?;
        Ok(m.applied.id("attachment_id").unwrap_or_default())
    }
}

/// The document a move issued.
fn document(m: Moved) -> Result<Document> {
    m.documents.into_iter().next().ok_or(Error::CaseRefused {
        reason: CaseRefusal::NotPossible {
            state: m.case.state,
            action: Action::Notify,
        },
    })
}
