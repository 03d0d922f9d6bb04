-- What the store knows about its own contents (imports, which dataset tables it
-- holds) and the screening runs with their findings and the marks people put on them.

-- One row per committed import (an import that failed or was killed left nothing).
CREATE TABLE imports (
    import_id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    row_count BIGINT NOT NULL,
    replaced_batches BIGINT NOT NULL,
    table_counts TEXT NOT NULL
);

-- A dataset table is "present" once an import carried it, even with no rows: a
-- missing optional table disables the rules that need it, an empty one does not.
CREATE TABLE dataset_tables (
    name TEXT PRIMARY KEY,
    first_import BIGINT NOT NULL REFERENCES imports (import_id),
    last_import BIGINT NOT NULL REFERENCES imports (import_id)
);

CREATE TABLE screening_runs (
    run_id INTEGER PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    rulebook TEXT NOT NULL,
    as_of DATE NOT NULL,
    window_from DATE NOT NULL,
    last_import BIGINT REFERENCES imports (import_id),
    finding_count BIGINT NOT NULL,
    new_count BIGINT NOT NULL
);

-- A finding's identity: the same rule about the same subject is the same finding
-- in every run, so a confirmation or dismissal made once stays with it.
CREATE TABLE findings (
    finding_id INTEGER PRIMARY KEY,
    finding_key TEXT NOT NULL,
    rule TEXT NOT NULL,
    institution_id TEXT,
    batch_id TEXT,
    candidate_id TEXT,
    cert_no TEXT,
    person_id TEXT,
    first_run BIGINT NOT NULL REFERENCES screening_runs (run_id),
    last_run BIGINT NOT NULL REFERENCES screening_runs (run_id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'dismissed')),
    status_reason TEXT,
    status_by TEXT,
    status_at TIMESTAMP
);
CREATE UNIQUE INDEX findings_key ON findings (finding_key);
CREATE INDEX findings_institution ON findings (institution_id);
CREATE INDEX findings_last_run ON findings (last_run);

-- What one run said about one finding (classification and message may change
-- between runs, e.g. under another rulebook); `detail` is the findings.jsonl line.
CREATE TABLE run_findings (
    run_id BIGINT NOT NULL REFERENCES screening_runs (run_id),
    finding_id BIGINT NOT NULL REFERENCES findings (finding_id),
    item SMALLINT NOT NULL,
    severity TEXT NOT NULL,
    disposition TEXT NOT NULL,
    message TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (run_id, finding_id)
);
CREATE INDEX run_findings_finding ON run_findings (finding_id);

-- Every mark ever made, newest last; findings.status holds the current one.
CREATE TABLE finding_marks (
    mark_id INTEGER PRIMARY KEY,
    finding_id BIGINT NOT NULL REFERENCES findings (finding_id),
    status TEXT NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed')),
    reason TEXT NOT NULL,
    marked_by TEXT NOT NULL,
    marked_at TIMESTAMP NOT NULL
);
CREATE INDEX finding_marks_finding ON finding_marks (finding_id);
