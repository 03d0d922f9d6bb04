//! What a case move reads before the domain decides it ([`MoveKind::needs`]):
//! the named investigators' accounts and conflicts, the findings and the party's
//! record, the next document number, the rows execution changes and the effects
//! applied so far — all inside the transaction that then records the outcome.

use super::{Stored, corrupt, text};
use crate::error::Result;
use crate::tx::{Writer, fetch_one};
use crate::value::{Value, row_struct, select};
use crate::workflow::StoredEffect;
use chrono::{Datelike, NaiveDate};
use domain::case::{
    CaseEffect, Command, Conflict, DocumentKind, Facts, FindingFact, Investigator, Party,
    PartyKind, PartyRecord, StatusAt, World,
};
use domain::enums::{CertStatus, RegistrationStatus, Severity};
use domain::finding::FindingKind;
use domain::ids::InstitutionId;
use domain::rulebook::Rulebook;
use domain::workflow::{Effect as _, EffectRecord, Recorded};

row_struct! {
    /// A finding of a case with what the last run said of it.
    pub(super) struct FindingRow in "findings" {
        pub(super) finding_id: i64 = "f.finding_id",
        pub(super) rule: String = "f.rule",
        pub(super) severity: String = "f.severity",
        pub(super) message: Option<String> = "rf.message",
        pub(super) batch_id: Option<String> = "f.batch_id",
        pub(super) candidate_id: Option<String> = "f.candidate_id",
        pub(super) cert_no: Option<String> = "f.cert_no",
        pub(super) person_id: Option<String> = "f.person_id",
    }
}

/// The findings of a case with what the last run said about them.
pub(super) async fn case_findings<W: Writer>(w: &mut W, id: i64) -> Result<Vec<FindingRow>> {
    w.fetch_as(
        format!(
            "SELECT {} FROM case_findings cf \
             JOIN findings f ON f.finding_id = cf.finding_id \
             LEFT JOIN run_findings rf ON rf.finding_id = f.finding_id AND rf.run_id = f.last_run \
             WHERE cf.case_id = $1 ORDER BY f.finding_id",
            select::<FindingRow>()
        ),
        &[Value::Int(id)],
    )
    .await
}

/// The latest earlier sanction of severity 严重 or worse of an institution, as
/// screening's escalation reads the `sanctions` table — without the rows this case
/// wrote itself.
async fn prior_serious<W: Writer>(
    w: &mut W,
    institution: &InstitutionId,
    case_id: i64,
    today: NaiveDate,
) -> Result<Option<NaiveDate>> {
    Ok(fetch_one::<(Option<NaiveDate>,), _>(
        w,
        "SELECT MAX(decided_on) FROM sanctions WHERE institution_id = $1 \
         AND severity IN ('serious', 'grave') AND decided_on <= $2 \
         AND seq NOT IN (SELECT CAST(target AS BIGINT) FROM case_effects \
                         WHERE case_id = $3 AND kind = 'sanction_row')"
            .into(),
        &[
            text(institution.as_str()),
            Value::Date(today),
            Value::Int(case_id),
        ],
    )
    .await?
    .and_then(|(d,)| d))
}

/// The certificates a decision voids or revokes: for an institution, those its
/// findings name (by number, or by activity and candidate); for a candidate, theirs
/// from the institution — of the activities of the findings when there are any.
async fn certificates_of<W: Writer>(w: &mut W, s: &Stored) -> Result<Vec<(String, CertStatus)>> {
    let c = &s.case;
    let id = Value::Int(c.case_id);
    match &c.party {
        Party::Institution(_) => {
            w.fetch_as(
                "SELECT c.cert_no, c.status FROM certificates c WHERE c.cert_no IN ( \
                   SELECT f.cert_no FROM case_findings cf JOIN findings f ON f.finding_id = cf.finding_id \
                   WHERE cf.case_id = $1 AND f.cert_no IS NOT NULL) \
                 OR EXISTS (SELECT 1 FROM case_findings cf JOIN findings f ON f.finding_id = cf.finding_id \
                   WHERE cf.case_id = $1 AND f.batch_id = c.batch_id AND f.candidate_id = c.candidate_id) \
                 ORDER BY c.cert_no"
                    .into(),
                &[id],
            )
            .await
        }
        Party::Candidate { id_number, .. } => {
            w.fetch_as(
                "SELECT c.cert_no, c.status FROM certificates c WHERE c.candidate_id = $2 \
                 AND c.institution_id = $3 AND (c.batch_id IN ( \
                   SELECT f.batch_id FROM case_findings cf JOIN findings f ON f.finding_id = cf.finding_id \
                   WHERE cf.case_id = $1 AND f.batch_id IS NOT NULL) \
                 OR NOT EXISTS (SELECT 1 FROM case_findings cf JOIN findings f ON f.finding_id = cf.finding_id \
                   WHERE cf.case_id = $1 AND f.batch_id IS NOT NULL)) ORDER BY c.cert_no"
                    .into(),
                &[
                    id,
                    text(id_number.as_str()),
                    text(c.institution_id.as_str()),
                ],
            )
            .await
        }
        Party::Staff { .. } => Ok(Vec::new()),
    }
}

/// A candidate's activities a decision reaches (取消成绩): the batches with a result
/// or scores of the candidate at the case's institution — of the activities of the
/// findings when there are any, as [`certificates_of`] reads certificates.
async fn activities_of<W: Writer>(w: &mut W, s: &Stored) -> Result<Vec<String>> {
    let c = &s.case;
    let Party::Candidate { id_number, .. } = &c.party else {
        return Ok(Vec::new());
    };
    let rows: Vec<(String,)> = w
        .fetch_as(
            "SELECT DISTINCT x.batch_id FROM ( \
               SELECT batch_id FROM results WHERE candidate_id = $2 \
               UNION SELECT batch_id FROM scores WHERE candidate_id = $2) x \
             JOIN batches b ON b.batch_id = x.batch_id \
             WHERE b.institution_id = $3 AND (x.batch_id IN ( \
               SELECT f.batch_id FROM case_findings cf JOIN findings f ON f.finding_id = cf.finding_id \
               WHERE cf.case_id = $1 AND f.batch_id IS NOT NULL) \
             OR NOT EXISTS (SELECT 1 FROM case_findings cf JOIN findings f ON f.finding_id = cf.finding_id \
               WHERE cf.case_id = $1 AND f.batch_id IS NOT NULL)) ORDER BY x.batch_id"
                .into(),
            &[
                Value::Int(c.case_id),
                text(id_number.as_str()),
                text(c.institution_id.as_str()),
            ],
        )
        .await?;
    Ok(rows.into_iter().map(|(b,)| b).collect())
}

/// The effects of a case, all or only those not rolled back.
pub(super) async fn effects<W: Writer>(
    w: &mut W,
    case_id: i64,
    only_live: bool,
) -> Result<Vec<StoredEffect>> {
    let live = if only_live {
        " AND rolled_back_at IS NULL"
    } else {
        ""
    };
    w.fetch_as(
        format!(
            "SELECT {} FROM case_effects WHERE case_id = $1{live} ORDER BY effect_id",
            select::<StoredEffect>()
        ),
        &[Value::Int(case_id)],
    )
    .await
}

/// Reads what `command` on the case needs ([`domain::case::MoveKind::needs`]).
pub(super) async fn read_facts<W: Writer>(
    w: &mut W,
    s: &Stored,
    command: &Command,
    book: Option<Rulebook>,
    today: NaiveDate,
) -> Result<Facts> {
    let c = &s.case;
    let needs = command.kind().needs();
    let mut f = Facts {
        rulebook: book,
        ..Facts::default()
    };
    if needs.investigators {
        if let Command::Assign { investigators } = command {
            for n in investigators {
                let account: Option<(String, Option<InstitutionId>)> = fetch_one(
                    w,
                    "SELECT role, institution_id FROM accounts WHERE username = $1".into(),
                    &[text(n.as_str())],
                )
                .await?;
                f.accounts.push(Investigator {
                    name: n.clone(),
                    institution_id: account
                        .filter(|(role, _)| role == "institution")
                        .and_then(|(_, i)| i),
                });
            }
        }
        let conflicts: Vec<(String, String)> = w
            .fetch_as(
                "SELECT investigator, reason FROM case_conflicts WHERE institution_id = $1".into(),
                &[text(c.institution_id.as_str())],
            )
            .await?;
        f.conflicts = conflicts
            .into_iter()
            .map(|(investigator, reason)| Conflict {
                investigator,
                institution_id: c.institution_id.clone(),
                reason,
            })
            .collect();
        let recused: Vec<(String,)> = w
            .fetch_as(
                "SELECT investigator FROM case_recusals WHERE case_id = $1 AND status = 'granted'"
                    .into(),
                &[Value::Int(c.case_id)],
            )
            .await?;
        f.recused = recused.into_iter().map(|(r,)| r).collect();
    }
    if needs.findings {
        f.findings = case_findings(w, c.case_id)
            .await?
            .into_iter()
            .filter_map(|r| {
                Some(FindingFact {
                    finding_id: r.finding_id,
                    kind: FindingKind::from_id(&r.rule)?,
                    severity: Severity::parse(&r.severity).ok(),
                    message: r.message.unwrap_or_default(),
                })
            })
            .collect();
        f.record = PartyRecord {
            prior_serious_sanction: match c.party.kind() {
                PartyKind::Institution => {
                    prior_serious(w, &c.institution_id, c.case_id, today).await?
                }
                _ => None,
            },
        };
    }
    if let (Some(kind), Some(issuer)) = (needs.document, command.issuer()) {
        let (seq,) = fetch_one::<(Option<i64>,), _>(
            w,
            "SELECT MAX(seq) FROM case_documents WHERE number_prefix = $1 AND kind = $2 AND year = $3"
                .into(),
            &[
                text(issuer.abbreviation.as_str()),
                text(kind.code()),
                Value::Int(i64::from(today.year())),
            ],
        )
        .await?
        .unwrap_or((None,));
        f.document_seq = u32::try_from(seq.unwrap_or(0) + 1).unwrap_or(u32::MAX);
        if kind == DocumentKind::ReviewDecision {
            f.decision_number = fetch_one::<(String,), _>(
                w,
                "SELECT number FROM case_documents WHERE case_id = $1 AND kind = $2 \
                 ORDER BY document_id DESC"
                    .into(),
                &[Value::Int(c.case_id), text(DocumentKind::Decision.code())],
            )
            .await?
            .map(|(n,)| n);
        }
    }
    if needs.world {
        let status: Option<(RegistrationStatus, Option<NaiveDate>)> = fetch_one(
            w,
            "SELECT status, status_since FROM institutions WHERE institution_id = $1".into(),
            &[text(c.institution_id.as_str())],
        )
        .await?;
        f.world = World {
            institution: status.map(|(status, since)| StatusAt { status, since }),
            certificates: certificates_of(w, s).await?,
            activities: activities_of(w, s).await?,
            personnel: match &c.party {
                Party::Staff { person_id, .. } => fetch_one::<(Option<NaiveDate>,), _>(
                    w,
                    "SELECT valid_to FROM personnel WHERE person_id = $1".into(),
                    &[text(person_id.as_str())],
                )
                .await?
                .map(|(d,)| d),
                _ => None,
            },
        };
    }
    if needs.effects {
        f.live_effects = effects(w, c.case_id, true)
            .await?
            .into_iter()
            .map(|e| {
                let record = EffectRecord {
                    kind: e.kind,
                    target: e.target,
                    before: e.before,
                    after: e.after,
                };
                CaseEffect::from_record(&record)
                    .map(|effect| Recorded {
                        effect_id: e.effect_id,
                        effect,
                    })
                    .map_err(|reason| corrupt("case_effects", "kind", &record.kind, reason))
            })
            .collect::<Result<_>>()?;
    }
    Ok(f)
}
