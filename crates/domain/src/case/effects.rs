//! What a decision changes outside the case (执行), each change recorded with its
//! before and after so that a review that changes or annuls the decision undoes it
//! ([`CaseEffect`], a [`crate::workflow::Effect`]):
//!
//! - 暂停评价 / 终止备案: the institution's registration status (and a registration
//!   log entry);
//! - 证书作废 / 撤销证书数据: certificate status;
//! - 取消成绩 (第五条–第七条): the candidate's results (and, for all subjects, the
//!   scores) of the activity are cancelled, and its certificates voided;
//! - 吊销考评员证: the staff member's card ends today; 取消资格 (第八条 "取消其当年参加
//!   评价工作的资格": through 31 December of this year) and 暂停督导 (第十一条: for the
//!   procedure's period) are suspensions with an end date, the card kept;
//! - 禁考 (第六条, 第七条), 诚信不良档案, 约束措施 (监督管理办法 第十七条) and the
//!   `sanctions` row screening's escalation reads: rows added, lifted on undo.
//!
//! The decision's measures become effects against the [`World`] the store read
//! for the move ([`execution`]), so the store only writes what the domain decided.

use super::procedure::{Procedure, years_until};
use super::proposal::{Proposal, Sanction};
use super::{Case, Measure, Party, PartyKind};
use crate::enums::{CertStatus, Disposition, RegistrationStatus, Severity};
use crate::ids::{InstitutionId, PersonId};
use crate::registration::Action as RegistryAction;
use crate::workflow::{Effect, EffectRecord, Recorded};
use crate::{Date, IdNumber};
use chrono::{Datelike, Days, Months};
use serde_json::{Value as Json, json};

/// An institution's registration status and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusAt {
    pub status: RegistrationStatus,
    pub since: Option<Date>,
}

impl StatusAt {
    fn json(&self) -> Json {
        json!({"status": self.status.code(), "status_since": self.since.map(|d| d.to_string())})
    }

    fn of(j: &Option<Json>) -> Result<StatusAt, String> {
        let status = field(j, "status").ok_or("no status")?;
        Ok(StatusAt {
            status: RegistrationStatus::parse(&status).map_err(|e| e.to_string())?,
            since: date(field(j, "status_since"))?,
        })
    }
}

/// What the store read for an execution (or a rectification's acceptance): the
/// rows the decision's measures reach, as they are now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct World {
    /// The case's institution's registration status (`None`: not registered).
    pub institution: Option<StatusAt>,
    /// The certificates the decision reaches, with their status: for an
    /// institution, those its findings name; for a candidate, theirs from the
    /// institution (of the findings' activities when there are any).
    pub certificates: Vec<(String, CertStatus)>,
    /// The staff member's card: `None` without a personnel row, else its
    /// `valid_to`.
    pub personnel: Option<Option<Date>>,
    /// A candidate's activities the decision reaches (batch ids with a result or
    /// scores of the candidate): those of the findings when there are any, else
    /// all of the candidate's at the institution.
    pub activities: Vec<String>,
}

/// A table a decision adds rows to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// `candidate_bars` (lifted on undo).
    CandidateBar,
    /// `credit_records` (lifted on undo).
    CreditRecord,
    /// `institution_constraints` (lifted on undo).
    Constraint,
    /// `sanctions` (deleted on undo: screening reads every row).
    SanctionRow,
    /// `staff_suspensions` (lifted on undo).
    StaffSuspension,
}

impl Row {
    /// The effect kind recorded for a row of this table.
    pub fn kind(self) -> &'static str {
        match self {
            Row::CandidateBar => "candidate_bar",
            Row::CreditRecord => "credit_record",
            Row::Constraint => "institution_constraint",
            Row::SanctionRow => "sanction_row",
            Row::StaffSuspension => "staff_suspension",
        }
    }
}

/// One change execution makes (or undoes).
#[derive(Debug, Clone, PartialEq)]
pub enum CaseEffect {
    /// `institutions.status`, with a registration-log entry (`action`, `reason`).
    InstitutionStatus {
        institution_id: InstitutionId,
        before: StatusAt,
        after: StatusAt,
        action: RegistryAction,
        reason: String,
    },
    /// `certificates.status`.
    CertificateStatus {
        cert_no: String,
        before: CertStatus,
        after: CertStatus,
    },
    /// `personnel.valid_to` (吊销, 暂停督导, 取消资格: `measure` says which).
    PersonnelValidTo {
        person_id: PersonId,
        before: Option<Date>,
        after: Option<Date>,
        measure: String,
    },
    /// 取消成绩: the candidate's result of activity `batch_id` (and, with
    /// `all_subjects`, every subject's score) cancelled by this case, or the
    /// cancellation withdrawn (`cancelled: false`).
    ScoresCancelled {
        batch_id: String,
        all_subjects: bool,
        cancelled: bool,
    },
    /// 取消当年参加评价工作的资格 (第八条) / 暂停督导工作 (第十一条): the staff member
    /// may not take part from `from` through `until`; the card itself stays.
    StaffSuspension {
        person_id: PersonId,
        measure: String,
        from: Date,
        until: Date,
    },
    /// 第六条/第七条: no evaluation from `from` through `until`.
    CandidateBar {
        id_number: IdNumber,
        from: Date,
        until: Date,
        years: u8,
    },
    /// 诚信不良档案 (第十三条; 第十条 for staff).
    CreditRecord {
        party_kind: PartyKind,
        party_id: String,
        institution_id: InstitutionId,
        from: Date,
    },
    /// One 约束措施 (监督管理办法 第十七条).
    Constraint {
        institution_id: InstitutionId,
        measure: Measure,
        from: Date,
        until: Date,
    },
    /// The sanction as screening's escalation reads it (已被警告 … 再次违反).
    SanctionRow {
        institution_id: InstitutionId,
        decided_on: Date,
        item: u8,
        severity: Severity,
        disposition: Disposition,
    },
    /// A row added earlier, as read back from its record (`id`: the row's key).
    Added { row: Row, id: i64 },
    /// Undoes an added row.
    Lift { row: Row, id: i64 },
}

fn field(j: &Option<Json>, k: &str) -> Option<String> {
    j.as_ref()
        .and_then(|j| j.get(k))
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

fn date(s: Option<String>) -> Result<Option<Date>, String> {
    s.map(|s| crate::time::parse_date(&s).map_err(|e| e.to_string()))
        .transpose()
}

fn day(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

impl Effect for CaseEffect {
    fn record(&self) -> EffectRecord {
        let r = |kind: &str, target: String, before: Option<Json>, after: Json| EffectRecord {
            kind: kind.into(),
            target,
            before,
            after: Some(after),
        };
        match self {
            CaseEffect::InstitutionStatus {
                institution_id,
                before,
                after,
                ..
            } => r(
                "institution_status",
                institution_id.to_string(),
                Some(before.json()),
                after.json(),
            ),
            CaseEffect::CertificateStatus {
                cert_no,
                before,
                after,
            } => r(
                "certificate_status",
                cert_no.clone(),
                Some(json!({"status": before.code()})),
                json!({"status": after.code()}),
            ),
            CaseEffect::PersonnelValidTo {
                person_id,
                before,
                after,
                measure,
            } => r(
                "personnel_valid_to",
                person_id.to_string(),
                Some(json!({"valid_to": day(*before), "measure": measure})),
                json!({"valid_to": day(*after), "measure": measure}),
            ),
            CaseEffect::ScoresCancelled {
                batch_id,
                all_subjects,
                cancelled,
            } => r(
                "scores_cancelled",
                batch_id.clone(),
                Some(json!({"cancelled": !cancelled, "all_subjects": all_subjects})),
                json!({"cancelled": cancelled, "all_subjects": all_subjects}),
            ),
            CaseEffect::StaffSuspension {
                measure,
                from,
                until,
                ..
            } => r(
                Row::StaffSuspension.kind(),
                String::new(),
                None,
                json!({"measure": measure, "suspended_from": from.to_string(), "suspended_until": until.to_string()}),
            ),
            CaseEffect::CandidateBar {
                from, until, years, ..
            } => r(
                Row::CandidateBar.kind(),
                String::new(),
                None,
                json!({"barred_from": from.to_string(), "barred_until": until.to_string(), "years": years}),
            ),
            CaseEffect::CreditRecord {
                party_kind, from, ..
            } => r(
                Row::CreditRecord.kind(),
                String::new(),
                None,
                json!({"party_kind": party_kind.code(), "recorded_from": from.to_string()}),
            ),
            CaseEffect::Constraint {
                measure,
                from,
                until,
                ..
            } => r(
                Row::Constraint.kind(),
                String::new(),
                None,
                json!({"measure": measure.code(), "valid_from": from.to_string(), "valid_until": until.to_string()}),
            ),
            CaseEffect::SanctionRow {
                decided_on,
                item,
                severity,
                disposition,
                ..
            } => r(
                Row::SanctionRow.kind(),
                String::new(),
                None,
                json!({"decided_on": decided_on.to_string(), "item": item, "severity": severity.code(), "disposition": disposition.code()}),
            ),
            CaseEffect::Added { row, id } | CaseEffect::Lift { row, id } => EffectRecord {
                kind: row.kind().into(),
                target: id.to_string(),
                before: None,
                after: None,
            },
        }
    }

    fn from_record(r: &EffectRecord) -> Result<CaseEffect, String> {
        let added = |row: Row| -> Result<CaseEffect, String> {
            let id = r
                .target
                .parse()
                .map_err(|_| format!("row id \"{}\" is not a number", r.target))?;
            Ok(CaseEffect::Added { row, id })
        };
        match r.kind.as_str() {
            "institution_status" => {
                let after = StatusAt::of(&r.after)?;
                Ok(CaseEffect::InstitutionStatus {
                    institution_id: InstitutionId::parse(&r.target).map_err(|e| e.to_string())?,
                    before: StatusAt::of(&r.before)?,
                    action: match after.status {
                        RegistrationStatus::Active => RegistryAction::Reinstate,
                        RegistrationStatus::Suspended => RegistryAction::Suspend,
                        RegistrationStatus::Terminated => RegistryAction::Terminate,
                    },
                    after,
                    reason: String::new(),
                })
            }
            "certificate_status" => {
                let status = |j: &Option<Json>| {
                    CertStatus::parse(&field(j, "status").unwrap_or_else(|| "valid".into()))
                        .map_err(|e| e.to_string())
                };
                Ok(CaseEffect::CertificateStatus {
                    cert_no: r.target.clone(),
                    before: status(&r.before)?,
                    after: status(&r.after)?,
                })
            }
            "personnel_valid_to" => Ok(CaseEffect::PersonnelValidTo {
                person_id: PersonId::parse(&r.target).map_err(|e| e.to_string())?,
                before: date(field(&r.before, "valid_to"))?,
                after: date(field(&r.after, "valid_to"))?,
                measure: field(&r.after, "measure").unwrap_or_default(),
            }),
            "scores_cancelled" => {
                let flag = |k: &str| {
                    r.after
                        .as_ref()
                        .and_then(|j| j.get(k))
                        .and_then(|v| v.as_bool())
                        .ok_or_else(|| format!("no {k}"))
                };
                Ok(CaseEffect::ScoresCancelled {
                    batch_id: r.target.clone(),
                    all_subjects: flag("all_subjects")?,
                    cancelled: flag("cancelled")?,
                })
            }
            "staff_suspension" => added(Row::StaffSuspension),
            "candidate_bar" => added(Row::CandidateBar),
            "credit_record" => added(Row::CreditRecord),
            "institution_constraint" => added(Row::Constraint),
            "sanction_row" => added(Row::SanctionRow),
            other => Err(format!("unknown effect kind \"{other}\"")),
        }
    }

    /// Restores the value before; an added row is lifted. An effect not yet
    /// recorded (a row without its id) has nothing to undo: its inverse lifts no row.
    fn inverse(&self, why: &str) -> CaseEffect {
        match self {
            CaseEffect::InstitutionStatus {
                institution_id,
                before,
                after,
                ..
            } => CaseEffect::InstitutionStatus {
                institution_id: institution_id.clone(),
                before: *after,
                after: *before,
                action: if before.status == RegistrationStatus::Active {
                    RegistryAction::Reinstate
                } else {
                    RegistryAction::Suspend
                },
                reason: why.to_string(),
            },
            CaseEffect::CertificateStatus {
                cert_no,
                before,
                after,
            } => CaseEffect::CertificateStatus {
                cert_no: cert_no.clone(),
                before: *after,
                after: *before,
            },
            CaseEffect::PersonnelValidTo {
                person_id,
                before,
                after,
                measure,
            } => CaseEffect::PersonnelValidTo {
                person_id: person_id.clone(),
                before: *after,
                after: *before,
                measure: measure.clone(),
            },
            CaseEffect::ScoresCancelled {
                batch_id,
                all_subjects,
                cancelled,
            } => CaseEffect::ScoresCancelled {
                batch_id: batch_id.clone(),
                all_subjects: *all_subjects,
                cancelled: !cancelled,
            },
            CaseEffect::StaffSuspension { .. } => CaseEffect::Lift {
                row: Row::StaffSuspension,
                id: -1,
            },
            CaseEffect::Added { row, id } => CaseEffect::Lift { row: *row, id: *id },
            CaseEffect::Lift { row, id } => CaseEffect::Added { row: *row, id: *id },
            CaseEffect::CandidateBar { .. } => CaseEffect::Lift {
                row: Row::CandidateBar,
                id: -1,
            },
            CaseEffect::CreditRecord { .. } => CaseEffect::Lift {
                row: Row::CreditRecord,
                id: -1,
            },
            CaseEffect::Constraint { .. } => CaseEffect::Lift {
                row: Row::Constraint,
                id: -1,
            },
            CaseEffect::SanctionRow { .. } => CaseEffect::Lift {
                row: Row::SanctionRow,
                id: -1,
            },
        }
    }
}

/// The effects of executing `decision` on `case` on `today`, against `world`:
///
/// - 暂停评价 only from 正常 (a terminated registration is not suspended), 终止备案
///   from 正常 or 暂停; nothing when the status already is the one decided;
/// - 证书作废 / 撤销证书数据 for each certificate not yet so (a revoked one is left
///   alone), in the decision's order (void, then revoked);
/// - 取消成绩: each activity's result (all subjects: and scores) cancelled, and the
///   activity's certificates voided as 证书作废 is;
/// - 禁考: a bar from today through the same day `years` later, less a day;
/// - 吊销考评员证: the card ends today unless it ends earlier;
/// - 取消资格 (第八条 "取消其当年参加评价工作的资格"): a suspension through 31 December
///   of this year; 暂停督导 (第十一条 "暂停其督导工作"): a suspension for the
///   procedure's period ([`Procedure::supervisor_suspension_months`]);
/// - 诚信不良档案, one 约束措施 per [`Measure`], and for an institution with a guide
///   item and disposition the `sanctions` row (decided on the decision's day).
pub fn execution(
    case: &Case,
    decision: &Proposal,
    world: &World,
    today: Date,
    procedure: &Procedure,
) -> Vec<CaseEffect> {
    let mut out = Vec::new();
    let inst = &case.institution_id;
    let mut status = world.institution;
    let mut certificates = world.certificates.clone();
    let mut card = world.personnel;
    for s in &decision.sanctions {
        match s {
            Sanction::Suspend { .. } | Sanction::Terminate => {
                let (from, to, action, why): (&[RegistrationStatus], _, _, _) =
                    if *s == Sanction::Terminate {
                        (
                            &[RegistrationStatus::Active, RegistrationStatus::Suspended],
                            RegistrationStatus::Terminated,
                            RegistryAction::Terminate,
                            "终止备案(第十四条)",
                        )
                    } else {
                        (
                            &[RegistrationStatus::Active],
                            RegistrationStatus::Suspended,
                            RegistryAction::Suspend,
                            "限期整改期间暂停评价活动(第十三条)",
                        )
                    };
                if let Some(now) = status
                    && now.status != to
                    && from.contains(&now.status)
                {
                    let after = StatusAt {
                        status: to,
                        since: Some(today),
                    };
                    out.push(CaseEffect::InstitutionStatus {
                        institution_id: inst.clone(),
                        before: now,
                        after,
                        action,
                        reason: format!("案件{}:{why}", case.number),
                    });
                    status = Some(after);
                }
            }
            Sanction::CancelScores { all_subjects } => {
                for batch_id in &world.activities {
                    let done = out.iter().any(|e| {
                        matches!(e, CaseEffect::ScoresCancelled { batch_id: b, all_subjects: true, .. } if b == batch_id)
                    });
                    if !done {
                        out.push(CaseEffect::ScoresCancelled {
                            batch_id: batch_id.clone(),
                            all_subjects: *all_subjects,
                            cancelled: true,
                        });
                    }
                }
                void(&mut certificates, CertStatus::Void, &mut out);
            }
            Sanction::VoidCertificates | Sanction::RevokeCertificateData => {
                let to = if *s == Sanction::VoidCertificates {
                    CertStatus::Void
                } else {
                    CertStatus::Revoked
                };
                void(&mut certificates, to, &mut out);
            }
            Sanction::BarCandidate { years } => {
                if let Party::Candidate { id_number, .. } = &case.party {
                    out.push(CaseEffect::CandidateBar {
                        id_number: *id_number,
                        from: today,
                        until: years_until(today, *years),
                        years: *years,
                    });
                }
            }
            Sanction::DisqualifyStaff | Sanction::SuspendSupervisor => {
                if let Party::Staff { person_id, .. } = &case.party {
                    let until = if *s == Sanction::DisqualifyStaff {
                        Date::from_ymd_opt(today.year(), 12, 31).expect("a valid day")
                    } else {
                        today
                            .checked_add_months(Months::new(u32::from(
                                procedure.supervisor_suspension_months,
                            )))
                            .and_then(|d| d.checked_sub_days(Days::new(1)))
                            .expect("in range")
                    };
                    out.push(CaseEffect::StaffSuspension {
                        person_id: person_id.clone(),
                        measure: s.code().to_string(),
                        from: today,
                        until,
                    });
                }
            }
            Sanction::RevokeExaminerCard => {
                if let (Party::Staff { person_id, .. }, Some(before)) = (&case.party, card)
                    && before.is_none_or(|d| d > today)
                {
                    out.push(CaseEffect::PersonnelValidTo {
                        person_id: person_id.clone(),
                        before,
                        after: Some(today),
                        measure: s.code().to_string(),
                    });
                    card = Some(Some(today));
                }
            }
            Sanction::BadCredit => out.push(CaseEffect::CreditRecord {
                party_kind: case.party.kind(),
                party_id: case.party.id().to_string(),
                institution_id: inst.clone(),
                from: today,
            }),
            Sanction::Constraints { years } => {
                let until = years_until(today, *years);
                for m in Measure::ALL {
                    out.push(CaseEffect::Constraint {
                        institution_id: inst.clone(),
                        measure: *m,
                        from: today,
                        until,
                    });
                }
            }
            Sanction::Interview | Sanction::Rectify { .. } => {}
        }
    }
    if let (PartyKind::Institution, Some(item), Some(disposition)) =
        (case.party.kind(), decision.item, decision.disposition)
    {
        out.push(CaseEffect::SanctionRow {
            institution_id: inst.clone(),
            decided_on: case.decided_on.unwrap_or(today),
            item,
            severity: decision.severity,
            disposition,
        });
    }
    out
}

/// Each certificate not yet `to` (a revoked one is left alone) becomes `to`.
fn void(certificates: &mut [(String, CertStatus)], to: CertStatus, out: &mut Vec<CaseEffect>) {
    for (cert_no, now) in certificates.iter_mut() {
        if *now == to || *now == CertStatus::Revoked {
            continue;
        }
        out.push(CaseEffect::CertificateStatus {
            cert_no: cert_no.clone(),
            before: *now,
            after: to,
        });
        *now = to;
    }
}

/// 整改验收合格: the suspension this case applied (a live effect that suspended
/// the institution) is lifted today, if the institution is still suspended.
pub fn reinstatement(
    case: &Case,
    live: &[Recorded<CaseEffect>],
    world: &World,
    today: Date,
) -> Option<CaseEffect> {
    let suspended_here = live.iter().any(|r| {
        matches!(&r.effect, CaseEffect::InstitutionStatus { after, .. } if after.status == RegistrationStatus::Suspended)
    });
    let now = world.institution?;
    (suspended_here && now.status == RegistrationStatus::Suspended).then(|| {
        CaseEffect::InstitutionStatus {
            institution_id: case.institution_id.clone(),
            before: now,
            after: StatusAt {
                status: RegistrationStatus::Active,
                since: Some(today),
            },
            action: RegistryAction::Reinstate,
            reason: format!("案件{}:整改验收合格,恢复评价活动", case.number),
        }
    })
}
