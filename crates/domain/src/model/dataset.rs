//! [`Dataset`]: the tables of [`super::Tables`] indexed by id, with the references
//! that point nowhere recorded as [`ReferenceIssue`]s for screening rather than refused.

use super::{Batch, Certificate, Enrollment, Institution, Paper, Person, Site, Table, Tables};
use crate::ids::{BatchId, InstitutionId, PaperId, PersonId, SiteId};
use crate::{CertNo, Date, IdNumber};
use rustc_hash::FxHashMap;

/// A reference from one row to a row that does not exist. Kept, not refused: it is
/// evidence for screening (a batch of an unregistered institution is guide item 9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceIssue {
    /// The table holding the reference.
    pub table: Table,
    /// The 0-based row index in that table.
    pub index: usize,
    /// The referencing column.
    pub column: &'static str,
    /// The value that points nowhere.
    pub value: String,
    /// The table it should exist in.
    pub target: Table,
}

/// An enrollment key: (batch, candidate).
pub type EnrollmentKey = (BatchId, IdNumber);

/// A validated, indexed dataset.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The rows.
    pub tables: Tables,
    institution_ix: FxHashMap<InstitutionId, usize>,
    site_ix: FxHashMap<SiteId, usize>,
    person_ix: FxHashMap<PersonId, usize>,
    batch_ix: FxHashMap<BatchId, usize>,
    paper_ix: FxHashMap<PaperId, usize>,
    enrollment_ix: FxHashMap<EnrollmentKey, usize>,
    cert_ix: FxHashMap<CertNo, Vec<usize>>,
    reference_issues: Vec<ReferenceIssue>,
}

/// A duplicate primary key: two rows of a table claim the same id. The dataset is
/// ambiguous, so this is an error, located at the second row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub table: Table,
    /// 0-based index of the later row.
    pub index: usize,
    pub column: &'static str,
    pub value: String,
}

fn index_unique<K: std::hash::Hash + Eq + Clone, R>(
    rows: &[R],
    key: impl Fn(&R) -> K,
    show: impl Fn(&K) -> String,
    table: Table,
    column: &'static str,
    dups: &mut Vec<DuplicateKey>,
) -> FxHashMap<K, usize> {
    let mut map = FxHashMap::with_capacity_and_hasher(rows.len(), Default::default());
    for (i, r) in rows.iter().enumerate() {
        let k = key(r);
        match map.entry(k) {
            std::collections::hash_map::Entry::Occupied(e) => dups.push(DuplicateKey {
                table,
                index: i,
                column,
                value: show(e.key()),
            }),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i);
            }
        }
    }
    map
}

/// Records a dangling reference unless `ok`; the value is formatted only then.
fn note_reference(
    out: &mut Vec<ReferenceIssue>,
    ok: bool,
    table: Table,
    index: usize,
    column: &'static str,
    value: &dyn std::fmt::Display,
    target: Table,
) {
    if !ok {
        out.push(ReferenceIssue {
            table,
            index,
            column,
            value: value.to_string(),
            target,
        });
    }
}

impl Dataset {
    /// Indexes the tables. Duplicate primary keys are errors (the data is
    /// ambiguous); duplicate certificate numbers are not (they are a finding).
    /// References to missing rows are recorded, not refused.
    pub fn new(tables: Tables) -> Result<Dataset, Vec<DuplicateKey>> {
        let t = &tables;
        // The largest key checks (scores, results) run on a second thread while this
        // one builds the lookup indexes; at scale 200 that is 6M keys off the path.
        let (mut dups, side_dups, indexes) = std::thread::scope(|scope| {
            let side = scope.spawn(|| {
                let mut dups = Vec::new();
                index_unique(
                    &t.scores,
                    |r| (r.batch_id.clone(), r.candidate_id, r.subject),
                    |k| format!("{} / {} / {}", k.0, k.1.masked(), k.2),
                    Table::Scores,
                    "subject",
                    &mut dups,
                );
                index_unique(
                    &t.results,
                    |r| (r.batch_id.clone(), r.candidate_id),
                    |k| format!("{} / {}", k.0, k.1.masked()),
                    Table::Results,
                    "candidate_id",
                    &mut dups,
                );
                dups
            });
            let mut dups = Vec::new();
            let show = |k: &dyn std::fmt::Display| k.to_string();
            let institution_ix = index_unique(
                &t.institutions,
                |r| r.institution_id.clone(),
                |k| show(k),
                Table::Institutions,
                "institution_id",
                &mut dups,
            );
            let site_ix = index_unique(
                &t.sites,
                |r| r.site_id.clone(),
                |k| show(k),
                Table::Sites,
                "site_id",
                &mut dups,
            );
            let person_ix = index_unique(
                &t.personnel,
                |r| r.person_id.clone(),
                |k| show(k),
                Table::Personnel,
                "person_id",
                &mut dups,
            );
            let batch_ix = index_unique(
                &t.batches,
                |r| r.batch_id.clone(),
                |k| show(k),
                Table::Batches,
                "batch_id",
                &mut dups,
            );
            let paper_ix = index_unique(
                &t.papers,
                |r| r.paper_id.clone(),
                |k| show(k),
                Table::Papers,
                "paper_id",
                &mut dups,
            );
            let enrollment_ix = index_unique(
                &t.enrollments,
                |r| (r.batch_id.clone(), r.candidate_id),
                |k| format!("{} / {}", k.0, k.1.masked()),
                Table::Enrollments,
                "candidate_id",
                &mut dups,
            );
            index_unique(
                &t.complaints,
                |r| r.complaint_id.clone(),
                |k| show(k),
                Table::Complaints,
                "complaint_id",
                &mut dups,
            );
            let mut cert_ix: FxHashMap<CertNo, Vec<usize>> =
                FxHashMap::with_capacity_and_hasher(t.certificates.len(), Default::default());
            for (i, c) in t.certificates.iter().enumerate() {
                cert_ix.entry(c.cert_no.clone()).or_default().push(i);
            }
            let side_dups = side.join().expect("the key check thread does not panic");
            (
                dups,
                side_dups,
                (
                    institution_ix,
                    site_ix,
                    person_ix,
                    batch_ix,
                    paper_ix,
                    enrollment_ix,
                    cert_ix,
                ),
            )
        });
        dups.extend(side_dups);
        if !dups.is_empty() {
            dups.sort_by_key(|d| (d.table, d.index));
            return Err(dups);
        }
        let (institution_ix, site_ix, person_ix, batch_ix, paper_ix, enrollment_ix, cert_ix) =
            indexes;
        let mut ds = Dataset {
            tables,
            institution_ix,
            site_ix,
            person_ix,
            batch_ix,
            paper_ix,
            enrollment_ix,
            cert_ix,
            reference_issues: Vec::new(),
        };
        ds.reference_issues = ds.find_reference_issues();
        Ok(ds)
    }

    fn find_reference_issues(&self) -> Vec<ReferenceIssue> {
        // The millions of score, result and answer rows are checked on a second thread.
        let (mut out, big) = std::thread::scope(|scope| {
            let big = scope.spawn(|| self.dangling_candidates());
            let small = self.dangling_references();
            (
                small,
                big.join()
                    .expect("the reference check thread does not panic"),
            )
        });
        out.extend(big);
        out.sort_by_key(|r| (r.table, r.index));
        out
    }

    /// References from the small tables.
    fn dangling_references(&self) -> Vec<ReferenceIssue> {
        let t = &self.tables;
        let mut out = Vec::new();
        let mut check = |ok: bool,
                         table: Table,
                         index: usize,
                         column: &'static str,
                         value: &dyn std::fmt::Display,
                         target: Table| {
            note_reference(&mut out, ok, table, index, column, value, target)
        };
        let inst = |id: &InstitutionId| self.institution_ix.contains_key(id);
        for (i, r) in t.scopes.iter().enumerate() {
            check(
                inst(&r.institution_id),
                Table::Scopes,
                i,
                "institution_id",
                &r.institution_id,
                Table::Institutions,
            );
        }
        for (i, r) in t.sites.iter().enumerate() {
            check(
                inst(&r.institution_id),
                Table::Sites,
                i,
                "institution_id",
                &r.institution_id,
                Table::Institutions,
            );
        }
        for (i, r) in t.affiliates.iter().enumerate() {
            check(
                inst(&r.institution_id),
                Table::Affiliates,
                i,
                "institution_id",
                &r.institution_id,
                Table::Institutions,
            );
        }
        for (i, r) in t.personnel.iter().enumerate() {
            if let Some(id) = &r.institution_id {
                check(
                    inst(id),
                    Table::Personnel,
                    i,
                    "institution_id",
                    id,
                    Table::Institutions,
                );
            }
        }
        for (i, r) in t.batches.iter().enumerate() {
            check(
                inst(&r.institution_id),
                Table::Batches,
                i,
                "institution_id",
                &r.institution_id,
                Table::Institutions,
            );
            if let Some(s) = &r.site_id {
                check(
                    self.site_ix.contains_key(s),
                    Table::Batches,
                    i,
                    "site_id",
                    s,
                    Table::Sites,
                );
            }
            if let Some(p) = &r.internal_supervisor_id {
                check(
                    self.person_ix.contains_key(p),
                    Table::Batches,
                    i,
                    "internal_supervisor_id",
                    p,
                    Table::Personnel,
                );
            }
        }
        let batch = |id: &BatchId| self.batch_ix.contains_key(id);
        for (i, r) in t.sessions.iter().enumerate() {
            check(
                batch(&r.batch_id),
                Table::Sessions,
                i,
                "batch_id",
                &r.batch_id,
                Table::Batches,
            );
        }
        for (i, r) in t.batch_staff.iter().enumerate() {
            check(
                batch(&r.batch_id),
                Table::BatchStaff,
                i,
                "batch_id",
                &r.batch_id,
                Table::Batches,
            );
            check(
                self.person_ix.contains_key(&r.person_id),
                Table::BatchStaff,
                i,
                "person_id",
                &r.person_id,
                Table::Personnel,
            );
        }
        for (i, r) in t.batch_changes.iter().enumerate() {
            check(
                batch(&r.batch_id),
                Table::BatchChanges,
                i,
                "batch_id",
                &r.batch_id,
                Table::Batches,
            );
        }
        for (i, r) in t.enrollments.iter().enumerate() {
            check(
                batch(&r.batch_id),
                Table::Enrollments,
                i,
                "batch_id",
                &r.batch_id,
                Table::Batches,
            );
        }
        for (i, r) in t.certificates.iter().enumerate() {
            check(
                inst(&r.institution_id),
                Table::Certificates,
                i,
                "institution_id",
                &r.institution_id,
                Table::Institutions,
            );
            if let Some(b) = &r.batch_id {
                check(
                    batch(b),
                    Table::Certificates,
                    i,
                    "batch_id",
                    b,
                    Table::Batches,
                );
            }
        }
        for (i, r) in t.complaints.iter().enumerate() {
            check(
                inst(&r.institution_id),
                Table::Complaints,
                i,
                "institution_id",
                &r.institution_id,
                Table::Institutions,
            );
        }
        for (i, r) in t.promotions.iter().enumerate() {
            check(
                inst(&r.institution_id),
                Table::Promotions,
                i,
                "institution_id",
                &r.institution_id,
                Table::Institutions,
            );
        }
        for (i, r) in t.access_log.iter().enumerate() {
            if let Some(id) = &r.institution_id {
                check(
                    inst(id),
                    Table::AccessLog,
                    i,
                    "institution_id",
                    id,
                    Table::Institutions,
                );
            }
        }
        for (i, r) in t.sanctions.iter().enumerate() {
            check(
                inst(&r.institution_id),
                Table::Sanctions,
                i,
                "institution_id",
                &r.institution_id,
                Table::Institutions,
            );
        }
        out
    }

    /// Scores, results and answers of candidates not enrolled in that activity.
    fn dangling_candidates(&self) -> Vec<ReferenceIssue> {
        let t = &self.tables;
        let mut out = Vec::new();
        let mut check = |ok: bool,
                         table: Table,
                         index: usize,
                         column: &'static str,
                         value: &dyn std::fmt::Display,
                         target: Table| {
            note_reference(&mut out, ok, table, index, column, value, target)
        };
        let enrolled =
            |b: &BatchId, c: &IdNumber| self.enrollment_ix.contains_key(&(b.clone(), *c));
        for (i, r) in t.scores.iter().enumerate() {
            check(
                enrolled(&r.batch_id, &r.candidate_id),
                Table::Scores,
                i,
                "candidate_id",
                &r.candidate_id.masked_display(),
                Table::Enrollments,
            );
        }
        for (i, r) in t.results.iter().enumerate() {
            check(
                enrolled(&r.batch_id, &r.candidate_id),
                Table::Results,
                i,
                "candidate_id",
                &r.candidate_id.masked_display(),
                Table::Enrollments,
            );
        }
        for (i, r) in t.answers.iter().enumerate() {
            check(
                enrolled(&r.batch_id, &r.candidate_id),
                Table::Answers,
                i,
                "candidate_id",
                &r.candidate_id.masked_display(),
                Table::Enrollments,
            );
            check(
                self.paper_ix.contains_key(&r.paper_id),
                Table::Answers,
                i,
                "paper_id",
                &r.paper_id,
                Table::Papers,
            );
        }
        out
    }

    /// References to rows that do not exist, for screening.
    pub fn reference_issues(&self) -> &[ReferenceIssue] {
        &self.reference_issues
    }

    /// The institution with this id.
    pub fn institution(&self, id: &InstitutionId) -> Option<&Institution> {
        self.institution_ix
            .get(id)
            .map(|&i| &self.tables.institutions[i])
    }

    /// The site with this id.
    pub fn site(&self, id: &SiteId) -> Option<&Site> {
        self.site_ix.get(id).map(|&i| &self.tables.sites[i])
    }

    /// The person with this card number.
    pub fn person(&self, id: &PersonId) -> Option<&Person> {
        self.person_ix.get(id).map(|&i| &self.tables.personnel[i])
    }

    /// The activity with this batch id.
    pub fn batch(&self, id: &BatchId) -> Option<&Batch> {
        self.batch_ix.get(id).map(|&i| &self.tables.batches[i])
    }

    /// The paper with this id.
    pub fn paper(&self, id: &PaperId) -> Option<&Paper> {
        self.paper_ix.get(id).map(|&i| &self.tables.papers[i])
    }

    /// The application of `candidate` to `batch`.
    pub fn enrollment(&self, batch: &BatchId, candidate: &IdNumber) -> Option<&Enrollment> {
        self.enrollment_ix
            .get(&(batch.clone(), *candidate))
            .map(|&i| &self.tables.enrollments[i])
    }

    /// Every certificate carrying this number (more than one is a finding).
    pub fn certificates_numbered(&self, no: &CertNo) -> impl Iterator<Item = &Certificate> {
        self.cert_ix
            .get(no)
            .into_iter()
            .flatten()
            .map(|&i| &self.tables.certificates[i])
    }

    /// The date the data describes: `meta.as_of`, else the latest date seen.
    pub fn as_of(&self) -> Option<Date> {
        let t = &self.tables;
        t.meta.as_of.or_else(|| {
            let batches = t.batches.iter().map(|b| b.end_at.date());
            let certs = t.certificates.iter().map(|c| c.issued_on);
            batches.chain(certs).max()
        })
    }

    /// The start of the screened window: `meta.window_from`, else the earliest activity start.
    pub fn window_from(&self) -> Option<Date> {
        self.tables
            .meta
            .window_from
            .or_else(|| self.tables.batches.iter().map(|b| b.start_at.date()).min())
    }

    /// The earliest and latest dates of the activities.
    pub fn activity_range(&self) -> Option<(Date, Date)> {
        let b = &self.tables.batches;
        Some((
            b.iter().map(|b| b.start_at.date()).min()?,
            b.iter().map(|b| b.end_at.date()).max()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::{InstitutionKind, RegistrationStatus};
    use crate::{CreditCode, Level, OccupationCode, RegionCode};

    fn inst(id: &str) -> Institution {
        Institution {
            institution_id: InstitutionId::parse(id).unwrap(),
            name: "武汉某某职业培训学校".into(),
            credit_code: CreditCode::parse("91350100M000100Y43").unwrap(),
            kind: InstitutionKind::SocialOrg,
            region_code: RegionCode::parse("420100").unwrap(),
            registered_on: Date::from_ymd_opt(2023, 1, 1).unwrap(),
            expires_on: Date::from_ymd_opt(2025, 12, 31).unwrap(),
            status: RegistrationStatus::Active,
            status_since: None,
            employee_count: None,
            phone: None,
            registered_by: None,
        }
    }

    fn batch(id: &str, inst: &str) -> Batch {
        let at = Date::from_ymd_opt(2024, 5, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        Batch {
            batch_id: BatchId::parse(id).unwrap(),
            institution_id: InstitutionId::parse(inst).unwrap(),
            occupation_code: OccupationCode::parse("4-03-02-01").unwrap(),
            level: Level::new(4).unwrap(),
            site_id: None,
            start_at: at,
            end_at: at,
            filed_at: None,
            internal_supervisor_id: None,
            supervision_record_at: None,
        }
    }

    #[test]
    fn unknown_references_are_recorded_not_refused() {
        let tables = Tables {
            institutions: vec![inst("I1")],
            batches: vec![batch("B1", "I1"), batch("B2", "I9")],
            ..Default::default()
        };
        let ds = Dataset::new(tables).unwrap();
        assert_eq!(ds.reference_issues().len(), 1);
        let issue = &ds.reference_issues()[0];
        assert_eq!(
            (issue.table, issue.index, issue.column, issue.value.as_str()),
            (Table::Batches, 1, "institution_id", "I9")
        );
        assert!(ds.batch(&BatchId::parse("B1").unwrap()).is_some());
        assert_eq!(
            ds.institution(&InstitutionId::parse("I1").unwrap())
                .unwrap()
                .name,
            "武汉某某职业培训学校"
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let tables = Tables {
            institutions: vec![inst("I1"), inst("I1")],
            ..Default::default()
        };
        let dups = Dataset::new(tables).unwrap_err();
        assert_eq!(
            dups,
            vec![DuplicateKey {
                table: Table::Institutions,
                index: 1,
                column: "institution_id",
                value: "I1".into()
            }]
        );
    }
}
