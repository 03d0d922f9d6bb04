//! What a rule reports ([`Hit`]) and what the engine writes ([`Finding`]), with the
//! subject helpers that keep the subject conventions in one place.

use domain::enums::{Disposition, Severity};
use domain::finding::{FindingKind, FindingSubject};
use domain::ids::{BatchId, InstitutionId, PersonId};
use domain::model::{Batch, Certificate};
use domain::{IdNumber, Level, OccupationCode};
use serde::Serialize;
use serde_json::Value;

/// A rule's report: what kind, about whom, in words and as data. The engine adds
/// the classification from the rulebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: FindingKind,
    pub subject: FindingSubject,
    /// Chinese, specific: names the batch, candidate (masked), certificate, values.
    pub message: String,
    /// A JSON object with the facts behind it.
    pub evidence: Value,
    /// A classification that replaces the rulebook entry (inactivity tiers).
    pub class: Option<Classification>,
}

impl Hit {
    /// A hit classified by the rulebook entry of its kind.
    pub fn new(
        kind: FindingKind,
        subject: FindingSubject,
        message: impl Into<String>,
        evidence: Value,
    ) -> Hit {
        Hit {
            kind,
            subject,
            message: message.into(),
            evidence,
            class: None,
        }
    }
}

/// Item, severity, disposition and basis of one finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub item: u8,
    pub severity: Severity,
    pub disposition: Disposition,
    pub basis: String,
}

fn ser_kind<S: serde::Serializer>(k: &FindingKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.id())
}

fn de_kind<'de, D: serde::Deserializer<'de>>(d: D) -> Result<FindingKind, D::Error> {
    let id = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    FindingKind::from_id(&id).ok_or_else(|| serde::de::Error::custom(format!("unknown rule {id}")))
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One line of findings.jsonl (../shared/spec/screening.md, output contract);
/// read back from the store to rebuild a run's risk list workbook.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Finding {
    /// The stable rule identifier.
    #[serde(
        rename = "rule",
        serialize_with = "ser_kind",
        deserialize_with = "de_kind"
    )]
    pub kind: FindingKind,
    /// Guide item 1..15.
    pub item: u8,
    pub severity: Severity,
    pub disposition: Disposition,
    #[serde(flatten)]
    pub subject: FindingSubject,
    /// Document and article.
    pub basis: String,
    pub message: String,
    pub evidence: Value,
    /// The candidate or staff article, where the finding also calls for a sanction on a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Item 15: 撤销违规证书数据 on top of the disposition.
    #[serde(default, skip_serializing_if = "is_false")]
    pub revoke_data: bool,
}

impl Finding {
    /// The sort key of the output: item, rule, subject.
    pub fn sort_key(&self) -> (u8, &'static str, &FindingSubject) {
        (self.item, self.kind.id(), &self.subject)
    }
}

/// Subject: an institution.
pub fn inst_subject(i: &InstitutionId) -> FindingSubject {
    FindingSubject {
        institution_id: Some(i.to_string()),
        ..Default::default()
    }
}

/// Subject: an activity (institution + batch).
pub fn batch_subject(b: &Batch) -> FindingSubject {
    FindingSubject {
        institution_id: Some(b.institution_id.to_string()),
        batch_id: Some(b.batch_id.to_string()),
        ..Default::default()
    }
}

/// Subject: an application (institution + batch + candidate).
pub fn enrollment_subject(b: &Batch, c: &IdNumber) -> FindingSubject {
    FindingSubject {
        candidate_id: Some(c.to_string()),
        ..batch_subject(b)
    }
}

/// Subject: an application to a batch that is not in the batches table.
pub fn orphan_subject(batch: &BatchId, c: &IdNumber) -> FindingSubject {
    FindingSubject {
        batch_id: Some(batch.to_string()),
        candidate_id: Some(c.to_string()),
        ..Default::default()
    }
}

/// Subject: a certificate (institution + its batch, if any + number).
pub fn cert_subject(c: &Certificate) -> FindingSubject {
    FindingSubject {
        institution_id: Some(c.institution_id.to_string()),
        batch_id: c.batch_id.as_ref().map(|b| b.to_string()),
        cert_no: Some(c.cert_no.to_string()),
        ..Default::default()
    }
}

/// Subject: a staff member in one activity (institution + batch + person).
pub fn staff_subject(b: &Batch, p: &PersonId) -> FindingSubject {
    FindingSubject {
        person_id: Some(p.to_string()),
        ..batch_subject(b)
    }
}

/// Subject: a staff member overall (institution + person).
pub fn person_subject(i: &InstitutionId, p: &PersonId) -> FindingSubject {
    FindingSubject {
        person_id: Some(p.to_string()),
        ..inst_subject(i)
    }
}

/// "4-03-02-01 三级" for messages.
pub fn occ_level(o: &OccupationCode, l: Level) -> String {
    format!("{o} {}", l.grade_name())
}

/// The Chinese label of a severity.
pub fn severity_zh(s: Severity) -> &'static str {
    match s {
        Severity::General => "一般",
        Severity::Serious => "严重",
        Severity::Grave => "特别严重",
    }
}

/// The Chinese label of a disposition.
pub fn disposition_zh(d: Disposition) -> &'static str {
    match d {
        Disposition::Interview => "约谈提醒、责令改正",
        Disposition::Rectify => "警告、限期整改、暂停评价",
        Disposition::Terminate => "终止备案",
        Disposition::RevokeData => "撤销违规证书数据",
    }
}
