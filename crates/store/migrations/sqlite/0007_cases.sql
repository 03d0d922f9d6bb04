-- 违纪违规案件 and the case file (处理档案, 第二十一条): one row per case with its
-- current state, and append-only events that record every step with who, when,
-- why and the case before and after (JSON text). The effects a decision applied
-- to the dataset and registry tables are kept with their before/after values so a
-- review that changes the outcome can restore them.

CREATE TABLE cases (
    case_id INTEGER PRIMARY KEY,
    number TEXT NOT NULL,
    party_kind TEXT NOT NULL CHECK (party_kind IN ('institution', 'candidate', 'staff')),
    party_id TEXT NOT NULL,
    party_name TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('findings', 'complaint', 'inspection', 'manual')),
    source_detail TEXT,
    summary TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('lead', 'investigating', 'proposed', 'notified', 'decided', 'review', 'executing', 'rectifying', 'closed', 'dropped')),
    major BOOLEAN NOT NULL DEFAULT FALSE,
    major_ground TEXT,
    major_note TEXT,
    opened_at TIMESTAMP NOT NULL,
    opened_by TEXT NOT NULL,
    proposal TEXT,
    notified_on DATE,
    decision TEXT,
    decided_on DATE,
    served_on DATE,
    review_requested_on DATE,
    review_due DATE,
    review_extended_reason TEXT,
    review_prior_state TEXT,
    review_outcome TEXT,
    review_decided_on DATE,
    executed_on DATE,
    rectify_due DATE,
    closed_at TIMESTAMP,
    outcome TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX cases_number ON cases (number);
CREATE INDEX cases_institution ON cases (institution_id);
CREATE INDEX cases_state ON cases (state, case_id);
CREATE INDEX cases_party ON cases (party_kind, party_id);

CREATE TABLE case_findings (
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    finding_id BIGINT NOT NULL REFERENCES findings (finding_id),
    PRIMARY KEY (case_id, finding_id)
);
CREATE INDEX case_findings_finding ON case_findings (finding_id);

-- The case file: never updated or deleted.
CREATE TABLE case_events (
    event_id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    at TIMESTAMP NOT NULL,
    by_user TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT,
    before TEXT,
    after TEXT
);
CREATE INDEX case_events_case ON case_events (case_id, event_id);

-- 调查人员 (第十七条); a removed investigator keeps the row with why.
CREATE TABLE case_investigators (
    investigator_id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    investigator TEXT NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    assigned_by TEXT NOT NULL,
    removed_at TIMESTAMP,
    removed_reason TEXT
);
CREATE INDEX case_investigators_case ON case_investigators (case_id);

-- Declared conflicts of interest (第十八条 利害关系): an investigator and an institution.
CREATE TABLE case_conflicts (
    conflict_id INTEGER PRIMARY KEY,
    investigator TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    declared_at TIMESTAMP NOT NULL,
    declared_by TEXT NOT NULL
);
CREATE INDEX case_conflicts_investigator ON case_conflicts (investigator, institution_id);

-- Recusal requests of a party (第十八条 当事人可申请其回避) and their decisions.
CREATE TABLE case_recusals (
    recusal_id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    investigator TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    requested_by TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'granted', 'refused')),
    decision_reason TEXT,
    decided_at TIMESTAMP,
    decided_by TEXT
);
CREATE INDEX case_recusals_case ON case_recusals (case_id);

-- 告知书, 处理决定书, 复核决定书 with their numbers (per issuer, kind and year).
CREATE TABLE case_documents (
    document_id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    kind TEXT NOT NULL CHECK (kind IN ('notice', 'decision', 'review_decision')),
    number_prefix TEXT NOT NULL,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL,
    body TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    issued_by TEXT NOT NULL
);
CREATE UNIQUE INDEX case_documents_number ON case_documents (number_prefix, kind, year, seq);
CREATE INDEX case_documents_case ON case_documents (case_id);

-- Evidence files and on-site records (第十五条: a candidate's signed by 2 or more staff).
-- `content` is declared BYTEA on both backends (SQLite stores the bytes as a blob
-- under that name, and the schema comparison sees one type family).
CREATE TABLE case_attachments (
    attachment_id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    kind TEXT NOT NULL CHECK (kind IN ('evidence', 'onsite_record')),
    file_name TEXT NOT NULL,
    content BYTEA NOT NULL,
    size BIGINT NOT NULL,
    signers TEXT,
    note TEXT,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by TEXT NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments (case_id);

-- What the party submitted: 陈述申辩 and 整改报告.
CREATE TABLE case_statements (
    statement_id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    kind TEXT NOT NULL CHECK (kind IN ('statement', 'rectification_report')),
    text TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    late BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX case_statements_case ON case_statements (case_id);

-- What execution changed: kind, target, the values before and after (JSON), and
-- when a review rolled it back.
CREATE TABLE case_effects (
    effect_id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    before TEXT,
    after TEXT,
    applied_at TIMESTAMP NOT NULL,
    rolled_back_at TIMESTAMP
);
CREATE INDEX case_effects_case ON case_effects (case_id);

-- 第六条/第七条: a candidate may not take part in evaluations from barred_from
-- through barred_until; lifted_at when a review withdrew the bar.
CREATE TABLE candidate_bars (
    bar_id INTEGER PRIMARY KEY,
    id_number TEXT NOT NULL,
    barred_from DATE NOT NULL,
    barred_until DATE NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    lifted_at TIMESTAMP
);
CREATE INDEX candidate_bars_id_number ON candidate_bars (id_number);

-- 诚信不良档案 (第十三条): an institution or a person.
CREATE TABLE credit_records (
    record_id INTEGER PRIMARY KEY,
    party_kind TEXT NOT NULL,
    party_id TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    recorded_from DATE NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    lifted_at TIMESTAMP
);
CREATE INDEX credit_records_party ON credit_records (party_kind, party_id);

-- 约束措施 (监督管理办法 第十七条) on an institution.
CREATE TABLE institution_constraints (
    constraint_id INTEGER PRIMARY KEY,
    institution_id TEXT NOT NULL,
    measure TEXT NOT NULL CHECK (measure IN ('inspection', 'subsidy', 'competition', 'awards')),
    valid_from DATE NOT NULL,
    valid_until DATE NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    lifted_at TIMESTAMP
);
CREATE INDEX institution_constraints_institution ON institution_constraints (institution_id);
