-- The evaluation dataset (../shared/spec/dataset.md), one table per dataset table.
--
-- Every table has a surrogate `seq` that keeps the order rows were imported in, so
-- a snapshot reads back in file order. Natural keys are UNIQUE where the dataset
-- itself refuses duplicates; references between dataset tables are NOT foreign
-- keys: a dangling reference (a batch of an unregistered institution, a score of
-- nobody enrolled) is evidence that screening reports, so the store must keep it.
-- Dates are DATE, date-times TIMESTAMP (local China time, no zone), enumerations
-- their English codes, levels and guide items SMALLINT, scores DOUBLE PRECISION
-- with one decimal.

CREATE TABLE meta (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    as_of DATE,
    region_code TEXT,
    policy TEXT,
    window_from DATE
);

CREATE TABLE institutions (
    seq INTEGER PRIMARY KEY,
    institution_id TEXT NOT NULL,
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    region_code TEXT NOT NULL,
    registered_on DATE NOT NULL,
    expires_on DATE NOT NULL,
    status TEXT NOT NULL,
    status_since DATE,
    employee_count BIGINT,
    phone TEXT
);
CREATE UNIQUE INDEX institutions_key ON institutions (institution_id);
CREATE INDEX institutions_region ON institutions (region_code);
CREATE INDEX institutions_credit_code ON institutions (credit_code);

CREATE TABLE scopes (
    seq INTEGER PRIMARY KEY,
    institution_id TEXT NOT NULL,
    occupation_code TEXT NOT NULL,
    occupation_name TEXT,
    level SMALLINT NOT NULL,
    valid_from DATE,
    valid_to DATE
);
CREATE INDEX scopes_institution ON scopes (institution_id);

CREATE TABLE sites (
    seq INTEGER PRIMARY KEY,
    site_id TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    address TEXT NOT NULL,
    capacity BIGINT,
    registered_on DATE,
    revoked_on DATE
);
CREATE UNIQUE INDEX sites_key ON sites (site_id);
CREATE INDEX sites_institution ON sites (institution_id);

CREATE TABLE affiliates (
    seq INTEGER PRIMARY KEY,
    institution_id TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    name TEXT NOT NULL,
    relation TEXT NOT NULL,
    valid_from DATE,
    valid_to DATE
);
CREATE INDEX affiliates_institution ON affiliates (institution_id);

CREATE TABLE personnel (
    seq INTEGER PRIMARY KEY,
    person_id TEXT NOT NULL,
    id_number TEXT,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    institution_id TEXT,
    occupation_code TEXT,
    max_level SMALLINT,
    valid_from DATE,
    valid_to DATE,
    employer_credit_code TEXT
);
CREATE UNIQUE INDEX personnel_key ON personnel (person_id);
CREATE INDEX personnel_institution ON personnel (institution_id);
CREATE INDEX personnel_id_number ON personnel (id_number);

CREATE TABLE batches (
    seq INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    occupation_code TEXT NOT NULL,
    level SMALLINT NOT NULL,
    site_id TEXT,
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL,
    filed_at TIMESTAMP,
    internal_supervisor_id TEXT,
    supervision_record_at TIMESTAMP
);
CREATE UNIQUE INDEX batches_key ON batches (batch_id);
CREATE INDEX batches_institution ON batches (institution_id, start_at);
CREATE INDEX batches_start ON batches (start_at);

CREATE TABLE sessions (
    seq INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL,
    paper_drawn TEXT,
    paper_used TEXT
);
CREATE INDEX sessions_batch ON sessions (batch_id);

CREATE TABLE batch_staff (
    seq INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    person_id TEXT NOT NULL,
    duty TEXT NOT NULL
);
CREATE INDEX batch_staff_batch ON batch_staff (batch_id);
CREATE INDEX batch_staff_person ON batch_staff (person_id);

CREATE TABLE batch_changes (
    seq INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    changed_at TIMESTAMP NOT NULL,
    reported_at TIMESTAMP
);
CREATE INDEX batch_changes_batch ON batch_changes (batch_id);

CREATE TABLE enrollments (
    seq INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    name TEXT NOT NULL,
    employer_credit_code TEXT,
    employer_name TEXT,
    education TEXT,
    major_related BOOLEAN,
    work_years SMALLINT,
    prior_cert_no TEXT,
    prior_occupation_code TEXT,
    prior_level SMALLINT,
    prior_cert_on DATE,
    applied_at TIMESTAMP
);
CREATE UNIQUE INDEX enrollments_key ON enrollments (batch_id, candidate_id);
CREATE INDEX enrollments_candidate ON enrollments (candidate_id);

CREATE TABLE scores (
    seq INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    graded_by TEXT,
    recorded_at TIMESTAMP
);
CREATE UNIQUE INDEX scores_key ON scores (batch_id, candidate_id, subject);

CREATE TABLE results (
    seq INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE UNIQUE INDEX results_key ON results (batch_id, candidate_id);

CREATE TABLE papers (
    seq INTEGER PRIMARY KEY,
    paper_id TEXT NOT NULL,
    occupation_code TEXT NOT NULL,
    level SMALLINT NOT NULL,
    subject TEXT NOT NULL,
    answer_key TEXT NOT NULL
);
CREATE UNIQUE INDEX papers_key ON papers (paper_id);

CREATE TABLE answers (
    seq INTEGER PRIMARY KEY,
    batch_id TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    responses TEXT NOT NULL,
    started_at TIMESTAMP,
    submitted_at TIMESTAMP
);
CREATE INDEX answers_batch ON answers (batch_id);

CREATE TABLE certificates (
    seq INTEGER PRIMARY KEY,
    cert_no TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    name TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    batch_id TEXT,
    occupation_code TEXT NOT NULL,
    level SMALLINT NOT NULL,
    issued_on DATE NOT NULL,
    uploaded_at TIMESTAMP,
    status TEXT NOT NULL
);
-- Not unique: two certificates with one number is a finding (item 15), kept as evidence.
CREATE INDEX certificates_no ON certificates (cert_no);
CREATE INDEX certificates_candidate ON certificates (candidate_id);
CREATE INDEX certificates_batch ON certificates (batch_id);
CREATE INDEX certificates_institution ON certificates (institution_id, issued_on);

CREATE TABLE standards (
    seq INTEGER PRIMARY KEY,
    occupation_code TEXT NOT NULL,
    level SMALLINT NOT NULL,
    subject TEXT NOT NULL,
    min_minutes BIGINT,
    weight DOUBLE PRECISION,
    pass_mark DOUBLE PRECISION,
    proctor_ratio BIGINT,
    examiner_ratio BIGINT
);
CREATE INDEX standards_key ON standards (occupation_code, level, subject);

CREATE TABLE complaints (
    seq INTEGER PRIMARY KEY,
    complaint_id TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    received_on DATE NOT NULL,
    channel TEXT,
    summary TEXT NOT NULL,
    verified TEXT NOT NULL,
    at_fault BOOLEAN
);
CREATE UNIQUE INDEX complaints_key ON complaints (complaint_id);
CREATE INDEX complaints_institution ON complaints (institution_id);

CREATE TABLE promotions (
    seq INTEGER PRIMARY KEY,
    institution_id TEXT NOT NULL,
    channel TEXT,
    captured_on DATE NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX promotions_institution ON promotions (institution_id);

CREATE TABLE access_log (
    seq INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    user_id TEXT NOT NULL,
    institution_id TEXT,
    cert_no TEXT NOT NULL,
    action TEXT NOT NULL
);
CREATE INDEX access_log_user ON access_log (user_id, at);

CREATE TABLE sanctions (
    seq INTEGER PRIMARY KEY,
    institution_id TEXT NOT NULL,
    decided_on DATE NOT NULL,
    item SMALLINT NOT NULL,
    severity TEXT NOT NULL,
    disposition TEXT NOT NULL
);
CREATE INDEX sanctions_institution ON sanctions (institution_id);
