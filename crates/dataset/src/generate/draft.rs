//! The generator's working representation of one institution: its rows grouped by
//! activity and candidate so that honest generation and injections can edit them in
//! place, then [`InstDraft::flatten_into`] appends them to a chunk's `Tables`.

use domain::cert_no::IssuerKind;
use domain::enums::*;
use domain::finding::{FindingKind, FindingSubject, Label};
use domain::ids::*;
use domain::model::*;
use domain::{Date, DateTime, IdNumber, Level, OccupationCode};
use std::collections::BTreeMap;

/// An (occupation, level) an institution can run: registered in its scope, or (for
/// the outside-scope injection) not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    pub occupation: OccupationCode,
    pub level: Level,
    /// From when it may be used (a scope added later in the term).
    pub valid_from: Date,
    /// False for the one capability of an outside-scope injection.
    pub in_scope: bool,
}

/// An examiner of the institution, with the intervals they are busy.
#[derive(Debug, Clone)]
pub struct Examiner {
    /// Index into `InstDraft::personnel`.
    pub person: usize,
    pub occupation: OccupationCode,
    pub max_level: Level,
    pub valid_from: Date,
    pub valid_to: Date,
    /// How often the institution calls on them (some examiners serve far more).
    pub weight: f64,
    pub busy: Vec<(DateTime, DateTime)>,
}

/// One candidate's application with everything that follows from it.
#[derive(Debug, Clone)]
pub struct CandDraft {
    pub enrollment: Enrollment,
    /// Latent ability (theory).
    pub theta: f64,
    /// Latent skill.
    pub skill: f64,
    pub absent: bool,
    pub answer: Option<Answer>,
    pub scores: Vec<ScoreRow>,
    pub result: Option<ResultRow>,
    pub cert: Option<Certificate>,
    /// An enrollment- or certificate-level injection was applied: keep others away.
    pub injected: bool,
}

/// One activity with its sessions, staff, changes and candidates.
#[derive(Debug, Clone)]
pub struct BatchDraft {
    pub batch: Batch,
    pub sessions: Vec<Session>,
    pub staff: Vec<BatchStaff>,
    pub changes: Vec<BatchChange>,
    pub cands: Vec<CandDraft>,
    /// Score rows for candidates not enrolled (an injection).
    pub ghost_scores: Vec<ScoreRow>,
    pub ghost_results: Vec<ResultRow>,
    /// Index into `InstDraft::caps`.
    pub cap: usize,
    /// The batch-level injection planned for it, if any.
    pub planned: Option<FindingKind>,
    /// Whether anything about it is labelled (its people do not join the pool).
    pub tainted: bool,
    /// Which site it was scheduled at (for concurrency checks).
    pub site_index: usize,
    /// Expected theory difficulty offset of its candidates.
    pub mean_theta: f64,
}

impl BatchDraft {
    /// The session of `subject`, if any.
    pub fn session(&self, subject: Subject) -> Option<&Session> {
        self.sessions.iter().find(|s| s.subject == subject)
    }

    /// Person ids with `duty` in `subject`.
    pub fn staff_of(&self, subject: Subject, duty: Duty) -> Vec<PersonId> {
        self.staff
            .iter()
            .filter(|s| s.subject == subject && s.duty == duty)
            .map(|s| s.person_id.clone())
            .collect()
    }
}

/// Everything of one institution.
#[derive(Debug, Clone)]
pub struct InstDraft {
    pub inst: Institution,
    /// False for the unregistered-institution injection: no institution or scope rows.
    pub registered: bool,
    pub city: usize,
    /// Sequence code in certificate numbers.
    pub seq: u32,
    pub issuer: IssuerKind,
    pub scopes: Vec<Scope>,
    pub caps: Vec<Cap>,
    pub sites: Vec<Site>,
    pub affiliates: Vec<Affiliate>,
    pub personnel: Vec<Person>,
    pub examiners: Vec<Examiner>,
    /// Indexes into `personnel` of the internal supervisors.
    pub supervisors: Vec<usize>,
    pub batches: Vec<BatchDraft>,
    /// Certificates issued before the window (they back prior-level claims).
    pub history_certs: Vec<Certificate>,
    /// Certificates not tied to an enrollment (injections).
    pub extra_certs: Vec<Certificate>,
    pub complaints: Vec<Complaint>,
    pub promotions: Vec<Promotion>,
    pub sanctions: Vec<Sanction>,
    pub access_log: Vec<AccessLog>,
    pub labels: Vec<Label>,
    /// Next certificate serial per (year, level).
    pub serials: BTreeMap<(i32, u8), u32>,
}

impl InstDraft {
    /// The subject naming just this institution.
    pub fn subject(&self) -> FindingSubject {
        FindingSubject {
            institution_id: Some(self.inst.institution_id.to_string()),
            ..Default::default()
        }
    }

    /// Records a label about the institution.
    pub fn label_inst(&mut self, kind: FindingKind) {
        let s = self.subject();
        self.labels.push(Label::new(kind, s));
    }

    /// Records a label about a batch (optionally naming a person).
    pub fn label_batch(&mut self, kind: FindingKind, b: usize, person: Option<&PersonId>) {
        let mut s = self.subject();
        s.batch_id = Some(self.batches[b].batch.batch_id.to_string());
        s.person_id = person.map(|p| p.to_string());
        self.batches[b].tainted = true;
        self.labels.push(Label::new(kind, s));
    }

    /// Records a label about an enrollment.
    pub fn label_enrollment(&mut self, kind: FindingKind, b: usize, candidate: &IdNumber) {
        let mut s = self.subject();
        s.batch_id = Some(self.batches[b].batch.batch_id.to_string());
        s.candidate_id = Some(candidate.to_string());
        self.batches[b].tainted = true;
        self.labels.push(Label::new(kind, s));
    }

    /// Records a label about a certificate.
    pub fn label_cert(&mut self, kind: FindingKind, cert: &Certificate) {
        let mut s = self.subject();
        s.batch_id = cert.batch_id.as_ref().map(|b| b.to_string());
        s.cert_no = Some(cert.cert_no.to_string());
        if let Some(b) = &cert.batch_id
            && let Some(bd) = self.batches.iter_mut().find(|x| &x.batch.batch_id == b)
        {
            bd.tainted = true;
        }
        self.labels.push(Label::new(kind, s));
    }

    /// Records a label about a person (an examiner overall).
    pub fn label_person(&mut self, kind: FindingKind, person: &PersonId) {
        let mut s = self.subject();
        s.person_id = Some(person.to_string());
        self.labels.push(Label::new(kind, s));
    }

    /// The scope pairs registered (not the out-of-scope capability).
    pub fn in_scope(&self, occupation: &OccupationCode, level: Level) -> bool {
        self.caps
            .iter()
            .any(|c| c.in_scope && c.occupation == *occupation && c.level == level)
    }

    /// Every certificate of the institution issued in the window, in row order.
    pub fn window_certs(&self) -> impl Iterator<Item = &Certificate> {
        self.batches
            .iter()
            .flat_map(|b| b.cands.iter().filter_map(|c| c.cert.as_ref()))
            .chain(self.extra_certs.iter())
    }

    /// Appends every row to `t` (institution and scopes only when registered).
    pub fn flatten_into(self, t: &mut Tables) {
        if self.registered {
            t.institutions.push(self.inst);
            t.scopes.extend(self.scopes);
        }
        t.sites.extend(self.sites);
        t.affiliates.extend(self.affiliates);
        t.personnel.extend(self.personnel);
        t.certificates.extend(self.history_certs);
        for b in self.batches {
            t.batches.push(b.batch);
            t.sessions.extend(b.sessions);
            t.batch_staff.extend(b.staff);
            t.batch_changes.extend(b.changes);
            for c in b.cands {
                t.enrollments.push(c.enrollment);
                t.scores.extend(c.scores);
                t.results.extend(c.result);
                t.answers.extend(c.answer);
                t.certificates.extend(c.cert);
            }
            t.scores.extend(b.ghost_scores);
            t.results.extend(b.ghost_results);
        }
        t.certificates.extend(self.extra_certs);
        t.complaints.extend(self.complaints);
        t.promotions.extend(self.promotions);
        t.sanctions.extend(self.sanctions);
        t.access_log.extend(self.access_log);
    }
}
