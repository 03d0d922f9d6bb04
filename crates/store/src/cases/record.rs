//! How a case outcome is written: the case row, the rows of its own tables
//! ([`CaseRecord`]) and the effects of execution on the registry and the dataset
//! ([`CaseEffect`]) — the case's [`Subject`] impl, which
//! [`crate::workflow::record_outcome`] drives.

use super::{opt_date, opt_text, text};
use crate::error::{Error, Result};
use crate::registry::{NewEvent, record as log_registration};
use crate::tx::{Writer, fetch_one};
use crate::value::Value;
use crate::workflow::Subject;
use chrono::{NaiveDate, NaiveDateTime};
use domain::case::effects::Row;
use domain::case::{Action, Case, CaseEffect, CaseRecord, Party};
use domain::enums::RegistrationStatus;
use serde_json::json;

fn status_json(status: RegistrationStatus, since: Option<NaiveDate>) -> serde_json::Value {
    json!({"status": status.code(), "status_since": since.map(|d| d.to_string())})
}

impl Subject for Case {
    const EVENTS: &'static str = "case_events";
    const EFFECTS: &'static str = "case_effects";
    const KEY: &'static str = "case_id";

    fn key(&self) -> i64 {
        self.case_id
    }

    fn code(action: Action) -> &'static str {
        action.code()
    }

    /// Writes the mutable columns (`closed_at` once, when the case ends).
    async fn save<W: Writer>(&self, w: &mut W, now: NaiveDateTime) -> Result<()> {
        let r = self.review.as_ref();
        let closed_at = if self.state.is_final() {
            Value::DateTime(now)
        } else {
            Value::NullDateTime
        };
        let json = |p: Option<&domain::case::Proposal>| {
            p.map_or(Value::Null, |p| {
                text(serde_json::to_string(p).expect("serializable"))
            })
        };
        w.execute(
            "UPDATE cases SET state = $1, major = $2, major_ground = $3, major_note = $4, \
             proposal = $5, notified_on = $6, decision = $7, decided_on = $8, served_on = $9, \
             review_requested_on = $10, review_due = $11, review_extended_reason = $12, \
             review_prior_state = $13, review_outcome = $14, review_decided_on = $15, \
             executed_on = $16, rectify_due = $17, outcome = $18, \
             closed_at = COALESCE(closed_at, $19), updated_at = $20 WHERE case_id = $21"
                .into(),
            &[
                text(self.state.code()),
                Value::Bool(self.major),
                opt_text(self.major_ground.map(|g| g.code())),
                opt_text(self.major_note.as_deref()),
                json(self.proposal.as_ref()),
                opt_date(self.notified_on),
                json(self.decision.as_ref()),
                opt_date(self.decided_on),
                opt_date(self.served_on),
                opt_date(r.map(|r| r.requested_on)),
                opt_date(r.map(|r| r.due)),
                opt_text(r.and_then(|r| r.extended_reason.as_deref())),
                opt_text(r.map(|r| r.prior.code())),
                opt_text(r.and_then(|r| r.outcome.map(|o| o.code()))),
                opt_date(r.and_then(|r| r.decided_on)),
                opt_date(self.executed_on),
                opt_date(self.rectify_due),
                opt_text(self.outcome.as_deref()),
                closed_at,
                Value::DateTime(now),
                Value::Int(self.case_id),
            ],
        )
        .await?;
        Ok(())
    }

    async fn write<W: Writer>(
        &self,
        w: &mut W,
        record: &CaseRecord,
        now: NaiveDateTime,
        by: &str,
    ) -> Result<Option<(&'static str, i64)>> {
        let id = Value::Int(self.case_id);
        Ok(match record {
            CaseRecord::Investigators(names) => {
                for n in names {
                    w.execute(
                        "INSERT INTO case_investigators (case_id, investigator, assigned_at, assigned_by) \
                         VALUES ($1, $2, $3, $4)"
                            .into(),
                        &[id.clone(), text(n.as_str()), Value::DateTime(now), text(by)],
                    )
                    .await?;
                }
                None
            }
            CaseRecord::RemoveInvestigator { name, reason } => {
                w.execute(
                    "UPDATE case_investigators SET removed_at = $1, removed_reason = $2 \
                     WHERE case_id = $3 AND investigator = $4 AND removed_at IS NULL"
                        .into(),
                    &[
                        Value::DateTime(now),
                        text(reason.as_str()),
                        id,
                        text(name.as_str()),
                    ],
                )
                .await?;
                None
            }
            CaseRecord::Recusal {
                investigator,
                reason,
            } => Some((
                "recusal_id",
                w.insert_returning(
                    "INSERT INTO case_recusals (case_id, investigator, reason, requested_at, requested_by, status) \
                     VALUES ($1, $2, $3, $4, $5, 'pending') RETURNING recusal_id",
                    &[
                        id,
                        text(investigator.as_str()),
                        text(reason.as_str()),
                        Value::DateTime(now),
                        text(by),
                    ],
                )
                .await?,
            )),
            CaseRecord::RecusalDecision {
                recusal_id,
                status,
                reason,
            } => {
                w.execute(
                    "UPDATE case_recusals SET status = $1, decision_reason = $2, decided_at = $3, \
                     decided_by = $4 WHERE recusal_id = $5"
                        .into(),
                    &[
                        text(status.code()),
                        opt_text(reason.as_deref()),
                        Value::DateTime(now),
                        text(by),
                        Value::Int(*recusal_id),
                    ],
                )
                .await?;
                None
            }
            CaseRecord::Document {
                kind,
                prefix,
                year,
                seq,
                body,
            } => Some((
                "document_id",
                w.insert_returning(
                    "INSERT INTO case_documents (case_id, kind, number_prefix, year, seq, number, body, issued_at, issued_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING document_id",
                    &[
                        id,
                        text(kind.code()),
                        text(prefix.as_str()),
                        Value::Int(i64::from(*year)),
                        Value::Int(i64::from(*seq)),
                        text(body.number.as_str()),
                        text(serde_json::to_string(body).expect("serializable")),
                        Value::DateTime(now),
                        text(by),
                    ],
                )
                .await?,
            )),
            CaseRecord::Statement { kind, text: t, late } => Some((
                "statement_id",
                w.insert_returning(
                    "INSERT INTO case_statements (case_id, kind, text, by_user, at, late) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING statement_id",
                    &[
                        id,
                        text(kind.code()),
                        text(t.as_str()),
                        text(by),
                        Value::DateTime(now),
                        Value::Bool(*late),
                    ],
                )
                .await?,
            )),
            CaseRecord::Attachment {
                kind,
                file_name,
                content,
                signers,
                note,
            } => Some((
                "attachment_id",
                w.insert_returning(
                    "INSERT INTO case_attachments (case_id, kind, file_name, content, size, signers, note, uploaded_at, uploaded_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING attachment_id",
                    &[
                        id,
                        text(kind.code()),
                        text(file_name.as_str()),
                        Value::Bytes(content.as_slice().into()),
                        Value::Int(content.len() as i64),
                        if signers.is_empty() {
                            Value::Null
                        } else {
                            text(json!(signers).to_string())
                        },
                        opt_text(note.as_deref()),
                        Value::DateTime(now),
                        text(by),
                    ],
                )
                .await?,
            )),
        })
    }

    async fn apply<W: Writer>(
        &self,
        w: &mut W,
        effect: &CaseEffect,
        now: NaiveDateTime,
        by: &str,
    ) -> Result<Option<i64>> {
        let id = Value::Int(self.case_id);
        Ok(match effect {
            CaseEffect::InstitutionStatus {
                institution_id,
                after,
                action,
                reason,
                ..
            } => {
                let current: Option<(RegistrationStatus, Option<NaiveDate>)> = fetch_one(
                    w,
                    "SELECT status, status_since FROM institutions WHERE institution_id = $1"
                        .into(),
                    &[text(institution_id.as_str())],
                )
                .await?;
                // An undo finds the status restored already: nothing to log.
                if let Some((status, since)) = current
                    && status != after.status
                {
                    w.execute(
                        "UPDATE institutions SET status = $1, status_since = $2 WHERE institution_id = $3"
                            .into(),
                        &[
                            text(after.status.code()),
                            opt_date(after.since),
                            text(institution_id.as_str()),
                        ],
                    )
                    .await?;
                    log_registration(
                        w,
                        NewEvent {
                            institution_id,
                            at: now,
                            by,
                            action: *action,
                            reason: Some(reason),
                            before: Some(status_json(status, since)),
                            after: Some(status_json(after.status, after.since)),
                        },
                    )
                    .await?;
                }
                None
            }
            CaseEffect::CertificateStatus { cert_no, after, .. } => {
                w.execute(
                    "UPDATE certificates SET status = $1 WHERE cert_no = $2".into(),
                    &[text(after.code()), text(cert_no.as_str())],
                )
                .await?;
                None
            }
            CaseEffect::PersonnelValidTo {
                person_id, after, ..
            } => {
                w.execute(
                    "UPDATE personnel SET valid_to = $1 WHERE person_id = $2".into(),
                    &[opt_date(*after), text(person_id.as_str())],
                )
                .await?;
                None
            }
            CaseEffect::ScoresCancelled {
                batch_id,
                all_subjects,
                cancelled,
            } => {
                // 取消成绩: marks this case's cancellation on the candidate's rows of
                // the activity (a row another case cancelled keeps that mark), or
                // clears only this case's mark.
                let Party::Candidate { id_number, .. } = &self.party else {
                    return Ok(None);
                };
                let tables: &[&str] = if *all_subjects {
                    &["results", "scores"]
                } else {
                    &["results"]
                };
                for table in tables {
                    let sql = if *cancelled {
                        format!(
                            "UPDATE {table} SET cancelled_by_case = $1 \
                             WHERE batch_id = $2 AND candidate_id = $3 AND cancelled_by_case IS NULL"
                        )
                    } else {
                        format!(
                            "UPDATE {table} SET cancelled_by_case = NULL \
                             WHERE batch_id = $2 AND candidate_id = $3 AND cancelled_by_case = $1"
                        )
                    };
                    w.execute(
                        sql,
                        &[
                            id.clone(),
                            text(batch_id.as_str()),
                            text(id_number.as_str()),
                        ],
                    )
                    .await?;
                }
                None
            }
            CaseEffect::StaffSuspension {
                person_id,
                measure,
                from,
                until,
            } => Some(
                w.insert_returning(
                    "INSERT INTO staff_suspensions (person_id, measure, suspended_from, suspended_until, case_id) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING suspension_id",
                    &[
                        text(person_id.as_str()),
                        text(measure.as_str()),
                        Value::Date(*from),
                        Value::Date(*until),
                        id,
                    ],
                )
                .await?,
            ),
            CaseEffect::CandidateBar {
                id_number,
                from,
                until,
                ..
            } => Some(
                w.insert_returning(
                    "INSERT INTO candidate_bars (id_number, barred_from, barred_until, case_id) \
                     VALUES ($1, $2, $3, $4) RETURNING bar_id",
                    &[
                        text(id_number.as_str()),
                        Value::Date(*from),
                        Value::Date(*until),
                        id,
                    ],
                )
                .await?,
            ),
            CaseEffect::CreditRecord {
                party_kind,
                party_id,
                institution_id,
                from,
            } => Some(
                w.insert_returning(
                    "INSERT INTO credit_records (party_kind, party_id, institution_id, recorded_from, case_id) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING record_id",
                    &[
                        text(party_kind.code()),
                        text(party_id.as_str()),
                        text(institution_id.as_str()),
                        Value::Date(*from),
                        id,
                    ],
                )
                .await?,
            ),
            CaseEffect::Constraint {
                institution_id,
                measure,
                from,
                until,
            } => Some(
                w.insert_returning(
                    "INSERT INTO institution_constraints (institution_id, measure, valid_from, valid_until, case_id) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING constraint_id",
                    &[
                        text(institution_id.as_str()),
                        text(measure.code()),
                        Value::Date(*from),
                        Value::Date(*until),
                        id,
                    ],
                )
                .await?,
            ),
            CaseEffect::SanctionRow {
                institution_id,
                decided_on,
                item,
                severity,
                disposition,
            } => Some(
                w.insert_returning(
                    "INSERT INTO sanctions (institution_id, decided_on, item, severity, disposition) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING seq",
                    &[
                        text(institution_id.as_str()),
                        Value::Date(*decided_on),
                        Value::Int(i64::from(*item)),
                        text(severity.code()),
                        text(disposition.code()),
                    ],
                )
                .await?,
            ),
            CaseEffect::Lift { row, id: row_id } => {
                let (sql, values) = match row {
                    Row::SanctionRow => (
                        "DELETE FROM sanctions WHERE seq = $1".to_string(),
                        vec![Value::Int(*row_id)],
                    ),
                    _ => {
                        let (table, key) = match row {
                            Row::CandidateBar => ("candidate_bars", "bar_id"),
                            Row::CreditRecord => ("credit_records", "record_id"),
                            Row::StaffSuspension => ("staff_suspensions", "suspension_id"),
                            _ => ("institution_constraints", "constraint_id"),
                        };
                        (
                            format!("UPDATE {table} SET lifted_at = $1 WHERE {key} = $2"),
                            vec![Value::DateTime(now), Value::Int(*row_id)],
                        )
                    }
                };
                w.execute(sql, &values).await?;
                None
            }
            CaseEffect::Added { row, .. } => {
                return Err(Error::Corrupt {
                    table: "case_effects",
                    seq: -1,
                    column: "kind",
                    value: row.kind().into(),
                    reason: "an effect read back is undone, not applied again".into(),
                });
            }
        })
    }
}
