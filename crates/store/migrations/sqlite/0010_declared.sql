-- Declared values (../shared/spec/dataset.md, “Declared values”): what an applicant
-- declared is evidence, kept as written even when malformed, so every declared
-- column of enrollments is TEXT — the value's text form, or the malformed text —
-- and work years keep their decimals exactly as declared (5.3, 4.9).
-- A score may be absent (缺考): NULL.
-- SQLite cannot change a column's type or nullability: both tables are rebuilt with
-- the same columns in the same order, rows and `seq` kept.
CREATE TABLE enrollments_new (
    seq INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    name TEXT NOT NULL,
    employer_credit_code TEXT,
    employer_name TEXT,
    education TEXT,
    major_related TEXT,
    work_years TEXT,
    prior_cert_no TEXT,
    prior_occupation_code TEXT,
    prior_level TEXT,
    prior_cert_on TEXT,
    applied_at TIMESTAMP
);
INSERT INTO enrollments_new
SELECT seq, batch_id, candidate_id, name, employer_credit_code, employer_name, education,
       CASE WHEN major_related IS NULL THEN NULL WHEN major_related THEN 'true' ELSE 'false' END,
       CAST(work_years AS TEXT), prior_cert_no, prior_occupation_code,
       CAST(prior_level AS TEXT), prior_cert_on, applied_at
FROM enrollments;
DROP TABLE enrollments;
ALTER TABLE enrollments_new RENAME TO enrollments;
CREATE UNIQUE INDEX enrollments_key ON enrollments (batch_id, candidate_id);
CREATE INDEX enrollments_candidate ON enrollments (candidate_id);

CREATE TABLE scores_new (
    seq INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    score DOUBLE PRECISION,
    graded_by TEXT,
    recorded_at TIMESTAMP
);
INSERT INTO scores_new SELECT seq, batch_id, candidate_id, subject, score, graded_by, recorded_at
FROM scores;
DROP TABLE scores;
ALTER TABLE scores_new RENAME TO scores;
CREATE UNIQUE INDEX scores_key ON scores (batch_id, candidate_id, subject);
